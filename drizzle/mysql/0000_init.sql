-- Edited after generation: the table options pin utf8mb4 (names in any script, emoji included) on
-- servers whose default charset is still latin1 (MariaDB). drizzle-kit has no table-options syntax.
CREATE TABLE `vps` (
	`id` int unsigned AUTO_INCREMENT NOT NULL,
	`user_id` int unsigned NOT NULL,
	`name` varchar(100) NOT NULL,
	`status` enum('creating','running','stopped','suspended') NOT NULL,
	`cpu` smallint unsigned NOT NULL,
	`ram` int unsigned NOT NULL,
	`disk` int unsigned NOT NULL,
	`os` varchar(100) NOT NULL,
	`hypervisor` enum('proxmox','vmware','hyperv','kvm','xen') NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`deleted_at` datetime(3),
	CONSTRAINT `vps_id` PRIMARY KEY(`id`),
	CONSTRAINT `vps_user_id_range` CHECK(`vps`.`user_id` >= 1),
	CONSTRAINT `vps_cpu_range` CHECK(`vps`.`cpu` BETWEEN 1 AND 1024),
	CONSTRAINT `vps_ram_range` CHECK(`vps`.`ram` BETWEEN 1 AND 4194304),
	CONSTRAINT `vps_disk_range` CHECK(`vps`.`disk` BETWEEN 1 AND 1048576)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
--> statement-breakpoint
CREATE INDEX `vps_owner_listing_idx` ON `vps` (`user_id`,`deleted_at`,`id`);