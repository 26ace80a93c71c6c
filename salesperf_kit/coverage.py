"""Which periods the data cover.

A period in which no dated table has a row has no figures, which is not the same as
figures of 0: scoring people on it would rank and pay them on nothing. Scorecards and
reports therefore refuse such a period (:func:`require_records`); the previous period and
the same period last year are simply left out of comparisons (:func:`has_records`).
"""
from __future__ import annotations

import pandas as pd

from .exceptions import SalesperfError
from .loaders import tables_and_lazy
from .periods import Period, parse_period

__all__ = ["DATED", "records_in", "has_records", "date_spans", "require_records"]

#: The event tables and their date column.
DATED = (("orders", "order_date"), ("calls", "started_at"), ("traffic", "date"), ("service", "opened_at"),
         ("activities", "date"))


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


def has_records(dataset, period) -> bool:
    """Whether any dated table (or the KPI sheet) has a row in ``period``."""
    return any(records_in(dataset, period).values())


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
    found = f"The data cover: {cover}." if cover else "The data have no dated rows at all."
    raise SalesperfError(
        f"No records in {p}: no order, call, visit, ticket or activity is dated in {p} "
        f"({p.start:%Y-%m-%d} to {p.last_day:%Y-%m-%d}), so {what} would rank and pay people on nothing. "
        f"{found} Fix: choose a period the data cover (--period), or check that the export for {p} "
        f"is the one loaded.")
