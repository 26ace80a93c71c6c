"""Which periods the data cover.

A period in which no dated table has a row has no figures, which is not the same as
figures of 0: scoring people on it would rank and pay them on nothing. Scorecards and
reports therefore refuse such a period (:func:`require_records`); the previous period and
the same period last year are simply left out of comparisons (:func:`has_records`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import Note
from .exceptions import Problem, SalesperfError
from .loaders import tables_and_lazy
from .schemas import TABLES
from .periods import Period, parse_period

__all__ = ["DATED", "records_in", "has_records", "months_without_records", "date_spans", "require_records", "active_days", "usual_gap",
           "export_end", "as_it_stood_on", "cut_at", "rows_before"]

#: The event tables and their date column.
DATED = (("orders", "order_date"), ("calls", "started_at"), ("traffic", "date"), ("service", "opened_at"),
         ("activities", "date"))
#: the dated tables and the inventory snapshots: what the data as they stood on a day leave out after it
_CUT_TABLES = (*DATED, ("inventory", "date"))


def _parquet(path) -> str:
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def records_in(dataset, period) -> dict[str, int]:
    """Rows per dated table (and KPI-sheet rows) that fall in ``period``."""
    import duckdb

    p = parse_period(period)
    tables, lazy = tables_and_lazy(dataset)
    out: dict[str, int] = {}
    for table, col in DATED:
        if table in tables and col in tables[table]:
            out[table] = int(p.contains(tables[table][col]).sum())
        elif table in lazy:
            sql = (f'SELECT count(*) FROM {_parquet(lazy[table])} WHERE "{col}" >= ? AND "{col}" < ?')
            out[table] = duckdb.sql(sql, params=[p.start.to_pydatetime(), p.end.to_pydatetime()]).fetchall()[0][0]
    sheet = tables.get("kpi_sheet")
    if sheet is not None and "period" in sheet:
        out["kpi_sheet"] = sum(_inside(v, p) for v in sheet["period"].astype(str))
    return out


def _inside(value: str, p: Period) -> bool:
    try:
        q = parse_period(value)
    except Exception:
        return False
    return q.start >= p.start and q.end <= p.end


def sheet_periods(dataset) -> list[str]:
    """The KPI sheet's periods (2026-09, 2026-Q3, ...) in order of their start, if it has any."""
    tables, _ = tables_and_lazy(dataset)
    return [str(q) for q in periods_of_sheet(tables.get("kpi_sheet"))]


def periods_of_sheet(sheet: pd.DataFrame | None) -> list[Period]:
    """The periods a KPI sheet's rows are for, each once, in order of their start (values that
    name no period, which the loader reports, are passed over)."""
    if sheet is None or "period" not in sheet:
        return []
    found = []
    for value in sheet["period"].dropna().astype(str).unique():
        try:
            found.append(parse_period(value))
        except SalesperfError:
            continue
    return sorted(found, key=lambda q: (q.start, q.end))


def has_records(dataset, period) -> bool:
    """Whether any dated table (or the KPI sheet) has a row in ``period``."""
    return any(records_in(dataset, period).values())


def months_without_records(dataset, period) -> list[Period]:
    """The months of ``period`` (a quarter or a year) in which no dated table has a row: an
    export that begins in March leaves January and February of its quarter without data."""
    return [m for m in period.months() if not has_records(dataset, m)]


def date_spans(dataset) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """First and last date of each dated table that has any."""
    import duckdb

    tables, lazy = tables_and_lazy(dataset)
    spans = {}
    for table, col in DATED:
        if table in tables and col in tables[table]:
            s = pd.to_datetime(tables[table][col]).dropna()
            lo, hi = (s.min(), s.max()) if len(s) else (pd.NaT, pd.NaT)
        elif table in lazy:
            lo, hi = duckdb.sql(f'SELECT min("{col}"), max("{col}") FROM {_parquet(lazy[table])}').fetchall()[0]
        else:
            continue
        if pd.notna(lo) and pd.notna(hi):
            spans[table] = (pd.Timestamp(lo), pd.Timestamp(hi))
    return spans


def require_records(dataset, period, *, what: str = "a scorecard") -> None:
    """Raise when no dated table has a row in ``period``, naming what the data do cover.

    Raises
    ------
    SalesperfError
        With each table's first and last date and how to fix the period.
    """
    p = parse_period(period)
    if has_records(dataset, p):
        return
    spans = date_spans(dataset)
    cover = "; ".join(f"{t} {lo:%Y-%m-%d} to {hi:%Y-%m-%d}" for t, (lo, hi) in spans.items())
    cover_zh = "；".join(f"{TABLES[t].zh if t in TABLES else t} {lo:%Y-%m-%d} 至 {hi:%Y-%m-%d}"
                        for t, (lo, hi) in spans.items())
    months = sheet_periods(dataset)
    if months:  # (a KPI sheet is dated by its months)
        cover = "; ".join(x for x in (cover, f"kpi_sheet {months[0]} to {months[-1]}") if x)
        cover_zh = "；".join(x for x in (cover_zh, f"指标表 {months[0]} 至 {months[-1]}") if x)
    found = f"The data cover: {cover}." if cover else "The data have no dated rows at all."
    found_zh = f"数据覆盖的日期：{cover_zh}。" if cover_zh else "数据中没有任何带日期的行。"
    kinds, kinds_zh = (("ticket, activity or KPI-sheet row", "工单、行为或指标表") if months or
                       "kpi_sheet" in tables_and_lazy(dataset)[0] else ("ticket or activity", "工单或行为"))
    raise SalesperfError(Note(
        f"No records in {p}: no order, call, visit, {kinds} is dated in {p} "
        f"({p.start:%Y-%m-%d} to {p.last_day:%Y-%m-%d}), so {what} would rank and pay people on nothing. "
        f"{found} Fix: choose a period the data cover (--period), or check that the export for {p} "
        f"is the one loaded.",
        f"{p} 没有任何记录：没有订单、通话、拜访、{kinds_zh}的日期在 {p}（{p.start:%Y-%m-%d} 至 "
        f"{p.last_day:%Y-%m-%d}）内，排名和薪酬将无所依据。{found_zh}修改方法：选择数据覆盖的期间（--period），"
        f"或检查载入的是否是 {p} 的导出文件。"))


#: the share of the gaps between days with rows that count as usual (see :func:`usual_gap`)
GAP_QUANTILE = 0.95
#: how many days with rows the history needs for its gaps to say what is usual; with fewer,
#: any day the export misses at the end of the period counts (see :func:`export_end`)
MIN_ACTIVE_DAYS = 14


def active_days(dataset, start, end) -> pd.DatetimeIndex:
    """The calendar days from ``start`` (inclusive) to ``end`` (exclusive) on which any
    dated table has a row, sorted."""
    import duckdb

    start, end = pd.Timestamp(start), pd.Timestamp(end)
    tables, lazy = tables_and_lazy(dataset)
    days: set = set()
    for table, col in DATED:
        if table in tables and col in tables[table]:
            s = pd.to_datetime(tables[table][col]).dropna()
            days.update(s[(s >= start) & (s < end)].dt.normalize())
        elif table in lazy:
            sql = (f'SELECT DISTINCT CAST("{col}" AS DATE) FROM {_parquet(lazy[table])} '
                   f'WHERE "{col}" >= ? AND "{col}" < ?')
            days.update(pd.Timestamp(d) for (d,) in duckdb.sql(
                sql, params=[start.to_pydatetime(), end.to_pydatetime()]).fetchall() if d is not None)
    return pd.DatetimeIndex(sorted(days))


def usual_gap(days: pd.DatetimeIndex) -> int:
    """The usual number of days from one day with rows to the next: the 95th percentile
    (:data:`GAP_QUANTILE`, the gap at or above it) of the gaps between consecutive
    ``days``, at least 1 (rows every day)."""
    gaps = np.diff(days.values).astype("timedelta64[D]").astype(int) if len(days) > 1 else np.array([], int)
    return max(1, int(np.quantile(gaps, GAP_QUANTILE, method="higher"))) if len(gaps) else 1


def export_start(dataset, period) -> pd.Timestamp | None:
    """The first day of the data when they begin part-way through ``period``, else None
    (they begin before it, or after its end: then it has no records at all).

    The mirror of :func:`export_end`: the data begin part-way through when the days from
    the period's first day to the data's first day with rows exceed :func:`usual_gap` of
    the days with rows in the year from that day (any dated table). Data with fewer than
    :data:`MIN_ACTIVE_DAYS` days with rows in that year are too sparse to tell a late start
    from a quiet spell (eight orders in two years): they count as begun in time, and the
    periods are compared as before. A CRM export whose first deal closed on 1 March covers
    one month of the first quarter: that quarter, compared with the second, would read as a
    rise of 172 %."""
    p = parse_period(period)
    first = min((lo for lo, _ in date_spans(dataset).values()), default=None)
    if first is None or first.normalize() <= p.start or first >= p.end:
        return None
    first = first.normalize()
    history = active_days(dataset, first, first + pd.DateOffset(years=1))
    if len(history) < MIN_ACTIVE_DAYS:
        return None
    return first if (first - p.start).days >= usual_gap(history) else None


def export_end(dataset, period, *, as_of=None) -> pd.Timestamp | None:
    """The last day of the data when the export counts as ending before ``period`` does,
    else None (the data cover the period).

    The export ends early when the days from its last day with rows to the day after the
    period (1 for data that reach the period's last day) exceed :func:`usual_gap` of the
    days with rows in the year up to the period's end (any dated table): the figures are
    then those up to that day. A sparse order table with no order on the period's last day,
    as on many days, is complete; a daily call log that stops two days early is not. A
    history of fewer than :data:`MIN_ACTIVE_DAYS` days with rows is too short to tell what
    is usual: any day missing at the end counts. ``as_of`` on or after the period's last
    day says that the export is complete: None.
    """
    p = parse_period(period)
    if as_of is not None and str(as_of) != "" and pd.Timestamp(as_of).normalize() >= p.last_day:
        return None
    last = max((hi for _, hi in date_spans(dataset).values()), default=None)
    if last is None or last.normalize() >= p.last_day:
        return None
    last = last.normalize()
    history = active_days(dataset, min(p.start, p.end - pd.DateOffset(years=1)), last + pd.Timedelta(days=1))
    gap = usual_gap(history) if len(history) >= MIN_ACTIVE_DAYS else 1
    return last if (p.end - last).days > gap else None


def as_it_stood_on(dataset, day) -> tuple[object, dict[str, int]]:
    """The data as they stood at the end of ``day`` (a report asked ``--as-of`` a day before
    the period's last, on an export that goes on after it: "where were we on the 20th").

    Rows of the dated tables (:data:`DATED`, and inventory snapshots) dated after ``day``
    are left out; of the orders kept, a refund or a payment recorded after ``day`` is not
    known yet (a refunded order reads as completed, an order paid later as unpaid), nor is a
    shipment; a ticket resolved after ``day`` is still open. Rows without a date are kept.
    Parquet tables left on disk are read in first. Each table that loses rows, and the
    orders whose refund or payment is undone, get a warning in the dataset's ``warnings``
    (the report's data-quality appendix lists them).

    Returns the dataset and what was left out: rows per table, and under ``"refunds_undone"``
    and ``"payments_undone"`` the orders whose later refund or payment was undone (a table or
    kind with nothing left out is not named)."""
    import dataclasses

    day = pd.Timestamp(day).normalize()
    tables, lazy = tables_and_lazy(dataset)
    for table, _ in _CUT_TABLES:
        if table in lazy and table not in tables:
            tables[table] = pd.read_parquet(lazy.pop(table))
    tables, left = cut_at(tables, day + pd.Timedelta(days=1))
    notes: list[Problem] = []
    for table, _ in _CUT_TABLES:
        zh_table = TABLES[table].zh if table in TABLES else table
        if table in left:
            notes.append(Problem(
                table=table, check="after_as_of", severity="warning",
                message=f"{left[table]:,} {table} rows dated after {day:%Y-%m-%d} (--as-of) were left out: the "
                        f"report shows the data as they stood at the end of that day.",
                zh=f"{zh_table}中日期在 {day:%Y-%m-%d}（--as-of）之后的 {left[table]:,} 行未计入：报告按该日结束时的数据计算。"))
        if table == "orders" and ("refunds_undone" in left or "payments_undone" in left):
            en = [f"{left['refunds_undone']:,} refunded after that day count as completed" if "refunds_undone" in left else "",
                  f"{left['payments_undone']:,} paid after that day count as unpaid" if "payments_undone" in left else ""]
            zh = [f"{left['refunds_undone']:,} 笔在该日之后才退款的订单按成交计" if "refunds_undone" in left else "",
                  f"{left['payments_undone']:,} 笔在该日之后才付款的订单按未付款计" if "payments_undone" in left else ""]
            notes.append(Problem(
                table=table, check="after_as_of", severity="warning",
                message=f"Of the orders up to {day:%Y-%m-%d} (--as-of), {' and '.join(x for x in en if x)}, "
                        "as they stood on that day.",
                zh=f"截至 {day:%Y-%m-%d}（--as-of）的订单中，{'，'.join(x for x in zh if x)}，与该日的情况一致。"))
    if not dataclasses.is_dataclass(dataset):  # (a plain dict of tables)
        return tables, left
    return dataclasses.replace(dataset, tables=tables, lazy=lazy,
                               warnings=[*getattr(dataset, "warnings", []), *notes]), left


def rows_before(tables: dict[str, pd.DataFrame], end: pd.Timestamp, dated=DATED) -> dict[str, pd.DataFrame]:
    """The tables without the rows of the ``dated`` tables (table, date column) from ``end``
    on; rows without a date are kept, and what is known now of the rows kept stays (unlike
    :func:`cut_at`), as for any earlier period: the part of a period a comparison reads."""
    out = dict(tables)
    for table, col in dated:
        df = out.get(table)
        if df is not None and col in df:
            out[table] = df[~(pd.to_datetime(df[col], errors="coerce") >= end)]
    return out


def cut_at(tables: dict[str, pd.DataFrame], cutoff: pd.Timestamp) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The tables as they stood just before ``cutoff``: rows of the dated tables (and the
    inventory snapshots) dated from ``cutoff`` on left out; of the orders kept, a refund, a
    payment or a shipment recorded from then on not known yet (a refunded order reads as
    completed, an order paid later as unpaid); a ticket resolved from then on still open.
    Rows without a date are kept. Returns the tables and what was left out: rows per table,
    and ``"refunds_undone"`` / ``"payments_undone"`` (a kind with nothing is not named)."""
    out = dict(tables)
    left: dict[str, int] = {}
    for table, col in _CUT_TABLES:
        df = out.get(table)
        if df is None or col not in df:
            continue
        late = pd.to_datetime(df[col], errors="coerce") >= cutoff
        df = df[~late].copy()
        if late.any():
            left[table] = int(late.sum())
        if table == "orders":
            if "refunded_at" in df:
                later = pd.to_datetime(df["refunded_at"], errors="coerce") >= cutoff
                if "status" in df:
                    undone = later & (df["status"] == "refunded")
                    if undone.any():
                        left["refunds_undone"] = int(undone.sum())
                    df.loc[undone, "status"] = "completed"
                df.loc[later, "refunded_at"] = pd.NaT
            if "paid_date" in df:
                later = pd.to_datetime(df["paid_date"], errors="coerce") >= cutoff
                if later.any():
                    left["payments_undone"] = int(later.sum())
                df.loc[later, "paid_date"] = pd.NaT
                if "paid_amount" in df:
                    df.loc[later, "paid_amount"] = 0.0
            if "shipped_at" in df:
                df.loc[pd.to_datetime(df["shipped_at"], errors="coerce") >= cutoff, "shipped_at"] = pd.NaT
        if table == "service" and "resolved_at" in df:
            df.loc[pd.to_datetime(df["resolved_at"], errors="coerce") >= cutoff, "resolved_at"] = pd.NaT
        out[table] = df
    return out, left
