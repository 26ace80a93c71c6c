"""Goal management: cascades that add up exactly, seasonal profiles, targets from history,
tracking with a run-rate forecast, and calibration rules (hand-computed answers)."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from salesperf_kit.exceptions import ParamsError, SalesperfError
from salesperf_kit.kpis import targets_for
from salesperf_kit.params import CalibrationRule, PromotionEvent, TargetSettings
from salesperf_kit.targets import (
    calibrate, cascade, largest_remainder, make_targets, monthly_history, ramp_factor, seasonal_profile,
    split_in_time, targets_from_history, track, write_targets,
)

KNOWN_PROFILE = [6.0, 5.0, 7.0, 8.0, 8.5, 11.0, 7.5, 7.0, 8.0, 9.0, 14.0, 9.0]


# ----------------------------------------------------------------------------- fixtures
def _orders(rows) -> pd.DataFrame:
    """rows: (employee_id, timestamp, amount[, customer_id])."""
    out = []
    for i, r in enumerate(rows):
        e, t, a = r[:3]
        out.append({"order_id": f"O{i:05d}", "employee_id": e, "customer_id": r[3] if len(r) > 3 else f"C{i:05d}",
                    "order_date": pd.Timestamp(t), "amount": float(a)})
    return pd.DataFrame(out)


def _flat_dataset() -> dict:
    """2026: e1 sells 1,000, e2 2,000 (team T1) and e3 1,000 (team T2) every month, one
    order each; e4 (T2) joins on 2027-03-10."""
    emp = pd.DataFrame({"employee_id": ["e1", "e2", "e3", "e4"], "name": list("abcd"),
                        "team": ["T1", "T1", "T2", "T2"], "role": "sales",
                        "hire_date": pd.to_datetime([None, None, None, "2027-03-10"])})
    rows = [(e, f"2026-{m:02d}-15", a) for m in range(1, 13) for e, a in (("e1", 1000), ("e2", 2000), ("e3", 1000))]
    return {"employees": emp, "orders": _orders(rows)}


@pytest.fixture
def flat_history() -> dict:
    return _flat_dataset()


@pytest.fixture(scope="module")
def flat_monthly() -> pd.DataFrame:
    """The KPI history of :func:`_flat_dataset`, computed once for the module."""
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    return monthly_history(_flat_dataset(), months, kpis=["revenue", "aov"])


@pytest.fixture
def tracking_data() -> dict:
    """January 2027: e1 sells 1,000 every day; e2 1,000 every second day (2nd, 4th, ...).
    Both have a target of 31,000; their team T of 62,000."""
    emp = pd.DataFrame({"employee_id": ["e1", "e2"], "name": ["a", "b"], "team": "T", "role": "sales"})
    rows = [("e1", f"2027-01-{d:02d} 10:00", 1000) for d in range(1, 32)]
    rows += [("e2", f"2027-01-{d:02d} 11:00", 1000) for d in range(2, 32, 2)]
    targets = pd.DataFrame({"period": "2027-01", "employee_id": ["e1", "e2", None], "team": "T",
                            "kpi": "revenue", "target": [31000.0, 31000.0, 62000.0]})
    return {"employees": emp, "orders": _orders(rows), "targets": targets}


@pytest.fixture
def cac_data() -> dict:
    """2027-01..04: 15 new customers a month (e1 6, e2 4, e3 5); ad spend 1,500 a month in
    Jan-Mar (CAC 100) and 2,100 in April (CAC 140, +40 %)."""
    emp = pd.DataFrame({"employee_id": ["e1", "e2", "e3"], "name": list("abc"),
                        "team": ["T1", "T1", "T2"], "role": "sales"})
    rows, c = [], 0
    for m in range(1, 5):
        for e, n in (("e1", 6), ("e2", 4), ("e3", 5)):
            for _ in range(n):
                rows.append((e, f"2027-{m:02d}-10", 100, f"C{c:04d}"))
                c += 1
    spend = {1: 1500, 2: 1500, 3: 1500, 4: 2100}
    traffic = pd.DataFrame([{"date": pd.Timestamp(f"2027-{m:02d}-01"), "channel": "百度", "employee_id": "e1",
                             "sessions": 1000.0, "unique_visitors": 800.0, "page_views": 3000.0,
                             "spend": float(s)} for m, s in spend.items()])
    per = {"e1": 6, "e2": 4, "e3": 5}
    t = []
    for m in range(1, 13):
        p = f"2027-{m:02d}"
        t += [(p, e, "T1" if e != "e3" else "T2", "new_customers", float(v)) for e, v in per.items()]
        t += [(p, None, "T1", "new_customers", 10.0), (p, None, "T2", "new_customers", 5.0)]
        t += [(p, e, "T1" if e != "e3" else "T2", "conversion_rate", 0.02) for e in per]
    targets = pd.DataFrame(t, columns=["period", "employee_id", "team", "kpi", "target"])
    return {"employees": emp, "orders": _orders(rows), "traffic": traffic, "targets": targets}


def _people(t: pd.DataFrame) -> pd.DataFrame:
    return t[t["employee_id"].notna()]


def _teams(t: pd.DataFrame) -> pd.DataFrame:
    return t[t["employee_id"].isna()]


# ----------------------------------------------------------------------------- largest remainder
def test_largest_remainder_by_hand():
    # quotas 3.33 each: one unit left over goes to the first of the tied parts
    assert largest_remainder(10, [1, 1, 1]).tolist() == [4, 3, 3]
    # quotas 4.2, 2.8, 3.0 -> floors 4, 2, 3; the unit left goes to the 0.8 remainder
    assert largest_remainder(10, [42, 28, 30]).tolist() == [4, 3, 3]
    # quotas 2.5, 5, 2.5 hundreds: the hundred left over goes to the first tied part
    assert largest_remainder(1000, [1, 2, 1], unit=100).tolist() == [300, 500, 200]
    assert largest_remainder(10, [0, 0]).tolist() == [5, 5]  # all weights 0: equal
    assert largest_remainder(7, [np.nan, 1.0]).tolist() == [0, 7]  # NaN takes no part
    assert largest_remainder(0, [1, 2]).tolist() == [0, 0]


def test_largest_remainder_keeps_a_fractional_total():
    parts = largest_remainder(10.5, [1, 1, 1])
    assert parts.sum() == 10.5
    assert sorted(parts.tolist()) == [3.0, 3.0, 4.5]


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
def test_largest_remainder_rejects_a_bad_total(bad):
    with pytest.raises(SalesperfError, match="target total"):
        largest_remainder(bad, [1, 1])


@settings(max_examples=60, deadline=None)
@given(total=st.integers(0, 10**9), weights=st.lists(st.floats(0, 1e6), min_size=1, max_size=30),
       unit=st.sampled_from([1, 10, 100]))
def test_largest_remainder_adds_up_exactly(total, weights, unit):
    total = total * unit
    parts = largest_remainder(total, weights, unit=unit)
    assert parts.sum() == total
    assert (parts % unit == 0).all()
    assert (parts >= 0).all()


# ----------------------------------------------------------------------------- cascade
def test_cascade_methods_add_up_exactly():
    parts = pd.DataFrame({"history": [500.0, 300.0, 200.0], "headcount": [4, 3, 3],
                          "ramp": [1.0, 1.0, 0.5]}, index=["A", "B", "C"])
    by_history = cascade(1_000_001, parts, method="history")
    assert by_history.sum() == 1_000_001
    assert by_history.tolist() == [500_001, 300_000, 200_000]
    by_capacity = cascade(85_000, parts, method="capacity")  # weights 4, 3, 1.5
    assert by_capacity.tolist() == [40_000, 30_000, 15_000]
    by_equal = cascade(100, parts, method="equal")
    assert by_equal.tolist() == [34, 33, 33]


def test_cascade_keeps_overrides_and_redistributes_the_rest():
    parts = pd.DataFrame({"history": [500.0, 300.0, 200.0]}, index=["A", "B", "C"])
    out = cascade(1000, parts, method="history", overrides={"A": 700})
    # the remaining 300 is split 300:200 between B and C
    assert out.to_dict() == {"A": 700.0, "B": 180.0, "C": 120.0}
    assert out.sum() == 1000


def test_cascade_overrides_that_do_not_fit_are_refused():
    parts = pd.DataFrame({"history": [1.0, 1.0]}, index=["A", "B"])
    with pytest.raises(SalesperfError, match="more than the total"):
        cascade(100, parts, method="history", overrides={"A": 150})
    with pytest.raises(SalesperfError, match="neither|name no part"):
        cascade(100, parts, method="history", overrides={"Z": 10})
    with pytest.raises(SalesperfError, match="cover every part"):
        cascade(100, parts, method="history", overrides={"A": 10, "B": 20})
    with pytest.raises(SalesperfError, match="must be one of"):
        cascade(100, parts, method="sideways")


def test_cascade_of_a_missing_or_negative_total_is_refused():
    """A company target computed from a month without data is NaN: split, it gave every
    team a target of 0 without a word. A negative total was reported as overrides (there
    were none) adding up to more than it. Both now name the total and what it must be."""
    parts = pd.DataFrame({"history": [300.0, 500.0, 200.0]}, index=["华东", "华南", "华北"])
    for total in (float("nan"), -5, "1万"):
        with pytest.raises(SalesperfError, match=r"cascade: the total to split is .*a number ≥ 0"):
            cascade(total, parts)
    assert cascade(0, parts).tolist() == [0, 0, 0]  # a total of 0 is a target of 0 for everyone


def test_ramp_factor_for_new_hires():
    hire = pd.Timestamp("2027-03-10")
    assert [ramp_factor(hire, f"2027-{m:02d}", 3) for m in range(2, 8)] == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    assert ramp_factor(None, "2027-01", 3) == 1.0
    assert ramp_factor(hire, "2027-03", 0) == 1.0


# ----------------------------------------------------------------------------- time
def test_seasonal_profile_recovers_a_known_profile():
    # no growth: the profile itself
    idx = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    got = seasonal_profile(pd.Series([p * 1000 for _ in (2025, 2026) for p in KNOWN_PROFILE], index=idx))
    assert sum(got) == pytest.approx(100)
    assert got == pytest.approx(KNOWN_PROFILE, abs=1e-9)


def test_seasonal_profile_keeps_steady_growth_out_of_the_season():
    """A business growing 20 % a year, data 2023-11 .. 2026-10 (as when targets are set in
    November): against each twelve-month block's mean the later months read high, and 双11
    came out at 14.75 % instead of 16 %. With the growth taken out first, the profile is
    recovered."""
    true = [5, 5, 6, 7, 8, 12, 7, 7, 8, 9, 16, 10]
    months = pd.period_range("2023-11", "2026-10", freq="M")
    values = [true[p.month - 1] * 120 * 1.2 ** (i / 12) for i, p in enumerate(months)]
    got = seasonal_profile(pd.Series(values, index=[str(p) for p in months]))
    assert got == pytest.approx(true, abs=1e-6)  # (against each year's mean alone, November was 14.75)
    # a step of 12 % at one January instead moves the shares by about half a point
    idx = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    step = [p * 1000 * (1.12 if y == 2026 else 1.0) for y in (2025, 2026) for p in KNOWN_PROFILE]
    assert seasonal_profile(pd.Series(step, index=idx)) == pytest.approx(KNOWN_PROFILE, abs=0.55)


def test_seasonal_profile_from_the_last_twelve_months():
    # November 2025 .. October 2026 (a year of data that does not start in January), and
    # a partial year before it that must not bend the profile
    months = pd.period_range("2025-07", "2026-10", freq="M")
    values = [KNOWN_PROFILE[p.month - 1] * (500 if p < pd.Period("2025-11", "M") else 900) for p in months]
    got = seasonal_profile(pd.Series(values, index=[str(p) for p in months]))
    assert got == pytest.approx(KNOWN_PROFILE, abs=1e-9)


def test_seasonal_profile_with_noise_and_a_missing_month():
    rng = np.random.default_rng(7)
    idx = pd.date_range("2025-01-01", periods=24, freq="MS")
    values = np.array(KNOWN_PROFILE * 2) * 5000 * rng.lognormal(0, 0.03, 24)
    got = seasonal_profile(pd.Series(values, index=idx))
    assert got == pytest.approx(KNOWN_PROFILE, abs=0.4)
    # ratios to the mean 1.5: 2/3 and 4/3; the ten absent months take the neutral index 1
    two = seasonal_profile(pd.Series([1.0, 2.0], index=["2026-01", "2026-02"]))
    assert two == pytest.approx([100 * (2 / 3) / 12, 100 * (4 / 3) / 12] + [100 / 12] * 10)
    assert all(math.isnan(x) for x in seasonal_profile(pd.Series([0.0, 0.0], index=["2026-01", "2026-02"])))


def test_split_in_time_adds_up_and_follows_the_promotion_calendar():
    plan = split_in_time(1_000_000, year=2027)  # flat profile, 618 x 1.3, 双11 x 1.5
    months = plan[plan["level"] == "month"].set_index("period")
    quarters = plan[plan["level"] == "quarter"].set_index("period")
    assert months["target"].sum() == 1_000_000
    assert (months["target"] % 1 == 0).all()
    assert quarters.loc["2027-Q2", "target"] == months.loc[["2027-04", "2027-05", "2027-06"], "target"].sum()
    assert quarters["target"].sum() == 1_000_000
    assert plan.loc[plan["level"] == "year", "target"].item() == 1_000_000
    # weights: 10 months of 1, June 1.3, November 1.5
    assert months.loc["2027-06", "share"] == pytest.approx(1.3 / 12.8)
    assert months.loc["2027-11", "share"] == pytest.approx(1.5 / 12.8)
    assert months.loc["2027-01", "share"] == pytest.approx(1 / 12.8)
    assert months["stress"].to_dict() == {
        "2027-01": "steady", "2027-02": "steady", "2027-03": "steady", "2027-04": "acquisition",
        "2027-05": "acquisition", "2027-06": "conversion", "2027-07": "steady", "2027-08": "steady",
        "2027-09": "acquisition", "2027-10": "acquisition", "2027-11": "conversion", "2027-12": "steady"}
    assert months.loc["2027-11", "promotion"] == "双11"


def test_split_in_time_with_a_profile_and_custom_promotions():
    plan = split_in_time(120_000, year=2027, profile=KNOWN_PROFILE, promotions=[])
    months = plan[plan["level"] == "month"]
    assert months["target"].tolist() == [p * 1200 for p in KNOWN_PROFILE]
    assert set(months["stress"]) == {"steady"}
    custom = split_in_time(1300, year=2027, promotions=[{"name": "周年庆", "date": "2027-08-08", "weight": 2.0}])
    m = custom[custom["level"] == "month"].set_index("period")
    assert m.loc["2027-08", "target"] == 200 and m.loc["2027-07", "target"] == 100
    assert m.loc["2027-08", "promotion"] == "周年庆"



def test_a_given_profile_is_used_as_written_unless_the_plan_names_its_promotions():
    """A client's profile summing to 100 already places its promotions: the default 618 x1.3
    and 双11 x1.5 multiplied it silently (June 11.9 % instead of 10 %). By hand, with
    KNOWN_PROFILE and 120,000: January 6 % = 7,200, June 11 % = 13,200, November 14 % = 16,800.
    Named in the plan (618 x1.5 only), the weights are 100 + 11 x 0.5 = 105.5, so of 105,500
    June gets 11 x 1.5 x 1,000 = 16,500 and January 6,000."""
    plan = split_in_time(120_000, year=2027, profile=KNOWN_PROFILE).set_index("period")
    assert plan.loc[["2027-01", "2027-06", "2027-11"], "target"].tolist() == [7200, 13200, 16800]
    t = targets_from_history(_flat_dataset(), year=2027, annual=120_000, settings=TargetSettings(profile=KNOWN_PROFILE))
    company = _teams(t).groupby("period")["target"].sum()
    assert company.tolist() == [p * 1200 for p in KNOWN_PROFILE]
    assert "months by the plan's profile as written (no promotion weights on top" in t.attrs["basis"][0]
    assert "各月按方案的分布比例（targets.profile）原样拆分" in t.attrs["basis"][0].zh
    named = TargetSettings(profile=KNOWN_PROFILE, promotions=[{"name": "618", "month": 6, "weight": 1.5}])
    t = targets_from_history(_flat_dataset(), year=2027, annual=105_500, settings=named)
    company = _teams(t).groupby("period")["target"].sum()
    assert (company["2027-06"], company["2027-01"], company.sum()) == (16_500, 6_000, 105_500)
    assert "months by the plan's profile x the promotion weights of targets.promotions (618 x1.5)" in t.attrs["basis"][0]


def test_a_learned_season_says_that_the_named_promotions_are_not_applied():
    """A 年货节 added to the plan changed nothing with a learned season, and nothing said so.
    The flat 2026 of the fixture keeps every month of 60,000 at 5,000; the summary names the
    calendar that was not applied, and how to add a new event (a profile, used as written)."""
    settings = TargetSettings(promotions=[{"name": "年货节", "month": 1, "weight": 1.4}])
    t = targets_from_history(_flat_dataset(), year=2027, uplift=0.25, settings=settings)
    assert _teams(t).groupby("period")["target"].sum().eq(5000).all()
    [basis] = t.attrs["basis"]
    assert ("months by the season of 2026 (the promotions of targets.promotions, 年货节 x1.4, are not applied on top: "
            "the learned season already shows the promotions") in basis
    assert "write targets.profile instead, e.g. the learned shares [8.4, " in basis
    assert "targets.promotions 的促销权重 年货节 ×1.4 没有再乘上去" in basis.zh
    # the default calendar, not named in the plan, is not mentioned
    t = targets_from_history(_flat_dataset(), year=2027, uplift=0.25)
    assert "promotion" not in t.attrs["basis"][0]

def test_split_in_time_shifts_acquisition_to_the_months_before_a_promotion():
    promos = [PromotionEvent(name="双11", month=11, weight=2.0)]
    plan = split_in_time(1400, year=2027, kpi="new_customers", promotions=promos).set_index("period")
    # September and October carry the promotion weight, November does not
    assert plan.loc[["2027-09", "2027-10", "2027-11"], "target"].tolist() == [200, 200, 100]


def test_split_in_time_does_not_count_promotions_twice_in_a_learned_profile():
    history = pd.Series([p * 10 for p in KNOWN_PROFILE], index=[f"2026-{m:02d}" for m in range(1, 13)])
    plan = split_in_time(100_000, year=2027, history=history)
    months = plan[plan["level"] == "month"]
    assert months["share"].tolist() == pytest.approx([p / 100 for p in KNOWN_PROFILE])
    assert months["target"].sum() == 100_000


def test_split_in_time_rejects_a_profile_that_does_not_sum_to_100():
    with pytest.raises(SalesperfError, match="sum to 100"):
        split_in_time(100, year=2027, profile=[8] * 12)
    with pytest.raises(SalesperfError, match="12 monthly"):
        split_in_time(100, year=2027, profile=[50, 50])


# ----------------------------------------------------------------------------- targets from history
def _check_adds_up(t: pd.DataFrame) -> None:
    for (period, team), g in _people(t).groupby(["period", "team"]):
        team_row = _teams(t)[(_teams(t)["period"] == period) & (_teams(t)["team"] == team)]
        assert team_row["target"].item() == g["target"].sum()


def test_monthly_history(flat_monthly):
    assert len(flat_monthly) == 12 * 3 * 2  # e4, hired in 2027, has no 2026 rows
    jan = flat_monthly[(flat_monthly["period"] == "2026-01") & (flat_monthly["kpi"] == "revenue")]
    assert jan.set_index("employee_id")["value"].to_dict() == {"e1": 1000, "e2": 2000, "e3": 1000}


def test_targets_from_history_by_hand(flat_history, flat_monthly):
    t = targets_from_history(flat_history, year=2027, uplift=0.25, settings=TargetSettings(promotions=[]),
                             history=flat_monthly)
    assert list(t.columns) == ["period", "employee_id", "team", "kpi", "target"]
    # flat season: annual = 12 x 4,000 x 1.25 = 60,000, i.e. 5,000 a month
    assert _teams(t)["target"].sum() == 60_000
    assert _teams(t).groupby("period")["target"].sum().tolist() == [5000.0] * 12
    jan = _people(t[t["period"] == "2027-01"]).set_index("employee_id")["target"]
    assert jan.to_dict() == {"e1": 1250.0, "e2": 2500.0, "e3": 1250.0}
    # the new hire has no target before joining, then her team's median level x the ramp
    e4 = t[t["employee_id"] == "e4"].set_index("period")["target"]
    assert list(e4.index) == [f"2027-{m:02d}" for m in range(3, 13)]
    assert e4["2027-03"] == pytest.approx(5000 * 250 / 4250, abs=1)
    assert e4["2027-06"] == pytest.approx(5000 * 1000 / 5000, abs=1)
    _check_adds_up(t)


def test_a_leaver_s_history_in_the_base_year_is_said_with_the_annual_that_leaves_it_out(flat_history, flat_monthly):
    # c (e3) sold 1,000 a month in 2026 and left on its last day: the company's 2027 target is
    # still 12 x 4,000 x 1.25 = 60,000, which the others share; without her, 12 x 3,000 x 1.25
    flat_history["employees"]["leave_date"] = pd.to_datetime([None, None, "2026-12-31", None])
    t = targets_from_history(flat_history, year=2027, uplift=0.25, settings=TargetSettings(promotions=[]),
                             history=flat_monthly)
    assert _teams(t)["target"].sum() == 60_000 and "e3" not in set(t["employee_id"].dropna())
    [note] = [n for n in t.attrs["notes"] if "left before 2027" in str(n)]
    assert str(note) == (
        "c (e3, T2) left before 2027 but their revenue of 2026 (12,000) is in the base year: it adds "
        "about 15,000 to the company's 60,000 in 2027, which the others share. Without it the company's target is "
        "about 45,000 (--annual 45000); keep it if the customers stay with the company.")
    assert note.zh == (
        "c（T2）在 2027 年前已离职，但其在 2026 年的销售额（12,000）仍计入基数：使 2027 年公司目标 60,000 增加了约 "
        "15,000，由其他人分担。若不计入，公司目标约为 45,000（--annual 45000）；若其客户仍留在公司，可保持现状。")
    # a company target given is not said to hold anyone's history
    given = targets_from_history(flat_history, year=2027, annual=45_000, settings=TargetSettings(promotions=[]),
                                 history=flat_monthly)
    assert not any("left before" in str(n) for n in given.attrs["notes"])


def test_the_month_someone_leaves_in_weighs_the_days_up_to_their_last_day(flat_history, flat_monthly):
    # a (e1, level 1,000) leaves on 15 March: 15 of its 31 days; b 2,000, c 1,000, and d (T2,
    # joins 10 March) their team's median 1,000 x the first month's ramp 1/4
    flat_history["employees"]["leave_date"] = pd.to_datetime(["2027-03-15", None, None, None])
    t = targets_from_history(flat_history, year=2027, uplift=0.25, settings=TargetSettings(promotions=[]),
                             history=flat_monthly)
    march = _people(t[t["period"] == "2027-03"]).set_index("employee_id")["target"]
    w = {"e1": 1000 * 15 / 31, "e2": 2000, "e3": 1000, "e4": 250}
    for e, x in w.items():
        assert march[e] == pytest.approx(5000 * x / sum(w.values()), abs=1)
    assert "e1" not in set(t.loc[t["period"] == "2027-04", "employee_id"].dropna())
    _check_adds_up(t)


@pytest.mark.parametrize("method", ["capacity", "equal"])
def test_targets_from_history_other_methods_add_up(flat_history, flat_monthly, method):
    t = targets_from_history(flat_history, year=2027, method=method, uplift=0.25,
                             settings=TargetSettings(promotions=[]), history=flat_monthly)
    assert _teams(t)["target"].sum() == 60_000
    _check_adds_up(t)
    jan = _people(t[t["period"] == "2027-01"])["target"]
    assert sorted(jan.tolist()) == [1666.0, 1667.0, 1667.0]
    mar = _people(t[t["period"] == "2027-03"]).set_index("employee_id")["target"]
    if method == "capacity":  # e4 counts for a quarter of a person in her first month
        assert mar["e4"] == pytest.approx(5000 * 0.25 / 3.25, abs=1)
    else:
        assert mar["e4"] == 1250


def test_targets_from_history_keeps_overrides(flat_history, flat_monthly):
    t = targets_from_history(flat_history, year=2027, uplift=0.25, overrides={"e2": 24_000, "T2": 18_000},
                             settings=TargetSettings(promotions=[]), history=flat_monthly)
    per_person = _people(t).groupby("employee_id")["target"].sum()
    assert per_person["e2"] == 24_000
    assert _teams(t).groupby("team")["target"].sum()["T2"] == 18_000
    assert per_person["e1"] == 60_000 - 24_000 - 18_000
    assert _teams(t)["target"].sum() == 60_000
    _check_adds_up(t)
    with pytest.raises(SalesperfError, match="neither an employee_id, a team nor a name"):
        targets_from_history(flat_history, year=2027, overrides={"e9": 1}, history=flat_monthly)



def test_overrides_that_cannot_fit_are_said_in_annual_figures(flat_history, flat_monthly):
    """--override E0007=99999999 was refused as "in 2027-01 ... more than the company target
    1.83001e+06", a monthly figure in scientific notation for an annual amount. By hand: the
    company's 2027 target is 12 x 4,000 x 1.25 = 60,000; e1 15,000 + e2 10,000 = 25,000 is
    more than their team T1's 20,000."""
    kw = dict(year=2027, uplift=0.25, settings=TargetSettings(promotions=[]), history=flat_monthly)
    with pytest.raises(SalesperfError, match=r"The revenue overrides \(e2 70,000\) add up to 70,000 for 2027, more "
                                             r"than the company's annual target 60,000\. Fix: lower them, or raise") as err:
        targets_from_history(flat_history, overrides={"e2": 70_000}, **kw)
    assert err.value.args[0].zh.startswith("销售额的覆盖值（e2 70,000）合计 70,000，超过 2027 年公司目标 60,000。")
    with pytest.raises(SalesperfError, match=r"overrides of team T1's members \(e1 15,000, e2 10,000\) add up to "
                                             r"25,000 for 2027, more than the team's own override 20,000"):
        targets_from_history(flat_history, overrides={"T1": 20_000, "e1": 15_000, "e2": 10_000}, **kw)

def test_an_override_may_name_the_person(flat_history, flat_monthly):
    """The targets' notes name people (吴霞（T1）), but --override took only ids, so a
    consultant looked each id up: a name that one person has, spaced out or not, is that
    person; a name two people share, or a slip of a name, is an error saying whom it means."""
    emp = flat_history["employees"].assign(name=["王芳", "吴霞", "王五", "王五"])
    data = {**flat_history, "employees": emp}
    kw = dict(year=2027, uplift=0.25, settings=TargetSettings(promotions=[]), history=flat_monthly)
    by_id = targets_from_history(data, overrides={"e2": 24_000}, **kw)
    for written in ("吴霞", "吴 霞"):
        pd.testing.assert_frame_equal(targets_from_history(data, overrides={written: 24_000}, **kw), by_id)
    with pytest.raises(SalesperfError, match=r"names 2 people \(王五 \(e3\) or 王五 \(e4\)\)\. Fix: give the "
                                             r"employee_id, e\.g\. --override e3=<amount>"):
        targets_from_history(data, overrides={"王五": 1}, **kw)
    with pytest.raises(SalesperfError, match=r"Did you mean 吴霞 \(e2\)\?"):
        targets_from_history(data, overrides={"吴夏": 1}, **kw)


def test_targets_from_history_for_a_ratio_kpi(flat_history, flat_monthly):
    t = targets_from_history(flat_history, kpi="aov", year=2027, uplift=0.2, history=flat_monthly)
    jan = t[t["period"] == "2027-01"].set_index(["employee_id", "team"], drop=False)
    people = _people(jan).set_index("employee_id")["target"]
    assert people.to_dict() == {"e1": 1200.0, "e2": 2400.0, "e3": 1200.0}
    # pooled team level: T1 sold 3,000 in 2 orders a month
    assert _teams(jan).set_index("team")["target"].to_dict() == {"T1": 1800.0, "T2": 1200.0}
    # the summary says how: 48,000 in 36 orders a month over 2026 is 1,333.33, x 1.2
    assert [str(b) for b in t.attrs["basis"]] == [
        "aov 2027: each person's target is their own level of 2026 x 1.2 (uplift 20%) (the team's pooled level for "
        "someone without one); the company's level 1,333.33 → 1,600.00."]


def test_the_targets_of_a_rate_say_that_it_grows_by_a_share_of_itself():
    from salesperf_kit.targets import _level_basis

    people = pd.DataFrame({"team": ["T1", "T1"]}, index=["e1", "e2"])
    hist = pd.DataFrame({"period": ["2026-11", "2026-12", "2026-12"], "employee_id": ["e1", "e1", "e2"],
                         "kpi": "conversion_rate", "value": [0.02, 0.04, 0.03],
                         "numerator": [10.0, 12.0, 8.0], "denominator": [500.0, 300.0, 200.0]})
    # pooled: (10 + 12 + 8) / (500 + 300 + 200) = 3.00 %, x 1.25 = 3.75 %
    [basis] = _level_basis(hist, people, "conversion_rate", 2027, ["2026-11", "2026-12"], 0.25, 1.25)
    assert str(basis).endswith("the company's level 3.00% → 3.75% (a rate grows by a share of itself, not by points).")
    assert basis.zh == ("2027 年页面转化率：每人的目标 = 本人在 2026-11 至 2026-12 期间的水平 × 1.25（增长 25%）（没有本人水平的，"
                        "取其团队的合并水平）；公司水平 3.00% → 3.75%（比率按自身的比例增长，而不是加百分点）。")
    # a rate where lower is better is divided
    [cac] = _level_basis(hist.assign(kpi="cac"), people, "cac", 2027, ["2026-11", "2026-12"], 0.25, 0.8)
    assert "/ 1.25 (uplift 25%, lower is better)" in str(cac)



def test_overrides_of_a_ratio_kpi_are_read_as_those_of_revenue(flat_history, flat_monthly):
    """An AOV (or conversion, CAC) override for an unknown id or given by a name was dropped
    without a word, and a team's changed the team row only. By hand (the levels of the test
    above): T1 = 2,700 is 1.5 x its 1,800, so e1 1,200 -> 1,800 and e2 2,400 -> 3,600, with
    T2 and e3 unchanged; 吴霞 (e2) = 3,000 is e2's, kept beside T1's 1.5 for e1."""
    data = {**flat_history, "employees": flat_history["employees"].assign(name=["王芳", "吴霞", "c", "d"])}
    kw = dict(kpi="aov", year=2027, uplift=0.2, history=flat_monthly)
    t = targets_from_history(data, overrides={"T1": 2700}, **kw)
    jan = t[t["period"] == "2027-01"]
    assert _people(jan).set_index("employee_id")["target"].to_dict() == {"e1": 1800.0, "e2": 3600.0, "e3": 1200.0}
    assert _teams(jan).set_index("team")["target"].to_dict() == {"T1": 2700.0, "T2": 1200.0}
    t = targets_from_history(data, overrides={"T1": 2700, "吴霞": 3000}, **kw)
    jan = _people(t[t["period"] == "2027-01"]).set_index("employee_id")["target"]
    assert (jan["e1"], jan["e2"]) == (1800.0, 3000.0)
    with pytest.raises(SalesperfError, match=r"The aov override 'e9' is neither an employee_id, a team nor a name"):
        targets_from_history(data, overrides={"e9": 1}, **kw)
    with pytest.raises(SalesperfError, match=r"Did you mean 吴霞 \(e2\)\?"):
        targets_from_history(data, overrides={"吴夏": 1}, **kw)
    with pytest.raises(SalesperfError, match=r"overrides 'e2' and '吴霞' both mean e2; give one of them"):
        targets_from_history(data, overrides={"e2": 1, "吴霞": 2}, **kw)

def test_a_hire_of_the_last_month_without_sales_gets_the_team_level(flat_history):
    # e5 joins T2 on 2026-12-20 and sells nothing in those 12 days: no full month of history,
    # so not a level of 0 for the whole year but T2's median level (e3's 1,000) x the ramp
    # (1/2 in her second month). January: 5,000 over weights e1 1,000, e2 2,000, e3 1,000,
    # e5 500; T2 gets 5,000 x 1,500 / 4,500 = 1,666.67 -> 1,667, e5 1,667 x 500 / 1,500 = 555.67 -> 556.
    emp = flat_history["employees"]
    flat_history["employees"] = pd.concat([emp, pd.DataFrame({
        "employee_id": ["e5"], "name": ["e"], "team": ["T2"], "role": ["sales"],
        "hire_date": pd.to_datetime(["2026-12-20"])})], ignore_index=True)
    t = targets_from_history(flat_history, year=2027, uplift=0.25, settings=TargetSettings(promotions=[]))
    e5 = t[t["employee_id"] == "e5"].set_index("period")["target"]
    assert e5["2027-01"] == 556
    # full capacity from her fourth month, beside e4 who joins at a quarter of hers (weights 5,250)
    assert e5["2027-03"] == pytest.approx(5000 * 1000 / 5250, abs=1)
    assert _teams(t)["target"].sum() == 60_000
    _check_adds_up(t)


def test_targets_say_what_a_person_without_history_follows(flat_history, flat_monthly):
    t = make_targets(flat_history, None, year=2027, method="history", uplift=0.25, history=flat_monthly)
    assert t.attrs["notes"][0] == (
        "d (e4, T2) has no revenue history in a whole month of 2026: their targets follow the median "
        "level of team T2, ramped up as a new hire (25% in 2027-03, 50% in 2027-04, 75% in 2027-05).")
    assert t.attrs["notes"][1].startswith("d (e4, T2) has no revenue record in a whole month of 2026 and takes ")


def test_targets_from_history_without_history_asks_for_an_annual_target(flat_history):
    with pytest.raises(SalesperfError, match="no revenue history before 2030"):
        targets_from_history(flat_history, year=2030)
    t = targets_from_history(flat_history, year=2030, annual=12_000, settings=TargetSettings(promotions=[]))
    assert _teams(t)["target"].sum() == 12_000


def test_make_targets_round_trips_through_the_loaders(flat_history, flat_monthly, tmp_path):
    from salesperf_kit.loaders import load_dataset

    t = make_targets(flat_history, None, year=2027, method="history", uplift=0.25, history=flat_monthly)
    assert _teams(t)["target"].sum() == 60_000
    write_targets(t, tmp_path / "targets.csv")
    flat_history["employees"].to_csv(tmp_path / "employees.csv", index=False)
    back = load_dataset(tmp_path).tables["targets"].reset_index(drop=True)
    assert len(back) == len(t)
    assert back["target"].sum() == t["target"].sum()
    q1 = targets_for(back, "2027-Q1")
    e2_q1 = t[(t["employee_id"] == "e2") & t["period"].isin(["2027-01", "2027-02", "2027-03"])]["target"].sum()
    assert q1[q1["employee_id"] == "e2"]["target"].item() == e2_q1


# ----------------------------------------------------------------------------- tracking
def test_track_closed_period(tracking_data):
    out = track(tracking_data, "2027-01").set_index("employee_id")
    assert out.loc["e1", ["target", "actual", "attainment", "variance"]].tolist() == [31000, 31000, 1.0, 0.0]
    assert out.loc["e2", ["actual", "attainment", "variance"]].tolist() == [15000, 15000 / 31000, -16000]
    assert out.loc["e2", "forecast"] == out.loc["e2", "forecast_low"] == out.loc["e2", "forecast_high"] == 15000
    assert out["at_risk"].to_dict() == {"e1": False, "e2": True}
    team = track(tracking_data, "2027-01", by="team").set_index("team")
    assert team.loc["T", ["target", "actual"]].tolist() == [62000, 46000]



def test_received_money_is_tracked_against_the_revenue_targets_as_it_is_scored(tracking_data):
    """A direct plan pays on money received, but `salesperf targets` writes revenue targets:
    the report said there were no targets while the scorecard used them (its received_revenue
    falls back on revenue). By hand: e1 is paid half of each order, 31 x 500 = 15,500 of 31,000
    (50 %); e2 in full, 15,000 of 31,000."""
    orders = tracking_data["orders"]
    half = orders["employee_id"].eq("e1")
    tracking_data["orders"] = orders.assign(paid_date=orders["order_date"],
                                            paid_amount=orders["amount"].where(~half, orders["amount"] / 2))
    out = track(tracking_data, "2027-01", kpis=("received_revenue",), options={"revenue_basis": "received"})
    assert out["kpi"].unique().tolist() == ["received_revenue"]
    mine = out.set_index("employee_id")
    assert mine.loc["e1", ["target", "actual", "attainment"]].tolist() == [31000, 15500, 0.5]
    assert mine.loc["e2", ["target", "actual"]].tolist() == [31000, 15000]
    assert out.attrs["notes"] == ["There are no received_revenue targets: received_revenue is measured against the "
                                  "revenue targets."]
    assert out.attrs["notes"][0].zh == "没有「到账金额」的目标：以「销售额」的目标衡量。"
    # its own targets, when the file has them, are used as they are, without a note
    own = tracking_data["targets"].assign(kpi="received_revenue", target=[20000.0, 10000.0, 30000.0])
    out = track({**tracking_data, "targets": pd.concat([tracking_data["targets"], own])}, "2027-01",
                kpis=("received_revenue",), options={"revenue_basis": "received"})
    assert out.set_index("employee_id")["target"].to_dict() == {"e1": 20000, "e2": 10000} and not out.attrs["notes"]

def test_track_reads_the_actuals_of_kpis_already_worked_out(tracking_data, monkeypatch):
    """A report passes its own KPIs: a closed period's goals read them (the figures of
    test_track_closed_period) without working the period out again; an open period, whose
    actuals stop at as_of, works them out."""
    from salesperf_kit import kpis as kpis_module

    done = kpis_module.compute_kpis(tracking_data, "2027-01", kpis=["revenue", "orders"])
    calls = []
    real = kpis_module.compute_kpis
    monkeypatch.setattr(kpis_module, "compute_kpis", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    out = track(tracking_data, "2027-01", computed=done).set_index("employee_id")
    team = track(tracking_data, "2027-01", by="team", computed=done).set_index("team")
    assert not calls
    assert out.loc["e2", ["target", "actual", "variance"]].tolist() == [31000, 15000, -16000]
    assert team.loc["T", ["target", "actual"]].tolist() == [62000, 46000]
    track(tracking_data, "2027-01", as_of="2027-01-10", computed=done)
    track(tracking_data, "2027-01", kpis=("aov",), computed=done)  # (a KPI it does not hold)
    assert len(calls) == 2


def test_a_refund_the_export_records_after_its_last_day_is_not_counted_as_a_sale(tracking_data):
    """An export taken after 20 January holds orders to the 20th, and e1's order of the 5th
    refunded on the 25th. Tracked as of the 20th (the data's end), e1 sold 20 × 1,000 − 1,000
    = 19,000, as the KPIs of the same data say; the refund used to be undone (20,000), so that
    goal tracking and the summary of one report gave two figures. Looking back on the 20th from
    data that go on to the 31st, the refund was not yet known: 20,000."""
    from salesperf_kit.kpis import compute_kpis

    o = tracking_data["orders"].assign(status="completed", refunded_at=pd.NaT)
    refunded = (o["employee_id"] == "e1") & (o["order_date"] == pd.Timestamp("2027-01-05 10:00"))
    o.loc[refunded, ["status", "refunded_at"]] = ["refunded", pd.Timestamp("2027-01-25")]
    cut = {**tracking_data, "orders": o[o["order_date"] < "2027-01-21"]}
    out = track(cut, "2027-01", as_of="2027-01-20").set_index("employee_id")
    assert out.loc["e1", "actual"] == 19_000
    kpis = compute_kpis(cut, "2027-01", kpis=["revenue"]).long.set_index("employee_id")
    assert kpis.loc["e1", "value"] == 19_000
    # the report's own KPIs are read, not worked out again
    done = compute_kpis(cut, "2027-01", kpis=["revenue", "orders"])
    assert track(cut, "2027-01", as_of="2027-01-20", computed=done).set_index("employee_id").at["e1", "actual"] == 19_000
    whole = track({**tracking_data, "orders": o}, "2027-01", as_of="2027-01-20").set_index("employee_id")
    assert whole.loc["e1", "actual"] == 20_000


def test_track_teams_when_only_teams_have_targets(tracking_data):
    # a plan with team targets only (no person has one): T sells 31 x 1,000 + 15 x 1,000
    tracking_data["targets"] = tracking_data["targets"][tracking_data["targets"]["employee_id"].isna()]
    team = track(tracking_data, "2027-01", by="team").set_index("team")
    assert team.loc["T", ["target", "actual", "variance"]].tolist() == [62000, 46000, -16000]
    assert bool(team.loc["T", "at_risk"])


def test_track_open_period_run_rate_and_interval(tracking_data):
    out = track(tracking_data, "2027-01", as_of="2027-01-10", level=0.8).set_index("employee_id")
    assert out["days_elapsed"].iloc[0] == 10 and out["days_in_period"].iloc[0] == 31
    # e1: 10,000 in 10 days, no day-to-day variation: 31,000 with no spread
    e1 = out.loc["e1", ["actual", "forecast", "forecast_low", "forecast_high"]]
    assert e1.tolist() == [10000, 31000, 31000, 31000]
    # e2: 0, 1000, 0, 1000, ... -> mean 500, s² = 10 x 500² / 9
    s2 = 10 * 500**2 / 9
    half = stats.norm.ppf(0.9) * math.sqrt(21 * s2 + 21**2 * s2 / 10)
    assert out.loc["e2", "actual"] == 5000
    assert out.loc["e2", "forecast"] == pytest.approx(15500)
    assert out.loc["e2", "forecast_low"] == pytest.approx(15500 - half)
    assert out.loc["e2", "forecast_high"] == pytest.approx(15500 + half)
    assert out["at_risk"].to_dict() == {"e1": False, "e2": True}


def test_an_open_period_is_forecast_from_last_year_s_shape_of_the_same_days(tracking_data):
    """A 双11 month: the run rate to the 10th, spike included, was extrapolated over the 21
    days to come, and every team was outside its interval. January 2026 and 2027 each have a
    sale of 30,000 more on the 5th; a (e1) sells 1,000 a day besides."""
    spike = [("e1", f"{y}-01-05 12:00", 30_000) for y in (2026, 2027)]
    last_year = [("e1", f"2026-01-{d:02d} 10:00", 1000) for d in range(1, 32)]
    orders = pd.concat([tracking_data["orders"], _orders(spike + last_year).assign(
        order_id=lambda x: "L" + x["order_id"])], ignore_index=True)
    out = track({**tracking_data, "orders": orders}, "2027-01", as_of="2027-01-10", level=0.8)
    out = out.set_index("employee_id")
    # last January held (10 x 1,000 + 30,000) / (31 x 1,000 + 30,000) = 40/61 of its total by the 10th
    S = 40_000 / 61_000
    assert out.loc["e1", "actual"] == 40_000 and out.loc["e1", "forecast"] == pytest.approx(61_000)
    assert out.loc["e2", "forecast"] == pytest.approx(5_000 / S)
    # the days to come count as 10 x (1 - S) / S = 5.25 days at the rate so far
    s2 = 10 * 500**2 / 9
    half = stats.norm.ppf(0.9) * math.sqrt(5.25 * s2 + 5.25**2 * s2 / 10)
    assert out.loc["e2", "forecast_high"] == pytest.approx(5_000 / S + half)
    assert [str(n) for n in out.attrs["notes"]] == [
        "revenue in 2027-01 is forecast from the shape of 2026-01, whose first 10 days held 65.6% of its total "
        "(the calendar's share is 32.3%): forecast = to date / 0.656."]
    # without last year's data, the run rate as before
    assert out.attrs["shaped"] == ["revenue"]  # (the report's goals then say how the forecast was made)
    plain = track(tracking_data, "2027-01", as_of="2027-01-10", level=0.8)
    assert plain.set_index("employee_id").at["e1", "forecast"] == 31_000 and not plain.attrs["notes"]
    assert plain.attrs["shaped"] == []


def test_in_an_open_period_at_risk_reads_the_low_end_of_the_interval(tracking_data):
    """e2 with a target of 15,000: the run rate gives 15,500, above it, but e2's sales come
    every second day, so the 80 % interval reaches down to 15,500 − 1.2816 × √(65.1 × s²)
    with s² = 10 × 500² / 9 (about 10,050): a miss is quite possible, and e2 is at risk. e1
    (no spread, forecast 31,000 = target) is not."""
    t = tracking_data["targets"]
    tracking_data["targets"] = t.assign(target=t["target"].where(t["employee_id"] != "e2", 15000.0))
    out = track(tracking_data, "2027-01", as_of="2027-01-10").set_index("employee_id")
    low = 15500 - stats.norm.ppf(0.9) * math.sqrt(65.1 * 10 * 500**2 / 9)
    assert out.loc["e2", "forecast"] == pytest.approx(15500) and out.loc["e2", "forecast_low"] == pytest.approx(low)
    assert out["at_risk"].to_dict() == {"e1": False, "e2": True}


def test_a_quarter_whose_targets_stop_is_tracked_over_the_months_they_cover(tracking_data):
    # 2027-Q1 with January's targets only and data to 31 January: the quarter's target is
    # January's, so January's sales are compared with it as they are, not forecast over
    # 90 days (e2's 15,000 x 90 / 31 = 43,548 would clear 31,000 and hide the miss)
    out = track(tracking_data, "2027-Q1", as_of="2027-01-31").set_index("employee_id")
    assert out["days_in_period"].iloc[0] == 31 and out["days_elapsed"].iloc[0] == 31
    assert out.loc["e2", ["target", "actual", "forecast"]].tolist() == [31000, 15000, 15000]
    assert out["at_risk"].to_dict() == {"e1": False, "e2": True}
    # with February's targets too, the run rate is taken over January and February (59 days)
    feb = tracking_data["targets"].assign(period="2027-02")
    data = {**tracking_data, "targets": pd.concat([tracking_data["targets"], feb], ignore_index=True)}
    out = track(data, "2027-Q1", as_of="2027-01-31").set_index("employee_id")
    assert out["days_in_period"].iloc[0] == 59
    assert out.loc["e2", "forecast"] == pytest.approx(15000 * 59 / 31)


def test_track_needs_targets(tracking_data):
    del tracking_data["targets"]
    with pytest.raises(SalesperfError, match="Tracking needs targets"):
        track(tracking_data, "2027-01")


def test_tracking_a_period_without_targets_says_so(tracking_data, caplog):
    """The targets cover 2027-01 only: February tracks nothing, which would read as "nobody
    at risk" if it were silent."""
    with caplog.at_level("WARNING", logger="salesperf_kit.targets"):
        out = track(tracking_data, "2027-02")
    assert out.empty
    assert caplog.messages == ["No revenue target for 2027-02 in the targets table, so nothing is tracked (it has "
                               "targets of 2027-01). Fix: add the period's targets, e.g. with `salesperf targets`, "
                               "or track a period they cover."]
    caplog.clear()
    with caplog.at_level("WARNING", logger="salesperf_kit.targets"):
        track(tracking_data, "2027-01", kpis=("calls",))
    assert "No calls target for 2027-01" in caplog.text and "it has none of calls" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="salesperf_kit.targets"):
        track(tracking_data, "2027-01")
    assert caplog.text == ""


# ----------------------------------------------------------------------------- calibration
def test_calibration_rule_fires_and_keeps_the_sums(cac_data):
    rules = [CalibrationRule(name="CAC +30%", kpi="cac", change_at_least=0.3, baseline_periods=3,
                             adjust={"new_customers": -0.2, "conversion_rate": 0.1}),
             CalibrationRule(name="CAC +50%", kpi="cac", change_at_least=0.5, adjust={"new_customers": -0.5})]
    before = cac_data["targets"].copy()
    new, log = calibrate(cac_data["targets"], cac_data, "2027-04", rules)
    pd.testing.assert_frame_equal(cac_data["targets"], before)  # the input is not changed
    fired = log[log["fired"]]
    assert fired["adjusted_kpi"].tolist() == ["new_customers", "conversion_rate"]
    assert fired["value"].iloc[0] == pytest.approx(140) and fired["baseline"].iloc[0] == pytest.approx(100)
    assert fired["change"].iloc[0] == pytest.approx(0.4)
    assert fired["periods"].iloc[0] == "2027-05 .. 2027-12"
    # company new-customer target 15 a month -> 12 for May..December (8 months)
    assert fired["before"].iloc[0] == 120 and fired["after"].iloc[0] == 96
    assert fired["before"].iloc[1] == pytest.approx(0.02) and fired["after"].iloc[1] == pytest.approx(0.022)
    not_fired = log[~log["fired"]]
    assert not_fired["rule"].tolist() == ["CAC +50%"]
    may = new[(new["period"] == "2027-05") & (new["kpi"] == "new_customers")]
    assert _people(may).set_index("employee_id")["target"].to_dict() == {"e1": 5.0, "e2": 3.0, "e3": 4.0}
    assert _teams(may).set_index("team")["target"].to_dict() == {"T1": 8.0, "T2": 4.0}
    april = new[new["period"] == "2027-04"]
    pd.testing.assert_frame_equal(april.reset_index(drop=True),
                                  before[before["period"] == "2027-04"].reset_index(drop=True))
    _check_adds_up(new[new["kpi"] == "new_customers"])


def test_calibration_reads_the_company_values_already_worked_out(cac_data, monkeypatch):
    """April's and March's CAC from KPIs a report already holds (140 and 100, as in
    test_calibration_rule_fires_and_keeps_the_sums); only January and February are worked out."""
    from salesperf_kit import kpis as kpis_module

    done = [kpis_module.compute_kpis(cac_data, m, kpis=["cac", "revenue"]) for m in ("2027-04", "2027-03")]
    calls = []
    real = kpis_module.compute_kpis
    monkeypatch.setattr(kpis_module, "compute_kpis", lambda *a, **k: calls.append(str(a[1])) or real(*a, **k))
    rule = CalibrationRule(name="CAC +30%", kpi="cac", change_at_least=0.3, baseline_periods=3,
                           adjust={"new_customers": -0.2})
    _, log = calibrate(cac_data["targets"], cac_data, "2027-04", [rule], computed=done)
    assert sorted(calls) == ["2027-01", "2027-02"]
    assert log["value"].iloc[0] == pytest.approx(140) and log["baseline"].iloc[0] == pytest.approx(100)
    assert bool(log["fired"].iloc[0])


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_fired_rule_on_a_kpi_without_targets_says_nothing_was_adjusted(cac_data, language):
    """CAC 140 against 100 (+40 %) fires a rule that lowers the orders targets, which the
    table never has: the sentence said "targets -10.0%, before –, after –", as if something
    had changed. It now says there is no such target, and what to do; a KPI with targets up
    to April only has none after it to adjust."""
    from salesperf_kit.params import load_params
    from salesperf_kit.reporting import calibration_sentences

    from salesperf_kit.params import PARAMS_DIR

    rule = CalibrationRule(name="CAC +30%", kpi="cac", change_at_least=0.3, adjust={"orders": -0.1})
    new, log = calibrate(cac_data["targets"], cac_data, "2027-04", [rule])
    assert log["fired"].all() and log["no_targets"].tolist() == ["never"]
    pd.testing.assert_frame_equal(new.astype({"target": "float64"}), cac_data["targets"].astype({"target": "float64"}))
    params = load_params(PARAMS_DIR / "online.yaml").for_business("online")
    params = params.model_copy(update={"targets": params.targets.model_copy(update={"calibration": [rule]})})
    (line,) = calibration_sentences(log, params, language)
    if language == "zh":
        assert line.endswith("，但目标表中没有成交订单数的目标，因此未作调整；要让此规则起作用，请在目标表中加入成交订单数目标，"
                             "或把规则的 adjust 改为有目标的指标。"), line
    else:
        assert line.endswith("), but the targets table has no Orders target, so nothing was adjusted; for the rule "
                             "to act, add Orders targets to the targets table, or make its adjust name a KPI that "
                             "has targets."), line
    assert "–" not in line
    early = cac_data["targets"].assign(kpi="orders")
    early = early[early["period"] <= "2027-04"]
    _, log = calibrate(pd.concat([cac_data["targets"], early]), cac_data, "2027-04", [rule])
    (line,) = calibration_sentences(log, params, language)
    assert line.endswith("，但目标表中没有 2027-04 之后的成交订单数目标，因此未作调整。" if language == "zh" else
                         "), but the targets table has no Orders target after 2027-04, so nothing was adjusted."), line


def test_validate_warns_of_a_rule_that_adjusts_a_kpi_without_targets(cac_data, tmp_path):
    """The shipped online rule adjusts new_customers and conversion_rate; targets of revenue
    and orders only leave it nothing to adjust: a warning per KPI, at its key. With
    conversion_rate targets added, one warning is left."""
    from salesperf_kit.loaders import validate_dataset
    from salesperf_kit.params import PARAMS_DIR, load_params
    from salesperf_kit.sample import write_sample
    from salesperf_kit.targets import calibration_problems

    params = load_params(PARAMS_DIR / "online.yaml").for_business("online")
    t = pd.DataFrame({"period": "2027-01", "employee_id": ["e1", "e1"], "team": "T1", "kpi": ["revenue", "orders"],
                      "target": [100.0, 2.0]})
    found = calibration_problems(params, t)
    assert [(p.key, p.severity) for p in found] == [("targets.calibration.0.adjust.new_customers", "warning"),
                                                     ("targets.calibration.0.adjust.conversion_rate", "warning")]
    assert found[0].message == ("the calibration rule '获客成本上升' adjusts the new_customers targets, but the targets "
                                "table has none (it has targets of orders, revenue): when the rule fires, nothing is "
                                "adjusted")
    assert found[0].zh.startswith("targets.calibration.0.adjust.new_customers：校准规则「获客成本上升」调整新客户数目标，"
                                  "但目标表中没有新客户数的目标")
    more = pd.concat([t, t.assign(kpi="conversion_rate", target=0.03)])
    assert [p.key for p in calibration_problems(params, more)] == ["targets.calibration.0.adjust.new_customers"]
    # and `salesperf validate --params` lists them
    write_sample("online", tmp_path, seed=1, volumes={"orders": 2})
    report = validate_dataset(tmp_path, params=params)
    assert {w.check for w in report.warnings} >= {"calibration_without_targets"}


def test_a_quarter_row_beside_monthly_rows_is_warned_of_and_the_year_agrees_with_the_quarter(tmp_path):
    """Team T's revenue targets are 100 a month for 2026; a revised 2026-Q3 row of 250 is
    added beside July-September's. The Q3 report used 250 and the year's 12 × 100 = 1,200
    (September's 100 included, the 250 ignored): now the year is 9 × 100 + 250 = 1,150, as the
    quarter says, and loading warns, naming the quarter row (row 14 of the file: the header
    is row 1) and the monthly rows 8, 9 and 10 (July to September)."""
    from salesperf_kit.loaders import validate_dataset

    rows = [(f"2026-{m:02d}", None, "T", "revenue", 100.0) for m in range(1, 13)]
    rows.append(("2026-Q3", None, "T", "revenue", 250.0))
    t = pd.DataFrame(rows, columns=["period", "employee_id", "team", "kpi", "target"])
    assert targets_for(t, "2026-Q3")["target"].tolist() == [250.0]
    assert targets_for(t, "2026")["target"].tolist() == [1150.0]
    assert targets_for(t[t["period"] != "2026-Q3"], "2026")["target"].tolist() == [1200.0]
    pd.DataFrame({"employee_id": ["e1"], "name": ["a"], "team": ["T"], "role": ["sales"]}).to_csv(
        tmp_path / "employees.csv", index=False)
    _orders([("e1", "2026-07-01 10:00", 100)]).to_csv(tmp_path / "orders.csv", index=False)
    t.to_csv(tmp_path / "targets.csv", index=False)
    report = validate_dataset(tmp_path)
    (w,) = [w for w in report.warnings if w.check == "quarter_over_months"]
    assert (w.table, w.row, w.severity) == ("targets", 14, "warning")
    assert w.message == ("the revenue target of team 'T' for 2026-Q3 is also set month by month for 2026-07, 2026-08, "
                         "2026-09 (rows 8, 9, 10) (250 against 300 in the monthly rows): the reports of 2026-Q3 and "
                         "of 2026 use the quarter row, a month's report the monthly rows")
    assert w.text("zh").startswith("团队「T」在 2026-Q3 的「revenue」目标同时有按月的行 2026-07、2026-08、2026-09（第 8、9、10 行）")


def test_calibration_rule_for_a_fall(cac_data):
    rule = {"name": "CAC falls", "kpi": "cac", "change_at_least": -0.2, "adjust": {"new_customers": 0.1}}
    new, log = calibrate(cac_data["targets"], cac_data, "2027-04", [rule])
    assert not log["fired"].any()
    pd.testing.assert_frame_equal(new, cac_data["targets"])


def test_a_mistyped_calibration_rule_is_named_at_its_key(cac_data):
    """An analyst's rules with a misspelt KPI to adjust, or a rise written as text: each is
    reported at its key with the fix, in the plan's words rather than pydantic's."""
    good = {"name": "CAC up", "kpi": "cac", "change_at_least": 0.3, "adjust": {"new_customers": -0.1}}
    typo = {"name": "typo", "kpi": "cac", "change_at_least": 0.3, "adjust": {"new_customer": -0.1}}
    with pytest.raises(ParamsError) as err:
        calibrate(cac_data["targets"], cac_data, "2027-04", [good, typo])
    text = str(err.value)
    assert text.startswith("targets.calibration (item 2): 'new_customer'") and "Did you mean 'new_customers'?" in text
    as_text = {**good, "change_at_least": "30%"}
    with pytest.raises(ParamsError) as err:
        calibrate(cac_data["targets"], cac_data, "2027-04", [as_text])
    text = str(err.value)
    assert text.startswith("targets.calibration (item 1).change_at_least: expected a number, found '30%'")
    assert "30 % is 0.3" in text and "pydantic" not in text and "validation error" not in text
    with pytest.raises(ParamsError, match=r"targets.calibration \(item 1\).adjsut: unknown key. Did you mean 'adjust'"):
        calibrate(cac_data["targets"], cac_data, "2027-04", [{**good, "adjsut": good["adjust"]}])


def test_a_mistyped_promotion_is_named_at_its_key():
    """A promotion passed in Python with a month 13 or a weight in words: reported like the
    same mistake in a parameter file, at its key, not in pydantic's words."""
    with pytest.raises(ParamsError) as err:
        split_in_time(1200, year=2027, promotions=[{"name": "618", "month": 6}, {"name": "双11", "month": 13}])
    text = str(err.value)
    assert text.startswith("targets.promotions (item 2).month: promotion month: '13' is not a month; write 1-12")
    assert "pydantic" not in text and "validation error" not in text
    with pytest.raises(ParamsError, match=r"targets.promotions \(item 1\).weight: expected a number, found 'high'"):
        split_in_time(1200, year=2027, promotions=[("618", 6, "high")])


def test_profile_and_promotions_written_with_month_names():
    """The way a plan is written in YAML: months by name, `name: 618` read as a number."""
    s = TargetSettings.model_validate({
        "profile": {"1月": 5, "feb": 5, "March": 10, "apr": 10, "may": 5, "jun": 10, "jul": 10, "aug": 5,
                    "sep": 10, "oct": 10, "nov": 10, "12月": 10},
        "promotions": [{"name": 618, "month": "jun", "weight": 1.5}]})
    assert s.promotions[0].name == "618" and s.promotions[0].month == 6
    plan = split_in_time(10_500, year=2027, profile=s.profile, promotions=s.promotions).set_index("period")
    # June weighs 10 × 1.5 = 15 of 105: 10,500 × 15 / 105 = 1,500; January 10,500 × 5 / 105 = 500
    assert plan.at["2027-06", "target"] == 1500 and plan.at["2027-01", "target"] == 500
    assert plan.at["2027-Q1", "target"] == 2000 and plan.at["2027", "target"] == 10_500


@pytest.mark.parametrize(("profile", "words"), [
    ([0.07, 0.06, 0.07, 0.08, 0.08, 0.1, 0.08, 0.08, 0.08, 0.09, 0.13, 0.08],
     ["sum to 100", "found 1", "fractions of 1", "0.07 → 7"]),
    ({"jan": 7, "fbe": 6, "mar": 7, "apr": 8, "may": 8, "jun": 10, "jul": 8, "aug": 8, "sep": 8, "oct": 9,
      "nov": 13, "dec": 8}, ["'fbe' is not a month", "jan-dec", "Did you mean 'feb'"]),
    ({"jan": 7, "mar": 7}, ["all 12 months", "feb, apr, may"]),
])
def test_a_bad_profile_says_what_is_wrong_and_how_to_fix_it(profile, words):
    with pytest.raises(ValueError) as err:
        TargetSettings.model_validate({"profile": profile})
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("uplift, fix", [(25, "Write +25 % as 0.25"), (-1.5, "above -1")])
def test_an_uplift_that_cannot_be_meant_is_refused(flat_history, uplift, fix):
    """--uplift 25 (for +25 %) used to multiply last year's figures by 26."""
    with pytest.raises(SalesperfError, match=re.escape(fix)):
        targets_from_history(flat_history, year=2027, uplift=uplift, settings=TargetSettings(promotions=[]))


def test_an_uplift_in_the_parameter_file_is_checked_when_the_file_is_read(tmp_path):
    from salesperf_kit.exceptions import ParamsError
    from salesperf_kit.params import load_params

    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: online\ntargets: {uplift: 25}\n", encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(plan)
    assert str(err.value).startswith(f"{plan}: targets.uplift (line 2): uplift is a fraction of the baseline: 25 would set "
                                     "targets at 26 times the baseline. Write +25 % as 0.25;")


def test_a_large_but_possible_uplift_is_kept(flat_history):
    t = targets_from_history(flat_history, year=2027, uplift=3.0, settings=TargetSettings(promotions=[]))
    base = targets_from_history(flat_history, year=2027, uplift=0.0, settings=TargetSettings(promotions=[]))
    assert t["target"].sum() == pytest.approx(4 * base["target"].sum(), rel=1e-3)  # (rounding to whole units)


def test_targets_say_who_gets_nothing_all_year_for_selling_nothing(flat_history):
    """e5 (T2) was employed all of 2026 and sold nothing: a whole-month level of 0, so a
    target of 0 in every month of 2027. On the Maven CRM pipeline five representatives who
    never closed a deal got 0 for a whole year beside their managers, and the command said
    nothing. By hand: 12 x 4,000 x 1.25 = 60,000, 5,000 a month; weights e1 1,000, e2 2,000,
    e3 1,000, e5 0, so T2 gets 5,000 x 1,000 / 4,000 = 1,250, all e3's, and e5 0."""
    emp = flat_history["employees"]
    flat_history["employees"] = pd.concat([emp, pd.DataFrame({
        "employee_id": ["e5"], "name": ["e"], "team": ["T2"], "role": ["sales"]})], ignore_index=True)
    t = targets_from_history(flat_history, year=2027, uplift=0.25, settings=TargetSettings(promotions=[]))
    jan = t[t["period"] == "2027-01"].set_index("employee_id", drop=False)
    assert jan.loc["e5", "target"] == 0 and jan.loc["e3", "target"] == 1250
    assert t.loc[t["employee_id"] == "e5", "target"].eq(0).all() and len(t[t["employee_id"] == "e5"]) == 12
    assert [n for n in t.attrs["notes"] if n.startswith("e (e5")] == [(
        "e (e5, T2) had no revenue in the whole months of 2026 that the targets follow, so their revenue "
        "target is 0 in every month of 2027. Right for someone who does not sell (a manager scored on the team's "
        "figures); for a salesperson, give the annual target by hand (--override EMPLOYEE=AMOUNT on the command "
        "line, or make_targets(..., overrides={kpi: {employee_id: amount}}) in Python).")]


def test_targets_say_how_the_company_total_was_set_and_what_each_team_gets(flat_history):
    """`salesperf targets` said only 'Wrote 96 target rows': a consultant cascading the
    Superstore year had to add up the file to learn the company's 716,355 and the regions'
    shares. Without e4: the months of 2026 are flat, so the season-adjusted level of
    2026 is 1,000 + 2,000 + 1,000 = 4,000 a month; 12 x 4,000 x 1.25 = 60,000;
    T1 (e1, e2) takes 3,000 / 4,000 of it, 45,000 = 36,000 x 1.25, and T2 (e3) 15,000 =
    12,000 x 1.25: each +25 % on its own 2026."""
    flat_history["employees"] = flat_history["employees"][lambda e: e["employee_id"] != "e4"]
    t = targets_from_history(flat_history, year=2027, uplift=0.25, settings=TargetSettings(promotions=[]))
    assert t.attrs["basis"] == [
        "revenue 2027: the company's target 60,000 = 12 x 4,000.00 (its monthly level of 2026, "
        "season-adjusted) x 1.25 (uplift 25%), shared out by each person's own level; months by the season of "
        "2026; by team: T1 45,000 (+25.0% on its 2026), T2 15,000 (+25.0% on its 2026)."]
    # a given 12,000: 1,000 a month, equally over 3 people: T1 2 x 333.33 = 666.67 -> 667 a
    # month (the unit left over goes to the larger remainder), 8,004 a year; T2 333 -> 3,996
    t = targets_from_history(flat_history, year=2027, method="equal", annual=12_000,
                             settings=TargetSettings(promotions=[]))
    assert t.attrs["basis"] == ["revenue 2027: the company's target 12,000 (given), shared out equally among those "
                                "employed; months by the season of 2026; by team: T1 8,004 (-77.8% on its 2026), "
                                "T2 3,996 (-66.7% on its 2026)."]


def _lucky_quarter() -> dict:
    """2026: e1 (team T1) sells 1,000 every month; e2 (team T2) 1,000 a month from January to
    September and 3,000 a month in October to December (one lucky quarter)."""
    emp = pd.DataFrame({"employee_id": ["e1", "e2"], "name": ["a", "b"], "team": ["T1", "T2"], "role": "sales"})
    rows = [("e1", f"2026-{m:02d}-15", 1000) for m in range(1, 13)]
    rows += [("e2", f"2026-{m:02d}-15", 1000 if m <= 9 else 3000) for m in range(1, 13)]
    return {"employees": emp, "orders": _orders(rows)}


def test_shares_come_from_the_whole_base_year_not_its_last_quarter():
    """On Superstore the regions' 2018 targets ran from +1.3 % (Central) to +48.8 % (East) on
    their own 2017, because each share came from October-December only, while the company's
    total came from the whole year. By hand: T1 sold 12,000 in 2026 and T2 9 x 1,000 +
    3 x 3,000 = 18,000; the company 30,000, so 30,000 x 1.25 = 37,500 for 2027. From the
    whole year T1 takes 12,000 / 30,000 = 40 %, 15,000 = 12,000 x 1.25, and T2 22,500 =
    18,000 x 1.25: +25 % each, as the company. The season (company months 2,000 from January
    to September, 4,000 in the last quarter; mean 2,500) puts 2,000 / 30,000 x 37,500 = 2,500
    in January, of which T1 1,000, and 5,000 in October, of which T1 2,000.
    From the last quarter only (the old default), T1 would get 1,000 / 4,000 of 37,500 =
    9,375 (-21.9 %) and T2 28,125 (+56.2 %)."""
    t = targets_from_history(_lucky_quarter(), year=2027, uplift=0.25, settings=TargetSettings(promotions=[]))
    teams = _teams(t).groupby("team")["target"].sum()
    assert teams.to_dict() == {"T1": 15_000, "T2": 22_500}
    e1 = t[t["employee_id"] == "e1"].set_index("period")["target"]
    assert e1["2027-01"] == 1000 and e1["2027-10"] == 2000
    assert t.attrs["basis"][0].endswith(
        "by team: T1 15,000 (+25.0% on its 2026), T2 22,500 (+25.0% on its 2026).")
    _check_adds_up(t)


def test_smoothing_periods_still_takes_the_shares_from_the_recent_months():
    """``smoothing_periods: 3`` in the plan (or passed) bases the levels on the last three
    months, as before; the output then shows how far each team lies from its own year. By
    hand (see the test above): T1 1,000 / 4,000 of 37,500 = 9,375 = 12,000 x 0.78125,
    -21.875 % -> -21.9 %; T2 28,125 = 18,000 x 1.5625, +56.25 % -> +56.2 %."""
    for kw in ({"settings": TargetSettings(promotions=[], smoothing_periods=3)},
               {"settings": TargetSettings(promotions=[]), "smoothing_periods": 3}):
        t = targets_from_history(_lucky_quarter(), year=2027, uplift=0.25, **kw)
        assert _teams(t).groupby("team")["target"].sum().to_dict() == {"T1": 9_375, "T2": 28_125}
        assert t.attrs["basis"][0] == (
            "revenue 2027: the company's target 37,500 = 12 x 2,500.00 (its monthly level of 2026-10 .. 2026-12, "
            "season-adjusted) x 1.25 (uplift 25%), shared out by each person's own level; months by the season of "
            "2026; by team: T1 9,375 (-21.9% on its 2026), T2 28,125 (+56.2% on its 2026).")


def test_new_hires_say_whose_targets_they_take_from():
    """A hire takes a share of the company's fixed target, and on Superstore nothing said that
    Central's target fell by 22 % for a hire in East. By hand: e4 joins T2 on 2027-01-01
    with no ramp, so she weighs her team's median level 1,000 beside e1 1,000, e2 2,000 and e3
    1,000: of 5,000 a month she takes 1,000, 12,000 in the year. Without her, e1, e2 and e3
    would get 1,250, 2,500 and 1,250 a month (45,000 for T1, 15,000 for e3); with her 1,000,
    2,000, 1,000 (36,000 and 12,000): T1 -9,000, T2 -3,000. The company's target that keeps
    the others' share: 12 x 5,000 x 5,000 / 4,000 = 75,000."""
    data = _flat_dataset()
    data["employees"].loc[data["employees"]["employee_id"] == "e4", "hire_date"] = pd.Timestamp("2027-01-01")
    t = targets_from_history(data, year=2027, uplift=0.25,
                             settings=TargetSettings(promotions=[], new_hire_ramp_months=0))
    year = _people(t).groupby("employee_id")["target"].sum()
    assert year.to_dict() == {"e1": 12_000, "e2": 24_000, "e3": 12_000, "e4": 12_000}
    assert t.attrs["notes"][-1] == (
        "d (e4, T2) has no revenue record in a whole month of 2026 and takes 12,000 of the company's 60,000 in 2027; "
        "the company's target does not grow with them, so the others' targets are 12,000 lower than without them "
        "(by team: T1 -9,000, T2 -3,000). To add theirs on top instead, raise the company's target to about 75,000 "
        "(--annual 75000, or annual= in Python); to set someone's target yourself, --override EMPLOYEE=AMOUNT "
        "(overrides={kpi: {employee_id: amount}} in Python).")
    # with her target set by hand she is no longer shared a part, and nothing is said
    t = targets_from_history(data, year=2027, uplift=0.25, overrides={"e4": 6_000},
                             settings=TargetSettings(promotions=[], new_hire_ramp_months=0))
    assert not any("takes" in n for n in t.attrs["notes"])
    # by her name as well: she was still called a hire with a team median, and the 12,000
    # said to be taken from the others held her 6,000 override
    t = targets_from_history(data, year=2027, uplift=0.25, overrides={"d": 6_000},
                             settings=TargetSettings(promotions=[], new_hire_ramp_months=0))
    assert _people(t).groupby("employee_id")["target"].sum()["e4"] == 6_000
    assert not any("takes" in n or n.startswith("d (e4") for n in t.attrs["notes"])


def test_targets_for_a_year_far_from_the_data_are_warned_about(flat_history, flat_monthly, caplog):
    """2019 targets from Superstore data that end in 2017-12 came out identical to the 2018 ones,
    with no word that 2018 had no data. Here the data end in 2026-12: 2027 is the year after
    them (no warning), 2028 leaves 2027 without data, 2029 leaves 2027 and 2028. The
    targets are still set: 12 x 4,000 x 1.25 = 60,000, as for 2027."""
    t = make_targets(flat_history, None, year=2027, history=flat_monthly)
    assert t.attrs["warnings"] == []
    with caplog.at_level("WARNING", logger="salesperf_kit"):
        t = make_targets(flat_history, None, year=2028, history=flat_monthly)
    assert t.attrs["warnings"] == [
        "the revenue data end in 2026-12, more than a year before 2028: there are no data for 2027, so the 2028 "
        "targets are the level up to 2026-12 x 1.25 (uplift 25%), with nothing counted for the time in between. "
        "Check --year (targets for 2027?), or load the data of 2027."]
    assert t.attrs["warnings"][0] in caplog.text
    assert _teams(t)["target"].sum() == 60_000
    t = make_targets(flat_history, None, year=2029, history=flat_monthly)
    assert "there are no data for 2027 and 2028" in t.attrs["warnings"][0]


def test_the_season_is_the_average_of_the_last_three_years():
    """Superstore's 2018 months followed 2017 alone (January 6.6 % of the year, against 3.7 %,
    3.0 % and 3.1 % before). e1 (T1) sells 1,000 every month of 2024 and 2026; in 2025 1,500
    in January and 500 in February (1,000 in the others); in 2023 13,000 in January. Each
    year's month / that year's monthly mean, averaged over the last three full years
    2024-2026: January (1 + 1.5 + 1) / 3 = 7/6, February (1 + 0.5 + 1) / 3 = 5/6, the others 1
    (2023's January, 6.5, is left out). The 2027 target is 2026's 12,000 x 1.25 = 15,000:
    January 15,000 x 7/72 = 1,458.33 -> 1,458, February 15,000 x 5/72 = 1,041.67 -> 1,042
    (the unit left over goes to the larger remainder), the others 15,000 / 12 = 1,250."""
    emp = pd.DataFrame({"employee_id": ["e1"], "name": ["a"], "team": ["T1"], "role": "sales"})
    special = {(2023, 1): 13_000, (2025, 1): 1_500, (2025, 2): 500}
    rows = [("e1", f"{y}-{m:02d}-15", special.get((y, m), 1000)) for y in range(2023, 2027) for m in range(1, 13)]
    t = targets_from_history({"employees": emp, "orders": _orders(rows)}, year=2027, uplift=0.25,
                             settings=TargetSettings(promotions=[]))
    month = _teams(t).set_index("period")["target"]
    assert month.sum() == 15_000
    assert month["2027-01"] == 1458 and month["2027-02"] == 1042
    assert (month.drop(["2027-01", "2027-02"]) == 1250).all()
    assert "months by the average season of 2024, 2025 and 2026; by team: T1 15,000 (+25.0% on its 2026)" \
        in t.attrs["basis"][0]


def _named_team() -> dict:
    """2026: 吴霞 (0001) sells 1,000 and 张伟 (0002) 2,000 a month in 华中一组, 李娜 (0003) 1,000
    in 华中二组; 王芳 (0017, 华中二组) worked all year and sold nothing; 刘洋 (0018, 华中二组)
    joins on 2027-01-01."""
    emp = pd.DataFrame({"employee_id": ["0001", "0002", "0003", "0017", "0018"],
                        "name": ["吴霞", "张伟", "李娜", "王芳", "刘洋"],
                        "team": ["华中一组", "华中一组", "华中二组", "华中二组", "华中二组"], "role": "sales",
                        "hire_date": pd.to_datetime([None, None, None, None, "2027-01-01"])})
    rows = [(e, f"2026-{m:02d}-15", a) for m in range(1, 13) for e, a in (("0001", 1000), ("0002", 2000),
                                                                           ("0003", 1000))]
    return {"employees": emp, "orders": _orders(rows)}


def test_target_notes_name_people_and_say_it_in_chinese():
    """A Chinese consultant read, in English only, '0001 (华中一组), ... 0017 (华中二组) had no
    revenue ...' and had to look up who 0017 is. The notes name people (王芳（华中二组）in
    Chinese, 王芳 (0017, 华中二组) in English) and every line has a Chinese text. By hand:
    12 x 4,000 x 1.25 = 60,000 a year, 5,000 a month; 刘洋 takes the median of 华中二组
    (李娜's 1,000 and 王芳's 0: 500), so of the weights 1,000, 2,000, 1,000, 0 and 500 华中一组
    gets 3,000 / 4,500 of 5,000 a month, 3,333 (39,996 a year: +11.1 % on its 36,000), and
    华中二组 1,667 (20,004: +66.7 % on 12,000), of which 刘洋 556 (1,667 x 500 / 1,500 =
    555.67), 6,672 a year."""
    t = targets_from_history(_named_team(), year=2027, uplift=0.25,
                             settings=TargetSettings(promotions=[], new_hire_ramp_months=0))
    [basis] = t.attrs["basis"]
    assert basis.zh == (
        "2027 年销售额：公司目标 60,000 = 12 × 4,000.00（2026 年经季节调整的月均水平）× 1.25（增长 25%），"
        "按每人自己的水平分到人；各月按 2026 年的季节规律；各团队：华中一组 39,996（较其 2026 年 +11.1%），"
        "华中二组 20,004（较其 2026 年 +66.7%）。")
    assert basis.startswith("revenue 2027: the company's target 60,000 = 12 x 4,000.00 (its monthly level of 2026")
    follows, nothing, newcomer = t.attrs["notes"]
    assert follows.zh == "刘洋（华中二组）在 2026 年没有一个完整月份的销售额记录：其目标参照团队「华中二组」的水平中位数。"
    assert follows.startswith("刘洋 (0018, 华中二组) has no revenue history in a whole month of 2026: ")
    assert nothing.startswith("王芳 (0017, 华中二组) had no revenue in the whole months of 2026 that the targets follow")
    assert nothing.zh.startswith("王芳（华中二组）在目标所参照的 2026 年各完整月份中没有销售额，所以 2027 年每个月的"
                                 "销售额目标都是 0。")
    assert newcomer.startswith("刘洋 (0018, 华中二组) has no revenue record in a whole month of 2026 and takes 6,672")
    assert newcomer.zh.startswith("刘洋（华中二组）在 2026 年没有一个完整月份的销售额记录，分走了 2027 年公司目标 60,000 "
                                  "中的 6,672；")
    for text in [basis.zh, follows.zh, nothing.zh, newcomer.zh]:  # no English sentence punctuation
        assert not re.search(r"[(),;:]\s*[^\x00-\x7f]|[^\x00-\x7f]\s*[(),;:]", re.sub(r"\([^()]*\)", "", text)), text
    # a person whose name is their id (or who has none) is named by the id
    data = _named_team()
    data["employees"]["name"] = ["0001", "张伟", "李娜", None, "刘洋"]
    t = targets_from_history(data, year=2027, uplift=0.25, settings=TargetSettings(promotions=[], new_hire_ramp_months=0))
    assert t.attrs["notes"][1].startswith("0017 (华中二组) had no revenue")
    assert t.attrs["notes"][1].zh.startswith("0017（华中二组）在目标所参照的")


def test_a_stale_history_warning_has_a_chinese_text(flat_history, flat_monthly):
    t = make_targets(flat_history, None, year=2029, history=flat_monthly)
    assert t.attrs["warnings"][0].zh == (
        "销售额数据止于 2026-12，比 2029 年早一年以上：2027 与 2028 年没有数据，所以 2029 年的目标是截至 2026-12 的水平 × "
        "1.25（增长 25%），中间这段时间不计。请检查 --year（是要设 2027 年的目标吗？），或载入 2028 年的数据。")


@pytest.fixture
def traffic_data() -> dict:
    """Sessions every day of 2027-01..04 (one person, one channel): 100 a day in January to
    March (3,100, 2,800 and 3,100: a mean of 3,000), 110 a day on 1-20 April and 500 a day
    from 21 April; revenue targets of 1,000 a month for May to December."""
    emp = pd.DataFrame({"employee_id": ["e1"], "name": ["a"], "team": ["T1"], "role": "sales"})
    days = pd.date_range("2027-01-01", "2027-04-30", freq="D")
    sessions = [100.0 if d.month < 4 else 110.0 if d.day <= 20 else 500.0 for d in days]
    traffic = pd.DataFrame({"date": days, "channel": "百度", "employee_id": "e1", "sessions": sessions,
                            "unique_visitors": 1.0, "page_views": 1.0, "spend": 10.0})
    targets = pd.DataFrame({"period": [f"2027-{m:02d}" for m in range(5, 13)], "employee_id": "e1", "team": "T1",
                            "kpi": "revenue", "target": 1000.0})
    return {"employees": emp, "orders": _orders([("e1", "2027-01-10", 100, "C1")]), "traffic": traffic,
            "targets": targets}


def test_calibration_of_an_open_period_compares_the_same_days_of_the_baseline(traffic_data):
    """Data to 20 April: 2,200 sessions in 20 of 30 days. Against the full months' 3,000 that
    read as -26.7 % and a rule at -20 % fired. Like for like, April 1-20 is set against 1-20
    January, February and March, 20 × 100 = 2,000 each: 2,200 / 2,000 − 1 = +10 %, and the
    rule does not fire. The 5,000 sessions after 20 April are not known on that day and do
    not count."""
    rule = {"name": "traffic down", "kpi": "sessions", "change_at_least": -0.2, "baseline_periods": 3,
            "adjust": {"revenue": -0.05}}
    new, log = calibrate(traffic_data["targets"], traffic_data, "2027-04", [rule], as_of="2027-04-20")
    r = log.iloc[0]
    assert (r["value_to_date"], r["days_elapsed"], r["days_in_period"]) == (2200, 20, 30)
    assert r["value"] == 2200 and r["baseline"] == pytest.approx(2000)
    assert r["change"] == pytest.approx(0.1) and not r["fired"]
    assert r["baseline_periods"] == "2027-01 .. 2027-03" and r["baseline_used"] == 3
    assert r["baseline_days"] == ("2027-01-01 .. 2027-01-20, 2027-02-01 .. 2027-02-20, "
                                  "2027-03-01 .. 2027-03-20")
    pd.testing.assert_frame_equal(new, traffic_data["targets"])
    # the whole month (no as_of): 2,200 + 10 × 500 = 7,200 against the whole months' 3,000
    _, closed = calibrate(traffic_data["targets"], traffic_data, "2027-04", [rule])
    assert closed.iloc[0][["value", "value_to_date", "days_elapsed", "baseline_days"]].tolist() == [7200, 7200, 30, ""]
    assert closed.iloc[0]["baseline"] == pytest.approx(3000)
    # a ratio (CAC) over the same days too: 20 days of spend (200) over the one new customer
    # of 10 January (the baseline, 2026-10 .. 12, has no data: the rule cannot be judged)
    cac = {"name": "cac", "kpi": "cac", "change_at_least": 0.3, "adjust": {"revenue": -0.05}}
    _, log = calibrate(traffic_data["targets"], traffic_data, "2027-01", [cac], as_of="2027-01-20")
    assert log.iloc[0][["value_to_date", "value"]].tolist() == [200, 200]


def test_calibration_leaves_out_baseline_periods_the_data_do_not_fully_cover(traffic_data):
    """The data begin on 2027-01-01. A rule on May with a 6-month baseline (2026-11 .. 2027-04)
    uses only January to April, the months the data cover: sessions (3,100 + 2,800 + 3,100 +
    7,200) / 4 = 4,050, not that sum over 6 months (2,700), nor with the empty months as 0. May
    (January's 3,100 again) reads 3,100 / 4,050 − 1 = −23.5 %, and the reason names the 4
    months used. On January, none of 2026-07 .. 2026-12 has data: the rule cannot be judged,
    and says why."""
    may = traffic_data["traffic"].assign(date=lambda x: x["date"] + pd.DateOffset(months=4))
    may = may[may["date"].dt.month == 5]
    data = {**traffic_data, "traffic": pd.concat([traffic_data["traffic"], may], ignore_index=True)}
    rule = {"name": "traffic up", "kpi": "sessions", "change_at_least": 0.5, "baseline_periods": 6,
            "adjust": {"revenue": 0.1}}
    _, log = calibrate(data["targets"], data, "2027-05", [rule])
    r = log.iloc[0]
    assert r["baseline"] == pytest.approx(4050) and r["baseline_used"] == 4
    assert r["value"] == 3100 and r["change"] == pytest.approx(3100 / 4050 - 1)
    assert r["baseline_periods"] == "2027-01 .. 2027-04"
    assert "mean of the 4 of the previous 6 that the data fully cover, 2027-01 .. 2027-04" in r["reason"]
    _, log = calibrate(data["targets"], data, "2027-01", [rule])
    r = log.iloc[0]
    assert not r["fired"] and r["baseline_used"] == 0 and pd.isna(r["baseline"])
    assert r[["missing", "missing_zh"]].tolist() == [
        "the data (they begin on 2027-01-01) cover none of the 6 baseline periods before 2027-01 "
        "(2026-07 .. 2026-12) in full, so there is nothing to compare with",
        "数据始于 2027-01-01，没有完整覆盖 2027-01 之前的 6 个基准期（2026-07 至 2026-12 期间）中的任何一期，无从比较"]


def test_a_calibration_rule_that_cannot_be_judged_says_what_the_data_lack(traffic_data):
    """Without traffic, CAC cannot be computed: the log says so (the report words it), not
    merely that the rule did not fire."""
    data = {k: v for k, v in traffic_data.items() if k != "traffic"}
    rule = {"name": "cac", "kpi": "cac", "change_at_least": 0.3, "adjust": {"revenue": -0.05}}
    _, log = calibrate(data["targets"], data, "2027-04", [rule])
    r = log.iloc[0]
    assert not r["fired"] and pd.isna(r["change"])
    assert r[["missing", "missing_zh"]].tolist() == [
        "the data have no table 'traffic' to compute customer acquisition cost", "数据中缺少「流量」表，无法计算客户获取成本"]
    # with traffic but no new customer in April: nothing to divide by
    _, log = calibrate(traffic_data["targets"], traffic_data, "2027-04", [rule])
    assert log.iloc[0][["missing", "missing_zh"]].tolist() == [
        "Customer acquisition cost has no value in 2027-04 (no records, or nothing to divide by)",
        "客户获取成本在 2027-04 没有数值（没有记录，或分母为 0）"]
    _, log = calibrate(traffic_data["targets"], traffic_data, "2027-01", [{**rule, "kpi": "sessions"}])
    assert log.iloc[0][["missing", "missing_zh"]].tolist() == [
        "the data (they begin on 2027-01-01) cover none of the 3 baseline periods before 2027-01 "
        "(2026-10 .. 2026-12) in full, so there is nothing to compare with",
        "数据始于 2027-01-01，没有完整覆盖 2027-01 之前的 3 个基准期（2026-10 至 2026-12 期间）中的任何一期，无从比较"]


def test_calibrated_targets_are_rounded_as_the_targets_are_written(cac_data):
    """Revenue targets written in hundreds (e1 31,100, e2 18,900, e3 20,000; teams T1 50,000,
    T2 20,000) lowered by 10 % stay in hundreds: the company's 70,000 becomes 63,000, T1
    45,000 and T2 18,000, and T1's people 27,990 and 17,010 become 28,000 and 17,000 (the
    largest remainder keeps their sum, 45,000); new-customer targets of 6, 4 and 5 keep ones."""
    from salesperf_kit.params import CalibrationRule

    per = {"e1": 31_100.0, "e2": 18_900.0, "e3": 20_000.0}
    rows = [(f"2027-{m:02d}", e, "T1" if e != "e3" else "T2", "revenue", v) for m in (5, 6) for e, v in per.items()]
    rows += [(f"2027-{m:02d}", None, t, "revenue", v) for m in (5, 6) for t, v in (("T1", 50_000.0), ("T2", 20_000.0))]
    targets = pd.concat([cac_data["targets"], pd.DataFrame(rows, columns=cac_data["targets"].columns)],
                        ignore_index=True)
    rule = CalibrationRule(name="CAC +30%", kpi="cac", change_at_least=0.3, adjust={"revenue": -0.10,
                                                                                   "new_customers": -0.2})
    new, _ = calibrate(targets, cac_data, "2027-04", [rule])
    may = new[(new["period"] == "2027-05") & (new["kpi"] == "revenue")]
    assert _people(may).set_index("employee_id")["target"].to_dict() == {"e1": 28_000.0, "e2": 17_000.0, "e3": 18_000.0}
    assert _teams(may).set_index("team")["target"].to_dict() == {"T1": 45_000.0, "T2": 18_000.0}
    may = new[(new["period"] == "2027-05") & (new["kpi"] == "new_customers")]
    assert _people(may).set_index("employee_id")["target"].to_dict() == {"e1": 5.0, "e2": 3.0, "e3": 4.0}
