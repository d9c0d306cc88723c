/**
 * The vault's tags as a hierarchy, for the Tags view: `#tech/opensource` is `opensource` under `tech`, and `tech`
 * is there even when no note is tagged `#tech` alone (as in Obsidian's tag pane).
 *
 * Tags are the ones the parser found (R8): in the body and in the frontmatter `tags` / `tag` properties, list or
 * string form (`syntax/frontmatter.ts` `tagsOfValue`). Names compare case-insensitively (R8.4) with the index's
 * key (`lookupKey`); a tag is shown with its most common spelling (ties: the first in code-point order, so the
 * answer does not depend on the order notes were loaded in). Nesting follows the `/`s of the name; empty segments
 * (`a//b` in a frontmatter value) are skipped.
 *
 * Everything is read from the note models in the index, in one pass over the notes: linear in the vault.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { NoteModel, Position, Range, Tag } from '../model';
import type { VaultIndex } from '../vault/vault';
import { lookupKey, stem } from '../vault/paths';
import { comparePositions, rangeContainsOrTouches } from '../syntax/text';
import { throwIfCancelled, type Cancellation, type FeatureContext } from './context';

/** One tag of the hierarchy, with its nested tags. */
export interface TagTreeNode {
  /** The full name without `#`, in its most common spelling (`tech/opensource`). */
  name: string;
  /** The last segment (`opensource`): what the tree shows. */
  label: string;
  /** Notes tagged with exactly this tag. */
  ownCount: number;
  /** Notes tagged with this tag or a tag nested under it, each note counted once. */
  count: number;
  /** Nested tags, by label (case-insensitively). */
  children: TagTreeNode[];
}

/** Where a tag is written in a note. */
export interface TagOccurrence {
  range: Range;
  /** In the frontmatter `tags` / `tag` property rather than in the body. */
  inFrontmatter: boolean;
}

/** A note tagged with a tag, and every place it writes that tag, in document order. */
export interface TaggedNote {
  path: string;
  /** The note's `title`, when it has one. */
  title?: string;
  occurrences: TagOccurrence[];
}

/** The key a tag name is grouped under: case-folded segments, empty ones dropped (`Tech//OSS` → `tech/oss`). */
export function tagKey(name: string): string {
  const folded = lookupKey(name.startsWith('#') ? name.slice(1) : name);
  // Most names have no empty segment: the folded name is the key (this runs for every tag of the vault).
  return folded.includes('//') || folded.startsWith('/') || folded.endsWith('/') ? segmentsOf(folded).join('/') : folded;
}

function segmentsOf(name: string): string[] {
  return name.split('/').filter((s) => s !== '');
}

/** Whether the tag `name` is `parent` or nested under it (`tech/oss` is under `tech`, `technology` is not). */
export function isTagOrNested(name: string, parent: string): boolean {
  const key = tagKey(name);
  const p = tagKey(parent);
  return p !== '' && (key === p || key.startsWith(p + '/'));
}

interface Building {
  /** The first spelling seen and its votes; `others` only once a second spelling appears (rare). */
  spelling: string;
  votes: number;
  others?: Map<string, number>;
  own: number;
  all: number;
  /**
   * The note last counted in `own` / `all`: notes are visited one at a time, so a note's uses of a tag are
   * consecutive and one marker counts each note once, without a set of paths per tag.
   */
  ownSeen?: string;
  allSeen?: string;
  children?: Map<string, Building>;
}

/** The vault's tag hierarchy: top-level tags sorted by label, case-insensitively. */
export function tagTree(index: VaultIndex, cancellation?: Cancellation): TagTreeNode[] {
  const roots = new Map<string, Building>();
  let seen = 0;
  for (const note of index.allNotes()) {
    if ((++seen & 1023) === 0) throwIfCancelled(cancellation);
    for (const tag of note.tags) {
      const segments = segmentsOf(tag.name);
      if (segments.length === 0) continue;
      const foldedSegments = segmentsOf(lookupKey(tag.name));
      let level = roots;
      let spelling = '';
      for (let i = 0; i < segments.length; i++) {
        const folded = foldedSegments[i] ?? lookupKey(segments[i]);
        // The spelling of this prefix as this tag writes it: a parent's spelling comes from its children's too.
        spelling = i === 0 ? segments[0] : `${spelling}/${segments[i]}`;
        let node = level.get(folded);
        if (!node) level.set(folded, (node = { spelling, votes: 0, own: 0, all: 0 }));
        if (spelling === node.spelling) node.votes++;
        else (node.others ??= new Map()).set(spelling, (node.others.get(spelling) ?? 0) + 1);
        if (node.allSeen !== note.path) {
          node.allSeen = note.path;
          node.all++;
        }
        if (i === segments.length - 1) {
          if (node.ownSeen !== note.path) {
            node.ownSeen = note.path;
            node.own++;
          }
        } else {
          level = node.children ??= new Map();
        }
      }
    }
  }
  return finish(roots);
}

function finish(level: ReadonlyMap<string, Building> | undefined): TagTreeNode[] {
  if (!level) return [];
  const out: TagTreeNode[] = [];
  for (const b of level.values()) {
    const name = b.others ? mostCommon(new Map([[b.spelling, b.votes], ...b.others])) : b.spelling;
    out.push({ name, label: name.slice(name.lastIndexOf('/') + 1), ownCount: b.own, count: b.all, children: finish(b.children) });
  }
  return out.sort(byLabel);
}

function byLabel(a: TagTreeNode, b: TagTreeNode): number {
  const x = lookupKey(a.label);
  const y = lookupKey(b.label);
  return x < y ? -1 : x > y ? 1 : a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

/** The spelling used most often; ties go to the first in code-point order. */
function mostCommon(spellings: ReadonlyMap<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [s, n] of spellings) {
    if (n > bestCount || (n === bestCount && s < best)) {
      best = s;
      bestCount = n;
    }
  }
  return best;
}

/**
 * The notes tagged with exactly `name` (case-insensitively; nested tags are their own entries), by file name,
 * each with its occurrences in document order. Read from the index's tag map: the cost is the vault's distinct
 * tags plus the notes with that tag.
 */
export function notesWithTag(index: VaultIndex, name: string, cancellation?: Cancellation): TaggedNote[] {
  const key = tagKey(name);
  if (key === '') return [];
  const out: TaggedNote[] = [];
  for (const path of notesUnder(index, key, false)) {
    throwIfCancelled(cancellation);
    const note = index.note(path);
    if (!note) continue;
    const occurrences = note.tags.filter((t) => tagKey(t.name) === key).map(occurrenceOf);
    if (occurrences.length === 0) continue;
    occurrences.sort((a, b) => comparePositions(a.range.start, b.range.start));
    out.push({ path, ...(note.title !== undefined ? { title: note.title } : {}), occurrences });
  }
  return out.sort((a, b) => compareNames(a.path, b.path));
}

/**
 * The notes with the tag `key` (a {@link tagKey}), and with `nested`, with a tag nested under it. The index keys
 * tags by their folded name as written, so `a//b` and `a/b` are two of its keys: every key is looked at (the
 * vault's distinct tags, not its notes).
 */
export function notesUnder(index: VaultIndex, key: string, nested: boolean): Set<string> {
  const out = new Set<string>();
  if (key === '') return out;
  for (const [k, uses] of index.tags()) {
    const folded = tagKey(k);
    if (folded === key || (nested && folded.startsWith(key + '/'))) for (const p of uses.keys()) out.add(p);
  }
  return out;
}

function occurrenceOf(t: Tag): TagOccurrence {
  return { range: t.range, inFrontmatter: t.inFrontmatter };
}

/** By file name, case-insensitively, then by path. */
function compareNames(a: string, b: string): number {
  const x = lookupKey(stem(a));
  const y = lookupKey(stem(b));
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The spelling a tag is shown with (completion, hover, the Tags view): the most common spelling of it among its
 * uses and the uses of the tags nested under it (`#Tech/a` spells `tech` as `Tech`), ties to the first in
 * code-point order. The same rule as {@link tagTree}.
 */
export function tagSpelling(index: VaultIndex, name: string): string {
  return tagSpellings(index, [name]).get(tagKey(name)) ?? name;
}

/**
 * {@link tagSpelling} of several tags at once, by {@link tagKey}: one pass over the vault's distinct tags, then the
 * notes with each tag or a tag nested under it (what completion needs for the items it shows).
 */
export function tagSpellings(index: VaultIndex, names: readonly string[]): Map<string, string> {
  const votes = new Map<string, Map<string, number>>();
  for (const n of names) {
    const key = tagKey(n);
    if (key !== '') votes.set(key, new Map());
  }
  // Which of the index's keys (folded names as written) fall under each wanted tag.
  const under = new Map<string, string[]>();
  for (const raw of index.tags().keys()) {
    for (let p = tagKey(raw); p !== ''; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      if (votes.has(p)) {
        let list = under.get(p);
        if (!list) under.set(p, (list = []));
        list.push(raw);
      }
      if (!p.includes('/')) break;
    }
  }
  const out = new Map<string, string>();
  for (const [key, counts] of votes) {
    const depth = key.split('/').length;
    for (const raw of under.get(key) ?? []) {
      for (const path of index.notesWithTag(raw).keys()) {
        // Each use belongs to exactly one index key: counted once, under its own key.
        for (const t of index.note(path)?.tags ?? []) {
          if (lookupKey(t.name) !== raw) continue;
          const spelling = segmentsOf(t.name).slice(0, depth).join('/');
          counts.set(spelling, (counts.get(spelling) ?? 0) + 1);
        }
      }
    }
    if (counts.size > 0) out.set(key, mostCommon(counts));
  }
  return out;
}

/** How many notes a tag has: tagged with exactly it, and with it or a tag nested under it (each note once). */
export function tagCounts(index: VaultIndex, name: string): { ownCount: number; count: number } {
  const key = tagKey(name);
  return { ownCount: notesUnder(index, key, false).size, count: notesUnder(index, key, true).size };
}

/**
 * The tag under the cursor in `note`: a body tag, or a frontmatter `tags` / `tag` value. Frontmatter tags whose
 * value could not be located carry a placeholder range on the `---` line and are never under the cursor. The
 * one rule of what references, hover and rename-free navigation take as "this tag".
 */
export function tagAt(note: NoteModel, position: Position): Tag | undefined {
  return note.tags.find((t) => !(t.inFrontmatter && t.range.start.line === 0) && rangeContainsOrTouches(t.range, position));
}

/** How many nested tags a hover names before "…". */
const HOVER_NESTED = 5;

/**
 * Hover on a tag: its spelling and counts as the Tags view shows them (notes tagged with it, and with it or a tag
 * nested under it), and the nested tags. The cost is the vault's distinct tags plus the notes with the tag.
 */
export function provideTagHover(ctx: FeatureContext, path: string, position: Position): Hover | undefined {
  const note = ctx.index.note(path);
  const tag = note && tagAt(note, position);
  if (!tag) return undefined;
  const key = tagKey(tag.name);
  if (key === '') return undefined;
  const name = tagSpelling(ctx.index, tag.name);
  const { ownCount, count } = tagCounts(ctx.index, name);
  const nested = new Set<string>();
  for (const k of ctx.index.tags().keys()) {
    const folded = tagKey(k);
    if (folded.startsWith(key + '/')) nested.add(folded);
  }
  const notes = (n: number): string => `${n} note${n === 1 ? '' : 's'}`;
  const lines = [`**#${name}** · ${notes(ownCount)}`];
  if (nested.size > 0) {
    const shown = [...nested].sort().slice(0, HOVER_NESTED).map((k) => `\`#${tagSpelling(ctx.index, k)}\``);
    const more = nested.size > HOVER_NESTED ? `, … (${nested.size} in all)` : '';
    lines.push(`${notes(count)} with the tags nested under it: ${shown.join(', ')}${more}.`);
  }
  lines.push('Find All References lists every use; the Tags view shows them all.');
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: tag.range };
}
