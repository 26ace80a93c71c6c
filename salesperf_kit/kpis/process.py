"""Process and potential KPIs (过程与潜力, seed 003)."""
from __future__ import annotations

import pandas as pd

from ._registry import growth, kpi, ratio, total

__all__ = ["touches", "report_timeliness", "collaboration_score", "compliance_violations", "innovation",
           "training_pass_rate", "mentoring"]

A = {"activities": ("employee_id", "date", "activity", "count")}


@kpi("touches", needs=A, facts=("act_touch",))
def touches(f: pd.DataFrame) -> pd.DataFrame:
    """客户触达频次 — customer touches.

    touches = sum of touch activity counts
    """
    return total(f["act_touch"])


@kpi("report_timeliness", needs=A, facts=("act_report_on_time", "act_report_due"))
def report_timeliness(f: pd.DataFrame) -> pd.DataFrame:
    """数据提报及时性 — report timeliness.

    report_timeliness = reports on time / reports due
    """
    return ratio(f["act_report_on_time"], f["act_report_due"])


@kpi("collaboration_score", needs={"reviews": ("employee_id", "reviewer_id", "reviewer_type", "criterion", "score")},
     facts=("peer_collab_sum", "peer_collab_n"))
def collaboration_score(f: pd.DataFrame) -> pd.DataFrame:
    """跨部门协作评分 — collaboration rating.

    collaboration_score = mean peer rating on criterion collaboration (own ratings excluded)
    """
    return ratio(f["peer_collab_sum"], f["peer_collab_n"])


@kpi("compliance_violations", needs=A, facts=("act_compliance_violation",))
def compliance_violations(f: pd.DataFrame) -> pd.DataFrame:
    """话术合规 / 广告合规 — compliance violations (lower is better).

    compliance_violations = sum of compliance_violation counts
    """
    return total(f["act_compliance_violation"])


@kpi("innovation", needs=A, facts=("act_innovation",))
def innovation(f: pd.DataFrame) -> pd.DataFrame:
    """创新贡献 — innovation points.

    innovation = sum of innovation activity counts (points)
    """
    return total(f["act_innovation"])


@kpi("training_pass_rate", needs=A, facts=("act_training_passed", "act_training_taken"))
def training_pass_rate(f: pd.DataFrame) -> pd.DataFrame:
    """培训考核通过率 — training pass rate.

    training_pass_rate = trainings passed / trainings taken
    """
    return ratio(f["act_training_passed"], f["act_training_taken"])


@kpi("mentoring", needs={"orders": ("employee_id", "customer_id", "order_date", "amount"),
                         "employees": ("mentor_id",)},
     facts=("mentees_revenue", "mentees_revenue_prev"))
def mentoring(f: pd.DataFrame) -> pd.DataFrame:
    """带教新人业绩提升率 — mentees' revenue growth.

    mentoring = revenue of the employee's mentees (employees.mentor_id) / their revenue in
    the previous period - 1
    """
    return growth(f["mentees_revenue"], f["mentees_revenue_prev"])
