import type {
  Compilable,
  CompiledQuery,
  DeleteQueryBuilder,
  DeleteResult,
  DialectAdapter,
  InsertObject,
  InsertQueryBuilder,
  InsertResult,
  Kysely,
  SelectQueryBuilder,
  UpdateQueryBuilder,
  UpdateResult,
} from "kysely";
import type { Database } from "./schema.js";
import { type Db, type Tenant, tenantOf } from "./tenant.js";
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
   * Runs a prepared read (see `prepareRead`) for this scope's tenant: the SQL
   * compiled for the arguments' shape, with the tenant and the arguments
   * bound as this call's parameters.
   */
  async run<A extends ReadArguments, Row>(read: PreparedRead<A, Row>, args: A): Promise<Row[]> {
    const query = read.bind(this.db, this.tenant, args) ?? read.build(this, args).compile();
    return (await this.db.executeQuery(query)).rows;
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

/** What a prepared read may vary by: plain values, each bound as one parameter (`undefined`: absent, see `prepareRead`). */
export type ReadArguments = Record<string, string | number | boolean | Date | null | undefined>;

/** The tenant's placeholder name: no argument can have it. */
const TENANT: unique symbol = Symbol("tenant");

/** Stands for the tenant or one argument while a prepared read is compiled; each must come out as a parameter. */
class Placeholder {
  constructor(readonly name: string | typeof TENANT) {}
}

/** One compiled shape: the SQL, and for each parameter a constant of the query or the placeholder it binds. */
interface CompiledShape<Row> {
  readonly query: CompiledQuery<Row>;
  readonly slots: readonly (Placeholder | unknown)[];
}

/**
 * A read of the commerce tables whose SQL is built and compiled once per
 * shape (which arguments are present) instead of on every call: a Kysely
 * builder costs more CPU than the rest of a cached API-key product read
 * together. It is built through a `TenantScope` like any other query, with
 * stand-ins for the tenant and the arguments; the compiled SQL is refused
 * unless the tenant and every present argument each came out as a bound
 * parameter. A run (`scope.run(read, args)`) then binds that scope's tenant and
 * the call's values: the tenant filter is in the SQL exactly as the scope
 * writes it, with only its value changing from call to call.
 *
 * `build` must use each argument as a value (`where(col, "=", args.x)`,
 * `limit(args.n)`, interpolated in `sql`), never compute with it; an absent
 * (`undefined`) argument is absent while building too, so the same
 * `if (args.x !== undefined)` that shapes a dynamic query picks the shape.
 * Compiled SQL is kept per database adapter; with Kysely plugins on the
 * database (tests count queries with them) every run builds afresh, so the
 * plugins see each query.
 *
 * @example
 * const productById = prepareRead((scope, args: { id: string }) =>
 *   scope.selectFrom("products").selectAll().where("id", "=", args.id));
 * const [row] = await scope.run(productById, { id });
 */
export function prepareRead<A extends ReadArguments, Row>(build: (scope: TenantScope, args: A) => Compilable<Row>): PreparedRead<A, Row> {
  return new PreparedRead(build);
}

export class PreparedRead<A extends ReadArguments, Row> {
  private readonly compiled = new WeakMap<DialectAdapter, Map<string, CompiledShape<Row>>>();

  constructor(readonly build: (scope: TenantScope, args: A) => Compilable<Row>) {}

  /** The compiled query with this call's parameters, or undefined when it must be built afresh (plugins). */
  bind(db: Db, tenant: Tenant, args: A): CompiledQuery<Row> | undefined {
    const executor = db.getExecutor();
    if (executor.plugins.length > 0) return undefined;
    let shapes = this.compiled.get(executor.adapter);
    if (!shapes) {
      shapes = new Map();
      this.compiled.set(executor.adapter, shapes);
    }
    let present = "";
    for (const name in args) if (args[name] !== undefined) present += `${name},`;
    let shape = shapes.get(present);
    if (!shape) {
      shape = this.compile(db, args);
      shapes.set(present, shape);
    }
    const parameters = shape.slots.map((slot) =>
      slot instanceof Placeholder ? (slot.name === TENANT ? tenant.organizationId : args[slot.name]) : slot,
    );
    return { ...shape.query, parameters };
  }

  private compile(db: Db, args: A): CompiledShape<Row> {
    const standIns: Record<string, unknown> = {};
    for (const name in args) standIns[name] = args[name] === undefined ? undefined : new Placeholder(name);
    const tenant = tenantOf(new Placeholder(TENANT) as unknown as string);
    const query = this.build(new TenantScope(db, tenant), standIns as A).compile();
    const bound = new Set(query.parameters.filter((value) => value instanceof Placeholder).map((placeholder) => placeholder.name));
    const missing = [
      ...(bound.has(TENANT) ? [] : ["the tenant"]),
      ...Object.keys(standIns)
        .filter((name) => standIns[name] !== undefined && !bound.has(name))
        .map((name) => `"${name}"`),
    ];
    if (missing.length > 0) {
      const names = missing.join(", ");
      throw new Error(`prepareRead: ${names} must each be bound as a parameter of the query (used as a value, not computed with)`);
    }
    return { query, slots: query.parameters };
  }
}
