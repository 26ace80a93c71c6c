"""environment.yml (conda-forge) must list exactly the dependencies of pyproject.toml."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# PyPI name -> conda-forge name where they differ
CONDA_NAMES = {"duckdb": "python-duckdb", "salib": "salib"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return dict(_split(r) for r in reqs)


def _environment() -> tuple[dict[str, str], dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for p in dep["pip"]:
                if not p.startswith("-e"):
                    name, spec = _split(p)
                    pip[name] = spec
        else:
            name, spec = _split(dep)
            if name not in ("python", "pip"):
                conda[name] = spec
    return conda, pip, env["channels"]


def test_environment_matches_pyproject():
    wanted = {CONDA_NAMES.get(k, k): v for k, v in _pyproject().items()}
    conda, pip, channels = _environment()
    found = {**conda, **pip}
    assert channels == ["conda-forge"]
    assert set(found) == set(wanted), (
        f"only in pyproject: {sorted(set(wanted) - set(found))}; only in environment.yml: {sorted(set(found) - set(wanted))}")
    for name, spec in wanted.items():
        assert found[name] == spec, f"{name}: pyproject says '{spec}', environment.yml says '{found[name]}'"


def test_environment_installs_the_kit_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in ci and "make test" in readme and "make demo" in readme
