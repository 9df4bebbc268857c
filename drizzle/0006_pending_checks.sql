DROP INDEX `runs_wait_for`;--> statement-breakpoint
ALTER TABLE `runs` ADD `has_after` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Runs that came `after` others before this column existed (hand-written, not generated).
UPDATE `runs` SET `has_after` = 1 WHERE `id` IN (SELECT `run_id` FROM `run_deps`);--> statement-breakpoint
CREATE INDEX `runs_after_pending` ON `runs` (`id`) WHERE has_after = 1 AND status IN ('scheduled', 'queued');--> statement-breakpoint
CREATE INDEX `runs_wait_for` ON `runs` (`wait_for`) WHERE wait_for IS NOT NULL AND status IN ('scheduled', 'queued', 'retrying');