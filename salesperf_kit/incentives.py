"""Incentive pay: commission tiers, the payout of one period per person, and the plan's cost.

>>> from salesperf_kit.incentives import commission, payouts, plan_cost
>>> commission(150_000, [(0, 0.01), (100_000, 0.02)])            # 超额累进
2000.0
>>> commission(150_000, [(0, 0.01), (100_000, 0.02)], mode="whole")  # 全额累进
3000.0
>>> table = payouts(scorecard.table, kpis, params)             # doctest: +SKIP
>>> plan_cost(table, kpis)                                     # doctest: +SKIP

Pay components (catalogue §4), one column each in :func:`payouts`:

- ``base_pay`` 基本工资: the role's amount (``incentives.base_pay``, else ``default``); a
  value in ``employees.base_pay`` overrides it for that person. Someone hired or gone
  part-way through the period is paid for the calendar days employed (按在职天数折算,
  ``incentives.prorate``).
- ``performance_pay`` 绩效工资: the role's amount × the multiplier of the person's grade,
  pro-rated like the base pay: a fixed amount per period that the grade scales.
- ``commission`` 提成: progressive tiers on the revenue of the plan's basis (orders or money
  received), with accelerator, gate and cap (see :func:`payouts`).
- ``over_target_bonus`` 超额奖金: ``bonus_share`` × performance pay at 1 + ``threshold`` of target.
- ``team_pool`` 团队奖金池: a fixed amount per team that reaches its target, shared by its members.
- ``awards`` 奖项: sales champion 销售冠军, best service 最佳服务, team champion 团队冠军.
- ``clawback`` 提成追回: commission taken back on refunds of earlier periods (negative).

All amounts are per period, in the currency of the data. Each pay item is rounded to the
cent (分), half up (四舍五入), as payroll pays it, and ``total`` is the sum of the rounded
items; a pool or award shared by several people is split to the cent so that the shares add
up to the amount exactly.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from ._checks import check_one_of
from .catalogue import Note, grouped, label
from .exceptions import KPIError, ScoringError
from .kpis import KPIResult, targets_for

__all__ = ["commission", "commission_bands", "threshold_jumps", "payouts", "explain_pay", "plan_cost", "award_label",
           "PAYOUT_COLUMNS", "COMPONENTS", "LABELS", "AWARD_LABELS"]

logger = logging.getLogger(__name__)

#: Pay components, in the order they are added up into ``total``.
COMPONENTS = ("base_pay", "performance_pay", "commission", "over_target_bonus", "team_pool", "awards", "clawback")
#: Columns of the table returned by :func:`payouts`.
PAYOUT_COLUMNS = ("employee_id", "name", "team", "role", "grade", "base_pay", "performance_pay", "commission_base",
                  "target", "attainment", "commission", "over_target_bonus", "team_pool", "awards", "clawback",
                  "total")
#: Display labels of the payout columns and plan-cost measures.
LABELS: dict[str, dict[str, str]] = {
    "base_pay": {"zh": "基本工资", "en": "Base pay"},
    "performance_pay": {"zh": "绩效工资", "en": "Performance pay"},
    "commission_base": {"zh": "提成基数", "en": "Commission base"},
    "target": {"zh": "销售目标", "en": "Target"},
    "attainment": {"zh": "目标完成率", "en": "Attainment"},
    "commission": {"zh": "提成", "en": "Commission"},
    "over_target_bonus": {"zh": "超额奖金", "en": "Over-target bonus"},
    "team_pool": {"zh": "团队奖金池", "en": "Team pool"},
    "awards": {"zh": "奖项", "en": "Awards"},
    "clawback": {"zh": "提成追回", "en": "Clawback"},
    "total": {"zh": "应发合计", "en": "Total"},
    "headcount": {"zh": "人数", "en": "Headcount"},
    "total_payout": {"zh": "薪酬总额", "en": "Total payout"},
    "variable_pay": {"zh": "浮动薪酬", "en": "Variable pay"},
    "payout_per_head": {"zh": "人均薪酬", "en": "Payout per head"},
    "revenue": {"zh": "销售额", "en": "Revenue"},
    "profit": {"zh": "利润额", "en": "Profit"},
    "payout_to_revenue": {"zh": "薪酬总额/销售额", "en": "Payout / revenue"},
    "variable_to_revenue": {"zh": "浮动薪酬/销售额", "en": "Variable pay / revenue"},
    "commission_to_revenue": {"zh": "提成/销售额", "en": "Commission / revenue"},
    "payout_to_profit": {"zh": "薪酬总额/利润额", "en": "Payout / profit"},
    "variable_to_profit": {"zh": "浮动薪酬/利润额", "en": "Variable pay / profit"},
    "incomplete_rows": {"zh": "缺值人数", "en": "Rows with missing pay"},
}
#: Display labels of the awards of ``incentives.awards`` (a notice names an award by these).
AWARD_LABELS: dict[str, dict[str, str]] = {
    "sales_champion": {"zh": "销售冠军", "en": "Sales champion"},
    "best_service": {"zh": "最佳服务", "en": "Best service"},
    "team_champion": {"zh": "团队冠军", "en": "Team champion"},
}

#: who wins each award (:func:`_awards`), as a report says it beside the winners
AWARD_RULES: dict[str, dict[str, str]] = {
    "sales_champion": {"zh": "销售额最高", "en": "highest revenue"},
    "best_service": {"zh": "客户满意度最高", "en": "highest customer satisfaction"},
    "team_champion": {"zh": "销售额完成率最高的团队", "en": "the team of highest revenue attainment"},
}

_MODES = ("marginal", "whole")
_BOUNDARIES = ("lower_inclusive", "lower_exclusive")
# Attainment is a quotient of two amounts: 110 000 / 100 000 must count as "10 % above".
_TOL = 1e-9


def award_label(award: str, language: str = "zh") -> str:
    """An award's name for a reader in ``language`` ("zh" or "en"): its label, else its key
    in words ("most_improved" -> "Most improved"), never the key itself."""
    known = AWARD_LABELS.get(award)
    if known is not None:
        return known["zh" if language == "zh" else "en"]
    words = str(award).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


# ----------------------------------------------------------------------------- tiers
def _tier_arrays(tiers) -> tuple[np.ndarray, np.ndarray]:
    """``tiers`` as two arrays (bounds, rates); accepts (above, rate) pairs, mappings with
    those keys or objects with those attributes (``params.Tier``)."""
    bounds, rates = [], []
    for i, t in enumerate(tiers or ()):
        if isinstance(t, Mapping):
            above, rate = t.get("above"), t.get("rate")
        elif hasattr(t, "above") and hasattr(t, "rate"):
            above, rate = t.above, t.rate
        else:
            try:
                above, rate = t
            except (TypeError, ValueError):
                raise ScoringError(f"tier {i} must be a pair (above, rate), found {t!r}") from None
        try:
            above, rate = float(above), float(rate)
        except (TypeError, ValueError):
            raise ScoringError(f"tier {i} must have numbers for 'above' and 'rate', found {t!r}") from None
        if not (np.isfinite(above) and np.isfinite(rate)):
            raise ScoringError(f"tier {i} must have finite 'above' and 'rate', found {t!r}")
        bounds.append(above)
        rates.append(rate)
    b = np.asarray(bounds, dtype="float64")
    if len(b) > 1 and not np.all(np.diff(b) > 0):
        raise ScoringError(f"tiers must be listed with strictly ascending 'above', found {bounds}; "
                           "sort them and drop duplicated bounds")
    return b, np.asarray(rates, dtype="float64")


def _check_mode(mode: str, boundary: str) -> None:
    check_one_of("mode", mode, _MODES, error=ScoringError)
    check_one_of("boundary", boundary, _BOUNDARIES, error=ScoringError)


def _whole_rate(x: np.ndarray, bounds: np.ndarray, rates: np.ndarray, boundary: str) -> np.ndarray:
    """The rate of the tier that ``x`` reaches (0 below the first bound)."""
    if len(bounds) == 0:
        return np.zeros_like(x)
    side = "right" if boundary == "lower_inclusive" else "left"
    k = np.searchsorted(bounds, np.nan_to_num(x, nan=0.0), side=side)
    rate = np.where(k > 0, rates[np.maximum(k - 1, 0)], 0.0)
    return np.where(np.isnan(x), np.nan, rate)


def _band_slices(x: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The part of each amount that falls in each tier's band (marginal tiers), one column
    per tier: (min(x, above_{i+1}) - above_i)+."""
    width = np.append(np.diff(bounds), np.inf)
    return np.clip(x[..., None] - bounds, 0.0, width)


def _marginal(x: np.ndarray, bounds: np.ndarray, rates: np.ndarray) -> np.ndarray:
    if len(bounds) == 0:
        return np.where(np.isnan(x), np.nan, 0.0)
    return _band_slices(x, bounds) @ rates


def _commission(x: np.ndarray, bounds, rates, mode: str, boundary: str) -> np.ndarray:
    if mode == "marginal":
        return _marginal(x, bounds, rates)
    return _whole_rate(x, bounds, rates, boundary) * x


def commission(amount, tiers, *, mode: str = "marginal", boundary: str = "lower_inclusive"):
    """提成 — commission on ``amount`` by progressive tiers.

    Parameters
    ----------
    amount : float or array-like
        Revenue (or attainment, when the tiers are set on attainment). NaN gives NaN.
    tiers : list of (above, rate), of ``{"above": ..., "rate": ...}`` or of ``params.Tier``
        Strictly ascending lower bounds. Below the first bound no rate applies (0).
    mode : {"marginal", "whole"}
        ``marginal`` (超额累进): each rate applies to its own slice,
        commission = sum over tiers of rate_i x (min(amount, above_{i+1}) - above_i)+.
        ``whole`` (全额累进): the rate of the tier reached applies to the whole amount,
        commission = rate(tier reached) x amount; it jumps at each bound.
    boundary : {"lower_inclusive", "lower_exclusive"}
        Which tier an amount exactly at a bound belongs to: ``lower_inclusive`` the higher
        one ("from 50 000 up"), ``lower_exclusive`` the lower one ("above 50 000", as in the
        Chinese tax tables' 超过). Marginal commission is continuous, so both rules give
        the same amount there; it matters in ``whole`` mode.

    Returns
    -------
    float for a scalar ``amount``, else a numpy array of the same shape.

    Examples
    --------
    >>> commission(10_000, [(0, .03), (3_000, .10), (12_000, .20)])   # 10 000 x 10 % - 210
    790.0
    """
    _check_mode(mode, boundary)
    bounds, rates = _tier_arrays(tiers)
    scalar = np.ndim(amount) == 0
    x = np.asarray(amount, dtype="float64")
    out = _commission(np.atleast_1d(x), bounds, rates, mode, boundary)
    return float(out[0]) if scalar else out.reshape(x.shape)


def commission_bands(amount: float, tiers, *, mode: str = "marginal",
                     boundary: str = "lower_inclusive") -> pd.DataFrame:
    """提成分段 — how :func:`commission` comes to its figure for one amount, band by band.

    One row per band that holds part of the amount: ``above`` and ``upto`` (the band's
    bounds; ``upto`` NaN for the last tier), ``rate``, ``slice`` (the part of the amount
    in the band; in ``whole`` mode the whole amount, in the one tier it reaches) and
    ``commission`` = slice x rate. The rows' commission adds up to ``commission(amount,
    tiers, mode=mode, boundary=boundary)``; no row when the amount reaches no tier.

    Examples
    --------
    >>> commission_bands(150_000, [(0, 0.01), (100_000, 0.02)])[["slice", "rate", "commission"]]
          slice  rate  commission
    0  100000.0  0.01      1000.0
    1   50000.0  0.02      1000.0
    """
    _check_mode(mode, boundary)
    bounds, rates = _tier_arrays(tiers)
    cols = ["above", "upto", "rate", "slice", "commission"]
    x = float(amount)
    if len(bounds) == 0 or not np.isfinite(x):
        return pd.DataFrame(columns=cols, dtype="float64")
    upto = np.append(bounds[1:], np.nan)
    if mode == "marginal":
        slices = _band_slices(np.array([x]), bounds)[0]
        keep = slices > 0
    else:
        rate = _whole_rate(np.array([x]), bounds, rates, boundary)[0]
        k = int(np.searchsorted(bounds, x, side="right" if boundary == "lower_inclusive" else "left")) - 1
        slices = np.where(np.arange(len(bounds)) == k, x, 0.0)
        keep = (np.arange(len(bounds)) == k) & (k >= 0) & np.isfinite(rate)
    out = pd.DataFrame({"above": bounds, "upto": upto, "rate": rates, "slice": slices, "commission": slices * rates})
    return out[keep].reset_index(drop=True)[cols]


def _slice_commission(lo: np.ndarray, hi: np.ndarray, bounds, rates, mode: str, boundary: str) -> np.ndarray:
    """Commission earned on the part of the amount between ``lo`` and ``hi`` (lo <= hi):
    the marginal rates of that slice, or in whole mode the rate reached times its width."""
    if mode == "marginal":
        return _marginal(hi, bounds, rates) - _marginal(lo, bounds, rates)
    return (hi - lo) * _whole_rate(hi, bounds, rates, boundary)


def threshold_jumps(tiers, *, mode: str = "whole", boundary: str = "lower_inclusive") -> pd.DataFrame:
    """临界点 — what happens to the commission at each tier bound.

    One row per bound: ``bound``, ``rate_below`` and ``rate_above`` (the rate of the tier
    that ends and that starts there), ``payout_below`` (the limit just below the bound),
    ``payout_at`` (at the bound, by ``boundary``), ``payout_above`` (the limit just above)
    and ``jump`` = payout_above - payout_below. In ``whole`` mode (全额累进)
    jump = bound x (rate_above - rate_below): one more unit of sales can pay that much
    more, which invites holding back or pulling forward deals near a bound. ``marginal``
    mode (超额累进) has no jumps (every ``jump`` is 0). ``jump_share`` = jump / payout_below
    (NaN when payout_below is 0).
    """
    _check_mode(mode, boundary)
    bounds, rates = _tier_arrays(tiers)
    cols = ["bound", "rate_below", "rate_above", "payout_below", "payout_at", "payout_above", "jump", "jump_share"]
    if len(bounds) == 0:
        return pd.DataFrame(columns=cols, dtype="float64")
    rate_below = np.concatenate([[0.0], rates[:-1]])
    if mode == "marginal":
        at = _marginal(bounds, bounds, rates)
        below = above = at
    else:
        below, above = bounds * rate_below, bounds * rates
        at = above if boundary == "lower_inclusive" else below
    jump = above - below
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(below != 0, jump / np.where(below != 0, below, 1.0), np.nan)
    return pd.DataFrame({"bound": bounds, "rate_below": rate_below, "rate_above": rates, "payout_below": below,
                         "payout_at": at, "payout_above": above, "jump": jump, "jump_share": share})[cols]


# ----------------------------------------------------------------------------- data access
def _fact(kpis: KPIResult, name: str) -> pd.Series | None:
    """A per-employee fact of the KPI result (computed on demand); None when unavailable."""
    if name in kpis.facts:
        return kpis.facts[name]
    return kpis.fact(name) if getattr(kpis, "_ctx", None) is not None else None


def _employees(kpis: KPIResult) -> pd.DataFrame:
    emp = kpis.employees if getattr(kpis, "_ctx", None) is not None else kpis.wide
    return emp.assign(employee_id=emp["employee_id"].astype(str)).set_index("employee_id")


def _target_rows(kpis: KPIResult, targets: pd.DataFrame | None) -> pd.DataFrame | None:
    if targets is not None:
        return targets_for(targets, kpis.period)
    rows = kpis.table("targets") if getattr(kpis, "_ctx", None) is not None else None
    return targets_for(rows, kpis.period) if rows is not None else None


def _pick_basis(rows: pd.DataFrame, basis_kpi: str) -> pd.DataFrame:
    """Rows of the basis KPI when there are any, else those of ``revenue`` (as the KPI
    engine does for target_attainment)."""
    own = rows[rows["kpi"] == basis_kpi]
    return own if len(own) else rows[rows["kpi"] == "revenue"]


def _targets(kpis: KPIResult, targets: pd.DataFrame | None, basis_kpi: str,
             teams: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(person targets by employee_id, team targets by team) on the commission basis.

    A team's target is its team-level target row, else the sum of its members' targets
    (NaN when none of them has one)."""
    ids = kpis.facts.index.astype(str)
    rows = _target_rows(kpis, targets)
    if rows is None:
        person = _fact(kpis, "target_revenue")
        person = (person if person is not None else pd.Series(np.nan, index=kpis.facts.index))
        person = pd.Series(person.to_numpy(dtype="float64"), index=ids)
        team_rows = pd.Series(dtype="float64")
    else:
        rows = rows.assign(target=pd.to_numeric(rows["target"], errors="coerce"))
        own = _pick_basis(rows[rows["employee_id"].notna()], basis_kpi)
        person = own.groupby(own["employee_id"].astype(str))["target"].sum(min_count=1).reindex(ids)
        trow = _pick_basis(rows[rows["employee_id"].isna() & rows["team"].notna()], basis_kpi)
        team_rows = trow.groupby(trow["team"].astype(str))["target"].sum(min_count=1)
    members = person.groupby(teams.reindex(ids).astype(str)).sum(min_count=1)
    team = team_rows.reindex(members.index.union(team_rows.index)).fillna(members)
    return person.astype("float64"), team.astype("float64")


def _incentives(params):
    inc = getattr(params, "incentives", params)
    if not hasattr(inc, "commission") or not hasattr(inc, "base_pay"):
        raise ScoringError("payouts needs the parameters (load_params(...)) or their `incentives` section, "
                           f"but a {type(params).__name__} was passed")
    return inc


def _by_role(table: dict[str, float], roles: pd.Series, key: str) -> pd.Series:
    missing = sorted({r for r in roles.dropna().astype(str) if r not in table} if "default" not in table else set())
    if missing:
        raise ScoringError(f"incentives.{key} has no amount for the role(s) {', '.join(missing)} and no 'default'; "
                           f"add them (e.g. {key}: {{default: 0, {missing[0]}: ...}})")
    default = table.get("default", np.nan)
    return roles.astype(str).map(lambda r: table.get(r, default)).astype("float64")


def _days_employed(employees: pd.DataFrame, ids: pd.Series, period) -> tuple[np.ndarray, int]:
    """(the calendar days of ``period`` each person was employed, the period's days): from
    ``hire_date`` to ``leave_date`` (the last working day, counted), within the period. An
    unknown date does not shorten the period."""
    start, last = period.start, period.last_day
    span = (last - start).days + 1

    def day(column: str) -> pd.Series:
        if column not in employees:
            return pd.Series(pd.NaT, index=ids.index, dtype="datetime64[ns]")
        d = pd.to_datetime(employees[column], errors="coerce").reindex(ids)
        return pd.Series(d.dt.normalize().to_numpy(), index=ids.index)

    first = day("hire_date").clip(lower=start).fillna(start)
    final = day("leave_date").clip(upper=last).fillna(last)
    days = ((final - first).dt.days + 1).clip(lower=0, upper=span)
    return days.to_numpy(dtype="int64"), span


def _prorated(who: list[str], days: list[int], span: int, with_performance: bool) -> Note:
    """The notice of the people whose fixed pay was pro-rated to their days employed."""
    shown = list(zip(who, days))[:10]
    more = len(who) - len(shown)
    n = len(who)
    en_pay = "Base and performance pay" if with_performance else "Base pay"
    zh_pay = "基本工资和绩效工资" if with_performance else "基本工资"
    en_list = ", ".join(f"{e} {d} {'day' if d == 1 else 'days'}" for e, d in shown) + (
        f" and {more} more" if more > 0 else "")
    zh_list = "、".join(f"{e}（在职 {d} 天）" for e, d in shown) + ("等" if more > 0 else "")
    return Note(f"{en_pay} of {n} {'person' if n == 1 else 'people'} pro-rated to the days employed (by hire "
                f"date and leave date; the period has {span} days): {en_list}.",
                f"{n} 人的{zh_pay}按在职天数折算（依入职日期和离职日期，本期共 {span} 天）：{zh_list}。")


def _multipliers(grades: pd.Series, table: dict[str, float], ids: pd.Series) -> pd.Series:
    if not table:
        return pd.Series(1.0, index=grades.index)
    known = grades.notna()
    unknown = known & ~grades.astype(str).isin(list(table))
    if unknown.any():
        who = ", ".join(f"{e} ({g})" for e, g in zip(ids[unknown], grades[unknown]))
        raise ScoringError(f"incentives.grade_multipliers has no multiplier for the grade of {who}; "
                           f"it has {', '.join(map(str, table))}. Add the grade to grade_multipliers")
    return grades.where(known).map(lambda g: table.get(str(g), np.nan) if pd.notna(g) else np.nan).astype("float64")


def _cents(values) -> np.ndarray:
    """Amounts rounded to the cent, half up (四舍五入: 0.005 -> 0.01, -0.005 -> -0.01); NaN
    stays NaN. Each amount is rounded as written (its shortest decimal form), so that
    1.005 is 1.01 although the float is a little below it."""
    x = np.asarray(values, dtype="float64")
    out = [v if not np.isfinite(v) else float(Decimal(repr(float(v))).quantize(Decimal("0.01"), ROUND_HALF_UP))
           for v in x.ravel()]
    return np.asarray(out, dtype="float64").reshape(x.shape) + 0.0  # + 0.0: no -0.0


def _allot(amount: float, weights: pd.Series) -> pd.Series:
    """``amount`` shared in proportion to ``weights`` (>= 0, some > 0), in cents that add up
    to the amount exactly: each share rounded down to the cent, and the cents left over go
    one each to the largest remainders (ties to the earlier row)."""
    cents = int(_cents(amount) * 100)
    w = weights.to_numpy(dtype="float64")
    exact = cents * w / w.sum()
    base = np.floor(exact + 1e-9)
    left = cents - int(base.sum())
    order = np.argsort(-(exact - base), kind="stable")[:max(left, 0)]
    base[order] += 1
    return pd.Series(base / 100, index=weights.index)


def _share_among(winners: pd.Series, amount: float) -> pd.Series:
    """``amount`` split equally among the rows where ``winners`` is True (to the cent, the
    shares adding up to the amount: 100 among 3 is 33.34, 33.33, 33.33)."""
    n = int(winners.sum())
    if not n:
        return pd.Series(0.0, index=winners.index)
    return _allot(amount, winners.astype("float64"))


def commission_base_problem(inc) -> Note | None:
    """Why a plan cannot be paid on data that give no commission base (no orders, or, on
    the received basis, no payments), or None when no part of it pays on revenue: a Note,
    whose ``zh`` says it in Chinese."""
    com = inc.commission
    using = _revenue_parts(inc)
    if not using:
        return None
    received = com.basis == "received"
    money = "money received" if received else "orders"
    fix = ("add paid_amount and paid_date to the orders, or set incentives.commission.basis: ordered"
           if received else "add the orders table (or revenue in the KPI sheet)")
    fix_zh = ("在订单表中加上 paid_amount 和 paid_date，或设置 incentives.commission.basis: ordered"
              if received else "补上订单表（或在 KPI 表中加上 revenue）")
    columns = " (orders' paid_amount and paid_date)" if received else ""
    return Note(f"incentives.commission.basis is '{com.basis}', but the data give no {money}{columns}, "
                f"which {', '.join(using)} need(s): {fix}; or remove those parts of the plan (set them to null).",
                f"incentives.commission.basis：提成基数为「{com.basis}」，但数据中没有"
                f"{'到账金额（订单的 paid_amount 和 paid_date）' if received else '订单'}，而 {'、'.join(using)} "
                f"需要它。修改方法：{fix_zh}；或删除方案中的这些部分（设为 null）。")


def has_commission_base(basis: str, tables: dict) -> bool:
    """Whether the data give the commission base of ``basis`` ("ordered" or "received"):
    orders (with paid_amount and paid_date for "received"), or the matching column of a
    KPI sheet."""
    orders, sheet = tables.get("orders"), tables.get("kpi_sheet")
    if orders is not None and (basis != "received" or {"paid_amount", "paid_date"} <= set(orders.columns)):
        return True
    return sheet is not None and ("received_revenue" if basis == "received" else "revenue") in sheet.columns


def _revenue_parts(inc) -> list[str]:
    """The keys of the incentive plan that pay on revenue (the commission base)."""
    parts = ["incentives.commission.tiers"] if inc.commission.tiers else []
    parts += [f"incentives.{k}" for k in ("over_target", "team_pool") if getattr(inc, k) is not None]
    parts += [f"incentives.awards.{k}" for k, v in inc.awards.items() if v and k != "best_service"]
    return parts


def _commission_column(com, base: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Commission per person: tiers, accelerator, gate and cap (see :func:`payouts`).
    ``target`` is NaN where a person has no positive target."""
    return _commission_steps(com, base, target)["commission"]


def _commission_steps(com, base: np.ndarray, target: np.ndarray) -> dict[str, np.ndarray]:
    """The commission per person and the steps to it (what :func:`explain_pay` tells):
    ``tiers`` (by the tiers alone), ``extra`` (the accelerator's), ``passed`` (the gate:
    True, False, or True where there is no gate), ``capped`` and ``commission``."""
    bounds, rates = _tier_arrays(com.tiers)
    attainment = base / target
    att = np.round(attainment, 9)
    if com.measure == "amount":
        x, scale = base, np.ones_like(base)
        acc_x = com.accelerator_above * target if com.accelerator_above is not None else None
    else:
        x, scale = att, target
        acc_x = np.full_like(base, com.accelerator_above) if com.accelerator_above is not None else None
    raw = scale * _commission(x, bounds, rates, com.mode, com.boundary)
    if com.measure == "attainment":
        # no target: nothing is owed on no sales; on sales the commission is unknown
        raw = np.where(np.isnan(attainment), np.where((base > 0) & (rates > 0).any(), np.nan, 0.0), raw)
    extra = np.zeros_like(base)
    if acc_x is not None and com.accelerator_multiplier != 1.0:
        part = scale * _slice_commission(np.minimum(x, acc_x), x, bounds, rates, com.mode, com.boundary)
        extra = np.where(np.isnan(acc_x) | np.isnan(x), 0.0, (com.accelerator_multiplier - 1.0) * part)
    comm = raw + extra
    passed = np.ones(base.shape, dtype=bool)
    if com.gate_below is not None:
        passed = att >= com.gate_below - _TOL
        comm = np.where(np.isnan(attainment), np.where(comm > 0, np.nan, comm), np.where(passed, comm, 0.0))
    capped = np.zeros(base.shape, dtype=bool)
    if com.cap is not None:
        capped = comm > com.cap
        comm = np.minimum(comm, com.cap)
    return {"tiers": raw, "extra": extra, "passed": passed, "capped": capped, "commission": comm.astype("float64")}


def _team_pool(pool_cfg, teams: pd.Series, revenue: pd.Series, team_att: pd.Series) -> pd.Series:
    """The pool of each team that reached its target, shared by its rows."""
    pool = pd.Series(0.0, index=teams.index)
    if pool_cfg is None or not pool_cfg.amount:
        return pool
    for team in team_att.index[team_att >= 1.0 - _TOL]:
        mine = teams == team
        if not mine.any():
            continue
        own = revenue[mine]
        if pool_cfg.split == "by_revenue" and own.sum() > 0:
            pool[mine] = _allot(pool_cfg.amount, own.clip(lower=0))
        else:
            pool[mine] = _allot(pool_cfg.amount, pd.Series(1.0, index=own.index))
    return pool


def _kpi_column(kpis: KPIResult, name: str, ids: pd.Series) -> pd.Series | None:
    if name not in kpis.wide:
        return None
    w = kpis.wide.assign(employee_id=kpis.wide["employee_id"].astype(str)).set_index("employee_id")
    return pd.Series(w[name].reindex(ids).to_numpy(dtype="float64"), index=ids.index)


def _unpaid_award(award: str, kpi: str, needs: tuple[str, str]) -> Note:
    """The notice of an award the plan pays on a KPI the data did not give: the award and
    the KPI by their labels, the plan's key only where it says how to take the award out."""
    en, zh = award_label(award, "en"), award_label(award, "zh")
    return Note(f"{en} award left unpaid: {label(kpi, 'en')} was not computed (it needs {needs[0]}).",
                f"{zh}奖未发放：没有算出{label(kpi, 'zh')}（需要{needs[1]}）。",
                Note(f"Add that table, or take the award out of the plan with incentives.awards.{award}: null.",
                     f"请补上该表，或以 incentives.awards.{award}: null 取消该奖项。"))


def _unpaid_for_lack_of_team_targets(inc) -> list[Note]:
    """The notices of the team pool and the team champion award when no team has a
    target: both go by a team's attainment, so neither can be paid."""
    parts = []
    if inc.team_pool is not None and inc.team_pool.amount:
        parts.append(("Team pool", "团队奖金池", "incentives.team_pool",
                      "it goes to each team that reaches its target", "奖金池发给达成目标的团队"))
    if inc.awards.get("team_champion"):
        parts.append(("Team champion award", "团队冠军奖", "incentives.awards.team_champion",
                      "it goes to the team of highest attainment", "该奖发给目标完成率最高的团队"))
    return [Note(f"{en} left unpaid: no team has a revenue target this period ({why_en}).",
                 f"{zh}未发放：本期没有任何团队的销售目标（{why_zh}）。",
                 Note(f"Add the teams' targets to the data, or take it out of the plan with {key}: null.",
                      f"请在数据中补上团队目标，或以 {key}: null 取消。"))
            for en, zh, key, why_en, why_zh in parts]


def _awards(amounts: dict, teams: pd.Series, revenue: pd.Series, team_att: pd.Series,
            csat: pd.Series | None, notices: list[str]) -> dict[str, pd.Series]:
    """Award money per row, by award (sales_champion, best_service, team_champion: only
    those paid to someone); tied winners share an award equally."""
    awards: dict[str, pd.Series] = {}
    if not len(teams):
        return awards
    amount = amounts.get("sales_champion", 0)
    if amount and revenue.max() > 0:
        awards["sales_champion"] = _share_among(revenue == revenue.max(), amount)
    amount = amounts.get("best_service", 0)
    if amount and csat is None:
        notices.append(_unpaid_award("best_service", "csat", ("the service table with satisfaction scores",
                                                              "带满意度的客服工单表")))
    elif amount and csat.notna().any():
        awards["best_service"] = _share_among(csat >= csat.max() - _TOL, amount)
    amount = amounts.get("team_champion", 0)
    candidates = team_att[team_att.index.isin(set(teams))].dropna()
    if amount and len(candidates):
        best = candidates.index[candidates >= candidates.max() - _TOL]
        awards["team_champion"] = _share_among(teams.isin(best), amount)
    return awards


# ----------------------------------------------------------------------------- payouts
def payouts(scorecard_table: pd.DataFrame, kpis: KPIResult, params, *,
            targets: pd.DataFrame | None = None, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """应发薪酬 — the pay of one period per person.

    Parameters
    ----------
    scorecard_table : DataFrame
        ``scoring.Scorecard.table``: employee_id, team, role, grade (name, score and rank
        are optional). One output row per input row, in the same order.
    kpis : KPIResult
        The KPIs of the same data and period.
    params : Params or its ``incentives`` section
    targets : DataFrame, optional
        A targets table (period, employee_id, team, kpi, target) to use instead of the one
        the KPIs were computed from.
    names : mapping, optional
        How notices name a person (employee_id -> name, e.g. the pseudonyms of a report
        shared outside the client); a person not in it is named by the employee id.

    Returns
    -------
    DataFrame with the columns of ``PAYOUT_COLUMNS``::

        base_pay          = incentives.base_pay[role] (else "default"; employees.base_pay wins)
                            x days employed / days of the period
        performance_pay   = incentives.performance_pay[role] x grade_multipliers[grade]
                            x days employed / days of the period
        commission_base   = revenue_ordered (basis: ordered) or received_revenue (basis: received)
        target            = revenue target on that basis (received_revenue target, else revenue)
        attainment        = commission_base / target (NaN without a positive target)
        commission        = min(cap, gate x (tiers(commission_base) + accelerator extra))
        over_target_bonus = bonus_share x performance_pay when attainment >= 1 + threshold
        team_pool         = amount / members (equal) or amount x own / team revenue (by_revenue),
                            for teams whose revenue >= their target
        awards            = sales champion + best service + team champion shares
        clawback          = -(sum over earlier periods of the money refunded x the rate its period paid)
        total             = the sum of the seven components above

    Each component is rounded to the cent, half up (四舍五入), and ``total`` is the sum of
    the rounded components, so that a row adds up as payroll pays it. A pool or award
    shared by several people is split in cents that add up to its amount (the odd cents
    go to the largest remainders).

    Notes
    -----
    - Days employed (``incentives.prorate: calendar_days``, the default; 按在职天数折算):
      the calendar days of the period from ``hire_date`` to ``leave_date`` (the last
      working day, counted), an unknown date being the period's first or last day. Hired
      on 2026-10-15: 17 of October's 31 days; last day 2026-08-15 in 2026-Q3: 31 + 15 of
      92 days. Base and performance pay are fixed amounts per period, so both are paid for
      those days, and so is the over-target bonus, a share of the performance pay; the
      commission, the pool and the awards follow the results of the days worked and are
      not pro-rated. ``prorate: none`` pays the whole period's amounts. The people whose
      pay was pro-rated are named in a notice.
    - Tiers on ``measure: amount`` take the commission base; on ``measure: attainment``
      the bounds are attainment levels and each rate applies to the revenue in its band:
      commission = target x tiers(attainment).
    - Accelerator: above ``accelerator_above`` x target the commission on *the part above*
      is multiplied by ``accelerator_multiplier`` (the extra is (multiplier - 1) x the
      commission of that slice: its marginal rates, or in whole mode the rate reached).
      Multiplying only the part above adds no cliff at the threshold, unlike multiplying
      the whole commission.
    - Gate: below ``gate_below`` attainment the commission is 0. Cap: the commission
      (after the accelerator) is at most ``cap``.
    - Attainment levels are compared with a tolerance of 1e-9, so 110 000 / 100 000
      counts as exactly 10 % above target.
    - A person without a target: the over-target bonus and the accelerator are not earned
      (0); where the commission depends on attainment (gate, ``measure: attainment``) and
      the tiers pay something, it cannot be determined and is NaN, and so is ``total``:
      give the person a target or leave the gate out.
    - Team pool: a team's revenue is the sum of the commission base of all its employees
      in the KPI result; its target is its team-level target row, else the sum of its
      members' targets. A team without a positive target gets no pool. ``by_revenue``
      splits by the commission base of the members in ``scorecard_table`` (equally when
      that is 0).
    - Awards: sales champion = highest commission base (above 0); best service = highest
      ``csat`` (needs the csat KPI; left unpaid, with a logged notice, when it was not
      computed); team champion = the team of highest attainment (as for the pool). Ties
      share an award equally: one award amount split among every tied winner (for the
      team champion, among all members of the tied teams).
    - Clawback (needs ``kpi_options.refund_handling: clawback`` and ``incentives.clawback``):
      refunds arriving this period on orders of earlier periods (``clawback_amount``), each
      period's money times the rate that period's commission paid on its commission base
      (its commission / base, tiers, gate and cap applied as then: 0 when it paid none, or
      the person was not paid in it), so that a refund takes back what was paid on it and
      no more; the lowest tier's rate where that period's commission cannot be known (no
      target), or for a KPI result built without its dataset. It is neither gated nor
      capped now, and is taken even when this period's commission is smaller.

    Notices (e.g. an award left unpaid, the people whose pay was pro-rated) are in
    ``result.attrs["notices"]``. :func:`explain_pay` tells one row's figures with their
    arithmetic.
    """
    return _payouts(scorecard_table, kpis, params, targets=targets, names=names)[0]


def sum_payouts(months: list[tuple[object, pd.DataFrame]], scorecard_table: pd.DataFrame) -> pd.DataFrame:
    """应发薪酬 of a quarter or a year as the sum of its months' pay (a plan whose amounts,
    tiers, caps and gates are monthly: ``incentives.pay_period: month``).

    ``months``: (month, :func:`payouts` of that month) for each month paid. One row per row
    of ``scorecard_table`` (the period's scorecard: employee_id, name, team, role, grade), in
    its order::

        base_pay ... clawback, total = Σ over the months of the month's amount
                                       (NaN when a month's amount could not be determined;
                                       0 for someone in no month's table)
        commission_base, target      = Σ over the months
        attainment                   = commission_base / target (NaN without a positive target)
        grade                        = the period's grade (scorecard_table)
        monthly_grades               = each month's grade, "A / B / A"

    ``attrs["notices"]``: each notice of the months once, after the months that gave it
    unless every month gave the same notices; ``attrs["months"]``: the months paid.
    """
    ids = scorecard_table["employee_id"].astype(str)
    out = pd.DataFrame({"employee_id": ids.to_numpy(), **{c: scorecard_table[c].to_numpy() if c in scorecard_table
                                                          else np.nan for c in ("name", "team", "role", "grade")}})
    parts = [pay.assign(employee_id=pay["employee_id"].astype(str), _month=str(m)) for m, pay in months]
    every = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["employee_id", "_month"])
    summed = [*COMPONENTS, "total", "commission_base", "target"]
    for c in summed:
        if c not in every:
            out[c] = 0.0
            continue
        v = pd.to_numeric(every[c], errors="coerce")
        per = v.groupby(every["employee_id"]).agg(lambda x: x.sum(skipna=False)).reindex(ids)
        out[c] = per.mask(~ids.isin(every["employee_id"]).to_numpy(), 0.0).to_numpy()  # (in no month: nothing paid)
    for c in COMPONENTS + ("total",):  # (sums of cents, written as cents)
        out[c] = _cents(out[c].to_numpy(dtype="float64"))
    t = out["target"].where(out["target"] > 0)
    out["attainment"] = out["commission_base"] / t
    grades = every.dropna(subset=["grade"]).groupby("employee_id")["grade"].agg(lambda g: " / ".join(map(str, g))) \
        if "grade" in every else pd.Series(dtype=object)
    out["monthly_grades"] = grades.reindex(ids).to_numpy()
    out = out[[*PAYOUT_COLUMNS, "monthly_grades"]]
    # each notice once: as it is when every month gave the same notices, else after the
    # months that gave it ("2026-07, 2026-09: ...")
    said = [list(pay.attrs.get("notices", [])) for _, pay in months]
    same = all(x == said[0] for x in said)
    given: dict[str, tuple[object, list[str]]] = {}
    for (m, _), ns in zip(months, said):
        for n in ns:
            given.setdefault(str(n), (n, []))[1].append(str(m))
    notices = []
    for n, said in given.values():
        if not same:
            n = n if isinstance(n, Note) else Note(str(n), str(n))
            n = n.prefixed(f"{', '.join(said)}: ", f"{'、'.join(said)}：")
        notices.append(n)
    out.attrs["notices"] = notices
    won: dict[str, dict[str, float]] = {}  # (each award's winners over the months, with their sums)
    for _, pay in months:
        for k, paid in pay.attrs.get("awards", {}).items():
            sums = won.setdefault(k, {})
            for e, a in paid.items():
                sums[e] = sums.get(e, 0.0) + a
    out.attrs["awards"] = won
    out.attrs["months"] = [str(m) for m, _ in months]
    out.attrs["by_month"] = every[[c for c in ("employee_id", "_month", "grade", "total") if c in every]].rename(
        columns={"_month": "month"}).reset_index(drop=True)
    return out


def explain_monthly_pay(pay: pd.DataFrame, employee_id: str, period, business: str, *,
                        language: str = "zh", options: str = "") -> str:
    """The pay of a quarter or a year that is the sum of its months' (:func:`sum_payouts`),
    for one person: each month's total and grade, then their sum, and the command that tells
    a month's pay item by item, as a shell reads it (the person quoted when need be, then
    ``options``: the ``--params``, ``--data`` and ``--language`` of the command that asked)."""
    import shlex

    zh = language == "zh"
    e = str(employee_id)
    months = pay.attrs["by_month"]
    mine = months[months["employee_id"].astype(str) == e]
    row = pay[pay["employee_id"].astype(str) == e]
    head = (f"应发薪酬（{period}）按月核算，为各月之和：" if zh else
            f"Pay for {period}, the sum of its months' pay (the plan pays by month):")
    lines = [head]
    for r in mine.itertuples():
        grade = (f"（等级 {r.grade}）" if zh else f" (grade {r.grade})") if isinstance(r.grade, str) else ""
        lines.append(f"  {r.month} {_money(r.total) if pd.notna(r.total) else '—'}{grade}")
    none = pay.attrs.get("months_without_records", [])
    if none:
        lines.append(f"  {'、'.join(none)}：没有数据，未计薪" if zh else f"  {', '.join(none)}: no data, not paid")
    total = row["total"].iloc[0] if len(row) else np.nan
    parts = " + ".join(_money(t) for t in mine["total"]) if len(mine) > 1 else ""
    shown = _money(total) if pd.notna(total) else "—"
    lines.append(f"  {'应发合计' if zh else 'Total'} {parts + ' = ' if parts else ''}{shown}")
    first = mine["month"].iloc[0] if len(mine) else (pay.attrs["months"] or [str(period)])[0]
    command = f"salesperf explain {business} {shlex.quote(e)} --period {first}" + (f" {options}" if options else "")
    lines.append(f"  各月明细：{command}" if zh else f"  Each month item by item: {command}")
    return "\n".join(lines)


def _payouts(scorecard_table: pd.DataFrame, kpis: KPIResult, params, *, targets: pd.DataFrame | None = None,
             names: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, dict]:
    """The table of :func:`payouts`, and per row the steps to its figures that
    :func:`explain_pay` tells (arrays in the table's row order)."""
    inc = _incentives(params)
    com = inc.commission
    need = ["employee_id", "team", "role", "grade"]
    absent = [c for c in need if c not in scorecard_table.columns]
    if absent:
        raise ScoringError(f"the scorecard table has no column(s) {', '.join(absent)}; pass Scorecard.table, "
                           f"which has {', '.join(need)}")
    sc = scorecard_table.reset_index(drop=True)
    ids = sc["employee_id"].astype(str)
    facts_ids = kpis.facts.index.astype(str)
    unknown = sorted(set(ids) - set(facts_ids))
    if unknown:
        raise ScoringError(f"employee(s) {', '.join(unknown[:10])} of the scorecard are not in the KPI result; "
                           "compute the scorecard and the KPIs from the same data and period")
    if ids.duplicated().any():
        raise ScoringError(f"the scorecard table lists employee(s) {', '.join(sorted(set(ids[ids.duplicated()])))} "
                           "more than once; pass one row per person")
    notices: list[str] = []
    applied: list[str] = []  # how the plan was applied (pay pro-rated): logged as information, not a warning
    employees = _employees(kpis)

    # --- basis, targets, attainment
    fact_name = "received_revenue" if com.basis == "received" else "revenue_ordered"
    base_all = _fact(kpis, fact_name)
    if base_all is None:
        money = "money received" if com.basis == "received" else "orders"
        problem = commission_base_problem(inc)
        if problem:
            raise ScoringError(problem)
        notices.append(Note(f"The data give no {money}: "
                            "the plan pays nothing on revenue, so the commission "
                            "base is left empty.",
                            f"数据中没有{'到账金额' if com.basis == 'received' else '销售额'}，方案也不按销售额发放：提成基数留空。"))
        base_all = pd.Series(np.nan, index=facts_ids)
    else:
        base_all = pd.Series(base_all.to_numpy(dtype="float64"), index=facts_ids).fillna(0.0)
    teams_all = employees["team"].reindex(facts_ids) if "team" in employees else sc.set_index(ids)["team"]
    basis_kpi = "received_revenue" if com.basis == "received" else "revenue"
    person_t, team_t = _targets(kpis, targets, basis_kpi, teams_all)

    base = base_all.reindex(ids).to_numpy()
    target = person_t.reindex(ids).to_numpy(dtype="float64")
    target_pos = np.where(target > 0, target, np.nan)
    attainment = base / target_pos

    # --- base and performance pay
    base_pay = _by_role(inc.base_pay, sc["role"], "base_pay")
    plan_base = base_pay.to_numpy(dtype="float64")  # (what the plan gives, which explain_pay names when overridden)
    own = np.full(len(ids), np.nan)
    if "base_pay" in employees:
        own = pd.to_numeric(employees["base_pay"], errors="coerce").reindex(ids).to_numpy(dtype="float64")
        base_pay = pd.Series(np.where(np.isnan(own), base_pay.to_numpy(), own))
    perf_amount = _by_role(inc.performance_pay, sc["role"], "performance_pay")
    multiplier = _multipliers(sc["grade"], inc.grade_multipliers, ids)
    perf = perf_amount * multiplier
    days, span, base_full = np.ones(len(ids)), 1, base_pay.to_numpy(dtype="float64")
    if inc.prorate == "calendar_days":  # 按在职天数折算: for the days employed in the period
        days, span = _days_employed(employees, ids, kpis.period)
        has_perf = (perf.fillna(0) != 0).to_numpy()
        part = (days < span) & ((base_pay.fillna(0) != 0).to_numpy() | has_perf)
        if part.any():
            # by the name shown: the employee id, or the pseudonym (the hidden ids' order would tell who is who)
            order = np.argsort([str((names or {}).get(e, e)) for e in ids[part].to_numpy()], kind="stable")
            who = [str((names or {}).get(e, e)) for e in ids[part].to_numpy()[order]]
            applied.append(_prorated(who, days[part][order].tolist(), span, bool(has_perf[part].any())))
            notices.append(applied[-1])
        base_pay, perf = base_pay * days / span, perf * days / span

    # --- commission
    steps = _commission_steps(com, base, target_pos) if com.tiers else {}
    comm = steps["commission"] if com.tiers else np.zeros_like(base)
    if np.isnan(comm).any():
        missing = ids[np.isnan(comm)]
        if names:  # by pseudonym, not in the order of the hidden ids
            missing = missing.iloc[np.argsort([str(names.get(e, e)) for e in missing], kind="stable")]
        shown = [str((names or {}).get(e, e)) for e in missing.head(10)]
        more = len(missing) - len(shown)
        notices.append(Note(f"Commission of {', '.join(shown)}{f' and {more} more' if more > 0 else ''} "
                            "cannot be determined without a revenue target (the plan gates or measures on "
                            "attainment); add their targets.",
                            f"{'、'.join(shown)}{f' 等 {len(missing)} 人' if more > 0 else ''}没有销售目标，无法确定提成"
                            "（方案按目标完成率设门槛或计提）：请补上他们的目标。"))

    # --- over-target bonus
    over = np.zeros_like(base)
    if inc.over_target is not None:
        reached = np.round(attainment, 9) >= 1.0 + inc.over_target.threshold - _TOL
        over = np.where(reached, inc.over_target.bonus_share * perf.to_numpy(), 0.0)

    # --- team pool and awards
    sc_team = sc["team"].astype(str)
    team_rev = base_all.groupby(teams_all.astype(str)).sum()
    team_att = (team_rev / team_t.where(team_t > 0)).round(9)
    if not team_att[team_att.index.isin(set(sc_team))].notna().any():
        notices += _unpaid_for_lack_of_team_targets(inc)
    pool = _team_pool(inc.team_pool, sc_team, pd.Series(base, index=sc.index), team_att)
    by_award = _awards(inc.awards, sc_team, pd.Series(base, index=sc.index), team_att,
                       _kpi_column(kpis, "csat", ids), notices)
    awards = pd.Series(0.0, index=sc.index)
    for share in by_award.values():
        awards += share

    # --- clawback
    clawback = np.zeros_like(base)
    refunded, claw_rate, claw_parts = np.zeros_like(base), np.nan, [[] for _ in range(len(ids))]
    if inc.clawback and kpis.options.get("refund_handling") == "clawback":
        amt = _fact(kpis, "clawback_amount")
        if amt is not None:
            amt = pd.Series(amt.to_numpy(dtype="float64"), index=facts_ids).reindex(ids).fillna(0.0).to_numpy()
            rates = _tier_arrays(com.tiers)[1]
            refunded, claw_rate = amt, (rates[0] if len(rates) else 0.0)
            clawback = 0.0 - amt * claw_rate
            paid = _rates_paid(kpis, params, targets, fact_name, basis_kpi, claw_rate)
            if paid is not None:  # each earlier period's money at the rate its commission paid
                place = {e: i for i, e in enumerate(ids)}
                clawback = np.zeros_like(base)
                for r in paid[paid["employee_id"].isin(place)].itertuples():
                    i = place[r.employee_id]
                    clawback[i] -= r.refunded * r.rate
                    claw_parts[i].append((r.period, r.refunded, r.rate, r.why))

    for n in notices:
        (logger.info if n in applied else logger.warning)(n)
    # pay as payroll pays it: each item to the cent, half up; the total is their sum
    base_pay, perf = pd.Series(_cents(base_pay)), pd.Series(_cents(perf))
    comm, over, clawback = _cents(comm), _cents(over), _cents(clawback)
    pool, awards = pd.Series(_cents(pool)), pd.Series(_cents(awards))  # (already cents: drops float residue)
    out = pd.DataFrame({
        "employee_id": ids,
        "name": sc["name"] if "name" in sc else employees["name"].reindex(ids).to_numpy() if "name" in employees else None,
        "team": sc["team"], "role": sc["role"], "grade": sc["grade"],
        "base_pay": base_pay.to_numpy(dtype="float64"), "performance_pay": perf.to_numpy(dtype="float64"),
        "commission_base": base, "target": target, "attainment": attainment,
        "commission": comm.astype("float64"), "over_target_bonus": over.astype("float64"),
        "team_pool": pool.to_numpy(dtype="float64"), "awards": awards.to_numpy(dtype="float64"),
        "clawback": np.asarray(clawback, dtype="float64"),
    })
    out["total"] = _cents(out[list(COMPONENTS)].sum(axis=1, skipna=False))  # (drops the float sum's residue)
    out.attrs["notices"] = notices
    # who won which award, and how much (a report says why its Awards column pays whom)
    out.attrs["awards"] = {k: {str(e): float(a) for e, a in zip(out["employee_id"], v.to_numpy()) if a > 0}
                           for k, v in by_award.items()}
    pool_basis = pd.Series(base, index=sc.index).clip(lower=0)
    why = {"base_full": base_full, "days": np.asarray(days), "span": span,
           # (a plan that sets no base pay leaves it to the employees table: nothing to say)
           "base_plan": np.where(~np.isnan(own) & (own != plan_base) & (plan_base > 0), plan_base, np.nan),
           "performance_amount": perf_amount.to_numpy(dtype="float64"),
           "multiplier": multiplier.to_numpy(dtype="float64"), "commission": steps,
           "team_revenue": team_rev.reindex(sc_team).to_numpy(dtype="float64"),
           "team_target": team_t.reindex(sc_team).to_numpy(dtype="float64"),
           "team_attainment": team_att.reindex(sc_team).to_numpy(dtype="float64"),
           "team_size": sc_team.map(sc_team.value_counts()).to_numpy(),
           "team_pool_basis": pool_basis.groupby(sc_team).transform("sum").to_numpy(dtype="float64"),
           "awards": {k: v.to_numpy(dtype="float64") for k, v in by_award.items()},
           "award_winners": {k: int((v > 0).sum()) for k, v in by_award.items()},
           "refunded": refunded, "clawback_rate": claw_rate, "clawback_parts": claw_parts}
    return out[list(PAYOUT_COLUMNS)], why


def _rates_paid(kpis: KPIResult, params, targets: pd.DataFrame | None, fact_name: str, basis_kpi: str,
                lowest: float) -> pd.DataFrame | None:
    """The money of each earlier period refunded in ``kpis``' period (per employee and
    period: :meth:`KPIResult.refunds_by_period`), with the rate that period's commission
    paid on its commission base (``rate`` = commission / base; ``why``: "paid", "none" when it
    paid no commission (below the gate, no sales), "absent" when the person was not paid
    in it (not employed then), "unknown" when it cannot be determined (no target), then at
    ``lowest``, the lowest tier's rate): a refund takes back what was paid on the money, not
    commission that was never paid. None for a KPI result without its dataset."""
    from .kpis import compute_kpis

    if getattr(kpis, "_dataset", None) is None or getattr(kpis, "_ctx", None) is None:
        return None
    com = _incentives(params).commission
    parts = kpis.refunds_by_period()
    rows = []
    for period, refunds in parts.groupby("period", sort=True):
        try:
            then = compute_kpis(kpis._dataset, period, kpis=[basis_kpi], options=kpis.options)
        except KPIError:  # (the data cannot give that basis: the commission is unknown, as in the period itself)
            return None
        ids = then.facts.index.astype(str)
        base = _fact(then, fact_name)
        base = (pd.Series(base.to_numpy(dtype="float64"), index=ids).fillna(0.0) if base is not None
                else pd.Series(0.0, index=ids))
        staff = _employees(then)
        teams = staff["team"].reindex(ids) if "team" in staff else pd.Series("", index=ids)
        person_t, _ = _targets(then, targets, basis_kpi, teams)
        t = person_t.reindex(ids).to_numpy(dtype="float64")
        comm = (_commission_steps(com, base.to_numpy(), np.where(t > 0, t, np.nan))["commission"] if com.tiers
                else np.zeros(len(ids)))
        comm = pd.Series(comm, index=ids)
        unpaid = set(then.out_of_post["employee_id"].astype(str)) if len(then.out_of_post) else set()
        for r in refunds.itertuples():
            e = str(r.employee_id)
            c, b = comm.get(e, 0.0), base.get(e, 0.0)
            if e not in comm.index or e in unpaid:
                rate, why = 0.0, "absent"
            elif c == 0 or b <= 0:
                rate, why = 0.0, "none"
            elif np.isnan(c):
                rate, why = lowest, "unknown"
            else:
                rate, why = float(c / b), "paid"
            rows.append((e, str(period), float(r.refunded), rate, why))
    return pd.DataFrame(rows, columns=["employee_id", "period", "refunded", "rate", "why"])


# ----------------------------------------------------------------------------- explanation
_PAY_TEXT = {
    "zh": {
        "head": "应发薪酬（{period}）：", "unknown": "—", "sep": "；", "open": "（", "close": "）",
        "days": "本期在职 {0} 天",
        "base_own": "员工表的 base_pay，方案为 {0}",
        "grade": "等级 {0}", "no_grade": "无等级，无法确定",
        "marginal": "超额累进", "band": "{lo}–{hi} 部分：{expr} = {amount}",
        "band_top": "{lo} 以上部分：{expr} = {amount}",
        "whole_from": "满 {0} 全额 {1}", "whole_above": "超过 {0} 全额 {1}", "whole_all": "全额 {0}",
        "gate_ok": "目标完成率 {att} ≥ 门槛 {gate}", "gate_no": "目标完成率 {att} 未达门槛 {gate}",
        "no_target_gate": "无销售目标，无法确定：方案按目标完成率设门槛，请补上目标",
        "no_target_measure": "无销售目标，无法确定：方案按目标完成率计提，请补上目标",
        "below_tier": "{base} 未达最低档 {lo}",
        "accelerator": "加速：超过 {at} 的部分提成 {part} × ({m} − 1) = {extra}",
        "cap": "封顶 {cap}（封顶前 {raw}）", "rounded": "各档合计四舍五入至分",
        "over_ok": "目标完成率 {att} ≥ {need}", "over_no": "目标完成率 {att} 未达 {need}",
        "no_target": "无销售目标", "perf_unknown": "绩效工资无法确定",
        "pool_equal": "团队 {team} 达成 {att} ≥ 100%；奖池 {pool} 由 {n} 人均分",
        "pool_revenue": "团队 {team} 达成 {att} ≥ 100%；奖池 {pool} 按提成基数分配：{own} / {all}",
        "pool_no": "团队 {team} 达成 {att}，未达 100%", "pool_no_target": "团队 {team} 无销售目标",
        "award_tie": "{award}，{n} 人平分 {amount}",
        "clawback": "本期退款，往期订单；按最低档费率",
        "clawback_paid": "本期退款，往期订单；按各期实付的提成费率：{0}",
        "claw_paid": "{period} {rate}", "claw_none": "{period} 未发提成，不追回",
        "claw_absent": "{period} 未在职，未发提成，不追回",
        "claw_unknown": "{period} 提成无法确定，按最低档 {rate}",
        "total_unknown": "{0} 无法确定",
    },
    "en": {
        "head": "Pay for {period}:", "unknown": "—", "sep": "; ", "open": " (", "close": ")",
        "days": "employed {0} days of the period",
        "base_own": "the employees table's base_pay; the plan gives {0}",
        "grade": "grade {0}", "no_grade": "no grade: cannot be determined",
        "marginal": "marginal tiers", "band": "{lo} to {hi}: {expr} = {amount}",
        "band_top": "above {lo}: {expr} = {amount}",
        "whole_from": "whole amount at {1}, from {0}", "whole_above": "whole amount at {1}, above {0}",
        "whole_all": "whole amount at {0}",
        "gate_ok": "attainment {att} ≥ the {gate} gate", "gate_no": "attainment {att} below the {gate} gate",
        "no_target_gate": "no revenue target: cannot be determined, the plan gates on attainment; add the target",
        "no_target_measure": "no revenue target: cannot be determined, the plan pays by attainment; add the target",
        "below_tier": "{base} below the lowest tier, from {lo}",
        "accelerator": "accelerator: commission on the part above {at}, {part} × ({m} − 1) = {extra}",
        "cap": "capped at {cap} (before the cap {raw})", "rounded": "the bands' sum rounded to the cent",
        "over_ok": "attainment {att} ≥ {need}", "over_no": "attainment {att} below {need}",
        "no_target": "no revenue target", "perf_unknown": "performance pay cannot be determined",
        "pool_equal": "team {team} at {att} of target ≥ 100%; pool of {pool} shared equally by {n}",
        "pool_revenue": "team {team} at {att} of target ≥ 100%; pool of {pool} shared by commission base: "
                        "{own} of {all}",
        "pool_no": "team {team} at {att} of target, below 100%", "pool_no_target": "team {team} has no revenue target",
        "award_tie": "{award}, {amount} shared by {n}",
        "clawback": "refunds this period on orders of earlier periods, at the lowest tier's rate",
        "clawback_paid": "refunds this period on orders of earlier periods, at the rate each period's commission "
                         "paid: {0}",
        "claw_paid": "{period} {rate}", "claw_none": "{period} paid no commission on it, nothing to take back",
        "claw_absent": "{period}: not employed then, paid no commission, nothing to take back",
        "claw_unknown": "{period}'s commission unknown, the lowest tier's {rate}",
        "total_unknown": "{0} cannot be determined",
    },
}


def _money(x: float) -> str:
    """An amount with thousands separators, 2 decimals and a true minus sign."""
    return grouped(x, 2).replace("-", "−")


def _bound(x: float) -> str:
    """A tier bound as the plan writes it: 50,000, not 50,000.00."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _rate(r: float) -> str:
    return f"{100 * r:.6g}%"


def _att(a: float, against: float | None = None) -> str:
    """An attainment in per cent with 1 decimal, more when 1 decimal would show a level
    just below ``against`` as equal to it."""
    for d in (1, 2, 4, 6):
        shown = f"{100 * a:.{d}f}%"
        if against is None or abs(a - against) <= _TOL or round(100 * a, d) != round(100 * against, d):
            return shown
    return shown


def _clause(tx: dict, *parts: str) -> str:
    parts = [p for p in parts if p]
    return f"{tx['open']}{tx['sep'].join(parts)}{tx['close']}" if parts else ""


def explain_pay(scorecard_table: pd.DataFrame, kpis: KPIResult, params, employee_id: str, *,
                language: str = "zh", targets: pd.DataFrame | None = None, _computed: tuple | None = None) -> str:
    """应发薪酬说明 — one person's pay, item by item, with its arithmetic.

    The figures are those of the person's row of :func:`payouts` (same arguments), each
    with how the plan came to it: the grade's multiplier, the commission's tier bands
    (one line per band for marginal tiers), accelerator, gate and cap, the attainment
    that decided the over-target bonus, the team's attainment and the split of the pool,
    the awards won, the refunds clawed back, and the total as the sum of the items. An
    item that is 0 because of a rule (gate not reached, below the lowest tier, target
    missed) says which; an item that is 0 for no such reason is left out.

    Raises
    ------
    ScoringError
        ``employee_id`` is not in ``scorecard_table``, or the pay cannot be computed
        (see :func:`payouts`).
    """
    check_one_of("language", language, list(_PAY_TEXT), error=ScoringError)
    tx, zh = _PAY_TEXT[language], language == "zh"
    # (``_computed``: the :func:`_payouts` of these same arguments, kept by a Scorecard that
    # explains one person after another)
    table, why = _computed if _computed is not None else _payouts(scorecard_table, kpis, params, targets=targets)
    at = np.flatnonzero(table["employee_id"].to_numpy() == str(employee_id))
    if not len(at):
        raise ScoringError(f"No person '{employee_id}' in the scorecard table; pass one of its employee_ids.")
    i = int(at[0])
    row = table.iloc[i]
    inc = _incentives(params)
    com = inc.commission
    lab = {k: v[language] for k, v in LABELS.items()}
    unit = params.currency(language) if hasattr(params, "currency") else None  # (amounts in the plan's money)
    head = tx["head"].format(period=(f"{kpis.period}，{unit}" if zh else f"{kpis.period} ({unit})") if unit
                             else kpis.period)
    lines = [head]
    terms: list[float] = []

    def item(key: str, value: float, expr: str = "", clause: str = "") -> None:
        shown = tx["unknown"] if pd.isna(value) else _money(value)
        lines.append(f"  {lab[key]} {shown}{f' = {expr}' if expr else ''}{clause}")
        if pd.notna(value) and value != 0:
            terms.append(value)

    # base pay: as the table has it; for part of the period, the days employed
    days, span = int(why["days"][i]), int(why["span"])
    part = f" × {days}/{span}" if days < span else ""
    employed = tx["days"].format(days) if part else ""
    full, plan = why["base_full"][i], why["base_plan"][i]
    # (the employees table's own amount, where it differs from the plan's: said, so that it is not taken for a slip)
    own = tx["base_own"].format(_money(plan)) if pd.notna(plan) else ""
    item("base_pay", row["base_pay"], f"{_money(full)}{part}" if part and pd.notna(full) else "",
         _clause(tx, own, employed))
    # performance pay
    perf, amount, mult = row["performance_pay"], why["performance_amount"][i], why["multiplier"][i]
    grade = tx["grade"].format(row["grade"]) if pd.notna(row["grade"]) else tx["no_grade"]
    if pd.isna(perf):
        item("performance_pay", perf, clause=_clause(tx, grade))
    elif amount:
        expr = f"{_money(amount)} × {mult:g}{part}" if inc.grade_multipliers else (f"{_money(amount)}{part}"
                                                                                  if part else "")
        item("performance_pay", perf, expr, _clause(tx, grade, employed))
    # commission
    if com.tiers:
        lines += _commission_lines(row, why["commission"], i, com, tx, lab, terms)
    # over-target bonus
    att = row["attainment"]
    if inc.over_target is not None:
        ot, need = inc.over_target, 1.0 + inc.over_target.threshold
        bonus = row["over_target_bonus"]
        if pd.isna(bonus):
            item("over_target_bonus", bonus, clause=_clause(tx, tx["perf_unknown"]))
        elif bonus:
            item("over_target_bonus", bonus, f"{_money(perf)} × {_rate(ot.bonus_share)}",
                 _clause(tx, tx["over_ok"].format(att=_att(att, need), need=_rate(need))))
        elif perf:
            reason = tx["no_target"] if pd.isna(att) else tx["over_no"].format(att=_att(att, need), need=_rate(need))
            item("over_target_bonus", bonus, clause=_clause(tx, reason))
    # team pool
    if inc.team_pool is not None and inc.team_pool.amount:
        pool, team, team_att = row["team_pool"], row["team"], why["team_attainment"][i]
        pool_amount = _money(inc.team_pool.amount)
        if pool:
            basis = why["team_pool_basis"][i]
            if inc.team_pool.split == "by_revenue" and basis > 0:
                reason = tx["pool_revenue"].format(team=team, att=_att(team_att, 1.0), pool=pool_amount,
                                                   own=_money(max(row["commission_base"], 0.0)), all=_money(basis))
            else:
                reason = tx["pool_equal"].format(team=team, att=_att(team_att, 1.0), pool=pool_amount,
                                                 n=int(why["team_size"][i]))
            item("team_pool", pool, clause=_clause(tx, reason))
        elif pd.isna(team_att):
            item("team_pool", pool, clause=_clause(tx, tx["pool_no_target"].format(team=team)))
        elif team_att < 1.0 - _TOL:
            item("team_pool", pool, clause=_clause(tx, tx["pool_no"].format(team=team, att=_att(team_att, 1.0))))
    # awards
    won = [(k, v[i]) for k, v in why["awards"].items() if v[i] > 0]
    if won:
        parts = []
        for k, share in won:
            n = why["award_winners"][k]
            name = award_label(k, language)
            parts.append(tx["award_tie"].format(award=name, n=n, amount=_money(inc.awards[k])) if n > 1 else name)
        if len(won) == 1:
            item("awards", row["awards"], clause=_clause(tx, parts[0]))
        else:
            expr = " + ".join(f"{_money(share)}{_clause(tx, part)}" for (_, share), part in zip(won, parts))
            item("awards", row["awards"], expr)
    # clawback
    parts = why["clawback_parts"][i]
    if parts:  # (each earlier period's refunded money at the rate its commission paid; 0 when it paid none)
        expr = " + ".join(f"{_money(a)} × {_rate(r)}" for _, a, r, _ in parts)
        said = tx["sep"].join(tx[f"claw_{how}"].format(period=per, rate=_rate(r)) for per, _, r, how in parts)
        item("clawback", row["clawback"], expr, _clause(tx, tx["clawback_paid"].format(said)))
    elif row["clawback"]:
        item("clawback", row["clawback"], f"{_money(why['refunded'][i])} × {_rate(why['clawback_rate'])}",
             _clause(tx, tx["clawback"]))
    # total
    total = row["total"]
    if pd.isna(total):
        unknown = [lab[c] for c in COMPONENTS if pd.isna(row[c])]
        which = tx["total_unknown"].format(("、" if zh else ", ").join(unknown))
        lines.append(f"  {lab['total']} {tx['unknown']}{_clause(tx, which)}")
    else:
        expr = "".join((f" − {_money(-t)}" if t < 0 else f" + {_money(t)}") if n else _money(t)
                       for n, t in enumerate(terms))
        lines.append(f"  {lab['total']} {expr or _money(0)} = {_money(total)}" if len(terms) > 1 else
                     f"  {lab['total']} {_money(total)}")
    return "\n".join(lines)


def _commission_lines(row: pd.Series, steps: dict, i: int, com, tx: dict, lab: dict, terms: list) -> list[str]:
    """The commission's line(s) of :func:`explain_pay`."""
    value, base, att = row["commission"], row["commission_base"], row["attainment"]
    target = row["target"] if row["target"] > 0 else np.nan
    by_att = com.measure == "attainment"
    gate = _rate(com.gate_below) if com.gate_below is not None else ""
    head = f"  {lab['commission']} "
    if pd.isna(value):
        why = tx["no_target_measure"] if by_att and not (com.gate_below is not None) else tx["no_target_gate"]
        return [f"{head}{tx['unknown']}{_clause(tx, why)}"]
    if not steps["passed"][i] and pd.notna(att) and base > 0:
        return [f"{head}{_money(value)}{_clause(tx, tx['gate_no'].format(att=_att(att, com.gate_below), gate=gate))}"]
    if value:
        terms.append(value)
    x, scale = (round(att, 9), target) if by_att else (base, 1.0)
    bands = commission_bands(x, com.tiers, mode=com.mode, boundary=com.boundary)
    gate_ok = tx["gate_ok"].format(att=_att(att, com.gate_below), gate=gate) if gate and pd.notna(att) else ""
    if bands.empty or not (bands["commission"] > 0).any():
        if base <= 0 or value:
            return []
        lo = _tier_arrays(com.tiers)[0][0]
        shown = _att(lo) if by_att else _bound(lo)
        reached = _att(att) if by_att else _money(base)
        return [f"{head}{_money(value)}{_clause(tx, tx['below_tier'].format(base=reached, lo=shown))}"]
    level = _rate if by_att else _bound
    # the slice of each band, as paid: the amount in it (by attainment: target x the attainment in it)
    slice_of = (lambda s: f"{_money(target)} × {_rate(s)}") if by_att else _money
    amounts = _cents(scale * bands["commission"].to_numpy())
    extra, capped = steps["extra"][i], bool(steps["capped"][i])
    rounded = not capped and abs(float(amounts.sum()) + float(_cents(extra)) - value) > 0.001
    out = []
    if com.mode == "whole":
        b = bands.iloc[0]
        rule = (tx["whole_all"].format(_rate(b["rate"])) if b["above"] == 0 else
                tx["whole_from" if com.boundary == "lower_inclusive" else "whole_above"].format(level(b["above"]),
                                                                                              _rate(b["rate"])))
        if extra or capped:
            out.append(f"{head}{_money(value)}{_clause(tx, rule, gate_ok)}")
            out.append(f"    {slice_of(b['slice'])} × {_rate(b['rate'])} = {_money(amounts[0])}")
        else:
            out.append(f"{head}{_money(value)} = {slice_of(b['slice'])} × {_rate(b['rate'])}"
                       f"{_clause(tx, rule, gate_ok, tx['rounded'] if rounded else '')}")
    else:
        out.append(f"{head}{_money(value)}{_clause(tx, tx['marginal'], gate_ok, tx['rounded'] if rounded else '')}")
        for b, amount in zip(bands.itertuples(), amounts):
            expr = f"{slice_of(b.slice)} × {_rate(b.rate)}"
            key = "band_top" if pd.isna(b.upto) else "band"
            out.append("    " + tx[key].format(lo=level(b.above), hi=level(b.upto) if pd.notna(b.upto) else "",
                                                expr=expr, amount=_money(amount)))
    if extra:
        above = com.accelerator_above * (1.0 if by_att else target)
        m = com.accelerator_multiplier
        out.append("    " + tx["accelerator"].format(at=level(above), part=_money(extra / (m - 1.0)), m=f"{m:g}",
                                                      extra=_money(float(_cents(extra)))))
    if capped:
        out.append("    " + tx["cap"].format(cap=_money(com.cap), raw=_money(steps["tiers"][i] + extra)))
    return out


# ----------------------------------------------------------------------------- plan cost
def _ratio(num: float, den: float) -> float:
    return num / den if den and np.isfinite(den) and den > 0 else np.nan


def plan_cost(payout_table: pd.DataFrame, kpis: KPIResult) -> pd.DataFrame:
    """薪酬成本 — is the plan affordable? (seed 002: "the total payout must stay affordable")

    One row per measure (columns ``measure``, ``value``, ``zh``)::

        headcount, per component totals (base_pay ... clawback),
        total_payout          = sum of all components
        variable_pay          = total_payout - base_pay
        payout_per_head       = total_payout / headcount
        revenue               = sum of the revenue KPI's fact of the people in the table
                                (the commission base when the KPIs have no revenue)
        profit                = sum of the profit KPI (NaN when profit was not computed)
        payout_to_revenue, variable_to_revenue, commission_to_revenue = ... / revenue
        payout_to_profit, variable_to_profit = ... / profit
        incomplete_rows       = people whose total is NaN

    A ratio with a zero or negative denominator is NaN. Missing cells are left out of the
    sums, so ``incomplete_rows`` > 0 means the cost is understated.
    """
    absent = [c for c in (*COMPONENTS, "employee_id") if c not in payout_table.columns]
    if absent:
        raise ScoringError(f"the payout table has no column(s) {', '.join(absent)}; pass the result of payouts()")
    ids = payout_table["employee_id"].astype(str)
    comp = {c: float(pd.to_numeric(payout_table[c], errors="coerce").sum()) for c in COMPONENTS}
    total = float(sum(comp.values()))
    variable = total - comp["base_pay"]
    facts = kpis.facts.set_axis(kpis.facts.index.astype(str))
    if "revenue" in facts:
        revenue = float(facts["revenue"].reindex(ids).sum())
    else:
        base = payout_table["commission_base"] if "commission_base" in payout_table else pd.Series(dtype=float)
        revenue = float(pd.to_numeric(base, errors="coerce").sum())
    profit = np.nan
    if "profit" in kpis.wide.columns:
        p = kpis.wide.assign(employee_id=kpis.wide["employee_id"].astype(str)).set_index("employee_id")["profit"]
        profit = float(p.reindex(ids).sum(min_count=1))
    n = len(payout_table)
    total_col = payout_table["total"] if "total" in payout_table else payout_table[list(COMPONENTS)].sum(
        axis=1, skipna=False)
    rows = {
        "headcount": float(n), **comp, "total_payout": total, "variable_pay": variable,
        "payout_per_head": total / n if n else np.nan, "revenue": revenue, "profit": profit,
        "payout_to_revenue": _ratio(total, revenue), "variable_to_revenue": _ratio(variable, revenue),
        "commission_to_revenue": _ratio(comp["commission"], revenue),
        "payout_to_profit": _ratio(total, profit), "variable_to_profit": _ratio(variable, profit),
        "incomplete_rows": float(total_col.isna().sum()),
    }
    return pd.DataFrame({"measure": list(rows), "value": np.asarray(list(rows.values()), dtype="float64"),
                         "zh": [LABELS[m]["zh"] for m in rows]})
