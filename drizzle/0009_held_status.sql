DROP INDEX `runs_dedupe`;--> statement-breakpoint
DROP INDEX `runs_wait_for`;--> statement-breakpoint
DROP INDEX `runs_after_pending`;--> statement-breakpoint
CREATE INDEX `runs_dedupe` ON `runs` (`dedupe_key`) WHERE dedupe_key IS NOT NULL AND status IN ('scheduled', 'queued', 'running', 'retrying', 'held');--> statement-breakpoint
CREATE INDEX `runs_wait_for` ON `runs` (`wait_for`) WHERE wait_for IS NOT NULL AND status IN ('scheduled', 'queued', 'retrying', 'held');--> statement-breakpoint
CREATE INDEX `runs_after_pending` ON `runs` (`id`) WHERE has_after = 1 AND status IN ('scheduled', 'queued', 'held');