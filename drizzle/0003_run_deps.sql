CREATE TABLE `run_deps` (
	`run_id` integer NOT NULL,
	`after_id` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`after_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `run_deps_run` ON `run_deps` (`run_id`);--> statement-breakpoint
CREATE INDEX `run_deps_after` ON `run_deps` (`after_id`);