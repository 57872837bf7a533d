"""Runs a lambench SQL file in DuckDB over lambench's Parquet layout and writes CSV.

Usage: python3 scripts/duckdb-query.py DATA_DIR QUERY.sql OUT.csv
Used by scripts/bench-analyze to compare engines on identical files and SQL.
"""
import sys

import duckdb

data, sql_file, out = sys.argv[1:4]
con = duckdb.connect()
con.execute(
    "CREATE VIEW invocations AS SELECT * FROM "
    f"read_parquet('{data}/**/*.parquet', hive_partitioning = true, union_by_name = true)"
)
sql = open(sql_file, encoding="utf-8").read().strip().rstrip(";")
con.execute(f"COPY ({sql}) TO '{out}' (HEADER, DELIMITER ',')")
