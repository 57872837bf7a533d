-- environments.sql: one row per (cell, execution environment, round, CPU), with what its
-- attempts came to. Every attempt counts; samples by the sample rule of docs/methodology.md
-- (the CASE below). An environment serves one round on one CPU, so this is one pass over the
-- data, and the per-cell (quality.sql) and per-CPU (cpu_models.sql) figures are sums over its
-- few thousand rows. Every session has it as the view `environments`; the report computes it
-- once and runs both queries over the result.
WITH attempts AS (
  SELECT
    *,
    status = 'ok' AND NOT is_warmup
      AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
      AS is_sample
  FROM invocations
)
SELECT
  workload, runtime, language, coalesce(package_type, 'not recorded') AS package_type,
  architecture, memory_mb, environment_id, round,
  coalesce(cpu_model, '') AS cpu_model, coalesce(cpu_features, '') AS cpu_features,
  count(*) AS attempts,
  count(*) FILTER (WHERE is_sample) AS samples,
  count(*) FILTER (WHERE is_sample AND start_type = 'cold') AS cold_ok,
  count(*) FILTER (WHERE is_sample AND start_type = 'warm') AS warm_ok,
  count(*) FILTER (WHERE is_warmup) AS warmups,
  count(*) FILTER (WHERE status <> 'ok' AND status <> 'throttled') AS failed,
  count(*) FILTER (WHERE start_type = 'cold' AND status = 'ok' AND NOT is_warmup AND NOT is_sample) AS cold_came_back_warm,
  count(*) FILTER (WHERE start_type = 'warm' AND status = 'ok' AND NOT is_warmup AND NOT is_sample) AS warm_came_back_cold,
  count(*) FILTER (WHERE status = 'throttled') AS throttled
FROM attempts
GROUP BY workload, runtime, language, coalesce(package_type, 'not recorded'), architecture, memory_mb, environment_id, round, coalesce(cpu_model, ''), coalesce(cpu_features, '')
