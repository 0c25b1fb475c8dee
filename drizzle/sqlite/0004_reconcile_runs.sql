CREATE TABLE `reconcile_listed_ids` (
	`run_id` text NOT NULL,
	`external_id` text NOT NULL,
	PRIMARY KEY(`run_id`, `external_id`)
);
--> statement-breakpoint
CREATE TABLE `reconcile_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`version` integer,
	`pages` integer NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reconcile_runs_expires_idx` ON `reconcile_runs` (`expires_at`);