CREATE TABLE `attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`n` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`error_code` text,
	`error_message` text,
	`exit_code` integer,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `attempts_run` ON `attempts` (`run_id`);--> statement-breakpoint
CREATE TABLE `lanes` (
	`name` text PRIMARY KEY NOT NULL,
	`concurrency` integer NOT NULL,
	`rate_max` integer,
	`rate_interval_ms` integer,
	`paused` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`stream` text NOT NULL,
	`at` integer NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `run_logs_run_seq` ON `run_logs` (`run_id`,`seq`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`task_id` integer,
	`kind` text NOT NULL,
	`input` text NOT NULL,
	`lane` text NOT NULL,
	`priority` integer NOT NULL,
	`status` text NOT NULL,
	`run_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`attempt` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`backoff` text NOT NULL,
	`timeout_ms` integer,
	`dedupe_key` text,
	`name` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`progress` integer,
	`progress_message` text,
	`result` text,
	`error_code` text,
	`error_message` text,
	`scheduled_for` integer,
	`trigger` text DEFAULT 'api' NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`,`lane`,priority DESC,`run_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_due` ON `runs` (`run_at`) WHERE status IN ('scheduled', 'retrying');--> statement-breakpoint
CREATE INDEX `runs_dedupe` ON `runs` (`dedupe_key`) WHERE dedupe_key IS NOT NULL AND status IN ('scheduled', 'queued', 'running', 'retrying');--> statement-breakpoint
CREATE INDEX `runs_task` ON `runs` (`task_id`,`id`) WHERE task_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`input` text NOT NULL,
	`lane` text NOT NULL,
	`priority` integer NOT NULL,
	`max_attempts` integer NOT NULL,
	`backoff` text NOT NULL,
	`timeout_ms` integer,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`cron` text,
	`time_zone` text,
	`run_at` integer,
	`schedule_enabled` integer DEFAULT false NOT NULL,
	`overlap` text DEFAULT 'skip' NOT NULL,
	`catch_up` text DEFAULT 'once' NOT NULL,
	`catch_up_max` integer DEFAULT 100 NOT NULL,
	`next_run_at` integer,
	`last_fired_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_name_unique` ON `tasks` (`name`);--> statement-breakpoint
CREATE INDEX `tasks_next_run` ON `tasks` (`next_run_at`) WHERE schedule_enabled = 1 AND next_run_at IS NOT NULL;