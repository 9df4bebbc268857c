ALTER TABLE `runs` ADD `attempt_base` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `pid` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `pid_started_at` text;--> statement-breakpoint
-- Hand-written, not generated: attempts were numbered from 1 again after a manual retry and
-- after a graceful stop. Number each run's attempt rows 1, 2, 3… in the order they were
-- written, make the run's attempt the number of attempts ever made (the rows, plus the one
-- the run row itself holds while running or after a success), and keep its budget: the
-- attempts made before the current try move into attempt_base.
UPDATE `attempts` SET `n` = (SELECT COUNT(*) FROM `attempts` a WHERE a.`run_id` = `attempts`.`run_id` AND a.`id` <= `attempts`.`id`);--> statement-breakpoint
UPDATE `runs` SET `attempt_base` = MAX(0, (SELECT COUNT(*) FROM `attempts` a WHERE a.`run_id` = `runs`.`id`)
  + (CASE WHEN `status` = 'running' OR (`status` = 'succeeded' AND `started_at` IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM `attempts` s WHERE s.`run_id` = `runs`.`id` AND s.`outcome` = 'succeeded')) THEN 1 ELSE 0 END)
  - `attempt`)
WHERE `id` IN (SELECT `run_id` FROM `attempts`);--> statement-breakpoint
UPDATE `runs` SET `attempt` = `attempt` + `attempt_base` WHERE `attempt_base` > 0;
