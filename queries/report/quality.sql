-- quality.sql: per cell, what was obtained: every attempt, successful samples by start type,
-- failures, cold requests that came back warm (kept as rows, retried) and throttles. Compared
-- in the report with what the run planned (its manifest.json).
SELECT
  workload,
  runtime,
  architecture,
  memory_mb,
  count(*) AS attempts,
  count(*) FILTER (WHERE start_type = 'cold' AND status = 'ok' AND coalesce(observed_cold, true)) AS cold_ok,
  count(*) FILTER (WHERE start_type = 'warm' AND status = 'ok' AND NOT is_warmup AND NOT coalesce(observed_cold, false)) AS warm_ok,
  count(*) FILTER (WHERE is_warmup) AS warmups,
  count(*) FILTER (WHERE status <> 'ok' AND status <> 'throttled') AS failed,
  count(*) FILTER (WHERE start_type = 'cold' AND status = 'ok' AND observed_cold = false) AS cold_came_back_warm,
  count(*) FILTER (WHERE status = 'throttled') AS throttled
FROM invocations
GROUP BY workload, runtime, architecture, memory_mb
ORDER BY workload, runtime, memory_mb, architecture;
