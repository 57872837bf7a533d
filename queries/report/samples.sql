-- samples.sql: every successful, non-warm-up sample whose start matched what was asked (cold
-- samples verified cold, warm samples not cold), one row each. The report's bootstrap medians,
-- percentiles, ratios and costs are computed from these rows.
SELECT
  workload,
  runtime,
  architecture,
  memory_mb,
  start_type,
  duration_ms,
  billed_duration_ms + coalesce(billed_restore_duration_ms, 0) AS billed_ms,
  init_duration_ms,
  coalesce(runtime_version, '') AS runtime_version
FROM invocations
WHERE status = 'ok'
  AND NOT is_warmup
  AND (duration_ms IS NOT NULL OR init_duration_ms IS NOT NULL)
  AND coalesce(observed_cold, start_type = 'cold') = (start_type = 'cold');
