"""Tests of salesperf_kit.incentives: commission tiers, payouts and plan cost.

Published worked examples used below (amounts reproduced, not the texts):

- 超额累进 (marginal): China's individual income tax, 个人所得税税率表一 (综合所得适用) of the
  Individual Income Tax Law (2018 amendment), in its monthly conversion
  (按月换算后的综合所得税率表, 财税〔2018〕164号): bands up to 3 000 / 12 000 / 25 000 /
  35 000 / 55 000 / 80 000 / above, rates 3 / 10 / 20 / 25 / 30 / 35 / 45 % and quick
  deductions (速算扣除数) 0 / 210 / 1 410 / 2 660 / 4 410 / 7 160 / 15 160, so that
  tax = income x rate of its band - quick deduction. The same table read as 全额累进 (whole)
  shows the jump at a bound; the table's wording "不超过 3 000 元" / "超过 3 000 元的部分"
  is the ``lower_exclusive`` rule.
- Attainment tiers: Prowi glossary "Tiered commission": quota 100 000, sales 140 000,
  tiers 0-50 % at 5 %, 50-100 % at 10 %, 100-150 % at 15 %, 150 %+ at 20 %: commission
  2 500 + 5 000 + 6 000 = 13 500.
- Incremental slice: MrExcel forum thread "I need a formula to calculate the payout based on
  cumulative sales once a breakpoint amount is exceeded": breakpoints 1 000 000 (50 %),
  2 000 000 (60 %), 3 000 000 (70 %), above (80 %); a fee of 400 000 taking cumulative fees
  from 800 000 to 1 200 000 pays 200 000 x 50 % + 200 000 x 60 % = 220 000.
- Amount tiers: MyTime help centre "Tiered Commission by Revenue Amount": 25 % from 0,
  30 % from 500, 40 % from 3 000; 400 pays 100, 100 pays 25 and 5 000 pays
  500 x 25 % + 2 500 x 30 % + 2 000 x 40 % = 1 675.
"""
from __future__ import annotations

import dataclasses
import logging

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesperf_kit.exceptions import ParamsError, ScoringError
from salesperf_kit.incentives import (
    COMPONENTS, LABELS, PAYOUT_COLUMNS, commission, commission_bands, explain_pay, payouts, plan_cost,
    threshold_jumps,
)
from salesperf_kit.kpis import compute_kpis
from salesperf_kit.params import Tier, load_params, params_from_dict

PERIOD = "2026-10"

# ----------------------------------------------------------------------------- fixtures
IIT_TIERS = [(0, 0.03), (3_000, 0.10), (12_000, 0.20), (25_000, 0.25), (35_000, 0.30), (55_000, 0.35),
             (80_000, 0.45)]
IIT_QUICK = [0, 210, 1_410, 2_660, 4_410, 7_160, 15_160]
TELE_TIERS = [(0, 0.02), (50_000, 0.03), (100_000, 0.04)]
SIMPLE_TIERS = [{"above": 0, "rate": 0.01}, {"above": 100_000, "rate": 0.02}]

TEAMS = {"e1": "north", "e2": "north", "e3": "north", "e4": "south", "e5": "south"}


def _iit_rate(x: float) -> tuple[float, float]:
    bounds = [b for b, _ in IIT_TIERS]
    k = sum(1 for b in bounds if x > b) - 1  # the tax table's "超过": lower_exclusive
    k = max(k, 0)
    return IIT_TIERS[k][1], IIT_QUICK[k]


_KPI_CACHE: dict[str, object] = {}


def make_kpis(revenue: dict[str, float], targets: dict | None = None, **kw):
    """KPIs of October 2026 for five agents of two teams (see ``_make_kpis``); the same
    inputs give the same (shared, not to be modified) result, which keeps the tests fast."""
    key = repr((revenue, targets, sorted(kw.items())))
    if key not in _KPI_CACHE:
        _KPI_CACHE[key] = _make_kpis(revenue, targets, **kw)
    return _KPI_CACHE[key]


def _make_kpis(revenue: dict[str, float], targets: dict | None = None, *, cost: dict | None = None,
               csat: dict | None = None, refunds: dict | None = None, options: dict | None = None,
               base_pay: dict | None = None, paid: bool = True, kpis=("revenue",), dates: dict | None = None):
    """KPIs of October 2026 for five agents of two teams.

    ``revenue``: one October order per person (none when 0); ``targets``: person targets
    by employee_id and team targets by ("team", name); ``refunds``: September orders of
    that amount refunded in October; ``csat``: one October ticket with that score. Half of
    each October order is paid in October (no payment columns when ``paid`` is False).
    ``dates``: (hire_date, leave_date) by employee_id, None for an unknown date.
    """
    emp = pd.DataFrame({"employee_id": list(TEAMS), "name": [f"Name {e}" for e in TEAMS],
                        "team": list(TEAMS.values()), "role": "agent"})
    if base_pay:
        emp["base_pay"] = [base_pay.get(e, np.nan) for e in TEAMS]
    if dates:
        for i, column in enumerate(("hire_date", "leave_date")):
            emp[column] = pd.to_datetime([(dates.get(e) or (None, None))[i] for e in TEAMS])
    rows = [{"order_id": f"o-{e}", "employee_id": e, "customer_id": f"c-{e}", "order_date": "2026-10-05",
             "amount": float(a), "status": "completed", "refunded_at": None, "paid_amount": float(a) / 2,
             "paid_date": "2026-10-20", "cost": float((cost or {}).get(e, 0.0))}
            for e, a in revenue.items() if a]
    rows += [{"order_id": f"r-{e}", "employee_id": e, "customer_id": f"c-{e}", "order_date": "2026-09-05",
              "amount": float(a), "status": "refunded", "refunded_at": "2026-10-08", "paid_amount": float(a),
              "paid_date": "2026-09-06", "cost": 0.0} for e, a in (refunds or {}).items()]
    cols = ["order_id", "employee_id", "customer_id", "order_date", "amount", "status", "refunded_at",
            "paid_amount", "paid_date", "cost"]
    orders = pd.DataFrame(rows, columns=cols)
    for c in ("order_date", "refunded_at", "paid_date"):
        orders[c] = pd.to_datetime(orders[c])
    orders["amount"] = orders["amount"].astype(float)
    if not paid:
        orders = orders.drop(columns=["paid_amount", "paid_date"])
    data = {"employees": emp, "orders": orders}
    if targets:
        data["targets"] = pd.DataFrame([
            {"period": PERIOD, "employee_id": None if isinstance(k, tuple) else k,
             "team": k[1] if isinstance(k, tuple) else None, "kpi": "revenue", "target": float(v)}
            for k, v in targets.items()])
    if csat:
        data["service"] = pd.DataFrame({
            "ticket_id": [f"t-{e}" for e in csat], "employee_id": list(csat),
            "opened_at": pd.to_datetime(["2026-10-10"] * len(csat)), "satisfaction": [float(v) for v in csat.values()],
            "is_complaint": False, "first_contact_resolved": True})
    kpis = list(kpis) + (["csat"] if csat else []) + (["profit"] if cost else [])
    return compute_kpis(data, PERIOD, kpis=kpis, options=options)


def make_params(**incentives):
    return params_from_dict({"business": "telesales",
                             "scoring": {"roles": {"agent": {"weights": {"revenue": 1}}}},
                             "incentives": incentives})


def scorecard(kpis, grades: dict[str, str] | None = None, default_grade: str = "B") -> pd.DataFrame:
    w = kpis.wide
    grades = grades or {}
    return pd.DataFrame({"employee_id": w["employee_id"], "name": w["name"], "team": w["team"], "role": w["role"],
                         "score": 80.0, "rank": range(1, len(w) + 1),
                         "grade": [grades.get(e, default_grade) for e in w["employee_id"]]})


def row(table: pd.DataFrame, employee_id: str) -> pd.Series:
    return table.set_index("employee_id").loc[employee_id]


EVEN = {"e1": 100_000, "e2": 100_000, "e3": 100_000, "e4": 100_000, "e5": 100_000}


# ----------------------------------------------------------------------------- commission: marginal
@pytest.mark.parametrize("income", [0, 1_000, 3_000, 3_000.01, 10_000, 12_000, 20_000, 25_000, 30_000, 35_000,
                                    50_000, 55_000, 60_000, 80_000, 100_000, 1_000_000])
def test_marginal_reproduces_the_income_tax_quick_deduction_formula(income):
    rate, quick = _iit_rate(income)
    assert commission(income, IIT_TIERS) == pytest.approx(income * rate - quick, abs=1e-6)


def test_marginal_income_tax_hand_worked_slices():
    # 20 000: 3 000 x 3 % + 9 000 x 10 % + 8 000 x 20 % = 90 + 900 + 1 600 = 2 590 = 20 000 x 20 % - 1 410
    assert commission(20_000, IIT_TIERS) == pytest.approx(2_590)
    # 100 000: every band full up to 80 000, then 20 000 x 45 % = 29 840 = 100 000 x 45 % - 15 160
    assert commission(100_000, IIT_TIERS) == pytest.approx(29_840)


def test_marginal_is_vectorised_and_keeps_the_shape():
    x = np.array([[0, 3_000], [12_000, 80_000]], dtype=float)
    out = commission(x, IIT_TIERS)
    assert isinstance(out, np.ndarray) and out.shape == (2, 2)
    np.testing.assert_allclose(out, [[0, 90], [12_000 * 0.10 - 210, 80_000 * 0.35 - 7_160]])
    assert isinstance(commission(5_000, IIT_TIERS), float)
    np.testing.assert_allclose(commission(pd.Series([400.0, 100.0]), [(0, .25), (500, .30)]), [100, 25])


def test_marginal_published_amount_example():
    tiers = [(0, 0.25), (500, 0.30), (3_000, 0.40)]
    assert commission(400, tiers) == pytest.approx(100)
    assert commission(100, tiers) == pytest.approx(25)
    assert commission(5_000, tiers) == pytest.approx(1_675)


def test_marginal_published_incremental_slice_example():
    tiers = [(0, 0.5), (1_000_000, 0.6), (2_000_000, 0.7), (3_000_000, 0.8)]
    assert commission(1_200_000, tiers) - commission(800_000, tiers) == pytest.approx(220_000)


def test_marginal_published_attainment_example():
    tiers = [(0, 0.05), (0.5, 0.10), (1.0, 0.15), (1.5, 0.20)]
    assert commission(140_000 / 100_000, tiers) * 100_000 == pytest.approx(13_500)


def test_marginal_boundary_rule_does_not_change_the_amount():
    bounds = np.array([b for b, _ in IIT_TIERS], dtype=float)
    np.testing.assert_allclose(commission(bounds, IIT_TIERS, boundary="lower_inclusive"),
                               commission(bounds, IIT_TIERS, boundary="lower_exclusive"))
    # at 50 000 exactly: 50 000 x 2 % = 1 000 either way
    assert commission(50_000, TELE_TIERS, boundary="lower_exclusive") == pytest.approx(1_000)
    assert commission(50_000, TELE_TIERS, boundary="lower_inclusive") == pytest.approx(1_000)


# ----------------------------------------------------------------------------- commission: whole
@pytest.mark.parametrize("income", [1_000, 10_000, 20_000, 30_000, 50_000, 60_000, 100_000])
def test_whole_applies_the_reached_rate_to_the_whole_income(income):
    rate, _ = _iit_rate(income)
    assert commission(income, IIT_TIERS, mode="whole") == pytest.approx(income * rate)


def test_whole_income_tax_jumps_at_twelve_thousand():
    below = commission(11_999.99, IIT_TIERS, mode="whole")
    at = commission(12_000, IIT_TIERS, mode="whole")
    assert below == pytest.approx(1_199.999)
    assert at == pytest.approx(2_400)  # lower_inclusive: 12 000 is in the 20 % band
    # marginal has no jump there: 12 000 x 10 % - 210 = 990 on both sides
    assert commission(12_000, IIT_TIERS) == pytest.approx(990)
    assert commission(11_999.99, IIT_TIERS) == pytest.approx(990 - 0.001)


def test_whole_boundary_rules_at_exact_bounds():
    # telesales default tiers (params/telesales.yaml)
    inc = {x: commission(x, TELE_TIERS, mode="whole", boundary="lower_inclusive") for x in (0, 50_000, 100_000)}
    exc = {x: commission(x, TELE_TIERS, mode="whole", boundary="lower_exclusive") for x in (0, 50_000, 100_000)}
    assert inc == pytest.approx({0: 0, 50_000: 1_500, 100_000: 4_000})
    assert exc == pytest.approx({0: 0, 50_000: 1_000, 100_000: 3_000})
    # the tax table's wording ("不超过 3 000 元" at 3 %) is lower_exclusive
    assert commission(3_000, IIT_TIERS, mode="whole", boundary="lower_exclusive") == pytest.approx(90)
    assert commission(3_000, IIT_TIERS, mode="whole", boundary="lower_inclusive") == pytest.approx(300)
    # just above a bound both rules agree
    assert commission(50_000.01, TELE_TIERS, mode="whole", boundary="lower_exclusive") == pytest.approx(1_500.0003)


def test_commission_edge_cases():
    assert commission(np.nan, TELE_TIERS) != commission(np.nan, TELE_TIERS)  # NaN
    assert np.isnan(commission(np.nan, TELE_TIERS, mode="whole"))
    assert commission(-5, TELE_TIERS) == 0 and commission(-5, TELE_TIERS, mode="whole") == 0
    assert commission(1_000, []) == 0
    assert commission(40_000, [(50_000, 0.1)]) == 0  # below the first bound: no rate
    assert commission(60_000, [Tier(above=50_000, rate=0.1)]) == pytest.approx(1_000)
    assert commission(60_000, SIMPLE_TIERS) == pytest.approx(600)


def test_commission_rejects_bad_arguments():
    with pytest.raises(ScoringError, match="strictly ascending"):
        commission(1, [(100, 0.1), (0, 0.2)])
    with pytest.raises(ScoringError, match="The value for `mode` must be one of"):
        commission(1, TELE_TIERS, mode="retroactive")
    with pytest.raises(ScoringError, match="boundary"):
        commission(1, TELE_TIERS, boundary="inclusive")
    with pytest.raises(ScoringError, match="pair"):
        commission(1, [0.1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=2, max_size=30))
def test_marginal_is_continuous_monotone_and_never_above_whole(amounts):
    x = np.sort(np.asarray(amounts))
    marginal = commission(x, IIT_TIERS)
    assert np.all(np.diff(marginal) >= -1e-9)
    assert np.all(commission(x, IIT_TIERS, mode="whole") >= marginal - 1e-9)
    # continuity: a cent more never pays more than 45 % of a cent more
    assert np.all(commission(x + 0.01, IIT_TIERS) - marginal <= 0.0045 + 1e-9)


# ----------------------------------------------------------------------------- threshold_jumps
def test_threshold_jumps_whole_income_tax():
    t = threshold_jumps(IIT_TIERS, mode="whole")
    assert list(t.columns[:7]) == ["bound", "rate_below", "rate_above", "payout_below", "payout_at",
                                   "payout_above", "jump"]
    r = t.set_index("bound").loc[12_000]
    assert (r["payout_below"], r["payout_above"], r["jump"]) == pytest.approx((1_200, 2_400, 1_200))
    np.testing.assert_allclose(t["jump"], t["bound"] * (t["rate_above"] - t["rate_below"]))
    assert r["payout_at"] == pytest.approx(2_400)
    exc = threshold_jumps(IIT_TIERS, mode="whole", boundary="lower_exclusive").set_index("bound")
    assert exc.loc[12_000, "payout_at"] == pytest.approx(1_200)


def test_threshold_jumps_marginal_has_none():
    t = threshold_jumps(IIT_TIERS, mode="marginal")
    assert (t["jump"] == 0).all()
    assert t.set_index("bound").loc[12_000, "payout_at"] == pytest.approx(990)
    assert threshold_jumps([], mode="whole").empty


# ----------------------------------------------------------------------------- payouts: pay and basis
def test_payout_columns_and_total_is_the_sum_of_components():
    kpis = make_kpis(EVEN, {e: 100_000 for e in EVEN})
    params = make_params(base_pay={"default": 5_000}, performance_pay={"default": 1_000},
                         commission={"tiers": SIMPLE_TIERS})
    t = payouts(scorecard(kpis), kpis, params)
    assert tuple(t.columns) == PAYOUT_COLUMNS
    assert len(t) == 5 and list(t["employee_id"]) == list(EVEN)
    np.testing.assert_allclose(t["total"], t[list(COMPONENTS)].sum(axis=1))
    assert row(t, "e1")["commission"] == pytest.approx(1_000)
    assert row(t, "e1")["name"] == "Name e1"



def test_pay_is_rounded_to_the_cent_half_up_and_the_total_adds_up_as_paid():
    # whole mode, telesales tiers: 75 711.79 reaches 3 %, so 75 711.79 x 3 % = 2 271.3537,
    # paid 2 271.35; 50 116.50 x 3 % = 1 503.495, paid 1 503.50 (四舍五入, not 1 503.49).
    # The row pays 5 000 + 1 000 + 2 271.35 = 8 271.35, not 8 271.3537.
    kpis = make_kpis({"e1": 75_711.79, "e2": 50_116.50})
    params = make_params(base_pay={"default": 5_000}, performance_pay={"default": 1_000},
                         commission={"mode": "whole", "tiers": [{"above": a, "rate": r} for a, r in TELE_TIERS]})
    t = payouts(scorecard(kpis), kpis, params)
    assert row(t, "e1")["commission"] == 2_271.35
    assert row(t, "e1")["total"] == 8_271.35
    assert row(t, "e2")["commission"] == 1_503.50
    assert (t["total"] * 100).round(6).mod(1).eq(0).all()  # every total in whole cents
    assert (t["total"] == t[list(COMPONENTS)].sum(axis=1).round(2)).all()


def test_shared_award_and_pool_are_split_in_cents_that_add_up_to_the_amount():
    # team champion 1 000 among the 3 north members: 333.34 + 333.33 + 333.33 = 1 000.00
    # (not 333.333... each); pool 1 000 by revenue 1 : 1 : 1 (three orders of 10 000, north
    # target 30 000 reached): the same split. The odd cent goes to the first row.
    kpis = make_kpis({"e1": 10_000, "e2": 10_000, "e3": 10_000, "e4": 5_000, "e5": 5_000},
                     {("team", "north"): 30_000, ("team", "south"): 20_000})
    t = payouts(scorecard(kpis), kpis, make_params(awards={"team_champion": 1_000},
                                                   team_pool={"amount": 1_000, "split": "by_revenue"}))
    assert t.set_index("employee_id")["awards"].to_dict() == {"e1": 333.34, "e2": 333.33, "e3": 333.33,
                                                               "e4": 0, "e5": 0}
    assert t.set_index("employee_id")["team_pool"].to_dict() == {"e1": 333.34, "e2": 333.33, "e3": 333.33,
                                                                  "e4": 0, "e5": 0}
    assert t["awards"].sum() == pytest.approx(1_000, abs=1e-9)


def test_base_and_performance_pay_by_role_grade_and_personal_base_pay():
    kpis = make_kpis(EVEN, base_pay={"e3": 6_500})
    params = make_params(base_pay={"default": 4_000, "agent": 5_000}, performance_pay={"default": 1_000},
                         grade_multipliers={"A": 1.5, "B": 1.0, "C": 0.5})
    sc = scorecard(kpis, {"e1": "A", "e2": "C"})
    sc.loc[sc["employee_id"] == "e5", "role"] = "trainee"
    t = payouts(sc, kpis, params)
    assert row(t, "e1")[["base_pay", "performance_pay"]].tolist() == [5_000, 1_500]
    assert row(t, "e2")["performance_pay"] == 500
    assert row(t, "e3")["base_pay"] == 6_500           # employees.base_pay wins
    assert row(t, "e5")["base_pay"] == 4_000           # role not listed: default


def test_base_and_performance_pay_are_prorated_to_the_calendar_days_employed(caplog):
    """按在职天数折算: someone hired or gone part-way through October is paid the days of its
    31 that they were employed (the leave date is the last working day, counted)."""
    dates = {"e2": ("2026-10-15", None),          # 15th to 31st: 17 days
             "e3": ("2024-04-29", "2026-10-10"),  # 1st to 10th: 10 days
             "e4": ("2026-10-01", "2026-12-31"),  # the whole month
             "e5": (None, "2026-09-30")}          # gone before October, yet with an order in it: 0 days
    kpis = make_kpis({**EVEN, "e2": 120_000}, {e: 100_000 for e in EVEN}, base_pay={"e2": 4_900, "e3": 4_100},
                     dates=dates)
    params = make_params(base_pay={"default": 5_000}, performance_pay={"default": 1_500},
                         grade_multipliers={"A": 1.3, "B": 1.0}, over_target={"threshold": 0.1, "bonus_share": 0.3})
    with caplog.at_level(logging.INFO, logger="salesperf_kit.incentives"):
        t = payouts(scorecard(kpis), kpis, params)
    # the plan applied as written: information, not a warning (a kernel would print a warning
    # into the client's notebook, in English)
    assert [r.levelno for r in caplog.records] == [logging.INFO]
    pay = t.set_index("employee_id")[["base_pay", "performance_pay"]]
    assert pay.loc["e1"].tolist() == [5_000, 1_500]          # no dates: the whole period
    assert pay.loc["e2"].tolist() == [2_687.10, 822.58]      # 4 900 x 17/31 = 2 687.097; 1 500 x 17/31 = 822.581
    assert pay.loc["e3"].tolist() == [1_322.58, 483.87]      # 4 100 x 10/31 = 1 322.581; 1 500 x 10/31 = 483.871
    assert pay.loc["e4"].tolist() == [5_000, 1_500]
    assert pay.loc["e5"].tolist() == [0, 0]
    # the over-target bonus is a share of the performance pay as paid: 30 % x 822.581 = 246.77
    assert row(t, "e2")["over_target_bonus"] == 246.77
    assert row(t, "e2")["total"] == round(2_687.10 + 822.58 + 246.77, 2)
    assert t.attrs["notices"] == [
        "Base and performance pay of 3 people pro-rated to the days employed (by hire date and leave date; "
        "the period has 31 days): e2 17 days, e3 10 days, e5 0 days."]
    assert t.attrs["notices"][0].zh == (
        "3 人的基本工资和绩效工资按在职天数折算（依入职日期和离职日期，本期共 31 天）：e2（在职 17 天）、e3（在职 10 天）、e5（在职 0 天）。")


def test_a_quarter_pays_a_leaver_for_the_days_to_their_last_day():
    # 2026-Q3 has 31 + 31 + 30 = 92 days; last day 2026-08-15: 31 + 15 = 46 of them, half.
    # Base 8 000 x 46/92 = 4 000; performance pay 2 500 x 1.3 (A) x 46/92 = 1 625.
    emp = pd.DataFrame({"employee_id": ["m1", "m2"], "name": ["Lead one", "Lead two"], "team": "north",
                        "role": "team_lead", "hire_date": pd.to_datetime(["2020-03-01", "2020-03-01"]),
                        "leave_date": pd.to_datetime(["2026-08-15", None])})
    orders = pd.DataFrame({"order_id": ["o1", "o2"], "employee_id": ["m1", "m2"], "customer_id": ["c1", "c2"],
                           "order_date": pd.to_datetime(["2026-07-10", "2026-08-20"]), "amount": [10_000.0, 20_000.0],
                           "status": "completed"})
    kpis = compute_kpis({"employees": emp, "orders": orders}, "2026-Q3", kpis=["revenue"])
    params = params_from_dict({"business": "telesales", "scoring": {"roles": {"team_lead": {"weights": {"revenue": 1}}}},
                               "incentives": {"base_pay": {"team_lead": 8_000}, "performance_pay": {"team_lead": 2_500},
                                              "grade_multipliers": {"A": 1.3}}})
    t = payouts(scorecard(kpis, default_grade="A"), kpis, params)
    assert row(t, "m1")[["base_pay", "performance_pay"]].tolist() == [4_000, 1_625]
    assert row(t, "m2")[["base_pay", "performance_pay"]].tolist() == [8_000, 3_250]
    assert "the period has 92 days): m1 46 days." in t.attrs["notices"][0]


def test_prorate_none_pays_the_whole_period_and_a_bad_value_names_the_key():
    kpis = make_kpis(EVEN, dates={"e2": ("2026-10-15", None)})
    t = payouts(scorecard(kpis), kpis, make_params(base_pay={"default": 4_900}, prorate="none"))
    assert row(t, "e2")["base_pay"] == 4_900 and t.attrs["notices"] == []
    # a plan that pays no fixed amount has nothing to pro-rate, and says nothing
    assert payouts(scorecard(kpis), kpis, make_params()).attrs["notices"] == []
    with pytest.raises(ParamsError) as err:
        make_params(prorate="calender_days")
    assert ("incentives.prorate: Input should be 'calendar_days' or 'none' (found 'calender_days'). "
            "Did you mean 'calendar_days'?") in str(err.value)


def test_ungraded_person_has_no_performance_pay_yet():
    kpis = make_kpis(EVEN)
    params = make_params(performance_pay={"default": 1_000}, grade_multipliers={"A": 1.2, "B": 1.0})
    t = payouts(scorecard(kpis, {"e1": None}), kpis, params)
    assert np.isnan(row(t, "e1")["performance_pay"]) and np.isnan(row(t, "e1")["total"])


def test_commission_basis_received_uses_money_received():
    kpis = make_kpis(EVEN, {e: 100_000 for e in EVEN})  # half of each order is paid in October
    t = payouts(scorecard(kpis), kpis, make_params(commission={"basis": "received", "tiers": SIMPLE_TIERS}))
    assert row(t, "e1")["commission_base"] == 50_000
    assert row(t, "e1")["attainment"] == pytest.approx(0.5)
    assert row(t, "e1")["commission"] == pytest.approx(500)


def test_commission_whole_mode_at_a_bound_in_payouts():
    kpis = make_kpis({"e1": 50_000, "e2": 49_999, "e3": 100_000})
    for boundary, expected in (("lower_inclusive", 1_500), ("lower_exclusive", 1_000)):
        params = make_params(commission={"mode": "whole", "boundary": boundary, "tiers":
                                         [{"above": a, "rate": r} for a, r in TELE_TIERS]})
        t = payouts(scorecard(kpis), kpis, params)
        assert row(t, "e1")["commission"] == pytest.approx(expected)
        assert row(t, "e2")["commission"] == pytest.approx(49_999 * 0.02)


def test_attainment_measured_tiers_published_example():
    kpis = make_kpis({"e1": 140_000, "e2": 40_000}, {"e1": 100_000, "e2": 100_000})
    tiers = [{"above": 0, "rate": .05}, {"above": .5, "rate": .10}, {"above": 1.0, "rate": .15},
             {"above": 1.5, "rate": .20}]
    t = payouts(scorecard(kpis), kpis, make_params(commission={"measure": "attainment", "tiers": tiers}))
    assert row(t, "e1")["commission"] == pytest.approx(13_500)
    assert row(t, "e2")["commission"] == pytest.approx(2_000)
    assert np.isnan(row(t, "e3")["attainment"]) and row(t, "e3")["commission"] == 0  # no sales, no target


# ----------------------------------------------------------------------------- accelerator, gate, cap
def test_accelerator_multiplies_the_commission_on_the_part_above_target():
    kpis = make_kpis({"e1": 150_000, "e2": 90_000}, {"e1": 100_000, "e2": 100_000})
    acc = {"tiers": SIMPLE_TIERS, "accelerator_above": 1.0, "accelerator_multiplier": 1.5}
    t = payouts(scorecard(kpis), kpis, make_params(commission=acc))
    # marginal: 100 000 x 1 % + 50 000 x 2 % = 2 000; part above target 1 000 x 1.5 -> +500
    assert row(t, "e1")["commission"] == pytest.approx(2_500)
    assert row(t, "e2")["commission"] == pytest.approx(900)  # below target: no acceleration
    t = payouts(scorecard(kpis), kpis, make_params(commission={**acc, "mode": "whole"}))
    # whole: 150 000 x 2 % = 3 000; the 50 000 above target at 2 % = 1 000 x (1.5 - 1) -> +500
    assert row(t, "e1")["commission"] == pytest.approx(3_500)


def test_accelerator_needs_a_target():
    kpis = make_kpis({"e1": 150_000})
    acc = {"tiers": SIMPLE_TIERS, "accelerator_above": 1.0, "accelerator_multiplier": 2.0}
    t = payouts(scorecard(kpis), kpis, make_params(commission=acc))
    assert row(t, "e1")["commission"] == pytest.approx(2_000)


def test_gate_pays_nothing_below_and_everything_at_the_gate():
    kpis = make_kpis({"e1": 49_999, "e2": 50_000, "e3": 80_000}, {"e1": 100_000, "e2": 100_000, "e3": 100_000})
    t = payouts(scorecard(kpis), kpis, make_params(commission={"tiers": SIMPLE_TIERS, "gate_below": 0.5}))
    assert row(t, "e1")["commission"] == 0
    assert row(t, "e2")["commission"] == pytest.approx(500)
    assert row(t, "e3")["commission"] == pytest.approx(800)


def test_gate_without_target_is_undetermined_and_noticed(caplog):
    kpis = make_kpis({"e1": 80_000, "e2": 80_000}, {"e1": 100_000})
    with caplog.at_level(logging.WARNING, logger="salesperf_kit.incentives"):
        t = payouts(scorecard(kpis), kpis, make_params(commission={"tiers": SIMPLE_TIERS, "gate_below": 0.5}))
    assert row(t, "e1")["commission"] == pytest.approx(800)
    assert np.isnan(row(t, "e2")["commission"]) and np.isnan(row(t, "e2")["total"])
    assert row(t, "e3")["commission"] == 0  # nothing sold: nothing to gate
    assert any("e2" in n for n in t.attrs["notices"]) and "e2" in caplog.text


def test_the_undetermined_commission_notice_names_people_as_told():
    """An anonymised report passes pseudonyms: the notice must not give the employee id."""
    kpis = make_kpis({"e1": 80_000, "e2": 80_000}, {"e1": 100_000})
    t = payouts(scorecard(kpis), kpis, make_params(commission={"tiers": SIMPLE_TIERS, "gate_below": 0.5}),
                names={"e2": "Member 4F2A9C"})
    (notice,) = [n for n in t.attrs["notices"] if "target" in str(n)]
    assert str(notice) == ("Commission of Member 4F2A9C cannot be determined without a revenue target (the plan "
                           "gates or measures on attainment); add their targets.")
    assert notice.zh == "Member 4F2A9C没有销售目标，无法确定提成（方案按目标完成率设门槛或计提）：请补上他们的目标。"


def test_cap_limits_the_commission_after_the_accelerator():
    kpis = make_kpis({"e1": 300_000, "e2": 100_000}, {"e1": 100_000, "e2": 100_000})
    com = {"tiers": SIMPLE_TIERS, "accelerator_above": 1.0, "accelerator_multiplier": 2.0, "cap": 5_000}
    t = payouts(scorecard(kpis), kpis, make_params(commission=com))
    assert row(t, "e1")["commission"] == 5_000  # 1 000 + 4 000 + 4 000 accelerated = 9 000, capped
    assert row(t, "e2")["commission"] == pytest.approx(1_000)


# ----------------------------------------------------------------------------- over-target bonus
def test_over_target_bonus_at_exactly_ten_percent_above():
    kpis = make_kpis({"e1": 110_000, "e2": 109_999, "e3": 130_000},
                     {"e1": 100_000, "e2": 100_000, "e3": 100_000, "e4": 100_000})
    params = make_params(performance_pay={"default": 2_000}, grade_multipliers={"A": 1.5, "B": 1.0},
                         over_target={"threshold": 0.10, "bonus_share": 0.30})
    t = payouts(scorecard(kpis, {"e3": "A"}), kpis, params)
    assert row(t, "e1")["over_target_bonus"] == pytest.approx(600)   # 30 % x 2 000
    assert row(t, "e2")["over_target_bonus"] == 0
    assert row(t, "e3")["over_target_bonus"] == pytest.approx(900)   # 30 % x 2 000 x 1.5
    assert row(t, "e4")["over_target_bonus"] == 0
    assert row(t, "e5")["over_target_bonus"] == 0                    # no target: not earned


# ----------------------------------------------------------------------------- team pool
POOL_REVENUE = {"e1": 60_000, "e2": 30_000, "e3": 10_000, "e4": 50_000, "e5": 10_000}


def test_team_pool_equal_split_with_a_team_target_row():
    kpis = make_kpis(POOL_REVENUE, {("team", "north"): 100_000, ("team", "south"): 100_000, "e4": 10_000})
    t = payouts(scorecard(kpis), kpis, make_params(team_pool={"amount": 9_000, "split": "equal"}))
    assert t.set_index("employee_id")["team_pool"].to_dict() == pytest.approx(
        {"e1": 3_000, "e2": 3_000, "e3": 3_000, "e4": 0, "e5": 0})  # south: 60 000 < its team row


def test_team_pool_by_revenue_with_the_sum_of_members_targets():
    kpis = make_kpis(POOL_REVENUE, {"e1": 40_000, "e2": 40_000, "e3": 20_000, "e4": 40_000, "e5": 30_000})
    t = payouts(scorecard(kpis), kpis, make_params(team_pool={"amount": 10_000, "split": "by_revenue"}))
    # north 100 000 >= 100 000 (sum of targets); south 60 000 < 70 000
    assert t.set_index("employee_id")["team_pool"].to_dict() == pytest.approx(
        {"e1": 6_000, "e2": 3_000, "e3": 1_000, "e4": 0, "e5": 0})


def test_explicit_targets_table_replaces_the_data_targets():
    kpis = make_kpis(POOL_REVENUE, {("team", "north"): 200_000})
    other = pd.DataFrame({"period": [PERIOD], "employee_id": [None], "team": ["north"], "kpi": ["revenue"],
                          "target": [50_000.0]})
    params = make_params(team_pool={"amount": 900})
    assert payouts(scorecard(kpis), kpis, params)["team_pool"].sum() == 0
    assert payouts(scorecard(kpis), kpis, params, targets=other)["team_pool"].sum() == pytest.approx(900)


# ----------------------------------------------------------------------------- awards
def test_awards_ties_share_equally():
    kpis = make_kpis({"e1": 80_000, "e2": 80_000, "e3": 10_000, "e4": 40_000, "e5": 10_000},
                     {"e1": 100_000, "e2": 100_000, "e3": 100_000, "e4": 50_000, "e5": 50_000},
                     csat={"e3": 4.8, "e4": 4.8, "e5": 4.1})
    params = make_params(awards={"sales_champion": 2_000, "best_service": 1_000, "team_champion": 3_000})
    t = payouts(scorecard(kpis), kpis, params)
    # sales champion: e1 and e2 tie at 80 000 -> 1 000 each; best service: e3 and e4 tie at
    # 4.8 -> 500 each; team champion: north 170 000 / 300 000 = 0.57 beats south
    # 50 000 / 100 000 = 0.5 -> 3 000 shared by the 3 north members
    assert t.set_index("employee_id")["awards"].to_dict() == pytest.approx(
        {"e1": 2_000, "e2": 2_000, "e3": 1_500, "e4": 500, "e5": 0})
    # which award went to whom (a report's Awards column said nothing of why)
    assert t.attrs["awards"] == {"sales_champion": {"e1": 1_000, "e2": 1_000}, "best_service": {"e3": 500, "e4": 500},
                                 "team_champion": {"e1": 1_000, "e2": 1_000, "e3": 1_000}}


def test_team_champion_tie_shares_one_award_among_all_tied_members():
    kpis = make_kpis({"e1": 50_000, "e2": 50_000, "e3": 50_000, "e4": 50_000, "e5": 50_000},
                     {("team", "north"): 150_000, ("team", "south"): 100_000})
    t = payouts(scorecard(kpis), kpis, make_params(awards={"team_champion": 5_000}))
    np.testing.assert_allclose(t["awards"], 1_000)


def test_no_sales_champion_without_sales_and_best_service_needs_csat(caplog):
    kpis = make_kpis({"e1": 0})
    params = make_params(awards={"sales_champion": 2_000, "best_service": 1_000})
    with caplog.at_level(logging.WARNING, logger="salesperf_kit.incentives"):
        t = payouts(scorecard(kpis), kpis, params)
    assert (t["awards"] == 0).all()
    # a client reads the award and the KPI by their labels; the plan's key only says how to drop the award
    assert t.attrs["notices"] == [
        "Best service award left unpaid: Customer satisfaction was not computed (it needs the service table with "
        "satisfaction scores). Add that table, or take the award out of the plan with "
        "incentives.awards.best_service: null."]
    assert [n.zh for n in t.attrs["notices"]] == [
        "最佳服务奖未发放：没有算出客户满意度（需要带满意度的客服工单表）。"
        "请补上该表，或以 incentives.awards.best_service: null 取消该奖项。"]


def test_team_pool_and_team_champion_without_any_team_target_say_they_were_not_paid():
    """Both go by a team's attainment: data without targets (an export of deals alone) pay
    neither, and the payout says so rather than leaving the plan's amounts out silently."""
    kpis = make_kpis(POOL_REVENUE)
    params = make_params(team_pool={"amount": 9_000}, awards={"sales_champion": 2_000, "team_champion": 5_000})
    t = payouts(scorecard(kpis), kpis, params)
    # only the sales champion is paid: e1 has the highest revenue (POOL_REVENUE)
    assert t["team_pool"].sum() == 0 and t.set_index("employee_id")["awards"].to_dict() == pytest.approx(
        {"e1": 2_000, "e2": 0, "e3": 0, "e4": 0, "e5": 0})
    assert t.attrs["notices"] == [
        "Team pool left unpaid: no team has a revenue target this period (it goes to each team that reaches "
        "its target). Add the teams' targets to the data, or take it out of the plan with incentives.team_pool: null.",
        "Team champion award left unpaid: no team has a revenue target this period (it goes to the team of highest "
        "attainment). Add the teams' targets to the data, or take it out of the plan with "
        "incentives.awards.team_champion: null."]
    assert t.attrs["notices"][1].zh == (
        "团队冠军奖未发放：本期没有任何团队的销售目标（该奖发给目标完成率最高的团队）。"
        "请在数据中补上团队目标，或以 incentives.awards.team_champion: null 取消。")
    # one team with a target is enough: then the plan is applied as written, without a notice
    kpis = make_kpis(POOL_REVENUE, {("team", "north"): 100_000})
    assert payouts(scorecard(kpis), kpis, params).attrs["notices"] == []


def test_every_award_of_the_plan_has_a_label_and_an_unknown_one_reads_as_words():
    import typing

    from salesperf_kit.incentives import AWARD_LABELS, award_label
    from salesperf_kit.params import Incentives

    keys = typing.get_args(typing.get_args(Incentives.model_fields["awards"].annotation)[0])
    assert set(keys) == set(AWARD_LABELS)
    assert [award_label(k, "en") for k in keys] == ["Sales champion", "Best service", "Team champion"]
    assert [award_label(k, "zh") for k in keys] == ["销售冠军", "最佳服务", "团队冠军"]
    assert award_label("most_improved", "en") == award_label("most_improved", "zh") == "Most improved"


# ----------------------------------------------------------------------------- clawback
def test_clawback_of_refunds_of_earlier_periods():
    opts = {"refund_handling": "clawback"}
    kpis = make_kpis({"e1": 50_000, "e2": 50_000}, refunds={"e1": 20_000}, options=opts)
    tiers = [{"above": 0, "rate": 0.05}, {"above": 100_000, "rate": 0.08}]
    t = payouts(scorecard(kpis), kpis, make_params(commission={"tiers": tiers}))
    assert row(t, "e1")["clawback"] == pytest.approx(-1_000)  # 20 000 x the first tier's 5 %
    assert row(t, "e2")["clawback"] == 0
    assert row(t, "e1")["total"] == pytest.approx(2_500 - 1_000)
    off = payouts(scorecard(kpis), kpis, make_params(commission={"tiers": tiers}, clawback=False))
    assert (off["clawback"] == 0).all()


def test_a_refund_takes_back_the_commission_its_period_paid_and_no_more():
    """E0016 earned no commission in September (below the 50 % gate) but lost 90.20 in
    October for a September order refunded then; a newcomer lost 116.53 for an order of the
    day before he was hired. A refund now takes back what its period's commission paid on
    the money: at the rate that period paid (commission / base), nothing when it paid none."""
    emp = pd.DataFrame({"employee_id": ["e1", "e2", "e3"], "name": ["A", "B", "C"], "team": "north",
                        "role": "agent", "hire_date": pd.to_datetime([None, None, "2026-10-01"])})
    orders = pd.DataFrame([
        # e1: 20,000 in September against a 100,000 target, below the gate: no commission
        ("s1", "e1", "c1", "2026-09-10", 20_000.0, "refunded", "2026-10-08"),
        # e2: 80,000 in September: 50,000 x 5 % + 30,000 x 10 % = 5,500, 6.875 % of 80,000
        ("s2", "e2", "c2", "2026-09-10", 70_000.0, "completed", None),
        ("s3", "e2", "c3", "2026-09-12", 10_000.0, "refunded", "2026-10-08"),
        # e3: an order of the day before he was hired, which nobody paid him on
        ("s4", "e3", "c4", "2026-09-30", 8_000.0, "refunded", "2026-10-09"),
        *[(f"o{i}", e, f"d{i}", "2026-10-05", 60_000.0, "completed", None) for i, e in enumerate(["e1", "e2", "e3"])],
    ], columns=["order_id", "employee_id", "customer_id", "order_date", "amount", "status", "refunded_at"])
    for c in ("order_date", "refunded_at"):
        orders[c] = pd.to_datetime(orders[c])
    targets = pd.DataFrame([(m, e, None, "revenue", 100_000.0) for m in ("2026-09", "2026-10") for e in ("e1", "e2", "e3")],
                           columns=["period", "employee_id", "team", "kpi", "target"])
    kpis = compute_kpis({"employees": emp, "orders": orders, "targets": targets}, PERIOD, kpis=["revenue"],
                        options={"refund_handling": "clawback"})
    params = make_params(commission={"tiers": [{"above": 0, "rate": 0.05}, {"above": 50_000, "rate": 0.10}],
                                     "mode": "marginal", "gate_below": 0.5})
    t = payouts(scorecard(kpis), kpis, params, targets=targets)
    # October: 50,000 x 5 % + 10,000 x 10 % = 3,500 each (60 % of target, above the gate)
    assert t.set_index("employee_id")["commission"].to_dict() == {"e1": 3_500.0, "e2": 3_500.0, "e3": 3_500.0}
    # the lowest tier's 5 % would take back 1,000, 500 and 400
    assert t.set_index("employee_id")["clawback"].to_dict() == {"e1": 0.0, "e2": -687.5, "e3": 0.0}
    said = explain_pay(scorecard(kpis), kpis, params, "e2", targets=targets)
    assert "  提成追回 −687.50 = 10,000.00 × 6.875%（本期退款，往期订单；按各期实付的提成费率：2026-09 6.875%）" in said
    said = explain_pay(scorecard(kpis), kpis, params, "e3", targets=targets)
    assert "  提成追回 0.00 = 8,000.00 × 0%（本期退款，往期订单；按各期实付的提成费率：2026-09 未在职，未发提成，不追回）" in said
    said = explain_pay(scorecard(kpis), kpis, params, "e1", targets=targets, language="en")
    assert ("  Clawback 0.00 = 20,000.00 × 0% (refunds this period on orders of earlier periods, at the rate each "
            "period's commission paid: 2026-09 paid no commission on it, nothing to take back)") in said, said


def test_no_clawback_when_refunded_orders_are_excluded():
    kpis = make_kpis({"e1": 50_000}, refunds={"e1": 20_000}, options={"refund_handling": "exclude"})
    t = payouts(scorecard(kpis), kpis, make_params(commission={"tiers": SIMPLE_TIERS}))
    assert (t["clawback"] == 0).all()


# ----------------------------------------------------------------------------- errors and hygiene
def test_payout_errors_say_how_to_fix():
    kpis = make_kpis(EVEN)
    with pytest.raises(ScoringError, match="grade"):
        payouts(scorecard(kpis).drop(columns="grade"), kpis, make_params())
    sc = scorecard(kpis)
    sc.loc[0, "employee_id"] = "x9"
    with pytest.raises(ScoringError, match="x9.*not in the KPI result"):
        payouts(sc, kpis, make_params())
    with pytest.raises(ScoringError, match="e1 \\(S\\).*grade_multipliers"):
        payouts(scorecard(kpis, {"e1": "S"}), kpis, make_params(grade_multipliers={"A": 1.2, "B": 1.0}))
    with pytest.raises(ScoringError, match="no 'default'"):
        payouts(scorecard(kpis), kpis, make_params(base_pay={"lead": 9_000}))
    with pytest.raises(ScoringError, match="more than once"):
        payouts(pd.concat([sc.iloc[1:], sc.iloc[1:2]]), kpis, make_params())


def test_received_basis_without_payments_is_an_error():
    kpis = make_kpis(EVEN, paid=False)
    with pytest.raises(ScoringError, match="paid_amount"):
        payouts(scorecard(kpis), kpis, make_params(commission={"basis": "received", "tiers": SIMPLE_TIERS}))


def test_payouts_leave_the_inputs_untouched_and_accept_the_incentives_section():
    kpis = make_kpis(EVEN, {e: 100_000 for e in EVEN})
    sc = scorecard(kpis)
    before = sc.copy()
    params = make_params(commission={"tiers": SIMPLE_TIERS})
    a = payouts(sc, kpis, params)
    pd.testing.assert_frame_equal(sc, before)
    pd.testing.assert_frame_equal(a, payouts(sc, kpis, params.incentives))


@pytest.mark.parametrize("business", ["online", "telesales", "ecommerce", "direct"])
def test_shipped_plans_pay_out(business):
    params = load_params(business)
    role = next(iter(params.scoring.roles))
    grade = next(iter(params.incentives.grade_multipliers))
    kpis = make_kpis(POOL_REVENUE, {e: 40_000 for e in POOL_REVENUE}, kpis=("revenue", "target_attainment"),
                     options={"revenue_basis": params.kpi_options.revenue_basis,
                              "refund_handling": params.kpi_options.refund_handling})
    sc = scorecard(kpis, default_grade=grade).assign(role=role)
    t = payouts(sc, kpis, params)
    assert t["total"].notna().all() and (t["total"] >= t["base_pay"]).all()


# ----------------------------------------------------------------------------- pay explained
def test_commission_bands_add_up_to_the_commission():
    bands = commission_bands(175_711.79, SIMPLE_TIERS)
    assert bands["slice"].tolist() == pytest.approx([100_000, 75_711.79])
    assert bands["commission"].tolist() == pytest.approx([1_000, 1_514.2358])
    assert bands["commission"].sum() == pytest.approx(commission(175_711.79, SIMPLE_TIERS))
    whole = commission_bands(75_711.79, TELE_TIERS, mode="whole")  # the whole amount, in the tier reached
    assert whole[["above", "rate", "slice"]].values.tolist() == [[50_000, 0.03, 75_711.79]]
    assert commission_bands(50_000, TELE_TIERS, mode="whole", boundary="lower_exclusive")["rate"].tolist() == [0.02]
    assert commission_bands(500, [(1_000, 0.05)]).empty  # below the first tier: no band pays


def _story(kpis, params, employee_id, language="zh", **kw):
    return explain_pay(scorecard(kpis, **kw), kpis, params, employee_id, language=language)


def test_explain_pay_marginal_commission_band_by_band():
    # 100 000 x 1 % = 1 000.00; 75 711.79 x 2 % = 1 514.2358 -> 1 514.24; 2 514.24 in all
    kpis = make_kpis({"e1": 175_711.79, "e2": 10_000})
    params = make_params(base_pay={"default": 5_000}, performance_pay={"default": 1_000},
                         grade_multipliers={"A": 1.3, "B": 1.0}, commission={"tiers": SIMPLE_TIERS})
    assert _story(kpis, params, "e1", grades={"e1": "A"}) == (
        "应发薪酬（2026-10）：\n"
        "  基本工资 5,000.00\n"
        "  绩效工资 1,300.00 = 1,000.00 × 1.3（等级 A）\n"
        "  提成 2,514.24（超额累进）\n"
        "    0–100,000 部分：100,000.00 × 1% = 1,000.00\n"
        "    100,000 以上部分：75,711.79 × 2% = 1,514.24\n"
        "  应发合计 5,000.00 + 1,300.00 + 2,514.24 = 8,814.24")
    assert _story(kpis, params, "e1", "en", grades={"e1": "A"}).splitlines()[3:6] == [
        "  Commission 2,514.24 (marginal tiers)",
        "    0 to 100,000: 100,000.00 × 1% = 1,000.00",
        "    above 100,000: 75,711.79 × 2% = 1,514.24"]
    assert row(payouts(scorecard(kpis, {"e1": "A"}), kpis, params), "e1")["total"] == 8_814.24
    # the amounts are in the plan's money: said once, at the head (explain printed bare dollars)
    dollars = params.model_copy(update={"report": params.report.model_copy(update={"currency": "USD"})})
    assert _story(kpis, dollars, "e1", "en", grades={"e1": "A"}).splitlines()[0] == "Pay for 2026-10 (USD):"
    assert _story(kpis, dollars, "e1", grades={"e1": "A"}).splitlines()[0] == "应发薪酬（2026-10，美元）："


def test_explain_pay_whole_amount_tier():
    # 75 711.79 reaches the 3 % tier (from 50 000), on the whole amount: 2 271.3537 -> 2 271.35
    kpis = make_kpis({"e1": 75_711.79})
    params = make_params(base_pay={"default": 4_900},
                         commission={"mode": "whole", "tiers": [{"above": a, "rate": r} for a, r in TELE_TIERS]})
    assert _story(kpis, params, "e1") == (
        "应发薪酬（2026-10）：\n"
        "  基本工资 4,900.00\n"
        "  提成 2,271.35 = 75,711.79 × 3%（满 50,000 全额 3%）\n"
        "  应发合计 4,900.00 + 2,271.35 = 7,171.35")
    assert "  Commission 2,271.35 = 75,711.79 × 3% (whole amount at 3%, from 50,000)" in _story(
        kpis, params, "e1", "en")


def test_explain_pay_tells_the_days_employed():
    # hired 2026-10-15: 17 of October's 31 days; 4 900 x 17/31 = 2 687.10, 1 500 x 1 (B) x 17/31 = 822.58
    kpis = make_kpis({**EVEN, "e2": 120_000}, {e: 100_000 for e in EVEN}, base_pay={"e2": 4_900},
                     dates={"e2": ("2026-10-15", None)})
    params = make_params(performance_pay={"default": 1_500}, grade_multipliers={"A": 1.3, "B": 1.0})
    story = _story(kpis, params, "e2")
    assert "  基本工资 2,687.10 = 4,900.00 × 17/31（本期在职 17 天）\n" in story
    assert "  绩效工资 822.58 = 1,500.00 × 1 × 17/31（等级 B；本期在职 17 天）\n" in story
    assert "  Base pay 2,687.10 = 4,900.00 × 17/31 (employed 17 days of the period)\n" in _story(
        kpis, params, "e2", "en")
    # someone employed the whole period: no days
    assert "天" not in _story(kpis, params, "e1").split("\n")[1]


def test_explain_pay_says_why_the_gate_and_the_bonuses_pay_nothing():
    # 49 999 of 100 000 is 49.999 %: shown as 50.0 % it would read as reaching the 50 % gate
    kpis = make_kpis({"e1": 49_999, "e2": 150_000, "e4": 10_000},
                     {"e1": 100_000, "e2": 100_000, "e4": 100_000, ("team", "south"): 50_000,
                      ("team", "north"): 300_000})
    params = make_params(performance_pay={"default": 2_000},
                         commission={"tiers": SIMPLE_TIERS, "gate_below": 0.5},
                         over_target={"threshold": 0.1, "bonus_share": 0.3}, team_pool={"amount": 900})
    assert _story(kpis, params, "e1") == (
        "应发薪酬（2026-10）：\n"
        "  基本工资 0.00\n"
        "  绩效工资 2,000.00（等级 B）\n"  # no grade multipliers in the plan
        "  提成 0.00（目标完成率 49.9990% 未达门槛 50%）\n"
        "  超额奖金 0.00（目标完成率 50.0% 未达 110%）\n"
        "  团队奖金池 0.00（团队 north 达成 66.7%，未达 100%）\n"
        "  应发合计 2,000.00")
    # e2: 150 % of target: 1 000 + 50 000 x 2 % = 2 000; bonus 30 % x 2 000 = 600
    e2 = _story(kpis, params, "e2", "en").splitlines()
    assert e2[3:7] == ["  Commission 2,000.00 (marginal tiers; attainment 150.0% ≥ the 50% gate)",
                       "    0 to 100,000: 100,000.00 × 1% = 1,000.00",
                       "    above 100,000: 50,000.00 × 2% = 1,000.00",
                       "  Over-target bonus 600.00 = 2,000.00 × 30% (attainment 150.0% ≥ 110%)"]
    # e4: south reached 10 000 of 50 000; e5 has no sales, so no commission line at all
    assert "  Team pool 0.00 (team south at 20.0% of target, below 100%)" in _story(kpis, params, "e4", "en")
    assert "Commission" not in _story(kpis, params, "e5", "en")


def test_explain_pay_attainment_tiers_accelerator_and_cap():
    # the Prowi example: quota 100 000, sales 140 000 -> 2 500 + 5 000 + 6 000 = 13 500; the
    # part above 100 % earns x1.5: + 0.5 x 6 000 = 3 000 -> 16 500, capped at 15 000
    kpis = make_kpis({"e1": 140_000}, {"e1": 100_000})
    tiers = [{"above": 0, "rate": 0.05}, {"above": 0.5, "rate": 0.10}, {"above": 1.0, "rate": 0.15},
             {"above": 1.5, "rate": 0.20}]
    params = make_params(commission={"measure": "attainment", "tiers": tiers, "accelerator_above": 1.0,
                                     "accelerator_multiplier": 1.5, "cap": 15_000})
    assert _story(kpis, params, "e1", "en").splitlines()[2:] == [
        "  Commission 15,000.00 (marginal tiers)",
        "    0% to 50%: 100,000.00 × 50% × 5% = 2,500.00",
        "    50% to 100%: 100,000.00 × 50% × 10% = 5,000.00",
        "    100% to 150%: 100,000.00 × 40% × 15% = 6,000.00",
        "    accelerator: commission on the part above 100%, 6,000.00 × (1.5 − 1) = 3,000.00",
        "    capped at 15,000.00 (before the cap 16,500.00)",
        "  Total 15,000.00"]


def test_explain_pay_clawback():
    # 50 000 x 5 % = 2 500 this period; 20 000 of September refunded in October x 5 % = 1 000 back
    kpis = make_kpis({"e1": 50_000, "e2": 50_000}, refunds={"e1": 20_000}, options={"refund_handling": "clawback"})
    params = make_params(commission={"tiers": [{"above": 0, "rate": 0.05}, {"above": 100_000, "rate": 0.08}]})
    assert _story(kpis, params, "e1") == (
        "应发薪酬（2026-10）：\n"
        "  基本工资 0.00\n"
        "  提成 2,500.00（超额累进）\n"
        "    0–100,000 部分：50,000.00 × 5% = 2,500.00\n"
        "  提成追回 −1,000.00 = 20,000.00 × 5%（本期退款，往期订单；按各期实付的提成费率：2026-09 5%）\n"
        "  应发合计 2,500.00 − 1,000.00 = 1,500.00")
    assert "  Clawback −1,000.00 = 20,000.00 × 5% (refunds this period on orders of earlier periods, at the " \
           "rate each period's commission paid: 2026-09 5%)" in _story(kpis, params, "e1", "en")


def test_explain_pay_team_pool_awards_and_unknown_pay():
    kpis = make_kpis({"e1": 300_000, "e2": 100_000, "e3": 100_000, "e4": 10_000},
                     {("team", "north"): 400_000, ("team", "south"): 100_000})
    params = make_params(team_pool={"amount": 1_000, "split": "by_revenue"},
                         awards={"sales_champion": 500, "team_champion": 300},
                         performance_pay={"default": 1_000}, grade_multipliers={"B": 1.0})
    # north: 500 000 of 400 000 = 125 %; pool 1 000 x 300 000 / 500 000 = 600; team champion 300 / 3 = 100
    assert _story(kpis, params, "e1").splitlines()[3:6] == [
        "  团队奖金池 600.00（团队 north 达成 125.0% ≥ 100%；奖池 1,000.00 按提成基数分配："
        "300,000.00 / 500,000.00）",
        "  奖项 600.00 = 500.00（销售冠军） + 100.00（团队冠军，3 人平分 300.00）",
        "  应发合计 1,000.00 + 600.00 + 600.00 = 2,200.00"]
    # without a grade there is no performance pay yet, and so no total
    story = explain_pay(scorecard(kpis).assign(grade=[None, "B", "B", "B", "B"]), kpis, params, "e1", language="en")
    assert "  Performance pay — (no grade: cannot be determined)" in story
    assert story.endswith("  Total — (Performance pay cannot be determined)")
    with pytest.raises(ScoringError, match="No person 'e9'"):
        _story(kpis, params, "e9")


def test_the_explanation_of_a_score_goes_on_with_the_pay_of_the_payout_table():
    """On the demo data, the score story comes first, then the pay, whose items and total
    are those of the payout table of the report (and of ``salesperf score``)."""
    from salesperf_kit.reporting import build_report

    report = build_report(business="direct", params_file="direct", data_path="", period=PERIOD)
    pay = report.payouts.set_index("employee_id")
    for e in ["E0001", "E0004", pay.index[pay["clawback"] < 0][0]]:
        text = report.scorecard.explain(e, language="en")
        score, story = text.split("\n\n")
        assert score.splitlines()[-1].startswith("Score:")
        lines = story.splitlines()
        assert lines[-1].endswith(f"= {pay.loc[e, 'total']:,.2f}")
        for c in COMPONENTS:
            shown = [x for x in lines if x.startswith(f"  {LABELS[c]['en']} ")]
            if pay.loc[e, c] or c == "base_pay":
                value = shown[0][len(LABELS[c]["en"]) + 3:].split(" ")[0]
                assert float(value.replace(",", "").replace("−", "-")) == pay.loc[e, c], shown


# ----------------------------------------------------------------------------- plan cost
def test_plan_cost_totals_and_ratios():
    kpis = make_kpis({"e1": 100_000, "e2": 100_000}, {"e1": 100_000, "e2": 100_000},
                     cost={"e1": 60_000, "e2": 60_000})
    params = make_params(base_pay={"default": 5_000}, performance_pay={"default": 1_000},
                         commission={"tiers": SIMPLE_TIERS}, awards={"sales_champion": 2_000})
    t = payouts(scorecard(kpis), kpis, params)
    c = plan_cost(t, kpis).set_index("measure")["value"]
    assert c["headcount"] == 5
    assert c["base_pay"] == 25_000 and c["performance_pay"] == 5_000
    assert c["commission"] == pytest.approx(2_000) and c["awards"] == pytest.approx(2_000)
    assert c["total_payout"] == pytest.approx(34_000) and c["variable_pay"] == pytest.approx(9_000)
    assert c["revenue"] == 200_000 and c["profit"] == 80_000
    assert c["payout_to_revenue"] == pytest.approx(0.17)
    assert c["commission_to_revenue"] == pytest.approx(0.01)
    assert c["payout_to_profit"] == pytest.approx(34_000 / 80_000)
    assert c["variable_to_profit"] == pytest.approx(9_000 / 80_000)
    assert c["incomplete_rows"] == 0
    assert set(LABELS) >= set(c.index)


def test_plan_cost_without_profit_or_revenue_gives_nan():
    kpis = make_kpis({"e1": 0})
    t = payouts(scorecard(kpis), kpis, make_params(base_pay={"default": 5_000}))
    c = plan_cost(t, kpis).set_index("measure")["value"]
    assert np.isnan(c["profit"]) and np.isnan(c["payout_to_profit"])
    assert c["revenue"] == 0 and np.isnan(c["payout_to_revenue"])
    assert c["total_payout"] == 25_000


def test_plan_cost_counts_incomplete_rows_and_scales_with_currency():
    kpis = make_kpis({"e1": 80_000, "e2": 80_000}, {"e1": 100_000})
    params = make_params(base_pay={"default": 5_000}, commission={"tiers": SIMPLE_TIERS, "gate_below": 0.5})
    t = payouts(scorecard(kpis), kpis, params)
    c = plan_cost(t, kpis).set_index("measure")["value"]
    assert c["incomplete_rows"] == 1 and c["commission"] == pytest.approx(800)
    # ratios do not depend on the currency unit
    money = [*COMPONENTS, "total", "commission_base"]
    scaled = t.assign(**{m: t[m] * 100 for m in money})
    kpis100 = dataclasses.replace(kpis, facts=kpis.facts.assign(revenue=kpis.facts["revenue"] * 100))
    c100 = plan_cost(scaled, kpis100).set_index("measure")["value"]
    assert c100["payout_to_revenue"] == pytest.approx(c["payout_to_revenue"])


def test_plan_cost_needs_a_payout_table():
    with pytest.raises(ScoringError, match="payouts"):
        plan_cost(pd.DataFrame({"employee_id": ["e1"]}), make_kpis(EVEN))


def test_no_revenue_in_the_data_is_fine_when_the_plan_pays_nothing_on_revenue():
    # a call-centre export: calls only, no orders; the plan pays base + performance pay
    emp = pd.DataFrame({"employee_id": ["a", "b"], "name": ["A", "B"], "team": "T", "role": "agent"})
    calls = pd.DataFrame({"call_id": ["c1", "c2", "c3"], "employee_id": ["a", "a", "b"], "customer_id": None,
                          "started_at": pd.to_datetime(["2026-10-02"] * 3), "duration_s": 90.0,
                          "connected": True, "outcome": None})
    kpis = compute_kpis({"employees": emp, "calls": calls}, PERIOD, kpis=["calls"])
    params = make_params(base_pay={"default": 3000}, performance_pay={"default": 1000},
                         grade_multipliers={"A": 1.5, "B": 1.0})
    out = payouts(scorecard(kpis, {"a": "A"}), kpis, params)
    assert row(out, "a")["total"] == pytest.approx(3000 + 1500)
    assert row(out, "b")["total"] == pytest.approx(3000 + 1000)
    assert out["commission_base"].isna().all() and (out["commission"].fillna(0) == 0).all()
    assert any("The data give no orders: the plan pays nothing on revenue" in n for n in out.attrs["notices"])
    # a plan that does pay on revenue still needs it, and says which parts do
    with pytest.raises(ScoringError, match="incentives.commission.tiers, incentives.over_target"):
        payouts(scorecard(kpis), kpis, make_params(commission={"tiers": SIMPLE_TIERS},
                                                   over_target={"threshold": 0.1, "bonus_share": 0.3}))


# ----------------------------------------------------------------------------- a quarter paid by month
def _month_pay(rows: list[dict], notices=()) -> pd.DataFrame:
    out = pd.DataFrame([{c: 0.0 for c in PAYOUT_COLUMNS} | r for r in rows])
    out.attrs["notices"] = list(notices)
    return out


def test_a_quarter_paid_by_month_is_the_sum_of_its_months():
    """A monthly plan applied once to a quarter paid one base pay for three months and ran the
    commission tiers, cap and gate on the quarter's total (a trial: a person's Q4 commission
    4,403.68 against 2,201.84 for the sum of their months). By hand:

    E1: July 5,000 + 1,200 (A) + 1,000.50 = 7,200.50; August 5,000 + 700 (C) + 0 = 5,700;
        base 10,000, performance 1,900, commission 1,000.50, total 12,900.50;
        commission base 50,000 + 30,000 over targets 40,000 + 40,000: attainment 1.0
    E2: August only (hired then), 2,500 base: 2,500
    E3: in the quarter's scorecard, in no month's pay: 0
    """
    from salesperf_kit.catalogue import Note
    from salesperf_kit.incentives import explain_monthly_pay, sum_payouts

    july = _month_pay([{"employee_id": "E1", "grade": "A", "base_pay": 5000, "performance_pay": 1200,
                        "commission": 1000.50, "total": 7200.50, "commission_base": 50000, "target": 40000}],
                      notices=[Note("July's notice", "七月的提示")])
    august = _month_pay([{"employee_id": "E1", "grade": "C", "base_pay": 5000, "performance_pay": 700,
                          "total": 5700, "commission_base": 30000, "target": 40000},
                         {"employee_id": "E2", "grade": "B", "base_pay": 2500, "total": 2500}])
    quarter = pd.DataFrame({"employee_id": ["E2", "E1", "E3"], "name": ["Bo", "Ann", "Cy"], "team": "T",
                            "role": "agent", "grade": ["B", "A", "C"]})
    out = sum_payouts([("2026-07", july), ("2026-08", august)], quarter).set_index("employee_id")
    assert out.index.tolist() == ["E2", "E1", "E3"]  # the scorecard's rows and order
    assert out.loc["E1", ["base_pay", "performance_pay", "commission", "total"]].tolist() == [
        10000.0, 1900.0, 1000.50, 12900.50]
    assert out.loc["E1", "attainment"] == 1.0 and out.loc["E1", "monthly_grades"] == "A / C"
    assert out.loc["E1", "grade"] == "A"  # (the quarter's own grade stays)
    assert out.loc["E2", "total"] == 2500.0 and out.loc["E2", "monthly_grades"] == "B"
    assert out.loc["E3", "total"] == 0.0 and pd.isna(out.loc["E3", "monthly_grades"])
    assert out.attrs["months"] == ["2026-07", "2026-08"]
    [n] = out.attrs["notices"]  # (months that say different things are named)
    assert n == "2026-07: July's notice" and n.zh == "2026-07：七月的提示"
    # each award's winners over the months, with their sums
    july.attrs["awards"] = {"sales_champion": {"E1": 2000.0}}
    august.attrs["awards"] = {"sales_champion": {"E2": 1000.0, "E1": 1000.0}, "team_champion": {"E2": 500.0}}
    won = sum_payouts([("2026-07", july), ("2026-08", august)], quarter).attrs["awards"]
    assert won == {"sales_champion": {"E1": 3000.0, "E2": 1000.0}, "team_champion": {"E2": 500.0}}
    del july.attrs["awards"], august.attrs["awards"]
    # a month whose pay cannot be determined leaves the quarter's undetermined
    august.loc[0, "total"] = np.nan
    assert np.isnan(sum_payouts([("2026-07", july), ("2026-08", august)], quarter).loc[1, "total"])
    # explain: each month, then the sum
    august.loc[0, "total"] = 5700.0
    out = sum_payouts([("2026-07", july), ("2026-08", august)], quarter)
    assert explain_monthly_pay(out, "E1", "2026-Q3", "telesales", language="zh") == (
        "应发薪酬（2026-Q3）按月核算，为各月之和：\n  2026-07 7,200.50（等级 A）\n  2026-08 5,700.00（等级 C）\n"
        "  应发合计 7,200.50 + 5,700.00 = 12,900.50\n  各月明细：salesperf explain telesales E1 --period 2026-07")
    # an id with a space (a CRM's owner name) is quoted for the shell, and the options given repeated
    out["employee_id"] = out["employee_id"].replace({"E1": "Darcel Schlecht"})
    out.attrs["by_month"]["employee_id"] = out.attrs["by_month"]["employee_id"].replace({"E1": "Darcel Schlecht"})
    assert explain_monthly_pay(out, "Darcel Schlecht", "2026-Q3", "direct", language="en",
                               options="--params 'my plans/sf.yaml' --language en").splitlines()[-1] == (
        "  Each month item by item: salesperf explain direct 'Darcel Schlecht' --period 2026-07 "
        "--params 'my plans/sf.yaml' --language en")


def test_the_sum_of_months_says_a_notice_of_several_months_once_naming_them():
    """A quarter's report repeated "Best service award left unpaid ..." once per month when
    one month had a notice of its own."""
    from salesperf_kit.catalogue import Note
    from salesperf_kit.incentives import sum_payouts

    unpaid = Note("Award unpaid.", "奖未发放。", Note("Drop it with incentives.awards.x: null.", "以 x: null 取消。"))
    row = [{"employee_id": "E1", "grade": "A", "base_pay": 5000, "total": 5000}]
    months = [("2026-07", _month_pay(row, notices=[unpaid])), ("2026-08", _month_pay(row, notices=[unpaid])),
              ("2026-09", _month_pay(row, notices=[unpaid, Note("Pro-rated.", "按天折算。")]))]
    quarter = pd.DataFrame({"employee_id": ["E1"], "name": ["Ann"], "team": "T", "role": "agent", "grade": ["A"]})
    first, second = sum_payouts(months, quarter).attrs["notices"]
    assert first == "2026-07, 2026-08, 2026-09: Award unpaid. Drop it with incentives.awards.x: null."
    assert first.zh == "2026-07、2026-08、2026-09：奖未发放。以 x: null 取消。"
    assert first.brief("zh") == "2026-07、2026-08、2026-09：奖未发放。" and first.advice == unpaid.advice
    assert second == "2026-09: Pro-rated." and second.zh == "2026-09：按天折算。"


def test_a_report_of_a_quarter_pays_the_sum_of_its_monthly_reports_unless_the_plan_pays_per_period(tmp_path):
    """incentives.pay_period: month (the default): each month scored, graded and paid on
    its own; pay_period: period applies the plan once to the quarter, as before."""
    from salesperf_kit.loaders import load_plan_data
    from salesperf_kit.scoring import period_payouts, scorecard

    params = load_params("telesales")
    data = load_plan_data(params, "demo")
    card = scorecard(data, params, "2026-Q3")
    quarter = period_payouts(data, params, card).set_index("employee_id")
    months = [period_payouts(data, params, scorecard(data, params, m)).set_index("employee_id")
              for m in ("2026-07", "2026-08", "2026-09")]
    by_hand = sum(m["total"].reindex(quarter.index).fillna(0.0) for m in months)
    assert (quarter["total"] - by_hand).abs().max() < 0.005
    assert quarter["monthly_grades"].str.count("/").max() == 2
    whole = params.model_copy(update={"incentives": params.incentives.model_copy(update={"pay_period": "period"})})
    once = period_payouts(data, whole, card)
    assert "monthly_grades" not in once and "months" not in once.attrs
    assert once["base_pay"].sum() < quarter["base_pay"].sum() / 2  # one month's base pay, not three


def test_explain_pay_says_when_the_employees_table_sets_the_base_pay():
    """A team lead's base pay of 13,400 from the employees table stood beside the plan's
    8,000 with nothing said, which a payroll clerk took for a slip."""
    kpis = make_kpis({"e1": 50_000, "e2": 50_000}, base_pay={"e1": 13_400.0, "e3": 8_000.0})
    params = make_params(base_pay={"default": 8_000})
    assert "  基本工资 13,400.00（员工表的 base_pay，方案为 8,000.00）" in _story(kpis, params, "e1")
    assert "  Base pay 13,400.00 (the employees table's base_pay; the plan gives 8,000.00)" in \
        _story(kpis, params, "e1", "en")
    assert "  基本工资 8,000.00\n" in _story(kpis, params, "e2")  # the plan's
    assert "  基本工资 8,000.00\n" in _story(kpis, params, "e3")  # the same amount: nothing to say
