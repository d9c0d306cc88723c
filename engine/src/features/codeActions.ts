/**
 * Quick fixes for the engine's own diagnostics, from the detail each diagnostic carries (`data`): write the
 * link to the note an alias belongs to as `[[File|Alias]]` (aliases never resolve a link, R3.7), change a link to
 * a suggested near name, add the missing `https://` of a web address (R6.5).
 */
import { TextEdit } from 'vscode-languageserver-types';
import type { Link, Range } from '../model';
import { comparePositions } from '../syntax/text';
import { isNotePath, stem } from '../vault/paths';
import type { FeatureContext } from './context';
import { linkAt } from './definition';
import { encodeMarkdownPath, shortestLinkPath } from '../vault/linkWriter';

/** What a quick fix needs of a diagnostic: as the editor sends it back (code, range, data). */
export interface DiagnosticRef {
  code?: string | number;
  range: Range;
  data?: { suggestions?: string[]; aliasOf?: string };
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** Index of the diagnostic (in the list given) this fix answers. */
  diagnostic: number;
  isPreferred?: boolean;
}

export function provideQuickFixes(ctx: FeatureContext, path: string, diagnostics: readonly DiagnosticRef[]): QuickFix[] {
  const note = ctx.index.note(path);
  if (!note) return [];
  const fixes: QuickFix[] = [];
  diagnostics.forEach((d, i) => {
    const at = linkAt(note, d.range.start);
    const link = at?.link;
    if (!link || comparePositions(d.range.end, link.range.end) > 0) return;
    switch (d.code) {
      case 'missing-scheme':
        fixes.push({ title: `Add 'https://'`, edits: [TextEdit.insert(link.pathRange.start, 'https://')], diagnostic: i, isPreferred: true });
        break;
      case 'unresolved-link':
      case 'missing-attachment':
      case 'missing-embed': {
        const aliasOf = d.data?.aliasOf;
        if (aliasOf && link.syntax === 'wiki') {
          fixes.push({ title: `Link to '${stem(aliasOf)}' with '${link.path}' as its text`, edits: [aliasEdit(ctx, link, aliasOf)], diagnostic: i, isPreferred: true });
          break;
        }
        for (const target of d.data?.suggestions ?? []) {
          const text = linkText(ctx, link, target);
          fixes.push({ title: `Change to '${text}'`, edits: [TextEdit.replace(link.pathRange, text)], diagnostic: i, isPreferred: fixes.length === 0 });
        }
        break;
      }
    }
  });
  return fixes;
}

/** How a link to `target` is written in place of this link's path: wiki-links by shortest name, markdown encoded. */
function linkText(ctx: FeatureContext, link: Link, target: string): string {
  if (link.syntax === 'wiki') return shortestLinkPath(ctx.index.files, target);
  return encodeMarkdownPath(shortestLinkPath(ctx.index.files, target, true));
}

/** `[[Alias]]` → `[[File|Alias]]`, keeping the embed mark and a subpath (`[[Alias#H]]` → `[[File#H|Alias]]`). */
function aliasEdit(ctx: FeatureContext, link: Link, aliasOf: string): TextEdit {
  const name = isNotePath(aliasOf) ? shortestLinkPath(ctx.index.files, aliasOf) : aliasOf;
  const subpath = link.subpath !== undefined ? `#${link.subpath}` : '';
  const display = link.display !== undefined && link.display !== '' ? link.display : link.path;
  return TextEdit.replace(link.range, `${link.embed ? '!' : ''}[[${name}${subpath}|${display}]]`);
}
