/**
 * Quick fixes for the frontmatter schema's problems: a value outside the allowed ones replaced by one of them,
 * a deprecated singular key (`alias`, `tag`, `cssclass`) written as its plural list, a lone value written as
 * the list the schema wants, a missing required key added. Each fix is computed from the note's current model and applies only where the problem still is.
 */
import { TextEdit } from 'vscode-languageserver-types';
import type { FrontmatterEntry, FrontmatterValue, NoteModel, Range } from '../model';
import { frontmatterEntry, tagsOfValue, textItems } from '../syntax/frontmatter';
import { stem } from '../vault/paths';
import { defaultFrontmatterSchema, yamlValueText } from '../diagnostics/frontmatterSchema';
import type { FeatureContext } from './context';
import type { QuickFix } from './codeActions';

/** What a frontmatter fix needs of a diagnostic, as the editor sends it back. */
export interface FrontmatterDiagnosticRef {
  code?: string | number;
  range: Range;
  data?: { key?: string; allowed?: string[]; replacement?: string; asList?: boolean };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The value (at any depth) whose range is exactly `r`. */
function valueWithRange(entries: readonly FrontmatterEntry[], r: Range): FrontmatterValue | undefined {
  for (const e of entries) {
    const found = valueIn(e.value, r);
    if (found) return found;
  }
  return undefined;
}

function valueIn(v: FrontmatterValue, r: Range): FrontmatterValue | undefined {
  if (sameRange(v.range, r)) return v;
  for (const item of v.items ?? []) {
    const found = valueIn(item, r);
    if (found) return found;
  }
  return v.entries ? valueWithRange(v.entries, r) : undefined;
}

export function provideFrontmatterFixes(ctx: FeatureContext, path: string, diagnostics: readonly FrontmatterDiagnosticRef[]): QuickFix[] {
  const note = ctx.index.note(path);
  if (!note) return [];
  const fixes: QuickFix[] = [];
  diagnostics.forEach((d, i) => {
    switch (d.code) {
      case 'property-value-not-allowed': {
        const value = note.frontmatter && valueWithRange(note.frontmatter.keys, d.range);
        if (!value) return;
        (d.data?.allowed ?? []).forEach((allowed, n) => {
          fixes.push({ title: `Change to '${allowed}'`, edits: [TextEdit.replace(value.range, allowed)], diagnostic: i, isPreferred: n === 0 && d.data!.allowed!.length === 1 });
        });
        return;
      }
      case 'property-deprecated': {
        const entry = note.frontmatter?.keys.find((e) => sameRange(e.range, d.range));
        const plural = d.data?.replacement;
        if (!entry || !plural) return;
        const edit = pluralEdit(note, entry, plural);
        if (edit) fixes.push({ title: `Write '${plural}' instead of '${entry.key}'`, edits: [edit], diagnostic: i, isPreferred: true });
        return;
      }
      case 'property-wrong-type': {
        const value = d.data?.asList && note.frontmatter ? valueWithRange(note.frontmatter.keys, d.range) : undefined;
        if (!value || value.kind !== 'scalar') return;
        const items = d.data!.key === 'tags' ? tagsOfValue(value).map((t) => t.name) : textItems(value).map((x) => x.text!.trim());
        fixes.push({ title: 'Write as a list', edits: [TextEdit.replace(value.range, `[${items.map(yamlValueText).join(', ')}]`)], diagnostic: i, isPreferred: true });
        return;
      }
      case 'property-missing': {
        const key = d.data?.key;
        if (!key || frontmatterEntry(note.frontmatter, key)) return;
        fixes.push({ title: `Add '${key}'`, edits: [addKeyEdit(ctx, note, key)], diagnostic: i });
        return;
      }
    }
  });
  return fixes;
}

/**
 * `alias: X` → `aliases: [X]` (a comma-separated `tag: a, b` → `tags: [a, b]`, as it is read); a list keeps its
 * items and only the key changes. Nothing when the plural key is already there (two lists to merge by hand).
 */
function pluralEdit(note: NoteModel, entry: FrontmatterEntry, plural: string): TextEdit | undefined {
  if (frontmatterEntry(note.frontmatter, plural)) return undefined;
  const v = entry.value;
  if (v.kind !== 'scalar' || v.type === 'null') return TextEdit.replace(entry.range, plural);
  const items = plural === 'tags' ? tagsOfValue(v).map((t) => t.name) : textItems(v).map((x) => x.text!.trim());
  return TextEdit.replace({ start: entry.range.start, end: v.range.end }, `${plural}: [${items.map(yamlValueText).join(', ')}]`);
}

/** A line `key: value` before the closing `---` (a new frontmatter block when the note has none). */
function addKeyEdit(ctx: FeatureContext, note: NoteModel, key: string): TextEdit {
  const schema = ctx.frontmatterSchema?.() ?? defaultFrontmatterSchema();
  const d = schema.property(key)?.default;
  const value = d === undefined ? '' : d === '{{title}}' ? yamlValueText(stem(note.path)) : Array.isArray(d) ? `[${d.map(yamlValueText).join(', ')}]` : yamlValueText(d);
  const line = `${key}:${value === '' ? ' ' : ` ${value}`}`;
  const fm = note.frontmatter;
  if (!fm) return TextEdit.insert({ line: 0, character: 0 }, `---\n${line}\n---\n`);
  return TextEdit.insert({ line: fm.range.end.line, character: 0 }, `${line}\n`);
}
