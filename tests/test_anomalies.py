"""Data-fraud and anomaly alerts: each kind on a small fixture whose answer is known by hand,
no alert on a clean fixture, and the patterns planted in the demo data are found."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesperf_kit.anomalies import (
    ALERT_COLUMNS, ALERT_KINDS, Alert, alerts_frame, brushed_orders, conversion_jumps, detect, duplicate_orders,
    kpi_outliers, late_refunds, short_call_bursts,
)
from salesperf_kit.params import AnomalySettings

MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10"]


# ----------------------------------------------------------------------------- builders
def _orders(rows) -> pd.DataFrame:
    """rows: dicts with employee_id, customer_id, order_date, amount and optional extras."""
    df = pd.DataFrame(rows)
    df.insert(0, "order_id", [f"O{i:05d}" for i in range(len(df))])
    df["order_date"] = pd.to_datetime(df["order_date"])
    for col in ("refunded_at",):
        if col in df:
            df[col] = pd.to_datetime(df[col])
    return df


def _employees(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({"employee_id": [f"e{i}" for i in range(1, n + 1)], "name": [f"n{i}" for i in range(1, n + 1)],
                         "team": "T", "role": "sales"})


def _traffic(sessions: dict[tuple[str, str], float], owners: dict[str, str]) -> pd.DataFrame:
    """sessions[(channel, month)] on the 1st of the month, owned by owners[channel]."""
    rows = [{"date": pd.Timestamp(f"{m}-01"), "channel": c, "employee_id": owners[c], "sessions": float(s),
             "unique_visitors": float(s), "page_views": float(3 * s)} for (c, m), s in sessions.items()]
    return pd.DataFrame(rows)


def _channel_orders(counts: dict[tuple[str, str], int], sellers: dict[str, str]) -> list[dict]:
    rows, k = [], 0
    for (c, m), n in counts.items():
        for i in range(n):
            rows.append({"employee_id": sellers[c], "customer_id": f"C{k:05d}", "channel": c,
                         "order_date": pd.Timestamp(f"{m}-02") + pd.Timedelta(hours=7 * i + 1),
                         "amount": 120.0 + (k % 7) * 13, "status": "completed"})
            k += 1
    return rows


@pytest.fixture
def clean_shop() -> dict:
    """Six sellers, two channels converting at a steady 2 %, ordinary refunds inside the month,
    normal calls: nothing to report."""
    emp = _employees(6)
    sessions, rows, k = {}, [], 0
    for m in MONTHS:
        sessions[("A", m)] = sessions[("B", m)] = 6000.0
        for e in range(1, 7):
            for i in range(40):
                start = pd.Timestamp(f"{m}-01") + pd.Timedelta(hours=17 * i + e)
                rows.append({"employee_id": f"e{e}", "customer_id": f"C{k:05d}", "channel": "A" if e % 2 else "B",
                             "order_date": start, "amount": 100.0 + (i % 10) * 10 + 2 * e,
                             "status": "refunded" if i == 5 else "completed",
                             "refunded_at": start + pd.Timedelta(days=3) if i == 5 else pd.NaT})
                k += 1
    calls = []
    for e in range(1, 7):
        for i in range(30):
            calls.append({"call_id": f"L{e}{i:03d}", "employee_id": f"e{e}",
                          "started_at": pd.Timestamp("2026-10-05 09:00") + pd.Timedelta(minutes=37 * i),
                          "duration_s": 5.0 if i < 2 else 60.0 + 7 * i, "connected": True, "customer_id": f"K{i}"})
    return {"employees": emp, "orders": _orders(rows), "traffic": _traffic(sessions, {"A": "e1", "B": "e2"}),
            "calls": pd.DataFrame(calls)}


# ----------------------------------------------------------------------------- the Alert record
def test_alert_table_shape():
    df = alerts_frame([Alert("brushing", "C1", "2026-10", 6, 5, "why", subject_type="customer", employee_id="e1")])
    assert list(df.columns) == ALERT_COLUMNS
    assert df.iloc[0]["value"] == 6.0
    assert list(alerts_frame([]).columns) == ALERT_COLUMNS
    assert list(ALERT_KINDS) == ["conversion_jump", "brushing", "late_refund", "short_calls", "duplicate_order",
                                 "kpi_outlier"]


# ----------------------------------------------------------------------------- conversion
def test_conversion_jump_by_hand():
    # A: 40 orders / 2000 sessions (2 %) for three months, then 80 (4 %, +100 %);
    # B: +10 % only; C: +200 % but on 3 orders (below min_orders)
    counts = {("A", m): n for m, n in zip(MONTHS, [40, 40, 40, 80], strict=True)}
    counts |= {("B", m): n for m, n in zip(MONTHS, [40, 40, 40, 44], strict=True)}
    counts |= {("C", m): n for m, n in zip(MONTHS, [1, 1, 1, 3], strict=True)}
    sessions = {(c, m): (100.0 if c == "C" else 2000.0) for c in "ABC" for m in MONTHS}
    data = {"orders": _orders(_channel_orders(counts, {"A": "e1", "B": "e2", "C": "e3"})),
            "traffic": _traffic(sessions, {"A": "e1", "B": "e2", "C": "e3"})}
    out = conversion_jumps(data, "2026-10", jump=0.5, baseline_periods=3)
    assert out[["subject_type", "subject"]].values.tolist() == [["channel", "A"], ["employee", "e1"]]
    a = out.iloc[0]
    assert a["value"] == pytest.approx(0.04) and a["baseline"] == pytest.approx(0.02)
    assert a["kind"] == "conversion_jump" and a["kpi"] == "conversion_rate" and a["period"] == "2026-10"
    assert "+100%" in a["reason"] and "80 orders" in a["reason"] and "2026-07 to 2026-09" in a["reason"]
    # a reader's span of months: "to" / "至", not a programmer's ".."
    zh = conversion_jumps(data, "2026-10", jump=0.5, baseline_periods=3, language="zh").iloc[0]["reason"]
    assert "较 2026-07 至 2026-09 均值 2.00% 变化 +100%" in zh and ".." not in zh
    assert ".." not in a["reason"]
    assert "（订单 80 / 访问 2,000）" in zh
    # refunded orders count here (brushed orders are often refunded), unlike in the
    # conversion rate KPI: the reason says so. Refunding 5 of A's October orders keeps 80.
    refunded = data["orders"].copy()
    refunded.loc[refunded.index[(refunded["channel"] == "A") & (refunded["order_date"] >= "2026-10-01")][:5],
                 "status"] = "refunded"
    again = {**data, "orders": refunded}
    assert "(80 orders incl. refunded / 2,000 sessions)" in conversion_jumps(again, "2026-10").iloc[0]["reason"]
    assert "（含退款订单 80 / 访问 2,000）" in conversion_jumps(again, "2026-10", language="zh").iloc[0]["reason"]
    # the month before has no jump; a stricter threshold leaves A out
    assert conversion_jumps(data, "2026-09").empty
    assert conversion_jumps(data, "2026-10", jump=1.5).empty


def test_conversion_jump_needs_a_full_baseline():
    counts = {("A", m): n for m, n in zip(MONTHS[2:], [40, 80], strict=True)}
    sessions = {("A", m): 2000.0 for m in MONTHS[2:]}
    data = {"orders": _orders(_channel_orders(counts, {"A": "e1"})), "traffic": _traffic(sessions, {"A": "e1"})}
    assert conversion_jumps(data, "2026-10", baseline_periods=3).empty
    assert len(conversion_jumps(data, "2026-10", baseline_periods=1, by=("channel",))) == 1


# ----------------------------------------------------------------------------- brushing
def _small(customer, start, n, step_minutes, amount=9.9, employee="e1"):
    t0 = pd.Timestamp(start)
    return [{"employee_id": employee, "customer_id": customer, "amount": amount, "status": "completed",
             "order_date": t0 + pd.Timedelta(minutes=step_minutes * i)} for i in range(n)]


@pytest.fixture
def brushing_orders() -> pd.DataFrame:
    rows = (_small("C1", "2026-10-05 20:00", 6, 5)        # 6 orders in 25 minutes: a burst
            + _small("C2", "2026-10-06 10:00", 4, 2)      # only 4
            + _small("C3", "2026-10-07 08:00", 6, 61)     # an hour apart each
            + _small("C4", "2026-10-08 08:00", 6, 1, amount=80.0)  # not small
            + _small("C5", "2026-10-09 09:00", 5, 10) + _small("C5", "2026-10-09 18:00", 5, 10))  # two bursts
    return _orders(rows)


def test_brushed_orders_by_hand(brushing_orders):
    out = brushed_orders({"orders": brushing_orders}, "2026-10", min_orders=5, window_minutes=60, max_amount=50)
    assert out[["subject", "value"]].values.tolist() == [["C1", 6.0], ["C5", 5.0], ["C5", 5.0]]
    first = out.iloc[0]
    assert first["employee_id"] == "e1" and first["subject_type"] == "customer" and first["baseline"] == 5
    assert "20:00 and 20:25" in first["reason"] and "O00000" in first["reason"] and "59.4" in first["reason"]
    assert brushed_orders({"orders": brushing_orders}, "2026-09").empty


# ----------------------------------------------------------------------------- late refunds
def test_late_refunds_by_hand():
    rows = []
    # e1: 20 October orders, 5 refunded on 2-6 November (right after the close)
    for i in range(20):
        late = i < 5
        rows.append({"employee_id": "e1", "customer_id": f"A{i}", "order_date": f"2026-10-{20 + i % 10:02d}",
                     "amount": 100.0, "status": "refunded" if late else "completed",
                     "refunded_at": f"2026-11-{2 + i:02d}" if late else None})
    # e2 and e3: 40 orders each, one late refund each, one refund inside October, one weeks later
    for e in ("e2", "e3"):
        for i in range(40):
            refunded = {0: "2026-11-03", 1: "2026-10-25", 2: "2026-11-28"}.get(i)
            rows.append({"employee_id": e, "customer_id": f"{e}{i}", "order_date": f"2026-10-{1 + i % 28:02d}",
                         "amount": 100.0, "status": "refunded" if refunded else "completed", "refunded_at": refunded})
    data = {"orders": _orders(rows)}
    out = late_refunds(data, "2026-10", window_days=7, min_count=3)
    assert out["subject"].tolist() == ["e1"]
    a = out.iloc[0]
    # the others: 2 late refunds in 80 orders -> 20 x 2 / 80 = 0.5 expected for e1;
    # P(Poisson(0.5) >= 5) = 0.00017 < alpha = 0.001
    assert a["value"] == 5 and a["baseline"] == pytest.approx(0.5)
    assert "(2026-11-02 to 2026-11-06)" in a["reason"] and "O00000" in a["reason"]
    assert late_refunds(data, "2026-10", window_days=3).empty  # only 2-3 November fall within 3 days


# ----------------------------------------------------------------------------- short calls
def test_short_call_bursts_by_hand():
    rows = []

    def calls(e, n_short, n_long, n_unconnected=0):
        for i in range(n_short + n_long + n_unconnected):
            connected = i < n_short + n_long
            rows.append({"call_id": f"{e}-{i}", "employee_id": e,
                         "started_at": pd.Timestamp("2026-10-12 09:00") + pd.Timedelta(minutes=3 * i)
                         + pd.Timedelta(days=0 if i < 40 else 1),
                         "duration_s": (5.0 if i < n_short else 120.0) if connected else 0.0, "connected": connected})

    calls("e1", 30, 20)            # 60 % short
    calls("e2", 2, 48, 100)        # 4 %; unconnected calls do not count
    calls("e3", 4, 46)             # 8 %
    calls("e4", 10, 5)             # 67 % but only 10 short calls
    out = short_call_bursts({"calls": pd.DataFrame(rows)}, "2026-10", short_seconds=10, share=0.3, min_calls=20)
    assert out["subject"].tolist() == ["e1"]
    a = out.iloc[0]
    assert a["value"] == pytest.approx(0.6)
    assert a["baseline"] == pytest.approx(np.median([2 / 50, 4 / 50, 10 / 15]))
    assert "30 of 50" in a["reason"] and "2026-10-12 (30 short calls)" in a["reason"]


# ----------------------------------------------------------------------------- duplicates
def test_duplicate_orders_by_hand():
    base = {"employee_id": "e1", "customer_id": "C1", "amount": 299.0, "status": "completed"}
    rows = [
        {**base, "order_date": "2026-09-12 14:23:05"},
        {**base, "order_date": "2026-09-12 14:23:35"},               # O00001 repeats O00000
        {**base, "order_date": "2026-09-13 09:00:00"},               # next day: a real repeat purchase
        {**base, "customer_id": "C2", "order_date": "2026-09-12 14:23:05"},  # another customer
        {**base, "amount": 298.0, "order_date": "2026-09-12 14:24:00"},      # another amount
    ]
    out = duplicate_orders({"orders": _orders(rows)}, "2026-09", window_minutes=10)
    assert out[["subject", "employee_id", "value"]].values.tolist() == [["O00001", "e1", 299.0]]
    assert "repeats order O00000" in out.iloc[0]["reason"] and "30 s apart" in out.iloc[0]["reason"]
    assert duplicate_orders({"orders": _orders(rows)}, "2026-09", exclude_orders=["O00001"]).empty


def test_a_chinese_duplicate_order_reason_gives_the_gap_in_chinese_units():
    # 14:23:05 -> 14:23:35 is 30 seconds; 14:23:05 -> 14:26:05 is 3 minutes (180 s, over 120 s)
    base = {"employee_id": "e1", "customer_id": "C1", "amount": 299.0, "status": "completed"}
    rows = [{**base, "order_date": "2026-09-12 14:23:05"}, {**base, "order_date": "2026-09-12 14:23:35"}]
    zh = duplicate_orders({"orders": _orders(rows)}, "2026-09", language="zh").iloc[0]["reason"]
    assert "间隔 30 秒。" in zh and " s" not in zh
    rows[1]["order_date"] = "2026-09-12 14:26:05"
    zh = duplicate_orders({"orders": _orders(rows)}, "2026-09", language="zh").iloc[0]["reason"]
    assert "间隔 3 分钟。" in zh and "min" not in zh
    en = duplicate_orders({"orders": _orders(rows)}, "2026-09").iloc[0]["reason"]
    assert "placed 3 min apart" in en


def test_cancelled_orders_are_no_duplicates_and_dates_alone_say_same_day():
    """A CRM's lost deals (cancelled, amount 0, one row per product) repeat nothing that
    counts; on dates without a time of day, a repeat is told as on the same day, not as
    placed 0 s apart."""
    base = {"employee_id": "e1", "customer_id": "C1", "amount": 0.0, "status": "cancelled"}
    rows = [{**base, "order_date": "2026-09-12"}, {**base, "order_date": "2026-09-12"}]
    assert duplicate_orders({"orders": _orders(rows)}, "2026-09").empty
    won = [{**r, "amount": 500.0, "status": "completed"} for r in rows]
    out = duplicate_orders({"orders": _orders(won + rows)}, "2026-09")
    assert out["subject"].tolist() == ["O00001"]
    assert "amount 500, on the same day (the data give dates only). Check" in out.iloc[0]["reason"]
    zh = duplicate_orders({"orders": _orders(won)}, "2026-09", language="zh").iloc[0]["reason"]
    assert "均相同，同一天下单（数据只有日期）。" in zh and "秒" not in zh


# ----------------------------------------------------------------------------- KPI outliers
def test_an_outlier_is_told_once_with_its_figures_in_like_decimals():
    """The team revenue of someone with no one below them is their revenue: screening both
    told the same outlier twice. The figures of one sentence share their decimals, money as the report's tables
    give it (whole units beside 1,233.60: 1,234 beside 917, not 1,233.60 beside 917.12 where
    every table says 1,234), and a Chinese label that begins with a digit is set off by a space."""
    money = [900.0, 910, 914.23, 920, 930, 1233.6]
    wide = pd.DataFrame({"employee_id": [f"e{i}" for i in range(1, 7)], "period": "2026-10", "role": "sales",
                         "revenue": money, "team_revenue": money,
                         "retention_30d": [0.1, 0.11, 0.12, 0.13, 0.14, 0.9]})
    out = kpi_outliers(wide, 3.5)
    # revenue: median (914.23 + 920) / 2 = 917.115, MAD = median(17.115, 7.115, 2.885, 2.885,
    # 12.885, 316.485) = (7.115 + 12.885) / 2 = 10; z = 0.6745 x 316.485 / 10 = +21.3
    assert out["kpi"].tolist() == ["revenue", "retention_30d"]
    assert out.iloc[0]["reason"].startswith(
        "Revenue of e6: 1,234 against a median of 917 among 6 peers (role sales; MAD 10): robust z = +21.3")
    # below 1,000 throughout: with cents, as the tables give them
    small = kpi_outliers(wide.assign(revenue=[v - 300 for v in money]), 3.5)
    assert small.iloc[0]["reason"].startswith("Revenue of e6: 933.60 against a median of 617.12 among 6 peers "
                                              "(role sales; MAD 10.00)")
    zh = kpi_outliers(wide, 3.5, language="zh")
    assert zh.iloc[1]["reason"].startswith("e6 的 30日留存为 90.00%，")


def test_kpi_outliers_by_hand():
    wide = pd.DataFrame({"employee_id": [f"e{i}" for i in range(1, 8)], "period": "2026-10",
                         "role": ["sales"] * 6 + ["lead"],
                         "revenue": [10.0, 11, 12, 13, 14, 100, 500],
                         "orders": [5.0] * 7})
    out = kpi_outliers(wide, 3.5)
    # sales: median 12.5, MAD = median(2.5, 1.5, 0.5, 0.5, 1.5, 87.5) = 1.5
    assert out[["subject", "kpi", "value", "baseline"]].values.tolist() == [["e6", "revenue", 100.0, 12.5]]
    assert "robust z = +39.3" in out.iloc[0]["reason"]  # 0.6745 x 87.5 / 1.5
    # orders have no spread (MAD 0) and the single lead has no peers: nothing else
    assert kpi_outliers(wide, 40).empty
    everyone = kpi_outliers(wide, 3.5, by=None)
    assert set(everyone["subject"]) == {"e6", "e7"}
    # a report names the peer group by the role's label, in its language
    zh = kpi_outliers(wide, 3.5, language="zh", group_labels={"sales": "坐席"})
    assert "6 名同岗位人员（坐席）中位数 12.50（" in zh.iloc[0]["reason"]  # the role, not the team (组)
    assert "7 名人员中位数 13.00（" in kpi_outliers(wide, 3.5, by=None, language="zh").iloc[0]["reason"]
    assert "among 6 peers (role sales; MAD 1.50)" in out.iloc[0]["reason"]


def test_reasons_name_people_as_told_and_keep_their_ids_apart():
    """A report shared outside the client names people by pseudonyms, in every reason."""
    wide = pd.DataFrame({"employee_id": [f"e{i}" for i in range(1, 7)], "period": "2026-10", "role": "sales",
                         "revenue": [10.0, 11, 12, 13, 14, 100]})
    out = kpi_outliers(wide, 3.5, names={"e6": "成员4F2A9C"}, language="zh")
    assert out.iloc[0]["reason"].startswith("成员4F2A9C 的销售额为 100.00，")
    assert out[["subject", "employee_id"]].values.tolist() == [["e6", "e6"]]  # for audit: the ids stay
    base = {"employee_id": "e1", "customer_id": "C1", "amount": 299.0, "status": "completed"}
    rows = [{**base, "order_date": "2026-09-12 14:23:05"}, {**base, "order_date": "2026-09-12 14:23:35"}]
    dup = duplicate_orders({"orders": _orders(rows)}, "2026-09", names={"e1": "Member 4F2A9C"},
                           customers=lambda c: f"Customer #{c[-1]}")
    assert "same customer Customer #1, employee Member 4F2A9C and amount 299" in dup.iloc[0]["reason"]
    assert "e1" not in dup.iloc[0]["reason"] and "C1" not in dup.iloc[0]["reason"]


def test_a_roas_outlier_is_told_as_a_multiple():
    from salesperf_kit.anomalies import _fmt

    assert _fmt("roas", 3.2) == "3.2×" and _fmt("roas", 12.25, "zh") == "12.25×"


def test_a_turnover_outlier_is_told_in_times():
    wide = pd.DataFrame({"employee_id": [f"e{i}" for i in range(1, 7)], "period": "2026-10", "role": "ops",
                         "inventory_turnover": [7.0, 7.5, 8.0, 8.5, 9.0, 26.47]})
    # median 8.25, MAD = median(1.25, 0.75, 0.25, 0.25, 0.75, 18.22) = 0.75
    en = kpi_outliers(wide, 3.5)
    assert en.iloc[0]["reason"].startswith("Inventory turnover of e6: 26.47× against a median of 8.25× among 6 peers "
                                           "(role ops; MAD 0.75×)")
    zh = kpi_outliers(wide, 3.5, language="zh")
    assert zh.iloc[0]["reason"].startswith("e6 的库存周转率为 26.47 次，6 名同岗位人员（ops）中位数 8.25 次（MAD 0.75 次）")


# ----------------------------------------------------------------------------- detect
def test_no_alert_on_a_clean_fixture(clean_shop):
    for period in ("2026-09", "2026-10"):
        out = detect(clean_shop, period, AnomalySettings())
        assert out.empty, out["reason"].tolist()
        assert list(out.columns) == ALERT_COLUMNS


def test_detect_reports_every_kind_and_changes_nothing(clean_shop):
    data = {k: v.copy() for k, v in clean_shop.items()}
    orders = data["orders"]
    extra = _small("X1", "2026-10-05 20:00", 6, 5, employee="e3")                  # brushing (same amounts)
    extra += [{"employee_id": "e4", "customer_id": "D1", "amount": 458.0, "status": "completed",
               "order_date": t} for t in ("2026-10-20 10:41:12", "2026-10-20 10:41:34")]  # duplicate
    extra += [{"employee_id": "e1", "customer_id": f"J{i}", "channel": "A", "amount": 150.0, "status": "completed",
               "order_date": pd.Timestamp("2026-10-03") + pd.Timedelta(hours=i)} for i in range(200)]  # jump
    late = orders.index[(orders["employee_id"] == "e5") & (orders["order_date"] >= "2026-10-01")][:4]
    orders.loc[late, "status"] = "refunded"
    orders.loc[late, "refunded_at"] = pd.Timestamp("2026-11-02")
    data["orders"] = pd.concat([orders, _orders(extra).assign(order_id=lambda d: "X" + d["order_id"])],
                               ignore_index=True)
    burst = [{"call_id": f"S{i}", "employee_id": "e6", "started_at": pd.Timestamp("2026-10-14 10:00")
              + pd.Timedelta(seconds=30 * i), "duration_s": 3.0, "connected": True, "customer_id": "K"}
             for i in range(60)]
    data["calls"] = pd.concat([data["calls"], pd.DataFrame(burst)], ignore_index=True)
    snapshot = {k: v.copy() for k, v in data.items()}
    out = detect(data, "2026-10", AnomalySettings(), language="zh")
    for k in data:
        pd.testing.assert_frame_equal(data[k], snapshot[k])
    kinds = out.groupby("kind")["subject"].apply(list).to_dict()
    assert kinds["conversion_jump"] == ["A", "e1"]
    assert kinds["brushing"] == ["X1"]
    assert kinds["late_refund"] == ["e5"]
    assert kinds["short_calls"] == ["e6"]
    # the brushing burst's identical orders are not reported again as duplicates
    dup = out[out["kind"] == "duplicate_order"]
    assert len(dup) == 1 and dup["employee_id"].item() == "e4"
    assert list(out["kind"].drop_duplicates()) == [k for k in ALERT_KINDS if k in kinds]
    assert out["reason"].str.contains("请核查").all()


# ----------------------------------------------------------------------------- demo data
@pytest.fixture(scope="module")
def sample():
    from salesperf_kit import sample as mod
    cache: dict = {}

    def get(business: str) -> dict:
        if business not in cache:
            cache[business] = mod.make_sample(business, seed=0)
        return cache[business]

    get.planted = mod.PLANTED
    return get


def test_demo_conversion_spike_is_found(sample):
    spike = sample.planted["online"]["conversion_spike"]
    data = sample("online")
    out = conversion_jumps(data, spike["period"], by=("channel",))
    assert out["subject"].tolist() == [spike["channel"]]
    assert out.iloc[0]["value"] / out.iloc[0]["baseline"] == pytest.approx(spike["factor"], rel=0.2)
    before = parse_prev(spike["period"])
    assert conversion_jumps(data, before, by=("channel",)).empty
    full = detect(data, spike["period"], AnomalySettings())
    hit = full[(full["kind"] == "conversion_jump") & (full["subject_type"] == "channel")]
    assert hit["subject"].tolist() == [spike["channel"]]


def parse_prev(period: str) -> str:
    from salesperf_kit.periods import parse_period

    return str(parse_period(period).previous())


def test_demo_short_call_burst_is_found(sample):
    planted = sample.planted["telesales"]["short_calls"]
    data = sample("telesales")
    s = AnomalySettings()
    out = short_call_bursts(data, planted["period"], short_seconds=s.short_call_seconds, share=s.short_call_share)
    assert out["subject"].tolist() == [planted["employee_id"]]
    assert short_call_bursts(data, parse_prev(planted["period"])).empty


def test_demo_brushing_and_duplicates_are_found(sample):
    planted = sample.planted["ecommerce"]
    data = sample("ecommerce")
    s = AnomalySettings()
    brush = brushed_orders(data, "2026-08", min_orders=s.brushing_orders, window_minutes=s.brushing_window_minutes,
                           max_amount=s.brushing_max_amount)
    assert brush["employee_id"].tolist() == [planted["brushing"]["employee_id"]]
    assert brush["value"].tolist() == [planted["brushing"]["orders"]]
    for dup in planted["duplicates"]:
        period = dup["order_date"][:7]
        out = duplicate_orders(data, period)
        assert out[["employee_id", "value"]].values.tolist() == [[dup["employee_id"], dup["amount"]]]


def test_an_outlier_in_a_count_reads_as_a_whole_number_beside_a_median_of_halves():
    """178 deals against a median of 36.5: a whole number of deals reads 178, not 178.00
    beside 36.50; money keeps its shared decimals."""
    wide = pd.DataFrame({"employee_id": [f"e{i}" for i in range(1, 7)], "period": "2026-10", "role": "rep",
                         "orders": [30.0, 35, 36, 37, 40, 178]})
    # median (36 + 37) / 2 = 36.5; MAD = median(6.5, 1.5, 0.5, 0.5, 3.5, 141.5) = (1.5 + 3.5) / 2 = 2.5;
    # z = 0.6745 x 141.5 / 2.5 = +38.2
    [reason] = kpi_outliers(wide, 3.5)["reason"]
    assert reason.startswith("Orders of e6: 178 against a median of 36.5 among 6 peers (role rep; MAD 2.5): "
                             "robust z = +38.2")
    [zh] = kpi_outliers(wide, 3.5, language="zh")["reason"]
    assert "为 178，6 名同岗位人员（rep）中位数 36.5（MAD 2.5）" in zh


def test_a_kpi_equal_to_another_within_a_role_is_screened_once():
    """A representative's team revenue is their own revenue, a manager's that of their
    team: the columns differ over everyone, but among the representatives (the peers the
    screen compares) they are one figure, and its outlier is told once, as Revenue."""
    reps = [10.0, 11, 12, 13, 14, 100]
    wide = pd.DataFrame({"employee_id": [f"e{i}" for i in range(1, 9)], "period": "2026-10",
                         "role": ["rep"] * 6 + ["manager"] * 2,
                         "revenue": reps + [0.0, 0.0], "team_revenue": reps + [33.0, 127.0]})
    out = kpi_outliers(wide, 3.5)
    assert out[["subject", "kpi"]].values.tolist() == [["e6", "revenue"]]


def test_a_team_figure_is_no_ones_own_outlier():
    """Output per head is the team's revenue over its heads, carried by each of its people:
    a team far above the others is not an outlier person, so it is not screened unless asked."""
    pc = [100.0, 110, 95, 105, 98, 5000]
    wide = pd.DataFrame({"employee_id": [f"e{i}" for i in range(1, 7)], "period": "2026-10", "role": "sales",
                         "per_capita_output": pc})
    assert kpi_outliers(wide, 3.5).empty
    assert kpi_outliers(wide, 3.5, kpis=["per_capita_output"])["subject"].tolist() == ["e6"]


def test_amounts_of_the_reasons_carry_the_report_s_currency_and_one_day_reads_once():
    """With report.currency set, the reasons' amounts carry its unit as the report's tables
    do (合计 300 元, not 300); refunds all on 2 November read as that one day, not
    '2026-11-02 至 2026-11-02'. e1: 3 of 10 October orders of 100 refunded on 2 November;
    the others refund nothing late, so 3 against an expected 0 is an alert."""
    rows = [{"employee_id": "e1", "customer_id": f"A{i}", "order_date": "2026-10-20", "amount": 100.0,
             "status": "refunded" if i < 3 else "completed", "refunded_at": "2026-11-02" if i < 3 else None}
            for i in range(10)]
    rows += [{"employee_id": "e2", "customer_id": f"B{i}", "order_date": "2026-10-10", "amount": 100.0,
              "status": "completed", "refunded_at": None} for i in range(30)]
    data = {"orders": _orders(rows)}
    zh = late_refunds(data, "2026-10", language="zh", currency="元").iloc[0]["reason"]
    assert zh.startswith("e1 在 2026-10 的 10 笔订单中有 3 笔（合计 300 元）在期末后 7 天内退款（2026-11-02）：订单 ")
    en = late_refunds(data, "2026-10", currency="CNY").iloc[0]["reason"]
    assert en.startswith("3 of the 10 orders of e1 placed in 2026-10 (total 300 CNY) were refunded within 7 days "
                         "after the period closed (on 2026-11-02): orders ")
    assert "（合计 300）" in late_refunds(data, "2026-10", language="zh").iloc[0]["reason"]  # no unit without one
    # a repeated order and a burst of small orders, in yuan
    base = {"employee_id": "e1", "customer_id": "C1", "amount": 299.5, "status": "completed"}
    twice = [{**base, "order_date": "2026-09-12 14:23:05"}, {**base, "order_date": "2026-09-12 14:23:35"}]
    zh = duplicate_orders({"orders": _orders(twice)}, "2026-09", language="zh", currency="元").iloc[0]["reason"]
    assert "客户 C1、员工 e1、金额 299.5 元均相同，间隔 30 秒。" in zh
    burst = [{"employee_id": "e1", "customer_id": "C9", "order_date": f"2026-10-05 20:{m:02d}", "amount": 9.9,
              "status": "completed"} for m in range(0, 25, 5)]
    zh = brushed_orders({"orders": _orders(burst)}, "2026-10", language="zh", currency="元").iloc[0]["reason"]
    assert "下了 5 笔不超过 50 元的订单（合计 49.5 元；60 分钟内 ≥ 5 笔）" in zh
