/**
 * Unlinked mentions: plain-text occurrences of a note's names (its file name, frontmatter `title`, `aliases` and
 * `acronym`) in the other notes of the vault, and the edits that turn them into links.
 *
 * What counts as a mention, as Obsidian's backlinks pane counts it: the name as a whole word, case-insensitively
 * (`who` mentions `WHO`), never inside `WHOLE`; word boundaries are Unicode letters, marks and digits, so `Café`
 * is not mentioned in `Cafés` and `WHO's` mentions `WHO`. Never inside a link (its path or its text), code
 * (spans, fenced or indented blocks), math, comments, HTML, frontmatter, tags, block ids, a URL or the text of a
 * reference link (`[text][label]`).
 *
 * The index holds models, not texts: each note's text comes from `FeatureContext.getText` (the open buffer, else
 * the file through the io layer). The scan is one regular expression over each note's text (linear in the vault's
 * text), in time slices with a pause between them, cancellable, and capped. A {@link MentionCache} keeps what a
 * note's model was found to hold, so a later scan re-reads only the notes that changed.
 */
import type { NoteModel, Range } from '../model';
import { linkRange } from '../model';
import { frontmatterEntry, textList } from '../syntax/frontmatter';
import { isTableRow, parseLinkSource, parseNote } from '../syntax/parser';
import { range as makeRange, splitLines } from '../syntax/text';
import { LinkWriteError, writeLink } from '../vault/linkWriter';
import { lookupKey, stem } from '../vault/paths';
import { blockContext, compareStrings, headingPathAt, type ContextLine } from './backlinks';
import { throwIfCancelled, vaultSettingsOf, type FeatureContext } from './context';
import type { TextEdit } from 'vscode-languageserver-types';

export type MentionTermKind = 'name' | 'title' | 'alias' | 'acronym';

/** One name a note is mentioned by. */
export interface MentionTerm {
  text: string;
  kind: MentionTermKind;
}

/**
 * Names shorter than this (in characters) are not searched: a note called `Go`, `AI` or `a` would be "mentioned"
 * by every other sentence of the vault (case-insensitively, `a` is every article), and a list of thousands of
 * false mentions hides the real ones. Three keeps acronyms such as `WHO` or `EU…` of three letters and more.
 */
export const MIN_MENTION_TERM_LENGTH = 3;

/** At most this many mentions are returned by default; the rest are counted (`more`). */
export const DEFAULT_MENTION_LIMIT = 200;

/**
 * The names of a note, in the order a mention is reported under (file name, title, aliases, acronyms), once each
 * case-insensitively; `skipped` are the ones too short to search (see {@link MIN_MENTION_TERM_LENGTH}).
 */
export function mentionTerms(note: NoteModel): { terms: MentionTerm[]; skipped: MentionTerm[] } {
  const terms: MentionTerm[] = [];
  const skipped: MentionTerm[] = [];
  const seen = new Set<string>();
  const add = (kind: MentionTermKind, value: string | undefined): void => {
    const text = value?.normalize('NFC').trim();
    if (!text) return;
    const key = lookupKey(text);
    if (seen.has(key)) return;
    seen.add(key);
    ([...text].length < MIN_MENTION_TERM_LENGTH ? skipped : terms).push({ text, kind });
  };
  add('name', stem(note.path));
  add('title', note.title);
  for (const a of note.aliases) add('alias', a);
  for (const a of textList(frontmatterEntry(note.frontmatter, 'acronym')?.value)) add('acronym', a);
  return { terms, skipped };
}

/** A mention as found in a note's text. */
export interface FoundMention {
  /** One line: a name never spans a line break. */
  range: Range;
  /** The text as written (`who`). */
  text: string;
  /** The name it matched (`WHO`). */
  term: MentionTerm;
}

const WORD_CHARACTER = /[\p{L}\p{M}\p{N}]/u;
/**
 * Web addresses written bare, and e-mail addresses: their letters are not mentions. An address starts only where a
 * run of its characters starts (the look-behind), so a long run without `@` is read once, not once per character.
 */
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>]*|\bwww\.[^\s<>]+|(?<![\p{L}\p{N}_.+-])[\p{L}\p{N}_.+-]+@[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+/giu;
/** Inline HTML tags, comments and autolinks (`<https://…>`): attribute values and addresses are not text. */
const HTML_LIKE = /<\/?[A-Za-z][^<>]*>|<![^<>]*>/g;
/** Reference links (`[text][label]`, `[text][]`), which the parser does not model: their text is link text. */
const REFERENCE_LINK = /\[[^[\]]*\]\[[^[\]]*\]/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Finds a set of names in notes; built once per scan. */
export class MentionMatcher {
  /** One search for any name; longest first, so `World Health Organization` wins over `World` at one place. */
  private readonly any: RegExp;
  /** Each name anchored (`y`), to try them in turn at a place where the first one fails its word boundaries. */
  private readonly each: Array<{ term: MentionTerm; re: RegExp; wordStart: boolean; wordEnd: boolean }>;
  /** Identifies the names, for {@link MentionCache}. */
  readonly key: string;

  constructor(readonly terms: readonly MentionTerm[]) {
    // Names are NFC; a note saved decomposed (macOS writes `é` as `e` + U+0301) spells them as NFD: both are searched.
    const spellings = terms.flatMap((term) => {
      const nfd = term.text.normalize('NFD');
      return nfd === term.text ? [{ term, text: term.text }] : [{ term, text: term.text }, { term, text: nfd }];
    });
    const sorted = spellings.sort((a, b) => b.text.length - a.text.length);
    this.each = sorted.map(({ term, text }) => ({
      term,
      re: new RegExp(escapeRegExp(text), 'iuy'),
      wordStart: WORD_CHARACTER.test(String.fromCodePoint(text.codePointAt(0)!)),
      wordEnd: WORD_CHARACTER.test(lastCodePoint(text, text.length)),
    }));
    this.any = new RegExp(sorted.map((t) => escapeRegExp(t.text)).join('|') || '(?!)', 'giu');
    this.key = sorted.map((t) => t.text).join('\u0000');
  }

  /** Whether the text may hold a mention (one search of the whole text): most notes hold none. */
  mayMention(text: string): boolean {
    if (this.each.length === 0) return false;
    this.any.lastIndex = 0;
    return this.any.test(text);
  }

  /** The mentions in a note's text, given the note's model (what is a link, code, frontmatter…), in order. */
  mentionsIn(note: NoteModel, text: string, lines: readonly string[] = splitLines(text)): FoundMention[] {
    // Past the parser's link limit, links are counted but not located: their text could not be told from plain
    // text, and a link written into one would break it. Such a note (a generated index) is not searched.
    if (note.omittedLinks !== undefined || !this.mayMention(text)) return [];
    const excluded = new Exclusions(note);
    const out: FoundMention[] = [];
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l];
      if (excluded.wholeLine(l)) continue;
      this.any.lastIndex = 0;
      let spans: Array<[number, number]> | undefined;
      // Matches come left to right and the spans are disjoint and sorted: one pointer walks them once per line.
      let next = 0;
      for (let m = this.any.exec(line); m; m = this.any.exec(line)) {
        const at = m.index;
        const found = this.matchAt(line, at);
        if (!found) {
          this.any.lastIndex = at + 1;
          continue;
        }
        const end = at + found.length;
        spans ??= excluded.spansOf(l, line);
        while (next < spans.length && spans[next][1] <= at) next++;
        if (next < spans.length && spans[next][0] < end) {
          this.any.lastIndex = at + 1;
          continue;
        }
        out.push({ range: makeRange(l, at, l, end), text: line.slice(at, end), term: found.term });
        this.any.lastIndex = end;
      }
    }
    return out;
  }

  /** The longest name written at `at` with a word boundary on each side that needs one. */
  private matchAt(line: string, at: number): { term: MentionTerm; length: number } | undefined {
    for (const t of this.each) {
      t.re.lastIndex = at;
      const m = t.re.exec(line);
      if (!m) continue;
      const end = at + m[0].length;
      if (t.wordStart && at > 0 && WORD_CHARACTER.test(lastCodePoint(line, at))) continue;
      if (t.wordEnd && end < line.length && WORD_CHARACTER.test(String.fromCodePoint(line.codePointAt(end)!))) continue;
      return { term: t.term, length: m[0].length };
    }
    return undefined;
  }
}

/** The code point that ends at `end` (a surrogate pair read whole). */
function lastCodePoint(text: string, end: number): string {
  const low = text.charCodeAt(end - 1);
  if (low >= 0xdc00 && low <= 0xdfff && end >= 2) {
    const high = text.charCodeAt(end - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(end - 2, end);
  }
  return text.slice(end - 1, end);
}

/** What of a note is not text a mention can stand in, by line: built once per note that may hold one. */
class Exclusions {
  private readonly whole = new Set<number>();
  private readonly partial = new Map<number, Array<[number, number]>>();

  constructor(note: NoteModel) {
    if (note.frontmatter) for (let l = note.frontmatter.range.start.line; l <= note.frontmatter.range.end.line; l++) this.whole.add(l);
    for (const link of note.links) this.add(linkRange(link));
    for (const r of note.opaque) this.add(r);
    for (const t of note.tags) if (!t.inFrontmatter) this.add(t.range);
    for (const b of note.blockIds) this.add(b.range);
  }

  private add(r: Range): void {
    if (r.start.line === r.end.line) {
      this.span(r.start.line, r.start.character, r.end.character);
      return;
    }
    this.span(r.start.line, r.start.character, Infinity);
    for (let l = r.start.line + 1; l < r.end.line; l++) this.whole.add(l);
    this.span(r.end.line, 0, r.end.character);
  }

  private span(line: number, start: number, end: number): void {
    let list = this.partial.get(line);
    if (!list) this.partial.set(line, (list = []));
    list.push([start, end]);
  }

  wholeLine(line: number): boolean {
    return this.whole.has(line);
  }

  /**
   * The excluded spans of a line, merged, sorted and disjoint: the model's, and the URLs, HTML and reference links
   * the model does not record.
   */
  spansOf(line: number, text: string): Array<[number, number]> {
    const spans = [...(this.partial.get(line) ?? [])];
    // Each search only where its sign is on the line: most lines hold neither, and the searches cost more than this.
    if (text.includes('://') || text.includes('www.') || text.includes('@')) addMatches(URL_LIKE, text, spans);
    if (text.includes('<')) addMatches(HTML_LIKE, text, spans);
    if (text.includes('][')) addMatches(REFERENCE_LINK, text, spans);
    spans.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [s, e] of spans) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    return merged;
  }
}

function addMatches(re: RegExp, text: string, into: Array<[number, number]>): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) into.push([m.index, m.index + m[0].length]);
}

// ---------------------------------------------------------------------------------------------------------------
// The vault scan

export interface UnlinkedMention {
  range: Range;
  /** The text as written. */
  text: string;
  /** The name it matched, and which name of the note that is. */
  term: string;
  termKind: MentionTermKind;
  context: ContextLine;
  headingPath: string[];
}

export interface MentioningNote {
  path: string;
  title?: string;
  /** The note's mentions, in order; fewer than {@link count} when the scan's limit was reached. */
  mentions: UnlinkedMention[];
  /** Every mention in the note. */
  count: number;
}

export interface UnlinkedMentions {
  path: string;
  /** The names searched for. */
  terms: MentionTerm[];
  /** The names too short to search (see {@link MIN_MENTION_TERM_LENGTH}). */
  skippedTerms: MentionTerm[];
  notes: MentioningNote[];
  /** Mentions returned (in `notes`). */
  count: number;
  /** Mentions found beyond the limit: counted, not returned. */
  more: number;
}

/**
 * What each note's model was found to mention, per set of names: a note whose model is unchanged is not read again.
 * Keyed by the model object (the index replaces it when the note changes), so entries go with their models.
 */
export class MentionCache {
  private readonly byModel = new WeakMap<NoteModel, { key: string; mentions: UnlinkedMention[] }>();

  get(note: NoteModel, key: string): UnlinkedMention[] | undefined {
    const hit = this.byModel.get(note);
    return hit && hit.key === key ? hit.mentions : undefined;
  }

  set(note: NoteModel, key: string, mentions: UnlinkedMention[]): void {
    this.byModel.set(note, { key, mentions });
  }
}

export interface UnlinkedMentionOptions {
  /** Mentions returned at most (default {@link DEFAULT_MENTION_LIMIT}); the rest are counted in `more`. */
  limit?: number;
  /** Awaited between slices, so other requests are answered meanwhile; none: the scan runs in one go. */
  pause?: () => Promise<void>;
  /** The longest slice in milliseconds (default 10). */
  sliceMs?: number;
  cache?: MentionCache;
}

const NO_MENTIONS: UnlinkedMention[] = [];

/**
 * The unlinked mentions of the note `path` in every other note of the vault, notes in path order. Throws
 * {@link RequestCancelledError} once `ctx.cancellation` is set (checked in every slice).
 */
export async function findUnlinkedMentions(ctx: FeatureContext, path: string, options: UnlinkedMentionOptions = {}): Promise<UnlinkedMentions> {
  const target = ctx.index.note(path);
  const { terms, skipped } = target ? mentionTerms(target) : { terms: [], skipped: [] };
  const result: UnlinkedMentions = { path, terms, skippedTerms: skipped, notes: [], count: 0, more: 0 };
  if (terms.length === 0) return result;
  const matcher = new MentionMatcher(terms);
  const limit = Math.max(0, options.limit ?? DEFAULT_MENTION_LIMIT);
  const sliceMs = options.sliceMs ?? 10;
  const paths = [...ctx.index.notePaths()].filter((p) => p !== path).sort(compareStrings);
  let sliceEnd = Date.now() + sliceMs;
  for (const p of paths) {
    throwIfCancelled(ctx.cancellation);
    if (options.pause && Date.now() >= sliceEnd) {
      await options.pause();
      throwIfCancelled(ctx.cancellation);
      sliceEnd = Date.now() + sliceMs;
    }
    const note = ctx.index.note(p);
    if (!note) continue;
    const mentions = mentionsOfNote(ctx, note, matcher, options.cache);
    if (mentions.length === 0) continue;
    const room = limit - result.count;
    const shown = room >= mentions.length ? mentions : mentions.slice(0, Math.max(0, room));
    if (shown.length > 0) result.notes.push({ path: p, ...(note.title ? { title: note.title } : {}), mentions: shown, count: mentions.length });
    result.count += shown.length;
    result.more += mentions.length - shown.length;
  }
  return result;
}

function mentionsOfNote(ctx: FeatureContext, note: NoteModel, matcher: MentionMatcher, cache: MentionCache | undefined): UnlinkedMention[] {
  const cached = cache?.get(note, matcher.key);
  if (cached) return cached;
  const text = ctx.getText(note.path);
  const mentions = text === undefined ? NO_MENTIONS : withContext(note, text, matcher.mentionsIn(note, text));
  cache?.set(note, matcher.key, mentions);
  return mentions;
}

function withContext(note: NoteModel, text: string, found: FoundMention[]): UnlinkedMention[] {
  if (found.length === 0) return NO_MENTIONS;
  const lines = splitLines(text);
  return found.map((f) => ({
    range: f.range,
    text: f.text,
    term: f.term.text,
    termKind: f.term.kind,
    context: blockContext(note, lines, f.range),
    headingPath: headingPathAt(note, f.range.start.line),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Linking mentions

/** Which mention to link: as the view showed it (its range and text). */
export interface MentionRef {
  range: Range;
  text: string;
}

export type MentionLinkPlan = { edits: TextEdit[] } | { refused: string };

/**
 * The edits turning mentions of `target` in the note `source` (whose current text is `text`) into links, written
 * by the link writer in the vault's style and path form: the one mention `only`, or every mention in the note.
 * Only the mention's characters change; its text stays what the reader sees (`who` → `[[WHO|who]]`). The text is
 * parsed afresh, so the edit fits exactly this text; a mention that is no longer there (the note changed since
 * the view was drawn) is refused with the reason, never linked somewhere else.
 */
export function planMentionLinks(ctx: FeatureContext, target: string, source: string, text: string, only?: MentionRef): MentionLinkPlan {
  const targetNote = ctx.index.note(target);
  if (!targetNote) return { refused: `${target} is not a note of the vault.` };
  if (source === target) return { refused: `A note does not link to itself: ${source} is the note whose mentions are shown.` };
  const { terms } = mentionTerms(targetNote);
  const lines = splitLines(text);
  const found = new MentionMatcher(terms).mentionsIn(parseNote(source, text), text, lines);
  const chosen = only ? found.filter((f) => sameRange(f.range, only.range) && f.text === only.text) : found;
  if (chosen.length === 0) {
    return {
      refused: only
        ? `The mention "${only.text}" at line ${only.range.start.line + 1} of ${source} is no longer there: the note changed since the view was drawn. Nothing was changed.`
        : `${source} has no unlinked mention of ${stem(target)} left. Nothing was changed.`,
    };
  }
  const format = vaultSettingsOf(ctx).linkFormat;
  const edits: TextEdit[] = [];
  for (const f of chosen) {
    const inTable = isTableRow(lines, f.range.start.line);
    const written = writeMentionLink(ctx, source, target, f.text, inTable, format);
    if (written === undefined) return { refused: `"${f.text}" at line ${f.range.start.line + 1} of ${source} cannot be written as a link to ${target}. Nothing was changed.` };
    edits.push({ range: f.range, newText: written });
  }
  return { edits };
}

/**
 * The link replacing a mention: without an alias only where the link would show exactly the mention's text
 * (`[[WHO]]` for `WHO`), else with it (`[[WHO|who]]`, `[[WHO|World Health Organization]]`, `[who](WHO.md)`).
 */
function writeMentionLink(ctx: FeatureContext, from: string, target: string, mention: string, inTable: boolean, format: ReturnType<typeof vaultSettingsOf>['linkFormat']): string | undefined {
  try {
    const plain = writeLink(ctx.index.files, { from, target, inTable }, format);
    if (plain === `[[${mention}]]`) return plain;
    const written = writeLink(ctx.index.files, { from, target, display: mention, inTable }, format);
    // Read back, the link must be one link showing the mention (a name holding `]]` could not be).
    const read = parseLinkSource(written);
    return read && linkRange(read).end.character === written.length ? written : undefined;
  } catch (e) {
    if (e instanceof LinkWriteError) return undefined;
    throw e;
  }
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
