"""``salesperf demo``: the demo datasets, validated, and the four demo reports."""
from __future__ import annotations

from pathlib import Path

from .catalogue import BUSINESSES

__all__ = ["run_demo"]


def run_demo(out: str | Path = "demo_data", *, reports_dir=None, jobs: int = 2, echo=print) -> bool:
    """Write each business type's demo data to ``out/<business>/`` (CSV), validate it with
    the loaders, then run the four reports for the demo's last month (replacing earlier demo
    reports, since the demo is reproducible). Returns True when everything succeeded."""
    from .loaders import validate_dataset
    from .params import PARAMS_DIR
    from .report import DEMO_PERIOD, run_many
    from .sample import write_sample

    out = Path(out).resolve()
    ok = True
    for business in BUSINESSES:
        folder = out / business
        write_sample(business, folder)
        report = validate_dataset(folder, period=DEMO_PERIOD)
        rows = sum(report.tables.values())
        echo(f"{business:<10} demo data: {len(report.tables)} tables, {rows:,} rows, "
             f"{'valid' if report.ok else f'{len(report.problems)} problems'} ({folder})")
        ok &= report.ok

    results = run_many([(b, PARAMS_DIR / f"{b}.yaml", str(out / b)) for b in BUSINESSES], period=DEMO_PERIOD,
                       jobs=jobs, force=True, reports_dir=reports_dir, progress=False)
    for r in results:
        if r.status == "ok":
            echo(f"{r.business:<10} report: {r.folder / 'report.html'} ({r.seconds:.0f} s)")
        else:
            ok = False
            echo(f"{r.business:<10} report FAILED: {r.error}")
    return ok
