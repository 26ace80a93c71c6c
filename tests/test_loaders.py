"""Reading clients' exports: formats, encodings, header mapping, parsing and reporting."""
from __future__ import annotations

import datetime as dt
import re
import struct
import sys

import openpyxl
import pandas as pd
import pytest

from salesperf_kit.aliases import (COLUMN_ALIASES, TABLE_ALIASES, VALUE_ALIASES, normalise,
                                   table_of_name)
from salesperf_kit.exceptions import DataContractError, SalesperfError
from salesperf_kit.loaders import Dataset, load_dataset, load_plan_data, validate_dataset
from salesperf_kit.params import PARAMS_DIR
from salesperf_kit.schemas import TABLES


# --- small named fixtures -------------------------------------------------------------

def _employees() -> pd.DataFrame:
    return pd.DataFrame({
        "employee_id": ["E1", "E2", "E3"],
        "name": ["王芳", "李雷", "Ann"],
        "team": ["A", "A", "B"],
        "role": ["agent", "agent", "lead"],
        "manager_id": ["E3", "E3", ""],
    })


def _orders() -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4"],
        "employee_id": ["E1", "E2", "E1", "E3"],
        "customer_id": ["C1", "C2", "C1", "C3"],
        "order_date": ["2026-10-01", "2026-10-02", "2026-10-15", "2026-10-31"],
        "amount": ["100", "250.5", "80", "1000"],
        "status": ["completed", "cancelled", "completed", "refunded"],
    })


def _write_csv(path, df, *, encoding="utf-8", sep=","):
    path.write_bytes(df.to_csv(index=False, sep=sep).encode(encoding))
    return path


def _add_employees(folder):
    """Every dataset needs its employees table: add it where a test is about another table."""
    return _write_csv(folder / "employees.csv", _employees())


def _problem(err_or_report, check, column=None):
    problems = err_or_report.problems
    found = [p for p in problems if p.check.startswith(check)
             and (column is None or p.column == column)]
    assert found, f"no {check!r} problem in column {column!r}: {[str(p) for p in problems]}"
    return found


@pytest.fixture
def csv_folder(tmp_path):
    _write_csv(tmp_path / "employees.csv", _employees())
    _write_csv(tmp_path / "orders.csv", _orders())
    return tmp_path


# --- formats --------------------------------------------------------------------------

def test_csv_folder_loads_contract_tables(csv_folder):
    ds = load_dataset(csv_folder)
    assert isinstance(ds, Dataset)
    assert "orders" in ds and "employees" in ds and "calls" not in ds
    orders = ds.tables["orders"]
    assert list(orders.columns) == list(_orders().columns)
    assert str(orders["order_date"].dtype) == "datetime64[ns]"
    assert orders["amount"].dtype == "float64"
    assert orders["amount"].tolist() == [100.0, 250.5, 80.0, 1000.0]
    assert orders["order_date"].iloc[3] == pd.Timestamp("2026-10-31")
    assert orders.index.tolist() == [0, 1, 2, 3]
    assert ds.sources["orders"].header_row == 1 and ds.sources["orders"].sheet is None
    assert ds.row_number("orders", 0) == 2
    # an empty manager_id is missing, not the empty string
    assert ds.tables["employees"]["manager_id"].isna().tolist() == [False, False, True]
    assert ds.warnings == []


def test_xlsx_folder(tmp_path):
    _employees().to_excel(tmp_path / "employees.xlsx", index=False)
    orders = _orders().assign(order_date=pd.to_datetime(_orders()["order_date"]),
                              amount=[100, 250.5, 80, 1000])
    orders.to_excel(tmp_path / "orders.xlsx", index=False, sheet_name="Export")
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["order_date"].iloc[1] == pd.Timestamp("2026-10-02")
    assert ds.tables["orders"]["amount"].sum() == pytest.approx(1430.5)
    assert ds.sources["orders"].sheet == "Export"


def test_one_workbook_with_several_sheets(tmp_path):
    book = tmp_path / "client.xlsx"
    with pd.ExcelWriter(book) as writer:
        _employees().to_excel(writer, sheet_name="员工", index=False)
        _orders().to_excel(writer, sheet_name="销售订单", index=False)
        pd.DataFrame({"note": ["x"]}).to_excel(writer, sheet_name="说明", index=False)
    ds = load_dataset(book)
    assert set(ds.tables) == {"employees", "orders"}
    assert ds.sources["orders"].sheet == "销售订单"
    assert [w.check for w in ds.warnings] == ["unknown_sheet"]
    assert "说明" in ds.warnings[0].message


def _rec(rtype: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def _xls_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A minimal Excel 97-2003 workbook (BIFF8 in a compound file), as old ERP and shop
    back-office exports are: ``{sheet: rows}``, each cell a str, a number or a date."""
    strings: list[str] = []
    bof = {kind: _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 1997, 0, 6))
           for kind in (0x0005, 0x0010)}  # workbook globals, worksheet
    bodies = []
    for rows in sheets.values():
        cells = b""
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):  # LABELSST: an index into the shared strings
                    strings += [v] if v not in strings else []
                    cells += _rec(0x00FD, struct.pack("<HHHI", r, c, 0, strings.index(v)))
                else:  # NUMBER; a date is a day number in a date-formatted cell (XF 1)
                    is_date = isinstance(v, dt.date)
                    num = (v - dt.date(1899, 12, 30)).days if is_date else v
                    cells += _rec(0x0203, struct.pack("<HHHd", r, c, int(is_date), num))
        bodies.append(bof[0x0010] + cells + _rec(0x000A))
    xf = [_rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, fmt, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))
          for fmt in (0, 14)]  # General; m/d/yyyy
    head = bof[0x0005] + _rec(0x0042, struct.pack("<H", 1200)) + b"".join(xf)
    tail = _rec(0x00FC, struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(t), 1) + t.encode("utf-16-le") for t in strings)) + _rec(0x000A)
    offset = len(head) + sum(12 + 2 * len(n) for n in sheets) + len(tail)
    bound = b""
    for name, body in zip(sheets, bodies):
        bound += _rec(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1)
                      + name.encode("utf-16-le"))
        offset += len(body)
    stream = (head + bound + tail + b"".join(bodies)).ljust(4096, b"\0")  # no mini stream
    n = -(-len(stream) // 512)
    # sectors: 0 the FAT, 1 the directory, 2.. the Workbook stream
    fat = [0xFFFFFFFD, 0xFFFFFFFE, *range(3, n + 2), 0xFFFFFFFE]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, 0xFFFFFFFF,
                                                   0xFFFFFFFF, child)
                + b"\0" * 36 + struct.pack("<III", start, size, 0))

    directory = (entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
                 + entry("Workbook", 2, 2, len(stream))).ljust(512, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH6xIIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096,
                            0xFFFFFFFE, 0, 0xFFFFFFFE, 0, 0)).ljust(512, b"\xff")
    return header + fat_sector + directory + stream.ljust(n * 512, b"\0")


def test_old_xls_workbook_is_read_with_its_lookup_sheet(tmp_path):
    """Tableau's Superstore and many shop back-offices export Excel 97-2003 .xls."""
    book = tmp_path / "Sample - Superstore.xls"
    book.write_bytes(_xls_bytes({
        "Orders": [["Order ID", "Order Date", "Customer ID", "Region", "Sales"],
                   ["CA-1", dt.date(2017, 11, 3), "C1", "West", 100.5],
                   ["CA-1", dt.date(2017, 11, 3), "C1", "West", 20],
                   ["CA-2", dt.date(2017, 11, 30), "C2", "East", 7.25]],
        "People": [["Person", "Region"], ["王芳", "West"], ["Chuck Magee", "East"]]}))
    ds = load_dataset(book, mapping={
        "files": {"orders": "Orders", "employees": "People"}, "lines": ["orders"],
        "lookups": {"orders": [{"file": "People", "key": "Region", "columns": ["Person"]}]},
        "columns": {"orders": {"Person": "employee_id"},
                    "employees": {"Person": ["employee_id", "name"], "Region": "team"}},
        "defaults": {"employees": {"role": "shop_operator"}}})
    orders = ds.tables["orders"].set_index("order_id")
    assert orders.loc["CA-1", "amount"] == pytest.approx(120.5)  # 100.5 + 20, two lines
    assert orders.loc["CA-2", "order_date"] == pd.Timestamp("2017-11-30")
    assert orders["employee_id"].tolist() == ["王芳", "Chuck Magee"]
    assert ds.sources["orders"].sheet == "Orders"
    assert ds.tables["employees"]["team"].tolist() == ["West", "East"]


def test_xls_without_its_reader_says_what_to_install(tmp_path, monkeypatch):
    book = tmp_path / "orders.xls"
    book.write_bytes(_xls_bytes({"orders": [["order_id"], ["O1"]]}))
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if not installed
    [p] = validate_dataset(book).problems
    assert (p.file, p.check) == ("orders.xls", "unsupported_file")
    assert "needs the python-calamine package, which is not installed" in p.message
    assert p.fix.startswith("install the kit's dependencies again (pip install -e . or conda "
                            "env update -f environment.yml)")


def test_parquet_folder_keeps_types(tmp_path):
    _employees().to_parquet(tmp_path / "employees.parquet")
    orders = _orders().assign(order_date=pd.to_datetime(_orders()["order_date"]),
                              amount=[100, 250, 80, 1000])  # int64 in the file
    orders.to_parquet(tmp_path / "orders.parquet")
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["amount"].dtype == "float64"
    assert str(ds.tables["orders"]["order_date"].dtype) == "datetime64[ns]"
    assert ds.row_number("orders", 0) == 1  # Parquet has no header row


def test_single_file_named_by_mapping(tmp_path):
    path = _write_csv(tmp_path / "export_2026.csv", _orders())
    ds = load_dataset(path, mapping={"files": {"orders": "export_2026.csv"}}, tables=["orders"])
    assert set(ds.tables) == {"orders"}
    with pytest.raises(DataContractError, match="cannot tell which table"):
        load_dataset(path)


def test_tables_restricts_and_requires(csv_folder):
    assert set(load_dataset(csv_folder, tables=["orders"]).tables) == {"orders"}
    with pytest.raises(DataContractError) as err:
        load_dataset(csv_folder, tables=["orders", "calls"])
    assert _problem(err.value, "table_missing")[0].table == "calls"
    with pytest.raises(SalesperfError, match="Did you mean 'orders'"):
        load_dataset(csv_folder, tables=["order"])


# --- encodings and CSV dialects -------------------------------------------------------

@pytest.mark.parametrize("encoding, name", [
    ("utf-8", "王芳"), ("utf-8-sig", "王芳"), ("gbk", "王芳"), ("gb18030", "刘䶮𠀀"),
])
def test_csv_encodings(tmp_path, encoding, name):
    emp = _employees().assign(name=[name, "李雷", "Ann"])
    _write_csv(tmp_path / "employees.csv", emp, encoding=encoding)
    ds = load_dataset(tmp_path)
    assert ds.tables["employees"]["name"].tolist() == [name, "李雷", "Ann"]
    assert ds.tables["employees"].columns[0] == "employee_id"  # no BOM left in the header


@pytest.mark.parametrize("names", [
    ["Jürgen Müller", "Björn Köhler", "Ann"],  # (was read as GBK: J黵gen M黮ler)
    ["José Muñoz", "Adèle Lefèvre", "Françoise Dupré"],  # (was guessed cp1250: Muńoz, Adčle)
])
def test_a_western_european_windows_export_is_read_as_windows_1252(tmp_path, names):
    """A German ERP saves CSV in Windows-1252: names with umlauts alone decoded as GBK with
    no warning, and Spanish or French names were guessed Central European (cp1250)."""
    _write_csv(tmp_path / "employees.csv", _employees().assign(name=names), encoding="cp1252")
    ds = load_dataset(tmp_path)
    assert ds.tables["employees"]["name"].tolist() == names
    [w] = [w for w in ds.warnings if w.check == "encoding"]
    assert w.message == "the encoding is neither UTF-8 nor GBK; it was guessed as cp1252"


def test_an_empty_data_folder_says_so(tmp_path):
    """A scheduled run before the export arrived: the folder is empty, and the finding told
    the operator to rename files after their tables."""
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / ".DS_Store").write_bytes(b"")
    [p] = validate_dataset(folder).problems
    assert (p.check, p.message) == ("empty_folder", f"the data folder {folder} holds no file")
    assert p.fix.startswith("if the export has not arrived yet, run again once it has")


def test_a_folder_without_tables_is_said_without_a_table_of_its_own(tmp_path):
    """A folder whose files are named after no table: the finding read "table '?': no table
    found", a placeholder the reader cannot act on."""
    (tmp_path / "Auftraege.pdf").write_bytes(b"%PDF")
    [p] = validate_dataset(tmp_path).problems
    assert p.check == "no_tables" and str(p).startswith("no table found: no file or sheet is named after a table")
    assert p.line("zh").startswith("没有找到任何表：")


def test_a_quote_never_closed_is_an_error_at_its_row(tmp_path):
    """An opening quote without its closing one makes the rest of a big file one value: the
    csv module's field limit raised a traceback in validate, and run-all said only "field
    larger than field limit (131072)", with no file, row or fix."""
    _add_employees(tmp_path)
    rows = ["Orders export", "order_id,employee_id,customer_id,order_date,amount"]
    rows += [f"O{i},E1,C{i},2026-10-01,{i}" for i in range(20_000)]
    rows[4] = 'O2,E1,"C2,2026-10-01,2'  # (row 5 of the file, under a title row)
    (tmp_path / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    [p] = validate_dataset(tmp_path).problems
    assert (p.check, p.file, p.row) == ("csv_format", "orders.csv", 5)
    assert p.message == "a quote (\") opened in this row is never closed: the rest of the file reads as one value"
    assert p.fix == "close the quote, or remove it, and export the file again if it was cut short"


def test_file_that_is_not_text_is_an_error_naming_it(tmp_path):
    (tmp_path / "orders.csv").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(DataContractError, match="orders.csv") as err:
        load_dataset(tmp_path)
    [p] = _problem(err.value, "unreadable_file")
    assert p.file == "orders.csv" and "not a text" in p.message


def test_forced_encoding_that_does_not_fit_is_reported(tmp_path):
    _write_csv(tmp_path / "employees.csv", _employees(), encoding="gbk")
    with pytest.raises(DataContractError, match="not valid utf-8"):
        load_dataset(tmp_path, mapping={"encoding": "utf-8"})
    ds = load_dataset(tmp_path, mapping={"encoding": "gbk"})
    assert ds.tables["employees"]["name"].iloc[0] == "王芳"


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_delimiters(tmp_path, sep):
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders(), sep=sep)
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["amount"].tolist() == [100.0, 250.5, 80.0, 1000.0]


def test_ragged_csv_row_is_reported_with_its_row(tmp_path):
    text = "order_id,employee_id,customer_id,order_date,amount\n" \
           "O1,E1,C1,2026-10-01,100\n" \
           "O2,E1,C1,2026-10-02,1,200\n"  # unquoted thousands separator: one value too many
    (tmp_path / "orders.csv").write_text(text, encoding="utf-8")
    report = validate_dataset(tmp_path)
    [p] = _problem(report, "csv_format")
    assert p.row == 3 and "6 values" in p.message


def test_chinese_date_times_without_a_space_after_the_day(tmp_path):
    """Back-offices write 2026年10月5日14:03 and 14时03分 (no space after 日)."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4"], "employee_id": ["E1"] * 4, "customer_id": ["C1"] * 4,
        "order_date": ["2026年10月5日14:03", "2026年10月5日 14时03分", "2026年10月5日14时03分05秒", "2026年10月5日"],
        "amount": ["1"] * 4}))
    assert load_dataset(tmp_path).tables["orders"]["order_date"].tolist() == [
        pd.Timestamp("2026-10-05 14:03"), pd.Timestamp("2026-10-05 14:03"), pd.Timestamp("2026-10-05 14:03:05"),
        pd.Timestamp("2026-10-05")]


# --- headers --------------------------------------------------------------------------

def test_chinese_export_loads_without_mapping(tmp_path):
    emp = pd.DataFrame({"工号": ["E1", "E2"], "员工姓名": ["王芳", "李雷"], "部门": ["一组", "一组"],
                        "岗位": ["电销", "电销"]})
    orders = pd.DataFrame({
        "订单号": ["O1", "O2", "O3"],
        "销售编号": ["E1", "E2", "E1"],
        "客户ID": ["C1", "C2", "C3"],
        "下单时间": ["2026年10月1日", "2026/10/02 13:05", "２０２６－１０－０３"],
        "订单金额": ["¥1,200.50", "￥３００", "¥ 80"],
        "订单状态": ["已完成", "已取消", "已退款"],
        "发货时间": ["2026-10-02", "", "2026-10-04"],
    })
    _write_csv(tmp_path / "员工.csv", emp, encoding="gbk")
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    ds = load_dataset(tmp_path)
    o = ds.tables["orders"]
    assert o["amount"].tolist() == [1200.5, 300.0, 80.0]
    assert o["order_date"].tolist() == [pd.Timestamp("2026-10-01"),
                                        pd.Timestamp("2026-10-02 13:05"),
                                        pd.Timestamp("2026-10-03")]
    assert o["status"].tolist() == ["completed", "cancelled", "refunded"]
    assert o["shipped_at"].isna().tolist() == [False, True, False]
    assert ds.tables["employees"]["team"].tolist() == ["一组", "一组"]


def test_amounts_in_wan_and_yi_are_read_as_numbers(tmp_path):
    """1.2万 is 12,000 and 3亿 300,000,000, with or without 元 or ¥; 0.07万 is exactly 700."""
    emp = pd.DataFrame({"工号": ["E1"], "姓名": ["王芳"], "团队": ["一组"], "岗位": ["电销"]})
    orders = pd.DataFrame({"订单号": [f"O{i}" for i in range(5)], "工号": ["E1"] * 5,
                           "客户ID": ["C1"] * 5, "下单时间": ["2026-10-01"] * 5,
                           "订单金额": ["1.2万", "¥3亿", "0.07万元", "1,500元", "2万块"]})
    _write_csv(tmp_path / "员工.csv", emp, encoding="utf-8-sig")
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    report = validate_dataset(tmp_path)
    [bad] = report.problems  # '2万块' is not a number
    assert (bad.row, bad.value) == (6, "2万块") and "万/亿 are accepted" in bad.fix
    orders["订单金额"] = orders["订单金额"].replace("2万块", "2万")
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    amounts = load_dataset(tmp_path).tables["orders"]["amount"].tolist()
    assert amounts == [12_000.0, 300_000_000.0, 700.0, 1_500.0, 20_000.0]


def test_call_durations_in_words_are_read_as_seconds(tmp_path):
    emp = pd.DataFrame({"工号": ["E1"], "姓名": ["王芳"], "团队": ["一组"], "岗位": ["电销"]})
    durations = ["2分30秒", "45秒", "1小时2分", "0秒", "1分05秒", "2m 30s", "1 h 5 min", "90", "0:01:30"]
    calls = pd.DataFrame({"通话编号": [f"K{i}" for i in range(len(durations))], "工号": "E1",
                          "呼叫时间": "2026-10-01 09:00", "通话时长": durations, "是否接通": "是"})
    _write_csv(tmp_path / "员工.csv", emp, encoding="utf-8-sig")
    _write_csv(tmp_path / "通话记录.csv", calls, encoding="utf-8-sig")
    seconds = load_dataset(tmp_path).tables["calls"]["duration_s"].tolist()
    assert seconds == [150.0, 45.0, 3720.0, 0.0, 65.0, 150.0, 3900.0, 90.0, 90.0]
    calls["通话时长"] = ["2分半"] + durations[1:]  # words the kit does not read: an error
    _write_csv(tmp_path / "通话记录.csv", calls, encoding="utf-8-sig")
    [bad] = validate_dataset(tmp_path).problems
    assert bad.value == "2分半" and "a duration such as 0:02:23 or 2分30秒" in bad.message


def test_a_unit_in_a_header_is_read_and_applied(tmp_path):
    """订单金额（万元）is the amount in units of 10,000; 通话时长（分钟）the talk time in
    minutes; （元）and （秒）are the contract's own units."""
    emp = pd.DataFrame({"工号": ["E1"], "姓名": ["王芳"], "团队": ["一组"], "岗位": ["电销"]})
    orders = pd.DataFrame({"订单号": ["O1", "O2"], "工号": ["E1", "E1"], "客户ID": ["C1", "C2"],
                           "下单时间": ["2026-10-01", "2026-10-02"], "订单金额（万元）": ["1.2", "0.07"],
                           "成本(元)": ["5000", "300"]})
    calls = pd.DataFrame({"通话编号": ["K1"], "工号": ["E1"], "呼叫时间": ["2026-10-01 09:00"],
                          "通话时长（分钟）": ["2.5"], "是否接通": ["是"]})
    _write_csv(tmp_path / "员工.csv", emp, encoding="utf-8-sig")
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    _write_csv(tmp_path / "通话记录.csv", calls, encoding="utf-8-sig")
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["amount"].tolist() == [12_000.0, 700.0]
    assert ds.tables["orders"]["cost"].tolist() == [5_000.0, 300.0]
    assert ds.tables["calls"]["duration_s"].tolist() == [150.0]
    w = {p.column: p for p in ds.warnings if p.check == "unit_in_header"}
    assert sorted(w) == ["amount", "duration_s"]  # (元) needs no warning
    assert w["amount"].message == "'订单金额（万元）' (amount) is in 万元: its values are multiplied by 10,000"
    assert w["duration_s"].text("zh") == "'通话时长（分钟）'（duration_s）以分钟为单位：数值已乘以 60"
    # a unit that does not suit the column is not taken for one: a count is no amount of money
    orders = orders.rename(columns={"订单金额（万元）": "订单金额（个）"})
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    assert "amount" in {p.column for p in validate_dataset(tmp_path).problems}


def test_a_value_that_states_its_own_unit_is_not_scaled_by_the_header(tmp_path):
    """Under 订单金额（万元）, 1.2 is 12,000 but a cell written 1.2万 is already 12,000 (not
    120,000,000) and 300元 is 300; under 通话时长（分钟）, 0:02:30 and 2分30秒 are 150 s."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "订单.csv", pd.DataFrame({
        "订单号": ["O1", "O2", "O3"], "工号": ["E1"] * 3, "客户ID": ["C1"] * 3,
        "下单时间": ["2026-10-01"] * 3, "订单金额（万元）": ["1.2", "1.2万", "300元"]}))
    _write_csv(tmp_path / "通话记录.csv", pd.DataFrame({
        "通话编号": ["K1", "K2", "K3"], "工号": ["E1"] * 3, "呼叫时间": ["2026-10-01 09:00"] * 3,
        "通话时长（分钟）": ["2.5", "0:02:30", "2分30秒"], "是否接通": ["是"] * 3}))
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["amount"].tolist() == [12_000.0, 12_000.0, 300.0]
    assert ds.tables["calls"]["duration_s"].tolist() == [150.0, 150.0, 150.0]
    w = {p.column: p for p in ds.warnings if p.check == "unit_in_header"}
    assert w["amount"].message == ("'订单金额（万元）' (amount) is in 万元: its values are multiplied by 10,000 "
                                   "(not the 2 that state their own unit, such as '1.2万')")
    assert w["amount"].text("zh") == ("'订单金额（万元）'（amount）以万元为单位：数值已乘以 10,000"
                                      "（2 个自带单位的值如 '1.2万' 按原值读取）")


def test_talk_times_that_look_like_minutes_are_flagged(tmp_path):
    """A talk-time column in minutes without a unit in its header would be read as
    seconds: 2.38 minutes becomes a 2.38-second hang-up and the effective talk time is 0.
    Every positive value under a minute with a median under 10 is flagged; a header
    that states its unit, or durations written as 0:02:23, are not."""
    emp = pd.DataFrame({"工号": ["E1"], "姓名": ["王芳"], "团队": ["一组"], "岗位": ["电销"]})
    minutes = ["2.38", "4.03", "0", "3.67", "0.62", "5.1", ""]
    calls = pd.DataFrame({"Call Id": [f"K{i}" for i in range(len(minutes))], "工号": "E1",
                          "呼叫时间": "2021-01-01 09:00", "AvgTalkDuration": minutes,
                          "是否接通": ["是", "是", "否", "是", "是", "是", "否"]})
    _write_csv(tmp_path / "员工.csv", emp, encoding="utf-8-sig")
    _write_csv(tmp_path / "通话记录.csv", calls, encoding="utf-8-sig")
    mapping = {"columns": {"calls": {"AvgTalkDuration": "duration_s"}},
               "defaults": {"calls": {"duration_s": 0}}}
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["calls"]["duration_s"].tolist() == [2.38, 4.03, 0.0, 3.67, 0.62, 5.1, 0.0]
    [w] = [p for p in ds.warnings if p.check == "duration_in_minutes"]
    assert w.column == "duration_s"
    # 5 positive values, the median of 0.62, 2.38, 3.67, 4.03, 5.1 is 3.67
    assert w.message == ("'AvgTalkDuration' (duration_s) is read in seconds, but its 5 talk times "
                         "are all under a minute (median 3.67 s): if they are minutes, every call "
                         "counts as a hang-up and the talk-time KPIs are close to 0")
    assert "'AvgTalkDuration (min)'" in w.fix and "multiplied by 60" in w.fix
    assert w.fix_text("zh") == ("如果这些值是分钟，在表头中注明单位（'AvgTalkDuration（分钟）' 或 'AvgTalkDuration (min)'），"
                                "其值会乘以 60；如果是秒，无需处理")  # (was English under zh)
    assert w.text("zh").startswith("'AvgTalkDuration'（duration_s）按秒读取，但 5 个通话时长都不到 1 分钟")
    # the same values written as durations, or under a header that says seconds: no warning
    for header, values in [("AvgTalkDuration", ["0:00:02", "0:00:04", "0", "0:00:03", "0:00:01", "0:00:05", ""]),
                           ("AvgTalkDuration (s)", minutes)]:
        _write_csv(tmp_path / "通话记录.csv", calls.assign(AvgTalkDuration=values)
                   .rename(columns={"AvgTalkDuration": header}), encoding="utf-8-sig")
        m = {**mapping, "columns": {"calls": {header: "duration_s"}}}
        assert not [p for p in load_dataset(tmp_path, mapping=m).warnings if p.check == "duration_in_minutes"]
    # real seconds: no warning
    _write_csv(tmp_path / "通话记录.csv", calls.assign(AvgTalkDuration=["143", "242", "0", "220", "37", "306", ""]),
               encoding="utf-8-sig")
    assert not [p for p in load_dataset(tmp_path, mapping=mapping).warnings if p.check == "duration_in_minutes"]


def test_talk_times_saved_as_fractions_of_a_day_are_an_error_until_the_header_says_days(tmp_path):
    """Excel times pasted as values: 0:02:23 becomes 0.00165509 (143 / 86,400). Read as
    seconds, every call was a hang-up and effective talk time 0 for everyone. It is an error
    whose fix, the unit 天 in the header, reads 143 s."""
    emp = pd.DataFrame({"工号": ["E1"], "姓名": ["王芳"], "团队": ["一组"], "岗位": ["电销"]})
    seconds = [143, 242, 0, 220, 37, 306]
    calls = pd.DataFrame({"通话编号": [f"K{i}" for i in range(6)], "工号": "E1", "呼叫时间": "2021-01-01 09:00",
                          "通话时长": [v / 86400 for v in seconds], "是否接通": ["是", "是", "否", "是", "是", "是"]})
    _write_csv(tmp_path / "员工.csv", emp, encoding="utf-8-sig")
    _write_csv(tmp_path / "通话记录.csv", calls, encoding="utf-8-sig")
    [e] = [p for p in validate_dataset(tmp_path).problems if p.check == "duration_in_days"]
    # 5 positive values; their median, 220 s, is 0.00254630 of a day
    assert e.message == ("'通话时长' (duration_s) is read in seconds, but all its 5 talk times are under a second "
                         "(median 0.00255): they look like Excel times saved as plain numbers, in days "
                         "(0.00255 × 86,400 = 220 s). Read as seconds, every call would count as a hang-up")
    assert e.fix_text("zh").startswith("在表头中注明单位（'通话时长（天）'")
    _write_csv(tmp_path / "通话记录.csv", calls.rename(columns={"通话时长": "通话时长（天）"}), encoding="utf-8-sig")
    ds = load_dataset(tmp_path)
    assert ds.tables["calls"]["duration_s"].tolist() == [float(v) for v in seconds]


def test_a_kpi_sheet_column_may_state_its_unit(tmp_path):
    sheet = pd.DataFrame({"员工编号": ["E1", "E2"], "月份": ["2026-10", "2026-10"], "销售额（万元）": ["1.2", "0.9"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    assert load_dataset(tmp_path).tables["kpi_sheet"]["revenue"].tolist() == [12_000.0, 9_000.0]


def test_header_matching_ignores_case_spaces_and_bracket_width(tmp_path):
    calls = pd.DataFrame({"Call ID": ["K1", "K2"], " 工号 ": ["E1", "E2"],
                          "呼叫时间": ["2026-10-01 09:00", "2026-10-01 09:05"],
                          "通话时长（秒）": ["61", "0:02:23"], "是否接通": ["是", "否"]})
    _write_csv(tmp_path / "calls.csv", calls)
    _add_employees(tmp_path)
    c = load_dataset(tmp_path).tables["calls"]
    assert c["duration_s"].tolist() == [61.0, 143.0]
    assert c["connected"].tolist() == [True, False]
    assert c["connected"].dtype == bool


def test_two_columns_for_one_contract_column_are_reported(tmp_path):
    orders = _orders().rename(columns={"amount": "金额"}).assign(销售额=["1", "2", "3", "4"])
    _write_csv(tmp_path / "orders.csv", orders)
    _add_employees(tmp_path)
    report = validate_dataset(tmp_path)
    [p] = _problem(report, "column_ambiguous", "amount")
    assert "'金额'" in p.message and "'销售额'" in p.message
    assert "data.columns.orders" in p.fix
    # mapping one of them explicitly settles it
    ds = load_dataset(tmp_path, mapping={"columns": {"orders": {"销售额": "amount"}}})
    assert ds.tables["orders"]["amount"].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_missing_required_column_lists_headers_and_fix(tmp_path):
    _write_csv(tmp_path / "orders.csv", _orders().rename(columns={"order_date": "close_date"}))
    with pytest.raises(DataContractError) as err:
        load_dataset(tmp_path)
    [p] = _problem(err.value, "column_missing", "order_date")
    assert "'close_date'" in p.message and p.file == "orders.csv"
    assert p.fix.startswith("add data.columns.orders: {<your header>: order_date}")


def test_header_below_a_title_row(tmp_path):
    path = tmp_path / "orders.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年10月 订单明细"])
    ws.append([])
    ws.append(list(_orders().columns))
    for row in _orders().itertuples(index=False):
        ws.append(list(row))
    ws["E6"] = "abc"  # the amount of the third order, Excel row 6
    wb.save(path)
    _add_employees(tmp_path)
    with pytest.raises(DataContractError) as err:
        load_dataset(tmp_path)
    assert err.value.problems[0].row == 6 and err.value.problems[0].column == "amount"


# --- the mapping ----------------------------------------------------------------------

def _maven_like(tmp_path):
    pipeline = pd.DataFrame({
        "opportunity_id": ["P1", "P2", "P3", "P4", "P5"],
        "sales_agent": ["Ann Lee", "Bo Chan", "Ann Lee", "Bo Chan", "Ann Lee"],
        "product": ["GTX", "MG", "GTX", "GTX", "MG"],
        "account": ["Acme", "Beta", "", "Acme", "Gamma"],
        "deal_stage": ["Won", "Lost", "Engaging", "Won", "Prospecting"],
        "close_date": ["2017-03-01", "2017-03-05", "", "2017-04-02", ""],
        "close_value": ["1054", "0", "", "550", ""],
    })
    teams = pd.DataFrame({"sales_agent": ["Ann Lee", "Bo Chan"], "manager": ["Dustin", "Dustin"],
                          "regional_office": ["Central", "East"]})
    _write_csv(tmp_path / "sales_pipeline.csv", pipeline)
    _write_csv(tmp_path / "sales_teams.csv", teams)
    return {
        "files": {"orders": "sales_pipeline.csv", "employees": "sales_teams.csv"},
        "columns": {
            "orders": {"opportunity_id": "order_id", "sales_agent": "employee_id",
                       "account": "customer_id", "close_date": "order_date",
                       "close_value": "amount", "deal_stage": "status"},
            "employees": {"sales_agent": ["employee_id", "name"], "manager": "team"},
        },
        "values": {"orders": {"status": {"Won": "completed", "Lost": "cancelled"}}},
        "defaults": {"employees": {"role": "agent"}},
    }


def test_explicit_mapping_one_column_to_two_values_and_defaults(tmp_path):
    mapping = _maven_like(tmp_path)
    report = validate_dataset(tmp_path, mapping=mapping)
    # the open deals (rows 4 and 6) have no date, value, account nor a contract status
    assert {p.row for p in _problem(report, "not_nullable", "order_date")} == {4, 6}
    assert {p.row for p in _problem(report, "not_nullable", "customer_id")} == {4}
    status = _problem(report, "isin", "status")
    assert {(p.row, p.value) for p in status} == {(4, "Engaging"), (6, "Prospecting")}
    mapping["filters"] = {"orders": {"deal_stage": ["Won", "Lost"]}}
    ds = load_dataset(tmp_path, mapping=mapping)
    emp = ds.tables["employees"]
    assert emp["employee_id"].tolist() == emp["name"].tolist() == ["Ann Lee", "Bo Chan"]
    assert emp["role"].tolist() == ["agent", "agent"] and emp["team"].tolist() == ["Dustin"] * 2
    orders = ds.tables["orders"]
    assert orders["status"].tolist() == ["completed", "cancelled", "completed"]
    assert orders.index.tolist() == [0, 1, 3]  # positions in the source are kept
    assert ds.row_number("orders", 3) == 5
    [filtered] = [w for w in ds.warnings if w.check == "filtered_rows"]
    assert "2 row(s) removed" in filtered.message
    assert "Engaging 1" in filtered.message and "Prospecting 1" in filtered.message
    unused = [w for w in ds.warnings if w.check == "unused_columns"]
    assert {w.file for w in unused} == {"sales_pipeline.csv", "sales_teams.csv"}
    assert any("'product'" in w.message for w in unused)


def test_defaults_fill_empty_cells_of_an_existing_column(tmp_path):
    _write_csv(tmp_path / "employees.csv", _employees().assign(role=["agent", "", "lead"]))
    ds = load_dataset(tmp_path, mapping={"defaults": {"employees": {"role": "agent"}}})
    assert ds.tables["employees"]["role"].tolist() == ["agent", "agent", "lead"]


@pytest.mark.parametrize("default, cells, check, text, fix", [
    ({"status": "done"}, ["completed", "", "", "refunded"], "isin",
     "'status' is not an allowed value: expected one of completed, cancelled, refunded",
     "set data.defaults.orders.status to one of completed, cancelled, refunded in the parameter file"),
    ({"order_date": "yesterday"}, None, "not_a_date", "'order_date' is not a date",
     "change data.defaults.orders.order_date in the parameter file: write dates like 2026-10-01"),
    ({"amount": -5}, None, "greater_than_or_equal_to", "'amount' is below the minimum 0",
     "change data.defaults.orders.amount in the parameter file: amount must be at least 0"),
    ({"employee_id": "E9"}, None, "references", "employee_id 'E9' is not an employee_id of the employees table",
     "change data.defaults.orders.employee_id in the parameter file"),
    ({"order_id": "X"}, None, "field_uniqueness", "the same order_id, but order_id must be unique",
     "remove data.defaults.orders.order_id, and fill in order_id in the export"),
    ({"order_date": "05/10/2026"}, None, "ambiguous_date",
     "'order_date': dates such as '05/10/2026' can be read day-first or month-first",
     "change data.defaults.orders.order_date in the parameter file: say how the export writes them with "
     "data.date_order"),
])
def test_a_default_that_fails_a_check_is_reported_at_its_key_not_at_rows(csv_folder, default, cells, check,
                                                                          text, fix):
    """The value came from the parameter file's data.defaults, not from a cell of the export:
    one finding naming the key and the value, instead of one per row of the file."""
    [(col, value)] = default.items()
    orders = _orders().assign(**{col: cells}) if cells else _orders().drop(columns=[col])
    _write_csv(csv_folder / "orders.csv", orders)
    report = validate_dataset(csv_folder, mapping={"defaults": {"orders": default}})
    [p] = report.problems
    assert p.check.startswith(check) and p.key == f"data.defaults.orders.{col}"
    assert (p.file, p.row, p.value) == (None, None, value)
    filled = cells.count("") if cells else 4
    assert str(p).startswith(f"data.defaults.orders.{col}: this default is given to the {filled} row(s) of "
                             f"orders.csv with no {col}, and {text}" if check != "field_uniqueness" else
                             f"data.defaults.orders.{col}: this default gives the 4 row(s) of orders.csv")
    assert text in p.message and p.fix.startswith(fix)
    assert str(p).count(repr(value)) == 1, str(p)  # the value once: quoted, or as "(found ...)"
    assert "row " not in report.text()



def _ads(tmp_path):
    """An ad platform's export: one row per ad, with its campaign's owner and no date."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "traffic.csv", pd.DataFrame({
        "campaign_owner": ["E1", "E1", "E2"], "Clicks": [3, 0, 5], "Spent": [1.5, 0, 2.25]}))
    return {"columns": {"traffic": {"campaign_owner": "employee_id", "Clicks": "sessions", "Spent": "spend"}},
            "defaults": {"traffic": {"channel": "ads"}}}


def test_an_export_without_dates_is_told_to_date_its_rows_to_the_last_day_it_covers(tmp_path):
    """Ad totals without a date: mapping a header cannot help; a date given with
    data.defaults can, and it must be the last day of the period (a first day would make
    the report say the data stop on the 1st)."""
    [p] = validate_dataset(tmp_path, mapping=_ads(tmp_path)).problems
    assert (p.check, p.column) == ("column_missing", "date")
    assert p.fix.startswith("add data.columns.traffic: {<your header>: date} to the parameter file; an export "
                            "without dates (one period's totals) is dated with data.defaults.traffic: {date: "
                            "<its last day>}, e.g. 2026-10-31 for October 2026")


@pytest.mark.parametrize("month", ["2026-10", "2026年10月"])
def test_a_month_given_as_a_default_date_is_told_the_month_s_last_day(tmp_path, month):
    mapping = _ads(tmp_path)
    mapping["defaults"]["traffic"]["date"] = month
    [p] = validate_dataset(tmp_path, mapping=mapping).problems
    assert (p.key, p.check) == ("data.defaults.traffic.date", "not_a_date")
    assert p.fix == (f"change data.defaults.traffic.date in the parameter file: rows dated {month!r} are that "
                     "month's totals, so give its last day, 2026-10-31 (its first day would read as data that "
                     "stop on that day)")
    mapping["defaults"]["traffic"]["date"] = "2026-10-31"
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["traffic"]["date"].tolist() == [pd.Timestamp("2026-10-31")] * 3

def test_a_refund_written_as_a_negative_amount_says_how_refunds_are_given(csv_folder):
    """Back-offices show a refund as (120.00) or -120: it is read as -120 (never as +120)
    and reported, with the way the kit takes refunds: the order with status 已退款."""
    _write_csv(csv_folder / "orders.csv", _orders().assign(amount=["100", "（120.00）", "-¥80", "1000"]))
    bad = validate_dataset(csv_folder).problems
    assert [(p.row, p.value) for p in bad] == [(3, "（120.00）"), (4, "-¥80")]
    assert bad[0].message == "'amount' is below the minimum 0"
    assert "status refunded (已退款)" in bad[0].fix and "without its minus sign or brackets" in bad[0].fix


def test_an_unfinished_order_status_is_told_where_such_orders_belong(csv_folder):
    """待发货, 已发货, 待付款: the contract has no status for them; the fix says where they go."""
    _write_csv(csv_folder / "orders.csv", _orders().assign(status=["completed", "待发货", "completed", "待付款"]))
    bad = validate_dataset(csv_folder).problems
    assert [(p.check, p.row, p.value) for p in bad] == [("isin(('completed', 'cancelled', 'refunded'))", 3, "待发货"),
                                                        ("isin(('completed', 'cancelled', 'refunded'))", 5, "待付款")]
    assert bad[0].fix.endswith(
        "data.values.orders.status: {'待发货': <one of them>}; an order paid but not yet delivered or shipped "
        "(待发货, 已发货) is usually completed (with kpi_options.refund_handling: clawback a later refund is "
        "deducted when it comes), an unpaid one (待付款) cancelled or left out with data.filters.orders")
    assert bad[0].fix_text("zh") == (
        "写其中之一，或在参数文件中用 data.values.orders.status: {'待发货': <其中之一>} 转换导出的值；"
        "已付款但尚未发货或签收的订单（待发货、已发货）通常记为 completed（设 kpi_options.refund_handling: clawback "
        "时，之后的退款在发生的当期扣回），未付款的订单（待付款）记为 cancelled，或用 data.filters.orders 排除")


def _after_sales(folder):
    """A shop export (有赞, 淘宝) that keeps an order refunded after delivery at 交易成功 and
    shows the refund only in 退款时间: O2 (250, refunded 10-20) and O3 (80, refunded 11-05)."""
    _write_csv(folder / "employees.csv", _employees())
    _write_csv(folder / "orders.csv", pd.DataFrame({
        "订单编号": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "工号": ["E1", "E1", "E1", "E1", "E1", "E2"],
        "客户编号": ["C1", "C2", "C3", "C4", "C5", "C6"],
        "下单时间": ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06"],
        "订单金额": ["100", "250", "80", "40", "60", "1000"],
        "订单状态": ["交易成功", "交易成功", "交易成功", "交易关闭", "已退款", "交易成功"],
        "退款时间": ["", "2026-10-20", "2026-11-05", "2026-10-03", "2026-10-10", ""],
    }))
    return {"values": {"orders": {"status": {"交易成功": "completed", "交易关闭": "cancelled",
                                             "已退款": "refunded"}}}}


def test_a_completed_order_with_a_refund_time_is_read_as_refunded(tmp_path):
    from salesperf_kit.kpis import compute_kpis
    mapping = _after_sales(tmp_path)
    ds = load_dataset(tmp_path, mapping=mapping)
    orders = ds.tables["orders"].set_index("order_id")
    # O4 (cancelled) and O5 (refunded) keep their status; O1 and O6 have no refund time
    assert orders["status"].to_dict() == {"O1": "completed", "O2": "refunded", "O3": "refunded",
                                          "O4": "cancelled", "O5": "refunded", "O6": "completed"}
    [w] = [w for w in ds.warnings if w.check == "refunded_after_completion"]
    assert (w.file, w.column, w.header) == ("orders.csv", "refunded_at", "退款时间")
    assert w.message == ("2 order(s) whose status is completed ('交易成功' 2) have a refund time in '退款时间' "
                         "(refunded_at), 330.00 in all: they are read as refunded, since the refund time says a "
                         "refund was made")
    assert w.text("zh") == ("2 笔订单的状态为 completed（「交易成功」2），但「退款时间」（refunded_at）已填写，"
                            "合计金额 330.00：已按退款（refunded）读取，因为退款时间说明已经退款")
    assert w.fix == ("nothing to do if these orders were refunded; to count them as sales instead, leave the "
                     "refund-time column out of the mapping (data.columns.orders: {退款时间: null}). A partial "
                     "refund cannot be told apart from a full one without a refund amount: each of these orders "
                     "is read as refunded in full")
    assert w.fix_text("zh") == ("若这些订单确已退款，无需处理；要把它们算作销售，则不映射退款时间列"
                                "（data.columns.orders: {退款时间: null}）。没有退款金额就无法区分部分退款："
                                "这些订单均按全额退款读取")
    # exclude: E1 sold O1 alone (100); refunded O2, O3, O5 of the 4 orders not cancelled
    res = compute_kpis(ds.tables, "2026-10", kpis=["revenue", "refund_rate"]).wide.set_index("employee_id")
    assert res.loc["E1", "revenue"] == pytest.approx(100.0)
    assert res.loc["E1", "refund_rate"] == pytest.approx(3 / 4)
    assert res.loc["E2", "revenue"] == pytest.approx(1000.0)
    # clawback: O3, refunded after October, counts in October (100 + 80) and is taken back in November
    claw = {"refund_handling": "clawback"}
    res = compute_kpis(ds.tables, "2026-10", kpis=["revenue"], options=claw).wide.set_index("employee_id")
    assert res.loc["E1", "revenue"] == pytest.approx(180.0)
    res = compute_kpis(ds.tables, "2026-11", kpis=["revenue"], options=claw)
    assert res.fact("clawback_amount")["E1"] == 80.0 and res.fact("clawback_orders")["E1"] == 1.0
    # left out of the mapping, the refund time is not read: the orders count as sales
    mapping["columns"] = {"orders": {"退款时间": None}}
    ds = load_dataset(tmp_path, mapping=mapping)
    assert "refunded_at" not in ds.tables["orders"]
    assert not [w for w in ds.warnings if w.check == "refunded_after_completion"]
    res = compute_kpis(ds.tables, "2026-10", kpis=["revenue"]).wide.set_index("employee_id")
    assert res.loc["E1", "revenue"] == pytest.approx(430.0)  # O1 + O2 + O3

def test_dates_that_read_day_or_month_first_are_reported_once_not_as_empty_cells(csv_folder):
    """05/10/2026 and 06/10/2026 may be 5 October or 10 May: one finding for the column;
    the cells are not empty, so no finding per row says they are."""
    _write_csv(csv_folder / "orders.csv", _orders().assign(order_date=["05/10/2026", "06/10/2026", "",
                                                                        "2026-10-31"]))
    report = validate_dataset(csv_folder)
    assert sorted((p.check, p.row) for p in report.problems) == [("ambiguous_date", None), ("not_nullable", 4)]
    assert "05/10/2026" not in str([p for p in report.problems if p.check == "not_nullable"])


def test_a_date_typed_unlike_the_rest_of_its_column_is_reported_at_its_row(csv_folder):
    """One 10/3/2026 14:00 among 5,008 ISO dates was 'can be read day-first or month-first and
    nothing in the column tells which', with no row and data.date_order as the fix: the
    column's other dates read one way only, so the cell is a slip to correct, at its row."""
    _write_csv(csv_folder / "orders.csv", _orders().assign(order_date=[
        "2026-10-01 09:00:00", "2026-10-02 10:30:00", "10/3/2026 14:00", "2026-10-31 08:00:00"]))
    [p] = validate_dataset(csv_folder).problems
    assert (p.check, p.file, p.row, p.column, p.value) == ("ambiguous_date_cell", "orders.csv", 4, "order_date",
                                                            "10/3/2026 14:00")
    assert str(p) == (
        "orders.csv, row 4, column 'order_date': 'order_date' is written unlike the column's other dates (such as "
        "'2026-10-01 09:00:00'), and can be read day-first or month-first (found '10/3/2026 14:00'). Fix: correct "
        "the cell in the export, writing the date as the column's other dates are written; if the export really "
        "writes its dates both ways, say how these read with data.date_order: month-first (9/1/2017 is 1 September) "
        "or day-first")
    assert p.line("zh") == (
        "orders.csv，第 4 行「order_date」列：「order_date」的写法与该列其他日期（如「2026-10-01 09:00:00」）不同，"
        "既可读作日在前，也可读作月在前（实际为「10/3/2026 14:00」）。修改方法：在导出文件中按该列其他日期的写法改正"
        "该单元格；如果导出文件确实两种写法都有，用 data.date_order 说明这些日期的读法：month-first（9/1/2017 为 "
        "9 月 1 日）或 day-first")
    # the plan's date order still reads it
    dates = load_dataset(csv_folder, mapping={"date_order": "day-first"}).tables["orders"]["order_date"]
    assert dates.iloc[2] == pd.Timestamp("2026-03-10 14:00")
    # a column written day/month/year throughout is still one finding that asks for data.date_order
    _write_csv(csv_folder / "orders.csv", _orders().assign(order_date=["10/3/2026", "11/3/2026", "2026-10-31",
                                                                        "12/3/2026"]))
    [p] = validate_dataset(csv_folder).problems
    assert (p.check, p.row) == ("ambiguous_date", None) and "nothing in the column tells which" in p.message


def test_a_default_is_blamed_only_for_the_cells_it_filled(csv_folder):
    _write_csv(csv_folder / "orders.csv", _orders().assign(status=["completed", "", "lost", "refunded"]))
    report = validate_dataset(csv_folder, mapping={"defaults": {"orders": {"status": "done"}}})
    cell, default = sorted(report.problems, key=lambda p: p.key or "")
    assert (cell.file, cell.row, cell.value, cell.key) == ("orders.csv", 4, "lost", None)
    assert (default.key, default.value, default.row) == ("data.defaults.orders.status", "done", None)


@pytest.mark.parametrize("mapping, match", [
    ({"column": {}}, "Unknown key 'data.column'.*Did you mean 'columns'"),
    ({"columns": {"order": {}}}, "data.columns.order: 'order' is not a table.*Did you mean 'orders'"),
    ({"columns": {"orders": {"close_value": "amout"}}}, "'amout' is not a column.*'amount'"),
    ({"defaults": {"employees": {"rol": "agent"}}}, "Did you mean 'role'"),
    ({"encoding": "klingon"}, "not an encoding"),
])
def test_malformed_mapping_raises(csv_folder, mapping, match):
    with pytest.raises(SalesperfError, match=match):
        load_dataset(csv_folder, mapping=mapping)


def test_mapped_header_absent_from_the_file(csv_folder):
    report = validate_dataset(csv_folder, mapping={"columns": {"orders": {"close_vale": "amount"}}})
    [p] = _problem(report, "mapping_header_missing", "amount")
    assert "close_vale" in p.message
    assert not [p for p in report.problems if p.check == "column_missing"]


def test_files_mapping_with_a_sheet(tmp_path):
    with pd.ExcelWriter(tmp_path / "crm.xlsx") as writer:
        _orders().to_excel(writer, sheet_name="Deals", index=False)
        _employees().to_excel(writer, sheet_name="Staff", index=False)
    ds = load_dataset(tmp_path, mapping={"files": {"orders": "crm.xlsx#Deals",
                                                   "employees": "crm.xlsx#Staff"}})
    assert set(ds.tables) == {"orders", "employees"}
    report = validate_dataset(tmp_path, mapping={"files": {"orders": "crm.xlsx#Deal"}})
    assert "Did you mean 'Deals'" in _problem(report, "sheet_missing")[0].fix


# --- parsing and row numbers ----------------------------------------------------------

def test_unparseable_values_are_reported_verbatim_with_row_and_column(tmp_path):
    orders = _orders()
    orders.loc[1, "order_date"] = "2026-13-01"
    orders.loc[2, "amount"] = "12,5"
    orders.loc[3, "amount"] = "15%"
    _write_csv(tmp_path / "orders.csv", orders)
    with pytest.raises(DataContractError) as err:
        load_dataset(tmp_path)
    [date] = _problem(err.value, "not_a_date", "order_date")
    assert (date.row, date.value, date.file) == (3, "2026-13-01", "orders.csv")
    bad = {(p.row, p.value) for p in _problem(err.value, "not_a_number", "amount")}
    assert bad == {(4, "12,5"), (5, "15%")}
    # a value that could not be parsed is not reported again as empty
    assert not [p for p in err.value.problems if p.check == "not_nullable"]


def test_a_date_written_as_excel_s_day_number_says_so(tmp_path):
    orders = _orders()
    orders.loc[1, "order_date"] = "46300.59"  # 2026-10-05 14:09, as Excel stores it
    _write_csv(tmp_path / "orders.csv", orders)
    with pytest.raises(DataContractError) as err:
        load_dataset(tmp_path)
    [date] = _problem(err.value, "not_a_date", "order_date")
    assert date.fix.endswith("; numbers such as 46300.59 are Excel's day numbers (2026-10-05): format the column "
                             "as a date in Excel before saving the export")


def test_row_numbers_match_excel(tmp_path):
    orders = _orders().assign(amount=[100, "n/a", 80, -5])
    orders.to_excel(tmp_path / "orders.xlsx", index=False)
    report = validate_dataset(tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "orders.xlsx").active
    where = {c.value: c.row for row in ws.iter_rows() for c in row}
    [text] = _problem(report, "not_a_number", "amount")
    [negative] = _problem(report, "greater_than_or_equal_to", "amount")
    assert text.row == where["n/a"] == 3
    assert negative.row == where[-5] == 5


def test_excel_dates_numbers_and_ids(tmp_path):
    orders = pd.DataFrame({
        "order_id": [1001, 1002, 1003],  # numeric ids stay as written
        "employee_id": ["E1", "E1", "E1"],
        "customer_id": ["C1", "C2", "C3"],
        "order_date": [dt.datetime(2026, 10, 1, 13, 5), "2026年10月2日", 46298],
        "amount": [1.5, "1,000", 3],
    })  # 46298: an Excel serial date, days since 1899-12-30, i.e. 2026-10-03
    orders.to_excel(tmp_path / "orders.xlsx", index=False)
    _add_employees(tmp_path)
    o = load_dataset(tmp_path).tables["orders"]
    assert o["order_id"].tolist() == ["1001", "1002", "1003"]
    assert o["order_date"].tolist() == [pd.Timestamp("2026-10-01 13:05"),
                                        pd.Timestamp("2026-10-02"), pd.Timestamp("2026-10-03")]
    assert o["amount"].tolist() == [1.5, 1000.0, 3.0]


def test_booleans_and_unknown_yes_no(tmp_path):
    calls = pd.DataFrame({"call_id": ["K1", "K2", "K3", "K4"], "employee_id": ["E1"] * 4,
                          "started_at": ["2026-10-01 09:00"] * 4, "duration_s": ["30"] * 4,
                          "connected": ["Y", "已接通", "0", "maybe"]})
    _write_csv(tmp_path / "calls.csv", calls)
    _add_employees(tmp_path)
    report = validate_dataset(tmp_path)
    [p] = _problem(report, "not_a_boolean", "connected")
    assert (p.row, p.value) == (5, "maybe")
    calls.loc[3, "connected"] = "未接通"
    _write_csv(tmp_path / "calls.csv", calls)
    assert load_dataset(tmp_path).tables["calls"]["connected"].tolist() == [True, True, False,
                                                                           False]


def test_value_aliases_recode_outcomes(tmp_path):
    calls = pd.DataFrame({"call_id": ["K1", "K2"], "employee_id": ["E1", "E1"],
                          "started_at": ["2026-10-01"] * 2, "duration_s": ["30", "60"],
                          "connected": ["是", "是"], "outcome": ["意向", "成交"]})
    _write_csv(tmp_path / "calls.csv", calls)
    _add_employees(tmp_path)
    assert load_dataset(tmp_path).tables["calls"]["outcome"].tolist() == ["intent", "deal"]


# --- warnings and lazy mode -----------------------------------------------------------

def test_other_files_beside_the_files_a_plan_names_are_not_told_to_be_renamed(tmp_path):
    """A CRM export's folder holds accounts.csv, products.csv and a data dictionary beside the
    two files data.files names: each was "not a table name ... Fix: rename the file", and the
    English message carried "订单, 员工" into an English report's appendix."""
    _write_csv(tmp_path / "sales_teams.csv", _employees())
    _write_csv(tmp_path / "pipeline.csv", _orders())
    (tmp_path / "accounts.csv").write_text("account,sector\nA,retail\n", encoding="utf-8")
    ds = load_dataset(tmp_path, mapping={"files": {"employees": "sales_teams.csv", "orders": "pipeline.csv"}})
    [w] = [w for w in ds.warnings if w.check == "unknown_file"]
    assert (w.file, w.message) == ("accounts.csv", "not loaded: data.files names the files of the tables read, "
                                                   "and not this one")
    assert str(w.fix).startswith("nothing to do if it holds none of the tables; otherwise name its table in "
                                 "data.files, e.g. data.files: {<table>: accounts.csv}")
    # without data.files, a file of no table name is told how to name it, in English alone
    (tmp_path / "sales_teams.csv").rename(tmp_path / "employees.csv")
    (tmp_path / "pipeline.csv").rename(tmp_path / "orders.csv")
    [w] = [w for w in load_dataset(tmp_path).warnings if w.check == "unknown_file"]
    assert w.message.startswith("not loaded: 'accounts' is not a table name (tables: employees, orders, ")
    assert not re.search(r"[\u4e00-\u9fff]", w.message) and "rename the file" in str(w.fix)


def test_warnings_for_unused_columns_unknown_files_and_rows_after_period(csv_folder):
    orders = _orders().assign(备注=["", "vip", "", ""])
    orders.loc[3, "order_date"] = "2026-11-03"
    _write_csv(csv_folder / "orders.csv", orders)
    (csv_folder / "readme.md").write_text("notes", encoding="utf-8")
    (csv_folder / "client.yaml").write_text("extends: telesales\ndata: {path: .}\n", encoding="utf-8")
    ds = load_dataset(csv_folder, period="2026-10")
    by_check = {w.check: w for w in ds.warnings}
    assert all(w.severity == "warning" for w in ds.warnings)
    assert "'备注'" in by_check["unused_columns"].message
    # (the plan kept beside the exports is no table the client forgot: not reported)
    assert [w.file for w in ds.warnings if w.check == "unknown_file"] == ["readme.md"]
    after = by_check["after_period"]
    assert after.table == "orders" and after.message.startswith("1 row(s) dated after 2026-10")
    assert "not counted in 2026-10" in after.message
    assert after.text("zh") == "1 行日期晚于 2026-10（「order_date」最晚 2026-11-03）：保留用于历史和以后的期间，不计入 2026-10"
    assert len(ds.tables["orders"]) == 4  # kept, not dropped


def test_rows_after_the_period_are_told_by_the_client_s_header(tmp_path):
    _write_csv(tmp_path / "employees.csv", _employees())
    _write_csv(tmp_path / "orders.csv", pd.DataFrame({
        "order_id": ["O1", "O2"], "employee_id": ["E1", "E1"], "customer_id": ["C1", "C2"],
        "won_date": ["2026-10-01", "2026-11-02"], "amount": [1, 2]}))
    ds = load_dataset(tmp_path, period="2026-10", mapping={"columns": {"orders": {"won_date": "order_date"}}})
    [w] = [w for w in ds.warnings if w.check == "after_period"]
    assert w.message.startswith("1 row(s) dated after 2026-10 ('won_date' (order_date) up to 2026-11-02)")
    assert w.text("zh").startswith("1 行日期晚于 2026-10（「won_date」最晚 2026-11-02）")


def test_lazy_parquet_is_left_on_disk(tmp_path):
    orders = _orders().assign(order_date=pd.to_datetime(_orders()["order_date"]),
                              amount=[100.0, 250.5, 80.0, 1000.0])
    orders.to_parquet(tmp_path / "orders.parquet")
    _write_csv(tmp_path / "employees.csv", _employees())
    ds = load_dataset(tmp_path, lazy=True)
    assert ds.lazy == {"orders": tmp_path / "orders.parquet"}
    assert "orders" in ds and "orders" not in ds.tables
    assert "employees" in ds.tables  # CSV tables load as usual
    orders.drop(columns="customer_id").assign(amount=["100"] * 4).to_parquet(
        tmp_path / "orders.parquet")
    with pytest.raises(DataContractError) as err:
        load_dataset(tmp_path, lazy=True)
    assert _problem(err.value, "column_missing", "customer_id")
    assert "expects number" in _problem(err.value, "column_type", "amount")[0].message


# --- the report -----------------------------------------------------------------------

def test_validate_dataset_reports_instead_of_raising(csv_folder):
    orders = _orders()
    orders.loc[2, "amount"] = "-80"
    _write_csv(csv_folder / "orders.csv", orders)
    report = validate_dataset(csv_folder)
    assert not report.ok
    assert report.tables == {"employees": 3, "orders": 4}
    text = report.text()
    assert "orders.csv" in text and "row 4" in text and "column 'amount'" in text
    assert text.splitlines()[-1].startswith("NOT OK: 1 error(s), 0 warning(s)")
    table = report.table()
    assert table.loc[0, ["row", "column", "check"]].tolist() == [4, "amount",
                                                               "greater_than_or_equal_to(0)"]


def test_report_summarises_many_problems_of_one_kind(csv_folder):
    orders = pd.concat([_orders()] * 5, ignore_index=True)
    orders["order_id"] = [f"O{i}" for i in range(len(orders))]
    orders["amount"] = ["x", "x", "n/a", "x"] * 5
    _write_csv(csv_folder / "orders.csv", orders)
    report = validate_dataset(csv_folder)
    assert len(report.problems) == 20
    # the rest by the values found (to recode them at once) and their rows, not the check's internal name
    assert ("... and 15 more like these in column 'amount' (found 'x' x11, 'n/a' x4; "
            "rows 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21)") in report.text(per_kind=5)


# --- the alias lists ------------------------------------------------------------------

def test_every_alias_points_to_one_contract_column():
    for table, columns in COLUMN_ALIASES.items():
        assert set(columns) <= set(TABLES[table].columns), table
        owner: dict[str, str] = {normalise(c): c for c in TABLES[table].columns}
        for column, aliases in columns.items():
            for alias in aliases:
                key = normalise(alias)
                assert owner.setdefault(key, column) == column, (table, alias)


@pytest.mark.parametrize("header", ["买家ID", "买家会员名"])
def test_a_shops_buyer_is_the_customer(csv_folder, header):
    """淘宝, 有赞 and 抖店 name the customer 买家ID or 买家会员名: the export stopped on a missing
    customer_id. 买家昵称 beside them is a display name, not an id: it is left unused."""
    orders = _orders().rename(columns={"customer_id": header}).assign(买家昵称=["小王", "小李", "小王", "阿三"])
    _write_csv(csv_folder / "orders.csv", orders)
    ds = load_dataset(csv_folder)
    assert ds.tables["orders"]["customer_id"].tolist() == ["C1", "C2", "C1", "C3"]
    [unused] = [w for w in ds.warnings if w.check == "unused_columns"]
    assert "'买家昵称'" in unused.message


def test_value_and_table_aliases_cover_the_contract():
    for table in TABLES:
        assert table_of_name(table) == table
        assert table_of_name(TABLES[table].zh) == table
    assert table_of_name("销售订单") == "orders" and table_of_name("Orders ") == "orders"
    assert set(TABLE_ALIASES.values()) == set(TABLES)
    assert VALUE_ALIASES["orders"]["status"]["已完成"] == "completed"
    assert VALUE_ALIASES["reviews"]["reviewer_type"]["同级"] == "peer"


def test_kpi_sheet_keeps_one_column_per_kpi(tmp_path):
    sheet = pd.DataFrame({"员工编号": ["E1", "E2"], "月份": ["2026年10月", "2026-10"],
                          "销售额": ["1,000", "2000"], "connect_rate": ["0.5", "0.25"],
                          "备注": ["", "new"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    ds = load_dataset(tmp_path)
    kpis = ds.tables["kpi_sheet"]
    assert list(kpis.columns) == ["employee_id", "period", "revenue", "connect_rate"]
    assert kpis["period"].tolist() == ["2026-10", "2026-10"]
    assert kpis["revenue"].tolist() == [1000.0, 2000.0]
    assert [w.check for w in ds.warnings] == ["unused_columns"]


def test_a_kpi_sheet_reads_the_usual_headers_of_orders_and_calls(tmp_path):
    """订单数 and 通话量 are how a monthly sheet heads orders and calls: read with no mapping,
    so that the average order value 1,000 / 4 = 250 can be derived."""
    sheet = pd.DataFrame({"工号": ["E1"], "月份": ["2026-10"], "销售额": ["1000"], "订单数": ["4"],
                          "通话量": ["120"], "外呼量": ["130"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    ds = load_dataset(tmp_path)
    kpis = ds.tables["kpi_sheet"]
    assert list(kpis.columns) == ["employee_id", "period", "revenue", "orders", "calls"]
    assert (kpis["orders"].tolist(), kpis["calls"].tolist()) == ([4.0], [120.0])
    # a second header for calls is left unused, as a warning, not read as the same column
    [w] = [w for w in ds.warnings if w.check == "unused_columns"]
    assert "'外呼量'" in w.message


@pytest.mark.parametrize("written", ["202610", "Oct-2026", "oct 2026", "October 2026", "2026-Oct"])
def test_a_kpi_sheet_month_written_as_a_number_or_with_its_english_name(tmp_path, written):
    sheet = pd.DataFrame({"工号": ["E1"], "月份": [written], "销售额": ["1000"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    assert load_dataset(tmp_path).tables["kpi_sheet"]["period"].tolist() == ["2026-10"]


@pytest.mark.parametrize("written", ["202613", "Oct-26", "20261"])
def test_a_kpi_sheet_period_that_is_no_month_is_still_an_error(tmp_path, written):
    sheet = pd.DataFrame({"工号": ["E1"], "月份": [written], "销售额": ["1000"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    [p] = _problem(validate_dataset(tmp_path), "not_a_period", "period")
    assert p.value == written


def test_a_kpi_sheet_with_two_rows_for_one_person_and_month_is_an_error(tmp_path):
    """Two rows of E1 for October (2026年10月 is 2026-10) would be added up into a revenue of
    3,000 and a connect rate of 0.75: an error naming both rows, not a silent sum."""
    sheet = pd.DataFrame({"工号": ["E1", "E2", "E1", "E1"], "月份": ["2026-10", "2026-10", "2026年10月", "2026-09"],
                          "销售额": ["1000", "500", "2000", "800"], "接通率": ["0.5", "0.4", "0.25", "0.3"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    [p] = _problem(validate_dataset(tmp_path), "duplicate_period")
    assert (p.file, p.row, p.column, p.value) == ("指标表.csv", 4, "period", "2026年10月")
    assert "also in row 2" in p.message and "employee_id 'E1'" in p.message and "keep one row" in p.fix



def test_a_second_target_row_for_one_period_person_and_kpi_is_an_error(tmp_path):
    """A revised target pasted under the old one (E1 revenue 2026-10: 104,846 then 90,000)
    was added up into 194,846 and validate passed: an error naming both rows, for a person
    and for a team. Another KPI, another month, or the team row beside its people is no repeat."""
    targets = pd.DataFrame({"period": ["2026-10", "2026-10", "2026-10", "2026-09", "2026-10", "2026-10", "2026-10"],
                            "employee_id": ["E1", "E1", "", "E1", "E1", "", ""],
                            "team": ["A", "A", "A", "A", "A", "A", "B"],
                            "kpi": ["revenue", "orders", "revenue", "revenue", "销售额", "revenue", "revenue"],
                            "target": ["104846", "30", "300000", "100000", "90000", "280000", "5000"]})
    _write_csv(tmp_path / "targets.csv", targets)
    _add_employees(tmp_path)
    person, team = _problem(validate_dataset(tmp_path), "duplicate_target")
    assert (person.file, person.row, person.column, person.value) == ("targets.csv", 6, "kpi", "销售额")
    assert "revenue target of employee_id 'E1' for 2026-10 is also in row 2" in person.message
    assert "keep one row per period, person (or team) and KPI: delete row 2 or this row" in person.fix
    assert team.row == 7 and "team 'A' for 2026-10 is also in row 4" in team.message
    assert "工号「E1」在 2026-10 的「销售额」目标在第 2 行已有一行" in person.message.zh
    targets = targets.drop(index=[4, 5])
    _write_csv(tmp_path / "targets.csv", targets)
    assert validate_dataset(tmp_path).ok
    # a row whose period cannot be read has its own error and is compared with no other
    targets = pd.DataFrame({"period": ["2026-10", "2026-13", "2026-10"], "employee_id": ["E1", "E1", "E1"],
                            "kpi": ["revenue", "revenue", "revenue"], "target": ["1", "2", "3"]})
    _write_csv(tmp_path / "targets.csv", targets)
    found = validate_dataset(tmp_path).problems
    assert [(p.check, p.row) for p in found] == [("not_a_period", 3), ("duplicate_target", 4)]
    assert "is also in row 2" in found[1].message


def test_a_mistyped_kpi_in_a_targets_file_is_answered_with_the_kpi_meant(tmp_path):
    """A Chinese targets file with 销售頟 (a one-character slip of 销售额) and 新客户 (for
    新客户数) got the catalogue's 64 English keys on every row and no suggestion."""
    targets = pd.DataFrame({"期间": ["2026-10", "2026-10", "2026-10"], "工号": ["E1", "E1", "E2"],
                            "指标": ["销售頟", "新客户", "销售额"], "目标": ["1000", "5", "2000"]})
    _write_csv(tmp_path / "目标.csv", targets)
    _add_employees(tmp_path)
    slip, short = _problem(validate_dataset(tmp_path), "isin", "kpi")
    assert (slip.row, slip.value, short.row, short.value) == (2, "销售頟", 3, "新客户")
    assert slip.message == "'指标' (kpi) is not a KPI of the catalogue"
    assert slip.fix.startswith("Did you mean '销售额'? Write the KPI's label")
    assert slip.fix.zh.startswith("是否应为「销售额」？写指标的中文名") and "revenue, units" not in slip.message.zh
    assert short.fix.zh.startswith("是否应为「新客户数」？")

def test_a_rate_in_a_kpi_sheet_may_be_written_as_a_percentage(tmp_path):
    """45% in a rate column of a KPI sheet is 0.45; a % in a column of amounts stays an error."""
    sheet = pd.DataFrame({"员工编号": ["E1", "E2"], "月份": ["2026-10", "2026-10"],
                          "接通率": ["45%", "0.52"], "销售额": ["1,000", "20%"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    [bad] = validate_dataset(tmp_path).problems
    assert (bad.column, bad.value) == ("revenue", "20%") and "is a percentage" in bad.message
    sheet["销售额"] = ["1,000", "2,000"]
    _write_csv(tmp_path / "指标表.csv", sheet)
    assert load_dataset(tmp_path).tables["kpi_sheet"]["connect_rate"].tolist() == [0.45, 0.52]
    # a connect rate of 45 and 52.5 (percent without its sign) is no share of the calls: an
    # error naming the rows, which says how to write them
    sheet["接通率"] = ["45", "52.5"]
    _write_csv(tmp_path / "指标表.csv", sheet)
    bad = validate_dataset(tmp_path).problems
    assert [(p.check, p.row, p.value) for p in bad] == [("share_above_one", 2, "45"), ("share_above_one", 3, "52.5")]
    assert bad[0].message == "'接通率' (connect_rate) is a share of at most 1 (100 %), but this is above it"
    assert bad[0].fix == "write the percentages as 0.45 or 45%"
    # counts in the column (335 connected calls): map the column to the count instead
    sheet["接通率"] = ["335", "0.5"]
    _write_csv(tmp_path / "指标表.csv", sheet)
    [bad] = validate_dataset(tmp_path).problems
    assert bad.row == 2 and "data.columns.kpi_sheet: {<header>: connected}" in bad.fix
    # growth may pass 100 %: 45 and 52.5 are read as given, with a warning
    sheet = sheet.drop(columns="接通率").assign(销售增长率=["45", "52.5"])
    _write_csv(tmp_path / "指标表.csv", sheet)
    [w] = [w for w in load_dataset(tmp_path).warnings if w.check == "rate_as_percent"]
    assert w.column == "growth" and "from 45 to 52.5" in w.message
    assert w.text("zh") == "'销售增长率' (growth) 的值都大于 1（45 至 52.5），但 growth 是比率：45 会被当作 4,500%"


def test_a_salesperson_named_instead_of_an_id_is_matched_by_name(tmp_path):
    emp = pd.DataFrame({"工号": ["E1", "E2", "E3", "E4"], "姓名": ["张三", "李四", "王五", "王五"],
                        "团队": ["一组"] * 4, "岗位": ["电销"] * 4, "上级": ["李四", "", "E2", "李四"]})
    orders = pd.DataFrame({"订单编号": ["O1", "O2", "O3", "O4"], "销售员": ["张三", "E2", "李四", "张三"],
                           "客户编号": ["C1", "C2", "C3", "C4"], "下单时间": ["2026-10-01"] * 4,
                           "订单金额": ["100", "200", "300", "400"]})
    _write_csv(tmp_path / "员工.csv", emp, encoding="utf-8-sig")
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    mapping = {"columns": {"orders": {"销售员": "employee_id"}, "employees": {"上级": "manager_id"}}}
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["orders"]["employee_id"].tolist() == ["E1", "E2", "E2", "E1"]
    managers = ds.tables["employees"]["manager_id"]
    assert managers.isna().tolist() == [False, True, False, False] and managers.dropna().tolist() == ["E2"] * 3
    w = {w.table: w for w in ds.warnings if w.check == "names_as_ids"}
    assert w["orders"].message == ("3 row(s) give a name where employee_id is expected; matched by the "
                                   "employees' names: '张三' → E1, '李四' → E2")
    assert w["orders"].text("zh") == "3 行的 employee_id 写的是姓名，已按员工表的姓名对应到工号：'张三' → E1, '李四' → E2"
    # two employees named 王五: never matched, the order stays an error
    orders.loc[3, "销售员"] = "王五"
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    [bad] = validate_dataset(tmp_path, mapping=mapping).problems
    assert (bad.check, bad.value, bad.row) == ("references", "王五", 5)
    # a list cut short with … is not followed by a full stop as well
    many = pd.DataFrame({"工号": [f"E{i}" for i in range(1, 8)], "姓名": list("甲乙丙丁戊己庚"),
                         "团队": ["一组"] * 7, "岗位": ["电销"] * 7})
    _write_csv(tmp_path / "员工.csv", many, encoding="utf-8-sig")
    _write_csv(tmp_path / "订单.csv", orders.iloc[:0].reindex(range(7)).assign(
        订单编号=[f"O{i}" for i in range(7)], 销售员=list("甲乙丙丁戊己庚"), 客户编号="C1",
        下单时间="2026-10-01", 订单金额="1"), encoding="utf-8-sig")
    mapping = {"columns": {"orders": {"销售员": "employee_id"}}}
    [w] = [w for w in load_dataset(tmp_path, mapping=mapping).warnings if w.check == "names_as_ids"]
    assert "'戊' → E5 … Fix: nothing to do" in str(w)


def test_a_salesperson_named_surname_first_is_matched_by_name(tmp_path):
    """A German ERP lists its people surname first (Müller, Jürgen) where the employees file
    writes Jürgen Müller: 4,524 'not an employee_id' errors, with no suggestion."""
    emp = pd.DataFrame({"employee_id": ["1110", "1115", "1120", "1121"],
                        "name": ["Jürgen Müller", "Björn Köhler", "Anna Weiß", "Anna Weiß"],
                        "team": ["West"] * 4, "role": ["rep"] * 4})
    _write_csv(tmp_path / "employees.csv", emp)
    _write_csv(tmp_path / "orders.csv", _orders().assign(
        employee_id=["Müller, Jürgen", "Köhler,Björn", "1110", "Müller , Jürgen"]))
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["employee_id"].tolist() == ["1110", "1115", "1110", "1110"]
    [w] = [w for w in ds.warnings if w.check == "names_as_ids"]
    assert "'Müller, Jürgen' → 1110" in w.message and "'Köhler,Björn' → 1115" in w.message
    # a name two people share stays an error
    _write_csv(tmp_path / "orders.csv", _orders().assign(employee_id=["Weiß, Anna", "1110", "1110", "1110"]))
    [bad] = validate_dataset(tmp_path).problems
    assert (bad.check, bad.value) == ("references", "Weiß, Anna")


def test_a_name_spaced_out_by_the_export_is_matched_and_a_slip_is_suggested(tmp_path):
    """An orders export whose 销售员 holds 王 芳 (spaced out to line up with three-character
    names, here with a full-width space too) gave "employee_id '王 芳' is not an employee_id
    of the employees table" with no word of 王芳, while 王芳 itself (and '王芳 ' with a
    trailing space) was matched by name. Names are compared without their inner spaces, as
    the warning says; a name with a same-sound character (吴夏 for 吴霞) is not matched, since
    it may be someone else, but the error suggests the person; so it does for a spaced name
    two employees share."""
    emp = pd.DataFrame({"工号": ["0016", "0007", "E3", "E4"], "姓名": ["吴霞", "王芳", "王五", "王五"],
                        "团队": ["华中一组"] * 4, "岗位": ["电销"] * 4})
    orders = pd.DataFrame({"订单编号": ["O1", "O2", "O3", "O4"], "销售员": ["王 芳", "王　芳", "王芳 ", "吴霞"],
                           "客户编号": ["C1", "C2", "C3", "C4"], "下单时间": ["2026-10-01"] * 4,
                           "订单金额": ["100", "200", "300", "400"]})
    _write_csv(tmp_path / "员工.csv", emp, encoding="utf-8-sig")
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    mapping = {"columns": {"orders": {"销售员": "employee_id"}}}
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["orders"]["employee_id"].tolist() == ["0007", "0007", "0007", "0016"]
    [w] = [w for w in ds.warnings if w.check == "names_as_ids"]
    assert w.message == ("4 row(s) give a name where employee_id is expected; matched by the employees' names: "
                         "'王 芳' → 0007, '王\u3000芳' → 0007, '王芳' → 0007, '吴霞' → 0016")
    assert "whatever the spaces inside it (王 芳 for 王芳)" in w.fix
    orders["销售员"] = ["吴夏", "王 五", "王芳", "吴霞"]
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    slip, shared = validate_dataset(tmp_path, mapping=mapping).problems
    assert (slip.check, slip.value, shared.value) == ("references", "吴夏", "王 五")
    assert slip.fix == "add the person to employees, or correct the id. Did you mean 吴霞 (0016)?"
    assert shared.fix == "add the person to employees, or correct the id. Did you mean 王五 (E3) or 王五 (E4)?"
    assert slip.fix.zh.endswith("是否应为吴霞（0016）？") and shared.fix.zh.endswith("是否应为王五（E3）或王五（E4）？")


def test_a_name_decorated_with_emoji_is_matched_and_the_error_names_the_column_by_its_header(tmp_path):
    """A shop export names its promoters by their WeChat nicknames, 陈静🌸 and ✨徐丽✨: they are
    matched as 王 芳 is (emoji, symbols and the joiners and selectors that draw them are left
    out when names are compared), with the warning listing them; one that two people share is
    suggested. The error names the column by the export's header (推广员), as the error about
    an empty cell of the column does."""
    emp = pd.DataFrame({"工号": ["0104", "0303", "E3", "E4"], "姓名": ["陈静", "徐丽", "王五", "王五"],
                        "团队": ["杭州一店"] * 4, "岗位": ["导购"] * 4})
    orders = pd.DataFrame({"订单编号": ["O1", "O2", "O3", "O4"], "推广员": ["陈静🌸", "✨徐丽✨", "👩‍💼陈静", "陈静"],
                           "客户编号": ["C1", "C2", "C3", "C4"], "下单时间": ["2026-10-01"] * 4,
                           "订单金额": ["100", "200", "300", "400"]})
    _write_csv(tmp_path / "员工.csv", emp, encoding="utf-8-sig")
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    mapping = {"columns": {"orders": {"推广员": "employee_id"}}}
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["orders"]["employee_id"].tolist() == ["0104", "0303", "0104", "0104"]
    [w] = [w for w in ds.warnings if w.check == "names_as_ids"]
    assert sorted(w.message.split(": ", 1)[1].split(", ")) == ["'✨徐丽✨' → 0303", "'陈静' → 0104", "'陈静🌸' → 0104",
                                                               "'👩‍💼陈静' → 0104"]
    assert w.fix == ("nothing to do if the names are right; a name is matched whatever the spaces inside it (王 芳 "
                     "for 王芳), the emoji or symbols around it (陈静🌸 for 陈静) and a surname written first "
                     "(Müller, Jürgen for Jürgen Müller), and two employees of the same name are never matched")
    orders["推广员"] = ["王五🌸", "陈静", "小鱼儿", "陈静"]
    _write_csv(tmp_path / "订单.csv", orders, encoding="utf-8-sig")
    shared, other = validate_dataset(tmp_path, mapping=mapping).problems
    assert (shared.check, shared.value, shared.column, shared.header) == ("references", "王五🌸", "employee_id", "推广员")
    assert str(shared) == ("订单.csv, row 2, column 'employee_id': '推广员' (employee_id) '王五🌸' is not an employee_id "
                           "of the employees table. Fix: add the person to employees, or correct the id. Did you mean "
                           "王五 (E3) or 王五 (E4)?")
    assert other.line("zh") == ("订单.csv，第 4 行「推广员」列：「推广员」（employee_id）「小鱼儿」不是员工表中的工号。"
                                "修改方法：把此人加入员工表，或改正工号")


def test_ids_that_excel_stripped_of_their_leading_zeros_are_matched(tmp_path):
    """The employees sheet keeps 工号 00123 as text, the orders sheet has it as the number
    123 (Excel drops leading zeros), and a manager column the other way round: they are the
    same people. Two ids that differ only by their zeros (007, 0007) are never guessed."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "员工"
    for row in (["工号", "姓名", "团队", "岗位", "上级"], ["00123", "张三", "一组", "电销", None],
                ["00124", "李四", "一组", "电销", "123"], ["007", "王五", "一组", "电销", None],
                ["0007", "赵六", "一组", "电销", None]):
        ws.append(row)
    ws = wb.create_sheet("订单")
    for row in (["订单编号", "工号", "客户编号", "下单时间", "订单金额"], ["O1", 123, "C1", "2026-10-01", 100],
                ["O2", 124, "C2", "2026-10-02", 250], ["O3", "00123", "C3", "2026-10-03", 50],
                ["O4", 7, "C4", "2026-10-04", 10]):
        ws.append(row)
    wb.save(tmp_path / "导出.xlsx")
    mapping = {"columns": {"employees": {"上级": "manager_id"}}}
    [bad] = validate_dataset(tmp_path / "导出.xlsx", mapping=mapping).problems
    assert (bad.check, bad.value, bad.row) == ("references", "7", 5)  # 007 or 0007: not guessed
    ws.delete_rows(5)
    wb.save(tmp_path / "导出.xlsx")
    ds = load_dataset(tmp_path / "导出.xlsx", mapping=mapping)
    orders = ds.tables["orders"]
    assert orders.groupby("employee_id")["amount"].sum().to_dict() == {"00123": 150.0, "00124": 250.0}
    assert ds.tables["employees"]["manager_id"].tolist()[1] == "00123"
    w = {w.table: w for w in ds.warnings if w.check == "ids_without_zeros"}
    assert w["orders"].message == ("2 row(s) give employee_id with other leading zeros than the employees' "
                                   "ids; matched: '123' → 00123, '124' → 00124")
    assert w["orders"].text("zh") == "2 行的 employee_id 与员工表的工号只差前导零，已对应到工号：'123' → 00123, '124' → 00124"


def _staff_book() -> openpyxl.Workbook:
    """A workbook whose first sheet, 员工, holds one agent: E1 张三 of 一组."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "员工"
    for row in (["工号", "姓名", "团队", "岗位"], ["E1", "张三", "一组", "电销"]):
        ws.append(row)
    return wb


def test_a_rate_target_written_as_a_percentage_says_to_write_the_fraction(tmp_path):
    """接通率 80% in a targets sheet: the fix said "0.15 or 15, as the column means", leaving
    the consultant to guess; a rate KPI's target is the fraction, 0.8."""
    wb = _staff_book()
    ws = wb.create_sheet("目标")
    for row in (["期间", "工号", "指标", "目标"], ["2026-10", "E1", "接通率", "80%"]):
        ws.append(row)
    wb.save(tmp_path / "导出.xlsx")
    [bad] = [p for p in validate_dataset(tmp_path / "导出.xlsx").problems if p.table == "targets"]
    assert (bad.check, bad.value) == ("not_a_number", "80%")
    assert bad.fix == "write the number without %: a rate KPI's target as a fraction (80% as 0.8), any other target " \
                      "as the plain number"
    assert bad.fix_text("zh") == "去掉 % 写数字：比率类指标（如接通率）的目标写小数，80% 写 0.8；其他指标的目标写普通数字"


def test_a_row_of_units_under_the_header_is_read_as_the_headers_units(tmp_path):
    """Chinese reports print units under the header (通话时长 / 分钟, 成交金额 / 万元): the
    row was read as a record and gave an error per cell asking to fill it in. It is read as
    the headers' units (2.5 minutes: 150 s; 1.2 万元: 12,000) and left out, with a warning; a
    % row is not taken for units."""
    wb = _staff_book()
    ws = wb.create_sheet("通话记录")
    for row in (["通话编号", "工号", "呼叫时间", "通话时长", "是否接通"], [None, None, None, "分钟", None],
                ["K1", "E1", "2026-10-01 09:00", 2.5, "是"]):
        ws.append(row)
    ws = wb.create_sheet("订单")
    for row in (["订单编号", "工号", "客户编号", "下单时间", "成交金额", "数量"], [None, None, None, None, "（万元）", "件"],
                ["O1", "E1", "C1", "2026-10-01", 1.2, 3]):
        ws.append(row)
    wb.save(tmp_path / "导出.xlsx")
    ds = load_dataset(tmp_path / "导出.xlsx")
    assert ds.tables["calls"]["duration_s"].tolist() == [150.0]
    assert ds.tables["orders"]["amount"].tolist() == [12000.0]
    rows = {w.table: w for w in ds.warnings if w.check == "units_row"}
    assert (rows["orders"].sheet, rows["orders"].row) == ("订单", 2)
    assert rows["orders"].message == ("the row under the header gives units ('成交金额': 万元, '数量': 件): read as "
                                      "the headers' units and left out")
    assert rows["calls"].text("zh") == "表头下的这一行是单位（「通话时长」：分钟）：已作为表头的单位读取，不计入记录"
    ws["E2"] = "%"  # (a % among the units: the row stays a row to correct)
    wb.save(tmp_path / "导出.xlsx")
    assert [p.row for p in validate_dataset(tmp_path / "导出.xlsx").problems if p.table == "orders"][:1] == [2]


def test_a_header_of_two_rows_is_read_as_one(tmp_path):
    """A group label merged over two columns (通话情况 over 通话时长 and 是否接通), the other
    headers merged down both rows: the columns' names were in the row the kit read as data,
    and the error asked for a data.columns entry that could not help."""
    wb = _staff_book()
    ws = wb.create_sheet("通话记录")
    for row in (["通话编号", "工号", "呼叫时间", "通话情况", None], [None, None, None, "通话时长", "是否接通"],
                ["K1", "E1", "2026-10-01 09:00", 143, "是"], ["K2", "E1", "2026-10-01 10:00", 0, "否"]):
        ws.append(row)
    ws.merge_cells("D1:E1")
    for col in "ABC":
        ws.merge_cells(f"{col}1:{col}2")
    wb.save(tmp_path / "导出.xlsx")
    ds = load_dataset(tmp_path / "导出.xlsx")
    calls = ds.tables["calls"]
    assert calls["duration_s"].tolist() == [143.0, 0.0] and calls["connected"].tolist() == [True, False]
    [w] = [w for w in ds.warnings if w.check == "header_two_rows"]
    assert (w.sheet, w.row) == ("通话记录", 2)
    assert w.message == ("the header spans two rows: the names in the row under it ('通话时长' under '通话情况', "
                         "'是否接通') are read as the columns' headers")
    # a first record of text alone, with a column's name under an unknown header, is a record
    staff = _staff_book()
    staff.active.cell(row=1, column=5, value="备注")
    staff.active.cell(row=2, column=5, value="部门")
    staff.save(tmp_path / "员工.xlsx")
    assert load_dataset(tmp_path / "员工.xlsx", tables=["employees"]).tables["employees"]["employee_id"].tolist() == ["E1"]


def test_a_hidden_sheet_named_after_a_table_is_not_read_unless_data_files_names_it(tmp_path):
    """The client hid last month's 订单 sheet (amounts doubled) and sent this month's orders on
    a sheet named 10月成交: the hidden copy was read as the orders, with no word. It is left
    out with a warning, and read when data.files names it."""
    wb = _staff_book()
    for title, amount in (("10月成交", 100), ("订单", 200)):
        ws = wb.create_sheet(title)
        for row in (["订单编号", "工号", "客户编号", "下单时间", "订单金额"], ["O1", "E1", "C1", "2026-10-01", amount]):
            ws.append(row)
    wb["订单"].sheet_state = "hidden"
    wb.save(tmp_path / "导出.xlsx")
    ds = load_dataset(tmp_path / "导出.xlsx", mapping={"files": {"orders": "导出.xlsx#10月成交"}})
    assert ds.tables["orders"]["amount"].tolist() == [100.0]
    [w] = [w for w in ds.warnings if w.check == "hidden_sheet"]
    assert (w.table, w.sheet) == ("orders", "订单")
    assert w.text("zh") == "工作表「订单」在工作簿中是隐藏的，未作为「订单」表加载"
    report = validate_dataset(tmp_path / "导出.xlsx")  # (without the mapping: no orders, and the warning says why)
    assert [w.sheet for w in report.warnings if w.check == "hidden_sheet"] == ["订单"]
    assert "orders" not in load_dataset(tmp_path / "导出.xlsx").tables
    named = load_dataset(tmp_path / "导出.xlsx", mapping={"files": {"orders": "导出.xlsx#订单"}})
    assert named.tables["orders"]["amount"].tolist() == [200.0]
    assert not [w for w in named.warnings if w.check == "hidden_sheet"]


def test_orders_that_excel_rounded_to_one_id_are_not_taken_for_lines_of_one_order(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单编号", "员工编号", "客户编号", "下单时间", "订单金额"])
    for order in (3456789012345678901, 3456789012345678902):  # both 3.45678901234568E+18 in Excel
        ws.append([float(f"{order:.15g}"), "E1", "C1", "2026-10-01", 100])
    _employees().to_csv(tmp_path / "employees.csv", index=False)
    wb.save(tmp_path / "orders.xlsx")
    dup = [p for p in validate_dataset(tmp_path).problems if p.check == "field_uniqueness"]
    assert dup and all("the id looks rounded by Excel (15 significant digits)" in p.fix for p in dup)
    assert not [p for p in dup if "add data.lines" in p.fix]


def test_long_ids_that_excel_rounded_are_reported(tmp_path):
    """An 18-digit order number and a 16-digit buyer id that went through Excel as numbers
    keep 15 significant digits: 3456789012345678901 is read back as 3456789012345679872
    (the double nearest to 3.45678901234568E+18) and 2208123456789012 as 2208123456789010.
    Distinct buyers would then be counted as one: the column is reported, not trusted."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["订单编号", "员工编号", "客户编号", "下单时间", "订单金额"])
    for order, buyer in ((3456789012345678901, 2208123456789012), (3456789012345670001, 2208123456789013)):
        ws.append([float(f"{order:.15g}"), "E1", float(f"{buyer:.15g}"), "2026-10-01", 100])
    _employees().to_csv(tmp_path / "employees.csv", index=False)
    wb.save(tmp_path / "orders.xlsx")
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["customer_id"].tolist() == ["2208123456789010"] * 2  # one buyer now
    w = {w.column: w for w in ds.warnings if w.check == "rounded_id"}
    assert w["customer_id"].message == (
        "the 2 value(s) of '客户编号' (customer_id) longer than 15 digits all look rounded (e.g. "
        "'2208123456789010'): Excel keeps 15 significant digits of a number, so these ids have probably lost "
        "their last digits and different records may share one")
    assert "'3456789012345679872'" in w["order_id"].message
    # a CSV that Excel saved writes them in scientific notation: an error per cell
    pd.DataFrame({"订单编号": ["3.45679E+18", "3.45679E+18"], "员工编号": ["E1", "E1"], "客户编号": ["C1", "C2"],
                  "下单时间": ["2026-10-01"] * 2, "订单金额": ["1", "2"]}).to_csv(tmp_path / "orders.csv", index=False)
    (tmp_path / "orders.xlsx").unlink()
    bad = [p for p in validate_dataset(tmp_path).problems]
    assert [(p.check, p.row, p.value) for p in bad] == [("rounded_id", 2, "3.45679E+18"), ("rounded_id", 3, "3.45679E+18")]
    assert bad[0].message == ("'订单编号' (order_id) is a number in scientific notation: Excel rounded the id, so "
                              "different records may now share it")
    # 16-digit ids that are not all rounded are not questioned
    ids = pd.DataFrame({"订单编号": ["1234567890123456", "1234567890123450"], "员工编号": ["E1", "E1"],
                        "客户编号": ["C1", "C2"], "下单时间": ["2026-10-01"] * 2, "订单金额": ["1", "2"]})
    ids.to_csv(tmp_path / "orders.csv", index=False)
    assert not [w for w in load_dataset(tmp_path).warnings if w.check == "rounded_id"]


def test_a_customer_id_written_with_and_without_its_zeros_is_flagged(tmp_path):
    """Buyer 000777 typed as text in one row and as the number 777 (Excel dropped the zeros)
    in another would count as two customers, one new and none repeat: a warning says so."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["订单编号", "员工编号", "客户编号", "下单时间", "订单金额"])
    ws.append(["O1", "E1", "000777", "2026-10-01", 100])
    ws.append(["O2", "E1", 777, "2026-10-02", 100])
    ws.append(["O3", "E1", "0123", "2026-10-03", 100])
    wb.save(tmp_path / "orders.xlsx")
    _add_employees(tmp_path)
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["customer_id"].tolist() == ["000777", "777", "0123"]  # as written
    [w] = [w for w in ds.warnings if w.check == "ids_with_and_without_zeros"]
    assert (w.column, w.message) == ("customer_id", "'客户编号' (customer_id) writes 1 id(s) both with and "
                                     "without leading zeros ('000777' and '777'): they are counted as different ids")


def test_recoded_yes_no_values(tmp_path):
    calls = pd.DataFrame({"call_id": ["K1", "K2"], "employee_id": ["E1", "E1"],
                          "started_at": ["2026-10-01"] * 2, "duration_s": ["30", "0"],
                          "connected": ["Answered", "Abandoned"]})
    _write_csv(tmp_path / "calls.csv", calls)
    _add_employees(tmp_path)
    mapping = {"values": {"calls": {"connected": {"Abandoned": False}}}}
    assert load_dataset(tmp_path, mapping=mapping).tables["calls"]["connected"].tolist() == [
        True, False]


# --- mistakes in the mapping and the data, stated once and plainly --------------------

def test_value_target_that_is_not_allowed_is_one_error_naming_the_key(csv_folder):
    mapping = {"values": {"orders": {"status": {"Yes": "refund"}}}}
    with pytest.raises(SalesperfError) as err:
        validate_dataset(csv_folder, mapping=mapping)
    text = str(err.value)
    assert text.startswith("data.values.orders.status maps 'Yes' to 'refund', which is not an "
                           "allowed value of orders.status: expected one of completed, "
                           "cancelled, refunded. Did you mean 'refunded'? Fix:")
    assert "{'Yes': refunded}" in text
    # a yes/no column accepts yes/no targets only
    with pytest.raises(SalesperfError, match=r"data\.values\.calls\.connected maps 'Answered' to "
                                             r"'maybe', but calls\.connected is a yes/no column"):
        validate_dataset(csv_folder, mapping={"values": {"calls": {"connected": {
            "Answered": "maybe"}}}})
    # targets written in another case or as a known alias are accepted
    ok = {"values": {"orders": {"status": {"Won": "Completed", "Lost": "已取消"}}}}
    assert validate_dataset(csv_folder, mapping=ok).ok


def _answered_orders(folder):
    """Orders with a Y/N column: 3 Y and 1 N."""
    _write_csv(folder / "orders.csv", _orders().assign(**{"Answered (Y/N)": ["Y", "N", "Y", "Y"]}))
    return folder


def test_filter_that_removes_every_row_is_an_error_with_the_yaml_hint(csv_folder):
    import yaml

    _answered_orders(csv_folder)
    mapping = yaml.safe_load('filters: {orders: {"Answered (Y/N)": [Yes]}}')  # [Yes] -> [True]
    assert mapping["filters"]["orders"]["Answered (Y/N)"] == [True]
    report = validate_dataset(csv_folder, mapping=mapping)
    [p] = report.problems
    assert p.check == "filter_removes_all" and p.table == "orders" and p.file == "orders.csv"
    assert p.message == ("data.filters.orders.Answered (Y/N) keeps [True], but no row of the "
                         "column has one of these values, so it would remove all 4 row(s); "
                         "values found: 'Y' 3, 'N' 1")
    assert "data.filters.orders.Answered (Y/N): ['Y']" in p.fix
    assert "quote the values in the parameter file, e.g. ['Yes'] instead of [Yes]" in p.fix
    assert not [w for w in report.warnings if w.check == "filtered_rows"]
    assert report.tables["orders"] == 0
    # text values that match nothing: the same error, without the YAML hint
    report = validate_dataset(csv_folder, mapping={"filters": {"orders": {"status": ["Won"]}}})
    [p] = report.problems
    assert p.check == "filter_removes_all" and "keeps ['Won']" in p.message
    assert "'completed' 2" in p.message and "YAML" not in p.fix
    # a filter that keeps some rows is still a warning
    ds = load_dataset(csv_folder, mapping={"filters": {"orders": {"Answered (Y/N)": ["Y"]}}})
    assert ds.tables["orders"].index.tolist() == [0, 2, 3]
    [w] = [w for w in ds.warnings if w.check == "filtered_rows"]
    assert w.message.startswith("1 row(s) removed by data.filters.orders.Answered (Y/N)")
    # (the key and the count it records for the report are not quoted as a value found)
    assert "found" not in str(w) and "实际为" not in w.line("zh") and w.value == {
        "key": "data.filters.orders.Answered (Y/N)", "rows": 1}


def _refund_states(folder):
    """Orders with a 退款状态 column, blank where there was no refund: rows 0 and 2 blank."""
    _write_csv(folder / "orders.csv", _orders().assign(退款状态=["", "退款成功", "", "退款中"]))
    return folder


@pytest.mark.parametrize("blank", ["", None, "(empty)", "（空白）", " "])
def test_a_filter_keeps_blank_cells_by_an_empty_value_or_the_word_for_a_blank(csv_folder, blank):
    _refund_states(csv_folder)
    ds = load_dataset(csv_folder, mapping={"filters": {"orders": {"退款状态": [blank, "退款中"]}}})
    assert ds.tables["orders"].index.tolist() == [0, 2, 3]
    [w] = [w for w in ds.warnings if w.check == "filtered_rows"]
    assert w.message == "1 row(s) removed by data.filters.orders.退款状态 (kept: (empty), 退款中): 退款成功 1"
    assert w.text("zh") == "按 data.filters.orders.退款状态 去掉 1 行（保留：（空白）、退款中）：退款成功 1"
    assert not [w for w in ds.warnings if w.check.startswith("filter_value")]


def test_a_filter_leaves_out_the_values_of_its_not_form(csv_folder):
    from salesperf_kit.params import DataMapping

    _refund_states(csv_folder)
    mapping = {"filters": {"orders": {"退款状态": {"not": ["", "退款成功"]}}}}
    DataMapping.model_validate(mapping)  # a plan accepts the form
    ds = load_dataset(csv_folder, mapping=mapping)
    assert ds.tables["orders"].index.tolist() == [3]
    [w] = [w for w in ds.warnings if w.check == "filtered_rows"]
    assert w.message == ("3 row(s) removed by data.filters.orders.退款状态 (left out: (empty), 退款成功): "
                         "(empty) 2, 退款成功 1")
    assert w.text("zh") == "按 data.filters.orders.退款状态 去掉 3 行（去掉：（空白）、退款成功）：（空白） 2、退款成功 1"
    # one value alone, and a value no row has: a warning naming it
    ds = load_dataset(csv_folder, mapping={"filters": {"orders": {"退款状态": {"not": "退款中"}}}})
    assert ds.tables["orders"].index.tolist() == [0, 1, 2]
    ds = load_dataset(csv_folder, mapping={"filters": {"orders": {"status": {"not": ["cancelled", "lost"]}}}})
    assert ds.tables["orders"]["status"].tolist() == ["completed", "completed", "refunded"]
    [w] = [w for w in ds.warnings if w.check == "filter_value_unmatched"]
    assert w.message == "data.filters.orders.status leaves out 'lost', which no row of the column has"
    # a slip away from a value it keeps: the rows meant to go would stay
    report = validate_dataset(csv_folder, mapping={"filters": {"orders": {"status": {"not": ["refundd"]}}}})
    [p] = report.problems
    assert p.check == "filter_value_misspelt"
    assert p.message.startswith("data.filters.orders.status leaves out 'refundd', which no row of the column has, "
                                "and keeps the 1 row(s) of 'refunded', one typing slip away from it")
    assert p.fix == ("write 'refunded' instead of 'refundd' in data.filters.orders.status to leave those rows out, "
                     "or remove 'refundd' from it to keep them")
    assert p.fix.zh == ("要去掉这些行，在 data.filters.orders.status 中把「refundd」改为「refunded」；"
                        "要保留它们，则从中删除「refundd」")
    # leaving out every value is an error
    report = validate_dataset(csv_folder, mapping={"filters": {"orders": {"status": {"not": [
        "completed", "cancelled", "refunded"]}}}})
    [p] = report.problems
    assert p.check == "filter_removes_all"
    assert p.message == ("data.filters.orders.status leaves out ['completed', 'cancelled', 'refunded'], which are "
                         "the values of every row of the column, so it would remove all 4 row(s)")
    with pytest.raises(SalesperfError, match=r"data\.filters\.orders\.status lists the values to keep .* Did you "
                                             r"mean 'not'\?"):
        load_dataset(csv_folder, mapping={"filters": {"orders": {"status": {"nto": ["cancelled"]}}}})


def test_a_filter_that_keeps_very_few_rows_is_a_warning_saying_so(csv_folder):
    orders = pd.DataFrame({"order_id": [f"O{i}" for i in range(100)], "employee_id": "E1", "customer_id": "C1",
                           "order_date": "2026-10-01", "amount": "10",
                           "status": ["refunded"] * 4 + ["completed"] * 96})
    _write_csv(csv_folder / "orders.csv", orders)
    ds = load_dataset(csv_folder, mapping={"filters": {"orders": {"status": ["refunded"]}}})
    assert len(ds.tables["orders"]) == 4
    [w] = [w for w in ds.warnings if w.check == "filter_keeps_few"]
    assert w.message == ("data.filters.orders keeps only 4 of 100 rows (4.0%) and removes 96: check that the "
                         "filters (status) keep the rows to count")
    assert w.text("zh") == ("data.filters.orders 只保留了 100 行中的 4 行（4.0%），去掉了 96 行：请检查这些筛选条件"
                            "（status）是否保留了应计入的行")
    assert w.fix.startswith("nothing to do if so few rows are to be counted; otherwise loosen data.filters.orders")
    # 5 of 100 is not very few; nor is a small table
    _write_csv(csv_folder / "orders.csv", orders.assign(status=["refunded"] * 5 + ["completed"] * 95))
    ds = load_dataset(csv_folder, mapping={"filters": {"orders": {"status": ["refunded"]}}})
    assert not [w for w in ds.warnings if w.check == "filter_keeps_few"]
    _write_csv(csv_folder / "orders.csv", orders.head(99).assign(status=["refunded"] + ["completed"] * 98))
    ds = load_dataset(csv_folder, mapping={"filters": {"orders": {"status": ["refunded"]}}})
    assert not [w for w in ds.warnings if w.check == "filter_keeps_few"]


def test_a_filter_value_a_slip_away_from_a_removed_value_is_an_error(tmp_path):
    """'Lsot' for Lost: 'Won' keeps rows, so nothing else would stop the Lost deals being dropped."""
    mapping = _maven_like(tmp_path)
    mapping["filters"] = {"orders": {"deal_stage": ["Won", "Lsot"]}}
    report = validate_dataset(tmp_path, mapping=mapping)
    [p] = report.problems
    assert (p.check, p.file, p.column) == ("filter_value_misspelt", "sales_pipeline.csv", "status")
    assert p.message == ("data.filters.orders.deal_stage keeps 'Lsot', which no row of the column has, and "
                         "removes the 1 row(s) of 'Lost', one typing slip away from it. Did you mean 'Lost'?")
    assert p.fix == ("write 'Lost' instead of 'Lsot' in data.filters.orders.deal_stage to keep those rows, "
                     "or remove 'Lsot' from it to leave them out")
    # the same slip written as the recoded value: 'cancelld' for cancelled
    mapping["filters"] = {"orders": {"deal_stage": ["completed", "cancelld"]}}
    [p] = validate_dataset(tmp_path, mapping=mapping).problems
    assert p.message.startswith("data.filters.orders.deal_stage keeps 'cancelld', which no row of the column "
                                "has, and removes the 1 row(s) of 'cancelled', one typing slip away from it")


@pytest.mark.parametrize("kept, hint", [
    (["Won", "Lost", "On hold"], ""),  # a status that did not occur in this export
    (["Won", "Lost", "Engagd"], ", and removes the 1 row(s) of 'Engaging'. Did you mean 'Engaging'?"),
    (["Won", "Lost", "Prospect"], ", and removes the 1 row(s) of 'Prospecting'. Did you mean 'Prospecting'?"),
])
def test_a_filter_value_no_row_has_is_a_warning_with_the_closest_value(tmp_path, kept, hint):
    mapping = _maven_like(tmp_path)
    mapping["filters"] = {"orders": {"deal_stage": kept}}
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["orders"].index.tolist() == [0, 1, 3]
    [w] = [w for w in ds.warnings if w.check == "filter_value_unmatched"]
    assert (w.file, w.column) == ("sales_pipeline.csv", "status")
    assert w.message == (f"data.filters.orders.deal_stage keeps {kept[2]!r}, which no row of the column has"
                         + hint)
    assert w.fix == f"nothing to do if no row has {kept[2]!r} in this export; otherwise write it as the column does"


def test_a_chinese_filter_value_an_input_method_slip_away_is_an_error_too(tmp_path):
    """已流式 for 已流失 (the same sound, the wrong character): a warning that validate
    passed as OK while 2,473 lost deals were dropped; 'Lsot' for Lost was an error."""
    mapping = _maven_like(tmp_path)
    pipeline = pd.read_csv(tmp_path / "sales_pipeline.csv", dtype=str, keep_default_na=False)
    pipeline["deal_stage"] = pipeline["deal_stage"].map({"Won": "已成交", "Lost": "已流失", "Engaging": "跟进中",
                                                         "Prospecting": "初步接洽"})
    _write_csv(tmp_path / "sales_pipeline.csv", pipeline)
    mapping["filters"] = {"orders": {"deal_stage": ["已成交", "已流式"]}}
    [p] = validate_dataset(tmp_path, mapping=mapping).problems
    assert p.check == "filter_value_misspelt"
    assert p.message == ("data.filters.orders.deal_stage keeps '已流式', which no row of the column has, and "
                         "removes the 1 row(s) of '已流失', one typing slip away from it. Did you mean '已流失'?")
    # a value of another meaning, one character apart (未 for 已), is not a slip: a warning
    mapping["filters"] = {"orders": {"deal_stage": ["已成交", "未成交"]}}
    report = validate_dataset(tmp_path, mapping=mapping)
    assert not report.problems and [w.check for w in report.warnings if w.check.startswith("filter_value")] == [
        "filter_value_unmatched"]

@pytest.mark.parametrize("a, b, slip", [
    ("lsot", "lost", True), ("complted", "completed", True), ("cancelled", "canceled", True),
    ("lostx", "lost", True), ("paid", "unpaid", False), ("shipped", "unshipped", False),
    ("tier1", "tier2", False), ("won", "own", False), ("已经签收", "未经签收", False), ("lost", "lost", False),
    # Chinese: one character of the same sound, as a pinyin input method slips (流式 for 流失)
    ("已流式", "已流失", True), ("已退歀", "已退款", True), ("已完成", "未完成", False), ("华东", "华北", False),
    ("一组", "二组", False), ("已流失", "已流失", False),
])
def test_one_slip_apart_is_one_letter_wrong_missing_extra_or_swapped(a, b, slip):
    from salesperf_kit._checks import one_slip_apart

    assert one_slip_apart(a, b) is slip and one_slip_apart(b, a) is slip


def test_boolean_keys_of_value_mappings_match_every_yes_no_spelling(csv_folder):
    import yaml

    _write_csv(csv_folder / "orders.csv", _orders().assign(status=["Yes", "No", "Y", "n"]))
    mapping = yaml.safe_load("values: {orders: {status: {Yes: completed, No: cancelled}}}")
    assert mapping["values"]["orders"]["status"] == {True: "completed", False: "cancelled"}
    ds = load_dataset(csv_folder, mapping=mapping)
    assert ds.tables["orders"]["status"].tolist() == ["completed", "cancelled", "completed",
                                                      "cancelled"]
    [w] = [w for w in ds.warnings if w.check == "boolean_key"]
    assert w.message.startswith("data.values.orders.status has the key(s) true, false, which "
                                "YAML reads from an unquoted Yes/No/On/Off")
    recoded = w.message.split("recoded here: ")[1]
    assert set(recoded.split(", ")) == {"'Yes' 1", "'Y' 1", "'No' 1", "'n' 1"}
    assert "quote the key" in w.fix
    assert w.fix_text("zh") == ("如果这些正是要改写的单元格，无需处理；若只想匹配一种写法，在参数文件中给该键加引号，"
                                "例如 'Yes': ...")
    # a text key wins over the spellings of a boolean key
    mapping["values"]["orders"]["status"]["N"] = "refunded"
    ds = load_dataset(csv_folder, mapping=mapping)
    assert ds.tables["orders"]["status"].tolist() == ["completed", "cancelled", "completed",
                                                      "refunded"]


def test_workbook_loads_the_other_files_named_in_data_files(tmp_path):
    book = tmp_path / "client.xlsx"
    with pd.ExcelWriter(book) as writer:
        _orders().to_excel(writer, sheet_name="订单", index=False)
        _employees().head(1).to_excel(writer, sheet_name="员工", index=False)  # an old list
    elsewhere = tmp_path / "hr"
    elsewhere.mkdir()
    staff = _write_csv(elsewhere / "staff.csv", _employees())
    ds = load_dataset(book, mapping={"files": {"employees": str(staff)}})  # an absolute path
    assert set(ds.tables) == {"orders", "employees"}
    assert ds.tables["employees"]["employee_id"].tolist() == ["E1", "E2", "E3"]
    assert ds.sources["employees"].file == str(staff)
    [w] = ds.warnings
    assert (w.check, w.sheet) == ("unknown_sheet", "员工")
    assert w.message == f"not loaded: data.files.employees points at '{staff}' instead"
    assert str(w).startswith("client.xlsx, sheet '员工': not loaded: ")  # (the sheet named once)
    # a path relative to the workbook's folder
    ds = load_dataset(book, mapping={"files": {"employees": "hr/staff.csv"}})
    assert len(ds.tables["employees"]) == 3
    # a name that is neither a sheet nor a file: an error naming the key and the file
    report = validate_dataset(book, mapping={"files": {"employees": "hr/staf.csv"}})
    [p] = report.problems
    assert (p.check, p.table, p.file) == ("file_missing", "employees", "hr/staf.csv")
    assert p.message.startswith("data.files.employees names 'hr/staf.csv', which is neither a "
                                "sheet of the workbook (sheets: 订单, 员工) nor a file")


def test_dataset_without_employees_is_an_error(tmp_path):
    _write_csv(tmp_path / "orders.csv", _orders())
    report = validate_dataset(tmp_path)
    [p] = report.problems
    assert (p.table, p.check, p.file) == ("employees", "table_missing", None)
    assert "every KPI, score and report needs it" in p.message
    assert "columns employee_id, name, team, role" in p.message
    assert p.message.endswith("tables found: orders")
    assert p.fix.startswith("add employees.csv (or 员工.xlsx) to the data folder")
    assert "data.files.employees" in p.fix
    # asking for some tables only does not need it
    assert set(load_dataset(tmp_path, tables=["orders"]).tables) == {"orders"}
    # a KPI sheet needs it too (kpis._employees raises without it)
    kpis = tmp_path / "kpis"
    kpis.mkdir()
    _write_csv(kpis / "kpi_sheet.csv", pd.DataFrame({"employee_id": ["E1"], "period": ["2026-10"],
                                                    "revenue": ["100"]}))
    assert [p.table for p in validate_dataset(kpis).problems] == ["employees"]
    # in a workbook: add a sheet
    book = tmp_path / "book.xlsx"
    _orders().to_excel(book, sheet_name="orders", index=False)
    [p] = validate_dataset(book).problems
    assert p.file == "book.xlsx" and p.fix.startswith("add a sheet named 'employees' (or '员工')")


def test_a_missing_column_is_not_taken_for_an_unrelated_header(tmp_path):
    """Superstore's orders have a 'Segment' column and no salesperson: 'Did you mean
    'Segment'?' (close to the alias 'Agent') sent the consultant the wrong way."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders().rename(columns={"employee_id": "Segment"}))
    fix = _problem(validate_dataset(tmp_path), "column_missing", "employee_id")[0].fix
    assert "Did you mean" not in fix
    # a header a letter off still gets its hint
    _write_csv(tmp_path / "orders.csv", _orders().rename(columns={"employee_id": "Employe ID"}))
    fix = _problem(validate_dataset(tmp_path), "column_missing", "employee_id")[0].fix
    assert fix.endswith("Did you mean 'Employe ID'?")


def test_a_missing_amount_names_the_header_read_as_paid_amount(tmp_path):
    """A shop's export (淘宝, 有赞, 抖店) gives the order's revenue as 实付金额, which the alias
    list reads as paid_amount: 'required column amount not found' listed 实付金额 among the
    headers without saying it had been taken, nor how to read it as the amount."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders().rename(columns={"amount": "实付金额"}))
    [p] = _problem(validate_dataset(tmp_path), "column_missing", "amount")
    assert p.fix == ("add data.columns.orders: {<your header>: amount} to the parameter file; the header '实付金额' "
                     "was read as paid_amount (money collected): if it is the order amount, map it with "
                     "data.columns.orders: {实付金额: amount}")
    assert p.fix.zh == ("在参数文件中添加 data.columns.orders: {<你的表头>: amount}；「实付金额」已按 paid_amount"
                        "（回款金额）读取，若它是订单金额，请写 data.columns.orders: {实付金额: amount}")
    # the mapping given reads it so
    orders = load_dataset(tmp_path, mapping={"columns": {"orders": {"实付金额": "amount"}}}).tables["orders"]
    assert orders["amount"].tolist() == [100.0, 250.5, 80.0, 1000.0] and "paid_amount" not in orders
    # a header the plan itself maps to paid_amount is not questioned
    [p] = _problem(validate_dataset(tmp_path, mapping={"columns": {"orders": {"实付金额": "paid_amount"}}}),
                   "column_missing", "amount")
    assert p.fix == "add data.columns.orders: {<your header>: amount} to the parameter file"


@pytest.mark.parametrize("agent, written", [("Agent", "Agent"), ("Yes", "'Yes'")])
def test_a_missing_name_suggests_the_list_form_for_the_header_read_as_employee_id(tmp_path, agent, written):
    """A call log's Agent column gives the employee_id and the names: {Agent: name} would
    replace {Agent: employee_id} in the parameter file, so the hint maps it to both."""
    log = pd.DataFrame({"Call Id": ["C1", "C2", "C3"], agent: ["Diane", "Becky", "Diane"],
                        "Date": ["2021-01-01", "2021-01-01", "2021-01-02"]})
    _write_csv(tmp_path / "calls.csv", log)
    mapping = {"files": {"employees": "calls.csv", "calls": "calls.csv"}, "lines": ["employees"],
               "columns": {"employees": {agent: "employee_id"},
                           "calls": {"Call Id": "call_id", agent: "employee_id", "Date": "started_at"}},
               "defaults": {"employees": {"team": "Support", "role": "agent"}}}
    [p] = _problem(validate_dataset(tmp_path, mapping=mapping), "column_missing", "name")
    assert p.table == "employees"
    assert p.fix == ("add data.columns.employees: {<your header>: name} to the parameter file; if the header "
                     f"'{agent}', read as employee_id, holds the names too, map it to both: "
                     f"data.columns.employees: {{{written}: [employee_id, name]}}")
    # an employees table whose employee_id comes from no header: no such hint
    _write_csv(tmp_path / "employees.csv", pd.DataFrame({"team": ["A"], "role": ["agent"]}))
    report = validate_dataset(tmp_path, mapping={"files": {"employees": "employees.csv", "calls": "calls.csv"},
                                                 "columns": mapping["columns"] | {"employees": {}}})
    fix = _problem(report, "column_missing", "name")[0].fix
    assert fix == "add data.columns.employees: {<your header>: name} to the parameter file"


def test_did_you_mean_follows_a_full_stop(tmp_path):
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders().rename(columns={"order_date": "order_dat"}))
    (tmp_path / "calls.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old workbook")
    report = validate_dataset(tmp_path, mapping={
        "files": {"targets": "target.csv"},
        "columns": {"orders": {"amout": "amount"}},
        "filters": {"orders": {"stauts": ["completed"]}},
    })
    fixes = {p.check: p.fix for p in report.problems}
    assert fixes["mapping_header_missing"] == ("correct the header in data.columns.orders. "
                                               "Did you mean 'amount'?")
    assert fixes["column_missing"].endswith("to the parameter file. Did you mean 'order_dat'?")
    assert fixes["filter_column_missing"] == ("use a header of the file or a contract column. "
                                              "Did you mean 'status'?")
    assert fixes["file_missing"].startswith("correct data.files in the parameter file. "
                                            "Did you mean '")
    for p in [*report.problems, *report.warnings]:
        text = str(p)
        assert ".." not in text, text
        assert not re.search(r"[^.?!] Did you mean", text), text


def test_corrupt_xls_file_in_a_folder_is_one_error_naming_file_and_table(tmp_path):
    _add_employees(tmp_path)
    (tmp_path / "orders.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old workbook")
    report = validate_dataset(tmp_path)
    [p] = report.problems
    assert (p.table, p.file, p.check) == ("orders", "orders.xls", "unreadable_file")
    assert p.message.startswith("cannot open the workbook: ")
    assert p.fix == "open the file in Excel and save it again as .xlsx"
    assert not [w for w in report.warnings if w.file == "orders.xls"]
    # named in data.files: still one error and no "not loaded" warning for the same file
    (tmp_path / "orders.xls").rename(tmp_path / "export.xls")
    for files in ({"orders": "export.xls"}, {"orders": str(tmp_path / "export.xls")}):
        report = validate_dataset(tmp_path, mapping={"files": files})
        [p] = report.problems
        assert (p.table, p.check) == ("orders", "unreadable_file")
        assert report.warnings == []


@pytest.mark.parametrize("content, message, fix", [
    (b"", "the workbook is empty (0 bytes): an export or a copy that did not finish leaves such a file",
     "export or copy the file again; the copy that is there did not finish"),
    (b"PK\x03\x04 cut", "cannot open the workbook: it is not a whole .xlsx file (8 bytes; ",
     "export or copy the file again; the copy that is there did not finish; if the file opens in Excel, save it "
     "again as .xlsx"),
])
def test_an_empty_or_cut_workbook_says_to_export_it_again(tmp_path, content, message, fix):
    """A 0-byte or cut .xlsx (a transfer that stopped) was told to be saved again in Excel,
    which cannot mend it: it is said to be empty or incomplete, and to be exported again."""
    _add_employees(tmp_path)
    (tmp_path / "orders.xlsx").write_bytes(content)
    [p] = validate_dataset(tmp_path).problems
    assert (p.table, p.file, p.check) == ("orders", "orders.xlsx", "unreadable_file")
    assert p.message.startswith(message) and p.fix == fix
    assert p.fix.zh.startswith("重新导出或复制该文件")


def test_workbook_the_reader_crashes_on_is_one_error(tmp_path, monkeypatch):
    """calamine raises a PanicException (a BaseException, not an Exception) on some
    damaged .xls files: still one error naming the file, never a traceback."""
    class PanicException(BaseException):
        pass

    def panic(*args, **kwargs):
        raise PanicException("slice index starts at 5632 but ends at 5120")

    _add_employees(tmp_path)
    (tmp_path / "orders.xls").write_bytes(_xls_bytes({"orders": [["order_id"], ["O1"]]}))
    monkeypatch.setattr(pd, "ExcelFile", panic)
    [p] = validate_dataset(tmp_path).problems
    assert (p.table, p.file, p.check) == ("orders", "orders.xls", "unreadable_file")
    assert p.message == ("cannot open the workbook: PanicException: slice index starts at "
                         "5632 but ends at 5120")


# --- lookups (data.lookups) -------------------------------------------------------------

def _regional_export(folder):
    """Orders that name a region, not a person; a list of regions and their managers; a
    list of returned orders (as in Tableau's Superstore export)."""
    _add_employees(folder)
    _write_csv(folder / "orders.csv", pd.DataFrame({
        "Order ID": ["O1", "O2", "O3", "O4"], "Region": ["North", "South", "North", "West"],
        "customer_id": ["C1", "C2", "C1", "C3"],
        "order_date": ["2026-10-01", "2026-10-02", "2026-10-15", "2026-10-31"],
        "amount": ["100", "250.5", "80", "1000"]}))
    _write_csv(folder / "regions.csv", pd.DataFrame({"Area": ["North", "South", "West"],
                                                     "Manager": ["E1", "E2", "E3"]}))
    _write_csv(folder / "returns.csv", pd.DataFrame({"Returned": ["Yes"], "Order ID": ["O3"]}))
    return folder


LOOKUPS = {
    "lookups": {"orders": [{"file": "regions.csv", "key": {"Region": "Area"}, "columns": ["Manager"]},
                           {"file": "returns.csv", "key": "Order ID", "columns": ["Returned"]}]},
    "columns": {"orders": {"Order ID": "order_id", "Manager": "employee_id", "Returned": "status"}},
    "values": {"orders": {"status": {"Yes": "refunded", "No": "completed"}}},
    "defaults": {"orders": {"status": "No"}},
}


def test_lookups_bring_columns_from_other_files_by_key(tmp_path):
    ds = load_dataset(_regional_export(tmp_path), mapping=LOOKUPS)
    orders = ds.tables["orders"].set_index("order_id")
    assert orders["employee_id"].to_dict() == {"O1": "E1", "O2": "E2", "O3": "E1", "O4": "E3"}
    # an order missing from the returns list gets the default
    assert orders["status"].to_dict() == {"O1": "completed", "O2": "completed", "O3": "refunded",
                                          "O4": "completed"}
    assert not [w for w in ds.warnings if w.check == "unknown_file"], "lookup files are not unknown files"


def test_a_lookup_key_is_not_an_unused_column(tmp_path):
    folder = _regional_export(tmp_path)
    orders = pd.read_csv(folder / "orders.csv", dtype=str).rename(columns={"Region": "Territory"})
    _write_csv(folder / "orders.csv", orders)
    mapping = {"lookups": {"orders": [{"file": "regions.csv", "key": {"Territory": "Area"}, "columns": ["Manager"]}]},
               "columns": {"orders": {"Order ID": "order_id", "Manager": "employee_id"}}}
    ds = load_dataset(folder, mapping=mapping)
    assert not [w for w in ds.warnings if w.check == "unused_columns"]


def _regional_workbook(tmp_path):
    """The regional export as one workbook (employees, orders and regions sheets)."""
    (tmp_path / "csv").mkdir()
    folder = _regional_export(tmp_path / "csv")
    with pd.ExcelWriter(tmp_path / "book.xlsx") as writer:
        for name in ("employees", "orders", "regions"):
            pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False).to_excel(
                writer, sheet_name=name, index=False)
    return tmp_path / "book.xlsx"


def test_lookup_from_a_sheet_of_the_workbook_given_as_the_data(tmp_path):
    _regional_workbook(tmp_path)
    mapping = {**LOOKUPS, "lookups": {"orders": [{"file": "regions", "key": {"Region": "Area"},
                                                  "columns": ["Manager"]}]},
               "columns": {"orders": {"Order ID": "order_id", "Manager": "employee_id"}}}
    ds = load_dataset(tmp_path / "book.xlsx", mapping={k: v for k, v in mapping.items()
                                                       if k not in ("values", "defaults")})
    assert ds.tables["orders"]["employee_id"].tolist() == ["E1", "E2", "E1", "E3"]
    assert not [w for w in ds.warnings if w.check == "unknown_sheet"]


def test_a_mistyped_lookup_sheet_is_one_error_that_names_the_sheet_meant(tmp_path):
    _regional_workbook(tmp_path)
    mapping = {"lookups": {"orders": [{"file": "regoins", "key": {"Region": "Area"}, "columns": ["Manager"]}]},
               "columns": {"orders": {"Order ID": "order_id", "Manager": "employee_id"}}}
    report = validate_dataset(tmp_path / "book.xlsx", mapping=mapping)
    assert [p.message for p in report.problems] == [
        "data.lookups.orders (item 1) names sheet 'regoins', which is not in the workbook (sheets: 'employees', "
        "'orders', 'regions')"]
    assert "Did you mean 'regions'?" in report.problems[0].fix
    # the sheet meant is not also reported as a sheet of no table to name in data.files
    assert not [w for w in report.warnings if w.check == "unknown_sheet"]


def test_lookup_key_with_two_different_values_is_an_error_naming_the_rows(tmp_path):
    folder = _regional_export(tmp_path)
    _write_csv(folder / "regions.csv", pd.DataFrame({"Area": ["North", "South", "North"],
                                                     "Manager": ["E1", "E2", "E3"]}))
    report = validate_dataset(folder, mapping=LOOKUPS)
    [p] = _problem(report, "lookup_duplicate")
    assert (p.file, p.row, p.value) == ("regions.csv", 2, "North")
    assert "rows 2, 4" in p.message and p.fix == "keep one row per key in the lookup file"


@pytest.mark.parametrize("lookup, check, text", [
    ({"file": "regions.csv", "key": "Regoin", "columns": ["Manager"]}, "lookup_key",
     "data.lookups.orders (item 1).key names 'Regoin', which is not a header of the orders table's file"),
    ({"file": "regions.csv", "key": {"Region": "Area"}, "columns": ["Manger"]}, "lookup_column",
     "data.lookups.orders (item 1).columns names 'Manger', which is not a header of the lookup file"),
    ({"file": "region.csv", "key": {"Region": "Area"}, "columns": ["Manager"]}, "file_missing",
     "names 'region.csv', which is not in"),
    ({"file": "regions.csv", "key": {"Region": "Area"}, "columns": ["Area"]}, "lookup_column",
     "brings"),
])
def test_lookup_mistakes_are_reported_with_a_fix(tmp_path, lookup, check, text):
    folder = _regional_export(tmp_path)
    if text == "brings":  # a column the table has already
        _write_csv(folder / "regions.csv", pd.DataFrame({"Area": ["North"], "Manager": ["E1"],
                                                         "Region": ["x"]}))
        lookup = {**lookup, "columns": ["Region"]}
        text = "the table already has a column 'Region'"
    mapping = {"lookups": {"orders": [lookup]}, "columns": {"orders": {"Order ID": "order_id"}}}
    report = validate_dataset(folder, mapping=mapping)
    [p] = _problem(report, check)
    assert text in p.message and p.fix
    if check != "lookup_column" or "Manger" in text:
        assert "Did you mean" in p.fix or "did you mean" in p.fix.lower()


@pytest.mark.parametrize("lookup, check", [
    ({"file": "regions.csv", "key": {"Regoin": "Area"}, "columns": ["Manager"]}, "lookup_key"),
    ({"file": "regions.csv", "key": "Regoin", "columns": ["Manager"]}, "lookup_key"),
    ({"file": "regions.csv", "key": {"Region": "Aera"}, "columns": ["Manager"]}, "lookup_column"),
    ({"file": "regions.csv", "key": {"Region": "Area"}, "columns": ["Manger"]}, "lookup_column"),
    ({"file": "region.csv", "key": {"Region": "Area"}, "columns": ["Manager"]}, "file_missing"),
])
def test_a_failed_lookup_is_one_error_not_also_its_mapped_header(tmp_path, lookup, check):
    """The lookup's columns are absent because the lookup failed: mapping one of them
    (Manager: employee_id) is not a second error saying the header is not in the file."""
    folder = _regional_export(tmp_path)
    mapping = {"lookups": {"orders": [lookup]},
               "columns": {"orders": {"Order ID": "order_id", "Manager": "employee_id"}}}
    report = validate_dataset(folder, mapping=mapping)
    [p] = report.problems
    assert p.check == check and "data.lookups.orders (item 1)" in str(p) and "Did you mean" in p.fix
    # named after the contract column, with no mapping: not a 'required column not found' either
    _write_csv(folder / "regions.csv", pd.DataFrame({"Area": ["North", "South", "West"],
                                                     "employee_id": ["E1", "E2", "E3"]}))
    renamed = {**lookup, "columns": ["employee_id" if lookup["columns"] == ["Manager"] else "employe_id"]}
    report = validate_dataset(folder, mapping={"lookups": {"orders": [renamed]},
                                               "columns": {"orders": {"Order ID": "order_id"}}})
    assert [p.check for p in report.problems] == [check]


@pytest.mark.parametrize("lookup, file, message, fix", [
    # Olist: columns: [sr] for the sr_id that data.columns maps (too short a name for difflib alone)
    ({"file": "regions.csv", "key": {"Region": "Area"}, "columns": ["sr"]}, "regions.csv",
     "data.lookups.orders (item 1).columns names 'sr', which is not a header of the lookup file regions.csv; "
     "its headers: 'Area', 'sdr_id', 'sr_id'",
     "correct data.lookups.orders (item 1).columns. Did you mean 'sr_id'?"),
    ({"file": "regions.csv", "key": "Regoin", "columns": ["sr_id"]}, "orders.csv",
     "data.lookups.orders (item 1).key names 'Regoin', which is not a header of the orders table's file; "
     "its headers: 'Order ID', 'Region', 'customer_id', 'order_date', 'amount'",
     "correct data.lookups.orders (item 1).key: a header of both files, or {<header in orders>: <header in the "
     "lookup file>}. Did you mean 'Region'?"),
    # the lookup file's side of the key: its closest header, not the column data.columns maps
    ({"file": "regions.csv", "key": {"Region": "Aera"}, "columns": ["sr_id"]}, "regions.csv",
     "data.lookups.orders (item 1).key names 'Aera', which is not a header of the lookup file regions.csv; "
     "its headers: 'Area', 'sdr_id', 'sr_id'",
     "correct data.lookups.orders (item 1).key. Did you mean 'Area'?"),
], ids=["column", "key-in-the-table", "key-in-the-lookup-file"])
def test_a_bad_lookup_key_or_column_is_one_error_naming_the_key_the_headers_and_the_closest(
        tmp_path, lookup, file, message, fix):
    folder = _regional_export(tmp_path)
    _write_csv(folder / "regions.csv", pd.DataFrame({"Area": ["North", "South", "West"],
                                                     "sdr_id": ["S1", "S2", "S3"], "sr_id": ["E1", "E2", "E3"]}))
    mapping = {"lookups": {"orders": [lookup]},
               "columns": {"orders": {"Order ID": "order_id", "sr_id": "employee_id"}}}
    [p] = validate_dataset(folder, mapping=mapping).problems
    assert (p.file, p.message, p.fix) == (file, message, fix)


def test_a_failed_lookup_leaves_other_mapping_mistakes_reported(tmp_path):
    folder = _regional_export(tmp_path)
    mapping = {"lookups": {"orders": [{"file": "regions.csv", "key": "Regoin", "columns": ["Manager"]}]},
               "columns": {"orders": {"Ordr ID": "order_id", "Manager": "employee_id"}}}
    report = validate_dataset(folder, mapping=mapping)
    assert sorted(p.check for p in report.problems) == ["lookup_key", "mapping_header_missing"]
    [p] = _problem(report, "mapping_header_missing")
    assert "'Ordr ID'" in p.message


def test_a_lookup_that_matches_nothing_is_a_warning(tmp_path):
    folder = _regional_export(tmp_path)
    _write_csv(folder / "regions.csv", pd.DataFrame({"Area": ["N", "S"], "Manager": ["E1", "E2"]}))
    mapping = {"lookups": {"orders": [LOOKUPS["lookups"]["orders"][0]]},
               "columns": {"orders": {"Order ID": "order_id", "Manager": "employee_id"}},
               "defaults": {"orders": {"employee_id": "E3"}}}
    ds = load_dataset(folder, mapping=mapping)
    [w] = [w for w in ds.warnings if w.check == "lookup_no_match"]
    assert "no value of the table's 'Region' is in the 'Area' column of regions.csv" in w.message


@pytest.mark.parametrize("lookups, match", [
    ({"orders": [{"file": "r.csv", "by": "Region", "columns": ["M"]}]}, "unknown key 'by'"),
    ({"orders": [{"file": "r.csv", "key": "Region"}]}, "columns must list"),
    ({"order": [{"file": "r.csv", "key": "Region", "columns": ["M"]}]}, "Did you mean 'orders'"),
])
def test_malformed_lookups_raise(csv_folder, lookups, match):
    with pytest.raises(SalesperfError, match=match):
        load_dataset(csv_folder, mapping={"lookups": lookups})


def test_roles_written_as_the_plan_names_them_are_its_roles(tmp_path):
    """A Chinese export writes 岗位 as 店铺运营 and 客服, the labels the e-commerce plan gives
    shop_operator and customer_service: read through the plan they are those roles, and
    validate --params finds no role without weights; data.values still wins."""
    from salesperf_kit.loaders import load_plan_data
    from salesperf_kit.params import load_params

    data = tmp_path / "data"
    data.mkdir()
    _write_csv(data / "员工.csv", pd.DataFrame({"工号": ["E1", "E2"], "姓名": ["王芳", "李雷"],
                                                "部门": ["一组", "一组"], "岗位": ["店铺运营", "客服 "]}))
    _write_csv(data / "订单.csv", pd.DataFrame({"订单号": ["O1"], "工号": ["E1"], "客户ID": ["C1"],
                                                "下单时间": ["2026-10-01"], "订单金额": ["100"]}))
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: ecommerce\ndata: {path: data}\n", encoding="utf-8")
    params = load_params(plan)
    report = validate_dataset(data, params=params)
    assert not [p for p in report.problems if p.check == "role_without_weights"], report.text()
    roles = load_plan_data(params).tables["employees"]["role"].tolist()
    assert roles == ["shop_operator", "customer_service"]
    plan.write_text("extends: ecommerce\ndata: {path: data, values: {employees: {role: {客服: shop_operator}}}}\n",
                    encoding="utf-8")
    roles = load_plan_data(load_params(plan)).tables["employees"]["role"].tolist()
    assert roles == ["shop_operator", "shop_operator"]


def test_a_parameter_file_with_lookups(tmp_path):
    """YAML reads an unquoted `on:` as True: it is taken for `key`, as pandas users write it."""
    from salesperf_kit.params import load_params

    (tmp_path / "p.yaml").write_text(
        "extends: telesales\n"
        "data:\n"
        "  lookups:\n"
        "    orders:\n"
        "      - {file: regions.csv, on: {Region: Area}, columns: [Manager]}\n"
        "      - {file: returns.csv, key: Order ID, columns: Returned}\n", encoding="utf-8")
    lookups = load_params(tmp_path / "p.yaml").data.as_mapping()["lookups"]["orders"]
    assert lookups == [{"file": "regions.csv", "key": {"Region": "Area"}, "columns": ["Manager"]},
                       {"file": "returns.csv", "key": "Order ID", "columns": ["Returned"]}]


def test_a_parquet_table_with_a_lookup_is_read_even_when_loading_lazily(tmp_path):
    folder = _regional_export(tmp_path)
    pd.read_csv(folder / "orders.csv", dtype=str).to_parquet(folder / "orders.parquet")
    (folder / "orders.csv").unlink()
    mapping = {"lookups": {"orders": [LOOKUPS["lookups"]["orders"][0]]},
               "columns": {"orders": {"Order ID": "order_id", "Manager": "employee_id"}}}
    ds = load_dataset(folder, mapping=mapping, lazy=True)
    assert "orders" not in ds.lazy and ds.tables["orders"]["employee_id"].tolist() == ["E1", "E2", "E1", "E3"]


def test_lookup_headers_match_like_mapped_headers(tmp_path):
    """Case and spaces do not matter, as in data.columns."""
    folder = _regional_export(tmp_path)
    mapping = {"lookups": {"orders": [{"file": "regions.csv", "key": {"region": "AREA"}, "columns": ["manager"]}]},
               "columns": {"orders": {"Order ID": "order_id", "Manager": "employee_id"}}}
    ds = load_dataset(folder, mapping=mapping)
    assert ds.tables["orders"]["employee_id"].tolist() == ["E1", "E2", "E1", "E3"]


# --- one row per order line (data.lines) ----------------------------------------------

def _order_lines(folder, employee_of_line3="E1"):
    _add_employees(folder)
    return _write_csv(folder / "orders.csv", pd.DataFrame({
        "order_id": ["O1", "O1", "O1", "O2"], "product": ["pen", "ink", "pad", "pen"],
        "employee_id": ["E1", "E1", employee_of_line3, "E2"], "customer_id": ["C1", "C1", "C1", "C2"],
        "order_date": ["2026-10-01"] * 3 + ["2026-10-02"],
        "amount": ["10", "20.5", "-5", "7"], "quantity": ["1", "2", "", "1"]}))


def _orders_with_totals(tmp_path, rows):
    """orders.xlsx of ``rows`` (as a back-office writes them) loaded: the orders and the one
    totals_rows warning."""
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(tmp_path / "orders.xlsx")
    ds = load_dataset(tmp_path, tables=["orders"])
    [w] = [w for w in ds.warnings if w.check == "totals_rows"]
    return ds.tables["orders"], w


def test_totals_rows_of_an_export_are_left_out(tmp_path):
    """An Excel export with a title above the header, a subtotal per team and a grand total:
    the totals are not orders (they would double the revenue)."""
    orders, w = _orders_with_totals(tmp_path, [
        ["2026年10月 订单明细"],
        [],
        ["订单编号", "员工编号", "客户编号", "下单时间", "订单金额", "备注"],
        ["O1", "E1", "C1", "2026-10-01", 100, ""],
        ["O2", "E1", "C2", "2026-10-02", 50, "Total"],  # a record, complete: kept
        ["小计", None, None, None, 150, None],
        ["O3", "E2", "C3", "2026-10-03", 70, ""],
        ["合 计", None, None, None, 220, None]])
    assert orders["order_id"].tolist() == ["O1", "O2", "O3"] and orders["amount"].sum() == 220
    assert w.message == "2 totals row(s) left out: rows 6 ('小计'), 8 ('合 计')"
    assert w.text("zh") == "未计入合计行：第 6 行（'小计'）、第 8 行（'合 计'）"


def test_totals_rows_written_with_a_colon_a_count_or_a_name_are_left_out(tmp_path):
    """Chinese back-offices write 合计：, 总计(2单) or a subtotal per person (张三 小计, or
    0011 汇总 from Excel's 分类汇总):
    these are totals too, not rows whose empty cells need filling in."""
    orders, w = _orders_with_totals(tmp_path, [
        ["订单明细导出"],
        ["订单编号", "员工编号", "客户编号", "下单时间", "订单金额"],
        ["O1", "E1", "C1", "2026-10-01", 100],
        ["O2", "E1", "C2", "2026-10-02", 50],
        [None, "E1 小计", None, None, 150],
        ["O3", "E2", "C3", "2026-10-03", 70],
        [None, "E2 汇总", None, None, 70],  # (Excel's 分类汇总)
        ["总计(3单)", None, None, None, 220],
        ["合计：", None, None, None, 220]])
    assert orders["order_id"].tolist() == ["O1", "O2", "O3"] and orders["amount"].sum() == 220
    assert w.message == ("4 totals row(s) left out: rows 5 ('E1 小计'), 7 ('E2 汇总'), 8 ('总计(3单)'), "
                         "9 ('合计：')")


def test_totals_rows_in_german_and_other_european_exports_are_left_out(tmp_path):
    """A German ERP's Summe per salesperson and Excel's Gesamtergebnis under a pivot were
    four errors asking to fill in the empty cells; Dutch, Italian and French totals alike."""
    orders, w = _orders_with_totals(tmp_path, [
        ["order_id", "employee_id", "customer_id", "order_date", "amount"],
        ["O1", "E1", "C1", "2026-10-01", 100],
        [None, "E1 Summe", None, None, 100],
        ["O2", "E2", "C2", "2026-10-02", 50],
        ["Zwischensumme:", None, None, None, 150],
        ["O3", "E2", "C3", "2026-10-03", 70],
        ["Totaal", None, None, None, 70],
        ["Total général", None, None, None, 220],
        ["Gesamtergebnis", None, None, None, 220]])
    assert orders["order_id"].tolist() == ["O1", "O2", "O3"] and orders["amount"].sum() == 220
    assert w.message.startswith("5 totals row(s) left out: rows 3 ('E1 Summe'), 5 ('Zwischensumme:'), 7 ('Totaal')")


def test_the_notes_below_an_export_s_records_are_not_records(tmp_path):
    """A Salesforce report export ends in a confidentiality line and a copyright line: read
    as records, the users export's two became employees who were paid 4,700 each once the
    suggested default team was given, and the opportunities' two orders of no one."""
    (tmp_path / "employees.csv").write_text(
        '"Full Name","Regional Office","Role"\n"Ann Lee","East","rep"\n"Bo Chan","West","rep"\n'
        '"Cy Fox","West","rep"\n\n"Grand Totals (3 records)"\n\n'
        '"Confidential Information - Do Not Distribute"\n\n'
        '"Copyright (c) 2000-2018 salesforce.com, inc. All rights reserved."\n', encoding="utf-8")
    mapping = {"columns": {"employees": {"Full Name": ["employee_id", "name"], "Regional Office": "team"}},
               "defaults": {"employees": {"team": "Unassigned"}}}
    ds = load_dataset(tmp_path, mapping=mapping, tables=["employees"])
    assert ds.tables["employees"]["employee_id"].tolist() == ["Ann Lee", "Bo Chan", "Cy Fox"]
    [w] = [w for w in ds.warnings if w.check == "footer_notes"]
    assert w.message == ("2 note row(s) below the records left out: rows 8 ('Confidential Information - Do Not "
                         "Distribute'), 10 ('Copyright (c) 2000-2018 salesforce.com, inc. All rights reserved.')")
    assert w.text("zh").startswith("未计入记录下方的说明行：第 8 行（'Confidential Information - Do Not Distribute'）、第 10 行")
    # a one-cell row above a record is a record with cells missing, and a last row that is a
    # name is a person whose team is missing: both are said as such, not left out
    (tmp_path / "employees.csv").write_text(
        "Full Name,Regional Office,Role\nConfidential Information - Do Not Distribute,,\nAnn Lee,East,rep\n"
        "Dee Ray,,\n", encoding="utf-8")
    report = validate_dataset(tmp_path, mapping={"columns": mapping["columns"]})
    assert not [w for w in report.warnings if w.check == "footer_notes"]
    assert [p.row for p in report.problems if p.column == "team"] == [2, 4]


def test_a_totals_row_is_told_as_such_when_filters_are_set(tmp_path):
    """With data.filters on the status, a 合计 row (no status) was told as a filtered row,
    「跟进中 1, (empty) 1」, and not as the totals row it is; the Chinese text lists values
    with 、 as Chinese does."""
    wb = openpyxl.Workbook()
    for row in [["订单编号", "员工编号", "客户编号", "下单时间", "订单金额", "订单状态"],
                ["O1", "E1", "C1", "2026-10-01", 100, "已成交"],
                ["O2", "E1", "C2", "2026-10-02", 50, "跟进中"],
                ["O3", "E2", "C3", "2026-10-03", 70, "初步接洽"],
                ["O4", "E2", "C4", "2026-10-03", 30, None],
                ["合计", None, None, None, 250, None]]:
        wb.active.append(row)
    wb.save(tmp_path / "orders.xlsx")
    ds = load_dataset(tmp_path, tables=["orders"], mapping={"filters": {"orders": {"订单状态": ["已成交"]}}})
    assert ds.tables["orders"]["order_id"].tolist() == ["O1"]
    [totals] = [w for w in ds.warnings if w.check == "totals_rows"]
    assert totals.message == "1 totals row(s) left out: row 6 ('合计')"
    [filtered] = [w for w in ds.warnings if w.check == "filtered_rows"]
    assert filtered.message.endswith(": 跟进中 1, 初步接洽 1, (empty) 1")  # O4 has no status: a record
    assert filtered.text("zh") == "按 data.filters.orders.订单状态 去掉 3 行（保留：已成交）：跟进中 1、初步接洽 1、（空白） 1"


def test_order_lines_are_combined_into_orders(tmp_path):
    _order_lines(tmp_path)
    ds = load_dataset(tmp_path, mapping={"lines": ["orders"]})
    orders = ds.tables["orders"].set_index("order_id")
    # O1: 10 + 20.5 - 5 (a discount line) = 25.5, quantity 1 + 2 (+ empty) = 3
    assert orders["amount"].to_dict() == {"O1": 25.5, "O2": 7.0}
    assert orders["quantity"].to_dict() == {"O1": 3.0, "O2": 1.0}
    assert ds.row_number("orders", ds.tables["orders"].index[1]) == 5  # O2 keeps its row
    [w] = [w for w in ds.warnings if w.check == "lines_combined"]
    assert w.message == "4 lines combined into 2 records by order_id"
    assert w.text("zh") == "4 行明细按 order_id 合并为 2 条记录" and w.text("en") == w.message
    [unused] = [w for w in ds.warnings if w.check == "unused_columns"]  # the product column
    assert unused.text("zh") == "「订单」表未使用的列：「product」"


def test_every_loader_warning_has_its_chinese_text():
    """A report in Chinese shows loader warnings in Chinese: every warning the loader can
    give says it in both languages (with zh=, or a message that is a Note)."""
    import ast
    import inspect

    import salesperf_kit.loaders as loaders

    tree = ast.parse(inspect.getsource(loaders))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    notes = {"Note"} | {f.name for f in tree.body if isinstance(f, ast.FunctionDef)
                        and getattr(f.returns, "id", None) == "Note"}

    def note_call(node) -> bool:
        return isinstance(node, ast.Call) and getattr(node.func, "id", None) in notes | {"_with_hint"}

    named = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and note_call(n.value)
             for t in n.targets if isinstance(t, ast.Name)}  # (message = Note(...) before the call)

    def a_note(c: ast.Call) -> bool:
        message = c.args[2] if len(c.args) > 2 else next((k.value for k in c.keywords if k.arg == "message"), None)
        if message is None and getattr(c.func, "attr", None) == "problem" and len(c.args) > 1:
            message = c.args[1]  # (ctx.problem(check, message, ...))
        return note_call(message) or (isinstance(message, ast.Name) and message.id in named)

    warns = [c for c in calls if getattr(c.func, "attr", None) == "warn"
             or any(k.arg == "severity" and getattr(k.value, "value", None) == "warning" for k in c.keywords)]
    assert len(warns) >= 16
    # (a call passing **kw on is the helper itself)
    assert [c.lineno for c in warns if not any(k.arg in ("zh", None) for k in c.keywords) and not a_note(c)] == []


def test_lines_of_one_order_with_different_employees_are_an_error(tmp_path):
    _order_lines(tmp_path, employee_of_line3="E2")
    report = validate_dataset(tmp_path, mapping={"lines": ["orders"]})
    [p] = _problem(report, "line_conflict", "employee_id")
    assert (p.row, p.value) == (2, "O1")
    assert p.message == ("the lines of order_id 'O1' differ in 'employee_id': 'E1' (row 2), 'E1' (row 3), "
                         "'E2' (row 4)")


def test_a_repeated_order_id_suggests_data_lines(tmp_path):
    _order_lines(tmp_path)
    report = validate_dataset(tmp_path)
    found = _problem(report, "field_uniqueness", "order_id")
    assert "add data.lines: [orders]" in found[0].fix


def test_only_orders_and_employees_can_be_combined_from_lines(csv_folder):
    with pytest.raises(SalesperfError, match="only orders and employees can be combined"):
        load_dataset(csv_folder, mapping={"lines": ["calls"]})


def test_employees_taken_from_a_call_log(tmp_path):
    """A call-centre export has no list of people: its agents are the employees."""
    _write_csv(tmp_path / "calls.csv", pd.DataFrame({
        "Call Id": ["K1", "K2", "K3"], "Agent": ["Dan", "Joe", "Dan"], "Group": ["East", "West", "East"],
        "Date": ["2021-01-01", "2021-01-01", "2021-01-02"], "Seconds": ["60", "30", "90"],
        "Answered": ["Y", "N", "Y"]}))
    mapping = {"files": {"calls": "calls.csv", "employees": "calls.csv"}, "lines": ["employees"],
               "columns": {"calls": {"Call Id": "call_id", "Agent": "employee_id", "Date": "started_at",
                                     "Seconds": "duration_s", "Answered": "connected", "Group": []},
                           "employees": {"Agent": ["employee_id", "name"], "Group": "team"}},
               "defaults": {"employees": {"role": "agent"}}}
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["employees"][["employee_id", "name", "team", "role"]].values.tolist() == [
        ["Dan", "Dan", "East", "agent"], ["Joe", "Joe", "West", "agent"]]
    assert len(ds.tables["calls"]) == 3
    # an agent whose rows name two teams cannot be one person
    _write_csv(tmp_path / "calls.csv", pd.read_csv(tmp_path / "calls.csv", dtype=str).assign(
        Group=["East", "West", "West"]))
    [p] = _problem(validate_dataset(tmp_path, mapping=mapping), "line_conflict", "team")
    assert p.message == "the lines of employee_id 'Dan' differ in 'Group' (team): 'East' (row 2), 'West' (row 4)"


def test_order_lines_in_parquet_are_combined_even_when_loading_lazily(tmp_path):
    _order_lines(tmp_path)
    pd.read_csv(tmp_path / "orders.csv", dtype=str).to_parquet(tmp_path / "orders.parquet")
    (tmp_path / "orders.csv").unlink()
    ds = load_dataset(tmp_path, mapping={"lines": ["orders"]}, lazy=True)
    assert ds.tables["orders"]["amount"].tolist() == [25.5, 7.0]


def test_a_turnover_above_1_in_a_kpi_sheet_is_no_percentage_without_its_sign(tmp_path):
    """Turnover is a number of times: 4.7 and 6.1 are read as given, with no warning that
    they might be percentages (as for a rate such as the connect rate)."""
    sheet = pd.DataFrame({"员工编号": ["E1", "E2"], "月份": ["2026-10", "2026-10"], "库存周转率": ["4.7", "6.1"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    ds = load_dataset(tmp_path)
    assert ds.tables["kpi_sheet"]["inventory_turnover"].tolist() == [4.7, 6.1]
    assert not [w for w in ds.warnings if w.check == "rate_as_percent"]


def test_a_default_read_through_a_plan_is_reported_at_its_key_and_line(csv_folder, tmp_path):
    """validate --params: a finding at a key of data: names the file and line of the key,
    as a parameter error does; the same mapping passed on its own names no file or line."""
    from salesperf_kit.params import load_params

    _write_csv(csv_folder / "orders.csv", _orders().assign(status=["completed", "", "", "refunded"]))
    plan = tmp_path / "acme.yaml"
    plan.write_text(f"extends: telesales\ndata:\n  path: {csv_folder}\n"
                    "  defaults:\n    orders: {status: done}\n", encoding="utf-8")
    params = load_params(plan)
    [p] = [p for p in validate_dataset(csv_folder, params=params).problems if p.key]
    assert str(p).startswith("data.defaults.orders.status (acme.yaml, line 5): this default is given to the 2 row(s)")
    [p] = [p for p in validate_dataset(csv_folder, params=params, mapping=params.data_mapping()).problems if p.key]
    assert str(p).startswith("data.defaults.orders.status: this default")
    # the data a plan runs on (score, run, a notebook) fail with the same location
    with pytest.raises(DataContractError) as err:
        load_plan_data(params)
    assert "  - data.defaults.orders.status (acme.yaml, line 5): this default is given" in str(err.value)


def test_validate_warns_of_a_role_of_the_plan_that_nobody_holds(tmp_path):
    """A plan that weighs 'director' when the export's roles are read as rep, supervisor and
    manager scores nobody with those weights: validate --params says so, at the plan's key."""
    from salesperf_kit.params import load_params

    data = tmp_path / "data"
    data.mkdir()
    _write_csv(data / "employees.csv", pd.DataFrame({
        "employee_id": ["E1", "E2"], "name": ["王芳", "李雷"], "team": ["一组", "一组"], "role": ["agent", "agent"]}))
    _write_csv(data / "orders.csv", pd.DataFrame({"order_id": ["O1"], "employee_id": ["E1"], "customer_id": ["C1"],
                                                  "order_date": ["2026-10-01"], "amount": ["100"]}))
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: telesales\ndata: {path: data}\n", encoding="utf-8")
    report = validate_dataset(data, params=load_params(plan))
    [w] = [w for w in report.warnings if w.check == "role_without_people"]
    line = next(n for n, text in enumerate((PARAMS_DIR / "telesales.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("team_lead:"))  # the shipped plan's key, which acme.yaml extends
    assert str(w) == (f"scoring.roles.team_lead (telesales.yaml, line {line}): nobody in employees.role has the role 'team_lead' (the data have "
                      "agent), so its weights score nobody. Fix: if the export names the role otherwise, read it as "
                      "'team_lead' with data.values.employees.role: {'<name in the export>': team_lead}; if nobody "
                      "holds it yet, nothing to do")
    assert w.file == "acme.yaml" and not report.problems



def test_validate_finds_a_scenario_role_that_is_no_role_at_all(tmp_path):
    """`validate --params` said OK of a plan whose scenario weighs the role 'agnet'; only
    `salesperf scenarios` then stopped on it. A role written as its label (坐席) is a role."""
    from salesperf_kit.params import load_params

    data = tmp_path / "data"
    data.mkdir()
    _write_csv(data / "employees.csv", pd.DataFrame({
        "employee_id": ["E1", "E2"], "name": ["王芳", "李雷"], "team": ["一组", "一组"], "role": ["agent", "team_lead"]}))
    _write_csv(data / "orders.csv", pd.DataFrame({"order_id": ["O1"], "employee_id": ["E1"], "customer_id": ["C1"],
                                                  "order_date": ["2026-10-01"], "amount": ["100"]}))
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: telesales\ndata: {path: data}\nscenarios:\n  scenarios:\n    typo:\n      roles:\n"
                    "        agnet: {revenue: 1.0}\n        坐席: {revenue: 1.0}\n        team_lead: {revenue: 1.0}\n",
                    encoding="utf-8")
    report = validate_dataset(data, params=load_params(plan))
    [p] = [p for p in report.problems if p.check == "scenario_role"]
    assert str(p) == ("scenarios.scenarios.typo.roles.agnet (acme.yaml, line 7): 'agnet' is not a role of the plan "
                      "(scoring.roles: agent, team_lead), so scenario 'typo' cannot be scored. Did you mean 'agent'? "
                      "Fix: write one of the roles (or its label), or delete the role from the scenario")
    assert p.text("zh").startswith("scenarios.scenarios.typo.roles.agnet：「agnet」既不是方案的岗位")
    assert p.line("zh").endswith("修改方法：改写为其中一个岗位（或它的名称），或从该情景中删除这个岗位")

def _org_chart(tmp_path, second_team_for_m1=False):
    """An org chart exported as columns (agent, manager, region), as CRM exports give it:
    the managers M1 and M2 have no row of their own."""
    (tmp_path / "employees.csv").write_text(
        "agent,manager,region\nA1,M1,North\nA2,M1,North\nA3,M2,South\n"
        + ("A4,M1,South\n" if second_team_for_m1 else ""), encoding="utf-8")
    (tmp_path / "orders.csv").write_text(
        "order_id,agent,customer_id,order_date,amount\n"
        "O1,A1,C1,2026-10-02,100\nO2,A2,C2,2026-10-03,250\nO3,A3,C3,2026-10-04,40\n", encoding="utf-8")
    return {"columns": {"employees": {"agent": ["employee_id", "name"], "manager": "manager_id", "region": "team"},
                        "orders": {"agent": "employee_id"}},
            "defaults": {"employees": {"role": "rep"}}}


def test_managers_named_only_in_manager_id_are_added_as_employees(tmp_path):
    from salesperf_kit.kpis import compute_kpis

    mapping = _org_chart(tmp_path)
    with pytest.raises(DataContractError, match="data.managers: {role: manager} adds them"):
        load_dataset(tmp_path, mapping=mapping)
    ds = load_dataset(tmp_path, mapping={**mapping, "managers": {"role": "manager"}})
    emp = ds.tables["employees"].set_index("employee_id")
    assert emp.loc[["M1", "M2"], ["name", "team", "role"]].to_dict("index") == {
        "M1": {"name": "M1", "team": "North", "role": "manager"},
        "M2": {"name": "M2", "team": "South", "role": "manager"}}
    assert emp.loc[["M1", "M2"], "manager_id"].isna().all() and emp.loc["A3", "role"] == "rep"
    [w] = [w for w in ds.warnings if w.check == "managers"]
    assert w.key == "data.managers" and w.location() == "data.managers"
    assert w.message == "2 manager(s) named in manager_id added as employees with role 'manager': 'M1' (North), 'M2' (South)"
    assert w.text("zh").startswith("已将上级（manager_id）中的 2 位经理添加为员工，岗位「manager」：「M1」（North）、「M2」（South）")
    # the managers' subtrees: M1 = A1 100 + A2 250, M2 = A3 40
    team = compute_kpis(ds, "2026-10", kpis=["team_revenue"]).wide.set_index("employee_id")["team_revenue"]
    assert team[["M1", "M2"]].tolist() == [350.0, 40.0]


def test_people_with_no_record_anywhere_are_named(tmp_path):
    """The Maven CRM roster lists five agents with no deal anywhere in the export; they
    were scored and paid (grade C, 700 of performance pay) above a manager whose team sold
    285,448, and nothing said that nothing in the data shows them working. Here A4 has no
    order and manages no one; A1-A3 have orders, M1 and M2 manage people."""
    (tmp_path / "employees.csv").write_text(
        "agent,manager,region\nA1,M1,North\nA2,M1,North\nA3,M2,South\nA4,M2,South\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text(
        "order_id,agent,customer_id,order_date,amount\n"
        "O1,A1,C1,2026-10-02,100\nO2,A2,C2,2026-10-03,250\nO3,A3,C3,2026-10-04,40\n", encoding="utf-8")
    mapping = {"columns": {"employees": {"agent": ["employee_id", "name"], "manager": "manager_id", "region": "team"},
                           "orders": {"agent": "employee_id"}},
               "defaults": {"employees": {"role": "rep"}}, "managers": {"role": "manager"}}
    ds = load_dataset(tmp_path, mapping=mapping)
    [w] = [w for w in ds.warnings if w.check == "no_records"]
    assert w.message == ("1 of the 6 people have no row in any other table (orders) and manage no one: A4. They are "
                         "scored and paid as people who sold nothing")
    assert w.text("zh").startswith("员工表 6 人中有 1 人在其他表（orders）中没有任何一行，也不是任何人的上级：A4。")
    assert "leave_date" in w.fix
    # an export of the employees alone says nothing about anyone
    (tmp_path / "orders.csv").unlink()
    assert not [w for w in load_dataset(tmp_path, mapping=mapping).warnings if w.check == "no_records"]


def test_a_manager_over_several_teams_needs_the_team_given(tmp_path):
    mapping = {**_org_chart(tmp_path, second_team_for_m1=True), "managers": {"role": "manager"}}
    report = validate_dataset(tmp_path, mapping=mapping)
    [p] = [p for p in report.problems if p.check == "managers"]
    assert p.location() == "data.managers"
    assert p.message == "manager 'M1' has people in 2 teams (North, South), so their own team is not known"
    assert "data.managers: {role: ..., team: <team>}" in p.fix
    assert p.line("zh") == ("data.managers：经理「M1」的下属分属 2 个团队（North、South），无法确定其本人所在的团队。修改方法："
                            "用 data.managers: {role: ..., team: <团队>} 给这些经理指定团队，或在员工表中为该经理添加一行")
    ds = load_dataset(tmp_path, mapping={**mapping, "managers": {"role": "manager", "team": "Sales"}})
    assert ds.tables["employees"].set_index("employee_id").loc[["M1", "M2"], "team"].tolist() == ["Sales", "Sales"]


def test_managers_without_a_manager_column_are_said_in_chinese(tmp_path):
    (tmp_path / "employees.csv").write_text("employee_id,name,team,role\nA1,A1,North,rep\n", encoding="utf-8")
    report = validate_dataset(tmp_path, mapping={"managers": {"role": "manager"}})
    [w] = [w for w in report.warnings if w.check == "managers"]
    assert w.line("zh") == ("data.managers：员工表没有上级（manager_id），没有可添加的经理。修改方法：在 data.columns.employees "
                            "中把导出文件的上级列对应到 manager_id，或删除 data.managers")


def test_a_plan_that_needs_data_the_export_lacks_is_said_in_chinese(tmp_path):
    """plan_needs_data (a plan paying commission on orders the data do not have) was English
    under a zh plan."""
    from salesperf_kit.params import load_params

    data = tmp_path / "data"
    data.mkdir()
    _write_csv(data / "employees.csv", pd.DataFrame({"employee_id": ["E1"], "name": ["王芳"], "team": ["一组"],
                                                     "role": ["agent"]}))
    _write_csv(data / "calls.csv", pd.DataFrame({"call_id": ["K1"], "employee_id": ["E1"], "call_time": ["2026-10-01 09:00"],
                                                 "duration_s": [100], "connected": ["yes"]}))
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: telesales\ndata: {path: data}\nincentives: {team_pool: null, awards: null}\n",
                    encoding="utf-8")
    report = validate_dataset(data, params=load_params(plan))
    [p] = [p for p in report.problems if p.check == "plan_needs_data"]
    assert str(p).startswith("acme.yaml: incentives.commission.basis is 'ordered', but the data give no orders")
    assert p.line("zh") == ("acme.yaml：incentives.commission.basis：提成基数为「ordered」，但数据中没有订单，而 "
                            "incentives.commission.tiers 需要它。修改方法：补上订单表（或在 KPI 表中加上 revenue）；"
                            "或删除方案中的这些部分（设为 null）。")
    # orders named in data.files by a sheet the workbook lacks: that error alone, not advice to
    # take the commission out of the plan
    pd.DataFrame({"order_id": ["O1"], "employee_id": ["E1"], "customer_id": ["C1"], "order_date": ["2026-10-01"],
                  "amount": [100]}).to_excel(data / "deals.xlsx", sheet_name="Closed deals", index=False)
    plan.write_text("extends: telesales\ndata: {path: data, files: {orders: 'deals.xlsx#Closed deal'}}\n"
                    "incentives: {team_pool: null, awards: null}\n", encoding="utf-8")
    checks = [p.check for p in validate_dataset(data, params=load_params(plan)).problems]
    assert checks and "plan_needs_data" not in checks, checks


@pytest.mark.parametrize("managers, message", [
    ({"rol": "manager"}, r"data.managers.rol: unknown key.*Did you mean 'role'"),
    ({"team": "Sales"}, r"data.managers needs a role"),
    ({"role": 3}, r"data.managers.role must be a text"),
    ("manager", r"data.managers gives the managers"),
])
def test_a_malformed_managers_setting_names_its_key(tmp_path, managers, message):
    mapping = {**_org_chart(tmp_path), "managers": managers}
    with pytest.raises(SalesperfError, match=message):
        load_dataset(tmp_path, mapping=mapping)


def test_a_file_named_after_a_table_is_that_table_when_data_files_names_it_for_another(tmp_path):
    """``files: {employees: calls.csv}`` with ``lines: [employees]`` read the call log's
    agents, but calls.csv was then no longer read as the calls: the calls were missing and
    nothing said why."""
    _write_csv(tmp_path / "calls.csv", pd.DataFrame({
        "call_id": ["K1", "K2", "K3"], "Agent": ["Dan", "Joe", "Dan"],
        "started_at": ["2021-01-01", "2021-01-01", "2021-01-02"], "duration_s": ["60", "30", "90"],
        "connected": ["Y", "N", "Y"]}))
    mapping = {"files": {"employees": "calls.csv"}, "lines": ["employees"],
               "columns": {"employees": {"Agent": ["employee_id", "name"]}},
               "defaults": {"employees": {"team": "Inbound", "role": "agent"}}}
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["employees"]["employee_id"].tolist() == ["Dan", "Joe"]
    # 3 calls, 60 + 30 + 90 = 180 seconds
    assert len(ds.tables["calls"]) == 3 and ds.tables["calls"]["duration_s"].sum() == 180


def test_lines_combined_into_one_record_say_record(tmp_path):
    """A campaign log worked by one team read "41,188 lines combined into 1 records"."""
    _write_csv(tmp_path / "calls.csv", pd.DataFrame({
        "call_id": ["K1", "K2", "K3"], "started_at": ["2021-01-01"] * 3, "duration_s": ["60", "30", "90"],
        "connected": ["Y", "N", "Y"]}))
    mapping = {"files": {"calls": "calls.csv", "employees": "calls.csv"}, "lines": ["employees"],
               "defaults": {"calls": {"employee_id": "campaign"},
                            "employees": {"employee_id": "campaign", "name": "Campaign", "team": "T",
                                          "role": "agent"}}}
    ds = load_dataset(tmp_path, mapping=mapping)
    [w] = [w for w in ds.warnings if w.check == "lines_combined"]
    assert w.message == "3 lines combined into 1 record by employee_id"


def test_a_ticket_export_without_resolution_satisfaction_or_flags_loads_and_leaves_their_kpis_out(tmp_path):
    """A help-desk export often has the tickets alone: each optional column only gives its
    own KPIs, so the table loads and those KPIs are left out with the column named."""
    from salesperf_kit.kpis import compute_kpis

    _employees().to_csv(tmp_path / "employees.csv", index=False)
    (tmp_path / "service.csv").write_text("ticket_id,employee_id,opened_at\nT1,E1,2026-10-01\nT2,E1,2026-10-05\n",
                                          encoding="utf-8")
    ds = load_dataset(tmp_path)
    assert set(ds.tables["service"].columns) == {"ticket_id", "employee_id", "opened_at"}
    res = compute_kpis(ds, "2026-10", kpis=["csat", "fcr_rate", "resolution_hours"])
    assert set(res.left_out) == {"csat", "fcr_rate", "resolution_hours"}
    assert "resolved_at" in str(res.left_out["resolution_hours"])


def test_one_file_given_as_the_data_is_read_for_every_table_that_data_files_reads_from_it(tmp_path):
    """A call log given as the data path (not its folder), with data.files reading both the
    calls and the agents from it: both tables load, as they do when the folder is given."""
    log = tmp_path / "log.csv"
    log.write_text("Call Id,Agent,Date,Answered,Seconds\nK1,Dan,2026-10-01,Y,60\nK2,Joe,2026-10-02,N,0\n"
                   "K3,Dan,2026-10-03,Y,90\n", encoding="utf-8")
    mapping = {"files": {"calls": "log.csv", "employees": "log.csv", "orders": "orders.csv"}, "lines": ["employees"],
               "columns": {"calls": {"Call Id": "call_id", "Agent": "employee_id", "Date": "started_at",
                                     "Answered": "connected", "Seconds": "duration_s"},
                           "employees": {"Agent": ["employee_id", "name"]}},
               "values": {"calls": {"connected": {"Y": True, "N": False}}},
               "defaults": {"employees": {"team": "Inbound", "role": "agent"}}}
    report = validate_dataset(log, mapping=mapping)
    assert report.tables == {"calls": 3, "employees": 2}
    assert not report.problems
    [w] = [w for w in report.warnings if w.check == "unknown_file"]  # a file named that is not this one
    assert w.table == "orders" and w.message == "data.files.orders ('orders.csv') is not loaded: only the file 'log.csv' was given"


def test_a_call_log_without_ids_or_agents_loads_with_what_to_do(tmp_path):
    """A dialler export of one campaign: no call id and no agent. The ids are not needed (a
    warning says what they would have caught); the agent is, and the fix says how to give
    one person's export to them."""
    from salesperf_kit.kpis import compute_kpis

    _employees().to_csv(tmp_path / "employees.csv", index=False)
    (tmp_path / "calls.csv").write_text("started_at,duration_s,connected\n2026-10-01 09:00,65,yes\n"
                                        "2026-10-01 09:05,0,no\n2026-10-02 10:00,30,yes\n", encoding="utf-8")
    report = validate_dataset(tmp_path)
    [missing] = [p for p in report.problems if p.column == "employee_id"]
    assert missing.fix.endswith("is given to them with data.defaults.calls: {employee_id: <their id>}")
    ds = load_dataset(tmp_path, mapping={"defaults": {"calls": {"employee_id": "E1"}}})
    [w] = [w for w in ds.warnings if w.check == "no_ids"]
    assert w.message == ("no call_id column: each row is taken as one call, and a call exported twice cannot be "
                         "told from two")
    k = compute_kpis(ds, "2026-10", kpis=["calls", "connect_rate"]).wide.set_index("employee_id")
    assert (k.loc["E1", "calls"], k.loc["E1", "connect_rate"]) == (3.0, pytest.approx(2 / 3))


def test_a_chinese_erp_workbook_loads_with_its_usual_sheet_headers_and_statuses(tmp_path):
    """An ERP's 销售明细 sheet (单据编号, 单据日期, 交易状态 with 已退货 / 交易完成 / 已关闭)
    and a 人员 sheet (所属部门, 职务, 直属领导): the usual names of a Chinese export,
    loaded without a mapping, as the documentation promises for a typical export."""
    book = tmp_path / "华东商贸.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"员工编号": ["E1", "E2"], "姓名": ["王伟", "李芳"], "所属部门": ["华东区", "华东区"],
                      "职务": ["rep", "rep"], "直属领导": [None, "E1"]}).to_excel(writer, sheet_name="人员", index=False)
        pd.DataFrame({"单据编号": ["A1", "A2", "A3", "A4"], "单据日期": ["2026-10-03", "2026-10-04", "2026-10-05",
                                                               "2026-10-06"],
                      "业务员": ["E1", "E1", "E2", "E2"], "客户名称": ["甲", "乙", "丙", "丁"],
                      "金额": [100.0, 200.0, 300.0, 400.0],
                      "交易状态": ["交易完成", "已退货", "已关闭", "确认收货"]}).to_excel(
            writer, sheet_name="销售明细", index=False)
    ds = load_dataset(book)
    assert set(ds.tables) == {"employees", "orders"}
    assert ds.sources["orders"].sheet == "销售明细"
    emp = ds.tables["employees"].set_index("employee_id")
    assert list(emp["team"]) == ["华东区", "华东区"] and emp.loc["E2", "manager_id"] == "E1"
    orders = ds.tables["orders"].set_index("order_id")
    assert list(orders["status"]) == ["completed", "refunded", "cancelled", "completed"]
    assert str(orders.loc["A1", "order_date"].date()) == "2026-10-03"


def test_orders_mostly_of_amount_zero_are_warned_about_with_the_months_of_no_revenue(tmp_path):
    """An export whose amount column is seldom filled (Olist's declared revenue: 0 on 95 %
    of the deals) reported "revenue 0.00" for a month of 147 deals without a word."""
    (tmp_path / "employees.csv").write_text("employee_id,name,team,role\nA1,Ann,North,rep\nA2,Bo,North,rep\n",
                                            encoding="utf-8")
    rows = [f"O{i},A{1 + i % 2},C{i},2026-{9 + (i >= 12):02d}-{1 + i % 28:02d},{500 if i in (3, 7, 20) else 0}"
            for i in range(24)]  # September: 12 orders, 2 of them with an amount; October: 12, one
    rows[12:24] = [r.rsplit(",", 1)[0] + ",0" for r in rows[12:24]]  # October: none
    (tmp_path / "orders.csv").write_text("order_id,employee_id,customer_id,order_date,declared_revenue\n"
                                         + "\n".join(rows) + "\n", encoding="utf-8")
    mapping = {"columns": {"orders": {"declared_revenue": "amount"}}}
    [w] = [w for w in load_dataset(tmp_path, mapping=mapping).warnings if w.check == "zero_amounts"]
    # 24 orders, of which 22 are 0 (September's 3 and 7 are 500): 22 / 24 = 92 %
    assert w.message == ("22 of the 24 orders (92%) have 'declared_revenue' (amount) 0: revenue and every money KPI "
                         "count them as sales of nothing; the months with orders but revenue 0: 2026-10")
    assert w.column == "amount" and w.file == "orders.csv" and "data.columns.orders" in w.fix
    assert w.text("zh").startswith("24 笔订单中有 22 笔（92%）的「declared_revenue」（amount）为 0")
    # blank amounts (open deals of a CRM export; each an error of its own) are said apart from the zeros
    blanks = [r.rsplit(",", 1)[0] + "," if i in (0, 1, 2, 12) else r for i, r in enumerate(rows)]
    (tmp_path / "orders.csv").write_text("order_id,employee_id,customer_id,order_date,declared_revenue\n"
                                         + "\n".join(blanks) + "\n", encoding="utf-8")
    report = validate_dataset(tmp_path, mapping=mapping)
    assert [p.row for p in report.problems if p.column == "amount"] == [2, 3, 4, 14]
    [w] = [w for w in report.warnings if w.check == "zero_amounts"]
    assert w.message.startswith("22 of the 24 orders (92%) have 'declared_revenue' (amount) 0 or empty (18 are 0, "
                                "4 empty): revenue")
    assert w.text("zh").startswith("24 笔订单中有 22 笔（92%）的「declared_revenue」（amount）为 0 或为空（为 0 的 18 笔，为空的 4 笔）")
    # half of them with an amount (12 of 24): nothing to say
    rows = [r.rsplit(",", 1)[0] + f",{100 if i % 2 else 0}" for i, r in enumerate(rows)]
    (tmp_path / "orders.csv").write_text("order_id,employee_id,customer_id,order_date,declared_revenue\n"
                                         + "\n".join(rows) + "\n", encoding="utf-8")
    assert not [w for w in load_dataset(tmp_path, mapping=mapping).warnings if w.check == "zero_amounts"]


def test_validate_warns_of_a_kpi_scored_by_attainment_without_targets(tmp_path):
    """A plan scoring revenue by attainment, on data without targets for it, said OK in
    validate, while every scorecard row then said "no target" and moved the weight to the
    other KPIs. Validate now names the KPI, the roles and weights, and the fix; a KPI scored
    by percentile needs no target, and --period checks that period's targets."""
    from salesperf_kit.params import load_params
    from salesperf_kit.sample import write_sample
    from salesperf_kit.scoring import scorecard

    data = tmp_path / "data"
    write_sample("telesales", data, seed=2, volumes={"orders": 6, "calls": 30, "service": 4})
    targets = pd.read_csv(data / "targets.csv", dtype=str)
    (data / "targets.csv").unlink()
    plan = load_params(PARAMS_DIR / "telesales.yaml")  # (revenue and calls by attainment, the rest by percentile)

    def warned(period=None):
        report = validate_dataset(data, params=plan, period=period)
        assert report.ok, report.text()
        return {p.key: p for p in report.warnings if p.check == "attainment_without_targets"}

    found = warned("2026-10")
    assert set(found) == {"scoring.kpi_normalisation.revenue", "scoring.kpi_normalisation.calls"}
    revenue = found["scoring.kpi_normalisation.revenue"]
    assert revenue.written == "telesales.yaml, line 18"
    assert revenue.message == ("revenue is scored by attainment and weighted for the role(s) agent (weight 0.35) and "
                               "team_lead (weight 0.5), but the data have no targets table: each scorecard row of it "
                               "would say 'no target: weight redistributed', its weight going to the other KPIs")
    assert "salesperf targets telesales --year" in revenue.fix and "{method: percentile}" in revenue.fix
    assert revenue.line("zh").startswith("scoring.kpi_normalisation.revenue（telesales.yaml 第 18 行）：「销售额」（revenue）"
                                         "按目标达成率计分，在岗位 坐席（权重 0.35）、组长（权重 0.5） 中有权重，但数据没有目标表")
    # the scorecard's own rule: each row of it says so
    card = scorecard(load_dataset(data, mapping=plan.data_mapping(data) or None), plan, "2026-10")
    rows = card.details[card.details["kpi"] == "revenue"]
    assert (rows["note"] == "no target: weight redistributed").all()

    targets[targets["kpi"] == "revenue"].to_csv(data / "targets.csv", index=False)  # revenue's only
    assert set(warned("2026-10")) == {"scoring.kpi_normalisation.calls"}
    assert "no calls targets at all" in warned()["scoring.kpi_normalisation.calls"].message
    # targets for other months only: --period checks its own, without it any target will do
    targets[targets["period"] != "2026-10"].to_csv(data / "targets.csv", index=False)
    found = warned("2026-10")
    assert set(found) == {"scoring.kpi_normalisation.revenue", "scoring.kpi_normalisation.calls"}
    assert "no revenue targets for 2026-10" in found["scoring.kpi_normalisation.revenue"].message
    assert warned("2026-09") == {} and warned() == {}

    # targets of the agents only: the team leads, scored on revenue by attainment, have none
    emp = pd.read_csv(data / "employees.csv", dtype=str)
    leads = set(emp.loc[emp["role"] == "team_lead", "employee_id"])
    targets[~targets["employee_id"].isin(leads)].to_csv(data / "targets.csv", index=False)
    report = validate_dataset(data, params=plan, period="2026-10")
    [w] = [p for p in report.warnings if p.check == "role_without_targets"]
    assert (w.key, warned("2026-10")) == ("scoring.roles.team_lead.weights", {})
    assert w.message == ("the role team_lead is scored by attainment on revenue (weight 0.5), but none of its 5 people "
                         "(苏艳雪, 熊梅然, 叶建, …) has a target of it for 2026-10, which the targets give others: each "
                         "such row of theirs would say 'no target: weight redistributed'")
    assert w.text("zh").startswith("岗位「组长」按目标达成率考核「销售额」（权重 0.5），但该岗位的 5 人（苏艳雪、熊梅然、叶建等）"
                                   "都没有 2026-10 的该目标")
    targets.to_csv(data / "targets.csv", index=False)  # every target: nothing to say
    assert warned("2026-10") == {} and warned() == {}
    assert not [p for p in validate_dataset(data, params=plan, period="2026-10").warnings
                if p.check == "role_without_targets"]
    # by percentile, no target is needed; by attainment inherited, the key is the plan's normalisation
    pct = tmp_path / "pct.yaml"
    pct.write_text("extends: telesales\nscoring:\n  normalisation: {method: attainment}\n  kpi_normalisation: null\n",
                   encoding="utf-8")
    (data / "targets.csv").unlink()
    found = validate_dataset(data, params=load_params(pct), period="2026-10").warnings
    inherited = [p for p in found if p.check == "attainment_without_targets"]
    assert inherited and {p.key for p in inherited} == {"scoring.normalisation"}
    assert "(the plan's normalisation, which it inherits)" in inherited[0].message


def _zh_lines(report) -> list[str]:
    """The findings of ``report`` as validate prints them under language: zh, each checked
    for English words left in it."""
    lines = [line.strip().removeprefix("- ") for line in report.text(language="zh").splitlines()]
    for line in lines:
        for english in ("row ", "Fix:", "found", "not loaded", "is not"):
            assert english not in line, line
    return lines


def test_which_file_holds_which_table_is_said_in_chinese(tmp_path):
    """Under language: zh the findings about which file or sheet holds which table were in
    English; a file that data.files names and that is not there says, in Chinese, that an
    unattended run may have come before the export."""
    _write_csv(tmp_path / "orders.csv", _orders())
    _write_csv(tmp_path / "sales.csv", _orders())
    _add_employees(tmp_path)
    (tmp_path / "备注.pdf").write_bytes(b"%PDF")
    lines = _zh_lines(validate_dataset(tmp_path, mapping={"files": {"targets": "目标.xlsx"}}))
    assert (f"data.files.targets 指定的「目标.xlsx」不在 {tmp_path} 中。修改方法：若是定时无人值守运行，"
            "可能是导出文件还没送到：等它送到后再运行；否则改正参数文件中的 data.files") in lines
    assert ("2 处都是「订单」表：「orders.csv」、「sales.csv」。修改方法：只保留一处，"
            "或用 data.files: {orders: <文件>} 指定用哪一处") in lines
    assert ("未加载：不是数据表文件（以表名命名的 .csv、.xlsx 或 .parquet）。修改方法：若该文件不是数据表，"
            "无需处理；否则把它导出为以表名命名的 CSV、XLSX 或 Parquet") in lines
    book = tmp_path / "client.xlsx"
    with pd.ExcelWriter(book) as w:
        _orders().to_excel(w, sheet_name="Sheet1", index=False)
    lines = _zh_lines(validate_dataset(book))
    assert ("没有以表名命名的工作表（工作表：「Sheet1」）。修改方法：把工作表按表名重命名（表名：" +
            "、".join(t.zh for t in TABLES.values()) + f"，或英文名 {', '.join(TABLES)}），或在 data.files "
            "中指定，如 data.files: {orders: 'client.xlsx#Sheet1'}") in lines


def test_a_workbook_s_unused_sheets_are_told_with_an_example_of_a_table_not_loaded(tmp_path):
    """A workbook given as the data whose tables data.files reads from files beside it: its
    sheets are merely unused, and the example of naming one is a table the data lack (it
    named calls even when the calls were loaded)."""
    _write_csv(tmp_path / "staff.csv", _employees())
    _write_csv(tmp_path / "deals.csv", _orders())
    book = tmp_path / "client.xlsx"
    with pd.ExcelWriter(book) as w:
        _orders().to_excel(w, sheet_name="Aufträge", index=False)
    ds = load_dataset(book, mapping={"files": {"employees": "staff.csv", "orders": "deals.csv"}})
    [w] = [w for w in ds.warnings if w.check == "unknown_sheet"]
    assert w.fix == ("nothing to do if those files are the data; to read a sheet, name it in data.files, e.g. "
                     "data.files: {calls: 'client.xlsx#Aufträge'}")


def test_unreadable_files_and_ragged_rows_are_said_in_chinese(tmp_path):
    """A workbook saved as .csv, an empty file and a row with more values than its header
    (a thousands separator that is the delimiter) were said in English under language: zh."""
    _add_employees(tmp_path)
    (tmp_path / "orders.csv").write_text("order_id,employee_id,customer_id,order_date,amount,status\n"
                                         "O1,E1,C1,2026-10-01,1,200,completed\n", encoding="utf-8")
    with pd.ExcelWriter(tmp_path / "calls.csv", engine="openpyxl") as w:
        _orders().to_excel(w, index=False)
    (tmp_path / "traffic.csv").write_bytes(b"")
    lines = _zh_lines(validate_dataset(tmp_path))
    assert ("第 2 行：该行有 7 个值，但表头只有 6 列（实际为「O1,E1,C1,2026-10-01,1,200,completed」）。"
            "修改方法：某个值里多半含有分隔符「,」（如 1,200 中的千位分隔符）：给它加上引号，或去掉该分隔符") in lines
    assert ("这是 Excel 工作簿，不是文本（CSV）文件。修改方法：把扩展名改为 .xlsx"
            "（旧版 Excel 97-2003 工作簿为 .xls）") in lines
    assert "该文件为空。修改方法：连同表头行重新导出该表" in lines
    (tmp_path / "orders.csv").write_bytes("order_id,name\nO1,王芳\n".encode("gbk"))
    lines = _zh_lines(validate_dataset(tmp_path, mapping={"encoding": "utf-8"}))
    assert ("该文件不是有效的 utf-8（data.encoding）：偏移量 17 处的字节无法解码。修改方法：把文件另存为 CSV UTF-8"
            "（Excel：另存为 > CSV UTF-8），或在参数文件中设置 data.encoding") in lines


def test_filters_lookups_and_defaults_are_said_in_chinese(tmp_path):
    """The findings about data.filters, data.lookups and data.defaults were in English under
    language: zh; a filter value one slip from the one it removes, a lookup column the file
    does not have and a default that is not a date are now said in Chinese."""
    _add_employees(tmp_path)
    orders = _orders().assign(region=["N", "S", "N", "S"])
    _write_csv(tmp_path / "orders.csv", orders)
    _write_csv(tmp_path / "regions.csv", pd.DataFrame({"Area": ["N", "S"], "Manager": ["E3", "E3"]}))
    lines = _zh_lines(validate_dataset(tmp_path, mapping={
        "filters": {"orders": {"status": ["completed", "cancelled", "refundd"]}},
        "lookups": {"orders": [{"file": "regions.csv", "key": {"region": "Area"}, "columns": ["Manger"]}]}}))
    assert ("「status」列：data.filters.orders.status 保留的「refundd」在该列中一行也没有，却去掉了「refunded」的 1 行"
            "（与它只差一处笔误）；是否应为「refunded」？修改方法：要保留这些行，在 data.filters.orders.status 中"
            "把「refundd」改为「refunded」；要去掉它们，则从中删除「refundd」") in lines
    assert ("data.lookups.orders (item 1).columns 指定的「Manger」不是对照文件 regions.csv 的表头；其表头：「Area」、"
            "「Manager」。修改方法：改正 data.lookups.orders (item 1).columns；是否应为「Manager」？") in lines
    _write_csv(tmp_path / "orders.csv", orders.drop(columns="order_date"))
    lines = _zh_lines(validate_dataset(tmp_path, mapping={"defaults": {"orders": {"order_date": "2026-10"}}}))
    assert ("data.defaults.orders.order_date：该默认值给了 orders.csv 中没有 order_date 的 4 行，而「order_date」"
            "不是日期（实际为「2026-10」）。修改方法：修改参数文件中的 data.defaults.orders.order_date：日期为"
            "「2026-10」的行是该期间的合计，应写它的最后一天 2026-10-31（写第一天会被读作数据止于那一天）") in lines
    for p in tmp_path.iterdir():
        p.unlink()
    _order_lines(tmp_path, employee_of_line3="E2")
    lines = _zh_lines(validate_dataset(tmp_path, mapping={"lines": ["orders"]}))
    assert ("第 2 行「employee_id」列：order_id 为「O1」的各行明细「employee_id」不同：「E1」（第 2 行）、「E1」（第 3 行）、"
            "「E2」（第 4 行）。修改方法：同一条记录的各行明细写相同的 employee_id；若该列属于明细（如产品），"
            "则不要在 data.columns 中映射它") in lines


def test_the_header_row_found_below_a_title_is_said_in_chinese(tmp_path):
    """An export with a title and a blank line above its header: the header row is found, and
    what is said of its headers (one that data.columns maps and the file lacks, columns left
    unused, one with no header at all) reads in Chinese under language: zh."""
    _add_employees(tmp_path)
    (tmp_path / "orders.csv").write_text("2026年10月订单报表\n\n订单号,工号,客户,日期,金额,状态,\n"
                                         "O1,E1,C1,2026-10-01,100,completed,x\n", encoding="utf-8")
    lines = _zh_lines(validate_dataset(tmp_path, mapping={"columns": {"orders": {"下单时间": "order_date"}}}))
    assert ("「order_date」列：data.columns.orders 映射的表头「下单时间」不在文件中；文件中的表头：「订单号」、「工号」、"
            "「客户」、「日期」、「金额」、「状态」。修改方法：改正 data.columns.orders 中的表头") in lines
    assert ("「订单」表未使用的列：「日期」、（无表头的 G 列）。修改方法：如果其中某列是数据规范中的列，"
            "用 data.columns.orders: {<表头>: <列名>} 映射；否则无需处理") in lines


def test_a_repeated_period_and_the_lazy_parquet_checks_are_said_in_chinese(tmp_path):
    """Two rows of one person and month in a KPI sheet, and what lazy mode finds in a Parquet
    file it leaves on disk, were said in English under language: zh."""
    sheet = pd.DataFrame({"工号": ["E1", "E2", "E1"], "月份": ["2026-10", "2026-10", "2026年10月"],
                          "销售额": ["1000", "500", "2000"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    lines = _zh_lines(validate_dataset(tmp_path))
    assert ("第 4 行「月份」列：工号「E1」、「月份」（period）为 2026-10 的记录在第 2 行已有一行：两行会被加在一起"
            "（实际为「2026年10月」）。修改方法：每人每期只保留一行（删除或合并第 2 行或本行），或改正工号或期间") in lines
    (tmp_path / "指标表.csv").unlink()
    _orders().drop(columns="customer_id").to_parquet(tmp_path / "orders.parquet")
    with pytest.raises(DataContractError) as err:
        load_dataset(tmp_path, lazy=True, mapping={"filters": {"orders": {"status": ["completed"]}}})
    lines = [p.line("zh") for p in err.value.problems]
    for line in lines:
        assert not any(english in line for english in ("row ", "Fix:", "found", "not found")), line
    assert ("orders.parquet：data.filters.orders 无法用于留在磁盘上按需读取（lazy 模式）的 Parquet 表。"
            "修改方法：在写出 Parquet 文件时就应用它，或用 lazy=False 载入") in lines
    assert ("orders.parquet，「customer_id」列：找不到必需的列「customer_id」；文件中的列：「order_id」、「employee_id」、"
            "「order_date」、「amount」、「status」。修改方法：按需读取（lazy）模式按标准列名读取 Parquet 的列："
            "在文件中把该列改名，或用 lazy=False 载入；是否应为「order_id」？") in lines
    assert any(line.startswith("orders.parquet，「amount」列：Parquet 文件中的「amount」列是文本，但数据规范要求数字")
               for line in lines), lines


def test_amounts_in_two_currencies_are_an_error_naming_them(tmp_path):
    """A multi-currency CRM writes "EUR 4,914.00" beside "USD 1,234.00": the currency signs
    were taken off and the euros added up with the dollars, with report.currency USD."""
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["USD 1,234.00", "EUR 4,914.00", "$80", "1000"]))
    _add_employees(tmp_path)
    [p] = [p for p in validate_dataset(tmp_path).problems if p.check == "mixed_currencies"]
    assert p.severity == "error" and p.column == "amount"
    assert p.message == ("'amount' writes amounts in 2 currencies: USD (2 rows), EUR (1 row); those not in USD are in "
                         "rows 3. They would be added up as one currency")
    assert "convert the amounts to one currency" in p.fix
    # one currency however written (¥, 元, RMB, ￥) is no mix
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["¥100", "250.5元", "RMB 80", "￥1,000"]))
    ds = load_dataset(tmp_path)
    assert ds.tables["orders"]["amount"].tolist() == [100.0, 250.5, 80.0, 1000.0]
    # amounts that state another currency than the plan's: the report would label them wrongly
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["EUR 1,234.00", "EUR 80", "€ 5", "1000"]))
    [p] = validate_dataset(tmp_path, mapping={"currency": "USD"}).problems
    assert (p.check, p.column) == ("other_currency", "amount")
    assert p.message == ("'amount' states its amounts in EUR (3 rows), but the plan's report.currency is USD: the "
                         "report would show them as USD")
    assert p.fix.startswith("set report.currency: EUR in the plan")
    assert validate_dataset(tmp_path, mapping={"currency": "EUR"}).ok
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["$1,234.00", "$80", "5", "1000"]))
    assert validate_dataset(tmp_path, mapping={"currency": "SGD"}).ok  # ($: a dollar of any country)


def test_an_export_cut_short_of_the_records_its_totals_row_counts_is_an_error(tmp_path):
    """A Salesforce export of 5,800 of its 8,800 records still ended in 'Grand Totals (8800
    records)': the row was left out as a total and the quarter's revenue read 2,521,123
    instead of 2,982,255, with nothing said."""
    _add_employees(tmp_path)
    head = "order_id,employee_id,customer_id,order_date,amount\n"
    records = "O1,E1,C1,2026-10-01,100\nO2,E2,C2,2026-10-02,50\nO3,E1,C3,2026-10-03,70\n"
    (tmp_path / "orders.csv").write_text(head + records + "\nGrand Totals (5 records),,,,400\n", encoding="utf-8")
    [p] = [p for p in validate_dataset(tmp_path).problems if p.check == "records_missing"]
    assert (p.row, p.severity) == (6, "error")
    assert p.message == ("the totals row ('Grand Totals (5 records)') counts 5 records, but only 3 are above it: 2 "
                         "are missing, and every figure would be short")
    assert p.fix.startswith("export the whole report again")
    # as many records as counted, or a subtotal's count above them: nothing missing
    (tmp_path / "orders.csv").write_text(head + "O0,E2,C0,2026-10-01,180\nSubtotal (1 record),,,,180\n" + records
                                         + "Grand Totals (4 records),,,,400\n", encoding="utf-8")
    assert load_dataset(tmp_path).tables["orders"]["order_id"].tolist() == ["O0", "O1", "O2", "O3"]


def test_dates_written_with_dots_are_day_first(tmp_path):
    """A German employees file whose every hire date fell on the 1st (01.04.2012) was an
    ambiguous-date error: dates with dots are written day-first, never month-first."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders().assign(order_date=["01.10.2026", "02.10.2026", "12.10.2026",
                                                                     "05.10.2026 14:05"]))
    dates = load_dataset(tmp_path).tables["orders"]["order_date"]
    assert dates.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2026-10-01 00:00", "2026-10-02 00:00",
                                                            "2026-10-12 00:00", "2026-10-05 14:05"]
    # data.date_order still rules, and slashes stay ambiguous
    us = load_dataset(tmp_path, mapping={"date_order": "month-first"}).tables["orders"]["order_date"]
    assert us.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2026-01-10", "2026-02-10"]
    _write_csv(tmp_path / "orders.csv", _orders().assign(order_date=["01/10/2026"] * 4))
    assert [p.check for p in validate_dataset(tmp_path).problems] == ["ambiguous_date"]


def test_the_plan_says_how_an_export_writes_dates_that_do_not_show_it(tmp_path):
    """A US CRM's export of the first days of September (9/1/2017 … 9/12/2017) could be read
    either way and was blocked, with no way short of rewriting the client's file."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders().assign(
        order_date=["9/1/2017", "9/2/2017 14:05", "9/12/2017", "10/3/2017"]))
    [p] = [p for p in validate_dataset(tmp_path).problems if p.check == "ambiguous_date"]
    assert p.fix.startswith("say how the export writes them with data.date_order: month-first")
    us = load_dataset(tmp_path, mapping={"date_order": "month-first"}).tables["orders"]["order_date"]
    assert us.dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2017-09-01 00:00", "2017-09-02 14:05", "2017-09-12 00:00", "2017-10-03 00:00"]
    uk = load_dataset(tmp_path, mapping={"date_order": "day-first"}).tables["orders"]["order_date"]
    assert uk.dt.strftime("%Y-%m-%d").tolist() == ["2017-01-09", "2017-02-09", "2017-12-09", "2017-03-10"]
    # a date the order given cannot read is an error of its own
    _write_csv(tmp_path / "orders.csv", _orders().assign(order_date=["9/1/2017", "13/1/2017", "9/3/2017", "9/4/2017"]))
    [p] = validate_dataset(tmp_path, mapping={"date_order": "month-first"}).problems
    assert (p.check, p.row, p.value) == ("not_a_date", 3, "13/1/2017")
    with pytest.raises(SalesperfError, match="data.date_order says how the export writes dates .* 'mdy' was passed"):
        load_dataset(tmp_path, mapping={"date_order": "mdy"})


def test_an_export_with_decimal_commas_is_read_as_its_locale_writes_numbers(tmp_path):
    """A Brazilian CRM writes R$ 1.234,56 in a semicolon CSV: every amount was 'not a number'.
    The table's numbers show the decimal comma; 1.500 beside them is then 1500, not 1.5."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["R$ 1.234,56", "1.500", "80,5", "R$ 2.000.000,00"]),
               sep=";")
    report = validate_dataset(tmp_path)
    [p] = report.warnings
    assert report.problems == [] and (p.check, p.column) == ("decimal_comma", "amount")
    assert p.message == ("numbers such as 'R$ 1.234,56' in 'amount' are written with a decimal comma: every number "
                         "of the table is read so ('R$ 1.234,56' is 1,234.56, and 1.234 is 1234)")
    assert p.fix.startswith("nothing to do if that is right; say so with data.decimal_mark: ','")
    amounts = load_dataset(tmp_path).tables["orders"]["amount"].tolist()
    assert amounts == [1234.56, 1500.0, 80.5, 2_000_000.0]
    # stated in the plan: read so without a warning; '.' reads the commas as thousands
    assert validate_dataset(tmp_path, mapping={"decimal_mark": ","}).warnings == []
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["1,234", "1.500", "12,500", "80"]))
    assert [p.check for p in validate_dataset(tmp_path).problems] == ["ambiguous_decimal"]  # (nothing tells)
    point = load_dataset(tmp_path, mapping={"decimal_mark": "."}).tables["orders"]["amount"].tolist()
    assert point == [1234.0, 1.5, 12500.0, 80.0]
    comma = load_dataset(tmp_path, mapping={"decimal_mark": ","}).tables["orders"]["amount"].tolist()
    assert comma == [1.234, 1500.0, 12.5, 80.0]
    # a table that writes both marks is not guessed: the decimal comma is an error that says how to state it
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["1.234,56", "12.5", "80", "100"]))
    [p] = validate_dataset(tmp_path).problems
    assert (p.check, p.row, p.value) == ("not_a_number", 2, "1.234,56")
    assert p.fix.endswith("if the export writes a decimal comma (1.234,56), say so with data.decimal_mark: ','")
    with pytest.raises(SalesperfError, match=r"data.decimal_mark says .* but ';' was passed"):
        load_dataset(tmp_path, mapping={"decimal_mark": ";"})


def test_whole_amounts_with_a_dot_between_thousands_are_never_read_as_decimals(tmp_path):
    """A German export in whole euros (1.706 €): read as 1.706, a month's revenue came out as
    32,636 instead of 73,591 and commissions were paid on it, with no warning. A column the
    table does not use (Gewinn, 85,31 €) shows the decimal comma; with nothing to show it,
    the amounts are an error that asks for data.decimal_mark, as ambiguous dates ask for
    data.date_order."""
    _add_employees(tmp_path)
    euros = ["1.706 €", "262 €", "12.400 €", "80 €"]
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=euros, Gewinn=["85,31 €", "1,00 €", "0 €", "7,5 €"]),
               sep=";")
    report = validate_dataset(tmp_path)
    [p] = [w for w in report.warnings if w.check == "decimal_comma"]
    assert p.message.startswith("numbers such as '85,31 €' in 'Gewinn' are written with a decimal comma")
    assert load_dataset(tmp_path).tables["orders"]["amount"].tolist() == [1706.0, 262.0, 12400.0, 80.0]
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=euros), sep=";")
    [p] = validate_dataset(tmp_path).problems
    assert (p.check, p.column, p.value) == ("ambiguous_decimal", "amount", "1.706 €")
    assert p.message == ("'amount': amounts such as '1.706 €' can be read as 1.706 or as 1706 (a dot between "
                         "thousands), and nothing in the table tells which (2 rows)")
    assert p.fix.startswith("say which with data.decimal_mark: ',' if the dot separates thousands (1.706 is 1706")
    assert load_dataset(tmp_path, mapping={"decimal_mark": ","}).tables["orders"]["amount"].tolist() == [
        1706.0, 262.0, 12400.0, 80.0]
    assert load_dataset(tmp_path, mapping={"decimal_mark": "."}).tables["orders"]["amount"].tolist() == [
        1.706, 262.0, 12.4, 80.0]
    # a decimal point anywhere in the table (here in a column it does not use) tells it
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=euros, Rabatt=["0.2", "0", "0.15", "0"]))
    assert load_dataset(tmp_path).tables["orders"]["amount"].tolist() == [1.706, 262.0, 12.4, 80.0]


def test_a_trailing_minus_is_a_negative_number_as_sap_writes_it(tmp_path):
    """SAP writes a credit note's amount 8,56- (and its quantity 2-): 'not a number', with a fix
    pointing at data.decimal_mark, already set. Read as -8.56, it meets the advice that a
    leading minus gets: a refund is its order with status refunded."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["1.234,56", "8,56-", "80,00", "1.000,00-"]), sep=";")
    problems = validate_dataset(tmp_path, mapping={"decimal_mark": ","}).problems
    assert [(p.check, p.row, p.column) for p in problems] == [("greater_than_or_equal_to(0)", 3, "amount"),
                                                              ("greater_than_or_equal_to(0)", 5, "amount")]
    assert "a refund is the order itself with status refunded" in problems[0].fix
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["1,234.56", "8.56", "80", "1,000.00"],
                                                         quantity=["1", "2-", "3", "4"]))
    [p] = validate_dataset(tmp_path).problems  # (read as -2: below the minimum, not 'not a number')
    assert (p.check, p.column, p.value) == ("greater_than_or_equal_to(0)", "quantity", "2-")


def test_amounts_carry_the_signs_and_codes_of_the_currencies_a_plan_may_name(tmp_path):
    """R$, HK$ and ₩ were read as words; an amount in another currency than the plan's is
    still an error, and two currencies in one column are never added up."""
    _add_employees(tmp_path)
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["R$ 100", "R$ 250.5", "BRL 80", "1000 BRL"]))
    assert load_dataset(tmp_path, mapping={"currency": "BRL"}).tables["orders"]["amount"].tolist() == [
        100.0, 250.5, 80.0, 1000.0]
    [p] = validate_dataset(tmp_path, mapping={"currency": "CNY"}).problems
    assert p.check == "other_currency" and "states its amounts in BRL (4 rows)" in p.message
    _write_csv(tmp_path / "orders.csv", _orders().assign(amount=["HK$ 100", "₩250", "HK$ 80", "HK$ 1,000"]))
    [p] = validate_dataset(tmp_path).problems
    assert p.check == "mixed_currencies"
    assert p.message.startswith("'amount' writes amounts in 2 currencies: HKD (3 rows), KRW (1 row)")


def test_a_plan_s_currency_is_checked_against_the_currency_its_data_state(tmp_path):
    from salesperf_kit.loaders import load_plan_data
    from salesperf_kit.params import load_params

    data = tmp_path / "data"
    data.mkdir()
    _write_csv(data / "orders.csv", _orders().assign(amount=["EUR 1,234.00", "EUR 80", "EUR 5", "EUR 1000"]))
    _add_employees(data)
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"extends: direct\ndata: {{path: {data}}}\nreport: {{currency: {{zh: 美元, en: USD}}}}\n",
                    encoding="utf-8")
    with pytest.raises(DataContractError, match="report.currency is USD"):
        load_plan_data(load_params(plan))
    plan.write_text(f"extends: direct\ndata: {{path: {data}}}\nreport: {{currency: EUR}}\n", encoding="utf-8")
    assert load_plan_data(load_params(plan)).tables["orders"]["amount"].sum() == 2319.0


def _sheet_of_people(tmp_path):
    """A monthly KPI sheet that is also the list of people: 林霞 has rows for July and
    August only (she left), 唐婷 for August and September (she joined), 王刚 all three."""
    sheet = pd.DataFrame({
        "工号": ["001", "002", "001", "002", "003", "001", "003"],
        "姓名": ["王刚", "林霞", "王刚", "林霞", "唐婷", "王刚", "唐婷"],
        "团队": ["一部"] * 7,
        "月份": ["2026-07", "2026-07", "2026-08", "2026-08", "2026-08", "2026-09", "2026-09"],
        "销售额": [100, 80, 120, 40, 50, 110, 90],
    })
    _write_csv(tmp_path / "kpi.csv", sheet)
    return {"files": {"kpi_sheet": "kpi.csv", "employees": "kpi.csv"}, "lines": ["employees"],
            "columns": {"employees": {"工号": "employee_id", "姓名": "name", "团队": "team"},
                        "kpi_sheet": {"工号": "employee_id", "月份": "period"}},
            "defaults": {"employees": {"role": "agent"}}}


def test_people_read_from_a_kpi_sheet_join_and_leave_with_their_rows(tmp_path):
    """The sheet runs from July to September: 林霞's last row is August, so she left on
    2026-08-31; 唐婷's first is August, so she joined on 2026-08-01; 王刚 has every month
    and keeps no dates. A warning names both."""
    mapping = _sheet_of_people(tmp_path)
    ds = load_dataset(tmp_path, mapping=mapping)
    emp = ds.tables["employees"].set_index("employee_id")
    assert emp.loc["002", "leave_date"] == pd.Timestamp("2026-08-31") and pd.isna(emp.loc["002", "hire_date"])
    assert emp.loc["003", "hire_date"] == pd.Timestamp("2026-08-01") and pd.isna(emp.loc["003", "leave_date"])
    assert pd.isna(emp.loc["001", "hire_date"]) and pd.isna(emp.loc["001", "leave_date"])
    [w] = [w for w in ds.warnings if w.check == "dates_from_sheet"]
    assert "2 of them have rows for part of its months only (2026-07 to 2026-09)" in w.message
    assert "林霞 (002) left 2026-08-31; 唐婷 (003) joined 2026-08-01" in w.message
    assert "视为林霞（002）2026-08-31 离职；唐婷（003）2026-08-01 入职" in w.zh
    # September's KPIs leave 林霞 out, with the notice for people outside their dates
    from salesperf_kit.kpis import compute_kpis
    res = compute_kpis(ds, "2026-09", kpis=["revenue"])
    assert sorted(res.wide["employee_id"]) == ["001", "003"]
    # dates an employees table gives are kept
    people = pd.DataFrame({"工号": ["001", "002", "003"], "姓名": ["王刚", "林霞", "唐婷"], "团队": ["一部"] * 3,
                           "离职日期": ["", "2026-08-15", ""]})
    _write_csv(tmp_path / "people.csv", people)
    own = dict(mapping, files={"kpi_sheet": "kpi.csv", "employees": "people.csv"}, lines=[],
               columns={**mapping["columns"], "employees": {**mapping["columns"]["employees"], "离职日期": "leave_date"}})
    emp = load_dataset(tmp_path, mapping=own).tables["employees"].set_index("employee_id")
    assert emp.loc["002", "leave_date"] == pd.Timestamp("2026-08-15") and pd.isna(emp.loc["003"].get("hire_date"))


def test_a_kpi_sheet_that_lists_the_people_too_is_told_about_once(tmp_path):
    """Read as the KPI sheet and as the employees table, the sheet's 合计 row is one
    warning, not two; its unused columns are those neither table takes (备注), not 姓名
    (the employees') nor 销售额 (the KPI sheet's)."""
    mapping = _sheet_of_people(tmp_path)
    sheet = pd.read_csv(tmp_path / "kpi.csv", dtype=str).assign(备注="")
    sheet.loc[0, "备注"] = "新人"
    total = pd.DataFrame([{"工号": "合计", "销售额": "590"}])
    _write_csv(tmp_path / "kpi.csv", pd.concat([sheet, total], ignore_index=True))
    ds = load_dataset(tmp_path, mapping=mapping)
    [totals] = [w for w in ds.warnings if w.check == "totals_rows"]
    assert "row 9 ('合计')" in totals.message
    [unused] = [w for w in ds.warnings if w.check == "unused_columns"]
    assert unused.message == "columns not used by tables 'kpi_sheet', 'employees': '备注'"
    assert unused.message.zh == "「指标表」、「员工」表未使用的列：「备注」"


def test_a_kpi_sheet_reads_counts_beside_its_kpis_by_their_usual_headers(tmp_path):
    """接通量 and 投诉数 are counts (connected calls, complaints), read as such without a
    mapping, and 有效通话时长(分钟) is the talk-time KPI; a mapping to a count is accepted."""
    sheet = pd.DataFrame({"员工编号": ["E1", "E2"], "月份": ["2026-10", "2026-10"], "通话量": ["1,200", "800"],
                          "接通量": ["480", "300"], "投诉数": ["2", ""], "有效通话时长(分钟)": ["950.5", "610"]})
    _write_csv(tmp_path / "指标表.csv", sheet)
    _add_employees(tmp_path)
    got = load_dataset(tmp_path).tables["kpi_sheet"]
    got = got.astype("object").where(got.notna(), None)
    assert got[["calls", "connected", "complaints", "effective_talk_minutes"]].to_dict("list") == {
        "calls": [1200.0, 800.0], "connected": [480.0, 300.0], "complaints": [2.0, None],
        "effective_talk_minutes": [950.5, 610.0]}
    sheet = sheet.rename(columns={"接通量": "接通电话"})
    _write_csv(tmp_path / "指标表.csv", sheet)
    mapped = load_dataset(tmp_path, mapping={"columns": {"kpi_sheet": {"接通电话": "connected"}}})
    assert mapped.tables["kpi_sheet"]["connected"].tolist() == [480.0, 300.0]


def test_a_column_no_table_has_is_named_at_its_line_of_the_plan_in_its_language(tmp_path):
    """data.columns maps 接通量 to connected_calls, no column of the KPI sheet: the error
    names the key with its file and line (line 4 of acme.yaml) and offers the count
    column, connected, in Chinese for a Chinese plan."""
    from salesperf_kit.params import load_params

    data = tmp_path / "data"
    data.mkdir()
    _write_csv(data / "指标表.csv", pd.DataFrame({"工号": ["E1"], "月份": ["2026-10"], "接通量": ["30"]}))
    plan = tmp_path / "acme.yaml"
    plan.write_text("extends: telesales\ndata:\n  path: data\n  columns: {kpi_sheet: {接通量: connected_calls}}\n",
                    encoding="utf-8")
    params = load_params(plan)
    for load in (lambda: load_plan_data(params), lambda: validate_dataset(data, params=params)):
        with pytest.raises(SalesperfError) as err:
            load()
        note = err.value.args[0]
        assert str(note).startswith("data.columns.kpi_sheet.接通量 (acme.yaml, line 4): 'connected_calls' is not a "
                                    "column of table 'kpi_sheet'")
        assert str(note).endswith("Did you mean 'connected'?")
        assert note.zh.startswith("data.columns.kpi_sheet.接通量（acme.yaml 第 4 行）：「connected_calls」不是「指标表」表的列")


@pytest.mark.parametrize("section, setting", [
    ("columns", "{实付金额: amount}"), ("values", "{status: {交易成功: completed}}"),
    ("defaults", "{status: completed}"), ("files", "orders.csv"),
    ("lookups", "[{file: shops.csv, key: 店铺, columns: [店长]}]"), ("filters", "{status: [completed]}"),
])
def test_a_table_named_by_its_sheet_is_named_at_its_line_with_the_table_meant(tmp_path, section, setting):
    """data.columns: {订单: ...} named the orders table by its sheet's name: the error was in
    English for a Chinese plan, with no file, no line and no 'did you mean orders', though
    the loader reads a sheet named 订单 as the orders table. So for every section keyed by table."""
    from salesperf_kit.params import load_params

    data = tmp_path / "data"
    data.mkdir()
    _add_employees(data)
    _write_csv(data / "orders.csv", _orders())
    plan = tmp_path / "acme.yaml"
    plan.write_text(f"extends: ecommerce\ndata:\n  path: data\n  {section}:\n    订单: {setting}\n", encoding="utf-8")
    params = load_params(plan)
    for load in (lambda: load_plan_data(params), lambda: validate_dataset(data, params=params)):
        with pytest.raises(SalesperfError) as err:
            load()
        note = err.value.args[0]
        assert str(note) == (
            f"data.{section}.订单 (acme.yaml, line 5): '订单' is not a table: expected one of employees, orders, calls, "
            "traffic, service, reviews, activities, inventory, targets, kpi_sheet. Did you mean 'orders'? '订单' names "
            f"the orders table's sheet or file, but data.{section} is keyed by the table's name: write "
            f"data.{section}.orders.")
        assert note.zh == (
            f"data.{section}.订单（acme.yaml 第 5 行）：「订单」不是表名，应为以下之一：employees、orders、calls、traffic、"
            "service、reviews、activities、inventory、targets、kpi_sheet。是否应为「orders」？「订单」是 orders（订单）表的"
            f"工作表或文件名，而 data.{section} 下应写表名：data.{section}.orders。")
    # a table's name mistyped still gets the closest table; a name of none gets no guess
    with pytest.raises(SalesperfError, match=r"^data.defaults.oders: 'oders' is not a table: .* Did you mean "
                                             r"'orders'\?$"):
        load_dataset(data, mapping={"defaults": {"oders": {"status": "completed"}}})
    with pytest.raises(SalesperfError, match=r"^data.defaults.notes: 'notes' is not a table: .*kpi_sheet\.$"):
        load_dataset(data, mapping={"defaults": {"notes": {"status": "completed"}}})


def test_a_person_who_moved_team_in_a_monthly_sheet_takes_the_last_team_with_a_warning(tmp_path):
    """王刚 is in 一部 in July and August and in 二部 in September: the people read from the
    sheet put him in 二部 (the last row's team), with a warning giving each team's rows,
    instead of refusing the sheet."""
    mapping = _sheet_of_people(tmp_path)
    sheet = pd.read_csv(tmp_path / "kpi.csv", dtype=str)
    sheet.loc[5, "团队"] = "二部"  # 王刚's September row (row 7 of the file)
    _write_csv(tmp_path / "kpi.csv", sheet)
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["employees"].set_index("employee_id").loc["001", "team"] == "二部"
    [w] = [w for w in ds.warnings if w.check == "employee_changed"]
    assert str(w.message) == ("the rows of employee_id '001' give '团队' (team) differently: '一部' (rows 2, 4); "
                              "'二部' (row 7); the last row's, '二部', is taken for every period, so their earlier "
                              "results count there too")
    assert w.message.zh.startswith("employee_id 为「001」的各行「团队」（team）不同：「一部」（第 2、4 行）；「二部」（第 7 行）")


def test_an_order_shipped_before_it_was_placed_is_named_and_left_out_of_processing_time(tmp_path):
    """A shop export whose 发货时间 came before its 下单时间 (-48 h) went through without a
    word, and its negative hours pulled the median down: the operator ranked first on
    processing time and was praised for it."""
    orders = pd.DataFrame({
        "订单编号": ["O1", "O2", "O3", "O4"],
        "工号": ["E1", "E1", "E1", "E2"],
        "客户ID": ["C1", "C2", "C3", "C4"],
        "下单时间": ["2026-10-05 10:00", "2026-10-06 09:00", "2026-10-07 08:00", "2026-10-08 12:00"],
        "发货时间": ["2026-10-03 10:00", "2026-10-06 19:00", "2026-10-08 08:00", "2026-10-09 12:00"],
        "金额": ["100", "200", "300", "400"],
    })
    _write_csv(tmp_path / "orders.csv", orders)
    _add_employees(tmp_path)
    ds = load_dataset(tmp_path)
    [w] = [w for w in ds.warnings if w.check == "end_before_start"]
    assert (w.file, w.row, w.column, w.header) == ("orders.csv", None, "shipped_at", "发货时间")
    assert w.message == ("1 row(s) have '发货时间' (shipped_at) before '下单时间' (order_date) (the latest: row 2: "
                         "2026-10-03 10:00 before 2026-10-05 10:00): order processing time leaves them out, "
                         "since a time cannot be negative")
    assert w.text("zh") == ("1 行的「发货时间」（shipped_at）早于「下单时间」（order_date）（最近的：第 2 行："
                            "2026-10-03 10:00 早于 2026-10-05 10:00）：订单处理时长不计这些行，因为时长不会是负数")
    assert not [w for w in ds.warnings if w.check == "date_without_time"]
    # E1: 10 h (O2) and 24 h (O3), median 17 h; O1's -48 h is left out (with it: 10 h)
    from salesperf_kit.kpis import compute_kpis

    res = compute_kpis(ds.tables, "2026-10", kpis=["processing_hours"]).wide.set_index("employee_id")
    assert res.loc["E1", "processing_hours"] == pytest.approx(17.0)


def test_a_date_without_its_time_beside_a_time_is_a_warning(tmp_path):
    """下单时间 written as 2026年10月3日 beside a 发货时间 with its time: every processing
    time counted from midnight, with nothing said. (Likewise tickets opened and resolved.)"""
    orders = pd.DataFrame({
        "订单编号": ["O1", "O2"], "工号": ["E1", "E2"], "客户ID": ["C1", "C2"],
        "下单时间": ["2026年10月3日", "2026年10月4日"], "发货时间": ["2026-10-03 15:30", "2026-10-05 09:00"],
        "金额": ["100", "200"],
    })
    _write_csv(tmp_path / "orders.csv", orders)
    _add_employees(tmp_path)
    [w] = [w for w in load_dataset(tmp_path).warnings if w.check == "date_without_time"]
    assert (w.file, w.row, w.column) == ("orders.csv", None, "order_date")
    assert w.message == ("'下单时间' (order_date) holds dates without a time of day, '发货时间' (shipped_at) dates "
                         "with times: order processing time counts from or to midnight, up to a day off for each row")
    assert w.text("zh") == ("「下单时间」（order_date）只有日期没有时间，「发货时间」（shipped_at）有时间："
                            "订单处理时长从（或到）当天零点计算，每行最多相差一天")


def test_many_orders_shipped_before_they_were_placed_are_counted_and_the_first_five_named(tmp_path):
    """On a shop's workbook 175 rows were named: the count and its dates, then the five latest
    (the oldest, from years before the period, were shown), then an ellipsis."""
    orders = pd.DataFrame({
        "订单编号": [f"O{i}" for i in range(7)], "工号": "E1", "客户ID": [f"C{i}" for i in range(7)],
        "下单时间": [f"2026-10-0{i + 1} 12:00" for i in range(7)],
        "发货时间": [f"2026-10-0{i + 1} 11:00" for i in range(6)] + ["2026-10-07 13:00"], "金额": "100",
    })
    _write_csv(tmp_path / "orders.csv", orders)
    _add_employees(tmp_path)
    [w] = [w for w in load_dataset(tmp_path).warnings if w.check == "end_before_start"]
    assert w.row is None  # (no one row holds them all)
    assert w.text("zh").startswith("6 行（2026-10-01 至 2026-10-06）的「发货时间」（shipped_at）早于「下单时间」"
                                   "（order_date）（最近的：第 7 行：2026-10-06 11:00 早于 2026-10-06 12:00；")
    assert "第 3 行：2026-10-02 11:00 早于 2026-10-02 12:00；……）：订单处理时长不计这些行" in w.text("zh")
    assert "row 3: 2026-10-02 11:00 before 2026-10-02 12:00 and 1 more): order processing time" in w.message
