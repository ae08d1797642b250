CREATE TABLE "customer_pinyin_keys" (
	"customer_id" bigint PRIMARY KEY NOT NULL,
	"name_key" text NOT NULL,
	"pinyin_key" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_pinyin_keys" ADD CONSTRAINT "customer_pinyin_keys_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_pinyin_keys_key_idx" ON "customer_pinyin_keys" USING btree ("pinyin_key");