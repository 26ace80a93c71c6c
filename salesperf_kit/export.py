"""Writing tables for clients: CSV, formatted XLSX or Parquet, safe against formula injection.

Text that a client typed (names, team names) can begin with ``=``, ``+``, ``-`` or ``@``;
a spreadsheet would run it as a formula. Such cells are written as text: in CSV with a
leading apostrophe (the OWASP recommendation), in XLSX as typed string cells.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

import pandas as pd

from ._checks import check_one_of
from .catalogue import CATALOGUE, label, label_with_unit, with_unit
from .exceptions import SalesperfError
from .scoring import SHOWN_SCORE_DECIMALS

__all__ = ["write_table", "write_workbook", "defuse", "anonymise", "anonymise_teams", "pseudonyms", "customer_pseudonym",
           "column_labels", "pseudonym_key"]

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

_COLUMN_LABELS = {
    "employee_id": ("工号", "Employee ID"), "name": ("姓名", "Name"), "team": ("团队", "Team"),
    "role": ("岗位", "Role"), "period": ("考核期", "Period"), "score": ("得分", "Score"),
    "rank": ("排名", "Rank"), "grade": ("等级", "Grade"), "grade_label": ("等级说明", "Grade label"),
    "monthly_grades": ("各月等级", "Monthly grades"),
    "kpi_points": ("指标得分", "KPI points"), "rating_points": ("评价得分", "Rating points"),
    "bonus_points": ("加分", "Bonus points"), "penalty_points": ("扣分", "Penalty points"),
    "cost_discount_points": ("成本折扣", "Cost discount"), "team_score": ("团队得分", "Team score"),
    "individual_score": ("个人得分", "Individual score"),
    "promotion_eligible": ("晋升资格", "Promotion eligible"), "notes": ("说明", "Notes"),
    "audit_alert": ("审计预警", "Audit alert"),
    # the weight and pay scenarios (salesperf scenarios)
    "scenario": ("情景", "Scenario"), "label": ("情景说明", "Description"),
    "payout": ("情景薪酬", "Payout"), "baseline_score": ("基准得分", "Baseline score"),
    "baseline_rank": ("基准排名", "Baseline rank"), "baseline_grade": ("基准等级", "Baseline grade"),
    "baseline_payout": ("基准薪酬", "Baseline payout"), "rank_change": ("名次变化", "Rank change"),
    "grade_changed": ("等级变化", "Grade changed"), "payout_change": ("薪酬变化", "Payout change"),
    "kendall_tau": ("Kendall τ", "Kendall τ"), "spearman_rho": ("Spearman ρ", "Spearman ρ"),
    "rank_changes": ("名次变化人数", "Rank changes"), "largest_move": ("最大名次变化", "Largest move"),
    "grade_changes": ("等级变化人数", "Grade changes"), "payout_total": ("薪酬总额", "Total payout"),
    "kpi": ("指标", "KPI"), "weight": ("权重", "Weight"), "baseline_weight": ("基准权重", "Baseline weight"),
    "weight_change": ("权重变化", "Weight change"), "pay_plan_changes": ("薪酬方案改动", "Pay plan changes"),
    "scored_weight": ("指标得分中的实际占比", "Share of KPI points"),
    "payout_to_revenue": ("薪酬占销售额比例", "Payout to revenue"),
    # the scenario analyses (scenarios.save_results): sweep, crossings, Monte Carlo,
    # sensitivity and data-driven weights
    "rank_from": ("名次不变自（权重）", "Rank kept from (weight)"),
    "rank_to": ("名次不变至（权重）", "Rank kept to (weight)"),
    "grade_from": ("等级不变自（权重）", "Grade kept from (weight)"),
    "grade_to": ("等级不变至（权重）", "Grade kept to (weight)"),
    "in_top_k": ("位列前 k 名", "In top k"), "top_k_from": ("前 k 名状态不变自（权重）", "Top-k place kept from (weight)"),
    "top_k_to": ("前 k 名状态不变至（权重）", "Top-k place kept to (weight)"),
    "crossing_weight": ("交叉点权重", "Crossing weight"),
    "rises": ("上升者工号", "Rises (ID)"), "falls": ("下降者工号", "Falls (ID)"),
    "rises_name": ("上升者", "Rises"), "falls_name": ("下降者", "Falls"),
    "p_same_grade": ("保持原等级的概率", "P(same grade)"), "p_top_k": ("位列前 k 名的概率", "P(top k)"),
    "rank_mean": ("平均名次", "Mean rank"), "rank_p05": ("名次 5% 分位", "Rank 5th percentile"),
    "rank_median": ("名次中位数", "Median rank"), "rank_p95": ("名次 95% 分位", "Rank 95th percentile"),
    "S1": ("一阶指数 S1", "First-order index S1"), "S1_conf": ("S1 置信半宽", "S1 confidence half-width"),
    "ST": ("总效应指数 ST", "Total-order index ST"), "ST_conf": ("ST 置信半宽", "ST confidence half-width"),
    "mu_star": ("平均绝对效应 μ*", "Mean absolute effect μ*"), "mu": ("平均效应 μ", "Mean effect μ"),
    "sigma": ("效应标准差 σ", "Effect spread σ"), "mu_star_conf": ("μ* 置信半宽", "μ* confidence half-width"),
    "plan_weight": ("方案权重", "Plan weight"), "entropy_weight": ("熵权法权重", "Entropy weight"),
    "critic_weight": ("CRITIC 权重", "CRITIC weight"), "ahp_weight": ("AHP 权重", "AHP weight"),
}  # (the payout columns' labels are incentives.LABELS)

#: the columns of amounts of money that are not KPIs: pay items and the scenarios' payouts
MONEY_COLUMNS = ("base_pay", "performance_pay", "commission", "total", "over_target_bonus", "team_pool", "awards",
                 "clawback", "commission_base", "target", "total_payout", "variable_pay", "payout_per_head",
                 "payout", "baseline_payout", "payout_change", "payout_total")



def _display_width(value) -> int:
    """How many character widths ``value`` takes in a spreadsheet cell: a Chinese character
    (East Asian wide or full-width) counts two, so that a column of team names such as
    微信小店一组 is wide enough for them, not cut at eight."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))

def column_labels(columns, language: str = "zh", currency: str | None = None) -> dict[str, str]:
    """Display labels for scorecard columns: KPI names from the catalogue (a time with its
    unit), ``<kpi>_points`` (normalised points x effective weight, what the KPI adds to the
    score) as "<label> 加权得分/weighted points", not to be read as the 0-100 normalised
    points that explain and the heatmap show; the rest from a fixed table; unknown columns
    keep their name. Given ``currency`` (the unit of money in ``language``: 元, CNY), the
    columns of money give it: 销售额（元）, 应发合计（元）."""
    from .incentives import LABELS as PAY

    i = 0 if language == "zh" else 1
    out = {}
    for c in columns:
        info = CATALOGUE.get(c)
        money = currency if c in MONEY_COLUMNS or (info is not None and info.unit == "currency") else None
        if c in _COLUMN_LABELS:
            out[c] = with_unit(_COLUMN_LABELS[c][i], money, language)
        elif c in PAY:
            out[c] = with_unit(PAY[c]["zh" if language == "zh" else "en"], money, language)
        elif c in CATALOGUE:  # with its unit: 有效沟通时长（分钟）, 销售额（元）
            out[c] = label_with_unit(c, language, currency)
        elif c.endswith("_points") and c.removesuffix("_points") in CATALOGUE:
            out[c] = label(c.removesuffix("_points"), language) + (" 加权得分" if language == "zh" else " weighted points")
        else:
            out[c] = c
    return out


def defuse(df: pd.DataFrame, *, prefix: str = "'") -> pd.DataFrame:
    """A copy in which text cells starting with = + - @ (or tab/CR) get ``prefix`` in front."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            mask = s.notna() & s.astype(str).str.startswith(_DANGEROUS)
            if mask.any():
                out[col] = s.astype(object).where(~mask, prefix + s.astype(str))
    return out


def anonymise(df: pd.DataFrame, *, salt: str, column: str = "name", key: str = "employee_id",
              language: str = "zh", ids: bool = False) -> pd.DataFrame:
    """Replace person names with stable pseudonyms derived from ``salt`` and the employee id
    (the same person gets the same pseudonym in every report of the same salt, on machines
    that share the key of :func:`pseudonym_key`); with
    ``ids``, the employee ids too (by the pseudonym's code), for a table that leaves the
    client: an id can be a name, and a staff list maps ids to names."""
    out = df.copy()
    if column in out and key in out:
        codes = [_code(salt, k) for k in out[key].astype(str)]
        out[column] = [_PERSON[language == "zh"] + c for c in codes]
        if ids:
            out[key] = codes
    return out


_PERSON = {True: "成员", False: "Member "}


PSEUDONYM_KEY_ENV = "SALESPERF_PSEUDONYM_KEY"


def pseudonym_key() -> bytes:
    """The secret that keys the pseudonyms: the environment variable
    ``SALESPERF_PSEUDONYM_KEY`` when set, else the key file ``salesperf/pseudonym.key`` of
    the user's configuration folder (``$XDG_CONFIG_HOME``, by default ``~/.config``),
    created with a random key on first use and readable by its owner only.

    Without a secret, anyone who knows the client's name (on the report's cover) and how
    employee ids look could compute every pseudonym and so unmask the report. Machines
    that should give the same pseudonyms (a scheduled server and a consultant's laptop)
    share the key file or the variable.
    """
    if os.environ.get(PSEUDONYM_KEY_ENV):
        return os.environ[PSEUDONYM_KEY_ENV].encode()
    return _key_in(Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "salesperf" / "pseudonym.key")


@functools.lru_cache(maxsize=None)
def _key_in(file: Path) -> bytes:
    """The key of ``file``, made first if there is none."""
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".pseudonym-")  # (mode 0600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, file)  # atomic: of two runs making it at once, one key wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    key = file.read_text(encoding="ascii").strip()
    if not key:
        raise SalesperfError(f"The pseudonym key file {file} is empty. Fix: delete it (a new key is made, and "
                             f"the pseudonyms change), or set {PSEUDONYM_KEY_ENV}.")
    return key.encode()


def _code(salt: str, employee_id: str) -> str:
    message = f"{salt}|{employee_id}".encode()
    return hmac.new(pseudonym_key(), message, hashlib.sha256).hexdigest()[:6].upper()


def anonymise_teams(tables: dict[str, pd.DataFrame], *, salt: str, language: str = "zh") -> dict[str, pd.DataFrame]:
    """``tables`` with the team names that name a person (a team called after its manager,
    "Rocco Neubert" or "张伟组", or after an employee id) replaced by stable pseudonyms
    (团队3F9A1C, Team 3F9A1C) in every table that has a team column; other team names
    (华东一组, North) stay as they are."""
    emp = tables.get("employees")
    if emp is None or "team" not in emp:
        return tables
    names = {n.strip() for n in emp["name"].dropna().astype(str)} if "name" in emp else set()
    names = {n for n in names if len(n) >= 2}
    ids = set(emp["employee_id"].dropna().astype(str))
    personal = {t: ("团队" if language == "zh" else "Team ") + _code(salt, f"team|{t}")
                for t in emp["team"].dropna().astype(str).unique()
                if t.strip() in ids or any(n in t for n in names)}
    if not personal:
        return tables
    return {name: df.assign(team=df["team"].map(lambda t: personal.get(str(t), t) if pd.notna(t) else t))
            if df is not None and "team" in df.columns else df for name, df in tables.items()}


def customer_pseudonym(customer_id, *, salt: str, language: str = "zh") -> str:
    """A customer's stable pseudonym (客户3F9A1C / Customer 3F9A1C) for a report shared outside
    the client: a customer id can be a phone number or a social-media nickname."""
    return ("客户" if language == "zh" else "Customer ") + _code(salt, f"customer|{customer_id}")


def pseudonyms(employee_ids, *, salt: str, language: str = "zh") -> dict[str, str]:
    """employee_id -> the pseudonym :func:`anonymise` gives that person, for sentences that
    name people (an alert, a payout notice) in a report shared outside the client."""
    return {str(e): _PERSON[language == "zh"] + _code(salt, str(e)) for e in employee_ids}


def write_table(df: pd.DataFrame, path, *, language: str = "zh", sheet: str = "scorecard",
                labels: bool = True, headers: dict[str, str] | None = None, currency: str | None = None,
                score_decimals: int = SHOWN_SCORE_DECIMALS) -> Path:
    """Write ``df`` to CSV (UTF-8 with BOM, so Excel opens Chinese correctly), XLSX
    (frozen header, number formats, labelled headers) or Parquet, chosen by the extension.
    ``headers`` (column → header) heads the columns instead of the labels, for a file that
    is read back, whose headers must be ones the loaders know (a targets table); labelled
    headers of money give ``currency`` (:func:`column_labels`). An XLSX file shows scores
    and points with ``score_decimals`` decimals (:func:`~salesperf_kit.scoring.score_decimals`:
    enough that no score reads across a grade threshold); a CSV file keeps every digit."""
    path = Path(path)
    ext = path.suffix.lower()
    check_one_of("output file extension", ext, [".csv", ".xlsx", ".parquet"])
    path.parent.mkdir(parents=True, exist_ok=True)
    if ext == ".parquet":
        df.to_parquet(path, index=False)
        return path
    if labels:  # a client reads 是/否 (Yes/No), not TRUE/FALSE
        df = _yes_no(df, language)
    shown = (df.rename(columns=headers) if headers is not None else
             df.rename(columns=column_labels(df.columns, language, currency)) if labels else df)
    if ext == ".csv":
        # 15 significant digits: 75, not the 74.99999999999999 of binary arithmetic
        defuse(_whole_numbers(df, shown)).to_csv(path, index=False, encoding="utf-8-sig", float_format="%.15g")
        return path
    _write_xlsx({sheet: (df, shown)}, path, language, score_decimals)
    return path


def write_workbook(sheets: dict[str, pd.DataFrame], path, *, language: str = "zh",
                   currency: str | None = None) -> Path:
    """Write several tables into one XLSX workbook, one sheet each (in the order given),
    formatted and labelled as :func:`write_table` formats and labels one (headers of money
    with ``currency``)."""
    path = Path(path)
    check_one_of("output file extension", path.suffix.lower(), [".xlsx"])
    path.parent.mkdir(parents=True, exist_ok=True)
    shown = {}
    for sheet, df in sheets.items():
        df = _yes_no(df, language)
        shown[sheet] = (df, df.rename(columns=column_labels(df.columns, language, currency)))
    _write_xlsx(shown, path, language)
    return path


def _yes_no(df: pd.DataFrame, language: str) -> pd.DataFrame:
    """``df`` with its true/false columns as 是/否 (Yes/No); an empty cell stays empty."""
    flags = [c for c in df.columns if pd.api.types.is_bool_dtype(df[c])]
    if not flags:
        return df
    words = {True: "是", False: "否"} if language == "zh" else {True: "Yes", False: "No"}
    return df.assign(**{c: df[c].map(words).astype(object) for c in flags})


def _whole_numbers(raw: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """``shown`` with ranks and counts that hold whole numbers written as integers (a rank
    of 1, not 1.0); an empty cell stays empty."""
    out = shown.copy()
    for j, col in enumerate(raw.columns):
        info = CATALOGUE.get(str(col))
        if not (col in ("rank", "headcount") or (info and info.unit == "count")):
            continue
        s = raw.iloc[:, j]
        if pd.api.types.is_float_dtype(s) and ((s.dropna() % 1) == 0).all():
            out.isetitem(j, s.astype("Int64"))
    return out


def _number_format(col: str, language: str = "zh", *, whole: bool = False,
                   score_decimals: int = SHOWN_SCORE_DECIMALS) -> str | None:
    """The Excel number format of column ``col``; ``whole``: the column holds whole numbers
    only (207 calls read 207, not the "207." that a format such as #,##0.## shows); scores
    and their points with ``score_decimals`` decimals."""
    # the weight scenarios' columns: baseline_score as score, payout(_change) as money
    col = col.removeprefix("baseline_")
    if col in ("payout", "payout_change", "payout_total"):
        return "#,##0.00"
    if col in ("weight", "weight_change", "scored_weight"):
        return "0.0%"
    if col == "payout_to_revenue":
        return "0.00%"
    if col in ("kendall_tau", "spearman_rho"):
        return "0.000"
    if col == "target":  # a target file's amounts: 24,615, not 24615
        return "#,##0" if whole else "#,##0.00"
    base = col.removesuffix("_points")
    if col.endswith("_points") or col in ("score", "kpi_points", "rating_points", "bonus_points",
                                          "penalty_points", "team_score", "individual_score",
                                          "cost_discount_points"):
        return "0." + "0" * score_decimals
    info = CATALOGUE.get(base)
    if col in ("attainment",) or (info and info.unit == "ratio"):
        return "0.0%"
    if info and info.unit == "times":  # a turnover of 4.72 reads 4.72 次 / 4.72×, not 472.0%
        return '0.00" 次"' if language == "zh" else '0.00"×"'
    if info and info.unit == "currency" or col in MONEY_COLUMNS:
        return "#,##0.00"
    if info:
        return "#,##0" if whole else "#,##0.00"
    return None


@functools.lru_cache(maxsize=256)
def _kpi_key(written: str) -> str | None:
    """The KPI a targets file names by its key or its Chinese or English label."""
    return next((k for k, info in CATALOGUE.items() if written in (k, info.zh, info.en)), None)


def _target_format(kpi, value, language: str) -> str | None:
    """The number format of one row of a targets file, whose target column holds every KPI:
    the row's KPI (its key or label) decides, so that a conversion target of 0.0378 reads
    3.78%, not the 0.04 of #,##0.00, and 32 orders read 32, not 32.00."""
    key = _kpi_key(str(kpi))
    unit = CATALOGUE[key].unit if key is not None else None
    if unit == "ratio":
        return "0.00%"
    if unit == "times":
        return _number_format(key, language)
    return _number_format("target", language, whole=isinstance(value, (int, float)) and float(value) % 1 == 0)


def _holds_whole_numbers(s: pd.Series) -> bool:
    v = pd.to_numeric(s, errors="coerce").dropna()
    return bool(len(v)) and bool(((v % 1) == 0).all())


def _write_xlsx(sheets: dict[str, tuple[pd.DataFrame, pd.DataFrame]], path: Path, language: str,
                score_decimals: int = SHOWN_SCORE_DECIMALS) -> None:
    """Sheets of (raw, shown) frames: values and formats from raw, headers from shown."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "salesperf"  # (not "openpyxl", in the file's properties a client sees)
    wb.remove(wb.active)
    for sheet, (raw, shown) in sheets.items():
        _fill_sheet(wb.create_sheet(sheet[:31]), raw, shown, language, score_decimals)
    wb.save(path)


def _fill_sheet(ws, raw: pd.DataFrame, shown: pd.DataFrame, language: str,
                score_decimals: int = SHOWN_SCORE_DECIMALS) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", fgColor="1F4E78")
    for j, name in enumerate(shown.columns, start=1):
        c = ws.cell(row=1, column=j, value=str(name))
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = header_fill
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = [_number_format(str(c), language, whole=_holds_whole_numbers(raw.iloc[:, j]),
                              score_decimals=score_decimals) for j, c in enumerate(raw.columns)]
    # a targets table: each target formatted as its row's KPI
    by_kpi = list(raw.columns).index("target") + 1 if {"kpi", "target"} <= set(raw.columns) else None
    kpis = raw["kpi"].tolist() if by_kpi else []
    for i, row in enumerate(raw.itertuples(index=False), start=2):
        if by_kpi:
            formats[by_kpi - 1] = _target_format(kpis[i - 2], row[by_kpi - 1], language)
        for j, value in enumerate(row, start=1):
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
                continue
            if isinstance(value, (bool,)) or hasattr(value, "item") and isinstance(value.item(), bool):
                cell = ws.cell(row=i, column=j, value=bool(value))
            elif isinstance(value, (int, float)) or hasattr(value, "dtype"):
                cell = ws.cell(row=i, column=j, value=float(value) if not isinstance(value, int) else value)
                if formats[j - 1]:
                    cell.number_format = formats[j - 1]
            elif isinstance(value, pd.Timestamp):
                cell = ws.cell(row=i, column=j, value=value.to_pydatetime())
            else:
                cell = ws.cell(row=i, column=j)
                cell.value = str(value)
                cell.data_type = "s"  # text stays text, even when it starts with '='
    ws.freeze_panes = "A2"
    for j, name in enumerate(shown.columns, start=1):
        width = max([_display_width(name)] + [_display_width(v) for v in raw.iloc[:, j - 1].head(200).tolist()]) + 2
        ws.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 40)
    ws.auto_filter.ref = ws.dimensions
