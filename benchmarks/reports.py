"""Benchmark: `salesperf run-all` for the four demo reports against bare Papermill runs.

In the same run and environment, times

- ``run_all`` of the four business types' reports on the embedded demo data (what
  ``salesperf run-all --period 2026-10`` does), into a temporary reports folder, and
- four Papermill runs of a notebook with one empty cell (kernel start, execution and
  writing the output notebook: the floor any notebook report pays),

both with the same number of parallel jobs, prints both and ends with
``ratio=<run-all / bare>``. The goal is at most 3.

    python benchmarks/reports.py [--jobs 1] [--repeat 1]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import papermill as pm

from salesperf_kit.report import DEMO_PERIOD, KERNEL_ARGS, _kernel, run_all


def bare_runs(n: int, jobs: int, folder: Path) -> float:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    src = folder / "empty.ipynb"
    nbformat.write(nb, src)
    kernel = _kernel()

    def one(i: int) -> None:
        pm.execute_notebook(str(src), str(folder / f"out{i}.ipynb"), kernel_name=kernel, progress_bar=False,
                            log_output=False, extra_arguments=KERNEL_ARGS)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, range(n)))
    return time.perf_counter() - t0


def reports(jobs: int, folder: Path) -> float:
    t0 = time.perf_counter()
    results = run_all(DEMO_PERIOD, jobs=jobs, force=True, reports_dir=folder, progress=False)
    seconds = time.perf_counter() - t0
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} report(s) failed: {failed[0].error}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="take the best of this many rounds")
    args = ap.parse_args()
    best_bare = best_all = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bare_runs(1, 1, tmp)  # warm-up: first kernel start and imports from a cold disk cache
        for _ in range(args.repeat):
            best_bare = min(best_bare, bare_runs(4, args.jobs, tmp))
            best_all = min(best_all, reports(args.jobs, tmp / "reports"))
    print(f"jobs={args.jobs}")
    print(f"bare_papermill_4_runs_seconds={best_bare:.2f}")
    print(f"run_all_4_reports_seconds={best_all:.2f}")
    print(f"ratio={best_all / best_bare:.2f}")


if __name__ == "__main__":
    main()
