"""The report runner: parameterised notebooks executed by Papermill into dated folders.

``run_report`` writes ``reports/<period>/<client>/<business>/`` with the executed
``report.ipynb``, ``report.html`` (no code, no prompts, images embedded, nothing loaded
from the internet), ``scorecard.xlsx``/``.csv``, ``figures/*.png`` and ``manifest.json``.
Everything is produced in a staging folder and moved into place only on success; a failed
run keeps its notebook (failing cell marked by Papermill) under ``reports/_failed/`` and
never touches an earlier good report. A run stopped by Ctrl-C or SIGTERM removes its staging
folder and leaves no kernel or worker process behind (see :func:`_execute` and
:func:`run_many`); what a run killed outright (SIGKILL, a power cut) leaves in
``reports/.staging`` is removed by a later run (see :func:`_staging_lock`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
import uuid
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable

from . import exceptions
from ._files import sha256_of
from ._imports import skip_iri_grammar
from .catalogue import BUSINESS_LABELS, BUSINESSES, Note
from .exceptions import (Interrupted, ParamsError, ReportBusyError, ReportError, ReportExistsError,
                         SalesperfError)
from .loaders import _split_sheet
from .params import PARAMS_DIR, bases_of, business_of, language_of, load_params, read_yaml
from .periods import last_complete_month, parse_period

__all__ = ["run_report", "run_all", "run_many", "Kernels", "RunResult", "notebook_path", "NOTEBOOK_DIR", "to_html",
           "DEMO_PERIOD", "report_folder", "batch_plans", "BatchPlan", "validate_batch", "PlanCheck", "completeness_warnings", "lock_path", "busy_message"]

log = logging.getLogger(__name__)
VERBOSE_FORMAT = "%(asctime)s %(levelname)s %(message)s"  # the log of `salesperf -v` (the worker processes' too)
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
DEMO_PERIOD = "2026-10"
KERNEL = "salesperf"
# The kernel logs a warning on every start about unencrypted local TCP; in unattended runs
# that line would drown real problems in the logs, so the kernel logs errors only.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]  # (a report's errors are in its cells; the kernel's own
                                                     # log only adds "KeyboardInterrupt caught" on shutdown)
_PACKAGES = ["salesperf", "pandas", "numpy", "duckdb", "pyarrow", "pandera", "papermill", "nbconvert",
             "matplotlib", "seaborn", "scipy", "openpyxl", "python-calamine"]


@dataclass
class RunResult:
    business: str
    period: str
    client: str
    status: str  # "ok", "failed", "skipped" (a batch's report that was already in place) or "busy" (being
    #              written by another run: not done by this one)
    folder: Path
    seconds: float
    error: str = ""
    manifest: dict = field(default_factory=dict)
    warning: str = ""  # a report that was written but deserves a look (data that end early), a line per warning


def notebook_path(business: str) -> Path:
    return NOTEBOOK_DIR / f"{business}.ipynb"


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", str(text), flags=re.UNICODE).strip("_") or "client"


def _inputs(data: str, params_file: Path) -> list[dict]:
    files: list[Path] = []
    p = Path(params_file).resolve()
    seen = set()
    while p is not None and p not in seen and p.exists():
        seen.add(p)
        files.append(p)
        base = read_yaml(p).get("extends")
        p = (p.parent / base).resolve() if isinstance(base, str) else None
        if p is not None and not p.exists() and (PARAMS_DIR / f"{base}.yaml").exists():
            p = PARAMS_DIR / f"{base}.yaml"
    n_params = len(files)
    if data not in ("", "demo"):
        d = Path(data)
        files += sorted(x for x in d.rglob("*") if x.is_file()) if d.is_dir() else [d]
        # files the parameter file names outside the data folder (data.files and data.lookups, absolute or relative)
        mapping = load_params(params_file).data.as_mapping() or {}
        named = [*(mapping.get("files") or {}).values(),
                 *(e["file"] for entries in (mapping.get("lookups") or {}).values() for e in entries)]
        for spec in named:
            f = Path(_split_sheet(str(spec))[0])
            f = f if f.is_absolute() else (d if d.is_dir() else d.parent) / f
            if f.is_file() and f.resolve() not in {x.resolve() for x in files}:
                files.append(f)
    return [_input(f, "parameters" if i < n_params else "data") for i, f in enumerate(files)]


def _input(f: Path, kind: str) -> dict:
    """A file of the manifest's inputs with its size, modification time (UTC) and SHA-256; a
    file that cannot be read (a spreadsheet's lock file in the data folder) is listed with
    the reason instead: the loader says so when it is data the report needs.

    The size and time are taken before the bytes are hashed, so that a file written while
    it is hashed reads as changed afterwards (:func:`_changed_inputs`)."""
    try:
        st = f.stat()
        return {"path": str(f), "kind": kind, "bytes": st.st_size, "modified": _modified(st),
                "sha256": sha256_of(f)}
    except OSError as err:
        return {"path": str(f), "kind": kind, "unreadable": err.strerror or str(err)}


def _modified(st) -> str:
    return datetime.fromtimestamp(st.st_mtime_ns / 1e9, timezone.utc).isoformat()


def _changed_inputs(inputs: list[dict]) -> list[str]:
    """The inputs hashed before the run that differ at its end, each as a line saying how:
    a file rewritten (another size or SHA-256), or gone. A file touched but unchanged (the
    same bytes) is not a change."""
    out = []
    for entry in inputs:
        if "sha256" not in entry:
            continue
        f = Path(entry["path"])
        try:
            st = f.stat()
            if st.st_size == entry["bytes"] and _modified(st) == entry.get("modified"):
                continue
            if sha256_of(f) == entry["sha256"]:
                continue
            out.append(f"{f} ({entry['bytes']:,} bytes when the run started, {st.st_size:,} bytes and another "
                       f"SHA-256 at its end)")
        except OSError as err:
            gone = "removed" if isinstance(err, FileNotFoundError) else f"unreadable: {err.strerror or err}"
            out.append(f"{f} ({entry['bytes']:,} bytes when the run started, {gone} at its end)")
    return out


def _inputs_read(manifest: dict) -> None:
    """The manifest's inputs as the report read them: the parameter files, and the data
    files that the loader read (``files_read``, which Report.save records); a file of
    the data folder that was not read moves to ``not_read``, and a file read from
    elsewhere (the demo data) is added."""
    read = (manifest.get("report") or {}).pop("files_read", None)
    if read is None:
        return
    inputs = manifest["inputs"]
    listed = {str(Path(i["path"]).resolve()) for i in inputs}
    used = [i for i in inputs if i["kind"] == "parameters" or str(Path(i["path"]).resolve()) in read]
    not_read = [i for i in inputs if i not in used]
    used += [_input(Path(f), "data") for f in read if f not in listed and Path(f).is_file()]
    manifest["inputs"] = used
    if not_read:
        manifest["not_read"] = [i["path"] for i in not_read]


def _versions() -> dict:
    """Python's version and the packages' (see :data:`_PACKAGES`), and, when the kit runs
    from a git checkout, its commit as ``git describe`` gives it (``salesperf-source``,
    ``a7170a7`` or ``a7170a7-dirty`` for local changes): the package's own version alone does
    not tie a report to the code that computed it."""
    import platform

    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    source = _source_revision()
    if source:
        out["salesperf-source"] = source
    return out


def _source_revision() -> str | None:
    """The checkout's commit (``git describe --always --dirty``), or None where the kit is
    not a git checkout or git is not there."""
    import subprocess

    if not (ROOT / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty", "--abbrev=12"],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _kernel() -> str:
    try:
        from jupyter_client.kernelspec import find_kernel_specs

        if KERNEL in find_kernel_specs():
            return KERNEL
    except Exception:  # pragma: no cover - jupyter_client is a papermill dependency
        pass
    log.warning("Jupyter kernel '%s' is not registered (run `make install`); using 'python3'", KERNEL)
    return "python3"


def to_html(notebook: Path, html_path: Path) -> Path:
    """Export an executed notebook to self-contained HTML without code or prompts."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = ("analyst-note", "parameters", "injected-parameters")
    c.TagRemovePreprocessor.remove_all_outputs_tags = ("hide-output",)
    c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
    exporter = HTMLExporter(config=c)
    exporter.mathjax_url = ""
    nb = nbformat.read(notebook, as_version=4)
    body, _ = exporter.from_notebook_node(nb)
    body = _offline(_titled(body))
    from .fonts import font_face_css

    body = body.replace("</head>", font_face_css(_visible_text(body)) + "</head>", 1)
    html_path.write_text(body, encoding="utf-8")
    return html_path


_REMOTE = re.compile(r"<script[^>]+src=[\"'](?:https?://[^>]*)?[\"'][^>]*>\s*</script>|<link[^>]+href=[\"']https?://[^>]*>"
                     r"|<script[^>]*>(?:(?!</script>).)*?import\(\s*[\"']https?://.*?</script>", re.I | re.S)


def _offline(body: str) -> str:
    """Remove every tag that would load something from the internet (require.js, MathJax,
    web fonts, the Mermaid loader), and the MathJax loader nbconvert leaves with an empty
    ``src``: the report contains no code, maths or diagrams that need them."""
    return _REMOTE.sub("", body)


def _titled(body: str) -> str:
    """The report's first heading as the page title (nbconvert would show "Notebook")."""
    import html as html_lib

    m = re.search(r"<h[12][^>]*>(.*?)</h[12]>", body, flags=re.S)
    if m is None:
        return body
    title = html_lib.escape(html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(1))).replace("¶", "").strip())
    return re.sub(r"<title>.*?</title>", f"<title>{title}</title>", body, count=1, flags=re.S)


def _visible_text(html: str) -> str:
    """The characters a browser would show (tags, styles and embedded images dropped)."""
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", html)


class Kernels:
    """Jupyter kernels started one report ahead, each with the package already imported.

    Every report still runs in a kernel of its own (nothing carries over from one report
    to the next); the next report's kernel starts and imports the package while the
    current report runs, so a batch pays the kernel start and the imports (about 2.5 s,
    a third of a demo report) once instead of once per report. Use as a context manager;
    leaving it shuts down the kernel started for a report that never came.
    """

    # an expression, so that the warm-up binds no name in the notebook's namespace
    WARM_UP = "__import__(\"salesperf_kit.reporting\")"

    def __init__(self, kernel_name: str | None = None):
        self.kernel_name = kernel_name or _kernel()
        self._spare = None  # (kernel manager, warm-up thread)

    def _start(self):
        import threading

        from jupyter_client.manager import KernelManager

        km = KernelManager(kernel_name=self.kernel_name)
        km.start_kernel(cwd=str(NOTEBOOK_DIR), extra_arguments=KERNEL_ARGS)
        warm = threading.Thread(target=self._warm_up, args=(km,), daemon=True)
        warm.start()
        return km, warm

    def _warm_up(self, km) -> None:
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            kc.execute(self.WARM_UP, silent=True, store_history=False)
        except Exception as err:  # the report's own client will meet (and report) the problem
            log.debug("warming up a kernel failed: %s", err)
        finally:
            kc.stop_channels()

    #: how many kernels a report may start in all when one dies as it starts
    STARTS = 3

    def take(self, *, ahead: bool = True):
        """A started kernel manager for the next report (the caller shuts it down); with
        ``ahead``, another kernel starts warming up for the report after it.

        A kernel that died as it started is replaced by a new one (up to :attr:`STARTS` in
        all): a kernel binds the ports its manager found free a moment before, and another
        process's kernel (a batch's other worker) can take one of them meanwhile, so that
        the kernel dies with "Address already in use" and its report failed with "Kernel
        died before replying to kernel_info" before any cell ran."""
        km, warm = self._spare or self._start()
        self._spare = None
        try:
            self._spare = self._start() if ahead else None
            warm.join()
            for _ in range(self.STARTS - 1):
                if km.is_alive():
                    break
                log.info("a kernel died as it started (%s); starting another", self.kernel_name)
                _shutdown(km)
                km, warm = self._start()
                warm.join()
        except BaseException:
            _shutdown(km)
            raise
        return km

    def close(self) -> None:
        if self._spare is not None:
            km, warm = self._spare
            self._spare = None
            warm.join()
            km.shutdown_kernel(now=True)

    def __enter__(self) -> "Kernels":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _period(period: str | None):
    """``--period``: a period, or ``previous`` (the default) for the last complete month."""
    return last_complete_month() if period in (None, "previous") else parse_period(period)


def _parameters_of(nb_path: Path) -> set[str]:
    import papermill as pm

    return set(pm.inspect_notebook(str(nb_path)).keys())


STAGING_LOCK = ".staging.lock"  # beside reports/.staging: see _staging_lock


def _staging_lock(reports: Path) -> int | None:
    """Take the shared lock on ``reports/.staging.lock`` that a run holds for as long as it
    has a folder in ``reports/.staging``; when no other run holds it, first remove what
    killed runs left there (see :func:`_remove_abandoned`). Returns the lock's file
    descriptor (closing it releases the lock), or None where there are no file locks.

    A run that is killed outright (SIGKILL, the OOM killer, a power cut) cannot remove its
    staging folder, so a later run does. It must not remove the live folder of a run that
    is still going, though: a second cron job, or the other workers of a batch, write to the
    same ``.staging``. Every run therefore holds a shared ``fcntl.flock`` on the lock file
    from before it creates its staging folder until that folder is gone (moved into place,
    moved under ``_failed``, or removed). The operating system releases the locks of a
    process however it ends, SIGKILL included, so whoever gets the lock *exclusively* knows
    that no run is alive and that whatever is in ``.staging`` was abandoned; it removes
    that before it takes its own shared lock. A lock is used rather than a recorded process
    id because a process id can be reused by an unrelated process, means nothing to another
    host that shares the reports folder, and would have to be checked folder by folder.
    The price is that folders left by a killed run are removed only when no other run is
    going; they are harmless until then.

    The lock file itself is never removed (a run holding a removed file's lock would not
    exclude one that created a new file). Without ``fcntl`` (Windows) or on a file system
    that refuses locks, runs take no lock and nothing is removed, as before.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    staging = reports / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    fd = os.open(reports / STAGING_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        alone = False  # another run is going: what is in .staging may be its
    except OSError as err:
        os.close(fd)
        log.debug("no lock on %s (%s): abandoned staging folders are not removed", reports / STAGING_LOCK, err)
        return None
    else:
        alone = True
    try:
        if alone:
            _remove_abandoned(staging)
        fcntl.flock(fd, fcntl.LOCK_SH)  # (waits only while another run removes abandoned folders)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _remove_abandoned(staging: Path) -> None:
    """Remove what runs that were killed left in ``staging`` (called with the staging lock
    held exclusively): reports being produced, and earlier reports that were being
    replaced, unless the new report never got into place, in which case the earlier one
    goes back (see :meth:`_Staging.replace`). Anything else is left alone (such as an
    earlier report that an older version of the kit moved aside as ``old-…``)."""
    producing = re.compile(rf"(?:{'|'.join(BUSINESSES)})-[0-9a-f]{{8}}")
    for entry in sorted(staging.iterdir()):
        home = entry.with_name(entry.name + ".home")
        try:
            if entry.name.endswith(".old") and home.is_file():
                dest = staging.parent / home.read_text(encoding="utf-8")
                if not dest.exists():
                    log.warning("putting back %s, moved aside by a run that was killed while replacing it", dest)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(entry, dest)
                else:
                    log.info("removing %s, a replaced report that a killed run left", entry)
                    shutil.rmtree(entry)
                home.unlink()
            elif producing.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
                log.info("removing %s, left by a run that was killed", entry)
                shutil.rmtree(entry)
            elif entry.name.endswith(".old.home"):
                if not entry.with_suffix("").exists():  # (its report was removed; the run was killed before it)
                    entry.unlink(missing_ok=True)  # (or just now, with its .old above)
            else:
                log.info("leaving %s alone: not a staging folder of this version of the kit", entry)
        except (OSError, UnicodeDecodeError) as err:  # (the run goes on: a leftover does no harm)
            log.warning("could not clear %s: %s", entry, err)


class _Staging:
    """A report's folder under ``reports/.staging`` while it is produced, with the staging
    lock (see :func:`_staging_lock`) held until :meth:`discard`.

    ``folder`` is where Papermill writes; ``old`` is where an earlier report waits between
    being replaced and being removed, and ``old_home`` says (relative to the reports folder)
    where it came from.
    """

    def __init__(self, reports: Path, business: str):
        self.reports = reports
        self.lock = _staging_lock(reports)
        name = f"{business}-{uuid.uuid4().hex[:8]}"
        self.folder = reports / ".staging" / name
        self.old = reports / ".staging" / f"{name}.old"
        self.old_home = reports / ".staging" / f"{name}.old.home"
        try:
            self.folder.mkdir(parents=True)
        except BaseException:
            self.discard()
            raise

    def replace(self, dest: Path) -> None:
        """Move the report into place at ``dest``, moving an earlier report there aside into
        ``old`` (removed by :meth:`discard`). The two renames are not separated by Ctrl-C or
        SIGTERM; should the process be killed between them, the next run that removes
        abandoned staging folders puts the earlier report back."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        with _uninterrupted():
            if not dest.exists():
                os.replace(self.folder, dest)
                return
            self.old_home.write_text(dest.relative_to(self.reports).as_posix(), encoding="utf-8")
            os.replace(dest, self.old)
            try:
                os.replace(self.folder, dest)
            except BaseException:
                os.replace(self.old, dest)
                raise

    def discard(self) -> None:
        """Remove what is left in ``.staging`` (only an earlier, replaced report once the new
        one is in place or under ``_failed``), then release the lock: nothing of the run may
        outlive it."""
        shutil.rmtree(self.folder, ignore_errors=True)
        shutil.rmtree(self.old, ignore_errors=True)
        self.old_home.unlink(missing_ok=True)
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None


LOCKS = ".locks"  # reports/.locks: the lock of each report being written (see _ReportLock)
_LOCK_WAIT_SECONDS = 1.0  # how long a run tries for a report's lock before it counts the report as busy


def lock_path(reports: Path, dest: Path) -> Path:
    """The lock file of the report that goes to ``dest``: in ``reports/.locks``, never in the
    report's own folder (which is delivered as it is), named after the folder relative to
    ``reports`` (``2026-10_acme_online.lock``; a period, a business and its variants hold no
    underscore, so two reports never share a lock)."""
    return Path(reports) / LOCKS / ("_".join(Path(dest).relative_to(reports).parts) + ".lock")


def _holder() -> dict:
    """What a run writes beside a report's lock, for a run that finds the lock taken."""
    import socket

    return {"pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.argv[0]).name if sys.argv else "python", *sys.argv[1:]])}


def _read_holder(path: Path) -> dict:
    """The holder a locking run wrote, or {} (not written yet, or already removed)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def busy_message(dest: Path, lock: Path, holder: dict) -> str:
    """What a run says of a report whose lock another run holds."""
    if holder:
        who = (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started', '?')}"
               + (f": {holder['command']}" if holder.get("command") else ""))
    else:
        who = "a run that has not said who it is yet"
    return (f"Another run is writing the report at {dest}: its lock {lock} is held by {who}. This run did not run "
            "that report, so it is not written by this run. Fix: let the other run finish (its report then is in "
            "place, and a rerun lists it as already written); the lock goes with the process holding it, however "
            "it ends.")


class _ReportLock:
    """The exclusive lock of one report destination, held from before the run looks for an
    earlier report there until its report is in place (or under ``_failed``): two runs of
    the same report (two cron jobs, a run started by hand during a batch) never both run
    it, and the second never replaces the first's report without ``--force``.

    A ``filelock.FileLock`` (``flock``: the operating system releases it however the
    process ends, SIGKILL included) on :func:`lock_path`, with the holder's pid, host,
    start time and command in ``<lock>.json`` beside it. :meth:`release` removes both
    files while the lock is still held (a run that opened the lock file meanwhile sees that
    it was removed, as filelock checks the file's link count, and tries a new one), then
    the ``.locks`` folder once it is empty. A run killed outright leaves its two files; the
    next run of the same report takes that lock and removes them.
    """

    def __init__(self, reports: Path, dest: Path):
        from filelock import FileLock, Timeout

        self.path = lock_path(reports, dest)
        self.holder = self.path.with_name(self.path.name + ".json")
        # (not thread-local: a batch releases it from the thread that moves the report into place)
        self._lock: FileLock | None = FileLock(self.path, timeout=_LOCK_WAIT_SECONDS, thread_local=False)
        for attempt in range(3):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._lock.acquire()
                break
            except Timeout:
                self._lock = None
                holder = _read_holder(self.holder)
                raise ReportBusyError(busy_message(dest, self.path, holder), folder=dest, holder=holder) from None
            except FileNotFoundError:  # another run removed the emptied .locks folder just now (see release)
                if attempt == 2:
                    raise
        try:
            written = self.holder.with_name(f"{self.holder.name}.{os.getpid()}")
            written.write_text(json.dumps(_holder(), ensure_ascii=False), encoding="utf-8")
            os.replace(written, self.holder)  # (whole, for a run that reads it meanwhile)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self._lock is None:
            return
        lock, self._lock = self._lock, None
        try:
            self.holder.unlink(missing_ok=True)
            self.path.unlink(missing_ok=True)
        finally:
            lock.release()
        try:  # nothing of the run is left in the reports folder
            self.path.parent.rmdir()
        except OSError:  # (another report's lock is there)
            pass


@contextmanager
def _uninterrupted(deliver: bool = True):
    """Hold Ctrl-C and SIGTERM back until the block is done, then deliver them: for steps
    that must not be separated, such as the two renames that replace an earlier report.
    With ``deliver=False`` they are dropped instead: for a batch that is being stopped
    already, whose clean-up a second Ctrl-C or SIGTERM (a process group's SIGTERM reaching
    the parent after its workers) must not cut short. Signals interrupt only the main
    thread, so elsewhere there is nothing to hold back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    saved = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if callable(handler):  # (an ignored or default signal needs no holding back)
            saved[signum] = signal.signal(signum, lambda n, _frame: held.append(n))
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
        for signum in held if deliver else ():
            signal.raise_signal(signum)


def run_report(business: str, params_file: str | Path, *, data: str | None = None, period: str | None = None,
               client: str | None = None, force: bool = False, reports_dir: str | Path | None = None,
               anonymise: bool = False, language: str | None = None, extra: dict | None = None,
               progress: bool = False, kernels: Kernels | None = None, ahead: bool = False,
               as_of: str | None = None, strict: bool = False) -> RunResult:
    """Execute the business type's notebook into ``reports/<period>/<client>/<business>/``
    (an anonymised report, or one in another language than the plan's, into a folder beside
    it: :func:`report_folder`).

    ``kernels`` (a :class:`Kernels`) supplies an already started kernel; with ``ahead``, it
    starts the next report's kernel while this one runs. Without it, Papermill starts one.

    ``as_of`` is the day the data were exported. Without it, data that end early
    (:func:`coverage.export_end`: before the period's last day by more than the usual gap
    between days with rows) give a report of part of the period, with a warning; an
    ``as_of`` on or after the period's last day says that the export is complete. One
    before it, on data that go on after it, reports the data as they stood that day
    (:func:`coverage.as_it_stood_on`), with the same warning.

    With ``strict``, a report whose data are incomplete (:func:`completeness_warnings`: data
    that end before the period does, a table that stops or starts part-way through it) is a
    failed run instead of a report with a warning: it goes under ``reports/_failed/`` and an
    earlier report stays in place. For unattended runs whose reports are paid on (payroll).

    Raises
    ------
    SalesperfError
        Bad parameters, a report that exists already (use ``force=True``), or a failed run
        (``ReportError``; the failed notebook is kept under ``reports/_failed/``).
    """
    _log_start(business, params_file, period)
    started = datetime.now(timezone.utc)
    try:
        result = _run_report(business, params_file, data=data, period=period, client=client, force=force,
                             reports_dir=reports_dir, anonymise=anonymise, language=language,
                             extra={**({"as_of": str(as_of)} if as_of else {}), **(extra or {})},
                             progress=progress, kernels=kernels, ahead=ahead, strict=strict)
    except (ReportError, ReportExistsError, ReportBusyError):  # (kept already, or not a failure)
        raise
    except (SalesperfError, OSError) as err:  # failed before its notebook ran
        said = exceptions.file_error(err) if isinstance(err, OSError) else err
        record_failure(str(said), business, params_file, period, reports_dir=reports_dir, client=client,
                       language=language, anonymise=anonymise, data=data, started=started)
        raise
    return _log_end(result)


def _log_start(business: str, params_file, period) -> None:
    """A report's start, for ``salesperf -v`` (INFO on the kit's logger)."""
    log.info("%s report of %s for %s: started", business, Path(params_file).name, period)


def _log_end(result: RunResult) -> RunResult:
    """A report's end, for ``salesperf -v``; returns ``result``."""
    log.info("%s report of %s for %s: %s in %.1f s%s", result.business, result.client, result.period, result.status,
             result.seconds, f" ({result.folder})" if result.status == "ok" else "")
    return result


def report_folder(business: str, *, language: str, plan_language: str, anonymise: bool = False) -> str:
    """The folder name of a report under ``reports/<period>/<client>/``: the business type;
    a report in another language than the plan's, or anonymised for readers outside the
    client, is a variant beside it (``online-en``, ``online-anonymised``,
    ``online-en-anonymised``), so that making one never replaces the client's own report."""
    return business + (f"-{language}" if language != plan_language else "") + ("-anonymised" if anonymise else "")


def _run_report(business: str, params_file: str | Path, *, data: str | None = None, period: str | None = None,
                client: str | None = None, force: bool = False, reports_dir: str | Path | None = None,
                anonymise: bool = False, language: str | None = None, extra: dict | None = None,
                progress: bool = False, kernels: Kernels | None = None, ahead: bool = False,
                finish: Executor | None = None, strict: bool = False) -> RunResult | Future:
    """:func:`run_report`; with ``finish``, the HTML export and the move into place run on
    that executor once the notebook has run (so that a batch's next notebook can run
    meanwhile) and a Future of the result is returned."""
    from ._checks import check_one_of

    check_one_of("business", business, BUSINESSES)
    params_file = Path(params_file)
    params = load_params(params_file).for_business(business)  # validated (extends followed) before anything runs
    given, data = data, params.data_source(data)
    p = _period(period)
    client = client or params.client_key  # (a name per language: the plan's language names the folder)
    reports = Path(reports_dir) if reports_dir else ROOT / "reports"
    language = language or params.report_language
    variant = report_folder(business, language=language, plan_language=params.report_language, anonymise=anonymise)
    dest = reports / str(p) / _slug(client) / variant
    lock = _ReportLock(reports, dest)  # (before looking for an earlier report: no other run can put one there now)
    try:
        if dest.exists() and not force:
            raise ReportExistsError(f"A report already exists at {dest}. Rerun with --force to replace it "
                                    "(the old one is only removed once the new one has succeeded).", folder=dest)
        if given and data not in ("", "demo") and not Path(data).exists():  # (data_source checks data.path)
            raise SalesperfError(f"--data {data}: no such file or folder. Give the folder of the client's files or "
                                 "their workbook, or 'demo' for the embedded demo data.")
        nb_in = notebook_path(business)
        data = data if data in ("", "demo") else str(Path(data).resolve())
        inputs = _inputs(data, params_file)
        staging = _Staging(reports, business)
    except BaseException:
        lock.release()
        raise
    try:  # whatever stops the run before its report is complete (Ctrl-C included) removes its staging folder
        parameters = {
            "business": business, "params_file": str(params_file.resolve()),
            "data_path": data, "period": str(p), "client": client, "language": language,
            "as_of": "", "output_dir": str(staging.folder.resolve()),  # (empty: the period's end, or the data's)
            "anonymise": bool(anonymise), **(extra or {}),
        }
        unknown = set(parameters) - _parameters_of(nb_in)
        if unknown:
            raise SalesperfError(f"{nb_in.name} has no parameter(s) {sorted(unknown)} in its 'parameters' cell; "
                                 f"known: {sorted(_parameters_of(nb_in))}.")
        started = datetime.now(timezone.utc)
        t0 = time.perf_counter()
        manifest = {"business": business, "period": str(p), "client": client,
                    "parameters": {**parameters, "output_dir": str(dest.resolve())},
                    "notebook": str(nb_in), "notebook_sha256": sha256_of(nb_in), "inputs": inputs,
                    "versions": _versions(), "started": started.isoformat()}
        status, error = "ok", ""
        km = None
        try:
            km = kernels.take(ahead=ahead) if kernels is not None else Kernels().take(ahead=False)
            _execute(nb_in, staging.folder / "report.ipynb", parameters, km, progress=progress)
        except Exception as err:  # papermill saves the failing notebook before raising
            status, error = "failed", _short_error(err)
        finally:
            if km is not None:
                _shutdown(km)
    except BaseException:
        staging.discard()
        lock.release()
        raise
    done = (status, error, staging, lock, dest, reports, p, client, business, started, t0, manifest, strict)
    return finish.submit(_complete, *done) if finish is not None else _complete(*done)


def _point_to(notebook: Path, staging: Path, dest: Path) -> None:
    """The executed notebook's ``output_dir`` (its injected parameters, and Papermill's
    record of them and of the output path) as where the report now lives, not the staging
    folder it was written to, which is gone once the report is in place."""
    import nbformat
    from papermill.translators import PythonTranslator

    old, new = str(staging.resolve()), str(dest.resolve())
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:  # (the value written as Papermill writes it)
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = cell.source.replace(PythonTranslator.translate_str(old), PythonTranslator.translate_str(new))
    record = nb.metadata.get("papermill", {})
    for d in (record, record.get("parameters", {})):
        for key in ("output_path", "output_dir"):
            if isinstance(d.get(key), str):
                d[key] = d[key].replace(old, new)
    nbformat.write(nb, notebook)


_NOTEBOOK_STOP_SECONDS = 10.0  # how long a stopped run waits for its notebook thread to end


def _shutdown(km) -> None:
    """Shut the kernel of ``km`` down. A stop (Ctrl-C) that lands while another thread uses
    the kernel manager's event loop (a kernel warming up, a notebook connecting) can make
    the shutdown itself fail (``InvalidStateError``); the run is ending then, and that
    failure must not take the place of the stop it follows (a traceback and exit 1 instead
    of the message and exit 130): it is logged."""
    try:
        km.shutdown_kernel(now=True)
    except Exception as err:
        log.debug("shutting a kernel down failed: %r", err)


def _execute(nb_in: Path, nb_out: Path, parameters: dict, km, *, progress: bool) -> None:
    """Execute the notebook with Papermill in the kernel of ``km``.

    Papermill runs in a thread of its own while this one waits. Ctrl-C and SIGTERM
    interrupt only the main thread; landing inside the Jupyter client's event loop, the
    exception would leave that loop broken (its half-run tasks raise it again whenever the
    loop runs next), so that the kernel could not even be shut down. The waiting thread
    instead shuts the kernel down, which ends the run (the client notices within a
    second), waits for it to end (at most ``_NOTEBOOK_STOP_SECONDS``), and raises the
    interruption.
    """
    import papermill as pm

    outcome: list[BaseException | None] = []
    # nbclient leaves the channels of the client it makes for a kernel manager it was given
    # open (the manager is not its own), and a client collected with open channels logs
    # "Could not destroy zmq context": keep the clients, to close them here
    clients: list = []
    make_client = km.client
    km.client = lambda **kw: clients.append(make_client(**kw)) or clients[-1]

    def run() -> None:
        try:
            pm.execute_notebook(str(nb_in), str(nb_out), parameters=parameters, kernel_name=km.kernel_name,
                                cwd=str(NOTEBOOK_DIR), progress_bar=progress, log_output=False,
                                request_save_on_cell_execute=False, extra_arguments=KERNEL_ARGS, km=km)
            outcome.append(None)
        except BaseException as err:
            outcome.append(err)

    thread = threading.Thread(target=run, name=f"notebook {nb_in.stem}", daemon=True)
    stopped = False
    try:
        thread.start()
        thread.join()
    except BaseException:
        stopped = True
        _shutdown(km)
        # a stop that lands while nbclient is still connecting to the kernel can leave its
        # thread stuck in its own clean-up: wait a while, never for ever (the thread is a
        # daemon, and the kernel it ran is gone)
        if thread.is_alive():
            thread.join(timeout=_NOTEBOOK_STOP_SECONDS)
        raise
    finally:
        # (a notebook thread still running after a stop may be using its client: zmq sockets
        # must not be used from two threads, so that client is left to the process's exit)
        if not (stopped and thread.is_alive()):
            _stop_channels(clients, timeout=_NOTEBOOK_STOP_SECONDS if stopped else None)
    if outcome[0] is not None:
        raise outcome[0]


def _stop_channels(clients: list, *, timeout: float | None) -> None:
    """Close the kernel clients of a notebook run, waiting at most ``timeout`` seconds.

    After a stop that landed while nbclient was connecting to the kernel, a client can be
    left with a zmq socket that was never closed; closing the client's zmq context then
    waits for that socket for ever (``Context.term``). A stopped run therefore closes its
    clients in a daemon thread and goes on after ``timeout`` (the process is ending)."""
    def close() -> None:
        for kc in clients:
            kc.stop_channels()

    if timeout is None:
        close()
        return
    closing = threading.Thread(target=close, name="close kernel clients", daemon=True)
    closing.start()
    closing.join(timeout)
    if closing.is_alive():
        log.debug("the kernel clients of a stopped run did not close within %.0f s; left to the process's exit", timeout)


def completeness_warnings(facts: dict, p, as_of: str | None = None) -> list[str]:
    """What a report's own record (``manifest["report"]``, written by ``Report.save``) says
    is missing from its data for period ``p``: data that end before the period does
    (``data_end``; a report run on purpose to a day, ``as_of`` as the run was given it, is
    said to be a report to that day), tables that stop or start part-way through it while
    the others go on (``partial_tables``), KPIs the plan weighs that the data cannot give at
    all (``unscorable``: a table of the export missing), and KPIs scored against targets that
    nobody has for the period (``without_targets``). One sentence each, saying what was found and what
    to check, in the report's language (``language``); an empty list for data that cover
    the period."""
    from .catalogue import label
    from .schemas import TABLES

    zh = facts.get("language") == "zh"
    out = []
    data_end = facts.get("data_end")
    last = f"{p.last_day:%Y-%m-%d}"
    if data_end and as_of and str(as_of)[:10] < last:  # a month to date, as asked
        out.append(f"报告只含 {p} 截至 {data_end} 的数据（--as-of {str(as_of)[:10]}）：按部分期间排名和计酬。" if zh else
                   f"the report covers {p} up to {data_end} only (--as-of {str(as_of)[:10]}): it ranks and pays "
                   "people on part of the period.")
    elif data_end:
        out.append(f"数据只到 {data_end}，而 {p} 到 {last} 才结束：报告按部分期间排名和计酬。请确认导出完整"
                   f"（若完整、只是最后几天没有记录，用 --as-of {last} 说明）。" if zh else
                   f"the data end on {data_end}, before {p} does ({last}): the report ranks and pays "
                   "people on part of the period. Check that the export is complete (if it is, with no rows on the "
                   f"last days, say so with --as-of {last}).")
    for table, part in sorted((facts.get("partial_tables") or {}).items()):
        kpis = ", ".join(part.get("kpis") or [])
        t_zh = TABLES[table].zh if table in TABLES else table
        kpis_zh = "".join(f"「{label(k, 'zh')}」" for k in part.get("kpis") or [])
        if part.get("way") == "starts":
            out.append(f"{t_zh}数据从 {part['day']} 才开始，而其他数据在 {part['others']} 已有记录：{kpis_zh}只计入了该日起的"
                       f"{t_zh}数据，是部分结果。请确认{t_zh}导出覆盖整个 {p}。" if zh else
                       f"the {table} data start on {part['day']} while the other data start by {part['others']}: "
                       f"{kpis} count the {table} from that day only, a partial figure. Check that the {table} "
                       f"export covers the whole of {p}.")
        else:
            out.append(f"{t_zh}数据只到 {part['day']}，而其他数据持续到 {part['others']}：{kpis_zh}只计入了截至该日的"
                       f"{t_zh}数据，是部分结果。请确认{t_zh}导出覆盖整个 {p}。" if zh else
                       f"the {table} data end on {part['day']} while the other data go on to {part['others']}: "
                       f"{kpis} count the {table} up to that day only, a partial figure. Check that the {table} "
                       f"export covers the whole of {p}.")
    lack = facts.get("unscorable") or {}
    if lack:
        needs = "; ".join(f"{k} needs {v.get('needs') or 'data it lacks'}" for k, v in lack.items())
        needs_zh = "；".join(f"「{label(k, 'zh')}」需要{v.get('needs_zh') or '数据中没有的内容'}" for k, v in lack.items())
        out.append(f"数据缺少方案计分所需的内容（{needs_zh}）：这些指标无人得分，其权重分给了其他指标。若导出文件不全，"
                   "请补齐后重新运行；若数据本来就没有，请修改这些岗位的权重。" if zh else
                   f"the data lack what KPIs the plan weighs need ({needs}): they score for no one and their weight "
                   "goes to the other KPIs. If the export is incomplete, rerun once it is whole; if the data never "
                   "have it, change the roles' weights.")
    for k in facts.get("without_targets") or []:
        out.append(f"{p} 没有任何人的「{label(k, 'zh')}」目标：该指标按目标达成率计分，本期无人得分，其权重分给了其他指标。"
                   f"请在数据中补上 {p} 的目标（salesperf validate --period {p} 会列出缺少的目标）。" if zh else
                   f"nobody has a {k} target for {p}: {k}, scored against targets, scores for no one and its "
                   f"weight goes to the other KPIs. Add the targets of {p} to the data (salesperf validate "
                   f"--period {p} lists what is missing).")
    return out


def _incomplete_in_place(folder: Path, p) -> list[str]:
    """What the report in ``folder`` says, in its own record, is missing from its data for
    period ``p`` (:func:`completeness_warnings`); [] for a complete one or none to read."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return _manifest_warnings(manifest, p)


def _manifest_warnings(manifest: dict, p) -> list[str]:
    """:func:`completeness_warnings` of a report's manifest (its ``report`` record, and the
    ``as_of`` it was run with)."""
    return completeness_warnings(manifest.get("report") or {}, p,
                                 as_of=(manifest.get("parameters") or {}).get("as_of"))


def _strict_in_place_error(folder: Path, warnings: list[str]) -> str:
    """Why --strict fails a batch's report that is in place already but incomplete."""
    said = "".join(f"\n  - {w}" for w in warnings)
    return (f"--strict: the report in place at {folder} was written from incomplete data (its manifest.json "
            f"says so):{said}\nIt was left as it is. Fix: once the data of the whole period are in, rerun with "
            "--force to replace it.")


def _strict_error(warnings: list[str]) -> str:
    """Why --strict failed a report that would otherwise have been written with ``warnings``."""
    said = "".join(f"\n  - {w}" for w in warnings)
    return (f"--strict: the data are incomplete, so the report was not put in place:{said}\n"
            "Without --strict it would have been written, with the warning(s) above. Fix: export the data (and the "
            "targets) of the whole period and rerun, or rerun without --strict to deliver a report of part of the "
            "period.")


#: the folder of ``reports/_failed/`` that keeps the failed attempts of reports that later succeeded
RESOLVED = "_resolved"


def failed_folder(reports: Path, p, client: str, dest: Path, started: datetime) -> Path:
    """Where a failed attempt of the report ``dest`` goes: ``reports/_failed/<period>/<client>/
    <report>-<start>``, the start in UTC and marked so (``online-20261124T050841Z``), that it
    is not read as local time."""
    utc = started.astimezone(timezone.utc)
    return reports / "_failed" / str(p) / _slug(client) / f"{dest.name}-{utc:%Y%m%dT%H%M%SZ}"


def resolve_failed(reports: Path, p, client: str, dest: Path, params_file: str | Path | None = None) -> list[Path]:
    """Move the earlier failed attempts of the report ``dest`` (same period, client and
    report folder: not ``online-en``'s for ``online``) from ``reports/_failed/<period>/
    <client>/`` to ``reports/_failed/_resolved/<period>/<client>/``, once that report has
    succeeded, and remove the folders that are left empty; returns where they went.

    They are moved, not deleted: an auditor may need to see that a payroll report failed
    before it succeeded; but a monitor of ``_failed/`` (which leaves out ``_resolved/``)
    should not go on alerting on a problem that is fixed. Attempts named before the
    start was marked UTC (``online-20261124T050841``) are moved too.

    With ``params_file`` (the plan of the report that succeeded), the attempts of that plan
    that failed before its client could be read are moved too (:func:`record_failure`:
    under the file's name, as the report folder or ``plan``); another file's attempts kept
    under its own name are left alone, as its failure is not fixed by this success."""
    plan = str(Path(params_file).resolve()) if params_file else None
    names = [dest.name] + (["plan"] if plan else [])
    attempt = re.compile("(?:" + "|".join(map(re.escape, names)) + r")-\d{8}T\d{6}Z?(?:-\d+)?")
    clients = [_slug(client)] + ([_slug(Path(plan).stem)] if plan and _slug(Path(plan).stem) != _slug(client) else [])
    moved = []
    for i, who in enumerate(clients):
        where = reports / "_failed" / str(p) / who
        if not where.is_dir():
            continue
        for folder in sorted(where.iterdir()):
            if not (folder.is_dir() and attempt.fullmatch(folder.name)):
                continue
            if i and _plan_of(folder) != plan:  # (under a file's name: that file's failures alone)
                continue
            moved.append(_move_to_free(folder, reports / "_failed" / RESOLVED / str(p) / who / folder.name))
        for empty in (where, where.parent):  # (the client's and the period's folders, when nothing else is there)
            try:
                empty.rmdir()
            except OSError:
                break
    return moved


def _plan_of(attempt: Path) -> str | None:
    """The plan file a failed attempt's manifest names (``parameters.params_file``), if any."""
    try:
        said = json.loads((attempt / "manifest.json").read_text(encoding="utf-8")).get("parameters", {})
    except (OSError, ValueError, AttributeError):
        return None
    return said.get("params_file") if isinstance(said, dict) else None


def record_failure(error: str, business: str, params_file: str | Path, period, *, reports_dir=None,
                   client: str | None = None, language: str | None = None, anonymise: bool = False,
                   data: str | None = None, started: datetime | None = None) -> Path | None:
    """Keep a run that failed before its notebook ran (a plan that cannot be read, a data
    folder that is not there, a file the system would not read) under ``reports/_failed/``
    as a notebook that failed is kept: a folder ``<period>/<client>/<report>-<start>`` with a
    ``manifest.json`` that says what failed and why (``status``, ``stage``, ``error``), so
    that a monitor of ``_failed/`` sees it too. A plan whose client cannot be read goes under
    its file's name, and a plan whose business type cannot be read is named ``plan``.
    Returns the folder, or None when even the period cannot be read (then nothing can
    say which period failed: the run's message and exit code carry it), or the folder
    cannot be written."""
    started = started or datetime.now(timezone.utc)
    try:
        p = _period(period)
    except SalesperfError:
        return None
    params_file = Path(params_file)
    variant = business if business in BUSINESSES else "plan"
    try:
        params = load_params(params_file)
        client = client or params.client_key
        if business in BUSINESSES:
            variant = report_folder(business, language=language or params.report_language,
                                    plan_language=params.report_language, anonymise=anonymise)
    except SalesperfError:
        client = client or params_file.stem
    reports = Path(reports_dir) if reports_dir else ROOT / "reports"
    folder = failed_folder(reports, p, client, reports / str(p) / _slug(client) / variant, started)
    manifest = {"business": business, "period": str(p), "client": client,
                "parameters": {"business": business, "params_file": str(params_file.resolve()),
                               "data_path": data or "", "period": str(p), "client": client},
                "started": started.isoformat(), "ended": datetime.now(timezone.utc).isoformat(),
                "status": "failed", "stage": "before the notebook ran", "error": error}
    try:
        folder = _free(folder)
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as err:
        log.warning("The failure could not be kept under %s: %s", folder, exceptions.file_error(err))
        return None
    return folder


def _complete(status: str, error: str, staging: _Staging, lock: _ReportLock, dest: Path, reports: Path, p,
              client: str, business: str, started: datetime, t0: float, manifest: dict,
              strict: bool = False) -> RunResult:
    """Export the executed notebook to HTML, write the manifest and move the report into
    place (or the failed run under ``_failed``, as a report with incomplete data is with
    ``strict``); nothing of the run is left in ``.staging``, and the report's lock is
    released."""
    folder = staging.folder
    try:
        if status == "ok":
            try:
                _point_to(folder / "report.ipynb", folder, dest)
                to_html(folder / "report.ipynb", folder / "report.html")
            except Exception as err:
                status, error = "failed", _short_error(err)
        ended = datetime.now(timezone.utc)
        written = folder / "manifest.json"  # what the report says of itself (Report.save)
        if written.exists():
            try:
                manifest.update(json.loads(written.read_text(encoding="utf-8")))
            except ValueError:
                pass
        changed = _changed_inputs(manifest["inputs"]) if status == "ok" else []
        _inputs_read(manifest)
        if changed:  # (the manifest's hashes would not be those of what the report read)
            status, error = "failed", _changed_error(changed)
        warnings = _manifest_warnings(manifest, p) if status == "ok" else []
        incomplete = strict and bool(warnings)
        if incomplete:
            status, error = "failed", _strict_error(warnings)
        manifest.update(ended=ended.isoformat(), seconds=round(time.perf_counter() - t0, 3), status=status)
        if error:
            manifest["error"] = error
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str),
                                              encoding="utf-8")
        if status == "failed":
            failed = failed_folder(reports, p, client, dest, started)
            failed.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(folder), str(failed))
            kept = "The report (as it would have been written)" if incomplete or changed else \
                "The failed notebook (failing cell marked)"
            kept_zh = "报告（按原本会写出的样子）" if incomplete or changed else "失败的 notebook（已标出出错的单元格）"
            earlier, earlier_zh = ((f"any earlier report in {dest} is untouched", f"{dest} 中原有的报告未受影响")
                                   if dest.exists() else
                                   (f"no report was written to {dest}", f"没有写入 {dest}"))
            what_zh = f"{BUSINESS_LABELS.get(business, {}).get('zh', business)}报告（{p}）"
            raise ReportError(Note(
                f"The {business} report for {p} failed: {error}\n{kept} is kept in {failed}; {earlier}.",
                f"{what_zh}失败：{error}\n{kept_zh}保存在 {failed}；{earlier_zh}。"))
        staging.replace(dest)
        kept_as = _keep_replaced(reports, p, client, dest, staging.old) if staging.old.exists() else None
        try:  # (the report is in place: tidying its earlier failures must not fail it)
            resolve_failed(reports, p, client, dest, manifest["parameters"].get("params_file"))
        except OSError as err:
            log.warning("%s is in place, but its earlier failed attempts under %s could not be moved to %s: %s. "
                        "Fix: move them by hand, or they keep being reported as failures.", dest,
                        reports / "_failed" / str(p) / _slug(client), reports / "_failed" / RESOLVED / str(p),
                        exceptions.file_error(err))
        if kept_as is not None:
            manifest["replaced_report_kept_in"] = str(kept_as)
            (dest / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str),
                                                encoding="utf-8")
        return RunResult(business, str(p), client, status, dest, manifest["seconds"], manifest=manifest,
                         warning="\n".join(warnings))
    finally:
        staging.discard()
        lock.release()


#: the folder of ``reports/`` that keeps the reports that ``--force`` replaced
REPLACED = "_replaced"


def _keep_replaced(reports: Path, p, client: str, dest: Path, old: Path) -> Path | None:
    """Move the report that a new one replaced (``old``, set aside in ``.staging``) to
    ``reports/_replaced/<period>/<client>/<report>-<now>``, the time in UTC and marked so:
    a payroll report rerun with --force is not lost, and an audit can compare what was paid
    with what replaced it. Returns where it went; None (with a warning, the old copy then
    removed with the staging folder) when it cannot be moved: the new report is in place."""
    now = datetime.now(timezone.utc)
    target = reports / REPLACED / str(p) / _slug(client) / f"{dest.name}-{now:%Y%m%dT%H%M%SZ}"
    try:
        return _move_to_free(old, target)
    except OSError as err:
        log.warning("%s is in place, but the report it replaced could not be kept in %s: %s", dest,
                    target.parent, exceptions.file_error(err))
        return None


def _free(target: Path) -> Path:
    """``target``, or ``target-1``, ``target-2``, … when that is taken: never over another
    folder kept there (two in the same second)."""
    base, n = target, 1
    while target.exists():
        target = base.with_name(f"{base.name}-{n}")
        n += 1
    return target


def _move_to_free(source: Path, target: Path) -> Path:
    """Move ``source`` to :func:`_free` ``(target)``; returns where it went."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target = _free(target)
    shutil.move(str(source), str(target))
    return target


def _changed_error(changed: list[str]) -> str:
    return ("An input changed while the report ran, so the report could mix its old and new contents and its "
            "manifest would not say what was read: " + "; ".join(changed) + ". Fix: run the report again once "
            "the file is complete. For a scheduled run, have the export written under another name and renamed "
            "when it is complete, or finished well before the run starts.")


def _short_error(err: Exception, limit: int = 2000) -> str:
    """The error for a summary line and the manifest: whole lines up to ``limit``
    characters, then how many more lines the full message has (in the failed notebook)."""
    name = getattr(err, "ename", type(err).__name__)
    value = getattr(err, "evalue", str(err))
    # the kit's own errors say what is wrong and how to fix it: their class name is noise
    ours = isinstance(getattr(exceptions, name, None), type) and issubclass(getattr(exceptions, name), SalesperfError)
    lines = (str(value) if ours else f"{name}: {value}").strip().splitlines()
    kept, size = [], 0
    for line in lines:
        if kept and size + len(line) > limit:
            break
        kept.append(line[:limit])
        size += len(line) + 1
    rest = len(lines) - len(kept)
    return "\n".join(kept) + (f"\n... and {rest:,} more line(s): see the failed notebook" if rest else "")


def client_files(params_dir: Path | None = None) -> list[Path]:
    d = (params_dir or PARAMS_DIR) / "clients"
    return sorted(d.glob("*.yaml")) if d.is_dir() else []


def _yaml_in(folder: Path) -> list[Path]:
    return sorted(f for f in folder.iterdir() if f.is_file() and f.suffix.lower() in (".yaml", ".yml")) \
        if folder.is_dir() else []


def files_not_run(params_dir: Path, runs: list[Path]) -> list[Path]:
    """The YAML files in ``params_dir`` (and in its subfolders one level down) that
    :func:`run_all` does not run: anything but ``<business>.yaml`` at the top and
    ``clients/*.yaml``, leaving out the files a plan that runs extends (a shared base)."""
    bases = {b for f in runs for b in bases_of(f)}
    ran = {f.resolve() for f in runs}
    found = _yaml_in(params_dir) + [f for d in sorted(params_dir.iterdir()) if d.is_dir() for f in _yaml_in(d)]
    return [f for f in found if f.resolve() not in ran and f.resolve() not in bases]


def _not_run_message(pdir: Path, ignored: list[Path], *, nothing: bool) -> str:
    """What :func:`run_all` says about the YAML files of ``pdir`` it did not run."""
    plans = ", ".join(f"{b}.yaml" for b in BUSINESSES)
    named = ", ".join(str(f.relative_to(pdir)) for f in ignored)
    where = (f"A client file (one with extends:) goes in {pdir / 'clients'}/ with the extension .yaml; a business "
             f"plan sits in {pdir}/ named after its business type ({plans}).")
    if nothing:
        found = f" It holds YAML files that are neither: {named}, so they were not run." if ignored else ""
        return (f"nothing to run in {pdir}: no business plan ({plans}) and no client file (clients/*.yaml) "
                f"found.{found} {where}")
    return f"{len(ignored)} YAML file(s) in {pdir} were not run: {named}. {where}"


def _run_one(business: str, params_file: str, data: str, period, force: bool, reports_dir, strict: bool = False,
             ahead: bool = False, finish: Executor | None = None):
    """One report, its failure turned into a result; kernels come from the process's
    :data:`_KERNELS`.

    With ``finish`` (see :func:`_run_report`), returns a function that waits for the
    report to be finished and gives its result."""
    t0 = time.perf_counter()
    started = datetime.now(timezone.utc)
    _log_start(business, params_file, period)

    def failed(err: SalesperfError, kept: bool = False) -> RunResult:
        try:
            client = load_params(params_file).client_key
        except SalesperfError:
            client = Path(params_file).stem
        if not kept:  # (a notebook that failed is kept under _failed already)
            record_failure(str(err), business, params_file, period, reports_dir=reports_dir, data=data,
                           started=started)
        return RunResult(business, str(period), client, "failed", Path(""), time.perf_counter() - t0, str(err))

    try:
        out = _run_report(business, params_file, data=data, period=period, force=force, reports_dir=reports_dir,
                          kernels=_KERNELS, ahead=ahead, finish=finish, strict=strict)
    except ReportExistsError as err:  # not a failure: the report is there (a rerun after fixing another one)
        out = RunResult(business, str(_period(period)), load_params(params_file).client_key, "skipped", Path(err.folder),
                        time.perf_counter() - t0, str(err))
        said = _incomplete_in_place(Path(err.folder), _period(period)) if strict else []
        if said:  # (--strict: a report written without it, of part of the period, is no payroll report)
            out = replace(out, status="failed", error=_strict_in_place_error(Path(err.folder), said))
            record_failure(out.error, business, params_file, period, reports_dir=reports_dir, data=data,
                           started=started)
    except ReportBusyError as err:  # another run is writing it: not done by this one, so not a success
        out = RunResult(business, str(_period(period)), load_params(params_file).client_key, "busy", Path(err.folder),
                        time.perf_counter() - t0, str(err))
    except SalesperfError as err:
        out = failed(err, kept=isinstance(err, ReportError))
    except OSError as err:  # (a file it may not read, a folder it may not write, a full disk)
        out = failed(exceptions.file_error(err))
    if finish is None:
        return _log_end(out) if isinstance(out, RunResult) else out

    def settle() -> RunResult:
        if isinstance(out, RunResult):
            return out
        try:
            return out.result()
        except SalesperfError as err:
            return failed(err, kept=isinstance(err, ReportError))
        except OSError as err:
            return failed(exceptions.file_error(err))
    return lambda: _log_end(settle())


_KERNELS: Kernels | None = None  # this process's kernels while run_many runs

# A worker process of run_many (set by _worker_init; read and written in its main thread):
_FINISH: ThreadPoolExecutor | None = None  # the thread that exports reports and moves them into place
_STOPPING = False  # the batch is being stopped: start no other report
_ABANDONABLE = False  # the report being run is abandoned if the batch stops (its notebook has not run yet)
_BUSY = threading.Lock()  # held while the worker runs a report
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_WORKER_STOP_SECONDS = 120.0  # how long a stopped batch's worker may take to abandon or finish its report


def _worker_init(stop, log_level: int = logging.WARNING) -> None:
    """Set up a worker process of run_many.

    Kernels are started one report ahead (the last spare is shut down when the worker
    exits). Ctrl-C reaches every process of the terminal's foreground group, and a
    worker that took it as its own would leave its report (or its place in the pool's
    protocol) at some random point while the parent goes on waiting for it; so the worker
    ignores SIGINT (it starts with SIGINT and SIGTERM blocked, see :func:`run_many`, so
    not even its start-up is hit) and the parent decides. The parent stops the batch by
    closing its end of the ``stop`` pipe, which also happens when it dies, however it
    dies; the worker then abandons its report (see :func:`_abandon`), starts no other,
    and exits. ``log_level`` is the parent's level for the kit's log: a worker logs the
    progress of ``salesperf -v`` to stderr as the parent does (a spawned process starts
    with no logging set up).
    """
    from multiprocessing import util

    global _KERNELS, _FINISH
    skip_iri_grammar()
    if log_level < logging.WARNING:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(VERBOSE_FORMAT))
        log.parent.addHandler(handler)
        log.parent.setLevel(log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _abandon)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    _KERNELS = Kernels()
    util.Finalize(_KERNELS, _KERNELS.close, exitpriority=10)
    _FINISH = ThreadPoolExecutor(max_workers=1)
    threading.Thread(target=_await_stop, args=(stop,), name="await-stop", daemon=True).start()


def _await_stop(stop) -> None:
    """(A thread of a run_many worker.) Wait until the parent stops the batch, then abandon
    the report being run. A parent that stopped the batch lets the worker exit once it has
    done so; one that died cannot, so the worker exits by itself once its report is
    abandoned, its spare kernel shut down. Either way, a worker whose report has not
    stopped within ``_WORKER_STOP_SECONDS`` exits without it."""
    from multiprocessing import parent_process

    try:
        stop.recv()  # nothing is ever sent: this returns when the parent closes its end or dies
    except (EOFError, OSError):
        pass
    if hasattr(signal, "pthread_kill"):
        signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)  # (also wakes a blocking call)
    else:  # pragma: no cover - Windows
        import _thread

        _thread.interrupt_main(signal.SIGTERM)
    deadline = time.monotonic() + _WORKER_STOP_SECONDS
    parent = parent_process()
    if parent is not None:
        parent.join(timeout=_WORKER_STOP_SECONDS)
    # the report being abandoned (or finished) holds _BUSY; one that is stuck past the
    # deadline (a third-party clean-up that never returns) must not keep the batch waiting
    if not _BUSY.acquire(timeout=max(0.0, deadline - time.monotonic())):
        sys.stderr.write(f"A report of the stopped batch had not stopped after {_WORKER_STOP_SECONDS:.0f} s; "
                         "its worker process ends without it (its staging folder is removed by the next run).\n")
    if _KERNELS is not None:
        _KERNELS.close()
    os._exit(128 + signal.SIGTERM)


def _abandon(signum, _frame) -> None:
    """SIGTERM in a run_many worker (sent by :func:`_await_stop`, or by anyone): stop.

    A report whose notebook is running (or has yet to start) is abandoned: Interrupted
    unwinds it, which shuts its kernel down and removes its staging folder. A report whose
    notebook has run is finished (its HTML export and move take a second or two). No other
    report starts. Later signals change nothing while the first one is being acted on.
    """
    global _STOPPING
    first, _STOPPING = not _STOPPING, True
    if first and _ABANDONABLE:
        raise Interrupted("The report was abandoned.", signum=signum)


def _run_in_worker(business: str, params_file: str, data: str, period, force: bool, reports_dir, strict: bool,
                   ahead: bool) -> RunResult:
    """run_many's task in a worker process: :func:`_run_one`, abandoned if the batch stops
    before the report's notebook has run (see :func:`_abandon`)."""
    global _ABANDONABLE
    with _BUSY:
        _ABANDONABLE = True  # (before the test, so that a stop cannot fall between the two)
        try:
            if _STOPPING:
                raise Interrupted("The report was not started.", signum=signal.SIGTERM)
            settle = _run_one(business, params_file, data, period, force, reports_dir, strict, ahead=ahead,
                              finish=_FINISH)
        finally:
            _ABANDONABLE = False
        return settle()


@contextmanager
def _signals_blocked(signums):
    """Block ``signums`` in this thread for the block (signals that come meanwhile wait):
    processes started meanwhile start with them blocked, and unblock them once they have
    set up their handlers (the way CPython starts its resource tracker)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, signums)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, saved)


def _interrupted(stop: KeyboardInterrupt, results: list, total: int) -> Interrupted:
    """The Interrupted to raise from a batch that ``stop`` stopped, with the reports done."""
    done = [r for r in results if r is not None]
    signum = getattr(stop, "signum", signal.SIGINT)
    how = Interrupted(signum=signum).signal_name
    names = "".join(f"; {r.business} {r.client} {r.status}" for r in done)
    return Interrupted(f"the batch was stopped ({how}) when {len(done)} of {total} report(s) were done{names}. "
                       "The others wrote nothing: their earlier reports are untouched.",
                       signum=signum, results=done, total=total)


def run_many(todo: list[tuple[str, Path, str | None]], *, period, jobs: int = 1, force: bool = False,
             reports_dir=None, progress: bool = True, strict: bool = False,
             done: Callable[[RunResult], None] | None = None) -> list[RunResult]:
    """Run ``(business, params_file, data)`` reports, up to ``jobs`` at a time; ``done`` is
    called with each report's result as soon as it is known (a batch's log grows one line
    per report, rather than all of them at its end).

    Each report runs in a fresh kernel, started (with the package imported) while the
    previous report runs (see :class:`Kernels`); when reports run one at a time, each
    one's HTML export runs in a thread while the next report's notebook runs. Parallel reports run in separate
    processes: Papermill changes the working directory of the whole process while a
    notebook runs, so threads would see each other's directory. Paths are made absolute
    before anything starts.

    Ctrl-C (or SIGTERM, which the CLI turns into the same exception) stops the batch
    promptly: the reports being run are abandoned (their kernels shut down, their staging
    folders removed), none is started, and once every worker process has exited,
    :class:`~salesperf_kit.exceptions.Interrupted` is raised with the results of the
    reports that were done. Reports that were not done wrote nothing.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from tqdm.auto import tqdm

    global _KERNELS
    reports = str(Path(reports_dir).resolve()) if reports_dir else None
    args = [(b, str(Path(f).resolve()), d if d in (None, "", "demo") else str(Path(d).resolve()), period, force, reports,
             strict) for b, f, d in todo]
    if jobs <= 1 or len(args) <= 1:
        # one report's HTML export (in a thread of this process) runs while the next
        # report's notebook runs in its kernel
        settles = []
        try:
            with Kernels() as _KERNELS, ThreadPoolExecutor(max_workers=1) as finish:
                for i, a in enumerate(tqdm(args, disable=not progress, desc="reports")):
                    settles.append(_once(_run_one(*a, ahead=i + 1 < len(args), finish=finish), done))
                    if i:  # (the report before: exported while this one ran)
                        settles[i - 1]()
        except KeyboardInterrupt as stop:
            # the report being run was abandoned; those before it are exported by now
            with _uninterrupted(deliver=False):
                finished = [settle() for settle in settles]
            raise _interrupted(stop, finished, len(args)) from None
        finally:
            _KERNELS = None
        return [settle() for settle in settles]
    results: list[RunResult | None] = [None] * len(args)
    ctx = get_context("spawn")
    stop_reader, stop_writer = ctx.Pipe(duplex=False)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                               initargs=(stop_reader, log.parent.getEffectiveLevel()))
    futures: dict[Future, int] = {}
    try:
        # workers take reports in order: one that takes any of the last `jobs` reports will
        # probably get no other, so it starts no kernel ahead for it
        with _signals_blocked(_STOP_SIGNALS):  # (the workers start meanwhile)
            for i, a in enumerate(args):
                futures[pool.submit(_run_in_worker, *a, i < len(args) - jobs)] = i
        for fut in tqdm(as_completed(futures), total=len(futures), disable=not progress, desc="reports"):
            results[futures[fut]] = fut.result()
            if done is not None:
                done(results[futures[fut]])
    except BaseException as err:
        with _uninterrupted(deliver=False):  # (a second stop must not leave the workers, or the count, behind)
            stop_writer.close()  # every worker abandons its report and starts no other,
            pool.shutdown(wait=True, cancel_futures=True)  # and has exited when this returns
        if not isinstance(err, KeyboardInterrupt):
            raise
        for fut, i in futures.items():  # (a report may have been finished meanwhile)
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                results[i] = fut.result()
        raise _interrupted(err, results, len(args)) from None
    finally:
        stop_writer.close()
        pool.shutdown(wait=True)
        stop_reader.close()
    return results


def _once(settle: Callable[[], RunResult], done: Callable[[RunResult], None] | None) -> Callable[[], RunResult]:
    """``settle`` (a report's result once it is finished), run once however often it is
    called, with ``done`` told of the result then."""
    result: list[RunResult] = []

    def once() -> RunResult:
        if not result:
            result.append(settle())
            if done is not None:
                done(result[0])
        return result[0]
    return once


@dataclass(frozen=True)
class BatchPlan:
    """A plan that :func:`run_all` runs: its file, business type and client (the folder of
    its report), and ``error``, why it cannot run (the file cannot be read, or another file
    reports on the same client)."""

    file: Path
    business: str
    client: str
    error: str = ""


def batch_plans(params_dir: str | Path | None = None) -> tuple[list[BatchPlan], list[Path]]:
    """The plans :func:`run_all` runs from ``params_dir`` (default ``params/``), in order,
    and the YAML files there that it does not run (see :func:`files_not_run`).

    The plans are ``<params_dir>/<business>.yaml`` and ``<params_dir>/clients/*.yaml``; a
    file that cannot be read, or whose client another file already reports on, comes with
    its ``error``. A folder with no plan to run raises :class:`ParamsError` naming what it
    holds."""
    pdir = Path(params_dir) if params_dir else PARAMS_DIR
    files = [pdir / f"{b}.yaml" for b in BUSINESSES if (pdir / f"{b}.yaml").exists()] + client_files(pdir)
    ignored = files_not_run(pdir, files) if pdir.is_dir() else []
    if not files:  # under cron, a batch that runs nothing must not pass for one that ran
        raise ParamsError(_not_run_message(pdir, ignored, nothing=True))
    plans: list[BatchPlan] = []
    folders: dict[tuple[str, str], Path] = {}  # (business, client) -> the file that reports there
    for f in files:
        try:  # a broken file fails its own report, not the batch
            params = load_params(f)
        except SalesperfError as err:
            plans.append(BatchPlan(f, business_of(f) or "?", f.stem, _short_error(err)))
            continue
        b, client = params.business, params.client_key
        if (b, client) in folders:
            plans.append(BatchPlan(f, b, client, (
                f"{f}: report.client '{client}' is also the client of {folders[b, client]}, so both {b} reports "
                "would go to the same folder and one would replace the other. Fix: give each file its own "
                "report.client.")))
            continue
        folders[b, client] = f
        plans.append(BatchPlan(f, b, client))
    return plans, ignored


@dataclass
class PlanCheck:
    """What :func:`validate_batch` found for one plan of a batch: its file, business type
    and client, the data it reads, and either the :class:`~salesperf_kit.loaders.ValidationReport`
    of those data or ``error``, why they could not be checked (the plan cannot be read, its
    data.path names nothing, another file reports on its client)."""

    file: Path
    business: str
    client: str
    data: str = ""
    report: object | None = None
    error: str = ""
    language: str = "en"  # the plan's (its report.language, as its extends chain writes it)
    period: str | None = None  # the period checked (``previous`` resolved), or None

    @property
    def ok(self) -> bool:
        return not self.error and self.report is not None and self.report.ok


def validate_batch(params_dir: str | Path | None = None, period: str | None = None,
                   language: str | None = None) -> list[PlanCheck]:
    """Check every plan that ``run_all(params_dir=...)`` would run (:func:`batch_plans`)
    against its own data (``data.path``; the embedded demo data for a shipped plan that
    names none) and, with ``period`` (``previous`` = the last complete month), that period,
    as :func:`~salesperf_kit.loaders.validate_dataset` checks them: a batch can be checked
    before its cron window, instead of each plan failing inside its notebook. What is
    wrong with a plan is said in ``language``, else in the plan's (``language`` of each
    check, read as :func:`~salesperf_kit.params.language_of` reads it, so also for a plan
    that cannot be loaded)."""
    import tempfile

    from .loaders import validate_dataset
    from .sample import write_sample

    p = None if period is None else str(_period(period))
    plans, _ = batch_plans(params_dir)
    checks: list[PlanCheck] = []
    for plan in plans:
        check = PlanCheck(plan.file, plan.business, plan.client, error=plan.error, period=p,
                          language=language_of(plan.file))
        checks.append(check)
        if plan.error:
            continue
        try:
            params = load_params(plan.file).for_business(plan.business)
            check.data = params.data_source()
            if check.data == "demo":
                with tempfile.TemporaryDirectory() as folder:
                    write_sample(params.business, folder)
                    check.report = validate_dataset(folder, params=params, period=p)
            else:
                check.report = validate_dataset(check.data, params=params, period=p)
        except ParamsError as err:
            check.error = err.text(language or check.language)
        except SalesperfError as err:
            check.error = str(err)
        except OSError as err:  # (a file it may not read)
            check.error = str(exceptions.file_error(err))
    return checks


def run_all(period: str | None = None, *, jobs: int = 1, data: dict | None = None, force: bool = False,
            reports_dir: str | Path | None = None, params_dir: str | Path | None = None,
            progress: bool = True, strict: bool = False,
            started: Callable[[str, int], None] | None = None,
            done: Callable[[RunResult], None] | None = None) -> list[RunResult]:
    """Run every business type's report (and every client file in ``params/clients/``),
    up to ``jobs`` at a time; failures are collected, not raised. Without ``force``, a
    report already in place is left as it is, with the status "skipped". With ``strict``, a
    report whose data are incomplete fails (see :func:`run_report`). ``started`` is called
    with the period (``previous`` resolved) and the number of reports once the batch knows
    them, before any report runs (the command's log header); ``done`` with each report's
    result as soon as it is known (a plan that cannot be read: at once).

    The plans run are ``<params_dir>/<business>.yaml`` and ``<params_dir>/clients/*.yaml``.
    Other YAML files there (a client file at the top of the folder, a ``.yml`` file) are
    named in a logged warning, except the bases those plans extend; a folder with no plan
    to run raises :class:`ParamsError` naming what it found."""
    p = str(_period(period))
    plans, ignored = batch_plans(params_dir)
    if ignored:
        log.warning(_not_run_message(Path(params_dir) if params_dir else PARAMS_DIR, ignored, nothing=False))
    todo = [(b.business, b.file, (data or {}).get(b.business)) for b in plans if not b.error]
    failed = [RunResult(b.business, p, b.client, "failed", Path(""), 0.0, b.error) for b in plans if b.error]
    order = lambda r: (r.business, r.client)  # noqa: E731
    if started is not None:
        started(p, len(todo) + len(failed))
    for b in plans:  # (kept under _failed as a report that failed is: a monitor of it sees them too)
        if b.error:
            record_failure(b.error, b.business, b.file, p, reports_dir=reports_dir, client=b.file.stem)
    for r in failed if done is not None else ():
        done(r)
    try:
        results = run_many(todo, period=p, jobs=jobs, force=force, reports_dir=reports_dir, progress=progress,
                           strict=strict, done=done)
    except Interrupted as stop:  # the files that could not be read were done too; the total is the batch's
        # (not stop.total: a stop that came from elsewhere than run_many's count of its reports carries none)
        raise _interrupted(stop, sorted(stop.results + failed, key=order), len(todo) + len(failed)) from None
    return sorted(results + failed, key=order)


def refresh_notebooks(paths=None) -> list[Path]:
    """Re-execute the notebooks in place with their default parameters, so that their stored
    outputs (what nbval compares in ``make test``) match the code. For maintainers, after a
    change that alters what a report shows (``make notebooks``)."""
    import nbformat
    import papermill as pm

    done = []
    for path in paths or sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        path = Path(path)
        pm.execute_notebook(str(path), str(path), kernel_name="python3", cwd=str(NOTEBOOK_DIR),
                            progress_bar=False, log_output=False, extra_arguments=KERNEL_ARGS)
        nb = nbformat.read(path, as_version=4)
        nb.metadata.pop("papermill", None)
        for cell in nb.cells:
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
        path.write_text(_stable_widget_ids(nbformat.writes(nb), path.stem), encoding="utf-8")
        done.append(path)
    return done


def _stable_widget_ids(text: str, name: str) -> str:
    """The notebook ``text`` with each widget model id (random on every run) replaced by one
    derived from the notebook's ``name`` and the widget's place in the widget tree, so that
    re-executing a notebook whose outputs did not change leaves its file unchanged.

    The place is found from the notebook's structure, not from the ids: the widgets shown
    in the outputs (in cell order), then, breadth first, the widgets each one refers to
    (``IPY_MODEL_<id>``, in the order of its sorted state)."""
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    if not state:
        return text
    queue = [out["data"]["application/vnd.jupyter.widget-view+json"].get("model_id")
             for cell in nb.cells for out in cell.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    order: list[str] = []
    while queue:
        model = queue.pop(0)
        if model in state and model not in order:
            order.append(model)
            queue += re.findall(r"IPY_MODEL_([0-9a-f]{32})", json.dumps(state[model], sort_keys=True))
    masked = {m: re.sub(r"[0-9a-f]{32}", "", json.dumps(state[m], sort_keys=True)) for m in state}
    order += sorted((m for m in state if m not in order), key=masked.get)
    for i, old in enumerate(order):
        text = text.replace(old, hashlib.md5(f"{name}:{i}".encode()).hexdigest())
    return nbformat.writes(nbformat.reads(text, as_version=4))  # the state again in key order
