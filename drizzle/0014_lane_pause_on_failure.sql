ALTER TABLE `lanes` ADD `pause_on_failure` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `lanes` ADD `paused_reason` text;