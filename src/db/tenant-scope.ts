import type {
  DeleteQueryBuilder,
  DeleteResult,
  InsertObject,
  InsertQueryBuilder,
  InsertResult,
  Kysely,
  SelectQueryBuilder,
  UpdateQueryBuilder,
  UpdateResult,
} from "kysely";
import type { Database } from "./schema.js";
import type { Db, Tenant } from "./tenant.js";
import { inTransaction } from "./transaction.js";

/**
 * The tables whose rows belong to a tenant: exactly those with an
 * `organization_id` column, so `scope.selectFrom("agent")` (Better Auth's
 * tables use `organizationId` or none) does not compile.
 */
export type CommerceTable = { [T in keyof Database]: "organization_id" extends keyof Database[T] ? T : never }[keyof Database];

/** A new row of `T` without its tenant column: the scope fills it in. */
export type TenantRow<T extends CommerceTable> = Omit<InsertObject<Database, T>, "organization_id">;

/**
 * The only door to the commerce tables: every builder it returns is already
 * filtered on (or, for inserts, sets) `organization_id = tenant`. Services
 * hold a scope, never a bare `Kysely`, so forgetting the tenant filter is not
 * something a query can do.
 *
 * @example
 * const scope = new TenantScope(db, tenant);
 * await scope.selectFrom("products").selectAll().where("id", "=", id).executeTakeFirst();
 */
export class TenantScope {
  constructor(
    private readonly db: Db,
    readonly tenant: Tenant,
  ) {}

  /** The filter is qualified with the table name, so joins stay unambiguous. */
  // biome-ignore lint/complexity/noBannedTypes: `{}` is Kysely's own type for "nothing selected yet".
  selectFrom<T extends CommerceTable>(table: T): SelectQueryBuilder<Database, T, {}> {
    return this.untyped.selectFrom(table as string).where(this.column(table), "=", this.tenant.organizationId) as never;
  }

  updateTable<T extends CommerceTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    return this.untyped.updateTable(table as string).where(this.column(table), "=", this.tenant.organizationId) as never;
  }

  deleteFrom<T extends CommerceTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult> {
    return this.untyped.deleteFrom(table as string).where(this.column(table), "=", this.tenant.organizationId) as never;
  }

  /** Inserts rows stamped with the tenant; conflict clauses can follow. */
  insertInto<T extends CommerceTable>(
    table: T,
    rows: TenantRow<T> | readonly TenantRow<T>[],
  ): InsertQueryBuilder<Database, T, InsertResult> {
    const list = (Array.isArray(rows) ? rows : [rows]) as readonly TenantRow<T>[];
    const stamped = list.map((row) => ({ ...row, organization_id: this.tenant.organizationId }));
    return this.untyped.insertInto(table as string).values(stamped) as never;
  }

  /**
   * Runs `work` in a transaction with a scope on it (the same tenant). Inside
   * a transaction already, it joins that one: services compose, e.g. the
   * idempotency wrapper stores the response in the work's own transaction.
   */
  async transaction<R>(work: (scope: TenantScope) => Promise<R>): Promise<R> {
    return inTransaction(this.db, (tx) => work(tx === this.db ? this : new TenantScope(tx, this.tenant)));
  }

  private column(table: CommerceTable): string {
    return `${table}.organization_id`;
  }

  // Kysely cannot type a builder over a generic table name; the casts stay here,
  // behind the typed signatures above.
  // biome-ignore lint/suspicious/noExplicitAny: the one untyped door; the public signatures above carry the types.
  private get untyped(): Kysely<any> {
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    return this.db as Kysely<any>;
  }
}
