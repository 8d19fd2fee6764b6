import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * The commerce tables. Tenancy is structural: each primary key is
 * (organization_id, id) and each foreign key includes organization_id, so a
 * cart item can only reference a product of its own store, even by a bug.
 * List queries use keyset pagination on (organization_id, created_at, id);
 * each has an index in that order.
 */
export const commerceTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("products")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("id", "uuid", (column) => column.notNull())
      .addColumn("sku", "text", (column) => column.notNull())
      .addColumn("name", "text", (column) => column.notNull())
      .addColumn("description", "text")
      .addColumn("price_amount", "bigint", (column) => column.notNull().check(sql`price_amount >= 0`))
      .addColumn("currency", "char(3)", (column) => column.notNull())
      .addColumn("inventory", "integer", (column) => column.notNull().defaultTo(0).check(sql`inventory >= 0`))
      .addColumn("status", "text", (column) => column.notNull().defaultTo("active").check(sql`status in ('active', 'archived')`))
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("products_pkey", ["organization_id", "id"])
      .addUniqueConstraint("products_sku_unique", ["organization_id", "sku"])
      .execute();
    await db.schema.createIndex("products_list_idx").on("products").columns(["organization_id", "status", "created_at", "id"]).execute();

    await db.schema
      .createTable("inventory_adjustments")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("id", "uuid", (column) => column.notNull())
      .addColumn("product_id", "uuid", (column) => column.notNull())
      .addColumn("delta", "integer", (column) => column.notNull().check(sql`delta <> 0`))
      .addColumn("reason", "text", (column) => column.notNull())
      .addColumn("note", "text")
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("inventory_adjustments_pkey", ["organization_id", "id"])
      .addForeignKeyConstraint("inventory_adjustments_product_fk", ["organization_id", "product_id"], "products", ["organization_id", "id"])
      .execute();
    await db.schema
      .createIndex("inventory_adjustments_product_idx")
      .on("inventory_adjustments")
      .columns(["organization_id", "product_id", "created_at"])
      .execute();

    await db.schema
      .createTable("carts")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("id", "uuid", (column) => column.notNull())
      .addColumn("currency", "char(3)", (column) => column.notNull())
      .addColumn("status", "text", (column) => column.notNull().defaultTo("open").check(sql`status in ('open', 'ordered')`))
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("carts_pkey", ["organization_id", "id"])
      .execute();

    await db.schema
      .createTable("cart_items")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("id", "uuid", (column) => column.notNull())
      .addColumn("cart_id", "uuid", (column) => column.notNull())
      .addColumn("product_id", "uuid", (column) => column.notNull())
      .addColumn("quantity", "integer", (column) => column.notNull().check(sql`quantity between 1 and 999`))
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("cart_items_pkey", ["organization_id", "id"])
      .addUniqueConstraint("cart_items_product_unique", ["organization_id", "cart_id", "product_id"])
      .addForeignKeyConstraint("cart_items_cart_fk", ["organization_id", "cart_id"], "carts", ["organization_id", "id"], (constraint) =>
        constraint.onDelete("cascade"),
      )
      .addForeignKeyConstraint("cart_items_product_fk", ["organization_id", "product_id"], "products", ["organization_id", "id"])
      .execute();

    await db.schema
      .createTable("orders")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("id", "uuid", (column) => column.notNull())
      .addColumn("cart_id", "uuid", (column) => column.notNull())
      .addColumn("status", "text", (column) =>
        column.notNull().check(sql`status in ('paid', 'partially_refunded', 'refunded', 'cancelled')`),
      )
      .addColumn("currency", "char(3)", (column) => column.notNull())
      .addColumn("subtotal_amount", "bigint", (column) => column.notNull().check(sql`subtotal_amount >= 0`))
      .addColumn("total_amount", "bigint", (column) => column.notNull().check(sql`total_amount >= 0`))
      .addColumn("refunded_amount", "bigint", (column) => column.notNull().defaultTo(0))
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("orders_pkey", ["organization_id", "id"])
      // One cart becomes at most one order, whatever the concurrency.
      .addUniqueConstraint("orders_cart_unique", ["organization_id", "cart_id"])
      .addForeignKeyConstraint("orders_cart_fk", ["organization_id", "cart_id"], "carts", ["organization_id", "id"])
      .addCheckConstraint("orders_refund_within_total", sql`refunded_amount between 0 and total_amount`)
      .execute();
    await db.schema.createIndex("orders_list_idx").on("orders").columns(["organization_id", "created_at", "id"]).execute();
    await db.schema.createIndex("orders_status_list_idx").on("orders").columns(["organization_id", "status", "created_at", "id"]).execute();

    await db.schema
      .createTable("order_items")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("id", "uuid", (column) => column.notNull())
      .addColumn("order_id", "uuid", (column) => column.notNull())
      .addColumn("product_id", "uuid", (column) => column.notNull())
      .addColumn("sku", "text", (column) => column.notNull())
      .addColumn("name", "text", (column) => column.notNull())
      .addColumn("unit_price_amount", "bigint", (column) => column.notNull())
      .addColumn("quantity", "integer", (column) => column.notNull().check(sql`quantity between 1 and 999`))
      .addColumn("line_total_amount", "bigint", (column) => column.notNull())
      .addColumn("position", "integer", (column) => column.notNull())
      .addPrimaryKeyConstraint("order_items_pkey", ["organization_id", "id"])
      .addForeignKeyConstraint("order_items_order_fk", ["organization_id", "order_id"], "orders", ["organization_id", "id"])
      .addForeignKeyConstraint("order_items_product_fk", ["organization_id", "product_id"], "products", ["organization_id", "id"])
      .execute();
    await db.schema.createIndex("order_items_order_idx").on("order_items").columns(["organization_id", "order_id", "position"]).execute();

    await db.schema
      .createTable("refunds")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("id", "uuid", (column) => column.notNull())
      .addColumn("order_id", "uuid", (column) => column.notNull())
      .addColumn("amount", "bigint", (column) => column.notNull().check(sql`amount > 0`))
      .addColumn("reason", "text")
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint("refunds_pkey", ["organization_id", "id"])
      .addForeignKeyConstraint("refunds_order_fk", ["organization_id", "order_id"], "orders", ["organization_id", "id"])
      .execute();
    await db.schema.createIndex("refunds_order_idx").on("refunds").columns(["organization_id", "order_id", "created_at"]).execute();

    await db.schema
      .createTable("idempotency_keys")
      .addColumn("organization_id", "text", (column) => column.notNull())
      .addColumn("key", "text", (column) => column.notNull())
      .addColumn("operation_id", "text", (column) => column.notNull())
      .addColumn("request_hash", "text", (column) => column.notNull())
      .addColumn("response_status", "integer")
      .addColumn("response_body", "jsonb")
      .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
      .addColumn("expires_at", "timestamptz", (column) => column.notNull())
      .addPrimaryKeyConstraint("idempotency_keys_pkey", ["organization_id", "key"])
      .execute();
    await db.schema.createIndex("idempotency_keys_expiry_idx").on("idempotency_keys").column("expires_at").execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      "idempotency_keys",
      "refunds",
      "order_items",
      "orders",
      "cart_items",
      "carts",
      "inventory_adjustments",
      "products",
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
