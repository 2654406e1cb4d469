#!/usr/bin/env node
// The house's rules, checked over src/ with the TypeScript compiler's own parser:
// - layers: a folder imports only folders of its own layer or below (LAYERS, top first);
// - no two folders import each other at run time, and no circle of files;
// - no function longer than MAX_FUNCTION_LINES.
// `node scripts/architecture.mjs` prints what breaks a rule and exits 1; `--graph` prints the folders'
// import graph as Graphviz dot (`| dot -Tsvg > graph.svg`), `--functions` the longest functions.
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import ts from 'typescript';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');
const MAX_FUNCTION_LINES = 60;

/** Top first. Files directly in src/ (errors.ts, limits.ts) are the folder '.', in the bottom layer. */
export const LAYERS = [
  ['commands', 'cli', 'hooks'],
  ['sweep', 'train', 'provision', 'status', 'lab', 'analyze', 'init'],
  ['workload'],
  ['engine', 'report'],
  ['results'],
  ['coordinator', 'worker', 'transport', 'ssh', 'protocol'],
  ['config'],
  ['forest', 'data', 'network', 'schedule'],
  ['files', 'text', '.'],
];

function layerOf(folder) {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  return index === -1 ? undefined : index;
}

function sourceFiles(folder) {
  const files = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) files.push(path);
  }
  return files;
}

function folderOf(file) {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? '.' : parts[0];
}

/** Every relative import of a file: its target and whether it is needed at run time. */
function importsOf(file, source) {
  const found = [];
  const add = (specifier, typeOnly) => {
    if (!specifier.startsWith('.')) return;
    const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
    found.push({target, typeOnly});
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      add(statement.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      add(statement.moduleSpecifier.text, statement.isTypeOnly);
    }
  }
  const visit = (node) => {
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    )
      add(node.arguments[0].text, false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function functionName(node, source) {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  return '(anonymous)';
}

/** Functions, methods and arrow functions with their length in lines, from first to last line. */
function functionsOf(file, source) {
  const found = [];
  const visit = (node) => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessor(node) ||
      ts.isSetAccessor(node)
    ) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({file, name: functionName(node, source), line: start + 1, lines: end - start + 1});
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Strongly connected components of more than one node (Tarjan), each a circle. */
function circles(graph) {
  let index = 0;
  const indices = new Map();
  const lows = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const connect = (node) => {
    indices.set(node, index);
    lows.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        connect(next);
        lows.set(node, Math.min(lows.get(node), lows.get(next)));
      } else if (onStack.has(next)) lows.set(node, Math.min(lows.get(node), indices.get(next)));
    }
    if (lows.get(node) === indices.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) connect(node);
  return found;
}

export function analyse() {
  const files = sourceFiles(SRC);
  const fileGraph = new Map();
  const folderEdges = new Map();
  const functions = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    functions.push(...functionsOf(file, source));
    const targets = new Set();
    for (const {target, typeOnly} of importsOf(file, source)) {
      if (!typeOnly) targets.add(target);
      const from = folderOf(file);
      const to = folderOf(target);
      if (from === to) continue;
      const key = `${from} -> ${to}`;
      const edge = folderEdges.get(key) ?? {from, to, runtime: 0, typeOnly: 0, files: new Set()};
      if (typeOnly) edge.typeOnly++;
      else edge.runtime++;
      edge.files.add(relative(SRC, file));
      folderEdges.set(key, edge);
    }
    fileGraph.set(file, targets);
  }
  const folderGraph = new Map();
  for (const edge of folderEdges.values())
    if (edge.runtime > 0) folderGraph.set(edge.from, [...(folderGraph.get(edge.from) ?? []), edge.to]);
  return {files, fileGraph, folderEdges: [...folderEdges.values()], folderGraph, functions};
}

export function problems({fileGraph, folderEdges, folderGraph, functions}) {
  const found = [];
  for (const edge of folderEdges) {
    const from = layerOf(edge.from);
    const to = layerOf(edge.to);
    if (from === undefined)
      found.push(`src/${edge.from}/ is in no layer: add it to LAYERS in scripts/architecture.mjs`);
    else if (to !== undefined && to < from)
      found.push(
        `${edge.from} (layer ${from}) imports ${edge.to} (layer ${to}, above it)${edge.runtime ? '' : ' for types'}: ${[...edge.files].join(', ')}`,
      );
  }
  for (const circle of circles(folderGraph)) found.push(`folders import each other at run time: ${circle.join(', ')}`);
  for (const circle of circles(fileGraph))
    found.push(`a circle of files: ${circle.map((file) => relative(ROOT, file)).join(', ')}`);
  for (const fn of functions)
    if (fn.lines > MAX_FUNCTION_LINES)
      found.push(
        `${relative(ROOT, fn.file)}:${fn.line} ${fn.name} is ${fn.lines} lines (at most ${MAX_FUNCTION_LINES})`,
      );
  return [...new Set(found)];
}

function dot({folderEdges}) {
  const lines = ['digraph src {', '  rankdir=TB; node [shape=box];'];
  LAYERS.forEach((layer, index) =>
    lines.push(`  {rank=same; ${layer.map((folder) => JSON.stringify(folder)).join('; ')}} // layer ${index}`),
  );
  for (const edge of folderEdges)
    lines.push(
      `  ${JSON.stringify(edge.from)} -> ${JSON.stringify(edge.to)}${edge.runtime ? '' : ' [style=dashed]'}; // ${edge.runtime} run-time, ${edge.typeOnly} type imports`,
    );
  lines.push('}');
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const graph = analyse();
  if (process.argv.includes('--graph')) console.log(dot(graph));
  else if (process.argv.includes('--functions'))
    for (const fn of graph.functions.sort((a, b) => b.lines - a.lines).slice(0, 40))
      console.log(`${String(fn.lines).padStart(4)}  ${relative(ROOT, fn.file)}:${fn.line} ${fn.name}`);
  else {
    const found = problems(graph);
    for (const problem of found) console.log(problem);
    if (found.length > 0) {
      console.log(`${found.length} problems in the house's rules (scripts/architecture.mjs)`);
      process.exit(1);
    }
    console.log(
      `src/: ${graph.files.length} files in ${LAYERS.length} layers, no circle, no function over ${MAX_FUNCTION_LINES} lines`,
    );
  }
}
