-- cpu_models.sql: the CPU models the samples ran on, per architecture, with the instruction-set
-- features the workloads depend on (handlers report /proc/cpuinfo; docs/handler-contract.md).
-- More than one model per architecture means a cell's samples may pool different hardware.
-- Samples by the sample rule of docs/methodology.md; empty model: not recorded (imported
-- data). Sums over the view `environments` (queries/report/environments.sql).
SELECT
  architecture,
  cpu_model,
  cpu_features,
  count(DISTINCT workload || '/' || runtime || '/' || coalesce(language, '') || '/' || package_type || '/' || CAST(memory_mb AS VARCHAR)) AS cells,
  count(DISTINCT environment_id) AS environments,
  sum(samples) AS samples
FROM environments
WHERE samples > 0
GROUP BY architecture, cpu_model, cpu_features
ORDER BY architecture, samples DESC, cpu_model;
