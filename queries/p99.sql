-- p99.sql: latency distribution per runtime × architecture × workload × memory × start type.
-- Answers: how fast, and how consistent, is each configuration? n counts the samples (successful,
-- not warm-ups, and of the start type asked for: the sample rule of docs/methodology.md, the
-- CASE below); attempts counts every attempt and errors those that did not succeed (they are
-- excluded from the latency columns, never dropped). Percentiles are exact (percentile_cont);
-- p50_lo/p50_hi is the distribution-free 95% confidence interval of the median (NULL when
-- there are too few samples for one).
WITH attempts AS (
  SELECT
    *,
    status = 'ok' AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END AS is_sample
  FROM invocations
  WHERE NOT is_warmup
)
SELECT
  runtime,
  architecture,
  workload,
  memory_mb,
  start_type,
  count(*) FILTER (WHERE is_sample) AS n,
  count(*) AS attempts,
  count(*) FILTER (WHERE status <> 'ok') AS errors,
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE is_sample), 3) AS p50_ms,
  round(get_field(quantile_ci(CASE WHEN is_sample THEN duration_ms END, 0.5, 0.95), 'lower'), 3) AS p50_lo_ms,
  round(get_field(quantile_ci(CASE WHEN is_sample THEN duration_ms END, 0.5, 0.95), 'upper'), 3) AS p50_hi_ms,
  round(percentile_cont(0.9) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE is_sample), 3) AS p90_ms,
  round(percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE is_sample), 3) AS p99_ms,
  round(avg(duration_ms) FILTER (WHERE is_sample), 3) AS mean_ms,
  round(stddev(duration_ms) FILTER (WHERE is_sample), 3) AS stddev_ms,
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY init_duration_ms) FILTER (WHERE is_sample), 3) AS p50_init_ms,
  round(percentile_cont(0.99) WITHIN GROUP (ORDER BY init_duration_ms) FILTER (WHERE is_sample), 3) AS p99_init_ms,
  round(avg(init_duration_ms) FILTER (WHERE is_sample), 3) AS mean_init_ms,
  round(stddev(init_duration_ms) FILTER (WHERE is_sample), 3) AS stddev_init_ms
FROM attempts
GROUP BY runtime, architecture, workload, memory_mb, start_type
ORDER BY runtime, workload, memory_mb, start_type, architecture;
