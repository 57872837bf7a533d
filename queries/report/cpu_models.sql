-- cpu_models.sql: the CPU models the samples ran on, per architecture, with the instruction-set
-- features the workloads depend on (handlers report /proc/cpuinfo; docs/handler-contract.md).
-- More than one model per architecture means a cell's samples may pool different hardware.
-- Samples by the sample rule of docs/methodology.md; NULL model: not recorded (imported data).
WITH grouped AS (
  -- One row per (model, cell, environment), so the distinct counts run over few rows.
  SELECT
    architecture, coalesce(cpu_model, '') AS cpu_model, coalesce(cpu_features, '') AS cpu_features,
    workload, runtime, memory_mb, environment_id, count(*) AS n
  FROM invocations
  WHERE status = 'ok' AND NOT is_warmup
    AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
  GROUP BY architecture, coalesce(cpu_model, ''), coalesce(cpu_features, ''), workload, runtime, memory_mb, environment_id
)
SELECT
  architecture,
  cpu_model,
  cpu_features,
  count(DISTINCT workload || '/' || runtime || '/' || CAST(memory_mb AS VARCHAR)) AS cells,
  count(DISTINCT environment_id) AS environments,
  sum(n) AS samples
FROM grouped
GROUP BY architecture, cpu_model, cpu_features
ORDER BY architecture, samples DESC, cpu_model;
