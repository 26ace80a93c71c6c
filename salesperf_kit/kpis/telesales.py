"""Telesales KPIs (电销, seed 001)."""
from __future__ import annotations

import pandas as pd

from ._registry import kpi, ratio, total

__all__ = ["calls", "connect_rate", "effective_talk_minutes", "avg_talk_seconds", "intent_customers",
           "intent_rate", "close_rate"]

C = ("employee_id", "started_at", "duration_s", "connected")


@kpi("calls", needs={"calls": C}, facts=("calls",))
def calls(f: pd.DataFrame) -> pd.DataFrame:
    """呼叫量 / 外呼数量 — outbound calls.

    calls = count of calls started in the period
    """
    return total(f["calls"])


@kpi("connect_rate", needs={"calls": C}, facts=("connected", "calls"))
def connect_rate(f: pd.DataFrame) -> pd.DataFrame:
    """接通率 — connect rate.

    connect_rate = connected calls / calls
    """
    return ratio(f["connected"], f["calls"])


@kpi("effective_talk_minutes", needs={"calls": C}, facts=("effective_seconds",))
def effective_talk_minutes(f: pd.DataFrame) -> pd.DataFrame:
    """有效沟通时长 — effective talk time, in minutes.

    effective_talk_minutes = sum of duration_s of connected calls lasting at least
    ``effective_talk_seconds`` (default 60 s: greetings and hang-ups are not effective) / 60
    """
    return total(f["effective_seconds"], scale=1 / 60)


@kpi("avg_talk_seconds", needs={"calls": C}, facts=("talk_seconds", "connected"))
def avg_talk_seconds(f: pd.DataFrame) -> pd.DataFrame:
    """平均通话时长 — average talk time of connected calls, in seconds.

    avg_talk_seconds = sum of duration_s of connected calls / connected calls
    """
    return ratio(f["talk_seconds"], f["connected"])


@kpi("intent_customers", needs={"calls": C + ("customer_id", "outcome")}, facts=("intent_customers",))
def intent_customers(f: pd.DataFrame) -> pd.DataFrame:
    """意向客户数 — intent customers.

    intent_customers = distinct customers with a connected call whose outcome is intent or deal
    in the period (an outcome on an unconnected call is not counted)
    """
    return total(f["intent_customers"])


@kpi("intent_rate", needs={"calls": C + ("customer_id", "outcome")},
     facts=("intent_customers", "connected_customers"))
def intent_rate(f: pd.DataFrame) -> pd.DataFrame:
    """意向率 — intent rate.

    intent_rate = intent_customers / distinct customers reached on a connected call
    """
    return ratio(f["intent_customers"], f["connected_customers"])


@kpi("close_rate", needs={"calls": C + ("customer_id", "outcome"),
                          "orders": ("employee_id", "customer_id", "order_date", "amount")},
     facts=("buyers", "intent_customers"))
def close_rate(f: pd.DataFrame) -> pd.DataFrame:
    """成交率 / 销售转化率 — close rate.

    close_rate = distinct buyers in the period / intent_customers
    """
    return ratio(f["buyers"], f["intent_customers"])
