-- quality.sql: per cell, what was obtained and where it ran. Every attempt; samples by start
-- type (the sample rule of docs/methodology.md); failures; requests answered with the wrong
-- kind of start (kept as rows, retried); throttles; rounds with samples; the warm samples'
-- execution environments (how many, samples on each); the CPU models seen. Sums over the
-- view `environments` (queries/report/environments.sql: one row per environment, round and CPU).
-- Compared in the report with what the run planned (its manifest, _manifests/<run>.json).
-- Cells as in samples.sql: custom runtimes named with their language, package types apart.
WITH cells AS (
  SELECT
    *,
    CASE WHEN runtime LIKE 'provided%' THEN language || ' (' || runtime || ')' ELSE runtime END AS cell_runtime
  FROM environments
)
SELECT
  workload,
  cell_runtime AS runtime,
  package_type,
  architecture,
  memory_mb,
  sum(attempts) AS attempts,
  sum(cold_ok) AS cold_ok,
  sum(warm_ok) AS warm_ok,
  sum(warmups) AS warmups,
  sum(failed) AS failed,
  sum(cold_came_back_warm) AS cold_came_back_warm,
  sum(warm_came_back_cold) AS warm_came_back_cold,
  sum(throttled) AS throttled,
  count(DISTINCT round) FILTER (WHERE samples > 0) AS rounds,
  count(DISTINCT nullif(cpu_model, '')) FILTER (WHERE samples > 0) AS cpu_models,
  string_agg(DISTINCT nullif(cpu_model, ''), ', ' ORDER BY nullif(cpu_model, '')) FILTER (WHERE samples > 0) AS cpu_model_list,
  count(DISTINCT environment_id) FILTER (WHERE warm_ok > 0) AS warm_environments,
  min(warm_ok) FILTER (WHERE warm_ok > 0 AND environment_id IS NOT NULL) AS min_per_environment,
  max(warm_ok) FILTER (WHERE warm_ok > 0 AND environment_id IS NOT NULL) AS max_per_environment
FROM cells
GROUP BY workload, cell_runtime, package_type, architecture, memory_mb
ORDER BY workload, runtime, package_type, memory_mb, architecture;
