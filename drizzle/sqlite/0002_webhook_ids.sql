CREATE TABLE `webhook_ids` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_ids_expires_idx` ON `webhook_ids` (`expires_at`);