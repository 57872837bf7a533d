-- trend.sql: the median per week, per cell over time: a runtime update or a platform change
-- shows up as a step. Cells as in samples.sql (custom runtimes named with their language,
-- package type kept apart) and the same sample rule; memory sizes pooled (every week measures
-- the same sizes). metric: cold_init (Init Duration, or Restore Duration for SnapStart) or
-- warm_duration. p50_lo/p50_hi: the distribution-free 95% interval of the median (NULL below 6
-- samples). The trend page's charts are these rows; its arm64/x86_64 ratio is p50 over p50.
WITH s AS (
  SELECT
    workload,
    CASE WHEN runtime LIKE 'provided%' THEN language || ' (' || runtime || ')' ELSE runtime END AS runtime,
    language,
    coalesce(package_type, 'not recorded') AS package_type,
    architecture,
    date_trunc('week', invoked_at) AS week,
    CASE WHEN start_type = 'cold' THEN 'cold_init' ELSE 'warm_duration' END AS metric,
    CASE WHEN start_type = 'cold' THEN coalesce(init_duration_ms, restore_duration_ms) ELSE duration_ms END AS ms
  FROM invocations
  WHERE status = 'ok'
    AND NOT is_warmup
    AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
)
SELECT
  workload,
  runtime,
  language,
  package_type,
  architecture,
  metric,
  week,
  count(ms) AS n,
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), 3) AS p50_ms,
  round(get_field(quantile_ci(ms, 0.5, 0.95), 'lower'), 3) AS p50_lo_ms,
  round(get_field(quantile_ci(ms, 0.5, 0.95), 'upper'), 3) AS p50_hi_ms
FROM s
WHERE ms IS NOT NULL
GROUP BY workload, runtime, language, package_type, architecture, metric, week
ORDER BY workload, runtime, package_type, metric, architecture, week;
