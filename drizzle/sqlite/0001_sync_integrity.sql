CREATE TABLE `idempotency_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_vps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`cpu` integer NOT NULL,
	`ram` integer NOT NULL,
	`disk` integer NOT NULL,
	`os` text NOT NULL,
	`hypervisor` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`create_hash` text,
	`deleted_at` integer,
	CONSTRAINT "vps_user_id_range" CHECK("__new_vps"."user_id" BETWEEN 1 AND 4294967295),
	CONSTRAINT "vps_cpu_range" CHECK("__new_vps"."cpu" BETWEEN 1 AND 1024),
	CONSTRAINT "vps_ram_range" CHECK("__new_vps"."ram" BETWEEN 1 AND 4194304),
	CONSTRAINT "vps_disk_range" CHECK("__new_vps"."disk" BETWEEN 1 AND 1048576),
	CONSTRAINT "vps_name_length" CHECK(length("__new_vps"."name") BETWEEN 1 AND 100),
	CONSTRAINT "vps_external_id_length" CHECK(length("__new_vps"."external_id") BETWEEN 1 AND 64),
	CONSTRAINT "vps_version_range" CHECK("__new_vps"."version" >= 0),
	CONSTRAINT "vps_os_length" CHECK(length("__new_vps"."os") BETWEEN 1 AND 100),
	CONSTRAINT "vps_status_enum" CHECK("__new_vps"."status" IN ('creating', 'running', 'stopped', 'suspended')),
	CONSTRAINT "vps_hypervisor_enum" CHECK("__new_vps"."hypervisor" IN ('proxmox', 'vmware', 'hyperv', 'kvm', 'xen'))
);
--> statement-breakpoint
INSERT INTO `__new_vps`("id", "external_id", "user_id", "name", "status", "cpu", "ram", "disk", "os", "hypervisor", "created_at", "updated_at", "version", "create_hash", "deleted_at") SELECT "id", "external_id", "user_id", "name", "status", "cpu", "ram", "disk", "os", "hypervisor", "created_at", "updated_at", "version", "create_hash", "deleted_at" FROM `vps`;--> statement-breakpoint
DROP TABLE `vps`;--> statement-breakpoint
ALTER TABLE `__new_vps` RENAME TO `vps`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `vps_owner_listing_idx` ON `vps` (`user_id`,`deleted_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `vps_external_id_unique` ON `vps` (`external_id`);