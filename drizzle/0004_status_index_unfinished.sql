DROP INDEX `runs_status`;--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`,`lane`,priority DESC,`run_at`,`id`) WHERE status != 'succeeded';