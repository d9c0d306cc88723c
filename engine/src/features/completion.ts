/**
 * Completion: link targets, headings, block ids, block search, markdown-link paths, tags and frontmatter.
 *
 * Editor-free (see context.ts): the caller passes the vault index and a way to read text; the result is a plain
 * LSP `CompletionList`.
 *
 * The trigger is always read from the current line of the buffer (`ctx.getText`), never from the note model,
 * which may lag one edit behind while the user types. The model of the current note is only consulted for
 * block-level opaque regions (indented code, HTML blocks) that a line scan cannot see.
 *
 * Every item carries a `textEdit` whose range covers the text being completed, up to and including the link's
 * closing `]]` (or `)`) when there is one, and the new text ends with that closing. Accepting an item inside an
 * existing link therefore rewrites the link instead of adding a second pair of brackets (`[[Git]]` + Github →
 * `[[Github]]`, not `[[Github]]]]`). A plain `TextEdit` is used rather than an insert/replace pair on purpose: VS
 * Code applies the insert range by default, which would leave the old `]]` behind.
 *
 * Filtering is done here and mirrored in `filterText`, which is always the string VS Code compares the typed text
 * against (the range's start up to the cursor), so VS Code keeps exactly the items offered. VS Code only accepts a
 * fuzzy match whose first character falls on a word start (unless `editor.suggest.matchOnWordStartOnly` is off),
 * so matches starting mid-word are only offered when the caller says that setting is off.
 */
import {
  CompletionItemKind,
  MarkupKind,
  TextEdit,
  type Command,
  type CompletionItem,
  type CompletionList,
} from 'vscode-languageserver-types';
import type { Block, BlockKind, Heading, NoteModel, Position, Range } from '../model';
import { noteBlocks } from '../model';
import { frontmatterEnd, frontmatterEntry, textList } from '../syntax/frontmatter';
import { defaultFrontmatterSchema } from '../diagnostics/frontmatterSchema';
import { basename, isNotePath, lookupKey, NOTE_EXTENSION, stem } from '../vault/paths';
import { percentDecode, uriScheme } from '../syntax/destinations';
import { isTableRow, parseNote } from '../syntax/parser';
import { headingLinkText, matchHeadingChain, resolveLinkpath } from '../vault/resolve';
import { trailingBlockId } from '../syntax/blockIds';
import { comparePositions, range, splitLines } from '../syntax/text';
import { forEachInSlices, runSteps, runStepsInSlices, sortSteps } from '../syntax/steps';
import { blockIdInsertEdit, blockIdSeeds, freshBlockId, type AddBlockIdArgs } from '../vault/blockIdWriter';
import { encodeMarkdownPath, LinkWriteError, wikiLinkProblem, writeLink, writeLinkPath, type LinkFormat, type LinkRequest } from '../vault/linkWriter';
import type { IndexChange, VaultIndex } from '../vault/vault';
import { noteVisibility } from '../vault/visibility';
import type { VaultSettings } from '../vault/vaultSettings';
import { throwIfCancelled, vaultSettingsOf, type FeatureContext } from './context';
import { headingPlace, prepareHeadingSearch, searchHeadings, type HeadingSearchHit } from './completionHeadingSearch';
import { tagKey, tagSpellings } from './tags';

// ---------------------------------------------------------------------------------------------------------------
// Public API

export interface CompletionOptions {
  /** Most file and alias items returned (default 100); more matches make the list incomplete. */
  maxItems?: number;
  /**
   * VS Code's `editor.suggest.matchOnWordStartOnly` (default true). When false, fuzzy matches whose first
   * character is in the middle of a word (`hub` → `Github`) are offered too, ranked last.
   */
  matchOnWordStartOnly?: boolean;
  /** Notes open in the editor or recently used, most relevant first: ranked first, searched first by block search. */
  recentPaths?: readonly string[];
  /** Bounds of the vault-wide `[[^^text` block search. */
  blockSearch?: {
    /** Stop after this many matching blocks (default 50). */
    maxResults?: number;
    /** Read at most this many notes (default 1000). */
    maxNotes?: number;
    /** Stop reading notes after this many milliseconds (default 150). */
    timeBudgetMs?: number;
  };
  /** Seed for generated block ids, for reproducible results; random when absent. */
  blockIdSeed?: number;
  /**
   * Weigh every name of the vault for link targets instead of reading the name index (same answer, slower): the
   * reference the index is tested against.
   */
  scanAllNames?: boolean;
}

/** Characters after which the client should ask for completions. */
export const COMPLETION_TRIGGER_CHARACTERS: readonly string[] = ['[', '#', '^', '(', '/'];

/** The command attached to items that link a block which has no id yet; the server registers and executes it. */
export const ADD_BLOCK_ID_COMMAND = 'ospo-notes.addBlockId';

/**
 * Completions at `position` in the note at `path` (vault-relative): link targets after `[[`/`![[`, headings after
 * `#` and block ids after `#^` in a link, vault-wide block search after `[[^^`, paths and fragments after `](`,
 * tags after `#`, frontmatter keys and values. Empty inside code, math and comments.
 */
export function provideCompletion(ctx: FeatureContext, path: string, position: Position, options: CompletionOptions = {}): CompletionList {
  const text = ctx.getText(path);
  if (text === undefined) return emptyList();
  const lines = splitLines(text);
  const line = lines[position.line];
  if (line === undefined) return emptyList();
  const req: Request = {
    ctx,
    path,
    options,
    text,
    lines,
    line,
    lineNo: position.line,
    ch: Math.max(0, Math.min(position.character, line.length)),
    note: ctx.index.note(path),
    settings: vaultSettingsOf(ctx),
  };

  const fmEnd = frontmatterEnd(lines);
  if (fmEnd > 0 && position.line <= fmEnd) {
    if (position.line === 0 || position.line === fmEnd) return emptyList();
    // Quoted links are links in properties too (R7.5).
    req.inFrontmatter = true;
    return wikiCompletion(req) ?? frontmatterCompletion(req, fmEnd) ?? emptyList();
  }
  if (isOpaqueAt(req)) return emptyList();
  return wikiCompletion(req) ?? markdownLinkCompletion(req) ?? tagCompletion(req) ?? emptyList();
}

// ---------------------------------------------------------------------------------------------------------------
// Request

interface Request {
  ctx: FeatureContext;
  path: string;
  options: CompletionOptions;
  text: string;
  lines: string[];
  line: string;
  lineNo: number;
  ch: number;
  /** The indexed model of the current note (possibly one edit behind). */
  note?: NoteModel;
  /** How the vault writes links (its Obsidian settings, ours over them). */
  settings: VaultSettings;
  /**
   * Set by wikiCompletion: where the `[[` of the link being completed is, whether it is an embed, and where its
   * subpath starts (after the first `#`) when it has one.
   */
  wiki?: { open: number; embed: boolean; subStart?: number };
  /** Whether the cursor line is a table row (computed on first use). */
  inTable?: boolean;
  /** The cursor is in the frontmatter, where links are quoted wiki-links whatever the vault writes (R7.5). */
  inFrontmatter?: boolean;
  /** What follows the cursor, read once per request by {@link cursorTail} (by what was asked of it). */
  tails?: Map<string, unknown>;
}

/**
 * What follows the cursor on its line (where the link being completed ends), computed once per request and
 * shared by every item: read per item, a line of 250,000 characters cost a second per completion.
 */
function cursorTail<T>(req: Request, key: string, read: () => T): T {
  const tails = (req.tails ??= new Map());
  if (!tails.has(key)) tails.set(key, read());
  return tails.get(key) as T;
}

/**
 * The item `build` makes, or undefined when its link cannot be written here (a name a wiki-link cannot hold, in
 * the frontmatter, where a markdown link is no link): such a target is left out rather than written broken.
 */
function writable<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (e instanceof LinkWriteError) return undefined;
    throw e;
  }
}

function inTable(req: Request): boolean {
  return (req.inTable ??= isTableRow(req.lines, req.lineNo));
}

function emptyList(): CompletionList {
  return { isIncomplete: false, items: [] };
}

function lineRange(req: Request, start: number, end: number): Range {
  return range(req.lineNo, start, req.lineNo, end);
}

// Enough for the list the editor shows while the user types on; `isIncomplete` brings the rest as the query narrows.
const DEFAULT_MAX_ITEMS = 100;

// ---------------------------------------------------------------------------------------------------------------
// Opaque regions (R1.1–R1.6)

/**
 * True when the cursor is in code, math, HTML or a comment: inside one of the parser's opaque regions of the
 * note. The server re-parses the buffer on every change before it answers a request, so the model is the text
 * being typed. A region left open to the end of the note (an unclosed `%%`) also covers the note's very end.
 */
/** A fence line, for the block search's light reading of other notes' text. */
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

function isOpaqueAt(req: Request): boolean {
  const p = { line: req.lineNo, character: req.ch };
  const lastLine = req.lines.length - 1;
  for (const r of req.note?.opaque ?? []) {
    if (comparePositions(r.start, p) >= 0) continue;
    const toEnd = r.end.line === lastLine && r.end.character === req.lines[lastLine].length;
    if (comparePositions(p, r.end) < 0 || (toEnd && comparePositions(p, r.end) === 0)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Fuzzy matching

/** Match quality, best first: exact, prefix, prefix of a word, subsequence from a word start, any subsequence. */
const EXACT = 5;
const PREFIX = 4;
const WORD_PREFIX = 3;
const WORD_FUZZY = 2;
const WEAK_FUZZY = 1;
const ANY = 0;
const NO_MATCH = -1;

function isAlnum(c: string): boolean {
  // ASCII without a regular expression: this runs for every candidate position of every heading and name.
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return /[\p{L}\p{N}]/u.test(c);
}

/** A word starts at the beginning, after a non-alphanumeric character, or at an upper-case letter after a lower-case one. */
function isWordStart(orig: string, low: string, i: number): boolean {
  if (i === 0) return true;
  if (!isAlnum(low[i - 1])) return true;
  return orig.length === low.length && orig[i] !== low[i] && orig[i - 1] === low[i - 1];
}

function isSubsequence(q: string, low: string, qFrom: number, from: number): boolean {
  let at = from;
  for (let k = qFrom; k < q.length; k++) {
    at = low.indexOf(q[k], at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

/**
 * How `q` (lower-cased) matches a candidate (`low` lower-cased, `orig` as written, for camel-case word starts):
 * 5 exact, 4 prefix, 3 prefix of a word, 2 subsequence starting at a word start, 1 any subsequence (only when
 * `wordStartOnly` is false, as VS Code drops those by default), 0 empty query, -1 no match.
 */
export function matchTier(q: string, low: string, orig: string, wordStartOnly = true): number {
  if (q === '') return ANY;
  if (low.length < q.length) return NO_MATCH;
  if (low === q) return EXACT;
  if (low.startsWith(q)) return PREFIX;
  const c = q[0];
  let strong = -1;
  let weak = -1;
  for (let i = low.indexOf(c); i >= 0; i = low.indexOf(c, i + 1)) {
    if (weak < 0) weak = i;
    if (isWordStart(orig, low, i)) {
      if (low.startsWith(q, i)) return WORD_PREFIX;
      if (strong < 0) strong = i;
    }
  }
  if (strong >= 0 && isSubsequence(q, low, 1, strong + 1)) return WORD_FUZZY;
  if (!wordStartOnly && weak >= 0 && isSubsequence(q, low, 1, weak + 1)) return WEAK_FUZZY;
  return NO_MATCH;
}

/** Keeps the `limit` best of a stream of candidates; `compare(a, b) < 0` when a is better. */
class TopK<T> {
  private readonly heap: T[] = [];
  total = 0;

  constructor(
    private readonly limit: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  push(item: T): void {
    this.total++;
    const h = this.heap;
    if (h.length < this.limit) {
      h.push(item);
      this.up(h.length - 1);
    } else if (this.limit > 0 && this.compare(item, h[0]) < 0) {
      h[0] = item;
      this.down(0);
    }
  }

  sorted(): T[] {
    return [...this.heap].sort(this.compare);
  }

  /** The worst item kept once the limit is reached (anything not better is turned away), else undefined. */
  get worst(): T | undefined {
    return this.heap.length >= this.limit ? this.heap[0] : undefined;
  }

  /** Counts a candidate that is known not to make the cut, without building it. */
  turnAway(): void {
    this.total++;
  }

  // The root is the worst kept item.
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.compare(h[i], h[p]) <= 0) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && this.compare(h[l], h[worst]) > 0) worst = l;
      if (r < h.length && this.compare(h[r], h[worst]) > 0) worst = r;
      if (worst === i) return;
      [h[i], h[worst]] = [h[worst], h[i]];
      i = worst;
    }
  }
}

function sortKey(i: number): string {
  return String(i).padStart(5, '0');
}

// ---------------------------------------------------------------------------------------------------------------
// Name cache: per index, kept up to date from the index's change records

type EntryKind = 'note' | 'attachment' | 'alias' | 'title' | 'acronym';

interface NameEntry {
  kind: EntryKind;
  /** The file (for alternative names: the note that has them). */
  path: string;
  /** Matched against the query: a note's name without `.md`, a file's name, or the alternative name. */
  name: string;
  nameLow: string;
  /** File name with extension, lower-cased (markdown links write `.md`). */
  fileLow: string;
  /** Vault path lower-cased, without `.md` for notes (what wiki-links write). */
  pathLow: string;
  /** Vault path lower-cased with its extension (what markdown links write). */
  fullLow: string;
  /** {@link charMask} of `nameLow`, `pathLow`, `fileLow` and `fullLow`. */
  chars: { name: number; path: number; file: number; full: number };
}

/**
 * The characters of a lower-cased text as a 32-bit set (by code unit, modulo 32): a text lacking one of a
 * query's characters has a bit missing, so a match is ruled out with one AND. Collisions only let more through.
 */
function charMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) mask |= 1 << (text.charCodeAt(i) & 31);
  return mask;
}

interface NoteNames {
  entries: NameEntry[];
  keys: string[];
}

/**
 * What completion needs from every file and note, kept between requests: built once per index (a pass over the
 * vault), then updated from the index's change records. A file added or removed costs one entry; a note's names
 * are rebuilt only when its record says its names or frontmatter changed, so typing in a paragraph costs nothing.
 */
class NameCache {
  private readonly files = new Map<string, NameEntry>();
  private readonly notes = new Map<string, NoteNames>();
  private fileList: NameEntry[] | undefined;
  private altList: NameEntry[] | undefined;
  readonly keyCounts = new Map<string, number>();

  /**
   * Every entry of `files` and `notes`, by word-start prefix (see {@link NameIndex}); built by {@link buildIndex},
   * not with the entries: until then a request weighs every name, which gives the same list.
   */
  private nameIndex: NameIndex | undefined;
  /** Entries that left and entered since the last {@link flushIndex}, for the index. */
  private pendingOut: NameEntry[] = [];
  private pendingIn: NameEntry[] = [];

  constructor(index: VaultIndex) {
    const prepared = preparedFileEntries.get(index);
    preparedFileEntries.delete(index);
    for (const p of index.files.paths()) this.files.set(p, prepared?.get(p) ?? fileEntry(p));
    for (const note of index.allNotes()) this.setNote(note);
    this.pendingIn = [];
    this.pendingOut = [];
    index.onChange((change) => this.apply(index, change));
  }

  /** The name index, if {@link buildIndex} has built it. */
  get index(): NameIndex | undefined {
    return this.nameIndex;
  }

  /** Builds the name index (a sort of every name): about half the cost of the entries' pass. */
  buildIndex(): void {
    if (!this.nameIndex) runSteps(this.buildIndexSteps());
  }

  /** Whether {@link buildIndexSteps} is under way: the changes meanwhile are kept for the index it builds. */
  private buildingIndex = false;

  /**
   * {@link buildIndex} as steps (one sort, then the buckets filled a run of names at a time). The index is used
   * once complete; names that change meanwhile are applied to it then.
   */
  *buildIndexSteps(): Generator<void, void> {
    if (this.nameIndex || this.buildingIndex) return;
    this.buildingIndex = true;
    this.pendingIn = [];
    this.pendingOut = [];
    try {
      const built = new NameIndex([]);
      yield* built.fillSteps(this.allEntries());
      this.nameIndex = built;
    } finally {
      this.buildingIndex = false;
    }
    this.flushIndex();
  }

  /** The entry of the file at `path`, if it is in the vault. */
  fileEntry(path: string): NameEntry | undefined {
    return this.files.get(path);
  }

  /** The alternative names of the note at `path`. */
  alternativesOf(path: string): readonly NameEntry[] {
    return this.notes.get(path)?.entries ?? [];
  }

  private *allEntries(): Generator<NameEntry> {
    yield* this.files.values();
    for (const n of this.notes.values()) yield* n.entries;
  }

  /** Brings the index up to date with the entries changed since the last call: one by one, or rebuilt when many. */
  private flushIndex(): void {
    if (!this.nameIndex) {
      // Built later from the entries as they are then; while it is being built, kept for it.
      if (this.buildingIndex) return;
    } else if (this.pendingIn.length + this.pendingOut.length > REBUILD_THRESHOLD) this.nameIndex.rebuild(this.allEntries());
    else {
      for (const e of this.pendingOut) this.nameIndex.remove(e);
      for (const e of this.pendingIn) this.nameIndex.add(e);
    }
    this.pendingIn = [];
    this.pendingOut = [];
  }

  /** Every note and attachment. */
  fileEntries(): readonly NameEntry[] {
    return (this.fileList ??= [...this.files.values()]);
  }

  /** Every alias, title and acronym. */
  alternativeNames(): readonly NameEntry[] {
    if (!this.altList) {
      this.altList = [];
      for (const n of this.notes.values()) for (const e of n.entries) this.altList.push(e);
    }
    return this.altList;
  }

  private apply(index: VaultIndex, change: IndexChange): void {
    for (const p of change.removed) {
      const f = this.files.get(p);
      if (f) {
        this.files.delete(p);
        this.fileList = undefined;
        this.pendingOut.push(f);
      }
      const n = this.notes.get(p);
      if (!n) continue;
      this.countKeys(n, -1);
      this.notes.delete(p);
      this.pendingOut.push(...n.entries);
      if (n.entries.length > 0) this.altList = undefined;
    }
    for (const p of change.added) {
      if (this.files.has(p)) continue;
      const f = fileEntry(p);
      this.files.set(p, f);
      this.fileList = undefined;
      this.pendingIn.push(f);
    }
    for (const [p, exports] of change.exports) {
      if (!exports.names && !exports.frontmatter) continue;
      const note = index.note(p);
      if (note) this.setNote(note);
    }
    this.flushIndex();
  }

  private setNote(note: NoteModel): void {
    const previous = this.notes.get(note.path);
    const n = preparedNoteNames.get(note) ?? noteNames(note);
    preparedNoteNames.delete(note);
    if (previous) this.countKeys(previous, -1);
    this.countKeys(n, +1);
    this.notes.set(note.path, n);
    if (!sameEntries(previous?.entries ?? [], n.entries)) {
      this.altList = undefined;
      if (previous) this.pendingOut.push(...previous.entries);
      this.pendingIn.push(...n.entries);
    } else if (previous) n.entries = previous.entries;
  }

  private countKeys(n: NoteNames, delta: number): void {
    for (const k of n.keys) {
      const c = (this.keyCounts.get(k) ?? 0) + delta;
      if (c > 0) this.keyCounts.set(k, c);
      else this.keyCounts.delete(k);
    }
  }
}

function sameEntries(a: readonly NameEntry[], b: readonly NameEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.kind === b[i].kind && e.name === b[i].name);
}

// ---------------------------------------------------------------------------------------------------------------
// Name index: the wiki-link names by word-start prefix, so that `[[query` reads only the names it can offer

/** Longest word-start prefix a bucket is keyed by: a longer query is looked up by its first characters. */
const KEY_CHARS = 3;
/** A change record adding or removing more names than this rebuilds the index in one sort instead of inserting each. */
const REBUILD_THRESHOLD = 512;

/**
 * The order of a bucket: completion's order among equals (see `byName` in {@link fileCompletion}: shorter first,
 * then by name, path and kind). A bucket holds one class of names (notes, attachments or alternative names), so
 * the kind's rank, which depends on the link being written, is the same throughout: readers take from each class
 * and leave the order across classes to the ranking.
 */
function nameOrder(a: NameEntry, b: NameEntry): number {
  return a.name.length - b.name.length || (a.nameLow < b.nameLow ? -1 : a.nameLow > b.nameLow ? 1 : 0) || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
}

/** The classes of names a bucket key is split into (see {@link bucketKeys}). */
const NAME_CLASSES = ['note', 'attachment', 'alt'] as const;

function nameClass(e: NameEntry): (typeof NAME_CLASSES)[number] {
  return e.kind === 'note' || e.kind === 'attachment' ? e.kind : 'alt';
}

/** Where the words of a name start (see {@link isWordStart}). */
function wordStarts(e: NameEntry): number[] {
  const out: number[] = [];
  for (let i = 0; i < e.nameLow.length; i++) if (isWordStart(e.name, e.nameLow, i)) out.push(i);
  return out;
}

/**
 * The keys of the buckets a name is in: `h` + its first one to {@link KEY_CHARS} characters (prefix matches),
 * `w` + the same of every later word (word-prefix matches), and `all`; each followed by `|` and its class.
 */
function bucketKeys(e: NameEntry): Set<string> {
  const cls = `|${nameClass(e)}`;
  const keys = new Set<string>([`all${cls}`]);
  for (const i of wordStarts(e)) {
    for (let n = 1; n <= KEY_CHARS && i + n <= e.nameLow.length; n++) keys.add((i === 0 ? 'h' : 'w') + e.nameLow.slice(i, i + n) + cls);
  }
  return keys;
}

/**
 * Every note, attachment and alternative name in buckets sorted by {@link nameOrder}, plus the exact names, kept
 * up to date entry by entry from the name cache's changes. A name leaving is only marked (`removed`) and skipped
 * by readers; a bucket is compacted once a quarter of it is such marks.
 */
class NameIndex {
  private readonly buckets = new Map<string, { items: NameEntry[]; dead: number }>();
  private readonly exact = new Map<string, NameEntry[]>();
  private readonly removedEntries = new WeakSet<NameEntry>();

  constructor(entries: Iterable<NameEntry>) {
    this.rebuild(entries);
  }

  rebuild(entries: Iterable<NameEntry>): void {
    runSteps(this.fillSteps(entries));
  }

  /** {@link rebuild} as steps: one sort, then a run of names at a time. */
  *fillSteps(entries: Iterable<NameEntry>): Generator<void, void> {
    this.buckets.clear();
    this.exact.clear();
    const all = [...entries];
    yield* sortSteps(all, nameOrder);
    yield;
    // Every bucket filled in order: each is sorted without sorting it.
    for (let i = 0; i < all.length; i++) {
      const e = all[i];
      for (const k of bucketKeys(e)) {
        const b = this.buckets.get(k);
        if (b) b.items.push(e);
        else this.buckets.set(k, { items: [e], dead: 0 });
      }
      this.addExact(e);
      if ((i & 511) === 511) yield;
    }
  }

  add(e: NameEntry): void {
    for (const k of bucketKeys(e)) {
      const b = this.buckets.get(k);
      if (!b) {
        this.buckets.set(k, { items: [e], dead: 0 });
        continue;
      }
      let lo = 0;
      let hi = b.items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (nameOrder(b.items[mid], e) < 0) lo = mid + 1;
        else hi = mid;
      }
      b.items.splice(lo, 0, e);
    }
    this.addExact(e);
  }

  remove(e: NameEntry): void {
    if (this.removedEntries.has(e)) return;
    this.removedEntries.add(e);
    for (const k of bucketKeys(e)) {
      const b = this.buckets.get(k);
      if (!b) continue;
      if (++b.dead * 4 > b.items.length) {
        b.items = b.items.filter((x) => !this.removedEntries.has(x));
        b.dead = 0;
        if (b.items.length === 0) this.buckets.delete(k);
      }
    }
    const same = this.exact.get(e.nameLow);
    if (same) {
      const rest = same.filter((x) => x !== e);
      if (rest.length > 0) this.exact.set(e.nameLow, rest);
      else this.exact.delete(e.nameLow);
    }
  }

  /**
   * Bucket `key`: its names in {@link nameOrder}, removed ones included while `dead` > 0 (test them with
   * {@link isRemoved}).
   */
  read(key: string): { readonly items: readonly NameEntry[]; readonly dead: number } | undefined {
    return this.buckets.get(key);
  }

  isRemoved(e: NameEntry): boolean {
    return this.removedEntries.has(e);
  }

  /** The names whose lower-cased form is `low`. */
  exactly(low: string): readonly NameEntry[] {
    return this.exact.get(low) ?? [];
  }

  private addExact(e: NameEntry): void {
    const same = this.exact.get(e.nameLow);
    if (same) same.push(e);
    else this.exact.set(e.nameLow, [e]);
  }
}

const caches = new WeakMap<VaultIndex, NameCache>();

// What prepareCompletion computes ahead, in slices, for the name cache to take when it is built (each taken entry
// is dropped): building it is then a pass of lookups, not a pass of string work.
/** Per model, its alternative names. */
const preparedNoteNames = new WeakMap<NoteModel, NoteNames>();
/** Per index, the entries of its files by path. */
const preparedFileEntries = new WeakMap<VaultIndex, Map<string, NameEntry>>();

function nameCache(index: VaultIndex): NameCache {
  let c = caches.get(index);
  if (!c) {
    c = new NameCache(index);
    caches.set(index, c);
  }
  return c;
}

/**
 * Builds what completion keeps for an index ahead of the first request (passes over the vault: worth doing right
 * after the initial load rather than on the user's first `[[`), awaiting `turn()` whenever it has worked about
 * `sliceMs`, so that requests arriving meanwhile wait for a slice at most: the names of every file and note,
 * their index, the heading catalog. Each is computed per file or note in slices and then put together in one
 * short step. A request before the index is built weighs every name instead.
 */
export async function prepareCompletion(index: VaultIndex, turn: () => Promise<void> = async () => {}, sliceMs = 10): Promise<void> {
  if (!caches.has(index)) {
    // A request may build the cache between two slices (it then computes what is not prepared yet): from then on,
    // nothing more is prepared, since nothing would take it.
    const files = new Map<string, NameEntry>();
    await forEachInSlices(index.files.paths(), (p) => caches.has(index) || files.set(p, fileEntry(p)), sliceMs, turn);
    if (!caches.has(index)) preparedFileEntries.set(index, files);
    await forEachInSlices(index.allNotes(), (note) => caches.has(index) || preparedNoteNames.set(note, noteNames(note)), sliceMs, turn);
    await turn();
  }
  const cache = nameCache(index);
  await turn();
  // The index's buckets are filled a run of names at a time (their keys made as they go: made ahead, the keys of
  // every name would be held at once, some 300,000 sets at 100,000 notes).
  if (!cache.index) await runStepsInSlices(cache.buildIndexSteps(), sliceMs, turn);
  await turn();
  await prepareHeadingSearch(index, turn, sliceMs);
}

function fileEntry(path: string): NameEntry {
  const note = isNotePath(path);
  const name = (note ? stem(path) : basename(path)).normalize('NFC');
  const fullLow = lookupKey(path);
  const nameLow = lookupKey(name);
  const fileLow = note ? lookupKey(basename(path)) : nameLow;
  const pathLow = note ? fullLow.slice(0, fullLow.length - NOTE_EXTENSION.length - 1) : fullLow;
  return {
    kind: note ? 'note' : 'attachment',
    path,
    name,
    nameLow,
    fileLow,
    pathLow,
    fullLow,
    chars: { name: charMask(nameLow), path: charMask(pathLow), file: charMask(fileLow), full: charMask(fullLow) },
  };
}

function noteNames(note: NoteModel): NoteNames {
  const entries: NameEntry[] = [];
  const used = new Set([lookupKey(stem(note.path))]);
  const add = (kind: EntryKind, value: string): void => {
    const name = value.normalize('NFC').trim();
    const low = lookupKey(name);
    if (name === '' || used.has(low)) return;
    used.add(low);
    const mask = charMask(low);
    entries.push({ kind, path: note.path, name, nameLow: low, fileLow: low, pathLow: low, fullLow: low, chars: { name: mask, path: mask, file: mask, full: mask } });
  };
  for (const a of note.aliases) add('alias', a);
  if (note.title) add('title', note.title);
  for (const a of textList(frontmatterEntry(note.frontmatter, 'acronym')?.value)) add('acronym', a);
  return { entries, keys: (note.frontmatter?.keys ?? []).map((k) => k.key) };
}

// ---------------------------------------------------------------------------------------------------------------
// Wiki-links: `[[`, `![[`

interface Tail {
  /** Character where the replaced text ends. */
  end: number;
  /** What the new text must end with: `]]` when the replaced text included the closing (or there was none). */
  closing: string;
  /** For items that write their own display text: the link's `#subpath` after the cursor, kept. */
  subpath: string;
}

/**
 * How far the completed part of a wiki-link reaches after the cursor. A `#subpath` after the cursor is kept
 * (unless `stopAtHash` is false), as is non-empty display text unless `keepDisplay` is false; an empty `|` is
 * dropped with the rest, so `[[Git|]]` becomes `[[Github]]`.
 */
function wikiTail(line: string, ch: number, stopAtHash: boolean, keepDisplay: boolean): Tail {
  const rest = line.slice(ch);
  const close = rest.indexOf(']]');
  const reopen = rest.indexOf('[[');
  // A lone `]` at the cursor (the editor auto-closed one bracket of `[[`) is replaced too: `[[Git]` → `[[Github]]`.
  if (close < 0 || (reopen >= 0 && reopen < close)) return { end: rest.startsWith(']') && !rest.startsWith(']]') ? ch + 1 : ch, closing: ']]', subpath: '' };
  const inner = rest.slice(0, close);
  const pipe = inner.indexOf('|');
  const hash = inner.indexOf('#');
  const targetEnd = pipe < 0 ? inner.length : pipe > 0 && inner[pipe - 1] === '\\' ? pipe - 1 : pipe;
  if (stopAtHash && hash >= 0 && hash < targetEnd) return { end: ch + hash, closing: '', subpath: '' };
  const subpath = hash >= 0 && hash < targetEnd ? inner.slice(hash, targetEnd) : '';
  if (pipe >= 0 && keepDisplay && inner.slice(pipe + 1).trim() !== '') return { end: ch + targetEnd, closing: '', subpath };
  return { end: ch + close + 2, closing: ']]', subpath };
}

function wikiCompletion(req: Request): CompletionList | undefined {
  const prefix = req.line.slice(0, req.ch);
  const open = prefix.lastIndexOf('[[');
  if (open < 0) return undefined;
  const inner = prefix.slice(open + 2);
  if (inner.includes(']]')) return undefined;
  let slashes = 0;
  for (let k = open - 1; k >= 0 && prefix[k] === '\\'; k--) slashes++;
  if (slashes % 2 === 1) return undefined;
  const start = open + 2;
  const embed = open > 0 && prefix[open - 1] === '!';
  req.wiki = { open, embed };

  // The cursor in the display text (after `|`, or `\|` in a table, R2.4): nothing to complete, and no tag or
  // path completion either.
  if (inner.includes('|')) return emptyList();
  if (inner.startsWith('^^')) return blockSearch(req, start, inner.slice(2));
  if (inner.startsWith('##')) return headingSearchCompletion(req, start, inner.slice(2), 'wiki');
  const hash = inner.indexOf('#');
  if (hash >= 0) {
    req.wiki.subStart = start + hash + 1;
    const linkpath = inner.slice(0, hash).trim();
    const sub = inner.slice(hash + 1);
    const target = targetNote(req, linkpath);
    if (!target) return emptyList();
    const caret = /^[\s#]*\^/.exec(sub);
    if (caret) {
      const qStart = start + hash + 1 + caret[0].length;
      return blockIdCompletion(req, target, qStart, sub.slice(caret[0].length), 'wiki');
    }
    const lastHash = sub.lastIndexOf('#');
    const chain = lastHash >= 0 ? sub.slice(0, lastHash) : '';
    const qStart = start + hash + 1 + lastHash + 1;
    return headingCompletion(req, target, chain, qStart, 'wiki');
  }
  return fileCompletion(req, start, inner, embed ? 'embed' : 'wiki');
}

/** The note a link's path part names (`''` = this note), or undefined when it names no note. */
function targetNote(req: Request, linkpath: string): { path: string; note: NoteModel } | undefined {
  if (linkpath === '') return { path: req.path, note: req.note ?? parseNote(req.path, req.text) };
  const r = resolveLinkpath(linkpath, req.path, req.ctx.index.files);
  if (r.target === undefined || !isNotePath(r.target)) return undefined;
  const note = req.ctx.index.note(r.target);
  return note ? { path: r.target, note } : undefined;
}

type LinkStyle = 'wiki' | 'embed' | 'markdown';

interface FileCandidate {
  entry: NameEntry;
  tier: number;
  /** Tier, the note itself last, recent notes first and (nothing typed) the kind, as one number: smaller is better. */
  rank: number;
  /** Matched on the file name with its extension: the filterText must have it too. */
  withExtension: boolean;
}

function fileCompletion(req: Request, start: number, typed: string, style: LinkStyle, angle = false): CompletionList {
  const index = req.ctx.index;
  const cache = nameCache(index);
  const markdown = style === 'markdown';
  const query = lookupKey(markdown ? percentDecode(typed) : typed).trim();
  const byPath = query.includes('/');
  const wordStartOnly = req.options.matchOnWordStartOnly !== false;
  const recentRank = new Map<string, number>();
  (req.options.recentPaths ?? []).forEach((p, i) => recentRank.has(p) || recentRank.set(p, i));
  const kindRank = (e: NameEntry): number => (e.kind === 'note' ? 0 : e.kind === 'attachment' ? (style === 'embed' ? 0 : 2) : 1);
  // Among equals: recent notes first, then files before their alternative names when nothing is typed yet, then
  // shorter names; the note being edited comes last. The leading criteria are folded into one number (`rank`,
  // smaller is better) so that most of a large vault's candidates are turned away by one comparison with the
  // worst kept, without building a candidate.
  const recents = (req.options.recentPaths ?? []).length;
  const rankOf = (e: NameEntry, tier: number): number =>
    (((EXACT - tier) * 2 + (e.path === req.path ? 1 : 0)) * (recents + 1) + (recentRank.get(e.path) ?? recents)) * 3 + (query === '' ? kindRank(e) : 0);
  const byName = (a: NameEntry, b: NameEntry): number =>
    a.name.length - b.name.length ||
    kindRank(a) - kindRank(b) ||
    (a.nameLow < b.nameLow ? -1 : a.nameLow > b.nameLow ? 1 : 0) ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : 1);
  const compare = (a: FileCandidate, b: FileCandidate): number => a.rank - b.rank || byName(a.entry, b.entry);
  const top = new TopK<FileCandidate>(req.options.maxItems ?? DEFAULT_MAX_ITEMS, compare);
  // Notes are matched by name without `.md` in wiki-links, and with it when the query has a dot (`[[Note.md`,
  // R2.1) and in markdown links, which write it.
  const withExtension = markdown || query.includes('.');
  const queryChars = charMask(query);
  let considered = 0;
  const offer = (e: NameEntry, tier: number, ext: boolean): void => {
    const rank = rankOf(e, tier);
    const worst = top.worst;
    if (worst && (rank > worst.rank || (rank === worst.rank && byName(e, worst.entry) > 0))) top.turnAway();
    else top.push({ entry: e, tier, rank, withExtension: ext });
  };
  const consider = (e: NameEntry): void => {
    if ((++considered & 1023) === 0) throwIfCancelled(req.ctx.cancellation);
    if (e.kind !== 'note' && e.kind !== 'attachment') {
      if (e.path === req.path) return;
      const tier = (e.chars.name & queryChars) === queryChars ? matchTier(query, e.nameLow, e.name, wordStartOnly) : NO_MATCH;
      if (tier !== NO_MATCH) offer(e, tier, false);
      return;
    }
    // Every tier needs each character of the query in the name: a name without one of them is no match.
    let tier = markdown || (e.chars[byPath ? 'path' : 'name'] & queryChars) !== queryChars ? NO_MATCH : matchTier(query, byPath ? e.pathLow : e.nameLow, byPath ? e.pathLow : e.name, wordStartOnly);
    let ext = false;
    if (tier === NO_MATCH && withExtension && (e.chars[byPath ? 'full' : 'file'] & queryChars) === queryChars) {
      tier = matchTier(query, byPath ? e.fullLow : e.fileLow, byPath ? e.fullLow : e.fileLow, wordStartOnly);
      ext = true;
    }
    if (tier !== NO_MATCH) offer(e, tier, ext);
  };
  const nameIndex = cache.index;
  if ((query === '' || (!markdown && !withExtension && !byPath)) && !req.options.scanAllNames && nameIndex) {
    // A wiki-link query by name, or nothing typed yet (every name matches): the notes open or recent (and this
    // one), whose ranks differ, are weighed one by one; of the rest only what the index says can make the list.
    const special = new Set([req.path, ...(req.options.recentPaths ?? [])]);
    for (const p of special) {
      const f = cache.fileEntry(p);
      if (f) consider(f);
      if (!markdown) for (const e of cache.alternativesOf(p)) consider(e);
    }
    const need = (req.options.maxItems ?? DEFAULT_MAX_ITEMS) + 1;
    for (const e of indexedCandidates(nameIndex, query, { special, need, embed: style === 'embed', alternatives: !markdown, wordStartOnly, cancellation: req.ctx.cancellation })) consider(e);
  } else {
    for (const e of cache.fileEntries()) consider(e);
    // Alternative names complete wiki-links only: a markdown link has no place for them (R3.7).
    if (!markdown) for (const e of cache.alternativeNames()) consider(e);
  }

  const items: CompletionItem[] = [];
  const winners = top.sorted();
  const writingPublic = isPublicSource(req);
  for (let i = 0; i < winners.length; i++) {
    const w = winners[i];
    const item = writable(() => (markdown ? markdownFileItem(req, start, w.entry, byPath, angle) : wikiFileItem(req, start, w.entry, byPath, w.withExtension)));
    if (!item) continue;
    item.sortText = sortKey(items.length);
    if (writingPublic) markPrivate(req, item, w.entry.path);
    items.push(item);
  }
  return { isIncomplete: top.total > winners.length, items };
}

/**
 * The names outside `special` that the ranking of a wiki-link query by name (no `/`, no `.`), or of an empty
 * query in any link, can keep: read from the index tier by tier, best first (exact, prefix, word prefix, then the
 * fuzzy tiers from a scan), each tier in the ranking's order among equals, and stopped once `need` are found: the
 * ranking puts any further name of that tier after them, and every lower tier after the whole tier.
 */
function indexedCandidates(
  index: NameIndex,
  query: string,
  opts: {
    special: ReadonlySet<string>;
    need: number;
    embed: boolean;
    /** False in a markdown link, which has no place for alternative names (R3.7). */
    alternatives: boolean;
    wordStartOnly: boolean;
    cancellation?: FeatureContext['cancellation'];
  },
): NameEntry[] {
  const out: NameEntry[] = [];
  const { special, need } = opts;
  let scanned = 0;
  /**
   * Takes the names of the buckets `keys` that `accept` says are of the tier being read, from each bucket of each
   * of `classes` up to what is still needed: each is in the ranking's order within its class, so the best of the
   * tier are among what is taken, whatever the order across classes and buckets (the ranking itself sorts them). A
   * name in two of the buckets is taken once. True once enough are in: every name not read yet is then ranked after
   * them.
   */
  const take = (keys: string | readonly string[], accept: (e: NameEntry) => boolean, classes: readonly string[] = NAME_CLASSES): boolean => {
    const cap = need - out.length;
    const several = typeof keys !== 'string';
    const seen = several ? new Set<NameEntry>() : undefined;
    for (const key of several ? keys : [keys]) {
      for (const c of classes) {
        const b = index.read(`${key}|${c}`);
        if (!b) continue;
        let taken = 0;
        for (let i = 0; i < b.items.length && taken < cap; i++) {
          const e = b.items[i];
          if ((++scanned & 4095) === 0) throwIfCancelled(opts.cancellation);
          if (!accept(e) || special.has(e.path) || (b.dead > 0 && index.isRemoved(e))) continue;
          taken++;
          if (seen?.has(e)) continue;
          seen?.add(e);
          out.push(e);
        }
      }
    }
    return out.length >= need;
  };
  /**
   * {@link take} for the prefix tier: a bucket is sorted by name within each length, so the names of a length
   * that begin with the query are one range, found by binary search, however long the query and few its matches.
   */
  const takePrefixed = (key: string): boolean => {
    const cap = need - out.length;
    for (const c of NAME_CLASSES) {
      const b = index.read(`${key}|${c}`);
      if (!b) continue;
      const items = b.items;
      let taken = 0;
      for (let start = 0; start < items.length && taken < cap; ) {
        const length = items[start].name.length;
        const end = firstIndex(items, start, items.length, (e) => e.name.length > length);
        for (let i = firstIndex(items, start, end, (e) => e.nameLow >= query); i < end && taken < cap && items[i].nameLow.startsWith(query); i++) {
          const e = items[i];
          if (e.nameLow === query || special.has(e.path) || (b.dead > 0 && index.isRemoved(e))) continue;
          out.push(e);
          taken++;
        }
        start = end;
      }
    }
    return out.length >= need;
  };
  if (query === '') {
    // Nothing typed: the kind's rank comes first (attachments with notes in an embed, else last).
    const any = (): boolean => true;
    const alt = opts.alternatives ? ['alt'] : [];
    if (opts.embed) {
      if (!take('all', any, ['note', 'attachment'])) take('all', any, alt);
    } else if (!take('all', any, ['note']) && !take('all', any, alt)) take('all', any, ['attachment']);
    return out;
  }
  for (const e of index.exactly(query)) if (!special.has(e.path)) out.push(e);
  // The buckets of the query's first characters, in the ranking's order, read until enough are found.
  const key = query.slice(0, KEY_CHARS);
  if (takePrefixed(`h${key}`)) return out;
  if (take(`w${key}`, (e) => matchTier(query, e.nameLow, e.name, opts.wordStartOnly) === WORD_PREFIX)) return out;
  // Subsequences from a word start: the names with a word starting with the query's first character, most ruled
  // out by their characters alone. Any subsequence (when asked for): every name.
  const queryChars = charMask(query);
  const tierIs = (tier: number) => (e: NameEntry) => (e.chars.name & queryChars) === queryChars && matchTier(query, e.nameLow, e.name, opts.wordStartOnly) === tier;
  if (take([`h${query[0]}`, `w${query[0]}`], tierIs(WORD_FUZZY)) || opts.wordStartOnly) return out;
  take('all', tierIs(WEAK_FUZZY));
  return out;
}

/** The first index in `[from, to)` whose item passes `after` (false, then true, along the range), else `to`. */
function firstIndex<T>(items: readonly T[], from: number, to: number, after: (item: T) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(items[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Whether the note being written in is public: then links to private notes are marked (see {@link markPrivate}). */
function isPublicSource(req: Request): boolean {
  const source = req.note ?? req.ctx.index.note(req.path);
  return source !== undefined && noteVisibility(source, req.ctx.defaultVisibility) === 'public';
}

/**
 * Marks the item of a private note, offered while writing in a public one: linking it is a `private-link`
 * problem (the published note would point to, or show, a note that is not published).
 */
function markPrivate(req: Request, item: CompletionItem, path: string): void {
  const target = req.ctx.index.note(path);
  if (!target || noteVisibility(target, req.ctx.defaultVisibility) !== 'private') return;
  item.labelDetails = { ...item.labelDetails, description: 'private' };
  item.detail = item.detail ? `${item.detail} (private note)` : 'private note';
}

function wikiFileItem(req: Request, start: number, e: NameEntry, byPath: boolean, withExtension: boolean): CompletionItem {
  const files = req.ctx.index.files;
  // Reached when a wiki-link is written (wholeLinkEdit writes the others): the vault's path form, wiki style.
  const format: LinkFormat = { ...req.settings.linkFormat, style: 'wiki' };
  if (e.kind === 'note' || e.kind === 'attachment') {
    const shown = byPath ? e.path : basename(e.path);
    const filterText = e.kind === 'note' && !withExtension ? shown.slice(0, shown.length - NOTE_EXTENSION.length - 1) : shown;
    const base = { label: e.name, kind: CompletionItemKind.File, detail: e.path, filterText };
    const rest = cursorTail(req, 'wiki rest', () => wikiRest(req.line, req.ch, inTable(req)));
    const whole = wholeLinkEdit(req, start, filterText, { target: e.path, subpath: rest.subpath, display: rest.display });
    if (whole) return { ...base, ...whole };
    const tail = cursorTail(req, 'wiki to subpath', () => wikiTail(req.line, req.ch, true, true));
    const link = writeLinkPath(files, req.path, e.path, format, { name: true });
    return { ...base, textEdit: TextEdit.replace(lineRange(req, start, tail.end), link + tail.closing) };
  }
  // An alias, title or acronym: Obsidian writes `[[File|Alias]]` because aliases do not resolve links (R3.7).
  const tail = cursorTail(req, 'wiki whole', () => wikiTail(req.line, req.ch, false, false));
  const base = { label: e.name, kind: CompletionItemKind.Reference, detail: `${e.kind} of ${e.path}`, filterText: e.name };
  const spec = { target: e.path, subpath: tail.subpath === '' ? undefined : tail.subpath.slice(1), display: e.name };
  const whole = wholeLinkEdit(req, start, e.name, spec);
  if (whole) return { ...base, ...whole };
  // The writer's wiki-link without its `[[` (the range starts after it): `\|` in a table row (R2.4).
  const written = writeLink(files, { from: req.path, ...spec, inTable: inTable(req) }, format);
  return { ...base, textEdit: TextEdit.replace(lineRange(req, start, tail.end), written.slice(2)) };
}

/** What follows the cursor in the wiki-link being completed, up to its closing `]]`: its subpath and display text. */
function wikiRest(line: string, ch: number, table: boolean): { end: number; subpath?: string; display?: string } {
  const rest = line.slice(ch);
  const close = rest.indexOf(']]');
  const reopen = rest.indexOf('[[');
  if (close < 0 || (reopen >= 0 && reopen < close)) return { end: rest.startsWith(']') && !rest.startsWith(']]') ? ch + 1 : ch };
  const inner = rest.slice(0, close);
  const pipe = inner.indexOf('|');
  const targetEnd = pipe < 0 ? inner.length : pipe > 0 && inner[pipe - 1] === '\\' ? pipe - 1 : pipe;
  const hash = inner.indexOf('#');
  const subpath = hash >= 0 && hash < targetEnd ? inner.slice(hash + 1, targetEnd) : undefined;
  const display = pipe >= 0 ? inner.slice(pipe + 1) : undefined;
  return { end: ch + close + 2, subpath, display: table && display !== undefined ? display.replace(/\\\|/g, '|') : display };
}

/**
 * A wiki-trigger item written as a whole link, when the vault writes markdown links (R6.6: `[[` still completes
 * there and inserts a markdown link) or a wiki-link cannot hold the target or text (R2.6): the edit replaces the
 * whole link from its `[[` (and `!`) to its closing. `from` is where the item's own range would start, and
 * `filterText` its filter text, which is prefixed with what lies between. Undefined when a wiki-link is written.
 */
function wholeLinkEdit(req: Request, from: number, filterText: string, spec: Pick<LinkRequest, 'target' | 'subpath' | 'display'>): Pick<CompletionItem, 'textEdit' | 'filterText'> | undefined {
  const site = req.wiki!;
  const link: LinkRequest = { from: req.path, ...spec, embed: site.embed, inTable: inTable(req) };
  const files = req.ctx.index.files;
  if (req.inFrontmatter) {
    // Only a wiki-link is a link in a property: one that cannot be written is no item.
    const problem = wikiLinkProblem(files, link, req.settings.linkFormat.pathForm);
    if (problem) throw new LinkWriteError(problem);
    return undefined;
  }
  if (req.settings.linkFormat.style === 'wiki' && wikiLinkProblem(files, link, req.settings.linkFormat.pathForm) === undefined) return undefined;
  const begin = site.embed ? site.open - 1 : site.open;
  const end = cursorTail(req, 'wiki rest', () => wikiRest(req.line, req.ch, inTable(req))).end;
  return {
    textEdit: TextEdit.replace(lineRange(req, begin, end), writeLink(files, link, { ...req.settings.linkFormat, style: 'markdown' })),
    filterText: req.line.slice(begin, from) + filterText,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown links: `](`, `![](`

const LINK_TITLE_AND_CLOSE = /^\s+(?:"[^"]*"|'[^']*'|\([^)]*\))?\s*\)/;

/** Where the destination being completed ends after the cursor, and the closing the new text needs. */
function markdownTail(line: string, ch: number, stopAtHash: boolean, angle: boolean): { end: number; closing: string } {
  const n = line.length;
  if (angle) {
    const close = line.indexOf('>', ch);
    const stop = stopAtHash ? line.indexOf('#', ch) : -1;
    if (stop >= 0 && (close < 0 || stop < close)) return { end: stop, closing: '' };
    if (close < 0) return { end: n, closing: '>)' };
    if (line[close + 1] === ')') return { end: close + 2, closing: '>)' };
    return { end: close + 1, closing: '>' };
  }
  let depth = 0;
  for (let j = ch; j < n; j++) {
    const c = line[j];
    if (c === '\\') {
      j++;
      continue;
    }
    // A blank ends the destination; the link goes on only if a title and `)` follow.
    if (/\s/.test(c)) return { end: j, closing: LINK_TITLE_AND_CLOSE.test(line.slice(j)) ? '' : ')' };
    if (stopAtHash && c === '#') return { end: j, closing: '' };
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return { end: j + 1, closing: ')' };
      depth--;
    }
  }
  return { end: n, closing: ')' };
}

function markdownLinkCompletion(req: Request): CompletionList | undefined {
  const prefix = req.line.slice(0, req.ch);
  const at = prefix.lastIndexOf('](');
  if (at < 0 || prefix.lastIndexOf('[', at) < 0) return undefined;
  let dest = prefix.slice(at + 2);
  let start = at + 2;
  const angle = dest.startsWith('<');
  if (angle) {
    dest = dest.slice(1);
    start++;
    if (dest.includes('>')) return undefined;
  } else {
    if (/\s/.test(dest)) return undefined;
    let depth = 0;
    for (const c of dest) {
      if (c === '(') depth++;
      else if (c === ')' && --depth < 0) return undefined;
    }
  }
  if (uriScheme(dest) !== undefined) return emptyList();
  if (!angle && dest.startsWith('##')) return headingSearchCompletion(req, start, dest.slice(2), 'markdown');
  const hash = dest.indexOf('#');
  if (hash < 0) return fileCompletion(req, start, dest, 'markdown', angle);
  const target = targetNote(req, percentDecode(dest.slice(0, hash)).trim());
  if (!target) return emptyList();
  const fragment = dest.slice(hash + 1);
  if (fragment.startsWith('^')) return blockIdCompletion(req, target, start + hash + 2, fragment.slice(1), angle ? 'angle' : 'markdown');
  return headingCompletion(req, target, '', start + hash + 1, angle ? 'angle' : 'markdown');
}

function markdownFileItem(req: Request, start: number, e: NameEntry, byPath: boolean, angle: boolean): CompletionItem {
  const written = writeLinkPath(req.ctx.index.files, req.path, e.path, { ...req.settings.linkFormat, style: 'markdown' }, { angle, name: true });
  const tail = cursorTail(req, angle ? 'markdown angle to fragment' : 'markdown to fragment', () => markdownTail(req.line, req.ch, true, angle));
  return {
    label: basename(e.path),
    kind: CompletionItemKind.File,
    detail: e.path,
    // Filtered here by name (or by path when the query has a `/`): a relative or absolute path is filtered by name too.
    filterText: byPath ? (angle ? e.path : encodeMarkdownPath(e.path)) : req.settings.linkFormat.pathForm === 'shortest' ? written : angle ? basename(e.path) : encodeMarkdownPath(basename(e.path)),
    textEdit: TextEdit.replace(lineRange(req, start, tail.end), written + tail.closing),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Headings (R4.2, R4.3) and block ids (R4.6–R4.8) of a link's target

type SubpathStyle = 'wiki' | 'markdown' | 'angle';

function subpathTail(req: Request, style: SubpathStyle, stopAtHash: boolean): { end: number; closing: string } {
  return style === 'wiki' ? wikiTail(req.line, req.ch, stopAtHash, true) : markdownTail(req.line, req.ch, false, style === 'angle');
}

function headingCompletion(req: Request, target: { path: string; note: NoteModel }, chain: string, qStart: number, style: SubpathStyle): CompletionList {
  const headings = target.note.headings;
  let candidates = headings.map((h, i) => ({ h, i }));
  if (chain.replace(/#/g, '').trim() !== '') {
    const parent = matchHeadingChain(chain, headings).heading;
    if (!parent) return emptyList();
    candidates = candidates.filter(({ h }) => h.line > parent.line && h.line <= parent.sectionEndLine && h.level > parent.level);
  }
  const typed = req.line.slice(qStart, req.ch);
  const query = lookupKey(style === 'markdown' ? percentDecode(typed) : typed).trim();
  const wordStartOnly = req.options.matchOnWordStartOnly !== false;
  const tail = subpathTail(req, style, true);
  const scored = candidates
    .map(({ h, i }) => {
      const text = headingLinkText(h.text);
      return { h, i, text, tier: matchTier(query, lookupKey(text), text, wordStartOnly) };
    })
    .filter((c) => c.tier !== NO_MATCH && c.text !== '')
    .sort((a, b) => b.tier - a.tier || a.i - b.i);
  const rest = style === 'wiki' ? wikiRest(req.line, req.ch, inTable(req)) : undefined;
  const items = scored.flatMap(({ h, text }, k): CompletionItem[] => writable(() => [headingItem(h, text, k)]) ?? []);
  return { isIncomplete: false, items };

  function headingItem(h: Heading, text: string, k: number): CompletionItem {
    const written = style === 'markdown' ? encodeMarkdownPath(text) : text;
    const item: CompletionItem = {
      label: h.text,
      kind: CompletionItemKind.Reference,
      detail: `${'#'.repeat(h.level)} ${h.text}`,
      filterText: written,
      sortText: sortKey(k),
      textEdit: TextEdit.replace(lineRange(req, qStart, tail.end), written + tail.closing),
    };
    if (rest && req.wiki?.subStart !== undefined) {
      const subpath = `${req.line.slice(req.wiki.subStart, qStart)}${text}${rest.subpath !== undefined ? `#${rest.subpath}` : ''}`;
      Object.assign(item, wholeLinkEdit(req, qStart, written, { target: target.path, subpath, display: rest.display }));
    }
    return item;
  }
}

function blockIdCompletion(req: Request, target: { path: string; note: NoteModel }, qStart: number, typed: string, style: SubpathStyle): CompletionList {
  const text = target.path === req.path ? req.text : req.ctx.getText(target.path);
  const lines = text === undefined ? [] : splitLines(text);
  // The note being edited is read from its live text, so that blocks and ids typed since the last parse count.
  const note = target.path === req.path ? parseNote(req.path, req.text) : target.note;
  const query = lookupKey(typed).trim();
  const wordStartOnly = req.options.matchOnWordStartOnly !== false;
  const tail = subpathTail(req, style, false);
  const replace = lineRange(req, qStart, tail.end);
  const items: CompletionItem[] = [];
  const rest = style === 'wiki' ? wikiRest(req.line, req.ch, inTable(req)) : undefined;
  /** The item's edit writing `^id`: in place, or the whole link when the vault writes markdown links. */
  const edit = (id: string, filterText: string): Pick<CompletionItem, 'textEdit' | 'filterText'> =>
    (rest && wholeLinkEdit(req, qStart, filterText, { target: target.path, subpath: `^${id}`, display: rest.display })) || {
      textEdit: TextEdit.replace(replace, id + tail.closing),
      filterText,
    };

  // Ids the note already has, matched by id.
  for (const b of note.blockIds) {
    if (matchTier(query, b.id.toLowerCase(), b.id, wordStartOnly) === NO_MATCH) continue;
    const content = blockText(lines, b.startLine, b.endLine);
    items.push({
      label: b.id,
      kind: CompletionItemKind.Reference,
      detail: `^${b.id} (${b.kind})`,
      documentation: content ? { kind: MarkupKind.Markdown, value: content } : undefined,
      ...edit(b.id, b.id),
    });
  }

  // Blocks without an id, matched by their text: accepting one gives it a fresh id, as Obsidian does.
  if (text !== undefined) {
    const existing = new Set(note.blockIds.map((b) => b.id.toLowerCase()));
    const seed = blockIdSeeds(req.options.blockIdSeed);
    const words = query.split(/\s+/).filter((w) => w !== '');
    for (const block of searchBlocks(note, lines)) {
      // Blocks with an id were offered above, by their id.
      if (block.id !== undefined) continue;
      if (target.path === req.path && block.startLine <= req.lineNo && req.lineNo <= block.endLine) continue;
      if (!words.every((w) => block.low.includes(w))) continue;
      const id = freshBlockId(existing, seed());
      existing.add(id);
      const item: CompletionItem = {
        label: excerpt(block.text),
        kind: CompletionItemKind.Text,
        detail: `new ^${id}`,
        documentation: { kind: MarkupKind.Markdown, value: block.text },
        // The words were matched here in any order, which VS Code's filter cannot express: give it the typed text.
        ...edit(id, typed),
      };
      attachIdWriter(req, item, target.path, block, id, lines);
      items.push(item);
    }
  }
  items.forEach((it, k) => (it.sortText = sortKey(k)));
  // Blocks without an id are matched by words here (their filterText is the typed text), so ask again as the user types.
  return { isIncomplete: items.some((it) => it.command !== undefined || it.additionalTextEdits !== undefined), items };
}

/** The block's lines without its `^id`, for documentation. */
function blockText(lines: readonly string[], startLine: number, endLine: number): string {
  const out = lines.slice(startLine, Math.min(endLine, startLine + 30) + 1);
  if (out.length > 0) out[out.length - 1] = withoutTrailingId(out[out.length - 1]);
  return out.join('\n').trim();
}

function withoutTrailingId(line: string): string {
  const id = trailingBlockId(line);
  return (id ? line.slice(0, id.caret) : line).trimEnd();
}

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 79)}…` : one;
}

// ---------------------------------------------------------------------------------------------------------------
// Block search: `[[^^text`

/** A block of the block map that block search offers, with its text for matching and display. */
interface SearchBlock extends Block {
  /** Text without list or quote markers. */
  text: string;
  low: string;
}

/** Block kinds block search offers: what a reader calls a block (not a whole list, not a heading). */
const SEARCHED_KINDS: ReadonlySet<BlockKind> = new Set<BlockKind>(['paragraph', 'list-item', 'quote', 'callout', 'table']);
const LIST_MARKER = /^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?:\[.\][ \t]+)?|$)/;
const QUOTE_MARKERS = /^(?:[ \t]*>)+/;

/**
 * The searchable blocks of a note's block map with their text (a list item's own text, not its sub-items, and
 * without the id). Code and HTML are never id-able blocks. A block's `id` is the parser's, so a block that ends in
 * one (`![[img.png]]^abc123` too) is linked by it and never given a second id, which would replace it.
 */
function searchBlocks(note: NoteModel, lines: readonly string[]): SearchBlock[] {
  const out: SearchBlock[] = [];
  for (const b of noteBlocks(note)) {
    if (!SEARCHED_KINDS.has(b.kind) || b.endLine >= lines.length) continue;
    const lastLine = b.kind === 'list-item' ? b.idLine : b.endLine;
    const last = Math.min(lastLine, b.startLine + 30);
    const parts: string[] = [];
    for (let i = b.startLine; i <= last; i++) {
      let s = lines[i].replace(QUOTE_MARKERS, '');
      if (i === b.startLine) s = s.replace(LIST_MARKER, '');
      if (i === lastLine && b.id !== undefined) s = withoutTrailingId(s);
      s = s.trim();
      if (s !== '') parts.push(s);
    }
    const text = parts.join('\n');
    if (text !== '') out.push({ ...b, text, low: lookupKey(text) });
  }
  return out;
}

/**
 * False when no block of `text` can hold every word, judged from the whole text's match key without splitting it
 * into blocks (most notes a search reads lack a word). A block's match key is made of pieces of its lines (list
 * and quote markers, an id and blanks cut off), and a word, never blank, lies within one piece; a piece's edges
 * in the whole text are blanks, line ends or `>`, which the lower case of a `Σ` does not look through. So the word
 * is in the whole text's match key too, provided the text is in NFC (else a piece could normalise otherwise at its
 * edge, as `>` with U+0338 does): a text that is not is always read.
 */
function mayHoldWords(text: string, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  let low: string;
  if (ASCII_TEXT.test(text)) low = text.toLowerCase();
  else {
    const nfc = text.normalize('NFC');
    if (nfc !== text) return true;
    low = nfc.toLowerCase();
  }
  return words.every((w) => low.includes(w));
}

const ASCII_TEXT = /^[\x00-\x7f]*$/;

function blockSearch(req: Request, start: number, typed: string): CompletionList {
  const index = req.ctx.index;
  const bounds = req.options.blockSearch ?? {};
  const maxResults = bounds.maxResults ?? 50;
  const maxNotes = bounds.maxNotes ?? 1000;
  const deadline = Date.now() + (bounds.timeBudgetMs ?? 150);
  const phrase = lookupKey(typed).replace(/\s+/g, ' ').trim();
  const words = phrase.split(' ').filter((w) => w !== '');
  const tail = wikiTail(req.line, req.ch, false, true);
  const replace = lineRange(req, start, tail.end);
  const after = wikiRest(req.line, req.ch, inTable(req));
  const seed = blockIdSeeds(req.options.blockIdSeed);

  // This note first, then open or recent ones, then the rest of the vault.
  const order: string[] = [req.path];
  const queued = new Set(order);
  for (const p of req.options.recentPaths ?? []) {
    if (queued.has(p) || !index.note(p)) continue;
    queued.add(p);
    order.push(p);
  }
  const rest = index.notePaths();

  type Hit = { path: string; block: SearchBlock; lines: string[]; ids: Set<string>; phrase: boolean; rank: number };
  const hits: Hit[] = [];
  let read = 0;
  let k = 0;
  for (;;) {
    let p: string | undefined;
    if (k < order.length) p = order[k++];
    else {
      const r = rest.next();
      if (r.done) break;
      if (queued.has(r.value)) continue;
      p = r.value;
    }
    if (read >= maxNotes || hits.length >= maxResults || (read > 0 && Date.now() > deadline)) break;
    read++;
    const text = p === req.path ? req.text : req.ctx.getText(p);
    if (text === undefined || !mayHoldWords(text, words)) continue;
    const lines = splitLines(text);
    // The note being edited from its live text; the others from the index, whose models are their texts'.
    const note = p === req.path ? parseNote(p, text) : index.note(p);
    if (!note) continue;
    let ids: Set<string> | undefined;
    for (const block of searchBlocks(note, lines)) {
      if (p === req.path && block.startLine <= req.lineNo && req.lineNo <= block.endLine) continue;
      if (!words.every((w) => block.low.includes(w))) continue;
      ids ??= new Set(note.blockIds.map((b) => b.id.toLowerCase()));
      hits.push({ path: p, block, lines, ids, phrase: phrase !== '' && block.low.includes(phrase), rank: read });
      if (hits.length >= maxResults) break;
    }
  }
  hits.sort((a, b) => Number(b.phrase) - Number(a.phrase) || a.rank - b.rank || a.block.startLine - b.block.startLine);

  const items = hits.flatMap((hit, i): CompletionItem[] => writable(() => hitItem(hit, i)) ?? []);
  // Always incomplete: words were matched here in any order (see filterText), and the search may have stopped at
  // its bounds before reading the whole vault.
  return { isIncomplete: true, items };

  function hitItem(hit: Hit, i: number): CompletionItem[] {
    const { block } = hit;
    // A block's own id is reused; new ids are drawn against one shared set per note, so they stay distinct.
    let id = block.id;
    if (id === undefined) {
      id = freshBlockId(hit.ids, seed());
      hit.ids.add(id);
    }
    const whole = wholeLinkEdit(req, start, req.line.slice(start, req.ch), { target: hit.path, subpath: `^${id}`, display: after.display });
    const place = headingPlace(hit.path);
    const item: CompletionItem = {
      label: excerpt(block.text),
      // Where the block lives, as `[[##` shows it: its note and folder.
      labelDetails: { description: place.folder === '' ? place.note : `${place.note} · ${place.folder}` },
      kind: CompletionItemKind.Text,
      detail: `${hit.path}${block.id === undefined ? ` (new ^${id})` : ` ^${id}`}`,
      documentation: { kind: MarkupKind.Markdown, value: block.text },
      // Words match in any order here, which VS Code's filter cannot express: it gets the typed text itself, and
      // the list is incomplete so that every keystroke asks again.
      filterText: req.line.slice(start, req.ch),
      sortText: sortKey(i),
      ...(whole ?? { textEdit: TextEdit.replace(replace, `${writeLinkPath(index.files, req.path, hit.path, { ...req.settings.linkFormat, style: 'wiki' })}#^${id}${tail.closing}`) }),
    };
    if (block.id === undefined) attachIdWriter(req, item, hit.path, block, id, hit.lines);
    return [item];
  }
}

/**
 * Makes accepting `item` also write the block's new id: an additional edit when the block is in the note being
 * edited (one undo step, and the link edit on the cursor line shifts no line), else the addBlockId command.
 */
function attachIdWriter(req: Request, item: CompletionItem, path: string, block: Block, id: string, lines: readonly string[]): void {
  if (path === req.path) {
    item.additionalTextEdits = [blockIdInsertEdit(req.text, block, id)];
    return;
  }
  const args: AddBlockIdArgs = { path, line: block.idLine, id, kind: block.kind, lineText: lines[block.idLine] };
  const command: Command = { title: 'Add block id', command: ADD_BLOCK_ID_COMMAND, arguments: [args] };
  item.command = command;
}

// ---------------------------------------------------------------------------------------------------------------
// Heading search: `[[##text`, `](##text`

/** Most headings `[[##` offers; typing narrows them (the list is always incomplete). */
const HEADING_SEARCH_ITEMS = 50;

/**
 * How a query matches a heading's link text for `[[##`: exact, prefix, prefix of a word, then a substring inside
 * a word, then letters in order from a word start, then anywhere. The list's filter text is the typed text, so
 * VS Code keeps every item in this order, mid-word matches included.
 */
function headingSearchScore(query: string, low: string, orig: string): number {
  const tier = matchTier(query, low, orig, false);
  if (tier === NO_MATCH) return -1;
  if (tier >= WORD_PREFIX || query === '') return tier * 10;
  return low.includes(query) ? WORD_PREFIX * 10 - 5 : tier * 10;
}

/**
 * Headings of every note matching what follows `##`, written as a link to the heading by the link writer in the
 * vault's style and path form: `[[Note#Heading]]` (`![[…]]` in an embed, a markdown link when the vault writes
 * those), or in a markdown link `Note.md#Heading`. `from` is where the `##` is.
 */
function headingSearchCompletion(req: Request, from: number, typed: string, style: 'wiki' | 'markdown'): CompletionList {
  const index = req.ctx.index;
  const query = lookupKey(style === 'markdown' ? percentDecode(typed) : typed).replace(/\s+/g, ' ').trim();
  const recentRank = new Map<string, number>();
  (req.options.recentPaths ?? []).forEach((p, i) => recentRank.has(p) || recentRank.set(p, i));
  const { hits } = searchHeadings(index, (low, orig) => headingSearchScore(query, low, orig), {
    limit: req.options.maxItems ?? HEADING_SEARCH_ITEMS,
    recentRank,
    query,
    cancellation: req.ctx.cancellation,
  });
  const wiki = style === 'wiki' ? req.wiki! : undefined;
  // A wiki-link is rewritten whole, from its `[[` (or `!`), as the writer may write another style; a markdown
  // link's destination from the `##`.
  const begin = wiki ? (wiki.embed ? wiki.open - 1 : wiki.open) : from;
  const filterText = req.line.slice(begin, req.ch);
  const items: CompletionItem[] = [];
  for (const hit of hits) {
    // The subpath must reach this very heading (the first of equal texts wins, R4.4): checked for the few kept.
    const note = index.note(hit.path);
    if (!note || matchHeadingChain(hit.subpath, note.headings).heading?.line !== hit.heading.line) continue;
    const item = writable(() => headingHitItem(req, hit, begin, style));
    if (!item) continue;
    item.filterText = filterText;
    item.sortText = sortKey(items.length);
    items.push(item);
  }
  // Always incomplete: the filter text is the typed text, so each keystroke asks again and the ranking here holds.
  return { isIncomplete: true, items };
}

function headingHitItem(req: Request, hit: HeadingSearchHit, begin: number, style: 'wiki' | 'markdown'): CompletionItem {
  const files = req.ctx.index.files;
  const { note, folder } = headingPlace(hit.path);
  const base: CompletionItem = {
    label: hit.heading.text,
    labelDetails: { description: folder === '' ? note : `${note} · ${folder}` },
    kind: CompletionItemKind.Reference,
    detail: `${'#'.repeat(hit.heading.level)} ${hit.heading.text} — ${hit.path}`,
  };
  if (style === 'wiki') {
    const rest = wikiRest(req.line, req.ch, inTable(req));
    const link: LinkRequest = { from: req.path, target: hit.path, subpath: hit.subpath, display: rest.display, embed: req.wiki!.embed, inTable: inTable(req) };
    // Frontmatter holds wiki-links only (R7.5): one that cannot be written there is no item.
    if (req.inFrontmatter) {
      const problem = wikiLinkProblem(files, link, req.settings.linkFormat.pathForm);
      if (problem) throw new LinkWriteError(problem);
    }
    const format: LinkFormat = req.inFrontmatter ? { ...req.settings.linkFormat, style: 'wiki' } : req.settings.linkFormat;
    return { ...base, textEdit: TextEdit.replace(lineRange(req, begin, rest.end), writeLink(files, link, format)) };
  }
  const tail = markdownTail(req.line, req.ch, false, false);
  const path = writeLinkPath(files, req.path, hit.path, { ...req.settings.linkFormat, style: 'markdown' }, { name: true });
  return { ...base, textEdit: TextEdit.replace(lineRange(req, begin, tail.end), `${path}#${encodeMarkdownPath(hit.subpath)}${tail.closing}`) };
}

// ---------------------------------------------------------------------------------------------------------------
// Tags (R8)

/** The tag characters of the parser (R8.2), as a class. */
const TAG_CHARS = '[^\\s!-,.:-@\\[-\\^`{-~\\u2000-\\u206F\\u2E00-\\u2E7F]';
const TAG_BEFORE_CURSOR = new RegExp(`(^|\\s)#(${TAG_CHARS}*)$`, 'u');
const TAG_AFTER_CURSOR = new RegExp(`^${TAG_CHARS}*`, 'u');

function tagCompletion(req: Request): CompletionList | undefined {
  const prefix = req.line.slice(0, req.ch);
  const m = TAG_BEFORE_CURSOR.exec(prefix);
  if (!m) return undefined;
  const typed = m[2];
  // A `#` alone at the start of a line is a heading being written (`# `), not yet a tag.
  if (typed === '' && prefix.slice(0, m.index + m[1].length).trim() === '') return undefined;
  const start = req.ch - typed.length;
  const end = req.ch + (TAG_AFTER_CURSOR.exec(req.line.slice(req.ch))?.[0].length ?? 0);
  const typing = typedTag(req, req.line.slice(start, end));
  const { tags, total } = tagItems(req, typed, (key, uses) => !typing(key, uses));
  const items = tags.map((t, k): CompletionItem => ({
    label: `#${t.name}`,
    kind: CompletionItemKind.Keyword,
    detail: `${t.notes} note${t.notes === 1 ? '' : 's'}`,
    filterText: t.name,
    sortText: sortKey(k),
    textEdit: TextEdit.replace(lineRange(req, start, end), t.name),
  }));
  return { isIncomplete: total > items.length, items };
}

/** Vault tags matching `typed`, best first, each with its first-seen spelling (R8.4). */
function tagItems(
  req: Request,
  typed: string,
  keep: (key: string, uses: ReadonlyMap<string, number>) => boolean,
): { tags: Array<{ name: string; notes: number }>; total: number } {
  const index = req.ctx.index;
  const query = lookupKey(typed.replace(/^#/, '')).trim();
  const wordStartOnly = req.options.matchOnWordStartOnly !== false;
  const found: Array<{ key: string; tier: number; notes: number; uses: ReadonlyMap<string, number> }> = [];
  for (const [key, uses] of index.tags()) {
    if (!keep(key, uses)) continue;
    const tier = matchTier(query, key, key, wordStartOnly);
    if (tier !== NO_MATCH) found.push({ key, tier, notes: uses.size, uses });
  }
  found.sort((a, b) => b.tier - a.tier || b.notes - a.notes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const shown = found.slice(0, req.options.maxItems ?? DEFAULT_MAX_ITEMS);
  const spellings = tagSpellings(index, shown.map((f) => f.key));
  const tags = shown.map((f) => ({ name: spellings.get(tagKey(f.key)) ?? f.key, notes: f.notes }));
  return { tags, total: found.length };
}

/**
 * Recognises the tag being typed: the note was re-parsed with it, so the index knows it, but used once, in this
 * note only, it is not worth offering back.
 */
function typedTag(req: Request, token: string): (key: string, uses: ReadonlyMap<string, number>) => boolean {
  const current = lookupKey(token.replace(/^#/, '')).trim();
  return (key, uses) => key === current && uses.size === 1 && uses.get(req.path) === 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Frontmatter (R7)

/** The properties the vault's frontmatter schema offers, in its order (deprecated ones are not offered). */
function schemaKeys(req: Request): Array<{ key: string; doc?: string }> {
  const schema = req.ctx.frontmatterSchema?.() ?? defaultFrontmatterSchema();
  return schema.properties.filter((p) => !p.deprecated).map((p) => ({ key: p.key, doc: p.description }));
}

/** The values the schema allows for `key` (its enum, a list's item enum, true/false; today for a date), with their descriptions. */
function schemaValues(req: Request, key: string): Array<{ value: string; detail?: string }> | undefined {
  const p = (req.ctx.frontmatterSchema?.() ?? defaultFrontmatterSchema()).property(key);
  if (!p) return undefined;
  const values = p.values ?? p.itemValues;
  if (values) return values.map((v, i) => ({ value: typeof v === 'string' ? v : JSON.stringify(v), detail: p.values ? p.valueDescriptions?.[i] : undefined }));
  if (p.types.length === 1 && p.types[0] === 'boolean') return [{ value: 'true' }, { value: 'false' }];
  if (p.format === 'date') {
    const now = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    return [{ value: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`, detail: 'today' }];
  }
  return undefined;
}

const KEY_LINE_PREFIX = /^([A-Za-z0-9_][\w-]*)?$/;
const VALUE_PREFIX = /^([A-Za-z0-9_][\w-]*):[ \t]*(.*)$/;
const LIST_ITEM_PREFIX = /^[ \t]*-[ \t]+(.*)$/;

function frontmatterCompletion(req: Request, fmEnd: number): CompletionList | undefined {
  const prefix = req.line.slice(0, req.ch);
  if (KEY_LINE_PREFIX.test(prefix)) return keyCompletion(req, fmEnd);

  let key: string | undefined;
  let value: string;
  let valueStart: number;
  const v = VALUE_PREFIX.exec(prefix);
  if (v) {
    key = v[1];
    value = v[2];
    valueStart = req.ch - value.length;
  } else {
    const item = LIST_ITEM_PREFIX.exec(prefix);
    if (!item) return undefined;
    value = item[1];
    valueStart = req.ch - value.length;
    for (let l = req.lineNo - 1; l > 0; l--) {
      const line = req.lines[l];
      if (/^[ \t]*(-|#|$)/.test(line)) continue;
      key = /^([A-Za-z0-9_][\w-]*):/.exec(line)?.[1];
      break;
    }
  }
  if (key === undefined) return undefined;

  // Inline lists `[a, b`: the item after the last separator.
  let qStart = valueStart;
  let inList = false;
  if (value.startsWith('[')) {
    inList = true;
    const sep = Math.max(value.lastIndexOf(','), value.lastIndexOf('['));
    qStart = valueStart + sep + 1;
  }
  while (qStart < req.ch && /[ \t"']/.test(req.line[qStart])) qStart++;
  const typed = req.line.slice(qStart, req.ch);
  const afterRe = inList ? /^[^,\]"']*/ : /^[^"'#]*/;
  const end = req.ch + (afterRe.exec(req.line.slice(req.ch))?.[0].replace(/\s+$/, '').length ?? 0);
  const listed = new Set(listedValues(req, fmEnd, key).map(lookupKey));
  const query = lookupKey(typed).trim();
  const wordStartOnly = req.options.matchOnWordStartOnly !== false;

  let values: Array<{ value: string; detail?: string }>;
  let truncated = false;
  const k = key.toLowerCase();
  const allowed = schemaValues(req, key);
  if (allowed) {
    values = allowed.filter((x) => !listed.has(lookupKey(x.value)));
  } else if (k === 'tags' || k === 'tag') {
    const typing = typedTag(req, req.line.slice(qStart, end));
    const found = tagItems(req, typed, (key, uses) => !listed.has(key) && !typing(key, uses));
    truncated = found.total > found.tags.length;
    values = found.tags.map((t) => ({ value: t.name, detail: `${t.notes} note${t.notes === 1 ? '' : 's'}` }));
  } else if (k === 'aliases' || k === 'alias') {
    const seen = new Map<string, { value: string; count: number }>();
    for (const e of nameCache(req.ctx.index).alternativeNames()) {
      if (e.kind !== 'alias' || e.path === req.path || listed.has(e.nameLow)) continue;
      const s = seen.get(e.nameLow);
      if (s) s.count++;
      else seen.set(e.nameLow, { value: e.name, count: 1 });
    }
    values = [...seen.values()].sort((a, b) => b.count - a.count).map((s) => ({ value: s.value, detail: `alias in ${s.count} note${s.count === 1 ? '' : 's'}` }));
  } else {
    return emptyList();
  }
  const scored = values
    .map((x, i) => ({ ...x, i, tier: matchTier(query, lookupKey(x.value), x.value, wordStartOnly) }))
    .filter((x) => x.tier !== NO_MATCH)
    .sort((a, b) => b.tier - a.tier || a.i - b.i);
  const max = req.options.maxItems ?? DEFAULT_MAX_ITEMS;
  const items = scored.slice(0, max).map((x, i): CompletionItem => ({
    label: x.value,
    kind: CompletionItemKind.Value,
    detail: x.detail,
    filterText: x.value,
    sortText: sortKey(i),
    textEdit: TextEdit.replace(lineRange(req, qStart, end), yamlScalar(x.value, inList)),
  }));
  return { isIncomplete: truncated || scored.length > items.length, items };
}

function keyCompletion(req: Request, fmEnd: number): CompletionList {
  const present = new Set<string>();
  for (let l = 1; l < fmEnd; l++) {
    if (l === req.lineNo) continue;
    const m = /^([^\s:#][^:]*):/.exec(req.lines[l]);
    if (m) present.add(m[1].trim().toLowerCase());
  }
  const typed = req.line.slice(0, req.ch);
  const after = /^[\w-]*(:[ \t]?)?/.exec(req.line.slice(req.ch))?.[0] ?? '';
  const end = req.ch + after.length;
  const query = typed.toLowerCase();
  const wordStartOnly = req.options.matchOnWordStartOnly !== false;
  const schemaKeyList = schemaKeys(req);
  const candidates: Array<{ key: string; doc?: string; count: number; known: boolean }> = schemaKeyList.map((k) => ({ key: k.key, doc: k.doc, count: 0, known: true }));
  const known = new Set(schemaKeyList.map((k) => k.key.toLowerCase()));
  // Keys the schema deprecates are not offered, even where the vault still uses them.
  const deprecated = new Set((req.ctx.frontmatterSchema?.() ?? defaultFrontmatterSchema()).properties.filter((p) => p.deprecated).map((p) => p.key));
  for (const [key, count] of nameCache(req.ctx.index).keyCounts) {
    if (!known.has(key.toLowerCase()) && !deprecated.has(key) && key !== typed) candidates.push({ key, count, known: false });
  }
  const scored = candidates
    .filter((c) => !present.has(c.key.toLowerCase()) && /^[\w-]+$/.test(c.key))
    .map((c, i) => ({ ...c, i, tier: matchTier(query, c.key.toLowerCase(), c.key, wordStartOnly) }))
    .filter((c) => c.tier !== NO_MATCH)
    .sort((a, b) => b.tier - a.tier || Number(b.known) - Number(a.known) || b.count - a.count || a.i - b.i);
  const items = scored.map((c, i): CompletionItem => ({
    label: c.key,
    kind: CompletionItemKind.Property,
    detail: c.known ? undefined : `used in ${c.count} note${c.count === 1 ? '' : 's'}`,
    documentation: c.doc ? { kind: MarkupKind.Markdown, value: c.doc } : undefined,
    filterText: c.key,
    sortText: sortKey(i),
    textEdit: TextEdit.replace(lineRange(req, 0, end), `${c.key}: `),
  }));
  return { isIncomplete: false, items };
}

/** The values already written under `key` in this note's frontmatter (inline or block list, or a scalar). */
function listedValues(req: Request, fmEnd: number, key: string): string[] {
  const out: string[] = [];
  let inKey = false;
  for (let l = 1; l < fmEnd; l++) {
    if (l === req.lineNo) continue;
    const line = req.lines[l];
    const m = /^([^\s:#-][^:]*):[ \t]*(.*)$/.exec(line);
    if (m) {
      inKey = m[1].trim() === key;
      if (inKey && m[2].trim() !== '') out.push(...m[2].replace(/^\[|\]\s*$/g, '').split(','));
      continue;
    }
    const item = /^[ \t]*-[ \t]+(.*)$/.exec(line);
    if (inKey && item) out.push(item[1]);
  }
  // The item being typed on this line does not count; the others on it do.
  if (VALUE_PREFIX.exec(req.line)?.[1] === key) {
    const item = /[^,\[\]]+/g;
    item.lastIndex = req.line.indexOf(':') + 1;
    let m: RegExpExecArray | null;
    while ((m = item.exec(req.line))) {
      if (req.ch < m.index || req.ch > m.index + m[0].length) out.push(m[0]);
    }
  }
  return out.map((s) => s.trim().replace(/^["'#]|["']$/g, '')).filter((s) => s !== '');
}

/** A value as a YAML scalar: plain when safe, double-quoted otherwise (`:`, `#`, leading indicators…). */
function yamlScalar(value: string, inFlowList: boolean): string {
  const unsafe = inFlowList ? /[:#,\[\]{}"'&*!|>%@`]|^[-?\s]|\s$/ : /[:#"'&*!|>%@`{}\[\]]|^[-?,\s]|\s$/;
  return unsafe.test(value) ? JSON.stringify(value) : value;
}
