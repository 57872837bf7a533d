-- meta.sql: where and when the data was collected, for the report's methodology section.
SELECT
  backend,
  coalesce(region, '') AS region,
  CAST(min(invoked_at) AS VARCHAR) AS first_invocation,
  CAST(max(invoked_at) AS VARCHAR) AS last_invocation,
  count(*) AS attempts
FROM invocations
GROUP BY backend, coalesce(region, '')
ORDER BY attempts DESC;
