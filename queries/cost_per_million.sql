-- cost_per_million.sql: what one million invocations cost, per runtime × architecture ×
-- workload × memory, from the billed durations actually observed (INIT billing on cold starts
-- included, since REPORT's Billed Duration carries it). First-tier on-demand prices, request
-- charge included; see docs/methodology.md for the price table and its source. Samples by the
-- sample rule of docs/methodology.md, so a cold request answered warm does not lower the cold
-- cost, nor a warm one answered cold raise the warm cost.
SELECT
  runtime,
  architecture,
  workload,
  memory_mb,
  start_type,
  count(*) AS n,
  round(avg(billed_duration_ms + coalesce(billed_restore_duration_ms, 0)), 3) AS mean_billed_ms,
  round(avg(gb_seconds(memory_mb, billed_duration_ms + coalesce(billed_restore_duration_ms, 0))), 6) AS mean_gb_s,
  round(1e6 * avg(lambda_cost_usd(architecture, memory_mb, billed_duration_ms + coalesce(billed_restore_duration_ms, 0))), 4) AS usd_per_million
FROM invocations
WHERE status = 'ok' AND NOT is_warmup AND billed_duration_ms IS NOT NULL
  AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
GROUP BY runtime, architecture, workload, memory_mb, start_type
ORDER BY runtime, workload, memory_mb, start_type, architecture;
