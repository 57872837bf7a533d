-- arm_vs_x86.sql (Athena, engine 3): ../arm_vs_x86.sql in Trino's SQL, the medians by
-- approx_percentile (Athena has no exact one) and the price of lambda_cost_usd written out as
-- the table prices (us-east-1). Replace RUN_ID with the run.
WITH prices (architecture, usd_per_gb_s, usd_per_request) AS (
  -- lambench's price model (model/src/price.rs), us-east-1, first tier, as lambda_cost_usd
  -- uses it; tests/duckdb.rs checks these against it.
  VALUES ('x86_64', 0.0000166667, 0.0000002), ('arm64', 0.0000133334, 0.0000002)
),
cells AS (
  SELECT
    i.runtime, i.workload, i.memory_mb, i.architecture,
    count(*) AS n,
    approx_percentile(i.duration_ms, 0.5) AS p50_ms,
    approx_percentile(i.billed_duration_ms, 0.5) AS p50_billed_ms,
    avg(CAST(i.memory_mb AS double) / 1024 * (i.billed_duration_ms + coalesce(i.billed_restore_duration_ms, 0)) / 1000 * p.usd_per_gb_s + p.usd_per_request) AS mean_cost_usd
  FROM invocations i
  JOIN prices p ON p.architecture = i.architecture
  WHERE i.run_id = 'RUN_ID' AND i.start_type = 'warm' AND i.status = 'ok' AND NOT i.is_warmup
    AND CASE i.start_type WHEN 'cold' THEN coalesce(i.observed_cold, true) ELSE NOT coalesce(i.observed_cold, false) AND coalesce(i.environment_invocation, 2) > 1 END
  GROUP BY i.runtime, i.workload, i.memory_mb, i.architecture
)
SELECT
  arm.runtime,
  arm.workload,
  arm.memory_mb,
  arm.n AS n_arm64,
  x86.n AS n_x86_64,
  round(arm.p50_ms, 3) AS p50_arm64_ms,
  round(x86.p50_ms, 3) AS p50_x86_64_ms,
  round(x86.p50_ms / arm.p50_ms, 3) AS speedup,
  round(arm.mean_cost_usd * 1e6, 4) AS usd_per_million_arm64,
  round(x86.mean_cost_usd * 1e6, 4) AS usd_per_million_x86_64,
  round(100 * (1 - arm.mean_cost_usd / x86.mean_cost_usd), 2) AS cost_saving_pct
FROM cells arm
JOIN cells x86
  ON arm.runtime = x86.runtime AND arm.workload = x86.workload AND arm.memory_mb = x86.memory_mb
WHERE arm.architecture = 'arm64' AND x86.architecture = 'x86_64'
ORDER BY arm.runtime, arm.workload, arm.memory_mb;
