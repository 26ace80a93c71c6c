"""The KPI catalogue as data: names, Chinese and English labels, direction, unit, dimension.

This module holds no logic, so that parameter validation, the KPI registry and the
reports all read one list; :class:`Note` is a message in both report languages. The
formulas live with the functions in :mod:`salesperf_kit.kpis`.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["KPIInfo", "CATALOGUE", "BUSINESSES", "BUSINESS_LABELS", "CURRENCIES", "Note", "kpi_info", "label",
           "label_with_unit", "with_unit", "with_unit_sign", "grouped"]


class Note(str):
    """A message for a report: the English text (the string itself) and its Chinese text
    (``zh``), so that a report shows it in its own language. Notes joined with
    :meth:`join` keep both texts."""

    zh: str
    #: what the consultant can do about it, naming the plan's keys ("... or take the award out
    #: of the plan with incentives.awards.best_service: null"): part of the text, which
    #: :meth:`brief` leaves out for a client's reader
    advice: "Note | None"

    def __new__(cls, en: str, zh: str, advice: "Note | None" = None) -> "Note":
        note = super().__new__(cls, f"{en} {advice}" if advice else en)
        note.zh = zh + advice.zh if advice else zh
        note.advice = advice
        note._brief = (en, zh)
        return note

    def __reduce__(self):  # copies and pickles keep the Chinese text and the advice
        return (Note, (*self._brief, self.advice))

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else str(self)

    def brief(self, language: str) -> str:
        """The text without its advice: what a client reads."""
        return self._brief[1] if language == "zh" else self._brief[0]

    def prefixed(self, en: str, zh: str) -> "Note":
        """The note after ``en`` (its Chinese text after ``zh``), keeping its advice."""
        return Note(en + self._brief[0], zh + self._brief[1], self.advice)

    @staticmethod
    def join(notes, en: str = " and ", zh: str = "，") -> "Note":
        """The notes as one: English parts joined by ``en``, Chinese parts by ``zh``."""
        notes = list(notes)
        return Note(en.join(map(str, notes)), zh.join(getattr(n, "zh", str(n)) for n in notes))


@dataclass(frozen=True)
class KPIInfo:
    name: str
    zh: str
    en: str
    higher_is_better: bool
    # "currency", "count", "ratio" (a share or rate, shown as a percentage), "multiple" (money
    # per money, 3.2×), "times" (how often in the period, 4.7 次), "minutes", "seconds", "hours",
    # "rank", "score"
    unit: str
    dimension: str  # "result", "process" or "potential" (seed 003)


_ROWS = [
    # name, zh, en, higher, unit, dimension
    # --- shared sales KPIs
    ("revenue", "销售额", "Revenue", True, "currency", "result"),
    ("units", "销售量", "Units sold", True, "count", "result"),
    ("orders", "成交订单数", "Orders", True, "count", "result"),
    ("aov", "客单价", "Average order value", True, "currency", "result"),
    ("revenue_per_buyer", "客单价(按人)", "Revenue per buyer", True, "currency", "result"),
    ("profit", "利润额", "Profit", True, "currency", "result"),
    ("margin", "利润率", "Margin", True, "ratio", "result"),
    ("growth", "销售增长率", "Revenue growth", True, "ratio", "result"),
    ("new_customers", "新客户数", "New customers", True, "count", "result"),
    ("new_customer_growth", "新客户增长率", "New-customer growth", True, "ratio", "result"),
    ("repurchase_rate", "复购率", "Repurchase rate", True, "ratio", "result"),
    ("returning_share", "老客占比", "Returning-buyer share", True, "ratio", "result"),
    ("retention_rate", "留存率", "Retention rate", True, "ratio", "result"),
    ("retention_30d", "30日留存", "30-day retention", True, "ratio", "result"),
    ("retention_90d", "90日留存", "90-day retention", True, "ratio", "result"),
    ("ltv", "客户生命周期价值", "Customer lifetime value", True, "currency", "potential"),
    ("received_revenue", "到账金额", "Received revenue", True, "currency", "result"),
    ("collection_rate", "回款率", "Collection rate", True, "ratio", "result"),
    ("complaint_rate", "客户投诉率", "Complaint rate", False, "ratio", "result"),
    ("csat", "客户满意度", "Customer satisfaction", True, "score", "result"),
    ("csat_share", "满意率(4分及以上)", "Satisfied share (4+)", True, "ratio", "result"),
    ("target_attainment", "目标完成率", "Target attainment", True, "ratio", "result"),
    ("per_capita_output", "人均产出", "Output per head", True, "currency", "result"),
    ("sales_cost_ratio", "销售成本率", "Sales-cost ratio", False, "ratio", "result"),
    ("win_rate", "赢单率", "Win rate", True, "ratio", "result"),
    # --- online sales and network-sales teams
    ("sessions", "网站流量", "Sessions", True, "count", "process"),
    ("unique_visitors", "独立访客数", "Unique visitors", True, "count", "process"),
    ("page_views", "页面访问量", "Page views", True, "count", "process"),
    ("conversion_rate", "页面转化率", "Conversion rate", True, "ratio", "result"),
    ("inquiry_conversion", "咨询转化率", "Inquiry conversion", True, "ratio", "result"),
    ("qualified_traffic_share", "精准流量占比", "Qualified-traffic share", True, "ratio", "process"),
    ("cac", "客户获取成本", "Customer acquisition cost", False, "currency", "result"),
    ("roas", "广告支出回报", "Return on ad spend", True, "multiple", "result"),
    ("roi", "渠道ROI", "Channel ROI", True, "ratio", "result"),
    ("search_rank", "搜索引擎排名", "Search rank", False, "rank", "process"),
    ("social_engagement", "社交媒体互动率", "Social engagement", True, "ratio", "process"),
    ("resolution_hours", "问题解决时长", "Resolution time", False, "hours", "process"),
    ("fcr_rate", "首次解决率", "First-contact resolution", True, "ratio", "process"),
    ("aov_uplift", "客单价提升率", "AOV uplift", True, "ratio", "result"),
    # --- telesales
    ("calls", "呼叫量", "Calls", True, "count", "process"),
    ("connect_rate", "接通率", "Connect rate", True, "ratio", "process"),
    ("effective_talk_minutes", "有效沟通时长", "Effective talk time", True, "minutes", "process"),
    ("avg_talk_seconds", "平均通话时长", "Average talk time", True, "seconds", "process"),
    ("intent_customers", "意向客户数", "Intent customers", True, "count", "result"),
    ("intent_rate", "意向率", "Intent rate", True, "ratio", "result"),
    ("close_rate", "成交率", "Close rate", True, "ratio", "result"),
    # --- e-commerce and social commerce
    ("inventory_turnover", "库存周转率", "Inventory turnover", True, "times", "result"),
    ("processing_hours", "订单处理时长", "Order processing time", False, "hours", "process"),
    ("refund_rate", "退款率", "Refund rate", False, "ratio", "result"),
    # --- direct sales
    ("team_revenue", "团队业绩", "Team revenue", True, "currency", "result"),
    ("big_customer_share", "客户质量(大客户占比)", "Big-customer share", True, "ratio", "result"),
    ("referrals", "转介绍数量", "Referrals", True, "count", "result"),
    ("new_contacts", "新增联系人数量", "New contacts", True, "count", "process"),
    ("new_markets", "新市场开发数", "New markets", True, "count", "potential"),
    ("positive_review_rate", "好评率", "Positive-review rate", True, "ratio", "result"),
    ("sales_skill", "销售技巧", "Sales skill", True, "score", "potential"),
    ("service_quality", "客户服务质量", "Service quality", True, "score", "process"),
    ("collaboration", "团队协作", "Collaboration", True, "count", "process"),
    # --- process and potential
    ("touches", "客户触达频次", "Customer touches", True, "count", "process"),
    ("report_timeliness", "数据提报及时性", "Report timeliness", True, "ratio", "process"),
    ("collaboration_score", "跨部门协作评分", "Collaboration rating", True, "score", "process"),
    ("compliance_violations", "合规违规次数", "Compliance violations", False, "count", "process"),
    ("innovation", "创新贡献", "Innovation points", True, "count", "potential"),
    ("training_pass_rate", "培训考核通过率", "Training pass rate", True, "ratio", "potential"),
    ("mentoring", "带教新人业绩提升率", "Mentees' revenue growth", True, "ratio", "potential"),
]

CATALOGUE: dict[str, KPIInfo] = {r[0]: KPIInfo(*r) for r in _ROWS}

#: KPIs whose value is a team's figure, the same for everyone of the team (not a trait of the person)
TEAM_FIGURES = ("per_capita_output",)
#: counts a KPI sheet may give beside its KPIs: the figures ratio KPIs are computed from
#: (connected calls and calls give the connect rate, which then adds up over months and
#: teams as its parts do): name -> (Chinese label, English label)
SHEET_COUNTS: dict[str, tuple[str, str]] = {
    "connected": ("接通量", "Connected calls"), "complaints": ("投诉数", "Complaints"),
    "buyers": ("成交客户数", "Customers who bought"), "inquiries": ("咨询量", "Inquiries"),
    "tickets": ("工单数", "Tickets"), "fcr": ("首次解决工单数", "Tickets resolved at first contact"),
}
#: ratio KPIs whose numerator counts part of what their denominator counts (connected calls
#: of the calls, repeat buyers of the buyers): never above 1 (100 %), so a value above it in a
#: KPI sheet is a count or a percentage written in the wrong column
SHARES = frozenset({"connect_rate", "intent_rate", "repurchase_rate", "returning_share", "retention_rate",
                    "retention_30d", "retention_90d", "csat_share", "win_rate", "qualified_traffic_share",
                    "fcr_rate", "refund_rate", "big_customer_share", "positive_review_rate", "report_timeliness",
                    "training_pass_rate", "margin"})

BUSINESSES = ("online", "telesales", "ecommerce", "direct")
BUSINESS_LABELS = {
    "online": {"zh": "网销", "en": "Online sales"},
    "telesales": {"zh": "电销", "en": "Telesales"},
    "ecommerce": {"zh": "电商微商", "en": "E-commerce & social commerce"},
    "direct": {"zh": "直销", "en": "Direct sales"},
}


#: common currencies by ISO code: what a Chinese report calls the unit, and other names
#: a plan may give it (``report.currency``); an English report uses the code
CURRENCIES = {
    "CNY": ("元", ("RMB", "人民币", "人民币元")), "USD": ("美元", ()), "EUR": ("欧元", ()),
    "HKD": ("港元", ("港币",)), "MOP": ("澳门元", ("澳门币",)), "TWD": ("新台币", ("台币",)),
    "JPY": ("日元", ()), "KRW": ("韩元", ()), "GBP": ("英镑", ()), "SGD": ("新加坡元", ()),
    "MYR": ("林吉特", ("马来西亚林吉特",)), "THB": ("泰铢", ()), "AUD": ("澳元", ()), "CAD": ("加元", ()),
    "CHF": ("瑞士法郎", ()), "NZD": ("新西兰元", ()), "INR": ("印度卢比", ()), "IDR": ("印尼盾", ("印度尼西亚盾",)),
    "VND": ("越南盾", ()), "PHP": ("菲律宾比索", ()), "AED": ("阿联酋迪拉姆", ()), "SAR": ("沙特里亚尔", ()),
    "BRL": ("巴西雷亚尔", ()), "MXN": ("墨西哥比索", ()), "ZAR": ("南非兰特", ()), "RUB": ("卢布", ("俄罗斯卢布",)),
}


def kpi_info(name: str) -> KPIInfo:
    from ._checks import check_one_of

    check_one_of("kpi", name, CATALOGUE)
    return CATALOGUE[name]


def label(name: str, language: str = "zh") -> str:
    """The display label of a KPI in ``language`` ("zh" or "en"); the name itself if unknown."""
    info = CATALOGUE.get(name)
    if info is None:
        return SHEET_COUNTS[name][language != "zh"] if name in SHEET_COUNTS else name
    return info.zh if language == "zh" else info.en


# a time's unit: in a label (zh, en), and after a number in English
_TIME_UNITS = {"hours": ("小时", "hours", "h"), "minutes": ("分钟", "minutes", "min"),
               "seconds": ("秒", "seconds", "s")}


def with_unit(text: str, unit: str | None, language: str = "zh") -> str:
    """A heading ``text`` with ``unit`` after it in brackets, "销售额（元）" in Chinese and
    "Revenue (CNY)" in English; ``text`` itself when there is no unit."""
    if not unit:
        return text
    return f"{text}（{unit}）" if language == "zh" else f"{text} ({unit})"


def label_with_unit(name: str, language: str = "zh", currency: str | None = None) -> str:
    """A KPI's label with its unit when it is a time ("有效沟通时长（分钟）", "Average talk
    time (seconds)") or, given ``currency`` (the unit of money in ``language``, "元" or
    "CNY"), an amount of money ("销售额（元）"), for a heading over figures that carry none.
    Without ``currency`` money has no unit, as a plan without ``report.currency`` shows it."""
    text = label(name, language)
    unit = CATALOGUE[name].unit if name in CATALOGUE else None
    if unit in _TIME_UNITS:
        return with_unit(text, _TIME_UNITS[unit][0 if language == "zh" else 1], language)
    return with_unit(text, currency if unit == "currency" else None, language)


def with_unit_sign(number: str, unit: str | None, language: str = "en", currency: str | None = None) -> str:
    """A formatted ``number`` with the sign of its unit where the unit has one: a number of
    times reads "4.7 次" ("4.7×" in English), a multiple (money per money) "3.20×", a time
    "670.28 分钟" ("670.28 min"), and money, given ``currency`` (its unit in ``language``),
    "311,516.58 元" ("311,516.58 CNY"); any other unit is returned as it is."""
    if unit == "currency":
        return f"{number} {currency}" if currency else number
    if unit == "times":
        return f"{number} 次" if language == "zh" else f"{number}×"
    if unit == "multiple":
        return f"{number}×"
    if unit in _TIME_UNITS:
        return f"{number} {_TIME_UNITS[unit][0 if language == 'zh' else 2]}"
    return number


def grouped(x: float, decimals: int = 0) -> str:
    """``x`` with thousands separators and ``decimals`` decimals, a half rounded away from
    zero as people and payroll round it (26,728.50 reads 26,729 and 2.675 reads 2.68, where
    Python's own formatting gives 26,728 and 2.67); a figure that rounds to 0 reads 0, not -0."""
    shown = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{shown.copy_abs() if shown == 0 else shown:,.{decimals}f}"
