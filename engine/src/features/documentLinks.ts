/**
 * Clickable links: every vault link in a note with the URI of what it resolves to. Headings and blocks add a
 * `#L<line>` fragment (1-based, as editors read it) so that the click lands on the right line. Links that do not
 * resolve are still reported, without a target, so the editor can explain them instead of guessing a file.
 * External URLs are left to the editor's own markdown support.
 */
import type { Link, Range } from '../model';
import { linkPathRange, linkRange, linkSubpathRange } from '../model';
import { resolveLink, type LinkTarget } from '../vault/links';
import { stem } from '../vault/paths';
import type { FeatureContext } from './context';

export interface NoteDocumentLink {
  range: Range;
  /** URI of the target file, with `#L<line>` for a heading or block; absent when the link does not resolve. */
  target?: string;
  tooltip: string;
}

export function provideDocumentLinks(ctx: FeatureContext, path: string, toUri: (path: string) => string): NoteDocumentLink[] {
  const note = ctx.index.note(path);
  if (!note) return [];
  const targets = ctx.index.linkTargets(path);
  const out: NoteDocumentLink[] = [];
  for (let i = 0; i < note.links.length; i++) {
    const link = note.links[i];
    const t = targets[i] ?? resolveLink(link, path, ctx.index);
    if (t.status === 'external' || t.status === 'empty') continue;
    const range = clickableRange(link);
    if (!range) continue;
    if (t.target === undefined) {
      out.push({ range, tooltip: t.status === 'outside-vault' ? `'${link.path}' points outside the vault` : `'${link.path}' not found in the vault` });
      continue;
    }
    const line = t.block ? t.block.startLine : t.heading ? t.heading.line : undefined;
    out.push({
      range,
      target: line === undefined ? toUri(t.target) : `${toUri(t.target)}#L${line + 1}`,
      tooltip: tooltip(t),
    });
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}

/**
 * The part of a link that reacts to a click. A wiki-link is one token, display text included. For markdown links
 * and reference definitions only the destination is, as in any markdown editor, so the text stays editable.
 */
function clickableRange(link: Link): Range | undefined {
  if (link.syntax === 'wiki') return linkRange(link);
  const pathRange = linkPathRange(link);
  const end = (linkSubpathRange(link) ?? pathRange).end;
  const start = pathRange.start;
  if (start.line === end.line && start.character === end.character) return undefined;
  return { start, end };
}

function tooltip(t: LinkTarget): string {
  const target = t.target!;
  if (t.heading) return `Go to heading '${t.heading.text}' in ${target}`;
  if (t.block) return `Go to block ^${t.block.id} in ${target}`;
  if (t.status === 'missing-heading' || t.status === 'missing-block') return `Open ${target} (${t.status === 'missing-heading' ? 'heading' : 'block'} not found in '${stem(target)}')`;
  return `Open ${target}`;
}
