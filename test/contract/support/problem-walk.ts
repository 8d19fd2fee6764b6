/*
 * Finds, from the source, the problems an operation can answer with: starting
 * at a function, it follows every call into `src/` (functions, methods,
 * constructors, and the implementations of interface methods) and collects
 * each problem built on the way:
 *   new DomainError("code", …)      the code, its status from src/http/domain-problems.ts
 *   invalidField(…)                 validation_failed (400)
 *   new HttpProblem(status, "code") the literal status and code
 *   httpProblem(status, "code")     the same (src/http/problem-titles.ts)
 * A helper that takes the status or code as a parameter
 * (`forbidden(code, detail)`) is read at each call: its literal arguments. A
 * problem whose status or code is still not a literal is reported with where
 * it is built (status or code undefined), so a test can name what it may be.
 * "Can answer" is an over-approximation: a reached helper counts even when a
 * branch never calls it; the contract must declare it or the code must lose it.
 */
import path from "node:path";
import { Node, Project, type SourceFile, SyntaxKind } from "ts-morph";

export interface FoundProblem {
  readonly status: number | undefined;
  readonly code: string | undefined;
  /** `file:line` (relative to the project) of the expression that builds it. */
  readonly site: string;
  /** The function it was found in, e.g. `lineTotals`. */
  readonly inFunction: string;
}

export interface ProblemWalker {
  /** Problems reachable from `root` (a function-like node). */
  problemsFrom(root: Node): FoundProblem[];
  sourceFile(relativePath: string): SourceFile;
}

export function createProblemWalker(projectRoot: string, statusOfDomainCode: (code: string) => number): ProblemWalker {
  const project = new Project({ tsConfigFilePath: path.join(projectRoot, "tsconfig.json"), skipAddingFilesFromTsConfig: true });
  project.addSourceFilesAtPaths(path.join(projectRoot, "src/**/*.ts"));
  project.resolveSourceFileDependencies();
  const srcRoot = path.join(projectRoot, "src") + path.sep;
  const inSrc = (node: Node) => node.getSourceFile().getFilePath().startsWith(srcRoot);
  const siteOf = (node: Node) => `${path.relative(projectRoot, node.getSourceFile().getFilePath())}:${node.getStartLineNumber()}`;

  /** Function-like declarations a call's callee can run, inside src/. */
  function targetsOf(callee: Node): Node[] {
    const name = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
    let symbol = name.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
    const targets: Node[] = [];
    for (const declaration of symbol?.getDeclarations() ?? []) {
      if (!inSrc(declaration)) continue;
      if (Node.isMethodSignature(declaration) || Node.isPropertySignature(declaration)) {
        // An interface member: whatever implements it in src/.
        if (Node.isIdentifier(name)) {
          for (const implementation of name.getImplementations()) {
            const node = implementation.getNode();
            if (inSrc(node)) targets.push(functionAround(node) ?? node);
          }
        }
        continue;
      }
      if (Node.isVariableDeclaration(declaration)) {
        const initializer = declaration.getInitializer();
        if (initializer) targets.push(initializer);
        continue;
      }
      if (Node.isClassDeclaration(declaration)) {
        const ctor = declaration.getConstructors()[0];
        if (ctor) targets.push(ctor);
        continue;
      }
      targets.push(declaration);
    }
    return targets;
  }

  function functionAround(node: Node): Node | undefined {
    return node.getFirstAncestor(
      (ancestor) => Node.isFunctionLikeDeclaration(ancestor) || Node.isArrowFunction(ancestor) || Node.isFunctionExpression(ancestor),
    );
  }

  function nameOf(node: Node): string {
    for (const item of [node, ...node.getAncestors()]) {
      if (
        Node.isFunctionDeclaration(item) ||
        Node.isMethodDeclaration(item) ||
        Node.isPropertyAssignment(item) ||
        Node.isVariableDeclaration(item)
      ) {
        return item.getName() ?? "(anonymous)";
      }
    }
    return "(module)";
  }

  /** The position of the enclosing function's parameter that `node` names, if it names one. */
  function parameterIndex(node: Node | undefined): number | undefined {
    if (!node || !Node.isIdentifier(node)) return undefined;
    const declaration = node.getSymbol()?.getDeclarations()[0];
    if (!declaration || !Node.isParameterDeclaration(declaration)) return undefined;
    return declaration.getParentOrThrow().getChildrenOfKind(SyntaxKind.Parameter).indexOf(declaration);
  }

  type Argument = { readonly parameter: number | undefined; readonly value: string | number | undefined };
  /** `new HttpProblem(…)` and `httpProblem(…)` take the status and code first. */
  function buildsProblem(call: Node): boolean {
    if (Node.isNewExpression(call)) return call.getExpression().getText() === "HttpProblem";
    return Node.isCallExpression(call) && call.getExpression().getText() === "httpProblem";
  }

  /** `new HttpProblem(…)` or `httpProblem(…)` in `fn` whose status or code is one of `fn`'s parameters. */
  function parametricProblems(fn: Node): { status: Argument; code: Argument }[] {
    return [...fn.getDescendantsOfKind(SyntaxKind.NewExpression), ...fn.getDescendantsOfKind(SyntaxKind.CallExpression)].flatMap(
      (expression) => {
        if (!buildsProblem(expression) || functionAround(expression) !== fn) return [];
        const [status, code] = expression.getArguments();
        const argument = (node: Node | undefined): Argument => ({ parameter: parameterIndex(node), value: literal(node) });
        const built = { status: argument(status), code: argument(code) };
        return built.status.parameter !== undefined || built.code.parameter !== undefined ? [built] : [];
      },
    );
  }

  function literal(node: Node | undefined): string | number | undefined {
    if (!node) return undefined;
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
    if (Node.isNumericLiteral(node)) return node.getLiteralValue();
    return undefined;
  }

  return {
    sourceFile: (relativePath) => project.getSourceFileOrThrow(path.join(projectRoot, relativePath)),
    problemsFrom(root) {
      const found: FoundProblem[] = [];
      const visited = new Set<Node>();
      const pending: Node[] = [root];
      while (pending.length > 0) {
        const node = pending.pop()!;
        if (visited.has(node)) continue;
        visited.add(node);
        for (const call of [
          ...node.getDescendantsOfKind(SyntaxKind.CallExpression),
          ...node.getDescendantsOfKind(SyntaxKind.NewExpression),
        ]) {
          const callee = call.getExpression();
          const calleeName = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
          const args = call.getArguments();
          const site = { site: siteOf(call), inFunction: nameOf(call) };
          if (Node.isNewExpression(call) && calleeName === "DomainError") {
            const code = literal(args[0]);
            found.push({
              ...site,
              code: typeof code === "string" ? code : undefined,
              status: typeof code === "string" ? statusOfDomainCode(code) : undefined,
            });
            continue;
          }
          if (calleeName === "invalidField") {
            found.push({ ...site, code: "validation_failed", status: 400 });
            continue;
          }
          if (buildsProblem(call)) {
            // Built from the enclosing function's parameters: read at that function's calls instead.
            if (parameterIndex(args[0]) !== undefined || parameterIndex(args[1]) !== undefined) continue;
            const status = literal(args[0]);
            const code = literal(args[1]);
            found.push({
              ...site,
              status: typeof status === "number" ? status : undefined,
              code: typeof code === "string" ? code : undefined,
            });
            continue;
          }
          for (const target of targetsOf(callee)) {
            for (const built of parametricProblems(target)) {
              const status = built.status.parameter === undefined ? built.status.value : literal(args[built.status.parameter]);
              const code = built.code.parameter === undefined ? built.code.value : literal(args[built.code.parameter]);
              found.push({
                ...site,
                status: typeof status === "number" ? status : undefined,
                code: typeof code === "string" ? code : undefined,
              });
            }
            pending.push(target);
          }
        }
      }
      return found;
    },
  };
}
