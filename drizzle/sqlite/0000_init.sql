CREATE TABLE `vps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
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
	`deleted_at` integer,
	CONSTRAINT "vps_user_id_range" CHECK("vps"."user_id" BETWEEN 1 AND 4294967295),
	CONSTRAINT "vps_cpu_range" CHECK("vps"."cpu" BETWEEN 1 AND 1024),
	CONSTRAINT "vps_ram_range" CHECK("vps"."ram" BETWEEN 1 AND 4194304),
	CONSTRAINT "vps_disk_range" CHECK("vps"."disk" BETWEEN 1 AND 1048576),
	CONSTRAINT "vps_name_length" CHECK(length("vps"."name") BETWEEN 1 AND 100),
	CONSTRAINT "vps_os_length" CHECK(length("vps"."os") BETWEEN 1 AND 100),
	CONSTRAINT "vps_status_enum" CHECK("vps"."status" IN ('creating', 'running', 'stopped', 'suspended')),
	CONSTRAINT "vps_hypervisor_enum" CHECK("vps"."hypervisor" IN ('proxmox', 'vmware', 'hyperv', 'kvm', 'xen'))
);
--> statement-breakpoint
CREATE INDEX `vps_owner_listing_idx` ON `vps` (`user_id`,`deleted_at`,`id`);