"""The report runner: Papermill runs into dated folders, staged and moved into place."""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from salesperf_kit.catalogue import BUSINESSES
from salesperf_kit.exceptions import ReportError, SalesperfError
from salesperf_kit.params import PARAMS_DIR
from salesperf_kit.periods import parse_period
from salesperf_kit.report import NOTEBOOK_DIR, Kernels, run_report

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def first_runs(small_data, tmp_path_factory):
    """One report per business type into a temporary reports folder, each in a kernel
    started while the previous report ran."""
    import gc
    import logging

    class Kept(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    kept = Kept()
    logging.getLogger().addHandler(kept)
    reports = tmp_path_factory.mktemp("reports")
    try:
        with Kernels() as kernels:
            results = {b: run_report(b, PARAMS_DIR / f"{b}.yaml", data=str(small_data[b]), period="2026-10",
                                     client="acme", reports_dir=reports, kernels=kernels, ahead=b != BUSINESSES[-1])
                       for b in BUSINESSES}
        gc.collect()
    finally:
        logging.getLogger().removeHandler(kept)
    results["logged"] = kept.messages
    return reports, results


@pytest.mark.parametrize("business", BUSINESSES)
def test_report_folder_is_complete(first_runs, business):
    reports, results = first_runs
    folder = reports / "2026-10" / "acme" / business
    assert results[business].folder == folder
    for name in ("report.ipynb", "report.html", "scorecard.xlsx", "scorecard.csv", "manifest.json"):
        assert (folder / name).is_file(), name
    assert sorted(p.name for p in (folder / "figures").glob("*.png")), "no figures written"
    assert not (reports / ".staging").exists() or not any((reports / ".staging").iterdir())


def test_a_run_closes_the_kernel_client_it_was_given(first_runs):
    """nbclient leaves open the channels of a client of a kernel it does not own; collected
    open, the client logs 'Could not destroy zmq context' at every run."""
    _, results = first_runs
    assert all(results[b].status == "ok" for b in BUSINESSES)
    assert not [m for m in results["logged"] if "Could not destroy zmq context" in m]


@pytest.mark.parametrize("business", BUSINESSES)
def test_html_has_no_code_and_loads_nothing_remote(first_runs, business):
    reports, _ = first_runs
    html = (reports / "2026-10" / "acme" / business / "report.html").read_text(encoding="utf-8")
    assert "build_report" not in html and "from salesperf_kit" not in html, "code leaked into the HTML"
    for rendered in ('class="jp-InputArea', 'class="jp-InputPrompt', 'class="jp-OutputPrompt', "In&nbsp;["):
        assert rendered not in html, f"{rendered} in the HTML"  # (the stylesheet names them; no element uses them)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?://", html), "remote resource"
    assert not re.search(r"import\(\s*[\"']https?://", html), "a script that would import from the internet"
    assert not re.search(r"<script[^>]+src=[\"'][\"']", html), "an empty script loader (MathJax's)"
    assert "data:image/png;base64," in html  # figures embedded
    assert "执行摘要" in html  # the demo plans are in Chinese
    assert re.search(r"<title>acme · .+ · 2026年10月</title>", html), "the page title is the report's"
    assert "@font-face" in html and "data:font/otf;base64," in html  # CJK glyphs travel with the file


def test_manifest_records_inputs_and_versions(first_runs, small_data):
    reports, _ = first_runs
    m = json.loads((reports / "2026-10" / "acme" / "telesales" / "manifest.json").read_text(encoding="utf-8"))
    for key in ("parameters", "inputs", "versions", "started", "ended", "seconds", "status"):
        assert key in m, key
    assert m["status"] == "ok"
    assert m["parameters"]["period"] == "2026-10"
    files = {Path(i["path"]).name: i for i in m["inputs"]}
    assert "telesales.yaml" in files and "orders.csv" in files
    orders = small_data["telesales"] / "orders.csv"
    assert files["orders.csv"]["bytes"] == orders.stat().st_size
    assert re.fullmatch(r"[0-9a-f]{64}", files["orders.csv"]["sha256"])
    assert m["versions"]["pandas"]
    assert m["versions"]["openpyxl"] and m["versions"]["python-calamine"]  # the .xlsx and .xls readers
    # what ties the report to the code: Python, the notebook run and (in a checkout) the commit
    import platform
    import subprocess

    from salesperf_kit.report import NOTEBOOK_DIR, ROOT
    assert m["versions"]["python"] == platform.python_version()
    assert m["notebook_sha256"] == hashlib.sha256((NOTEBOOK_DIR / "telesales.ipynb").read_bytes()).hexdigest()
    if (ROOT / ".git").exists():
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
        assert head.startswith(m["versions"]["salesperf-source"].removesuffix("-dirty"))
    folder = (reports / "2026-10" / "acme" / "telesales").resolve()
    assert m["parameters"]["output_dir"] == str(folder)
    # the inputs are the files the report read; what else the data folder holds is named apart
    data_files = sorted(f.name for f in small_data["telesales"].iterdir() if f.suffix == ".csv")
    assert sorted(n for n, i in files.items() if i["kind"] == "data") == data_files
    assert [i["kind"] for i in m["inputs"] if i["path"].endswith(".yaml")] == ["parameters"]
    assert m["not_read"] == [str(small_data["telesales"] / ".salesperf-sample.json")]
    # what the report says of itself: the data reach the period's end
    people = len(pd.read_csv(reports / "2026-10" / "acme" / "telesales" / "scorecard.csv", encoding="utf-8-sig"))
    assert m["report"] == {"period": "2026-10", "as_of": "2026-10-31", "data_end": None, "partial_tables": {},
                           "without_targets": [], "unscorable": {}, "language": "zh", "people": people}
    # the delivered notebook's output_dir is where it lies, not the staging folder it was run in
    nb = nbformat.read(folder / "report.ipynb", as_version=4)
    [injected] = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert f'output_dir = "{folder}"' in injected.source and ".staging" not in injected.source
    assert nb.metadata.papermill.parameters.output_dir == str(folder)
    assert nb.metadata.papermill.output_path == str(folder / "report.ipynb")


def _export_taken_on(source: Path, data: Path, day: str) -> Path:
    """The export of ``source`` as taken on ``day``: every dated row before it."""
    data.mkdir()
    for f in source.glob("*.csv"):
        df = pd.read_csv(f)
        dated = [c for c in ("order_date", "date", "started_at", "opened_at") if c in df]
        for c in dated:
            df = df[pd.to_datetime(df[c]) < day]
        df.to_csv(data / f.name, index=False)
    return data


def test_a_report_on_an_export_that_stops_early_is_written_with_a_warning(small_data, tmp_path):
    # the October export was taken on the 6th: the report is made (a consultant may want a
    # month to date), but the run says so, for a cron log and its reader
    from salesperf_kit.report import completeness_warnings
    from salesperf_kit.reporting import build_report

    data = _export_taken_on(small_data["online"], tmp_path / "early", "2026-10-06")
    p = parse_period("2026-10")

    def record(as_of: str) -> dict:  # the report's own record, which the run warns of
        report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(data),
                              period="2026-10", as_of=as_of)
        report.save(tmp_path / (as_of or "plain"))
        return json.loads((tmp_path / (as_of or "plain") / "manifest.json").read_text(encoding="utf-8"))["report"]

    facts = record("")
    assert facts["data_end"] == "2026-10-05" and facts["as_of"] == "2026-10-05"
    assert completeness_warnings(facts, p) == [
        "数据只到 2026-10-05，而 2026-10 到 2026-10-31 才结束：报告按部分期间排名和计酬。请确认导出完整"
        "（若完整、只是最后几天没有记录，用 --as-of 2026-10-31 说明）。"]  # (the plan's language)
    # (the run without --as-of, end to end: the --strict test below)
    # a report run on purpose to the 5th (a month to date) is said to be one, with no advice to undo it
    result = run_report("online", PARAMS_DIR / "online.yaml", data=str(data), period="2026-10", client="acme",
                        reports_dir=tmp_path / "reports", as_of="2026-10-05")
    assert result.status == "ok"
    m = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["parameters"]["as_of"] == "2026-10-05"
    assert m["report"]["data_end"] == "2026-10-05" and m["report"]["as_of"] == "2026-10-05"
    assert result.warning == "报告只含 2026-10 截至 2026-10-05 的数据（--as-of 2026-10-05）：按部分期间排名和计酬。"
    # said complete (as_of the period's last day): the whole month, no warning
    facts = record("2026-10-31")
    assert facts["data_end"] is None and facts["as_of"] == "2026-10-31"
    assert completeness_warnings(facts, p, as_of="2026-10-31") == []


def test_missing_data_folder_is_a_clear_error_that_leaves_nothing_behind(tmp_path):
    """Nothing but the failure itself, kept for a monitor of _failed/."""
    with pytest.raises(SalesperfError, match="no such file or folder"):
        run_report("online", PARAMS_DIR / "online.yaml", data=str(tmp_path / "nowhere"), period="2026-10",
                   reports_dir=tmp_path / "reports")
    left = sorted(p.relative_to(tmp_path / "reports") for p in (tmp_path / "reports").rglob("*") if p.is_file())
    assert [p.name for p in left] == ["manifest.json"] and left[0].parts[:3] == ("_failed", "2026-10", "演示客户")


def test_manifest_lists_files_the_plan_names_outside_the_data_folder(tmp_path):
    from salesperf_kit.report import _inputs

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("order_id\n1\n", encoding="utf-8")
    (tmp_path / "staff.csv").write_text("employee_id\nE1\n", encoding="utf-8")
    plan = tmp_path / "client.yaml"
    plan.write_text(f"extends: online\ndata:\n  files: {{employees: {tmp_path / 'staff.csv'}}}\n", encoding="utf-8")
    names = [Path(i["path"]).name for i in _inputs(str(tmp_path / "data"), plan)]
    assert names[0] == "client.yaml" and "online.yaml" in names
    assert "orders.csv" in names and "staff.csv" in names


def test_rerun_needs_force_and_failure_keeps_the_good_report(first_runs, small_data, tmp_path):
    reports, _ = first_runs
    folder = reports / "2026-10" / "acme" / "telesales"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(SalesperfError, match="--force"):
        run_report("telesales", PARAMS_DIR / "telesales.yaml", data=str(small_data["telesales"]),
                   period="2026-10", client="acme", reports_dir=reports)
    # a plan that requires a KPI the data cannot give makes the notebook fail
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\nkpis: [inventory_turnover]\n", encoding="utf-8")
    with pytest.raises(ReportError, match="inventory"):
        run_report("telesales", bad, data=str(small_data["telesales"]), period="2026-10", client="acme",
                   reports_dir=reports, force=True)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before, "the earlier good report was touched"
    failed = list((reports / "_failed" / "2026-10" / "acme").glob("telesales-*"))
    assert len(failed) == 1
    nb = nbformat.read(failed[0] / "report.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert json.loads((failed[0] / "manifest.json").read_text(encoding="utf-8"))["status"] == "failed"
    # with --force a good run replaces the report
    result = run_report("telesales", PARAMS_DIR / "telesales.yaml", data=str(small_data["telesales"]),
                        period="2026-10", client="acme", reports_dir=reports, force=True)
    assert result.status == "ok" and (folder / "report.html").exists()
    # its earlier failure is kept for an audit, out of the _failed/ a monitor watches
    assert not failed[0].exists() and failed[0].name.endswith("Z")
    assert (reports / "_failed" / "_resolved" / "2026-10" / "acme" / failed[0].name / "report.ipynb").is_file()
    # the report it replaced is kept as it was (a payroll month rerun lost the version paid on)
    [kept] = (reports / "_replaced" / "2026-10" / "acme").glob("telesales-*Z")
    assert {p.name: p.read_bytes() for p in kept.iterdir() if p.is_file()} == before
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["replaced_report_kept_in"] == str(kept)


def test_ctrl_c_while_a_report_is_replaced_leaves_a_whole_report(first_runs, small_data, monkeypatch, ctrl_c_raises):
    """Replacing a report is two renames: the earlier report aside, the new one into place.
    Ctrl-C between them is held back until both are done; it must not leave the folder
    without a report (the earlier one would be removed with the staging folder)."""
    import os
    import signal

    reports, results = first_runs
    folder = reports / "2026-10" / "acme" / "direct"
    real = os.replace

    def replace(src, dst):
        real(src, dst)
        if Path(src) == folder:  # the earlier report has just been moved aside
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        run_report("direct", PARAMS_DIR / "direct.yaml", data=str(small_data["direct"]), period="2026-10",
                   client="acme", reports_dir=reports, force=True)
    monkeypatch.undo()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["started"] > results["direct"].manifest["started"]
    assert (folder / "report.html").is_file()
    assert not list((reports / ".staging").iterdir())


def test_unknown_parameter_is_an_error(small_data, tmp_path):
    with pytest.raises(SalesperfError, match="no parameter"):
        run_report("online", PARAMS_DIR / "online.yaml", data=str(small_data["online"]), period="2026-10",
                   reports_dir=tmp_path, extra={"colour": "red"})
    assert not (tmp_path / "2026-10").exists()


@pytest.mark.parametrize("path", sorted(NOTEBOOK_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_thin(path):
    """A parameters cell of literals, then calls: no def, class or loop in any cell."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assigned = set()
    for node in ast.walk(ast.parse(code[0].source)):
        if isinstance(node, ast.Assign):
            ast.literal_eval(node.value)  # literals only
            assigned |= {t.id for t in node.targets}
    import papermill as pm

    assert set(pm.inspect_notebook(str(path))) == assigned  # Papermill sees every parameter
    for cell in code:
        tree = ast.parse(cell.source)
        bad = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                            ast.For, ast.While, ast.Lambda))]
        assert not bad, f"{path.name}: logic in a cell: {cell.source[:80]}"


def test_feedback_sentences_cover_people_without_data():
    from salesperf_kit.reporting import feedback_sentence

    na = pd.NA
    assert feedback_sentence({"name": "甲", "strength_kpi": na, "gap_kpi": na}, "zh") == "甲：本期没有可评价的指标数据。"
    assert "only KPI" in feedback_sentence({"name": "A", "strength_kpi": "revenue", "gap_kpi": na}, "en")
    full = {"name": "乙", "strength_kpi": "revenue", "gap_kpi": "complaint_rate", "next_step_kpi": "complaint_rate",
            "next_step_value": 0.2, "next_step_target": 0.1, "next_step_basis": "role_median"}
    # lower is better: the step is to bring it down, 20.0% -> 10.0%
    assert feedback_sentence(full, "zh") == ("乙：做得好的是「销售额」；需要提升的是「客户投诉率」；"
                                             "下一步：把「客户投诉率」从 20.0% 降低到 10.0%（岗位中位数）。")
    # the weakest KPI already in the role's top 25%: no goal left, so no "gap" to close
    top = {**full, "gap_kpi": "effective_talk_minutes", "next_step_kpi": "effective_talk_minutes",
           "next_step_value": 612.5, "next_step_target": na, "next_step_basis": na}
    assert feedback_sentence(top, "zh") == ("乙：做得好的是「销售额」；相对最弱的「有效沟通时长（分钟）」也已达到岗位前25%水平；"
                                            "下一步：保持当前水平。")


def test_feedback_in_english_says_top_25_percent_not_best_quarter():
    """"The role's best quarter" reads as a quarter of the year in a quarterly report: the
    basis of a next step is the top 25% of the role, as in Chinese (岗位前25%水平)."""
    from salesperf_kit.reporting import feedback_sentence

    card = {"name": "Greg", "strength_kpi": "effective_talk_minutes", "gap_kpi": "csat", "next_step_kpi": "csat",
            "next_step_value": 3.37, "next_step_target": 3.39, "next_step_basis": "role_upper_quartile"}
    assert feedback_sentence(card, "en") == ("Greg: strong on Effective talk time (minutes); gap on Customer "
                                             "satisfaction; next step: raise Customer satisfaction from 3.37 to "
                                             "3.39 (the role's top 25%).")
    top = {**card, "next_step_target": pd.NA, "next_step_basis": pd.NA}
    assert feedback_sentence(top, "en") == ("Greg: strong on Effective talk time (minutes); even the weakest KPI, "
                                            "Customer satisfaction, is in the role's top 25%; next step: keep it up.")


def test_a_long_error_is_cut_at_a_line_and_says_how_much_is_left():
    from salesperf_kit.report import _short_error

    err = ValueError("\n".join(f"- row {i}: " + "x" * 900 for i in range(2, 7)))
    short = _short_error(err)
    assert short.splitlines()[:2] == ["ValueError: - row 2: " + "x" * 900, "- row 3: " + "x" * 900]
    assert short.splitlines()[2] == "... and 3 more line(s): see the failed notebook"
    assert _short_error(ValueError("one line")) == "ValueError: one line"
    # the kit's own errors read without their class name (a cron log's reader is no programmer)
    from salesperf_kit.exceptions import KPIError

    assert _short_error(KPIError("Rolling up by manager needs employees.manager_id.")) == \
        "Rolling up by manager needs employees.manager_id."


def test_a_client_file_whose_data_path_is_missing_names_the_folder_it_looked_in(tmp_path):
    (tmp_path / "params" / "clients").mkdir(parents=True)
    plan = tmp_path / "params" / "clients" / "acme.yaml"
    plan.write_text("extends: online\ndata: {path: ../../exports/acme}\n", encoding="utf-8")
    with pytest.raises(SalesperfError) as err:
        run_report("online", plan, period="2026-10", reports_dir=tmp_path / "reports")
    assert str(err.value) == (
        f"{plan}: data.path (line 2) names {tmp_path / 'exports' / 'acme'}, which does not exist (neither a folder "
        f"nor a workbook of that name). Its folder {tmp_path / 'exports'} does not exist either; the nearest that "
        f"does is {tmp_path}. Fix: point data.path (relative to the file that writes it) at the folder of the "
        "client's exports or their workbook, or give the data when running (--data; data_path in a notebook).")


def test_periods_without_records_are_not_zero():
    from salesperf_kit.reporting import has_records

    orders = pd.DataFrame({"order_date": pd.to_datetime(["2016-10-20", "2017-06-02"])})
    assert has_records({"orders": orders}, parse_period("2017-06"))
    assert not has_records({"orders": orders}, parse_period("2016-06"))  # before the export begins
    assert not has_records({}, parse_period("2017-06"))


def test_anonymised_english_report_from_the_command_line(small_data, tmp_path):
    """`salesperf run ... --language en --anonymise`: an English report with no real name."""
    from click.testing import CliRunner

    from salesperf_kit.cli import main

    r = CliRunner().invoke(main, ["run", "direct", "--params", str(PARAMS_DIR / "direct.yaml"), "--data",
                                  str(small_data["direct"]), "--period", "2026-10", "--client", "acme",
                                  "--reports-dir", str(tmp_path), "--language", "en", "--anonymise"])
    assert r.exit_code == 0, r.output
    # beside the client's own report, never in its place
    folder = tmp_path / "2026-10" / "acme" / "direct-en-anonymised"
    assert not (tmp_path / "2026-10" / "acme" / "direct").exists()
    names = pd.read_csv(small_data["direct"] / "employees.csv")["name"].tolist()
    html = (folder / "report.html").read_text(encoding="utf-8")
    card = (folder / "scorecard.csv").read_text(encoding="utf-8-sig")
    leaked = [n for n in names if n in html or n in card]
    assert not leaked, f"real names in an anonymised report: {leaked[:5]}"
    assert "Member " in card  # stable pseudonyms instead
    ids = pd.read_csv(small_data["direct"] / "employees.csv")["employee_id"].tolist()
    assert not [i for i in ids if i in card], "employee ids (which can be names) in the anonymised scorecard"
    assert "<h2>Executive summary</h2>" in html and "执行摘要" not in html
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["parameters"]["language"] == "en"


def test_a_variant_of_a_report_goes_beside_it():
    from salesperf_kit.report import report_folder

    assert report_folder("online", language="zh", plan_language="zh") == "online"
    assert report_folder("online", language="en", plan_language="zh") == "online-en"
    assert report_folder("online", language="zh", plan_language="zh", anonymise=True) == "online-anonymised"
    assert report_folder("online", language="zh", plan_language="en") == "online-zh"


def test_table_columns_keep_one_number_of_decimals():
    from salesperf_kit.reporting import Section

    table = pd.DataFrame({"score": [113.14, 98.734, float("nan")], "pay": [12345.6, 980.2, 7.0],
                          "r": [0.4321, -0.05, 0.0], "p": [0.0123, 0.004, 0.05], "rank": [1.0, 10.0, None]})
    text = Section("t", table=table)._table_text()
    assert text["score"].tolist() == ["113.1", "98.7", "–"]
    assert text["pay"].tolist() == ["12,346", "980", "7"]
    assert text["r"].tolist() == ["0.43", "-0.05", "0.00"]
    assert text["p"].tolist() == ["0.012", "0.004", "0.050"]
    assert text["rank"].tolist() == ["1", "10", "–"]
    noisy = Section("t", table=pd.DataFrame({"score": [0.1 * 3 * 100, 65.0]}))._table_text()
    assert 0.1 * 3 * 100 != 30 and noisy["score"].tolist() == ["30", "65"]  # float noise: still whole


def test_summary_sentence_words_only_the_figures_it_has():
    from types import SimpleNamespace

    from salesperf_kit.catalogue import label
    from salesperf_kit.reporting import Report

    nan = float("nan")
    month = parse_period("2026-10")
    en = SimpleNamespace(zh=False, _label=lambda k: label(k, "en"), _name=lambda k: label(k, "en"), currency=None, period=month)
    zh = SimpleNamespace(zh=True, _label=lambda k: label(k, "zh"), _name=lambda k: label(k, "zh"), currency=None, period=month)
    full = pd.Series({"kpi": "revenue", "actual": 1200.0, "target": 1000.0, "attainment": 1.2,
                      "change_vs_previous": 0.5, "change_vs_last_year": -0.25})
    assert Report._headline_sentence(en, full, "currency") == (
        "Revenue: 1,200 against a target of 1,000 (120.0%); +50.0% vs the previous period and -25.0% vs the "
        "same period last year.")
    assert Report._headline_sentence(zh, full, "currency") == "本期销售额 1,200，目标 1,000，完成率 120.0%；环比 +50.0%，同比 -25.0%。"
    calls = pd.Series({**full.to_dict(), "kpi": "calls", "actual": 1616.0, "target": nan, "attainment": nan,
                       "change_vs_previous": -0.088, "change_vs_last_year": nan})
    assert Report._headline_sentence(en, calls, "count") == "Calls: 1,616; -8.8% vs the previous period."
    calls["change_vs_previous"] = nan
    assert Report._headline_sentence(en, calls, "count") == "Calls: 1,616."


def test_changes_of_shares_read_as_percentage_points():
    from salesperf_kit.reporting import _points

    assert _points(0.065 - 0.064, zh=False) == "+0.1 pp"
    assert _points(0.30 - 0.45, zh=True) == "-15.0 个百分点"
    assert _points(float("nan"), zh=False) == "–"


def test_summary_sentence_of_a_share_speaks_in_points():
    from types import SimpleNamespace

    from salesperf_kit.catalogue import label
    from salesperf_kit.reporting import Report

    en = SimpleNamespace(zh=False, _label=lambda k: label(k, "en"), _name=lambda k: label(k, "en"), currency=None, period=parse_period("2026-10"))
    row = pd.Series({"kpi": "connect_rate", "actual": 0.803, "target": float("nan"), "attainment": float("nan"),
                     "previous": 0.821, "change_vs_previous": 0.803 / 0.821 - 1,
                     "same_period_last_year": float("nan"), "change_vs_last_year": float("nan")})
    assert Report._headline_sentence(en, row, "ratio") == "Connect rate: 80.3%; -1.8 pp vs the previous period."




def test_an_english_report_of_a_chinese_plan_names_its_client_phases_and_rules_in_english(small_data, tmp_path):
    """An English report of a shipped plan was titled "演示客户 · ...", its diagnostics spoke of
    "phase 新品推广期" (a phase with periods: [] that never applies) and its goal tracking of
    "Calibration rule '获客成本上升'"."""
    from salesperf_kit.reporting import build_report

    direct = str(PARAMS_DIR / "direct.yaml")
    en = build_report(business="direct", params_file=direct, data_path=str(small_data["direct"]), language="en")
    assert en.cover().title == "Demo client · Direct sales performance report · October 2026"
    text = "\n".join(en.diagnostics().paragraphs)
    assert "phase" not in text and "新品推广期" not in text  # (the shipped phase sets no period: it never applies)
    zh = build_report(business="direct", params_file=direct, data_path=str(small_data["direct"]), language="zh")
    assert zh.cover().title == "演示客户 · 直销绩效报告 · 2026年10月" and zh.client == en.client == "演示客户"
    plan = tmp_path / "launch.yaml"  # the same phase, set to apply in October 2026
    plan.write_text("extends: direct\nscoring:\n  phases:\n    - name: 新品推广期\n"
                    "      label: {zh: 新品推广期, en: Product launch}\n      periods: [2026-10]\n      roles:\n"
                    "        rep: {received_revenue: 0.60, positive_review_rate: 0.15, new_customers: 0.10, "
                    "referrals: 0.05, new_contacts: 0.05, sales_skill: 0.05}\n", encoding="utf-8")
    en = build_report(business="direct", params_file=str(plan), data_path=str(small_data["direct"]), language="en")
    text = en.diagnostics().paragraphs
    assert ("Role Representative (phase Product launch): Received revenue (CNY) carries 60% of the weight; the "
            "plan leans on one metric.") in text  # (the shipped plan's money is in yuan)
    assert ("Role Representative (phase Product launch): process KPIs carry only 5% (suggested at least 20%).") in text
    online = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                          data_path=str(small_data["online"]), language="en")
    lines = online._calibration_lines()
    assert len(lines) == 1 and lines[0].startswith("Calibration rule 'Rising acquisition cost' ")
    assert "获客" not in lines[0]


def _orders(days) -> dict:
    return {"orders": pd.DataFrame({"order_date": pd.to_datetime(list(days))})}


def _every_third_day(last: str) -> list[str]:
    """Every third day from 2026-07-31 to ``last``."""
    return [f"{d:%Y-%m-%d}" for d in pd.date_range("2026-07-31", last, freq="3D")]


def test_an_export_ends_early_only_past_the_usual_gap_between_days_with_rows(tmp_path):
    """Superstore had no order on 31 Dec 2017 (orders on 322 days that year), and its
    complete 2017 was reported as cut at 2017-12-30. The tail without rows (from the last
    day with rows to the day after the period) must exceed the 95th percentile of the gaps
    between days with rows over the year to the period's end (at least 1 day)."""
    from types import SimpleNamespace

    from salesperf_kit.coverage import export_end, usual_gap

    every_third = _every_third_day("2026-10-29")  # 31 days, 30 gaps of 3
    assert len(every_third) == 31 and usual_gap(pd.DatetimeIndex(every_third)) == 3
    assert export_end(_orders(every_third), "2026-10") is None  # tail 29 Oct -> 1 Nov = 3 days: usual
    assert export_end(_orders(every_third[:-1]), "2026-10") == pd.Timestamp("2026-10-26")  # tail 6 > 3
    daily = [f"2026-10-{d:02d}" for d in range(1, 31)]  # every day but the 31st: gaps of 1
    assert usual_gap(pd.DatetimeIndex(daily)) == 1
    assert export_end(_orders(daily), "2026-10") == pd.Timestamp("2026-10-30")  # tail 2 > 1
    assert export_end(_orders(daily), "2026-10", as_of="2026-10-31") is None  # the export is said complete
    assert export_end(_orders(daily), "2026-10", as_of="2026-10-30") == pd.Timestamp("2026-10-30")
    assert export_end(_orders([*daily, "2026-10-31"]), "2026-10") is None
    # gaps 1 (19 times), 5 and 2: the 95th percentile of the 21 sorted gaps is the 20th, 2 (one
    # quiet spell of 5 days does not make a tail of 5 days usual)
    sparse = [f"2026-10-{d:02d}" for d in [*range(1, 21), 25, 27]]
    assert usual_gap(pd.DatetimeIndex(sparse)) == 2
    assert export_end(_orders(sparse), "2026-10") == pd.Timestamp("2026-10-27")
    # 13 days with rows are too few to tell what is usual: any missing day counts
    assert export_end(_orders(every_third[-13:]), "2026-10") == pd.Timestamp("2026-10-29")
    assert export_end(_orders(every_third[-14:]), "2026-10") is None
    path = tmp_path / "orders.parquet"  # (a table left on disk is read the same way)
    _orders(every_third[:-1])["orders"].to_parquet(path)
    assert export_end(SimpleNamespace(tables={}, lazy={"orders": path}), "2026-10") == pd.Timestamp("2026-10-26")
    assert usual_gap(pd.DatetimeIndex([])) == usual_gap(pd.DatetimeIndex(["2026-10-01"])) == 1


def test_data_begin_part_way_through_a_period_only_past_the_usual_gap():
    """The mirror of an early end: a period whose first days without rows are more than the
    data's usual gap between days with rows is begun part-way through by the data."""
    from salesperf_kit.coverage import export_start

    every_third = [f"{d:%Y-%m-%d}" for d in pd.date_range("2026-08-02", "2026-10-29", freq="3D")]
    assert export_start(_orders(every_third), "2026-08") is None  # 1 Aug without rows: 1 day < the usual 3
    assert export_start(_orders(every_third[1:]), "2026-08") == pd.Timestamp("2026-08-05")  # 4 days >= 3
    assert export_start(_orders(every_third), "2026-Q3") == pd.Timestamp("2026-08-02")  # July has none
    assert export_start(_orders(every_third), "2026-09") is None  # begun before
    assert export_start(_orders(every_third), "2026-06") is None  # no records at all: not "part-way"
    daily = [f"2026-10-{d:02d}" for d in range(2, 32)]
    assert export_start(_orders(daily), "2026-10") == pd.Timestamp("2026-10-02")  # daily rows, the 1st missing
    assert export_start(_orders(["2026-10-01", *daily]), "2026-10") is None
    # 13 days with rows in the year from the first are too few to tell a late start from a quiet spell
    assert export_start(_orders(every_third[-13:]), "2026-Q3") is None
    assert export_start(_orders(every_third[-14:]), "2026-Q3") == pd.Timestamp(every_third[-14])


def test_a_period_the_data_begin_part_way_through_is_not_compared_with(tmp_path):
    """A CRM export whose first deal closed on 1 March gave its second quarter "+172 % vs
    the previous period" against a first quarter of one month (like for like, about -9 %).
    A period the data begin part-way through is not compared with, nor are rank changes
    measured against it, and the summary says why; a whole previous period still is."""
    from salesperf_kit.reporting import build_report

    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["E1", "E2"], "team": ["A", "A"],
                  "role": "rep"}).to_csv(data / "employees.csv", index=False)
    days = pd.date_range("2026-08-16", "2026-10-31", freq="3D")  # 16, 19, ... 31 Aug; 3, ... 30 Sep; 3, ... 30 Oct
    pd.DataFrame({"order_id": [f"O{i}" for i in range(len(days))], "employee_id": "E1", "customer_id": "C1",
                  "order_date": days, "amount": 100, "status": "completed"}).to_csv(data / "orders.csv", index=False)
    plan = tmp_path / "client.yaml"
    plan.write_text("extends: direct\nkpi_options: {revenue_basis: ordered}\nincentives: {commission: {basis: ordered}}\n",
                    encoding="utf-8")
    kw = dict(business="direct", params_file=str(plan), data_path=str(data), language="en")
    september = build_report(**kw, period="2026-09")
    assert september.data_start == {"previous": "2026-08-16"}
    assert september.previous is None and september.previous_scorecard is None
    assert september.kpis.wide["revenue"].sum() == 1000  # 3, 6, ..., 30 September
    summary = september.summary()
    assert "The data begin on 2026-08-16, part-way through the previous period (August 2026): the report does not " \
           "compare with it, since the data hold only part of it, and measures no rank changes." in summary.paragraphs
    assert "Previous" not in summary.table.columns
    october = build_report(**kw, period="2026-10")
    assert october.data_start == {} and october.previous.wide["revenue"].sum() == 1000 and not october.data_end
    assert "Previous" in october.summary().table.columns


def test_a_direct_report_on_ordered_revenue_shows_revenue_in_its_distributions(tmp_path):
    """A direct plan paying on orders (no received-money columns) drew its team distribution
    of New customers, all 0 but one dot, in a quarter where one person had a new customer:
    the headline of the distributions is revenue on the plan's basis, as the summary's is."""
    from salesperf_kit.reporting import build_report

    plan = _sparse_orders(tmp_path, "2026-10-29")
    report = build_report(business="direct", params_file=str(plan), data_path=str(tmp_path / "data"),
                          period="2025-10", language="en")
    assert report.kpis.wide["new_customers"].sum() == 1  # C1's first order, 2025-10-02
    section = report.distributions()
    assert section.table.columns[1] == report._label("revenue")
    assert section.table.iloc[:, 1].sum() == 1000  # 400 + 600 in October 2025


def _sparse_orders(tmp_path, last: str) -> Path:
    """A direct plan paying on orders; E1 sells 100 every third day from 2026-07-31 to
    ``last`` (October: the 2nd, 5th, ..., 29th; September: 2nd, ..., 29th), 500 on
    2026-09-30, and 400 + 600 on 2025-10-02 and 2025-10-31."""
    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["E1", "E2"], "team": ["A", "A"],
                  "role": "rep"}).to_csv(data / "employees.csv", index=False)
    days = _every_third_day(last)
    dates = days + ["2026-09-30", "2025-10-02", "2025-10-31"]
    amounts = [100] * len(days) + [500, 400, 600]
    pd.DataFrame({"order_id": [f"O{i}" for i in range(len(dates))], "employee_id": "E1", "customer_id": "C1",
                  "order_date": dates, "amount": amounts, "status": "completed"}).to_csv(data / "orders.csv", index=False)
    plan = tmp_path / "client.yaml"
    plan.write_text("extends: direct\nkpi_options: {revenue_basis: ordered}\nincentives: {commission: {basis: ordered}}\n",
                    encoding="utf-8")
    return plan


def test_a_complete_month_of_a_sparse_order_table_is_reported_whole(tmp_path):
    """Orders every third day, the last on 29 October (a tail of 3 days, the usual gap):
    the month is complete, so last year is the whole of October 2025 (400 + 600 = 1,000, not
    400 up to the 29th) and the previous month includes its 30th (10 x 100 + 500 = 1,500)."""
    from salesperf_kit.reporting import build_report

    plan = _sparse_orders(tmp_path, "2026-10-29")
    kw = dict(business="direct", params_file=str(plan), data_path=str(tmp_path / "data"), period="2026-10",
              language="en")
    report = build_report(**kw)
    assert (report.data_end, report.as_of) == ("", "2026-10-31")
    assert "Note" not in report.cover().paragraphs[0]
    assert report.kpis.wide["revenue"].sum() == 1000
    assert report.last_year.wide["revenue"].sum() == 1000 and report.previous.wide["revenue"].sum() == 1500


def test_an_export_said_complete_with_as_of_is_reported_whole(tmp_path):
    """Orders every third day up to 26 October (a tail of 6 days): ending early, compared
    with 2026-09-01..26 (9 x 100) and 2025-10-01..26 (400), unless the user says the export
    is complete with as_of the period's last day."""
    from salesperf_kit.reporting import build_report

    plan = _sparse_orders(tmp_path, "2026-10-26")
    kw = dict(business="direct", params_file=str(plan), data_path=str(tmp_path / "data"), period="2026-10",
              language="en")
    cut = build_report(**kw)
    assert (cut.data_end, cut.as_of) == ("2026-10-26", "2026-10-26")
    assert cut.kpis.wide["revenue"].sum() == 900
    assert cut.last_year.wide["revenue"].sum() == 400 and cut.previous.wide["revenue"].sum() == 900
    whole = build_report(**kw, as_of="2026-10-31")
    assert (whole.data_end, whole.as_of) == ("", "2026-10-31")
    assert whole.last_year.wide["revenue"].sum() == 1000 and whole.previous.wide["revenue"].sum() == 1500


def test_a_file_the_system_refuses_fails_that_report_with_a_message_not_the_batch(tmp_path, monkeypatch):
    """A report folder the cron user may not write (or an unreadable export, a full disk)
    ended the whole batch on a Python traceback: no summary, the other clients unreported.
    It is now that report's failure, naming the path and what to check."""
    from salesperf_kit import report

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "reports" / "2026-10"))

    monkeypatch.setattr(report, "_run_report", refused)
    result = report._run_one("online", str(PARAMS_DIR / "online.yaml"), "demo", "2026-10", False,
                             tmp_path / "reports")
    assert result.status == "failed"
    assert result.error == (f"The system refused to read or write {tmp_path / 'reports' / '2026-10'}: Permission "
                            "denied. Check that the user running salesperf may read the data and write the reports "
                            "folder, and that the disk has free space; then rerun.")
    # the manifest lists a data file it cannot read (a lock file) instead of stopping on it
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("order_id\n1\n", encoding="utf-8")
    real = report.sha256_of
    monkeypatch.setattr(report, "sha256_of", lambda f: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if f.name == "orders.csv" else real(f))
    [entry] = [i for i in report._inputs(str(tmp_path / "data"), PARAMS_DIR / "online.yaml") if i["kind"] == "data"]
    assert entry["unreadable"] == "Permission denied" and "sha256" not in entry


def test_run_all_resolves_previous_once_for_the_whole_batch(monkeypatch):
    """Each report resolved --period previous on its own, so a batch running as the month
    turned could write its reports for two different months."""
    from salesperf_kit import report
    from salesperf_kit.periods import parse_period

    months = iter(["2026-10", "2026-11", "2026-12"])
    monkeypatch.setattr(report, "last_complete_month", lambda: parse_period(next(months)))
    seen = {}

    def run_many(todo, period, **kw):
        seen["period"] = period
        return []

    monkeypatch.setattr(report, "run_many", run_many)
    report.run_all("previous", progress=False)
    assert seen["period"] == "2026-10"


def test_a_report_another_run_is_writing_is_left_to_it(tmp_path, monkeypatch):
    """Two runs of the same report (two cron jobs, a run started by hand during a batch) both
    ran it in full and both said ok, and the later one replaced the first's report without
    --force: the "exists" check came at the start only. The second run now finds the
    report's lock taken, runs nothing, and names the run that holds it."""
    import os
    import threading

    from salesperf_kit import report
    from salesperf_kit.exceptions import ReportBusyError, ReportExistsError

    running, go_on, ran = threading.Event(), threading.Event(), []

    class Kernel:
        kernel_name = "python3"

        def shutdown_kernel(self, now=False):
            pass

    def execute(nb_in, nb_out, parameters, km, *, progress):  # a notebook that takes its time
        ran.append(parameters["output_dir"])
        running.set()
        go_on.wait(10)
        nbformat.write(nbformat.v4.new_notebook(), nb_out)

    monkeypatch.setattr(report.Kernels, "take", lambda self, ahead=True: Kernel())
    monkeypatch.setattr(report, "_execute", execute)
    reports = tmp_path / "reports"
    dest = reports / "2026-10" / "acme" / "online"
    kw = dict(data="demo", period="2026-10", client="acme", reports_dir=reports)
    first = {}
    thread = threading.Thread(target=lambda: first.update(result=run_report("online", PARAMS_DIR / "online.yaml", **kw)))
    thread.start()
    try:
        assert running.wait(60), "the first run did not start its notebook"
        with pytest.raises(ReportBusyError) as busy:
            run_report("online", PARAMS_DIR / "online.yaml", force=True, **kw)
    finally:
        go_on.set()
        thread.join(60)
    assert len(ran) == 1, "the second run ran the report too"
    lock = reports / ".locks" / "2026-10_acme_online.lock"
    assert str(busy.value).startswith(f"Another run is writing the report at {dest}: its lock {lock} is held by "
                                      f"pid {os.getpid()} on ")
    assert busy.value.holder["pid"] == os.getpid() and busy.value.holder["started"]
    assert first["result"].status == "ok" and (dest / "report.html").is_file()
    # nothing of the lock is left, in the report or beside it
    assert not (reports / ".locks").exists()
    assert not [p for p in reports.rglob("*") if ".lock" in p.name and p.name != ".staging.lock"]  # (see _staging_lock)
    with pytest.raises(ReportExistsError):  # the lock is free again: the report is in place
        run_report("online", PARAMS_DIR / "online.yaml", **kw)
    # in a batch, a report another run holds is not a success
    held = report._ReportLock(reports, reports / "2026-10" / "演示客户" / "online")
    try:
        result = report._run_one("online", str(PARAMS_DIR / "online.yaml"), "demo", "2026-10", False, reports)
    finally:
        held.release()
    assert result.status == "busy" and result.error.startswith("Another run is writing the report at ")
    assert len(ran) == 1 and not (reports / ".locks").exists()


def test_a_report_without_the_period_s_targets_says_so_at_the_command_line(small_data, tmp_path):
    """A targets file that lacks October: revenue, scored against targets, scores for nobody
    and its weight goes to the other KPIs. The report says so inside; a cron log must too."""
    import shutil

    from salesperf_kit.report import completeness_warnings
    from salesperf_kit.reporting import build_report

    data = tmp_path / "data"
    shutil.copytree(small_data["online"], data)
    t = pd.read_csv(data / "targets.csv", dtype=str)
    t[t["period"] != "2026-10"].to_csv(data / "targets.csv", index=False)
    # (the run warns of what the report's record lists, as for data that end early above)
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(data),
                          period="2026-10")
    report.save(tmp_path / "out")
    m = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert m["report"]["without_targets"] == ["revenue"] and m["report"]["language"] == "zh"
    assert completeness_warnings(m["report"], parse_period("2026-10")) == [
        "2026-10 没有任何人的「销售额」目标：该指标按目标达成率计分，本期无人得分，其权重分给了其他指标。"
        "请在数据中补上 2026-10 的目标（salesperf validate --period 2026-10 会列出缺少的目标）。"]



def test_a_kpi_the_data_cannot_give_is_not_said_to_lack_only_its_targets(small_data, tmp_path):
    """Orders without payments under a plan that scores received revenue against targets:
    the run told the consultant to add received_revenue targets, which cannot help, since
    the KPI is not computed at all (the report's plan diagnostics say why). Team revenue,
    computed and without targets, is still said."""
    import shutil

    from salesperf_kit.reporting import build_report

    data = tmp_path / "data"
    shutil.copytree(small_data["direct"], data)
    o = pd.read_csv(data / "orders.csv", dtype=str)
    o.drop(columns=["paid_amount", "paid_date"]).to_csv(data / "orders.csv", index=False)
    t = pd.read_csv(data / "targets.csv", dtype=str)
    t[t["period"] != "2026-10"].to_csv(data / "targets.csv", index=False)
    plan = tmp_path / "client.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'direct.yaml'}\nkpi_options: {{revenue_basis: ordered}}\n"
                    "incentives:\n  commission: {basis: ordered}\n", encoding="utf-8")
    report = build_report(business="direct", params_file=str(plan), data_path=str(data), period="2026-10")
    report.save(tmp_path / "out")
    m = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert "received_revenue" not in report.kpis.kpis
    assert m["report"]["without_targets"] == ["team_revenue"]
    # what the plan weighs and the data cannot give is said at the command line (and fails --strict):
    # an export whose calls, service or reviews did not arrive scored agents on revenue alone, unsaid
    assert m["report"]["unscorable"]["received_revenue"] == {
        "needs": "column(s) paid_amount, paid_date of 'orders'", "needs_zh": "「订单」表的「回款金额」（paid_amount）、「回款日期」（paid_date）列"}
    from salesperf_kit.report import completeness_warnings

    said = completeness_warnings(dict(m["report"], language="en"), parse_period("2026-10"))
    assert said[0] == ("the data lack what KPIs the plan weighs need (received_revenue needs column(s) paid_amount, "
                       "paid_date of 'orders'): they score for no one and their weight goes to the other KPIs. If the "
                       "export is incomplete, rerun once it is whole; if the data never have it, change the roles' "
                       "weights.")


def test_strict_fails_a_report_whose_data_end_early_and_keeps_the_earlier_one(small_data, tmp_path):
    """A payroll run under cron on an export taken on the 6th wrote a report that paid people
    on five days, with a warning nobody read. With strict, the report is a failed run: the
    earlier report stays, the report goes under _failed, and the message says why and that it
    would have been written without --strict."""
    data = _export_taken_on(small_data["online"], tmp_path / "early", "2026-10-06")
    reports = tmp_path / "reports"
    earlier = reports / "2026-10" / "acme" / "online"
    earlier.mkdir(parents=True)
    (earlier / "report.html").write_text("the earlier report", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        run_report("online", PARAMS_DIR / "online.yaml", data=str(data), period="2026-10", client="acme",
                   reports_dir=reports, force=True, strict=True)
    [failed] = list((reports / "_failed" / "2026-10" / "acme").glob("online-*"))
    assert str(err.value) == (
        "The online report for 2026-10 failed: --strict: the data are incomplete, so the report was not put in "
        "place:\n  - 数据只到 2026-10-05，而 2026-10 到 2026-10-31 才结束：报告按部分期间排名和计酬。请确认导出完整"
        "（若完整、只是最后几天没有记录，用 --as-of 2026-10-31 说明）。\nWithout --strict it would have been written, "
        "with the warning(s) above. Fix: export the data (and the targets) of the whole period and rerun, or rerun "
        "without --strict to deliver a report of part of "
        f"the period.\nThe report (as it would have been written) is kept in {failed}; any earlier report in "
        f"{earlier} is untouched.")
    assert (earlier / "report.html").read_text(encoding="utf-8") == "the earlier report"
    m = json.loads((failed / "manifest.json").read_text(encoding="utf-8"))
    assert m["status"] == "failed" and m["report"]["data_end"] == "2026-10-05" and "--strict" in m["error"]
    assert not list((reports / ".staging").iterdir()) and not (reports / ".locks").exists()


def test_a_strict_batch_fails_a_report_in_place_that_was_written_from_incomplete_data(tmp_path):
    """A report written without --strict from an export taken on the 6th stayed the payroll
    report: a --strict batch skipped it as already written, exit 0. Its own record says it
    is incomplete, so the batch fails it (leaving it in place) and says to rerun with --force."""
    from salesperf_kit import report as report_module
    from salesperf_kit.params import load_params

    reports = tmp_path / "reports"
    client = load_params(PARAMS_DIR / "online.yaml").client_key
    folder = reports / "2026-10" / client / "online"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("the 6-day report", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"status": "ok", "parameters": {}, "report": {
        "period": "2026-10", "data_end": "2026-10-05", "partial_tables": {}, "without_targets": [],
        "language": "en"}}), encoding="utf-8")
    args = ("online", str(PARAMS_DIR / "online.yaml"), "demo", "2026-10", False, reports)
    assert report_module._run_one(*args).status == "skipped"
    r = report_module._run_one(*args, strict=True)
    assert r.status == "failed" and r.error.startswith(
        f"--strict: the report in place at {folder} was written from incomplete data (its manifest.json says so):"
        "\n  - the data end on 2026-10-05, before 2026-10 does (2026-10-31)")
    assert r.error.endswith("It was left as it is. Fix: once the data of the whole period are in, rerun with --force "
                            "to replace it.")
    assert (folder / "report.html").read_text(encoding="utf-8") == "the 6-day report"
    # a failure like any other for a monitor of _failed/
    [kept] = (reports / "_failed" / "2026-10" / client).iterdir()
    assert kept.name.startswith("online-2") and json.loads(
        (kept / "manifest.json").read_text(encoding="utf-8"))["error"] == r.error


def test_the_completeness_warnings_come_from_the_report_s_own_record():
    """What --strict fails on and what a run warns of are the same list, read from the
    manifest's record of the report (not from its text)."""
    from salesperf_kit.report import completeness_warnings

    p = parse_period("2026-06")
    assert completeness_warnings({"data_end": None, "partial_tables": {}}, p) == []
    assert completeness_warnings({"data_end": None, "partial_tables": {
        "leads": {"way": "ends", "day": "2026-05-31", "others": "2026-06-30", "kpis": ["lead_conversion"]},
        "calls": {"way": "starts", "day": "2026-06-10", "others": "2026-06-01", "kpis": ["calls", "connect_rate"]},
    }}, p) == [
        "the calls data start on 2026-06-10 while the other data start by 2026-06-01: calls, connect_rate count the "
        "calls from that day only, a partial figure. Check that the calls export covers the whole of 2026-06.",
        "the leads data end on 2026-05-31 while the other data go on to 2026-06-30: lead_conversion count the leads "
        "up to that day only, a partial figure. Check that the leads export covers the whole of 2026-06."]
    [end] = completeness_warnings({"data_end": "2026-06-20"}, p)  # (a manifest written before partial_tables)
    assert end.startswith("the data end on 2026-06-20, before 2026-06 does (2026-06-30)")
    # in the report's language; a KPI scored against targets that nobody has for the period
    zh = completeness_warnings({"language": "zh", "without_targets": ["revenue"], "partial_tables": {
        "calls": {"way": "starts", "day": "2026-06-10", "others": "2026-06-01", "kpis": ["calls"]}}}, p)
    assert zh == [
        "通话数据从 2026-06-10 才开始，而其他数据在 2026-06-01 已有记录：「呼叫量」只计入了该日起的通话数据，是部分结果。"
        "请确认通话导出覆盖整个 2026-06。",
        "2026-06 没有任何人的「销售额」目标：该指标按目标达成率计分，本期无人得分，其权重分给了其他指标。"
        "请在数据中补上 2026-06 的目标（salesperf validate --period 2026-06 会列出缺少的目标）。"]
    assert completeness_warnings({"without_targets": ["revenue"]}, p) == [
        "nobody has a revenue target for 2026-06: revenue, scored against targets, scores for no one and its weight "
        "goes to the other KPIs. Add the targets of 2026-06 to the data (salesperf validate --period 2026-06 lists "
        "what is missing)."]
    assert completeness_warnings({"data_end": "2026-06-20"}, p, as_of="2026-06-20") == [
        "the report covers 2026-06 up to 2026-06-20 only (--as-of 2026-06-20): it ranks and pays people on part of "
        "the period."]


def test_a_failed_attempt_is_named_with_its_start_in_utc(tmp_path):
    """A failed folder named 20261124T130841 read as local time on a server at +08:00 is
    eight hours off: the start is in UTC and says so."""
    from datetime import datetime, timedelta, timezone

    from salesperf_kit.report import failed_folder

    dest = tmp_path / "2026-10" / "acme" / "online"
    started = datetime(2026, 11, 24, 13, 8, 41, tzinfo=timezone(timedelta(hours=8)))
    assert failed_folder(tmp_path, "2026-10", "acme", dest, started) == \
        tmp_path / "_failed" / "2026-10" / "acme" / "online-20261124T050841Z"


def test_a_report_that_succeeds_moves_its_own_earlier_failures_to_resolved(tmp_path):
    """_failed/ only grew: a monitor watching it went on alerting on reports that had since
    succeeded. Their failed attempts go to _failed/_resolved/ (kept for an audit), and
    nothing else is touched: another report's failures, another variant's, another
    period's or client's, or a file that is not an attempt."""
    from salesperf_kit.report import resolve_failed

    failed = tmp_path / "_failed"
    mine = [failed / "2026-10" / "acme" / n for n in ("online-20261103T220001Z", "online-20261102T060001")]
    others = [failed / "2026-10" / "acme" / "online-en-20261102T060001Z",
              failed / "2026-10" / "acme" / "telesales-20261102T060001Z",
              failed / "2026-10" / "beta" / "online-20261102T060001Z",
              failed / "2026-09" / "acme" / "online-20261002T060001Z",
              failed / "2026-10" / "acme" / "online-notes"]
    for folder in mine + others:
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text('{"status": "failed"}', encoding="utf-8")
    dest = tmp_path / "2026-10" / "acme" / "online"
    moved = resolve_failed(tmp_path, "2026-10", "acme", dest)
    resolved = failed / "_resolved" / "2026-10" / "acme"
    assert moved == [resolved / "online-20261102T060001", resolved / "online-20261103T220001Z"]
    assert all((m / "manifest.json").is_file() for m in moved) and not any(f.exists() for f in mine)
    assert all((f / "manifest.json").is_file() for f in others)
    assert resolve_failed(tmp_path, "2026-10", "acme", dest) == []
    # a period and client left with nothing failed leave no empty folders behind
    (failed / "2026-10" / "beta" / "online-20261102T060001Z" / "manifest.json").unlink()
    assert resolve_failed(tmp_path, "2026-10", "beta", tmp_path / "2026-10" / "beta" / "online") == \
        [failed / "_resolved" / "2026-10" / "beta" / "online-20261102T060001Z"]
    assert not (failed / "2026-10" / "beta").exists() and (failed / "2026-10" / "acme").is_dir()


def test_a_success_resolves_the_failures_kept_under_its_plan_file_s_name(tmp_path):
    """Failures kept before a notebook ran name their plan file: a report's success moves
    the report's failures and those kept under its plan file's name (its client could not
    be read then), not those kept under another file's name."""
    from salesperf_kit.report import resolve_failed

    failed = tmp_path / "_failed" / "2026-10"
    plan, other = tmp_path / "clients" / "acme.yaml", tmp_path / "clients" / "acme-copy.yaml"

    def attempt(folder, of):
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"parameters": {"params_file": str(of)}}),
                                              encoding="utf-8")
        return folder

    mine = [attempt(failed / "Acme_Ltd" / "online-20261102T060001Z", plan),
            attempt(failed / "Acme_Ltd" / "online-20261102T060002Z", other),  # (this report, run from a copy)
            attempt(failed / "acme" / "online-20261101T060001Z", plan),  # the plan could not be read then
            attempt(failed / "acme" / "plan-20261101T050001Z", plan)]  # nor its business type
    theirs = [attempt(failed / "acme-copy" / "online-20261102T060002Z", other),
              attempt(failed / "acme" / "online-20261101T060002Z", other)]
    moved = resolve_failed(tmp_path, "2026-10", "Acme Ltd", tmp_path / "2026-10" / "Acme_Ltd" / "online", plan)
    resolved = tmp_path / "_failed" / "_resolved" / "2026-10"
    assert sorted(moved) == sorted([resolved / "Acme_Ltd" / "online-20261102T060001Z",
                                    resolved / "Acme_Ltd" / "online-20261102T060002Z",
                                    resolved / "acme" / "online-20261101T060001Z",
                                    resolved / "acme" / "plan-20261101T050001Z"])
    assert not any(f.exists() for f in mine) and all(f.is_dir() for f in theirs)


def test_a_single_run_that_fails_before_its_notebook_is_kept_under_failed(tmp_path):
    """`salesperf run` of a client file whose export has not arrived: the error as before,
    and a failed attempt a monitor of _failed/ sees."""
    from salesperf_kit.report import record_failure

    (tmp_path / "params" / "clients").mkdir(parents=True)
    plan = tmp_path / "params" / "clients" / "acme.yaml"
    plan.write_text("extends: online\ndata: {path: ../../exports/acme}\nreport: {language: en}\n", encoding="utf-8")
    with pytest.raises(SalesperfError, match="data.path") as err:
        run_report("online", plan, period="2026-10", reports_dir=tmp_path / "reports", anonymise=True)
    [kept] = (tmp_path / "reports" / "_failed" / "2026-10" / "Demo_client").iterdir()
    assert kept.name.startswith("online-anonymised-") and kept.name.endswith("Z")
    manifest = json.loads((kept / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["status"], manifest["error"], manifest["period"]) == ("failed", str(err.value), "2026-10")
    # a period that cannot be read names nothing to keep it under: the message says it all
    assert record_failure("bad period", "online", plan, "2026-13", reports_dir=tmp_path / "r") is None
    assert not (tmp_path / "r").exists()


def test_an_export_rewritten_while_its_report_runs_fails_the_run(small_data, tmp_path, monkeypatch):
    """The manifest hashed the inputs before the notebook read them: an export still being
    copied in when a scheduled run started gave a report of part of the new file and a
    manifest whose SHA-256 described the old one. A file that differs at the end of the run
    fails it, says which file and how, and leaves the earlier report in place."""
    import shutil

    from salesperf_kit import report

    data = tmp_path / "data"
    shutil.copytree(small_data["online"], data)
    orders = data / "orders.csv"
    size = orders.stat().st_size

    class Kernel:
        kernel_name = "python3"

        def shutdown_kernel(self, now=False):
            pass

    def execute(nb_in, nb_out, parameters, km, *, progress):  # the export's last rows arrive meanwhile
        with open(orders, "a", encoding="utf-8") as fh:
            fh.write("\n")
        nbformat.write(nbformat.v4.new_notebook(), nb_out)

    monkeypatch.setattr(report.Kernels, "take", lambda self, ahead=True: Kernel())
    monkeypatch.setattr(report, "_execute", execute)
    reports = tmp_path / "reports"
    earlier = reports / "2026-10" / "acme" / "online"
    earlier.mkdir(parents=True)
    (earlier / "report.html").write_text("the earlier report", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        run_report("online", PARAMS_DIR / "online.yaml", data=str(data), period="2026-10", client="acme",
                   reports_dir=reports, force=True)
    [failed] = list((reports / "_failed" / "2026-10" / "acme").glob("online-*"))
    assert str(err.value) == (
        f"The online report for 2026-10 failed: An input changed while the report ran, so the report could mix its "
        f"old and new contents and its manifest would not say what was read: {orders} ({size:,} bytes when the run "
        f"started, {size + 1:,} bytes and another SHA-256 at its end). Fix: run the report again once the file is "
        "complete. For a scheduled run, have the export written under another name and renamed when it is "
        "complete, or finished well before the run starts.\n"
        f"The report (as it would have been written) is kept in {failed}; any earlier report in {earlier} is "
        "untouched.")
    assert (earlier / "report.html").read_text(encoding="utf-8") == "the earlier report"
    assert json.loads((failed / "manifest.json").read_text(encoding="utf-8"))["status"] == "failed"


def test_a_file_touched_but_unchanged_is_not_a_change(tmp_path):
    from salesperf_kit import report

    f = tmp_path / "orders.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    [entry] = [report._input(f, "data")]
    assert report._changed_inputs([entry]) == []
    os.utime(f, ns=(0, 10**9))  # touched: another time, the same bytes
    assert report._changed_inputs([entry]) == []
    f.unlink()
    assert report._changed_inputs([entry]) == [f"{f} (8 bytes when the run started, removed at its end)"]
