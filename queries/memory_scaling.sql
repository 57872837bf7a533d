-- memory_scaling.sql: how warm duration and cost change with memory size (Lambda gives CPU in
-- proportion to memory: 1769 MB = one vCPU). speedup_vs_smallest = median at the smallest
-- memory measured / median at this memory; cost is per million invocations. Warm samples only
-- (the sample rule of docs/methodology.md).
WITH cells AS (
  SELECT
    runtime, architecture, workload, memory_mb,
    count(*) AS n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50_ms,
    1e6 * avg(lambda_cost_usd(architecture, memory_mb, billed_duration_ms)) AS usd_per_million
  FROM invocations
  WHERE start_type = 'warm' AND status = 'ok' AND NOT is_warmup
    AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
  GROUP BY runtime, architecture, workload, memory_mb
)
SELECT
  runtime,
  architecture,
  workload,
  memory_mb,
  n,
  round(p50_ms, 3) AS p50_ms,
  round(first_value(p50_ms) OVER w / p50_ms, 3) AS speedup_vs_smallest,
  round(usd_per_million, 4) AS usd_per_million
FROM cells
WINDOW w AS (PARTITION BY runtime, architecture, workload ORDER BY memory_mb)
ORDER BY runtime, workload, architecture, memory_mb;
