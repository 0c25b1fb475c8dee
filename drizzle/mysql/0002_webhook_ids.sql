CREATE TABLE `webhook_ids` (
	`id` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	CONSTRAINT `webhook_ids_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `webhook_ids_expires_idx` ON `webhook_ids` (`expires_at`);