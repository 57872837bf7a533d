-- memory_scaling.sql (Athena, engine 3): ../memory_scaling.sql in Trino's SQL, the median by
-- approx_percentile (Athena has no exact one) and the price of lambda_cost_usd written out as
-- the table prices (us-east-1). Replace RUN_ID with the run.
WITH prices (architecture, usd_per_gb_s, usd_per_request) AS (
  -- lambench's price model (model/src/price.rs), us-east-1, first tier, as lambda_cost_usd
  -- uses it; tests/duckdb.rs checks these against it.
  VALUES ('x86_64', 0.0000166667, 0.0000002), ('arm64', 0.0000133334, 0.0000002)
),
cells AS (
  SELECT
    i.runtime, i.architecture, i.workload, i.memory_mb,
    count(*) AS n,
    approx_percentile(i.duration_ms, 0.5) AS p50_ms,
    1e6 * avg(CAST(i.memory_mb AS double) / 1024 * i.billed_duration_ms / 1000 * p.usd_per_gb_s + p.usd_per_request) AS usd_per_million
  FROM invocations i
  JOIN prices p ON p.architecture = i.architecture
  WHERE i.run_id = 'RUN_ID' AND i.start_type = 'warm' AND i.status = 'ok' AND NOT i.is_warmup
    AND CASE i.start_type WHEN 'cold' THEN coalesce(i.observed_cold, true) ELSE NOT coalesce(i.observed_cold, false) AND coalesce(i.environment_invocation, 2) > 1 END
  GROUP BY i.runtime, i.architecture, i.workload, i.memory_mb
)
SELECT
  runtime,
  architecture,
  workload,
  memory_mb,
  n,
  round(p50_ms, 3) AS p50_ms,
  round(first_value(p50_ms) OVER (PARTITION BY runtime, architecture, workload ORDER BY memory_mb) / p50_ms, 3) AS speedup_vs_smallest,
  round(usd_per_million, 4) AS usd_per_million
FROM cells
ORDER BY runtime, workload, architecture, memory_mb;
