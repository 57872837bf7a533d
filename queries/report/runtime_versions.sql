-- runtime_versions.sql: the runtime versions INIT_START reported, with their cold-start Init
-- Duration, so a runtime update between runs shows up. Cold samples only (the sample rule of
-- docs/methodology.md).
SELECT
  runtime,
  architecture,
  runtime_version,
  count(*) AS cold_starts,
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY init_duration_ms), 3) AS p50_init_ms
FROM invocations
WHERE start_type = 'cold' AND status = 'ok' AND NOT is_warmup
  AND runtime_version IS NOT NULL AND init_duration_ms IS NOT NULL
  AND CASE start_type WHEN 'cold' THEN coalesce(observed_cold, true) ELSE NOT coalesce(observed_cold, false) AND coalesce(environment_invocation, 2) > 1 END
GROUP BY runtime, architecture, runtime_version
ORDER BY runtime, architecture, runtime_version;
