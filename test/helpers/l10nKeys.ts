/**
 * The keys the extension's strings are looked up by, collected from where they are written, so
 * test/extension/l10n.test.ts can hold the bundles to them: the `t('…')` / `l10n.t('…')` calls of
 * the host, the pages and src/shared (whose words take the surface's `t`) (read with the TypeScript compiler, so a call split over lines or
 * inside a template is found like any other), the option tables' words, and the manifest's
 * `%key%` references.
 */
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FORECAST_OPTIONS, PACKING_OPTIONS, SEQ2SEQ_OPTIONS, STORE_OPTIONS, TRAINER_OPTIONS, type OptionTable } from '../../src/shared/options';

/**
 * The translators themselves: they pass their caller's text on, so their own calls are not
 * literal. Their callers are scanned (`t`), or their inputs are the tables' words (`tableText`).
 */
export const TRANSLATORS: Readonly<Record<string, readonly string[]>> = {
  'src/extension/core/strings.ts': ['t', 'sayIn', 'tableText'],
  'src/webview/l10n.ts': ['t', 'tableText'],
};

export interface KeyScan {
  /** Literal keys, each with the places it is used. */
  keys: Map<string, string[]>;
  /** Calls whose key is not a literal (file:line: the call), which no bundle check could follow. */
  dynamic: string[];
}

/** True when `node` calls a translator, `t(…)`, `l10n.t(…)` or `vscode.l10n.t(…)`, or names words for one, `say(…)` (src/shared/said.ts). */
function isTranslatorCall(node: ts.CallExpression): boolean {
  const f = node.expression;
  if (ts.isIdentifier(f)) return f.text === 't' || f.text === 'say';
  return ts.isPropertyAccessExpression(f) && f.name.text === 't' && /(^|\.)l10n$/.test(f.expression.getText());
}

function enclosingFunction(node: ts.Node): string | null {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) && n.name) return n.name.text;
  }
  return null;
}

/** Scans one source text; `file` is its path from the repository root. */
export function scanSource(file: string, source: string, into: KeyScan = { keys: new Map(), dynamic: [] }, only?: readonly string[]): KeyScan {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && /(^|\.)l10n\.t$|^t$/.test(node.tag.getText(sf))) {
      into.dynamic.push(`${where(sf, node)}: ${node.getText(sf).slice(0, 80)} (a tagged template: write t('…', args))`);
    }
    if (ts.isCallExpression(node) && isTranslatorCall(node) && (!only || (ts.isIdentifier(node.expression) && only.includes(node.expression.text)))) {
      const arg = node.arguments[0];
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) {
        const list = into.keys.get(arg.text) ?? [];
        list.push(where(sf, node));
        into.keys.set(arg.text, list);
      } else if (!TRANSLATORS[file]?.includes(enclosingFunction(node) ?? '')) {
        into.dynamic.push(`${where(sf, node)}: ${node.getText(sf).slice(0, 80)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return into;
}

function where(sf: ts.SourceFile, node: ts.Node): string {
  return `${sf.fileName}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every translator call of the host (src/extension), the pages (src/webview) and what they share (src/shared), and the engine's `say` words. */
export function scanSources(root: string): KeyScan {
  const scan: KeyScan = { keys: new Map(), dynamic: [] };
  for (const dir of ['src/extension', 'src/webview', 'src/shared']) {
    for (const file of tsFiles(path.join(root, dir))) scanSource(path.relative(root, file).split(path.sep).join('/'), readFileSync(file, 'utf8'), scan);
  }
  // The engine has no translator; its errors' words are `say('…')`, which the host says.
  for (const file of tsFiles(path.join(root, 'src/engine'))) scanSource(path.relative(root, file).split(path.sep).join('/'), readFileSync(file, 'utf8'), scan, ['say']);
  return scan;
}

export const TABLES: Readonly<Record<string, OptionTable>> = { trainer: TRAINER_OPTIONS, forecast: FORECAST_OPTIONS, seq2seq: SEQ2SEQ_OPTIONS, packing: PACKING_OPTIONS, store: STORE_OPTIONS };

/** The tables' words (labels, help, choices' labels and help), each with the entry it is from. */
export function tableWords(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (text: string, from: string) => out.set(text, [...(out.get(text) ?? []), from]);
  for (const [table, entries] of Object.entries(TABLES)) {
    for (const s of Object.values(entries)) {
      add(s.label, `${table}.${s.name}.label`);
      add(s.help, `${table}.${s.name}.help`);
      if (s.type === 'enum') {
        for (const c of s.choices) {
          add(c.label, `${table}.${s.name}.${c.value}.label`);
          if (c.help) add(c.help, `${table}.${s.name}.${c.value}.help`);
        }
      }
    }
  }
  return out;
}

/** Every `%key%` a manifest value refers to, anywhere in package.json. */
export function manifestRefs(pkg: unknown, out = new Set<string>()): Set<string> {
  if (typeof pkg === 'string') {
    const m = /^%([^%\s]+)%$/.exec(pkg);
    if (m) out.add(m[1]);
  } else if (Array.isArray(pkg)) {
    for (const v of pkg) manifestRefs(v, out);
  } else if (typeof pkg === 'object' && pkg !== null) {
    for (const v of Object.values(pkg)) manifestRefs(v, out);
  }
  return out;
}

/** The `{0}`, `{1}`… of a message, sorted, each once. */
export function placeholders(s: string): string[] {
  return [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();
}
