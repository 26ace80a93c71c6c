"""The KPI registry: name -> function, direction, labels, unit, the tables, columns and facts it needs."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogue import CATALOGUE, KPIInfo

__all__ = ["KPI", "REGISTRY", "kpi", "ratio", "total", "growth", "value_only"]


@dataclass(frozen=True)
class KPI:
    """One registered KPI.

    ``needs`` maps each table to the contract columns the KPI reads; ``facts`` names the
    per-employee facts (see ``_facts.FACT_GROUPS``) its function takes. ``additive`` is
    False when a group's value does not come from its people's facts summed: medians,
    recomputed from pooled rows, and per_capita_output, a team figure that each person
    carries (the group's revenue over its own headcount).
    """

    name: str
    func: Callable[..., pd.DataFrame]
    needs: dict[str, tuple[str, ...]]
    facts: tuple[str, ...]
    additive: bool = True
    options: tuple[str, ...] = ()

    @property
    def info(self) -> KPIInfo:
        return CATALOGUE[self.name]

    @property
    def higher_is_better(self) -> bool:
        return self.info.higher_is_better

    @property
    def zh(self) -> str:
        return self.info.zh

    @property
    def en(self) -> str:
        return self.info.en

    @property
    def unit(self) -> str:
        return self.info.unit

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(self.needs)

    def __call__(self, facts: pd.DataFrame, **options) -> pd.DataFrame:
        return self.func(facts, **{k: v for k, v in options.items() if k in self.options})


REGISTRY: dict[str, KPI] = {}


def kpi(name: str, *, needs: dict[str, tuple[str, ...]], facts: tuple[str, ...],
        additive: bool = True, options: tuple[str, ...] = ()):
    """Register a KPI function under ``name`` (which must be in the catalogue)."""
    if name not in CATALOGUE:
        raise KeyError(f"{name} is not in the catalogue")

    def wrap(func):
        REGISTRY[name] = KPI(name, func, needs, facts, additive, options)
        return func

    return wrap


# --------------------------------------------------------------------------- result shapes
def _frame(value, numerator, denominator) -> pd.DataFrame:
    return pd.DataFrame({"value": value, "numerator": numerator, "denominator": denominator})


def ratio(numerator: pd.Series, denominator: pd.Series, *, scale: float = 1.0) -> pd.DataFrame:
    """value = scale x numerator / denominator; NaN when the denominator is 0 or missing."""
    num = numerator.astype("float64")
    den = denominator.astype("float64")
    value = (num / den.where(den != 0)) * scale
    return _frame(value, num, den)


def growth(current: pd.Series, previous: pd.Series) -> pd.DataFrame:
    """value = current / previous - 1; NaN when previous is 0 or missing."""
    out = ratio(current, previous)
    out["value"] = out["value"] - 1
    return out


def total(values: pd.Series, *, scale: float = 1.0) -> pd.DataFrame:
    """A sum or count: value = numerator = scale x values; no denominator."""
    v = values.astype("float64").fillna(0.0) * scale
    return _frame(v, v, np.nan)


def value_only(values: pd.Series) -> pd.DataFrame:
    """A figure with no parts (a median, a value taken as given from a KPI sheet)."""
    return _frame(values.astype("float64"), np.nan, np.nan)
