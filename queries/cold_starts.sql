-- cold_starts.sql: cold-start time per runtime × architecture × memory (and package type).
-- Answers: how long does a new execution environment take to start? Only cold samples count
-- (the sample rule of docs/methodology.md: the REPORT line had Init Duration or Restore
-- Duration; warm-ups and warm requests that happened to start cold do not). `phase` is
-- `init` for ordinary cold starts and `restore` for SnapStart, whose restore time replaces init.
-- Percentiles are exact; p50_lo/p50_hi is the distribution-free 95% interval of the median.
SELECT
  runtime,
  language,
  workload,
  architecture,
  memory_mb,
  package_type,
  CASE WHEN restore_duration_ms IS NOT NULL THEN 'restore' ELSE 'init' END AS phase,
  count(*) AS n,
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(init_duration_ms, restore_duration_ms)), 3) AS p50_ms,
  round(get_field(quantile_ci(coalesce(init_duration_ms, restore_duration_ms), 0.5, 0.95), 'lower'), 3) AS p50_lo_ms,
  round(get_field(quantile_ci(coalesce(init_duration_ms, restore_duration_ms), 0.5, 0.95), 'upper'), 3) AS p50_hi_ms,
  round(percentile_cont(0.99) WITHIN GROUP (ORDER BY coalesce(init_duration_ms, restore_duration_ms)), 3) AS p99_ms,
  round(min(coalesce(init_duration_ms, restore_duration_ms)), 3) AS min_ms,
  round(max(coalesce(init_duration_ms, restore_duration_ms)), 3) AS max_ms
FROM invocations
WHERE start_type = 'cold' AND status = 'ok' AND NOT is_warmup
  AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
GROUP BY runtime, language, workload, architecture, memory_mb, package_type,
  CASE WHEN restore_duration_ms IS NOT NULL THEN 'restore' ELSE 'init' END
ORDER BY runtime, language, workload, memory_mb, package_type, architecture;
