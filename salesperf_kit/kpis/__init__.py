"""The KPI library: every KPI of the catalogue as a small pure function, and the engine
that computes them per employee and period.

>>> from salesperf_kit.kpis import compute_kpis
>>> result = compute_kpis(dataset, "2026-10", business="telesales")   # doctest: +SKIP
>>> result.wide          # one row per employee, one column per KPI
>>> result.long          # tidy: employee_id, kpi, value, numerator, denominator
>>> result.rollup("team")  # team figures from summed numerators and denominators

Policy for missing values: a ratio whose denominator is zero is NaN (never 0, never
infinity); counts and sums are 0 for a person with no activity; every employee of the
employees table appears.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import check_one_of, natural_key, person
from .._repr import compact_repr
from ..catalogue import BUSINESSES, CATALOGUE, Note, grouped, label
from ..coverage import DATED
from ..exceptions import KPIError
from ..periods import Period, parse_period
from ..schemas import TABLES
from . import direct, ecommerce, online, process, sales, telesales  # noqa: F401  (registration)
from ._facts import (ADDITIVE_TARGETS, FACT_GROUPS, FACT_OWNER, MEDIAN_FACTS, RETENTION_DAYS, FactContext, _kpi_sheet, _targets_of,
                     clawback_by_period, compute_facts, open_context, partial_tables, targets_for, uncovered_tables,
                     unassigned_rows, with_records)
from ._registry import KPI, REGISTRY

__all__ = ["REGISTRY", "KPI", "DEFAULT_SETS", "KPIResult", "compute_kpis", "kpi_table", "targets_for",
           "available_kpis", "describe"]

_SHARED = ["revenue", "units", "orders", "aov", "revenue_per_buyer", "profit", "margin", "growth",
           "new_customers", "new_customer_growth", "repurchase_rate", "returning_share", "retention_rate",
           "retention_30d", "retention_90d", "ltv", "received_revenue", "collection_rate", "complaint_rate",
           "csat", "csat_share", "target_attainment", "per_capita_output", "sales_cost_ratio"]
_PROCESS = ["touches", "report_timeliness", "collaboration_score", "compliance_violations", "innovation",
            "training_pass_rate", "mentoring"]
DEFAULT_SETS: dict[str, list[str]] = {
    "online": _SHARED + ["sessions", "unique_visitors", "page_views", "conversion_rate", "inquiry_conversion",
                         "qualified_traffic_share", "cac", "roas", "roi", "search_rank", "social_engagement",
                         "resolution_hours", "fcr_rate", "aov_uplift"] + _PROCESS,
    "telesales": ["calls", "connect_rate", "effective_talk_minutes", "avg_talk_seconds", "intent_customers",
                  "intent_rate", "close_rate"] + _SHARED + _PROCESS,
    "ecommerce": _SHARED + ["inventory_turnover", "processing_hours", "refund_rate", "page_views",
                            "unique_visitors", "resolution_hours", "fcr_rate"] + _PROCESS,
    "direct": _SHARED + ["team_revenue", "big_customer_share", "referrals", "new_contacts", "new_markets",
                         "positive_review_rate", "sales_skill", "service_quality", "collaboration"] + _PROCESS,
}

# Facts derived from other facts or from the employees table (not from one SQL group).
_DERIVED = {
    "revenue": ("revenue_ordered", "received_revenue"),
    "revenue_prev": ("revenue_ordered_prev", "received_revenue_prev"),
    "headcount": (),
    "unit_revenue": ("revenue",),
    "unit_headcount": (),
    "team_revenue": ("revenue",),
    "mentees_revenue": ("revenue",),
    "mentees_revenue_prev": ("revenue_prev",),
    "complaints": (),
    "complaint_base": (),
    "referrals_total": (),
}
# The facts that are (or are made from) revenue on the plan's basis: under
# revenue_basis: received they need the orders' paid_amount and paid_date.
_ON_REVENUE = {"revenue", "revenue_prev", "target_revenue",
               *(f for f, deps in _DERIVED.items() if {"revenue", "revenue_prev"} & set(deps))}


def _employees(dataset) -> pd.DataFrame:
    from ..loaders import tables_of

    emp = tables_of(dataset, read=("employees",)).get("employees")  # small: read even when left on disk
    if emp is None:
        raise KPIError("KPIs need the employees table (employee_id, name, team, role): "
                       "add employees.csv (or an 'employees' sheet) to the data.")
    return emp


@dataclass
class KPIResult:
    """KPIs of one period: ``wide`` (one row per employee), ``long`` (tidy), the facts
    behind them, and the notices about KPIs left out."""

    period: Period
    kpis: list[str]
    facts: pd.DataFrame
    long: pd.DataFrame
    wide: pd.DataFrame
    notices: list[str]
    options: dict
    _ctx: FactContext = field(repr=False, default=None)
    left_out: dict[str, str] = field(default_factory=dict)  # kpi -> what the data lack
    #: people of the employees table who did not work in the period and had no records in
    #: it (employee_id, name, hire_date, leave_date): not in ``wide`` (see ``_in_post``)
    absent: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["employee_id", "name", "hire_date", "leave_date"]))
    #: tables that stop or start part-way through the period while others go on (see
    #: :func:`~salesperf_kit.kpis._facts.partial_tables`; each also has a notice): table ->
    #: ("ends" or "starts", its last or first day, the other tables', the KPIs it feeds)
    partial: dict[str, tuple[str, pd.Timestamp, pd.Timestamp, list[str]]] = field(default_factory=dict)
    #: people the dates rule out of the period who have records in it (same columns as
    #: ``absent``): in ``wide`` and in every total; the scoring plan says whether they are
    #: scored (``scoring.out_of_post``)
    out_of_post: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["employee_id", "name", "hire_date", "leave_date"]))
    #: the notice naming people in post for part of the period with records dated outside
    #: their employment (see ``_records_outside_post``; also in ``notices``), for the pay
    outside_post: list = field(default_factory=list)
    #: the people that notice names (employee ids), whose pay is to be checked
    outside_post_ids: list = field(default_factory=list)
    #: the dataset the KPIs were computed from (for the KPIs of earlier periods, see
    #: :meth:`refunds_by_period`); None for a result built by hand
    _dataset: object = field(repr=False, default=None)
    #: the group facts worked out so far, by level (see :meth:`_group_facts`)
    _grouped: dict = field(init=False, repr=False, compare=False, default_factory=dict)

    __repr__ = compact_repr

    def notices_for(self, used) -> list[Note]:
        """:attr:`notices` for a reader of a plan that uses the KPIs ``used``: the KPIs left
        out that the plan uses, one notice per missing table or column as in ``notices``;
        those it does not use, which a plan of four KPIs would see a dozen lines about, in
        one notice that counts them (``notices`` keeps each, for the report's appendix)."""
        used = set(used)
        every = set(map(str, _left_out_notices(list(self.left_out), self.left_out)))
        rest = [n for n in self.notices if str(n) not in every]
        mine = [k for k in self.left_out if k in used]
        others = [k for k in self.left_out if k not in used]
        out = rest + _left_out_notices(mine, self.left_out)
        if others:
            n, more = len(others), ", ..." if len(others) > 8 else ""
            out.append(Note(
                f"{n} more {'KPI' if n == 1 else 'KPIs'} that the plan does not weigh "
                f"{'was' if n == 1 else 'were'} left out for want of data ({', '.join(others[:8])}{more}); "
                "`salesperf kpis` and the report's data-quality appendix say what each needs.",
                f"另有 {n} 项本方案未使用的指标因数据不足未计算（{'、'.join(label(k, 'zh') for k in others[:8])}"
                f"{'等' if more else ''}）；"
                "各需哪些数据，见 salesperf kpis 的提示或报告的数据质量附录。"))
        return out

    def has(self, table: str, *columns: str) -> bool:
        """Whether the data behind this result hold ``table`` with all ``columns``."""
        return self._ctx is not None and self._ctx.has(table, *columns)

    @property
    def employees(self) -> pd.DataFrame:
        """The employees table behind this result."""
        return self._ctx.employees

    def table(self, name: str) -> pd.DataFrame | None:
        """A (small) table of the data behind this result as pandas, contract columns only;
        None when the data have no such table."""
        if self._ctx is None or name not in self._ctx.columns:
            return None
        return self._ctx.con.sql(f"SELECT * FROM {name}").df()

    def fact(self, name: str) -> pd.Series | None:
        """A per-employee fact; computed from the data when the requested KPIs did not need
        it. None when the data cannot give it."""
        if name in self.facts:
            return self.facts[name]
        if self._ctx is None or name not in FACT_OWNER:
            return None
        owner = FACT_OWNER[name]
        if FACT_GROUPS[owner].table not in self._ctx.columns:
            return None
        if name.startswith("received_revenue") and not self._ctx.has("orders", "paid_amount", "paid_date"):
            return None
        return compute_facts(self._ctx, [owner])[name].reindex(self.facts.index)

    def refunds_by_period(self) -> pd.DataFrame:
        """The money earlier periods counted that was refunded in this one (the fact
        ``clawback_amount``), by employee and the period that counted it (month, quarter or
        year, as this one): columns employee_id, period, refunded."""
        return clawback_by_period(self._ctx)

    def team_sum(self, values: pd.Series) -> pd.Series:
        """Each person's sum of ``values`` (indexed by employee_id) over themselves and
        everyone below them in the manager_id tree: the people whose revenue their
        ``team_revenue`` sums. NaN where none of them has a value; empty when the
        employees table has no manager_id."""
        emp = self.employees.assign(employee_id=lambda d: d["employee_id"].astype(str))
        if "manager_id" not in emp:
            return pd.Series(dtype="float64")
        return _subtree_sum(emp, self._ctx.hierarchy, values)

    def values(self) -> pd.DataFrame:
        """employee_id-indexed frame of KPI values only."""
        return self.wide.set_index("employee_id")[self.kpis]

    def first_orders(self) -> pd.DataFrame:
        """The period's new customers with their first order: customer_id, employee_id,
        first_date, first_amount (used by the new-customer bonus)."""
        ctx = self._ctx
        if not ctx.has("orders"):
            return pd.DataFrame(columns=["customer_id", "employee_id", "first_date", "first_amount"])
        from ._facts import _in, _ts, _valid

        p = ctx.period
        return ctx.con.sql(f"""
            WITH f AS (SELECT customer_id, min({{'d': order_date, 'id': order_id, 'e': employee_id,
                                               'a': amount}}) AS f
                       FROM orders WHERE order_date < {_ts(p.end)} AND {_valid(ctx, p.end)} GROUP BY customer_id)
            SELECT customer_id, f.e AS employee_id, f.d AS first_date, f.a AS first_amount
            FROM f WHERE {_in('f.d', p)} ORDER BY employee_id, customer_id
        """).df()

    def orders_by_tier(self) -> pd.DataFrame:
        """Orders of the period that count, per employee and customer_tier (columns
        employee_id, customer_tier, orders, revenue); empty without customer_tier."""
        ctx = self._ctx
        if not ctx.has("orders", "customer_tier"):
            return pd.DataFrame(columns=["employee_id", "customer_tier", "orders", "revenue"])
        from ._facts import _in, _valid

        p = ctx.period
        return ctx.con.sql(f"""
            SELECT employee_id, customer_tier, count(*) AS orders, sum(amount) AS revenue FROM orders
            WHERE {_in('order_date', p)} AND {_valid(ctx, p.end)} GROUP BY ALL ORDER BY ALL
        """).df()

    def rollup(self, by: str = "team") -> pd.DataFrame:
        """KPIs per team (``"team"``), per manager's whole subtree (``"manager"``) or for
        the company (``"company"``), from the group's facts (:meth:`rollup_facts`): never
        an average of ratios."""
        summed, mapping = self._group_facts(by)
        # a KPI taken as given from a KPI sheet without the facts behind it: a sum (minutes
        # of talk time) is the sum of the people's values; any other (csat) cannot be rolled
        # up from parts: NaN, never a mean of the people's values
        from ..targets import _is_additive

        given = {k for k in self.facts.attrs.get("sheet_kpis", set())
                 if not all(f in summed for f in REGISTRY[k].facts)}
        for k in given:
            if not _is_additive(k) or k not in summed:
                summed[k] = np.nan
        summed.attrs["sheet_kpis"] = given
        long = _evaluate(summed, self.kpis, self.options)
        wide = long.pivot(index="employee_id", columns="kpi", values="value")[self.kpis].reindex(summed.index)
        wide.index.name = by
        wide.columns.name = None
        wide["headcount"] = mapping.groupby("grp").size().reindex(wide.index)
        return wide.reset_index()

    def rollup_facts(self, by: str = "team") -> pd.DataFrame:
        """The facts behind :meth:`rollup`, one row per group (index named ``by``): sums of
        the people's facts, except the medians and the counts of distinct customers and
        regions, which are counted again over the group's rows (a customer who bought from
        two of a team's people is one of the team's buyers)."""
        summed, _ = self._group_facts(by)
        out = summed[[c for c in self.facts.columns if c in summed]].copy()
        out.index.name = by
        return out

    def _group_facts(self, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(facts per group, the (employee_id, grp) mapping), copies of those worked out at
        the first call for ``by`` (a report reads the company's figures in several sections;
        each time, the facts that are not sums are counted again over the data)."""
        check_one_of("by", by, ["team", "company", "manager", "role"])
        if by not in self._grouped:
            self._grouped[by] = self._group_facts_once(by)
        summed, mapping = self._grouped[by]
        return summed.copy(), mapping.copy()

    def _group_facts_once(self, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        emp = self._ctx.employees.assign(employee_id=lambda d: d["employee_id"].astype(str))
        if by == "manager":
            mapping = _subtree_mapping(emp, self._ctx.hierarchy)
        elif by == "company":
            mapping = pd.DataFrame({"employee_id": emp["employee_id"], "grp": "company"})
        else:
            mapping = pd.DataFrame({"employee_id": emp["employee_id"], "grp": emp[by].astype(str)})
        # a fact is NaN for a group only when it is for each of its people (a table that does
        # not reach the period, people missing from a KPI sheet)
        summed = (self.facts.reset_index().merge(mapping, on="employee_id")
                  .drop(columns="employee_id").groupby("grp").sum(min_count=1))
        summed = summed.reindex(sorted(summed.index, key=natural_key))  # 一部, 二部, 三部: not as text sorts them
        uncovered = self.facts.attrs.get("uncovered", set())  # tables that do not reach the period
        given = self.facts.attrs.get("sheet_facts", set())  # (no table behind them: they stay sums)
        redo = []  # facts that are not sums, counted again over each group's rows
        for g in FACT_GROUPS.values():
            func, facts = (g.func, g.facts) if g.pooled else (g.regroup, g.regrouped)
            cols = [f for f in facts if f in self.facts and f not in given]
            if func is not None and cols and g.table in self._ctx.columns and g.table not in uncovered:
                redo.append((func, cols))
        if redo:
            self._ctx.con.register("grp_keys", mapping)
            self._ctx.key_table = "grp_keys"
            try:
                for func, cols in redo:
                    df = func(self._ctx)
                    df = df.assign(employee_id=df["employee_id"].astype(str)).set_index("employee_id")
                    for f in cols:
                        s = pd.to_numeric(df[f], errors="coerce").astype("float64").reindex(summed.index)
                        summed[f] = s if f in MEDIAN_FACTS else s.fillna(0.0)
            finally:
                self._ctx.key_table = "emp_keys"
        if by in ("team", "company") and "target_revenue" in summed and "targets" in self._ctx.columns:
            team_t = _team_targets(self._ctx)
            if by == "company":  # the company target is the sum of the team targets when the plan has them
                team_t = pd.Series({"company": team_t.sum()}) if len(team_t) else team_t
            summed["target_revenue"] = team_t.reindex(summed.index).fillna(summed["target_revenue"])
        if "team_revenue" in summed and "revenue" in self.facts and "manager_id" in emp:
            # a group's team revenue: everyone at or below any of its members, counted once
            # (summing the members' team revenues would count a subordinate once per level)
            below = _subtree_mapping(emp, self._ctx.hierarchy).rename(columns={"grp": "member"})
            reach = below.merge(mapping.rename(columns={"employee_id": "member"}), on="member")
            reach = reach[["employee_id", "grp"]].drop_duplicates()
            rev = self.facts["revenue"].rename("r").reset_index()
            summed["team_revenue"] = (reach.merge(rev, on="employee_id").groupby("grp")["r"].sum()
                                      .reindex(summed.index).fillna(0.0))
        if "unit_revenue" in summed:  # a group's output per head is its own revenue over its own people
            summed["unit_revenue"] = summed["revenue"]
            summed["unit_headcount"] = summed["headcount"]
        summed.attrs["uncovered"] = uncovered
        return summed, mapping


def _subtree_mapping(emp: pd.DataFrame, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """(employee_id, grp) pairs: every person of ``emp`` belongs to their own group and to
    the group of each manager above them, by the manager_id of ``links`` (default ``emp``:
    the whole employees table, so that a chain runs on through a manager who has left). A
    manager_id that names nobody of ``links`` ends the chain: it is no group."""
    links = emp if links is None else links
    if "manager_id" not in emp or "manager_id" not in links:
        raise KPIError("Rolling up by manager needs employees.manager_id. Fix: add a manager_id column to the "
                       "employees table, giving each person's manager's employee_id (empty at the top).")
    parent = dict(zip(links["employee_id"].astype(str), links["manager_id"].where(links["manager_id"].notna(), None)))
    rows = []
    for e in emp["employee_id"]:
        node, seen = e, set()
        while node is not None and node not in seen:
            rows.append((e, node))
            seen.add(node)
            node = parent.get(node)
            node = str(node) if node is not None and pd.notna(node) and str(node) in parent else None
    return pd.DataFrame(rows, columns=["employee_id", "grp"])


def _subtree_sum(emp: pd.DataFrame, links: pd.DataFrame | None, values: pd.Series) -> pd.Series:
    """Each person's (of ``emp``) sum of ``values`` (indexed by employee_id) over themselves
    and everyone below them by :func:`_subtree_mapping`; NaN where none of them has a value."""
    v = pd.to_numeric(values, errors="coerce").astype("float64")
    v = pd.Series(v.to_numpy(), index=pd.Index(v.index.astype(str), name="employee_id"), name="v")
    summed = _subtree_mapping(emp, links).merge(v.reset_index(), on="employee_id")
    return summed.groupby("grp")["v"].sum(min_count=1).rename_axis("employee_id").rename(None)


def _team_targets(ctx: FactContext) -> pd.Series:
    t = targets_for(_targets_of(ctx), ctx.period)
    basis = "received_revenue" if ctx.options.get("revenue_basis") == "received" else "revenue"
    t = t[t["employee_id"].isna() & t["team"].notna() & (t["kpi"] == basis)]
    return t.groupby("team")["target"].sum()


def _zh_columns(table: str, cols) -> str:
    """How a Chinese sentence names columns: by the header a Chinese export would give
    each, with the kit's name for the mapping (「导师编号」（mentor_id）); a column without a
    Chinese header by its name, set off by spaces."""
    from ..aliases import COLUMN_ALIASES

    def name(col: str) -> str:
        header = next((a for a in COLUMN_ALIASES.get(table, {}).get(col, []) if not a.isascii()), None)
        return f"「{header}」（{col}）" if header else col
    text = "、".join(map(name, cols))
    return (" " if text[:1].isascii() else "") + text + (" " if text[-1:].isascii() else "")


def _lacks(table: str, cols=(), why: str = "") -> Note:
    """What the data lack: a table, or columns of it (``why``: the option that asks for it)."""
    zh = TABLES[table].zh if table in TABLES else table
    en, zh = ((f"column(s) {', '.join(cols)} of '{table}'", f"「{zh}」表的{_zh_columns(table, cols)}列") if cols else
              (f"table '{table}'", f"「{zh}」表"))
    return Note(en + (f" ({why})" if why else ""), zh + (f"（{why}）" if why else ""))


def _availability(ctx: FactContext, sheet_cols: set[str]) -> tuple[dict[str, str], dict[str, Note]]:
    """For each KPI: how it can be computed ("tables"; "sheet": as given by the KPI sheet;
    "derived": from the sheet's figures, with those it lacks from the tables) or why not (a
    :class:`~salesperf_kit.catalogue.Note` naming what the data lack, in both languages)."""
    how, why = {}, {}
    for name, k in REGISTRY.items():
        missing = []
        for table, cols in k.needs.items():
            if table not in ctx.columns:
                missing.append(_lacks(table))
            else:
                absent = [c for c in cols if c not in ctx.columns[table]]
                if absent:
                    missing.append(_lacks(table, absent))
        missing += _derived_missing(ctx, k)
        if not missing:
            how[name] = "tables"
        elif name in sheet_cols:
            how[name] = "sheet"
        elif sheet_cols and all(_fact_in_sheet(f, sheet_cols, ctx.options) or _fact_from_tables(f, k, ctx)
                                for f in k.facts):
            how[name] = "derived"
        else:
            missing = list(dict.fromkeys(missing))
            why[name] = (Note.join(missing, zh="及") if missing else
                         Note("the KPI sheet has no such column", "指标表中没有该列"))
            if sheet_cols and missing:  # a column of the sheet would also do
                lacking = [f for f in k.facts if not _fact_in_sheet(f, sheet_cols, ctx.options)
                           and not _fact_from_tables(f, k, ctx)]
                cols = list(dict.fromkeys(_sheet_column(f, ctx.options) for f in lacking))
                if cols and all(c in CATALOGUE for c in cols):
                    zh_cols = "".join(f"「{label(c, 'zh')}」" for c in cols)
                    why[name] = Note(f"{why[name]}, or column(s) {', '.join(cols)} in the KPI sheet",
                                     f"{why[name].zh}，或指标表中的{zh_cols}列")
    return how, why


def _fact_from_tables(fact: str, k: KPI, ctx: FactContext) -> bool:
    """Whether a fact a KPI sheet lacks comes from a table beside it: the table of the
    fact's group, with the columns ``k`` reads of it (sessions from traffic, so that a
    sheet's orders give the conversion rate; the revenue target from targets, so that its
    revenue gives target attainment)."""
    return fact in FACT_OWNER and ctx.has(table := _table_of(fact), *k.needs.get(table, ()))


def _table_of(fact: str) -> str:
    return FACT_GROUPS[FACT_OWNER[fact]].table


def _sheet_notice(how: dict[str, str], todo: list[str], sheet_cols: set[str], options: dict) -> list[Note]:
    """When KPIs are computed from a KPI sheet's figures (its revenue over its orders, or
    its orders over the traffic table's sessions), which KPIs are taken from the sheet as
    given, which are computed from its figures alone, and which from its figures and which
    tables."""
    given = [k for k in todo if how[k] == "sheet"]
    by_tables: dict[tuple[str, ...], list[str]] = {}
    for k in todo:
        if how[k] == "derived":
            tables = sorted({_table_of(f) for f in REGISTRY[k].facts
                             if not _fact_in_sheet(f, sheet_cols, options) and f in FACT_OWNER})
            by_tables.setdefault(tuple(tables), []).append(k)
    if not by_tables:
        return []

    def zh_names(ks):
        return "".join(f"「{label(k, 'zh')}」" for k in ks)

    en, zh = [], []
    if given:
        en.append(f"{', '.join(given)} as given")
        zh.append(f"{zh_names(given)}按表中数值")
    for tables, ks in by_tables.items():
        if not tables:
            en.append(f"{', '.join(ks)} from its figures")
            zh.append(f"{zh_names(ks)}由表中数值计算")
        else:
            where = Note.join([_lacks(t) for t in tables], zh="和")
            en.append(f"{', '.join(ks)} from its figures and {where}")
            zh.append(f"{zh_names(ks)}由指标表与{where.zh}的数据计算")
    return [Note("From the KPI sheet: " + "; ".join(en) + ".", "指标表：" + "；".join(zh) + "。")]


def _sheet_columns_used(how: dict[str, str], todo: list[str], sheet_cols: set[str], options: dict) -> set[str]:
    """The KPI sheet's columns that the KPIs ``todo`` read: those taken as given and
    those their figures are computed from."""
    used = set()
    for k in todo:
        if how[k] == "sheet":
            used.add(k)
        elif how[k] == "derived":
            used |= {_sheet_column(f, options) for f in REGISTRY[k].facts}
    return used & sheet_cols


def _blank_cells_notice(blanks: list[tuple[str, str, str]], used: set[str], levels: set[str],
                        employees: pd.DataFrame, p, limit: int = 8) -> list[Note]:
    """A notice naming the KPI sheet's blank cells of period ``p`` in the columns ``used``
    (but those of ``levels``, which a period of months has no value for anyway): each is
    no value, never 0, and so is the period's sum of the person's months."""
    blanks = [b for b in blanks if b[2] in used and b[2] not in levels]
    if not blanks:
        return []
    names = employees.assign(employee_id=employees["employee_id"].astype(str)).set_index("employee_id").get("name")
    en, zh = [], []
    for e, month, col in blanks[:limit]:
        name = names.get(e) if names is not None else None
        en.append(f"{col} of {person(e, name)} in {month}")
        zh.append(f"{person(e, name, 'zh')}{month} 的「{label(col, 'zh')}」")
    more = len(blanks) - limit
    if more > 0:
        en.append(f"and {more} more")
        zh.append(f"另有 {more} 处")
    n = len(blanks)
    months = len({b[1] for b in blanks}) > 1 or str(blanks[0][1]) != str(p)
    sums_en = (f"; a sum over the months of {p} with one of them blank has no value either" if months else "")
    sums_zh = f"；{p} 各月中有一个月为空的合计也没有数值" if months else ""
    return [Note(
        f"The KPI sheet has {n} blank cell{'s' * (n != 1)} in {p}: {', '.join(en)}. A blank is no value, "
        f"not 0{sums_en}; team and company totals count the others only, so they read low. Fix: write 0 where "
        "the export leaves a zero blank, else fill in the figure.",
        f"指标表在 {p} 有 {n} 个空单元格：{'、'.join(zh)}。空白表示没有数值，不按 0 计{sums_zh}；团队和公司合计只计其他人，"
        "因此偏低。修改方法：若导出文件把 0 留空，请填 0；否则补上实际数值。")]


def _fact_in_sheet(fact: str, cols: set[str], options: dict | None = None) -> bool:
    if fact in ("headcount", "unit_headcount"):
        return True
    return _sheet_column(fact, options) in cols


def _sheet_column(fact: str, options: dict | None = None) -> str | None:
    """The KPI sheet's column that gives ``fact`` (None: no column does)."""
    if fact == "inquiry_orders" and (options or {}).get("inquiry_channels"):
        return None  # (the sheet's orders are those of every channel)
    if fact == "complaint_base":  # what complaints are counted over: orders, or service tickets
        return "tickets" if (options or {}).get("complaint_basis") == "tickets" else "orders"
    aliases = {"revenue_ordered": "revenue", "revenue_ordered_prev": "revenue", "revenue_prev": "revenue",
               "billed": "revenue", "unit_revenue": "revenue", "headcount": None, "unit_headcount": None, "new_customers_prev": "new_customers",
               "orders_prev": "orders", "inquiry_orders": "orders"}
    return aliases.get(fact, fact.removesuffix("_prev"))


def _derived_missing(ctx: FactContext, k: KPI) -> list[Note]:
    out = []
    facts = set(k.facts)
    if "complaints" in facts:
        srcs = ctx.options.get("complaint_sources", ["service", "calls"])
        ok = (("service" in srcs and ctx.has("service", "is_complaint"))
              or ("calls" in srcs and ctx.has("calls", "outcome")))
        if not ok:
            out.append(Note("a complaint source (service.is_complaint or calls.outcome, per complaint_sources)",
                            "投诉来源（客服工单的 is_complaint 列或通话的 outcome 列，见 complaint_sources）"))
        base = ctx.options.get("complaint_basis", "orders")
        if not ctx.has("orders" if base == "orders" else "service"):
            out.append(_lacks("orders" if base == "orders" else "service", why=f"complaint_basis: {base}"))
    if "referrals_total" in facts and not (ctx.has("orders", "referred_by") or ctx.has("activities")):
        out.append(Note("orders.referred_by or the activities table", "订单的 referred_by 列或「行为」表"))
    if "inquiry_orders" in facts and ctx.options.get("inquiry_channels") and not ctx.has("orders", "channel"):
        out.append(_lacks("orders", ["channel"], "kpi_options.inquiry_channels"))
    if _ON_REVENUE & facts and ctx.options.get("revenue_basis") == "received":
        if not ctx.has("orders", "paid_amount", "paid_date"):
            out.append(_lacks("orders", ["paid_amount", "paid_date"], "revenue_basis: received"))
    return out


def _groups_for(facts: set[str], ctx: FactContext) -> list[str]:
    groups: list[str] = []
    todo = list(facts)
    while todo:
        f = todo.pop()
        if f in _DERIVED:
            deps = list(_DERIVED[f])
            if f in ("revenue", "revenue_prev"):
                deps = [deps[1] if ctx.options.get("revenue_basis") == "received" else deps[0]]
            if f == "complaints":
                srcs = ctx.options.get("complaint_sources", ["service", "calls"])
                deps = (["service_complaints"] if "service" in srcs and ctx.has("service", "is_complaint") else []) + \
                       (["call_complaints"] if "calls" in srcs and ctx.has("calls", "outcome") else [])
            if f == "complaint_base":
                deps = ["orders"] if ctx.options.get("complaint_basis", "orders") == "orders" else ["tickets"]
            if f == "referrals_total":  # one source: orders.referred_by when present, else activities
                deps = ["referred_new"] if ctx.has("orders", "referred_by") else ["act_referral"]
            todo += [d for d in deps if d not in facts]
            facts |= set(deps)
        elif f in FACT_OWNER and FACT_OWNER[f] not in groups:
            if FACT_GROUPS[FACT_OWNER[f]].table in ctx.columns:
                groups.append(FACT_OWNER[f])
    order = list(FACT_GROUPS)
    return sorted(groups, key=order.index)


def _derive(facts: pd.DataFrame, ctx: FactContext) -> pd.DataFrame:
    f = facts
    received = ctx.options.get("revenue_basis") == "received"
    if "revenue" not in f:
        src = "received_revenue" if received else "revenue_ordered"
        if src in f:
            f["revenue"] = f[src]
    if "revenue_prev" not in f:
        src = "received_revenue_prev" if received else "revenue_ordered_prev"
        if src in f:
            f["revenue_prev"] = f[src]
    f["headcount"] = 1.0
    emp = ctx.employees.assign(employee_id=lambda d: d["employee_id"].astype(str)).set_index("employee_id")
    if "revenue" in f:  # per_capita_output is a team figure: each person carries their team's
        unit = _unit_of(emp, f.index)
        f["unit_revenue"] = f["revenue"].groupby(unit).transform(lambda s: s.sum(min_count=1))
        f["unit_headcount"] = f["headcount"].groupby(unit).transform("sum")
    if "inquiry_orders" not in f and "orders" in f:  # a KPI sheet: its orders, unless only some channels count
        f["inquiry_orders"] = np.nan if ctx.options.get("inquiry_channels") else f["orders"]
    srcs = ctx.options.get("complaint_sources", ["service", "calls"])
    parts = [c for c, src in (("service_complaints", "service"), ("call_complaints", "calls"))
             if c in f and src in srcs]
    if parts:
        f["complaints"] = f[parts].sum(axis=1, min_count=1)
    base = "orders" if ctx.options.get("complaint_basis", "orders") == "orders" else "tickets"
    if base in f:
        f["complaint_base"] = f[base]
    if ctx.has("orders", "referred_by") and "referred_new" in f:
        f["referrals_total"] = f["referred_new"]
    elif "act_referral" in f:
        f["referrals_total"] = f["act_referral"]
    if "revenue" in f and "manager_id" in emp:
        f["team_revenue"] = _subtree_sum(emp.reset_index(), ctx.hierarchy, f["revenue"]).reindex(f.index).fillna(0.0)
    if "mentor_id" in emp and "revenue" in f:
        mentor = emp["mentor_id"].astype("object").where(emp["mentor_id"].notna())
        for col, src in (("mentees_revenue", "revenue"), ("mentees_revenue_prev", "revenue_prev")):
            if src in f:
                s = f[src].groupby(mentor.reindex(f.index)).sum()
                f[col] = s.reindex(f.index).fillna(0.0)
    return f


def _unit_of(emp: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Each person's team (``employees.team``), indexed like ``index``; a person without
    one is a team of their own."""
    team = emp["team"].reindex(index) if "team" in emp else pd.Series(np.nan, index=index)
    ids = pd.Series(index.to_numpy(), index=index)
    return ("team:" + team.astype("object").where(team.notna()).astype(str)).where(team.notna(), "self:" + ids)


def _kpi_frames(facts: pd.DataFrame, kpis: list[str], options: dict) -> list[pd.DataFrame]:
    """Each KPI's value, numerator and denominator (infinities as NaN)."""
    uncovered = facts.attrs.get("uncovered", set())
    parts = []
    for name in kpis:
        k = REGISTRY[name]
        if name in facts.columns and facts.attrs.get("sheet_kpis", set()) and name in facts.attrs["sheet_kpis"]:
            v = facts[name].astype("float64")
            out = pd.DataFrame({"value": v, "numerator": np.nan, "denominator": np.nan})
        else:
            out = k(facts, **options)
            if uncovered & set(k.tables):  # a table that does not reach the period: no value, not 0
                out = out.astype("float64") * np.nan
        if np.isinf(out.to_numpy(dtype="float64", na_value=np.nan)).any():
            out = out.replace([np.inf, -np.inf], np.nan)
        out.index.name = "employee_id"
        parts.append(out)
    return parts


_PARTS = ["value", "numerator", "denominator"]


def _aligned(parts: list[pd.DataFrame], index: pd.Index) -> bool:
    """Whether every KPI frame has exactly ``index`` (unique) and float columns, so that
    the long and wide tables can be put together from plain arrays."""
    return index.is_unique and all(
        out.index.equals(index) and all(out[c].dtype == "float64" for c in _PARTS) for out in parts)


def _long(parts: list[pd.DataFrame], kpis: list[str], index: pd.Index | None = None) -> pd.DataFrame:
    cols = ["employee_id", "kpi", *_PARTS]
    if not parts:
        return pd.DataFrame(columns=cols)
    if index is not None and _aligned(parts, index):
        n = len(index)
        data = {"employee_id": pd.Index(np.tile(index.to_numpy(), len(parts)), dtype=index.dtype),
                "kpi": pd.array(np.repeat(np.array(kpis, dtype=object), n), dtype=index.dtype)
                if index.dtype != object else np.repeat(np.array(kpis, dtype=object), n)}
        for c in _PARTS:
            data[c] = np.concatenate([out[c].to_numpy() for out in parts])
        return pd.DataFrame(data)
    return pd.concat([out.reset_index().assign(kpi=name) for out, name in zip(parts, kpis)],
                     ignore_index=True)[cols]


def _evaluate(facts: pd.DataFrame, kpis: list[str], options: dict) -> pd.DataFrame:
    return _long(_kpi_frames(facts, kpis, options), kpis, facts.index)


def compute_kpis(dataset, period, *, kpis: list[str] | None = None, business: str | None = None,
                 options: dict | None = None, required: list[str] | tuple = ()) -> KPIResult:
    """Compute KPIs per employee for one period.

    Parameters
    ----------
    dataset : Dataset or dict of DataFrames
        Tables named as in the data contract (``employees`` is required). Parquet tables
        left on disk (``load_dataset(..., lazy=True)``) are aggregated by DuckDB directly.
    period : str or Period
        ``2026-10``, ``2026-Q3`` or ``2026``.
    kpis : list of str, optional
        Which KPIs; default: the business type's default set. KPIs whose tables or columns
        are absent are left out, with a notice naming what is missing.
    business : {"online", "telesales", "ecommerce", "direct"}, optional
    options : dict, optional
        ``kpi_options`` of the parameter file (effective_talk_seconds, revenue_basis, ...),
        plus ``reviewer_weights`` for 360 ratings.
    required : list of str
        KPIs that must be computed (asked for explicitly in the parameter file): an absent
        table or column is an error naming them.
    """
    from ..params import KPIOptions

    p = parse_period(period)
    opts = KPIOptions().model_dump()
    opts.update(options or {})
    if kpis is None:
        if business is None:
            raise KPIError("Say which KPIs to compute: pass kpis=[...] or business=...")
        check_one_of("business", business, BUSINESSES, error=KPIError)
        kpis = DEFAULT_SETS[business]
    for name in [*kpis, *required]:
        check_one_of("kpi", name, REGISTRY, error=KPIError)
    kpis = list(dict.fromkeys([*kpis, *required]))
    employees = _employees(dataset)
    ctx = open_context(dataset, p, opts, employees)
    employees, ctx, staff_notes, absent, out_of_post = _in_post(employees, ctx)
    outside_post, outside_ids = _records_outside_post(employees, ctx)
    staff_notes += outside_post
    sheet_cols = set(ctx.columns.get("kpi_sheet", set())) - {"employee_id", "period"}
    how, why = _availability(ctx, sheet_cols)
    missing_required = [k for k in required if k not in how]
    if missing_required:
        raise KPIError("These KPIs were asked for in the parameter file but cannot be computed: "
                       + "; ".join(f"{k} needs {why[k]}" for k in missing_required)
                       + ". Add the table/columns to the data, or remove the KPIs from 'kpis:'.")
    notices = staff_notes + _left_out_notices([k for k in kpis if k not in how], why)
    todo = [k for k in kpis if k in how]
    needed = set()
    for k in todo:
        if how[k] == "tables":
            needed |= set(REGISTRY[k].facts)
        elif how[k] == "derived":  # (the facts the sheet lacks, from the tables beside it)
            needed |= {f for f in REGISTRY[k].facts if not _fact_in_sheet(f, sheet_cols, opts)}
    uncovered = uncovered_tables(ctx)
    facts = compute_facts(ctx, _groups_for(needed, ctx), uncovered)
    for table, (first, last) in uncovered.items():
        ks = [k for k in todo if how[k] in ("tables", "derived") and table in REGISTRY[k].tables]
        if ks:
            zh_names = "".join(f"「{label(k, 'zh')}」" for k in ks)
            notices.append(Note(
                f"The {table} rows run from {first:%Y-%m-%d} to {last:%Y-%m-%d}, outside {p}: "
                f"{', '.join(ks)} {'has' if len(ks) == 1 else 'have'} no value for {p} (not 0).",
                f"{TABLES[table].zh}数据从 {first:%Y-%m-%d} 到 {last:%Y-%m-%d}，不含 {p}："
                f"{zh_names}在 {p} 没有数值（不是 0）。"))
    partial: dict[str, tuple[str, pd.Timestamp, pd.Timestamp, list[str]]] = {}
    for table, (way, day, others) in partial_tables(ctx).items():
        ks = [k for k in todo if how[k] in ("tables", "derived") and table in REGISTRY[k].tables]
        if not ks:
            continue
        partial[table] = (way, day, others, ks)
        zh_names, t_zh = "".join(f"「{label(k, 'zh')}」" for k in ks), TABLES[table].zh
        these = "this KPI" if len(ks) == 1 else "these KPIs"
        counts = f"{', '.join(ks)} {'counts' if len(ks) == 1 else 'count'} {table}"
        fix = f"Fix: export the {table} rows of the whole of {p}, or read {these} as partial."
        fix_zh = f"请导出整个 {p} 的{t_zh}数据，或把这些指标视为部分结果。"
        if way == "ends":
            notices.append(Note(
                f"The {table} rows of {p} end on {day:%Y-%m-%d}, while other tables go on to {others:%Y-%m-%d}: "
                f"{counts} up to {day:%Y-%m-%d} only. {fix}",
                f"{t_zh}数据在 {p} 只到 {day:%Y-%m-%d}，而其他表持续到 {others:%Y-%m-%d}：{zh_names}只计入了"
                f"截至该日的{t_zh}数据。{fix_zh}"))
        else:
            notices.append(Note(
                f"The {table} rows of {p} start on {day:%Y-%m-%d}, while other tables start by {others:%Y-%m-%d}: "
                f"{counts} from {day:%Y-%m-%d} only. {fix}",
                f"{t_zh}数据在 {p} 从 {day:%Y-%m-%d} 才开始，而其他表在 {others:%Y-%m-%d} 已有记录：{zh_names}"
                f"只计入了该日起的{t_zh}数据。{fix_zh}"))
    if "orders" not in uncovered:  # (a period the orders do not reach has no value to read low)
        notices += _open_windows(ctx, [k for k in todo if how[k] == "tables"])
        notices += _undated_refunds(ctx) + _later_refunds(ctx)
    for table, n in unassigned_rows(ctx).items():
        notices.append(Note(
            f"{n:,} {table} row(s) in {p} have no employee_id: they count in no one's KPIs, nor in "
            "team or company totals. Fix: fill in employee_id where the export has it.",
            f"{p} 有 {n:,} 行{TABLES[table].zh}记录没有 employee_id：不计入任何人的指标，也不计入团队或公司合计。"
            "请在导出数据中补上 employee_id。"))
    if sheet_cols:
        notices += _sheet_notice(how, todo, sheet_cols, opts)
        sheet = _kpi_sheet(ctx)
        levels = [k for k in sheet.attrs.get("not_summed", []) if k in todo]
        if levels:
            zh_names = "".join(f"「{label(k, 'zh')}」" for k in levels)
            notices.append(Note(
                f"The KPI sheet gives {', '.join(levels)} per month only: a rate, score or average of "
                f"several months can be neither added up nor averaged without the figures behind it, "
                f"so {'it has' if len(levels) == 1 else 'they have'} no value for {p}. Fix: add a row "
                f"for {p} itself to the sheet (period {p}) with the client's own figures.",
                f"指标表只有{zh_names}的月度数值：比率、评分或平均值不能按月相加，也不能在没有底层数据时取平均，"
                f"因此在 {p} 没有数值。如需使用，请在指标表中补充期间为 {p} 的整期数值。"))
        present, missing = sheet.attrs.get("months", ([], []))
        if missing:
            have = ", ".join(present[:-1]) + f" and {present[-1]}" if len(present) > 1 else present[0]
            notices.append(Note(
                f"The KPI sheet has no row for {', '.join(missing)}, {'a month' if len(missing) == 1 else 'months'} "
                f"of {p}: its sums (revenue, orders, ...) cover {have} only, and read against a target "
                f"for the whole of {p} they fall short. Fix: add the missing months to the sheet.",
                f"指标表没有 {'、'.join(missing)} 的数据（属于 {p}）：销售额、订单数等合计只包含 "
                f"{'、'.join(present)}，与整期目标相比会偏低。请在指标表中补上缺少的月份。"))
        notices += _blank_cells_notice(sheet.attrs.get("blanks", []), _sheet_columns_used(how, todo, sheet_cols, opts),
                                       set(levels), employees, p)
        sheet = sheet.set_index("employee_id").reindex(facts.index)
        from_sheet = [col for col in sheet.columns if col not in facts]
        for col in from_sheet:
            facts[col] = pd.to_numeric(sheet[col], errors="coerce")
        facts.attrs["sheet_facts"] = set(from_sheet)
        facts.attrs["sheet_kpis"] = {k for k in todo if how[k] == "sheet"}
        for k in facts.attrs["sheet_kpis"]:
            facts[k] = pd.to_numeric(sheet[k], errors="coerce")
    facts = _derive(facts, ctx)
    parts = _kpi_frames(facts, todo, opts)
    long = _long(parts, todo, facts.index)
    long.insert(1, "period", str(p))
    if _aligned(parts, facts.index):
        wide = pd.DataFrame({name: out["value"].to_numpy() for name, out in zip(todo, parts)}, index=facts.index)
    else:
        wide = long.pivot(index="employee_id", columns="kpi", values="value").reindex(facts.index)
        wide = wide.reindex(columns=todo)
    wide.columns.name = None
    info = employees.assign(employee_id=employees["employee_id"].astype(str)).set_index("employee_id")
    front = info[[c for c in ("name", "team", "role") if c in info]].reindex(wide.index)
    wide = pd.concat([front, wide], axis=1).reset_index()
    wide.insert(wide.columns.get_loc("role") + 1 if "role" in wide else 1, "period", str(p))
    wide.columns.name = None
    left_out = {k: why[k] for k in kpis if k not in how}
    return KPIResult(p, todo, facts, long, wide, notices, opts, ctx, left_out, absent, partial, out_of_post,
                     outside_post, outside_ids, dataset)


def _in_post(employees: pd.DataFrame, ctx: FactContext
             ) -> tuple[pd.DataFrame, FactContext, list[Note], pd.DataFrame, pd.DataFrame]:
    """The employees who worked in the period, by ``hire_date`` and ``leave_date`` (the
    last working day): someone hired after it or gone before it is not ranked or paid on
    a period of zeros. A person the dates rule out who has records in the period stays
    (the records would otherwise vanish from team and company totals), with a notice;
    returns them too (whether they are scored is the scoring plan's choice)."""
    p = ctx.period
    missing = pd.Series(pd.NaT, index=employees.index)
    hire, leave = employees.get("hire_date", missing), employees.get("leave_date", missing)
    away = np.array([not p.employs(h, lv) for h, lv in zip(hire, leave, strict=True)], dtype=bool)
    absent = pd.DataFrame({"employee_id": employees["employee_id"].astype(str),
                           "name": employees.get("name", missing), "hire_date": hire, "leave_date": leave})
    if not away.any():
        return employees, ctx, [], absent.iloc[:0], absent.iloc[:0]
    ids = employees["employee_id"].astype(str)
    busy = ids.isin(with_records(ctx, ids[away])).to_numpy()
    drop, kept = away & ~busy, away & busy
    notes = []
    if drop.any():
        n = int(drop.sum())
        dates, dates_zh = _outside_dates(p)
        notes.append(Note(
            f"{n} {'person' if n == 1 else 'people'} did not work in {p} ({dates}, by "
            f"hire_date and leave_date) and had no records in it: left out of its KPIs, ranking and payouts.",
            f"有 {n} 人在 {p} 不在职（{dates_zh}），本期也没有记录：不计入本期指标、排名和激励。"))
        employees = employees[~drop]
        ctx = ctx.restrict(employees)
    kept_people = absent[kept].reset_index(drop=True)
    if kept.any():
        notes.append(out_of_post_note(kept_people, p))
    return employees, ctx, notes, absent[drop].reset_index(drop=True), kept_people


def _records_outside_post(employees: pd.DataFrame, ctx: FactContext, limit: int = 10
                          ) -> tuple[list[Note], list[str]]:
    """A notice (and the ids) of the people in post for part of the period (hired or gone in it) who
    have records dated before their hire_date or after their leave_date (the last working
    day): those records count in their KPIs, so in their commission and rank, as in every
    total; a leaver's orders still booked under their id after they left are paid to them
    unless the dates or the records are corrected."""
    p = ctx.period
    if not {"hire_date", "leave_date"} & set(employees.columns):
        return [], []
    missing = pd.Series(pd.NaT, index=employees.index)
    hire = pd.to_datetime(employees.get("hire_date", missing), errors="coerce")
    leave = pd.to_datetime(employees.get("leave_date", missing), errors="coerce")
    part = ((hire > p.start) & (hire <= p.last_day)) | ((leave >= p.start) & (leave < p.last_day))
    if not part.any():
        return [], []
    dates = pd.DataFrame({"employee_id": employees.loc[part, "employee_id"].astype(str),
                          "hire": hire[part], "leave": leave[part]})
    ctx.con.register("_post_dates", dates)
    try:
        counts: dict[str, list[str]] = {}
        counts_zh: dict[str, list[str]] = {}
        for table, col in DATED:
            if not ctx.has(table, "employee_id", col):
                continue
            rows = ctx.con.sql(f"""
                SELECT d.employee_id, count(*) FROM {table} t JOIN _post_dates d ON t.employee_id = d.employee_id
                WHERE t.{col} >= TIMESTAMP '{p.start}' AND t.{col} < TIMESTAMP '{p.end}'
                  AND (t.{col} < d.hire OR t.{col} >= d.leave + INTERVAL 1 DAY)
                GROUP BY d.employee_id""").fetchall()
            for e, n in rows:
                counts.setdefault(e, []).append(f"{table} {n:,}")
                counts_zh.setdefault(e, []).append(f"{TABLES[table].zh} {n:,} 条")
    finally:
        ctx.con.unregister("_post_dates")
    if not counts:
        return [], []
    names = employees.set_index(employees["employee_id"].astype(str)).get("name", pd.Series(dtype=object))
    en, zh = [], []
    by_id = dates.set_index("employee_id")
    for e in sorted(counts, key=natural_key)[:limit]:
        r = by_id.loc[e]
        name = names.get(e)
        name = str(name).strip() if isinstance(name, str) and name.strip() and name.strip() != e else ""
        day = (f"hired {r['hire']:%Y-%m-%d}" if pd.notna(r["hire"]) and r["hire"] > p.start
               else f"left {r['leave']:%Y-%m-%d}")
        day_zh = (f"{r['hire']:%Y-%m-%d} 入职" if pd.notna(r["hire"]) and r["hire"] > p.start
                  else f"{r['leave']:%Y-%m-%d} 离职")
        en.append(f"{name} ({e}, {day}): {', '.join(counts[e])}" if name else f"{e} ({day}): {', '.join(counts[e])}")
        zh.append(f"{name}（{e}，{day_zh}）：{'、'.join(counts_zh[e])}" if name else
                  f"{e}（{day_zh}）：{'、'.join(counts_zh[e])}")
    more = len(counts) - len(en)
    notes = [Note(
        f"{len(counts)} {'person has' if len(counts) == 1 else 'people have'} records in {p} dated outside their "
        f"employment, before their hire_date or after their leave_date: {'; '.join(en)}"
        + (f"; and {more} more" if more > 0 else "") + ". They count in these people's KPIs, so in their "
        "commission and rank, and in every total. Fix: check the dates, or book the records under whoever "
        "made the sales, before paying.",
        f"{len(counts)} 人在 {p} 有日期不在其在职期间（入职日期之前或离职日期之后）的记录：{'；'.join(zh)}"
        + (f"；另有 {more} 人" if more > 0 else "") + "。这些记录计入其本人的指标，因而影响其提成和排名，也计入各级合计。"
        "请在发放前核对日期，或把这些记录归到实际成交的人名下。")]
    return notes, sorted(counts, key=natural_key)


def _open_windows(ctx: FactContext, todo: list[str]) -> list[Note]:
    """A notice per KPI of :data:`RETENTION_DAYS` whose windows the orders do not cover: the new
    customers of the period are followed up to N days after it, and orders that stop before
    then make it read low (a month's 90-day retention, reported the month after, counts
    nobody who came back later; a re-run once the data are in gives another figure)."""
    ks = [k for k in todo if k in RETENTION_DAYS]
    if not ks or not ctx.has("orders", "order_date"):
        return []
    last = ctx.con.sql("SELECT max(order_date) FROM orders").fetchall()[0][0]
    if last is None:
        return []
    last = pd.Timestamp(last).normalize()
    out = []
    for k in ks:
        closes = ctx.period.last_day + pd.Timedelta(days=RETENTION_DAYS[k])
        if last < closes:
            n = RETENTION_DAYS[k]
            out.append(Note(
                f"{label(k, 'en')}: the {n}-day windows of the new customers of {ctx.period} run to "
                f"{closes:%Y-%m-%d}, but the "
                f"orders end on {last:%Y-%m-%d}: it counts their repeat orders up to then only, so it reads low and "
                "will rise once the later orders are in.",
                f"「{label(k, 'zh')}」：{ctx.period} 新客户的 {n} 天观察期要到 {closes:%Y-%m-%d} 才结束，而订单数据只到 "
                f"{last:%Y-%m-%d}：只计入了此前的复购，数值偏低，之后的订单导入后会上升。"))
    return out


def _undated_refunds(ctx: FactContext) -> list[Note]:
    """Under ``refund_handling: clawback`` an order counts until it is refunded and is
    clawed back in the period of its refund; a refunded order of the period without a
    refund date (no refunded_at, or an empty one) can be neither, so it counts nowhere, as
    under ``exclude``: a notice says how many, so that the plan's choice is seen to apply."""
    if ctx.options.get("refund_handling") != "clawback" or not ctx.has("orders", "status", "order_date"):
        return []
    p = ctx.period
    dated = "refunded_at IS NULL" if ctx.has("orders", "refunded_at") else "TRUE"
    n = ctx.con.sql(f"SELECT count(*) FROM orders WHERE status = 'refunded' AND {dated} "
                    f"AND order_date >= '{p.start}' AND order_date < '{p.end}'").fetchall()[0][0]
    if not n:
        return []
    return [Note(
        f"{n:,} refunded order(s) of {p} have no refund date: under refund_handling: clawback an order counts until "
        "it is refunded, and is clawed back in the period of the refund, so without the date they count in no "
        "period (as under exclude). Fix: map the export's refund date to refunded_at (data.columns.orders).",
        f"{p} 有 {n:,} 笔已退款订单没有退款日期：按 refund_handling: clawback，订单在退款前计入业绩、在退款当期扣回，"
        "缺少日期时它们不计入任何期间（与 exclude 相同）。请把导出文件中的退款日期映射为 refunded_at"
        "（data.columns.orders）。")]


def _later_refunds(ctx: FactContext) -> list[Note]:
    """Under ``refund_handling: clawback``, a notice of the period's orders refunded after it
    closed (how many, their amount): they count in the period, as they did when it was
    paid, and their commission is taken back in the period of the refund; without it, a
    reader who knows of the refunds sees them counted as sales with nothing said."""
    if ctx.options.get("refund_handling") != "clawback" or not ctx.has("orders", "status", "refunded_at"):
        return []
    p = ctx.period
    n, amount = ctx.con.sql(f"SELECT count(*), sum(amount) FROM orders WHERE status = 'refunded' "
                            f"AND refunded_at >= '{p.end}' AND order_date >= '{p.start}' "
                            f"AND order_date < '{p.end}'").fetchall()[0]
    if not n:
        return []
    return [Note(
        f"{n:,} order(s) of {p} ({grouped(amount or 0.0, 2)}) were refunded after it closed: under refund_handling: "
        f"clawback they count in {p}, as when it was paid, and their commission is taken back in the period of "
        "the refund.",
        f"{p} 有 {n:,} 笔订单（合计 {grouped(amount or 0.0, 2)}）在期末之后才退款：按 refund_handling: clawback，"
        f"它们仍计入 {p}（与当期发放时一致），提成在退款当期追回。")]


def _outside_dates(p) -> tuple[str, str]:
    return (f"hired after {p.last_day:%Y-%m-%d} or left before {p.start:%Y-%m-%d}",
            f"入职日期晚于 {p.last_day:%Y-%m-%d} 或离职日期早于 {p.start:%Y-%m-%d}")


def out_of_post_note(people: pd.DataFrame, p, scored: bool | None = None) -> Note:
    """The notice about ``people``, whom the employees table's dates rule out of period
    ``p`` although they have records in it: named, with the date. ``scored``: None for the
    KPIs alone (they count in every total); True or False for a scorecard that scored and
    paid them as usual, or left them out of scoring, ranking and pay."""
    n = len(people)
    dates, dates_zh = _outside_dates(p)
    who_en, who_zh = _out_of_post(people, p)
    head_en = (f"{n} {'person has' if n == 1 else 'people have'} records in {p} although the employees table says "
               f"they did not work in it ({dates}): {who_en}.")
    head_zh = f"{n} 人在 {p} 有记录，但按员工表并不在职（{dates_zh}）：{who_zh}。"
    fix_en, fix_zh = "Fix: check their hire_date and leave_date.", "请核对其入职日期和离职日期。"
    if scored is None:
        return Note(f"{head_en} Their KPIs count as usual, in team and company totals too. {fix_en}",
                    f"{head_zh}其指标照常计算，也计入团队和公司合计。{fix_zh}")
    if scored:
        return Note(f"{head_en} Scored, ranked and paid as usual (scoring.out_of_post: score). {fix_en}",
                    f"{head_zh}按方案（scoring.out_of_post: score）照常评分、排名和计酬。{fix_zh}")
    return Note(f"{head_en} Their results count in team and company totals, but they are not scored, ranked "
                f"or paid. {fix_en[:-1]}; to score and pay them as usual (commission still due after leaving, "
                "say), set scoring.out_of_post: score in the parameter file.",
                f"{head_zh}其业绩计入团队和公司合计，但不参与评分、排名和激励。{fix_zh[:-1]}；如需照常评分和计酬"
                "（例如离职后仍按协议结算提成），在参数文件中设置 scoring.out_of_post: score。")


def _out_of_post(people: pd.DataFrame, p, limit: int = 10) -> tuple[str, str]:
    """Who ``people`` are and which date rules them out of ``p``, in English and Chinese:
    杨帆 (0105, left 2018-06-15); the first ``limit``, then how many more."""
    en, zh = [], []
    for r in people.head(limit).itertuples():
        name = str(r.name).strip() if isinstance(r.name, str) and r.name.strip() else ""
        who = f"{name} ({r.employee_id}" if name else f"{r.employee_id} ("
        sep = ", " if name else ""
        if pd.notna(r.hire_date) and pd.Timestamp(r.hire_date) > p.last_day:
            day = f"{pd.Timestamp(r.hire_date):%Y-%m-%d}"
            en.append(f"{who}{sep}hired {day})")
            zh.append(f"{who.replace(' (', '（').replace('(', '（')}{'，' if name else ''}{day} 入职）")
        else:
            day = f"{pd.Timestamp(r.leave_date):%Y-%m-%d}"
            en.append(f"{who}{sep}left {day})")
            zh.append(f"{who.replace(' (', '（').replace('(', '（')}{'，' if name else ''}{day} 离职）")
    more = len(people) - len(en)
    return ("; ".join(en) + (f"; and {more} more" if more > 0 else ""),
            "；".join(zh) + (f"；另有 {more} 人" if more > 0 else ""))


def _left_out_notices(names: list[str], why: dict[str, Note]) -> list[Note]:
    """One notice per missing table or column, naming the KPIs it leaves out."""
    groups: dict[Note, list[str]] = {}  # (a Note is keyed by its English text)
    for k in names:
        groups.setdefault(why[k], []).append(k)
    out = []
    for reason, ks in groups.items():
        zh_names = "".join(f"「{label(k, 'zh')}」" for k in ks)
        zh = f"未计算{zh_names}：数据中缺少{reason.zh}。"
        out.append(Note(f"{ks[0]} left out: it needs {reason}, which the data do not have." if len(ks) == 1 else
                        f"{', '.join(ks)} left out: they need {reason}, which the data do not have.", zh))
    return out


def available_kpis(dataset, business: str | None = None, options: dict | None = None) -> pd.DataFrame:
    """Which KPIs the data allow, and for the others what is missing (under ``options``,
    the plan's ``kpi_options``: revenue counted as received needs the payments)."""
    employees = _employees(dataset)
    ctx = open_context(dataset, "2000-01", dict(options or {}), employees)
    sheet_cols = set(ctx.columns.get("kpi_sheet", set())) - {"employee_id", "period"}
    how, why = _availability(ctx, sheet_cols)
    names = DEFAULT_SETS[business] if business else list(REGISTRY)
    return pd.DataFrame({"kpi": names, "available": [n in how for n in names],
                         # (object: each keeps its Chinese words, which a str column drops)
                         "missing": pd.Series([why.get(n, "") for n in names], dtype=object)})


def describe(language: str = "en") -> pd.DataFrame:
    """The registry as a table: name, labels, direction, unit, tables and first docstring line."""
    rows = []
    for name, k in REGISTRY.items():
        doc = (k.func.__doc__ or "").strip().splitlines()
        formula = next((l.strip() for l in doc[1:] if "=" in l), "")
        rows.append({"kpi": name, "zh": k.zh, "en": k.en, "higher_is_better": k.higher_is_better,
                     "unit": k.unit, "dimension": k.info.dimension, "tables": ", ".join(k.tables),
                     "formula": formula})
    return pd.DataFrame(rows)


def kpi_table(result: KPIResult, language: str = "en") -> pd.DataFrame:
    """``result.wide`` with KPI columns labelled in ``language`` (for display)."""
    from ..catalogue import label

    return result.wide.rename(columns={k: label(k, language) for k in result.kpis})
