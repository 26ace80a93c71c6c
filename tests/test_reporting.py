"""Report sections built from a small generated dataset."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from salesperf_kit.params import PARAMS_DIR
from salesperf_kit.periods import parse_period
from salesperf_kit.reporting import build_report
from salesperf_kit.sample import write_sample

SMALL = {"orders": 6, "calls": 30, "service": 4}  # (volumes for tests whose figures the sample size does not change)


@pytest.fixture(scope="module")
def no_reviews(tmp_path_factory):
    """Telesales data without the reviews table, whose plan gives reviews 10 % of the score."""
    folder = tmp_path_factory.mktemp("telesales")
    write_sample("telesales", folder, seed=1, volumes=SMALL)
    for f in folder.glob("reviews.*"):
        f.unlink()
    return folder


@pytest.fixture(scope="module")
def shared_report():
    """build_report(**kw), built once per module for the tests that only read the report (a
    test that changes a report's tables builds its own). Its sections are worked out afresh
    at each call."""
    built = {}

    def report(**kw):
        key = tuple(sorted(kw.items()))
        if key not in built:
            built[key] = build_report(**kw)
        return built[key]

    return report


@pytest.fixture(scope="module")
def no_reviews_report(no_reviews, shared_report):
    """The 2026-10 report of the shipped telesales plan on ``no_reviews``, in a language (see
    ``shared_report``)."""
    return lambda language: shared_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                                          data_path=str(no_reviews), period="2026-10", language=language)


@pytest.mark.parametrize("language, kind, text", [
    ("zh", "评分说明", "scoring.ratings.weight 为 10%，但本期没有评价：得分只含指标部分。"),
    ("en", "scoring note", "scoring.ratings.weight is 10% but no reviews were given: scores are the KPI part alone."),
])
def test_appendix_lists_how_the_plan_was_applied(no_reviews_report, language, kind, text):
    report = no_reviews_report(language)
    table = report.data_quality().table
    notes = table[table.iloc[:, 0] == kind]
    assert text in notes.iloc[:, -1].tolist()


def test_the_appendix_of_a_chinese_report_is_in_chinese(tmp_path):
    """Tables, loader warnings and the KPIs left out read in Chinese (the data: no reviews
    table, and an orders column the kit does not use)."""
    import pandas as pd

    write_sample("telesales", tmp_path, seed=1, volumes=SMALL)
    (tmp_path / "reviews.csv").unlink()
    orders = pd.read_csv(tmp_path / "orders.csv")
    orders.assign(备注="").to_csv(tmp_path / "orders.csv", index=False)
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(tmp_path), period="2026-10", language="zh")
    table = report.data_quality().table
    rows = {tuple(r[:2]) + (r[-1],) for r in table.itertuples(index=False)}
    assert ("加载提示", "订单", "「订单」表未使用的列：「备注」") in rows
    assert ("指标略去", "", "未计算「跨部门协作评分」：数据中缺少「评价」表。") in rows
    assert ("指标略去", "", "未计算「带教新人业绩提升率」：数据中缺少「员工」表的「导师编号」（mentor_id）列。") in rows
    assert ("已加载", "通话", "") in rows
    assert not [m for m in table.iloc[:, -1] if "table '" in m or "column(s)" in m]


@pytest.mark.parametrize("language, text", [
    ("zh", "最佳服务奖未发放：没有算出客户满意度"),
    ("en", "Best service award left unpaid: Customer satisfaction was not computed"),
])
def test_the_payout_section_says_what_the_plan_could_not_pay(tmp_path, caplog, language, text):
    write_sample("ecommerce", tmp_path, seed=1, volumes=SMALL)
    (tmp_path / "service.csv").unlink()
    with caplog.at_level("INFO"):
        report = build_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"),
                              data_path=str(tmp_path), period="2026-10", language=language)
    assert [p for p in report.payout_section().paragraphs if p.startswith(text)]
    # said once, in the report's language: not also logged in English into the executed notebook
    assert not [r for r in caplog.records if r.name == "salesperf_kit.incentives"]


@pytest.mark.parametrize("language, kind, body, appendix", [
    ("zh", "计薪说明", "2026-07、2026-08、2026-09：最佳服务奖未发放：没有算出客户满意度（需要带满意度的客服工单表）。",
     "2026-07、2026-08、2026-09：最佳服务奖未发放：没有算出客户满意度（需要带满意度的客服工单表）。"
     "请补上该表，或以 incentives.awards.best_service: null 取消该奖项。"),
    ("en", "payout note", "2026-07, 2026-08, 2026-09: Best service award left unpaid: Customer satisfaction was not "
     "computed (it needs the service table with satisfaction scores).",
     "2026-07, 2026-08, 2026-09: Best service award left unpaid: Customer satisfaction was not computed (it needs "
     "the service table with satisfaction scores). Add that table, or take the award out of the plan with "
     "incentives.awards.best_service: null."),
])
def test_a_quarter_says_an_unpaid_award_once_and_its_fix_in_the_appendix(tmp_path, language, kind, body, appendix):
    """A client's Q1 report said "最佳服务奖未发放 ... 或以 incentives.awards.best_service: null
    取消该奖项" once per month in its payout section; a month with a notice of its own (a
    pro-rated hire) had the months named."""
    import pandas as pd

    write_sample("ecommerce", tmp_path, seed=1, volumes=SMALL)
    (tmp_path / "service.csv").unlink()
    emp = pd.read_csv(tmp_path / "employees.csv")
    emp.loc[0, "hire_date"] = "2026-09-10"
    emp.to_csv(tmp_path / "employees.csv", index=False)
    report = build_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"),
                          data_path=str(tmp_path), period="2026-Q3", language=language)
    paras = report.payout_section().paragraphs
    assert [p for p in paras if "best_service" in p or "最佳服务" in p or "Best service" in p] == [body]
    assert not [p for p in paras if "incentives." in p]
    table = report.data_quality().table
    assert appendix in table[table.iloc[:, 0] == kind].iloc[:, -1].tolist()


def test_a_direct_plan_paying_on_orders_heads_its_summary_with_revenue(tmp_path):
    """The shipped direct plan pays on money received; a client's plan on orders (an export
    without payments) leads with revenue, not with the next KPI of the list (new customers)."""
    import pandas as pd

    data = tmp_path / "data"
    write_sample("direct", data, seed=1, volumes=SMALL)
    orders = pd.read_csv(data / "orders.csv")
    orders.drop(columns=["paid_amount", "paid_date"]).to_csv(data / "orders.csv", index=False)
    plan = tmp_path / "client.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'direct.yaml'}\n"
                    "kpi_options: {revenue_basis: ordered}\nincentives: {commission: {basis: ordered}}\n",
                    encoding="utf-8")
    report = build_report(business="direct", params_file=str(plan), data_path=str(data), period="2026-10",
                          language="zh")
    summary = report.summary()
    assert summary.table.iloc[0, 0] == "销售额（元）"  # (the shipped plans' money is in yuan)
    assert re.match(r"本期销售额 [\d,]+ 元；", summary.paragraphs[0]), summary.paragraphs[0]  # (the unit after the amount)


def test_a_change_that_rounds_to_nothing_has_no_sign():
    from salesperf_kit.reporting import _change, _fmt, _points

    # revenue 9,996 after 10,000: -0.04%, shown as no change
    assert _change(9996.0, 10000.0, -0.0004, "currency", zh=True) == "0.0%"
    assert _fmt(-0.0123, "ratio") == "-1.2%" and _fmt(0.886, "ratio") == "88.6%"
    assert _points(0.0002, zh=True) == "0.0 个百分点" and _points(-0.0004, zh=False) == "0.0 pp"
    assert _points(0.065 - 0.064, zh=False) == "+0.1 pp"


def test_a_relative_change_carries_its_sign_like_a_change_in_points():
    """环比 41.7% could be read as this period being 41.7 % of the last; the column beside it
    signs its changes in points (+0.6 个百分点), so a rise reads +41.7%."""
    from salesperf_kit.reporting import _change

    # revenue 2,583,176.17 after 1,823,237.64: 2,583,176.17 / 1,823,237.64 - 1 = 0.41681
    assert _change(2583176.17, 1823237.64, 2583176.17 / 1823237.64 - 1, "currency", zh=True) == "+41.7%"
    assert _change(115218.0, 115781.0, 115218 / 115781 - 1, "count", zh=False) == "-0.5%"
    assert _change(0.0205, 0.0146, 0.0205 / 0.0146 - 1, "ratio", zh=True) == "+0.6 个百分点"
    assert _change(1.0, float("nan"), float("nan"), "currency", zh=True) == "–"


def test_the_distribution_figure_is_the_same_on_a_rerun():
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from salesperf_kit.plots import kpi_distribution

    data = pd.DataFrame({"team": list("aaabbb"), "revenue": [1.0, 2, 3, 2, 4, 6]})

    def png() -> bytes:
        ax = kpi_distribution(data, value="revenue")
        buf = io.BytesIO()
        ax.figure.savefig(buf, format="png")
        plt.close(ax.figure)
        return buf.getvalue()

    np.random.seed(7)
    expected = np.random.random()
    np.random.seed(7)
    first = png()
    assert np.random.random() == expected, "the caller's generator is left as it was"
    assert png() == first, "a second drawing (the generator has moved on) is the same figure"


@pytest.fixture(scope="module")
def leads_only(tmp_path_factory):
    """Online data whose traffic export has inquiries and spend but no visit counts."""
    import pandas as pd

    folder = tmp_path_factory.mktemp("online")
    write_sample("online", folder, seed=1, volumes=SMALL)
    traffic = folder / "traffic.csv"
    pd.read_csv(traffic).drop(columns=["sessions", "unique_visitors", "page_views"]).to_csv(traffic, index=False)
    return folder


def test_traffic_without_visit_counts_leaves_their_kpis_and_funnel_stage_out(leads_only):
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                          data_path=str(leads_only), period="2026-10", language="en")
    assert {"sessions", "conversion_rate", "unique_visitors", "page_views"} <= set(report.kpis.left_out)
    assert report.kpis.wide["inquiry_conversion"].notna().any()  # inquiries and orders are still there
    funnel = report.funnel()
    assert funnel.paragraphs[0] == ("The funnel leaves out the Sessions stage "
                                    "(the data lack column(s) sessions of 'traffic').")
    assert funnel.table["Stage"].unique().tolist() == ["Inquiries", "Orders"]


def test_a_funnel_of_leads_without_owners_says_so_not_that_the_data_lack_traffic(tmp_path):
    """Leads exported without their owner (employee_id): the stages are left out for want of
    that column, and the report does not ask for traffic data, which it has."""
    import pandas as pd

    write_sample("online", tmp_path, seed=1, volumes=SMALL)
    traffic = tmp_path / "traffic.csv"
    pd.read_csv(traffic).drop(columns=["employee_id"]).to_csv(traffic, index=False)
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                          data_path=str(tmp_path), period="2026-10", language="en")
    lacks = "(the data lack column(s) employee_id of 'traffic')"
    assert report.funnel().paragraphs == [
        f"The funnel leaves out the Sessions stage {lacks} and the Inquiries stage {lacks}.",
        "The data hold only one stage, so there is no funnel to draw."]


def test_the_funnel_says_in_chinese_what_a_stage_left_out_lacks(leads_only):
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                          data_path=str(leads_only), period="2026-10", language="zh")
    assert report.funnel().paragraphs[0] == "漏斗略去「访问」（数据中缺少「流量」表的「访问量」（sessions）列）。"


def test_the_manifest_lists_a_lookup_file_outside_the_data_folder(tmp_path):
    from salesperf_kit.report import _inputs

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("order_id\n", encoding="utf-8")
    (tmp_path / "regions.csv").write_text("Region,Manager\n", encoding="utf-8")
    params = tmp_path / "client.yaml"
    params.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\ndata:\n  lookups:\n    orders:\n"
                      f"      - {{file: ../regions.csv, key: Region, columns: [Manager]}}\n", encoding="utf-8")
    listed = [Path(f["path"]).name for f in _inputs(str(tmp_path / "data"), params)]
    assert listed == ["client.yaml", "telesales.yaml", "orders.csv", "regions.csv"]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_section_tells_the_client_to_run_a_command(tmp_path, language):
    """A report is for the client: what to run is in the README, not in the report (here:
    the data have no targets, whose section once suggested `salesperf targets`)."""
    from salesperf_kit.reporting import _SECTIONS

    write_sample("ecommerce", tmp_path, seed=1, volumes=SMALL)
    (tmp_path / "targets.csv").unlink()
    report = build_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"),
                          data_path=str(tmp_path), period="2026-10", language=language)
    goals = report.goals().paragraphs
    assert goals[0].startswith("数据中没有目标表" if language == "zh" else "The data have no targets table")
    texts = [p for name in _SECTIONS if name != "save" for p in getattr(report, name)().paragraphs]
    assert [t for t in texts if "`" in t or "salesperf " in t] == []


def test_the_audit_names_peer_groups_by_their_role_labels(shared_report):
    report = shared_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                           data_path="demo", period="2026-10", language="zh")
    reasons = report.audit().table.iloc[:, -1].tolist()
    outliers = [r for r in reasons if "名同岗位人员" in r]
    assert outliers and all("（坐席）" in r or "（组长）" in r for r in outliers)


def test_html_tables_align_words_left_and_figures_right():
    import pandas as pd

    from salesperf_kit.reporting import Section

    table = pd.DataFrame({"类型": ["指标离群值", "重复订单"], "得分": [77.5, 3.0], "变化": ["+3.5 个百分点", "–"],
                          "说明": ["E0005 的带教新人业绩提升率为 -39.53%，5 名同岗位人员中位数 70.62%", "订单 O1 与 O2 相隔 22 s"]})
    out = Section("审计", [], table, key="audit")._repr_html_()
    assert ".sp-audit td:nth-child(1) { text-align: left; white-space: nowrap; }" in out
    assert ".sp-audit th:nth-child(1) { text-align: left; }" in out  # and its heading
    assert ".sp-audit td:nth-child(4) { text-align: left; }" in out  # a long text may wrap
    assert "nth-child(2)" not in out and "nth-child(3)" not in out  # figures stay right-aligned
    assert 'class="dataframe sp-table sp-audit"' in out


@pytest.mark.parametrize("language, start, item", [
    ("zh", "以下指标在方案中有权重，但本期无法计分，其权重已按比例分给同一人的其他指标：",
     "「跨部门协作评分」（权重 15%，5 人：数据中缺少「评价」表）"),
    ("en", "Weighted in the plan but not scored this period for some people, whose weight on them went to their "
           "other KPIs in proportion: ",
     "Collaboration rating (weight 15%, 5 people: the data lack table 'reviews')"),
])
def test_the_leaderboard_says_which_weighted_kpis_went_unscored(no_reviews_report, language, start, item):
    """The plan gives the 5 team leads' collaboration rating 15 %; the data have no reviews.
    The heaviest loss comes first (5 x 15 %), and the heatmap leaves the empty column out."""
    report = no_reviews_report(language)
    line = next(p for p in report.leaderboard().paragraphs if p.startswith(start))
    assert line.removeprefix(start).startswith(item)
    card = report.scorecard.table
    assert card["collaboration_score_points"].isna().all()  # blank, not 0
    assert (card.loc[card["role"] == "agent", "revenue_points"] > 0).any()
    diag = report.diagnostics().paragraphs
    assert any(("岗位 组长：这份数据无法为「跨部门协作评分」" if language == "zh" else
                "Role Team lead: these data cannot score Collaboration rating") in p for p in diag)


def test_rank_changes_read_with_their_sign(no_reviews_report):
    report = no_reviews_report("zh")
    shown = report.leaderboard().table
    prev = report.previous_scorecard.table.set_index("employee_id")["rank"]
    card = report.scorecard.table.sort_values(["rank", "employee_id"]).head(len(shown))
    expected = [("–" if e not in prev else f"{int(prev[e] - r):+d}" if prev[e] != r else "0")
                for e, r in zip(card["employee_id"], card["rank"])]
    assert shown["名次变化"].tolist() == expected
    assert any(v.startswith("+") for v in expected)  # (the top ten moved up or stayed)


@pytest.mark.parametrize("language, text", [("zh", "得分 93.63，"), ("en", "score 93.63,")])
def test_the_first_place_sentence_gives_the_score_as_the_leaderboard_shows_it(no_reviews, language, text):
    """Scores under 100 show two decimals in the table (93.63); the sentence above it said 93.6."""
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(no_reviews), period="2026-10", language=language)
    card = report.scorecard.table
    top = card["rank"] == card["rank"].min()
    card["score"] = card["score"] * 93.634 / card.loc[top, "score"].iloc[0]  # the first place scores 93.634
    section = report.leaderboard()
    assert section._table_text().iloc[0, 4] == "93.63"
    assert text in section.paragraphs[0]


@pytest.mark.parametrize("language, text", [("zh", "得分 79.996，等级 B"), ("en", "score 79.996, grade B")])
def test_a_score_just_below_a_threshold_reads_below_it_in_the_leaderboard_and_the_scorecard_file(
        no_reviews, tmp_path, language, text):
    """Under A: 80, a score of 79.996 is graded B. The leaderboard showed it with two
    decimals, 80.00, and scorecard.xlsx (format 0.0) as 80.0: both read as an A's score
    beside grade B. Three decimals show it below 80."""
    from openpyxl import load_workbook

    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\n"
                    "scoring:\n  grading: {method: thresholds, thresholds: {A: 80, B: 60, C: 0}}\n", encoding="utf-8")
    report = build_report(business="telesales", params_file=str(plan), data_path=str(no_reviews), period="2026-10",
                          language=language)
    card = report.scorecard.table
    first = card["rank"] == card["rank"].min()
    card.loc[first, ["score", "grade"]] = [79.996, "B"]
    section = report.leaderboard()
    assert section._table_text().iloc[0, 4] == "79.996"
    assert text in section.paragraphs[0]
    report.save(tmp_path / "out")
    ws = load_workbook(tmp_path / "out" / "scorecard.xlsx").active
    assert ws.title == ("评分与薪酬" if language == "zh" else "Scores and pay")  # (not "scorecard" in a Chinese file)
    score = [c.value for c in ws[1]].index("得分" if language == "zh" else "Score") + 1
    assert (ws.cell(2, score).value, ws.cell(2, score).number_format) == (79.996, "0.000")
    csv = pd.read_csv(tmp_path / "out" / "scorecard.csv", encoding="utf-8-sig", dtype=str)
    assert csv.iloc[0, score - 1] == "79.996"  # (the csv keeps every digit)


@pytest.mark.parametrize("language, text", [
    ("zh", "表中列出前 10 名（共 {n} 人）；每个人的名次见 scorecard.xlsx。"),
    ("en", "The table lists the first 10 of {n} people; scorecard.xlsx ranks everyone.")])
def test_the_leaderboard_says_it_lists_only_the_first_places(no_reviews_report, language, text):
    """A client with 12 people found two missing from the leaderboard, which did not say that
    it lists the plan's top_n (10) only."""
    report = no_reviews_report(language)
    n = len(report.scorecard.table)
    section = report.leaderboard()
    assert n > 10 and len(section.table) == 10
    assert section.paragraphs[1] == text.format(n=n)


def test_a_quarter_report_says_how_its_pay_was_worked_out(no_reviews, tmp_path):
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(no_reviews), period="2026-Q3", language="en")
    assert ("Pay for the quarter is the sum of its months' pay: the plan's amounts, commission tiers, cap and gate "
            "are monthly, so each month (2026-07, 2026-08, 2026-09) is scored, graded and paid on its own; Monthly "
            "grades lists each month's grade.") in report.payout_section().paragraphs
    # how to change it names the plan's key: for the consultant, in the appendix, not in the client's payout section
    assert not [p for p in report.payout_section().paragraphs if "pay_period" in p]
    table = report.data_quality().table
    assert table[table.iloc[:, 0] == "payout note"].iloc[:, -1].tolist() == [
        "Pay is worked out by month (the default). For a plan paid per whole period (a quarterly bonus), set "
        "incentives.pay_period: period."]
    plan = tmp_path / "quarterly.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\nincentives: {{pay_period: period}}\n", encoding="utf-8")
    once = build_report(business="telesales", params_file=str(plan), data_path=str(no_reviews), period="2026-Q3",
                        language="en")
    assert ("The plan pays per whole period: base pay, performance pay, the commission tiers, cap and gate, and the "
            "awards apply once to the quarter.") in once.payout_section().paragraphs
    table = once.data_quality().table
    assert table[table.iloc[:, 0] == "payout note"].iloc[:, -1].tolist() == [
        "The plan pays per whole period (incentives.pay_period: period). If its amounts are monthly, remove that "
        "setting (pay is then the sum of the months')."]
    monthly = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                           data_path=str(no_reviews), period="2026-09", language="en")
    assert not [p for p in monthly.payout_section().paragraphs if "pay_period" in p]


def test_a_name_with_dollar_signs_is_drawn_as_text():
    """matplotlib would typeset "$...$" as a formula (and fail on "$\\frac{$")."""
    import io

    import matplotlib.pyplot as plt
    import pandas as pd

    from salesperf_kit import plots

    data = pd.DataFrame({"name": ["Ca$h $x^2$", "$\\frac{$"], "score": [80.0, 70.0], "team": ["A", "B"]})
    ax = plots.leaderboard_chart(data)
    ax.figure.savefig(io.BytesIO(), format="png")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Ca$h $x^2$", "$\\frac{$"]
    plt.close(ax.figure)


def test_a_period_the_data_only_partly_cover_says_so(no_reviews):
    """The data end on 2026-10-31; the fourth quarter runs to 2026-12-31."""
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(no_reviews), period="2026-Q4", language="zh")
    assert report.as_of == "2026-10-31"
    assert report.cover().paragraphs[0].endswith(
        "数据截至 2026-10-31。注意：数据只到 2026-10-31，而考核期到 2026-12-31，本报告的数字只是截至该日的部分结果。")
    full = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                        data_path=str(no_reviews), period="2026-Q3", language="zh")
    assert full.as_of == "2026-09-30" and "注意" not in full.cover().paragraphs[0]


def test_a_leaver_with_records_is_counted_apart_on_the_cover(online_small, tmp_path):
    """E0003 left on 2026-09-30, but October still has their records: in the totals, off the
    scorecard, and the cover counts them apart from the 59 people scored."""
    import shutil

    import pandas as pd

    data = tmp_path / "data"
    shutil.copytree(online_small, data)
    emp = pd.read_csv(data / "employees.csv", dtype=str)
    emp["leave_date"] = ["2026-09-30" if e == "E0003" else "" for e in emp["employee_id"]]
    emp.to_csv(data / "employees.csv", index=False)
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(data),
                          period="2026-10", language="zh")
    assert "E0003" in report.kpis.wide["employee_id"].tolist()
    assert "E0003" not in report.scorecard.table["employee_id"].tolist()
    assert len(report.scorecard.table) == 59
    assert report.cover().paragraphs[0].startswith(
        f"59 名员工，{report.kpis.wide['team'].nunique()} 个团队；另有 1 人按员工表本期不在职，但有业绩记录：计入团队和公司合计，"
        "不参与评分、排名和激励（名单见数据质量附录）。")


def test_the_summary_says_when_the_plan_s_filters_left_rows_out(online_small, shared_report, tmp_path):
    """Orders of E0001 are left out by the plan (as a client leaves out non-staff promoters):
    the company's totals are those of the rows kept, which the summary says."""
    import pandas as pd

    orders = pd.read_csv(online_small / "orders.csv", dtype=str)
    n = int((orders["employee_id"] == "E0001").sum())
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: online\ndata:\n  filters:\n    orders: {employee_id: {not: [E0001]}}\n",
                    encoding="utf-8")
    zh = build_report(business="online", params_file=str(plan), data_path=str(online_small), period="2026-10",
                      language="zh")
    assert n > 0 and zh.summary().paragraphs[-1] == (
        f"注意：参数文件的筛选条件去掉了部分数据（data.filters.orders.employee_id：订单数据 {n:,} 行），这些行不计入任何人的"
        "业绩，也不计入公司合计，因此本报告的合计可能低于客户后台的全部合计。明细见数据质量附录。")
    en = build_report(business="online", params_file=str(plan), data_path=str(online_small), period="2026-10",
                      language="en")
    assert en.summary().paragraphs[-1] == (
        f"Note: the plan's filters left some rows out (data.filters.orders.employee_id: {n:,} orders rows); they "
        "count in no one's results nor in the company's totals, which may therefore read below the client's own "
        "totals. The data-quality appendix lists them.")
    plain = shared_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(online_small),
                          period="2026-10", language="en")
    assert not any("filters" in p for p in plain.summary().paragraphs)


def test_an_anonymised_appendix_does_not_list_names_matched_to_ids(no_reviews, tmp_path):
    import shutil

    import pandas as pd

    for f in no_reviews.iterdir():
        shutil.copy(f, tmp_path / f.name)
    people = pd.read_csv(tmp_path / "employees.csv").set_index("employee_id")["name"]
    orders = pd.read_csv(tmp_path / "orders.csv", dtype=str)
    orders.loc[:2, "employee_id"] = orders.loc[:2, "employee_id"].map(people)  # the export names the seller
    orders.to_csv(tmp_path / "orders.csv", index=False)
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(tmp_path), period="2026-10", language="zh", anonymise=True)
    messages = report.data_quality().table["说明"].tolist()
    assert "部分记录以姓名代替工号，已按员工姓名匹配（匿名报告不列出姓名）。" in messages
    assert not [m for m in messages if any(n in m for n in people)]


def test_an_anonymised_appendix_does_not_name_the_managers_it_added(tmp_path):
    """Managers named only in manager_id are added as employees with a warning that lists
    them; an anonymised report gives that warning with their pseudonyms."""
    import pandas as pd

    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame({"employee_id": ["e1", "e2", "e10"], "name": ["Ann Lee", "Bo Wu", "Cy Ng"], "team": ["A"] * 3,
                  "role": ["rep"] * 3, "manager_id": ["Dana Boss", "Dana Boss", "Dana Boss"]}).to_csv(
        data / "employees.csv", index=False)
    pd.DataFrame({"order_id": ["o1", "o2", "o3"], "employee_id": ["e1", "e2", "e10"], "customer_id": ["c1", "c2", "c3"],
                  "order_date": ["2026-10-01", "2026-10-02", "2026-10-03"], "amount": [100, 200, 300]}).to_csv(
        data / "orders.csv", index=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: direct\ndata: {managers: {role: manager}}\nkpi_options: {revenue_basis: ordered}\n"
                    "incentives: {commission: {basis: ordered}}\n", encoding="utf-8")
    kw = dict(business="direct", params_file=str(plan), data_path=str(data), period="2026-10", language="en")
    plain = " ".join(build_report(**kw).data_quality().table["Message"])
    assert "'Dana Boss' (A)" in plain
    report = build_report(**kw, anonymise=True)
    text = " ".join(report.data_quality().table["Message"])
    codes = report._people()
    assert f"'{codes['Dana Boss']}' (A)" in text
    for word in ("Dana", "Ann Lee", "Bo Wu", "Cy Ng", "e10"):
        assert word not in text


def test_an_anonymised_audit_names_no_employee_id(no_reviews):
    """An export may use names as ids: the alerts' reasons name people by their pseudonyms."""
    import re

    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(no_reviews), period="2026-10", language="zh", anonymise=True)
    audit = report.audit().table
    ids = report.kpis.wide["employee_id"].astype(str)
    reasons = " ".join(audit["说明"])
    assert len(audit) and "成员" in reasons
    assert not [e for e in ids if re.search(rf"(?<![A-Za-z0-9]){re.escape(e)}(?![0-9])", reasons)]


def test_an_anonymised_report_names_no_customer_id_either(no_reviews, tmp_path):
    """A customer id can be a phone number or a nickname: a brushing alert gives a pseudonym."""
    import shutil

    import pandas as pd

    from salesperf_kit.export import customer_pseudonym

    for f in no_reviews.iterdir():
        shutil.copy(f, tmp_path / f.name)
    orders = pd.read_csv(tmp_path / "orders.csv", dtype=str)
    seller = orders["employee_id"].iloc[0]
    burst = pd.DataFrame({"order_id": [f"X{i}" for i in range(6)], "employee_id": seller,
                          "customer_id": "13800138000", "order_date": [f"2026-10-15 10:0{i}:00" for i in range(6)],
                          "amount": "9.9", "status": "completed"})
    pd.concat([orders, burst], ignore_index=True).to_csv(tmp_path / "orders.csv", index=False)
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(tmp_path), period="2026-10", language="zh", anonymise=True)
    reasons = " ".join(report.audit().table["说明"])
    assert f"客户 {customer_pseudonym('13800138000', salt=report.client, language='zh')} 于 2026-10-15 10:00" in reasons
    assert "13800138000" not in reasons


def test_an_anonymised_report_does_not_name_a_manager_through_the_team_named_after_them(no_reviews, tmp_path):
    import shutil

    import pandas as pd

    for f in no_reviews.iterdir():
        shutil.copy(f, tmp_path / f.name)
    employees = pd.read_csv(tmp_path / "employees.csv", dtype=str, keep_default_na=False)
    lead = employees["name"].iloc[0]
    team = employees["team"].iloc[0]
    employees.loc[employees["team"] == team, "team"] = lead  # (as in the Maven CRM export)
    employees.to_csv(tmp_path / "employees.csv", index=False)
    targets = pd.read_csv(tmp_path / "targets.csv", dtype=str, keep_default_na=False)
    if "team" in targets:
        targets.loc[targets["team"] == team, "team"] = lead
        targets.to_csv(tmp_path / "targets.csv", index=False)
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(tmp_path), period="2026-10", language="zh", anonymise=True)
    shown = [report.leaderboard(), report.distributions(), report.funnel(), report.team_comparison(),
             report.payout_section(), report.goals()]
    text = "\n".join(repr(section) for section in shown)
    assert lead not in text
    assert "团队" in text and "华" in text  # the other teams keep their names (华东一组, ...)


# ----------------------------------------------------------------------------- rounding money as people do
def test_money_in_words_and_tables_rounds_a_half_up_as_payroll_does():
    """26,728.50 in whole units is 26,729 (Python's own formatting gives 26,728, half to
    even); cents round half up too (2.675 → 2.68, which a float formats as 2.67)."""
    from salesperf_kit.anomalies import _fmt as reason_fmt
    from salesperf_kit.catalogue import grouped
    from salesperf_kit.incentives import _money
    from salesperf_kit.reporting import _fmt, _fmt_step

    assert f"{26728.5:,.0f}" == "26,728" and f"{2.675:.2f}" == "2.67"  # what the kit no longer shows
    assert grouped(26728.5) == "26,729" and grouped(-26728.5) == "-26,729" and grouped(2.675, 2) == "2.68"
    assert grouped(-0.4) == "0" and grouped(1234567.891, 2) == "1,234,567.89"
    assert _fmt(26728.5, "currency") == "26,729" and _fmt(2.675, "currency") == "2.68"
    assert _fmt_step(0.0, 4194.5, "currency", "en") == ("0", "4,195")
    assert reason_fmt("revenue", 26728.5) == "26,729"
    assert _money(-12.345) == "−12.35"


# ----------------------------------------------------------------------------- a number of times
def test_inventory_turnover_reads_as_a_number_of_times_not_a_percentage():
    """A turnover of 4.721 is 4.72 times (周转次数), not 472.1 %; shares stay percentages."""
    from salesperf_kit.catalogue import CATALOGUE
    from salesperf_kit.reporting import _fmt

    assert CATALOGUE["inventory_turnover"].unit == "times"
    assert _fmt(4.721, "times", language="zh") == "4.72 次"
    assert _fmt(4.721, "times", language="en") == "4.72×"
    assert _fmt(0.354, "times", language="en") == "0.35×"  # two decimals, above 1 and below
    assert CATALOGUE["conversion_rate"].unit == "ratio" and _fmt(0.0472, "ratio") == "4.7%"
    # a share too small for one decimal keeps two significant digits: 18 engagements in
    # 100,000 impressions is 0.018%, not 0.0%
    assert _fmt(18 / 100_000, "ratio") == "0.018%" and _fmt(0.0, "ratio") == "0.0%"
    assert _fmt(0.0005, "ratio") == "0.1%"  # (one decimal from 0.05% up)
    assert _fmt(1e-7, "ratio") == "0.000010%"


@pytest.mark.parametrize("language, text", [
    ("zh", "E9：做得好的是「客单价」；需要提升的是「库存周转率」；下一步：把「库存周转率」从 4.72 次提升到 7.76 次（岗位中位数）。"),
    ("en", "E9: strong on Average order value; gap on Inventory turnover; next step: raise Inventory turnover "
           "from 4.72× to 7.76× (the role's median)."),
], ids=["zh", "en"])
def test_a_feedback_card_gives_turnover_in_times(language, text):
    from salesperf_kit.reporting import feedback_sentence

    card = {"name": "E9", "strength_kpi": "aov", "gap_kpi": "inventory_turnover", "next_step_kpi": "inventory_turnover",
            "next_step_value": 4.721, "next_step_target": 7.762, "next_step_basis": "role_median"}
    assert feedback_sentence(card, language) == text


def test_a_next_step_never_reads_from_a_rate_to_the_same_rate():
    from salesperf_kit.reporting import feedback_sentence

    card = {"name": "龙娜", "strength_kpi": "aov", "gap_kpi": "social_engagement", "next_step_kpi": "social_engagement",
            "next_step_value": 0.0596, "next_step_target": 0.0604, "next_step_basis": "role_median"}
    assert feedback_sentence(card, "zh").endswith("下一步：把「社交媒体互动率」从 5.96% 提升到 6.04%（岗位中位数）。")
    card.update(next_step_value=0.041, next_step_target=0.067)
    assert feedback_sentence(card, "en").endswith("raise Social engagement from 4.1% to 6.7% (the role's median).")


def test_a_next_step_measured_in_a_group_of_roles_names_the_group():
    """A director compared with the managers (scoring.roles.director.peers: manager) aims at
    the group's median, and the sentence says whose median it is."""
    from salesperf_kit.reporting import feedback_sentence

    card = {"name": "龚超", "strength_kpi": "team_revenue", "gap_kpi": "new_markets", "next_step_kpi": "new_markets",
            "next_step_value": 0.0, "next_step_target": 1.0, "next_step_basis": "peer_median",
            "group_label": "销售经理、销售总监"}
    assert feedback_sentence(card, "zh").endswith("下一步：把「新市场开发数」从 0 提升到 1（销售经理、销售总监的中位数）。")
    card.update(group_label="Sales manager and Sales director", next_step_basis="peer_upper_quartile")
    assert feedback_sentence(card, "en").endswith(
        "next step: raise New markets from 0 to 1 (the top 25% of Sales manager and Sales director).")


def test_a_next_step_in_money_gives_both_figures_alike():
    from salesperf_kit.reporting import feedback_sentence

    card = {"name": "Ann", "strength_kpi": "team_revenue", "gap_kpi": "received_revenue",
            "next_step_kpi": "received_revenue", "next_step_value": 0.0, "next_step_target": 4195.3,
            "next_step_basis": "role_median"}
    assert feedback_sentence(card, "en").endswith("raise Received revenue from 0 to 4,195 (the role's median).")
    card.update(next_step_value=120.5, next_step_target=480.25)  # below 1,000: two decimals, both
    assert feedback_sentence(card, "en").endswith("raise Received revenue from 120.50 to 480.25 (the role's median).")


def test_a_summary_sentence_of_turnover_gives_times_and_a_relative_change():
    from types import SimpleNamespace

    import pandas as pd

    from salesperf_kit.catalogue import label
    from salesperf_kit.reporting import Report

    row = pd.Series({"kpi": "inventory_turnover", "actual": 12.454, "target": float("nan"),
                     "attainment": float("nan"), "previous": 10.581, "change_vs_previous": 12.454 / 10.581 - 1,
                     "same_period_last_year": float("nan"), "change_vs_last_year": float("nan")})
    month = parse_period("2026-10")
    zh = SimpleNamespace(zh=True, _label=lambda k: label(k, "zh"), _name=lambda k: label(k, "zh"), currency=None, period=month)
    en = SimpleNamespace(zh=False, _label=lambda k: label(k, "en"), _name=lambda k: label(k, "en"), currency=None, period=month)
    assert Report._headline_sentence(zh, row, "times") == "本期库存周转率 12.45 次；环比 +17.7%。"
    assert Report._headline_sentence(en, row, "times") == "Inventory turnover: 12.45×; +17.7% vs the previous period."


def test_a_year_summary_compares_with_last_year_once():
    """A year's previous period is last year: Superstore's revenue 657,713.2 in 2017 against
    573,083.8 in 2016 is +14.8% (657,713.2 / 573,083.8 - 1 = 0.1477), said once."""
    from types import SimpleNamespace

    import pandas as pd

    from salesperf_kit.catalogue import label
    from salesperf_kit.reporting import Report

    change = 657_713.2 / 573_083.8 - 1
    row = pd.Series({"kpi": "revenue", "actual": 657_713.2, "target": float("nan"),
                     "attainment": float("nan"), "previous": 573_083.8, "change_vs_previous": change,
                     "same_period_last_year": 573_083.8, "change_vs_last_year": change})
    year = parse_period("2017")
    zh = SimpleNamespace(zh=True, _label=lambda k: label(k, "zh"), _name=lambda k: label(k, "zh"), currency=None, period=year)
    en = SimpleNamespace(zh=False, _label=lambda k: label(k, "en"), _name=lambda k: label(k, "en"), currency=None, period=year)
    assert Report._headline_sentence(zh, row, "currency") == "本期销售额 657,713；同比 +14.8%。"
    assert Report._headline_sentence(en, row, "currency") == "Revenue: 657,713; +14.8% vs last year."


def test_a_year_report_shows_last_year_without_a_copy_as_previous(tmp_path):
    write_sample("ecommerce", tmp_path, seed=1, volumes={"orders": 4, "service": 2})
    report = build_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"),
                          data_path=str(tmp_path), period="2026", language="en")
    summary = report.summary()
    assert list(summary.table.columns) == ["KPI", "Actual", "Target", "Attainment", "Last year", "vs last year"]
    assert "previous" not in summary.paragraphs[0]


# ----------------------------------------------------------------------------- funnel figure
@pytest.mark.parametrize("values, scale, ylabel", [
    ([1_000, 120, 9], "log", "数量（对数刻度）"),  # stages an order of magnitude apart: a log axis
    ([100, 60, 40], "linear", ""),
], ids=["log", "linear"])
def test_a_logarithmic_funnel_axis_says_so(values, scale, ylabel):
    import pandas as pd

    from salesperf_kit.plots import funnel_chart

    data = pd.DataFrame({"group": "一组", "stage_label": ["呼叫", "接通", "成交"], "value": values})
    ax = funnel_chart(data, log_ylabel="数量（对数刻度）")
    assert (ax.get_yscale(), ax.get_ylabel()) == (scale, ylabel)


@pytest.mark.parametrize("language, ylabel", [("zh", "数量（对数刻度）"), ("en", "Count (log scale)")], ids=["zh", "en"])
def test_the_report_labels_a_logarithmic_funnel_axis_in_its_language(no_reviews_report, monkeypatch, language, ylabel):
    from salesperf_kit import plots

    drawn = []

    def funnel_chart(*args, **kwargs):
        ax = original(*args, **kwargs)
        drawn.append((ax.get_yscale(), ax.get_ylabel()))
        return ax

    original = plots.funnel_chart
    monkeypatch.setattr(plots, "funnel_chart", funnel_chart)
    report = no_reviews_report(language)
    report.funnel()
    assert drawn == [("log", ylabel)]


# ----------------------------------------------------------------------------- heat map
def test_the_heatmap_shows_each_role_as_one_block(tmp_path, monkeypatch):
    """E-commerce has shop operators and customer service, weighted on different KPIs: the
    people come role by role (the plan's order), team by team within a role, so that each
    role's KPIs make one block of the map instead of a checkerboard."""
    from salesperf_kit import plots

    drawn = []
    original = plots.attainment_heatmap
    monkeypatch.setattr(plots, "attainment_heatmap", lambda m, **kw: drawn.append(m) or original(m, **kw))
    write_sample("ecommerce", tmp_path, seed=1, volumes={"orders": 4, "service": 2})
    report = build_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"),
                          data_path=str(tmp_path), period="2026-10", language="en")
    report.heatmap()
    table = report.scorecard.table.set_index("name")
    assert table.index.is_unique  # (the map's rows are named)
    roles, teams = table.loc[drawn[0].index, "role"].tolist(), table.loc[drawn[0].index, "team"].tolist()
    plan = list(report.params.scoring.roles)
    order = [(plan.index(r), t) for r, t in zip(roles, teams)]  # roles in the plan's order, teams sorted in each
    assert order == sorted(order) and len(set(roles)) == 2


@pytest.mark.parametrize("cap, top", [(1.2, 120), (1.5, 150)])
def test_the_heatmap_s_colour_bar_runs_as_far_as_its_caption_says(online_small, tmp_path, monkeypatch, cap, top):
    """The caption said that target KPIs score up to 120 while the colour bar stopped at
    100, so 100 and 120 points had one colour. The online plan scores revenue against its
    target, capped at 120 %: 100 × 1.2 = 120 points at most, and the bar now runs 0–120;
    with the cap at 150 %, 100 × 1.5 = 150, and the caption says that figure."""
    from salesperf_kit import plots

    drawn = []
    original = plots.attainment_heatmap
    monkeypatch.setattr(plots, "attainment_heatmap", lambda m, **kw: drawn.append(original(m, **kw)) or drawn[-1])
    (tmp_path / "plan.yaml").write_text(
        f"extends: {PARAMS_DIR / 'online.yaml'}\n"
        f"scoring: {{kpi_normalisation: {{revenue: {{method: attainment, floor: 0, cap: {cap}}}}}}}\n", encoding="utf-8")
    for language in ("zh", "en"):
        report = build_report(business="online", params_file=str(tmp_path / "plan.yaml"), data_path=str(online_small),
                              period="2026-10", language=language)
        section = report.heatmap()
        assert drawn[-1].collections[0].get_clim() == (0, top)
        assert section.paragraphs[0] == (
            f"每格为该指标的标准化得分（0–100，目标类指标按完成率计分，最高 {top}，色标到 {top}）；按岗位、再按团队排列"
            "（团队名和岗位名标在右侧），团队内按名次。" if language == "zh" else
            f"Each cell is the KPI's normalised points (0–100; target-based KPIs score up to {top}, where the "
            "colour scale ends). People are grouped by role, then by team (both labelled at the right), "
            "best-ranked first within a team.")
    assert float(report.scorecard.details.query("kpi == 'revenue'")["normalised"].max()) > 100  # (the fixture)


def test_a_heatmap_without_target_kpis_runs_to_100(tmp_path):
    """Scored against peers only (no attainment), the points are 0–100: the bar stops at
    100 and the caption names no cap."""
    (tmp_path / "plan.yaml").write_text(f"extends: {PARAMS_DIR / 'online.yaml'}\n"
                                        "scoring: {kpi_normalisation: {revenue: {method: percentile}}}\n",
                                        encoding="utf-8")
    data = tmp_path / "data"
    write_sample("online", data, seed=1, volumes={"orders": 4})
    report = build_report(business="online", params_file=str(tmp_path / "plan.yaml"), data_path=str(data),
                          period="2026-10", language="en")
    assert report.heatmap().paragraphs[0].startswith("Each cell is the KPI's normalised points (0–100). People")


# ----------------------------------------------------------------------------- unscored people
@pytest.fixture(scope="module")
def no_service(tmp_path_factory):
    """E-commerce data without the service and activities tables: no KPI of the customer
    service role can be computed."""
    folder = tmp_path_factory.mktemp("ecommerce")
    write_sample("ecommerce", folder, seed=1, volumes=SMALL)
    for name in ("service.csv", "activities.csv"):
        (folder / name).unlink()
    return folder


@pytest.mark.parametrize("language, start, part", [
    ("zh", "35 人没有得分：其岗位的考核指标在这份数据中都无法计分（「客户投诉率」：数据中缺少投诉来源",
     "；「客户满意度」：数据中缺少「客服工单」表；「首次解决率」：数据中缺少「客服工单」表；"),
    ("en", "35 people have no score: none of their role's KPIs can be scored with these data (Complaint rate: "
           "the data lack a complaint source",
     "; Customer satisfaction: the data lack table 'service'; First-contact resolution: the data lack table 'service';"),
], ids=["zh", "en"])
def test_people_without_a_score_are_told_which_kpis_by_their_labels(no_service, shared_report, language, start, part):
    report = shared_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"),
                           data_path=str(no_service), period="2026-10", language=language)
    [line] = [p for p in report.leaderboard().paragraphs if p.startswith(start)]
    assert part in line and "csat" not in line and "fcr_rate" not in line


@pytest.mark.parametrize("language, text", [
    ("zh", "订单数据始于 {first}，{which}之前的订单历史不足一年：此前买过的客户再次购买时会被算作新客户，因此「新客户数」"
           "可能偏高，相关的环比、同比仅供参考。"),
    ("en", "The orders begin on {first}, less than a year before {which}: a customer who bought before that day "
           "counts as new when they buy again, so New customers may read high; the changes against earlier "
           "periods are indicative only."),
], ids=["zh", "en"])
def test_the_summary_says_when_new_customers_lack_a_year_of_history(no_service, shared_report, language, text):
    """A client's export began in January 2017: every buyer of 2017-Q1 counted as new, and the
    report compared 43 new customers in 2018-Q1 with those 114 (-62.3 %) without a word."""
    import pandas as pd

    first = f"{pd.to_datetime(pd.read_csv(no_service / 'orders.csv')['order_date']).min():%Y-%m-%d}"
    assert first == "2024-11-01"  # the sample's 24 months end in October 2026
    report = shared_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"),
                           data_path=str(no_service), period="2026-10", language=language)
    both = ["previous", "same_period_last_year"]
    # 2026-10 and 2026-09 have 23 and 22 months before them; 2025-10 has 11
    which = {"zh": "去年同期", "en": "the same period last year"}[language]
    assert report._short_history_lines(["new_customers", "revenue"], both) == [text.format(first=first, which=which)]
    assert report._short_history_lines(["revenue"], both) == []  # (no KPI that needs the first orders)
    assert report._short_history_lines(["new_customers"], ["previous"]) == []  # (last year not shown)
    early = shared_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"),
                          data_path=str(no_service), period="2025-06", language=language)
    which = {"zh": "本期、上期、去年同期", "en": "this period, the previous period and the same period last year"}
    assert early._short_history_lines(["new_customers"], both) == [text.format(first=first, which=which[language])]


@pytest.fixture(scope="module")
def online_small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("online")
    write_sample("online", folder, seed=1, volumes={"orders": 6})
    return folder


def _by_hand(folder):
    """October 2026 from the raw files: who missed the revenue target, and the company's CAC
    (ad spend / customers whose first valid order falls in the month) against the mean of
    July-September."""
    import pandas as pd

    t = pd.read_csv(folder / "targets.csv", dtype={"period": str, "employee_id": str})
    t = t[(t["period"] == "2026-10") & (t["kpi"] == "revenue") & t["employee_id"].notna()]
    o = pd.read_csv(folder / "orders.csv", dtype={"employee_id": str}, parse_dates=["order_date"])
    valid = o[o["status"] == "completed"]
    oct_ = valid[valid["order_date"].dt.strftime("%Y-%m") == "2026-10"].groupby("employee_id")["amount"].sum()
    missed = int((t["employee_id"].map(oct_).fillna(0) < t["target"]).sum())
    first = valid.groupby("customer_id")["order_date"].min().dt.strftime("%Y-%m").value_counts()
    tr = pd.read_csv(folder / "traffic.csv", parse_dates=["date"])
    spend = tr.groupby(tr["date"].dt.strftime("%Y-%m"))["spend"].sum()
    cac = {m: spend[m] / first[m] for m in ("2026-07", "2026-08", "2026-09", "2026-10")}
    baseline = (cac["2026-07"] + cac["2026-08"] + cac["2026-09"]) / 3
    return len(t), missed, cac["2026-10"], baseline


def _orders_by_hand(folder):
    """October 2026's order targets per person against their completed orders: (people with
    a target, how many missed it, the targets' sum, the orders' sum)."""
    import pandas as pd

    t = pd.read_csv(folder / "targets.csv", dtype={"period": str, "employee_id": str})
    t = t[(t["period"] == "2026-10") & (t["kpi"] == "orders") & t["employee_id"].notna()].set_index("employee_id")
    o = pd.read_csv(folder / "orders.csv", dtype={"employee_id": str}, parse_dates=["order_date"])
    done = o[(o["status"] == "completed") & (o["order_date"].dt.strftime("%Y-%m") == "2026-10")]
    n = done.groupby("employee_id").size().reindex(t.index, fill_value=0)
    return len(t), int((n < t["target"]).sum()), float(t["target"].sum()), int(n.sum())


@pytest.mark.parametrize("language", ["zh", "en"])
def test_goals_of_a_closed_period_say_who_missed_and_the_figures_a_rule_compared(online_small, shared_report, language):
    """October is over: the people below target missed it (they are not 'at risk'), and the
    calibration sentence gives the value, the baseline and the threshold it was judged on.
    The orders have targets too: a line says who missed those, and the totals."""
    people, missed, cac, baseline = _by_hand(online_small)
    n, short, target, done = _orders_by_hand(online_small)
    report = shared_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                           data_path=str(online_small), period="2026-10", language=language)
    head, _, orders, rule = report.goals().paragraphs[:4]  # (the teams' line after the head)
    rate = f"{done / target:.1%}"
    if language == "zh":
        assert orders == f"成交订单数：有目标的 {n} 人中 {short} 人未达成目标（合计目标 {target:,.0f}，实际 {done:,}，完成率 {rate}）。"
    else:
        assert orders == f"Orders: {short} of the {n} people with a target missed it (in all {done:,} against {target:,.0f}, {rate})."
    if language == "zh":
        assert head == f"{people} 人中有 {missed} 人未达成本期目标。"
        assert f"客户获取成本本期 {cac:,.2f} 元，前 3 期（2026-07 至 2026-09）均值 {baseline:,.2f} 元" in rule and "+30% 或以上时触发" in rule
    else:
        assert head == f"{missed} of the {people} people with a target missed it this period."
        assert f"{cac:,.2f} against {baseline:,.2f} on average over the previous 3 periods (2026-07 .. 2026-09)" in rule
        assert "(it fires at +30% or more)" in rule
    change = cac / baseline - 1
    assert f"{'+' if change > 0 else ''}{change * 100:.1f}%" in rule


def test_a_calibration_rule_on_a_rate_gives_its_figures_as_rates(online_small, tmp_path):
    """A rule on the conversion rate compares 1.9% with 2.1%, not 0.02 with 0.02."""
    import re

    (tmp_path / "plan.yaml").write_text(
        f"extends: {PARAMS_DIR / 'online.yaml'}\n"
        "targets:\n  calibration:\n    - {name: 转化下滑, kpi: conversion_rate, change_at_least: -0.2, "
        "adjust: {conversion_rate: -0.1}}\n", encoding="utf-8")
    report = build_report(business="online", params_file=str(tmp_path / "plan.yaml"), data_path=str(online_small),
                          period="2026-10", language="zh")
    (line,) = [p for p in report.goals().paragraphs if "转化下滑" in p]
    assert re.search(r"转化率本期 \d+\.\d%，前 3 期（2026-07 至 2026-09）均值 \d+\.\d%，变化 [-+]?\d+\.\d%", line), line


def _sessions(folder, first: str, last: str) -> float:
    import pandas as pd

    tr = pd.read_csv(folder / "traffic.csv", parse_dates=["date"])
    return float(tr.loc[(tr["date"] >= first) & (tr["date"] <= last), "sessions"].sum())


def _traffic_plan(tmp_path, threshold: float, adjust: str) -> str:
    (tmp_path / "plan.yaml").write_text(
        f"extends: {PARAMS_DIR / 'online.yaml'}\n"
        "targets:\n  calibration:\n    - {name: 流量变化, label: {zh: 流量变化, en: Traffic change}, kpi: sessions, "
        f"change_at_least: {threshold}, baseline_periods: 3, adjust: {adjust}}}\n", encoding="utf-8")
    return str(tmp_path / "plan.yaml")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_calibration_in_an_open_period_compares_the_same_days_of_the_baseline(online_small, tmp_path, language):
    """Data as of 20 October: 20 days of sessions against three whole months read as a fall
    and fired a rule; the month is compared like for like with 1-20 July, August and
    September, and the sentence gives those days. By hand: change = (sessions of 1-20 October)
    / mean(sessions of 1-20 July, 1-20 August, 1-20 September) − 1."""
    to_date = _sessions(online_small, "2026-10-01", "2026-10-20")
    whole = sum(_sessions(online_small, a, b) for a, b in (("2026-07-01", "2026-07-31"), ("2026-08-01", "2026-08-31"),
                                                           ("2026-09-01", "2026-09-30"))) / 3
    base = sum(_sessions(online_small, f"2026-{m}-01", f"2026-{m}-20") for m in ("07", "08", "09")) / 3
    change = to_date / base - 1
    assert to_date / whole - 1 <= -0.2 < change  # (the fixture: a fall against whole months, none like for like)
    report = build_report(business="online", params_file=_traffic_plan(tmp_path, -0.2, "{revenue: -0.05}"),
                          data_path=str(online_small), period="2026-10", as_of="2026-10-20", language=language)
    (line,) = [p for p in report.goals().paragraphs if "流量变化" in p or "Traffic change" in p]
    if language == "zh":
        assert line == (f"校准规则「流量变化」未触发：网站流量本期前 20 天 {to_date:,.0f}，前 3 期（2026-07 至 2026-09）"
                        "同样日期（2026-07-01 至 2026-07-20、2026-08-01 至 2026-08-20、2026-09-01 至 2026-09-20）的均值 "
                        f"{base:,.0f}，变化 {change:+.1%}（变化降到 -20% 或以下时触发）。")
    else:
        assert line == (f"Calibration rule 'Traffic change' did not fire: Sessions {to_date:,.0f} (over the first 20 "
                        f"of 31 days) against {base:,.0f} on average over the previous 3 periods (2026-07 .. 2026-09), "
                        "over the same days (2026-07-01 .. 2026-07-20; 2026-08-01 .. 2026-08-20; 2026-09-01 .. "
                        f"2026-09-20), a change of {change:+.1%} (it fires at -20% or less).")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_fired_rule_gives_signed_changes_targets_in_their_unit_and_the_months(online_small, tmp_path, language):
    """The adjustment is signed (-5.0%, +5.0%), a rate target reads 3.78% (not 0.04) and
    the sentence names the months adjusted. November's targets by hand: revenue 1,000 +
    2,000 = 3,000 → 2,850; one conversion target 0.0378 → 0.0378 × 1.05 = 0.03969, kept to
    four decimals as 0.0397."""
    import shutil

    import pandas as pd

    data = tmp_path / "data"
    shutil.copytree(online_small, data)
    emp = pd.read_csv(data / "employees.csv", dtype=str).head(2)
    t = pd.read_csv(data / "targets.csv", dtype={"period": str, "employee_id": str})
    extra = pd.DataFrame({"period": "2026-11", "employee_id": [*emp["employee_id"], emp["employee_id"].iloc[0]],
                          "team": [*emp["team"], emp["team"].iloc[0]],
                          "kpi": ["revenue", "revenue", "conversion_rate"], "target": [1000.0, 2000.0, 0.0378]})
    pd.concat([t, extra], ignore_index=True).to_csv(data / "targets.csv", index=False)
    now = _sessions(online_small, "2026-10-01", "2026-10-31")
    base = sum(_sessions(online_small, a, b) for a, b in (("2026-07-01", "2026-07-31"), ("2026-08-01", "2026-08-31"),
                                                          ("2026-09-01", "2026-09-30"))) / 3
    assert now / base - 1 >= 0.05  # (the fixture: the rule fires)
    report = build_report(business="online", params_file=_traffic_plan(tmp_path, 0.05,
                                                                       "{revenue: -0.05, conversion_rate: 0.05}"),
                          data_path=str(data), period="2026-10", language=language)
    lines = [p for p in report.goals().paragraphs if "流量变化" in p or "Traffic change" in p]
    revenue, rate = (line.split("：" if language == "zh" else "): ", 1)[1] for line in lines)
    if language == "zh":
        assert revenue == "2026-11 的销售额目标（合计）调整 -5.0%，调整前 3,000 元，调整后 2,850 元。"
        assert rate == "2026-11 的页面转化率目标（各人均值）调整 +5.0%，调整前 3.78%，调整后 3.97%。"
    else:
        assert revenue == "Revenue (CNY) targets of 2026-11 (total) -5.0%, before 3,000, after 2,850."
        assert rate == "Conversion rate targets of 2026-11 (mean per person) +5.0%, before 3.78%, after 3.97%."


@pytest.mark.parametrize("language, text", [
    ("zh", "校准规则「获客成本上升」无法检查：数据中缺少「流量」表，无法计算客户获取成本（本期及前 3 期 2026-07 至 2026-09），"
           "因此没有调整目标。"),
    ("en", "Calibration rule 'Rising acquisition cost' could not be checked: the data have no table 'traffic' to "
           "compute customer acquisition cost (this period and the previous 3, 2026-07 .. 2026-09), so no target "
           "was adjusted.")])
def test_a_rule_without_the_data_it_needs_is_not_reported_as_not_fired(online_small, tmp_path, language, text):
    """Without traffic data CAC cannot be computed: the rule was never checked, which is
    not the same as CAC not having risen."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(online_small, data)
    (data / "traffic.csv").unlink()
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(data),
                          period="2026-10", language=language)
    assert text in report.goals().paragraphs


def test_a_report_in_another_language_than_the_plan_words_its_scorecard_in_it(no_reviews_report):
    """The plan is in Chinese; a report asked for in English has English grade labels and
    notes on its scorecard (scorecard.xlsx), not the plan's Chinese ones."""
    report = no_reviews_report("en")
    table = report.scorecard_table()
    english = {"A": "Excellent", "B": "Satisfactory", "C": "Needs improvement"}
    assert [english[g] for g in table["grade"]] == table["grade_label"].tolist()
    notes = " ".join(table["notes"].dropna())
    assert notes and not any("\u4e00" <= ch <= "\u9fff" for ch in notes)


def test_an_empty_cell_of_a_words_column_reads_as_a_dash_not_nan():
    """A person without a score has no grade: the payout table shows '–' there, as it does
    for an empty figure, never 'NaN' or 'None'."""
    import numpy as np
    import pandas as pd

    from salesperf_kit.reporting import Section

    table = pd.DataFrame({"Name": ["E1", "E2", "E3"], "Grade": ["B", np.nan, None],
                          "Performance pay": [2000.0, np.nan, np.nan]})
    section = Section("Payouts", [], table, key="payouts")
    out = section._repr_html_()
    assert "NaN" not in out and "None" not in out
    assert section._table_text()["Grade"].tolist() == ["B", "–", "–"]
    assert "NaN" not in repr(section)


def test_kpis_not_scored_are_told_why_for_the_kpis_of_their_own_role(tmp_path):
    """Two ad buyers; E2 has no orders and no ad spend. E2's CAC measures nothing done (0
    spend for 0 new customers, while E1 had some): 0 points, so E2 scores 0 rather than
    nothing. The KPIs that cannot be scored are told with their reasons (ROAS no value for E2,
    revenue no target, compliance and innovation need the activities table), not the KPIs of
    roles nobody holds (customer satisfaction of the customer service role)."""
    import pandas as pd

    pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["E1", "E2"], "team": ["T", "T"],
                  "role": ["ad_buyer", "ad_buyer"]}).to_csv(tmp_path / "employees.csv", index=False)
    pd.DataFrame({"order_id": ["O1", "O2"], "employee_id": ["E1", "E1"], "customer_id": ["C1", "C2"],
                  "order_date": ["2026-10-03", "2026-10-20"], "amount": [300, 500]}).to_csv(
        tmp_path / "orders.csv", index=False)
    pd.DataFrame({"date": ["2026-10-01"], "channel": ["ads"], "employee_id": ["E1"], "spend": [200]}).to_csv(
        tmp_path / "traffic.csv", index=False)
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(tmp_path),
                          period="2026-10", language="en")
    [line] = [p for p in report.leaderboard().paragraphs if p.startswith("Weighted in the plan but not scored")]
    assert line.endswith(": Revenue (CNY) (weight 20%, 2 people: no target); Return on ad spend (weight 35%, 1 person: "
                         "no value); Compliance violations (weight 10%, 2 people: the data lack table 'activities'); "
                         "Innovation points (weight 10%, 2 people: the data lack table 'activities').")
    assert "satisfaction" not in line
    card = report.scorecard
    assert card.table.set_index("employee_id").loc["E2", "score"] == 0.0
    cac = card.details[(card.details["employee_id"] == "E2") & (card.details["kpi"] == "cac")].iloc[0]
    assert (cac["normalised"], cac["effective_weight"], cac["note"]) == (0.0, 1.0, "no activity (0 / 0): 0 points")


def test_a_diagnostic_of_the_base_weights_names_no_phase(tmp_path):
    """The direct plan's rep has base weights (new contacts 5 % the only process KPI) and a
    launch phase (received revenue 60 %), here set to apply in 2026-10: only the phase's
    sentences name a phase, and no sentence shows the missing phase as 'nan'. As shipped
    (periods: []), the phase applies in no period and is not diagnosed."""
    from salesperf_kit.analysis import plan_diagnostics
    from salesperf_kit.params import load_params
    from salesperf_kit.reporting import diagnostic_sentence

    assert plan_diagnostics(load_params("direct"))["phase"].isna().all()
    plan = tmp_path / "launch.yaml"
    plan.write_text("extends: direct\nscoring:\n  phases:\n    - name: 新品推广期\n      periods: [2026-10]\n"
                    "      roles:\n        rep: {received_revenue: 0.60, positive_review_rate: 0.15, new_customers: 0.10, "
                    "referrals: 0.05, new_contacts: 0.05, sales_skill: 0.05}\n", encoding="utf-8")
    rows = plan_diagnostics(load_params(plan)).to_dict("records")
    sentences = [diagnostic_sentence(r, "en") for r in rows]
    assert "Role rep: process KPIs carry only 5% (suggested at least 20%)." in sentences
    assert ("Role rep (phase 新品推广期): Received revenue carries 60% of the weight; the plan leans on one metric."
            in sentences)
    assert "岗位 rep（阶段「新品推广期」）：单一指标「到账金额」占权重 60%，方案过于依赖一个指标。" in [
        diagnostic_sentence(r, "zh") for r in rows]
    assert not any("nan" in s for s in sentences)


def test_a_report_is_not_dated_after_the_end_of_its_data(no_reviews):
    """The data end on 2026-10-31, two months before 2026-12-31, so the cover must not claim
    data up to 2026-12-31, nor up to an as-of date inside the period after the data end;
    only an as-of date on the period's last day says the export is complete."""
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(no_reviews), period="2026-Q4", language="en", as_of="2026-11-30")
    assert report.as_of == "2026-10-31"
    assert "Data as of 2026-10-31. Note: the data end on 2026-10-31" in report.cover().paragraphs[0]
    assert "2026-12-31." not in report.cover().paragraphs[0].split("Note:")[0]


def test_a_kpi_s_target_actual_and_variance_have_the_same_decimals():
    import pandas as pd

    from salesperf_kit.reporting import _same_decimals

    t = pd.DataFrame({"kpi": ["revenue", "revenue", "connect_rate"], "target": [155500.0, 2400.0, 0.6],
                      "actual": [5707.4, 0.0, 0.55], "variance": [-149792.6, -2400.0, -0.05]})
    out = _same_decimals(t, ["target", "actual", "variance"], by="kpi")
    # revenue reaches 1,000s: whole numbers for every figure of it, 0 included (not 0.00)
    assert out.loc[0].tolist() == ["155,500", "5,707", "-149,793"]
    assert out.loc[1].tolist() == ["2,400", "0", "-2,400"]
    assert out.loc[2].tolist() == ["60.0%", "55.0%", "-5.0%"]  # a share in per cent


@pytest.mark.parametrize("language", ["zh", "en"])
def test_goals_track_the_teams_when_only_the_teams_have_targets(tmp_path, language):
    """A direct plan with revenue targets per team and none per person: the goal tracking
    follows the teams, not '0 of the 0 people with a target'. October 2026: team A sells
    1,000 + 500 against 1,200, team B 300 (on the 31st) against 1,000."""
    report = _three_orders_report(tmp_path, language, {"team": ["A", "B"], "target": [1200, 1000]},
                                  last="2026-10-31")
    section = report.goals()
    assert section.paragraphs[0] == ("2 个团队中有 1 个未达成本期目标。" if language == "zh" else
                                     "1 of the 2 teams with a target missed it this period.")
    team, target, actual = ("团队", "目标", "实际") if language == "zh" else ("Team", "Target", "Actual")
    rows = section.table.set_index(team)
    assert rows.loc["A", [target, actual]].tolist() == ["1,200", "1,500"]
    assert rows.loc["B", [target, actual]].tolist() == ["1,000", "300"]


def test_goals_of_a_period_without_targets_say_so_once_in_the_reports_words(tmp_path, caplog):
    """The targets table has September's only: the section says October has none, and the
    tracking's own warning (in English) is not printed into the client's report as well."""
    report = _three_orders_report(tmp_path, "zh", {"period": ["2026-09"], "employee_id": ["E1"], "team": ["A"],
                                                   "target": [1200]})
    with caplog.at_level("WARNING"):
        section = report.goals()
    assert section.paragraphs[0] == "2026-10 没有个人或团队的目标。"
    assert "No revenue target" not in caplog.text


def _three_orders_report(tmp_path, language, targets: dict, last: str = "2026-10-05"):
    """A direct plan paying on orders; October 2026: E1 (team A) sells 1,000 on the 3rd, E2
    (A) 500 on the 4th, E3 (B) 300 on ``last``, the export's last day; ``targets``: columns
    of the targets table of 2026-10 (revenue)."""
    import pandas as pd

    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame({"employee_id": ["E1", "E2", "E3"], "name": ["甲", "乙", "丙"], "team": ["A", "A", "B"],
                  "role": "rep"}).to_csv(data / "employees.csv", index=False)
    pd.DataFrame({"order_id": ["O1", "O2", "O3"], "employee_id": ["E1", "E2", "E3"], "customer_id": ["C1", "C2", "C3"],
                  "order_date": ["2026-10-03", "2026-10-04", last], "amount": [1000, 500, 300],
                  "status": "completed"}).to_csv(data / "orders.csv", index=False)
    n = len(targets["target"])
    pd.DataFrame({"period": "2026-10", "employee_id": [""] * n, "team": [""] * n, "kpi": "revenue",
                  **targets}).to_csv(data / "targets.csv", index=False)
    plan = tmp_path / "client.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'direct.yaml'}\n"
                    "kpi_options: {revenue_basis: ordered}\nincentives: {commission: {basis: ordered}}\n",
                    encoding="utf-8")
    return build_report(business="direct", params_file=str(plan), data_path=str(data), period="2026-10",
                        language=language)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_goals_of_an_export_that_stops_early_are_forecast_not_missed(tmp_path, language):
    """The export ends on 2026-10-05 (5 of October's 31 days): at the run rate E1 reaches
    1,000 x 31 / 5 = 6,200 (target 1,200), E2 3,100 (target 1,200), E3 1,860 (target
    2,000): nobody has missed a target of a month not yet over. One sale in five days says
    little, though: E1's days 0, 0, 1,000, 0, 0 give s² = 200,000 and an 80 % interval of
    6,200 ∓ 1.2816 × √(26 × s² + 26² × s² / 5) = 6,200 ∓ 7,277, whose low end (at least the
    1,000 sold) is under 1,200; so for E2 (3,100 ∓ 3,638, low end 500) and E3 (1,860 ∓ 2,183,
    s² = 18,000, low end 300): all three are at risk."""
    report = _three_orders_report(tmp_path, language, {"employee_id": ["E1", "E2", "E3"],
                                                       "team": ["A", "A", "B"], "target": [1200, 1200, 2000]})
    assert report.as_of == "2026-10-05"
    section = report.goals()
    assert section.paragraphs[0].startswith("3 人中有 3 人有未达成目标的风险。预测按前 5 天的日均进度推算到 31 天" if language == "zh"
                                            else "3 of the 3 people with a target are at risk of missing it. The "
                                            "forecast takes the daily run rate of the first 5 days over all 31")
    interval = section.table["80% 预测区间" if language == "zh" else "80% interval"].tolist()
    assert interval == ["300–4,043", "500–6,738", "1,000–13,477"]  # (by attainment: E3, E2, E1)


def test_a_partly_covered_period_is_compared_with_the_same_days_of_earlier_periods(tmp_path):
    """The data end on 2026-10-31, ten months into 2026: 2026 is compared with
    2025-01-01 to 2025-10-31, not with the whole of 2025 (whose November and December
    would read as a rise of 14 %), and 2026-Q4 (one month in) with July and with 2025-10."""
    import pandas as pd

    pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["张三", "李四"], "team": ["A", "B"],
                  "role": ["operations", "operations"]}).to_csv(tmp_path / "employees.csv", index=False)
    orders = [("2025-03-10", 100), ("2025-10-20", 100), ("2025-11-15", 300), ("2025-12-10", 200),
              ("2026-02-01", 250), ("2026-07-05", 50), ("2026-08-10", 400), ("2026-10-31", 100)]
    pd.DataFrame({"order_id": [f"O{i}" for i in range(len(orders))],
                  "employee_id": ["E1", "E2"] * 4, "customer_id": [f"C{i}" for i in range(len(orders))],
                  "order_date": [d for d, _ in orders], "amount": [a for _, a in orders]}
                 ).to_csv(tmp_path / "orders.csv", index=False)
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 11 if y == 2026 else 13)]
    pd.DataFrame({"period": months * 2, "employee_id": ["E1"] * len(months) + ["E2"] * len(months),
                  "kpi": "revenue", "target": 50}).to_csv(tmp_path / "targets.csv", index=False)
    year = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                        data_path=str(tmp_path), period="2026", language="zh")
    table = year.summary().table
    # attainment against the targets of the same months: 800 / (2 x 10 x 50) = 80 %; 200 / 1,000 = 20 %
    # (not 200 / 1,200, the targets of the whole of 2025)
    assert table.loc[table["指标"] == "目标完成率", ["实际", "去年同期"]].values.tolist() == [["80.0%", "20.0%"]]
    row = table.iloc[0]
    # 2026: 250 + 50 + 400 + 100 = 800; 2025-01-01 to 2025-10-31: 100 + 100 = 200 (not 2025's 700);
    # against the target of January to October, 1,000 (the months without an order inside the
    # data count: their sales were none), shown without decimals as the row's largest figure is
    assert (row["实际"], row["目标"], row["完成率"], row["去年同期"], row["同比"]) == (
        "800", "1,000", "80.0%", "200", "+300.0%")
    quarter = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                           data_path=str(tmp_path), period="2026-Q4", language="zh")
    summary = quarter.summary()
    row = summary.table.iloc[0]
    # 2026-10: 100; 2026-07: 50 (not the quarter's 450); 2025-10: 100 (not 2025-Q4's 600)
    assert (row["实际"], row["上期"], row["环比"], row["去年同期"], row["同比"]) == ("100.00", "50.00", "+100.0%", "100.00", "0.0%")
    assert ("数据只到 2026-10-31：上期和去年同期按同样的天数比较（2026-07-01 至 2026-07-31、"
            "2025-10-01 至 2025-10-31）。") in summary.paragraphs


def test_each_row_of_the_payout_table_adds_up_as_shown(no_reviews_report):
    """The payout table shows pay to the cent: shown in whole yuan, a commission of
    27,364.50 and an award of 3,312.50 read 27,364 and 3,312 (rounded half to even) beside
    a total of 36,777 (4,600 + 1,500 + 27,364.50 + 3,312.50), one yuan more than the row
    adds up to. Here every row's shown items must add up to its shown total exactly."""
    from decimal import Decimal

    report = no_reviews_report("en")
    table = report.payout_section().table
    total = "Total (CNY)"  # (the shipped plans' money is in yuan)
    items = [c for c in table.columns if c not in ("Employee ID", "Name", "Team", "Grade", total)]
    assert items and table[total].str.fullmatch(r"-?[\d,]+\.\d\d").all()
    for _, r in table.iterrows():
        shown = sum(Decimal(str(r[c]).replace(",", "")) for c in items if r[c] != "–")
        assert shown == Decimal(r[total].replace(",", ""))


@pytest.fixture(scope="module")
def direct_demo(tmp_path_factory, shared_report):
    """The 2026-10 report of the shipped direct plan on the demo's direct data (61 people),
    in a language (see ``shared_report``)."""
    folder = tmp_path_factory.mktemp("direct")
    write_sample("direct", folder)
    return lambda language: shared_report(business="direct", params_file=str(PARAMS_DIR / "direct.yaml"),
                                          data_path=str(folder), period="2026-10", language=language)


def test_the_payout_table_lists_everyone_paid_and_adds_up_to_the_total_above_it(direct_demo):
    """The demo's direct plan pays 61 people 594,536.22 in all (594,204.26 since a refund takes
    back the commission its month paid). The table stopped at 60 rows: 钱洋 (E0028, grade D,
    4,278.05, the lowest total) was missing, and the rows added up to 590,258.17 under the
    sentence giving 594,536.22."""
    from decimal import Decimal

    section = direct_demo("zh").payout_section()
    shown = section._table_text()
    assert section.paragraphs[0].startswith("总发放 594,204.26 元")
    assert len(shown) == 61
    assert sum(Decimal(v.replace(",", "")) for v in shown["应发合计（元）"]) == Decimal("594204.26")
    assert shown.iloc[-1][["工号", "姓名", "应发合计（元）"]].tolist() == ["E0028", "钱洋", "4,278.05"]
    assert "钱洋" in repr(section) and "钱洋" in section._repr_html_()


@pytest.mark.parametrize("language, ids", [("zh", ["工号", "姓名"]), ("en", ["Employee ID", "Name"])])
def test_the_payout_table_tells_apart_people_of_the_same_name_by_their_id(no_reviews_report, language, ids):
    """Two people called 张伟 read alike in a payout table of names: it gives the id first."""
    report = no_reviews_report(language)
    table = report.payout_section().table
    pay = report.payouts
    assert table.columns[:2].tolist() == ids
    top = pay.loc[pay["total"].idxmax()]  # (the table lists the highest total first)
    assert table.iloc[0, :2].tolist() == [top["employee_id"], top["name"]]


def test_an_anonymised_payout_table_names_people_by_their_pseudonym_alone(no_reviews):
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(no_reviews), period="2026-10", language="zh", anonymise=True)
    table = report.payout_section().table
    assert "工号" not in table and table["姓名"].str.fullmatch(r"成员[0-9A-F]{6}").all()
    assert not set(report.payouts["employee_id"].astype(str)) & set(table.to_numpy().ravel().astype(str))


@pytest.mark.parametrize("language, text, last", [
    ("zh", "表中列出前 10 行（共 14 行，先列核心指标，再按方案权重从高到低）。", "销售技巧"),
    ("en", "The table lists the first 10 of 14 rows, the headline KPIs first, then by the plan's weight.",
     "Sales skill")])
def test_a_summary_of_more_kpis_than_it_lists_says_so(direct_demo, language, text, last):
    """The direct summary has 14 KPIs to show: the 7 headline KPIs, then the plan's other
    weighted KPIs by weight (team revenue, new contacts, sales skill, new markets,
    mentoring, collaboration, collaboration score). It lists the first 10, and says so."""
    section = direct_demo(language).summary()
    assert len(section.table) == 10 and section.table.iloc[-1, 0] == last
    assert section.paragraphs[1] == text  # (after the headline sentence)


@pytest.mark.parametrize("language, text", [
    ("zh", "表中列出前 5 行（共 39 行，按相关强度从高到低排列，全部相关见下图）。"),
    ("en", "The table lists the first 5 of 39 rows, the strongest first; the figure shows every pair.")])
def test_the_correlation_table_says_it_lists_the_five_strongest_pairs(direct_demo, language, text):
    """The direct plan weighs 12 KPIs, which share a role pairwise in 43 pairs (the reps' 21,
    the senior reps' 15 more, the managers' 7 more, the director's none); in 4 of them fewer
    than 5 people have both (team revenue and collaboration score each with received
    revenue, the 4 managers, and with mentoring, nobody): 39 pairs. The table lists the 5
    strongest."""
    section = direct_demo(language).correlations()
    assert len(section.table) == 5 and section.paragraphs[0] == text


@pytest.mark.parametrize("language, text", [
    ("zh", "表中列出前 10 名（共 {n} 人）；每个人的名次见 scorecard.xlsx。"),
    ("en", "The table lists the first 10 of {n} people; scorecard.xlsx ranks everyone.")])
def test_a_leaderboard_without_scores_says_it_lists_only_the_first_places_too(no_reviews, language, text):
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(no_reviews), period="2026-10", language=language)
    report.scorecard.table["score"] = float("nan")  # (nobody scored: the table lists 10 people all the same)
    section = report.leaderboard()
    n = len(report.scorecard.table)
    assert n > 10 and len(section._table_text()) == 10
    assert section.paragraphs[0] == text.format(n=n)


def test_people_without_a_score_are_not_told_to_weigh_the_kpis_that_failed_them(tmp_path):
    """Agents with revenue targets and a team lead without: the lead's revenue has no target
    and their close rate no value, so they get no score. The fix offered named revenue and
    close rate among the KPIs to weigh instead; it now asks for their targets and offers
    only KPIs with a value for them."""
    import pandas as pd

    pd.DataFrame({"employee_id": ["A1", "A2", "L1"], "name": ["Ann", "Bob", "Lee"], "team": "T",
                  "role": ["agent", "agent", "team_lead"]}).to_csv(tmp_path / "employees.csv", index=False)
    pd.DataFrame({"call_id": ["K1", "K2", "K3"], "employee_id": ["A1", "A2", "A2"], "customer_id": ["C1", "C2", "C3"],
                  "started_at": "2026-10-05 10:00", "duration_s": [120, 90, 200], "connected": True,
                  "outcome": ["deal", "intent", "deal"]}).to_csv(tmp_path / "calls.csv", index=False)
    pd.DataFrame({"order_id": ["O1", "O2"], "employee_id": ["A1", "A2"], "customer_id": ["C1", "C3"],
                  "order_date": "2026-10-06", "amount": [100.0, 300.0], "status": "completed"}
                 ).to_csv(tmp_path / "orders.csv", index=False)
    pd.DataFrame({"period": "2026-10", "employee_id": ["A1", "A2"], "kpi": "revenue", "target": [100.0, 200.0]}
                 ).to_csv(tmp_path / "targets.csv", index=False)
    for language, fix, failed in (
            ("en", "Give them targets in the targets table or change scoring.roles in the parameter file to KPIs "
                   "these data give for them: ", ("Revenue", "Close rate")),
            ("zh", "请在目标表中为他们补上目标，或在参数文件 scoring.roles 中改用数据能为他们提供的指标：", ("销售额", "成交率"))):
        report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                              data_path=str(tmp_path), period="2026-10", language=language)
        [line] = report.unscored_lines()
        head, _, offered = line.partition(fix)
        assert offered and all(k in head and k not in offered for k in failed), line
        assert ("Calls" if language == "en" else "呼叫量") in offered
        # output per head, a team's figure the lead has a value for, is no KPI of the lead's own
        assert report.kpis.wide.set_index("employee_id").loc["L1", "per_capita_output"] == pytest.approx(400 / 3)  # team T: (100 + 300) / 3 people
        assert ("Output per head" if language == "en" else "人均产出") not in offered


@pytest.mark.parametrize("language, text", [
    ("zh", "总发放 12,000.00 元；所有人的应发合计都无法确定（表中为 –），总额只计入了已确定的部分。"),
    ("en", "Total payout 12,000.00 CNY; nobody's total could be determined (– in the table), so it counts only the pay "
           "that could."),
])
def test_a_payout_total_says_it_leaves_out_the_people_whose_pay_is_unknown(ad_buyers_without_orders, language, text):
    """Two ad buyers with ad data and no orders: no KPI of their role can be scored, so their
    performance pay and totals are unknown; the sum is the two base pays (2 x 6,000), which
    must not read as what the plan costs, and which the table's totals (– for both) do not
    add up to: the sentence says so (when some totals are known, how much of it is the
    others'; here everyone's is unknown, and "the 12,000.00 of their pay" would repeat it)."""
    tmp_path, plan = ad_buyers_without_orders
    report = build_report(business="online", params_file=str(plan), data_path=str(tmp_path),
                          period="2026-10", language=language)
    assert report.payouts["total"].isna().all()
    assert report.payout_section().paragraphs[0] == text



def test_a_payout_total_says_how_much_of_it_is_the_pay_of_people_whose_total_is_unknown(ad_buyers_without_orders):
    """Two customer-service people with no service data (no KPI of their role can be scored)
    beside an operations lead who is scored (conversion from her traffic and orders): the
    table gives her total and "–" for theirs, so the sentence says how much of the sum is
    theirs (their two base pays, 2 x 6,000)."""
    tmp_path, plan = ad_buyers_without_orders
    pd.DataFrame({"employee_id": ["E1", "E2", "E3"], "name": ["E1", "E2", "E3"], "team": ["T", "T", "T"],
                  "role": ["customer_service", "customer_service", "operations"]}).to_csv(
        tmp_path / "employees.csv", index=False)
    pd.DataFrame({"date": ["2026-10-31"], "channel": ["ads"], "employee_id": ["E3"], "sessions": [50],
                  "spend": [0]}).to_csv(tmp_path / "traffic.csv", index=False)
    pd.DataFrame({"order_id": ["O1"], "employee_id": ["E3"], "customer_id": ["C1"], "order_date": ["2026-10-05"],
                  "amount": [300]}).to_csv(tmp_path / "orders.csv", index=False)
    report = build_report(business="online", params_file=str(plan), data_path=str(tmp_path), period="2026-10",
                          language="en")
    assert report.payouts.set_index("employee_id")["total"].isna().to_dict() == {"E1": True, "E2": True, "E3": False}
    assert "; for 2 people whose total could not be determined (– in the table), it counts only the 12,000.00 CNY " \
           "of their pay that could." in report.payout_section().paragraphs[0]


# ----------------------------------------------------------------------------- p-values
def test_p_values_read_with_three_decimals_and_never_as_zero(no_reviews_report):
    """The pairwise table showed a Holm p of 1 as "1" in one report and "1.00" in another
    (its decimals followed the column), and a Kruskal–Wallis p of 0.0002 would have read
    "p = 0.000". Every p-value has three decimals, and one below 0.0005 reads "< 0.001"."""
    from types import SimpleNamespace

    from salesperf_kit.reporting import _p_value, analysis_sentence

    assert [_p_value(p) for p in (1.0, 0.88534, 0.0005, 0.0002)] == ["1.000", "0.885", "0.001", "< 0.001"]
    calm = SimpleNamespace(significant=False, p_value=0.0002, highest_median_group="t1")
    assert "(Kruskal–Wallis, p < 0.001)" in analysis_sentence(calm, "en")
    report = no_reviews_report("en")
    table = report.team_comparison().table
    assert table["p (Holm)"].str.fullmatch(r"\d\.\d{3}|< 0\.001").all()


def test_the_audit_names_people_as_the_table_beside_it_does(no_reviews_report):
    """An alert's subject column showed 崔凯 while its reason said 员工 E0011: the reasons
    name a person as the report does, by name (by pseudonym when anonymised)."""
    report = no_reviews_report("zh")
    table = report.audit().table
    people = table[table["类型"] == "指标离群值"]
    assert len(people)
    for _, row in people.iterrows():
        assert row["说明"].startswith(f"{row['对象']} 的")


@pytest.mark.parametrize("language, text", [
    ("zh", "销售额的团队目标合计 200,000 元（1 个同时设有个人目标的团队），个人目标合计 {people} 元，比团队目标低 {gap}："
           "上表的目标按团队目标计，目标跟踪按个人目标计。分团队看，个人目标合计与团队目标相差超过 0.5% 的有："
           "{team} 个人 {people} 比团队 200,000 低 {gap}。"),
    ("en", "The team targets for Revenue (CNY) add up to 200,000 (the one team that also has personal targets), the "
           "personal targets to {people}, {gap} less: the table above uses the team targets, goal tracking the "
           "personal ones. Team by team, the personal targets differ from the team's by more than 0.5% in: "
           "{team}, people {people} against the team's 200,000 ({gap} less)."),
])
def test_the_summary_says_when_team_and_personal_targets_disagree(no_reviews, tmp_path, language, text):
    """The summary's target is the team targets' sum; goal tracking follows the personal
    targets. Here the first team's target is 200,000 and its n members have 1,000 each:
    n × 1,000 against 200,000, 1 − n × 1,000 / 200,000 below, said of the company and of
    the team by name (with several teams apart, each is named)."""
    import shutil

    import pandas as pd

    for f in no_reviews.iterdir():
        shutil.copy(f, tmp_path / f.name)
    employees = pd.read_csv(tmp_path / "employees.csv", dtype=str)
    teams = sorted(employees["team"].unique())
    members = employees.loc[employees["team"] == teams[0], "employee_id"].tolist()
    rows = [("2026-10", "", t, "revenue", 200_000 if t == teams[0] else 300_000) for t in teams]
    rows += [("2026-10", e, "", "revenue", 1_000) for e in members]
    pd.DataFrame(rows, columns=["period", "employee_id", "team", "kpi", "target"]).to_csv(
        tmp_path / "targets.csv", index=False)
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(tmp_path), period="2026-10", language=language)
    people = len(members) * 1_000
    gap = f"{1 - people / 200_000:.1%}"
    assert text.format(people=f"{people:,}", gap=gap, team=teams[0]) in report.summary().paragraphs


@pytest.mark.parametrize("language, teams, audit", [
    ("zh", "下表两两比较各团队的得分：U 为 Mann–Whitney 检验的统计量；",
     "指标离群值按稳健 z 值判定：与同岗位中位数的差，除以同岗位的中位数绝对偏差（MAD，"),
    ("en", "The table compares the teams' scores pair by pair: U is the Mann–Whitney test statistic;",
     "KPI outliers are judged by the robust z-score: the distance from the peers' median, divided by their "
     "median absolute deviation (MAD,"),
])
def test_the_statistical_terms_of_a_table_are_said_in_plain_words(no_reviews_report, language, teams, audit):
    """A sales director reads U, Holm-corrected p, MAD and robust z in the tables: each
    section says what they mean, with the threshold the plan uses (±3.5, 0.05)."""
    report = no_reviews_report(language)
    comparison = report.team_comparison().paragraphs
    assert comparison[-1].startswith(teams) and "0.05" in comparison[-1]
    alerts = report.audit().paragraphs
    assert alerts[1].startswith(audit) and "3.5" in alerts[1]


def test_teams_are_compared_within_a_role_on_the_individual_scores(no_reviews_report):
    """"Team scores differ significantly (p = 0.010)" was built in: 30 % of each telesales
    score is its team's average, the same for all members, and the test pooled agents with
    team leads scored on other KPIs. The test is run per role, on the individual scores,
    and the section says so."""
    from scipy import stats

    report = no_reviews_report("en")
    t = report.scorecard.table
    assert t["team_score"].notna().all()
    agents = t[t["role"] == "agent"]
    expected = stats.kruskal(*[g["individual_score"].to_numpy() for _, g in agents.groupby("team")]).pvalue
    blended = stats.kruskal(*[g["score"].to_numpy() for _, g in agents.groupby("team")]).pvalue
    section = report.team_comparison()
    first = section.paragraphs[0]
    assert first.startswith("Agent: ") and f"p = {expected:.3f}" in first and f"{blended:.3f}" not in first
    assert section.paragraphs[1] == ("Teams are compared within each role, since the roles are scored on different "
                                     "KPIs; Team lead is not tested (fewer than two teams have two or more of them "
                                     "with a score, or their scores are all equal).")
    assert section.paragraphs[2].startswith("The scores compared are the individual scores, before the team score")
    assert (section.table["n A"] + section.table["n B"]).max() == 2 * agents.groupby("team").size().max()


@pytest.mark.parametrize("language, intent, deals", [
    ("zh", "「意向客户」的转化率按接通的客户计", "「成交客户」是本期所有买过的客户，不只是意向客户"),
    ("en", "The rate of Intent customers is over the customers reached on a connected call",
     "Customers who bought are all the period's buyers, not only intent customers"),
])
def test_the_telesales_funnel_says_what_its_last_rates_are_over(no_reviews_report, language, intent, deals):
    """"Customers who bought 89.6 %" read as the share of intent customers who bought (26 % of
    them did): the funnel says that rate is the close rate, and what the intent rate is over."""
    paras = no_reviews_report(language).funnel().paragraphs
    assert any(p.startswith(intent) for p in paras) and any(p.startswith(deals) for p in paras)


def test_a_correlation_over_few_people_says_it_may_be_chance(shared_report):
    """The telesales demo listed Close rate – Collaboration rating, -0.71 over the 5 team
    leads, second among the strongest correlations: p = 0.18. The table gives each pair's p
    and the section names the pairs that may be chance."""
    from scipy import stats

    report = shared_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"), period="2026-10",
                           language="en")
    section = report.correlations()
    row = section.table.set_index(["KPI A", "KPI B"]).loc[("Close rate", "Collaboration rating")]
    leads = report.kpis.wide[report.kpis.wide["role"] == "team_lead"]
    expected = stats.spearmanr(leads["close_rate"], leads["collaboration_score"]).pvalue
    assert row["People"] == 5 and row["p"] == f"{expected:.3f}"
    assert (f"A correlation with p of 0.05 or more may be chance, too weak to act on: Close rate – Collaboration "
            f"rating (ρ = {row['Spearman ρ']:.2f} over 5 people, p = {expected:.3f}).") in section.paragraphs


def test_the_payouts_say_who_won_each_award_and_why(shared_report):
    """Every member of one telesales team showed Awards 250.00, with no word of the award or
    its rule: the section names each award, its rule, its winners and the amounts."""
    report = shared_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"), period="2026-10",
                           language="en")
    wide = report.kpis.wide
    top = wide.loc[wide["revenue"].idxmax(), "name"]
    # the team champion worked out by hand: each team's revenue over its team target of the month
    # (华东一组 722,245.32 / 822,000 = 87.9 %, just ahead of 华北一组's 87.6 %)
    t = report.dataset.tables["targets"]
    team_targets = t[(t["period"].astype(str) == "2026-10") & (t["kpi"] == "revenue") & t["employee_id"].isna()]
    attainment = wide.groupby("team")["revenue"].sum() / team_targets.set_index("team")["target"]
    team = attainment.idxmax()
    members = int((wide["team"] == team).sum())
    assert (team, members) == ("华东一组", 12)
    assert (f"Awards: Sales champion (highest revenue) 2,000.00 CNY to {top}; Team champion (the team of highest "
            f"revenue attainment) 3,000.00 CNY, shared by the {members} people of {team}, {3000 / members:,.2f} CNY each."
            ) in report.payout_section().paragraphs


def test_the_team_comparison_lists_the_pairs_of_the_role_whose_teams_differ(shared_report):
    """The e-commerce demo pooled shop operators with customer service: "gaps may be chance",
    while the operators' teams differ (p = 0.012 by scipy on their own scores). Each role is
    tested; the pairs listed are those of the role whose teams differ (ten, not twenty)."""
    from scipy import stats

    report = shared_report(business="ecommerce", params_file=str(PARAMS_DIR / "ecommerce.yaml"), period="2026-10",
                           language="en")
    card = report.scorecard.table
    ops = card[card["role"] == "shop_operator"]
    p = stats.kruskal(*[g["score"].to_numpy() for _, g in ops.groupby("team")]).pvalue
    section = report.team_comparison()
    assert f"Shop operator: Team scores differ significantly (Kruskal–Wallis, p = {p:.3f})" in section.paragraphs[1]
    assert section.paragraphs[0].startswith("Customer service: Team scores do not differ significantly")
    assert "The table compares the teams of Shop operator pair by pair (the role whose teams differ)." \
        in section.paragraphs
    assert len(section.table) == 10 and set(section.table["n A"]) == {5}


def test_a_figure_saved_as_returned_keeps_its_long_labels():
    """An analyst saves a returned figure with ax.figure.savefig: the long Chinese names on the
    left and the legend on the right are in the file, not cut at the figure's edge."""
    import io

    import matplotlib.pyplot as plt
    import pandas as pd
    from PIL import Image

    from salesperf_kit import plots

    data = pd.DataFrame({"name": ["欧阳精准流量运营专员甲", "司马精准流量运营专员乙"], "score": [90.0, 80.0],
                         "team": ["华东一区直播电商团队", "华南二区"]})
    ax = plots.leaderboard_chart(data, title="排行榜")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    left = min(t.get_window_extent(renderer).x0 for t in ax.get_yticklabels())
    right = ax.get_legend().get_window_extent(renderer).x1
    width = fig.bbox.width
    assert left < 0 or right > width  # drawn past the figure's edge: a plain save would cut them
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    plt.close(fig)
    saved = Image.open(io.BytesIO(buf.getvalue())).size[0]
    assert saved >= right - min(left, 0)  # the whole span from the labels to the legend


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_report_figure_is_the_image_a_tight_save_gives(language):
    """A report saves each figure with the tight box measured beforehand (one drawing
    instead of two): the PNG is the very one ``savefig(bbox_inches="tight")`` writes, long
    labels, legend and colour bar included."""
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    import seaborn as sns

    from salesperf_kit import plots
    from salesperf_kit.reporting import _tight_box

    names = ["欧阳精准流量运营专员甲", "司马精准流量运营专员乙"] if language == "zh" else \
        ["Precision traffic specialist A", "Precision traffic specialist B"]
    data = pd.DataFrame({"name": names, "score": [90.0, 80.0], "team": ["华东一区直播电商团队", "华南二区"]})
    grid = pd.DataFrame(np.arange(6.0).reshape(2, 3), index=names, columns=["销售额", "客单价", "复购率"])
    for ax in (plots.leaderboard_chart(data, title="排行榜"), sns.heatmap(grid, annot=True, ax=plt.subplots()[1])):
        fig = ax.figure
        fig.tight_layout()
        tight, measured = io.BytesIO(), io.BytesIO()
        fig.savefig(tight, format="png", bbox_inches="tight")
        box = _tight_box(fig)
        assert fig.dpi == 100  # (measured at the saving resolution, and put back)
        fig.savefig(measured, format="png", bbox_inches=box)
        plt.close(fig)
        assert measured.getvalue() == tight.getvalue()


def test_a_report_on_demo_data_files_says_they_are_generated(tmp_path):
    """`salesperf demo` runs the reports on the demo data it writes to disk: the cover says
    they are generated, as it does for the embedded demo data, until someone changes them."""
    write_sample("online", tmp_path, seed=1, volumes={"orders": 3, "service": 2})
    kw = dict(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(tmp_path),
              period="2026-10")
    assert build_report(**kw, language="zh").cover().paragraphs[0].endswith(
        "数据为本工具生成的演示数据文件（随机生成，并非真实业务数据）。")
    assert build_report(**kw, language="en").cover().paragraphs[0].endswith(
        "The data are demo data files the kit generated (not real business figures).")
    orders = tmp_path / "orders.csv"
    orders.write_text(orders.read_text(encoding="utf-8").replace("\n", "\r\n"), encoding="utf-8")
    edited = build_report(**kw, language="en").cover().paragraphs[0]
    assert "demo data" not in edited and edited.endswith("Data as of 2026-10-31.")


@pytest.mark.parametrize("period, data_end, earlier, last", [
    ("2017", "2017-12-30", "2016", "2016-12-30"),  # across 2016's leap day: the same dates
    ("2026", "2026-10-31", "2025", "2025-10-31"),
    ("2026-10", "2026-10-15", "2026-09", "2026-09-15"),
    ("2026-10", "2026-10-15", "2025-10", "2025-10-15"),
    ("2026-03", "2026-03-30", "2026-02", "2026-02-28"),  # February has no 30th: all of it
    ("2026-Q3", "2026-08-15", "2026-Q2", "2026-05-15"),
    ("2024-03", "2024-03-29", "2023-03", "2023-03-29"),
])
def test_a_partly_covered_period_is_compared_with_the_same_calendar_dates(period, data_end, earlier, last):
    import pandas as pd

    from salesperf_kit.reporting import comparison_end

    end = comparison_end(parse_period(period), data_end, parse_period(earlier))
    assert end - pd.Timedelta(days=1) == pd.Timestamp(last)


def test_a_table_that_stops_part_way_is_told_in_the_summary_and_the_appendix(tmp_path):
    """Leads (traffic) exported up to the 15th beside orders of the whole month: the
    summary warns that the KPIs made from them are partial, by their labels, and the
    appendix lists it as a note, not as a KPI left out."""
    import pandas as pd

    write_sample("online", tmp_path, seed=1, volumes={"orders": 3, "service": 2})
    traffic = pd.read_csv(tmp_path / "traffic.csv")
    traffic[traffic["date"] <= "2026-10-15"].to_csv(tmp_path / "traffic.csv", index=False)
    kw = dict(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(tmp_path),
              period="2026-10")
    zh = build_report(**kw, language="zh")
    [said] = [s for s in zh.summary().paragraphs if s.startswith("注意：流量数据")]
    assert said.startswith("注意：流量数据只到 2026-10-15，而其他数据到 2026-10-31：「") and "咨询转化率" in said
    assert said.endswith("只计入了截至该日的流量数据，是部分结果。")
    appendix = zh.data_quality().table
    [row] = appendix[appendix["说明"] == said.removeprefix("注意：")].to_dict("records")
    assert row["类型"] == "指标说明"
    en = build_report(**kw, language="en")
    [said] = [s for s in en.summary().paragraphs if s.startswith("Note: the traffic")]
    assert said.startswith("Note: the traffic data end on 2026-10-15 while the other data go on to 2026-10-31: ")
    assert "Inquiry conversion" in said and said.endswith(" count the traffic up to that day only, a partial figure.")
    kinds = en.data_quality().table.set_index("Message")["Kind"]
    assert kinds["T" + said.removeprefix("Note: t")] == "KPI note"
    assert (kinds == "KPI left out").any()  # (the KPIs the data cannot give are still told as left out)


def _reps_and_managers(folder: Path, employees) -> Path:
    """Write ``employees``, the orders of R1 to R6 (i orders of 100 x i each, all in
    2026-10) and a direct plan that scores reps on revenue and orders and managers on their
    team's revenue alone into ``folder``; returns the plan file."""
    import pandas as pd

    employees.to_csv(folder / "employees.csv", index=False)
    pd.DataFrame([{"order_id": f"O{i}{j}", "employee_id": f"R{i}", "customer_id": f"C{i}{j}",
                   "order_date": f"2026-10-{j + 1:02d}", "amount": 100.0 * i, "status": "completed"}
                  for i in range(1, 7) for j in range(i)]).to_csv(folder / "orders.csv", index=False)
    plan = folder / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'direct.yaml'}\nkpi_options: {{revenue_basis: ordered}}\n"
                    "scoring:\n  kpi_normalisation: {received_revenue: null, team_revenue: {method: percentile}}\n"
                    "  roles:\n    senior_rep: null\n    director: null\n"
                    "    rep: {weights: {revenue: 0.5, orders: 0.5}}\n    manager: {weights: {team_revenue: 1.0}}\n"
                    "incentives: {commission: {basis: ordered}, awards: {team_champion: null}}\n", encoding="utf-8")
    return plan


@pytest.fixture(scope="module")
def reps_and_managers(tmp_path_factory):
    """Six representatives (R1 to R6: i orders of 100 x i each, all in 2026-10) in two teams,
    and their two managers, who sell nothing and are scored on their team's revenue alone:
    returns (data folder, plan file)."""
    import pandas as pd

    folder = tmp_path_factory.mktemp("reps_and_managers")
    ids = [f"R{i}" for i in range(1, 7)] + ["M1", "M2"]
    employees = pd.DataFrame({"employee_id": ids, "name": ids, "team": ["T1"] * 3 + ["T2"] * 3 + ["T1", "T2"],
                              "role": ["rep"] * 6 + ["manager"] * 2,
                              "manager_id": ["M1"] * 3 + ["M2"] * 3 + [None, None]})
    return folder, _reps_and_managers(folder, employees)


@pytest.mark.parametrize("language, figure, pairs", [
    ("zh", "图中不含经理（2 人）：其岗位不考核「销售额」，与其他人放在一起比较没有意义；表中的团队数字计入全部人员。",
     "每个指标只计入考核该指标的岗位人员，两个指标没有共同岗位时不计算相关：「销售额」「成交订单数」计入直销员（6 人）。"),
    ("en", "The figure leaves out Manager (2): their role is not scored on Revenue (CNY), so comparing them with the "
           "others would not be like with like; the team figures in the table count everyone.",
     "Each KPI counts only the people of the roles scored on it, and two KPIs that no role shares have no "
     "correlation: Revenue (CNY) and Orders count only Representative (6)."),
])
def test_managers_who_sell_nothing_are_not_compared_with_the_sellers(reps_and_managers, language, figure, pairs):
    """The managers' revenue, orders and new customers of 0 are left out of the KPI
    distribution (of revenue, the headline of a plan paid on orders) and the correlations,
    and the report says whom each covers. R_i has i
    orders and i customers worth 100 x i each: over the six representatives revenue and
    orders have Spearman rho = 1, from 6 people (not 8); team revenue, the managers' KPI,
    shares no role with them and has no correlation."""
    folder, plan = reps_and_managers
    report = build_report(business="direct", params_file=str(plan), data_path=str(folder), period="2026-10",
                          language=language)
    dist = report.distributions()
    assert dist.paragraphs == [figure]
    assert dist.table.iloc[:, -1].tolist() == [4, 4]  # the team table still counts everyone
    corr = report.correlations()
    assert corr.paragraphs == [pairs]
    # (the plan's KPIs: those of the shipped plan's launch phase, which applies in no period, are not its)
    assert corr.table.iloc[:, 2].tolist() == [1.0] and corr.table.iloc[:, 3].tolist() == [6]
    assert not corr.table.iloc[:, :2].isin([report._label("team_revenue")]).any().any()


@pytest.mark.parametrize("language, text", [
    ("zh", "岗位 直销员：3 人的得分全部为 50，得分区分不出任何人，等级（全部为 A）没有意义。「新客户数」人人相同。"
           "请在 scoring.roles.rep.weights 中改用能区分他们的指标，或补充该岗位其他指标所需的数据。"),
    ("en", "Role Representative: all 3 people score 50, so the scores tell no one apart and their grades (all A) "
           "mean nothing. New customers is the same for all of them. Weight KPIs on which they differ "
           "(scoring.roles.rep.weights), or add the data the role's other KPIs need."),
])
def test_the_summary_says_when_a_role_s_scores_tell_no_one_apart(tmp_path, language, text):
    """Three reps scored on new customers alone, one each: tied at the 50th percentile, all
    graded A (forced grading gives ties the better grade). The summary says so, not only the diagnostics."""
    report = _tied_reps(tmp_path, 3, language)
    assert text in report.summary().paragraphs
    assert text in report.diagnostics().paragraphs


def _leads(folder, owners: list):
    """Online data of two customer-service people: October leads owned as ``owners`` says
    (None: no owner) and three orders, all owned."""
    import pandas as pd

    pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["E1", "E2"], "team": ["T", "T"],
                  "role": ["customer_service"] * 2}).to_csv(folder / "employees.csv", index=False)
    pd.DataFrame({"date": "2026-10-02", "channel": "web", "employee_id": owners, "inquiries": 1}
                 ).to_csv(folder / "traffic.csv", index=False)
    pd.DataFrame({"order_id": ["O1", "O2", "O3"], "employee_id": ["E1", "E1", "E2"], "customer_id": ["C1", "C2", "C3"],
                  "order_date": "2026-10-05", "amount": [100.0, 200.0, 300.0], "status": "completed"}
                 ).to_csv(folder / "orders.csv", index=False)
    return dict(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(folder),
                period="2026-10")


@pytest.mark.parametrize("language, text", [
    ("zh", "注意：2026-10 的 10 行流量数据中有 7 行（70.0%）没有负责人（employee_id）：转化漏斗只计入有负责人的 3 行；"
           "「咨询转化率」用全部订单数据对比这 3 行，不是全公司的数值。请在导出数据中补上 employee_id。"),
    ("en", "Note: 7 of the 10 traffic rows of 2026-10 (70.0%) have no owner (employee_id): the funnel counts only "
           "the 3 that have one, and Inquiry conversion sets all the orders against those 3 alone, so it is not a "
           "company-wide figure. Fix: fill in employee_id in the traffic export."),
])
def test_the_summary_says_when_the_conversion_counts_owned_leads_only(tmp_path, language, text):
    """Seven of ten leads have no owner: the company's inquiry conversion (3 orders over 3
    owned leads, 100 %; over all ten leads it would be 30 %) sets every order against the
    owned leads alone. From 10 % unowned on, the summary says so (1 of 10); below it (1 of
    11, 9.1 %) the appendix alone tells it."""
    report = build_report(**_leads(tmp_path, ["E1", "E1", "E2"] + [None] * 7), language=language)
    assert text in report.summary().paragraphs
    assert len(report.distributions().table) == 1  # (the count leaves the connection free for the next section)
    one_in_ten = build_report(**_leads(tmp_path, ["E1"] * 5 + ["E2"] * 4 + [None]), language="en")
    assert ("Note: 1 of the 10 traffic rows of 2026-10 (10.0%) has no owner (employee_id): the funnel counts only "
            "the 9 that have one, and Inquiry conversion sets all the orders against those 9 alone, so it is not a "
            "company-wide figure. Fix: fill in employee_id in the traffic export.") in one_in_ten.summary().paragraphs
    one_in_eleven = build_report(**_leads(tmp_path, ["E1"] * 5 + ["E2"] * 5 + [None]), language="en")
    assert not [p for p in one_in_eleven.summary().paragraphs if "no owner" in p]


def _tied_reps(folder, n: int = 3, language: str = "en", **kw):
    """A direct report of ``n`` reps (R1, R2, ...; named Ann, Bob, ...) scored on new
    customers alone, one each: all tied at the 50th percentile, rank 1."""
    import pandas as pd

    ids = [f"R{i}" for i in range(1, n + 1)]
    names = ["Ann", "Bob", "Cai", "Dee", "Eve", "Fay", "Gus", "Hal"][:n]
    pd.DataFrame({"employee_id": ids, "name": names, "team": ["T1", "T2"] * (n // 2) + ["T1"] * (n % 2),
                  "role": ["rep"] * n}).to_csv(folder / "employees.csv", index=False)
    pd.DataFrame({"order_id": [f"O{i}" for i in range(n)], "employee_id": ids,
                  "customer_id": [f"C{i}" for i in range(n)], "order_date": ["2026-10-05"] * n,
                  "amount": 100.0, "status": "completed"}
                 ).to_csv(folder / "orders.csv", index=False)
    plan = folder / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'direct.yaml'}\nkpi_options: {{revenue_basis: ordered}}\n"
                    "scoring:\n  roles:\n    senior_rep: null\n    director: null\n    manager: null\n"
                    "    rep: {weights: {new_customers: 1.0}}\n"
                    "incentives: {commission: {basis: ordered}, awards: {team_champion: null}}\n", encoding="utf-8")
    return build_report(business="direct", params_file=str(plan), data_path=str(folder), period="2026-10",
                        language=language, **kw)


@pytest.mark.parametrize("language, board, pay", [
    ("en", "Note: alerts in the audit section concern people in this table (Suspected order brushing: Ann and "
           "Cai): check them before relying on this ranking.",
     "Note: alerts in the audit section concern people in this table (Suspected order brushing: Ann and Cai): "
     "check them before paying."),
    ("zh", "注意：以下人员本期有审计预警（见审计一节）——疑似刷单：Ann、Cai。请先核查这些预警，再据此排名和发放。",
     "注意：以下人员本期有审计预警（见审计一节）——疑似刷单：Ann、Cai。请先核查这些预警，再据此发放。"),
])
def test_the_ranking_and_the_payouts_point_to_integrity_alerts_about_their_people(tmp_path, language, board, pay):
    """People flagged for possible brushed orders were 3rd, 7th, 9th and 10th of the
    e-commerce ranking and paid over-target bonuses, with the alerts only in the audit
    section. The leaderboard and the payouts now name them; a mere KPI outlier does not."""
    report = _tied_reps(tmp_path, 3, language=language)
    alerts = pd.DataFrame({"kind": ["brushing", "kpi_outlier", "brushing", "brushing"],
                           "employee_id": ["R1", "R2", "R3", None], "subject": ["R1", "R2", "R3", "ch"],
                           "subject_type": ["employee", "employee", "employee", "channel"], "reason": "x"})
    report.__dict__["_alerts_found"] = alerts
    assert board in report.leaderboard().paragraphs
    assert pay in report.payout_section().paragraphs
    assert len(report.audit().table) == 4  # (the audit lists what it found, as before)


def test_the_scorecard_files_carry_the_audit_hold_the_payout_section_names(tmp_path):
    """The telesales demo's payout section says 宋英娟 (E0017) has bulk short calls, to check
    before paying her 5,397.95; scorecard.csv and .xlsx, which payroll imports, carried no mark
    on her row. They now name the alert in 审计预警, empty for everyone else."""
    from openpyxl import load_workbook

    data = tmp_path / "data"
    write_sample("telesales", data)
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(data), period="2026-10", language="zh")
    assert "注意：以下人员本期有审计预警（见审计一节）——批量短通话：宋英娟。请先核查这些预警，再据此发放。" in \
        report.payout_section().paragraphs
    report.save(tmp_path / "out")
    csv = pd.read_csv(tmp_path / "out" / "scorecard.csv", encoding="utf-8-sig", dtype=str)
    held = csv[csv["审计预警"].notna()]
    assert held[["工号", "姓名", "应发合计（元）", "审计预警"]].values.tolist() == [["E0017", "宋英娟", "5397.95", "批量短通话"]]
    assert len(csv) == 60
    ws = load_workbook(tmp_path / "out" / "scorecard.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    col = rows[0].index("审计预警")
    assert [(r[0], r[col]) for r in rows[1:] if r[col] is not None] == [("E0017", "批量短通话")]


def test_the_audit_column_names_each_kind_of_hold_and_not_a_kpi_outlier(tmp_path):
    """R1 has two kinds of alert, R3 one; R2 is only a KPI outlier, which the payout section
    does not name either: no hold."""
    report = _tied_reps(tmp_path, 3, language="en")
    report.__dict__["_alerts_found"] = pd.DataFrame({
        "kind": ["brushing", "short_calls", "kpi_outlier", "brushing"], "employee_id": ["R1", "R1", "R2", "R3"],
        "subject": ["R1", "R1", "R2", "R3"], "subject_type": "employee", "reason": "x"})
    table = report.scorecard_table().set_index("employee_id")
    assert table["audit_alert"].fillna("").to_dict() == {"R1": "Suspected order brushing; Bulk short calls",
                                                         "R2": "", "R3": "Suspected order brushing"}
    assert ("Note: alerts in the audit section concern people in this table (Suspected order brushing: Ann and "
            "Cai; Bulk short calls: Ann): check them before paying.") in report.payout_section().paragraphs


def test_an_anonymised_report_lists_people_of_equal_rank_by_pseudonym_not_by_hidden_id(tmp_path):
    """Six reps tied at rank 1: the leaderboard, the feedback cards, the payout table and the
    scorecard file listed them in the order of their real ids (R1, R2, ...), so that anyone
    with the staff list could tell which pseudonym is whom. They now follow the pseudonyms."""
    from salesperf_kit.export import pseudonyms

    report = _tied_reps(tmp_path, 6, client="Acme", anonymise=True)
    real_order = [f"R{i}" for i in range(1, 7)]
    codes = pseudonyms(real_order, salt="Acme", language="en")
    by_pseudonym = sorted(codes.values())
    assert by_pseudonym != [codes[e] for e in real_order]  # (else the test would prove nothing)
    assert report.leaderboard().table["Name"].tolist() == by_pseudonym
    cards = report.feedback().paragraphs[1:]  # (after what a card compares)
    assert [c.split(":")[0] for c in cards] == by_pseudonym
    assert report.payout_section().table["Name"].tolist() == by_pseudonym
    assert report.scorecard_table()["name"].tolist() == by_pseudonym
    # a report for the client keeps the order of the ids
    plain = _tied_reps(tmp_path, 6, client="Acme")
    assert plain.leaderboard().table["Name"].tolist() == ["Ann", "Bob", "Cai", "Dee", "Eve", "Fay"]


@pytest.mark.parametrize("language, text", [
    ("zh", "Ann：同岗位所有人在「新客户数」上的得分相同，看不出强项或短板；本期没有需要单独指出的。"),
    ("en", "Ann: everyone of the role has the same points on New customers, which shows no strength or gap; "
           "nothing to single out this period."),
])
def test_a_feedback_card_praises_no_kpi_on_which_the_whole_role_ties(tmp_path, language, text):
    """Three reps with one new customer each all get 50 points on it (the median): the cards
    said "strong on New customers" of every one of them."""
    cards = _tied_reps(tmp_path, 3, language=language).feedback().paragraphs
    assert cards[1] == text
    assert not [p for p in cards[1:] if "strong on" in p or "做得好" in p]
    # what a card's strength and gap are (a client read them as the person's best and worst KPIs)
    assert cards[0].startswith("每张卡片都与同岗位的中位数比较" if language == "zh" else
                               "Each card compares the person with the median of their role: the strength is")


def test_a_feedback_card_names_the_tied_kpis_beside_a_strength():
    import pandas as pd

    from salesperf_kit.reporting import feedback_sentence

    card = {"name": "Ann", "strength_kpi": "revenue", "gap_kpi": pd.NA, "tied_kpis": "calls, csat"}
    assert feedback_sentence(card, "en") == ("Ann: strong on Revenue; on Calls and Customer satisfaction everyone "
                                             "of the role has the same points.")
    assert feedback_sentence(card, "zh") == "Ann：做得好的是「销售额」；同岗位所有人在「呼叫量」「客户满意度」上的得分相同。"
    # a role of one KPI: its only KPI, not "the only one with data" (which reads as data missing)
    alone = {"name": "Ann", "strength_kpi": "new_contacts", "gap_kpi": pd.NA, "tied_kpis": pd.NA}
    assert feedback_sentence(alone, "en") == "Ann: strong on New contacts, the only KPI scored for them this period."
    assert feedback_sentence(alone, "zh") == "Ann：做得好的是「新增联系人数量」，这是本期唯一计分的指标。"


@pytest.mark.parametrize("language, text", [
    ("zh", "全部 3 人得分相同（50，等级 A），并列第一，没有单独的第一名。"),
    ("en", "All 3 people share first place with the same score (50, grade A): no one comes first."),
])
def test_a_leaderboard_where_everyone_ties_names_no_first_place(tmp_path, language, text):
    """Three reps all at 50: the leaderboard said "First place: Ann (T1), score 50", the
    first of the tie by employee id."""
    report = _tied_reps(tmp_path, 3, language=language)
    section = report.leaderboard()
    assert section.paragraphs[0] == text
    assert not [p for p in section.paragraphs if "First place:" in p or "第一名：" in p]
    uniform = [p for p in report.summary().paragraphs if "tell no one apart" in p or "区分不出任何人" in p]
    assert len(uniform) == 1  # (the diagnostic stays)


@pytest.mark.parametrize("language, text", [
    ("zh", "岗位「直销员」的 3 人得分相同，却按等级 A 合计发放绩效工资 3,600.00 元；这些等级区分不出任何人（见方案诊断），发放前请核对。"),
    ("en", "Role Representative: the 3 people score the same, yet are paid 3,600.00 CNY of performance pay in all at "
           "grade A, by grades that tell no one apart (see the plan diagnostics); check it before paying."),
])
def test_the_payout_section_says_when_performance_pay_follows_grades_that_mean_nothing(tmp_path, language, text):
    """Three reps all at 50 get grade A and the plan's performance pay of 1,000 x 1.2 each:
    3 x 1,200 = 3,600.00 paid on grades that tell no one apart; the summary said so, the
    payout table that payroll reads did not."""
    paras = _tied_reps(tmp_path, 3, language=language).payout_section().paragraphs
    assert text in paras


@pytest.mark.parametrize("language, text", [
    ("zh", "2 人并列第一：{a}（{ta}）、{b}（{tb}），得分 90"),
    ("en", "2 people share first place: {a} ({ta}) and {b} ({tb}), score 90"),
])
def test_a_leaderboard_names_both_people_who_share_first_place(no_reviews, language, text):
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(no_reviews), period="2026-10", language=language)
    card = report.scorecard.table
    card["score"] = [90.0, 90.0] + [50.0] * (len(card) - 2)  # the first two by rank tie at 90
    card["rank"] = [1, 1] + [3] * (len(card) - 2)
    a, b = card.sort_values(["rank", "employee_id"]).head(2).itertuples()
    expected = text.format(a=a.name, ta=a.team, b=b.name, tb=b.team)
    assert report.leaderboard().paragraphs[0].startswith(expected)


@pytest.mark.parametrize("language, text", [
    ("zh", "各团队得分差异显著（Kruskal–Wallis，p = 0.027）；中位数最高的是 C。两两比较见下表（Holm 校正）。"
           "整体差异是真实的，但经校正后没有哪两个团队之间的差异足够明显：差异分散在各团队之间，不能归到某两个团队。"),
    ("en", "Team scores differ significantly (Kruskal–Wallis, p = 0.027); C has the highest median. Pairwise "
           "Mann–Whitney tests with Holm correction below. The overall difference is real, but after the correction "
           "no single pair of teams differs clearly: the difference is spread across the teams rather than between "
           "two of them."),
])
def test_a_significant_team_difference_without_a_significant_pair_is_reconciled(language, text):
    """Teams A, B, C of 3 people scoring 1–3, 4–6, 7–9: H = 12/(9 × 10) × (6² + 15² + 24²)/3
    − 3 × 10 = 7.2, p = e^(−3.6) = 0.027; each pair apart as far as 3 against 3 can be,
    U = 0, exact p = 2/20 = 0.1, Holm 3 × 0.1 = 0.3: no pair is significant."""
    import pandas as pd

    from salesperf_kit.analysis import team_comparison
    from salesperf_kit.reporting import analysis_sentence

    test = team_comparison(pd.DataFrame({"team": list("AAABBBCCC"), "score": range(1, 10)}), value="score")
    assert test.pairwise["p_adjusted"].tolist() == pytest.approx([0.3] * 3)
    assert analysis_sentence(test, language) == text
    apart = team_comparison(pd.DataFrame({"team": list("AAAAAABBBBBB"), "score": range(1, 13)}), value="score")
    assert apart.any_pair_significant and "spread" not in analysis_sentence(apart, "en")



@pytest.mark.parametrize("teams, scores, text", [
    ("AAAB", [1.0, 2.0, 3.0, 4.0], "Fewer than two teams have two or more people with a score, so there is nothing "
                                   "to test."),
    ("AABB", [None] * 4, "Nobody has a score this period, so the teams cannot be compared."),
    ("AAAA", [1.0, 2.0, 3.0, 4.0], "There is only one team, so there is nothing to compare."),
    ("AABB", [5.0] * 4, "Everyone compared has the same score, so the teams do not differ."),
])
def test_a_team_comparison_with_nothing_to_test_says_why(teams, scores, text):
    """A client's first run, with 22 people in two teams and no one scored, read "Too few
    teams or people to test": the sentence now gives the reason that holds."""
    from salesperf_kit.analysis import team_comparison
    from salesperf_kit.reporting import analysis_sentence

    test = team_comparison(pd.DataFrame({"team": list(teams), "score": scores}), value="score")
    assert analysis_sentence(test, "en") == text
    assert analysis_sentence(test, "zh").endswith("。")

@pytest.mark.parametrize("language, text", [("zh", "本期没有预警。"), ("en", "No alerts this period.")])
def test_an_audit_without_alerts_says_there_are_none(tmp_path, language, text):
    """Three reps with one order each raise no alert: the audit said "0 alerts, listed for
    audit; they never change scores"."""
    section = _tied_reps(tmp_path, 3, language=language).audit()
    assert section.paragraphs == [text] and section.table.empty


def test_value_axes_write_thousands_with_separators():
    """The box plot of revenue read 350000 and 200000 where every table says 350,000."""
    import pandas as pd

    from salesperf_kit import plots

    data = pd.DataFrame({"team": ["A", "A", "B", "B"], "revenue": [100000.0, 350000.0, 200000.0, 250000.0]})
    ax = plots.kpi_distribution(data, value="revenue")
    ax.figure.canvas.draw()
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert "350,000" in shown and "200,000" in shown and not [t for t in shown if t.isdigit() and len(t) > 3]
    pay = plots.payout_chart(pd.DataFrame({"name": ["a"], "base": [4000.0], "bonus": [1500.0]}),
                             label="name", parts=["base", "bonus"])
    pay.figure.canvas.draw()
    assert "4,000" in [t.get_text() for t in pay.get_xticklabels()]
    assert [plots._tick(v) for v in (0.3 + 1e-17, 2.5, 1250.0, 0.0)] == ["0.3", "2.5", "1,250", "0"]


@pytest.mark.parametrize("language, text", [
    ("zh", "图中略去「团队业绩」：与其他任何指标都算不出相关（同时计入的人太少，或这些人的该项没有差异）。"),
    ("en", "The figure leaves out Team revenue (CNY): it has no correlation with any other KPI (too few people count in "
           "both, or it does not vary among those who do)."),
])
def test_the_correlation_figure_leaves_out_a_kpi_correlated_with_nothing(tmp_path, language, text):
    """Six reps scored on revenue and orders, five managers on their team's revenue alone:
    team revenue counts the managers only, who have no revenue or orders in scope, so its
    row was blank but for its own 1.00."""
    import pandas as pd

    reps = [f"R{i}" for i in range(1, 7)]
    managers = [f"M{i}" for i in range(1, 6)]
    teams = ["T1", "T1", "T2", "T3", "T4", "T5"]
    employees = pd.DataFrame({"employee_id": reps + managers, "name": reps + managers,
                              "team": teams + ["T1", "T2", "T3", "T4", "T5"], "role": ["rep"] * 6 + ["manager"] * 5,
                              "manager_id": [f"M{t[1]}" for t in teams] + [None] * 5})
    plan = _reps_and_managers(tmp_path, employees)
    report = build_report(business="direct", params_file=str(plan), data_path=str(tmp_path), period="2026-10",
                          language=language)
    corr = report.correlations()
    assert corr.paragraphs[-1] == text
    assert corr.png is not None
    assert not corr.table.iloc[:, :2].isin([report._label("team_revenue")]).any().any()


def test_uncorrelated_kpis_are_those_with_a_blank_row():
    import numpy as np
    import pandas as pd

    from salesperf_kit.analysis import uncorrelated

    corr = pd.DataFrame([[1.0, 0.5, np.nan], [0.5, 1.0, np.nan], [np.nan, np.nan, 1.0]],
                        index=list("abc"), columns=list("abc"))
    assert uncorrelated(corr) == ["c"]


def test_the_heatmap_of_sixty_people_keeps_their_names_legible_and_labels_the_roles():
    """60 people's names came out about 6 px tall: the figure was 14.4 in tall with 7 pt
    names, and up to 12 in wide (shrunk to the page's width). Now each row is 0.3 in
    (0.3 × 60 + 1.5 = 19.5 in), names are 9 pt, the width stays within 10 in, and the role
    blocks the caption promises are ruled off and labelled."""
    import numpy as np
    import pandas as pd

    from salesperf_kit import plots

    m = pd.DataFrame(np.linspace(0, 100, 60 * 12).reshape(60, 12), index=[f"P{i}" for i in range(60)],
                     columns=[f"K{j}" for j in range(12)])
    ax = plots.attainment_heatmap(m, groups=["Rep"] * 40 + ["Manager"] * 20)
    width, height = ax.figure.get_size_inches()
    assert height == pytest.approx(19.5) and width <= 10.0
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 9
    assert [t.get_text() for t in ax.texts] == ["Rep", "Manager"]
    assert [line.get_ydata()[0] for line in ax.lines] == [40]  # the rule between the two blocks


@pytest.mark.parametrize("people", [12, 60])
def test_the_heatmap_title_clears_the_colour_bar_names_lie_level_and_teams_are_labelled(people):
    """A client's heat map: the title lay under the colour bar, Chinese names were turned on
    their side, and the caption said people were ordered by team with no team drawn."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from salesperf_kit import plots

    m = pd.DataFrame(np.linspace(0, 100, people * 6).reshape(people, 6), index=[f"王芳{i}" for i in range(people)],
                     columns=[f"指标{j}" for j in range(6)])
    half = people // 2
    teams = ["杭州一店"] * (half - 2) + ["上海直播组"] * 2 + ["社群运营部"] * (people - half)
    ax = plots.attainment_heatmap(m, title="个人指标得分热力图", groups=["店铺运营"] * half + ["客服"] * (people - half),
                                  teams=teams)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    bar = ax.collections[0].colorbar.ax
    titles = [t for a in fig.axes for t in (a.title,) if t.get_text()]
    assert [t.get_text() for t in titles] == ["个人指标得分热力图"]
    title = titles[0].get_window_extent(renderer)
    assert title.y0 >= bar.get_window_extent(renderer).y1 and not title.overlaps(ax.get_window_extent(renderer))
    assert {t.get_rotation() for t in ax.get_yticklabels()} == {0.0}
    assert [t.get_text() for t in ax.texts] == ["杭州一店", "上海直播组", "社群运营部", "店铺运营", "客服"]
    assert sorted(line.get_ydata()[0] for line in ax.lines) == [half - 2, half]  # a team's rule, the roles' rule
    plt.close(fig)


@pytest.mark.parametrize("language, text", [
    ("en", "Close rate is over 100% for {over} of the {people} people (up to {top}): its two counts are taken "
           "separately over the period, so the first can include buyers whose intent was recorded in an earlier period, "
           "or not at all; read it as buyers per intent customer, not as a share."),
    ("zh", "「成交率」有 {over} 人（共 {people} 人）超过 100%（最高 {top}）：分子与分母在本期分别计数，意向记录在以前各期或"
           "没有意向记录的成交客户只计入分子，因此应读作每个意向客户对应的成交客户数，而不是比例。"),
])
def test_a_close_rate_over_100_percent_is_explained(shared_report, language, text):
    """The English telesales demo printed 蔡蕾's close rate of 200 % (8 buyers over 4 intent
    customers) with no word; a client reads it as an error. The count and the maximum are
    taken here from the close rates of the agents and team leads (both roles are scored on it)."""
    report = shared_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"), data_path="demo",
                           period="2026-10", language=language)
    w = report.kpis.wide
    rate = w.loc[w["role"].isin(["agent", "team_lead"]), "close_rate"].dropna()
    assert (rate > 1).sum() > 0
    want = text.format(over=int((rate > 1).sum()), people=len(rate), top=f"{rate.max() * 100:.1f}%")
    assert want in report.audit().paragraphs


@pytest.mark.parametrize("language, sentence", [
    ("zh", "2026-07、2026-08 没有数据：目标只计有数据的月份，以免把没有数据的月份算作未完成。"),
    ("en", "2026-07, 2026-08 have no data: the targets count the months with data only, so that months without "
           "data do not read as missed targets."),
])
def test_a_quarter_whose_export_begins_in_its_last_month_is_measured_against_that_month(tmp_path, language,
                                                                                       sentence):
    """Orders from 2026-09 only, revenue targets of 1,000 a month per rep: the quarter read
    revenue 600 against 6,000 (10 %), where September's 3,000 is the like-for-like target
    (20 %). By hand: 3 reps x 200 = 600; 600 / 3,000 = 20.0 %."""
    import pandas as pd

    ids = ["R1", "R2", "R3"]
    pd.DataFrame({"employee_id": ids, "name": ["Ann", "Bob", "Cai"], "team": "T1", "role": "rep"}
                 ).to_csv(tmp_path / "employees.csv", index=False)
    pd.DataFrame({"order_id": ["O1", "O2", "O3"], "employee_id": ids, "customer_id": ["C1", "C2", "C3"],
                  "order_date": "2026-09-10", "amount": 200.0, "status": "completed"}
                 ).to_csv(tmp_path / "orders.csv", index=False)
    pd.DataFrame([{"period": m, "employee_id": e, "team": "T1", "kpi": "revenue", "target": 1000}
                  for m in ("2026-07", "2026-08", "2026-09") for e in ids]).to_csv(tmp_path / "targets.csv", index=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'direct.yaml'}\nkpi_options: {{revenue_basis: ordered}}\n"
                    "scoring:\n  roles:\n    senior_rep: null\n    director: null\n    manager: null\n"
                    "    rep: {weights: {revenue: 1.0}}\n"
                    "incentives: {commission: {basis: ordered}, awards: {team_champion: null}}\n", encoding="utf-8")
    report = build_report(business="direct", params_file=str(plan), data_path=str(tmp_path), period="2026-Q3",
                          language=language)
    summary = report.summary()
    row = summary.table.iloc[0]
    assert row.iloc[1:4].tolist() == ["600", "3,000", "20.0%"]  # actual, target (alike), attainment
    assert sentence in summary.paragraphs
    # the months without data are not paid either (pay_period: month)
    assert report.payouts.attrs["months_without_records"] == ["2026-07", "2026-08"]


@pytest.mark.parametrize("language, text", [
    ("zh", "岗位 直销员：3 人在「新客户数」（权重 50%）上的得分全部为 50，这部分权重本期区分不出任何人；若长期如此，"
           "请换用能区分他们的指标，或补充所需数据。"),
    ("en", "Role Representative: all 3 people have the same points on New customers (50, weight 50%), so its "
           "weight tells no one apart this period; if that lasts, weigh a KPI on which they differ, or add the data "
           "it needs."),
])
def test_a_weighted_kpi_everyone_of_the_role_ties_on_is_diagnosed(tmp_path, language, text):
    """New customers, 0 for every agent of a trial's October, took 20 % of the score and the
    diagnostics said nothing. Here three reps each win one new customer (a tie at the 50th
    percentile, 50 points) and differ on revenue (100, 200, 300), weighted half and half."""
    import pandas as pd

    ids = ["R1", "R2", "R3"]
    pd.DataFrame({"employee_id": ids, "name": ["Ann", "Bob", "Cai"], "team": "T1", "role": "rep"}
                 ).to_csv(tmp_path / "employees.csv", index=False)
    pd.DataFrame({"order_id": ["O1", "O2", "O3"], "employee_id": ids, "customer_id": ["C1", "C2", "C3"],
                  "order_date": "2026-10-05", "amount": [100.0, 200.0, 300.0], "status": "completed"}
                 ).to_csv(tmp_path / "orders.csv", index=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'direct.yaml'}\nkpi_options: {{revenue_basis: ordered}}\n"
                    "scoring:\n  roles:\n    senior_rep: null\n    director: null\n    manager: null\n"
                    "    rep: {weights: {new_customers: 0.5, revenue: 0.5}}\n"
                    "  kpi_normalisation: {revenue: {method: percentile}}\n"
                    "incentives: {commission: {basis: ordered}, awards: {team_champion: null}}\n", encoding="utf-8")
    report = build_report(business="direct", params_file=str(plan), data_path=str(tmp_path), period="2026-10",
                          language=language)
    assert text in report.diagnostics().paragraphs


@pytest.mark.parametrize("language, stages", [
    ("zh", ["呼叫", "接通", "意向客户", "成交客户"]),
    ("en", ["Calls", "Connected", "Intent customers", "Customers who bought"]),
])
def test_the_telesales_funnel_says_its_last_stages_count_customers(no_reviews_report, language, stages):
    """The telesales funnel's deals are the customers who bought (distinct), as its intent
    stage counts customers: labelled 成交 beside the summary's order count, a client read
    them as orders."""
    report = no_reviews_report(language)
    table = report.funnel().table
    assert list(dict.fromkeys(table.iloc[:, 1])) == stages


# ----------------------------------------------------------------------------- currency
@pytest.mark.parametrize("language, currency, headline, total, headers", [
    ("zh", "CNY", "本期销售额 1,450,611 元，目标 1,861,000 元，完成率 77.9%；环比 -7.6%，同比 +15.3%。",
     "总发放 448,115.74 元，占销售额 30.9%。",
     ["工号", "姓名", "团队", "等级", "基本工资（元）", "绩效工资（元）", "提成（元）", "奖项（元）", "应发合计（元）"]),
    ("en", "CNY", "Revenue (CNY): 1,450,611 against a target of 1,861,000 (77.9%); -7.6% vs the previous period and "
                  "+15.3% vs the same period last year.",
     "Total payout 448,115.74 CNY, 30.9% of revenue.",
     ["Employee ID", "Name", "Team", "Grade", "Base pay (CNY)", "Performance pay (CNY)", "Commission (CNY)", "Awards (CNY)",
      "Total (CNY)"]),
    ("zh", None, "本期销售额 1,450,611，目标 1,861,000，完成率 77.9%；环比 -7.6%，同比 +15.3%。",
     "总发放 448,115.74，占销售额 30.9%。", ["工号", "姓名", "团队", "等级", "基本工资", "绩效工资", "提成", "奖项", "应发合计"]),
    # a client file that says nothing inherits the shipped plan's yuan
    ("zh", "inherited", "本期销售额 1,450,611 元，目标 1,861,000 元，完成率 77.9%；环比 -7.6%，同比 +15.3%。",
     "总发放 448,115.74 元，占销售额 30.9%。",
     ["工号", "姓名", "团队", "等级", "基本工资（元）", "绩效工资（元）", "提成（元）", "奖项（元）", "应发合计（元）"]),
])
def test_money_gives_the_plan_s_currency_and_the_payout_total_reads_to_the_cent(
        no_reviews, tmp_path, language, currency, headline, total, headers):
    """A client reading 销售额 1,450,611 and 总发放 448,116 could not tell the unit, and the
    total (to the yuan) did not read as the sum of the table beneath it (to the fen). With
    report.currency the headings and sentences of money give the unit; without it they read
    as before, the total to the cent either way. The shipped plans' amounts are in yuan and
    say so: a client file that does not set the currency reads 元 too. The total by hand is
    the sum of the table's 应发合计 to the fen, 448,115.74, and 448,115.74 / 1,450,611 = 30.9%."""
    from decimal import Decimal

    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\n"
                    + ("" if currency == "inherited" else f"report: {{currency: {currency or 'null'}}}\n"),
                    encoding="utf-8")  # (null: the shipped plan's CNY removed)
    report = build_report(business="telesales", params_file=str(plan), data_path=str(no_reviews),
                          period="2026-10", language=language)
    summary = report.summary()
    assert summary.paragraphs[0] == headline
    assert summary.table.iloc[0, 0] == ("销售额（元）" if currency and language == "zh" else "Revenue (CNY)"
                                        if currency else "销售额")
    pay = report.payout_section()
    assert pay.paragraphs[0] == total and list(pay.table.columns) == headers
    assert sum(Decimal(v.replace(",", "")) for v in pay.table[headers[-1]] if v != "–") == Decimal("448115.74")
    assert report.distributions().table.columns[1] == summary.table.iloc[0, 0]  # (and the figure's axis)
    report.save(tmp_path / "out")
    first = (tmp_path / "out" / "scorecard.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert headers[-1] in first and summary.table.iloc[0, 0] in first


@pytest.mark.parametrize("language, currency, text", [
    ("zh", "元", "马伟刚：做得好的是「成交率」；需要提升的是「销售额」；下一步：把「销售额」从 16,336 元提升到 "
                 "44,500 元（目标）。"),
    ("en", "CNY", "马伟刚: strong on Close rate; gap on Revenue (CNY); next step: raise Revenue (CNY) from 16,336 to "
                  "44,500 (the target)."),
    ("zh", None, "马伟刚：做得好的是「成交率」；需要提升的是「销售额」；下一步：把「销售额」从 16,336 提升到 44,500（目标）。"),
], ids=["zh", "en", "none"])
def test_a_feedback_card_names_money_with_the_plan_s_currency(language, currency, text):
    """A card read 把「销售额」从 16,336 提升到 44,500 with report.currency set, while the
    summary and payout table above it say 元: the amounts now say it (a Chinese sentence
    names the KPI without it; an English one names Revenue (CNY), as a time is named with its
    unit); 16,336.4 rounds to 16,336. Without the setting it reads as before."""
    from salesperf_kit.reporting import feedback_sentence

    card = {"name": "马伟刚", "strength_kpi": "close_rate", "gap_kpi": "revenue", "next_step_kpi": "revenue",
            "next_step_value": 16336.4, "next_step_target": 44500.0, "next_step_basis": "target"}
    assert feedback_sentence(card, language, currency) == text
    tied = {"name": "Ann", "strength_kpi": "calls", "gap_kpi": None, "tied_kpis": "aov"}
    assert feedback_sentence(tied, "zh", "元") == "Ann：做得好的是「呼叫量」；同岗位所有人在「客单价」上的得分相同。"


@pytest.mark.parametrize("language, currency, dominates, outearns", [
    ("zh", "元", "岗位 组长：单一指标「销售额」占权重 50%，方案过于依赖一个指标。",
     "最低等级中有人的浮动薪酬（12,346 元）高于最高等级的中位数（9,876 元）。"),
    ("en", "CNY", "Role Team lead: Revenue (CNY) carries 50% of the weight; the plan leans on one metric.",
     "Someone in the bottom grade earns more variable pay (12,346 CNY) than the top grade's median (9,876 CNY)."),
    ("zh", None, "岗位 组长：单一指标「销售额」占权重 50%，方案过于依赖一个指标。",
     "最低等级中有人的浮动薪酬（12,346）高于最高等级的中位数（9,876）。"),
], ids=["zh", "en", "none"])
def test_a_diagnostic_gives_money_the_plan_s_currency(language, currency, dominates, outearns):
    """The plan diagnostics named 销售额 and gave variable pay (12,346) without the unit the
    rest of the report gives: 12,345.6 rounds to 12,346, 9,876.4 to 9,876."""
    from salesperf_kit.reporting import diagnostic_sentence

    row = {"issue": "single_kpi_dominates", "role": "组长" if language == "zh" else "Team lead", "phase": None,
           "detail_key": "revenue", "value": 0.5, "threshold": 0.5}
    assert diagnostic_sentence(row, language, currency) == dominates
    row = {"issue": "bottom_grade_outearns_top", "role": None, "phase": None, "detail_key": "E7",
           "value": 12345.6, "threshold": 9876.4}
    assert diagnostic_sentence(row, language, currency) == outearns


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_report_s_cards_and_diagnostics_give_the_plan_s_currency(no_reviews, tmp_path, language):
    """With report.currency: {zh: 元, en: CNY}, the feedback cards and plan diagnostics of
    the report name money with the unit of the report's language. The shipped plan weighs
    revenue 50 % for a team lead: the diagnostics say so first."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\nreport: {{currency: {{zh: 元, en: CNY}}}}\n",
                    encoding="utf-8")
    report = build_report(business="telesales", params_file=str(plan), data_path=str(no_reviews),
                          period="2026-10", language=language)
    zh = language == "zh"
    assert report.diagnostics().paragraphs[0] == (
        "岗位 组长：单一指标「销售额」占权重 50%，方案过于依赖一个指标。" if zh else
        "Role Team lead: Revenue (CNY) carries 50% of the weight; the plan leans on one metric.")
    cards = report.feedback().paragraphs
    if zh:  # 把「销售额」从 16,336 元提升到 44,500 元: the amounts say the unit
        steps = [c for c in cards if "下一步：把「销售额」从 " in c]
        assert steps and all(re.search(r"从 [\d,]+ 元提升到 [\d,]+ 元", c) for c in steps), steps
    else:
        assert [c for c in cards if "Revenue (CNY)" in c] and not [c for c in cards if "Revenue;" in c]


def _cut_copy(folder, dest, last_day: str):
    """A copy of a sample folder as an export taken at the end of ``last_day``: the rows of
    every dated table after it dropped (refunds after it are kept, as the export records them)."""
    import shutil

    import pandas as pd

    shutil.copytree(folder, dest)
    cut = pd.Timestamp(last_day) + pd.Timedelta(days=1)
    for name, col in (("orders", "order_date"), ("traffic", "date"), ("service", "opened_at"),
                      ("activities", "date"), ("calls", "started_at")):
        f = dest / f"{name}.csv"
        if f.exists():
            t = pd.read_csv(f, dtype=str)
            t[pd.to_datetime(t[col]) < cut].to_csv(f, index=False)
    return dest


def test_a_mid_quarter_summary_measures_target_attainment_on_one_basis(online_small, tmp_path):
    """An export taken on 15 August, the report of 2026-Q3: the summary's target is that of
    the months with data, July + August, and so is the target attainment row's, as it is
    for the previous quarter as it stood on 15 May (April + May). It used to read the sales
    against the whole quarter's target (September included) and compare that with the
    previous quarter's two months. By hand from the files:
        actual   = completed sales 07-01..08-15 / (July + August team targets)
        previous = completed sales 04-01..05-15 / (April + May team targets)
        change   = (actual − previous) in points."""
    import pandas as pd

    data = _cut_copy(online_small, tmp_path / "aug15", "2026-08-15")
    o = pd.read_csv(data / "orders.csv", parse_dates=["order_date"])
    done = o[o["status"] == "completed"]
    t = pd.read_csv(data / "targets.csv", dtype={"period": str, "employee_id": str})
    teams = t[(t["kpi"] == "revenue") & t["employee_id"].isna()]

    def sales(a, b):
        return done.loc[(done["order_date"] >= a) & (done["order_date"] < b), "amount"].sum()

    def target(*months):
        return teams.loc[teams["period"].isin(months), "target"].sum()

    actual = sales("2026-07-01", "2026-08-16") / target("2026-07", "2026-08")
    previous = sales("2026-04-01", "2026-05-16") / target("2026-04", "2026-05")
    assert abs(actual - sales("2026-07-01", "2026-08-16") / target("2026-07", "2026-08", "2026-09")) > 0.1
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(data),
                          period="2026-Q3", language="zh")
    section = report.summary()
    row = section.table.set_index("指标").loc["目标完成率"]
    points = round((actual - previous) * 100, 1)
    assert row[["实际", "上期", "环比"]].tolist() == [f"{actual:.1%}", f"{previous:.1%}",
                                                    f"{points:+.1f} 个百分点"]
    # the line above it, with the same target
    sales_row = section.table.set_index("指标").loc["销售额（元）"]
    assert sales_row["目标"] == f"{target('2026-07', '2026-08'):,.0f}" and sales_row["完成率"] == f"{actual:.1%}"
    # and the sentence on team and personal targets counts the same months
    levels = [p for p in section.paragraphs if "的团队目标合计" in p]
    assert levels and levels[0].startswith(f"销售额的团队目标合计 {target('2026-07', '2026-08'):,.0f} 元，")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_year_whose_targets_stop_in_october_says_so_and_counts_misses_to_date(online_small, language):
    """The sample's targets and data stop at 2026-10: the year's report said "58 of 60 missed
    the period's target", as if the year were over, and that November and December "have no
    data", as if they had targets. By hand: a person missed when their completed sales of
    January to October fall short of the sum of their monthly targets."""
    import pandas as pd

    o = pd.read_csv(online_small / "orders.csv", dtype={"employee_id": str}, parse_dates=["order_date"])
    done = o[(o["status"] == "completed") & (o["order_date"].dt.year == 2026)]
    t = pd.read_csv(online_small / "targets.csv", dtype={"period": str, "employee_id": str})
    assert t["period"].max() == "2026-10"  # (the fixture: no targets for November and December)
    mine = t[t["period"].str.startswith("2026") & (t["kpi"] == "revenue") & t["employee_id"].notna()]
    target = mine.groupby("employee_id")["target"].sum()
    sales = done.groupby("employee_id")["amount"].sum().reindex(target.index).fillna(0.0)
    n, missed = len(target), int((sales < target).sum())
    assert 0 < missed < n
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                          data_path=str(online_small), period="2026", language=language)
    first = report.goals().paragraphs[0]
    summary = report.summary().paragraphs
    if language == "zh":
        assert first == (f"截至 10 月，{n} 人中有 {missed} 人未达成累计目标。本年度目标只录入到 10 月，目标、预测和风险仅针对 1 至 "
                         "10 月。")
        assert "2026-11、2026-12 既没有数据，也没有录入目标：本期目标只计录入了目标的月份。" in summary
    else:
        assert first == (f"By the end of 2026-10, {missed} of the {n} people with a target missed their target to "
                         "date. The targets of 2026 go only to 2026-10: the target, the forecast and the risk are those "
                         "of 2026-01 to 2026-10 only.")
        assert "2026-11, 2026-12 have neither data nor targets: the period's target counts the months with targets " \
               "only." in summary


@pytest.mark.parametrize("language", ["zh", "en"])
def test_when_everyone_missed_the_goals_say_all(online_small, tmp_path, language):
    """Targets ten times the sample's for 2026-Q3: every one of the n people with a revenue
    target, and of those with an orders target, missed it. "55 人中有 55 人" reads as a
    count to check; "55 人均未达成" / "all 55" says it."""
    import shutil

    import pandas as pd

    data = tmp_path / "data"
    shutil.copytree(online_small, data)
    t = pd.read_csv(data / "targets.csv", dtype={"period": str, "employee_id": str})
    t.assign(target=t["target"] * 10).to_csv(data / "targets.csv", index=False)
    q3 = t[t["period"].isin(["2026-07", "2026-08", "2026-09"]) & t["employee_id"].notna()]
    n = q3.loc[q3["kpi"] == "revenue", "employee_id"].nunique()
    m = q3.loc[q3["kpi"] == "orders", "employee_id"].nunique()
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(data),
                          period="2026-Q3", language=language)
    paras = report.goals().paragraphs
    orders = [p for p in paras if p.startswith(("成交订单数：", "Orders:"))]
    if language == "zh":
        assert paras[0] == f"{n} 人均未达成本期目标。"
        assert orders and orders[0].startswith(f"成交订单数：有目标的 {m} 人均未达成目标（")
    else:
        assert paras[0] == f"All {n} people with a target missed it this period."
        assert orders and orders[0].startswith(f"Orders: all {m} people with a target missed it (")


def test_an_open_period_shows_the_forecast_and_reads_risk_on_its_interval(online_small):
    """Data as of 20 October: the table gives each person's run-rate forecast (to date × 31 /
    20) and its 80 % interval (forecast ∓ 1.2816 × √(11 s² + 11² s² / 20), s² the variance of
    their 20 daily sales, the low end at least the sales to date), and whoever's low end is
    under the target is at risk, even with a forecast above it."""
    import numpy as np
    import pandas as pd
    from scipy import stats

    o = pd.read_csv(online_small / "orders.csv", dtype={"employee_id": str}, parse_dates=["order_date"])
    cut = pd.Timestamp("2026-10-21")  # (a refund after the 20th is not known on the 20th)
    valid = (o["status"] == "completed") | ((o["status"] == "refunded") & (pd.to_datetime(o["refunded_at"]) >= cut))
    v = o[valid & (o["order_date"] >= "2026-10-01") & (o["order_date"] < cut)]
    daily = (v.pivot_table(index="employee_id", columns=v["order_date"].dt.normalize(), values="amount",
                           aggfunc="sum").reindex(columns=pd.date_range("2026-10-01", "2026-10-20")).fillna(0.0))
    t = pd.read_csv(online_small / "targets.csv", dtype={"period": str, "employee_id": str})
    target = t[(t["period"] == "2026-10") & (t["kpi"] == "revenue") & t["employee_id"].notna()].set_index(
        "employee_id")["target"]
    actual = daily.sum(axis=1).reindex(target.index).fillna(0.0)
    forecast = actual * 31 / 20
    s2 = daily.var(axis=1, ddof=1).reindex(target.index).fillna(0.0)
    half = stats.norm.ppf(0.9) * np.sqrt(11 * s2 + 121 * s2 / 20)
    low, high = np.maximum(actual, forecast - half), forecast + half
    risky = (forecast >= target) & (low < target)
    assert risky.any()  # (the fixture: someone whose forecast clears the target is still at risk)
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                          data_path=str(online_small), period="2026-10", as_of="2026-10-20", language="zh")
    section = report.goals()
    assert section.paragraphs[0] == (
        f"{len(target)} 人中有 {int((low < target).sum())} 人有未达成目标的风险。预测按前 20 天的日均进度推算到 31 天，"
        "并给出 80% 预测区间；区间下限低于目标即列为有风险（约有一成或更高的可能达不成），即使预测本身达标。")
    names = pd.read_csv(online_small / "employees.csv", dtype=str).set_index("employee_id")["name"]
    table = section.table.set_index("姓名")
    for e in risky[risky].index:
        row = table.loc[names[e]]
        assert row[["目标", "实际", "预测", "80% 预测区间", "风险"]].tolist() == [
            f"{target[e]:,.0f}", f"{actual[e]:,.0f}", f"{forecast[e]:,.0f}", f"{low[e]:,.0f}–{high[e]:,.0f}", "是"]


def _as_exported_on_the_20th(source, folder):
    """A copy of ``source`` as an export taken at the end of 2026-10-20 would hold it: rows
    dated from the 21st left out, a refund made from the 21st not made yet, a ticket resolved
    from the 21st still open."""
    import shutil

    shutil.copytree(source, folder)
    cut = pd.Timestamp("2026-10-21")
    for name, col in (("orders", "order_date"), ("traffic", "date"), ("service", "opened_at"), ("activities", "date")):
        t = pd.read_csv(folder / f"{name}.csv", dtype=str)
        t = t[pd.to_datetime(t[col]) < cut].copy()
        if name == "orders":
            later = pd.to_datetime(t["refunded_at"]) >= cut
            t.loc[later & (t["status"] == "refunded"), "status"] = "completed"
            t.loc[later, "refunded_at"] = None
        if name == "service":
            t.loc[pd.to_datetime(t["resolved_at"]) >= cut, "resolved_at"] = None
        t.to_csv(folder / f"{name}.csv", index=False)
    return folder


def test_a_report_as_of_a_day_within_the_period_cuts_every_section_there(online_small, tmp_path):
    """--as-of 2026-10-20 on data that run to 2026-10-31 ("where were we on the 20th"). The
    summary, scorecard and pay counted the whole month while only the goals stopped on the
    20th. By hand from the fixture's orders: valid sales of 1-20 October (completed, or
    refunded only from the 21st on) = 422,191.48; the whole month 640,283.56. Every section
    now gives the first, and the scorecard and pay are those of an export taken on the 20th;
    left out: 196 orders, 440 traffic, 441 ticket and 261 activity rows dated from the 21st,
    and 5 refunds made from the 21st."""
    o = pd.read_csv(online_small / "orders.csv", dtype={"employee_id": str},
                    parse_dates=["order_date", "refunded_at"])
    cut = pd.Timestamp("2026-10-21")
    late_refund = (o["status"] == "refunded") & (o["refunded_at"] >= cut)
    october = o["order_date"].between("2026-10-01", "2026-10-31 23:59:59")
    to_date = o.loc[october & (o["order_date"] < cut) & ((o["status"] == "completed") | late_refund), "amount"].sum()
    whole = o.loc[october & (o["status"] == "completed"), "amount"].sum()
    assert round(to_date, 2) == 422191.48 and round(whole, 2) == 640283.56
    plan = str(PARAMS_DIR / "online.yaml")
    report = build_report(business="online", params_file=plan, data_path=str(online_small), period="2026-10",
                          as_of="2026-10-20", language="zh")
    assert report.kpis.wide["revenue"].sum() == pytest.approx(to_date)
    assert report.summary().paragraphs[0].startswith(f"本期销售额 {to_date:,.0f} 元，")
    teams = report.goals().paragraphs[1]
    by_team = report.kpis.wide.groupby("team")["revenue"].sum()
    for team, actual in by_team.items():  # the goals' team actuals are the scorecard's
        assert f"{team} 目标 " in teams and f"实际 {actual:,.0f}（" in teams
    assert report.data_end == "2026-10-20"
    # the rows dated from the 21st, and the orders up to the 20th refunded from the 21st, from the files
    late = {name: int((pd.read_csv(online_small / f"{name}.csv", parse_dates=[col])[col] >= cut).sum())
            for name, col in (("orders", "order_date"), ("traffic", "date"), ("service", "opened_at"),
                              ("activities", "date"))}
    late["refunds_undone"] = int((late_refund & (o["order_date"] < cut)).sum())
    assert late == {"orders": 196, "refunds_undone": 5, "traffic": 440, "service": 441, "activities": 261}
    assert report.after_as_of == late
    assert "注意：按 --as-of 只计 2026-10-20 及以前的数据（之后的 1,338 行记录和 5 笔退款未计入，见数据质量附录）" \
        in report.cover().paragraphs[0]  # (196 + 440 + 441 + 261 = 1,338)
    exported = build_report(business="online", params_file=plan, data_path=str(
        _as_exported_on_the_20th(online_small, tmp_path / "data")), period="2026-10", language="zh")
    assert exported.data_end == "2026-10-20"
    pd.testing.assert_frame_equal(report.payouts, exported.payouts)
    pd.testing.assert_frame_equal(report.scorecard.table, exported.scorecard.table)
    assert report.summary().table.equals(exported.summary().table)
    manifest = tmp_path / "out"
    report.save(manifest)
    import json

    facts = json.loads((manifest / "manifest.json").read_text(encoding="utf-8"))["report"]
    assert facts["data_end"] == "2026-10-20" and facts["after_as_of"]["orders"] == 196


def test_the_audit_gives_amounts_in_the_plan_s_currency(online_small, shared_report, tmp_path):
    """report.currency: CNY: the audit's amounts read as the rest of the report's (销售额为
    27,104 元), where they had no unit; the same reasons otherwise."""
    import re

    (tmp_path / "plan.yaml").write_text(f"extends: {PARAMS_DIR / 'online.yaml'}\nreport: {{currency: null}}\n",
                                        encoding="utf-8")  # (the shipped plan's CNY removed)
    plain, cny = (shared_report(business="online", params_file=plan, data_path=str(online_small), period="2026-10",
                                language="zh").audit().table["说明"].tolist()
                  for plan in (str(tmp_path / "plan.yaml"), str(PARAMS_DIR / "online.yaml")))
    money = [(a, b) for a, b in zip(plain, cny, strict=True) if "的销售额为" in a]
    assert money
    for a, b in money:
        assert b == re.sub(r"(为|中位数|MAD) ([\d,.]+)", r"\1 \2 元", a), (a, b)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_goals_of_people_also_show_their_teams(online_small, shared_report, language):
    """People have targets: the section also gives each team's target (its own row of the
    targets table), actual (its members' valid October sales) and attainment, by hand."""
    import pandas as pd

    t = pd.read_csv(online_small / "targets.csv", dtype={"period": str, "employee_id": str})
    target = t[(t["period"] == "2026-10") & (t["kpi"] == "revenue") & t["employee_id"].isna()].set_index("team")[
        "target"].sort_index()
    o = pd.read_csv(online_small / "orders.csv", dtype={"employee_id": str}, parse_dates=["order_date"])
    team_of = pd.read_csv(online_small / "employees.csv", dtype=str).set_index("employee_id")["team"]
    oct_ = o[(o["status"] == "completed") & (o["order_date"].dt.strftime("%Y-%m") == "2026-10")]
    actual = oct_.groupby(oct_["employee_id"].map(team_of))["amount"].sum()
    report = shared_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                           data_path=str(online_small), period="2026-10", language=language)
    line = report.goals().paragraphs[1]
    if language == "zh":
        parts = [f"{k} 目标 {v:,.0f}，实际 {actual[k]:,.0f}（完成率 {actual[k] / v:.1%}）" for k, v in target.items()]
        assert line == f"各团队的销售额：{'；'.join(parts)}。"
    else:
        parts = [f"{k} {actual[k]:,.0f} against {v:,.0f} ({actual[k] / v:.1%})" for k, v in target.items()]
        assert line == f"Revenue (CNY) by team: {'; '.join(parts)}."


def test_the_outlier_screen_counts_only_the_roles_each_kpi_counts(online_small, shared_report, monkeypatch):
    """The README says a KPI's outlier screen counts the people of the roles scored on it, as
    its distribution does; it screened everyone, so a closer who logged a few contacts was an
    outlier among the contact-makers. The screen now gets those values blank."""
    from salesperf_kit import analysis, anomalies

    report = shared_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"),
                           data_path=str(online_small), period="2026-10", language="en")
    seen = {}
    real = anomalies.detect

    def detect(*args, **kw):
        seen["wide"] = kw["kpi_wide"]
        return real(*args, **kw)

    monkeypatch.setattr(anomalies, "detect", detect)
    report.audit()
    wide = seen["wide"]
    ks = [c for c in wide.columns if c in report.kpis.kpis]
    scope = analysis.kpi_scope(report.kpis.wide, report.scorecard.details, kpis=ks)
    out = scope[~scope["counted"]]
    assert len(out), "the sample has KPIs some roles are not counted in"
    for k, role in zip(out["kpi"], out["role"]):
        assert wide.loc[wide["role"].astype(str) == role, k].isna().all(), (k, role)
    counted = scope[scope["counted"]].iloc[0]
    mine = report.kpis.wide["role"].astype(str) == counted["role"]
    assert wide.loc[mine, counted["kpi"]].equals(report.kpis.wide.loc[mine, counted["kpi"]]), "counted: left as they are"


def test_the_summary_says_when_most_of_the_period_s_orders_have_no_amount(tmp_path):
    """A "declared revenue" column mapped to amount, 0 on most deals: every rep's revenue
    read as 0 and scores on it tied, with the warning in the appendix only. 21 of the
    period's 25 orders have amount 0 (84 %); the summary says so."""
    import pandas as pd

    _tied_reps(tmp_path, 3)
    amounts = [0.0] * 21 + [100.0] * 4
    pd.DataFrame({"order_id": [f"O{i}" for i in range(25)], "employee_id": ["R1", "R2", "R3"] * 8 + ["R1"],
                  "customer_id": [f"C{i}" for i in range(25)], "order_date": "2026-10-05", "amount": amounts,
                  "status": "completed"}).to_csv(tmp_path / "orders.csv", index=False)
    kw = dict(business="direct", params_file=str(tmp_path / "plan.yaml"), data_path=str(tmp_path), period="2026-10")
    assert ("Note: 21 of the 25 orders of 2026-10 (84.0%) have an amount of 0 or none: revenue and every money KPI "
            "count them as sales of nothing, so scores and commission on them follow the few orders with an amount. "
            "Check that the amount column is the right one (see the data-quality appendix).") in \
        build_report(**kw, language="en").summary().paragraphs
    assert "注意：2026-10 的 25 笔订单中有 21 笔（84.0%）金额为 0 或为空" in \
        build_report(**kw, language="zh").summary().paragraphs[-1]


def test_a_summary_row_gives_its_amounts_alike():
    """Revenue of 4,500 against 0 the month before read "4,500 | 0.00": a row's amounts
    take the same decimals."""
    import numpy as np
    import pandas as pd

    from salesperf_kit.reporting import Report

    table = pd.DataFrame({"kpi": ["revenue", "conversion_rate"], "actual": [4500.0, 0.1234], "target": [np.nan, 0.1],
                          "previous": [0.0, 0.0], "same_period_last_year": [np.nan, np.nan]})
    units = pd.Series(["currency", "ratio"])
    figures = Report._summary_figures(table, units, "en")
    assert figures.loc[0].tolist() == ["4,500", "–", "0", "–"]
    assert figures.loc[1].tolist() == ["12.3%", "10.0%", "0.0%", "–"]


# ----------------------------------------------------------------------------- figure labels
ECOMMERCE_KPIS = ["Revenue", "Average order value", "New customers", "Repurchase rate", "Inventory turnover",
                  "Order processing time (hours)", "Refund rate", "Unique visitors", "Customer satisfaction",
                  "Complaint rate", "First-contact resolution", "Resolution time (hours)", "Training pass rate"]


def _laid_out(ax):
    """The figure of ``ax`` laid out as a report saves it (tight layout), drawn."""
    fig = ax.figure
    fig.tight_layout()
    fig.canvas.draw()
    return fig


def _label_ink(ax) -> list:
    """The pixels each x tick label inks, as boolean masks, left to right: each label is drawn
    alone, so that two masks share a pixel only where the labels print over each other (their
    boxes overlap for labels on a slant even when the text does not)."""
    import numpy as np

    fig = _laid_out(ax)
    labels = sorted((t for t in ax.get_xticklabels() if t.get_text()), key=lambda t: t.get_position()[0])
    for t in labels:
        t.set_visible(False)
    fig.canvas.draw()
    blank = np.asarray(fig.canvas.buffer_rgba()).copy()
    masks = []
    for t in labels:
        t.set_visible(True)
        fig.canvas.draw()
        masks.append((np.asarray(fig.canvas.buffer_rgba()) != blank).any(axis=2))
        t.set_visible(False)
    for t in labels:
        t.set_visible(True)
    return masks


def _assert_x_labels_apart(ax):
    """No two x tick labels share a pixel, and a label on a slant ends under its column."""
    masks = _label_ink(ax)
    assert len(masks) > 1
    for i, a in enumerate(masks):
        for j in range(i + 1, len(masks)):
            overprinted = bool((a & masks[j]).any())
            assert not overprinted, f"labels {i} and {j} print over each other"
    for t in ax.get_xticklabels():
        if t.get_rotation() % 180:
            assert (t.get_horizontalalignment(), t.get_rotation_mode()) == ("right", "anchor"), t.get_text()


@pytest.mark.parametrize("people", [12, 50])
def test_the_heatmap_x_labels_with_long_english_kpi_names_do_not_overprint(people):
    """The e-commerce heat map printed "Order processing time (hours)" over "Refund rate", its
    labels turned 30° about their middles, so that each sat off its column."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from salesperf_kit import plots

    k = len(ECOMMERCE_KPIS)
    m = pd.DataFrame(np.linspace(0, 100, people * k).reshape(people, k), index=[f"王芳{i}" for i in range(people)],
                     columns=ECOMMERCE_KPIS)
    half = people // 2
    ax = plots.attainment_heatmap(m, title="KPI points per person", groups=["Shop operator"] * half +
                                  ["Customer service"] * (people - half),
                                  teams=["京东一组"] * (half // 2) + ["天猫一组"] * (half - half // 2) +
                                  ["微信小店一组"] * (people - half))
    _assert_x_labels_apart(ax)
    plt.close(ax.figure)


def test_the_correlation_heatmap_x_labels_do_not_overprint():
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from salesperf_kit import plots

    k = len(ECOMMERCE_KPIS)
    corr = pd.DataFrame(np.eye(k) * 0.5 + 0.5, index=ECOMMERCE_KPIS, columns=ECOMMERCE_KPIS)
    ax = plots.correlation_heatmap(corr, title="KPI correlations (Spearman)")
    _assert_x_labels_apart(ax)
    plt.close(ax.figure)


def test_a_heatmap_of_few_kpis_writes_their_names_level():
    """Labels are turned only when level ones would not fit: three KPIs have room, a long
    name taking two lines under its column."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from salesperf_kit import plots

    m = pd.DataFrame(np.linspace(0, 100, 30).reshape(10, 3), index=[f"P{i}" for i in range(10)],
                     columns=["Revenue", "Order processing time (hours)", "Refund rate"])
    ax = plots.attainment_heatmap(m)
    _assert_x_labels_apart(ax)
    assert {t.get_rotation() for t in ax.get_xticklabels()} == {0.0}
    assert [t.get_text().count("\n") for t in ax.get_xticklabels()] == [0, 1, 0]
    plt.close(ax.figure)


def test_the_distribution_figure_writes_short_team_labels_level():
    """Five short Chinese team names were turned 20° though they had room to spare."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from salesperf_kit import plots

    teams = ["华东一组", "华中一组", "华北一组", "华南一组", "西南一组"]
    data = pd.DataFrame({"team": teams * 3, "revenue": [float(v) for v in range(15)]})
    ax = plots.kpi_distribution(data, value="revenue")
    _laid_out(ax)
    assert {t.get_rotation() for t in ax.get_xticklabels()} == {0.0}
    plt.close(ax.figure)


def test_the_distribution_figure_lists_teams_by_the_numbers_in_their_names():
    import matplotlib.pyplot as plt
    import pandas as pd

    from salesperf_kit import plots

    data = pd.DataFrame({"team": ["电销三部", "电销二部", "电销一部"] * 2, "calls": [float(v) for v in range(6)]})
    ax = plots.kpi_distribution(data, value="calls")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["电销一部", "电销二部", "电销三部"]
    plt.close(ax.figure)


def test_the_distribution_figure_turns_long_team_labels_that_would_overprint():
    import matplotlib.pyplot as plt
    import pandas as pd

    from salesperf_kit import plots

    teams = [f"Key accounts {region} enterprise" for region in
             ["north-east", "north-west", "south-east", "south-west", "central", "coastal", "inland", "overseas"]]
    data = pd.DataFrame({"team": teams * 3, "revenue": [float(v) for v in range(24)]})
    ax = plots.kpi_distribution(data, value="revenue")
    _assert_x_labels_apart(ax)
    assert {t.get_rotation() for t in ax.get_xticklabels()} != {0.0}
    plt.close(ax.figure)


def _telesales_funnel(zero: bool = False):
    import pandas as pd

    teams = ["华东一组", "华中一组", "华北一组", "华南一组", "西南一组"]
    stages = ["Calls", "Connected", "Intent customers", "Customers who bought"]
    values = [[1976, 2096, 1856, 2644, 1889], [910, 1027, 842, 1538, 864], [183, 242, 172, 176, 170],
              [164, 168, 152, 125, 0 if zero else 117]]
    return pd.DataFrame([{"group": t, "stage_label": s, "value": float(v)}
                         for s, row in zip(stages, values) for t, v in zip(teams, row)])


def _funnel_value_labels(ax) -> list:
    return [t for t in ax.texts if t.get_text()]


def test_the_funnel_value_labels_of_neighbouring_bars_do_not_run_together():
    """Five teams' calls read "1,9762,0961,856": their labels touched."""
    import matplotlib.pyplot as plt

    from salesperf_kit import plots

    ax = plots.funnel_chart(_telesales_funnel(), log_ylabel="Count (log scale)")
    fig = _laid_out(ax)
    renderer = fig.canvas.get_renderer()
    labels = _funnel_value_labels(ax)
    assert len(labels) == 20
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.padded(1).overlaps(b), "two value labels touch"
    inside = ax.get_window_extent(renderer)
    assert all(inside.y0 <= b.y0 and b.y1 <= inside.y1 for b in boxes)  # room above the tallest bar
    plt.close(fig)


def test_the_funnel_drops_value_labels_that_have_no_room():
    """Thirty teams' bars are too narrow for a number even on its side: the table gives them."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from salesperf_kit import plots

    data = pd.DataFrame([{"group": f"T{g}", "stage_label": s, "value": v}
                         for g in range(30) for s, v in [("Calls", 2000.0 + g), ("Connected", 900.0 + g)]])
    ax = plots.funnel_chart(data)
    _laid_out(ax)
    assert _funnel_value_labels(ax) == []
    plt.close(ax.figure)


def test_a_logarithmic_funnel_axis_has_no_tick_at_0_and_still_shows_a_0_count():
    """The log axis read 0, 1, 10, 100, 1,000: a log scale has no 0. A team's 0 buyers are
    still written on the chart."""
    import matplotlib.pyplot as plt

    from salesperf_kit import plots

    ax = plots.funnel_chart(_telesales_funnel(zero=True), log_ylabel="Count (log scale)")
    fig = _laid_out(ax)
    low, high = ax.get_ylim()
    ticks = [t.get_text() for t in ax.get_yticklabels() if low <= t.get_position()[1] <= high]
    assert ticks[:2] == ["1", "10"] and "0" not in ticks
    zero = [t for t in _funnel_value_labels(ax) if t.get_text() == "0"]
    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    assert len(zero) == 1 and inside.y0 <= zero[0].get_window_extent(renderer).y0 < inside.y1
    plt.close(fig)


def test_a_year_s_target_counts_a_quarter_row_in_place_of_its_months(online_small, tmp_path):
    """A revised 2026-Q3 target for one team beside its monthly rows: the year's report,
    whose data end in October, gave the monthly rows' sum as its target while goal tracking
    took the quarter's row. By hand: the teams' revenue rows of January to October 2026, less
    that team's July to September rows, plus its quarter row."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(online_small, data)
    t = pd.read_csv(data / "targets.csv", dtype={"period": str, "employee_id": str})
    teams = t[t["employee_id"].isna() & (t["kpi"] == "revenue") & t["period"].str.startswith("2026")]
    team = sorted(teams["team"].unique())[0]
    q3 = teams[(teams["team"] == team) & teams["period"].isin(["2026-07", "2026-08", "2026-09"])]["target"].sum()
    row = {"period": "2026-Q3", "employee_id": None, "team": team, "kpi": "revenue", "target": q3 - 10_000}
    pd.concat([t, pd.DataFrame([row])], ignore_index=True).to_csv(data / "targets.csv", index=False)
    expected = teams["target"].sum() - q3 + (q3 - 10_000)
    report = build_report(business="online", params_file=str(PARAMS_DIR / "online.yaml"), data_path=str(data),
                          period="2026", language="en")
    table = report.summary().table.set_index("KPI")
    assert table.loc["Revenue (CNY)", "Target"] == f"{expected:,.0f}"


def test_the_payout_section_names_records_dated_after_a_leaver_s_last_day(tmp_path):
    """A leaver (last day 2026-10-15) was paid commission on orders booked under their id
    after they left, and nothing in the payout section said so."""
    write_sample("telesales", tmp_path, seed=1, volumes=SMALL)
    staff = pd.read_csv(tmp_path / "employees.csv", dtype=str, keep_default_na=False)
    dated = {"orders": ("order_date", "订单"), "calls": ("started_at", "通话"), "service": ("opened_at", "客服工单"),
             "activities": ("date", "行为")}
    after = {t: pd.read_csv(tmp_path / f"{t}.csv", dtype=str, parse_dates=[col]) for t, (col, _) in dated.items()}
    after = {t: df[(df[dated[t][0]] >= "2026-10-16") & (df[dated[t][0]] < "2026-11-01")] for t, df in after.items()}
    who = after["orders"]["employee_id"].value_counts().index[0]  # (someone with orders after the 15th)
    staff.loc[staff["employee_id"] == who, "leave_date"] = "2026-10-15"
    staff.to_csv(tmp_path / "employees.csv", index=False)
    counts = "、".join(f"{dated[t][1]} {n:,} 条" for t, df in after.items() if (n := int((df["employee_id"] == who).sum())))
    name = staff.set_index("employee_id").at[who, "name"]
    report = build_report(business="telesales", params_file=str(PARAMS_DIR / "telesales.yaml"),
                          data_path=str(tmp_path), period="2026-10")
    said = (f"1 人在 2026-10 有日期不在其在职期间（入职日期之前或离职日期之后）的记录：{name}（{who}，2026-10-15 离职）："
            f"{counts}。这些记录计入其本人的指标，因而影响其提成和排名，也计入各级合计。"
            "请在发放前核对日期，或把这些记录归到实际成交的人名下。")
    assert said in report.payout_section().paragraphs
    # and in the file payroll imports: the person's row is marked, no one else's
    alerts = report.scorecard_table().set_index("employee_id")["audit_alert"].fillna("")
    assert alerts[who] == "在职期外有记录"
    assert not alerts.drop(who).str.contains("在职期外").any()


@pytest.mark.parametrize("zh, text", [
    (True, "全公司「成交客户」183 人，少于各团队之和 201：在几个团队都买过的客户在全公司只算一次，"
           "所以全公司的转化率不等于各团队合并计算的结果。"),
    (False, "The company's buyers are 183, fewer than the teams' 201 put together: a customer who bought from "
            "several teams counts once in the company, so the company's rates are not those of the teams added up."),
])
def test_the_funnel_says_why_the_company_has_fewer_buyers_than_its_teams(zh, text):
    """The teams' buyers added up to 201 where the company had 183, their repeat buyers to 7
    where the company had 22, and the company's repurchase rate (30.6 %) stood above every
    team's, with no word why."""
    from types import SimpleNamespace

    from salesperf_kit.reporting import Report

    teams = pd.DataFrame({"group": ["A", "A", "A", "B", "B", "B"],
                          "stage": ["unique_visitors", "buyers", "repeat_buyers"] * 2,
                          "value": [5000.0, 120.0, 4.0, 4000.0, 81.0, 3.0]})
    whole = pd.DataFrame({"stage": ["unique_visitors", "buyers", "repeat_buyers"], "value": [9000.0, 183.0, 22.0],
                          "stage_label": ["访客", "成交客户", "复购客户"] if zh else ["Visitors", "Buyers", "Repeat buyers"]})
    more = ("全公司「复购客户」22 人，多于各团队之和 7：在两个团队各买过一次的客户，在各团队都不算复购，在全公司算复购。" if zh else
            "The company's repeat buyers are 22, more than the teams' 7 put together: a customer who bought once "
            "from each of two teams repeats in the company, in neither team.")
    assert Report._funnel_counted_once(SimpleNamespace(zh=zh), teams, whole) == [text, more]
