"""Online sales (网销, seed 000) and network-sales team KPIs (seed 003)."""
from __future__ import annotations

import pandas as pd

from ._registry import growth, kpi, ratio, total, value_only

__all__ = [
    "sessions", "unique_visitors", "page_views", "conversion_rate", "inquiry_conversion",
    "qualified_traffic_share", "cac", "roas", "roi", "search_rank", "social_engagement",
    "resolution_hours", "fcr_rate", "aov_uplift",
]

T = ("date", "channel", "employee_id")
O = ("employee_id", "customer_id", "order_date", "amount")


@kpi("sessions", needs={"traffic": T + ("sessions",)}, facts=("sessions",))
def sessions(f: pd.DataFrame) -> pd.DataFrame:
    """网站流量 / 流量引入量 — sessions.

    sessions = sum of sessions on the channels the employee owns
    """
    return total(f["sessions"])


@kpi("unique_visitors", needs={"traffic": T + ("unique_visitors",)}, facts=("unique_visitors",))
def unique_visitors(f: pd.DataFrame) -> pd.DataFrame:
    """独立访客数 (UV) — unique visitors.

    unique_visitors = sum of daily unique visitors on the employee's channels
    """
    return total(f["unique_visitors"])


@kpi("page_views", needs={"traffic": T + ("page_views",)}, facts=("page_views",))
def page_views(f: pd.DataFrame) -> pd.DataFrame:
    """页面访问量 (PV) — page views.

    page_views = sum of page views on the employee's channels
    """
    return total(f["page_views"])


@kpi("conversion_rate", needs={"orders": O, "traffic": T + ("sessions",)}, facts=("orders", "sessions"))
def conversion_rate(f: pd.DataFrame) -> pd.DataFrame:
    """页面转化率 — conversion rate.

    conversion_rate = orders / sessions
    """
    return ratio(f["orders"], f["sessions"])


@kpi("inquiry_conversion", needs={"orders": O, "traffic": T + ("inquiries",)}, facts=("inquiry_orders", "inquiries"))
def inquiry_conversion(f: pd.DataFrame) -> pd.DataFrame:
    """咨询转化率 — inquiry conversion.

    inquiry_conversion = orders from inquiries / inquiries the employee handled

    Orders from inquiries are the employee's orders whose ``channel`` is one of
    ``kpi_options.inquiry_channels`` (e.g. [咨询, 在线客服]); when that list is empty,
    every order of the employee (the export does not tell them apart).
    """
    return ratio(f["inquiry_orders"], f["inquiries"])


@kpi("qualified_traffic_share", needs={"traffic": T + ("sessions", "qualified_sessions")},
     facts=("qualified_sessions", "sessions"))
def qualified_traffic_share(f: pd.DataFrame) -> pd.DataFrame:
    """精准流量占比 — qualified-traffic share.

    qualified_traffic_share = qualified_sessions / sessions
    """
    return ratio(f["qualified_sessions"], f["sessions"])


@kpi("cac", needs={"orders": O, "traffic": T + ("spend",)}, facts=("spend", "new_customers"))
def cac(f: pd.DataFrame) -> pd.DataFrame:
    """客户获取成本 — customer acquisition cost.

    cac = spend / new_customers
    """
    return ratio(f["spend"], f["new_customers"])


@kpi("roas", needs={"orders": O, "traffic": T + ("spend",)}, facts=("revenue", "spend"))
def roas(f: pd.DataFrame) -> pd.DataFrame:
    """广告支出回报 — return on ad spend.

    roas = revenue / spend
    """
    return ratio(f["revenue"], f["spend"])


@kpi("roi", needs={"orders": O, "traffic": T + ("spend",)}, facts=("revenue", "spend"))
def roi(f: pd.DataFrame) -> pd.DataFrame:
    """渠道ROI — return on investment.

    roi = (revenue - spend) / spend
    """
    return ratio(f["revenue"] - f["spend"], f["spend"])


@kpi("search_rank", needs={"traffic": T + ("search_rank",)}, facts=("rank_sum", "rank_n"))
def search_rank(f: pd.DataFrame) -> pd.DataFrame:
    """搜索引擎排名 — mean search rank (1 = top; lower is better).

    search_rank = sum of daily ranks / number of ranked days
    """
    return ratio(f["rank_sum"], f["rank_n"])


@kpi("social_engagement", needs={"traffic": T + ("impressions", "engagements")},
     facts=("engagements", "impressions"))
def social_engagement(f: pd.DataFrame) -> pd.DataFrame:
    """社交媒体互动率 — social engagement.

    social_engagement = engagements / impressions
    """
    return ratio(f["engagements"], f["impressions"])


@kpi("resolution_hours", needs={"service": ("employee_id", "opened_at", "resolved_at")},
     facts=("resolution_hours",), additive=False)
def resolution_hours(f: pd.DataFrame) -> pd.DataFrame:
    """问题解决效率 — resolution time (lower is better).

    resolution_hours = median hours from opened_at to resolved_at of the period's tickets
    """
    return value_only(f["resolution_hours"])


@kpi("fcr_rate", needs={"service": ("employee_id", "opened_at", "first_contact_resolved")},
     facts=("fcr", "tickets"))
def fcr_rate(f: pd.DataFrame) -> pd.DataFrame:
    """首次解决率 — first-contact resolution.

    fcr_rate = tickets resolved at first contact / tickets
    """
    return ratio(f["fcr"], f["tickets"])


@kpi("aov_uplift", needs={"orders": O}, facts=("revenue_ordered", "orders", "revenue_ordered_prev", "orders_prev"))
def aov_uplift(f: pd.DataFrame) -> pd.DataFrame:
    """客单价提升率 — AOV uplift.

    aov_uplift = aov / aov of the previous period - 1
    (numerator = aov, denominator = previous aov; roll-ups recompute both aovs from sums)
    """
    cur = f["revenue_ordered"] / f["orders"].where(f["orders"] != 0)
    prev = f["revenue_ordered_prev"] / f["orders_prev"].where(f["orders_prev"] != 0)
    return growth(cur, prev)
