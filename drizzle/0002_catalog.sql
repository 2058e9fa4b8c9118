CREATE TABLE `catalog_countries` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`iso2` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `catalog_offers` (
	`service_code` text NOT NULL,
	`country_code` text NOT NULL,
	`cost_micros` integer NOT NULL,
	`price` integer NOT NULL,
	`stock` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`service_code`, `country_code`),
	CONSTRAINT "catalog_offers_price" CHECK(typeof("catalog_offers"."price") = 'integer' AND "catalog_offers"."price" > 0),
	CONSTRAINT "catalog_offers_cost" CHECK(typeof("catalog_offers"."cost_micros") = 'integer' AND "catalog_offers"."cost_micros" >= 0),
	CONSTRAINT "catalog_offers_stock" CHECK(typeof("catalog_offers"."stock") = 'integer' AND "catalog_offers"."stock" >= 0)
);
--> statement-breakpoint
CREATE INDEX `catalog_offers_by_service` ON `catalog_offers` (`service_code`,`price`);--> statement-breakpoint
CREATE TABLE `catalog_services` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`rank` integer NOT NULL,
	`total_stock` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "catalog_services_stock" CHECK(typeof("catalog_services"."total_stock") = 'integer' AND "catalog_services"."total_stock" >= 0)
);
