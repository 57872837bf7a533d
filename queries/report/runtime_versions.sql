-- runtime_versions.sql: the runtime versions INIT_START reported, with their cold-start Init
-- Duration, so a runtime update between runs shows up.
SELECT
  runtime,
  architecture,
  runtime_version,
  count(*) AS cold_starts,
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY init_duration_ms), 3) AS p50_init_ms
FROM invocations
WHERE status = 'ok' AND runtime_version IS NOT NULL AND init_duration_ms IS NOT NULL
GROUP BY runtime, architecture, runtime_version
ORDER BY runtime, architecture, runtime_version;
