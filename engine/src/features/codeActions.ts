/**
 * Code actions on a note: quick fixes for the engine's own diagnostics (from the detail each diagnostic carries,
 * `data`, and the index's resolution of the link), one "fix all" of the unambiguous ones, and refactorings of a
 * link or a selection.
 *
 * Quick fixes: write a link to an alias or a title as `[[File|Alias]]` (aliases and titles never resolve a link,
 * R3.7); change a link to a suggested near name; create the missing note (in the folder for new notes, from the
 * template); pick one of the target's headings or block ids for a missing one, closest first; qualify an
 * ambiguous link with each candidate's shortest unambiguous path; give a duplicate block id a fresh one; write a
 * GitHub-slug fragment as the heading's text; add the missing `https://` of a web address (R6.5).
 * Refactorings: convert a wiki-link to a markdown link and back; extract the selection into a new note, leaving a
 * link or an embed in its place.
 *
 * Every link is written by the link writer (vault/linkWriter.ts) in the vault's link format; new notes go where
 * the vault's settings say (vault/vaultSettings.ts, features/newNote.ts). Actions are plain data: edits of the
 * note they were asked for, at most one note to create, and edits of other notes whose links follow moved text.
 * The server packages them with each document's version (edits.ts).
 */
import { TextEdit } from 'vscode-languageserver-types';
import type { Link, NoteModel, Position, Range } from '../model';
import { compareLinkEnd, compareLinkStart, compareLinkStarts, linkPathRange, linkRange, linkSubpathRange } from '../model';
import { noteBlocks } from '../model';
import type { DiagnosticOptions } from '../diagnostics/diagnostics';
import { noteDiagnostics } from '../diagnostics/rules';
import { comparePositions, splitLines } from '../syntax/text';
import type { LinkTarget } from '../vault/links';
import { stem } from '../vault/paths';
import { headingLinkText } from '../vault/resolve';
import { editDistance } from '../vault/vault';
import { type FeatureContext, vaultSettingsOf } from './context';
import { linkAt } from './definition';
import { freshBlockId } from '../vault/blockIdWriter';
import {
  displayTextOf,
  type LinkFormat,
  linkFormOf,
  LinkWriteError,
  rewriteLink,
  writeLink,
  writeLinkPath,
} from '../vault/linkWriter';
import { newNoteTemplate } from '../diagnostics/frontmatterSchema';
import {
  freeNewNotePath,
  newNotePath,
  noteNameFromText,
} from './newNote';
import { expandTemplate, templateValues } from './templates';

/** What a quick fix needs of a diagnostic: as the editor sends it back (code, range, data). */
export interface DiagnosticRef {
  code?: string | number;
  range: Range;
  data?: { suggestions?: string[]; aliasOf?: string; candidates?: string[] };
}

/** LSP code action kinds the engine's actions have. */
export type NoteActionKind = 'quickfix' | 'refactor.rewrite' | 'refactor.extract' | 'source.fixAll';

/** A note an action creates: its vault path and its whole text. It is never written over an existing file. */
export interface NoteCreation {
  path: string;
  text: string;
}

export interface NoteAction {
  title: string;
  /** Absent: a quick fix. */
  kind?: NoteActionKind;
  /** Edits of the note the action was asked for. */
  edits: TextEdit[];
  /** A note the action creates (before the edits apply). */
  create?: NoteCreation;
  /** The fix to apply without asking (one unambiguous answer). "Fix all" applies exactly these. */
  isPreferred?: boolean;
  /** Edits of other notes (links to what the action moves), by vault path, computed from their indexed models. */
  otherEdits?: Array<{ path: string; edits: TextEdit[] }>;
  /**
   * Only the title is known: the edits are computed when the action is chosen (asked again with `'full'`, the
   * same title). An editor asks for actions at every selection change; an extraction's edits cost a pass over
   * the selection and the notes linking here.
   */
  deferred?: true;
}

export interface QuickFix extends NoteAction {
  /** Index of the diagnostic (in the list given) this fix answers. */
  diagnostic: number;
}

/** How new notes are made; where they go is the vault's setting (`vaultSettingsOf(ctx).newNoteFolder`). */
export interface NewNoteOptions {
  /** `ospoNotes.newNoteTemplate`, its tags expanded (features/templates.ts); absent or empty: the vault's frontmatter schema's template. */
  newNoteTemplate?: string;
  /** The clock `{{date}}` and `{{time}}` read; absent: the system's. */
  now?: () => Date;
  /**
   * Whether a file at this vault path belongs to the vault (`VaultRules.isMember`): a note created in an ignored
   * folder would not be a link target, so no action creates one there. Absent: every path does.
   */
  isMember?: (path: string) => boolean;
}

/** How many headings or block ids a missing one is offered. */
const MAX_CHOICES = 5;

export function provideQuickFixes(ctx: FeatureContext, path: string, diagnostics: readonly DiagnosticRef[], options: NewNoteOptions = {}): QuickFix[] {
  const note = ctx.index.note(path);
  if (!note) return [];
  const targets = ctx.index.linkTargets(path);
  const fixes: QuickFix[] = [];
  // Looked up once per request, not once per diagnostic: a note may have thousands of problems.
  const linkOf = linkFinder(note);
  const blockAt = new Map(note.blockIds.map((b) => [positionKey(b.range.start), b]));
  // Ids handed out by this request count as taken: two duplicates fixed together get two different ids.
  const takenIds = new Set(note.blockIds.map((b) => b.id.toLowerCase()));
  diagnostics.forEach((d, i) => {
    const add = (title: string, edits: TextEdit[], extra: Partial<NoteAction> = {}): void => {
      fixes.push({ title, kind: 'quickfix', edits, diagnostic: i, ...extra });
    };
    if (d.code === 'duplicate-block-id') {
      const dup = blockAt.get(positionKey(d.range.start));
      if (!dup || comparePositions(dup.range.end, d.range.end) !== 0) return;
      // Ids compare case-insensitively (R4.7); asked one at a time, freshBlockId would copy the set every time.
      let id = freshBlockId(NO_IDS);
      while (takenIds.has(id)) id = freshBlockId(NO_IDS);
      takenIds.add(id);
      add(`Change the block id to '^${id}'`, [TextEdit.replace(dup.range, `^${id}`)], { isPreferred: true });
      return;
    }
    const at = linkOf(d.range.start);
    const link = at?.link;
    if (!at || !link || comparePositions(d.range.end, linkRange(link).end) > 0) return;
    const t: LinkTarget | undefined = targets[at.index];
    switch (d.code) {
      case 'missing-scheme':
        add(`Add 'https://'`, [TextEdit.insert(linkPathRange(link).start, 'https://')], { isPreferred: true });
        break;
      case 'unresolved-link':
      case 'missing-attachment':
      case 'missing-embed': {
        const suggestions = d.data?.suggestions ?? [];
        // An alias or a title used as a link (R3.7): the note it names, with the written name kept as the text.
        const named = d.data?.aliasOf ?? (suggestions.length === 1 && ctx.index.notesWithTitle(link.path).has(suggestions[0]) ? suggestions[0] : undefined);
        if (named) {
          const edit = link.syntax === 'wiki' ? namedLinkEdit(ctx, note, link, named) : undefined;
          const text = link.syntax === 'wiki' ? undefined : linkPathText(ctx, path, link, named);
          if (edit) add(`Link to '${stem(named)}' with '${link.path}' as its text`, [edit], { isPreferred: true });
          else if (text !== undefined) add(`Change to '${text}'`, [TextEdit.replace(linkPathRange(link), text)], { isPreferred: true });
          break;
        }
        for (const target of suggestions) {
          const text = linkPathText(ctx, path, link, target);
          // Several near names: the user chooses; only a single one is applied without asking.
          if (text !== undefined) add(`Change to '${text}'`, [TextEdit.replace(linkPathRange(link), text)], { isPreferred: suggestions.length === 1 });
        }
        const create = createNoteFix(ctx, path, link, options);
        if (create) add(create.title, [], { create: create.create });
        break;
      }
      case 'missing-heading': {
        const target = t?.target !== undefined ? ctx.index.note(t.target) : undefined;
        if (!target || !t?.target || linkSubpathRange(link) === undefined) break;
        const wanted = t.failedSegment ?? link.subpath ?? '';
        for (const h of closest(target.headings, wanted, (h) => h.text)) {
          const edits = subpathEdits(ctx, path, link, t.target, headingSubpath(link, h.text));
          if (edits) add(`Link to heading '${h.text}'`, edits);
        }
        break;
      }
      case 'missing-block': {
        const target = t?.target !== undefined ? ctx.index.note(t.target) : undefined;
        if (!target || !t?.target || linkSubpathRange(link) === undefined) break;
        const wanted = (link.subpath ?? '').replace(/^\^/, '');
        const unique = [...new Map(target.blockIds.map((b) => [b.id.toLowerCase(), b])).values()];
        for (const b of closest(unique, wanted, (b) => b.id)) {
          const edits = subpathEdits(ctx, path, link, t.target, `^${b.id}`);
          if (edits) add(`Link to block '^${b.id}'`, edits);
        }
        break;
      }
      case 'ambiguous-link': {
        const candidates = d.data?.candidates ?? t?.resolution?.candidates ?? [];
        for (const c of candidates) {
          const text = linkPathText(ctx, path, link, c);
          if (text !== undefined && text !== link.path) add(`Qualify as '${text}'`, [TextEdit.replace(linkPathRange(link), text)]);
        }
        break;
      }
      case 'heading-slug-fragment': {
        if (!t?.heading || !t.target || linkSubpathRange(link) === undefined) break;
        const edits = subpathEdits(ctx, path, link, t.target, headingSubpath(link, t.heading.text));
        if (edits) add(`Write the heading as '${t.heading.text}'`, edits, { isPreferred: true });
        break;
      }
    }
  });
  return fixes;
}

/**
 * "Fix all" for a note (`source.fixAll`): every preferred fix of its diagnostics, which is to say every fix with
 * one unambiguous answer, in one edit; undefined when there is none. Fixes that would overlap an earlier one
 * (none do today: each diagnostic has its own range) are left out rather than merged.
 */
export function provideFixAll(ctx: FeatureContext, path: string, diagnosticOptions: DiagnosticOptions = {}): NoteAction | undefined {
  const fixes = provideQuickFixes(ctx, path, noteDiagnostics(ctx.index, path, diagnosticOptions)).filter((f) => f.isPreferred && !f.create);
  const edits: TextEdit[] = [];
  let applied = 0;
  // In text order, each fix is taken when it starts after every edit taken so far ends: n log n for a note of
  // thousands of problems. (A fix's own edits are in text order and do not overlap.)
  const first = (f: QuickFix): Position => f.edits[0].range.start;
  let end: Position = { line: 0, character: 0 };
  for (const f of fixes.filter((x) => x.edits.length > 0).sort((a, b) => comparePositions(first(a), first(b)))) {
    if (comparePositions(first(f), end) < 0) continue;
    edits.push(...f.edits);
    end = f.edits[f.edits.length - 1].range.end;
    applied++;
  }
  if (edits.length === 0) return undefined;
  return { title: `Fix all auto-fixable problems (${applied})`, kind: 'source.fixAll', edits };
}

/**
 * Refactorings at `range` of the note: convert the link there to the other style, and, for a selection, move the
 * selected text into a new note leaving a link (or an embed) to it.
 */
export function provideRefactorings(ctx: FeatureContext, path: string, range: Range, options: NewNoteOptions = {}, detail: 'full' | 'titles' = 'full'): NoteAction[] {
  const note = ctx.index.note(path);
  if (!note) return [];
  const actions: NoteAction[] = [];
  const conversion = convertLinkAction(ctx, note, range);
  if (conversion) actions.push(conversion);
  actions.push(...extractActions(ctx, note, range, options, detail));
  return actions;
}

const NO_IDS: ReadonlySet<string> = new Set();

function positionKey(p: Position): string {
  return `${p.line}:${p.character}`;
}

/**
 * `linkAt` for many positions of one note: the links sorted by start once, each position found by binary search
 * (links do not overlap). Falls back to `linkAt` where the search finds nothing, so the answer is the same.
 */
function linkFinder(note: NoteModel): (p: Position) => { link: Link; index: number } | undefined {
  let order: number[] | undefined;
  return (p) => {
    order ??= note.links.map((_, i) => i).sort((a, b) => compareLinkStarts(note.links[a], note.links[b]));
    let lo = 0;
    let hi = order.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareLinkStart(note.links[order[mid]], p) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const index = found >= 0 ? order[found] : -1;
    if (index >= 0 && compareLinkEnd(note.links[index], p) > 0) return { link: note.links[index], index };
    return linkAt(note, p);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Creating the missing note

function createNoteFix(ctx: FeatureContext, path: string, link: Link, options: NewNoteOptions): { title: string; create: NoteCreation } | undefined {
  if (link.external || link.path.trim() === '') return undefined;
  const planned = newNotePath(link.path, path, vaultSettingsOf(ctx).newNoteFolder);
  if (!planned.ok) return undefined;
  const create = newNoteCreation(ctx, planned.path, planned.title, options);
  return create ? { title: `Create note '${planned.path}'`, create } : undefined;
}

/**
 * The note to create at `path` (planned by features/newNote.ts) with `title`, from the template: what the quick
 * fix and the Placeholders view's "Create Note" create. Undefined when a file is already there (the link would
 * then resolve, or the name differs only in case) or the path is not part of the vault.
 */
export function newNoteCreation(ctx: FeatureContext, path: string, title: string, options: NewNoteOptions): NoteCreation | undefined {
  if (ctx.index.files.withPath(path).length > 0 || options.isMember?.(path) === false) return undefined;
  // Our template when set; else the one the vault's frontmatter schema gives, so the note starts valid.
  return { path, text: expandTemplate(options.newNoteTemplate || newNoteTemplate(ctx.frontmatterSchema?.()), templateValues(ctx, title, options.now?.() ?? new Date())) };
}

// ---------------------------------------------------------------------------------------------------------------
// Closest names

/** The `MAX_CHOICES` items whose name is closest to `wanted` (case-folded edit distance), ties in document order. */
function closest<T>(items: readonly T[], wanted: string, name: (item: T) => string): T[] {
  const w = wanted.trim().toLowerCase();
  return items
    .map((item, i) => {
      const n = name(item).toLowerCase();
      return { item, i, d: editDistance(w, n, Math.max(w.length, n.length)) };
    })
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, MAX_CHOICES)
    .map((x) => x.item);
}

// ---------------------------------------------------------------------------------------------------------------
// Refactorings

function convertLinkAction(ctx: FeatureContext, note: NoteModel, range: Range): NoteAction | undefined {
  const at = linkAt(note, range.start);
  const link = at?.link;
  if (!at || !link || link.external || link.placeholder || comparePositions(range.end, linkRange(link).end) > 0) return undefined;
  const t = ctx.index.linkTargets(note.path)[at.index];
  // Only a link that reaches a file can be rewritten as a link to that file; an unresolved one has no target yet.
  if (!t?.target || (t.status !== 'resolved' && t.status !== 'missing-heading' && t.status !== 'missing-block')) return undefined;
  const to = link.syntax === 'wiki' ? 'markdown' : 'wiki';
  const text = convertedLink(ctx, note, link, t.target, to);
  if (text === undefined) return undefined;
  return { title: to === 'markdown' ? 'Convert to markdown link' : 'Convert to wiki-link', kind: 'refactor.rewrite', edits: [TextEdit.replace(linkRange(link), text)] };
}

function extractActions(ctx: FeatureContext, note: NoteModel, range: Range, options: NewNoteOptions, detail: 'full' | 'titles'): NoteAction[] {
  if (comparePositions(range.start, range.end) >= 0) return [];
  const text = ctx.getText(note.path);
  if (text === undefined) return [];
  // The frontmatter is the note's own properties, not content to move.
  if (note.frontmatter && range.start.line <= note.frontmatter.range.end.line) return [];
  // A selection that cuts a link in two would leave half of it on each side.
  const cuts = (p: Position): boolean => note.links.some((l) => compareLinkStart(l, p) < 0 && compareLinkEnd(l, p) > 0);
  if (cuts(range.start) || cuts(range.end)) return [];
  const selected = sliceText(text, range);
  if (selected === undefined || selected.trim() === '') return [];
  const planned = freeNewNotePath(ctx.index.files, noteNameFromText(selected), note.path, vaultSettingsOf(ctx).newNoteFolder);
  if (!planned.ok || options.isMember?.(planned.path) === false) return [];
  const titles = [`Extract into new note '${planned.path}'`, `Extract into new note '${planned.path}' and embed it`];
  if (detail === 'titles') return titles.map((title) => ({ title, kind: 'refactor.extract' as const, edits: [], deferred: true as const }));
  const moved = withNewFile(ctx, planned.path, () => linksAfterExtraction(ctx, note, text, range, selected, planned.path));
  if (!moved) return [];
  // The line break the selection ends with (CRLF files keep CRLF), also ending the link left in its place.
  const eol = /(\r\n|\r|\n)$/.exec(selected)?.[1] ?? '';
  const body = /[\r\n]$/.test(moved.text) ? moved.text : `${moved.text}${/\r\n/.test(text) ? '\r\n' : '\n'}`;
  const create: NoteCreation = { path: planned.path, text: body };
  return [false, true].flatMap((embed) => {
    const link = linkToNewNote(ctx, note.path, planned.path, embed);
    if (link === undefined) return [];
    return {
      title: titles[embed ? 1 : 0],
      kind: 'refactor.extract' as const,
      edits: [...moved.before, TextEdit.replace(range, `${link}${eol}`), ...moved.after],
      create,
      ...(moved.others.length > 0 ? { otherEdits: moved.others } : {}),
    };
  });
}

/** Runs `fn` with the note about to be created in the vault's file list (restored before returning). */
function withNewFile<T>(ctx: FeatureContext, path: string, fn: () => T): T {
  const files = ctx.index.files;
  if (files.has(path)) return fn();
  files.add(path);
  try {
    return fn();
  } finally {
    files.remove(path);
  }
}

/**
 * What moving `selected` (at `range` of `note`) into `newPath` does to links, so that every link keeps reaching
 * what it reached: links inside the moved text are written from the new note (relative paths recomputed, a link
 * to a heading that moved along becomes `[[#H]]`); links anywhere to a heading or block that moved now name the
 * new note. Undefined when a link cannot be written so (the extraction is then not offered).
 */
function linksAfterExtraction(
  ctx: FeatureContext,
  note: NoteModel,
  text: string,
  range: Range,
  selected: string,
  newPath: string,
): { text: string; before: TextEdit[]; after: TextEdit[]; others: Array<{ path: string; edits: TextEdit[] }> } | undefined {
  const lines = splitLines(text);
  const inside = (r: Range): boolean => comparePositions(range.start, r.start) <= 0 && comparePositions(r.end, range.end) <= 0;
  const wholeLines = (first: number, last: number): boolean =>
    inside({ start: { line: first, character: 0 }, end: { line: last, character: lines[last]?.length ?? 0 } }) ||
    // A selection ending at the start of the next line holds the last line whole.
    (comparePositions(range.start, { line: first, character: 0 }) <= 0 && range.end.line > last);
  const movedHeadings = new Set(note.headings.filter((h) => wholeLines(h.line, h.line)).map((h) => h.line));
  const movedBlocks = new Set(note.blockIds.filter((b) => inside(b.range)).map((b) => b.id.toLowerCase()));
  /** The link (resolving to `t`) names a heading or block of this note that moves into the new note. */
  const reachesMoved = (t: LinkTarget | undefined): boolean =>
    t?.target === note.path && ((t.heading !== undefined && movedHeadings.has(t.heading.line)) || (t.block !== undefined && movedBlocks.has(t.block.id.toLowerCase())));
  /** The subpath naming the moved heading from the new note: a chain's upper headings may stay behind. */
  const movedSubpath = (link: Link, t: LinkTarget): string | undefined =>
    t.heading && link.subpath !== undefined && link.subpath.includes('#') && !link.subpath.startsWith('^') ? headingSubpath(link, t.heading.text) : undefined;
  const files = ctx.index.files;
  const rewrite = (from: string, link: Link, change: { oldTarget: string; newTarget?: string; newFrom?: string; newSubpath?: string }): TextEdit[] | undefined =>
    written(() => rewriteLink(files, from, link, change));

  const inner: TextEdit[] = [];
  const before: TextEdit[] = [];
  const after: TextEdit[] = [];
  const targets = ctx.index.linkTargets(note.path);
  for (let i = 0; i < note.links.length; i++) {
    const link = note.links[i];
    const t = targets[i];
    if (!t?.target || link.external) continue;
    if (inside(linkRange(link))) {
      const edits = reachesMoved(t)
        ? rewrite(note.path, link, { oldTarget: note.path, newTarget: newPath, newFrom: newPath, newSubpath: movedSubpath(link, t) })
        : // The target stays where it is, this note included: the text moves, not the note.
          rewrite(note.path, link, { oldTarget: t.target, newTarget: t.target, newFrom: newPath });
      if (!edits) return undefined;
      inner.push(...edits);
    } else if (reachesMoved(t)) {
      const edits = rewrite(note.path, link, { oldTarget: note.path, newTarget: newPath, newSubpath: movedSubpath(link, t) });
      if (!edits) return undefined;
      (comparePositions(linkRange(link).end, range.start) <= 0 ? before : after).push(...edits);
    }
  }
  const others: Array<{ path: string; edits: TextEdit[] }> = [];
  if (movedHeadings.size > 0 || movedBlocks.size > 0) {
    for (const p of [...ctx.index.backlinksOf(note.path)].sort()) {
      const other = ctx.index.note(p);
      if (!other || p === note.path) continue;
      const ts = ctx.index.linkTargets(p);
      const edits: TextEdit[] = [];
      for (let i = 0; i < other.links.length; i++) {
        if (!reachesMoved(ts[i])) continue;
        const e = rewrite(p, other.links[i], { oldTarget: note.path, newTarget: newPath, newSubpath: movedSubpath(other.links[i], ts[i]) });
        if (!e) return undefined;
        edits.push(...e);
      }
      if (edits.length > 0) others.push({ path: p, edits });
    }
  }
  return { text: applyInSlice(selected, range.start, inner), before, after, others };
}

/** `slice` (the text starting at `start` of a note) with `edits` (in note positions, inside the slice) applied. */
function applyInSlice(slice: string, start: Position, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return slice;
  // Line starts of the slice, once: each edit's offset is then a look-up.
  const starts = [0];
  const eol = /\r\n|\r|\n/g;
  for (let m = eol.exec(slice); m; m = eol.exec(slice)) starts.push(m.index + m[0].length);
  const local = (p: Position): number => starts[p.line - start.line] + (p.line === start.line ? p.character - start.character : p.character);
  const parts: string[] = [];
  let at = 0;
  for (const e of [...edits].sort((x, y) => comparePositions(x.range.start, y.range.start))) {
    parts.push(slice.slice(at, local(e.range.start)), e.newText);
    at = local(e.range.end);
  }
  parts.push(slice.slice(at));
  return parts.join('');
}

/** The text of `range` in `text`, line breaks as written; undefined when the range is not inside the text. */
function sliceText(text: string, range: Range): string | undefined {
  const start = offsetAt(text, range.start);
  const end = offsetAt(text, range.end);
  return start === undefined || end === undefined || end < start ? undefined : text.slice(start, end);
}

/**
 * The offset of an LSP position in `text`, lines ended by `\r\n`, `\n` or `\r`; undefined past a line's end, and
 * for a position no document has (negative, fractional), which a client may send.
 */
function offsetAt(text: string, p: Position): number | undefined {
  if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return undefined;
  const eol = /\r\n|\r|\n/g;
  let offset = 0;
  for (let line = 0; line < p.line; line++) {
    const m = eol.exec(text);
    if (!m) return undefined;
    offset = m.index + m[0].length;
  }
  eol.lastIndex = offset;
  const end = eol.exec(text)?.index ?? text.length;
  return p.character <= end - offset ? offset + p.character : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Link text: every link is written by the link writer (vault/linkWriter.ts).

/** The link format of links the product writes in this vault: Obsidian's settings of it, ours over them. */
function vaultLinkFormat(ctx: FeatureContext): LinkFormat {
  return vaultSettingsOf(ctx).linkFormat;
}

/** The writer's answer, or undefined when the link cannot be written in that form (the fix is then not offered). */
function written<T>(write: () => T): T | undefined {
  try {
    return write();
  } catch (e) {
    if (e instanceof LinkWriteError) return undefined;
    throw e;
  }
}

/** Whether the link stands in a table row, where a wiki alias separator is written `\|` (R2.4). */
function inTable(note: NoteModel, link: Link): boolean {
  const line = linkRange(link).start.line;
  return noteBlocks(note).some((b) => b.kind === 'table' && b.startLine <= line && line <= b.endLine);
}

/** The path of a link to `target` written in place of this link's path, in its syntax, by the shortest unambiguous path. */
function linkPathText(ctx: FeatureContext, from: string, link: Link, target: string): string | undefined {
  return written(() => writeLinkPath(ctx.index.files, from, target, { style: link.syntax === 'wiki' ? 'wiki' : 'markdown', pathForm: 'shortest' }));
}

/** `[[Alias]]` → `[[File|Alias]]`, keeping the embed mark, a subpath and a display text. */
function namedLinkEdit(ctx: FeatureContext, note: NoteModel, link: Link, target: string): TextEdit | undefined {
  const table = inTable(note, link);
  const shown = displayTextOf(link, table);
  const text = written(() =>
    writeLink(
      ctx.index.files,
      { from: note.path, target, subpath: link.subpath, display: shown !== undefined && shown !== '' ? shown : link.path, embed: link.embed, inTable: table },
      { style: 'wiki', pathForm: vaultLinkFormat(ctx).pathForm },
    ),
  );
  return text === undefined ? undefined : TextEdit.replace(linkRange(link), text);
}

/** A heading as a link's subpath: Obsidian's link form of it where its text would read as a chain or a block id. */
function headingSubpath(link: Link, headingText: string): string {
  return link.syntax === 'wiki' || /[#^]/.test(headingText) ? headingLinkText(headingText) : headingText;
}

/** The edits pointing `link` (resolving to `target`) at another subpath of it, in the link's own form. */
function subpathEdits(ctx: FeatureContext, from: string, link: Link, target: string, subpath: string): TextEdit[] | undefined {
  const edits = written(() => rewriteLink(ctx.index.files, from, link, { oldTarget: target, newSubpath: subpath }));
  return edits && edits.length > 0 ? edits : undefined;
}

/** The link in the other syntax, same target, subpath, text, embed mark and path form; undefined when it cannot be. */
function convertedLink(ctx: FeatureContext, note: NoteModel, link: Link, target: string, to: 'wiki' | 'markdown'): string | undefined {
  const table = inTable(note, link);
  const form = linkFormOf(ctx.index.files, note.path, link, target);
  let display = displayTextOf(link, table);
  // What a wiki-link shows by itself (its name) need not be written; an empty markdown text is no text.
  if (to === 'wiki' && (display === '' || (display !== undefined && link.subpath === undefined && display === stem(target)))) display = undefined;
  // A wiki-link without text shows its path as written (`[[x/Topic]]` shows `x/Topic`): the markdown link keeps it.
  if (to === 'markdown' && display === undefined && !link.embed && link.subpath === undefined && link.path !== '') display = link.path;
  const text = written(() =>
    writeLink(ctx.index.files, { from: note.path, target: form.self ? note.path : target, subpath: link.subpath, display, embed: link.embed, inTable: table }, { style: to, pathForm: form.pathForm }),
  );
  // A target a wiki-link cannot name is written as a markdown link: that is no conversion.
  if (text === undefined || (to === 'wiki') !== /^!?\[\[/.test(text)) return undefined;
  return text;
}

function linkToNewNote(ctx: FeatureContext, from: string, target: string, embed: boolean): string | undefined {
  return written(() => writeLink(ctx.index.files, { from, target, embed }, vaultLinkFormat(ctx)));
}
