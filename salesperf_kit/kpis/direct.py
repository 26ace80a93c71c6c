"""Direct-sales KPIs (直销, seed 004)."""
from __future__ import annotations

import pandas as pd

from ._registry import kpi, ratio, total

__all__ = ["team_revenue", "big_customer_share", "referrals", "new_contacts", "new_markets",
           "positive_review_rate", "sales_skill", "service_quality", "collaboration"]

O = ("employee_id", "customer_id", "order_date", "amount")
R = ("employee_id", "period", "reviewer_type", "criterion", "score")


@kpi("team_revenue", needs={"orders": O, "employees": ("manager_id",)}, facts=("team_revenue",))
def team_revenue(f: pd.DataFrame) -> pd.DataFrame:
    """团队业绩 — team revenue.

    team_revenue = own revenue + revenue of everyone below the employee in the manager_id tree
    """
    return total(f["team_revenue"])


@kpi("big_customer_share", needs={"orders": O + ("customer_tier",)}, facts=("big_revenue", "revenue_ordered"))
def big_customer_share(f: pd.DataFrame) -> pd.DataFrame:
    """客户质量 — big-customer share.

    big_customer_share = revenue from top-tier customers (``big_customer_tiers``, default A) /
    ordered revenue
    """
    return ratio(f["big_revenue"], f["revenue_ordered"])


@kpi("referrals", needs={}, facts=("referrals_total",))
def referrals(f: pd.DataFrame) -> pd.DataFrame:
    """转介绍数量 — referrals.

    referrals = new customers whose first order has referred_by set; when the orders have no
    referred_by column, the count of referral activities instead (never both, so one
    referral is not counted twice)
    """
    return total(f["referrals_total"])


@kpi("new_contacts", needs={"activities": ("employee_id", "date", "activity", "count")}, facts=("act_new_contact",))
def new_contacts(f: pd.DataFrame) -> pd.DataFrame:
    """新增联系人数量 — new contacts.

    new_contacts = sum of new_contact activity counts
    """
    return total(f["act_new_contact"])


@kpi("new_markets", needs={"orders": O + ("region",)}, facts=("new_markets",))
def new_markets(f: pd.DataFrame) -> pd.DataFrame:
    """新市场开发数 — new markets.

    new_markets = regions in which the employee sold for the first time in the period
    """
    return total(f["new_markets"])


@kpi("positive_review_rate", needs={"reviews": R}, facts=("positive_reviews", "customer_reviews"))
def positive_review_rate(f: pd.DataFrame) -> pd.DataFrame:
    """好评率 — positive-review rate.

    positive_review_rate = customer ratings >= 4 / customer ratings
    """
    return ratio(f["positive_reviews"], f["customer_reviews"])


@kpi("sales_skill", needs={"reviews": R}, facts=("sales_skill_num", "sales_skill_den"))
def sales_skill(f: pd.DataFrame) -> pd.DataFrame:
    """销售技巧 — sales-skill rating (定性评估).

    sales_skill = sum over reviewer types of (type weight x mean rating of that type) /
    sum of the weights of the types that rated (criterion sales_skill)
    """
    return ratio(f["sales_skill_num"], f["sales_skill_den"])


@kpi("service_quality", needs={"reviews": R}, facts=("service_quality_num", "service_quality_den"))
def service_quality(f: pd.DataFrame) -> pd.DataFrame:
    """客户服务质量 — service-quality rating (定性评估).

    service_quality = weighted mean rating on criterion service_quality, as sales_skill
    """
    return ratio(f["service_quality_num"], f["service_quality_den"])


@kpi("collaboration", needs={"activities": ("employee_id", "date", "activity", "count")},
     facts=("act_info_share", "act_referral", "act_assist"))
def collaboration(f: pd.DataFrame) -> pd.DataFrame:
    """团队协作 — collaboration.

    collaboration = information-sharing + mutual-referral + deal-assist activity counts
    """
    return total(f["act_info_share"] + f["act_referral"] + f["act_assist"])
