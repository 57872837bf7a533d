-- cost_per_million.sql (Athena, engine 3): ../cost_per_million.sql in Trino's SQL, with the
-- price of lambench's lambda_cost_usd written out as the table prices (us-east-1; change it for
-- another region, docs/methodology.md gives the table). Replace RUN_ID with the run.
WITH prices (architecture, usd_per_gb_s, usd_per_request) AS (
  -- lambench's price model (model/src/price.rs), us-east-1, first tier, as lambda_cost_usd
  -- uses it; tests/duckdb.rs checks these against it.
  VALUES ('x86_64', 0.0000166667, 0.0000002), ('arm64', 0.0000133334, 0.0000002)
)
SELECT
  i.runtime,
  i.architecture,
  i.workload,
  i.memory_mb,
  i.start_type,
  count(*) AS n,
  round(avg(i.billed_duration_ms + coalesce(i.billed_restore_duration_ms, 0)), 3) AS mean_billed_ms,
  round(avg(CAST(i.memory_mb AS double) / 1024 * (i.billed_duration_ms + coalesce(i.billed_restore_duration_ms, 0)) / 1000), 6) AS mean_gb_s,
  round(1e6 * avg(CAST(i.memory_mb AS double) / 1024 * (i.billed_duration_ms + coalesce(i.billed_restore_duration_ms, 0)) / 1000 * p.usd_per_gb_s + p.usd_per_request), 4) AS usd_per_million
FROM invocations i
JOIN prices p ON p.architecture = i.architecture
WHERE i.run_id = 'RUN_ID' AND i.status = 'ok' AND NOT i.is_warmup AND i.billed_duration_ms IS NOT NULL
  AND CASE i.start_type WHEN 'cold' THEN coalesce(i.observed_cold, true) ELSE NOT coalesce(i.observed_cold, false) AND coalesce(i.environment_invocation, 2) > 1 END
GROUP BY i.runtime, i.architecture, i.workload, i.memory_mb, i.start_type
ORDER BY i.runtime, i.workload, i.memory_mb, i.start_type, i.architecture;
