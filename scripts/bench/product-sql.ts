/**
 * The product reads both reference servers of the bench run (the bare
 * `node:http` baseline and the bare Express floor): the same SQL the API's
 * catalog service sends, and the same JSON it answers with.
 */
const PRODUCT_COLUMNS = "id, sku, name, description, price_amount, currency, inventory, status, created_at, updated_at";

/** `$1` organization, `$2` limit + 1 (the extra row tells whether there is a next page). */
export const LIST_PRODUCTS_SQL = `select ${PRODUCT_COLUMNS} from products where organization_id = $1 and status = 'active' order by created_at desc, id desc limit $2`;

/** `$1` organization, `$2` product id. */
export const GET_PRODUCT_SQL = `select ${PRODUCT_COLUMNS} from products where organization_id = $1 and id = $2 and status = 'active'`;

export function productJson(row: Record<string, unknown>) {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: { amount: Number(row.price_amount), currency: row.currency },
    inventory: row.inventory,
    status: row.status,
    created_at: (row.created_at as Date).toISOString(),
    updated_at: (row.updated_at as Date).toISOString(),
  };
}

/** A page as the contract's ProductList has it; the cursor is a stand-in (neither reference server paginates). */
export function productPage(rows: Record<string, unknown>[], limit: number) {
  return { data: rows.slice(0, limit).map(productJson), next_cursor: rows.length > limit ? "more" : null };
}
