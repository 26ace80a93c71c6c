"""Weight scenarios: what if the weights were different, and how much does it matter?

Analysts ask "what if revenue counted 30 % instead of 40 %?", "how robust is this
ranking?" and "what weights would the data themselves suggest?". Everything here works on
the scorecard's normalised points, which do not depend on the weights: ``N`` is the
people x KPIs matrix of 0-100 points (``Scorecard.details``, column ``normalised``) and the
KPI part of a person's score under weights ``w`` is

    kpi_points_i = sum_j w_j N_ij m_ij / sum_j w_j m_ij        (m_ij = 1 where N_ij is known)

the scorer's rule for a missing KPI (its weight is shared out over the person's other KPIs
in proportion); with nothing missing it is the plain ``N @ w``.

A :class:`ScoreModel` (:func:`score_model`) carries the rest of the scorer's steps for
each person (rating blend, bonuses and penalties, the sales-cost discount, the team blend,
then rank and grade across everyone scored), so a scenario's score is what
:func:`salesperf_kit.scoring.score` would give with those weights; with the plan's own
weights it reproduces the scorecard. Every function below also takes a plain matrix and
weights instead of a model.

>>> from salesperf_kit import scenarios as sc
>>> model = sc.score_model(card, role="agent")                        # doctest: +SKIP
>>> sc.compare_scenarios(card, params).summary                        # doctest: +SKIP
>>> sc.sweep(model, "revenue").people        # exact break-even weights  # doctest: +SKIP
>>> sc.monte_carlo(model, draws=2000, seed=0).people                  # doctest: +SKIP

Contents
--------
- **Matrices**: :func:`score_matrix`, :func:`rank_matrix`, :func:`grade_matrix`,
  :func:`role_matrix`; the model: :func:`score_model`, :class:`ScoreModel`.
- **Named scenarios** of the parameter file next to the baseline: :func:`scenario_weights`,
  :func:`compare_scenarios`, :func:`run_scenarios` (what ``salesperf scenarios`` calls).
- **One-at-a-time sweep** of one KPI's weight, exact (closed-form crossings): :func:`sweep`.
- **Monte Carlo** robustness, Dirichlet around the plan or uniform on the simplex:
  :func:`draw_weights`, :func:`simulate`, :func:`monte_carlo`, :func:`rank_correlations`.
- **Global sensitivity** (Sobol or Morris with SALib) and one-at-a-time ranges for a
  tornado chart: :func:`sensitivity`, :func:`oat_ranges`.
- **Data-driven weights**: :func:`entropy_weights` (熵权法), :func:`critic_weights` (CRITIC),
  :func:`ahp_weights` (AHP with Saaty's consistency ratio), side by side with the plan in
  :func:`data_driven_weights`; :func:`topsis` as an alternative aggregation
  (:func:`topsis_ranking` next to the weighted-sum ranking).
- **Figures and widgets** (``ax=None``, return the Axes, never show): :func:`bump_chart`,
  :func:`grade_probability_heatmap`, :func:`tornado`, :func:`sweep_chart`,
  :func:`weight_sliders`.
- **Notebook inputs and outputs**: :func:`scenario_inputs` loads the data, the KPIs and the
  scorecard; :func:`save_results` writes the tables to one workbook.

Scenario weights are per role (``scenarios.scenarios.<name>.roles.<role>: {kpi: w}``) or a
phase's weight set (``scenarios.scenarios.<name>.phase``, the name of one of
``scoring.phases``); roles a scenario does not name keep the weights the scorer used. A
scenario may also change the pay plan (``scenarios.scenarios.<name>.incentives``, written as
a change to the plan's ``incentives``): its payouts, per person and in total, are then those
of that plan ("what would a 4 % top commission rate cost?"), with or without new weights.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import warnings
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import check_one_of, did_you_mean
from ._repr import compact_repr
from .catalogue import CATALOGUE, Note, label
from .exceptions import ParamsError, ScoringError
from .scoring import SCORE_DECIMALS
from .scoring import grade_groups as _grade_groups

__all__ = [
    # matrices and the model
    "score_matrix", "rank_matrix", "grade_matrix", "role_matrix", "ScoreModel", "score_model",
    # named scenarios
    "scenario_weights", "compare_scenarios", "ScenarioComparison", "run_scenarios",
    "scenario_inputs", "ScenarioInputs", "save_results", "write_scenarios",
    # sweep
    "sweep", "Sweep",
    # Monte Carlo
    "draw_weights", "simulate", "Simulation", "monte_carlo", "MonteCarlo", "rank_correlations",
    "RANK_HISTOGRAM_MAX",
    # sensitivity
    "sensitivity", "oat_ranges",
    # data-driven weights and TOPSIS
    "entropy_weights", "critic_weights", "ahp_weights", "AHPResult", "SAATY_RI", "topsis",
    "data_driven_weights", "topsis_ranking",
    # figures and widgets
    "bump_chart", "grade_probability_heatmap", "tornado", "sweep_chart", "weight_sliders",
]

logger = logging.getLogger(__name__)

_RANKDATA = {"min": "min", "average": "average", "first": "ordinal", "max": "max", "dense": "dense"}
#: Break-even weights closer than this are one event (and equal to the current weight).
_T_TOL = 1e-10


def _zh_kpis(kpis) -> str:
    """KPIs named in Chinese: 「销售额」「通话量」."""
    return "".join(f"「{label(k, 'zh')}」" for k in kpis)


def _role_name(params, role: str, language: str) -> str:
    """What the plan calls ``role`` in ``language``: a role that scoring reads as one of the
    plan's (``scoring.default_role``) is named as that role; the role itself without a label."""
    return params.role_label(params.plan_role(role) or role, language, default=role)


def _language_of(scorecard, language: str | None) -> str:
    """``language``, else the scorecard's plan's report language (zh without a plan)."""
    params = getattr(scorecard, "params", None)
    language = language or (params.report_language if params is not None else "zh")
    _check_language(language)
    return language


def _said(notes, language: str) -> list[str]:
    """Notes (:class:`~salesperf_kit.catalogue.Note`, or plain text) in ``language``."""
    return [n.text(language) if isinstance(n, Note) else str(n) for n in notes]


# ============================================================================= helpers
def _as_matrix(N) -> tuple[np.ndarray, pd.Index | None, list | None]:
    """(float array, row index, column names) of a people x KPIs matrix."""
    if isinstance(N, pd.DataFrame):
        return N.to_numpy(dtype="float64", na_value=np.nan), N.index, list(N.columns)
    arr = np.asarray(N, dtype="float64")
    if arr.ndim != 2:
        raise ScoringError(f"the points matrix must be 2-D (people x KPIs), found {arr.ndim} dimension(s)")
    return arr, None, None


def _as_weights(weights, columns: list | None, k: int) -> np.ndarray:
    """Weights as an array aligned with ``columns``: (k,) or (s, k).

    A mapping or Series is matched by column name (columns it does not name weigh 0; names
    not in the matrix are an error); a DataFrame by its columns; arrays are taken as given.
    """
    if isinstance(weights, pd.DataFrame):
        if columns is not None:
            _unknown_columns(list(weights.columns), columns)
            weights = weights.reindex(columns=columns, fill_value=0.0)
        w = weights.to_numpy(dtype="float64")
    elif isinstance(weights, (Mapping, pd.Series)):
        items = dict(weights.items())
        if columns is None:
            raise ScoringError("weights given by KPI name need a points matrix with KPI columns (a DataFrame)")
        _unknown_columns(list(items), columns)
        w = np.array([float(items.get(c, 0.0)) for c in columns])
    else:
        w = np.asarray(weights, dtype="float64")
    if w.ndim == 0 or w.shape[-1] != k:
        raise ScoringError(f"{w.shape[-1] if w.ndim else 1} weight(s) for {k} KPI column(s)")
    if np.isnan(w).any() or (w < 0).any():
        raise ScoringError("weights must be numbers >= 0")
    return w


def _unknown_columns(names: list, columns: list) -> None:
    unknown = [c for c in names if c not in columns]
    if unknown:
        hint = did_you_mean(unknown[0], [str(c) for c in columns])
        raise ScoringError(f"weights for {', '.join(map(str, unknown))}, which the points matrix does not have "
                           f"(it has {', '.join(map(str, columns))}).{hint}")


def _direction(higher_is_better, columns: list | None, k: int) -> np.ndarray:
    """A boolean per column, True where a higher value is better.

    ``None`` looks each column up in the KPI catalogue (names it does not know: higher is
    better); a bool applies to every column; a mapping is matched by column name.
    """
    def catalogue(c) -> bool:
        name = str(c).split("/")[-1]
        return CATALOGUE[name].higher_is_better if name in CATALOGUE else True

    if higher_is_better is None:
        return np.ones(k, dtype=bool) if columns is None else np.array([catalogue(c) for c in columns])
    if isinstance(higher_is_better, (bool, np.bool_)):
        return np.full(k, bool(higher_is_better))
    if isinstance(higher_is_better, (Mapping, pd.Series)):
        if columns is None:
            raise ScoringError("a direction per KPI name needs a matrix with named columns (a DataFrame)")
        d = dict(higher_is_better.items())
        return np.array([bool(d[c]) if c in d else catalogue(c) for c in columns])
    arr = np.asarray(higher_is_better, dtype=bool)
    if arr.shape != (k,):
        raise ScoringError(f"higher_is_better has {arr.size} value(s) for {k} column(s)")
    return arr


# ============================================================================= grades
@lru_cache(maxsize=256)
def _forced_cuts(n: int, shares: tuple[float, ...]) -> np.ndarray:
    """Last rank of each grade for n scored people: the scorer's Hamilton counts, summed."""
    from .scoring import forced_counts

    return np.cumsum(forced_counts(n, list(shares))) if n else np.zeros(len(shares), dtype=int)


@dataclass(frozen=True)
class _Grader:
    """Grades as :func:`salesperf_kit.scoring.assign_grades` gives them, vectorised.

    Thresholds: the best grade whose threshold the score reaches; below every threshold,
    the lowest grade. Forced distribution: grade g takes the competition ranks
    ``c_{g-1} + 1 .. c_g`` (``c`` = cumulative largest-remainder counts of n x share), so
    people tied on a boundary all get the better grade, as in the scorer.
    """

    method: str
    labels: tuple[str, ...]            # best first
    thresholds: tuple[float, ...] = ()  # aligned with labels
    shares: tuple[float, ...] = ()
    groups: tuple[int, ...] | None = None  # forced within groups: a group code per person (column)

    @classmethod
    def of(cls, grading, groups=None) -> "_Grader":
        if isinstance(grading, _Grader):
            return grading
        from .scoring import as_grading, grade_order

        g = as_grading(grading)
        order = tuple(grade_order(g))
        if g.method == "forced":
            return cls("forced", order, shares=tuple(float(g.distribution[k]) for k in order),
                       groups=None if groups is None else tuple(int(x) for x in np.asarray(groups)))
        return cls("thresholds", order, thresholds=tuple(float(g.thresholds[k]) for k in order))

    def cuts(self, n: int) -> np.ndarray:
        return _forced_cuts(int(n), self.shares)

    def codes(self, S: np.ndarray, R: np.ndarray | None = None) -> np.ndarray:
        """Grade codes (0 = best, -1 = no score) along the last axis of S."""
        if self.groups is not None and self.method == "forced":
            S = np.asarray(S, dtype="float64")
            g = np.asarray(self.groups)
            whole = dataclasses.replace(self, groups=None)
            code = np.full(S.shape, -1, dtype=np.int64)
            for k in np.unique(g):
                at = np.flatnonzero(g == k)
                code[..., at] = whole.codes(S[..., at])
            return code
        S = np.round(np.asarray(S, dtype="float64"), SCORE_DECIMALS)
        last = len(self.labels) - 1
        if self.method == "thresholds":
            code = np.full(S.shape, last, dtype=np.int64)
            for g in range(last - 1, -1, -1):
                code = np.where(S >= self.thresholds[g], g, code)
            return np.where(np.isnan(S), -1, code)
        R = rank_matrix(S, tie="min") if R is None else np.asarray(R, dtype="float64")
        S2, R2 = np.atleast_2d(S), np.atleast_2d(R)
        code = np.full(S2.shape, -1, dtype=np.int64)
        for r in range(S2.shape[0]):
            ok = ~np.isnan(S2[r])
            found = np.searchsorted(self.cuts(int(ok.sum())), R2[r, ok], side="left")
            code[r, ok] = np.minimum(found, last)
        return code.reshape(S.shape)

    def label_of(self, codes: np.ndarray) -> np.ndarray:
        labels = np.array([*self.labels, None], dtype=object)
        codes = np.asarray(codes)
        return labels[np.where(codes < 0, len(self.labels), codes)]


def grade_matrix(S, grading, *, ranks=None, groups=None) -> np.ndarray:
    """Grade labels for scores ``S`` (one row per scenario; forced distributions grade
    each row by its competition ranks, within each of ``groups`` when given: a code per
    column, see :attr:`ScoreModel.grade_groups`), as the scorer grades; None for a NaN
    score."""
    gr = _Grader.of(grading, groups)
    return gr.label_of(gr.codes(S, None if gr.groups is not None else ranks))


def _group_codes(groups: pd.Series | None) -> np.ndarray | None:
    """:func:`~salesperf_kit.scoring.grade_groups` as integer codes (None: one group)."""
    if groups is None:
        return None
    return pd.factorize(groups.fillna("").astype(str))[0].astype(np.int64)


# ============================================================================= matrices
def score_matrix(N, W) -> np.ndarray:
    """KPI points of every person under one or many weight vectors.

    ``kpi_points_i = sum_j w_j N_ij / sum_j w_j`` over the KPIs person ``i`` has (NaN cells
    are left out and their weight shared out in proportion, as the scorer does). With no
    NaN this is one matrix product ``W @ N.T`` (divided by the weight sums when they are
    not 1).

    Parameters
    ----------
    N : DataFrame or array (n people x k KPIs)
    W : (k,) or (s, k) array, or weights by KPI name (Series, dict, DataFrame of s rows)

    Returns
    -------
    ndarray
        (n,) for one weight vector, (s, n) for s of them; NaN for a person none of whose
        KPIs has a positive weight.
    """
    X, _, columns = _as_matrix(N)
    w = _as_weights(W, columns, X.shape[1])
    one = w.ndim == 1
    w2 = np.atleast_2d(w)
    known = ~np.isnan(X)
    with np.errstate(invalid="ignore", divide="ignore"):
        if known.all():
            s = w2 @ X.T
            sums = w2.sum(axis=1)
            if not np.allclose(sums, 1.0, rtol=0, atol=1e-12):
                s = s / np.where(sums > 0, sums, np.nan)[:, None]
        else:
            den = w2 @ known.T.astype("float64")
            s = (w2 @ np.where(known, X, 0.0).T) / np.where(den > 0, den, np.nan)
    return s[0] if one else s


def rank_matrix(S, *, tie: str = "min") -> np.ndarray:
    """Ranks along the last axis, 1 = the highest score; NaN scores get NaN ranks. Scores
    equal to 9 decimals tie (points added in another order differ in the last bit).

    ``tie`` as in :func:`salesperf_kit.scoring.rank`: ``"min"`` (1, 2, 2, 4), ``"average"``,
    ``"first"`` (order of the rows), ``"max"`` or ``"dense"``.
    """
    check_one_of("tie", tie, list(_RANKDATA), error=ScoringError)
    S = np.round(np.asarray(S, dtype="float64"), SCORE_DECIMALS)   # equal to 9 decimals: a tie, as the scorer ranks
    return stats.rankdata(-S, method=_RANKDATA[tie], axis=-1, nan_policy="omit").astype("float64")


def role_matrix(scorecard, role: str, *, value: str = "normalised") -> tuple[pd.DataFrame, pd.Series]:
    """One role's people x KPIs matrix and the weights the scorer used for it.

    Parameters
    ----------
    scorecard : scoring.Scorecard
    role : str
        As in ``employees.role`` (a key of ``Scorecard.weights``).
    value : {"normalised", "raw"}
        The 0-100 points the weights apply to, or the raw KPI values (for the
        data-driven weights).

    Returns
    -------
    (DataFrame, Series)
        Index employee_id (the role's people, scorecard order), one column per KPI of the
        role's weights (their order); NaN where a person has no value. The weights are a
        Series indexed by KPI.
    """
    check_one_of("value", value, ["normalised", "raw"], error=ScoringError)
    weights = _role_weights(scorecard, role)
    table = scorecard.table
    ids = table.loc[table["role"].astype(str) == str(role), "employee_id"].astype(str)
    d = scorecard.details
    d = d[d["employee_id"].astype(str).isin(set(ids)) & d["kpi"].isin(list(weights.index))]
    m = (d.assign(employee_id=d["employee_id"].astype(str), _v=pd.to_numeric(d[value], errors="coerce"))
         .groupby(["employee_id", "kpi"], sort=False)["_v"].first().unstack("kpi"))
    m = m.reindex(index=list(ids), columns=list(weights.index)).astype("float64")
    m.index.name = "employee_id"
    m.columns.name = None
    return m, weights


def _role_weights(scorecard, role: str) -> pd.Series:
    weights = getattr(scorecard, "weights", None) or {}
    if role not in weights:
        raise ScoringError(f"the scorecard has no weights for the role '{role}'; it has "
                           f"{', '.join(map(str, weights)) or 'none'}." + did_you_mean(role, list(weights)))
    return pd.Series({k: float(v) for k, v in dict(weights[role]).items()}, name="weight",
                     dtype="float64").rename_axis("kpi")


# ============================================================================= the score model
class _Steps(NamedTuple):
    """The scorer's steps after the KPI points, per row (person, or group of equal people).

    ``apply(K)`` maps KPI points (..., rows) to scores exactly as
    :func:`salesperf_kit.scoring.score` does: rating blend, + bonuses and penalties,
    sales-cost discount when over the limit and the score so far is above 0, team blend
    (team means weighted by ``mult``, people without a score left out).
    """

    rating_weight: float = 0.0
    rating: np.ndarray | None = None    # NaN: no rating
    adjust: np.ndarray | None = None    # bonus + penalty points
    discount: float = 0.0
    over: np.ndarray | None = None      # sales-cost ratio above the limit
    team_weight: float = 0.0
    team: np.ndarray | None = None      # team code, -1 for none
    mult: np.ndarray | None = None      # people per row

    def take(self, idx: np.ndarray, mult: np.ndarray) -> "_Steps":
        pick = (lambda a: None if a is None else a[idx])
        return _Steps(self.rating_weight, pick(self.rating), pick(self.adjust), self.discount, pick(self.over),
                      self.team_weight, pick(self.team), mult)

    @property
    def identity(self) -> bool:
        return not (self.rating_weight > 0 and self.rating is not None and (~np.isnan(self.rating)).any()) and \
            (self.adjust is None or not self.adjust.any()) and \
            not (self.discount > 0 and self.over is not None and self.over.any()) and \
            not (self.team_weight > 0 and self.team is not None and (self.team >= 0).any())

    def apply(self, K: np.ndarray) -> np.ndarray:
        S = K
        rw = self.rating_weight
        if rw > 0 and self.rating is not None:
            has = ~np.isnan(self.rating)
            if has.any():
                S = np.where(has, (1 - rw) * S + rw * np.where(has, self.rating, 0.0), S)
        if self.adjust is not None and self.adjust.any():
            S = S + self.adjust
        if self.discount > 0 and self.over is not None and self.over.any():
            S = np.where(self.over & (S > 0), (1 - self.discount) * S, S)
        if self.team_weight > 0 and self.team is not None and (self.team >= 0).any():
            S = self._blend(S)
        return S

    def affine(self, K0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(c, e) with individual score = c x K + e, the sales-cost discount fixed as at K0."""
        n = len(K0)
        c, e = np.ones(n), np.zeros(n)
        rw = self.rating_weight
        if rw > 0 and self.rating is not None:
            has = ~np.isnan(self.rating)
            c = np.where(has, 1 - rw, 1.0)
            e = np.where(has, rw * np.where(has, self.rating, 0.0), 0.0)
        if self.adjust is not None:
            e = e + self.adjust
        if self.discount > 0 and self.over is not None:
            hit = self.over & (c * K0 + e > 0)
            c = np.where(hit, (1 - self.discount) * c, c)
            e = np.where(hit, (1 - self.discount) * e, e)
        return c, e

    def _blend(self, S: np.ndarray) -> np.ndarray:
        tw = self.team_weight
        team = self.team
        T = int(team.max()) + 1
        mult = self.mult if self.mult is not None else np.ones(len(team))
        G = np.zeros((len(team), T))
        has_team = team >= 0
        G[np.flatnonzero(has_team), team[has_team]] = mult[has_team]
        S2 = np.atleast_2d(S)
        valid = ~np.isnan(S2)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = _dot(np.where(valid, S2, 0.0), G) / _dot(valid.astype("float64"), G)
        team_score = np.where(has_team, means[:, np.maximum(team, 0)], S2)
        out = (1 - tw) * S2 + tw * team_score
        return out.reshape(np.shape(S))


@dataclass
class ScoreModel:
    """Everything needed to score a team under other weights.

    Built by :func:`score_model` from a scorecard (or from a plain matrix by the functions
    that accept one). ``points`` holds one block of columns per role (``role/kpi`` when the
    scorecard has several roles, else the KPI name); a person's cells outside their role's
    block are NaN, so each person is scored with their own role's weights. ``vary`` lists
    the roles whose weights the analyses change; the others keep their baseline weights.
    Ranks and grades are across everyone in ``people``, as in the scorecard.

    Attributes
    ----------
    points : DataFrame (people x columns), weights : Series (baseline, per column)
    role_of, kpi_of : Series (column -> role, column -> KPI)
    people : DataFrame indexed by employee_id: name, team, role, score, rank, grade
    grading : Grading or None, top_k : int, rank_tie : str
    settings : dict (draws, concentration, seed from ``params.scenarios``)
    notes : list of str
    """

    points: pd.DataFrame
    weights: pd.Series
    role_of: pd.Series
    kpi_of: pd.Series
    vary: tuple[str, ...]
    people: pd.DataFrame
    grading: Any = None
    top_k: int = 3
    rank_tie: str = "min"
    steps: _Steps = field(default_factory=_Steps)
    settings: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    role_names: dict = field(default_factory=dict)  # role -> {"zh": ..., "en": ...}, for notes
    #: the group each person (row of ``people``) is graded in when the plan grades a forced
    #: distribution within each role (``scoring.grading.within: role``); None: all together
    grade_groups: np.ndarray | None = None

    def role_name(self, role: str, language: str) -> str:
        """What the plan calls ``role`` in ``language``; the role itself without a plan."""
        return self.role_names.get(role, {}).get(language, role)

    __repr__ = compact_repr

    @property
    def columns(self) -> list:
        return list(self.points.columns)

    @property
    def varied(self) -> list:
        """The columns whose weights change (the varied roles' KPIs)."""
        return [c for c in self.columns if self.role_of[c] in self.vary]

    def column(self, kpi: str, role: str | None = None) -> str:
        """The column of ``kpi`` (of ``role``, or of the one varied role that has it)."""
        if kpi in self.columns and role is None:
            return kpi
        roles = [role] if role is not None else list(self.vary)
        known_roles = sorted({str(r) for r in self.role_of})
        if role is not None and role not in known_roles:
            raise ScoringError(f"role='{role}': the model has no such role; it has {', '.join(known_roles)}."
                               + did_you_mean(str(role), known_roles))
        found = [c for c in self.columns if self.kpi_of[c] == kpi and self.role_of[c] in roles]
        if len(found) == 1:
            return found[0]
        if not found:
            known = sorted({self.kpi_of[c] for c in self.columns if self.role_of[c] in roles})
            raise ScoringError(f"'{kpi}' is not a weighted KPI of {', '.join(map(str, roles))}; "
                               f"they weigh {', '.join(known)}." + did_you_mean(kpi, known))
        raise ScoringError(f"'{kpi}' is weighted in several roles ({', '.join(self.role_of[c] for c in found)}): "
                           "pass role=")

    def kpi_points(self, W) -> np.ndarray:
        return score_matrix(self.points, W)

    def scores(self, W) -> np.ndarray:
        """Scores under weights ``W`` (one row or a table of rows, by column)."""
        return self.steps.apply(self.kpi_points(W))

    def rank(self, S) -> np.ndarray:
        return rank_matrix(S, tie=self.rank_tie)

    def grades(self, S) -> np.ndarray | None:
        return None if self.grading is None else grade_matrix(S, self.grading, groups=self.grade_groups)

    def weights_from(self, role_weights: Mapping[str, Mapping[str, float]]) -> pd.Series:
        """Role -> {kpi: weight} as a weight row; roles not given keep the baseline."""
        w = self.weights.copy()
        for role, kw in role_weights.items():
            block = [c for c in self.columns if self.role_of[c] == role]
            if not block:
                continue
            w[block] = 0.0
            for k, v in kw.items():
                col = next((c for c in block if self.kpi_of[c] == k), None)
                if col is None:
                    raise ScoringError(f"the scorecard has no points of '{k}' for the role '{role}'")
                w[col] = float(v)
        return w


def score_model(scorecard, *, role: str | None = None, kpis=None, top_k: int | None = None,
                extra_points: pd.DataFrame | None = None) -> ScoreModel:
    """The :class:`ScoreModel` of a scorecard.

    Parameters
    ----------
    scorecard : scoring.Scorecard
        Its ``params`` give the grading, the rating weight, the sales-cost rule, the team
        blend and ``scenarios.top_k``/``draws``/``concentration``/``seed``.
    role : str, optional
        Vary only this role's weights (everyone stays in the ranking). Default: every role.
    kpis : KPIResult, optional
        Gives each person's ``sales_cost_ratio`` when the plan has a sales-cost discount;
        without it, the people discounted in the scorecard are taken as the ones over the
        limit (noted).
    top_k : int, optional
        Default ``params.scenarios.top_k``.
    extra_points : DataFrame, optional
        More normalised points (details layout: employee_id, kpi, normalised) for KPIs a
        scenario weighs but the plan does not (see :func:`compare_scenarios`).

    The model reproduces the scorecard's scores with the scorecard's weights;
    ``notes`` says so, or by how much it misses.
    """
    params = scorecard.params
    if params is None:
        raise ScoringError("the scorecard carries no parameters (Scorecard.params); score it with scoring.score")
    sc = params.scoring
    table = scorecard.table.reset_index(drop=True)
    ids = table["employee_id"].astype(str)
    weights = {str(r): dict(w) for r, w in scorecard.weights.items()}
    if role is not None and role not in weights:
        _role_weights(scorecard, role)   # raises with the list of roles
    person_role = dict(zip(ids, table["role"].astype(str)))
    details = scorecard.details
    if extra_points is not None and len(extra_points):
        details = pd.concat([details, extra_points], ignore_index=True)
        for e, k in zip(extra_points["employee_id"].astype(str), extra_points["kpi"]):
            r = person_role.get(e)
            if r is not None and k not in weights[r]:
                weights[r][k] = 0.0
    multi = len(weights) > 1
    cols, role_of, kpi_of, base = [], {}, {}, {}
    for r, w in weights.items():
        for k, v in w.items():
            c = f"{r}/{k}" if multi else k
            cols.append(c)
            role_of[c], kpi_of[c], base[c] = r, k, float(v)
    d = details.assign(employee_id=details["employee_id"].astype(str))
    d = d.assign(col=[(f"{person_role.get(e)}/{k}" if multi else k) for e, k in zip(d["employee_id"], d["kpi"])])
    d = d[d["col"].isin(cols)]
    points = (d.assign(_v=pd.to_numeric(d["normalised"], errors="coerce"))
              .groupby(["employee_id", "col"], sort=False)["_v"].first().unstack("col")
              .reindex(index=list(ids), columns=cols).astype("float64"))
    points.index.name = "employee_id"
    points.columns.name = None
    people = table[["employee_id", "name", "team", "role", "score", "rank", "grade"]].assign(
        employee_id=ids).set_index("employee_id")
    notes: list[str] = []

    rating = None
    if sc.ratings.weight > 0 and "rating_points" in table:
        rating = pd.to_numeric(table["rating_points"], errors="coerce").to_numpy(dtype="float64")
    adjust = np.zeros(len(table))
    for col in ("bonus_points", "penalty_points"):
        if col in table:
            adjust += pd.to_numeric(table[col], errors="coerce").fillna(0.0).to_numpy(dtype="float64")
    discount, over = 0.0, None
    rule = sc.bonuses.sales_cost
    if rule is not None:
        discount = float(rule.discount)
        ratio = None
        if kpis is not None and "sales_cost_ratio" in kpis.wide:
            w = kpis.wide.assign(employee_id=kpis.wide["employee_id"].astype(str)).set_index("employee_id")
            ratio = pd.to_numeric(w["sales_cost_ratio"], errors="coerce").reindex(ids)
        elif "sales_cost_ratio" in table:
            ratio = pd.to_numeric(table["sales_cost_ratio"], errors="coerce")
        if ratio is not None:
            over = (ratio > rule.limit).fillna(False).to_numpy(dtype=bool)
        else:
            adj = scorecard.adjustments
            over = ids.isin(set(adj.loc[adj["rule"] == "sales_cost", "employee_id"].astype(str))).to_numpy()
            notes.append(_sales_cost_note(kpis, int(over.sum())))
    tw, team = 0.0, None
    if sc.team_blend is not None:
        tw = float(sc.team_blend.team_weight[sc.team_blend.phase])
        codes, _ = pd.factorize(table["team"], use_na_sentinel=True)
        team = np.asarray(codes, dtype=np.int64)
    steps = _Steps(float(sc.ratings.weight), rating, adjust, discount, over, tw, team, None)
    settings = {"draws": params.scenarios.draws, "concentration": params.scenarios.concentration,
                "seed": params.scenarios.seed}
    model = ScoreModel(points=points, weights=pd.Series(base, dtype="float64")[cols], role_of=pd.Series(role_of),
                       kpi_of=pd.Series(kpi_of), vary=(role,) if role is not None else tuple(weights),
                       people=people, grading=sc.grading,
                       top_k=int(top_k if top_k is not None else params.scenarios.top_k),
                       rank_tie=sc.grading.rank_tie, steps=steps, settings=settings, notes=notes,
                       role_names={r: {lang: _role_name(params, r, lang) for lang in ("zh", "en")}
                                   for r in set(map(str, role_of.values()))},
                       grade_groups=_group_codes(_grade_groups(people["role"], params)))
    got = model.scores(model.weights)
    want = pd.to_numeric(people["score"], errors="coerce").to_numpy(dtype="float64")
    both = ~np.isnan(got) & ~np.isnan(want)
    gap = float(np.max(np.abs(got[both] - want[both]))) if both.any() else 0.0
    if gap > 1e-6 or (np.isnan(got) != np.isnan(want)).any():
        notes.append(Note(f"the model misses the scorecard's scores by up to {gap:.3g} points (a step of the "
                          "scorer it does not reproduce); scenario scores carry the same difference.",
                          f"模型得分与评分卡最多相差 {gap:.3g} 分（评分中有一步模型未能复现）；各情景的得分带有同样的差异。"))
    return model


def _sales_cost_note(kpis, n_over: int) -> Note:
    """Why the people over the sales-cost limit are taken from the scorecard's discounts
    (``n_over`` of them): no KPIs passed, the data cannot give ``sales_cost_ratio``, or the
    KPIs passed do not include it."""
    who = (Note("nobody is treated as over the limit (the scorecard discounted nobody)",
                "视为无人超出上限（评分卡未对任何人打折）") if n_over == 0 else
           Note(f"the {n_over} {'person' if n_over == 1 else 'people'} the scorecard discounted "
                f"{'is' if n_over == 1 else 'are'} treated as over the limit",
                f"评分卡已打折的 {n_over} 人视为超出上限"))
    left_out = getattr(kpis, "left_out", None) or {}
    if kpis is None:
        return Note("sales-cost discount: the people over the limit are those the scorecard discounted "
                    "(pass kpis= to read every person's sales_cost_ratio).",
                    "销售费用率折扣：超出上限的人取评分卡已打折的人（传入 kpis= 可读取每个人的销售费用率）。")
    if "sales_cost_ratio" in left_out:
        lack = left_out["sales_cost_ratio"]
        return Note(f"sales-cost discount: sales_cost_ratio could not be computed (it needs {lack}, which the "
                    f"data do not have), so {who}.",
                    f"销售费用率折扣：无法计算销售费用率（需要数据中没有的{getattr(lack, 'zh', lack)}），{who.zh}。")
    return Note(f"sales-cost discount: the KPIs given (kpis=) do not include sales_cost_ratio, so {who}; "
                "compute it with them to read every person's ratio.",
                f"销售费用率折扣：传入的指标（kpis=）中没有销售费用率，{who.zh}；请一并计算以读取每个人的销售费用率。")


def _model_from_matrix(N, weights, *, grading=None, top_k: int = 3, tie: str = "min", offset=None) -> ScoreModel:
    X, index, columns = _as_matrix(N)
    n, k = X.shape
    cols = columns if columns is not None else [f"kpi{j}" for j in range(k)]
    if weights is None:
        raise ScoringError("weights are needed with a plain points matrix (or pass a ScoreModel)")
    w = _as_weights(weights, cols, k)
    if w.ndim != 1:
        raise ScoringError("one weight vector is needed here (the plan's weights)")
    ids = pd.Index(index if index is not None else range(n)).astype(str)
    points = pd.DataFrame(X, index=ids, columns=cols)
    points.index.name = "employee_id"
    adjust = None
    if offset is not None:
        adjust = np.asarray(offset.reindex(index) if isinstance(offset, pd.Series) and index is not None
                            else offset, dtype="float64")
        if adjust.shape != (n,):
            raise ScoringError(f"offset has {adjust.size} value(s) for {n} people")
    steps = _Steps(adjust=adjust)
    s = steps.apply(score_matrix(points, w))
    people = pd.DataFrame({"name": ids, "team": None, "role": "all", "score": s,
                           "rank": rank_matrix(s, tie=tie)}, index=ids)
    people["grade"] = grade_matrix(s, grading) if grading is not None else None
    return ScoreModel(points=points, weights=pd.Series(w, index=cols), role_of=pd.Series("all", index=cols),
                      kpi_of=pd.Series(cols, index=cols), vary=("all",), people=people, grading=grading,
                      top_k=int(top_k), rank_tie=tie, steps=steps,
                      settings={"draws": 1000, "concentration": 50.0, "seed": 0})


def _model(N, weights=None, *, grading=None, top_k=None, tie: str = "min", offset=None) -> ScoreModel:
    if isinstance(N, ScoreModel):
        if weights is not None and not isinstance(weights, str):
            raise ScoringError("a ScoreModel carries its weights; pass weights only with a plain matrix")
        if grading is not None or top_k is not None:
            groups = N.grade_groups
            if grading is not None:  # (the groups follow the grading passed: within each role, or none)
                from .scoring import as_grading

                g = as_grading(grading)
                within = g.method == "forced" and g.within == "role"
                groups = (groups if groups is not None else _group_codes(N.people["role"].astype(str))) \
                    if within else None
            return dataclasses.replace(N, grading=grading if grading is not None else N.grading,
                                       top_k=int(top_k) if top_k is not None else N.top_k, grade_groups=groups)
        return N
    return _model_from_matrix(N, weights, grading=grading, top_k=3 if top_k is None else top_k, tie=tie,
                              offset=offset)


# ============================================================================= rank correlations
def _snap(x, tol: float) -> np.ndarray:
    """Round scores to a grid of ``tol`` so that values within noise compare equal."""
    return np.round(np.asarray(x, dtype="float64") / tol) * tol


def _pair_signs(x: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.sign(x[..., i] - x[..., j])


def rank_correlations(base, S, *, max_cells: int = 4_000_000) -> tuple[np.ndarray, np.ndarray]:
    """Kendall's tau-b and Spearman's rho of each row of ``S`` against ``base``.

    People whose baseline score is NaN are left out; a row with NaN among the others is
    computed (by scipy) on the people it scores. Scores within 1e-9 of the largest
    absolute score count as tied, so floating-point noise does not order two people with
    equal points. Tau-b comes from pair signs, vectorised in blocks of ``max_cells``
    pair x row cells, for teams of up to 600 people; larger teams use
    ``scipy.stats.kendalltau`` row by row.

    Returns
    -------
    (tau, rho) : arrays of shape (rows,)
    """
    base = np.asarray(base, dtype="float64")
    S = np.atleast_2d(np.asarray(S, dtype="float64"))
    keep = ~np.isnan(base)
    base, S = base[keep], S[:, keep]
    s, n = S.shape
    tau, rho = np.full(s, np.nan), np.full(s, np.nan)
    if n < 2:
        return tau, rho
    finite = S[np.isfinite(S)]
    scale = max(float(np.max(np.abs(base))), float(np.max(np.abs(finite))) if finite.size else 0.0, 1.0)
    tol = 1e-9 * scale
    base = _snap(base, tol)
    S = _snap(S, tol)
    ok = ~np.isnan(S).any(axis=1)
    if ok.any():
        Sok = S[ok]
        rb = stats.rankdata(base, method="average")
        rs = stats.rankdata(Sok, method="average", axis=1)
        rb_c = rb - rb.mean()
        rs_c = rs - rs.mean(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            rho[ok] = (rs_c @ rb_c) / np.sqrt((rs_c ** 2).sum(axis=1) * (rb_c ** 2).sum())
        if n <= 600:
            i, j = np.triu_indices(n, 1)
            sb = _pair_signs(base, i, j)
            nb = np.abs(sb).sum()
            out = np.empty(len(Sok))
            step = max(1, max_cells // max(len(i), 1))
            for a in range(0, len(Sok), step):
                sy = _pair_signs(Sok[a:a + step], i, j)
                with np.errstate(invalid="ignore", divide="ignore"):
                    out[a:a + step] = (sy @ sb) / np.sqrt(np.abs(sy).sum(axis=1) * nb)
            tau[ok] = out
        else:
            tau[ok] = [stats.kendalltau(base, row).statistic for row in Sok]
    for r in np.flatnonzero(~ok):
        m = ~np.isnan(S[r])
        if m.sum() >= 2:
            tau[r] = stats.kendalltau(base[m], S[r, m]).statistic
            rho[r] = stats.spearmanr(base[m], S[r, m]).statistic
    return tau, rho


# ============================================================================= Monte Carlo core
#: Teams up to this size keep the people x ranks count table (rank quantiles) by default.
RANK_HISTOGRAM_MAX = 1000


@dataclass
class Simulation:
    """Counts over many weight scenarios (see :func:`simulate`).

    ``grade_counts``: people x grades (best first); ``top_k_counts``: scenarios with
    competition rank <= ``top_k``; ``rank_sum``: sum of ranks; ``unscored``: scenarios
    in which the person had no score; ``rank_hist``: people x ranks 1..n counts (None for
    teams larger than :data:`RANK_HISTOGRAM_MAX`).
    """

    ids: pd.Index
    scenarios: int
    grades: list[str]
    grade_counts: np.ndarray
    top_k: int
    top_k_counts: np.ndarray
    rank_sum: np.ndarray
    unscored: np.ndarray
    rank_hist: np.ndarray | None

    __repr__ = compact_repr

    def probabilities(self) -> pd.DataFrame:
        """Per person: ``p_<grade>`` for each grade, ``p_top_k``, ``rank_mean`` and, with
        the rank table, ``rank_p05``, ``rank_median``, ``rank_p95`` (over the scenarios in
        which the person has a score; NaN when there is none)."""
        scored = (self.scenarios - self.unscored).astype("float64")
        den = np.where(scored > 0, scored, np.nan)
        out = pd.DataFrame(self.grade_counts / den[:, None], index=self.ids,
                           columns=[f"p_{g}" for g in self.grades])
        out["p_top_k"] = self.top_k_counts / den
        out["rank_mean"] = self.rank_sum / den
        if self.rank_hist is not None:
            cum = np.cumsum(self.rank_hist, axis=1)
            for q, name in ((0.05, "rank_p05"), (0.5, "rank_median"), (0.95, "rank_p95")):
                pos = (cum < (q * scored)[:, None]).sum(axis=1)
                out[name] = np.where(scored > 0, pos + 1.0, np.nan)
        out.index.name = "employee_id"
        return out


def _desc_keys(S: np.ndarray, idx: np.ndarray, bits: int, *, nonnegative: bool = False) -> np.ndarray:
    """int64 sort keys, computed in place over ``S``'s buffer (S is consumed): ascending
    keys = descending scores, ties broken by column.

    The float64 bit pattern is made monotone as a signed integer (already so when every
    score is >= 0), inverted (the highest score sorts first), and its ``bits`` lowest bits
    are replaced by the column index, so one integer sort gives the order and the column at
    each place (no argsort). ``key >> bits`` is the score to about 2**(bits - 52)
    relative: equal there means tied.
    """
    key = S.view(np.int64)
    if not nonnegative:
        np.add(S, 0.0, out=S)                            # -0.0 -> 0.0
        np.bitwise_xor(key, (key >> 63) & np.int64(0x7FFFFFFFFFFFFFFF), out=key)
    np.invert(key, out=key)
    np.bitwise_and(key, ~np.int64((1 << bits) - 1), out=key)
    np.bitwise_or(key, idx, out=key)
    return key


class _Prepared(NamedTuple):
    ids: pd.Index
    n: int                  # people
    inverse: np.ndarray     # person -> unique row
    mult: np.ndarray        # people per unique row
    UT: np.ndarray          # columns x unique rows (NaN as 0)
    KT: np.ndarray | None   # columns x unique rows, 1 where known (None: nothing missing)
    steps: _Steps
    columns: list
    nonnegative: bool       # every score is >= 0 whatever the weights


def _unique_groups(model: ScoreModel, prep: _Prepared) -> np.ndarray | None:
    """The grade group of each unique row of ``prep`` (its people's, who share one: people
    of two roles never score alike, their points being in different columns)."""
    if model.grade_groups is None:
        return None
    out = np.zeros(prep.UT.shape[1], dtype=np.int64)
    out[prep.inverse] = model.grade_groups
    return out


def _prepare(model: ScoreModel) -> _Prepared:
    """Group people who always score alike (same points, rating, points added, sales-cost
    flag and team) so each group is ranked once and its members tie."""
    X = model.points.to_numpy(dtype="float64", na_value=np.nan)
    n = X.shape[0]
    st = model.steps
    parts = [np.where(np.isnan(X), -np.inf, X)]
    for a in (st.rating, st.adjust, st.over, st.team):
        if a is not None:
            a = np.asarray(a, dtype="float64")
            parts.append(np.where(np.isnan(a), -np.inf, a)[:, None])
    key = np.column_stack(parts)
    _, first, inverse, mult = np.unique(key, axis=0, return_index=True, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    U = X[first]
    known = ~np.isnan(U)
    return _Prepared(model.people.index, n, inverse, mult, np.ascontiguousarray(np.where(known, U, 0.0).T),
                     None if known.all() else np.ascontiguousarray(known.T.astype("float64")),
                     st.take(first, mult), model.columns,
                     bool(st.identity and np.nanmin(X, initial=0.0) >= 0))


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix product without BLAS threads: the blocks already run on their own threads,
    and BLAS threads waiting for work would compete with them for the cores."""
    return np.einsum("ij,jk->ik", a, b, optimize=False)


def _chunk_counts(W: np.ndarray, prep: _Prepared, grader: _Grader | None, top_k: int, hist: bool) -> dict:
    """Counts for one block of weight rows, per unique row."""
    UT, KT, mult, n = prep.UT, prep.KT, prep.mult, prep.n
    nu = UT.shape[1]
    s = W.shape[0]
    S = _dot(W, UT)
    with np.errstate(invalid="ignore", divide="ignore"):
        if KT is not None:
            den = _dot(W, KT)
            S = S / np.where(den > 0, den, np.nan)
        else:
            sums = W.sum(axis=1)
            if not np.allclose(sums, 1.0, rtol=0, atol=1e-12):
                S = S / np.where(sums > 0, sums, np.nan)[:, None]
    if not prep.steps.identity:
        S = prep.steps.apply(S)
    missing = np.isnan(S)
    any_missing = bool(missing.any())
    if any_missing:
        S = np.where(missing, -np.inf, S)
    G = len(grader.labels) if grader is not None else 0
    ge = [(S >= grader.thresholds[g]).sum(axis=0) for g in range(G - 1)] \
        if grader is not None and grader.method == "thresholds" else []
    within = grader is not None and grader.method == "forced" and grader.groups is not None
    grouped = _grouped_grade_counts(S, mult, missing, grader) if within else None
    bits = max(1, int(nu - 1).bit_length())
    S = np.ascontiguousarray(S)
    keys = _desc_keys(S, np.arange(nu, dtype=np.int64), bits, nonnegative=not any_missing and prep.nonnegative)
    keys.sort(axis=1)
    order = keys & np.int64((1 << bits) - 1)            # unique row at each place
    q = keys >> bits                                    # the score, to about 1e-12 relative
    tied = q[:, 1:] == q[:, :-1]
    del keys, S, q
    any_tied = bool(tied.any())
    simple = not any_missing and not any_tied and bool((mult == 1).all())
    if simple:
        rank = None                                     # rank = place + 1
        scored = np.full(s, n)
    else:
        m = mult[order]
        rank = np.cumsum(m, axis=1) - m + 1             # competition rank at each place
        if any_tied:                                    # a tie takes the rank of its first place
            start = np.ones(rank.shape, dtype=bool)
            start[:, 1:] = ~tied
            rank = np.maximum.accumulate(np.where(start, rank, 0), axis=1)
        if any_missing:
            nvalid = (~missing).sum(axis=1)
            rank = np.where(np.arange(nu)[None, :] < nvalid[:, None], rank, n + 1)
            scored = (mult[None, :] * ~missing).sum(axis=1)
        else:
            scored = np.full(s, n)

    def count_rank_le(cut) -> np.ndarray:
        """Per unique row: the scenarios with rank <= cut (an int, or one per scenario)."""
        if rank is None and np.isscalar(cut):
            return np.bincount(order[:, :int(cut)].ravel(), minlength=nu)
        cut = np.broadcast_to(np.asarray(cut), (s,))
        r = rank if rank is not None else np.arange(1, nu + 1)[None, :]
        return np.bincount(order[r <= cut[:, None]], minlength=nu)

    out = {"top_k": count_rank_le(top_k)}
    unscored = missing.sum(axis=0) if any_missing else np.zeros(nu, dtype=np.int64)
    if grouped is not None:
        out["grade"] = grouped
    elif grader is not None:
        grade = np.zeros((nu, G), dtype=np.int64)
        prev = np.zeros(nu, dtype=np.int64)
        if grader.method == "thresholds":
            for g in range(G - 1):
                grade[:, g] = ge[g] - prev
                prev = ge[g]
        else:
            cuts = np.stack([grader.cuts(int(v)) for v in scored]) if any_missing else \
                np.broadcast_to(grader.cuts(n), (s, G))
            for g in range(G - 1):
                c = cuts[:, g]
                le = count_rank_le(int(c[0]) if (c == c[0]).all() else c)
                grade[:, g] = le - prev
                prev = le
        grade[:, G - 1] = s - unscored - prev
        out["grade"] = grade
    out["unscored"] = unscored
    if hist:
        place = np.broadcast_to(np.arange(nu), (s, nu)) if rank is None else np.minimum(rank - 1, n)
        out["hist"] = np.bincount((order * (n + 1) + place).ravel(), minlength=nu * (n + 1)).reshape(nu, n + 1)
    else:
        r = np.broadcast_to(np.arange(1, nu + 1), (s, nu)) if rank is None else np.where(rank > n, 0, rank)
        out["rank_sum"] = np.bincount(order.ravel(), weights=r.ravel(), minlength=nu)
    return out


def _grouped_grade_counts(S: np.ndarray, mult: np.ndarray, missing: np.ndarray, grader: _Grader) -> np.ndarray:
    """Per unique row (column of ``S``, standing for ``mult`` people), how many scenarios
    (rows) give it each grade of a forced distribution applied within each of the grader's
    groups: its competition rank among its group's scored people (equal to the scores'
    decimals: a tie, as the scorer settles them) against the cuts of the group's size."""
    s, nu = S.shape
    G = len(grader.labels)
    grade = np.zeros((nu, G), dtype=np.int64)
    groups = np.asarray(grader.groups)
    settled = np.round(S, SCORE_DECIMALS)
    for k in np.unique(groups):
        at = np.flatnonzero(groups == k)
        X, valid, m = settled[:, at], ~missing[:, at], mult[at]
        order = np.argsort(-X, axis=1, kind="stable")              # best first; no score (-inf) last
        Xs, ms = np.take_along_axis(X, order, axis=1), m[order]
        place = np.cumsum(ms, axis=1) - ms + 1                       # rank counting people, not rows
        start = np.ones(Xs.shape, dtype=bool)
        start[:, 1:] = Xs[:, 1:] != Xs[:, :-1]
        place = np.maximum.accumulate(np.where(start, place, 0), axis=1)  # a tie takes its first's rank
        ranks = np.empty_like(place)
        np.put_along_axis(ranks, order, place, axis=1)
        scored = (m[None, :] * valid).sum(axis=1)
        for r in range(s):
            code = np.minimum(np.searchsorted(grader.cuts(int(scored[r])), ranks[r], side="left"), G - 1)
            np.add.at(grade, (at[valid[r]], code[valid[r]]), 1)
    return grade


def simulate(N, W, *, weights=None, grading=None, top_k: int | None = None, chunk: int | None = None,
             workers: int | None = None, rank_distribution: bool | None = None) -> Simulation:
    """Score, rank and grade everyone under every weight row of ``W``, keeping counts.

    The vectorised core of :func:`monte_carlo` (and of the benchmark). Per block of weight
    rows: one matrix product gives the KPI points (a second one the weight sums over the
    KPIs each person has, when some are missing), the model's later steps make them
    scores, one integer sort per row ranks everyone (:func:`_desc_keys`), comparisons with
    the thresholds (or the forced distribution's rank cut-offs) grade them; only counts per
    person are kept, so memory is bounded by the block (``chunk`` rows; by default about
    2 million cells). Blocks run on ``workers`` threads (default: up to 2).

    Equal scores share the best rank of their group (competition ranks, as the scorer's
    ``min``); scores that agree to about 12 significant digits count as equal, so float
    noise does not split a tie. People who score alike whatever the weights (same points,
    rating, added points, team) are computed once.

    Parameters
    ----------
    N : ScoreModel, or DataFrame/array (people x KPIs; then pass ``weights=`` the plan's)
    W : array (scenarios x columns) or DataFrame with the model's columns
    grading : Grading, optional (default: the model's; none: no grade counts)
    top_k : int, optional (default: the model's)
    rank_distribution : bool, optional
        Keep the people x ranks count table (rank quantiles). Default: teams of up to
        :data:`RANK_HISTOGRAM_MAX` people.
    """
    model = _model(N, weights, grading=grading, top_k=top_k)
    prep = _prepare(model)
    w = np.atleast_2d(_as_weights(W, prep.columns, prep.UT.shape[0]))
    grader = None if model.grading is None else _Grader.of(model.grading, _unique_groups(model, prep))
    k = int(model.top_k)
    if k < 1:
        raise ScoringError(f"top_k must be at least 1, found {k}")
    n, nu = prep.n, prep.UT.shape[1]
    hist = (n <= RANK_HISTOGRAM_MAX) if rank_distribution is None else bool(rank_distribution)
    chunk = int(chunk or max(1, 2_000_000 // max(nu, 1)))
    blocks = [w[a:a + chunk] for a in range(0, len(w), chunk)]
    workers = workers or min(2, os.cpu_count() or 1)
    run = (lambda b: _chunk_counts(b, prep, grader, k, hist))
    total: dict = {}

    def add(part: dict) -> None:
        for key, value in part.items():
            total[key] = total[key] + value if key in total else value

    if workers > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for part in pool.map(run, blocks):
                add(part)
    else:
        for b in blocks:
            add(run(b))
    labels = list(grader.labels) if grader is not None else []
    inv = prep.inverse
    if not total:
        z = np.zeros(n, dtype=np.int64)
        return Simulation(prep.ids, 0, labels, np.zeros((n, len(labels)), dtype=np.int64), k, z, z.astype(float),
                          z, np.zeros((n, n), dtype=np.int64) if hist else None)
    grade_counts = total["grade"][inv] if grader is not None else np.zeros((n, 0), dtype=np.int64)
    if hist:
        h = total["hist"]
        rank_sum = (h[:, :n] * np.arange(1, n + 1)).sum(axis=1).astype("float64")[inv]
        rank_hist = h[inv, :n]
    else:
        rank_sum, rank_hist = total["rank_sum"][inv], None
    return Simulation(prep.ids, len(w), labels, grade_counts, k, total["top_k"][inv], rank_sum,
                      total["unscored"][inv], rank_hist)


# ============================================================================= Monte Carlo
DRAW_METHODS = ("dirichlet", "uniform")


def draw_weights(N, weights=None, *, draws: int | None = None, method: str = "dirichlet",
                 concentration: float | None = None, seed: int | None = None) -> pd.DataFrame:
    """Random weight sets around the plan, one row per draw.

    Per varied role (every role of a plain matrix), over the KPIs the plan weighs (> 0):

    - ``"dirichlet"``: ``Dirichlet(concentration x w)``, whose mean is the plan's ``w`` and
      whose spread shrinks as the concentration grows: var(w_j) = w_j (1 - w_j) /
      (concentration + 1). 50 puts a 40 % weight mostly within +-14 points (2 sd).
    - ``"uniform"``: ``Dirichlet(1, ..., 1)``, uniform on the simplex: any weighting of
      those KPIs is as likely as any other.

    KPIs with a plan weight of 0 stay at 0, roles not varied keep their weights. Defaults
    come from ``params.scenarios`` (draws, concentration, seed); the same seed gives the
    same draws.
    """
    model = _model(N, weights)
    check_one_of("method", method, DRAW_METHODS, error=ScoringError)
    draws = int(draws if draws is not None else model.settings.get("draws", 1000))
    conc = float(concentration if concentration is not None else model.settings.get("concentration", 50.0))
    seed = int(seed if seed is not None else model.settings.get("seed", 0))
    if draws < 1:
        raise ScoringError(f"draws must be at least 1, found {draws}")
    if conc <= 0:
        raise ScoringError(f"the concentration must be above 0, found {conc:g}")
    rng = np.random.default_rng(seed)
    w = model.weights
    out = np.tile(w.to_numpy(dtype="float64"), (draws, 1))
    for role in model.vary:
        cols = [i for i, c in enumerate(model.columns) if model.role_of[c] == role and w.iloc[i] > 0]
        if len(cols) < 2:
            continue
        base = w.iloc[cols].to_numpy(dtype="float64")
        base = base / base.sum()
        alpha = conc * base if method == "dirichlet" else np.ones(len(cols))
        out[:, cols] = rng.dirichlet(alpha, size=draws)
    return pd.DataFrame(out, columns=model.columns).rename_axis("draw")


@dataclass
class MonteCarlo:
    """What :func:`monte_carlo` found.

    Attributes
    ----------
    people : DataFrame
        One row per person (baseline order): name, team, role, baseline score, rank and
        grade; ``p_<grade>`` for each grade; ``p_same_grade`` (the baseline grade);
        ``p_top_k``; ``rank_mean`` and, for teams up to :data:`RANK_HISTOGRAM_MAX`,
        ``rank_p05``, ``rank_median``, ``rank_p95``.
    weights : DataFrame
        The drawn weights (draws x columns).
    tau, rho : arrays
        Kendall's tau-b and Spearman's rho of each draw's scores against the baseline's.
    """

    method: str
    draws: int
    concentration: float
    seed: int
    top_k: int
    grades: list[str]
    people: pd.DataFrame
    weights: pd.DataFrame
    tau: np.ndarray
    rho: np.ndarray

    __repr__ = compact_repr

    @property
    def median_tau(self) -> float:
        return float(np.nanmedian(self.tau)) if np.isfinite(self.tau).any() else float("nan")

    @property
    def median_rho(self) -> float:
        return float(np.nanmedian(self.rho)) if np.isfinite(self.rho).any() else float("nan")

    @property
    def grade_probabilities(self) -> pd.DataFrame:
        """People (by name) x grades (best first): the probability of each grade."""
        p = self.people[[f"p_{g}" for g in self.grades]]
        p.columns = self.grades
        p.index = self.people["name"].astype(str).where(self.people["name"].notna(), p.index.to_series())
        p.index.name = "name"
        return p

    def summary(self) -> pd.DataFrame:
        """One row: method, draws, concentration, seed, median tau and rho, their 5 % and
        95 % quantiles, the share of people who always keep their grade."""
        q = (lambda a, x: float(np.nanquantile(a, x)) if np.isfinite(a).any() else float("nan"))
        keep = self.people["p_same_grade"] if "p_same_grade" in self.people else pd.Series(dtype=float)
        return pd.DataFrame([{
            "method": self.method, "draws": self.draws,
            "concentration": self.concentration if self.method == "dirichlet" else np.nan, "seed": self.seed,
            "median_tau": self.median_tau, "tau_p05": q(self.tau, 0.05), "tau_p95": q(self.tau, 0.95),
            "median_rho": self.median_rho, "top_k": self.top_k,
            "share_grade_always_kept": float((keep >= 1 - 1e-12).mean()) if len(keep) else np.nan,
        }])


def monte_carlo(N, weights=None, *, draws: int | None = None, method: str = "dirichlet",
                concentration: float | None = None, seed: int | None = None, grading=None,
                top_k: int | None = None, correlations: bool = True, rank_distribution: bool | None = None,
                workers: int | None = None) -> MonteCarlo:
    """How robust are the ranking and the grades when the weights move?

    Draws weight sets (:func:`draw_weights`: Dirichlet around the plan with the given
    concentration, or uniform on the simplex), scores everyone under each
    (:func:`simulate`, vectorised) and reports per person the probability of each grade,
    of keeping the baseline grade and of being in the top k, the rank distribution, and
    per draw Kendall's tau-b and Spearman's rho against the baseline scores (median in
    :attr:`MonteCarlo.median_tau`). A fixed ``seed`` gives identical results.

    Parameters
    ----------
    N : ScoreModel (from :func:`score_model`), or a points matrix with ``weights=``
    draws, method, concentration, seed : see :func:`draw_weights` (defaults:
        ``params.scenarios``)
    grading, top_k : default the model's (``params.scoring.grading``, ``params.scenarios.top_k``)
    correlations : bool
        Compute tau and rho (one more pass over the draws).
    """
    model = _model(N, weights, grading=grading, top_k=top_k)
    W = draw_weights(model, draws=draws, method=method, concentration=concentration, seed=seed)
    sim = simulate(model, W, rank_distribution=rank_distribution, workers=workers)
    people = model.people.copy()
    probs = sim.probabilities()
    people = people.join(probs)
    if model.grading is not None:
        same = np.full(len(people), np.nan)
        for i, g in enumerate(people["grade"]):
            if isinstance(g, str) and f"p_{g}" in people:
                same[i] = people[f"p_{g}"].iloc[i]
        people.insert(people.columns.get_loc("p_top_k"), "p_same_grade", same)
    tau = rho = np.full(len(W), np.nan)
    if correlations:
        base = model.scores(model.weights)
        parts = [rank_correlations(base, model.scores(W.iloc[a:a + 2000])) for a in range(0, len(W), 2000)]
        tau = np.concatenate([p[0] for p in parts])
        rho = np.concatenate([p[1] for p in parts])
    conc = float(concentration if concentration is not None else model.settings.get("concentration", 50.0))
    return MonteCarlo(method=method, draws=len(W), concentration=conc,
                      seed=int(seed if seed is not None else model.settings.get("seed", 0)), top_k=model.top_k,
                      grades=list(sim.grades), people=people, weights=W, tau=tau, rho=rho)


# ============================================================================= exact sweep
def _polymul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Products of polynomials (coefficients low order first) along the last axis."""
    out = np.zeros(a.shape[:-1] + (a.shape[-1] + b.shape[-1] - 1,))
    for i in range(a.shape[-1]):
        out[..., i:i + b.shape[-1]] += a[..., i:i + 1] * b
    return out


def _pad(a: np.ndarray, size: int) -> np.ndarray:
    return np.concatenate([a, np.zeros(a.shape[:-1] + (size - a.shape[-1],))], axis=-1) if a.shape[-1] < size else a


def _polyval(c: np.ndarray, t) -> np.ndarray:
    """Evaluate polynomials c (..., d+1) at t (broadcast against the leading axes)."""
    out = np.zeros(np.broadcast_shapes(c.shape[:-1], np.shape(t)))
    for i in range(c.shape[-1] - 1, -1, -1):
        out = out * t + c[..., i]
    return out


def _roots01(c: np.ndarray, lo: float = 0.0, hi: float = 1.0) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Real sign-changing roots in [lo, hi] of each polynomial row of ``c`` (low order first).

    Returns, per row, the roots and whether the polynomial goes from - to + there. Degree
    <= 2 (after dropping leading coefficients below 1e-12 of the largest) is solved in
    closed form, vectorised; higher degrees with ``numpy.roots``. A root of even
    multiplicity (a touch without crossing) is not a crossing.
    """
    c = np.asarray(c, dtype="float64")
    m = len(c)
    scale = np.max(np.abs(c), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cn = np.where(scale[:, None] > 0, c / scale[:, None], 0.0)
    cn = np.where(np.abs(cn) < 1e-12, 0.0, cn)
    nz = np.abs(cn) > 0
    deg = np.where(nz.any(axis=1), c.shape[1] - 1 - np.argmax(nz[:, ::-1], axis=1), -1)
    roots = [np.empty(0)] * m
    ups = [np.empty(0, dtype=bool)] * m
    c0 = cn[:, 0]
    c1 = cn[:, 1] if cn.shape[1] > 1 else np.zeros(m)
    c2 = cn[:, 2] if cn.shape[1] > 2 else np.zeros(m)
    lin = np.flatnonzero(deg == 1)
    if len(lin):
        t = -c0[lin] / c1[lin]
        keep = (t >= lo - _T_TOL) & (t <= hi + _T_TOL)
        for i, r, up in zip(lin[keep], np.clip(t[keep], lo, hi), c1[lin][keep] > 0):
            roots[i], ups[i] = np.array([r]), np.array([up])
    quad = np.flatnonzero(deg == 2)
    if len(quad):
        a, b, cc = c2[quad], c1[quad], c0[quad]
        disc = b * b - 4 * a * cc
        ok = disc > 1e-24
        sq = np.sqrt(np.where(ok, disc, 0.0))
        q = -0.5 * (b + np.where(b >= 0, sq, -sq))
        with np.errstate(invalid="ignore", divide="ignore"):
            r1 = np.where(q != 0, cc / q, np.nan)
            r2 = q / a
        t_lo, t_hi = np.minimum(r1, r2), np.maximum(r1, r2)
        for idx in np.flatnonzero(ok):
            i = quad[idx]
            rs, us = [], []
            # a > 0: + outside the roots: - at the first root going up, + at the second
            for r, up in ((t_lo[idx], a[idx] < 0), (t_hi[idx], a[idx] > 0)):
                if np.isfinite(r) and lo - _T_TOL <= r <= hi + _T_TOL:
                    rs.append(min(max(r, lo), hi))
                    us.append(up)
            if rs:
                roots[i], ups[i] = np.array(rs), np.array(us, dtype=bool)
    for i in np.flatnonzero(deg > 2):
        coef = cn[i, :deg[i] + 1]
        rr = np.roots(coef[::-1])
        rr = np.sort(rr[np.abs(rr.imag) <= 1e-9].real)
        rs, us = [], []
        for r in rr:
            if not lo - _T_TOL <= r <= hi + _T_TOL:
                continue
            eps = 1e-7
            before, after = _polyval(coef, r - eps), _polyval(coef, r + eps)
            if np.sign(before) != np.sign(after) and before != 0 and after != 0:
                rs.append(min(max(r, lo), hi))
                us.append(after > 0)
        if rs:
            roots[i], ups[i] = np.array(rs), np.array(us, dtype=bool)
    return [r + 0.0 for r in roots], ups   # (+ 0.0: a root of -0.0 is 0)


@dataclass
class Sweep:
    """What :func:`sweep` found for one KPI's weight ``t`` in [0, 1] (the role's other
    weights rescaled in proportion so the role's weights still sum to 1).

    Attributes
    ----------
    people : DataFrame
        One row per person (by current rank): name, team, role, score, rank (competition
        rank at the current weight), ``rank_from``/``rank_to`` (the interval of the weight
        in which the person keeps that rank), ``grade``, ``grade_from``/``grade_to``,
        ``in_top_k``, ``top_k_from``/``top_k_to`` (the interval in which they stay in, or
        stay out of, the top k). At an interval's ends the person ties with someone (or a
        grade threshold); beyond them the rank, grade or top-k place changes.
    crossings : DataFrame
        Every weight strictly between 0 and 1 at which two people swap places: ``weight``,
        ``rises`` (who moves ahead as the weight grows), ``falls``, with their names. Two
        people who only tie at 0 or at 1 keep their order over the whole range (no weight
        beyond it exists), so that tie is not a crossing; it still ends their rank interval.
    """

    kpi: str
    role: str
    column: str
    weight: float
    top_k: int
    people: pd.DataFrame
    crossings: pd.DataFrame
    notes: list[str]
    _num: np.ndarray = field(repr=False)
    _den: np.ndarray = field(repr=False)
    _ids: pd.Index = field(repr=False)

    __repr__ = compact_repr

    def scores(self, t) -> pd.DataFrame:
        """Scores at the weights ``t`` (one row per weight, one column per person, in the
        scorecard's order)."""
        t = np.atleast_1d(np.asarray(t, dtype="float64"))
        with np.errstate(invalid="ignore", divide="ignore"):
            v = _polyval(self._num[None, :, :], t[:, None]) / _polyval(self._den[None, :, :], t[:, None])
        return pd.DataFrame(v, index=pd.Index(t, name="weight"), columns=self._ids)

    def ranks(self, t) -> pd.DataFrame:
        """Competition ranks at the weights ``t``."""
        s = self.scores(t)
        return pd.DataFrame(rank_matrix(s.to_numpy(), tie="min"), index=s.index, columns=s.columns)

    def first_place(self) -> pd.Series:
        """The current number one's row: from ``rank_to`` upward (and below ``rank_from``)
        they are no longer first."""
        return self.people.sort_values("rank", kind="mergesort").iloc[0]


def _score_polys(model: ScoreModel, col: str) -> tuple[np.ndarray, np.ndarray, float, list[str]]:
    """Each person's score as num(t) / den(t), polynomials in the swept weight t."""
    cols = model.columns
    j = cols.index(col)
    role = model.role_of[col]
    block = np.array([model.role_of[c] == role for c in cols])
    w = model.weights.to_numpy(dtype="float64")
    wb = np.where(block, w, 0.0)
    if wb.sum() <= 0:
        raise ScoringError(f"the role '{role}' has no positive weights to sweep")
    wb = wb / wb.sum()
    t0 = float(wb[j])
    if t0 >= 1 - 1e-12:
        raise ScoringError(f"'{model.kpi_of[col]}' carries all of the role's weight: there are no other weights "
                           "to rescale")
    rest = wb.copy()
    rest[j] = 0.0
    rest = rest / (1 - t0)
    X = model.points.to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(X)
    X0 = np.where(known, X, 0.0)
    K0 = model.kpi_points(model.weights)
    in_block = known[:, block].any(axis=1)
    A, D = X0[:, j], known[:, j].astype("float64")
    B, C = X0 @ rest, known.astype("float64") @ rest
    p, q, r, u = B.copy(), A - B, C.copy(), D - C
    with np.errstate(invalid="ignore", divide="ignore"):
        only_rest = in_block & (D == 0) & (C > 0)
        only_j = in_block & (C == 0) & (D > 0)
        const = ~in_block | only_rest | only_j | ((C == 0) & (D == 0))
        value = np.where(only_rest, B / np.where(C > 0, C, 1.0), np.where(only_j, A, K0))
        value = np.where(in_block & (C == 0) & (D == 0), np.nan, value)
    p = np.where(const, value, p)
    q = np.where(const, 0.0, q)
    r = np.where(const, 1.0, r)
    u = np.where(const, 0.0, u)
    st = model.steps
    c, e = st.affine(np.where(np.isnan(K0), 0.0, K0))
    num = np.column_stack([c * p + e * r, c * q + e * u])          # individual score numerator
    den = np.column_stack([r, u])
    notes: list[str] = []
    if st.discount > 0 and st.over is not None and st.over.any():
        c_nd, e_nd = st._replace(discount=0.0).affine(np.where(np.isnan(K0), 0.0, K0))
        flips = []
        for i in np.flatnonzero(st.over & ~np.isnan(K0)):
            sub_num = np.array([c_nd[i] * p[i] + e_nd[i] * r[i], c_nd[i] * q[i] + e_nd[i] * u[i]])
            rs, _ = _roots01(sub_num[None, :])
            if len(rs[0]):
                flips.append(str(model.people.index[i]))
        if flips:
            notes.append(Note("the sales-cost discount of " + ", ".join(flips) + " would switch on or off within "
                              "the sweep (score before it crossing 0); it is held as at the current weights.",
                              "、".join(flips) + " 的销售费用率折扣会在扫描范围内开启或关闭（折扣前得分越过 0）；"
                              "此处按当前权重时的状态保持不变。"))
    if st.team_weight > 0 and st.team is not None and (st.team >= 0).any():
        num, den = _team_polys(num, den, st.team, st.team_weight)
    return num, den, t0, notes


def _team_polys(num: np.ndarray, den: np.ndarray, team: np.ndarray, tw: float) -> tuple[np.ndarray, np.ndarray]:
    """Apply the team blend to individual scores num/den (degree-1 polynomials)."""
    n = len(num)
    nums, dens = [None] * n, [None] * n
    valid = ~np.isnan(num).any(axis=1) & ~np.isnan(den).any(axis=1)
    for i in np.flatnonzero((team < 0) | ~valid):
        nums[i], dens[i] = num[i], den[i]
    for code in np.unique(team[team >= 0]):
        members = np.flatnonzero((team == code) & valid)
        if not len(members):
            continue
        # distinct non-constant denominators (scaled to 1 at t = 0.5) form the common one
        factors: list[np.ndarray] = []
        which, scale = {}, {}
        for i in members:
            d = den[i]
            mid = d[0] + 0.5 * d[1]
            if abs(d[1]) <= 1e-15 * max(abs(d[0]), 1e-300):
                which[i], scale[i] = None, d[0]
                continue
            f = d / mid
            hit = next((a for a, g in enumerate(factors) if np.allclose(g, f, rtol=1e-12, atol=1e-15)), None)
            if hit is None:
                factors.append(f)
                hit = len(factors) - 1
            which[i], scale[i] = hit, mid
        common = np.array([1.0])
        for f in factors:
            common = _polymul(common, f)

        def over_common(i: int) -> np.ndarray:
            """num_i / den_i written over the common denominator: its numerator."""
            out = num[i] / scale[i]
            for a, f in enumerate(factors):
                if a != which[i]:
                    out = _polymul(out, f)
            return out

        parts = {i: over_common(i) for i in members}
        size = max(len(v) for v in parts.values())
        total = sum(_pad(v, size) for v in parts.values()) / len(members)
        for i in members:
            nums[i] = (1 - tw) * _pad(parts[i], size) + tw * total
            dens[i] = _pad(common, size)
    size = max(len(v) for v in nums + dens)
    return np.stack([_pad(np.asarray(v, dtype="float64"), size) for v in nums]), \
        np.stack([_pad(np.asarray(v, dtype="float64"), size) for v in dens])


def _walk(t: np.ndarray, delta: np.ndarray, start: int, ok) -> float | None:
    """The first event (in walking order) after which ``ok(state)`` fails; None if never.

    ``t`` are the event weights in walking order, ``delta`` the change of the count of
    people above the person at each; events at the same weight are applied together."""
    if not len(t):
        return None
    state = start + np.cumsum(delta)
    last = np.r_[np.abs(np.diff(t)) > _T_TOL, True]
    bad = np.flatnonzero(last & ~ok(state))
    return float(t[bad[0]]) if len(bad) else None


def sweep(N, weights=None, kpi: str | None = None, *, role: str | None = None, grading=None,
          top_k: int | None = None) -> Sweep:
    """Sweep one KPI's weight from 0 to 1, exactly.

    The role's other weights are rescaled in proportion (``w_l (1 - t) / (1 - w_kpi)``), so
    a person's KPI points are ``(t a_i + (1 - t) b_i)`` over the weight of the KPIs they
    have, a ratio of two straight lines in ``t`` (a straight line when nothing is missing);
    the scorer's later steps keep it a ratio of polynomials (the team blend adds up the
    team's). The weight at which two people swap places is then a root of a low-degree
    polynomial, found in closed form (``numpy.roots`` beyond degree 2), never by sampling.
    From the roots: each person's interval of the weight in which they keep their rank,
    their grade and their top-k place. The sales-cost discount, if any, is held as at
    the current weights (a note lists anyone whose discount would switch).

    Parameters
    ----------
    N : ScoreModel, or a points matrix (then ``weights`` = the plan's weights)
    weights : the plan's weights with a plain matrix; with a model, may be the KPI
    kpi : str
    role : str, optional
        Which role's weight, when several varied roles weigh the KPI.
    grading, top_k : default the model's

    Examples
    --------
    From what revenue weight does the current number one lose first place?

    >>> s = sweep(model, "revenue")                                   # doctest: +SKIP
    >>> s.first_place()[["name", "rank_from", "rank_to"]]             # doctest: +SKIP
    """
    if isinstance(N, ScoreModel) and isinstance(weights, str) and kpi is None:
        weights, kpi = None, weights
    if kpi is None:
        raise ScoringError("name the KPI whose weight to sweep (kpi=...)")
    model = _model(N, weights, grading=grading, top_k=top_k)
    col = model.column(kpi, role)
    if _unmeasured(model, [col]):
        raise ScoringError(f"'{kpi}' cannot be swept: nobody of the role '{model.role_of[col]}' has points of it "
                           "this period, so its weight moves nobody (the scorer shares it out among the other "
                           "KPIs) and every rank would read as unchanged. Sweep a KPI someone has points of: "
                           + ", ".join(str(model.kpi_of[c]) for c in model.columns
                                       if model.role_of[c] == model.role_of[col] and not _unmeasured(model, [c]))
                           + ".")
    num, den, t0, notes = _score_polys(model, col)
    n = len(num)
    k = int(model.top_k)
    with np.errstate(invalid="ignore", divide="ignore"):
        score0 = _polyval(num, t0) / _polyval(den, t0)
    valid = ~np.isnan(score0)
    idx = np.flatnonzero(valid)
    nv = len(idx)
    ii, jj = np.triu_indices(nv, 1)
    I, J = idx[ii], idx[jj]
    # sign(score_I - score_J) = sign(num_I den_J - num_J den_I): both denominators are > 0
    g = _polymul(num[I], den[J]) - _polymul(num[J], den[I])
    roots, ups = _roots01(g)
    gscale = np.max(np.abs(g), axis=1) if len(g) else np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        g0 = np.where(gscale > 0, _polyval(g, t0) / np.where(gscale > 0, gscale, 1.0), 0.0)
    at_t0 = np.array([bool(len(r)) and bool((np.abs(r - t0) <= _T_TOL).any()) for r in roots], dtype=bool)
    g0 = np.where(at_t0 | (np.abs(g0) <= 1e-12), 0.0, g0)
    above = np.zeros(n, dtype=np.int64)        # people strictly above, at the current weight
    np.add.at(above, I[g0 < 0], 1)
    np.add.at(above, J[g0 > 0], 1)
    # events: per crossing, for each of the two people, whether the other one rises above
    ev_p, ev_t, ev_other_up, ev_o = [], [], [], []
    rows = []
    for pair in np.flatnonzero([len(r) > 0 for r in roots]):
        for t, up in zip(roots[pair], ups[pair]):
            a, b = I[pair], J[pair]            # up: score_a - score_b turns positive: a rises
            ev_p += [a, b]
            ev_o += [b, a]
            ev_t += [t, t]
            ev_other_up += [not up, bool(up)]
            if _T_TOL < t < 1.0 - _T_TOL:      # (a tie at an end of the range swaps nobody)
                rows.append((t, a if up else b, b if up else a))
    ev_p, ev_t = np.asarray(ev_p, dtype=np.int64), np.asarray(ev_t, dtype="float64")
    ev_other_up, ev_o = np.asarray(ev_other_up, dtype=bool), np.asarray(ev_o, dtype=np.int64)
    order = np.lexsort((ev_t, ev_p))
    ev_p, ev_t, ev_other_up, ev_o = ev_p[order], ev_t[order], ev_other_up[order], ev_o[order]
    starts = np.searchsorted(ev_p, np.arange(n + 1))

    grader = None if model.grading is None else _Grader.of(model.grading)
    cuts = grader.cuts(nv) if grader is not None and grader.method == "forced" else None
    # a forced distribution within each role: a person's grade follows the people of their
    # group alone (those above them, the group's size, the swaps with them)
    gg = model.grade_groups if cuts is not None else None
    if gg is not None:
        same = gg[I] == gg[J]
        above_g = np.zeros(n, dtype=np.int64)
        np.add.at(above_g, I[same & (g0 < 0)], 1)
        np.add.at(above_g, J[same & (g0 > 0)], 1)
        scored_g = pd.Series(gg[idx]).value_counts().to_dict()
    people = model.people[["name", "team", "role"]].copy()
    out = {key: np.full(n, np.nan) for key in ("rank", "rank_from", "rank_to", "top_k_from", "top_k_to",
                                               "grade_from", "grade_to")}
    grade_now = np.full(n, None, dtype=object)
    in_top = np.full(n, None, dtype=object)
    def walks(t: np.ndarray, other_up: np.ndarray) -> tuple:
        """A person's events to the right of the current weight and to its left, in walking
        order, each with its change of the count of people above them."""
        right = t >= t0 - _T_TOL
        tr = t[right]
        dr = np.where(other_up[right], 1, np.where(tr > t0 + _T_TOL, -1, 0))
        left = t <= t0 + _T_TOL
        tl = t[left][::-1]
        dl = np.where(~other_up[left][::-1], 1, np.where(tl < t0 - _T_TOL, -1, 0))
        return tr, dr, tl, dl

    def between(w: tuple, a0: int, ok) -> tuple[float, float]:
        tr, dr, tl, dl = w
        hi = _walk(tr, dr, a0, ok)
        lo = _walk(tl, dl, a0, ok)
        return (0.0 if lo is None else lo), (1.0 if hi is None else hi)

    for i in idx:
        t = ev_t[starts[i]:starts[i + 1]]
        other_up = ev_other_up[starts[i]:starts[i + 1]]
        a0 = int(above[i])
        mine = walks(t, other_up)

        def interval(ok, mine=mine, a0=a0) -> tuple[float, float]:
            return between(mine, a0, ok)

        out["rank"][i] = a0 + 1
        out["rank_from"][i], out["rank_to"][i] = interval(lambda s, a0=a0: s == a0)
        top = a0 < k
        in_top[i] = top
        out["top_k_from"][i], out["top_k_to"][i] = interval(lambda s, top=top: (s < k) == top)
        if grader is None:
            continue
        if grader.method == "forced":
            c, a = cuts, a0
            if gg is not None:  # (within the person's group: its size, those of it above, its swaps)
                c, a = grader.cuts(scored_g[gg[i]]), int(above_g[i])
                with_group = gg[ev_o[starts[i]:starts[i + 1]]] == gg[i]
                grade_walks = walks(t[with_group], other_up[with_group])
            code0 = int(min(np.searchsorted(c, a + 1, side="left"), len(c) - 1))
            grade_now[i] = grader.labels[code0]
            band = (lambda s, code0=code0, c=c: np.minimum(np.searchsorted(c, s + 1, side="left"),
                                                            len(c) - 1) == code0)
            out["grade_from"][i], out["grade_to"][i] = between(grade_walks, a, band) if gg is not None \
                else interval(band)
        else:
            code0 = int(grader.codes(np.array([score0[i]]))[0])
            grade_now[i] = grader.labels[code0]
            polys = np.stack([num[i] - thr * den[i] for thr in grader.thresholds[:-1]]) \
                if len(grader.thresholds) > 1 else np.zeros((0, num.shape[1]))
            rr = np.sort(np.concatenate(_roots01(polys)[0])) if len(polys) else np.empty(0)

            def code_at(x: float, i=i) -> int:
                v = _polyval(num[i], x) / _polyval(den[i], x)
                return int(grader.codes(np.array([v]))[0])

            hi, lo = 1.0, 0.0
            cand = np.r_[t0, rr[rr > t0 + _T_TOL], 1.0]
            for a, b in zip(cand[:-1], cand[1:]):
                if b - a > _T_TOL and code_at(0.5 * (a + b)) != code0:
                    hi = float(a)
                    break
            cand = np.r_[t0, rr[rr < t0 - _T_TOL][::-1], 0.0]
            for a, b in zip(cand[:-1], cand[1:]):
                if a - b > _T_TOL and code_at(0.5 * (a + b)) != code0:
                    lo = float(a)
                    break
            out["grade_from"][i], out["grade_to"][i] = lo, hi
    out = {key: v + 0.0 for key, v in out.items()}   # (+ 0.0: never -0.0)
    people["score"] = score0
    people["rank"] = out["rank"]
    people["rank_from"], people["rank_to"] = out["rank_from"], out["rank_to"]
    if grader is not None:
        people["grade"] = grade_now
        people["grade_from"], people["grade_to"] = out["grade_from"], out["grade_to"]
    people["in_top_k"] = pd.array(in_top, dtype="boolean")   # (NA: not ranked)
    people["top_k_from"], people["top_k_to"] = out["top_k_from"], out["top_k_to"]
    people = people.sort_values(["rank"], kind="mergesort", na_position="last")
    names = model.people["name"]
    ids = model.people.index
    crossings = pd.DataFrame(rows, columns=["weight", "rises", "falls"])
    crossings = crossings.assign(rises=ids[crossings["rises"].to_numpy(dtype=int)] if len(crossings) else [],
                                 falls=ids[crossings["falls"].to_numpy(dtype=int)] if len(crossings) else [])
    crossings["rises_name"] = crossings["rises"].map(names)
    crossings["falls_name"] = crossings["falls"].map(names)
    crossings = crossings.sort_values(["weight", "rises", "falls"], kind="mergesort").reset_index(drop=True)
    return Sweep(kpi=model.kpi_of[col], role=model.role_of[col], column=col, weight=t0, top_k=k,
                 people=people, crossings=crossings, notes=notes, _num=num, _den=den, _ids=model.people.index)


# ============================================================================= sensitivity
def _output(model: ScoreModel, output) -> tuple[str, Any]:
    """Parse an output spec: "stability", ("score", id) / "score:<id>", ("rank", id) / "rank:<id>"."""
    if isinstance(output, str) and ":" in output:
        output = tuple(output.split(":", 1))
    if output == "stability":
        return "stability", None
    if isinstance(output, tuple) and len(output) == 2 and output[0] in ("score", "rank"):
        who = str(output[1])
        ids = model.people.index.astype(str)
        if who not in set(ids):
            names = model.people["name"].astype(str)
            match = ids[names == who]
            if len(match) != 1:
                raise ScoringError(f"'{who}' is not an employee_id (or a unique name) of the scorecard."
                                   + did_you_mean(who, list(ids) + list(names)))
            who = match[0]
        return output[0], int(np.flatnonzero(ids == who)[0])
    raise ScoringError(f"The value for `output` must be one of ['stability', 'score:<employee_id>', "
                       f"'rank:<employee_id>'], but {output!r} was passed.")


def _evaluate(model: ScoreModel, W: np.ndarray, kind: str, who) -> np.ndarray:
    out = []
    base = model.scores(model.weights) if kind == "stability" else None
    for a in range(0, len(W), 2000):
        S = np.atleast_2d(model.scores(W[a:a + 2000]))
        if kind == "stability":
            out.append(rank_correlations(base, S)[0])
        elif kind == "score":
            out.append(S[:, who])
        else:
            out.append(rank_matrix(S, tie="min")[:, who])
    return np.concatenate(out) if out else np.empty(0)


def _flat_to_constant(Y: np.ndarray) -> np.ndarray:
    """An output that only moves by float noise is constant (its indices come out NaN,
    not as ratios of noise)."""
    finite = Y[np.isfinite(Y)]
    if finite.size and np.ptp(finite) <= 1e-9 * max(1.0, float(np.max(np.abs(finite)))):
        return np.full_like(Y, float(finite[0]))
    return Y


def _unmeasured(model: ScoreModel, cols) -> list[str]:
    """The columns of ``cols`` nobody has points of (the scorer shares their weight out)."""
    return [c for c in cols if not model.points[c].notna().any()]


def _unmeasured_note(model: ScoreModel, cols: list[str]) -> Note:
    """Left out of an analysis: weights on KPIs nobody of the role has points of."""
    by_role: dict[str, list[str]] = {}
    for c in cols:
        by_role.setdefault(str(model.role_of[c]), []).append(str(model.kpi_of[c]))
    en = "; ".join(f"{', '.join(ks)} for the role '{model.role_name(r, 'en')}'" for r, ks in by_role.items())
    zh = "；".join(f"岗位「{model.role_name(r, 'zh')}」的{_zh_kpis(ks)}" for r, ks in by_role.items())
    one = len(cols) == 1
    return Note(f"left out: {en}: nobody of the role has points of {'it' if one else 'them'} this period, so "
                f"{'its weight moves' if one else 'their weights move'} nobody (the scorer shares "
                f"{'it' if one else 'them'} out among the other KPIs); 'no effect' would only mean 'not measured'.",
                f"未计入：{zh}：本期该岗位无人有该指标得分，其权重不影响任何人（评分时按比例分给其他指标），"
                "显示为“无影响”只说明未度量。")


def _factors(model: ScoreModel) -> tuple[list[str], list[Note], list[str]]:
    """The weights an analysis varies (the varied roles' KPIs with a plan weight above 0
    that someone has points of), a note naming those left out for having no points, and
    those columns."""
    cols = [c for c in model.varied if model.weights[c] > 0]
    empty = _unmeasured(model, cols)
    return [c for c in cols if c not in empty], ([_unmeasured_note(model, empty)] if empty else []), empty


def _weights_from_factors(model: ScoreModel, cols: list[str], F: np.ndarray) -> np.ndarray:
    """Weight rows: each factor multiplies its column's plan weight; each role's block is
    then rescaled to sum to 1."""
    W = np.tile(model.weights.to_numpy(dtype="float64"), (len(F), 1))
    pos = [model.columns.index(c) for c in cols]
    W[:, pos] = W[:, pos] * F
    for role in {model.role_of[c] for c in cols}:
        block = [i for i, c in enumerate(model.columns) if model.role_of[c] == role]
        sums = W[:, block].sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            W[:, block] = W[:, block] / sums
    return W


def sensitivity(N, weights=None, *, output="stability", method: str = "sobol", samples: int = 256,
                spread: float = 0.5, seed: int | None = None, levels: int = 4) -> pd.DataFrame:
    """Global sensitivity of the ranking (or of one person) to each weight, with SALib.

    Each varied KPI weight is multiplied by a factor drawn in ``[1 - spread, 1 + spread]``
    (independently), then each role's weights are rescaled to sum to 1; the factors are
    the inputs whose influence is measured (a KPI with a plan weight of 0 has none).

    Parameters
    ----------
    N : ScoreModel, or a points matrix with ``weights=``
    output : {"stability", "score:<employee_id>", "rank:<employee_id>"}
        What to explain: the team ranking's stability (Kendall's tau-b of everyone's
        scores against the baseline), one person's score, or their rank (a tuple
        ``("score", id)`` works too; a unique name is accepted for the id).
    method : {"sobol", "morris"}
        ``"sobol"``: Saltelli/Sobol' sampling (``samples`` x (k + 2) model runs, ``samples``
        a power of 2), first-order ``S1`` and total ``ST`` indices with 95 % confidence
        half-widths (bootstrap). ``"morris"``: elementary effects (``samples`` trajectories
        on a ``levels`` grid): ``mu_star`` (mean absolute effect), ``sigma`` (interaction
        and non-linearity), ``mu_star_conf``.
    seed : int, optional (default ``params.scenarios.seed``)

    Returns
    -------
    DataFrame indexed by KPI column: weight (the plan's) and the indices, sorted by ``ST``
    (Sobol) or ``mu_star`` (Morris), largest first. A constant output gives NaN indices.
    A KPI nobody of the role has points of is left out (its weight moves nobody, which is
    not the same as having no effect): ``attrs["left_out"]`` names them and
    ``attrs["notes"]`` says so.
    An index is an estimate from ``samples`` runs: a small one can come out slightly below 0
    (S1 = -0.05 ± 0.09 is 0 within its confidence half-width, not an error); more samples
    narrow the half-widths.
    """
    check_one_of("method", method, ["sobol", "morris"], error=ScoringError)
    model = _model(N, weights)
    kind, who = _output(model, output)
    cols, notes, unmeasured = _factors(model)
    if len(cols) < 2:
        raise ScoringError("sensitivity needs at least two weighted KPIs to vary"
                           + (f" that someone has points of ({notes[0]})" if notes else ""))
    _check_spread(spread)
    if method == "sobol" and (int(samples) != samples or samples < 2 or int(samples) & (int(samples) - 1)):
        lower = 2 ** max(1, int(np.log2(max(samples, 2))))
        raise ScoringError(f"samples={samples!r}: Sobol' sampling needs a power of 2 (its sequence is balanced "
                           f"only at 2, 4, 8, ...). Fix: samples={lower} or samples={lower * 2}.")
    seed = int(seed if seed is not None else model.settings.get("seed", 0))
    # SALib treats a seed of 0 as "no seed" (its bootstrap intervals would then change from
    # run to run), so it is handed seed + 1: every seed, 0 included, gives identical results.
    seed = seed + 1
    problem = {"num_vars": len(cols), "names": [str(c) for c in cols],
               "bounds": [[1 - spread, 1 + spread]] * len(cols)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            from SALib.analyze import sobol as analyze
            from SALib.sample import sobol as sample

            X = sample.sample(problem, int(samples), calc_second_order=False, seed=seed)
            Y = _flat_to_constant(_evaluate(model, _weights_from_factors(model, cols, X), kind, who))
            res = analyze.analyze(problem, Y, calc_second_order=False, seed=seed)
            out = pd.DataFrame({"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
                                "ST_conf": res["ST_conf"]}, index=cols)
            key = "ST"
        else:
            from SALib.analyze import morris as analyze
            from SALib.sample import morris as sample

            X = sample.sample(problem, int(samples), num_levels=levels, seed=seed)
            Y = _flat_to_constant(_evaluate(model, _weights_from_factors(model, cols, X), kind, who))
            res = analyze.analyze(problem, X, Y, num_levels=levels, seed=seed)
            out = pd.DataFrame({"mu_star": res["mu_star"], "sigma": res["sigma"], "mu": res["mu"],
                                "mu_star_conf": res["mu_star_conf"]}, index=cols)
            key = "mu_star"
    out.insert(0, "weight", model.weights[cols].to_numpy())
    out.insert(0, "kpi", [model.kpi_of[c] for c in cols])
    out.index.name = "column"
    out.attrs.update(output=output, method=method, runs=len(Y), notes=notes,
                     left_out=[model.kpi_of[c] for c in unmeasured])
    return out.sort_values(key, ascending=False, kind="mergesort", na_position="last")


def _check_spread(spread) -> None:
    """A ScoringError unless ``spread`` is a share in (0, 1]."""
    if not 0 < spread <= 1:
        fix = (f"spread={spread - 1:g} varies each weight from {2 - spread:g} to {spread:g} times the plan's"
               if 1 < spread < 2 else f"write {spread:g} % as spread={spread / 100:g}" if 2 <= spread <= 100
               else "spread=0.5 varies each weight from half to 1.5 times the plan's")
        raise ScoringError(f"spread={spread:g}: the spread is the share by which each weight is varied either way, "
                           f"so it must be above 0 and at most 1. Fix: {fix}.")


def oat_ranges(N, weights=None, *, output="stability", spread: float = 0.5) -> pd.DataFrame:
    """One-at-a-time ranges for a tornado chart.

    Each varied KPI weight in turn is set to ``(1 - spread)`` and ``(1 + spread)`` times
    its plan weight (at most 1), the role's other weights rescaled in proportion; the
    output (as in :func:`sensitivity`) is computed at both ends.

    Returns
    -------
    DataFrame: kpi, column, weight, weight_low, weight_high, output_low, output_high, base,
    swing, sorted by swing, largest first. The swing is the spread of the output over the
    two ends and the baseline, ``max(low, base, high) - min(low, base, high)``: ``|high -
    low|`` when the output moves one way with the weight (a score), and the larger move
    when both ends move it the same way (the ranking's stability is highest at the plan's
    weights, and a rank may fall whether the weight is lowered or raised). KPIs nobody of
    the role has points of are left out, as in :func:`sensitivity` (``attrs["left_out"]``,
    ``attrs["notes"]``); :func:`tornado` names them under the chart.
    """
    _check_spread(spread)
    model = _model(N, weights)
    kind, who = _output(model, output)
    cols, notes, unmeasured = _factors(model)
    rows = []
    base_w = model.weights.to_numpy(dtype="float64")
    base = float(_evaluate(model, base_w[None, :], kind, who)[0])
    for c in cols:
        j = model.columns.index(c)
        block = [i for i, x in enumerate(model.columns) if model.role_of[x] == model.role_of[c]]
        total = base_w[block].sum()
        wj = base_w[j] / total
        Ws = []
        for t in (wj * (1 - spread), min(wj * (1 + spread), 1.0)):
            w = base_w.copy()
            others = [i for i in block if i != j]
            rest = w[others].sum()
            w[others] = w[others] / rest * (1 - t) if rest > 0 else 0.0
            w[j] = t
            Ws.append(w)
        lo, hi = _evaluate(model, np.array(Ws), kind, who)
        rows.append({"kpi": model.kpi_of[c], "column": c, "weight": wj, "weight_low": wj * (1 - spread),
                     "weight_high": min(wj * (1 + spread), 1.0), "output_low": lo, "output_high": hi,
                     "base": base, "swing": float(np.ptp([lo, base, hi]))})
    out = pd.DataFrame(rows, columns=["kpi", "column", "weight", "weight_low", "weight_high", "output_low",
                                      "output_high", "base", "swing"])
    out.attrs.update(output=output, spread=spread, notes=notes, left_out=[model.kpi_of[c] for c in unmeasured])
    return out.sort_values("swing", ascending=False, kind="mergesort").reset_index(drop=True)


# ============================================================================= data-driven weights
def _complete_rows(X) -> tuple[np.ndarray, pd.Index | None, list]:
    A, index, columns = _as_matrix(X)
    cols = columns if columns is not None else list(range(A.shape[1]))
    keep = ~np.isnan(A).any(axis=1)
    return A[keep], (index[keep] if index is not None else None), cols


def _minmax(A: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """(x - min) / (max - min) for a benefit column, (max - x) / (max - min) for a cost
    column; a constant column becomes 0 (and no row, no value: nothing to normalise)."""
    if not len(A):
        return A.astype("float64")
    lo, hi = A.min(axis=0), A.max(axis=0)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        R = np.where(higher, A - lo, hi - A) / np.where(span > 0, span, np.nan)
    return np.where(span > 0, R, 0.0)


def entropy_weights(X, *, higher_is_better=None, variant: str = "normalised") -> pd.Series:
    """熵权法 — entropy weights: the more a criterion's values differ between people, the
    more information it carries and the more weight it gets.

    With m people (rows with a missing value are left out) and criterion j::

        p_ij = y_ij / sum_i y_ij
        e_j  = -1 / ln(m) x sum_i p_ij ln p_ij        (0 x ln 0 = 0)
        d_j  = 1 - e_j,        w_j = d_j / sum_j d_j

    Variants (the literature uses both; say which you quote):

    - ``"normalised"`` (default): ``y`` = the values min-max normalised **with direction
      first**, (x - min) / (max - min) for a KPI where higher is better, (max - x) /
      (max - min) where lower is better (``higher_is_better``; default: the KPI catalogue).
      A constant column has no information (e = 1, weight 0).
    - ``"raw"``: ``y`` = the raw values (they must be >= 0). The direction does not enter:
      entropy measures only how unevenly the values are spread.

    Returns
    -------
    Series of weights (sum 1) indexed by column; NaN when fewer than two people remain (none,
    when each misses a value) or no column varies. ``attrs["entropy"]`` holds e_j, ``attrs["people"]`` m.
    """
    check_one_of("variant", variant, ["normalised", "raw"], error=ScoringError)
    A, _, cols = _complete_rows(X)
    m, k = A.shape
    if variant == "raw":
        if (A < 0).any():
            raise ScoringError("the raw entropy variant needs values >= 0; use variant='normalised' "
                               "(min-max with direction first)")
        Y = A
    else:
        Y = _minmax(A, _direction(higher_is_better, cols if isinstance(X, pd.DataFrame) else None, k))
    e = np.full(k, np.nan)
    if m >= 2:
        sums = Y.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            P = Y / np.where(sums > 0, sums, np.nan)
            plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0)
        e = np.where(sums > 0, -plogp.sum(axis=0) / np.log(m), 1.0)
    d = 1.0 - e
    total = d.sum()
    w = d / total if np.isfinite(total) and total > 0 else np.full(k, np.nan)
    out = pd.Series(w, index=pd.Index(cols, name="kpi"), name="entropy")
    out.attrs.update(entropy=pd.Series(e, index=cols), people=m, variant=variant)
    return out


def critic_weights(X, *, higher_is_better=None) -> pd.Series:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995): contrast times conflict.

    Each criterion is min-max normalised with its direction (benefit: (x - min) / (max -
    min), cost: (max - x) / (max - min); ``higher_is_better`` default: the KPI catalogue);
    rows with a missing value are left out. Then::

        C_j = sigma_j x sum_k (1 - r_jk),      w_j = C_j / sum_j C_j

    ``sigma_j`` the standard deviation of the normalised column (ddof 1; the weights do not
    depend on that choice, which scales every ``C_j`` alike) and ``r_jk`` the Pearson
    correlation of the normalised columns (a constant column has sigma 0: weight 0, and
    counts as uncorrelated with the others).

    Returns
    -------
    Series of weights indexed by column; ``attrs["information"]`` holds C_j.
    """
    A, _, cols = _complete_rows(X)
    m, k = A.shape
    if m < 3:
        out = pd.Series(np.nan, index=pd.Index(cols, name="kpi"), name="critic")
        out.attrs.update(information=pd.Series(np.nan, index=cols), people=m)
        return out
    R = _minmax(A, _direction(higher_is_better, cols if isinstance(X, pd.DataFrame) else None, k))
    sd = R.std(axis=0, ddof=1)
    Z = R - R.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = (Z.T @ Z) / (m - 1) / np.outer(sd, sd)
    corr = np.where(np.isfinite(corr), corr, 0.0)
    np.fill_diagonal(corr, 1.0)
    C = sd * (1.0 - corr).sum(axis=0)
    total = C.sum()
    w = C / total if total > 0 else np.full(k, np.nan)
    out = pd.Series(w, index=pd.Index(cols, name="kpi"), name="critic")
    out.attrs.update(information=pd.Series(C, index=cols), people=m)
    return out


#: Saaty's random consistency index RI by matrix size n (Saaty 1980, *The Analytic
#: Hierarchy Process*, McGraw-Hill): the mean CI of random reciprocal matrices.
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}


class AHPResult(NamedTuple):
    """AHP priorities and consistency: ``weights`` (Series), ``lambda_max``, ``ci``
    (consistency index), ``cr`` (consistency ratio), ``ri`` (Saaty's random index) and
    ``consistent`` (CR <= 0.1)."""

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    ri: float
    consistent: bool


def ahp_weights(matrix, *, names=None, method: str = "eigenvector") -> AHPResult:
    """AHP (Saaty) priorities from a pairwise comparison matrix.

    ``matrix[i][j]`` says how much more important criterion i is than j on Saaty's 1-9
    scale (1 equal, 3 moderately, 5 strongly, 7 very strongly, 9 extremely more important);
    it must be positive with ones on the diagonal and reciprocal (``a_ji = 1 / a_ij``,
    checked to 2 %, so 0.333 passes for 1/3).

    - ``method="eigenvector"`` (Saaty's): the weights are the principal right eigenvector,
      scaled to sum 1; ``lambda_max`` its eigenvalue.
    - ``method="geometric"``: the normalised row geometric means; ``lambda_max`` is then
      the mean of (A w)_i / w_i. (For n = 3 both give the same weights.)

    Consistency: ``CI = (lambda_max - n) / (n - 1)``, ``CR = CI / RI(n)`` with Saaty's
    random index :data:`SAATY_RI`; CR > 0.1 is reported as inconsistent (revise the
    judgements). For n <= 2 the matrix is always consistent (CR = 0). n > 10 is refused:
    the RI table stops there, and Saaty advises at most 7 +- 2 elements per comparison
    (group the KPIs into a hierarchy instead).
    """
    check_one_of("method", method, ["eigenvector", "geometric"], error=ScoringError)
    A = np.asarray(matrix, dtype="float64")
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ScoringError(f"an AHP comparison matrix must be square, found shape {A.shape}")
    n = A.shape[0]
    if n > 10:
        raise ScoringError(f"an AHP comparison of {n} criteria is too large: Saaty's random index is tabulated "
                           "up to 10 (and he advises 7 +- 2); compare groups of KPIs in a hierarchy instead")
    if not np.isfinite(A).all() or (A <= 0).any():
        raise ScoringError("AHP judgements must be positive numbers (1/9 ... 9)")
    bad_diag = np.flatnonzero(np.abs(np.diag(A) - 1) > 1e-9)
    if len(bad_diag):
        i = bad_diag[0]
        raise ScoringError(f"the diagonal of an AHP matrix must be 1, found {A[i, i]:g} at row {i + 1}")
    prod = A * A.T
    bad = np.argwhere(np.abs(prod - 1) > 0.02)
    if len(bad):
        i, j = bad[0]
        raise ScoringError(f"an AHP matrix must be reciprocal: a[{i + 1}][{j + 1}] = {A[i, j]:g} but "
                           f"a[{j + 1}][{i + 1}] = {A[j, i]:g} (expected {1 / A[i, j]:.4g})")
    labels = list(names) if names is not None else list(range(n))
    if len(labels) != n:
        raise ScoringError(f"{len(labels)} name(s) for a {n} x {n} AHP matrix")
    if method == "eigenvector":
        vals, vecs = np.linalg.eig(A)
        top = int(np.argmax(vals.real))
        lam = float(vals[top].real)
        w = np.abs(vecs[:, top].real)
    else:
        w = np.exp(np.log(A).mean(axis=1))
        w = w / w.sum()
        lam = float(np.mean((A @ w) / w))
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = SAATY_RI[n]
    cr = ci / ri if ri > 0 else 0.0
    weights = pd.Series(w, index=pd.Index(labels, name="kpi"), name="ahp")
    return AHPResult(weights, lam, float(ci), float(cr), ri, bool(cr <= 0.1))


def topsis(X, weights, *, higher_is_better=None) -> pd.DataFrame:
    """TOPSIS (Hwang & Yoon 1981): closeness to the ideal, as an alternative to the
    weighted sum.

    Vector normalisation as in the original method, ``r_ij = x_ij / sqrt(sum_i x_ij^2)``;
    ``v_ij = w_j r_ij`` (weights scaled to sum 1); the ideal ``A+`` takes each column's
    best value (max where higher is better, min where lower is better), the anti-ideal
    ``A-`` the worst; ``S+_i``, ``S-_i`` are the Euclidean distances to them and the
    closeness ``C_i = S-_i / (S+_i + S-_i)`` (1 = the ideal). Rows with a missing value are
    left out (NaN); a column of zeros contributes nothing.

    Returns
    -------
    DataFrame (rows of X): closeness, s_plus, s_minus, rank (1 = closest to the ideal).
    """
    A, index, cols = _as_matrix(X)
    columns = cols if cols is not None else list(range(A.shape[1]))
    w = _as_weights(weights, cols, A.shape[1]).astype("float64")
    if w.ndim != 1 or w.sum() <= 0:
        raise ScoringError("TOPSIS needs one weight vector with a positive sum")
    w = w / w.sum()
    higher = _direction(higher_is_better, cols, A.shape[1])
    keep = ~np.isnan(A).any(axis=1)
    out = pd.DataFrame(np.nan, index=index if index is not None else pd.RangeIndex(len(A)),
                       columns=["closeness", "s_plus", "s_minus", "rank"])
    if keep.sum() >= 1:
        B = A[keep]
        norm = np.sqrt((B ** 2).sum(axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            V = np.where(norm > 0, B / np.where(norm > 0, norm, 1.0), 0.0) * w
        best = np.where(higher, V.max(axis=0), V.min(axis=0))
        worst = np.where(higher, V.min(axis=0), V.max(axis=0))
        sp = np.sqrt(((V - best) ** 2).sum(axis=1))
        sm = np.sqrt(((V - worst) ** 2).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.where(sp + sm > 0, sm / (sp + sm), np.nan)
        out.loc[out.index[keep], ["closeness", "s_plus", "s_minus"]] = np.column_stack([c, sp, sm])
        out["rank"] = rank_matrix(out["closeness"].to_numpy(), tie="min")
    out.attrs.update(columns=list(columns), weights=w)
    return out


def _ahp_spec(params, role: str, kpis: list[str]) -> tuple[list[str], Any] | None:
    """The AHP matrix of ``role`` in ``params.scenarios.ahp``: the entry named after the
    role (or with ``role: <role>``); its KPI order is its ``kpis`` list when given, else the
    order of the role's weights."""
    entries = dict(getattr(params.scenarios, "ahp", {}) or {})
    for name, spec in entries.items():
        spec = spec if isinstance(spec, Mapping) else spec.model_dump() if hasattr(spec, "model_dump") else dict(spec)
        if name == role or spec.get("role") == role:
            names = list(spec.get("kpis") or kpis)
            matrix = spec.get("matrix")
            if matrix is None:
                raise ParamsError(f"scenarios.ahp.{name}: give the pairwise comparison 'matrix'")
            if len(matrix) != len(names):
                raise ParamsError(f"scenarios.ahp.{name}.matrix has {len(matrix)} rows but the role '{role}' "
                                  f"weighs {len(names)} KPIs ({', '.join(names)}), in that order")
            return names, matrix
    return None


def data_driven_weights(scorecard, role: str, *, source: str = "raw", variant: str = "normalised",
                        language: str | None = None) -> pd.DataFrame:
    """The plan's weights of one role next to the weights the data suggest.

    Columns: ``plan``; ``entropy`` (:func:`entropy_weights`, ``variant``); ``critic``
    (:func:`critic_weights`); ``ahp`` when ``params.scenarios.ahp`` has a comparison
    matrix for the role (:func:`ahp_weights`; its consistency in ``attrs["ahp"]``).
    ``source="raw"`` uses the KPI values with the catalogue's directions,
    ``"normalised"`` the 0-100 points (already higher-is-better). People with a missing
    value are left out (``attrs["people"]``), and so are the KPIs nobody of the role has
    points of this period (no data, no target): the scorer shares their weight out, so the
    ``plan`` column is the share each remaining KPI carries (``attrs["notes"]`` names them).
    ``attrs["notes"]`` are in ``language`` (default: the plan's ``report.language``).
    """
    check_one_of("source", source, ["raw", "normalised"], error=ScoringError)
    X, plan = role_matrix(scorecard, role, value=source)
    weighed = list(plan[plan > 0].index)
    plan, unscored = _scored_weights(scorecard, role, plan[plan > 0])
    X = X[list(plan.index)]
    direction = None if source == "raw" else True
    out = pd.DataFrame({"plan": plan / plan.sum()})
    out["entropy"] = entropy_weights(X, higher_is_better=direction, variant=variant)
    out["critic"] = critic_weights(X, higher_is_better=direction)
    people = int((~X.isna().any(axis=1)).sum())
    notes = [Note(f"entropy ({'raw values' if variant == 'raw' else 'min-max with direction first'}) and CRITIC "
                  f"from the {'raw KPI values' if source == 'raw' else 'normalised points'} of {people} people "
                  "with every value present.",
                  f"熵权法（{'原始值' if variant == 'raw' else '先按方向做最小-最大标准化'}）和 CRITIC 基于"
                  f"{'指标原始值' if source == 'raw' else '标准化得分'}，计入各项指标值齐全的 {people} 人。")]
    if unscored:
        notes.append(_unscored_note(unscored, role, getattr(scorecard, "params", None)))
    spec = _ahp_spec(scorecard.params, role, weighed) if scorecard.params is not None else None
    if spec is not None:
        names, matrix = spec
        res = ahp_weights(matrix, names=names)
        ahp = res.weights.reindex(out.index)
        out["ahp"] = ahp / ahp.sum()   # as the plan column: the share each remaining KPI carries
        out.attrs["ahp"] = res
        stats_ = f"lambda_max = {res.lambda_max:.4f}, CI = {res.ci:.4f}, CR = CI / RI = {res.cr:.4f}"
        ri = f"RI({len(names)}) = {res.ri:.2f}"
        notes.append(Note(f"AHP: {stats_} (Saaty's random index {ri}): " + (
                              "consistent (CR <= 0.1)." if res.consistent else
                              "INCONSISTENT (CR > 0.1): revise the pairwise judgements before using these weights."),
                          f"AHP：{stats_}（Saaty 随机一致性指标 {ri}）：" + ("一致（CR ≤ 0.1）。" if res.consistent else
                                               "不一致（CR > 0.1）：请先修改两两比较判断，再使用这些权重。")))
        left = [k for k in names if k in unscored]
        if left:
            notes.append(Note(f"AHP: the priorities of {', '.join(left)} are left out with the KPI(s); the others' "
                              "are shared out to sum to 1, as the plan's weights are.",
                              f"AHP：{_zh_kpis(left)}随指标一起不计，其余指标的权重按比例放大，合计为 1，与方案权重的处理相同。"))
    else:
        notes.append(Note(f"no AHP comparison matrix for '{role}' in scenarios.ahp.",
                          f"参数文件 scenarios.ahp 中没有岗位「{role}」的 AHP 判断矩阵。"))
    out.index.name = "kpi"
    out.attrs.update(people=people, notes=_said(notes, _language_of(scorecard, language)))
    return out


def topsis_ranking(scorecard, role: str, *, weights=None, language: str | None = None) -> pd.DataFrame:
    """The role's people ranked by TOPSIS on their raw KPI values (catalogue directions,
    the plan's weights unless given) next to their weighted-sum rank within the role.

    With the plan's weights, the KPIs nobody of the role has points of are left out, as the
    scorer leaves them out (named in ``attrs["notes"]``)."""
    X, plan = role_matrix(scorecard, role, value="raw")
    unscored: list[str] = []
    if weights is None:
        w, unscored = _scored_weights(scorecard, role, plan[plan > 0])
    else:
        w = pd.Series(weights, dtype="float64")
    unknown = [k for k in w.index if k not in X.columns]
    if unknown:
        raise ScoringError(f"topsis_ranking: weights for {', '.join(map(str, unknown))}, which the role '{role}' "
                           f"does not weigh (it weighs {', '.join(X.columns)}).{did_you_mean(str(unknown[0]), list(X.columns))}"
                           " Fix: give weights for the role's KPIs, or leave weights= out to use the plan's.")
    t = topsis(X[list(w.index)], w)
    people = scorecard.table.assign(employee_id=scorecard.table["employee_id"].astype(str)).set_index("employee_id")
    out = people.loc[X.index, ["name", "team", "score"]].copy()
    out["rank_in_role"] = rank_matrix(out["score"].to_numpy(dtype="float64"), tie="min")
    out["topsis"] = t["closeness"]
    out["topsis_rank"] = t["rank"]
    out["rank_difference"] = out["rank_in_role"] - out["topsis_rank"]
    out = out.sort_values(["rank_in_role"], kind="mergesort")
    out.attrs["notes"] = _said([_unscored_note(unscored, role, getattr(scorecard, "params", None))] if unscored else [], _language_of(scorecard, language))
    return out


def _scored_weights(scorecard, role: str, plan: pd.Series) -> tuple[pd.Series, list[str]]:
    """The plan's weights of the KPIs someone of ``role`` has points of, and the KPIs left
    out: nobody has points of them this period (no data, no target), so the scorer shares
    their weight out over the others, and a KPI with no value for anyone would leave every
    person incomplete (entropy, CRITIC and TOPSIS of nobody)."""
    points, _ = role_matrix(scorecard, role, value="normalised")
    has = points.reindex(columns=list(plan.index)).notna().any(axis=0)
    unscored = [k for k in plan.index if not has.get(k, False)]
    return plan.drop(unscored), unscored


def _unscored_note(unscored: list[str], role: str, params=None) -> Note:
    """KPIs left out of a role's analysis; the role named as the plan names it."""
    en, zh = ((_role_name(params, role, lang) for lang in ("en", "zh")) if params is not None else (role, role))
    return Note(f"{', '.join(unscored)} left out: nobody of the role '{en}' has points of "
                f"{'it' if len(unscored) == 1 else 'them'} this period, so the scorer shares "
                f"{'its' if len(unscored) == 1 else 'their'} weight out over the other KPIs (the plan column "
                "is that share).",
                f"{_zh_kpis(unscored)}不计：本期岗位「{zh}」无人有该指标得分，评分时其权重按比例分给其他指标"
                "（方案一栏即分配后的占比）。")


# ============================================================================= named scenarios
def _scenario_roles(params, scorecard) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """The scorecard's weights per employee role, and each one's role in the plan."""
    from .scoring import plan_role

    base = {str(r): dict(w) for r, w in scorecard.weights.items()}
    return base, {r: plan_role(params, r) or r for r in base}


def scenario_weights(params, scorecard, *, what_if: Mapping | None = None
                     ) -> tuple[dict[str, dict[str, dict[str, float]]], list[str]]:
    """Each named scenario's weights: scenario -> employee role -> {kpi: weight}.

    Starts from the weights the scorecard used (the baseline); a scenario's ``phase``
    takes that phase's weight set for the roles it covers, then the scenario's ``roles``
    replace the weights of the roles they name (a plan role applies to every employee role
    scored with it, as in the scorer). Both go through ``scoring.dimension_weights`` like
    the plan's own weights, so a scenario is scored as if the parameter file said so.

    ``what_if`` adds quick scenarios after those of the file: ``{name: {role: {kpi:
    weight}}}`` sets the KPIs named and rescales the role's other baseline weights in
    proportion so that they still sum to 1 ("what if revenue counted 30 %?":
    ``{"revenue_30": {"agent": {"revenue": 0.30}}}``).

    Returns
    -------
    (weights, notes)
    """
    from .scoring import apply_dimensions

    _check_what_if(what_if)
    base, resolved = _scenario_roles(params, scorecard)
    sc = params.scoring
    phases = {ph.name: ph for ph in sc.phases}
    out: dict[str, dict[str, dict[str, float]]] = {}
    notes: list[str] = []

    def reshape(plan_role: str, w: Mapping[str, float]) -> dict[str, float]:
        spec = sc.roles.get(plan_role)
        return apply_dimensions(dict(w), spec.dimensions if spec else {}, sc.dimension_weights)

    for name, spec in params.scenarios.scenarios.items():
        if not spec.roles and spec.phase is None and (spec.incentives is None or spec.incentives == params.incentives):
            key = params.key_named(("scenarios", "scenarios", name))
            notes.append(Note(f"{key}: scenario '{name}' changes neither weights nor pay, so it is scored as the "
                              "baseline. Fix: give it roles, a phase or incentives (an indentation slip can leave "
                              "them outside it), or delete it.",
                              f"{key}：情景「{name}」既不改权重也不改薪酬，结果与基准相同。请为它写上 roles、phase 或 "
                              "incentives（注意缩进），或删去该情景。"))
        roles = {r: dict(w) for r, w in base.items()}
        if spec.phase is not None:
            phase = phases.get(spec.phase)
            if phase is None:
                fix = (f"write one of {', '.join(phases)}, or delete the key" if phases else
                       "add the phase under scoring.phases (its name and weights), or delete the key")
                raise ParamsError(f"{params.key_named(('scenarios', 'scenarios', name, 'phase'))}: '{spec.phase}' is "
                                  f"not one of scoring.phases ({', '.join(phases) or 'the plan has none'})."
                                  f"{did_you_mean(spec.phase, phases)} Fix: {fix}.",
                                  file=getattr(params, "source", None))
            for r in roles:
                w = phase.roles.get(r, phase.roles.get(resolved[r]))
                if w is not None:
                    roles[r] = reshape(resolved[r], w)
        for written, w in spec.roles.items():
            plan_role = params.role_written(written, roles)
            hits = [r for r in roles if r == plan_role or resolved[r] == plan_role]
            if not hits and plan_role not in sc.roles:  # no role at all: a slip, not a role nobody holds
                known = list(dict.fromkeys([*sc.roles, *roles]))
                raise ParamsError(
                    f"{params.key_named(('scenarios', 'scenarios', name, 'roles', written))}: '{written}' is not a "
                    f"role of the plan (scoring.roles: {', '.join(sc.roles)})"
                    + (f" nor of the scorecard (roles: {', '.join(roles)})" if set(roles) - set(sc.roles) else "")
                    + f".{did_you_mean(written, known)} Fix: write one of the roles{_label_example(params)}, "
                    "or delete the role from the scenario.",
                    file=getattr(params, "source", None))
            if not hits:  # a role of the plan nobody holds (a scenario inherited from the plan a client extends)
                notes.append(Note(f"scenario '{name}' sets weights for the role '{written}', which nobody in the "
                                  "scorecard has: ignored.",
                                  f"情景「{name}」为岗位「{written}」设了权重，但评分卡中没有该岗位的人：已忽略。"))
            for r in hits:
                roles[r] = reshape(resolved[r], w)
        out[name] = roles
    for name, per_role in (what_if or {}).items():
        if name in out or name == "baseline":
            raise ParamsError(f"what_if: the scenario name '{name}' is already taken (by "
                              f"{'the baseline' if name == 'baseline' else 'a scenario of the parameter file'}); "
                              "give the what-if another name")
        roles = {r: dict(w) for r, w in base.items()}
        if not isinstance(per_role, Mapping):
            raise ScoringError(f"what_if.{name}: expected {{role: {{kpi: weight}}}}, found {per_role!r}. "
                               f"{_WHAT_IF_SHAPE}")
        if not any(not isinstance(c, Mapping) or c for c in per_role.values()):
            empty = (f" ({', '.join(f'what_if.{name}.{r}' for r in per_role)} "
                     f"{'is' if len(per_role) == 1 else 'are'} empty)" if per_role else "")
            raise ScoringError(f"what_if.{name}: scenario '{name}' changes neither weights nor pay{empty}, so it "
                               f"would be scored as the baseline. Fix: give it the weights to change or the pay "
                               f"change. {_WHAT_IF_SHAPE}")
        for plan_role, changes in per_role.items():
            if plan_role == _PAY:  # a change to the pay plan: see _pay_plan
                continue
            plan_role = params.role_written(plan_role, roles)
            hits = [r for r in roles if r == plan_role or resolved[r] == plan_role]
            if not hits and plan_role == "roles" and isinstance(changes, Mapping):
                first = next(iter(changes), "agent")
                raise ScoringError(f"what_if.{name}.roles: a what-if names its roles directly, without the "
                                   f"parameter file's 'roles:' level. Fix: write what_if={{'{name}': {{'{first}': "
                                   f"{{...}}}}}}, not {{'{name}': {{'roles': {{'{first}': {{...}}}}}}}}.")
            if not hits and plan_role in _PLAN_SECTIONS:
                raise ScoringError(
                    f"what_if.{name}.{plan_role}: a what-if changes the weights of roles ({{role: {{kpi: weight}}}}) "
                    "and the pay plan ({'incentives': {...}}), not the plan's scoring or grading. Fix: to compare "
                    "other grade cut-offs or forced shares, score the period under a copy of the plan that sets "
                    "another scoring.grading (a client file that extends it) and compare the two scorecards.")
            if not hits:
                shape = f" {_WHAT_IF_SHAPE}" if plan_role in CATALOGUE else ""
                raise ScoringError(f"what_if.{name}: nobody in the scorecard has the role '{plan_role}' "
                                   f"(roles: {', '.join(roles)}).{did_you_mean(plan_role, roles)}{shape}")
            where = f"what_if.{name}.{plan_role}"
            if not isinstance(changes, Mapping):
                raise ScoringError(f"{where}: expected {{kpi: weight}}, found {changes!r}. {_WHAT_IF_SHAPE}")
            changes = {k: _weight_value(v, f"{where}.{k}") for k, v in changes.items()}
            for r in hits:
                roles[r] = _rescaled(roles[r], changes, where)
            notes += _what_if_notes(where, changes, {r: base[r] for r in hits}, {r: roles[r] for r in hits})
        out[name] = roles
    return out, notes


#: keys of a parameter file that a what-if might be given in place of a role
_PLAN_SECTIONS = ("scoring", "grading", "thresholds", "forced_distribution", "weights", "scenarios")


def _what_if_notes(where: str, changes: Mapping[str, float], before: Mapping[str, Mapping[str, float]],
                   after: Mapping[str, Mapping[str, float]]) -> list[Note]:
    """What a what-if of one role does that its writer may not mean: a KPI the role is not
    scored on is added next to the others (revenue for a role weighed on received_revenue
    does not take its place), and weights that are the baseline's already change nothing."""
    weighed = list(dict.fromkeys(k for w in before.values() for k, v in w.items() if v > 0))
    out = []
    added = [k for k, v in changes.items() if v > 0 and k not in weighed]
    if added:
        near = {k: kin[0] for k in added if len(kin := _kin(k, weighed)) == 1}
        instead = "; ".join(f"to weigh {k} in place of {c}, also set {c}: 0" for k, c in near.items())
        out.append(Note(
            f"{where}: {', '.join(added)} {'is' if len(added) == 1 else 'are'} not among the KPIs the role is scored "
            f"on ({', '.join(weighed)}): added with {'its' if len(added) == 1 else 'their'} weight, the others scaled "
            f"down to make room{'; ' + instead if instead else ''}.",
            f"{where}：{'、'.join(added)}不在该岗位计分的指标（{'、'.join(weighed)}）之中：已按所设权重加入，其余指标按比例"
            f"缩小{'；' + '；'.join(f'若要以 {k} 替代 {c}，请同时设 {c}: 0' for k, c in near.items()) if near else ''}。"))
    same = all(set(after[r]) == set(before[r]) and all(abs(after[r][k] - before[r][k]) < 1e-9 for k in before[r])
               for r in before)
    if same:
        shown = ", ".join(f"{k} {v:g}" for k, v in changes.items())
        out.append(Note(f"{where}: the weights set ({shown}) are the baseline's already, so this what-if is scored "
                        "as the baseline.",
                        f"{where}：所设权重（{shown}）与基准相同，该假设情景的结果与基准一致。"))
    return out


def _kin(kpi: str, kpis: list[str]) -> list[str]:
    """The KPIs of ``kpis`` that measure much what ``kpi`` does, by name: one within the
    other (revenue, received_revenue) or the same first word (intent_rate, intent_customers)."""
    return [k for k in kpis if kpi in k or k in kpi or kpi.split("_")[0] == k.split("_")[0]]


def _check_what_if(what_if) -> None:
    """A ScoringError unless ``what_if`` is None or a mapping of scenario names."""
    if what_if is None or isinstance(what_if, Mapping):
        return
    hint = (" The parameter file's scenarios are compared already; what_if adds quick ones by name."
            if isinstance(what_if, (list, tuple, set)) else "")
    raise ScoringError(f"what_if: expected a mapping of scenario names to their changes, found a "
                       f"{type(what_if).__name__} ({what_if!r}).{hint} {_WHAT_IF_SHAPE}")


def _label_example(params) -> str:
    """" (or its label, e.g. 坐席 for agent)" from the plan's first labelled role, or ''."""
    for role, spec in params.scoring.roles.items():
        for text in spec.label.values():
            if text != role:
                return f" (or its label, e.g. {text} for {role})"
    return ""


_WHAT_IF_SHAPE = ("A what-if is {name: {role: {kpi: weight}}}, weights as fractions of 1, e.g. "
                  "what_if={'revenue_30': {'agent': {'revenue': 0.30}}}, and may change the pay plan too: "
                  "{name: {'incentives': {'commission': {'cap': 30000}}}}.")
#: the key of a what-if that changes the pay plan rather than a role's weights
_PAY = "incentives"


def _weight_value(v, where: str) -> float:
    """A what-if weight as a float; text such as '30%' is refused with how to write it."""
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v)
    hint = " Write 30 % as 0.30." if isinstance(v, str) and "%" in v else ""
    raise ScoringError(f"{where}: the weight must be a number between 0 and 1, found {v!r}.{hint}")


def _rescaled(weights: Mapping[str, float], changes: Mapping[str, float], where: str) -> dict[str, float]:
    """Set ``changes`` and rescale the other weights in proportion to keep the sum at 1."""
    bad = [k for k in changes if k not in CATALOGUE]
    if bad:
        from .params import kpi_hint

        raise ScoringError(f"{where}: '{bad[0]}' is not a KPI of the catalogue.{kpi_hint(bad[0])}")
    fixed = sum(changes.values())
    listed = ", ".join(f"{k}={v:g}" for k, v in changes.items())
    if any(not 0 <= v <= 1 for v in changes.values()):
        k, v = next((k, v) for k, v in changes.items() if not 0 <= v <= 1)
        if 1 < v < 2:  # 120 % of the score: no percentage anyone writes for a weight
            why = (f" (1 is the whole score), so {v:g} would be {v * 100:g} % of the score, which no weight can be: "
                   f"likely a slip. Fix: write the KPI's share of the score, e.g. 0.3 for 30 %.")
        elif 2 <= v <= 100:
            why = f", between 0 and 1. Write {v:g} % as {v / 100:g}."
        else:
            why = ", between 0 and 1. Fix: write the KPI's share of the score, e.g. 0.3 for 30 %."
        raise ScoringError(f"{where}: the weight of {k} is {v:g}; a weight is a fraction of 1{why}")
    if fixed > 1 + 1e-9:
        raise ScoringError(f"{where}: the weights set ({listed}) sum to {fixed:g}, more than 1. Fix: lower them "
                           "to sum to at most 1; the role's other KPIs share what is left, in proportion.")
    others = {k: v for k, v in weights.items() if k not in changes}
    rest = sum(others.values())
    if rest <= 0 and fixed < 1 - 1e-9:
        raise ScoringError(f"{where}: the weights set ({listed}) sum to {fixed:g}, and no other KPI of the role is "
                           f"left to take the remaining {1 - fixed:g}. Fix: make them sum to 1, or leave a KPI "
                           "out so that it takes the rest.")
    out = {k: (v / rest * (1 - fixed) if rest > 0 else 0.0) for k, v in others.items()}
    out.update(changes)
    return out


@dataclass
class ScenarioComparison:
    """Named scenarios side by side with the baseline (:func:`compare_scenarios`).

    Attributes
    ----------
    table : DataFrame
        One row per scenario x person: scenario, label, employee_id, name, team, role,
        score, rank, grade, baseline_score, baseline_rank, baseline_grade, rank_change
        (baseline rank - rank: positive = moved up), grade_changed, and with payouts:
        payout, baseline_payout, payout_change.
    summary : DataFrame
        One row per scenario: kendall_tau and spearman_rho of its scores against the
        baseline's, rank_changes (people whose rank moved), largest_move, grade_changes,
        and with payouts: payout_total, payout_change, payout_to_revenue; when a scenario
        changes the pay plan: pay_plan_changes (the settings it changes, ``commission.tiers``).
        A scenario whose own pay plan the data cannot pay (commission tiers without orders)
        has no payouts (empty, not 0) and a note that says why.
    weights : DataFrame
        scenario, role, kpi, weight, baseline_weight, change, scored_weight (the share of
        the score the KPI carries: 0 when nobody of the role has points of it, whose weight
        the scorer shares out over the others).
    ranks : DataFrame
        People x scenarios (baseline first), the rank in each; column ``name`` first.
    notes : list of str
        What the reader should know (a KPI nobody has points of, a scenario left unpaid), in
        the comparison's language.
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    weights: pd.DataFrame
    ranks: pd.DataFrame
    notes: list[str]
    #: scenario -> its labels by language ({"zh": ..., "en": ...}), for charts in either
    labels: dict = field(default_factory=dict)
    #: role (as in the scorecard) -> the plan's labels of it by language
    role_labels: dict = field(default_factory=dict)
    #: the plan's unit of money by language ({"zh": "元", "en": "CNY"}, ``report.currency``);
    #: empty when the plan does not set it
    currency: dict = field(default_factory=dict)

    __repr__ = compact_repr

    def changes(self) -> pd.DataFrame:
        """Only the rows where a person's rank, grade or payout differs from the baseline."""
        t = self.table[self.table["scenario"] != "baseline"]
        moved = (t["rank_change"].fillna(0) != 0) | t["grade_changed"]
        if "payout_change" in t:
            moved |= t["payout_change"].fillna(0).abs() > 1e-9
        return t[moved].reset_index(drop=True)


def _extra_points(scorecard, params, needed: dict[str, set[str]], kpis, targets, ratings) -> pd.DataFrame:
    """Normalised points of KPIs a scenario weighs but the plan does not, from a scoring
    run whose weights list them at 0 (normalisation does not depend on the weights)."""
    from .scoring import score

    base, resolved = _scenario_roles(params, scorecard)
    data = params.model_dump(exclude={"source"})
    roles = data["scoring"]["roles"]
    for r, extra in needed.items():
        pr = resolved[r]
        roles[pr]["weights"] = {**base[r], **{k: 0.0 for k in extra if k not in base[r]}}
    data["scoring"]["phases"] = []
    data["scoring"]["dimension_weights"] = {}
    from .params import params_from_dict

    card = score(kpis, params_from_dict(data), targets=targets, ratings=ratings)
    d = card.details.assign(employee_id=card.details["employee_id"].astype(str))
    roles_of = dict(zip(scorecard.table["employee_id"].astype(str), scorecard.table["role"].astype(str)))
    keep = [k in needed.get(roles_of.get(e, ""), set()) for e, k in zip(d["employee_id"], d["kpi"])]
    return d[keep][["employee_id", "kpi", "normalised", "note"]]


def _why_no_points(kpi: str, notes: pd.Series, left_out: Mapping[str, str]) -> str:
    """Why nobody of a role has points of ``kpi``, from the scorer's detail notes."""
    from .scoring import unscored_reason

    codes = {unscored_reason(str(n)) for n in notes.fillna("")}
    k = _zh_kpis([kpi])
    if kpi in left_out:
        return Note(f"{kpi} needs {left_out[kpi]}, which the data do not have",
                    f"{k}需要数据中没有的{getattr(left_out[kpi], 'zh', left_out[kpi])}")
    if codes == {"target"}:
        return Note(f"{kpi} is scored against a target and the data give nobody a {kpi} target",
                    f"{k}按目标考核，而数据中没有任何人的该项目标")
    if codes <= {"target", "zero_target"}:
        return Note(f"{kpi} is scored against a target and nobody's {kpi} target is above 0",
                    f"{k}按目标考核，而没有人的该项目标大于 0")
    if "lack" in codes:
        return Note(f"{kpi} is not among the KPIs given (kpis=): compute it with them",
                    f"{k}不在传入的指标（kpis=）中：请一并计算")
    if codes == {"value"}:  # (a ratio over what none of them did this period: 0 / 0 for each)
        return Note(f"{kpi} is 0 / 0 for each of them: none had what it is measured over",
                    f"{k}对他们每人都是 0 / 0：无人有其计算基数")
    return Note("", "")


def _weights_on_nothing(model: ScoreModel, sw: Mapping, quick: set, kpis, base: Mapping,
                        details: pd.DataFrame, role_zh: Mapping[str, str] | None = None) -> list[str]:
    """Scenario weights on a KPI that nobody of the role has points of: the scorer shares
    such a weight out over the other KPIs, so the scenario silently scores as if the KPI
    were left out. An error for a ``what_if`` (asked for just now), a note for a scenario
    of the parameter file. A KPI the plan itself weighs with nobody scored on it is the
    plan's matter, the same in the baseline and every scenario: one note says so, and a
    what-if that only rescales it is not refused for it."""
    left_out = getattr(kpis, "left_out", None) or {}
    role_of = dict(zip(model.people.index.astype(str), model.people["role"].astype(str)))
    d = details.assign(role=details["employee_id"].astype(str).map(role_of))
    if "note" not in d:
        d["note"] = ""

    def empty_of(r: str, w: Mapping[str, float]) -> list[str]:
        block = {model.kpi_of[c]: c for c in model.columns if model.role_of[c] == r}
        return [k for k, v in w.items() if v > 0 and k in block and model.points[block[k]].isna().all()]

    def why(r: str, empty: list[str]) -> Note:
        text = Note.join([n for n in (_why_no_points(k, d.loc[(d["role"] == r) & (d["kpi"] == k), "note"], left_out)
                                      for k in empty) if n], en="; ", zh="；")
        return Note(f" ({text})", f"（{text.zh}）") if text else Note("", "")

    notes = []
    plan_empty = {r: empty_of(r, w) for r, w in base.items()}
    for r, empty in plan_empty.items():
        if empty:
            because = why(r, empty)
            notes.append(Note(f"the plan weighs {', '.join(empty)} for the role '{r}', but nobody of that role has "
                              f"points of {'it' if len(empty) == 1 else 'them'} this period{because}: the baseline "
                              "and every scenario share the weight out over the other KPIs.",
                              f"方案为岗位「{(role_zh or {}).get(r, r)}」设了{_zh_kpis(empty)}的权重，但本期该岗位无人有该指标得分{because.zh}："
                              "基准和各情景都把这部分权重按比例分给其他指标。"))
    for name, roles in sw.items():
        for r, w in roles.items():
            empty = [k for k in empty_of(r, w) if k not in plan_empty.get(r, [])]
            if not empty:
                continue
            block = {model.kpi_of[c]: c for c in model.columns if model.role_of[c] == r}
            have = [k for k, c in block.items() if model.points[c].notna().any()]
            who = f"what_if.{name}" if name in quick else f"scenario '{name}'"
            because = why(r, empty)
            text = (f"{who} weighs {', '.join(empty)} for the role '{r}', but nobody of that role has points "
                    f"of {'it' if len(empty) == 1 else 'them'} this period{because}: the weight is "
                    "shared out over the other KPIs, so the scenario scores as if "
                    f"{'it were' if len(empty) == 1 else 'they were'} left out.")
            if name in quick:
                raise ScoringError(f"{text} Fix: weigh a KPI the data have "
                                   f"({', '.join(have) or 'none'}), or add the data it needs.")
            notes.append(Note(text, f"情景「{name}」为岗位「{(role_zh or {}).get(r, r)}」设了{_zh_kpis(empty)}的权重，但本期该岗位无人有该指标"
                                    f"得分{because.zh}：这部分权重按比例分给其他指标，该情景的得分相当于不计这些指标。"))
    return notes


def compare_scenarios(scorecard, params=None, *, kpis=None, targets=None, ratings=None,
                      what_if: Mapping | None = None, language: str | None = None) -> ScenarioComparison:
    """Score the parameter file's named scenarios side by side with the baseline.

    Every scenario is scored the way the scorer scores the plan (:class:`ScoreModel`:
    the KPI points under the scenario's weights, then the rating blend, bonuses and
    penalties, the sales-cost discount, the team blend; rank and grade across everyone
    with :func:`salesperf_kit.scoring.rank` and :func:`~salesperf_kit.scoring.assign_grades`).

    Parameters
    ----------
    scorecard : scoring.Scorecard
    params : Params, optional (default: the scorecard's)
    kpis : KPIResult, optional
        Needed for payouts (``incentives.payouts``: the payout under each scenario's grades
        and, for a scenario with ``incentives``, under its pay plan, per person and in total,
        and the total as a share of revenue, ``payout_to_revenue`` of ``incentives.plan_cost``),
        for every person's sales-cost ratio, and to score KPIs a
        scenario weighs that the plan does not. Without it the payout columns are left out
        (noted).
    targets, ratings : DataFrame, optional
        The targets and reviews tables, passed to the payouts and to the extra scoring run.
    what_if : mapping, optional
        Quick scenarios ``{name: {role: {kpi: weight}}}``, the role's other weights rescaled
        in proportion (see :func:`scenario_weights`); ``{name: {"incentives": {...}}}``
        changes the pay plan as a scenario's ``incentives`` does in the parameter file
        (``{"commission": {"cap": 30000}}``), alone or next to role weights.
    language : "zh" or "en", optional
        Of the scenario labels and the notes (default: the parameter file's).
    """
    from .scoring import assign_grades, rank

    params = params if params is not None else scorecard.params
    if params is None:
        raise ScoringError("compare_scenarios needs the parameters (params=...)")
    language = language or params.report_language
    _check_language(language)
    sw, notes = scenario_weights(params, scorecard, what_if=what_if)
    own = getattr(scorecard, "params", None)
    if own is not None and own is not params and own.scoring.grading != params.scoring.grading:
        notes.append(Note("the parameters passed grade otherwise than the scorecard's (scoring.grading): the baseline "
                          "and every scenario are graded with those passed, so the baseline's grades and pay are not "
                          "the scorecard's. To compare two gradings, score the period under each plan and compare the "
                          "two scorecards.",
                          "传入的参数与评分卡所用参数的评级规则（scoring.grading）不同：基准和各情景都按传入的参数评级，"
                          "因此基准的等级和薪酬并非评分卡本身的。要比较两种评级规则，请分别按两个方案计分后比较两张评分卡。"))
    if not sw:
        notes.append(Note("the parameter file names no scenarios (scenarios.scenarios): only the baseline is shown.",
                          "参数文件中没有命名情景（scenarios.scenarios）：只显示基准。"))
    base, _ = _scenario_roles(params, scorecard)
    needed: dict[str, set[str]] = {}
    for roles in sw.values():
        for r, w in roles.items():
            extra = {k for k, v in w.items() if k not in base[r] and v > 0}
            if extra:
                needed.setdefault(r, set()).update(extra)
    extra_points = None
    if needed:
        if kpis is None:
            what = "; ".join(f"{r}: {', '.join(sorted(k))}" for r, k in needed.items())
            raise ScoringError(f"scenarios weigh KPIs the plan does not score ({what}): pass kpis= (and targets=) "
                               "so their points can be computed, or give them a weight of 0 in the plan")
        extra_points = _extra_points(scorecard, params, needed, kpis, targets, ratings)
    model = score_model(scorecard, kpis=kpis, extra_points=extra_points)
    notes += model.notes
    details = scorecard.details if extra_points is None else pd.concat([scorecard.details, extra_points],
                                                                        ignore_index=True)
    role_zh = {r: _role_name(params, r, "zh") for r in base}
    notes += _weights_on_nothing(model, sw, set(what_if or {}), kpis, base, details, role_zh)
    grading = params.scoring.grading
    ids = model.people.index
    info = model.people[["name", "team", "role"]]
    # every what-if's pay plan is checked, with or without the KPIs its payouts need
    pay_plans = {name: _pay_plan(params, name, what_if) for name in ["baseline", *sw]}
    paying = [name for name, plan in pay_plans.items() if plan is not params]
    pay = None
    if kpis is None:
        notes.append(Note("payouts left out: pass kpis= (the KPIResult) to see the payout change per person and "
                          "in total.", "未计算薪酬：传入 kpis=（KPIResult）才能看到每人和总额的薪酬变化。"))
        if paying:
            notes.append(Note(f"the scenario(s) {', '.join(paying)} change the pay plan (incentives), which shows "
                              "only in the payouts: pass kpis= to see it.",
                              f"情景{'、'.join(f'「{n}」' for n in paying)}修改了薪酬方案（incentives），"
                              "只体现在薪酬上：传入 kpis= 才能看到。"))
    else:
        try:
            from .incentives import payouts as pay, plan_cost
        except ImportError:   # pragma: no cover - the incentives module ships with the kit
            notes.append(Note("payouts left out: salesperf_kit.incentives is not available.",
                              "未计算薪酬：salesperf_kit.incentives 不可用。"))
    period = getattr(kpis, "period", None)
    if pay is not None and getattr(period, "kind", "month") != "month":
        notes.append(_long_period_note(period))
    runs = [("baseline", {"zh": "基准", "en": "Baseline"}, {r: dict(w) for r, w in base.items()})]
    runs += [(name, params.scenarios.scenarios[name].label if name in params.scenarios.scenarios else {}, roles)
             for name, roles in sw.items()]
    frames, summary, weight_rows = [], [], []
    payout_to_revenue: dict[str, float] = {}
    base_scores = None
    for name, labels, roles in runs:
        W = model.weights_from(roles)
        s = pd.Series(model.scores(W), index=ids)
        t = info.copy()
        t["score"] = s
        t["rank"] = rank(s, tie=grading.rank_tie)
        t["grade"] = assign_grades(s, grading, _grade_groups(info["role"], params))
        if pay is not None:
            # the payout notices depend on the plan and the data, not on the weights: said
            # once (by the baseline's run), not once per scenario
            pay_log = logging.getLogger("salesperf_kit.incentives")
            quiet, pay_log.disabled = pay_log.disabled, pay_log.disabled or bool(frames)
            try:
                p = pay(t.reset_index(), kpis, pay_plans[name], targets=targets)
            except ScoringError as err:
                # a scenario's own pay plan that these data cannot pay (a commission added
                # to a plan without one, for a call centre without orders): its payouts are
                # left out and said why; the ranks and grades of every scenario still show
                if name not in paying:
                    raise
                p = None
                notes.append(_unpayable(name, params, pay_plans[name], what_if, err))
            finally:
                pay_log.disabled = quiet
            if p is None:
                t["payout"] = np.nan
                payout_to_revenue[name] = float("nan")
            else:
                t["payout"] = p["total"].to_numpy()
                cost = plan_cost(p, kpis).set_index("measure")["value"]
                payout_to_revenue[name] = float(cost["payout_to_revenue"])
        t.insert(0, "label", labels.get(language) or next(iter(labels.values()), name) if labels else name)
        t.insert(0, "scenario", name)
        frames.append(t)
        if base_scores is None:
            base_scores = s
        for r, w in roles.items():
            for k in dict.fromkeys([*base[r], *w]):
                weight_rows.append({"scenario": name, "role": r, "kpi": k, "weight": float(w.get(k, 0.0)),
                                    "baseline_weight": float(base[r].get(k, 0.0))})
    b = frames[0].add_prefix("baseline_")[["baseline_score", "baseline_rank", "baseline_grade"] +
                                          (["baseline_payout"] if pay is not None else [])]
    table = pd.concat([f.join(b) for f in frames]).reset_index()
    table = table[["scenario", "label", *[c for c in table.columns if c not in ("scenario", "label")]]]
    table["rank_change"] = table["baseline_rank"] - table["rank"]
    table["grade_changed"] = (table["grade"].astype(object).fillna("")
                              != table["baseline_grade"].astype(object).fillna(""))
    if pay is not None:
        table["payout_change"] = (table["payout"] - table["baseline_payout"]).round(2)  # (pay is in cents)
    for (name, labels, _), f in zip(runs, frames):
        tau, rho = rank_correlations(base_scores.to_numpy(), f["score"].to_numpy()[None, :])
        rows = table[table["scenario"] == name]
        row = {"scenario": name, "label": f["label"].iloc[0] if len(f) else name,
               "kendall_tau": float(tau[0]), "spearman_rho": float(rho[0]),
               "rank_changes": int((rows["rank_change"].fillna(0) != 0).sum()),
               "largest_move": _whole(rows["rank_change"].abs().max()),
               "grade_changes": int(rows["grade_changed"].sum())}
        if not (rows["score"].notna() | rows["baseline_score"].notna()).any():
            # nobody scored, here or in the baseline: no change to count, not "0 changes"
            row.update(rank_changes=None, largest_move=None, grade_changes=None)
        if pay is not None:
            # (cents: no float residue in a sum; a scenario left unpaid has no total, not 0)
            row["payout_total"] = round(float(rows["payout"].sum(min_count=1)), 2)
            row["payout_change"] = round(float(rows["payout_change"].sum(min_count=1)), 2)
            # is the plan affordable? (seed 002); without a total, no share of revenue either
            row["payout_to_revenue"] = payout_to_revenue[name] if pd.notna(row["payout_total"]) else float("nan")
        if paying:
            changed = _changed_keys(params.incentives.model_dump(), pay_plans[name].incentives.model_dump())
            row["pay_plan_changes"] = ", ".join(changed)
            if pay is not None and name != "baseline":
                notes += _pay_reaching_nobody(name, changed, pay_plans[name], kpis, info["role"])
        summary.append(row)
    weights = pd.DataFrame(weight_rows)
    weights["change"] = weights["weight"] - weights["baseline_weight"]
    weights["scored_weight"] = _scored_shares(weights, details, info)
    ranks = table.pivot(index="employee_id", columns="scenario", values="rank")[[n for n, _, _ in runs]]
    ranks.columns.name = None
    ranks.insert(0, "name", info["name"].reindex(ranks.index))
    ranks = ranks.sort_values("baseline", kind="mergesort")
    labels = {name: dict(lab) for name, lab, _ in runs}
    ranks.attrs["labels"] = labels
    role_labels = {r: {lang: _role_name(params, r, lang) for lang in ("zh", "en")}
                   for r in info["role"].dropna().astype(str).unique()}
    currency = {lang: unit for lang in ("zh", "en") if (unit := params.currency(lang))}
    return ScenarioComparison(table=table, summary=pd.DataFrame(summary), weights=weights, ranks=ranks,
                              notes=_said(notes, language), labels=labels, role_labels=role_labels,
                              currency=currency)


def _whole(x) -> int:
    """A count of places as a whole number (6, not 6.0); nobody ranked: 0."""
    return int(x) if pd.notna(x) else 0


def _scored_shares(weights: pd.DataFrame, details: pd.DataFrame, info: pd.DataFrame) -> pd.Series:
    """Each weight's share of the score: weight / the sum of the scenario's weights of the
    role over the KPIs someone of the role has points of; 0 for a KPI nobody has points of
    (the scorer shares its weight out over the others)."""
    roles = info["role"].astype(str)
    d = details.assign(employee_id=details["employee_id"].astype(str))
    d = d[pd.to_numeric(d["normalised"], errors="coerce").notna()]
    d = d.assign(role=d["employee_id"].map(dict(zip(info.index.astype(str), roles))))
    scored = set(zip(d["role"], d["kpi"]))
    counted = weights["weight"].where([(str(r), k) in scored for r, k in zip(weights["role"], weights["kpi"])], 0.0)
    total = counted.groupby([weights["scenario"], weights["role"]]).transform("sum")
    return (counted / total.where(total > 0)).astype("float64")


def _changed_keys(before: Any, after: Any, path: str = "") -> list[str]:
    """The key paths (``commission.tiers``) at which ``after`` differs from ``before``."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        return [k for key in dict.fromkeys([*before, *after])
                for k in _changed_keys(before.get(key), after.get(key), f"{path}.{key}" if path else str(key))]
    return [] if before == after else [path]


def _long_period_note(period) -> Note:
    """The payouts of a quarter or a year are one period's: a plan whose amounts are per
    month costs more than they show (the months' sum is not computed: each month would
    need its own scores, grades and commission tiers)."""
    kind = {"quarter": ("a quarter", "季度"), "year": ("a year", "年度")}.get(period.kind, (period.kind, period.kind))
    return Note(f"{period} is {kind[0]}: its payouts count base and performance pay once and apply the commission "
                "tiers, gates and caps to the period's totals, as if the plan's amounts were per "
                f"{period.kind}. If they are per month, the plan's cost (payout_total, payout_to_revenue) is not the "
                "sum of the months': score each month and add them up for that.",
                f"{period} 为{kind[1]}：其薪酬只计一次基本工资和绩效工资，提成档位、门槛和封顶按整个期间的合计计算，"
                f"相当于方案金额按{kind[1]}设定。若方案金额为按月，方案成本（payout_total、payout_to_revenue）"
                "并非各月之和：请逐月计算后相加。")


def _pay_reaching_nobody(name: str, changed: list[str], plan, kpis, roles: pd.Series) -> list[Note]:
    """Notes on the base pay a scenario changes (``base_pay.default``, ``base_pay.<role>``)
    that nobody is paid: each person it would reach has a ``base_pay`` of their own in the
    employees table (which overrides the plan's), or no role takes that amount."""
    from .incentives import _employees

    table = plan.incentives.base_pay
    try:
        emp = _employees(kpis)
    except (AttributeError, KeyError):
        return []
    own = (pd.to_numeric(emp["base_pay"], errors="coerce").reindex(roles.index.astype(str)).notna().to_numpy()
           if "base_pay" in emp else np.zeros(len(roles), dtype=bool))
    role = roles.astype(str).to_numpy()
    notes = []
    for key in changed:
        parts = key.split(".", 1)
        if parts[0] != "base_pay" or len(parts) != 2:
            continue
        amount = parts[1]
        reach = (~np.isin(role, [r for r in table if r != "default"])) if amount == "default" else (role == amount)
        if not reach.any():
            why = (Note("every role of the scorecard has an amount of its own", "评分卡中每个岗位都有自己的金额")
                   if amount == "default" else
                   Note(f"nobody in the scorecard has the role '{amount}'", f"评分卡中没有岗位为「{amount}」的人"))
        elif own[reach].all():
            n = int(reach.sum())
            why = Note(f"{'the one person' if n == 1 else f'all {n} people'} it would pay "
                       f"{'has' if n == 1 else 'have'} a base_pay of their own in the employees table, which "
                       "overrides the plan's; to cost a raise, change that column",
                       f"它适用的 {n} 人在员工表中都有自己的基本工资（base_pay），以员工表为准；"
                       "要测算加薪，请修改该列")
        else:
            continue
        notes.append(Note(f"scenario '{name}' changes incentives.{key}, which applies to nobody (so it changes "
                          f"no payout): {why}.",
                          f"情景「{name}」修改了 incentives.{key}，但不适用于任何人（因此不改变任何薪酬）：{why.zh}。"))
    return notes


def _unpayable(name: str, params, plan, what_if: Mapping | None, err: Exception) -> str:
    """Why scenario ``name``'s payouts are left out, and where its pay change is written."""
    changed = ", ".join(_changed_keys(params.incentives.model_dump(), plan.incentives.model_dump()))
    quick = isinstance((what_if or {}).get(name), Mapping) and _PAY in what_if[name]
    where = f"what_if['{name}']['{_PAY}']" if quick else f"scenarios.scenarios.{name}.{_PAY}"
    drop = ("leave it out of what_if" if quick else
            f"set scenarios.scenarios.{name}: null in the parameter file (a scenario of the plan it extends "
            "is inherited with it)")
    drop_zh = ("把它从 what_if 中去掉" if quick else
               f"在参数文件中写 scenarios.scenarios.{name}: null（继承的方案中的情景随之继承）")
    return Note(f"scenario {name} changes the pay plan ({where}: {changed}) in a way these data cannot pay, so its "
                f"payouts are left out (its ranks and grades are shown): {err} To drop the scenario, {drop}.",
                f"情景「{name}」修改了薪酬方案（{where}：{changed}），这些数据无法据此计算薪酬，因此不列其薪酬"
                f"（名次和等级照常显示）：{err} 如要去掉该情景，请{drop_zh}。")


def _pay_plan(params, scenario: str, what_if: Mapping | None = None):
    """The plan under ``scenario``'s pay (``what_if[scenario]["incentives"]``, or
    ``scenarios.scenarios.<name>.incentives``, already merged over the plan's), or the plan
    itself when the scenario changes no pay."""
    quick = (what_if or {}).get(scenario)
    if isinstance(quick, Mapping) and _PAY in quick:
        from .params import incentives_changed

        return incentives_changed(params, quick[_PAY], ("what_if", str(scenario), _PAY))
    spec = params.scenarios.scenarios.get(scenario)
    if spec is None or spec.incentives is None:
        return params
    return params.model_copy(update={"incentives": spec.incentives})


# ============================================================================= inputs
def _scenario_kpis(params) -> list[str]:
    names: list[str] = []
    for spec in params.scenarios.scenarios.values():
        for w in spec.roles.values():
            names += [k for k in w if k not in names]
    return names


@dataclass
class ScenarioInputs:
    """Parameters, data, KPIs and the scorecard of one period (:func:`scenario_inputs`)."""

    params: Any
    dataset: Any
    kpis: Any
    scorecard: Any
    targets: pd.DataFrame | None
    ratings: pd.DataFrame | None

    __repr__ = compact_repr

    @property
    def language(self) -> str:
        return self.params.report_language

    def model(self, role: str | None = None) -> ScoreModel:
        """:func:`score_model` of the scorecard (every role varied unless ``role``)."""
        return score_model(self.scorecard, role=role, kpis=self.kpis)

    def compare(self, what_if: Mapping | None = None, language: str | None = None) -> ScenarioComparison:
        """:func:`compare_scenarios` with the KPIs, targets and ratings (payouts included).

        A KPI a what-if weighs that was not computed yet (neither the plan's, nor the
        business type's default set, nor a scenario's) is computed from the data first.
        A quarter's or a year's pay under a plan whose amounts are monthly
        (:func:`~salesperf_kit.scoring.pays_by_month`) is, as ``salesperf score`` pays it,
        the sum of its months' pay: each month with records is scored and paid under each
        scenario (:meth:`_with_monthly_pay`); scores, ranks and grades are the period's."""
        from .scoring import pays_by_month

        out = compare_scenarios(self.scorecard, self.params, kpis=self._kpis_for(what_if), targets=self.targets,
                                ratings=self.ratings, what_if=what_if, language=language)
        if pays_by_month(self.params, self.kpis.period) and "payout" in out.table:
            out = self._with_monthly_pay(out, what_if, language)
        return out

    def _with_monthly_pay(self, out: ScenarioComparison, what_if: Mapping | None,
                          language: str | None) -> ScenarioComparison:
        """``out`` (a quarter's or a year's comparison) with each person's payout under each
        scenario the sum of their pay in the period's months (NaN when a month's could not
        be determined; 0 in a month they are not in), and the summary's payout_total,
        payout_change and payout_to_revenue (over the period's revenue) from those."""
        from .coverage import months_without_records

        period = self.kpis.period
        language = language or self.params.report_language
        without = months_without_records(self.dataset, period)
        months = [m for m in period.months() if m not in without]
        parts = []
        for m in months:
            try:
                parts.append(_score_period(self.dataset, self.params, str(m)).compare(what_if=what_if, language=language)
                             .table[["scenario", "employee_id", "payout"]])
            except ScoringError as err:  # (a what-if weighing a KPI nobody of the role has in that month)
                said = Note(f"{period}'s pay could not be summed over its months ({m}: {err}): the payouts shown are "
                            f"{period}'s as one period.", f"{period} 的薪酬无法按月汇总（{m}：{err}）：所示薪酬按整个"
                            f"{period} 计算。")
                return dataclasses.replace(out, notes=out.notes + _said([said], language))
        every = pd.concat(parts, ignore_index=True).assign(employee_id=lambda d: d["employee_id"].astype(str))
        summed = every.groupby(["scenario", "employee_id"])["payout"].agg(lambda x: x.sum(skipna=False))
        table = out.table.copy()
        key = pd.MultiIndex.from_arrays([table["scenario"], table["employee_id"].astype(str)])
        table["payout"] = np.where(key.isin(summed.index), summed.reindex(key).to_numpy(), 0.0).round(2)
        first = table[table["scenario"] == "baseline"]
        base = pd.Series(first["payout"].to_numpy(), index=first["employee_id"].astype(str))
        table["baseline_payout"] = table["employee_id"].astype(str).map(base).to_numpy()
        table["payout_change"] = (table["payout"] - table["baseline_payout"]).round(2)
        facts = self.kpis.facts.set_axis(self.kpis.facts.index.astype(str))
        ids = self.scorecard.table["employee_id"].astype(str)
        revenue = float(facts["revenue"].reindex(ids).sum()) if "revenue" in facts else float("nan")
        summary = out.summary.copy()
        for i, name in summary["scenario"].items():
            rows = table[table["scenario"] == name]
            total = round(float(rows["payout"].sum(min_count=1)), 2)
            summary.loc[i, "payout_total"] = total
            summary.loc[i, "payout_change"] = round(float(rows["payout_change"].sum(min_count=1)), 2)
            summary.loc[i, "payout_to_revenue"] = total / revenue if revenue > 0 else float("nan")
        shortcut = _said([_long_period_note(period)], language)[0]
        said = Note(f"{period}'s pay is the sum of its months' (incentives.pay_period: month): each month "
                    f"({', '.join(map(str, months))}) was scored and paid under each scenario; the scores, ranks "
                    f"and grades are {period}'s.",
                    f"{period} 的薪酬为各月之和（incentives.pay_period: month）：每个月（{'、'.join(map(str, months))}）"
                    f"都按各情景分别计分、计薪；得分、名次和等级为 {period} 整期的。")
        notes = [n for n in out.notes if n != shortcut] + _said([said], language)
        return dataclasses.replace(out, table=table, summary=summary, notes=notes)

    def _kpis_for(self, what_if: Mapping | None):
        """The KPIs, with those ``what_if`` names that were neither computed nor left out."""
        _check_what_if(what_if)
        named = [k for roles in (what_if or {}).values() if isinstance(roles, Mapping)
                 for r, w in roles.items() if r != _PAY and isinstance(w, Mapping) for k in w
                 if k in CATALOGUE and k not in self.kpis.kpis and k not in self.kpis.left_out]
        if not named:
            return self.kpis
        from .kpis import compute_kpis

        wanted = list(dict.fromkeys([*self.kpis.kpis, *self.kpis.left_out, *named]))
        return compute_kpis(self.dataset, self.kpis.period, kpis=wanted, options=self.params.engine_options,
                            required=self.params.kpis)

    def roles(self) -> list[str]:
        """The roles of the scorecard, the most common first."""
        return list(self.scorecard.table["role"].astype(str).value_counts().index)


def scenario_inputs(*, business: str, params_file, data_path: str = "", period: str) -> ScenarioInputs:
    """Load the parameter file and the data, compute the KPIs and score the period.

    ``data_path``: a client's data folder or workbook (read with the file's ``data:``
    mapping), or ``"demo"`` for the embedded demo data of ``business``; empty: the file's
    ``data.path``, or the demo data for a shipped plan. The KPIs are
    those of the plan, the business type's default set and every KPI a scenario weighs.
    """
    from .params import load_params

    params = load_params(params_file).for_business(business)
    from .loaders import load_plan_data

    dataset = load_plan_data(params, data_path or None, period=period)
    return _score_period(dataset, params, period)


def _score_period(dataset, params, period) -> ScenarioInputs:
    """The KPIs (the plan's, the business type's default set and every KPI a scenario
    weighs) and the scorecard of one period, with the targets and reviews tables.

    A period in which the data have no record is refused, as :func:`salesperf_kit.scoring.scorecard`
    refuses it: everyone would be scored (and paid) on nothing."""
    from .coverage import require_records
    from .kpis import DEFAULT_SETS, compute_kpis
    from .periods import parse_period
    from .loaders import tables_of as _tables_of
    from .scoring import score

    p = parse_period(period)
    require_records(dataset, p, what="a weight scenario")
    options = params.engine_options
    wanted = list(dict.fromkeys([*params.kpi_set(), *DEFAULT_SETS[params.business], *_scenario_kpis(params)]))
    kpis = compute_kpis(dataset, p, kpis=wanted, options=options, required=params.kpis)
    tables = _tables_of(dataset)
    card = score(kpis, params, targets=tables.get("targets"), ratings=tables.get("reviews"))
    return ScenarioInputs(params=params, dataset=dataset, kpis=kpis, scorecard=card,
                          targets=tables.get("targets"), ratings=tables.get("reviews"))


def run_scenarios(dataset, params, period, *, language: str | None = None) -> pd.DataFrame:
    """What ``salesperf scenarios`` writes: the named scenarios next to the baseline, one
    row per scenario x person (:attr:`ScenarioComparison.table`); the per-scenario summary
    is in ``attrs["summary"]``, the weights in ``attrs["weights"]`` and the notes in
    ``attrs["notes"]``. ``language``: of the scenario labels (default: the plan's)."""
    comparison = _score_period(dataset, params, period).compare(language=language)
    out = comparison.table.copy()
    out.attrs["summary"] = comparison.summary
    out.attrs["weights"] = comparison.weights
    out.attrs["notes"] = comparison.notes
    return out


_SHEETS = {"summary": ("汇总", "Summary"), "people": ("人员明细", "People"), "weights": ("权重", "Weights"),
           "notes": ("说明", "Notes")}


def write_scenarios(table: pd.DataFrame, path, params, *, language: str | None = None):
    """Write :func:`run_scenarios` for a manager: headers, roles, KPIs and yes/no in the
    plan's language (``report.language``), scores, money, weights and τ formatted; the
    headers of money give the plan's unit (``report.currency``: 薪酬总额（元）).

    An XLSX workbook has three sheets: the summary (one row per scenario: rank
    correlations, people who moved, grade changes, total payout and its change), the people
    (one row per scenario x person) and the weights (per scenario, role and KPI, next to
    the baseline's), and a fourth, the notes (说明 / Notes), when there are any (KPIs the
    data cannot give, a scenario left unpaid); a CSV holds the people. Returns the path
    written."""
    from .export import write_table, write_workbook

    language = language or params.report_language
    _check_language(language)
    i = 0 if language == "zh" else 1
    currency = params.currency(language)

    def role_label(r):
        return _role_name(params, r, language) if isinstance(r, str) else r

    people = table.assign(role=table["role"].map(role_label))
    if str(path).lower().endswith(".csv"):
        return write_table(people, path, language=language, sheet=_SHEETS["people"][i], currency=currency)

    def baseline_named(df: pd.DataFrame) -> pd.DataFrame:   # (基准 / Baseline, as its label reads)
        return df.assign(scenario=df["scenario"].replace({"baseline": _tx("baseline", language)})) \
            if "scenario" in df else df

    sheets = {_SHEETS["summary"][i]: baseline_named(table.attrs.get("summary", pd.DataFrame())),
              _SHEETS["people"][i]: baseline_named(people)}
    weights = table.attrs.get("weights")
    if weights is not None:
        sheets[_SHEETS["weights"][i]] = baseline_named(weights.rename(columns={"change": "weight_change"}).assign(
            role=weights["role"].map(role_label), kpi=[label(k, language) for k in weights["kpi"]]))
    notes = table.attrs.get("notes") or []
    if notes:   # what the command line says goes with the workbook to the manager
        sheets[_SHEETS["notes"][i]] = pd.DataFrame({"notes": list(notes)})
    return write_workbook(sheets, path, language=language, currency=currency)


def summary_text(table: pd.DataFrame, params, *, language: str | None = None) -> str:
    """The summary of :func:`run_scenarios` as the workbook's summary sheet heads it (in the
    plan's language, money with its unit), for the terminal: τ and ρ to three decimals,
    money to the cent, the payout's share of revenue in per cent; "" without scenarios."""
    from .export import column_labels

    language = language or params.report_language
    summary = table.attrs.get("summary")
    if summary is None or not len(summary):
        return ""
    shown = summary.assign(scenario=summary["scenario"].replace({"baseline": _tx("baseline", language)}))
    formats = {"kendall_tau": "{:.3f}", "spearman_rho": "{:.3f}", "payout_total": "{:,.2f}",
               "payout_change": "{:+,.2f}", "payout_to_revenue": "{:.1%}"}
    for col, f in formats.items():
        if col in shown:
            shown[col] = [("–" if pd.isna(v) else f.format(v)) for v in shown[col]]
    shown = shown.rename(columns=column_labels(shown.columns, language, currency=params.currency(language)))
    with pd.option_context("display.unicode.east_asian_width", language == "zh", "display.width", 250,
                           "display.max_columns", None):
        return shown.to_string(index=False)


def save_results(output_dir, *, comparison: ScenarioComparison | None = None, sweep: Sweep | None = None,
                 monte_carlo: MonteCarlo | None = None, sensitivity: pd.DataFrame | None = None,
                 weights: pd.DataFrame | None = None, name: str = "scenarios.xlsx",
                 language: str = "zh", params=None) -> list[str]:
    """Write the results given into one workbook, one sheet each (summary, scenarios,
    weights, sweep, crossings, monte_carlo, sensitivity, data_weights), headed, formatted
    and kept from formulas as ``salesperf scenarios`` writes its workbook
    (:func:`export.write_workbook`), in ``language``: sheet names, headers, roles (by the
    plan's labels, from the comparison or ``params``), KPIs and the baseline's id
    (基准 / Baseline); the headers of money give the plan's unit (``report.currency``, from
    ``params`` or the comparison). An empty ``output_dir`` writes nothing, so a notebook
    opened as it is leaves no file behind.

    Returns the paths written.
    """
    from pathlib import Path

    if not str(output_dir):
        return []
    _check_language(language)
    i = 0 if language == "zh" else 1
    roles = dict(comparison.role_labels) if comparison is not None else {}
    currency = comparison.currency.get(language) if comparison is not None else None
    if params is not None:
        roles.update({r: {lang: _role_name(params, r, lang) for lang in ("zh", "en")} for r in params.scoring.roles})
        currency = params.currency(language)

    def named(df: pd.DataFrame) -> pd.DataFrame:
        """Roles, KPIs, grades' probabilities and the baseline's id in ``language``."""
        df = df.copy()
        if "role" in df:
            df["role"] = [roles.get(r, {}).get(language, r) if isinstance(r, str) else r for r in df["role"]]
        if "kpi" in df:
            df["kpi"] = [label(k, language) if isinstance(k, str) else k for k in df["kpi"]]
        if "scenario" in df:
            df["scenario"] = df["scenario"].replace({"baseline": _tx("baseline", language)})
        grades = {c: (f"{c[2:]} 等级概率" if language == "zh" else f"P({c[2:]})") for c in df.columns
                  if isinstance(c, str) and c.startswith("p_") and c not in ("p_same_grade", "p_top_k")}
        return df.rename(columns=grades)

    sheets: dict[str, pd.DataFrame] = {}

    def put(key: str, df: pd.DataFrame) -> None:
        sheets[_RESULT_SHEETS[key][i]] = named(df)

    if comparison is not None:
        put("summary", comparison.summary)
        put("scenarios", comparison.table)
        put("weights", comparison.weights.rename(columns={"change": "weight_change"}))
    if sweep is not None:
        put("sweep", sweep.people.reset_index())
        put("crossings", sweep.crossings.rename(columns={"weight": "crossing_weight"}))
    if monte_carlo is not None:
        put("monte_carlo", monte_carlo.people.reset_index())
        row = monte_carlo.summary().iloc[0]
        sheets[_RESULT_SHEETS["monte_carlo_summary"][i]] = pd.DataFrame(
            {("项目", "Measure")[i]: [_MC_MEASURES.get(k, (k, k))[i] for k in row.index],
             ("数值", "Value")[i]: list(row.to_numpy(dtype=object))})
    if sensitivity is not None:
        t = sensitivity.reset_index()
        if "column" in t:   # role/kpi (several roles) or the KPI: the role, named, instead
            t.insert(0, "role", [str(c).split("/", 1)[0] if "/" in str(c) else None for c in t["column"]])
            t = t.drop(columns="column")
            if t["role"].isna().all():
                t = t.drop(columns="role")
        put("sensitivity", t)
    if weights is not None:
        put("data_weights", weights.reset_index().rename(columns={
            "plan": "plan_weight", "entropy": "entropy_weight", "critic": "critic_weight", "ahp": "ahp_weight"}))
    from .export import write_workbook

    return [str(write_workbook(sheets, Path(output_dir) / name, language=language, currency=currency))]


#: save_results' sheets, in Chinese and English
_RESULT_SHEETS = {"summary": ("汇总", "Summary"), "scenarios": ("人员明细", "People"), "weights": ("权重", "Weights"),
                  "sweep": ("权重扫描", "Sweep"), "crossings": ("名次交叉点", "Crossings"),
                  "monte_carlo": ("蒙特卡洛", "Monte Carlo"), "monte_carlo_summary": ("蒙特卡洛汇总", "Monte Carlo summary"),
                  "sensitivity": ("敏感性", "Sensitivity"), "data_weights": ("数据驱动权重", "Data-driven weights")}
#: the rows of the Monte Carlo summary sheet
_MC_MEASURES = {"method": ("抽样方法", "Method"), "draws": ("抽样次数", "Draws"),
                "concentration": ("集中度", "Concentration"), "seed": ("随机种子", "Seed"),
                "median_tau": ("Kendall τ 中位数", "Median Kendall τ"), "tau_p05": ("Kendall τ 5% 分位", "Kendall τ 5th percentile"),
                "tau_p95": ("Kendall τ 95% 分位", "Kendall τ 95th percentile"),
                "median_rho": ("Spearman ρ 中位数", "Median Spearman ρ"), "top_k": ("前 k 名的 k", "Top k"),
                "share_grade_always_kept": ("始终保持原等级的人数占比", "Share always keeping their grade")}


# ============================================================================= figures
_FIG_TEXT = {
    "bump": ("各情景下的名次", "Rank in each scenario"),
    "rank": ("名次", "Rank"),
    "baseline": ("基准", "Baseline"),
    "heat": ("等级概率（权重随机扰动）", "Grade probabilities (random weights)"),
    "tornado": ("权重敏感性（单因素）", "Weight sensitivity (one at a time)"),
    "low": ("权重 −{:.0%}", "weight −{:.0%}"),
    "high": ("权重 +{:.0%}", "weight +{:.0%}"),
    "stability": ("排名稳定性 (Kendall τ)", "Ranking stability (Kendall τ)"),
    "score": ("{} 的得分", "score of {}"),
    "rank_of": ("{} 的名次", "rank of {}"),
    "sweep": ("{}的权重", "weight of {}"),
    "score_axis": ("得分", "Score"),
    "now": ("当前", "current"),
    "unmeasured": ("未计入（本期无人有得分）：{}", "Left out (nobody has points this period): {}"),
    "list_sep": ("、", ", "),
    "grade": ("等级", "Grade"),
    "person": ("人员", "Person"),
}


def _check_language(language: str) -> None:
    """A figure, table or label in ``language``: "zh" or "en", said at once (any other
    value would silently give English figures, or a comparison labelled in Chinese)."""
    check_one_of("language", language, ["zh", "en"], error=ScoringError)


def _tx(key: str, language: str) -> str:
    return _FIG_TEXT[key][0 if language == "zh" else 1]


def _axes(ax, figsize):
    from .plots import _ax

    return _ax(ax, figsize=figsize)


def bump_chart(ranks, *, top: int = 15, language: str = "zh", title: str | None = None, ax=None):
    """Bump chart: each person's rank (y, 1 on top) in each scenario (x, baseline first).

    ``ranks``: a :class:`ScenarioComparison` or its ``ranks`` table (people x scenarios,
    column ``name`` first). People ranked within ``top`` in any scenario are drawn; the
    others are left out to keep the chart readable. The scenarios are named as in the
    parameter file's labels in ``language`` (the key when a scenario has none), the baseline
    as 基准 / Baseline. People tied at an end share one label ("Diane, Joe"), in grey.
    """
    _check_language(language)
    r = ranks.ranks if isinstance(ranks, ScenarioComparison) else ranks
    labels = ranks.labels if isinstance(ranks, ScenarioComparison) else r.attrs.get("labels", {})
    scen = [c for c in r.columns if c != "name"]
    values = r[scen].apply(pd.to_numeric, errors="coerce")
    shown = r[(values <= top).any(axis=1)]
    ax = _axes(ax, figsize=(max(6.0, 1.6 * len(scen) + 3), max(4.0, 0.32 * min(len(shown), top * 2) + 1.5)))
    x = np.arange(len(scen))
    names = shown["name"].astype(str) if "name" in shown else shown.index.astype(str)
    ends: tuple[dict, dict] = ({}, {})   # rank -> [(name, colour)] at the first and the last scenario
    for (_, row), name in zip(shown.iterrows(), names):
        y = pd.to_numeric(row[scen], errors="coerce").to_numpy(dtype="float64")
        line, = ax.plot(x, y, marker="o", linewidth=1.6, markersize=4)
        for end, v in zip(ends, (y[0], y[-1])):
            if np.isfinite(v):
                end.setdefault(float(v), []).append((name, line.get_color()))
    for end, at, dx, ha in ((ends[0], x[0], -6, "right"), (ends[1], x[-1], 6, "left")):
        for v, who in end.items():
            ax.annotate(", ".join(n for n, _ in who), (at, v), xytext=(dx, 0), textcoords="offset points", ha=ha,
                        va="center", fontsize=8, color=who[0][1] if len(who) == 1 else "#444444")

    def name_of(c) -> str:
        if c == "baseline":
            return _tx("baseline", language)
        lab = labels.get(c) or {}
        return str(lab.get(language) or next(iter(lab.values()), c) if lab else c)

    ax.set_xticks(x, [name_of(c) for c in scen])
    ax.set_xlim(-0.8, len(scen) - 0.2)
    ax.invert_yaxis()
    ax.set_ylabel(_tx("rank", language))
    ax.set_title(_tx("bump", language) if title is None else title)
    ax.grid(axis="x", visible=False)
    return ax


def grade_probability_heatmap(mc, *, rows: int = 60, language: str = "zh", title: str | None = None, ax=None):
    """People (rows, baseline order) x grades: the probability of each grade over the
    random weights of a :class:`MonteCarlo` (or a people x grades probability table)."""
    _check_language(language)
    p = mc.grade_probabilities if isinstance(mc, MonteCarlo) else mc
    p = p.head(rows)
    ax = _axes(ax, figsize=(max(4.5, 0.9 * p.shape[1] + 3), max(3.0, 0.24 * len(p) + 1.2)))
    import seaborn as sns

    sns.heatmap(p, ax=ax, cmap="Blues", vmin=0, vmax=1, annot=len(p) <= 40, fmt=".0%",
                annot_kws={"size": 7}, cbar_kws={"shrink": 0.6}, linewidths=0.3, linecolor="white",
                yticklabels=True)
    ax.set_title(_tx("heat", language) if title is None else title)
    ax.set_xlabel(_tx("grade", language))
    ax.set_ylabel(_tx("person", language))
    ax.tick_params(axis="y", labelsize=7)
    return ax


def tornado(oat: pd.DataFrame, *, language: str = "zh", title: str | None = None, ax=None):
    """Tornado chart of :func:`oat_ranges`: per KPI (largest swing on top), bars from the
    baseline output to its value with the weight lowered (lower half of the row) and raised
    (upper half), so that both are seen when they go the same way."""
    _check_language(language)
    d = oat.sort_values("swing", kind="mergesort")
    ax = _axes(ax, figsize=(7.5, max(3.0, 0.42 * len(d) + 1.2)))
    y = np.arange(len(d))
    base = float(d["base"].iloc[0]) if len(d) else 0.0
    spread = oat.attrs.get("spread", 0.5)
    ax.barh(y - 0.2, d["output_low"] - base, height=0.4, left=base, color="#d98c5f",
            label=_tx("low", language).format(spread))
    ax.barh(y + 0.2, d["output_high"] - base, height=0.4, left=base, color="#4c82b8",
            label=_tx("high", language).format(spread))
    ax.axvline(base, color="#333333", linewidth=1)
    ax.set_yticks(y, [label(k, language) for k in d["kpi"]])
    out = oat.attrs.get("output", "stability")
    if isinstance(out, str) and ":" in out:
        out = tuple(out.split(":", 1))
    xlabel = _tx("stability", language) if out == "stability" else \
        _tx("score" if out[0] == "score" else "rank_of", language).format(out[1])
    ax.set_xlabel(xlabel)
    ax.set_title(_tx("tornado", language) if title is None else title)
    ax.legend(fontsize=8, loc="best")
    left_out = oat.attrs.get("left_out") or []
    if left_out:
        ax.annotate(_tx("unmeasured", language).format(_tx("list_sep", language).join(
                        label(k, language) for k in dict.fromkeys(left_out))),
                    xy=(0, 0), xycoords="axes fraction", xytext=(0, -44), textcoords="offset points",
                    fontsize=8, color="#666666", va="top")
    return ax


def sweep_chart(s: Sweep, *, top: int = 8, language: str = "zh", title: str | None = None, ax=None):
    """Score lines of the ``top`` people (by current rank) as the KPI's weight goes from 0
    to 1, evaluated exactly; the current weight is the dashed line, and the crossings
    among the people drawn are marked."""
    _check_language(language)
    t = np.linspace(0.0, 1.0, 401)
    people = s.people.head(top)
    scores = s.scores(t)[people.index]
    ax = _axes(ax, figsize=(8, 4.5))
    for e in people.index:
        ax.plot(t, scores[e], linewidth=1.5, label=str(people.at[e, "name"]))
    shown = set(people.index)
    cx = s.crossings[s.crossings["rises"].isin(shown) & s.crossings["falls"].isin(shown)]
    if len(cx):
        y = [float(s.scores([w])[e].iloc[0]) for w, e in zip(cx["weight"], cx["rises"])]
        ax.scatter(cx["weight"], y, s=14, color="#333333", zorder=3)
    ax.axvline(s.weight, color="#777777", linestyle="--", linewidth=1)
    ax.annotate(_tx("now", language), (s.weight, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12),
                textcoords="offset points", fontsize=8, color="#555555")
    ax.set_xlabel(_tx("sweep", language).format(label(s.kpi, language)))
    ax.set_ylabel(_tx("score_axis", language))
    ax.set_xlim(0, 1)
    ax.set_title("" if title is None else title)
    ax.legend(fontsize=7, ncol=2, loc="best")
    return ax


# ============================================================================= widget
def weight_sliders(scorecard, role: str, *, rows: int = 15, kpis=None, language: str | None = None):
    """Weight sliders (ipywidgets) that re-rank the team live.

    One slider per KPI of ``role`` (the plan's weight to start with); the weights are used
    in proportion (divided by their sum), everyone is re-scored with the scorer's steps
    (:class:`ScoreModel`), re-ranked and re-graded, and the top ``rows`` are shown with
    their baseline rank and the change. "Reset" restores the plan.

    Returns
    -------
    ipywidgets.VBox
        Its ``table`` attribute holds the latest ranking (a DataFrame), ``shown`` the top
        ``rows`` of it as displayed (headers and the role in ``language``), its ``sliders``
        the sliders by KPI.
    """
    import ipywidgets as widgets
    from IPython.display import display

    from .scoring import assign_grades, rank

    model = score_model(scorecard, role=role, kpis=kpis)
    language = language or (scorecard.params.report_language if scorecard.params is not None else "zh")
    _check_language(language)
    cols = [c for c in model.columns if model.role_of[c] == role]
    base = model.weights[cols]
    sliders = {model.kpi_of[c]: widgets.FloatSlider(
        value=round(float(base[c]), 4), min=0.0, max=1.0, step=0.01, readout_format=".2f",
        description=label(model.kpi_of[c], language), continuous_update=False,
        style={"description_width": "9em"}, layout=widgets.Layout(width="28em")) for c in cols}
    total = widgets.HTML()
    reset = widgets.Button(description="重置" if language == "zh" else "Reset", icon="undo")
    out = widgets.Output()
    grading = model.grading
    params = scorecard.params
    role_name = _role_name(params, role, language) if params is not None else role
    from html import escape

    from .export import column_labels

    box = widgets.VBox([widgets.HTML(f"<b>{escape(str(role_name))}</b>"), *sliders.values(),
                        widgets.HBox([reset, total]), out])

    def update(*_):
        raw = {k: float(s.value) for k, s in sliders.items()}
        sum_w = sum(raw.values())
        if sum_w <= 0:
            total.value = "权重之和为 0" if language == "zh" else "the weights sum to 0"
            return
        weights = {k: v / sum_w for k, v in raw.items()}
        total.value = ("权重之和 {:.2f}，按比例使用" if language == "zh"
                       else "weights sum to {:.2f}, used in proportion").format(sum_w)
        s = pd.Series(model.scores(model.weights_from({role: weights})), index=model.people.index)
        t = model.people[["name", "team", "role"]].copy()
        t["score"] = s
        t["rank"] = rank(s, tie=model.rank_tie)
        if grading is not None:
            groups = None if model.grade_groups is None else pd.Series(model.grade_groups, index=model.people.index)
            t["grade"] = assign_grades(s, grading, groups)
        t["baseline_rank"] = model.people["rank"]
        t["rank_change"] = t["baseline_rank"] - t["rank"]
        t = t.sort_values(["rank", "baseline_rank"], kind="mergesort")
        box.table = t
        shown = t.head(rows).round({"score": 2})
        shown = shown.assign(role=[role_name if r == role else r for r in shown["role"]])
        box.shown = shown.rename(columns=column_labels(shown.columns, language))
        box.shown.index.name = column_labels(["employee_id"], language)["employee_id"]
        out.clear_output(wait=True)
        with out:
            display(box.shown)

    def do_reset(_):
        for c in cols:
            sliders[model.kpi_of[c]].value = round(float(base[c]), 4)
        update()

    for s in sliders.values():
        s.observe(update, names="value")
    reset.on_click(do_reset)
    box.sliders = sliders
    box.table = None
    update()
    return box
