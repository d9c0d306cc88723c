/**
 * Visibility: a public note must not publish a private one. A public note (`visibility: public`, or no
 * visibility when `ospoNotes.visibility.default` is `public`) gets a `private-link` warning on every link to a
 * private note, on every embed of one, and on every embed that transcludes one through a chain of embeds (public
 * A embeds public B, which embeds private C: the warning on A's embed names A → B → C).
 *
 * Only embeds carry a note's text into another, so chains follow embeds only: B *linking* C is B's own warning,
 * not A's. An embed of a heading or block transcludes that section or block alone, so only the embeds inside it
 * count. Cycles of embeds end: each part of a note is visited once per search.
 *
 * What a note's result depends on: its own visibility and links, the visibility of the notes it links to, and
 * whatever its embeds transclude, recursively. {@link visibilityRule.affected} walks the reverse embed edges to
 * find the notes up the chain.
 */
import type { Range } from '../model';
import type { LinkTarget } from '../vault/links';
import type { IndexChange, VaultIndex } from '../vault/vault';
import { isNotePath, stem } from '../vault/paths';
import { declaredVisibility, DEFAULT_VISIBILITY, noteVisibility, visibilityRange, type Visibility } from '../vault/visibility';
import type { NoteDiagnostic } from './diagnostics';
import type { DiagnosticRule, RuleContext } from './rule';

/** What a note embeds of another: the whole note, or the lines (inclusive) of a heading's section or a block. */
interface Part {
  path: string;
  from: number;
  /** Last line, inclusive; `Infinity` for the whole note. */
  to: number;
}

/** One embed on the way from a public note to a private one: the note that holds it and where it is written. */
interface Hop {
  path: string;
  range: Range;
}

/** A chain of embeds ending at a private note. */
interface Chain {
  hops: Hop[];
  privateNote: string;
}

/**
 * The part of its target an embed transcludes; undefined when it transcludes nothing of a note (an attachment, a
 * heading or block that does not exist).
 */
function embeddedPart(t: LinkTarget): Part | undefined {
  if (t.status !== 'resolved' || t.target === undefined || !isNotePath(t.target)) return undefined;
  if (t.block) return { path: t.target, from: t.block.startLine, to: t.block.endLine };
  if (t.heading) return { path: t.target, from: t.heading.line, to: t.heading.sectionEndLine };
  return { path: t.target, from: 0, to: Infinity };
}

function partKey(p: Part): string {
  return `${p.from}:${p.to}`;
}

/**
 * Per index, the results of earlier searches (per note, per part: the chain found, or `null` for none), valid
 * for one default visibility, and per note what the notes embedding it read of it (its {@link transclusionKey}).
 * A change drops the results of the notes it touched and, when what embedders read of one of them changed, of
 * every note that embeds it, transitively: exactly the results that can differ.
 */
interface LeakMemo {
  fallback: Visibility;
  results: Map<string, Map<string, Chain | null>>;
  keys: Map<string, string>;
  /** Per change record, the notes whose transclusions it altered: worked out once, whoever asks first. */
  seen: WeakMap<IndexChange, Set<string>>;
}

const memos = new WeakMap<VaultIndex, LeakMemo>();

/** The index's memo; `fresh` when it was created by this call (so it has not seen the change being applied). */
function memoOf(index: VaultIndex): { memo: LeakMemo; fresh: boolean } {
  const known = memos.get(index);
  if (known) return { memo: known, fresh: false };
  const memo: LeakMemo = { fallback: DEFAULT_VISIBILITY, results: new Map(), keys: new Map(), seen: new WeakMap() };
  // The baseline: one pass over the vault's links, once per index.
  for (const p of index.notePaths()) memo.keys.set(p, transclusionKey(index, p));
  index.onChange((change) => {
    for (const p of transcludersOf(memo, change, index)) memo.results.delete(p);
  });
  memos.set(index, memo);
  return { memo, fresh: true };
}

function resultsFor(index: VaultIndex, fallback: Visibility): LeakMemo {
  const { memo } = memoOf(index);
  if (memo.fallback !== fallback) {
    memo.fallback = fallback;
    memo.results.clear();
  }
  return memo;
}

/**
 * Everything the notes embedding `path` read of it, as one string: its declared visibility and where it says so
 * (a related location of their problems), and each embed outside the frontmatter with its place, target and the
 * part of the target it shows. Typing in a paragraph changes none of it, so it reaches no embedder.
 */
function transclusionKey(index: VaultIndex, path: string): string {
  const note = index.note(path);
  if (!note) return '';
  const at = visibilityRange(note);
  const parts: string[] = [declaredVisibility(note) ?? '', at ? `${at.start.line}:${at.start.character}` : ''];
  const targets = index.linkTargets(path);
  const fmEnd = note.frontmatter ? note.frontmatter.range.end.line : -1;
  for (let i = 0; i < note.links.length; i++) {
    const link = note.links[i];
    if (!link.embed || link.range.start.line <= fmEnd) continue;
    const t = targets[i];
    const part = t && embeddedPart(t);
    const r = link.range;
    parts.push(`${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}>${t?.target ?? ''}${part ? `#${partKey(part)}` : ''}`);
  }
  return parts.join('\u0000');
}

/**
 * The notes whose transclusions a change can alter: those it re-resolved or removed (their own parts), and, from
 * each whose {@link transclusionKey} changed, every note that embeds it, transitively (reverse embed edges, each
 * note once: linear in the affected chain).
 */
function transcludersOf(memo: LeakMemo, change: IndexChange, index: VaultIndex, everyChain = false): Set<string> {
  const cached = memo.seen.get(change);
  if (cached) return cached;
  const out = new Set<string>();
  const up: string[] = [];
  for (const p of [...change.resolutions, ...change.removed]) {
    if (out.has(p)) continue;
    out.add(p);
    const before = memo.keys.get(p);
    const after = index.note(p) ? transclusionKey(index, p) : undefined;
    if (after === undefined) memo.keys.delete(p);
    else memo.keys.set(p, after);
    if (everyChain || before !== after) up.push(p);
  }
  const walked = new Set<string>(up);
  while (up.length > 0) {
    for (const e of index.embeddersOf(up.pop()!)) {
      if (walked.has(e)) continue;
      walked.add(e);
      out.add(e);
      up.push(e);
    }
  }
  memo.seen.set(change, out);
  return out;
}

function remembered(memo: LeakMemo, part: Part): Chain | null | undefined {
  return memo.results.get(part.path)?.get(partKey(part));
}

function remember(memo: LeakMemo, part: Part, result: Chain | null): void {
  let m = memo.results.get(part.path);
  if (!m) memo.results.set(part.path, (m = new Map()));
  m.set(partKey(part), result);
}

/**
 * The first chain of embeds from `start` to a private note, in document order, a private note embedded directly
 * preferred at each step; null when none. Depth-first with a visited set, so cycles end and each part is read
 * once. A search that finds nothing proves every part it visited leak-free (all they reach was visited), so those
 * are remembered; a found chain is remembered for `start` only, since it is the first chain from `start` and
 * need not be the first from a part met on the way. The answer for `start` so depends on the vault alone, never
 * on which note was checked first.
 */
function leakFrom(index: VaultIndex, start: Part, memo: LeakMemo): Chain | null {
  const known = remembered(memo, start);
  if (known !== undefined) return known;
  const visited = new Map<string, Part>();
  // An explicit stack, not recursion: a chain of embeds may be thousands of notes long.
  const stack: Array<{ part: Part; inner: Array<{ range: Range; part: Part }>; next: number }> = [];
  /** Visits a part: the embed of a private note it holds directly, if any; else its frame is pushed. */
  const enter = (part: Part): Hop & { privateNote: string } | undefined => {
    const key = `${part.path}\u0000${partKey(part)}`;
    if (visited.has(key) || remembered(memo, part) === null) return undefined;
    visited.set(key, part);
    const note = index.note(part.path);
    if (!note) return undefined;
    const targets = index.linkTargets(part.path);
    const fmEnd = note.frontmatter ? note.frontmatter.range.end.line : -1;
    const inner: Array<{ range: Range; part: Part }> = [];
    for (let i = 0; i < note.links.length; i++) {
      const link = note.links[i];
      const line = link.range.start.line;
      // Frontmatter is not transcluded with the note.
      if (!link.embed || line <= fmEnd || line < part.from || line > part.to) continue;
      const t = targets[i];
      if (!t || t.target === undefined || !isNotePath(t.target)) continue;
      const target = index.note(t.target);
      if (!target) continue;
      if (noteVisibility(target, memo.fallback) === 'private') return { path: part.path, range: link.range, privateNote: t.target };
      const sub = embeddedPart(t);
      if (sub) inner.push({ range: link.range, part: sub });
    }
    stack.push({ part, inner, next: 0 });
    return undefined;
  };
  let found = enter(start);
  while (!found && stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.inner.length) stack.pop();
    else found = enter(top.inner[top.next++].part);
  }
  let result: Chain | null = null;
  if (found) {
    // The frames on the stack are the embeds that led here, each at the embed it is following.
    const hops: Hop[] = stack.map((f) => ({ path: f.part.path, range: f.inner[f.next - 1].range }));
    hops.push({ path: found.path, range: found.range });
    result = { hops, privateNote: found.privateNote };
    remember(memo, start, result);
  } else {
    for (const p of visited.values()) remember(memo, p, null);
  }
  return result;
}

const NOWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function name(path: string): string {
  return `'${stem(path)}'`;
}

/** Why the note counts as private, for the message: declared, or by the default. */
function privateWhy(index: VaultIndex, path: string): string {
  const note = index.note(path);
  return note && declaredVisibility(note) === undefined ? ` (private by default: it has no 'visibility')` : '';
}

function visibilityKeyRange(index: VaultIndex, path: string): Range {
  const note = index.note(path);
  return (note && visibilityRange(note)) ?? NOWHERE;
}

export const PRIVATE_LINK_CODE = 'private-link';

export const visibilityRule: DiagnosticRule = {
  id: 'visibility',
  codes: [PRIVATE_LINK_CODE],
  // A note's result reads its links' targets and the visibility of what they reach.
  dependsOn: ['resolutions', 'visibility'],

  /**
   * The notes up the embed chains from what `change` altered (see {@link transcludersOf}), and the notes linking
   * to a note whose visibility changed. Meant to be asked while the change is applied (from an `onChange`
   * listener, as the problem cache does), or before any later check of the index.
   */
  affected(change: IndexChange, index: VaultIndex): Iterable<string> {
    // A memo made now has not seen what this change replaced: every chain up from the change is affected.
    const { memo, fresh } = memoOf(index);
    const out = new Set(transcludersOf(memo, change, index, fresh));
    // A note whose visibility changed concerns every note that links to it, embed or not.
    for (const [p, e] of change.exports) if (e.visibility) for (const b of index.backlinksOf(p)) out.add(b);
    return out;
  },

  check(ctx: RuleContext, path: string): NoteDiagnostic[] {
    const { index, options } = ctx;
    const note = index.note(path);
    const fallback = options.defaultVisibility ?? DEFAULT_VISIBILITY;
    if (!note || noteVisibility(note, fallback) !== 'public') return [];
    const severity = options.privateLinkSeverity ?? 'warning';
    const memo = resultsFor(index, fallback);
    const targets = index.linkTargets(path);
    const out: NoteDiagnostic[] = [];
    for (let i = 0; i < note.links.length; i++) {
      const link = note.links[i];
      const t = targets[i];
      if (link.placeholder || !t || t.target === undefined || t.target === path || !isNotePath(t.target)) continue;
      const target = index.note(t.target);
      if (!target) continue;
      if (noteVisibility(target, fallback) === 'private') {
        const verb = link.embed ? 'embeds' : 'links to';
        const consequence = link.embed ? `its text would be published with ${name(path)}` : 'the published note would point to a note that is not published';
        out.push({
          path,
          range: link.range,
          severity,
          code: PRIVATE_LINK_CODE,
          message: `Public note ${name(path)} ${verb} private note ${name(t.target)}${privateWhy(index, t.target)}: ${consequence}.`,
          related: [{ path: t.target, range: visibilityKeyRange(index, t.target), message: `${name(t.target)} is private` }],
          data: { chain: [path, t.target] },
        });
        continue;
      }
      if (!link.embed) continue;
      const part = embeddedPart(t);
      const chain = part && leakFrom(index, part, memo);
      if (!chain) continue;
      const notes = [path, ...chain.hops.map((h) => h.path), chain.privateNote];
      out.push({
        path,
        range: link.range,
        severity,
        code: PRIVATE_LINK_CODE,
        message:
          `Public note ${name(path)} transcludes private note ${name(chain.privateNote)}${privateWhy(index, chain.privateNote)} through embeds: ` +
          `${notes.map((p) => stem(p)).join(' → ')}. Its text would be published with ${name(path)}.`,
        related: [
          ...chain.hops.map((h, k) => ({ path: h.path, range: h.range, message: `${name(h.path)} embeds ${name(notes[k + 2])}` })),
          { path: chain.privateNote, range: visibilityKeyRange(index, chain.privateNote), message: `${name(chain.privateNote)} is private` },
        ],
        data: { chain: notes },
      });
    }
    return out;
  },
};
