CREATE TABLE `rollup_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`days_done` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_rollup_durations_daily` (
	`day` integer NOT NULL,
	`task_id` integer NOT NULL,
	`lane` text NOT NULL,
	`kind` text NOT NULL,
	`bucket` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`day`, `task_id`, `lane`, `kind`, `bucket`)
);
--> statement-breakpoint
CREATE TABLE `run_rollups_daily` (
	`day` integer NOT NULL,
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
	PRIMARY KEY(`day`, `task_id`, `lane`, `kind`)
);
--> statement-breakpoint
-- Nothing compacted yet: the engine sums the ended days into the daily rollups when stats
-- or history are next read (history/rollups.ts), by its own clock.
INSERT INTO `rollup_state` (`id`, `days_done`) VALUES (1, 0);
