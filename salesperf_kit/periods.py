"""Reporting periods: a month ``2026-10``, a quarter ``2026-Q3`` or a year ``2026``.

The same periods are read as people write them, on the command line and in the period
column of targets and KPI sheets: ``2026/10``, ``2026年10月``, ``202610``, ``Oct-2026``,
``2026Q3``, ``2026年第三季度``, ``2026年``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from datetime import date

import pandas as pd

from .exceptions import SalesperfError

__all__ = ["Period", "parse_period", "read_period", "last_complete_month", "MONTH_NAMES", "MONTH_NUMBERS"]


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

    def label(self, language: str = "en") -> str:
        """How a reader names the period: 2026年10月 / October 2026, 2026年第三季度 / Q3 2026,
        2026年 / 2026 (``str(period)`` stays the ISO form used in paths and files)."""
        zh = language == "zh"
        if self.kind == "month":
            return f"{self.year}年{self.index}月" if zh else f"{self.start:%B} {self.year}"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度" if zh else f"Q{self.index} {self.year}"
        return f"{self.year}年" if zh else str(self.year)

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
    """Parse ``2026-10`` (month), ``2026-Q3`` (quarter) or ``2026`` (year), or one of the
    ways people write them (see the module docstring): ``2026年10月`` is ``2026-10``.

    A ``datetime.date`` gives the month that contains it.
    """
    if isinstance(value, Period):
        return value
    if isinstance(value, date):
        return Period("month", value.year, value.month)
    found = _read(str(value).strip())
    if found is not None and 1900 <= found.year <= 2999:  # (the calendar the dates of sales data use)
        return found
    if found is not None:
        raise SalesperfError(f"The period '{value}' is not a year of sales data: expected a year from 1900 to 2999.")
    raise SalesperfError(
        f"The period '{value}' is not understood: expected a month like 2026-10, "
        f"a quarter like 2026-Q3 or a year like 2026 (2026年10月, 2026年第三季度 and 2026年 "
        f"are read too)."
    )


def read_period(value) -> Period | None:
    """:func:`parse_period`, or None when ``value`` is not a period of sales data."""
    try:
        return parse_period(value)
    except SalesperfError:
        return None


_QUARTER_ZH = {"一": "1", "二": "2", "三": "3", "四": "4"}
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
#: a month's English name or abbreviation, in lower case -> its number
MONTH_NUMBERS = {**{m[:3]: i for i, m in enumerate(MONTH_NAMES, 1)},
                 **{m: i for i, m in enumerate(MONTH_NAMES, 1)}, "sept": 9}
_MONTH_WORD = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_WRITTEN = (  # (pattern over the text without spaces, in lower case; kind)
    (re.compile(r"(\d{4})[-/.年](\d{1,2})月?"), "month"),
    (re.compile(r"(\d{4})(\d{2})"), "month"),  # 202610, as ERPs write an accounting month
    (re.compile(r"(\d{4})[-/]?q([1-4])"), "quarter"),
    (re.compile(r"(\d{4})年?第?([1-4一二三四])季度?"), "quarter"),
    (re.compile(r"(\d{4})年?"), "year"),
    (re.compile(r"(\d{4})-(\d{1,2})-0?1"), "month"),  # a month written as its first day
)


def _read(text: str) -> Period | None:
    """The period ``text`` names (any year), or None: 2026-10, 2026-Q3 and 2026 are the
    first, third and fifth of the written forms."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())
    for pattern in (rf"({_MONTH_WORD})[-/.,]?(\d{{4}})", rf"(\d{{4}})[-/.,]?({_MONTH_WORD})"):
        if m := re.fullmatch(pattern, text):
            year, month = (m[2], m[1]) if m[1].isalpha() else (m[1], m[2])
            return _period("month", year, MONTH_NUMBERS[month])
    for pattern, kind in _WRITTEN:
        if m := pattern.fullmatch(text):
            return _period(kind, m[1], _QUARTER_ZH.get(m[2], m[2]) if kind != "year" else "1")
    return None


def _period(kind: str, year, index) -> Period | None:
    index = int(index)
    return Period(kind, int(year), index) if 1 <= index <= {"month": 12, "quarter": 4, "year": 1}[kind] else None


def last_complete_month(today: date | None = None) -> Period:
    """The last calendar month that has fully ended before ``today`` (what cron wants)."""
    today = today or date.today()
    return Period("month", today.year, today.month).previous()
