"""Report analyses: the figures behind each section of a client report.

Every function here is a pure computation: tidy DataFrames (or a KPI result, a
scorecard, the parameters) in, a tidy DataFrame or a small dataclass out. Nothing is
plotted, nothing is formatted as text, and keys are language-neutral (KPI names, stage
names, issue codes): the report code labels them with :func:`salesperf_kit.catalogue.label`
and its own wording. Too little data gives NaN, never an exception and never 0.

>>> from salesperf_kit import analysis
>>> analysis.executive_summary(cur, prev, last_year, kpis=["revenue", "aov"])  # doctest: +SKIP
>>> analysis.funnel("telesales", cur, by="team")                                # doctest: +SKIP
>>> analysis.team_comparison(scorecard.table, value="score")                    # doctest: +SKIP

Sections and functions
----------------------
- Executive summary: :func:`executive_summary` (company actual, target, attainment,
  change against the previous period and the same period last year).
- Ranking movements: :func:`rank_changes`.
- Conversion funnel: :func:`funnel` (stages per business type, :data:`FUNNEL_STAGES`);
  the rows behind it that nobody owns: :func:`unowned_rows`.
- Are the teams different? :func:`team_comparison` (Kruskal-Wallis, pairwise
  Mann-Whitney U with Holm's adjustment, :func:`holm_adjust`).
- Which KPIs move together: :func:`kpi_correlations`, :func:`strongest_pairs`.
- Whose values a KPI's statistics cover (like with like): :func:`kpi_scope`,
  :func:`within_scope`.
- Heat map of results: :func:`attainment_matrix`.
- Feedback "sandwich" (seed 003: a strength, a gap, a concrete next step):
  :func:`feedback_cards`.
- Plan health (seed 000's common mistakes): :func:`plan_diagnostics`.
- What went in: :func:`data_quality`.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import check_one_of, natural_key
from .catalogue import BUSINESSES, CATALOGUE, Note, label
from .exceptions import SalesperfError
from .scoring import SCORE_DECIMALS

__all__ = [
    "executive_summary",
    "company_targets",
    "target_levels",
    "rank_changes",
    "FUNNEL_STAGES",
    "funnel",
    "UNOWNED_SHARE",
    "unowned_rows",
    "TeamTest",
    "team_comparison",
    "holm_adjust",
    "kpi_scope",
    "within_scope",
    "SEPARATE_COUNTS",
    "shares_over_whole",
    "kpi_correlations",
    "uncorrelated",
    "strongest_pairs",
    "attainment_matrix",
    "heatmap_order",
    "feedback_cards",
    "plan_diagnostics",
    "data_quality",
]


# ----------------------------------------------------------------------------- helpers
def _require(df: pd.DataFrame, columns, what: str) -> None:
    """Raise when ``df`` lacks any of ``columns``, naming them and what was passed."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SalesperfError(
            f"{what} needs the column(s) {', '.join(missing)}, but the frame passed has "
            f"{', '.join(map(str, df.columns)) or 'no columns'}. Pass the frame produced by the kit "
            "(Scorecard.table / Scorecard.details / payouts) or add the columns.")


def _div(num: float, den: float) -> float:
    """num / den; NaN when either is missing or the denominator is 0."""
    if num is None or den is None or pd.isna(num) or pd.isna(den) or den == 0:
        return np.nan
    return float(num) / float(den)


def _higher_is_better(kpi: str) -> bool:
    info = CATALOGUE.get(kpi)
    return True if info is None else bool(info.higher_is_better)


# ----------------------------------------------------------------------------- executive summary
def _company_values(result) -> pd.Series:
    """The company row of ``result.rollup("company")`` (empty when ``result`` is None)."""
    if result is None:
        return pd.Series(dtype="float64")
    row = result.rollup("company").iloc[0]
    return row.reindex(list(result.kpis))


def executive_summary(current, previous=None, last_year=None, *, kpis: list[str],
                      targets: pd.Series | None = None) -> pd.DataFrame:
    """Company figures of the period, against target and against earlier periods.

    Company values come from ``KPIResult.rollup("company")``: ratios are recomputed from
    summed numerators and denominators, never averaged over people.

    Parameters
    ----------
    current : KPIResult
        KPIs of the reporting period.
    previous, last_year : KPIResult or None
        KPIs of the previous period and of the same period one year earlier.
    kpis : list of str
        KPI names (catalogue keys), in the order of the rows.
    targets : Series, optional
        Company targets indexed by KPI name.

    Returns
    -------
    DataFrame
        One row per KPI: ``kpi``, ``actual``, ``target``,
        ``attainment = actual / target``, ``previous``,
        ``change_vs_previous = actual / previous - 1``, ``same_period_last_year``,
        ``change_vs_last_year = actual / same_period_last_year - 1`` and
        ``higher_is_better`` (from the catalogue, so the caller can tell a fall in
        complaint rate is good news). Every figure is NaN when not available: a KPI the
        period's data could not compute, no target, a missing or zero base. For a
        lower-is-better KPI an attainment above 1 means worse than target.
    """
    for name in kpis:
        check_one_of("kpi", name, CATALOGUE)
    cur, prev, ly = (_company_values(r) for r in (current, previous, last_year))
    tgt = pd.Series(dtype="float64") if targets is None else pd.Series(targets, dtype="float64")
    rows = []
    for name in kpis:
        actual = float(cur.get(name, np.nan))
        target = float(tgt.get(name, np.nan))
        p = float(prev.get(name, np.nan))
        y = float(ly.get(name, np.nan))
        rows.append({
            "kpi": name,
            "actual": actual,
            "target": target,
            "attainment": _div(actual, target),
            "previous": p,
            "change_vs_previous": _div(actual, p) - 1,
            "same_period_last_year": y,
            "change_vs_last_year": _div(actual, y) - 1,
            "higher_is_better": _higher_is_better(name),
        })
    cols = ["kpi", "actual", "target", "attainment", "previous", "change_vs_previous",
            "same_period_last_year", "change_vs_last_year", "higher_is_better"]
    return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------- rank changes
def rank_changes(current_table: pd.DataFrame, previous_table: pd.DataFrame | None) -> pd.DataFrame:
    """How each person's rank moved since the previous period.

    Parameters
    ----------
    current_table, previous_table : DataFrame
        Scorecard tables with ``employee_id`` and ``rank`` (1 = best). ``previous_table``
        may be None (everybody is then new).

    Returns
    -------
    DataFrame
        ``employee_id``, ``rank``, ``previous_rank``,
        ``rank_change = previous_rank - rank`` (positive = moved up), ``new`` (True when
        the person has no previous rank; ``rank_change`` is then NaN). One row per person
        of the current table, sorted by rank then employee_id; people who left are not listed.
    """
    _require(current_table, ["employee_id", "rank"], "rank_changes (current_table)")
    cur = current_table[["employee_id", "rank"]].copy()
    cur["employee_id"] = cur["employee_id"].astype(str)
    if previous_table is None:
        prev = pd.Series(dtype="float64")
    else:
        _require(previous_table, ["employee_id", "rank"], "rank_changes (previous_table)")
        prev = (previous_table.assign(employee_id=previous_table["employee_id"].astype(str))
                .drop_duplicates("employee_id").set_index("employee_id")["rank"])
    out = pd.DataFrame({
        "employee_id": cur["employee_id"].to_numpy(),
        "rank": pd.to_numeric(cur["rank"], errors="coerce").astype("float64").to_numpy(),
    })
    out["previous_rank"] = pd.to_numeric(out["employee_id"].map(prev), errors="coerce").astype("float64")
    out["rank_change"] = out["previous_rank"] - out["rank"]
    out["new"] = out["previous_rank"].isna()
    return out.sort_values(["rank", "employee_id"], na_position="last", kind="mergesort").reset_index(drop=True)


# ----------------------------------------------------------------------------- funnel
#: Funnel stages per business type: (stage key, candidate facts in order of preference).
FUNNEL_STAGES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "online": (("sessions", ("sessions",)), ("inquiries", ("inquiries",)), ("orders", ("orders",))),
    "telesales": (("calls", ("calls",)), ("connected", ("connected",)),
                  ("intent_customers", ("intent_customers",)), ("deals", ("buyers",))),
    "ecommerce": (("unique_visitors", ("unique_visitors",)), ("buyers", ("buyers",)),
                  ("repeat_buyers", ("repeat_buyers",))),
    "direct": (("contacts", ("act_new_contact",)), ("customers", ("buyers",)),
               ("referrals", ("referrals_total", "referred_new"))),
}

#: A funnel fact counted in another unit than the stage before it, and the fact its rate is
#: over instead (when computed): intent customers over the distinct customers reached on a
#: connected call, as the intent rate is, not over connected calls (a customer called twice
#: would count twice below and once above).
RATE_BASES: dict[str, str] = {"intent_customers": "connected_customers"}

# The source columns behind each funnel fact: a fact computed while its column was absent
# is 0 for everybody, which must not pass for a real zero. A KPI sheet's column of the same
# name is a source too (orders per person beside the ad data of the same people).
_FACT_SOURCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "sessions": (("traffic", ("sessions",)), ("kpi_sheet", ("sessions",))),
    "inquiries": (("traffic", ("inquiries",)), ("kpi_sheet", ("inquiries",))),
    "unique_visitors": (("traffic", ("unique_visitors",)), ("kpi_sheet", ("unique_visitors",))),
    "orders": (("orders", ()), ("kpi_sheet", ("orders",))),
    "buyers": (("orders", ("customer_id",)), ("kpi_sheet", ("buyers",))),
    "repeat_buyers": (("orders", ("customer_id",)),),
    "calls": (("calls", ()), ("kpi_sheet", ("calls",))),
    "connected": (("calls", ("connected",)), ("kpi_sheet", ("connected",))),
    "intent_customers": (("calls", ("customer_id", "outcome")), ("kpi_sheet", ("intent_customers",))),
    "act_new_contact": (("activities", ()),),
    "referred_new": (("orders", ("referred_by",)),),
    "referrals_total": (("orders", ("referred_by",)), ("activities", ())),  # either source
}


def _fact_available(result, fact: str) -> bool:
    """True when ``fact`` was computed from data that hold its source columns."""
    if fact not in result.facts.columns:
        return False
    has = getattr(result, "has", None)
    if has is None or getattr(result, "_ctx", None) is None:  # a stand-in without data: trust the facts
        return True
    return any(has(table, *cols) for table, cols in _FACT_SOURCES.get(fact, ()))


def _group_keys(result, by: str) -> pd.Series:
    """employee_id -> group label."""
    wide = result.wide.assign(employee_id=result.wide["employee_id"].astype(str)).drop_duplicates("employee_id")
    if by == "company":
        return pd.Series("company", index=pd.Index(wide["employee_id"], name="employee_id"))
    if by == "employee_id":
        return pd.Series(wide["employee_id"].to_numpy(), index=pd.Index(wide["employee_id"], name="employee_id"))
    return wide.set_index("employee_id")[by].astype(str)


def funnel(business: str, kpis, *, by: str = "team") -> pd.DataFrame:
    """Conversion funnel per group, from summed facts.

    Stages (:data:`FUNNEL_STAGES`):

    - online: sessions -> inquiries -> orders
    - telesales: calls -> connected -> intent_customers -> deals (distinct buyers)
    - ecommerce: unique_visitors -> buyers -> repeat_buyers (buyers with >= 2 orders)
    - direct: contacts (new-contact activities) -> customers (distinct buyers) ->
      referrals (``referrals_total``, else ``referred_new``)

    Parameters
    ----------
    business : {"online", "telesales", "ecommerce", "direct"}
    kpis : KPIResult
        Its ``facts`` (one row per employee) give each group's figures. The facts a stage needs
        are there only when a KPI that uses them was computed (e.g. ``close_rate`` for
        telesales deals).
    by : {"team", "role", "company", "employee_id"}

    Returns
    -------
    DataFrame
        Tidy: ``group``, ``stage``, ``stage_order`` (1-based position in the business's
        full stage list, so it stays the same when a stage is missing), ``fact`` (the fact
        shown), ``value`` = the group's figure (:meth:`KPIResult.rollup_facts`: the sum over
        its people, except that a customer served by two of them counts once),
        ``rate_from_previous = value / value of the previous stage shown`` (NaN for the first
        stage or when the previous value is 0), except for a fact of :data:`RATE_BASES`,
        whose rate is over its base fact when that was computed (telesales intent customers
        over connected customers: the intent rate).
        ``attrs["missing_stages"]`` lists the stages left out because their facts were not
        computed or their source columns are absent from the data, and
        ``attrs["missing_needs"]`` what the data lack for each of them (a
        :class:`~salesperf_kit.catalogue.Note`, e.g. table 'orders' for telesales deals).
    """
    check_one_of("business", business, BUSINESSES)
    check_one_of("by", by, ["team", "role", "company", "employee_id"])
    keys = _group_keys(kpis, by)
    facts = kpis.facts.copy()
    facts.index = facts.index.astype(str)
    shown, missing = [], []
    for order, (stage, candidates) in enumerate(FUNNEL_STAGES[business], start=1):
        fact = next((f for f in candidates if _fact_available(kpis, f)), None)
        if fact is None:
            missing.append(stage)
        else:
            shown.append((order, stage, fact))
    cols = ["group", "stage", "stage_order", "fact", "value", "rate_from_previous"]
    lacking = {s: _stage_lacks(kpis, s, dict(FUNNEL_STAGES[business])[s]) for s in missing}
    if not shown:
        out = pd.DataFrame(columns=cols)
        out.attrs["missing_stages"] = missing
        out.attrs["missing_needs"] = {s: n for s, n in lacking.items() if n is not None}
        return out
    wanted = [f for _, _, f in shown]
    bases = {f: RATE_BASES[f] for f in wanted if f in RATE_BASES and RATE_BASES[f] in facts.columns}
    wanted += [b for b in bases.values() if b not in wanted]
    if by != "employee_id" and getattr(kpis, "_ctx", None) is not None:
        sums = kpis.rollup_facts(by)[wanted]
    else:  # one person per group, or a stand-in without data: the facts' sums
        sums = facts[wanted].groupby(keys.reindex(facts.index).to_numpy()).sum(min_count=1)
    rows = []
    for g in sorted(sums.index, key=natural_key):
        prev_value = np.nan
        for i, (order, stage, fact) in enumerate(shown):
            value = float(sums.at[g, fact])
            rate = np.nan if i == 0 else _div(value, float(sums.at[g, bases[fact]]) if fact in bases else prev_value)
            rows.append((g, stage, order, fact, value, rate))
            prev_value = value
    out = pd.DataFrame(rows, columns=cols)
    out.attrs["missing_stages"] = missing
    out.attrs["missing_needs"] = {s: n for s, n in lacking.items() if n is not None}
    return out


#: From this share of a funnel table's rows of the period without an owner (employee_id) on,
#: the report's summary says that the company's figures from that table count the owned rows
#: only: one lead in ten missing from a conversion moves it visibly; fewer is left to the
#: appendix, which tells every such count.
UNOWNED_SHARE = 0.10


def unowned_rows(business: str, result) -> pd.DataFrame:
    """The rows of the period behind the business's funnel (:data:`FUNNEL_STAGES`) that have
    no owner, per table.

    Such rows count in no one's KPIs and so in no team or company figure either: a company
    conversion from those tables is that of the owned rows alone.

        share_unowned = unowned / rows

    Parameters
    ----------
    business : {"online", "telesales", "ecommerce", "direct"}
    result : KPIResult
        The KPIs of the period (its data are counted; a stand-in without data gives no rows).

    Returns
    -------
    DataFrame
        One row per funnel table that has dated rows in the period and an ``employee_id``
        column: ``table``, ``rows``, ``owned`` (rows with an employee_id), ``unowned``,
        ``share_unowned`` and ``kpis`` (the KPIs of ``result`` computed from the table, a
        list).
    """
    from .coverage import DATED
    from .kpis import REGISTRY

    check_one_of("business", business, BUSINESSES)
    cols = ["table", "rows", "owned", "unowned", "share_unowned", "kpis"]
    ctx = getattr(result, "_ctx", None)
    if ctx is None:
        return pd.DataFrame(columns=cols)
    facts = [f for _, candidates in FUNNEL_STAGES[business] for f in candidates]
    tables = dict.fromkeys(t for f in facts for t, _ in _FACT_SOURCES.get(f, ()))
    p = result.period
    rows = []
    for table, col in DATED:
        if table not in tables or not result.has(table, "employee_id", col):
            continue
        n, owned = ctx.con.execute(f"SELECT count(*), count(employee_id) FROM {table} WHERE {col} >= ? AND {col} < ?",
                                   [p.start.to_pydatetime(), p.end.to_pydatetime()]).fetchall()[0]
        if n:
            fed = [k for k in result.kpis if k in REGISTRY and table in REGISTRY[k].tables]
            rows.append((table, int(n), int(owned), int(n - owned), (n - owned) / n, fed))
    return pd.DataFrame(rows, columns=cols)


def _stage_lacks(result, stage: str, candidates: tuple[str, ...]) -> Note | None:
    """What the data lack for a funnel stage left out (its preferred fact's first source:
    a table, or columns of it), or None when that cannot be told (a stand-in without data)."""
    from .kpis import _lacks

    has = getattr(result, "has", None)
    if has is None or getattr(result, "_ctx", None) is None:
        return None
    sources = _FACT_SOURCES.get(candidates[0], ())
    for table, cols in sources:
        if not has(table):
            lack = _lacks(table)
        else:
            # (an event table without its owner column, such as leads kept per channel, counts
            # for no one: the stage lacks that column, not the figures beside it)
            owner = ("employee_id",) if table != "kpi_sheet" else ()
            absent = [c for c in (*owner, *cols) if not has(table, c)]
            if not absent:
                continue
            lack = _lacks(table, absent)
        sheet = [c for t, cs in sources if t == "kpi_sheet" and t != table and has(t) for c in cs]
        if sheet:  # a client who sends a KPI sheet would add the column there
            return Note(f"{lack}, or column(s) {', '.join(sheet)} in the KPI sheet",
                        f"{lack.zh}，或指标表中的{''.join(f'「{label(c)}」' for c in sheet)}列")
        return lack
    return None


# ----------------------------------------------------------------------------- team comparison
@dataclass(frozen=True)
class TeamTest:
    """Result of :func:`team_comparison`.

    Attributes
    ----------
    value, group : str
        The column compared and the column that defines the groups.
    statistic, p_value : float
        Kruskal-Wallis H (tie-corrected) and its p-value; NaN when fewer than two groups
        qualify or all values are equal.
    alpha : float
    significant : bool
        ``p_value < alpha``.
    n : Series
        Observations per group compared (index: group).
    medians : Series
        Median per group compared (index: group).
    excluded : list of str
        Groups left out because they have fewer than 2 observations.
    pairwise : DataFrame
        ``group_a``, ``group_b``, ``n_a``, ``n_b``, ``U`` (Mann-Whitney U of group_a),
        ``p_raw`` (two-sided), ``p_adjusted`` (Holm), ``significant`` (p_adjusted < alpha).
    highest_median_group, lowest_median_group : str or None
        Groups with the highest and lowest median (ties: first by group name).
    highest_median, lowest_median : float
    any_pair_significant : bool
        True when at least one pairwise difference stays significant after Holm.
    observations : int
        Values in all groups, the excluded ones included (0: nothing to compare at all).
    """

    value: str
    group: str
    statistic: float
    p_value: float
    alpha: float
    significant: bool
    n: pd.Series
    medians: pd.Series
    excluded: list[str]
    pairwise: pd.DataFrame
    highest_median_group: str | None = None
    highest_median: float = np.nan
    lowest_median_group: str | None = None
    lowest_median: float = np.nan
    any_pair_significant: bool = False
    observations: int = 0


def holm_adjust(p_values) -> np.ndarray:
    """Holm's step-down adjustment of p-values for multiple comparisons.

    With the m p-values sorted ascending, p_(1) <= ... <= p_(m):

        adjusted_(i) = max over j <= i of min(1, (m - j + 1) * p_(j))

    returned in the original order. NaN p-values stay NaN and do not count in m.
    """
    p = np.asarray(p_values, dtype="float64")
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q, kind="mergesort")
    adj = np.minimum(1.0, (m - np.arange(m)) * q[order])
    adj = np.maximum.accumulate(adj)
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def team_comparison(values: pd.DataFrame, *, value: str, group: str = "team", alpha: float = 0.05) -> TeamTest:
    """Do the groups differ? Kruskal-Wallis across groups, then pairwise Mann-Whitney U.

    Kruskal-Wallis, with N observations ranked together (ties get the mean rank), n_i
    observations and rank sum R_i in group i:

        H = 12 / (N (N + 1)) * sum_i R_i^2 / n_i - 3 (N + 1)

    divided by the tie correction 1 - sum(t^3 - t) / (N^3 - N) (scipy.stats.kruskal).
    Each pair of groups is compared with a two-sided Mann-Whitney U test
    (scipy.stats.mannwhitneyu: exact for small samples without ties) and the p-values are
    adjusted with Holm's method (:func:`holm_adjust`).

    Parameters
    ----------
    values : DataFrame
        One row per person (e.g. ``Scorecard.table`` or ``KPIResult.wide``).
    value : str
        The numeric column compared; missing values are dropped.
    group : str
        The column defining the groups; rows without a group are dropped.
    alpha : float
        Significance level.

    Returns
    -------
    TeamTest
        Groups with fewer than 2 observations are excluded and listed in ``excluded``; with
        fewer than two groups left, the statistic and p-value are NaN. ``highest_median_group``
        and ``significant`` give what a plain-words sentence needs ("team X has the highest
        median; the differences are / are not significant").
    """
    _require(values, [value, group], "team_comparison")
    labelled = values[values[group].notna()]
    d = pd.DataFrame({"g": labelled[group].astype(str),
                      "v": pd.to_numeric(labelled[value], errors="coerce")}).dropna(subset=["v"])
    counts = d.groupby("g")["v"].size()
    all_groups = sorted(values[group].dropna().astype(str).unique(), key=natural_key)
    kept = [g for g in all_groups if counts.get(g, 0) >= 2]
    excluded = [g for g in all_groups if g not in kept]
    samples = {g: d.loc[d["g"] == g, "v"].to_numpy() for g in kept}
    n = pd.Series({g: len(samples[g]) for g in kept}, dtype="int64")
    n.index.name = group
    medians = pd.Series({g: float(np.median(samples[g])) for g in kept}, dtype="float64")
    medians.index.name = group

    h = p = np.nan
    if len(kept) >= 2:
        pooled = np.concatenate(list(samples.values()))
        if np.ptp(pooled) > 0:
            res = stats.kruskal(*samples.values())
            h, p = float(res.statistic), float(res.pvalue)

    rows = []
    for a, b in itertools.combinations(kept, 2):
        xa, xb = samples[a], samples[b]
        if np.ptp(np.concatenate([xa, xb])) > 0:
            r = stats.mannwhitneyu(xa, xb, alternative="two-sided")
            u, pr = float(r.statistic), float(r.pvalue)
        else:  # identical values: no evidence of a difference
            u, pr = len(xa) * len(xb) / 2.0, 1.0
        rows.append((a, b, len(xa), len(xb), u, pr))
    pairwise = pd.DataFrame(rows, columns=["group_a", "group_b", "n_a", "n_b", "U", "p_raw"])
    pairwise["p_adjusted"] = holm_adjust(pairwise["p_raw"].to_numpy())
    pairwise["significant"] = pairwise["p_adjusted"] < alpha

    hi = lo = None
    if len(medians):
        ordered = medians.reset_index()
        ordered.columns = ["g", "m"]
        hi = ordered.sort_values(["m", "g"], ascending=[False, True], kind="mergesort").iloc[0]["g"]
        lo = ordered.sort_values(["m", "g"], ascending=[True, True], kind="mergesort").iloc[0]["g"]
    return TeamTest(
        value=value, group=group, statistic=h, p_value=p, alpha=alpha,
        significant=bool(not np.isnan(p) and p < alpha), n=n, medians=medians, excluded=excluded,
        pairwise=pairwise,
        highest_median_group=hi, highest_median=float(medians[hi]) if hi is not None else np.nan,
        lowest_median_group=lo, lowest_median=float(medians[lo]) if lo is not None else np.nan,
        any_pair_significant=bool(pairwise["significant"].any()), observations=len(d),
    )


# ----------------------------------------------------------------------------- like with like
def kpi_scope(wide: pd.DataFrame, scorecard_details: pd.DataFrame, *, kpis: Sequence[str]) -> pd.DataFrame:
    """Whose values each KPI's statistics cover: like is compared with like.

    A person counts in the statistics of KPI k (its distribution per team, its correlations,
    its outlier screen) by their role:

        counted(role, k) = the role is scored on k     when some role is (weight > 0 in the
                                                       scorecard for someone of the role)
                         = the role has a value of k   when no role is scored on k but some
                           other than 0                role has such a value
                         = True                        otherwise

    A manager scored on the team's revenue sells nothing: their revenue of 0 is no figure
    of a seller's, and a representative's "team revenue" is their own revenue. A KPI no role
    is scored on is shown for information; a role whose people all have 0 of it (or none)
    does not do that work. The weights are those the scorecard applied (a phase's, where
    one was in force).

    Parameters
    ----------
    wide : DataFrame
        One row per person with ``employee_id``, ``role`` and the KPIs (``KPIResult.wide``).
    scorecard_details : DataFrame
        ``Scorecard.details`` (employee_id, kpi, weight).
    kpis : sequence of str
        The KPIs to tell.

    Returns
    -------
    DataFrame
        One row per KPI and role present in ``wide`` (in the order of ``kpis``, then of the
        roles' first appearance): ``kpi``, ``role``, ``people`` (the role's people in
        ``wide``), ``counted`` (bool) and ``basis`` (``"weights"``, ``"values"`` or
        ``"all"``: which line above decided the KPI).
    """
    _require(wide, ["employee_id", "role"], "kpi_scope (wide)")
    _require(scorecard_details, ["employee_id", "kpi", "weight"], "kpi_scope (scorecard_details)")
    roles = wide["role"].astype(str)
    role_of = dict(zip(wide["employee_id"].astype(str), roles, strict=True))
    d = scorecard_details[pd.to_numeric(scorecard_details["weight"], errors="coerce") > 0]
    weighted = d.assign(role=d["employee_id"].astype(str).map(role_of)).dropna(subset=["role"])
    on = weighted.groupby("kpi")["role"].agg(set).to_dict()
    heads = roles.value_counts(sort=False)
    rows = []
    for k in kpis:
        if k in on:
            basis, mine = "weights", on[k]
        else:
            values = pd.to_numeric(wide[k], errors="coerce") if k in wide else pd.Series(np.nan, index=wide.index)
            mine = set(roles[values.notna() & (values != 0)])
            basis = "values" if mine else "all"
        rows += [(k, r, int(heads[r]), basis == "all" or r in mine, basis) for r in dict.fromkeys(roles)]
    return pd.DataFrame(rows, columns=["kpi", "role", "people", "counted", "basis"])


def within_scope(wide: pd.DataFrame, scope: pd.DataFrame) -> pd.DataFrame:
    """``wide`` with each KPI of ``scope`` (:func:`kpi_scope`) set to NaN for the people of
    the roles it does not count; a new frame, the other columns as they were."""
    out = wide.copy()
    roles = wide["role"].astype(str)
    for k, g in scope.groupby("kpi", sort=False):
        if k in out:
            out[k] = out[k].where(roles.isin(g.loc[g["counted"], "role"]))
    return out


# ----------------------------------------------------------------------------- shares over 100 %
#: KPIs read as a share (成交率: of the intent customers, how many bought) whose two counts
#: are taken separately over the period, so that the first can exceed the second: buyers
#: whose intent was recorded in an earlier period or never, orders of earlier inquiries,
#: orders without a recorded visit. KPI -> (what the numerator counts that the denominator
#: does not, and how to read the KPI instead), in English and in Chinese.
SEPARATE_COUNTS: dict[str, dict[str, tuple[str, str]]] = {
    "close_rate": {"en": ("buyers whose intent was recorded in an earlier period, or not at all",
                          "buyers per intent customer"),
                   "zh": ("意向记录在以前各期或没有意向记录的成交客户", "每个意向客户对应的成交客户数")},
    "inquiry_conversion": {"en": ("orders of inquiries made in an earlier period", "orders per inquiry"),
                           "zh": ("以前各期咨询在本期成交的订单", "每次咨询对应的订单数")},
    "conversion_rate": {"en": ("orders without a visit recorded in the period", "orders per visit"),
                        "zh": ("本期没有访问记录的订单", "每次访问对应的订单数")},
}


def shares_over_whole(wide: pd.DataFrame, kpis: Sequence[str]) -> pd.DataFrame:
    """The KPIs of :data:`SEPARATE_COUNTS` that exceed 100 % for someone.

    Such a value is no error of the data: the numerator and the denominator are counted
    separately over the period (``close_rate = distinct buyers / intent customers``), and a
    reader who takes the KPI as a share needs to be told.

    Parameters
    ----------
    wide : DataFrame
        One row per person, one column per KPI (as ratios: 1.0 is 100 %); NaN for people a
        KPI does not count (see :func:`within_scope`).
    kpis : sequence of str

    Returns
    -------
    DataFrame
        One row per such KPI (in the order of ``kpis``): ``kpi``, ``over`` (people above
        100 %), ``people`` (people with a value) and ``max``.
    """
    rows = []
    for k in kpis:
        if k in SEPARATE_COUNTS and k in wide:
            v = pd.to_numeric(wide[k], errors="coerce").dropna()
            over = int((v > 1).sum())
            if over:
                rows.append((k, over, len(v), float(v.max())))
    return pd.DataFrame(rows, columns=["kpi", "over", "people", "max"])


# ----------------------------------------------------------------------------- correlations
def kpi_correlations(wide: pd.DataFrame, kpis: list[str], *, min_periods: int = 5) -> pd.DataFrame:
    """Spearman rank correlation between KPIs, over people (pairwise complete).

    For each pair of KPIs, the rows where both are present are ranked (ties: mean rank) and

        rho = Pearson correlation of the ranks
            = 1 - 6 * sum d_i^2 / (n (n^2 - 1))   when there are no ties,

    d_i being the difference of person i's two ranks.

    Parameters
    ----------
    wide : DataFrame
        One row per person (and period), one column per KPI (``KPIResult.wide``).
    kpis : list of str
        Columns to correlate; those absent from ``wide`` give rows and columns of NaN.
    min_periods : int
        Fewer pairwise-complete rows than this give NaN; so does a constant column.

    Returns
    -------
    DataFrame
        Square matrix indexed and labelled by KPI; ``attrs["n"]`` holds the matrix of
        pairwise-complete row counts.
    """
    data = pd.DataFrame({k: pd.to_numeric(wide[k], errors="coerce") if k in wide.columns
                         else pd.Series(np.nan, index=wide.index) for k in kpis}, index=wide.index)
    data = data.astype("float64")
    corr = data.corr(method="spearman", min_periods=min_periods).reindex(index=kpis, columns=kpis)
    present = data.notna().astype("int64")
    corr.attrs["n"] = present.T @ present
    return corr


def uncorrelated(corr: pd.DataFrame) -> list[str]:
    """The KPIs of a correlation matrix (:func:`kpi_correlations`) with no correlation to
    any other KPI: every off-diagonal cell of their row is NaN (too few people count in both
    KPIs, or the KPI does not vary among those who do). A figure row of them shows only
    their own 1.00. In the matrix's order."""
    off = corr.where(~np.eye(len(corr), dtype=bool))
    return [k for k in corr.index if off.loc[k].isna().all()]


def strongest_pairs(corr: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` KPI pairs with the largest absolute correlation.

    Returns
    -------
    DataFrame
        ``kpi_a``, ``kpi_b`` (each pair once, in the matrix's order), ``rho``,
        ``abs_rho = |rho|`` and, when :func:`kpi_correlations` recorded it, ``n`` (rows
        behind the pair) and ``p``, the two-sided p-value of rho against no correlation, as
        ``scipy.stats.spearmanr`` gives it: ``t = rho sqrt((n - 2) / (1 - rho^2))`` on
        ``n - 2`` degrees of freedom (0 for rho = ±1, NaN for n < 3): -0.71 over 5 people is
        p = 0.18, chance as likely as not. Sorted by ``abs_rho`` descending, then kpi_a and
        kpi_b. NaN correlations are left out.
    """
    names = list(corr.columns)
    counts = corr.attrs.get("n")
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            rho = corr.at[a, b]
            if pd.notna(rho):
                row = {"kpi_a": a, "kpi_b": b, "rho": float(rho), "abs_rho": abs(float(rho))}
                if counts is not None:
                    row["n"] = int(counts.at[a, b])
                    row["p"] = _spearman_p(float(rho), row["n"])
                rows.append(row)
    cols = ["kpi_a", "kpi_b", "rho", "abs_rho"] + (["n", "p"] if counts is not None else [])
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["abs_rho", "kpi_a", "kpi_b"], ascending=[False, True, True], kind="mergesort")
    return out.head(n).reset_index(drop=True)


def _spearman_p(rho: float, n: int) -> float:
    """Two-sided p-value of a Spearman rho over n pairs (see :func:`strongest_pairs`)."""
    if n < 3 or np.isnan(rho):
        return np.nan
    if abs(rho) >= 1:
        return 0.0
    t = rho * math.sqrt((n - 2) / (1 - rho * rho))
    return float(2 * stats.t.sf(abs(t), n - 2))


# ----------------------------------------------------------------------------- attainment matrix
def attainment_matrix(scorecard_details: pd.DataFrame, *, value: str = "normalised") -> pd.DataFrame:
    """People x KPIs matrix for a heat map.

    Parameters
    ----------
    scorecard_details : DataFrame
        ``Scorecard.details`` (employee_id, kpi, raw, target, normalised, weight, ...).
    value : {"normalised", "attainment"}
        ``"normalised"`` (default): the scorecard's 0-100 points, already turned so that
        higher is better and comparable across KPIs. ``"attainment"``:
        ``raw / target`` where a target exists (NaN where it does not or is 0); for a
        lower-is-better KPI a value above 1 is then worse than target.

    Returns
    -------
    DataFrame
        Index ``employee_id`` (order of first appearance), one column per KPI (order of
        first appearance). Only KPIs a person is weighted on (``weight > 0``, when the
        column exists) are filled; the other cells are NaN.
    """
    check_one_of("value", value, ["normalised", "attainment"])
    need = ["employee_id", "kpi"] + (["normalised"] if value == "normalised" else ["raw", "target"])
    _require(scorecard_details, need, "attainment_matrix")
    d = scorecard_details.assign(employee_id=scorecard_details["employee_id"].astype(str))
    people = list(dict.fromkeys(d["employee_id"]))
    names = list(dict.fromkeys(d["kpi"]))
    if "weight" in d:
        d = d[pd.to_numeric(d["weight"], errors="coerce") > 0]
    if value == "normalised":
        v = pd.to_numeric(d["normalised"], errors="coerce")
    else:
        raw = pd.to_numeric(d["raw"], errors="coerce")
        tgt = pd.to_numeric(d["target"], errors="coerce")
        v = raw / tgt.where(tgt != 0)
    d = d.assign(_v=v.astype("float64"))
    m = d.groupby(["employee_id", "kpi"], sort=False)["_v"].first().unstack("kpi")
    m = m.reindex(index=people, columns=names).astype("float64")
    m.index.name = "employee_id"
    m.columns.name = None
    return m


def heatmap_order(scorecard_table: pd.DataFrame, roles: Sequence[str] = ()) -> list[str]:
    """The people of a scorecard in the order a heat map of their KPIs reads best.

    By role, so that each role's KPIs make one block of the map (the roles in the order of
    ``roles``, the plan's, then any other in order of appearance); within a role by team
    (by name, and by the numbers in it: 一部 before 二部); within a team by rank, best first
    (people without a rank last, in
    their order in the table).

    Parameters
    ----------
    scorecard_table : DataFrame
        ``Scorecard.table`` (employee_id, role; team and rank when present).
    roles : sequence of str
        The roles in the order to show them.

    Returns
    -------
    list of str
        The employee_ids.
    """
    _require(scorecard_table, ["employee_id", "role"], "heatmap_order")
    t = scorecard_table.reset_index(drop=True)
    seen = list(dict.fromkeys([*roles, *t["role"].astype(str)]))
    teams = t["team"].astype(str) if "team" in t else pd.Series("", index=t.index)
    in_order = {team: i for i, team in enumerate(sorted(teams.unique(), key=natural_key))}  # 一部, 二部, 三部
    keys = pd.DataFrame({
        "role": t["role"].astype(str).map(seen.index),
        "team": teams.map(in_order),
        "rank": pd.to_numeric(t["rank"], errors="coerce") if "rank" in t else np.nan})
    order = keys.sort_values(["role", "team", "rank"], kind="mergesort", na_position="last").index
    return t.loc[order, "employee_id"].astype(str).tolist()


# ----------------------------------------------------------------------------- feedback cards
def _reached(value: float, goal: float, higher: bool) -> bool:
    return value >= goal if higher else value <= goal


#: a goal of the role's figures this close to the person's value (relative to the goal) is
#: no next step when a further goal exists
NEAR_GOAL = 0.02


def feedback_cards(scorecard_table: pd.DataFrame, details: pd.DataFrame, *, kpis=None,
                   params=None) -> pd.DataFrame:
    """The facts of a "sandwich" feedback per person: a strength, a gap, a next step.

    Only KPIs the person is weighted on (``weight > 0``) with normalised points count, and
    of these not the KPIs on which every person of the role (of two or more) has the same
    points (``tied_kpis``): such a KPI tells no one apart. For each KPI that counts,

        lead = normalised points - median normalised points of the same role and KPI

    - strength: the largest lead, among the KPIs where the person is at or above the
      role's median with points above 0 (a KPI where they are behind is no strength, even
      if it is their best); ties broken by the higher normalised points, then the higher
      weight, then the KPI name (alphabetical). NA when there is no such KPI.
    - gap: among the other KPIs, the smallest lead; ties broken by the lower normalised
      points, then the higher weight, then the KPI name. NA when no other KPI remains.
    - next step on the gap KPI: the first goal of this ladder that the person has not
      reached yet (reached means ``value >= goal``, or ``<=`` for a lower-is-better KPI):
      the KPI's target (``"target"``: the plan's own goal comes first), the role's median
      raw value (``"role_median"``), the role's upper quartile raw value
      (``"role_upper_quartile"``: 75th percentile, or 25th for lower-is-better, linear
      interpolation). A figure of the role within :data:`NEAR_GOAL` (2 %) of the value is
      passed over for the next goal, when there is one (2,740 visitors, median 2,741: a
      step of one visitor is no step). ``next_step_change = target - value``.
      Goals of count KPIs are whole numbers (rounded up, or down for lower-is-better). When
      the person's role is compared with another on the gap KPI (``params``), the median and
      quartile are the group's: ``"peer_median"``, ``"peer_upper_quartile"``, and
      ``next_step_group`` names the group's roles (``"director, manager"``).

    Parameters
    ----------
    scorecard_table : DataFrame
        ``Scorecard.table`` (employee_id, role; name, team, score, rank, grade when present).
    details : DataFrame
        ``Scorecard.details`` (employee_id, kpi, raw, target, normalised, weight).
    kpis : KPIResult, optional
        When given, the role's raw-value medians and quartiles are taken over everybody of
        the role in ``kpis.wide`` who is not on the scorecard or whose role is weighted on
        the KPI (people on it whose role is not were not compared on it), and a missing raw
        value is filled from it.
    params : Params, optional
        When given, a role the plan compares with another (``scoring.roles.<role>.peers``)
        is compared with that group here too on the KPIs scored against peers: its "role"
        medians and quartiles of those KPIs are the group's, as its points were.

    Returns
    -------
    DataFrame
        One row per person of the table, in its order: employee_id (and name, team, role
        when present), strength_kpi, strength_points, strength_role_median, gap_kpi,
        gap_points, gap_role_median, next_step_kpi, next_step_value, next_step_target,
        next_step_basis, next_step_group, next_step_change, higher_is_better (of the gap KPI),
        tied_kpis (the KPIs left out as the same for the whole role, ", "-joined; NA for none).
    """
    _require(scorecard_table, ["employee_id", "role"], "feedback_cards (scorecard_table)")
    _require(details, ["employee_id", "kpi", "raw", "normalised", "weight"], "feedback_cards (details)")
    table = scorecard_table.assign(employee_id=scorecard_table["employee_id"].astype(str))
    role_of = table.drop_duplicates("employee_id").set_index("employee_id")["role"].astype(str)

    def group(roles, kpis_) -> list:  # the role, or the group it is compared in on a KPI scored against peers
        if params is None:
            return list(roles)
        sc = params.scoring
        return [params.peer_group(r) or r if sc.normalisation_of(k).method != "attainment" else r
                for r, k in zip(roles, kpis_)]

    d = details.assign(employee_id=details["employee_id"].astype(str)).copy()
    for c in ("raw", "normalised", "weight"):
        d[c] = pd.to_numeric(d[c], errors="coerce").astype("float64")
    d["target"] = pd.to_numeric(d["target"], errors="coerce").astype("float64") if "target" in d else np.nan
    d["role"] = d["employee_id"].map(role_of)
    d = d[d["role"].notna()]
    d["role"] = group(d["role"], d["kpi"])

    # raw values per role, for the next-step goals
    if kpis is not None:
        wide = kpis.wide.assign(employee_id=kpis.wide["employee_id"].astype(str))
        raw_pool = wide.melt(id_vars=["employee_id", "role"], value_vars=[k for k in kpis.kpis if k in wide],
                             var_name="kpi", value_name="raw")
        raw_pool["own"] = raw_pool["role"].astype(str)
        raw_pool["role"] = group(raw_pool["own"], raw_pool["kpi"])
        raw_pool["raw"] = pd.to_numeric(raw_pool["raw"], errors="coerce")
        # a person on the scorecard counts towards a KPI's figures only where their role is
        # weighted on it (the people the scorer compared): a manager not weighted on a KPI
        # that the directors compared with them are weighted on is no peer of theirs on it
        on_card, weighted = set(d["employee_id"]), set(zip(d["employee_id"], d["kpi"]))
        raw_pool = raw_pool[[(e, k) in weighted or e not in on_card
                             for e, k in zip(raw_pool["employee_id"], raw_pool["kpi"])]]
        filled = d.merge(raw_pool.rename(columns={"raw": "_raw_k"})[["employee_id", "kpi", "_raw_k"]],
                         on=["employee_id", "kpi"], how="left")
        d = filled.assign(raw=filled["raw"].fillna(filled["_raw_k"])).drop(columns="_raw_k")
    else:
        raw_pool = d[["employee_id", "role", "kpi", "raw"]].assign(own=d["employee_id"].map(role_of))
    raw_pool = raw_pool.dropna(subset=["raw"])
    by = raw_pool.groupby(["role", "kpi"])["raw"]
    raw_stats = pd.DataFrame({"median": by.median(), "q25": by.quantile(0.25), "q75": by.quantile(0.75),
                              "min": by.min(), "max": by.max()})
    # the roles whose people make each group's figures (more than one where a role has peers)
    members = raw_pool.groupby(["role", "kpi"])["own"].agg(lambda s: ", ".join(sorted(set(s)))).to_dict()

    scored = d[(d["weight"] > 0) & d["normalised"].notna()].copy()
    # a KPI on which everyone of the role (two people or more) has the same points tells no one
    # apart: it is neither a strength nor a gap, nor "the weakest KPI" (all at 50 is the median)
    same = scored.assign(_p=scored["normalised"].round(SCORE_DECIMALS)).groupby(["role", "kpi"])["_p"]
    flat = (same.transform("nunique") == 1) & (same.transform("size") > 1)
    tied = scored[flat].groupby("employee_id", sort=False)["kpi"].agg(", ".join).to_dict()
    scored = scored[~flat]
    scored["role_median_points"] = scored.groupby(["role", "kpi"])["normalised"].transform("median")
    # (to the scores' decimals: two leads of 26/54 x 100 differ in their last bits, and a tie
    # must go to the higher points, as documented, not to floating-point noise)
    scored["lead"] = (scored["normalised"] - scored["role_median_points"]).round(SCORE_DECIMALS)

    # each person's strength and gap: the first row of their KPIs in the orders above
    keys = ["employee_id", "lead", "normalised", "weight", "kpi"]
    good = scored[(scored["lead"] >= 0) & (scored["normalised"] > 0)]
    strengths = (good.sort_values(keys, ascending=[True, False, False, False, True], kind="mergesort")
                 .drop_duplicates("employee_id").set_index("employee_id"))
    rest = scored[scored["kpi"].to_numpy() != scored["employee_id"].map(strengths["kpi"]).to_numpy()]
    gaps = (rest.sort_values(keys, ascending=[True, True, True, False, True], kind="mergesort")
            .drop_duplicates("employee_id").set_index("employee_id"))
    strengths, gaps = strengths.to_dict("index"), gaps.to_dict("index")
    stats = raw_stats.to_dict("index")
    info = table.drop_duplicates("employee_id").set_index("employee_id")

    rows = []
    for emp in table["employee_id"]:
        row = {"employee_id": emp}
        for c in ("name", "team", "role"):
            if c in table:
                row[c] = info.at[emp, c]
        strength, gap = strengths.get(emp), gaps.get(emp)
        row.update({
            "strength_kpi": strength["kpi"] if strength is not None else pd.NA,
            "strength_points": strength["normalised"] if strength is not None else np.nan,
            "strength_role_median": strength["role_median_points"] if strength is not None else np.nan,
            "gap_kpi": gap["kpi"] if gap is not None else pd.NA,
            "gap_points": gap["normalised"] if gap is not None else np.nan,
            "gap_role_median": gap["role_median_points"] if gap is not None else np.nan,
            "tied_kpis": tied.get(emp, pd.NA),
        })
        step = {"next_step_kpi": pd.NA, "next_step_value": np.nan, "next_step_target": np.nan,
                "next_step_basis": pd.NA, "next_step_group": pd.NA, "next_step_change": np.nan,
                "higher_is_better": pd.NA}
        if gap is not None:
            k, higher = gap["kpi"], _higher_is_better(gap["kpi"])
            value = float(gap["raw"])
            st = stats.get((gap["role"], k))
            ladder = [("target", gap["target"]),
                      ("role_median", st["median"] if st is not None else np.nan),
                      ("role_upper_quartile", (st["q75"] if higher else st["q25"]) if st is not None else np.nan)]
            ladder = [(b, float(g)) for b, g in ladder if pd.notna(g)]
            open_ = [(b, g) for b, g in ladder if np.isnan(value) or not _reached(value, g, higher)]
            # a figure of the role a hair's breadth away (2,740 visitors to the median 2,741) is
            # no step: the next goal is (a target is the plan's own goal, however close)
            open_ = [(b, g) for i, (b, g) in enumerate(open_) if b == "target" or i == len(open_) - 1
                     or np.isnan(value) or abs(g - value) >= NEAR_GOAL * abs(g)]
            choice = open_[0] if open_ else None
            step.update({"next_step_kpi": k, "next_step_value": value, "higher_is_better": higher})
            top = (st["q75"] if higher else st["q25"]) if st is not None else np.nan
            best = (st["max"] if higher else st["min"]) if st is not None else np.nan
            if choice is None and st is not None and value == st["median"] == top and not _reached(value, best, higher):
                # every goal "reached" only because the top quarter of the role has the median's
                # value (most at 0) while some do better: the weakest KPI is where most of the
                # role is, not in its top 25% (all at the role's best, 100 %: that is the top)
                step["next_step_basis"] = "at_role_median"
            if choice is not None:
                goal = choice[1]
                if k in CATALOGUE and CATALOGUE[k].unit == "count":
                    goal = float(math.ceil(goal - 1e-9) if higher else math.floor(goal + 1e-9))
                basis, group_roles = choice[0], members.get((gap["role"], k), "")
                if basis != "target" and "," in group_roles:  # the figure of a group of roles, not the role's
                    basis, step["next_step_group"] = basis.replace("role_", "peer_"), group_roles
                step.update({"next_step_basis": basis, "next_step_target": goal,
                             "next_step_change": goal - value})
        row.update(step)
        rows.append(row)
    front = ["employee_id"] + [c for c in ("name", "team", "role") if c in table]
    cols = front + ["strength_kpi", "strength_points", "strength_role_median", "gap_kpi", "gap_points",
                    "gap_role_median", "next_step_kpi", "next_step_value", "next_step_target",
                    "next_step_basis", "next_step_group", "next_step_change", "higher_is_better", "tied_kpis"]
    return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------- plan diagnostics
def _grade_order(params) -> list[str]:
    """Grades from best to worst, as the parameter file defines them."""
    grading = params.scoring.grading
    if grading.method == "forced" and grading.distribution:
        return list(grading.distribution)
    return [g for g, _ in sorted(grading.thresholds.items(), key=lambda kv: -kv[1])]


def unscored_weights(scorecard_details: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``Scorecard.details`` whose KPI carries weight but could not be scored
    (its weight went to the person's other KPIs)."""
    d = scorecard_details
    return d[(d["weight"] > 0) & d["normalised"].isna()]


def plan_diagnostics(params, *, scorecard_table: pd.DataFrame | None = None,
                     payouts: pd.DataFrame | None = None, scorecard_details: pd.DataFrame | None = None,
                     max_single_weight: float = 0.5, min_process_weight: float = 0.2,
                     min_pay_correlation: float = 0.5, min_people: int = 5,
                     max_unscored_weight: float = 0.2, min_peers: int = 3,
                     plan_cost: pd.DataFrame | None = None, max_payout_to_profit: float = 1.0,
                     max_payout_to_revenue: float = 0.5) -> pd.DataFrame:
    """Check a plan for the common mistakes of seed 000.

    Issues (one row each time one fires; none when the plan is healthy):

    - ``single_kpi_dominates``: a KPI carries ``weight >= max_single_weight`` of a role
      (base weights and each phase's weights; a phase that sets no months, periods or
      cycle applies to no period and is not checked). value = the weight.
    - ``no_process_kpi``: no KPI of a role (with weight > 0) has the dimension
      ``"process"`` (the role's ``dimensions`` override, else the catalogue). value = 0.
    - ``low_process_weight``: process KPIs exist but their summed weight is below
      ``min_process_weight`` (seed 003 suggests 20-30 %); severity ``"info"``.
    - ``pay_score_correlation_low``: Spearman correlation between score and
      ``variable pay = total - base_pay`` over people below ``min_pay_correlation``
      (needs ``scorecard_table`` and ``payouts`` and at least ``min_people`` people).
    - ``variable_pay_flat``: everybody gets the same variable pay while scores differ
      (the correlation is undefined, and pay does not follow results). value = that pay.
    - ``bottom_grade_outearns_top``: a person in the lowest grade present earns more
      variable pay than the median variable pay of the highest grade present (grades
      ordered by the parameter file). detail_key = employee_id, value = their variable
      pay, threshold = the top grade's median.
    - ``weight_not_scored`` (needs ``scorecard_details``): the data could not score KPIs
      carrying, on average over a role's people, at least ``max_unscored_weight`` of the
      role's weight (no data, no value or no target); that weight went to the other KPIs.
      detail_key = those KPIs, heaviest first, joined by ", "; value = the mean share.
    - ``team_score_uniform`` (needs ``scorecard_table``): a team blend is set but every
      scored person has the same team score (one team): it moves everyone's score toward
      one value without telling anyone apart. value = the team weight.
    - ``few_peers`` (needs ``scorecard_table``): fewer than ``min_peers`` people of a role
      (with those of the role its ``peers`` names) have a score while the role's KPIs
      (weight > 0) are normalised among peers (min-max, percentile, T-score): one person
      alone is at the top of every such KPI, two are 0 and 100. detail_key = those KPIs,
      heaviest first; value = the number of people.

    - ``scores_uniform`` (needs ``scorecard_table``; uses ``scorecard_details``): every
      scored person of a role (at least 2) has the same score, so the role's scores tell no
      one apart and its grades mean nothing (forced grading gives them all the best grade
      their number allows). detail_key = the role's scored KPIs whose points are the same
      for all of them, heaviest first (those to replace); value = the score; ``people`` =
      how many; ``grade`` = their grade when they all have the same one.

    - ``kpi_uniform`` (needs ``scorecard_table`` and ``scorecard_details``): a KPI the role
      weighs on which every scored person of the role (at least 2, whose scores differ) has
      the same points: its weight tells no one apart (a KPI of 0 for all, a team KPI given to
      each). detail_key = the KPI; value = its weight; threshold = the points all have;
      ``people`` = how many.

    - ``forced_across_roles`` (needs ``scorecard_table``): a forced distribution over
      everyone (``scoring.grading.within: company``) of roles scored on different KPIs puts
      a role's share of the lowest grade off the distribution's by more than half of it
      (two of five team leads at C where C is 10 %): one row per such role (with those it
      names as ``peers``); value = how many of it have the lowest grade, threshold = that
      grade's share, ``people`` = how many of it are graded, ``grade`` = that grade.

    - ``payout_unaffordable`` (needs ``plan_cost``, the table of
      :func:`~salesperf_kit.incentives.plan_cost`): the plan is not affordable (seed 002,
      "the total payout must stay affordable"): the total payout reaches
      ``max_payout_to_profit`` of the people's profit (pay eats the gross profit their sales
      made), or, without profit, ``max_payout_to_revenue`` of their revenue; a loss (profit
      of 0 or less) with any pay fires too, with value NaN. detail_key = ``"profit"`` or
      ``"revenue"``; value = the share; threshold = its limit.

    The checks of a role are made only for roles someone holds when ``scorecard_table``
    is given.

    Returns
    -------
    DataFrame
        ``issue``, ``role`` (None for company-wide checks), ``phase`` (None for base
        weights), ``detail_key`` (KPI, employee_id or measure name), ``value``,
        ``threshold``, ``severity`` (``"warning"`` or ``"info"``), ``people`` and
        ``grade`` (``scores_uniform`` only; NaN and None otherwise).
    """
    rows = []

    def add(issue, role, phase, key, value, threshold, severity="warning", people=None, grade=None):
        rows.append({"issue": issue, "role": role, "phase": phase, "detail_key": key,
                     "value": float(value) if value is not None else np.nan,
                     "threshold": float(threshold) if threshold is not None else np.nan,
                     "severity": severity, "people": float(people) if people is not None else np.nan,
                     "grade": grade})

    weight_sets = [(role, None, dict(spec.weights), dict(spec.dimensions))
                   for role, spec in params.scoring.roles.items()]
    for ph in params.scoring.phases:
        if not ph.can_apply:  # (no months, periods or cycle: it weighs no one, in no period)
            continue
        for role, weights in ph.roles.items():
            spec = params.scoring.roles.get(role)
            weight_sets.append((role, ph.name, dict(weights), dict(spec.dimensions) if spec else {}))
    if scorecard_table is not None and "role" in scorecard_table:
        held = set(scorecard_table["role"].dropna().astype(str))
        weight_sets = [ws for ws in weight_sets if ws[0] in held]
    for role, phase, weights, dims in weight_sets:
        for k, w in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])):
            if w >= max_single_weight - 1e-12:
                add("single_kpi_dominates", role, phase, k, w, max_single_weight)
        process = sum(w for k, w in weights.items()
                      if w > 0 and dims.get(k, CATALOGUE[k].dimension if k in CATALOGUE else None) == "process")
        if process == 0:
            add("no_process_kpi", role, phase, "process", 0.0, min_process_weight)
        elif process < min_process_weight - 1e-12:
            add("low_process_weight", role, phase, "process", process, min_process_weight, "info")

    if scorecard_details is not None and scorecard_table is not None and len(scorecard_details):
        roles = scorecard_table.set_index("employee_id")["role"]
        people = scorecard_details.drop_duplicates("employee_id").assign(role=lambda x: x["employee_id"].map(roles))
        lost = unscored_weights(scorecard_details).assign(role=lambda x: x["employee_id"].map(roles))
        for role, g in people.groupby("role", sort=True):
            mine = lost[lost["role"] == role]
            share = mine["weight"].sum() / len(g)  # the mean over the role's people of the weight they lost
            if len(mine) and share >= max_unscored_weight - 1e-12:
                kpis = mine.groupby("kpi")["weight"].sum().sort_values(ascending=False, kind="mergesort")
                add("weight_not_scored", role, None, ", ".join(kpis.index), share, max_unscored_weight)
    blend = params.scoring.team_blend
    if blend is not None and scorecard_table is not None and "team_score" in scorecard_table:
        team_scores = pd.to_numeric(scorecard_table["team_score"], errors="coerce").dropna()
        tw = blend.team_weight[blend.phase]
        if tw > 0 and len(team_scores) >= 2 and np.allclose(team_scores, team_scores.iloc[0]):
            add("team_score_uniform", None, None, "team_score", tw, None)

    if scorecard_table is not None and {"role", "score"} <= set(scorecard_table.columns):
        scored = scorecard_table[pd.to_numeric(scorecard_table["score"], errors="coerce").notna()]
        sc = params.scoring
        roles = scored["role"].astype(str)
        groups = roles.map(params.peer_group).value_counts()  # (scored among the people of the role's group)
        for role in roles.map(params.plan_role).dropna().unique():
            spec, n = sc.roles[role], groups[params.peer_group(role)]
            if n >= min_peers:
                continue
            relative = [k for k, w in sorted(spec.weights.items(), key=lambda kv: (-kv[1], kv[0]))
                        if w > 0 and sc.normalisation_of(k).method != "attainment"]
            if relative:
                add("few_peers", role, None, ", ".join(relative), n, min_peers)
        for role, g in scored.groupby(roles, sort=True):
            points = pd.to_numeric(g["score"], errors="coerce")
            settled = points.round(SCORE_DECIMALS)  # (equal as the scorer's ranks and grades tie them)
            if len(g) < 2 or not (settled == settled.iloc[0]).all():
                continue
            flat = []
            if scorecard_details is not None and len(scorecard_details):
                ids = set(g["employee_id"].astype(str))
                d = scorecard_details[scorecard_details["employee_id"].astype(str).isin(ids)
                                      & (pd.to_numeric(scorecard_details["weight"], errors="coerce") > 0)
                                      & scorecard_details["normalised"].notna()]
                same = d.groupby("kpi").agg(n=("normalised", "nunique"), w=("weight", "sum"))
                flat = same[same["n"] == 1].sort_values("w", ascending=False, kind="mergesort").index.tolist()
            grades = g["grade"].dropna().astype(str).unique() if "grade" in g else []
            add("scores_uniform", role, None, ", ".join(flat), points.iloc[0], None, people=len(g),
                grade=grades[0] if len(grades) == 1 else None)
        for role, g in scored.groupby(roles, sort=True):  # a weighted KPI everyone of the role ties on
            points = pd.to_numeric(g["score"], errors="coerce").round(SCORE_DECIMALS)
            if len(g) < 2 or scorecard_details is None or not len(scorecard_details) or (points == points.iloc[0]).all():
                continue  # (all scores equal: scores_uniform says it)
            ids = set(g["employee_id"].astype(str))
            d = scorecard_details[scorecard_details["employee_id"].astype(str).isin(ids)
                                  & (pd.to_numeric(scorecard_details["weight"], errors="coerce") > 0)]
            for kpi, k in d.groupby("kpi", sort=False):
                norm = pd.to_numeric(k["normalised"], errors="coerce").round(SCORE_DECIMALS)
                if len(k) == len(g) and norm.notna().all() and norm.nunique() == 1:
                    add("kpi_uniform", role, None, kpi, float(k["weight"].iloc[0]), float(norm.iloc[0]),
                        people=len(g))

    grading = params.scoring.grading
    if (grading.method == "forced" and grading.within == "company" and scorecard_table is not None
            and {"role", "grade"} <= set(scorecard_table.columns)):
        graded = scorecard_table.dropna(subset=["grade"])
        groups = graded["role"].astype(str).map(lambda r: params.peer_group(r) or r)
        kpis_of = {g: frozenset(k for k, w in params.scoring.roles[g].weights.items() if w > 0)
                   for g in groups.unique() if g in params.scoring.roles}
        bottom = list(grading.distribution)[-1]
        expected = float(grading.distribution[bottom])
        if len(set(kpis_of.values())) > 1:  # (roles scored on the same KPIs share one curve fairly)
            for role, g in graded.groupby(groups, sort=True):
                got = int((g["grade"].astype(str) == bottom).sum())
                if len(g) >= 2 and abs(got / len(g) - expected) > expected / 2:
                    add("forced_across_roles", role, None, bottom, got, expected, people=len(g), grade=bottom)

    if scorecard_table is not None and payouts is not None:
        _require(scorecard_table, ["employee_id", "score"], "plan_diagnostics (scorecard_table)")
        _require(payouts, ["employee_id", "base_pay", "total"], "plan_diagnostics (payouts)")
        pay = payouts.assign(employee_id=payouts["employee_id"].astype(str))
        pay = pay.assign(variable_pay=pd.to_numeric(pay["total"], errors="coerce")
                         - pd.to_numeric(pay["base_pay"], errors="coerce"))
        keep = ["employee_id", "score"] + [c for c in ("grade", "role") if c in scorecard_table]
        both = (scorecard_table[keep].assign(employee_id=scorecard_table["employee_id"].astype(str))
                .merge(pay[["employee_id", "variable_pay"]], on="employee_id", how="inner"))
        both["score"] = pd.to_numeric(both["score"], errors="coerce")
        paired = both.dropna(subset=["score", "variable_pay"])
        if len(paired) >= min_people:
            if paired["variable_pay"].nunique() == 1 and paired["score"].nunique() > 1:
                add("variable_pay_flat", None, None, "variable_pay", paired["variable_pay"].iloc[0], None)
            else:
                rho = paired["score"].corr(paired["variable_pay"], method="spearman")
                if pd.notna(rho) and rho < min_pay_correlation:
                    add("pay_score_correlation_low", None, None, "spearman_score_variable_pay", rho,
                        min_pay_correlation)
        if "grade" in both:
            order = [g for g in _grade_order(params) if g in set(both["grade"].dropna().astype(str))]
            if len(order) >= 2:
                g = both.dropna(subset=["variable_pay"]).assign(grade=lambda x: x["grade"].astype(str))
                top_median = g.loc[g["grade"] == order[0], "variable_pay"].median()
                bottom = g[g["grade"] == order[-1]].sort_values("employee_id", kind="mergesort")
                for _, r in bottom.iterrows():
                    if pd.notna(top_median) and r["variable_pay"] > top_median:
                        add("bottom_grade_outearns_top", r.get("role"), None, r["employee_id"],
                            r["variable_pay"], top_median)
    if plan_cost is not None and len(plan_cost):
        cost = plan_cost.set_index("measure")["value"]
        profit, total = cost.get("profit", np.nan), cost.get("total_payout", np.nan)
        if pd.notna(profit) and profit <= 0 and total > 0:  # (a loss: any pay is more than the profit)
            add("payout_unaffordable", None, None, "profit", np.nan, max_payout_to_profit)
        else:
            for basis, limit in (("profit", max_payout_to_profit), ("revenue", max_payout_to_revenue)):
                share = cost.get(f"payout_to_{basis}", np.nan)
                if pd.notna(share):
                    if share >= limit - 1e-12:
                        add("payout_unaffordable", None, None, basis, share, limit)
                    break
    cols = ["issue", "role", "phase", "detail_key", "value", "threshold", "severity", "people", "grade"]
    return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------- data quality
def _parquet_rows(path) -> float:
    try:
        import pyarrow.parquet as pq

        return float(pq.ParquetFile(str(path)).metadata.num_rows)
    except Exception:  # an unreadable file is reported by the loader, not here
        return np.nan


def data_quality(dataset, kpi_result=None, language: str = "en") -> pd.DataFrame:
    """What went into the report: tables loaded, KPIs left out, loader warnings.

    Parameters
    ----------
    dataset : Dataset or dict of DataFrames
        A loaded ``Dataset`` (``tables``, ``sources``, ``warnings``, ``lazy``) or a plain
        dict of tables (then no source files and no warnings).
    kpi_result : KPIResult, optional
        Its ``notices`` (KPIs left out and why) become rows.
    language : {"en", "zh"}
        The language of ``message`` (KPI notices and loader warnings carry both).

    Returns
    -------
    DataFrame
        Columns ``kind``, ``table``, ``rows``, ``file``, ``sheet``, ``kpi``, ``check``,
        ``column``, ``row``, ``message``. ``kind`` is ``"table"`` (one row per table:
        rows loaded, source file and sheet; Parquet tables left on disk are counted from
        their metadata), ``"kpi_notice"`` (``kpi`` named, message as given by the KPI
        engine) or ``"loader_warning"`` (table, check, column, spreadsheet row, message).
    """
    if isinstance(dataset, dict):
        tables, sources, warnings, lazy = dataset, {}, [], {}
    else:
        tables = dict(getattr(dataset, "tables", {}) or {})
        sources = dict(getattr(dataset, "sources", {}) or {})
        warnings = list(getattr(dataset, "warnings", []) or [])
        lazy = dict(getattr(dataset, "lazy", {}) or {})
    rows = []
    blank = {"rows": np.nan, "file": None, "sheet": None, "kpi": None, "check": None, "column": None,
             "row": np.nan, "message": None}
    for name, df in tables.items():
        if df is None:
            continue
        src = sources.get(name)
        rows.append({**blank, "kind": "table", "table": name, "rows": float(len(df)),
                     "file": getattr(src, "file", None), "sheet": getattr(src, "sheet", None)})
    for name, path in lazy.items():
        if name in tables:
            continue
        src = sources.get(name)
        rows.append({**blank, "kind": "table", "table": name, "rows": _parquet_rows(path),
                     "file": getattr(src, "file", None) or str(path), "sheet": None})
    if kpi_result is not None:
        for notice in getattr(kpi_result, "notices", []):
            head = str(notice).split(" left out", 1)[0].strip()
            named = head.split(", ")
            rows.append({**blank, "kind": "kpi_notice", "table": None,
                         "kpi": head if all(k in CATALOGUE for k in named) else None,
                         "message": notice.text(language) if isinstance(notice, Note) else str(notice)})
    for p in warnings:
        rows.append({**blank, "kind": "loader_warning", "table": getattr(p, "table", None),
                     "file": getattr(p, "file", None), "sheet": getattr(p, "sheet", None),
                     "check": getattr(p, "check", None), "column": getattr(p, "column", None),
                     "row": float(p.row) if getattr(p, "row", None) is not None else np.nan,
                     "message": p.text(language) if hasattr(p, "text") else getattr(p, "message", str(p))})
    cols = ["kind", "table", "rows", "file", "sheet", "kpi", "check", "column", "row", "message"]
    return pd.DataFrame(rows, columns=cols)


def company_targets(targets: pd.DataFrame | None, period) -> pd.Series:
    """Company target per KPI for ``period`` (index: kpi).

    For each KPI: the sum of the team-level rows (``employee_id`` empty) when the plan has
    any for that KPI, else the sum of the individual rows. A target that does not add up (a
    connect rate, an average talk time) is the company's only when it is a standard set
    for several: two rows or more, all with the same value (接通率 80 % for every agent:
    80 %); targets that differ, one person's alone, and ranks give none, since a company
    rate weighs its people by their volume. Monthly rows inside a quarter or year
    are summed first, rates averaged (see :func:`salesperf_kit.kpis.targets_for`).
    """
    from .kpis import ADDITIVE_TARGETS, targets_for

    if targets is None or len(targets) == 0:
        return pd.Series(dtype="float64", name="target")
    rows = targets_for(targets, period)
    rows = rows[rows["kpi"].isin([k for k, v in CATALOGUE.items() if v.unit != "rank"])]
    team_rows = rows[rows["employee_id"].isna() & rows["team"].notna()]
    person_rows = rows[rows["employee_id"].notna()]
    out = {}
    for kpi in sorted(set(rows["kpi"])):
        t = team_rows[team_rows["kpi"] == kpi]
        src = (t if len(t) else person_rows[person_rows["kpi"] == kpi])["target"].astype("float64").dropna()
        if kpi in ADDITIVE_TARGETS:
            out[kpi] = float(src.sum())
        elif len(src) >= 2 and np.allclose(src, src.iloc[0]):
            out[kpi] = float(src.iloc[0])
    return pd.Series(out, name="target", dtype="float64")


def _team_and_person_targets(targets: pd.DataFrame, period, employees: pd.DataFrame
                             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The targets of additive KPIs for ``period``: the team rows, and the personal rows with
    each person's team (from ``employees``) in ``team``."""
    from .kpis import ADDITIVE_TARGETS, targets_for

    rows = targets_for(targets, period)
    rows = rows[rows["kpi"].isin(ADDITIVE_TARGETS)]
    team_of = employees.assign(employee_id=employees["employee_id"].astype(str)).set_index("employee_id")["team"]
    team_rows = rows[rows["employee_id"].isna() & rows["team"].notna()]
    person_rows = rows[rows["employee_id"].notna()]
    return team_rows, person_rows.assign(team=person_rows["employee_id"].astype(str).map(team_of))


def team_target_gaps(targets: pd.DataFrame | None, period, employees: pd.DataFrame,
                     tolerance: float = 0.005) -> pd.DataFrame:
    """The teams whose members' targets for ``period`` add up to more or less than the
    team's own target of an additive KPI (a person's team from ``employees``):

        gap = people / team − 1,   listed when |gap| > tolerance

    The company-wide gap of :func:`target_levels` nets the teams out: one team's people 6.2 %
    above their team beside four teams 2.4 % below read as 0.6 % below. Returns ``kpi``,
    ``team``, ``target`` (the team row), ``people`` and ``gap``, by KPI and team."""
    cols = ["kpi", "team", "target", "people", "gap"]
    if targets is None or len(targets) == 0 or "team" not in employees:
        return pd.DataFrame(columns=cols)
    team_rows, person_rows = _team_and_person_targets(targets, period, employees)
    teams = team_rows.assign(team=team_rows["team"].astype(str)).groupby(["kpi", "team"])["target"].sum()
    people = person_rows.dropna(subset=["team"]).assign(team=lambda x: x["team"].astype(str)).groupby(
        ["kpi", "team"])["target"].sum()
    both = teams.index.intersection(people.index)
    out = pd.DataFrame({"target": teams[both].astype("float64"), "people": people[both].astype("float64")})
    out["gap"] = out["people"] / out["target"].where(out["target"] != 0) - 1
    out = out[out["gap"].abs() > tolerance].reset_index()
    return out[cols].sort_values(["kpi", "team"]).reset_index(drop=True)


def target_levels(targets: pd.DataFrame | None, period, employees: pd.DataFrame,
                  tolerance: float = 0.005) -> pd.DataFrame:
    """The KPIs whose team targets and personal targets for ``period`` disagree.

    Over the teams that have both a team-level row and personal rows for a KPI (a person's
    team from ``employees``):

        teams  = sum of the team targets
        people = sum of the personal targets of their members
        listed when |people - teams| > tolerance x teams

    The company target (:func:`company_targets`) is the team total; the personal targets are
    what each person is tracked against, so a gap means the two levels of the plan were set
    apart (a cushion on purpose, or a cascade not redone). Returns ``kpi``, ``teams``,
    ``people``, ``n_teams``, ``all_teams`` (every team with a target has personal rows too).
    """
    cols = ["kpi", "teams", "people", "n_teams", "all_teams"]
    if targets is None or len(targets) == 0 or "team" not in employees:
        return pd.DataFrame(columns=cols)
    team_rows, person_rows = _team_and_person_targets(targets, period, employees)
    out = []
    for kpi in sorted(set(team_rows["kpi"]) & set(person_rows["kpi"])):
        by_team = team_rows[team_rows["kpi"] == kpi].groupby(team_rows["team"].astype(str))["target"].sum()
        mine = person_rows[person_rows["kpi"] == kpi]
        by_people = mine.groupby(mine["team"].astype(str))["target"].sum()
        both = by_team.index.intersection(by_people.index)
        if not len(both):
            continue
        teams, people = float(by_team[both].sum()), float(by_people[both].sum())
        if abs(people - teams) > tolerance * abs(teams):
            out.append((kpi, teams, people, len(both), len(both) == len(by_team)))
    return pd.DataFrame(out, columns=cols)
