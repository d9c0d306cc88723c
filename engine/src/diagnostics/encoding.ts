/**
 * The `mojibake` rule: runs of UTF-8 text that were once decoded as Windows-1252 or Latin-1 and saved again. The
 * parser finds them (syntax/mojibake.ts, from the note's text); this rule reports each with the text it stood
 * for and carries the replacement for the quick fix (features/encodingFixes.ts) and the checker's
 * `--fix-encoding`.
 */
import type { EncodingDamage } from '../model';
import type { NoteDiagnostic } from './diagnostics';
import type { DiagnosticRule } from './rule';

export const encodingRule: DiagnosticRule = {
  id: 'encoding',
  codes: ['mojibake'],
  // Read from the note's own text only.
  dependsOn: [],
  check(ctx, path) {
    const note = ctx.index.note(path);
    if (!note?.encodingDamage) return [];
    return note.encodingDamage.map((d) => mojibakeDiagnostic(path, d));
  },
};

function mojibakeDiagnostic(path: string, d: EncodingDamage): NoteDiagnostic {
  return {
    path,
    range: d.range,
    severity: 'warning',
    code: 'mojibake',
    message: `Encoding damage: '${d.damaged}' is UTF-8 text that was read as Windows-1252 (or Latin-1) and saved again; it was ${restoredTextLabel(d.restored)}.`,
    data: { replacement: d.replacement },
  };
}

/** The restored text in quotes; text of invisible characters only (a no-break space, a byte order mark) by name. */
export function restoredTextLabel(text: string): string {
  if (!/^[\p{Cc}\p{Cf}\p{Z}]+$/u.test(text)) return `'${text}'`;
  return [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}
