"""The usual names of tables, columns and values in clients' exports.

A typical Chinese or English export loads with no mapping because its headers, file or
sheet names and coded values are listed here. Matching goes through :func:`normalise`,
so it ignores case, surrounding spaces, spaces versus underscores or hyphens, and
full-width versus half-width characters (``通话时长（秒）`` matches ``通话时长(秒)``,
``Order_ID`` matches ``order id``).

Anything a client names differently is mapped in the parameter file (``data.columns``,
``data.values``, ``data.files``), never by editing these lists for one client.
"""
from __future__ import annotations

import re
import unicodedata

from .catalogue import CATALOGUE

__all__ = [
    "COLUMN_ALIASES",
    "KPI_HEADERS",
    "NEAR_COLUMNS",
    "VALUE_ALIASES",
    "TABLE_ALIASES",
    "BOOLEAN_VALUES",
    "normalise",
    "table_of_name",
]

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise(text: object) -> str:
    """The form in which names and coded values are compared.

    Unicode NFKC (full-width letters, digits and brackets become half-width), lower
    case, and no spaces, underscores or hyphens.

    Examples
    --------
    >>> normalise(" Order_ID ") == normalise("order id") == normalise("ＯｒｄｅｒＩＤ")
    True
    >>> normalise("通话时长（秒）") == normalise("通话时长 (秒)")
    True
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text)).strip().lower())


# --- column aliases -------------------------------------------------------------------
# Lists shared by several tables first, then one dict per table.

_EMPLOYEE_ID = [
    "员工编号", "员工ID", "员工号", "工号", "销售编号", "销售ID", "销售工号", "销售员", "销售人员",
    "业务员", "业务员编号", "负责人", "归属人", "Employee ID", "Employee", "Sales Agent", "Agent",
    "Salesperson", "Sales Person", "Sales Rep", "Rep", "Owner",
]
# (买家ID, 买家会员名: the buyer of a shop's export, 淘宝, 有赞, 抖店; not 买家昵称, a display name that
# changes and that two buyers may share, which the same exports often carry beside one of them)
_CUSTOMER_ID = ["客户编号", "客户ID", "客户号", "客户", "客户名称", "买家ID", "买家会员名", "Customer ID", "Customer",
                "Client ID"]
_DATE = ["日期", "Date", "Day"]
_PERIOD = ["考核期", "考核周期", "期间", "月份", "周期", "Period", "Month"]
_REGION = ["地区", "区域", "大区", "Region", "Area"]
_TEAM = ["团队", "部门", "小组", "组别", "所属部门", "所在部门", "部门名称", "所属团队", "所属小组", "销售团队",
         "Team", "Department", "Group"]
_CHANNEL = ["渠道", "来源渠道", "销售渠道", "流量渠道", "Channel", "Source"]

COLUMN_ALIASES: dict[str, dict[str, list[str]]] = {
    "employees": {
        "employee_id": _EMPLOYEE_ID,
        "name": ["姓名", "员工姓名", "销售姓名", "名字", "Name", "Employee Name", "Full Name"],
        "team": _TEAM,
        "role": ["岗位", "职位", "角色", "职务", "岗位名称", "Role", "Position", "Job Title", "Title"],
        "manager_id": ["上级编号", "上级工号", "上级ID", "上级", "直属上级", "上级主管", "直属主管", "直属领导",
                       "上级领导", "汇报对象", "主管编号", "Manager ID",
                       "Supervisor ID"],
        "hire_date": ["入职日期", "入职时间", "Hire Date", "Start Date", "Joined"],
        "leave_date": ["离职日期", "离职时间", "Leave Date", "Termination Date"],
        "region": _REGION,
        "mentor_id": ["导师编号", "导师", "带教人", "师傅", "Mentor ID", "Mentor"],
        "base_pay": ["底薪", "基本工资", "基本薪资", "Base Pay", "Base Salary"],
    },
    "orders": {
        "order_id": ["订单编号", "订单号", "订单ID", "单号", "单据编号", "单据号", "销售单号", "Order ID", "Order No", "Order Number"],
        "employee_id": _EMPLOYEE_ID,
        "customer_id": _CUSTOMER_ID,
        "order_date": ["下单日期", "下单时间", "订单日期", "订单时间", "成交日期", "成交时间", "单据日期", "业务日期",
                       "销售日期", "开单日期",
                       "Order Date", "Order Time"],
        "amount": ["订单金额", "金额", "销售额", "成交金额", "销售金额", "Sales", "Amount",
                   "Order Amount", "Revenue"],
        "cost": ["成本", "成本金额", "Cost"],
        "quantity": ["数量", "销售数量", "件数", "Quantity", "Qty", "Units"],
        "status": ["订单状态", "状态", "交易状态", "Status", "Order Status"],
        "paid_amount": ["回款金额", "到账金额", "实付金额", "实收金额", "Paid Amount", "Amount Paid"],
        "paid_date": ["回款日期", "到账日期", "回款时间", "到账时间", "Paid Date", "Payment Date"],
        "channel": _CHANNEL,
        "shipped_at": ["发货时间", "发货日期", "Shipped At", "Ship Date", "Shipping Date"],
        "customer_tier": ["客户等级", "客户级别", "客户类型", "Customer Tier", "Tier", "Segment"],
        "region": _REGION,
        "referred_by": ["推荐人", "介绍人", "转介绍人", "Referred By", "Referrer"],
        "refunded_at": ["退款时间", "退款日期", "Refunded At", "Refund Date"],
    },
    "calls": {
        "call_id": ["通话编号", "通话ID", "呼叫编号", "呼叫ID", "通话记录编号", "Call ID"],
        "employee_id": _EMPLOYEE_ID + ["坐席", "坐席工号", "坐席编号", "座席", "座席工号"],
        "started_at": ["呼叫时间", "通话开始时间", "开始时间", "拨打时间", "外呼时间", "Start Time",
                       "Started At", "Call Time", "Call Start"],
        "duration_s": ["通话时长(秒)", "通话时长", "通话秒数", "时长(秒)", "时长", "Duration",
                       "Duration (s)", "Talk Duration", "Talk Time"],
        "connected": ["是否接通", "接通", "接通状态", "已接通", "Connected", "Answered",
                      "Answered (Y/N)"],
        "customer_id": _CUSTOMER_ID,
        "outcome": ["通话结果", "结果", "呼叫结果", "Outcome", "Result", "Call Result"],
    },
    "traffic": {
        "date": _DATE,
        "channel": _CHANNEL,
        "employee_id": _EMPLOYEE_ID,
        "sessions": ["访问量", "会话数", "访问次数", "流量", "Sessions", "Visits"],
        "unique_visitors": ["访客数", "独立访客", "独立访客数", "UV", "Unique Visitors", "Visitors",
                            "Users"],
        "page_views": ["浏览量", "页面浏览量", "PV", "Page Views", "Pageviews"],
        "qualified_sessions": ["精准流量", "有效流量", "Qualified Sessions"],
        "inquiries": ["咨询量", "咨询数", "咨询人数", "询盘数", "Inquiries", "Enquiries"],
        "spend": ["花费", "推广费用", "广告费", "消耗", "推广费", "Spend", "Spent", "Ad Spend", "Cost"],
        "impressions": ["曝光量", "展现量", "曝光", "Impressions"],
        "engagements": ["互动量", "互动数", "Engagements", "Engagement"],
        "search_rank": ["搜索排名", "排名", "Search Rank", "Rank"],
    },
    "service": {
        "ticket_id": ["工单编号", "工单号", "工单ID", "会话编号", "Ticket ID", "Case ID"],
        "employee_id": _EMPLOYEE_ID + ["客服", "客服工号", "客服编号"],
        "opened_at": ["创建时间", "开始时间", "提交时间", "受理时间", "Opened At", "Created At",
                      "Created"],
        "resolved_at": ["解决时间", "关闭时间", "完结时间", "Resolved At", "Closed At"],
        "satisfaction": ["满意度", "满意度评分", "客户满意度", "Satisfaction", "Satisfaction rating",
                         "CSAT"],
        "is_complaint": ["是否投诉", "投诉", "Complaint", "Is Complaint"],
        "first_contact_resolved": ["首次解决", "一次解决", "是否首次解决", "First Contact Resolved",
                                   "First Contact Resolution", "FCR"],
    },
    "reviews": {
        "employee_id": _EMPLOYEE_ID + ["被评价人", "被评人", "被考核人"],
        "period": _PERIOD,
        "reviewer_id": ["评价人", "评价人编号", "评价人工号", "评分人", "Reviewer", "Reviewer ID"],
        "reviewer_type": ["评价人类型", "评价类型", "评价人身份", "Reviewer Type"],
        "criterion": ["评价维度", "维度", "考核项", "评价项", "Criterion", "Criteria", "Dimension"],
        "score": ["评分", "得分", "分数", "Score", "Rating"],
    },
    "activities": {
        "employee_id": _EMPLOYEE_ID,
        "date": _DATE,
        "activity": ["行为", "行为类型", "活动", "活动类型", "Activity", "Activity Type"],
        "count": ["次数", "数量", "Count", "Times"],
    },
    "inventory": {
        "date": _DATE + ["快照日期", "盘点日期"],
        "sku": ["商品编号", "商品ID", "货号", "品类", "类目", "SKU", "Product ID", "Category"],
        "employee_id": _EMPLOYEE_ID,
        "stock_value": ["库存金额", "库存价值", "库存货值", "Stock Value", "Inventory Value"],
    },
    "targets": {
        "period": _PERIOD,
        "employee_id": _EMPLOYEE_ID,
        "team": _TEAM,
        "kpi": ["指标", "指标名称", "考核指标", "KPI"],
        "target": ["目标值", "目标", "Target", "Goal"],
    },
    "kpi_sheet": {
        "employee_id": _EMPLOYEE_ID,
        "period": _PERIOD,
    },
}

NEAR_COLUMNS: dict[str, list[dict[str, tuple[str, str]]]] = {
    # 实付金额 is the money collected in an ERP's export, but the order's revenue in a shop's (淘宝, 有赞, 抖店)
    "orders": [{"amount": ("order amount", "订单金额"), "paid_amount": ("money collected", "回款金额")}],
}
"""Per table, groups of columns of close meaning, with what each means (English, Chinese):
the header an alias gave to one of a group may be the one a client meant for another. A
required column that no header gives names the header taken for the others of its group."""

KPI_HEADERS: dict[str, list[str]] = {
    "orders": ["订单数", "订单量", "成交单数", "单量", "Order Count"],
    "calls": ["通话量", "通话数", "外呼量", "外呼数", "呼出量", "拨打量", "Call Count"],
    "effective_talk_minutes": ["有效通话时长", "有效通话时长(分钟)", "有效通话分钟数"],
    # counts beside the KPIs (catalogue.SHEET_COUNTS)
    "connected": ["接通量", "接通数", "接通次数", "接通电话数", "Connected", "Connected Calls"],
    "complaints": ["投诉数", "投诉量", "投诉次数", "Complaints"],
    "buyers": ["成交客户数", "购买客户数", "成交人数", "Buyers"],
    "inquiries": ["咨询量", "咨询数", "询盘数", "询盘量", "Inquiries"],
    "tickets": ["工单数", "工单量", "Tickets"],
    "fcr": ["首次解决工单数", "一次解决工单数", "首次解决数"],
}
"""Headers of a KPI sheet's columns besides the KPIs' names and labels in the catalogue."""

# --- value aliases --------------------------------------------------------------------

BOOLEAN_VALUES: dict[str, bool] = {
    "是": True, "否": False, "y": True, "n": False, "yes": True, "no": False,
    "true": True, "false": False, "t": True, "f": False, "1": True, "0": False,
    "对": True, "错": False, "有": True, "无": False,
}
"""Yes/no spellings accepted in every boolean column (compared after :func:`normalise`)."""

_CONNECTED = {"已接通": True, "未接通": False, "接通": True, "未接": False, "answered": True,
              "unanswered": False, "connected": True, "not connected": False}

_ACTIVITIES = {
    "触达": "touch", "客户触达": "touch", "拜访": "touch", "跟进": "touch",
    "应提报": "report_due", "提报": "report_due", "按时提报": "report_on_time",
    "及时提报": "report_on_time", "转介绍": "referral", "推荐": "referral",
    "新增联系人": "new_contact", "新联系人": "new_contact", "参加培训": "training_taken",
    "培训": "training_taken", "培训通过": "training_passed", "考核通过": "training_passed",
    "带教": "mentoring", "创新": "innovation", "创新贡献": "innovation",
    "违规": "compliance_violation", "合规违规": "compliance_violation",
    "信息共享": "info_share", "分享信息": "info_share", "协助": "assist", "协助成交": "assist",
}

VALUE_ALIASES: dict[str, dict[str, dict[str, object]]] = {
    "orders": {
        "status": {
            "已完成": "completed", "完成": "completed", "成交": "completed", "已成交": "completed",
            "已签收": "completed", "交易成功": "completed", "交易完成": "completed", "已收货": "completed",
            "确认收货": "completed", "completed": "completed",
            "complete": "completed", "won": "completed",
            "已取消": "cancelled", "取消": "cancelled", "交易关闭": "cancelled", "已关闭": "cancelled",
            "已作废": "cancelled", "作废": "cancelled",
            "cancelled": "cancelled", "canceled": "cancelled",
            "已退款": "refunded", "退款": "refunded", "退款成功": "refunded", "退款完成": "refunded",
            # goods sent back are refunded (a return with no refund is not a sale kept either)
            "已退货": "refunded", "退货": "refunded", "退货退款": "refunded", "已退货退款": "refunded",
            "refunded": "refunded", "returned": "refunded",
        },
    },
    "calls": {
        "connected": _CONNECTED,
        "outcome": {
            "无": "none", "none": "none", "无意向": "none", "意向": "intent", "有意向": "intent",
            "intent": "intent", "成交": "deal", "deal": "deal", "投诉": "complaint",
            "complaint": "complaint",
        },
    },
    "service": {"is_complaint": {}, "first_contact_resolved": {}},
    "reviews": {
        "reviewer_type": {
            "自评": "self", "本人": "self", "上级": "manager", "主管": "manager", "经理": "manager",
            "同事": "peer", "同级": "peer", "同事互评": "peer", "客户": "customer",
        },
    },
    "activities": {"activity": _ACTIVITIES},
    "targets": {
        # a targets sheet may name the KPI by its Chinese or English label
        "kpi": {
            **{info.zh: name for name, info in CATALOGUE.items()},
            **{info.en: name for name, info in CATALOGUE.items()},
        },
    },
}
"""Per table and column: coded value → contract value (keys compared after :func:`normalise`).

Boolean columns accept :data:`BOOLEAN_VALUES` plus the column's own entries here.
"""

# --- table aliases --------------------------------------------------------------------

_TABLE_NAMES: dict[str, list[str]] = {
    "employees": ["employees", "employee", "staff", "people", "员工", "人员", "销售人员", "员工表",
                  "人员表", "员工名单", "人员名单", "员工信息", "人员信息", "员工列表", "花名册", "员工花名册"],
    "orders": ["orders", "order", "sales", "订单", "销售订单", "订单表", "订单明细", "订单明细表", "订单列表",
               "订单数据", "销售明细", "销售订单明细", "销售记录", "销售数据"],
    "calls": ["calls", "call", "通话", "呼叫记录", "通话记录", "外呼记录"],
    "traffic": ["traffic", "流量", "流量数据"],
    "service": ["service", "tickets", "客服", "工单", "客服工单"],
    "reviews": ["reviews", "review", "评价", "考评", "评分"],
    "activities": ["activities", "activity", "行为", "活动", "行为记录"],
    "inventory": ["inventory", "stock", "库存"],
    "targets": ["targets", "target", "目标"],
    "kpi_sheet": ["kpi_sheet", "kpi", "kpis", "指标", "指标表"],
}

TABLE_ALIASES: dict[str, str] = {
    normalise(alias): table for table, aliases in _TABLE_NAMES.items() for alias in aliases
}
"""File or sheet name (after :func:`normalise`) → table name."""


def table_of_name(name: str) -> str | None:
    """The table a file stem or sheet name stands for, or ``None``.

    >>> table_of_name("销售订单"), table_of_name("Employees"), table_of_name("notes")
    ('orders', 'employees', None)
    """
    return TABLE_ALIASES.get(normalise(name))
