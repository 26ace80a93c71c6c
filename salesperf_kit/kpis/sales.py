"""Shared sales KPIs (all four business types)."""
from __future__ import annotations

import pandas as pd

from ._registry import growth, kpi, ratio, total

__all__ = [
    "revenue", "units", "orders", "aov", "revenue_per_buyer", "profit", "margin", "growth_rate",
    "new_customers", "new_customer_growth", "repurchase_rate", "returning_share", "retention_rate",
    "retention_30d", "retention_90d", "ltv", "received_revenue", "collection_rate", "complaint_rate",
    "csat", "csat_share", "target_attainment", "per_capita_output", "sales_cost_ratio", "win_rate",
]

O = ("employee_id", "customer_id", "order_date", "amount")


@kpi("revenue", needs={"orders": O}, facts=("revenue",))
def revenue(f: pd.DataFrame) -> pd.DataFrame:
    """销售额 — revenue.

    revenue = sum of amount of the period's orders that count (not cancelled, not refunded);
    with ``revenue_basis: received`` it is the money received in the period instead.
    """
    return total(f["revenue"])


@kpi("units", needs={"orders": O + ("quantity",)}, facts=("units",))
def units(f: pd.DataFrame) -> pd.DataFrame:
    """销售量 — units sold.

    units = sum of quantity of the period's orders that count
    """
    return total(f["units"])


@kpi("orders", needs={"orders": O}, facts=("orders",))
def orders(f: pd.DataFrame) -> pd.DataFrame:
    """成交订单数 — orders.

    orders = count of the period's orders that count
    """
    return total(f["orders"])


@kpi("aov", needs={"orders": O}, facts=("revenue_ordered", "orders"))
def aov(f: pd.DataFrame) -> pd.DataFrame:
    """客单价 / 平均订单金额 — average order value.

    aov = ordered revenue / orders
    """
    return ratio(f["revenue_ordered"], f["orders"])


@kpi("revenue_per_buyer", needs={"orders": O}, facts=("revenue_ordered", "buyers"))
def revenue_per_buyer(f: pd.DataFrame) -> pd.DataFrame:
    """客单价(按人) — revenue per buyer.

    revenue_per_buyer = ordered revenue / distinct buyers
    """
    return ratio(f["revenue_ordered"], f["buyers"])


@kpi("profit", needs={"orders": O + ("cost",)}, facts=("profit",))
def profit(f: pd.DataFrame) -> pd.DataFrame:
    """利润额 — profit.

    profit = sum of (amount - cost) of the period's orders that count
    """
    return total(f["profit"])


@kpi("margin", needs={"orders": O + ("cost",)}, facts=("profit", "revenue_ordered"))
def margin(f: pd.DataFrame) -> pd.DataFrame:
    """利润率 — margin.

    margin = profit / ordered revenue
    """
    return ratio(f["profit"], f["revenue_ordered"])


@kpi("growth", needs={"orders": O}, facts=("revenue", "revenue_prev"))
def growth_rate(f: pd.DataFrame) -> pd.DataFrame:
    """销售增长率 — revenue growth.

    growth = revenue / revenue of the previous period - 1
    """
    return growth(f["revenue"], f["revenue_prev"])


@kpi("new_customers", needs={"orders": O}, facts=("new_customers",))
def new_customers(f: pd.DataFrame) -> pd.DataFrame:
    """新客户数 — new customers.

    new_customers = customers whose first-ever order (company-wide, any earlier data
    included) falls in the period, credited to the employee of that first order

    Only orders that count are orders here: a cancelled or refunded order is no purchase,
    so a customer whose first order was returned becomes new with their first kept order
    (under ``refund_handling: clawback``, an order refunded after the period closed still
    counts for it).
    """
    return total(f["new_customers"])


@kpi("new_customer_growth", needs={"orders": O}, facts=("new_customers", "new_customers_prev"))
def new_customer_growth(f: pd.DataFrame) -> pd.DataFrame:
    """新客户增长率 — new-customer growth.

    new_customer_growth = new_customers / new_customers of the previous period - 1
    """
    return growth(f["new_customers"], f["new_customers_prev"])


@kpi("repurchase_rate", needs={"orders": O}, facts=("repeat_buyers", "buyers"))
def repurchase_rate(f: pd.DataFrame) -> pd.DataFrame:
    """复购率 — repurchase rate.

    repurchase_rate = period buyers with at least 2 orders in the period / period buyers
    """
    return ratio(f["repeat_buyers"], f["buyers"])


@kpi("returning_share", needs={"orders": O}, facts=("returning_buyers", "buyers"))
def returning_share(f: pd.DataFrame) -> pd.DataFrame:
    """老客占比 — returning-buyer share.

    returning_share = period buyers who had bought (from anyone) before the period / period buyers

    "Bought" means an order that counts (see ``new_customers``): a buyer whose only earlier
    order was refunded is new, not returning.
    """
    return ratio(f["returning_buyers"], f["buyers"])


@kpi("retention_rate", needs={"orders": O}, facts=("retained_buyers", "buyers_prev"))
def retention_rate(f: pd.DataFrame) -> pd.DataFrame:
    """留存率 — retention rate.

    retention_rate = the employee's buyers of the previous period who buy from them again
    this period / the employee's buyers of the previous period
    """
    return ratio(f["retained_buyers"], f["buyers_prev"])


@kpi("retention_30d", needs={"orders": O}, facts=("retained_30d", "new_customers"))
def retention_30d(f: pd.DataFrame) -> pd.DataFrame:
    """30日留存 — 30-day retention of the period's new customers.

    retention_30d = new customers of the period who order again within 30 days of their
    first order / new customers of the period
    """
    return ratio(f["retained_30d"], f["new_customers"])


@kpi("retention_90d", needs={"orders": O}, facts=("retained_90d", "new_customers"))
def retention_90d(f: pd.DataFrame) -> pd.DataFrame:
    """90日留存 — 90-day retention of the period's new customers.

    retention_90d = new customers of the period who order again within 90 days of their
    first order / new customers of the period
    """
    return ratio(f["retained_90d"], f["new_customers"])


@kpi("ltv", needs={"orders": O}, facts=("ltv_revenue", "ltv_customers"))
def ltv(f: pd.DataFrame) -> pd.DataFrame:
    """客户生命周期价值 — customer lifetime value.

    ltv = total revenue to the end of the period of the customers the employee acquired
    (first-ever order) / number of those customers
    """
    return ratio(f["ltv_revenue"], f["ltv_customers"])


@kpi("received_revenue", needs={"orders": O + ("paid_amount", "paid_date")}, facts=("received_revenue",))
def received_revenue(f: pd.DataFrame) -> pd.DataFrame:
    """到账金额 — received revenue.

    received_revenue = sum of paid_amount whose paid_date falls in the period
    """
    return total(f["received_revenue"])


@kpi("collection_rate", needs={"orders": O + ("paid_amount",)}, facts=("collected", "billed"))
def collection_rate(f: pd.DataFrame) -> pd.DataFrame:
    """回款率 — collection rate.

    collection_rate = paid_amount of the period's orders (paid at any time) / amount of the
    period's orders
    """
    return ratio(f["collected"], f["billed"])


@kpi("complaint_rate", needs={}, facts=("complaints", "complaint_base"))
def complaint_rate(f: pd.DataFrame) -> pd.DataFrame:
    """客户投诉率 — complaint rate.

    complaint_rate = complaints / orders; with ``complaint_basis: tickets`` (service staff)
    complaints / tickets. Complaints are complaint tickets and/or calls whose outcome is
    "complaint" (``complaint_sources``).
    """
    return ratio(f["complaints"], f["complaint_base"])


@kpi("csat", needs={"service": ("employee_id", "opened_at", "satisfaction")}, facts=("sat_sum", "sat_n"))
def csat(f: pd.DataFrame) -> pd.DataFrame:
    """客户满意度 — customer satisfaction.

    csat = mean satisfaction score (1-5) = sum of scores / number of scored tickets
    """
    return ratio(f["sat_sum"], f["sat_n"])


@kpi("csat_share", needs={"service": ("employee_id", "opened_at", "satisfaction")}, facts=("sat_ok", "sat_n"))
def csat_share(f: pd.DataFrame) -> pd.DataFrame:
    """满意率 — share of satisfied customers.

    csat_share = scores >= satisfied_min (4) / number of scored tickets
    """
    return ratio(f["sat_ok"], f["sat_n"])


@kpi("target_attainment", needs={"orders": O, "targets": ("period", "kpi", "target")},
     facts=("revenue", "target_revenue"))
def target_attainment(f: pd.DataFrame) -> pd.DataFrame:
    """目标完成率 — target attainment (of the revenue target).

    target_attainment = revenue / revenue target of the period. Attainment of every other
    KPI that has a target is computed by the scorecard.
    """
    return ratio(f["revenue"], f["target_revenue"])


@kpi("per_capita_output", needs={"orders": O}, facts=("unit_revenue", "unit_headcount"), additive=False)
def per_capita_output(f: pd.DataFrame) -> pd.DataFrame:
    """人均产出 — output per head, a team-level KPI.

    per_capita_output = team revenue / team headcount

    A person's value is their team's (``employees.team``; someone without a team is a team
    of one), headcount counting everyone of the team who worked in the period, team leads
    included. Rolled up, it is the group's revenue over the group's headcount.
    """
    return ratio(f["unit_revenue"], f["unit_headcount"])


@kpi("sales_cost_ratio", needs={"orders": O, "traffic": ("employee_id", "spend")}, facts=("spend", "revenue"))
def sales_cost_ratio(f: pd.DataFrame) -> pd.DataFrame:
    """销售成本率 — sales-cost ratio.

    sales_cost_ratio = (ad + promotion spend owned by the employee) / revenue
    """
    return ratio(f["spend"], f["revenue"])


@kpi("win_rate", needs={"orders": O + ("status",)}, facts=("placed_orders", "closed_orders"))
def win_rate(f: pd.DataFrame) -> pd.DataFrame:
    """赢单率 — win rate.

    win_rate = orders won / orders closed (won or lost), both dated in the period

    Won is every order but a cancelled one, lost a cancelled one: (completed + refunded) /
    (completed + refunded + cancelled). A deal pipeline (a CRM's Won and Lost mapped to
    completed and cancelled) gives the share of the deals closed in the period that were
    won: the lost ones count in no other KPI. A refunded order was won, since it was sold
    (refund_rate counts it among the orders placed too); a later refund is the refund
    rate's business, so ``refund_handling`` does not change this KPI. An order without a
    status is won, as it counts in revenue and orders. Orders without a status column
    leave the KPI out, as any KPI whose columns the data lack.
    """
    return ratio(f["placed_orders"], f["closed_orders"])
