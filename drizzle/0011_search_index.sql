-- Full-text search (search/search-index.ts). Runs: their name, tags and the text of their
-- input; logs: an external-content index over run_logs (the text is not stored twice).
-- The write loop indexes new rows in its own batched transactions, up to the marks in
-- search_state; for a database that had runs before, it starts from 0 and indexes them in
-- chunks while the engine runs. Deleting a run or a log line takes it out of the index.
CREATE VIRTUAL TABLE `search_runs` USING fts5(name, tags, body, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_logs` USING fts5(text, content = 'run_logs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TABLE `search_state` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`runs_done` integer NOT NULL,
	`logs_done` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `search_state` (`id`, `runs_done`, `logs_done`) VALUES (1, 0, 0);
--> statement-breakpoint
CREATE TRIGGER `search_runs_gone` AFTER DELETE ON `runs` WHEN old.id <= (SELECT runs_done FROM search_state) BEGIN
  DELETE FROM search_runs WHERE rowid = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `search_logs_gone` AFTER DELETE ON `run_logs` WHEN old.id <= (SELECT logs_done FROM search_state) BEGIN
  INSERT INTO search_logs (search_logs, rowid, text) VALUES ('delete', old.id, old.text);
END;
