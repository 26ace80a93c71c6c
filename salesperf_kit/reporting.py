"""The report: sections composed from the package's tables and figures.

A notebook builds one :class:`Report` with :func:`build_report` and then shows one section
per cell. Nothing is computed here: numbers come from the KPI library, the scorecard, the
incentives, :mod:`salesperf_kit.analysis`, :mod:`salesperf_kit.targets` and
:mod:`salesperf_kit.anomalies`; this module only labels them in the report language and
lays them out. Each :class:`Section` renders as HTML (figures embedded as PNG, so the
exported report opens offline) and as plain text holding the same numbers (what nbval
compares).
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import html
import io
import json
import logging
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import analysis, plots
from ._repr import compact_repr
from .catalogue import BUSINESS_LABELS, CATALOGUE, TEAM_FIGURES, Note, grouped, label_with_unit, with_unit_sign
from .coverage import (as_it_stood_on, date_spans, export_end, export_start, has_records, months_without_records,
                       require_records, rows_before)
from .exceptions import SalesperfError
from .export import anonymise, anonymise_teams, column_labels, customer_pseudonym, pseudonyms, write_table
from .kpis import DEFAULT_SETS, KPIResult, compute_kpis
from .loaders import load_plan_data, mostly_zero
from .params import Params, load_params
from .periods import Period, parse_period
from .schemas import TABLES
from .scoring import SCORE_DECIMALS, score_decimals

log = logging.getLogger(__name__)

__all__ = ["Section", "Report", "build_report", "HEADLINE_KPIS"]

HEADLINE_KPIS = {
    "online": ["revenue", "orders", "target_attainment", "sessions", "conversion_rate", "roas", "csat"],
    "telesales": ["revenue", "orders", "target_attainment", "calls", "connect_rate", "close_rate", "csat"],
    "ecommerce": ["revenue", "orders", "target_attainment", "aov", "repurchase_rate", "refund_rate", "csat"],
    "direct": ["received_revenue", "target_attainment", "new_customers", "referrals",
               "positive_review_rate", "collection_rate", "big_customer_share"],
}

_TXT = {
    "title": ("{client} · {business}绩效报告 · {period}", "{client} · {business} performance report · {period}"),
    "as_of": ("数据截至 {as_of}。", "Data as of {as_of}."),
    "summary": ("执行摘要", "Executive summary"),
    "leaderboard": ("排行榜", "Leaderboard"),
    "distributions": ("各团队指标分布", "KPI distributions by team"),
    "funnel": ("转化漏斗", "Funnel"),
    "heatmap": ("个人指标得分热力图", "KPI points per person"),
    "teams": ("团队比较与显著性检验", "Team comparison"),
    "correlations": ("指标相关性 (Spearman)", "KPI correlations (Spearman)"),
    "payouts": ("激励发放与方案成本", "Incentive payouts and plan cost"),
    "feedback": ("个人反馈卡", "Feedback cards"),
    "diagnostics": ("方案诊断", "Plan diagnostics"),
    "goals": ("目标跟踪", "Goal tracking"),
    "audit": ("数据审计与异常预警", "Audit: data anomalies"),
    "quality": ("附录：数据质量", "Appendix: data quality"),
    "first_rows": ("表中列出前 {n} 行（共 {total} 行{how}）。", "The table lists the first {n} of {total} rows{how}."),
    "scorecard_sheet": ("评分与薪酬", "Scores and pay"),  # (the sheet of scorecard.xlsx)
}


def _t(key: str, lang: str, **kw) -> str:
    text = _TXT[key][0 if lang == "zh" else 1]
    return text.format(**kw) if kw else text


def _fmt(value, unit: str | None = None, *, language: str = "en", tiny: bool = True) -> str:
    """A number for a reader: percentages for ratios, "12.30×" for multiples, "4.72 次" ("4.72×"
    in English) for how many times something happened, whole counts.

    A share too small for one decimal keeps two significant digits (an engagement rate of
    0.018%, not 0.0%) unless ``tiny`` is False (a change of 0.04% is no change)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if unit == "ratio":
        if tiny and value and abs(value) < 0.0005:
            pct = value * 100
            return f"{pct:.{1 - int(np.floor(np.log10(abs(pct))))}f}%"
        return f"{round(value * 100, 1) + 0.0:.1f}%"  # + 0.0: a change that rounds to 0 is not "-0.0%"
    if unit == "multiple":
        return with_unit_sign(f"{value:.2f}", unit)
    if unit == "times":  # a turnover of 4.721 is 4.72 times, not 472.1 %; two decimals, as the scorecard
        # gives it (1.27 -> 1.67 is +31 %, which 1.3 -> 1.7 would not show)
        return with_unit_sign(f"{round(value, 2) + 0.0:.2f}", unit, language)
    if isinstance(value, (int, np.integer)) or (unit == "count" and float(value).is_integer()):
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return grouped(value)
    return grouped(value, 2)


def _and(items: list[str]) -> str:
    """English list: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _decimals(values: pd.Series) -> int:
    """Decimals for a column of numbers: the same for every row, so that the points line
    up (113.1 and 98.7, not 113.1 and 98.73), and fewer the larger the numbers."""
    v = pd.to_numeric(values, errors="coerce").abs()
    v = v[np.isfinite(v)]
    # ranks, counts, scores of whole points: whole numbers, to float noise (0.1 × 3 × 100 is
    # 30.000000000000004, still a whole score)
    if len(v) and np.allclose(v, v.round(), rtol=0, atol=1e-9):
        return 0
    top = v.max() if len(v) else 0.0
    return 0 if top >= 1000 else 1 if top >= 100 else 2 if top >= 0.1 or top == 0 else 3


def _same_decimals(t: pd.DataFrame, columns: list[str], *, by: str) -> pd.DataFrame:
    """``columns`` of ``t`` as text, with the same decimals for every figure of the same
    ``by`` value (one KPI's target, actual and variance: 0 and 5,707, not 0.00 and 5,707);
    shares in per cent."""
    out = pd.DataFrame(index=t.index, columns=columns, dtype=object)
    for key, rows in t.groupby(by, sort=False):
        if CATALOGUE.get(key) is not None and CATALOGUE[key].unit == "ratio":
            for c in columns:
                out.loc[rows.index, c] = rows[c].map(lambda v: _fmt(v, "ratio"))
            continue
        d = _decimals(pd.concat([rows[c] for c in columns]))
        for c in columns:
            out.loc[rows.index, c] = rows[c].map(lambda v: "–" if pd.isna(v) else f"{v + 0.0:,.{d}f}")
    return out


def _points(diff: float, zh: bool) -> str:
    """A difference of two shares in percentage points: "+1.2 pp" ("+1.2 个百分点")."""
    if diff is None or pd.isna(diff):
        return "–"
    d = round(diff * 100, 1) + 0.0
    shown = f"{d:+.1f}" if d else "0.0"  # no sign on a change that rounds to nothing
    return f"{shown} 个百分点" if zh else f"{shown} pp"


def _change(actual: float, base: float, change: float, unit: str, zh: bool) -> str:
    """A change against an earlier figure: in percentage points for a ratio KPI (a share
    going from 6.4 % to 6.5 % is +0.1 pp, not +1.6 %), else the relative change, signed
    like the points (+41.7%: 环比 41.7% could read as 41.7 % of the previous figure)."""
    if unit == "ratio":
        return _points(actual - base, zh)
    shown = _fmt(change, "ratio", tiny=False)
    return f"+{shown}" if change > 0 and shown != "0.0%" else shown  # no sign on a change that rounds to nothing


# a figure as a table shows it: 1,234 / -3.5 / 12.0% / 1.25× / 4.72 次 / +0.3 个百分点 / +0.3 pp / – (none)
_FIGURE = r"[-+]?[\d,]*\.?\d+\s*(%|×|次|个百分点|pp)?|–"


def _tight_box(fig):
    """The box, in inches, that ``savefig(bbox_inches="tight")`` would crop ``fig`` to,
    measured at the saving resolution as savefig measures it.

    Given this box, savefig draws the figure once instead of twice (with "tight" it first
    lays the whole figure out, text and all, only to measure it). For a figure laid out
    already (``tight_layout``), the image is the same, byte for byte.
    """
    import matplotlib

    pad = matplotlib.rcParams["savefig.pad_inches"]
    if not isinstance(pad, (int, float)):  # ("layout": a layout engine's own padding)
        return "tight"
    shown = fig.dpi
    try:
        fig.dpi = matplotlib.rcParams["savefig.dpi"] if matplotlib.rcParams["savefig.dpi"] != "figure" else shown
        return fig.get_tightbbox(fig.canvas.get_renderer()).padded(pad)
    finally:
        fig.dpi = shown


@dataclass
class Section:
    """One part of the report: a heading, paragraphs, an optional table and figure."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    png: bytes | None = None
    key: str = ""

    def _table_text(self) -> pd.DataFrame:
        # every row: a section that lists only the first rows cuts its table itself and says so
        # (:meth:`Report._first_rows`); a payout table cut at 60 rows left out the 61st person paid
        t = self.table.copy()
        for c in t.columns:
            if pd.api.types.is_float_dtype(t[c]):
                d = _decimals(t[c])
                t[c] = t[c].map(lambda v: "–" if pd.isna(v) else f"{v:,.{d}f}")
            elif t[c].isna().any():  # a grade of someone without a score: "–", not NaN or None
                t[c] = t[c].astype(object).where(t[c].notna(), "–")
        return t

    def __repr__(self) -> str:
        out = [self.title, *self.paragraphs]
        if self.table is not None and len(self.table):
            out.append(self._table_text().to_string(index=False))
        return "\n".join(out)

    def _text_columns(self, shown: pd.DataFrame) -> list[tuple[int, bool]]:
        """(position from 1, short) of the columns holding words rather than figures:
        the HTML table aligns them left, and keeps a short one on one line."""
        out = []
        for i, c in enumerate(shown.columns, start=1):
            values = shown[c].dropna().astype(str)
            values = values[values != ""]
            if len(values) and not values.str.fullmatch(_FIGURE).all():
                out.append((i, int(values.str.len().max()) <= 12))
        return out

    def _repr_html_(self) -> str:
        parts = [f"<h2>{html.escape(self.title)}</h2>"]
        parts += [f"<p>{html.escape(p)}</p>" for p in self.paragraphs]
        if self.table is not None and len(self.table):
            shown = self._table_text()
            cls = f"sp-{self.key or 'table'}"
            rules = [f".{cls} td:nth-child({i}) {{ text-align: left;{' white-space: nowrap;' if short else ''} }} "
                     f".{cls} th:nth-child({i}) {{ text-align: left; }}"
                     for i, short in self._text_columns(shown)]
            if rules:
                parts.append("<style>" + " ".join(rules) + "</style>")
            parts.append(shown.to_html(index=False, border=0, classes=f"sp-table {cls}", escape=True))
        if self.png is not None:
            data = base64.b64encode(self.png).decode("ascii")
            parts.append(f'<img alt="{html.escape(self.title)}" src="data:image/png;base64,{data}"/>')
        return "<div class='sp-section'>" + "\n".join(parts) + "</div>"


@dataclass
class Report:
    """Everything one report shows, computed once by :func:`build_report`."""

    business: str
    period: Period
    params: Params
    language: str
    client: str
    as_of: str
    dataset: object
    kpis: KPIResult
    previous: KPIResult | None  # None: no records in that period
    last_year: KPIResult | None
    scorecard: object
    previous_scorecard: object | None
    payouts: pd.DataFrame
    plan_cost: pd.DataFrame
    anonymise: bool = False
    # the data are the kit's generated demo data: "embedded", or "files" written by
    # `salesperf demo` / `salesperf sample` and unchanged since; "" for a client's data
    demo: str = ""
    data_end: str = ""  # the last date of the data, when it falls before the period's last day
    # the first date of the data, when it falls part-way through a period compared with
    # ("previous", "same_period_last_year"): that period is then not compared with
    data_start: dict = field(default_factory=dict)
    # what a report asked as of a day before the period's last left out of an export that goes
    # on after it (:func:`coverage.as_it_stood_on`): rows per table, and the orders whose later
    # refund or payment is not counted ("refunds_undone", "payments_undone")
    after_as_of: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    client_name: str = ""  # what the title calls the client (``client`` is the key of folders and pseudonyms)

    __repr__ = compact_repr

    # ------------------------------------------------------------------ helpers
    def _label(self, kpi: str) -> str:
        return label_with_unit(kpi, self.language, self.currency)

    def _name(self, kpi: str) -> str:
        """A KPI as a sentence names it: a Chinese sentence leaves the unit of money out of
        the name (「销售额」, not 「销售额（元）」) and writes it after the amounts."""
        return _sentence_label(kpi, self.language, self.currency)

    @property
    def currency(self) -> str | None:
        """The unit of money in the report's language (``report.currency``), or None."""
        return self.params.currency(self.language)

    def _money(self, amount: float) -> str:
        """An amount paid, to the cent as the payout table gives it, with the plan's unit:
        311,516.58 元 (311,516.58 without ``report.currency``); – when it is unknown."""
        if amount is None or pd.isna(amount):
            return "–"
        return with_unit_sign(grouped(amount, 2), "currency", self.language, self.currency)

    def _role(self, role: str) -> str:
        return self.params.role_label(role, "zh" if self.zh else "en")

    def _names(self, df: pd.DataFrame, ids: bool = False) -> pd.DataFrame:
        return anonymise(df, salt=self.client, language=self.language, ids=ids) if self.anonymise else df

    def _key(self, ids) -> pd.Series:
        """What orders people in the report's lists and breaks ties of equal rank: the
        employee id, or in an anonymised report the pseudonym (an order by the hidden id or
        name would let anyone holding the staff list tell who is who)."""
        ids = pd.Series(ids).astype(str)
        if not self.anonymise:
            return ids
        return ids.map(pseudonyms(ids.unique(), salt=self.client, language=self.language))

    def _by_rank(self, t: pd.DataFrame, first: str = "rank", ascending: bool = True) -> pd.DataFrame:
        """``t`` (people, with ``employee_id``) by ``first``, people of equal ``first`` by
        :meth:`_key`; those without a ``first`` last."""
        return (t.assign(_key=self._key(t["employee_id"]).to_numpy())
                .sort_values([first, "_key"], ascending=[ascending, True], na_position="last", kind="mergesort")
                .drop(columns="_key"))

    def _first_rows(self, shown: pd.DataFrame, limit: int,
                    how: tuple[str, str] = ("", "")) -> tuple[pd.DataFrame, list[str]]:
        """``shown`` cut to its first ``limit`` rows, and the sentence saying so, with ``how``
        the rows are ordered (zh, en) when given; all of ``shown`` and no sentence when it
        has no more rows. A table cut without a word reads as complete."""
        if len(shown) <= limit:
            return shown, []
        how = how[0 if self.zh else 1]
        return shown.head(limit), [_t("first_rows", self.language, n=f"{limit:,}", total=f"{len(shown):,}",
                                      how=(f"，{how}" if self.zh else f", {how}") if how else "")]

    def _score_decimals(self) -> int:
        """The decimals every score of the report and its scorecard file is shown with
        (:func:`~salesperf_kit.scoring.score_decimals`): none reads across a grade threshold."""
        return score_decimals(self.scorecard.table["score"], self.params.scoring.grading)

    def _customer(self, customer_id: str) -> str:
        return customer_pseudonym(customer_id, salt=self.client, language=self.language)

    def _people(self) -> dict[str, str]:
        """How the audit's sentences name a person: their pseudonym in an anonymised report,
        else their name as the tables beside them show it (their id when they have none)."""
        if self.anonymise:
            return pseudonyms(self.kpis.wide["employee_id"], salt=self.client, language=self.language)
        w = self.kpis.wide
        if "name" not in w:
            return {}
        named = w[w["name"].notna() & w["name"].astype(str).str.strip().ne("")]
        return dict(zip(named["employee_id"].astype(str), named["name"].astype(str), strict=True))

    def _figure(self, key: str, ax) -> bytes:
        """Render a figure once to PNG (kept for save()) and close it."""
        fig = ax.figure
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches=_tight_box(fig))
        plt.close(fig)
        self.figures[key] = buf.getvalue()
        return self.figures[key]

    @property
    def zh(self) -> bool:
        return self.language == "zh"

    # ------------------------------------------------------------------ sections
    def cover(self) -> Section:
        business = BUSINESS_LABELS[self.business]["zh" if self.zh else "en"]
        title = _t("title", self.language, client=self.client_name or self.client, business=business,
                   period=self.period.label(self.language))
        n = len(self.kpis.wide)
        teams = self.kpis.wide["team"].nunique()
        away = len(getattr(self.kpis, "out_of_post", ()))
        if away and self.params.scoring.out_of_post == "leave_out":  # in the totals, not on the scorecard
            n -= away
            para = (f"{n} 名员工，{teams} 个团队；另有 {away} 人按员工表本期不在职，但有业绩记录：计入团队和公司合计，"
                    "不参与评分、排名和激励（名单见数据质量附录）。" if self.zh else
                    f"{n} {'person' if n == 1 else 'people'} in {teams} {'team' if teams == 1 else 'teams'}, and "
                    f"{away} more whom the employees table shows as not employed in the period but who "
                    f"{'has' if away == 1 else 'have'} records in it: counted in team and company totals, but not "
                    "scored, ranked or paid (named in the data-quality appendix). ")
        else:
            para = (f"{n} 名员工，{teams} 个团队。" if self.zh else
                    f"{n} {'person' if n == 1 else 'people'} in {teams} {'team' if teams == 1 else 'teams'}. ")
        para += _t("as_of", self.language, as_of=self.as_of)
        rows = sum(v for k, v in self.after_as_of.items() if k not in ("refunds_undone", "payments_undone"))
        if rows:  # an export that goes on after the day asked: cut there
            later = self.after_as_of.get("refunds_undone", 0)
            para += (f"注意：按 --as-of 只计 {self.data_end} 及以前的数据（之后的 {rows:,} 行记录"
                     f"{f'和 {later:,} 笔退款' if later else ''}未计入，见数据质量附录），而考核期到 "
                     f"{self.period.last_day:%Y-%m-%d}，本报告的数字只是截至该日的部分结果。" if self.zh else
                     f" Note: as asked (--as-of), the data up to {self.data_end} count ({rows:,} later "
                     f"{'row' if rows == 1 else 'rows'}{f' and {later:,} later refund' + ('' if later == 1 else 's') if later else ''} "
                     f"left out: see the data-quality appendix), while the period runs to "
                     f"{self.period.last_day:%Y-%m-%d}; the figures are the part of the period up to that day.")
        elif self.data_end:
            para += (f"注意：数据只到 {self.data_end}，而考核期到 {self.period.last_day:%Y-%m-%d}，本报告的数字只是截至该日的部分结果。"
                     if self.zh else f" Note: the data end on {self.data_end}, before the period does "
                     f"({self.period.last_day:%Y-%m-%d}); the figures are the part of the period up to that day.")
        if self.demo == "embedded":
            para += ("数据为内置演示数据（随机生成，并非真实业务数据）。" if self.zh else
                     " The data are the kit's built-in demo data (generated, not real business figures).")
        elif self.demo == "files":
            para += ("数据为本工具生成的演示数据文件（随机生成，并非真实业务数据）。" if self.zh else
                     " The data are demo data files the kit generated (not real business figures).")
        return Section(title, [para], key="cover")

    def _plan_weights(self) -> dict[str, float]:
        """Each KPI's weight in the plan, summed over the people (a role's weights count once
        per person in it), largest first."""
        heads = self.kpis.wide["role"].astype(str).value_counts() if "role" in self.kpis.wide else pd.Series()
        w: dict[str, float] = {}
        for role, spec in self.params.scoring.roles.items():
            for k, v in spec.weights.items():
                w[k] = w.get(k, 0.0) + float(v) * max(int(heads.get(role, 0)), 1e-6)
        return dict(sorted(w.items(), key=lambda kv: -kv[1]))

    def _has_data(self, kpi: str) -> bool:
        return kpi in self.kpis.kpis and bool(self.kpis.wide[kpi].notna().any())

    def summary(self) -> Section:
        weights = self._plan_weights()
        kpis = [k for k in self._headline_kpis() if self._has_data(k)]
        kpis += [k for k in weights if self._has_data(k) and k not in kpis]
        targets, idle = self._targets_of_months_with_data()
        table = analysis.executive_summary(self.kpis, self.previous, self.last_year, kpis=kpis, targets=targets)
        if idle:  # (the target attainment row on the summary's target, that of the months with data)
            table = self._attainment_of_months_with_data(table, idle)
        # a headline KPI the plan does not weigh, with nothing but 0 in every period shown, says nothing
        vals = table[["actual", "previous", "same_period_last_year"]]
        silent = (vals.fillna(0) == 0).all(axis=1) & ~table["kpi"].isin(list(weights))
        table, cut = self._first_rows(table[~silent].reset_index(drop=True), 10,  # (said after the headline)
                                      ("先列核心指标，再按方案权重从高到低", "the headline KPIs first, then by the plan's weight"))
        kpis = table["kpi"].tolist()
        units = table["kpi"].map(lambda k: CATALOGUE[k].unit)
        shown = pd.concat([pd.DataFrame({"kpi": table["kpi"].map(self._label)}),
                           self._summary_figures(table, units, self.language)], axis=1)
        shown["attainment"] = [_fmt(v, "ratio") for v in table["attainment"]]
        # a ratio KPI's change reads as percentage points (6.4% -> 6.5%: +0.1 pp, not +2.2%)
        for col, base in (("change_vs_previous", "previous"), ("change_vs_last_year", "same_period_last_year")):
            shown[col] = [_change(a, b, c, u, self.zh)
                          for a, b, c, u in zip(table["actual"], table[base], table[col], units)]
        cols = {"kpi": "指标" if self.zh else "KPI", "actual": "实际" if self.zh else "Actual",
                "target": "目标" if self.zh else "Target", "attainment": "完成率" if self.zh else "Attainment",
                "previous": "上期" if self.zh else "Previous", "change_vs_previous": "环比" if self.zh else "vs previous",
                "same_period_last_year": "去年同期" if self.zh else "Last year",
                "change_vs_last_year": "同比" if self.zh else "vs last year"}
        # columns with no figure at all (no targets, no earlier period) are left out
        empty = {"target": ["target", "attainment"], "previous": ["previous", "change_vs_previous"],
                 "same_period_last_year": ["same_period_last_year", "change_vs_last_year"]}
        # a year's previous period is the same period last year: it is compared once, as last year
        yearly = self.period.kind == "year"
        drop = [c for key, group in empty.items()
                if table[key].isna().all() or (yearly and key == "previous") for c in group]
        shown = shown[[c for c in cols if c not in drop]].rename(columns=cols)
        paras = [self._headline_sentence(table.iloc[0], units.iloc[0])] if kpis else []
        paras += cut
        paras += self._uniform_lines()
        paras += self._target_levels_sentences(kpis, idle)
        paras += self._begun_lines()
        paras += self._short_history_lines(kpis, [c for c in ("previous", "same_period_last_year") if c not in drop])
        spans = [q for key, q in (("previous", self.period.previous()), ("same_period_last_year",
                                  self.period.same_last_year())) if not any(c in drop for c in empty[key])]
        if self.data_end and spans:
            days = [f"{q.start:%Y-%m-%d} {'至' if self.zh else 'to'} "
                    f"{comparison_end(self.period, self.data_end, q) - pd.Timedelta(days=1):%Y-%m-%d}" for q in spans]
            which = "上期和去年同期" if len(spans) == 2 else "上期" if spans[0] == self.period.previous() and not yearly \
                else "去年同期"
            cut = bool(self.after_as_of)  # (the export goes on: the report stops on the day asked)
            paras.append(f"{'报告截至' if cut else '数据只到'} {self.data_end}{'（--as-of）' if cut else ''}："
                         f"{which}按同样的天数比较（{'、'.join(days)}）。" if self.zh else
                         f"{'The report runs to' if cut else 'The data end on'} {self.data_end}"
                         f"{' (--as-of)' if cut else ''}: the earlier {'periods are' if len(spans) == 2 else 'period is'} "
                         f"compared over the same days ({'; '.join(days)}).")
        if idle and "target" not in drop:
            months = "、".join(idle) if self.zh else ", ".join(idle)
            given = self.dataset.tables.get("targets")
            given = set(given["period"].astype(str)) if given is not None and "period" in given else set()
            if not given & set(idle):  # (no targets either: the period's target stops where its data do)
                one = len(idle) == 1
                paras.append(f"{months} 既没有数据，也没有录入目标：本期目标只计录入了目标的月份。" if self.zh else
                             f"{months} {'has' if one else 'have'} neither data nor targets: the period's target "
                             "counts the months with targets only.")
            else:
                paras.append(f"{months} 没有数据：目标只计有数据的月份，以免把没有数据的月份算作未完成。" if self.zh else
                             f"{months} {'has' if len(idle) == 1 else 'have'} no data: the targets count the months "
                             "with data only, so that months without data do not read as missed targets.")
        paras += self._partial_sentences().values()
        paras += self._unowned_sentences(kpis)
        paras += self._filtered_sentences()
        paras += self._zero_amount_sentences()
        return Section(_t("summary", self.language), paras, shown, key="summary")

    @staticmethod
    def _summary_figures(table: pd.DataFrame, units: pd.Series, language: str) -> pd.DataFrame:
        """The summary's figures (actual, target, previous, same_period_last_year) as shown,
        a row's amounts with the same decimals: "10,261,006 against 0", not "against 0.00"."""
        figures = ["actual", "target", "previous", "same_period_last_year"]
        whole = (table[figures].abs().max(axis=1).fillna(0).ge(1000)
                 & ~units.isin(["ratio", "multiple", "times"])).to_numpy()
        return pd.DataFrame({col: [grouped(v) if w and pd.notna(v) else _fmt(v, u, language=language)
                                   for v, u, w in zip(table[col], units, whole, strict=True)] for col in figures},
                            index=table.index)

    def _zero_amount_sentences(self) -> list[str]:
        """When most of the period's orders have amount 0 (a "declared revenue" column seldom
        filled): revenue and the money KPIs count them as sales of nothing, so scores on them
        tie and pay follows the few orders with an amount. The loader's warning of the whole
        export is in the appendix; the period's share is said here, where the figures are."""
        orders = self.dataset.tables.get("orders")
        if orders is None or not {"amount", "order_date"} <= set(orders.columns):
            return []
        dates = pd.to_datetime(orders["order_date"], errors="coerce")
        mine = orders.loc[(dates >= self.period.start) & (dates < self.period.end), "amount"]
        zero = mostly_zero(mine)  # (the loader's rule for the whole export, applied to the period)
        if zero is None:
            return []
        n, share = f"{int(zero.sum()):,}", _fmt(float(zero.mean()), "ratio")
        return [f"注意：{self.period} 的 {len(mine):,} 笔订单中有 {n} 笔（{share}）金额为 0 或为空：销售额和所有金额类指标"
                "都把它们当作零金额的成交，按这些指标的得分和提成只反映少数有金额的订单。请确认金额列对应正确（见数据质量附录）。"
                if self.zh else
                f"Note: {n} of the {len(mine):,} orders of {self.period} ({share}) have an amount of 0 or none: revenue "
                "and every money KPI count them as sales of nothing, so scores and commission on them follow the few "
                "orders with an amount. Check that the amount column is the right one (see the data-quality appendix)."]

    def _filtered_sentences(self) -> list[str]:
        """When the plan's ``data.filters`` left rows out (orders of promoters who are not
        staff, of a status not to count): the company's totals are those of the rows kept,
        and may read below the client's own totals of the whole export."""
        left = [(p.table, p.value["key"], p.value["rows"]) for p in self.dataset.warnings
                if p.check == "filtered_rows" and isinstance(p.value, dict)]
        if not left:
            return []
        if self.zh:
            said = "；".join(f"{key}：{TABLES[t].zh if t in TABLES else t}数据 {n:,} 行" for t, key, n in left)
            return [f"注意：参数文件的筛选条件去掉了部分数据（{said}），这些行不计入任何人的业绩，也不计入公司合计，"
                    "因此本报告的合计可能低于客户后台的全部合计。明细见数据质量附录。"]
        said = "; ".join(f"{key}: {n:,} {t} row{'' if n == 1 else 's'}" for t, key, n in left)
        return [f"Note: the plan's filters left some rows out ({said}); they count in no one's results nor in the "
                "company's totals, which may therefore read below the client's own totals. The data-quality "
                "appendix lists them."]

    def _targets_of_months_with_data(self) -> tuple[pd.Series, list[str]]:
        """The company's targets of the period (:func:`analysis.company_targets`) and the
        period's months without a record in any table before the data begin or after they end:
        an export that begins in March makes a quarter's or a year's target count January and
        February, so that 94 % of March's target read as 31 % of the quarter's; those months'
        targets are left out. A month without an order between two with orders keeps its
        target: its sales were none."""
        table = self.dataset.tables.get("targets")
        months = self.period.months()
        idle = months_without_records(self.dataset, self.period) if len(months) > 1 else []
        if idle:  # (before the data begin or after they end: a quiet month inside them had its sales, none)
            spans = date_spans(self.dataset).values()
            first, last = min(lo for lo, _ in spans), max(hi for _, hi in spans)
            idle = [m for m in idle if m.end <= first or m.start > last]
        if not idle or len(idle) == len(months):
            return analysis.company_targets(table, self.period), []
        # the period's targets without those months' rows (a quarter's own row, which replaces
        # its months, counts as it does in goal tracking)
        idle = [str(m) for m in idle]
        return analysis.company_targets(self._targets_without(idle), self.period), idle

    def _targets_without(self, idle: list[str]) -> pd.DataFrame | None:
        """The targets table without the monthly rows of ``idle`` (months without data)."""
        table = self.dataset.tables.get("targets")
        if table is None or not idle or "period" not in table:
            return table
        return table[~table["period"].astype(str).isin(idle)]

    def _attainment_of_months_with_data(self, table: pd.DataFrame, idle: list[str]) -> pd.DataFrame:
        """The summary's target attainment row measured against the target the summary
        gives, that of the months with data (:meth:`_targets_of_months_with_data`): a
        quarter's report with data to 15 August read 2,419,204 against the whole quarter's
        6,106,000 (39.6 %) beside 61.0 % against July and August in the row above, and set
        that against the previous quarter's 58.7 %, measured on April and May."""
        rows = table["kpi"] == "target_attainment"
        if not rows.any():
            return table
        data = dataclasses.replace(self.dataset, tables={**self.dataset.tables, "targets": self._targets_without(idle)})
        res = compute_kpis(data, self.period, kpis=["target_attainment"], options=self.params.engine_options)
        if "target_attainment" not in res.kpis:
            return table
        actual = float(res.rollup("company")["target_attainment"].iloc[0])
        table = table.copy()
        table.loc[rows, "actual"] = actual
        for col, base in (("change_vs_previous", "previous"), ("change_vs_last_year", "same_period_last_year")):
            b = table.loc[rows, base].astype("float64")
            table.loc[rows, col] = (actual / b.where(b != 0)) - 1
        return table

    def _unowned_sentences(self, kpis: list[str]) -> list[str]:
        """A warning per funnel table of which at least :data:`analysis.UNOWNED_SHARE` of the
        period's rows have no owner: the company's figures from it (the summary's ``kpis`` it
        feeds, and the funnel) count the owned rows only."""
        from .kpis import REGISTRY

        u = analysis.unowned_rows(self.business, self.kpis)
        out = []
        for r in u[u["share_unowned"] >= analysis.UNOWNED_SHARE].itertuples():
            t = TABLES[r.table].zh if self.zh else r.table
            fed = [k for k in kpis if k in r.kpis]
            # a rate over this table and another (orders over sessions) sets all of the other's
            # rows, owned, against the owned rows of this one: not the company's rate
            mixed = [k for k in fed if set(REGISTRY[k].tables) - {r.table}]
            others = sorted({o for k in mixed for o in REGISTRY[k].tables} - {r.table})
            ks = [self._name(k) for k in fed if k not in mixed]
            n, owned, unowned = (f"{v:,}" for v in (r.rows, r.owned, r.unowned))
            share = _fmt(r.share_unowned, "ratio")
            if self.zh:
                what = ("公司的" + "".join(f"「{k}」" for k in ks) + "和转化漏斗") if ks else "转化漏斗"
                rates = ("；" + "".join(f"「{self._name(k)}」" for k in mixed) + "用全部"
                         + "、".join(TABLES[o].zh for o in others) + f"数据对比这 {owned} 行，不是全公司的数值"
                         if mixed else "")
                out.append(f"注意：{self.period} 的 {n} 行{t}数据中有 {unowned} 行（{share}）没有负责人（employee_id）："
                           f"{what}只计入有负责人的 {owned} 行{rates}。请在导出数据中补上 employee_id。")
            else:
                what = f"the company's {_and(ks)} and the funnel count" if ks else "the funnel counts"
                one = len(mixed) == 1
                rates = (f", and {_and([self._name(k) for k in mixed])} {'sets' if one else 'set'} all the "
                         f"{_and(others)} against those {owned} alone, so "
                         + ("it is not a company-wide figure" if one else "they are not company-wide figures")
                         if mixed else "")
                out.append(f"Note: {unowned} of the {n} {t} rows of {self.period} ({share}) "
                           f"{'has' if r.unowned == 1 else 'have'} no owner "
                           f"(employee_id): {what} only the {owned} that have one{rates}. "
                           f"Fix: fill in employee_id in the {t} export.")
        return out

    def _partial_sentences(self) -> dict[str, str]:
        """A warning per table that stops (or starts) part-way through the period while the
        others go on: the KPIs it feeds count part of the period (leads to the end of May
        against deals of all June read as a conversion over 100 %). Table -> sentence."""
        out = {}
        for table, (way, day, others, ks) in self.kpis.partial.items():
            t = TABLES[table].zh if self.zh else table
            names = "".join(f"「{self._name(k)}」" for k in ks) if self.zh else _and([self._name(k) for k in ks])
            count = "counts" if len(ks) == 1 else "count"
            if self.zh:
                out[table] = (f"注意：{t}数据只到 {day:%Y-%m-%d}，而其他数据到 {others:%Y-%m-%d}：{names}只计入了截至该日的"
                              f"{t}数据，是部分结果。" if way == "ends" else
                              f"注意：{t}数据从 {day:%Y-%m-%d} 才开始，而其他数据从 {others:%Y-%m-%d} 起就有：{names}只计入了"
                              f"该日起的{t}数据，是部分结果。")
            else:
                out[table] = (f"Note: the {t} data end on {day:%Y-%m-%d} while the other data go on to "
                              f"{others:%Y-%m-%d}: {names} {count} the {t} up to that day only, a partial figure."
                              if way == "ends" else
                              f"Note: the {t} data start on {day:%Y-%m-%d} while the other data start by "
                              f"{others:%Y-%m-%d}: {names} {count} the {t} from that day only, a partial figure.")
        return out

    def _begun_lines(self) -> list[str]:
        """Which earlier period is not compared with because the data begin part-way through it
        (:func:`coverage.export_start`): a quarter of which the export holds one month read as
        a rise of 172 % in the next."""
        if not self.data_start:
            return []
        yearly = self.period.kind == "year"  # (its previous period is last year: named once)
        named = {"previous": self.period.previous(), "same_period_last_year": self.period.same_last_year()}
        which = [k for k in ("previous", "same_period_last_year") if k in self.data_start
                 and not (yearly and k == "previous" and "same_period_last_year" in self.data_start)]
        first = min(self.data_start.values())
        if self.zh:
            zh = {"previous": "上期", "same_period_last_year": "去年同期"}
            parts = "、".join(f"{zh[k]}（{named[k].label('zh')}）" for k in which)
            ranks = "，排名变化也不计算" if "previous" in which and not yearly else ""
            return [f"数据始于 {first}，{parts}只有部分数据：本报告不与之比较{ranks}。"]
        en = {"previous": "the previous period", "same_period_last_year": "the same period last year"}
        parts = " and ".join(f"{en[k]} ({named[k].label('en')})" for k in which)
        ranks = ", and measures no rank changes" if "previous" in which and not yearly else ""
        one = len(which) == 1
        return [f"The data begin on {first}, part-way through {parts}: the report does not compare with "
                f"{'it' if one else 'them'}, since the data hold only part of {'it' if one else 'each'}{ranks}."]

    def _short_history_lines(self, kpis: list[str], compared: list[str]) -> list[str]:
        """When the summary's periods (``compared``: its "previous" and "same_period_last_year"
        columns shown) have less than a year of orders before them: the KPIs that need each
        customer's first order count as new anyone who bought before the data begin."""
        from .coverage import date_spans
        from .kpis import REGISTRY
        from .kpis._facts import FACT_GROUPS

        history = set(FACT_GROUPS["orders_history"].facts)
        ks = [k for k in kpis if k in REGISTRY and history & set(REGISTRY[k].facts)]
        first = date_spans(self.dataset).get("orders", (None,))[0] if ks else None
        if first is None:
            return []
        periods = {"period": self.period, "previous": self.period.previous(),
                   "same_period_last_year": self.period.same_last_year()}
        short = [key for key in ("period", *compared) if first > periods[key].start - pd.DateOffset(years=1)]
        if not short:
            return []
        zh_names = {"period": "本期", "previous": "上期", "same_period_last_year": "去年同期"}
        en_names = {"period": "this period", "previous": "the previous period",
                    "same_period_last_year": "the same period last year"}
        names = "、".join(f"「{self._name(k)}」" for k in ks) if self.zh else ", ".join(self._name(k) for k in ks)
        if self.zh:
            changes = "，相关的环比、同比仅供参考" if any(k != "period" for k in short) else ""
            return [f"订单数据始于 {first:%Y-%m-%d}，{'、'.join(zh_names[k] for k in short)}之前的订单历史不足一年："
                    f"此前买过的客户再次购买时会被算作新客户，因此{names}可能偏高{changes}。"]
        which = [en_names[k] for k in short]
        listed = which[0] if len(which) == 1 else ", ".join(which[:-1]) + " and " + which[-1]
        changes = ("; the changes against earlier periods are indicative only" if any(k != "period" for k in short)
                   else "")
        return [f"The orders begin on {first:%Y-%m-%d}, less than a year before {listed}: a customer who bought "
                f"before that day counts as new when they buy again, so {names} may read high{changes}."]

    def _target_levels_sentences(self, kpis: list[str], idle: list[str] = ()) -> list[str]:
        """Where the team targets (the summary's) and the personal targets (goal tracking's)
        of a KPI shown add up to different totals, say so: the reader sees both. Over the
        months the summary's targets count (not ``idle``, the months without data)."""
        table = self._targets_without(list(idle))
        employees = self.dataset.tables["employees"]
        levels = analysis.target_levels(table, self.period, employees)
        by_team = analysis.team_target_gaps(table, self.period, employees)
        def teamwise(kpi: str) -> str:  # each team apart: 华中一组 个人 431,800 比团队 451,000 低 4.3%
            unit = CATALOGUE[kpi].unit
            parts = [(g.team, _fmt(g.people, unit, language=self.language), _fmt(g.target, unit, language=self.language),
                      _fmt(abs(g.gap), "ratio"), g.gap > 0) for g in by_team[by_team["kpi"] == kpi].itertuples()]
            if self.zh:
                return "；".join(f"{t} 个人 {p} 比团队 {g} {'高' if m else '低'} {d}" for t, p, g, d, m in parts)
            return "; ".join(f"{t}, people {p} against the team's {g} ({d} {'more' if m else 'less'})"
                             for t, p, g, d, m in parts)

        out = []
        for r in levels[levels["kpi"].isin(kpis)].itertuples():
            unit = CATALOGUE[r.kpi].unit
            teams, people = (_amount_said(_fmt(v, unit, language=self.language), unit, self.language, self.currency)
                             for v in (r.teams, r.people))  # 团队目标合计 2,253,000 元
            gap = _fmt(abs(r.people / r.teams - 1), "ratio") if r.teams else ""
            more = r.people > r.teams
            # team by team: a net gap hides a team whose people are above it beside others below
            apart = teamwise(r.kpi)
            if self.zh:
                where = "" if r.all_teams else f"（{r.n_teams} 个同时设有个人目标的团队）"
                apart = f"分团队看，个人目标合计与团队目标相差超过 0.5% 的有：{apart}。" if apart else ""
                out.append(f"{self._name(r.kpi)}的团队目标合计 {teams}{where}，个人目标合计 {people}，比团队目标"
                           f"{'高' if more else '低'} {gap}：上表的目标按团队目标计，目标跟踪按个人目标计。{apart}")
            else:
                where = "" if r.all_teams else (" (the one team that also has personal targets)" if r.n_teams == 1
                                                else f" (the {r.n_teams} teams that also have personal targets)")
                apart = f" Team by team, the personal targets differ from the team's by more than 0.5% in: {apart}." \
                    if apart else ""
                out.append(f"The team targets for {self._name(r.kpi)} add up to {teams}{where}, the personal "
                           f"targets to {people}, {gap} {'more' if more else 'less'}: the table above uses the "
                           f"team targets, goal tracking the personal ones.{apart}")
        # teams apart whose gaps net out in the company's totals
        for kpi in [k for k in dict.fromkeys(by_team["kpi"]) if k in kpis and k not in set(levels["kpi"])]:
            out.append(f"{self._name(kpi)}的个人目标合计与团队目标合计相差不到 0.5%，但分团队看相差超过 0.5% 的有："
                       f"{teamwise(kpi)}：高低相抵，合计看不出来。" if self.zh else
                       f"The personal targets for {self._name(kpi)} add up to within 0.5% of the team targets, but "
                       f"team by team they differ by more in: {teamwise(kpi)}, which net out in the totals.")
        return out

    def _headline_sentence(self, r: pd.Series, unit: str) -> str:
        """The first KPI of the summary in words; clauses without a figure are left out."""
        zh, name = self.zh, self._name(r["kpi"])
        language = "zh" if zh else "en"
        actual, target = (_amount_said(_fmt(r[c], unit, language=language), unit, language, self.currency)
                          for c in ("actual", "target"))  # 2,583,176 元
        parts = [f"本期{name} {actual}" if zh else f"{name}: {actual}"]
        if pd.notna(r["target"]):
            parts[0] += (f"，目标 {target}，完成率 {_fmt(r['attainment'], 'ratio')}" if zh else
                         f" against a target of {target} ({_fmt(r['attainment'], 'ratio')})")
        changes = []

        def change(col: str, base: str) -> str:
            return _change(r["actual"], r.get(base), r[col], unit, zh)  # (the base is read for ratios only)

        yearly = self.period.kind == "year"  # the previous period is last year: said once
        if pd.notna(r["change_vs_previous"]) and not yearly:
            changes.append(f"环比 {change('change_vs_previous', 'previous')}" if zh else
                           f"{change('change_vs_previous', 'previous')} vs the previous period")
        if pd.notna(r["change_vs_last_year"]):
            changes.append(f"同比 {change('change_vs_last_year', 'same_period_last_year')}" if zh else
                           f"{change('change_vs_last_year', 'same_period_last_year')} vs "
                           f"{'last year' if yearly else 'the same period last year'}")
        if zh:
            return parts[0] + ("；" + "，".join(changes) if changes else "") + "。"
        return parts[0] + ("; " + " and ".join(changes) if changes else "") + "."

    def leaderboard(self) -> Section:
        t = self._by_rank(self.scorecard.table)
        changes = analysis.rank_changes(t, self.previous_scorecard.table if self.previous_scorecard else None)
        t = t.merge(changes[["employee_id", "rank_change"]], on="employee_id", how="left")
        t = self._names(t).assign(role=lambda d: d["role"].map(self._role))
        # a move up reads +2, down -1, none 0; new to the ranking: –
        t["rank_change"] = [("–" if pd.isna(v) else f"{int(v):+d}" if v else "0") for v in t["rank_change"]]
        top = t.head(self.params.report.top_n)
        cols = ["rank", "name", "team", "role", "score", "grade", "rank_change"]
        # enough decimals that no score reads across a grade threshold (74.97 under B: 75 read
        # 75.0 beside its C); scores of whole points read whole (50, not 50.00)
        d = self._score_decimals() if _decimals(top["score"]) else 0
        shown = top[cols].assign(score=top["score"].map(lambda v: "–" if pd.isna(v) else f"{v:.{d}f}"))
        shown = shown.rename(columns={**column_labels(cols, self.language),
                                      "rank_change": "名次变化" if self.zh else "Rank change"})
        paras = self._unscored_lines(t) + self._redistributed_lines()
        paras += self._flagged_sentence(top, ("排名和发放", "relying on this ranking"))
        if len(t) > len(top):  # (a client counting the rows would look for the people left off)
            paras.insert(0, f"表中列出前 {len(top)} 名（共 {len(t)} 人）；每个人的名次见 scorecard.xlsx。" if self.zh else
                         f"The table lists the first {len(top)} of {len(t)} people; scorecard.xlsx ranks everyone.")
        scored = top[top["score"].notna()]
        if scored.empty:
            return Section(_t("leaderboard", self.language), paras, shown, key="leaderboard")
        ax = plots.leaderboard_chart(scored, title=_t("leaderboard", self.language), xlabel="得分" if self.zh else "Score")
        paras.insert(0, self._first_place(t, d))
        return Section(_t("leaderboard", self.language), paras, shown, self._figure("leaderboard", ax), key="leaderboard")

    def _first_place(self, ranked: pd.DataFrame, decimals: int) -> str:
        """Who comes first (``ranked``: the leaderboard's people, best first), with the score as
        the table shows it (``decimals``). Several people with the first score share the
        place: none of them is named first (of 35 people all at 50, the first by id is no
        winner); up to three are named, more are counted, and when nobody scores otherwise,
        all share it."""
        scored = ranked[ranked["score"].notna()]
        first = scored.iloc[0]
        score = f"{first['score']:.{decimals}f}"
        settled = scored["score"].astype("float64").round(SCORE_DECIMALS)  # (as the ranks tie them)
        tied = scored[settled == settled.iloc[0]]
        grades = tied["grade"].dropna().astype(str).unique()
        grade = grades[0] if len(grades) == 1 else ""
        if len(tied) == 1:
            return (f"第一名：{first['name']}（{first['team']}），得分 {score}，等级 {first['grade']}。" if self.zh else
                    f"First place: {first['name']} ({first['team']}), score {score}, grade {first['grade']}.")
        n = len(tied)
        if n == len(scored):
            return (f"全部 {n} 人得分相同（{score}{f'，等级 {grade}' if grade else ''}），并列第一，没有单独的第一名。"
                    if self.zh else f"All {n} people share first place with the same score ({score}"
                    f"{f', grade {grade}' if grade else ''}): no one comes first.")
        who = ([f"{r['name']}（{r['team']}）" for _, r in tied.iterrows()] if self.zh else
               [f"{r['name']} ({r['team']})" for _, r in tied.iterrows()])
        if self.zh:
            named = "：" + "、".join(who) if n <= 3 else ""
            return f"{n} 人并列第一{named}，得分 {score}{f'，等级 {grade}' if grade else ''}。"
        named = ": " + _and(who) if n <= 3 else ""
        return f"{n} people share first place{named}, score {score}{f', grade {grade}' if grade else ''}."

    def unscored_lines(self) -> list[str]:
        """Who of the scorecard has no score and why, in the report's language (empty when
        everyone has one)."""
        return self._unscored_lines(self.scorecard.table)

    def _unscored_lines(self, table: pd.DataFrame) -> list[str]:
        """Who has no score, why (the KPIs of their own role, each with its reason), and what
        to change in the plan (the KPIs these data do give)."""
        unscored = table[table["score"].isna()]
        if unscored.empty:
            return []
        from .scoring import UNSCORED

        card = self.scorecard.table
        ids = set(card.loc[card["score"].isna(), "employee_id"].astype(str))
        d = analysis.unscored_weights(self.scorecard.details)
        d = d[d["employee_id"].astype(str).isin(ids)]
        # the KPIs to weigh instead: those with a value for these very people, other than the
        # ones that just failed them (revenue without their targets is no way out)
        wide = self.kpis.wide
        theirs = wide[wide["employee_id"].astype(str).isin(ids)]
        # (a team's figure, such as output per head, says nothing of the person)
        have = [k for k in self.kpis.kpis if k not in set(d["kpi"]) and k not in TEAM_FIGURES
                and theirs[k].notna().any()]
        shown = "、".join(self._name(k) for k in have) if self.zh else ", ".join(self._name(k) for k in have)
        targets = bool((d["note"] == UNSCORED["target"]).any()) if "note" in d else False
        reasons = {k: self._why_unscored(g) for k, g in sorted(d.groupby("kpi"), key=lambda kg: kg[0])[:6]}
        why = ("；".join(f"「{self._name(k)}」：{zh}" for k, (zh, _) in reasons.items()) if self.zh
               else "; ".join(f"{self._name(k)}: {en}" for k, (_, en) in reasons.items()))
        if self.zh:
            fixes = (["在目标表中为他们补上目标"] if targets else []) + (
                [f"在参数文件 scoring.roles 中改用数据能为他们提供的指标：{shown}"] if have else [])
            return [f"{len(unscored)} 人没有得分：其岗位的考核指标在这份数据中都无法计分（{why}）。"
                    + (f"请{'，或'.join(fixes)}。" if fixes else "请在数据中补上这些指标所需的表或列。")]
        fixes = (["give them targets in the targets table"] if targets else []) + (
            [f"change scoring.roles in the parameter file to KPIs these data give for them: {shown}"] if have else [])
        fix = " or ".join(fixes) if fixes else "add the tables or columns these KPIs need to the data"
        return [f"{len(unscored)} {'person has' if len(unscored) == 1 else 'people have'} no score: none of "
                f"their role's KPIs can be scored with these data ({why}). {fix[0].upper()}{fix[1:]}."]

    def _why_unscored(self, rows: pd.DataFrame) -> tuple[str, str]:
        """Why one weighted KPI went unscored for the people of ``rows`` (rows of
        ``Scorecard.details``; the commonest reason), in Chinese and in English."""
        from .scoring import unscored_reason

        k = rows["kpi"].iloc[0]
        reason = rows["note"].map(unscored_reason).mode().iloc[0]
        left_out = self.kpis.left_out
        if reason == "lack" and k in left_out:
            note = left_out[k]
            return f"数据中缺少{getattr(note, 'zh', note)}", f"the data lack {note}"
        return {"lack": ("数据无法计算", "not computed from these data"), "value": ("没有数值", "no value"),
                "target": ("没有目标", "no target"), "zero_target": ("目标为 0", "a target of 0"),
                "score": ("无法计分", "no score")}[reason]

    def _redistributed_lines(self) -> list[str]:
        """The plan's weighted KPIs that could not be scored for some people, why, and that
        their weight went to the person's other KPIs (heaviest first)."""
        d = analysis.unscored_weights(self.scorecard.details)
        if d.empty:
            return []
        parts = []
        for k in d.groupby("kpi")["weight"].sum().sort_values(ascending=False, kind="mergesort").index:
            g = d[d["kpi"] == k]
            lo, hi = g["weight"].min(), g["weight"].max()
            w = f"{lo:.0%}" if np.isclose(lo, hi) else f"{lo:.0%}–{hi:.0%}"
            text = self._why_unscored(g)
            parts.append(f"「{self._name(k)}」（权重 {w}，{len(g)} 人：{text[0]}）" if self.zh else
                         f"{self._name(k)} (weight {w}, {len(g)} {'person' if len(g) == 1 else 'people'}: {text[1]})")
        if self.zh:
            return ["以下指标在方案中有权重，但本期无法计分，其权重已按比例分给同一人的其他指标：" + "、".join(parts) + "。"]
        return ["Weighted in the plan but not scored this period for some people, whose weight on them went to "
                "their other KPIs in proportion: " + "; ".join(parts) + "."]

    def _headline_kpis(self) -> list[str]:
        """The business type's headline KPIs, the revenue on the plan's basis first (a direct
        plan may pay on orders, not on money received: its headline is then revenue)."""
        money = "received_revenue" if self.params.kpi_options.revenue_basis == "received" else "revenue"
        return list(dict.fromkeys(money if k in ("revenue", "received_revenue") else k
                                  for k in HEADLINE_KPIS[self.business]))

    def distributions(self) -> Section:
        # the business type's headline KPI (revenue) when the data give it, not all 0; else the
        # plan's heaviest KPI that the data give
        head = next((k for k in self._headline_kpis() if k in self.kpis.kpis), None)
        informative = head is not None and self._has_data(head) and bool((self.kpis.wide[head].fillna(0) != 0).any())
        kpi = head if informative else next((k for k in self._plan_weights() if self._has_data(k)), head)
        if kpi is None:
            return Section(_t("distributions", self.language), [
                "数据中没有可画分布的指标。" if self.zh else "The data give no KPI to show."], key="distributions")
        scope = self._scope([kpi])
        ax = plots.kpi_distribution(analysis.within_scope(self.kpis.wide, scope), value=kpi, group="team",
                                    title=self._label(kpi), ylabel=self._label(kpi))
        teams = self.kpis.rollup("team")[["team", kpi, "headcount"]].rename(
            columns={"team": "团队" if self.zh else "Team", kpi: self._label(kpi),
                     "headcount": "人数" if self.zh else "Headcount"})
        paras = []
        left = scope[~scope["counted"]]
        if len(left):
            n, label = int(left["people"].sum()), self._name(kpi)
            by_weights = (left["basis"] == "weights").all()
            if self.zh:
                roles = "、".join(f"{self._role(r)}（{k} 人）" for r, k in zip(left["role"], left["people"]))
                why = f"其岗位不考核「{label}」" if by_weights else f"没有岗位考核「{label}」，而他们的该项全为 0"
                paras.append(f"图中不含{roles}：{why}，与其他人放在一起比较没有意义；表中的团队数字计入全部人员。")
            else:
                roles = _and([f"{self._role(r)} ({k})" for r, k in zip(left["role"], left["people"])])
                why = (f"{'their role is' if len(left) == 1 else 'their roles are'} not scored on {label}" if by_weights
                       else f"no role is scored on {label} and theirs is 0 throughout")
                paras.append(f"The figure leaves out {roles}: {why}, so comparing {'it' if n == 1 else 'them'} with "
                             "the others would not be like with like; the team figures in the table count everyone.")
        return Section(_t("distributions", self.language), paras, teams, self._figure("distribution", ax),
                       key="distributions")

    def _scope(self, kpis: list[str]) -> pd.DataFrame:
        """Whose values count in the statistics of ``kpis`` (:func:`analysis.kpi_scope`)."""
        return analysis.kpi_scope(self.kpis.wide, self.scorecard.details, kpis=kpis)

    def _scope_parts(self, scope: pd.DataFrame) -> list[tuple[list[str], str]]:
        """The KPIs of ``scope`` that leave some people out, grouped by the roles they count:
        (KPI labels, whom they count). The shorter way is said: "only Host (10)" (主播（10 人）),
        or "everyone but Customer service (15)" (除客服（15 人）外的所有人)."""
        groups: dict[tuple, list[str]] = {}
        for k, g in scope.groupby("kpi", sort=False):
            if not g["counted"].all():
                key = tuple(zip(g["role"], g["people"], g["counted"]))
                groups.setdefault(key, []).append(self._name(k))
        out = []
        for key, labels in groups.items():
            counted = [(r, n) for r, n, c in key if c]
            left = [(r, n) for r, n, c in key if not c]
            but = len(left) < len(counted)
            roles = "、".join(self._role(r) for r, _ in (left if but else counted)) if self.zh else \
                ", ".join(self._role(r) for r, _ in (left if but else counted))
            n = sum(n for _, n in (left if but else counted))
            if self.zh:
                out.append((labels, f"除{roles}（{n} 人）外的所有人" if but else f"{roles}（{n} 人）"))
            else:
                out.append((labels, f"everyone but {roles} ({n})" if but else f"only {roles} ({n})"))
        return out

    def _scope_sentence(self, scope: pd.DataFrame, lead: tuple[str, str]) -> list[str]:
        """One sentence saying, after ``lead`` (zh, en), whom each KPI of ``scope`` counts
        where it leaves some people out; none when it leaves nobody out."""
        parts = self._scope_parts(scope)
        if not parts:
            return []
        if (scope.loc[~scope["counted"], "basis"] == "values").any():  # a KPI no role is scored on
            lead = (lead[0].replace("考核该指标的岗位人员", "考核该指标的岗位人员（没有岗位考核时，该项不全为 0 的岗位）"),
                    lead[1].replace("scored on it", "scored on it (where none is, the roles where it is not 0 "
                                    "throughout)"))
        if self.zh:
            return [lead[0] + "；".join("".join(f"「{x}」" for x in labels) + f"计入{who}" for labels, who in parts) + "。"]
        return [lead[1] + "; ".join(f"{_and(labels)} {'counts' if len(labels) == 1 else 'count'} {who}"
                                    for labels, who in parts) + "."]

    def funnel(self) -> Section:
        f = analysis.funnel(self.business, self.kpis)
        stage_names = {"sessions": ("访问", "Sessions"), "inquiries": ("咨询", "Inquiries"), "orders": ("订单", "Orders"),
                       "calls": ("呼叫", "Calls"), "connected": ("接通", "Connected"),
                       "intent_customers": ("意向客户", "Intent customers"), "buyers": ("成交客户", "Buyers"),
                       "unique_visitors": ("访客", "Visitors"), "repeat_buyers": ("复购客户", "Repeat buyers"),
                       # (deals are counted as customers who bought, as the intent stage before them)
                       "deals": ("成交客户", "Customers who bought"), "contacts": ("新联系人", "Contacts"),
                       "customers": ("成交客户", "Customers"), "referrals": ("转介绍", "Referrals")}
        i = 0 if self.zh else 1
        f = f.assign(stage_label=f["stage"].map(lambda s: stage_names.get(s, (s, s))[i]))
        png, paras = None, []
        stages = f.attrs.get("missing_stages", [])
        needs = f.attrs.get("missing_needs", {})
        if stages and len(needs) == len(stages):  # each stage with what the data lack for it
            parts = [(stage_names.get(m, (m, m))[i], needs[m]) for m in stages]
            paras.append("漏斗略去" + "、".join(f"「{m}」（数据中缺少{getattr(n, 'zh', n)}）" for m, n in parts) + "。"
                         if self.zh else "The funnel leaves out "
                         + _and([f"the {m} stage (the data lack {n})" for m, n in parts]) + ".")
        elif stages:
            missing = [stage_names.get(m, (m, m))[i] for m in stages]
            paras.append("数据中没有" + "、".join(f"「{m}」" for m in missing) + "，漏斗略去该环节。" if self.zh else
                         f"The data have no {_and([m.lower() for m in missing])}: the funnel leaves "
                         f"{'that stage' if len(missing) == 1 else 'those stages'} out.")
        # a first stage that is 0 everywhere while later stages have records is missing from
        # the export (or a default of 0), not a funnel that starts empty
        totals = f.groupby("stage", sort=False)["value"].sum(min_count=1)
        order = list(totals.index)
        while len(order) > 1 and not (totals[order[0]] > 0) and (totals[order[1:]] > 0).any():
            gone = order.pop(0)
            paras.append(f"「{stage_names.get(gone, (gone, gone))[0]}」在各团队均为 0，而后面的环节有数据："
                         "数据中可能没有这一环节，已略去。" if self.zh else
                         f"{stage_names.get(gone, (gone, gone))[1]} is 0 in every team while later stages have "
                         "records: the data probably lack this stage, so it is left out.")
            f = f[f["stage"] != gone].copy()
            f.loc[f["stage"] == order[0], "rate_from_previous"] = np.nan
        over = f[f["rate_from_previous"] > 1]
        if len(over):
            r = over.iloc[0]
            paras.append(f"「{r['stage_label']}」多于上一环节（{_fmt(r['rate_from_previous'], 'ratio')}，{r['group']}）："
                         "部分记录没有经过上一环节，或上一环节的记录没有全部记到人名下。" if self.zh else
                         f"{r['stage_label']} exceed the stage before ({_fmt(r['rate_from_previous'], 'ratio')} in "
                         f"{r['group']}): some did not pass through it, or its records are not all credited to "
                         "people.")
        paras += self._funnel_rate_lines(set(f["stage"]))
        if f["stage"].nunique() > 1:
            ax = plots.funnel_chart(f, group="group", stage="stage_label", value="value", title=_t("funnel", self.language),
                                    log_ylabel="数量（对数刻度）" if self.zh else "Count (log scale)")
            png = self._figure("funnel", ax)
        elif f.empty:
            paras.append("数据中没有漏斗的任何环节，无法画出漏斗。" if self.zh else
                         "The data hold none of the funnel's stages, so there is no funnel to draw.")
        elif stages and len(needs) == len(stages):  # (what the other stages lack is said above)
            paras.append("数据中只有一个环节，无法画出漏斗。" if self.zh else
                         "The data hold only one stage, so there is no funnel to draw.")
        else:
            paras.append("数据中只有一个环节，无法画出漏斗；补充流量、通话或行为数据可显示前面的环节。" if self.zh else
                         "The data hold only one stage, so there is no funnel to draw; traffic, calls or activities "
                         "data would add the earlier stages.")
        if len(f) and f["group"].nunique() > 1:  # the company's row under the teams'
            whole = analysis.funnel(self.business, self.kpis, by="company")
            whole = whole[whole["stage"].isin(set(f["stage"]))].copy()
            whole.loc[whole.index[:1], "rate_from_previous"] = np.nan  # (its first stage as the teams')
            whole = whole.assign(group="全公司" if self.zh else "Company",
                                 stage_label=whole["stage"].map(lambda s: stage_names.get(s, (s, s))[i]))
            paras += self._funnel_counted_once(f, whole)
            f = pd.concat([f, whole], ignore_index=True)
        f = f.assign(rate_from_previous=f["rate_from_previous"].map(lambda v: _fmt(v, "ratio")),
                     value=f["value"].map(lambda v: _fmt(v, "count")))
        shown = f[["group", "stage_label", "value", "rate_from_previous"]].rename(columns={
            "group": "团队" if self.zh else "Team", "stage_label": "环节" if self.zh else "Stage",
            "value": "数量" if self.zh else "Count", "rate_from_previous": "转化率" if self.zh else "Rate"})
        return Section(_t("funnel", self.language), paras, shown, png, key="funnel")

    def _funnel_counted_once(self, teams: pd.DataFrame, whole: pd.DataFrame) -> list[str]:
        """A sentence for each stage of customers whose company figure is below the sum of
        the teams' (201 buyers in the teams, 183 in the company): a customer who bought from
        two teams counts once in the company, so its rates (a repurchase rate of 30.6 %
        above every team's) are not those of the teams put together."""
        summed = teams.groupby("stage", sort=False)["value"].sum()
        out = []
        for r in whole.itertuples():
            total = summed.get(r.stage, np.nan)
            if pd.isna(r.value) or pd.isna(total):
                continue
            n, t = _fmt(r.value, "count"), _fmt(total, "count")
            if r.value < total - 1e-9:
                out.append(f"全公司「{r.stage_label}」{n} 人，少于各团队之和 {t}："
                           "在几个团队都买过的客户在全公司只算一次，所以全公司的转化率不等于各团队合并计算的结果。"
                           if self.zh else
                           f"The company's {r.stage_label.lower()} are {n}, fewer than the teams' {t} put together: a "
                           "customer who bought from several teams counts once in the company, so the company's rates "
                           "are not those of the teams added up.")
            elif r.value > total + 1e-9:  # (repeat buyers: once from each of two teams is a repeat in the company)
                out.append(f"全公司「{r.stage_label}」{n} 人，多于各团队之和 {t}：在两个团队各买过一次的客户，"
                           "在各团队都不算复购，在全公司算复购。" if self.zh else
                           f"The company's {r.stage_label.lower()} are {n}, more than the teams' {t} put together: a "
                           "customer who bought once from each of two teams repeats in the company, in neither team.")
        return out

    def _funnel_rate_lines(self, stages: set) -> list[str]:
        """What the telesales funnel's last two rates are over: customers after calls, and
        buyers who need not have been intent customers (read as a share of them, 89.6 % of
        intent customers "bought" where 26 % of them did)."""
        if self.business != "telesales":
            return []
        out = []
        if "intent_customers" in stages and "connected_customers" in self.kpis.facts.columns:
            out.append("「意向客户」的转化率按接通的客户计（同一客户多次接通只算一次），即意向率，不按接通次数计。" if self.zh else
                       "The rate of Intent customers is over the customers reached on a connected call (one called "
                       "twice counts once), as the intent rate is, not over connected calls.")
        if {"intent_customers", "deals"} <= stages:
            out.append("「成交客户」是本期所有买过的客户，不只是意向客户：其转化率即成交率（成交客户数 ÷ 意向客户数），"
                       "不是意向客户中成交的比例。" if self.zh else
                       "Customers who bought are all the period's buyers, not only intent customers: their rate is "
                       "the close rate (buyers per intent customer), not the share of intent customers who bought.")
        return out

    def heatmap(self) -> Section:
        m = analysis.attainment_matrix(self.scorecard.details).dropna(axis=1, how="all")  # (the leaderboard says why)
        # (people of equal rank in a team in the order of their key: heatmap_order keeps the table's)
        order = analysis.heatmap_order(self._by_rank(self.scorecard.table), list(self.params.scoring.roles))
        place = {e: i for i, e in enumerate(order)}
        m = m.loc[sorted(m.index, key=lambda e: place.get(e, len(place)))]
        if m.empty:
            return Section(_t("heatmap", self.language), ["这份数据无法为任何指标计分。" if self.zh else
                                                           "These data score no KPI."], key="heatmap")
        names = self._names(self.kpis.wide[["employee_id", "name"]]).set_index("employee_id")["name"]
        role_of = self.scorecard.table.assign(employee_id=self.scorecard.table["employee_id"].astype(str)
                                              ).set_index("employee_id")["role"]
        roles = [self._role(role_of[e]) if isinstance(role_of.get(e), str) else "" for e in m.index]
        team_of = self.scorecard.table.assign(employee_id=self.scorecard.table["employee_id"].astype(str)
                                              ).set_index("employee_id")["team"] if "team" in self.scorecard.table \
            else pd.Series(dtype=object)
        teams = ["" if pd.isna(team_of.get(e)) else str(team_of.get(e)) for e in m.index]
        # the colour bar runs to the most points a KPI of the map can score: a target KPI capped
        # at 120 % scores up to 120, which a bar ending at 100 would show as 100
        norms = [self.params.scoring.normalisation_of(k) for k in m.columns]
        caps = [100 * n.cap for n in norms if n.method == "attainment"]
        top = max([100.0, *caps])
        m = m.rename(index=names.to_dict(), columns=self._label)
        ax = plots.attainment_heatmap(m, title=_t("heatmap", self.language), groups=roles, teams=teams, vmax=top)
        scale = (f"0–100，目标类指标按完成率计分，最高 {top:g}，色标到 {top:g}" if self.zh else
                 f"0–100; target-based KPIs score up to {top:g}, where the colour scale ends") if caps else "0–100"
        para = (f"每格为该指标的标准化得分（{scale}）；按岗位、再按团队排列（团队名和岗位名标在右侧），团队内按名次。"
                if self.zh else
                f"Each cell is the KPI's normalised points ({scale}). People are "
                "grouped by role, then by team (both labelled at the right), best-ranked first within a team.")
        return Section(_t("heatmap", self.language), [para], None, self._figure("heatmap", ax), key="heatmap")

    def _team_tests(self) -> tuple[list[tuple[str, analysis.TeamTest]], bool]:
        """The team comparison's tests, like with like: one per role (largest first; roles
        are scored on different KPIs, so an operator's points and a service agent's are not
        one scale), on each person's own score (``individual_score``) where a team score is
        blended in, since that part is the team's average, the same for all its members,
        and would set the teams apart by itself. Also whether the team score was left out."""
        t = self.scorecard.table
        blended = {"team_score", "individual_score"} <= set(t.columns) and bool(t["team_score"].notna().any())
        value = "individual_score" if blended else "score"
        if "role" not in t or t["role"].isna().all():
            return [("", analysis.team_comparison(t, value=value, group="team"))], blended
        sizes = t["role"].dropna().astype(str).value_counts()
        roles = sorted(sizes.index, key=lambda r: (-sizes[r], r))
        return [(r, analysis.team_comparison(t[t["role"].astype(str) == r], value=value, group="team"))
                for r in roles], blended

    def team_comparison(self) -> Section:
        tests, blended = self._team_tests()
        tested = [(r, t) for r, t in tests if not np.isnan(t.p_value)]
        zh = self.zh
        several = len(tests) > 1
        # the pairs of the roles whose teams differ (Kruskal–Wallis first, then the pairs), else
        # of the largest role: five roles of ten pairs each would bury the one that matters
        listed = [(r, t) for r, t in tested if t.significant] or tested[:1]
        pairs = pd.concat([t.pairwise.assign(role=r) for r, t in listed], ignore_index=True) if listed else \
            tests[0][1].pairwise.assign(role=tests[0][0])
        shown = pd.DataFrame({
            "团队 A" if zh else "Team A": pairs["group_a"], "团队 B" if zh else "Team B": pairs["group_b"],
            "人数 A" if zh else "n A": pairs["n_a"], "人数 B" if zh else "n B": pairs["n_b"],
            "U": pairs["U"], "p 值" if zh else "p": pairs["p_raw"].map(_p_value),
            "Holm 校正 p" if zh else "p (Holm)": pairs["p_adjusted"].map(_p_value),
            "显著" if zh else "Significant": pairs["significant"].map(
                lambda v: ("是" if zh else "yes") if v else ("否" if zh else "no")),
        })
        if several and len(listed) > 1:
            shown.insert(0, "岗位" if zh else "Role", pairs["role"].map(self._role))
        sep = "：" if zh else ": "
        paras = [(self._role(r) + sep if several else "") + analysis_sentence(t, self.language)
                 for r, t in (tested or tests[:1])]
        untested = [self._role(r) for r, t in tests if np.isnan(t.p_value)] if tested else []
        if several:
            paras.append(("各岗位按不同的指标考核，团队之间只在同一岗位内比较" +
                          (f"；{'、'.join(untested)}没有可检验的差异（有两人以上的团队不足两个，或得分全都相同）" if untested
                           else "") + "。") if zh else
                         "Teams are compared within each role, since the roles are scored on different KPIs" +
                         (f"; {_and(untested)} {'is' if len(untested) == 1 else 'are'} not tested (fewer than two "
                          "teams have two or more of them with a score, or their scores are all equal)"
                          if untested else "") + ".")
        if blended:
            paras.append("比较的是个人得分（计入团队得分之前）：团队得分是全队的平均分，同队每人都相同，计入后各团队自然拉开。"
                         if zh else
                         "The scores compared are the individual scores, before the team score is blended in: the "
                         "team score is the team's average, the same for everyone in it, and would set the teams "
                         "apart by itself.")
        if several and len(tested) > 1 and len(listed) == 1 and len(shown):
            who = self._role(listed[0][0])
            paras.append(f"下表列出{who}各团队的两两比较" + ("（各团队差异显著的岗位）。" if listed[0][1].significant
                                                       else "（人数最多的岗位；其他岗位各团队差异都不显著）。")
                         if zh else f"The table compares the teams of {who} pair by pair ("
                         + ("the role whose teams differ" if listed[0][1].significant else
                            "the largest role; no other role's teams differ either") + ").")
        if len(shown):  # the table's terms, in plain words
            paras.append("下表两两比较各团队的得分：U 为 Mann–Whitney 检验的统计量；p 值越小，差异越不像偶然；"
                         f"同时比较多对团队时偶然“显著”的机会变大，Holm 校正 p 已计入这一点，低于 {tests[0][1].alpha:g} 才算显著。"
                         if zh else
                         "The table compares the teams' scores pair by pair: U is the Mann–Whitney test statistic; "
                         "the smaller p, the less the gap looks like chance; comparing many pairs at once makes a "
                         f"chance 'significant' gap likelier, which the Holm-corrected p allows for: below {tests[0][1].alpha:g} "
                         "is significant.")
        return Section(_t("teams", self.language), paras, shown, key="teams")

    def correlations(self) -> Section:
        plan = [k for k in self.params.kpi_set() if k in self.kpis.kpis]
        wide = analysis.within_scope(self.kpis.wide, self._scope(plan))  # like with like
        kpis = [k for k in plan if wide[k].notna().sum() >= 5 and wide[k].nunique() > 1]
        if len(kpis) < 2:
            return Section(_t("correlations", self.language), [
                "计划中有数据的指标不足两个（每个指标需至少 5 人有数值且不全相同），无相关性可算。" if self.zh else
                "Fewer than two of the plan's KPIs have values for at least 5 people that are not all equal, "
                "so there are no correlations to show."], key="correlations")
        corr = analysis.kpi_correlations(wide, kpis)
        # a KPI correlated with nothing would add a row and column of blanks around a lone 1.00
        alone = analysis.uncorrelated(corr)
        if len(alone) > len(kpis) - 2:
            return Section(_t("correlations", self.language), [
                "计划中的指标两两之间都算不出相关（同时计入两个指标的人太少，或这些人的指标没有差异）。" if self.zh else
                "No two of the plan's KPIs have a correlation (too few people count in both, or the KPIs do not "
                "vary among those who do), so there are none to show."], key="correlations")
        corr = corr.drop(index=alone, columns=alone)
        every = analysis.strongest_pairs(corr, n=len(corr) ** 2)  # (the five strongest are listed; said below)
        pairs = every.head(5)
        zh = self.zh
        shown = pd.DataFrame({"指标 A" if zh else "KPI A": pairs["kpi_a"].map(self._label),
                              "指标 B" if zh else "KPI B": pairs["kpi_b"].map(self._label),
                              "相关系数 ρ" if zh else "Spearman ρ": pairs["rho"]})
        if "n" in pairs:
            shown["人数" if zh else "People"] = pairs["n"]
            shown["p 值" if zh else "p"] = pairs["p"].map(_p_value)
        ax = plots.correlation_heatmap(corr.rename(index=self._label, columns=self._label),
                                       title=_t("correlations", self.language))
        paras = self._first_rows(every, len(pairs), ("按相关强度从高到低排列，全部相关见下图",
                                                     "the strongest first; the figure shows every pair"))[1]
        paras += self._scope_sentence(self._scope(list(dict.fromkeys([*pairs["kpi_a"], *pairs["kpi_b"]]))), (
            "每个指标只计入考核该指标的岗位人员，两个指标没有共同岗位时不计算相关：",
            "Each KPI counts only the people of the roles scored on it, and two KPIs that no role shares "
            "have no correlation: "))
        weak = pairs[pairs["p"] >= 0.05] if "p" in pairs else pairs.iloc[:0]
        if len(weak):  # (a strong rho over five people is as likely chance as not)
            said = [f"{self._name(r.kpi_a)} – {self._name(r.kpi_b)}（ρ = {r.rho:.2f}，{r.n} 人，p = {_p_value(r.p)}）"
                    if zh else f"{self._name(r.kpi_a)} – {self._name(r.kpi_b)} (ρ = {r.rho:.2f} over {r.n} people, "
                    f"p = {_p_value(r.p)})" for r in weak.itertuples()]
            paras.append("p 值不低于 0.05 的相关可能只是偶然，不宜据此下结论：" + "；".join(said) + "。" if zh else
                         "A correlation with p of 0.05 or more may be chance, too weak to act on: "
                         + "; ".join(said) + ".")
        if alone:
            labels = [self._name(k) for k in alone]
            paras.append("图中略去" + "".join(f"「{x}」" for x in labels) + "：与其他任何指标都算不出相关（同时计入的人太少，"
                         "或这些人的该项没有差异）。" if zh else
                         f"The figure leaves out {_and(labels)}: {'it has' if len(alone) == 1 else 'they have'} no "
                         "correlation with any other KPI (too few people count in both, or it does not vary among "
                         "those who do).")
        return Section(_t("correlations", self.language), paras, shown, self._figure("correlations", ax),
                       key="correlations")

    def payout_section(self) -> Section:
        p = self._names(self._by_rank(self.payouts, "total", ascending=False))
        optional = ("commission", "over_target_bonus", "team_pool", "awards", "clawback")  # shown when anyone gets some
        grade = "monthly_grades" if "monthly_grades" in p else "grade"  # (pay by month: each month's grade)
        # who is paid, by id and name (two people called 张伟 are told apart); in an anonymised
        # report by the pseudonym alone, which stands for the id
        who = ["name"] if self.anonymise else ["employee_id", "name"]
        cols = [c for c in [*who, "team", grade, "base_pay", "performance_pay", "commission", "over_target_bonus",
                            "team_pool", "awards", "clawback", "total"]
                if c in p and (c not in optional or (p[c].fillna(0) != 0).any())]
        # to the cent, as paid: a row of whole yuan (27,364 + 3,312) would not add up to its
        # total (36,777) when the items are 27,364.50 and 3,312.50
        money = [c for c in cols if c not in (*who, "team", grade)]
        p = p.assign(**{c: p[c].map(lambda v: "–" if pd.isna(v) else grouped(v, 2)) for c in money})
        shown = p[cols].rename(columns=column_labels(cols, self.language, self.currency))
        cost = self.plan_cost
        paras = []
        if len(cost):
            c = cost.set_index(cost.columns[0])[cost.columns[1]]
            total = c.get("total_payout", np.nan)
            share = c.get("payout_to_revenue", np.nan)
            # people whose total is unknown (no score, so no performance pay) are only partly in the sum
            unknown = int(c.get("incomplete_rows", 0) or 0)
            left_out = ""
            if unknown:  # (their known items are in the total: said, so that the table's column adds up to it)
                from .incentives import COMPONENTS

                if unknown == len(self.payouts):  # (then "their known pay" would be the whole total again)
                    left_out = ("；所有人的应发合计都无法确定（表中为 –），总额只计入了已确定的部分" if self.zh else
                                "; nobody's total could be determined (– in the table), so it counts only the pay "
                                "that could")
                else:
                    part = (self.payouts[self.payouts["total"].isna()] if "total" in self.payouts
                            else self.payouts.iloc[:0])
                    known = self._money(float(sum(pd.to_numeric(part[k], errors="coerce").sum()
                                                  for k in COMPONENTS if k in part)))
                    left_out = (f"；其中 {unknown} 人的应发合计无法确定（表中为 –），总额只计入了他们已确定的 {known}"
                                if self.zh else
                                f"; for {unknown} {'person' if unknown == 1 else 'people'} whose total could not be "
                                f"determined (– in the table), it counts only the {known} of their pay that could")
            # to the cent, as the table beneath gives each person's total (311,516.58, not 311,517)
            total = self._money(total)
            if pd.notna(share):
                paras.append(f"总发放 {total}，占销售额 {_fmt(share, 'ratio')}{left_out}。" if self.zh else
                             f"Total payout {total}, {_fmt(share, 'ratio')} of revenue{left_out}.")
            else:
                paras.append(f"总发放 {total}{left_out}。" if self.zh else f"Total payout {total}{left_out}.")
        # what the plan could not pay as written (an award without its KPI, a missing target)
        # (what the consultant can do about it, naming the plan's keys, is in the data-quality appendix)
        paras += [n.brief(self.language) if isinstance(n, Note) else str(n)
                  for n in self.payouts.attrs.get("notices", [])]
        paras += self._awards_sentences()
        paras += [n.text(self.language) for n in self.kpis.outside_post]  # (records counted in someone's pay)
        paras += self._pay_on_uniform_grades()
        paras += self._flagged_sentence(p, ("发放", "paying"))
        if "months" in self.payouts.attrs:  # the sum of the months' pay (incentives.pay_period: month)
            paras.append(self.pay_by_month_sentence())
        elif self.period.kind != "month":  # pay_period: period, the plan applied once to the quarter or year
            span = {"quarter": ("本季度", "quarter"), "year": ("本年度", "year")}[self.period.kind]
            paras.append(f"方案按整个考核期计薪：底薪、绩效工资、提成档位、封顶、门槛和奖项按{span[0]}计一次。" if self.zh else
                         "The plan pays per whole period: base pay, performance pay, the commission tiers, cap and "
                         f"gate, and the awards apply once to the {span[1]}.")
        return Section(_t("payouts", self.language), paras, shown, key="payouts")

    def pay_by_month_sentence(self) -> str:
        """How a quarter's or a year's pay was worked out under a monthly plan, and which
        months had no data to pay on."""
        months = self.payouts.attrs["months"]
        none = self.payouts.attrs.get("months_without_records", [])
        span = {"quarter": ("本季度", "quarter"), "year": ("本年度", "year")}[self.period.kind]
        if self.zh:
            return (f"{span[0]}薪酬按月核算：方案的金额、提成档位、封顶和门槛都按月计，各月（{'、'.join(months)}）分别计分、定级、"
                    "计薪后相加；“各月等级”列出每月的等级。"
                    + (f"{'、'.join(none)} 没有数据，未计薪。" if none else ""))
        return (f"Pay for the {span[1]} is the sum of its months' pay: the plan's amounts, commission tiers, cap and "
                f"gate are monthly, so each month ({', '.join(months)}) is scored, graded and paid on its own; "
                "Monthly grades lists each month's grade."
                + (f" {', '.join(none)} had no data and {'is' if len(none) == 1 else 'are'} not paid." if none else ""))

    def plan_advice(self) -> list[str]:
        """What the consultant can do about how the plan was paid, naming the plan's keys: for
        the data-quality appendix, not the payout section a client reads."""
        out = [n.text(self.language) for n in self.payouts.attrs.get("notices", [])
               if isinstance(n, Note) and n.advice]
        return out + [s for s in [self.pay_period_advice()] if s]

    def pay_period_advice(self) -> str:
        """How to set ``incentives.pay_period`` for a quarter's or a year's report ("" for a month's)."""
        if "months" in self.payouts.attrs:
            return ("本期薪酬按月核算（默认）。若方案按整个考核期计薪（如季度奖金），请在参数文件中设置 incentives.pay_period: period。"
                    if self.zh else "Pay is worked out by month (the default). For a plan paid per whole period "
                    "(a quarterly bonus), set incentives.pay_period: period.")
        if self.period.kind != "month":
            return ("方案按整个考核期计薪（incentives.pay_period: period）。若方案金额按月设定，请删去该设置（默认按月核算，"
                    "薪酬为各月之和）。" if self.zh else "The plan pays per whole period (incentives.pay_period: "
                    "period). If its amounts are monthly, remove that setting (pay is then the sum of the months').")
        return ""

    def _pay_on_uniform_grades(self) -> list[str]:
        """A sentence per role whose people all score the same (the ``scores_uniform``
        diagnostic) and are paid by grade: the payout table is what payroll acts on, and its
        performance pay there follows grades that tell no one apart."""
        if "performance_pay" not in self.payouts:
            return []
        d = self._diagnostics()
        table = self.scorecard.table.assign(employee_id=self.scorecard.table["employee_id"].astype(str))
        pay = self.payouts.assign(employee_id=self.payouts["employee_id"].astype(str)).set_index("employee_id")
        out = []
        for r in d[d["issue"] == "scores_uniform"].itertuples():
            ids = table.loc[table["role"].astype(str) == r.role_key, "employee_id"]
            amount = pd.to_numeric(pay["performance_pay"].reindex(ids), errors="coerce").sum()
            if not amount > 0:
                continue
            graded = isinstance(r.grade, str) and r.grade
            n = int(r.people)
            out.append(f"岗位「{r.role}」的 {n} 人得分相同，却按{f'等级 {r.grade} ' if graded else '等级'}合计发放绩效工资 "
                       f"{self._money(amount)}；"
                       "这些等级区分不出任何人（见方案诊断），发放前请核对。" if self.zh else
                       f"Role {r.role}: the {n} people score the same, yet are paid {self._money(amount)} of performance "
                       f"pay in all{f' at grade {r.grade}' if graded else ''}, by grades that tell no one apart (see the plan "
                       "diagnostics); check it before paying.")
        return out

    def feedback(self) -> Section:
        cards = analysis.feedback_cards(self.scorecard.table, self.scorecard.details, kpis=self.kpis,
                                        params=self.params)
        names = self._names(self.kpis.wide[["employee_id", "name"]])
        cards = cards.drop(columns=[c for c in ("name",) if c in cards]).merge(names, on="employee_id", how="left")
        cards["group_label"] = [self.params.role_labels(g.split(", "), self.language) if isinstance(g, str)
                                else pd.NA for g in cards["next_step_group"]]
        lines = []
        for r in cards.assign(_key=self._key(cards["employee_id"]).to_numpy()).sort_values("_key").itertuples():
            lines.append(feedback_sentence(r._asdict(), self.language, self.currency))
        if lines:  # (a strength read as the person's best KPI: it is their lead over their peers)
            lines.insert(0, "每张卡片都与同岗位的中位数比较：「做得好的」是本人领先中位数最多的指标，「需要提升的」是落后最多"
                            "（或领先最少）的指标，不是本人各项指标之间的高低。" if self.zh else
                         "Each card compares the person with the median of their role: the strength is the KPI on "
                         "which they are furthest ahead of it, the gap the one on which they are furthest behind (or "
                         "least ahead), not their own best and worst KPIs.")
        return Section(_t("feedback", self.language), lines, key="feedback")

    def _diagnostics(self, **kw) -> pd.DataFrame:
        """:func:`analysis.plan_diagnostics` of the report's scorecard, with the plan's name of
        each role (``role``) and its key (``role_key``, where a sentence names a setting), and
        each phase's label in the report's language."""
        d = analysis.plan_diagnostics(self.params, scorecard_table=self.scorecard.table,
                                      scorecard_details=self.scorecard.details, **kw)
        return d.assign(role_key=d["role"], role=d["role"].map(lambda r: self._role(r) if isinstance(r, str) and r else r),
                        phase=d["phase"].map(lambda x: self.params.phase_label(x, self.language)
                                             if isinstance(x, str) else x))

    def _uniform_lines(self) -> list[str]:
        """The roles whose scores tell no one apart (all the same), for the summary: their
        grades mean nothing, which the diagnostics alone would leave to the appendix's reader."""
        d = self._diagnostics()
        return [diagnostic_sentence(r, self.language, self.currency)
                for r in d[d["issue"] == "scores_uniform"].to_dict("records")]

    def diagnostics(self) -> Section:
        d = self._diagnostics(payouts=self.payouts, plan_cost=self.plan_cost)
        paras = [diagnostic_sentence(r, self.language, self.currency) for r in d.to_dict("records")] or \
            ["未发现常见方案问题。" if self.zh else "No common plan mistakes found."]
        return Section(_t("diagnostics", self.language), paras, key="diagnostics")

    def goals(self) -> Section:
        from .targets import track

        if self.dataset.tables.get("targets") is None:
            return Section(_t("goals", self.language), [
                # (for the client: no command; the README shows `salesperf targets`)
                "数据中没有目标表，本报告不含目标跟踪。目标可以按历史业绩制定后加入数据。"
                if self.zh else "The data have no targets table, so this report tracks no goals. Targets can be "
                "drawn up from past results and added to the data."], key="goals")
        money = "received_revenue" if self.params.kpi_options.revenue_basis == "received" else "revenue"
        opts = self.params.kpi_options.model_dump()
        # an export that stops before the period ends (as_of its last day) is tracked at its
        # run rate: nobody has missed a target of a month that is not over
        as_of = pd.Timestamp(self.as_of) if self.as_of else None
        as_of = as_of if as_of is not None and self.period.start <= as_of < self.period.end else None
        with _held_back("salesperf_kit.targets"):  # a period without targets is said below, in the report's words
            t = track(self.dataset.tables, self.period, as_of=as_of, kpis=(money,), options=opts, computed=self.kpis)
            by_team = track(self.dataset.tables, self.period, as_of=as_of, kpis=(money,), options=opts, by="team",
                            computed=self.kpis)
        teams = None if t["target"].notna().any() else by_team
        # (received_revenue measured against revenue targets, as the scorecard does: said)
        fallback = [n.text(self.language) for n in t.attrs.get("notes", [])]
        by = "employee_id"
        if teams is not None and teams["target"].notna().any():  # team targets only (direct sales): the teams
            t, by = teams, "team"
        if by == "employee_id":
            t = t.merge(self._names(self.kpis.wide[["employee_id", "name", "team"]]), on="employee_id", how="left")
        at_risk = int(t["at_risk"].fillna(False).sum()) if "at_risk" in t else 0
        with_target = int(t["target"].notna().sum())
        closed = bool(len(t)) and bool((t["days_elapsed"] >= t["days_in_period"]).all())
        teams = by == "team"
        # the targets stop before the period does (none for November and December): the
        # target, the forecast and the risk are those of the months with targets
        until = self._targets_until(t)
        if not with_target:
            para = (f"{self.period} 没有个人或团队的目标。" if self.zh else
                    f"No person or team has a target for {self.period}.")
        elif closed:  # the months with targets are over: they missed it, no forecast is involved
            unit, unit_en = ("个团队", "teams") if teams else ("人", "people")
            if self.zh:
                aim = "累计目标" if until is not None else "本期目标"
                lead = f"截至 {until.month} 月，" if until is not None else ""
                para = (f"{lead}{with_target} {unit}均未达成{aim}。" if at_risk == with_target else
                        f"{lead}{with_target} {unit}中有 {at_risk} {'个' if teams else '人'}未达成{aim}。")
            else:
                lead = (f"By the end of {until:%Y-%m}, " if until is not None else "")
                aim = "their target to date" if until is not None else "it this period"
                whom = f"all {with_target} {unit_en} with a target" if at_risk == with_target and with_target > 1 \
                    else f"{at_risk} of the {with_target} {unit_en} with a target"
                para = f"{lead}{whom} missed {aim}."
                para = para[0].upper() + para[1:]
        else:  # the forecast and its interval are shown; at risk is read on the interval's low end
            d, days = int(t["days_elapsed"].iloc[0]), int(t["days_in_period"].iloc[0])
            shaped = bool(t.attrs.get("shaped"))  # (forecast from last year's shape of the month: said below)
            how = (f"预测按去年同期前 {d} 天所占的比例推算到 {days} 天" if shaped else
                   f"预测按前 {d} 天的日均进度推算到 {days} 天")
            how_en = (f"The forecast scales the first {d} days up by the share of the period that the same days "
                      "held last year" if shaped else
                      f"The forecast takes the daily run rate of the first {d} days over all {days}")
            para = ((f"{with_target} 个团队中有 {at_risk} 个有未达成目标的风险。" if teams else
                     f"{with_target} 人中有 {at_risk} 人有未达成目标的风险。") +
                    f"{how}，并给出 80% 预测区间；区间下限低于目标即列为有风险"
                    "（约有一成或更高的可能达不成），即使预测本身达标。" if self.zh else
                    f"{at_risk} of the {with_target} {'teams' if teams else 'people'} with a target are at risk of "
                    f"missing it. {how_en}, with "
                    "an 80% interval; whoever's interval reaches below the target is at risk (a chance of missing "
                    "of about one in ten or more), even when the forecast itself clears it.")
        if with_target and until is not None:
            para += self._targets_until_sentence(until)
        team_line = self._team_goals_line(by_team, closed) if with_target and not teams else []
        paras = ([para] + team_line + (fallback if with_target else []) + self._other_goal_lines(money, as_of, opts)
                 + self._calibration_lines(as_of))
        t = self._by_rank(t, "attainment") if by == "employee_id" else t.sort_values(["attainment", by])
        yes, no = ("是", "否") if self.zh else ("yes", "no")
        forecast = {}
        if with_target and not closed:  # an open period: what the run rate makes of it, and how surely
            figures = _same_decimals(t, ["target", "actual", "variance", "forecast", "forecast_low", "forecast_high"],
                                     by="kpi")
            interval = [f"{lo}–{hi}" if lo != "–" and hi != "–" else "–"
                        for lo, hi in zip(figures["forecast_low"], figures["forecast_high"], strict=True)]
            forecast = {"预测" if self.zh else "Forecast": figures["forecast"],
                        "80% 预测区间" if self.zh else "80% interval": interval}
        else:
            figures = _same_decimals(t, ["target", "actual", "variance"], by="kpi")
        shown = pd.DataFrame({
            **({} if teams else {"姓名" if self.zh else "Name": t["name"]}),
            "团队" if self.zh else "Team": t["team"],
            "指标" if self.zh else "KPI": t["kpi"].map(self._label),
            "目标" if self.zh else "Target": figures["target"], "实际" if self.zh else "Actual": figures["actual"],
            "完成率" if self.zh else "Attainment": t["attainment"].map(lambda v: _fmt(v, "ratio")),
            "差额" if self.zh else "Variance": figures["variance"],
            **forecast,
            "风险" if self.zh else "At risk": t["at_risk"].map(lambda v: yes if v is True or v == 1 else no),
        })
        shown, cut = self._first_rows(shown, 200, ("按完成率从低到高排列", "lowest attainment first"))
        return Section(_t("goals", self.language), paras[:1] + cut + paras[1:], shown, key="goals")

    def _targets_until(self, t: pd.DataFrame) -> pd.Timestamp | None:
        """The last day with targets when the targets of a quarter or a year stop before it
        does (:func:`targets.track` tracks, forecasts and judges risk over those months), else None."""
        if not len(t) or "days_in_period" not in t:
            return None
        days = int(t["days_in_period"].iloc[0])
        if days >= (self.period.end - self.period.start).days:
            return None
        return self.period.start + pd.Timedelta(days=days - 1)

    def _targets_until_sentence(self, until: pd.Timestamp) -> str:
        """"本季度目标只录入到 10 月，…": the quarter's report said "34 people at risk", read as
        the quarter's risk, of a target, forecast and risk that were October's."""
        first = self.period.start
        span = (f"{until.month} 月" if until.month == first.month else f"{first.month} 至 {until.month} 月") \
            if self.zh else (f"{until:%Y-%m}" if until.month == first.month else f"{first:%Y-%m} to {until:%Y-%m}")
        kind = {"quarter": "本季度", "year": "本年度"}.get(self.period.kind, "本期")
        return (f"{kind}目标只录入到 {until.month} 月，目标、预测和风险仅针对 {span}。" if self.zh else
                f" The targets of {self.period} go only to {until:%Y-%m}: the target, the forecast and the risk "
                f"are those of {span} only.")

    def _other_goal_lines(self, money: str, as_of, opts: dict) -> list[str]:
        """A sentence per KPI other than the money one that has targets for the period
        (orders, new customers, conversion rate, CAC from ``salesperf targets``): how many of
        the people with a target missed it (or are at risk of it, in an open period), and for
        a sum the total against the target. The table above keeps to the money KPI."""
        from .kpis import targets_for
        from .targets import track

        given = targets_for(self.dataset.tables.get("targets"), self.period)
        kpis = [k for k in dict.fromkeys(given["kpi"].astype(str))
                if k in CATALOGUE and k not in (money, "revenue", "received_revenue")]
        out = []
        for k in kpis:
            try:
                with _held_back("salesperf_kit.targets"):
                    t = track(self.dataset.tables, self.period, as_of=as_of, kpis=(k,), options=opts,
                              computed=self.kpis)
            except SalesperfError as err:  # (a KPI the data cannot compute: said, not a failed report)
                log.info("goals of %s not tracked: %s", k, err)
                continue
            t = t[t["target"].notna() & t["actual"].notna()]
            if t.empty:
                continue
            closed = bool((t["days_elapsed"] >= t["days_in_period"]).all())
            n, short = len(t), int(t["at_risk"].sum())
            name = self._name(k)
            unit = CATALOGUE[k].unit
            total = ""
            if unit in ("currency", "count", "minutes"):
                tgt, act, fc = (float(t[c].sum()) for c in ("target", "actual", "forecast"))
                rate = _fmt(act / tgt if tgt else float("nan"), "ratio")
                tgt, act, fc = (_fmt(x, unit, language=self.language) for x in (tgt, act, fc))
                if closed:
                    total = f"（合计目标 {tgt}，实际 {act}，完成率 {rate}）" if self.zh else \
                        f" (in all {act} against {tgt}, {rate})"
                else:
                    total = f"（合计目标 {tgt}，截至目前 {act}，完成率 {rate}，预测 {fc}）" if self.zh else \
                        f" (in all {act} to date against {tgt}, {rate}; forecast {fc})"
            until = self._targets_until(t)  # (the year's targets stop in October: missed to date)
            if self.zh:
                verb = ("未达成累计目标" if until is not None else "未达成目标") if closed else "有未达成目标的风险"
                lead = f"截至 {until.month} 月，" if closed and until is not None else ""
                whom = f"有目标的 {n} 人均" if short == n and n > 1 else f"有目标的 {n} 人中 {short} 人"
                out.append(f"{name}：{lead}{whom}{verb}{total}。")
            else:
                verb = ("missed their target to date" if until is not None else "missed it") if closed else \
                    "are at risk of missing it"
                lead = f"by the end of {until:%Y-%m}, " if closed and until is not None else ""
                whom = f"all {n} people with a target" if short == n and n > 1 else \
                    f"{short} of the {n} people with a target"
                out.append(f"{name}: {lead}{whom} {verb}{total}.")
        return out

    def _team_goals_line(self, t: pd.DataFrame, closed: bool) -> list[str]:
        """The teams of a goals table of people, in one sentence: each team's target (its own
        row, else the sum of its members'), actual and attainment, and in an open period its
        run-rate forecast, so that the company → team → person cascade can be followed."""
        t = t[t["target"].notna()].sort_values("team")
        if t.empty:
            return []
        figures = _same_decimals(t, ["target", "actual", "forecast"], by="kpi")
        parts = []
        for i, r in t.iterrows():
            rate = _fmt(r["attainment"], "ratio")
            if self.zh:
                parts.append(f"{r['team']} 目标 {figures.at[i, 'target']}，实际 {figures.at[i, 'actual']}（完成率 {rate}"
                             + ("）" if closed else f"，预测 {figures.at[i, 'forecast']}）"))
            else:
                parts.append(f"{r['team']} {figures.at[i, 'actual']} against {figures.at[i, 'target']} ({rate}"
                             + (")" if closed else f", forecast {figures.at[i, 'forecast']})"))
        label = self._name(t["kpi"].iloc[0])
        return [f"各团队的{label}：{'；'.join(parts)}。" if self.zh else f"{label} by team: {'; '.join(parts)}."]

    def _calibration_lines(self, as_of: pd.Timestamp | None = None) -> list[str]:
        """One sentence per calibration rule of the plan: whether it fired (or why it could not
        be judged), the figures it compared with their baseline months, and the targets of the
        adjusted KPIs before and after. An open period (``as_of``) is compared at its run rate
        (:func:`targets.calibrate`), and the sentence says over how many days."""
        from .targets import calibrate

        rules = self.params.targets.calibration
        targets = self.dataset.tables.get("targets")
        if not rules or targets is None:
            return []
        # (the period's and, unless the export stops early, the previous period's KPIs were
        # worked out on the whole dataset already)
        computed = [self.kpis] + ([self.previous] if self.previous is not None and not self.data_end else [])
        _, log = calibrate(targets, self.dataset.tables, self.period, rules,
                           options=self.params.kpi_options.model_dump(), as_of=as_of, computed=computed)
        return calibration_sentences(log, self.params, self.language)

    def _awards_sentences(self) -> list[str]:
        """Who won each award paid, and by which rule: the Awards column showed 250.00 for
        every member of one team, and 1,000.00 for one service agent who was no top scorer,
        with no word of why."""
        from .incentives import AWARD_RULES, award_label

        won = self.payouts.attrs.get("awards") or {}
        if not any(won.values()):
            return []
        ids = pd.DataFrame({"employee_id": [e for paid in won.values() for e in paid]}).drop_duplicates()
        info = self.kpis.wide.assign(employee_id=self.kpis.wide["employee_id"].astype(str))[["employee_id", "name",
                                                                                               "team"]]
        named = self._names(ids.merge(info, on="employee_id", how="left"))
        name_of = dict(zip(named["employee_id"], named["name"].fillna(named["employee_id"])))
        team_of = dict(zip(info["employee_id"], info["team"]))
        lang = "zh" if self.zh else "en"
        monthly = "months" in self.payouts.attrs  # (a quarter paid as the sum of its months: won month by month)
        parts = []
        for award, paid in won.items():
            if not paid:
                continue
            label = award_label(award, lang)
            rule = AWARD_RULES.get(award, {}).get(lang)
            if rule and monthly:
                rule += "，按月评" if self.zh else ", month by month"
            head = (f"「{label}」（{rule}）" if rule else f"「{label}」") if self.zh else \
                (f"{label} ({rule})" if rule else label)
            amounts = sorted(set(round(a, 2) for a in paid.values()))
            total = self._money(sum(paid.values()))
            each = self._money(amounts[0])
            teams = sorted({str(team_of.get(e)) for e in paid})
            if monthly:
                who = (f"{'、'.join(teams)}的 {len(paid)} 人" if self.zh else f"the {len(paid)} people of {_and(teams)}") \
                    if award == "team_champion" and len(paid) > 1 else \
                    ("、".join(name_of.get(e, e) for e in paid) if self.zh else _and([name_of.get(e, e) for e in paid]))
                parts.append(f"{head}共 {total}，发给{who}" if self.zh else f"{head} {total} in all, to {who}")
                continue
            if award == "team_champion" and len(paid) > 1:
                who = "、".join(teams) if self.zh else _and(teams)
                if self.zh:
                    parts.append(f"{head}{total}，由{who}的 {len(paid)} 人" + (f"平分，每人 {each}" if len(amounts) == 1
                                                                             else "分得"))
                else:
                    parts.append(f"{head} {total}, shared by the {len(paid)} people of {who}"
                                 + (f", {each} each" if len(amounts) == 1 else ""))
                continue
            names = [name_of.get(e, e) for e in paid]
            if self.zh:
                parts.append(f"{head}{total}，" + ("发给" + names[0] if len(names) == 1 else
                                                   f"由{'、'.join(names)}平分"))
            else:
                parts.append(f"{head} {total} " + (f"to {names[0]}" if len(names) == 1 else
                                                   f"shared by {_and(names)}"))
        return [("奖项：" + "；".join(parts) + "。") if self.zh else ("Awards: " + "; ".join(parts) + ".")]

    def _alerts(self) -> pd.DataFrame:
        """The period's alerts (:func:`anomalies.detect`), worked out once per report: the
        audit lists them, the leaderboard and the payouts point to those about integrity."""
        cached = self.__dict__.get("_alerts_found")
        if cached is not None:
            return cached
        from .anomalies import detect

        tables = self.dataset.tables
        roles = self.kpis.wide["role"].dropna().astype(str).unique() if "role" in self.kpis.wide else []
        wide = self.kpis.wide  # (like with like: the values of the roles a KPI's statistics count)
        if "role" in wide:
            wide = analysis.within_scope(wide, self._scope([c for c in wide.columns if c in CATALOGUE]))
        alerts = detect(tables, self.period, self.params.anomalies, kpi_wide=wide,
                        business=self.business, options=self.params.kpi_options.model_dump(),
                        language=self.language, group_labels={r: self._role(r) for r in roles}, names=self._people(),
                        customers=self._customer if self.anonymise else None, currency=self.currency)
        self.__dict__["_alerts_found"] = alerts
        return alerts

    def _flagged(self) -> dict[str, list[str]]:
        """The people with an integrity alert this period (a conversion jump, suspected
        brushing, refunds right after the period, bulk short calls, a duplicate order; not a
        mere KPI outlier): employee_id -> the kinds, in the report's language."""
        from .anomalies import ALERT_KINDS

        alerts = self._alerts()
        mine = alerts[(alerts["kind"] != "kpi_outlier") & alerts["employee_id"].map(lambda e: isinstance(e, str))]
        lang = "zh" if self.zh else "en"
        out: dict[str, list[str]] = {}
        for e, kind in zip(mine["employee_id"], mine["kind"]):
            label = ALERT_KINDS.get(kind, {}).get(lang, kind)
            if label not in out.setdefault(str(e), []):
                out[str(e)].append(label)
        return out

    def _flagged_sentence(self, people: pd.DataFrame, where: tuple[str, str]) -> list[str]:
        """A sentence naming the people of ``people`` (a section's rows: employee_id, name)
        with an integrity alert, and what to do before relying on ``where`` (what the section
        shows, in Chinese and in English: the ranking, the pay): the audit alone left a top-ranked person flagged for brushed orders unsaid
        where the ranking and the bonuses were read."""
        flagged = self._flagged()
        by_kind: dict[str, list[str]] = {}
        for _, r in people.iterrows():
            for kind in flagged.get(str(r["employee_id"]), []):
                by_kind.setdefault(kind, []).append(str(r["name"]))
        if not by_kind:
            return []
        if self.zh:
            said = "；".join(f"{k}：{'、'.join(names)}" for k, names in by_kind.items())
            return [f"注意：以下人员本期有审计预警（见审计一节）——{said}。请先核查这些预警，再据此{where[0]}。"]
        said = "; ".join(f"{k}: {_and(names)}" for k, names in by_kind.items())
        return [f"Note: alerts in the audit section concern people in this table ({said}): check them before "
                f"{where[1]}."]

    def audit(self) -> Section:
        alerts = self._alerts()
        from .anomalies import ALERT_KINDS

        n = len(alerts)
        if not n:
            para = "本期没有预警。" if self.zh else "No alerts this period."
        else:
            para = (f"共 {n} 条预警，仅供审计，不自动改变得分。" if self.zh else
                    f"{n} {'alert' if n == 1 else 'alerts'}, listed for audit; they never change scores.")
        if self.anonymise:  # (detect lists a kind's alerts by subject: the real ids' order)
            about = alerts["employee_id"].where(alerts["employee_id"].map(lambda e: isinstance(e, str)),
                                                alerts["subject"]).astype(str)
            alerts = (alerts.assign(_k=alerts["kind"].map(list(ALERT_KINDS).index), _key=self._key(about).to_numpy())
                      .sort_values(["_k", "subject_type", "_key"], kind="stable").drop(columns=["_k", "_key"])
                      .reset_index(drop=True))
        names = self._names(self.kpis.wide[["employee_id", "name"]]).set_index("employee_id")["name"]
        lang = "zh" if self.zh else "en"
        shown = pd.DataFrame({
            "类型" if self.zh else "Kind": alerts["kind"].map(lambda k: ALERT_KINDS.get(k, {}).get(lang, k)),
            "对象" if self.zh else "Subject": [names.get(e, s) if isinstance(e, str) else s
                                               for e, s in zip(alerts["employee_id"], alerts["subject"])],
            "说明" if self.zh else "Reason": alerts["reason"],
        })
        paras = [para]
        if (alerts["kind"] == "kpi_outlier").any():  # the terms of its reasons, in plain words
            limit = f"{self.params.anomalies.robust_z:g}"
            paras.append(f"指标离群值按稳健 z 值判定：与同岗位中位数的差，除以同岗位的中位数绝对偏差（MAD，一种不受个别极端值"
                         f"影响的离散程度），再乘以 0.6745；绝对值超过 {limit} 即列出。" if self.zh else
                         "KPI outliers are judged by the robust z-score: the distance from the peers' median, divided "
                         "by their median absolute deviation (MAD, a measure of spread that a few extreme values do "
                         f"not distort), times 0.6745; beyond ±{limit} is listed.")
        paras += self._over_whole_sentences()
        return Section(_t("audit", self.language), paras, shown, key="audit")  # (every alert)

    def _over_whole_sentences(self) -> list[str]:
        """A sentence per share-like KPI above 100 % for someone (:func:`analysis.shares_over_whole`):
        a close rate of 200 % reads as an error to a client unless it is said why."""
        kpis = list(self.kpis.kpis)
        wide = analysis.within_scope(self.kpis.wide, self._scope(kpis))
        out = []
        for r in analysis.shares_over_whole(wide, kpis).itertuples():
            extra, per = analysis.SEPARATE_COUNTS[r.kpi]["zh" if self.zh else "en"]
            label, top = self._name(r.kpi), _fmt(r.max, "ratio")
            if self.zh:
                out.append(f"「{label}」有 {r.over:,} 人（共 {r.people:,} 人）超过 100%（最高 {top}）：分子与分母在本期分别计数，"
                           f"{extra}只计入分子，因此应读作{per}，而不是比例。")
            else:
                out.append(f"{label} is over 100% for {r.over:,} of the {r.people:,} people (up to {top}): its two "
                           f"counts are taken separately over the period, so the first can include {extra}; "
                           f"read it as {per}, not as a share.")
        return out

    def data_quality(self) -> Section:
        q = analysis.data_quality(self.dataset, self.kpis, language=self.language)
        kinds = {"table": ("已加载", "loaded"), "kpi_notice": ("指标略去", "KPI left out"),
                 "loader_warning": ("加载提示", "loader warning")}
        i = 0 if self.zh else 1
        shown = pd.DataFrame({
            # a KPI notice that leaves no KPI out (rows without an owner, a table that stops
            # early) is a note
            "类型" if self.zh else "Kind": [("指标说明", "KPI note")[i] if r["kind"] == "kpi_notice" and not
                                           self._leaves_out(r) else kinds.get(r["kind"], (r["kind"],) * 2)[i]
                                           for r in q.to_dict("records")],
            "表" if self.zh else "Table": q["table"].map(self._table),
            "行数" if self.zh else "Rows": q["rows"].map(lambda v: "" if pd.isna(v) else f"{int(v):,}"),
            "文件" if self.zh else "File": q["file"].map(lambda v: "" if v is None or pd.isna(v) else Path(str(v)).name),
            "说明" if self.zh else "Message": [self._quality_message(r) for r in q.to_dict("records")],
        })
        if self.anonymise:  # the matches of names to employee ids would name people
            named = (q["check"] == "names_as_ids").to_numpy()
            shown.loc[named, shown.columns[-1]] = ("部分记录以姓名代替工号，已按员工姓名匹配（匿名报告不列出姓名）。" if self.zh else
                                                  "Some rows gave a name where an employee id belongs; they were "
                                                  "matched to the employees' names (not listed in an anonymised report).")
        # how the plan was applied (ties beyond a forced share, reviews missing, fallbacks);
        # the scorecard's notes begin with the KPI notices, listed above
        shown_already = set(map(str, self.kpis.notices))
        notes = [n.text(self.language) for n in self.scorecard.notes
                 if isinstance(n, Note) and str(n) not in shown_already]
        for kind, texts in (("评分说明" if self.zh else "scoring note", notes),
                            ("计薪说明" if self.zh else "payout note", self.plan_advice())):
            if texts:
                shown = pd.concat([shown, pd.DataFrame({
                    shown.columns[0]: kind, shown.columns[1]: "",
                    shown.columns[2]: "", shown.columns[3]: "", shown.columns[4]: texts})], ignore_index=True)
        if self.anonymise:  # a message may quote a person (the managers added from manager_id, ...)
            shown[shown.columns[-1]] = shown[shown.columns[-1]].map(self._pseudonymised)
        return Section(_t("quality", self.language), [], shown, key="quality")

    def _pseudonymised(self, text: str) -> str:
        """``text`` with every employee's name and id replaced by their pseudonym (longest
        first; a name or id is matched where no letter or digit of the Latin alphabet
        adjoins it, so that E1 is not found inside E10)."""
        import re

        emp = self.dataset.tables.get("employees")
        if not text or emp is None:
            return text
        ids = emp["employee_id"].astype(str)
        codes = pseudonyms(ids, salt=self.client, language=self.language)
        say = dict(zip(ids, ids.map(codes), strict=True))
        if "name" in emp:
            named = emp["name"].notna() & emp["name"].astype(str).str.strip().ne("")
            say.update(zip(emp.loc[named, "name"].astype(str), ids[named].map(codes), strict=True))
        words = sorted((w for w in say if w.strip()), key=len, reverse=True)
        if not words:
            return text
        found = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, words)) + r")(?![A-Za-z0-9_])")
        return found.sub(lambda m: say[m.group(1)], text)

    def _table(self, table) -> str:
        if not isinstance(table, str) or table == "?":  # ("?": a file of no table; the message names it)
            return ""
        return TABLES[table].zh if self.zh and table in TABLES else table

    def _leaves_out(self, row: dict) -> bool:
        """Whether a KPI notice of the data-quality table is one of KPIs left out."""
        kpi = row.get("kpi")
        named = kpi.split(", ") if isinstance(kpi, str) else []
        return row.get("kind") == "kpi_notice" and bool(named) and all(k in self.kpis.left_out for k in named)

    def _quality_message(self, row: dict) -> str:
        if self._leaves_out(row) and not self.zh:  # the English notice names the KPIs; a client reads their labels
            named = row["kpi"].split(", ")
            why = self.kpis.left_out[named[0]]
            return ", ".join(self._name(k) for k in named) + f" not computed: the data lack {why}."
        msg = row.get("message")
        msg = "" if msg is None or (isinstance(msg, float) and np.isnan(msg)) else str(msg)
        if row.get("kind") == "kpi_notice" and self.kpis.partial:  # told with the KPIs' labels, as the summary does
            for table, sentence in self._partial_sentences().items():
                if msg.startswith((f"The {table} rows of ", f"{TABLES[table].zh}数据在 ")):
                    told = sentence.removeprefix("注意：").removeprefix("Note: ")
                    return told[:1].upper() + told[1:]
        return msg

    # ------------------------------------------------------------------ output
    def scorecard_table(self) -> pd.DataFrame:
        t = self.scorecard.table.merge(
            self.payouts.drop(columns=[c for c in ("name", "team", "role", "grade") if c in self.payouts]),
            on="employee_id", how="left")
        t = t.assign(role=t["role"].map(lambda r: self._role(r) if isinstance(r, str) else r))
        # the alerts to check before paying, as the payout section names them (payroll imports
        # this file, not the report): the kinds for the people flagged, empty for the others
        flagged, sep = self._flagged(), "、" if self.zh else "; "
        outside = set(self.kpis.outside_post_ids)  # (records dated outside their employment: named in the payouts)
        said = "在职期外有记录" if self.zh else "records outside employment"
        t["audit_alert"] = [sep.join([*flagged.get(e, []), *([said] if e in outside else [])]) or None
                            for e in t["employee_id"].astype(str)]
        return self._names(self._by_rank(t), ids=True)

    def write_scorecard(self, path, table: pd.DataFrame | None = None) -> Path:
        """Write :meth:`scorecard_table` (``table``, when made already) to ``path`` (.xlsx, .csv
        or .parquet): headers in the report's language, money with its unit, and scores with
        as many decimals as keep each on its side of a grade threshold."""
        table = self.scorecard_table() if table is None else table
        return write_table(table, path, language=self.language, currency=self.currency,
                           score_decimals=self._score_decimals(), sheet=_t("scorecard_sheet", self.language))

    def save(self, output_dir: str | Path = "") -> Section:
        """Write scorecard.xlsx, scorecard.csv and figures/*.png into ``output_dir`` (an empty
        ``output_dir`` writes nothing, so a notebook opened as it is leaves no files behind)."""
        if not str(output_dir):
            return Section("输出文件" if self.zh else "Files written",
                           ["未设置 output_dir，未写出文件。" if self.zh else "output_dir is empty: nothing written."])
        out = Path(output_dir)
        (out / "figures").mkdir(parents=True, exist_ok=True)
        table = self.scorecard_table()
        self.write_scorecard(out / "scorecard.xlsx", table)
        self.write_scorecard(out / "scorecard.csv", table)
        for key, png in self.figures.items():
            (out / "figures" / f"{key}.png").write_bytes(png)
        # what the runner's manifest says of the report, and checks (an export that stops
        # before the period ends, a table that stops or starts part-way through it)
        partial = {name: {"way": way, "day": f"{day:%Y-%m-%d}", "others": f"{others:%Y-%m-%d}", "kpis": list(ks)}
                   for name, (way, day, others, ks) in self.kpis.partial.items()}
        d = self.scorecard.details  # KPIs scored against targets that nobody has: they score for no one
        att = d[(d["weight"] > 0) & (d["method"] == "attainment")]  # (a KPI the data cannot give needs more
        without = sorted(str(k) for k, g in att.groupby("kpi")   # than targets: the report says what)
                         if g["target"].isna().all() and k in self.kpis.kpis)
        # KPIs the plan weighs that the data cannot give at all (a table of the export missing)
        from .scoring import UNSCORED

        lack = d[(d["weight"] > 0) & d["note"].fillna("").astype(str).str.endswith(UNSCORED["lack"])]
        unscorable = {str(k): {"needs": str(self.kpis.left_out.get(k, "")),
                               "needs_zh": getattr(self.kpis.left_out.get(k, ""), "zh", "")}
                      for k in sorted(set(lack["kpi"]))}
        facts = {"report": {"period": str(self.period), "as_of": self.as_of, "data_end": self.data_end or None,
                            # (what --as-of left out of data that go on after it, when it did)
                            **({"after_as_of": self.after_as_of} if self.after_as_of else {}),
                            "partial_tables": partial, "without_targets": without, "unscorable": unscorable,
                            "language": self.language,
                            "people": int(len(table)),
                            "files_read": sorted(str(Path(f).resolve()) for f in self.dataset.files)}}
        (out / "manifest.json").write_text(json.dumps(facts, ensure_ascii=False, indent=2), encoding="utf-8")
        files = ["scorecard.xlsx", "scorecard.csv", "manifest.json"] + [f"figures/{k}.png" for k in sorted(self.figures)]
        return Section("输出文件" if self.zh else "Files written", [", ".join(files)], key="files")


def _sentence_label(kpi: str, language: str, currency: str | None) -> str:
    """A KPI as a sentence names it: with its unit as a heading gives it ("Revenue (CNY)",
    有效沟通时长（分钟）), except that a Chinese sentence leaves money's unit out of the name
    (「销售额」, not 「销售额（元）」) and says it after the amounts (:func:`_amount_said`)."""
    return label_with_unit(kpi, language, None if language == "zh" else currency)


def _amount_said(text: str, unit: str | None, language: str, currency: str | None) -> str:
    """A formatted amount of money in a Chinese sentence with its unit after it (2,583,176 元),
    as :func:`_sentence_label` leaves it out of the KPI's name; any other figure, an English
    sentence's and an unknown one (–) as it is."""
    if language != "zh" or unit != "currency" or text == "–":
        return text
    return with_unit_sign(text, unit, language, currency)


def calibration_sentences(log: pd.DataFrame, params, language: str) -> list[str]:
    """One sentence per row of a calibration log (:func:`targets.calibrate`): whether the
    rule fired (or why it could not be judged), the figures it compared with their baseline
    months, and the targets of the adjusted KPIs before and after, in ``language`` (the
    report's goals section and ``salesperf calibrate`` say the same)."""
    zh = language == "zh"
    rules = params.targets.calibration

    money = params.currency(language)

    def _label(kpi: str) -> str:
        return _sentence_label(kpi, language, money)

    def _amount(x: str, unit: str | None) -> str:
        return _amount_said(x, unit, language, money)

    periods_of = {rule.name: rule.baseline_periods for rule in rules}
    lines = []
    for r in log.to_dict("records"):
        periods = periods_of.get(r["rule"], "")
        r["rule"] = params.rule_label(r["rule"], language)  # (its label in the report's language)
        unit = CATALOGUE[r["kpi"]].unit if r["kpi"] in CATALOGUE else None
        months = r["baseline_periods"].replace(" .. ", " 至 ") if zh else r["baseline_periods"]
        if isinstance(r.get("missing"), str) and r.get("baseline_used") == 0:  # (the periods the data lack named)
            lines.append(f"校准规则「{r['rule']}」无法检查：{r['missing_zh']}，因此没有调整目标。" if zh else
                         f"Calibration rule '{r['rule']}' could not be checked: {r['missing']}, so no target was "
                         "adjusted.")
            continue
        if isinstance(r.get("missing"), str):  # not judged: not "did not fire"
            lines.append(f"校准规则「{r['rule']}」无法检查：{r['missing_zh']}（本期及前 {periods} 期 {months}），"
                         "因此没有调整目标。" if zh else
                         f"Calibration rule '{r['rule']}' could not be checked: {r['missing']} (this period "
                         f"and the previous {periods}, {months}), so no target was adjusted.")
            continue
        change = _fmt(r.get("change"), "ratio")
        if change != "–" and r["change"] > 0:
            change = "+" + change
        thr = r["threshold"]
        value, baseline = (_amount(_fmt(r[c], unit, language=language), unit) for c in ("value", "baseline"))
        d, days = r["days_elapsed"], r["days_in_period"]
        # (a part of the period: the days it covers, against the same days of the baseline)
        now = (f"本期 {value}" if zh else value) if d >= days else \
            (f"本期前 {d} 天 {value}" if zh else f"{value} (over the first {d} of {days} days)")
        same = r.get("baseline_days") if isinstance(r.get("baseline_days"), str) else ""
        same = same.replace(" .. ", " 至 ").replace(", ", "、") if zh else same.replace(", ", "; ")
        used = r.get("baseline_used")
        used = periods if used is None or pd.isna(used) else int(used)
        # the figures the rule compared, so that a reader can check it (the baseline periods
        # the data fully cover: a year the data begin in is not one of them)
        if zh:
            which = (f"前 {periods} 期（{months}）" if used == periods else
                     f"前 {periods} 期中数据完整的 {used} 期（{months}）")
            which += f"同样日期（{same}）的" if same else ""
            basis = (f"{_label(r['kpi'])}{now}，{which}{'均值' if used > 1 else '数值'} "
                     f"{baseline}，变化 {change}（变化{'达到' if thr >= 0 else '降到'} {thr:+.0%} "
                     f"{'或以上' if thr >= 0 else '或以下'}时触发）")
        else:
            which = (f"the previous {periods} periods ({months})" if used == periods else
                     f"the {used} of the previous {periods} periods that the data fully cover ({months})")
            which = (("on average over " if used > 1 else "in ") + which
                     + (f", over the same days ({same})" if same else ""))
            basis = (f"{_label(r['kpi'])} {now} against {baseline} {which}, a change of {change} (it fires at "
                     f"{thr:+.0%} or {'more' if thr >= 0 else 'less'})")
        if not r.get("fired"):
            lines.append(f"校准规则「{r['rule']}」未触发：{basis}。" if zh else
                         f"Calibration rule '{r['rule']}' did not fire: {basis}.")
            continue
        adj = r.get("adjusted_kpi") if isinstance(r.get("adjusted_kpi"), str) else ""
        if adj and r.get("no_targets") in ("never", "later"):  # nothing to adjust: not "before –, after –"
            name = _label(adj)
            if r["no_targets"] == "never":
                lines.append(f"校准规则「{r['rule']}」已触发（{basis}），但目标表中没有{name}的目标，因此未作调整；"
                             f"要让此规则起作用，请在目标表中加入{name}目标，或把规则的 adjust 改为有目标的指标。" if zh else
                             f"Calibration rule '{r['rule']}' fired ({basis}), but the targets table has no {name} "
                             f"target, so nothing was adjusted; for the rule to act, add {name} targets to the "
                             "targets table, or make its adjust name a KPI that has targets.")
            else:
                lines.append(f"校准规则「{r['rule']}」已触发（{basis}），但目标表中没有 {r['period']} 之后的{name}目标，"
                             "因此未作调整。" if zh else
                             f"Calibration rule '{r['rule']}' fired ({basis}), but the targets table has no {name} "
                             f"target after {r['period']}, so nothing was adjusted.")
            continue
        adj_unit = CATALOGUE[adj].unit if adj in CATALOGUE else None
        if adj_unit == "ratio":  # a rate target as the targets file gives it: 3.78%, not 0.04
            before, after = (_fmt(r.get(c)) if pd.isna(r.get(c)) else f"{r[c] * 100:.2f}%"
                             for c in ("before", "after"))
        else:
            before, after = (_amount(x, adj_unit) for x in _fmt_step(r.get("before"), r.get("after"), adj_unit, language))
        frac = _fmt(r.get("fraction"), "ratio")
        frac = "+" + frac if frac != "–" and r["fraction"] > 0 else frac
        span = r.get("periods") or ""
        span = span.replace(" .. ", " 至 ") if zh else span
        label = _label(adj) if adj else ""
        if zh:
            what = f"{span} 的{label}目标（{'各人均值' if adj_unit == 'ratio' else '合计'}）" if span else f"{label}目标"
            lines.append(f"校准规则「{r['rule']}」已触发（{basis}）：{what}调整 {frac}，"
                         f"调整前 {before}，调整后 {after}。")
        else:
            what = (f"{label} targets of {span} ({'mean per person' if adj_unit == 'ratio' else 'total'})"
                    if span else f"{label} targets")
            lines.append(f"Calibration rule '{r['rule']}' fired ({basis}): {what} {frac}, "
                         f"before {before}, after {after}.")
    return lines


def _quiet(method):
    """Run a section with library warnings (seaborn, SciPy, pandas) sent to the log, so
    that none is printed into a client's report."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = method(self, *args, **kwargs)
        for w in caught:
            log.info("%s: %s: %s", method.__name__, w.category.__name__, w.message)
        return out
    return wrapper


_SECTIONS = ("cover", "summary", "leaderboard", "distributions", "funnel", "heatmap", "team_comparison",
             "correlations", "payout_section", "feedback", "diagnostics", "goals", "audit", "data_quality", "save")
for _name in _SECTIONS:
    setattr(Report, _name, _quiet(getattr(Report, _name)))


def _fmt_step(now: float, goal: float, unit: str, language: str) -> tuple[str, str]:
    """A next step's "from" and "to" figures; a rate with one more decimal when one decimal
    would show the same figure twice ("from 5.96% to 6.04%", not "from 6.0% to 6.0%")."""
    shown = _fmt(now, unit, language=language), _fmt(goal, unit, language=language)
    if unit == "ratio" and shown[0] == shown[1] and now != goal:
        return f"{now * 100:.2f}%", f"{goal * 100:.2f}%"
    if unit not in ("ratio", "multiple", "times") and max(abs(now), abs(goal)) >= 1000:
        return grouped(now), grouped(goal)  # "from 0 to 4,195", not "from 0.00 to 4,195"
    return shown


def feedback_sentence(card: dict, language: str, currency: str | None = None) -> str:
    """The "sandwich" of seed 003 for one person: a strength, a gap, a concrete next step.
    ``card``: a row of :func:`analysis.feedback_cards` with the person's ``name`` and, for a
    next step measured in a group of roles, ``group_label`` (总监、经理). A KPI is named with
    its unit, a time's and, given ``currency`` (the plan's unit of money in ``language``),
    money's in English ("Revenue (CNY)"); in Chinese money's unit follows the amounts:
    把「销售额」从 16,336 元提升到 44,500 元."""
    zh = language == "zh"

    def named(kpi: str) -> str:
        return _sentence_label(kpi, language, currency)

    def given(x) -> bool:
        return isinstance(x, str) and x != ""

    # the KPIs on which everyone of the role has the same points: no strength, no gap
    tied = [named(k) for k in card["tied_kpis"].split(", ")] if given(card.get("tied_kpis")) else []
    tied_zh = "".join(f"「{x}」" for x in tied)
    if not given(card.get("strength_kpi")) and not given(card.get("gap_kpi")):
        if tied:
            return (f"{card['name']}：同岗位所有人在{tied_zh}上的得分相同，看不出强项或短板；本期没有需要单独指出的。" if zh else
                    f"{card['name']}: everyone of the role has the same points on {_and(tied)}, which "
                    f"{'shows' if len(tied) == 1 else 'show'} no strength or gap; nothing to single out this period.")
        return (f"{card['name']}：本期没有可评价的指标数据。" if zh else
                f"{card['name']}: no KPI data to review this period.")
    strength = named(card["strength_kpi"]) if given(card.get("strength_kpi")) else None
    if not given(card.get("gap_kpi")) and tied:
        return (f"{card['name']}：做得好的是「{strength}」；同岗位所有人在{tied_zh}上的得分相同。" if zh else
                f"{card['name']}: strong on {strength}; on {_and(tied)} everyone of the role has the same points.")
    if not given(card.get("gap_kpi")):
        # (the role's only KPI, or the only one scored: "with data" would suggest data missing)
        return (f"{card['name']}：做得好的是「{strength}」，这是本期唯一计分的指标。" if zh else
                f"{card['name']}: strong on {strength}, the only KPI scored for them this period.")
    gap = named(card["gap_kpi"])
    step_kpi = card["next_step_kpi"] if given(card.get("next_step_kpi")) else card["gap_kpi"]
    unit = CATALOGUE[step_kpi].unit if step_kpi in CATALOGUE else None
    goal, now = card.get("next_step_target"), card.get("next_step_value")
    group = card.get("group_label") if given(card.get("group_label")) else None  # a role compared with another
    basis = {"role_median": ("岗位中位数", "the role's median"), "target": ("目标", "the target"),
             "role_upper_quartile": ("岗位前25%水平", "the role's top 25%"),
             "peer_median": (f"{group or '同组'}的中位数", f"the median of {group or 'the peer group'}"),
             "peer_upper_quartile": (f"{group or '同组'}的前25%水平", f"the top 25% of {group or 'the peer group'}"),
             }.get(card.get("next_step_basis"), ("", ""))[0 if zh else 1]
    if goal is None or pd.isna(goal):
        if strength is not None and now is not None and pd.notna(now) and str(card.get("next_step_basis")) == "at_role_median":
            shown = _fmt(now, unit, language=language)
            return (f"{card['name']}：做得好的是「{strength}」；相对最弱的「{gap}」为 {shown}，与岗位多数人持平"
                    f"（岗位中位数）；下一步：在「{gap}」上领先于岗位多数人。" if zh else
                    f"{card['name']}: strong on {strength}; the weakest KPI, {gap}, is at {shown}, where most of "
                    f"the role is (the role's median); next step: move ahead of the role on {gap}.")
        if strength is not None and now is not None and pd.notna(now):
            # every goal of the ladder is reached: the weakest KPI is no gap to close
            return (f"{card['name']}：做得好的是「{strength}」；相对最弱的「{gap}」也已达到岗位前25%水平；"
                    "下一步：保持当前水平。" if zh else
                    f"{card['name']}: strong on {strength}; even the weakest KPI, {gap}, is in the role's top "
                    "25%; next step: keep it up.")
        step = "保持当前水平。" if zh else "keep it up."
    elif zh:
        verb = "提升到" if CATALOGUE[step_kpi].higher_is_better else "降低到"
        now, goal = (_amount_said(x, unit, language, currency) for x in _fmt_step(now, goal, unit, language))
        gap_ = "" if unicodedata.east_asian_width(now[-1:] or "x") in "WF" else " "  # 4.7 次提升到; 2.1% 提升到
        step = f"把「{named(step_kpi)}」从 {now}{gap_}{verb} {goal}（{basis}）。"
    else:
        verb = "raise" if CATALOGUE[step_kpi].higher_is_better else "bring down"
        now, goal = _fmt_step(now, goal, unit, language)
        step = f"{verb} {named(step_kpi)} from {now} to {goal} ({basis})."
    if strength is None:
        return (f"{card['name']}：本期没有达到岗位中位数的指标；需要提升的是「{gap}」；下一步：{step}" if zh else
                f"{card['name']}: no KPI at or above the role's median yet this period; gap on {gap}; next step: {step}")
    if zh:
        return f"{card['name']}：做得好的是「{strength}」；需要提升的是「{gap}」；下一步：{step}"
    return f"{card['name']}: strong on {strength}; gap on {gap}; next step: {step}"


def _p_value(p: float, equals: str = "") -> str:
    """A p-value as the tables and sentences give it: three decimals ("0.840", with
    ``equals``: "= 0.840"), and "< 0.001" below that, never "0.000"."""
    if pd.isna(p):
        return "–"
    return "< 0.001" if p < 0.0005 else f"{equals}{p:.3f}"


def analysis_sentence(test, language: str) -> str:
    """Plain words about a team comparison. When the teams differ overall (Kruskal–Wallis)
    but no pair of teams does after Holm's correction, the two results are reconciled: read
    alone, they look like a contradiction. With nothing to test, the sentence says why: no
    one has a score, there is one team, or too few teams have two people with a score."""
    if test.p_value is None or np.isnan(test.p_value):
        zh = language == "zh"
        if len(test.n) + len(test.excluded) < 2:
            return "只有一个团队，无可比较。" if zh else "There is only one team, so there is nothing to compare."
        if not test.observations:
            return "本期没有人有得分，无法比较各团队。" if zh else "Nobody has a score this period, so the teams cannot be compared."
        if len(test.n) >= 2:  # (the test gives no p when every value is the same)
            return "参与比较的人得分全都相同，各团队之间没有差异。" if zh else \
                "Everyone compared has the same score, so the teams do not differ."
        return ("有得分的人达到 2 人的团队不足两个，无法检验。" if zh else
                "Fewer than two teams have two or more people with a score, so there is nothing to test.")
    best, p = test.highest_median_group, _p_value(test.p_value, "= ")
    if test.significant:
        no_pair = not test.any_pair_significant and len(test.pairwise)
        return (f"各团队得分差异显著（Kruskal–Wallis，p {p}）；中位数最高的是 {best}。两两比较见下表（Holm 校正）。"
                + ("整体差异是真实的，但经校正后没有哪两个团队之间的差异足够明显：差异分散在各团队之间，"
                   "不能归到某两个团队。" if no_pair else "")
                if language == "zh" else
                f"Team scores differ significantly (Kruskal–Wallis, p {p}); {best} has the highest median. "
                "Pairwise Mann–Whitney tests with Holm correction below."
                + (" The overall difference is real, but after the correction no single pair of teams differs "
                   "clearly: the difference is spread across the teams rather than between two of them."
                   if no_pair else ""))
    return (f"各团队得分差异不显著（Kruskal–Wallis，p {p}），排名差异可能只是随机波动。"
            if language == "zh" else
            f"Team scores do not differ significantly (Kruskal–Wallis, p {p}): gaps may be chance.")


def diagnostic_sentence(row: dict, language: str, currency: str | None = None) -> str:
    """One plain-words sentence per plan diagnostic (issue codes of analysis.plan_diagnostics).
    Given ``currency`` (the plan's unit of money in ``language``), a KPI of money is named with
    it in English (Revenue (CNY), as a time with its own); a Chinese sentence names 「销售额」,
    and an amount paid says its unit after the figure."""
    issue, role, key = row.get("issue"), row.get("role") or "", row.get("detail_key") or ""
    setting = f"scoring.roles.{row.get('role_key') or role}.peers"
    value, threshold = row.get("value"), row.get("threshold")
    zh = language == "zh"
    phase = row.get("phase") if pd.notna(row.get("phase")) else ""  # (NaN: the base weights)
    phase = f"（阶段「{phase}」）" if phase and zh else f" (phase {phase})" if phase else ""  # (a phase's name is the plan's)
    name = _sentence_label(key, language, currency) if key in CATALOGUE else key
    labels = [_sentence_label(k, language, currency) if k in CATALOGUE else k for k in key.split(", ")]
    names = "".join(f"「{x}」" for x in labels) if zh else ", ".join(labels)
    people = int(row["people"]) if pd.notna(row.get("people")) else 0

    def money(amount) -> str:
        return with_unit_sign(grouped(amount), "currency", language, currency)

    texts = {
        "forced_across_roles": (f"岗位 {role}：{people} 人中有 {value:.0f} 人为最低等级 {row.get('grade')}，而强制分布给该等级 "
                                f"{threshold:.0%}：各岗位按不同指标考核，却共用一条分布。若要各岗位分别按比例评级，"
                                "请设 scoring.grading.within: role。",
                                f"Role {role}: {value:.0f} of its {people} graded people "
                                f"{'is' if value == 1 else 'are'} at the lowest grade, "
                                f"{row.get('grade')}, where the forced distribution gives it {threshold:.0%}: roles scored "
                                "on different KPIs share one curve. To grade each role on its own, set "
                                "scoring.grading.within: role."),
        "weight_not_scored": (f"岗位 {role}：这份数据无法为{names}计分（缺少数据、数值或目标），平均 {value:.0%} 的权重"
                              f"转给了其余指标，得分主要取决于剩下的指标。请补充数据或目标，或调整该岗位的权重。",
                              f"Role {role}: these data cannot score {names} (no data, values or targets), so on average "
                              f"{value:.0%} of the weight went to the other KPIs and the score rests on those. Add the data "
                              "or targets, or change the role's weights."),
        "team_score_uniform": (f"所有人的团队得分相同（只有一个团队）：团队得分占 {value:.0%} 权重，不改变排名，"
                               "只把每个人的得分拉向同一个值，等级因此更集中。",
                               f"Everyone has the same team score (there is one team): its {value:.0%} weight changes no "
                               "ranking and only pulls every score toward one value, bunching the grades."),
        "few_peers": (f"岗位 {role}：只有 {value:.0f} 人参与计分，而{names}按同岗位相对位置计分：人数这么少，"
                      "相对得分说明不了什么（一人时总是第一，两人时一个 0 分一个 100 分）。"
                      f"请改用按目标达成率计分，或设置 {setting}，把该岗位与相近岗位放在一起比较。",
                      f"Role {role}: {value:.0f} {'person has' if value == 1 else 'people have'} a score while "
                      f"{_and(labels)} {'is' if len(labels) == 1 else 'are'} scored against peers: among so few, those "
                      "points say little (one person always comes first; of two, one gets 0 and the other 100). "
                      f"Score them against targets instead, or compare the role with a similar one ({setting})."),
        "single_kpi_dominates": (f"岗位 {role}{phase}：单一指标「{name}」占权重 {value:.0%}，方案过于依赖一个指标。",
                                 f"Role {role}{phase}: {name} carries {value:.0%} of the weight; the plan leans on one metric."),
        "no_process_kpi": (f"岗位 {role}{phase}：没有过程指标，只考核结果，无法及时纠偏。",
                           f"Role {role}{phase}: no process KPI; only results are measured, so problems show up late."),
        "low_process_weight": (f"岗位 {role}{phase}：过程指标权重仅 {value:.0%}（建议至少 {threshold:.0%}）。",
                               f"Role {role}{phase}: process KPIs carry only {value:.0%} (suggested at least {threshold:.0%})."),
        "pay_score_correlation_low": (f"激励与绩效不匹配：得分与浮动薪酬的 Spearman 相关仅 {value:.2f}（建议至少 {threshold:.2f}）。",
                                      f"Rewards do not follow results: score vs variable pay Spearman correlation is {value:.2f} (below {threshold:.2f})."),
        "variable_pay_flat": ("所有人的浮动薪酬相同，激励与绩效脱钩。", "Everyone gets the same variable pay: rewards ignore results."),
        "kpi_uniform": (f"岗位 {role}：{people} 人在「{name}」（权重 {value:.0%}）上的得分全部为 "
                        f"{_score_text(threshold)}，这部分权重本期区分不出任何人；若长期如此，请换用能区分他们的指标，或补充所需数据。",
                        f"Role {role}: all {people} people have the same points on {name} "
                        f"({_score_text(threshold)}, weight {value:.0%}), so its weight tells no one apart this period; if "
                        "that lasts, weigh a KPI on which they differ, or add the data it needs."),
        "payout_unaffordable": (
            ("方案负担不起：本期毛利不为正，而仍有发放" if pd.isna(value) else
             f"方案负担不起：总发放为本期{'毛利' if key == 'profit' else '销售额'}的 {value * 100:,.1f}%"
             f"（上限 {threshold:.0%}）{'，超过了这些销售带来的毛利' if key == 'profit' else ''}")
            + "。请检查 incentives 中的底薪、绩效工资、提成和奖项金额是否按本客户设定。",
            ("The plan is not affordable: the period's gross profit is not positive, yet pay is due" if pd.isna(value)
             else f"The plan is not affordable: the total payout is {value * 100:,.1f}% of the period's "
                  f"{'gross profit' if key == 'profit' else key} (limit {threshold:.0%})"
                  f"{', more than these sales made' if key == 'profit' else ''}")
            + ". Check that the base pay, performance pay, commission and award amounts under incentives are the "
              "client's own."),
        "bottom_grade_outearns_top": (f"最低等级中有人的浮动薪酬（{money(value)}）高于最高等级的中位数（{money(threshold)}）。",
                                      f"Someone in the bottom grade earns more variable pay ({money(value)}) than the top grade's median ({money(threshold)})."),
    }
    if issue == "scores_uniform":  # (its figures are given for this issue only)
        texts[issue] = _uniform_texts(role, setting.removesuffix(".peers") + ".weights", value, row, names, labels)
    pair = texts.get(issue)
    return pair[0 if zh else 1] if pair else f"{issue}: {role} {key} {value}"


def _score_text(score: float) -> str:
    """A score as the diagnostics give it: 50, 62.5, 97.91."""
    return f"{score:,.2f}".rstrip("0").rstrip(".")


def _uniform_texts(role: str, setting: str, score: float, row: dict, names: str, labels: list[str]
                   ) -> tuple[str, str]:
    """The sentences (zh, en) of a role whose people all have the same score: it tells no
    one apart, so its grades mean nothing; which KPIs are alike for all, and what to change."""
    n = int(row.get("people") or 0)
    shown = _score_text(score)
    grade = row.get("grade") if isinstance(row.get("grade"), str) and row.get("grade") else ""
    flat = bool(row.get("detail_key"))
    zh = (f"岗位 {role}：{n} 人的得分全部为 {shown}，得分区分不出任何人，"
          + (f"等级（全部为 {grade}）没有意义。" if grade else "等级没有意义。")
          + (f"{names}人人相同。" if flat else "")
          + f"请在 {setting} 中改用能区分他们的指标，或补充该岗位其他指标所需的数据。")
    en = (f"Role {role}: all {n} people score {shown}, so the scores tell no one apart and "
          + (f"their grades (all {grade}) mean nothing." if grade else "their grades mean nothing.")
          + (f" {_and(labels)} {'is' if len(labels) == 1 else 'are'} the same for all of them." if flat else "")
          + f" Weight KPIs on which they differ ({setting}), or add the data the role's other KPIs need.")
    return zh, en


def comparison_end(period: Period, data_end: str, earlier: Period) -> pd.Timestamp:
    """The first day after the part of ``earlier`` that matches the days of ``period`` up to
    ``data_end``: the same calendar dates, moved back by the months between the two starts
    (a year's 2026-01-01 to 2026-10-31 matches 2025-01-01 to 2025-10-31, 2017-01-01 to
    2017-12-30 matches 2016-01-01 to 2016-12-30 across a leap day, and a quarter's
    07-01 to 08-15 matches 04-01 to 05-15; a day that month lacks is its last day), never
    past its end."""
    months = (period.start.year - earlier.start.year) * 12 + period.start.month - earlier.start.month
    last = pd.Timestamp(data_end).normalize() - pd.DateOffset(months=months)
    return min(last + pd.Timedelta(days=1), earlier.end)


def _as_it_stood(dataset, end: pd.Timestamp):
    """The dataset without the rows of its dated tables from ``end`` on (rows without a
    date are kept), and without the monthly targets of the months that start from then on,
    so that the part of a period is measured against the targets of its own months.

    Unlike ``targets._as_of_tables`` (the data as they stood on a day: later payments and
    refunds undone), what is known now of the kept rows stays, as for any earlier period."""
    tables = rows_before(dataset.tables, end)
    t = tables.get("targets")
    if t is not None and "period" in t:
        later = [_month_from(v, end) for v in t["period"].astype(str)]
        tables["targets"] = t[[not x for x in later]]
    return dataclasses.replace(dataset, tables=tables)


def _month_from(value: str, end: pd.Timestamp) -> bool:
    """Whether ``value`` names a month that starts on ``end`` or later."""
    try:
        q = parse_period(value)
    except SalesperfError:  # (not a period: a row the targets table check reports)
        return False
    return q.kind == "month" and q.start >= end


@contextlib.contextmanager
def _held_back(logger_name: str):
    """Hold back a logger's records below ERROR while the block runs (a notice the report
    shows would otherwise reach the executed notebook a second time, in English)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _demo_kind(source: str, params) -> str:
    """Whether a report's data are the kit's demo data: "embedded", "files" (a folder that
    write_sample wrote and nobody changed, with no file named from elsewhere), or ""."""
    from .sample import is_generated

    if source in ("", "demo"):
        return "embedded"
    named = params.data.as_mapping() or {}
    if named.get("files") or named.get("lookups") or not is_generated(source):
        return ""
    return "files"


@contextlib.contextmanager
def _said_in(language: str):
    """The kit's errors raised inside read in ``language`` (those with a Chinese text)."""
    try:
        yield
    except SalesperfError as err:
        if err.language is None:
            err.language = language
        raise


def build_report(*, business: str, params_file: str, data_path: str = "", period: str = "2026-10",
                 client: str = "", language: str = "", as_of: str = "", anonymise: bool = False) -> Report:
    """Load the data and parameters and compute everything the report shows.

    Empty ``client``/``language`` fall back to the parameter file's ``report`` section;
    an empty ``as_of`` is the last day of the period (never today's date, so reruns match),
    and an ``as_of`` after the last date of an export that ends early
    (:func:`coverage.export_end`) is that date: the cover's "data as of" must not claim days
    the export does not reach. An ``as_of`` on or after the period's last day says the
    export is complete, however its last days look. An ``as_of`` within the period, on data
    that go on after it, cuts the data there once, before anything is computed
    (:func:`coverage.as_it_stood_on`): every section, pay included, shows the period as it
    stood that day, and the report ends there as an export taken that day would. Such a
    report's summary compares the days the data cover with the same days of the previous
    period and of last year.
    """
    from .incentives import plan_cost
    from .scoring import earlier_grades, period_payouts, score

    params = load_params(params_file).for_business(business)
    key = params.client_key  # (before the language changes: the plan's name names folders, salts pseudonyms)
    language = language or params.report_language
    if language != params.report_language:  # the scorecard's grade labels and notes follow the report
        params = params.model_copy(update={"report": params.report.model_copy(update={"language": language})})
    client = client or key
    shown = params.client_name(language) if client == key else client  # (the plan's client, in the report's language)
    with _said_in(language):  # (a failed report says why in its own language)
        p = parse_period(period)
        source = params.data_source(data_path or None)
        dataset = load_plan_data(params, source, period=p)
        if anonymise:  # a team called after its manager would name them in every table
            dataset = dataclasses.replace(dataset, tables=anonymise_teams(dataset.tables, salt=client, language=language))
        after_as_of: dict[str, int] = {}
        if as_of and p.start <= pd.Timestamp(as_of).normalize() < p.last_day:
            # "where were we on the 20th": every section on the data as they stood that day, not
            # the goals alone while the summary, scorecard and pay count the whole export
            dataset, after_as_of = as_it_stood_on(dataset, as_of)
        require_records(dataset, p, what="a report or scorecard of it")  # (build_report serves `score` too)
        end = export_end(dataset, p, as_of=as_of or None)  # (a last day without rows is not an early end)
        data_end = f"{end:%Y-%m-%d}" if end is not None else ""
        if set(after_as_of) - {"refunds_undone", "payments_undone"}:  # the export went on: it covers the day itself
            data_end = f"{pd.Timestamp(as_of):%Y-%m-%d}"
        if as_of and data_end and pd.Timestamp(as_of) > pd.Timestamp(data_end):
            as_of = data_end
        options = params.engine_options
        wanted = list(dict.fromkeys([*params.kpi_set(), *DEFAULT_SETS[business]]))
        tables = dataset.tables
        targets = tables.get("targets")
        reviews = tables.get("reviews")

        def run(q: Period):
            k = compute_kpis(dataset, q, kpis=wanted, options=options, required=params.kpis)
            return k, score(k, params, targets=targets, ratings=reviews)

        covered = {q: has_records(dataset, q) for q in (p.previous(), p.same_last_year())}
        # a period the data begin part-way through is not compared with: its figures are part of it
        begun = {name: export_start(dataset, q) for name, q in (("previous", p.previous()),
                                                                ("same_period_last_year", p.same_last_year()))}
        begun = {name: f"{day:%Y-%m-%d}" for name, day in begun.items() if day is not None}
        prev_kpis, prev_card = run(p.previous())
        kpis = compute_kpis(dataset, p, kpis=wanted, options=options, required=params.kpis)
        known = {str(p.previous()): prev_card} if covered[p.previous()] else {}
        card = score(kpis, params, targets=targets, ratings=reviews,
                     history=earlier_grades(dataset, params, p, known=known))
        if data_end:  # ten months of a year against the whole of last year would read as a fall
            part = {q: _as_it_stood(dataset, comparison_end(p, data_end, q)) for q in covered}
            covered = {q: has_records(part[q], q) for q in covered}
            earlier = {q: compute_kpis(data, q, kpis=wanted, options=options) for q, data in part.items()}
            prev_kpis, last_year = earlier[p.previous()], earlier[p.same_last_year()]
        else:
            last_year = compute_kpis(dataset, p.same_last_year(), kpis=wanted, options=options)
        # how the payout notices name a person: by name (a pseudonym in an anonymised report), not by id
        people = (pseudonyms(kpis.wide["employee_id"], salt=client, language=language) if anonymise else
                  dict(zip(kpis.wide["employee_id"].astype(str), kpis.wide["name"].fillna(kpis.wide["employee_id"]).astype(str)))
                  if "name" in kpis.wide else None)
        with _held_back("salesperf_kit.incentives"):  # its notices are in the payout section, in the report's language
            pay = period_payouts(dataset, params, card, names=people)
        cost = plan_cost(pay, kpis)
        plots.set_style()
        with_previous = covered[p.previous()] and "previous" not in begun
        return Report(business=business, period=p, params=params, language=language, client=client, client_name=shown,
                      as_of=as_of or data_end or f"{p.last_day:%Y-%m-%d}", dataset=dataset, kpis=kpis,
                      previous=prev_kpis if with_previous else None,
                      last_year=last_year if covered[p.same_last_year()] and "same_period_last_year" not in begun else None,
                      scorecard=card, previous_scorecard=prev_card if with_previous else None,
                      payouts=pay, plan_cost=cost, anonymise=anonymise, demo=_demo_kind(source, params), data_end=data_end,
                      data_start=begun, after_as_of=after_as_of)
