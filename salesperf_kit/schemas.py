"""The data contract: every table the kit reads, declared once with pandera.

Each table is a :class:`pandera.pandas.DataFrameModel`. ``Optional[...]`` columns may be
absent; columns with ``nullable=True`` may have empty cells. Allowed values, ranges and
unique ids are declared here; references between tables (every ``employee_id`` exists in
``employees``, ``manager_id`` points to an employee, the hierarchy has no cycle) are
checked by :func:`check_references`.

Use ``Orders.amount`` style access (``Model.column``) rather than loose strings where a
column name is needed in code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ._checks import did_you_mean, did_you_mean_person
from .catalogue import CATALOGUE, Note
from .exceptions import Problem

__all__ = [
    "Employees", "Orders", "Calls", "Traffic", "Service", "Reviews", "Activities",
    "Inventory", "Targets", "KPISheet", "TABLES", "TableSpec", "ORDER_STATUSES",
    "CALL_OUTCOMES", "REVIEWER_TYPES", "ACTIVITY_KINDS", "check_references",
]

ORDER_STATUSES = ("completed", "cancelled", "refunded")
CALL_OUTCOMES = ("none", "intent", "deal", "complaint")
REVIEWER_TYPES = ("self", "manager", "peer", "customer")
ACTIVITY_KINDS = (
    "touch", "report_due", "report_on_time", "referral", "new_contact", "training_taken",
    "training_passed", "mentoring", "innovation", "compliance_violation",
    # collaboration (seed 001/004): sharing information, helping a colleague close a deal
    "info_share", "assist",
)


class _Base(pa.DataFrameModel):
    class Config:
        strict = False  # unused columns are allowed; the loader lists them as warnings
        coerce = False  # the loader parses types itself and reports every value it cannot parse


class Employees(_Base):
    """一名销售人员 / 坐席: a salesperson or agent."""

    employee_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    name: Series[str]
    team: Series[str]
    role: Series[str]
    manager_id: Optional[Series[str]] = pa.Field(nullable=True)
    hire_date: Optional[Series[pd.Timestamp]] = pa.Field(nullable=True)
    #: last working day of someone who has left (empty while employed); no target after it
    leave_date: Optional[Series[pd.Timestamp]] = pa.Field(nullable=True)
    region: Optional[Series[str]] = pa.Field(nullable=True)
    mentor_id: Optional[Series[str]] = pa.Field(nullable=True)
    base_pay: Optional[Series[float]] = pa.Field(ge=0, nullable=True)


class Orders(_Base):
    """一笔订单: an order."""

    order_id: Series[str] = pa.Field(unique=True)
    employee_id: Series[str]
    customer_id: Series[str]
    order_date: Series[pd.Timestamp]
    amount: Series[float] = pa.Field(ge=0)
    cost: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    quantity: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    status: Optional[Series[str]] = pa.Field(isin=ORDER_STATUSES)
    paid_amount: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    paid_date: Optional[Series[pd.Timestamp]] = pa.Field(nullable=True)
    channel: Optional[Series[str]] = pa.Field(nullable=True)
    shipped_at: Optional[Series[pd.Timestamp]] = pa.Field(nullable=True)
    customer_tier: Optional[Series[str]] = pa.Field(nullable=True)
    region: Optional[Series[str]] = pa.Field(nullable=True)
    referred_by: Optional[Series[str]] = pa.Field(nullable=True)
    refunded_at: Optional[Series[pd.Timestamp]] = pa.Field(nullable=True)


class Calls(_Base):
    """一通电话: a phone call."""

    # unique when given; a log without ids (many dialler exports) loads, with a warning
    call_id: Optional[Series[str]] = pa.Field(unique=True)
    employee_id: Series[str]
    started_at: Series[pd.Timestamp]
    duration_s: Series[float] = pa.Field(ge=0)
    connected: Series[bool]
    customer_id: Optional[Series[str]] = pa.Field(nullable=True)
    outcome: Optional[Series[str]] = pa.Field(isin=CALL_OUTCOMES, nullable=True)


class Traffic(_Base):
    """一天 × 一个渠道 (× 负责人) 的流量: traffic of a day and channel."""

    date: Series[pd.Timestamp]
    channel: Series[str]
    employee_id: Optional[Series[str]] = pa.Field(nullable=True)
    # optional: an export of leads or ad spend alone has no visit counts; the KPIs that
    # need them are left out with a notice naming the column
    sessions: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    unique_visitors: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    page_views: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    qualified_sessions: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    inquiries: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    spend: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    impressions: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    engagements: Optional[Series[float]] = pa.Field(ge=0, nullable=True)
    search_rank: Optional[Series[float]] = pa.Field(ge=1, nullable=True)


class Service(_Base):
    """一张客服工单 / 一次会话: a customer-service ticket."""

    ticket_id: Optional[Series[str]] = pa.Field(unique=True)  # as call_id
    employee_id: Series[str]
    opened_at: Series[pd.Timestamp]
    # each of these gives its own KPIs (resolution time, satisfaction, complaints, first-contact
    # resolution): an export without one leaves those KPIs out, with a notice, not the table
    resolved_at: Optional[Series[pd.Timestamp]] = pa.Field(nullable=True)
    satisfaction: Optional[Series[float]] = pa.Field(ge=1, le=5, nullable=True)
    is_complaint: Optional[Series[bool]]
    first_contact_resolved: Optional[Series[bool]]


class Reviews(_Base):
    """一次评价: one rating of one person (360 degree)."""

    employee_id: Series[str]
    period: Series[str]
    reviewer_id: Series[str] = pa.Field(nullable=True)
    reviewer_type: Series[str] = pa.Field(isin=REVIEWER_TYPES)
    criterion: Series[str]
    score: Series[float] = pa.Field(ge=1, le=5)


class Activities(_Base):
    """一条行为记录: a counted behaviour."""

    employee_id: Series[str]
    date: Series[pd.Timestamp]
    activity: Series[str] = pa.Field(isin=ACTIVITY_KINDS)
    count: Series[float] = pa.Field(ge=0)


class Inventory(_Base):
    """一次库存快照: a stock snapshot."""

    date: Series[pd.Timestamp]
    sku: Series[str]
    employee_id: Optional[Series[str]] = pa.Field(nullable=True)
    stock_value: Series[float] = pa.Field(ge=0)


class Targets(_Base):
    """一个目标: a target for a person or a team, for one KPI and period."""

    period: Series[str]
    employee_id: Optional[Series[str]] = pa.Field(nullable=True)
    team: Optional[Series[str]] = pa.Field(nullable=True)
    kpi: Series[str] = pa.Field(isin=tuple(CATALOGUE))
    target: Series[float]


class KPISheet(_Base):
    """预计算的月度指标表: monthly figures per person exported from a CRM."""

    employee_id: Series[str]
    period: Series[str]


@dataclass(frozen=True)
class TableSpec:
    """What the loader needs to know of one table, derived from its model."""

    name: str
    model: type[pa.DataFrameModel]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    dates: tuple[str, ...]
    numbers: tuple[str, ...]
    booleans: tuple[str, ...]
    texts: tuple[str, ...]
    key: str | None  # the unique id column, if any
    zh: str

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def _spec(name: str, model: type[pa.DataFrameModel], zh: str) -> TableSpec:
    schema = model.to_schema()
    req, opt, dates, nums, bools, texts = [], [], [], [], [], []
    key = None
    for col, c in schema.columns.items():
        (req if c.required else opt).append(col)
        dtype = str(c.dtype)
        if "datetime" in dtype:
            dates.append(col)
        elif "float" in dtype or "int" in dtype:
            nums.append(col)
        elif "bool" in dtype:
            bools.append(col)
        else:
            texts.append(col)
        if c.unique and key is None:
            key = col
    return TableSpec(name, model, tuple(req), tuple(opt), tuple(dates), tuple(nums),
                     tuple(bools), tuple(texts), key, zh)


TABLES: dict[str, TableSpec] = {
    s.name: s
    for s in [
        _spec("employees", Employees, "员工"),
        _spec("orders", Orders, "订单"),
        _spec("calls", Calls, "通话"),
        _spec("traffic", Traffic, "流量"),
        _spec("service", Service, "客服工单"),
        _spec("reviews", Reviews, "评价"),
        _spec("activities", Activities, "行为"),
        _spec("inventory", Inventory, "库存"),
        _spec("targets", Targets, "目标"),
        _spec("kpi_sheet", KPISheet, "指标表"),
    ]
}


_EMPLOYEE_ID = Note("an employee_id of the employees table", "员工表中的工号")


def check_references(tables: dict[str, pd.DataFrame], *, row_of=None, source_of=None,
                     header_of=None) -> list[Problem]:
    """Cross-table checks: ids that must exist elsewhere, and a hierarchy without cycles.

    ``row_of(table, index)`` gives the user-facing row number of a row and
    ``source_of(table)`` its ``(file, sheet)``; both default to plain positions.
    ``header_of(table, column)`` gives the export's header of a column (None when it is the
    column's name), by which a finding names the column.
    """
    row_of = row_of or (lambda table, i: int(i) + 2)
    source_of = source_of or (lambda table: (None, None))
    header_of = header_of or (lambda table, column: None)
    problems: list[Problem] = []
    emp = tables.get("employees")
    if emp is None or "employee_id" not in emp:
        return problems
    known = set(emp["employee_id"].dropna().astype(str))
    # (employee_id, name): an id that is a person's name mistyped (吴夏 for 吴霞) suggests them
    people = list(zip(emp["employee_id"].astype(str), emp["name"])) if "name" in emp else []

    def missing(table: str, column: str, allowed: set[str], what: Note, fix: Note) -> None:
        df = tables[table]
        values = df[column]
        bad = values.notna() & ~values.astype(str).isin(allowed)
        file, sheet = source_of(table)
        header = header_of(table, column)
        header = header if header and header != column else None
        label = f"'{header}' ({column})" if header else column
        label_zh = f"「{header}」（{column}）" if header else column
        hints: dict[str, str] = {}  # one look-up per distinct value: a typo is often repeated
        for i, v in values[bad].items():
            if str(v) not in hints:
                hints[str(v)] = did_you_mean(v, allowed) or (
                    did_you_mean_person(v, people) if allowed is known else Note("", ""))
            problems.append(Problem(
                table=table, check="references", file=file, sheet=sheet, row=row_of(table, i),
                column=column, header=header, value=v,
                message=Note(f"{label} {v!r} is not {what}", f"{label_zh}「{v}」不是{what.zh}"),
                fix=Note(fix + (f".{hints[str(v)]}" if hints[str(v)] else ""), fix.zh + (f"；{hints[str(v)].zh}" if hints[str(v)] else ""))))

    for table, df in tables.items():
        if table == "employees" or df is None:
            continue
        if "employee_id" in df.columns:
            missing(table, "employee_id", known, _EMPLOYEE_ID, Note("add the person to employees, or correct the id",
                                                                    "把此人加入员工表，或改正工号"))
    if "manager_id" in emp.columns:
        missing("employees", "manager_id", known, _EMPLOYEE_ID, Note(
                "a manager is an employee too: add a row for them to the employees table (with their own "
                "manager_id), or point manager_id at an existing employee, or leave it empty for the top; when "
                "the export names the managers only in this column, data.managers: {role: manager} adds them",
                "经理也是员工：在员工表中为其添加一行（填写其本人的 manager_id），或让 manager_id 指向已有员工，最高层"
                "则留空；导出文件只在该列写出经理时，data.managers: {role: manager} 会把他们添加为员工"))
        parent = dict(zip(emp["employee_id"].astype(str), emp["manager_id"]))
        file, sheet = source_of("employees")
        reported: set[str] = set()
        for i, start in emp["employee_id"].astype(str).items():
            seen, node = [], start
            while node in parent and pd.notna(parent[node]) and node not in seen:
                seen.append(node)
                node = str(parent[node])
            if node in seen and node == start and start not in reported:
                cycle = seen[seen.index(node):] + [node]
                reported.update(cycle)
                problems.append(Problem(
                    table="employees", check="hierarchy_cycle", file=file, sheet=sheet,
                    row=row_of("employees", i), column="manager_id", value=parent[start],
                    message=Note("the manager hierarchy has a cycle: " + " -> ".join(cycle),
                                 "上下级关系形成了循环：" + " -> ".join(cycle)),
                    fix=Note("break the cycle so that one person at the top has no manager_id",
                             "打断循环，让最高层的一个人没有 manager_id")))
    if "mentor_id" in emp.columns:
        missing("employees", "mentor_id", known, _EMPLOYEE_ID,
                Note("point mentor_id at an existing employee, or leave it empty", "让 mentor_id 指向已有员工，或留空"))
    targets = tables.get("targets")
    if targets is not None and "team" in targets.columns:
        missing("targets", "team", set(emp["team"].dropna().astype(str)),
                Note("a team of the employees table", "员工表中的团队"),
                Note("use a team name exactly as in employees", "团队名称须与员工表中的完全一致"))
    return problems
