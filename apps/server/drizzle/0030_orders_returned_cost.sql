DROP INDEX "orders_analytics_idx";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "returned_cost" numeric(14, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
-- the cost of each order's returns so far, as returned_amount holds their amount
UPDATE "orders" o SET "returned_cost" = r.cost FROM (SELECT order_id, sum(cost) AS cost FROM order_returns WHERE deleted_at IS NULL GROUP BY order_id) r WHERE r.order_id = o.id AND r.cost <> 0;--> statement-breakpoint
CREATE INDEX "orders_analytics_idx" ON "orders" USING btree ("customer_id","order_date","id","total","returned_amount","gross_margin","returned_cost") WHERE deleted_at is null and status in ('confirmed', 'fulfilled');
