"""Data-fraud guard and anomaly alerts (数据造假防范、异常数据预警, seed 003).

Each check is a small function that returns a tidy table of alerts, one row per finding,
with a ``reason`` that names the records a person can open to check it:

=================  =========================================================================
kind               what is flagged
=================  =========================================================================
conversion_jump    a channel's (or person's) conversion rate jumps by ``conversion_jump``
                   (50 %) or more against its own mean of the previous ``baseline_periods``
                   periods (某渠道转化率骤升50%则自动触发审核)
brushing           刷单: ``brushing_orders`` or more orders of at most ``brushing_max_amount``
                   from one customer within ``brushing_window_minutes``
late_refund        several orders of the period refunded right after it closed, more than
                   ordinary refunds explain
short_calls        bulk calls too short to be real: a large share of an agent's connected
                   calls last under ``short_call_seconds``
duplicate_order    the same order entered twice: same customer, employee and amount minutes
                   apart under a different order_id
kpi_outlier        a KPI value far from the peers': robust z = 0.6745 × (x − median) / MAD
                   beyond ``robust_z``
=================  =========================================================================

Alerts never change scores: :func:`detect` only lists them, and the report shows them for
audit. Thresholds come from the ``anomalies:`` section of the parameter file
(:class:`salesperf_kit.params.AnomalySettings`).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import check_one_of
from .catalogue import CATALOGUE, TEAM_FIGURES, grouped, with_unit_sign
from .exceptions import SalesperfError
from .periods import Period, parse_period

__all__ = [
    "Alert", "ALERT_KINDS", "ALERT_COLUMNS", "alerts_frame", "detect", "conversion_jumps",
    "brushed_orders", "late_refunds", "short_call_bursts", "duplicate_orders", "kpi_outliers",
    "MAD_CONSTANT",
]

log = logging.getLogger(__name__)

#: 0.6745 = Φ⁻¹(0.75): makes MAD comparable with a standard deviation for normal data.
MAD_CONSTANT = 0.6745
#: Alert kinds with their labels, in report order.
ALERT_KINDS: dict[str, dict[str, str]] = {
    "conversion_jump": {"zh": "转化率异常跃升", "en": "Conversion-rate jump"},
    "brushing": {"zh": "疑似刷单", "en": "Suspected order brushing"},
    "late_refund": {"zh": "期后集中退款", "en": "Refunds right after the period"},
    "short_calls": {"zh": "批量短通话", "en": "Bulk short calls"},
    "duplicate_order": {"zh": "重复订单", "en": "Duplicate order"},
    "kpi_outlier": {"zh": "指标离群值", "en": "KPI outlier"},
}
ALERT_COLUMNS = ["kind", "subject_type", "subject", "employee_id", "period", "kpi", "value", "baseline", "reason"]
#: KPIs screened for outliers by :func:`detect` when no KPI table is given.
_OUTLIER_KPIS = ["revenue", "orders", "aov", "new_customers", "conversion_rate", "refund_rate", "calls",
                 "connect_rate", "close_rate"]


@dataclass(frozen=True)
class Alert:
    """One finding for audit.

    ``subject`` is what to look at (a channel, an employee_id, a customer_id or an
    order_id, as ``subject_type`` says: "channel", "employee", "customer" or "order");
    ``employee_id`` the person concerned when known; ``kpi`` the KPI the figure is (for
    conversion jumps and KPI outliers); ``value`` the figure found and ``baseline`` what it
    was compared with (a trailing mean, an expected count, the peers' median or the
    threshold); ``reason`` says it in words, with the records to check.
    """

    kind: str
    subject: str
    period: str
    value: float
    baseline: float
    reason: str
    subject_type: str = ""
    employee_id: str | None = None
    kpi: str | None = None


def alerts_frame(alerts: Iterable[Alert]) -> pd.DataFrame:
    """Alerts as a table with the columns of :data:`ALERT_COLUMNS`."""
    rows = [asdict(a) for a in alerts]
    df = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    df["value"] = df["value"].astype("float64")
    df["baseline"] = df["baseline"].astype("float64")
    return df


# ----------------------------------------------------------------------------- helpers
def _tables(dataset) -> dict[str, pd.DataFrame]:
    """The dataset's tables as a dict of DataFrames (Parquet tables left on disk are read)."""
    from .loaders import tables_of

    return tables_of(dataset)


def _say(language: str, en: str, zh: str) -> str:
    return zh if language == "zh" else en


def _in(ts: pd.Series, p: Period) -> pd.Series:
    d = pd.to_datetime(ts, errors="coerce")
    return (d >= p.start) & (d < p.end)


def _span(periods: list[Period], language: str = "en") -> str:
    """Periods as a reader writes a span: 2026-07 to 2026-09 (2026-07 至 2026-09)."""
    return str(periods[0]) if len(periods) == 1 else f"{periods[0]} {_say(language, 'to', '至')} {periods[-1]}"


def _ids(values: Iterable, n: int = 6) -> str:
    v = [str(x) for x in values]
    return ", ".join(v[:n]) + (f" (+{len(v) - n})" if len(v) > n else "")


def _who(employee_id, names: Mapping[str, str] | None) -> str:
    """How a reason names a person: ``names[employee_id]`` (e.g. a pseudonym in a report
    shared outside the client), else the employee id."""
    e = str(employee_id)
    return str((names or {}).get(e, e))


def _customer(customer_id, customers: Callable[[str], str] | None) -> str:
    """How a reason names a customer: ``customers(customer_id)`` (e.g. a pseudonym), else the id."""
    c = str(customer_id)
    return customers(c) if customers is not None else c


def _num(x: float) -> str:
    return grouped(x, 2).rstrip("0").rstrip(".") if abs(x) < 1e6 else grouped(x)


def _money(x: float, language: str, currency: str | None) -> str:
    """An amount of the orders as :func:`_num` gives it, with the plan's unit of money when
    the report has one (``report.currency``): 7,856.52 元, 79.2 CNY."""
    return with_unit_sign(_num(x), "currency", language, currency)


def _days(first: pd.Timestamp, last: pd.Timestamp, language: str) -> str:
    """Two dates as a span, one day as itself: 2026-11-02 to 2026-11-05 (2026-11-02 至
    2026-11-05), on 2026-11-02 (2026-11-02), not the same date twice."""
    if first.normalize() == last.normalize():
        return _say(language, f"on {first:%Y-%m-%d}", f"{first:%Y-%m-%d}")
    return f"{first:%Y-%m-%d} {_say(language, 'to', '至')} {last:%Y-%m-%d}"


def _fmt(kpi: str, x: float, language: str = "en", *, like: Iterable[float] = (), currency: str | None = None) -> str:
    """A KPI value as a person reads it: ratios in per cent, a number of times with its unit
    (7.95×, 7.95 次), a multiple as 3.2×, money as the report's tables give it (31,192, not 31,191.99;
    cents when every figure of the sentence is below 1,000), others with up to 2 decimals. Figures read side
    by side (``like``: the others of the sentence) share their decimals: 1,233.60 beside
    914.23, not 1,233.6; but a count is a whole number, whatever the median beside it
    (178 deals beside a median of 36.5, not 178.00 beside 36.50)."""
    unit = CATALOGUE[kpi].unit
    if unit == "ratio":
        return f"{x:.2%}"
    if unit == "count":
        return _num(x)
    if unit == "currency":  # as the report's tables give money: whole units from 1,000 on, else cents
        whole = max(abs(v) for v in [x, *like]) >= 1000
        return with_unit_sign(grouped(x, 0 if whole else 2), unit, language, currency)
    together = [x, *like]
    if like and abs(x) < 1e6 and any(abs(v) < 1e6 and round(v, 2) != round(v) for v in together):
        return with_unit_sign(f"{x:,.2f}", unit, language)
    return with_unit_sign(_num(x), unit, language)


# ----------------------------------------------------------------------------- conversion
def conversion_jumps(dataset, period, *, jump: float = 0.5, baseline_periods: int = 3, min_orders: int = 10,
                     alpha: float = 0.001, by: Iterable[str] = ("channel", "employee_id"),
                     language: str = "en", names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Channels and people whose conversion rate jumps against their own trailing baseline.

    For a channel c (or a person, through the traffic rows they own) and period q:

        conversion_q = orders_q / sessions_q
        baseline     = mean of conversion over the ``baseline_periods`` periods before
        alert when     baseline > 0, conversion_p ≥ baseline × (1 + jump),
                       orders_p ≥ min_orders, and the jump is too large to be chance:
                       P(X ≥ orders_p) < alpha for X ~ Binomial(orders_p + orders_b,
                       sessions_p / (sessions_p + sessions_b))

    where orders_b and sessions_b are the sums over the baseline periods (the exact
    conditional test that the two periods convert at the same rate). The last two conditions
    keep small channels and people with few orders from raising alerts on noise.

    Orders are matched to traffic by ``orders.channel`` = ``traffic.channel`` (for people,
    ``employee_id``); every order counts except cancelled ones, since brushed orders are
    often completed and refunded later. A baseline needs every one of its periods to have
    sessions. ``names``: as for :func:`detect`.

    Returns
    -------
    DataFrame of alerts (:data:`ALERT_COLUMNS`), ``kind`` = "conversion_jump".
    """
    p = parse_period(period)
    t = _tables(dataset)
    orders, traffic = t.get("orders"), t.get("traffic")
    if orders is None or traffic is None or "sessions" not in traffic:
        return alerts_frame([])
    # refunded orders count (brushed orders are often refunded), unlike in conversion_rate:
    # the reason says so
    counted = ("orders", "订单")
    if "status" in orders:
        orders = orders[orders["status"].astype("object").ne("cancelled")]
        if orders["status"].astype("object").eq("refunded").any():
            counted = ("orders incl. refunded", "含退款订单")
    periods = [p.shift(-i) for i in range(baseline_periods, -1, -1)]
    alerts = []
    for key in by:
        check_one_of("by", key, ["channel", "employee_id"])
        if key not in orders or key not in traffic or traffic[key].isna().all():
            continue
        num = pd.DataFrame({str(q): orders.loc[_in(orders["order_date"], q), key].astype(str).value_counts()
                            for q in periods}).fillna(0.0)
        tr = traffic[traffic[key].notna()]
        den = pd.DataFrame({str(q): tr[_in(tr["date"], q)].groupby(tr[key].astype(str))["sessions"].sum()
                            for q in periods})
        num, den = num.reindex(index=den.index, columns=den.columns).fillna(0.0), den.fillna(0.0)
        conv = num / den.where(den > 0)
        prev = [str(q) for q in periods[:-1]]
        base = conv[prev].mean(axis=1).where(conv[prev].notna().all(axis=1))
        cur = conv[str(p)]
        x1, s1 = num[str(p)], den[str(p)]
        x0, s0 = num[prev].sum(axis=1), den[prev].sum(axis=1)
        surprise = pd.Series(stats.binom.sf(x1 - 1, x1 + x0, (s1 / (s1 + s0)).fillna(0.0)), index=conv.index)
        hit = (base > 0) & (cur >= base * (1 + jump)) & (num[str(p)] >= min_orders) & (surprise < alpha)
        for s in conv.index[hit]:
            change = cur[s] / base[s] - 1
            shown = s if key == "channel" else _who(s, names)
            what = _say(language, f"channel {s}" if key == "channel" else f"employee {shown}",
                        f"渠道 {s}" if key == "channel" else f"员工 {shown}")
            reason = _say(
                language,
                f"Conversion of {what} in {p} is {cur[s]:.2%} ({num.at[s, str(p)]:,.0f} {counted[0]} / "
                f"{den.at[s, str(p)]:,.0f} sessions), {change:+.0%} against its mean of {base[s]:.2%} over "
                f"{_span(periods[:-1], language)} (threshold +{jump:.0%}). Check the orders and clicks of {shown} in {p} "
                "for fake clicks or brushed orders.",
                f"{what} {p} 转化率 {cur[s]:.2%}（{counted[1]} {num.at[s, str(p)]:,.0f} / 访问 {den.at[s, str(p)]:,.0f}），"
                f"较 {_span(periods[:-1], language)} 均值 {base[s]:.2%} 变化 {change:+.0%}（阈值 +{jump:.0%}）。"
                f"请核查 {shown} 在 {p} 的订单与点击是否存在虚假点击或刷单。")
            alerts.append(Alert("conversion_jump", s, str(p), float(cur[s]), float(base[s]), reason,
                                subject_type=key.replace("_id", ""), employee_id=s if key == "employee_id" else None,
                                kpi="conversion_rate"))
    return alerts_frame(alerts)


# ----------------------------------------------------------------------------- brushing
def brushed_orders(dataset, period, *, min_orders: int = 5, window_minutes: float = 60, max_amount: float = 50,
                   language: str = "en", currency: str | None = None) -> pd.DataFrame:
    """Bursts of small orders from one customer (刷单).

    Among the period's orders with amount ≤ ``max_amount`` (any status), a customer's
    orders are marked when at least ``min_orders`` of them fall within ``window_minutes`` of
    each other (t_j − t_i ≤ window); marked orders less than a window apart form one burst,
    and each burst is one alert naming its orders, its time span and its total (with
    ``currency``, the unit of money in ``language``, when given).

    Returns
    -------
    DataFrame of alerts, ``kind`` = "brushing", ``subject`` = customer_id, ``value`` = the
    burst's number of orders, ``baseline`` = ``min_orders``.
    """
    return alerts_frame(a for a, _ in _bursts(dataset, period, min_orders, window_minutes, max_amount, language,
                                              currency=currency))


def _bursts(dataset, period, min_orders, window_minutes, max_amount, language,
            names: Mapping[str, str] | None = None,
            customers: Callable[[str], str] | None = None,
            currency: str | None = None) -> list[tuple[Alert, list[str]]]:
    p = parse_period(period)
    orders = _tables(dataset).get("orders")
    if orders is None or "customer_id" not in orders:
        return []
    o = orders[_in(orders["order_date"], p) & (orders["amount"] <= max_amount) & orders["customer_id"].notna()]
    o = o.assign(_t=pd.to_datetime(o["order_date"]), _c=o["customer_id"].astype(str))
    counts = o["_c"].value_counts()
    o = o[o["_c"].isin(counts.index[counts >= min_orders])].sort_values(["_c", "_t", "order_id"])
    window = pd.Timedelta(minutes=window_minutes)
    out = []
    for cust, g in o.groupby("_c", sort=True):
        t = g["_t"].to_numpy()
        end = np.searchsorted(t, t + window.to_timedelta64(), side="right")
        marked = np.zeros(len(t), bool)
        for i in np.flatnonzero(end - np.arange(len(t)) >= min_orders):
            marked[i:end[i]] = True
        idx = np.flatnonzero(marked)
        if not len(idx):
            continue
        gaps = np.diff(t[idx]) > window.to_timedelta64()
        for burst in np.split(idx, np.flatnonzero(gaps) + 1):
            b = g.iloc[burst]
            emp = b["employee_id"].astype(str).value_counts()
            who = emp.index[0]
            n, total = len(b), float(b["amount"].sum())
            first, last = b["_t"].min(), b["_t"].max()
            ids = b["order_id"].astype(str).tolist()
            staff = _ids([_who(e, names) for e in emp.index], 3)
            buyer = _customer(cust, customers)
            limit, total = _money(max_amount, language, currency), _money(total, language, currency)
            reason = _say(
                language,
                f"Customer {buyer} placed {n} orders of at most {limit} (total {total}) with "
                f"{staff} between {first:%Y-%m-%d %H:%M} and {last:%H:%M} (≥ {min_orders} within "
                f"{window_minutes:g} min): orders {_ids(ids)}. Check whether they were real purchases.",
                f"客户 {buyer} 于 {first:%Y-%m-%d %H:%M} 至 {last:%H:%M} 向 {staff} 下了 {n} 笔不超过 "
                f"{limit}{'' if currency else ' '}的订单（合计 {total}；{window_minutes:g} 分钟内 ≥ {min_orders} 笔）：订单 "
                f"{_ids(ids)}。请核查是否为真实购买（疑似刷单）。")
            out.append((Alert("brushing", cust, str(p), float(n), float(min_orders), reason,
                              subject_type="customer", employee_id=who), ids))
    return out


# ----------------------------------------------------------------------------- late refunds
def late_refunds(dataset, period, *, window_days: float = 7, min_count: int = 3, alpha: float = 0.001,
                 language: str = "en", names: Mapping[str, str] | None = None,
                 currency: str | None = None) -> pd.DataFrame:
    """People whose orders of the period were refunded right after it closed.

    Such refunds let an order count for the period's score and disappear once it closed. With
    L_e = person e's orders placed in the period (status ``refunded``) whose ``refunded_at``
    falls within ``window_days`` after the period's end, and n_e their orders of the period:

        rate     = Σ L / Σ n over the other people (what ordinary refunds give)
        expected = rate × n_e
        alert when L_e ≥ min_count and P(Poisson(expected) ≥ L_e) < alpha

    so ordinary refunds of late-month orders, which cross the month end anyway, do not
    raise alerts.

    ``names`` and ``currency``: how the reasons name a person and the unit of money, as
    for :func:`detect`.

    Returns
    -------
    DataFrame of alerts, ``kind`` = "late_refund", ``subject`` = employee_id, ``value`` = L_e,
    ``baseline`` = expected.
    """
    p = parse_period(period)
    orders = _tables(dataset).get("orders")
    if orders is None or not {"status", "refunded_at"} <= set(orders.columns):
        return alerts_frame([])
    o = orders[_in(orders["order_date"], p)]
    o = o.assign(employee_id=o["employee_id"].astype(str), _r=pd.to_datetime(o["refunded_at"], errors="coerce"))
    is_late = (o["status"].astype("object").eq("refunded") & (o["_r"] >= p.end)
               & (o["_r"] < p.end + pd.Timedelta(days=window_days)))
    n = o.groupby("employee_id").size()
    late = is_late.groupby(o["employee_id"]).sum().reindex(n.index).fillna(0)
    alerts = []
    for e in late.index[late >= min_count]:
        others_n, others_l = n.drop(e).sum(), late.drop(e).sum()
        rate = others_l / others_n if others_n > 0 else 0.0
        expected = float(rate * n[e])
        if stats.poisson.sf(late[e] - 1, expected) >= alpha:
            continue
        g = o[is_late & (o["employee_id"] == e)].sort_values("_r")
        k, amount, who = int(late[e]), _money(float(g["amount"].sum()), language, currency), _who(e, names)
        days = _days(g["_r"].min(), g["_r"].max(), language)
        reason = _say(
            language,
            f"{k} of the {n[e]} orders of {who} placed in {p} (total {amount}) were refunded within "
            f"{window_days:g} days after the period closed ({days}): "
            f"orders {_ids(g['order_id'])}; at the other people's rate {expected:.1f} were expected. "
            "Check whether the sales were real.",
            f"{who} 在 {p} 的 {n[e]} 笔订单中有 {k} 笔（合计 {amount}）在期末后 {window_days:g} 天内退款"
            f"（{days}）：订单 {_ids(g['order_id'])}；"
            f"按其他人员的比例预期约 {expected:.1f} 笔。请核查这些销售是否真实。")
        alerts.append(Alert("late_refund", e, str(p), float(k), expected, reason, subject_type="employee",
                            employee_id=e))
    return alerts_frame(alerts)


# ----------------------------------------------------------------------------- short calls
def short_call_bursts(dataset, period, *, short_seconds: float = 10, share: float = 0.3, min_calls: int = 20,
                      language: str = "en", names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Agents with bulk connected calls too short to be real conversations.

    For agent e in the period:

        short_share = connected calls shorter than short_seconds / connected calls
        alert when short_share ≥ share and the short calls number at least min_calls

    ``baseline`` is the median short share of the other agents in the period; the reason
    names the day with the most short calls.

    ``names``: how the reasons name a person, as for :func:`detect`.

    Returns
    -------
    DataFrame of alerts, ``kind`` = "short_calls", ``subject`` = employee_id, ``value`` = short_share.
    """
    p = parse_period(period)
    calls = _tables(dataset).get("calls")
    if calls is None or not {"duration_s", "connected", "started_at"} <= set(calls.columns):
        return alerts_frame([])
    c = calls[_in(calls["started_at"], p) & calls["connected"].fillna(False).astype(bool)]
    c = c.assign(employee_id=c["employee_id"].astype(str), _short=c["duration_s"] < short_seconds)
    g = c.groupby("employee_id")["_short"].agg(["sum", "count"])
    g["share"] = g["sum"] / g["count"]
    alerts = []
    for e, row in g[(g["share"] >= share) & (g["sum"] >= min_calls)].iterrows():
        others = g.loc[g.index != e, "share"]
        base = float(others.median()) if len(others) else float("nan")
        mine = c[(c["employee_id"] == e) & c["_short"]]
        per_day = pd.to_datetime(mine["started_at"]).dt.normalize().value_counts()
        day, top, who = per_day.index[0], int(per_day.iloc[0]), _who(e, names)
        reason = _say(
            language,
            f"{int(row['sum'])} of {int(row['count'])} connected calls of {who} in {p} ({row['share']:.1%}) lasted under "
            f"{short_seconds:g} s (threshold {share:.0%}; other agents' median {base:.1%}); the most on "
            f"{day:%Y-%m-%d} ({top} short calls). Check the call records and recordings.",
            f"{who} 在 {p} 的 {int(row['count'])} 通接通电话中有 {int(row['sum'])} 通（{row['share']:.1%}）不足 "
            f"{short_seconds:g} 秒（阈值 {share:.0%}；其他坐席中位数 {base:.1%}），最多的一天是 {day:%Y-%m-%d}"
            f"（{top} 通）。请核查通话记录与录音。")
        alerts.append(Alert("short_calls", e, str(p), float(row["share"]), base, reason,
                            subject_type="employee", employee_id=e))
    return alerts_frame(alerts)


# ----------------------------------------------------------------------------- duplicates
def duplicate_orders(dataset, period, *, window_minutes: float = 10, exclude_orders: Iterable[str] = (),
                     language: str = "en", names: Mapping[str, str] | None = None,
                     customers: Callable[[str], str] | None = None, currency: str | None = None) -> pd.DataFrame:
    """The same order entered twice under different order_ids.

    Two orders of the period are duplicates when they have the same customer_id,
    employee_id and amount (and the same quantity and channel where those columns exist)
    and were placed at most ``window_minutes`` apart (on the same day, when the orders give
    dates only); each repeat is one alert naming the order it repeats. Cancelled orders
    count nowhere and are left out. ``exclude_orders`` leaves out orders already reported
    otherwise (e.g. in a brushing burst).

    ``names``, ``customers`` and ``currency``: how the reasons name a person, a customer and
    the unit of money, as for :func:`detect`.

    Returns
    -------
    DataFrame of alerts, ``kind`` = "duplicate_order", ``subject`` = the repeating order_id,
    ``value`` = its amount.
    """
    p = parse_period(period)
    orders = _tables(dataset).get("orders")
    if orders is None or "customer_id" not in orders:
        return alerts_frame([])
    o = orders[_in(orders["order_date"], p) & orders["customer_id"].notna()]
    if "status" in o:  # a cancelled order counts nowhere (a lost deal, entered once per product)
        o = o[o["status"].astype("string").ne("cancelled").fillna(True)]
    o = o[~o["order_id"].astype(str).isin(set(map(str, exclude_orders)))]
    dates = pd.to_datetime(orders["order_date"]).dropna()
    dated_only = bool(len(dates)) and bool((dates == dates.dt.normalize()).all())  # no time of day anywhere
    key = ["customer_id", "employee_id", "amount"] + [c for c in ("quantity", "channel") if c in o]
    o = o.assign(_t=pd.to_datetime(o["order_date"])).sort_values([*key, "_t", "order_id"])
    k = o[key].astype("object").where(o[key].notna(), "\0").astype(str)  # missing values match each other
    same = k.eq(k.shift()).all(axis=1)
    gap = o["_t"].diff()
    dup = same & (gap <= pd.Timedelta(minutes=window_minutes))
    prev_id = o["order_id"].shift()
    alerts = []
    for i in np.flatnonzero(dup.to_numpy()):
        r = o.iloc[i]
        secs = gap.iloc[i].total_seconds()
        apart = (_say(language, "on the same day (the data give dates only)", "同一天下单（数据只有日期）")
                 if dated_only else
                 _say(language, f"placed {secs:.0f} s apart", f"间隔 {secs:.0f} 秒") if secs < 120 else
                 _say(language, f"placed {secs / 60:.0f} min apart", f"间隔 {secs / 60:.0f} 分钟"))
        who, buyer = _who(r["employee_id"], names), _customer(r["customer_id"], customers)
        amount = _money(float(r["amount"]), language, currency)
        reason = _say(
            language,
            f"Order {r['order_id']} repeats order {prev_id.iloc[i]}: same customer {buyer}, employee "
            f"{who} and amount {amount}, {apart}. Check whether it was "
            "entered twice.",
            f"订单 {r['order_id']} 与订单 {prev_id.iloc[i]} 重复：客户 {buyer}、员工 {who}、"
            f"金额 {amount}{'' if currency else ' '}均相同，{apart}。请核查是否重复录入。")
        alerts.append(Alert("duplicate_order", str(r["order_id"]), str(p), float(r["amount"]), float("nan"), reason,
                            subject_type="order", employee_id=str(r["employee_id"])))
    return alerts_frame(alerts)


# ----------------------------------------------------------------------------- KPI outliers
#: How a Chinese reason names a peer group: 同组 alone would read as the same team (华东一组).
_PEERS_ZH = {"role": "同岗位", "team": "同团队"}


def kpi_outliers(kpi_wide: pd.DataFrame, robust_z: float = 3.5, *, kpis: Iterable[str] | None = None,
                 by: str | None = "role", min_peers: int = 5, period=None, language: str = "en",
                 group_labels: dict[str, str] | None = None,
                 names: Mapping[str, str] | None = None, currency: str | None = None) -> pd.DataFrame:
    """KPI values far from the peers' by the robust z-score (median / MAD).

    Within each peer group (same ``by`` value, e.g. the same role; everyone when ``by`` is
    None or absent), for each KPI column x:

        MAD = median(|x − median(x)|)
        z   = 0.6745 × (x − median(x)) / MAD
        alert when |z| > robust_z

    Groups with fewer than ``min_peers`` values, or with MAD = 0, are not screened (too
    little spread to judge). An outlier is not a fraud finding: the reason asks to check the
    records behind the figure.

    Parameters
    ----------
    kpi_wide : DataFrame
        ``KPIResult.wide``: employee_id, (role,) one column per KPI.
    robust_z : float, default 3.5
    kpis : KPI columns to screen; default every catalogue KPI among the columns.
    by : str or None, default "role"
    min_peers : int, default 5
    period : str, optional
        Written into the alerts; default the ``period`` column of ``kpi_wide``.
    group_labels : dict, optional
        How the reasons name a peer group (e.g. a role's label in the report language);
        a group not in it is named by its value.
    names : mapping, optional
        As for :func:`detect`.

    Returns
    -------
    DataFrame of alerts, ``kind`` = "kpi_outlier", ``subject`` = employee_id, ``value`` = x,
    ``baseline`` = the peers' median.
    """
    if kpi_wide is None or len(kpi_wide) == 0:
        return alerts_frame([])
    w = kpi_wide.reset_index(drop=True)
    # (a team figure such as output per head is the same for everyone of a team: no one's own outlier)
    cols = list(kpis) if kpis is not None else [c for c in w.columns if c in CATALOGUE and c not in TEAM_FIGURES]
    for k in cols:
        check_one_of("kpi", k, CATALOGUE)
    if period is None:
        period = str(w["period"].iloc[0]) if "period" in w else ""
    groups = w.groupby(w[by].astype(str)) if by and by in w else [(None, w)]
    alerts = []
    for grp, g in groups:
        # a KPI equal to another for everyone of the group (the revenue of people who work
        # alone and their team revenue) would repeat that KPI's alerts
        have = [n for n, k in enumerate(cols) if k in g]
        X = np.full((len(g), len(cols)), np.nan)
        for n in have:
            X[:, n] = pd.to_numeric(g[cols[n]], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        for n, k in enumerate(cols):
            before = [i for i in have if i < n]  # (np.allclose of this column with each before it)
            if k not in g or (before and np.isclose(X[:, before], X[:, [n]], equal_nan=True).all(axis=0).any()):
                continue
            x = pd.to_numeric(g[k], errors="coerce").astype("float64")
            ok = x.dropna()
            if len(ok) < min_peers:
                continue
            med = float(ok.median())
            mad = float((ok - med).abs().median())
            if not mad > 0:
                continue
            z = MAD_CONSTANT * (x - med) / mad
            for i in z.index[z.abs() > robust_z]:
                e = str(g.at[i, "employee_id"])
                who = _who(e, names)
                shown = (group_labels or {}).get(grp, grp)
                trio = (float(x[i]), med, mad)
                value, median, spread = ({lang: _fmt(k, v, lang, like=trio, currency=currency if lang == language else None)
                                          for lang in ("en", "zh")} for v in trio)
                among = "; ".join([*([f"{by} {shown}"] if grp is not None else []), f"MAD {spread['en']}"])
                peers_zh = (f"{len(ok)} 名{_PEERS_ZH.get(by, '同组') if grp is not None else ''}人员"
                            + (f"（{shown}）" if grp is not None else ""))
                zh = CATALOGUE[k].zh
                reason = _say(
                    language,
                    f"{CATALOGUE[k].en} of {who}: {value['en']} against a median of {median['en']} among "
                    f"{len(ok)} peers ({among}): robust z = {z[i]:+.1f} (limit ±{robust_z:g}). "
                    "Check the records behind it.",
                    f"{who} 的{' ' if zh[:1].isascii() else ''}{zh}为 {value['zh']}，{peers_zh}中位数 {median['zh']}"
                    f"（MAD {spread['zh']}）："
                    f"稳健 z 值 {z[i]:+.1f}（界限 ±{robust_z:g}）。请核查其背后的记录。")
                alerts.append(Alert("kpi_outlier", e, str(period), float(x[i]), med, reason,
                                    subject_type="employee", employee_id=e, kpi=k))
    return alerts_frame(alerts)


# ----------------------------------------------------------------------------- all checks
def detect(dataset, period, settings=None, *, kpi_wide: pd.DataFrame | None = None, kpis: Iterable[str] | None = None,
           business: str | None = None, options: dict | None = None, language: str = "en",
           group_labels: dict[str, str] | None = None,
           names: Mapping[str, str] | None = None,
           customers: Callable[[str], str] | None = None, currency: str | None = None) -> pd.DataFrame:
    """Run every check the data allow and list the alerts for audit.

    Checks whose tables or columns are absent are skipped (logged). Orders already named in
    a brushing burst are not reported again as duplicates. Alerts never change any score.

    Parameters
    ----------
    dataset : dict of DataFrames or Dataset
    period : str or Period
    settings : AnomalySettings, optional
        The ``anomalies:`` section of the parameter file (defaults otherwise).
    kpi_wide : DataFrame, optional
        ``KPIResult.wide`` of the period to screen for outliers; computed when absent (the
        KPIs ``kpis``, or the business's default set, or a short list of sales KPIs).
    kpis, business, options : optional
        Passed to :func:`~salesperf_kit.kpis.compute_kpis` when ``kpi_wide`` is absent.
    language : {"en", "zh"}
        Language of the reasons.
    group_labels : dict, optional
        Names of the KPI outliers' peer groups (roles) in the reasons; see :func:`kpi_outliers`.
    names : mapping, optional
        How the reasons name a person (employee_id -> name, e.g. the pseudonyms of a report
        shared outside the client); a person not in it is named by the employee id.
    customers : callable, optional
        How the reasons name a customer (customer_id -> name, e.g. a pseudonym: a customer
        id can be a phone number or a nickname); default the customer id. The ``subject``
        and ``employee_id`` columns keep the ids.
    currency : str, optional
        The unit of money in ``language`` (``report.currency``: "元", "CNY"), given after
        the amounts of the reasons (合计 7,856.52 元); none by default.

    Returns
    -------
    DataFrame with columns kind, subject_type, subject, employee_id, period, kpi, value,
    baseline, reason; sorted by kind (in :data:`ALERT_KINDS` order) and subject.
    """
    from .params import AnomalySettings

    s = settings or AnomalySettings()
    p = parse_period(period)
    check_one_of("language", language, ["en", "zh"])
    bursts = _bursts(dataset, p, s.brushing_orders, s.brushing_window_minutes, s.brushing_max_amount, language, names,
                     customers, currency)
    brushed = [oid for _, ids in bursts for oid in ids]
    parts = [
        conversion_jumps(dataset, p, jump=s.conversion_jump, baseline_periods=s.baseline_periods, language=language,
                         names=names),
        alerts_frame(a for a, _ in bursts),
        late_refunds(dataset, p, language=language, names=names, currency=currency),
        short_call_bursts(dataset, p, short_seconds=s.short_call_seconds, share=s.short_call_share, language=language,
                          names=names),
        duplicate_orders(dataset, p, exclude_orders=brushed, language=language, names=names, customers=customers,
                         currency=currency),
    ]
    if kpi_wide is None:
        kpi_wide = _kpi_wide(dataset, p, kpis, business, options)
    parts.append(kpi_outliers(kpi_wide, s.robust_z, period=str(p), language=language, group_labels=group_labels,
                              names=names, currency=currency))
    parts = [x for x in parts if len(x)]
    if not parts:
        return alerts_frame([])
    out = pd.concat(parts, ignore_index=True)
    out["_k"] = out["kind"].map(list(ALERT_KINDS).index)
    return out.sort_values(["_k", "subject_type", "subject"], kind="stable").drop(columns="_k").reset_index(drop=True)


def _kpi_wide(dataset, p: Period, kpis, business, options) -> pd.DataFrame | None:
    from .kpis import compute_kpis

    tables = _tables(dataset)
    if "employees" not in tables:
        return None
    if kpis is None and business is None:
        kpis = _OUTLIER_KPIS
    try:
        return compute_kpis(dataset, p, kpis=list(kpis) if kpis is not None else None, business=business,
                            options=options).wide
    except SalesperfError as err:  # an outlier screen must not stop the other checks
        log.warning("KPI outliers were not screened: %s", err)
        return None
