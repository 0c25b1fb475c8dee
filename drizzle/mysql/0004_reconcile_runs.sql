CREATE TABLE `reconcile_listed_ids` (
	`run_id` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`external_id` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	CONSTRAINT `reconcile_listed_ids_run_id_external_id_pk` PRIMARY KEY(`run_id`,`external_id`)
);
--> statement-breakpoint
CREATE TABLE `reconcile_runs` (
	`id` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`user_id` int unsigned NOT NULL,
	`version` bigint unsigned,
	`pages` smallint unsigned NOT NULL,
	`state` enum('open','committed') NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	CONSTRAINT `reconcile_runs_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `reconcile_runs_expires_idx` ON `reconcile_runs` (`expires_at`);