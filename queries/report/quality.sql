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
per_environment AS (
  SELECT workload, runtime, architecture, memory_mb, environment_id, count(*) AS samples
  FROM attempts
  WHERE is_sample AND start_type = 'warm' AND environment_id IS NOT NULL
  GROUP BY workload, runtime, architecture, memory_mb, environment_id
),
environments AS (
  SELECT
    workload, runtime, architecture, memory_mb,
    count(*) AS warm_environments,
    min(samples) AS min_per_environment,
    max(samples) AS max_per_environment
  FROM per_environment
  GROUP BY workload, runtime, architecture, memory_mb
),
cells AS (
  SELECT
    workload,
    runtime,
    architecture,
    memory_mb,
    count(*) AS attempts,
    count(*) FILTER (WHERE is_sample AND start_type = 'cold') AS cold_ok,
    count(*) FILTER (WHERE is_sample AND start_type = 'warm') AS warm_ok,
    count(*) FILTER (WHERE is_warmup) AS warmups,
    count(*) FILTER (WHERE status <> 'ok' AND status <> 'throttled') AS failed,
    count(*) FILTER (WHERE start_type = 'cold' AND status = 'ok' AND NOT is_warmup AND NOT is_sample) AS cold_came_back_warm,
    count(*) FILTER (WHERE start_type = 'warm' AND status = 'ok' AND NOT is_warmup AND NOT is_sample) AS warm_came_back_cold,
    count(*) FILTER (WHERE status = 'throttled') AS throttled,
    count(DISTINCT round) FILTER (WHERE is_sample) AS rounds,
    count(DISTINCT cpu_model) FILTER (WHERE is_sample) AS cpu_models,
    string_agg(DISTINCT cpu_model, ', ') FILTER (WHERE is_sample) AS cpu_model_list
  FROM attempts
  GROUP BY workload, runtime, architecture, memory_mb
)
SELECT
  c.*,
  coalesce(e.warm_environments, 0) AS warm_environments,
  e.min_per_environment,
  e.max_per_environment
FROM cells c
LEFT JOIN environments e
  ON c.workload = e.workload AND c.runtime = e.runtime
  AND c.architecture = e.architecture AND c.memory_mb = e.memory_mb
ORDER BY c.workload, c.runtime, c.memory_mb, c.architecture;
