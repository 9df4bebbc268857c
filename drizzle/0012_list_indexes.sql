CREATE INDEX `runs_status_id` ON `runs` (`status`,`id`) WHERE status != 'succeeded';--> statement-breakpoint
CREATE INDEX `runs_lane_id` ON `runs` (`lane`,`id`);--> statement-breakpoint
CREATE INDEX `runs_kind_id` ON `runs` (`kind`,`id`);