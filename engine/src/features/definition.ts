/**
 * Go to definition: from any part of a link (wiki-link, embed, markdown link, reference definition, quoted
 * frontmatter link) to what it resolves to: the note or attachment, the heading's line, or the named block.
 */
import type { Link, NoteModel, Position, Range } from '../model';
import { compareLinkEnd, compareLinkStart } from '../model';
import { resolveLink, type LinkTarget } from '../vault/links';
import { splitLines } from '../syntax/text';
import type { FeatureContext, PathLocation } from './context';

export interface LinkAt {
  link: Link;
  /** Index of the link in `note.links`, which is also its index in `VaultIndex.linkTargets(note.path)`. */
  index: number;
}

/**
 * The link under the cursor. A cursor strictly inside a link wins; otherwise a cursor right after a link's last
 * character counts too, because that is where it stands after typing or double-clicking the link's end.
 */
export function linkAt(note: NoteModel, position: Position): LinkAt | undefined {
  let touching: LinkAt | undefined;
  for (let i = 0; i < note.links.length; i++) {
    const link = note.links[i];
    if (compareLinkStart(link, position) > 0) continue;
    const end = compareLinkEnd(link, position);
    if (end > 0) return { link, index: i };
    if (!touching && end === 0) touching = { link, index: i };
  }
  return touching;
}

/**
 * The link under the cursor together with its resolution. The index's stored resolution is used when it is
 * there (it is kept current on every change); a model that is not indexed yet is resolved on the spot.
 */
export function resolvedLinkAt(ctx: FeatureContext, path: string, position: Position): (LinkAt & { target: LinkTarget; note: NoteModel }) | undefined {
  const note = ctx.index.note(path);
  if (!note) return undefined;
  const at = linkAt(note, position);
  if (!at) return undefined;
  const target = ctx.index.linkTargets(path)[at.index] ?? resolveLink(at.link, path, ctx.index);
  return { ...at, target, note };
}

export function provideDefinition(ctx: FeatureContext, path: string, position: Position): PathLocation[] {
  const at = resolvedLinkAt(ctx, path, position);
  if (!at) return [];
  const location = targetLocation(ctx, at.target);
  return location ? [location] : [];
}

/**
 * Where a resolved link leads: the block's lines, the heading line, or the top of the file. A link whose file
 * exists but whose heading or block does not still leads to the file: that is the closest existing place.
 */
export function targetLocation(ctx: FeatureContext, t: LinkTarget): PathLocation | undefined {
  if (t.target === undefined) return undefined;
  if (t.block) {
    return { path: t.target, range: blockRange(ctx, t.target, t.block.startLine, t.block.endLine) };
  }
  if (t.heading) {
    const h = t.heading;
    return { path: t.target, range: { start: { line: h.line, character: 0 }, end: h.textRange.end } };
  }
  return { path: t.target, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

/**
 * The block's lines, from the start of its first line to the end of its last non-blank line (a list item's
 * block span includes the blank lines after it). Without the file's text, the range ends at the start of the
 * line after the block, which covers the same lines.
 */
function blockRange(ctx: FeatureContext, path: string, startLine: number, endLine: number): Range {
  const start = { line: startLine, character: 0 };
  const text = ctx.getText(path);
  if (text === undefined) return { start, end: { line: endLine + 1, character: 0 } };
  const lines = splitLines(text);
  let last = Math.min(endLine, lines.length - 1);
  while (last > startLine && lines[last].trim() === '') last--;
  return { start, end: { line: last, character: (lines[last] ?? '').length } };
}
