/**
 * Quick fixes for `mojibake` diagnostics: replace a damaged run by the text it stood for, or every damaged run of
 * the note at once. The edits come from the note's model (what the parser found in the text the editor sent),
 * not from the diagnostic's `data`, so a stale or forged diagnostic restores nothing.
 */
import { TextEdit } from 'vscode-languageserver-types';
import type { EncodingDamage, Range } from '../model';
import { comparePositions } from '../syntax/text';
import type { FeatureContext } from './context';
import type { DiagnosticRef, QuickFix } from './codeActions';
import { restoredTextLabel } from '../diagnostics/encoding';

export function provideEncodingFixes(ctx: FeatureContext, path: string, diagnostics: readonly DiagnosticRef[]): QuickFix[] {
  const note = ctx.index.note(path);
  const damage = note?.encodingDamage;
  // Text read with invalid UTF-8 replaced for display is not the file: no edit is computed against it.
  if (!damage || note.readProblems.some((p) => p.code === 'invalid-utf8')) return [];
  const fixes: QuickFix[] = [];
  let all: QuickFix | undefined;
  diagnostics.forEach((d, i) => {
    if (d.code !== 'mojibake') return;
    const run = damage.find((r) => sameRange(r.range, d.range));
    if (!run) return;
    fixes.push({ title: `Restore ${restoredTextLabel(run.restored)}`, edits: [edit(run)], diagnostic: i, isPreferred: true });
    // Offered once, however many of the note's runs the request names.
    if (damage.length > 1 && !all) all = { title: `Restore all ${damage.length} damaged runs in this note`, edits: damage.map(edit), diagnostic: i };
  });
  return all ? [...fixes, all] : fixes;
}

function edit(run: EncodingDamage): TextEdit {
  return TextEdit.replace(run.range, run.replacement);
}

function sameRange(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}
