-- quality.sql: per cell, what was obtained and where it ran. Every attempt; samples by start
-- type (the sample rule of docs/methodology.md, the CASE below); failures; requests answered
-- with the wrong kind of start (kept as rows, retried); throttles; rounds with samples; the
-- warm samples' execution environments (how many, samples on each); the CPU models seen.
-- Compared in the report with what the run planned (its manifest.json).
WITH attempts AS (
  SELECT
    *,
    status = 'ok' AND NOT is_warmup
      AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
      AS is_sample
  FROM invocations
),
-- One row per (cell, environment, round, CPU model) with its counts: one pass over the
-- attempts (an environment serves one round on one CPU), and the per-cell figures below run
-- over thousands of rows, not every attempt.
per_environment AS (
  SELECT
    workload, runtime, architecture, memory_mb, environment_id, round, cpu_model,
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
  GROUP BY workload, runtime, architecture, memory_mb, environment_id, round, cpu_model
)
SELECT
  workload,
  runtime,
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
  count(DISTINCT cpu_model) FILTER (WHERE samples > 0) AS cpu_models,
  string_agg(DISTINCT cpu_model, ', ' ORDER BY cpu_model) FILTER (WHERE samples > 0) AS cpu_model_list,
  count(DISTINCT environment_id) FILTER (WHERE warm_ok > 0) AS warm_environments,
  min(warm_ok) FILTER (WHERE warm_ok > 0 AND environment_id IS NOT NULL) AS min_per_environment,
  max(warm_ok) FILTER (WHERE warm_ok > 0 AND environment_id IS NOT NULL) AS max_per_environment
FROM per_environment
GROUP BY workload, runtime, architecture, memory_mb
ORDER BY workload, runtime, memory_mb, architecture;
