-- Edited after generation: the table options pin utf8mb4 (stored answers carry names in any script)
-- on servers whose default charset is still latin1. drizzle-kit has no table-options syntax.
CREATE TABLE `idempotency_keys` (
	`key` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`request_hash` char(64) NOT NULL,
	`state` enum('in_flight','done') NOT NULL,
	`response_status` smallint unsigned,
	`response_body` mediumtext,
	`created_at` datetime(3) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	CONSTRAINT `idempotency_keys_key` PRIMARY KEY(`key`)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
ALTER TABLE `vps` ADD `external_id` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;--> statement-breakpoint
ALTER TABLE `vps` ADD `version` bigint unsigned DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `vps` ADD `create_hash` char(64);--> statement-breakpoint
ALTER TABLE `vps` ADD CONSTRAINT `vps_external_id_unique` UNIQUE(`external_id`);--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires_idx` ON `idempotency_keys` (`expires_at`);