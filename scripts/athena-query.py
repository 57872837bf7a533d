"""Runs one of queries/athena/*.sql (Trino's SQL, as Athena engine 3 speaks it) on this machine:
sqlglot translates it to DuckDB's SQL, which runs over lambench's Parquet layout, and the rows
are written as a JSON array. approx_percentile becomes DuckDB's exact quantile_cont (the
interpolation percentile_cont uses), so that the rows can be compared with lambench analyze's
exact ones: what is checked is the query, not Athena's approximation.

Usage: python3 scripts/athena-query.py DATA_DIR RUN_ID QUERY.sql OUT.json
Used by tests/duckdb.rs (needs `pip install duckdb sqlglot`).
"""
import re
import sys

import duckdb
import sqlglot

data, run_id, sql_file, out = sys.argv[1:5]
trino = open(sql_file, encoding="utf-8").read().replace("RUN_ID", run_id)
(duck,) = sqlglot.transpile(trino.strip().rstrip(";"), read="trino", write="duckdb")
duck = re.sub(r"\bAPPROX_QUANTILE\(", "QUANTILE_CONT(", duck, flags=re.IGNORECASE)
con = duckdb.connect()
con.execute(
    "CREATE VIEW invocations AS SELECT * FROM "
    f"read_parquet('{data}/run_id=*/*.parquet', hive_partitioning = true, union_by_name = true)"
)
con.execute(f"COPY ({duck}) TO '{out}' (FORMAT JSON, ARRAY true)")
