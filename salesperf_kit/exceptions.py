"""Every exception the kit raises.

All of them derive from :class:`SalesperfError`, so a caller (the CLI, a notebook)
can catch one type and print a clean message instead of a traceback. Messages say
what went wrong, where (file, sheet, row, column or YAML key), what was expected,
what was found, and how to fix it.
"""
from __future__ import annotations

import signal
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "SalesperfError",
    "DataContractError",
    "Problem",
    "ParamsError",
    "KPIError",
    "ScoringError",
    "ReportError",
    "Interrupted",
]


class SalesperfError(Exception):
    """Base class of every error raised by salesperf_kit."""


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

    def text(self, language: str = "en") -> str:
        """The message (without its location) in ``language``: the Chinese one when there is."""
        return self.zh if language == "zh" and self.zh else self.message

    def location(self) -> str:
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
        return ", ".join(parts) if parts else f"table '{self.table}'" if self.table else ""

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None and not (isinstance(self.value, float) and pd.isna(self.value)) \
                and repr(self.value) not in self.message:  # (a message that quotes it already says it)
            text += f" (found {self.value!r})"
        if self.fix:
            text += f"{'' if text.endswith(('.', '?', '!', '…')) else '.'} Fix: {self.fix}"
        return text


@dataclass
class DataContractError(SalesperfError):
    """The input data break the data contract; ``problems`` lists every finding at once."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.report())

    def report(self, limit: int = 50) -> str:
        errors = self.problems
        lines = [f"The data break the contract in {len(errors)} place(s):"]
        for p in errors[:limit]:
            lines.append(f"  - {p}")
        if len(errors) > limit:
            lines.append(f"  ... and {len(errors) - limit} more (see DataContractError.table())")
        return "\n".join(lines)

    def table(self) -> pd.DataFrame:
        """All problems as a tidy DataFrame (one row per finding)."""
        cols = ["severity", "table", "file", "sheet", "row", "column", "key", "written", "check", "value", "message",
                "fix"]
        rows = [{c: getattr(p, c) for c in cols} for p in [*self.problems, *self.warnings]]
        return pd.DataFrame(rows, columns=cols)


class ParamsError(SalesperfError):
    """A parameter file is malformed: names the file and the YAML key path. ``key`` is the
    place of the key at fault (``("incentives", "comission")``) when there is one."""

    def __init__(self, message: str, *, file: str | None = None, errors: list[str] | None = None,
                 key: tuple | None = None):
        self.file = file
        self.key = key
        self.errors = errors or [message]
        head = f"{file}: " if file else ""
        if errors and len(errors) > 1:
            text = head + message + "\n" + "\n".join(f"  - {e}" for e in errors)
        else:
            text = head + (errors[0] if errors else message)
        super().__init__(text)


class KPIError(SalesperfError):
    """A KPI cannot be computed (unknown name, a table or column it needs is absent)."""


class ScoringError(SalesperfError):
    """Scores, grades or payouts cannot be computed from the given settings."""


class ReportError(SalesperfError):
    """A report run failed; earlier reports are untouched."""


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
