/**
 * Backlinks: for one note, every link, markdown link and embed elsewhere in the vault that resolves to it, each
 * with the text around it (the paragraph or list item, trimmed), the heading path under which it occurs in the
 * linking note, and grouped by what of the target it names (the whole note, a heading, a block).
 *
 * Read from the index's reverse edges (`backlinksOf`) and stored resolutions (`linkTargets`): the cost is the
 * linking notes and their texts, never the vault. The order is deterministic: linking notes by path, groups by
 * the target's own order (whole note, then headings and blocks by line), occurrences by position.
 */
import type { Block, Link, NoteModel, Range } from '../model';
import { linkRange } from '../model';
import { noteBlocks } from '../model';
import type { LinkTarget } from '../vault/links';
import { splitLines } from '../syntax/text';
import { throwIfCancelled, type FeatureContext } from './context';
import { titleHeading } from './references';

/** A stretch of a note's text to show around a link or a mention, on one line. */
export interface ContextLine {
  /** The text shown: list and quote markers dropped, lines joined by a space, cut to a sensible length with `…`. */
  text: string;
  /** Where the link or mention stands in {@link text}: start and end (exclusive) offsets. */
  highlight: [number, number];
}

/** What a link names of its target. */
export type BacklinkGroupKind = 'note' | 'heading' | 'block' | 'missing';

export interface BacklinkOccurrence {
  /** The link as written, `!` and brackets included. */
  range: Range;
  syntax: Link['syntax'];
  embed: boolean;
  context: ContextLine;
  /** The headings of the linking note under which the link stands, outermost first. */
  headingPath: string[];
}

/** The links of one note that name the same part of the target. */
export interface BacklinkGroup {
  kind: BacklinkGroupKind;
  /**
   * The heading's text (`OSPO`), the block's `^id`, or for a heading or block the target lacks the subpath as
   * written (`#Nowhere`, `#^gone`); absent for the whole note.
   */
  label?: string;
  /** The target's line of that heading or block (absent for the whole note and for missing ones). */
  line?: number;
  occurrences: BacklinkOccurrence[];
}

export interface LinkingNote {
  path: string;
  /** The frontmatter title, when the note has one. */
  title?: string;
  groups: BacklinkGroup[];
  /** Occurrences in all groups. */
  count: number;
}

export interface Backlinks {
  path: string;
  notes: LinkingNote[];
  /** Occurrences in all notes. */
  count: number;
}

/**
 * The notes linking to `path`. The note itself is left out: links inside a note to its own headings are its
 * outline, not what links to it (Obsidian's backlinks pane does the same).
 */
export function provideBacklinks(ctx: FeatureContext, path: string): Backlinks {
  const result: Backlinks = { path, notes: [], count: 0 };
  for (const source of linkingPaths(ctx, path)) addLinkingNote(ctx, path, source, result);
  return result;
}

/**
 * {@link provideBacklinks} with `pause` awaited between slices of about `sliceMs`: a note linked from thousands
 * of notes reads all their texts, and other requests are answered meanwhile. Cancellation is checked in every
 * slice.
 */
export async function provideBacklinksInSlices(ctx: FeatureContext, path: string, pause: () => Promise<void>, sliceMs = 10): Promise<Backlinks> {
  const result: Backlinks = { path, notes: [], count: 0 };
  let sliceEnd = Date.now() + sliceMs;
  for (const source of linkingPaths(ctx, path)) {
    if (Date.now() >= sliceEnd) {
      await pause();
      sliceEnd = Date.now() + sliceMs;
    }
    addLinkingNote(ctx, path, source, result);
  }
  return result;
}

function linkingPaths(ctx: FeatureContext, path: string): string[] {
  return [...ctx.index.backlinksOf(path)].filter((p) => p !== path).sort(compareStrings);
}

function addLinkingNote(ctx: FeatureContext, path: string, source: string, into: Backlinks): void {
  throwIfCancelled(ctx.cancellation);
  const note = ctx.index.note(source);
  const linking = note && linkingNote(ctx, note, path);
  if (!linking) return;
  into.notes.push(linking);
  into.count += linking.count;
}

function linkingNote(ctx: FeatureContext, note: NoteModel, path: string): LinkingNote | undefined {
  const targets = ctx.index.linkTargets(note.path);
  const indexes: number[] = [];
  for (let i = 0; i < note.links.length; i++) if (targets[i]?.target === path) indexes.push(i);
  if (indexes.length === 0) return undefined;
  // Only the linking notes' texts are read: their number, not the vault's size, bounds the cost.
  const text = ctx.getText(note.path);
  const lines = text !== undefined ? splitLines(text) : [];
  const groups = new Map<string, BacklinkGroup>();
  for (const i of indexes) {
    const link = note.links[i];
    const group = groupOf(link, targets[i]);
    const key = `${group.kind}\u0000${group.label ?? ''}\u0000${group.line ?? ''}`;
    let into = groups.get(key);
    if (!into) groups.set(key, (into = group));
    into.occurrences.push({
      range: linkRange(link),
      syntax: link.syntax,
      embed: link.embed,
      context: blockContext(note, lines, linkRange(link)),
      headingPath: headingPathAt(note, linkRange(link).start.line),
    });
  }
  const ordered = [...groups.values()].sort(compareGroups);
  for (const g of ordered) g.occurrences.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { path: note.path, ...(note.title ? { title: note.title } : {}), groups: ordered, count: indexes.length };
}

function groupOf(link: Link, t: LinkTarget): BacklinkGroup {
  if (t.heading) return { kind: 'heading', label: t.heading.text, line: t.heading.line, occurrences: [] };
  if (t.block) return { kind: 'block', label: `^${t.block.id}`, line: t.block.range.start.line, occurrences: [] };
  if ((t.status === 'missing-heading' || t.status === 'missing-block') && link.subpath !== undefined) return { kind: 'missing', label: `#${link.subpath}`, occurrences: [] };
  return { kind: 'note', occurrences: [] };
}

const GROUP_RANK: Record<BacklinkGroupKind, number> = { note: 0, heading: 1, block: 1, missing: 2 };

function compareGroups(a: BacklinkGroup, b: BacklinkGroup): number {
  return GROUP_RANK[a.kind] - GROUP_RANK[b.kind] || (a.line ?? 0) - (b.line ?? 0) || compareStrings(a.label ?? '', b.label ?? '');
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The texts of the headings whose sections hold `line`, outermost first (a heading's own line is under its
 * parents). The note's title heading (see `titleHeading`) is left out: it names the note, which the view shows.
 */
export function headingPathAt(note: NoteModel, line: number): string[] {
  const path: string[] = [];
  const title = titleHeading(note);
  for (const h of note.headings) {
    if (h.line > line) break;
    if (h !== title && h.line < line && line <= h.sectionEndLine) path.push(h.text);
  }
  return path;
}

// ---------------------------------------------------------------------------------------------------------------
// Context: the text around a link or a mention

/** At most this many source lines make a context; a longer paragraph or item shows the lines of the span alone. */
export const MAX_CONTEXT_LINES = 4;
/** A context longer than this is cut after the span, at a word boundary where it can be. */
export const MAX_CONTEXT_CHARACTERS = 200;
/**
 * At most this much text is shown before the span: a row of the view shows its start, and the link or mention
 * must be in sight there (a paragraph's first sentence matters less than the words around it).
 */
export const MAX_CONTEXT_LEAD = 60;

/**
 * The paragraph, heading or list item (its own text, not its sub-items) holding `span`, as one line; inside
 * quotes, callouts, tables and code, or past {@link MAX_CONTEXT_LINES}, the span's own lines.
 */
export function blockContext(note: NoteModel, lines: readonly string[], span: Range): ContextLine {
  const block = innermostTextBlock(noteBlocks(note), span.start.line);
  let first = span.start.line;
  let last = span.end.line;
  if (block) {
    const end = textEndOf(block);
    if (end >= span.end.line && end - block.startLine < MAX_CONTEXT_LINES) {
      first = block.startLine;
      last = end;
    }
  }
  return contextOf(lines, first, last, span);
}

/** The last line of a block's own text: a list item without its sub-items, a setext heading without its underline. */
function textEndOf(b: Block): number {
  return b.kind === 'list-item' || b.kind === 'heading' ? b.idLine : b.endLine;
}

function innermostTextBlock(blocks: readonly Block[], line: number): Block | undefined {
  let best: Block | undefined;
  for (const b of blocks) {
    if (b.kind !== 'paragraph' && b.kind !== 'heading' && b.kind !== 'list-item') continue;
    const end = textEndOf(b);
    if (b.startLine <= line && line <= end && (!best || b.startLine >= best.startLine)) best = b;
  }
  return best;
}

/** Leading indentation, quote markers, a list marker and a task box, or a heading's `#`s: what a context line does not show. */
const LINE_PREFIX = /^[ \t]*(?:>[ \t]?)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[.\][ \t]+)?|#{1,6}[ \t]+)?/;

/** Lines `first`..`last` joined into one line, with `span` (within them) as the highlight, cut to length. */
export function contextOf(lines: readonly string[], first: number, last: number, span: Range): ContextLine {
  let text = '';
  let hs = -1;
  let he = -1;
  for (let l = first; l <= last && l < lines.length; l++) {
    const raw = lines[l];
    const cut = Math.min(LINE_PREFIX.exec(raw)?.[0].length ?? 0, l === span.start.line ? span.start.character : raw.length, l === span.end.line ? span.end.character : raw.length);
    const body = raw.slice(cut).replace(/\s+$/, '');
    if (body === '' && l !== span.start.line && l !== span.end.line) continue;
    if (text !== '' && body !== '') text += ' ';
    const base = text.length - cut;
    if (l === span.start.line) hs = base + span.start.character;
    if (l === span.end.line) he = Math.min(base + span.end.character, base + cut + body.length);
    text += body;
  }
  if (hs < 0) hs = 0;
  if (he < hs) he = hs;
  return clip(text, hs, he);
}

function clip(text: string, hs: number, he: number): ContextLine {
  // Cut at a space near each end where there is one, so no word is shown in halves.
  let from = 0;
  if (hs > MAX_CONTEXT_LEAD) {
    from = hs - MAX_CONTEXT_LEAD;
    const space = text.indexOf(' ', from);
    if (space >= 0 && space < hs && space - from < 20) from = space + 1;
  }
  let to = text.length;
  if (to - from > MAX_CONTEXT_CHARACTERS) {
    to = Math.max(he, from + MAX_CONTEXT_CHARACTERS);
    const space = text.lastIndexOf(' ', to);
    if (space > he && to - space < 20) to = space;
  }
  const head = from > 0 ? '…' : '';
  const tail = to < text.length ? '…' : '';
  return { text: head + text.slice(from, to) + tail, highlight: [hs - from + head.length, he - from + head.length] };
}
