"""Per-employee facts for one period, aggregated with DuckDB.

A *fact* is a figure (a sum, a count, the numerator or denominator of a ratio) per
employee and period. KPI functions are pure functions of these facts, so team and company
roll-ups are computed from the group's facts, never as means of ratios: sums of the
people's facts, except the medians and the counts of distinct customers and regions,
which are counted again over the group's rows (see ``FactGroup``).

Each fact group aggregates one table (in one SQL query, or a few for the customers'
first orders); only the groups that the requested KPIs need are run. Tables are read
from pandas DataFrames or, for big data, straight from Parquet files (``Dataset.lazy``)
without ever materialising the rows in pandas.

Speed on big data: the groups filter on plain date ranges, so that DuckDB skips the
Parquet row groups outside the period (files sorted by date make that most of them);
only ``orders_history`` reads the whole order history, once, and it runs in a second
thread while the other groups run.

Order validity (``kpi_options.refund_handling``):

- ``exclude``: an order counts when its status is neither cancelled nor refunded.
- ``clawback``: an order counts unless cancelled or refunded *before the period ended*;
  a refund that arrives in a later period is deducted in that later period
  (fact ``clawback_amount``).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from ..catalogue import CATALOGUE, SHEET_COUNTS
from ..coverage import DATED
from ..loaders import tables_and_lazy
from ..periods import Period, parse_period
from ..schemas import TABLES

__all__ = ["FactContext", "FACT_GROUPS", "MEDIAN_FACTS", "open_context", "compute_facts", "targets_for",
           "with_records", "uncovered_tables", "partial_tables"]

MEDIAN_FACTS = ("processing_hours", "resolution_hours")


@dataclass
class FactContext:
    con: duckdb.DuckDBPyConnection
    period: Period
    options: dict
    columns: dict[str, set[str]]  # table -> contract columns present
    employees: pd.DataFrame
    key_table: str = "emp_keys"  # (employee_id, grp): how employees map to output rows
    cache: dict[str, pd.DataFrame] = field(default_factory=dict)
    registered: dict[str, object] = field(default_factory=dict)  # name -> DataFrame registered on con
    hierarchy: pd.DataFrame | None = None  # the whole employees table, when ``employees`` is part of it

    def side_connection(self) -> "FactContext":
        """The same context on a second DuckDB connection to the same database, so that a
        query can run in another thread (registered DataFrames are per connection)."""
        con = self.con.cursor()
        for name, obj in self.registered.items():
            con.register(name, obj)
        return replace(self, con=con, cache={})

    def has(self, table: str, *cols: str) -> bool:
        return table in self.columns and all(c in self.columns[table] for c in cols)

    def restrict(self, employees: pd.DataFrame) -> "FactContext":
        """The same context for fewer employees (the output rows of every fact group)."""
        keys = _keys(employees)
        self.con.register("emp_keys", keys)
        return replace(self, employees=employees, registered={**self.registered, "emp_keys": keys}, cache={},
                       hierarchy=self.employees if self.hierarchy is None else self.hierarchy)


def _sql_type(spec, col: str) -> str:
    if col in spec.dates:
        return "TIMESTAMP"
    if col in spec.numbers:
        return "DOUBLE"
    if col in spec.booleans:
        return "BOOLEAN"
    return "VARCHAR"


def open_context(dataset, period, options: dict, employees: pd.DataFrame) -> FactContext:
    """Register the dataset's tables as DuckDB views with every contract column present
    (absent optional columns become typed NULLs)."""
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    tables, lazy = tables_and_lazy(dataset)
    columns: dict[str, set[str]] = {}
    registered: dict[str, object] = {}
    for name, spec in TABLES.items():
        if name in tables:
            df = tables[name]
            con.register(f"raw_{name}", df)
            registered[f"raw_{name}"] = df
            source, present = f"raw_{name}", set(df.columns)
        elif name in lazy:
            path = str(lazy[name]).replace("'", "''")
            source = f"read_parquet('{path}')"
            present = set(con.sql(f"SELECT * FROM {source} LIMIT 0").columns)
        else:
            continue
        present &= set(spec.columns) | ({"period"} if name == "kpi_sheet" else set())
        columns[name] = present
        if name == "kpi_sheet":
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {source}")
            columns[name] = set(tables[name].columns) if name in tables else present
            continue
        select = []
        for col in spec.columns:
            if name == "orders" and col == "status" and {"status", "refunded_at"} <= present:
                # an order completed but with a refund time was refunded after delivery (as the
                # loader reads such rows, with a warning; here also for Parquet left on disk)
                select.append('CASE WHEN CAST("status" AS VARCHAR) = \'completed\' AND "refunded_at" IS NOT NULL '
                              'THEN \'refunded\' ELSE CAST("status" AS VARCHAR) END AS "status"')
            elif col in present:
                typ = _sql_type(spec, col)
                select.append(f'CAST("{col}" AS {typ}) AS "{col}"' if typ != "VARCHAR" else f'CAST("{col}" AS VARCHAR) AS "{col}"')
            else:
                select.append(f'CAST(NULL AS {_sql_type(spec, col)}) AS "{col}"')
        con.execute(f"CREATE VIEW {name} AS SELECT {', '.join(select)} FROM {source}")
    keys = _keys(employees)
    con.register("emp_keys", keys)
    registered["emp_keys"] = keys
    return FactContext(con, parse_period(period), options, columns, employees, registered=registered)


def _keys(employees: pd.DataFrame) -> pd.DataFrame:
    ids = employees["employee_id"].astype(str)
    return pd.DataFrame({"employee_id": ids, "grp": ids})


def _ts(t: pd.Timestamp) -> str:
    return f"TIMESTAMP '{t:%Y-%m-%d %H:%M:%S}'"


def _valid(ctx: FactContext, end: pd.Timestamp | None) -> str:
    """SQL predicate of an order that counts (see module docstring)."""
    if not ctx.has("orders", "status"):
        return "TRUE"
    if ctx.options.get("refund_handling") == "clawback" and end is not None:
        return (f"(status IS DISTINCT FROM 'cancelled' AND NOT (status IS NOT DISTINCT FROM 'refunded' AND "
                f"(refunded_at IS NULL OR refunded_at < {_ts(end)})))")
    return "(status IS NULL OR status NOT IN ('cancelled', 'refunded'))"


def _literals(values) -> str:
    """SQL list of string literals (NULL when empty, so that ``IN (...)`` matches nothing)."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) or "NULL"


def _in(col: str, p: Period) -> str:
    return f"{col} >= {_ts(p.start)} AND {col} < {_ts(p.end)}"


# --------------------------------------------------------------------------- groups
# The orders groups read a period's rows with plain range predicates on order_date (or
# paid_date), so that DuckDB skips the Parquet row groups outside them; only
# ``orders_history`` scans the whole history, once.
def _orders_period(ctx: FactContext) -> pd.DataFrame:
    p, q = ctx.period, ctx.period.previous()
    tiers = _literals(ctx.options.get("big_customer_tiers", ["A"]))
    status = ctx.has("orders", "status")
    lo, hi = min(p.start, q.start), max(p.end, q.end)
    channels = ctx.options.get("inquiry_channels") or []
    # refund_rate's refunds: the period's orders refunded by now; under clawback, those
    # refunded by the period's close (or without a refund date), as revenue counts them, so
    # that a later refund changes no closed period
    refunded = "status = 'refunded'" if status else "FALSE"
    if status and ctx.options.get("refund_handling") == "clawback":
        refunded = f"status = 'refunded' AND (refunded_at IS NULL OR refunded_at < {_ts(p.end)})"
    inquired = f"channel IN ({_literals(channels)})" if channels and ctx.has("orders", "channel") else "TRUE"
    # one read of the two periods' rows, aggregated per (output row, customer): the sums
    # are sums of these pairs, the buyer counts counts of them. Rows are joined to
    # ctx.key_table, so that a roll-up counts a customer who bought from two of a team's
    # people once, as one of the team's buyers.
    return ctx.con.sql(f"""
        WITH w AS (
            SELECT k.grp, customer_id, amount, quantity, cost, paid_amount, customer_tier, {inquired} AS inquired,
                   {_in('order_date', p)} AS cur, {_in('order_date', p)} AND {_valid(ctx, p.end)} AS vp,
                   {_in('order_date', q)} AND {_valid(ctx, q.end)} AS vq,
                   {"status IS DISTINCT FROM 'cancelled'" if status else "TRUE"} AS placed,
                   {refunded} AS refunded
            FROM orders JOIN {ctx.key_table} k USING (employee_id)
            WHERE order_date >= {_ts(lo)} AND order_date < {_ts(hi)}),
        emp AS (  -- sums and counts: per output row (a small table)
            SELECT grp,
                   sum(amount) FILTER (WHERE vp) AS revenue_ordered, count(*) FILTER (WHERE vp) AS orders,
                   count(*) FILTER (WHERE vp AND inquired) AS inquiry_orders,
                   sum(quantity) FILTER (WHERE vp) AS units, sum(cost) FILTER (WHERE vp) AS cost,
                   sum(amount - cost) FILTER (WHERE vp) AS profit,
                   sum(amount) FILTER (WHERE vp AND customer_tier IN ({tiers})) AS big_revenue,
                   count(*) FILTER (WHERE cur AND placed) AS placed_orders,
                   count(*) FILTER (WHERE cur AND refunded) AS refunded_orders,
                   count(*) FILTER (WHERE cur) AS closed_orders,  -- won (placed) or lost (cancelled)
                   sum(amount) FILTER (WHERE vq) AS revenue_ordered_prev, count(*) FILTER (WHERE vq) AS orders_prev,
                   sum(paid_amount) FILTER (WHERE vp) AS collected, sum(amount) FILTER (WHERE vp) AS billed
            FROM w GROUP BY grp),
        pairs AS (  -- buyers: per (output row, customer)
            SELECT grp, customer_id, count(*) FILTER (WHERE vp) AS n, count(*) FILTER (WHERE vq) AS n_prev
            FROM w WHERE vp OR vq GROUP BY grp, customer_id),
        buy AS (
            SELECT grp,
                   count(customer_id) FILTER (WHERE n > 0) AS buyers,  -- (orders with no customer: no buyer)
                   count(customer_id) FILTER (WHERE n >= 2) AS repeat_buyers,
                   count(customer_id) FILTER (WHERE n_prev > 0) AS buyers_prev,
                   count(customer_id) FILTER (WHERE n > 0 AND n_prev > 0) AS retained_buyers
            FROM pairs GROUP BY grp)
        SELECT grp AS employee_id, emp.* EXCLUDE (grp), buy.* EXCLUDE (grp)
        FROM emp LEFT JOIN buy USING (grp)
    """).df()


def _orders_received(ctx: FactContext) -> pd.DataFrame:
    p, q = ctx.period, ctx.period.previous()
    lo, hi = min(p.start, q.start), max(p.end, q.end)
    # one range on paid_date, so that the row groups paid outside it are skipped
    return ctx.con.sql(f"""
        SELECT employee_id,
               sum(paid_amount) FILTER (WHERE {_in('paid_date', p)} AND {_valid(ctx, p.end)}) AS received_revenue,
               sum(paid_amount) FILTER (WHERE {_in('paid_date', q)} AND {_valid(ctx, q.end)}) AS received_revenue_prev
        FROM orders WHERE paid_date >= {_ts(lo)} AND paid_date < {_ts(hi)}
        GROUP BY employee_id
    """).df()


def _orders_history(ctx: FactContext) -> pd.DataFrame:
    """:func:`_orders_history_at`; under ``refund_handling: clawback``, the previous period's
    new customers (the base of ``new_customer_growth``) are those it reported when it
    closed: a first order refunded since then does not change them."""
    out = _orders_history_at(ctx)
    if ctx.options.get("refund_handling") == "clawback" and ctx.has("orders", "status"):
        prev = _orders_history_at(replace(ctx, period=ctx.period.previous()))
        out["new_customers_prev"] = out["employee_id"].map(prev.groupby("employee_id")["new_customers"].sum())
    return out


#: the retention KPIs' windows: a new customer retained when their next order comes within
#: this many days of the first
RETENTION_DAYS = {"retention_30d": 30, "retention_90d": 90}


def _retained() -> str:
    """The SQL counts of new customers (``n``) whose next order (``l.second_date``) came
    within each window of :data:`RETENTION_DAYS`: retained_30d, retained_90d."""
    return ", ".join(f"count(*) FILTER (WHERE l.second_date <= n.first_date + INTERVAL {days} DAY) "
                     f"AS {kpi.replace('retention', 'retained')}" for kpi, days in RETENTION_DAYS.items())


def _orders_history_at(ctx: FactContext) -> pd.DataFrame:
    """Facts that need each customer's first-ever order (company-wide).

    A customer's first order is the earliest order that counts at the end of the period,
    ties broken by order_id. The whole history is read once (see :func:`_first_orders`);
    when the ages or the number of employees are too large for that method,
    :func:`_orders_history_exact` gives the same figures more slowly.
    """
    con = ctx.con
    try:
        try:
            packed = _first_orders(ctx)
        except duckdb.OutOfRangeException:  # an age too large to pack beside the code
            packed = False
        if not packed:
            return _orders_history_exact(ctx)
        # a second order counts within the longest window after the first
        p, last = ctx.period, ctx.period.end + pd.Timedelta(days=max(RETENTION_DAYS.values()))
        return con.sql(f"""
            WITH w AS (  -- the orders from the period's start to the end of the windows after it
                SELECT employee_id, customer_id, order_date, status, refunded_at FROM orders
                WHERE order_date >= {_ts(p.start)} AND order_date < {_ts(last)}),
            later AS (
                SELECT n.customer_id, min(w.order_date) AS second_date
                FROM _new n JOIN w ON w.customer_id = n.customer_id AND w.order_date > n.first_date
                WHERE {_valid(ctx, None)}
                GROUP BY n.customer_id),
            newf AS (
                SELECT n.employee_id, count(*) AS new_customers,
                       count(*) FILTER (WHERE n.referred) AS referred_new,
                       {_retained()}
                FROM _new n LEFT JOIN later l ON l.customer_id = n.customer_id GROUP BY n.employee_id),
            ret AS (  -- the period's buyers who are not new customers: they had bought before
                SELECT c.employee_id, count(*) FILTER (WHERE n.customer_id IS NULL) AS returning_buyers
                FROM (SELECT DISTINCT employee_id, customer_id FROM w
                      WHERE {_in('order_date', p)} AND {_valid(ctx, p.end)} AND customer_id IS NOT NULL) c
                LEFT JOIN _new n ON c.customer_id = n.customer_id GROUP BY c.employee_id)
            SELECT k.employee_id, newf.* EXCLUDE (employee_id), l.new_customers_prev,
                   l.ltv_revenue, l.ltv_customers, ret.returning_buyers
            FROM emp_keys k LEFT JOIN newf USING (employee_id) LEFT JOIN _ltv l USING (employee_id)
            LEFT JOIN ret USING (employee_id)
        """).df()
    finally:
        for t in ("_hist", "_multi_ids", "_multi", "_new", "_ltv"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        con.execute(f"DROP TYPE IF EXISTS {_EMPLOYEE_CODE}")


_EMPLOYEE_CODE = "_employee_code"


def _employee_enum(ctx: FactContext) -> tuple[str, int]:
    """An ENUM type of the employees' ids (code = position); returns its name and size."""
    ids = list(dict.fromkeys(ctx.employees["employee_id"].dropna().astype(str)))
    ctx.con.execute(f"CREATE OR REPLACE TYPE {_EMPLOYEE_CODE} AS ENUM ({_literals(ids)})")
    return _EMPLOYEE_CODE, len(ids)


def _us(t: pd.Timestamp) -> int:
    """Microseconds since 1970 (DuckDB's TIMESTAMP resolution)."""
    return int((t - pd.Timestamp("1970-01-01")) // pd.Timedelta(microseconds=1))


def _first_orders(ctx: FactContext) -> bool:
    """Fill the temporary tables ``_new`` (the period's new customers: customer_id,
    first_date, employee_id, referred) and ``_ltv`` (per employee: ltv_revenue,
    ltv_customers, new_customers_prev) from one read of the whole history.

    Each order that counts at the end of the period gets a code: the position of its
    employee (n for someone not in the employees table), times two plus one when it was
    referred if the orders have referred_by. Per customer, DuckDB keeps three numbers (the
    hash aggregation of 10 million orders costs per number kept): the largest
    ``age * K + code`` and the largest ``age * K + (K - 1 - code)``, where age is the time
    from the order to the end of the period in microseconds and K the power of two above
    the codes, and the sum of the amounts. The first gives the first order's age and, among
    orders of that very instant, the largest code; the second the smallest code. When the
    two codes agree, the first order's employee and referral are known without any
    tie-break, whatever employees the customer bought from later. Customers whose first
    instant holds orders of several codes (rare: two orders at the same time) are read
    again and resolved exactly: the minimum of (date, order_id). Returns False when the
    employees are too many for the packing; DuckDB raises OutOfRangeException when an age
    is too large.
    """
    con = ctx.con
    p, q = ctx.period, ctx.period.previous()
    end = p.end
    valid_end = _valid(ctx, end)
    if ctx.employees["employee_id"].dropna().empty:
        return False
    enum, n = _employee_enum(ctx)
    width = 2 if ctx.has("orders", "referred_by") else 1
    bits = ((n + 1) * width - 1).bit_length()  # codes 0 .. K - 1, K = 2 ** bits
    big = 1 << bits
    if 63 - bits < 40:  # ages of up to 12 days only
        return False
    end_us = _us(end)
    code = f"coalesce(enum_code(TRY_CAST(employee_id AS {enum}))::BIGINT, {n})"
    if width == 2:
        code = f"({code} * 2 + (referred_by IS NOT NULL)::BIGINT)"

    def age_in(per: Period) -> str:  # the first order lies in per
        return f"(age > {end_us - _us(per.end)} AND age <= {end_us - _us(per.start)})"

    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _hist AS
        WITH s AS (
            SELECT customer_id, amount, ({end_us} - epoch_us(order_date)) * {big} AS aged, {code} AS code
            FROM orders WHERE order_date < {_ts(end)} AND {valid_end}),
        c AS (SELECT customer_id, max(aged + code) AS hi, max(aged + ({big - 1} - code)) AS lo,
                     sum(amount) AS revenue FROM s GROUP BY customer_id),
        f AS (SELECT customer_id, hi % {big} AS code, hi // {big} AS age,
                     hi % {big} = {big - 1} - lo % {big} AS single, revenue FROM c),
        per_code AS (
            SELECT code, count(*) AS ltv_customers, count(*) FILTER (WHERE {age_in(q)}) AS new_customers_prev,
                   sum(revenue) AS revenue
            FROM f WHERE single GROUP BY code)
        SELECT 'code' AS kind, code, ltv_customers, new_customers_prev, revenue, NULL AS customer_id, NULL::BIGINT AS age
        FROM per_code
        UNION ALL  -- the period's new customers
        SELECT 'new', code, NULL, NULL, NULL, customer_id, age FROM f WHERE single AND {age_in(p)}
        UNION ALL  -- customers whose first instant has orders of several codes
        SELECT 'multi', NULL, NULL, NULL, revenue, customer_id, NULL FROM f WHERE NOT single
    """)
    multi = con.sql("SELECT count(*) FROM _hist WHERE kind = 'multi'").fetchall()[0][0]
    employee = f"enum_range(NULL::{enum})[code // {width} + 1]"  # NULL for n: not an employee
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _new AS
        SELECT customer_id, make_timestamp({end_us} - age) AS first_date, {employee} AS employee_id,
               code % {width} = 1 AS referred
        FROM _hist WHERE kind = 'new'
    """)
    per_code = f"""SELECT {employee} AS employee_id, revenue AS ltv_revenue, ltv_customers, new_customers_prev
                   FROM _hist WHERE kind = 'code'"""
    if not multi:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _ltv AS
            SELECT employee_id, sum(ltv_revenue) AS ltv_revenue, sum(ltv_customers) AS ltv_customers,
                   sum(new_customers_prev) AS new_customers_prev
            FROM ({per_code}) GROUP BY employee_id
        """)
        return True
    # the customers of a tie: their first order by (date, order_id), from their own rows
    con.execute("CREATE OR REPLACE TEMP TABLE _multi_ids AS SELECT customer_id, revenue FROM _hist WHERE kind = 'multi'")
    first = "{'d': order_date, 'id': order_id, 'e': employee_id, 'r': referred_by}"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _multi AS
        WITH m AS (
            SELECT o.customer_id, min({first}) AS f FROM orders o
            WHERE (o.customer_id IN (SELECT customer_id FROM _multi_ids)
                   OR (o.customer_id IS NULL AND {_has_null('_multi_ids')}))
              AND order_date < {_ts(end)} AND {valid_end}
            GROUP BY o.customer_id)
        SELECT m.customer_id, f.d AS first_date, f.e AS employee_id, f.r IS NOT NULL AS referred, i.revenue
        FROM m JOIN _multi_ids i ON m.customer_id IS NOT DISTINCT FROM i.customer_id
    """)
    con.execute(f"INSERT INTO _new SELECT customer_id, first_date, employee_id, referred FROM _multi "
                f"WHERE {_in('first_date', p)}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _ltv AS
        SELECT employee_id, sum(ltv_revenue) AS ltv_revenue, sum(ltv_customers) AS ltv_customers,
               sum(new_customers_prev) AS new_customers_prev
        FROM ({per_code}
              UNION ALL
              SELECT employee_id, revenue, 1, CASE WHEN {_in('first_date', q)} THEN 1 ELSE 0 END FROM _multi)
        GROUP BY employee_id
    """)
    return True


def _has_null(table: str) -> str:
    return f"EXISTS (SELECT 1 FROM {table} WHERE customer_id IS NULL)"


def _orders_history_exact(ctx: FactContext) -> pd.DataFrame:
    """:func:`_orders_history` with each customer's first order taken as the minimum of
    (date, order_id, ...) over the whole history."""
    p, q = ctx.period, ctx.period.previous()
    end = p.end
    valid_end = _valid(ctx, end)
    return ctx.con.sql(f"""
        WITH hist AS (SELECT * FROM orders WHERE order_date < {_ts(end)} AND {valid_end}),
        first AS (
            SELECT customer_id,
                   min({{'d': order_date, 'id': order_id, 'e': employee_id, 'r': referred_by}}) AS f,
                   sum(amount) AS cust_revenue
            FROM hist GROUP BY customer_id),
        firsts AS (SELECT customer_id, f.d AS first_date, f.e AS employee_id, f.r AS referred_by,
                          cust_revenue FROM first),
        newc AS (SELECT * FROM firsts WHERE {_in('first_date', p)}),
        later AS (
            SELECT n.customer_id, min(o.order_date) AS second_date
            FROM newc n JOIN orders o ON o.customer_id = n.customer_id
                 AND o.order_date > n.first_date AND {_valid(ctx, None).replace('status', 'o.status')}
            GROUP BY n.customer_id),
        newf AS (
            SELECT n.employee_id, count(*) AS new_customers,
                   count(*) FILTER (WHERE n.referred_by IS NOT NULL) AS referred_new,
                   {_retained()}
            FROM newc n LEFT JOIN later l USING (customer_id) GROUP BY n.employee_id),
        prevf AS (SELECT employee_id, count(*) AS new_customers_prev FROM firsts
                  WHERE {_in('first_date', q)} GROUP BY employee_id),
        ltvf AS (SELECT employee_id, sum(cust_revenue) AS ltv_revenue, count(*) AS ltv_customers
                 FROM firsts GROUP BY employee_id),
        ret AS (
            SELECT c.employee_id, count(*) FILTER (WHERE f.first_date < {_ts(p.start)}) AS returning_buyers
            FROM (SELECT DISTINCT employee_id, customer_id FROM hist WHERE {_in('order_date', p)}) c
            JOIN firsts f USING (customer_id) GROUP BY c.employee_id)
        SELECT k.employee_id, newf.* EXCLUDE (employee_id), prevf.new_customers_prev,
               ltvf.* EXCLUDE (employee_id), ret.returning_buyers
        FROM emp_keys k LEFT JOIN newf USING (employee_id) LEFT JOIN prevf USING (employee_id)
        LEFT JOIN ltvf USING (employee_id) LEFT JOIN ret USING (employee_id)
    """).df()


def _returning_buyers(ctx: FactContext) -> pd.DataFrame:
    """returning_buyers per output group of ``ctx.key_table``: the group's buyers in the
    period who had an order that counts before it (the customers who are not new), each
    counted once in a group. (Per employee, :func:`_orders_history_at` gets the same
    figure from the period's new customers, found in its one read of the history.)"""
    p = ctx.period
    return ctx.con.sql(f"""
        WITH c AS (
            SELECT DISTINCT k.grp, customer_id FROM orders JOIN {ctx.key_table} k USING (employee_id)
            WHERE {_in('order_date', p)} AND {_valid(ctx, p.end)} AND customer_id IS NOT NULL),
        earlier AS (
            SELECT DISTINCT customer_id FROM orders
            WHERE order_date < {_ts(p.start)} AND {_valid(ctx, p.end)} AND customer_id IN (SELECT customer_id FROM c))
        SELECT grp AS employee_id, count(e.customer_id) AS returning_buyers
        FROM c LEFT JOIN earlier e USING (customer_id) GROUP BY grp
    """).df()


def _orders_regions(ctx: FactContext) -> pd.DataFrame:
    p = ctx.period
    return ctx.con.sql(f"""
        WITH firsts AS (  -- a market is new to a team when none of its people sold there before
            SELECT k.grp, region, min(order_date) AS first_date FROM orders JOIN {ctx.key_table} k USING (employee_id)
            WHERE region IS NOT NULL AND order_date < {_ts(p.end)} AND {_valid(ctx, p.end)}
            GROUP BY ALL)
        SELECT grp AS employee_id, count(*) FILTER (WHERE {_in('first_date', p)}) AS new_markets
        FROM firsts GROUP BY grp
    """).df()


def _clawed(ctx: FactContext) -> tuple[str, str, str]:
    """The money an earlier period counted that a refund in this one takes back: (its
    column, the column that dates it, the SQL rows): orders placed before the period, or,
    with ``revenue_basis: received``, the amounts paid before it, refunded in the period."""
    p = ctx.period
    if ctx.options.get("revenue_basis") == "received" and ctx.has("orders", "paid_amount", "paid_date"):
        amount, date = "paid_amount", "paid_date"
    else:
        amount, date = "amount", "order_date"
    return amount, date, f"status = 'refunded' AND {_in('refunded_at', p)} AND {date} < {_ts(p.start)}"


def _orders_clawback(ctx: FactContext) -> pd.DataFrame:
    """Refunds in the period of money an earlier period counted (see :func:`_clawed`)."""
    amount, _, rows = _clawed(ctx)
    return ctx.con.sql(f"""
        SELECT employee_id, sum({amount}) AS clawback_amount, count(*) AS clawback_orders FROM orders
        WHERE {rows} GROUP BY employee_id
    """).df()


def clawback_by_period(ctx: FactContext) -> pd.DataFrame:
    """The fact ``clawback_amount`` by the earlier period (of this period's kind: month,
    quarter or year) that counted the money: columns employee_id, period, refunded."""
    amount, date, rows = _clawed(ctx)
    got = ctx.con.sql(f"SELECT employee_id, {date} AS counted, {amount} AS refunded FROM orders "
                      f"WHERE {rows} AND employee_id IS NOT NULL").df()
    cols = ["employee_id", "period", "refunded"]
    if got.empty:
        return pd.DataFrame(columns=cols)
    kind = {"month": "M", "quarter": "Q", "year": "Y"}[ctx.period.kind]
    at = pd.to_datetime(got["counted"]).dt.to_period(kind).astype(str).str.replace("Q", "-Q", regex=False)
    out = got.assign(period=at).groupby(["employee_id", "period"], as_index=False)["refunded"].sum()
    return out[cols]


def _processing(ctx: FactContext) -> pd.DataFrame:
    p = ctx.period
    return ctx.con.sql(f"""
        SELECT k.grp AS employee_id,
               median(epoch(o.shipped_at - o.order_date) / 3600.0) AS processing_hours
        FROM orders o JOIN {ctx.key_table} k USING (employee_id)
        WHERE {_in('o.order_date', p)} AND o.shipped_at >= o.order_date AND {_valid(ctx, p.end).replace('status', 'o.status').replace('refunded_at', 'o.refunded_at')}
        GROUP BY k.grp
    """).df()


def _calls(ctx: FactContext) -> pd.DataFrame:
    p = ctx.period
    thr = float(ctx.options.get("effective_talk_seconds", 60))
    return ctx.con.sql(f"""
        SELECT k.grp AS employee_id, count(*) AS calls, count(*) FILTER (WHERE connected) AS connected,
               coalesce(sum(duration_s) FILTER (WHERE connected), 0) AS talk_seconds,
               coalesce(sum(duration_s) FILTER (WHERE connected AND duration_s >= {thr}), 0) AS effective_seconds,
               count(DISTINCT customer_id) FILTER (WHERE connected) AS connected_customers,
               count(DISTINCT customer_id) FILTER (WHERE connected AND outcome IN ('intent', 'deal')) AS intent_customers,
               count(*) FILTER (WHERE outcome = 'complaint') AS call_complaints
        FROM calls JOIN {ctx.key_table} k USING (employee_id) WHERE {_in('started_at', p)} GROUP BY k.grp
    """).df()


def _traffic(ctx: FactContext) -> pd.DataFrame:
    p = ctx.period
    return ctx.con.sql(f"""
        SELECT employee_id, sum(sessions) AS sessions, sum(unique_visitors) AS unique_visitors,
               sum(page_views) AS page_views, sum(qualified_sessions) AS qualified_sessions,
               sum(inquiries) AS inquiries, sum(spend) AS spend, sum(impressions) AS impressions,
               sum(engagements) AS engagements, sum(search_rank) AS rank_sum,
               count(search_rank) AS rank_n
        FROM traffic WHERE employee_id IS NOT NULL AND {_in('date', p)} GROUP BY employee_id
    """).df()


def _service(ctx: FactContext) -> pd.DataFrame:
    p = ctx.period
    ok = float(ctx.options.get("satisfied_min", 4))
    return ctx.con.sql(f"""
        SELECT employee_id, count(*) AS tickets,
               count(*) FILTER (WHERE is_complaint) AS service_complaints,
               sum(satisfaction) AS sat_sum, count(satisfaction) AS sat_n,
               count(*) FILTER (WHERE satisfaction >= {ok}) AS sat_ok,
               count(*) FILTER (WHERE first_contact_resolved) AS fcr
        FROM service WHERE {_in('opened_at', p)} GROUP BY employee_id
    """).df()


def _resolution(ctx: FactContext) -> pd.DataFrame:
    p = ctx.period
    return ctx.con.sql(f"""
        SELECT k.grp AS employee_id, median(epoch(s.resolved_at - s.opened_at) / 3600.0) AS resolution_hours
        FROM service s JOIN {ctx.key_table} k USING (employee_id)
        WHERE {_in('s.opened_at', p)} AND s.resolved_at >= s.opened_at GROUP BY k.grp
    """).df()


def _activities(ctx: FactContext) -> pd.DataFrame:
    from ..schemas import ACTIVITY_KINDS

    p = ctx.period
    cols = ", ".join(f"coalesce(sum(count) FILTER (WHERE activity = '{k}'), 0) AS act_{k}" for k in ACTIVITY_KINDS)
    return ctx.con.sql(f"SELECT employee_id, {cols} FROM activities WHERE {_in('date', p)} GROUP BY employee_id").df()


def _inventory(ctx: FactContext) -> pd.DataFrame:
    p = ctx.period
    return ctx.con.sql(f"""
        WITH per_day AS (SELECT employee_id, date, sum(stock_value) AS v FROM inventory
                         WHERE employee_id IS NOT NULL AND {_in('date', p)} GROUP BY ALL),
        days AS (SELECT count(DISTINCT date) AS n FROM inventory WHERE {_in('date', p)})
        SELECT employee_id, sum(v) / max(days.n) AS stock_mean FROM per_day, days GROUP BY employee_id
    """).df()


def _review_periods_in(ctx: FactContext, values: pd.Series) -> pd.Series:
    """Which review periods lie inside the reporting period."""
    inside = {}
    for v in values.dropna().unique():
        try:
            r = parse_period(v)
        except Exception:
            inside[v] = False
            continue
        inside[v] = r.start >= ctx.period.start and r.end <= ctx.period.end
    return values.map(inside).fillna(False).astype(bool)


def _reviews(ctx: FactContext) -> pd.DataFrame:
    """360 ratings: per criterion, a mean per reviewer type, weighted by reviewer type
    (weights renormalised over the types present); a person's own rating never enters
    their peer average."""
    periods = ctx.con.sql("SELECT DISTINCT period FROM reviews").df()["period"].astype(str)
    inside = sorted(set(periods[_review_periods_in(ctx, periods)]))
    r = ctx.con.sql(f"SELECT * FROM reviews WHERE period IN ({_literals(inside)})").df()
    r = r[_review_periods_in(ctx, r["period"].astype(str))]
    r = r[~((r["reviewer_type"] == "peer") & (r["reviewer_id"].astype(str) == r["employee_id"].astype(str)))]
    weights = ctx.options.get("reviewer_weights", {"self": 0.1, "manager": 0.5, "peer": 0.2, "customer": 0.2})
    ok = float(ctx.options.get("satisfied_min", 4))
    out = pd.DataFrame(index=pd.Index(ctx.employees["employee_id"].astype(str), name="employee_id"))
    means = r.groupby(["employee_id", "criterion", "reviewer_type"])["score"].mean().reset_index()
    means["w"] = means["reviewer_type"].map(weights).astype("float64").fillna(0.0)
    means = means[means["w"] > 0]
    means["ws"] = means["w"] * means["score"]
    for crit in ("sales_skill", "service_quality"):
        m = means[means["criterion"] == crit].groupby("employee_id")[["ws", "w"]].sum()
        out[f"{crit}_num"] = m["ws"]
        out[f"{crit}_den"] = m["w"]
    peer = r[(r["reviewer_type"] == "peer") & (r["criterion"] == "collaboration")].groupby("employee_id")["score"]
    out["peer_collab_sum"] = peer.sum()
    out["peer_collab_n"] = peer.count()
    cust = r[r["reviewer_type"] == "customer"].groupby("employee_id")["score"]
    out["customer_reviews"] = cust.count()
    out["positive_reviews"] = r[(r["reviewer_type"] == "customer") & (r["score"] >= ok)].groupby("employee_id")["score"].count()
    return out.reset_index()


def _targets(ctx: FactContext) -> pd.DataFrame:
    t = targets_for(_targets_of(ctx), ctx.period)
    basis = "received_revenue" if ctx.options.get("revenue_basis") == "received" else "revenue"
    t = t[t["employee_id"].notna() & t["kpi"].isin(["revenue", basis])]
    t = t[t["kpi"] == basis] if (t["kpi"] == basis).any() else t
    return t.groupby("employee_id", as_index=False)["target"].sum().rename(columns={"target": "target_revenue"})


def _targets_of(ctx: FactContext) -> pd.DataFrame:
    """The rows of the targets table that :func:`targets_for` can use for the period."""
    p = ctx.period
    periods = [str(p)] + [str(m) for m in p.months()]
    return ctx.con.sql(f"SELECT * FROM targets WHERE period IN ({_literals(periods)})").df()


#: the KPIs whose targets add up over people and months (amounts, counts, minutes); the
#: others (rates, averages, scores, ranks) are averaged over months
ADDITIVE_TARGETS = frozenset(k for k, v in CATALOGUE.items() if v.unit in ("currency", "count", "minutes"))


def targets_for(targets: pd.DataFrame, period) -> pd.DataFrame:
    """Targets of ``period``: rows for that exact period, or else the monthly rows inside it
    (summed for counts and amounts, averaged for ratios, scores and ranks). In a year, a
    quarter's own row (a revised quarter target) stands for that quarter's monthly rows of
    the same person or team and KPI, as it does in the quarter's report.

    Returns columns employee_id, team, kpi, target (one row per person or team and KPI).
    """
    p = parse_period(period)
    if targets is None or targets.empty:
        return pd.DataFrame(columns=["employee_id", "team", "kpi", "target"])
    t = targets.copy()
    for col in ("employee_id", "team"):
        if col not in t:
            t[col] = None
    t["period"] = t["period"].astype(str)
    exact = t[t["period"] == str(p)]
    months = {str(m) for m in p.months()}
    inner = t[t["period"].isin(months) & (t["period"] != str(p))]
    # exact rows win for a (who, kpi) pair; monthly rows fill the rest
    key = ["employee_id", "team", "kpi"]
    inner = inner.merge(exact[key].drop_duplicates(), on=key, how="left", indicator=True)
    inner = inner[inner["_merge"] == "left_only"].drop(columns="_merge")
    if p.kind == "year":  # a quarter's own row stands for its months, as in the quarter's report
        quarters = t[t["period"].isin([f"{p.year}-Q{i}" for i in range(1, 5)])]
        quarters = quarters.merge(exact[key].drop_duplicates(), on=key, how="left", indicator=True)
        quarters = quarters[quarters["_merge"] == "left_only"].drop(columns="_merge")
        if len(quarters):
            month_q = inner["period"].map(lambda m: f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}")
            covered = inner[key].assign(period=month_q).merge(
                quarters[key + ["period"]].drop_duplicates(), on=key + ["period"], how="left", indicator=True)
            inner = pd.concat([inner[(covered["_merge"] == "left_only").to_numpy()], quarters], ignore_index=True)
    agg = []
    for kpi_name, grp in inner.groupby("kpi"):
        how = "sum" if kpi_name in ADDITIVE_TARGETS else "mean"
        agg.append(grp.groupby(["employee_id", "team"], dropna=False, as_index=False)["target"].agg(how).assign(kpi=kpi_name))
    parts = [exact[key + ["target"]]] + agg
    out = pd.concat([x for x in parts if len(x)], ignore_index=True) if any(len(x) for x in parts) else exact[key + ["target"]]
    return out[key + ["target"]].reset_index(drop=True)


def _kpi_sheet(ctx: FactContext) -> pd.DataFrame:
    """Facts taken from a pre-computed KPI sheet: the period's row per person (monthly rows
    inside a quarter or year summed), plus ``<col>_prev`` from the previous period. A KPI
    that is not a sum (a rate, a score, an average) cannot be added up over months, nor
    averaged without what it was computed from: NaN for a period made of monthly rows,
    its name listed in ``attrs["not_summed"]``; ``attrs["months"]`` is (the months of the
    period that have rows, those that have none) when the period is made of months;
    ``attrs["blanks"]`` lists (employee_id, month, column) of the period's blank cells.

    A blank cell is no value, never 0: a person's sum over months with one of them blank
    has no value either (a quarter of two months' talk time read as three would rank them
    below their peers)."""
    from ..targets import _is_additive

    sheet = ctx.con.sql("SELECT * FROM kpi_sheet").df()
    sheet["period"] = sheet["period"].astype(str)
    not_summed: set[str] = set()
    missing: list[str] = []  # months of the period without a row in the sheet (when it has others)
    present: list[str] = []
    blanks: list[tuple[str, str, str]] = []

    def summed(rows: pd.DataFrame, note: bool) -> pd.DataFrame:
        values = rows.drop(columns="period").set_index("employee_id").select_dtypes("number")
        out = values.groupby(level=0).sum(min_count=1)
        blank = values.isna()
        if blank.to_numpy().any():
            out = out.mask(blank.groupby(level=0).any())
            if note:
                at = blank.assign(period=rows["period"].to_numpy()).reset_index()
                blanks.extend((e, per, col) for col in values.columns
                              for e, per in at.loc[at[col], ["employee_id", "period"]].itertuples(index=False))
        return out

    def rows_for(p: Period, note: bool) -> pd.DataFrame:
        exact = sheet[sheet["period"] == str(p)]
        if len(exact):
            return summed(exact, note)
        months = {str(m) for m in p.months()}
        inner = sheet[sheet["period"].isin(months)]
        out = summed(inner, note)
        if months != {str(p)}:
            levels = [c for c in out.columns if c not in SHEET_COUNTS and not _is_additive(c)]
            out[levels] = np.nan
            if note and len(inner):
                not_summed.update(levels)
                missing[:] = sorted(months - set(inner["period"]))
                present[:] = sorted(months & set(inner["period"]))
        return out

    cur = rows_for(ctx.period, True)
    prev = rows_for(ctx.period.previous(), False).add_suffix("_prev")
    out = cur.join(prev, how="outer")
    if "revenue" in out:
        out["revenue_ordered"] = out["revenue"]
        out["billed"] = out["revenue"]
    if "revenue_prev" in out:
        out["revenue_ordered_prev"] = out["revenue_prev"]
    out = out.reset_index()
    out.attrs["not_summed"] = sorted(not_summed)
    out.attrs["months"] = (present, missing)
    out.attrs["blanks"] = sorted(blanks)
    return out


def unassigned_rows(ctx: FactContext) -> dict[str, int]:
    """Rows of the period without an employee_id, per table (they are in no one's facts)."""
    out = {}
    for table, col in DATED:
        if ctx.has(table, "employee_id", col):
            n = ctx.con.sql(f"SELECT count(*) FROM {table} WHERE employee_id IS NULL AND {_in(col, ctx.period)}"
                            ).fetchall()[0][0]
            if n:
                out[table] = int(n)
    return out


def with_records(ctx: FactContext, ids) -> set[str]:
    """Which of the employees ``ids`` have a row dated in the period (an event table or the
    KPI sheet)."""
    ids = list(dict.fromkeys(map(str, ids)))
    if not ids:
        return set()
    found: set[str] = set()
    for table, col in DATED:
        if ctx.has(table, "employee_id", col):
            found |= {r[0] for r in ctx.con.sql(
                f"SELECT DISTINCT employee_id FROM {table} WHERE employee_id IN ({_literals(ids)}) "
                f"AND {_in(col, ctx.period)}").fetchall()}
    if "kpi_sheet" in ctx.columns and {"employee_id", "period"} <= ctx.columns["kpi_sheet"]:
        sheet = ctx.con.sql(f"SELECT DISTINCT CAST(employee_id AS VARCHAR) AS e, CAST(period AS VARCHAR) AS p "
                            f"FROM kpi_sheet WHERE CAST(employee_id AS VARCHAR) IN ({_literals(ids)})").fetchall()
        found |= {e for e, per in sheet if _review_periods_in(ctx, pd.Series([per])).iloc[0]}
    return found


@dataclass(frozen=True)
class FactGroup:
    """One query's facts. ``pooled``: ``func`` groups its rows by ``ctx.key_table``, so
    that a roll-up runs it again per output group rather than summing the people's facts
    (medians, and counts of distinct customers or regions: a customer who bought from two
    of a team's people is one of the team's buyers). ``regroup``: for a group that is not
    pooled, a function that counts the facts ``regrouped`` (which are not sums) again per
    output group of ``ctx.key_table``."""

    name: str
    table: str
    func: object
    facts: tuple[str, ...]
    pooled: bool = False
    regroup: object = None
    regrouped: tuple[str, ...] = ()


FACT_GROUPS: dict[str, FactGroup] = {g.name: g for g in [
    FactGroup("orders_period", "orders", _orders_period, (
        "revenue_ordered", "orders", "inquiry_orders", "units", "cost", "profit", "big_revenue", "buyers", "repeat_buyers",
        "placed_orders", "refunded_orders", "closed_orders", "revenue_ordered_prev", "orders_prev", "buyers_prev",
        "retained_buyers", "collected", "billed"), pooled=True),
    FactGroup("orders_received", "orders", _orders_received, ("received_revenue", "received_revenue_prev")),
    FactGroup("orders_history", "orders", _orders_history, (
        "new_customers", "referred_new", "retained_30d", "retained_90d", "new_customers_prev",
        "ltv_revenue", "ltv_customers", "returning_buyers"),
        regroup=_returning_buyers, regrouped=("returning_buyers",)),
    FactGroup("orders_regions", "orders", _orders_regions, ("new_markets",), pooled=True),
    FactGroup("orders_clawback", "orders", _orders_clawback, ("clawback_amount", "clawback_orders")),
    FactGroup("processing", "orders", _processing, ("processing_hours",), pooled=True),
    FactGroup("calls", "calls", _calls, (
        "calls", "connected", "talk_seconds", "effective_seconds", "connected_customers",
        "intent_customers", "call_complaints"), pooled=True),
    FactGroup("traffic", "traffic", _traffic, (
        "sessions", "unique_visitors", "page_views", "qualified_sessions", "inquiries", "spend",
        "impressions", "engagements", "rank_sum", "rank_n")),
    FactGroup("service", "service", _service, (
        "tickets", "service_complaints", "sat_sum", "sat_n", "sat_ok", "fcr")),
    FactGroup("resolution", "service", _resolution, ("resolution_hours",), pooled=True),
    FactGroup("activities", "activities", _activities, tuple(
        f"act_{k}" for k in __import__("salesperf_kit.schemas", fromlist=["ACTIVITY_KINDS"]).ACTIVITY_KINDS)),
    FactGroup("inventory", "inventory", _inventory, ("stock_mean",)),
    FactGroup("reviews", "reviews", _reviews, (
        "sales_skill_num", "sales_skill_den", "service_quality_num", "service_quality_den",
        "peer_collab_sum", "peer_collab_n", "customer_reviews", "positive_reviews")),
    FactGroup("targets", "targets", _targets, ("target_revenue",)),
]}
FACT_OWNER = {f: g.name for g in FACT_GROUPS.values() for f in g.facts}


# Groups that read the whole history: run on a second connection in another thread while
# the others (which read one or two periods) run, so that both cores stay busy.
_BACKGROUND = ("orders_history",)


def uncovered_tables(ctx: FactContext) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """The event tables whose rows all lie before or all after the period (an export that
    does not reach it, such as ad data for the last months only): table -> (first, last
    date). A table with rows around the period but none in it covers it: a month without
    a ticket has 0 tickets."""
    out = {}
    for table, col in DATED:
        if ctx.has(table, col) and not ctx.con.sql(f"SELECT 1 FROM {table} WHERE {_in(col, ctx.period)} LIMIT 1"
                                                   ).fetchall():  # (a row in the period: covered, found fast)
            lo, hi = ctx.con.sql(f"SELECT min({col}), max({col}) FROM {table}").fetchall()[0]
            if lo is not None and (pd.Timestamp(hi) < ctx.period.start or pd.Timestamp(lo) >= ctx.period.end):
                out[table] = (pd.Timestamp(lo), pd.Timestamp(hi))
    return out


_PART_DAYS = 7  # how many days a table must miss, where the others go on, to be told as partial


def partial_tables(ctx: FactContext) -> dict[str, tuple[str, pd.Timestamp, pd.Timestamp]]:
    """The event tables whose rows stop (or start) part-way through the period while other
    tables go on: table -> ("ends", its last day, the others' last day) or ("starts", its
    first day, the others' first day). Lead data that stop at the end of May make June's
    conversion read high. A table must miss at least a week, and four times its usual gap
    between days with rows, where another goes on (a table too sparse to tell is never
    told), so that a quiet last few days are not told as a stop. An export that stops for
    every table alike is the report's own warning (data_end), not this."""
    p = ctx.period
    spans = {}
    for table, col in DATED:
        if not ctx.has(table, col):
            continue
        lo, hi = ctx.con.sql(f"SELECT min({col}), max({col}) FROM {table} WHERE {_in(col, p)}").fetchall()[0]
        if lo is None:
            continue
        before = bool(ctx.con.sql(f"SELECT 1 FROM {table} WHERE {col} < {_ts(p.start)} LIMIT 1").fetchall())
        after = bool(ctx.con.sql(f"SELECT 1 FROM {table} WHERE {col} >= {_ts(p.end)} LIMIT 1").fetchall())
        spans[table] = (col, pd.Timestamp(lo).normalize(), pd.Timestamp(hi).normalize(), before, after)
    out = {}
    for table, (col, lo, hi, before, after) in spans.items():
        others = [v for t, v in spans.items() if t != table]
        last = max((p.last_day if a else h for _, _, h, _, a in others), default=None)
        first = min((p.start if b else f for _, f, _, b, _ in others), default=None)
        if not after and last is not None and (p.last_day - hi).days >= _PART_DAYS and \
                (last - hi).days >= _usual_gap(ctx, table, col, hi, -1):
            out[table] = ("ends", hi, last)
        elif not before and first is not None and (lo - p.start).days >= _PART_DAYS and \
                (lo - first).days >= _usual_gap(ctx, table, col, lo, 1):
            out[table] = ("starts", lo, first)
    return out


def _usual_gap(ctx: FactContext, table: str, col: str, day: pd.Timestamp, way: int) -> float:
    """How many days without a row of ``table`` would be unusual next to ``day``: from its
    rows in the eight weeks before (way -1) or after (way 1) it, four times the mean gap
    between their days and at least a week; infinite for a table with rows on fewer than
    14 of those days (too sparse to tell a stop from a quiet spell)."""
    weeks = pd.Timedelta(weeks=8)
    lo, hi = (day - weeks, day + pd.Timedelta(days=1)) if way < 0 else (day, day + weeks)
    days, first, last = ctx.con.sql(
        f"SELECT count(DISTINCT CAST({col} AS DATE)), min(CAST({col} AS DATE)), max(CAST({col} AS DATE)) "
        f"FROM {table} WHERE {col} >= {_ts(lo)} AND {col} < {_ts(hi)}").fetchall()[0]
    if days < 14:
        return float("inf")
    return max(float(_PART_DAYS), 4 * (last - first).days / (days - 1))


def compute_facts(ctx: FactContext, groups: list[str], uncovered=()) -> pd.DataFrame:
    """Run the named fact groups; one row per employee, additive facts with 0 for no activity.

    The facts of the tables in ``uncovered`` (see :func:`uncovered_tables`) are NaN, not 0:
    the data say nothing of the period; ``attrs["uncovered"]`` names those tables."""
    index = pd.Index(ctx.employees["employee_id"].astype(str), name="employee_id")
    blank = [name for name in groups if FACT_GROUPS[name].table in uncovered]
    frames = _run_groups(ctx, [name for name in groups if name not in blank])
    columns: dict[str, np.ndarray] = {}
    for name in blank:
        for col in FACT_GROUPS[name].facts:
            columns[col] = np.full(len(index), np.nan)
    for name in groups:
        if name in blank:
            continue
        g = FACT_GROUPS[name]
        df = frames[name]
        df = df.assign(employee_id=df["employee_id"].astype(str)).set_index("employee_id")
        df = df.groupby(level=0).sum(min_count=1) if not df.index.is_unique else df
        where = df.index.get_indexer(index)  # -1: no row for the employee
        for col in g.facts:
            if col in df:
                v = pd.to_numeric(df[col], errors="coerce").astype("float64").to_numpy()
                s = np.where(where >= 0, v[where], np.nan) if len(v) else np.full(len(index), np.nan)
                columns[col] = s if col in (*MEDIAN_FACTS, "target_revenue") else np.where(np.isnan(s), 0.0, s)
    out = pd.DataFrame(columns, index=index)
    out.attrs["uncovered"] = set(uncovered)
    return out


def _run_groups(ctx: FactContext, groups: list[str]) -> dict[str, pd.DataFrame]:
    """Each group's per-employee frame; the groups in ``_BACKGROUND`` run on a second
    connection in a worker thread (DuckDB releases the GIL while it works)."""
    background = [g for g in groups if g in _BACKGROUND]
    if not background or len(groups) == 1:
        return {name: FACT_GROUPS[name].func(ctx) for name in groups}
    side = ctx.side_connection()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pending = {name: pool.submit(FACT_GROUPS[name].func, side) for name in background}
        frames = {name: FACT_GROUPS[name].func(ctx) for name in groups if name not in pending}
        frames.update({name: job.result() for name, job in pending.items()})
    except BaseException:
        side.con.interrupt()
        raise
    finally:
        pool.shutdown(wait=True)
        side.con.close()
    return frames
