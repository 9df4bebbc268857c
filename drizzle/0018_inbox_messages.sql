CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`received_at` integer NOT NULL,
	`format` text NOT NULL,
	`body` text NOT NULL,
	`file_key` text,
	`status` text NOT NULL,
	`proposal` text,
	`rule` text,
	`reason` text,
	`decided_at` integer,
	`decided_by` text,
	`approved` text,
	`run_id` integer,
	`task_id` integer
);
--> statement-breakpoint
CREATE INDEX `messages_status` ON `messages` (`status`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_file` ON `messages` (`file_key`) WHERE file_key IS NOT NULL;