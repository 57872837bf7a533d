-- local_times.sql: the local emulator's times on this machine: per function, memory size and
-- kind of start, the median client-side milliseconds of its earlier successful local runs in
-- this folder.
-- `lambench collect --local` estimates its own duration from these medians (cells never run
-- here are modelled). A warm-up is an environment's first invocation, so a cold start.
-- Every local run in the folder is taken to be this machine's (one machine per folder).
SELECT function_name,
       memory_mb,
       CASE WHEN start_type = 'cold' OR is_warmup THEN 'cold' ELSE 'warm' END AS start,
       median(client_latency_ms) AS median_ms,
       count(*) AS invocations,
       count(DISTINCT run_id) AS runs
FROM invocations
WHERE backend = 'local' AND status = 'ok' AND client_latency_ms IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;
