-- arm_vs_x86.sql: is arm64 faster, and is it cheaper, for each runtime × workload × memory?
-- Warm samples only (successful, not warm-ups, neither cold nor an environment's first
-- invocation: the sample rule of docs/methodology.md). speedup = x86_64 median / arm64 median
-- (above 1: arm64 is faster). cost_saving_pct = how much less arm64 costs per invocation at the
-- medians' billed durations, using the real price model (per-request charge included).
WITH cells AS (
  SELECT
    runtime, workload, memory_mb, architecture,
    count(*) AS n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50_ms,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY billed_duration_ms) AS p50_billed_ms,
    avg(lambda_cost_usd(architecture, memory_mb, billed_duration_ms + coalesce(billed_restore_duration_ms, 0))) AS mean_cost_usd
  FROM invocations
  WHERE start_type = 'warm' AND status = 'ok' AND NOT is_warmup
    AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
  GROUP BY runtime, workload, memory_mb, architecture
)
SELECT
  arm.runtime,
  arm.workload,
  arm.memory_mb,
  arm.n AS n_arm64,
  x86.n AS n_x86_64,
  round(arm.p50_ms, 3) AS p50_arm64_ms,
  round(x86.p50_ms, 3) AS p50_x86_64_ms,
  round(x86.p50_ms / arm.p50_ms, 3) AS speedup,
  round(arm.mean_cost_usd * 1e6, 4) AS usd_per_million_arm64,
  round(x86.mean_cost_usd * 1e6, 4) AS usd_per_million_x86_64,
  round(100 * (1 - arm.mean_cost_usd / x86.mean_cost_usd), 2) AS cost_saving_pct
FROM cells arm
JOIN cells x86
  ON arm.runtime = x86.runtime AND arm.workload = x86.workload AND arm.memory_mb = x86.memory_mb
WHERE arm.architecture = 'arm64' AND x86.architecture = 'x86_64'
ORDER BY arm.runtime, arm.workload, arm.memory_mb;
