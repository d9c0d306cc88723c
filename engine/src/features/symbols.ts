/**
 * Document symbols (the outline: headings nested by level, with each section's callouts and block ids inside)
 * and workspace symbols (notes, aliases, headings and block ids of the whole vault, fuzzy-matched).
 *
 * Workspace symbols must stay fast on 100k-note vaults, where every query would otherwise walk a million
 * headings and lower-case their names. Each note's entries are built once per note model (models are replaced,
 * never mutated, when a note changes), and the vault-wide flat list is rebuilt from them only when the index's
 * change records say a note came, went or changed its headings or names; a query is then one pass of string matching with a bounded heap for the best results.
 */
import { forEachInSlices } from '../syntax/steps';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import type { NoteModel, Range } from '../model';
import type { VaultIndex } from '../vault/vault';
import { dirname, lookupKey, stem } from '../vault/paths';
import { ownString, splitLines } from '../syntax/text';
import { throwIfCancelled, type Cancellation, type PathLocation } from './context';

/** LSP: a character beyond the line's length means the end of the line. Used when the text is not at hand. */
const LINE_END = 2147483647;

/**
 * The outline of a note. With `text`, ranges end exactly at the end of their last line; without it they end at
 * {@link LINE_END}, which clients read as the end of that line.
 */
export function provideDocumentSymbols(note: NoteModel, text?: string): DocumentSymbol[] {
  const lines = text === undefined ? undefined : splitLines(text);
  const lineEnd = (line: number): number => (lines ? (lines[line] ?? '').length : LINE_END);
  const wholeLines = (start: number, end: number): Range => ({ start: { line: start, character: 0 }, end: { line: end, character: lineEnd(end) } });

  const roots: DocumentSymbol[] = [];
  const headingSymbols: DocumentSymbol[] = [];
  const stack: Array<{ level: number; symbol: DocumentSymbol }> = [];
  for (const h of note.headings) {
    const symbol: DocumentSymbol = {
      name: h.text.trim() === '' ? '(empty heading)' : h.text,
      detail: '#'.repeat(h.level),
      kind: SymbolKind.String,
      range: wholeLines(h.line, Math.max(h.sectionEndLine, h.textRange.end.line)),
      selectionRange: h.textRange,
      children: [],
    };
    while (stack.length > 0 && stack[stack.length - 1].level >= h.level) stack.pop();
    const parent = stack[stack.length - 1];
    (parent ? parent.symbol.children! : roots).push(symbol);
    stack.push({ level: h.level, symbol });
    headingSymbols.push(symbol);
  }

  // Callouts and block ids go into the innermost heading section that contains them, in document order.
  const extras: Array<{ symbol: DocumentSymbol; start: number; end: number; container: boolean }> = [];
  for (const c of note.callouts) {
    const typeName = c.type.charAt(0).toUpperCase() + c.type.slice(1).toLowerCase();
    extras.push({
      symbol: {
        name: c.title.trim() === '' ? typeName : c.title,
        detail: `[!${c.type}]${c.fold}`,
        kind: SymbolKind.Object,
        range: wholeLines(c.line, c.endLine),
        selectionRange: wholeLines(c.line, c.line),
        children: [],
      },
      start: c.line,
      end: c.endLine,
      container: true,
    });
  }
  for (const b of note.blockIds) {
    const start = Math.min(b.startLine, b.range.start.line);
    const end = Math.max(b.endLine, b.range.end.line);
    extras.push({
      symbol: { name: `^${b.id}`, detail: b.kind, kind: SymbolKind.Key, range: wholeLines(start, end), selectionRange: b.range },
      start,
      end,
      container: false,
    });
  }
  // Containers before what they contain: by start line, then the longer range first.
  extras.sort((a, b) => a.start - b.start || b.end - a.end || Number(b.container) - Number(a.container));

  const open: Array<{ end: number; symbol: DocumentSymbol; section: number }> = [];
  for (const e of extras) {
    const section = innermostSection(note, e.symbol.selectionRange.start.line);
    while (open.length > 0 && (open[open.length - 1].end < e.start || open[open.length - 1].section !== section)) open.pop();
    const parent = open.length > 0 && e.end <= open[open.length - 1].end ? open[open.length - 1].symbol : section >= 0 ? headingSymbols[section] : undefined;
    (parent ? parent.children! : roots).push(e.symbol);
    if (e.container) open.push({ end: e.end, symbol: e.symbol, section });
  }

  sortTree(roots);
  return roots;
}

/** Index of the deepest heading whose section contains `line`, -1 before the first heading. */
function innermostSection(note: NoteModel, line: number): number {
  let found = -1;
  for (let i = 0; i < note.headings.length; i++) {
    const h = note.headings[i];
    if (h.line > line) break;
    if (h.sectionEndLine >= line) found = i;
  }
  return found;
}

function sortTree(symbols: DocumentSymbol[]): void {
  symbols.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (const s of symbols) {
    if (!s.children) continue;
    if (s.children.length === 0) delete s.children;
    else sortTree(s.children);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Workspace symbols

export interface WorkspaceSymbolEntry {
  name: string;
  kind: SymbolKind;
  location: PathLocation;
  containerName?: string;
}

/**
 * One name a query can find. Kept for every note, aliases, heading and block id of the vault (some 110,000 at
 * 10,000 notes), so it holds only the lookup key and where the name is: the symbol a client sees is built for the
 * few best matches ({@link symbolOf}), not kept for every name.
 */
interface Entry {
  /** The name's lookup key (NFC, lower case, interned): what queries are matched against. */
  key: string;
  /** The name as shown. */
  name: string;
  note: NoteModel;
  /** Notes before aliases before headings before block ids when scores tie. */
  rank: EntryRank;
  /** The heading's or block id's place in the note's list (0 for a note or an alias). */
  at: number;
}

/** Which kind of name an entry is: the note itself, an alias, a heading, a block id. */
const enum EntryRank {
  Note = 0,
  Alias = 1,
  Heading = 2,
  Block = 3,
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function entry(note: NoteModel, name: string, rank: EntryRank, at: number): Entry {
  const key = lookupKey(name);
  return { key: key === name ? name : ownString(key), name, note, rank, at };
}

/** The workspace symbol an entry stands for. */
function symbolOf(e: Entry): WorkspaceSymbolEntry {
  const path = e.note.path;
  if (e.rank === EntryRank.Note) {
    const folder = dirname(path);
    return { name: e.name, kind: SymbolKind.File, location: { path, range: ZERO }, ...(folder ? { containerName: folder } : {}) };
  }
  const containerName = stem(path);
  if (e.rank === EntryRank.Alias) return { name: e.name, kind: SymbolKind.File, location: { path, range: ZERO }, containerName };
  if (e.rank === EntryRank.Heading) {
    const h = e.note.headings[e.at];
    return { name: e.name, kind: SymbolKind.String, location: { path, range: { start: { line: h.line, character: 0 }, end: h.textRange.end } }, containerName };
  }
  return { name: e.name, kind: SymbolKind.Key, location: { path, range: e.note.blockIds[e.at].range }, containerName };
}

const noteEntries = new WeakMap<NoteModel, Entry[]>();
/**
 * Per index, every note's entries in one list, rebuilt on the first query after a change record says a note
 * came, went, or changed its headings or names (typing in a paragraph keeps the list).
 */
const flatLists = new WeakMap<VaultIndex, { entries: Entry[] | undefined }>();

/** How many words of a block a workspace symbol shows after its `^id`. */
const BLOCK_WORDS = 8;

/**
 * `^id` and the first words of the block it names (without list or quote markers and the id itself), so that a
 * block can be found by its id or by what it says.
 */
function blockSymbolName(id: string, lines: readonly string[] | undefined, startLine: number, endLine: number, idRange: Range): string {
  if (!lines) return `^${id}`;
  const words: string[] = [];
  for (let l = startLine; l <= endLine && l < lines.length && words.length <= BLOCK_WORDS; l++) {
    let line = lines[l];
    if (l === idRange.start.line) line = line.slice(0, idRange.start.character) + line.slice(idRange.end.character);
    line = line.replace(/^(?:[ \t]*>)+/, '').replace(/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[.\][ \t]+)?/, '');
    for (const w of line.split(/\s+/)) if (w !== '' && !/^[|:-]+$/.test(w)) words.push(w);
  }
  if (words.length === 0) return `^${id}`;
  const shown = words.slice(0, BLOCK_WORDS).join(' ');
  return `^${id} ${shown}${words.length > BLOCK_WORDS ? '…' : ''}`;
}

function entriesOf(note: NoteModel, getText?: (path: string) => string | undefined): Entry[] {
  let entries = noteEntries.get(note);
  if (entries) return entries;
  entries = [entry(note, stem(note.path), EntryRank.Note, 0)];
  for (const alias of note.aliases) entries.push(entry(note, alias, EntryRank.Alias, 0));
  for (let i = 0; i < note.headings.length; i++) {
    const h = note.headings[i];
    if (h.text.trim() !== '') entries.push(entry(note, h.text, EntryRank.Heading, i));
  }
  if (note.blockIds.length > 0) {
    // The text is read once per model, and only for notes that have block ids.
    const text = getText?.(note.path);
    const lines = text === undefined ? undefined : splitLines(text);
    for (let i = 0; i < note.blockIds.length; i++) {
      const b = note.blockIds[i];
      entries.push(entry(note, ownString(blockSymbolName(b.id, lines, b.startLine, b.endLine, b.range)), EntryRank.Block, i));
    }
  }
  // Kept per model: a copy holds no spare room for more entries.
  entries = entries.slice();
  noteEntries.set(note, entries);
  return entries;
}

function flatList(index: VaultIndex, getText?: (path: string) => string | undefined): Entry[] {
  let cached = flatLists.get(index);
  if (!cached) {
    const list: { entries: Entry[] | undefined } = { entries: undefined };
    index.onChange((change) => {
      if (change.added.size > 0 || change.removed.size > 0) list.entries = undefined;
      else for (const e of change.exports.values()) if (e.headings || e.names || e.blockIds) list.entries = undefined;
      // A block id's symbol shows the block's first words: a note with ids that changed at all is listed anew.
      for (const p of change.changed) if ((index.note(p)?.blockIds.length ?? 0) > 0) list.entries = undefined;
    });
    flatLists.set(index, (cached = list));
  }
  if (cached.entries) return cached.entries;
  const entries: Entry[] = [];
  for (const note of index.allNotes()) for (const e of entriesOf(note, getText)) entries.push(e);
  return (cached.entries = entries);
}

/**
 * Notes, aliases, headings and block ids whose names contain the query's characters in order (case-insensitive;
 * spaces in the query are ignored), best `limit` first: whole-name and prefix matches, then substrings, then
 * subsequences with fewer gaps and matches at word starts, shorter names first; among equals notes, aliases,
 * headings, then block ids. An empty query lists notes first. `getText` gives block ids their block's first words
 * (without it they are listed by id alone).
 */
export function provideWorkspaceSymbols(index: VaultIndex, query: string, limit = 256, cancellation?: Cancellation, getText?: (path: string) => string | undefined): WorkspaceSymbolEntry[] {
  return provideWorkspaceSymbolsAcross([{ index, getText }], query, limit, cancellation).map((r) => r.symbol);
}

/**
 * Builds the workspace symbol list of an index ahead of the first query: each note's entries in slices (awaiting
 * `turn()` whenever it has worked about `sliceMs`; a note with block ids has its text read), then the list.
 */
export async function prepareWorkspaceSymbols(index: VaultIndex, getText?: (path: string) => string | undefined, turn: () => Promise<void> = async () => {}, sliceMs = 10): Promise<void> {
  await forEachInSlices(index.allNotes(), (note) => entriesOf(note, getText), sliceMs, turn);
  await turn();
  flatList(index, getText);
}

/** A vault searched by {@link provideWorkspaceSymbolsAcross}. */
export interface SymbolSource {
  index: VaultIndex;
  getText?: (path: string) => string | undefined;
}

/**
 * {@link provideWorkspaceSymbols} over several vaults at once: the best `limit` of all of them together (not
 * `limit` per vault), each with the position of its vault in `sources`.
 */
export function provideWorkspaceSymbolsAcross(sources: readonly SymbolSource[], query: string, limit: number, cancellation?: Cancellation): Array<{ source: number; symbol: WorkspaceSymbolEntry }> {
  if (limit <= 0) return [];
  const q = lookupKey(query).replace(/\s+/g, '');
  const lists = sources.map((s) => flatList(s.index, s.getText));
  const best = new TopK(limit);
  let order = 0;
  for (let v = 0; v < lists.length; v++) {
    const entries = lists[v];
    for (let i = 0; i < entries.length; i++, order++) {
      if ((i & 1023) === 1023) throwIfCancelled(cancellation);
      const e = entries[i];
      const s = q === '' ? 0 : fuzzyScore(q, e.key);
      if (s < 0) continue;
      best.offer({ score: s, rank: e.rank, order, source: v, at: i });
    }
  }
  return best.sorted().map((c) => ({ source: c.source, symbol: symbolOf(lists[c.source][c.at]) }));
}

/**
 * How well `query` matches `name` (both lookup keys), -1 when it is not a subsequence. Larger is better.
 */
export function fuzzyScore(query: string, name: string): number {
  const at = name.indexOf(query);
  if (at >= 0) {
    let score = 10000;
    if (name.length === query.length) score += 5000;
    else if (at === 0) score += 3000;
    else if (isWordStart(name, at)) score += 1500;
    return score - at - (name.length - query.length);
  }
  let score = 1000;
  let from = 0;
  let previous = -2;
  for (let qi = 0; qi < query.length; qi++) {
    const p = name.indexOf(query[qi], from);
    if (p < 0) return -1;
    if (p === previous + 1) score += 20;
    else score -= 10;
    if (isWordStart(name, p)) score += 30;
    previous = p;
    from = p + 1;
  }
  return score - name.length;
}

function isWordStart(s: string, i: number): boolean {
  return i === 0 || !/[\p{L}\p{N}]/u.test(s[i - 1]);
}

interface Candidate {
  score: number;
  rank: number;
  order: number;
  /** Which vault and which entry of its list. */
  source: number;
  at: number;
}

/** True when `a` should be listed before `b`. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.order < b.order;
}

/** The best `k` candidates, kept in a binary heap whose root is the worst kept one. */
class TopK {
  private readonly heap: Candidate[] = [];

  constructor(private readonly k: number) {}

  offer(c: Candidate): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(c);
      let i = h.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!better(h[parent], h[i])) break;
        [h[parent], h[i]] = [h[i], h[parent]];
        i = parent;
      }
      return;
    }
    if (!better(c, h[0])) return;
    h[0] = c;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && better(h[worst], h[l])) worst = l;
      if (r < h.length && better(h[worst], h[r])) worst = r;
      if (worst === i) break;
      [h[worst], h[i]] = [h[i], h[worst]];
      i = worst;
    }
  }

  sorted(): Candidate[] {
    return [...this.heap].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  }
}
