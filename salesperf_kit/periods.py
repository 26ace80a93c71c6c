"""Reporting periods: a month ``2026-10``, a quarter ``2026-Q3`` or a year ``2026``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date

import pandas as pd

from .exceptions import SalesperfError

__all__ = ["Period", "parse_period", "last_complete_month"]

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A closed calendar interval: ``start`` inclusive, ``end`` exclusive (both midnight)."""

    kind: str  # "month" | "quarter" | "year"
    year: int
    index: int  # month 1-12, quarter 1-4, or 1 for a year

    @property
    def start(self) -> pd.Timestamp:
        return _bounds(self)[0]

    @property
    def end(self) -> pd.Timestamp:
        """Exclusive end: the first instant after the period."""
        return _bounds(self)[1]

    @property
    def last_day(self) -> pd.Timestamp:
        return _bounds(self)[2]

    def shift(self, n: int) -> "Period":
        """The period ``n`` steps later (negative: earlier), of the same kind."""
        per_year = {"month": 12, "quarter": 4, "year": 1}[self.kind]
        k = self.year * per_year + (self.index - 1) + n
        return Period(self.kind, k // per_year, k % per_year + 1)

    def previous(self) -> "Period":
        return self.shift(-1)

    def same_last_year(self) -> "Period":
        return Period(self.kind, self.year - 1, self.index)

    def months(self) -> list["Period"]:
        """The months this period is made of."""
        first = self.start
        n = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return [Period("month", (first + pd.DateOffset(months=i)).year,
                       (first + pd.DateOffset(months=i)).month) for i in range(n)]

    def contains(self, ts: pd.Series) -> pd.Series:
        return (ts >= self.start) & (ts < self.end)

    def employs(self, hire=None, leave=None) -> bool:
        """Whether someone hired on ``hire`` whose last day is ``leave`` works in this
        period at all (for a day or more); an unknown date does not rule them out."""
        if leave is not None and not pd.isna(leave) and pd.Timestamp(leave) < self.start:
            return False
        return hire is None or pd.isna(hire) or pd.Timestamp(hire) <= self.last_day

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        return f"{self.year}"


@lru_cache(maxsize=1024)
def _bounds(p: Period) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """``start``, ``end`` and ``last_day`` of ``p``, computed once per period: hiring
    checks ask for them once per employee."""
    def first_day(q: Period) -> pd.Timestamp:
        month = {"month": q.index, "quarter": 3 * (q.index - 1) + 1, "year": 1}[q.kind]
        return pd.Timestamp(q.year, month, 1)

    start, end = first_day(p), first_day(p.shift(1))
    return start, end, end - pd.Timedelta(days=1)


def parse_period(value: "str | Period | int | date") -> Period:
    """Parse ``2026-10`` (month), ``2026-Q3`` (quarter) or ``2026`` (year).

    A ``datetime.date`` gives the month that contains it.
    """
    if isinstance(value, Period):
        return value
    if isinstance(value, date):
        return Period("month", value.year, value.month)
    text = str(value).strip()
    found = None
    if m := _MONTH.match(text):
        month = int(m.group(2))
        if 1 <= month <= 12:
            found = Period("month", int(m.group(1)), month)
    elif m := _QUARTER.match(text):
        found = Period("quarter", int(m.group(1)), int(m.group(2)))
    elif m := _YEAR.match(text):
        found = Period("year", int(m.group(1)), 1)
    if found is not None and 1900 <= found.year <= 2999:  # (the calendar the dates of sales data use)
        return found
    if found is not None:
        raise SalesperfError(f"The period '{value}' is not a year of sales data: expected a year from 1900 to 2999.")
    raise SalesperfError(
        f"The period '{value}' is not understood: expected a month like 2026-10, "
        f"a quarter like 2026-Q3 or a year like 2026."
    )


def last_complete_month(today: date | None = None) -> Period:
    """The last calendar month that has fully ended before ``today`` (what cron wants)."""
    today = today or date.today()
    return Period("month", today.year, today.month).previous()
