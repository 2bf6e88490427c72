/**
 * Every module specifier a source file names, found with TypeScript's parser so comments and
 * strings never count: static imports (`import type` too), re-exports, dynamic `import()` (also of a
 * const holding a string, the trick that once hid a cross-package import), `typeof import()`
 * types, `require()` and jest module mocks.
 */
import ts from "typescript";

export interface FoundImport {
  specifier: string;
  /** 1-based. */
  line: number;
  column: number;
}

const MOCKS = new Set(["mock", "unstable_mockModule", "doMock", "requireActual"]);

/** String literal value of `node`, or of the const it names when that const is a string literal. */
function literal(node: ts.Expression | undefined, consts: Map<string, string>): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isIdentifier(node)) return consts.get(node.text);
  return undefined;
}

export function findImports(fileName: string, text: string): FoundImport[] {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const consts = new Map<string, string>();
  const found: FoundImport[] = [];
  const add = (node: ts.Node, specifier: string | undefined) => {
    if (specifier === undefined) return;
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    found.push({ specifier, line: line + 1, column: character + 1 });
  };
  // Consts first, so `import(name)` before the declaration in source order still resolves.
  const collect = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isStringLiteralLike(node.initializer) &&
      ts.isVariableDeclarationList(node.parent) &&
      node.parent.flags & ts.NodeFlags.Const
    ) {
      consts.set(node.name.text, node.initializer.text);
    }
    ts.forEachChild(node, collect);
  };
  collect(sf);
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      add(node.moduleSpecifier, literal(node.moduleSpecifier as ts.Expression, consts));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, literal(node.moduleReference.expression, consts));
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const lit = node.argument.literal;
      if (ts.isStringLiteral(lit)) add(lit, lit.text);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const arg = node.arguments[0];
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === "require";
      const isMock =
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === "jest" &&
        MOCKS.has(callee.name.text);
      if (isImport || isRequire || isMock) add(arg ?? node, literal(arg, consts));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}
