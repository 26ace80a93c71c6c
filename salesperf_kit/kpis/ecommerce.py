"""E-commerce and social-commerce KPIs (电商微商, seed 002)."""
from __future__ import annotations

import pandas as pd

from ._registry import kpi, ratio, value_only

__all__ = ["inventory_turnover", "processing_hours", "refund_rate"]

O = ("employee_id", "customer_id", "order_date", "amount")


@kpi("inventory_turnover", needs={"orders": O + ("cost",), "inventory": ("date", "employee_id", "stock_value")},
     facts=("cost", "stock_mean"))
def inventory_turnover(f: pd.DataFrame) -> pd.DataFrame:
    """库存周转率 — inventory turnover.

    inventory_turnover = cost of goods sold in the period / mean stock value over the
    period's snapshots (stock the employee owns)

    The snapshot days are the company's: the dates in the period on which the inventory
    table has any row. An employee with no row on such a day held no stock that day (a stock
    export lists what is on hand), so that day adds 0 to the mean.

    A number of times (周转次数, unit "times"): 4.72 reads "4.72 次" / "4.72×", not 472 %.
    """
    return ratio(f["cost"], f["stock_mean"])


@kpi("processing_hours", needs={"orders": O + ("shipped_at",)}, facts=("processing_hours",), additive=False)
def processing_hours(f: pd.DataFrame) -> pd.DataFrame:
    """订单处理时长 — order processing time (lower is better).

    processing_hours = median hours from order_date to shipped_at of the period's shipped orders
    """
    return value_only(f["processing_hours"])


@kpi("refund_rate", needs={"orders": O + ("status",)}, facts=("refunded_orders", "placed_orders"))
def refund_rate(f: pd.DataFrame) -> pd.DataFrame:
    """退款率 — refund rate (lower is better).

    refund_rate = refunded orders / orders placed in the period (cancelled ones excluded)

    The refunded orders are those placed in the period and refunded by now; under
    ``refund_handling: clawback``, those refunded by the period's close (or without a
    refund date), as revenue and orders count them valid at the close: a refund that
    arrives later changes no closed period's rate (a re-run of a paid month gives what it
    gave), and the KPIs' notices count the period's orders refunded after it closed.
    """
    return ratio(f["refunded_orders"], f["placed_orders"])
