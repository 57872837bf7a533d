-- errors.sql (Athena, engine 3): ../errors.sql unchanged but for the run filter, which Athena
-- needs to find partitions: replace the run id. Every attempt that did not succeed, grouped by
-- cause.
SELECT
  runtime,
  architecture,
  workload,
  memory_mb,
  start_type,
  status,
  coalesce(error_type, '') AS error_type,
  count(*) AS n,
  min(error_message) AS example_message
FROM invocations
WHERE run_id = 'RUN_ID' AND status <> 'ok'
GROUP BY runtime, architecture, workload, memory_mb, start_type, status, coalesce(error_type, '')
ORDER BY n DESC, runtime, workload, memory_mb, architecture, start_type, status, error_type;
