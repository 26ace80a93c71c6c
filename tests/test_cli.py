"""The salesperf command: thin, clear errors, never a traceback for bad input."""
from __future__ import annotations

import os

import pandas as pd
import pytest
from click.testing import CliRunner

from salesperf_kit.catalogue import CATALOGUE
from salesperf_kit.cli import main
from salesperf_kit.params import PARAMS_DIR
from salesperf_kit.sample import write_sample

SMALL = {"orders": 6, "calls": 30, "service": 4}


@pytest.fixture(scope="module")
def telesales_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("tele")
    write_sample("telesales", d, seed=2, volumes=SMALL)
    return d


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_validate_demo_checks_the_plan_against_the_embedded_demo_data(tmp_path):
    """'demo' means the embedded demo data everywhere else; validate took it for a missing
    folder ("Path 'demo' does not exist")."""
    r = _run("validate", "--language", "en", "demo", "--params", PARAMS_DIR / "direct.yaml")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Data: the embedded demo data of direct\nOK: 0 error(s)")
    r = _run("validate", "demo")
    assert r.exit_code == 2 and "pass --params FILE, whose business says which" in r.output
    r = _run("validate", tmp_path / "nothere")
    assert r.exit_code == 2 and "does not exist: give a folder or workbook of the client's exports" in r.output


@pytest.mark.parametrize("command", ["validate", "kpis", "score", "explain", "run"])
def test_a_data_path_that_names_nothing_is_an_error_at_its_key_and_line(tmp_path, command):
    """Each command said only that a path did not exist (validate as a click usage error
    about DATA), never which key of which file named it."""
    (tmp_path / "exports_2026").mkdir()
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: telesales\nreport: {client: Acme, language: en}\ndata:\n  path: exports\n",
                    encoding="utf-8")
    args = {"validate": ["validate", "--params", plan],
            "kpis": ["kpis", "telesales", "--params", plan, "--period", "2026-10", "--out", tmp_path / "k.csv"],
            "score": ["score", "telesales", "--params", plan, "--period", "2026-10", "--out", tmp_path / "s.csv"],
            "explain": ["explain", "telesales", "E001", "--params", plan, "--period", "2026-10"],
            "run": ["run", "telesales", "--params", plan, "--period", "2026-10", "--reports-dir", tmp_path / "r"]}
    r = _run(*args[command])
    assert r.exit_code == 1, r.output
    assert r.output == (f"Error: {plan}: data.path (line 4) names {tmp_path / 'exports'}, which does not exist "
                        f"(neither a folder nor a workbook of that name). Did you mean '{tmp_path / 'exports_2026'}'? "
                        "Fix: point data.path (relative to the file that writes it) at the folder of the client's "
                        "exports or their workbook, or give the data when running (--data; data_path in a "
                        "notebook).\n")
    plan.write_text("extends: telesales\nreport: {client: Acme}\ndata:\n  path: exports\n", encoding="utf-8")
    r = _run(*args[command])  # a plan in Chinese (the shipped plans' language) is told in Chinese
    assert r.exit_code == 1 and r.output == (
        f"错误：{plan}：data.path（第 4 行）：{tmp_path / 'exports'} 不存在（既没有这个文件夹，也没有这个工作簿）。"
        f"是否应为「{tmp_path / 'exports_2026'}」？修改方法：把 data.path（相对于写它的文件）指向客户导出数据所在的文件夹"
        "或工作簿，或在运行时给出数据（--data；notebook 中为 data_path）。\n")


def test_validate_clean_data_exits_0(telesales_dir):
    r = _run("validate", telesales_dir, "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert "orders" in r.output


def test_validate_reports_bad_rows_and_exits_1(telesales_dir, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in telesales_dir.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    orders = pd.read_csv(bad / "orders.csv", dtype=str)
    orders.loc[3, "amount"] = "-5"
    orders.loc[7, "status"] = "lost"
    orders.to_csv(bad / "orders.csv", index=False)
    r = _run("validate", bad)
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "orders.csv" in r.output and "row 5" in r.output and "amount" in r.output  # header row 1 + index 3 + 1
    assert "row 9" in r.output and "status" in r.output


def test_kpis_groups_the_data_contract_errors_one_line_per_kind(telesales_dir, tmp_path):
    """kpis and score listed 50 findings one per row, then "see DataContractError.table()",
    which a consultant at the command line cannot act on; one mistake (text in the amount
    column) filled the screen and hid the others."""
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in telesales_dir.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    orders = pd.read_csv(bad / "orders.csv", dtype=str)
    for i, v in zip([1, 2, 4, 5, 8, 9, 11, 12], ["n/a", "n/a", "n/a", "tbd", "n/a", "tbd", "see note", "n/a"]):
        orders.loc[i, "amount"] = v
    orders.loc[6, "status"] = "lost"
    orders.loc[3, "order_date"] = "someday"
    orders.to_csv(bad / "orders.csv", index=False)
    r = _run("kpis", "telesales", "--data", bad, "--period", "2026-10", "--out", tmp_path / "k.csv")
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        "The data break the contract in 10 places (3 kinds of problem):",
        "  - orders.csv, row 5, column 'order_date': 'order_date' is not a date (found 'someday'). Fix: write dates "
        "like 2026-10-01, 2026/10/01, 2026-10-01 13:05 or 2026年10月1日",
        "  - orders.csv, column 'amount', 8 rows (3, 4, 6, 7, 10, ...): 'amount' is not a number; found 'n/a' x5, "
        "'tbd' x2, 'see note'. Fix: write a plain number such as 1234.5 (thousands separators, ¥ $ € and 万/亿 are "
        "accepted; no %, no words)",
        "  - orders.csv, row 8, column 'status': 'status' is not an allowed value: expected one of completed, "
        "cancelled, refunded (found 'lost'). Fix: write one of them, or recode the export's value in the parameter "
        "file with data.values.orders.status: {'lost': <one of them>}; an order paid but not yet delivered or "
        "shipped (待发货, 已发货) is usually completed (with kpi_options.refund_handling: clawback a later refund is "
        "deducted when it comes), an unpaid one (待付款) cancelled or left out with data.filters.orders"]
    assert not (tmp_path / "k.csv").exists()


def test_bad_params_file_is_a_clear_error(telesales_dir, tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("extends: telesales\nscoring:\n  normalisaton: {method: minmax}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["kpis", "telesales", "--data", str(telesales_dir), "--period", "2026-10",
                                  "--params", str(p), "--out", str(tmp_path / "k.csv"), "--language", "en"])
    assert r.exit_code == 1
    assert "scoring.normalisaton" in r.output and "Did you mean 'normalisation'" in r.output
    assert "Traceback" not in r.output


_PLAN_ERRORS = ("extends: telesales\nlanguage: {language}\nscoring:\n  roles:\n    agent:\n"
                "      wieghts: {{revenue: 1}}\n  grading:\n    thresholds: 3\nincentives:\n  commission:\n"
                "    tiers:\n      - {{above: 0, rate: 3}}\n")
_ERRORS_EN = ("Error: {plan}: 3 problem(s) in the parameters:\n"
              "  - scoring.roles.agent.wieghts (line 6): unknown key. Did you mean 'weights'?\n"
              "  - scoring.grading.thresholds (line 8): Input should be a valid dictionary (found 3)\n"
              "  - incentives.commission.tiers (item 1).rate (line 12): a rate is a fraction of the amount: 3 would "
              "pay 300% of it. Fix: write 3 % as 0.03 (found 3)\n")
_ERRORS_ZH = ("错误：{plan}：参数文件中有 3 处问题：\n"
              "  - scoring.roles.agent.wieghts（第 6 行）：未知的键。是否应为「weights」？\n"
              "  - scoring.grading.thresholds（第 8 行）：应为映射（键: 值），实际为 3\n"
              "  - incentives.commission.tiers (item 1).rate（第 12 行）：费率是金额的比例（小数）：3 表示支付金额的 "
              "300%。修改方法：将 3% 写为 0.03\n")


@pytest.mark.parametrize("command", [["validate"], ["score", "telesales", "--period", "2026-10", "--out", "s.csv"]])
def test_the_errors_of_a_plan_in_chinese_are_said_in_chinese(tmp_path, command):
    """A plan that says language: zh had its errors said in English only; --language en, or a
    plan in English, says them as before."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(_PLAN_ERRORS.format(language="zh"), encoding="utf-8")
    r = _run(*command, "--params", plan)
    assert r.exit_code == 1 and r.output == _ERRORS_ZH.format(plan=plan)
    r = _run(*command, "--params", plan, "--language", "en")
    assert r.exit_code == 1 and r.output == _ERRORS_EN.format(plan=plan)
    plan.write_text(_PLAN_ERRORS.format(language="en"), encoding="utf-8")
    r = _run(*command, "--params", plan)
    assert r.exit_code == 1 and r.output == _ERRORS_EN.format(plan=plan)
    r = _run(*command, "--params", plan, "--language", "zh")
    assert r.exit_code == 1 and r.output == _ERRORS_ZH.format(plan=plan)


@pytest.mark.parametrize("command", [["validate"], ["score", "telesales", "--period", "2026-10", "--out", "s.csv"]])
def test_a_plan_whose_yaml_is_broken_has_its_error_in_its_language(tmp_path, command):
    """A YAML syntax error was said in English, even in a Chinese plan: the language is read
    from the file's text, else the plan it extends (Chinese for a shipped plan)."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: telesales\nscoring: {roles: {agent: 1}\n", encoding="utf-8")
    r = _run(*command, "--params", plan)
    assert r.exit_code == 1 and r.output == (
        f"错误：{plan}：YAML 格式有误（第 3 行第 1 列）：{{…}} 中此处应为「,」或「}}」，实际是文件结尾"
        "（这个 {…} 从第 2 行开始）\n     2 | scoring: {roles: {agent: 1}\n"
        "  错误常在上一行的末尾：缺少「}」或「]」，「:」后缺少空格，或缩进没有对齐。\n")
    r = _run(*command, "--params", plan, "--language", "en")
    assert r.exit_code == 1 and r.output.startswith(f"Error: {plan}: not valid YAML at line 3, column 1: ")
    plan.write_text("extends: telesales\nlanguage: en\nscoring: {roles: {agent: 1}\n", encoding="utf-8")
    r = _run(*command, "--params", plan)
    assert r.exit_code == 1 and r.output.startswith(f"Error: {plan}: not valid YAML at line 4, column 1: ")


def test_a_plan_for_another_business_or_without_data_is_said_in_chinese(tmp_path):
    """A zh plan run for another business, or with no data to read, was told so in English."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: telesales\nreport: {client: 甲}\n", encoding="utf-8")
    r = _run("score", "online", "--period", "2026-10", "--params", plan, "--out", tmp_path / "s.csv")
    assert r.exit_code == 1 and r.output == (
        f"错误：{plan}：business：运行的是「online」，但该文件是「telesales」的方案。修改方法：改为运行 telesales，"
        "或给出 business: online 的参数文件。\n")
    r = _run("score", "telesales", "--period", "2026-10", "--params", plan, "--out", tmp_path / "s.csv")
    assert r.exit_code == 1 and r.output.startswith(f"错误：{plan}：用哪些数据？")
    r = _run("score", "telesales", "--period", "2026-10", "--params", plan, "--out", tmp_path / "s.csv",
             "--language", "en")
    assert r.exit_code == 1 and r.output.startswith(f"Error: {plan}: which data? No data folder or workbook")


def test_kpis_writes_one_row_per_employee_with_catalogue_names(telesales_dir, tmp_path):
    out = tmp_path / "kpis.csv"
    r = _run("kpis", "telesales", "--data", telesales_dir, "--period", "2026-10", "--out", out)
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, encoding="utf-8-sig")
    employees = pd.read_csv(telesales_dir / "employees.csv")
    assert len(df) == len(employees)
    assert {"employee_id", "name", "team"} <= set(df.columns)
    kpi_cols = [c for c in df.columns if c not in ("employee_id", "name", "team", "role", "period")]
    assert kpi_cols and all(c in CATALOGUE for c in kpi_cols)
    assert {"calls", "connect_rate", "revenue"} <= set(kpi_cols)
    # what is left out is said in the plan's language (zh), as score says it, not in English
    assert "提示：未计算「销售成本率」：数据中缺少「流量」表。" in r.output and "Notice:" not in r.output


@pytest.mark.parametrize("language, sheet, money", [("zh", "指标", ["销售额（元）", "客单价（元）"]),
                                                    ("en", "KPIs", ["Revenue (CNY)", "Average order value (CNY)"])])
def test_kpis_to_a_workbook_name_the_sheet_and_the_money_in_its_language(tmp_path, language, sheet, money):
    """A client's KPI workbook had a sheet named kpis and 销售额, 客单价 without （元）,
    though the plan sets report.currency: CNY."""
    from openpyxl import load_workbook

    write_sample("ecommerce", tmp_path / "data", seed=1, volumes={"orders": 4})
    plan = tmp_path / "client.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'ecommerce.yaml'}\nreport: {{currency: CNY}}\n", encoding="utf-8")
    out = tmp_path / "kpis.xlsx"
    r = _run("kpis", "ecommerce", "--data", tmp_path / "data", "--period", "2026-10", "--params", plan,
             "--language", language, "--out", out)
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == [sheet]
    headers = [c.value for c in wb.active[1]]
    assert set(money) <= set(headers)


def test_score_writes_a_formatted_xlsx(telesales_dir, tmp_path):
    out = tmp_path / "scorecard.xlsx"
    r = _run("score", "telesales", "--data", telesales_dir, "--period", "2026-10", "--out", out)
    assert r.exit_code == 0, r.output
    # what the scorecard leaves out is said (the sample has no traffic), in the plan's language;
    # KPIs the plan does not use, in one line
    assert ("提示：另有 2 项本方案未使用的指标因数据不足未计算（销售成本率、带教新人业绩提升率）；各需哪些数据，见 salesperf kpis "
            "的提示或报告的数据质量附录。") in r.output
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    assert ws.freeze_panes == "A2"
    headers = [c.value for c in ws[1]]
    assert "得分" in headers and "排名" in headers and "等级" in headers  # Chinese headers for a zh plan


def test_sample_rejects_a_bad_volume(tmp_path):
    r = CliRunner().invoke(main, ["sample", "online", "--out", str(tmp_path), "--volume", "orders=many"])
    assert r.exit_code == 1 and "TABLE=N" in r.output


def test_scenarios_and_explain_commands(tmp_path):
    out = tmp_path / "scen.csv"
    r = _run("scenarios", "telesales", "--params", PARAMS_DIR / "telesales.yaml", "--period", "2026-10", "--out", out)
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert {"销售额30", "重过程"} <= set(table["情景"])  # the plan's named scenarios, side by side
    assert "tau" in r.output or "τ" in r.output or "kendall" in r.output.lower()
    r = _run("explain", "telesales", "E0004", "--period", "2026-10", "--language", "en")
    assert r.exit_code == 0, r.output
    score, pay = r.output.strip().split("\n\n")
    assert score.splitlines()[-1].startswith("Score:")  # the score story ends on the score it has added up to
    assert pay.splitlines()[0] == "Pay for 2026-10 (CNY):"  # then the pay, item by item, to its total (in yuan)
    assert pay.splitlines()[-1].startswith("  Total ")
    assert "应发合计" in _run("explain", "telesales", "E0004", "--period", "2026-10").output  # the plan's language


def test_explain_finds_a_name_as_an_export_writes_it_and_says_its_errors_in_the_plan_s_language():
    """`explain ecommerce "张伟 "` (a trailing space) or 陈静🌸 was refused, 王 芳 with a
    suggestion; and the refusal was in English under a Chinese plan."""
    first = _run("explain", "telesales", "E0004", "--period", "2026-10").output.splitlines()[0]
    name = first.split("（")[0]
    decorated = f" {name[0]} {name[1:]}🌸 "  # spaced out, decorated, with spaces around
    r = _run("explain", "telesales", decorated, "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == first
    r = CliRunner().invoke(main, ["explain", "telesales", "无此人", "--period", "2026-10"])
    assert r.exit_code == 1
    assert r.output.startswith("错误：2026-10 的评分表中没有「无此人」。请输入评分表中某人的工号或姓名（共 ")
    r = CliRunner().invoke(main, ["explain", "telesales", "无此人", "--period", "2026-10", "--language", "en"])
    assert r.exit_code == 1 and r.output.startswith("Error: No person '无此人' in the scorecard of 2026-10.")


def test_explain_says_a_pay_warning_as_a_sentence_in_the_language_of_its_output(tmp_path):
    """A team award the data cannot pay came out as a log record in English
    ("WARNING Team champion award left unpaid ...") amid an explanation in Chinese."""
    write_sample("direct", tmp_path, seed=1, volumes={"orders": 4})
    for f in tmp_path.glob("targets.*"):  # no team has a target: the team champion award is left unpaid
        f.unlink()
    r = _run("explain", "direct", "E0001", "--data", tmp_path, "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert "WARNING" not in r.output and "left unpaid" not in r.output
    assert r.output.splitlines()[-1] == (
        "注意：团队冠军奖未发放：本期没有任何团队的销售目标（该奖发给目标完成率最高的团队）。请在数据中补上团队目标，"
        "或以 incentives.awards.team_champion: null 取消。")
    assert r.stdout.rstrip().splitlines()[-1].startswith("  应发合计 ")  # (the explanation itself, on stdout)
    r = _run("explain", "direct", "E0001", "--data", tmp_path, "--period", "2026-10", "--language", "en")
    assert r.output.splitlines()[-1] == (
        "Warning: Team champion award left unpaid: no team has a revenue target this period (it goes to the team "
        "of highest attainment). Add the teams' targets to the data, or take it out of the plan with "
        "incentives.awards.team_champion: null.")


def test_explain_of_a_quarter_says_a_plan_notice_once(tmp_path):
    """A quarter's pay is its months': explain said "最佳服务奖未发放 ..." on stderr once per month."""
    write_sample("ecommerce", tmp_path, seed=1, volumes={"orders": 4})
    (tmp_path / "service.csv").unlink()
    r = _run("explain", "ecommerce", "E0001", "--data", tmp_path, "--period", "2026-Q3")
    assert r.exit_code == 0, r.output
    assert [line for line in r.stderr.splitlines() if "最佳服务奖" in line] == [
        "注意：最佳服务奖未发放：没有算出客户满意度（需要带满意度的客服工单表）。"
        "请补上该表，或以 incentives.awards.best_service: null 取消该奖项。"]
    # the command it suggests for a month's detail runs as printed, on the same data
    import shlex

    [suggested] = [line for line in r.stdout.splitlines() if "各月明细：" in line]
    args = shlex.split(suggested.split("：", 1)[1])
    assert args[:6] == ["salesperf", "explain", "ecommerce", "E0001", "--period", "2026-07"]
    assert args[6:] == ["--data", str(tmp_path)]
    month = _run(*args[1:])
    assert month.exit_code == 0 and "应发薪酬（2026-07，元）" in month.stdout, month.output


def test_scenarios_to_a_file_type_it_cannot_write_names_both_it_can(tmp_path):
    # '.json' was refused saying only '.xlsx' would do, though --help names .csv too
    r = _run("scenarios", "telesales", "--period", "2026-10", "--out", tmp_path / "x.json")
    assert r.exit_code == 1
    assert "The value for `output file extension` must be one of ['.xlsx', '.csv'], but '.json' was passed." in r.output
    assert not (tmp_path / "x.json").exists()


def test_the_scenarios_workbook_reads_for_a_manager(tmp_path):
    """The shipped plan is in Chinese: sheets 汇总 / 人员明细 / 权重 with Chinese headers,
    roles and KPIs by their labels (坐席, 销售额), 是/否 for a grade change, weights as
    percentages; each scenario's total payout in the summary is the sum of its people's
    payouts, and its change the total minus the baseline's."""
    from openpyxl import load_workbook

    out = tmp_path / "scen.xlsx"
    r = _run("scenarios", "telesales", "--params", PARAMS_DIR / "telesales.yaml", "--period", "2026-10", "--out", out)
    assert r.exit_code == 0, r.output
    assert load_workbook(out).sheetnames == ["汇总", "人员明细", "权重"]
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    summary, people, weights = sheets["汇总"], sheets["人员明细"], sheets["权重"]
    assert list(summary.columns[:4]) == ["情景", "情景说明", "Kendall τ", "Spearman ρ"]
    assert {"工号", "岗位", "基准排名", "名次变化", "等级变化", "薪酬变化（元）"} <= set(people.columns)
    assert set(people["岗位"]) == {"坐席", "组长"} and set(people["等级变化"]) == {"是", "否"}
    totals = people.groupby("情景", sort=False)["情景薪酬（元）"].sum()
    s = summary.set_index("情景")
    assert s["薪酬总额（元）"].to_numpy() == pytest.approx(totals[s.index].to_numpy())
    assert s["薪酬变化（元）"].to_numpy() == pytest.approx((totals - totals["基准"])[s.index].to_numpy())
    # the baseline's id reads 基准 as its label does, not 'baseline' beside 基准
    assert s.loc["基准", "情景说明"] == "基准" and "baseline" not in set(people["情景"]) | set(weights["情景"])
    # places moved are whole numbers on the console too (6, not 6.0)
    moved = int(people.loc[people["情景"] == "销售额30", "名次变化"].abs().max())
    line = next(x for x in r.output.splitlines() if "销售额30" in x and "销售额权重" in x)
    assert f" {moved} " in line and f"{moved}.0" not in line, line
    row = weights[(weights["情景"] == "销售额30") & (weights["岗位"] == "坐席") & (weights["指标"] == "销售额")]
    assert row[["权重", "基准权重"]].iloc[0].tolist() == pytest.approx([0.30, 0.35])
    cell = next(c for c in load_workbook(out)["权重"]["D"][1:] if c.value is not None)
    assert cell.number_format == "0.0%"


def test_the_scenarios_workbook_in_english_for_a_client_whose_plan_is_chinese(tmp_path):
    """An English-speaking client (the Maven CRM and PwC call-centre exports) on a plan that
    extends a shipped Chinese one had no way to an English workbook but editing the plan:
    `scenarios` had no --language, as `run` and `explain` have."""
    from openpyxl import load_workbook

    out = tmp_path / "scen.xlsx"
    r = _run("scenarios", "telesales", "--params", PARAMS_DIR / "telesales.yaml", "--period", "2026-10",
             "--out", out, "--language", "en")
    assert r.exit_code == 0, r.output
    assert load_workbook(out).sheetnames == ["Summary", "People", "Weights"]
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    summary = sheets["Summary"].set_index("Scenario")
    assert summary.loc["Baseline", "Description"] == "Baseline"
    assert summary.loc["销售额30", "Description"] == "Revenue at 30 %"   # the label's English, not 销售额权重 30%
    assert set(sheets["People"]["Role"]) == {"Agent", "Team lead"}
    assert set(sheets["People"]["Grade changed"]) == {"Yes", "No"}


@pytest.mark.parametrize("language, summary, people", [
    ("zh", ["情景", "情景说明", "Kendall τ", "Spearman ρ", "名次变化人数", "最大名次变化", "等级变化人数", "薪酬总额（元）",
            "薪酬变化（元）", "薪酬占销售额比例", "薪酬方案改动"],
     ["情景", "情景说明", "工号", "姓名", "团队", "岗位", "得分", "排名", "等级", "情景薪酬（元）", "基准得分", "基准排名",
      "基准等级", "基准薪酬（元）", "名次变化", "等级变化", "薪酬变化（元）"]),
    ("en", ["Scenario", "Description", "Kendall τ", "Spearman ρ", "Rank changes", "Largest move", "Grade changes",
            "Total payout (CNY)", "Payout change (CNY)", "Payout to revenue", "Pay plan changes"],
     ["Scenario", "Description", "Employee ID", "Name", "Team", "Role", "Score", "Rank", "Grade", "Payout (CNY)",
      "Baseline score", "Baseline rank", "Baseline grade", "Baseline payout (CNY)", "Rank change", "Grade changed",
      "Payout change (CNY)"]),
])
def test_the_scenarios_workbook_gives_money_the_plan_s_currency(tmp_path, language, summary, people):
    """With report.currency: {zh: 元, en: CNY}, the scenarios workbook still headed its
    payouts 薪酬总额 and 薪酬变化 while the report's tables say 元: its headers of money now
    give the unit of its language, in the CSV too; the ratio to revenue gets none, and every
    other header reads in the workbook's language."""
    import re

    from openpyxl import load_workbook

    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\ndata: {{path: demo}}\n"
                    "report: {currency: {zh: 元, en: CNY}}\n", encoding="utf-8")
    out = tmp_path / "scen.xlsx"
    r = _run("scenarios", "telesales", "--params", plan, "--period", "2026-10", "--out", out, "--language", language)
    assert r.exit_code == 0, r.output
    heads = {ws.title: [c.value for c in ws[1]] for ws in load_workbook(out).worksheets}
    zh = language == "zh"
    assert list(heads) == (["汇总", "人员明细", "权重"] if zh else ["Summary", "People", "Weights"])
    assert list(heads.values())[:2] == [summary, people]
    assert list(heads.values())[2] == (["情景", "岗位", "指标", "权重", "基准权重", "权重变化", "指标得分中的实际占比"] if zh else
                                       ["Scenario", "Role", "KPI", "Weight", "Baseline weight", "Weight change",
                                        "Share of KPI points"])
    names = {"Kendall τ", "Spearman ρ"}
    assert not [h for hs in heads.values() for h in hs if h not in names
                and (h.isascii() if zh else re.search(r"[\u4e00-\u9fff]", h))]
    csv = tmp_path / "scen.csv"
    assert _run("scenarios", "telesales", "--params", plan, "--period", "2026-10", "--out", csv,
                "--language", language).exit_code == 0
    assert csv.read_text(encoding="utf-8-sig").splitlines()[0].split(",") == people


def test_the_scenarios_notes_are_said_in_the_workbooks_language(tmp_path):
    """A Chinese workbook's 说明 sheet carried its notes in English ("scenario 'mentor'
    weighs mentoring ..."), as did the command line: the manager it goes to reads Chinese."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\ndata: {{path: demo}}\n"
                    "scenarios:\n  scenarios:\n    mentor:\n      roles:\n"
                    "        agent: {mentoring: 0.2, revenue: 0.8}\n", encoding="utf-8")
    out = tmp_path / "scen.xlsx"
    r = _run("scenarios", "telesales", "--params", plan, "--period", "2026-10", "--out", out)
    assert r.exit_code == 0, r.output
    said = ("情景「mentor」为岗位「坐席」设了「带教新人业绩提升率」的权重，但本期该岗位无人有该指标得分"
            "（「带教新人业绩提升率」需要数据中没有的「员工」表的「导师编号」（mentor_id）列）："
            "这部分权重按比例分给其他指标，该情景的得分相当于不计这些指标。")
    assert pd.read_excel(out, sheet_name="说明", engine="openpyxl")["说明"].tolist() == [said]
    assert f"说明：{said}" in r.output.splitlines()
    n = len(pd.read_excel(out, sheet_name="人员明细", engine="openpyxl"))
    assert r.output.splitlines()[-1] == f"已将 {n:,} 行写入 {out}"  # (the last line too, not "Wrote ... rows")
    r = _run("scenarios", "telesales", "--params", plan, "--period", "2026-10", "--out", out, "--language", "en")
    [note] = pd.read_excel(out, sheet_name="Notes", engine="openpyxl")["Notes"]
    assert note.startswith("scenario 'mentor' weighs mentoring for the role 'agent'") and "Note: " + note in r.output
    assert r.output.splitlines()[-1] == f"Wrote {n:,} rows to {out}"


def test_scenarios_say_a_pay_warning_in_the_workbooks_language(tmp_path):
    """With no team targets the team champion award is left unpaid; `scenarios` printed it
    as a log record in English ("WARNING Team champion award left unpaid ...") beside its
    Chinese notes, as `explain` once did."""
    write_sample("direct", tmp_path, seed=1, volumes={"orders": 4})
    for f in tmp_path.glob("targets.*"):
        f.unlink()
    r = _run("scenarios", "direct", "--data", tmp_path, "--period", "2026-10", "--out", tmp_path / "s.xlsx")
    assert r.exit_code == 0, r.output
    assert "WARNING" not in r.output and "left unpaid" not in r.output
    assert ("注意：团队冠军奖未发放：本期没有任何团队的销售目标（该奖发给目标完成率最高的团队）。请在数据中补上团队目标，"
            "或以 incentives.awards.team_champion: null 取消。") in r.output.splitlines()


def test_targets_command_writes_a_table_the_loaders_read(tmp_path):
    from salesperf_kit.schemas import TABLES

    out = tmp_path / "targets.csv"
    r = _run("targets", "online", "--year", "2027", "--method", "capacity", "--uplift", "0.2", "--out", out)
    assert r.exit_code == 0, r.output
    # how the company's total was set, and each team's year, in the plan's language
    assert "2027 年销售额：公司目标 " in r.output and "× 1.2（增长 20%），按人头分配" in r.output
    t = pd.read_csv(out, encoding="utf-8-sig", dtype={"period": str})
    assert set(TABLES["targets"].required) <= set(t.columns)
    assert t["period"].str.startswith("2027-").all() and t["period"].nunique() == 12
    people = t[t["employee_id"].notna()].groupby("kpi")["target"].sum()
    teams = t[t["employee_id"].isna()].groupby("kpi")["target"].sum()
    assert people["revenue"] == teams["revenue"]  # the cascade adds up exactly


@pytest.mark.parametrize("command", [
    ["run", "online"], ["kpis", "online", "--period", "2026-10", "--out", "k.csv"],
    ["score", "online", "--period", "2026-10", "--out", "s.csv"], ["explain", "online", "E0001", "--period", "2026-10"],
    ["scenarios", "online", "--period", "2026-10", "--out", "s.csv"], ["targets", "online", "--year", "2027", "--out", "t.csv"],
])
def test_a_client_plan_without_data_never_runs_on_the_demo_data(tmp_path, command):
    """Forgetting --data with a client's plan is an error naming the file, not a report of
    invented figures under the client's name."""
    client = tmp_path / "acme.yaml"
    client.write_text("extends: online\nreport: {client: Acme}\n", encoding="utf-8")
    if command[0] == "run":  # (the failure is kept under the reports folder's _failed/)
        command = [*command, "--reports-dir", str(tmp_path / "reports")]
    r = CliRunner().invoke(main, [*command[:2], "--params", str(client), *command[2:]])
    assert r.exit_code == 1, r.output
    assert f"{client}：用哪些数据？" in r.output and "--data" in r.output  # (in the plan's language, zh)


def test_validate_fails_a_period_the_data_do_not_cover(telesales_dir):
    r = _run("validate", telesales_dir, "--period", "2022-03")
    assert r.exit_code == 1, r.output
    assert "  - No records in 2022-03: no order, call, visit, ticket or activity is dated in 2022-03" in r.output
    assert "The data cover: orders 2024-11-01 to 2026-10-31" in r.output


def test_validate_with_a_plan_fails_roles_that_scoring_would_fail(telesales_dir, tmp_path):
    """A role the plan has no weights for (and no default_role) fails `score`: `validate
    --params` reports it too, in the same words, so that data that validate can be scored."""
    data = tmp_path / "data"
    data.mkdir()
    for f in telesales_dir.iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    employees = pd.read_csv(data / "employees.csv", dtype=str, keep_default_na=False)
    employees.loc[2, "role"] = "intern"
    employees.to_csv(data / "employees.csv", index=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: telesales\n", encoding="utf-8")
    score = _run("score", "telesales", "--data", data, "--period", "2026-10", "--params", plan,
                 "--out", tmp_path / "s.csv")
    assert score.exit_code == 1
    message = score.output.strip().removeprefix("Error: ")
    assert message.startswith("No weights for the role(s) ['intern'] (from employees.role)")
    r = _run("validate", "--language", "en", data, "--params", plan)
    assert r.exit_code == 1, r.output
    assert f"column 'role': {message}" in r.output
    assert "scoring.default_role" in r.output and "Fix: add 'scoring.roles.<role>.weights'" in r.output
    assert r.output.strip().splitlines()[-1].startswith("NOT OK: 1 error(s)")
    assert _run("validate", data).exit_code == 0  # without a plan, any role is a role
    plan.write_text("extends: telesales\nscoring: {default_role: agent}\n", encoding="utf-8")
    assert _run("validate", "--language", "en", data, "--params", plan).exit_code == 0  # scored as an agent


def test_validate_reads_the_data_the_plan_names(telesales_dir, tmp_path):
    plan = tmp_path / "acme.yaml"
    plan.write_text(f"extends: telesales\ndata: {{path: '{telesales_dir.as_posix()}'}}\n", encoding="utf-8")
    r = _run("validate", "--language", "en", "--params", plan, "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"Data: {telesales_dir} (data.path of {plan})\nOK: 0 error(s)"), r.output
    # neither DATA nor a plan that names its data: say what to pass
    for args in ([], ["--params", PARAMS_DIR / "telesales.yaml"]):
        r = CliRunner().invoke(main, ["validate", *map(str, args)])
        assert r.exit_code == 2 and "Pass DATA (a folder or workbook of exports), or --params FILE whose " \
                                      "data.path names them." in r.output, r.output


def test_validate_reads_the_workbook_given_not_the_files_of_the_plan_s_folder(telesales_dir, tmp_path):
    """A plan written for a folder of CSV files, given a workbook to validate: the files its
    data.files names were read from the workbook's folder instead of the workbook, and the
    workbook's sheets, unused, were an error."""
    exports, book = tmp_path / "exports", tmp_path / "book.xlsx"
    exports.mkdir()
    tables = {name: pd.read_csv(telesales_dir / f"{name}.csv", dtype=str) for name in ("employees", "calls", "orders")}
    calls = tables["calls"]
    tables["calls"] = calls[calls["started_at"].str.startswith("2026-10")].head(400).reset_index(drop=True)
    tables["orders"] = tables["orders"][tables["orders"]["order_date"].str.startswith("2026-10")]
    for name, df in tables.items():
        df.to_csv(exports / {"calls": "call_log.csv", "employees": "staff.csv"}.get(name, f"{name}.csv"), index=False)
    broken = tables["calls"].copy()
    broken.loc[0, "started_at"] = "someday"  # the folder's copy, not the workbook's
    broken.to_csv(exports / "call_log.csv", index=False)
    with pd.ExcelWriter(book) as xl:
        for name, df in tables.items():  # the call log's sheet as the file was called, the people's under 员工
            df.to_excel(xl, sheet_name={"calls": "Call_Log", "employees": "员工"}.get(name, name), index=False)
        pd.DataFrame({"note": ["exported 2026-11-02"]}).to_excel(xl, sheet_name="Notes", index=False)
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: telesales\ndata:\n  path: exports\n  files: {calls: call_log.csv, employees: staff.csv}\n",
                    encoding="utf-8")
    r = _run("validate", "--language", "en", "--params", plan, "--period", "2026-10")  # the folder: its bad date is found
    assert r.exit_code == 1 and "call_log.csv\n  1 error(s):\n    - row 2, column 'started_at'" in r.output, r.output
    r = _run("validate", "--language", "en", book, "--params", plan, "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == (
        f"Data: {book}; the files that data.files names in the folder of data.path are read from the workbook's "
        "sheets: calls from sheet 'Call_Log'; employees from sheet '员工'")
    assert "someday" not in r.output and "sheets not loaded (their names are not table names): 'Notes'" in r.output
    # a plan without data.path that reads every table from files beside the workbook: its sheets are a note
    side = tmp_path / "side"
    side.mkdir()
    for name, df in tables.items():
        df.to_csv(side / f"{name}.csv", index=False)
    pd.DataFrame({"note": ["x"]}).to_excel(side / "cover.xlsx", sheet_name="Notes", index=False)
    files = ", ".join(f"{name}: {name}.csv" for name in tables)
    (tmp_path / "side.yaml").write_text(f"extends: telesales\ndata:\n  files: {{{files}}}\n", encoding="utf-8")
    r = _run("validate", "--language", "en", side / "cover.xlsx", "--params", tmp_path / "side.yaml", "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert "not loaded: no sheet is named after a table or in data.files (sheets: 'Notes'); the tables were " \
           "read from the files data.files names: " in r.output


def test_validate_with_a_plan_lists_a_grade_only_an_uncapped_bonus_reaches(telesales_dir, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: telesales\nincentives: {grade_multipliers: {A: 1.3, B: 1.0, C: 0.5, D: 2.0}}\n"
                    "scoring:\n  grading:\n    method: thresholds\n"
                    "    thresholds: {A: 80, B: 60, C: 0, D: 200}\n", encoding="utf-8")
    r = _run("validate", "--language", "en", telesales_dir, "--params", plan)
    assert r.exit_code == 0, r.output  # a warning: 23 assisted deals would reach it
    # a warning names the key's line, as an error does (here with the file, as the warnings of
    # the base file it extends do: "scoring.roles.team_lead (telesales.yaml, line 24)")
    assert "plan.yaml\n  1 warning(s):\n    - scoring.grading.thresholds.D (plan.yaml, line 6): this threshold is " \
           "above 155" in r.output
    assert "bonuses.collaboration_points (2 points per deal assisted)" in r.output and "(found 200)" in r.output
    plan.write_text(plan.read_text(encoding="utf-8") + "  bonuses: {collaboration_points: 0}\n", encoding="utf-8")
    r = _run("validate", "--language", "en", telesales_dir, "--params", plan)
    assert r.exit_code == 1 and "scoring.grading.thresholds.D (line 6): no score can reach this threshold" in r.output


@pytest.mark.parametrize("command", [["scenarios", "--out", "x.xlsx"], ["kpis", "--out", "x.csv"],
                                     ["score", "--out", "x.csv"]])
def test_a_plan_for_another_business_type_is_refused(command, telesales_dir, tmp_path):
    """`salesperf scenarios online --params params/telesales.yaml` quietly scored the telesales plan."""
    name, *rest = command
    r = _run(name, "online", "--params", PARAMS_DIR / "telesales.yaml", "--data", telesales_dir,
             "--period", "2026-10", *[tmp_path / a if a.startswith("x.") else a for a in rest])
    assert r.exit_code == 1
    assert "business：运行的是「online」，但该文件是「telesales」的方案。修改方法：改为运行 telesales" in r.output  # (a zh plan)
    r = _run(name, "online", "--params", PARAMS_DIR / "telesales.yaml", "--data", telesales_dir, "--language", "en",
             "--period", "2026-10", *[tmp_path / a if a.startswith("x.") else a for a in rest])
    assert r.exit_code == 1
    assert "business: 'online' was asked for, but the file is a plan for 'telesales'. Fix: ask for telesales" in r.output
    assert not list(tmp_path.iterdir())  # nothing written


def _hand_data(folder, *, leave_date=None):
    """Team A: a1 sells 100 and a2 200 every month of 2026; team B: b1 300 and b2 100, so the
    company sells 700 a month. a3 (team A) joins on 2027-02-15."""
    rows = [dict(order_id=f"{e}-{m}", employee_id=e, customer_id=f"c-{e}-{m}", order_date=f"2026-{m:02d}-15",
                 amount=a, status="completed")
            for m in range(1, 13) for e, a in (("a1", 100), ("a2", 200), ("b1", 300), ("b2", 100))]
    pd.DataFrame(rows).to_csv(folder / "orders.csv", index=False)
    emp = pd.DataFrame({"employee_id": ["a1", "a2", "a3", "b1", "b2"], "name": ["A1", "A2", "A3", "B1", "B2"],
                        "team": ["A", "A", "A", "B", "B"], "role": "sales",
                        "hire_date": ["2020-01-01", "2020-01-01", "2027-02-15", "2020-01-01", "2020-01-01"]})
    if leave_date is not None:
        emp["leave_date"] = [None, None, None, None, leave_date]
    emp.to_csv(folder / "employees.csv", index=False)


def test_targets_command_uses_the_method_of_the_parameter_file(tmp_path):
    """Without --method, the split follows targets.method of the parameter file (here equal),
    not a built-in default."""
    data = tmp_path / "data"
    data.mkdir()
    _hand_data(data)
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: online\ntargets:\n  method: equal\n  uplift: 0.2\n  promotions: []\n"
                    "  calibration: []\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    r = _run("targets", "online", "--params", plan, "--data", data, "--year", "2027", "--out", out)
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, encoding="utf-8-sig", dtype={"period": str})
    feb = t[(t["period"] == "2027-02") & t["employee_id"].notna()].set_index("employee_id")["target"]
    # 700 × 12 × 1.2 = 10,080 a year, flat season: 840 in February, 5 people employed: 168 each
    # (by history a1 would get 840 × 125 / 921.875 ≈ 114)
    assert feb.to_dict() == {"a1": 168, "a2": 168, "a3": 168, "b1": 168, "b2": 168}


def test_calibrate_writes_the_targets_as_the_rules_adjust_them(tmp_path):
    """The Act of PDCA: a rule that fires in November raises the later months' revenue
    targets; the report said so, but nothing wrote the adjusted targets to hand over. By hand:
    November's 700 against 700 on average over August to October is a change of 0, which
    fires a rule at 0 % or more; December's and January's 700 become 770, shared by the old
    shares (a1 100, a2 200, b1 300, b2 100 of 700)."""
    data = tmp_path / "data"
    data.mkdir()
    _hand_data(data)
    own = {"a1": 100, "a2": 200, "b1": 300, "b2": 100}
    rows = [(m, e, None, t) for m in ("2026-11", "2026-12", "2027-01") for e, t in own.items()]
    rows += [(m, None, team, t) for m in ("2026-11", "2026-12", "2027-01") for team, t in (("A", 300), ("B", 400))]
    pd.DataFrame(rows, columns=["period", "employee_id", "team", "target"]).assign(kpi="revenue").to_csv(
        data / "targets.csv", index=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: online\ntargets:\n  calibration:\n    - {name: 业绩上升, kpi: revenue, change_at_least: 0, "
                    "baseline_periods: 3, adjust: {revenue: 0.10}}\n", encoding="utf-8")
    out = tmp_path / "adjusted.csv"
    r = _run("calibrate", "online", "--params", plan, "--data", data, "--period", "2026-11", "--out", out,
             "--language", "en")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "Calibration rule '业绩上升' fired (Revenue (CNY) 700.00 against 700.00 on average over the previous 3 "
        "periods (2026-08 .. 2026-10), a change of 0.0% (it fires at +0% or more)): Revenue (CNY) targets of "
        "2026-12 .. 2027-01 (total) +10.0%, before 1,400, after 1,540.",
        f"Wrote 18 target rows to {out}, 12 of them adjusted."]
    t = pd.read_csv(out, encoding="utf-8-sig", dtype={"period": str, "employee_id": str})
    people = t[t["employee_id"].notna()].pivot(index="employee_id", columns="period", values="target")
    assert people["2026-11"].to_dict() == own
    assert people["2026-12"].to_dict() == people["2027-01"].to_dict() == {"a1": 110, "a2": 220, "b1": 330, "b2": 110}
    teams = t[t["employee_id"].isna()].pivot(index="team", columns="period", values="target")
    assert teams["2027-01"].to_dict() == {"A": 330, "B": 440}
    # a rule that cannot be judged says why and adjusts nothing (the shipped plan's CAC rule without traffic)
    r = _run("calibrate", "online", "--params", PARAMS_DIR / "online.yaml", "--data", data, "--period", "2026-11",
             "--out", tmp_path / "x.csv")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "校准规则「获客成本上升」无法检查：数据中缺少「流量」表，无法计算客户获取成本（本期及前 3 期 2026-08 至 2026-10），因此没有调整目标。",
        f"已将 18 行目标写入 {tmp_path / 'x.csv'}，其中 0 行已调整。"]
    # a plan without rules has nothing to check, and writes nothing
    plan.write_text("extends: online\ntargets: {calibration: []}\n", encoding="utf-8")
    r = _run("calibrate", "online", "--params", plan, "--data", data, "--period", "2026-11", "--out", tmp_path / "y.csv")
    assert r.exit_code == 2 and "参数文件没有校准规则（targets.calibration）" in r.output
    assert not (tmp_path / "y.csv").exists()


def test_targets_command_gives_no_target_to_someone_who_has_left(tmp_path):
    """b2 left on 2026-12-31 (离职日期): no 2027 target; the company's 2027 target still
    comes from the whole team's 2026 sales, split among those who stay."""
    data = tmp_path / "data"
    data.mkdir()
    _hand_data(data, leave_date="2026-12-31")
    emp = pd.read_csv(data / "employees.csv").rename(columns={"leave_date": "离职日期"})
    emp.to_csv(data / "employees.csv", index=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: online\ntargets:\n  uplift: 0.2\n  promotions: []\n  calibration: []\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    r = _run("targets", "online", "--params", plan, "--data", data, "--year", "2027", "--method", "history",
             "--out", out, "--language", "en")
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, encoding="utf-8-sig", dtype={"period": str})
    assert "b2" not in set(t["employee_id"].dropna())
    jan = t[t["period"] == "2027-01"]
    # 700 × 12 × 1.2 = 10,080 a year, 840 in January; shares a1 100, a2 200, b1 300 of 600
    people = jan[jan["employee_id"].notna()]
    assert people.set_index("employee_id")["target"].to_dict() == {"a1": 140, "a2": 280, "b1": 420}
    assert jan[jan["employee_id"].isna()].set_index("team")["target"].to_dict() == {"A": 420, "B": 420}
    # each team's year against its own 2026: A 5,850 on 12 x 300 = 3,600 (+62.5 %: a3 joins and
    # b2's share moves to the people who stay), B 4,230 on 12 x 400 = 4,800 (-11.9 %)
    assert "by team: A 5,850 (+62.5% on its 2026), B 4,230 (-11.9% on its 2026)." in r.output
    # a3 joins on 2027-02-15: the command says what her targets follow
    assert ("A3 (a3, A) has no revenue history in a whole month of 2026: their targets follow the median "
            "level of team A, ramped up as a new hire (25% in 2027-02, 50% in 2027-03, 75% in 2027-04).") in r.output


def test_targets_command_sets_a_person_s_target_by_hand(tmp_path):
    """The note on a salesperson with a target of 0 pointed to a Python call (make_targets(...,
    overrides=...)) that the command line could not make. By hand: 700 x 12 x 1.2 = 10,080;
    a3 (joining 2027-02-15) is given 1,200 and b2 0, so January's 840 goes to a1 100, a2 200
    and b1 300 of 600: 140, 280, 420; a3 gets 1,200 over February-December."""
    data = tmp_path / "data"
    data.mkdir()
    _hand_data(data)
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: online\ntargets:\n  uplift: 0.2\n  promotions: []\n  calibration: []\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    args = ["targets", "online", "--params", plan, "--data", data, "--year", "2027", "--method", "history",
            "--out", out, "--language", "en"]
    r = _run(*args, "--override", "a3=1,200", "--override", "revenue:b2=0")
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, encoding="utf-8-sig", dtype={"period": str})
    people = t[t["employee_id"].notna()]
    year = people.groupby("employee_id")["target"].sum()
    assert year["a3"] == 1200 and year["b2"] == 0 and year.sum() == 10_080
    jan = people[people["period"] == "2027-01"].set_index("employee_id")["target"]
    assert jan.to_dict() == {"a1": 140, "a2": 280, "b1": 420, "b2": 0}
    assert "takes" not in r.output  # a3's target is given: nothing is taken from the others unsaid
    # a company target decided top-down
    r = _run(*args, "--annual", "12,000")
    assert r.exit_code == 0, r.output
    assert "the company's target 12,000 (given)" in r.output
    assert pd.read_csv(out).query("employee_id.isna()")["target"].sum() == 12_000
    # written with a Chinese magnitude, as the loaders read amounts in the data: 1.2万 is 12,000
    r = _run(*args, "--annual", "1.2万", "--override", "a3=0.12万")
    assert r.exit_code == 0 and "the company's target 12,000 (given)" in r.output, r.output
    assert pd.read_csv(out).query("employee_id == 'a3'")["target"].sum() == 1200
    # without the override, the note says whose targets a3's share comes out of
    r = _run(*args)
    assert "A3 (a3, A) has no revenue record in a whole month of 2026 and takes " in r.output
    assert "(--annual " in r.output and "--override EMPLOYEE=AMOUNT" in r.output
    r = CliRunner().invoke(main, [str(a) for a in args] + ["--override", "a3=lots"])
    assert r.exit_code == 2 and "'lots' is not an amount" in r.output
    r = CliRunner().invoke(main, [str(a) for a in args] + ["--override", "a33=5"])
    assert r.exit_code == 1 and "Did you mean 'a3'" in r.output and "Traceback" not in r.output
    # under the zh plan (no --language) the same error is said in Chinese, with its fix
    r = CliRunner().invoke(main, [str(a) for a in args[:-2]] + ["--override", "a33=5"])
    assert r.output.startswith("错误：销售额的覆盖值「a33」既不是员工表中的工号、团队，也不是姓名。是否应为「a3」？"
                               "修改方法："), r.output
    r = CliRunner().invoke(main, [str(a) for a in args[:-2]] + ["--uplift", "25"])
    assert r.output.startswith("错误：--uplift 或 targets.uplift：uplift 是相对基数的增幅（小数）：25 会把目标定为基数的 "
                               "26 倍。修改方法：将 +25% 写为 0.25"), r.output
    # a KPI the plan sets no targets of is said as such, not read as a person called orders:b2
    r = CliRunner().invoke(main, [str(a) for a in args] + ["--override", "orders:b2=5"])
    assert r.exit_code == 2 and "orders is not in targets.kpis of the plan (revenue)" in r.output
    r = CliRunner().invoke(main, ["targets", "--help"])
    assert "--override EMPLOYEE=AMOUNT" in r.output and "--annual AMOUNT" in r.output


def test_targets_command_warns_of_a_year_far_from_the_data(tmp_path):
    """Data of 2026 and targets for 2028: 2027 has no data, which a mistyped year hides."""
    data = tmp_path / "data"
    data.mkdir()
    _hand_data(data)
    r = _run("targets", "online", "--data", data, "--year", "2028", "--out", tmp_path / "t.csv", "--language", "en")
    assert r.exit_code == 0, r.output
    assert ("Warning: the revenue data end in 2026-12, more than a year before 2028: there are no data for "
            "2027") in r.output
    r = _run("targets", "online", "--data", data, "--year", "2027", "--out", tmp_path / "t.csv", "--language", "en")
    assert "Warning" not in r.output


def test_targets_command_speaks_the_plan_s_language_and_names_people(tmp_path):
    """`salesperf targets` printed its summary in English only, naming people by id ("a3 (A)
    has no revenue history ..."), for a Chinese plan. It speaks the plan's language (zh
    here) unless --language says otherwise, and names people by name: A3（A） in Chinese,
    A3 (a3, A) in English."""
    data = tmp_path / "data"
    data.mkdir()
    _hand_data(data)
    out = tmp_path / "t.csv"
    r = _run("targets", "online", "--data", data, "--year", "2028", "--method", "history", "--out", out)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("注意：销售额数据止于 2026-12，比 2028 年早一年以上：2027 年没有数据")
    assert lines[1] == f"已将 84 行目标写入 {out}"
    assert lines[2].startswith("  2028 年销售额：公司目标 10,500 = 12 × 700.00（2026 年经季节调整的月均水平）× 1.25"
                               "（增长 25%），按每人自己的水平分到人；")
    assert "  - A3（A）在 2026 年没有一个完整月份的销售额记录：其目标参照团队「A」的水平中位数。" in lines
    assert not any(w in r.output for w in ("Wrote", "the company", "has no", "a3"))
    r = _run("targets", "online", "--data", data, "--year", "2028", "--method", "history", "--out", out,
             "--language", "en")
    assert "Warning: the revenue data end in 2026-12" in r.output and f"Wrote 84 target rows to {out}" in r.output
    assert "  - A3 (a3, A) has no revenue history in a whole month of 2026: their targets follow" in r.output
    assert "--language [zh|en]" in _run("targets", "--help").output


def test_a_chinese_targets_workbook_is_headed_in_chinese_and_read_back_as_targets(tmp_path):
    """With --language zh an .xlsx target file is what a Chinese client writes (期间, 工号, 团队,
    指标, 目标; 销售额 for revenue) and still the targets table the loaders read back, the same
    rows as the English one; a CSV keeps the keys, for scripts."""
    from openpyxl import load_workbook

    from salesperf_kit.loaders import load_dataset

    data = tmp_path / "data"
    data.mkdir()
    _hand_data(data)
    args = ["targets", "online", "--data", data, "--year", "2027", "--method", "history"]
    for language in ("zh", "en"):
        (tmp_path / language).mkdir()
        r = _run(*args, "--language", language, "--out", tmp_path / language / "目标.xlsx")
        assert r.exit_code == 0, r.output
    book = load_workbook(tmp_path / "zh" / "目标.xlsx")
    ws = book["目标"]
    assert [c.value for c in ws[1]] == ["期间", "工号", "团队", "指标", "目标"]
    assert ws["D2"].value == "销售额" and ws["E2"].number_format == "#,##0"
    assert [c.value for c in load_workbook(tmp_path / "en" / "目标.xlsx")["targets"][1]] == [
        "period", "employee_id", "team", "kpi", "target"]
    back = {}
    for language in ("zh", "en"):
        for name in ("employees.csv", "orders.csv"):
            (tmp_path / language / name).write_bytes((data / name).read_bytes())
        ds = load_dataset(tmp_path / language)
        assert not [w for w in ds.warnings if w.table == "targets"], ds.warnings
        back[language] = ds.tables["targets"].reset_index(drop=True)
    assert back["zh"]["kpi"].eq("revenue").all()
    pd.testing.assert_frame_equal(back["zh"], back["en"])
    r = _run(*args, "--language", "zh", "--out", tmp_path / "t.csv")
    assert pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig").columns.tolist() == [
        "period", "employee_id", "team", "kpi", "target"]


def test_targets_for_a_year_without_history_says_which_months_the_data_cover(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _hand_data(data)  # orders of 2026 only
    r = CliRunner().invoke(main, ["targets", "online", "--data", str(data), "--year", "2030",
                                  "--out", str(tmp_path / "t.csv")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "no revenue history before 2030" in r.output
    assert "2027-01 .. 2029-12" in r.output and "the data cover 2026-01 .. 2026-12" in r.output
    assert "--year 2027" in r.output and "- .. -" not in r.output


def test_run_all_draws_no_progress_bar_into_a_log(monkeypatch):
    """Under cron stderr is a log file, not a terminal: a progress bar would fill it with
    carriage returns and half-drawn bars around the lines that matter."""
    import salesperf_kit.report as report

    seen = {}

    def fake_run_all(period, **kwargs):
        seen.update(kwargs)
        return []

    monkeypatch.setattr(report, "run_all", fake_run_all)
    r = _run("run-all", "--period", "2026-10")  # (CliRunner's stderr is not a terminal)
    assert r.exit_code == 0, r.output
    assert seen.get("progress", True) is False


def test_a_batch_summary_shows_a_report_s_warning(capsys):
    """A report with a warning needs a look: its line and the warning go to stderr (a cron
    line that mails stderr mails them), the other reports' lines to stdout."""
    from pathlib import Path

    from salesperf_kit.cli import _echo_results
    from salesperf_kit.report import RunResult

    _echo_results([RunResult("online", "2026-10", "acme", "ok", Path("reports/2026-10/acme/online"), 12.0,
                             warning="the data end on 2026-10-05, before 2026-10 does (2026-10-31): …"),
                   RunResult("direct", "2026-10", "志达直销", "ok", Path("reports/2026-10/志达直销/direct"), 7.5)])
    said = capsys.readouterr()
    assert said.err.splitlines() == [
        "ok     online     acme               12.0 s  reports/2026-10/acme/online",
        "       warning: the data end on 2026-10-05, before 2026-10 does (2026-10-31): …"]
    assert said.out.splitlines() == [
        "ok     direct     志达直销            7.5 s  reports/2026-10/志达直销/direct"]  # (8 columns + 8 spaces)


def test_validate_with_a_plan_fails_data_the_plan_cannot_pay_on(telesales_dir, tmp_path):
    """A plan that pays commission on orders, with data that have none: `score` fails, and
    `validate --params` says so first, in the same words."""
    data = tmp_path / "data"
    data.mkdir()
    for f in telesales_dir.iterdir():
        if f.name != "orders.csv":
            (data / f.name).write_bytes(f.read_bytes())
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: telesales\n", encoding="utf-8")
    r = _run("validate", "--language", "en", data, "--params", plan)
    assert r.exit_code == 1, r.output
    assert ("  - incentives.commission.basis is 'ordered', but the data give no orders, "
            "which incentives.commission.tiers") in r.output
    score = _run("score", "telesales", "--data", data, "--period", "2026-10", "--params", plan, "--out",
                 tmp_path / "s.csv")
    # (said in the plan's language, Chinese, as validate says it without --language)
    assert score.exit_code == 1 and "incentives.commission.basis：提成基数为「ordered」，但数据中没有订单" in score.output
    assert _run("validate", telesales_dir, "--params", plan).exit_code == 0


def test_score_of_a_period_without_records_says_what_the_data_cover(telesales_dir, tmp_path):
    r = _run("score", "telesales", "--data", telesales_dir, "--period", "2027", "--out", tmp_path / "s.xlsx")
    assert r.exit_code == 1
    # (the shipped telesales plan is Chinese: its errors are said in Chinese)
    assert r.output.startswith("错误：2027 没有任何记录") and "排名和薪酬将无所依据" in r.output, r.output
    assert not (tmp_path / "s.xlsx").exists()


def test_score_says_who_has_no_score_and_why(ad_buyers_without_orders):
    """Two ad buyers with ad data and no orders: nothing of their role's KPIs can be scored,
    so the scorecard's scores are all empty; the command says so instead of a bare 'Wrote'."""
    tmp_path, plan = ad_buyers_without_orders
    r = _run("score", "online", "--data", tmp_path, "--params", plan, "--period", "2026-10",
             "--out", tmp_path / "s.csv")
    assert r.exit_code == 0, r.output
    assert "注意：2 人没有得分：其岗位的考核指标在这份数据中都无法计分（「客户获取成本」：数据中缺少「订单」表；" in r.output
    assert r.output.rstrip().endswith("Wrote the scorecard of 2 people to " + str(tmp_path / "s.csv"))


def test_score_pays_a_mid_month_hire_for_the_days_employed_and_says_so(telesales_dir, tmp_path):
    """Hired on 2026-10-15: 17 of October's 31 days of the base pay, and the command names
    the person, in the plan's language as its other notices."""
    data = tmp_path / "data"
    data.mkdir()
    for f in telesales_dir.iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    emp = pd.read_csv(data / "employees.csv", dtype=str)
    emp.loc[emp["employee_id"] == "E0002", "hire_date"] = "2026-10-15"
    emp.to_csv(data / "employees.csv", index=False)
    assert emp.loc[emp["employee_id"] == "E0002", "base_pay"].tolist() == ["4900"]
    r = _run("score", "telesales", "--data", data, "--period", "2026-10", "--out", tmp_path / "s.csv")
    assert r.exit_code == 0, r.output
    card = pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig", dtype={"工号": str}).set_index("工号")
    assert card.loc["E0002", "基本工资（元）"] == 2_687.10  # 4 900 x 17/31 = 2 687.097
    name = card.loc["E0002", "姓名"]  # (the notice names the person, as the scorecard does)
    assert (f"提示：1 人的基本工资和绩效工资按在职天数折算（依入职日期和离职日期，本期共 31 天）：{name}（在职 17 天）。"
            in r.output)
    assert "pro-rated" not in r.output  # not said again in English


def test_validate_with_a_plan_fails_a_role_none_of_whose_kpis_the_data_give(tmp_path):
    """Web traffic and no orders, service tickets or activities: every KPI the online plan
    weighs for 客服 (customer service) is missing, so `score` would score nobody in that role;
    validate says so, naming the role, each KPI and what it needs, and what to do."""
    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame({"工号": ["e1", "e2"], "姓名": ["Ann", "Bob"], "团队": ["A", "A"],
                  "岗位": ["客服", "推广"]}).to_csv(data / "employees.csv", index=False)
    pd.DataFrame({"date": ["2026-10-01", "2026-10-02"], "channel": ["web", "web"], "employee_id": ["e1", "e2"],
                  "sessions": [100, 80], "inquiries": [10, 8]}).to_csv(data / "traffic.csv", index=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: online\nincentives: {commission: null, over_target: null, awards: null}\n",
                    encoding="utf-8")
    r = _run("validate", "--language", "en", data, "--params", plan, "--period", "2026-10")
    assert r.exit_code == 1, r.output
    assert r.output.strip().splitlines()[-1].startswith("NOT OK: 1 error(s), 5 warning(s)")
    line = next(n for n, text in enumerate((PARAMS_DIR / "online.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("ad_buyer:"))  # (4 roles nobody holds, named at the extended file's key)
    assert f"scoring.roles.ad_buyer (online.yaml, line {line}): nobody in employees.role has the role" in r.output
    line = next(s for s in r.output.splitlines() if "客服" in s)
    assert line.startswith("    - column 'role': role 客服 (customer_service; 1 person: Ann): none of the KPIs "
                           "the plan weighs for it can be computed from these data"), line
    assert "inquiry_conversion needs table 'orders'" in line and "csat needs table 'service'" in line
    assert "training_pass_rate needs table 'activities'" in line
    assert "Fix: add what they need to the data, or weigh KPIs these data give in " \
           "scoring.roles.customer_service.weights: sessions" in line
    # promotion is scored on its sessions, which is a warning: 75 % of its weight is on what the data lack
    [line] = [s for s in r.output.splitlines() if "推广" in s]
    assert line.startswith("    - column 'role': role 推广 (promotion; 1 person: Bob): 75% of the weight the plan "
                           "gives it is on KPIs these data cannot give (conversion_rate needs table 'orders'; "), line
    assert "so its score would rest on sessions alone. Fix: add what they need to the data" in line
    heads = [s for s in r.output.split(line)[0].splitlines() if s.strip().endswith(("error(s):", "warning(s):"))]
    assert heads[-1].strip().endswith("warning(s):")  # (under the file's warnings, not its errors)
    zh = _run("validate", "--language", "zh", data, "--params", plan, "--period", "2026-10").output
    assert "「咨询转化率」：缺少「订单」表；" in zh and "table '" not in zh  # (the data's lacks in Chinese too)
    # with Ann in promotion too, the same data validate
    pd.DataFrame({"工号": ["e1", "e2"], "姓名": ["Ann", "Bob"], "团队": ["A", "A"],
                  "岗位": ["推广", "推广"]}).to_csv(data / "employees.csv", index=False)
    r = _run("validate", "--language", "en", data, "--params", plan, "--period", "2026-10")
    assert r.exit_code == 0, r.output


def test_validate_reads_the_kpis_as_the_plan_counts_revenue(tmp_path):
    """A manager weighed on team revenue alone, in a plan that counts money received, with
    orders that carry no payments: team revenue cannot be computed (it is not 0), so
    validate fails the role as `score` would leave it unscored; counted as ordered, the
    same data validate."""
    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame({"employee_id": ["m1", "e1"], "name": ["Mia", "Eve"], "team": ["A", "A"],
                  "role": ["manager", "rep"], "manager_id": [None, "m1"]}).to_csv(data / "employees.csv", index=False)
    pd.DataFrame({"order_id": ["o1", "o2"], "employee_id": ["e1", "e1"], "customer_id": ["c1", "c2"],
                  "order_date": ["2026-10-01", "2026-10-02"], "amount": [100, 200]}).to_csv(
        data / "orders.csv", index=False)
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: direct\nkpi_options: {revenue_basis: received}\n"
                    "scoring:\n  roles: {manager: {weights: {team_revenue: 1.0}}, rep: {weights: {orders: 1.0}}}\n"
                    "incentives: {commission: {basis: ordered}, awards: null}\n", encoding="utf-8")
    r = _run("validate", "--language", "en", data, "--params", plan, "--period", "2026-10")
    assert r.exit_code == 1, r.output
    line = next(s for s in r.output.splitlines() if "none of the KPIs" in s)
    assert "role 经理 (manager; 1 person: Mia)" in line
    assert "team_revenue needs column(s) paid_amount, paid_date of 'orders' (revenue_basis: received)" in line
    plan.write_text(plan.read_text(encoding="utf-8").replace("received}", "ordered}"), encoding="utf-8")
    r = _run("validate", "--language", "en", data, "--params", plan, "--period", "2026-10")
    assert "none of the KPIs" not in r.output, r.output


def test_kpis_include_the_kpis_the_plan_weighs_outside_the_default_set(tmp_path):
    """A call centre weighing first-contact resolution (not in telesales' default set) got a
    KPI table without it, while score ranked people on it."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "employees.csv").write_text(
        "employee_id,name,team,role\nE1,Ann,T,agent\nE2,Bob,T,agent\n", encoding="utf-8")
    (data / "calls.csv").write_text(
        "call_id,employee_id,started_at,duration_s,connected\n"
        "C1,E1,2026-10-02,90,Y\nC2,E2,2026-10-03,120,Y\n", encoding="utf-8")
    (data / "service.csv").write_text(
        "ticket_id,employee_id,opened_at,resolved_at,satisfaction,is_complaint,first_contact_resolved\n"
        "S1,E1,2026-10-02,,4,N,Y\nS2,E1,2026-10-05,,5,N,Y\nS3,E1,2026-10-09,,3,N,N\n"
        "S4,E2,2026-10-03,,2,N,N\n", encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: {PARAMS_DIR / 'telesales.yaml'}\nscoring:\n  roles:\n    agent:\n"
                    "      weights: {calls: 0.5, fcr_rate: 0.5}\n", encoding="utf-8")
    out = tmp_path / "kpis.csv"
    r = _run("kpis", "telesales", "--data", data, "--params", plan, "--period", "2026-10", "--out", out)
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, encoding="utf-8-sig").set_index("employee_id")
    # E1: 2 of 3 tickets resolved at first contact; E2: 0 of 1
    assert df.loc["E1", "fcr_rate"] == pytest.approx(2 / 3)
    assert df.loc["E2", "fcr_rate"] == 0


def test_one_person_is_written_in_the_singular(tmp_path):
    """A KPI table or scorecard of one person says "1 row", "1 person", not "1 rows", "1 people"."""
    (tmp_path / "employees.csv").write_text("employee_id,name,team,role\nE1,Ann,T1,agent\n", encoding="utf-8")
    (tmp_path / "calls.csv").write_text("call_id,employee_id,started_at,duration_s,connected\n"
                                        "K1,E1,2026-10-02 10:00,90,yes\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text("order_id,employee_id,customer_id,order_date,amount\n"
                                         "O1,E1,C1,2026-10-02,500\n", encoding="utf-8")
    r = _run("kpis", "telesales", "--data", tmp_path, "--period", "2026-10", "--out", tmp_path / "k.csv")
    assert r.exit_code == 0, r.output
    assert r.output.rstrip().endswith(" KPIs to " + str(tmp_path / "k.csv")) and "Wrote 1 row x " in r.output
    s = _run("score", "telesales", "--data", tmp_path, "--period", "2026-10", "--out", tmp_path / "s.csv")
    assert s.exit_code == 0, s.output
    assert s.output.rstrip().endswith("Wrote the scorecard of 1 person to " + str(tmp_path / "s.csv"))


def test_the_command_line_checks_notebooks_without_compiling_the_iri_grammar():
    """jsonschema imports rfc3987_syntax whenever it is installed, which compiles an IRI
    grammar for 2-3 s; a process of the command line imports Papermill and nbformat
    without it, and nbformat still checks a notebook (a cell without its source is refused)."""
    import subprocess
    import sys

    code = """
import sys
from click.testing import CliRunner
from salesperf_kit.cli import main
assert CliRunner().invoke(main, ["sample", "--help"]).exit_code == 0
import nbformat, papermill
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)
nb.cells[0].pop("source")
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    print("refused", sys.modules["rfc3987_syntax"])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "refused None"


@pytest.fixture(scope="module")
def canonical_kpis(telesales_dir, tmp_path_factory):
    """`kpis` of telesales_dir for --period 2026-10 (the period written as the kit writes it)."""
    canonical = tmp_path_factory.mktemp("canonical") / "canonical.csv"
    r = _run("kpis", "telesales", "--data", telesales_dir, "--period", "2026-10", "--out", canonical)
    assert r.exit_code == 0, r.output
    return canonical


@pytest.mark.parametrize("written", ["2026年10月", "2026/10", "202610"])
def test_a_period_written_as_people_write_it_gives_the_same_kpis(telesales_dir, canonical_kpis, tmp_path, written):
    """``--period 2026年10月`` was refused ("not understood"), though the kit reads that very
    form in a targets sheet's period column."""
    out = tmp_path / "written.csv"
    r = _run("kpis", "telesales", "--data", telesales_dir, "--period", written, "--out", out)
    assert r.exit_code == 0, r.output
    pd.testing.assert_frame_equal(pd.read_csv(out, encoding="utf-8-sig"),
                                  pd.read_csv(canonical_kpis, encoding="utf-8-sig"))


def test_run_all_rerun_skips_the_reports_already_written_and_exits_0(tmp_path):
    """Cron reruns a period after one client's file was fixed: the reports already written
    are left as they are and listed as such, not counted as failures (an exit code of 1
    would mail the operator a failure every time, and --force would redo reports that may
    have gone out already)."""
    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    (tmp_path / "exports").mkdir()
    (pdir / "clients" / "acme.yaml").write_text(
        "extends: telesales\ndata: {path: ../../exports}\nreport: {client: acme}\n", encoding="utf-8")
    done = tmp_path / "reports" / "2026-10" / "acme" / "telesales"
    done.mkdir(parents=True)
    (done / "report.html").write_text("<p>sent to the client</p>", encoding="utf-8")
    r = _run("run-all", "--period", "2026-10", "--params-dir", pdir, "--reports-dir", tmp_path / "reports")
    assert r.exit_code == 0, r.output
    assert "FAILED" not in r.output
    assert "exists telesales  acme" in r.output and "already written, left as it is (--force replaces it)" in r.output
    assert r.output.strip().endswith("0 succeeded, 0 failed, 1 skipped (already written: --force replaces them)")
    assert (done / "report.html").read_text(encoding="utf-8") == "<p>sent to the client</p>"


def test_run_all_with_nothing_to_run_says_what_it_found_and_exits_1(tmp_path):
    """Client files put at the top of --params-dir (not in clients/) were not run, and the
    batch said "0 succeeded, 0 failed" and exited 0: under cron, a silent no-op."""
    pdir = tmp_path / "pdir"
    pdir.mkdir()
    for name in ("maven.yaml", "pwc.yaml"):
        (pdir / name).write_text("extends: direct\nreport: {client: x}\n", encoding="utf-8")
    r = _run("run-all", "--period", "2026-10", "--params-dir", pdir, "--reports-dir", tmp_path / "reports")
    assert r.exit_code == 1, r.output
    assert r.output == (
        f"Error: nothing to run in {pdir}: no business plan (online.yaml, telesales.yaml, ecommerce.yaml, "
        "direct.yaml) and no client file (clients/*.yaml) found. It holds YAML files that are neither: maven.yaml, "
        f"pwc.yaml, so they were not run. A client file (one with extends:) goes in {pdir / 'clients'}/ with the "
        f"extension .yaml; a business plan sits in {pdir}/ named after its business type (online.yaml, "
        "telesales.yaml, ecommerce.yaml, direct.yaml).\n")
    empty = tmp_path / "empty"
    (empty / "clients").mkdir(parents=True)
    r = _run("run-all", "--period", "2026-10", "--params-dir", empty, "--reports-dir", tmp_path / "reports")
    assert r.exit_code == 1 and r.output.startswith(f"Error: nothing to run in {empty}: no business plan")
    assert "neither" not in r.output and not (tmp_path / "reports").exists()


def test_run_all_names_the_files_it_does_not_run_beside_those_it_runs(tmp_path):
    """A stray client file at the top and a .yml client file are named (a shared base that
    a client file extends is not); the batch goes on with what it can run."""
    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    (tmp_path / "exports").mkdir()
    (pdir / "base.yaml").write_text("extends: telesales\n", encoding="utf-8")
    (pdir / "stray.yaml").write_text("extends: telesales\nreport: {client: stray}\n", encoding="utf-8")
    (pdir / "clients" / "acme.yaml").write_text(
        "extends: ../base.yaml\ndata: {path: ../../exports}\nreport: {client: acme}\n", encoding="utf-8")
    (pdir / "clients" / "beta.yml").write_text("extends: ../base.yaml\nreport: {client: beta}\n", encoding="utf-8")
    done = tmp_path / "reports" / "2026-10" / "acme" / "telesales"
    done.mkdir(parents=True)
    (done / "report.html").write_text("<p>sent</p>", encoding="utf-8")
    r = _run("run-all", "--period", "2026-10", "--params-dir", pdir, "--reports-dir", tmp_path / "reports")
    assert r.exit_code == 0, r.output
    assert (f"Warning: 2 YAML file(s) in {pdir} were not run: stray.yaml, clients/beta.yml. A client file (one with "
            f"extends:) goes in {pdir / 'clients'}/ with the extension .yaml") in r.output
    assert "base.yaml" not in r.output
    assert r.output.strip().endswith("0 succeeded, 0 failed, 1 skipped (already written: --force replaces them)")


def test_an_english_report_of_a_shipped_plan_goes_to_the_plan_s_client_folder(tmp_path, telesales_dir):
    """The shipped plans name the client per language ({zh: 演示客户, en: Demo client}): the
    title of an English report says Demo client, and its folder stays beside the Chinese
    report's, under 演示客户 (a report already there says where)."""
    done = tmp_path / "reports" / "2026-10" / "演示客户" / "telesales-en"
    done.mkdir(parents=True)
    r = _run("run", "telesales", "--params", PARAMS_DIR / "telesales.yaml", "--data", telesales_dir, "--period",
             "2026-10", "--language", "en", "--reports-dir", tmp_path / "reports")
    assert r.exit_code == 1 and f"A report already exists at {done}. Rerun with --force" in r.output


def test_a_failed_report_of_a_chinese_plan_says_why_in_chinese(tmp_path, telesales_dir):
    """The data have no record in 2030-01: the notebook's error, and the run's own words
    around it, are in the plan's language (the shipped plans' is Chinese)."""
    r = _run("run", "telesales", "--params", PARAMS_DIR / "telesales.yaml", "--data", telesales_dir, "--period",
             "2030-01", "--reports-dir", tmp_path / "reports")
    assert r.exit_code == 1
    assert r.output.startswith("错误：电销报告（2030-01）失败：2030-01 没有任何记录：没有订单、通话、拜访、工单或行为的日期在 "
                               "2030-01"), r.output
    assert "失败的 notebook（已标出出错的单元格）保存在 " in r.output and "没有写入 " in r.output


def test_run_passes_as_of_to_say_the_export_is_complete(monkeypatch, tmp_path):
    """A complete export with no rows on the period's last days is stated with --as-of (the
    report then covers the whole period); without it the runner decides from the data."""
    import salesperf_kit.report as report
    from salesperf_kit.report import RunResult

    seen = []

    def fake_run_report(business, params_file, **kwargs):
        seen.append(kwargs.get("as_of"))
        return RunResult(business, "2017", "x", "ok", tmp_path, 0.1)

    monkeypatch.setattr(report, "run_report", fake_run_report)
    plan = PARAMS_DIR / "ecommerce.yaml"
    assert _run("run", "ecommerce", "--params", plan, "--period", "2017", "--as-of", "2017-12-31").exit_code == 0
    assert _run("run", "ecommerce", "--params", plan, "--period", "2017").exit_code == 0
    assert seen == ["2017-12-31", None]
    r = _run("run", "ecommerce", "--params", plan, "--period", "2017", "--as-of", "31/12/2017")
    assert r.exit_code == 2 and "--as-of" in r.output


def test_score_and_kpis_write_their_files_in_the_language_asked_for(telesales_dir, tmp_path):
    """`score` of a Chinese plan wrote 工号,姓名,… and 卓越/否 with no way to ask for English
    short of forking the plan; `kpis` now labels its columns and roles in a language when
    asked (and keeps the keys, for scripts, when not). The figures are the same in each."""
    calls = pd.read_csv(telesales_dir / "calls.csv", parse_dates=["started_at"])
    october = calls[(calls["started_at"] >= "2026-10-01") & (calls["started_at"] < "2026-11-01")]
    e1_calls = int((october["employee_id"] == "E0001").sum())  # counted by hand from the calls table
    files = {}
    for lang in ("en", "zh", None):
        for command in ("score", "kpis"):
            out = tmp_path / f"{command}_{lang}.csv"
            r = _run(command, "telesales", "--data", telesales_dir, "--period", "2026-10", "--out", out,
                     *(["--language", lang] if lang else []))
            assert r.exit_code == 0, r.output
            files[command, lang] = pd.read_csv(out, encoding="utf-8-sig", dtype={"晋升资格": str})
    en, zh = files["score", "en"], files["score", "zh"]
    assert list(en.columns[:8]) == ["Employee ID", "Name", "Team", "Role", "Score", "Rank", "Grade", "Grade label"]
    assert list(zh.columns[:8]) == ["工号", "姓名", "团队", "岗位", "得分", "排名", "等级", "等级说明"]
    assert set(en["Role"]) == {"Agent", "Team lead"} and set(zh["岗位"]) == {"坐席", "组长"}
    assert set(en["Grade label"]) <= {"Excellent", "Satisfactory", "Needs improvement"}
    assert set(en["Promotion eligible"].dropna()) <= {"Yes", "No"}
    assert en["Score"].tolist() == zh["得分"].tolist()
    assert files["score", None].columns[0] == "工号"  # (the plan's language, as before)
    en, zh, keys = files["kpis", "en"], files["kpis", "zh"], files["kpis", None]
    assert list(en.columns[:7]) == ["Employee ID", "Name", "Team", "Role", "Period", "Calls", "Connect rate"]
    assert list(zh.columns[:5]) == ["工号", "姓名", "团队", "岗位", "考核期"]
    assert list(keys.columns[:6]) == ["employee_id", "name", "team", "role", "period", "calls"]
    assert set(en["Role"]) == {"Agent", "Team lead"} and set(keys["role"]) == {"agent", "team_lead"}
    assert en.loc[en["Employee ID"] == "E0001", "Calls"].item() == e1_calls == \
        keys.loc[keys["employee_id"] == "E0001", "calls"].item()
    # (rtol: a sum over DuckDB's threads may differ in the last digits from one run to the next)
    pd.testing.assert_frame_equal(en.iloc[:, 5:], keys.iloc[:, 5:].set_axis(en.columns[5:], axis=1), rtol=1e-9)


def _bad_orders(telesales_dir, tmp_path):
    """The demo data with a Chinese date header, a month 13, a negative amount, a typo of a
    status and an unknown employee id."""
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in telesales_dir.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    orders = pd.read_csv(bad / "orders.csv", dtype=str).rename(columns={"order_date": "下单日期"})
    orders.loc[1, "下单日期"] = "2017年13月5日"
    orders.loc[3, "amount"] = "-5"
    orders.loc[4, "amount"] = "abc"
    orders.loc[7, "status"] = "lost"
    orders.loc[8, "employee_id"] = "E9999"
    orders.to_csv(bad / "orders.csv", index=False)
    return bad


def test_validate_speaks_the_plan_s_language(telesales_dir, tmp_path):
    """A consultant whose plan says language: zh read every finding of validate in English:
    where, what was wrong, what was found, the fix and the summary are now in Chinese, and
    --language en gives the English of before."""
    bad = _bad_orders(telesales_dir, tmp_path)
    plan = PARAMS_DIR / "telesales.yaml"  # (language: zh)
    r = _run("validate", bad, "--params", plan)
    assert r.exit_code == 1, r.output
    out = r.output
    assert "工作表" not in out  # (a CSV has no sheets)
    assert ("第 3 行「下单日期」列：「下单日期」（order_date）不是日期（实际为「2017年13月5日」）。修改方法：日期写成 "
            "2026-10-01、2026/10/01、2026-10-01 13:05 或 2026年10月1日") in out
    assert "第 5 行「amount」列：「amount」低于最小值 0（实际为「-5」）。修改方法：改正该值：amount 必须不小于 0" in out
    assert "第 6 行「amount」列：「amount」不是数字（实际为「abc」）。修改方法：写普通数字" in out
    assert "「status」不是允许的值：应为 completed, cancelled, refunded 之一（实际为「lost」）。修改方法：写其中之一" in out
    assert "employee_id「E9999」不是员工表中的工号。修改方法：把此人加入员工表，或改正工号" in out
    assert "  5 个错误：" in out
    assert out.rstrip().splitlines()[-1].startswith("未通过：5 个错误，")
    for english in ("row ", "Fix:", "found", "error(s)", "NOT OK", "is not"):
        assert english not in out, english
    r = _run("validate", bad, "--params", plan, "--language", "en")
    assert "row 3, column 'order_date': '下单日期' (order_date) is not a date (found '2017年13月5日'). Fix: write " \
           "dates like" in r.output
    assert r.output.rstrip().splitlines()[-1].startswith("NOT OK: 5 error(s), ")
    r = _run("validate", telesales_dir, "--language", "zh", "--period", "2022-03")  # (no plan: the option alone)
    assert "2022-03 没有任何记录" in r.output and "修改方法：选择数据覆盖的期间（--period）" in r.output
    assert _run("validate", bad).output.rstrip().splitlines()[-1].startswith("NOT OK")  # no plan: English


def test_validate_says_the_rest_of_a_kind_and_a_key_s_line_in_chinese(telesales_dir, tmp_path):
    """Beyond five findings of a kind, the rest are counted in Chinese; a finding at a key of
    the plan names its file and line as 第 N 行."""
    bad = _bad_orders(telesales_dir, tmp_path)
    orders = pd.read_csv(bad / "orders.csv", dtype=str)
    orders.loc[10:17, "amount"] = "abc"
    orders.to_csv(bad / "orders.csv", index=False)
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: telesales\nscoring:\n  roles:\n    director: {weights: {revenue: 1.0}}\n",
                    encoding="utf-8")
    out = _run("validate", bad, "--params", plan).output
    assert "……「amount」列还有 4 处同类问题（实际为「abc」×4；第 " in out, out
    assert "scoring.roles.director（acme.yaml 第 4 行）：员工表中没有岗位为「director」的人" in out, out
    assert "修改方法：" in out.split("scoring.roles.director（")[1].splitlines()[0]
def test_run_all_does_not_run_a_report_another_run_is_writing_and_exits_1(tmp_path):
    """A second cron job (or a run started by hand) on the same period: the report that the
    other run is writing is not run again, is listed as such with who holds its lock, and the
    batch exits 1, since it did not produce what it was asked for."""
    from salesperf_kit.report import _ReportLock

    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    (tmp_path / "exports").mkdir()
    (pdir / "clients" / "acme.yaml").write_text(
        "extends: telesales\ndata: {path: ../../exports}\nreport: {client: acme}\n", encoding="utf-8")
    reports = tmp_path / "reports"
    held = _ReportLock(reports, reports / "2026-10" / "acme" / "telesales")
    try:
        r = _run("run-all", "--period", "2026-10", "--params-dir", pdir, "--reports-dir", reports)
    finally:
        held.release()
    assert r.exit_code == 1, r.output
    assert "BUSY   telesales  acme" in r.output and "Another run is writing the report at " in r.output
    assert f"held by pid {os.getpid()} on " in r.output
    assert r.output.strip().endswith("0 succeeded, 0 failed, 1 not run (being written by another run)")
    assert not (reports / "2026-10").exists()


@pytest.mark.parametrize("command", [["run-all", "--period", "2026-10"], ["demo"]])
@pytest.mark.parametrize("jobs", ["0", "-3"])
def test_a_number_of_jobs_below_1_is_refused(monkeypatch, command, jobs):
    """--jobs 0 and --jobs -3 were taken silently (and ran one report at a time): a crontab
    line with a typo must say so rather than run something else than it says."""
    import salesperf_kit.demo as demo
    import salesperf_kit.report as report

    monkeypatch.setattr(report, "run_all", lambda *a, **k: pytest.fail("the batch ran"))
    monkeypatch.setattr(demo, "run_demo", lambda *a, **k: pytest.fail("the demo ran"))
    r = _run(*command, "--jobs", jobs)
    assert r.exit_code == 2, r.output
    assert f"Invalid value for '--jobs': {jobs} is not in the range x>=1." in r.output


def _batch(tmp_path, monkeypatch, statuses):
    """A params folder with a client file per status, and run_many replaced by one that
    gives each report that status: run-all's output without running a notebook."""
    from pathlib import Path

    import salesperf_kit.report as report
    from salesperf_kit.report import RunResult

    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    for status in statuses:
        (pdir / "clients" / f"{status}.yaml").write_text(
            f"extends: telesales\ndata: {{path: {tmp_path}}}\nreport: {{client: {status}}}\n", encoding="utf-8")
    errors = {"failed": "The telesales report for 2026-10 failed: no orders\nThe failed notebook is kept in x"}

    def run_many(todo, period, **kwargs):
        return [RunResult(b, period, Path(f).stem, Path(f).stem, Path(f"reports/{period}/{Path(f).stem}/{b}"), 1.0,
                          errors.get(Path(f).stem, "")) for b, f, _ in todo]

    monkeypatch.setattr(report, "run_many", run_many)
    monkeypatch.setattr(report, "last_complete_month", lambda: report.parse_period("2026-10"))
    return pdir


def test_run_all_logs_a_header_and_puts_what_needs_a_look_on_stderr(tmp_path, monkeypatch):
    """Under cron the log had no date and no period, and a failure sat on stdout among the ok
    lines: a crontab that mails stderr mailed nothing. The batch now starts with a header
    (local time, the period and that it is what 'previous' resolved to, how many reports),
    ok lines go to stdout, a failure and its details (and then the summary) to stderr."""
    import re

    pdir = _batch(tmp_path, monkeypatch, ["ok", "failed", "skipped"])
    r = _run("run-all", "--period", "previous", "--params-dir", pdir, "--jobs", "2")
    assert r.exit_code == 1, r.output
    out, err = r.stdout.splitlines(), r.stderr.splitlines()
    assert re.fullmatch(r"salesperf run-all \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}: period 2026-10 "
                        r"\(--period previous: the last complete month\), 3 reports, 2 at a time", out[0]), out[0]
    assert [line[:22] for line in out[1:]] == ["ok     telesales  ok  ", "exists telesales  skip"]
    assert err == ["FAILED telesales  failed              1.0 s  The telesales report for 2026-10 failed: no orders",
                   "       The failed notebook is kept in x",
                   "1 succeeded, 1 failed, 1 skipped (already written: --force replaces them)"]


def test_run_all_quiet_says_only_what_needs_a_look(tmp_path, monkeypatch):
    """--quiet: nothing at all when every report is done (cron then mails nothing); when one
    fails, the header, the failure and the summary, on stderr."""
    pdir = _batch(tmp_path, monkeypatch, ["ok", "skipped"])
    r = _run("run-all", "--period", "2026-10", "--params-dir", pdir, "--quiet")
    assert r.exit_code == 0 and r.output == ""
    pdir = _batch(tmp_path / "again", monkeypatch, ["ok", "failed"])
    r = _run("run-all", "--period", "2026-10", "--params-dir", pdir, "--quiet")
    assert r.exit_code == 1 and r.stdout == ""
    header, *rest = r.stderr.splitlines()
    assert header.startswith("salesperf run-all ") and header.endswith(": period 2026-10, 2 reports")
    assert [line[:13] for line in rest] == ["FAILED telesa", "       The fa", "1 succeeded, "]


def test_run_and_run_all_pass_strict_on(tmp_path, monkeypatch):
    import salesperf_kit.report as report
    from salesperf_kit.report import RunResult

    seen = []
    monkeypatch.setattr(report, "run_report", lambda *a, **k: seen.append(("run", k["strict"])) or
                        RunResult("ecommerce", "2017", "x", "ok", tmp_path, 0.1))
    monkeypatch.setattr(report, "run_all", lambda *a, **k: seen.append(("run-all", k["strict"])) or [])
    plan = PARAMS_DIR / "ecommerce.yaml"
    assert _run("run", "ecommerce", "--params", plan, "--period", "2017", "--strict").exit_code == 0
    assert _run("run", "ecommerce", "--params", plan, "--period", "2017").exit_code == 0
    assert _run("run-all", "--period", "2017", "--strict").exit_code == 0
    assert seen == [("run", True), ("run", False), ("run-all", True)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_verbose_logs_each_report_s_start_and_end_with_the_time(tmp_path, jobs):
    """-v set the root logger to INFO, but nothing logged a report's progress (and the worker
    processes of --jobs 2 had no logging set up at all): a hung cron batch showed nothing of
    where it was. Each report's start and end are now logged to stderr, with the time."""
    import re
    import subprocess
    import sys

    pdir = tmp_path / "params"
    (pdir / "clients").mkdir(parents=True)
    for client in ("acme", "beta"):
        (pdir / "clients" / f"{client}.yaml").write_text(
            f"extends: telesales\ndata: {{path: {tmp_path}}}\nreport: {{client: {client}}}\n", encoding="utf-8")
        (tmp_path / "reports" / "2026-10" / client / "telesales").mkdir(parents=True)
    r = subprocess.run([sys.executable, "-m", "salesperf_kit.cli", "-v", "run-all", "--period", "2026-10", "--jobs", jobs,
                        "--params-dir", pdir, "--reports-dir", tmp_path / "reports"],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stderr
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO "
    for client in ("acme", "beta"):
        assert re.search(stamp + f"telesales report of {client}.yaml for 2026-10: started", r.stderr), r.stderr
        assert re.search(stamp + f"telesales report of {client} for 2026-10: skipped in ", r.stderr), r.stderr
    assert "papermill" not in r.stderr.lower()


def test_validate_params_dir_checks_every_plan_run_all_would_run(telesales_dir, tmp_path):
    """Under cron, a late export with no records in the period was found only inside the
    notebook once its kernel had started: validate --params-dir checks the month's batch,
    the plans run-all would run (not a file left at the top of the folder), each against
    its own data.path and the period."""
    clients = tmp_path / "production" / "clients"
    clients.mkdir(parents=True)
    (clients / "acme.yaml").write_text(f"extends: telesales\nreport: {{client: Acme, language: en}}\n"
                                       f"data: {{path: '{telesales_dir.as_posix()}'}}\n", encoding="utf-8")
    (clients / "beta.yaml").write_text("extends: telesales\nreport: {client: Beta, language: en}\n"
                                       "data: {path: exports}\n", encoding="utf-8")
    (tmp_path / "production" / "stray.yaml").write_text("extends: telesales\n", encoding="utf-8")
    r = _run("validate", "--params-dir", tmp_path / "production", "--period", "2026-10")
    assert r.exit_code == 1, r.output
    blocks = r.output.split("\n\n")
    assert blocks[0].startswith(f"== {clients / 'acme.yaml'} (telesales, client Acme)\nData: {telesales_dir}")
    assert "OK: 0 error(s)" in blocks[0]
    assert blocks[1].startswith(f"== {clients / 'beta.yaml'} (telesales, client Beta)\nNOT OK: ")
    assert "data.path (line 3) names" in blocks[1] and "Fix: point data.path" in blocks[1]
    assert "stray.yaml" not in r.output
    assert r.output.strip().splitlines()[-1] == ("2 plan(s) checked for 2026-10: 1 OK, 1 with errors. Fix the plans "
                                                 "or exports above before run-all runs them.")
    (clients / "beta.yaml").unlink()
    assert _run("validate", "--params-dir", tmp_path / "production", "--period", "2026-10").exit_code == 0
    late = _run("validate", "--params-dir", tmp_path / "production", "--period", "2022-03")
    assert late.exit_code == 1 and "No records in 2022-03" in late.output, late.output
    both = _run("validate", telesales_dir, "--params-dir", tmp_path / "production")
    assert both.exit_code == 2 and "not both" in both.output


def test_validate_params_dir_speaks_each_plan_s_language(tmp_path):
    """validate --params-dir headed a Chinese plan's block '== … (telesales, client 演示客户)'
    and 'Data: the embedded demo data of telesales' above its Chinese findings, and ended in
    English: each block speaks its plan's language, as validate --params does, the summary
    the plans' language when they share one, and --language overrides both."""
    pdir = tmp_path / "production"
    (pdir / "clients").mkdir(parents=True)
    (pdir / "telesales.yaml").write_text("extends: telesales\ndata: {path: demo}\n", encoding="utf-8")
    (pdir / "clients" / "beta.yaml").write_text("extends: direct\nreport: {client: Beta}\ndata: {path: exports}\n",
                                                encoding="utf-8")
    r = _run("validate", "--params-dir", pdir, "--period", "2026-10")
    assert r.exit_code == 1, r.output
    blocks = r.output.split("\n\n")
    assert blocks[0].startswith(f"== {pdir / 'telesales.yaml'}（电销，客户：演示客户）\n数据：电销的内置演示数据\n通过：")
    assert blocks[1].startswith(f"== {pdir / 'clients' / 'beta.yaml'}（直销，客户：Beta）\n未通过：")
    assert r.output.strip().splitlines()[-1] == "已检查 2 个方案（2026-10）：1 个通过，1 个有错误。请在 run-all 运行之前修正上面的方案或导出数据。"
    r = _run("validate", "--params-dir", pdir, "--period", "2026-10", "--language", "en")
    blocks = r.output.split("\n\n")
    assert blocks[0].startswith(f"== {pdir / 'telesales.yaml'} (telesales, client 演示客户)\n"
                                "Data: the embedded demo data of telesales\nOK: ")
    assert blocks[1].startswith(f"== {pdir / 'clients' / 'beta.yaml'} (direct, client Beta)\nNOT OK: ")
    assert r.output.strip().splitlines()[-1] == ("2 plan(s) checked for 2026-10: 1 OK, 1 with errors. Fix the plans "
                                                 "or exports above before run-all runs them.")
    (pdir / "clients" / "beta.yaml").unlink()
    r = _run("validate", "--params-dir", pdir)
    assert r.exit_code == 0 and r.output.strip().splitlines()[-1] == "已检查 1 个方案：1 个通过，0 个有错误。", r.output


def test_validate_params_dir_with_nothing_to_run_says_so_as_run_all_does(tmp_path):
    (tmp_path / "acme.yaml").write_text("extends: telesales\n", encoding="utf-8")
    r = _run("validate", "--params-dir", tmp_path)
    assert r.exit_code == 1 and f"nothing to run in {tmp_path}" in r.output and "acme.yaml" in r.output, r.output


def test_validate_and_score_warn_of_example_pay_a_plan_in_dollars_inherits(telesales_dir, tmp_path):
    """A client paid in USD that restates all its pay but the team award inherits the shipped
    plan's example of 3,000 yuan, which would be paid as 3,000 dollars: validate --params lists
    it among the plan's warnings, and score says it with the run's notices."""
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: telesales\nlanguage: en\nreport: {client: Acme, currency: USD}\n"
                    "incentives: {base_pay: {default: 3000, team_lead: 4000}, performance_pay: {default: 500, "
                    "team_lead: 800}, commission: {cap: 9000, tiers: [{above: 0, rate: 0.02}]}, team_pool: "
                    "{amount: 2000}, awards: {sales_champion: 700}}\nscenarios: {scenarios: {提成上调: null}}\n",
                    encoding="utf-8")
    line = next(n for n, text in enumerate((PARAMS_DIR / "telesales.yaml").read_text(encoding="utf-8").splitlines(),
                                           1) if text.strip().startswith("awards:"))
    said = (f"report.currency (acme.yaml, line 3): incentives.awards.team_champion (3,000) comes from the shipped "
            f"plan params/telesales.yaml (line {line}), whose amounts are examples in CNY, while this plan pays in "
            "USD: it would be paid in USD as written. Fix: set it in acme.yaml, in USD, or remove with null what the "
            "client does not pay (an award, say)")
    r = _run("validate", telesales_dir, "--params", plan, "--period", "2026-10")
    assert r.exit_code == 0, r.output
    assert f"    - {said}" in r.output.splitlines()
    zh = _run("validate", telesales_dir, "--params", plan, "--period", "2026-10", "--language", "zh").output
    assert "incentives.awards.team_champion（3,000）来自内置方案 params/telesales.yaml" in zh
    r = _run("score", "telesales", "--params", plan, "--data", telesales_dir, "--period", "2026-10",
             "--out", tmp_path / "s.csv")
    assert r.exit_code == 0, r.output
    assert f"Notice: {said.replace(' (acme.yaml, line 3)', '')}" in r.output.splitlines()


def test_validate_fixes_kpis_that_lack_only_money_received_by_counting_orders(tmp_path):
    """A direct-sales export with order amounts and no payments: the plan counts money
    received, so the manager's team revenue cannot be computed and validate failed the role,
    its fix naming only columns to add or KPIs to weigh. The one-line change that gives it
    from these data, revenue counted as ordered (and the commission with it, as it pays on
    money received too), comes first; a role whose KPIs it would not give (the reps' money
    received) is not told so."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "employees.csv").write_text("employee_id,name,team,role,manager_id\nM1,Mia,East,manager,\n"
                                        "R1,Rob,East,rep,M1\nR2,Rae,East,rep,M1\n", encoding="utf-8")
    (data / "orders.csv").write_text("order_id,employee_id,customer_id,order_date,amount,status\n"
                                     "O1,R1,C1,2026-10-03,1200,completed\nO2,R2,C2,2026-10-05,800,completed\n"
                                     "O3,R1,C3,2026-10-09,500,completed\n", encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text("extends: direct\n", encoding="utf-8")
    r = _run("validate", "--language", "en", data, "--params", plan, "--period", "2026-10")
    assert r.exit_code == 1, r.output
    line = next(s for s in r.output.splitlines() if "none of the KPIs" in s)
    assert "role 经理 (manager; 1 person: Mia)" in line
    assert line.endswith(
        "Fix: set kpi_options: {revenue_basis: ordered} in the plan and incentives.commission.basis: ordered (the "
        "commission is paid on money received too): these data have the orders' amounts but no money received "
        "(paid_amount, paid_date), and counted as ordered they give team_revenue; otherwise add what they need to "
        "the data, or weigh KPIs these data give in scoring.roles.manager.weights: orders, aov, revenue_per_buyer, "
        "new_customers, new_customer_growth, repurchase_rate, returning_share, retention_rate, …"), line
    [rep] = [s for s in r.output.splitlines() if "role 直销员 (rep" in s]
    assert "revenue_basis: ordered" not in rep  # (ordered, it would still lack the money received it weighs)
    zh = _run("validate", "--language", "zh", data, "--params", plan, "--period", "2026-10").output
    line = next(s for s in zh.splitlines() if "岗位「经理」" in s)
    assert ("修改方法：在方案中写 kpi_options: {revenue_basis: ordered}，并写 incentives.commission.basis: ordered"
            "（提成同样按到账金额计算）：这份数据有订单金额，但没有到账金额（paid_amount、paid_date），按下单金额计算即可得到"
            "「团队业绩」；否则在数据中补上所需的表或列，或在 scoring.roles.manager.weights 中改用") in line, line
    # a commission already paid on orders is not named again; counted as ordered, the manager is scored
    plan.write_text("extends: direct\nincentives: {commission: {basis: ordered}}\n", encoding="utf-8")
    line = next(s for s in _run("validate", "--language", "en", data, "--params", plan).output.splitlines()
                if "none of the KPIs" in s)
    assert "Fix: set kpi_options: {revenue_basis: ordered} in the plan: these data have" in line, line
    plan.write_text("extends: direct\nkpi_options: {revenue_basis: ordered}\n"
                    "incentives: {commission: {basis: ordered}}\n", encoding="utf-8")
    assert "none of the KPIs" not in _run("validate", "--language", "en", data, "--params", plan).output
