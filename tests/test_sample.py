"""Tests of the demo data generator (salesperf_kit.sample)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from salesperf_kit import sample, schemas
from salesperf_kit.exceptions import SalesperfError

EXPECTED_TABLES = {
    "online": {"employees", "orders", "traffic", "service", "activities", "targets"},
    "telesales": {"employees", "orders", "calls", "service", "reviews", "activities", "targets"},
    "ecommerce": {"employees", "orders", "traffic", "service", "inventory", "activities", "targets"},
    "direct": {"employees", "orders", "reviews", "activities", "targets"},
}
EXPECTED_ROLES = {
    "online": {"team_lead", "operations", "customer_service", "ad_buyer", "promotion", "live_host"},
    "telesales": {"team_lead", "agent"},
    "ecommerce": {"shop_operator", "customer_service"},
    "direct": {"director", "manager", "senior_rep", "rep"},
}
# the date of each fact row, for "nothing before the hire date"
ROW_DATE = {"orders": "order_date", "calls": "started_at", "traffic": "date", "service": "opened_at",
            "activities": "date", "inventory": "date"}
SMALL = {"online": {"orders": 3, "service": 2}, "telesales": {"orders": 1, "calls": 5, "service": 1},
         "ecommerce": {"orders": 3, "service": 2}, "direct": {"orders": 1}}


@pytest.fixture(scope="module")
def data():
    cache: dict[str, dict[str, pd.DataFrame]] = {}

    def get(business: str) -> dict[str, pd.DataFrame]:
        if business not in cache:
            cache[business] = sample.make_sample(business)
        return cache[business]

    return get


def _month(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m")


# --- the contract --------------------------------------------------------------------
@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_tables_pass_the_contract(data, business):
    tables = data(business)
    assert set(tables) == EXPECTED_TABLES[business]
    for name, df in tables.items():
        spec = schemas.TABLES[name]
        assert set(df.columns) <= set(spec.columns), name
        assert set(spec.required) <= set(df.columns), name
        assert len(df) > 0, name
        spec.model.validate(df, lazy=True)
    assert schemas.check_references(tables) == []


@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_column_types(data, business):
    for name, df in data(business).items():
        spec = schemas.TABLES[name]
        for col in df.columns:
            s = df[col]
            if col in spec.dates:
                assert pd.api.types.is_datetime64_any_dtype(s), (name, col)
            elif col in spec.numbers:
                assert s.dtype == np.float64, (name, col)
            elif col in spec.booleans:
                assert s.dtype == bool, (name, col)
            else:
                assert pd.api.types.is_string_dtype(s), (name, col)
    dates = {"employees": "hire_date", "orders": "paid_date", "traffic": "date", "activities": "date"}
    for name, col in dates.items():
        if name in data(business):
            s = data(business)[name][col].dropna()
            assert (s == s.dt.normalize()).all(), (name, col)
    orders = data(business)["orders"]
    assert (orders.order_date != orders.order_date.dt.normalize()).mean() > 0.9


@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_roster(data, business):
    emp = data(business)["employees"]
    assert 55 <= len(emp) <= 65
    assert 4 <= emp.team.nunique() <= 6
    assert emp.employee_id.str.fullmatch(r"E\d{4}").all()
    assert emp.name.str.fullmatch(r"[\u4e00-\u9fff]{2,3}").all()
    assert emp.name.is_unique
    assert emp.team.str.endswith("一组").all()
    assert emp.region.str.fullmatch(r"[\u4e00-\u9fff]+").all()
    assert set(emp.role) == EXPECTED_ROLES[business]
    if business in ("online", "telesales"):
        leads = emp[emp.role == "team_lead"]
        assert len(leads) == emp.team.nunique() and leads.manager_id.isna().all()
        members = emp[emp.role != "team_lead"].merge(leads[["employee_id", "team"]],
                                                     left_on="manager_id", right_on="employee_id")
        assert (members.team_x == members.team_y).all() and len(members) == len(emp) - len(leads)


# --- files -------------------------------------------------------------------------------
def test_csv_is_deterministic_and_readable(tmp_path):
    kw = {"seed": 3, "scale": 0.4, "volumes": SMALL["ecommerce"]}
    a = sample.write_sample("ecommerce", tmp_path / "a", **kw)
    b = sample.write_sample("ecommerce", tmp_path / "b", **kw)
    c = sample.write_sample("ecommerce", tmp_path / "c", **{**kw, "seed": 4})
    assert [p.name for p in a] == [f"{t}.csv" for t in sample.make_sample("ecommerce", **kw)]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(a, b))
    assert any(p.read_bytes() != q.read_bytes() for p, q in zip(a, c))
    assert not list((tmp_path / "a").glob("*.part"))

    expected = sample.make_sample("ecommerce", **kw)["orders"]
    text = (tmp_path / "a" / "orders.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    assert header.split(",") == list(expected.columns)
    assert re.search(r",\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,", first)  # order_date
    assert re.search(r",\d{4}-\d\d-\d\d,", first)  # paid_date, date only
    got = pd.read_csv(tmp_path / "a" / "orders.csv", dtype=str, keep_default_na=False)
    assert (got.order_id == expected.order_id).all()
    assert np.allclose(got.amount.astype(float), expected.amount)
    assert (pd.to_datetime(got.order_date) == expected.order_date).all()
    service = (tmp_path / "a" / "service.csv").read_text(encoding="utf-8").splitlines()
    assert {line.rsplit(",", 2)[-1] for line in service[1:]} <= {"true", "false"}
    assert any(",," in line for line in service[1:])  # missing satisfaction is an empty cell


def test_parquet_is_deterministic_sorted_and_equal_to_memory(tmp_path):
    kw = {"seed": 1, "scale": 0.4, "volumes": SMALL["telesales"]}
    a = sample.write_sample("telesales", tmp_path / "a", fmt="parquet", **kw)
    b = sample.write_sample("telesales", tmp_path / "b", fmt="parquet", **kw)
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(a, b))
    memory = sample.make_sample("telesales", **kw)
    for path in a:
        name = path.stem
        back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, memory[name], check_dtype=False)
        if name in ROW_DATE:
            assert back[ROW_DATE[name]].is_monotonic_increasing
            assert pq.ParquetFile(path).metadata.num_row_groups == 24
    assert memory["orders"].order_id.is_monotonic_increasing


def test_seed_changes_the_data():
    a = sample.make_sample("direct", seed=0, volumes=SMALL["direct"])
    b = sample.make_sample("direct", seed=1, volumes=SMALL["direct"])
    assert not a["orders"].amount.equals(b["orders"].amount)
    assert (a["employees"].employee_id == b["employees"].employee_id).all()


# --- scale and volumes ---------------------------------------------------------------
@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_scale_two_doubles_the_staff(business):
    one = sample.make_sample(business, volumes=SMALL[business])
    two = sample.make_sample(business, scale=2, volumes=SMALL[business])
    assert len(two["employees"]) == 2 * len(one["employees"])
    assert two["employees"].employee_id.is_unique
    assert two["employees"].team.nunique() == 2 * one["employees"].team.nunique()
    assert two["employees"].team.str.endswith("二组").sum() == len(one["employees"])
    assert 1.7 < len(two["orders"]) / len(one["orders"]) < 2.3
    assert schemas.check_references(two) == []


def test_small_scale_still_valid():
    tables = sample.make_sample("direct", scale=0.2, volumes=SMALL["direct"])
    assert tables["employees"].team.nunique() == 1
    assert schemas.check_references(tables) == []
    for name, df in tables.items():
        schemas.TABLES[name].model.validate(df, lazy=True)


def test_volumes_override():
    base = sample.make_sample("telesales", volumes={"orders": 2, "calls": 10, "service": 1})
    more = sample.make_sample("telesales", volumes={"orders": 6, "calls": 30, "service": 1})
    assert 2.6 < len(more["calls"]) / len(base["calls"]) < 3.4
    assert 2.4 < len(more["orders"]) / len(base["orders"]) < 3.6
    n = len(base["employees"]) * 24
    assert 0.75 < (len(base["calls"]) - 150) / (10 * n) < 1.15
    assert sample.DEFAULT_VOLUMES["telesales"]["calls"] > 10
    online = sample.make_sample("online", volumes={"orders": 4, "calls": 30})  # calls: no table
    assert 0.8 < len(online["orders"]) / (4 * len(online["employees"]) * 24) < 1.25
    assert "calls" not in online


# --- planted patterns ----------------------------------------------------------------
@pytest.mark.parametrize("business", ["online", "ecommerce"])
def test_conversion_spike(data, business):
    spike = sample.PLANTED[business]["conversion_spike"]
    orders, traffic = data(business)["orders"], data(business)["traffic"]
    n_orders = orders.groupby([_month(orders.order_date), "channel"]).size().unstack()
    sessions = traffic.groupby([_month(traffic.date), "channel"]).sessions.sum().unstack()
    conversion = n_orders / sessions
    base = spike["baseline"]
    ratio = conversion.loc["2026-10"] / conversion.loc[base].mean()
    assert ratio[spike["channel"]] >= 1.5
    assert (ratio.drop(spike["channel"]) < 1.5).all()
    ch = spike["channel"]
    assert n_orders.loc["2026-10", ch] / n_orders.loc[base, ch].mean() >= 1.6
    assert 0.85 < sessions.loc["2026-10", ch] / sessions.loc[base, ch].mean() < 1.2
    # no month before carries a jump of that size on any channel
    trailing = conversion / conversion.shift(1).rolling(3).mean()
    assert (trailing.drop(index="2026-10").iloc[3:] < 1.5).all().all()


def test_short_call_burst(data):
    burst = sample.PLANTED["telesales"]["short_calls"]
    calls = data("telesales")["calls"]
    short = calls[calls.connected & (calls.duration_s < 10)]
    per = short.groupby([_month(short.started_at), "employee_id"]).size()
    october = per.loc["2026-10"]
    assert october.idxmax() == burst["employee_id"]
    assert october.max() >= 150
    assert october.max() > 5 * october.drop(burst["employee_id"]).max()
    before = per.xs(burst["employee_id"], level="employee_id").drop("2026-10")
    assert before.max() < 30


def test_deals_are_followed_by_orders_of_the_same_agent(data):
    calls, orders = data("telesales")["calls"], data("telesales")["orders"]
    deals = calls[calls.outcome == "deal"]
    assert len(deals) > 100
    pairs = deals.merge(orders, on=["customer_id", "employee_id"])
    pairs = pairs[pairs.order_date >= pairs.started_at]
    assert set(pairs.call_id) == set(deals.call_id)
    connected = calls[calls.connected]
    assert 0.3 < len(connected) / len(calls) < 0.65
    assert set(calls.outcome) == set(schemas.CALL_OUTCOMES)
    assert (calls.loc[~calls.connected, "duration_s"] == 0).all()


@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_refunds_after_the_period_closed(data, business):
    orders = data(business)["orders"]
    refunded = orders[orders.status == "refunded"]
    assert refunded.refunded_at.notna().all()
    assert orders.loc[orders.status != "refunded", "refunded_at"].isna().all()
    assert (refunded.refunded_at >= refunded.order_date).all()
    sept = refunded[_month(refunded.order_date) == "2026-09"]
    octo = refunded[_month(refunded.order_date) == "2026-10"]
    assert (_month(sept.refunded_at) == "2026-10").sum() >= 3
    assert (_month(octo.refunded_at) == "2026-11").sum() >= 3
    assert refunded.refunded_at.max() <= pd.Timestamp("2026-11-15")
    shares = orders.status.value_counts(normalize=True)
    assert 0.005 < shares["cancelled"] < 0.08 and 0.005 < shares["refunded"] < 0.1
    cancelled = orders[orders.status == "cancelled"]
    assert (cancelled.paid_amount == 0).all() and cancelled.paid_date.isna().all()


def test_direct_hierarchy_and_mentors(data):
    emp = data("direct")["employees"].set_index("employee_id")
    boss = emp.manager_id.dropna().to_dict()
    depth = {}
    for start in emp.index:
        node, seen = start, [start]
        while node in boss:
            node = boss[node]
            assert node not in seen, "cycle"
            seen.append(node)
        depth[start] = len(seen)
    assert max(depth.values()) == sample.PLANTED["direct"]["hierarchy_depth"] == 4
    assert emp.manager_id.isna().sum() == 1 and emp.loc["E0001", "role"] == "director"
    level = {"director": 1, "manager": 2, "senior_rep": 3, "rep": 4}
    assert all(depth[i] == level[emp.loc[i, "role"]] for i in emp.index)
    mentees = emp[emp.mentor_id.notna()]
    assert mentees.index.tolist() == sorted(sample.PLANTED["direct"]["mentors"])
    assert (emp.loc[mentees.mentor_id, "role"] == "senior_rep").all()
    assert (mentees.mentor_id != mentees.manager_id).all()
    assert (mentees.hire_date >= "2025-01-01").all()
    act = data("direct")["activities"]
    mentoring = act[act.activity == "mentoring"].groupby("employee_id")["count"].sum()
    assert mentoring.reindex(mentees.mentor_id.unique()).min() > 0


@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_mid_window_hires_have_no_earlier_records(data, business):
    tables = data(business)
    emp = tables["employees"]
    hires = emp[emp.hire_date >= sample.WINDOW_START]
    assert dict(zip(hires.employee_id, _month(hires.hire_date))) == sample.PLANTED[business]["hires"]
    assert (_month(hires.hire_date) >= "2025-01").all() and len(hires) >= 4
    hired = emp.set_index("employee_id").hire_date
    for name, col in ROW_DATE.items():
        if name in tables:
            df = tables[name].dropna(subset=["employee_id"])
            assert (df[col] >= df.employee_id.map(hired)).all(), name
    for name in ("targets", "reviews"):
        if name in tables:
            df = tables[name].dropna(subset=["employee_id"])
            assert (df.period >= _month(df.employee_id.map(hired))).all(), name
    orders = tables["orders"]
    late = orders[orders.employee_id.isin(hires.employee_id)]
    assert len(late) > 0


def test_brushing_and_duplicates(data):
    orders = data("ecommerce")["orders"]
    brush = sample.PLANTED["ecommerce"]["brushing"]
    window = orders[(orders.order_date >= brush["start"]) & (orders.order_date <= brush["end"])]
    per = window.groupby(["customer_id", "employee_id"]).size()
    assert per.max() >= 20 and per.idxmax()[1] == brush["employee_id"]
    assert window[window.customer_id == per.idxmax()[0]].amount.max() < 20
    for dup in sample.PLANTED["ecommerce"]["duplicates"]:
        t = pd.Timestamp(dup["order_date"])
        rows = orders[(orders.employee_id == dup["employee_id"]) & (orders.amount == dup["amount"])
                      & (orders.order_date >= t) & (orders.order_date < t + pd.Timedelta(minutes=1))]
        assert len(rows) == 2 and rows.customer_id.nunique() == 1 and rows.order_id.is_unique


def test_ecommerce_shipping_and_inventory(data):
    tables = data("ecommerce")
    orders, emp, inv = tables["orders"], tables["employees"], tables["inventory"]
    shipped = orders.dropna(subset=["shipped_at"])
    assert (shipped.shipped_at > shipped.order_date).all()
    assert orders.loc[orders.status == "cancelled", "shipped_at"].isna().all()
    hours = (shipped.shipped_at - shipped.order_date).dt.total_seconds() / 3600
    assert 6 < hours.median() < 48
    owners = set(emp.loc[emp.role == "shop_operator", "employee_id"])
    assert set(inv.employee_id) == owners
    assert set(tables["traffic"].employee_id) == owners
    assert (inv.stock_value > 0).all() and inv.date.dt.day_of_week.eq(0).all()


def test_direct_orders(data):
    orders = data("direct")["orders"]
    assert set(orders.customer_tier) == {"A", "B", "C"}
    assert orders.groupby("customer_id").customer_tier.nunique().max() == 1
    assert orders.groupby("customer_id").region.nunique().max() == 1
    big = orders[orders.customer_tier == "A"].amount.median()
    assert big > 3 * orders[orders.customer_tier == "C"].amount.median()
    referred = orders.dropna(subset=["referred_by"])
    assert len(referred) > 20 and referred.referred_by.isin(orders.customer_id).all()
    first = orders.groupby("customer_id").order_date.min()
    assert (referred.referred_by.map(first) < referred.customer_id.map(first)).all()
    part = (orders.paid_amount > 0) & (orders.paid_amount < orders.amount)
    assert part.mean() > 0.05
    assert ((orders.paid_date - orders.order_date.dt.normalize()).dt.days > 5).mean() > 0.1
    unpaid = sample.PLANTED["direct"]["unpaid"]
    mine = orders[(orders.employee_id == unpaid["employee_id"]) & (orders.status == "completed")]
    late = mine[_month(mine.order_date).isin(unpaid["periods"])]
    early = mine[_month(mine.order_date) < "2026-06"]
    assert (late.paid_amount == 0).mean() > 0.4 > (early.paid_amount == 0).mean()


@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_customers_come_back(data, business):
    orders = data(business)["orders"]
    pairs = pd.DataFrame({"customer": orders.customer_id, "month": _month(orders.order_date)})
    months = pairs.drop_duplicates().customer.value_counts()
    assert (months >= 2).mean() > 0.1
    assert len(orders) / orders.customer_id.nunique() > 1.3
    assert orders.customer_id.str.fullmatch(r"C\d{6,}").all()
    assert orders.order_id.str.fullmatch(r"O\d{8,}").all()
    assert orders.groupby("customer_id").employee_id.nunique().max() == 1


@pytest.mark.parametrize("business", ["online", "ecommerce"])
def test_seasonality(data, business):
    orders = data(business)["orders"]
    revenue = orders[orders.status == "completed"].groupby(_month(orders.order_date)).amount.sum()
    assert revenue["2025-11"] > 1.3 * revenue[["2025-09", "2025-10"]].mean()
    assert revenue["2026-06"] > 1.2 * revenue[["2026-04", "2026-05"]].mean()
    day = orders.groupby(orders.order_date.dt.normalize()).size()
    assert day.idxmax() in (pd.Timestamp("2024-11-11"), pd.Timestamp("2025-11-11"))


@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_stars_and_weak_performers(data, business):
    tables = data(business)
    emp = tables["employees"].set_index("employee_id")
    orders = tables["orders"]
    revenue = (orders[orders.status == "completed"].groupby("employee_id").amount.sum()
               .reindex(emp.index, fill_value=0))
    old = emp.hire_date < sample.WINDOW_START
    for who, high in [(s, True) for s in sample.PLANTED[business]["stars"]] + \
                     [(w, False) for w in sample.PLANTED[business]["weak"]]:
        peers = revenue[old & (emp.role == emp.loc[who, "role"])]
        if high:
            assert revenue[who] > 1.4 * peers.median(), who
        else:
            assert revenue[who] < 0.7 * peers.median(), who


@pytest.mark.parametrize("business", sample.BUSINESSES)
def test_targets(data, business):
    tables = data(business)
    targets, emp, orders = tables["targets"], tables["employees"], tables["orders"]
    assert targets.period.str.fullmatch(r"\d{4}-\d\d").all()
    assert targets.period.is_monotonic_increasing
    team = targets[targets.employee_id.isna()]
    person = targets[targets.employee_id.notna()]
    assert team.team.notna().all() and person.team.isna().all()
    money = "received_revenue" if business == "direct" else "revenue"  # direct pays on money received
    assert set(team.team) == set(emp.team) and set(team.kpi) == {money}
    assert team.groupby("team").period.nunique().eq(24).all()
    assert len(set(person.kpi)) == 2 and money in set(person.kpi)
    revenue = person[person.kpi == money]
    old = emp.loc[emp.hire_date < sample.WINDOW_START, "employee_id"]
    assert revenue[revenue.employee_id.isin(old)].groupby("employee_id").size().eq(24).all()
    done = orders[orders.status == "completed"]
    actual = done.groupby(["employee_id", _month(done.order_date).rename("period")]).amount.sum()
    attainment = actual / revenue.set_index(["employee_id", "period"]).target
    assert 0.6 < attainment.median() < 1.0


def test_activities_and_reviews(data):
    for business in sample.BUSINESSES:
        act = data(business)["activities"]
        wide = act.pivot_table(index=["employee_id", "date"], columns="activity", values="count",
                               aggfunc="sum", fill_value=0)
        assert (wide.report_on_time <= wide.report_due).all()
        assert (wide.training_passed <= wide.training_taken).all()
        assert {"touch", "report_due", "compliance_violation", "info_share"} <= set(act.activity)
    for business in ("telesales", "direct"):
        reviews = data(business)["reviews"]
        assert set(reviews.reviewer_type) == set(schemas.REVIEWER_TYPES)
        assert set(reviews.criterion) == {"sales_skill", "service_quality", "collaboration"}
        assert reviews.period.str.fullmatch(r"\d{4}-\d\d").all() and reviews.period.nunique() == 24
        peers = reviews[reviews.reviewer_type == "peer"]
        assert (peers.reviewer_id != peers.employee_id).all()
        customers = reviews[reviews.reviewer_type == "customer"]
        assert customers.reviewer_id.isin(data(business)["orders"].customer_id).all()


@pytest.mark.parametrize("business", ["online", "telesales", "ecommerce"])
def test_service_tickets(data, business):
    service = data(business)["service"]
    assert 0.15 < service.satisfaction.isna().mean() < 0.45
    assert set(service.satisfaction.dropna()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert 0.005 < service.is_complaint.mean() < 0.1
    resolved = service.dropna(subset=["resolved_at"])
    assert (resolved.resolved_at >= resolved.opened_at).all()
    complaints = service[service.is_complaint].satisfaction.dropna()
    assert complaints.mean() < service[~service.is_complaint].satisfaction.mean() - 1


def test_online_traffic(data):
    traffic, emp = data("online")["traffic"], data("online")["employees"]
    owners = emp[emp.employee_id.isin(traffic.employee_id)]
    assert set(owners.role) == {"operations", "promotion", "ad_buyer", "live_host"}
    assert set(traffic.channel) == {"百度", "抖音", "微信", "小红书", "天猫"}
    assert (traffic.unique_visitors <= traffic.sessions).all()
    assert (traffic.qualified_sessions <= traffic.sessions).all()
    ranked = traffic.dropna(subset=["search_rank"])
    assert set(ranked.channel) == {"百度", "天猫"} and (ranked.search_rank >= 1).all()
    assert traffic.groupby(["date", "channel", "employee_id"]).size().max() == 1


# --- arguments ---------------------------------------------------------------------------
def test_bad_arguments(tmp_path):
    with pytest.raises(SalesperfError, match="must be one of.*'online'.*'telesales'.*'ecommerce'.*'direct'"):
        sample.make_sample("retail")
    with pytest.raises(SalesperfError, match="Did you mean 'direct'"):
        sample.write_sample("drect", tmp_path)
    with pytest.raises(SalesperfError, match="`fmt`.*'csv', 'parquet'"):
        sample.write_sample("online", tmp_path / "x", fmt="xlsx")
    assert not (tmp_path / "x").exists()
    with pytest.raises(SalesperfError, match="`volumes`.*Did you mean 'orders'"):
        sample.make_sample("online", volumes={"order": 5})
    with pytest.raises(SalesperfError, match="volumes"):
        sample.make_sample("online", volumes={"orders": -1})
    with pytest.raises(SalesperfError, match="`scale`"):
        sample.make_sample("online", scale=0)
    with pytest.raises(SalesperfError, match="`seed`"):
        sample.make_sample("online", seed=-1)


def test_planted_facts_are_documented():
    doc = sample.__doc__
    for business, facts in sample.PLANTED.items():
        ids = set(facts["stars"]) | set(facts["weak"]) | set(facts["hires"])
        for key in ("short_calls", "brushing", "unpaid"):
            if key in facts:
                ids.add(facts[key]["employee_id"])
        ids |= {d["employee_id"] for d in facts.get("duplicates", [])}
        for i in ids:
            assert i in doc, (business, i)
        for i, month in facts["hires"].items():
            assert f"{i} ({month})" in doc, (business, i)
    assert sample.WINDOW_START == "2024-11-01" and sample.WINDOW_END == "2026-10-31"
    assert set(sample.__all__) >= {"BUSINESSES", "WINDOW_START", "WINDOW_END", "make_sample",
                                   "write_sample", "DEFAULT_VOLUMES"}


def test_written_data_record_what_was_written_and_say_when_changed(tmp_path):
    """write_sample leaves a hidden record of its files; the folder counts as generated
    until a file is edited, added or removed. The loaders do not see the record."""
    import json

    from salesperf_kit.loaders import validate_dataset

    folder = tmp_path / "direct"
    paths = sample.write_sample("direct", folder, seed=1, volumes=SMALL["direct"])
    record = json.loads((folder / sample.SAMPLE_RECORD).read_text(encoding="utf-8"))
    assert sorted(record["files"]) == sorted(p.name for p in paths)
    assert (record["business"], record["seed"], record["format"]) == ("direct", 1, "csv")
    assert sample.is_generated(folder)
    report = validate_dataset(folder)
    assert report.ok and not [p for p in report.problems if sample.SAMPLE_RECORD in str(p)]

    (folder / "~$orders.xlsx").write_bytes(b"lock")  # an Office lock file is not data
    assert sample.is_generated(folder)
    (folder / "reviews.csv").write_text((folder / "reviews.csv").read_text(encoding="utf-8") + "\n",
                                        encoding="utf-8")
    assert not sample.is_generated(folder), "an edited file is the user's data"
    sample.write_sample("direct", folder, seed=1, volumes=SMALL["direct"])
    assert sample.is_generated(folder)
    (folder / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    assert not sample.is_generated(folder), "an added file"
    (folder / "notes.csv").unlink()
    (folder / "reviews.csv").unlink()
    assert not sample.is_generated(folder), "a removed file"
    (folder / sample.SAMPLE_RECORD).write_text("{not json", encoding="utf-8")
    assert not sample.is_generated(folder)
    assert not sample.is_generated(tmp_path / "nowhere")
