-- samples.sql: every sample, one row each: successful, not a warm-up, and of the start type
-- asked for (the sample rule of docs/methodology.md), with the environment and round it ran in.
-- The report's quantiles, ratios (environments as units, rounds as strata), verdicts and costs
-- are computed from these rows.
-- A cell is (workload, runtime, package type, memory size, architecture). Custom runtimes
-- (provided.*) host many languages, so their runtime is named with its language, e.g.
-- "rust (provided.al2023)"; a package type the data does not record is 'not recorded'.
-- stratum: the round, or for data without rounds (imports) the UTC day it was measured on:
-- samples taken together, side by side on both architectures.
SELECT
  workload,
  CASE WHEN runtime LIKE 'provided%' THEN language || ' (' || runtime || ')' ELSE runtime END AS runtime,
  language,
  coalesce(package_type, 'not recorded') AS package_type,
  architecture,
  memory_mb,
  start_type = 'cold' AS cold,
  duration_ms,
  billed_duration_ms + coalesce(billed_restore_duration_ms, 0) AS billed_ms,
  init_duration_ms,
  restore_duration_ms,
  environment_id,
  coalesce(round, CAST(floor(date_part('epoch', invoked_at) / 86400) AS INT)) AS stratum
FROM invocations
WHERE status = 'ok'
  AND NOT is_warmup
  AND (duration_ms IS NOT NULL OR init_duration_ms IS NOT NULL OR restore_duration_ms IS NOT NULL)
  AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END;
