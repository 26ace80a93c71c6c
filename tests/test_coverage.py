"""Periods the data cover: no records means no scorecard, not a scorecard of zeros."""
from types import SimpleNamespace

import pandas as pd
import pytest

from salesperf_kit.coverage import date_spans, has_records, records_in, require_records
from salesperf_kit.exceptions import SalesperfError
from salesperf_kit.params import load_params
from salesperf_kit.sample import make_sample
from salesperf_kit.scoring import earlier_grades, grade_order, promotion_eligible, scorecard


@pytest.fixture
def tables():
    return {"orders": pd.DataFrame({"order_date": pd.to_datetime(["2017-06-02 00:00", "2017-06-30 23:59", "2017-08-01 00:00"])}),
            "calls": pd.DataFrame({"started_at": pd.to_datetime(["2017-07-15"])}),
            "kpi_sheet": pd.DataFrame({"period": ["2017-09", "2017-Q4"]})}


def test_records_per_table(tables):
    assert records_in(tables, "2017-06") == {"orders": 2, "calls": 0, "kpi_sheet": 0}
    assert records_in(tables, "2017-Q3") == {"orders": 1, "calls": 1, "kpi_sheet": 1}
    assert records_in(tables, "2017") == {"orders": 3, "calls": 1, "kpi_sheet": 2}
    assert has_records(tables, "2017-07") and not has_records(tables, "2017-05")
    assert not has_records({}, "2017-06")


def test_parquet_left_on_disk_is_counted_too(tmp_path, tables):
    path = tmp_path / "orders.parquet"
    tables["orders"].to_parquet(path)
    lazy = SimpleNamespace(tables={}, lazy={"orders": path})
    assert records_in(lazy, "2017-06") == {"orders": 2}
    assert date_spans(lazy) == {"orders": (pd.Timestamp("2017-06-02"), pd.Timestamp("2017-08-01"))}


def test_a_period_without_records_is_refused_naming_what_the_data_cover(tables):
    with pytest.raises(SalesperfError) as err:
        require_records(tables, "2019-03", what="a report")
    text = str(err.value)
    assert "No records in 2019-03" in text and "a report" in text
    assert "orders 2017-06-02 to 2017-08-01; calls 2017-07-15 to 2017-07-15" in text
    assert "--period" in text
    require_records(tables, "2017-08")  # covered: no error


def test_a_period_a_kpi_sheet_does_not_cover_names_the_sheet_months():
    """A client's monthly sheet of April to September 2026, asked for October: the sheet's
    months are what the data cover, not "no dated rows at all"."""
    sheet = pd.DataFrame({"employee_id": ["E1"] * 3, "period": ["2026-09", "2026-04", "2026-07"],
                          "revenue": [1.0, 2.0, 3.0]})
    with pytest.raises(SalesperfError) as err:
        require_records({"kpi_sheet": sheet}, "2026-10", what="a report")
    note = err.value.args[0]
    assert "no order, call, visit, ticket, activity or KPI-sheet row is dated in 2026-10" in str(note)
    assert "The data cover: kpi_sheet 2026-04 to 2026-09." in str(note)
    assert "数据覆盖的日期：指标表 2026-04 至 2026-09。" in note.zh


@pytest.fixture(scope="module")
def demo():
    return make_sample("telesales", seed=3)


def test_scorecard_refuses_an_empty_period(demo):
    with pytest.raises(SalesperfError, match="No records in 2030-01"):
        scorecard(demo, load_params("telesales"), "2030-01")


def test_promotion_reads_as_many_earlier_periods_as_the_rule_needs(demo):
    params = load_params("telesales")
    params = params.model_copy(update={"scoring": params.scoring.model_copy(update={
        "promotion": params.scoring.promotion.model_copy(update={"consecutive": 3})})})
    history = earlier_grades(demo, params, "2026-10")
    assert sorted(history["period"].unique()) == ["2026-08", "2026-09"]
    card = scorecard(demo, params, "2026-10")
    # the same by hand: three periods scored one by one, then the rule
    grades = [history, card.table[["employee_id", "grade"]].assign(period="2026-10")]
    expected = promotion_eligible(pd.concat(grades, ignore_index=True), grade=params.scoring.promotion.grade,
                                  consecutive=3, order=grade_order(params.scoring.grading))
    got = card.table.set_index("employee_id")["promotion_eligible"]
    assert got.to_dict() == expected.reindex(got.index).fillna(False).to_dict()
    # the demo data begin in 2024-11: the walk back from 2024-12 stops there
    assert earlier_grades(demo, params, "2024-12")["period"].unique().tolist() == ["2024-11"]


@pytest.mark.parametrize("text, message", [
    ("2026-13", "The period '2026-13' is not understood: expected a month like 2026-10"),
    ("2026-Q5", "The period '2026-Q5' is not understood"),
    ("0000", "The period '0000' is not a year of sales data: expected a year from 1900 to 2999."),
    ("9999-12", "The period '9999-12' is not a year of sales data"),
])
def test_a_period_that_is_no_period_is_a_clear_error(text, message):
    from salesperf_kit.periods import parse_period

    with pytest.raises(SalesperfError) as err:
        parse_period(text)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("text, period", [
    ("2021年1月", "2021-01"), ("2021年01月", "2021-01"), ("2021/1", "2021-01"), ("202101", "2021-01"),
    ("Jan-2021", "2021-01"), ("2021年第一季度", "2021-Q1"), ("2021Q1", "2021-Q1"), ("2021年", "2021"),
    ("２０２１－０１", "2021-01"), (" 2021-Q3 ", "2021-Q3"),
])
def test_a_period_is_read_as_people_write_it(text, period):
    from salesperf_kit.periods import parse_period

    assert str(parse_period(text)) == period


@pytest.mark.parametrize("text, zh, en", [
    ("2026-10", "2026年10月", "October 2026"), ("2026-01", "2026年1月", "January 2026"),
    ("2026-Q3", "2026年第三季度", "Q3 2026"), ("2026-Q4", "2026年第四季度", "Q4 2026"), ("2026", "2026年", "2026")])
def test_a_period_is_named_as_a_reader_names_it(text, zh, en):
    from salesperf_kit.periods import parse_period

    p = parse_period(text)
    assert (p.label("zh"), p.label("en"), str(p)) == (zh, en, text)
    assert parse_period(zh) == p  # what the kit writes, it reads back


@pytest.mark.parametrize("text", ["2021年13月", "2021年第五季度", "202113", "Oct", "previous month"])
def test_a_written_period_that_is_no_period_is_still_an_error(text):
    from salesperf_kit.periods import parse_period, read_period

    assert read_period(text) is None
    with pytest.raises(SalesperfError, match="is not understood"):
        parse_period(text)


def test_the_data_as_they_stood_on_a_day():
    """--as-of 2026-10-20 on an export that goes on to the 21st. By hand:
    O1 (10-05, 100, completed) stays; O2 (10-20 23:59, 200) was refunded on 10-25, unknown
    on the 20th: completed; O3 (10-21 00:00, 400) is after the day: left out; O4 (10-10, 50)
    refunded on 10-15, known: still refunded. Valid sales as of the 20th: 100 + 200 = 300
    (the whole export: 100 + 400 = 500). Traffic: 1 of 2 days left out. The ticket opened
    on 10-19 and resolved on 10-22 is still open."""
    from salesperf_kit.coverage import as_it_stood_on
    from salesperf_kit.loaders import Dataset

    orders = pd.DataFrame({"order_id": ["O1", "O2", "O3", "O4"], "amount": [100.0, 200.0, 400.0, 50.0],
                           "order_date": pd.to_datetime(["2026-10-05 10:00", "2026-10-20 23:59", "2026-10-21 00:00",
                                                         "2026-10-10 10:00"]),
                           "status": ["completed", "refunded", "completed", "refunded"],
                           "refunded_at": pd.to_datetime([None, "2026-10-25", None, "2026-10-15"])})
    data = Dataset(tables={"orders": orders,
                           "traffic": pd.DataFrame({"date": pd.to_datetime(["2026-10-20", "2026-10-21"]),
                                                    "sessions": [10.0, 20.0]}),
                           "service": pd.DataFrame({"opened_at": pd.to_datetime(["2026-10-19"]),
                                                    "resolved_at": pd.to_datetime(["2026-10-22"])})},
                   sources={})
    assert orders.loc[orders["status"] == "completed", "amount"].sum() == 500.0
    cut, left = as_it_stood_on(data, "2026-10-20")
    o = cut.tables["orders"]
    assert o["order_id"].tolist() == ["O1", "O2", "O4"]
    assert o["status"].tolist() == ["completed", "completed", "refunded"]
    assert o.loc[o["status"] == "completed", "amount"].sum() == 300.0
    assert cut.tables["traffic"]["sessions"].tolist() == [10.0]
    assert cut.tables["service"]["resolved_at"].isna().all()
    assert left == {"orders": 1, "refunds_undone": 1, "traffic": 1}
    assert [w.text("zh") for w in cut.warnings] == [
        "订单中日期在 2026-10-20（--as-of）之后的 1 行未计入：报告按该日结束时的数据计算。",
        "截至 2026-10-20（--as-of）的订单中，1 笔在该日之后才退款的订单按成交计，与该日的情况一致。",
        "流量中日期在 2026-10-20（--as-of）之后的 1 行未计入：报告按该日结束时的数据计算。"]
    assert data.tables["orders"] is orders and len(orders) == 4  # (the loaded data are left as they are)
