"""Scorecards: KPI values -> 0-100 points -> one weighted score per person, with 360
ratings, bonuses and penalties, the sales-cost discount, the team blend, ranks, grades and
promotion eligibility (catalogue section 3).

>>> from salesperf_kit.scoring import scorecard
>>> card = scorecard(dataset, load_params("telesales"), "2026-10")   # doctest: +SKIP
>>> card.table            # one row per person: score, rank, grade and every part of the score
>>> card.details          # one row per person x KPI: raw, normalised, weight, points
>>> print(card.explain("E0004", language="en"))

Order of steps (the same for every person; :meth:`Scorecard.explain` follows it):

1. **KPI points** (``kpi_points``). Each KPI of the person's role is normalised to 0-100
   points (:func:`normalise`; ``scoring.kpi_normalisation[kpi]``, else
   ``scoring.normalisation``; minmax, percentile and zscore compare the person with the
   peers scored with the same role's weights, joined by the people of the roles whose
   ``peers`` name that role). A KPI scored by attainment with no target of its own takes
   one where the plan implies it: ``received_revenue`` the ``revenue`` target, and
   ``team_revenue`` the sum of the revenue targets of the person and everyone below them
   in the manager_id tree (the people whose revenue it sums). The weights are the
   role's, or those of the phase that applies to the period, reshaped by
   ``dimension_weights`` when set (:func:`weights_for`). A KPI without a value, or without
   a target when it is scored by attainment, passes its weight to the person's other KPIs
   in proportion to their weights. ``kpi_points`` = sum of normalised x effective weight.
2. **Rating blend**. With ``ratings.weight`` w > 0 and a reviews table:
   ``(1 - w) x kpi_points + w x rating_points``; a person without ratings keeps
   ``kpi_points``.
3. **Bonuses and penalties**: ``+ bonus_points + penalty_points`` (``penalty_points`` is
   signed, <= 0).
4. **Sales-cost discount**: when the person's ``sales_cost_ratio`` exceeds
   ``bonuses.sales_cost.limit``, ``cost_discount_points = -discount x (score so far)``
   (a score so far at or below 0 is not discounted). The result is ``individual_score``.
5. **Team blend** (``team_blend`` set): ``team_score`` = mean ``individual_score`` of the
   person's team, ``score = (1 - tw) x individual_score + tw x team_score`` with
   ``tw = team_weight[phase]``. Without a team blend ``score = individual_score``.
6. **Rank** (:func:`rank`, 1 = best, ties per ``grading.rank_tie``), across everyone scored.
7. **Grade** (:func:`assign_grades`), across everyone scored, and promotion eligibility
   (:func:`promotion_eligible`) from ``history`` plus this period.

``score`` keeps full precision; only :meth:`Scorecard.explain` rounds (to 2 decimals).

Rule choices worth knowing:

- ``bonuses.customer_tier_weights`` apply to the raw value of the ``orders`` KPI only: an
  order of tier X counts ``customer_tier_weights[X]`` orders (tiers not listed, and orders
  without a tier, count 1), before normalisation; ``revenue`` already reflects the size of
  big orders and is left as it is.
- Team targets (rows of the targets table without ``employee_id``) are not used for a
  person's attainment. A person without a ``received_revenue`` target is measured against
  their ``revenue`` target (clients set one sales target whatever the revenue basis).
- Adjustments with 0 points are not listed in ``Scorecard.adjustments``; their reasons and
  ``grade_label`` are in the plan's ``language``; ``explain`` words them in the language asked.
- Ranks and grades (thresholds or forced distribution) are taken over everyone on the
  scorecard, whatever the role.
- A person whose role has no weights of its own is scored with ``scoring.default_role``
  and is a peer of that role's people for minmax, percentile and zscore.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._checks import check_one_of, did_you_mean, did_you_mean_person, person, squeezed
from ._repr import compact_repr
from .catalogue import CATALOGUE, Note, grouped, label, with_unit_sign
from .exceptions import Problem, ScoringError
from .periods import Period, parse_period

__all__ = [
    "NORMALISATION_METHODS", "RANK_TIES", "STEPS", "normalise", "weights_for", "rank", "assign_grades",
    "grade_order", "promotion_eligible", "rating_points", "Scorecard", "score", "scorecard",
    "forced_counts", "grade_groups", "plan_role", "apply_dimensions", "as_grading", "Note", "tie_notes", "spread_notes",
    "roles_without_kpis", "roles_mostly_unscored", "attainment_without_targets", "kpis_with_targets", "target_found",
    "score_decimals",
]

NORMALISATION_METHODS = ("attainment", "minmax", "percentile", "zscore")
RANK_TIES = ("min", "average", "first", "max", "dense")
STEPS = ("kpi_points", "rating_blend", "bonuses_penalties", "sales_cost_discount", "team_blend", "rank", "grade")

_BONUS_RULES = ("new_customer", "repurchase", "collaboration")
_PENALTY_RULES = ("compliance",)
_TABLE_COLUMNS = [
    "employee_id", "name", "team", "role", "score", "rank", "grade", "grade_label", "kpi_points",
    "rating_points", "bonus_points", "penalty_points", "cost_discount_points", "team_score",
    "individual_score", "promotion_eligible", "notes",
]
# A KPI scored by attainment without a target of its own uses this KPI's target.
_TARGET_FALLBACK = {"received_revenue": "revenue"}
_DETAIL_COLUMNS = ["employee_id", "kpi", "raw", "target", "method", "normalised", "weight",
                   "effective_weight", "points", "note"]
_ADJUSTMENT_COLUMNS = ["employee_id", "rule", "points", "reason"]


# ----------------------------------------------------------------------------- normalisation
def normalise(values: pd.Series, *, method: str, higher_is_better: bool = True,
              target: pd.Series | None = None, floor: float = 0.0, cap: float = 1.2) -> pd.Series:
    """Turn raw KPI values into 0-100 points.

    Parameters
    ----------
    values : Series
        Raw values of one KPI, one per person (the peers compared with each other).
    method : {"attainment", "minmax", "percentile", "zscore"}
    higher_is_better : bool
        False inverts every method (the catalogue's direction of the KPI).
    target : Series, optional
        Per-person target, aligned on ``values``' index (attainment only; a scalar is
        accepted too).
    floor, cap : float
        Attainment limits, as ratios (``cap=1.2`` limits points to 120).

    Returns
    -------
    Series
        Points, same index as ``values``; NaN where a value is NaN.

    Notes
    -----
    - ``attainment``: points = 100 x clip(actual / target, floor, cap); lower-is-better:
      100 x clip(target / actual, floor, cap), and an actual of 0 earns the cap. NaN when the
      value is NaN or the target is missing, 0 or negative. Not compared with peers.
    - ``minmax``: points = 100 x (x - min) / (max - min) over the non-NaN peers;
      lower-is-better: 100 x (max - x) / (max - min). All peers equal: 100 each.
    - ``percentile``: points = 100 x (r - 1) / (n - 1), r the average rank (1 = lowest
      value; ties share the mean of their ranks) among the n non-NaN peers; lower-is-better
      ranks from the highest value. A single peer gets 100.
    - ``zscore``: a T-score, points = clip(50 + 10 x z, 0, 100), z = (x - mean) / sd with
      the population sd (ddof 0) of the non-NaN peers; lower-is-better uses -z. All peers
      equal (sd 0): 50 each.
    """
    check_one_of("method", method, NORMALISATION_METHODS, error=ScoringError)
    x = pd.to_numeric(values, errors="coerce").astype("float64")
    ok = x.dropna()
    if method == "attainment":
        if target is None:
            raise ScoringError("Attainment needs the targets: pass target= (one per person), or choose "
                               "another method in scoring.normalisation / scoring.kpi_normalisation.")
        t = target.reindex(x.index) if isinstance(target, pd.Series) else pd.Series(target, index=x.index)
        t = pd.to_numeric(t, errors="coerce").astype("float64")
        t = t.where(t > 0)
        if higher_is_better:
            ratio = x / t
        else:
            ratio = (t / x.where(x != 0)).mask((x == 0) & t.notna(), cap)
        out = 100.0 * ratio.clip(lower=floor, upper=cap)
    elif ok.empty:
        out = pd.Series(np.nan, index=x.index)
    elif method == "minmax":
        lo, hi = ok.min(), ok.max()
        if hi == lo:
            out = pd.Series(100.0, index=x.index).where(x.notna())
        else:
            out = 100.0 * ((x - lo) if higher_is_better else (hi - x)) / (hi - lo)
    elif method == "percentile":
        n = len(ok)
        if n == 1:
            out = pd.Series(100.0, index=x.index).where(x.notna())
        else:
            r = x.rank(method="average", ascending=higher_is_better, na_option="keep")
            out = 100.0 * (r - 1) / (n - 1)
    else:  # zscore
        mean, sd = ok.mean(), ok.std(ddof=0)
        if not sd > 1e-12 * max(1.0, abs(mean)):
            out = pd.Series(50.0, index=x.index).where(x.notna())
        else:
            z = (x - mean) / sd
            out = (50.0 + 10.0 * (z if higher_is_better else -z)).clip(0.0, 100.0)
    return out.astype("float64").rename(values.name)


# ----------------------------------------------------------------------------- weights
def plan_role(params, role) -> str | None:
    """The role of the plan whose weights apply to ``role``: itself when the plan has it,
    else ``scoring.default_role`` (None when there is neither)."""
    return params.plan_role(role)


def _phase_matches(phase, p: Period) -> bool:
    """A phase applies when every criterion it sets matches (a phase that sets none never
    applies): ``months`` lists every calendar month of the period; ``periods`` lists the
    period or a period containing it; ``cycle`` is the period's kind."""
    criteria = []
    if phase.months:
        criteria.append(all(m.index in phase.months for m in p.months()))
    if phase.periods:
        inside = False
        for text in phase.periods:
            q = parse_period(text)
            inside |= q.start <= p.start and p.end <= q.end
        criteria.append(inside)
    if phase.cycle:
        criteria.append(phase.cycle == p.kind)
    return bool(criteria) and all(criteria)


def _active_phase(params, role: str, p: Period):
    """The last phase that matches ``p`` and has weights for ``role`` (or its resolved role)."""
    resolved = plan_role(params, role)
    found = None
    for phase in params.scoring.phases:
        if _phase_matches(phase, p) and (role in phase.roles or resolved in phase.roles):
            found = phase
    return found


def apply_dimensions(weights: dict[str, float], overrides: dict[str, str], dim_weights: dict) -> dict[str, float]:
    """Effective weights with dimension weights (result / process / potential):
    w'_k = dim_weight[d] x w_k / sum of w_j in d; dimensions without KPIs are dropped and
    the others rescaled to 1. ``overrides`` maps a KPI to another dimension."""
    if not dim_weights:
        return dict(weights)
    dim_of = {k: overrides.get(k, CATALOGUE[k].dimension) for k in weights}
    sums: dict[str, float] = {}
    for k, w in weights.items():
        sums[dim_of[k]] = sums.get(dim_of[k], 0.0) + w
    present = {d: dim_weights.get(d, 0.0) for d, s in sums.items() if s > 0}
    total = sum(present.values())
    if total <= 0:
        raise ScoringError(
            f"scoring.dimension_weights gives no weight to the dimensions of the KPIs {list(weights)} "
            f"({', '.join(sorted(present))}): give those dimensions a weight, or remove dimension_weights.")
    return {k: (present[dim_of[k]] / total) * w / sums[dim_of[k]] if sums.get(dim_of[k]) else 0.0
            for k, w in weights.items()}


def _no_weights_error(roles, params) -> ScoringError | None:
    """The error of :meth:`Params.roles_without_weights` (``validate --params`` reports the
    same finding), or None when every role has weights."""
    found = params.roles_without_weights(roles)
    return None if found is None else ScoringError(f"{found[0]} Fix: {found[1]}")


def _roles_and_kpis(params, dataset, period):
    """For each role of the employees table that the plan scores: (role, its plan role, its
    people, its weighted KPIs {kpi: weight}), with the KPIs' availability table and the
    business type's KPIs these data give. The availability table has a column ``ordered``:
    whether the KPI would be available with revenue counted as ordered, where the plan
    counts it as received (False throughout when it counts it as ordered)."""
    from .kpis import DEFAULT_SETS, available_kpis
    from .loaders import tables_of

    emp = tables_of(dataset, read=("employees",)).get("employees")
    if emp is None or "role" not in emp:
        return [], None, []
    avail = available_kpis(dataset, options=params.engine_options).set_index("kpi")
    avail["ordered"] = False
    if params.kpi_options.revenue_basis == "received" and not avail["available"].all():
        ordered = available_kpis(dataset, options={**params.engine_options, "revenue_basis": "ordered"})
        avail["ordered"] = ~avail["available"] & ordered.set_index("kpi")["available"].reindex(avail.index,
                                                                                               fill_value=False)
    give = [k for k in DEFAULT_SETS[params.business] if avail.at[k, "available"]]
    out = []
    for role, people in emp.groupby(emp["role"].astype("string"), sort=False):
        resolved = plan_role(params, role)
        if resolved is None:
            continue
        weights = (weights_for(params, role, period) if period is not None
                   else params.scoring.roles[resolved].weights)
        out.append((role, resolved, people, {k: w for k, w in weights.items() if w > 0}))
    return out, avail, give


def _role_finding(params, role, resolved, people, kpis, avail, give, share=None) -> tuple[str, Note, str]:
    """What :func:`roles_without_kpis` (``share`` None) and :func:`roles_mostly_unscored`
    (``share``: the part of the weight on KPIs the data cannot give) say of a role."""
    names = people["name"] if "name" in people else people["employee_id"]
    names = ", ".join(map(str, names.iloc[:3])) + (", …" if len(people) > 3 else "")
    n = len(people)
    shown = params.role_label(role, params.report_language)
    shown = f"{shown} ({role}; " if shown != role else f"{role} ("
    lacking = [k for k in kpis if not avail.at[k, "available"]]
    why = [avail.at[k, "missing"] for k in lacking]
    key = f"scoring.roles.{resolved}.weights"
    needs = "; ".join(f"{k} needs {w}" for k, w in zip(lacking, why))
    needs_zh = "；".join(f"「{label(k, 'zh')}」：缺少{getattr(w, 'zh', w)}" for k, w in zip(lacking, why))
    who = f"role {shown}{n} {'person' if n == 1 else 'people'}: {names})"
    if share is None:
        message = (f"{who}: none of the KPIs the plan weighs for it can be computed from these data ({needs}), so "
                   f"`salesperf score` would give {'this person' if n == 1 else 'them'} no score")
        zh = f"岗位「{params.role_label(role, 'zh')}」（{n} 人：{names}）在方案中有权重的指标在这份数据中都无法计算（{needs_zh}），评分时将没有得分。"
    else:
        rest = [k for k in kpis if avail.at[k, "available"]]
        rest_zh = "、".join(f"「{label(k, 'zh')}」" for k in rest)
        message = (f"{who}: {share:.0%} of the weight the plan gives it is on KPIs these data cannot give ({needs}), "
                   f"so {'its' if n == 1 else 'their'} score would rest on {', '.join(rest)} alone")
        zh = (f"岗位「{params.role_label(role, 'zh')}」（{n} 人：{names}）在方案中 {share:.0%} 的权重落在这份数据无法计算的指标上"
              f"（{needs_zh}），得分将只取决于{rest_zh}。")
    more = ", …" if len(give) > 8 else ""
    fix = Note("add what they need to the data, or weigh KPIs these data give in "
               f"{key}: {', '.join(give[:8])}{more}" if give else
               f"add what they need to the data (they give none of the {params.business} KPIs)",
               "在数据中补上所需的表或列"
               + (f"，或在 {key} 中改用数据能提供的指标：{'、'.join(label(k, 'zh') for k in give[:8])}" if give
                  else ""))
    on_orders = [k for k in lacking if avail.at[k, "ordered"]]
    if on_orders:  # what they lack is money received, and the orders' amounts would give them
        fix = Note(f"{_count_as_ordered(params, on_orders, 'en')}; otherwise {fix}",
                   f"{_count_as_ordered(params, on_orders, 'zh')}；否则{fix.zh}")
    return message, fix, zh


def _count_as_ordered(params, kpis: list[str], language: str) -> str:
    """The first fix for KPIs that lack only money received (paid_amount, paid_date) under
    ``revenue_basis: received``, with data that have the orders' amounts: count revenue as
    ordered (and the commission, when it is paid on money received too)."""
    from .incentives import commission_base_problem

    commission = (params.incentives.commission.basis == "received"
                  and commission_base_problem(params.incentives) is not None)
    if language == "zh":
        return ("在方案中写 kpi_options: {revenue_basis: ordered}"
                + ("，并写 incentives.commission.basis: ordered（提成同样按到账金额计算）" if commission else "")
                + "：这份数据有订单金额，但没有到账金额（paid_amount、paid_date），按下单金额计算即可得到"
                + "".join(f"「{label(k, 'zh')}」" for k in kpis))
    return ("set kpi_options: {revenue_basis: ordered} in the plan"
            + (" and incentives.commission.basis: ordered (the commission is paid on money received too)"
               if commission else "")
            + ": these data have the orders' amounts but no money received (paid_amount, paid_date), and "
            + f"counted as ordered they give {', '.join(kpis)}")


def roles_without_kpis(params, dataset, period=None) -> list[tuple[str, str, str]]:
    """The roles of the employees table none of whose weighted KPIs ``dataset`` can give
    (weights of ``period``, else the role's own): :func:`scorecard` would give their people
    no score. For each, (what is wrong, the fix, the same in Chinese); ``validate
    --params`` reports them. A role without weights is :meth:`Params.roles_without_weights`'s."""
    roles, avail, give = _roles_and_kpis(params, dataset, period)
    return [_role_finding(params, role, resolved, people, kpis, avail, give)
            for role, resolved, people, kpis in roles if not any(avail.at[k, "available"] for k in kpis)]


#: the part of a role's weight on KPIs the data cannot give from which validate warns
MOSTLY_UNSCORED = 0.5


def roles_mostly_unscored(params, dataset, period=None) -> list[tuple[str, str, str]]:
    """The roles of the employees table some of whose weighted KPIs ``dataset`` gives, but
    with half or more of the weight (:data:`MOSTLY_UNSCORED`) on KPIs it cannot give:
    their score would rest on the few others (a rep ranked on new customers alone), which
    the report's plan diagnostics say after the run. ``validate --params`` warns of them
    before it, as (what is wrong, the fix, the same in Chinese)."""
    roles, avail, give = _roles_and_kpis(params, dataset, period)
    out = []
    for role, resolved, people, kpis in roles:
        total = sum(kpis.values())
        lacking = sum(w for k, w in kpis.items() if not avail.at[k, "available"])
        if total > 0 and lacking < total and lacking / total >= MOSTLY_UNSCORED:
            out.append(_role_finding(params, role, resolved, people, kpis, avail, give, share=lacking / total))
    return out


def weights_for(params, role: str, period) -> dict[str, float]:
    """The planned KPI weights of ``role`` in ``period``.

    Parameters
    ----------
    params : Params
    role : str
        employees.role; a role without weights falls back to ``scoring.default_role``.
    period : str or Period

    Returns
    -------
    dict
        KPI -> weight, summing to 1.

    Notes
    -----
    - Phases (``scoring.phases``): a phase applies when every criterion it sets matches
      (``months``: every calendar month of the period is listed, so ``[6, 11]`` applies to
      2026-06 and 2026-11 but not to 2026-Q2; ``periods``: the period is listed or lies inside
      a listed period, so ``2026-Q4`` covers 2026-10; ``cycle``: the period is a month,
      quarter or year). A phase that sets no criterion never applies. Among the phases that
      apply and have weights for the role, the last one listed wins.
    - ``dimension_weights`` (result/process/potential; a KPI's dimension is the catalogue's
      unless ``roles.<role>.dimensions`` overrides it): weight of KPI k = dim_weight[d] x
      w_k / (sum of the role's w_j in d). Dimensions the role has no KPI in are dropped and
      the other dimension weights rescaled to sum to 1; KPIs of a dimension without a
      dimension weight get 0.

    Raises
    ------
    ScoringError
        The role has no weights and there is no ``scoring.default_role``.
    """
    p = parse_period(period)
    resolved = plan_role(params, role)
    if resolved is None:
        raise _no_weights_error([role], params)
    spec = params.scoring.roles[resolved]
    phase = _active_phase(params, role, p)
    weights = spec.weights
    if phase is not None:
        weights = phase.roles.get(role, phase.roles.get(resolved))
    return apply_dimensions(weights, spec.dimensions, params.scoring.dimension_weights)


# ----------------------------------------------------------------------------- rank and grades
def rank(scores: pd.Series, *, tie: str = "min") -> pd.Series:
    """Rank scores, 1 = the highest.

    ``tie``: ``"min"`` (equal scores share the best rank: 1, 2, 2, 4), ``"average"``
    (1, 2.5, 2.5, 4), ``"first"`` (order of appearance: 1, 2, 3, 4), ``"max"`` (1, 3, 3, 4)
    or ``"dense"`` (1, 2, 2, 3). A NaN score has a NaN rank. Scores equal to 9 decimals
    are equal: points that add up to the same score in another order (14.29 + 22.86 + 11.43
    and 20 + 28.57 + 0) differ in the last bit of a float, and must not rank apart.
    """
    check_one_of("tie", tie, RANK_TIES, error=ScoringError)
    return _settled(scores).rank(method=tie, ascending=False, na_option="keep").rename("rank")


def _settled(scores) -> pd.Series:
    """Scores as floats rounded to 9 decimals, so that sums equal but for float rounding
    compare equal (their rank and grade are those of a tie)."""
    return pd.to_numeric(scores, errors="coerce").astype("float64").round(SCORE_DECIMALS)


#: scores equal to this many decimals tie, in ranks and grades (here and in the scenario tools)
SCORE_DECIMALS = 9

#: the fewest decimals a score is shown with (explain, the scorecard file, the report), as
#: :func:`score_decimals` gives them
SHOWN_SCORE_DECIMALS = 2


def score_decimals(scores, grading=None) -> int:
    """The decimals to show ``scores`` with, the same for all of them, so that no score
    reads across a grade threshold of ``grading``: :data:`SHOWN_SCORE_DECIMALS`, or as many
    as a threshold has, and more while a score below a threshold would round onto it
    (74.97139 under B: 75 read 75.0 at one decimal beside its grade C; 79.996 under A: 80
    reads 80.00 at two decimals, 79.996 at three). A score rounded half up or to the
    nearest binary value reads the same side of the threshold. Scores are graded to
    :data:`SCORE_DECIMALS` decimals, so no more are needed. The lowest threshold sets no
    bound (a score below it gets the lowest grade too), and a forced distribution has no
    thresholds."""
    from decimal import Decimal

    d = SHOWN_SCORE_DECIMALS
    g = as_grading(grading) if grading is not None else None
    if g is None or g.method != "thresholds":
        return d
    cuts = sorted(float(t) for t in g.thresholds.values())[1:]
    if not cuts:
        return d
    # (a threshold of 72.125 shows its own decimals: at two, 72.125 itself would read 72.12)
    d = max(d, *(min(max(-Decimal(repr(t)).normalize().as_tuple().exponent, 0), SCORE_DECIMALS) for t in cuts))
    below = np.subtract.outer(np.array(cuts), _settled(scores).dropna().to_numpy())  # (how far under each cut)
    while d < SCORE_DECIMALS and ((below > 0) & (below <= 0.5 * 10.0 ** -d + 1e-10)).any():
        d += 1  # (1e-10: a half at the last decimal, 79.995, read as 80.00 half up)
    return d


def grade_order(grading) -> list[str]:
    """Grades from best to worst: by threshold (highest first), or as listed in a forced
    ``distribution``."""
    g = as_grading(grading)
    if g.method == "forced":
        return list(g.distribution)
    return [k for k, _ in sorted(g.thresholds.items(), key=lambda kv: -kv[1])]


def as_grading(grading):
    """A :class:`~salesperf_kit.params.Grading` from a model or a plain mapping."""
    from .params import Grading

    return grading if isinstance(grading, Grading) else Grading.model_validate(grading)


def forced_counts(n: int, shares: list[float]) -> list[int]:
    """Largest-remainder (Hamilton) rounding of n x share; equal remainders go to the
    earlier (better) grade."""
    total = sum(shares)
    quotas = [n * s / total for s in shares]
    counts = [math.floor(q + 1e-9) for q in quotas]
    rems = [round(q - c, 9) for q, c in zip(quotas, counts)]
    for i in sorted(range(len(shares)), key=lambda i: (-rems[i], i))[: n - sum(counts)]:
        counts[i] += 1
    return counts


def grade_groups(roles: pd.Series, params) -> pd.Series | None:
    """The groups a forced distribution grades apart (``scoring.grading.within: role``):
    each person's peer group (:meth:`~salesperf_kit.params.Params.peer_group`: their plan
    role, or the role it names as ``peers``), same index as ``roles``; None when everyone is
    graded together (``within: company``, or grades by threshold, which depend on no one
    else)."""
    g = params.scoring.grading
    if g.method != "forced" or g.within != "role":
        return None
    return roles.map(lambda r: (params.peer_group(r) or str(r)) if isinstance(r, str) else "")


def assign_grades(scores: pd.Series, grading, groups: pd.Series | None = None) -> pd.Series:
    """Grade every score.

    Parameters
    ----------
    scores : Series
    grading : Grading (``params.scoring.grading``) or a mapping of its fields
    groups : Series, optional
        Same index as ``scores`` (:func:`grade_groups`): a forced distribution is then
        applied within each group on its own, its shares taken over the group's scored
        people.

    Returns
    -------
    Series
        The grade per score (same index); missing for a NaN score.

    Notes
    -----
    - ``thresholds``: the highest grade whose threshold <= score; a score below every
      threshold (penalties can push it under 0) gets the lowest grade.
    - ``forced``: grades in the order listed in ``distribution``, best first. With n scored
      people (NaN scores do not count), grade g gets n x share_g people rounded by largest
      remainder (Hamilton): each grade first gets the whole part, the people left go one
      each to the grades with the largest fractional parts (equal fractions: the better
      grade first). E.g. 7 people at 20/70/10: quotas 1.4/4.9/0.7 -> 1/4/0, two left go to
      B (.9) and C (.7) -> 1/5/1. People are taken in order of score, highest first.
      Ties: equal scores always get the same grade, the better one that the first of them
      reaches, so the next grade's count shrinks by as many.
    """
    g = as_grading(grading)
    if groups is not None and g.method == "forced":
        out = pd.Series(None, index=scores.index, dtype=object, name="grade")
        for _, members in scores.groupby(groups.reindex(scores.index).fillna("").to_numpy(), sort=False):
            out[members.index] = assign_grades(members, g)
        return out
    s = _settled(scores)   # (equal to 9 decimals: a tie, as in :func:`rank`)
    out = pd.Series(None, index=s.index, dtype=object, name="grade")
    order = grade_order(g)
    ok = s.dropna()
    if ok.empty:
        return out
    if g.method == "thresholds":
        thresholds = [(k, g.thresholds[k]) for k in order]
        for i, v in ok.items():
            out[i] = next((k for k, t in thresholds if v >= t), order[-1])
        return out
    counts = forced_counts(len(ok), [g.distribution[k] for k in order])
    bounds = np.cumsum(counts)
    ranked = ok.sort_values(ascending=False, kind="mergesort")
    previous_value, previous_grade = None, None
    for pos, (i, v) in enumerate(ranked.items()):
        if previous_value is not None and v == previous_value:
            grade = previous_grade
        else:
            grade = order[min(int(np.searchsorted(bounds, pos, side="right")), len(order) - 1)]
        out[i] = grade
        previous_value, previous_grade = v, grade
    return out


def promotion_eligible(grades: pd.DataFrame, *, grade: str = "A", consecutive: int = 2,
                       order: list[str]) -> pd.Series:
    """Who is eligible for promotion (e.g. two consecutive quarters at grade A, seed 003).

    Parameters
    ----------
    grades : DataFrame
        employee_id, period, grade (one row per person and period; a repeated period keeps
        its last row).
    grade : str
        The grade required, "or better".
    consecutive : int
    order : list of str
        Grades from best to worst (:func:`grade_order`).

    Returns
    -------
    Series of bool, indexed by employee_id, named ``promotion_eligible``.

    Notes
    -----
    Eligible when the person's latest period and the ``consecutive - 1`` periods just
    before it (same kind: months, quarters or years; no gap) are all present and graded
    ``grade`` or better. A missing or unknown grade breaks the run.
    """
    check_one_of("grade", grade, order, error=ScoringError)
    absent = [c for c in ("employee_id", "period", "grade") if c not in grades.columns]
    if absent:
        raise ScoringError(f"The grades table needs the column(s) {absent} (employee_id, period, grade), "
                           f"found {list(grades.columns)}.")
    position = {g: i for i, g in enumerate(order)}
    limit = position[grade]
    out = {}
    for emp, grp in grades.groupby(grades["employee_id"].astype(str), sort=False):
        by_period = {parse_period(p): g for p, g in zip(grp["period"].astype(str), grp["grade"])}
        latest = max(by_period, key=lambda q: (q.end, q.start))
        run = [latest.shift(-i) for i in range(consecutive)]
        out[emp] = all(q in by_period and position.get(by_period[q], math.inf) <= limit for q in run)
    return pd.Series(out, dtype=bool, name="promotion_eligible").rename_axis("employee_id")


# ----------------------------------------------------------------------------- ratings
def rating_points(reviews: pd.DataFrame, period, *, reviewer_weights: dict[str, float]) -> pd.DataFrame:
    """360 rating per person for ``period``, on 1-5 and as 0-100 points.

    Reviews count when their period lies inside ``period``; a peer rating of oneself is
    dropped. Per reviewer type: the mean of each criterion, then the mean over criteria;
    then the mean over reviewer types weighted by ``reviewer_weights`` (renormalised over
    the types present; a type with weight 0 is ignored). points = (rating - 1) / 4 x 100.

    Returns
    -------
    DataFrame indexed by employee_id: rating (1-5), rating_points (0-100).
    """
    p = parse_period(period)
    need = ["employee_id", "period", "reviewer_type", "criterion", "score"]
    absent = [c for c in need if c not in reviews.columns]
    if absent:
        raise ScoringError(f"The reviews table needs the column(s) {absent}; found {list(reviews.columns)}. "
                           "Map the client's columns in data.columns.reviews of the parameter file.")
    r = reviews.assign(employee_id=reviews["employee_id"].astype(str))
    inside = {}
    for text in r["period"].astype(str).unique():
        try:
            q = parse_period(text)
        except Exception:  # noqa: BLE001 - an unreadable review period is simply outside
            inside[text] = False
            continue
        inside[text] = p.start <= q.start and q.end <= p.end
    r = r[r["period"].astype(str).map(inside).astype(bool)]
    if "reviewer_id" in r:
        r = r[~((r["reviewer_type"] == "peer") & (r["reviewer_id"].astype(str) == r["employee_id"]))]
    r = r.assign(w=r["reviewer_type"].map(reviewer_weights).astype("float64"))
    r = r[r["w"] > 0]
    per_type = (r.groupby(["employee_id", "reviewer_type", "criterion"])["score"].mean()
                .groupby(["employee_id", "reviewer_type"]).mean().rename("mean").reset_index())
    per_type["w"] = per_type["reviewer_type"].map(reviewer_weights).astype("float64")
    per_type["ws"] = per_type["w"] * per_type["mean"]
    sums = per_type.groupby("employee_id")[["ws", "w"]].sum()
    out = pd.DataFrame({"rating": sums["ws"] / sums["w"]})
    out["rating_points"] = (out["rating"] - 1) / 4 * 100
    return out.rename_axis("employee_id")


# ----------------------------------------------------------------------------- scorecard
def tie_notes(grades: pd.Series, scores: pd.Series, grading, groups: pd.Series | None = None,
              names: Mapping[str, tuple[str, str]] | None = None) -> list[Note]:
    """Notes on the grades of a forced distribution that hold more people than their
    share because equal scores share a grade (see :func:`assign_grades`); with ``groups``,
    per group, headed by its name (``names``: group -> what to call it in English and in
    Chinese; else the group's key)."""
    g = as_grading(grading)
    if g.method != "forced":
        return []
    if groups is not None:
        out = []
        keys = groups.reindex(scores.index).fillna("")
        for who, members in scores.groupby(keys.to_numpy(), sort=True):
            en, zh = (names or {}).get(who, (who, who))
            out += [Note(f"{en}: {n}", f"{zh}：{n.zh}") for n in tie_notes(grades[members.index], members, g)]
        return out
    order = grade_order(g)
    n = int(pd.to_numeric(scores, errors="coerce").notna().sum())
    quota = dict(zip(order, forced_counts(n, [g.distribution[k] for k in order])))
    out = []
    for k in order:
        got = int((grades == k).sum())
        if got > quota[k]:
            out.append(Note(f"Grade {k}: {got} people where the distribution allows {quota[k]}, because equal "
                            f"scores share the better grade. Break ties (e.g. a finer KPI) if the cap must hold.",
                            f"等级 {k}：按比例应为 {quota[k]} 人，因同分者取较好等级，实为 {got} 人。"
                            "如须严格控制人数，请增加区分度（如更细的指标）。"))
    return out


def spread_notes(details: pd.DataFrame, *, within: float = 0.01) -> list[Note]:
    """Notes on KPIs scored against peers (percentile, minmax, zscore) whose raw values are
    all within ``within`` (1 %) of each other in a role: the points still run from 0 to 100,
    so a difference no one would act on decides part of the score."""
    out = []
    peer = details[details["method"].isin(["percentile", "minmax", "zscore"]) & details["weight"].gt(0)]
    for k, d in peer.groupby("kpi", sort=False):
        v = pd.to_numeric(d["raw"], errors="coerce").dropna()
        lo, hi = (float(v.min()), float(v.max())) if len(v) >= 2 else (0.0, 0.0)
        if hi > lo and hi - lo <= within * max(abs(lo), abs(hi)):
            out.append(Note(
                f"{k}: every value is within {within:.0%} of the others ({_g(lo)} to {_g(hi)}), yet points "
                f"compared with peers run from 0 to 100; consider method: attainment for it.",
                f"{label(k, 'zh')}：各人数值相差不到 {within:.0%}（{_g(lo)} 至 {_g(hi)}），与同岗比较的得分仍从 0 "
                f"到 100 拉开；可考虑改用目标完成率（attainment）计分。"))
    return out


def _g(x: float) -> str:
    return f"{x:,.4g}"


@dataclass
class Scorecard:
    """The scores of one period (see the module docstring for the order of steps).

    Attributes
    ----------
    period : Period
    business : str
    table : DataFrame
        One row per person: employee_id, name, team, role, score, rank, grade, grade_label,
        kpi_points, rating_points (0-100 or NaN), bonus_points, penalty_points (<= 0),
        cost_discount_points (<= 0), team_score, individual_score, promotion_eligible, notes,
        then per KPI used: ``<kpi>`` (raw value) and ``<kpi>_points``. Sorted by rank.
    details : DataFrame
        One row per person x KPI of their role: employee_id, kpi, raw, target, method,
        normalised (0-100), weight (planned), effective_weight (after redistribution),
        points (normalised x effective_weight; 0 when the weight was redistributed), note.
    adjustments : DataFrame
        employee_id, rule (new_customer, repurchase, collaboration, compliance, sales_cost),
        points (signed), reason.
    notes : list of str
        KPI notices, then notes on how the plan was applied (:class:`Note`, with a
        Chinese text).
    weights : dict
        role (as in employees.role) -> the planned weights used this period.
    params : Params
        The parameters scored with (for :meth:`explain`).
    kpis : KPIResult
        The KPIs scored (for the pay that :meth:`explain` tells).
    targets : DataFrame or None
        The targets table scored with (likewise).
    """

    period: Period
    business: str
    table: pd.DataFrame
    details: pd.DataFrame
    adjustments: pd.DataFrame
    notes: list[str]
    weights: dict[str, dict[str, float]]
    params: object = field(default=None, repr=False)
    _reason_args: dict = field(default_factory=dict, repr=False)
    #: people who did not work in the period (``KPIResult.absent``): not scored
    absent: pd.DataFrame | None = field(default=None, repr=False)
    kpis: object = field(default=None, repr=False)
    targets: pd.DataFrame | None = field(default=None, repr=False)
    #: the period's pay when it is the sum of its months' (:func:`period_payouts`), for explain
    pay: pd.DataFrame | None = field(default=None, repr=False)
    #: (the table, the payout table and its steps) worked out once for :meth:`explain`
    #: (everyone's pay is computed together: the pool and the awards depend on the others)
    _pay_steps: tuple | None = field(default=None, repr=False)

    __repr__ = compact_repr

    def explain(self, employee_id: str, language: str = "zh", *, options: str = "") -> str:
        """Why a person (an employee_id, or a name only one person has) has their score:
        every KPI's raw value, normalised points, weight and points; each bonus and
        penalty; each blend step, in the order they are applied, with arithmetic that adds
        up to the score (figures rounded to 2 decimals). Then their pay, item by item,
        with the same figures as :func:`salesperf_kit.incentives.payouts` and how the plan
        came to each (:func:`salesperf_kit.incentives.explain_pay`).

        ``options``: the command-line options (``--params``, ``--data``, ``--language``) that
        the ``salesperf explain`` of one month suggested for a quarter or a year paid by month
        repeats, as written for a shell."""
        try:
            return _explain(self, str(employee_id), language, options)
        except ScoringError as err:  # (why there is no explanation: said in the explanation's language)
            err.language = language
            raise


_TIER_NOTE = re.compile(r"tier-weighted orders: (?P<parts>.*) = (?P<total>\S+) \((?P<n>\d+) orders\)")


def _detail_note_zh(note: str) -> str:
    """The Chinese text of a KPI detail note (see :func:`_kpi_details`)."""
    out = []
    for part in note.split("; "):
        m = _TIER_NOTE.fullmatch(part)
        out.append(f"按客户等级加权：{m['parts']} = {m['total']}（共 {m['n']} 单）" if m else
                   dict(_NOTE_ZH).get(part, part))
    return "；".join(out)


def _tier_weighted_orders(kpis, tier_weights: dict[str, float]) -> tuple[pd.Series, dict[str, str]]:
    by_tier = kpis.orders_by_tier() if getattr(kpis, "_ctx", None) is not None else pd.DataFrame()
    if by_tier.empty:
        return pd.Series(dtype="float64"), {}
    t = by_tier.assign(employee_id=by_tier["employee_id"].astype(str),
                       w=by_tier["customer_tier"].map(lambda x: tier_weights.get(x, 1.0) if pd.notna(x) else 1.0))
    t["weighted"] = t["orders"].astype("float64") * t["w"]
    weighted = t.groupby("employee_id")["weighted"].sum()
    notes = {}
    for emp, grp in t.groupby("employee_id"):
        parts = " + ".join(f"{int(o)} x{w:g} ({tier if pd.notna(tier) else '-'})"
                           for tier, o, w in zip(grp["customer_tier"], grp["orders"], grp["w"]))
        notes[emp] = f"tier-weighted orders: {parts} = {grp['weighted'].sum():g} ({int(grp['orders'].sum())} orders)"
    return weighted, notes


def _team_revenue_targets(kpis, target_map: pd.Series, params) -> pd.Series:
    """team_revenue targets implied by the personal revenue targets (on the plan's revenue
    basis, else ``revenue``): each person's is the sum over their team_revenue's people.
    Indexed (employee_id, "team_revenue"); empty when there is nothing to sum."""
    if not len(target_map) or getattr(kpis, "_ctx", None) is None:
        return pd.Series(dtype="float64")
    source = _team_revenue_source(set(target_map.index.get_level_values("kpi")), params)
    if source is None:
        return pd.Series(dtype="float64")
    summed = kpis.team_sum(target_map.xs(source, level="kpi")).dropna()
    summed.index = pd.MultiIndex.from_arrays([summed.index, ["team_revenue"] * len(summed)],
                                             names=["employee_id", "kpi"])
    return summed.rename("target")


def _team_revenue_source(have: set[str], params) -> str | None:
    """The KPI whose personal targets, summed over a team, make the team_revenue targets:
    the plan's revenue basis, else revenue; None when ``have`` (the KPIs with targets) has
    neither."""
    basis = "received_revenue" if params.kpi_options.revenue_basis == "received" else "revenue"
    return basis if basis in have else "revenue" if "revenue" in have else None


def target_found(kpi: str, have: set[str], params) -> bool:
    """Whether a KPI scored by attainment finds targets when the personal targets are of the
    KPIs ``have``: its own, those it falls back on (received_revenue on revenue), or, for
    team_revenue, the revenue targets of the team. Without, each scorecard row of the KPI is
    "no target: weight redistributed" (:data:`UNSCORED`)."""
    fallback = _TARGET_FALLBACK.get(kpi)
    return (kpi in have or (fallback is not None and fallback in have)
            or (kpi == "team_revenue" and _team_revenue_source(have, params) is not None))


def kpis_with_targets(targets: pd.DataFrame | None, period=None) -> set[str]:
    """The KPIs the targets table gives personal targets of, for ``period`` as the scorecard
    reads them (:func:`_targets_map`), or in any period when ``period`` is None."""
    if period is not None:
        target_map = _targets_map(targets, parse_period(period))
        return set(target_map.index.get_level_values("kpi")) if len(target_map) else set()
    if targets is None or not len(targets) or "kpi" not in targets:
        return set()
    mine = targets["employee_id"].notna() if "employee_id" in targets else pd.Series(False, index=targets.index)
    return set(targets.loc[mine & pd.to_numeric(targets["target"], errors="coerce").notna(), "kpi"].astype(str))


def attainment_without_targets(params, dataset, roles, period=None) -> list[Problem]:
    """A warning for each KPI the plan scores by attainment, with a weight for one of
    ``roles`` (the plan's roles the employees hold), that ``dataset`` can compute but of
    which its targets have none (in ``period``, or in any period): the scorecard would say
    "no target" on each of its rows and share its weight out over the other KPIs
    (:func:`target_found`, the rule it uses). A KPI the data cannot compute is
    :func:`roles_without_kpis`'s (and the scorecard's "not computed")."""
    from .kpis import available_kpis
    from .loaders import tables_of

    sc = params.scoring
    targets = tables_of(dataset, read=("targets",)).get("targets")
    have = kpis_with_targets(targets, period)
    avail = available_kpis(dataset, options=params.engine_options).set_index("kpi")["available"]
    p = parse_period(period) if period is not None else None
    weighted: dict[str, list[tuple[str, float]]] = {}
    for role in roles:
        weights = weights_for(params, role, p) if p is not None else dict(sc.roles[role].weights)
        for k, w in weights.items():
            if (w > 0 and sc.normalisation_of(k).method == "attainment" and avail.get(k, False)
                    and not target_found(k, have, params)):
                weighted.setdefault(k, []).append((role, w))
    out = []
    for k, held in weighted.items():
        own = k in sc.kpi_normalisation
        key = f"scoring.kpi_normalisation.{k}" if own else "scoring.normalisation"
        how = "" if own else " (the plan's normalisation, which it inherits)"
        how_zh = "" if own else "（沿用方案的 normalisation）"
        roles_en = " and ".join(f"{r} (weight {w:g})" for r, w in held)
        roles_zh = "、".join(f"{params.role_label(r, 'zh')}（权重 {w:g}）" for r, w in held)
        when, when_zh = (f"for {p}", f"{p} 的") if p is not None else ("at all", "")
        source = "no targets table" if targets is None or not len(targets) else f"no {k} targets {when}"
        source_zh = "没有目标表" if targets is None or not len(targets) else f"没有「{label(k, 'zh')}」{when_zh}目标"
        out.append(Problem(
            "targets", "attainment_without_targets", severity="warning", key=key, value=None,
            message=Note(f"{k} is scored by attainment{how} and weighted for the role(s) {roles_en}, but the data "
                         f"have {source}: each scorecard row of it would say '{UNSCORED['target']}', its weight "
                         "going to the other KPIs",
                         f"「{label(k, 'zh')}」（{k}）按目标达成率计分{how_zh}，在岗位 {roles_zh} 中有权重，但数据{source_zh}："
                         f"计分时每人的该项都将是“无目标，权重已按比例分配给其他指标”"),
            fix=Note(f"add {k} targets for the period (e.g. `salesperf targets {params.business} --year <year>` with "
                     f"{k} in targets.kpis), or score it by percentile: scoring.kpi_normalisation.{k}: "
                     "{method: percentile}",
                     f"为该期间添加「{label(k, 'zh')}」的目标（如用 `salesperf targets {params.business} --year <年份>`，"
                     f"并在 targets.kpis 中列出 {k}），或改按百分位计分：scoring.kpi_normalisation.{k}: "
                     "{method: percentile}")))
    return out + _roles_without_targets(params, dataset, roles, targets, avail, weighted, p)


def _roles_without_targets(params, dataset, roles, targets, avail, unfound: dict, p) -> list[Problem]:
    """A warning for each role with KPIs scored by attainment and weighted for it of which the
    targets table has targets, but for none of the role's people: targets set for the agents
    and not their team leads leave the leads' rows "no target" as surely as no targets at
    all (KPIs in ``unfound`` have no targets for anyone: warned of already)."""
    from .loaders import tables_of

    emp = tables_of(dataset, read=("employees",)).get("employees")
    if emp is None or "role" not in emp or targets is None or not len(targets) or "employee_id" not in targets:
        return []
    sc = params.scoring
    plan_roles = emp["role"].map(lambda r: params.plan_role(str(r)) if pd.notna(r) else None)
    out = []
    for role in roles:
        people = emp[plan_roles == role]
        if people.empty:
            continue
        ids = set(people["employee_id"].astype(str))
        have = kpis_with_targets(targets[targets["employee_id"].astype("string").isin(ids).fillna(False)], p)
        weights = weights_for(params, role, p) if p is not None else dict(sc.roles[role].weights)
        missing = [(k, w) for k, w in weights.items()
                   if w > 0 and k not in unfound and k != "team_revenue" and sc.normalisation_of(k).method == "attainment"
                   and avail.get(k, False) and not target_found(k, have, params)]
        if not missing:
            continue
        names = (people["name"] if "name" in people else people["employee_id"]).astype(str).tolist()
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        shown_zh = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
        n, one = len(names), len(missing) == 1
        ks = ", ".join(f"{k} (weight {w:g})" for k, w in missing)
        ks_zh = "、".join(f"「{label(k, 'zh')}」（权重 {w:g}）" for k, w in missing)
        when, when_zh = (f" for {p}", f" {p} 的") if p is not None else ("", "")
        out.append(Problem(
            "targets", "role_without_targets", severity="warning", key=f"scoring.roles.{role}.weights", value=None,
            message=Note(f"the role {role} is scored by attainment on {ks}, but none of its {n} "
                         f"{'person' if n == 1 else 'people'} ({shown}) has a target of {'it' if one else 'them'}{when}, "
                         f"which the targets give others: each such row of theirs would say '{UNSCORED['target']}'",
                         f"岗位「{params.role_label(role, 'zh')}」按目标达成率考核{ks_zh}，但该岗位的 {n} 人（{shown_zh}）都没有"
                         f"{when_zh}{'该' if one else '这些'}目标（目标表只给了其他人）：计分时他们的该项都将是"
                         "“无目标，权重已按比例分配给其他指标”"),
            fix=Note("add their targets to the targets table (rows with their employee_id), or weigh KPIs for the "
                     f"role that need no target (scoring.roles.{role}.weights)",
                     f"在目标表中补上他们的目标（填写其工号的行），或在 scoring.roles.{role}.weights 中改用不需要目标的指标")))
    return out


def _targets_map(targets: pd.DataFrame | None, p: Period) -> pd.Series:
    from .kpis import targets_for

    if targets is None or len(targets) == 0:
        return pd.Series(dtype="float64")
    t = targets_for(targets, p)
    t = t[t["employee_id"].notna()]
    t = t.assign(employee_id=t["employee_id"].astype(str), target=pd.to_numeric(t["target"], errors="coerce"))
    return t.groupby(["employee_id", "kpi"])["target"].last()


#: Why a weighted KPI went unscored for a person (the ``note`` of :attr:`Scorecard.details`):
#: the KPI was not computed from the data, the person has no value, no target, or no score.
UNSCORED = {"lack": "not computed from these data: weight redistributed",
            "value": "no value: weight redistributed",
            "target": "no target: weight redistributed",
            "zero_target": "a target of 0, no attainment: weight redistributed",
            "score": "no score: weight redistributed"}


#: a person with nothing to measure a ratio on (0 orders for the order value) among peers who
#: had some: no points, rather than their weight moved onto KPIs where they may tie with others
IDLE = "no activity (0 / 0): 0 points"


#: the denominators that count what a person did in the period (orders, buyers, sales, deals
#: closed, calls made): a ratio over none of them measures nothing done. Denominators given to
#: a person (sessions, tickets) or measured on them (survey responses, last period's buyers)
#: are not: without them the ratio has no value, and its weight is shared out
_OWN_OUTPUT = frozenset({"orders", "buyers", "revenue_ordered", "placed_orders", "closed_orders", "new_customers",
                         "calls", "connected", "connected_customers", "intent_customers"})


def _idle_pairs(kpis) -> set[tuple[str, str]]:
    """(employee_id, kpi) of the ratios over the person's own output whose numerator and
    denominator are both 0 (:data:`_OWN_OUTPUT`: someone with no orders has no order value,
    nothing done, not a result missing from the data)."""
    from .kpis import REGISTRY

    long = getattr(kpis, "long", None)
    if long is None or not len(long) or "denominator" not in long:
        return set()
    own = [k for k in long["kpi"].astype(str).unique()
           if k in REGISTRY and len(REGISTRY[k].facts) == 2 and REGISTRY[k].facts[1] in _OWN_OUTPUT]
    num = pd.to_numeric(long["numerator"], errors="coerce")
    den = pd.to_numeric(long["denominator"], errors="coerce")
    idle = long[(num == 0) & (den == 0) & long["kpi"].astype(str).isin(own)]
    return set(zip(idle["employee_id"].astype(str), idle["kpi"].astype(str)))


def unscored_reason(note: str) -> str | None:
    """The :data:`UNSCORED` code in a detail note (it may follow other notes), or None."""
    return next((code for code, text in UNSCORED.items() if note.endswith(text)), None)


def _kpi_details(people: pd.DataFrame, raw: pd.DataFrame, weights: dict, params, targets: pd.Series,
                 computed: set[str], extra_notes: dict[tuple[str, str], str],
                 idle: set[tuple[str, str]] = frozenset()) -> pd.DataFrame:
    sc = params.scoring
    parts = []
    zeroed: set[tuple[str, str]] = set()  # (employee_id, kpi) given 0 points for nothing done
    for _, members in people.groupby("peer_role", sort=False):
        used = list(dict.fromkeys(k for r in members["role"] for k in weights[r]))
        for k in used:
            who = members[[k in weights[r] for r in members["role"]]]
            ids = who["employee_id"]
            values = raw[k].reindex(ids) if k in raw else pd.Series(np.nan, index=ids)
            spec = sc.normalisation_of(k)
            fallback = _TARGET_FALLBACK.get(k)
            tgt = pd.Series([targets.get((e, k), targets.get((e, fallback), np.nan) if fallback else np.nan)
                             for e in ids], index=ids, dtype="float64")
            points = normalise(values, method=spec.method, higher_is_better=CATALOGUE[k].higher_is_better,
                               target=tgt if spec.method == "attainment" else None,
                               floor=spec.floor, cap=spec.cap)
            # nothing done (0 / 0) earns 0 points when some peers had something to measure;
            # when none had, the KPI does not apply this period and its weight is shared out
            lazy = np.array([(str(e), k) in idle for e in ids], dtype=bool)
            if lazy.any() and points[~lazy].notna().any():
                points = points.where(~lazy, 0.0)
                zeroed |= {(e, k) for e in ids[lazy]}
            parts.append(pd.DataFrame({
                "employee_id": ids.to_numpy(), "kpi": k, "raw": values.to_numpy(), "target": tgt.to_numpy(),
                "method": spec.method, "normalised": points.to_numpy(),
                "weight": [weights[r][k] for r in who["role"]]}))
    d = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_DETAIL_COLUMNS[:7])
    notes = []
    for e, k, v, t, m, n in zip(d["employee_id"], d["kpi"], d["raw"], d["target"], d["method"], d["normalised"]):
        why = ""
        if pd.isna(n):
            code = ("lack" if k not in computed else "value" if pd.isna(v)
                    else ("zero_target" if t == 0 else "target") if m == "attainment" else "score")
            why = UNSCORED[code]
        elif (e, k) in zeroed:
            why = IDLE
        extra = extra_notes.get((e, k), "")
        notes.append("; ".join(x for x in (extra, why) if x))
    d["note"] = notes
    scored = d["normalised"].notna() & (d["weight"] > 0)
    available = d["weight"].where(scored, 0.0).groupby(d["employee_id"]).transform("sum")
    d["effective_weight"] = (d["weight"] / available).where(scored & (available > 0), 0.0)
    # a KPI that could not be scored has no points (blank, not a 0 that reads as a real result)
    d["points"] = (d["normalised"] * d["effective_weight"]).where(d["effective_weight"] > 0, 0.0).where(d["normalised"].notna())
    order = {e: i for i, e in enumerate(people["employee_id"])}
    d = d.sort_values("employee_id", key=lambda s: s.map(order), kind="mergesort").reset_index(drop=True)
    return d[_DETAIL_COLUMNS]


def _fmt_count(x: float) -> str:
    return f"{x:g}"


_REASONS = {
    "en": {
        "new_customer": "{n:g} new customer(s) with a first order >= {min:g}: +{pts:g} ({n:g} x {per:g}{capped})",
        "capped": ", capped at {:g}",
        "repurchase": "repurchase rate {rate:.1%} > {threshold:.1%}: +{pts:g}",
        "collaboration": "{n:g} deal(s) helped for a newcomer: +{pts:g} ({n:g} x {per:g})",
        "compliance": "{n:g} compliance violation(s): -{pts:g} ({n:g} x {per:g})",
        "sales_cost": "sales-cost ratio {ratio:.1%} > limit {limit:.1%}",
        "sales_cost_tail": ": -{discount:.0%} of {subtotal:.2f} = {points:.2f}",
    },
    "zh": {
        "new_customer": "{n:g} 个新客户首单金额 >= {min:g}：+{pts:g}（{n:g} × {per:g}{capped}）",
        "capped": "，封顶 {:g}",
        "repurchase": "复购率 {rate:.1%} > {threshold:.1%}：+{pts:g}",
        "collaboration": "协助新人成交 {n:g} 单：+{pts:g}（{n:g} × {per:g}）",
        "compliance": "合规违规 {n:g} 次：−{pts:g}（{n:g} × {per:g}）",
        "sales_cost": "销售成本率 {ratio:.1%} > 上限 {limit:.1%}",
        "sales_cost_tail": "：扣减 {subtotal:.2f} 的 {discount:.0%} = {points:.2f}",
    },
}


def _reason(rule: str, args: dict, language: str, *, short: bool = False) -> str:
    """The plain-words reason of one adjustment, from its numbers."""
    tx = _REASONS.get(language, _REASONS["en"])
    if rule == "new_customer":
        capped = tx["capped"].format(args["max"]) if args["pts"] < args["n"] * args["per"] else ""
        return tx["new_customer"].format(capped=capped, **args)
    if rule == "sales_cost":
        return tx["sales_cost"].format(**args) + ("" if short else tx["sales_cost_tail"].format(**args))
    return tx[rule].format(**args)


def _adjustments(kpis, people: pd.DataFrame, params, notes: list[str]) -> list[tuple[str, str, float, dict]]:
    """Bonus and penalty rows (employee_id, rule, points, numbers of the reason); 0 points are left out."""
    b = params.scoring.bonuses
    ids = people["employee_id"]
    wide = kpis.wide.assign(employee_id=kpis.wide["employee_id"].astype(str)).set_index("employee_id")
    facts = kpis.facts.copy()
    facts.index = facts.index.astype(str)
    rows = []
    if b.new_customer is not None:
        rule = b.new_customer
        fo = kpis.first_orders() if getattr(kpis, "_ctx", None) is not None else pd.DataFrame()
        if fo.empty and "new_customers" not in wide:
            notes.append(Note("new_customer bonus not applied: the data have no orders to find new customers in.",
                              "新客户加分未计：数据中没有订单，无法识别新客户。"))
        elif not fo.empty:
            ok = fo[pd.to_numeric(fo["first_amount"], errors="coerce") >= rule.min_first_order]
            counts = ok.groupby(ok["employee_id"].astype(str)).size()
            for e in ids:
                n = int(counts.get(e, 0))
                full = n * rule.points
                pts = min(full, rule.max_points) if rule.max_points is not None else full
                if pts:
                    rows.append((e, "new_customer", pts, {"n": n, "min": rule.min_first_order, "pts": pts,
                                                          "per": rule.points, "max": rule.max_points}))
    if b.repurchase is not None:
        if "repurchase_rate" not in wide:
            notes.append(Note("repurchase bonus not applied: repurchase_rate was not computed (it needs the orders table).",
                              "复购加分未计：未计算复购率（需要订单表）。"))
        else:
            for e in ids:
                v = wide["repurchase_rate"].get(e, np.nan)
                if pd.notna(v) and v > b.repurchase.threshold and b.repurchase.points:
                    rows.append((e, "repurchase", b.repurchase.points,
                                 {"rate": v, "threshold": b.repurchase.threshold, "pts": b.repurchase.points}))
    for rule, points, col, sign in (("collaboration", b.collaboration_points, "act_assist", 1),
                                    ("compliance", b.compliance_points, "act_compliance_violation", -1)):
        if not points:
            continue
        if col not in facts:
            kind = col.removeprefix("act_")
            notes.append(Note(
                f"{rule} {'bonus' if sign > 0 else 'penalty'} not applied: the KPIs carry no '{kind}' activity "
                f"counts (it needs the activities table and an activities KPI such as "
                f"{'collaboration' if sign > 0 else 'compliance_violations'}).",
                f"{'协作加分' if sign > 0 else '合规扣分'}未计：指标中没有"
                f"「{label('collaboration' if sign > 0 else 'compliance_violations', 'zh')}」类活动（{kind}）的次数"
                "（需要「行为」表和这类行为指标）。"))
            continue
        for e in ids:
            n = float(facts[col].get(e, 0.0) or 0.0)
            if n > 0:
                rows.append((e, rule, sign * n * points, {"n": n, "per": points, "pts": n * points}))
    return rows


def _tables_of(dataset) -> dict:
    from .loaders import tables_of

    return tables_of(dataset, read=("targets", "reviews"))


def score(kpis, params, *, targets: pd.DataFrame | None = None, ratings: pd.DataFrame | None = None,
          history: pd.DataFrame | None = None) -> Scorecard:
    """Score one period's KPIs with a parameter file's scoring plan.

    Parameters
    ----------
    kpis : KPIResult
        From :func:`salesperf_kit.kpis.compute_kpis`; must hold the KPIs of the role weights
        (a KPI left out scores as "no value" and its weight is redistributed), plus those the
        bonus rules read (repurchase_rate, sales_cost_ratio, compliance_violations).
    params : Params
    targets : DataFrame, optional
        The targets table (period, employee_id, team, kpi, target) for attainment.
    ratings : DataFrame, optional
        The reviews table (360 ratings), used when ``scoring.ratings.weight`` > 0.
    history : DataFrame, optional
        Earlier grades (employee_id, period, grade) for promotion eligibility.

    Returns
    -------
    Scorecard

    Raises
    ------
    ScoringError
        A person's role has no weights and there is no ``scoring.default_role``.

    Notes
    -----
    The steps and rule choices are those of the module docstring.
    """
    from .kpis import out_of_post_note

    sc = params.scoring
    p = kpis.period
    language = params.report_language
    notes = list(kpis.notices)
    notes += [Note(str(f), f.zh) for f in params.plan_problems()]  # (warnings: errors stop loading the plan)
    wide = kpis.wide.assign(employee_id=kpis.wide["employee_id"].astype(str))
    absent = getattr(kpis, "absent", None)
    away = getattr(kpis, "out_of_post", None)
    away = away.assign(employee_id=away["employee_id"].astype(str)) if away is not None and len(away) else None
    if away is not None:  # the dates say they did not work in the period, yet they have records
        said = out_of_post_note(away, p)
        notes = [n for n in notes if n != said] + [out_of_post_note(away, p, scored=sc.out_of_post == "score")]
        if sc.out_of_post == "leave_out":
            wide = wide[~wide["employee_id"].isin(away["employee_id"])].reset_index(drop=True)
            absent = pd.concat([d for d in (absent, away.assign(records=True)) if d is not None and len(d)],
                               ignore_index=True)
    people = pd.DataFrame({"employee_id": wide["employee_id"]})
    for col in ("name", "team", "role"):
        people[col] = wide[col].to_numpy() if col in wide else np.nan
    error = _no_weights_error(people["role"], params)
    if error is not None:
        raise error
    # compared with peers among those of the plan's role, or of the role its `peers` names
    people["peer_role"] = [params.peer_group(r) for r in people["role"]]
    people["role"] = people["role"].where(people["role"].notna(), [plan_role(params, r) for r in people["role"]])
    person_notes: dict[str, list[Note]] = {e: [] for e in people["employee_id"]}
    for r in sorted(set(people["role"]) - set(sc.roles)):
        notes.append(Note(f"Role '{r}' has no weights of its own: scored with the default role '{sc.default_role}'.",
                          f"岗位「{r}」没有自己的权重：按默认岗位「{sc.default_role}」评分。"))
    weights = {r: weights_for(params, r, p) for r in dict.fromkeys(people["role"])}
    for r in weights:
        phase = _active_phase(params, r, p)
        if phase is not None:
            notes.append(Note(f"Weights of role '{r}' in {p} come from phase '{phase.label_in('en')}'.",
                              f"岗位「{r}」在 {p} 的权重取自阶段「{phase.label_in('zh')}」。"))

    kpi_cols = [c for c in kpis.kpis if c in wide]
    raw = wide.set_index("employee_id")[kpi_cols].apply(pd.to_numeric, errors="coerce").astype("float64")
    extra_notes: dict[tuple[str, str], str] = {}
    used = list(dict.fromkeys(k for w in weights.values() for k in w))
    if sc.bonuses.customer_tier_weights and "orders" in raw and "orders" in used:
        weighted, tier_notes = _tier_weighted_orders(kpis, sc.bonuses.customer_tier_weights)
        if weighted.empty and raw["orders"].fillna(0).sum() > 0:
            notes.append(Note("bonuses.customer_tier_weights are set but the orders have no customer_tier: "
                              "each order counts 1.",
                              "设置了 bonuses.customer_tier_weights，但订单没有 customer_tier：每单按 1 计。"))
        else:
            raw["orders"] = weighted.reindex(raw.index).fillna(0.0).where(raw["orders"].notna())
            extra_notes = {(e, "orders"): n for e, n in tier_notes.items()}
            tiers = ", ".join(f"{t}: {w:g}" for t, w in sc.bonuses.customer_tier_weights.items())
            notes.append(Note(f"The raw 'orders' value is tier-weighted: one order of tier X counts {tiers} "
                              "(other tiers 1).",
                              f"「{label('orders', 'zh')}」按客户等级加权：每单按等级计 {tiers}（其他等级 1）。"))

    target_map = _targets_map(targets, p)
    have = set(target_map.index.get_level_values("kpi")) if len(target_map) else set()
    if "team_revenue" in used and sc.normalisation_of("team_revenue").method == "attainment":
        team_t = _team_revenue_targets(kpis, target_map, params)
        team_t = team_t[~team_t.index.isin(target_map.index)]  # (a team_revenue target given is kept)
        if len(team_t):
            target_map = pd.concat([target_map, team_t])
            notes.append(Note("A person without a team_revenue target has the sum of the revenue targets of their "
                              "team (themselves and everyone below them).",
                              f"没有「{label('team_revenue', 'zh')}」目标的人，以其团队（本人及下属各级）的业绩目标之和"
                              "为目标。"))
    for k, fallback in _TARGET_FALLBACK.items():
        if k in used and k not in have and fallback in have:
            notes.append(Note(f"There are no {k} targets: {k} is measured against the {fallback} targets.",
                              f"没有「{label(k, 'zh')}」的目标：以「{label(fallback, 'zh')}」的目标衡量。"))
    details = _kpi_details(people, raw, weights, params, target_map, set(kpi_cols), extra_notes, _idle_pairs(kpis))
    notes += spread_notes(details)
    for e, k, n in zip(details["employee_id"], details["kpi"], details["note"]):
        if n:
            person_notes[e].append(Note(f"{label(k, 'en')}: {n}", f"{label(k, 'zh')}：{_detail_note_zh(n)}"))
    scored = details[details["effective_weight"] > 0]
    kpi_points = scored.groupby("employee_id")["points"].sum().reindex(people["employee_id"])
    for e in people["employee_id"][kpi_points.isna().to_numpy()]:
        person_notes[e].append(Note("no KPI could be scored: no score", "没有可评分的指标：无得分"))

    t = people.set_index("employee_id")[["name", "team", "role"]].copy()
    t["kpi_points"] = kpi_points
    w = sc.ratings.weight
    t["rating_points"] = np.nan
    base = t["kpi_points"].copy()
    if w > 0:
        if ratings is None or len(ratings) == 0:
            notes.append(Note(f"scoring.ratings.weight is {w:.0%} but no reviews were given: "
                              "scores are the KPI part alone.",
                              f"scoring.ratings.weight 为 {w:.0%}，但本期没有评价：得分只含指标部分。"))
        else:
            rp = rating_points(ratings, p, reviewer_weights=dict(sc.ratings.reviewer_weights))
            t["rating_points"] = rp["rating_points"].reindex(t.index)
            has = t["rating_points"].notna()
            base = base.where(~has, (1 - w) * t["kpi_points"] + w * t["rating_points"])
            for e in t.index[~has & t["kpi_points"].notna()]:
                person_notes[e].append(Note("no ratings this period: the KPI part counts in full",
                                            "本期无评价：指标部分全额计入"))

    adj_rows = _adjustments(kpis, people, params, notes)
    totals = {}
    for e, rule, pts, _ in adj_rows:
        kind = "bonus_points" if rule in _BONUS_RULES else "penalty_points"
        totals[(e, kind)] = totals.get((e, kind), 0.0) + pts
    for kind in ("bonus_points", "penalty_points"):
        t[kind] = [totals.get((e, kind), 0.0) for e in t.index]
    subtotal = base + t["bonus_points"] + t["penalty_points"]
    t["cost_discount_points"] = 0.0
    rule = sc.bonuses.sales_cost
    if rule is not None:
        if "sales_cost_ratio" not in raw:
            notes.append(Note("sales-cost discount not applied: sales_cost_ratio was not computed "
                              "(it needs traffic.spend per employee and the orders).",
                              "销售费用折扣未计：未计算销售费用率（需要每人的 traffic.spend 和订单）。"))
        else:
            ratio = raw["sales_cost_ratio"].reindex(t.index)
            hit = (ratio > rule.limit) & (subtotal > 0)
            t.loc[hit, "cost_discount_points"] = -rule.discount * subtotal[hit]
            for e in t.index[hit]:
                pts = float(t.at[e, "cost_discount_points"])
                args = {"ratio": ratio[e], "limit": rule.limit, "discount": rule.discount,
                        "subtotal": subtotal[e], "points": pts}
                adj_rows.append((e, "sales_cost", pts, args))
    adjustments = pd.DataFrame([(e, r, pts, _reason(r, args, language)) for e, r, pts, args in adj_rows],
                               columns=_ADJUSTMENT_COLUMNS)
    adjustments["points"] = adjustments["points"].astype("float64")
    reason_args = {(e, r): args for e, r, _, args in adj_rows}
    t["individual_score"] = subtotal + t["cost_discount_points"]
    t["team_score"] = np.nan
    t["score"] = t["individual_score"]
    if sc.team_blend is not None:
        tw = sc.team_blend.team_weight[sc.team_blend.phase]
        team_mean = t.groupby("team")["individual_score"].transform("mean")
        t["team_score"] = team_mean.where(t["team"].notna(), t["individual_score"])
        for e in t.index[t["team"].isna()]:
            person_notes[e].append(Note("no team: the team score is the person's own",
                                        "无团队：团队得分取本人得分"))
        t["score"] = (1 - tw) * t["individual_score"] + tw * t["team_score"]

    t["rank"] = rank(t["score"], tie=sc.grading.rank_tie)
    groups = grade_groups(t["role"], params)
    t["grade"] = assign_grades(t["score"], sc.grading, groups)
    notes += tie_notes(t["grade"], t["score"], sc.grading, groups,
                       names={r: (params.role_label(r, "en"), params.role_label(r, "zh")) for r in sc.roles})
    labels = sc.grading.labels.get(language, {})
    t["grade_label"] = [labels.get(g, g) if isinstance(g, str) else None for g in t["grade"]]
    order = grade_order(sc.grading)
    current = t["grade"].rename("grade").reset_index().assign(period=str(p))
    if history is not None and len(history):
        absent = [c for c in ("employee_id", "period", "grade") if c not in history.columns]
        if absent:
            raise ScoringError(f"history needs the column(s) {absent} (employee_id, period, grade), found "
                               f"{list(history.columns)}: pass earlier Scorecard.table[['employee_id', 'grade']] "
                               "with a period column.")
        h = history.assign(employee_id=history["employee_id"].astype(str), period=history["period"].astype(str))
        h = h[[parse_period(q).end <= p.end for q in h["period"]]]
        h = h[h["period"] != str(p)][["employee_id", "period", "grade"]]
        current = pd.concat([h, current[["employee_id", "period", "grade"]]], ignore_index=True)
    if sc.promotion.grade in order:
        elig = promotion_eligible(current, grade=sc.promotion.grade, consecutive=sc.promotion.consecutive, order=order)
        t["promotion_eligible"] = elig.reindex(t.index).fillna(False).astype(bool)
        gone = _left_by(kpis, p)  # nobody is promoted after their last day
        for e in [e for e in gone if e in t.index and t.at[e, "promotion_eligible"]]:
            t.at[e, "promotion_eligible"] = False
            person_notes[e].append(Note(f"not eligible for promotion: left on {gone[e]:%Y-%m-%d}",
                                        f"{gone[e]:%Y-%m-%d} 离职，不具备晋升资格"))
    else:
        notes.append(Note(f"scoring.promotion.grade '{sc.promotion.grade}' is not one of the grades {order}: "
                          "nobody is marked eligible for promotion.",
                          f"scoring.promotion.grade「{sc.promotion.grade}」不在等级 {order} 中：无人标记为可晋升。"))
        t["promotion_eligible"] = False
    if away is not None and sc.out_of_post == "score":
        for r in away.itertuples():
            if r.employee_id in person_notes:
                person_notes[r.employee_id].append(_out_of_post_person(r, p))
    sep = "；" if language == "zh" else "; "
    t["notes"] = [sep.join(n.text(language) for n in person_notes[e]) for e in t.index]

    table = t.reset_index()[_TABLE_COLUMNS]
    points = details.set_index(["employee_id", "kpi"])["points"].unstack("kpi")
    for k in used:
        table[k] = raw[k].reindex(table["employee_id"]).to_numpy() if k in raw else np.nan
        col = points[k].reindex(table["employee_id"]).to_numpy() if k in points else np.nan
        table[f"{k}_points"] = col
    table = table.sort_values(["rank", "employee_id"], na_position="last", kind="mergesort").reset_index(drop=True)
    return Scorecard(period=p, business=params.business, table=table, details=details,
                     adjustments=adjustments, notes=notes, weights=weights, params=params,
                     _reason_args=reason_args, absent=absent, kpis=kpis, targets=targets)


def scorecard(dataset, params, period) -> Scorecard:
    """Compute the KPIs the plan needs and score them (convenience for :func:`score`).

    The KPIs are ``params.kpi_set()`` plus those the bonus rules read (repurchase_rate,
    sales_cost_ratio, compliance_violations, new_customers, and collaboration for the
    deal-assist counts) and ``csat`` when the plan pays a best-service award (the pay that
    :meth:`Scorecard.explain` tells); targets and ratings come from the dataset's
    ``targets`` and ``reviews`` tables when present; promotion eligibility reads the grades of the
    periods before (:func:`earlier_grades`).

    Raises
    ------
    SalesperfError
        No dated table has a row in ``period`` (see :func:`salesperf_kit.coverage.require_records`).
    """
    from .coverage import require_records

    require_records(dataset, period)
    kpis = _plan_kpis(dataset, params, period)
    tables = _tables_of(dataset)
    return score(kpis, params, targets=tables.get("targets"), ratings=tables.get("reviews"),
                 history=earlier_grades(dataset, params, kpis.period))


def pays_by_month(params, period) -> bool:
    """Whether the pay of ``period`` is the sum of its months' pay: a quarter or a year under
    a plan whose amounts are monthly (``incentives.pay_period: month``, the default)."""
    return parse_period(period).kind != "month" and params.incentives.pay_period == "month"


def period_payouts(dataset, params, card: Scorecard, *, names=None) -> pd.DataFrame:
    """应发薪酬 of ``card``'s period as the plan pays it: :func:`incentives.payouts` of the
    period, or, when :func:`pays_by_month`, the sum of the pay of each of its months that
    has records, each month's KPIs scored and paid on their own
    (:func:`incentives.sum_payouts`); the months without records are listed in
    ``attrs["months_without_records"]``."""
    from .coverage import months_without_records
    from .incentives import payouts, sum_payouts

    targets = _tables_of(dataset).get("targets")
    if not pays_by_month(params, card.period):
        return payouts(card.table, card.kpis, params, targets=targets, names=names)
    ratings = _tables_of(dataset).get("reviews")
    without = months_without_records(dataset, card.period)
    months = []
    for m in [m for m in card.period.months() if m not in without]:
        month = score(_plan_kpis(dataset, params, m), params, targets=targets, ratings=ratings)
        months.append((m, payouts(month.table, month.kpis, params, targets=targets, names=names)))
    out = sum_payouts(months, card.table)
    out.attrs["months_without_records"] = [str(m) for m in without]
    return out


def earlier_grades(dataset, params, period, known: dict | None = None) -> pd.DataFrame:
    """Grades of the ``scoring.promotion.consecutive - 1`` periods just before ``period``
    (the ``history`` that :func:`score` needs for promotion eligibility).

    ``known`` maps a period (str) to a :class:`Scorecard` already computed for it. The
    walk back stops at a period without records: a run of grades cannot span it.
    Returns columns employee_id, period, grade.
    """
    from .coverage import has_records

    rows, q = [], parse_period(period)
    tables = _tables_of(dataset)
    for _ in range(params.scoring.promotion.consecutive - 1):
        q = q.previous()
        card = (known or {}).get(str(q))
        if card is None:
            if not has_records(dataset, q):
                break
            card = score(_plan_kpis(dataset, params, q), params, targets=tables.get("targets"),
                         ratings=tables.get("reviews"))
        rows.append(card.table[["employee_id", "grade"]].assign(period=str(q)))
    if not rows:
        return pd.DataFrame(columns=["employee_id", "period", "grade"])
    return pd.concat(rows, ignore_index=True)


def _plan_kpis(dataset, params, period):
    from .kpis import compute_kpis

    b = params.scoring.bonuses
    wanted = list(params.kpi_set())
    extra = {"new_customers": b.new_customer, "repurchase_rate": b.repurchase, "sales_cost_ratio": b.sales_cost,
             "compliance_violations": b.compliance_points, "collaboration": b.collaboration_points}
    wanted += [k for k, rule in extra.items() if rule and k not in wanted]
    if params.incentives.awards.get("best_service") and "csat" not in wanted:  # the pay that explain() tells
        wanted.append("csat")
    options = params.engine_options
    return compute_kpis(dataset, period, kpis=wanted, options=options, required=params.kpis)


# ----------------------------------------------------------------------------- explanation
_TEXT = {
    "en": {
        "head": "{who}, team {team}, role {role}, {period}: score {score}",
        "no_pay": "Pay cannot be explained: {0}",
        "order": "Order of steps: KPI points -> rating blend -> + bonuses - penalties -> sales-cost discount "
                 "-> team share -> rank -> grade. Figures are rounded to 2 decimals.",
        "order_more": " The score has {d} decimals, so that rounding does not carry it across a grade threshold.",
        "s1": "1. KPI points (weights: {phase}):",
        "standard": "the role's standard set",
        "phase": "phase '{}'",
        "dims": ", reshaped by dimension weights",
        "kpi": "   - {label}: raw {raw}{target}, {method} -> {norm} points; weight {weight}{eff}; "
               "weighted: {norm} × {effw} = {points}",
        "target": ", target {}",
        "eff": " -> {} after redistribution",
        "skip": "   - {label}: raw {raw} — {note}; weight {weight} -> 0",
        "skip_no_value": "   - {label}: {note}; weight {weight} -> 0",
        "total": "   KPI points: {expr} = {total}",
        "none": "   No KPI could be scored, so there is no score.",
        "s2_off": "2. Rating blend: not part of this plan.",
        "s2_none": "2. Rating blend: no ratings this period, the KPI part counts in full ({}).",
        "s2": "2. Rating blend ({w} ratings): rating {r} of 5 -> (rating − 1) / 4 × 100 -> {pts} points",
        "s2b": "   blended: {kw} × {kpi} + {w} × {pts} = {base}",
        "s3_none": "3. Bonuses and penalties: none ({}).",
        "s3": "3. Bonuses and penalties:",
        "adj": "   {sign} {pts}  {rule}: {reason}",
        "s3t": "   {expr} = {total}",
        "s4_none": "4. Sales-cost discount: none.",
        "s4": "4. Sales-cost discount: {reason}: {sub} − {d} × {sub} = {ind}",
        "s5_off": "5. Team share of the score: not part of this plan (score = individual score {}).",
        "s5": "5. Team share of the score ({phase}; team {team}'s mean score over {n} {people}: {team_score}): "
              "{iw} × {ind} + {tw} × {team_score} = {score}",
        "team_phases": {"opening": "team in its opening phase", "mature": "established team"},
        "s6": "6. Rank: {rank} of {n} (ties: {tie}).",
        "s7": "7. Grade: {grade}{label} ({how}).",
        "thresholds": "thresholds {}",
        "forced": "forced distribution {}", "within_role": " within each role",
        "no_grade": "no grade",
        "promo_yes": "Eligible for promotion ({consecutive} consecutive periods at {grade} or better).",
        "promo_no": "Not eligible for promotion ({consecutive} consecutive periods at {grade} or better needed).",
        "score": "Score: {}",
        "methods": {"attainment": "attainment against target (cap {cap})", "minmax": "min-max among peers",
                    "percentile": "percentile among peers", "zscore": "T-score among peers"},
        "rules": {"new_customer": "new-customer bonus", "repurchase": "repurchase bonus",
                  "collaboration": "collaboration bonus", "compliance": "compliance penalty"},
    },
    "zh": {
        "head": "{who}，团队 {team}，岗位 {role}，{period}：得分 {score}",
        "no_pay": "无法说明应发薪酬：{0}",
        "order": "计算顺序：KPI 得分 -> 360 评价加权 -> 加分、扣分 -> 销售成本折扣 -> 团队/个人加权 -> 排名 -> 评级。"
                 "数字保留两位小数。",
        "order_more": "得分保留 {d} 位小数，以免四舍五入后越过分数线。",
        "s1": "1. KPI 得分（权重：{phase}）：",
        "standard": "岗位标准权重",
        "phase": "阶段“{}”",
        "dims": "，按维度权重调整",
        "kpi": "   - {label}：实际 {raw}{target}，{method} -> 标准分 {norm}；权重 {weight}{eff}；"
               "加权：{norm} × {effw} = {points}",
        "target": "，目标 {}",
        "eff": "，重新分配后 {}",
        "skip": "   - {label}：实际 {raw} —— {note}；权重 {weight} -> 0",
        "skip_no_value": "   - {label}：{note}；权重 {weight} -> 0",
        "total": "   KPI 得分：{expr} = {total}",
        "none": "   没有可计分的指标，因此没有得分。",
        "s2_off": "2. 360 评价加权：本方案不含。",
        "s2_none": "2. 360 评价加权：本期没有评价，KPI 得分全额计入（{}）。",
        "s2": "2. 360 评价加权（评价占 {w}）：评价 {r} 分（满分 5）-> (评价 − 1) / 4 × 100 -> {pts} 分",
        "s2b": "   加权后：{kw} × {kpi} + {w} × {pts} = {base}",
        "s3_none": "3. 加分与扣分：无（{}）。",
        "s3": "3. 加分与扣分：",
        "adj": "   {sign} {pts}  {rule}：{reason}",
        "s3t": "   {expr} = {total}",
        "s4_none": "4. 销售成本折扣：无。",
        "s4": "4. 销售成本折扣：{reason}：{sub} − {d} × {sub} = {ind}",
        "s5_off": "5. 团队/个人加权：本方案不含（得分 = 个人得分 {}）。",
        "s5": "5. 团队/个人加权（{phase}；团队 {team} 共 {n} 人，平均 {team_score}）："
              "{iw} × {ind} + {tw} × {team_score} = {score}",
        "s6": "6. 排名：第 {rank} 名，共 {n} 人（并列规则：{tie}）。",
        "s7": "7. 评级：{grade}{label}（{how}）。",
        "thresholds": "分数线 {}",
        "forced": "强制分布 {}", "within_role": "，各岗位分别计",
        "no_grade": "无评级",
        "promo_yes": "具备晋升资格（连续 {consecutive} 期达到 {grade} 或以上）。",
        "promo_no": "暂不具备晋升资格（需连续 {consecutive} 期达到 {grade} 或以上）。",
        "score": "得分：{}",
        "methods": {"attainment": "目标达成率（封顶 {cap}）", "minmax": "同岗位最小-最大值法",
                    "percentile": "同岗位百分位", "zscore": "同岗位 T 分数"},
        "rules": {"new_customer": "新客户加分", "repurchase": "复购加分",
                  "collaboration": "协作加分", "compliance": "合规扣分"},
        "team_phases": {"opening": "开拓期", "mature": "成熟期"},
        "ties": {"min": "并列取最高名次", "average": "并列取平均名次", "first": "按出现顺序", "max": "并列取最低名次",
                 "dense": "并列同名次、名次连续"},
    },
}
_NOTE_ZH = [
    (IDLE, "本期无此项业务（0 / 0）：计 0 分"),
    (UNSCORED["lack"], "数据无法计算，权重已按比例分配给其他指标"),
    (UNSCORED["value"], "无数值，权重已按比例分配给其他指标"),
    (UNSCORED["target"], "无目标，权重已按比例分配给其他指标"),
    (UNSCORED["zero_target"], "目标为 0，无法计算完成率，权重已按比例分配给其他指标"),
    (UNSCORED["score"], "无法计分，权重已按比例分配给其他指标"),
]


def _n(x: float, decimals: int = 2) -> str:
    """A number with 2 decimals (or ``decimals``) and a true minus sign."""
    return f"{x:.{decimals}f}".replace("-", "−")


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _raw(x: float, k: str, language: str = "en") -> str:
    """A KPI's value: a share in per cent, a count of whole things without decimals (222
    calls, not 222.00), else two decimals and the unit."""
    if pd.isna(x):
        return "—"
    unit = CATALOGUE[k].unit if k in CATALOGUE else ""
    if unit == "ratio":
        return f"{x:.2%}"
    shown = f"{x:,.0f}" if unit == "count" and float(x).is_integer() else grouped(x, 2)
    return with_unit_sign(shown, unit, language)


def _who(name, employee_id, language: str) -> str:
    """"Name（E0042）", or the name alone when it is the id (an export with names only)."""
    if pd.isna(name) or str(name) == str(employee_id):
        return str(employee_id)
    return f"{name}（{employee_id}）" if language == "zh" else f"{name} ({employee_id})"


def _left_before(person, period) -> bool:
    leave = person["leave_date"] if isinstance(person, pd.Series) else person.leave_date
    return pd.notna(leave) and pd.Timestamp(leave) < period.start


def _not_in_post(person: pd.Series, period, language: str) -> str:
    """Why someone of the employees table has no score in ``period``: their dates (and,
    for someone who has records in it, that the plan leaves them out)."""
    zh = language == "zh"
    who = _who(person["name"], person["employee_id"], language)
    if _left_before(person, period):
        when = (f"离职日期为 {pd.Timestamp(person['leave_date']):%Y-%m-%d}" if zh else
                f"their last day was {pd.Timestamp(person['leave_date']):%Y-%m-%d}")
    else:
        when = (f"入职日期为 {pd.Timestamp(person['hire_date']):%Y-%m-%d}" if zh else
                f"they were hired on {pd.Timestamp(person['hire_date']):%Y-%m-%d}")
    if isinstance(person.get("records"), (bool, np.bool_)) and person.get("records"):
        if zh:
            return (f"{who}在 {period} 不在职（员工表中{when}），但本期有记录：其业绩计入团队和公司合计，"
                    "但不参与评分、排名和激励，因此没有本期得分。若日期有误，请改正员工表；若方案要为其照常评分和计酬，"
                    "设置 scoring.out_of_post: score。")
        return (f"{who} did not work in {period} ({when}, by the employees table) but has records in it: they "
                "count in team and company totals but are not scored, ranked or paid, so there is no score for "
                "that period. Fix: correct the employees table if the date is wrong, or set "
                "scoring.out_of_post: score to score and pay them as usual.")
    if zh:
        return f"{who}在 {period} 不在职（员工表中{when}），本期也没有记录，因此没有本期得分。"
    return (f"{who} did not work in {period} ({when}, by the employees table) and has no records in it, "
            "so there is no score for that period.")


def _out_of_post_person(person, period) -> Note:
    """A scorecard note on someone scored although the dates rule them out of ``period``."""
    if _left_before(person, period):
        day = f"{pd.Timestamp(person.leave_date):%Y-%m-%d}"
        return Note(f"left on {day} by the employees table: scored and paid as usual (scoring.out_of_post: score)",
                    f"员工表中已于 {day} 离职：按方案照常评分和计酬")
    day = f"{pd.Timestamp(person.hire_date):%Y-%m-%d}"
    return Note(f"hired on {day} by the employees table: scored and paid as usual (scoring.out_of_post: score)",
                f"员工表中 {day} 才入职：按方案照常评分和计酬")


def _left_by(kpis, p) -> dict[str, pd.Timestamp]:
    """employee_id -> last working day, for the people whose leave_date falls on or before
    the last day of period ``p``."""
    emp = getattr(getattr(kpis, "_ctx", None), "employees", None)
    if emp is None or "leave_date" not in emp:
        return {}
    left = pd.to_datetime(emp["leave_date"], errors="coerce")
    gone = left.notna() & (left <= p.last_day)
    return dict(zip(emp.loc[gone, "employee_id"].astype(str), left[gone]))


def _peer_roles(card: Scorecard, role, kpi: str, language: str) -> str:
    """The roles whose people ``role`` was compared with on ``kpi`` (scored against peers),
    itself included, by their labels in the plan's order ("Manager and Director", 经理、总监),
    when there are several; else ""."""
    params = card.params
    group = params.peer_group(role) if params is not None else None
    if group is None:
        return ""
    d = card.details
    scored = set(card.table.loc[card.table["employee_id"].isin(d.loc[(d["kpi"] == kpi) & d["normalised"].notna(),
                                                                    "employee_id"]), "role"].astype(str))
    roles = {params.plan_role(r) for r in scored if params.peer_group(r) == group}
    return params.role_labels(roles, language) if len(roles) > 1 else ""


#: Characters typed for look-alike digits in an id (E0O04 for E0004, E00l2 for E0012).
_LOOK_ALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "〇": "0"})


def _look_alike_id(written: str, ids: list[str]) -> Note:
    """' Did you mean 'E0004'?' when ``written`` is one of ``ids`` with a letter O or I typed
    for the digit 0 or 1 (which the nearest-match search takes for E0054), else ''."""
    want = str(written).strip().translate(_LOOK_ALIKE).upper() if written is not None else ""
    hits = [i for i in ids if i.translate(_LOOK_ALIKE).upper() == want and i != str(written)]
    if len(hits) != 1:
        return Note("", "")
    return Note(f" Did you mean '{hits[0]}'?", f"是否应为「{hits[0]}」？")


def _nobody(card: Scorecard, written: str) -> Note:
    """What explain says of an employee_id or name that is nobody's in the scorecard: the
    person probably meant (an id a few characters off, or a name with a same-sound character:
    吴夏 for 吴霞), and the people there are, by name and id."""
    ids = card.table["employee_id"].astype(str).tolist()
    names = card.table["name"].tolist() if "name" in card.table else [None] * len(ids)
    people = list(zip(ids, names, strict=True))
    shown = ", ".join(person(i, n) for i, n in people[:10]) + (", ..." if len(ids) > 10 else "")
    shown_zh = "、".join(person(i, n, "zh") for i, n in people[:10]) + ("等" if len(ids) > 10 else "")
    meant = did_you_mean_person(written, people) or _look_alike_id(written, ids) or did_you_mean(written, ids)
    return Note(f"No person '{written}' in the scorecard of {card.period}." + meant
                + f" Pass the employee_id or the name of someone in the scorecard ({len(ids)} people: {shown}).",
                f"{card.period} 的评分表中没有「{written}」。" + meant.zh
                + f"请输入评分表中某人的工号或姓名（共 {len(ids)} 人：{shown_zh}）。")


def _who_is(table: pd.DataFrame, written: str, period) -> pd.DataFrame:
    """The rows of ``table`` (the scorecard, or the people not in post) of the person that
    ``written`` names: their employee_id, else their name, else either as an export writes
    it (王 芳, 张伟 with a trailing space, 陈静🌸: see :func:`~salesperf_kit._checks.squeezed`),
    when it is one person's; an error naming them when several people have that name."""
    ids = table["employee_id"].astype(str)
    names = table["name"].astype(str) if "name" in table else None
    for match in (ids == written, None if names is None else names == written,
                  ids.map(squeezed) == squeezed(written),
                  None if names is None else names.map(squeezed) == squeezed(written) if squeezed(written) else None):
        if match is None or not match.any():
            continue
        rows = table[match]
        if rows["employee_id"].astype(str).nunique() > 1:
            listed = rows["employee_id"].astype(str).tolist()
            raise ScoringError(Note(f"{len(rows)} people are called '{written}' in the scorecard of {period}: "
                                    f"{', '.join(listed)}. Pass one of their employee_ids.",
                                    f"{period} 的评分表中有 {len(rows)} 人名为「{written}」：{'、'.join(listed)}。"
                                    "请输入其中一人的工号。"))
        return rows
    return table.iloc[0:0]


def _explain(card: Scorecard, employee_id: str, language: str, options: str = "") -> str:
    check_one_of("language", language, list(_TEXT), error=ScoringError)
    tx = _TEXT[language]
    written = employee_id
    rows = _who_is(card.table, written, card.period)  # by id, or by name as the manager writes it
    if len(rows):
        employee_id = str(rows["employee_id"].iloc[0])
    if rows.empty and card.absent is not None and len(card.absent):
        away = _who_is(card.absent, written, card.period)
        if len(away):
            raise ScoringError(Note(_not_in_post(away.iloc[0], card.period, "en"),
                                    _not_in_post(away.iloc[0], card.period, "zh")))
    if rows.empty:
        raise ScoringError(_nobody(card, written))
    row = rows.iloc[0]
    params = card.params
    sc = params.scoring if params is not None else None
    role = row["role"]
    role_label = params.role_label(role, language) if params is not None else role
    # the score as the scorecard file and the report show it: on its side of every grade threshold
    places = score_decimals(card.table["score"], sc.grading if sc is not None else None)
    lines = [tx["head"].format(who=_who(row["name"], employee_id, language), team=row["team"], role=role_label,
                               period=card.period, score=_n(row["score"], places) if pd.notna(row["score"]) else "—"),
             tx["order"] + (tx["order_more"].format(d=places) if places > SHOWN_SCORE_DECIMALS else "")]
    # 1. KPI points
    phase = _active_phase(params, role, card.period) if params is not None else None
    phase_text = tx["phase"].format(phase.label_in(language)) if phase is not None else tx["standard"]
    if sc is not None and sc.dimension_weights:
        phase_text += tx["dims"]
    lines.append(tx["s1"].format(phase=phase_text))
    det = card.details[card.details["employee_id"].astype(str) == employee_id]
    terms = []
    for _, d in det.iterrows():
        k = d["kpi"]
        lab = label(k, language)
        if d["effective_weight"] > 0:
            spec_n = sc.normalisation_of(k) if sc is not None else None
            method = tx["methods"][d["method"]].format(cap=_pct(spec_n.cap) if spec_n is not None else "")
            group = _peer_roles(card, role, k, language) if d["method"] != "attainment" else ""
            if group:  # compared with another role's people too
                method = (method.replace("同岗位", "同组") + f"（{group}）" if language == "zh" else
                          f"{method} ({group})")
            eff = "" if math.isclose(d["effective_weight"], d["weight"], abs_tol=1e-12) else \
                tx["eff"].format(_pct(d["effective_weight"]))
            target = tx["target"].format(_raw(d["target"], k, language)) if d["method"] == "attainment" else ""
            if d["note"]:
                note = d["note"]
                if language == "zh":
                    note = _detail_note_zh(note)
                target += f" ({note})"
            lines.append(tx["kpi"].format(label=lab, raw=_raw(d["raw"], k, language), target=target, method=method,
                                          norm=_n(d["normalised"]), weight=_pct(d["weight"]), eff=eff,
                                          effw=_pct(d["effective_weight"]), points=_n(d["points"])))
            terms.append(d["points"])
        else:
            note = d["note"] or ""
            if language == "zh":
                note = _detail_note_zh(note)
            # a KPI without a value: its note says so ('raw — — no value' read as a stutter)
            lines.append(tx["skip" if pd.notna(d["raw"]) else "skip_no_value"].format(
                label=lab, raw=_raw(d["raw"], k, language), note=note, weight=_pct(d["weight"])))
    if pd.isna(row["kpi_points"]):
        lines.append(tx["none"])
        return "\n".join(lines + _pay_lines(card, employee_id, language, options))
    lines.append(tx["total"].format(expr=" + ".join(_n(x) for x in terms) or "0.00", total=_n(row["kpi_points"])))
    # 2. rating blend
    w = sc.ratings.weight if sc is not None else 0.0
    base = row["kpi_points"]
    if w <= 0:
        lines.append(tx["s2_off"])
    elif pd.isna(row["rating_points"]):
        lines.append(tx["s2_none"].format(_n(base)))
    else:
        rp = row["rating_points"]
        base = (1 - w) * row["kpi_points"] + w * rp
        lines.append(tx["s2"].format(w=_pct(w), r=_n(rp / 100 * 4 + 1), pts=_n(rp)))
        lines.append(tx["s2b"].format(kw=_pct(1 - w), kpi=_n(row["kpi_points"]), w=_pct(w), pts=_n(rp), base=_n(base)))
    # 3. bonuses and penalties
    adj = card.adjustments[(card.adjustments["employee_id"].astype(str) == employee_id)
                           & (card.adjustments["rule"] != "sales_cost")]
    subtotal = base + row["bonus_points"] + row["penalty_points"]
    if adj.empty:
        lines.append(tx["s3_none"].format(_n(base)))
    else:
        lines.append(tx["s3"])
        expr = _n(base)
        for _, a in adj.iterrows():
            sign = "+" if a["points"] >= 0 else "−"
            args = card._reason_args.get((employee_id, a["rule"]))
            reason = _reason(a["rule"], args, language) if args else a["reason"]
            lines.append(tx["adj"].format(sign=sign, pts=_n(abs(a["points"])),
                                          rule=tx["rules"].get(a["rule"], a["rule"]), reason=reason))
            expr += f" {sign} {_n(abs(a['points']))}"
        lines.append(tx["s3t"].format(expr=expr, total=_n(subtotal)))
    # 4. sales-cost discount
    if row["cost_discount_points"] < 0:
        reason = _reason("sales_cost", card._reason_args[(employee_id, "sales_cost")], language, short=True)
        lines.append(tx["s4"].format(reason=reason, sub=_n(subtotal), d=_pct(sc.bonuses.sales_cost.discount),
                                     ind=_n(row["individual_score"])))
    else:
        lines.append(tx["s4_none"])
    # 5. team blend
    if sc is None or sc.team_blend is None:
        lines.append(tx["s5_off"].format(_n(row["individual_score"])))
    else:
        tb = sc.team_blend
        tw = tb.team_weight[tb.phase]
        team = card.table[(card.table["team"] == row["team"]) & card.table["individual_score"].notna()]
        lines.append(tx["s5"].format(phase=tx.get("team_phases", {}).get(tb.phase, tb.phase), team=row["team"],
                                     n=(n := len(team) if pd.notna(row["team"]) else 1),
                                     people="person" if n == 1 else "people", team_score=_n(row["team_score"]),
                                     iw=_pct(1 - tw), ind=_n(row["individual_score"]), tw=_pct(tw),
                                     score=_n(row["score"], places)))
    # 6-7. rank and grade
    n_ranked = int(card.table["score"].notna().sum())
    tie = tx.get("ties", {}).get(sc.grading.rank_tie, sc.grading.rank_tie)
    lines.append(tx["s6"].format(rank=_fmt_count(row["rank"]), n=n_ranked, tie=tie))
    g = sc.grading
    how = tx["forced"].format("/".join(f"{k} {v:.0%}" for k, v in g.distribution.items())) \
        + (tx["within_role"] if g.within == "role" else "") if g.method == "forced" \
        else tx["thresholds"].format(", ".join(f"{k} >= {v:g}" for k, v in g.thresholds.items()))
    grade_label = g.labels.get(language, {}).get(row["grade"], "") if isinstance(row["grade"], str) else ""
    lines.append(tx["s7"].format(grade=row["grade"] if isinstance(row["grade"], str) else tx["no_grade"],
                                 label=f" {grade_label}" if grade_label else "", how=how))
    promo = tx["promo_yes"] if row["promotion_eligible"] else tx["promo_no"]
    lines.append(promo.format(consecutive=sc.promotion.consecutive, grade=sc.promotion.grade))
    lines.append(tx["score"].format(_n(row["score"], places)))
    return "\n".join(lines + _pay_lines(card, employee_id, language, options))


def _pay_lines(card: Scorecard, employee_id: str, language: str, options: str = "") -> list[str]:
    """The pay story after the score's (none without the KPIs scored, e.g. a scorecard
    built by hand, nor for a plan that pays nothing); a plan whose pay cannot be computed
    says why instead."""
    inc = getattr(card.params, "incentives", None)
    if card.kpis is None or inc is None:
        return []
    if not (any(inc.base_pay.values()) or any(inc.performance_pay.values()) or inc.commission.tiers
            or inc.over_target is not None or (inc.team_pool is not None and inc.team_pool.amount)
            or any(inc.awards.values())):
        return []
    from .incentives import _payouts, explain_pay, explain_monthly_pay

    if card.pay is not None and "months" in card.pay.attrs:
        return ["", explain_monthly_pay(card.pay, employee_id, card.period, card.business, language=language,
                                          options=options)]
    try:
        if card._pay_steps is None or card._pay_steps[0] is not card.table:  # (a table put in its place)
            card._pay_steps = (card.table, _payouts(card.table, card.kpis, card.params, targets=card.targets))
        story = explain_pay(card.table, card.kpis, card.params, employee_id, language=language, targets=card.targets,
                            _computed=card._pay_steps[1])
    except ScoringError as err:
        return ["", _TEXT[language]["no_pay"].format(err)]
    return ["", story]

