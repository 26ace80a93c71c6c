"""Goal management (目标管理, seed 003): plan, cascade, track and calibrate targets.

The Plan → Do → Check → Act cycle of seed 003, as tidy DataFrame functions:

Plan
    :func:`targets_from_history` and :func:`make_targets` set next year's targets from each
    person's own record: a smoothed, season-adjusted baseline × (1 + uplift). The annual
    figure is split in time (:func:`split_in_time`: months and quarters shaped by a
    distribution profile, given or learned with :func:`seasonal_profile`, and by a promotion
    calendar such as 618 and 双11) and in the organisation (:func:`cascade`: company → team →
    person, by historical share, by capacity with a ramp for new hires, or equally; manual
    overrides are kept and the remainder redistributed).
Check
    :func:`track` compares target and actual per KPI and person, with a month-to-date
    run-rate forecast, its interval, and who is at risk of missing.
Act
    :func:`calibrate` applies the calibration rules of the parameter file ("if CAC rises by
    30 % or more against its trailing 3-month baseline, lower the new-customer target by
    10 % and raise the conversion target by 5 %") and logs every rule with the targets
    before and after.

Every split rounds with the largest-remainder method to a unit (by default one whole yuan or
one whole order), so the parts always add up exactly to the whole: persons to their team,
teams to the company, months to quarters and to the year.

The output of :func:`make_targets` is a targets table in the data contract's format
(:class:`salesperf_kit.schemas.Targets`: period, employee_id, team, kpi, target), one row per
person, team, KPI and month, which the loaders read back.
"""
from __future__ import annotations

import functools
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError
from scipy import stats

from ._checks import check_one_of, did_you_mean, did_you_mean_person, person, squeezed
from .catalogue import CATALOGUE, Note, grouped, label
from .exceptions import ParamsError, SalesperfError
from .params import uplift_problem
from .periods import Period, parse_period

__all__ = [
    "METHODS", "ACQUISITION_KPIS", "CONVERSION_KPIS",
    "largest_remainder", "ramp_factor", "seasonal_profile", "split_in_time", "cascade",
    "monthly_history", "targets_from_history", "make_targets", "track", "calibrate", "write_targets",
    "TARGET_HEADERS_ZH", "targets_in_chinese",
]

log = logging.getLogger(__name__)

METHODS = ("history", "capacity", "equal")
#: KPIs a period stresses in the two months before a big promotion (流量储备期, 获客).
ACQUISITION_KPIS = ("new_customers", "sessions", "unique_visitors", "page_views", "new_contacts",
                    "intent_customers")
#: KPIs a promotion month stresses (大促当月侧重转化率与客单价).
CONVERSION_KPIS = ("conversion_rate", "inquiry_conversion", "close_rate", "aov")
_NOT_SPLIT = ("team_revenue",)
_LEAD_MONTHS = 2
_TARGET_COLUMNS = ["period", "employee_id", "team", "kpi", "target"]
_DATE_COLUMNS = {"orders": "order_date", "calls": "started_at", "traffic": "date",
                 "service": "opened_at", "activities": "date", "inventory": "date"}


# ----------------------------------------------------------------------------- helpers
@functools.lru_cache(maxsize=None)
def _is_additive(kpi: str) -> bool:
    """Whether a KPI is a sum over people and months (revenue, orders, calls, ...), as opposed
    to a ratio, an average, a median or a score. Decided by the KPI function itself: a sum
    has a numerator and no denominator. ``team_revenue`` (a manager's whole subtree) is not
    split."""
    from .kpis import REGISTRY

    k = REGISTRY.get(kpi)
    if k is None or kpi in _NOT_SPLIT:
        return False
    try:
        probe = k(pd.DataFrame({f: [2.0] for f in k.facts}, index=["x"])).iloc[0]
    except (KeyError, TypeError, ValueError):  # a KPI that cannot be probed is treated as a level
        return False
    return bool(pd.isna(probe["denominator"]) and pd.notna(probe["numerator"]))


def _tables(dataset) -> dict[str, pd.DataFrame]:
    """The dataset's tables as a dict of DataFrames (Parquet tables left on disk are read)."""
    from .loaders import tables_of

    return tables_of(dataset)


def _month_number(p: Period) -> int:
    return p.year * 12 + p.index - 1


def _year_months(year: int) -> list[Period]:
    return [Period("month", int(year), m) for m in range(1, 13)]


def largest_remainder(total: float, weights: Sequence[float], *, unit: float = 1.0) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` into multiples of ``unit`` that add up to it.

    Largest-remainder (Hamilton) rounding: with K = floor(total / unit) whole units and
    quota_i = K × w_i / Σw, part i gets floor(quota_i) units, and the K − Σ floor(quota_i)
    units left over go one each to the parts with the largest fractional remainders (ties:
    larger weight, then earlier position). A total that is not a whole number of units leaves
    a residual total − K × unit (< one unit), which goes to the part with the largest weight,
    so Σ parts == total in every case.

    Parameters
    ----------
    total : float
        The whole, ≥ 0.
    weights : sequence of float
        Non-negative weights; NaN means "takes no part". When every usable weight is 0 the
        split is equal among the parts whose weight is not NaN.
    unit : float, default 1
        The rounding unit (1 = whole yuan or whole orders, 100 = hundreds of yuan).

    Returns
    -------
    numpy.ndarray of float, one amount per weight.
    """
    w = np.asarray(weights, dtype="float64")
    if unit <= 0:
        raise SalesperfError(f"The rounding unit must be positive, but {unit!r} was passed.")
    if not np.isfinite(total) or total < 0:
        raise SalesperfError(f"Cannot split a total of {total!r}: a target total must be a number ≥ 0.")
    if (w[~np.isnan(w)] < 0).any() or np.isinf(w).any():
        raise SalesperfError(f"Split weights must be finite and ≥ 0, found {w.tolist()}.")
    eligible = ~np.isnan(w)
    out = np.zeros(len(w))
    if total == 0:
        return out
    if not eligible.any():
        raise SalesperfError(f"Cannot split {total:g}: there is no part to give it to.")
    w = np.where(eligible, w, 0.0)
    if w.sum() <= 0:
        w = eligible.astype("float64")
    k = int(math.floor(total / unit + 1e-9))
    residual = total - k * unit
    if abs(residual) <= 1e-9 * max(1.0, abs(total)):
        residual = 0.0
    quotas = k * w / w.sum()
    base = np.floor(quotas)
    rem = quotas - base
    short = int(round(k - base.sum()))
    order = sorted(range(len(w)), key=lambda i: (-rem[i], -w[i], i))
    order = [i for i in order if w[i] > 0]
    for i in order[:short]:
        base[i] += 1
    out = base * unit
    if residual:
        out[int(np.argmax(w))] += residual
    decimals = max(0, -int(math.floor(math.log10(unit)))) + 2 if unit < 1 else None
    if decimals is not None:
        out = np.round(out, decimals)
    return out


def ramp_factor(hire_date, month, ramp_months: int) -> float:
    """Capacity of a new hire in ``month`` (0-1): a linear ramp over the first months.

    ramp = min(1, m / (ramp_months + 1)), where m = 1 in the hire month, 2 in the next, ...;
    0 before the hire month, 1 when ``hire_date`` is unknown or ``ramp_months`` is 0. With
    ``ramp_months = 3`` a new hire counts for 25 %, 50 % and 75 % of a full person in their
    first three months and 100 % from the fourth.
    """
    p = parse_period(month)
    if hire_date is None or pd.isna(hire_date):
        return 1.0
    h = pd.Timestamp(hire_date)
    m = _month_number(p) - (h.year * 12 + h.month - 1) + 1
    if m <= 0:
        return 0.0
    if ramp_months <= 0:
        return 1.0
    return float(min(1.0, m / (ramp_months + 1)))


# ----------------------------------------------------------------------------- time cascade
def _month_key(value) -> tuple[int | None, int]:
    if isinstance(value, (int, np.integer)) and 1 <= int(value) <= 12:
        return None, int(value)
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "month") and hasattr(value, "year"):
        ts = pd.Timestamp(value)
        return ts.year, ts.month
    p = parse_period(value)
    if p.kind != "month":
        raise SalesperfError(f"Monthly actuals must be indexed by month (like 2026-10), found '{value}'.")
    return p.year, p.index


def seasonal_profile(monthly_actuals: pd.Series) -> list[float]:
    """Learn a 12-month distribution profile (percentages summing to 100) from actuals.

    Ratio-to-yearly-mean seasonal index. The months are cut into years of twelve
    consecutive months counted back from the latest one (with data up to October, a "year"
    runs from November to October), so that every year holds each calendar month once. In
    each year, every month's actual is divided by the mean of that year's months; the index
    of calendar month m is the mean of those ratios over the years, and

        profile_m = 100 × index_m / Σ_k index_k

    Only complete years are used when there is one; a month with no data gets the neutral
    index 1. Dividing by each year's own mean keeps growth from one year to the next out of
    the profile. Negative actuals count as 0.

    Steady growth inside the years would still read as season (the later months of each
    year higher): with 24 months or more, each actual is first divided by exp(b × (n −
    n_last)), b the monthly growth of log(actual) = a + b × n + s_month fitted by least
    squares (:func:`_growth_rate`). Growth of 20 % a year then leaves the profile as it is;
    a step of growth at one January instead moves the shares by up to about half a point
    (a step and steady growth cannot be told apart from the months alone).

    Parameters
    ----------
    monthly_actuals : pandas.Series
        Values indexed by month: ``"2026-10"`` strings, Periods, Timestamps, or month
        numbers 1-12 (one year); a plain list is January, February, ... Several values for
        one month are summed.

    Returns
    -------
    list of 12 float: the percentages for January to December, or 12 NaN when there is no
    positive figure to learn from.
    """
    if isinstance(monthly_actuals, pd.Series):
        s = monthly_actuals
    else:  # a plain list: January, February, ...
        values = list(monthly_actuals)
        s = pd.Series(values, index=range(1, len(values) + 1), dtype="float64")
    keys = [_month_key(i) for i in s.index]
    df = pd.DataFrame({"n": [(k[0] or 0) * 12 + k[1] - 1 for k in keys], "month": [k[1] for k in keys],
                       "value": pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64")})
    df = df.dropna(subset=["value"])
    if df.empty:
        return [float("nan")] * 12
    df["value"] = df["value"].clip(lower=0)
    df = df.groupby(["n", "month"], as_index=False)["value"].sum()
    # steady growth through the years read against each year's mean makes the later months
    # look seasonal (a 双11 November under-weighted): it is taken out first
    df["value"] = df["value"] * np.exp(-_growth_rate(df) * (df["n"] - df["n"].max()))
    df["year"] = (df["n"].max() - df["n"]) // 12
    size = df.groupby("year")["month"].transform("size")
    if (size == 12).any():
        df = df[size == 12]
    means = df.groupby("year")["value"].transform("mean")
    df = df[means > 0].assign(ratio=lambda d: d["value"] / means[means > 0])
    if df.empty:
        return [float("nan")] * 12
    index = df.groupby("month")["ratio"].mean().reindex(range(1, 13)).fillna(1.0)
    if index.sum() <= 0:
        return [float("nan")] * 12
    pct = 100.0 * index / index.sum()
    return [float(x) for x in pct]


def _growth_rate(df: pd.DataFrame) -> float:
    """The steady monthly growth of a history (n: months since year 0, month, value), as
    the slope b of log(value) = a + b × n + s_month fitted over its positive values (the
    month terms keep the season from tilting the slope); 0 with under 24 months, where a
    trend and a season cannot be told apart."""
    ok = df[df["value"] > 0]
    if ok["n"].nunique() < 24:
        return 0.0
    n = ok["n"].to_numpy(dtype="float64")
    dummies = [(ok["month"].to_numpy() == m).astype("float64") for m in range(2, 13)]
    X = np.column_stack([np.ones(len(ok)), n - n.mean(), *dummies])
    beta = np.linalg.lstsq(X, np.log(ok["value"].to_numpy(dtype="float64")), rcond=None)[0]
    return float(beta[1])


def _promotions(promotions) -> list[dict]:
    """Normalise a promotion calendar to [{name, month, weight}]."""
    from .params import PromotionEvent, TargetSettings

    if promotions is None:
        promotions = TargetSettings().promotions
    out = []
    for i, ev in enumerate(promotions, start=1):
        if isinstance(ev, PromotionEvent):
            out.append({"name": ev.name, "month": ev.month, "weight": ev.weight})
            continue
        if isinstance(ev, (tuple, list)):
            ev = dict(zip(("name", "month", "weight"), ev, strict=False))
        if not isinstance(ev, Mapping):
            raise SalesperfError("A promotion must be a mapping like {name: 618, month: 6, weight: 1.3}, "
                                 f"found {ev!r}.")
        ev = dict(ev)
        if "date" not in ev:
            ev.setdefault("name", f"promotion {ev.get('month')}")
        try:
            e = PromotionEvent.model_validate({k: ev[k] for k in ("name", "month", "date", "weight") if k in ev})
        except ValidationError as err:
            raise _item_error("promotion", "promotions", ev, i, err) from None
        out.append({"name": e.name, "month": e.month, "weight": e.weight})
    return out


def _check_profile(profile) -> list[float]:
    p = [float(x) for x in profile]
    if len(p) != 12:
        raise SalesperfError(f"The profile must have 12 monthly percentages, but it has {len(p)}.")
    if any((not math.isfinite(x)) or x < 0 for x in p):
        raise SalesperfError(f"The profile percentages must be numbers ≥ 0, found {p}.")
    if not math.isclose(sum(p), 100.0, abs_tol=1e-6):
        raise SalesperfError(f"The profile percentages must sum to 100, but they sum to {sum(p):g}. "
                             "Fix targets.profile in the parameter file.")
    return p


def _history_series(history) -> pd.Series:
    if isinstance(history, pd.DataFrame):
        value = next((c for c in ("value", "actual", "revenue", "target") if c in history), None)
        if "period" not in history or value is None:
            raise SalesperfError("history must be a Series indexed by month or a DataFrame with columns "
                                 f"'period' and 'value', found columns {list(history.columns)}.")
        return history.groupby(history["period"].astype(str))[value].sum()
    return pd.Series(history)


def _stress(promos: list[dict]) -> tuple[list[str], list[str]]:
    """Per month: what it stresses (acquisition / conversion / steady) and the promotion(s)."""
    stress, names = [], []
    for m in range(1, 13):
        own = [ev["name"] for ev in promos if ev["month"] == m]
        lead = [ev["name"] for ev in promos if 1 <= ev["month"] - m <= _LEAD_MONTHS]
        if own:
            stress.append("conversion")
            names.append(", ".join(own))
        elif lead:
            stress.append("acquisition")
            names.append(", ".join(f"{n} lead-in" for n in lead))
        else:
            stress.append("steady")
            names.append("")
    return stress, names


def split_in_time(annual: float, *, year: int, profile: Sequence[float] | None = None,
                  history: pd.Series | pd.DataFrame | None = None, promotions=None,
                  kpi: str = "revenue", unit: float = 1.0, reweight: bool | None = None) -> pd.DataFrame:
    """Split an annual target into months and quarters (年度 → 季度里程碑 → 月度冲刺).

    Month weights start from a distribution profile and may be shifted by the promotion calendar:

        weight_m = profile_m × Π weight_e   over the promotions e that boost month m

    The calendar shifts a flat profile (no profile and no history), and a given profile only
    when ``promotions`` is passed: a client's profile already places its promotions (that is
    what its percentages summing to 100 say), so by default its months are used as written.
    A profile learned from history is never shifted: it already shows last year's promotions.
        share_m  = weight_m / Σ_k weight_k
        target_m = largest-remainder rounding of annual × share_m to ``unit``
        quarter and year targets = sums of their months (so they add up exactly)

    A promotion boosts its own month, except for acquisition KPIs (:data:`ACQUISITION_KPIS`,
    e.g. new customers, sessions): following seed 003 their weight goes to the two months
    before the promotion (流量储备期). The ``stress`` column says what each month stresses:
    ``acquisition`` in the two months before a promotion, ``conversion`` (conversion rate and
    order value) in a promotion month, ``steady`` otherwise; ``stress_kpis`` names the KPIs.

    Parameters
    ----------
    annual : float
        The annual target (≥ 0).
    year : int
        The target year.
    profile : 12 percentages summing to 100, optional
        January to December. Default: learned from ``history`` with :func:`seasonal_profile`,
        or flat (100 / 12 each) without history.
    history : Series or DataFrame, optional
        Monthly actuals to learn the profile from (Series indexed by month, or columns
        ``period`` and ``value``).
    promotions : list, optional
        :class:`~salesperf_kit.params.PromotionEvent` objects or mappings ``{name, month or
        date, weight}``. Default: the parameter file's defaults (618 in June × 1.3, 双11 in
        November × 1.5), which weigh a flat profile only; pass ``[]`` for none.
    kpi : str, default "revenue"
        The KPI being split (decides which months a promotion boosts).
    unit : float, default 1
        Rounding unit of the monthly targets.
    reweight : bool, optional
        Whether promotion weights multiply the profile. Default: yes for a flat profile, and
        for a given profile when ``promotions`` is passed; no for a given profile without
        ``promotions`` (used as written) and for a profile learned from history, which already
        shows last year's promotions (the calendar still sets ``stress``).

    Returns
    -------
    DataFrame with columns period, level ("month", "quarter", "year"), share, target, stress,
    stress_kpis, promotion: twelve month rows, then four quarters, then the year.
    """
    check_one_of("kpi", kpi, CATALOGUE)
    promos = _promotions(promotions)
    learned = False
    if profile is not None:
        base = _check_profile(profile)
    elif history is not None:
        base = seasonal_profile(_history_series(history))
        learned = not any(math.isnan(x) for x in base)
        if not learned:
            log.info("No usable history to learn the season from; using a flat profile.")
            base = [100.0 / 12] * 12
    else:
        base = [100.0 / 12] * 12
    if reweight is None:
        reweight = not learned and (profile is None or promotions is not None)
    weights = np.array(base, dtype="float64")
    if reweight:
        for ev in promos:
            if kpi in ACQUISITION_KPIS:
                for lead in range(1, _LEAD_MONTHS + 1):
                    if ev["month"] - lead >= 1:
                        weights[ev["month"] - lead - 1] *= ev["weight"]
            else:
                weights[ev["month"] - 1] *= ev["weight"]
    if weights.sum() <= 0:
        raise SalesperfError("Every month has weight 0 after the promotion weights: check targets.profile "
                             "and the promotion weights.")
    share = weights / weights.sum()
    target = largest_remainder(float(annual), share, unit=unit)
    stress, names = _stress(promos)
    kpis_of = {"acquisition": "new_customers, sessions", "conversion": "conversion_rate, aov", "steady": ""}
    months = pd.DataFrame({
        "period": [str(p) for p in _year_months(year)], "level": "month", "share": share,
        "target": target, "stress": stress, "stress_kpis": [kpis_of[s] for s in stress], "promotion": names})
    rows = []
    for q in range(4):
        part = months.iloc[3 * q:3 * q + 3]
        st = [s for s in dict.fromkeys(part["stress"]) if s != "steady"]
        rows.append({"period": f"{year}-Q{q + 1}", "level": "quarter", "share": part["share"].sum(),
                     "target": part["target"].sum(), "stress": ", ".join(st) or "steady",
                     "stress_kpis": ", ".join(x for x in dict.fromkeys(part["stress_kpis"]) if x),
                     "promotion": ", ".join(x for x in part["promotion"] if x and "lead-in" not in x)})
    rows.append({"period": str(year), "level": "year", "share": 1.0, "target": months["target"].sum(),
                 "stress": "", "stress_kpis": "", "promotion": ", ".join(e["name"] for e in promos)})
    return pd.concat([months, pd.DataFrame(rows)], ignore_index=True)


# ----------------------------------------------------------------------------- organisation cascade
def _split(total: float, weights: pd.Series, fixed: Mapping[str, float], unit: float, what: str) -> pd.Series:
    """Fix ``fixed`` parts and split the remainder over the other parts by ``weights``
    (NaN weight: takes no part)."""
    out = pd.Series(0.0, index=weights.index, name="target")
    fixed = {k: float(v) for k, v in fixed.items() if v is not None and not pd.isna(v)}
    for k, v in fixed.items():
        if v < 0:
            raise SalesperfError(f"The override for '{k}' is {v:g}; a target must be ≥ 0.")
        out[k] = v
    rest = total - sum(fixed.values())
    free = [i for i in weights.index if i not in fixed]
    if rest < -1e-9 * max(1.0, abs(total)):
        raise SalesperfError(
            f"The overrides of {what} ({', '.join(f'{k}={v:g}' for k, v in fixed.items())}) add up to "
            f"{sum(fixed.values()):g}, more than the total {total:g} to be split. "
            "Lower the overrides or raise the total.")
    rest = max(rest, 0.0)
    w = weights.reindex(free)
    if rest > 1e-9 * max(1.0, abs(total)) and (not free or w.isna().all()):
        raise SalesperfError(
            f"The overrides of {what} cover every part but add up to {sum(fixed.values()):g}, "
            f"not the total {total:g}. Leave at least one part without an override, or make them add up.")
    if free and rest > 0:
        out[free] = largest_remainder(rest, w.to_numpy(dtype="float64"), unit=unit)
    return out


def cascade(total: float, parts: pd.DataFrame, *, method: str = "history",
            overrides: Mapping[str, float] | None = None, unit: float = 1.0) -> pd.Series:
    """Split a target over teams or people (公司 → 团队 → 个人), adding up exactly.

    Weights by ``method``:

    - ``history``: w_i = parts["history"] (e.g. last year's revenue, a smoothed baseline);
      NaN counts as 0.
    - ``capacity``: w_i = parts["headcount"] (default 1) × parts["ramp"] (default 1; see
      :func:`ramp_factor` for new hires).
    - ``equal``: w_i = 1.

    Parts with an override get exactly that amount; the remainder R = total − Σ overrides is
    split over the others, target_i = largest-remainder rounding of R × w_i / Σ w to ``unit``
    (equal shares when all their weights are 0), so Σ target_i == total.

    Parameters
    ----------
    total : float
        The whole to split (≥ 0).
    parts : DataFrame
        One row per team or person, indexed by its name or id.
    method : {"history", "capacity", "equal"}
    overrides : mapping, optional
        Manual targets ``{part: amount}`` that are kept as they are.
    unit : float, default 1
        Rounding unit (1 = whole yuan).

    Returns
    -------
    Series ``target`` indexed like ``parts``.
    """
    check_one_of("method", method, METHODS)
    if not isinstance(total, (int, float, np.integer, np.floating)) or not np.isfinite(total) or total < 0:
        raise SalesperfError(f"cascade: the total to split is {total!r}, but a target total must be a number ≥ 0. "
                             "Fix: give the company's (or the team's) target as a number; a figure computed from "
                             "a period without data is NaN.")
    if not isinstance(parts, pd.DataFrame):
        parts = pd.DataFrame(index=pd.Index(list(parts)))
    if not parts.index.is_unique:
        dup = parts.index[parts.index.duplicated()].unique().tolist()
        raise SalesperfError(f"cascade: the parts must be unique, found {dup} more than once.")
    overrides = dict(overrides or {})
    unknown = [k for k in overrides if k not in parts.index]
    if unknown:
        raise SalesperfError(f"The override(s) {unknown} name no part of the cascade "
                             f"(parts: {list(parts.index)[:20]}).{did_you_mean(unknown[0], map(str, parts.index))}")
    if method == "history":
        if "history" not in parts:
            raise SalesperfError("cascade(method='history') needs a 'history' column in parts "
                                 "(each part's past figure); use method='equal' or 'capacity' otherwise.")
        w = pd.to_numeric(parts["history"], errors="coerce").fillna(0.0).clip(lower=0)
    elif method == "capacity":
        one = pd.Series(1.0, index=parts.index)
        head = pd.to_numeric(parts["headcount"], errors="coerce") if "headcount" in parts else one
        ramp = pd.to_numeric(parts["ramp"], errors="coerce") if "ramp" in parts else one
        w = (head.fillna(0.0) * ramp.fillna(1.0)).clip(lower=0)
    else:
        w = pd.Series(1.0, index=parts.index)
    return _split(float(total), w.astype("float64"), overrides, unit, "the cascade")


# ----------------------------------------------------------------------------- history
def _coverage(tables: dict[str, pd.DataFrame], kpi: str) -> tuple[Period, Period] | None:
    """First and last month fully covered by the tables the KPI reads.

    A month at either end counts only when the data reach to within the typical gap between
    record days (at least two days) of its edge, so that an export pulled in mid-month does
    not make that month look like a slump.
    """
    from .kpis import REGISTRY

    lo, hi = [], []
    for table in REGISTRY[kpi].needs:
        col = _DATE_COLUMNS.get(table)
        df = tables.get(table)
        if col is None or df is None or col not in df or df.empty:
            continue
        days = pd.Series(pd.to_datetime(df[col], errors="coerce").dropna().dt.normalize().unique()).sort_values()
        if not len(days):
            continue
        gap = days.diff().median() if len(days) > 2 else pd.Timedelta(days=31)
        tol = max(pd.Timedelta(days=2), gap if pd.notna(gap) else pd.Timedelta(days=31))
        first, last = parse_period(days.iloc[0].date()), parse_period(days.iloc[-1].date())
        lo.append(first if days.iloc[0] - first.start <= tol else first.shift(1))
        hi.append(last if last.last_day - days.iloc[-1] <= tol else last.shift(-1))
    sheet = tables.get("kpi_sheet")
    if sheet is not None and kpi in sheet:
        from .coverage import periods_of_sheet

        ps = periods_of_sheet(sheet)
        if ps:
            lo.append(min(m for p in ps for m in p.months()))
            hi.append(max(m for p in ps for m in p.months()))
    if not lo:
        return None
    return min(lo), max(hi)


def monthly_history(dataset, months: Iterable, *, kpis: Sequence[str] = ("revenue",),
                    options: dict | None = None) -> pd.DataFrame:
    """KPIs per person for each of ``months``, as a tidy table to set targets from.

    One :func:`~salesperf_kit.kpis.compute_kpis` run per month for all ``kpis`` together;
    pass the result to :func:`targets_from_history` (``history=``) to plan several KPIs or
    methods without recomputing it.

    Returns
    -------
    DataFrame with columns period, employee_id, kpi, value, numerator, denominator.
    """
    from .kpis import compute_kpis

    parts = []
    for m in months:
        res = compute_kpis(dataset, m, kpis=list(kpis), options=options)
        missing = [k for k in kpis if k not in res.kpis]
        if missing:
            raise SalesperfError(f"Targets for {missing} need their history, but they cannot be computed: "
                                 + " ".join(res.notices)
                                 + " Set targets.kpis in the parameter file to KPIs the data allow.")
        parts.append(res.long[["employee_id", "kpi", "value", "numerator", "denominator"]].assign(period=str(m)))
    cols = ["period", "employee_id", "kpi", "value", "numerator", "denominator"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)[cols]
    out["employee_id"] = out["employee_id"].astype(str)
    return out


def _smoothing(settings, smoothing_periods: int | None) -> int | None:
    """The number of recent months the levels come from, or None for the whole base year:
    ``smoothing_periods`` when given, else ``targets.smoothing_periods`` when the plan sets it."""
    if smoothing_periods is not None:
        return int(smoothing_periods)
    if "smoothing_periods" in settings.model_fields_set:
        return int(settings.smoothing_periods)
    return None


def _history_months(tables, kpis: Iterable[str], year: int, smoothing: int | None) -> list[Period]:
    """The months to learn from: those before ``year`` that the data cover, looking back at
    most three years (the season is averaged over up to three years; the levels come from
    the last twelve, or the last ``smoothing`` when it is longer)."""
    first = Period("month", int(year), 1)
    span = max(12, smoothing or 12)
    months = [first.shift(-i) for i in range(span + 24, 0, -1)]
    covs = [_coverage(tables, k) for k in kpis]
    if all(c is not None for c in covs):
        months = [m for m in months if any(c[0] <= m <= c[1] for c in covs)]
    return months[-(span + 24):]


def _people(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    emp = tables.get("employees")
    if emp is None or "employee_id" not in emp:
        raise SalesperfError("Targets need the employees table (employee_id, name, team, role).")
    out = pd.DataFrame({"employee_id": emp["employee_id"].astype(str).to_numpy(),
                        "name": emp["name"].astype("object").where(emp["name"].notna(), "").astype(str).to_numpy()
                        if "name" in emp else "",
                        "team": emp["team"].astype(str).to_numpy() if "team" in emp else "",
                        "hire_date": pd.to_datetime(emp["hire_date"], errors="coerce").to_numpy()
                        if "hire_date" in emp else pd.NaT})
    out["leave_date"] = pd.to_datetime(emp["leave_date"], errors="coerce").to_numpy() if "leave_date" in emp else pd.NaT
    return out.set_index("employee_id")


def _who(e: str, people: pd.DataFrame, language: str) -> str:
    """A person as the notes name them: 吴霞（华中一组） in Chinese and 吴霞 (0016, 华中一组) in
    English, so that nobody has to look up who 0016 is; by id where the employees table gives
    no name (or gives the id as the name)."""
    name = str(people.at[e, "name"]).strip() if "name" in people else ""
    team = people.at[e, "team"]
    if language == "zh":
        return f"{name if name and name != e else e}（{team}）"
    return f"{name} ({e}, {team})" if name and name != e else f"{e} ({team})"


def _people_named(ids: Iterable[str], people: pd.DataFrame) -> Note:
    """Several people as :func:`_who` names them, in both languages."""
    ids = list(ids)
    return Note(", ".join(_who(e, people, "en") for e in ids), "、".join(_who(e, people, "zh") for e in ids))


def _whole_month(p: Period, hire, leave) -> bool:
    """Whether someone worked the whole of month ``p`` (an unknown date does not rule it out).
    A month they joined or left in shows only part of their run rate: it sets no level."""
    if hire is not None and not pd.isna(hire) and pd.Timestamp(hire) > p.start:
        return False
    return leave is None or pd.isna(leave) or pd.Timestamp(leave) >= p.last_day


def _round_level(kpi: str, x: float) -> float:
    return round(float(x), 4 if CATALOGUE[kpi].unit == "ratio" else 2)




def targets_from_history(dataset, *, kpi: str = "revenue", year: int, uplift: float | None = None,
                         smoothing_periods: int | None = None, method: str | None = None, settings=None,
                         annual: float | None = None, overrides: Mapping[str, float] | None = None,
                         unit: float = 1.0, options: dict | None = None,
                         history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monthly targets per person and team for ``year`` from the history before it.

    For an additive KPI (revenue, orders, new customers, ...), with H the last twelve months
    before ``year`` that the data cover in full (the base year; a month an export stops in
    the middle of is left out), the seasonal index I_m = 12 × profile_m / 100 learned
    from the history (:func:`seasonal_profile`), and S = H, or the last ``smoothing_periods``
    months of H when that is given (or set in the plan):

        level_p  = Σ actual_{p,m} / Σ I_m   over m in S that p worked in full
        level_co = Σ company actual_m / Σ I_m   over m in S
        annual   = 12 × level_co × g, rounded to ``unit``   (unless ``annual`` is given)

    Over a whole base year Σ I_m = 12, so the company's target is last year's total × g and a
    person's level is their year's total / 12: with everyone employed all year, every team's
    target is its own last year × g. A person who worked only part of S is measured on the
    months they worked in full, scaled up by the season's weight of those months.

    with g = 1 + uplift, or 1 / (1 + uplift) for a KPI where lower is better (complaints,
    violations). The company figure is the sum over the people of the employees table.

    ``annual`` is split into months (:func:`split_in_time`: the ``settings.profile`` with the
    promotion calendar, or else last year's learned season), and each month's company target
    is cascaded to teams and people (:func:`cascade`) among those employed in that month,
    with weights by ``method``:

    - ``history``: w_p = level_p, i.e. each person's smoothed baseline × g, scaled
      so that the parts add up. A month someone joined or left in is not one of their months
      (part of a month understates the run rate); someone without a whole month in S (a new
      hire) gets the median level of their team (else of the company) × :func:`ramp_factor`;
    - ``capacity``: w_p = ramp_factor(hire_date, month, new_hire_ramp_months);
    - ``equal``: w_p = 1 for everyone employed.

    A team's weight is the sum of its members'. ``overrides`` ({employee_id or team: annual
    amount}) are split over their months like the company target, kept as they are, and the
    rest is redistributed. Someone with a ``leave_date`` in the employees table takes no target
    in the months after it (their history still counts in the company's baseline); an
    override of 0 takes someone out otherwise. Team rows are
    the sums of their members, and every month's team rows add up to the company's month.

    For a ratio, score or other non-additive KPI (conversion rate, CAC, ...), nothing is
    split: each person's monthly target is the smoothed level

        level_p = Σ numerator / Σ denominator over S (the mean value for KPIs without parts)
        target  = level_p × g

    with the team's pooled level for people without history and for the team rows.

    Parameters
    ----------
    dataset : dict of DataFrames or Dataset
        Tables of the data contract (employees and the tables the KPI needs).
    kpi : str, default "revenue"
    year : int
        The target year; the history is the twelve months with data before it.
    uplift, smoothing_periods, method : optional
        Default: the values in ``settings`` (0.25, "history"); ``smoothing_periods`` only
        when the plan sets it, else the levels come from the whole base year.
    settings : TargetSettings, optional
        The parameter file's ``targets:`` section (profile, promotions, ramp).
    annual : float, optional
        The company's annual target, when it is decided top-down.
    overrides : mapping, optional
        Manual annual targets by employee_id or team.
    unit : float, default 1
        Rounding unit of additive targets.
    options : dict, optional
        ``kpi_options`` of the parameter file.
    history : DataFrame, optional
        :func:`monthly_history` of the months before ``year``, to avoid computing it again.

    Returns
    -------
    DataFrame with columns period, employee_id, team, kpi, target: one row per month for every
    person employed in it, and one per team (``employee_id`` empty). ``attrs["basis"]`` says
    how the company's annual figure was set (the level, the months and the uplift) and what
    each team gets in the year, with its change on the team's own base year; with the history method, ``attrs["notes"]`` says, for each
    person without history, what their targets follow, and who gets 0 all year.
    """
    from .params import TargetSettings

    settings = settings or TargetSettings()
    check_one_of("kpi", kpi, CATALOGUE)
    uplift = settings.uplift if uplift is None else float(uplift)
    smoothing = _smoothing(settings, smoothing_periods)
    method = method or settings.method
    check_one_of("method", method, METHODS)
    if smoothing is not None and smoothing < 1:
        raise SalesperfError(f"smoothing_periods must be at least 1, but {smoothing} was passed.")
    problem = uplift_problem(uplift)
    if problem:
        raise SalesperfError(Note(f"{problem} (--uplift or targets.uplift)", f"--uplift 或 targets.uplift：{problem.zh}"))
    tables = _tables(dataset)
    people = _people(tables)
    overrides = _resolved_overrides(overrides, people, kpi)
    months = _year_months(year)
    hist_months = _history_months(tables, [kpi], year, smoothing)
    if history is None:
        hist = monthly_history(dataset, hist_months, kpis=[kpi], options=options)
    else:
        hist = history[history["kpi"] == kpi].assign(period=lambda x: x["period"].astype(str),
                                                     employee_id=lambda x: x["employee_id"].astype(str))
        hist_months = [m for m in hist_months if str(m) in set(hist["period"])]
        hist = hist[hist["period"].isin([str(m) for m in hist_months])]
    warnings = _stale_history(hist_months, kpi, year, uplift)
    for w in warnings:
        log.warning(w)
    base_year = [str(m) for m in hist_months[-12:]]
    recent = base_year if smoothing is None else [str(m) for m in hist_months[-smoothing:]]
    factor = (1 + uplift) if CATALOGUE[kpi].higher_is_better else 1 / (1 + uplift)
    if not _is_additive(kpi):
        out = _level_targets(hist, people, kpi, months, recent, factor, overrides)
        out.attrs["basis"] = _level_basis(hist, people, kpi, year, recent, uplift, factor)
        out.attrs["warnings"] = warnings
        return out

    company = hist.groupby("period")["value"].sum() if len(hist) else pd.Series(dtype="float64")
    learned = seasonal_profile(company) if len(company) else [float("nan")] * 12
    has_learned = not any(math.isnan(x) for x in learned)
    named_promotions = "promotions" in getattr(settings, "model_fields_set", ())
    season = _season_words(settings.profile is not None, list(company.index) if has_learned else [],
                           _promotions(settings.promotions), named_promotions,
                           learned if has_learned and settings.profile is None else None)
    index = pd.Series([x * 12 / 100 for x in (learned if has_learned else [100 / 12] * 12)], index=range(1, 13))

    def deseason(values: pd.Series) -> float:
        # Σ actual / Σ seasonal index: a whole year's total / 12, part of a year scaled up
        # by the weight of the months it covers
        idx = index[[parse_period(p).index for p in values.index]].to_numpy()
        ok = idx > 0
        return float(values.to_numpy()[ok].sum() / idx[ok].sum()) if ok.any() else float("nan")

    computed = annual is None  # (from the history: a leaver's part of it can be said)
    if annual is None:
        if company.reindex(recent).dropna().empty:
            cov = _coverage(tables, kpi)
            found = (f"the data cover {cov[0]} .. {cov[1]}" if cov is not None and cov[0] <= cov[1]
                     else "the data have no full month of it")
            later = (f", or set targets for {cov[1].year + 1} (--year {cov[1].year + 1})"
                     if cov is not None and cov[0] <= cov[1] and cov[1].year + 1 != year else "")
            raise SalesperfError(
                f"There is no {kpi} history before {year} to set targets from: they are learned from the last twelve "
                f"months with data in {Period('month', year - 3, 1)} .. {Period('month', year - 1, 12)}, but "
                f"{found}. Load the data of {year - 1}{later}, or (in Python) give the company's annual target "
                "with annual=...")
        level_co = deseason(company.reindex(recent).fillna(0.0))
        annual = round(12 * level_co * factor / unit) * unit  # a computed total is a whole number of units
        basis = _learned_basis(kpi, year, annual, level_co, recent, uplift, factor, method)
    else:
        basis = _given_basis(kpi, year, float(annual), method)
    annual = float(annual)
    _overrides_fit(overrides, people, annual, kpi, year)
    if settings.profile is not None:
        plan = split_in_time(annual, year=year, profile=settings.profile, kpi=kpi, unit=unit,
                             promotions=settings.promotions if named_promotions else None)
    elif has_learned:
        plan = split_in_time(annual, year=year, profile=learned, promotions=settings.promotions, kpi=kpi,
                             unit=unit, reweight=False)
    else:
        plan = split_in_time(annual, year=year, promotions=settings.promotions, kpi=kpi, unit=unit)
    plan = plan[plan["level"] == "month"].set_index("period")

    # smoothed, season-adjusted level per person
    levels = pd.Series(np.nan, index=people.index)
    if len(hist):
        wide = hist.pivot_table(index="employee_id", columns="period", values="value", aggfunc="sum")
        for e in people.index:
            if e not in wide.index:
                continue
            ms = [p for p in recent if p in wide.columns and _whole_month(parse_period(p), people.at[e, "hire_date"],
                                                                                         people.at[e, "leave_date"])]
            if ms:
                levels[e] = deseason(wide.loc[e, ms].fillna(0.0))
    fallback_team = levels.groupby(people["team"]).median()
    fallback_all = levels.median()

    monthly_overrides = _monthly_overrides(overrides, people, months, plan["share"], unit)

    def share_out(staff: pd.DataFrame) -> pd.DataFrame:
        rows = []
        for m in months:
            active = staff[[m.employs(h, lv) for h, lv in zip(staff["hire_date"], staff["leave_date"], strict=True)]]
            if active.empty:
                if plan.at[str(m), "target"] > 0:
                    raise SalesperfError(f"Nobody in the employees table is employed in {m}: no one to give its "
                                         "target to.")
                continue
            w = _weights(method, active, levels, fallback_team, fallback_all, m, settings.new_hire_ramp_months)
            per = _cascade_month(plan.at[str(m), "target"], active, w, monthly_overrides.get(str(m), {}), unit, m)
            rows.append(pd.DataFrame({"period": str(m), "employee_id": per.index,
                                      "team": active["team"].reindex(per.index).to_numpy(),
                                      "kpi": kpi, "target": per.to_numpy()}))
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=_TARGET_COLUMNS)

    out = share_out(people)
    gone_note = []
    if computed:  # the history of people gone before the year is in the company's base: say how much
        gone_note = _leavers_note(hist, people, recent, deseason, factor, unit, annual, kpi, year)
    # the people without a record take their share out of the company's fixed target: say
    # whose targets fell and by how much, against the split without them
    overridden = set(overrides)
    newcomers = [e for e in people.index if pd.isna(levels.get(e)) and e not in overridden
                 and e in set(out["employee_id"]) and out.loc[out["employee_id"] == e, "target"].sum() > 0]
    newcomer_note = []
    if newcomers:
        try:
            without = share_out(people.drop(index=newcomers))
        except SalesperfError:
            without = None
        if without is not None:
            newcomer_note = [_newcomer_note(out, without, newcomers, people, recent, kpi, year, annual)]
    teams = out.groupby(["period", "team"], as_index=False)["target"].sum().assign(employee_id=None, kpi=kpi)
    out = pd.concat([out, teams[_TARGET_COLUMNS]], ignore_index=True)
    out = _tidy(out)
    team_year = out[out["employee_id"].isna()].groupby("team", sort=True)["target"].sum()
    team_past = _team_past(hist, people, base_year, deseason, kpi)
    by_team = Note.join([Note(f"{t} {grouped(v)}{past}", f"{t} {grouped(v)}{past.zh}")
                         for t, v in team_year.items() for past in [team_past(t, v)]], ", ", "，")
    out.attrs["basis"] = [Note(f"{basis}; {season}; by team: {by_team}.", f"{basis.zh}；{season.zh}；各团队：{by_team.zh}。")]
    if method == "history":
        out.attrs["notes"] = _no_history_notes(people, levels, fallback_team, months, recent, kpi,
                                               settings.new_hire_ramp_months, overrides)
    out.attrs["notes"] = [*out.attrs.get("notes", []), *newcomer_note, *gone_note]
    out.attrs["warnings"] = warnings
    return out


def _leavers_note(hist: pd.DataFrame, people: pd.DataFrame, recent: list[str], deseason, factor: float,
                  unit: float, annual: float, kpi: str, year: int) -> list[Note]:
    """The people who left before ``year`` whose history is in the base months ``recent``:
    the company's target is last year's total × g, theirs included, so the others share
    it. Who they are, what they sold, how much of the target that is, and the ``--annual``
    that leaves it out."""
    start = pd.Timestamp(year=int(year), month=1, day=1)
    left = people.index[people["leave_date"].notna() & (people["leave_date"] < start)]
    mine = hist[hist["employee_id"].isin(left) & hist["period"].isin(recent)]
    sold = mine.groupby("employee_id")["value"].sum()
    sold = sold[sold.round(6) != 0]
    if sold.empty:
        return []
    rest = hist[~hist["employee_id"].isin(sold.index)].groupby("period")["value"].sum()
    without = round(12 * deseason(rest.reindex(recent).fillna(0.0)) * factor / unit) * unit
    added = annual - without
    who = _people_named(sold.index, people)
    return [Note(
        f"{who} left before {year} but their {kpi} of {_span(recent)} "
        f"({grouped(float(sold.sum()))}) is in the base year: it adds about {grouped(added)} to the company's "
        f"{grouped(annual)} in {year}, which the others share. Without it the company's target is about "
        f"{grouped(without)} (--annual {without:.0f}); keep it if the customers stay with the company.",
        f"{who.zh}在 {year} 年前已离职，但其在 {_span(recent, 'zh')}的{label(kpi, 'zh')}（{grouped(float(sold.sum()))}）"
        f"仍计入基数：使 {year} 年公司目标 {grouped(annual)} 增加了约 {grouped(added)}，由其他人分担。若不计入，公司目标约为 "
        f"{grouped(without)}（--annual {without:.0f}）；若其客户仍留在公司，可保持现状。")]


def _stale_history(hist_months: list[Period], kpi: str, year: int, uplift: float) -> list[Note]:
    """A warning when the history ends more than a year before ``year`` (2019 targets from
    data that end in 2017-12): the targets then repeat an old level, and a mistyped year
    would otherwise go unnoticed."""
    if not hist_months or hist_months[-1] >= Period("month", int(year) - 1, 1):
        return []
    last = hist_months[-1]
    years = list(range(last.year + 1, int(year)))
    none = " and ".join(str(y) for y in years) if len(years) <= 2 else f"{years[0]} .. {years[-1]}"
    none_zh = (" 与 ".join(str(y) for y in years) if len(years) <= 2 else f"{years[0]} 至 {years[-1]}") + " 年"
    also = f" (nor {last.shift(1)} .. {last.year}-12)" if last.index < 12 else ""
    also_zh = f"（{last.shift(1)} 至 {last.year}-12 也没有）" if last.index < 12 else ""
    return [Note(f"the {kpi} data end in {last}, more than a year before {year}: there are no data for {none}{also}, "
                 f"so the {year} targets are the level up to {last} x {1 + uplift:.4g} (uplift {uplift:.0%}), with "
                 f"nothing counted for the time in between. Check --year (targets for {last.year + 1}?), or load the "
                 f"data of {years[-1]}.",
                 f"{label(kpi, 'zh')}数据止于 {last}，比 {year} 年早一年以上：{none_zh}没有数据{also_zh}，所以 {year} 年"
                 f"的目标是截至 {last} 的水平 × {1 + uplift:.4g}（增长 {uplift:.0%}），中间这段时间不计。请检查 "
                 f"--year（是要设 {last.year + 1} 年的目标吗？），或载入 {years[-1]} 年的数据。")]


def _newcomer_note(out: pd.DataFrame, without: pd.DataFrame, newcomers: list[str], people: pd.DataFrame,
                   recent: list[str], kpi: str, year: int, annual: float) -> Note:
    """Who takes a share of the company's fixed target without a record of their own, and by
    how much that lowers everybody else's targets, team by team."""
    mine = out[out["employee_id"].isin(newcomers)]
    taken = float(mine["target"].sum())
    others = out[out["employee_id"].notna() & ~out["employee_id"].isin(newcomers)]
    before = without[without["employee_id"].notna()].groupby("team")["target"].sum()
    after = others.groupby("team")["target"].sum().reindex(before.index, fill_value=0.0)
    fell = (after - before)[lambda d: d.round(6) != 0]
    # the company's target that leaves the others about what they get without the new people:
    # each month's target x (month's target / the others' part of it)
    month = out[out["employee_id"].notna()].groupby("period")["target"].sum()
    rest = others.groupby("period")["target"].sum().reindex(month.index, fill_value=0.0)
    needed = float(sum(t * t / r if r > 0 else t for t, r in zip(month, rest, strict=True)))
    needed = max(round(needed), annual)
    who = _people_named(newcomers, people)
    changes = [f"{t} {'+' if d >= 0 else ''}{grouped(d)}" for t, d in fell.items()]
    one = len(newcomers) == 1
    return Note(
        f"{who} {'has' if one else 'have'} no {kpi} record in a whole month of {_span(recent)} "
        f"and {'takes' if one else 'take'} {grouped(taken)} of the company's {grouped(annual)} in {year}; "
        f"the company's target does not grow with them, so the others' targets are {grouped(taken)} lower than "
        f"without them" + (f" (by team: {', '.join(changes)})." if changes else ".")
        + f" To add theirs on top instead, raise the company's target to about {grouped(needed)} (--annual "
        f"{needed:.0f}, or annual= in Python); to set someone's target yourself, --override "
        "EMPLOYEE=AMOUNT (overrides={kpi: {employee_id: amount}} in Python).",
        f"{who.zh}在 {_span(recent, 'zh')}没有一个完整月份的{label(kpi, 'zh')}记录，分走了 {year} 年公司目标 "
        f"{grouped(annual)} 中的 {grouped(taken)}；公司目标并不因此增加，所以其他人的目标比没有{'此人' if one else '这些人'}"
        f"时低 {grouped(taken)}" + (f"（各团队：{'，'.join(changes)}）。" if changes else "。")
        + f"若要在此之外另加{'此人' if one else '这些人'}的目标，请把公司目标提高到约 {grouped(needed)}（--annual "
        f"{needed:.0f}，Python 中用 annual=）；要自己设定某人的目标，用 --override 工号或姓名=金额（Python 中用 "
        "overrides={kpi: {employee_id: amount}}）。")


def _season_years(months: Sequence[str], language: str = "en") -> list[str]:
    """The years :func:`seasonal_profile` learns from, as they are said (``2026`` or
    ``2025-11 .. 2026-10``; see :func:`_span`): twelve-month years counted back from the last
    month, the complete ones when there is one."""
    ps = sorted(parse_period(m) for m in months)
    if not ps:
        return []
    last = _month_number(ps[-1])
    blocks: dict[int, list[str]] = {}
    for p in ps:
        blocks.setdefault((last - _month_number(p)) // 12, []).append(str(p))
    full = [b for b in blocks.values() if len(b) == 12]
    return [_span(b, language) for b in sorted(full or blocks.values(), key=lambda b: b[0])]


def _span(months: Sequence[str], language: str = "en") -> str:
    """``2026`` (``2026 年``) for the twelve months of a calendar year, else
    ``2026-03 .. 2027-02`` (``2026-03 至 2027-02 期间``) or one month. The Chinese span ends
    in a Chinese character, so that the words after it follow without a space."""
    zh = language == "zh"
    if not months:
        return "历史数据" if zh else "the history"
    ps = [parse_period(m) for m in months]
    if len(ps) == 12 and ps[0].index == 1 and ps[-1].index == 12 and ps[0].year == ps[-1].year:
        return f"{ps[0].year} 年" if zh else str(ps[0].year)
    if len(months) == 1:
        return f"{ps[0].year} 年 {ps[0].index} 月" if zh else months[0]
    return f"{months[0]} 至 {months[-1]} 期间" if zh else f"{months[0]} .. {months[-1]}"


_METHOD_WORDS = {"history": Note("by each person's own level", "按每人自己的水平分到人"),
                 "capacity": Note("by head count (new hires ramped up)", "按人头分配（新人逐月爬坡）"),
                 "equal": Note("equally among those employed", "在职人员平均分配")}


def _growth(uplift: float, factor: float) -> Note:
    """``x 1.25 (uplift 25%)``, or ``/ 1.25`` for a KPI where lower is better."""
    if factor >= 1:
        return Note(f"x {factor:.4g} (uplift {uplift:.0%})", f"× {factor:.4g}（增长 {uplift:.0%}）")
    return Note(f"/ {1 + uplift:.4g} (uplift {uplift:.0%}, lower is better)",
                f"÷ {1 + uplift:.4g}（改进 {uplift:.0%}，该指标越低越好）")


def _learned_basis(kpi: str, year: int, annual: float, level: float, recent: list[str], uplift: float,
                   factor: float, method: str) -> Note:
    """How the company's annual target came from its history."""
    grow = _growth(uplift, factor)
    return Note(f"{kpi} {year}: the company's target {grouped(annual)} = 12 x {grouped(level, 2)} (its monthly level "
                f"of {_span(recent)}, season-adjusted) {grow}, shared out {_METHOD_WORDS[method]}",
                f"{year} 年{label(kpi, 'zh')}：公司目标 {grouped(annual)} = 12 × {grouped(level, 2)}（{_span(recent, 'zh')}"
                f"经季节调整的月均水平）{grow.zh}，{_METHOD_WORDS[method].zh}")


def _given_basis(kpi: str, year: int, annual: float, method: str) -> Note:
    """The company's annual target as it was given (--annual)."""
    return Note(f"{kpi} {year}: the company's target {grouped(annual)} (given), shared out {_METHOD_WORDS[method]}",
                f"{year} 年{label(kpi, 'zh')}：公司目标 {grouped(annual)}（指定），{_METHOD_WORDS[method].zh}")


def _season_words(by_profile: bool, learned_from: Sequence[str], promos: Sequence[dict] = (),
                  named: bool = False, learned: Sequence[float] | None = None) -> Note:
    """How the year is split into months: by the plan's profile, by the season of the
    months ``learned_from``, or flat when there are none; and whether the promotion calendar
    ``promos`` weighs the months (:func:`split_in_time`): always for a flat year, for the
    plan's profile only when the plan ``named`` its promotions, never for a learned season
    (which already shows them; when the plan named a calendar, the note says so and how to
    add an event the history lacks, with the ``learned`` shares to start from)."""
    events = Note(", ".join(f"{e['name']} x{e['weight']:g}" for e in promos),
                  "、".join(f"{e['name']} ×{e['weight']:g}" for e in promos))
    if by_profile:
        if named and promos:
            return Note(f"months by the plan's profile x the promotion weights of targets.promotions ({events})",
                        f"各月按方案的分布比例（targets.profile）乘以 targets.promotions 的促销权重（{events.zh}）")
        return Note("months by the plan's profile as written (no promotion weights on top: it already places the "
                    "promotions; name targets.promotions to multiply it)",
                    "各月按方案的分布比例（targets.profile）原样拆分（不再乘促销权重：比例中已含促销月份；"
                    "如需相乘，在方案中写明 targets.promotions）")
    if not learned_from:
        if not promos:
            return Note("months flat (no season to learn from)", "各月平均（没有可学的季节规律）")
        return Note(f"months flat (no season to learn from) x the promotion weights ({events})",
                    f"各月平均（没有可学的季节规律）再乘促销权重（{events.zh}）")
    en, zh = _season_years(learned_from), _season_years(learned_from, "zh")
    if len(en) == 1:
        words = Note(f"months by the season of {en[0]}", f"各月按 {zh[0]}的季节规律")
    else:
        words = Note(f"months by the average season of {', '.join(en[:-1])} and {en[-1]}",
                     f"各月按 {'、'.join(zh[:-1])}与 {zh[-1]}的平均季节规律")
    if not (named and promos and learned is not None):
        return words
    shares = largest_remainder(100.0, [x / 100 for x in learned], unit=0.1)
    listed = ", ".join(f"{x:.1f}" for x in shares)
    return Note(f"{words} (the promotions of targets.promotions, {events}, are not applied on top: the learned "
                "season already shows the promotions of the years it comes from; for an event those years did not "
                f"have, write targets.profile instead, e.g. the learned shares [{listed}] with its month raised (a "
                "profile is used as written))",
                f"{words.zh}（targets.promotions 的促销权重 {events.zh} 没有再乘上去：学到的季节规律已含这些年份的促销；"
                f"如有这些年份没有的新活动，请改写 targets.profile，例如学到的比例 [{listed}] 并调高其所在月份"
                "（分布比例按原样使用））")


def _team_past(hist: pd.DataFrame, people: pd.DataFrame, base_year: list[str], deseason, kpi: str):
    """How a team's annual target compares with the team's own base year (its members' actuals
    in the twelve months before the target year: ``(+25.0% on its 2026)``), so that a split
    far from the company's uplift shows before the targets are handed over. With fewer
    than twelve months of data, the team's months are season-adjusted to a year."""
    h = hist[hist["period"].isin(base_year)]
    h = h.assign(team=h["employee_id"].map(people["team"])).dropna(subset=["team"])
    by_team = h.pivot_table(index="team", columns="period", values="value", aggfunc="sum").reindex(columns=base_year)
    span, span_zh, name = _span(base_year), _span(base_year, "zh"), label(kpi, "zh")
    full = len(base_year) == 12

    def said(team: str, target: float) -> Note:
        if team not in by_team.index:
            return Note(f" (new: no {kpi} in {span})", f"（新团队：{span_zh}没有{name}）")
        row = by_team.loc[team].fillna(0.0)
        past = float(row.sum()) if full else 12 * deseason(row)
        if not past > 0:
            return Note(f" (no {kpi} in {span})", f"（{span_zh}没有{name}）")
        change = f"{target / past - 1:+.1%}"
        return (Note(f" ({change} on its {span})", f"（较其 {span_zh} {change}）") if full else
                Note(f" ({change} on its {span} at a yearly rate)", f"（较其 {span_zh}的年化水平 {change}）"))

    return said


def _no_history_notes(people: pd.DataFrame, levels: pd.Series, fallback_team: pd.Series, months: list[Period],
                      recent: list[str], kpi: str, ramp_months: int, overrides) -> list[Note]:
    """Why each person without a level got the target they did (history method), and who
    gets a target of 0 all year because they sold nothing in the months it follows."""
    notes = []
    span, span_zh, name = _span(recent), _span(recent, "zh"), label(kpi, "zh")
    for e, row in people.iterrows():
        if pd.notna(levels.get(e)) or str(e) in {str(k) for k in (overrides or {})}:
            continue
        worked = [m for m in months if m.employs(row["hire_date"], row["leave_date"])]
        if not worked:
            continue
        basis = (Note(f"the median level of team {row['team']}", f"团队「{row['team']}」的水平中位数")
                 if pd.notna(fallback_team.get(row["team"])) else Note("the median level of the company", "全公司的水平中位数"))
        ramp = [(m, ramp_factor(row["hire_date"], m, ramp_months)) for m in worked]
        ramp = [(m, r) for m, r in ramp if r < 1]
        en = ", ".join(f"{r:.0%} in {m}" for m, r in ramp)
        zh = "、".join(f"{m} 按 {r:.0%}" for m, r in ramp)
        notes.append(Note(f"{_who(e, people, 'en')} has no {kpi} history in a whole month of {span}: their targets "
                          f"follow {basis}" + (f", ramped up as a new hire ({en})." if ramp else "."),
                          f"{_who(e, people, 'zh')}在 {span_zh}没有一个完整月份的{name}记录：其目标参照{basis.zh}"
                          + (f"，并按新人逐月爬坡（{zh}）。" if ramp else "。")))
    # worked those months in full and sold nothing: a level of 0, so a target of 0 all year,
    # which is right for a manager who does not sell and a silent gap for a salesperson
    nothing = [e for e in levels.index
               if levels.get(e) == 0 and str(e) not in {str(k) for k in (overrides or {})}
               and any(m.employs(people.at[e, "hire_date"], people.at[e, "leave_date"]) for m in months)]
    if nothing:
        year = months[0].year if months else ""
        who = _people_named(nothing, people)
        notes.append(Note(
            f"{who} had no {kpi} in the whole months of {span} that the targets follow, so "
            f"their {kpi} target is 0 in every month of {year}. Right for someone who does not sell (a "
            "manager scored on the team's figures); for a salesperson, give the annual target by hand "
            "(--override EMPLOYEE=AMOUNT on the command line, or make_targets(..., overrides={kpi: "
            "{employee_id: amount}}) in Python).",
            f"{who.zh}在目标所参照的 {span_zh}各完整月份中没有{name}，所以 {year} 年每个月的{name}目标都是 0。"
            "不做销售的人（按团队业绩考核的经理）这样是对的；若是销售人员，请手工给出全年目标（命令行用 --override "
            "工号=金额，Python 中用 make_targets(..., overrides={kpi: {employee_id: amount}})）。"))
    return notes


def _tidy(out: pd.DataFrame) -> pd.DataFrame:
    out = out[_TARGET_COLUMNS].copy()
    out["employee_id"] = out["employee_id"].astype("object").where(out["employee_id"].notna(), None)
    out["_person"] = out["employee_id"].isna()
    out = out.sort_values(["kpi", "period", "team", "_person", "employee_id"], na_position="last", kind="stable")
    out["target"] = out["target"].astype("float64")
    return out.drop(columns="_person").reset_index(drop=True)


def _weights(method, active, levels, fallback_team, fallback_all, m: Period, ramp_months: int) -> pd.Series:
    from .incentives import _days_employed

    ramp = pd.Series([ramp_factor(h, m, ramp_months) for h in active["hire_date"]], index=active.index)
    # someone who leaves in the month weighs the days up to their last day (a new hire's
    # first month is the ramp's)
    days, span = _days_employed(active[["leave_date"]], pd.Series(active.index, index=active.index), m)
    part = pd.Series(days / span, index=active.index)
    if method == "equal":
        return part
    if method == "capacity":
        return ramp * part
    lv = levels.reindex(active.index)
    fb = active["team"].map(fallback_team).fillna(fallback_all)
    w = lv.where(lv.notna(), fb * ramp)
    return (w * part).fillna(0.0).clip(lower=0)


def _override_key(key: str, people: pd.DataFrame, teams: set[str]) -> str:
    """The employee_id an override means: ``key`` itself when it is an id or a team, else the
    id of the one person of that name (whatever the spaces inside it: 王 芳 is 王芳), as the
    targets' notes name people. A name two people share is an error listing them."""
    if key in people.index or key in teams or "name" not in people:
        return key
    named = [e for e, n in zip(people.index, people["name"]) if n and squeezed(n) == squeezed(key)]
    if len(named) > 1:
        shown = " or ".join(person(e, people.at[e, "name"]) for e in named)
        raise SalesperfError(f"The override '{key}' names {len(named)} people ({shown}). Fix: give the employee_id, "
                             f"e.g. --override {named[0]}=<amount>.")
    return named[0] if named else key


def _resolved_overrides(overrides, people: pd.DataFrame, kpi: str) -> dict[str, float]:
    """{employee_id or team: value}: each key of ``overrides`` as :func:`_override_key` reads
    it (an id, a team, or the name of one person), for every KPI alike. A key that is none of
    them, or a person or team given twice (by id and by name), is an error."""
    out: dict[str, float] = {}
    given: dict[str, str] = {}
    teams = set(people["team"])
    for written, amount in (overrides or {}).items():
        key = _override_key(str(written), people, teams)
        if key in people.index and key in teams:
            raise SalesperfError(f"The override '{key}' is both an employee_id and a team name; rename the team.")
        if key not in people.index and key not in teams:
            pairs = list(zip(people.index, people["name"])) if "name" in people else []
            meant = did_you_mean_person(key, pairs) or did_you_mean(key, [*people.index, *teams])
            raise SalesperfError(Note(
                f"The {kpi} override '{key}' is neither an employee_id, a team nor a name of the employees table."
                + meant + " Fix: give an employee_id, a team, or a name only one person has.",
                f"{label(kpi, 'zh')}的覆盖值「{key}」既不是员工表中的工号、团队，也不是姓名。" + meant.zh
                + "修改方法：写工号、团队名，或只有一人使用的姓名。"))
        if key in given:
            raise SalesperfError(Note(
                f"The {kpi} overrides '{given[key]}' and '{written}' both mean {key}; give one of them.",
                f"{label(kpi, 'zh')}的覆盖值「{given[key]}」和「{written}」指的是同一个 {key}，只保留一个。"))
        given[key], out[key] = str(written), float(amount)
    return out


def _overrides_fit(overrides: dict[str, float], people: pd.DataFrame, annual: float, kpi: str, year: int) -> None:
    """Annual overrides that cannot fit, said in the annual figures the user gave (the split
    would fail in its first month, in a monthly figure): a team's members' overrides above
    the team's own, or all of them above the company's annual target."""
    teams = {k: v for k, v in overrides.items() if k not in people.index}
    persons = {k: v for k, v in overrides.items() if k in people.index}
    for t, v in teams.items():
        inside = {e: a for e, a in persons.items() if people.at[e, "team"] == t}
        if sum(inside.values()) > v * (1 + 1e-9):
            listed = ", ".join(f"{e} {grouped(a)}" for e, a in inside.items())
            raise SalesperfError(Note(
                f"The {kpi} overrides of team {t}'s members ({listed}) add up to {grouped(sum(inside.values()))} "
                f"for {year}, more than the team's own override {grouped(v)}. Fix: lower them, or raise the team's.",
                f"团队「{t}」成员的{label(kpi, 'zh')}覆盖值（{listed}）合计 {grouped(sum(inside.values()))}，超过该团队 "
                f"{year} 年自己的覆盖值 {grouped(v)}。修改方法：调低成员的覆盖值，或调高团队的。"))
    total = sum(teams.values()) + sum(a for e, a in persons.items() if people.at[e, "team"] not in teams)
    if total > annual * (1 + 1e-9):
        listed = ", ".join(f"{k} {grouped(a)}" for k, a in overrides.items())
        raise SalesperfError(Note(
            f"The {kpi} overrides ({listed}) add up to {grouped(total)} for {year}, more than the company's annual "
            f"target {grouped(annual)}. Fix: lower them, or raise the company's target with --annual.",
            f"{label(kpi, 'zh')}的覆盖值（{listed}）合计 {grouped(total)}，超过 {year} 年公司目标 {grouped(annual)}。"
            "修改方法：调低覆盖值，或用 --annual 提高公司目标。"))


def _monthly_overrides(overrides, people: pd.DataFrame, months: list[Period], share: pd.Series,
                       unit: float) -> dict[str, dict[tuple[str, str], float]]:
    """Annual overrides (resolved by :func:`_resolved_overrides`) split over the months the
    person or team is employed: {period: {("person" | "team", id): amount}}."""
    out: dict[str, dict[tuple[str, str], float]] = {}
    if not overrides:
        return out
    teams = set(people["team"])
    for key, amount in overrides.items():
        if key in people.index:
            who, mask = ("person", key), [m.employs(people.at[key, "hire_date"], people.at[key, "leave_date"])
                                   for m in months]
        elif key in teams:
            members = people[people["team"] == key]
            who = ("team", key)
            mask = [any(m.employs(h, lv) for h, lv in zip(members["hire_date"], members["leave_date"], strict=True))
                    for m in months]
        w = np.where(mask, share.reindex([str(m) for m in months]).to_numpy(), np.nan)
        if np.isnan(w).all():
            raise SalesperfError(f"The override for '{key}' cannot be placed: not employed in any month of the year.")
        parts = largest_remainder(float(amount), w, unit=unit)
        for i, m in enumerate(months):
            if not np.isnan(w[i]):
                out.setdefault(str(m), {})[who] = float(parts[i])
    return out


def _cascade_month(total: float, active: pd.DataFrame, w: pd.Series, fixed: dict, unit: float,
                   m: Period) -> pd.Series:
    """company → team → person for one month, with overrides at either level."""
    person_fixed = {k[1]: v for k, v in fixed.items() if k[0] == "person" and k[1] in active.index}
    team_fixed = {k[1]: v for k, v in fixed.items() if k[0] == "team"}
    teams = list(dict.fromkeys(active["team"]))
    free_members = {t: [e for e in active.index[active["team"] == t] if e not in person_fixed] for t in teams}
    # a team's weight is its free members' weight; NaN when it has none (takes no remainder)
    tw = pd.Series({t: (w[free_members[t]].sum() if free_members[t] else np.nan) for t in teams}, dtype="float64")
    for t in team_fixed:
        if t in tw.index:
            tw[t] = np.nan
    fixed_in = {t: sum(v for e, v in person_fixed.items() if active.at[e, "team"] == t) for t in teams}
    non_over = [t for t in teams if t not in team_fixed]
    rest = total - sum(team_fixed.values()) - sum(fixed_in[t] for t in non_over)
    if rest < -1e-9 * max(1.0, total):
        raise SalesperfError(f"In {m}, the overrides add up to more than the company target {grouped(total)} of that "
                             "month; lower them.")
    if all(pd.isna(tw[t]) for t in non_over) and rest > 1e-9:
        raise SalesperfError(f"In {m}, every team or person has an override, and they do not add up to the "
                             f"company target {grouped(total)}. Leave someone without an override.")
    alloc = pd.Series(0.0, index=teams)
    if non_over and rest > 0:
        alloc[non_over] = largest_remainder(max(rest, 0.0), tw[non_over].to_numpy(), unit=unit)
    team_total = {t: team_fixed.get(t, alloc[t] + fixed_in[t]) for t in teams}
    out = []
    for t in teams:
        members = active.index[active["team"] == t]
        out.append(_split(team_total[t], w.reindex(members), {e: v for e, v in person_fixed.items() if e in members},
                          unit, f"team {t} in {m}"))
    return pd.concat(out)


def _pooled_level(g: pd.DataFrame) -> float:
    """The level of a rate over the history rows ``g``: its pooled numerators over its
    pooled denominators (never a mean of the months' rates), or the mean of the values of a
    KPI without them; NaN without a denominator above 0."""
    if g["denominator"].notna().any():
        den = g["denominator"].sum(min_count=1)
        return float(g["numerator"].sum() / den) if den and den > 0 else float("nan")
    return float(g["value"].mean())


def _level_basis(hist: pd.DataFrame, people: pd.DataFrame, kpi: str, year: int, recent: list[str], uplift: float,
                 factor: float) -> list[Note]:
    """How the targets of a rate (a level, not a sum) were set, as :func:`_learned_basis`
    says it of a sum: each person's own level × the growth, the company's level before and
    after, and that a rate grows by the same share (3.00 % → 3.75 %), not by points."""
    h = hist[hist["period"].isin(recent) & hist["employee_id"].isin(people.index)]
    if h.empty:
        return []
    level = _pooled_level(h)
    if math.isnan(level):
        return []
    ratio = CATALOGUE[kpi].unit == "ratio"
    shown = (lambda x: f"{x:.2%}") if ratio else (lambda x: grouped(x, 2))
    grow = _growth(uplift, factor)
    after = level * factor
    points = " (a rate grows by a share of itself, not by points)" if ratio else ""
    points_zh = "（比率按自身的比例增长，而不是加百分点）" if ratio else ""
    return [Note(f"{kpi} {year}: each person's target is their own level of {_span(recent)} {grow} (the team's "
                 f"pooled level for someone without one); the company's level {shown(level)} → {shown(after)}{points}.",
                 f"{year} 年{label(kpi, 'zh')}：每人的目标 = 本人在 {_span(recent, 'zh')}的水平 {grow.zh}（没有本人水平的，"
                 f"取其团队的合并水平）；公司水平 {shown(level)} → {shown(after)}{points_zh}。")]


def _level_targets(hist: pd.DataFrame, people: pd.DataFrame, kpi: str, months: list[Period], recent: list[str],
                   factor: float, overrides) -> pd.DataFrame:
    """Targets of a non-additive KPI: the smoothed level × factor. ``overrides`` (resolved by
    :func:`_resolved_overrides`) set a person's target, or a team's: the team row takes the
    override and its members without their own are scaled by the same ratio (override /
    the team's target), so that the team and its people still agree; a member on the team's
    level (no history) gets the override itself."""
    h = hist[hist["period"].isin(recent)].copy()
    h = h.merge(people[["team", "hire_date", "leave_date"]], left_on="employee_id", right_index=True, how="inner")
    h = h[[parse_period(p).employs(hd, lv)
           for hd, p, lv in zip(h["hire_date"], h["period"], h["leave_date"], strict=True)]]
    person = pd.Series({e: _pooled_level(g) for e, g in h.groupby("employee_id")}, dtype="float64")
    team = pd.Series({t: _pooled_level(g) for t, g in h.groupby("team")}, dtype="float64")
    overrides = overrides or {}
    scale = {}
    for t in (k for k in overrides if k not in people.index):
        own = team.get(t, np.nan) * factor
        scale[t] = overrides[t] / own if pd.notna(own) and own != 0 else np.nan
    rows = []
    for m in months:
        active = people[[m.employs(hd, lv) for hd, lv in zip(people["hire_date"], people["leave_date"], strict=True)]]
        for e, t in zip(active.index, active["team"], strict=True):
            lv = person.get(e, np.nan)
            lv = team.get(t, np.nan) if pd.isna(lv) else lv
            value = lv * factor
            if t in scale:
                value = overrides[t] if pd.isna(value) or not np.isfinite(scale[t]) else value * scale[t]
            value = overrides.get(e, value)
            if not pd.isna(value):
                rows.append((str(m), e, t, kpi, _round_level(kpi, value)))
        for t in dict.fromkeys(active["team"]):
            value = overrides.get(t, team.get(t, np.nan) * factor)
            if not pd.isna(value):
                rows.append((str(m), None, t, kpi, _round_level(kpi, value)))
    return _tidy(pd.DataFrame(rows, columns=_TARGET_COLUMNS))


def make_targets(dataset, params=None, *, year: int, method: str | None = None, uplift: float | None = None,
                 annual: Mapping[str, float] | float | None = None,
                 overrides: Mapping[str, Mapping[str, float]] | None = None, unit: float = 1.0,
                 history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Next year's targets for every KPI of the parameter file's ``targets.kpis``.

    Computes the monthly history of all those KPIs once (:func:`monthly_history`) and runs
    :func:`targets_from_history` for each KPI with the file's ``targets:`` settings and
    ``kpi_options``; this is what ``salesperf targets BUSINESS --year 2027 --method history
    --uplift 0.25 --out targets.xlsx`` calls.

    Parameters
    ----------
    dataset : dict of DataFrames or Dataset
        The previous year's data (at least).
    params : Params, path or business name, optional
        The parameter file; default: the built-in defaults (revenue only).
    year : int
    method : {"history", "capacity", "equal"}, optional
        Default: ``targets.method``.
    uplift : float, optional
        Default: ``targets.uplift``.
    annual : float or {kpi: float}, optional
        Company annual targets decided top-down (a number applies to the first KPI).
    overrides : {kpi: {employee_id or team: annual amount}}, optional
        Manual targets kept as they are.
    unit : float, default 1
    history : DataFrame, optional
        :func:`monthly_history` already computed.

    Returns
    -------
    A targets table: period, employee_id, team, kpi, target (monthly rows), with the notes
    of every KPI's targets in ``attrs["notes"]`` (see :func:`targets_from_history`).
    """
    from .params import Params, TargetSettings, load_params

    if params is None:
        settings, options = TargetSettings(), None
    else:
        if not isinstance(params, Params):
            params = load_params(params)
        settings, options = params.targets, params.kpi_options.model_dump()
    if not isinstance(annual, Mapping):
        annual = {settings.kpis[0]: annual} if annual is not None else {}
    overrides = dict(overrides or {})
    unknown = [k for k in [*annual, *overrides] if k not in settings.kpis]
    if unknown:
        raise SalesperfError(f"annual/overrides name KPI(s) {unknown} that are not in targets.kpis {settings.kpis}.")
    if history is None:
        tables = _tables(dataset)
        months = _history_months(tables, settings.kpis, year, _smoothing(settings, None))
        history = monthly_history(dataset, months, kpis=settings.kpis, options=options)
    parts = [targets_from_history(dataset, kpi=k, year=year, uplift=uplift, method=method, settings=settings,
                                  annual=annual.get(k), overrides=overrides.get(k), unit=unit, options=options,
                                  history=history)
             for k in settings.kpis]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_TARGET_COLUMNS)
    out.attrs["notes"] = [n for part in parts for n in part.attrs.get("notes", [])]
    out.attrs["basis"] = [b for part in parts for b in part.attrs.get("basis", [])]
    out.attrs["warnings"] = [w for part in parts for w in part.attrs.get("warnings", [])]
    return out


#: the headers of a targets file in Chinese, which the loaders read back (aliases.COLUMN_ALIASES["targets"])
TARGET_HEADERS_ZH = {"period": "期间", "employee_id": "工号", "team": "团队", "kpi": "指标", "target": "目标"}


def targets_in_chinese(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets table with each KPI by its Chinese label (销售额 for revenue), as a Chinese
    client writes its targets: the loaders read the label back as the KPI."""
    return targets.assign(kpi=targets["kpi"].map(lambda k: label(k, "zh")))


def write_targets(targets: pd.DataFrame, path: str | Path) -> Path:
    """Write a targets table as ``.csv`` (UTF-8) or ``.xlsx`` (sheet ``targets``), the way
    the loaders read it back."""
    path = Path(path)
    t = targets[_TARGET_COLUMNS]
    if path.suffix.lower() == ".csv":
        t.to_csv(path, index=False, encoding="utf-8")
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        t.to_excel(path, index=False, sheet_name="targets")
    else:
        raise SalesperfError(f"Cannot write targets to '{path.name}': use a .csv or .xlsx file name.")
    return path


# ----------------------------------------------------------------------------- tracking (Check)
_DAILY = {
    "revenue": ("orders", "order_date", "amount"),
    "orders": ("orders", "order_date", None),
    "units": ("orders", "order_date", "quantity"),
    "received_revenue": ("orders", "paid_date", "paid_amount"),
    "calls": ("calls", "started_at", None),
    "sessions": ("traffic", "date", "sessions"),
    "unique_visitors": ("traffic", "date", "unique_visitors"),
    "page_views": ("traffic", "date", "page_views"),
}


def _as_of_tables(tables: dict[str, pd.DataFrame], cutoff: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The data as they stood at the end of the day before ``cutoff`` (events after it unknown:
    :func:`~salesperf_kit.coverage.cut_at`).

    Only when the data go on past it (a day looked back on). Data that hold nothing dated
    from ``cutoff`` on (an export that ends before the period does) are returned as they
    are: an order refunded after their last day was refunded when the export was taken, and
    the summary, scorecard and pay leave it out, so goal tracking must too."""
    from .coverage import cut_at

    return cut_at(tables, cutoff)[0] if _goes_past(tables, cutoff) else tables


def _goes_past(tables: dict[str, pd.DataFrame], cutoff: pd.Timestamp) -> bool:
    """Whether any dated table has a row dated on or after ``cutoff``."""
    for name, col in _DATE_COLUMNS.items():
        df = tables.get(name)
        if df is not None and col in df and (pd.to_datetime(df[col], errors="coerce") >= cutoff).any():
            return True
    return False


def _daily(tables, kpi: str, p: Period, cutoff: pd.Timestamp, options: dict) -> pd.DataFrame | None:
    """employee_id x day values of an additive KPI over the elapsed days (0 on days without)."""
    if kpi == "revenue" and options.get("revenue_basis") == "received":
        kpi = "received_revenue"
    spec = _DAILY.get(kpi)
    if spec is None:
        return None
    table, col, value = spec
    df = tables.get(table)
    if df is None or col not in df or (value is not None and value not in df) or "employee_id" not in df:
        return None
    d = pd.to_datetime(df[col], errors="coerce")
    keep = (d >= p.start) & (d < cutoff) & df["employee_id"].notna()
    if table == "orders" and "status" in df and kpi != "received_revenue":
        keep &= ~df["status"].isin(["cancelled", "refunded"])
    sub = pd.DataFrame({"employee_id": df.loc[keep, "employee_id"].astype(str),
                        "day": d[keep].dt.normalize(),
                        "v": pd.to_numeric(df.loc[keep, value], errors="coerce").fillna(0.0) if value else 1.0})
    days = pd.date_range(p.start, cutoff - pd.Timedelta(days=1), freq="D")
    table = sub.pivot_table(index="employee_id", columns="day", values="v", aggfunc="sum")
    return table.reindex(columns=days).fillna(0.0)


def track(dataset, period, *, as_of=None, kpis: Sequence[str] = ("revenue",), options: dict | None = None,
          targets: pd.DataFrame | None = None, by: str = "employee_id", level: float = 0.8,
          computed=None) -> pd.DataFrame:
    """Target vs actual per KPI and person (the Check of PDCA), with a run-rate forecast.

    For each (person, KPI) with a target in the period (:func:`~salesperf_kit.kpis.targets_for`:
    the period's own rows, or the monthly rows inside it; as in scoring, a KPI without targets
    of its own uses those it falls back on, received_revenue the revenue targets that
    ``salesperf targets`` writes, with a note in ``attrs["notes"]``):

        attainment = actual / target           (target / actual when lower is better)
        variance   = actual − target

    For an open period (``as_of`` before its last day), with d days elapsed of D (the days
    up to the end of the last month with a target: a quarter whose targets stop after
    October is forecast over October), and
    R = D − d left, an additive KPI is forecast at its run rate and the interval comes from
    the day-to-day variation (s = standard deviation of the person's daily figures so far):

        forecast   = actual × D / d
        Var        = R × s² + R² × s² / d      (days to come + uncertainty of the rate)
        low, high  = forecast ∓ z × √Var,  z = Φ⁻¹((1 + level) / 2); low is at least actual

    unless the same period last year, which the data cover, held a share S of its company
    total in its first d days that differs from d / D by :data:`SHAPE_DIFFERENCE` or more (a
    双11 month): then forecast = actual / S and R = d × (1 − S) / S (the days to come at the
    rate so far), with a note saying so.

    The interval is NaN for KPIs without a daily series (and with fewer than 2 days); a ratio
    is forecast at its value to date. In a closed period the forecast is the actual.
    ``at_risk`` is True when the target may well be missed: in an open period, when the
    interval's low end is below the target (its high end above it when lower is better), i.e.
    a chance of missing of about (1 − level) / 2 or more (10 % at the default level; a forecast
    just above the target with a wide interval is at risk), and the forecast itself where there
    is no interval; in a closed period, when the actual misses the target.

    Parameters
    ----------
    dataset : dict of DataFrames or Dataset
        With a ``targets`` table, unless ``targets`` is passed.
    period : str or Period
    as_of : date-like, optional
        The last day with data (inclusive). When the data go on past it, events after it
        are ignored (payments and refunds after it undone); data that end by then are taken
        as the export records them, refunds after their last day included, as the other
        sections of a report take them. Default: the period is closed.
    kpis : KPIs to track, default ("revenue",)
    options : dict, optional
        ``kpi_options`` of the parameter file.
    targets : DataFrame, optional
        A targets table to use instead of the dataset's.
    by : {"employee_id", "team"}
        Track people (default) or teams (team targets, else the sum of the members' targets
        for additive KPIs; actuals rolled up from summed facts).
    level : float, default 0.8
        Coverage of the forecast interval.
    computed : KPIResult, optional
        The period's KPIs already worked out on the same data and options (a report's own);
        its values are the actuals when it holds every tracked KPI and the data are not cut
        at ``as_of`` (the period is tracked to its end, or the data end by ``as_of``), so that
        goals and scorecard read the same figures without a second run.

    Returns
    -------
    DataFrame: employee_id (or team), kpi, target, actual, attainment, variance, forecast,
    forecast_low, forecast_high, at_risk, days_elapsed, days_in_period.
    """
    from .kpis import compute_kpis, targets_for
    from .scoring import _TARGET_FALLBACK

    check_one_of("by", by, ["employee_id", "team"])
    p = parse_period(period)
    tables = _tables(dataset)
    t_all = targets if targets is not None else tables.get("targets")
    if t_all is None:
        raise SalesperfError("Tracking needs targets: add a targets table to the data (period, employee_id, team, "
                             "kpi, target), e.g. one written by `salesperf targets`, or pass targets=...")
    for k in kpis:
        check_one_of("kpi", k, CATALOGUE)
    # (a KPI's own targets, else those scoring falls back on: received_revenue on revenue)
    tt = targets_for(t_all, p)
    notes, fell_back = [], {}
    for k in kpis:
        fb = _TARGET_FALLBACK.get(k)
        if fb is not None and fb not in kpis and not (tt["kpi"] == k).any() and (tt["kpi"] == fb).any():
            fell_back[fb] = k
            notes.append(Note(f"There are no {k} targets: {k} is measured against the {fb} targets.",
                              f"没有「{label(k, 'zh')}」的目标：以「{label(fb, 'zh')}」的目标衡量。"))
    if fell_back:
        t_all = t_all.assign(kpi=t_all["kpi"].replace(fell_back))
        tt = tt.assign(kpi=tt["kpi"].replace(fell_back))
    D = (_target_span_end(t_all, p, kpis) - p.start).days
    if as_of is None:
        cutoff = p.end
    else:
        cutoff = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
        if cutoff <= p.start:
            raise SalesperfError(f"as_of {pd.Timestamp(as_of).date()} is before the period {p} starts.")
        cutoff = min(cutoff, p.end)
    d = (cutoff - p.start).days
    closed = d >= D
    data = tables if cutoff >= p.end else _as_of_tables(tables, cutoff)
    opts = dict(options or {})
    # (data that end by the cutoff are the report's own: its KPIs are the actuals)
    reuse = (computed is not None and data is tables and str(computed.period) == str(p)
             and all(k in computed.kpis for k in kpis))
    res = computed if reuse else compute_kpis(data, p, kpis=list(kpis), options=opts)
    tt = tt[tt["kpi"].isin(list(kpis))]
    if tt.empty:  # an empty table would read as "nobody is at risk"
        have = t_all[t_all["kpi"].isin(list(kpis))]["period"].astype(str) if len(t_all) else pd.Series(dtype=str)
        log.warning("No %s target for %s in the targets table, so nothing is tracked (%s). Fix: add the period's "
                    "targets, e.g. with `salesperf targets`, or track a period they cover.",
                    " or ".join(kpis), p, f"it has targets of {', '.join(sorted(set(have)))}" if len(have)
                    else f"it has none of {' or '.join(kpis)}")
    emp = tables["employees"].assign(employee_id=lambda x: x["employee_id"].astype(str))
    team_of = emp.set_index("employee_id")["team"].astype(str)
    if by == "employee_id":
        tt = tt[tt["employee_id"].notna()].assign(employee_id=lambda x: x["employee_id"].astype(str))
        tt = tt.groupby(["employee_id", "kpi"], as_index=False)["target"].sum()
        actual = res.long[["employee_id", "kpi", "value"]].assign(employee_id=lambda x: x["employee_id"].astype(str))
        out = tt.merge(actual.rename(columns={"value": "actual"}), on=["employee_id", "kpi"], how="left")
    else:
        team_rows = tt[tt["employee_id"].isna() & tt["team"].notna()].groupby(["team", "kpi"])["target"].sum()
        persons = tt[tt["employee_id"].notna()].assign(team=lambda x: x["employee_id"].astype(str).map(team_of))
        # (a boolean mask even when no person has a target: an empty object Series would
        # select columns, not rows)
        additive = persons["kpi"].map(_is_additive).astype(bool)
        summed = persons[additive].groupby(["team", "kpi"])["target"].sum()
        tgt = team_rows.combine_first(summed).rename("target").reset_index()
        roll = res.rollup("team")
        actual = roll.melt(id_vars="team", value_vars=list(kpis), var_name="kpi", value_name="actual")
        out = tgt.merge(actual.assign(team=lambda x: x["team"].astype(str)), on=["team", "kpi"], how="left")
    hib = out["kpi"].map(lambda k: CATALOGUE[k].higher_is_better)
    tgt, act = out["target"].astype("float64"), out["actual"].astype("float64")
    out["attainment"] = np.where(hib, act / tgt.where(tgt != 0), tgt / act.where(act != 0))
    out["variance"] = act - tgt
    out["forecast"], out["forecast_low"], out["forecast_high"] = act, np.nan, np.nan
    if closed:
        out["forecast_low"], out["forecast_high"] = act, act
    else:
        z = float(stats.norm.ppf((1 + level) / 2))
        R = D - d
        shaped: list[str] = []
        for k in kpis:
            rows = out["kpi"] == k
            if not _is_additive(k) or not rows.any():
                continue
            share = _share_by_day(tables, k, p, d, D, opts)  # last year's shape of the same days
            if share is None:
                out.loc[rows, "forecast"] = act[rows] * D / d
                rest = R
            else:
                out.loc[rows, "forecast"] = act[rows] / share[0]
                rest = d * (1 - share[0]) / share[0]  # the days to come, in days at the rate so far
                notes.append(_shape_note(k, p, d, D, share))
                shaped.append(k)
            daily = _daily(data, k, p, cutoff, opts)
            if daily is None or d < 2:
                continue
            if by == "team":
                daily = daily.groupby(daily.index.map(team_of)).sum()
            keys = out.loc[rows, by]
            s2 = daily.var(axis=1, ddof=1).reindex(keys).fillna(0.0).to_numpy()
            half = z * np.sqrt(rest * s2 + rest * rest * s2 / d)
            f = out.loc[rows, "forecast"].to_numpy()
            out.loc[rows, "forecast_low"] = np.maximum(act[rows].to_numpy(), f - half)
            out.loc[rows, "forecast_high"] = f + half
    fc = out["forecast"].astype("float64")
    low = out["forecast_low"].astype("float64").fillna(fc)
    high = out["forecast_high"].astype("float64").fillna(fc)
    out["at_risk"] = np.where(out["target"].isna() | fc.isna(), False, np.where(hib, low < tgt, high > tgt))
    out["at_risk"] = out["at_risk"].astype(bool)
    out["days_elapsed"], out["days_in_period"] = d, D
    cols = [by, "kpi", "target", "actual", "attainment", "variance", "forecast", "forecast_low", "forecast_high",
            "at_risk", "days_elapsed", "days_in_period"]
    out = out[cols].sort_values([by, "kpi"]).reset_index(drop=True)
    out.attrs["notes"] = notes
    out.attrs["shaped"] = [] if closed else shaped  # the KPIs forecast from last year's shape
    return out


#: Last year's share of the first days is used to forecast only when it differs from the
#: share of the calendar by at least this much (a flat month is forecast at its run rate).
SHAPE_DIFFERENCE = 0.05


def _share_by_day(tables, kpi: str, p: Period, d: int, D: int, options: dict) -> tuple[float, Period] | None:
    """The share of the same period last year's company total that its first ``d`` of ``D``
    days held (a 双11 month had half of it by the 12th), and that period; None when the
    data do not cover it, it had nothing, or its shape is about the calendar's (d / D)."""
    last = p.same_last_year()
    daily = _daily(tables, kpi, last, last.start + pd.Timedelta(days=D), options)
    spec = _DAILY.get("received_revenue" if kpi == "revenue" and options.get("revenue_basis") == "received" else kpi)
    if daily is None or spec is None:
        return None
    table, col, _ = spec
    first = pd.to_datetime(tables[table][col], errors="coerce").min()
    if pd.isna(first) or first.normalize() > last.start:  # (a month the data only partly cover has no shape)
        return None
    by_day = daily.sum(axis=0).to_numpy()
    total = float(by_day.sum())
    if total <= 0:
        return None
    share = float(by_day[:d].sum()) / total
    if not 0 < share < 1 or abs(share - d / D) < SHAPE_DIFFERENCE:
        return None
    return share, last


def _shape_note(kpi: str, p: Period, d: int, D: int, share: tuple[float, Period]) -> Note:
    """What :func:`track` says of a forecast made from last year's shape (``d`` of ``D`` days)."""
    s, last = share
    return Note(f"{kpi} in {p} is forecast from the shape of {last}, whose first {d} days held {s:.1%} of its "
                f"total (the calendar's share is {d / D:.1%}): forecast = to date / {s:.3f}.",
                f"{p} 的「{label(kpi, 'zh')}」按 {last} 的走势预测：该期前 {d} 天占全期的 {s:.1%}"
                f"（按天数应为 {d / D:.1%}），预测 = 截至目前 ÷ {s:.3f}。")


def _target_span_end(targets: pd.DataFrame, p: Period, kpis: Sequence[str]) -> pd.Timestamp:
    """Where the targets of ``p`` end: the end of ``p`` when the table has a row for ``p``
    itself, else the end of the last month of ``p`` with a monthly row of ``kpis`` (a
    quarter whose targets stop after October is tracked, and forecast, over October only)."""
    t = targets[targets["kpi"].isin(list(kpis))] if "kpi" in targets else targets
    given = set(t["period"].astype(str)) if "period" in t else set()
    if str(p) in given:
        return p.end
    months = [m for m in p.months() if str(m) in given]
    return max((m.end for m in months), default=p.end)


# ----------------------------------------------------------------------------- calibration (Act)
def _company_value(dataset, p: Period, kpi: str, options: dict | None, cache: dict, tag: str = "") -> float:
    """The company value of ``kpi`` in ``p`` (NaN when it cannot be computed; then
    ``cache["lacks", kpi]`` holds what the data lack, when that is the reason)."""
    from .kpis import compute_kpis

    key = (str(p), kpi, tag)
    if key not in cache:
        res = compute_kpis(dataset, p, kpis=[kpi], options=options)
        cache[key] = float(res.rollup("company")[kpi].iloc[0]) if kpi in res.kpis else float("nan")
        if kpi in res.left_out:
            cache["lacks", kpi] = res.left_out[kpi]
    return cache[key]


def _why_not_computed(kpi: str, p: Period, value: float, base_periods: list[Period], base_vals: list[float],
                      cache: dict) -> Note:
    """Why a calibration rule on ``kpi`` could not be judged, for a reader: the data it needs
    and lacks, else which of the figures has no value."""
    en, zh = CATALOGUE[kpi].en, CATALOGUE[kpi].zh
    lacks = cache.get(("lacks", kpi))
    if lacks is not None:
        return Note(f"the data have no {lacks} to compute {en[:1].lower() + en[1:]}",
                    f"数据中缺少{getattr(lacks, 'zh', str(lacks))}，无法计算{zh}")
    if pd.isna(value):
        return Note(f"{en} has no value in {p} (no records, or nothing to divide by)",
                    f"{zh}在 {p} 没有数值（没有记录，或分母为 0）")
    span = _span([str(q) for q in base_periods])
    if not base_vals:
        return Note(f"{en} has no value in any of the baseline periods {span}",
                    f"{zh}在基准期 {_span([str(q) for q in base_periods], 'zh')}都没有数值")
    return Note(f"the baseline of {en} over {span} is not above 0, so no change can be measured",
                f"{zh}在基准期 {_span([str(q) for q in base_periods], 'zh')}的均值不大于 0，无法计算变化")


def _scale_additive(rows: pd.DataFrame, factor: float, unit: float) -> pd.Series:
    """New targets of one period and KPI scaled by ``factor``, keeping person → team → company sums."""
    new = rows["target"].astype("float64").copy()
    is_team = rows["employee_id"].isna()
    team_key = rows["team"].astype("object").where(rows["team"].notna(), "")
    persons = rows[~is_team]
    team_rows = rows[is_team]
    old_team = {t: float(g["target"].sum()) for t, g in team_rows.groupby(team_key[is_team])}
    old_from_persons = {t: float(g["target"].sum()) for t, g in persons.groupby(team_key[~is_team])}
    teams = list(dict.fromkeys([*old_team, *old_from_persons]))
    old = pd.Series({t: old_team.get(t, old_from_persons.get(t, 0.0)) for t in teams}, dtype="float64")
    total = float(old.sum()) * factor
    total = round(total / unit) * unit if unit >= 1 else round(total, 2)
    new_team = pd.Series(largest_remainder(max(total, 0.0), old.to_numpy(), unit=unit), index=teams)
    for t in teams:
        idx_t = team_rows.index[team_key[is_team] == t]
        if len(idx_t):
            new[idx_t] = largest_remainder(new_team[t], rows.loc[idx_t, "target"].to_numpy(dtype="float64"), unit=unit)
        idx_p = persons.index[team_key[~is_team] == t]
        if len(idx_p):
            consistent = t not in old_team or math.isclose(old_team[t], old_from_persons[t], rel_tol=1e-9, abs_tol=1e-6)
            target_t = new_team[t] if consistent else max(round(old_from_persons[t] * factor / unit) * unit, 0.0)
            new[idx_p] = largest_remainder(target_t, rows.loc[idx_p, "target"].to_numpy(dtype="float64"), unit=unit)
    return new


def calibrate(targets: pd.DataFrame, dataset, period, rules, *, options: dict | None = None,
              unit: float | None = None, apply_from=None, as_of=None, computed=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply calibration rules (目标校准, the Act of PDCA) to the targets of later periods.

    For each rule (:class:`~salesperf_kit.params.CalibrationRule`), with the company value of
    its KPI in ``period`` and in each of the ``baseline_periods`` periods before it:

        baseline = mean of the company values of those of the previous baseline_periods
                   periods that the data fully cover
        change   = value / baseline − 1
        fires when change ≥ change_at_least (or, for a negative threshold, change ≤ it)

    A period of the baseline counts only when the data cover all of it: one without records
    (2022 in data that begin on 2024-11-01), or one the data begin part-way through (2024,
    two months of it), is left out, as a report's summary leaves it out of its comparisons,
    and the log names the periods used (``baseline_periods``, ``baseline_used``). With none
    left the rule cannot be judged, and the log says why.

    A part of a period (``as_of`` before its last day, d of its D days elapsed: a report and
    ``salesperf calibrate`` pass the data's last day when the export ends before the period
    does, :func:`coverage.export_end`) is compared like for like with the same days of each baseline period, the same calendar dates as a
    report's summary compares them (January to October 2026 against January to October 2025;
    1-20 October against 1-20 July, August and September), sums and ratios alike;
    ``baseline_days`` gives those days. Events after ``as_of`` are ignored when the data go
    on past it.

    A rule that fires multiplies, for every KPI in its ``adjust`` mapping, the targets of the
    periods starting after ``period`` (or from ``apply_from``) by (1 + fraction). Additive
    targets are rescaled at company level and cascaded back by their old shares with
    largest-remainder rounding, so people still add up to their team and teams to the
    company. Rules are applied in order, each on the result of the previous ones.

    Parameters
    ----------
    targets : DataFrame
        A targets table (period, employee_id, team, kpi, target).
    dataset : dict of DataFrames or Dataset
        The actuals.
    period : str or Period
        The period just closed, whose figures are checked.
    rules : list of CalibrationRule or mappings
        ``targets.calibration`` of the parameter file.
    options : dict, optional
        ``kpi_options``.
    unit : float, optional
        What adjusted additive targets are rounded to; by default, as the KPI's targets are
        written (:func:`_written_in`: 1,000, 100 or 10 when every one is a multiple of it and
        it is small beside them, else 1): revenue targets in hundreds (31,100) stay in
        hundreds after −10 % (28,000, not 27,990).
    apply_from : str or Period, optional
        First period to adjust; default the period after ``period``.

    as_of : date-like, optional
        The last day with data (inclusive), when ``period`` is still open.
    computed : iterable of KPIResult, optional
        KPIs already worked out on the whole of ``dataset`` with the same options (a
        report's period and previous period): their company values are used, not worked
        out again.

    Returns
    -------
    (new_targets, log): the adjusted targets table (the input is not changed) and one log row
    per rule and adjusted KPI: rule, kpi, period, value, baseline, change, threshold, fired,
    adjusted_kpi, fraction, periods, before, after, reason, baseline_periods (the span of the
    baseline periods used, ``2026-07 .. 2026-09``; of those asked for when none is),
    value_to_date, days_elapsed, days_in_period (value_to_date equals value; the days are
    equal in a closed period), missing, missing_zh (why the rule could
    not be judged, e.g. the data it lacks, in English and Chinese; None when it could),
    baseline_used (how many baseline periods were used), baseline_days (the days of them
    compared with a part of a period, ``2025-01-01 .. 2025-10-31``; "" for a whole one) and
    no_targets ("never" when the targets table has no target of the adjusted KPI at all,
    "later" when it has none after ``period``, so that nothing was adjusted). A rule that did
    not fire has one row with ``fired`` False; ``before``/``after`` are the summed targets of
    the adjusted periods (the mean for non-additive KPIs).
    """
    from .params import CalibrationRule

    p = parse_period(period)
    start = parse_period(apply_from).start if apply_from is not None else p.end
    out = targets.copy()
    out["target"] = out["target"].astype("float64")
    if "employee_id" not in out:
        out["employee_id"] = None
    if "team" not in out:
        out["team"] = None
    starts = out["period"].astype(str).map(lambda s: parse_period(s).start)
    later = starts >= start
    emp = _tables(dataset).get("employees")
    team_of = (dict(zip(emp["employee_id"].astype(str), emp["team"].astype(str)))
               if emp is not None and {"employee_id", "team"} <= set(emp.columns) else {})
    cache: dict = {}
    kpis_of_rules = {r.kpi if isinstance(r, CalibrationRule) else r.get("kpi") if isinstance(r, dict) else None
                     for r in rules or []}
    for res in computed:  # (the keys of _company_value on the whole dataset)
        for k in kpis_of_rules & set(res.kpis):
            cache[(str(res.period), k, "")] = float(res.rollup("company")[k].iloc[0])
    D = (p.end - p.start).days
    cutoff = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1) if as_of is not None else p.end
    d = (cutoff - p.start).days if p.start < cutoff < p.end else D
    to_date = _as_of_tables(_tables(dataset), cutoff) if d < D else dataset
    covered: dict[str, bool] = {}
    log_rows = []
    for i, raw in enumerate(rules or [], start=1):
        try:
            rule = raw if isinstance(raw, CalibrationRule) else CalibrationRule.model_validate(raw)
        except ValidationError as err:
            raise _item_error("calibration rule", "calibration", raw, i, err) from None
        value = value_to_date = _company_value(to_date, p, rule.kpi, options, cache, tag="" if d == D else "to date")
        wanted = [p.shift(-i) for i in range(rule.baseline_periods, 0, -1)]
        for q in wanted:
            if str(q) not in covered:
                covered[str(q)] = _fully_covered(dataset, q)
        base_periods = [q for q in wanted if covered[str(q)]]
        # a part of the period (d of its D days) against the same days of each baseline period
        days = {str(q): _same_days(p, cutoff, q) for q in base_periods} if d < D else {}
        base_vals = [_company_value(_before(dataset, days[str(q)][1], cache) if days else dataset, q, rule.kpi,
                                    options, cache, tag=f"to {days[str(q)][1]:%Y-%m-%d}" if days else "")
                     for q in base_periods]
        base_vals = [v for v in base_vals if not pd.isna(v)]
        baseline = float(np.mean(base_vals)) if base_vals else float("nan")
        usable = not pd.isna(baseline) and baseline > 0 and not pd.isna(value)
        change = value / baseline - 1 if usable else float("nan")
        thr = rule.change_at_least
        fired = bool(not pd.isna(change) and (change >= thr if thr >= 0 else change <= thr))
        label = CATALOGUE[rule.kpi].en
        head = dict(rule=rule.name, kpi=rule.kpi, period=str(p), value=value, baseline=baseline, change=change,
                    threshold=thr, fired=fired, baseline_periods=_span([str(q) for q in base_periods or wanted]),
                    value_to_date=value_to_date, days_elapsed=d, days_in_period=D, missing=None, missing_zh=None,
                    baseline_used=len(base_periods),
                    baseline_days=", ".join(f"{a:%Y-%m-%d} .. {b - pd.Timedelta(days=1):%Y-%m-%d}"
                                            for a, b in days.values()))
        if not base_periods:
            why_not = _uncovered_baseline(dataset, p, wanted)
            head["missing"], head["missing_zh"] = str(why_not), why_not.zh
            log_rows.append({**head, "adjusted_kpi": None, "fraction": np.nan, "periods": "", "before": np.nan,
                             "after": np.nan, "reason": f"{label} in {p}: {why_not}; the rule was not applied."})
            continue
        if pd.isna(change):
            why_not = _why_not_computed(rule.kpi, p, value, base_periods, base_vals, cache)
            head["missing"], head["missing_zh"] = str(why_not), why_not.zh
            why = (f"{label} in {p} or its {rule.baseline_periods}-period baseline cannot be computed "
                   f"(value {value:.4g}, baseline {baseline:.4g}: {head['missing']}); the rule was not applied.")
            log_rows.append({**head, "adjusted_kpi": None, "fraction": np.nan, "periods": "", "before": np.nan,
                             "after": np.nan, "reason": why})
            continue
        pace = f" (to day {d} of {D})" if d < D else ""
        used = (f"mean of the previous {rule.baseline_periods}" if len(base_periods) == rule.baseline_periods else
                f"mean of the {len(base_periods)} of the previous {rule.baseline_periods} that the data fully cover, "
                f"{head['baseline_periods']}")
        same = f", over the same days: {head['baseline_days']}" if days else ""
        cond = f"{label} {value:,.4g} in {p}{pace} vs baseline {baseline:,.4g} ({used}{same}): change " \
               f"{change:+.1%}, threshold {thr:+.0%}"
        if not fired:
            log_rows.append({**head, "adjusted_kpi": None, "fraction": np.nan, "periods": "", "before": np.nan,
                             "after": np.nan, "reason": cond + "; not fired."})
            continue
        for adj, frac in rule.adjust.items():
            sel = later & (out["kpi"] == adj)
            periods = sorted(out.loc[sel, "period"].astype(str).unique(), key=lambda s: parse_period(s).start)
            if not periods:  # (said as such: not as an adjustment from – to –)
                never = not (out["kpi"] == adj).any()
                log_rows.append({**head, "adjusted_kpi": adj, "fraction": frac, "periods": "", "before": np.nan,
                                 "after": np.nan, "no_targets": "never" if never else "later",
                                 "reason": cond + (f"; the targets have no {adj} target, so nothing was adjusted."
                                                   if never else f"; no {adj} targets after {p} to adjust.")})
                continue
            additive = _is_additive(adj)
            persons = sel & out["employee_id"].notna()
            before = _summary(out, sel, additive, team_of)
            if additive:
                step = unit if unit is not None else _written_in(out.loc[out["kpi"] == adj, "target"])
                for per in periods:
                    idx = sel & (out["period"].astype(str) == per)
                    out.loc[idx, "target"] = _scale_additive(out[idx], 1 + frac, step).to_numpy()
            else:
                scaled = out.loc[sel, "target"] * (1 + frac)
                out.loc[sel, "target"] = [_round_level(adj, x) for x in scaled]
            after = _summary(out, sel, additive, team_of)
            span = periods[0] if len(periods) == 1 else f"{periods[0]} .. {periods[-1]}"
            log_rows.append({**head, "adjusted_kpi": adj, "fraction": frac, "periods": span, "before": before,
                             "after": after,
                             "reason": cond + f"; {CATALOGUE[adj].en} targets {frac:+.0%} for {span} "
                                              f"({int(persons.sum())} person rows)."})
    cols = ["rule", "kpi", "period", "value", "baseline", "change", "threshold", "fired", "adjusted_kpi",
            "fraction", "periods", "before", "after", "reason", "baseline_periods", "value_to_date", "days_elapsed",
            "days_in_period", "missing", "missing_zh", "baseline_used", "baseline_days", "no_targets"]
    return out, pd.DataFrame(log_rows, columns=cols)


def _written_in(targets: pd.Series) -> float:
    """The round unit targets are written in: 1,000, 100 or 10 when every non-zero one is a
    multiple of it and it is at most 1 % of their median (31,100 in hundreds; 100, 200 and
    300 are not, or +10 % could not move them), else 1 (new-customer targets of 15 and 3)."""
    values = pd.to_numeric(targets, errors="coerce").dropna()
    values = np.abs(values[values != 0].to_numpy(dtype="float64"))
    for step in (1000.0, 100.0, 10.0):
        if (len(values) and step <= 0.01 * float(np.median(values))
                and np.allclose(np.round(values / step) * step, values, rtol=0, atol=1e-6)):
            return step
    return 1.0


def _fully_covered(dataset, q: Period) -> bool:
    """Whether the data cover the whole of ``q``: it has records and the data do not begin
    part-way through it (:func:`coverage.export_start`, the rule by which a report's summary
    leaves such a period out of its comparisons)."""
    from .coverage import export_start, has_records

    return has_records(dataset, q) and export_start(dataset, q) is None


def _same_days(p: Period, cutoff: pd.Timestamp, q: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days of ``q`` that match the days of ``p`` before ``cutoff`` (the same calendar
    dates, as a report's summary compares them): (first day, the day after the last)."""
    from .reporting import comparison_end

    return q.start, comparison_end(p, f"{cutoff - pd.Timedelta(days=1):%Y-%m-%d}", q)


def _before(dataset, end: pd.Timestamp, cache: dict) -> dict[str, pd.DataFrame]:
    """The tables without the rows of the dated tables from ``end`` on (what is known of the
    rows kept stays, as for any earlier period)."""
    from .coverage import rows_before

    key = ("before", f"{end:%Y-%m-%d}")
    if key not in cache:
        cache[key] = rows_before(_tables(dataset), end, dated=_DATE_COLUMNS.items())  # (with the inventory snapshots)
    return cache[key]


def _uncovered_baseline(dataset, p: Period, wanted: list[Period]) -> Note:
    """Why a rule has no baseline: the data cover none of the periods before ``p`` in full."""
    from .coverage import date_spans

    first = min((lo for lo, _ in date_spans(dataset).values()), default=None)
    since = f" (they begin on {first:%Y-%m-%d})" if first is not None else ""
    since_zh = f"始于 {first:%Y-%m-%d}，" if first is not None else ""
    names = [str(q) for q in wanted]
    return Note(f"the data{since} cover none of the {len(wanted)} baseline periods before {p} ({_span(names)}) in "
                "full, so there is nothing to compare with",
                f"数据{since_zh}没有完整覆盖 {p} 之前的 {len(wanted)} 个基准期（{_span(names, 'zh')}）中的任何一期，无从比较")


def calibration_problems(params, targets: pd.DataFrame | None) -> list:
    """A warning per KPI that a calibration rule of ``params`` adjusts and the targets table
    has no target of: when the rule fires it adjusts nothing (the shipped online rule lowers
    new-customer targets, which neither the demo data nor ``salesperf targets`` write), so
    the Act of PDCA never acts. For ``salesperf validate --params``."""
    from .exceptions import Problem

    rules = params.targets.calibration or []
    if not rules or targets is None or "kpi" not in targets:
        return []
    have = set(targets["kpi"].dropna().astype(str))
    out = []
    for i, rule in enumerate(rules):
        for adj in rule.adjust:
            if adj in have:
                continue
            key = f"targets.calibration.{i}.adjust.{adj}"
            en, zh = CATALOGUE[adj].en, CATALOGUE[adj].zh
            kept = ", ".join(sorted(have)) or "none"
            out.append(Problem(
                table="targets", check="calibration_without_targets", key=key, value=adj, severity="warning",
                message=f"the calibration rule '{rule.name}' adjusts the {adj} targets, but the targets table has "
                        f"none (it has targets of {kept}): when the rule fires, nothing is adjusted",
                zh=f"{key}：校准规则「{rule.label_in('zh')}」调整{zh}目标，但目标表中没有{zh}的目标（只有"
                   f"{'、'.join(label(k, 'zh') for k in sorted(have)) or '无'}的目标）：规则触发时不会调整任何目标。",
                fix=Note(f"add {en.lower()} ({adj}) targets to the targets table (e.g. targets.kpis: [revenue, {adj}] "
                         f"for `salesperf targets`), or make the rule adjust a KPI that has targets",
                         f"在目标表中加入{zh}（{adj}）目标（例如 salesperf targets 用 targets.kpis: [revenue, {adj}]），"
                         "或让规则调整有目标的指标")))
    return out


def _item_error(what: str, key: str, raw, i: int, err: ValidationError) -> ParamsError:
    """Item ``i`` (from 1) of a plan's list ``targets.<key>`` that does not validate, in the
    words and key paths of a plan (``targets.calibration (item 2).change_at_least: expected a
    number, found '30%' ...``), whether it came from a parameter file or a Python call."""
    from .params import _format_errors

    name = raw.get("name") if isinstance(raw, Mapping) else None
    return ParamsError(f"The {what} {name or i!r} is not valid:",
                       errors=_format_errors(err, at=("targets", key, i - 1)))


def _summary(t: pd.DataFrame, sel: pd.Series, additive: bool, team_of: Mapping[str, str] | None = None) -> float:
    """Company total of the selected targets (team rows, else person rows); mean for levels.
    A person row without its team (the loaders' format allows it) is of the team ``team_of``
    (employee_id -> team, from the employees table) gives it, so that it is not counted
    again beside its team's row."""
    rows = t[sel]
    if not additive:
        p = rows[rows["employee_id"].notna()]
        return float((p if len(p) else rows)["target"].mean())
    team = rows[rows["employee_id"].isna()]
    persons = rows[rows["employee_id"].notna()]
    total = float(team["target"].sum())
    covered = set(zip(team["period"].astype(str), team["team"].astype(str), strict=True))
    own = persons["team"].where(persons["team"].notna(), persons["employee_id"].astype(str).map(team_of or {}))
    pairs = zip(persons["period"].astype(str), own.astype(str), strict=True)
    extra = persons[[pair not in covered for pair in pairs]]
    return total + float(extra["target"].sum())
