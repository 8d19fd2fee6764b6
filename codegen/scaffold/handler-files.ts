/**
 * Which file of the handlers directory serves an operation, for
 * `npm run generate -- --scaffold`: its first tag, as a file name. The tag is
 * lower-cased, every run of characters other than a-z and 0-9 becomes one
 * `-`, and `-handlers.ts` is appended; the factory the file exports is
 * `create` + the same words in PascalCase + `Handlers`.
 *
 * | first tag           | file                          | factory                       |
 * |---------------------|-------------------------------|-------------------------------|
 * | `Products`          | `products-handlers.ts`        | `createProductsHandlers`      |
 * | `Admin: Products`   | `admin-products-handlers.ts`  | `createAdminProductsHandlers` |
 * | `Gift cards`        | `gift-cards-handlers.ts`      | `createGiftCardsHandlers`     |
 * | (no tag)            | `untagged-handlers.ts`        | `createUntaggedHandlers`      |
 */
export interface HandlerFile {
  /** File name inside the handlers directory, e.g. `admin-products-handlers.ts`. */
  readonly fileName: string;
  /** The factory a new file exports, e.g. `createAdminProductsHandlers`. */
  readonly factoryName: string;
  /** The operations union a new file declares, e.g. `AdminProductsOperations`. */
  readonly operationsTypeName: string;
}

const UNTAGGED = "untagged";

/** The words of a tag: `Admin: Products` → `["admin", "products"]`; none (no tag, or only punctuation) → `["untagged"]`. */
function tagWords(tag: string | undefined): string[] {
  const words = (tag ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
  return words.length > 0 ? words : [UNTAGGED];
}

/** The handler file of an operation whose first tag is `tag` (see the table above). */
export function handlerFileOfTag(tag: string | undefined): HandlerFile {
  const words = tagWords(tag);
  const pascal = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
  return {
    fileName: `${words.join("-")}-handlers.ts`,
    factoryName: `create${pascal}Handlers`,
    operationsTypeName: `${pascal}Operations`,
  };
}
