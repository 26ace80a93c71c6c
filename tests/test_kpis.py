"""The KPI engine against hand-computed values on small named fixtures.

Every expected number is worked out by hand in a comment next to it, from the definitions
of ``kpi-catalogue.md`` (section 2). The reporting period is October 2026 unless a test
says otherwise; the previous period is September 2026.

The organisation (``employees`` in conftest): E1 (North, top) -> E2 (North) -> E3 (South),
and E1 -> E4 (South, idle). E1 mentors E2 and E3.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from salesperf_kit.catalogue import CATALOGUE
from salesperf_kit.exceptions import KPIError
from salesperf_kit.kpis import DEFAULT_SETS, REGISTRY, compute_kpis
from salesperf_kit.schemas import TABLES

NAN = float("nan")
ALL = list(REGISTRY)
EMPLOYEE_IDS = ["E1", "E2", "E3", "E4"]
# sums and counts: 0 for a person with nothing to count (every other KPI is a ratio, a mean
# or a median: NaN without a denominator); per_capita_output is the team's revenue per head,
# which an idle person of a team that sold shares
SUMS = {"revenue", "units", "orders", "profit", "new_customers", "received_revenue", "team_revenue", "referrals",
        "new_contacts", "new_markets", "collaboration", "sessions", "unique_visitors", "page_views", "touches",
        "compliance_violations", "innovation", "calls", "effective_talk_minutes", "intent_customers",
        "per_capita_output"}


# ----------------------------------------------------------------------------- helpers
def _table(columns: str, rows: list[tuple], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns.split())
    for col in dates:
        df[col] = pd.to_datetime(df[col], format="ISO8601")
    return df


def _empty(name: str) -> pd.DataFrame:
    """A table of the data contract with every column and no row."""
    spec = TABLES[name]

    def dtype(col):
        if col in spec.dates:
            return "datetime64[ns]"
        if col in spec.numbers:
            return "float64"
        return "bool" if col in spec.booleans else "object"

    return pd.DataFrame({c: pd.Series([], dtype=dtype(c)) for c in spec.columns})


def _values(result, kpi: str) -> pd.Series:
    return result.wide.set_index("employee_id")[kpi]


def _same(got: float, want: float) -> bool:
    if isinstance(want, float) and math.isnan(want):
        return isinstance(got, float) and math.isnan(got)
    return got == pytest.approx(want, rel=1e-9, abs=1e-12)


def assert_kpi(result, kpi: str, expected: dict[str, float]) -> None:
    got = _values(result, kpi)
    wrong = {e: (float(got[e]), want) for e, want in expected.items() if not _same(float(got[e]), want)}
    assert not wrong, f"{kpi}: (got, expected) per employee: {wrong}"


def assert_row(frame: pd.DataFrame, key: str, group: str, expected: dict[str, float]) -> None:
    row = frame.set_index(key).loc[group]
    wrong = {k: (float(row[k]), v) for k, v in expected.items() if not _same(float(row[k]), v)}
    assert not wrong, f"{key}={group}: (got, expected): {wrong}"


# ----------------------------------------------------------------------------- named tables
ORDER_COLUMNS = ("order_id employee_id customer_id order_date amount cost quantity status paid_amount "
                 "paid_date shipped_at customer_tier region referred_by refunded_at")
ORDER_DATES = ("order_date", "paid_date", "shipped_at", "refunded_at")


def shop_orders() -> pd.DataFrame:
    """Orders over August-December 2026 (October is the reporting month).

    c1 first bought in August (from E1), c2 and c3 are September's new customers, c5 and c9
    October's; c6 only ever has a cancelled order, c7 and c8 only refunded ones. o7 is
    refunded on 10 November, after October has closed.
    """
    rows = [
        # id   emp   cust  order_date          amt  cost qty status       paid  paid_date     shipped_at          tier region    ref   refunded_at
        ("s1", "E1", "c1", "2026-08-15",         80,  40, 1, "completed",   80, "2026-08-15", None,               "A", "East",    None, None),
        ("s2", "E1", "c2", "2026-09-10",        100,  60, 1, "completed",  100, "2026-09-10", None,               "B", "East",    None, None),
        ("s3", "E2", "c3", "2026-09-20",        250, 150, 2, "completed",  250, "2026-10-05", None,               "A", "West",    None, None),
        ("s4", "E2", "c4", "2026-09-25",         50,  30, 1, "cancelled", None, None,         None,               "B", "West",    None, None),
        ("o1", "E1", "c1", "2026-10-02 08:00",  300, 180, 3, "completed",  300, "2026-10-03", "2026-10-02 20:00", "A", "East",    None, None),
        ("o2", "E1", "c1", "2026-10-20",        100,  50, 1, "completed",   60, "2026-10-25", "2026-10-21",       "A", "East",    None, None),
        ("o3", "E1", "c5", "2026-10-05",        200, 100, 2, "completed", None, None,         "2026-10-07",       "B", "North",   "c1", None),
        ("o4", "E2", "c3", "2026-10-10",        400, 300, 4, "completed",  400, "2026-11-02", "2026-10-10 06:00", "A", "West",    None, None),
        ("o5", "E2", "c6", "2026-10-15",        100,  80, 1, "cancelled", None, None,         None,               "A", "South",   None, None),
        ("o6", "E3", "c7", "2026-10-12",        150,  90, 1, "refunded",   150, "2026-10-12", "2026-10-13",       "A", "Central", None, "2026-10-20"),
        ("o7", "E3", "c8", "2026-10-28",        250, 150, 2, "refunded",   250, "2026-10-28", "2026-10-29",       "A", "Central", None, "2026-11-10"),
        ("o8", "E3", "c9", "2026-10-30",        120,  70, 1, "completed",  120, "2026-10-30", "2026-10-30 10:00", "B", "South",   None, None),
        ("n1", "E3", "c9", "2026-11-20",         60,  30, 1, "completed",   60, "2026-11-20", None,               "B", "South",   None, None),
        ("n2", "E1", "c5", "2026-12-20",         90,  50, 1, "completed",   90, "2026-12-20", None,               "B", "North",   None, None),
        ("n3", "E2", "c3", "2026-11-05",        100,  60, 1, "completed",  100, "2026-11-05", None,               "A", "West",    None, None),
    ]
    df = _table(ORDER_COLUMNS, rows, ORDER_DATES)
    for col in ("amount", "cost", "quantity", "paid_amount"):
        df[col] = df[col].astype("float64")
    return df


def shop_calls() -> pd.DataFrame:
    rows = [
        ("k1", "E1", "c1", "2026-10-03 09:00", 30, True, "none"),
        ("k2", "E1", "c1", "2026-10-03 10:00", 120, True, "intent"),
        ("k3", "E1", "c2", "2026-10-04 09:00", 0, False, "none"),
        ("k4", "E1", "c5", "2026-10-04 10:00", 60, True, "deal"),
        ("k5", "E1", "c3", "2026-10-05 09:00", 90, True, "complaint"),
        ("k9", "E1", "c9", "2026-10-06 09:00", 45, True, "intent"),
        ("k6", "E1", "c1", "2026-09-28 09:00", 600, True, "intent"),  # September: not counted
        ("k7", "E2", "c3", "2026-10-07 09:00", 0, False, "none"),
        ("k8", "E2", "c4", "2026-10-07 10:00", 10, False, "none"),
    ]
    df = _table("call_id employee_id customer_id started_at duration_s connected outcome", rows, ("started_at",))
    df["duration_s"] = df["duration_s"].astype("float64")
    return df


def shop_service() -> pd.DataFrame:
    rows = [
        ("t1", "E1", "2026-10-03 09:00", "2026-10-03 11:00", 5, False, True),   # 2 h
        ("t2", "E1", "2026-10-04 09:00", "2026-10-04 15:00", 3, True, False),   # 6 h
        ("t3", "E1", "2026-10-10 00:00", None, None, False, False),             # still open
        ("t4", "E1", "2026-10-12 00:00", "2026-10-13 00:00", 4, False, True),   # 24 h
        ("t5", "E2", "2026-10-06 00:00", "2026-10-06 01:00", 2, True, True),    # 1 h
        ("t6", "E1", "2026-09-30 23:00", "2026-10-01 00:00", 1, True, False),   # September
    ]
    df = _table("ticket_id employee_id opened_at resolved_at satisfaction is_complaint first_contact_resolved",
                rows, ("opened_at", "resolved_at"))
    df["satisfaction"] = df["satisfaction"].astype("float64")
    return df


def shop_traffic() -> pd.DataFrame:
    rows = [
        ("2026-10-01", "web", "E1", 400, 300, 1200, 100, 10, 150, 1000, 50, 2),
        ("2026-10-02", "social", "E1", 100, 80, 300, 50, 5, 50, 3000, 250, 4),
        ("2026-10-01", "web", "E2", 50, 40, 100, 0, 0, 0, 0, 0, None),
        ("2026-10-01", "web", None, 999, 999, 999, 999, 999, 999, 999, 999, 1),   # no owner
        ("2026-09-30", "web", "E1", 1000, 900, 5000, 900, 90, 900, 9000, 900, 9),  # September
    ]
    df = _table("date channel employee_id sessions unique_visitors page_views qualified_sessions inquiries "
                "spend impressions engagements search_rank", rows, ("date",))
    for col in df.columns[3:]:
        df[col] = df[col].astype("float64")
    return df


def shop_activities() -> pd.DataFrame:
    rows = [
        ("E1", "2026-10-03", "touch", 10), ("E1", "2026-10-20", "touch", 5),
        ("E1", "2026-10-31", "report_due", 4), ("E1", "2026-10-31", "report_on_time", 3),
        ("E1", "2026-10-15", "referral", 2), ("E1", "2026-10-15", "new_contact", 7),
        ("E1", "2026-10-16", "training_taken", 2), ("E1", "2026-10-17", "training_passed", 1),
        ("E1", "2026-10-18", "innovation", 3), ("E1", "2026-10-19", "compliance_violation", 1),
        ("E1", "2026-10-20", "info_share", 2), ("E1", "2026-10-21", "assist", 1),
        ("E1", "2026-09-15", "touch", 100),  # September
        ("E2", "2026-10-16", "training_taken", 1), ("E2", "2026-10-17", "training_passed", 1),
    ]
    df = _table("employee_id date activity count", rows, ("date",))
    df["count"] = df["count"].astype("float64")
    return df


def shop_reviews() -> pd.DataFrame:
    rows = [
        ("E1", "2026-10", "E1", "self", "sales_skill", 5),
        ("E1", "2026-10", "E2", "peer", "sales_skill", 3),
        ("E1", "2026-10", "E1", "peer", "sales_skill", 5),          # own peer rating: ignored
        ("E1", "2026-10", "u1", "customer", "sales_skill", 4),
        ("E1", "2026-10", "u2", "customer", "sales_skill", 2),
        ("E1", "2026-10", "u3", "customer", "service_quality", 5),
        ("E1", "2026-10", "E2", "peer", "collaboration", 4),
        ("E1", "2026-10", "E3", "peer", "collaboration", 3),
        ("E1", "2026-10", "E1", "peer", "collaboration", 5),        # own peer rating: ignored
        ("E1", "2026-09", "b1", "manager", "sales_skill", 1),       # review of September
        ("E1", "2026-Q4", "b1", "manager", "sales_skill", 1),       # review of the quarter
        ("E2", "2026-10", "E1", "manager", "sales_skill", 4),
        ("E2", "2026-10", "E2", "self", "sales_skill", 2),
    ]
    df = _table("employee_id period reviewer_id reviewer_type criterion score", rows)
    df["score"] = df["score"].astype("float64")
    return df


def shop_inventory() -> pd.DataFrame:
    rows = [
        ("2026-10-01", "a", "E1", 100), ("2026-10-01", "b", "E1", 50), ("2026-10-31", "a", "E1", 180),
        ("2026-10-01", "c", "E2", 200), ("2026-10-31", "c", "E2", 400),
        ("2026-10-01", "z", None, 5000),      # stock nobody owns
        ("2026-09-30", "a", "E1", 9999),      # September snapshot
    ]
    df = _table("date sku employee_id stock_value", rows, ("date",))
    df["stock_value"] = df["stock_value"].astype("float64")
    return df


def shop_targets(team_rows: bool = True) -> pd.DataFrame:
    rows = [
        ("2026-10", "E1", None, "revenue", 800),
        ("2026-10", "E2", None, "revenue", 500),
        ("2026-10", "E1", None, "orders", 5),           # another KPI: not a revenue target
        ("2026-07", "E1", None, "revenue", 100),
        ("2026-08", "E1", None, "revenue", 200),
        ("2026-09", "E1", None, "revenue", 300),
        ("2026-Q3", "E2", None, "revenue", 1000),       # the quarter's own row ...
        ("2026-09", "E2", None, "revenue", 50),         # ... wins over monthly rows
    ]
    if team_rows:
        rows.append(("2026-10", None, "North", "revenue", 1250))
    df = _table("period employee_id team kpi target", rows)
    df["target"] = df["target"].astype("float64")
    return df


def shop_dataset(employees: pd.DataFrame, **replace) -> dict[str, pd.DataFrame]:
    data = {"employees": employees, "orders": shop_orders(), "calls": shop_calls(), "service": shop_service(),
            "traffic": shop_traffic(), "activities": shop_activities(), "reviews": shop_reviews(),
            "inventory": shop_inventory(), "targets": shop_targets()}
    data.update(replace)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def shop(employees):
    return shop_dataset(employees)


@pytest.fixture(scope="module")
def october():
    """All KPIs of the full shop dataset for October 2026 (computed once)."""
    emp = pd.DataFrame({  # conftest's ``employees``, built here for the module scope
        "employee_id": EMPLOYEE_IDS, "name": ["Ann", "Bob", "Cai", "Dee"],
        "team": ["North", "North", "South", "South"], "role": ["lead", "sales", "sales", "sales"],
        "manager_id": [None, "E1", "E2", "E1"], "mentor_id": [None, "E1", "E1", None],
    })
    return compute_kpis(shop_dataset(emp), "2026-10", kpis=ALL)


@pytest.fixture(scope="module")
def october_up(october):
    """The October roll-ups, by team, company, manager and role."""
    return {by: october.rollup(by) for by in ("team", "company", "manager", "role")}


# ----------------------------------------------------------------------------- 1. every KPI, by hand
# Valid October orders (exclude mode): o1 E1 c1 300, o2 E1 c1 100, o3 E1 c5 200, o4 E2 c3 400,
# o8 E3 c9 120. Left out: o5 (cancelled), o6 and o7 (refunded). E4 has nothing anywhere.
# Valid September orders: s2 E1 c2 100, s3 E2 c3 250 (s4 cancelled).
OCTOBER = {
    # --- shared sales KPIs
    "revenue": {"E1": 600.0,  # 300 + 100 + 200
                "E2": 400.0, "E3": 120.0, "E4": 0.0},
    "units": {"E1": 6.0,  # 3 + 1 + 2
              "E2": 4.0, "E3": 1.0, "E4": 0.0},
    "orders": {"E1": 3.0, "E2": 1.0, "E3": 1.0, "E4": 0.0},
    "aov": {"E1": 200.0,  # 600 / 3
            "E2": 400.0, "E3": 120.0, "E4": NAN},
    "revenue_per_buyer": {"E1": 300.0,  # 600 / 2 buyers (c1, c5)
                          "E2": 400.0, "E3": 120.0, "E4": NAN},
    "profit": {"E1": 270.0,  # (300-180) + (100-50) + (200-100) = 120 + 50 + 100
               "E2": 100.0,  # 400 - 300
               "E3": 50.0,   # 120 - 70
               "E4": 0.0},
    "margin": {"E1": 0.45,  # 270 / 600
               "E2": 0.25,  # 100 / 400
               "E3": 50 / 120, "E4": NAN},
    "growth": {"E1": 5.0,   # 600 / 100 - 1
               "E2": 0.6,   # 400 / 250 - 1
               "E3": NAN,   # September revenue 0
               "E4": NAN},
    "new_customers": {"E1": 1.0,  # c5 (c1 first bought in August)
                      "E2": 0.0,  # c3 is September's; c6 only has a cancelled order
                      "E3": 1.0,  # c9 (c7, c8 only have refunded orders)
                      "E4": 0.0},
    "new_customer_growth": {"E1": 0.0,   # 1 / 1 (c2 in September) - 1
                            "E2": -1.0,  # 0 / 1 (c3 in September) - 1
                            "E3": NAN,   # 1 / 0
                            "E4": NAN},
    "repurchase_rate": {"E1": 0.5,  # c1 ordered twice, c5 once: 1 / 2
                        "E2": 0.0, "E3": 0.0, "E4": NAN},
    "returning_share": {"E1": 0.5,  # c1 bought in August, c5 is new: 1 / 2
                        "E2": 1.0,  # c3 bought in September: 1 / 1
                        "E3": 0.0,  # c9 is new: 0 / 1
                        "E4": NAN},
    "retention_rate": {"E1": 0.0,  # September buyer c2 did not come back: 0 / 1
                       "E2": 1.0,  # September buyer c3 came back: 1 / 1
                       "E3": NAN, "E4": NAN},
    "retention_30d": {"E1": 0.0,  # c5: 5 Oct -> 20 Dec is 76 days: 0 / 1
                      "E2": NAN,
                      "E3": 1.0,  # c9: 30 Oct -> 20 Nov is 21 days: 1 / 1
                      "E4": NAN},
    "retention_90d": {"E1": 1.0,  # 76 <= 90: 1 / 1
                      "E2": NAN, "E3": 1.0, "E4": NAN},
    "ltv": {"E1": 260.0,  # acquired c1 (80+300+100=480), c2 (100), c5 (200): 780 / 3
            "E2": 650.0,  # acquired c3: 250 + 400 (November's n3 is after the period)
            "E3": 120.0,  # acquired c9: 120 (n1 is after the period)
            "E4": NAN},
    "received_revenue": {"E1": 360.0,  # 300 (o1, 3 Oct) + 60 (o2, 25 Oct)
                         "E2": 250.0,  # s3 paid on 5 Oct (o4 is paid in November)
                         "E3": 120.0,  # o8 (o6 refunded; o7 refunded)
                         "E4": 0.0},
    "collection_rate": {"E1": 0.6,  # (300 + 60 + nothing for o3) / 600
                        "E2": 1.0,  # 400 / 400 (paid after the period still counts)
                        "E3": 1.0,  # 120 / 120
                        "E4": NAN},
    "complaint_rate": {"E1": 2 / 3,  # (1 complaint ticket t2 + 1 complaint call k5) / 3 orders
                       "E2": 1.0,    # (1 ticket t5 + 0 calls) / 1 order
                       "E3": 0.0,    # 0 / 1
                       "E4": NAN},
    "csat": {"E1": 4.0,  # (5 + 3 + 4) / 3 scored tickets (t3 has no score, t6 is September)
             "E2": 2.0, "E3": NAN, "E4": NAN},
    "csat_share": {"E1": 2 / 3,  # scores >= 4: t1, t4
                   "E2": 0.0, "E3": NAN, "E4": NAN},
    "target_attainment": {"E1": 0.75,  # 600 / 800
                          "E2": 0.8,   # 400 / 500
                          "E3": NAN,   # no target
                          "E4": NAN},
    # a team figure: North (E1 600 + E2 400) / 2 heads, South (E3 120 + idle E4 0) / 2 heads
    "per_capita_output": {"E1": 500.0, "E2": 500.0, "E3": 60.0, "E4": 60.0},
    "sales_cost_ratio": {"E1": 1 / 3,  # spend (150 + 50) / revenue 600
                         "E2": 0.0,    # 0 / 400
                         "E3": 0.0,    # no spend: 0 / 120
                         "E4": NAN},   # 0 / 0
    "win_rate": {"E1": 1.0,  # o1, o2, o3 won / 3 closed
                 "E2": 0.5,  # o4 won / o4, o5 (cancelled: lost)
                 "E3": 1.0,  # o6, o7 (refunded: they were sold) and o8 / 3
                 "E4": NAN},  # 0 / 0
    # --- online sales
    "sessions": {"E1": 500.0,  # 400 + 100 (unowned and September rows left out)
                 "E2": 50.0, "E3": 0.0, "E4": 0.0},
    "unique_visitors": {"E1": 380.0,  # 300 + 80
                        "E2": 40.0, "E3": 0.0, "E4": 0.0},
    "page_views": {"E1": 1500.0,  # 1200 + 300
                   "E2": 100.0, "E3": 0.0, "E4": 0.0},
    "conversion_rate": {"E1": 0.006,  # 3 orders / 500 sessions
                        "E2": 0.02,   # 1 / 50
                        "E3": NAN,    # 1 / 0
                        "E4": NAN},
    "inquiry_conversion": {"E1": 0.2,  # 3 / (10 + 5)
                           "E2": NAN,  # 1 / 0
                           "E3": NAN, "E4": NAN},
    "qualified_traffic_share": {"E1": 0.3,  # (100 + 50) / 500
                                "E2": 0.0,  # 0 / 50
                                "E3": NAN, "E4": NAN},
    "cac": {"E1": 200.0,  # spend 200 / 1 new customer
            "E2": NAN,    # 0 / 0
            "E3": 0.0,    # 0 / 1
            "E4": NAN},
    "roas": {"E1": 3.0,  # 600 / 200
             "E2": NAN, "E3": NAN, "E4": NAN},
    "roi": {"E1": 2.0,  # (600 - 200) / 200
            "E2": NAN, "E3": NAN, "E4": NAN},
    "search_rank": {"E1": 3.0,  # (2 + 4) / 2
                    "E2": NAN,  # no ranked day
                    "E3": NAN, "E4": NAN},
    "social_engagement": {"E1": 0.075,  # (50 + 250) / (1000 + 3000)
                          "E2": NAN,    # 0 / 0
                          "E3": NAN, "E4": NAN},
    "resolution_hours": {"E1": 6.0,  # median of 2, 6, 24 (t3 still open)
                         "E2": 1.0, "E3": NAN, "E4": NAN},
    "fcr_rate": {"E1": 0.5,  # t1, t4 of 4 tickets
                 "E2": 1.0, "E3": NAN, "E4": NAN},
    "aov_uplift": {"E1": 1.0,  # 200 / (100 / 1) - 1
                   "E2": 0.6,  # 400 / (250 / 1) - 1
                   "E3": NAN,  # no September order
                   "E4": NAN},
    # --- telesales (October calls; k6 is September)
    "calls": {"E1": 6.0, "E2": 2.0, "E3": 0.0, "E4": 0.0},
    "connect_rate": {"E1": 5 / 6,  # k1, k2, k4, k5, k9 of 6
                     "E2": 0.0, "E3": NAN, "E4": NAN},
    "effective_talk_minutes": {"E1": 4.5,  # (120 + 60 + 90) / 60; k1 (30 s) and k9 (45 s) are too short
                               "E2": 0.0, "E3": 0.0, "E4": 0.0},
    "avg_talk_seconds": {"E1": 69.0,  # (30 + 120 + 60 + 90 + 45) / 5
                         "E2": NAN, "E3": NAN, "E4": NAN},
    "intent_customers": {"E1": 3.0,  # c1 (intent), c5 (deal), c9 (intent)
                         "E2": 0.0, "E3": 0.0, "E4": 0.0},
    "intent_rate": {"E1": 0.75,  # 3 / connected customers c1, c5, c3, c9
                    "E2": NAN, "E3": NAN, "E4": NAN},
    "close_rate": {"E1": 2 / 3,  # buyers c1, c5 / 3 intent customers
                   "E2": NAN,    # 1 / 0
                   "E3": NAN, "E4": NAN},
    # --- e-commerce
    "inventory_turnover": {"E1": 2.0,  # cost 330 / ((100 + 50) + 180) / 2 snapshot days = 330 / 165
                           "E2": 1.0,  # cost 300 / ((200 + 400) / 2) = 300 / 300
                           "E3": NAN,  # cost 70, no stock
                           "E4": NAN},
    "processing_hours": {"E1": 24.0,  # median of 12 (o1), 24 (o2), 48 (o3)
                         "E2": 6.0,   # o4
                         "E3": 10.0,  # o8 (o6, o7 refunded)
                         "E4": NAN},
    "refund_rate": {"E1": 0.0,    # 0 / 3
                    "E2": 0.0,    # 0 / 1 (cancelled o5 is not a placed order)
                    "E3": 2 / 3,  # o6, o7 of o6, o7, o8
                    "E4": NAN},
    # --- direct sales
    "team_revenue": {"E1": 1120.0,  # 600 + E2 400 + E3 120 + E4 0
                     "E2": 520.0,   # 400 + E3 120
                     "E3": 120.0, "E4": 0.0},
    "big_customer_share": {"E1": 2 / 3,  # tier A o1 + o2 = 400 / 600
                           "E2": 1.0,    # 400 / 400
                           "E3": 0.0,    # o8 is tier B
                           "E4": NAN},
    # orders carry referred_by, so they are the one source: 1 referred new customer (c5);
    # the 2 referral activities are not added on top (one referral is not counted twice)
    "referrals": {"E1": 1.0,
                  "E2": 0.0, "E3": 0.0, "E4": 0.0},
    "new_contacts": {"E1": 7.0, "E2": 0.0, "E3": 0.0, "E4": 0.0},
    "new_markets": {"E1": 1.0,  # North (East since August)
                    "E2": 0.0,  # West since September (o5 cancelled)
                    "E3": 1.0,  # South (Central only has refunded orders)
                    "E4": 0.0},
    "positive_review_rate": {"E1": 2 / 3,  # customer ratings 4, 2, 5: two are >= 4
                             "E2": NAN, "E3": NAN, "E4": NAN},
    # weights self 0.1, manager 0.5, peer 0.2, customer 0.2, over the types present
    "sales_skill": {"E1": 3.4,  # (0.1*5 + 0.2*3 + 0.2*(4+2)/2) / (0.1 + 0.2 + 0.2) = 1.7 / 0.5
                    "E2": 2.2 / 0.6,  # (0.5*4 + 0.1*2) / (0.5 + 0.1)
                    "E3": NAN, "E4": NAN},
    "service_quality": {"E1": 5.0,  # 0.2*5 / 0.2
                        "E2": NAN, "E3": NAN, "E4": NAN},
    "collaboration": {"E1": 5.0,  # info_share 2 + referral 2 + assist 1
                      "E2": 0.0, "E3": 0.0, "E4": 0.0},
    # --- process and potential
    "touches": {"E1": 15.0,  # 10 + 5 (September's 100 left out)
                "E2": 0.0, "E3": 0.0, "E4": 0.0},
    "report_timeliness": {"E1": 0.75,  # 3 / 4
                          "E2": NAN, "E3": NAN, "E4": NAN},
    "collaboration_score": {"E1": 3.5,  # peers E2 4, E3 3 (own 5 left out): 7 / 2
                            "E2": NAN, "E3": NAN, "E4": NAN},
    "compliance_violations": {"E1": 1.0, "E2": 0.0, "E3": 0.0, "E4": 0.0},
    "innovation": {"E1": 3.0, "E2": 0.0, "E3": 0.0, "E4": 0.0},
    "training_pass_rate": {"E1": 0.5,  # 1 / 2
                           "E2": 1.0,  # 1 / 1
                           "E3": NAN, "E4": NAN},
    "mentoring": {"E1": 1.08,  # mentees E2 + E3: (400 + 120) / (250 + 0) - 1 = 520 / 250 - 1
                  "E2": NAN, "E3": NAN, "E4": NAN},  # mentor nobody: 0 / 0
}


def test_hand_computed_values_cover_the_registry():
    assert set(OCTOBER) == set(REGISTRY)


@pytest.mark.parametrize("kpi", sorted(OCTOBER))
def test_kpi_by_hand(october, kpi):
    # the fixture's one shop-level visit (no employee) is in no one's figures, and said so;
    # its orders end on 20 December, before October's 90-day windows close (also said)
    assert [n[:63] for n in october.notices] == ["90-day retention: the 90-day windows of the new customers of 20",
                                                 "1 traffic row(s) in 2026-10 have no employee_id: they count in "]
    assert_kpi(october, kpi, OCTOBER[kpi])


def test_idle_employee_is_present_with_zero_counts_and_missing_ratios(october):
    row = october.wide.set_index("employee_id").loc["E4"]
    assert (row["name"], row["team"], row["role"], row["period"]) == ("Dee", "South", "sales", "2026-10")
    for kpi in ALL:
        if kpi == "per_capita_output":  # South's 120 over its 2 heads, E4 one of them
            assert row[kpi] == 60.0
            continue
        assert (row[kpi] == 0.0) if kpi in SUMS else np.isnan(row[kpi]), kpi
    assert (october.long["employee_id"] == "E4").sum() == len(ALL)


def test_first_orders_and_orders_by_tier(october):
    first = october.first_orders()
    # new in October: c5 (E1, o3 on 5 Oct, 200) and c9 (E3, o8 on 30 Oct, 120)
    assert first[["customer_id", "employee_id"]].values.tolist() == [["c5", "E1"], ["c9", "E3"]]
    assert first["first_amount"].tolist() == [200.0, 120.0]
    tiers = october.orders_by_tier()
    got = {(r.employee_id, r.customer_tier): (r.orders, r.revenue) for r in tiers.itertuples()}
    # E1: A = o1 + o2 (2 orders, 400), B = o3 (200); E2: A = o4; E3: B = o8
    assert got == {("E1", "A"): (2, 400.0), ("E1", "B"): (1, 200.0), ("E2", "A"): (1, 400.0),
                   ("E3", "B"): (1, 120.0)}


def _shared_customers() -> pd.DataFrame:
    """Customers served by several people: k1 (E1 in August, E2 in October), k2 (two orders
    at the same instant of 10 October, t1 by E2 and t2 by E1: the first is t1 by order_id),
    k3 (E1 in September, E2 in October) and k4 (E2 in October, referred by k1)."""
    rows = [("a1", "E1", "k1", "2026-08-01 10:00", 100.0, None), ("a2", "E2", "k1", "2026-10-05", 50.0, None),
            ("t2", "E1", "k2", "2026-10-10 09:00", 30.0, None), ("t1", "E2", "k2", "2026-10-10 09:00", 70.0, None),
            ("c1", "E1", "k3", "2026-09-15", 40.0, None), ("c2", "E2", "k3", "2026-10-20", 60.0, None),
            ("r1", "E2", "k4", "2026-10-25", 80.0, "k1")]
    return _table("order_id employee_id customer_id order_date amount referred_by", rows, ("order_date",))


@pytest.mark.parametrize("method", ["packed", "exact"])
def test_first_orders_of_customers_served_by_several_people(employees, method, monkeypatch):
    from salesperf_kit.kpis import _facts

    if method == "exact":  # the slow path taken when the packing does not fit
        monkeypatch.setattr(_facts, "_first_orders", lambda ctx: False)
    res = compute_kpis({"employees": employees, "orders": _shared_customers()}, "2026-10",
                       kpis=["new_customers", "new_customer_growth", "ltv", "returning_share"])
    assert_kpi(res, "new_customers", {"E1": 0.0, "E2": 2.0})  # k2 (t1 comes first) and k4
    assert_kpi(res, "new_customer_growth", {"E1": -1.0,  # 0 / 1 (k3 in September) - 1
                                            "E2": NAN})  # none in September
    # E1 acquired k1 (100 + 50) and k3 (40 + 60): 250 / 2; E2 k2 (70 + 30) and k4 (80): 180 / 2
    assert_kpi(res, "ltv", {"E1": 125.0, "E2": 90.0})
    # E2's October buyers k1, k2, k3, k4, of whom k1 and k3 had bought before; E1's k2 had not
    assert_kpi(res, "returning_share", {"E1": 0.0, "E2": 0.5})
    first = res.first_orders()
    assert first[["customer_id", "employee_id"]].values.tolist() == [["k2", "E2"], ["k4", "E2"]]
    assert_kpi(compute_kpis({"employees": employees, "orders": _shared_customers()}, "2026-10",
                            kpis=["referrals"]), "referrals", {"E1": 0.0, "E2": 1.0})


# ----------------------------------------------------------------------------- edge fixtures
def test_empty_tables(employees):
    data = {name: _empty(name) for name in TABLES if name not in ("employees", "kpi_sheet")}
    res = compute_kpis({"employees": employees, **data}, "2026-10", kpis=ALL)
    assert not res.notices and len(res.wide) == 4
    for kpi in ALL:
        want = 0.0 if kpi in SUMS else NAN
        assert_kpi(res, kpi, dict.fromkeys(EMPLOYEE_IDS, want))


def test_one_order(employees):
    orders = shop_orders().iloc[[4]].reset_index(drop=True)  # o1: E1, c1, 300, cost 180, 3 units, paid 300
    res = compute_kpis({"employees": employees, "orders": orders}, "2026-10",
                       kpis=["revenue", "orders", "units", "aov", "margin", "new_customers", "repurchase_rate",
                             "returning_share", "retention_30d", "ltv", "growth", "collection_rate",
                             "received_revenue", "processing_hours", "team_revenue", "big_customer_share"])
    assert_kpi(res, "revenue", {"E1": 300.0, "E2": 0.0})
    assert_kpi(res, "orders", {"E1": 1.0, "E2": 0.0})
    assert_kpi(res, "units", {"E1": 3.0})
    assert_kpi(res, "aov", {"E1": 300.0, "E2": NAN})
    assert_kpi(res, "margin", {"E1": 0.4})  # (300 - 180) / 300
    assert_kpi(res, "new_customers", {"E1": 1.0})  # the only order ever
    assert_kpi(res, "repurchase_rate", {"E1": 0.0})
    assert_kpi(res, "returning_share", {"E1": 0.0})
    assert_kpi(res, "retention_30d", {"E1": 0.0})
    assert_kpi(res, "ltv", {"E1": 300.0})
    assert_kpi(res, "growth", {"E1": NAN})  # nothing in September
    assert_kpi(res, "collection_rate", {"E1": 1.0})
    assert_kpi(res, "received_revenue", {"E1": 300.0})
    assert_kpi(res, "processing_hours", {"E1": 12.0})  # 08:00 -> 20:00
    assert_kpi(res, "team_revenue", {"E1": 300.0, "E2": 0.0})
    assert_kpi(res, "big_customer_share", {"E1": 1.0})


def test_zero_denominators_give_nan_never_inf(employees):
    orders = _table("order_id employee_id customer_id order_date amount cost", [
        ("a", "E1", "c1", "2026-09-05", 0.0, 0.0),     # September revenue 0
        ("b", "E1", "c1", "2026-10-05", 0.0, 0.0),     # a free order in October
        ("c", "E2", "c2", "2026-10-06", 50.0, 0.0),
    ], ("order_date",))
    calls = _table("call_id employee_id started_at duration_s connected", [
        ("k", "E1", "2026-10-05", 0.0, False)], ("started_at",))
    res = compute_kpis({"employees": employees, "orders": orders, "calls": calls}, "2026-10",
                       kpis=["aov", "margin", "growth", "connect_rate", "avg_talk_seconds", "new_customer_growth"])
    assert_kpi(res, "aov", {"E1": 0.0,   # 0 / 1
                            "E2": 50.0})
    assert_kpi(res, "margin", {"E1": NAN,  # 0 / 0
                               "E2": 1.0})
    assert_kpi(res, "growth", {"E1": NAN,  # 0 / 0 - 1
                               "E2": NAN})  # 50 / 0 - 1
    assert_kpi(res, "connect_rate", {"E1": 0.0, "E2": NAN})
    assert_kpi(res, "avg_talk_seconds", {"E1": NAN})
    assert_kpi(res, "new_customer_growth", {"E2": NAN})  # 1 / 0 - 1
    assert np.isfinite(res.long["value"].dropna()).all()
    assert np.isfinite(res.rollup("company")[res.kpis].astype(float).stack().dropna()).all()


# ----------------------------------------------------------------------------- refunds and cancellations
def test_refund_handling_exclude(shop):
    res = compute_kpis(shop, "2026-10", kpis=["revenue", "orders", "new_customers", "processing_hours"],
                       options={"refund_handling": "exclude"})
    assert_kpi(res, "revenue", {"E3": 120.0})  # o8 only: o6 and o7 are refunded
    assert_kpi(res, "orders", {"E3": 1.0})
    assert_kpi(res, "new_customers", {"E3": 1.0})  # c9
    assert_kpi(res, "processing_hours", {"E3": 10.0})


def test_refund_handling_clawback(shop):
    res = compute_kpis(shop, "2026-10", kpis=["revenue", "orders", "new_customers", "processing_hours",
                                              "received_revenue", "refund_rate"],
                       options={"refund_handling": "clawback"})
    # o6 was refunded on 20 Oct, inside October: left out. o7 was refunded on 10 Nov, after
    # October closed: it counts in October.
    assert_kpi(res, "revenue", {"E1": 600.0, "E3": 370.0})  # 250 (o7) + 120 (o8)
    assert_kpi(res, "orders", {"E3": 2.0})
    assert_kpi(res, "new_customers", {"E3": 2.0})  # c8 and c9
    assert_kpi(res, "processing_hours", {"E3": 17.0})  # median of 24 (o7) and 10 (o8)
    assert_kpi(res, "received_revenue", {"E3": 370.0})  # 250 (o7, paid 28 Oct) + 120 (o8)
    # of the 3 orders placed in October, o6 was refunded by its close (20 Oct); o7's refund of
    # 10 November changes no closed October
    assert_kpi(res, "refund_rate", {"E3": 1 / 3})
    # under exclude, the refunds of the period's orders as known today (o6 and o7)
    excl = compute_kpis(shop, "2026-10", kpis=["refund_rate"], options={"refund_handling": "exclude"})
    assert_kpi(excl, "refund_rate", {"E3": 2 / 3})
    # a refund without a date counts as refunded, under clawback too (o6 and o7 undated: 2 of 3)
    undated = shop_orders()
    undated.loc[undated["order_id"].isin(["o6", "o7"]), "refunded_at"] = pd.NaT
    res = compute_kpis({**shop, "orders": undated}, "2026-10", kpis=["refund_rate"],
                       options={"refund_handling": "clawback"})
    assert_kpi(res, "refund_rate", {"E3": 2 / 3})


def test_clawback_says_when_refunded_orders_have_no_refund_date(shop):
    """A German client's returns (status Retoure) had no refund date: under clawback they
    counted in no period, as under exclude, with nothing said. Here o7 (refunded after
    October closed, 250) loses its date: October's revenue drops to E3's o8, and a notice
    counts the undated refund; with the date, or under exclude, nothing is said."""
    orders = shop["orders"].copy()
    orders.loc[orders["order_id"] == "o7", "refunded_at"] = pd.NaT
    res = compute_kpis(dict(shop, orders=orders), "2026-10", kpis=["revenue"], options={"refund_handling": "clawback"})
    assert_kpi(res, "revenue", {"E3": 120.0})  # o8 only
    [n] = [n for n in res.notices if "refund date" in n]
    assert n.startswith("1 refunded order(s) of 2026-10 have no refund date: under refund_handling: clawback")
    assert n.zh.startswith("2026-10 有 1 笔已退款订单没有退款日期")
    for orders_, mode in ((shop["orders"], "clawback"), (orders, "exclude")):
        res = compute_kpis(dict(shop, orders=orders_), "2026-10", kpis=["revenue"], options={"refund_handling": mode})
        assert not [n for n in res.notices if "refund date" in n]


def test_an_order_without_status_counts_in_both_modes(shop):
    orders = shop["orders"].copy()
    orders.loc[orders["order_id"] == "o1", "status"] = None
    for mode in ("exclude", "clawback"):
        res = compute_kpis(dict(shop, orders=orders), "2026-10", kpis=["revenue", "orders"],
                           options={"refund_handling": mode})
        assert_kpi(res, "revenue", {"E1": 600.0})  # o1 (no status) still counts: 300 + 100 + 200
        assert_kpi(res, "orders", {"E1": 3.0})


def test_clawback_lands_in_the_later_period(shop):
    res = compute_kpis(shop, "2026-11", kpis=["revenue", "growth"], options={"refund_handling": "clawback"})
    # o7 (E3, ordered 28 Oct, 250) is refunded on 10 Nov: clawed back in November
    amount, orders = res.fact("clawback_amount"), res.fact("clawback_orders")
    assert amount["E3"] == 250.0 and orders["E3"] == 1.0
    assert amount[["E1", "E2", "E4"]].eq(0.0).all()
    # November's own revenue: n1 60 (E3), n3 100 (E2); October as seen from November keeps
    # o7 (it was valid when October closed): E3 250 + 120 = 370
    assert_kpi(res, "revenue", {"E1": 0.0, "E2": 100.0, "E3": 60.0})
    assert_kpi(res, "growth", {"E3": 60 / 370 - 1, "E2": 100 / 400 - 1})
    # o6 was ordered and refunded inside October: nothing to claw back in October
    october = compute_kpis(shop, "2026-10", kpis=["revenue"], options={"refund_handling": "clawback"})
    assert october.fact("clawback_amount").eq(0.0).all()


def test_clawback_takes_back_what_the_revenue_basis_counted(shop):
    """With revenue_basis: received, the money counted is the money paid: a refund claws back
    what was paid before the period, and nothing for an order paid after it was refunded."""
    orders = shop["orders"].copy()
    o7 = orders["order_id"] == "o7"  # E3, ordered 28 Oct (250), refunded 10 Nov
    ordered = compute_kpis(dict(shop, orders=orders.assign(paid_amount=orders["paid_amount"].mask(o7, 100.0))),
                           "2026-11", kpis=["revenue"], options={"refund_handling": "clawback"})
    assert ordered.fact("clawback_amount")["E3"] == 250.0  # the order's amount: October counted 250
    received = {"refund_handling": "clawback", "revenue_basis": "received"}
    part = compute_kpis(dict(shop, orders=orders.assign(paid_amount=orders["paid_amount"].mask(o7, 100.0))),
                        "2026-11", kpis=["revenue"], options=received)
    assert part.fact("clawback_amount")["E3"] == 100.0  # 100 paid on 28 Oct, counted in October
    late = orders.assign(paid_date=orders["paid_date"].mask(o7, pd.Timestamp("2026-11-12")))
    res = compute_kpis(dict(shop, orders=late), "2026-11", kpis=["revenue"], options=received)
    assert res.fact("clawback_amount")["E3"] == 0.0  # paid after the refund: no period counted it
    assert_kpi(res, "revenue", {"E3": 60.0})  # n1 only: o7's November payment was refunded before November closed


def test_under_clawback_growth_compares_with_the_new_customers_last_period_reported(shop):
    """c10's first order (E2, 28 Sep) is refunded on 3 Oct; c10 buys again on 6 Oct.
    September reported E2's new customers c3 and c10; October's growth divides by those 2."""
    extra = _table(ORDER_COLUMNS, [
        ("x1", "E2", "c10", "2026-09-28", 70, 40, 1, "refunded", 70, "2026-09-28", None, "B", "West", None, "2026-10-03"),
        ("x2", "E2", "c10", "2026-10-06", 90, 50, 1, "completed", 90, "2026-10-06", None, "B", "West", None, None),
    ], ORDER_DATES)
    orders = pd.concat([shop["orders"], extra], ignore_index=True)
    options = {"refund_handling": "clawback"}
    september = compute_kpis(dict(shop, orders=orders), "2026-09", kpis=["new_customers"], options=options)
    assert_kpi(september, "new_customers", {"E2": 2.0})  # c3, c10
    october = compute_kpis(dict(shop, orders=orders), "2026-10", kpis=["new_customer_growth"], options=options)
    assert october.fact("new_customers_prev")["E2"] == 2.0
    assert_kpi(october, "new_customer_growth", {"E2": 1 / 2 - 1})  # c10 again (its first valid order now) / 2


def test_an_order_without_a_customer_makes_no_buyer(shop):
    orders = shop["orders"].copy()
    orders.loc[orders["order_id"] == "o3", "customer_id"] = None  # E1's order for c5
    res = compute_kpis(dict(shop, orders=orders), "2026-10", kpis=["revenue_per_buyer", "repurchase_rate"])
    assert_kpi(res, "revenue_per_buyer", {"E1": 600.0})  # 600 / 1 buyer (c1), not / 2
    assert_kpi(res, "repurchase_rate", {"E1": 1.0})  # c1 bought twice: 1 / 1


def test_inquiry_conversion_counts_the_orders_of_the_inquiry_channels(shop):
    orders = shop["orders"].assign(channel=None)
    orders.loc[orders["order_id"].isin(["o1", "o3"]), "channel"] = "咨询"
    orders.loc[orders["order_id"] == "o2", "channel"] = "直播"
    data = dict(shop, orders=orders)
    res = compute_kpis(data, "2026-10", kpis=["inquiry_conversion"], options={"inquiry_channels": ["咨询"]})
    assert_kpi(res, "inquiry_conversion", {"E1": 2 / 15})  # o1, o3 / (10 + 5) inquiries
    assert_kpi(compute_kpis(data, "2026-10", kpis=["inquiry_conversion"]), "inquiry_conversion", {"E1": 3 / 15})
    res = compute_kpis(shop, "2026-10", kpis=["inquiry_conversion"], options={"inquiry_channels": ["咨询"]})
    assert "inquiry_conversion" not in res.kpis
    assert "column(s) channel of 'orders' (kpi_options.inquiry_channels)" in " ".join(map(str, res.notices))


def _deals(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Orders (employee, order_date, status) of a CRM pipeline's closed deals: Won mapped to
    completed, Lost to cancelled."""
    return _table("order_id employee_id customer_id order_date amount status",
                  [(f"d{i}", e, f"a{i}", day, 1000.0, status) for i, (e, day, status) in enumerate(rows)],
                  ("order_date",))


DEALS = [("E1", "2026-10-03", "completed"), ("E1", "2026-10-09", "completed"), ("E1", "2026-10-21", "completed"),
         ("E1", "2026-10-30", "cancelled"),
         ("E1", "2026-09-12", "cancelled"),   # lost in September: not October's
         ("E2", "2026-10-05", "cancelled"), ("E2", "2026-10-25", "cancelled"),
         ("E3", "2026-10-02", "completed"), ("E3", "2026-10-14", "refunded"), ("E3", "2026-10-28", "cancelled"),
         ("E4", "2026-11-02", "completed")]   # won in November: E4 closed nothing in October


def test_win_rate_is_won_over_won_and_lost_deals_of_the_period(employees):
    """A consultant's Maven CRM export: October's Lost deals were in no figure. The win rate
    counts them: deals won / deals closed (won or lost) in the period."""
    res = compute_kpis({"employees": employees, "orders": _deals(DEALS)}, "2026-10", kpis=["win_rate", "orders"])
    assert_kpi(res, "win_rate", {"E1": 0.75,   # 3 won / (3 won + 1 lost); September's lost deal is not October's
                                 "E2": 0.0,    # 0 / 2: lost everything
                                 "E3": 2 / 3,  # completed and refunded (sold) / 3
                                 "E4": NAN})   # nothing closed in October: 0 / 0
    parts = res.long[res.long["kpi"] == "win_rate"].set_index("employee_id")
    assert parts["numerator"].to_dict() == {"E1": 3.0, "E2": 0.0, "E3": 2.0, "E4": 0.0}
    assert parts["denominator"].to_dict() == {"E1": 4.0, "E2": 2.0, "E3": 3.0, "E4": 0.0}
    assert_kpi(res, "orders", {"E1": 3.0, "E2": 0.0, "E3": 1.0})  # orders count the kept sales: not the refunded one
    # refund handling decides when a refund is taken off revenue, not whether the deal was won
    claw = compute_kpis({"employees": employees, "orders": _deals(DEALS)}, "2026-10", kpis=["win_rate"],
                        options={"refund_handling": "clawback"})
    pd.testing.assert_frame_equal(claw.wide, res.wide[claw.wide.columns])


def test_win_rate_rolls_up_from_summed_won_and_closed_deals(employees):
    res = compute_kpis({"employees": employees, "orders": _deals(DEALS)}, "2026-10", kpis=["win_rate"])
    team = res.rollup("team").set_index("team")["win_rate"]
    # North: E1 3/4 and E2 0/2 -> (3 + 0) / (4 + 2) = 0.5, not the mean of the rates (0.375)
    assert team["North"] == pytest.approx(0.5)
    # South: E3 2/3 and E4 0/0 -> 2 / 3 (E4's NaN is no 0 in a mean)
    assert team["South"] == pytest.approx(2 / 3)
    # company: (3 + 0 + 2 + 0) / (4 + 2 + 3 + 0) = 5/9, not the mean 0.47
    assert res.rollup("company")["win_rate"].iloc[0] == pytest.approx(5 / 9)
    # E1's subtree is everyone; E2's is E2 and E3: (0 + 2) / (2 + 3)
    manager = res.rollup("manager").set_index("manager")["win_rate"]
    assert manager["E1"] == pytest.approx(5 / 9) and manager["E2"] == pytest.approx(2 / 5)


def test_win_rate_needs_the_order_status(employees):
    orders = _deals(DEALS).drop(columns="status")
    res = compute_kpis({"employees": employees, "orders": orders}, "2026-10", kpis=["win_rate", "revenue"])
    assert res.kpis == ["revenue"] and res.left_out["win_rate"] == "column(s) status of 'orders'"
    assert "win_rate left out: it needs column(s) status of 'orders'" in res.notices[0]
    assert res.notices[0].zh.startswith("未计算「赢单率」：数据中缺少「订单」表的")
    with pytest.raises(KPIError, match="win_rate needs column.*status"):  # asked for in the plan's kpis:
        compute_kpis({"employees": employees, "orders": orders}, "2026-10", kpis=["revenue"], required=["win_rate"])


# ----------------------------------------------------------------------------- customers across periods
def test_customers_across_a_quarter(shop):
    res = compute_kpis(shop, "2026-Q4", kpis=["revenue", "growth", "new_customers", "repurchase_rate",
                                              "returning_share", "retention_rate", "retention_30d",
                                              "retention_90d", "ltv", "new_customer_growth"])
    # Q4 valid orders: E1 o1 300, o2 100, o3 200, n2 90; E2 o4 400, n3 100; E3 o8 120, n1 60
    assert_kpi(res, "revenue", {"E1": 690.0, "E2": 500.0, "E3": 180.0, "E4": 0.0})
    # Q3: E1 s1 80 + s2 100 = 180; E2 s3 250
    assert_kpi(res, "growth", {"E1": 690 / 180 - 1, "E2": 500 / 250 - 1, "E3": NAN})
    assert_kpi(res, "new_customers", {"E1": 1.0, "E2": 0.0, "E3": 1.0})  # c5; c9
    # Q3 new: c1 (Aug), c2 (E1); c3 (E2)
    assert_kpi(res, "new_customer_growth", {"E1": 1 / 2 - 1, "E2": 0 / 1 - 1, "E3": NAN})
    # every Q4 buyer ordered twice: c1 (o1, o2), c5 (o3, n2); c3 (o4, n3); c9 (o8, n1)
    assert_kpi(res, "repurchase_rate", {"E1": 1.0, "E2": 1.0, "E3": 1.0})
    assert_kpi(res, "returning_share", {"E1": 0.5,  # c1 bought before Q4, c5 did not
                                        "E2": 1.0, "E3": 0.0})
    # Q3 buyers: E1 c1, c2 -> c1 came back; E2 c3 came back
    assert_kpi(res, "retention_rate", {"E1": 0.5, "E2": 1.0, "E3": NAN})
    assert_kpi(res, "retention_30d", {"E1": 0.0, "E3": 1.0})
    assert_kpi(res, "retention_90d", {"E1": 1.0, "E3": 1.0})
    # to the end of Q4: c1 480 + c2 100 + c5 (200 + 90) = 870 over 3; c3 250 + 400 + 100; c9 120 + 60
    assert_kpi(res, "ltv", {"E1": 290.0, "E2": 750.0, "E3": 180.0})


def test_customers_over_a_year(shop):
    res = compute_kpis(shop, "2026", kpis=["revenue", "new_customers", "repurchase_rate", "growth", "orders"])
    # E1: 80 + 100 + 300 + 100 + 200 + 90; E2: 250 + 400 + 100; E3: 120 + 60
    assert_kpi(res, "revenue", {"E1": 870.0, "E2": 750.0, "E3": 180.0, "E4": 0.0})
    assert_kpi(res, "orders", {"E1": 6.0, "E2": 3.0, "E3": 2.0})
    assert_kpi(res, "new_customers", {"E1": 3.0,  # c1, c2, c5
                                      "E2": 1.0,  # c3
                                      "E3": 1.0})  # c9
    # E1: c1 (3 orders), c5 (2) repeat, c2 (1) not: 2 / 3
    assert_kpi(res, "repurchase_rate", {"E1": 2 / 3, "E2": 1.0, "E3": 1.0})
    assert_kpi(res, "growth", {"E1": NAN})  # nothing in 2025
    assert (res.wide["period"] == "2026").all()


# ----------------------------------------------------------------------------- hierarchy
def test_team_revenue_and_rollup_by_manager(shop):
    res = compute_kpis(shop, "2026-10", kpis=["team_revenue", "revenue", "aov", "per_capita_output"])
    assert_kpi(res, "team_revenue", OCTOBER["team_revenue"])
    up = res.rollup(by="manager")
    # each manager's whole subtree: E1 {E1, E2, E3, E4}, E2 {E2, E3}, E3 {E3}, E4 {E4}
    assert_row(up, "manager", "E1", {"revenue": 1120.0, "team_revenue": 1120.0, "headcount": 4,
                                     "aov": 1120 / 5,  # (600 + 400 + 120) / (3 + 1 + 1) orders
                                     "per_capita_output": 280.0})  # 1120 / 4
    assert_row(up, "manager", "E2", {"revenue": 520.0, "team_revenue": 520.0, "headcount": 2,
                                     "aov": 260.0,  # (400 + 120) / 2
                                     "per_capita_output": 260.0})
    assert_row(up, "manager", "E3", {"revenue": 120.0, "team_revenue": 120.0, "headcount": 1})
    assert_row(up, "manager", "E4", {"revenue": 0.0, "team_revenue": 0.0, "per_capita_output": 0.0})
    # a team figure: each person carries their team's, and the team's is its own revenue per
    # head: North (600 + 400) / 2, South (120 + 0) / 2; the company 1,120 / 4
    teams = res.rollup("team")
    assert_row(teams, "team", "North", {"per_capita_output": 500.0, "headcount": 2})
    assert_row(teams, "team", "South", {"per_capita_output": 60.0, "headcount": 2})
    assert_row(res.rollup("company"), "company", "company", {"per_capita_output": 280.0})
    assert_kpi(res, "per_capita_output", {"E1": 500.0, "E2": 500.0, "E3": 60.0, "E4": 60.0})


def test_team_revenue_rolled_up_is_not_double_counted(shop):
    res = compute_kpis(shop, "2026-10", kpis=["team_revenue", "revenue"])
    # the company's team revenue is its revenue: 600 + 400 + 120 = 1120, not the sum of the
    # people's team revenues (1120 + 520 + 120 + 0 = 1760), which counts E3 three times
    assert_row(res.rollup("company"), "company", "company", {"team_revenue": 1120.0, "revenue": 1120.0})
    # North {E1, E2} and everyone below them: E1, E2, E3, E4 -> 1120; South {E3, E4}: 120
    up = res.rollup("team")
    assert_row(up, "team", "North", {"team_revenue": 1120.0, "revenue": 1000.0})
    assert_row(up, "team", "South", {"team_revenue": 120.0, "revenue": 120.0})


# ----------------------------------------------------------------------------- options
def test_revenue_basis_received(shop):
    res = compute_kpis(shop, "2026-10", kpis=["revenue", "growth", "aov", "team_revenue", "roas", "target_attainment"],
                       options={"revenue_basis": "received"})
    # money received in October (see received_revenue above)
    assert_kpi(res, "revenue", {"E1": 360.0, "E2": 250.0, "E3": 120.0, "E4": 0.0})
    # September received: E1 s2 100 (paid 10 Sep); E2 nothing (s3 was paid in October)
    assert_kpi(res, "growth", {"E1": 2.6,  # 360 / 100 - 1
                               "E2": NAN})
    assert_kpi(res, "aov", {"E1": 200.0})  # aov stays on ordered revenue: 600 / 3
    assert_kpi(res, "team_revenue", {"E1": 730.0,  # 360 + 250 + 120
                                     "E2": 370.0})
    assert_kpi(res, "roas", {"E1": 1.8})  # 360 / 200
    # no received_revenue target: the revenue targets are used
    assert_kpi(res, "target_attainment", {"E1": 0.45,  # 360 / 800
                                          "E2": 0.5})  # 250 / 500


def test_money_made_from_revenue_is_left_out_when_the_basis_is_received_and_nothing_was_paid(employees):
    """Under revenue_basis: received, orders without paid_amount and paid_date give no
    revenue; the team and mentee revenue made from it are left out with revenue (not 0 for
    every manager), and each says what it needs."""
    orders = shop_orders().drop(columns=["paid_amount", "paid_date"])
    wanted = ["revenue", "team_revenue", "mentoring", "orders"]
    res = compute_kpis(shop_dataset(employees, orders=orders), "2026-10", kpis=wanted,
                       options={"revenue_basis": "received"})
    assert res.kpis == ["orders"]
    text = " ".join(map(str, res.notices))
    for kpi in ("revenue", "team_revenue", "mentoring"):
        assert kpi in text
    assert "paid_amount" in text and "revenue_basis: received" in text
    with pytest.raises(KPIError, match="team_revenue"):
        compute_kpis(shop_dataset(employees, orders=orders), "2026-10", kpis=["team_revenue"],
                     options={"revenue_basis": "received"}, required=["team_revenue"])
    ordered = compute_kpis(shop_dataset(employees, orders=orders), "2026-10", kpis=["team_revenue"])
    assert ordered.kpis == ["team_revenue"]
    assert_kpi(ordered, "team_revenue", OCTOBER["team_revenue"])  # ordered amounts need no payments


def _daily(start: str, end: str, every: int = 1) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq=f"{every}D")


def _cut_data(employees, traffic_days) -> dict[str, pd.DataFrame]:
    days = _daily("2026-08-01", "2026-10-31")
    orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(len(days))], "employee_id": "E1",
                           "customer_id": [f"c{i}" for i in range(len(days))], "order_date": days, "amount": 10.0})
    traffic = pd.DataFrame({"date": traffic_days, "channel": "web", "employee_id": "E1", "sessions": 100.0,
                            "inquiries": 10.0})
    return {"employees": employees, "orders": orders, "traffic": traffic}


def test_a_table_that_stops_part_way_through_the_period_is_told(employees):
    """Leads exported up to the 15th beside orders of the whole month: the conversion counts
    half a month of leads, and a notice says so (a quiet spell of a sparse table, a table
    that misses only the last days, or one that stops with the others is not told)."""
    kpis = ["inquiry_conversion", "sessions", "revenue"]
    res = compute_kpis(_cut_data(employees, _daily("2026-08-01", "2026-10-15")), "2026-10", kpis=kpis)
    [note] = [n for n in res.notices if "rows of" in str(n)]
    assert str(note) == ("The traffic rows of 2026-10 end on 2026-10-15, while other tables go on to 2026-10-31: "
                         "inquiry_conversion, sessions count traffic up to 2026-10-15 only. Fix: export the traffic "
                         "rows of the whole of 2026-10, or read these KPIs as partial.")
    assert note.text("zh").startswith("流量数据在 2026-10 只到 2026-10-15，而其他表持续到 2026-10-31：")
    assert _values(res, "sessions")["E1"] == 1500.0  # (computed as before: 15 days of 100)
    late = compute_kpis(_cut_data(employees, _daily("2026-10-12", "2026-10-31")), "2026-10", kpis=kpis)
    assert [str(n)[:96] for n in late.notices if "rows of" in str(n)] == [
        "The traffic rows of 2026-10 start on 2026-10-12, while other tables start by 2026-10-01: inquiry"]
    quiet = [_daily("2026-08-01", "2026-10-15", every=5),  # a row every 5 days: too sparse to tell
             _daily("2026-08-01", "2026-10-27"),  # four days short
             _daily("2026-08-01", "2026-10-31")]
    for days in quiet:
        res = compute_kpis(_cut_data(employees, days), "2026-10", kpis=kpis)
        assert not [n for n in res.notices if "rows of" in str(n)], days[-1]
    both = _cut_data(employees, _daily("2026-08-01", "2026-10-15"))
    both["orders"] = both["orders"][both["orders"]["order_date"] <= "2026-10-15"]
    assert not [n for n in compute_kpis(both, "2026-10", kpis=kpis).notices if "rows of" in str(n)]


def test_effective_talk_threshold(shop):
    def minutes(seconds):
        res = compute_kpis(shop, "2026-10", kpis=["effective_talk_minutes"],
                           options={"effective_talk_seconds": seconds})
        return _values(res, "effective_talk_minutes")["E1"]

    # connected E1 calls: 30, 120, 60, 90, 45 s
    assert minutes(60) == 4.5  # (120 + 60 + 90) / 60
    assert minutes(100) == 2.0  # 120 / 60
    assert minutes(0) == 5.75  # 345 / 60
    assert minutes(121) == 0.0


def test_complaint_sources_and_basis(shop):
    def rate(**options):
        return compute_kpis(shop, "2026-10", kpis=["complaint_rate"], options=options)

    # E1: 1 complaint ticket (t2) and 1 complaint call (k5); 3 orders, 4 tickets
    # E2: 1 complaint ticket (t5); 1 order, 1 ticket.  E3: nothing; 1 order, 0 tickets
    assert_kpi(rate(complaint_sources=["service"]), "complaint_rate", {"E1": 1 / 3, "E2": 1.0, "E3": 0.0})
    assert_kpi(rate(complaint_sources=["calls"]), "complaint_rate", {"E1": 1 / 3, "E2": 0.0, "E3": 0.0})
    assert_kpi(rate(complaint_basis="tickets"), "complaint_rate",
               {"E1": 0.5,  # (1 + 1) / 4
                "E2": 1.0,  # 1 / 1
                "E3": NAN, "E4": NAN})
    assert_kpi(rate(complaint_sources=["service"], complaint_basis="tickets"), "complaint_rate",
               {"E1": 0.25, "E2": 1.0})


@pytest.mark.parametrize("business", ["online", "ecommerce"])
def test_the_shipped_plans_rate_service_staff_s_complaints_per_ticket(shop, business):
    """In the online and e-commerce plans only customer service (客服) weighs complaint_rate,
    which the catalogue defines for service staff as complaints / tickets; per order it ranked
    them on sales, which are not their job (the online demo's 曾建晓, 2026-Q3: 3 / 98 orders =
    3.06% instead of 3 / 265 tickets = 1.13%). With the plan's options, complaint tickets
    only: E1 1 complaint ticket (t2) / 4 tickets = 0.25, not 1 / 3 orders; E2 1 / 1 ticket."""
    from salesperf_kit.params import PARAMS_DIR, load_params

    plan = load_params(PARAMS_DIR / f"{business}.yaml")
    weighing = {role for role, spec in plan.scoring.roles.items() if spec.weights.get("complaint_rate")}
    assert weighing == {"customer_service"}
    got = compute_kpis(shop, "2026-10", kpis=["complaint_rate"], options=plan.engine_options)
    assert_kpi(got, "complaint_rate", {"E1": 0.25, "E2": 1.0})


def test_complaint_source_absent_is_reported(shop):
    data = dict(shop, service=None, calls=None)
    data = {k: v for k, v in data.items() if v is not None}
    res = compute_kpis(data, "2026-10", kpis=["complaint_rate", "revenue"])
    assert res.kpis == ["revenue"]
    assert "complaint" in res.notices[0] and "service.is_complaint" in res.notices[0]


def test_satisfied_min_and_big_customer_tiers(shop):
    res = compute_kpis(shop, "2026-10", kpis=["csat_share", "positive_review_rate", "big_customer_share"],
                       options={"satisfied_min": 3, "big_customer_tiers": ["A", "B"]})
    assert_kpi(res, "csat_share", {"E1": 1.0,  # 5, 3, 4 are all >= 3
                                   "E2": 0.0})  # 2
    assert_kpi(res, "positive_review_rate", {"E1": 2 / 3})  # customer ratings 4, 2, 5: two are >= 3
    assert_kpi(res, "big_customer_share", {"E1": 1.0, "E2": 1.0, "E3": 1.0})


# ----------------------------------------------------------------------------- 360 reviews
def test_reviewer_weights_option(shop):
    res = compute_kpis(shop, "2026-10", kpis=["sales_skill", "service_quality"],
                       options={"reviewer_weights": {"self": 0.0, "manager": 1.0, "peer": 0.0, "customer": 0.0}})
    assert_kpi(res, "sales_skill", {"E1": NAN,  # E1's October ratings have no manager rating
                                    "E2": 4.0})  # the manager's 4 alone
    assert_kpi(res, "service_quality", {"E1": NAN})


def test_reviews_inside_a_quarter(shop):
    res = compute_kpis(shop, "2026-Q4", kpis=["sales_skill", "collaboration_score"])
    # inside Q4: the October ratings and the 2026-Q4 manager rating (1); not September's
    # (0.1*5 + 0.2*3 + 0.2*3 + 0.5*1) / (0.1 + 0.2 + 0.2 + 0.5) = 2.2 / 1.0
    assert_kpi(res, "sales_skill", {"E1": 2.2, "E2": 2.2 / 0.6})
    assert_kpi(res, "collaboration_score", {"E1": 3.5})
    # a review of a quarter is not inside one of its months (October's sales_skill above
    # leaves out the 2026-Q4 rating); September has only its own manager rating
    sept = compute_kpis(shop, "2026-09", kpis=["sales_skill"])
    assert_kpi(sept, "sales_skill", {"E1": 1.0, "E2": NAN})  # 0.5*1 / 0.5


def test_no_review_in_the_period(shop):
    # the reviews table is there, but holds nothing for November
    res = compute_kpis(shop, "2026-11", kpis=["sales_skill", "service_quality", "positive_review_rate",
                                              "collaboration_score"])
    for kpi in res.kpis:
        assert_kpi(res, kpi, dict.fromkeys(EMPLOYEE_IDS, NAN))


# ----------------------------------------------------------------------------- medians
def test_medians_roll_up_from_pooled_rows(october_up):
    company = october_up["company"]
    # processing hours of every valid October order: 12, 24, 48 (E1), 6 (E2), 10 (E3)
    # -> median 12; the mean of the people's medians would be (24 + 6 + 10) / 3 = 13.33
    # resolution hours: 2, 6, 24 (E1), 1 (E2) -> (2 + 6) / 2 = 4; mean of medians 3.5
    assert_row(company, "company", "company", {"processing_hours": 12.0, "resolution_hours": 4.0})
    team = october_up["team"]
    # North: 12, 24, 48, 6 -> (12 + 24) / 2 = 18; South: 10 (E3), E4 has none
    assert_row(team, "team", "North", {"processing_hours": 18.0, "resolution_hours": 4.0})
    assert_row(team, "team", "South", {"processing_hours": 10.0, "resolution_hours": NAN})
    manager = october_up["manager"]
    assert_row(manager, "manager", "E2", {"processing_hours": 8.0})  # (6 + 10) / 2


# ----------------------------------------------------------------------------- periods and targets
def test_quarter_targets_are_summed_from_months(shop):
    res = compute_kpis(shop, "2026-Q3", kpis=["revenue", "target_attainment", "aov"])
    # Q3: E1 s1 80 + s2 100 = 180 over 2 orders; E2 s3 250 (s4 cancelled)
    assert_kpi(res, "revenue", {"E1": 180.0, "E2": 250.0, "E3": 0.0})
    assert_kpi(res, "aov", {"E1": 90.0, "E2": 250.0})
    assert_kpi(res, "target_attainment", {"E1": 0.3,   # 180 / (100 + 200 + 300)
                                          "E2": 0.25,  # 250 / 1000: the quarter's own row wins
                                          "E3": NAN})
    assert (res.wide["period"] == "2026-Q3").all()


def test_year_targets_are_summed_from_months(shop):
    res = compute_kpis(shop, "2026", kpis=["target_attainment"])
    # E1's 2026 revenue 870 / monthly targets (100 + 200 + 300 + 800)
    assert_kpi(res, "target_attainment", {"E1": 870 / 1400, "E3": NAN})


def test_team_target_is_used_for_the_team_rollup(october_up):
    team = october_up["team"]
    # North: (600 + 400) / the team's own target 1250, not the people's 800 + 500
    assert_row(team, "team", "North", {"target_attainment": 0.8})
    assert_row(team, "team", "South", {"target_attainment": NAN})  # no target at all


# ----------------------------------------------------------------------------- the KPI sheet
def kpi_sheet() -> pd.DataFrame:
    df = _table("employee_id period revenue orders", [
        ("E1", "2026-09", 1000, 10),
        ("E1", "2026-10", 1500, 12),
        ("E1", "2026-11", 500, 4),
        ("E2", "2026-10", 600, 0),
    ])
    return df.astype({"revenue": "float64", "orders": "float64"})


def test_kpi_sheet_month(employees):
    res = compute_kpis({"employees": employees, "kpi_sheet": kpi_sheet()}, "2026-10",
                       kpis=["revenue", "orders", "aov", "growth"])
    assert res.kpis == ["revenue", "orders", "aov", "growth"]
    # what the sheet gave and what the kit worked out from it
    assert res.notices == ["From the KPI sheet: revenue, orders as given; aov, growth from its figures."]
    assert res.notices[0].zh == "指标表：「销售额」「成交订单数」按表中数值；「客单价」「销售增长率」由表中数值计算。"
    assert_kpi(res, "revenue", {"E1": 1500.0, "E2": 600.0})
    assert_kpi(res, "orders", {"E1": 12.0, "E2": 0.0})
    assert_kpi(res, "aov", {"E1": 125.0,  # 1500 / 12
                            "E2": NAN})   # 600 / 0
    assert_kpi(res, "growth", {"E1": 0.5,  # 1500 / 1000 - 1
                               "E2": NAN})  # no September row
    assert len(res.wide) == 4


def test_kpi_sheet_quarter(employees):
    res = compute_kpis({"employees": employees, "kpi_sheet": kpi_sheet()}, "2026-Q4",
                       kpis=["revenue", "orders", "aov", "growth"])
    # Q4 = October + November rows: 1500 + 500 = 2000 over 12 + 4 = 16 orders; Q3 = 1000
    assert_kpi(res, "revenue", {"E1": 2000.0, "E2": 600.0})
    assert_kpi(res, "aov", {"E1": 125.0})
    assert_kpi(res, "growth", {"E1": 1.0})  # 2000 / 1000 - 1


def test_kpi_sheet_quarter_with_a_month_missing_says_so(employees):
    # Q4 from a sheet with October and November rows but none for December: E1's revenue
    # 2,000 is two months' worth, which a quarter's target would make look a shortfall
    res = compute_kpis({"employees": employees, "kpi_sheet": kpi_sheet()}, "2026-Q4", kpis=["revenue"])
    assert_kpi(res, "revenue", {"E1": 2000.0})
    [note] = [n for n in res.notices if "2026-12" in n]
    assert "no row for 2026-12" in note and "2026-10 and 2026-11 only" in note
    assert "2026-12" in note.zh
    full = pd.concat([kpi_sheet(), kpi_sheet().iloc[[2]].assign(period="2026-12")], ignore_index=True)
    assert not compute_kpis({"employees": employees, "kpi_sheet": full}, "2026-Q4", kpis=["revenue"]).notices


def test_kpi_sheet_blank_cell_is_no_value_in_the_month_and_in_the_quarter(employees):
    # E1's November revenue is blank: November has no revenue for E1, and neither has Q4
    # (October 1,500 + a blank is not 1,500: read as a quarter it would rank E1 on one month
    # of three). Orders, given in every month, still add up: 12 + 4 = 16.
    sheet = kpi_sheet()
    sheet.loc[2, "revenue"] = np.nan
    data = {"employees": employees, "kpi_sheet": sheet}
    q4 = compute_kpis(data, "2026-Q4", kpis=["revenue", "orders", "aov"])
    assert_kpi(q4, "revenue", {"E1": NAN, "E2": 600.0})
    assert_kpi(q4, "orders", {"E1": 16.0, "E2": 0.0})
    assert_kpi(q4, "aov", {"E1": NAN})
    [note] = [n for n in q4.notices if "blank" in n]
    assert "1 blank cell in 2026-Q4: revenue of Ann (E1) in 2026-11" in note
    assert "a sum over the months of 2026-Q4 with one of them blank has no value either" in note
    assert "Ann（E1）2026-11 的「销售额」" in note.zh
    nov = compute_kpis(data, "2026-11", kpis=["revenue", "orders"])
    assert_kpi(nov, "revenue", {"E1": NAN})
    [note] = [n for n in nov.notices if "blank" in n]
    assert "revenue of Ann (E1) in 2026-11. A blank is no value, not 0; team and company totals count the others " \
        "only, so they read low. Fix" in note
    # a blank in a column no KPI reads says nothing
    assert not [n for n in compute_kpis(data, "2026-Q4", kpis=["orders"]).notices if "blank" in n]


def test_kpi_sheet_quarter_does_not_add_up_monthly_rates(employees):
    # October connect rate 0.5 and csat 4.0, November 0.25 and 5.0: their sums (0.75, 9.0)
    # are no quarter's values, nor are their means without the calls and ratings behind them
    sheet = kpi_sheet().assign(connect_rate=[0.4, 0.5, 0.25, 0.6], csat=[4.5, 4.0, 5.0, 3.0])
    res = compute_kpis({"employees": employees, "kpi_sheet": sheet}, "2026-Q4",
                       kpis=["revenue", "connect_rate", "csat"])
    assert_kpi(res, "revenue", {"E1": 2000.0, "E2": 600.0})  # 1500 + 500: revenue adds up
    assert_kpi(res, "connect_rate", {"E1": NAN, "E2": NAN})
    assert_kpi(res, "csat", {"E1": NAN, "E2": NAN})
    text = " ".join(map(str, res.notices))
    assert "connect_rate, csat" in text and "2026-Q4" in text
    # a month is taken as given
    month = compute_kpis({"employees": employees, "kpi_sheet": sheet}, "2026-10", kpis=["connect_rate", "csat"])
    assert_kpi(month, "connect_rate", {"E1": 0.5, "E2": 0.6})
    assert not month.notices


def test_kpi_sheet_revenue_and_a_targets_table_give_target_attainment(employees):
    targets = _table("period employee_id kpi target", [("2026-10", "E1", "revenue", 1200.0),
                                                       ("2026-10", "E2", "revenue", 800.0)])
    res = compute_kpis({"employees": employees, "kpi_sheet": kpi_sheet(), "targets": targets}, "2026-10",
                       kpis=["revenue", "target_attainment"])
    assert res.kpis == ["revenue", "target_attainment"]
    assert res.notices == ["From the KPI sheet: revenue as given; target_attainment from its figures and "
                           "table 'targets'."]
    assert_kpi(res, "target_attainment", {"E1": 1.25,  # 1500 / 1200
                                          "E2": 0.75,  # 600 / 800
                                          "E3": NAN})  # no target
    assert_row(res.rollup("company"), "company", "company", {"target_attainment": 2100 / 2000})



def _ads_client(folder):
    """Three ad buyers in two teams: ad traffic per person and day (sessions, inquiries,
    spend) and a KPI sheet of the month's orders and revenue per person, as read from CSV."""
    from salesperf_kit.loaders import load_dataset

    pd.DataFrame({"工号": ["A1", "A2", "B1"], "姓名": ["Ann", "Bob", "Cai"], "团队": ["East", "East", "West"],
                  "岗位": ["ad_buyer"] * 3}).to_csv(folder / "employees.csv", index=False)
    pd.DataFrame({"date": ["2026-09-30", "2026-10-01", "2026-10-02", "2026-10-01", "2026-10-03"],
                  "channel": ["ads"] * 5, "employee_id": ["A1", "A1", "A1", "A2", "B1"],
                  "sessions": [999, 100, 100, 50, 80], "inquiries": [99, 10, 10, 5, 20],
                  "spend": [999.0, 50.0, 50.0, 40.0, 100.0]}).to_csv(folder / "traffic.csv", index=False)
    pd.DataFrame({"工号": ["A1", "A2", "B1"], "月份": ["2026-10"] * 3, "订单数": [8, 0, 4],
                  "销售额": [2000, 0, 1000]}).to_csv(folder / "指标表.csv", index=False)
    return load_dataset(folder)


def test_kpi_sheet_orders_and_a_traffic_table_give_the_conversion_kpis(tmp_path):
    # the sheet gives the numerators (orders, revenue), the traffic table the denominators
    # (October only: A1's September row does not count)
    res = compute_kpis(_ads_client(tmp_path), "2026-10",
                       kpis=["orders", "revenue", "aov", "conversion_rate", "inquiry_conversion", "roas", "roi", "cac"])
    assert res.kpis == ["orders", "revenue", "aov", "conversion_rate", "inquiry_conversion", "roas", "roi"]
    assert_kpi(res, "conversion_rate", {"A1": 0.04,    # 8 / (100 + 100)
                                        "A2": 0.0,     # 0 / 50
                                        "B1": 0.05})   # 4 / 80
    assert_kpi(res, "inquiry_conversion", {"A1": 0.4, "A2": 0.0, "B1": 0.2})  # 8 / 20, 0 / 5, 4 / 20
    assert_kpi(res, "roas", {"A1": 20.0, "A2": 0.0, "B1": 10.0})  # 2000 / 100, 0 / 40, 1000 / 100
    assert_kpi(res, "roi", {"A1": 19.0, "A2": -1.0, "B1": 9.0})  # (2000 - 100) / 100, (0 - 40) / 40, ...
    assert_kpi(res, "aov", {"A1": 250.0, "A2": NAN, "B1": 250.0})
    # roll-ups sum numerators and denominators: East 8 / 250 = 0.032, not the mean 0.02
    east = res.rollup("team").set_index("team").loc["East"]
    assert east["conversion_rate"] == pytest.approx(0.032)
    assert east["inquiry_conversion"] == pytest.approx(8 / 25)
    assert east["roas"] == pytest.approx(2000 / 140)
    company = res.rollup("company").iloc[0]
    assert company["conversion_rate"] == pytest.approx(12 / 330)
    assert company["roas"] == pytest.approx(12.5)  # 3000 / 240
    # the notice says what comes from where, and why cac is left out
    text = " ".join(map(str, res.notices))
    assert "orders, revenue as given" in text
    assert "aov from its figures" in text
    assert "conversion_rate, inquiry_conversion, roas, roi from its figures and table 'traffic'" in text
    assert "cac left out" in text and "「页面转化率」" in " ".join(n.zh for n in res.notices)
    # when only the orders of some channels come from inquiries, the sheet's orders (of every
    # channel) are not those: inquiry_conversion is left out, saying why, not NaN for everyone
    res = compute_kpis(_ads_client(tmp_path), "2026-10", kpis=["inquiry_conversion"],
                       options={"inquiry_channels": ["咨询"]})
    assert res.kpis == []
    assert "column(s) channel of 'orders' (kpi_options.inquiry_channels)" in res.left_out["inquiry_conversion"]


def test_a_kpi_left_out_beside_a_kpi_sheet_names_the_sheet_column_that_would_give_it(tmp_path):
    """A sheet of orders without revenue: roas needs revenue, which the orders table or a
    销售额 column of the sheet would give; the reason named only the table."""
    data = _ads_client(tmp_path)
    data.tables["kpi_sheet"] = data.tables["kpi_sheet"].drop(columns=["revenue"])
    res = compute_kpis(data, "2026-10", kpis=["conversion_rate", "roas"])
    assert res.kpis == ["conversion_rate"]
    assert res.left_out["roas"].endswith(", or column(s) revenue in the KPI sheet")
    assert res.left_out["roas"].zh.endswith("，或指标表中的「销售额」列")


# ----------------------------------------------------------------------------- 2. roll-ups
RATIO_KPIS = [k for k in ALL if k not in ("aov_uplift", "processing_hours", "resolution_hours", "team_revenue",
                                          "growth", "new_customer_growth", "mentoring", "target_attainment")]


def test_rollup_is_sum_of_numerators_over_sum_of_denominators(october, october_up):
    long = october.long
    for by, groups in (("team", {"North": ["E1", "E2"], "South": ["E3", "E4"]}),
                       ("company", {"company": EMPLOYEE_IDS})):
        up = october_up[by].set_index(by)
        for grp, members in groups.items():
            part = long[long["employee_id"].isin(members)]
            for kpi in RATIO_KPIS:
                p = part[part["kpi"] == kpi]
                num, den = p["numerator"].sum(), p["denominator"].sum(min_count=1)
                want = num if np.isnan(den) else (num / den if den != 0 else NAN)
                assert _same(float(up.loc[grp, kpi]), want), (by, grp, kpi)


def test_rollup_is_not_the_mean_of_ratios(october_up):
    north = october_up["team"].set_index("team").loc["North"]
    # aov: E1 600 / 3 = 200, E2 400 / 1 = 400; mean of the ratios would be 300
    assert north["aov"] == 250.0  # (600 + 400) / (3 + 1)
    # margin: E1 0.45, E2 0.25 -> mean 0.35; pooled (270 + 100) / (600 + 400) = 0.37
    assert north["margin"] == pytest.approx(0.37)
    # growth: (600 + 400) / (100 + 250) - 1; aov_uplift: 250 / ((100 + 250) / 2) - 1
    assert north["growth"] == pytest.approx(1000 / 350 - 1)
    assert north["aov_uplift"] == pytest.approx(250 / 175 - 1)
    assert north["headcount"] == 2
    company = october_up["company"].iloc[0]
    assert company["revenue"] == 1120.0 and company["per_capita_output"] == 280.0  # 1120 / 4 heads


def test_a_rollup_is_counted_once_per_level_and_a_changed_copy_changes_nothing(employees, monkeypatch):
    """A report reads the company's figures in several sections: the buyers are counted again
    over the data once per level; each call gets its own frame (North's aov: 250, as above)."""
    october = compute_kpis(shop_dataset(employees), "2026-10", kpis=["aov", "repurchase_rate"])
    calls = []
    real = type(october)._group_facts_once
    monkeypatch.setattr(type(october), "_group_facts_once", lambda self, by: calls.append(by) or real(self, by))
    first = october.rollup("team")
    first.loc[first["team"] == "North", "aov"] = -1.0
    again = october.rollup("team").set_index("team")
    assert again.loc["North", "aov"] == 250.0 and october.rollup_facts("team").loc["North", "orders"] == 4
    october.rollup("company")
    assert calls == ["team", "company"]


def test_rollup_by_role(october_up):
    role = october_up["role"].set_index("role")
    # sales = E2, E3, E4: revenue 400 + 120 + 0; orders 1 + 1 + 0
    assert role.loc["sales", "revenue"] == 520.0
    assert role.loc["sales", "aov"] == 260.0
    assert role.loc["lead", "revenue"] == 600.0


# ----------------------------------------------------------------------------- 3. invariance
CURRENCY_COLUMNS = {"orders": ("amount", "cost", "paid_amount"), "traffic": ("spend",), "inventory": ("stock_value",)}


def _scaled(data: dict, factor: float) -> dict:
    out = dict(data)
    for table, cols in CURRENCY_COLUMNS.items():
        out[table] = data[table].assign(**{c: data[table][c] * factor for c in cols})
    t = data["targets"]
    money = t["kpi"].map(lambda k: CATALOGUE[k].unit == "currency")
    out["targets"] = t.assign(target=t["target"].where(~money, t["target"] * factor))
    return out


def test_currency_scaling(shop, october, october_up):
    scaled = compute_kpis(_scaled(shop, 7.3), "2026-10", kpis=ALL)
    pairs = [(october.wide.set_index("employee_id"), scaled.wide.set_index("employee_id")),
             (october_up["team"].set_index("team"), scaled.rollup("team").set_index("team"))]
    for a, b in pairs:
        for kpi in ALL:
            # currency KPIs scale with the currency; counts, ratios, hours and scores do not
            factor = 7.3 if CATALOGUE[kpi].unit == "currency" else 1.0
            want = a[kpi].astype(float) * factor
            np.testing.assert_allclose(b[kpi].astype(float), want, rtol=1e-9, err_msg=kpi)


def test_splitting_a_team_and_summing_equals_the_whole(shop, employees, october, october_up):
    split = dict(shop, employees=employees.assign(team=["North-a", "North-b", "South", "South"]))
    res = compute_kpis(split, "2026-10", kpis=ALL)
    # team_revenue is not additive by nature (a subordinate is in their manager's team
    # revenue too); medians are recomputed from pooled rows (tested above)
    additive = [k for k in ALL if REGISTRY[k].additive and k != "team_revenue"]
    # the two halves' facts, summed, give the whole team's KPIs; North's attainment uses the
    # team's own target (1250), the halves' the people's targets (800 + 500)
    halves = res.facts.loc[["E1", "E2"]].sum().to_frame("North").T
    whole = october_up["team"].set_index("team").loc["North"]
    for kpi in additive:
        value = REGISTRY[kpi](halves, **res.options)["value"].iloc[0]
        want = 1000 / 1300 if kpi == "target_attainment" else float(whole[kpi])
        assert _same(float(value), want), kpi
    # each half rolled up is its only member
    parts = res.rollup("team").set_index("team")
    for half, member in (("North-a", "E1"), ("North-b", "E2")):
        for kpi in additive:
            assert _same(float(parts.loc[half, kpi]), float(_values(october, kpi)[member])), (half, kpi)
    # the split does not change the company
    company = res.rollup("company")
    pd.testing.assert_frame_equal(company, october_up["company"])


# ----------------------------------------------------------------------------- 4. every KPI on every edge fixture
def _edge_fixtures(employees) -> dict[str, tuple[dict, str, dict]]:
    full = shop_dataset(employees)
    no_rows = {name: _empty(name) for name in TABLES if name not in ("employees", "kpi_sheet")}
    idle_only = employees.iloc[[3]].reset_index(drop=True)
    return {
        "employees only": ({"employees": employees}, "2026-10", {}),
        "empty tables": ({"employees": employees, **no_rows}, "2026-10", {}),
        "one order": ({"employees": employees, "orders": shop_orders().iloc[[4]]}, "2026-10", {}),
        "idle employee only": (shop_dataset(idle_only), "2026-10", {}),
        "full clawback": (full, "2026-11", {"refund_handling": "clawback"}),
        "full received": (full, "2026-10", {"revenue_basis": "received", "complaint_basis": "tickets"}),
        "full quarter": (full, "2026-Q3", {}),
        "full year": (full, "2026", {}),
        "no activity in period": (full, "2025-01", {}),
        "kpi sheet": ({"employees": employees, "kpi_sheet": kpi_sheet().assign(csat=[4.0, 5.0, 3.0, 2.0])},
                      "2026-10", {}),
    }


EDGE_NAMES = ["employees only", "empty tables", "one order", "idle employee only", "full clawback",
              "full received", "full quarter", "full year", "no activity in period", "kpi sheet"]


def _check_shape(res, employees: pd.DataFrame, period: str, rollups: dict[str, pd.DataFrame]) -> None:
    left_out = set(res.left_out)
    assert all(any(k in n for n in res.notices) for k in left_out)  # each named in a notice
    assert set(res.kpis) | left_out == set(ALL) and not set(res.kpis) & left_out
    assert list(res.wide.columns) == ["employee_id", "name", "team", "role", "period", *res.kpis]
    assert sorted(res.wide["employee_id"]) == sorted(employees["employee_id"])
    assert (res.wide["period"] == period).all()
    assert not np.isinf(res.wide[res.kpis].astype("float64").to_numpy()).any()
    assert not np.isinf(res.long[["value", "numerator", "denominator"]].astype("float64").to_numpy()).any()
    for by, up in rollups.items():
        assert list(up.columns) == [by, *res.kpis, "headcount"]
        if res.kpis:
            assert up["headcount"].sum() >= len(employees)
        assert not np.isinf(up[res.kpis].astype("float64").to_numpy()).any(), by


@pytest.mark.parametrize("name", EDGE_NAMES)
def test_every_kpi_on_every_edge_fixture(employees, name):
    data, period, options = _edge_fixtures(employees)[name]
    res = compute_kpis(data, period, kpis=ALL, options=options)
    _check_shape(res, data["employees"], period, {by: res.rollup(by) for by in ("team", "manager")})


def test_every_kpi_on_the_full_month(october, october_up, employees):
    _check_shape(october, employees, "2026-10", october_up)
    # the module-scoped October result is built on the same organisation as ``employees``
    cols = ["employee_id", "name", "team", "role"]
    pd.testing.assert_frame_equal(october.wide[cols], employees[cols], check_dtype=False)


def test_sheet_ratio_is_not_averaged_in_a_rollup(employees):
    sheet = kpi_sheet().assign(csat=[4.0, 5.0, 3.0, 2.0])
    res = compute_kpis({"employees": employees, "kpi_sheet": sheet}, "2026-10", kpis=["revenue", "aov", "csat"])
    assert_kpi(res, "csat", {"E1": 5.0, "E2": 2.0, "E3": NAN})  # as given
    north = res.rollup("team").set_index("team").loc["North"]
    assert north["revenue"] == 2100.0  # 1500 + 600
    assert north["aov"] == 175.0  # 2100 / (12 + 0)
    assert np.isnan(north["csat"])  # no counts to pool; the mean 3.5 would be wrong


# ----------------------------------------------------------------------------- 6. required vs default
def test_required_kpi_without_its_table_is_an_error(shop):
    data = {k: v for k, v in shop.items() if k != "calls"}
    with pytest.raises(KPIError, match="connect_rate needs table 'calls'"):
        compute_kpis(data, "2026-10", kpis=["revenue"], required=["connect_rate"])


def test_required_kpi_without_its_column_is_an_error(shop):
    data = dict(shop, orders=shop["orders"].drop(columns="quantity"))
    with pytest.raises(KPIError, match="units needs column.*quantity"):
        compute_kpis(data, "2026-10", kpis=["revenue"], required=["units"])


def test_default_set_leaves_out_kpis_without_their_table(shop):
    data = {k: v for k, v in shop.items() if k != "calls"}
    res = compute_kpis(data, "2026-10", business="telesales")
    assert "connect_rate" not in res.kpis and "connect_rate" not in res.wide
    assert "revenue" in res.kpis
    assert set(res.kpis) == set(DEFAULT_SETS["telesales"]) - set(res.left_out)
    # one notice per missing table: the KPIs it leaves out together
    calls_note = next(n for n in res.notices if "table 'calls'" in n)
    assert calls_note.startswith("calls, connect_rate, effective_talk_minutes") and "they need table 'calls'" in calls_note
    # and in Chinese, for reports in Chinese
    assert calls_note.zh.startswith("未计算「呼叫量」「接通率」「有效沟通时长」") and calls_note.zh.endswith("：数据中缺少「通话」表。")
    assert res.left_out["connect_rate"].text("zh") == "「通话」表"


def test_what_a_kpi_lacks_is_said_in_both_languages(shop):
    data = dict(shop, orders=shop["orders"].drop(columns=["cost", "paid_amount", "paid_date"]))
    res = compute_kpis(data, "2026-10", kpis=["margin", "received_revenue"])
    assert res.left_out["margin"] == "column(s) cost of 'orders'"
    assert res.left_out["margin"].zh == "「订单」表的「成本」（cost）列"
    assert res.left_out["received_revenue"].zh == "「订单」表的「回款金额」（paid_amount）、「回款日期」（paid_date）列"


def test_unknown_kpi_is_an_error(shop):
    with pytest.raises(KPIError, match="revenu"):
        compute_kpis(shop, "2026-10", kpis=["revenu"])


def test_intent_needs_a_connected_call_and_referrals_fall_back_to_activities():
    T = pd.Timestamp
    emp = pd.DataFrame({"employee_id": ["E1"], "name": ["甲"], "team": ["A"], "role": ["agent"]})
    calls = pd.DataFrame({
        "call_id": ["k1", "k2", "k3"], "employee_id": ["E1"] * 3,
        "started_at": [T("2026-10-01 09:00"), T("2026-10-02 09:00"), T("2026-10-03 09:00")],
        "duration_s": [100.0, 0.0, 80.0], "connected": [True, False, True],
        "customer_id": ["c1", "c2", "c3"], "outcome": ["intent", "intent", "none"]})
    acts = pd.DataFrame({"employee_id": ["E1", "E1"], "date": [T("2026-10-05"), T("2026-10-06")],
                         "activity": ["referral", "referral"], "count": [2.0, 1.0]})
    r = compute_kpis({"employees": emp, "calls": calls, "activities": acts}, "2026-10",
                     kpis=["intent_customers", "intent_rate", "referrals"])
    v = r.values().loc["E1"]
    assert v["intent_customers"] == 1.0  # c1 only: c2's "intent" was on an unconnected call
    assert v["intent_rate"] == 0.5  # 1 / connected customers c1, c3
    assert v["referrals"] == 3.0  # no orders.referred_by: referral activities 2 + 1


# ----------------------------------------------------------------------------- who worked in the period
def _dated(employees: pd.DataFrame, **dates) -> pd.DataFrame:
    """``employees`` with hire_date / leave_date set, e.g. E4=(None, "2026-09-30")."""
    emp = employees.copy()
    emp["hire_date"] = pd.NaT
    emp["leave_date"] = pd.NaT
    for e, (hire, leave) in dates.items():
        emp.loc[emp["employee_id"] == e, ["hire_date", "leave_date"]] = [pd.Timestamp(hire), pd.Timestamp(leave)]
    return emp


def test_people_who_did_not_work_in_the_period_are_left_out(employees):
    # E2 leaves mid-October (worked in it); E3 is "hired" in December but sold in October
    # (kept: its records must stay in the totals); E4 left in September and E5 joins in
    # November, neither with an October record: left out
    e5 = pd.DataFrame({"employee_id": ["E5"], "name": ["Eve"], "team": ["South"], "role": ["sales"],
                       "manager_id": ["E1"], "mentor_id": [None]})
    emp = _dated(pd.concat([employees, e5], ignore_index=True), E2=(None, "2026-10-15"), E3=("2026-12-01", None),
                 E4=(None, "2026-09-30"), E5=("2026-11-02", None))
    res = compute_kpis({"employees": emp, "orders": shop_orders()}, "2026-10", kpis=["revenue", "per_capita_output"])
    assert_kpi(res, "revenue", {"E1": 600.0, "E2": 400.0, "E3": 120.0})
    assert res.wide["employee_id"].tolist() == ["E1", "E2", "E3"]
    assert res.absent["employee_id"].tolist() == ["E4", "E5"]
    # 1,120 over the 3 people who worked in October (not 5)
    assert_row(res.rollup("company"), "company", "company", {"headcount": 3, "per_capita_output": 1120 / 3})
    assert [str(n).split(":")[0] for n in res.notices] == [
        "2 people did not work in 2026-10 (hired after 2026-10-31 or left before "
        "2026-10-01, by hire_date and leave_date) and had no records in it",
        "1 person has records in 2026-10 although the employees table says they did not work in it (hired after "
        "2026-10-31 or left before 2026-10-01)"]
    assert res.notices[0].zh.startswith("有 2 人在 2026-10 不在职")
    # the people kept are named, with the date that rules them out, so that they can be checked
    name = employees.set_index("employee_id").at["E3", "name"]
    assert str(res.notices[1]).split(": ", 1)[1] == (
        f"{name} (E3, hired 2026-12-01). Their KPIs count as usual, in team and company totals too. "
        "Fix: check their hire_date and leave_date.")
    assert res.notices[1].zh.endswith(f"：{name}（E3，2026-12-01 入职）。其指标照常计算，也计入团队和公司合计。请核对其入职日期和离职日期。")
    assert res.out_of_post["employee_id"].tolist() == ["E3"]
    # a quarter they worked part of keeps them: E5 works from November
    q4 = compute_kpis({"employees": emp, "orders": shop_orders()}, "2026-Q4", kpis=["revenue"])
    assert q4.wide["employee_id"].tolist() == ["E1", "E2", "E3", "E5"]


def test_a_manager_who_left_still_links_the_chain_above(employees):
    # E2 (E1 -> E2 -> E3) left in September; E3 still reports to E2 in the export
    emp = _dated(employees, E2=(None, "2026-09-30"))
    orders = shop_orders()
    orders = orders[~((orders["employee_id"] == "E2") & (orders["order_date"] >= "2026-10-01"))]
    res = compute_kpis({"employees": emp, "orders": orders}, "2026-10", kpis=["revenue", "team_revenue"])
    assert "E2" not in res.wide["employee_id"].tolist()
    assert_kpi(res, "team_revenue", {"E1": 720.0,  # E1 600 + E3 120 (through E2) + E4 0
                                     "E3": 120.0})
    up = res.rollup(by="manager")
    assert_row(up, "manager", "E1", {"revenue": 720.0, "headcount": 3})


def test_a_manager_id_that_names_nobody_makes_no_manager_group(employees):
    # E3 reports to "E9", who is not in the employees table (a typo the loaders report;
    # tables passed as DataFrames are not checked): E3 is their own group, no "E9" row
    emp = employees.assign(manager_id=employees["manager_id"].where(employees["employee_id"] != "E3", "E9"))
    res = compute_kpis({"employees": emp, "orders": shop_orders()}, "2026-10", kpis=["revenue", "team_revenue"])
    up = res.rollup(by="manager")
    assert sorted(up["manager"]) == ["E1", "E2", "E3", "E4"]
    assert_row(up, "manager", "E3", {"revenue": 120.0, "headcount": 1})
    assert_row(up, "manager", "E1", {"revenue": 1000.0, "team_revenue": 1000.0,  # E1 600 + E2 400 + E4 0
                                     "headcount": 3})
    assert_row(res.rollup("company"), "company", "company", {"revenue": 1120.0, "headcount": 4})


def test_a_customer_served_by_two_people_counts_once_in_their_group(employees):
    # c1 bought from E1 in September, then from E2 and E1 in October; c2 from E1 and E3
    # (North and South); c3 from E2. A team's buyers are its distinct customers.
    orders = _table("order_id employee_id customer_id order_date amount region", [
        ("s1", "E1", "c1", "2026-09-10", 100.0, "East"),
        ("o1", "E2", "c1", "2026-10-05", 50.0, "East"),
        ("o2", "E1", "c1", "2026-10-06", 70.0, "East"),
        ("o3", "E1", "c2", "2026-10-07", 30.0, "West"),
        ("o4", "E3", "c2", "2026-10-08", 40.0, "West"),
        ("o5", "E2", "c3", "2026-10-09", 20.0, "West"),
    ], dates=("order_date",))
    calls = _table("call_id employee_id customer_id started_at duration_s connected outcome", [
        ("k1", "E1", "c1", "2026-10-03", 90.0, True, "intent"),
        ("k2", "E2", "c1", "2026-10-04", 80.0, True, "intent"),
        ("k3", "E2", "c3", "2026-10-04", 70.0, True, "none"),
        ("k4", "E3", "c2", "2026-10-04", 0.0, False, None),
    ], dates=("started_at",))
    kpis = ["intent_customers", "intent_rate", "repurchase_rate", "returning_share", "retention_rate",
            "revenue_per_buyer", "new_customers", "new_markets"]
    res = compute_kpis({"employees": employees, "orders": orders, "calls": calls}, "2026-10", kpis=kpis)
    # per person, as before: E1 buyers {c1, c2}, E2 {c1, c3}, E3 {c2}
    assert res.facts["buyers"].to_dict() == {"E1": 2.0, "E2": 2.0, "E3": 1.0, "E4": 0.0}
    assert_kpi(res, "returning_share", {"E1": 0.5,  # c1 bought in September, c2 is new
                                        "E2": 0.5, "E3": 0.0, "E4": NAN})
    assert_kpi(res, "new_markets", {"E1": 1.0,  # West (East since September)
                                    "E2": 2.0, "E3": 1.0, "E4": 0.0})
    team = res.rollup("team")
    assert_row(team, "team", "North", {
        "intent_customers": 1.0,    # {c1}, not 1 + 1
        "intent_rate": 0.5,         # 1 / {c1, c3}
        "repurchase_rate": 1 / 3,   # c1 ordered twice from North (o1, o2) / {c1, c2, c3}
        "returning_share": 1 / 3,   # c1 / 3 buyers
        "retention_rate": 1.0,      # September's buyer c1 came back / 1
        "revenue_per_buyer": 170 / 3,  # (50 + 70 + 30 + 20) / 3
        "new_customers": 2.0,       # c2 (first from E1), c3 (E2): each has one first order
        "new_markets": 1.0,         # West; East is North's since September
        "headcount": 2})
    assert_row(team, "team", "South", {"repurchase_rate": 0.0, "returning_share": 0.0, "new_markets": 1.0})
    assert_row(res.rollup("company"), "company", "company", {
        "repurchase_rate": 2 / 3,   # c1 (o1, o2) and c2 (o3, o4) / {c1, c2, c3}
        "returning_share": 1 / 3, "intent_customers": 1.0, "new_markets": 1.0})
    assert_row(res.rollup("manager"), "manager", "E2", {  # E2 and E3
        "repurchase_rate": 0.0,     # c1 (o1), c2 (o4), c3 (o5): one order each
        "returning_share": 1 / 3, "new_markets": 2.0})  # East (o1) and West (o4, o5) in October
    facts = res.rollup_facts("team")
    assert facts.index.name == "team"
    assert facts.loc["North", ["buyers", "connected_customers", "orders"]].tolist() == [3.0, 2.0, 4.0]


def test_a_table_that_does_not_reach_the_period_gives_no_value_not_zero(employees):
    # ad data exported for October only: September has revenue but no sessions or CAC to show
    october_ads = shop_traffic()
    october_ads = october_ads[october_ads["date"] >= "2026-10-01"].reset_index(drop=True)
    data = {"employees": employees, "orders": shop_orders(), "traffic": october_ads}
    sep = compute_kpis(data, "2026-09", kpis=["revenue", "sessions", "cac"])
    assert_kpi(sep, "revenue", {"E1": 100.0, "E2": 250.0, "E3": 0.0, "E4": 0.0})  # s2, s3 (s4 cancelled)
    assert_kpi(sep, "sessions", {e: NAN for e in ("E1", "E2", "E3", "E4")})
    assert_kpi(sep, "cac", {e: NAN for e in ("E1", "E2", "E3", "E4")})
    company = sep.rollup("company").set_index("company")
    assert math.isnan(company.at["company", "sessions"]) and company.at["company", "revenue"] == 350.0
    assert [str(n) for n in sep.notices] == [
        "The traffic rows run from 2026-10-01 to 2026-10-02, outside 2026-09: sessions, cac have no value for "
        "2026-09 (not 0)."]
    assert sep.notices[0].zh == ("流量数据从 2026-10-01 到 2026-10-02，不含 2026-09：「网站流量」「客户获取成本」在 2026-09 "
                                 "没有数值（不是 0）。")
    # rows on both sides of a month without any: the month had none (0 sessions)
    around = pd.concat([october_ads, shop_traffic().tail(1).assign(date=pd.Timestamp("2026-08-15"))],
                       ignore_index=True)
    sep = compute_kpis({**data, "traffic": around}, "2026-09", kpis=["sessions"])
    assert_kpi(sep, "sessions", {e: 0.0 for e in ("E1", "E2", "E3", "E4")})
    assert not sep.notices


def test_rolling_up_by_manager_without_managers_says_how_to_add_them(employees):
    res = compute_kpis({"employees": employees.drop(columns=["manager_id"]), "orders": shop_orders()}, "2026-10",
                       kpis=["revenue"])
    with pytest.raises(KPIError, match=r"needs employees.manager_id. Fix: add a manager_id column to the "
                                       r"employees table, giving each person's manager's employee_id"):
        res.rollup("manager")


def test_notices_for_a_plan_count_the_kpis_it_does_not_use_in_one_line(shop):
    """A plan of a few KPIs read a dozen 'left out' lines about KPIs it does not weigh: those
    are counted in one notice, those it uses keep theirs; ``notices`` keeps them all."""
    orders_only = {"employees": shop["employees"], "orders": shop["orders"]}
    res = compute_kpis(orders_only, "2026-10", kpis=["revenue", "calls", "connect_rate", "csat", "sessions"])
    assert len(res.notices) == 3  # calls, service and traffic are missing: one notice each
    said = res.notices_for(["revenue", "csat"])
    assert [str(n) for n in said] == [
        "csat left out: it needs table 'service', which the data do not have.",
        "3 more KPIs that the plan does not weigh were left out for want of data (calls, connect_rate, sessions); "
        "`salesperf kpis` and the report's data-quality appendix say what each needs."]
    assert said[1].zh.startswith("另有 3 项本方案未使用的指标因数据不足未计算（呼叫量、接通率、")
    assert [str(n) for n in res.notices_for(["revenue", "calls", "connect_rate", "csat", "sessions"])] == \
        [str(n) for n in res.notices]


def test_a_retention_window_the_orders_do_not_cover_is_said(employees):
    """October's new customers are followed for 30 / 90 days, to 30 November / 29 January;
    the orders end on 20 December: the 90-day figure counts what came back by then only."""
    res = compute_kpis({"employees": employees, "orders": shop_orders()}, "2026-10",
                       kpis=["retention_30d", "retention_90d"])
    said = [n for n in res.notices if "-day windows" in str(n)]
    assert [str(n) for n in said] == [
        "90-day retention: the 90-day windows of the new customers of 2026-10 run to 2027-01-29, but the orders end "
        "on 2026-12-20: it counts their repeat orders up to then only, so it reads low and will rise once the later "
        "orders are in."]
    assert said[0].zh.startswith("「90日留存」：2026-10 新客户的 90 天观察期要到 2027-01-29 才结束，而订单数据只到 2026-12-20")
    # September's windows close on 30 October and 29 December: covered by 30 days, not by 90
    sep = compute_kpis({"employees": employees, "orders": shop_orders()}, "2026-09", kpis=["retention_30d"])
    assert not [n for n in sep.notices if "-day windows" in str(n)]


@pytest.mark.parametrize("lazy", [False, True], ids=["frames", "parquet-on-disk"])
def test_a_completed_order_with_a_refund_time_counts_as_refunded(employees, tmp_path, lazy):
    """A shop export keeps an order refunded after delivery at 交易成功 (completed) and shows
    the refund in its refund time. The loader reads such rows as refunded; a Parquet table
    left on disk (lazy) skipped the loader and paid them as sales."""
    from salesperf_kit.loaders import load_dataset

    orders = shop_orders()
    orders.loc[orders["order_id"] == "o7", "status"] = "completed"  # refunded on 10 November
    data = {"employees": employees, "orders": orders}
    if lazy:
        for name, df in data.items():
            df.to_parquet(tmp_path / f"{name}.parquet", index=False)
        data = load_dataset(tmp_path, lazy=True)
        assert "orders" in data.lazy
        # the loader's warning is given for a table left on disk too: o7, 250.00
        [w] = [w for w in data.warnings if w.check == "refunded_after_completion"]
        assert w.message == ("1 order(s) whose status is completed ('completed' 1) have a refund time in "
                             "'refunded_at', 250.00 in all: they are read as refunded, since the refund time says "
                             "a refund was made")
    res = compute_kpis(data, "2026-10", kpis=["revenue", "refund_rate"], options={"refund_handling": "exclude"})
    # E3: o6 150 refunded, o7 250 refunded (by its refund time), o8 120 -> revenue 120, 2 of 3 orders refunded
    assert_kpi(res, "revenue", {"E3": 120.0})
    assert_kpi(res, "refund_rate", {"E3": 2 / 3})
    claw = compute_kpis(data, "2026-10", kpis=["revenue"], options={"refund_handling": "clawback"})
    assert_kpi(claw, "revenue", {"E3": 370.0})  # o7 was valid when October closed: 250 + 120


def test_kpi_sheet_counts_give_rates_that_add_up_over_months_and_teams(employees):
    """A sheet of connected calls and complaints (counts) beside calls and orders: the
    connect rate and complaint rate are computed from them, and a quarter's rate is the sum
    of connected calls over the sum of calls, never the mean of the months' rates.
    E1: October 40 of 100 calls, November 30 of 50: Q4 (40 + 30) / (100 + 50) = 0.4667
    (the months' mean would be (0.4 + 0.6) / 2 = 0.5); E2: 10 of 40 = 0.25.
    Complaints over orders: E1 (1 + 1) / (12 + 4) = 0.125; E2 0 of 0 orders: NaN.
    The company's connect rate: (70 + 10) / (150 + 40) = 80 / 190."""
    sheet = kpi_sheet().assign(calls=[90.0, 100.0, 50.0, 40.0], connected=[30.0, 40.0, 30.0, 10.0],
                               complaints=[0.0, 1.0, 1.0, 0.0])
    res = compute_kpis({"employees": employees, "kpi_sheet": sheet}, "2026-Q4",
                       kpis=["calls", "connect_rate", "complaint_rate"])
    assert_kpi(res, "connect_rate", {"E1": 70 / 150, "E2": 0.25})
    assert_kpi(res, "complaint_rate", {"E1": 2 / 16, "E2": NAN})
    company = res.rollup("company").set_index("company")
    assert company.loc["company", "connect_rate"] == pytest.approx(80 / 190)
    assert "connect_rate, complaint_rate from its figures" in " ".join(res.notices)


def test_kpi_sheet_sum_given_without_its_facts_rolls_up_as_a_sum(employees):
    """Talk minutes from a sheet (the KPI's own fact, seconds, is not there) add up over a
    team: North (E1, E2) 120 + 30 = 150 in October; csat, a level, stays NaN for teams."""
    sheet = kpi_sheet().assign(effective_talk_minutes=[100.0, 120.0, 80.0, 30.0], csat=[4.0, 4.5, 5.0, 3.0])
    res = compute_kpis({"employees": employees, "kpi_sheet": sheet}, "2026-10",
                       kpis=["effective_talk_minutes", "csat"])
    assert_kpi(res, "effective_talk_minutes", {"E1": 120.0, "E2": 30.0})
    team = res.rollup("team").set_index("team")
    assert team.loc["North", "effective_talk_minutes"] == 150.0
    assert np.isnan(team.loc["North", "csat"])
    assert res.rollup("company").set_index("company").loc["company", "effective_talk_minutes"] == 150.0


def test_teams_are_listed_by_the_numbers_in_their_names(employees):
    """Teams 一部, 二部, 三部 and 十部 roll up in that order, not as text sorts them (一部,
    三部, 二部, 十部)."""
    people = pd.DataFrame({"employee_id": ["a", "b", "c", "d"], "name": list("abcd"),
                           "team": ["电销三部", "电销十部", "电销一部", "电销二部"], "role": ["agent"] * 4})
    sheet = pd.DataFrame({"employee_id": ["a", "b", "c", "d"], "period": ["2026-10"] * 4,
                          "revenue": [3.0, 10.0, 1.0, 2.0]})
    res = compute_kpis({"employees": people, "kpi_sheet": sheet}, "2026-10", kpis=["revenue"])
    team = res.rollup("team")
    assert team["team"].tolist() == ["电销一部", "电销二部", "电销三部", "电销十部"]
    assert team["revenue"].tolist() == [1.0, 2.0, 3.0, 10.0]


def test_a_ticket_resolved_before_it_was_opened_is_left_out_of_resolution_time(shop):
    """As an order shipped before it was placed (the loader names such rows): a negative
    time would pull the median down. E1's tickets: 2, 6 and 24 h, median 6; a ticket
    resolved 10 h before it opened left it at 4 h."""
    service = pd.concat([shop["service"], pd.DataFrame({
        "ticket_id": ["t7"], "employee_id": ["E1"], "opened_at": [pd.Timestamp("2026-10-20 10:00")],
        "resolved_at": [pd.Timestamp("2026-10-20 00:00")], "satisfaction": [4.0], "is_complaint": [False],
        "first_contact_resolved": [True]})], ignore_index=True)
    res = compute_kpis({**shop, "service": service}, "2026-10", kpis=["resolution_hours"])
    assert_kpi(res, "resolution_hours", {"E1": 6.0})


def test_records_dated_outside_a_part_period_person_s_employment_are_named(employees):
    """A leaver's orders after their last day (a sales link still booking under their id)
    counted in their commission and rank with nothing said; the whole-period case was
    already named. Cai (E3) leaves on 2026-10-25: o7 (10-28) and o8 (10-30) come after;
    Bob (E2) is hired on 2026-10-08: calls k7 and k8 (10-07), ticket t5 (10-06) and a traffic
    row (10-01) came before; Dee (E4) is hired on 10-02 and has no record before."""
    staff = employees.assign(hire_date=pd.to_datetime([None, "2026-10-08", None, "2026-10-02"]),
                             leave_date=pd.to_datetime([None, None, "2026-10-25", None]))
    res = compute_kpis(shop_dataset(staff), "2026-10", kpis=["revenue", "calls"])
    [note] = [n for n in res.notices if "outside their employment" in str(n)]
    assert str(note) == (
        "2 people have records in 2026-10 dated outside their employment, before their hire_date or after their "
        "leave_date: Bob (E2, hired 2026-10-08): calls 2, traffic 1, service 1; Cai (E3, left 2026-10-25): orders 2. "
        "They count in these "
        "people's KPIs, so in their commission and rank, and in every total. Fix: check the dates, or book the "
        "records under whoever made the sales, before paying.")
    assert note.zh == (
        "2 人在 2026-10 有日期不在其在职期间（入职日期之前或离职日期之后）的记录：Bob（E2，2026-10-08 入职）：通话 2 条、"
        "流量 1 条、客服工单 1 条；"
        "Cai（E3，2026-10-25 离职）：订单 2 条。这些记录计入其本人的指标，因而影响其提成和排名，也计入各级合计。"
        "请在发放前核对日期，或把这些记录归到实际成交的人名下。")
    # the records still count (E3: o7 250, refunded, and o8 120 -> revenue 120 under exclude)
    assert_kpi(res, "revenue", {"E3": 120.0})


def test_clawback_says_which_orders_of_the_period_were_refunded_after_it_closed(shop):
    """A shop's October report counted five orders refunded in November as sales (as it
    should under clawback) and said nothing of them. o7 (250.00) was refunded on 10 November."""
    res = compute_kpis(shop, "2026-10", kpis=["revenue"], options={"refund_handling": "clawback"})
    [note] = [n for n in res.notices if "after it closed" in str(n)]
    assert str(note) == ("1 order(s) of 2026-10 (250.00) were refunded after it closed: under refund_handling: "
                         "clawback they count in 2026-10, as when it was paid, and their commission is taken back in "
                         "the period of the refund.")
    assert note.zh == ("2026-10 有 1 笔订单（合计 250.00）在期末之后才退款：按 refund_handling: clawback，"
                       "它们仍计入 2026-10（与当期发放时一致），提成在退款当期追回。")
    excl = compute_kpis(shop, "2026-10", kpis=["revenue"], options={"refund_handling": "exclude"})
    assert not [n for n in excl.notices if "after it closed" in str(n)]
