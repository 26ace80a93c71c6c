"""The data contract: each bad input is reported on the right column with the right check."""
from __future__ import annotations

import pandas as pd
import pytest

from salesperf_kit.exceptions import DataContractError
from salesperf_kit.loaders import load_dataset, validate_dataset
from salesperf_kit.schemas import ACTIVITY_KINDS, TABLES, Orders, check_references


def _employees(**changes) -> pd.DataFrame:
    df = pd.DataFrame({
        "employee_id": ["E1", "E2", "E3"],
        "name": ["Ann", "Bo", "Cy"],
        "team": ["A", "A", "B"],
        "role": ["agent", "agent", "lead"],
        "manager_id": ["E3", "E3", ""],
    })
    return df.assign(**changes)


def _orders(**changes) -> pd.DataFrame:
    df = pd.DataFrame({
        "order_id": ["O1", "O2", "O3"],
        "employee_id": ["E1", "E2", "E1"],
        "customer_id": ["C1", "C2", "C1"],
        "order_date": ["2026-10-01", "2026-10-02", "2026-10-15"],
        "amount": ["100", "250", "80"],
        "status": ["completed", "cancelled", "completed"],
    })
    return df.assign(**changes)


_GOOD = {
    "calls": pd.DataFrame({"call_id": ["K1", "K2"], "employee_id": ["E1", "E2"],
                           "started_at": ["2026-10-01 09:00", "2026-10-01 10:00"],
                           "duration_s": ["30", "95"], "connected": ["1", "1"],
                           "outcome": ["none", "deal"]}),
    "service": pd.DataFrame({"ticket_id": ["T1", "T2"], "employee_id": ["E1", "E2"],
                             "opened_at": ["2026-10-01 09:00", "2026-10-02 09:00"],
                             "resolved_at": ["2026-10-01 10:00", ""],
                             "satisfaction": ["5", "4"], "is_complaint": ["否", "是"],
                             "first_contact_resolved": ["是", "否"]}),
    "reviews": pd.DataFrame({"employee_id": ["E1", "E1"], "period": ["2026-10", "2026-10"],
                             "reviewer_id": ["E3", "E1"], "reviewer_type": ["manager", "self"],
                             "criterion": ["sales_skill", "sales_skill"], "score": ["4", "5"]}),
    "activities": pd.DataFrame({"employee_id": ["E1", "E2"], "date": ["2026-10-01"] * 2,
                                "activity": ["touch", "referral"], "count": ["3", "1"]}),
}


def _problems(tmp_path, **tables: pd.DataFrame):
    """Write the tables as CSV files (employees and orders by default) and validate them."""
    tables = {"employees": _employees(), "orders": _orders(), **tables}
    for name, df in tables.items():
        df.to_csv(tmp_path / f"{name}.csv", index=False)
    return validate_dataset(tmp_path).problems


def _only(problems, column, check):
    found = [p for p in problems if p.column == column and p.check.startswith(check)]
    assert found, [str(p) for p in problems]
    assert len(found) == len(problems), [str(p) for p in problems]
    return found


def test_good_tables_pass(tmp_path):
    assert _problems(tmp_path, **_GOOD) == []


def test_negative_amount(tmp_path):
    [p] = _only(_problems(tmp_path, orders=_orders(amount=["100", "-5", "80"])),
                "amount", "greater_than_or_equal_to(0)")
    assert (p.table, p.row, p.value, p.file) == ("orders", 3, "-5", "orders.csv")


def test_satisfaction_above_five(tmp_path):
    service = _GOOD["service"].assign(satisfaction=["6", "4"])
    [p] = _only(_problems(tmp_path, service=service), "satisfaction", "less_than_or_equal_to(5)")
    assert (p.row, p.value) == (2, "6")


@pytest.mark.parametrize("table, column, bad", [
    ("orders", "status", "shipped"),
    ("calls", "outcome", "maybe"),
    ("reviews", "reviewer_type", "boss"),
    ("activities", "activity", "golf"),
])
def test_unknown_coded_value(tmp_path, table, column, bad):
    df = (_orders() if table == "orders" else _GOOD[table]).copy()
    df.loc[1, column] = bad
    [p] = _only(_problems(tmp_path, **{table: df}), column, "isin(")
    assert (p.table, p.row, p.value) == (table, 3, bad)
    assert f"data.values.{table}.{column}" in p.fix


def test_duplicate_order_id(tmp_path):
    """One finding per duplicated id, at its first row, naming the others (13 ids on two rows
    each were 26 errors, each pair told twice)."""
    [p] = _only(_problems(tmp_path, orders=_orders(order_id=["O1", "O2", "O1"])), "order_id", "field_uniqueness")
    assert p.row == 2 and "also in row(s) 4" in p.message


def test_unknown_employee_in_orders(tmp_path):
    [p] = _only(_problems(tmp_path, orders=_orders(employee_id=["E1", "E9", "E1"])),
                "employee_id", "references")
    assert (p.table, p.row, p.value, p.file) == ("orders", 3, "E9", "orders.csv")


def test_manager_id_pointing_to_nobody(tmp_path):
    [p] = _only(_problems(tmp_path, employees=_employees(manager_id=["E3", "E7", ""])),
                "manager_id", "references")
    assert (p.table, p.row, p.value) == ("employees", 3, "E7")


def test_hierarchy_cycle(tmp_path):
    # A -> B -> C -> A: E1's manager is E2, E2's is E3, E3's is E1
    [p] = _only(_problems(tmp_path, employees=_employees(manager_id=["E2", "E3", "E1"])),
                "manager_id", "hierarchy_cycle")
    assert p.table == "employees"
    assert "E1 -> E2 -> E3 -> E1" in p.message
    # the value shown is the cell at fault: E1's manager_id (E2), not E1's own id
    assert (p.row, p.value) == (2, "E2")


def test_manager_id_misspelt_or_not_listed(tmp_path):
    """A direct-sales export often lists only the agents, naming their managers: each
    finding says that a manager needs a row of their own, and suggests the id that was
    probably meant."""
    employees = pd.DataFrame({
        "employee_id": ["Anna Snelling", "Moses Frase", "Dustin Brinkmann"],
        "name": ["Anna Snelling", "Moses Frase", "Dustin Brinkmann"],
        "team": ["Central"] * 3, "role": ["rep", "rep", "manager"],
        "manager_id": ["Dustin Brinkman", "Melvin Marxen", ""]})
    orders = _orders(employee_id=["Anna Snelling"] * 3)
    found = _only(_problems(tmp_path, employees=employees, orders=orders), "manager_id", "references")
    typo, absent = found
    assert (typo.row, typo.value, absent.row, absent.value) == (2, "Dustin Brinkman", 3, "Melvin Marxen")
    assert typo.fix.endswith("data.managers: {role: manager} adds them. Did you mean 'Dustin Brinkmann'?")
    assert "add a row for them to the employees table" in absent.fix and "Did you mean" not in absent.fix


def test_missing_required_column(tmp_path):
    _orders().drop(columns="customer_id").to_csv(tmp_path / "orders.csv", index=False)
    with pytest.raises(DataContractError) as err:
        load_dataset(tmp_path, tables=["orders"])
    [p] = _only(err.value.problems, "customer_id", "column_missing")
    assert p.row is None and p.file == "orders.csv"


def test_empty_required_cell(tmp_path):
    [p] = _only(_problems(tmp_path, orders=_orders(customer_id=["C1", "", "C1"])),
                "customer_id", "not_nullable")
    assert p.row == 3


def test_table_specs_follow_the_models():
    orders = TABLES["orders"]
    assert orders.model is Orders and orders.key == "order_id"
    assert {"order_id", "employee_id", "customer_id", "order_date", "amount"} == set(
        orders.required)
    assert "order_date" in orders.dates and "amount" in orders.numbers
    assert TABLES["calls"].booleans == ("connected",)
    assert "touch" in ACTIVITY_KINDS


def test_check_references_defaults_to_plain_positions():
    employees = pd.DataFrame({"employee_id": ["E1"], "name": ["Ann"], "team": ["A"],
                              "role": ["agent"]})
    orders = pd.DataFrame({"employee_id": ["E1", "E2"]})
    [p] = check_references({"employees": employees, "orders": orders})
    assert (p.table, p.row, p.column, p.value) == ("orders", 3, "employee_id", "E2")


def test_a_contract_error_reads_one_line_per_kind_of_problem():
    """The message listed 50 findings one per row and sent the reader to
    DataContractError.table() for the rest; now each kind (file, column or key, and check)
    is one line with its count, first rows, the values found and the fix."""
    from salesperf_kit.exceptions import Problem

    def dup(row, other):
        return Problem("orders", "duplicate_key", f"order_id is also in row {other}", file="o.csv", row=row,
                       column="order_id", value=f"O{other}", fix="keep one of the rows")

    text = [Problem("orders", "type", "'amount' is not a number", file="o.csv", row=r, column="amount", value=v,
                    fix="write a plain number") for r, v in zip(range(2, 10), "aabbbcde")]
    key = Problem("employees", "role", "no weights for role 'x'", key="data.defaults.employees.role",
                  written="acme.yaml, line 7")
    err = DataContractError([*text, dup(11, 3), dup(12, 4), key])
    assert err.report().splitlines() == [
        "The data break the contract in 11 places (3 kinds of problem):",
        "  - o.csv, column 'amount', 8 rows (2, 3, 4, 5, 6, ...): 'amount' is not a number; found 'b' x3, 'a' x2, "
        "'c' and 2 other value(s). Fix: write a plain number",
        "  - o.csv, column 'order_id', 2 rows (11, 12): e.g. row 11: order_id is also in row 3. Fix: keep one of "
        "the rows",  # (the values found are those the messages name)
        "  - data.defaults.employees.role (acme.yaml, line 7): no weights for role 'x'"]
    many = DataContractError([Problem("orders", f"check{i}", f"problem {i}", file="o.csv", row=i) for i in range(4)])
    assert many.report(limit=2).splitlines()[1:] == [
        "  - o.csv, row 0: problem 0", "  - o.csv, row 1: problem 1",
        "  ... and 2 more kinds of problem in 2 places: salesperf validate (with the same data and --params) "
        "lists them file by file"]
    assert len(DataContractError([*text, key]).table()) == 9  # every finding is still there, one per row
