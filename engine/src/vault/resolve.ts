/**
 * Editor-free resolution rules: linkpath → file (R3), subpath → heading or block (R4), markdown-link fragments
 * (R4.5, R6.4). Pure functions over the note model and a {@link FileLookup}; no I/O.
 *
 * Where the spec leaves a rule open ([UNVERIFIED]) these choices are made, so that results are deterministic:
 * - Path suffixes need a `/` boundary: `[[b/Note]]` matches `a/b/Note.md` but not `ab/Note.md`. A plain string
 *   suffix (what Obsidian is reported to do) would let a link silently jump to an unrelated folder.
 * - The tie-break "same folder as the source" counts only that exact folder, neither sub-folders nor ancestors,
 *   which is what the help vault relies on (R3.6 step 2).
 * - `./x`, `../x` are resolved against the source note's folder and `/x` against the vault root; neither falls
 *   back to a vault-wide name search: an explicit path that misses is reported as unresolved. A `..` that
 *   climbs above the vault root (in any form of path) resolves to nothing and sets `outsideVault`.
 * - When a file's vault path equals the linkpath, the rule is `exact` even if it is the only candidate;
 *   `unique` means a single candidate found by name or suffix.
 * - "Alphabetical" compares lower-cased NFC paths by UTF-16 code units, then the paths as written, so the order
 *   does not depend on the machine's locale. "Shortest" counts UTF-16 code units of the NFC path.
 * - A linkpath ending in `/` names a folder, which is never a link target.
 * - Aliases (R3.7) never take part: a note's `aliases` are not file names and are not in the lookup; callers
 *   offer them as completions that insert `[[File name|Alias]]` instead.
 *
 * Heading tiers (R4.3), tried in this order over the whole candidate list, so a stricter match anywhere beats a
 * looser match earlier in the note:
 * - `exact`: the segment equals the heading text as written.
 * - `folded`: both sides NFC, lower-cased, with `# | ^ : %% [[ ]]` replaced by a space and whitespace collapsed
 *   and trimmed; so everything Obsidian itself writes into a heading link (see {@link headingLinkText}),
 *   including `[[Target]]` in a heading written as `Target` (OBS-3), matches here.
 * - `loose`: NFC, lower-cased, every ASCII punctuation character replaced by a space, whitespace collapsed and
 *   trimmed (R4.3: punctuation becomes a space, not nothing). This covers what Obsidian's own link suggester
 *   writes for punctuation (`D D WOTC` for `D&D WOTC`, `CI CD` for `CI/CD`), older punctuation-stripped links
 *   (`a b` for `a, b`, OBS-4), an omitted trailing `?` (OBS-3) and inline markup (`Bold` for `**Bold**`); and it
 *   keeps words apart, so `drawio` does not match `Draw.io`, nor `dont` `Don't`. Non-ASCII punctuation is kept.
 *   An empty key never matches.
 */

import type { BlockId, Heading } from '../model';
import type { FileLookup } from './fileLookup';
import { dirname, lookupKey, NOTE_EXTENSION, normalizeVaultPath, resolveDotSegments } from './paths';

// ---------------------------------------------------------------------------------------------------------------
// Linkpath → file

/**
 * How the target was chosen. `self`: empty linkpath (R2.8). `exact`: a file's vault path equals the linkpath.
 * `unique`: a single file with that name or path suffix. `same-folder`, `shortest`: tie-break steps of R3.6.
 * `relative` (`./`, `../`) and `absolute` (leading `/`): explicit paths (R3.5). `none`: unresolved.
 */
export type ResolutionRule =
  | 'self'
  | 'exact'
  | 'same-folder'
  | 'shortest'
  | 'unique'
  | 'relative'
  | 'absolute'
  | 'none';

export interface PathResolution {
  /** The chosen file's vault path, undefined when unresolved. */
  target?: string;
  /** Every file the linkpath matches, the winner first, then by the shortest-path order. */
  candidates: string[];
  rule: ResolutionRule;
  /** The linkpath climbs above the vault root with `..` and names no file at the root either. */
  outsideVault?: boolean;
}

/**
 * Resolves a wiki-link or decoded markdown-link linkpath (R3.1–R3.6, R3.10) seen in the note `sourcePath`.
 * Matching is case-insensitive and NFC-normalised; `.md` is optional for notes (R3.2).
 */
export function resolveLinkpath(linkpath: string, sourcePath: string, files: FileLookup): PathResolution {
  const source = normalizeVaultPath(sourcePath);
  const text = linkpath.normalize('NFC');
  if (text.trim() === '') return { target: source, candidates: [source], rule: 'self' };
  if (text.endsWith('/')) return { candidates: [], rule: 'none' };

  const absolute = text.startsWith('/');
  const relative = isRelativeLinkpath(text);
  const base = relative ? dirname(source).split('/') : [];
  const parts = [...base, ...text.split('/')];
  const strict = resolveDotSegments(parts);
  // A `..` above the root stops there, as URL resolution does (docs written two folders deep link
  // `../../images/x.png` to the vault's `images/`); if nothing is found there, the link points outside the vault.
  const climbsOut = strict === undefined;
  const segments = strict ?? resolveDotSegments(parts, true) ?? [];
  if (segments.length === 0) return { candidates: [], rule: 'none', outsideVault: climbsOut || undefined };

  for (const path of fileNameVariants(segments.join('/'))) {
    if (absolute || relative) {
      const matches = files.withPath(path);
      if (matches.length > 0) {
        const ranked = rankByShortestPath(matches);
        const winner = matches.find((m) => m === path) ?? ranked[0].path;
        return { target: winner, candidates: winnerFirst(winner, ranked), rule: absolute ? 'absolute' : 'relative' };
      }
      continue;
    }
    const matches = files.withPathSuffix(path);
    if (matches.length > 0) return pickCandidate(path, source, matches);
  }
  return climbsOut ? { candidates: [], rule: 'none', outsideVault: true } : { candidates: [], rule: 'none' };
}

/**
 * Whether {@link resolveLinkpath} read the source note's folder to reach `resolution` of `linkpath`: a relative
 * path (`./`, `../`), or a tie-break that looked for a candidate beside the source (R3.6 step 2). Every other
 * resolution is the same from any note, so a bulk load resolves each such linkpath once for the whole vault.
 */
export function dependsOnSourceFolder(linkpath: string, resolution: PathResolution): boolean {
  return resolution.rule === 'same-folder' || resolution.rule === 'shortest' || resolution.rule === 'self' || isRelativeLinkpath(linkpath);
}

/** `./x`, `../x`, `.`, `..`: resolved against the source note's folder (R3.5). */
export function isRelativeLinkpath(text: string): boolean {
  return /^\.\.?(\/|$)/.test(text);
}

/**
 * The file paths to try, in order (R3.2): a last segment with a `.` is first tried as a full file name
 * (`ospo_infographic.pdf`, `Ext.MD`, `My.Note`), then with `.md` appended; otherwise only with `.md`.
 */
function fileNameVariants(path: string): string[] {
  const last = path.slice(path.lastIndexOf('/') + 1);
  const withMd = `${path}.${NOTE_EXTENSION}`;
  return last.includes('.') ? [path, withMd] : [withMd];
}

/** R3.6 tie-break among files matching `path` by name or suffix. */
function pickCandidate(path: string, source: string, matches: string[]): PathResolution {
  if (matches.length === 1) {
    // Most links: one file has the name; no tie-break to rank.
    const only = matches[0];
    return { target: only, candidates: [only], rule: lookupKey(only) === lookupKey(path) ? 'exact' : 'unique' };
  }
  const ranked = rankByShortestPath(matches);
  const key = lookupKey(path);
  const exact = ranked.filter((m) => m.key === key);
  if (exact.length > 0) {
    const winner = (exact.find((m) => m.path === path) ?? exact[0]).path;
    return { target: winner, candidates: winnerFirst(winner, ranked), rule: 'exact' };
  }
  if (ranked.length === 1) return { target: ranked[0].path, candidates: [ranked[0].path], rule: 'unique' };
  const folder = lookupKey(dirname(source));
  const beside = ranked.find((m) => dirname(m.key) === folder);
  if (beside !== undefined) {
    return { target: beside.path, candidates: winnerFirst(beside.path, ranked), rule: 'same-folder' };
  }
  return { target: ranked[0].path, candidates: ranked.map((m) => m.path), rule: 'shortest' };
}

interface Ranked {
  path: string;
  key: string;
}

/** Shortest path string first, then alphabetical (case-insensitive, then as written). */
function rankByShortestPath(paths: readonly string[]): Ranked[] {
  return paths
    .map((path) => ({ path, key: lookupKey(path) }))
    .sort((a, b) => {
      if (a.path.length !== b.path.length) return a.path.length - b.path.length;
      if (a.key !== b.key) return a.key < b.key ? -1 : 1;
      return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
    });
}

function winnerFirst(winner: string, ranked: readonly Ranked[]): string[] {
  return [winner, ...ranked.filter((m) => m.path !== winner).map((m) => m.path)];
}

// ---------------------------------------------------------------------------------------------------------------
// Subpaths

export type ParsedSubpath = { kind: 'heading'; segments: string[] } | { kind: 'block'; id: string } | { kind: 'empty' };

/**
 * Classifies a link's subpath (the text after the first `#`, without it). `^id` is a block reference (extra
 * leading `#`s are ignored, so `[[Note##^id]]` works like `[[Note#^id]]`); otherwise the `#`-separated,
 * trimmed, non-empty segments form a heading chain (R4.2). PDF fragments like `page=3` also come out as a
 * heading segment: callers must not check them against headings for non-note targets (R5.3, R5.4).
 */
export function parseSubpath(subpath: string): ParsedSubpath {
  const rest = subpath.replace(/^[\s#]+/, '');
  if (rest.startsWith('^')) return { kind: 'block', id: rest.slice(1).trim() };
  const segments = splitHeadingSegments(subpath);
  return segments.length > 0 ? { kind: 'heading', segments } : { kind: 'empty' };
}

function splitHeadingSegments(subpath: string): string[] {
  return subpath
    .split('#')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// ---------------------------------------------------------------------------------------------------------------
// Headings

export type HeadingTier = 'exact' | 'folded' | 'loose';

/** From strictest to loosest; see the top of this file. */
export const HEADING_TIERS: readonly HeadingTier[] = ['exact', 'folded', 'loose'];

/**
 * How Obsidian writes a heading into a link (R4.3): `# | ^ : %% [[ ]]` become a space, runs of whitespace
 * collapse to one space, the ends are trimmed, everything else is kept.
 * `'Tasks: Toggle task done' command` → `'Tasks Toggle task done' command`.
 */
export function headingLinkText(headingText: string): string {
  // Most headings need no change: they are handed back as they are, not copied (the completion catalogue keeps
  // one per heading of the vault, and a heading can be megabytes long).
  if (!NEEDS_LINK_TEXT_CHANGE.test(headingText)) return headingText;
  return headingText
    .replace(/\[\[|\]\]|%%|[#|^:]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What {@link headingLinkText} changes: a character it replaces, a run of blanks or one that is not a space, blanks at either end. */
const NEEDS_LINK_TEXT_CHANGE = /\[\[|\]\]|%%|[#|^:]|\s\s|[^\S ]|^\s|\s$/;

// All of ASCII punctuation: ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** The comparison key of a heading text or link segment at a given tier. */
export function headingKey(text: string, tier: HeadingTier): string {
  switch (tier) {
    case 'exact':
      return text;
    case 'folded':
      return lookupKey(headingLinkText(text));
    case 'loose':
      return lookupKey(text).replace(ASCII_PUNCTUATION, ' ').replace(/\s+/g, ' ').trim();
  }
}

/**
 * A note's heading keys per tier, computed on first use and kept as long as the note's heading list lives: every
 * link into a note is matched against the same keys, and looser tiers are computed only when a stricter one fails.
 */
const headingKeyCache = new WeakMap<readonly Heading[], Array<string[] | undefined>>();

function headingKeysOf(headings: readonly Heading[]): (tier: number) => string[] {
  let perTier = headingKeyCache.get(headings);
  if (!perTier) headingKeyCache.set(headings, (perTier = []));
  return (tier) => (perTier![tier] ??= headings.map((h) => headingKey(h.text, HEADING_TIERS[tier])));
}

export interface HeadingMatch {
  /** The heading named by the last segment, when the whole chain matched. */
  heading?: Heading;
  /** The loosest tier any segment needed. */
  tier?: HeadingTier;
  /** When unmatched: the first segment that could not be found (after the longest matching prefix). */
  failedSegment?: string;
  /** When matched and asked for (`withChain`): the heading each non-empty segment named, in order (the last is `heading`). */
  chain?: Heading[];
}

/**
 * Finds the heading named by a subpath `A#B#C` (R4.2–R4.4). Empty segments are ignored (`#ReplicaSet` after
 * `##`, OBS-6). Each later segment must name a heading inside the section of the previous one (after it, up to
 * its `sectionEndLine`, at a deeper level, not necessarily a direct child). Duplicates: the first heading in
 * document order wins, but when a chain cannot continue below it the next duplicate is tried, so
 * `Notes#B` finds the `B` under the second `## Notes`. `headings` must be in document order, as the parser
 * produces them.
 */
export function matchHeadingChain(subpath: string, headings: readonly Heading[], withChain = false): HeadingMatch {
  const segments = splitHeadingSegments(subpath);
  if (segments.length === 0) return {};
  if (segments.length === 1) {
    // Most links name one heading as written: the first heading with that very text is what the search below
    // finds first (exact is its first tier, in document order), without its closures and memo.
    const exact = headings.find((h) => h.text === segments[0]);
    if (exact) return withChain ? { heading: exact, tier: 'exact', chain: [exact] } : { heading: exact, tier: 'exact' };
  }

  const keysOf = headingKeysOf(headings);
  // Looser keys are computed only when a stricter tier fails.
  const segmentKeyCache: string[][] = [];
  const segmentKeys = (tier: number): string[] => (segmentKeyCache[tier] ??= segments.map((s) => headingKey(s, HEADING_TIERS[tier])));
  const deadEnds = new Set<string>();
  let longestPrefix = 0;

  // Returns the headings matched from segment `i` on (the last is the final one) and the loosest tier used.
  const search = (i: number, parent: number): { chain: number[]; tier: number } | undefined => {
    const memo = `${i}:${parent}`;
    if (deadEnds.has(memo)) return undefined;
    const p = parent >= 0 ? headings[parent] : undefined;
    for (let t = 0; t < HEADING_TIERS.length; t++) {
      const want = segmentKeys(t)[i];
      if (want === '') continue;
      for (let j = parent + 1; j < headings.length; j++) {
        const h = headings[j];
        if (p && (h.line <= p.line || h.line > p.sectionEndLine || h.level <= p.level)) continue;
        if (keysOf(t)[j] !== want) continue;
        longestPrefix = Math.max(longestPrefix, i + 1);
        if (i === segments.length - 1) return { chain: [j], tier: t };
        const rest = search(i + 1, j);
        if (rest) return { chain: [j, ...rest.chain], tier: Math.max(t, rest.tier) };
      }
    }
    deadEnds.add(memo);
    return undefined;
  };

  const found = search(0, -1);
  if (!found) return { failedSegment: segments[longestPrefix] };
  const heading = headings[found.chain[found.chain.length - 1]];
  const tier = HEADING_TIERS[found.tier];
  return withChain ? { heading, tier, chain: found.chain.map((j) => headings[j]) } : { heading, tier };
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown-link fragments

/**
 * GitHub's heading anchor for a heading text: lower case, punctuation and symbols removed (letters, marks,
 * digits, `_`, `-` and spaces kept), each space turned into `-`. Obsidian does not use these (R4.5); they are a
 * compatibility fallback for vaults written for GitHub or Foam (`[x](note.md#getting-started)`).
 */
export function githubSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/**
 * The heading whose GitHub anchor is `fragment` (compared case-insensitively). Repeated slugs get `-1`, `-2`…
 * in document order, as GitHub numbers them, so `#notes-1` is the second `Notes` heading.
 */
export function findHeadingByGithubSlug(fragment: string, headings: readonly Heading[]): Heading | undefined {
  const want = lookupKey(fragment.trim());
  if (want === '') return undefined;
  const used = new Map<string, number>();
  for (const h of headings) {
    const slug = githubSlug(h.text);
    let anchor = slug;
    let n = used.get(slug);
    if (n !== undefined) {
      do {
        n++;
        anchor = `${slug}-${n}`;
      } while (used.has(anchor));
      used.set(slug, n);
    }
    used.set(anchor, 0);
    if (anchor === want) return h;
  }
  return undefined;
}

export interface FragmentMatch {
  heading?: Heading;
  /** A heading tier, or `github-slug` when only the compatibility fallback matched (worth an info hint). */
  tier?: HeadingTier | 'github-slug';
  failedSegment?: string;
  /** When matched: the heading each non-empty segment named (see {@link HeadingMatch.chain}). */
  chain?: Heading[];
}

/**
 * Matches a markdown-link heading fragment, already percent-decoded (R4.5, R6.4): the fragment is heading text,
 * matched like a wiki-link subpath; only when that fails is it tried as a GitHub slug.
 */
export function matchMarkdownFragment(fragment: string, headings: readonly Heading[], withChain = false): FragmentMatch {
  const byText = matchHeadingChain(fragment, headings, withChain);
  if (byText.heading) return byText;
  const bySlug = findHeadingByGithubSlug(fragment, headings);
  if (!bySlug) return byText;
  return withChain ? { heading: bySlug, tier: 'github-slug', chain: [bySlug] } : { heading: bySlug, tier: 'github-slug' };
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks

/**
 * The block with this id (without `^`), compared case-insensitively (R4.7: all ids Obsidian writes are lower
 * case, so folding only adds matches); the first of duplicate ids wins (R4.9).
 */
export function findBlockId(id: string, blockIds: readonly BlockId[]): BlockId | undefined {
  const want = id.toLowerCase();
  if (want === '') return undefined;
  return blockIds.find((b) => b.id.toLowerCase() === want);
}
