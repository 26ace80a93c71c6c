"""Stopping a run: Ctrl-C and SIGTERM stop a batch promptly and leave nothing running and
nothing half-written; what a killed run leaves in reports/.staging, a later run removes."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil  # (a dependency of ipykernel)
import pytest

import salesperf_kit
from salesperf_kit.exceptions import SalesperfError
from salesperf_kit.params import PARAMS_DIR
from salesperf_kit.report import run_report

ROOT = Path(salesperf_kit.__file__).resolve().parent.parent
# the command, with Ctrl-C doing what it does in a terminal even if this process ignores it
SALESPERF = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
             "from salesperf_kit.cli import main; sys.argv[0] = 'salesperf'; main()")


def _clients(tmp_path: Path, data: Path, names) -> Path:
    """A params folder with one online client file per name (and no shipped plan)."""
    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    for name in names:
        (pdir / "clients" / f"{name}.yaml").write_text(
            f"extends: {PARAMS_DIR / 'online.yaml'}\ndata: {{path: {data}}}\nreport: {{client: {name}}}\n",
            encoding="utf-8")
    return pdir


def _start(*args) -> subprocess.Popen:
    """`salesperf ARGS` in a process group of its own, as a terminal starts a command."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    return subprocess.Popen([sys.executable, "-c", SALESPERF, *map(str, args)], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, proc: subprocess.Popen, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the run ended before {what}: {proc.communicate()}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def _kernels(proc: subprocess.Popen) -> list[psutil.Process]:
    """The Jupyter kernels that the run (or its worker processes) started and that run."""
    found = []
    for p in psutil.Process(proc.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(p.cmdline()) and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except psutil.Error:
            pass
    return found


def _running(reports: Path, proc: subprocess.Popen, n: int):
    """True once ``n`` reports are being produced, each in a kernel."""
    staging = reports / ".staging"
    return lambda: staging.is_dir() and len(list(staging.iterdir())) >= n and len(_kernels(proc)) >= n


@pytest.mark.slow
@pytest.mark.parametrize("jobs, to, signum", [
    (2, "group", signal.SIGINT),  # Ctrl-C in a terminal: every process of the foreground group
    (2, "parent", signal.SIGINT),
    (2, "parent", signal.SIGTERM),  # kill, cron, systemd
    (1, "group", signal.SIGINT),
], ids=["ctrl-c-jobs-2", "sigint-to-parent-jobs-2", "sigterm-jobs-2", "ctrl-c-jobs-1"])
def test_an_interrupted_batch_stops_and_leaves_nothing_behind(small_data, tmp_path, jobs, to, signum):
    """The batch stops at once: exit code 128 + signal, a message naming the reports that
    were done, no worker process or kernel left, no staging folder, and the earlier report
    of a report that was stopped is untouched (the batch runs with --force)."""
    pdir = _clients(tmp_path, small_data["online"], ["a", "b"])
    reports = tmp_path / "reports"
    earlier = reports / "2026-10" / "b" / "online"
    earlier.mkdir(parents=True)
    (earlier / "report.html").write_text("the earlier report", encoding="utf-8")
    proc = _start("run-all", "--period", "2026-10", "--jobs", jobs, "--force", "--reports-dir", reports,
                  "--params-dir", pdir)
    started: list[psutil.Process] = []
    try:
        # two at a time: both reports running; one at a time: the second one (the first is done)
        if jobs == 1:
            _wait_for(lambda: (reports / "2026-10" / "a" / "online" / "report.html").exists(), proc, "report a")
        _wait_for(_running(reports, proc, jobs), proc, "the reports to run")
        started = psutil.Process(proc.pid).children(recursive=True)  # workers, kernels, resource tracker
        if to == "group":
            os.killpg(proc.pid, signum)
        else:
            os.kill(proc.pid, signum)
        out, err = proc.communicate(timeout=60)  # (generous: only so that a hang cannot block the suite)
        assert proc.returncode == 128 + signum, (out, err)
        how = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
        assert f"Interrupted ({how}): " in err, err
        if jobs == 1:
            assert "1 of 2 report(s) were done (listed above)" in err
            assert out.splitlines()[-1].startswith("ok     online     a "), out
        gone, alive = psutil.wait_procs(started, timeout=15)
        assert not alive, [" ".join(p.cmdline())[:120] for p in alive]
        assert not list((reports / ".staging").iterdir()), "a staging folder was left behind"
        assert (earlier / "report.html").read_text(encoding="utf-8") == "the earlier report"
        assert not (reports / "_failed").exists(), "a stopped report is not a failed one"
    finally:  # (after a failure) whatever is left of the run
        proc.kill()
        for p in started:
            try:
                p.kill()
            except psutil.Error:
                pass
        proc.communicate()


def _fails_at_once(reports: Path) -> None:
    """A run that gets as far as its staging folder and then fails without a kernel."""
    with pytest.raises(SalesperfError, match="no parameter"):
        run_report("online", PARAMS_DIR / "online.yaml", data="demo", period="2026-10", client="acme",
                   reports_dir=reports, extra={"colour": "red"})


def test_a_later_run_removes_what_a_killed_run_left_in_staging(tmp_path):
    reports = tmp_path / "reports"
    left = reports / ".staging" / "online-0123abcd"  # (as any version of the kit leaves it)
    left.mkdir(parents=True)
    (left / "report.ipynb").write_text("{}", encoding="utf-8")
    _fails_at_once(reports)
    assert not any((reports / ".staging").iterdir())


def test_the_staging_folder_of_a_live_run_is_left_alone(tmp_path):
    """Another run (another cron job) is still producing its report: its folder stays.
    Once it has been killed (SIGKILL: it could not clean up), the next run removes it."""
    reports = tmp_path / "reports"
    code = ("import sys, time; from pathlib import Path; from salesperf_kit.report import _Staging; "
            "s = _Staging(Path(sys.argv[1]), 'telesales'); (s.folder / 'report.ipynb').write_text('{}'); "
            "print(s.folder, flush=True); time.sleep(120)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    other = subprocess.Popen([sys.executable, "-c", code, str(reports)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        folder = Path(other.stdout.readline().strip())
        assert folder.parent == reports / ".staging", "the other run did not start"
        _fails_at_once(reports)
        assert (folder / "report.ipynb").exists(), "a live run's staging folder was removed"
    finally:
        other.kill()
        other.wait()
    _fails_at_once(reports)
    assert not folder.exists()


def test_an_earlier_report_moved_aside_by_a_killed_run_is_put_back(tmp_path):
    """A run killed between moving the earlier report aside and moving its own into place
    (two renames that SIGKILL alone can separate): the earlier report goes back."""
    reports = tmp_path / "reports"
    old = reports / ".staging" / "online-0123abcd.old"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text(json.dumps({"status": "ok"}), encoding="utf-8")
    (reports / ".staging" / "online-0123abcd.old.home").write_text("2026-10/acme/online", encoding="utf-8")
    _fails_at_once(reports)
    assert json.loads((reports / "2026-10" / "acme" / "online" / "manifest.json").read_text()) == {"status": "ok"}
    assert not any((reports / ".staging").iterdir())


def test_a_stop_does_not_wait_for_ever_for_a_stuck_notebook_thread(tmp_path, monkeypatch, ctrl_c_raises):
    """A stop that lands while nbclient connects to the kernel can leave Papermill's thread
    stuck in its own clean-up; the run shuts its kernel down and stops anyway."""
    import threading

    import papermill

    from salesperf_kit import report

    released = threading.Event()  # set only once the run has stopped: the notebook thread is stuck till then
    started, finished = threading.Event(), threading.Event()

    def stuck(*_args, **_kwargs):
        started.set()
        released.wait(30)  # (bounded, so that waiting for ever fails this test instead of hanging it)
        finished.set()

    class Kernel:
        kernel_name = "python3"
        shut_down = False

        def client(self, **_kw):  # (never called by the stand-in notebook run)
            raise AssertionError

        def shutdown_kernel(self, now=False):
            self.shut_down = True

    monkeypatch.setattr(papermill, "execute_notebook", stuck)
    monkeypatch.setattr(report, "_NOTEBOOK_STOP_SECONDS", 0.2)
    km = Kernel()
    main = threading.get_ident()

    def stop() -> None:  # Ctrl-C once the run waits for its notebook (a signal sent just before
        started.wait(5)  # the wait begins is only seen once the wait ends)
        time.sleep(0.5)
        signal.pthread_kill(main, signal.SIGINT)

    threading.Thread(target=stop).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            report._execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb", {}, km, progress=False)
        assert not finished.is_set(), "the run waited for the stuck notebook thread"
        assert km.shut_down
    finally:
        released.set()


def test_a_stop_does_not_wait_for_ever_to_close_a_kernel_client(tmp_path, monkeypatch, ctrl_c_raises):
    """After a stop that lands while nbclient connects, closing the kernel client's zmq
    context can wait for ever for a socket that was never closed (seen under load in a
    batch stopped by Ctrl-C); the run closes its clients for a while, then stops anyway.
    A run that was not stopped still closes them."""
    import threading

    import papermill

    from salesperf_kit import report

    released = threading.Event()
    started = threading.Event()
    closing: list[int] = []  # the clients whose closing began

    class Client:
        closed = False

        def stop_channels(self):
            closing.append(id(self))
            released.wait(30)  # (bounded, so that waiting for ever fails this test instead of hanging it)
            self.closed = True

    class Kernel:
        kernel_name = "python3"

        def client(self, **_kw):
            return Client()

        def shutdown_kernel(self, now=False):
            pass

    def connecting(*_args, km, **_kwargs):
        km.client()
        started.set()
        time.sleep(0.6)  # (the notebook thread ends while the stop waits for it, as in the hang seen)

    monkeypatch.setattr(papermill, "execute_notebook", connecting)
    monkeypatch.setattr(report, "_NOTEBOOK_STOP_SECONDS", 1.0)
    main = threading.get_ident()

    def stop() -> None:
        started.wait(5)
        time.sleep(0.3)
        signal.pthread_kill(main, signal.SIGINT)

    threading.Thread(target=stop).start()
    t0 = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            report._execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb", {}, Kernel(), progress=False)
        assert time.monotonic() - t0 < 10, "the stopped run waited for its kernel client to close"
        assert len(closing) == 1, "the stopped run did not try to close its kernel client"
    finally:
        released.set()

    made: list[Client] = []

    class Finished(Kernel):
        def client(self, **_kw):
            made.append(Client())
            return made[-1]

    monkeypatch.setattr(papermill, "execute_notebook", lambda *_a, km, **_k: km.client())
    report._execute(tmp_path / "in.ipynb", tmp_path / "out.ipynb", {}, Finished(), progress=False)
    assert [c.closed for c in made] == [True]


def test_a_worker_whose_report_does_not_stop_exits_anyway(tmp_path):
    """The batch's parent waits for its workers; a worker whose report does not stop after
    the stop (here: one that holds on for a minute) exits after _WORKER_STOP_SECONDS,
    saying so, with the exit code of SIGTERM."""
    script = tmp_path / "worker.py"
    script.write_text(
        "import multiprocessing, signal, sys, threading, time\n"
        "from salesperf_kit import report\n"
        "report._WORKER_STOP_SECONDS = 1.0\n"
        "signal.signal(signal.SIGTERM, lambda *_: None)  # (the stop's SIGTERM to the main thread changes nothing)\n"
        "reader, writer = multiprocessing.Pipe(duplex=False)\n"
        "report._BUSY.acquire()  # a report that never stops\n"
        "threading.Thread(target=report._await_stop, args=(reader,), daemon=True).start()\n"
        "writer.close()  # the parent stops the batch\n"
        "time.sleep(60)\n"
        "sys.exit(0)\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=50)
    assert done.returncode == 128 + signal.SIGTERM, done
    assert time.monotonic() - t0 < 30
    assert "had not stopped after 1 s" in done.stderr, done.stderr


def test_a_second_stop_while_a_batch_stops_keeps_the_batch_s_count(monkeypatch, ctrl_c_raises):
    """Under systemd or a process-group kill, SIGTERM reaches the workers and the parent: the
    parent, stopping the batch already, got the second signal during its clean-up and said
    "0 of 0 report(s) were done" while two were running. A second stop changes nothing now."""
    from salesperf_kit import report
    from salesperf_kit.exceptions import Interrupted
    from salesperf_kit.report import RunResult

    def run_one(business, *args, ahead, finish):
        if business == "online":
            def settle():  # the first report's export, waited for as the batch stops: a second signal comes
                signal.raise_signal(signal.SIGINT)
                return RunResult("online", "2026-10", "a", "ok", tmp, 1.0)
            return settle
        raise Interrupted(signum=signal.SIGTERM)

    tmp = Path("reports")
    monkeypatch.setattr(report, "_run_one", run_one)
    todo = [("online", PARAMS_DIR / "online.yaml", None), ("direct", PARAMS_DIR / "direct.yaml", None)]
    with pytest.raises(KeyboardInterrupt) as stop:
        report.run_many(todo, period="2026-10", jobs=1, progress=False)
    assert isinstance(stop.value, Interrupted) and stop.value.signum == signal.SIGTERM
    assert stop.value.total == 2 and [r.business for r in stop.value.results] == ["online"]
    assert "when 1 of 2 report(s) were done; online a ok" in str(stop.value)


def test_a_stopped_batch_counts_all_its_reports(tmp_path, monkeypatch):
    """However the stop reached run_all (a signal that landed outside run_many's count), the
    total said is the number of reports of the batch, the files that could not be read
    included."""
    from salesperf_kit import report
    from salesperf_kit.exceptions import Interrupted

    pdir = _clients(tmp_path, tmp_path, ["a", "b"])
    (pdir / "clients" / "broken.yaml").write_text("extends: online\nnot_a_key: 1\n", encoding="utf-8")

    def run_many(todo, **kwargs):
        raise Interrupted(signum=signal.SIGTERM)  # (as the CLI's handler raises it: no results, no total)

    monkeypatch.setattr(report, "run_many", run_many)
    with pytest.raises(KeyboardInterrupt) as stop:
        report.run_all("2026-10", params_dir=pdir, reports_dir=tmp_path / "reports", progress=False)
    assert stop.value.total == 3 and [r.client for r in stop.value.results] == ["broken"]
