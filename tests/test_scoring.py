"""Scoring: every rule checked against figures worked out by hand.

The hand fixture (2026-10) has five people:

======  ====  =====  =======  ======  =====  =============  =========================
person  team  role   revenue  orders  calls  new customers  other
======  ====  =====  =======  ======  =====  =============  =========================
E1      T1    agent  6500     3       4      2 (3000, 2500)  c1 buys twice; 2 assists
E2      T1    agent  5500     2       2      1 (5000)        c9 bought in Sep; 1 violation
E3      T2    agent  1000     1       6      1 (1000)        2 violations
E4      T2    agent  0        0       3      0
E5      T2    lead   0        0       1      0
======  ====  =====  =======  ======  =====  =============  =========================

Customer tiers: E1 A, B, C; E2 A, C; E3 B.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from salesperf_kit.exceptions import ScoringError
from salesperf_kit.incentives import payouts
from salesperf_kit.kpis import compute_kpis
from salesperf_kit.params import Grading, load_params, params_from_dict
from salesperf_kit.scoring import (
    Scorecard, assign_grades, grade_order, normalise, promotion_eligible, rank, rating_points, score,
    scorecard, weights_for,
)

PERIOD = "2026-10"
KPIS = ["revenue", "orders", "calls", "new_customers", "repurchase_rate", "compliance_violations",
        "collaboration", "sales_cost_ratio"]


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture
def data() -> dict[str, pd.DataFrame]:
    employees = pd.DataFrame({
        "employee_id": ["E1", "E2", "E3", "E4", "E5"],
        "name": ["Ann", "Bob", "Cat", "Dan", "Eve"],
        "team": ["T1", "T1", "T2", "T2", "T2"],
        "role": ["agent", "agent", "agent", "agent", "lead"],
    })
    orders = pd.DataFrame({
        "order_id": ["o0", "o1", "o2", "o3", "o4", "o5", "o6"],
        "employee_id": ["E2", "E1", "E1", "E1", "E2", "E2", "E3"],
        "customer_id": ["c9", "c1", "c1", "c2", "c3", "c9", "c4"],
        "order_date": pd.to_datetime(["2026-09-15", "2026-10-02", "2026-10-20", "2026-10-05",
                                      "2026-10-07", "2026-10-08", "2026-10-09"]),
        "amount": [300.0, 3000.0, 1000.0, 2500.0, 5000.0, 500.0, 1000.0],
        "customer_tier": ["C", "A", "B", "C", "A", "C", "B"],
    })
    n_calls = {"E1": 4, "E2": 2, "E3": 6, "E4": 3, "E5": 1}
    who = [e for e, n in n_calls.items() for _ in range(n)]
    calls = pd.DataFrame({
        "call_id": [f"k{i}" for i in range(len(who))], "employee_id": who,
        "started_at": pd.Timestamp("2026-10-12 10:00"), "duration_s": 120.0, "connected": True,
    })
    activities = pd.DataFrame({
        "employee_id": ["E1", "E2", "E3"],
        "date": pd.to_datetime(["2026-10-03", "2026-10-04", "2026-10-05"]),
        "activity": ["assist", "compliance_violation", "compliance_violation"],
        "count": [2.0, 1.0, 2.0],
    })
    traffic = pd.DataFrame({
        "date": pd.to_datetime(["2026-10-01", "2026-10-01"]), "channel": ["ads", "ads"],
        "employee_id": ["E1", "E2"], "sessions": [10.0, 10.0], "unique_visitors": [5.0, 5.0],
        "page_views": [20.0, 20.0], "spend": [2600.0, 1100.0],
    })
    targets = pd.DataFrame({
        "period": [PERIOD] * 4 + ["2026-09"],
        "employee_id": ["E1", "E2", "E3", None, "E4"],
        "team": [None, None, None, "T2", None],
        "kpi": ["revenue"] * 5,
        "target": [5000.0, 5500.0, 2000.0, 9000.0, 800.0],
    })
    return {"employees": employees, "orders": orders, "calls": calls, "activities": activities,
            "traffic": traffic, "targets": targets}


@pytest.fixture
def kpis(data):
    return compute_kpis(data, PERIOD, kpis=KPIS)


def make_params(**scoring) -> object:
    """A small plan: agents on revenue (attainment) / calls / new customers (percentile),
    the lead on calls; no bonuses, no ratings, no team blend unless given."""
    base = {
        "normalisation": {"method": "percentile"},
        "kpi_normalisation": {"revenue": {"method": "attainment", "floor": 0, "cap": 1.2}},
        "roles": {"agent": {"label": {"en": "Agent", "zh": "坐席"},
                            "weights": {"revenue": 0.5, "calls": 0.3, "new_customers": 0.2}},
                  "lead": {"weights": {"calls": 1.0}}},
        "grading": {"method": "thresholds", "thresholds": {"A": 80, "B": 60, "C": 0},
                    "labels": {"en": {"A": "Excellent", "B": "Good", "C": "Improve"},
                               "zh": {"A": "优秀", "B": "良好", "C": "待改进"}}},
    }
    base.update(scoring)
    return params_from_dict({"business": "telesales", "language": "en", "scoring": base})


def row(card: Scorecard, employee_id: str) -> pd.Series:
    return card.table.set_index("employee_id").loc[employee_id]


def detail(card: Scorecard, employee_id: str, kpi: str) -> pd.Series:
    d = card.details
    return d[(d["employee_id"] == employee_id) & (d["kpi"] == kpi)].iloc[0]


# ----------------------------------------------------------------------------- normalise
def test_attainment_caps_floors_and_needs_a_target():
    values = pd.Series([50.0, 100.0, 150.0, 0.0, np.nan, 80.0, 30.0])
    target = pd.Series([100.0, 100.0, 100.0, 100.0, 100.0, 0.0, np.nan])
    got = normalise(values, method="attainment", target=target, floor=0.0, cap=1.2)
    assert got.tolist()[:4] == pytest.approx([50.0, 100.0, 120.0, 0.0])
    assert got.iloc[4:].isna().all()  # no value, target 0, no target
    floored = normalise(pd.Series([20.0]), method="attainment", target=pd.Series([100.0]), floor=0.5)
    assert floored.iloc[0] == pytest.approx(50.0)


def test_attainment_lower_is_better_is_target_over_actual():
    # complaint rate against a target of 4 %: 2 % -> 200 % capped, 5 % -> 80 %, 0 -> cap
    got = normalise(pd.Series([0.02, 0.05, 0.0]), method="attainment", higher_is_better=False,
                    target=pd.Series([0.04, 0.04, 0.04]), cap=1.2)
    assert got.tolist() == pytest.approx([120.0, 80.0, 120.0])


def test_minmax_and_its_inversion():
    x = pd.Series([10.0, 20.0, 30.0, np.nan])
    assert normalise(x, method="minmax").tolist()[:3] == pytest.approx([0.0, 50.0, 100.0])
    assert normalise(x, method="minmax", higher_is_better=False).tolist()[:3] == pytest.approx([100.0, 50.0, 0.0])
    assert np.isnan(normalise(x, method="minmax").iloc[3])
    assert normalise(pd.Series([5.0, 5.0]), method="minmax").tolist() == [100.0, 100.0]


def test_percentile_uses_average_ranks_among_non_missing_peers():
    x = pd.Series([10.0, 20.0, 20.0, 40.0])
    # ranks 1, 2.5, 2.5, 4 -> 100 x (r - 1) / 3
    assert normalise(x, method="percentile").tolist() == pytest.approx([0.0, 50.0, 50.0, 100.0])
    assert normalise(x, method="percentile", higher_is_better=False).tolist() == pytest.approx([100.0, 50.0, 50.0, 0.0])
    got = normalise(pd.Series([np.nan, 5.0, 7.0]), method="percentile")
    assert np.isnan(got.iloc[0]) and got.iloc[1:].tolist() == [0.0, 100.0]
    assert normalise(pd.Series([3.0]), method="percentile").tolist() == [100.0]


def test_zscore_is_a_clipped_t_score_with_population_sd():
    # mean 2, population sd sqrt(2/3) -> z = -/+ 1.2247
    z = 1 / math.sqrt(2 / 3)
    got = normalise(pd.Series([1.0, 2.0, 3.0]), method="zscore")
    assert got.tolist() == pytest.approx([50 - 10 * z, 50.0, 50 + 10 * z])
    inverted = normalise(pd.Series([1.0, 2.0, 3.0]), method="zscore", higher_is_better=False)
    assert inverted.tolist() == pytest.approx([50 + 10 * z, 50.0, 50 - 10 * z])
    assert normalise(pd.Series([4.0, 4.0]), method="zscore").tolist() == [50.0, 50.0]
    # one outlier among 100: mean 1, sd sqrt(99) -> z = 99 / 9.95 = 9.95 -> T 149.5, clipped
    outlier = normalise(pd.Series([0.0] * 99 + [100.0]), method="zscore")
    assert outlier.iloc[-1] == 100.0
    assert outlier.iloc[0] == pytest.approx(50 - 10 / math.sqrt(99))


def test_unknown_method_is_refused():
    with pytest.raises(ScoringError, match="must be one of"):
        normalise(pd.Series([1.0]), method="rank")


# ----------------------------------------------------------------------------- weights
def _phase_params(**extra):
    return make_params(
        roles={"agent": {"weights": {"revenue": 0.5, "calls": 0.5}}, "lead": {"weights": {"calls": 1.0}}},
        phases=[
            {"name": "618", "months": [6], "roles": {"agent": {"revenue": 0.8, "calls": 0.2}}},
            {"name": "Q4 launch", "periods": ["2026-Q4"], "roles": {"agent": {"revenue": 0.3, "calls": 0.7}}},
            {"name": "October", "months": [10], "roles": {"agent": {"revenue": 0.1, "calls": 0.9}}},
            {"name": "quarterly review", "cycle": "quarter", "roles": {"agent": {"revenue": 0.6, "calls": 0.4}}},
            {"name": "never", "roles": {"agent": {"revenue": 1.0}}},
        ], **extra)


def test_phase_weights_june_versus_october():
    p = _phase_params()
    assert weights_for(p, "agent", "2026-06") == {"revenue": 0.8, "calls": 0.2}
    assert weights_for(p, "agent", "2026-10") == {"revenue": 0.1, "calls": 0.9}  # Q4 and October: last wins
    assert weights_for(p, "agent", "2026-11") == {"revenue": 0.3, "calls": 0.7}  # inside 2026-Q4
    assert weights_for(p, "agent", "2026-05") == {"revenue": 0.5, "calls": 0.5}
    # a quarter: "months: [6]" does not cover all of 2026-Q2, the cycle phase applies
    assert weights_for(p, "agent", "2026-Q2") == {"revenue": 0.6, "calls": 0.4}
    assert weights_for(p, "agent", "2026-Q4") == {"revenue": 0.6, "calls": 0.4}


def test_scorecard_reports_the_phase_weights_used(kpis):
    p = _phase_params()
    card = score(kpis, p)
    assert card.weights["agent"] == {"revenue": 0.1, "calls": 0.9}
    assert any("phase 'October'" in n for n in card.notes)
    assert detail(card, "E1", "calls")["weight"] == 0.9


def test_default_role_and_unknown_role():
    p = make_params(default_role="agent")
    assert weights_for(p, "intern", PERIOD) == {"revenue": 0.5, "calls": 0.3, "new_customers": 0.2}
    with pytest.raises(ScoringError, match=r"intern.*agent.*lead.*default_role"):
        weights_for(make_params(), "intern", PERIOD)


def test_unknown_role_in_the_data_lists_found_and_configured_roles(data):
    data["employees"].loc[3, "role"] = "intern"
    data["employees"].loc[4, "role"] = "trainee"
    k = compute_kpis(data, PERIOD, kpis=KPIS)
    with pytest.raises(ScoringError) as err:
        score(k, make_params())
    text = str(err.value)
    assert "['intern', 'trainee']" in text and "['agent', 'lead']" in text and "Fix:" in text
    card = score(k, make_params(default_role="agent"))
    assert row(card, "E4")["role"] == "intern"
    assert detail(card, "E4", "revenue")["weight"] == 0.5
    assert any("'intern'" in n and "default role 'agent'" in n for n in card.notes)


def test_a_grade_only_an_uncapped_bonus_reaches_is_noted_on_the_scorecard(kpis):
    grading = {"method": "thresholds", "thresholds": {"A": 80, "B": 60, "C": 0, "D": 200}}
    card = score(kpis, make_params(grading=grading, bonuses={"collaboration_points": 2}))
    [note] = [n for n in card.notes if "scoring.grading.thresholds.D" in n]
    assert "only bonuses.collaboration_points" in note and "it makes D the top grade" in note
    assert "D" in note.zh and "200" in note.zh


def test_dimension_weights_split_within_each_dimension():
    roles = {"agent": {"weights": {"revenue": 0.4, "orders": 0.2, "calls": 0.4}}}
    # revenue, orders: result (0.6 of the plan weight); calls: process (0.4)
    p = make_params(roles=roles, dimension_weights={"result": 0.7, "process": 0.3})
    assert weights_for(p, "agent", PERIOD) == pytest.approx({"revenue": 0.7 * 0.4 / 0.6, "orders": 0.7 * 0.2 / 0.6,
                                                             "calls": 0.3})
    # the role moves orders to process: result = revenue alone; process = orders .2 + calls .4
    roles["agent"]["dimensions"] = {"orders": "process"}
    p = make_params(roles=roles, dimension_weights={"result": 0.7, "process": 0.3})
    assert weights_for(p, "agent", PERIOD) == pytest.approx({"revenue": 0.7, "orders": 0.1, "calls": 0.2})
    # potential has no KPI in the role: result/process rescaled to 0.6/0.9 and 0.3/0.9
    p = make_params(roles={"agent": {"weights": {"revenue": 0.5, "calls": 0.5}}},
                    dimension_weights={"result": 0.6, "process": 0.3, "potential": 0.1})
    assert weights_for(p, "agent", PERIOD) == pytest.approx({"revenue": 2 / 3, "calls": 1 / 3})


# ----------------------------------------------------------------------------- KPI points
def test_a_target_of_0_is_said_to_be_0_not_missing(kpis, data):
    """E4's revenue target set at 0: no attainment to score (its weight goes to the other
    KPIs, as for a missing target), and the note says the target is 0, not that there is none."""
    targets = pd.concat([data["targets"], pd.DataFrame({"period": [PERIOD], "employee_id": ["E4"], "team": [None],
                                                        "kpi": ["revenue"], "target": [0.0]})], ignore_index=True)
    card = score(kpis, make_params(), targets=targets)
    rev = detail(card, "E4", "revenue")
    assert rev["target"] == 0 and np.isnan(rev["normalised"])
    assert rev["note"] == "a target of 0, no attainment: weight redistributed"
    assert row(card, "E4")["kpi_points"] == pytest.approx(0.6 * 100 / 3 + 0.4 * 0)  # 20, as with no target
    zh = make_params()
    zh.language = "zh"
    assert row(score(kpis, zh, targets=targets), "E4")["notes"] == "销售额：目标为 0，无法计算完成率，权重已按比例分配给其他指标"


def test_kpi_points_by_hand_with_redistribution(kpis, data):
    card = score(kpis, make_params(), targets=data["targets"])
    # revenue attainment: E1 6500/5000 -> 120 (cap), E2 100, E3 50, E4 no target for 2026-10
    # calls percentile among the 4 agents (2, 3, 4, 6): E2 0, E4 33.3, E1 66.7, E3 100
    # new customers (0, 1, 1, 2): E4 0, E2 50, E3 50, E1 100
    assert row(card, "E1")["kpi_points"] == pytest.approx(0.5 * 120 + 0.3 * 200 / 3 + 0.2 * 100)  # 100
    assert row(card, "E2")["kpi_points"] == pytest.approx(0.5 * 100 + 0.3 * 0 + 0.2 * 50)  # 60
    assert row(card, "E3")["kpi_points"] == pytest.approx(0.5 * 50 + 0.3 * 100 + 0.2 * 50)  # 65
    # E4: revenue's 0.5 spread over calls and new customers 0.3 : 0.2 -> 0.6 and 0.4
    assert row(card, "E4")["kpi_points"] == pytest.approx(0.6 * 100 / 3 + 0.4 * 0)  # 20
    assert row(card, "E5")["kpi_points"] == pytest.approx(100.0)  # the only lead: percentile 100
    rev = detail(card, "E4", "revenue")
    assert np.isnan(rev["target"]) and np.isnan(rev["normalised"])
    assert rev["weight"] == 0.5 and rev["effective_weight"] == 0 and np.isnan(rev["points"])  # blank, not 0
    assert np.isnan(row(card, "E4")["revenue_points"]) and row(card, "E2")["revenue_points"] == pytest.approx(50)
    assert rev["note"] == "no target: weight redistributed"
    assert detail(card, "E4", "calls")["effective_weight"] == pytest.approx(0.6)
    assert detail(card, "E4", "new_customers")["effective_weight"] == pytest.approx(0.4)
    assert row(card, "E4")["notes"] == "Revenue: no target: weight redistributed"  # the KPI by its label
    assert row(card, "E1")["notes"] == ""
    e1 = detail(card, "E1", "revenue")
    assert (e1["raw"], e1["target"], e1["method"]) == (6500, 5000, "attainment")
    assert (e1["normalised"], e1["points"]) == pytest.approx((120, 60))
    # table: raw value and points per KPI
    assert row(card, "E1")["revenue"] == 6500 and row(card, "E1")["revenue_points"] == pytest.approx(60)
    assert np.isnan(row(card, "E5")["revenue_points"])  # not a KPI of the lead


def test_a_role_named_as_peers_is_compared_in_one_group(kpis, data):
    """The lone lead E5 is 100 on calls among leads; compared with the agents too, the five
    call counts 1 (E5), 2 (E2), 3 (E4), 4 (E1), 6 (E3) give percentiles 0, 25, 50, 75, 100."""
    roles = make_params().scoring.model_dump()["roles"]
    roles["lead"]["peers"] = "agent"
    card = score(kpis, make_params(roles=roles), targets=data["targets"])
    calls = {e: detail(card, e, "calls")["normalised"] for e in ("E5", "E2", "E4", "E1", "E3")}
    assert calls == pytest.approx({"E5": 0, "E2": 25, "E4": 50, "E1": 75, "E3": 100})
    assert row(card, "E5")["kpi_points"] == pytest.approx(0.0)
    # the agents' other KPIs are compared among the agents alone, as before: new customers 0, 1, 1, 2
    assert detail(card, "E1", "new_customers")["normalised"] == pytest.approx(100.0)
    assert detail(card, "E4", "new_customers")["normalised"] == pytest.approx(0.0)
    assert row(card, "E1")["kpi_points"] == pytest.approx(0.5 * 120 + 0.3 * 75 + 0.2 * 100)  # 102.5


@pytest.fixture
def tree() -> dict[str, pd.DataFrame]:
    """D1 leads M1 (over A1, A2) and M2 (over A3). Revenue: A1 1000, A2 2000, A3 500.
    Revenue targets: A1, A2, A3 1000 each, M1 500; none for M2 or D1."""
    employees = pd.DataFrame({"employee_id": ["D1", "M1", "M2", "A1", "A2", "A3"],
                              "team": ["T1", "T1", "T2", "T1", "T1", "T2"],
                              "role": ["director", "manager", "manager", "rep", "rep", "rep"],
                              "manager_id": [None, "D1", "D1", "M1", "M1", "M2"]})
    orders = pd.DataFrame({"order_id": ["o1", "o2", "o3"], "employee_id": ["A1", "A2", "A3"],
                           "customer_id": ["c1", "c2", "c3"],
                           "order_date": pd.to_datetime(["2026-10-02", "2026-10-03", "2026-10-04"]),
                           "amount": [1000.0, 2000.0, 500.0]})
    targets = pd.DataFrame({"period": PERIOD, "employee_id": ["A1", "A2", "A3", "M1"], "team": None,
                            "kpi": "revenue", "target": [1000.0, 1000.0, 1000.0, 500.0]})
    return {"employees": employees, "orders": orders, "targets": targets}


def test_team_revenue_is_scored_against_the_sum_of_the_teams_revenue_targets(tree):
    plan = make_params(kpi_normalisation={"team_revenue": {"method": "attainment", "floor": 0, "cap": 1.2}},
                       roles={"director": {"weights": {"team_revenue": 1.0}},
                              "manager": {"weights": {"team_revenue": 1.0}},
                              "rep": {"weights": {"revenue": 1.0}}})
    kp = compute_kpis(tree, PERIOD, kpis=["revenue", "team_revenue"])
    card = score(kp, plan, targets=tree["targets"])
    # M1: 3000 of 500 + 1000 + 1000 -> capped 120; M2: 500 of 1000 (A3's; M2 has none) -> 50;
    # D1: 3500 of 500 + 1000 + 1000 + 1000 = 3500 -> 100
    got = {e: (detail(card, e, "team_revenue")["target"], detail(card, e, "team_revenue")["normalised"])
           for e in ("M1", "M2", "D1")}
    assert got == {"M1": (2500.0, pytest.approx(120.0)), "M2": (1000.0, 50.0), "D1": (3500.0, 100.0)}
    assert any("sum of the revenue targets of their team" in str(n) for n in card.notes)
    # a team_revenue target given is kept; the others are still implied
    given = pd.concat([tree["targets"], pd.DataFrame({"period": [PERIOD], "employee_id": ["D1"], "team": [None],
                                                      "kpi": ["team_revenue"], "target": [7000.0]})])
    card = score(kp, plan, targets=given)
    assert detail(card, "D1", "team_revenue")["normalised"] == pytest.approx(50.0)  # 3500 / 7000
    assert detail(card, "M2", "team_revenue")["target"] == 1000.0
    # scored against peers, team_revenue needs no target: none is implied, and no note says one is
    peers = make_params(roles=plan.scoring.model_dump()["roles"])
    card = score(kp, peers, targets=tree["targets"])
    assert np.isnan(detail(card, "D1", "team_revenue")["target"])
    assert not any("team_revenue" in str(n) for n in card.notes)
    # without manager_id there is no team to sum over: no target, as before
    flat = {**tree, "employees": tree["employees"].drop(columns="manager_id")}
    card = score(compute_kpis(flat, PERIOD, kpis=["revenue"]), plan, targets=tree["targets"])
    assert detail(card, "D1", "team_revenue")["note"] == "not computed from these data: weight redistributed"


def test_a_ratio_with_nothing_to_measure_scores_zero_among_peers_who_had_some(kpis):
    """E4 had no buyers, so no repurchase rate (0 / 0). Its 30 % used to go to E4's other
    KPIs, where a tie at 50 then paid more than to those who sold: someone who sold nothing
    could rank above a seller. Nothing done earns 0 points, the weight kept."""
    # repurchase rate: E1 0.5, E2 0, E3 0, E4 no buyers (0 / 0)
    p = make_params(roles={"agent": {"weights": {"calls": 0.5, "repurchase_rate": 0.3, "new_customers": 0.2}},
                           "lead": {"weights": {"calls": 1.0}}})
    card = score(kpis, p)
    d = detail(card, "E4", "repurchase_rate")
    assert d["note"] == "no activity (0 / 0): 0 points" and d["normalised"] == 0 and d["effective_weight"] == 0.3
    assert "本期无此项业务（0 / 0）：计 0 分" in card.explain("E4", language="zh")
    # E4: calls 33.3 (4 agents) x 0.5 + repurchase 0 x 0.3 + new customers 0 x 0.2
    assert row(card, "E4")["kpi_points"] == pytest.approx(100 / 3 * 0.5)
    # the percentile is among those with something to measure (0, 0, 0.5): E2 and E3 share
    # rank 1.5 -> 100 x 0.5 / 2
    assert detail(card, "E2", "repurchase_rate")["normalised"] == pytest.approx(25.0)


def test_a_win_rate_with_no_deal_closed_scores_zero_among_peers_who_closed_some(data):
    """Closed deals are the person's own output, as orders are: an agent who closed no deal
    (E4, 0 / 0) did nothing the win rate measures, and is not moved onto calls alone."""
    # o0 (E2, September), o1, o2 (E1) won; o3 (E1) lost; o4 (E2) won, o5 (E2) lost; o6 (E3) lost
    data["orders"]["status"] = ["completed", "completed", "completed", "cancelled", "completed", "cancelled",
                                "cancelled"]
    p = make_params(roles={"agent": {"weights": {"calls": 0.5, "win_rate": 0.5}}, "lead": {"weights": {"calls": 1.0}}})
    card = score(compute_kpis(data, PERIOD, kpis=["calls", "win_rate"]), p)
    d = detail(card, "E4", "win_rate")
    assert d["note"] == "no activity (0 / 0): 0 points" and d["normalised"] == 0 and d["effective_weight"] == 0.5
    # E3 lost its only deal: a win rate of 0, ranked last among E1 (2/3), E2 (1/2) and E3
    assert detail(card, "E3", "win_rate")["raw"] == 0.0 and detail(card, "E3", "win_rate")["normalised"] == 0


def test_a_kpi_without_value_is_redistributed(kpis):
    """A value the data do not give (E4 missing from a KPI sheet) is no result: its weight goes
    to the person's other KPIs."""
    from dataclasses import replace

    gone = (kpis.long["employee_id"] == "E4") & (kpis.long["kpi"] == "repurchase_rate")
    wide = kpis.wide.copy()
    wide.loc[wide["employee_id"] == "E4", "repurchase_rate"] = np.nan
    kp = replace(kpis, long=kpis.long[~gone], wide=wide)
    p = make_params(roles={"agent": {"weights": {"calls": 0.5, "repurchase_rate": 0.3, "new_customers": 0.2}},
                           "lead": {"weights": {"calls": 1.0}}})
    card = score(kp, p)
    d = detail(card, "E4", "repurchase_rate")
    assert d["note"] == "no value: weight redistributed" and d["effective_weight"] == 0
    # the explanation says it once, without a dash for the missing value before the note
    assert "   - Repurchase rate: no value: weight redistributed; weight 30.00% -> 0\n" in card.explain("E4", language="en")
    assert "   - 复购率：无数值，权重已按比例分配给其他指标；权重 30.00% -> 0\n" in card.explain("E4", language="zh")
    assert detail(card, "E4", "calls")["effective_weight"] == pytest.approx(0.5 / 0.7)
    assert detail(card, "E4", "new_customers")["effective_weight"] == pytest.approx(0.2 / 0.7)
    # E4: calls 33.3 (4 agents), new customers 0 -> 33.3 x 5/7
    assert row(card, "E4")["kpi_points"] == pytest.approx(100 / 3 * 5 / 7)


def test_a_ratio_nobody_of_the_role_could_have_is_redistributed(kpis):
    """When no one of the role had anything to measure (no one had buyers), the KPI does not
    apply this period: its weight is shared out, not a 0 for everyone."""
    from dataclasses import replace

    rep = kpis.long["kpi"] == "repurchase_rate"
    long = kpis.long.copy()
    long.loc[rep, ["value", "numerator", "denominator"]] = [np.nan, 0.0, 0.0]
    kp = replace(kpis, long=long, wide=kpis.wide.assign(repurchase_rate=np.nan))
    p = make_params(roles={"agent": {"weights": {"calls": 0.5, "repurchase_rate": 0.3, "new_customers": 0.2}},
                           "lead": {"weights": {"calls": 1.0}}})
    card = score(kp, p)
    assert detail(card, "E4", "repurchase_rate")["effective_weight"] == 0
    assert detail(card, "E4", "calls")["effective_weight"] == pytest.approx(0.5 / 0.7)


def test_a_kpi_not_computed_is_redistributed(data):
    k = compute_kpis(data, PERIOD, kpis=["revenue", "calls"])  # new_customers not computed
    card = score(k, make_params(), targets=data["targets"])
    d = detail(card, "E1", "new_customers")
    assert d["note"].startswith("not computed") and d["effective_weight"] == 0
    assert detail(card, "E1", "revenue")["effective_weight"] == pytest.approx(0.5 / 0.8)


def test_explaining_someone_not_in_the_scorecard_names_no_python_class(kpis):
    """salesperf explain prints this message: a user of the command line knows people, not
    the attribute of a Python object that holds them."""
    card = score(kpis, make_params(roles={"agent": {"weights": {"orders": 1.0}}, "lead": {"weights": {"calls": 1.0}}}))
    with pytest.raises(ScoringError) as err:
        card.explain("E9", language="en")
    assert "Scorecard" not in str(err.value)
    assert str(err.value).endswith("Pass the employee_id or the name of someone in the scorecard "
                                   "(5 people: Ann (E1), Eve (E5), Bob (E2), Cat (E3), Dan (E4)).")


@pytest.mark.parametrize("written, meant", [
    ("吴夏", "吴霞 (E1)"),  # a character of the same sound: the input method's slip
    ("E-3", "'E3'"),  # an id a character off, as before
    ("El", "'E1'"), ("e3", "'E3'"),  # a letter l typed for the digit 1 (E0O04 took E0054 for E0004), a small e
])
def test_explaining_a_name_one_slip_off_suggests_the_person(data, written, meant):
    """`salesperf explain telesales 吴夏` (for 吴霞) listed only ids ("41 people: 0016, 0013,
    ..."), while `16` got "Did you mean '0016'?"."""
    data["employees"]["name"] = ["吴霞", "王芳", "张伟", "李娜", "刘洋"]
    card = score(compute_kpis(data, PERIOD, kpis=KPIS),
                 make_params(roles={"agent": {"weights": {"orders": 1.0}}, "lead": {"weights": {"calls": 1.0}}}))
    with pytest.raises(ScoringError) as err:
        card.explain(written, language="zh")
    assert str(err.value.args[0]) == (f"No person '{written}' in the scorecard of {PERIOD}. Did you mean {meant}? Pass the "
                              "employee_id or the name of someone in the scorecard (5 people: 吴霞 (E1), 刘洋 (E5), "
                              "王芳 (E2), 张伟 (E3), 李娜 (E4)).")
    assert "张伟" in card.explain("张伟", language="zh")  # the name itself still finds the person


@pytest.mark.parametrize("written", ["王 芳", "王　芳", "王芳 ", "王芳🌸", "✨王芳✨", " E2", "E 2"])
def test_explaining_a_name_as_an_export_writes_it_finds_the_person(data, written):
    """`salesperf explain ecommerce "张伟 "` (a trailing space, as the export wrote it), 陈静🌸
    or 王 芳 was refused ("No person ..."), 王 芳 with a suggestion of 王芳 itself: a name or id
    that is one person's once spaces, emoji and symbols are left out finds them."""
    data["employees"]["name"] = ["吴霞", "王芳", "张伟", "李娜", "刘洋"]
    card = score(compute_kpis(data, PERIOD, kpis=KPIS),
                 make_params(roles={"agent": {"weights": {"orders": 1.0}}, "lead": {"weights": {"calls": 1.0}}}))
    assert card.explain(written, language="en") == card.explain("E2", language="en")


def test_explaining_a_name_two_people_share_names_both_in_the_language_asked_for(data):
    data["employees"]["name"] = ["吴霞", "王芳", "王芳", "李娜", "刘洋"]
    card = score(compute_kpis(data, PERIOD, kpis=KPIS),
                 make_params(roles={"agent": {"weights": {"orders": 1.0}}, "lead": {"weights": {"calls": 1.0}}}))
    with pytest.raises(ScoringError) as err:
        card.explain("王芳🌸", language="zh")
    assert str(err.value.args[0]) == f"2 people are called '王芳🌸' in the scorecard of {PERIOD}: E2, E3. Pass one of " \
                             "their employee_ids."
    assert err.value.args[0].zh == f"{PERIOD} 的评分表中有 2 人名为「王芳🌸」：E2、E3。请输入其中一人的工号。"
    assert str(err.value) == err.value.args[0].zh  # (asked in Chinese, the error reads in Chinese)
    with pytest.raises(ScoringError) as err:
        card.explain("吴夏", language="zh")
    assert err.value.args[0].zh == (f"{PERIOD} 的评分表中没有「吴夏」。是否应为吴霞（E1）？请输入评分表中某人的工号或姓名"
                                    "（共 5 人：吴霞（E1）、刘洋（E5）、王芳（E2）、王芳（E3）、李娜（E4））。")


def test_tier_weighted_orders(kpis):
    p = make_params(roles={"agent": {"weights": {"orders": 1.0}}, "lead": {"weights": {"calls": 1.0}}},
                    normalisation={"method": "minmax"},
                    bonuses={"customer_tier_weights": {"A": 3, "B": 1}})
    card = score(kpis, p)
    # E1: A 3 + B 1 + C (not listed) 1 = 5; E2: A 3 + C 1 = 4; E3: B 1; E4: 0
    assert [row(card, e)["orders"] for e in ("E1", "E2", "E3", "E4")] == [5, 4, 1, 0]
    # minmax over 0..5 (unweighted counts 3, 2, 1, 0 would give 100, 66.7, 33.3, 0)
    assert [row(card, e)["kpi_points"] for e in ("E1", "E2", "E3", "E4")] == pytest.approx([100, 80, 20, 0])
    assert detail(card, "E1", "orders")["note"] == "tier-weighted orders: 1 x3 (A) + 1 x1 (B) + 1 x1 (C) = 5 (3 orders)"
    check_explanation(card.explain("E1", language="en"), card, "E1")
    assert any("tier-weighted" in n for n in card.notes)


# ----------------------------------------------------------------------------- bonuses and penalties
BONUSES = {"new_customer": {"points": 10, "min_first_order": 2000, "max_points": 15},
           "repurchase": {"threshold": 0.4, "points": 5},
           "compliance_points": 5, "collaboration_points": 2}


def test_bonuses_and_penalties(kpis, data):
    card = score(kpis, make_params(bonuses=BONUSES), targets=data["targets"])
    adj = card.adjustments.set_index(["employee_id", "rule"])["points"].to_dict()
    assert adj == {
        ("E1", "new_customer"): 15.0,   # 2 first orders >= 2000 (3000, 2500): 20, capped at 15
        ("E2", "new_customer"): 10.0,   # 5000; c9 first bought in September: not new
        ("E1", "repurchase"): 5.0,      # repurchase rate 0.5 > 0.4
        ("E1", "collaboration"): 4.0,   # 2 assists x 2
        ("E2", "compliance"): -5.0,     # 1 violation x 5
        ("E3", "compliance"): -10.0,    # 2 violations; E3's new customer ordered 1000 < 2000
    }
    reasons = card.adjustments.set_index(["employee_id", "rule"])["reason"]
    assert reasons["E1", "new_customer"] == "2 new customer(s) with a first order >= 2000: +15 (2 x 10, capped at 15)"
    assert reasons["E1", "repurchase"] == "repurchase rate 50.0% > 40.0%: +5"
    assert reasons["E3", "compliance"] == "2 compliance violation(s): -10 (2 x 5)"
    assert (row(card, "E1")["bonus_points"], row(card, "E1")["penalty_points"]) == (24.0, 0.0)
    assert (row(card, "E2")["bonus_points"], row(card, "E2")["penalty_points"]) == (10.0, -5.0)
    assert row(card, "E1")["score"] == pytest.approx(100 + 24)
    assert row(card, "E2")["score"] == pytest.approx(60 + 10 - 5)
    assert row(card, "E3")["score"] == pytest.approx(65 - 10)


def test_a_bonus_whose_activities_were_not_counted_says_so_in_both_languages(data):
    """Without the activities KPIs, the collaboration and compliance points cannot be
    counted: the notes say which activity and what it needs, in Chinese without the kit's
    own keys beside the Chinese names."""
    without = compute_kpis(data, PERIOD, kpis=[k for k in KPIS if k not in ("collaboration", "compliance_violations")])
    card = score(without, make_params(bonuses=BONUSES), targets=data["targets"])
    notes = {n.split(" ")[0]: n for n in card.notes if "not applied" in n}
    assert str(notes["collaboration"]) == ("collaboration bonus not applied: the KPIs carry no 'assist' activity counts "
                                           "(it needs the activities table and an activities KPI such as collaboration).")
    assert notes["compliance"].zh == ("合规扣分未计：指标中没有「合规违规次数」类活动（compliance_violation）的次数"
                                      "（需要「行为」表和这类行为指标）。")


def test_repurchase_threshold_is_strict(kpis):
    card = score(kpis, make_params(bonuses={"repurchase": {"threshold": 0.5, "points": 5}}))
    assert card.adjustments.empty


def test_reasons_follow_the_plan_language(kpis):
    p = params_from_dict({**make_params(bonuses=BONUSES).model_dump(exclude={"source"}), "language": "zh"})
    card = score(kpis, p)
    reasons = card.adjustments.set_index(["employee_id", "rule"])["reason"]
    assert reasons["E1", "new_customer"] == "2 个新客户首单金额 >= 2000：+15（2 × 10，封顶 15）"
    assert row(card, "E1")["grade_label"] == "优秀"


def test_sales_cost_discount_comes_after_bonuses(kpis, data):
    p = make_params(bonuses={"collaboration_points": 2, "sales_cost": {"limit": 0.35, "discount": 0.1}})
    card = score(kpis, p, targets=data["targets"])
    # E1: spend 2600 / revenue 6500 = 40 % > 35 %: -10 % of (100 + 4) = -10.4
    e1 = row(card, "E1")
    assert e1["cost_discount_points"] == pytest.approx(-10.4)
    assert e1["individual_score"] == e1["score"] == pytest.approx(93.6)
    # E2: 1100 / 5500 = 20 %: no discount
    assert row(card, "E2")["cost_discount_points"] == 0
    r = card.adjustments[card.adjustments["rule"] == "sales_cost"]
    assert r["employee_id"].tolist() == ["E1"]
    assert r["reason"].iloc[0] == "sales-cost ratio 40.0% > limit 35.0%: -10% of 104.00 = -10.40"


# ----------------------------------------------------------------------------- ratings
@pytest.fixture
def reviews() -> pd.DataFrame:
    rows = [
        # employee, period, reviewer, type, criterion, score
        ("E1", "2026-10", "M1", "manager", "sales_skill", 4),
        ("E1", "2026-10", "M2", "manager", "sales_skill", 4),
        ("E1", "2026-10", "M1", "manager", "collaboration", 5),
        ("E1", "2026-10", "E2", "peer", "collaboration", 3),
        ("E1", "2026-10", "E1", "peer", "collaboration", 5),      # own peer rating: dropped
        ("E1", "2026-10", "E1", "self", "sales_skill", 5),
        ("E1", "2026-10", "C1", "customer", "service_quality", 1),  # customer weight 0
        ("E1", "2026-09", "M1", "manager", "sales_skill", 1),       # another period
        ("E2", "2026-10", "M1", "manager", "sales_skill", 3),
    ]
    return pd.DataFrame(rows, columns=["employee_id", "period", "reviewer_id", "reviewer_type", "criterion", "score"])


WEIGHTS = {"self": 0.1, "manager": 0.5, "peer": 0.4, "customer": 0.0}


def test_rating_points_by_hand(reviews):
    r = rating_points(reviews, PERIOD, reviewer_weights=WEIGHTS)
    # E1: manager = mean(sales_skill 4, collaboration 5) = 4.5; peer 3 (own 5 dropped); self 5
    #     (0.1 x 5 + 0.5 x 4.5 + 0.4 x 3) / 1.0 = 3.95 -> (3.95 - 1) / 4 x 100 = 73.75
    assert r.loc["E1", "rating"] == pytest.approx(3.95)
    assert r.loc["E1", "rating_points"] == pytest.approx(73.75)
    # E2: the manager alone (weights renormalised): 3 -> 50
    assert r.loc["E2", "rating_points"] == pytest.approx(50.0)
    assert "E3" not in r.index
    # a quarter contains its months' reviews
    assert rating_points(reviews, "2026-Q3", reviewer_weights=WEIGHTS).loc["E1", "rating"] == 1.0


def test_rating_blend(kpis, data, reviews):
    p = make_params(ratings={"reviewer_weights": WEIGHTS, "weight": 0.2})
    card = score(kpis, p, targets=data["targets"], ratings=reviews)
    assert row(card, "E1")["rating_points"] == pytest.approx(73.75)
    assert row(card, "E1")["score"] == pytest.approx(0.8 * 100 + 0.2 * 73.75)  # 94.75
    assert row(card, "E2")["score"] == pytest.approx(0.8 * 60 + 0.2 * 50)  # 58
    assert np.isnan(row(card, "E3")["rating_points"])
    assert row(card, "E3")["score"] == pytest.approx(65.0)  # no ratings: KPI part in full
    assert "no ratings" in row(card, "E3")["notes"]
    no_reviews = score(kpis, p, targets=data["targets"])
    assert row(no_reviews, "E1")["score"] == pytest.approx(100.0)
    assert any("no reviews" in n for n in no_reviews.notes)


# ----------------------------------------------------------------------------- team blend
@pytest.mark.parametrize("phase, expected", [
    # individual: T1 E1 100, E2 60 (mean 80); T2 E3 65, E4 20, E5 100 (mean 185/3)
    ("opening", {"E1": 0.4 * 100 + 0.6 * 80, "E2": 0.4 * 60 + 0.6 * 80, "E3": 0.4 * 65 + 0.6 * 185 / 3,
                 "E4": 0.4 * 20 + 0.6 * 185 / 3, "E5": 0.4 * 100 + 0.6 * 185 / 3}),
    ("mature", {"E1": 0.7 * 100 + 0.3 * 80, "E2": 0.7 * 60 + 0.3 * 80, "E3": 0.7 * 65 + 0.3 * 185 / 3,
                "E4": 0.7 * 20 + 0.3 * 185 / 3, "E5": 0.7 * 100 + 0.3 * 185 / 3}),
])
def test_team_blend(kpis, data, phase, expected):
    card = score(kpis, make_params(team_blend={"phase": phase, "team_weight": {"opening": 0.6, "mature": 0.3}}),
                 targets=data["targets"])
    for e, value in expected.items():
        assert row(card, e)["score"] == pytest.approx(value), e
    assert row(card, "E1")["team_score"] == pytest.approx(80.0)
    assert row(card, "E1")["individual_score"] == pytest.approx(100.0)


def test_without_team_blend_the_team_score_is_missing(kpis, data):
    card = score(kpis, make_params(), targets=data["targets"])
    assert card.table["team_score"].isna().all()
    assert (card.table["score"] == card.table["individual_score"]).all()


# ----------------------------------------------------------------------------- rank
def test_rank_ties():
    s = pd.Series([10.0, 20.0, 20.0, 5.0, np.nan])
    assert rank(s, tie="min").tolist()[:4] == [3, 1, 1, 4]
    assert rank(s, tie="average").tolist()[:4] == [3, 1.5, 1.5, 4]
    assert rank(s, tie="first").tolist()[:4] == [3, 1, 2, 4]
    assert rank(s, tie="dense").tolist()[:4] == [2, 1, 1, 3]
    assert rank(s, tie="max").tolist()[:4] == [3, 2, 2, 4]
    assert np.isnan(rank(s).iloc[4])
    with pytest.raises(ScoringError):
        rank(s, tie="random")


# ----------------------------------------------------------------------------- grades
def test_threshold_grades():
    g = Grading(thresholds={"S": 90, "A": 80, "B": 70, "C": 60, "D": 0})
    got = assign_grades(pd.Series([95.0, 80.0, 79.99, 60.0, -3.0, np.nan]), g)
    assert got.tolist()[:5] == ["S", "A", "B", "C", "D"]  # -3 is below every threshold: lowest grade
    assert pd.isna(got.iloc[5])


@pytest.mark.parametrize("scores, thresholds, decimals", [
    ([74.97139, 90.0], {"A": 85, "B": 75, "C": 0}, 2),  # 74.97 (one decimal read 75.0 beside its C)
    ([79.996], {"A": 80, "B": 60, "C": 0}, 3),  # 80.00 at two decimals; 79.996 at three
    ([79.9996], {"A": 80, "B": 60, "C": 0}, 4),  # 80.000 at three
    ([79.995], {"A": 80, "B": 60, "C": 0}, 3),  # a half: 80.00 rounded half up, as a spreadsheet does
    ([79.994, 80.004], {"A": 80, "B": 60, "C": 0}, 2),  # 79.99 below, 80.00 at or above: each on its side
    ([-0.004], {"A": 80, "B": 60, "C": 0}, 2),  # under the lowest threshold is the lowest grade all the same
    ([72.12], {"A": 72.125, "C": 0}, 3),  # the threshold's own decimals: 72.125 itself reads 72.12 at two
])
def test_a_score_is_shown_with_decimals_that_keep_it_on_its_side_of_every_threshold(scores, thresholds, decimals):
    from salesperf_kit.scoring import score_decimals

    assert score_decimals(pd.Series(scores), Grading(thresholds=thresholds)) == decimals


def test_scores_graded_by_a_forced_distribution_are_shown_with_two_decimals():
    from salesperf_kit.scoring import score_decimals

    assert score_decimals(pd.Series([79.996, 12.0]), _forced({"A": 0.5, "B": 0.5})) == 2


def test_explain_shows_a_score_just_below_a_threshold_with_the_decimals_that_keep_it_there(kpis):
    """79.996 is graded B under A: 80; at two decimals explain read "score 80.00", grade B."""
    card = score(kpis, make_params())
    card.table.loc[card.table["employee_id"] == "E1", ["score", "grade"]] = [79.996, "B"]
    lines = card.explain("E1", language="en").splitlines()
    assert lines[0].endswith(": score 79.996")
    assert lines[1].endswith("Figures are rounded to 2 decimals. The score has 3 decimals, so that rounding does "
                             "not carry it across a grade threshold.")
    assert "Score: 79.996" in lines and "7. Grade: B Good (thresholds A >= 80, B >= 60, C >= 0)." in lines
    zh = card.explain("E1", language="zh").splitlines()
    assert zh[0].endswith("：得分 79.996") and zh[1].endswith("数字保留两位小数。得分保留 3 位小数，以免四舍五入后越过分数线。")


def _forced(shares: dict) -> Grading:
    return Grading(method="forced", distribution=shares)


def _counts(grades: pd.Series, order) -> list[int]:
    return [int((grades == g).sum()) for g in order]


def test_forced_20_70_10_with_7_people_is_1_5_1():
    # quotas 1.4 / 4.9 / 0.7 -> whole parts 1 / 4 / 0; the 2 left go to B (.9) and C (.7)
    g = _forced({"A": 0.2, "B": 0.7, "C": 0.1})
    got = assign_grades(pd.Series([70.0, 60, 50, 40, 30, 20, 10]), g)
    assert got.tolist() == ["A", "B", "B", "B", "B", "B", "C"]


def test_forced_ties_take_the_better_grade():
    g = _forced({"A": 0.2, "B": 0.7, "C": 0.1})
    # a tie across the A/B boundary: both A, B shrinks to 4
    got = assign_grades(pd.Series([90.0, 90, 80, 70, 60, 50, 40]), g)
    assert got.tolist() == ["A", "A", "B", "B", "B", "B", "C"]
    # a tie across the B/C boundary: both B, nobody gets C
    got = assign_grades(pd.Series([90.0, 80, 70, 60, 50, 40, 40]), g)
    assert got.tolist() == ["A", "B", "B", "B", "B", "B", "B"]
    # input order does not matter
    got = assign_grades(pd.Series([40.0, 90, 40, 80, 70, 60, 50]), g)
    assert got.tolist() == ["B", "A", "B", "B", "B", "B", "B"]


def test_forced_10_20_40_20_10():
    g = _forced({"S": 0.1, "A": 0.2, "B": 0.4, "C": 0.2, "D": 0.1})
    order = ["S", "A", "B", "C", "D"]
    # 7: quotas .7/1.4/2.8/1.4/.7 -> 0/1/2/1/0, 3 left to B (.8), S (.7), D (.7)
    assert _counts(assign_grades(pd.Series(np.arange(7.0)), g), order) == [1, 1, 3, 1, 1]
    # 10: exact
    assert _counts(assign_grades(pd.Series(np.arange(10.0)), g), order) == [1, 2, 4, 2, 1]
    # 12: quotas 1.2/2.4/4.8/2.4/1.2 -> 1/2/4/2/1, 2 left to B (.8) then A and C tie at .4: A (better)
    assert _counts(assign_grades(pd.Series(np.arange(12.0)), g), order) == [1, 3, 5, 2, 1]


def test_forced_ignores_missing_scores():
    g = _forced({"A": 0.2, "B": 0.7, "C": 0.1})
    # 5 scored: quotas 1 / 3.5 / 0.5 -> 1 / 3 / 0, the one left: B and C tie at .5 -> B
    got = assign_grades(pd.Series([50.0, np.nan, 40, 30, 20, 10]), g)
    assert got.tolist()[:1] + got.tolist()[2:] == ["A", "B", "B", "B", "B"]
    assert pd.isna(got.iloc[1])


def test_forced_within_each_role_takes_the_shares_over_the_role():
    """Five reps (50 .. 10) and two leads (95, 90), forced 20/70/10. All together, 7 people
    get 1 / 5 / 1: the lead of 95 A; the lead of 90 and the reps of 50 .. 20 B; the rep of 10
    C. Within each role: the reps' quotas 1 / 3.5 / .5 give 1 / 3 / 0 and the place left goes
    to B (its .5 ties C's; the better grade) -> 1 / 4 / 0; the leads' .4 / 1.4 / .2 give
    0 / 1 / 0 and the place left goes to A (its .4 ties B's) -> 1 / 1 / 0."""
    from salesperf_kit.scoring import grade_groups, tie_notes

    g = _forced({"A": 0.2, "B": 0.7, "C": 0.1})
    scores = pd.Series([50.0, 40, 30, 20, 10, 95, 90], index=list("abcdeLM"))
    roles = pd.Series(["rep"] * 5 + ["lead"] * 2, index=scores.index)
    assert assign_grades(scores, g).tolist() == ["B", "B", "B", "B", "C", "A", "B"]
    assert assign_grades(scores, g, roles).tolist() == ["A", "B", "B", "B", "B", "A", "B"]
    params = make_params(grading={"method": "forced", "distribution": {"A": 0.2, "B": 0.7, "C": 0.1},
                                  "within": "role"})
    assert grade_groups(pd.Series(["agent", None]), params).tolist() == ["agent", ""]
    assert grade_groups(pd.Series(["agent"]), make_params()) is None  # (everyone together by default)
    # a tie's note says in which role it happened
    tied = pd.Series([50.0, 50, 30, 20, 10, 95, 90], index=list("abcdeLM"))
    [note] = tie_notes(assign_grades(tied, g, roles), tied, g, roles, names={"rep": ("Rep", "代表")})
    assert str(note) == ("Rep: Grade A: 2 people where the distribution allows 1, because equal scores share the "
                         "better grade. Break ties (e.g. a finer KPI) if the cap must hold.")
    assert note.zh.startswith("代表：等级 A：按比例应为 1 人")


def test_grade_order():
    assert grade_order(Grading(thresholds={"B": 60, "A": 80, "C": 0})) == ["A", "B", "C"]
    assert grade_order(_forced({"A": 0.2, "B": 0.7, "C": 0.1})) == ["A", "B", "C"]


# ----------------------------------------------------------------------------- promotion
def test_promotion_eligibility():
    grades = pd.DataFrame([
        ("E1", "2026-Q2", "A"), ("E1", "2026-Q3", "S"),                           # A then better: yes
        ("E2", "2026-Q1", "A"), ("E2", "2026-Q3", "A"),                           # gap at Q2: no
        ("E3", "2026-Q2", "A"), ("E3", "2026-Q3", "B"),                           # last is B: no
        ("E4", "2026-Q3", "A"),                                                   # one quarter: no
        ("E5", "2026-Q2", "B"), ("E5", "2026-Q3", "A"), ("E5", "2026-Q4", "A"),   # last two: yes
    ], columns=["employee_id", "period", "grade"])
    order = ["S", "A", "B", "C", "D"]
    got = promotion_eligible(grades, grade="A", consecutive=2, order=order)
    assert got.to_dict() == {"E1": True, "E2": False, "E3": False, "E4": False, "E5": True}
    assert promotion_eligible(grades, grade="A", consecutive=1, order=order)["E4"]
    assert not promotion_eligible(grades, grade="A", consecutive=3, order=order)["E5"]
    with pytest.raises(ScoringError, match="must be one of"):
        promotion_eligible(grades, grade="X", order=order)


def test_promotion_in_the_scorecard_uses_history(kpis, data):
    history = pd.DataFrame({"employee_id": ["E1", "E2", "E5", "E1"],
                            "period": ["2026-09", "2026-09", "2026-08", "2026-11"],
                            "grade": ["A", "A", "A", "C"]})
    card = score(kpis, make_params(), targets=data["targets"], history=history)
    # this period: E1 100 A, E2 60 B, E5 100 A (E5's last A is 2026-08: a gap); 2026-11 is later: ignored
    assert card.table.set_index("employee_id")["promotion_eligible"].to_dict() == {
        "E1": True, "E2": False, "E3": False, "E4": False, "E5": False}


def test_someone_who_left_is_not_marked_for_promotion(data):
    # E1 has two A's in a row, but their last day was 20 October
    employees = data["employees"].assign(leave_date=pd.to_datetime([pd.Timestamp("2026-10-20")] + [pd.NaT] * 4))
    kpis = compute_kpis({**data, "employees": employees}, PERIOD, kpis=KPIS)
    history = pd.DataFrame({"employee_id": ["E1", "E2"], "period": ["2026-09", "2026-09"], "grade": ["A", "A"]})
    card = score(kpis, make_params(), targets=data["targets"], history=history).table.set_index("employee_id")
    assert card.at["E1", "grade"] == "A" and not card.at["E1", "promotion_eligible"]
    assert "not eligible for promotion: left on 2026-10-20" in card.at["E1", "notes"]
    assert not card["promotion_eligible"].any()


# ----------------------------------------------------------------------------- the scorecard
def test_table_layout_and_consistency(kpis, data):
    card = score(kpis, make_params(bonuses=BONUSES), targets=data["targets"])
    t = card.table
    assert list(t.columns[:17]) == [
        "employee_id", "name", "team", "role", "score", "rank", "grade", "grade_label", "kpi_points",
        "rating_points", "bonus_points", "penalty_points", "cost_discount_points", "team_score",
        "individual_score", "promotion_eligible", "notes"]
    assert list(t.columns[17:]) == ["revenue", "revenue_points", "calls", "calls_points", "new_customers",
                                    "new_customers_points"]
    assert list(card.details.columns) == ["employee_id", "kpi", "raw", "target", "method", "normalised", "weight",
                                          "effective_weight", "points", "note"]
    assert list(card.adjustments.columns) == ["employee_id", "rule", "points", "reason"]
    # sorted by rank; E1 124 > E5 100 > E2 65 > E3 55 > E4 20
    assert t["employee_id"].tolist() == ["E1", "E5", "E2", "E3", "E4"]
    assert t["rank"].tolist() == [1, 2, 3, 4, 5]
    assert t["grade"].tolist() == ["A", "A", "B", "C", "C"]
    assert t["grade_label"].tolist() == ["Excellent", "Excellent", "Good", "Improve", "Improve"]
    eff = card.details.groupby("employee_id")["effective_weight"].sum()
    assert eff.tolist() == pytest.approx([1.0] * 5)
    assert (card.details.groupby("employee_id")["points"].sum().reindex(t["employee_id"]).to_numpy()
            == pytest.approx(t["kpi_points"].to_numpy()))
    assert card.business == "telesales" and str(card.period) == PERIOD


def test_score_does_not_change_its_inputs(kpis, data):
    before = kpis.wide.copy()
    targets = data["targets"].copy()
    score(kpis, make_params(bonuses=BONUSES), targets=data["targets"])
    pd.testing.assert_frame_equal(kpis.wide, before)
    pd.testing.assert_frame_equal(data["targets"], targets)


def test_scorecard_convenience_matches_score(data, reviews):
    data = {**data, "reviews": reviews}
    p = make_params(bonuses=BONUSES, ratings={"reviewer_weights": WEIGHTS, "weight": 0.2})
    card = scorecard(data, p, PERIOD)
    assert row(card, "E1")["score"] == pytest.approx(0.8 * 100 + 0.2 * 73.75 + 24)
    assert row(card, "E3")["penalty_points"] == -10


# ----------------------------------------------------------------------------- explain
_ARITHMETIC = re.compile(r"([\d.%()\s×+−/]+)=\s*(−?\d+(?:\.\d+)?)\s*$")


def _value(text: str) -> float:
    expr = text.replace("×", "*").replace("−", "-").replace("%", "/100")
    assert re.fullmatch(r"[\d.*/+\-()\s]+", expr), text
    return eval(expr, {"__builtins__": {}})  # noqa: S307 - digits and operators only


def check_explanation(text: str, card: Scorecard, employee_id: str) -> None:
    """Every "expression = result" line is right (to rounding), the KPI total is the sum of
    the KPI lines, each step starts from the previous step's result, and the last result is
    the score. (The pay story that follows the score is checked in test_incentives.)"""
    text = text.split("\n\n")[0]
    r = row(card, employee_id)
    kpi_results, chain = [], []
    for line in text.splitlines():
        m = _ARITHMETIC.search(line)
        if not m:
            continue
        expr, result = m.group(1), _value(m.group(2))
        terms = len(re.findall(r"\d+(?:\.\d+)?", expr))
        assert _value(expr) == pytest.approx(result, abs=0.01 * terms + 0.01), line
        if line.lstrip().startswith("- "):
            kpi_results.append(result)
        else:
            if chain:
                numbers = [_value(x) for x in re.findall(r"−?\d+\.\d+(?!%)", expr)]
                assert chain[-1] in numbers, f"{line!r} does not start from {chain[-1]}"
            chain.append(result)
    assert chain, text
    assert chain[0] == pytest.approx(sum(kpi_results), abs=0.01 * len(kpi_results) + 0.01)
    assert chain[0] == round(r["kpi_points"], 2)
    assert chain[-1] == round(r["score"], 2)
    assert f"{r['score']:.2f}".replace("-", "−") in text.splitlines()[-1]


def _full_params():
    return make_params(bonuses={**BONUSES, "sales_cost": {"limit": 0.35, "discount": 0.1}},
                       ratings={"reviewer_weights": WEIGHTS, "weight": 0.2},
                       team_blend={"phase": "mature", "team_weight": {"opening": 0.6, "mature": 0.3}},
                       grading={"method": "forced", "distribution": {"A": 0.2, "B": 0.7, "C": 0.1}})


@pytest.mark.parametrize("language", ["en", "zh"])
def test_explain_adds_up_for_every_person(kpis, data, reviews, language):
    card = score(kpis, _full_params(), targets=data["targets"], ratings=reviews)
    for e in card.table["employee_id"]:
        check_explanation(card.explain(e, language=language), card, e)


def test_explain_by_hand_for_e1(kpis, data, reviews):
    card = score(kpis, _full_params(), targets=data["targets"], ratings=reviews)
    text = card.explain("E1", language="en")
    # KPI 100 -> blend 0.8 x 100 + 0.2 x 73.75 = 94.75 -> + 15 + 5 + 4 = 118.75
    # -> cost 40 % > 35 %: 118.75 - 11.875 = 106.875 -> team T1 with E2 (60 -> 58 + 10 - 5 = 63): mean 84.9375
    # -> 0.7 x 106.875 + 0.3 x 84.9375 = 100.29375
    assert row(card, "E1")["score"] == pytest.approx(0.7 * 106.875 + 0.3 * (106.875 + 63) / 2)
    for piece in ["weighted: 120.00 × 50.00% = 60.00", "KPI points: 60.00 + 20.00 + 20.00 = 100.00",
                  "blended: 80.00% × 100.00 + 20.00% × 73.75 = 94.75", "94.75 + 15.00 + 5.00 + 4.00 = 118.75",
                  "118.75 − 10.00% × 118.75 = 106.88", "70.00% × 106.88 + 30.00% × 84.94 = 100.29",
                  "Rank: 1 of 5", "Grade: A (forced distribution A 20%/B 70%/C 10%)", "Score: 100.29",
                  "5. Team share of the score (established team; team T1's mean score over 2 people: 84.94): "
                  "70.00% × 106.88 + 30.00% × 84.94 = 100.29"]:
        assert piece in text, piece
    zh = card.explain("E1", language="zh")
    assert "得分：100.29" in zh and "新客户加分" in zh and "坐席" in zh
    e4 = card.explain("E4", language="en")
    assert "Revenue: raw 0.00 — no target: weight redistributed; weight 50.00% -> 0" in e4
    with pytest.raises(ScoringError, match="E1"):
        card.explain("E9")
    assert card.explain("Ann", language="en") == text  # a manager asks by name
    card.table.loc[card.table["employee_id"] == "E2", "name"] = "Ann"
    with pytest.raises(ScoringError, match="2 people are called 'Ann'.*E1, E2"):
        card.explain("Ann", language="en")
    card.table.loc[card.table["employee_id"] == "E2", "team"] = "T9"
    assert "team T1's mean score over 1 person: " in card.explain("E1", language="en")
    assert "mature" not in text and "Team blend" not in text  # (no jargon for the client)


def test_someone_hired_after_the_period_is_not_ranked_on_zeros(data):
    # Fay joins on 16 November: without her dates she would be an October agent with no
    # revenue, calls or customers, last in rank, and would lift everyone's percentile
    fay = pd.DataFrame({"employee_id": ["E6"], "name": ["Fay"], "team": ["T2"], "role": ["agent"],
                        "hire_date": [pd.Timestamp("2026-11-16")]})
    with_fay = {**data, "employees": pd.concat([data["employees"], fay], ignore_index=True)}
    params = make_params()
    card = score(compute_kpis(with_fay, PERIOD, kpis=KPIS), params, targets=data["targets"])
    alone = score(compute_kpis(data, PERIOD, kpis=KPIS), params, targets=data["targets"])
    assert card.table["employee_id"].tolist() == alone.table["employee_id"].tolist()  # E6 is not there
    assert card.table["score"].tolist() == alone.table["score"].tolist()
    assert card.table["rank"].tolist() == alone.table["rank"].tolist()
    with pytest.raises(ScoringError) as err:
        card.explain("Fay", language="en")
    assert str(err.value) == ("Fay (E6) did not work in 2026-10 (they were hired on 2026-11-16, by the employees "
                              "table) and has no records in it, so there is no score for that period.")
    with pytest.raises(ScoringError, match="^Fay（E6）在 2026-10 不在职（员工表中入职日期为 2026-11-16）"):
        card.explain("E6", language="zh")


def test_someone_who_left_but_still_sells_is_not_ranked_or_paid_by_default(data):
    # Cat (E3) left on 30 September, but her shop link still sold in October (o6, 1,000; 6 calls)
    gone = {**data, "employees": data["employees"].assign(
        leave_date=pd.to_datetime([pd.NaT, pd.NaT, "2026-09-30", pd.NaT, pd.NaT]))}
    kpis = compute_kpis(gone, PERIOD, kpis=KPIS)
    # her KPIs and the totals keep her sale: 3,000 + 1,000 + 2,500 + 5,000 + 500 + 1,000
    assert kpis.rollup("company")["revenue"].iloc[0] == 13000.0
    assert kpis.out_of_post["employee_id"].tolist() == ["E3"]
    card = score(kpis, make_params(), targets=data["targets"])
    # ... but she is ranked and graded as if she were not on the staff at all
    without = {k: v[v["employee_id"] != "E3"] if "employee_id" in v else v for k, v in data.items()}
    alone = score(compute_kpis(without, PERIOD, kpis=KPIS), make_params(), targets=without["targets"])
    assert card.table["employee_id"].tolist() == alone.table["employee_id"].tolist() == ["E1", "E5", "E2", "E4"]
    assert card.table["score"].tolist() == alone.table["score"].tolist()
    assert card.table["rank"].tolist() == [1, 2, 3, 4]
    pay = payouts(card.table, kpis, make_params(), targets=data["targets"])
    assert "E3" not in pay["employee_id"].tolist()
    said = [str(n) for n in card.notes if "records in 2026-10 although" in str(n)]
    assert said == ["1 person has records in 2026-10 although the employees table says they did not work in it "
                    "(hired after 2026-10-31 or left before 2026-10-01): Cat (E3, left 2026-09-30). Their results "
                    "count in team and company totals, but they are not scored, ranked or paid. Fix: check their "
                    "hire_date and leave_date; to score and pay them as usual (commission still due after leaving, "
                    "say), set scoring.out_of_post: score in the parameter file."]
    with pytest.raises(ScoringError, match="^Cat（E3）在 2026-10 不在职（员工表中离职日期为 2026-09-30），但本期有记录"):
        card.explain("Cat", language="zh")
    # the plan may score and pay them as usual: then she is ranked as without her dates
    both = score(kpis, make_params(out_of_post="score"), targets=data["targets"])
    undated = score(compute_kpis(data, PERIOD, kpis=KPIS), make_params(), targets=data["targets"])
    assert both.table["employee_id"].tolist() == undated.table["employee_id"].tolist()
    assert both.table["score"].tolist() == undated.table["score"].tolist()
    assert row(both, "E3")["notes"].endswith(
        "left on 2026-09-30 by the employees table: scored and paid as usual (scoring.out_of_post: score)")
    assert any("Scored, ranked and paid as usual (scoring.out_of_post: score)" in str(n) for n in both.notes)
    assert not any("not scored, ranked or paid" in str(n) for n in both.notes)


def test_explain_gives_turnover_in_times_and_shares_in_per_cent():
    from salesperf_kit.scoring import _raw

    assert _raw(4.7213, "inventory_turnover", "zh") == "4.72 次"
    assert _raw(4.7213, "inventory_turnover", "en") == "4.72×"
    assert _raw(0.0512, "refund_rate", "zh") == "5.12%"
    assert _raw(3.2, "roas", "en") == "3.20×"  # money per money


def test_explain_gives_times_with_their_unit():
    """Effective talk time is in minutes and average talk time in seconds: "raw 670.28" is
    not enough for an agent to tell which."""
    from salesperf_kit.scoring import _raw

    assert _raw(670.2833, "effective_talk_minutes", "zh") == "670.28 分钟"
    assert _raw(670.2833, "effective_talk_minutes", "en") == "670.28 min"
    assert _raw(220.8919, "avg_talk_seconds", "zh") == "220.89 秒"
    assert _raw(220.8919, "avg_talk_seconds", "en") == "220.89 s"
    assert _raw(4.74, "resolution_hours", "zh") == "4.74 小时"
    assert _raw(4.74, "resolution_hours", "en") == "4.74 h"


def test_explain_gives_counts_without_decimals():
    from salesperf_kit.scoring import _raw

    assert _raw(222.0, "calls", "zh") == "222" and _raw(1234.0, "orders", "en") == "1,234"
    assert _raw(2.5, "touches", "en") == "2.50"  # a mean count keeps its decimals
    assert _raw(1234.0, "revenue", "en") == "1,234.00"


def test_explain_names_someone_once_when_the_export_has_no_ids(kpis, data):
    # the call-centre export names its agents only: their id is their name
    card = score(kpis, make_params(), targets=data["targets"])
    card.table.loc[card.table["employee_id"] == "E1", "name"] = "E1"
    assert card.explain("E1", language="zh").startswith("E1，团队 ")
    assert card.explain("E1", language="en").startswith("E1, team ")
    assert card.explain("E2", language="en").startswith("Bob (E2), team ")


# ----------------------------------------------------------------------------- demo data
@pytest.mark.parametrize("business", ["online", "telesales", "ecommerce", "direct"])
def test_explanations_add_up_on_the_demo_data(business):
    from salesperf_kit import sample

    card = scorecard(sample.make_sample(business, seed=0), load_params(business), PERIOD)
    assert card.table["score"].notna().all()
    for e in card.table["employee_id"]:
        for language in ("zh", "en"):
            check_explanation(card.explain(e, language=language), card, e)


def test_tie_notes_name_the_grade_that_holds_more_than_its_share():
    from salesperf_kit.scoring import Note, tie_notes

    g = _forced({"A": 0.2, "B": 0.7, "C": 0.1})
    scores = pd.Series([90.0, 90, 80, 70, 60, 50, 40])  # quotas 1/5/1; the tie at the top makes A 2
    notes = tie_notes(assign_grades(scores, g), scores, g)
    assert [str(n) for n in notes] == [
        "Grade A: 2 people where the distribution allows 1, because equal scores share the better grade. "
        "Break ties (e.g. a finer KPI) if the cap must hold."]
    assert isinstance(notes[0], Note) and notes[0].text("zh").startswith("等级 A：按比例应为 1 人")
    everyone = pd.Series([50.0] * 5)  # all equal: everyone gets A where 1 is allowed
    assert [str(n).split(",")[0] for n in tie_notes(assign_grades(everyone, g), everyone, g)] == [
        "Grade A: 5 people where the distribution allows 1"]
    distinct = pd.Series([70.0, 60, 50, 40, 30, 20, 10])
    assert tie_notes(assign_grades(distinct, g), distinct, g) == []
    thresholds = Grading(thresholds={"A": 80, "B": 0})
    assert tie_notes(assign_grades(everyone, thresholds), everyone, thresholds) == []


def test_plan_notes_carry_a_chinese_text(kpis, data):
    p = make_params(ratings={"reviewer_weights": WEIGHTS, "weight": 0.2})
    note = next(n for n in score(kpis, p, targets=data["targets"]).notes if "no reviews" in n)
    assert note.text("zh") == "scoring.ratings.weight 为 20%，但本期没有评价：得分只含指标部分。"
    assert note.text("en") == str(note)


def test_a_note_keeps_its_chinese_text_when_copied():
    import copy
    import pickle

    from salesperf_kit.scoring import Note

    note = Note("in English", "中文")
    for twin in (copy.deepcopy(note), pickle.loads(pickle.dumps(note))):
        assert isinstance(twin, Note) and twin == "in English" and twin.text("zh") == "中文"


def test_person_notes_are_in_the_plan_language(kpis, data, reviews):
    """A Chinese plan's scorecard (the client's scorecard.xlsx) has Chinese notes; the
    details keep the English note that explain() reads."""
    zh = make_params(ratings={"reviewer_weights": WEIGHTS, "weight": 0.2})
    zh.language = "zh"
    card = score(kpis, zh, targets=data["targets"], ratings=reviews)
    assert row(card, "E4")["notes"] == "销售额：无目标，权重已按比例分配给其他指标；本期无评价：指标部分全额计入"
    assert row(card, "E3")["notes"] == "本期无评价：指标部分全额计入"
    assert detail(card, "E4", "revenue")["note"] == "no target: weight redistributed"
    tiers = make_params(roles={"agent": {"weights": {"orders": 1.0}}, "lead": {"weights": {"calls": 1.0}}},
                        bonuses={"customer_tier_weights": {"A": 3, "B": 1}})
    tiers.language = "zh"
    assert row(score(kpis, tiers), "E1")["notes"] == \
        "成交订单数：按客户等级加权：1 x3 (A) + 1 x1 (B) + 1 x1 (C) = 5（共 3 单）"


def test_spread_notes_flag_peer_scoring_of_values_that_hardly_differ():
    from salesperf_kit.scoring import spread_notes

    details = pd.DataFrame({
        "employee_id": ["E1", "E2", "E3"] * 2, "kpi": ["csat"] * 3 + ["calls"] * 3,
        "raw": [4.50, 4.52, 4.53, 10, 20, 30], "method": ["percentile"] * 6, "weight": [0.5] * 6})
    [note] = spread_notes(details)  # csat: 4.50 to 4.53 is 0.7 % apart; calls 10 to 30 is not
    assert str(note) == ("csat: every value is within 1% of the others (4.5 to 4.53), yet points compared "
                         "with peers run from 0 to 100; consider method: attainment for it.")
    assert note.text("zh").startswith("客户满意度：各人数值相差不到 1%")
    assert spread_notes(details.assign(method="attainment")) == []  # against a target, not peers
    assert spread_notes(details.assign(raw=[4.5, 4.5, 4.5, 10, 20, 30])) == []  # all equal: no spread to warn of


def test_explain_names_the_roles_a_role_is_compared_with(kpis, data):
    """The lead compared with the agents (peers: agent): calls percentiles are among
    'Agent and Lead' (the plan's order), for the lead and the agents alike; an agent's
    revenue, against a target, and new customers, compared among agents alone, name no group."""
    roles = make_params().scoring.model_dump()["roles"]
    roles["lead"]["peers"] = "agent"
    params = make_params(roles=roles)
    card = score(kpis, params, targets=data["targets"])
    names = {r: params.role_label(r, "en", default=r) for r in ("agent", "lead")}
    text = card.explain("E5", language="en")
    assert f"percentile among peers ({names['agent']} and {names['lead']}) -> 0.00 points" in text
    agent = card.explain("E1", language="en").splitlines()
    calls, revenue, new = (next(x for x in agent if x.strip().startswith(f"- {label}:"))
                           for label in ("Calls", "Revenue", "New customers"))
    assert f"percentile among peers ({names['agent']} and {names['lead']})" in calls
    assert "attainment against target (cap 120.00%) ->" in revenue and "(Agent" not in revenue
    assert "percentile among peers ->" in new
    zh = card.explain("E5", language="zh")
    zh_names = {r: params.role_label(r, "zh", default=r) for r in ("agent", "lead")}
    assert f"同组百分位（{zh_names['agent']}、{zh_names['lead']}） -> 标准分 0.00" in zh
    # without peers the wording is the role's own
    plain = score(kpis, make_params(), targets=data["targets"]).explain("E5", language="en")
    assert "among peers (" not in plain


def test_equal_points_added_in_another_order_tie():
    """Two agents of the PwC call-centre log with the same points, 340/7 = 48.571...:
    Diane 100/7 + 160/7 + 80/7 (connect rate, talk minutes, CSAT) and Joe 20 + 200/7 + 0.
    The float sums differ in the last bit (48.57142857142858 and 48.57142857142857), so the
    scorecard ranked them 4 and 5 under 'equal scores share the best rank', and a forced
    distribution could give them different grades. Scores equal to 9 decimals tie."""
    diane = 100 / 7 + 160 / 7 + 80 / 7
    joe = 20 + 200 / 7 + 0
    assert diane != joe   # the float noise this is about
    s = pd.Series({"Dan": 60.0, "Diane": diane, "Joe": joe, "Becky": 10.0})
    assert rank(s).to_dict() == {"Dan": 1, "Diane": 2, "Joe": 2, "Becky": 4}
    assert rank(s, tie="dense").to_dict() == {"Dan": 1, "Diane": 2, "Joe": 2, "Becky": 3}
    # 4 people at A 50 % / B 50 %: 2 A; Diane and Joe tie for the second A, so both get it
    grades = assign_grades(s, {"method": "forced", "distribution": {"A": 0.5, "B": 0.5}})
    assert grades.to_dict() == {"Dan": "A", "Diane": "A", "Joe": "A", "Becky": "B"}
