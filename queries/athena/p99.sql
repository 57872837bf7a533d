-- p99.sql (Athena, engine 3): ../p99.sql in Trino's SQL. Percentiles are approx_percentile
-- (Athena has no exact one; lambench analyze's are exact), and the median's interval columns
-- (lambench's quantile_ci) are left out. Replace RUN_ID with the run.
WITH attempts AS (
  SELECT
    *,
    status = 'ok' AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END AS is_sample
  FROM invocations
  WHERE run_id = 'RUN_ID' AND NOT is_warmup
)
SELECT
  runtime,
  architecture,
  workload,
  memory_mb,
  start_type,
  count(*) FILTER (WHERE is_sample) AS n,
  count(*) AS attempts,
  count(*) FILTER (WHERE status <> 'ok') AS errors,
  round(approx_percentile(duration_ms, 0.5) FILTER (WHERE is_sample), 3) AS p50_ms,
  round(approx_percentile(duration_ms, 0.9) FILTER (WHERE is_sample), 3) AS p90_ms,
  round(approx_percentile(duration_ms, 0.99) FILTER (WHERE is_sample), 3) AS p99_ms,
  round(avg(duration_ms) FILTER (WHERE is_sample), 3) AS mean_ms,
  round(stddev(duration_ms) FILTER (WHERE is_sample), 3) AS stddev_ms,
  round(approx_percentile(init_duration_ms, 0.5) FILTER (WHERE is_sample), 3) AS p50_init_ms,
  round(approx_percentile(init_duration_ms, 0.99) FILTER (WHERE is_sample), 3) AS p99_init_ms,
  round(avg(init_duration_ms) FILTER (WHERE is_sample), 3) AS mean_init_ms,
  round(stddev(init_duration_ms) FILTER (WHERE is_sample), 3) AS stddev_init_ms
FROM attempts
GROUP BY runtime, architecture, workload, memory_mb, start_type
ORDER BY runtime, workload, memory_mb, start_type, architecture;
