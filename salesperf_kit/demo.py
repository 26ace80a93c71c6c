"""``salesperf demo``: the demo datasets, validated, and the four demo reports."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .catalogue import BUSINESSES
from .exceptions import SalesperfError

__all__ = ["run_demo"]


def run_demo(out: str | Path = "demo_data", *, reports_dir=None, jobs: int = 2, echo=print) -> bool:
    """Write each business type's demo data to ``out/<business>/`` (CSV), validate it with
    the loaders, then run the four reports for the demo's last month (replacing earlier demo
    reports, since the demo is reproducible). Returns True when everything succeeded."""
    from .loaders import validate_dataset
    from .params import PARAMS_DIR
    from .report import DEMO_PERIOD, run_report
    from .sample import write_sample

    out = Path(out)
    ok = True
    for business in BUSINESSES:
        folder = out / business
        write_sample(business, folder)
        report = validate_dataset(folder, period=DEMO_PERIOD)
        rows = sum(report.tables.values())
        echo(f"{business:<10} demo data: {len(report.tables)} tables, {rows:,} rows, "
             f"{'valid' if report.ok else f'{len(report.problems)} problems'} ({folder})")
        ok &= report.ok

    def one(business: str):
        try:
            return business, run_report(business, PARAMS_DIR / f"{business}.yaml", data=str(out / business),
                                        period=DEMO_PERIOD, force=True, reports_dir=reports_dir), None
        except SalesperfError as err:
            return business, None, err

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for business, result, err in pool.map(one, BUSINESSES):
            if err is None:
                echo(f"{business:<10} report: {result.folder / 'report.html'} ({result.seconds:.0f} s)")
            else:
                ok = False
                echo(f"{business:<10} report FAILED: {err}")
    return ok
