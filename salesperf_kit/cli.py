"""The ``salesperf`` command: a thin layer over the library; each command makes one call.

Errors from bad data or parameters print a clear message and exit 1, never a traceback.
Ctrl-C and SIGTERM stop a command cleanly (a report being run is abandoned, nothing of it
written) with a message and the exit code 128 + the signal's number (130 for Ctrl-C).
"""
from __future__ import annotations

import logging
import shlex
import signal
import sys
import threading
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import click

from ._imports import skip_iri_grammar
from .catalogue import BUSINESSES, CATALOGUE
from .exceptions import DataContractError, Interrupted, ParamsError, SalesperfError, file_error

__all__ = ["main"]

BUSINESS = click.Choice(BUSINESSES)
DATA_HELP = ("Data folder or workbook, or 'demo'. Default: the parameter file's data.path; "
             "the demo data for a shipped plan.")


def _friendly(func):
    """Turn the kit's own errors into a message and exit code 1, and an interruption
    (Ctrl-C, or SIGTERM: see :func:`_terminate_as_interrupt`) into a message and exit code
    128 + the signal's number."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with _terminate_as_interrupt():
                return func(*args, **kwargs)
        except DataContractError as err:  # in the plan's language, as validate says it
            language = kwargs.get("language") or _plan_language(kwargs.get("params_file"))
            click.echo(_contract_text(err, language), err=True)
            sys.exit(1)
        except ParamsError as err:  # said in the plan's language: its key paths and lines, its fixes
            language = kwargs.get("language") or _plan_language(kwargs.get("params_file") or err.file)
            zh = language == "zh" and err.has_zh()
            click.echo(f"{'错误：' if zh else 'Error: '}{err.text(language)}", err=True)
            sys.exit(1)
        except SalesperfError as err:  # a message with a Chinese text: in the plan's language (explain's: its own)
            note = err.args[0] if err.args else ""
            zh = getattr(note, "zh", "") and (
                getattr(err, "language", None) == "zh"
                or (kwargs.get("language") or _plan_language(kwargs.get("params_file") or kwargs.get("business"))) == "zh")
            click.echo(f"错误：{note.zh}" if zh else f"Error: {err}", err=True)
            sys.exit(1)
        except OSError as err:  # a permission or a full disk: said as the kit's own errors are
            click.echo(f"Error: {file_error(err)}", err=True)
            sys.exit(1)
        except KeyboardInterrupt as err:
            stop = err if isinstance(err, Interrupted) else Interrupted(str(err))
            click.echo(f"Interrupted: {stop}" if str(stop) else f"Interrupted ({stop.signal_name}).", err=True)
            sys.exit(128 + stop.signum)

    return wrapper


def _contract_text(err: DataContractError, language: str) -> str:
    """The data's errors: :meth:`DataContractError.report`, or in Chinese the lines of
    ``salesperf validate`` under the file each is in."""
    if language != "zh":
        return err.report()
    from .loaders import _grouped_lines

    files = list(dict.fromkeys(p.file for p in err.problems))
    lines = [f"数据有 {len(err.problems):,} 处不符合数据约定："]
    for file in files:
        lines.append(f"  {file or '总体'}")
        lines += _grouped_lines([p for p in err.problems if p.file == file], 5, "zh")
    return "\n".join(lines)


def _plan_language(plan) -> str:
    """The language of the plan at ``plan`` (a path, or None), read from its YAML without
    validating it, so that what is wrong with it is said in its language: English when
    there is no plan or its YAML cannot be read."""
    from .params import language_of

    return language_of(plan) if plan else "en"


@contextmanager
def _terminate_as_interrupt():
    """SIGTERM (kill, a cron daemon or systemd stopping the job) stops the command the way
    Ctrl-C does, as :class:`Interrupted`, instead of ending the process on the spot: a
    report being run is abandoned cleanly (kernel shut down, staging folder removed) and
    the worker processes of a batch are stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise Interrupted(signum=signum)

    saved = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if saved is None else saved)


#: how a notice and a warning of a command begin, in the language of its output
_SAYS = {"notice": {"en": "Notice: ", "zh": "提示："}, "warning": {"en": "Warning: ", "zh": "注意："}}


def _text(note, language: str) -> str:
    """``note`` in ``language``: its Chinese text for a note that has one (a
    :class:`~salesperf_kit.catalogue.Note`), else the text itself."""
    return note.text(language) if hasattr(note, "text") else str(note)


def _say(kind: str, note, language: str = "en") -> None:
    """``note`` on stderr as a plain sentence in ``language``, after "Notice: " or "Warning: "
    in that language: a note with a Chinese text (a KPI notice, a payout notice) says that."""
    click.echo(f"{_SAYS[kind].get(language, _SAYS[kind]['en'])}{_text(note, language)}", err=True)


class _KitWarnings(logging.Handler):
    """The warnings the library logs while a command runs, kept to be said as plain
    sentences in the output's ``language`` (set by the command once it has read its plan);
    records below WARNING (the progress of --verbose) go on to the root handlers as before."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []
        self.language = "en"

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.records.append(record)
        else:
            logging.getLogger().handle(record)

    def say(self) -> None:
        said = set()  # once each: a quarter's pay logs each month's notices
        for record in self.records:
            note = record.msg if hasattr(record.msg, "text") and not record.args else record.getMessage()
            if str(note) not in said:
                said.add(str(note))
                _say("warning", note, self.language)


@contextmanager
def _warnings_said():
    """Say the library's warnings as :func:`_say` does, once the block is done, instead of
    as log records ("WARNING Team champion award left unpaid ...") in English amid output
    in Chinese."""
    kit, said = logging.getLogger("salesperf_kit"), _KitWarnings()
    propagate, kit.propagate = kit.propagate, False
    kit.addHandler(said)
    try:
        yield said
    finally:
        kit.removeHandler(said)
        kit.propagate = propagate
        said.say()


def _params(business: str, params_file: str | None):
    """The plan for ``business``: ``params_file``, which must be a plan for that business
    type (a telesales plan scored as online would weigh KPIs the data were not read for),
    else the shipped plan."""
    from .params import load_params

    return load_params(params_file or business).for_business(business)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="salesperf")
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr, with the time (each report's start and "
                                                   "end).")
def main(verbose: bool) -> None:
    """salesperf: sales performance scorecards, incentives, targets and reports."""
    from .report import VERBOSE_FORMAT

    skip_iri_grammar()
    logging.basicConfig(level=logging.WARNING, format=VERBOSE_FORMAT if verbose else "%(levelname)s %(message)s")
    # the kit's progress only: Papermill's and Jupyter's INFO lines would bury it
    logging.getLogger("salesperf_kit").setLevel(logging.INFO if verbose else logging.NOTSET)


@main.command()
@click.argument("data", required=False)
@click.option("--params", "params_file", type=click.Path(exists=True), help="Parameter file (its data: mapping is used).")
@click.option("--params-dir", type=click.Path(exists=True, file_okay=False),
              help="Check every plan that 'run-all --params-dir DIR' would run, each against its own data.path "
                   "(instead of DATA and --params).")
@click.option("--period", help="Report period, to flag rows after its end (e.g. 2026-10; with --params-dir, "
                               "'previous' = the last complete month, as run-all reads it).")
@click.option("--language", type=click.Choice(["zh", "en"]),
              help="The findings, their fixes and the summary in this language (default: the parameter file's "
                   "report.language or language; English without --params; with --params-dir, each plan's).")
@_friendly
def validate(data, params_file, params_dir, period, language):
    """Check DATA (a folder or a workbook, or 'demo' with --params) against the data
    contract; with --params, read it with the plan's data: mapping and check the employees'
    roles against its weights, as scoring does. Without DATA, the plan's data.path is checked.
    With --params-dir, every plan that run-all would run is checked against its own data."""
    import tempfile

    from .catalogue import BUSINESS_LABELS
    from .loaders import validate_dataset
    from .params import load_params
    from .sample import write_sample

    if params_dir is not None:
        if data is not None or params_file is not None:
            raise click.UsageError("--params-dir checks each plan of the folder against its own data.path: "
                                   "give either --params-dir DIR, or DATA and/or --params FILE, not both.")
        sys.exit(_validate_batch(params_dir, period, language))
    params = load_params(params_file) if params_file else None
    zh = (language or (params.report_language if params is not None else "en")) == "zh"
    if data is None:
        if params is None or not params.data.path or params.data.path == "demo":
            raise click.UsageError("which data? Pass DATA (a folder or workbook of exports), or --params FILE "
                                   "whose data.path names them.")
        data = params.data_source()  # (a data.path that names nothing is an error at its key and line)
        click.echo(f"数据：{data}（{params_file} 的 data.path）" if zh else f"Data: {data} (data.path of {params_file})")
    if data == "demo":  # the embedded demo data: how a plan reads them
        if params is None:
            raise click.UsageError("'demo' is the embedded demo data of a business type: pass --params FILE, "
                                   "whose business says which.")
        with tempfile.TemporaryDirectory() as folder:
            write_sample(params.business, folder)
            click.echo(f"数据：{BUSINESS_LABELS[params.business]['zh']}的内置演示数据" if zh else
                       f"Data: the embedded demo data of {params.business}")
            report = validate_dataset(folder, params=params, period=period)
    else:
        if not Path(data).exists():
            raise click.BadParameter(f"'{data}' does not exist: give a folder or workbook of the client's exports, "
                                     "or 'demo' (with --params) for the embedded demo data.", param_hint="DATA")
        sheets = params.sheets_for_files(data) if params is not None else {}
        if sheets:  # the plan's files are those of its folder: the workbook named is what is read
            by_sheet: dict[str, list[str]] = {}
            for table, sheet in sheets.items():
                by_sheet.setdefault(sheet, []).append(table)
            if zh:
                click.echo(f"数据：{data}；data.files 在 data.path 文件夹中指定的文件改从该工作簿的工作表读取："
                           + "；".join(f"{'、'.join(tables)} 读自工作表「{sheet}」" for sheet, tables in by_sheet.items()))
            else:
                click.echo(f"Data: {data}; the files that data.files names in the folder of data.path are read from "
                           "the workbook's sheets: " + "; ".join(f"{', '.join(tables)} from sheet '{sheet}'"
                                                                 for sheet, tables in by_sheet.items()))
        report = validate_dataset(data, params=params, period=period)
    click.echo(report.text(language="zh" if zh else "en"))
    sys.exit(0 if report.ok else 1)


def _validate_batch(params_dir, period, language) -> int:
    """``validate --params-dir``: a block per plan (its file and client, then what was
    found), in the plan's language as ``validate --params`` speaks it (``--language``
    overrides it); a summary line, in ``--language`` or else the plans' language when they
    all have the same (English otherwise); the exit code, 1 when any plan has an error."""
    from .catalogue import BUSINESS_LABELS
    from .report import validate_batch

    checks = validate_batch(params_dir, period, language)
    for check in checks:
        zh = (language or check.language) == "zh"
        business = BUSINESS_LABELS.get(check.business, {}).get("zh", check.business)
        click.echo(f"== {check.file}（{business}，客户：{check.client}）" if zh else
                   f"== {check.file} ({check.business}, client {check.client})")
        if check.error:
            click.echo(f"未通过：{check.error}" if zh else f"NOT OK: {check.error}")
        else:
            click.echo((f"数据：{check.data}" if zh else f"Data: {check.data}") if check.data != "demo" else
                       f"数据：{business}的内置演示数据" if zh else f"Data: the embedded demo data of {check.business}")
            click.echo(check.report.text(language="zh" if zh else "en"))
        click.echo("")
    bad = sum(not c.ok for c in checks)
    warned = sum(c.ok and bool(c.report.warnings) for c in checks)
    languages = {c.language for c in checks}
    period = checks[0].period if checks else None
    if (language or (languages.pop() if len(languages) == 1 else "en")) == "zh":
        click.echo(f"已检查 {len(checks)} 个方案{f'（{period}）' if period else ''}：{len(checks) - bad} 个通过，"
                   f"{bad} 个有错误" + (f"（其中 {warned} 个通过但有警告）" if warned else "")
                   + ("。请在 run-all 运行之前修正上面的方案或导出数据。" if bad else "。"))
    else:
        click.echo(f"{len(checks)} plan(s) checked{f' for {period}' if period else ''}: "
                   f"{len(checks) - bad} OK, {bad} with errors" + (f" ({warned} OK with warnings)" if warned else "")
                   + (". Fix the plans or exports above before run-all runs them." if bad else "."))
    return 1 if bad else 0


@main.command()
@click.argument("business", type=BUSINESS)
@click.option("--out", required=True, type=click.Path(), help="Folder to write the tables into.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--scale", default=1.0, show_default=True, type=float, help="Multiply the number of employees.")
@click.option("--volume", multiple=True, metavar="TABLE=N", help="Rows per employee per month, e.g. orders=210.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@_friendly
def sample(business, out, seed, scale, volume, fmt):
    """Write the demo dataset of BUSINESS."""
    from .sample import write_sample

    volumes = {}
    for v in volume:
        key, _, num = v.partition("=")
        try:
            volumes[key] = float(num)
        except ValueError:
            raise SalesperfError(f"--volume expects TABLE=N (e.g. orders=210), got '{v}'") from None
    paths = write_sample(business, out, seed=seed, scale=scale, volumes=volumes or None, fmt=fmt)
    click.echo(f"Wrote {len(paths)} {'file' if len(paths) == 1 else 'files'} to {out}")


def _load(data, params, period, lazy=False):
    from .loaders import load_plan_data

    return load_plan_data(params, data, period=period, lazy=lazy)


@main.command()
@click.argument("business", type=BUSINESS)
@click.option("--data", help=DATA_HELP)
@click.option("--period", required=True, help="2026-10, 2026-Q3 or 2026.")
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(), help="Output file: .csv, .xlsx or .parquet.")
@click.option("--language", type=click.Choice(["zh", "en"]),
              help="Head the columns with the KPIs' names and name the roles in this language (and say the "
                   "notices in it). Default: the KPI keys (revenue, orders, ...) and role keys, for scripts.")
@_friendly
def kpis(business, data, period, params_file, out, language):
    """Compute KPIs per employee for one period."""
    from .coverage import require_records
    from .export import write_table
    from .kpis import DEFAULT_SETS, compute_kpis

    with _warnings_said() as said:
        params = _params(business, params_file)
        said.language = language or params.report_language
        data = params.data_source(data)
        dataset = _load(data, params, period, lazy=str(data).endswith(".parquet") or _has_parquet(data))
        require_records(dataset, period, what="the KPI table")
        options = params.engine_options
        # the plan's weighted KPIs too, as score and the report compute them (fcr_rate weighed in
        # a telesales plan is not in the business type's default set)
        wanted = list(dict.fromkeys([*DEFAULT_SETS[business], *params.kpi_set()]))
        result = compute_kpis(dataset, period, kpis=wanted, options=options, required=params.kpis)
    for note in result.notices:
        _say("notice", note, said.language)
    table = result.wide
    if language and "role" in table:  # (a Parquet file keeps the keys: it is for programs)
        table = table.assign(role=table["role"].map(lambda r: params.role_label(r, language) if isinstance(r, str) else r))
    # (a labelled workbook names its sheet and its money, 销售额（元）, in its language)
    sheet = {"zh": "指标", "en": "KPIs"}.get(language, "kpis")
    write_table(table, out, labels=bool(language), language=language or "zh", sheet=sheet,
                currency=params.currency(language) if language else None)
    click.echo(f"Wrote {len(result.wide)} {'row' if len(result.wide) == 1 else 'rows'} x {len(result.kpis)} "
               f"{'KPI' if len(result.kpis) == 1 else 'KPIs'} to {out}")


def _has_parquet(data) -> bool:
    p = Path(data)
    return p.is_dir() and any(p.glob("*.parquet"))


@main.command()
@click.argument("business", type=BUSINESS)
@click.option("--data", help=DATA_HELP)
@click.option("--period", required=True)
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(), help="Output file: .csv or .xlsx.")
@click.option("--language", type=click.Choice(["zh", "en"]),
              help="Headers, roles, grade labels and notes in this language (default: the parameter file's "
                   "report.language or language).")
@_friendly
def score(business, data, period, params_file, out, language):
    """Write the scorecard: scores, ranks, grades, KPI points and payouts."""
    from .reporting import build_report

    # the payout notices (pay pro-rated, an award left unpaid) are said below in the plan's
    # language, not logged in English as well
    pay_log = logging.getLogger("salesperf_kit.incentives")
    quiet, pay_log.disabled = pay_log.disabled, True
    plan = params_file or str(_default_params(business))
    try:
        with _warnings_said() as said:
            said.language = language or _params(business, plan).report_language
            report = build_report(business=business, params_file=plan, data_path=data or "", period=period,
                                  language=language or "")
    finally:
        pay_log.disabled = quiet
    table = report.scorecard_table()
    report.write_scorecard(out, table)
    # KPIs left out, people not in post, how the plan was applied, what the payouts say
    # (the KPIs left out that the plan does not use: one line, not a dozen)
    kpi_notes = set(map(str, report.kpis.notices))
    plan_notes = [n for n in report.scorecard.notes if str(n) not in kpi_notes]
    for note in [*report.kpis.notices_for(report.params.kpi_set()), *plan_notes,
                 *report.payouts.attrs.get("notices", [])]:
        _say("notice", note, report.language)
    if "months" in report.payouts.attrs:  # a quarter's or a year's pay: the sum of its months'
        _say("notice", report.pay_by_month_sentence(), report.language)
        _say("notice", report.pay_period_advice(), report.language)
    for line in report.unscored_lines():  # a scorecard of empty scores is not a plain success
        _say("warning", line, report.language)
    click.echo(f"Wrote the scorecard of {len(table)} {'person' if len(table) == 1 else 'people'} to {out}")


@main.command()
@click.argument("business", type=BUSINESS)
@click.argument("employee_id")
@click.option("--data", help=DATA_HELP)
@click.option("--period", required=True)
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--language", type=click.Choice(["zh", "en"]), help="Default: the parameter file's language.")
@_friendly
def explain(business, employee_id, data, period, params_file, language):
    """Explain one person's score step by step ("why is my score 78?"); EMPLOYEE_ID may
    also be the person's name."""
    from .scoring import pays_by_month, period_payouts, scorecard

    with _warnings_said() as said:  # (a pay award left unpaid, said after the explanation, in its language)
        params = _params(business, params_file)
        said.language = language or params.report_language
        dataset = _load(data, params, period)
        card = scorecard(dataset, params, period)
        if pays_by_month(params, card.period):  # a quarter's or a year's pay: the sum of its months'
            card.pay = period_payouts(dataset, params, card)
        try:
            text = card.explain(employee_id, language=said.language, options=shlex.join(
                [*(["--params", str(params_file)] if params_file else []), *(["--data", str(data)] if data else []),
                 *(["--language", language] if language else [])]))
        except SalesperfError as err:  # nobody of that name or id: said in the explanation's language
            err.language = said.language
            raise
        click.echo(text)


def _default_params(business: str) -> Path:
    from .params import PARAMS_DIR

    return PARAMS_DIR / f"{business}.yaml"


def _amount(text: str, option: str) -> float:
    """A target amount as typed: 120000, 120,000 or 120_000, or with a Chinese magnitude as
    the loaders read one in the data (12万 = 120,000, 0.3亿, 120000元)."""
    from .loaders import amount_of

    value = amount_of(str(text).replace("_", "").replace(",", ""))
    if not value >= 0 or value == float("inf"):
        raise click.UsageError(f"{option}: '{text}' is not an amount; write a number ≥ 0 such as 120000.")
    return value


def _target_overrides(given, kpis: list[str]) -> dict[str, dict[str, float]]:
    """--override EMPLOYEE=AMOUNT (the first KPI of targets.kpis) or KPI:EMPLOYEE=AMOUNT, as
    make_targets takes them: {kpi: {employee_id or team: amount}}."""
    out: dict[str, dict[str, float]] = {}
    for item in given:
        who, sep, amount = item.rpartition("=")
        if not sep or not who.strip():
            raise click.UsageError(f"--override '{item}': write EMPLOYEE=AMOUNT (e.g. E0007=120000) or "
                                   "KPI:EMPLOYEE=AMOUNT.")
        kpi, colon, rest = who.partition(":")
        if colon and kpi.strip() in kpis:
            kpi, who = kpi.strip(), rest
        elif colon and kpi.strip() in CATALOGUE:  # a KPI the plan sets no targets of, not a person
            raise click.UsageError(f"--override '{item}': {kpi.strip()} is not in targets.kpis of the plan "
                                   f"({', '.join(kpis)}); add it there to set its targets, or override one of those.")
        else:
            kpi = kpis[0]
        who = who.strip()
        if who in out.get(kpi, {}):
            raise click.UsageError(f"--override gives {kpi} of '{who}' twice; give it once.")
        out.setdefault(kpi, {})[who] = _amount(amount, f"--override '{item}'")
    return out


@main.command()
@click.argument("business", type=BUSINESS)
@click.option("--year", required=True, type=int)
@click.option("--method", type=click.Choice(["history", "capacity", "equal"]),
              help="How to split over teams and people. Default: targets.method of the parameter file.")
@click.option("--uplift", type=float, help="Growth over the baseline, e.g. 0.25. Default: targets.uplift of the "
              "parameter file.")
@click.option("--annual", type=str, metavar="AMOUNT",
              help="The company's annual target of the first KPI of targets.kpis, when it is decided "
              "top-down (e.g. 900000), instead of the base year x (1 + uplift).")
@click.option("--override", "overrides", multiple=True, metavar="EMPLOYEE=AMOUNT",
              help="Set a person's (or a team's) annual target by hand, e.g. --override E0007=120000 or, by a "
                   "name only one person has, --override 吴霞=120000; repeat "
              "for more. It applies to the first KPI of targets.kpis; write KPI:EMPLOYEE=AMOUNT for another "
              "(orders:E0007=300). The rest of the company's target is shared out over the others.")
@click.option("--data", help=DATA_HELP)
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path())
@click.option("--language", type=click.Choice(["zh", "en"]),
              help="The summary and its notes in this language, and in Chinese an .xlsx file's headers and KPI "
                   "names, which the loaders read back (default: the parameter file's report.language or language).")
@_friendly
def targets(business, year, method, uplift, annual, overrides, data, params_file, out, language):
    """Write next year's targets (monthly, per person and team) in the loaders' format."""
    from .export import write_table
    from .targets import TARGET_HEADERS_ZH, make_targets, targets_in_chinese

    with _warnings_said() as said:  # e.g. a target year far from the data
        params = _params(business, params_file)
        said.language = language = language or params.report_language
        by_kpi = _target_overrides(overrides, params.targets.kpis)
        dataset = _load(data, params, f"{year - 1}")
        table = make_targets(dataset.tables, params, year=year, method=method, uplift=uplift,
                             annual=None if annual is None else _amount(annual, "--annual"), overrides=by_kpi)
    if language == "zh" and Path(out).suffix.lower() == ".xlsx":  # (a CSV keeps the keys: it is for scripts)
        write_table(targets_in_chinese(table), out, labels=False, sheet="目标", headers=TARGET_HEADERS_ZH)
    else:
        write_table(table, out, labels=False, sheet="targets")
    n = len(table)
    click.echo(f"已将 {n} 行目标写入 {out}" if language == "zh" else
               f"Wrote {n} target {'row' if n == 1 else 'rows'} to {out}")
    for basis in table.attrs.get("basis", []):
        click.echo(f"  {_text(basis, language)}")
    for note in table.attrs.get("notes", []):
        click.echo(f"  - {_text(note, language)}")


@main.command()
@click.argument("business", type=BUSINESS)
@click.option("--period", required=True, help="The period just closed (or still open, with --as-of) whose figures "
                                              "the rules check, e.g. 2026-10.")
@click.option("--data", help=DATA_HELP)
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="The last day of data, when the period is still open: it is then judged at its run rate.")
@click.option("--out", required=True, type=click.Path(),
              help="The targets table with the later periods' targets adjusted: .xlsx or .csv, to use as the "
                   "data's targets from now on.")
@click.option("--language", type=click.Choice(["zh", "en"]),
              help="The sentences, and in Chinese an .xlsx file's headers and KPI names (default: the parameter "
                   "file's report.language or language).")
@_friendly
def calibrate(business, period, data, params_file, as_of, out, language):
    """Check the plan's calibration rules (targets.calibration) on a period and write the
    targets of the later periods as the rules adjust them (目标校准, the Act of PDCA)."""
    from .export import write_table
    from .reporting import calibration_sentences
    from .targets import TARGET_HEADERS_ZH, calibrate as run_rules, targets_in_chinese

    with _warnings_said() as said:
        params = _params(business, params_file)
        said.language = language = language or params.report_language
        zh = language == "zh"
        rules = params.targets.calibration
        if not rules:
            raise click.UsageError("参数文件没有校准规则（targets.calibration），没有可检查的内容。" if zh else
                                   "The parameter file has no calibration rules (targets.calibration): nothing to "
                                   "check.")
        dataset = _load(data, params, period)
        targets = dataset.tables.get("targets")
        if targets is None or not len(targets):
            raise click.UsageError("数据中没有目标表，没有可调整的目标。请先用 salesperf targets 制定目标并加入数据。" if zh else
                                   "The data have no targets table to adjust. Draw targets up first (salesperf "
                                   "targets) and add them to the data.")
        if not as_of:  # an export that ends before the period does holds part of it, as a report says
            from .coverage import export_end

            as_of = export_end(dataset, period)
        new, log = run_rules(targets, dataset.tables, period, rules, options=params.kpi_options.model_dump(),
                             as_of=f"{as_of:%Y-%m-%d}" if as_of else None)
    for line in calibration_sentences(log, params, language):
        click.echo(line)
    if zh and Path(out).suffix.lower() == ".xlsx":
        write_table(targets_in_chinese(new), out, labels=False, sheet="目标", headers=TARGET_HEADERS_ZH)
    else:
        write_table(new, out, labels=False, sheet="targets")
    import numpy as np
    import pandas as pd

    old = pd.to_numeric(targets["target"], errors="coerce").reindex(new.index).to_numpy(dtype="float64")
    now = pd.to_numeric(new["target"], errors="coerce").to_numpy(dtype="float64")
    changed = int((~np.isclose(now, old, equal_nan=True)).sum())
    n = len(new)
    click.echo(f"已将 {n:,} 行目标写入 {out}，其中 {changed:,} 行已调整。" if zh else
               f"Wrote {n:,} target {'row' if n == 1 else 'rows'} to {out}, {changed:,} of them adjusted.")


@main.command()
@click.argument("business", type=BUSINESS)
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--data", help=DATA_HELP)
@click.option("--period", required=True)
@click.option("--out", required=True, type=click.Path(),
              help="Output file: .xlsx (summary, people and weights sheets) or .csv (the people).")
@click.option("--language", type=click.Choice(["zh", "en"]),
              help="The workbook's language (default: the parameter file's report.language or language).")
@_friendly
def scenarios(business, params_file, data, period, out, language):
    """Score the parameter file's named weight and pay scenarios side by side with the baseline."""
    from ._checks import check_one_of
    from .scenarios import run_scenarios, summary_text, write_scenarios

    check_one_of("output file extension", Path(out).suffix.lower(), [".xlsx", ".csv"])  # before the work
    with _warnings_said() as said:  # (a pay award left unpaid: said in the workbook's language)
        params = _params(business, params_file)
        said.language = language or params.report_language
        dataset = _load(data, params, period)
        table = run_scenarios(dataset, params, period, language=language)
        write_scenarios(table, out, params, language=language)
    summary = summary_text(table, params, language=language)
    if summary:
        click.echo(summary)
    zh = (language or params.report_language) == "zh"
    for note in table.attrs.get("notes", []):
        click.echo(f"{'说明：' if zh else 'Note: '}{note}", err=True)
    n = len(table)
    click.echo(f"已将 {n:,} 行写入 {out}" if zh else f"Wrote {n:,} {'row' if n == 1 else 'rows'} to {out}")


@main.command()
@click.argument("business", type=BUSINESS)
@click.option("--params", "params_file", type=click.Path(exists=True), required=True)
@click.option("--data", help=DATA_HELP)
@click.option("--period", default="previous", show_default=True,
              help="2026-10, 2026-Q3 or 2026, or 'previous' = the last complete month.")
@click.option("--client", help="Client name, for the folder and the title (default: the parameter file's "
                                 "report.client; written per language, the title takes the report's language and "
                                 "the folder the plan's).")
@click.option("--force", is_flag=True, help="Replace an existing report of the same period and client.")
@click.option("--anonymise", is_flag=True, help="Replace person names with stable pseudonyms.")
@click.option("--language", type=click.Choice(["zh", "en"]),
              help="The report's language (default: the parameter file's report.language or language).")
@click.option("--reports-dir", type=click.Path(),
              help="Where reports go (default: the kit's reports/ folder, wherever the command runs).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="The day the data were exported, or the day to report as of. A day before the period's last, "
                   "on data that go on after it, leaves the later rows out of every section (a refund or payment "
                   "made after it is not counted yet) and says how many. The period's last day (or later) says "
                   "that the export is complete, though its last days have no rows (default: data that stop before "
                   "the period ends, by more than their usual gap between days with rows, are reported as part of "
                   "the period).")
@click.option("--strict", is_flag=True,
              help="Fail a report whose data are incomplete (they end before the period does, a table stops or "
                   "starts part-way through it, or a KPI scored against targets has none for the period) instead "
                   "of writing it with a warning: the earlier report stays in place. For payroll runs.")
@_friendly
def run(business, params_file, data, period, client, force, anonymise, language, reports_dir, as_of, strict):
    """Run one report with Papermill into reports/<period>/<client>/<business>/ (an
    anonymised or other-language report into <business>-en, <business>-anonymised beside it)."""
    from .report import run_report

    try:
        result = run_report(business, params_file, data=data, period=period, client=client, force=force,
                            anonymise=anonymise, language=language, reports_dir=reports_dir, progress=False,
                            as_of=f"{as_of:%Y-%m-%d}" if as_of else None, strict=strict)
    except KeyboardInterrupt as err:
        stop = err if isinstance(err, Interrupted) else Interrupted()
        raise Interrupted(f"the report was stopped ({stop.signal_name}) and nothing of it was written; an earlier "
                          "report of the same period and client is untouched.", signum=stop.signum) from None
    click.echo(f"Report written to {result.folder} in {result.seconds:.1f} s")
    if result.manifest.get("replaced_report_kept_in"):
        click.echo(f"The report it replaced is kept in {result.manifest['replaced_report_kept_in']}")
    for warning in result.warning.splitlines():
        click.echo(f"Warning: {warning}", err=True)


@main.command("run-all")
@click.option("--period", default="previous", show_default=True)
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(min=1),
              help="How many reports run at a time (1 or more; about one per CPU core).")
@click.option("--force", is_flag=True, help="Replace the reports already written (default: leave them, as skipped).")
@click.option("--reports-dir", type=click.Path(),
              help="Where reports go (default: the kit's reports/ folder, wherever the command runs).")
@click.option("--params-dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of the plans to run: DIR/<business>.yaml and the client files DIR/clients/*.yaml. "
                   "Default: params/ (with params/clients/).")
@click.option("--strict", is_flag=True,
              help="Fail a report whose data are incomplete (they end before the period does, a table stops or "
                   "starts part-way through it, or a KPI scored against targets has none for the period) instead "
                   "of writing it with a warning: the earlier report stays in place. For payroll runs.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only what needs a look (failures, reports another run is writing, warnings) and then the "
                   "summary; nothing when every report is done, so that cron mails only then.")
@_friendly
def run_all_cmd(period, jobs, force, reports_dir, params_dir, strict, quiet):
    """Run every business type's report (and every client file), continuing past failures.
    A folder with nothing to run is an error (exit 1) that names the YAML files it holds.
    A report already written is skipped (not a failure: a rerun redoes only what failed).
    Ctrl-C stops the batch: the reports that were done are listed, the others wrote nothing.

    The output is a log: a header (the local time, the period, how many reports), one line
    per report, a summary. What needs a look (a failure and its details, a report another
    run is writing, a warning) goes to stderr, the rest to stdout."""
    from datetime import datetime

    from .report import run_all

    out = _BatchLog(datetime.now().astimezone(), previous=period in (None, "previous"), jobs=jobs, quiet=quiet)
    try:
        # a progress bar only on a terminal: under cron it would clutter the log; the files
        # of --params-dir that are not run are said before the results
        # one line per report as it ends: a batch that is killed leaves the lines of what it did
        said: list = []
        with _warnings_said():
            results = run_all(period, jobs=jobs, force=force, reports_dir=reports_dir, params_dir=params_dir,
                              progress=sys.stderr.isatty(), strict=strict, started=out.start,
                              done=lambda r: (said.append(r), _echo_results([r], out)))
    except Interrupted as stop:
        _echo_results([r for r in stop.results if not any(r is s for s in said)], out)
        out.say(f"Interrupted ({stop.signal_name}): {len(stop.results)} of {stop.total} report(s) were done"
                f"{' (listed above)' if stop.results else ''}. The others were stopped or not started and "
                "wrote nothing: their earlier reports are untouched.", look=True)
        sys.exit(128 + stop.signum)
    _echo_results([r for r in results if not any(r is s for s in said)], out)
    summary, done = _summary(results)
    if not (quiet and done):
        out.say(summary, look=not done)
    sys.exit(0 if done else 1)


def _header(now, period: str, previous: bool, reports: int, jobs: int) -> str:
    """The batch's first line: when it started (local time, with the UTC offset), the period
    (and that it is what --period previous resolved to), how many reports."""
    return (f"salesperf run-all {now:%Y-%m-%d %H:%M:%S %z}: period {period}"
            + (" (--period previous: the last complete month)" if previous else "")
            + f", {reports} report{'' if reports == 1 else 's'}"
            + (f", {jobs} at a time" if jobs > 1 and reports > 1 else ""))


class _BatchLog:
    """Where run-all's lines go: what needs a look (a failed or busy report, a warning, an
    interruption, the summary of a batch that did not do everything) to stderr, the rest to
    stdout. With ``quiet``, only what needs a look, the header just before its first line
    (nothing at all for a batch that did everything)."""

    def __init__(self, now=None, *, previous: bool = False, jobs: int = 1, quiet: bool = False):
        self.now, self.previous, self.jobs, self.quiet = now, previous, jobs, quiet
        self.header = f"salesperf run-all {now:%Y-%m-%d %H:%M:%S %z}" if now is not None else None
        self._header_said = False

    def start(self, period: str, reports: int) -> None:
        """(run_all's ``started``) The header, once the batch knows its period and size."""
        self.header = _header(self.now, period, self.previous, reports, self.jobs)
        if not self.quiet:
            self._say_header(err=False)

    def _say_header(self, *, err: bool) -> None:
        if self.header is not None and not self._header_said:
            self._header_said = True
            click.echo(self.header, err=err)

    def say(self, line: str, *, look: bool) -> None:
        if self.quiet and not look:
            return
        if look:
            self._say_header(err=True)
        click.echo(line, err=look)


def _summary(results) -> tuple[str, bool]:
    """The batch's last line, and whether it did everything it was asked for (a report
    another run is writing was not done by this one)."""
    failed = sum(r.status == "failed" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    busy = sum(r.status == "busy" for r in results)
    line = (f"{len(results) - failed - skipped - busy} succeeded, {failed} failed"
            + (f", {skipped} skipped (already written: --force replaces them)" if skipped else "")
            + (f", {busy} not run (being written by another run)" if busy else ""))
    return line, not (failed or busy)


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))
    return f"{text}{' ' * max(width - used, 0)}"


def _echo_results(results, out: _BatchLog | None = None) -> None:
    """One line per report (and a failure's whole message: rows, keys and fixes belong in
    the cron log); a report that needs a look (failed, busy, or with a warning) goes with
    all its lines to stderr."""
    out = out or _BatchLog()
    for r in results:
        mark = {"ok": "ok    ", "skipped": "exists", "busy": "BUSY  "}.get(r.status, "FAILED")
        lines = ([str(r.folder)] if r.status == "ok" else
                 [f"{r.folder}: already written, left as it is (--force replaces it)"] if r.status == "skipped" else
                 (r.error or "failed").splitlines())
        warnings = [f"warning: {w}" for w in getattr(r, "warning", "").splitlines()]
        look = r.status not in ("ok", "skipped") or bool(warnings)
        out.say(f"{mark} {r.business:<10} {_pad(r.client, 16)} {r.seconds:6.1f} s  {lines[0]}", look=look)
        for line in lines[1:] + warnings:
            out.say(f"       {line}", look=look)


@main.command()
@click.option("--out", default="demo_data", show_default=True, type=click.Path(), help="Where the demo data go.")
@click.option("--reports-dir", type=click.Path(),
              help="Where reports go (default: the kit's reports/ folder, wherever the command runs).")
@click.option("--jobs", default=2, show_default=True, type=click.IntRange(min=1),
              help="How many reports run at a time (1 or more).")
@_friendly
def demo(out, reports_dir, jobs):
    """Write and validate the four demo datasets, then run the four demo reports."""
    from .demo import run_demo

    summary = run_demo(out, reports_dir=reports_dir, jobs=jobs, echo=click.echo)
    sys.exit(0 if summary else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
