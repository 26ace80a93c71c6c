"""Parameter files: one YAML per business type, extended and overridden per client.

A file may name a base file with ``extends:`` (a path relative to the file itself); the
client file then overrides only what it names (a deep merge: mappings merge key by key,
lists and plain values replace, and ``null`` removes a key). A role's ``weights`` are the
exception: they must sum to 1, so a client file that gives a role's weights replaces them
whole. The merged result is validated against :class:`Params`: unknown keys
(with a "did you mean"), per-role weights that do not sum to 1, KPIs not in the catalogue,
grade thresholds no score can reach (:meth:`Params.plan_problems`) and wrong types are all
rejected, naming the file and the key path. YAML is safe-loaded.
"""
from __future__ import annotations

import copy
import math
import os
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Optional, Union

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator,
                      model_validator)

from ._checks import closest, did_you_mean
from .catalogue import BUSINESSES, CATALOGUE, CURRENCIES, Note, grouped
from .exceptions import ParamsError, Problem, found_zh, written_zh
from .periods import MONTH_NAMES, MONTH_NUMBERS

__all__ = [
    "Params", "load_params", "deep_merge", "read_yaml", "params_from_dict", "PARAMS_DIR", "business_of", "bases_of",
    "language_of",
    "RoleSpec", "Normalisation", "Grading",
]

PARAMS_DIR = Path(__file__).resolve().parent.parent / "params"
_TOL = 1e-6


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


def kpi_hint(name) -> Note:
    """" Did you mean 'revenue'?" for a KPI misspelt or written as its label (销售额, Revenue):
    a Note, whose ``zh`` asks it in Chinese."""
    from .catalogue import label

    by_label = {}
    for kpi in CATALOGUE:
        for language in ("zh", "en"):
            by_label.setdefault(label(kpi, language), kpi)
    if name in by_label:
        return Note(f" Did you mean '{by_label[name]}'? ({name} is its label; weights name the KPI itself.)",
                    f"是否应为「{by_label[name]}」？（「{name}」是它的名称，这里要写指标本身的键。）")
    return did_you_mean(name, CATALOGUE)


def _check_kpis(names, where: str) -> None:
    for name in names:
        if name not in CATALOGUE:
            hint = kpi_hint(name)
            raise ValueError(Note(f"'{name}' in {where} is not a KPI of the catalogue.{hint}",
                                  f"{where} 中的「{name}」不是指标目录中的指标。{hint.zh}"))


# ----------------------------------------------------------------------------- data
class Lookup(_Model):
    """Columns brought into a table from another file by a shared key (like VLOOKUP): e.g.
    each order's regional manager from a list of regions and managers."""

    file: str = Field(description="the lookup file (or 'book.xlsx#Sheet'), relative to the data folder")
    key: Union[str, dict[str, str]] = Field(
        description="the key header, the same in both files, or {header in the table: header in the file}")
    columns: list[str] = Field(min_length=1, description="headers of the lookup file to bring over")

    @model_validator(mode="before")
    @classmethod
    def _spellings(cls, data):
        return lookup_spellings(data)


def lookup_spellings(entry):
    """A ``data.lookups`` entry with its accepted spellings made plain: ``on`` (pandas'
    word; unquoted, YAML reads it as True) for ``key``, and one column for a list of one."""
    if not isinstance(entry, dict):
        return entry
    if "key" not in entry:
        entry = {("key" if k in ("on", True) else k): v for k, v in entry.items()}
    if isinstance(entry.get("columns"), str):
        entry = {**entry, "columns": [entry["columns"]]}
    return entry


class DataMapping(_Model):
    """How a client's export maps onto the data contract (see loaders.load_dataset)."""

    path: Optional[str] = None  # where the client's export is: a folder or workbook (relative to the file), or "demo"
    files: dict[str, str] = {}
    lookups: dict[str, list[Lookup]] = {}
    lines: list[str] = []  # tables exported with one row per line (e.g. [orders]), combined by their id
    columns: dict[str, dict[str, Union[str, list[str]]]] = {}
    values: dict[str, dict[str, dict[Union[str, bool, int, float], Any]]] = {}  # YAML reads Yes/No as bools
    defaults: dict[str, dict[str, Any]] = {}
    filters: dict[str, dict[str, Union[list[Any], dict[Literal["not"], list[Any]]]]] = {}  # keep, or {not: [...]}
    managers: dict[str, str] = {}  # the people manager_id names with no row: added with this role (and team)
    encoding: Optional[str] = None
    # how the export writes dates such as 9/1/2017 when its dates do not show it
    date_order: Optional[Literal["month-first", "day-first"]] = None
    # the export's decimal mark: "," reads 1.234,56 as 1234.56 (unset: as its numbers show)
    decimal_mark: Optional[Literal[",", "."]] = None

    def as_mapping(self) -> dict:
        """The loaders' ``mapping`` (everything but ``path``)."""
        return {k: v for k, v in self.model_dump(exclude={"path"}).items() if v}


# ----------------------------------------------------------------------------- KPIs
class KPIOptions(_Model):
    """Definitions with a choice (catalogue defaults)."""

    effective_talk_seconds: float = Field(60, ge=0, description="calls shorter than this are not effective talk")
    revenue_basis: Literal["ordered", "received"] = "ordered"
    refund_handling: Literal["exclude", "clawback"] = "exclude"
    big_customer_tiers: list[str] = ["A"]
    complaint_sources: list[Literal["service", "calls"]] = ["service", "calls"]
    complaint_basis: Literal["orders", "tickets"] = "orders"
    satisfied_min: float = Field(4, ge=1, le=5)
    inquiry_channels: list[str] = []


# ----------------------------------------------------------------------------- scoring
class Normalisation(_Model):
    """How a KPI's raw value becomes 0-100 points before weighting.

    ``attainment``: 100 x clip(actual / target, floor, cap), so reaching the target is 100
    points and the cap (1.2 by default) limits over-achievement to 120; ``minmax``,
    ``percentile`` and ``zscore`` (mapped to 0-100, see scoring) compare a person with the
    peers of the same role.
    """

    method: Literal["attainment", "minmax", "percentile", "zscore"] = "percentile"
    floor: float = 0.0
    cap: float = 1.2


def _weight_set_ok(v: dict[str, float]) -> dict[str, float]:
    """A role's KPI weights: KPIs of the catalogue, none negative, summing to 1."""
    _check_kpis(v, "weights")
    negative = [f"{k}={w:g}" for k, w in v.items() if w < 0]
    if negative:
        raise ValueError(Note(f"weights must not be negative, found {', '.join(negative)}. Fix: give each KPI a "
                              "weight of 0 or more (a KPI where less is better is scored that way already)",
                              f"权重不能为负数，实际为 {'、'.join(negative)}。修改方法：每个指标的权重写 0 或更大的数"
                              "（越低越好的指标已按此方向计分）"))
    total = sum(v.values())
    if not math.isclose(total, 1.0, abs_tol=_TOL):
        first = f"{next(iter(v))}: {next(iter(v.values())) / 100:g}"
        fix = (Note(f"these look like percentages: write each as a fraction ({first}), so that they add up to 1",
                    f"这些看起来是百分数：请各写成小数（{first}），使其合计为 1")
               if 90 <= total <= 110 else
               Note(f"change them by {1 - total:+.6g} in all, so that they add up to 1",
                    f"共调整 {1 - total:+.6g}，使其合计为 1"))
        raise ValueError(Note(f"the weights must sum to 1, but they sum to {total:.6g} "
                              f"({', '.join(f'{k}={w:g}' for k, w in v.items())}). Fix: {fix}",
                              f"权重合计应为 1，实际为 {total:.6g}"
                              f"（{'，'.join(f'{k}={w:g}' for k, w in v.items())}）。修改方法：{fix.zh}"))
    return v


#: One role's weights, checked where they stand, so that an error names the role's key
#: (``scenarios.scenarios.<name>.roles.<role>``), not a key the file does not have.
WeightSet = Annotated[dict[str, float], AfterValidator(_weight_set_ok)]


class RoleSpec(_Model):
    """A role's KPI weights. ``peers`` names another role of the plan: the people of both
    are compared in one group on the KPIs scored against peers (min-max, percentile,
    T-score). A single director, alone among directors, is otherwise first on every such KPI."""

    label: dict[str, str] = {}
    weights: WeightSet
    dimensions: dict[str, Literal["result", "process", "potential"]] = {}
    peers: Optional[str] = None


def _labelled(label: dict[str, str], name: str, language: str) -> str:
    """``label`` ({zh: ..., en: ...}) in ``language``, else ``name``."""
    return label.get(language) or name


class Phase(_Model):
    """A weight set that applies in some periods (promotion months, a launch, a review cycle).
    ``name`` is its key (``scenarios.<name>.phase`` names it); ``label`` ({zh: ..., en: ...})
    what a report or an explanation in that language calls it (the name when it has none)."""

    name: str
    label: dict[str, str] = {}
    months: list[int] = []
    periods: list[str] = []
    cycle: Optional[Literal["month", "quarter", "year"]] = None
    roles: dict[str, WeightSet]

    def label_in(self, language: str) -> str:
        """What the phase is called in ``language``: its label, else its name."""
        return _labelled(self.label, self.name, language)

    @property
    def can_apply(self) -> bool:
        """False when the phase sets no criterion (``months``, ``periods``, ``cycle`` all
        empty), so that it applies to no period (see :func:`scoring._phase_matches`)."""
        return bool(self.months or self.periods or self.cycle)

    @field_validator("months")
    @classmethod
    def _months_ok(cls, v):
        bad = [m for m in v if not 1 <= m <= 12]
        if bad:
            raise ValueError(Note(f"months must be 1-12, found {bad}",
                                  f"月份应为 1-12，实际为 {'、'.join(map(str, bad))}"))
        return v


class NewCustomerBonus(_Model):
    points: float = 10
    min_first_order: float = 0
    max_points: Optional[float] = None


class ThresholdBonus(_Model):
    threshold: float
    points: float


class SalesCostRule(_Model):
    limit: float
    discount: float = Field(ge=0, le=1)


class Bonuses(_Model):
    new_customer: Optional[NewCustomerBonus] = None
    repurchase: Optional[ThresholdBonus] = None
    customer_tier_weights: dict[str, float] = {}
    sales_cost: Optional[SalesCostRule] = None
    compliance_points: float = 0
    collaboration_points: float = 0


class Ratings(_Model):
    reviewer_weights: dict[Literal["self", "manager", "peer", "customer"], float] = {
        "self": 0.1, "manager": 0.5, "peer": 0.2, "customer": 0.2}
    weight: float = Field(0.0, ge=0, le=1)


class TeamBlend(_Model):
    phase: str = "mature"
    team_weight: dict[str, float] = {"opening": 0.6, "mature": 0.3}

    @model_validator(mode="after")
    def _phase_known(self):
        if self.phase not in self.team_weight:
            raise ValueError(Note(f"phase '{self.phase}' is not one of team_weight's keys {list(self.team_weight)}",
                                  f"phase「{self.phase}」不是 team_weight 的键之一（"
                                  f"{'、'.join(map(str, self.team_weight))}）"))
        return self


class Grading(_Model):
    method: Literal["thresholds", "forced"] = "thresholds"
    thresholds: dict[str, float] = {"S": 90, "A": 80, "B": 70, "C": 60, "D": 0}
    distribution: dict[str, float] = {}
    rank_tie: Literal["min", "average", "first"] = "min"
    labels: dict[str, dict[str, str]] = {}
    #: whom a forced distribution's shares are taken over: everyone on the scorecard
    #: ("company"), or each role on its own ("role": a role with those it names as ``peers``,
    #: the people compared with each other on the KPIs scored against peers), so that five
    #: team leads scored on other KPIs than fifty agents are not fitted to one curve with them
    within: Literal["company", "role"] = "company"

    @field_validator("distribution")
    @classmethod
    def _distribution_ok(cls, v, info):
        if info.data.get("method") == "forced":
            total = sum(v.values())
            if not v or not math.isclose(total, 1.0, abs_tol=_TOL):
                if not v:
                    fix = Note("give each grade its share, e.g. {A: 0.2, B: 0.7, C: 0.1}",
                               "写出每个等级的比例，例如 {A: 0.2, B: 0.7, C: 0.1}")
                elif total > 1.5:  # 10/20/40/20/10 written as percentages
                    first = f"{next(iter(v))}: {next(iter(v.values())) / 100:g}"
                    fix = Note(f"these look like percentages: write each as a fraction ({first}), so that they "
                               "add up to 1", f"这些看起来是百分数：请各写成小数（{first}），使其合计为 1")
                else:
                    fix = Note(f"change the shares by {1 - total:+.6g} in all, so that they add up to 1",
                               f"各比例共调整 {1 - total:+.6g}，使其合计为 1")
                raise ValueError(Note(f"a forced distribution must list grade shares that sum to 1, found "
                                      f"{total:g}. Fix: {fix}",
                                      f"强制分布的各等级比例合计应为 1，实际为 {total:g}。修改方法：{fix.zh}"))
        return v


class Promotion(_Model):
    grade: str = "A"
    consecutive: int = Field(2, ge=1)


class Scoring(_Model):
    normalisation: Normalisation = Normalisation()
    kpi_normalisation: dict[str, Normalisation] = {}
    dimension_weights: dict[Literal["result", "process", "potential"], float] = {}
    roles: dict[str, RoleSpec]
    default_role: Optional[str] = None
    phases: list[Phase] = []
    bonuses: Bonuses = Bonuses()
    ratings: Ratings = Ratings()
    team_blend: Optional[TeamBlend] = None
    grading: Grading = Grading()
    promotion: Promotion = Promotion()
    #: someone the employees table's dates rule out of the period who has records in it (a
    #: leaver whose shop link still sells): left out of scoring, ranking and pay, their
    #: results still in the totals; or scored and paid as usual
    out_of_post: Literal["leave_out", "score"] = "leave_out"

    @model_validator(mode="after")
    def _consistent(self):
        _check_kpis(self.kpi_normalisation, "kpi_normalisation")
        if self.dimension_weights and not math.isclose(sum(self.dimension_weights.values()), 1, abs_tol=_TOL):
            raise ValueError(Note("dimension_weights must sum to 1",
                                  f"dimension_weights 合计应为 1，实际为 {sum(self.dimension_weights.values()):g}"))
        if self.default_role is not None and self.default_role not in self.roles:
            hint = did_you_mean(self.default_role, self.roles)
            raise ValueError(Note(f"default_role '{self.default_role}' is not one of the roles {list(self.roles)}"
                                  + hint, f"default_role「{self.default_role}」不是本方案的角色之一（"
                                  f"{'、'.join(self.roles)}）。{hint.zh}"))
        for name, spec in self.roles.items():
            other = spec.peers
            if other is None:
                continue
            where = f"roles.{name}.peers"
            if other not in self.roles or other == name:
                hint = did_you_mean(other, [r for r in self.roles if r != name])
                raise ValueError(Note(
                    f"{where} is '{other}', which is not another role of the plan {list(self.roles)}." + hint
                    + " Fix: name the role whose people this role is compared with, or remove the key",
                    f"{where} 为「{other}」，它不是本方案的另一个角色（{'、'.join(self.roles)}）。{hint.zh}"
                    "修改方法：写出与该角色一起比较的角色，或删除此键"))
            if self.roles[other].peers is not None:
                theirs = self.roles[other].peers
                raise ValueError(Note(
                    f"{where} is '{other}', whose people are compared with '{theirs}' in turn. Fix: name "
                    f"'{theirs}' here, so that the roles compared together share one peers role",
                    f"{where} 为「{other}」，而「{other}」又与「{theirs}」比较。修改方法：此处改写「{theirs}」，"
                    "使一起比较的角色共用同一个 peers 角色"))
        return self

    def normalisation_of(self, kpi: str) -> Normalisation:
        """How ``kpi`` is normalised: ``kpi_normalisation[kpi]``, else ``normalisation``."""
        return self.kpi_normalisation.get(kpi, self.normalisation)

    def score_ceiling(self) -> tuple[float, str, list[str]]:
        """The highest score the plan can give, following scoring's order of steps: KPI
        points reach 100 (100 x cap for a KPI scored by attainment, whose weight can be a
        person's whole score when the other KPIs have no value), a 360 rating blend reaches
        100, then the bonuses with a limit are added; the sales-cost discount, penalties and
        the team blend (a mean) never raise a score.

        Returns the ceiling, how it is made up, and the bonus rules without a limit (points
        per customer or per deal assisted), which can lift a score past it.
        """
        kpi_max, capped_by = 100.0, None
        for norm in (self.normalisation, *self.kpi_normalisation.values()):
            if norm.method == "attainment" and 100 * norm.cap > kpi_max:
                kpi_max, capped_by = 100 * norm.cap, norm.cap
        parts = [f"KPI points up to {kpi_max:g}" + (f", as attainment is capped at {capped_by:g}" if capped_by else "")]
        top = kpi_max
        w = self.ratings.weight
        if w > 0 and (1 - w) * kpi_max + w * 100 > top:
            top = (1 - w) * kpi_max + w * 100
            parts.append(f"{w:g} of it 360 ratings, up to 100")
        b, bonuses, uncapped = self.bonuses, [], []
        if b.new_customer is not None and b.new_customer.points > 0:
            if b.new_customer.max_points is None:
                uncapped.append(f"bonuses.new_customer ({b.new_customer.points:g} points per new customer, "
                                "no max_points)")
            elif b.new_customer.max_points > 0:
                bonuses.append(("new_customer", b.new_customer.max_points))
        if b.repurchase is not None and b.repurchase.points > 0:
            bonuses.append(("repurchase", b.repurchase.points))
        if b.collaboration_points > 0:
            uncapped.append(f"bonuses.collaboration_points ({b.collaboration_points:g} points per deal assisted)")
        if b.compliance_points < 0:  # a negative penalty adds points
            uncapped.append(f"bonuses.compliance_points ({b.compliance_points:g} per violation)")
        if bonuses:
            total = sum(p for _, p in bonuses)
            top += total
            parts.append(f"bonuses up to {total:g}: " + ", ".join(f"{k} {p:g}" for k, p in bonuses))
        return top, "; ".join(parts), uncapped


# ----------------------------------------------------------------------------- incentives
MAX_FRACTION = 3.0  # 300 %: an attainment level or share above it is a percentage typed as a number


def _fraction_ok(v: Optional[float], what: Note) -> Optional[float]:
    """``v`` unchanged when it is a plausible fraction; a percentage typed as a number
    (50 for 50 %) is rejected with the fraction to write."""
    if v is not None and v > MAX_FRACTION:
        raise ValueError(Note(f"{what} is a fraction: {v:g} means {v:.0%}. Fix: write {v:g} % as {v / 100:g} "
                              f"(above {MAX_FRACTION:g}, {MAX_FRACTION:.0%}, is not accepted)",
                              f"{what.zh}是小数：{v:g} 表示 {v:.0%}。修改方法：将 {v:g}% 写为 {v / 100:g}"
                              f"（不接受大于 {MAX_FRACTION:g}，即 {MAX_FRACTION:.0%} 的值）"))
    return v


class Tier(_Model):
    above: float = Field(ge=0, description="lower bound of the tier (attainment or amount)")
    rate: float = Field(ge=0, description="the share of the amount paid, a fraction: 0.03 for 3 %")

    @field_validator("rate")
    @classmethod
    def _rate_is_a_fraction(cls, v):
        if v > 1:  # more than the whole amount: a percentage typed as a number (3 for 3 %)
            raise ValueError(Note(f"a rate is a fraction of the amount: {v:g} would pay {v:.0%} of it. "
                                  f"Fix: write {v:g} % as {v / 100:g}",
                                  f"费率是金额的比例（小数）：{v:g} 表示支付金额的 {v:.0%}。"
                                  f"修改方法：将 {v:g}% 写为 {v / 100:g}"))
        return v


class Commission(_Model):
    basis: Literal["ordered", "received"] = "ordered"
    measure: Literal["amount", "attainment"] = "amount"
    mode: Literal["marginal", "whole"] = "marginal"
    boundary: Literal["lower_inclusive", "lower_exclusive"] = "lower_inclusive"
    tiers: list[Tier] = []
    accelerator_above: Optional[float] = None
    accelerator_multiplier: float = 1.0
    gate_below: Optional[float] = None
    cap: Optional[float] = Field(None, ge=0, description="the most commission paid in a period")

    @field_validator("gate_below")
    @classmethod
    def _gate_is_a_fraction(cls, v):
        return _fraction_ok(v, Note("the gate (a level of target attainment)", "门槛（目标达成率）"))

    @field_validator("tiers")
    @classmethod
    def _ascending(cls, v):
        bounds = [t.above for t in v]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            raise ValueError(Note(f"tiers must be listed with strictly ascending 'above', found {bounds}",
                                  f"各档应按 above 严格递增排列，实际为 {'、'.join(f'{b:g}' for b in bounds)}"))
        return v


class OverTarget(_Model):
    threshold: float = Field(0.10, ge=0, description="how far above target: 0.10 = at 110 % of target")
    bonus_share: float = Field(0.30, ge=0, description="the bonus as a share of performance pay")

    @field_validator("threshold")
    @classmethod
    def _threshold_is_a_fraction(cls, v):
        return _fraction_ok(v, Note("the threshold (how far above target)", "超额门槛（超出目标的幅度）"))

    @field_validator("bonus_share")
    @classmethod
    def _share_is_a_fraction(cls, v):
        return _fraction_ok(v, Note("the bonus (a share of performance pay)", "奖金（绩效工资的比例）"))


class TeamPool(_Model):
    amount: float = Field(0, ge=0)
    split: Literal["equal", "by_revenue"] = "equal"


#: An amount or multiplier of pay: never negative (a negative cap or pool would take pay away).
_NonNegative = Annotated[float, Field(ge=0)]


class Incentives(_Model):
    base_pay: dict[str, _NonNegative] = {"default": 0}
    performance_pay: dict[str, _NonNegative] = {"default": 0}
    grade_multipliers: dict[str, _NonNegative] = {}
    commission: Commission = Commission()
    over_target: Optional[OverTarget] = None
    team_pool: Optional[TeamPool] = None
    awards: dict[Literal["sales_champion", "best_service", "team_champion"], _NonNegative] = {}
    clawback: bool = True
    #: base and performance pay of someone hired or gone part-way through the period:
    #: ``calendar_days`` pays days employed / days of the period (按在职天数折算), ``none``
    #: pays the whole period's amounts
    prorate: Literal["calendar_days", "none"] = "calendar_days"
    #: what the plan's amounts, tiers, caps and gates are for: ``month`` (a quarter's or a
    #: year's pay is the sum of its months' pay, each month scored and paid on its own), or
    #: ``period`` (the plan applies once to whatever period is scored: a quarterly bonus plan)
    pay_period: Literal["month", "period"] = "month"


# ----------------------------------------------------------------------------- goals, audit, scenarios
class CalibrationRule(_Model):
    """"If ``kpi`` changes by ``change_at_least`` against its mean over the previous
    ``baseline_periods``, adjust these targets." ``label`` ({zh: ..., en: ...}) is what a
    report in that language calls the rule (its ``name`` when it has none)."""

    name: str
    label: dict[str, str] = {}
    kpi: str
    change_at_least: float
    baseline_periods: int = 3
    adjust: dict[str, float]

    def label_in(self, language: str) -> str:
        """What the rule is called in ``language``: its label, else its name."""
        return _labelled(self.label, self.name, language)

    @model_validator(mode="after")
    def _kpis(self):
        _check_kpis([self.kpi, *self.adjust], "calibration rule")
        return self


#: where a month is written, as a Chinese message names it
_WHERE_ZH = {"promotion month": "促销月份", "profile": "profile"}


def _month_of(value, where: str) -> int:
    """A month 1-12 written as a number, an English name or abbreviation (jun, June) or 6月."""
    if isinstance(value, bool):
        raise ValueError(Note(f"{where}: '{value}' is not a month; write 1-12, jan-dec or 1月-12月",
                              f"{_WHERE_ZH.get(where, where)}：「{value}」不是月份，请写 1-12、jan-dec 或 1月-12月"))
    if isinstance(value, (int, float)) and float(value).is_integer() and 1 <= value <= 12:
        return int(value)
    text = str(value).strip().lower().removesuffix("月").removesuffix(".")
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    if text in MONTH_NUMBERS:
        return MONTH_NUMBERS[text]
    known = [*MONTH_NAMES, *(n[:3] for n in MONTH_NAMES)]
    hint = did_you_mean(str(value).lower(), known)
    raise ValueError(Note(f"{where}: '{value}' is not a month; write 1-12, jan-dec or 1月-12月.{hint}",
                          f"{_WHERE_ZH.get(where, where)}：「{value}」不是月份，请写 1-12、jan-dec 或 1月-12月。{hint.zh}"))


class PromotionEvent(_Model):
    """A promotion of the target calendar: its month (or a ``date`` in it, which gives the
    month: targets are monthly, so a 3-day event weighs its whole month) and its weight."""
    name: str
    month: int = Field(ge=1, le=12)
    weight: float = Field(1.0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _month_of_date(cls, v):
        if not (isinstance(v, Mapping) and "date" in v):
            return v
        v = dict(v)
        day = v.pop("date")
        if "month" in v:
            raise ValueError(Note("give the promotion's month or its date, not both",
                                  "促销写 month 或 date 其中之一，不要同时写"))
        when = _date_of(day)
        if when is None:
            raise ValueError(Note(f"date: '{day}' is not a date; write it as 2027-01-20",
                                  f"date：「{day}」不是日期，请写成 2027-01-20 的形式"))
        v["month"] = when.month
        v.setdefault("name", f"{when:%Y-%m-%d}")
        return v

    @field_validator("name", mode="before")
    @classmethod
    def _name_as_text(cls, v):
        # `name: 618` in YAML is a number; the promotion is still called 618
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @field_validator("month", mode="before")
    @classmethod
    def _month_by_name(cls, v):
        return _month_of(v, "promotion month")


def _date_of(value):
    """A date written in a plan (YAML reads 2027-01-20 as a date already), or None."""
    import datetime as dt

    if isinstance(value, dt.date):
        return value
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(value).strip())
    try:
        return dt.date(*map(int, m.groups())) if m else None
    except ValueError:  # (2027-02-30)
        return None


MAX_UPLIFT = 3.0  # +300 %: a larger uplift is taken for a percentage typed as a number


def uplift_problem(uplift: float) -> Note | None:
    """What is wrong with a target uplift (a fraction of the baseline), or None: a Note,
    whose ``zh`` says it in Chinese."""
    if uplift <= -1:
        return Note(f"uplift must be above -1 (e.g. 0.25 for +25 %), but {uplift:g} was given",
                    f"uplift 应大于 -1（例如 0.25 表示增长 25%），实际为 {uplift:g}")
    if uplift > MAX_UPLIFT:  # almost surely a percentage written as a number: 25 for +25 %
        return Note(f"uplift is a fraction of the baseline: {uplift:g} would set targets at {1 + uplift:g} times the "
                    f"baseline. Write +{uplift:g} % as {uplift / 100:g}; growth above {MAX_UPLIFT:g} "
                    f"(+{MAX_UPLIFT:.0%}) is not accepted",
                    f"uplift 是相对基数的增幅（小数）：{uplift:g} 会把目标定为基数的 {1 + uplift:g} 倍。"
                    f"修改方法：将 +{uplift:g}% 写为 {uplift / 100:g}（不接受大于 {MAX_UPLIFT:g}，即 "
                    f"+{MAX_UPLIFT:.0%} 的增幅）")
    return None


class TargetSettings(_Model):
    kpis: list[str] = ["revenue"]
    method: Literal["history", "capacity", "equal"] = "history"
    uplift: float = 0.25
    smoothing_periods: int = Field(3, ge=1)
    profile: Optional[list[float]] = None
    promotions: list[PromotionEvent] = [PromotionEvent(name="618", month=6, weight=1.3),
                                        PromotionEvent(name="双11", month=11, weight=1.5)]
    new_hire_ramp_months: int = Field(3, ge=0)
    calibration: list[CalibrationRule] = []

    @field_validator("kpis")
    @classmethod
    def _kpis_ok(cls, v):
        _check_kpis(v, "targets.kpis")
        return v

    @field_validator("uplift")
    @classmethod
    def _uplift_ok(cls, v):
        problem = uplift_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("profile", mode="before")
    @classmethod
    def _profile_by_month(cls, v):
        """A profile may also be written month by month: {jan: 7, feb: 6, ...} or {1月: 7, ...}."""
        if not isinstance(v, dict):
            return v
        by_month: dict[int, Any] = {}
        for key, value in v.items():
            m = _month_of(key, "profile")
            if m in by_month:
                raise ValueError(Note(f"profile names {MONTH_NAMES[m - 1].capitalize()} twice; give each month once",
                                      f"profile 中 {m} 月写了两次，每个月只写一次"))
            by_month[m] = value
        missing = [MONTH_NAMES[m - 1][:3] for m in range(1, 13) if m not in by_month]
        if missing:
            absent = [m for m in range(1, 13) if m not in by_month]
            raise ValueError(Note(f"profile must give all 12 months, {', '.join(missing)} missing; "
                                  "add them (0 for a month without sales)",
                                  f"profile 应写满 12 个月，缺少 {'、'.join(f'{m} 月' for m in absent)}。"
                                  "修改方法：补上这些月份（没有销售的月份写 0）"))
        return [by_month[m] for m in range(1, 13)]

    @field_validator("profile")
    @classmethod
    def _profile_ok(cls, v):
        if v is not None:
            if len(v) != 12:
                raise ValueError(Note(f"profile must have 12 monthly percentages (January to December), found "
                                      f"{len(v)}; give one per month, e.g. [7, 6, 7, 8, 8, 10, 8, 8, 8, 9, 13, 8]",
                                      f"profile 应有 12 个月度百分比（1 月到 12 月），实际有 {len(v)} 个。"
                                      "修改方法：每月写一个，例如 [7, 6, 7, 8, 8, 10, 8, 8, 8, 9, 13, 8]"))
            total = sum(v)
            if not math.isclose(total, 100, abs_tol=1e-6):
                fix = (Note("these look like fractions of 1: write each month as a percentage (0.07 → 7)",
                            "这些看起来是小数：请把每个月写成百分数（0.07 → 7）")
                       if math.isclose(total, 1, abs_tol=1e-6) else
                       Note(f"change the months by {100 - total:+g} in all so that they add up to 100",
                            f"各月共调整 {100 - total:+g}，使其合计为 100"))
                raise ValueError(Note(f"profile percentages must sum to 100, found {total:g}; {fix}",
                                      f"profile 各月百分比合计应为 100，实际为 {total:g}。修改方法：{fix.zh}"))
        return v


class AnomalySettings(_Model):
    conversion_jump: float = 0.5
    baseline_periods: int = 3
    brushing_orders: int = 5
    brushing_window_minutes: float = 60
    brushing_max_amount: float = 50
    short_call_seconds: float = 10
    short_call_share: float = 0.3
    robust_z: float = 3.5


class Scenario(_Model):
    label: dict[str, str] = {}
    roles: dict[str, WeightSet] = {}
    phase: Optional[str] = None
    #: the pay plan under this scenario: what the file writes here is merged over the plan's
    #: ``incentives`` (as ``extends`` merges, ``null`` removing a key) before it is validated,
    #: so ``{commission: {cap: 30000}}`` changes the cap alone; None: the plan's own
    incentives: Optional[Incentives] = None


class AHPSpec(_Model):
    """A pairwise comparison matrix (Saaty's 1-9 scale) over ``kpis`` for one role."""

    role: Optional[str] = None
    kpis: list[str] = []
    matrix: list[list[float]]

    @field_validator("matrix", mode="before")
    @classmethod
    def _fractions(cls, v):
        """Accept Saaty's fractions written as text, e.g. 1/3."""
        def num(x):
            if isinstance(x, str) and "/" in x:
                a, _, b = x.partition("/")
                try:
                    return float(a) / float(b)
                except (ValueError, ZeroDivisionError):
                    return x
            return x
        return [[num(x) for x in row] if isinstance(row, list) else row for row in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _square_reciprocal(self):
        n = len(self.matrix)
        if any(len(row) != n for row in self.matrix):
            lengths = [len(r) for r in self.matrix]
            raise ValueError(Note(f"the matrix must be square, found rows of lengths {lengths}",
                                  f"matrix 应为方阵（行数与每行的个数相同），实际 {n} 行的长度为 "
                                  f"{'、'.join(map(str, lengths))}"))
        if self.kpis:
            _check_kpis(self.kpis, "ahp.kpis")
            if len(self.kpis) != n:
                raise ValueError(Note(f"the matrix has {n} rows but kpis lists {len(self.kpis)} KPIs",
                                      f"matrix 有 {n} 行，而 kpis 列了 {len(self.kpis)} 个指标，两者应相同"))
        for i in range(n):
            for j in range(n):
                a, b = self.matrix[i][j], self.matrix[j][i]
                if a <= 0:
                    raise ValueError(Note(f"matrix[{i}][{j}] must be positive, found {a:g}",
                                          f"matrix 第 {i + 1} 行第 {j + 1} 列应为正数，实际为 {a:g}"))
                if not math.isclose(a * b, 1.0, rel_tol=1e-2):
                    raise ValueError(Note(f"matrix[{i}][{j}] x matrix[{j}][{i}] must be 1 (reciprocal), "
                                          f"found {a:g} x {b:g}",
                                          f"matrix 第 {i + 1} 行第 {j + 1} 列与第 {j + 1} 行第 {i + 1} 列应互为倒数"
                                          f"（乘积为 1），实际为 {a:g} × {b:g}"))
        return self


class ScenarioSettings(_Model):
    scenarios: dict[str, Scenario] = {}
    top_k: int = Field(3, ge=1, strict=True)
    draws: int = Field(1000, ge=1, strict=True)
    concentration: float = Field(50, gt=0, strict=True)
    seed: int = Field(0, strict=True)
    ahp: dict[str, AHPSpec] = {}


class Report(_Model):
    language: Optional[Literal["zh", "en"]] = None  # None: the file's top-level ``language``
    #: the client's name, or its name in each language ({zh: 演示客户, en: Demo client}):
    #: a report's title gives the name in the report's language; its folder, the name in the
    #: plan's (see :meth:`Params.client_key`)
    client: Union[str, dict[str, str]] = "demo"
    top_n: int = Field(10, ge=1)
    anonymise: bool = False
    #: the unit of the amounts of money, which headings and sentences about money then give:
    #: an ISO code (CNY: 元 in a Chinese report, CNY in an English one), a unit (元), or one
    #: per language ({zh: 元, en: RMB}); None: money is shown without a unit
    currency: Union[str, dict[str, str], None] = None

    @field_validator("currency", mode="before")
    @classmethod
    def _currency_ok(cls, v):
        currency_units(v)  # (raises what is wrong with it)
        return v

    @field_validator("client", mode="before")
    @classmethod
    def _client_written(cls, v):
        if not isinstance(v, (str, dict)):
            raise ValueError(Note("expected the client's name, or its name per language ({zh: ..., en: ...})",
                                  "应为客户名称，或按语言分别写出的名称（{zh: ..., en: ...}）"))
        return v

    @field_validator("client")
    @classmethod
    def _client_ok(cls, v):
        if isinstance(v, dict):
            unknown = [k for k in v if k not in ("zh", "en")]
            if unknown:
                hint = did_you_mean(unknown[0], ['zh', 'en'])
                raise ValueError(Note(f"the client's name is given per language as {{zh: ..., en: ...}}; "
                                      f"'{unknown[0]}' is not one of zh, en.{hint}",
                                      f"按语言写客户名称时应为 {{zh: ..., en: ...}}，「{unknown[0]}」不是 zh 或 en。"
                                      f"{hint.zh}"))
            if not v:
                raise ValueError(Note("give the client's name ({zh: ..., en: ...}, or one name)",
                                      "请写出客户名称（{zh: ..., en: ...}，或一个名称）"))
        names = v.values() if isinstance(v, dict) else [v]
        if any(not str(n).strip() for n in names):
            raise ValueError(Note("the client's name is empty: it names the report's folder and title",
                                  "客户名称为空：报告的文件夹和标题都用它命名"))
        return v


_CODE = re.compile(r"[A-Za-z]{3}")
_CURRENCY_EXAMPLE = "e.g. currency: CNY, currency: 元, or currency: {zh: 元, en: CNY}"
_CURRENCY_EXAMPLE_ZH = "例如 currency: CNY、currency: 元 或 currency: {zh: 元, en: CNY}"


def _currency_unit(text, where: str) -> dict[str, str]:
    """The unit of money ``text`` (one value of ``report.currency``) in each language: an ISO
    code of :data:`CURRENCIES` (any case) or one of its names (元, 人民币, RMB) as its Chinese
    word and its code; other text, such as a sign (¥, S$), as written in both."""
    if not isinstance(text, str) or not text.strip():
        found = f", found {text!r}" if where else ""  # (at the key itself, the error adds what it found)
        found_zh = f"，实际为{_found_zh(text)}" if where else ""
        raise ValueError(Note(f"expected the currency{where} as text, a code or a unit{found}. "
                              f"Fix: {_CURRENCY_EXAMPLE}",
                              f"{_for_language_zh(where)}货币应为文本：代码或单位{found_zh}。"
                              f"修改方法：{_CURRENCY_EXAMPLE_ZH}"))
    text = text.strip()
    for code, (zh, names) in CURRENCIES.items():
        if text.upper() == code or text == zh or text.upper() in names or text in names:
            return {"zh": zh, "en": code}
    if _CODE.fullmatch(text):  # a code, but not one of the known: a typo is likelier than a rare currency
        hint = did_you_mean(text.upper(), CURRENCIES)
        raise ValueError(Note(f"'{text}'{where} is not a currency code the kit knows ({', '.join(CURRENCIES)})."
                              f"{hint} Fix: write a known code, or the unit in "
                              f"each language as the report should show it ({{zh: ..., en: ...}})",
                              f"{_for_language_zh(where)}「{text}」不是已知的货币代码（{'、'.join(CURRENCIES)}）。"
                              f"{hint.zh}修改方法：写已知的代码，或按报告中要显示的样子分别写出各语言的单位"
                              "（{zh: ..., en: ...}）"))
    return {"zh": text, "en": text}


def _for_language_zh(where: str) -> str:
    """`` for zh`` (where a currency is written per language) as a Chinese message begins:
    ``zh 的``; "" for the key itself."""
    return f"{where.removeprefix(' for ')} 的" if where else ""


def currency_units(value) -> dict[str, str] | None:
    """``report.currency`` as the unit of money in each language ({"zh": "元", "en": "CNY"}),
    or None when it is not set. A value per language is shown as written ({zh: 元, en: RMB});
    a language it leaves out gets the unit of the value it gives ({zh: 元}: CNY in English).
    Raises ValueError, saying what to write, for a value that names no currency."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return _currency_unit(value, "")
    unknown = [k for k in value if k not in ("zh", "en")]
    if unknown:
        hint = did_you_mean(str(unknown[0]), ['zh', 'en'])
        raise ValueError(Note(f"the currency is given per language as {{zh: ..., en: ...}}; '{unknown[0]}' is not "
                              f"one of zh, en.{hint}",
                              f"按语言写货币时应为 {{zh: ..., en: ...}}，「{unknown[0]}」不是 zh 或 en。{hint.zh}"))
    if not value:
        raise ValueError(Note(f"the currency is empty. Fix: give its unit, {_CURRENCY_EXAMPLE}, or remove the key",
                              f"货币为空。修改方法：写出单位，{_CURRENCY_EXAMPLE_ZH}，或删除此键"))
    units = {language: _currency_unit(text, f" for {language}") for language, text in value.items()}
    given = next(iter(units.values()))
    return {language: value[language].strip() if language in value else given[language] for language in ("zh", "en")}


#: the currency of the shipped plans' amounts of pay (params/<business>.yaml: examples in yuan)
SHIPPED_CURRENCY = "CNY"


def _currency_code(value) -> str | None:
    """The ISO code of ``report.currency`` (CNY for 元 or {zh: 元, en: RMB}); None when it is
    not set or names no currency the kit knows (¥, S$)."""
    if value is None:
        return None
    codes = {_currency_unit(text, "")["en"] for text in (value.values() if isinstance(value, dict) else [value])}
    codes &= set(CURRENCIES)
    return SHIPPED_CURRENCY if SHIPPED_CURRENCY in codes else min(codes, default=None)


def _pay_amounts(inc: Incentives, at: tuple) -> list[tuple[tuple, float]]:
    """The amounts of money in ``inc`` (the incentives at key path ``at``), other than 0, with
    their key paths: base and performance pay, awards, the commission's cap and, when it is
    paid on an amount (not on attainment), its tiers' and accelerator's thresholds, and the
    team pool. Rates, shares, multipliers and gates are fractions, in no currency."""
    out = [((*at, name, role), v) for name in ("base_pay", "performance_pay", "awards")
           for role, v in getattr(inc, name).items()]
    com = inc.commission
    if com.measure == "amount":
        out += [((*at, "commission", "tiers", i, "above"), t.above) for i, t in enumerate(com.tiers)]
        if com.accelerator_above is not None:
            out.append(((*at, "commission", "accelerator_above"), com.accelerator_above))
    if com.cap is not None:
        out.append(((*at, "commission", "cap"), com.cap))
    if inc.team_pool is not None:
        out.append(((*at, "team_pool", "amount"), inc.team_pool.amount))
    return [(loc, v) for loc, v in out if v]


def _grades(grading: Grading) -> tuple[list[str], str]:
    """The grades ``grading`` gives, and the key that lists them."""
    if grading.method == "forced":
        return list(grading.distribution), "scoring.grading.distribution"
    return list(grading.thresholds), "scoring.grading.thresholds"


def _grade_of_label(grading: Grading) -> dict[str, str]:
    """Each grade's label (in any language) -> the grade, for labels that name one grade only."""
    grades, _ = _grades(grading)
    found: dict[str, set[str]] = {}
    for labels in grading.labels.values():
        for grade, text in labels.items():
            if grade in grades and text not in grades:
                found.setdefault(text, set()).add(grade)
    return {text: next(iter(g)) for text, g in found.items() if len(g) == 1}


def _multipliers_by_grade(multipliers: dict, grading: Grading) -> dict:
    """``multipliers`` with a grade written as its label (优秀 for A) keyed by the grade;
    of a grade written twice (as itself and as its label) the later one counts, as a
    scenario's change is merged after the plan's."""
    by_label = _grade_of_label(grading)
    if not any(k in by_label for k in multipliers):
        return multipliers
    out: dict = {}
    for key, value in multipliers.items():
        grade = by_label.get(key, key)
        out.pop(grade, None)
        out[grade] = value
    return out


def _unknown_grade_keys(multipliers: Mapping, grading: Grading, key: str) -> list[Problem]:
    """A problem for each key of ``multipliers`` (at ``key``) that is not a grade of ``grading``:
    its multiplier would apply to nobody, and the grade meant would keep its own."""
    grades, where = _grades(grading)
    labels = _grade_of_label(grading)
    example = next((Note(f" (or its label, e.g. {t} for {g})", f"（或其名称，例如用「{t}」表示 {g}）")
                    for t, g in labels.items()), Note("", ""))
    out = []
    for k in multipliers:
        if k in grades:
            continue
        out.append(Problem(
            table="", check="unknown_grade", key=f"{key}.{k}",
            message=f"'{k}' is not a grade of the plan ({where}: {', '.join(grades)}), so its multiplier would "
                    f"apply to nobody.{did_you_mean(k, [*grades, *labels])}",
            fix=Note(f"write one of {', '.join(grades)}{example}", f"填写其中之一：{'、'.join(grades)}{example.zh}"),
            zh=f"{key}.{k}：「{k}」不是本方案的等级（{'、'.join(grades)}），该系数不会用于任何人。"))
    return out


class Params(_Model):
    """A whole parameter file, after ``extends`` has been merged."""

    business: Literal["online", "telesales", "ecommerce", "direct"]
    language: Literal["zh", "en"] = "zh"
    data: DataMapping = DataMapping()
    kpis: list[str] = []
    kpi_options: KPIOptions = KPIOptions()
    scoring: Scoring
    incentives: Incentives = Incentives()
    targets: TargetSettings = TargetSettings()
    anomalies: AnomalySettings = AnomalySettings()
    scenarios: ScenarioSettings = ScenarioSettings()
    report: Report = Report()
    source: Optional[str] = Field(None, exclude=True)
    # where each key is written (file name, line), for findings located at a key
    _key_lines: dict = PrivateAttr(default_factory=dict)
    # the whole path of the file that writes each key (a shipped plan's, for a key a client file inherits)
    _key_files: dict = PrivateAttr(default_factory=dict)

    @field_validator("kpis")
    @classmethod
    def _kpis_ok(cls, v):
        _check_kpis(v, "kpis")
        return v

    @model_validator(mode="before")
    @classmethod
    def _scenario_pay_over_the_plan(cls, data):
        """A scenario's ``incentives`` is written as a change to the plan's: merge it over
        them here, so that it is validated (and its errors named) as a whole pay plan."""
        if not isinstance(data, dict):
            return data
        settings = data.get("scenarios")
        named = settings.get("scenarios") if isinstance(settings, dict) else None
        plan = data.get("incentives", {})
        if not isinstance(named, dict) or not isinstance(plan, dict):
            return data
        try:
            Incentives.model_validate(plan)
        except ValidationError:  # reported at incentives: each change is checked alone, not with them again
            return data
        merged = {}
        for name, spec in named.items():
            change = spec.get("incentives") if isinstance(spec, dict) else None
            if isinstance(change, dict):
                at = ("scenarios", "scenarios", str(name), "incentives")
                spec = {**spec, "incentives": _merge(plan, change, at, None, "the plan's incentives",
                                                     model=Incentives, root=at)}
            merged[name] = spec
        return {**data, "scenarios": {**settings, "scenarios": merged}}

    @model_validator(mode="after")
    def _grade_labels_as_grades(self):
        """A grade multiplier written with the grade's label (优秀 for A) is that grade's."""
        grading = self.scoring.grading
        for inc in (self.incentives, *(s.incentives for s in self.scenarios.scenarios.values())):
            if inc is not None:
                inc.grade_multipliers = _multipliers_by_grade(inc.grade_multipliers, grading)
        return self

    @property
    def report_language(self) -> str:
        """The language of reports, scorecards and explanations: ``report.language`` when
        the file sets it, else the top-level ``language``."""
        return self.report.language or self.language

    def client_name(self, language: str | None = None) -> str:
        """The client's name in ``language`` (the report language by default):
        ``report.client`` as written, or its entry for that language when it is written per
        language ({zh: ..., en: ...}), else the name in the other language."""
        client = self.report.client
        if not isinstance(client, dict):
            return client
        language = language or self.report_language
        return client.get(language) or client.get(self.language) or next(iter(client.values()))

    def currency(self, language: str | None = None) -> str | None:
        """The unit of money in ``language`` (the report language by default): "元" or "CNY"
        for ``report.currency: CNY``; None when the plan does not set it."""
        units = currency_units(self.report.currency)
        return units[language or self.report_language] if units else None

    @property
    def client_key(self) -> str:
        """The client's name in the plan's report language (:attr:`report_language`): the
        folder of its reports (``reports/<period>/<client_key>/``, whatever their language,
        so that a plan's reports in both languages sit side by side) and the salt of its
        pseudonyms."""
        return self.client_name(self.report_language)

    @property
    def engine_options(self) -> dict:
        """The options of the KPI engine (``compute_kpis(options=...)``): ``kpi_options``
        and the reviewer weights of ``scoring.ratings``."""
        return self.kpi_options.model_dump() | {"reviewer_weights": dict(self.scoring.ratings.reviewer_weights)}

    def data_source(self, given: str | None = None) -> str:
        """The data a run reads: ``given`` (``--data``, a notebook's ``data_path``), else
        ``data.path``, else, for a shipped plan (``params/<business>.yaml``) that maps no
        client export, the embedded demo data (``"demo"``).

        Any other plan must say which data it is for: falling back to the demo data would
        put invented figures under a client's name.
        """
        if given:
            return given
        if self.data.path:
            if self.data.path != "demo" and not Path(self.data.path).exists():
                raise ParamsError(self._missing_data_path(), file=self.source)
            return self.data.path
        shipped = self.source is not None and (self.source in BUSINESSES or Path(self.source).resolve() in {
            (PARAMS_DIR / f"{b}.yaml").resolve() for b in BUSINESSES})
        if shipped and not self.data.as_mapping():
            return "demo"
        raise ParamsError(Note(
            "which data? No data folder or workbook was given, and the file has no data.path. Only a shipped plan "
            "(params/<business>.yaml) falls back to the embedded demo data, so that invented figures never go out "
            "under a client's name. Fix: pass --data FOLDER_OR_WORKBOOK (data_path in a notebook), or set data.path "
            "in the file (relative to it; 'demo' for the demo data).",
            "用哪些数据？运行时没有给出数据文件夹或工作簿，文件中也没有 data.path。只有内置方案"
            "（params/<business>.yaml）才会改用内置的演示数据，以免虚构的数字以客户的名义发出。修改方法：运行时加上 "
            "--data 数据文件夹或工作簿（notebook 中为 data_path），或在文件中设置 data.path（相对于该文件；"
            "演示数据写 demo）。"), file=self.source)

    def _missing_data_path(self) -> Note:
        """What is wrong when ``data.path`` names nothing that exists: the key and its line,
        the path as read (relative paths are taken from the file that writes them), the
        closest existing file or folder beside it, and the fix."""
        from ._files import missing_path_hint

        path = Path(os.path.normpath(self.data.path))
        where = self._key_lines.get(("data", "path"))
        own = self.source is not None and where is not None and where[0] == Path(self.source).name
        key = "data.path" if where is None else f"data.path ({'' if own else f'{where[0]}, '}line {where[1]})"
        key_zh = "data.path" if where is None else f"data.path（{'' if own else f'{where[0]} '}第 {where[1]} 行）"
        hint = missing_path_hint(path)
        return Note(f"{key} names {path}, which does not exist (neither a folder nor a workbook of that name)."
                    f"{hint} Fix: point data.path (relative to the file that writes it) at the "
                    "folder of the client's exports or their workbook, or give the data when running (--data; data_path in a notebook).",
                    f"{key_zh}：{path} 不存在（既没有这个文件夹，也没有这个工作簿）。{hint.zh}修改方法：把 data.path"
                    "（相对于写它的文件）指向客户导出数据所在的文件夹或工作簿，或在运行时给出数据（--data；notebook 中为 "
                    "data_path）。")

    def written_at(self, key: str) -> str | None:
        """Where the key ``key`` (``scoring.roles.director``, ``x.tiers (item 2).rate``) is
        written: ``"acme.yaml, line 12"``, or ``"telesales.yaml, line 30"`` for a key of a
        file it extends; None for a key no file writes (a default) or a plan not read from
        a file."""
        where = self._key_lines.get(_key_loc(key))
        return None if where is None else f"{where[0]}, line {where[1]}"

    def for_business(self, business: str) -> "Params":
        """This plan, checked to be one for ``business`` (a telesales plan run as an online
        report would weigh KPIs the data were not read for); a ParamsError otherwise."""
        if self.business != business:
            raise ParamsError(Note(f"business: '{business}' was asked for, but the file is a plan for "
                                   f"'{self.business}'. Fix: ask for {self.business} instead, or give a parameter "
                                   f"file with business: {business}.",
                                   f"business：运行的是「{business}」，但该文件是「{self.business}」的方案。修改方法："
                                   f"改为运行 {self.business}，或给出 business: {business} 的参数文件。"),
                              file=self.source)
        return self

    def sheets_for_files(self, data: "str | Path | None") -> dict[str, str]:
        """The ``data.files`` entries to read from sheets of ``data``, when ``data`` is a
        workbook given in place of the folder that ``data.path`` names: {table: sheet}.

        Such a plan's ``data.files`` name files of that folder (``calls: call_center.csv``);
        read beside the workbook, they would validate (or score) other data than the
        workbook named. Each such entry is read from the workbook's sheet of the same name
        (``#Sheet`` or the file's name without its extension), else the sheet named after
        its table, else its only sheet; an entry none of these settles is left as it is.
        Empty when ``data`` is not a workbook or ``data.path`` is not a folder (a workbook's
        plan may read a table from a file beside it on purpose)."""
        from .aliases import table_of_name
        from .loaders import _Run, _sheet_names, _split_sheet

        if data is None or Path(str(data)).suffix.lower() not in (".xlsx", ".xlsm", ".xls") \
                or not self.data.path or not Path(self.data.path).is_dir() or not self.data.files:
            return {}
        sheets = _sheet_names(Path(data), Path(data).name, _Run())
        if sheets is None:  # (unreadable: the loader says why, naming the file)
            return {}
        out = {}
        for table, spec in self.data.files.items():
            name, sheet = _split_sheet(str(spec))
            sheet = sheet or ""
            if not sheet and name in sheets:  # a sheet already
                continue
            if Path(name).name == Path(str(data)).name:  # the workbook itself
                continue
            by_name = [s for s in sheets if s.casefold() in {sheet.casefold(), Path(name).stem.casefold()} - {""}]
            by_table = [s for s in sheets if table_of_name(s) == table]
            found = (by_name or by_table or (sheets if len(sheets) == 1 else []))[:1]
            if found:
                out[table] = found[0]
        return out

    def data_mapping(self, data: "str | Path | None" = None) -> dict:
        """The loaders' ``mapping``: the ``data:`` section, with the plan's own names of its
        roles (``scoring.roles.<role>.label``, e.g. 店铺运营 for shop_operator) read as those
        roles in employees.role, so that an export writing 岗位 as the plan names it needs no
        ``data.values``. A spelling that ``data.values.employees.role`` gives, or that two
        roles share, is left alone. ``currency``: the ISO code of ``report.currency``, when it
        has one, against which the currency the amounts state is checked. ``data``: the data
        read, when they are not ``data.path``: a workbook given for a plan written for a
        folder is read for the tables whose files the plan names (:meth:`sheets_for_files`)."""
        from .aliases import normalise

        mapping = self.data.as_mapping()
        code = self.currency("en")
        if code in CURRENCIES:  # (the amounts that state another currency are an error of the loaders)
            mapping["currency"] = code
        sheets = self.sheets_for_files(data)
        if sheets:
            mapping = {**mapping, "files": {**mapping["files"], **sheets}}
        own = mapping.get("values", {}).get("employees", {}).get("role", {})
        taken = {normalise(k) for k in own if isinstance(k, str)} | {normalise(r) for r in self.scoring.roles}
        labels: dict[str, set[str]] = {}
        for role, spec in self.scoring.roles.items():
            for label in spec.label.values():
                labels.setdefault(label, set()).add(role)
        implied = {label: next(iter(roles)) for label, roles in labels.items()
                   if len(roles) == 1 and normalise(label) not in taken}
        if not implied:
            return mapping
        values = dict(mapping.get("values", {}))
        values["employees"] = {**values.get("employees", {}), "role": {**implied, **own}}
        return {**mapping, "values": values}

    def role_label(self, role, language: str, default=None):
        """The plan's name of ``role`` in ``language`` (``scoring.roles.<role>.label``), or
        ``default`` (the role itself) when the plan gives none."""
        default = role if default is None else default
        spec = self.scoring.roles.get(role) if isinstance(role, str) else None
        return spec.label.get(language, default) if spec is not None and spec.label else default

    def phase_label(self, name, language: str):
        """What a report in ``language`` calls the phase ``name`` (``scoring.phases[].label``),
        its name when it has no label there; ``name`` itself when no phase has it."""
        found = [ph for ph in self.scoring.phases if ph.name == name]
        return found[-1].label_in(language) if found else name

    def rule_label(self, name, language: str):
        """What a report in ``language`` calls the calibration rule ``name``
        (``targets.calibration[].label``), as :meth:`phase_label` does for a phase."""
        found = [r for r in self.targets.calibration if r.name == name]
        return found[-1].label_in(language) if found else name

    def role_labels(self, roles, language: str) -> str:
        """Several roles by their labels, in the plan's order (a role it does not have last):
        "经理、总监" or "Manager and Director"."""
        order = list(self.scoring.roles)
        roles = sorted(dict.fromkeys(roles), key=lambda r: order.index(r) if r in order else len(order))
        return ("、" if language == "zh" else " and ").join(self.role_label(r, language) for r in roles)

    def role_of_label(self, name) -> str | None:
        """The role of the plan whose ``label`` (in any language) is ``name``: ``agent`` for
        坐席 or "Agent"; None when no role, or more than one, is labelled so."""
        found = {role for role, spec in self.scoring.roles.items() if name in spec.label.values()}
        return next(iter(found)) if len(found) == 1 else None

    def role_written(self, written, roles=()) -> str:
        """The role ``written`` means where a role is named (a scenario's ``roles``): itself
        when it is one of ``roles`` (the people's) or of the plan, else the plan's role whose
        label it is (坐席 for agent), else itself."""
        if written in roles or written in self.scoring.roles:
            return written
        return self.role_of_label(written) or written

    def key_named(self, loc: tuple) -> str:
        """The key at ``loc`` as an error names it, with where it is written:
        ``scenarios.scenarios.x.roles.agnet (line 6)`` in the plan's own file,
        ``(base.yaml, line 6)`` in a file it extends; the bare key path when no file writes it."""
        path = _key_path(loc)
        where = self._key_lines.get(tuple(loc))
        if where is None:
            return path
        own = self.source is not None and where[0] in (Path(self.source).name, f"{self.source}.yaml")
        return f"{path} ({'' if own else f'{where[0]}, '}line {where[1]})"

    def role(self, name: str) -> RoleSpec | None:
        resolved = self.plan_role(name)
        return None if resolved is None else self.scoring.roles[resolved]

    def plan_role(self, role) -> str | None:
        """The role of the plan whose weights apply to ``role`` (as in employees.role):
        itself when ``scoring.roles`` has it, else ``scoring.default_role`` (None when there
        is neither)."""
        if isinstance(role, str) and role in self.scoring.roles:
            return role
        return self.scoring.default_role

    def peer_group(self, role) -> str | None:
        """The group ``role`` is compared in on the KPIs scored against peers: its plan role,
        or the role that the plan role's ``peers`` names."""
        resolved = self.plan_role(role)
        return None if resolved is None else (self.scoring.roles[resolved].peers or resolved)

    def plan_problems(self) -> list[Problem]:
        """Findings about the plan that no single key's type can show, located by their key.

        A grade threshold above the highest score the plan can give
        (:meth:`Scoring.score_ceiling`) is an error: nobody can reach the grade, and since
        grades rank by threshold, the highest one is the top grade (``D: 200`` for
        ``D: 0``). When a bonus without a limit can lift a score past that ceiling the
        threshold is reachable in principle, and the finding is a warning
        (``validate --params`` lists it and a scorecard notes it). So is an amount of pay
        inherited from a shipped plan's examples (in yuan) by a plan in another currency
        (:meth:`_example_pay_problems`).
        """
        grading = self.scoring.grading
        out = self._grade_problems() + self._example_pay_problems()
        if grading.method != "thresholds":
            return out
        ceiling, made_of, uncapped = self.scoring.score_ceiling()
        best = max(grading.thresholds.values(), default=None)
        for grade, t in grading.thresholds.items():
            if t <= ceiling + _TOL:
                continue
            t = int(t) if float(t).is_integer() else t  # as written
            top = (f", and as the highest threshold it makes {grade} the top grade (grades rank by "
                   "threshold, whatever their names)") if t == best else ""
            top_zh = f"；它是最高门槛，{grade} 因此成为最高等级（等级按门槛排序，与名称无关）" if t == best else ""
            low = " (below 0 only through penalties)" if self.scoring.bonuses.compliance_points > 0 else ""
            fix = Note(f"write a threshold between 0 and {ceiling:g} (the lowest grade usually at 0), "
                       "or raise the cap that keeps scores below it",
                       f"填写 0 到 {ceiling:g} 之间的门槛（最低等级通常为 0），或提高使分数达不到它的上限")
            key = f"scoring.grading.thresholds.{grade}"
            if not uncapped:
                out.append(Problem(
                    table="", check="grade_unreachable", key=key, value=t, fix=fix,
                    message=f"no score can reach this threshold: scores run from 0{low} to at most "
                            f"{ceiling:g} ({made_of}), so nobody gets grade {grade}{top}",
                    zh=f"{key}：门槛 {t:g} 高于本方案最高可得分 {ceiling:g}，无人能得 {grade}{top_zh}。"))
            else:
                rules = " and ".join(uncapped)
                out.append(Problem(
                    table="", check="grade_unreachable", key=key, value=t, severity="warning",
                    fix=Note(f"nothing to do if grade {grade} is meant to take that many bonus points; otherwise {fix}",
                             f"如果 {grade} 本就要靠这么多加分才能达到，则无需修改；否则{fix.zh}"),
                    message=f"this threshold is above {ceiling:g}, the most that KPI points, ratings and the "
                            f"bonuses with a limit give ({made_of}): only {rules} can lift a score there{top}",
                    zh=f"{key}：门槛 {t:g} 高于指标、评价和有上限的加分最多能给的 {ceiling:g} 分，只有不封顶的"
                       f"加分才能达到{top_zh}。"))
        return out

    def _example_pay_problems(self) -> list[Problem]:
        """A warning at ``report.currency`` when the plan pays in another currency than the
        shipped plans' example amounts (:data:`SHIPPED_CURRENCY`) and yet inherits amounts of
        pay from one of them (``params/<business>.yaml``): base or performance pay, an award,
        a commission tier's amount, its cap, a team pool. They would be paid as written, in the
        plan's currency (3,000 yuan of an award paid as 3,000 dollars). Only the keys a
        shipped file writes count (:attr:`_key_files`): an amount the client's file restates
        is its own. Nothing for a plan not read from a file."""
        units = currency_units(self.report.currency)
        code = _currency_code(self.report.currency)
        if code is None or code == SHIPPED_CURRENCY or not self._key_files:
            return []
        amounts = _pay_amounts(self.incentives, ("incentives",))
        for name, scenario in self.scenarios.scenarios.items():
            if scenario.incentives is not None:  # (what the scenario changes: the rest is the plan's, above)
                amounts += _pay_amounts(scenario.incentives, ("scenarios", "scenarios", name, "incentives"))
        shipped = PARAMS_DIR.resolve()
        by_file: dict[Path, list[tuple[tuple, float]]] = {}
        for loc, value in amounts:
            file = self._key_files.get(loc)
            if file is not None and file.parent == shipped and file.stem in BUSINESSES:
                by_file.setdefault(file, []).append((loc, value))
        own, own_zh = (Path(self.source).name, f" {Path(self.source).name} ") if self.source else \
            ("the plan's file", "方案文件")
        if self.source in BUSINESSES or (self.source and Path(self.source).resolve().parent == shipped):
            own, own_zh = "a client file that extends it", "继承它的客户文件"
        key, out = "report.currency", []
        for file, found in by_file.items():
            listed = [(_key_path(loc), grouped(v, 0 if float(v).is_integer() else 2)) for loc, v in found]
            lines = sorted({self._key_lines[loc][1] for loc, _ in found})
            en = [f"{k} ({v})" for k, v in listed]
            en = en[0] if len(en) == 1 else f"{', '.join(en[:-1])} and {en[-1]}"
            zh = "、".join(f"{k}（{v}）" for k, v in listed)
            at = f"line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}"
            at_zh = f"第 {'、'.join(map(str, lines))} 行"
            one = len(listed) == 1
            out.append(Problem(
                table="", check="example_pay_in_another_currency", key=key, severity="warning",
                message=f"{en} {'comes' if one else 'come'} from the shipped plan params/{file.name} ({at}), whose "
                        f"amounts are examples in {SHIPPED_CURRENCY}, while this plan pays in {code}: "
                        f"{'it' if one else 'they'} would be paid in {code} as written",
                fix=Note(f"set {'it' if one else 'them'} in {own}, in {code}, or remove with null what the client "
                         "does not pay (an award, say)",
                         f"在{own_zh}中以{units['zh']}写出{'该金额' if one else '这些金额'}，或用 null 删除客户不发放的项"
                         "（例如某个奖项）"),
                zh=f"{key}：{zh}来自内置方案 params/{file.name}（{at_zh}），其金额是以人民币计的示例，而本方案以"
                   f"{units['zh']}发放：会按所写数字以{units['zh']}发放。"))
        return out

    def _grade_problems(self) -> list[Problem]:
        """Keys that name a grade the plan's grading does not give: the promotion grade (when
        the file writes one) and the grade multipliers of performance pay (when the file
        writes both them and the grading), which must cover every grade, since scoring gives
        each of them to someone."""
        grading = self.scoring.grading
        grades = list(grading.distribution if grading.method == "forced" else grading.thresholds)
        where = ("scoring.grading.distribution" if grading.method == "forced" else "scoring.grading.thresholds")
        out = []
        promo = self.scoring.promotion
        if "grade" in promo.model_fields_set and promo.grade not in grades:
            key = "scoring.promotion.grade"
            out.append(Problem(
                table="", check="unknown_grade", key=key, value=promo.grade,
                message=f"'{promo.grade}' is not one of the grades of {where} ({', '.join(grades)}), so nobody "
                        f"could be eligible for promotion.{did_you_mean(str(promo.grade), grades)}",
                fix=Note(f"write one of {', '.join(grades)}", f"填写其中之一：{'、'.join(grades)}"),
                zh=f"{key}：「{promo.grade}」不是本方案的等级（{'、'.join(grades)}），无人能获得晋升资格。"))
        multipliers = self.incentives.grade_multipliers
        out += _unknown_grade_keys(multipliers, grading, "incentives.grade_multipliers")
        for name, scenario in self.scenarios.scenarios.items():
            if scenario.incentives is not None:
                change = scenario.incentives.grade_multipliers
                out += _unknown_grade_keys({k: v for k, v in change.items() if k not in multipliers}, grading,
                                           f"scenarios.scenarios.{name}.incentives.grade_multipliers")
        missing = [g for g in grades if g not in multipliers]
        if multipliers and missing and "grading" in self.scoring.model_fields_set:
            key = "incentives.grade_multipliers"
            extra = [g for g in multipliers if g not in grades]
            out.append(Problem(
                table="", check="unknown_grade", key=key,
                message=f"no multiplier for the grade(s) {', '.join(missing)} of {where} (it has "
                        f"{', '.join(map(str, multipliers))}), so the performance pay of whoever gets "
                        f"{missing[0]} cannot be computed"
                        + (f"; {', '.join(map(str, extra))} is not a grade of the plan" if extra else ""),
                fix=Note(f"add {', '.join(f'{g}: <multiplier>' for g in missing)} (0 pays no performance pay)",
                         f"补上 {'、'.join(f'{g}: <系数>' for g in missing)}（0 表示不发绩效工资）"),
                zh=f"{key}：缺少等级 {'、'.join(missing)} 的绩效系数。"))
        return out

    def roles_without_weights(self, roles) -> tuple[str, str] | None:
        """What is wrong, and the fix, when some of ``roles`` (employees.role) have no
        weights in the plan and there is no ``scoring.default_role``; None when every role
        can be scored. Scoring raises it and ``validate --params`` reports it, alike."""
        found = sorted({str(r) for r in roles if self.plan_role(r) is None})
        if not found:
            return None
        configured = list(self.scoring.roles)
        hints = [did_you_mean(r, configured) for r in found]
        # the example reads each role as the one suggested for it, never as another one
        meant = {r: m for r in found if (m := closest(r, configured))}
        example = ("{" + ", ".join(f"'{r}': {m}" for r, m in meant.items()) + "}" if meant
                   else f"{{'{found[0]}': <one of {', '.join(configured)}>}}" if configured
                   else f"{{'{found[0]}': <role>}}")
        return (Note(f"No weights for the role(s) {found} (from employees.role): the parameter file configures "
                     f"scoring.roles {configured} and no scoring.default_role.{''.join(hints)}",
                     f"岗位 {'、'.join(found)}（来自员工表的 role 列）没有权重：参数文件的 scoring.roles 只配置了 "
                     f"{'、'.join(configured)}，也没有 scoring.default_role。" + "".join(h.zh for h in hints)),
                Note(f"add 'scoring.roles.<role>.weights' for each of them, correct employees.role (or read the "
                     f"export's names as the plan's roles with data.values.employees.role: {example}), or set "
                     "'scoring.default_role' to a configured role.",
                     "为每个岗位添加 scoring.roles.<岗位>.weights，或改正员工表的 role 列（或用 "
                     f"data.values.employees.role: {example} 把导出的名称读作方案的岗位），或把 scoring.default_role "
                     "设为已配置的岗位。"))

    def kpi_set(self) -> list[str]:
        """Every KPI the plan uses: the explicit list plus every role's weighted KPIs, in its
        weights and in those of its phases, except a phase that applies in no period
        (``periods: []``, a template to fill in) unless a scenario names it: its KPIs are
        weighed nowhere, and `score` must not say that the plan weighs them."""
        names = list(self.kpis)
        for spec in self.scoring.roles.values():
            names += [k for k in spec.weights if k not in names]
        named = {s.phase for s in self.scenarios.scenarios.values()} if self.scenarios else set()
        for phase in self.scoring.phases:
            if not phase.can_apply and phase.name not in named:
                continue
            for weights in phase.roles.values():
                names += [k for k in weights if k not in names]
        return names


# ----------------------------------------------------------------------------- loading
class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a key written twice in one mapping is an error
    (the second would silently replace the first, e.g. a second ``incentives:`` block)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            mark = key_node.start_mark
            try:
                first = seen.setdefault(key, mark)
            except TypeError:  # an unhashable key: PyYAML reports it
                continue
            if first is not mark:
                at = (f"first on line {first.line + 1}" if first.line != mark.line else
                      f"first at column {first.column + 1} of line {first.line + 1}")
                at_zh = (f"第一次在第 {first.line + 1} 行" if first.line != mark.line else
                         f"第一次在第 {first.line + 1} 行第 {first.column + 1} 列")
                raise yaml.constructor.ConstructorError(
                    None, None, Note(f"the key '{key}' is written twice in the same section ({at}); "
                                     "the second would replace the first. Fix: merge the two into one",
                                     f"键「{key}」在同一段中写了两次（{at_zh}），后者会覆盖前者。"
                                     "修改方法：把两处合并为一处"), mark)
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        # a date that does not exist (2027-02-30) stays the text written, for the key's own
        # check to name, instead of stopping the reader with Python's "day is out of range"
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _UniqueKeyLoader.construct_yaml_timestamp)


#: where each key of a parameter file is written: key path -> (file name, line number)
KeyLines = dict[tuple, tuple[str, int]]


def read_yaml(path: Path) -> dict:
    """Safe-load one YAML mapping; errors name the file and line."""
    return _read_yaml(path)[0]


def _read_yaml(path: Path) -> tuple[dict, KeyLines]:
    """:func:`read_yaml`, and the line of every key and list item in the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(Note("the parameter file does not exist", "参数文件不存在"), file=str(path)) from None
    except UnicodeDecodeError as err:
        raise ParamsError(Note(f"the file is not UTF-8 text ({err.reason}); save it as UTF-8",
                               f"该文件不是 UTF-8 编码的文本（{err.reason}）。修改方法：另存为 UTF-8 编码"),
                          file=str(path)) from None
    loader = _UniqueKeyLoader(text)  # (safe: a SafeLoader)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        raise ParamsError(_yaml_problem(err, text), file=str(path)) from None
    finally:
        loader.dispose()
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ParamsError(Note(f"expected a mapping of keys at the top, found a {type(data).__name__}",
                               f"文件顶层应为键值映射（键: 值），实际为"
                               f"{'列表' if isinstance(data, list) else '一个值'}"), file=str(path))
    lines: KeyLines = {}

    def walk(n, at: tuple) -> None:
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    lines[(*at, k.value)] = (Path(path).name, k.start_mark.line + 1)
                    walk(v, (*at, k.value))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                lines[(*at, i)] = (Path(path).name, v.start_mark.line + 1)
                walk(v, (*at, i))

    walk(node, ())
    return data, lines


def _at_line(message: str, path: str, loc: tuple, lines: KeyLines | None) -> str:
    """``message``, which starts with the key ``path``, with the file and line where the key
    is written: ``scoring.grading.thresholds.D (line 14): ...``, or ``(base.yaml, line 14)``
    for a key of a file it extends; the Chinese text of a Note too
    (``scoring.grading.thresholds.D（第 14 行）：...``). Unchanged when the key is not written
    in a file (a default, a key that is missing)."""
    where = (lines or {}).get(tuple(loc))
    if where is None:
        return message
    written = f"{where[0]}, line {where[1]}" if where[0] else f"line {where[1]}"  # (no file: the one at fault)
    en = str(message)
    if en.startswith(f"{path}:"):
        en = f"{path} ({written}){en[len(path):]}"
    zh = getattr(message, "zh", "")
    if not zh:
        return en
    if zh.startswith(f"{path}："):
        zh = f"{path}（{written_zh(written)}）{zh[len(path):]}"
    return Note(en, zh)


def _yaml_problem(err: yaml.YAMLError, text: str) -> Note:
    """A YAML syntax error with the lines around it, in English and (``zh``) in Chinese. The
    parser stops where it notices the problem, often the line after the mistake (a missing
    '}' or ']', an indentation), so the line where the unfinished part started is shown too.

    The file cannot be read, so the error cannot know the plan's language: it carries both
    texts, and the command that reports it says it in the language :func:`language_of`
    finds for the file."""
    mark, start = getattr(err, "problem_mark", None), getattr(err, "context_mark", None)
    if "flow" not in str(getattr(err, "context", "")):  # an unclosed {...} or [...] is worth pointing at
        start = None
    if mark is None:
        return Note(f"not valid YAML: {err}", f"YAML 格式有误：{err}")
    lines = text.splitlines()
    problem = getattr(err, "problem", err)
    msg = f"not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    zh = f"YAML 格式有误（第 {mark.line + 1} 行第 {mark.column + 1} 列）：{_yaml_problem_zh(err)}"
    shown = sorted({n for n in (mark.line - 1, mark.line) if 0 <= n < len(lines)}
                   | ({start.line} if start is not None and start.line < len(lines) else set()))
    if start is not None and start.line != mark.line:
        msg += f" ({err.context} that starts at line {start.line + 1})"
        zh += f"（这个 {'[…]' if 'sequence' in str(err.context) else '{…}'} 从第 {start.line + 1} 行开始）"
    listing = "\n".join(f"  {n + 1:>4} | {lines[n]}" for n in shown)
    if isinstance(err, yaml.constructor.ConstructorError):  # well-formed YAML, but not what it means to say
        return Note(f"{msg}\n{listing}", f"{zh}\n{listing}")
    wide = next((n for n in shown if _WIDE_COLON.match(lines[n])), None)
    tab = next((n for n in (mark.line, *shown) if n < len(lines) and "\t" in _indent(lines[n])), None)
    if wide is not None:  # a Chinese keyboard's colon: YAML reads the key and its value as one text
        hint = Note(f"Line {wide + 1} has a full-width colon '：' after its key; YAML needs the ASCII colon ':' "
                    "followed by a space. Fix: retype it as ': '.",
                    f"第 {wide + 1} 行的键后面是全角冒号「：」，YAML 要求半角冒号「:」后跟一个空格。"
                    "修改方法：改为「: 」。")
    elif tab is not None:
        hint = Note(f"Line {tab + 1} is indented with a tab; YAML indents with spaces only. "
                    "Fix: replace the tab with spaces, lined up with the keys of the same section.",
                    f"第 {tab + 1} 行用制表符（Tab）缩进，YAML 只能用空格缩进。"
                    "修改方法：把制表符换成空格，与同一段的键对齐。")
    else:
        hint = Note("The mistake is often at the end of the line before: a missing '}' or ']', "
                    "a missing space after ':', or an indentation that does not line up.",
                    "错误常在上一行的末尾：缺少「}」或「]」，「:」后缺少空格，或缩进没有对齐。")
    return Note(f"{msg}\n{listing}\n  {hint}", f"{zh}\n{listing}\n  {hint.zh}")


#: what the parser names a token it did not expect, in Chinese
_TOKENS_ZH = {"<stream end>": "文件结尾", "<scalar>": "一个值", "<block mapping start>": "一组键",
              "<block sequence start>": "一个列表", "<block end>": "一段的结尾", "?": "键", ":": "「:」",
              "-": "列表项「-」", ",": "「,」", "{": "「{」", "}": "「}」", "[": "「[」", "]": "「]」",
              "<document start>": "「---」", "<document end>": "「...」", "<anchor>": "锚点「&」", "<alias>": "别名「*」",
              "<tag>": "标签「!」"}


def _token_zh(token: str) -> str:
    return _TOKENS_ZH.get(token, f"「{token}」")


def _yaml_problem_zh(err: yaml.YAMLError) -> str:
    """What PyYAML says is wrong (``err.problem``), in Chinese: the problems a plan's author
    meets (an unclosed {...}, an indentation, a tab, a colon), else PyYAML's own words."""
    problem, context = getattr(err, "problem", None), str(getattr(err, "context", "") or "")
    if getattr(problem, "zh", ""):  # (a Note: the kit's own problem, a key written twice)
        return problem.zh
    problem = str(problem if problem is not None else err)
    m = re.fullmatch(r"expected ',' or '([}\]])', but got '(.*)'", problem)
    if m:
        return f"{'{…}' if m.group(1) == '}' else '[…]'} 中此处应为「,」或「{m.group(1)}」，实际是{_token_zh(m.group(2))}"
    m = re.fullmatch(r"expected <block end>, but found '(.*)'", problem)
    if m:
        return f"缩进没有对齐：此处的{_token_zh(m.group(1))}与同一段的其他键不在同一层"
    m = re.fullmatch(r"found character '(.*)' that cannot start any token", problem)
    if m:
        char = "制表符（Tab）" if m.group(1) == "\\t" else f"字符「{m.group(1)}」"
        return f"{char}不能出现在这里"
    m = re.fullmatch(r"found undefined alias '(.*)'", problem)
    if m:
        return f"别名「*{m.group(1)}」没有定义"
    m = re.fullmatch(r"could not determine a constructor for the tag '(.*)'", problem)
    if m:
        return f"不支持标签「{m.group(1)}」（参数文件只能写普通的值、列表和映射）"
    known = {"mapping values are not allowed here": "此处不能出现键与值之间的「:」",
             "could not find expected ':'": "找不到键后面应有的「:」",
             "found unhashable key": "键不能是列表或映射",
             "but found another document": "文件中只能有一个文档（不要用「---」分隔）",
             "found unexpected end of stream": "到文件结尾还没有找到配对的引号" if "quoted" in context
             else "文件意外结束"}
    return known.get(problem, problem)


#: a key followed by a full-width colon (key：value), before any ASCII colon, quote or comment
_WIDE_COLON = re.compile(r"^\s*(?:-\s+)?[^\s#:'\"{\[][^#:'\"]*?\s*：")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


_REPLACED_WHOLE = {"weights"}  # a weight set must sum to 1: restating it means replacing it
#: mappings replaced whole at these key paths: a client file's {en: Acme} names another
#: client, and must not keep the base's Chinese name (which would name the folder); its
#: {zh: 美元} another currency, which must not keep the base's CNY
_REPLACED_AT = {("report", "client"), ("report", "currency"),
               # the grades: a restated curve (its shares sum to 1, as weights do) or set of
               # thresholds defines the plan's grades, and a forced curve's order (best first)
               ("scoring", "grading", "distribution"), ("scoring", "grading", "thresholds")}
#: the maps keyed by grade that a file inherits beside grades it restates: key paths
_BY_GRADE = (("scoring", "grading", "labels", "zh"), ("scoring", "grading", "labels", "en"),
             ("incentives", "grade_multipliers"))


def deep_merge(base: dict, override: dict, *, file: str | None = None, lines: KeyLines | None = None) -> dict:
    """Merge ``override`` into a copy of ``base``: mappings key by key, other values replace,
    ``None`` removes the key, and mappings named ``weights`` (and ``report.client``,
    ``report.currency`` and the grades, ``scoring.grading.distribution`` and ``thresholds``)
    replace whole; then the maps keyed by grade that ``override`` inherits keep only the
    plan's grades (:func:`_inherited_grades_dropped`).

    Raises
    ------
    ParamsError
        When ``None`` names a key that ``base`` does not have (a typo would otherwise be
        ignored silently); the error names the key path, its line (from ``lines``, where
        the keys of ``override`` are written) and ``file`` (the overriding file), the keys
        that ``base`` sets there and those a plan allows there.
    """
    return _inherited_grades_dropped(_merge(base, override, (), file, lines=lines, model=Params), override)


def _at(d: object, path: tuple[str, ...]) -> object:
    for key in path:
        d = d.get(key) if isinstance(d, dict) else None
    return d


def _inherited_grades_dropped(merged: dict, override: dict) -> dict:
    """When ``override`` restates the grades (``scoring.grading.distribution`` or
    ``thresholds``), the maps keyed by grade that it inherits (:data:`_BY_GRADE`: the
    base's labels and performance-pay multipliers) keep only the plan's grades and those
    ``override`` writes itself: the base's A, B and C beside a client's S to D would be
    grades of nobody, and be reported as unknown grades the client never wrote."""
    said = _at(override, ("scoring", "grading"))
    if not isinstance(said, dict) or not {"distribution", "thresholds"} & set(said):
        return merged
    grading = _at(merged, ("scoring", "grading"))
    forced = isinstance(grading, dict) and grading.get("method") == "forced"
    grades = _at(grading, ("distribution",) if forced else ("thresholds",))
    if not isinstance(grades, dict):
        grades = Grading().distribution if forced else Grading().thresholds
    for path in _BY_GRADE:
        found, own = _at(merged, path), _at(override, path)
        own = own if isinstance(own, dict) else {}
        if isinstance(found, dict):
            for key in [k for k in found if k not in grades and k not in own]:
                del found[key]
    return merged


def _merge(base: dict, override: dict, path: tuple[str, ...], file: str | None,
           base_name: str = "the base file", *, lines: KeyLines | None = None,
           model: type[BaseModel] | None = None, root: tuple = ()) -> dict:
    """:func:`deep_merge` at ``path``; ``model`` is the part of a plan found at ``root``
    (``Params`` at the top, ``Incentives`` for a scenario's pay), for the keys allowed."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            if key not in out:
                raise _nothing_to_remove(key, out, path, file, base_name, lines,
                                         _known_keys(model, path[len(root):]) if model is not None else [])
            out.pop(key)
        elif (isinstance(value, dict) and isinstance(out.get(key), dict) and key not in _REPLACED_WHOLE
              and (*path, str(key)) not in _REPLACED_AT):
            out[key] = _merge(out[key], value, (*path, str(key)), file, base_name, lines=lines, model=model,
                              root=root)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _nothing_to_remove(key, out: dict, path: tuple, file: str | None, base_name: str,
                       lines: KeyLines | None, allowed: list[str]) -> ParamsError:
    """The error for ``key: null`` where ``base_name`` has no ``key`` to remove: its key path
    and line, the keys the base sets there and (where the plan's schema says) every key
    allowed there, with a "did you mean" over both."""
    loc = (*path, str(key))
    where = _key_path(loc)
    line = (lines or {}).get(loc)
    at = f"{where} (line {line[1]})" if line else where
    at_zh = f"{where}（第 {line[1]} 行）" if line else where
    base_zh = {"the base file": "基础文件", "the plan's incentives": "方案的 incentives "}.get(base_name, base_name)
    present = [str(k) for k in out]
    sets = ", ".join(present) if present else "none"
    sets_zh = "、".join(present) if present else "无"
    if str(key) in allowed:  # a key of the plan, which the base leaves at its default (or removed already)
        return ParamsError(Note(
            f"{at}: null removes a key of {base_name}, but there is nothing to remove here: it does not set "
            f"'{key}', so its default applies already (keys it sets here: {sets}). Fix: delete the line.",
            f"{at_zh}：null 用于删除{base_zh}中的键，但此处没有可删除的：其中没有设置「{key}」，默认值本来就生效"
            f"（它在此处设置的键：{sets_zh}）。修改方法：删除这一行。"),
            file=file, key=loc)
    others = [k for k in allowed if k not in present]
    listing = f"keys {base_name} sets here: {sets}" + (
        f"; the others allowed here: {', '.join(others)}" if allowed and others else "")
    listing_zh = f"它在此处设置的键：{sets_zh}" + (
        f"；此处允许的其他键：{'、'.join(others)}" if allowed and others else "")
    hint = did_you_mean(key, [*present, *others])
    return ParamsError(Note(
        f"{at}: null removes a key of {base_name}, but there is nothing to remove here: it has no '{key}' "
        f"({listing}).{hint} Fix: correct the key, or delete the line.",
        f"{at_zh}：null 用于删除{base_zh}中的键，但此处没有可删除的：其中没有「{key}」（{listing_zh}）。"
        f"{hint.zh}修改方法：改正键名，或删除这一行。"),
        file=file, key=loc)


def _base_path(path: Path, base: str) -> Path:
    """The file ``extends: base`` names in the file at ``path``: a path relative to that
    file (or absolute), else a shipped plan (``telesales``)."""
    base_path = (path.parent / base) if not Path(base).is_absolute() else Path(base)
    if not base_path.exists() and (PARAMS_DIR / f"{base}.yaml").exists():
        base_path = PARAMS_DIR / f"{base}.yaml"
    return base_path


def _resolve(path: Path, seen: tuple[Path, ...] = (), lines: KeyLines | None = None,
             files: dict[tuple, Path] | None = None) -> dict:
    """The file at ``path`` merged over the files it ``extends``; ``lines`` gathers where each
    key is written (a key the file restates is its own, not its base's), and ``files`` the
    whole path of the file that writes it (``lines`` names a file by its name alone)."""
    path = Path(path).resolve()
    if path in seen:
        chain = " -> ".join(str(p) for p in (*seen, path))
        raise ParamsError(Note(f"'extends' goes round in a circle: {chain}",
                               f"extends 形成了循环：{chain}"),
                          file=str(path))
    data, own = _read_yaml(path)
    where = data.get("data", {}).get("path") if isinstance(data.get("data"), dict) else None
    if isinstance(where, str) and where != "demo" and not Path(where).is_absolute():
        data["data"]["path"] = str(path.parent / where)  # relative to the file that names it
    base = data.pop("extends", None)
    if base is None:
        if lines is not None:
            lines.update(own)
        if files is not None:
            files.update(dict.fromkeys(own, path))
        return data
    if not isinstance(base, str):
        raise ParamsError(Note(f"extends: expected a file path, found {base!r}",
                               f"extends：应为文件路径，实际为{_found_zh(base)}"), file=str(path))
    base_path = _base_path(path, base)
    if not base_path.exists():
        near = closest(Path(base).stem, BUSINESSES)  # (extends: telesale for telesales)
        shipped = Path(base).stem if Path(base).stem in BUSINESSES else near or "<business>"
        raise ParamsError(Note(f"extends: the base file '{base}' does not exist (looked for {base_path}). Fix: give "
                               f"the base file's path relative to {path.name}, or name a shipped plan "
                               f"(extends: {shipped}; one of {', '.join(BUSINESSES)}).",
                               f"extends：基础文件「{base}」不存在（查找的是 {base_path}）。修改方法：写出基础文件相对于 "
                               f"{path.name} 的路径，或写内置方案的名称（extends: {shipped}；可选 "
                               f"{'、'.join(BUSINESSES)}）。"), file=str(path))
    merged = deep_merge(_resolve(base_path, (*seen, path), lines, files), data, file=str(path),
                        lines=own)
    if lines is not None:
        lines.update(own)
    if files is not None:
        files.update(dict.fromkeys(own, path))
    return merged


def business_of(path: str | Path) -> str | None:
    """The business type of the plan at ``path`` as its ``extends`` chain writes it, read
    without validating the plan: what a batch names for a plan that fails to load (a
    mistyped key), None when it cannot be found. When the chain cannot be read (a YAML
    syntax error), it is taken from what can be read, as :func:`language_of` does: a
    ``business:`` at the top of the file's text, else its base's."""
    try:
        business = _resolve(Path(path)).get("business")
    except ParamsError:
        business = _written(Path(path), _business_said)
    return business if business in BUSINESSES else None


def language_of(path: str | Path) -> str:
    """The language of the plan at ``path`` (``report.language``, else ``language``, else
    Chinese, as :attr:`Params.report_language` says) as its ``extends`` chain writes it, read
    without validating the plan: the language in which to say what is wrong with it.

    When the chain cannot be read (a YAML syntax error, an ``extends`` that goes round in a
    circle or names no file), the plan's language cannot be known for sure; it is then
    taken from what can be read (:func:`_written`): a ``language: zh|en`` written
    in the file (found by a scan of its text when its YAML cannot be parsed; ``report``'s
    first), else the language of the file it ``extends``, else Chinese, the default of a
    plan and of the shipped plans. A consultant who breaks the YAML of a Chinese client file
    is told so in Chinese; ``--language`` overrides it where a command takes it."""
    try:
        data = _resolve(Path(path))
    except ParamsError:
        return _written(Path(path), _language_said) or Params.model_fields["language"].default
    return _language_in(data)


def _language_in(data: dict) -> str:
    """The language a plan's (merged) mapping says: ``report.language``, else ``language``,
    else the default."""
    report = data.get("report")
    for said in (report.get("language") if isinstance(report, dict) else None, data.get("language"),
                 Params.model_fields["language"].default):
        if said in ("zh", "en"):
            return said
    return "en"


#: ``language: en`` in a file's text: in the ``report`` section (indented, or in its {...}) or at the top
_LANGUAGE_WRITTEN = re.compile(r"^(?P<indent>[ \t]*)(?P<report>report\s*:\s*\{[^#\n]*?)?\blanguage\s*[:：]\s*"
                               r"['\"]?(?P<language>zh|en)\b", re.MULTILINE)
#: ``extends: base.yaml`` in a file's text
_EXTENDS_WRITTEN = re.compile(r"^extends\s*[:：]\s*['\"]?(?P<base>[^'\"#\n]*?)['\"]?\s*(?:#.*)?$", re.MULTILINE)


#: ``business: telesales`` at the top of a file's text
_BUSINESS_WRITTEN = re.compile(r"^business\s*[:：]\s*['\"]?(?P<business>\w+)", re.MULTILINE)


def _language_said(data: dict | None, text: str | None) -> str | None:
    """The language a plan file itself says (its ``report.language``, else ``language``),
    from its parsed ``data``, else from a scan of its ``text`` (an indented ``language:``,
    or one inside ``report: {...}``, before one at the top)."""
    if data is None:
        found = sorted(_LANGUAGE_WRITTEN.finditer(text or ""),
                       key=lambda m: not (m.group("indent") or m.group("report")))  # (report's first)
        return found[0].group("language") if found else None
    report = data.get("report")
    for said in (report.get("language") if isinstance(report, dict) else None, data.get("language")):
        if said in ("zh", "en"):
            return said
    return None


def _business_said(data: dict | None, text: str | None) -> str | None:
    """The business type a plan file itself says, from its parsed ``data`` or its ``text``."""
    if data is None:
        found = _BUSINESS_WRITTEN.search(text or "")
        said = found.group("business") if found else None
    else:
        said = data.get("business")
    return said if said in BUSINESSES else None


def _written(path: Path, said: Callable[[dict | None, str | None], str | None],
             seen: tuple[Path, ...] = ()) -> str | None:
    """What ``said`` finds in a plan whose ``extends`` chain cannot be read (see
    :func:`language_of`, :func:`business_of`): in the file itself, from its YAML when that
    can be parsed, else from its text; else in its base (its whole chain when that can be
    read); else None."""
    path = Path(path).resolve()
    if path in seen:  # (extends goes round in a circle)
        return None
    try:
        data, text = _read_yaml(path)[0], None
    except ParamsError:
        try:
            data, text = None, path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    found = said(data, text)
    if found:
        return found
    if data is None:
        base = _EXTENDS_WRITTEN.search(text)
        base = base.group("base").strip() if base else None
    else:
        base = data.get("extends")
    if not isinstance(base, str) or not base:
        return None
    base_path = _base_path(path, base)
    if not base_path.is_file():
        return None
    try:
        return said(_resolve(base_path), None)
    except ParamsError:
        return _written(base_path, said, (*seen, path))


def bases_of(path: str | Path) -> list[Path]:
    """The files the plan at ``path`` extends, nearest first, read without validating
    the plan (a chain that cannot be read stops where it breaks)."""
    chain: list[Path] = []
    path = Path(path).resolve()
    seen = {path}
    while True:
        try:
            base = _read_yaml(path)[0].get("extends")
        except ParamsError:
            return chain
        if not isinstance(base, str):
            return chain
        nxt = _base_path(path, base).resolve()
        if not nxt.exists() or nxt in seen:
            return chain
        chain.append(nxt)
        seen.add(nxt)
        path = nxt


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at ``loc`` inside ``model`` (for "did you mean")."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return []
            current = field.annotation
        else:
            args = [a for a in typing.get_args(current) if a is not type(None)]
            origin = typing.get_origin(current)
            if origin in (dict, list):
                current = args[-1] if args else None
            elif args:
                current = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), args[0])
            else:
                return []
        # unwrap Optional[Model]
        args = [a for a in typing.get_args(current) if a is not type(None)]
        if typing.get_origin(current) is Union and len(args) == 1:
            current = args[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _key_path(loc: tuple) -> str:
    """A key's place in the file as its reader counts: ``targets.promotions (item 1).month``
    (a list's items numbered from 1, not ``promotions.0``)."""
    out = ""
    for p in loc:
        out += f" (item {p + 1})" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _key_loc(key: str) -> tuple:
    """The place a key path names (the inverse of :func:`_key_path`):
    ``"targets.promotions (item 1).month"`` -> ``("targets", "promotions", 0, "month")``."""
    loc: list = []
    for part in key.split("."):
        pieces = re.split(r" \(item (\d+)\)", part)  # name, item number, "", item number, ...
        loc += [pieces[0], *(int(i) - 1 for i in pieces[1::2])]
    return tuple(loc)


def _number_fix(text: str) -> Note:
    """How to write ``text`` (a number in a form YAML reads as text) as a number, in English
    and (``zh``) in Chinese."""
    s = text.strip().replace(",", "").replace("，", "")
    if s.endswith(("%", "％")):
        try:
            fraction = f"{float(s[:-1]) / 100:g}"
            return Note(f"write a percentage as a fraction, without '%': {s[:-1].strip()} % is {fraction}",
                        f"百分数写成小数，不带「%」：{s[:-1].strip()}% 即 {fraction}")
        except ValueError:
            pass
    unit = next((u for u in ("万", "元", "¥", "￥") if u in s), None)
    try:
        plain = float(s.replace("万", "").replace("元", "").strip("¥￥ ")) * (10_000 if unit == "万" else 1)
    except ValueError:
        return Note("write the figure in digits, without separators or units (20000, 0.05)",
                    "用阿拉伯数字书写，不带分隔符或单位（20000、0.05）")
    return Note(f"write it as a plain number, without separators or units: {plain:g}",
                f"写成不带分隔符或单位的数字：{plain:g}")


#: what a value of a type is called in Chinese, for "expected ..., found ..."
_TYPES_ZH = {"dict_type": "映射（键: 值）", "model_type": "映射（键: 值）", "model_attributes_type": "映射（键: 值）",
             "list_type": "列表", "float_type": "数字", "int_type": "整数", "float_parsing": "数字",
             "int_parsing": "整数", "int_from_float": "整数", "string_type": "文本", "bool_type": "true 或 false",
             "bool_parsing": "true 或 false"}


def _found_zh(value: object) -> str:
    """A value found, as a Chinese message names it: a mapping or a list by its kind."""
    if isinstance(value, (dict, list)):
        return "映射" if isinstance(value, dict) else "列表"
    return found_zh(value) if isinstance(value, str) else f" {value}"


def _pydantic_zh(e: dict) -> str:
    """The Chinese text of a pydantic error that :func:`_format_errors` words as pydantic
    does in English (without the key path): the text a validator raised as a Note, what a
    type or a choice expected and what was found; "" when it has none yet."""
    found, ctx = e.get("input"), e.get("ctx", {})
    said = "" if e["type"] == "missing" else f"，实际为{_found_zh(found)}"
    error = ctx.get("error")
    zh = getattr(error.args[0], "zh", "") if isinstance(error, ValueError) and error.args else ""
    if zh:
        return zh if str(found) in zh or isinstance(found, (dict, list)) else f"{zh}（实际为{_found_zh(found)}）"
    if e["type"] in _TYPES_ZH:
        return f"应为{_TYPES_ZH[e['type']]}{said}"
    if e["type"] == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(found, allowed).zh if isinstance(found, str) else ""
        return f"应为以下之一：{'、'.join(allowed)}{said}。{hint}"
    bounds = {"less_than_equal": ("le", "不大于"), "less_than": ("lt", "小于"),
              "too_short": ("min_length", "至少有"), "too_long": ("max_length", "至多有")}
    if e["type"] in bounds and bounds[e["type"]][0] in ctx:
        name, words = bounds[e["type"]]
        return (f"应为{words} {ctx[name]:g} 的数{said}" if name in ("le", "lt") else
                f"应{words} {ctx[name]} 项，实际有 {len(found) if hasattr(found, '__len__') else found} 项")
    return ""


def _format_errors(err: ValidationError, at: tuple = (), model: type[BaseModel] | None = None,
                   lines: KeyLines | None = None) -> list[str]:
    """``err`` in a plan's words; ``at``: where in a plan the validated part sits, when it was
    validated alone (``("targets", "calibration", 0)`` for the first calibration rule).
    ``model``: the model validated, when it is not a part of :class:`Params` found at ``at``
    (an ``Incentives`` given as a what-if); the keys it allows make the "did you mean".
    ``lines``: where each key is written, to name the file and line of a key at fault."""
    def allowed_at(where: tuple) -> list[str]:
        return _known_keys(Params, where) if model is None else _known_keys(model, where[len(at):])

    out = []
    for e in err.errors():
        loc = at + tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        path = _key_path(loc)
        zh = ""  # the message in Chinese, after the key path, where it has one

        if e["type"] == "literal_error" and loc and loc[-1] == "[key]":  # a key of a fixed set (awards)
            loc = loc[:-1]
            path, allowed = _key_path(loc), re.findall(r"'([^']*)'", str(e.get("ctx", {}).get("expected", "")))
            hint = did_you_mean(str(loc[-1]), allowed)
            msg = f"{path}: unknown key.{hint} Allowed keys here: {', '.join(allowed)}."
            zh = f"未知的键。{hint.zh}此处允许的键：{'、'.join(allowed)}。"
        elif e["type"] == "extra_forbidden":
            allowed = allowed_at(loc[:-1])
            if model is None and len(loc) == 1:  # (a plan's top: extends is read before the rest)
                allowed = ["extends", *allowed]
            hint = did_you_mean(loc[-1], allowed)
            msg = f"{path}: unknown key.{hint}"
            zh = f"未知的键。{hint.zh}"
            if allowed and not hint:
                msg += f" Allowed keys here: {', '.join(allowed)}."
                zh += f"此处允许的键：{'、'.join(allowed)}。"
        elif e["type"] == "missing":
            msg = f"{path}: this key is required but missing"
            zh = "缺少这个必填的键。修改方法：补上此键"
        elif e["type"] == "greater_than_equal" and "ge" in e.get("ctx", {}):
            least = e["ctx"]["ge"]
            pay = least == 0 and "incentives." in path
            msg = (f"{path}: expected a number of at least {least:g}, found {e.get('input')!r}. "
                   f"Fix: write {least:g} or more" + (" (pay is never negative)" if pay else ""))
            zh = (f"应为不小于 {least:g} 的数，实际为{_found_zh(e.get('input'))}。修改方法：填写 {least:g} 或更大的数"
                  + ("（薪酬不会为负数）" if pay else ""))
        elif e["type"] == "greater_than" and "gt" in e.get("ctx", {}):
            least = e["ctx"]["gt"]
            msg = f"{path}: expected a number above {least:g}, found {e.get('input')!r}. Fix: write a number above {least:g}"
            zh = f"应为大于 {least:g} 的数，实际为{_found_zh(e.get('input'))}。修改方法：填写大于 {least:g} 的数"
        elif e["type"] in ("int_type", "float_type") and isinstance(e.get("input"), str):
            digits = re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", e["input"])
            fix = None if digits else _number_fix(e["input"])
            msg = (f"{path}: expected a number, found the text {e['input']!r}. Fix: write it without quotes"
                   + (f": {e['input'].strip()}" if digits else f" ({fix})"))
            zh = (f"应为数字，实际为文本「{e['input']}」。修改方法：去掉引号"
                  + (f"：{e['input'].strip()}" if digits else f"（{fix.zh}）"))
        elif e["type"] in ("float_parsing", "int_parsing") and isinstance(e.get("input"), str):
            fix = _number_fix(e["input"])
            msg = f"{path}: expected a number, found {e['input']!r}. Fix: {fix}"
            zh = f"应为数字，实际为「{e['input']}」。修改方法：{fix.zh}"
        else:
            text = e["msg"].removeprefix("Value error, ")
            found = e.get("input")
            shown = "" if isinstance(found, (dict, list)) else f" (found {found!r})"
            msg = f"{path}: {text}{shown}"
            if e["type"] == "literal_error" and isinstance(found, str):
                hint = did_you_mean(found, re.findall(r"'([^']*)'", str(e.get("ctx", {}).get("expected", ""))))
                msg += f".{hint}" if hint else ""
            zh = _pydantic_zh(e)
        out.append(_at_line(Note(msg, f"{path}：{zh}") if zh else msg, path, loc, lines))
    return out


def incentives_changed(params: Params, change: Mapping, at: tuple[str, ...]) -> Params:
    """``params`` with ``change`` merged over its ``incentives`` (as ``extends`` merges:
    mappings key by key, ``null`` removing a key) and validated as a whole pay plan; errors
    are named at the key path ``at`` (``("what_if", name, "incentives")``), as in a parameter file."""
    where = ".".join(at)
    if not isinstance(change, Mapping):
        raise ParamsError(Note(f"{where}: expected a mapping of incentive settings (a change to the plan's "
                               f"incentives, e.g. {{'commission': {{'cap': 30000}}}}), found {change!r}",
                               f"{where}：应为薪酬设置的映射（对方案 incentives 的修改，例如 "
                               f"{{'commission': {{'cap': 30000}}}}），实际为{_found_zh(change)}"))
    merged = _merge(params.incentives.model_dump(), dict(change), at, None, "the plan's incentives",
                    model=Incentives, root=at)
    try:
        pay = Incentives.model_validate(merged)
    except ValidationError as err:
        errors = _format_errors(err, at, model=Incentives)
        raise ParamsError(_problems_in(errors, where), errors=errors) from None
    grading = params.scoring.grading
    written = change.get("grade_multipliers")
    if isinstance(written, Mapping):
        errors = [_problem_text(p) for p in _unknown_grade_keys(
            {k: v for k, v in written.items() if k not in _grade_of_label(grading)}, grading,
            f"{where}.grade_multipliers")]
        if errors:
            raise ParamsError(_problems_in(errors, where), errors=errors)
    pay.grade_multipliers = _multipliers_by_grade(pay.grade_multipliers, grading)
    return params.model_copy(update={"incentives": pay})


def _problems_in(errors: list, where: str | None = None) -> Note:
    """The heading of a list of ``errors`` in a plan (``where``: the part of it validated)."""
    return Note(f"{len(errors)} problem(s) in {where or 'the parameters'}:",
                f"{where} 中有 {len(errors)} 处问题：" if where else f"参数文件中有 {len(errors)} 处问题：")


def _problem_text(p: Problem, lines: KeyLines | None = None) -> Note:
    """A plan's finding as an error of its parameter file, in English and in Chinese, with
    the line where its key is written."""
    text = Note(str(p), p.line("zh"))
    return _at_line(text, p.key, _key_loc(p.key), lines) if p.key else text


def params_from_dict(data: dict, *, source: str | None = None, lines: KeyLines | None = None) -> Params:
    """Validate an already-merged mapping; ``lines``: where its keys are written (errors
    then name the file and line of the key at fault)."""
    try:
        params = Params.model_validate(data)
    except ParamsError as err:  # a scenario's pay change that removes a key the plan lacks
        if err.file is None and source is not None:
            text = Note(err.body("en"), err.body("zh")) if err.has_zh() else str(err)
            if err.key is not None:  # named with the line where the file writes the key
                text = _at_line(text, _key_path(err.key), err.key, lines)
            raise ParamsError(text, file=source, key=err.key) from None
        raise
    except ValidationError as err:
        errors = _format_errors(err, lines=lines)
        raise ParamsError(_problems_in(errors), file=source, errors=errors) from None
    errors = [_problem_text(p, lines) for p in params.plan_problems() if p.severity == "error"]
    if errors:
        raise ParamsError(_problems_in(errors), file=source, errors=errors)
    params.source = source
    return params


def load_params(path: "str | Path", *, overrides: dict | None = None) -> Params:
    """Read a parameter file (following ``extends``), apply ``overrides``, validate.

    ``path`` may also be a business name (``"online"``) for the shipped default file.
    """
    p = Path(path)
    if not p.exists() and str(path) in BUSINESSES:
        p = PARAMS_DIR / f"{path}.yaml"
    written: KeyLines = {}
    files: dict[tuple, Path] = {}
    data = _resolve(p, lines=written, files=files)
    # in an error about the file, a key of the file itself is named by its line alone
    lines = {k: ("" if f == p.name else f, n) for k, (f, n) in written.items()}
    if overrides:
        data = deep_merge(data, overrides)
    params = params_from_dict(data, source=str(path), lines=lines)
    params._key_lines = written
    # (a key an override sets is written in no file)
    params._key_files = {k: f for k, f in files.items() if not any(k[:len(at)] == at for at in _leaves(overrides))}
    return params


def _leaves(mapping: Mapping | None, at: tuple = ()) -> list[tuple]:
    """The key paths of the values (other than mappings) of a nested ``mapping``."""
    out = []
    for key, value in (mapping or {}).items():
        out += _leaves(value, (*at, key)) if isinstance(value, Mapping) and value else [(*at, key)]
    return out
