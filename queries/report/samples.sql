-- samples.sql: every sample, one row each: successful, not a warm-up, and of the start type
-- asked for (the sample rule of docs/methodology.md), with the environment and round it ran in.
-- The report's quantiles, ratios (environments as units, rounds as strata), verdicts and costs
-- are computed from these rows.
SELECT
  workload,
  runtime,
  architecture,
  memory_mb,
  start_type,
  duration_ms,
  billed_duration_ms + coalesce(billed_restore_duration_ms, 0) AS billed_ms,
  init_duration_ms,
  environment_id,
  round
FROM invocations
WHERE status = 'ok'
  AND NOT is_warmup
  AND (duration_ms IS NOT NULL OR init_duration_ms IS NOT NULL)
  AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END;
