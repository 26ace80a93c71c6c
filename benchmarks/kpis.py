"""Benchmark: one month's KPIs from Parquet on 10 million orders, against a bare DuckDB GROUP BY.

Data: the telesales sample at scale 33 with more orders and calls per person (the same
as ``salesperf sample telesales --scale 33 --volume orders=220 --volume calls=45
--format parquet``): about 1,980 employees, 10.0 million orders and 2.0 million calls
over 24 months, rows sorted by date, one Parquet row group per month. It is written to
``benchmarks/data/telesales-s33/`` on the first run (about 20 s) and reused while the
row counts recorded beside it still match the files.

Measured, in the same process:

- kit: ``load_dataset(DIR, lazy=True)`` (Parquet tables stay on disk) and
  ``compute_kpis(dataset, PERIOD, business="telesales")``, the default telesales KPI set;
- DuckDB: ``SELECT employee_id, sum(amount), count(*), count(DISTINCT customer_id)
  FROM read_parquet('.../orders.parquet') GROUP BY employee_id``, fetched with ``.df()``
  on a fresh default connection.

After one warm-up of each, the two run alternately ``--repeat`` times (so that other load
on the machine falls on both alike); the times reported are the medians, the best times
are printed too. Peak memory: each side runs once more in a fresh process, whose
maximum resident set size is read with ``os.wait4`` (``ru_maxrss``) by the small process
that started it.

For reference it also times the least work behind the default set's history KPIs (new
customers, returning buyers, retention, LTV): a bare ``GROUP BY customer_id`` of the first
order date over the same file.

Customers served by several people, as in most real CRM exports (a customer handed to a
colleague, an order taken by whoever answered): ``--shared 0.1`` gives every tenth order,
picked by a hash of its id, to another employee of the sample, in a copy of the data
written beside it (``telesales-s33-shared10/``, about 45 s on the first run). The sample's
own customers each buy from one person only.

Run from the repository root::

    .venv/bin/python benchmarks/kpis.py [--repeat 5] [--period 2026-10] [--shared 0.1]

Ends with ``ratio=<kit median / DuckDB median>``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data" / "telesales-s33"
SAMPLE = {"business": "telesales", "seed": 0, "scale": 33, "volumes": {"orders": 220, "calls": 45}}
GOAL_RATIO, GOAL_MB = 1.5, 1536
BASELINE_SQL = ("SELECT employee_id, sum(amount), count(*), count(DISTINCT customer_id) "
                "FROM read_parquet('{path}') GROUP BY employee_id")
# The least work behind new customers, returning buyers, retention and LTV: each customer's
# first order over the whole history, one GROUP BY customer (timed for reference only). The
# outer query reads the first dates: DuckDB drops an aggregate whose result is unused.
FIRST_ORDER_SQL = ("SELECT count(*), max(first_date) FROM (SELECT customer_id, min(order_date) AS first_date "
                   "FROM read_parquet('{path}') GROUP BY customer_id)")


# ----------------------------------------------------------------------------- data
def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _row_counts(folder: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(folder.glob("*.parquet"))}


def ensure_data(folder: Path) -> dict[str, int]:
    """Reuse ``folder`` when it holds the sample recorded in its manifest, else write it."""
    manifest = folder.with_suffix(".json")
    if folder.is_dir() and manifest.is_file():
        recorded = json.loads(manifest.read_text())
        if recorded.get("sample") == SAMPLE and recorded.get("rows") == _row_counts(folder):
            return recorded["rows"]
    from salesperf_kit.sample import write_sample

    print(f"writing the sample to {_shown(folder)} ...", flush=True)
    started = time.perf_counter()
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    write_sample(SAMPLE["business"], tmp, seed=SAMPLE["seed"], scale=SAMPLE["scale"],
                 volumes=SAMPLE["volumes"], fmt="parquet")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    rows = _row_counts(folder)
    manifest.write_text(json.dumps({"sample": SAMPLE, "rows": rows}, indent=1) + "\n")
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return rows


def ensure_shared(folder: Path, share: float) -> Path:
    """A copy of ``folder`` in which ``share`` of the orders (by a hash of order_id) belong
    to another employee of the sample; the other tables are linked, not copied."""
    import duckdb

    every = round(1 / share)
    out = folder.with_name(f"{folder.name}-shared{100 // every}")
    done = out / "orders.parquet"
    if done.is_file():
        return out
    print(f"writing {_shown(out)} (every {every}th order to another employee) ...", flush=True)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for f in folder.glob("*.parquet"):
        if f.name != "orders.parquet":
            (tmp / f.name).symlink_to(f.resolve())
    src = str(folder / "orders.parquet").replace("'", "''")
    ids = str(folder / "employees.parquet").replace("'", "''")
    with duckdb.connect() as con:
        n = con.sql(f"SELECT count(*) FROM read_parquet('{ids}')").fetchall()[0][0]
        con.execute(f"""
            COPY (WITH e AS (SELECT employee_id, row_number() OVER (ORDER BY employee_id) - 1 AS i
                             FROM read_parquet('{ids}')),
                  o AS (SELECT *, hash(order_id || '~') % {n} AS other FROM read_parquet('{src}'))
                  SELECT o.* EXCLUDE (other) REPLACE (CASE WHEN hash(o.order_id) % {every} = 0 THEN e.employee_id
                                                      ELSE o.employee_id END AS employee_id)
                  FROM o JOIN e ON e.i = o.other
                  ORDER BY o.order_date)
            TO '{str(tmp / "orders.parquet").replace("'", "''")}' (FORMAT parquet, ROW_GROUP_SIZE 480000)""")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


# ----------------------------------------------------------------------------- the two sides
def run_kit(folder: Path, period: str):
    from salesperf_kit.kpis import compute_kpis
    from salesperf_kit.loaders import load_dataset

    dataset = load_dataset(folder, lazy=True)
    return compute_kpis(dataset, period, business="telesales")


def run_duckdb(folder: Path):
    import duckdb

    path = str(folder / "orders.parquet").replace("'", "''")
    with duckdb.connect() as con:
        return con.sql(BASELINE_SQL.format(path=path)).df()


def run_first_orders(folder: Path):
    import duckdb

    path = str(folder / "orders.parquet").replace("'", "''")
    with duckdb.connect() as con:
        return con.sql(FIRST_ORDER_SQL.format(path=path)).fetchall()


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def _child(side: str, folder: Path, period: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", side, "--data", str(folder),
            "--period", period]


def measure(side: str, folder: Path, period: str) -> int:
    """Run one side in a child process and return its peak resident set size (kB)."""
    child = subprocess.Popen(_child(side, folder, period), cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"the {side} run failed (exit code {os.waitstatus_to_exitcode(status)})")
    return usage.ru_maxrss


def peak_rss_mb(side: str, folder: Path, period: str) -> float:
    """Peak resident set size (MB) of one side run once in a fresh process.

    Linux carries a process's peak RSS over ``fork`` and ``exec``, so a child started
    straight from this (by now large) process would report at least this process's size.
    A small launcher process starts the run instead and reports the run's own peak.
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", side, "--data", str(folder),
           "--period", period]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1]) / 1024


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default="2026-10", help="the month whose KPIs are computed")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each side, after one warm-up")
    ap.add_argument("--data", type=Path, default=DATA, help="folder of the sample (written when missing)")
    ap.add_argument("--shared", type=float, default=0.0,
                    help="share of the orders given to another employee (e.g. 0.1), in a copy of the data")
    ap.add_argument("--child", choices=["kit", "duckdb"], help=argparse.SUPPRESS)
    ap.add_argument("--measure", choices=["kit", "duckdb"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.data = args.data.resolve()

    if args.measure:
        print(measure(args.measure, args.data, args.period))
        return
    if args.child == "kit":
        run_kit(args.data, args.period)
        return
    if args.child == "duckdb":
        run_duckdb(args.data)
        return

    import duckdb

    rows = ensure_data(args.data)
    if args.shared:
        args.data = ensure_shared(args.data, args.shared)
        print(f"orders: {args.shared:.0%} given to another employee (customers served by several people)")
    print(f"data: {_shown(args.data)} - "
          f"{rows.get('orders', 0):,} orders, {rows.get('calls', 0):,} calls, "
          f"{rows.get('employees', 0):,} employees")
    print(f"machine: {os.cpu_count()} cores; duckdb {duckdb.__version__}")

    result = run_kit(args.data, args.period)  # warm-up (also the KPIs reported below)
    run_duckdb(args.data)
    print(f"period {args.period}: {len(result.kpis)} KPIs computed: {', '.join(result.kpis)}")
    for note in result.notices:
        print(f"notice: {note}")

    kit, base = [], []
    for _ in range(args.repeat):
        kit.append(timed(run_kit, args.data, args.period))
        base.append(timed(run_duckdb, args.data))
    kit_s, base_s = statistics.median(kit), statistics.median(base)
    first_s = statistics.median([timed(run_first_orders, args.data) for _ in range(args.repeat)])
    print(f"kit runs (s):    {' '.join(f'{t:.3f}' for t in kit)}")
    print(f"duckdb runs (s): {' '.join(f'{t:.3f}' for t in base)}")
    print(f"kit_seconds={kit_s:.3f} (median of {args.repeat}; best {min(kit):.3f})")
    print(f"duckdb_seconds={base_s:.3f} (median of {args.repeat}; best {min(base):.3f})")
    print(f"best_ratio={min(kit) / min(base):.3f}")
    print(f"first_order_pass_seconds={first_s:.3f} (reference: a bare GROUP BY customer of the first order "
          f"date, {first_s / base_s:.2f}x the baseline; the default set needs it for new customers and LTV)")

    kit_mb = peak_rss_mb("kit", args.data, args.period)
    base_mb = peak_rss_mb("duckdb", args.data, args.period)
    print(f"duckdb_peak_rss_mb={base_mb:.0f} (child process)")
    print(f"peak_rss_mb={kit_mb:.0f} (kit, child process)")
    met = kit_s / base_s <= GOAL_RATIO and kit_mb < GOAL_MB
    print(f"goal (ratio <= {GOAL_RATIO}, peak_rss_mb < {GOAL_MB}): {'met' if met else 'NOT met'}")
    print(f"ratio={kit_s / base_s:.3f}")


if __name__ == "__main__":
    main()
