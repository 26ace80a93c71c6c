"""Read clients' exports into the data contract, reporting every problem at once.

:func:`load_dataset` reads a folder of files named after the tables (``orders.csv``,
``员工.xlsx``, ``calls.parquet``), one Excel workbook whose sheets are named after the
tables, or a single file. It finds the header row, maps the export's headers to the
contract's columns (explicit mapping first, then the exact contract name, then
:data:`~salesperf_kit.aliases.COLUMN_ALIASES`), recodes values, parses dates, numbers and
yes/no values itself, validates every table with its pandera model and checks the
references between tables (:func:`~salesperf_kit.schemas.check_references`).

Nothing is silently dropped, coerced or deduplicated: every value that cannot be read is
reported with its file, sheet, row (as Excel shows it), column and the raw text, and all
findings come back together in one :class:`~salesperf_kit.exceptions.DataContractError`.
A value that ``defaults`` gave is reported once at its key (``data.defaults.orders.status``),
not at each row it fills.
:func:`validate_dataset` runs the same checks and returns a :class:`ValidationReport`
instead of raising.

The optional ``mapping`` is the ``data:`` section of a parameter file::

    files:    {orders: sales_pipeline.csv, employees: "book.xlsx#Staff"}
    columns:  {orders: {opportunity_id: order_id, close_value: amount},
               employees: {sales_agent: [employee_id, name]}}
    values:   {orders: {status: {Won: completed, Lost: cancelled}}}
    defaults: {employees: {role: agent}}
    filters:  {orders: {deal_stage: [Won, Lost], 推广员: {not: ['', 小鱼儿]}}}  # keep / leave out; '' is blank
    managers: {role: manager}
    encoding: gbk
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import importlib
import io
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from ._checks import check_one_of, closest, did_you_mean, one_slip_apart, person, squeezed
from ._repr import compact_repr
from .aliases import (BOOLEAN_VALUES, COLUMN_ALIASES, KPI_HEADERS, NEAR_COLUMNS, VALUE_ALIASES, normalise,
                      table_of_name)
from .catalogue import CATALOGUE, CURRENCIES, SHARES, SHEET_COUNTS, Note
from .exceptions import DataContractError, Problem, SalesperfError
from .params import lookup_spellings
from .periods import Period, parse_period, read_period
from .schemas import TABLES, check_references

__all__ = ["SourceInfo", "Dataset", "ValidationReport", "load_dataset", "load_data", "load_plan_data", "tables_of",
           "validate_dataset"]

_MAPPING_KEYS = ("files", "lookups", "lines", "columns", "values", "defaults", "filters", "managers", "encoding",
                 "date_order", "decimal_mark", "currency")
# parameter files kept beside the client's exports (the plan whose data.path is "."): not tables
_PLAN_SUFFIXES = (".yaml", ".yml")
# data.managers: what the managers added from manager_id are given (role required)
_MANAGER_KEYS = ("role", "team")
# tables whose export may hold several lines per record (data.lines): the id the lines share,
# and the columns added up over the lines (every other column must agree between them).
# employees: a list of people taken from a log (each agent of a call log, each rep of deals)
_LINES = {"orders": ("order_id", ("amount", "cost", "quantity", "paid_amount")),
          "employees": ("employee_id", ())}
# kind "xlsx" is any Excel workbook: .xlsx/.xlsm read with openpyxl, the old binary .xls
# (Excel 97-2003) with calamine (see _excel_engine)
_KINDS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
          ".xls": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
_DELIMITERS = (",", ";", "\t", "|")
_HEADER_SCAN = 10  # the header is looked for in the first rows (title lines above it are skipped)
# The date that places a row of a fact table in time (used for the period warning).
_EVENT_DATES = {"orders": "order_date", "calls": "started_at", "traffic": "date",
                "service": "opened_at", "activities": "date", "inventory": "date"}
_KPI_LABELS = {normalise(label): name for name, info in CATALOGUE.items()
               for label in (name, info.zh, info.en, *KPI_HEADERS.get(name, ()))}
_KPI_LABELS.update({normalise(label): name for name, labels in SHEET_COUNTS.items()
                    for label in (name, *labels, *KPI_HEADERS.get(name, ()))})
_DATE_FIX = Note("write dates like 2026-10-01, 2026/10/01, 2026-10-01 13:05 or 2026年10月1日",
                 "日期写成 2026-10-01、2026/10/01、2026-10-01 13:05 或 2026年10月1日")
_NUMBER_FIX = Note("write a plain number such as 1234.5 (thousands separators, ¥ $ € and 万/亿 "
                   "are accepted; no %, no words)",
                   "写普通数字，如 1234.5（可带千位分隔符、¥ $ € 和 万/亿；不能带 % 或文字）")
# (for cells such as 1.234,56 in a table whose other numbers use the decimal point)
_COMMA_FIX = Note(f"{_NUMBER_FIX}; if the export writes a decimal comma (1.234,56), say so with "
                  "data.decimal_mark: ','",
                  f"{_NUMBER_FIX.zh}；如果导出文件用逗号作小数点（1.234,56），用 data.decimal_mark: ',' 说明")
# YAML 1.1 reads unquoted Yes/No/On/Off/True/False as booleans.
_YAML_BOOLEANS = Note("YAML reads unquoted Yes/No/On/Off as true/false: quote the values in the "
                      "parameter file, e.g. ['Yes'] instead of [Yes]",
                      "YAML 把不加引号的 Yes/No/On/Off 读作 true/false：在参数文件中给这些值加上引号，"
                      "如写 ['Yes'] 而不是 [Yes]")
# The spellings a boolean key of data.values stands for (it was an unquoted Yes/No/On/Off).
_BOOLEAN_SPELLINGS = {flag: tuple(dict.fromkeys(
    [normalise(k) for k, v in BOOLEAN_VALUES.items() if v is flag] + ["on" if flag else "off"]))
    for flag in (True, False)}
_OLD_EXCEL = (".xlsb", ".ods", ".et")


def _with_hint(text: str, value: object, options, cutoff: float = 0.6) -> str:
    """``text`` as a sentence, then " Did you mean 'x'?" when a close match exists; when
    ``text`` is a :class:`Note`, its Chinese text too (……；是否应为「x」？)."""
    hint = did_you_mean(value, options, cutoff)
    zh = getattr(text, "zh", "")
    if not hint:
        return text
    return Note(f"{text.rstrip().rstrip('.')}.{hint}", f"{zh.rstrip('。')}；{hint.zh}" if zh else "")


#: the table names as a Chinese reader may write them: 表名：订单、员工……，或英文名 orders, employees, …
_TABLE_NAMES_ZH = f"表名：{'、'.join(t.zh for t in TABLES.values())}，或英文名 {', '.join(TABLES)}"


def _sheet_not_loaded(table: str, spec: str) -> Note:
    """A sheet named after ``table`` left out because data.files reads the table from ``spec``."""
    return Note(f"not loaded: data.files.{table} points at '{spec}' instead",
                f"未加载：data.files.{table} 指向的是「{spec}」")


def _remove_sheet(table: str) -> Note:
    """The fix of :func:`_sheet_not_loaded`."""
    return Note(f"remove the sheet, or data.files.{table} if this is the right sheet",
                f"删除该工作表；若它才是要用的工作表，则删除 data.files.{table}")


_EMPTY_FILE = Note("the file is empty", "该文件为空")
_EXPORT_AGAIN = Note("export the table again with its header row", "连同表头行重新导出该表")
_SAVE_AS_XLSX = Note("open the file in Excel and save it again as .xlsx", "用 Excel 打开该文件并另存为 .xlsx")
_WRITE_PARQUET = Note("write the file again, e.g. with DataFrame.to_parquet",
                      "重新写出该文件，如用 DataFrame.to_parquet")


def _unread_parquet(err: BaseException) -> Note:
    return Note(f"cannot read the Parquet file: {type(err).__name__}: {err}",
                f"无法读取该 Parquet 文件：{type(err).__name__}: {err}")


def _quoted_zh(headers) -> str:
    """Headers as a Chinese message lists them: 「a」、「b」, or （无）."""
    return "、".join(f"「{h}」" for h in headers) or "（无）"


# --- public results -------------------------------------------------------------------

@dataclass
class SourceInfo:
    """Where a table was read from.

    Attributes
    ----------
    file : str
        Path of the file.
    sheet : str or None
        Worksheet name for Excel files.
    header_row : int
        1-based row of the header as the user sees it; 0 for Parquet, which has no
        visible header (its rows are then numbered from 1).
    """

    file: str
    sheet: str | None
    header_row: int


@dataclass
class Dataset:
    """The tables of one client, in contract form.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Contract column names and parsed dtypes (dates ``datetime64[ns]``, numbers
        ``float64``, yes/no ``bool``, text ``str``). The index is the row's position
        below the header in the source (0 is the first data row); empty rows and rows
        removed by ``data.filters`` leave gaps, so :meth:`row_number` stays exact.
    sources : dict of str to SourceInfo
        Where each table (eager or lazy) came from.
    warnings : list of Problem
        Findings that did not stop loading (unused columns, filtered rows, ...).
    lazy : dict of str to Path
        Parquet tables left on disk (``load_dataset(..., lazy=True)``); their columns
        carry the contract names.
    lookups : list of str
        The files of ``data.lookups`` that were read (the tables' own files are in
        ``sources``).
    """

    tables: dict[str, pd.DataFrame]
    sources: dict[str, SourceInfo]
    warnings: list[Problem] = field(default_factory=list)
    lazy: dict[str, Path] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        """Every file read: the tables' and the lookups', each once."""
        return list(dict.fromkeys([s.file for s in self.sources.values()] + self.lookups))

    __repr__ = compact_repr

    def __contains__(self, table: object) -> bool:
        return table in self.tables or table in self.lazy

    def row_number(self, table: str, index: int) -> int:
        """The row as the user sees it in Excel: header row + 1 + position."""
        return self.sources[table].header_row + 1 + int(index)


@dataclass
class ValidationReport:
    """What :func:`validate_dataset` found.

    Attributes
    ----------
    problems : list of Problem
        Errors: the data cannot be used until they are fixed.
    warnings : list of Problem
        Findings worth reading that do not stop a run.
    tables : dict of str to int
        Rows loaded per table (after ``data.filters``; Parquet row count in lazy mode).
    """

    problems: list[Problem]
    warnings: list[Problem]
    tables: dict[str, int]

    __repr__ = compact_repr

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.problems

    def text(self, per_kind: int = 5, language: str = "en") -> str:
        """A human report grouped by file: errors, then warnings, then a one-line summary.

        Parameters
        ----------
        per_kind : int
            How many findings of one kind (same table, column and check) are spelled out
            before the rest are summarised with their row numbers.
        language : str
            "en" or "zh": the headings, the summary and each finding (its location, what is
            wrong, the value found and the fix) in that language. A finding without a
            Chinese text keeps its English one.
        """
        zh = language == "zh"
        order: list[str | None] = []
        for p in [*self.problems, *self.warnings]:  # files with errors come first
            if p.file not in order:
                order.append(p.file)
        lines: list[str] = []
        for file in order:
            lines.append(file if file else "总体" if zh else "General")
            for label, items in (("error", self.problems), ("warning", self.warnings)):
                mine = [p for p in items if p.file == file]
                if mine:
                    lines.append(f"  {len(mine):,} 个{'错误' if label == 'error' else '警告'}：" if zh else
                                 f"  {len(mine):,} {label}(s):")
                    lines.extend(_grouped_lines(mine, per_kind, language))
            lines.append("")
        if zh:
            rows = "，".join(f"{TABLES[t].zh if t in TABLES else t} {n:,}" for t, n in self.tables.items()) or "无"
            lines.append(f"{'通过' if self.ok else '未通过'}：{len(self.problems):,} 个错误，{len(self.warnings):,} "
                         f"个警告；已读取行数：{rows}。")
            return "\n".join(lines)
        rows = ", ".join(f"{t} {n:,}" for t, n in self.tables.items()) or "none"
        verdict = "OK" if self.ok else "NOT OK"
        lines.append(f"{verdict}: {len(self.problems):,} error(s), {len(self.warnings):,} "
                     f"warning(s); rows loaded: {rows}.")
        return "\n".join(lines)

    def table(self) -> pd.DataFrame:
        """Every finding as a tidy DataFrame (one row per finding, errors first)."""
        return DataContractError(self.problems, self.warnings).table()

    def __str__(self) -> str:
        return self.text()


def _grouped_lines(problems: list[Problem], per_kind: int, language: str = "en") -> list[str]:
    zh = language == "zh"
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.table, p.sheet, p.column, p.check), []).append(p)
    lines = []
    for (_, _, column, check), items in groups.items():
        for p in items[:per_kind]:
            lines.append("    - " + _without_file(p, language))
        rest = items[per_kind:]
        if rest:
            rows = [str(p.row) for p in rest if p.row is not None]
            shown = ("、" if zh else ", ").join(rows[:20]) + (" …" if zh and len(rows) > 20 else
                                                              ", ..." if len(rows) > 20 else "")
            header = rest[0].header or column
            found = pd.Series([p.value for p in rest if p.value is not None and not _blank(p.value)],
                              dtype="object").astype(str).value_counts().sort_index()
            found = found.sort_values(ascending=False, kind="stable")  # (most frequent first, ties by value)
            if zh:
                values = "、".join(f"「{v}」×{n:,}" for v, n in found.head(5).items()) + \
                    (f" 及其他 {len(found) - 5:,} 个值" if len(found) > 5 else "")
                detail = "；".join(x for x in (f"实际为{values}" if values else "", f"第 {shown} 行" if rows else "")
                                  if x)
                where = f"「{header}」列" if column else ""
                lines.append(f"    ……{where}还有 {len(rest):,} 处同类问题" + (f"（{detail}）" if detail else ""))
                continue
            values = ", ".join(f"{v!r} x{n:,}" for v, n in found.head(5).items()) + \
                (f" and {len(found) - 5:,} other value(s)" if len(found) > 5 else "")
            where = f" in column '{column}'" if column else ""
            detail = "; ".join(x for x in (f"found {values}" if values else "", f"rows {shown}" if rows else "") if x)
            lines.append(f"    ... and {len(rest):,} more like these{where}" + (f" ({detail})" if detail else ""))
    return lines


def _blank(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # (a list or an array is no blank)
        return False


def _without_file(p: Problem, language: str = "en") -> str:
    text = p.line(language)
    if p.file:
        for prefix in (f"{p.file}, ", f"{p.file}: ", f"{p.file}，", f"{p.file}："):
            if text.startswith(prefix):
                return text[len(prefix):]
    return text


# --- public functions -----------------------------------------------------------------

def load_dataset(path: str | Path, *, mapping: dict | None = None,
                 period: str | Period | None = None, tables: list[str] | None = None,
                 lazy: bool = False) -> Dataset:
    """Read a client's exports into contract tables, or raise with every problem found.

    Parameters
    ----------
    path : str or Path
        A folder whose files are named after the tables (``orders.csv``, ``员工.xlsx``,
        ``calls.parquet``; see :data:`~salesperf_kit.aliases.TABLE_ALIASES`), one ``.xlsx``
        (or old ``.xls``) workbook whose sheets are named after the tables, or one CSV /
        XLSX / XLS / Parquet file
        (its table named by ``mapping["files"]`` or by its file name).
    mapping : dict, optional
        The ``data:`` section of the parameter file, keys ``files``, ``columns``,
        ``values``, ``defaults``, ``filters`` and ``encoding`` (see the module docstring).
    period : str or Period, optional
        The reporting period; rows of dated fact tables after its end are kept and
        reported as a warning (they are not counted in the period).
    tables : list of str, optional
        Load only these tables; each must be present.
    lazy : bool
        Leave Parquet tables on disk: their paths go to :attr:`Dataset.lazy` after a check
        of the Parquet schema (required contract columns present, compatible types). In
        this mode a Parquet table's columns must carry the contract names, and the
        row-level checks (parsing, pandera, references) are skipped for it.

    Returns
    -------
    Dataset
        Tables in contract form, their sources and the warnings.

    Raises
    ------
    DataContractError
        When the data break the contract; ``problems`` lists every finding.
    SalesperfError
        When ``path`` does not exist or ``mapping`` is malformed (unknown key, table or
        column).

    Notes
    -----
    CSV encodings tried in turn: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030
    (a superset of GBK), then charset-normalizer's best guess (reported as a warning);
    a file that decodes with none of them is an error naming the file. The delimiter
    (``,`` ``;`` tab ``|``) is detected from the first lines. Every cell is read as text
    first and parsed by the kit, so an unreadable value is reported verbatim. Dates accept
    ISO forms, ``2026/10/01``, ``2026-10-01 13:05``, ``2026年10月1日``, Excel date cells
    and Excel serial numbers in numeric cells; numbers accept thousands separators,
    currency signs and full-width digits (a trailing ``%`` is reported, never divided);
    durations in seconds (``duration_s``) also accept ``h:mm:ss`` and ``mm:ss``. Leading
    and trailing spaces of text cells are removed; fully empty rows are skipped.
    """
    run = _load(path, mapping=mapping, period=period, tables=tables, lazy=lazy)
    if run.problems:
        raise DataContractError(run.problems, run.warnings)
    return run.dataset


def validate_dataset(path: str | Path, *, mapping: dict | None = None,
                     period: str | Period | None = None, params=None) -> ValidationReport:
    """Check a client's exports against the contract without raising for bad data.

    Parameters
    ----------
    path, mapping, period
        As for :func:`load_dataset`.
    params : Params, optional
        The plan the data are for: its ``data:`` section is the mapping (unless ``mapping``
        is given; :meth:`~salesperf_kit.params.Params.data_mapping`), and the employees' roles are checked against its scoring plan as scoring
        checks them (a role without weights and no ``scoring.default_role`` is an error, and
        so is a role none of whose weighted KPIs the data give), so that data that validate
        can be scored.

    Returns
    -------
    ValidationReport
        Every error and warning, and the rows loaded per table; ``report.text()`` is the
        human report, ``report.table()`` the tidy table of findings.

    Raises
    ------
    SalesperfError
        Only when ``path`` does not exist or ``mapping`` is malformed.
    """
    given = mapping is not None
    if params is not None and mapping is None:
        mapping = params.data_mapping(path) or None
    try:
        run = _load(path, mapping=mapping, period=period, tables=None, lazy=False)
    except SalesperfError as err:
        if params is None or given:
            raise
        raise _at_its_line(params, err) from None
    if period is not None and not run.problems:  # data fit to use, but for that period?
        from .coverage import require_records

        try:
            require_records(run.dataset, period, what="a report or scorecard of it")
        except SalesperfError as err:  # (its Chinese text too, when it has one)
            run.error("", "period_covered", err.args[0] if isinstance(err.args[0], Note) else str(err))
    if params is not None:
        _check_plan(params, run, period)
        # (the keys of data: are the file's only when the mapping is)
        run.problems, run.warnings = (_where_written(params, found, data_keys=not given)
                                      for found in (run.problems, run.warnings))
    return ValidationReport(run.problems, run.warnings, run.rows)


def _where_written(params, problems: list[Problem], *, data_keys: bool = True) -> list[Problem]:
    """``problems`` with the file and line of the parameter key each one is located at
    (``Problem.written``), where ``params`` was read from a file that writes it; the keys
    of ``data:`` only with ``data_keys``."""
    return [replace(p, written=params.written_at(p.key)) if p.key and (data_keys or not p.key.startswith("data."))
            else p for p in problems]


def _check_scenario_roles(params, held: list[str], run: _Run) -> None:
    """A scenario's role that is neither a role of the plan (nor its label) nor a role of the
    employees (``agnet``): ``salesperf scenarios`` stops on it, so ``validate`` says so first."""
    sc = params.scoring
    known = list(dict.fromkeys([*sc.roles, *held]))
    source = Path(params.source).name if params.source else None
    for name, spec in params.scenarios.scenarios.items():
        for written in spec.roles:
            if params.role_written(written, held) in known:
                continue
            key = f"scenarios.scenarios.{name}.roles.{written}"
            run.add(Problem(
                "", "scenario_role", file=source, key=key, value=written,
                message=f"'{written}' is not a role of the plan (scoring.roles: {', '.join(sc.roles)})"
                        + (f" nor of the employees ({', '.join(held)})" if set(held) - set(sc.roles) else "")
                        + f", so scenario '{name}' cannot be scored."
                        + did_you_mean(written, known),
                fix=Note("write one of the roles (or its label), or delete the role from the scenario",
                         "改写为其中一个岗位（或它的名称），或从该情景中删除这个岗位"),
                zh=f"{key}：「{written}」既不是方案的岗位（{'、'.join(sc.roles)}），也不是员工表中的岗位，情景「{name}」"
                   "无法计算。"))


def _check_plan(params, run: _Run, period=None) -> None:
    """The data against the plan: the employees' roles, with the rule and words scoring
    uses (:meth:`~salesperf_kit.params.Params.roles_without_weights`; an empty role is
    already reported by the contract), a role none of whose KPIs the data give
    (:func:`~salesperf_kit.scoring.roles_without_kpis`: an error, since scoring would give
    its people no score), and the plan's own findings
    (:meth:`~salesperf_kit.params.Params.plan_problems`: the warnings, as loading the plan
    raised the errors)."""
    emp = run.dataset.tables.get("employees")
    if emp is not None and "role" in emp.columns:
        clean = not run.problems  # (the KPIs are looked for in data that loaded)
        found = params.roles_without_weights(emp["role"].dropna())
        if found is not None:
            run.add(run.ctxs["employees"].problem("role_without_weights", found[0], column="role", fix=found[1]))
        held = sorted({str(r) for r in emp["role"].dropna()})
        scored = {params.plan_role(r) for r in held}
        source = Path(params.source).name if params.source else None
        if clean:
            from .scoring import attainment_without_targets, roles_mostly_unscored, roles_without_kpis

            for message, fix, zh in roles_without_kpis(params, run.dataset, period):
                run.add(run.ctxs["employees"].problem("role_without_kpis", message, column="role", fix=fix, zh=zh))
            for message, fix, zh in roles_mostly_unscored(params, run.dataset, period):
                run.add(run.ctxs["employees"].problem("role_mostly_unscored", message, column="role", fix=fix, zh=zh,
                                                      severity="warning"))
            for p in attainment_without_targets(params, run.dataset,
                                                [r for r in params.scoring.roles if r in scored], period):
                run.add(replace(p, file=source))
        for role in [r for r in params.scoring.roles if r not in scored]:
            run.add(Problem(
                "employees", "role_without_people", severity="warning", file=source, key=f"scoring.roles.{role}",
                message=f"nobody in employees.role has the role '{role}' (the data have {', '.join(held)}), so its "
                        f"weights score nobody.{did_you_mean(role, held)}",
                fix=Note(f"if the export names the role otherwise, read it as '{role}' with data.values.employees.role: "
                         f"{{'<name in the export>': {role}}}; if nobody holds it yet, nothing to do",
                         f"如果导出文件对该岗位另有叫法，用 data.values.employees.role: {{'<导出文件中的名称>': {role}}} "
                         f"把它读作「{role}」；如果暂时无人担任该岗位，无需处理"),
                zh=f"scoring.roles.{role}：员工表中没有岗位为「{role}」的人，该岗位的权重不会用于任何人。"))
        _check_scenario_roles(params, held, run)
    from .targets import calibration_problems

    plan = [*params.plan_problems(), *calibration_problems(params, run.dataset.tables.get("targets"))]
    for p in plan:  # a finding of the plan is listed under its file
        run.add(p if p.file or not params.source else replace(p, file=Path(params.source).name))
    from .incentives import commission_base_problem, has_commission_base

    problem = commission_base_problem(params.incentives)
    # (orders that failed to load, such as a sheet name mistyped in data.files, are that
    # error's: not a reason to take the commission out of the plan)
    failed = any(p.table == "orders" for p in run.problems)
    if problem and not failed and not has_commission_base(params.incentives.commission.basis, run.dataset.tables):
        run.add(Problem("?", "plan_needs_data", problem,  # (the message begins with the key)
                        file=Path(params.source).name if params.source else None))


# --- the run --------------------------------------------------------------------------

@dataclass
class _Source:
    table: str
    path: Path
    kind: str  # "csv", "xlsx" or "parquet"
    sheet: str | None
    display: str  # the file as named in messages
    key: str = ""  # the parameter-file key that names it ("" for data.files.<table>)

    @property
    def named_by(self) -> str:
        return self.key or f"data.files.{self.table}"


@dataclass
class _Grid:
    headers: list[str]
    data: pd.DataFrame  # columns 0..k-1 (positions), index = position below the header
    header_row: int


@dataclass
class _Ctx:
    """One table being read: where it comes from and its source headers."""

    table: str
    file: str
    sheet: str | None
    header_row: int
    headers: dict[str, str] = field(default_factory=dict)  # contract column -> source header
    date_order: str | None = None  # data.date_order: how dates such as 9/1/2017 are read
    decimal_mark: str | None = None  # data.decimal_mark: "," reads 1.234,56 as 1234.56 (None: as the data show)
    currency: str | None = None  # the plan's currency (ISO code): amounts stating another are an error

    def row(self, index: Any) -> int:
        return self.header_row + 1 + int(index)

    def label(self, column: str, language: str = "en") -> str:
        """The column as the export heads it, and its contract name: '下单日期' (order_date),
        or 「下单日期」（order_date） in Chinese."""
        header = self.headers.get(column)
        if language == "zh":
            return f"「{column}」" if header is None or header == column else f"「{header}」（{column}）"
        if header is None or header == column:
            return f"'{column}'"
        return f"'{header}' ({column})"

    def problem(self, check: str, message: str, *, column: str | None = None, index: Any = None,
                value: Any = None, fix: str = "", severity: str = "error", zh: str = "") -> Problem:
        header = self.headers.get(column) if column else None
        return Problem(table=self.table, check=check, message=message, file=self.file,
                       sheet=self.sheet, row=None if index is None else self.row(index),
                       column=column, value=value, fix=fix, severity=severity, zh=zh,
                       header=header if header != column else None)


@dataclass
class _Filled:
    """The cells of one column that ``data.defaults`` filled: their rows (as the user sees
    them), the default as the parameter file gives it, and the file and sheet."""

    rows: set[int]
    value: Any
    file: str
    sheet: str | None


@dataclass
class _Run:
    dataset: Dataset = field(default_factory=lambda: Dataset({}, {}))
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    ctxs: dict[str, _Ctx] = field(default_factory=dict)
    root: Path | None = None  # the data path (folder or workbook)
    filled: dict[tuple[str, str], _Filled] = field(default_factory=dict)  # (table, column) -> data.defaults cells
    # (file, sheet) -> [(ctx, the headers no column of its table took: (position, header))]
    unused: dict[tuple[str, str | None], list] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        kept = self.warnings if problem.severity == "warning" else self.problems
        said = (problem.file, problem.sheet, problem.row, problem.check, problem.message, problem.zh)
        if problem.file and any((q.file, q.sheet, q.row, q.check, q.message, q.zh) == said for q in kept):
            # (one sheet read as two tables, a KPI sheet that lists the people too: its 合计 row told once)
            return
        kept.append(problem)

    def error(self, table: str, check: str, message: str, **kw: Any) -> None:
        self.add(Problem(table=table, check=check, message=message, **kw))

    def warn(self, table: str, check: str, message: str, **kw: Any) -> None:
        self.add(Problem(table=table, check=check, message=message, severity="warning", **kw))


def _load(path, *, mapping, period, tables, lazy) -> _Run:
    m = _check_mapping(mapping)
    wanted = _check_tables(tables)
    per = parse_period(period) if period is not None else None
    root = Path(path)
    if not root.exists():
        raise SalesperfError(f"The data path '{root}' does not exist: expected a folder of "
                             f"exports, an .xlsx or .xls workbook or one CSV/XLSX/Parquet file.")
    run = _Run(root=root)
    sources = _discover(root, m, wanted, run)
    if wanted is None:
        _require_employees(root, sources, run)
    workbooks = _read_workbooks([s for s in sources if s.kind == "xlsx"], run)
    for src in sources:
        if src.kind == "parquet" and lazy and not m["lookups"].get(src.table) and src.table not in m["lines"]:
            # (lookups and lines need the rows in memory)
            _check_lazy_parquet(src, m, run)
            continue
        if src.kind == "csv":
            grid = _read_csv(src, m, run)
        elif src.kind == "xlsx":
            grid = workbooks.get((src.path, src.sheet))
            grid = None if grid is None else _grid_from_rows(grid, _known_headers(src.table, m))
        else:
            grid = _read_parquet(src, run)
        if grid is None:
            continue
        df = run.dataset.tables[src.table] = _table_from_grid(src, grid, m, run)
        run.rows[src.table] = len(df)
    ds = run.dataset
    if ds.tables:
        _ids_from_names(run)
        _ids_without_zeros(run)
        _add_managers(run, m["managers"])
        _dates_from_sheet(run, m)
        if wanted is None and not ds.lazy:
            _people_without_records(run)
            _zero_amounts(run)
        for p in check_references(ds.tables, row_of=ds.row_number,
                                  source_of=lambda t: (run.ctxs[t].file, run.ctxs[t].sheet),
                                  header_of=lambda t, c: run.ctxs[t].headers.get(c) if t in run.ctxs else None):
            run.add(p)
    _unused_columns(run)
    if per is not None:
        _warn_after_period(per, run)
    _blame_defaults(run)
    ds.warnings = run.warnings
    return run


def _add_managers(run: _Run, spec: dict[str, str]) -> None:
    """``data.managers``: an org chart exported as columns (agent, manager, region) names
    each manager only in manager_id. Each manager_id value that is no employee's id becomes
    an employee of its own: that value as id and name, the role that ``spec`` gives, the
    team that ``spec`` gives or else the one team their people share, and no manager above
    (the top). A warning lists who was added; a manager whose people are in several teams,
    with no team in ``spec``, is an error naming the teams."""
    if not spec:
        return
    emp = run.dataset.tables.get("employees")
    if emp is None or "employee_id" not in emp:
        return  # the missing table or column is reported already
    key = "data.managers"
    if "manager_id" not in emp or emp["manager_id"].dropna().empty:
        run.add(Problem(table="employees", check="managers", key=key, severity="warning",
                        message="the employees table gives no manager_id, so there are no managers to add",
                        zh="员工表没有上级（manager_id），没有可添加的经理",
                        fix=Note("map the export's manager column to manager_id in data.columns.employees, or "
                                 "remove data.managers",
                                 "在 data.columns.employees 中把导出文件的上级列对应到 manager_id，或删除 data.managers")))
        return
    ids = set(emp["employee_id"].dropna().astype(str))
    names = [v for v in dict.fromkeys(emp["manager_id"].dropna().astype(str)) if v not in ids]
    rows = []
    for who in names:
        team = spec.get("team")
        if team is None and "team" in emp:
            teams = list(dict.fromkeys(emp.loc[emp["manager_id"].astype("string") == who, "team"].dropna().astype(str)))
            if len(teams) == 1:
                team = teams[0]
            elif not teams:  # their people's empty team is reported already
                continue
            else:
                run.add(Problem(table="employees", check="managers", key=key, column="team", value=who,
                                message=f"manager {who!r} has people in {len(teams)} teams ({', '.join(teams)}), "
                                        f"so their own team is not known",
                                zh=f"经理「{who}」的下属分属 {len(teams)} 个团队（{'、'.join(teams)}），无法确定其本人所在的团队",
                                fix=Note("give the managers a team with data.managers: {role: ..., team: <team>}, or "
                                         "add a row for the manager to the employees table",
                                         "用 data.managers: {role: ..., team: <团队>} 给这些经理指定团队，或在员工表中为该经理"
                                         "添加一行")))
                continue
        rows.append({"employee_id": who, "name": who, "team": team, "role": spec["role"]})
    if not rows:
        return
    start = int(emp.index.max()) + 1 if len(emp) else 0
    added = pd.DataFrame(rows, index=range(start, start + len(rows))).astype(object)
    run.dataset.tables["employees"] = pd.concat([emp, added.reindex(columns=emp.columns)])
    run.rows["employees"] = len(run.dataset.tables["employees"])
    shown = ", ".join(f"'{r['employee_id']}' ({r['team']})" for r in rows[:8]) + (" …" if len(rows) > 8 else "")
    shown_zh = "、".join(f"「{r['employee_id']}」（{r['team']}）" for r in rows[:8]) + ("等" if len(rows) > 8 else "")
    run.add(Problem(table="employees", check="managers", key=key, severity="warning",
                    message=f"{len(rows)} manager(s) named in manager_id added as employees with role "
                            f"'{spec['role']}': {shown}",
                    zh=f"已将上级（manager_id）中的 {len(rows)} 位经理添加为员工，岗位「{spec['role']}」：{shown_zh}",
                    fix=Note("nothing to do if they are the managers to score; give them rows of their own in the "
                             "employees table for their real ids, teams and dates",
                             "如果他们就是要计分的经理，无需处理；否则在员工表中为他们各加一行，写上真实的工号、团队和日期")))


def _unused_columns(run: _Run) -> None:
    """A warning per file or sheet naming the columns that no table read from it uses (a KPI
    sheet that also lists the people: its 姓名 column is the employees', its 销售额 the KPI
    sheet's; neither is unused)."""
    for reads in run.unused.values():
        ctx = reads[0][0]
        tables = [c.table for c, _ in reads]
        unused = [col for col in reads[0][1] if all(col in cols for _, cols in reads[1:])]
        if not unused:
            continue
        names = ", ".join(f"'{h}'" if h else f"(no header, column {_letter(i)})" for i, h in unused)
        names_zh = "、".join(f"「{h}」" if h else f"（无表头的 {_letter(i)} 列）" for i, h in unused)
        zh_tables = "、".join(f"「{TABLES[t].zh}」" for t in tables)
        run.add(ctx.problem("unused_columns", Note(
            f"columns not used by table{'s' * (len(tables) > 1)} {', '.join(repr(t) for t in tables)}: {names}",
            f"{zh_tables}表未使用的列：{names_zh}"), severity="warning",
            fix=Note(f"if one of them holds a contract column, map it with "
                     f"data.columns.{tables[0]}: {{<header>: <column>}}; otherwise nothing to do",
                     f"如果其中某列是数据规范中的列，用 data.columns.{tables[0]}: {{<表头>: <列名>}} "
                     "映射；否则无需处理")))


def _dates_from_sheet(run: _Run, m: dict) -> None:
    """People read from the KPI sheet's own rows (``lines: [employees]`` on the sheet's file
    and sheet): someone whose rows begin after the sheet's first month joined in their
    first month, and someone whose rows end before its last month left at the end of their
    last, unless the employees table gives hire_date or leave_date. Otherwise a leaver is
    kept in the months after their last row, paid base pay and counted in their team's
    head count, and a newcomer in the months before their first. A warning names them."""
    tables = run.dataset.tables
    emp, sheet = tables.get("employees"), tables.get("kpi_sheet")
    if (emp is None or sheet is None or "employees" not in m["lines"] or "period" not in sheet
            or "employee_id" not in emp):
        return
    ce, cs = run.ctxs.get("employees"), run.ctxs.get("kpi_sheet")
    if ce is None or cs is None or (ce.file, ce.sheet) != (cs.file, cs.sheet):
        return
    spans = {}
    for text in sheet["period"].dropna().astype(str).unique():
        try:
            spans[text] = parse_period(text)
        except SalesperfError:
            continue
    rows = sheet.assign(start=sheet["period"].astype(str).map(lambda t: spans[t].start if t in spans else pd.NaT),
                        end=sheet["period"].astype(str).map(lambda t: spans[t].last_day if t in spans else pd.NaT))
    rows = rows.dropna(subset=["start", "end", "employee_id"])
    if rows.empty:
        return
    first, last = rows["start"].min(), rows["end"].max()
    own = rows.groupby(rows["employee_id"].astype(str)).agg(start=("start", "min"), end=("end", "max"))
    ids = emp["employee_id"].astype(str)
    told = []
    for col, when, edge, later in (("hire_date", "start", first, True), ("leave_date", "end", last, False)):
        given = emp[col] if col in emp else pd.Series(pd.NaT, index=emp.index, dtype="datetime64[ns]")
        derived = ids.map(own[when]).astype("datetime64[ns]")
        derived = derived.where(derived.gt(edge) if later else derived.lt(edge))
        use = given.isna() & derived.notna()
        if use.any():
            emp[col] = given.astype("datetime64[ns]").where(~use, derived)
            told += [(at, col, i, n, d) for at, i, n, d in zip(emp.index[use], ids[use],
                                                               emp.loc[use, "name"] if "name" in emp else ids[use],
                                                               derived[use])]
    if not told:
        return
    told = [t[1:] for t in sorted(told, key=lambda t: (emp.index.get_loc(t[0]), t[1]))]  # as the people are listed
    en = [f"{person(i, n)} {'joined' if c == 'hire_date' else 'left'} {d:%Y-%m-%d}" for c, i, n, d in told[:8]]
    zh = [f"{person(i, n, 'zh')}{d:%Y-%m-%d} {'入职' if c == 'hire_date' else '离职'}" for c, i, n, d in told[:8]]
    more, more_zh = (f" and {len(told) - 8} more", f"等 {len(told)} 人") if len(told) > 8 else ("", "")
    run.add(ce.problem(
        "dates_from_sheet",
        f"the people are read from the KPI sheet, and {len(told)} of them have rows for part of its months "
        f"only ({first:%Y-%m} to {last:%Y-%m}): taken as {'; '.join(en)}{more} (the first day of their first "
        "month, the last day of their last), so they are neither scored nor paid for the months without a row",
        severity="warning",
        zh=f"人员取自指标表，其中 {len(told)} 人只有部分月份的数据（表中为 {first:%Y-%m} 至 {last:%Y-%m}）："
           f"视为{'；'.join(zh)}{more_zh}（首月第一天入职、末月最后一天离职），没有数据的月份不评分、不计酬",
        fix=Note("give their hire_date and leave_date in an employees table if they differ (a leave on the 15th "
                 "pays half of that month's base pay), or add the missing months' rows",
                 "如日期不同，请在员工表中写明其入职日期和离职日期（月中离职按天折算当月基本工资），或补上缺少月份的数据")))


def _people_without_records(run: _Run) -> None:
    """People of the employees table who have no row in any other table (after
    ``data.filters``) and whom nobody names as manager or mentor: a roster that lists
    everyone ever on the team, or people the export leaves out. The kit scores and pays them
    as people who sold nothing, which can put them above a productive colleague under
    percentile scoring; a warning names them so that the consultant decides. Said only when
    other employees do have rows (an export of the employees alone, or one whose ids match
    no employee, says nothing about anyone)."""
    tables = run.dataset.tables
    emp = tables.get("employees")
    if emp is None or "employee_id" not in emp:
        return
    seen: set[str] = set()
    for name, df in tables.items():
        if name != "employees" and df is not None and "employee_id" in df:
            seen.update(df["employee_id"].dropna().astype(str).unique())
    ids = emp["employee_id"].dropna().astype(str)
    if not ids.isin(seen).any():  # (rows of no employee at all: the references say so)
        return
    for col in ("manager_id", "mentor_id"):
        if col in emp:
            seen.update(emp[col].dropna().astype(str))
    idle = emp.loc[ids.index[~ids.isin(seen)]]
    if idle.empty:
        return
    pairs = list(zip(idle["employee_id"].astype(str), idle.get("name", idle["employee_id"])))
    shown = ", ".join(person(i, n) for i, n in pairs[:8]) + (" …" if len(pairs) > 8 else "")
    shown_zh = "、".join(person(i, n, "zh") for i, n in pairs[:8]) + ("等" if len(pairs) > 8 else "")
    tabs = ", ".join(t for t in tables if t != "employees")
    run.add(run.ctxs["employees"].problem(
        "no_records", f"{len(idle):,} of the {len(emp):,} people have no row in any other table ({tabs}) and "
        f"manage no one: {shown}. They are scored and paid as people who sold nothing",
        severity="warning",
        zh=f"员工表 {len(emp):,} 人中有 {len(idle):,} 人在其他表（{tabs}）中没有任何一行，也不是任何人的上级：{shown_zh}。"
           "他们按毫无业绩的人计分、计薪",
        fix=Note("nothing to do if they worked without leaving records; if they were not on the team in the periods "
                 "you report, give them a leave_date (or a later hire_date) or take them out of the employees table",
                 "如果他们工作了但没有留下记录，无需处理；如果他们在报告期间不在团队中，填写其 leave_date（或更晚的 "
                 "hire_date），或把他们从员工表中删除")))


def mostly_zero(amounts: pd.Series) -> pd.Series | None:
    """The amounts that are 0 or empty, when they are more than half of 20 or more (an
    amount column seldom filled, or holding something else); None otherwise."""
    zero = pd.to_numeric(amounts, errors="coerce").fillna(0).eq(0)
    return zero if len(amounts) >= 20 and zero.mean() > 0.5 else None


def _zero_amounts(run: _Run) -> None:
    """Orders whose amount is 0 for most rows: a column mapped to ``amount`` that is seldom
    filled (a "declared revenue" left blank as 0) or holds something else. Every money KPI
    then reads them as sales of nothing, and a month of such orders reports revenue 0
    beside its order count; a warning says how many, and the months with orders but no
    revenue, so that the consultant maps the right column or explains the zeros. Said when
    more than half of 20 or more orders have amount 0."""
    orders = run.dataset.tables.get("orders")
    if orders is None or "amount" not in orders:
        return
    zero = mostly_zero(orders["amount"])
    if zero is None:
        return
    blank = orders["amount"].isna()
    blanks, blanks_zh = "", ""
    if blank.any():  # (said apart: an empty cell is not a 0 written, and its own finding may say so)
        blanks = f" or empty ({int((zero & ~blank).sum()):,} are 0, {int(blank.sum()):,} empty)"
        blanks_zh = f" 或为空（为 0 的 {int((zero & ~blank).sum()):,} 笔，为空的 {int(blank.sum()):,} 笔）"
    ctx = run.ctxs["orders"]
    header = ctx.headers.get("amount", "amount")
    zh_label = "「amount」" if header == "amount" else f"「{header}」（amount）"
    months = ""
    if "order_date" in orders:
        dates = pd.to_datetime(orders["order_date"], errors="coerce")
        by_month = zero.groupby(dates.dt.to_period("M")).all()
        empty = [str(m) for m in by_month.index[by_month.to_numpy()]]
        if empty:
            months = ", ".join(empty[:6]) + (" …" if len(empty) > 6 else "")
    share = f"{zero.sum():,} of the {len(orders):,} orders ({zero.mean():.0%})"
    run.add(ctx.problem(
        "zero_amounts", f"{share} have {ctx.label('amount')} 0{blanks}: revenue and every money KPI count them as "
        "sales of nothing" + (f"; the months with orders but revenue 0: {months}" if months else ""),
        column="amount", severity="warning",
        zh=f"{len(orders):,} 笔订单中有 {zero.sum():,} 笔（{zero.mean():.0%}）的{zh_label}为 0{blanks_zh}：销售额和所有金额类"
           "指标都把它们当作零金额的成交" + (f"；有订单但销售额为 0 的月份：{months}" if months else ""),
        fix=Note("map amount to the column that holds each order's value (data.columns.orders); if the zeros are "
                 "real (free orders, a value not yet known), report on counts rather than revenue for those months",
                 "把 amount 映射到写有每笔订单金额的列（data.columns.orders）；如果这些 0 是真实的（免费订单、金额"
                 "尚未确定），这些月份改看数量而不是销售额")))


def _ids_from_names(run: _Run) -> None:
    """Exports often name the salesperson (销售员: 张三) where the kit expects the
    employee_id: a value that is no employee_id but the name of exactly one employee is
    replaced by that employee's id, with a warning listing what was matched. Names are
    compared without the whitespace, emoji and symbols in them (:func:`~salesperf_kit._checks.squeezed`:
    an export that spaces out 王 芳 names 王芳 all the same, and a WeChat nickname 陈静🌸 names 陈静)."""
    tables = run.dataset.tables
    emp = tables.get("employees")
    if emp is None or "name" not in emp or "employee_id" not in emp:
        return
    ids = set(emp["employee_id"].dropna().astype(str))
    pairs = emp[["name", "employee_id"]].dropna().astype(str)
    pairs = pairs.assign(key=pairs["name"].map(squeezed))
    unique = pairs.drop_duplicates("key", keep=False)
    id_of = {k: i for k, i in zip(unique["key"], unique["employee_id"]) if k and k not in ids}

    def key(v: str) -> str | None:  # (Müller, Jürgen: surname first, as ERPs list people, for Jürgen Müller)
        last, comma, first = v.partition(",")
        return next((k for k in (squeezed(v), comma and squeezed(f"{first} {last}")) if k in id_of), None)

    written = {v: k for v in _id_values(tables) if v not in ids and (k := key(v)) is not None}
    for table, col, n, shown in _replace_ids(run, {v: id_of[k] for v, k in written.items()}):
        run.add(run.ctxs[table].problem(
            "names_as_ids", f"{n:,} row(s) give a name where {col} is expected; matched by "
            f"the employees' names: {shown}", column=col, severity="warning",
            zh=f"{n:,} 行的 {col} 写的是姓名，已按员工表的姓名对应到工号：{shown}",
            fix=Note("nothing to do if the names are right; a name is matched whatever the spaces inside it (王 芳 "
                     "for 王芳), the emoji or symbols around it (陈静🌸 for 陈静) and a surname written first "
                     "(Müller, Jürgen for Jürgen Müller), and two employees of the same name are never matched",
                     "姓名正确时无需处理；姓名中间的空格、前后的表情符号和姓在前的西文写法不影响对应（王 芳 即 王芳，"
                     "陈静🌸 即 陈静，Müller, Jürgen 即 Jürgen Müller），同名的两位员工不会被对应")))


def _id_values(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Every value of the columns that hold employee ids: employee_id, manager_id, mentor_id."""
    return {str(v) for df in tables.values() if df is not None
            for c in ("employee_id", "manager_id", "mentor_id") if c in df for v in df[c].dropna().unique()}


def _ids_without_zeros(run: _Run) -> None:
    """Excel turns an id typed 00123 into the number 123, in one sheet and not in another:
    an employee_id that is no employee's id, but is the id of exactly one employee once
    leading zeros are ignored (123 for 00123, or 00123 where the employees sheet lost them),
    is replaced by that employee's id, with a warning listing what was matched."""
    tables = run.dataset.tables
    emp = tables.get("employees")
    if emp is None or "employee_id" not in emp:
        return
    ids = set(emp["employee_id"].dropna().astype(str))
    by_digits: dict[str, list[str]] = {}
    for i in ids:
        if i.isdigit():
            by_digits.setdefault(i.lstrip("0"), []).append(i)
    unique = {k: v[0] for k, v in by_digits.items() if len(v) == 1}
    if not unique:
        return
    values = _id_values(tables)
    id_of = {v: unique[v.lstrip("0")] for v in values if v not in ids and v.isdigit() and v.lstrip("0") in unique}
    for table, col, n, shown in _replace_ids(run, id_of):
        run.add(run.ctxs[table].problem(
            "ids_without_zeros", f"{n:,} row(s) give {col} with other leading zeros than the employees' "
            f"ids; matched: {shown}", column=col, severity="warning",
            zh=f"{n:,} 行的 {col} 与员工表的工号只差前导零，已对应到工号：{shown}",
            fix=Note("nothing to do if the ids are right; Excel drops the leading zeros of an id typed as a "
                     "number: format the id columns as text (文本) before typing or exporting to keep them",
                     "编号正确时无需处理；Excel 会去掉按数字输入的编号的前导零：输入或导出前把编号列设为“文本”格式即可保留")))


def _replace_ids(run: _Run, id_of: dict[str, str]) -> list[tuple[str, str, int, str]]:
    """Replace the values that ``id_of`` lists in every employee_id column (and manager_id,
    mentor_id) by the employee ids they stand for; per column that had any: its table, the
    column, the number of rows and the matches to show."""
    if not id_of:
        return []
    tables = run.dataset.tables
    emp = tables["employees"]
    columns = [(t, "employee_id") for t, df in tables.items() if t != "employees" and df is not None
               and "employee_id" in df] + [("employees", c) for c in ("manager_id", "mentor_id") if c in emp]
    out = []
    for table, col in columns:
        df = tables[table]
        values = df[col].astype("string")
        named = values.isin(list(id_of))  # (no key of id_of is also an id)
        if not named.any():
            continue
        matched = dict.fromkeys(values[named].tolist())
        tables[table] = df.assign(**{col: df[col].where(~named, values[named].map(id_of).astype(object))})
        shown = ", ".join(f"'{n}' → {id_of[n]}" for n in list(matched)[:5]) + (" …" if len(matched) > 5 else "")
        out.append((table, col, int(named.sum()), shown))
    return out


def _require_employees(root: Path, sources: list[_Source], run: _Run) -> None:
    """Every KPI, score and report needs the employees table (as ``kpis._employees`` does,
    for a KPI sheet too): a dataset without it is an error, unless it was already reported
    (unreadable, held twice) or a file or sheet could not be told apart."""
    if any(s.table == "employees" for s in sources) or any(
            p.table in ("employees", "?") for p in run.problems):
        return  # already reported, or a file or sheet that could not be identified may hold it
    spec = TABLES["employees"]
    found = ", ".join(dict.fromkeys(s.table for s in sources)) or "none"
    book = root.is_file() and _KINDS.get(root.suffix.lower()) == "xlsx"
    where = (f"add a sheet named 'employees' (or '{spec.zh}') to {root.name}" if book else
             f"add employees.csv (or {spec.zh}.xlsx) to the data folder" if root.is_dir() else
             f"pass the folder holding {root.name} and employees.csv instead of the one file")
    where_zh = (f"在 {root.name} 中添加名为「employees」（或「{spec.zh}」）的工作表" if book else
                f"在数据文件夹中添加 employees.csv（或 {spec.zh}.xlsx）" if root.is_dir() else
                f"传入包含 {root.name} 和 employees.csv 的文件夹，而不是单个文件")
    found_zh = "、".join(TABLES[t].zh for t in dict.fromkeys(s.table for s in sources)) or "无"
    run.error("employees", "table_missing",
              Note(f"the table is missing, but every KPI, score and report needs it: one row "
                   f"per salesperson with the columns {', '.join(spec.required)} (optional: "
                   f"{', '.join(spec.optional)}); tables found: {found}",
                   f"缺少员工表，但所有指标、得分和报告都需要它：每位销售人员一行，列为 {'、'.join(spec.required)}"
                   f"（可选：{'、'.join(spec.optional)}）；已找到的表：{found_zh}"),
              file=root.name if root.is_file() else None,
              fix=Note(f"{where}, or name its file in the parameter file with data.files.employees, "
                       f"e.g. data.files: {{employees: staff.xlsx#Sheet1}}",
                       f"{where_zh}，或在参数文件中用 data.files.employees 指定其文件，"
                       "如 data.files: {employees: staff.xlsx#Sheet1}"))


# --- the mapping ----------------------------------------------------------------------

def _check_mapping(mapping: dict | None) -> dict:
    """Validate the structure of ``mapping``; return it with every section present."""
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, dict):
        raise SalesperfError(f"The data mapping must be a dict (the `data:` section of the "
                             f"parameter file), but {type(mapping).__name__} was passed.")
    for key in mapping:
        if key not in _MAPPING_KEYS:
            raise SalesperfError(
                f"Unknown key 'data.{key}' in the data mapping: expected one of "
                f"{', '.join(_MAPPING_KEYS)}." + did_you_mean(key, _MAPPING_KEYS))
    out: dict[str, Any] = {"encoding": mapping.get("encoding"), "date_order": mapping.get("date_order"),
                           "decimal_mark": mapping.get("decimal_mark"),
                           "currency": mapping.get("currency")}  # (a plan's report.currency, as its ISO code)
    if out["decimal_mark"] not in (None, *_DECIMAL_MARKS):
        raise SalesperfError(f"data.decimal_mark says what the export's numbers use as the decimal mark: "
                             f"\",\" (1.234,56 is 1234.56) or \".\" (1,234.56), but {out['decimal_mark']!r} was passed.")
    if out["date_order"] not in (None, *_DATE_ORDERS):
        raise SalesperfError(f"data.date_order says how the export writes dates such as 9/1/2017: "
                             f"{' or '.join(_DATE_ORDERS)}, but {out['date_order']!r} was passed."
                             + did_you_mean(out["date_order"], _DATE_ORDERS))
    lines = mapping.get("lines") or []
    lines = [lines] if isinstance(lines, str) else lines
    if not isinstance(lines, list) or any(t not in _LINES for t in lines):
        raise SalesperfError(f"data.lines lists the tables whose exports repeat a record on several rows "
                             f"(e.g. data.lines: [orders] for one row per product of an order, or [employees] "
                             f"for the people of a call log); only {' and '.join(_LINES)} can be combined, but "
                             f"{mapping.get('lines')!r} was passed.")
    out["lines"] = list(dict.fromkeys(lines))
    for section in ("files", "lookups", "columns", "values", "defaults", "filters"):
        value = mapping.get(section) or {}
        if not isinstance(value, dict):
            raise SalesperfError(f"data.{section} must map table names to settings, but "
                                 f"{type(value).__name__} was passed.")
        for table in value:
            _check_table_key(section, table)
        out[section] = {t: v for t, v in value.items()}
    for table, spec in out["files"].items():
        if not isinstance(spec, str) or not spec.strip():
            raise SalesperfError(f"data.files.{table} must be a file name such as "
                                 f"'orders.csv' or 'book.xlsx#Sheet1', but {spec!r} was passed.")
    out["lookups"] = {table: _check_lookups(table, entries) for table, entries in out["lookups"].items()}
    columns: dict[str, dict[str, list[str]]] = {}
    for table, renames in out["columns"].items():
        if not isinstance(renames, dict):
            raise SalesperfError(f"data.columns.{table} must map source headers to contract "
                                 f"columns, but {type(renames).__name__} was passed.")
        columns[table] = {}
        for header, target in renames.items():
            targets = [target] if isinstance(target, str) else list(target or [])
            for col in targets:
                _check_column(table, col, f"data.columns.{table}.{header}")
            columns[table][str(header)] = targets
    out["columns"] = columns
    for section in ("values", "defaults"):
        for table, cols in out[section].items():
            if not isinstance(cols, dict):
                raise SalesperfError(f"data.{section}.{table} must map contract columns to "
                                     f"settings, but {type(cols).__name__} was passed.")
            for col in cols:
                _check_column(table, col, f"data.{section}.{table}.{col}")
    for table, recodes in out["values"].items():
        for col, recode in recodes.items():
            if not isinstance(recode, dict):
                raise SalesperfError(f"data.values.{table}.{col} must map source values to "
                                     f"contract values, but {recode!r} was passed.")
    _check_value_targets(out["values"])
    filters: dict[str, dict[str, list | dict[str, list]]] = {}
    for table, cols in out["filters"].items():
        if not isinstance(cols, dict):
            raise SalesperfError(f"data.filters.{table} must map a column to the values to "
                                 f"keep, but {type(cols).__name__} was passed.")
        filters[table] = {str(c): _filter_values(f"data.filters.{table}.{c}", v) for c, v in cols.items()}
    out["filters"] = filters
    out["managers"] = _check_managers(mapping.get("managers"))
    enc = out["encoding"]
    if enc is not None:
        try:
            codecs.lookup(str(enc))
        except LookupError:
            raise SalesperfError(f"data.encoding '{enc}' is not an encoding Python knows: "
                                 f"use e.g. utf-8, gbk or gb18030.") from None
    return out


def _filter_values(key: str, spec: Any) -> list | dict[str, list]:
    """One filter of ``data.filters``: the values to keep (a list, or one value), or
    ``{not: [values]}``, the values to leave out."""
    def values(v: Any) -> list:
        return [v] if v is None or isinstance(v, (str, int, float, bool)) else list(v)

    if isinstance(spec, dict):
        if set(spec) != {"not"}:
            raise SalesperfError(f"{key} lists the values to keep ([A, B]) or, as {{not: [A, B]}}, the values to "
                                 f"leave out, but {spec!r} was passed." + did_you_mean(next(iter(spec), ""), ["not"]))
        return {"not": values(spec["not"])}
    return values(spec)


def _check_managers(spec: Any) -> dict[str, str]:
    """``data.managers``: the role (and optionally the team) of the managers added from
    the employees' manager_id (see :func:`_add_managers`); {} when not given."""
    if spec is None or spec == {}:
        return {}
    example = "e.g. data.managers: {role: manager}"
    if not isinstance(spec, dict):
        raise SalesperfError(f"data.managers gives the managers that manager_id names but the employees "
                             f"table does not list a role ({example}), but {spec!r} was passed.")
    for key in spec:
        if key not in _MANAGER_KEYS:
            raise SalesperfError(f"data.managers.{key}: unknown key; expected role (and optionally team), "
                                 f"{example}." + did_you_mean(str(key), _MANAGER_KEYS))
    for key, value in spec.items():
        if not isinstance(value, str) or not value.strip():
            raise SalesperfError(f"data.managers.{key} must be a text such as 'manager', but {value!r} was "
                                 f"passed; {example}.")
    if "role" not in spec:
        raise SalesperfError(f"data.managers needs a role for the managers it adds, {example}.")
    return {k: v.strip() for k, v in spec.items()}


def _check_lookups(table: str, entries: Any) -> list[dict]:
    """``data.lookups.<table>``: a list of {file, key, columns}; returned with the key split
    into ``left`` (the table's header) and ``right`` (the lookup file's header)."""
    example = "e.g. data.lookups.orders: [{file: regions.csv, key: Region, columns: [Manager]}]"
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise SalesperfError(f"data.lookups.{table} must be a list of lookups, but "
                             f"{type(entries).__name__} was passed; {example}.")
    out = []
    for i, e in enumerate(entries, start=1):
        where = f"data.lookups.{table} (item {i})"  # as the parameter file's keys are named
        if hasattr(e, "model_dump"):
            e = e.model_dump()
        if not isinstance(e, dict):
            raise SalesperfError(f"{where} must be a mapping with file, key and columns, but {e!r} "
                                 f"was passed; {example}.")
        e = lookup_spellings(e)
        unknown = [k for k in e if k not in ("file", "key", "columns")]
        if unknown:
            raise SalesperfError(f"{where}: unknown key '{unknown[0]}'; expected file, key and columns."
                                 + did_you_mean(str(unknown[0]), ["file", "key", "columns"]))
        file, on, cols = e.get("file"), e.get("key"), e.get("columns")
        if not isinstance(file, str) or not file.strip():
            raise SalesperfError(f"{where}: file must name the lookup file (e.g. regions.csv or "
                                 f"book.xlsx#Regions), but {file!r} was passed.")
        if isinstance(on, str) and on.strip():
            left = right = on.strip()
        elif isinstance(on, dict) and len(on) == 1:
            left, right = (str(x).strip() for x in next(iter(on.items())))
        else:
            raise SalesperfError(f"{where}: key must be the key header (the same in both files) or "
                                 f"{{<header in {table}>: <header in the lookup file>}}, but {on!r} was "
                                 f"passed.")
        if not isinstance(cols, list) or not cols or not all(isinstance(c, str) and c.strip() for c in cols):
            raise SalesperfError(f"{where}: columns must list the lookup file's headers to bring "
                                 f"over, but {cols!r} was passed.")
        out.append({"file": file.strip(), "left": left, "right": right,
                    "columns": [c.strip() for c in cols], "where": where})
    return out


def _check_value_targets(values: dict) -> None:
    """Every target of ``data.values`` must be a value its column accepts.

    A wrong target (``{Yes: refund}``) would otherwise make every recoded cell fail with a
    message that asks for the mapping already there; all wrong targets are raised at once.
    """
    errors = []
    for table, recodes in values.items():
        for col, recode in recodes.items():
            key = f"data.values.{table}.{col}"
            aliases = VALUE_ALIASES.get(table, {}).get(col, {})
            if col in TABLES[table].booleans:
                known = {normalise(k) for k in [*BOOLEAN_VALUES, *aliases]}
                for source, target in recode.items():
                    if isinstance(target, (bool, np.bool_)) or normalise(target) in known:
                        continue
                    errors.append(f"{key} maps {source!r} to {target!r}, but {table}.{col} is a "
                                  f"yes/no column: expected true or false (or 是/否, yes/no, "
                                  f"1/0). Fix: write {{{source!r}: true}} or "
                                  f"{{{source!r}: false}}.")
                continue
            allowed = _allowed_values(table, col)
            if not allowed:
                continue
            known = {normalise(a) for a in [*allowed, *aliases]}
            shown = ", ".join(map(str, allowed[:30])) + (", ..." if len(allowed) > 30 else "")
            for source, target in recode.items():
                if isinstance(target, str) and normalise(target) in known:
                    continue
                yaml = (" (YAML reads an unquoted Yes/No/On/Off as true/false)"
                        if isinstance(target, bool) else "")
                hint = did_you_mean(target, allowed)
                example = hint.split("'")[1] if hint else allowed[0]
                errors.append(
                    f"{key} maps {source!r} to {target!r}{yaml}, which is not an allowed value "
                    f"of {table}.{col}: expected one of {shown}.{hint} Fix: write one of them as "
                    f"the target in the parameter file, e.g. {{{source!r}: {example}}}.")
    if errors:
        raise SalesperfError("\n".join(errors) if len(errors) == 1 else
                             f"{len(errors)} wrong targets in data.values:\n"
                             + "\n".join(f"  - {e}" for e in errors))


def _check_table_key(section: str, table: object) -> None:
    """A key of ``data.<section>`` (columns, values, defaults, files, lookups, filters), which
    names a table: a sheet's or file's name of one (订单 for orders) asks for the table's name."""
    if table in TABLES:
        return
    key = f"data.{section}.{table}"
    meant = table_of_name(str(table))
    hint = did_you_mean(meant or table, TABLES)
    if meant:  # (the loader reads that sheet as the table; the plan's keys are the tables' own names)
        hint = Note(f"{hint} '{table}' names the {meant} table's sheet or file, but data.{section} is keyed by "
                    f"the table's name: write data.{section}.{meant}.",
                    f"{hint.zh}「{table}」是 {meant}（{TABLES[meant].zh}）表的工作表或文件名，而 data.{section} "
                    f"下应写表名：data.{section}.{meant}。")
    err = SalesperfError(hint.prefixed(
        f"{key}: '{table}' is not a table: expected one of {', '.join(TABLES)}.",
        f"{key}：「{table}」不是表名，应为以下之一：{'、'.join(TABLES)}。"))
    err.key = key  # (where the plan writes it: load_plan_data names the file and line)
    raise err


def _check_column(table: str, column: object, where: str) -> None:
    options = list(TABLES[table].columns)
    if table == "kpi_sheet":
        options += [*CATALOGUE, *SHEET_COUNTS]
    if column not in options:
        hint = did_you_mean(column, options)
        err = SalesperfError(Note(
            f"{where}: '{column}' is not a column of table '{table}': expected one of {', '.join(options)}.{hint}",
            f"{where}：「{column}」不是「{TABLES[table].zh}」表的列，应为以下之一：{'、'.join(options)}。{hint.zh}"))
        err.key = where  # (where the plan writes it: load_plan_data names the file and line)
        raise err


def _check_tables(tables: list[str] | None) -> list[str] | None:
    if tables is None:
        return None
    if isinstance(tables, str):
        tables = [tables]
    for t in tables:
        check_one_of("tables", t, TABLES)
    return list(tables)


def _known_headers(table: str, m: dict) -> set[str]:
    """Normalised headers that mark the header row of ``table``."""
    known = {normalise(c) for c in TABLES[table].columns}
    for aliases in COLUMN_ALIASES.get(table, {}).values():
        known.update(normalise(a) for a in aliases)
    known.update(normalise(h) for h in m["columns"].get(table, {}))
    known.update(normalise(c) for c in m["filters"].get(table, {}))
    if table == "kpi_sheet":
        known.update(_KPI_LABELS)
    return known


# --- finding the files ----------------------------------------------------------------

def _split_sheet(spec: str) -> tuple[str, str | None]:
    name, _, sheet = spec.partition("#")
    return name.strip(), (sheet.strip() or None)


def _excel_engine(path: Path, display: str, run: _Run, table: str = "") -> str | None:
    """The pandas engine that reads the workbook: openpyxl for .xlsx/.xlsm, calamine for
    the old binary .xls, which openpyxl cannot read (None, with an error, when calamine is
    not installed)."""
    if path.suffix.lower() != ".xls":
        return "openpyxl"
    try:
        importlib.import_module("python_calamine")  # (installed: pandas' calamine engine needs it)
    except ImportError:
        run.error(table or "?", "unsupported_file", Note(
            "reading an old Excel workbook (.xls) needs the python-calamine package, which is not installed",
            "读取旧版 Excel 工作簿（.xls）需要 python-calamine 包，但它没有安装"), file=display,
                  fix=Note("install the kit's dependencies again (pip install -e . or conda env "
                           "update -f environment.yml), or pip install python-calamine; or open the "
                           "file in Excel and save it as .xlsx",
                           "重新安装本工具的依赖（pip install -e . 或 conda env update -f environment.yml），"
                           "或 pip install python-calamine；也可用 Excel 打开该文件并另存为 .xlsx"))
        return None
    return "calamine"


def _sheet_names(path: Path, display: str, run: _Run, table: str = "") -> list[str] | None:
    engine = _excel_engine(path, display, run, table)
    if engine is None:
        return None
    try:
        with pd.ExcelFile(path, engine=engine) as book:
            return [str(name) for name in book.sheet_names]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # corrupt or not a workbook (calamine panics on some)
        message, fix = _unopened_workbook(path, err)
        run.error(table or "?", "unreadable_file", message, file=display, fix=fix)
        return None


def _hidden_sheets(path: Path) -> set[str]:
    """The sheets of a workbook that Excel does not show (hidden or very hidden): an old
    copy or a template the client hid, not the data they see. Empty when the workbook's
    sheet list cannot be read (the reading itself then says why)."""
    try:
        import python_calamine as calamine

        book = calamine.CalamineWorkbook.from_path(str(path))
        try:
            return {str(m.name) for m in book.sheets_metadata if m.visible != calamine.SheetVisibleEnum.Visible}
        finally:
            book.close()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # (not installed, or a file the reading reports)
        return set()


def _unopened_workbook(path: Path, err: BaseException) -> tuple[Note, Note]:
    """What to say of a workbook that does not open: an empty file or an .xlsx cut short (a
    copy or a download that stopped, common under cron) needs exporting again, which saving
    it again in Excel cannot mend; anything else may be a file Excel can still open."""
    import zipfile

    try:
        size = path.stat().st_size
    except OSError:
        size = None
    again = Note("export or copy the file again; the copy that is there did not finish",
                 "重新导出或复制该文件：现有文件没有完整写完")
    if size == 0:
        return (Note("the workbook is empty (0 bytes): an export or a copy that did not finish leaves such a file",
                     "工作簿为空（0 字节）：导出或复制没有完成时会留下这样的文件"), again)
    if isinstance(err, zipfile.BadZipFile) and path.suffix.lower() in (".xlsx", ".xlsm"):
        return (Note(f"cannot open the workbook: it is not a whole .xlsx file ({size:,} bytes; {err}): a copy or a "
                     "download that stopped part-way leaves such a file",
                     f"无法打开工作簿：不是完整的 .xlsx 文件（{size:,} 字节；{err}），复制或下载中途停止时会留下这样的文件"),
                Note(f"{again}; if the file opens in Excel, save it again as .xlsx",
                     f"{again.zh}；若 Excel 能打开，请另存为 .xlsx"))
    return (Note(f"cannot open the workbook: {type(err).__name__}: {err}", f"无法打开工作簿：{type(err).__name__}: {err}"),
            _SAVE_AS_XLSX)


def _discover(root: Path, m: dict, wanted: list[str] | None, run: _Run) -> list[_Source]:
    explicit = m["files"]
    sources: list[_Source] = []
    lookups = [_split_sheet(e["file"]) for entries in m["lookups"].values() for e in entries]
    if root.is_dir() and not any(p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower()
                                 not in _PLAN_SUFFIXES for p in root.iterdir()):
        # (the usual failure of a scheduled run: the export has not arrived yet)
        run.error("?", "empty_folder", Note(f"the data folder {root} holds no file", f"数据文件夹 {root} 中没有任何文件"),
                  fix=Note("if the export has not arrived yet, run again once it has; otherwise check data.path "
                           "(or --data)", "如果导出文件还没送到，等送到后再运行；否则请检查 data.path（或 --data）"))
        return []
    if root.is_dir():
        # a lookup file is not reported as a file of no table (one named after a table is
        # also loaded as that table)
        claimed: set[Path] = {(root / f).resolve() for f, _ in lookups
                              if (root / f).is_file() and table_of_name(Path(f).stem) is None}
        for table, spec in explicit.items():
            src = _explicit_source(table, spec, root, claimed, run)
            if src is not None:
                sources.append(src)
        for p in sorted(root.iterdir()):
            if p.name.startswith((".", "~$")) or not p.is_file() or p.suffix.lower() in _PLAN_SUFFIXES:
                continue
            # a file that data.files names for another table (calls.csv read for the people
            # of a call log) is still its own table when its name says so
            own = table_of_name(p.stem)
            if p.resolve() in claimed and (own is None or own in explicit):
                continue
            sources.extend(_sources_of_file(p, p.name, explicit, run))
    elif root.is_file():
        kind = _kind_of(root, "?", root.name, run)
        if kind is None:
            return []
        if kind == "xlsx":
            found = _sources_of_workbook(root, explicit, run, folder=root.parent,
                                         skip={sheet or f for f, sheet in lookups
                                               if Path(f).name == root.name or not (root.parent / f).is_file()})
            own = [s for s in found if s.path == root]
            sheets = _sheet_names(root, root.name, run) if not own and not run.problems else None
            if sheets and found:  # every table read from a file beside it: its sheets are merely unused
                other = next((t for t in TABLES if t not in {s.table for s in found}), "orders")  # (for the example)
                run.warn("?", "unknown_sheet", Note(
                    "not loaded: no sheet is named after a table or in data.files "
                    "(sheets: " + ", ".join(f"'{s}'" for s in sheets) + "); the tables were read from "
                    "the files data.files names: " + ", ".join(sorted({s.display for s in found})),
                    "未加载任何工作表（工作表：" + "、".join(f"「{s}」" for s in sheets) + "；名称不是表名，"
                    "data.files 也未指定）：各表读自 data.files 指定的文件：" + "、".join(sorted({s.display for s in found}))),
                    file=root.name,
                    fix=Note(f"nothing to do if those files are the data; to read a sheet, name it in data.files, "
                             f"e.g. data.files: {{{other}: '{root.name}#{sheets[0]}'}}",
                             f"若数据就在这些文件中，无需处理；要读取某个工作表，请在 data.files 中指定，"
                             f"如 data.files: {{{other}: '{root.name}#{sheets[0]}'}}"))
            elif sheets:
                run.error("?", "no_tables", Note(
                    "no sheet is named after a table (sheets: " + ", ".join(f"'{s}'" for s in sheets) + ")",
                    "没有以表名命名的工作表（工作表：" + "、".join(f"「{s}」" for s in sheets) + "）"),
                    file=root.name,
                    fix=Note(f"rename the sheets after their tables ({', '.join(TABLES)}, or "
                             f"their Chinese names), or name them in data.files, e.g. "
                             f"data.files: {{orders: '{root.name}#{sheets[0]}'}}",
                             f"把工作表按表名重命名（{_TABLE_NAMES_ZH}），或在 data.files 中指定，"
                             f"如 data.files: {{orders: '{root.name}#{sheets[0]}'}}"))
            sources.extend(found)
        else:
            # every table that data.files reads from this very file (a call log that also
            # gives the people: files: {calls: log.csv, employees: log.csv})
            tables = [t for t, spec in explicit.items() if Path(_split_sheet(spec)[0]).name == root.name]
            for t, spec in explicit.items():
                if t not in tables:
                    run.warn(t, "unknown_file", Note(f"data.files.{t} ('{spec}') is not loaded: only "
                                                     f"the file '{root.name}' was given",
                                                     f"未加载 data.files.{t}（「{spec}」）：只给了文件「{root.name}」"),
                             fix=Note("pass the folder instead to load several tables",
                                      "改为给出文件夹，以加载多张表"))
            tables = tables or [t for t in [table_of_name(root.stem)] if t is not None]
            if not tables:
                run.error("?", "unknown_table",
                          Note("cannot tell which table this file holds: its name is not a table name",
                               "无法判断该文件是哪张表：文件名不是表名"),
                          file=root.name, fix=Note(
                              f"add data.files: {{orders: {root.name}}} (or the "
                              f"right table) to the parameter file, or rename the file after its "
                              f"table, e.g. orders{root.suffix}",
                              f"在参数文件中加上 data.files: {{orders: {root.name}}}（或对应的表），"
                              f"或按表名重命名该文件，如 订单{root.suffix}"))
            sources.extend(_Source(t, root, kind, None, root.name) for t in tables)
    return _deduplicate(sources, wanted, run)


def _explicit_source(table: str, spec: str, folder: Path, claimed: set[Path], run: _Run,
                     sheets: list[str] | None = None, key: str = "") -> _Source | None:
    """The file that ``data.files.<table>`` (or the parameter-file ``key``, e.g. a lookup)
    names: absolute, or relative to ``folder``.

    ``sheets`` are the sheets of the workbook given as the data path, if it is one (for the
    "did you mean" of a name that is neither a file nor one of them).
    """
    named_by = key or f"data.files.{table}"
    fname, sheet = _split_sheet(spec)
    p = Path(fname) if Path(fname).is_absolute() else folder / fname
    if not p.is_file():
        names = sorted(q.name for q in folder.iterdir() if not q.name.startswith(".")) \
            if folder.is_dir() else []
        where = (f"neither a sheet of the workbook (sheets: {', '.join(sheets)}) nor a file "
                 f"(looked for {p})" if sheets is not None else
                 f"not a file (looked for {p})" if Path(fname).is_absolute() else
                 f"not in {folder}")
        where_zh = (f"既不是该工作簿的工作表（工作表：{'、'.join(sheets)}），也不是文件（查找的是 {p}）"
                    if sheets is not None else f"不是文件（查找的是 {p}）" if Path(fname).is_absolute() else
                    f"不在 {folder} 中")
        run.error(table, "file_missing", Note(f"{named_by} names '{fname}', which is {where}",
                                              f"{named_by} 指定的「{fname}」{where_zh}"),
                  file=fname, fix=_with_hint(Note(f"correct {key or 'data.files'} in the parameter file",
                                                  f"若是定时无人值守运行，可能是导出文件还没送到：等它送到后再运行；"
                                                  f"否则改正参数文件中的 {key or 'data.files'}"),
                                             Path(fname).name, [*names, *(sheets or [])]))
        return None
    claimed.add(p.resolve())  # reported or loaded here: not looked at again as a folder file
    kind = _kind_of(p, table, fname, run)
    if kind is None:
        return None
    return _Source(table, p, kind, sheet, fname, key)


def _kind_of(path: Path, table: str, display: str, run: _Run) -> str | None:
    kind = _KINDS.get(path.suffix.lower())
    if kind is None:
        what = f"table '{table}'" if table != "?" else "the data"
        what_zh = f"「{TABLES[table].zh}」表" if table in TABLES else "数据"
        if path.suffix.lower() in _OLD_EXCEL:
            run.error(table, "unsupported_file", Note(
                      f"{what} cannot be read from this file: '{path.suffix}' is a workbook "
                      f"format the kit does not read; expected .xlsx, .xls, .csv or .parquet",
                      f"无法从该文件读取{what_zh}：「{path.suffix}」是本工具不能读取的工作簿格式；"
                      f"应为 .xlsx、.xls、.csv 或 .parquet"),
                      file=display, fix=Note("open it in Excel and save it as .xlsx (Excel Workbook) "
                                             "or as CSV UTF-8",
                                             "用 Excel 打开，另存为 .xlsx（Excel 工作簿）或 CSV UTF-8"))
        else:
            run.error(table, "unsupported_file", Note(
                      f"{what} cannot be read from this file: unsupported file type "
                      f"'{path.suffix}'; expected .csv, .xlsx or .parquet",
                      f"无法从该文件读取{what_zh}：不支持的文件类型「{path.suffix}」；应为 .csv、.xlsx 或 .parquet"),
                      file=display, fix=Note("export the table as CSV, XLSX or Parquet",
                                             "把该表导出为 CSV、XLSX 或 Parquet"))
    return kind


def _sources_of_file(p: Path, display: str, explicit: dict, run: _Run) -> list[_Source]:
    kind = _KINDS.get(p.suffix.lower())
    table = table_of_name(p.stem)
    if table is not None and table in explicit:
        run.warn(table, "unknown_file", Note(f"not loaded: data.files.{table} points at "
                                             f"'{explicit[table]}' instead",
                                             f"未加载：data.files.{table} 指向的是「{explicit[table]}」"),
                 file=display,
                 fix=Note("remove the file or data.files." + table + " if this is the right file",
                          f"删除该文件；若它才是要用的文件，则删除 data.files.{table}"))
        return []
    if kind is None:
        if table is not None:
            _kind_of(p, table, display, run)
        elif p.suffix.lower() in _OLD_EXCEL:
            run.warn("?", "unknown_file", Note(
                f"not loaded: '{p.name}' is a workbook in a format "
                f"the kit cannot read ('{p.suffix}'), and '{p.stem}' is not a table name",
                f"未加载：「{p.name}」的工作簿格式（「{p.suffix}」）无法读取，「{p.stem}」也不是表名"),
                     file=display, fix=Note(
                         "if it holds a table, open it in Excel and save it as "
                         ".xlsx (Excel Workbook) or CSV UTF-8 named after its table, e.g. "
                         "orders.xlsx, or name it in data.files",
                         "若其中是数据表，用 Excel 打开，另存为以表名命名的 .xlsx（Excel 工作簿）或 CSV UTF-8，"
                         "如 订单.xlsx，或在 data.files 中指定"))
        else:
            run.warn("?", "unknown_file", Note("not loaded: not a table file (.csv, .xlsx, .parquet "
                                               "named after a table)",
                                               "未加载：不是数据表文件（以表名命名的 .csv、.xlsx 或 .parquet）"),
                     file=display,
                     fix=Note("nothing to do if the file holds no table; otherwise export it as CSV, "
                              "XLSX or Parquet named after its table",
                              "若该文件不是数据表，无需处理；否则把它导出为以表名命名的 CSV、XLSX 或 Parquet"))
        return []
    if table is not None:
        return [_Source(table, p, kind, None, display)]
    if kind == "xlsx":
        found = _sources_of_workbook(p, {}, run)
        for s in found:
            if s.table in explicit:
                run.warn(s.table, "unknown_sheet", _sheet_not_loaded(s.table, explicit[s.table]),
                         file=display, sheet=s.sheet, fix=_remove_sheet(s.table))
        found = [s for s in found if s.table not in explicit]
        if found:
            return found
    if explicit:  # the plan names the files it reads: this is one of the export's others, not a misnamed table
        run.warn("?", "unknown_file", Note(
            "not loaded: data.files names the files of the tables read, and not this one",
            "未加载：data.files 已指定要读取的各表文件，不含此文件"), file=display,
                 fix=Note(f"nothing to do if it holds none of the tables; otherwise name its table in data.files, "
                          f"e.g. data.files: {{<table>: {p.name}}}",
                          f"若其中没有要用的表，无需处理；否则在 data.files 中指定它是哪张表，如 data.files: {{<表>: {p.name}}}"))
        return []
    run.warn("?", "unknown_file", Note(
        f"not loaded: '{p.stem}' is not a table name (tables: {', '.join(TABLES)})",
        f"未加载：「{p.stem}」不是表名（{_TABLE_NAMES_ZH}）"), file=display,
             fix=_with_hint(Note(f"rename the file, or name its table in data.files, e.g. "
                                 f"data.files: {{<table>: {p.name}}}",
                                 f"重命名该文件，或在 data.files 中指定它是哪张表，如 data.files: {{<表>: {p.name}}}"),
                            p.stem, TABLES))
    return []


def _sources_of_workbook(path: Path, explicit: dict, run: _Run,
                         folder: Path | None = None, skip: set[str] = frozenset()) -> list[_Source]:
    """Sheets of one workbook named after tables (or named by data.files).

    With ``folder`` (the workbook is the data path), tables that ``data.files`` puts in
    other files are loaded from them (paths relative to ``folder``), as in a data folder.
    Sheets in ``skip`` (lookups) are neither loaded nor reported.
    """
    sheets = _sheet_names(path, path.name, run)
    if sheets is None:
        return []
    # a lookup naming a sheet the workbook lacks is an error that names the sheet it probably
    # meant: that sheet is not reported again as one of no table
    skip = set(skip) | {closest(s, sheets) for s in skip if s not in sheets} - {None}
    out: list[_Source] = []
    used: set[str] = set()
    elsewhere: dict[str, str] = {}
    for table, spec in explicit.items():
        fname, sheet = _split_sheet(spec)
        if sheet is None and fname in sheets:
            sheet = fname
        elif not _is_same_file(fname, path, folder):
            elsewhere[table] = spec
            if folder is not None:
                src = _explicit_source(table, spec, folder, set(), run, sheets=sheets)
                if src is not None:
                    out.append(src)
            continue
        sheet = sheet or sheets[0]
        if sheet not in sheets:
            run.error(table, "sheet_missing", Note(
                f"data.files.{table} names sheet '{sheet}', which "
                f"is not in the workbook (sheets: {', '.join(sheets)})",
                f"data.files.{table} 指定的工作表「{sheet}」不在该工作簿中（工作表：{'、'.join(sheets)}）"),
                      file=path.name,
                      fix=_with_hint(Note("correct the sheet name in data.files", "改正 data.files 中的工作表名"),
                                     sheet, sheets))
            continue
        used.add(sheet)
        out.append(_Source(table, path, "xlsx", sheet, path.name))
    taken = {s.table for s in out}
    unknown = []
    hidden = _hidden_sheets(path)
    for sheet in sheets:
        if sheet in used or (sheet in skip and table_of_name(sheet) is None):
            continue
        table = table_of_name(sheet)
        if sheet in hidden:  # (read only when data.files names it)
            if table is not None:
                run.warn(table, "hidden_sheet", Note(
                    f"sheet '{sheet}' is hidden in the workbook, so it was not loaded as the {table} table",
                    f"工作表「{sheet}」在工作簿中是隐藏的，未作为「{TABLES[table].zh}」表加载"),
                         file=path.name, sheet=sheet,
                         fix=Note(f"if it holds the data, unhide it in Excel or name it in data.files, e.g. "
                                  f"{table}: '{path.name}#{sheet}'; if not, nothing to do",
                                  f"如果它就是要用的数据，请在 Excel 中取消隐藏，或在 data.files 中指定，如 "
                                  f"{table}: '{path.name}#{sheet}'；否则无需处理"))
            continue
        if table is not None and table in elsewhere and folder is not None:
            run.warn(table, "unknown_sheet", _sheet_not_loaded(table, elsewhere[table]),
                     file=path.name, sheet=sheet, fix=_remove_sheet(table))
            continue
        if table is None or table in taken:
            unknown.append(sheet)
            continue
        out.append(_Source(table, path, "xlsx", sheet, path.name))
    if unknown and any(s.path == path for s in out):  # (none of its own: told by the caller, naming the files read)
        run.warn("?", "unknown_sheet", Note("sheets not loaded (their names are not table names): "
                                            + ", ".join(f"'{s}'" for s in unknown),
                                            "未加载的工作表（名称不是表名）：" + "、".join(f"「{s}」" for s in unknown)),
                 file=path.name,
                 fix=Note("rename a sheet after its table, or name it in data.files, e.g. "
                          f"orders: '{path.name}#{unknown[0]}'",
                          f"把工作表按表名重命名，或在 data.files 中指定，如 orders: '{path.name}#{unknown[0]}'"))
    return out


def _is_same_file(fname: str, path: Path, folder: Path | None) -> bool:
    """Whether the file name of a data.files entry is the workbook ``path`` itself."""
    if Path(fname).name != path.name:
        return False
    if folder is None or not Path(fname).is_absolute():
        return True
    return Path(fname).resolve() == path.resolve()


def _deduplicate(sources: list[_Source], wanted: list[str] | None, run: _Run) -> list[_Source]:
    by_table: dict[str, list[_Source]] = {}
    for s in sources:
        by_table.setdefault(s.table, []).append(s)
    out = []
    for table, found in by_table.items():
        if wanted is not None and table not in wanted:
            continue
        if len(found) > 1:
            names = ", ".join(f"'{s.display}'" + (f" sheet '{s.sheet}'" if s.sheet else "")
                              for s in found)
            names_zh = "、".join(f"「{s.display}」" + (f"工作表「{s.sheet}」" if s.sheet else "") for s in found)
            run.error(table, "table_duplicate", Note(f"{len(found)} sources hold table '{table}': {names}",
                                                     f"{len(found)} 处都是「{TABLES[table].zh}」表：{names_zh}"),
                      file=found[0].display,
                      fix=Note(f"keep one, or choose one with data.files: {{{table}: <file>}}",
                               f"只保留一处，或用 data.files: {{{table}: <文件>}} 指定用哪一处"))
            continue
        out.append(found[0])
    present = {s.table for s in sources}
    for table in wanted or []:
        if table not in present:
            run.error(table, "table_missing", Note(f"table '{table}' was asked for but no file or "
                                                   f"sheet holds it",
                                                   f"需要「{TABLES[table].zh}」表，但没有文件或工作表是这张表"),
                      fix=Note(f"add a file named {table}.csv (or "
                               f"{TABLES[table].zh}.xlsx), or name it in data.files",
                               f"加入名为 {TABLES[table].zh}.xlsx（或 {table}.csv）的文件，或在 data.files 中指定"))
    if not sources and not run.problems:
        run.error("?", "no_tables", Note("no table found: no file or sheet is named after a table "
                                         f"({', '.join(TABLES)}, or their Chinese names)",
                                         f"没有找到任何表：没有文件或工作表以表名命名（{_TABLE_NAMES_ZH}）"),
                  fix=Note("rename the files after their tables, or map them with data.files",
                           "按表名重命名文件，或用 data.files 指定"))
    return out


# --- reading --------------------------------------------------------------------------

def _decode(data: bytes, src: _Source, forced: str | None, run: _Run) -> str | None:
    """Decode ``data`` strictly; record a problem (and return None) when no encoding fits."""
    fail = dict(file=src.display, fix=Note("save the file as CSV UTF-8 (Excel: Save As > CSV UTF-8), "
                                           "or set data.encoding in the parameter file",
                                           "把文件另存为 CSV UTF-8（Excel：另存为 > CSV UTF-8），"
                                           "或在参数文件中设置 data.encoding"))
    if forced:
        try:
            return data.decode(forced)
        except UnicodeDecodeError as err:
            run.error(src.table, "encoding", Note(f"the file is not valid {forced} (data.encoding): "
                                                  f"byte {err.start} cannot be decoded",
                                                  f"该文件不是有效的 {forced}（data.encoding）："
                                                  f"偏移量 {err.start} 处的字节无法解码"), **fail)
            return None
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError:
            pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        run.error(src.table, "unreadable_file", Note("this is an Excel workbook, not a text (CSV) file",
                                                     "这是 Excel 工作簿，不是文本（CSV）文件"),
                  file=src.display, fix=Note("give it the .xlsx extension (.xls for an "
                                             "old Excel 97-2003 workbook)",
                                             "把扩展名改为 .xlsx（旧版 Excel 97-2003 工作簿为 .xls）"))
        return None
    if b"\x00" not in data[:65536]:
        for enc in ("utf-8", "gb18030"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if enc == "utf-8" or not _latin_as_gbk(text):
                return text
        from charset_normalizer import from_bytes

        found = from_bytes(data)
        best = found.best()
        # on a tie (cp1250 and cp1252 often are), Western Europe's Windows encoding
        western = next((m for m in found if "cp1252" in m.could_be_from_charset), None)
        if best is not None and western is not None and western.chaos <= best.chaos \
                and western.coherence >= best.coherence:
            best = western
        if best is not None and best.encoding:
            encoding = "cp1252" if "cp1252" in best.could_be_from_charset else best.encoding
            try:
                text = data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                text = None
            if text is not None:
                run.warn(src.table, "encoding", Note(f"the encoding is neither UTF-8 nor GBK; it was "
                                                     f"guessed as {encoding}",
                                                     f"文件编码既不是 UTF-8 也不是 GBK，按猜测的 {encoding} 读取"),
                         file=src.display,
                         fix=Note("check a few names with accents or Chinese characters; if they "
                                  "look wrong set data.encoding in the parameter file",
                                  "检查几个带中文或重音字母的名字；若显示不对，请在参数文件中设置 data.encoding"))
                return text
    run.error(src.table, "unreadable_file", Note("this is not a text (CSV) file: it decodes as "
                                                 "neither UTF-8, UTF-16, GBK/GB18030 nor any encoding "
                                                 "that can be guessed",
                                                 "这不是文本（CSV）文件：按 UTF-8、UTF-16、GBK/GB18030 "
                                                 "或任何能猜出的编码都无法解码"), **fail)
    return None


def _latin_as_gbk(text: str) -> bool:
    """Whether a text that decoded as GB18030 is rather Windows-1252 bytes read wrongly
    (Jürgen Müller as J黵gen M黮ler): most of its two-byte characters end in an ASCII byte,
    which the Chinese characters of GB2312 never do (both their bytes are above 0xA0)."""
    wide = [c for c in text[:200_000] if ord(c) > 127]
    if not wide:
        return False
    low = sum(1 for c in wide if (b := c.encode("gb18030", errors="replace")) and len(b) == 2 and b[1] < 0x80)
    return low > len(wide) / 2


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the most, and equal, fields."""
    lines = [line for line in lines if line.strip()][:_HEADER_SCAN * 2]
    best, best_score = ",", (0, 0)
    for d in _DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        if not counts:
            continue
        common, n = Counter(counts).most_common(1)[0]
        if common < 2:
            continue
        score = (n, common)
        if score > best_score:
            best, best_score = d, score
    return best


def _read_csv(src: _Source, m: dict, run: _Run, known: set[str] | None = None) -> _Grid | None:
    try:
        data = src.path.read_bytes()
    except OSError as err:
        run.error(src.table, "unreadable_file", Note(f"cannot read the file: {err}", f"无法读取该文件：{err}"),
                  file=src.display)
        return None
    text = _decode(data, src, m["encoding"], run)
    if text is None:
        return None
    text = text.removeprefix("\ufeff")  # a BOM left by a forced encoding
    first = re.split(r"\r\n|\n|\r", text[:200_000])[:_HEADER_SCAN + 40]
    skip = 0
    directive = re.fullmatch(r"sep=(.)", first[0].strip()) if first else None
    if directive:  # Excel's "sep=;" first line, hidden by Excel
        delimiter, skip = directive.group(1), 1
    else:
        delimiter = _sniff_delimiter(first)
    sample = list(csv.reader(first[skip:skip + _HEADER_SCAN], delimiter=delimiter))
    h = _header_index(sample, known if known is not None else _known_headers(src.table, m))
    try:
        grid = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str,
                           na_filter=False, skip_blank_lines=False, skiprows=skip + h,
                           engine="c")
    except pd.errors.EmptyDataError:
        run.error(src.table, "empty_file", _EMPTY_FILE, file=src.display, fix=_EXPORT_AGAIN)
        return None
    except pd.errors.ParserError as err:
        _report_ragged_rows(src, text, delimiter, skip + h, h + 1, str(err), run)
        return None
    if grid.empty:
        run.error(src.table, "empty_file", _EMPTY_FILE, file=src.display, fix=_EXPORT_AGAIN)
        return None
    headers = [_header_text(v) for v in grid.iloc[0]]
    body = grid.iloc[1:].reset_index(drop=True)
    body.columns = range(len(headers))
    return _Grid(headers, body, header_row=h + 1)


def _report_ragged_rows(src: _Source, text: str, delimiter: str, skip: int, header_row: int,
                        detail: str, run: _Run) -> None:
    """A row with more values than the header: find every such row with the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = None
    found = 0
    for i, record in enumerate(_records(reader)):
        if i < skip:
            continue
        if width is None:
            width = len(record)
            continue
        if len(record) > width:
            found += 1
            run.error(src.table, "csv_format", Note(f"this row has {len(record)} values but the header "
                                                    f"has {width} columns",
                                                    f"该行有 {len(record)} 个值，但表头只有 {width} 列"),
                      file=src.display, row=header_row + i - skip,
                      value=delimiter.join(record)[:120],
                      fix=Note(f"a value probably contains the delimiter '{delimiter}' (e.g. a "
                               f"thousands separator in 1,200): quote it or remove the separator",
                               f"某个值里多半含有分隔符「{delimiter}」（如 1,200 中的千位分隔符）："
                               f"给它加上引号，或去掉该分隔符"))
    quote = re.search(r"EOF inside string starting at row (\d+)", detail)
    if not found and quote:  # (pandas counts the file's lines from 0)
        run.error(src.table, "csv_format", Note("a quote (\") opened in this row is never closed: the rest of the file "
                                                "reads as one value", "该行有左引号（\"）但始终没有对应的右引号："
                                                "其后的整个文件都被读成一个值"),
                  file=src.display, row=int(quote.group(1)) + 1,
                  fix=Note("close the quote, or remove it, and export the file again if it was cut short",
                           "补上或删去该引号；若文件被截断，请重新导出"))
    elif not found:
        run.error(src.table, "csv_format", Note(f"the CSV cannot be read: {detail}", f"无法读取该 CSV：{detail}"),
                  file=src.display, fix=Note("check the quoting of the file (an opening \" without its closing \")",
                                             "检查文件中的引号（有左引号 \" 而缺少对应的右引号 \"）"))


def _records(reader):
    """The records of a csv reader, up to one it cannot read (an opening quote never closed
    makes the rest of the file one value, beyond the csv module's field limit)."""
    try:
        yield from reader
    except csv.Error:
        return


def _header_index(rows: list[list[Any]], known: set[str]) -> int:
    """Index of the header among the first rows: the one naming most known columns."""
    best, best_score, first_filled = 0, 0, None
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        cells = [normalise(_header_text(v)) for v in row]
        if first_filled is None and any(cells):
            first_filled = i
        score = sum(c in known for c in cells if c)
        if score > best_score:
            best, best_score = i, score
    return best if best_score else (first_filled or 0)


def _header_text(value: Any) -> str:
    text = _cell_text(value)
    return "" if text is None else text


def _read_workbooks(sources: list[_Source], run: _Run) -> dict[tuple[Path, str], pd.DataFrame]:
    """Read the sheets needed from each workbook, one pass per workbook."""
    out: dict[tuple[Path, str], pd.DataFrame] = {}
    by_path: dict[Path, list[_Source]] = {}
    for s in sources:
        by_path.setdefault(s.path, []).append(s)
    for path, srcs in by_path.items():
        names = _sheet_names(path, srcs[0].display, run, srcs[0].table)
        if names is None:
            continue
        sheets = set()
        for s in srcs:
            if s.sheet and s.sheet not in names:
                run.error(s.table, "sheet_missing", Note(
                    f"{s.named_by} names sheet '{s.sheet}', which is not in the workbook (sheets: "
                    + ", ".join(f"'{n}'" for n in names) + ")",
                    f"{s.named_by} 指定的工作表「{s.sheet}」不在该工作簿中（工作表："
                    + "、".join(f"「{n}」" for n in names) + "）"), file=s.display,
                          fix=_with_hint(Note(f"correct the sheet name in {s.key or 'data.files'}",
                                              f"改正 {s.key or 'data.files'} 中的工作表名"),
                                         s.sheet, names))
                s.sheet = None
            elif s.sheet:
                sheets.add(s.sheet)
            else:  # a file named after its table: the sheet named so, else the first one
                s.sheet = next((n for n in names if table_of_name(n) == s.table), names[0])
                sheets.add(s.sheet)
                others = [n for n in names if n != s.sheet]
                if others:
                    run.warn(s.table, "unknown_sheet", Note(
                        f"only sheet '{s.sheet}' is read as table '{s.table}'; not loaded: "
                        + ", ".join(f"'{n}'" for n in others),
                        f"只把工作表「{s.sheet}」读作「{TABLES[s.table].zh}」表；未加载："
                        + "、".join(f"「{n}」" for n in others)), file=s.display,
                             fix=Note(f"name the sheet in data.files if it is another one, e.g. "
                                      f"{s.table}: '{s.display}#{others[0]}'",
                                      f"若该表在另一个工作表中，请在 data.files 中指定，"
                                      f"如 {s.table}: '{s.display}#{others[0]}'"))
        if not sheets:
            continue
        try:
            frames = pd.read_excel(path, sheet_name=sorted(sheets), header=None, dtype=object,
                                   keep_default_na=False,
                                   engine=_excel_engine(path, srcs[0].display, run))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as err:  # corrupt workbook (calamine panics on some)
            for s in srcs:
                run.error(s.table, "unreadable_file", Note(f"cannot read the workbook: {type(err).__name__}: {err}",
                                                           f"无法读取工作簿：{type(err).__name__}: {err}"),
                          file=s.display, sheet=s.sheet, fix=_SAVE_AS_XLSX)
            continue
        for sheet, frame in frames.items():
            out[(path, sheet)] = frame
        for s in srcs:
            if (path, s.sheet) in out and out[(path, s.sheet)].empty:
                run.error(s.table, "empty_file", Note("the sheet is empty", "该工作表为空"), file=s.display,
                          sheet=s.sheet, fix=Note("put the table with its header row in this sheet",
                                                  "把带表头行的数据表放进该工作表"))
                del out[(path, s.sheet)]
    return out


def _grid_from_rows(frame: pd.DataFrame, known: set[str]) -> _Grid:
    """An Excel sheet read with ``header=None`` (row 0 is Excel row 1) as a grid."""
    top = frame.head(_HEADER_SCAN).values.tolist()
    h = _header_index(top, known)
    headers = [_header_text(v) for v in frame.iloc[h]]
    body = frame.iloc[h + 1:].reset_index(drop=True)
    body.columns = range(len(headers))
    return _Grid(headers, body, header_row=h + 1)


def _read_parquet(src: _Source, run: _Run) -> _Grid | None:
    try:
        df = pd.read_parquet(src.path)
    except Exception as err:  # not parquet, corrupt
        run.error(src.table, "unreadable_file", _unread_parquet(err), file=src.display, fix=_WRITE_PARQUET)
        return None
    headers = [str(c) for c in df.columns]
    df = df.reset_index(drop=True)
    df.columns = range(len(headers))
    return _Grid(headers, df, header_row=0)


# --- one table ------------------------------------------------------------------------

def _table_from_grid(src: _Source, grid: _Grid, m: dict, run: _Run) -> pd.DataFrame:
    """One table in contract form; every problem found is added to ``run``."""
    table = src.table
    spec = TABLES[table]
    ctx = run.ctxs[table] = _Ctx(table, src.display, src.sheet or None, grid.header_row, date_order=m["date_order"],
                                 decimal_mark=m["decimal_mark"], currency=m["currency"])
    run.dataset.sources[table] = SourceInfo(str(src.path), src.sheet or None, grid.header_row)

    data = grid.data
    empty = pd.concat([_missing(data[c]) for c in data.columns], axis=1).all(axis=1) \
        if len(data.columns) else pd.Series(True, index=data.index)
    data = data[~empty]
    headers, data = _second_header_row(ctx, grid.headers, data, _known_headers(table, m), run)
    headers, data = _units_row(ctx, headers, data, run)
    grid = _Grid(headers, data, grid.header_row)
    keys: set[str] = set()  # headers used as lookup keys: not "unused columns"
    failed: set[str] = set()  # headers that lookups reported as failed would have brought
    if m["lookups"].get(table):
        headers, data, keys, failed = _with_lookups(ctx, grid.headers, data, m, run)
        grid = _Grid(headers, data, grid.header_row)

    assigned, claimed = _resolve_columns(ctx, grid.headers, m, run, failed=failed)
    claimed |= {i for i, h in enumerate(grid.headers) if h in keys}
    # totals rows and the notes below them first: a 合计 row is told as such, not as a row
    # the filters removed; a "Confidential ..." line is no record
    data = data[~_totals_rows(ctx, data, assigned, spec, run)]
    data = data[~_footer_notes(ctx, data, assigned, spec, run)]
    filter_positions = _apply_filters(ctx, grid.headers, data, assigned, m, run)
    if filter_positions is not None:
        keep, used_positions = filter_positions
        data = data[keep]
        claimed |= used_positions
    unused = [(i, grid.headers[i]) for i, h in enumerate(grid.headers)
              if i not in claimed and (h or not _missing(data[i]).all())]
    run.unused.setdefault((ctx.file, ctx.sheet), []).append((ctx, unused))

    raw = pd.DataFrame({col: data[pos] for col, pos in assigned.items()}, index=data.index)
    for col, value in m["defaults"].get(table, {}).items():
        if col in raw.columns:
            empty = _missing(raw[col])
            raw[col] = raw[col].astype(object).where(~empty, value)
        else:
            empty = pd.Series(True, index=raw.index)
            raw[col] = pd.Series([value] * len(raw), index=raw.index, dtype=object)
        if empty.any():
            run.filled[(table, col)] = _Filled({ctx.row(i) for i in raw.index[empty.to_numpy()]}, value,
                                               ctx.file, ctx.sheet)
    order = [c for c in spec.columns if c in raw.columns]
    raw = raw[order + [c for c in raw.columns if c not in order]]  # contract order
    if table in ("calls", "service") and spec.key not in raw.columns:
        what = "call" if table == "calls" else "ticket"
        run.add(ctx.problem(
            "no_ids", f"no {spec.key} column: each row is taken as one {what}, and a {what} exported twice "
            f"cannot be told from two", column=spec.key, severity="warning",
            zh=f"没有{'通话' if table == 'calls' else '工单'}编号（{spec.key}）列：每行算一{'通' if table == 'calls' else '张'}，"
               "重复导出的记录无法识别",
            fix=Note(f"nothing to do if the export has one row per {what}; if it has an id column, map it with "
                     f"data.columns.{table}: {{<your header>: {spec.key}}}",
                     f"如果导出文件每行就是一{'通通话' if table == 'calls' else '张工单'}，无需处理；如果有编号列，用 "
                     f"data.columns.{table}: {{<你的表头>: {spec.key}}} 映射")))
    missing = [c for c in spec.required if c not in raw.columns]
    for col in missing:
        if col in ctx.headers:  # ambiguous: already reported
            continue
        if failed & {normalise(a) for a in [col, *COLUMN_ALIASES.get(table, {}).get(col, [])]}:
            continue  # a failed lookup was to bring it: reported
        _report_missing_column(ctx, col, grid.headers, run,
                               id_header=ctx.headers["employee_id"] if "employee_id" in assigned else None,
                               mapped={normalise(h) for h in m["columns"].get(table, {})})

    parsed: dict[str, pd.Series] = {}
    bad_cells: set[tuple[str, Any]] = set()
    scales = _header_units(ctx, grid.headers, assigned, raw, run)
    ctx.decimal_mark = _decimal_mark(ctx, raw, {h or f"({_letter(i)})": data[i] for i, h in unused}, run)
    for col in raw.columns:
        recode = m["values"].get(table, {}).get(col)
        note = _boolean_keys_note(ctx, col, raw[col], recode)
        if note is not None:
            run.add(note)
        series = _recode(raw[col], recode)
        out, problems = _parse_column(ctx, col, series)
        if col in scales:
            factor, plain = scales[col]
            out = out.where(~plain, (out * factor).round(6))
        elif col.endswith("_s"):
            note = _minutes_note(ctx, col, series, out)
            if note is not None:
                run.add(note)
        parsed[col] = out
        for p in problems:
            if p.check == "ambiguous_date":  # its cells are not empty: not reported again as such
                rows = {ctx.row(i) for i in out.index[out.isna() & ~_missing(series)]}
                rows -= {q.row for q in problems}
                bad_cells |= {(col, r) for r in rows}
                filled = run.filled.get((table, col))
                if filled is not None and rows <= filled.rows:  # the default is the date in question
                    p = _default_problem(p, len(filled.rows), filled)
            run.add(p)
            if p.row is not None:
                bad_cells.add((col, p.row))
    df = pd.DataFrame(parsed, index=raw.index)
    df.index.name = None
    if table in m["lines"]:
        # (people read from a monthly KPI sheet may move team; a log's agent in two teams may be two people)
        files = m["files"]
        moves = table == "employees" and files.get("employees") is not None and \
            files.get("employees") == files.get("kpi_sheet")
        df = _combine_lines(ctx, df, raw, run, moves=moves)
        raw = raw.loc[df.index]
    if table == "orders":
        _refunded_after_completion(ctx, df, raw, run)
    if table in _DURATIONS:
        _durations_out_of_order(ctx, df, raw, run, *_DURATIONS[table])
    _validate(ctx, spec.model, df, raw, bad_cells, run)
    if table == "kpi_sheet":
        _repeated_periods(ctx, df, raw, bad_cells, run)
    elif table == "targets":
        _repeated_targets(ctx, df, raw, bad_cells, run)
        _quarter_over_months(ctx, df, run)
    return df


def _refunded_after_completion(ctx: _Ctx, df: pd.DataFrame, raw: pd.DataFrame, run: _Run) -> None:
    """Orders whose status is completed but that have a refund time are read as refunded,
    with a warning giving their number and amount. Shop exports (有赞, 淘宝) keep an order
    refunded after delivery at 交易成功 and show the refund only in its refund time (退款时间):
    counted as completed, it would be paid as a sale."""
    if not {"status", "refunded_at"} <= set(df.columns):
        return
    hit = df["status"].eq("completed") & df["refunded_at"].notna()
    if not hit.any():
        return
    df.loc[hit, "status"] = "refunded"
    n = int(hit.sum())
    amount = float(df.loc[hit, "amount"].sum()) if "amount" in df else 0.0
    written = raw.loc[hit, "status"].map(_cell_text).value_counts() if "status" in raw else pd.Series(dtype=int)
    run.add(_refunded_after_completion_problem(ctx, n, amount, written))


def _refunded_after_completion_problem(ctx: _Ctx, n: int, amount: float, written: pd.Series) -> Problem:
    """The warning of :func:`_refunded_after_completion`: ``n`` orders, ``amount`` in all,
    ``written`` their statuses as the export writes them (value -> count)."""
    shown = ", ".join(f"'{v}' {c:,}" for v, c in written.items())
    shown_zh = "、".join(f"「{v}」{c:,}" for v, c in written.items())
    refund, refund_zh = ctx.label("refunded_at"), ctx.label("refunded_at", "zh")
    header = ctx.headers.get("refunded_at", "refunded_at")
    return ctx.problem(
        "refunded_after_completion",
        Note(f"{n:,} order(s) whose status is completed ({shown}) have a refund time in {refund}, "
             f"{amount:,.2f} in all: they are read as refunded, since the refund time says a refund was made",
             f"{n:,} 笔订单的状态为 completed（{shown_zh}），但{refund_zh}已填写，合计金额 {amount:,.2f}："
             "已按退款（refunded）读取，因为退款时间说明已经退款"),
        column="refunded_at", severity="warning",
        fix=Note(f"nothing to do if these orders were refunded; to count them as sales instead, leave the "
                 f"refund-time column out of the mapping (data.columns.orders: {{{header}: null}}). A partial "
                 f"refund cannot be told apart from a full one without a refund amount: each of these orders is "
                 f"read as refunded in full",
                 f"若这些订单确已退款，无需处理；要把它们算作销售，则不映射退款时间列"
                 f"（data.columns.orders: {{{header}: null}}）。没有退款金额就无法区分部分退款："
                 f"这些订单均按全额退款读取"))


#: the durations a KPI measures between two times of one row: table -> (start, end, KPI)
_DURATIONS = {"orders": ("order_date", "shipped_at", "processing_hours"),
              "service": ("opened_at", "resolved_at", "resolution_hours")}


def _durations_out_of_order(ctx: _Ctx, df: pd.DataFrame, raw: pd.DataFrame, run: _Run,
                            start: str, end: str, kpi: str) -> None:
    """Warnings about the times ``kpi`` measures from ``start`` to ``end``: rows whose end
    comes before their start (an order shipped before it was placed), which the KPI leaves
    out (``kpis._facts``), each row named; and a column of dates without a time of day
    beside one with times, which moves every duration by up to a day (same-day shipments
    then come before their order)."""
    if not {start, end} <= set(df.columns):
        return
    both = df[start].notna() & df[end].notna()
    if not both.any():
        return
    name, name_zh = CATALOGUE[kpi].en.lower(), CATALOGUE[kpi].zh
    a, b, a_zh, b_zh = ctx.label(start), ctx.label(end), ctx.label(start, "zh"), ctx.label(end, "zh")
    early = df.loc[both & (df[end] < df[start]), start].sort_values(ascending=False, kind="mergesort").index
    if len(early):  # (the latest first: the periods reported are the recent ones)
        shown = [f"row {ctx.row(i)}: {_cell_text(raw.at[i, end])} before {_cell_text(raw.at[i, start])}"
                 for i in early[:5]]
        shown_zh = [f"第 {ctx.row(i)} 行：{_cell_text(raw.at[i, end])} 早于 {_cell_text(raw.at[i, start])}"
                    for i in early[:5]]
        more = f" and {len(early) - 5:,} more" if len(early) > 5 else ""
        more_zh = "；……" if len(early) > 5 else ""
        first, last = df.loc[early, start].min(), df.loc[early, start].max()
        span = f", {first:%Y-%m-%d} to {last:%Y-%m-%d}" if len(early) > 1 else ""
        span_zh = f"（{first:%Y-%m-%d} 至 {last:%Y-%m-%d}）" if len(early) > 1 else ""
        run.add(ctx.problem(
            "end_before_start", Note(
                f"{len(early):,} row(s){span} have {b} before {a} (the latest: {'; '.join(shown)}{more}): {name} "
                "leaves them out, since a time cannot be negative",
                f"{len(early):,} 行{span_zh}的{b_zh}早于{a_zh}（最近的：{'；'.join(shown_zh)}{more_zh}）：{name_zh}"
                "不计这些行，因为时长不会是负数"),
            column=end, severity="warning",
            fix=Note(f"correct the two times in the export (often one column holds the date only, or the "
                     f"columns are swapped); check that {a} and {b} are the columns meant",
                     f"在导出数据中改正这两个时间（常见原因：其中一列只有日期没有时间，或两列写反了）；"
                     f"并确认{a_zh}和{b_zh}映射的是正确的列")))
    timed = {c: bool((df.loc[both, c] != df.loc[both, c].dt.normalize()).any()) for c in (start, end)}
    if timed[start] != timed[end]:
        dated, dated_zh = (a, a_zh) if timed[end] else (b, b_zh)
        other, other_zh = (b, b_zh) if timed[end] else (a, a_zh)
        run.add(ctx.problem(
            "date_without_time", Note(
                f"{dated} holds dates without a time of day, {other} dates with times: {name} counts from or to "
                "midnight, up to a day off for each row",
                f"{dated_zh}只有日期没有时间，{other_zh}有时间：{name_zh}从（或到）当天零点计算，每行最多相差一天"),
            column=start if timed[end] else end, severity="warning",
            fix=Note(f"export {dated} with its time of day (or both columns as dates only, when whole days "
                     "are precise enough)",
                     f"导出{dated_zh}时带上时间（或两列都只给日期，若按天计算已足够）")))


def _lazy_refunded_after_completion(ctx: _Ctx, path: Path, names: list[str], run: _Run) -> None:
    """:func:`_refunded_after_completion`'s warning for an orders table left on disk, which
    the KPIs read by the same rule (``kpis._facts``): one scan of two or three columns."""
    if not {"status", "refunded_at"} <= set(names):
        return
    import duckdb

    amount = "sum(amount)" if "amount" in names else "0"
    where = "status = 'completed' AND refunded_at IS NOT NULL"
    try:
        n, total = duckdb.connect().execute(
            f"SELECT count(*), coalesce({amount}, 0) FROM read_parquet(?) WHERE {where}", [str(path)]).fetchone()
    except duckdb.Error:  # (the schema checks above say what is wrong with the file)
        return
    if n:
        run.add(_refunded_after_completion_problem(ctx, int(n), float(total), pd.Series({"completed": int(n)})))


def _repeated_rows(ctx: _Ctx, keys: pd.DataFrame, bad_cells: set, checked: tuple[str, ...]):
    """(index, index of the first row with the same key) for each row of ``keys`` (one
    column per part of a row's key, rows lacking a part already left out) whose key an
    earlier row has; rows with a bad cell (``bad_cells``) in a ``checked`` column are not
    compared, since their own finding says what is wrong with them."""
    bad_rows = {r for c, r in bad_cells if c in checked}
    if bad_rows:
        rows = pd.Index(keys.index.astype(int) + ctx.header_row + 1)
        keys = keys[~rows.isin(bad_rows)]
    keys = keys.astype(str)
    repeated = keys[keys.duplicated(keep=False)]
    first: dict[tuple, Any] = {}
    for index, key in zip(repeated.index, repeated.itertuples(index=False, name=None)):
        if key in first:
            yield index, first[key]
        else:
            first[key] = index


def _repeated_periods(ctx: _Ctx, df: pd.DataFrame, raw: pd.DataFrame, bad_cells: set, run: _Run) -> None:
    """A KPI sheet has one row per person and period: a second row would be added up with
    the first (a revenue counted twice, two connect rates summed), so it is an error naming
    both rows, whatever way each writes the period (2026-10 and 2026年10月)."""
    if not {"employee_id", "period"} <= set(df.columns):
        return
    keys = df[["employee_id", "period"]].dropna()
    for index, earlier in _repeated_rows(ctx, keys, bad_cells, ("employee_id", "period")):
        who, period = str(df.at[index, "employee_id"]), str(df.at[index, "period"])
        other = ctx.row(earlier)
        shown = _cell_text(raw.at[index, "period"]) if "period" in raw.columns else period
        run.add(ctx.problem(
            "duplicate_period", Note(f"{ctx.label('period')} {period} of employee_id '{who}' is also in row {other}: "
                                     "the two rows would be added up",
                                     f"工号「{who}」、{ctx.label('period', 'zh')}为 {period} 的记录在第 {other} 行"
                                     "已有一行：两行会被加在一起"), column="period", index=index, value=shown,
            fix=Note(f"keep one row per person and period (delete or merge row {other} or this row), or correct "
                     "the employee id or the period",
                     f"每人每期只保留一行（删除或合并第 {other} 行或本行），或改正工号或期间")))


def _repeated_targets(ctx: _Ctx, df: pd.DataFrame, raw: pd.DataFrame, bad_cells: set, run: _Run) -> None:
    """The targets table has one row per period, person (or team, when the employee id is
    empty) and KPI: a second row, often a revised target pasted under the old one, would be
    added up with the first (104,846 + 90,000 read as 194,846), so it is an error naming both
    rows, as :func:`_repeated_periods` does for a KPI sheet."""
    if not {"period", "kpi"} <= set(df.columns):
        return
    none = pd.Series(pd.NA, index=df.index, dtype=object)
    who = df["employee_id"] if "employee_id" in df.columns else none
    team = df["team"] if "team" in df.columns else none
    keys = pd.DataFrame({"period": df["period"], "kpi": df["kpi"], "kind": who.notna().map({True: "employee",
                                                                                          False: "team"}),
                         "whom": who.where(who.notna(), team)}, index=df.index).dropna()
    for index, earlier in _repeated_rows(ctx, keys, bad_cells, ("period", "kpi", "employee_id", "team")):
        period, kpi, kind, whom_id = (str(keys.at[index, c]) for c in ("period", "kpi", "kind", "whom"))
        other = ctx.row(earlier)
        whom = Note(f"employee_id '{whom_id}'", f"工号「{whom_id}」") if kind == "employee" else Note(
            f"team '{whom_id}'", f"团队「{whom_id}」")
        shown = _cell_text(raw.at[index, "kpi"]) if "kpi" in raw.columns else kpi
        run.add(ctx.problem(
            "duplicate_target", Note(f"the {kpi} target of {whom} for {period} is also in row {other}: "
                                     "the two rows would be added up",
                                     f"{whom.zh}在 {period} 的「{shown}」目标在第 {other} 行已有一行：两行会被加在一起"),
            column="kpi", index=index, value=shown,
            fix=Note(f"keep one row per period, person (or team) and KPI: delete row {other} or this row, "
                     "whichever is the old target, or correct the employee id, team, KPI or period",
                     f"每个期间、每人（或团队）、每个指标只保留一行：删除第 {other} 行或本行中过时的那个目标，"
                     "或改正工号、团队、指标或期间")))


def _quarter_over_months(ctx: _Ctx, df: pd.DataFrame, run: _Run) -> None:
    """A quarter's row of a person (or team) and KPI beside monthly rows of the same months,
    often a revised quarter target added next to the old monthly ones: the quarter's and the
    year's reports use the quarter row, a month's report the monthly rows, so the two
    disagree without a word. A warning naming the rows."""
    if not {"period", "kpi"} <= set(df.columns):
        return
    none = pd.Series(pd.NA, index=df.index, dtype=object)
    who = df["employee_id"] if "employee_id" in df.columns else none
    team = df["team"] if "team" in df.columns else none
    whom = who.where(who.notna(), team)
    period = df["period"].astype(str)
    for index in df.index[period.str.fullmatch(r"\d{4}-Q[1-4]") & whom.notna() & df["kpi"].notna()]:
        q = parse_period(period[index])
        months = [str(m) for m in q.months()]
        same = (df["kpi"] == df.at[index, "kpi"]) & (whom == whom[index]) & who.isna().eq(pd.isna(who[index]))
        rows = df.index[same & period.isin(months)]
        if not len(rows):
            continue
        kind, key = ("employee", who[index]) if pd.notna(who[index]) else ("team", team[index])
        name = Note(f"employee_id '{key}'", f"工号「{key}」") if kind == "employee" else Note(
            f"team '{key}'", f"团队「{key}」")
        kpi = str(df.at[index, "kpi"])
        listed, listed_zh = (sep.join(str(ctx.row(i)) for i in rows) for sep in (", ", "、"))
        found, found_zh = (sep.join(sorted(set(period[rows]))) for sep in (", ", "、"))
        total = pd.to_numeric(df.loc[rows, "target"], errors="coerce").sum() if "target" in df.columns else None
        quarter = df.at[index, "target"] if "target" in df.columns else None
        sums = (f" ({quarter:,.0f} against {total:,.0f} in the monthly rows)"
                if isinstance(quarter, (int, float)) and pd.notna(quarter) and pd.notna(total) else "")
        sums_zh = (f"（季度 {quarter:,.0f}，月度合计 {total:,.0f}）"
                   if isinstance(quarter, (int, float)) and pd.notna(quarter) and pd.notna(total) else "")
        run.add(ctx.problem(
            "quarter_over_months",
            Note(f"the {kpi} target of {name} for {q} is also set month by month for {found} (rows {listed}){sums}: "
                 f"the reports of {q} and of {q.year} use the quarter row, a month's report the monthly rows",
                 f"{name.zh}在 {q} 的「{kpi}」目标同时有按月的行 {found_zh}（第 {listed_zh} 行）{sums_zh}：{q} 和 {q.year} 年的"
                 "报告用季度这一行，单月报告用月度的行"),
            column="period", index=index, value=str(q), severity="warning",
            fix=Note(f"keep one of the two: delete the quarter row or the monthly rows {listed}, whichever is the old "
                     "target (to revise the months, change the monthly rows instead)",
                     f"两者只保留一种：删除季度这一行或第 {listed_zh} 行的月度目标中过时的那个（要修改各月目标，请直接改月度的行）")))


def _blame_defaults(run: _Run) -> None:
    """A finding in a cell that ``data.defaults`` filled is about the default, not the
    export: the findings of one check in those cells become one, located by the key
    (``data.defaults.<table>.<column>``) and showing the default, instead of one per row."""
    if not run.filled:
        return
    for attr in ("problems", "warnings"):
        kept: list[Problem | None] = []
        merged: dict[tuple[str, str, str], list] = {}  # -> [position in kept, first finding, count]
        for p in getattr(run, attr):
            f = run.filled.get((p.table, p.column))
            if (f is None or p.row is None or p.row not in f.rows or (p.file, p.sheet) != (f.file, f.sheet)
                    or p.check == "line_conflict"):  # (a conflict is between a default and a cell)
                kept.append(p)
                continue
            k = (p.table, p.column, p.check)
            if k not in merged:
                merged[k] = [len(kept), p, 0]
                kept.append(None)
            merged[k][2] += 1
        for (table, col, _), (at, first, n) in merged.items():
            kept[at] = _default_problem(first, n, run.filled[(table, col)])
        setattr(run, attr, kept)


def _default_problem(first: Problem, n: int, f: _Filled) -> Problem:
    """One finding about a default of ``data.defaults`` (see :func:`_blame_defaults`)."""
    table, col, check = first.table, first.column, first.check
    if check == "field_uniqueness":  # (a duplicated id is one finding, at its first row: every filled row has it)
        n = max(n, len(f.rows))
    key = f"data.defaults.{table}.{col}"
    where = f"{f.file}" + (f", sheet '{f.sheet}'," if f.sheet else "")
    cells = f"{n:,} row(s) of {where} with no {col}"
    cells_zh = f"{f.file}" + (f" 工作表「{f.sheet}」" if f.sheet else "") + f" 中没有 {col} 的 {n:,} 行"
    if check == "field_uniqueness":
        message = Note(f"this default gives the {cells} the same {col}, but {col} must be unique",
                       f"{key}：该默认值让 {cells_zh}取同一个 {col}，但 {col} 必须唯一")
        fix = Note(f"remove {key}, and fill in {col} in the export", f"删除 {key}，并在导出文件中填上 {col}")
    else:
        message = Note(f"this default is given to the {cells}, and {first.message}",
                       f"{key}：该默认值给了 {cells_zh}，而{first.text('zh')}")
        allowed = _allowed_values(table, col) if check.startswith("isin(") else None
        if allowed:
            detail = f"one of {', '.join(allowed)}"
            fix = Note(f"set {key} to {detail} in the parameter file",
                       f"在参数文件中把 {key} 设为 {'、'.join(allowed)} 之一")
        elif check == "not_nullable" or check.startswith("str_length"):
            fix = Note(f"give {key} a value in the parameter file, or remove it",
                       f"在参数文件中给 {key} 一个值，或删除它")
        elif check == "not_a_date" and _period_text(str(f.value)):  # "all of it is October 2026"
            period = parse_period(_period_text(str(f.value)))
            fix = Note(f"change {key} in the parameter file: rows dated {f.value!r} are that {period.kind}'s totals, "
                       f"so give its last day, {period.last_day:%Y-%m-%d} (its first day would read as data that stop "
                       "on that day)",
                       f"修改参数文件中的 {key}：日期为「{f.value}」的行是该期间的合计，应写它的最后一天 "
                       f"{period.last_day:%Y-%m-%d}（写第一天会被读作数据止于那一天）")
        else:
            detail = first.fix.removeprefix("correct the value: ").removeprefix("correct the value")
            detail_zh = first.fix_text("zh").removeprefix("改正该值：").removeprefix("改正该值")
            fix = Note(f"change {key} in the parameter file" + (f": {detail}" if detail else ""),
                       f"修改参数文件中的 {key}" + (f"：{detail_zh}" if detail_zh else ""))
    return replace(first, message=message, fix=fix, key=key, value=f.value, file=None, sheet=None, row=None,
                   zh="")

def _combine_lines(ctx: _Ctx, df: pd.DataFrame, raw: pd.DataFrame, run: _Run, moves: bool = False) -> pd.DataFrame:
    """One row per record from an export with one row per line (``data.lines``): the
    amounts of the lines added up, every other column the same on each line (a line that
    differs is an error naming the rows); the record keeps its first line's row number.
    With ``moves`` (people read from a monthly KPI sheet), a person whose rows differ takes
    the last row's value, with a warning."""
    key, sums = _LINES[ctx.table]
    if key not in df or df[key].dropna().is_unique:
        return df
    has = df[key].notna()
    lines = df[has]
    groups = lines.groupby(key, sort=False)
    others = [c for c in df.columns if c != key and c not in sums]
    latest = {}  # a person's rows that differ (a move to another team): the last row's value
    if others:
        differ = groups[others].nunique(dropna=False).gt(1)
        for col in others:
            for k in differ.index[differ[col].to_numpy()]:
                at = lines.index[lines[key] == k]
                if moves:
                    latest[(k, col)] = at[-1]
                    run.add(_moved_problem(ctx, raw, key, k, col, at))
                    continue
                shown = ", ".join(f"{raw.at[i, col]!r} (row {ctx.row(i)})" for i in at[:4])
                shown_zh = "、".join(f"「{raw.at[i, col]}」（第 {ctx.row(i)} 行）" for i in at[:4])
                run.add(ctx.problem("line_conflict", Note(
                    f"the lines of {key} {k!r} differ in {ctx.label(col)}: {shown}",
                    f"{key} 为「{k}」的各行明细{ctx.label(col, 'zh')}不同：{shown_zh}"),
                                    column=col, index=at[0], value=k,
                                    fix=Note(f"give every line of a record the same {col}, or leave the column out "
                                             f"of data.columns if it belongs to the lines (e.g. a product)",
                                             f"同一条记录的各行明细写相同的 {col}；若该列属于明细（如产品），"
                                             f"则不要在 data.columns 中映射它")))
    first = lines.drop_duplicates(key)
    for (k, col), i in latest.items():
        first.loc[first[key] == k, col] = lines.at[i, col]
    total = groups[[c for c in sums if c in df]].sum(min_count=1)
    first = first.assign(**{c: total[c].reindex(first[key]).to_numpy() for c in total.columns})
    run.add(ctx.problem("lines_combined", f"{len(lines):,} line{'s' * (len(lines) != 1)} combined into "
                                          f"{len(first):,} record{'s' * (len(first) != 1)} by {key}",
                        severity="warning", fix=Note("nothing to do if the export has one row per line",
                                                     "导出文件每行是一条明细时无需处理"),
                        zh=f"{len(lines):,} 行明细按 {key} 合并为 {len(first):,} 条记录"))
    return pd.concat([first, df[~has]]).sort_index()


def _moved_problem(ctx: _Ctx, raw: pd.DataFrame, key: str, k, col: str, at: pd.Index) -> Problem:
    """A warning that the rows of one person in a monthly KPI sheet give ``col`` differently,
    a move to another team in a monthly export: each value with its rows, and the last row's
    value, which is taken (the kit keeps one team per person)."""
    values: dict[str, list[int]] = {}
    for i in at:
        values.setdefault(_cell_text(raw.at[i, col]), []).append(ctx.row(i))

    def rows(r: list[int], zh: bool = False) -> str:
        if zh:
            return f"第 {'、'.join(map(str, r[:6]))} 行" + (f"等 {len(r)} 行" if len(r) > 6 else "")
        return f"row{'s' * (len(r) > 1)} {', '.join(map(str, r[:6]))}" + (f" and {len(r) - 6} more" if len(r) > 6 else "")

    last = _cell_text(raw.at[at[-1], col])
    return ctx.problem(
        "employee_changed", Note(
            f"the rows of {key} {k!r} give {ctx.label(col)} differently: "
            + "; ".join(f"{v!r} ({rows(r)})" for v, r in values.items())
            + f"; the last row's, {last!r}, is taken for every period, so their earlier results count there too",
            f"{key} 为「{k}」的各行{ctx.label(col, 'zh')}不同："
            + "；".join(f"「{v}」（{rows(r, True)}）" for v, r in values.items())
            + f"；取最后一行的「{last}」用于所有期间，其此前的业绩也计入其中"),
        column=col, index=at[-1], value=k, severity="warning",
        fix=Note(f"nothing to do if they moved to {last!r}; to keep their earlier months with the earlier "
                 f"{col}, report those periods from an export made then",
                 f"如其已调入「{last}」则无需处理；若要让此前各月仍按原来的{ctx.label(col, 'zh')}统计，"
                 "请用当时导出的数据生成那些期间的报告"))


def _lookup_grid(lk: dict, ctx: _Ctx, m: dict, run: _Run) -> tuple[_Grid, str] | None:
    """The lookup file of one ``data.lookups`` entry (a file beside the data, or a sheet of
    the workbook given as the data path), read like a table file."""
    table, where = ctx.table, lk["where"]
    root = run.root or Path(".")
    folder = root if root.is_dir() else root.parent
    fname, sheet = _split_sheet(lk["file"])
    if (not (folder / fname).is_file() and sheet is None and root.is_file()
            and _KINDS.get(root.suffix.lower()) == "xlsx"):
        src = _Source(table, root, "xlsx", fname, lk["file"], where)  # a sheet of the data workbook
    else:
        src = _explicit_source(table, lk["file"], folder, set(), run, key=where)
    if src is None:
        return None
    known = {normalise(h) for h in (lk["right"], *lk["columns"])}
    if src.kind == "csv":
        grid = _read_csv(src, m, run, known=known)
    elif src.kind == "parquet":
        grid = _read_parquet(src, run)
    else:
        if src.sheet is None:  # the first sheet (a lookup is one sheet: the others are not reported)
            names = _sheet_names(src.path, src.display, run, table)
            if names is None:
                return None
            src.sheet = names[0]
        frame = _read_workbooks([src], run).get((src.path, src.sheet))
        grid = None if frame is None else _grid_from_rows(frame, known)
    if grid is None:
        return None
    run.dataset.lookups.append(str(src.path))
    return grid, src.sheet or ""


def _header_positions(name: str, headers: list[str]) -> list[int]:
    """Positions of the headers ``name`` refers to: the same text, else the same after
    :func:`normalise` (case, spaces, full-width brackets)."""
    return [i for i, h in enumerate(headers) if h == name] or \
        [i for i, h in enumerate(headers) if h and normalise(h) == normalise(name)]


def _header_named(name: str, headers: list[str]) -> str | None:
    """The header ``name`` refers to (see :func:`_header_positions`), or None."""
    at = _header_positions(name, headers)
    return headers[at[0]] if at else None


def _with_lookups(ctx: _Ctx, headers: list[str], data: pd.DataFrame, m: dict,
                  run: _Run) -> tuple[list[str], pd.DataFrame, set[str], set[str]]:
    """The table's headers and cells with the columns of its ``data.lookups`` added: each
    row gets the values of the lookup row with the same key (compared as text); a row
    whose key is not in the lookup file gets empty cells, which data.defaults can fill.
    Also returns the table's headers used as keys, and the headers (normalised) that
    lookups reported as failed were to bring: mapping them is not a second error."""
    headers, data, key_headers, failed = list(headers), data.copy(), set(), set()
    for lk in m["lookups"][ctx.table]:
        where, cols = lk["where"], lk["columns"]
        lost = {normalise(c) for c in cols}  # until the lookup has brought its columns
        left = _header_named(lk["left"], headers)
        if left is None:
            found = [h for h in headers if h]
            run.add(ctx.problem(
                "lookup_key", Note(f"{where}.key names '{lk['left']}', which is not a header of the {ctx.table} "
                                   f"table's file; its headers: {', '.join(map(repr, found)) or '(none)'}",
                                   f"{where}.key 指定的「{lk['left']}」不是「{TABLES[ctx.table].zh}」表文件的表头；"
                                   f"其表头：{_quoted_zh(found)}"),
                fix=_with_hint(Note(f"correct {where}.key: a header of both files, or {{<header in {ctx.table}>: "
                                    f"<header in the lookup file>}}",
                                    f"改正 {where}.key：写两个文件都有的表头，或 {{<{TABLES[ctx.table].zh}表的表头>: "
                                    f"<对照文件的表头>}}"), lk["left"], found)))
            failed |= lost
            continue
        read = _lookup_grid(lk, ctx, m, run)
        if read is None:
            failed |= lost
            continue
        grid, sheet = read
        file = lk["file"]
        key_headers.add(left)
        found_headers = {h: _header_named(h, grid.headers) for h in (lk["right"], *cols)}
        absent = [h for h, at in found_headers.items() if at is None]
        theirs = [x for x in grid.headers if x]
        # the headers data.columns maps that only this lookup file has: what its columns were to bring
        wanted = [x for x in theirs if normalise(x) in {normalise(c) for c in m["columns"].get(ctx.table, {})}
                  and _header_named(x, headers) is None and x not in found_headers.values()]
        for h in absent:
            brought = h in cols  # else it is the key
            part = "columns" if brought else "key"
            # 'Manger' for the mapped 'Manager'; 'sr' for the mapped 'sr_id', too short for difflib alone
            meant = (closest(h, wanted, cutoff=0.4) if brought else None) or closest(h, theirs)
            run.error(ctx.table, "lookup_column", Note(
                f"{where}.{part} names '{h}', which is not a header of the "
                f"lookup file {file}; its headers: {', '.join(map(repr, theirs)) or '(none)'}",
                f"{where}.{part} 指定的「{h}」不是对照文件 {file} 的表头；其表头：{_quoted_zh(theirs)}"), file=file,
                      sheet=sheet or None, fix=_with_hint(Note(f"correct {where}.{part}", f"改正 {where}.{part}"),
                                                          h, [meant] if meant else [], cutoff=0))
            lost |= {normalise(meant)} if meant and brought else set()
        right = found_headers[lk["right"]]
        cols = [found_headers[c] or c for c in cols]
        clash = [c for c in cols if _header_named(c, headers) is not None]
        if clash:
            run.add(ctx.problem("lookup_column", Note(f"{where}: the table already has a column '{clash[0]}'",
                                                      f"{where}：该表已有「{clash[0]}」列"),
                                fix=Note("bring over only the columns the table lacks (or rename one of them "
                                         "in the lookup file)",
                                         "只带入该表没有的列（或在对照文件中把其中一列改名）")))
        if absent:
            failed |= lost
        if absent or clash:
            continue
        keys = _texts(grid.data[grid.headers.index(right)]).rename("key")
        values = pd.concat([keys] + [_texts(grid.data[grid.headers.index(c)]).rename(c) for c in cols],
                           axis=1)[keys.notna()]
        conflicting = values.groupby("key")[cols].nunique(dropna=False).gt(1).any(axis=1)
        if conflicting.any():
            key = conflicting.index[conflicting.to_numpy()][0]
            rows = [grid.header_row + 1 + int(i) for i in values.index[values["key"] == key]]
            run.error(ctx.table, "lookup_duplicate", Note(
                f"{where}: '{right}' {key!r} is in {len(rows)} rows of the lookup file with different "
                f"values (rows {', '.join(map(str, rows[:5]))}); {int(conflicting.sum())} key(s) in all",
                f"{where}：「{right}」为「{key}」的行在对照文件中有 {len(rows)} 行，值各不相同"
                f"（第 {'、'.join(map(str, rows[:5]))} 行）；共 {int(conflicting.sum())} 个键如此"),
                      file=file, sheet=sheet or None, row=rows[0], column=right, value=key,
                      fix=Note("keep one row per key in the lookup file", "对照文件中每个键只保留一行"))
            failed |= lost
            continue
        table_keys = _texts(data[headers.index(left)])  # (the first column of that name)
        found = values.drop_duplicates("key").set_index("key")
        matched = int(table_keys.isin(found.index).sum())
        if len(data) and not matched:
            run.add(ctx.problem("lookup_no_match", Note(
                f"{where}: no value of the table's '{left}' is in the "
                f"'{right}' column of {file}, so {', '.join(cols)} stay empty",
                f"{where}：表中「{left}」列的值在 {file} 的「{right}」列中一个也没有，{'、'.join(cols)} 为空"),
                                severity="warning",
                                fix=Note("check that 'key' names the matching key columns",
                                         "检查 key 指定的是否是相互对应的键列")))
        for c in cols:
            data[len(headers)] = table_keys.map(found[c]).astype(object).to_numpy()
            headers.append(c)
    return headers, data, key_headers, failed


def _letter(i: int) -> str:
    """Excel column letter of position ``i`` (0 -> A)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _resolve_columns(ctx: _Ctx, headers: list[str], m: dict, run: _Run,
                     failed: set[str] = frozenset()) -> tuple[dict[str, int], set[int]]:
    """Contract column -> source position: explicit mapping, exact name, then aliases.
    A mapped header in ``failed`` (normalised) was to come from a lookup already reported
    as failed: it is not reported again as absent from the file."""
    table = ctx.table
    spec = TABLES[table]
    norm = [normalise(h) for h in headers]
    assigned: dict[str, int] = {}
    claimed: set[int] = set()
    shown = ", ".join(f"'{h}'" for h in headers if h) or "(none)"
    shown_zh = "、".join(f"「{h}」" for h in headers if h) or "（无）"

    def describe(positions: list[int]) -> str:
        return " and ".join(f"'{headers[i]}' (column {_letter(i)})" for i in positions)

    def describe_zh(positions: list[int]) -> str:
        return "和".join(f"「{headers[i]}」（{_letter(i)} 列）" for i in positions)

    for header, targets in m["columns"].get(table, {}).items():
        positions = _header_positions(header, headers)
        if not positions and normalise(header) in failed:
            for col in targets:
                ctx.headers[col] = header  # the lookup's error stands for it: not missing either
            continue
        if not positions:
            run.add(ctx.problem(
                "mapping_header_missing",
                f"data.columns.{table} maps the header '{header}', which is not in the file; "
                f"headers found: {shown}", column=targets[0] if targets else None,
                zh=f"data.columns.{table} 映射的表头「{header}」不在文件中；文件中的表头：{shown_zh}",
                fix=_with_hint(Note(f"correct the header in data.columns.{table}",
                                    f"改正 data.columns.{table} 中的表头"), header, [h for h in headers if h])))
            for col in targets:
                ctx.headers[col] = header  # reported: not missing as well
            continue
        if len(positions) > 1:
            run.add(ctx.problem(
                "column_ambiguous", f"{len(positions)} columns are headed '{header}': "
                f"{describe(positions)}", column=targets[0] if targets else None,
                zh=f"有 {len(positions)} 列的表头都是「{header}」：{describe_zh(positions)}",
                fix=Note("rename one of them in the export so that each header is unique",
                         "在导出文件中重命名其中一列，使每个表头都唯一")))
        for col in targets:
            if col in assigned:
                run.add(ctx.problem(
                    "column_ambiguous", f"data.columns.{table} maps two headers to '{col}': "
                    f"'{ctx.headers[col]}' and '{header}'", column=col,
                    zh=f"data.columns.{table} 把两个表头映射到了「{col}」：「{ctx.headers[col]}」和「{header}」",
                    fix=Note(f"map only one header to {col}", f"只把一个表头映射到 {col}")))
                continue
            assigned[col] = positions[0]
            ctx.headers[col] = headers[positions[0]]
        claimed.update(positions)

    aliases = COLUMN_ALIASES.get(table, {})
    for stage in ("name", "alias", "unit"):
        for col in spec.columns:
            if col in assigned or col in ctx.headers:
                continue
            names = {normalise(col)} if stage == "name" else \
                {normalise(a) for a in [col, *aliases.get(col, [])]}
            if stage == "unit":  # a known header with a unit that suits the column: 订单金额（万元）
                units = _units_of(table, col)
                split = [_split_unit(h, units) if units and h else None for h in headers]
                positions = [i for i, sp in enumerate(split)
                             if sp is not None and normalise(sp[0]) in names and i not in claimed]
            else:
                positions = [i for i, h in enumerate(norm) if h in names and i not in claimed]
            if len(positions) == 1:
                assigned[col] = positions[0]
                ctx.headers[col] = headers[positions[0]]
                claimed.add(positions[0])
            elif len(positions) > 1:
                first = headers[positions[0]]
                run.add(ctx.problem(
                    "column_ambiguous", f"{len(positions)} columns could be '{col}': "
                    f"{describe(positions)}", column=col,
                    zh=f"有 {len(positions)} 列都可能是「{col}」：{describe_zh(positions)}",
                    fix=Note(f"say which one in the parameter file, e.g. data.columns.{table}: {{'{first}': {col}}}",
                             f"在参数文件中指明是哪一列，如 data.columns.{table}: {{'{first}': {col}}}")))
                ctx.headers[col] = first
                claimed.update(positions)
    if table == "kpi_sheet":  # one column per KPI, named by its name or label (and a unit: 销售额（万元）)
        for i, h in enumerate(norm):
            name = _KPI_LABELS.get(h)
            if name is None and headers[i]:
                split = _split_unit(headers[i])
                name = _KPI_LABELS.get(normalise(split[0])) if split else None
                name = name if name and _split_unit(headers[i], _units_of(table, name)) else None
            if i not in claimed and name and name not in assigned:
                assigned[name] = i
                ctx.headers[name] = headers[i]
                claimed.add(i)
    return assigned, claimed


def _report_missing_column(ctx: _Ctx, col: str, headers: list[str], run: _Run,
                           id_header: str | None = None, mapped: set[str] = frozenset()) -> None:
    """A required column that no header gives; ``id_header`` is the header read as the
    table's employee_id, which may hold the names too (the Agent of a call log). A header
    that an alias gave to a column of close meaning (:data:`NEAR_COLUMNS`: 实付金额 read as
    paid_amount, when a shop's export means the order amount) is named, with the mapping
    that reads it as ``col``; ``mapped`` are the headers (normalised) the plan maps itself."""
    found = [h for h in headers if h]
    aliases = COLUMN_ALIASES.get(ctx.table, {}).get(col, [])
    known = ", ".join([col, *aliases[:6]])
    hint = ""
    for name in [col, *aliases]:  # (a header a letter or two off a known one: Agent is not Segment)
        hint = did_you_mean(name, found, cutoff=0.75)
        if hint:
            break
    spec = TABLES[ctx.table]
    more = more_zh = ""
    if col in spec.dates and spec.key is None:  # rows that may be totals (ad spend per campaign), not records
        more = (f"; an export without dates (one period's totals) is dated with data.defaults.{ctx.table}: "
                f"{{{col}: <its last day>}}, e.g. 2026-10-31 for October 2026")
        more_zh = (f"；没有日期的导出文件（一个期间的合计）用 data.defaults.{ctx.table}: {{{col}: <期间最后一天>}} "
                   "标上日期，如 2026 年 10 月写 2026-10-31")
    if col == "employee_id" and ctx.table != "employees":  # one person's (or one campaign's) export
        more += (f"; an export that names nobody, being one person's records, is given to them with "
                 f"data.defaults.{ctx.table}: {{employee_id: <their id>}}")
        more_zh += (f"；不写人名的导出文件（只有一个人的记录）用 data.defaults.{ctx.table}: {{employee_id: <其工号>}} "
                    "归到此人名下")
    if col == "name" and ctx.table == "employees" and id_header:  # {Agent: name} alone would lose employee_id
        both = yaml.safe_dump({id_header: ["employee_id", "name"]}, default_flow_style=True, allow_unicode=True,
                              width=float("inf")).strip()  # (quoted where YAML would read it otherwise: 'Yes')
        more += (f"; if the header '{id_header}', read as employee_id, holds the names too, map it to both: "
                 f"data.columns.{ctx.table}: {both}")
        more_zh += (f"；如果读作 employee_id 的表头「{id_header}」也写着姓名，把它同时映射到两者："
                    f"data.columns.{ctx.table}: {both}")
    for group in NEAR_COLUMNS.get(ctx.table, []):
        for near, (meaning, meaning_zh) in group.items() if col in group else ():
            header = ctx.headers.get(near)
            if near == col or header not in headers or normalise(header) in mapped:
                continue
            remap = yaml.safe_dump({header: col}, default_flow_style=True, allow_unicode=True,
                                   width=float("inf")).strip()
            more += (f"; the header '{header}' was read as {near} ({meaning}): if it is the {group[col][0]}, map "
                     f"it with data.columns.{ctx.table}: {remap}")
            more_zh += (f"；「{header}」已按 {near}（{meaning_zh}）读取，若它是{group[col][1]}，请写 "
                        f"data.columns.{ctx.table}: {remap}")
    run.add(ctx.problem(
        "column_missing",
        f"required column '{col}' not found (looked for headers such as {known}); headers "
        f"found: {', '.join(repr(h) for h in found) or '(none)'}", column=col,
        zh=f"找不到必需的列「{col}」（查找了 {'、'.join([col, *aliases[:6]])} 等表头）；文件中的表头："
           f"{'、'.join(f'「{h}」' for h in found) or '（无）'}",
        fix=Note(f"add data.columns.{ctx.table}: {{<your header>: {col}}} to the parameter file" + more
                 + (f".{hint}" if hint else ""),
                 f"在参数文件中添加 data.columns.{ctx.table}: {{<你的表头>: {col}}}" + more_zh
                 + (f"；{hint.zh}" if hint else ""))))


# what a cell of a totals row says in exports (compared after normalise)
# (汇总: what Excel's 分类汇总 writes beside each group, 0011 汇总; Gesamtergebnis: a German
# Excel's pivot table; Summe, Zwischensumme: German ERPs; totaal, totale, sous-total: Dutch,
# Italian, French)
_TOTAL_WORDS = {normalise(w) for w in ("合计", "总计", "小计", "总合计", "共计", "合計", "總計", "小計", "汇总", "匯總",
                                       "彙總", "total", "totals", "grand total", "subtotal", "sum", "summe",
                                       "zwischensumme", "gesamtsumme", "endsumme", "gesamt", "insgesamt",
                                       "gesamtergebnis", "totaal", "totale", "subtotale", "sous-total",
                                       "total général", "total general", "total geral")}


def _is_total_label(text: str) -> bool:
    """Whether a cell labels a totals row: 合计 or Total alone, followed by a colon, a
    bracket or a count (合计：, 总计(3单), 合计 4,079 单), or after what it sums up (张三 小计,
    East total).

    >>> [_is_total_label(t) for t in ("合计：", "总计(3单)", "E1 小计", "0011 汇总", "Total: 12", "小计算器", "checksum")]
    [True, True, True, True, True, False, False]
    >>> [_is_total_label(t) for t in ("Gesamtergebnis", "Summe:", "Nord Summe", "Gesamtpaket", "Total général")]
    [True, True, True, False, True]
    """
    core = re.split(r"[:(]", unicodedata.normalize("NFKC", text).strip().lower(), maxsplit=1)[0].strip()
    key = normalise(core)
    for word in _TOTAL_WORDS:
        if key == word or (key.startswith(word) and key[len(word):][:1].isdigit()):
            return True
        if key.endswith(word) and (not word.isascii() or re.search(rf"(?<![a-z]){word}$", core)):
            return True
    return False


def _totals_rows(ctx: _Ctx, data: pd.DataFrame, assigned: dict[str, int], spec, run: _Run) -> pd.Series:
    """Rows that an export adds below (or between) its records to sum them up: a cell reads
    合计, 总计, 小计, Total, ... (:func:`_is_total_label`) and a required column of the table is empty (a record has
    every required value). They are left out with a warning; a total counted as an order
    would double the revenue."""
    none = pd.Series(False, index=data.index)
    required = [assigned[c] for c in spec.required if c in assigned]
    if not required or not len(data):
        return none
    incomplete = pd.concat([_missing(data[pos]) for pos in required], axis=1).any(axis=1)
    if not incomplete.any():
        return none
    words = {}
    for i, row in data[incomplete].iterrows():
        word = next((v for v in row if isinstance(v, str) and _is_total_label(v)), None)
        if word is not None:
            words[i] = word.strip()
    if not words:
        return none
    shown = ", ".join(f"{ctx.row(i)} ('{w}')" for i, w in list(words.items())[:5])
    shown_zh = "、".join(f"第 {ctx.row(i)} 行（'{w}'）" for i, w in list(words.items())[:5])
    more = f" and {len(words) - 5:,} more" if len(words) > 5 else ""
    more_zh = f"等 {len(words):,} 行" if len(words) > 5 else ""
    rows = f"row{'s' if len(words) > 1 else ''} {shown}{more}"
    run.add(ctx.problem(
        "totals_rows", f"{len(words):,} totals row(s) left out: {rows}", severity="warning",
        zh=f"未计入合计行：{shown_zh}{more_zh}",
        fix=Note("nothing to do if these rows sum up the records above them", "这些行是上方记录的合计时无需处理")))
    _records_counted(ctx, data, words, run)
    return pd.Series(data.index.isin(list(words)), index=data.index)


_RECORD_COUNT = re.compile(r"(\d[\d,]*)\s*(?:records?|rows?|items?|条|笔|单|行|项)", re.I)


def _records_counted(ctx: _Ctx, data: pd.DataFrame, words: dict, run: _Run) -> None:
    """The last totals row of a table, when it gives the number of records (Salesforce's
    'Grand Totals (8800 records)', 总计(3单)), against the records above it: more records
    counted than there are means the export was cut short (a tool's 2,000-row view, rows
    lost in copying), and every figure and payout would be short with nothing said. An
    error naming both counts."""
    last = max(words)
    m = _RECORD_COUNT.search(words[last])
    if not m:
        return
    counted = int(m.group(1).replace(",", ""))
    above = int(((data.index < last) & ~data.index.isin(list(words))).sum())
    if counted <= above:  # (a subtotal's count, or as many: nothing missing)
        return
    run.add(ctx.problem(
        "records_missing", Note(f"the totals row ('{words[last]}') counts {counted:,} records, but only {above:,} "
                                f"are above it: {counted - above:,} are missing, and every figure would be short",
                                f"合计行（'{words[last]}'）记为 {counted:,} 条记录，但其上方只有 {above:,} 条：缺少 "
                                f"{counted - above:,} 条，所有数字都会偏少"),
        index=last, value=words[last],
        fix=Note("export the whole report again (all its records), or, if rows were left out on purpose, delete the "
                 "totals row", "重新导出完整的报表（全部记录）；如果是有意删去部分行，请同时删去合计行")))


# what a reporting tool writes below its records: a confidentiality line, a copyright,
# who or what generated the export and when
_FOOTER_NOTE = re.compile(
    r"confidential|copyright|©|\(c\)\s*\d{4}|all rights reserved|do not distribute|generated (?:by|on|at)|"
    r"(?:printed|exported|downloaded|run) (?:by|on|at)|report (?:run|generated)|"
    r"机密|保密|版权所有|请勿外传|仅供内部|导出(?:时间|人|日期|者)|制表(?:人|时间|日期)?[:：]|打印(?:时间|人|日期)", re.I)


def _footer_notes(ctx: _Ctx, data: pd.DataFrame, assigned: dict[str, int], spec, run: _Run) -> pd.Series:
    """The notes a reporting tool writes at the bottom of an export, below its records and
    totals ("Confidential Information - Do Not Distribute", "Copyright (c) 2000-2018
    salesforce.com, inc.", 导出时间：...): the last rows of the table that have one cell
    filled, with such a note, and a required column empty. They are left out with a
    warning; read as records, they became two employees who were paid, or orders with no
    one's name. A row with one cell filled above a record is a record with cells missing,
    whose own error says so."""
    none = pd.Series(False, index=data.index)
    required = [assigned[c] for c in spec.required if c in assigned]
    if not required or not len(data):
        return none
    notes: dict[Any, str] = {}
    tail = data.iloc[::-1].head(10)  # (a footer is a few lines)
    filled = pd.concat([~_missing(tail[c]) for c in tail.columns], axis=1)
    for i, row in tail.iterrows():
        cells = [v for v, f in zip(row, filled.loc[i]) if f]
        if len(cells) != 1 or not isinstance(cells[0], str) or not _FOOTER_NOTE.search(cells[0]) \
                or not any(_missing(tail.loc[[i], pos]).iloc[0] for pos in required):
            break
        notes[i] = cells[0].strip()
    if not notes:
        return none
    rows = sorted(notes)
    shown = ", ".join(f"{ctx.row(i)} ('{notes[i]}')" for i in rows)
    shown_zh = "、".join(f"第 {ctx.row(i)} 行（'{notes[i]}'）" for i in rows)
    run.add(ctx.problem(
        "footer_notes", f"{len(rows):,} note row(s) below the records left out: row{'s' if len(rows) > 1 else ''} "
        f"{shown}", severity="warning", zh=f"未计入记录下方的说明行：{shown_zh}",
        fix=Note("nothing to do if these lines are the export's notes, not records",
                 "这些行是导出文件的说明、不是记录时无需处理")))
    return pd.Series(data.index.isin(rows), index=data.index)


def _apply_filters(ctx: _Ctx, headers: list[str], data: pd.DataFrame, assigned: dict[str, int],
                   m: dict, run: _Run) -> tuple[pd.Series, set[int]] | None:
    """Rows to keep per ``data.filters``; the rows removed are reported as one warning."""
    filters = m["filters"].get(ctx.table)
    if not filters:
        return None
    keep = pd.Series(True, index=data.index)
    used: set[int] = set()
    recodes = m["values"].get(ctx.table, {})
    for column, values in filters.items():
        if column in assigned:
            pos = assigned[column]
        else:
            matches = [i for i, h in enumerate(headers) if normalise(h) == normalise(column)]
            if not matches:
                run.add(ctx.problem(
                    "filter_column_missing", Note(f"data.filters.{ctx.table} names the column "
                                                  f"'{column}', which is neither a header of the file "
                                                  f"nor a mapped column",
                                                  f"data.filters.{ctx.table} 指定的列「{column}」既不是文件的表头，"
                                                  f"也不是已映射的列"),
                    fix=_with_hint(Note("use a header of the file or a contract column", "写文件的表头或标准列名"),
                                   column, [h for h in headers if h] + list(assigned))))
                continue
            pos = matches[0]
        used.add(pos)
        excluded = isinstance(values, dict)
        if excluded:
            values = values["not"]
        text = _texts(data[pos])
        wanted = {normalise(v) for v in values if not _blank_value(v)}
        key = _normalised(text)
        ok = key.isin(wanted)
        if any(_blank_value(v) for v in values):  # '', null or (empty)/（空白）: the blank cells
            ok |= text.isna()
        contract = next((c for c, p in assigned.items() if p == pos), None)
        recoded = _texts(_recode(data[pos], recodes[contract])) if contract in recodes else None
        if recoded is not None:  # the kept values may be written as recoded values
            ok |= _normalised(recoded).isin(wanted)
        if excluded:
            ok = ~ok
        key_name = f"data.filters.{ctx.table}.{column}"
        kept = "[" + ", ".join(repr(v) for v in values) + "]"
        if excluded and len(ok) and not ok.any():
            run.add(ctx.problem(
                "filter_removes_all", Note(f"{key_name} leaves out {kept}, which are the values of every row "
                                           f"of the column, so it would remove all {len(ok):,} row(s)",
                                           f"{key_name} 去掉 {kept}，而该列每一行都是其中的值，因此会去掉全部 "
                                           f"{len(ok):,} 行"), column=contract or column,
                fix=Note(f"list in {key_name}: {{not: [...]}} only the values to leave out",
                         f"在 {key_name}: {{not: [...]}} 中只列出要去掉的值")))
            keep &= ok
            continue
        if len(ok) and not ok.any():  # nothing would be left: a mistake, never a warning
            found = text.fillna("(empty)").value_counts()
            shown = ", ".join(f"{v!r} {n:,}" for v, n in found.head(5).items()) + (
                f" ({len(found):,} distinct values)" if len(found) > 5 else "")
            shown_zh = "、".join(f"「{'（空白）' if v == '(empty)' else v}」{n:,}" for v, n in found.head(5).items()) + (
                f"（共 {len(found):,} 种值）" if len(found) > 5 else "")
            booleans = any(isinstance(v, (bool, np.bool_)) for v in values)
            quote = ("; " + _YAML_BOOLEANS if booleans else "")
            example = next(iter(text.dropna().value_counts().index), "")
            run.add(ctx.problem(
                "filter_removes_all", Note(f"{key_name} keeps {kept}, but no row of the column has "
                                           f"one of these values, so it would remove all {len(ok):,} row(s); "
                                           f"values found: {shown}",
                                           f"{key_name} 保留 {kept}，但该列没有一行是其中的值，因此会去掉全部 "
                                           f"{len(ok):,} 行；列中的值：{shown_zh}"), column=contract or column,
                fix=Note(f"write the values to keep exactly as they appear in the column, e.g. "
                         f"{key_name}: [{example!r}]{quote}",
                         f"按列中的写法照写要保留的值，如 {key_name}: [{example!r}]"
                         + (f"；{_YAML_BOOLEANS.zh}" if booleans else ""))))
            keep &= ok
            continue
        _report_unmatched_filter_values(ctx, key_name, values, text, recoded, ~ok if excluded else ok,
                                        contract or column, run, excluded=excluded)
        removed = text[~ok].fillna("(empty)").value_counts()
        if len(removed):
            counts = ", ".join(f"{v} {n:,}" for v, n in removed.items())
            counts_zh = "、".join(f"{'（空白）' if v == '(empty)' else v} {n:,}" for v, n in removed.items())
            listed = ", ".join("(empty)" if _blank_value(v) else str(v) for v in values)
            listed_zh = "、".join("（空白）" if _blank_value(v) else str(v) for v in values)
            how, how_zh = ("left out", "去掉") if excluded else ("kept", "保留")
            run.add(ctx.problem(
                "filtered_rows", f"{int((~ok).sum()):,} row(s) removed by {key_name} "
                f"({how}: {listed}): {counts}",
                column=contract or column, severity="warning", value={"key": key_name, "rows": int((~ok).sum())},
                zh=f"按 {key_name} 去掉 {int((~ok).sum()):,} 行（{how_zh}：{listed_zh}）：{counts_zh}",
                fix=Note("nothing to do if these rows are not to be counted; otherwise change "
                         "data.filters", "若这些行本就不该计入，无需处理；否则修改 data.filters")))
        keep &= ok
    if len(keep) and not keep.any() and not any(
            p.check == "filter_removes_all" and p.table == ctx.table for p in run.problems):
        run.add(ctx.problem(
            "filter_removes_all", Note(f"data.filters.{ctx.table} keeps no row: each filter keeps "
                                       f"some rows, but no row passes all of them ({', '.join(filters)})",
                                       f"data.filters.{ctx.table} 一行也不保留：每个筛选条件都保留了一些行，"
                                       f"但没有一行同时满足全部条件（{'、'.join(filters)}）"),
            fix=Note(f"loosen one of the filters in data.filters.{ctx.table}, or check that its "
                     f"values belong together",
                     f"放宽 data.filters.{ctx.table} 中的某个筛选条件，或检查这些值能否同时成立")))
    elif len(keep) >= _FEW_ROWS_OF and keep.sum() < _FEW_ROWS_SHARE * len(keep):
        n, total = int(keep.sum()), len(keep)
        run.add(ctx.problem(
            "filter_keeps_few", Note(f"data.filters.{ctx.table} keeps only {n:,} of {total:,} rows "
                                     f"({n / total:.1%}) and removes {total - n:,}: check that the filters "
                                     f"({', '.join(filters)}) keep the rows to count",
                                     f"data.filters.{ctx.table} 只保留了 {total:,} 行中的 {n:,} 行"
                                     f"（{n / total:.1%}），去掉了 {total - n:,} 行：请检查这些筛选条件"
                                     f"（{'、'.join(filters)}）是否保留了应计入的行"),
            severity="warning",
            fix=Note(f"nothing to do if so few rows are to be counted; otherwise loosen data.filters.{ctx.table} "
                     f"(blank cells are kept with '' or null, and {{not: [...]}} lists the values to leave out)",
                     f"若确实只有这些行应计入，无需处理；否则放宽 data.filters.{ctx.table}"
                     f"（用 '' 或 null 保留空白单元格，用 {{not: [...]}} 列出要去掉的值）")))
    return keep, used


#: Where the statuses of unfinished orders usually belong (the contract has no status for them).
_OPEN_ORDERS = Note("; an order paid but not yet delivered or shipped (待发货, 已发货) is usually completed "
                    "(with kpi_options.refund_handling: clawback a later refund is deducted when it comes), "
                    "an unpaid one (待付款) cancelled or left out with data.filters.orders",
                    "；已付款但尚未发货或签收的订单（待发货、已发货）通常记为 completed"
                    "（设 kpi_options.refund_handling: clawback 时，之后的退款在发生的当期扣回），"
                    "未付款的订单（待付款）记为 cancelled，或用 data.filters.orders 排除")
#: A filter that keeps fewer than this share of a table of at least this many rows is a warning.
_FEW_ROWS_SHARE, _FEW_ROWS_OF = 0.05, 100
#: The words for a blank cell in the filters' findings: a filter value that keeps blank cells.
_BLANK_WORDS = frozenset(normalise(w) for w in ("(empty)", "（空白）", "(blank)", "（空）"))


def _blank_value(value: Any) -> bool:
    """Whether a value of ``data.filters`` stands for blank cells: '' (or spaces), null, or
    the word the findings write for a blank cell, (empty) or （空白）."""
    return value is None or (isinstance(value, str) and (not value.strip() or normalise(value) in _BLANK_WORDS))


def _report_unmatched_filter_values(ctx: _Ctx, key_name: str, values: list, text: pd.Series,
                                    recoded: pd.Series | None, ok: pd.Series, column: str, run: _Run, *,
                                    excluded: bool = False) -> None:
    """The values a filter keeps that no row has, while others do. One that is a typing slip
    away from a value the filter removes ('Lsot' while 'Lost' rows are removed) is an error:
    those rows would be lost without a word. Any other is a warning, with the closest value
    removed as a hint: a status may simply not occur in this export. With ``excluded`` (the
    filter's ``{not: [...]}`` form, ``ok`` then being the rows it leaves out), the same holds of
    the values it leaves out, the other way round: 'Lsot' keeps the Lost rows."""
    found = [t for t in (text, recoded) if t is not None]
    present = set().union(*(set(_normalised(t).dropna()) for t in found))
    gone = list(dict.fromkeys(v for t in found for v in t[~ok].dropna()))  # removed (kept), as written
    verb, verb_zh, other, other_zh = (("leaves out", "去掉", "keeps", "保留") if excluded else
                                      ("keeps", "保留", "removes", "去掉"))
    for value in values:
        if _blank_value(value) and any(t.isna().any() for t in found):
            continue
        if normalise(value) in present:
            continue
        slip = next((v for v in gone if one_slip_apart(normalise(value), normalise(v))), None)
        meant = slip or closest(value, gone)
        message = Note(f"{key_name} {verb} {value!r}, which no row of the column has",
                       f"{key_name} {verb_zh}的「{value}」在该列中一行也没有")
        if meant is not None:
            same = pd.concat([_normalised(t).eq(normalise(meant)) for t in found], axis=1).any(axis=1)
            n = int((same & ~ok).sum())
            message = _with_hint(Note(f"{message}, and {other} the {n:,} row(s) of {meant!r}"
                                      + (", one typing slip away from it" if slip else ""),
                                      f"{message.zh}，却{other_zh}了「{meant}」的 {n:,} 行"
                                      + ("（与它只差一处笔误）" if slip else "")), value, [meant])
        if slip is not None:  # (an exclude filter's value leaves rows out; a keep filter's keeps them)
            this, that = ("leave those rows out,", "keep them") if excluded else ("keep those rows,", "leave them out")
            this_zh, that_zh = ("要去掉这些行", "要保留它们") if excluded else ("要保留这些行", "要去掉它们")
            run.add(ctx.problem("filter_value_misspelt", message, column=column,
                                fix=Note(f"write {slip!r} instead of {value!r} in {key_name} to {this} "
                                         f"or remove {value!r} from it to {that}",
                                         f"{this_zh}，在 {key_name} 中把「{value}」改为「{slip}」；"
                                         f"{that_zh}，则从中删除「{value}」")))
            continue
        boolean = isinstance(value, (bool, np.bool_))
        quote = f"; {_YAML_BOOLEANS}" if boolean else ""
        run.add(ctx.problem(
            "filter_value_unmatched", message, column=column, severity="warning",
            fix=Note(f"nothing to do if no row has {value!r} in this export; otherwise write it as the column "
                     f"does{quote}",
                     f"若本次导出中确实没有「{value}」的行，无需处理；否则按列中的写法写它"
                     + (f"；{_YAML_BOOLEANS.zh}" if boolean else ""))))


# --- values ---------------------------------------------------------------------------

def _missing(s: pd.Series) -> pd.Series:
    """Empty cells: NaN/None/NaT or text that is only spaces."""
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s.isna() | s.str.strip().eq("")
    if s.dtype == object:
        return s.isna() | s.map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
    return s.isna()


def _cell_text(v: Any) -> str | None:
    """The text of one cell as the user sees it; None when empty."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, str):
        v = v.strip()
        return v or None
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return None
        return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:.15g}"
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        if pd.isna(v):
            return None
        return v.strftime("%Y-%m-%d") if v.time() == dt.time(0) else v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else _cell_text(pd.Timestamp(v))
    return str(v)


def _texts(s: pd.Series) -> pd.Series:
    """Cells as stripped text (``str`` dtype), missing as NaN."""
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        t = s.str.strip()
        return t.where(t.ne(""))
    return s.astype(object).map(_cell_text).astype("str")


def _normalised(text: pd.Series) -> pd.Series:
    """:func:`normalise` applied to each distinct value (fast on repetitive columns)."""
    uniques = text.dropna().unique()
    return text.map({u: normalise(u) for u in uniques})


def _recode_lookup(recode: dict) -> dict[str, Any]:
    """Normalised source value -> target. A boolean key (YAML's reading of an unquoted
    Yes/No/On/Off) stands for every usual spelling of yes (or no); a text key wins."""
    lookup: dict[str, Any] = {}
    for k, v in recode.items():
        if isinstance(k, (bool, np.bool_)):
            lookup.update(dict.fromkeys(_BOOLEAN_SPELLINGS[bool(k)], v))
    lookup.update({normalise(k): v for k, v in recode.items()
                   if not isinstance(k, (bool, np.bool_))})
    return lookup


def _boolean_keys_note(ctx: _Ctx, col: str, s: pd.Series, recode: dict | None) -> Problem | None:
    """A warning saying how the boolean keys of ``data.values`` were matched."""
    flags = [k for k in (recode or {}) if isinstance(k, (bool, np.bool_))]
    if not flags:
        return None
    key = f"data.values.{ctx.table}.{col}"
    spellings = "; ".join(f"{str(bool(f)).lower()}: " + ", ".join(_BOOLEAN_SPELLINGS[bool(f)])
                          for f in flags)
    text = _texts(s)
    wanted = {sp for f in flags for sp in _BOOLEAN_SPELLINGS[bool(f)]}
    wanted -= {normalise(k) for k in recode if not isinstance(k, (bool, np.bool_))}
    hit = _normalised(text).isin(wanted)
    if hit.any():
        counts = text[hit].value_counts()
        found = "recoded here: " + ", ".join(f"'{v}' {n:,}" for v, n in counts.items())
        found_zh = "本列据此改写：" + "、".join(f"'{v}' {n:,}" for v, n in counts.items())
    else:
        counts = text.dropna().value_counts()
        found = ("no cell reads yes/no; values found: "
                 + ", ".join(f"'{v}'" for v in counts.index[:5])
                 + (f" ({len(counts):,} distinct)" if len(counts) > 5 else ""))
        found_zh = ("没有单元格是是/否的写法；找到的值：" + "、".join(f"'{v}'" for v in counts.index[:5])
                    + (f"（共 {len(counts):,} 种）" if len(counts) > 5 else ""))
    return ctx.problem(
        "boolean_key", f"{key} has the key(s) "
        + ", ".join(str(bool(f)).lower() for f in flags)
        + f", which YAML reads from an unquoted Yes/No/On/Off; each stands for every usual "
        f"spelling ({spellings}); {found}", column=col, severity="warning",
        zh=f"{key} 的键 " + "、".join(str(bool(f)).lower() for f in flags)
        + f" 是 YAML 从不带引号的 Yes/No/On/Off 读出的，各代表所有常见写法（{spellings}）；{found_zh}",
        fix=Note("nothing to do if these are the cells meant; to match one spelling only, quote "
                 "the key in the parameter file, e.g. 'Yes': ...",
                 "如果这些正是要改写的单元格，无需处理；若只想匹配一种写法，在参数文件中给该键加引号，例如 'Yes': ..."))


def _recode(s: pd.Series, recode: dict | None) -> pd.Series:
    """Apply a ``data.values`` recoding (keys compared after :func:`normalise`; a boolean
    key matches every usual spelling of yes or no)."""
    if not recode:
        return s
    lookup = _recode_lookup(recode)
    key = _normalised(_texts(s))
    hit = key.isin(lookup.keys())
    if not hit.any():
        return s
    out = s.astype(object).copy()
    out[hit] = key[hit].map(lookup)
    return out


def _allowed_values(table: str, col: str) -> tuple | None:
    schema_col = TABLES[table].model.to_schema().columns.get(col)
    for check in getattr(schema_col, "checks", []):
        if check.name == "isin":
            return tuple(check.statistics["allowed_values"])
    return None


# units a header may state, per kind of column: 金额（万元）, 销售额(万), 通话时长（分钟）
_MONEY_UNITS = {"元": 1.0, "万元": 1e4, "万": 1e4, "千元": 1e3, "千": 1e3, "百万元": 1e6, "亿元": 1e8, "亿": 1e8,
                "rmb": 1.0, "cny": 1.0, "¥": 1.0}
_TIME_UNITS = {"秒": 1.0, "s": 1.0, "sec": 1.0, "分钟": 60.0, "分": 60.0, "min": 60.0, "小时": 3600.0, "h": 3600.0,
               "天": 86400.0, "day": 86400.0, "days": 86400.0}  # (days: Excel times saved as plain numbers)
_MONEY_COLUMNS = {"amount", "cost", "paid_amount", "spend", "stock_value", "base_pay", "target"}
_BRACKETED = re.compile(r"^(?P<base>.*?)\s*[（(]\s*(?P<unit>[^()（）]{1,4}?)\s*[)）]\s*$")
_MONEY_SUFFIX = re.compile(r"^(?P<base>.+?)\s*(?P<unit>百万元|万元|千元|亿元)$")


def _second_header_row(ctx: _Ctx, headers: list[str], data: pd.DataFrame, known: set[str],
                       run: _Run) -> tuple[list[str], pd.DataFrame]:
    """A header of two rows, as reports draw it: a group label merged over its columns
    (通话情况 over 通话时长 and 是否接通) and the columns' own names in the row below. The
    row below is taken for the rest of the header when its filled cells are all text, each
    stands under a header that names no column (the group label, or the blank of a merged
    cell), and one of them names a column of the table (an alias or a header of the plan's
    mapping); its names replace the labels above them, and the row is left out, with a
    warning."""
    if data.empty:
        return headers, data
    cells = {i: t for i, t in ((i, _cell_text(v)) for i, v in enumerate(data.iloc[0])) if t}
    if not cells or any(not isinstance(v, str) for v in data.iloc[0][list(cells)]):
        return headers, data
    if any(pd.notna(pd.to_numeric(t.replace(",", ""), errors="coerce")) for t in cells.values()):
        return headers, data

    def unnamed(i: int) -> bool:  # a group label or the blank of a merged cell, not a column's name
        return i >= len(headers) or not headers[i] or normalise(headers[i]) not in known

    # (a record has values under the named columns too: 工号 E1 under 工号 is no header)
    if not all(unnamed(i) for i in cells) or not any(normalise(t) in known for t in cells.values()):
        return headers, data
    out = list(headers) + [""] * max(0, max(cells) + 1 - len(headers))
    for i, t in cells.items():
        out[i] = t
    said = ", ".join(f"'{t}'" + (f" under '{headers[i]}'" if i < len(headers) and headers[i] else "")
                     for i, t in cells.items())
    said_zh = "、".join(f"「{t}」" + (f"（在「{headers[i]}」下）" if i < len(headers) and headers[i] else "")
                        for i, t in cells.items())
    run.add(ctx.problem(
        "header_two_rows", f"the header spans two rows: the names in the row under it ({said}) are read as the "
        "columns' headers", severity="warning", index=data.index[0],
        zh=f"表头占两行：下面一行的名称（{said_zh}）已作为这些列的表头读取",
        fix=Note("nothing to do if those are the columns' names", "这些就是列名时无需处理")))
    return out, data.iloc[1:]


#: what a row of units under the header holds beside the units applied (秒, 元, 万元, ...):
#: counts' units, read and left alone
_COUNT_UNITS = frozenset({"个", "次", "件", "人", "单", "笔", "位", "户", "条", "通", "家", "台", "套", "天"})


def _units_row(ctx: _Ctx, headers: list[str], data: pd.DataFrame, run: _Run) -> tuple[list[str], pd.DataFrame]:
    """A row of units right under the header (通话时长 / 秒, 成交金额 / 元), as Chinese
    reports print them: read as the headers' units (通话时长（秒）, so that 分钟 or 万元
    scale as in a header) and left out, with a warning. A row is taken for units when each
    of its filled cells is a unit, one of them a time or money unit; a % is not (rates
    written as 45 under % would need reading as 0.45: such a row stays an error)."""
    if data.empty:
        return headers, data
    first = data.iloc[0]
    cells = {i: unicodedata.normalize("NFKC", t).strip("()（） ").lower()
             for i, t in ((i, _cell_text(v)) for i, v in enumerate(first)) if t}
    scaled = set(_TIME_UNITS) | set(_MONEY_UNITS)
    if not cells or not all(u in scaled or u in _COUNT_UNITS for u in cells.values()) \
            or not any(u in scaled for u in cells.values()):
        return headers, data
    out = list(headers)
    for i, unit in cells.items():
        if unit in scaled and i < len(out) and out[i] and _split_unit(out[i]) is None:
            out[i] = f"{out[i]}（{unit}）"
    said = ", ".join(f"'{headers[i]}': {u}" for i, u in cells.items() if i < len(headers))
    said_zh = "，".join(f"「{headers[i]}」：{u}" for i, u in cells.items() if i < len(headers))
    run.add(ctx.problem(
        "units_row", f"the row under the header gives units ({said}): read as the headers' units and left out",
        severity="warning", index=data.index[0],
        zh=f"表头下的这一行是单位（{said_zh}）：已作为表头的单位读取，不计入记录",
        fix=Note("nothing to do if those are the units", "单位正确时无需处理")))
    return out, data.iloc[1:]


def _units_of(table: str, col: str) -> dict[str, float]:
    """The units a header of this column may state, with the factor to the contract's unit."""
    info = CATALOGUE.get(col) if table == "kpi_sheet" else None
    if col in _MONEY_COLUMNS or (info is not None and info.unit == "currency"):
        return _MONEY_UNITS
    if col.endswith("_s"):
        return _TIME_UNITS
    return {}


def _split_unit(header: str, units: dict[str, float] | None = None) -> tuple[str, str] | None:
    """(header without its unit, unit) when the header ends with a unit (one of ``units``
    when given)."""
    m = _BRACKETED.match(str(header)) or _MONEY_SUFFIX.match(str(header))
    if m is None or not m["base"] or (units is not None and m["unit"].strip().lower() not in units):
        return None
    return m["base"], m["unit"].strip().lower()


def _own_unit(col: str, s: pd.Series) -> pd.Series:
    """Cells that state their own unit (1.2万, 300元, 0:02:30, 2分30秒, an Excel time): the
    unit in the header is not applied to them a second time."""
    _, texts, others = _split_types(s)
    own = pd.Series(False, index=s.index)
    if col.endswith("_s"):  # a duration that is not a plain number carries its unit
        own[others.index] = others.map(lambda v: isinstance(v, (dt.time, dt.timedelta))).astype(bool)
        own[texts.index] = pd.to_numeric(texts, errors="coerce").isna()
    elif len(texts):
        own[texts.index] = texts.str.normalize("NFKC").str.strip().str.contains(
            r"(?:元|万|亿|rmb|cny)$", case=False, regex=True)
    return own


def _header_units(ctx: _Ctx, headers: list[str], assigned: dict[str, int], raw: pd.DataFrame,
                  run: _Run) -> dict[str, tuple[float, pd.Series]]:
    """Columns whose header states a unit other than the contract's (金额（万元）, 通话时长
    （分钟）): their factor and the cells it applies to, with a warning, so that 1.2 under
    金额（万元）is 12,000; a cell that states its own unit (1.2万) is read as written, not
    multiplied again."""
    out = {}
    for col, pos in assigned.items():
        units = _units_of(ctx.table, col)
        found = _split_unit(headers[pos], units) if units else None
        if found is None or units[found[1]] == 1.0 or col not in raw:
            continue
        unit, factor = found[1], units[found[1]]
        own = _own_unit(col, raw[col])
        out[col] = factor, ~own
        kept, kept_zh = "", ""
        if own.any():
            first = _cell_text(raw[col][own].iloc[0])
            kept = f" (not the {int(own.sum()):,} that state their own unit, such as '{first}')"
            kept_zh = f"（{int(own.sum()):,} 个自带单位的值如 '{first}' 按原值读取）"
        run.add(ctx.problem(
            "unit_in_header", f"'{headers[pos]}' ({col}) is in {unit}: its values are multiplied by "
            f"{factor:,.0f}{kept}", column=col, severity="warning",
            zh=f"'{headers[pos]}'（{col}）以{unit}为单位：数值已乘以 {factor:,.0f}{kept_zh}",
            fix=Note("nothing to do if the header's unit is right", "表头的单位正确时无需处理")))
    return out


def _minutes_note(ctx: _Ctx, col: str, raw: pd.Series, seconds: pd.Series) -> Problem | None:
    """A warning when plain numbers read as seconds look like minutes: every positive value
    under 60 and their median under 10 (2.38 is a call of 2 min 23 s, not a hang-up). A
    header that states its unit (通话时长（秒）) or durations written as 0:02:23 are not
    questioned."""
    header = ctx.headers.get(col, col)
    if _split_unit(header, _TIME_UNITS) is not None:
        return None
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        plain = raw.notna()
    else:  # text that is a plain number, and numbers (not 0:02:23, 2分30秒 or an Excel time)
        _, texts, others = _split_types(raw)
        numbers = others[others.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))]
        plain = pd.to_numeric(texts, errors="coerce").dropna().index.union(numbers.index)
        plain = raw.index.isin(plain)
    v = seconds[plain & (seconds > 0)]
    if len(v) < 5 or v.max() >= 60 or v.median() >= 10:
        return None
    if v.max() < 1:  # every call under a second: Excel times (fractions of a day) pasted as values
        median = v.median()
        return ctx.problem(
            "duration_in_days", f"{ctx.label(col)} is read in seconds, but all its {len(v):,} talk times are under "
            f"a second (median {median:.3g}): they look like Excel times saved as plain numbers, in days "
            f"({median:.3g} × 86,400 = {median * 86400:,.0f} s). Read as seconds, every call would count as a hang-up",
            column=col,
            zh=f"'{header}'（{col}）按秒读取，但 {len(v):,} 个通话时长都不到 1 秒（中位数 {median:.3g}）：看起来是以数值保存的 "
               f"Excel 时间，单位是天（{median:.3g} × 86,400 = {median * 86400:,.0f} 秒）。按秒读取，每通电话都会被当作挂断",
            fix=Note(f"state the unit in the header ('{header} (days)' or '{header}（天）'): its values are then "
                     "multiplied by 86,400; or format the column in Excel as a time (h:mm:ss)",
                     f"在表头中注明单位（'{header}（天）' 或 '{header} (days)'），其值会乘以 86,400；"
                     "或在 Excel 中把该列设为时间格式（h:mm:ss）"))
    return ctx.problem(
        "duration_in_minutes", f"{ctx.label(col)} is read in seconds, but its {len(v):,} talk times are "
        f"all under a minute (median {v.median():.3g} s): if they are minutes, every call counts as "
        f"a hang-up and the talk-time KPIs are close to 0", column=col, severity="warning",
        zh=f"'{header}'（{col}）按秒读取，但 {len(v):,} 个通话时长都不到 1 分钟（中位数 {v.median():.3g} 秒）："
           f"若单位是分钟，每通电话都会被当作挂断，通话时长类指标接近 0",
        fix=Note(f"if the values are minutes, state the unit in the header ('{header} (min)' or '{header}（分钟）'): "
                 f"its values are then multiplied by 60; nothing to do if they are seconds",
                 f"如果这些值是分钟，在表头中注明单位（'{header}（分钟）' 或 '{header} (min)'），其值会乘以 60；"
                 "如果是秒，无需处理"))


def _parse_column(ctx: _Ctx, col: str, s: pd.Series) -> tuple[pd.Series, list[Problem]]:
    spec = TABLES[ctx.table]
    if col in spec.dates:
        return _parse_dates(ctx, col, s)
    if col in spec.numbers or (ctx.table == "kpi_sheet" and (col in CATALOGUE or col in SHEET_COUNTS)):
        return _parse_numbers(ctx, col, s)
    if col in spec.booleans:
        return _parse_booleans(ctx, col, s)
    if col == "period":
        return _parse_periods(ctx, col, s)
    problems = _rounded_ids(ctx, col, s) if col.endswith("_id") else []
    if col.endswith("_id") and col not in ("employee_id", "manager_id", "mentor_id"):  # (those: _ids_without_zeros)
        problems += _ids_with_and_without_zeros(ctx, col, s)
    return _parse_texts(ctx, col, s), problems


def _rounded_ids(ctx: _Ctx, col: str, s: pd.Series) -> list[Problem]:
    """Excel keeps 15 significant digits of a number: a long id (an 18-digit Taobao or
    Douyin order number, a buyer id) that passed through Excel as a number has lost its
    last digits, so that different orders or customers may share one. An id in scientific
    notation (3.45679E+18) is an error; ids of more than 15 digits that all look rounded
    (:func:`_excel_rounded`, or a workbook number above 2**53) are a warning."""
    text = _texts(s)
    sci = text.str.fullmatch(r"[+-]?\d(?:\.\d+)?[eE]\+?\d+").fillna(False).astype(bool)
    label = ctx.label(col)
    fix = Note("export the column again as text (in Excel: format the column as 文本/Text before "
               "pasting, or import the CSV with this column as text); the digits Excel dropped cannot "
               "be recovered from this file",
               "把该列重新导出为文本（在 Excel 中粘贴前把该列设为“文本”格式，或导入 CSV 时把该列设为文本）；"
               "Excel 丢掉的位数无法从本文件中找回")
    problems = _cell_problems(ctx, col, s, sci, "rounded_id",
                              Note(f"{label} is a number in scientific notation: Excel rounded the id, so "
                                   f"different records may now share it",
                                   f"{ctx.label(col, 'zh')}是科学计数法的数字：Excel 已将编号四舍五入，不同记录现在"
                                   "可能共用同一编号"), fix)
    long = text[text.str.fullmatch(r"\d{16,}").fillna(False).astype(bool)]
    # a workbook's number is a binary double: above 2**53 it cannot hold every digit
    inexact = s[long.index].map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and v >= 2**53)
    if len(long) and (long.map(_excel_rounded) | inexact.astype(bool)).all():
        problems.append(ctx.problem(
            "rounded_id", f"the {len(long):,} value(s) of {label} longer than 15 digits all look rounded "
            f"(e.g. '{long.iloc[0]}'): Excel keeps 15 significant digits of a number, so these ids have "
            f"probably lost their last digits and different records may share one", column=col,
            severity="warning",
            zh=f"{label} 中 {len(long):,} 个超过 15 位的值看起来都已被截断（如 '{long.iloc[0]}'）：Excel "
               f"的数字只保留 15 位有效数字，这些编号很可能丢了末几位，不同记录可能共用同一编号", fix=fix))
    return problems


def _ids_with_and_without_zeros(ctx: _Ctx, col: str, s: pd.Series) -> list[Problem]:
    """A warning when one column writes an id both with and without leading zeros (000777
    and 777): Excel dropped the zeros from some cells, and the two are taken for different
    customers (or orders, tickets), which no check between tables would notice."""
    digits = _texts(s).dropna()
    digits = pd.Series(digits[digits.str.fullmatch(r"\d+").fillna(False).astype(bool)].unique())
    padded = digits[digits.str.startswith("0")]
    if padded.empty:
        return []
    stripped = dict(zip(padded.str.lstrip("0"), padded))
    pairs = [(stripped[v], v) for v in digits if v in stripped]
    if not pairs:
        return []
    shown = ", ".join(f"'{a}' and '{b}'" for a, b in pairs[:3]) + (" …" if len(pairs) > 3 else "")
    return [ctx.problem(
        "ids_with_and_without_zeros", f"{ctx.label(col)} writes {len(pairs):,} id(s) both with and without "
        f"leading zeros ({shown}): they are counted as different ids", column=col, severity="warning",
        zh=f"{ctx.label(col)} 中有 {len(pairs):,} 个编号既有带前导零又有不带的写法（{shown}）：会被当作不同的编号",
        fix=Note("if they are the same, export the column again as text (Excel drops the leading zeros of "
                 "an id typed as a number), or recode them with data.values",
                 "如果它们是同一编号，把该列重新导出为文本（Excel 会去掉按数字输入的编号的前导零），或用 "
                 "data.values 转换"))]


def _excel_rounded(digits: str) -> bool:
    """Whether a long id is what Excel keeps of a number: zeros from the 16th digit on
    (3456789012345680000), or the binary double nearest to such a number, as a workbook
    cell holding 3.45678901234568E+18 is read (3456789012345679872)."""
    if set(digits[15:]) == {"0"}:
        return True
    return int(digits) == int(float(f"{float(int(digits)):.15g}"))


def _cell_problems(ctx: _Ctx, col: str, raw: pd.Series, bad: pd.Series, check: str,
                   message: str, fix: str) -> list[Problem]:
    texts = _texts(raw[bad])
    return [ctx.problem(check, message, column=col, index=i, value=v, fix=fix)
            for i, v in texts.items()]


def _split_types(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(missing mask, text cells as ``str``, other non-missing cells as objects)."""
    miss = _missing(s)
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return miss, s[~miss].str.strip(), pd.Series([], dtype=object)
    is_str = s.map(lambda v: isinstance(v, str)).astype(bool)
    return miss, s[~miss & is_str].astype("str").str.strip(), s[~miss & ~is_str]


_FAST_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d",
                      "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S")
# (2026年10月5日14:03 and 14时03分 need no space after 日)
_YMD = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
                  r"(?:(?:\s+|T|(?<=[日号]))(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})"
                  r"(?:\s*[:分]\s*(?P<S>\d{1,2})(?:\.(?P<f>\d{1,9}))?\s*秒?|\s*分)?)?$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_DMY = re.compile(r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})"
                  r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$")
_ISO_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$")


def _assemble(parts: pd.DataFrame, year: str, month: str, day: str) -> pd.Series:
    frame = pd.DataFrame({
        "year": parts[year], "month": parts[month], "day": parts[day],
        "hour": parts.get("H", pd.Series(index=parts.index, dtype=object)).fillna("0"),
        "minute": parts.get("M", pd.Series(index=parts.index, dtype=object)).fillna("0"),
        "second": parts.get("S", pd.Series(index=parts.index, dtype=object)).fillna("0"),
    }, index=parts.index).astype("int64")
    out = pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")
    if "f" in parts and parts["f"].notna().any():
        frac = ("0." + parts["f"].fillna("0")).astype(float)
        out = out + pd.to_timedelta(frac, unit="s")
    return out


def _matches(text: str, fmt: str) -> bool:
    try:
        dt.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


_DATE_ORDERS = ("month-first", "day-first")


def _dates_from_text(t: pd.Series, order: str | None = None) -> tuple[pd.Series, str | None]:
    """Parse date texts; unparseable ones stay NaT. Also returns an ambiguity note.

    Dates such as 9/1/2017 are read as ``order`` says (``data.date_order``: month-first or
    day-first; a date that cannot be read so, 13/1/2017 month-first, stays NaT); without it,
    as the column shows (a first number above 12 somewhere: day-first; dots, 01.04.2026:
    day-first), and a column that shows neither is ambiguous."""
    out = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    rest = t
    formats = list(_FAST_DATE_FORMATS)
    if len(t):  # the format of the first value first: most columns use one format
        formats.sort(key=lambda fmt: not _matches(t.iloc[0], fmt))
    for fmt in formats:
        if rest.empty:
            return out, None
        got = pd.to_datetime(rest, format=fmt, errors="coerce")
        ok = got.notna()
        if ok.any():
            out[ok[ok].index] = got[ok].astype("datetime64[ns]")
            rest = rest[~ok]
    if rest.empty:
        return out, None
    rest = rest.str.normalize("NFKC").str.strip()
    for pattern in (_YMD, _COMPACT):
        parts = rest.str.extract(pattern)
        hit = parts["y"].notna()
        if hit.any():
            out[hit[hit].index] = _assemble(parts[hit], "y", "m", "d")
            rest = rest[~hit]
    note = None
    parts = rest.str.extract(_DMY)
    hit = parts["y"].notna()
    if hit.any():
        p = parts[hit]
        a, b = p["a"].astype(int), p["b"].astype(int)
        if order is None and rest[hit].str.match(r"\d{1,2}\.\d{1,2}\.").all():
            order = "day-first"  # 01.04.2026: dots are written day-first (German, Russian, ...), never month-first
        if order is not None:
            out[p.index] = _assemble(p, "y", "a", "b") if order == "month-first" else _assemble(p, "y", "b", "a")
        elif (a > 12).any() and not (b > 12).any():
            out[p.index] = _assemble(p, "y", "b", "a")
        elif (b > 12).any() and not (a > 12).any():
            out[p.index] = _assemble(p, "y", "a", "b")
        elif not (a > 12).any():
            note = Note(f"dates such as '{rest[hit].iloc[0]}' can be read day-first or month-first "
                        f"and nothing in the column tells which",
                        f"「{rest[hit].iloc[0]}」这样的日期既可读作日在前，也可读作月在前，该列中没有可判断的值")
        rest = rest[~hit]
    for i, v in rest[rest.str.match(_ISO_TZ)].items():
        ts = pd.Timestamp(v)
        out[i] = ts.tz_localize(None) if ts.tzinfo is not None else ts
    return out, note


def _date_of_object(v: Any) -> pd.Timestamp | None:
    """A typed cell (Excel datetime, number) as a date, or None."""
    if isinstance(v, (dt.datetime, dt.date, np.datetime64)):
        ts = pd.Timestamp(v)
        return ts.tz_localize(None) if ts.tzinfo is not None else ts
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        if float(v).is_integer() and 19000101 <= v <= 21001231:  # 20261001
            try:
                return pd.Timestamp(dt.datetime.strptime(str(int(v)), "%Y%m%d"))
            except ValueError:
                return None
        if 18264 <= v <= 73415:  # an Excel serial date between 1950 and 2100
            return pd.Timestamp("1899-12-30") + pd.to_timedelta(float(v), unit="D")
    return None


def _parse_dates(ctx: _Ctx, col: str, s: pd.Series) -> tuple[pd.Series, list[Problem]]:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        return s.astype("datetime64[ns]"), []
    miss, texts, others = _split_types(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    parsed, note = _dates_from_text(texts, ctx.date_order)
    out[parsed.index] = parsed
    problems: list[Problem] = []
    if len(others):
        out[others.index] = pd.to_datetime(others.map(_date_of_object), errors="coerce")
    bad = ~miss & out.isna()
    if note:
        ambiguous = texts.str.match(_DMY).reindex(s.index, fill_value=False).astype(bool)
        bad &= ~ambiguous
        others = out.notna() & ~ambiguous  # the dates written another way, which read one way only
        if others.sum() > ambiguous.sum():  # a few cells typed unlike the rest, not an export's way of writing
            problems += _stray_dates(ctx, col, s, ambiguous, _texts(s[others]).iloc[0])
        else:
            problems.append(ctx.problem("ambiguous_date", f"{ctx.label(col)}: {note}", column=col,
                                        zh=f"{ctx.label(col, 'zh')}：{note.zh}",
                                        fix=Note("say how the export writes them with data.date_order: month-first "
                                                 "(9/1/2017 is 1 September, as US exports write dates) or day-first, "
                                                 "or write the dates as 2026-10-01 (year-month-day)",
                                                 "用 data.date_order 说明导出文件的写法：month-first（9/1/2017 为 9 月 "
                                                 "1 日，美式写法）或 day-first；或把日期写成 2026-10-01（年-月-日）")))
    fix = _DATE_FIX
    serials = _texts(s[bad]).str.fullmatch(r"[2-7]\d{4}(?:\.\d+)?").fillna(False).astype(bool)
    if serials.any():  # a date that Excel wrote out as its day number
        day = float(_texts(s[bad])[serials].iloc[0])
        shown = (pd.Timestamp("1899-12-30") + pd.Timedelta(days=day)).strftime("%Y-%m-%d")
        number = _texts(s[bad])[serials].iloc[0]
        fix = Note(f"{fix}; numbers such as {number} are Excel's day numbers ({shown}): "
                   "format the column as a date in Excel before saving the export",
                   f"{fix.zh}；{number} 这样的数字是 Excel 的日期序号（{shown}）：保存导出文件前，先在 Excel "
                   "中把该列设为日期格式")
    problems += _cell_problems(ctx, col, s, bad, "not_a_date",
                               Note(f"{ctx.label(col)} is not a date", f"{ctx.label(col, 'zh')}不是日期"), fix)
    return out, problems


def _stray_dates(ctx: _Ctx, col: str, s: pd.Series, stray: pd.Series, example: str) -> list[Problem]:
    """The cells ``stray`` of a date column, such as 10/3/2026, that can be read day-first or
    month-first while most of the column writes its dates another way that reads one way
    only (``example``: 2026-10-03 14:22:10): one finding per cell, since these are cells
    typed by hand, not how the export writes dates, and data.date_order is no remedy for them."""
    message = Note(f"{ctx.label(col)} is written unlike the column's other dates (such as '{example}'), and can be "
                   "read day-first or month-first",
                   f"{ctx.label(col, 'zh')}的写法与该列其他日期（如「{example}」）不同，既可读作日在前，也可读作月在前")
    fix = Note("correct the cell in the export, writing the date as the column's other dates are written; if the "
               "export really writes its dates both ways, say how these read with data.date_order: month-first "
               "(9/1/2017 is 1 September) or day-first",
               "在导出文件中按该列其他日期的写法改正该单元格；如果导出文件确实两种写法都有，用 data.date_order "
               "说明这些日期的读法：month-first（9/1/2017 为 9 月 1 日）或 day-first")
    return _cell_problems(ctx, col, s, stray, "ambiguous_date_cell", message, fix)


_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?"
# the same with a decimal comma and dots between the thousands (1.234,56; 12,5)
_COMMA_NUMBER = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d+)?"
_DECIMAL_MARKS = (",", ".")
# currency signs a number may carry ($ and ¥ name several currencies: see _currencies)
_SIGNS = {"R$": "BRL", "HK$": "HKD", "US$": "USD", "NT$": "TWD", "S$": "SGD", "A$": "AUD", "C$": "CAD",
          "NZ$": "NZD", "MX$": "MXN", "$": "USD", "¥": "CNY", "€": "EUR", "£": "GBP", "₩": "KRW", "₹": "INR",
          "₽": "RUB", "₫": "VND", "฿": "THB", "₱": "PHP"}
_SIGN = "|".join(re.escape(k) for k in sorted(_SIGNS, key=len, reverse=True))
_CODES = "|".join(["RMB", *CURRENCIES])
_CURRENCY = rf"{_SIGN}|^(?:{_CODES})|(?:元|{_CODES})$"  # (spaces: see _without_currency)
_MAGNITUDE = r"(万|亿)$"  # factors: _MONEY_UNITS
# the currency each sign or code of _CURRENCY names: amounts in two of them are not added
_CURRENCY_MARK = re.compile(rf"^({_CODES})|(元|{_CODES})$|({_SIGN})", re.I)
_CURRENCY_CODES = {"元": "CNY", "rmb": "CNY", **{code.lower(): code for code in CURRENCIES},
                   **{sign.lower(): code for sign, code in _SIGNS.items()}}


#: a character that no plain number has: the texts that may carry a currency sign or code
_MARKED = r"[^\d.,+\-()%\s]"


def _without_currency(t: pd.Series) -> pd.Series:
    """The texts ``t`` without their currency signs and codes and their spaces. (The
    long pattern of the signs and codes is tried only on the texts that have a character
    no plain number has: on 1,234.56 it would cost most of the column's reading.)"""
    out = t.str.replace(r"\s", "", regex=True)
    marked = out.str.contains(_MARKED, regex=True)
    if marked.any():
        out = out.copy()
        out[marked] = out[marked].str.replace(_CURRENCY, "", regex=True, case=False)
    return out


def _number_cores(texts: pd.Series) -> pd.Series:
    """The texts of a number column without currency, spaces, accounting brackets, a
    trailing minus (SAP's 8,56-), 万/亿 and %: what shows the decimal mark."""
    t = _without_currency(texts.str.normalize("NFKC").str.strip())
    return (t.str.replace(r"^\((.+)\)$", r"\1", regex=True).str.replace(r"(?<=\d)-$", "", regex=True)
            .str.replace(r"(万|亿|%)$", "", regex=True))


def _decimal_mark(ctx: _Ctx, raw: pd.DataFrame, unused: dict[str, pd.Series], run: _Run) -> str | None:
    """The decimal mark of the table's numbers: ``data.decimal_mark`` when given; else ","
    when some number can only be read with a decimal comma (1.234,56; 12,5) and none only
    with a decimal point (1,234.56; 12.5), with a warning that says so; else None (points).
    The columns the table does not use (``unused``, by header: a profit column beside the
    amounts) show it too.

    Numbers that read either way (1.234, 12,500, 1234) follow the table's mark: a table is
    one export, from one locale. When nothing shows the mark, amounts such as 1.706 (a
    dot before three digits: 1.706 or 1706) are an error that asks for data.decimal_mark,
    as ambiguous dates ask for data.date_order: read as 1.706, whole euros would be paid
    on a thousandth of their value."""
    if ctx.decimal_mark is not None:
        return ctx.decimal_mark
    spec = TABLES[ctx.table]

    def written(s: pd.Series) -> bool:  # (typed numbers, of Parquet or Excel cells, write no mark)
        return not (pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype))

    texts = {c: _split_types(raw[c])[1] for c in raw.columns
             if (c in spec.numbers or (ctx.table == "kpi_sheet" and (c in CATALOGUE or c in SHEET_COUNTS))) and written(raw[c])}
    money = [c for c in texts if c in _MONEY_COLUMNS or (ctx.table == "kpi_sheet" and c in CATALOGUE and CATALOGUE[c].unit == "currency")]
    if not any(t.str.contains(",", regex=False).any() for t in texts.values()) and \
            not any(texts[c].str.contains(".", regex=False).any() for c in money):
        return None  # (the usual case, decided without reading each number twice)
    if any(_point_only(t.head(1000)).any() for t in texts.values()):
        return None  # (a quick look first: most tables show the decimal point in their first rows)
    # (the unused columns read only when the table's own numbers do not show the mark)
    columns = itertools.chain(texts.items(), (((h,), _split_types(s)[1]) for h, s in unused.items() if written(s)))
    comma, point = {}, False
    for col, t in columns:
        core = _number_cores(t)
        as_point, as_comma = core.str.fullmatch(_NUMBER), core.str.fullmatch(_COMMA_NUMBER)
        if (as_point & ~as_comma).any():
            point = True
            break
        only = as_comma & ~as_point & core.str.contains(r"\d", regex=True)
        if only.any():  # (an example that shows the mark best: 1.234,56 rather than 0,00)
            shown = t[only]
            comma[col] = shown.iloc[int(np.argmax(shown.str.contains(".", regex=False).to_numpy() * 2
                                                  + shown.str.contains("[1-9]", regex=True).to_numpy()))]
    if point:
        return None
    if not comma:
        for col in money:
            dotted = texts[col][_number_cores(texts[col]).str.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+")]
            if len(dotted):
                run.add(_ambiguous_decimal(ctx, col, dotted))
        return None
    col, example = next(iter(comma.items()))
    value = amount_of(_with_decimal_points(pd.Series([example])).iloc[0])
    read = Note(f"'{example}' is {value:,.10g}, and 1.234 is 1234", f"「{example}」为 {value:,.10g}，1.234 为 1234") \
        if not np.isnan(value) else Note("1.234 is 1234", "1.234 为 1234")
    named = [c for c in comma if isinstance(c, str)]
    headers = [c[0] for c in comma if not isinstance(c, str)]  # (an unused column: (header,))
    labels = ", ".join([*(ctx.label(c) for c in named), *(f"'{h}'" for h in headers)])
    labels_zh = "、".join([*(ctx.label(c, "zh") for c in named), *(f"「{h}」" for h in headers)])
    run.add(ctx.problem(
        "decimal_comma", f"numbers such as '{example}' in {labels} are written with a decimal comma: every number of "
        f"the table is read so ({read})", column=named[0] if named else None, severity="warning",
        zh=f"{labels_zh}中「{example}」这样的数字用逗号作小数点：该表的所有数字都按此读取（{read.zh}）",
        fix=Note("nothing to do if that is right; say so with data.decimal_mark: ',' (or '.' if the commas "
                 "separate thousands) to read the export so without this warning",
                 "如果正确则无需处理；可在参数文件中写明 data.decimal_mark: ','（如果逗号是千位分隔符，写 '.'），"
                 "此后按此读取且不再提示")))
    return ","


def _point_only(texts: pd.Series) -> pd.Series:
    """The texts of numbers that only a decimal point reads (12.5, 1,234.56)."""
    core = _number_cores(texts)
    return core.str.fullmatch(_NUMBER) & ~core.str.fullmatch(_COMMA_NUMBER)


def _ambiguous_decimal(ctx: _Ctx, col: str, dotted: pd.Series) -> Problem:
    """Amounts such as 1.706 in a table that shows no decimal mark: 1.706 or 1706."""
    example = dotted.iloc[0]
    number = _number_cores(pd.Series([example])).iloc[0]
    whole = number.replace(".", "")
    return ctx.problem(
        "ambiguous_decimal", Note(f"{ctx.label(col)}: amounts such as '{example}' can be read as {number} or as {whole} "
                                  f"(a dot between thousands), and nothing in the table tells which "
                                  f"({len(dotted):,} row{'s' if len(dotted) > 1 else ''})",
                                  f"{ctx.label(col, 'zh')}：「{example}」这样的金额既可读作 {number}，也可读作 {whole}"
                                  f"（点为千位分隔符），表中没有可判断的值（{len(dotted):,} 行）"),
        column=col, value=example,
        fix=Note(f"say which with data.decimal_mark: ',' if the dot separates thousands ({number} is {whole}, as German "
                 f"or Brazilian exports write it), or '.' if it is the decimal point",
                 f"用 data.decimal_mark 说明：点是千位分隔符（{number} 为 {whole}，德国、巴西等地的写法）写 ','；"
                 "点是小数点写 '.'"))


def _with_decimal_points(texts: pd.Series) -> pd.Series:
    """Texts of numbers written with a decimal comma (R$ 1.234,56) rewritten with a decimal
    point (R$ 1234.56); the texts that write no such number are left as they are."""
    core = _number_cores(texts)
    hit = core.str.fullmatch(_COMMA_NUMBER) & core.str.contains(r"\d", regex=True)
    if not hit.any():
        return texts
    out = texts.copy()
    out[hit] = (texts[hit].str.replace(r"(?<=\d)\.(?=\d{3}(?!\d))", "", regex=True)
                .str.replace(r"(?<=\d),(?=\d)", ".", regex=True))
    return out


def _currencies(ctx: _Ctx, col: str, t: pd.Series) -> list[Problem]:
    """An error when the texts ``t`` of a number column write amounts in two or more
    currencies (USD 4,914.00 beside EUR 4,914.00, as a multi-currency CRM exports them):
    the kit reads every amount as written and converts nothing, so they would be added up
    as one currency. It names each currency with its count and the rows of the rarer ones.
    Amounts that state one currency (a code, €, £ or 元; $ and ¥ name several) other than
    the plan's (``ctx.currency``) are an error too: the report would label them wrongly."""
    t = t[t.str.contains(_MARKED, regex=True)]  # (a mark is a sign, a code or 元: not in a plain number)
    found = t.str.extract(_CURRENCY_MARK)
    marks = found[0].fillna(found[1]).fillna(found[2]).dropna()
    codes = marks.str.lower().map(_CURRENCY_CODES).dropna()
    if codes.nunique() < 2:
        stated = codes[~marks.reindex(codes.index).isin(["$", "¥"])]  # ($ and ¥ name several currencies)
        if ctx.currency is None or stated.empty or stated.iloc[0] == ctx.currency:
            return []
        return [ctx.problem(
            "other_currency", Note(f"{ctx.label(col)} states its amounts in {stated.iloc[0]} ({len(stated):,} rows), "
                                   f"but the plan's report.currency is {ctx.currency}: the report would show them as "
                                   f"{ctx.currency}",
                                   f"{ctx.label(col, 'zh')}的金额标明为 {stated.iloc[0]}（{len(stated):,} 行），但方案的 "
                                   f"report.currency 是 {ctx.currency}：报告会把它们显示为 {ctx.currency}"),
            column=col,
            fix=Note(f"set report.currency: {stated.iloc[0]} in the plan (the kit converts no currency), or convert the "
                     f"amounts to {ctx.currency} in the export",
                     f"在方案中设 report.currency: {stated.iloc[0]}（本工具不做货币换算），或在导出文件中把金额换算成 "
                     f"{ctx.currency}"))]
    counts = codes.value_counts()
    shown = ", ".join(f"{c} ({n:,} row{'s' if n > 1 else ''})" for c, n in counts.items())
    shown_zh = "、".join(f"{c}（{n:,} 行）" for c, n in counts.items())
    rare = codes[codes != counts.index[0]]
    rows = ", ".join(str(ctx.row(i)) for i in rare.index[:8]) + (", …" if len(rare) > 8 else "")
    return [ctx.problem(
        "mixed_currencies", Note(f"{ctx.label(col)} writes amounts in {len(counts)} currencies: {shown}; those not in "
                                 f"{counts.index[0]} are in rows {rows}. They would be added up as one currency",
                                 f"{ctx.label(col, 'zh')}的金额用了 {len(counts)} 种货币：{shown_zh}；非 {counts.index[0]} "
                                 f"的在第 {rows} 行。它们会被当作同一种货币相加"),
        column=col,
        fix=Note("convert the amounts to one currency in the export (the kit converts none), or report each "
                 "currency's records with a plan of their own",
                 "在导出文件中把金额换算成同一种货币（本工具不做换算），或按货币分开、各用一个方案出报告"))]
_HMS = r"^(?P<a>\d+):(?P<b>\d{1,2})(?::(?P<c>\d{1,2}(?:\.\d+)?))?$"
# a duration in words: 2分30秒, 1小时2分, 45秒, 2m 30s, 1 h 5 min
_DURATION_WORDS = (r"(?i)^(?:(?P<h>\d+(?:\.\d+)?)\s*(?:小时|时|hours?|hrs?|h)\s*)?"
                   r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:分钟|分|minutes?|mins?|m)\s*)?"
                   r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:秒钟|秒|seconds?|secs?|s))?$")


def _number_of_object(v: Any, duration: bool) -> float:
    if isinstance(v, (bool, np.bool_)):
        return np.nan
    if isinstance(v, (int, float, np.integer, np.floating, decimal.Decimal)):
        return float(v)
    if duration and isinstance(v, dt.time):
        return v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6
    if duration and isinstance(v, (dt.timedelta, pd.Timedelta)):
        return v.total_seconds()
    return np.nan


def _written_numbers(t: pd.Series) -> pd.Series:
    """The numbers that the texts ``t`` (NFKC-normalised and stripped) write, with currency
    signs, thousands separators, accounting brackets (123), a trailing minus (SAP's 8.56-)
    and Chinese magnitudes (1.2万 =
    12,000, also 1.2万元; 3亿); the texts that write no number are left out."""
    cleaned = _without_currency(t)
    cleaned = cleaned.str.replace(r"^\((.+)\)$", r"-\1", regex=True)  # accounting (123)
    cleaned = cleaned.str.replace(r"^(\d[\d.,]*)-$", r"-\1", regex=True)  # SAP's 8.56- for -8.56
    magnitude = cleaned.str.extract(_MAGNITUDE, expand=False).map(_MONEY_UNITS).fillna(1.0)
    cleaned = cleaned.str.replace(_MAGNITUDE, "", regex=True)
    ok = cleaned.str.fullmatch(_NUMBER) & cleaned.str.contains(r"\d", regex=True)
    values = pd.to_numeric(cleaned[ok].str.replace(",", "", regex=False), errors="coerce")
    values = values[~np.isinf(values)]
    scaled = magnitude[values.index] != 1.0  # 0.07万 is 700, not 700.0000000000001
    return values.where(~scaled, (values * magnitude[values.index]).round(6))


def amount_of(text) -> float:
    """One amount as a person types it, read as the loaders read the cells of an export
    (120,000, ¥120000, 12万, 0.3亿, 120000元); NaN when it writes no number."""
    values = _written_numbers(pd.Series([str(text)]).str.normalize("NFKC").str.strip())
    return float(values.iloc[0]) if len(values) else float("nan")


def _parse_numbers(ctx: _Ctx, col: str, s: pd.Series) -> tuple[pd.Series, list[Problem]]:
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("float64"), []
    duration = col.endswith("_s")
    miss, texts, others = _split_types(s)
    if ctx.decimal_mark == "," and len(texts):
        texts = _with_decimal_points(texts)
    out = pd.Series(np.nan, index=s.index, dtype="float64")
    if len(others):
        out[others.index] = others.map(lambda v: _number_of_object(v, duration)).astype(float)
    plain = pd.to_numeric(texts, errors="coerce")  # fast path: plain numbers
    plain = plain[plain.notna() & ~np.isinf(plain)]
    out[plain.index] = plain.astype(float)
    t = texts.drop(plain.index).str.normalize("NFKC").str.strip()
    if duration and len(t):
        hms = t.str.extract(_HMS)
        hit = hms["a"].notna()
        if hit.any():
            p = hms[hit]
            three = p["c"].notna()
            secs = np.where(three, p["a"].astype(float) * 3600 + p["b"].astype(float) * 60
                            + p["c"].astype(float).fillna(0),
                            p["a"].astype(float) * 60 + p["b"].astype(float))
            out[p.index] = secs
            t = t[~hit]
        words = t.str.extract(_DURATION_WORDS).astype(float)
        hit = words.notna().any(axis=1)
        if hit.any():
            out[words.index[hit]] = (words[hit].fillna(0.0) * [3600.0, 60.0, 1.0]).sum(axis=1)
            t = t[~hit]
    values = _written_numbers(t)
    out[values.index] = values.astype(float)
    mixed = _currencies(ctx, col, t)
    bad = ~miss & out.isna()
    percent = bad & texts.str.endswith("%").reindex(s.index, fill_value=False).astype(bool)
    info = CATALOGUE.get(col) if ctx.table == "kpi_sheet" else None
    if info is not None and info.unit == "ratio" and percent.any():  # a rate in a KPI sheet: 45% is 0.45
        rates = texts[percent].str.normalize("NFKC").str.strip().str.removesuffix("%").str.strip()
        rates = pd.to_numeric(rates.where(rates.str.fullmatch(_NUMBER)).str.replace(",", "", regex=False),
                              errors="coerce") / 100
        out[rates.index] = rates
        bad = ~miss & out.isna()
        percent = bad & percent
    label = ctx.label(col)
    label_zh = ctx.label(col, "zh")
    problems = _cell_problems(ctx, col, s, percent, "not_a_number",
                              Note(f"{label} is a percentage, but {col} expects a plain number",
                                   f"{label_zh}是百分数，但 {col} 应为普通数字"),
                              Note("write the number without %: a rate KPI's target as a fraction (80% as 0.8), "
                                   "any other target as the plain number", "去掉 % 写数字：比率类指标（如接通率）的目标写小数，"
                                   "80% 写 0.8；其他指标的目标写普通数字") if ctx.table == "targets" else
                              Note("write the number without % (e.g. 0.15 or 15, as the column means)",
                                   "去掉 % 写数字（如 0.15 或 15，视该列的含义而定）"))
    hint = Note(" or a duration such as 0:02:23 or 2分30秒", "，也不是 0:02:23 或 2分30秒 这样的时长") if duration \
        else Note("", "")
    wrong = bad & ~percent
    commas = _number_cores(_texts(s[wrong])) if wrong.any() else pd.Series([], dtype=str)
    comma = (commas.str.fullmatch(_COMMA_NUMBER) & commas.str.contains(",", regex=False)).any()
    problems += _cell_problems(ctx, col, s, wrong, "not_a_number",
                               Note(f"{label} is not a number{hint}", f"{label_zh}不是数字{hint.zh}"),
                               _COMMA_FIX if comma else _NUMBER_FIX)
    problems += mixed
    given = out.dropna()
    over = given[given > 1] if info is not None and col in SHARES else given.iloc[:0]
    if len(over):  # a share above 100 %: a count (接通量 for 接通率) or a percentage without its sign
        percents = given.between(1, 100, inclusive="right").all()
        problems += _cell_problems(
            ctx, col, s, s.index.isin(over.index),
            "share_above_one", Note(f"{label} is a share of at most 1 (100 %), but this is above it",
                                    f"{label_zh}是比率，最大为 1（100%），但此值大于 1"),
            Note("write the percentages as 0.45 or 45%" if percents else
                 "map this column to the count it holds, not to the rate (a count of connected calls is "
                 "data.columns.kpi_sheet: {<header>: connected}); write a rate as 0.45 or 45%",
                 "把百分数写成 0.45 或 45%" if percents else
                 "这一列是数量而不是比率时，请映射到对应的数量列（如接通量：data.columns.kpi_sheet: {<表头>: connected}），"
                 "不要映射到比率；比率写成 0.45 或 45%"))
    elif info is not None and info.unit == "ratio" and len(given) and given.between(1, 100, inclusive="right").all():
        # every rate above 1: probably percentages without their % sign (45 for 45 %)
        problems.append(ctx.problem(
            "rate_as_percent", f"every value of {label} is above 1 (from {given.min():.4g} to "
            f"{given.max():.4g}), but {col} is a share: 45 would be read as 4,500 %", column=col,
            severity="warning", zh=f"{label} 的值都大于 1（{given.min():.4g} 至 {given.max():.4g}），"
            f"但 {col} 是比率：45 会被当作 4,500%",
            fix=Note("if the values are percentages, write them as 0.45 or 45%",
                     "如果这些值是百分数，写成 0.45 或 45%")))
    return out, problems


def _parse_booleans(ctx: _Ctx, col: str, s: pd.Series) -> tuple[pd.Series, list[Problem]]:
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean") if s.isna().any() else s.astype(bool), []
    lookup = {normalise(k): v for k, v in BOOLEAN_VALUES.items()}
    extra = VALUE_ALIASES.get(ctx.table, {}).get(col, {})
    lookup.update({normalise(k): v for k, v in extra.items()})
    miss, texts, others = _split_types(s)
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    if len(texts):
        out[texts.index] = _normalised(texts).map(lookup).astype("boolean")
    if len(others):
        def of(v: Any) -> Any:
            if isinstance(v, (bool, np.bool_)):
                return bool(v)
            return lookup.get(normalise(_cell_text(v)), pd.NA)
        out[others.index] = others.map(of).astype("boolean")
    bad = ~miss & out.isna()
    problems = _cell_problems(
        ctx, col, s, bad, "not_a_boolean",
        Note(f"{ctx.label(col)} is not a yes/no value", f"{ctx.label(col, 'zh')}不是“是/否”值"),
        Note(f"write 是/否, Y/N, yes/no, true/false or 1/0, or recode the export's values with "
             f"data.values.{ctx.table}.{col}: {{<value>: true}}",
             f"写 是/否、Y/N、yes/no、true/false 或 1/0，或用 data.values.{ctx.table}.{col}: {{<导出的值>: true}} "
             "转换导出的值"))
    return (out.astype(bool) if not out.isna().any() else out), problems


def _period_text(v: str) -> str | None:
    """The period ``v`` names, as ``2026-10``, ``2026-Q3`` or ``2026`` (see :mod:`.periods`)."""
    period = read_period(v)
    return None if period is None else str(period)


def _parse_periods(ctx: _Ctx, col: str, s: pd.Series) -> tuple[pd.Series, list[Problem]]:
    texts = _texts(s)
    uniques = texts.dropna().unique()
    out = texts.map({u: _period_text(u) for u in uniques}).astype("str")
    bad = texts.notna() & out.isna()
    problems = _cell_problems(ctx, col, s, bad, "not_a_period",
                              Note(f"{ctx.label(col)} is not a period", f"{ctx.label(col, 'zh')}不是期间"),
                              Note("write a month like 2026-10, a quarter like 2026-Q3 or a year like 2026",
                                   "月份写成 2026-10，季度写成 2026-Q3，年份写成 2026"))
    return out, problems


def _parse_texts(ctx: _Ctx, col: str, s: pd.Series) -> pd.Series:
    text = _texts(s)
    lookup = {}
    allowed = _allowed_values(ctx.table, col)
    if allowed:
        lookup.update({normalise(a): a for a in allowed})
    aliases = VALUE_ALIASES.get(ctx.table, {}).get(col)
    if aliases:
        lookup.update({normalise(k): v for k, v in aliases.items()})
    if lookup:
        key = _normalised(text)
        hit = key.isin(lookup.keys())
        if hit.any():
            text = text.astype(object)
            text[hit] = key[hit].map(lookup)
            text = text.astype("str")
    return text


# --- pandera --------------------------------------------------------------------------

_BOUND = re.compile(r"^(greater_than_or_equal_to|less_than_or_equal_to|greater_than|less_than)"
                    r"\((.*)\)$")
_BOUND_WORDS = {"greater_than_or_equal_to": ("below the minimum", "at least"),
                "less_than_or_equal_to": ("above the maximum", "at most"),
                "greater_than": ("not above", "above"), "less_than": ("not below", "below")}
_BOUND_WORDS_ZH = {"greater_than_or_equal_to": ("低于最小值", "不小于"),
                   "less_than_or_equal_to": ("高于最大值", "不大于"),
                   "greater_than": ("不大于", "大于"), "less_than": ("不小于", "小于")}


def _validate(ctx: _Ctx, model: type[pa.DataFrameModel], df: pd.DataFrame, raw: pd.DataFrame,
              bad_cells: set[tuple[str, int]], run: _Run) -> None:
    """Run the pandera model; one Problem per failing cell (cells already reported skipped)."""
    try:
        model.validate(df, lazy=True)
        return
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    cases = cases[cases["check"].astype(str) != "column_in_dataframe"]
    table = ctx.table
    key_rows: dict[tuple[str, str], list[int]] = {}
    uniq = cases[cases["check"].astype(str) == "field_uniqueness"]
    for col, value, index in zip(uniq["column"], uniq["failure_case"], uniq["index"]):
        key_rows.setdefault((col, str(value)), []).append(ctx.row(index))
    seen: set[tuple[str, Any]] = set()
    whole_column: list[Problem] = []
    for col, check, value, index in zip(cases["column"], cases["check"].astype(str),
                                        cases["failure_case"], cases["index"]):
        if index is None or pd.isna(index):
            whole_column.append(ctx.problem(
                check, f"{ctx.label(col)} has values of type {value}, but the contract expects "
                f"{check}", column=col, fix=Note("correct the column's values", "改正该列的值"),
                zh=f"{ctx.label(col, 'zh')}的值类型为 {value}，但数据规范要求 {check}"))
            continue
        index = int(index)
        row = ctx.row(index)
        if (col, row) in bad_cells or (col, row) in seen:
            continue
        if check == "field_uniqueness":  # a duplicated id once, at its first row naming the others
            rows = key_rows.get((col, str(value)), [row])
            if row != min(rows):
                continue
        seen.add((col, row))
        shown = _cell_text(raw.at[index, col]) if col in raw.columns else _cell_text(value)
        label, label_zh = ctx.label(col), ctx.label(col, "zh")
        what = TABLES[table].zh
        bound = _BOUND.match(check)
        if check == "not_nullable":
            message = Note(f"{label} is empty, but {col} needs a value", f"{label_zh}为空，但 {col} 必须有值")
            plain = col.endswith("_id") or col in TABLES[table].dates
            constant = "" if plain else f", or give empty cells a constant with data.defaults.{table}.{col}"
            constant_zh = "" if plain else f"，或用 data.defaults.{table}.{col} 给空单元格一个固定值"
            fix = Note(f"fill in the cell{constant}; if such rows are not {table} to count, leave "
                       f"them out with data.filters.{table}",
                       f"填写该单元格{constant_zh}；如果这些行不应计入「{what}」，用 data.filters.{table} 排除")
        elif check.startswith("dtype("):
            message = Note(f"{label} is not of type {check[6:-1]}", f"{label_zh}的类型不是 {check[6:-1]}")
            fix = Note("correct the value", "改正该值")
        elif bound:
            name, limit = bound.groups()
            below, must = _BOUND_WORDS[name]
            below_zh, must_zh = _BOUND_WORDS_ZH[name]
            message = Note(f"{label} is {below} {limit}", f"{label_zh}{below_zh} {limit}")
            fix = Note(f"correct the value: {col} must be {must} {limit}", f"改正该值：{col} 必须{must_zh} {limit}")
            if table == "orders" and col in ("amount", "paid_amount") and name.startswith("greater"):
                fix = Note(fix + "; a refund is the order itself with status refunded (已退款) and the amount "
                           "it was sold for, not a negative amount: write the amount without its minus sign "
                           "or brackets, or leave separate refund lines out with data.filters.orders",
                           fix.zh + "；退款是订单本身，状态为已退款（refunded），金额为售出时的金额，而不是负数金额："
                           "去掉金额的负号或括号，或用 data.filters.orders 排除单独的退款行")
        elif check.startswith("isin(") and (table, col) == ("targets", "kpi"):
            # a KPI is named by its key or either label (aliases): suggest the nearest of
            # them, not the catalogue's 64 keys on every row
            names = [n for k, info in CATALOGUE.items() for n in (k, info.zh, info.en)]
            meant = did_you_mean(shown, names)
            message = Note(f"{label} is not a KPI of the catalogue", f"{label_zh}不是指标目录中的指标")
            fix = Note(f"{meant.strip()} Write the KPI's label (销售额, Revenue) or its name (revenue), as the "
                       "README's KPIs section lists them".lstrip(),
                       f"{meant.zh}写指标的中文名（如 销售额）或键（如 revenue），见 README 的 KPIs 一节")
        elif check.startswith("isin("):
            allowed = ", ".join(_allowed_values(table, col) or ())
            message = Note(f"{label} is not an allowed value: expected one of {allowed}",
                           f"{label_zh}不是允许的值：应为 {allowed} 之一")
            fix = Note(f"write one of them, or recode the export's value in the parameter file "
                       f"with data.values.{table}.{col}: {{{shown!r}: <one of them>}}",
                       f"写其中之一，或在参数文件中用 data.values.{table}.{col}: {{{shown!r}: <其中之一>}} "
                       "转换导出的值")
            if (table, col) == ("orders", "status"):
                fix = Note(fix + _OPEN_ORDERS, fix.zh + _OPEN_ORDERS.zh)
        elif check == "field_uniqueness":
            rows = [r for r in key_rows.get((col, str(value)), []) if r != row]
            others = ", ".join(str(r) for r in rows[:10]) + (", ..." if len(rows) > 10 else "")
            others_zh = "、".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
            message = Note(f"{label} must be unique, but this value is also in row(s) {others}",
                           f"{label_zh}必须唯一，但该值也出现在第 {others_zh} 行")
            rounded = str(value).isdigit() and len(str(value)) > 15 and _excel_rounded(str(value))
            lines = _LINES.get(table, ("",))[0] == col
            fix = Note(f"keep one row per {col}, or correct the duplicated id" + (
                "; the id looks rounded by Excel (15 significant digits), so different records may now share "
                "it: export the column again as text, not with data.lines" if rounded else
                f"; if the export has one row per line (e.g. per product), add data.lines: [{table}]"
                if lines else ""),
                f"每个 {col} 只保留一行，或改正重复的编号" + (
                "；该编号看起来已被 Excel 四舍五入（15 位有效数字），不同记录现在可能共用它：把该列重新导出为文本，"
                "不要用 data.lines" if rounded else
                f"；如果导出文件每行是一条明细（如每个商品一行），添加 data.lines: [{table}]" if lines else ""))
        elif check.startswith("str_length"):
            message = Note(f"{label} is empty text", f"{label_zh}是空文本")
            fix = Note("fill in the cell", "填写该单元格")
        else:
            message = Note(f"{label} fails the check {check}", f"{label_zh}未通过检查 {check}")
            fix = Note("correct the value", "改正该值")
        run.add(ctx.problem(check, message, column=col, index=index, value=shown, fix=fix))
    cells_of = {col for col, _ in seen}
    for p in whole_column:  # a type failure already explained by its cells is not repeated
        if p.column not in cells_of:
            run.add(p)


# --- lazy Parquet and the period ------------------------------------------------------

def _arrow_kind(t) -> str:
    import pyarrow as pyarrow_

    types = pyarrow_.types
    if types.is_dictionary(t):
        t = t.value_type
    if types.is_timestamp(t) or types.is_date(t):
        return "date"
    if types.is_integer(t) or types.is_floating(t) or types.is_decimal(t):
        return "number"
    if types.is_boolean(t):
        return "boolean"
    if types.is_string(t) or types.is_large_string(t) or getattr(types, "is_string_view",
                                                                  lambda _: False)(t):
        return "text"
    return str(t)


#: the kinds of :func:`_arrow_kind` as a Chinese message names them
_KIND_ZH = {"date": "日期", "number": "数字", "boolean": "是/否值", "text": "文本"}


def _check_lazy_parquet(src: _Source, m: dict, run: _Run) -> None:
    """Lazy mode: check the Parquet schema only and leave the table on disk."""
    import pyarrow.parquet as pq

    table = src.table
    spec = TABLES[table]
    ctx = _Ctx(table, src.display, None, 0)
    try:
        pf = pq.ParquetFile(src.path)
    except Exception as err:  # not parquet, corrupt
        run.error(table, "unreadable_file", _unread_parquet(err), file=src.display, fix=_WRITE_PARQUET)
        return
    schema = pf.schema_arrow
    names = list(schema.names)
    fix_lazy = Note("lazy mode reads Parquet columns by their contract names: rename the column in "
                    "the file, or load with lazy=False",
                    "按需读取（lazy）模式按标准列名读取 Parquet 的列：在文件中把该列改名，或用 lazy=False 载入")
    for section in ("columns", "values", "defaults", "filters"):
        if m[section].get(table):
            run.add(ctx.problem("lazy_mapping", Note(f"data.{section}.{table} cannot be applied to a "
                                                     f"Parquet table left on disk (lazy mode)",
                                                     f"data.{section}.{table} 无法用于留在磁盘上按需读取（lazy 模式）"
                                                     f"的 Parquet 表"),
                                fix=Note("apply it when writing the Parquet file, or load with lazy=False",
                                         "在写出 Parquet 文件时就应用它，或用 lazy=False 载入")))
    for col in spec.required:
        if col not in names:
            run.add(ctx.problem("column_missing", Note(f"required column '{col}' not found; columns "
                                                       f"found: {', '.join(names)}",
                                                       f"找不到必需的列「{col}」；文件中的列：{_quoted_zh(names)}"),
                                column=col, fix=_with_hint(fix_lazy, col, names)))
    expected = {**{c: "date" for c in spec.dates}, **{c: "number" for c in spec.numbers},
                **{c: "boolean" for c in spec.booleans}, **{c: "text" for c in spec.texts}}
    for col, want in expected.items():
        if col in names:
            got = _arrow_kind(schema.field(col).type)
            if got != want:
                run.add(ctx.problem("column_type", Note(f"column '{col}' holds {got} values in the "
                                                        f"Parquet file, but the contract expects {want}",
                                                        f"Parquet 文件中的「{col}」列是{_KIND_ZH.get(got, got)}，"
                                                        f"但数据规范要求{_KIND_ZH[want]}"),
                                    column=col, value=str(schema.field(col).type),
                                    fix=Note(f"write {col} as {want} in the Parquet file, or load "
                                             f"with lazy=False so that the kit parses it",
                                             f"在 Parquet 文件中把 {col} 写成{_KIND_ZH[want]}，"
                                             f"或用 lazy=False 载入，由本工具解析")))
    if table == "orders":
        _lazy_refunded_after_completion(ctx, src.path, names, run)
    run.dataset.lazy[table] = src.path
    run.dataset.sources[table] = SourceInfo(str(src.path), None, 0)
    run.rows[table] = pf.metadata.num_rows


def _warn_after_period(period: Period, run: _Run) -> None:
    for table, col in _EVENT_DATES.items():
        df = run.dataset.tables.get(table)
        if df is None or col not in df.columns:
            continue
        later = df[col] >= period.end
        n = int(later.sum())
        if n:
            ctx = run.ctxs[table]
            run.add(ctx.problem(
                "after_period", f"{n:,} row(s) dated after {period} ({ctx.label(col)} up to "
                f"{df.loc[later, col].max():%Y-%m-%d}): kept for history/later periods; not "
                f"counted in {period}", column=col, severity="warning",
                zh=f"{n:,} 行日期晚于 {period}（「{ctx.headers.get(col, col)}」最晚 "
                   f"{df.loc[later, col].max():%Y-%m-%d}）："
                   f"保留用于历史和以后的期间，不计入 {period}",
                fix=Note("nothing to do if the export runs past the period", "导出文件超出本期间时无需处理")))


def load_data(path, *, business: str | None = None, mapping: dict | None = None, period=None,
              lazy: bool = False) -> Dataset:
    """The one entry point of notebooks and commands: ``"demo"`` (or an empty path) gives the
    embedded demo data of ``business``, generated in memory; anything else is
    :func:`load_dataset` with the parameter file's ``data:`` mapping."""
    if str(path) in ("", "demo"):
        from ._checks import check_one_of
        from .catalogue import BUSINESSES
        from .sample import make_sample

        check_one_of("business", business, BUSINESSES)
        return Dataset(tables=make_sample(business), sources={})
    return load_dataset(path, mapping=mapping or None, period=period, lazy=lazy)


def load_plan_data(params, data: str | None = None, *, period=None, lazy: bool = False) -> Dataset:
    """The data a plan runs on (``data``, else its ``data.path``, else the demo data for a
    shipped plan: :meth:`~salesperf_kit.params.Params.data_source`), read with its mapping."""
    try:
        source = params.data_source(data)
        return load_data(source, business=params.business, mapping=params.data_mapping(source),
                         period=period, lazy=lazy)
    except DataContractError as err:  # a finding at a key of the file names its line, as validate does
        raise DataContractError(_where_written(params, err.problems), _where_written(params, err.warnings)) from None
    except SalesperfError as err:
        raise _at_its_line(params, err) from None


def _at_its_line(params, err: SalesperfError) -> SalesperfError:
    """``err``, a malformed key of the plan's ``data:`` section (``err.key``), with the file
    and line the plan writes it on (``data.columns.kpi_sheet.接通量 (acme.yaml, line 7)``)."""
    at = params.written_at(err.key) if getattr(err, "key", None) else None
    note = err.args[0] if err.args else None
    if at is None or not isinstance(note, Note):
        return err
    file, _, line = at.rpartition(", line ")
    return SalesperfError(Note(note.replace(err.key, f"{err.key} ({at})", 1),
                               note.zh.replace(err.key, f"{err.key}（{file} 第 {line} 行）", 1)))


def tables_and_lazy(dataset) -> tuple[dict[str, pd.DataFrame], dict[str, Path]]:
    """The tables of a :class:`Dataset` (or a plain dict of DataFrames) in memory, and the
    Parquet files of those left on disk (``lazy=True``), without reading them."""
    if isinstance(dataset, dict):
        return {k: v for k, v in dataset.items() if v is not None}, {}
    return dict(dataset.tables), dict(getattr(dataset, "lazy", {}) or {})


def tables_of(dataset, *, read: "tuple[str, ...] | None" = None) -> dict[str, pd.DataFrame]:
    """The tables of a :class:`Dataset` (or of a plain dict of DataFrames) as DataFrames.

    Parquet tables left on disk (``lazy=True``) are read into pandas as well: all of them,
    or only those named in ``read`` (use that for big data: e.g. just targets and reviews).
    """
    if isinstance(dataset, dict):
        return {k: v for k, v in dataset.items() if v is not None}
    out = dict(getattr(dataset, "tables", {}) or {})
    for name, path in (getattr(dataset, "lazy", {}) or {}).items():
        if name not in out and (read is None or name in read):
            out[name] = pd.read_parquet(path)
    return out
