CREATE TABLE `run_rollup_durations` (
	`hour` integer NOT NULL,
	`task_id` integer NOT NULL,
	`lane` text NOT NULL,
	`kind` text NOT NULL,
	`bucket` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`hour`, `task_id`, `lane`, `kind`, `bucket`)
);
--> statement-breakpoint
CREATE TABLE `run_rollups` (
	`hour` integer NOT NULL,
	`task_id` integer NOT NULL,
	`lane` text NOT NULL,
	`kind` text NOT NULL,
	`runs` integer NOT NULL,
	`succeeded` integer NOT NULL,
	`failed` integer NOT NULL,
	`dead` integer NOT NULL,
	`cancelled` integer NOT NULL,
	`ran` integer NOT NULL,
	`ms_sum` integer NOT NULL,
	PRIMARY KEY(`hour`, `task_id`, `lane`, `kind`)
);
--> statement-breakpoint
-- History for the runs that ended before rollups existed (the same statements as history/rollups.ts, over every run).
INSERT INTO run_rollups (hour, task_id, lane, kind, runs, succeeded, failed, dead, cancelled, ran, ms_sum)
      SELECT (r.finished_at - r.finished_at % 3600000), COALESCE(r.task_id, 0), r.lane, r.kind, COUNT(*),
        SUM(r.status = 'succeeded'), SUM(r.status = 'failed'), SUM(r.status = 'dead'), SUM(r.status = 'cancelled'),
        SUM((r.started_at IS NOT NULL AND r.started_at <= r.finished_at)), COALESCE(SUM(CASE WHEN (r.started_at IS NOT NULL AND r.started_at <= r.finished_at) THEN (r.finished_at - r.started_at) END), 0)
      FROM runs r WHERE 1 AND r.status IN ('succeeded', 'failed', 'dead', 'cancelled') AND r.finished_at IS NOT NULL
      GROUP BY 1, 2, 3, 4
      ON CONFLICT (hour, task_id, lane, kind) DO UPDATE SET runs = runs + excluded.runs,
        succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed, dead = dead + excluded.dead,
        cancelled = cancelled + excluded.cancelled, ran = ran + excluded.ran, ms_sum = ms_sum + excluded.ms_sum;
--> statement-breakpoint
INSERT INTO run_rollup_durations (hour, task_id, lane, kind, bucket, n)
      SELECT (r.finished_at - r.finished_at % 3600000), COALESCE(r.task_id, 0), r.lane, r.kind, CASE WHEN (r.finished_at - r.started_at) <= 0 THEN 0 WHEN (r.finished_at - r.started_at) <= 1 THEN 1 WHEN (r.finished_at - r.started_at) <= 2 THEN 2 WHEN (r.finished_at - r.started_at) <= 3 THEN 3 WHEN (r.finished_at - r.started_at) <= 5 THEN 4 WHEN (r.finished_at - r.started_at) <= 7 THEN 5 WHEN (r.finished_at - r.started_at) <= 10 THEN 6 WHEN (r.finished_at - r.started_at) <= 15 THEN 7 WHEN (r.finished_at - r.started_at) <= 20 THEN 8 WHEN (r.finished_at - r.started_at) <= 30 THEN 9 WHEN (r.finished_at - r.started_at) <= 50 THEN 10 WHEN (r.finished_at - r.started_at) <= 70 THEN 11 WHEN (r.finished_at - r.started_at) <= 100 THEN 12 WHEN (r.finished_at - r.started_at) <= 150 THEN 13 WHEN (r.finished_at - r.started_at) <= 200 THEN 14 WHEN (r.finished_at - r.started_at) <= 300 THEN 15 WHEN (r.finished_at - r.started_at) <= 500 THEN 16 WHEN (r.finished_at - r.started_at) <= 700 THEN 17 WHEN (r.finished_at - r.started_at) <= 1000 THEN 18 WHEN (r.finished_at - r.started_at) <= 1500 THEN 19 WHEN (r.finished_at - r.started_at) <= 2000 THEN 20 WHEN (r.finished_at - r.started_at) <= 3000 THEN 21 WHEN (r.finished_at - r.started_at) <= 5000 THEN 22 WHEN (r.finished_at - r.started_at) <= 7000 THEN 23 WHEN (r.finished_at - r.started_at) <= 10000 THEN 24 WHEN (r.finished_at - r.started_at) <= 15000 THEN 25 WHEN (r.finished_at - r.started_at) <= 20000 THEN 26 WHEN (r.finished_at - r.started_at) <= 30000 THEN 27 WHEN (r.finished_at - r.started_at) <= 50000 THEN 28 WHEN (r.finished_at - r.started_at) <= 70000 THEN 29 WHEN (r.finished_at - r.started_at) <= 100000 THEN 30 WHEN (r.finished_at - r.started_at) <= 150000 THEN 31 WHEN (r.finished_at - r.started_at) <= 200000 THEN 32 WHEN (r.finished_at - r.started_at) <= 300000 THEN 33 WHEN (r.finished_at - r.started_at) <= 500000 THEN 34 WHEN (r.finished_at - r.started_at) <= 700000 THEN 35 WHEN (r.finished_at - r.started_at) <= 1000000 THEN 36 WHEN (r.finished_at - r.started_at) <= 1500000 THEN 37 WHEN (r.finished_at - r.started_at) <= 2000000 THEN 38 WHEN (r.finished_at - r.started_at) <= 3000000 THEN 39 WHEN (r.finished_at - r.started_at) <= 5000000 THEN 40 WHEN (r.finished_at - r.started_at) <= 7000000 THEN 41 WHEN (r.finished_at - r.started_at) <= 10000000 THEN 42 WHEN (r.finished_at - r.started_at) <= 15000000 THEN 43 WHEN (r.finished_at - r.started_at) <= 20000000 THEN 44 WHEN (r.finished_at - r.started_at) <= 30000000 THEN 45 WHEN (r.finished_at - r.started_at) <= 50000000 THEN 46 WHEN (r.finished_at - r.started_at) <= 70000000 THEN 47 ELSE 48 END, COUNT(*)
      FROM runs r WHERE 1 AND r.status IN ('succeeded', 'failed', 'dead', 'cancelled') AND r.finished_at IS NOT NULL AND (r.started_at IS NOT NULL AND r.started_at <= r.finished_at)
      GROUP BY 1, 2, 3, 4, 5
      ON CONFLICT (hour, task_id, lane, kind, bucket) DO UPDATE SET n = n + excluded.n;
