import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FunctionDeclaration, ObjectLiteralElementLike, ObjectLiteralExpression, Project, SourceFile, TypeNode } from "ts-morph";
import { handlerFileOfTag } from "./handler-files.js";

/** What the scaffolder needs to know of an operation (a subset of the operation model). */
export interface ScaffoldOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly tags: readonly string[];
}

export interface ScaffoldOptions {
  /** Every operation of the contract, i.e. every method of the generated `Handlers`. */
  readonly operations: readonly ScaffoldOperation[];
  /** The hand-written handlers: `<area>-handlers.ts` files and their `index.ts` (default layout: src/handlers). */
  readonly handlersDir: string;
  /** The generator's output directory (its `routes.ts` exports `Handlers`), for the import of a new file. */
  readonly generatedDir: string;
  /**
   * Lays out an edited file's text (Biome's formatter, see biome-format.ts).
   * The edits are AST edits; on a file that was formatted already this only
   * breaks the lines the new code made too long.
   */
  readonly format?: (fileName: string, text: string) => string;
}

export interface ScaffoldResult {
  /** One entry per stub written: which operation, into which file (relative to the handlers dir). */
  readonly stubs: readonly { readonly operationId: string; readonly file: string }[];
  /** Handler files this run created (and registered in index.ts). */
  readonly createdFiles: readonly string[];
  /** Every file written (relative to the handlers dir). Empty when every operation already has a handler. */
  readonly writtenFiles: readonly string[];
  /** Things the scaffolder could not do itself, for the CLI to print. */
  readonly warnings: readonly string[];
}

/**
 * The conventions of a handler file (the shape of src/handlers/*-handlers.ts):
 * where a stub's error comes from, and the imports of a new file.
 */
const STUB_ERROR = { name: "DomainError", module: "../services/domain-error.js" } as const;
const INDEX_FILE = "index.ts";
const HANDLER_FILE_SUFFIX = "-handlers.ts";

type TsMorph = typeof import("ts-morph");

/** Where a handler file declares and builds its operations. */
interface HandlerFactory {
  readonly fn: FunctionDeclaration;
  /** The union of operation names: the `Pick`'s second argument, or the local type alias it names. */
  readonly operations: TypeNode;
  /** The object literal the factory returns. */
  readonly object: ObjectLiteralExpression | undefined;
}

/**
 * `npm run generate -- --scaffold`: for every operation of the contract that
 * no handler file provides, a stub that throws `not_implemented` (501), in the
 * file of the operation's first tag (handler-files.ts), with the operation
 * added to that file's `Pick<Handlers<…>, …>` union. A tag without a file gets
 * a new file of the same shape, registered in `index.ts`. Everything is an AST
 * edit with ts-morph: the rest of each file is left as it was. Running it again
 * changes nothing.
 *
 * An operation counts as provided when it is in the operations union of any
 * `*-handlers.ts` file, or a property of the object its factory returns.
 */
export async function scaffoldHandlers(options: ScaffoldOptions): Promise<ScaffoldResult> {
  // Loaded only for --scaffold: plain generation does not pay for the TypeScript compiler.
  const morph: TsMorph = await import("ts-morph");
  const project = new morph.Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    manipulationSettings: {
      indentationText: morph.IndentationText.TwoSpaces,
      quoteKind: morph.QuoteKind.Double,
      useTrailingCommas: true,
    },
  });
  const handlersDir = path.resolve(options.handlersDir);
  const originals = new Map<string, string>();
  for (const file of project.addSourceFilesAtPaths(path.join(handlersDir, `*${HANDLER_FILE_SUFFIX}`))) {
    originals.set(file.getFilePath(), file.getFullText());
  }

  const warnings: string[] = [];
  const provided = new Set<string>();
  for (const file of handlerFiles(project, handlersDir)) {
    const factory = findFactory(morph, file);
    if (!factory) continue;
    for (const name of unionMembers(morph, factory.operations)) provided.add(name);
    for (const name of objectKeys(factory.object)) provided.add(name);
  }

  const missing = options.operations.filter((operation) => !provided.has(operation.operationId));
  const byFile = new Map<string, ScaffoldOperation[]>();
  for (const operation of missing) {
    const { fileName } = handlerFileOfTag(operation.tags[0]);
    byFile.set(fileName, [...(byFile.get(fileName) ?? []), operation]);
  }

  const stubs: { operationId: string; file: string }[] = [];
  const createdFiles: string[] = [];
  const edited = new Set<SourceFile>();
  for (const [fileName, operations] of byFile) {
    const filePath = path.join(handlersDir, fileName);
    let file = project.getSourceFile(filePath);
    if (!file) {
      const index = await loadIndex(project, handlersDir, originals);
      file = createHandlerFile(project, filePath, operations[0]!.tags[0], path.resolve(options.generatedDir));
      createdFiles.push(fileName);
      if (index) {
        if (registerFactory(morph, index, fileName)) edited.add(index);
        else warnings.push(`${INDEX_FILE}: no object spreading create…Handlers(…) found; add ...${factoryOf(fileName)}(…) to it yourself`);
      } else {
        warnings.push(`${INDEX_FILE} not found in ${path.relative(process.cwd(), handlersDir)}: register ${factoryOf(fileName)} yourself`);
      }
    }
    const factory = findFactory(morph, file);
    if (!factory?.object) {
      warnings.push(
        `${fileName}: no exported factory returning \`Pick<Handlers<…>, …>\` as an object literal; stubs for ${operations.map((o) => o.operationId).join(", ")} not written`,
      );
      continue;
    }
    addOperations(morph, file, factory, operations);
    edited.add(file);
    for (const operation of operations) stubs.push({ operationId: operation.operationId, file: fileName });
  }

  const writtenFiles: string[] = [];
  for (const file of edited) {
    const filePath = file.getFilePath();
    const text = options.format ? options.format(path.basename(filePath), file.getFullText()) : file.getFullText();
    if (originals.get(filePath) === text) continue;
    await writeFile(filePath, text);
    writtenFiles.push(path.relative(handlersDir, filePath));
  }
  return { stubs, createdFiles, writtenFiles: writtenFiles.sort(), warnings };
}

function handlerFiles(project: Project, handlersDir: string): SourceFile[] {
  return project
    .getSourceFiles()
    .filter((file) => path.dirname(file.getFilePath()) === handlersDir && file.getBaseName().endsWith(HANDLER_FILE_SUFFIX));
}

async function loadIndex(project: Project, handlersDir: string, originals: Map<string, string>): Promise<SourceFile | undefined> {
  const indexPath = path.join(handlersDir, INDEX_FILE);
  const existing = project.getSourceFile(indexPath);
  if (existing) return existing;
  const text = await readFile(indexPath, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  originals.set(indexPath, text);
  return project.createSourceFile(indexPath, text, { overwrite: true });
}

function factoryOf(fileName: string): string {
  return handlerFileOfTag(fileName.slice(0, -HANDLER_FILE_SUFFIX.length)).factoryName;
}

/** The file's first function whose declared return type is `Pick<Handlers<…>, …>`. */
function findFactory(morph: TsMorph, file: SourceFile): HandlerFactory | undefined {
  const { Node } = morph;
  for (const fn of file.getFunctions()) {
    const returnType = fn.getReturnTypeNode();
    if (!Node.isTypeReference(returnType) || returnType.getTypeName().getText() !== "Pick") continue;
    const [handlers, picked] = returnType.getTypeArguments();
    if (!handlers || !picked || !/^Handlers\b/.test(handlers.getText())) continue;
    let operations: TypeNode = picked;
    if (Node.isTypeReference(picked)) {
      const alias = file.getTypeAlias(picked.getTypeName().getText());
      const aliased = alias?.getTypeNode();
      if (aliased) operations = aliased;
    }
    return { fn, operations, object: returnedObject(morph, fn) };
  }
  return undefined;
}

/** The object literal of the factory's top-level `return { … }`. */
function returnedObject(morph: TsMorph, fn: FunctionDeclaration): ObjectLiteralExpression | undefined {
  const { Node } = morph;
  for (const statement of fn.getStatements()) {
    if (!Node.isReturnStatement(statement)) continue;
    const expression = statement.getExpression();
    if (Node.isObjectLiteralExpression(expression)) return expression;
  }
  return undefined;
}

/** The string literals of a union type node (`"a" | "b"`, or a single `"a"`); `never` has none. */
function unionMembers(morph: TsMorph, node: TypeNode): string[] {
  const { Node } = morph;
  const members = Node.isUnionTypeNode(node) ? node.getTypeNodes() : [node];
  return members.flatMap((member) => {
    if (!Node.isLiteralTypeNode(member)) return [];
    const literal = member.getLiteral();
    return Node.isStringLiteral(literal) ? [literal.getLiteralValue()] : [];
  });
}

function objectKeys(object: ObjectLiteralExpression | undefined): string[] {
  return (object?.getProperties() ?? []).flatMap((property) => {
    const named = property as { getName?: () => string };
    return typeof named.getName === "function" ? [named.getName().replace(/^["']|["']$/g, "")] : [];
  });
}

/** Adds the operations to the factory's union (if not there yet) and a stub method for each (if the object lacks one). */
function addOperations(morph: TsMorph, file: SourceFile, factory: HandlerFactory, operations: readonly ScaffoldOperation[]): void {
  const inUnion = new Set(unionMembers(morph, factory.operations));
  const toUnion = operations.map((operation) => operation.operationId).filter((id) => !inUnion.has(id));
  if (toUnion.length > 0) {
    const literals = toUnion.map((id) => JSON.stringify(id));
    const current = factory.operations.getText();
    const isNever = factory.operations.getKind() === morph.SyntaxKind.NeverKeyword;
    factory.operations.replaceWithText(isNever ? literals.join(" | ") : [current, ...literals].join(" | "));
  }
  // The union edit may have replaced nodes: find the object again.
  const object = findFactory(morph, file)?.object;
  if (!object) return;
  const inObject = new Set(objectKeys(object));
  for (const operation of operations) {
    if (inObject.has(operation.operationId)) continue;
    object.addMethod({
      name: operation.operationId,
      isAsync: true,
      parameters: [{ name: "_input" }, { name: "_context" }],
      statements: [
        `throw new ${STUB_ERROR.name}("not_implemented", ${JSON.stringify(`${operation.method.toUpperCase()} ${operation.path} (${operation.operationId}) is not implemented yet.`)});`,
      ],
    });
  }
  ensureNamedImport(file, STUB_ERROR.module, STUB_ERROR.name);
}

/** A new `<tag>-handlers.ts` of the same shape as the others, with no operation yet (`never`, `{}`). */
function createHandlerFile(project: Project, filePath: string, tag: string | undefined, generatedDir: string): SourceFile {
  const { factoryName, operationsTypeName } = handlerFileOfTag(tag);
  let routes = path.relative(path.dirname(filePath), path.join(generatedDir, "routes.js")).split(path.sep).join("/");
  if (!routes.startsWith(".")) routes = `./${routes}`;
  const what = tag ? `Operations tagged \`${tag.replace(/\*\//g, "*\\/")}\`` : "Operations without a tag";
  const text = `import type { Kysely } from "kysely";
import type { Handlers } from "${routes}";
import type { Database } from "../db/schema.js";
import type { AppContext } from "./app-context.js";

type ${operationsTypeName} = never;

/** ${what}. Scaffolded by \`npm run generate -- --scaffold\`: replace each stub with a call to a service (and \`_db\` with \`db\`). */
export function ${factoryName}(_db: Kysely<Database>): Pick<Handlers<AppContext>, ${operationsTypeName}> {
  return {};
}
`;
  return project.createSourceFile(filePath, text);
}

/** Adds `...createXHandlers(<the same arguments as the others>)` to the object index.ts builds, and its import. */
function registerFactory(morph: TsMorph, index: SourceFile, fileName: string): boolean {
  const { Node, SyntaxKind } = morph;
  const factoryName = factoryOf(fileName);
  const spreadCall = (property: ObjectLiteralElementLike) => {
    if (!Node.isSpreadAssignment(property)) return undefined;
    const expression = property.getExpression();
    return Node.isCallExpression(expression) && /^create\w*Handlers$/.test(expression.getExpression().getText()) ? expression : undefined;
  };
  const object = index
    .getDescendantsOfKind(SyntaxKind.ObjectLiteralExpression)
    .find((candidate) => candidate.getProperties().some((property) => spreadCall(property)));
  if (!object) return false;
  const calls = object.getProperties().flatMap((property) => spreadCall(property) ?? []);
  if (!calls.some((call) => call.getExpression().getText() === factoryName)) {
    const args = calls[0]!.getArguments().map((argument) => argument.getText());
    object.addSpreadAssignment({ expression: `${factoryName}(${args.join(", ")})` });
  }
  ensureNamedImport(index, `./${fileName.replace(/\.ts$/, ".js")}`, factoryName);
  return true;
}

/**
 * Imports `name` from `specifier` as a value, unless it already is. A new
 * declaration goes where Biome's import sorting puts it (packages, then
 * `../../`, `../`, `./`, each alphabetically), so the file stays lint-clean.
 */
function ensureNamedImport(file: SourceFile, specifier: string, name: string): void {
  const existing = file.getImportDeclaration((declaration) => declaration.getModuleSpecifierValue() === specifier);
  if (existing) {
    const named = existing.getNamedImports();
    const current = named.find((specifierNode) => specifierNode.getName() === name);
    if (current && !existing.isTypeOnly() && !current.isTypeOnly()) return;
    if (existing.isTypeOnly()) {
      // `import type { A }` → `import { type A, name }`
      for (const other of named) other.setIsTypeOnly(true);
      existing.setIsTypeOnly(false);
    }
    if (current) current.setIsTypeOnly(false);
    else {
      const at = named.findIndex((other) => other.getName() > name);
      existing.insertNamedImport(at === -1 ? named.length : at, name);
    }
    return;
  }
  const key = importSortKey(specifier);
  const imports = file.getImportDeclarations();
  const before = imports.findIndex((declaration) => compareKeys(importSortKey(declaration.getModuleSpecifierValue()), key) > 0);
  const index =
    before === -1 ? (imports.length === 0 ? 0 : imports[imports.length - 1]!.getChildIndex() + 1) : imports[before]!.getChildIndex();
  file.insertImportDeclaration(index, { moduleSpecifier: specifier, namedImports: [name] });
}

/** Biome's order: `node:`-style protocols, packages, then relative paths from the farthest (`../../`) to `./`. */
function importSortKey(specifier: string): [number, number, string] {
  if (/^[a-z]+:/.test(specifier)) return [0, 0, specifier];
  if (!specifier.startsWith(".")) return [1, 0, specifier];
  const ups = specifier.match(/^(\.\.\/)*/)![0].length / 3;
  return [2, -ups, specifier];
}

function compareKeys(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}
