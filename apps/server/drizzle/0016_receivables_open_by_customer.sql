DROP INDEX "payment_instalments_open_due_idx";--> statement-breakpoint
DROP INDEX "payment_instalments_open_owner_idx";--> statement-breakpoint
ALTER TABLE "payment_instalments" ADD COLUMN "customer_id" bigint;--> statement-breakpoint
-- Hand-written: the order's customer onto its instalments, and the plans of orders already
-- cancelled withdrawn as a cancel now does (orders/order-payments.ts), in one pass over orders.
UPDATE "payment_instalments" i SET "customer_id" = o."customer_id",
  "deleted_at" = CASE WHEN o."status" = 'cancelled' AND i."deleted_at" IS NULL THEN coalesce(o."cancelled_at", now()) ELSE i."deleted_at" END
FROM "orders" o WHERE o."id" = i."order_id";--> statement-breakpoint
UPDATE "payment_plans" p SET "deleted_at" = coalesce(o."cancelled_at", now())
FROM "orders" o WHERE o."id" = p."order_id" AND o."status" = 'cancelled' AND p."deleted_at" IS NULL;--> statement-breakpoint
ALTER TABLE "payment_instalments" ALTER COLUMN "customer_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_instalments" ADD CONSTRAINT "payment_instalments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_instalments_open_customer_idx" ON "payment_instalments" USING btree ("customer_id","due_date","id","owner_id") WHERE deleted_at is null and paid_amount < amount;--> statement-breakpoint
CREATE INDEX "payment_instalments_open_due_idx" ON "payment_instalments" USING btree ("due_date","id","owner_id","customer_id","amount","paid_amount") WHERE deleted_at is null and paid_amount < amount;--> statement-breakpoint
CREATE INDEX "payment_instalments_open_owner_idx" ON "payment_instalments" USING btree ("owner_id","due_date","customer_id","amount","paid_amount") WHERE deleted_at is null and paid_amount < amount;
