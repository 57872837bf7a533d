-- errors.sql: every attempt that did not succeed, grouped by cause. Failed invocations are
-- rows with a status (error, timeout, throttled, client_error), never dropped; this lists them
-- so a reader can judge whether a cell's numbers can be trusted.
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
WHERE status <> 'ok'
GROUP BY runtime, architecture, workload, memory_mb, start_type, status, coalesce(error_type, '')
ORDER BY n DESC, runtime, workload, memory_mb, architecture, start_type, status, error_type;
