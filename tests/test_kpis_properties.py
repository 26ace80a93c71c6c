"""Properties of the KPI engine on random valid data (hypothesis).

Small datasets: at most 5 employees, 30 orders and 20 calls around October 2026. The
examples are derandomised so that a run is reproducible.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesperf_kit.catalogue import label
from salesperf_kit.kpis import REGISTRY, compute_kpis
from salesperf_kit.kpis._facts import _returning_buyers
from salesperf_kit.periods import parse_period

START = pd.Timestamp("2026-08-01")

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# shares and rates that can only lie in [0, 1] on valid data
UNIT_INTERVAL = ["connect_rate", "repurchase_rate", "returning_share", "retention_rate", "retention_30d",
                 "retention_90d", "refund_rate", "big_customer_share", "collection_rate", "intent_rate", "win_rate"]
# sums and counts
SUMS = ["revenue", "units", "orders", "new_customers", "received_revenue", "calls", "effective_talk_minutes",
        "intent_customers", "team_revenue", "new_markets"]
NON_NEGATIVE = ["aov", "revenue_per_buyer", "ltv", "avg_talk_seconds", "processing_hours", "complaint_rate"]
KPIS = UNIT_INTERVAL + SUMS + NON_NEGATIVE + ["margin", "profit", "growth", "close_rate", "aov_uplift"]


@st.composite
def datasets(draw):
    n_emp = draw(st.integers(1, 5))
    ids = [f"E{i}" for i in range(n_emp)]
    # a manager tree: everyone reports to someone listed before them (or to nobody)
    managers = [None] + [draw(st.sampled_from([None, *ids[:i]])) for i in range(1, n_emp)]
    employees = pd.DataFrame({"employee_id": ids, "name": [f"P{i}" for i in range(n_emp)],
                              "team": [draw(st.sampled_from(["T1", "T2"])) for _ in ids],
                              "role": "sales", "manager_id": managers})
    order_rows = draw(st.lists(st.tuples(
        st.sampled_from(ids), st.integers(0, 7),            # employee, customer
        st.integers(0, 120), st.integers(0, 23),            # day after 1 Aug, hour
        st.integers(0, 1000), st.floats(0, 2),              # amount, cost as a share of it
        st.integers(0, 5),                                  # quantity
        st.sampled_from(["completed", "completed", "cancelled", "refunded"]),
        st.floats(0, 1), st.one_of(st.none(), st.integers(0, 40)),   # paid share, days to payment
        st.integers(0, 40), st.one_of(st.none(), st.integers(0, 72)),  # days to refund, hours to ship
        st.sampled_from(["A", "B"]), st.sampled_from(["East", "West", "North"]),
    ), max_size=30))
    orders = pd.DataFrame([{
        "order_id": f"o{i}", "employee_id": e, "customer_id": f"c{c}",
        "order_date": START + pd.Timedelta(days=d, hours=h), "amount": float(a), "cost": round(a * cf, 2),
        "quantity": float(q), "status": s,
        "paid_amount": None if pd_ is None else round(a * pf, 2),
        "paid_date": None if pd_ is None else START + pd.Timedelta(days=d + pd_),
        "refunded_at": START + pd.Timedelta(days=d + rd) if s == "refunded" else None,
        "shipped_at": None if sh is None else START + pd.Timedelta(days=d, hours=h + sh),
        "customer_tier": tier, "region": region,
    } for i, (e, c, d, h, a, cf, q, s, pf, pd_, rd, sh, tier, region) in enumerate(order_rows)],
        columns=["order_id", "employee_id", "customer_id", "order_date", "amount", "cost", "quantity", "status",
                 "paid_amount", "paid_date", "refunded_at", "shipped_at", "customer_tier", "region"])
    for col in ("order_date", "paid_date", "refunded_at", "shipped_at"):
        orders[col] = pd.to_datetime(orders[col])
    for col in ("amount", "cost", "quantity", "paid_amount"):
        orders[col] = orders[col].astype("float64")
    call_rows = draw(st.lists(st.tuples(
        st.sampled_from(ids), st.integers(0, 7), st.integers(0, 120), st.integers(0, 600), st.booleans(),
        st.sampled_from(["none", "intent", "deal", "complaint"])), max_size=20))
    calls = pd.DataFrame([{
        "call_id": f"k{i}", "employee_id": e, "customer_id": f"c{c}", "started_at": START + pd.Timedelta(days=d),
        # an unconnected call lasts 0 s and has no outcome
        "duration_s": float(dur if conn else 0), "connected": conn, "outcome": out if conn else "none",
    } for i, (e, c, d, dur, conn, out) in enumerate(call_rows)],
        columns=["call_id", "employee_id", "customer_id", "started_at", "duration_s", "connected", "outcome"])
    calls["started_at"] = pd.to_datetime(calls["started_at"])
    calls["duration_s"] = calls["duration_s"].astype("float64")
    calls["connected"] = calls["connected"].astype(bool)
    period = draw(st.sampled_from(["2026-09", "2026-10", "2026-Q4"]))
    options = {"refund_handling": draw(st.sampled_from(["exclude", "clawback"])),
               "effective_talk_seconds": draw(st.sampled_from([0, 60, 120]))}
    return {"employees": employees, "orders": orders, "calls": calls}, period, options


def _shuffled(data: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {k: v if k == "employees" else v.iloc[rng.permutation(len(v))].reset_index(drop=True)
            for k, v in data.items()}


@SETTINGS
@given(datasets())
def test_kpi_properties(case):
    data, period, options = case
    res = compute_kpis(data, period, kpis=KPIS, options=options)
    # a table whose rows all lie outside the period gives its KPIs no value, with a notice
    uncovered = res.facts.attrs["uncovered"]
    # and retention windows (30 / 90 days after the period) that the orders do not reach are said
    windows = [n for n in res.notices if "-day windows" in str(n)]
    # and, under clawback, the period's orders refunded after it closed
    later = [n for n in res.notices if "refunded after it closed" in str(n)]
    assert res.kpis == KPIS and len(res.notices) == len(uncovered) + len(windows) + len(later)
    p = parse_period(period)
    o = data["orders"]
    late = (o["status"] == "refunded") & (o["refunded_at"] >= p.end) & p.contains(o["order_date"])
    assert len(later) == int(options["refund_handling"] == "clawback" and "orders" not in uncovered and late.any())
    last = pd.to_datetime(data["orders"]["order_date"]).max().normalize() if len(data["orders"]) else None
    open_ = [k for k, n in (("retention_30d", 30), ("retention_90d", 90)) if k in KPIS
             and "orders" not in uncovered and last is not None and last < p.last_day + pd.Timedelta(days=n)]
    assert [str(n).split(":")[0] for n in windows] == [label(k, "en") for k in open_]  # (the KPI's name)
    values = res.values().astype("float64")
    ids = list(data["employees"]["employee_id"])

    # every employee once, no infinity anywhere
    assert sorted(values.index) == sorted(ids)
    assert not np.isinf(values.to_numpy()).any()

    for kpi in UNIT_INTERVAL:
        v = values[kpi].dropna()
        assert ((v >= 0) & (v <= 1 + 1e-12)).all(), kpi
    for kpi in SUMS:
        if uncovered & set(REGISTRY[kpi].tables):
            assert values[kpi].isna().all(), kpi
        else:
            assert (values[kpi] >= 0).all(), kpi  # and never NaN
    for kpi in NON_NEGATIVE:
        assert (values[kpi].dropna() >= 0).all(), kpi
    assert (values["margin"].dropna() <= 1 + 1e-12).all()  # cost >= 0
    assert (values["retention_30d"].fillna(0) <= values["retention_90d"].fillna(0) + 1e-12).all()
    # buyers <= orders, so revenue per buyer >= revenue per order
    both = values[["aov", "revenue_per_buyer"]].dropna()
    assert (both["revenue_per_buyer"] >= both["aov"] - 1e-9).all()
    assert (values["team_revenue"] >= values["revenue"] - 1e-9)[values["revenue"].notna()].all()
    # win rate: the period's orders not cancelled over all of them, whatever the refund handling
    if "orders" not in uncovered:
        o = data["orders"]
        mine = o[(o["order_date"] >= p.start) & (o["order_date"] < p.end)]
        parts = res.long[res.long["kpi"] == "win_rate"].set_index("employee_id")
        closed = mine.groupby("employee_id").size().reindex(ids, fill_value=0)
        won = mine[mine["status"] != "cancelled"].groupby("employee_id").size().reindex(ids, fill_value=0)
        assert parts["denominator"].reindex(ids).tolist() == closed.astype(float).tolist()
        assert parts["numerator"].reindex(ids).tolist() == won.astype(float).tolist()

    # the company roll-up sums the people
    company = res.rollup("company").iloc[0]
    for kpi in ("revenue", "orders", "units", "calls", "received_revenue", "new_customers"):
        assert company[kpi] == pytest.approx(values[kpi].sum(min_count=1), rel=1e-9, abs=1e-9, nan_ok=True), kpi
    assert company["team_revenue"] == pytest.approx(values["revenue"].sum(min_count=1), rel=1e-9, abs=1e-9,
                                                    nan_ok=True)
    orders = values["orders"].sum()
    want = values["revenue"].sum() / orders if orders else np.nan
    assert company["aov"] == pytest.approx(want, rel=1e-9, nan_ok=True)



@settings(SETTINGS, max_examples=6)
@given(datasets())
def test_kpis_are_deterministic(case):
    data, period, options = case
    res = compute_kpis(data, period, kpis=KPIS, options=options)
    # the same figures whatever the order of the order and call rows
    again = compute_kpis(_shuffled(data, len(data["orders"])), period, kpis=KPIS, options=options)
    pd.testing.assert_frame_equal(res.wide, again.wide, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(res.rollup("team"), again.rollup("team"), check_exact=False, rtol=1e-12)


@settings(SETTINGS, max_examples=15)
@given(datasets())
def test_the_company_rollup_is_everyone_as_one_person(case):
    # the company's figures are those of one person who made every order and call: a
    # customer served by several people is one buyer of the company, a region one market
    data, period, options = case
    res = compute_kpis(data, period, kpis=KPIS, options=options)
    one = {"employees": pd.DataFrame({"employee_id": ["ALL"], "name": ["All"], "team": ["T"], "role": ["sales"]}),
           **{t: data[t].assign(employee_id="ALL") for t in ("orders", "calls")}}
    merged = compute_kpis(one, period, kpis=KPIS, options=options).values().iloc[0]
    company = res.rollup("company").iloc[0]
    for kpi in KPIS:
        if kpi == "team_revenue":  # (the one person's subtree is everyone)
            continue
        assert company[kpi] == pytest.approx(merged[kpi], rel=1e-9, abs=1e-9, nan_ok=True), kpi
    # per person, the roll-up's count of returning buyers agrees with the one the history pass gives
    if "orders" not in res.facts.attrs["uncovered"]:
        again = _returning_buyers(res._ctx).set_index("employee_id")["returning_buyers"]
        got = again.reindex(res.facts.index).fillna(0.0)
        pd.testing.assert_series_equal(got, res.facts["returning_buyers"], check_names=False, check_dtype=False)
