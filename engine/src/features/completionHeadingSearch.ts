/**
 * Vault-wide heading search for completion's `[[##query` (and `](##query`) trigger, as Obsidian's "link to a
 * heading anywhere": every heading of every note, ranked by how the query matches its link text.
 *
 * A query must not walk the vault's notes and lower-case a hundred thousand headings each time: the catalogue keeps
 * each note's headings with their match keys, built once per index and updated from the index's change records
 * (only a note whose headings changed is re-read, so typing in a paragraph costs nothing). A request is then one
 * pass of string matching over the catalogue into a bounded list of the best `limit`, with no per-heading
 * allocation for the headings that do not make it.
 */
import type { Heading, NoteModel } from '../model';
import { headingLinkText, headingKey } from '../vault/resolve';
import { dirname, lookupKey, stem } from '../vault/paths';
import type { IndexChange, VaultIndex } from '../vault/vault';
import { throwIfCancelled, type Cancellation } from './context';
import { ownString } from '../syntax/text';
import { forEachInSlices } from '../syntax/steps';

/** One heading of the catalogue. */
export interface CatalogHeading {
  /** The note's vault path. */
  path: string;
  heading: Heading;
  /** What a link writes after `#`: the heading text with `# | ^ : %% [[ ]]` as spaces (R4.3). */
  linkText: string;
  /** `linkText`'s lookup key (NFC, lower case): what queries are matched against. */
  low: string;
  /**
   * The heading chain a link needs (`Parent#Heading`) when an earlier heading of the note has the same key, so
   * that the link reaches this one and not the first (R4.4); else `linkText`.
   */
  subpath: string;
  /** The order among equal scores that needs no string comparison: higher levels, then shorter texts, first. */
  tie: number;
  /** Which characters `low` holds, as {@link charMask} sets them: a query needing others is skipped at once. */
  mask: number;
}

/**
 * A 32-bit set of the characters of a lower-cased text: one bit per ASCII letter, one for digits, one for any other
 * non-blank character. Every match (exact to letters in order) needs each character of the query in the text.
 */
export function charMask(low: string): number {
  let mask = 0;
  for (let i = 0; i < low.length; i++) {
    const c = low.charCodeAt(i);
    if (c >= 97 && c <= 122) mask |= 1 << (c - 97);
    else if (c >= 48 && c <= 57) mask |= 1 << 26;
    else if (c !== 32) mask |= 1 << 27;
  }
  return mask;
}

export interface HeadingSearchHit extends CatalogHeading {
  /** The match's quality from the caller's scorer (larger is better). */
  score: number;
}

export interface HeadingSearchOptions {
  /** Most hits returned. */
  limit: number;
  /** Position of a path among the notes open or recently used: ranked first among equal scores. */
  recentRank?: ReadonlyMap<string, number>;
  /** The lower-cased query: headings lacking one of its characters are not scored (see {@link charMask}). */
  query?: string;
  cancellation?: Cancellation;
}

/** How much of a heading's text a query is matched against. */
const MATCHED_CHARACTERS = 1000;

/** The headings of one note as the catalogue keeps them. */
function catalogOf(note: NoteModel): CatalogHeading[] {
  const out: CatalogHeading[] = [];
  const seen = new Set<string>();
  const stack: Heading[] = [];
  for (const heading of note.headings) {
    while (stack.length > 0 && stack[stack.length - 1].level >= heading.level) stack.pop();
    const linkText = headingLinkText(heading.text);
    stack.push(heading);
    if (linkText === '') continue;
    const key = headingKey(linkText, 'folded');
    // A later duplicate is reached through its parent chain; the first through its own text.
    const subpath = seen.has(key) && stack.length > 1 ? stack.map((h) => headingLinkText(h.text)).join('#') : linkText;
    seen.add(key);
    // Interned: a vault repeats the same headings (`summary`, `next steps`) in thousands of notes.
    // A query is matched against the first MATCHED_CHARACTERS of a heading: a pasted heading of megabytes is not
    // copied again for it.
    const low = ownString(lookupKey(linkText.length > MATCHED_CHARACTERS ? linkText.slice(0, MATCHED_CHARACTERS) : linkText));
    out.push({ path: note.path, heading, linkText, low, subpath, tie: heading.level * 100000 + Math.min(linkText.length, 99999), mask: charMask(low) });
  }
  return out;
}

class HeadingCatalog {
  readonly byNote = new Map<string, CatalogHeading[]>();

  constructor(index: VaultIndex) {
    for (const note of index.allNotes()) this.set(note);
    index.onChange((change) => this.apply(index, change));
  }

  private set(note: NoteModel): void {
    const headings = preparedCatalogs.get(note) ?? catalogOf(note);
    preparedCatalogs.delete(note);
    if (headings.length > 0) this.byNote.set(note.path, headings);
    else this.byNote.delete(note.path);
  }

  private apply(index: VaultIndex, change: IndexChange): void {
    for (const p of change.removed) this.byNote.delete(p);
    for (const p of change.added) {
      const note = index.note(p);
      if (note) this.set(note);
    }
    for (const [p, exports] of change.exports) {
      if (!exports.headings || change.added.has(p)) continue;
      const note = index.note(p);
      if (note) this.set(note);
    }
  }
}

const catalogs = new WeakMap<VaultIndex, HeadingCatalog>();
/** Per model, its headings as the catalogue keeps them, computed ahead by {@link prepareHeadingSearch} (taken once). */
const preparedCatalogs = new WeakMap<NoteModel, CatalogHeading[]>();

function catalog(index: VaultIndex): HeadingCatalog {
  let c = catalogs.get(index);
  if (!c) catalogs.set(index, (c = new HeadingCatalog(index)));
  return c;
}

/**
 * Builds the heading catalogue of an index ahead of the first `[[##` (a pass over the vault's models), each note's
 * headings in slices (awaiting `turn()` whenever it has worked about `sliceMs`), then the catalogue in one step.
 */
export async function prepareHeadingSearch(index: VaultIndex, turn: () => Promise<void> = async () => {}, sliceMs = 10): Promise<void> {
  if (catalogs.has(index)) return;
  // A `[[##` between two slices builds the catalogue itself: from then on, nothing more is prepared.
  await forEachInSlices(index.allNotes(), (note) => catalogs.has(index) || preparedCatalogs.set(note, catalogOf(note)), sliceMs, turn);
  await turn();
  catalog(index);
}

/**
 * The best `limit` headings of the vault for a scorer (`score(low, linkText)` of a heading's match key and link
 * text, negative for no match), with how many matched in all. Among equal scores: recent notes first, then
 * higher-level headings (`#` before `##`), shorter texts, and by path and line.
 */
export function searchHeadings(index: VaultIndex, score: (low: string, linkText: string) => number, options: HeadingSearchOptions): { hits: HeadingSearchHit[]; total: number } {
  const recent = options.recentRank;
  const NOT_RECENT = Number.MAX_SAFE_INTEGER;
  // Negative when `a` (with score `sa`) ranks before `b`. Called only for a candidate that could enter the list,
  // and with numbers first: most ties are settled without comparing strings.
  const compare = (sa: number, a: CatalogHeading, sb: number, b: CatalogHeading): number =>
    sb - sa ||
    (recent ? (recent.get(a.path) ?? NOT_RECENT) - (recent.get(b.path) ?? NOT_RECENT) : 0) ||
    a.tie - b.tie ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.heading.line - b.heading.line;
  // A sorted list of at most `limit`; a hit is allocated only when it enters.
  const kept: HeadingSearchHit[] = [];
  const limit = Math.max(0, options.limit);
  const needed = options.query === undefined ? 0 : charMask(options.query);
  let total = 0;
  let visited = 0;
  for (const headings of catalog(index).byNote.values()) {
    if ((++visited & 511) === 0) throwIfCancelled(options.cancellation);
    for (const h of headings) {
      if ((h.mask & needed) !== needed) continue;
      const s = score(h.low, h.linkText);
      if (s < 0) continue;
      total++;
      if (limit === 0) continue;
      if (kept.length === limit) {
        const worst = kept[kept.length - 1];
        if (s < worst.score || compare(s, h, worst.score, worst) >= 0) continue;
      }
      let lo = 0;
      let hi = kept.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compare(kept[mid].score, kept[mid], s, h) <= 0) lo = mid + 1;
        else hi = mid;
      }
      kept.splice(lo, 0, { ...h, score: s });
      if (kept.length > limit) kept.pop();
    }
  }
  return { hits: kept, total };
}

/** `folder/Note` as an item shows where a heading lives: the note's name and its folder. */
export function headingPlace(path: string): { note: string; folder: string } {
  return { note: stem(path), folder: dirname(path) };
}
