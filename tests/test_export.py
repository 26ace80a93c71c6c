"""Client-safe tables: formula injection defused, labels, anonymised names."""
from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from salesperf_kit.export import anonymise, column_labels, defuse, write_table


def _table():
    return pd.DataFrame({"employee_id": ["E1", "E2", "E3"],
                         "name": ["=HYPERLINK(\"http://x\",\"hi\")", "+86 138", "张三"],
                         "team": ["@SUM(A1)", "-team", "华东"],
                         "score": [91.5, -3.0, 70.0], "conversion_rate": [0.12, 0.2, None]})


def test_defuse_prefixes_dangerous_text_only():
    out = defuse(_table())
    assert out["name"].tolist() == ["'=HYPERLINK(\"http://x\",\"hi\")", "'+86 138", "张三"]
    assert out["team"].tolist() == ["'@SUM(A1)", "'-team", "华东"]
    assert out["score"].tolist() == [91.5, -3.0, 70.0]  # numbers, even negative, stay numbers


def test_csv_has_no_live_formula_and_opens_in_excel_with_chinese(tmp_path):
    path = write_table(_table(), tmp_path / "s.csv", language="zh")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 Chinese correctly
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert list(back.columns) == ["工号", "姓名", "团队", "得分", "页面转化率"]
    assert back["姓名"].tolist() == ["'=HYPERLINK(\"http://x\",\"hi\")", "'+86 138", "张三"]
    assert back["团队"].tolist() == ["'@SUM(A1)", "'-team", "华东"]
    assert back["得分"].tolist() == ["91.5", "-3", "70"]


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    path = write_table(_table(), tmp_path / "s.xlsx", language="en")
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]][:4] == ["Employee ID", "Name", "Team", "Score"]
    cell = ws["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")  # shown as text, never run
    assert ws["D2"].value == 91.5 and ws["D2"].number_format == "0.00"
    assert ws["E2"].number_format == "0.0%"


def test_xlsx_shows_scores_and_points_with_the_decimals_given(tmp_path):
    """A score of 74.97139 read 75.0 (format 0.0) beside its grade C under B: 75; the
    scorecard shows scores with two decimals (74.97), or as many as it is given."""
    t = pd.DataFrame({"score": [74.97139], "kpi_points": [70.5], "revenue_points": [40.25], "grade": ["C"]})
    ws = load_workbook(write_table(t, tmp_path / "two.xlsx", language="en")).active
    assert [ws.cell(2, j).number_format for j in (1, 2, 3)] == ["0.00"] * 3
    ws = load_workbook(write_table(t, tmp_path / "three.xlsx", language="en", score_decimals=3)).active
    assert [ws.cell(2, j).number_format for j in (1, 2, 3)] == ["0.000"] * 3
    assert ws["A2"].value == 74.97139  # (the value itself, every digit)


def test_labels_for_kpis_and_points():
    labels = column_labels(["revenue", "revenue_points", "score", "mystery"], "zh")
    assert labels == {"revenue": "销售额", "revenue_points": "销售额 加权得分", "score": "得分", "mystery": "mystery"}
    # the payout columns read as in the report's payout table, in both languages
    assert column_labels(["target", "awards", "total"], "zh") == {"target": "销售目标", "awards": "奖项", "total": "应发合计"}
    assert column_labels(["target", "clawback"], "en") == {"target": "Target", "clawback": "Clawback"}


def test_labels_of_time_kpis_carry_their_unit():
    """A scorecard shows effective talk time in minutes next to average talk time in
    seconds: a header without the unit leaves 740.53 and 237.41 unreadable."""
    cols = ["effective_talk_minutes", "effective_talk_minutes_points", "avg_talk_seconds", "resolution_hours"]
    assert column_labels(cols, "zh") == {
        "effective_talk_minutes": "有效沟通时长（分钟）", "effective_talk_minutes_points": "有效沟通时长 加权得分",
        "avg_talk_seconds": "平均通话时长（秒）", "resolution_hours": "问题解决时长（小时）"}
    assert column_labels(cols[:3], "en") == {
        "effective_talk_minutes": "Effective talk time (minutes)",
        "effective_talk_minutes_points": "Effective talk time weighted points", "avg_talk_seconds": "Average talk time (seconds)"}


def test_labels_of_money_carry_the_plan_s_currency(tmp_path):
    """Given the plan's currency (report.currency), the columns of money say their unit: a
    client cannot tell 731,980 or 14,595.86 of what otherwise; without it nothing changes."""
    cols = ["revenue", "revenue_points", "aov", "calls", "effective_talk_minutes", "base_pay", "total", "target",
            "attainment", "payout_change", "score"]
    assert column_labels(cols, "zh", "元") == {
        "revenue": "销售额（元）", "revenue_points": "销售额 加权得分", "aov": "客单价（元）", "calls": "呼叫量",
        "effective_talk_minutes": "有效沟通时长（分钟）", "base_pay": "基本工资（元）", "total": "应发合计（元）",
        "target": "销售目标（元）", "attainment": "目标完成率", "payout_change": "薪酬变化（元）", "score": "得分"}
    assert column_labels(["revenue", "total", "ltv"], "en", "CNY") == {
        "revenue": "Revenue (CNY)", "total": "Total (CNY)", "ltv": "Customer lifetime value (CNY)"}
    # the scorecard's target (the pay's, of revenue) beside 销售额（元）: a client read 销售目标 with no unit
    assert column_labels(["revenue", "target"], "en", "CNY") == {"revenue": "Revenue (CNY)", "target": "Target (CNY)"}
    assert column_labels(["revenue", "total"], "zh") == {"revenue": "销售额", "total": "应发合计"}
    t = pd.DataFrame({"employee_id": ["E1"], "revenue": [731980.0], "total": [14595.86]})
    write_table(t, tmp_path / "s.csv", language="zh", currency="元")
    assert (tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines()[0] == "工号,销售额（元）,应发合计（元）"
    write_table(t, tmp_path / "s.xlsx", language="en", currency="CNY")
    ws = load_workbook(tmp_path / "s.xlsx").active
    assert [c.value for c in ws[1]] == ["Employee ID", "Revenue (CNY)", "Total (CNY)"]
    assert ws["C2"].number_format == "#,##0.00"


def test_anonymise_is_stable_per_salt_and_hides_names():
    t = _table()
    a, b = anonymise(t, salt="acme"), anonymise(t, salt="acme")
    c = anonymise(t, salt="other")
    assert a["name"].tolist() == b["name"].tolist()
    assert a["name"].tolist() != c["name"].tolist()
    assert not set(a["name"]) & set(t["name"])
    assert a["name"].str.startswith("成员").all() and a["name"].nunique() == 3


def test_csv_writes_ranks_and_counts_as_whole_numbers(tmp_path):
    t = pd.DataFrame({"employee_id": ["E1", "E2", "E3"], "rank": [1.0, 2.0, float("nan")],
                      "orders": [3.0, 0.0, 12.0], "revenue": [100.0, 1234567.891, 12.5],
                      "score": [74.99999999999999, 24.999999999999993, None]})
    back = pd.read_csv(write_table(t, tmp_path / "s.csv", language="en"), encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)
    assert back["Rank"].tolist() == ["1", "2", ""]
    assert back["Orders"].tolist() == ["3", "0", "12"]
    assert back["Revenue"].tolist() == ["100", "1234567.891", "12.5"]  # amounts keep their decimals
    assert back["Score"].tolist() == ["75", "25", ""]  # not the noise of binary arithmetic


def test_xlsx_shows_turnover_as_times_not_a_percentage(tmp_path):
    t = pd.DataFrame({"employee_id": ["E1"], "inventory_turnover": [4.721], "refund_rate": [0.05]})
    zh = load_workbook(write_table(t, tmp_path / "zh.xlsx", language="zh")).active
    en = load_workbook(write_table(t, tmp_path / "en.xlsx", language="en")).active
    assert (zh["B2"].value, zh["B2"].number_format) == (4.721, '0.00" 次"')
    assert en["B2"].number_format == '0.00"×"'
    assert zh["C2"].number_format == en["C2"].number_format == "0.0%"  # a share stays a percentage


def test_xlsx_whole_counts_show_no_trailing_decimal_point(tmp_path):
    """Excel shows 207 under the format #,##0.## as "207.": a scorecard's calls must read 207,
    and a KPI with decimals keeps two of them on every row (600.00 next to 621.30)."""
    t = pd.DataFrame({"employee_id": ["E1", "E2"], "calls": [207, 184],
                      "effective_talk_minutes": [621.3, 600.0], "csat": [3.417142857, 3.3]})
    ws = load_workbook(write_table(t, tmp_path / "s.xlsx", language="en")).active
    assert [ws.cell(2, j).number_format for j in (2, 3, 4)] == ["#,##0", "#,##0.00", "#,##0.00"]
    assert ws["C3"].number_format == "#,##0.00" and ws["C3"].value == 600.0



def test_a_target_file_shows_its_amounts_with_thousands_separators(tmp_path):
    """`salesperf targets --out targets.xlsx` wrote 24615 under Excel's General format."""
    t = pd.DataFrame({"period": ["2027-01", "2027-02"], "employee_id": ["E1", "E1"], "team": ["N", "N"],
                      "kpi": ["revenue", "revenue"], "target": [24615, 30000]})
    ws = load_workbook(write_table(t, tmp_path / "t.xlsx", language="en")).active
    assert (ws["E2"].value, ws["E2"].number_format) == (24615, "#,##0")
    t["target"] = [24615.5, 30000.0]
    ws = load_workbook(write_table(t, tmp_path / "t.xlsx", language="en")).active
    assert ws["E2"].number_format == "#,##0.00"

@pytest.mark.parametrize("language, yes, no", [("zh", "是", "否"), ("en", "Yes", "No")])
def test_a_true_false_column_reads_yes_or_no(tmp_path, language, yes, no):
    card = pd.DataFrame({"employee_id": ["E1", "E2"], "promotion_eligible": [True, False]})
    write_table(card, tmp_path / "card.xlsx", language=language)
    book = load_workbook(tmp_path / "card.xlsx")
    assert book.properties.creator == "salesperf"
    cells = [c.value for c in book.active["B"]]
    assert cells[1:] == [yes, no]
    write_table(card, tmp_path / "card.csv", language=language)
    assert pd.read_csv(tmp_path / "card.csv", encoding="utf-8-sig").iloc[:, 1].tolist() == [yes, no]
    write_table(card, tmp_path / "card.parquet")  # data for machines keep their booleans
    assert pd.read_parquet(tmp_path / "card.parquet")["promotion_eligible"].tolist() == [True, False]


def test_a_target_file_formats_each_target_as_its_kpi(tmp_path):
    """The Chinese targets workbook formatted its one target column #,##0.00, so a conversion
    target of 0.0378 read 0.04 and 32 orders 32.00: each row now follows its KPI, named by
    its key or its Chinese label (3.78%, 32, 24,735, a CAC of 8.39)."""
    t = pd.DataFrame({"期间": "2027-01", "工号": "E1", "团队": "N",
                      "指标": ["页面转化率", "orders", "销售额", "客户获取成本", "客户获取成本"],
                      "目标": [0.0378, 32, 24735, 8.39, 50]})
    raw = t.rename(columns={"期间": "period", "工号": "employee_id", "团队": "team", "指标": "kpi", "目标": "target"})
    ws = load_workbook(write_table(raw, tmp_path / "t.xlsx", labels=False,
                                   headers=dict(zip(raw.columns, t.columns)))).active
    assert [(ws.cell(r, 5).value, ws.cell(r, 5).number_format) for r in range(2, 7)] == [
        (0.0378, "0.00%"), (32, "#,##0"), (24735, "#,##0"), (8.39, "#,##0.00"), (50, "#,##0")]


def test_pseudonyms_are_keyed_with_a_secret_not_only_the_client_name(tmp_path, monkeypatch):
    import hashlib

    from salesperf_kit.export import PSEUDONYM_KEY_ENV, _key_in, pseudonyms

    # the client's name is on the report's cover: a pseudonym computed from it and the id
    # alone can be reversed by anyone who knows how the ids look
    unkeyed = hashlib.sha256("志达直销|E0007".encode()).hexdigest()[:6].upper()
    assert pseudonyms(["E0007"], salt="志达直销")["E0007"] != "成员" + unkeyed
    # without the variable: a key file made on first use, readable by its owner only,
    # and the same pseudonyms from it every time
    monkeypatch.delenv(PSEUDONYM_KEY_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    first = pseudonyms(["E0007", "E0008"], salt="志达直销")
    key_file = tmp_path / "salesperf" / "pseudonym.key"
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(key_file.read_text().strip()) == 64
    _key_in.cache_clear()
    assert pseudonyms(["E0007", "E0008"], salt="志达直销") == first
    assert len(set(first.values())) == 2
    # another machine's key gives other pseudonyms
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "another key")
    assert pseudonyms(["E0007"], salt="志达直销")["E0007"] != first["E0007"]


def test_a_team_named_after_a_person_is_anonymised_too():
    from salesperf_kit.export import anonymise_teams, pseudonyms

    employees = pd.DataFrame({"employee_id": ["E1", "E2", "E3", "E4"],
                              "name": ["Rocco Neubert", "Anna Snelling", "张伟", "Li Na"],
                              "team": ["Rocco Neubert", "Rocco Neubert", "张伟组", "华东一组"]})
    targets = pd.DataFrame({"period": ["2026-10"] * 2, "team": ["张伟组", "华东一组"], "target": [1.0, 2.0]})
    out = anonymise_teams({"employees": employees, "targets": targets, "orders": None}, salt="acme", language="en")
    teams = out["employees"]["team"].tolist()
    # Rocco's team and 张伟's team name a person: pseudonyms, stable within the report;
    # 华东一组 names nobody and stays
    assert teams[0] == teams[1] and teams[0].startswith("Team ") and len(teams[0]) == len("Team ") + 6
    assert teams[2].startswith("Team ") and teams[2] != teams[0] and teams[3] == "华东一组"
    assert out["targets"]["team"].tolist() == [teams[2], "华东一组"]  # the same in every table
    assert out["orders"] is None
    # a team pseudonym is not a person's pseudonym
    assert teams[0].removeprefix("Team ") not in {p.removeprefix("Member ") for p in
                                                   pseudonyms(["E1", "E2"], salt="acme", language="en").values()}


def test_a_column_of_chinese_names_is_wide_enough_for_them(tmp_path):
    """The e-commerce scorecard's Team column was 8 wide, cutting 微信小店一组 (six Chinese
    characters, twelve widths) short: a Chinese character counts two."""
    import openpyxl

    from salesperf_kit.export import write_table

    path = tmp_path / "card.xlsx"
    write_table(pd.DataFrame({"team": ["微信小店一组", "天猫一组"], "score": [1.0, 2.0]}), path, language="en")
    ws = openpyxl.load_workbook(path).active
    assert ws.column_dimensions["A"].width == 6 * 2 + 2
    assert ws.column_dimensions["B"].width == 8  # ("Score" and its values: the least width)
