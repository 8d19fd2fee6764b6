import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { ApiKeyMetadata } from "../auth/api-key-principal.js";
import type { Auth } from "../auth/create-auth.js";
import type { Database, NewProduct } from "../db/schema.js";

export const DEMO_EMAIL = "demo@example.com";
export const DEMO_PASSWORD = "demo-store-password";

export interface DemoSeed {
  readonly organizationId: string;
  readonly userId: string;
  /** Shown once: only their hashes are stored. */
  readonly storefrontKey: string;
  readonly adminKey: string;
  readonly productCount: number;
}

const ADJECTIVES = ["Classic", "Organic", "Recycled", "Handmade", "Everyday", "Premium", "Compact", "Vintage", "Lightweight", "Waterproof"];
const NOUNS = ["Mug", "Backpack", "Notebook", "Water Bottle", "Tote Bag"];

/** True when no organization exists yet: `npm start` seeds only an empty database. */
export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom("member").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}

/**
 * The demo store: a user, the "Demo Store" organization it owns, 50 products
 * and two API keys (storefront; storefront + admin).
 */
export async function seedDemo(auth: Auth, db: Kysely<Database>): Promise<DemoSeed> {
  const { user } = await auth.api.signUpEmail({ body: { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: "Demo Merchant" } });
  const organization = await auth.api.createOrganization({ body: { name: "Demo Store", slug: "demo-store", userId: user.id } });
  if (!organization) throw new Error("could not create the demo organization");

  const products: NewProduct[] = [];
  for (const [nounIndex, noun] of NOUNS.entries()) {
    for (const [adjectiveIndex, adjective] of ADJECTIVES.entries()) {
      const index = nounIndex * ADJECTIVES.length + adjectiveIndex;
      products.push({
        organization_id: organization.id,
        id: randomUUID(),
        sku: `DEMO-${String(index + 1).padStart(3, "0")}`,
        name: `${adjective} ${noun}`,
        description: `A ${adjective.toLowerCase()} ${noun.toLowerCase()} from the demo catalog.`,
        price_amount: 500 + ((index * 737) % 9500),
        currency: "EUR",
        inventory: 20 + ((index * 13) % 80),
        status: "active",
        // Distinct timestamps give the catalog a stable newest-first order.
        created_at: new Date(Date.UTC(2026, 0, 1) + index * 60_000),
        updated_at: new Date(Date.UTC(2026, 0, 1) + index * 60_000),
      });
    }
  }
  await db.insertInto("products").values(products).execute();

  const issue = async (name: string, metadata: ApiKeyMetadata) =>
    (await auth.api.createApiKey({ body: { userId: user.id, name, metadata } })).key;
  return {
    organizationId: organization.id,
    userId: user.id,
    storefrontKey: await issue("Demo storefront", { organizationId: organization.id, scopes: ["storefront"] }),
    adminKey: await issue("Demo admin", { organizationId: organization.id, scopes: ["storefront", "admin"] }),
    productCount: products.length,
  };
}

/** The lines printed after seeding: the only time the API keys are ever shown. */
export function describeSeed(seed: DemoSeed): string {
  return [
    "",
    `Seeded "Demo Store" with ${seed.productCount} products (shown once: the keys are stored hashed):`,
    `  sign in:            ${DEMO_EMAIL} / ${DEMO_PASSWORD}`,
    `  storefront API key: ${seed.storefrontKey}`,
    `  admin API key:      ${seed.adminKey}`,
    "",
  ].join("\n");
}
