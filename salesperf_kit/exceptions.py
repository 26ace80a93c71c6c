"""Every exception the kit raises.

All of them derive from :class:`SalesperfError`, so a caller (the CLI, a notebook)
can catch one type and print a clean message instead of a traceback. Messages say
what went wrong, where (file, sheet, row, column or YAML key), what was expected,
what was found, and how to fix it.
"""
from __future__ import annotations

import re
import signal
from dataclasses import dataclass, field, replace

import pandas as pd

__all__ = [
    "SalesperfError",
    "DataContractError",
    "Problem",
    "ParamsError",
    "KPIError",
    "ScoringError",
    "ReportError",
    "ReportExistsError",
    "ReportBusyError",
    "Interrupted",
    "file_error",
]


class SalesperfError(Exception):
    """Base class of every error raised by salesperf_kit.

    An error whose message is a :class:`~salesperf_kit.catalogue.Note` (English and Chinese)
    reads in Chinese once its ``language`` is set to ``"zh"`` (``Scorecard.explain`` sets it
    to the language asked for)."""

    language: str | None = None

    def __str__(self) -> str:
        note = self.args[0] if len(self.args) == 1 else None
        if self.language == "zh" and getattr(note, "zh", ""):
            return note.zh
        return super().__str__()


@dataclass(frozen=True)
class Problem:
    """One finding of data validation, located as the user sees it.

    ``row`` is the row number as shown in Excel or a text editor (the header is
    row 1, the first data row is row 2); ``None`` when the problem concerns a
    whole column or table. ``key`` is the parameter-file key the finding is about
    (``scoring.grading.thresholds.D``, ``data.defaults.employees.role``) when the value
    at fault was written there rather than in a cell of the export; it is then the
    finding's location, with ``written`` (the file and line of the key) when known.
    """

    table: str
    check: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    fix: str = ""
    severity: str = "error"  # "error" or "warning"
    zh: str = ""  # the message in Chinese, for reports in Chinese (warnings)
    key: str | None = None  # the parameter-file key at fault, when not a cell
    written: str | None = None  # where that key is written: "acme.yaml, line 12"

    header: str | None = None  # the export's header of ``column``, when it differs from it

    def text(self, language: str = "en") -> str:
        """The message (without its location) in ``language``: the Chinese one when there is
        (``zh``, or the Chinese text of a message given as a :class:`~salesperf_kit.catalogue.Note`)."""
        if language == "zh":
            zh = self.zh or getattr(self.message, "zh", "")
            if zh:
                return zh
        return self.message

    def fix_text(self, language: str = "en") -> str:
        """The fix in ``language``: the Chinese text of a fix given as a Note, else the fix."""
        return (getattr(self.fix, "zh", "") or self.fix) if language == "zh" else self.fix

    def location(self, language: str = "en") -> str:
        if language == "zh":
            return self._location_zh()
        if self.key:
            return f"{self.key} ({self.written})" if self.written else self.key
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts) if parts else f"table '{self.table}'" if self.table not in ("", "?") else ""

    def _location_zh(self) -> str:
        """The location as a Chinese reader says it: 工作表「订单」第 3 行「下单日期」列 (the
        export's header for the column, as the reader sees it), after the file and a
        full-width comma; a key with its file and line: ``x.rate（acme.yaml 第 12 行）``."""
        if self.key:
            return f"{self.key}（{written_zh(self.written)}）" if self.written else self.key
        cell = "".join([f"工作表「{self.sheet}」" if self.sheet else "",
                        f"第 {self.row} 行" if self.row is not None else "",
                        f"「{self.header or self.column}」列" if self.column else ""])
        parts = [x for x in (self.file, cell) if x]
        return "，".join(parts) if parts else f"表「{self.table}」" if self.table not in ("", "?") else ""

    def line(self, language: str = "en") -> str:
        """The finding on one line in ``language``: where, what is wrong, the value found and
        the fix; in English, ``str(problem)``."""
        if language != "zh":
            return str(self)
        where, text = self.location("zh"), self.text("zh")
        if self.key:  # (a Chinese message that begins with its key, as the report's appendix shows it)
            text = _without_prefix(text, f"{self.key}：")
        text = f"{where}：{text}" if where else text
        if _shown(self.value) and str(self.value) not in text:  # (a message that quotes it already says it)
            text += f"（实际为{found_zh(self.value)}）"
        fix = self.fix_text("zh")
        if fix:
            text += f"{'' if text.endswith(_ZH_STOPS) else '。'}修改方法：{fix}"
        return text

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if _shown(self.value) and repr(self.value) not in self.message:  # (a message that quotes it already says it)
            text += f" (found {self.value!r})"
        if self.fix:
            text += f"{'' if text.endswith(('.', '?', '!', '…')) else '.'} Fix: {self.fix}"
        return text


_ZH_STOPS = ("。", "？", "！", "…", ".", "?", "!")


def _without_prefix(text: str, prefix: str) -> str:
    """``text`` without ``prefix``: a Chinese message that begins with its key (as the
    report's appendix shows it) is not given its location twice."""
    return text[len(prefix):] if text.startswith(prefix) else text


def written_zh(written: str | None) -> str:
    """Where a key is written, in Chinese: ``acme.yaml, line 12`` -> ``acme.yaml 第 12 行``,
    ``line 9`` -> ``第 9 行``."""
    return re.sub(r"(?:^|, )line (\d+)$", lambda m: f"{' ' if m.start() else ''}第 {m.group(1)} 行",
                  str(written or ""))


def found_zh(value: object) -> str:
    """A value found, as a Chinese message quotes it: text in 「」, a number as it is."""
    return f"「{value}」" if isinstance(value, str) else str(value)


@dataclass
class DataContractError(SalesperfError):
    """The input data break the data contract; ``problems`` lists every finding at once."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.report())

    def report(self, limit: int = 50) -> str:
        """The findings as a reader acts on them: one line per kind of problem (the same
        file, sheet, column or key, and check), with how many rows have it, the first of
        them, the values found there and the fix; at most ``limit`` lines. A thousand rows
        of text in an amount column are one mistake in the mapping, not a thousand."""
        errors = self.problems
        groups = _grouped(errors)
        kinds = f" ({_count(len(groups), 'kind')} of problem)" if len(groups) < len(errors) else ""
        lines = [f"The data break the contract in {_count(len(errors), 'place')}{kinds}:"]
        lines += [f"  - {_group_line(items)}" for items in groups[:limit]]
        if len(groups) > limit:
            rest = groups[limit:]
            lines.append(f"  ... and {len(rest):,} more {'kind' if len(rest) == 1 else 'kinds'} of problem in "
                         f"{_count(sum(map(len, rest)), 'place')}: "
                         "salesperf validate (with the same data and --params) lists them file by file")
        return "\n".join(lines)

    def table(self) -> pd.DataFrame:
        """All problems as a tidy DataFrame (one row per finding)."""
        cols = ["severity", "table", "file", "sheet", "row", "column", "key", "written", "check", "value", "message",
                "fix"]
        rows = [{c: getattr(p, c) for c in cols} for p in [*self.problems, *self.warnings]]
        return pd.DataFrame(rows, columns=cols)


_ROWS_SHOWN = 5  # row numbers of a kind of problem given before the rest are counted
_VALUES_SHOWN = 3  # values found, most frequent first


def _grouped(problems: list[Problem]) -> list[list[Problem]]:
    """``problems`` in groups of one kind (same file, sheet, table, column, key and check),
    in the order their first finding came."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.sheet, p.table, p.column, p.key, p.check), []).append(p)
    return list(groups.values())


def _count(n: int, noun: str) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1: "1 kind", "6,711 places"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _shown(value: object) -> bool:
    """Whether a finding's value is one to quote: not a blank, and not the facts a check
    records for the program (a dict, such as the key and row count of a filter)."""
    if isinstance(value, dict):
        return False
    try:
        return value is not None and not bool(pd.isna(value))
    except (TypeError, ValueError):  # (a list or an array is no blank)
        return True


def _group_line(items: list[Problem]) -> str:
    """One kind of problem on one line: where (without the row), how many rows and the
    first of them, what is wrong, the values found (most frequent first) and the fix."""
    first = items[0]
    if len(items) == 1:
        return str(first)
    where = replace(first, row=None).location()
    rows = [p.row for p in items if p.row is not None]
    if rows:
        shown = ", ".join(map(str, rows[:_ROWS_SHOWN])) + (", ..." if len(rows) > _ROWS_SHOWN else "")
        where += f", {len(items):,} rows ({shown})" if len(rows) == len(items) else f", {len(items):,} places"
    else:
        where += f", {len(items):,} places"
    same = all(p.message == first.message for p in items)
    text = first.message if same else (f"e.g. row {first.row}: {first.message}" if first.row is not None
                                       else f"e.g. {first.message}")
    found = pd.Series([p.value for p in items if _shown(p.value)], dtype="object").astype(str)
    if len(found) and not (not same and found.nunique() == len(items)):  # (values the messages quote already)
        counts = found.value_counts(sort=False).sort_values(ascending=False, kind="stable")
        values = ", ".join(f"'{v}'" + (f" x{n:,}" if n > 1 else "") for v, n in counts.head(_VALUES_SHOWN).items())
        if len(counts) > _VALUES_SHOWN:
            values += f" and {len(counts) - _VALUES_SHOWN:,} other value(s)"
        text = text.rstrip(".") + f"; found {values}"
    if first.fix:
        text += f"{'' if text.endswith(('.', '?', '!', '…')) else '.'} Fix: {first.fix}"
    return f"{where}: {text}"


class ParamsError(SalesperfError):
    """A parameter file is malformed: names the file and the YAML key path. ``key`` is the
    place of the key at fault (``("incentives", "comission")``) when there is one.

    ``message`` and each of ``errors`` may be a :class:`~salesperf_kit.catalogue.Note`,
    whose ``zh`` is its Chinese text: :meth:`text` then gives the error in Chinese for a plan
    in Chinese; ``str(err)`` is the English text."""

    def __init__(self, message: str, *, file: str | None = None, errors: list[str] | None = None,
                 key: tuple | None = None):
        self.file = file
        self.key = key
        self.message = message
        self.errors = errors or [message]
        super().__init__(self.text())

    def body(self, language: str = "en") -> str:
        """The error without its file, in ``language``: in Chinese, each text that has a
        Chinese one (the others stay in English); the English text when none has."""
        zh = language == "zh" and self.has_zh()

        def said(t) -> str:
            return (getattr(t, "zh", "") or str(t)) if zh else str(t)

        if len(self.errors) > 1:
            return said(self.message) + "\n" + "\n".join(f"  - {said(e)}" for e in self.errors)
        return said(self.errors[0])

    def has_zh(self) -> bool:
        """Whether any of the error's texts has a Chinese one."""
        return any(getattr(t, "zh", "") for t in [self.message, *self.errors])

    def text(self, language: str = "en") -> str:
        """The error in ``language``, after the file it is about: ``acme.yaml: ...``, in
        Chinese ``acme.yaml：...`` (English when none of its texts has a Chinese one)."""
        zh = language == "zh" and self.has_zh()
        head = f"{self.file}{'：' if zh else ': '}" if self.file else ""
        return head + self.body(language)


class KPIError(SalesperfError):
    """A KPI cannot be computed (unknown name, a table or column it needs is absent)."""


class ScoringError(SalesperfError):
    """Scores, grades or payouts cannot be computed from the given settings."""


class ReportError(SalesperfError):
    """A report run failed; earlier reports are untouched."""


def file_error(err: OSError) -> ReportError:
    """A file or folder the system would not read or write (a permission, a full disk, a
    lock file), as the kit's own error: which path, what the system said, what to check;
    a batch then reports it as that run's failure instead of stopping on a traceback."""
    where = f" {err.filename}" if err.filename else ""
    return ReportError(f"The system refused to read or write{where}: {err.strerror or err}. Check that the user "
                       "running salesperf may read the data and write the reports folder, and that the disk has "
                       "free space; then rerun.")


class ReportExistsError(SalesperfError):
    """The report asked for is already in place (``folder``) and ``force`` was not given.

    ``run_report`` raises it; a batch (``run_all``) counts that report as skipped, not
    failed: rerunning a period after fixing one client's file must not turn the reports
    already written into failures, nor need ``--force`` (which would redo reports that may
    have gone out to the client already).
    """

    def __init__(self, message: str, folder=None):
        super().__init__(message)
        self.folder = folder


class ReportBusyError(SalesperfError):
    """Another run (a second cron job, a run started by hand) holds the lock of the report
    asked for (``folder``): it is writing that report now, so this run leaves it alone.

    ``holder`` is what that run wrote beside its lock (pid, host, start time, command), or
    an empty dict when it had not written it yet. A batch counts such a report as not
    succeeded: it did not produce what it was asked for.
    """

    def __init__(self, message: str, folder=None, holder: dict | None = None):
        super().__init__(message)
        self.folder = folder
        self.holder = dict(holder or {})


class Interrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C (SIGINT) or SIGTERM before it was done.

    A ``KeyboardInterrupt``, not a :class:`SalesperfError`: nothing is wrong with the data
    or the parameters, and code that handles a report's failure (``except Exception``)
    must let it through as it lets Ctrl-C through. ``signum`` is the signal. For a batch,
    ``results`` are the reports that were done when it came (ok or failed, as
    ``run_all`` returns them) and ``total`` is how many reports the batch had. A report
    that was not done wrote nothing: its staging folder is removed and an earlier report
    of the same period and client is untouched.
    """

    def __init__(self, message: str = "", signum: int = signal.SIGINT, results: list | None = None,
                 total: int = 0):
        super().__init__(message)
        self.signum = int(signum)
        self.results = list(results or [])
        self.total = total

    @property
    def signal_name(self) -> str:
        """How the user sent it: "Ctrl-C" for SIGINT, else the signal's name."""
        return "Ctrl-C" if self.signum == signal.SIGINT else signal.Signals(self.signum).name
