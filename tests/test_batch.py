"""Batches of reports (run-all, one at a time and in parallel), kernels started ahead,
and plain Papermill."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from salesperf_kit.params import PARAMS_DIR
from salesperf_kit.report import NOTEBOOK_DIR, Kernels, run_all

pytestmark = pytest.mark.slow


def test_run_all_continues_past_a_failure(small_data, tmp_path, monkeypatch):
    """Two reports in parallel, one failing; the data path is relative to the caller's
    working directory (Papermill changes the process's directory while a notebook runs,
    so parallel reports must not share a process)."""
    import os

    monkeypatch.chdir(tmp_path)
    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    shutil.copy(PARAMS_DIR / "online.yaml", pdir / "online.yaml")
    (pdir / "clients" / "broken.yaml").write_text(
        "extends: ../online.yaml\nkpis: [inventory_turnover]\nreport: {client: broken}\n", encoding="utf-8")
    results = run_all("2026-10", jobs=2, reports_dir=tmp_path / "reports", params_dir=pdir,
                      data={"online": os.path.relpath(small_data["online"], tmp_path)}, progress=False)
    status = {(r.business, r.client): r.status for r in results}
    assert status[("online", "演示客户")] == "ok"
    assert status[("online", "broken")] == "failed"
    [broken] = [r for r in results if r.client == "broken"]
    nowhere = (tmp_path / "reports" / "2026-10" / "broken" / "online").resolve()
    assert broken.error.endswith(f"; no report was written to {nowhere}.")  # (not "any earlier report is untouched")
    assert (tmp_path / "reports" / "2026-10" / "演示客户" / "online" / "report.html").exists()


def test_run_all_one_at_a_time_continues_past_a_failure(small_data, tmp_path):
    """The sequential path (kernels started one report ahead): a failing report does not
    stop the next, and no kernel is left running afterwards. A client file's data come
    from its data.path (relative to the file); a plan that names no data fails at once
    instead of running on the demo data."""
    import os

    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    shutil.copy(PARAMS_DIR / "online.yaml", pdir / "online.yaml")  # not a shipped plan here: no data named
    where = Path(os.path.relpath(small_data["online"], pdir / "clients")).as_posix()
    (pdir / "clients" / "broken.yaml").write_text(
        f"extends: ../online.yaml\ndata: {{path: {where}}}\nkpis: [inventory_turnover]\nreport: {{client: broken}}\n",
        encoding="utf-8")
    (pdir / "clients" / "acme.yaml").write_text(
        f"extends: ../online.yaml\ndata: {{path: {where}}}\nreport: {{client: acme}}\n", encoding="utf-8")
    (pdir / "clients" / "copy.yaml").write_text(  # the same client: would replace acme's report
        f"extends: ../online.yaml\ndata: {{path: {where}}}\nreport: {{client: acme}}\n", encoding="utf-8")
    (pdir / "clients" / "bad.yaml").write_text("extends: ../online.yaml\nreport: {clent: x}\n", encoding="utf-8")
    started = []
    real_start = Kernels._start

    def recording(self):
        started.append(real_start(self))
        return started[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Kernels, "_start", recording)
        results = run_all("2026-10", jobs=1, reports_dir=tmp_path / "reports", params_dir=pdir, progress=False)
    # (a plan that fails to load is named by the business its extends chain gives, not '?')
    assert [(r.business, r.client, r.status) for r in results] == [
        ("online", "acme", "ok"), ("online", "acme", "failed"), ("online", "bad", "failed"),
        ("online", "broken", "failed"), ("online", "演示客户", "failed")]
    assert "report.clent (line 2): unknown key. Did you mean 'client'?" in results[2].error
    assert f"{pdir / 'clients' / 'copy.yaml'}: report.client 'acme' is also the client of " in results[1].error
    assert "which data?" in results[4].error
    manifest = json.loads((results[0].folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["data_path"] == str(small_data["online"].resolve())
    assert len(started) == 2, "one kernel per report that runs, none for a report that does not come"
    assert not any(km.is_alive() for km, _ in started)


def test_run_all_exports_one_report_while_the_next_runs(small_data, tmp_path):
    """In a batch run one at a time, a report's HTML export runs in a thread of its own
    (the next notebook runs meanwhile); an export that fails fails only its report, whose
    notebook is kept under _failed. Each result is told (``done``: run-all's log line) as
    soon as it is known: the first once the second report's notebook has run, before the
    second is in place (a cron log held every line until the batch's end)."""
    import threading

    from salesperf_kit import report as report_module

    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    shutil.copy(PARAMS_DIR / "online.yaml", pdir / "online.yaml")
    (pdir / "clients" / "second.yaml").write_text(
        "extends: ../online.yaml\nreport: {client: second}\n", encoding="utf-8")
    threads, real = [], report_module.to_html

    def exporting(notebook, html_path):
        threads.append(threading.get_ident())
        if len(threads) == 1:
            raise OSError("disk full")
        return real(notebook, html_path)

    told = []

    def done(result):
        told.append((result, len(list((tmp_path / "reports" / "2026-10").rglob("manifest.json")))))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report_module, "to_html", exporting)
        results = run_all("2026-10", jobs=1, reports_dir=tmp_path / "reports", params_dir=pdir,
                          data={"online": str(small_data["online"])}, progress=False, done=done)
    assert [r.status for r, _ in told] == ["failed", "ok"] and [n for _, n in told] == [0, 1]
    assert sorted(id(r) for r, _ in told) == sorted(id(r) for r in results)
    failed_run, ok_run = sorted(results, key=lambda r: r.status)
    assert (failed_run.status, ok_run.status) == ("failed", "ok")
    assert "OSError: disk full" in failed_run.error
    assert threading.get_ident() not in threads  # exported beside the batch, not in it
    failed = list((tmp_path / "reports" / "_failed").rglob("report.ipynb"))
    assert len(failed) == 1 and not list(failed[0].parent.glob("report.html"))
    assert (ok_run.folder / "report.html").exists() and (ok_run.folder / "manifest.json").exists()


def test_ctrl_c_while_a_kernel_warms_up_stays_a_ctrl_c_when_its_shutdown_fails(monkeypatch):
    """Ctrl-C on `salesperf run` while the kernel warmed up ended, 3 times in 10, in a
    traceback (asyncio's InvalidStateError, from the kernel's shutdown racing the warm-up
    thread) and exit 1, where the run says it was stopped and exits 130."""
    import asyncio

    class Stuck:
        def join(self):
            raise KeyboardInterrupt

    class Manager:
        shut = 0

        def shutdown_kernel(self, now=False):
            Manager.shut += 1
            raise asyncio.InvalidStateError("invalid state")

    monkeypatch.setattr(Kernels, "_start", lambda self: (Manager(), Stuck()))
    with pytest.raises(KeyboardInterrupt):
        Kernels().take(ahead=False)
    assert Manager.shut == 1


def test_a_kernel_that_dies_as_it_starts_is_replaced(monkeypatch):
    """A fresh clone's `make demo` failed one report in six with "Kernel died before replying
    to kernel_info": its kernel lost a port it had been given to another worker's kernel
    ("Address already in use"). A kernel that is dead once warmed up is replaced, up to
    three starts in all; the dead ones are shut down."""
    class Started:
        def join(self):
            pass

    class Manager:
        made = []

        def __init__(self, alive):
            self.alive, self.shut = alive, False
            Manager.made.append(self)

        def is_alive(self):
            return self.alive

        def shutdown_kernel(self, now=False):
            self.shut = True

    fates = iter([False, True])
    monkeypatch.setattr(Kernels, "_start", lambda self: (Manager(next(fates)), Started()))
    km = Kernels().take(ahead=False)
    assert km is Manager.made[1] and km.alive and Manager.made[0].shut and not km.shut
    # a kernel that never comes up is given up after three starts: the report then says why
    Manager.made = []
    fates = iter([False] * 3)
    km = Kernels().take(ahead=False)
    assert len(Manager.made) == 3 and km is Manager.made[2] and all(m.shut for m in Manager.made[:2])


def test_a_warm_kernel_has_the_package_imported_and_an_empty_namespace():
    with Kernels() as kernels:
        km = kernels.take(ahead=True)
        spare, _ = kernels._spare
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            code = ("import sys; print('salesperf_kit.reporting' in sys.modules, "
                    "sorted(k for k in globals() if not k.startswith('_') and k not in "
                    "('In', 'Out', 'exit', 'quit', 'open', 'get_ipython', 'sys')))")
            out = []
            kc.execute_interactive(code, output_hook=lambda m: out.append(m["content"].get("text", "")), timeout=60)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        assert "".join(out).strip() == "True []"
        assert spare.is_alive() and spare is not km
    assert not spare.is_alive(), "leaving Kernels shuts down the spare kernel"


def test_plain_papermill_still_works(tmp_path):
    """`papermill notebooks/online.ipynb out.ipynb -p period 2026-10` with no other set-up."""
    import subprocess
    import sys

    out = tmp_path / "out.ipynb"
    subprocess.run([sys.executable, "-m", "papermill", str(NOTEBOOK_DIR / "online.ipynb"), str(out),
                    "-p", "period", "2026-09", "--cwd", str(NOTEBOOK_DIR), "-k", "python3"],
                   check=True, capture_output=True)
    nb = nbformat.read(out, as_version=4)
    text = "".join(o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert "2026-09" in text and "执行摘要" in text


def test_a_plan_that_fails_before_its_notebook_is_kept_under_failed_for_the_monitor(small_data, tmp_path):
    """A client whose export has not arrived (data.path names nothing) or whose plan is not
    valid YAML exited 1 and was in the log, but left nothing under _failed/, which the
    README tells a monitor to watch: the most common failure under cron went unseen there.
    Each is now kept as a failed attempt with a manifest saying why; the one whose export
    arrives is moved to _resolved/ once its report succeeds, the other stays."""
    import subprocess

    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    (pdir / "clients" / "late.yaml").write_text(
        "extends: telesales\ndata: {path: ../../exports/late}\nreport: {client: Late Ltd}\n", encoding="utf-8")
    (pdir / "clients" / "gil.yaml").write_text(
        "extends: telesales\nreport:\n  client: Gil\n    language: en\n", encoding="utf-8")
    reports = tmp_path / "reports"
    results = run_all("2026-10", reports_dir=reports, params_dir=pdir, progress=False)
    said = {(r.business, r.client): r.status for r in results}
    assert said == {("telesales", "Late Ltd"): "failed", ("telesales", "gil"): "failed"}
    monitor = subprocess.run("find _failed/[!_]*/ -mindepth 2 -maxdepth 2 -type d | sort", shell=True,
                             cwd=reports, capture_output=True, text=True, check=True).stdout.split()
    assert [Path(m).parent.name for m in monitor] == ["Late_Ltd", "gil"]
    assert all(Path(m).name.startswith("telesales-2") and m.endswith("Z") for m in monitor)
    late = json.loads((reports / monitor[0] / "manifest.json").read_text(encoding="utf-8"))
    assert late["status"] == "failed" and late["stage"] == "before the notebook ran"
    assert late["parameters"]["params_file"] == str((pdir / "clients" / "late.yaml").resolve())
    assert "data.path (line 2) names" in late["error"] and late["client"] == "Late Ltd"
    gil = json.loads((reports / monitor[1] / "manifest.json").read_text(encoding="utf-8"))
    assert "not valid YAML at line 4" in gil["error"]
    # the export arrives: the report is written and its earlier failure leaves the monitor's view
    shutil.copytree(small_data["telesales"], tmp_path / "exports" / "late")
    results = run_all("2026-10", reports_dir=reports, params_dir=pdir, progress=False)
    assert {(r.client, r.status) for r in results} == {("Late Ltd", "ok"), ("gil", "failed")}
    assert (reports / "_failed" / "_resolved" / Path(monitor[0]).relative_to("_failed")).is_dir()
    assert not (reports / monitor[0]).exists()
    assert (reports / monitor[1] / "manifest.json").is_file()
    assert len(list((reports / "_failed" / "2026-10" / "gil").iterdir())) == 2  # (this batch's attempt too)
