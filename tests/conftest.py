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
