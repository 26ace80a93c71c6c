"""Deterministic demo data: two years of records of a sales organisation, per business type.

:func:`make_sample` builds every table of the data contract (:mod:`salesperf_kit.schemas`)
that one business type needs, for the fixed 24-month window 2024-11-01 .. 2026-10-31, and
:func:`write_sample` writes them to CSV or Parquet, one file per table. The same ``seed``
gives byte-identical files. Data are generated month by month with vectorised numpy code,
so that ``write_sample(..., fmt="parquet")`` can write tens of millions of rows with bounded
memory (each month is appended to the Parquet file as one row group, rows sorted by date).

Businesses
----------
``online`` (网销)
    Five teams (华东一组, 华南一组, 华北一组, 华中一组, 西南一组) of twelve: one ``team_lead``,
    two ``operations`` (运营, channels 天猫 and 百度), three ``customer_service`` (客服), two
    ``ad_buyer`` (投放, 百度 and 抖音), two ``promotion`` (推广, 微信 and 小红书) and two
    ``live_host`` (主播, 抖音). Tables: employees, orders, traffic (per day x channel x owner),
    service, activities, targets.
``telesales`` (电销)
    Five teams of one ``team_lead`` and eleven ``agent``. Tables: employees, orders, calls,
    service (回访 follow-up tickets), reviews, activities, targets. Every call with outcome
    ``deal`` is followed (minutes to hours later, same month) by an order of the same customer
    taken by the same agent; further orders are repeat purchases or inbound customers.
``ecommerce`` (电商微商)
    Five shop teams (天猫一组, 京东一组, 拼多多一组, 抖音小店一组, 微信小店一组) of five
    ``shop_operator`` and seven ``customer_service``; the team's shop is the orders' and the
    traffic's channel. Tables: employees, orders (with ``shipped_at``), traffic, service,
    inventory (weekly stock snapshots of six SKUs per shop operator), activities, targets.
``direct`` (直销)
    A ``director`` above four regional teams of one ``manager``, three ``senior_rep`` and
    eleven ``rep`` (director -> manager -> senior_rep -> rep: 4 levels through
    ``manager_id``); newcomers have a ``mentor_id`` (a senior rep other than their own).
    Tables: employees, orders (with ``customer_tier`` A/B/C, ``region``, ``referred_by``),
    reviews, activities, targets.

Scale 1 has about 60 employees; ``scale`` replicates the teams (copy 2 of 华东一组 is
华东二组), so ``scale=2`` doubles the head count exactly. ``volumes`` sets the mean rows per
employee per month of the event tables (orders, calls, service), averaged over the whole
roster: a role that does not produce a table (e.g. a shop operator for service tickets)
leaves its share to the others. Defaults are in :data:`DEFAULT_VOLUMES`.

Every table
-----------
- Customers: each employee has a customer pool; an order is from a new customer or a repeat
  purchase from the employee's earlier customers (recent ones more likely), and some new
  customers order a second time in the month they were won, so new-customer, retention,
  repurchase and LTV figures are meaningful. Direct-sales customers have a fixed tier and
  region, and some were referred by another customer of the same rep.
- Seasonality: 618 (June, peak day 06-18) and 双11 (November, peak day 11-11), weaker
  February (春节), a national holiday in early October, and about 10 % market growth a
  year; the amplitude is largest for e-commerce and smallest for direct sales.
- People differ persistently (skill, service quality, diligence, own trend).
- Order status: a few % ``cancelled`` (nothing paid) and ``refunded`` (``refunded_at`` 0-30
  days later). The data were extracted on 2026-11-15: refunds, payments, shipments and
  resolutions up to that day are recorded, later ones are not (payments not received by
  then have ``paid_amount`` 0 and no ``paid_date``).
- Targets: monthly ``revenue`` targets (``received_revenue`` for direct sales, whose plan
  pays on money received) per person (plus ``orders``, or ``calls`` for
  telesales, or ``new_customers`` for direct sales) of about 1.2-1.3 x the person's trailing
  3-month level (adjusted for the season), and team ``revenue`` targets (``employee_id``
  empty) of about the sum of the members' targets.

Planted patterns (employee ids at scale >= 1; the same at every seed)
----------------------------------------------------------------------
All businesses
    - Stars and a weak performer (skill multiplied by about 2 and 0.45):
      online stars E0011 (live_host) and E0028 (customer_service), weak E0021 (promotion);
      telesales stars E0004 and E0042, weak E0032;
      ecommerce stars E0002 and E0037 (shop operators), weak E0015;
      direct stars E0008 and E0041, weak E0029.
    - Mid-window hires, with no record before their ``hire_date`` and a ramp-up over their
      first months (hire month in brackets):
      online E0006 (2026-03), E0022 (2026-04), E0034 (2026-05), E0041 (2026-06),
      E0055 (2026-08);
      telesales E0012 (2026-03), E0023 (2026-04), E0036 (2026-05), E0047 (2026-06),
      E0060 (2026-07), E0058 (2026-08);
      ecommerce E0012 (2026-03), E0023 (2026-05), E0041 (2026-06), E0058 (2026-08);
      direct E0031 (2025-09), E0016 (2026-03), E0030 (2026-05), E0046 (2026-06),
      E0059 (2026-08), each with a mentor.
    - Refunds after the period closed: the three latest completed orders of 2026-09 are
      refunded in 2026-10 and the three latest of 2026-10 in 2026-11 (2026-11-01 ..
      2026-11-10); ordinary refunds of late-month orders also cross month ends.
online
    - Conversion spike (刷量/刷单 suspicion): channel 抖音 in 2026-10 has about 1.9 x the
      expected orders while its sessions follow the normal season, so orders/sessions of
      2026-10 is about 1.9 x its mean over 2026-07 .. 2026-09.
telesales
    - Short-call burst: agent E0017 makes 150 + 4 x their usual monthly calls extra in
      2026-10 (between 10-12 and 10-23), all connected and lasting 2-9 seconds.
ecommerce
    - Conversion spike on channel 拼多多 in 2026-10, as for 抖音 in online.
    - Brushed orders (刷单): shop operator E0005 (天猫) has 24 orders of 9.9-19.9 from one
      new customer between 2026-08-15 20:00 and 20:55.
    - Duplicate orders (same customer, employee, amount; timestamps within a minute;
      different order_id): E0016 at 2026-09-12 14:23:05 and 14:23:42 (amount 299.00), and
      E0039 at 2026-10-20 10:41:12 and 10:41:34 (amount 458.00).
direct
    - Manager hierarchy of depth 4 without cycle; the director E0001 has no manager_id.
    - Collection problem: about 60 % of rep E0055's orders of 2026-08 .. 2026-10 are unpaid.

:data:`PLANTED` holds the same facts as data.
"""
from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from ._checks import check_one_of
from ._files import sha256_of
from .catalogue import BUSINESSES
from .exceptions import SalesperfError
from .schemas import TABLES

__all__ = [
    "BUSINESSES", "WINDOW_START", "WINDOW_END", "DEFAULT_VOLUMES", "PLANTED", "make_sample",
    "write_sample", "is_generated", "SAMPLE_RECORD",
]

WINDOW_START = "2024-11-01"
WINDOW_END = "2026-10-31"
_AS_OF = "2026-11-15"  # extraction day: later refunds, payments, shipments are unknown

DEFAULT_VOLUMES: dict[str, dict[str, float]] = {
    "online": {"orders": 25.0, "service": 20.0},
    "telesales": {"orders": 12.0, "calls": 160.0, "service": 6.0},
    "ecommerce": {"orders": 50.0, "service": 25.0},
    "direct": {"orders": 5.0},
}

_FORMATS = ("csv", "parquet")
# what write_sample wrote into a folder, so that a report can say its data are generated
# (a hidden file: the loaders skip it)
SAMPLE_RECORD = ".salesperf-sample.json"
_DAY = 86_400
_N_MONTHS = 24
_SPIKE = {"online": "抖音", "ecommerce": "拼多多"}
_SPIKE_FACTOR = 1.9
_STATUS = np.array(["completed", "cancelled", "refunded"])
_OUTCOME = np.array(["none", "intent", "deal", "complaint"])
_CRITERIA = ("sales_skill", "service_quality", "collaboration")

# ---------------------------------------------------------------------------------------
# the organisation
# ---------------------------------------------------------------------------------------
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
             "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史"
             "陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤")
_GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰萍鹏辉玲燕晨婷浩宇欣怡梓涵轩博文雨"
          "佳琪思远俊嘉晓东建国志海丹雪梅鑫宁飞凯琳瑶倩颖慧楠昊然琦悦航蕾鸿斌婉瑞泽")

_TEAM_BASES = {
    "online": (("华东", "上海"), ("华南", "广州"), ("华北", "北京"), ("华中", "武汉"), ("西南", "成都")),
    "telesales": (("华东", "杭州"), ("华南", "深圳"), ("华北", "天津"), ("华中", "长沙"), ("西南", "重庆")),
    "ecommerce": (("天猫", "杭州"), ("京东", "北京"), ("拼多多", "上海"), ("抖音小店", "广州"),
                  ("微信小店", "深圳")),
    "direct": (("华东", "上海"), ("华南", "广州"), ("华北", "北京"), ("西南", "成都")),
}
_ROLES = {
    "online": ("team_lead", "operations", "operations", "customer_service", "customer_service",
               "customer_service", "ad_buyer", "ad_buyer", "promotion", "promotion", "live_host",
               "live_host"),
    "telesales": ("team_lead",) + ("agent",) * 11,
    "ecommerce": ("shop_operator",) * 5 + ("customer_service",) * 7,
    "direct": ("manager",) + ("senior_rep",) * 3 + ("rep",) * 11,
}
# (template team, member) -> what is special about that person
_SPECIAL: dict[str, dict[tuple[int, int], dict]] = {
    "online": {
        (0, 10): {"star": 2.0}, (2, 3): {"star": 1.7}, (1, 8): {"star": 0.45},
        (0, 5): {"hire": "2026-03"}, (1, 9): {"hire": "2026-04"}, (2, 9): {"hire": "2026-05"},
        (3, 4): {"hire": "2026-06"}, (4, 6): {"hire": "2026-08"},
    },
    "telesales": {
        (0, 3): {"star": 2.0}, (3, 5): {"star": 1.8}, (2, 7): {"star": 0.45},
        (1, 4): {"tag": "burst"},
        (0, 11): {"hire": "2026-03"}, (1, 10): {"hire": "2026-04"}, (2, 11): {"hire": "2026-05"},
        (3, 10): {"hire": "2026-06"}, (4, 11): {"hire": "2026-07"}, (4, 9): {"hire": "2026-08"},
    },
    "ecommerce": {
        (0, 1): {"star": 1.9}, (3, 0): {"star": 1.7}, (1, 2): {"star": 0.45},
        (0, 4): {"tag": "brush"}, (1, 3): {"tag": "dup1"}, (3, 2): {"tag": "dup2"},
        (0, 11): {"hire": "2026-03"}, (1, 10): {"hire": "2026-05"}, (3, 4): {"hire": "2026-06"},
        (4, 9): {"hire": "2026-08"},
    },
    "direct": {
        (0, 6): {"star": 2.0}, (2, 9): {"star": 1.8}, (1, 12): {"star": 0.45},
        (3, 8): {"tag": "unpaid"},
        (0, 14): {"hire": "2026-03", "mentee": True}, (1, 13): {"hire": "2026-05", "mentee": True},
        (2, 14): {"hire": "2026-06", "mentee": True}, (3, 12): {"hire": "2026-08", "mentee": True},
        (1, 14): {"hire": "2025-09", "mentee": True},
    },
}
_BASE_PAY = {
    "team_lead": 12000, "operations": 9000, "customer_service": 6000, "ad_buyer": 10000,
    "promotion": 8000, "live_host": 8000, "agent": 4500, "shop_operator": 8500,
    "director": 25000, "manager": 14000, "senior_rep": 7000, "rep": 4000,
}
# weight of a role in a fact table (before the person's skill)
_ORDER_W = {
    "team_lead": 0.5, "operations": 1.0, "customer_service": 0.8, "ad_buyer": 1.0,
    "promotion": 1.0, "live_host": 1.6, "agent": 1.0, "shop_operator": 1.6,
    "director": 0.3, "manager": 0.6, "senior_rep": 1.4, "rep": 1.0,
}
_SERVICE_W = {
    "online": {"customer_service": 1.0},
    "telesales": {"agent": 1.0, "team_lead": 0.3},
    "ecommerce": {"customer_service": 1.0},
    "direct": {},
}

# ---------------------------------------------------------------------------------------
# channels
# ---------------------------------------------------------------------------------------
_CHANNELS = {
    "online": ("百度", "抖音", "微信", "小红书", "天猫"),
    "telesales": ("电话外呼", "微信", "官网"),
    "ecommerce": ("天猫", "京东", "拼多多", "抖音小店", "微信小店"),
    "direct": ("面谈", "会销", "微信", "电话"),
}
_ONLINE_OWNED = {1: "天猫", 2: "百度", 6: "百度", 7: "抖音", 8: "微信", 9: "小红书", 10: "抖音", 11: "抖音"}
_ONLINE_MIX = np.array([0.2, 0.3, 0.2, 0.15, 0.15])  # channel mix of orders not tied to traffic
_DIRECT_MIX = np.array([0.45, 0.2, 0.25, 0.1])
# orders / sessions, inquiries / sessions, engagements / impressions, search channel
_CONV = {"百度": 0.012, "抖音": 0.009, "微信": 0.02, "小红书": 0.011, "天猫": 0.025,
         "京东": 0.03, "拼多多": 0.035, "抖音小店": 0.015, "微信小店": 0.045}
_ENGAGE = {"百度": 0.004, "抖音": 0.06, "微信": 0.035, "小红书": 0.05, "天猫": 0.008,
           "京东": 0.006, "拼多多": 0.012, "抖音小店": 0.05, "微信小店": 0.03}
_SEARCH = ("百度", "天猫", "京东", "拼多多")
_CPC = {"ad_buyer": 2.2, "live_host": 0.8, "promotion": 0.5, "operations": 0.15,
        "shop_operator": 0.7}
_CITIES = ("上海", "杭州", "南京", "苏州", "广州", "深圳", "北京", "天津", "成都", "重庆", "武汉", "长沙")

# ---------------------------------------------------------------------------------------
# calendar
# ---------------------------------------------------------------------------------------
_SEASON = np.array([0.95, 0.75, 0.95, 0.95, 1.0, 1.45, 0.95, 0.95, 1.0, 1.0, 1.75, 1.1])  # Jan..Dec
_AMPLITUDE = {"online": 1.0, "telesales": 0.45, "ecommerce": 1.2, "direct": 0.35}
_PROMO_CONV = {6: 1.08, 11: 1.12}  # promotion months convert better than their traffic
_STYLE = {"online": "retail", "telesales": "office", "ecommerce": "retail", "direct": "office"}
_WEEKDAY = {"retail": np.array([1, 1, 1, 1, 1.05, 1.25, 1.2]),
            "office": np.array([1, 1.02, 1, 1, 0.95, 0.35, 0.08])}
_PEAK_DAY = {"retail": (4.0, 6.0, 1.3), "office": (1.3, 1.5, 0.25)}  # 06-18, 11-11, 10-01..07
_HOURS = {
    "retail": np.array([3, 1.5, 1, .5, .5, .5, 1, 2, 4, 6, 7, 7, 7, 7, 6.5, 6.5, 6.5, 7, 7.5, 9,
                        11, 12, 10, 6]),
    "office": np.array([0] * 8 + [2, 10, 12, 11, 4, 7, 11, 12, 11, 9, 5, 4, 2] + [0] * 3),
    "service": np.array([1, .5, .3, .2, .2, .3, .6, 1.5, 4, 6, 7, 7, 6, 6, 6, 6, 6, 6, 6, 7, 8,
                         8, 6, 3]),
}
_RAMP = (0.5, 0.65, 0.85)  # activity in the first months after joining

_MONTHS = np.arange(np.datetime64("2024-11"), np.datetime64("2026-11"), dtype="datetime64[M]")
_MONTH_DAY0 = _MONTHS.astype("datetime64[D]").astype(np.int64)  # days since 1970-01-01
_MONTH_DAYS = np.diff(np.append(_MONTH_DAY0, np.datetime64("2026-11-01", "D").astype(np.int64)))
_MONTH_S0 = _MONTH_DAY0 * _DAY
_MONTH_END_S = (_MONTH_DAY0 + _MONTH_DAYS) * _DAY
_CAL = (np.arange(_N_MONTHS) + 10) % 12 + 1  # calendar month of each window month
_PERIODS = [str(m) for m in _MONTHS]
_AS_OF_S = int(np.datetime64(_AS_OF, "s").astype(np.int64))

_STREAM = {"roster": 1, "calls": 2, "orders": 3, "traffic": 4, "service": 5, "activities": 6,
           "reviews": 7, "inventory": 8, "targets": 9}
_DATE_ONLY = {"employees": ("hire_date",), "orders": ("paid_date",), "traffic": ("date",),
              "activities": ("date",), "inventory": ("date",)}

# columns of each table per business (the order of the output follows the contract)
_COLUMNS = {
    "employees": {
        "online": ("employee_id", "name", "team", "role", "manager_id", "hire_date", "region", "base_pay"),
        "telesales": ("employee_id", "name", "team", "role", "manager_id", "hire_date", "region", "base_pay"),
        "ecommerce": ("employee_id", "name", "team", "role", "hire_date", "region", "base_pay"),
        "direct": ("employee_id", "name", "team", "role", "manager_id", "hire_date", "region",
                   "mentor_id", "base_pay"),
    },
    "orders": {
        "online": ("order_id", "employee_id", "customer_id", "order_date", "amount", "cost", "quantity",
                   "status", "paid_amount", "paid_date", "channel", "refunded_at"),
        "telesales": ("order_id", "employee_id", "customer_id", "order_date", "amount", "cost",
                      "quantity", "status", "paid_amount", "paid_date", "channel", "refunded_at"),
        "ecommerce": ("order_id", "employee_id", "customer_id", "order_date", "amount", "cost",
                      "quantity", "status", "paid_amount", "paid_date", "channel", "shipped_at",
                      "refunded_at"),
        "direct": ("order_id", "employee_id", "customer_id", "order_date", "amount", "cost", "quantity",
                   "status", "paid_amount", "paid_date", "channel", "customer_tier", "region",
                   "referred_by", "refunded_at"),
    },
}
_TABLES_OF = {
    "online": ("employees", "orders", "traffic", "service", "activities", "targets"),
    "telesales": ("employees", "orders", "calls", "service", "reviews", "activities", "targets"),
    "ecommerce": ("employees", "orders", "traffic", "service", "inventory", "activities", "targets"),
    "direct": ("employees", "orders", "reviews", "activities", "targets"),
}
_ACTIVITY_KINDS = {
    "online": ("touch", "report_due", "report_on_time", "training_taken", "training_passed",
               "innovation", "compliance_violation", "info_share", "assist", "mentoring"),
    "telesales": ("touch", "new_contact", "report_due", "report_on_time", "training_taken",
                  "training_passed", "compliance_violation", "info_share", "assist", "mentoring"),
    "ecommerce": ("touch", "report_due", "report_on_time", "training_taken", "training_passed",
                  "innovation", "compliance_violation", "info_share", "assist"),
    "direct": ("touch", "new_contact", "referral", "report_due", "report_on_time", "training_taken",
               "training_passed", "innovation", "compliance_violation", "info_share", "assist",
               "mentoring"),
}
_SECOND_TARGET = {"online": "orders", "telesales": "calls", "ecommerce": "orders",
                  "direct": "new_customers"}


def _zh_number(n: int) -> str:
    """Chinese numeral of 1..99 (一, 十二, 三十三); digits beyond."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


def _layout(business: str, n_teams: int) -> list[dict]:
    """The roster skeleton, without randomness: one dict per person, in employee_id order."""
    bases, roles, special = _TEAM_BASES[business], _ROLES[business], _SPECIAL[business]
    people: list[dict] = []
    director = None
    for t in range(n_teams):
        copy, k = divmod(t, len(bases))
        prefix, city = bases[k]
        team = f"{prefix}{_zh_number(copy + 1)}组"
        if business == "direct" and k == 0:
            director = len(people)
            people.append({"copy": copy, "tpl": (k, -1), "team": team, "city": city,
                           "role": "director", "boss": None, "mentor": None})
        first = len(people)
        for i, role in enumerate(roles):
            spec = dict(special.get((k, i), {}))
            if copy > 0:
                spec.pop("tag", None)
            boss = mentor = None
            if business in ("online", "telesales") and i > 0:
                boss = first
            elif business == "direct":
                if i == 0:
                    boss = director
                elif i <= 3:
                    boss = first
                else:
                    boss = first + 1 + (i - 4) % 3
                    if spec.get("mentee"):
                        mentor = first + 1 + (i - 3) % 3
            people.append({"copy": copy, "tpl": (k, i), "team": team, "city": city, "role": role,
                           "boss": boss, "mentor": mentor, **spec})
    return people


def _emp_id(i: int, width: int = 4) -> str:
    return f"E{i + 1:0{width}d}"


def _planted(business: str) -> dict:
    people = _layout(business, len(_TEAM_BASES[business]))
    out: dict = {
        "stars": [_emp_id(i) for i, p in enumerate(people) if p.get("star", 1) > 1],
        "weak": [_emp_id(i) for i, p in enumerate(people) if p.get("star", 1) < 1],
        "hires": {_emp_id(i): p["hire"] for i, p in enumerate(people) if p.get("hire")},
        "late_refunds": {"2026-09": 3, "2026-10": 3},
    }
    tags = {p["tag"]: _emp_id(i) for i, p in enumerate(people) if p.get("tag")}
    if business in _SPIKE:
        out["conversion_spike"] = {"channel": _SPIKE[business], "period": "2026-10",
                                   "baseline": ["2026-07", "2026-08", "2026-09"],
                                   "factor": _SPIKE_FACTOR}
    if business == "telesales":
        out["short_calls"] = {"employee_id": tags["burst"], "period": "2026-10", "max_seconds": 9}
    if business == "ecommerce":
        out["brushing"] = {"employee_id": tags["brush"], "start": "2026-08-15 20:00:00",
                           "end": "2026-08-15 20:55:00", "orders": 24}
        out["duplicates"] = [
            {"employee_id": tags["dup1"], "order_date": "2026-09-12 14:23:05", "amount": 299.0},
            {"employee_id": tags["dup2"], "order_date": "2026-10-20 10:41:12", "amount": 458.0},
        ]
    if business == "direct":
        out["hierarchy_depth"] = 4
        out["mentors"] = {_emp_id(i): _emp_id(p["mentor"]) for i, p in enumerate(people)
                          if p.get("mentor") is not None}
        out["unpaid"] = {"employee_id": tags["unpaid"], "periods": ["2026-08", "2026-09", "2026-10"],
                         "share": 0.6}
    return out


PLANTED: dict[str, dict] = {b: _planted(b) for b in BUSINESSES}


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def _rng(seed: int, business: str, stream: str, month: int = 0) -> np.random.Generator:
    """An independent generator per business, table and month, derived from ``seed``."""
    return np.random.default_rng([seed, BUSINESSES.index(business), _STREAM[stream], month])


def _hash01(x: np.ndarray, salt: int) -> np.ndarray:
    """A fixed pseudo-random number in [0, 1) per integer (splitmix64)."""
    z = x.astype(np.uint64) + np.uint64(salt % (2 ** 63))
    z = z * np.uint64(0x9E3779B97F4A7C15)
    z ^= z >> np.uint64(30)
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z = z * np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) / float(2 ** 53)


def _ids(prefix: str, numbers: np.ndarray, width: int, valid: np.ndarray | None = None) -> pa.Array:
    arr = pa.array(np.asarray(numbers, dtype=np.int64), mask=None if valid is None else ~valid)
    digits = pc.utf8_lpad(pc.cast(arr, pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _ts(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    us = np.asarray(seconds, dtype=np.int64) * 1_000_000
    return pa.array(us, type=pa.timestamp("us"), mask=None if valid is None else ~valid)


def _num(x: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(x, dtype=np.float64), type=pa.float64(), from_pandas=True)


def _vocab(words, idx: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    taken = pa.array(np.asarray(idx, dtype=np.int64), mask=None if valid is None else ~valid)
    return pa.array(list(words), pa.string()).take(taken)


def _schema(name: str, columns: tuple[str, ...]) -> pa.Schema:
    spec = TABLES[name]
    fields = []
    for col in spec.model.to_schema().columns:  # in the order the contract declares them
        if col not in columns:
            continue
        if col in spec.dates:
            typ = pa.timestamp("us")
        elif col in spec.numbers:
            typ = pa.float64()
        elif col in spec.booleans:
            typ = pa.bool_()
        else:
            typ = pa.string()
        fields.append(pa.field(col, typ))
    return pa.schema(fields)


def _table(schema: pa.Schema, arrays: Mapping[str, pa.Array]) -> pa.Table:
    return pa.Table.from_arrays([arrays[f.name] for f in schema], schema=schema)


def _take(cols: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in cols.items()}


def _cat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _lognormal(rng: np.random.Generator, median, sigma, n: int) -> np.ndarray:
    return np.exp(rng.normal(np.log(median), sigma, n))


class _Pool:
    """Customers of each employee, in the order they were won."""

    def __init__(self, n_emp: int):
        self.n_emp = n_emp
        self.ids = np.empty(0, np.int64)
        self.counts = np.zeros((0, n_emp), np.int64)  # one row per block (month)
        self.size = np.zeros(n_emp, np.int64)

    def add(self, emp: np.ndarray, cust: np.ndarray) -> None:
        order = np.argsort(emp, kind="stable")
        self.ids = np.concatenate([self.ids, cust[order]])
        cnt = np.bincount(emp, minlength=self.n_emp).astype(np.int64)
        self.counts = np.vstack([self.counts, cnt])
        self.size += cnt

    def sample(self, emp: np.ndarray, rng: np.random.Generator, bias: float) -> np.ndarray:
        """One customer per entry of ``emp`` (whose pools must not be empty), recent ones
        more likely (``bias`` > 1)."""
        if len(emp) == 0:
            return np.empty(0, np.int64)
        n = self.size[emp]
        back = np.minimum((n * rng.random(len(emp)) ** bias).astype(np.int64), n - 1)
        pos = n - 1 - back  # position among the employee's customers, oldest first
        n_blocks = len(self.counts)
        cum = np.cumsum(self.counts, axis=0)  # (blocks, emp), inclusive
        big = int(self.size.max()) + 1
        flat = (cum.T + np.arange(self.n_emp, dtype=np.int64)[:, None] * big).ravel()
        block = np.searchsorted(flat, emp * big + pos, side="right") - emp * n_blocks
        before = np.where(block > 0, cum[np.maximum(block - 1, 0), emp], 0)
        block_base = np.concatenate([[0], np.cumsum(self.counts.sum(axis=1))[:-1]])
        emp_start = np.cumsum(self.counts, axis=1) - self.counts
        return self.ids[block_base[block] + emp_start[block, emp] + (pos - before)]


class _Customers:
    """Customer numbers, allocated in order, with per-customer attributes."""

    def __init__(self):
        self.next = 1
        self.is_buyer = np.zeros(1024, bool)
        self.referrer = np.full(1024, -1, np.int64)

    def allocate(self, n: int) -> np.ndarray:
        ids = np.arange(self.next, self.next + n, dtype=np.int64)
        self.next += n
        if self.next > len(self.is_buyer):
            size = max(self.next, 2 * len(self.is_buyer))
            self.is_buyer = np.concatenate([self.is_buyer, np.zeros(size - len(self.is_buyer), bool)])
            self.referrer = np.concatenate(
                [self.referrer, np.full(size - len(self.referrer), -1, np.int64)])
        return ids


# ---------------------------------------------------------------------------------------
# the simulation
# ---------------------------------------------------------------------------------------
class _Sim:
    """State of one generation run: the roster, rates and customer pools."""

    def __init__(self, business: str, seed: int, scale: float, volumes: Mapping[str, float]):
        self.business = b = business
        self.seed = seed
        self.vol = dict(volumes)
        self.style = _STYLE[b]
        self._dayw_cache: dict[tuple[int, str], np.ndarray] = {}
        n_tpl = len(_TEAM_BASES[b])
        people = _layout(b, max(1, int(round(scale * n_tpl))))
        self.n = n = len(people)
        self.id_width = max(4, len(str(n)))
        rng = _rng(seed, b, "roster")

        self.role = np.array([p["role"] for p in people])
        self.team = np.array([p["team"] for p in people])
        self.city = np.array([p["city"] for p in people])
        self.tpl_team = np.array([p["tpl"][0] for p in people])
        self.boss = np.array([-1 if p["boss"] is None else p["boss"] for p in people])
        self.mentor = np.array([-1 if p["mentor"] is None else p["mentor"] for p in people])
        self.tag = {p["tag"]: i for i, p in enumerate(people) if p.get("tag")}
        star = np.array([p.get("star", 1.0) for p in people])

        # person-level traits that persist
        self.skill = np.exp(rng.normal(0, 0.22, n)) * star
        self.skill[star != 1] = star[star != 1] * np.exp(rng.normal(0, 0.05, (star != 1).sum()))
        slope = rng.normal(0.03, 0.08, n)
        slope[star > 1] = 0.08
        slope[star < 1] = -0.12
        self.quality = 4.0 + rng.normal(0, 0.3, n) + 0.35 * np.log(self.skill)
        self.collab = np.exp(rng.normal(0, 0.35, n))
        self.diligence = np.clip(rng.beta(12, 1.5, n) * np.minimum(1, self.skill ** 0.3), 0.3, 1)
        self.aov = np.exp(rng.normal(0, 0.12, n)) * self.skill ** 0.25
        self.big = np.exp(rng.normal(0, 0.3, n)) * self.skill ** 0.5
        self.names = self._names(rng)
        self.base_pay = np.round(np.array([_BASE_PAY[r] for r in self.role])
                                 * rng.uniform(0.9, 1.15, n), -2)

        # hire dates (days since epoch); staff hired before the window are active from the start
        senior = np.isin(self.role, ("team_lead", "director", "manager"))
        lo = np.where(senior, np.datetime64("2015-03-01", "D"), np.datetime64("2018-06-01", "D"))
        hi = np.where(senior, np.datetime64("2021-12-31", "D"), np.datetime64("2024-09-30", "D"))
        lo, hi = lo.astype(np.int64), hi.astype(np.int64)
        hire_day = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
        self.hire_m = np.full(n, -1)
        for i, p in enumerate(people):
            if p.get("hire"):
                m = _PERIODS.index(p["hire"])
                self.hire_m[i] = m
                hire_day[i] = _MONTH_DAY0[m] + rng.integers(0, 20)
        self.hire_day = hire_day
        self.hire_s = hire_day * _DAY

        # activity of each person and month: season x market trend x own trend x ramp-up
        season = 1 + _AMPLITUDE[b] * (_SEASON[_CAL - 1] - 1)
        self.market = season * 1.10 ** ((np.arange(_N_MONTHS) - 11.5) / 12)
        months = np.arange(_N_MONTHS)
        k = months[None, :] - self.hire_m[:, None]
        ramp = np.ones((n, _N_MONTHS))
        joined = self.hire_m[:, None] >= 0
        ramp[joined & (k < 0)] = 0
        for j, r in enumerate(_RAMP):
            ramp[joined & (k == j)] = r
        self.ramp = ramp
        self.own = np.exp(slope[:, None] * (months[None, :] - 11.5) / 12)
        self.act = self.market[None, :] * self.own * ramp

        # expected rows per person and month
        w_orders = np.array([_ORDER_W[r] for r in self.role]) * self.skill
        self.lam_orders = self.vol.get("orders", 0) * (w_orders / w_orders.mean())[:, None] * self.act
        calls_act = (season ** 0.4)[None, :] * self.own * ramp
        if b == "telesales":
            w_calls = np.where(self.role == "agent", 1.0, 0.3) * self.skill ** 0.4
            self.lam_calls = self.vol["calls"] * (w_calls / w_calls.mean())[:, None] * calls_act
            self.p_conn = np.clip(0.45 * self.skill ** 0.2 * rng.uniform(0.9, 1.1, n), 0.2, 0.8)
            self.p_intent = np.clip(0.15 * self.skill ** 0.5, 0.03, 0.4)
            self.p_deal = np.clip(0.055 * self.skill ** 0.8, 0.01, 0.2)
            deals = self.lam_calls * (self.p_conn * self.p_deal * 1.03)[:, None]
            self.lam_other = np.maximum(self.lam_orders - deals, 0)
        if "service" in self.vol:
            sw = np.array([_SERVICE_W[b].get(r, 0.0) for r in self.role]) * self.skill ** 0.3
            power = 0.5 if b == "telesales" else 1.0
            self.lam_service = (self.vol["service"] * (sw / max(sw.mean(), 1e-12))[:, None]
                                * (season ** power)[None, :] * self.own * ramp)

        # channels of each person's orders
        ch = _CHANNELS[b]
        self.channels = ch
        p_ch = np.zeros((n, len(ch)))
        self.owned = np.full(n, -1)  # channel whose traffic the person owns
        if b == "online":
            for i in range(n):
                name = _ONLINE_OWNED.get(people[i]["tpl"][1]) if self.role[i] != "team_lead" else None
                if name is None:
                    p_ch[i] = _ONLINE_MIX
                else:
                    self.owned[i] = ch.index(name)
                    p_ch[i, self.owned[i]] = 1
        elif b == "ecommerce":
            p_ch[np.arange(n), self.tpl_team] = 1
            self.owned = np.where(self.role == "shop_operator", self.tpl_team, -1)
        elif b == "direct":
            p_ch[:] = _DIRECT_MIX
        else:
            p_ch[:, 1:] = (0.5, 0.5)  # telesales orders without a call: 微信 or 官网
        self.p_ch = p_ch
        self.conv = np.array([_CONV.get(ch[c], 0.01) if c >= 0 else np.nan for c in self.owned])
        self.conv = self.conv * self.skill ** 0.5 * rng.uniform(0.85, 1.15, n)
        self.rank0 = np.clip(12 / self.skill * rng.uniform(0.7, 1.3, n), 1, 50)
        self.p_fcr = np.clip(0.72 + 0.15 * np.log(self.skill) + rng.normal(0, 0.04, n), 0.4, 0.97)
        self.p_complaint = np.clip(0.03 / self.skill, 0.005, 0.12)
        self.hours = np.exp(rng.normal(0, 0.2, n)) / self.skill ** 0.4
        self.turnover = rng.uniform(1.2, 3.0, n)
        self.ship = np.exp(rng.normal(0, 0.15, n)) / self.skill ** 0.3

        # id widths, from an upper bound of the volumes
        total_orders = self.lam_orders.sum() * 1.3 + 1000
        total_calls = (self.lam_calls.sum() * 1.5 + 1000) if b == "telesales" else 0
        self.order_width = max(8, len(str(int(total_orders))))
        self.cust_width = max(6, len(str(int(total_orders + total_calls))))
        self.emp_ids = pa.array([_emp_id(i, self.id_width) for i in range(n)], pa.string())

        self.customers = _Customers()
        self.buyers = _Pool(n)
        self.contacts = _Pool(n)
        self.next_order = self.next_call = self.next_ticket = 1
        self.revenue = np.zeros((n, _N_MONTHS))
        self.second = np.zeros((n, _N_MONTHS))  # the second KPI with a target

        self.tables = _TABLES_OF[b]
        self.schemas = {}
        for name in self.tables:
            cols = _COLUMNS.get(name, {}).get(b, TABLES[name].columns)
            self.schemas[name] = _schema(name, cols)

    # -- roster -----------------------------------------------------------------------
    def _names(self, rng: np.random.Generator) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        for _ in range(self.n):
            while True:
                given = "".join(_GIVEN[j] for j in rng.integers(0, len(_GIVEN), rng.integers(1, 3)))
                name = _SURNAMES[rng.integers(0, len(_SURNAMES))] + given
                if name not in seen:
                    break
            seen.add(name)
            names.append(name)
        return names

    def employees(self) -> pa.Table:
        has_boss, has_mentor = self.boss >= 0, self.mentor >= 0
        cols = {
            "employee_id": self.emp_ids,
            "name": pa.array(self.names, pa.string()),
            "team": pa.array(self.team.tolist(), pa.string()),
            "role": pa.array(self.role.tolist(), pa.string()),
            "manager_id": self.emp_ids.take(pa.array(np.maximum(self.boss, 0), mask=~has_boss)),
            "hire_date": _ts(self.hire_s),
            "region": pa.array(self.city.tolist(), pa.string()),
            "mentor_id": self.emp_ids.take(pa.array(np.maximum(self.mentor, 0), mask=~has_mentor)),
            "base_pay": _num(self.base_pay),
        }
        return _table(self.schemas["employees"], cols)

    # -- calendar ---------------------------------------------------------------------
    def _day_weights(self, m: int, style: str) -> np.ndarray:
        key = (m, style)
        if key not in self._dayw_cache:
            n = _MONTH_DAYS[m]
            days = _MONTH_DAY0[m] + np.arange(n)
            w = _WEEKDAY[style][(days + 3) % 7].astype(float)
            dom = np.arange(1, n + 1)
            p618, p1111, golden = _PEAK_DAY[style]
            if _CAL[m] == 6:
                w[dom <= 17] *= 1.2
                w[dom == 18] *= p618
            elif _CAL[m] == 11:
                w[dom <= 10] *= 1.3
                w[dom == 11] *= p1111
            elif _CAL[m] == 10:
                w[dom <= 7] *= golden
            self._dayw_cache[key] = w / w.sum()
        return self._dayw_cache[key]

    def _times(self, rng: np.random.Generator, n: int, m: int, hours: str,
               style: str | None = None) -> np.ndarray:
        dw = self._day_weights(m, style or self.style)
        hw = _HOURS[hours] / _HOURS[hours].sum()
        day = rng.choice(len(dw), size=n, p=dw)
        hour = rng.choice(24, size=n, p=hw)
        return _MONTH_S0[m] + day * _DAY + hour * 3600 + rng.integers(0, 3600, n)

    # -- the month loop ---------------------------------------------------------------
    def chunks(self) -> Iterator[tuple[str, pa.Table]]:
        yield "employees", self.employees()
        for m in range(_N_MONTHS):
            calls = None
            if self.business == "telesales":
                calls = self._calls(m)
                yield "calls", calls[0]
            yield "orders", self._orders(m, calls[1] if calls else None)
            if "traffic" in self.tables:
                yield "traffic", self._traffic(m)
            if "service" in self.tables:
                yield "service", self._service(m)
            if "inventory" in self.tables:
                yield "inventory", self._inventory(m)
            if "reviews" in self.tables:
                yield "reviews", self._reviews(m)
            yield "activities", self._activities(m)
        yield "targets", self._targets()

    # -- calls (telesales) ------------------------------------------------------------
    def _calls(self, m: int) -> tuple[pa.Table, dict[str, np.ndarray]]:
        rng = _rng(self.seed, self.business, "calls", m)
        emp = np.repeat(np.arange(self.n), rng.poisson(self.lam_calls[:, m]))
        t = self._times(rng, len(emp), m, "office")
        keep = t >= self.hire_s[emp]
        emp, t = emp[keep], t[keep]
        n = len(emp)
        connected = rng.random(n) < self.p_conn[emp]
        follow = (rng.random(n) < 0.35) & (self.contacts.size[emp] > 0)
        cust = np.empty(n, np.int64)
        cust[follow] = self.contacts.sample(emp[follow], rng, bias=3.0)
        cust[~follow] = self.customers.allocate(int((~follow).sum()))
        p_deal = self.p_deal[emp] * np.where(follow, 2.0, 0.5)
        u = rng.random(n)
        outcome = np.select(
            [~connected, u < 0.012, u < 0.012 + p_deal, u < 0.012 + p_deal + self.p_intent[emp]],
            [0, 3, 2, 1], default=0)
        med = np.array([40.0, 240.0, 420.0, 100.0])[outcome]
        sig = np.array([1.0, 0.6, 0.5, 0.7])[outcome]
        duration = np.where(connected, np.maximum(1, np.round(np.exp(rng.normal(np.log(med), sig)))), 0)
        rows = {"emp": emp, "t": t, "connected": connected, "cust": cust, "outcome": outcome,
                "duration": duration.astype(float)}
        burst = self.tag.get("burst")
        if m == _N_MONTHS - 1 and burst is not None and self.hire_m[burst] < m:
            k = int(4 * self.lam_calls[burst, m]) + 150
            dw = np.zeros(_MONTH_DAYS[m])
            dw[11:23] = _WEEKDAY["office"][(_MONTH_DAY0[m] + np.arange(11, 23) + 3) % 7]
            day = rng.choice(len(dw), size=k, p=dw / dw.sum())
            hour = rng.choice(24, size=k, p=_HOURS["office"] / _HOURS["office"].sum())
            extra = {"emp": np.full(k, burst), "connected": np.ones(k, bool),
                     "t": _MONTH_S0[m] + day * _DAY + hour * 3600 + rng.integers(0, 3600, k),
                     "cust": self.customers.allocate(k), "outcome": np.zeros(k, np.int64),
                     "duration": rng.integers(2, 10, k).astype(float)}
            rows = _cat([rows, extra])
            follow = np.concatenate([follow, np.zeros(k, bool)])
        new_contact = ~follow
        self.contacts.add(rows["emp"][new_contact], rows["cust"][new_contact])
        order = np.argsort(rows["t"], kind="stable")
        rows = _take(rows, order)
        n = len(order)
        ids = np.arange(self.next_call, self.next_call + n)
        self.next_call += n
        np.add.at(self.second[:, m], rows["emp"], 1)
        table = _table(self.schemas["calls"], {
            "call_id": _ids("CL", ids, 8),
            "employee_id": self.emp_ids.take(pa.array(rows["emp"])),
            "started_at": _ts(rows["t"]),
            "duration_s": _num(rows["duration"]),
            "connected": pa.array(rows["connected"]),
            "customer_id": _ids("C", rows["cust"], self.cust_width),
            "outcome": _vocab(_OUTCOME, rows["outcome"]),
        })
        deal = rows["outcome"] == 2
        return table, {"emp": rows["emp"][deal], "t": rows["t"][deal], "cust": rows["cust"][deal]}

    # -- orders -----------------------------------------------------------------------
    def _orders(self, m: int, deals: dict[str, np.ndarray] | None) -> pa.Table:
        b = self.business
        rng = _rng(self.seed, self.business, "orders", m)
        n_ch = len(self.channels)
        if b == "telesales":
            lam = self.lam_other[:, m][:, None] * self.p_ch
        else:
            lam = self.lam_orders[:, m][:, None] * self.p_ch
            if b in _SPIKE and m == _N_MONTHS - 1:
                lam[:, self.channels.index(_SPIKE[b])] *= _SPIKE_FACTOR
        cell = np.repeat(np.arange(self.n * n_ch), rng.poisson(lam).ravel())
        emp, ch = cell // n_ch, cell % n_ch
        t = self._times(rng, len(emp), m, self.style)
        keep = t >= self.hire_s[emp]
        emp, ch, t = emp[keep], ch[keep], t[keep]
        p_new = {"online": 0.45, "telesales": 0.25, "ecommerce": 0.5, "direct": 0.3}[b]
        new = (rng.random(len(emp)) < p_new) | (self.buyers.size[emp] == 0)
        cust = np.empty(len(emp), np.int64)
        cust[new] = self.customers.allocate(int(new.sum()))
        bias = 1.5 if b == "direct" else 2.0
        cust[~new] = self.buyers.sample(emp[~new], rng, bias)
        parts = [{"emp": emp, "ch": ch, "t": t, "cust": cust, "new": new}]
        if deals is not None:  # one order per deal call, same customer and agent
            k = len(deals["emp"])
            delay = rng.integers(600, 36 * 3600, k)
            t_deal = deals["t"] + delay
            late = t_deal >= _MONTH_END_S[m]
            t_deal[late] = deals["t"][late] + rng.integers(300, 1800, int(late.sum()))
            first = np.zeros(k, bool)
            _, at = np.unique(deals["cust"], return_index=True)
            first[at] = ~self.customers.is_buyer[deals["cust"][at]]
            parts.append({"emp": deals["emp"], "ch": np.zeros(k, np.int64), "t": t_deal,
                          "cust": deals["cust"], "new": first})
        rows = _cat(parts)
        if b == "direct":  # some new customers were referred by an existing customer
            ref = rows["new"] & (self.buyers.size[rows["emp"]] > 0) & (rng.random(len(rows["t"])) < 0.15)
            self.customers.referrer[rows["cust"][ref]] = self.buyers.sample(rows["emp"][ref], rng, 1.0)
        # some new customers order again within the month
        again = rows["new"] & (rng.random(len(rows["t"])) < {"direct": 0.05, "telesales": 0.05}.get(b, 0.09))
        extra = _take(rows, again)
        extra["t"] = extra["t"] + rng.integers(3600, 10 * _DAY, int(again.sum()))
        extra["new"] = np.zeros(int(again.sum()), bool)
        extra = _take(extra, extra["t"] < _MONTH_END_S[m])
        rows = _cat([rows, extra])
        rows["fixed"] = np.full(len(rows["t"]), np.nan)
        rows = self._planted_orders(m, rng, rows)
        won = rows["new"]
        self.customers.is_buyer[rows["cust"][won]] = True
        pool_new = won & np.isnan(rows["fixed"])  # planted customers stay out of the pool
        order = np.argsort(rows["t"], kind="stable")
        rows = _take(rows, order)
        pool_new = pool_new[order]
        cols = self._order_values(m, rng, rows)
        # refunds that arrive after the period closed
        if m >= _N_MONTHS - 2:
            done = np.flatnonzero(cols["status"] == 0)[-3:]
            cols["status"][done] = 2
            cols["refunded_s"][done] = _MONTH_END_S[m] + rng.integers(3600, 10 * _DAY, len(done))
        self.buyers.add(rows["emp"][pool_new], rows["cust"][pool_new])
        n = len(rows["t"])
        ids = np.arange(self.next_order, self.next_order + n)
        self.next_order += n
        completed = cols["status"] == 0
        np.add.at(self.revenue[:, m], rows["emp"][completed], cols["amount"][completed])
        if b in ("online", "ecommerce"):
            np.add.at(self.second[:, m], rows["emp"], 1)
        elif b == "direct":
            np.add.at(self.second[:, m], rows["emp"][rows["new"]], 1)
        refunded = cols["status"] == 2
        paid = ~np.isnan(cols["paid_day"])
        arrays = {
            "order_id": _ids("O", ids, self.order_width),
            "employee_id": self.emp_ids.take(pa.array(rows["emp"])),
            "customer_id": _ids("C", rows["cust"], self.cust_width),
            "order_date": _ts(rows["t"]),
            "amount": _num(cols["amount"]),
            "cost": _num(cols["cost"]),
            "quantity": _num(cols["quantity"]),
            "status": _vocab(_STATUS, cols["status"]),
            "paid_amount": _num(cols["paid_amount"]),
            "paid_date": _ts(np.nan_to_num(cols["paid_day"]).astype(np.int64) * _DAY, paid),
            "channel": _vocab(self.channels, rows["ch"]),
            "refunded_at": _ts(cols["refunded_s"], refunded),
        }
        if b == "ecommerce":
            arrays["shipped_at"] = _ts(cols["shipped_s"], cols["shipped_s"] > 0)
        if b == "direct":
            arrays["customer_tier"] = _vocab(("A", "B", "C"), cols["tier"])
            arrays["region"] = _vocab(_CITIES, cols["city"])
            referrer = self.customers.referrer[rows["cust"]]
            arrays["referred_by"] = _ids("C", np.maximum(referrer, 0), self.cust_width, referrer > 0)
        return _table(self.schemas["orders"], arrays)

    def _planted_orders(self, m: int, rng: np.random.Generator, rows: dict) -> dict:
        """Brushed and duplicate orders (e-commerce)."""
        extra = []

        def row(e: int, t: np.ndarray, cust: np.ndarray, amount: np.ndarray, new: np.ndarray) -> dict:
            k = len(t)
            return {"emp": np.full(k, e), "ch": np.full(k, self.tpl_team[e]), "t": t, "cust": cust,
                    "new": new, "fixed": amount}

        brush = self.tag.get("brush")
        if m == 21 and brush is not None:  # 2026-08
            t = int(np.datetime64("2026-08-15T20:00:00", "s").astype(np.int64)) + np.sort(
                rng.choice(3300, 24, replace=False))
            cust = np.repeat(self.customers.allocate(1), 24)
            new = np.zeros(24, bool)
            new[0] = True
            extra.append(row(brush, t, cust, rng.choice([9.9, 12.9, 15.9, 19.9], 24), new))
        for tag, month, stamp, gap, amount in (("dup1", 22, "2026-09-12T14:23:05", 37, 299.0),
                                               ("dup2", 23, "2026-10-20T10:41:12", 22, 458.0)):
            e = self.tag.get(tag)
            if m != month or e is None:
                continue
            if self.buyers.size[e] > 0:
                cust, new = self.buyers.sample(np.array([e]), rng, 2.0), np.zeros(2, bool)
                cust = np.repeat(cust, 2)
            else:
                cust, new = np.repeat(self.customers.allocate(1), 2), np.array([True, False])
            t0 = int(np.datetime64(stamp, "s").astype(np.int64))
            extra.append(row(e, np.array([t0, t0 + gap]), cust, np.full(2, amount), new))
        return _cat([rows, *extra]) if extra else rows

    def _order_values(self, m: int, rng: np.random.Generator, rows: dict) -> dict[str, np.ndarray]:
        b = self.business
        emp, t, cust = rows["emp"], rows["t"], rows["cust"]
        n = len(t)
        aov = self.aov[emp]
        promo = 0.9 if (b in ("online", "ecommerce") and _CAL[m] in (6, 11)) else 1.0
        out: dict[str, np.ndarray] = {}
        if b == "online":
            qty = np.minimum(rng.geometric(0.65, n), 6).astype(float)
            amount = np.round(qty * _lognormal(rng, 600, 0.55, n) * aov * promo, 2)
            ratio = rng.uniform(0.45, 0.7, n)
        elif b == "ecommerce":
            qty = (1 + rng.poisson(0.7, n)).astype(float)
            amount = np.round(qty * _lognormal(rng, 260, 0.6, n) * aov * promo, 2)
            ratio = rng.uniform(0.5, 0.75, n)
        elif b == "telesales":
            qty = (1 + (rng.random(n) < 0.1)).astype(float)
            amount = np.round(qty * _lognormal(rng, 3200, 0.45, n) * aov, 2)
            ratio = rng.uniform(0.25, 0.45, n)
        else:
            h = _hash01(cust, self.seed * 7919 + 1)
            tier = np.where(h < 0.08 * self.big[emp], 0, np.where(h < 0.4, 1, 2))
            lo, hi = np.array([10, 3, 1])[tier], np.array([51, 13, 4])[tier]
            qty = (lo + (rng.random(n) * (hi - lo)).astype(np.int64)).astype(float)
            unit = _lognormal(rng, np.array([1200.0, 1300.0, 1000.0])[tier], 0.35, n)
            amount = np.round(qty * unit * aov)
            ratio = rng.uniform(0.35, 0.55, n)
            home = np.array([_CITIES.index(c) for c in self.city])[emp]
            away = _hash01(cust, self.seed * 7919 + 2) < 0.2
            other = (_hash01(cust, self.seed * 7919 + 3) * len(_CITIES)).astype(np.int64)
            out["tier"], out["city"] = tier, np.where(away, other, home)
        ratio = np.where(rng.random(n) < 0.01, rng.uniform(1.0, 1.15, n), ratio)
        fixed = ~np.isnan(rows["fixed"])
        amount = np.where(fixed, rows["fixed"], amount)
        qty = np.where(fixed, 1.0, qty)
        out["amount"], out["quantity"] = amount, qty
        out["cost"] = np.round(amount * ratio, 2)

        p_cancel = {"online": 0.03, "telesales": 0.04, "ecommerce": 0.03, "direct": 0.02}[b]
        p_refund = {"online": 0.03, "telesales": 0.03, "ecommerce": 0.06, "direct": 0.015}[b]
        u = rng.random(n)
        status = np.where(u < p_cancel, 1, np.where(u < p_cancel + p_refund, 2, 0))
        status[fixed] = 0
        refund_s = t + np.minimum(_lognormal(rng, 4.0, 0.8, n), 30) * _DAY
        refund_s = refund_s.astype(np.int64)
        status[(status == 2) & (refund_s > _AS_OF_S)] = 0
        out["status"], out["refunded_s"] = status, refund_s

        day = t // _DAY
        paid_day = day.astype(float)
        paid = amount.copy()
        u = rng.random(n)
        if b == "telesales":
            later = u < 0.15
            paid_day[later] += rng.integers(1, 11, int(later.sum()))
        elif b == "direct":
            later = (u >= 0.65) & (u < 0.87)
            part = u >= 0.87
            paid_day[later] += rng.integers(7, 76, int(later.sum()))
            paid_day[part] += rng.integers(0, 31, int(part.sum()))
            paid[part] = np.round(amount[part] * rng.uniform(0.3, 0.8, int(part.sum())))
            e = self.tag.get("unpaid")
            if e is not None and m >= _N_MONTHS - 3:
                unpaid = (emp == e) & (rng.random(n) < 0.6)
                paid_day[unpaid] = np.nan
        unpaid = (status == 1) | np.isnan(paid_day) | (paid_day * _DAY > _AS_OF_S)
        paid[unpaid] = 0.0
        paid_day[unpaid] = np.nan
        out["paid_amount"], out["paid_day"] = paid, paid_day
        if b == "ecommerce":
            hours = _lognormal(rng, 18.0, 0.6, n) * self.ship[emp]
            shipped = (t + hours * 3600).astype(np.int64)
            shipped[(status == 1) | (shipped > _AS_OF_S)] = 0
            out["shipped_s"] = shipped
        return out

    # -- traffic (online, e-commerce) -------------------------------------------------
    def _traffic(self, m: int) -> pa.Table:
        rng = _rng(self.seed, self.business, "traffic", m)
        owners = np.flatnonzero(self.owned >= 0)
        n_days = _MONTH_DAYS[m]
        dw = self._day_weights(m, self.style)
        expected = self.lam_orders[owners, m] * self.p_ch[owners, self.owned[owners]]
        sessions_m = expected / self.conv[owners] / _PROMO_CONV.get(int(_CAL[m]), 1.0)
        emp = np.repeat(owners, n_days)
        day = np.tile(np.arange(n_days), len(owners))
        date = (_MONTH_DAY0[m] + day) * _DAY
        keep = date >= self.hire_day[emp] * _DAY
        k = len(emp)
        sessions = np.round(np.repeat(sessions_m, n_days) * dw[day] * rng.gamma(25, 1 / 25, k))
        ch = self.owned[emp]
        names = np.array(self.channels)[ch]
        engage = np.array([_ENGAGE[c] for c in self.channels])[ch]
        search = np.isin(names, _SEARCH)
        cpc = np.array([_CPC.get(r, 0.5) for r in self.role])[emp]
        qual = np.where(self.role[emp] == "operations", 0.55, 0.35) * self.skill[emp] ** 0.2
        impressions = np.round(sessions * rng.uniform(10, 25, k))
        rank = np.maximum(1, np.round(self.rank0[emp] * (1 - 0.15 * m / 23) + rng.normal(0, 1.5, k)))
        rows = {
            "emp": emp, "date": date, "ch": ch, "sessions": sessions,
            "uv": np.round(sessions * rng.uniform(0.72, 0.9, k)),
            "pv": np.round(sessions * rng.uniform(2.2, 4.5, k)),
            "qual": np.round(sessions * np.clip(qual * rng.uniform(0.85, 1.15, k), 0, 1)),
            "inq": np.round(sessions * 0.04 * rng.uniform(0.8, 1.2, k)),
            "spend": np.round(sessions * cpc * rng.uniform(0.8, 1.2, k), 2),
            "impr": impressions,
            "eng": np.round(impressions * engage * rng.uniform(0.8, 1.2, k)),
            "rank": np.where(search, rank, np.nan),
        }
        rows = _take(rows, np.flatnonzero(keep))
        rows = _take(rows, np.lexsort((rows["ch"], rows["emp"], rows["date"])))
        return _table(self.schemas["traffic"], {
            "date": _ts(rows["date"]),
            "channel": _vocab(self.channels, rows["ch"]),
            "employee_id": self.emp_ids.take(pa.array(rows["emp"])),
            "sessions": _num(rows["sessions"]), "unique_visitors": _num(rows["uv"]),
            "page_views": _num(rows["pv"]), "qualified_sessions": _num(rows["qual"]),
            "inquiries": _num(rows["inq"]), "spend": _num(rows["spend"]),
            "impressions": _num(rows["impr"]), "engagements": _num(rows["eng"]),
            "search_rank": _num(rows["rank"]),
        })

    # -- service tickets --------------------------------------------------------------
    def _service(self, m: int) -> pa.Table:
        rng = _rng(self.seed, self.business, "service", m)
        emp = np.repeat(np.arange(self.n), rng.poisson(self.lam_service[:, m]))
        style = "office" if self.business == "telesales" else self.style
        t = self._times(rng, len(emp), m, "office" if style == "office" else "service", style)
        keep = t >= self.hire_s[emp]
        emp, t = emp[keep], t[keep]
        n = len(emp)
        median = {"online": 1.5, "telesales": 0.3, "ecommerce": 2.5}[self.business]
        hours = _lognormal(rng, median, 1.0, n) * self.hours[emp]
        resolved = (t + hours * 3600).astype(np.int64)
        is_resolved = resolved <= _AS_OF_S
        fcr = rng.random(n) < self.p_fcr[emp]
        complaint = rng.random(n) < self.p_complaint[emp]
        score = np.clip(np.round(self.quality[emp] + rng.normal(0, 0.7, n) - 0.6 * ~fcr), 1, 5)
        score = np.where(complaint, rng.integers(1, 3, n), score)
        score = np.where(rng.random(n) < 0.7, score, np.nan)
        order = np.argsort(t, kind="stable")
        ids = np.arange(self.next_ticket, self.next_ticket + n)
        self.next_ticket += n
        return _table(self.schemas["service"], {
            "ticket_id": _ids("TK", ids, 8),
            "employee_id": self.emp_ids.take(pa.array(emp[order])),
            "opened_at": _ts(t[order]),
            "resolved_at": _ts(resolved[order], is_resolved[order]),
            "satisfaction": _num(score[order]),
            "is_complaint": pa.array(complaint[order]),
            "first_contact_resolved": pa.array(fcr[order]),
        })

    # -- inventory (e-commerce) -------------------------------------------------------
    def _inventory(self, m: int) -> pa.Table:
        rng = _rng(self.seed, self.business, "inventory", m)
        ops = np.flatnonzero(self.role == "shop_operator")
        mondays = self._mondays(m)
        n_sku = 6
        rank = np.arange(len(ops))
        nxt = min(m + 1, _N_MONTHS - 1)
        # stock is built for next month's expected cost of goods sold
        cogs = self.lam_orders[ops, nxt] * 140 * self.aov[ops] * 0.62
        base = cogs / self.turnover[ops] / n_sku
        share = np.array([1.6, 1.3, 1.0, 0.9, 0.7, 0.5])
        emp = np.broadcast_to(ops[None, :, None], (len(mondays), len(ops), n_sku))
        sku = np.broadcast_to((rank[:, None] * n_sku + np.arange(n_sku)[None, :] + 1)[None], emp.shape)
        date = np.broadcast_to((mondays * _DAY)[:, None, None], emp.shape)
        value = (base[None, :, None] * share[None, None, :] * rng.gamma(12, 1 / 12, emp.shape))
        emp, sku, date, value = emp.ravel(), sku.ravel(), date.ravel(), np.round(value.ravel(), 2)
        keep = date >= self.hire_day[emp] * _DAY
        return _table(self.schemas["inventory"], {
            "date": _ts(date[keep]),
            "sku": _ids("SKU", sku[keep], 5),
            "employee_id": self.emp_ids.take(pa.array(emp[keep])),
            "stock_value": _num(value[keep]),
        })

    @staticmethod
    def _mondays(m: int) -> np.ndarray:
        days = _MONTH_DAY0[m] + np.arange(_MONTH_DAYS[m])
        return days[(days + 3) % 7 == 0]

    # -- activities -------------------------------------------------------------------
    def _activities(self, m: int) -> pa.Table:
        b = self.business
        rng = _rng(self.seed, self.business, "activities", m)
        kinds = _ACTIVITY_KINDS[b]
        mondays = self._mondays(m)
        n_w = len(mondays)
        emp = np.tile(np.arange(self.n), n_w)
        date = np.repeat(mondays, self.n) * _DAY
        k = len(emp)
        skill, collab = self.skill[emp], self.collab[emp]
        touch = {"online": 40, "telesales": 60, "ecommerce": 80, "direct": 25}[b]
        leads = np.isin(self.role[emp], ("team_lead", "manager", "director", "senior_rep"))
        mentor_now = np.zeros(self.n, bool)
        mentees = np.flatnonzero((self.mentor >= 0) & (self.hire_m <= m))
        mentor_now[self.mentor[mentees]] = True
        taken = rng.poisson(0.25, k)
        counts = {
            "touch": rng.poisson(touch * skill ** 0.5),
            "new_contact": rng.poisson((8 if b == "direct" else 15) * skill ** 0.6),
            "referral": rng.poisson(0.4 * skill),
            "report_due": np.full(k, 5),
            "report_on_time": rng.binomial(5, self.diligence[emp]),
            "training_taken": taken,
            "training_passed": rng.binomial(taken, np.clip(0.6 + 0.2 * np.log(skill) + 0.15, 0.2, 0.98)),
            "innovation": rng.poisson(0.05 * skill),
            "compliance_violation": rng.poisson(np.where(skill < 0.6, 0.1, 0.012)),
            "info_share": rng.poisson(0.6 * collab),
            "assist": rng.poisson(0.3 * collab),
            "mentoring": rng.poisson(np.where(mentor_now[emp], 2.0, np.where(leads, 0.5, 0.0))),
        }
        always = {"touch", "new_contact", "report_due", "report_on_time"}
        parts = []
        for j, kind in enumerate(kinds):
            c = counts[kind]
            if kind == "training_passed":
                present = counts["training_taken"] > 0
            elif kind in always:
                present = np.ones(k, bool)
            else:
                present = c > 0
            present &= date >= self.hire_day[emp] * _DAY
            idx = np.flatnonzero(present)
            parts.append({"emp": emp[idx], "date": date[idx], "kind": np.full(len(idx), j),
                          "count": c[idx].astype(float)})
        rows = _cat(parts)
        rows = _take(rows, np.lexsort((rows["kind"], rows["emp"], rows["date"])))
        return _table(self.schemas["activities"], {
            "employee_id": self.emp_ids.take(pa.array(rows["emp"])),
            "date": _ts(rows["date"]),
            "activity": _vocab(kinds, rows["kind"]),
            "count": _num(rows["count"]),
        })

    # -- reviews (telesales, direct) --------------------------------------------------
    def _reviews(self, m: int) -> pa.Table:
        rng = _rng(self.seed, self.business, "reviews", m)
        active = self.hire_m <= m
        latent = np.stack([3.5 + 0.8 * np.log(self.skill), self.quality - 0.2,
                           3.6 + 0.6 * np.log(self.collab)], axis=1)  # per criterion
        parts = []

        def add(emp, reviewer, rtype, crit, bias, step=1.0):
            k = len(emp)
            if k == 0:
                return
            raw = latent[emp, crit] + bias + rng.normal(0, 0.6, k)
            score = np.clip(np.round(raw / step) * step, 1, 5)
            parts.append({"emp": emp, "rev": reviewer, "type": np.full(k, rtype),
                          "crit": np.full(k, crit), "score": score})

        staff = np.flatnonzero(active)
        for c in range(3):
            add(staff, staff, 0, c, 0.4)
        bossed = staff[(self.boss[staff] >= 0)]
        bossed = bossed[active[self.boss[bossed]]]
        for c in range(3):
            add(bossed, self.boss[bossed], 1, c, 0.0, step=0.5)
        for team in np.unique(self.team[staff]):
            members = staff[self.team[staff] == team]
            size = len(members)
            if size < 2:
                continue
            offsets = [rng.integers(1, size, size)]
            if size > 2:
                offsets.append(1 + (offsets[0] - 1 + rng.integers(1, size - 1, size)) % (size - 1))
            for off in offsets:
                peer = members[(np.arange(size) + off) % size]
                for c in range(3):
                    add(members, peer, 2, c, 0.1)
        n_customer = 3 if self.business == "direct" else 2
        sold = staff[self.buyers.size[staff] > 0]
        for j in range(n_customer):
            crit = 0 if (self.business == "direct" and j == 2) else 1
            add(sold, -1 - self.buyers.sample(sold, rng, 2.0), 3, crit, 0.3)
        rows = _cat(parts)
        rows = _take(rows, np.lexsort((rows["crit"], rows["type"], rows["emp"])))
        rev = rows["rev"]
        is_customer = rev < 0
        reviewer = pc.if_else(pa.array(is_customer),
                              _ids("C", np.where(is_customer, -1 - rev, 0), self.cust_width),
                              self.emp_ids.take(pa.array(np.maximum(rev, 0))))
        k = len(rev)
        return _table(self.schemas["reviews"], {
            "employee_id": self.emp_ids.take(pa.array(rows["emp"])),
            "period": pa.array([_PERIODS[m]] * k, pa.string()),
            "reviewer_id": reviewer,
            "reviewer_type": _vocab(("self", "manager", "peer", "customer"), rows["type"]),
            "criterion": _vocab(_CRITERIA, rows["crit"]),
            "score": _num(rows["score"]),
        })

    # -- targets ----------------------------------------------------------------------
    def _targets(self) -> pa.Table:
        rng = _rng(self.seed, self.business, "targets")
        b = self.business
        sells = np.array([_ORDER_W[r] > 0 for r in self.role])
        active = self.ramp > 0
        rows_e, rows_t = [], []
        money = "received_revenue" if b == "direct" else "revenue"  # direct sales pays on money received
        for kpi, actual, unit in ((money, self.revenue, 100.0),
                                  (_SECOND_TARGET[b], self.second, 10.0 if b == "telesales" else 1.0)):
            norm = self.market[None, :] * self.ramp
            level = np.where(active, actual / np.where(active, norm, 1), np.nan)
            target = np.full(level.shape, np.nan)
            first = np.argmax(active, axis=1)
            for m in range(_N_MONTHS):
                trail = level[:, max(0, m - 3):m]
                have = np.isfinite(trail).sum(axis=1) > 0
                base = np.full(self.n, np.nan)
                if have.any():
                    base[have] = np.nanmean(trail[have], axis=1)
                # no trailing month in the window: the first three active months stand in
                for i in np.flatnonzero(~have & active[:, m]):
                    base[i] = np.nanmean(level[i, first[i]:first[i] + 3])
                target[:, m] = base * self.market[m] * self.ramp[:, m] * rng.uniform(1.2, 1.3, self.n)
            target = np.where(active & sells[:, None], np.maximum(np.round(target / unit) * unit, unit), np.nan)
            rows_e.append((kpi, target))
            if kpi == money:
                for team in dict.fromkeys(self.team.tolist()):
                    tot = np.nansum(target[self.team == team], axis=0) * rng.uniform(1.0, 1.05, _N_MONTHS)
                    rows_t.append((team, np.round(tot, -3)))
        period, emp, team, kpi_col, value = [], [], [], [], []
        for m in range(_N_MONTHS):
            for kpi, target in rows_e:
                idx = np.flatnonzero(np.isfinite(target[:, m]))
                period += [_PERIODS[m]] * len(idx)
                emp.append(idx)
                team += [None] * len(idx)
                kpi_col += [kpi] * len(idx)
                value.append(target[idx, m])
            for name, tot in rows_t:
                if tot[m] > 0:
                    period.append(_PERIODS[m])
                    emp.append(np.array([-1]))
                    team.append(name)
                    kpi_col.append(money)
                    value.append(tot[m:m + 1])
        emp_arr = np.concatenate(emp)
        return _table(self.schemas["targets"], {
            "period": pa.array(period, pa.string()),
            "employee_id": self.emp_ids.take(pa.array(np.maximum(emp_arr, 0), mask=emp_arr < 0)),
            "team": pa.array(team, pa.string()),
            "kpi": pa.array(kpi_col, pa.string()),
            "target": _num(np.concatenate(value)),
        })


# ---------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------
def _setup(business: str, seed: int, scale: float, volumes: Mapping[str, float] | None) -> _Sim:
    check_one_of("business", business, BUSINESSES)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SalesperfError(f"The value for `seed` must be a non-negative integer, but {seed!r} was passed.")
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)) \
            or not np.isfinite(scale) or scale <= 0:
        raise SalesperfError(f"The value for `scale` must be a positive number, but {scale!r} was passed.")
    merged = dict(DEFAULT_VOLUMES[business])
    known = tuple(dict.fromkeys(k for v in DEFAULT_VOLUMES.values() for k in v))
    for key, value in (volumes or {}).items():
        check_one_of("volumes", key, known)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or not np.isfinite(value) or value < 0:
            raise SalesperfError(
                f"The value for `volumes['{key}']` must be a non-negative number of rows per "
                f"employee per month, but {value!r} was passed.")
        if key in merged:  # a table this business does not have is ignored
            merged[key] = float(value)
    return _Sim(business, int(seed), float(scale), merged)


def make_sample(business: str, *, seed: int = 0, scale: float = 1,
                volumes: dict[str, float] | None = None) -> dict[str, pd.DataFrame]:
    """Build the demo dataset of one business type in memory.

    Parameters
    ----------
    business : str
        One of :data:`BUSINESSES`: ``"online"`` (网销), ``"telesales"`` (电销),
        ``"ecommerce"`` (电商微商) or ``"direct"`` (直销).
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same data.
    scale : float, default 1
        Multiplies the number of teams (about 60 employees at 1; ``2`` doubles them
        exactly) and so every fact volume.
    volumes : dict, optional
        Mean rows per employee per month of the event tables, e.g.
        ``{"orders": 210, "calls": 42}``, averaged over the whole roster; the others keep
        their :data:`DEFAULT_VOLUMES`. Keys are ``orders``, ``calls`` and ``service``; one
        that the business has no table for is ignored, so one dict can serve all four.

    Returns
    -------
    dict of str to pandas.DataFrame
        Table name -> table, with the contract's column names and types (text as ``str``,
        dates as ``datetime64``, numbers as ``float64``, flags as ``bool``). Every table
        passes its :mod:`salesperf_kit.schemas` model and
        :func:`salesperf_kit.schemas.check_references` finds nothing.

    Raises
    ------
    SalesperfError
        When ``business``, ``seed``, ``scale`` or ``volumes`` is not valid.

    See Also
    --------
    write_sample : the same data written to files, month by month.

    Examples
    --------
    >>> tables = make_sample("telesales", volumes={"calls": 20})
    >>> sorted(tables)[:3]
    ['activities', 'calls', 'employees']
    """
    sim = _setup(business, seed, scale, volumes)
    parts: dict[str, list[pa.Table]] = {name: [] for name in sim.tables}
    for name, chunk in sim.chunks():
        parts[name].append(chunk)
    return {name: pa.concat_tables(parts[name]).to_pandas() if parts[name]
            else sim.schemas[name].empty_table().to_pandas() for name in sim.tables}


def _csv_ready(table: pa.Table, date_only: tuple[str, ...]) -> pa.Table:
    arrays = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_timestamp(field.type):
            fmt = "%Y-%m-%d" if field.name in date_only else "%Y-%m-%d %H:%M:%S"
            column = pc.strftime(pc.cast(column, pa.timestamp("s")), format=fmt)
        arrays.append(column)
    return pa.Table.from_arrays(arrays, names=table.schema.names)


class _CsvSink:
    def __init__(self, path: pathlib.Path, schema: pa.Schema, date_only: tuple[str, ...]):
        self.file = open(path, "wb")
        self.file.write((",".join(schema.names) + "\n").encode("utf-8"))
        self.date_only = date_only
        self.options = pa_csv.WriteOptions(include_header=False, quoting_style="none")

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            buffer = pa.BufferOutputStream()
            pa_csv.write_csv(_csv_ready(table, self.date_only), buffer, self.options)
            self.file.write(buffer.getvalue().to_pybytes())

    def close(self) -> None:
        self.file.close()


class _ParquetSink:
    def __init__(self, path: pathlib.Path, schema: pa.Schema):
        self.writer = pq.ParquetWriter(path, schema, compression="zstd")

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.writer.write_table(table)

    def close(self) -> None:
        self.writer.close()


def write_sample(business: str, out_dir, *, seed: int = 0, scale: float = 1,
                 volumes: dict[str, float] | None = None, fmt: str = "csv") -> list[pathlib.Path]:
    """Write the demo dataset of one business type, one file per table.

    Rows are generated and appended month by month, so the whole of a table is never held
    in memory; within each file rows are sorted by their date (for Parquet each month is a
    row group, so readers can skip months).

    Parameters
    ----------
    business : str
        One of :data:`BUSINESSES`.
    out_dir : str or os.PathLike
        Folder to write into; created when missing. Files are named after the tables
        (``employees.csv``, ``orders.csv``, ...) and replaced when present; a hidden
        record of them (:data:`SAMPLE_RECORD`) lets a report say that its data are
        generated (:func:`is_generated`).
    seed, scale, volumes
        As for :func:`make_sample`; the same arguments give the same data, and
        byte-identical files.
    fmt : {"csv", "parquet"}, default "csv"
        CSV is UTF-8 with a header row, dates as ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM:SS``,
        flags as ``true``/``false`` and empty cells for missing values. Parquet is
        zstd-compressed with the contract's types.

    Returns
    -------
    list of pathlib.Path
        The table files written, in table order.

    Raises
    ------
    SalesperfError
        When an argument is not valid.

    Examples
    --------
    >>> paths = write_sample("direct", "demo_data/direct")  # doctest: +SKIP
    """
    check_one_of("business", business, BUSINESSES)
    check_one_of("fmt", fmt, _FORMATS)
    sim = _setup(business, seed, scale, volumes)
    folder = pathlib.Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.{fmt}" for name in sim.tables}
    temp = {name: path.with_name(path.name + ".part") for name, path in paths.items()}
    sinks: dict[str, _CsvSink | _ParquetSink] = {}
    try:
        for name in sim.tables:
            if fmt == "csv":
                sinks[name] = _CsvSink(temp[name], sim.schemas[name], _DATE_ONLY.get(name, ()))
            else:
                sinks[name] = _ParquetSink(temp[name], sim.schemas[name])
        for name, chunk in sim.chunks():
            sinks[name].write(chunk)
    except BaseException:
        for sink in sinks.values():
            sink.close()
        for path in temp.values():
            path.unlink(missing_ok=True)
        raise
    for name in sim.tables:
        sinks[name].close()
        os.replace(temp[name], paths[name])
    record = {"business": business, "seed": seed, "scale": scale, "volumes": dict(volumes or {}), "format": fmt,
              "files": {paths[name].name: sha256_of(paths[name]) for name in sim.tables}}
    (folder / SAMPLE_RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return [paths[name] for name in sim.tables]


def is_generated(path) -> bool:
    """True when ``path`` is a folder of data that :func:`write_sample` wrote and nobody
    has changed since: its record (:data:`SAMPLE_RECORD`) lists every file of the folder
    (hidden files and Office lock files aside) with the same SHA-256. A file edited, added
    or removed makes the data someone's own."""
    folder = pathlib.Path(path)
    try:
        files = json.loads((folder / SAMPLE_RECORD).read_text(encoding="utf-8"))["files"]
        present = {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))}
        return (isinstance(files, dict) and present == set(files)
                and all(sha256_of(folder / name) == digest for name, digest in files.items()))
    except (OSError, ValueError, KeyError, TypeError):
        return False
