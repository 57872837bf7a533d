-- cold_starts.sql (Athena, engine 3): ../cold_starts.sql in Trino's SQL. Percentiles are
-- approx_percentile (Athena has no exact one; lambench analyze's are exact), and the median's
-- interval columns (lambench's quantile_ci) are left out. Replace RUN_ID with the run.
SELECT
  runtime,
  language,
  workload,
  architecture,
  memory_mb,
  package_type,
  CASE WHEN restore_duration_ms IS NOT NULL THEN 'restore' ELSE 'init' END AS phase,
  count(*) AS n,
  round(approx_percentile(coalesce(init_duration_ms, restore_duration_ms), 0.5), 3) AS p50_ms,
  round(approx_percentile(coalesce(init_duration_ms, restore_duration_ms), 0.99), 3) AS p99_ms,
  round(min(coalesce(init_duration_ms, restore_duration_ms)), 3) AS min_ms,
  round(max(coalesce(init_duration_ms, restore_duration_ms)), 3) AS max_ms
FROM invocations
WHERE run_id = 'RUN_ID' AND start_type = 'cold' AND status = 'ok' AND NOT is_warmup
  AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
GROUP BY runtime, language, workload, architecture, memory_mb, package_type,
  CASE WHEN restore_duration_ms IS NOT NULL THEN 'restore' ELSE 'init' END
ORDER BY runtime, language, workload, memory_mb, package_type, architecture;
