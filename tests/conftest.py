"""Shared test fixtures: figures are always closed, and a tiny sales organisation."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test leaves open."""
    yield
    plt.close("all")


@pytest.fixture
def employees() -> pd.DataFrame:
    """Four people on three management levels: E1 -> E2 -> E3, and E1 -> E4.

    E1 mentors E2 and E3. E4 never has any activity (the idle employee).
    """
    return pd.DataFrame({
        "employee_id": ["E1", "E2", "E3", "E4"],
        "name": ["Ann", "Bob", "Cai", "Dee"],
        "team": ["North", "North", "South", "South"],
        "role": ["lead", "sales", "sales", "sales"],
        "manager_id": [None, "E1", "E2", "E1"],
        "mentor_id": [None, "E1", "E1", None],
    })


@pytest.fixture(autouse=True, scope="session")
def _own_reports_untouched():
    """No test writes into the checkout's own reports/ folder (a user's reports live there):
    every run in a test names a temporary --reports-dir."""
    from salesperf_kit.report import ROOT

    def kept() -> set[str]:
        folder = ROOT / "reports"
        return {str(p.relative_to(folder)) for p in folder.rglob("*")
                if not p.name.startswith(".staging")} if folder.is_dir() else set()

    before = kept()
    yield
    added = sorted(kept() - before)
    assert not added, f"tests wrote into {ROOT / 'reports'}: {added[:5]}"


@pytest.fixture(autouse=True, scope="session")
def _pseudonym_key():
    """A fixed pseudonym key (inherited by report kernels): the tests write no key file
    into the user's configuration folder."""
    import os

    from salesperf_kit.export import PSEUDONYM_KEY_ENV

    saved = os.environ.get(PSEUDONYM_KEY_ENV)
    os.environ[PSEUDONYM_KEY_ENV] = "test-key"
    yield
    if saved is None:
        del os.environ[PSEUDONYM_KEY_ENV]
    else:
        os.environ[PSEUDONYM_KEY_ENV] = saved


@pytest.fixture
def ctrl_c_raises():
    """Ctrl-C (SIGINT) raises KeyboardInterrupt in this process for the test, as in a
    terminal: a shell starts a command it runs in the background (``make test &``) with
    SIGINT ignored, and a test of what Ctrl-C does would then see nothing happen."""
    import signal

    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, saved)


@pytest.fixture
def ad_buyers_without_orders(tmp_path):
    """Two online ad buyers with ad traffic and no orders (none of their role's KPIs can be
    scored) and a client plan that pays only base: returns (data folder, plan file)."""
    from salesperf_kit.params import PARAMS_DIR

    pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["E1", "E2"], "team": ["T", "T"],
                  "role": ["ad_buyer", "ad_buyer"]}).to_csv(tmp_path / "employees.csv", index=False)
    pd.DataFrame({"date": ["2026-10-31", "2026-10-31"], "channel": ["ads", "ads"], "employee_id": ["E1", "E2"],
                  "sessions": [100, 40], "spend": [200, 50]}).to_csv(tmp_path / "traffic.csv", index=False)
    plan = tmp_path / "client.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'online.yaml'}\nincentives:\n  commission: null\n  over_target: null\n"
                    "  awards: {sales_champion: null, team_champion: null, best_service: null}\n", encoding="utf-8")
    return tmp_path, plan


@pytest.fixture(scope="session")
def small_data(tmp_path_factory):
    """Each business type's generated data at a small volume (fast report runs)."""
    from salesperf_kit.catalogue import BUSINESSES
    from salesperf_kit.sample import write_sample

    root = tmp_path_factory.mktemp("data")
    for b in BUSINESSES:
        write_sample(b, root / b, seed=1, volumes={"orders": 6, "calls": 30, "service": 4})
    return {b: root / b for b in BUSINESSES}
