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
import { linkRange } from '../model';
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

/**
 * A chain of embeds ending at a private note: the notes that embed the next one, in order, from the note a public
 * note embeds. Notes only, no positions: a line added above an embed changes no chain, so it reaches no note up
 * the chain (see {@link transclusionKey}).
 */
interface Chain {
  through: string[];
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
 * (a related location of their problems), its heading outline, and per note embed outside the frontmatter which
 * section and blocks hold it (which embedded parts show it), its target and the part of the target it shows.
 * No line of the body is in it: typing, or adding a line, changes none of it unless it adds, moves or changes an
 * embed across a heading or block, so an edit reaches no embedder.
 */
function transclusionKey(index: VaultIndex, path: string): string {
  const note = index.note(path);
  if (!note) return '';
  const at = visibilityRange(note);
  const parts: string[] = [declaredVisibility(note) ?? '', at ? `${at.start.line}:${at.start.character}` : '', note.headings.map((h) => h.level).join(',')];
  const targets = index.linkTargets(path);
  const fmEnd = note.frontmatter ? note.frontmatter.range.end.line : -1;
  for (let i = 0; i < note.links.length; i++) {
    const link = note.links[i];
    const line = linkRange(link).start.line;
    const t = targets[i];
    // Only an embed of a note can bring a private note in; one of an attachment or of nothing cannot.
    if (!link.embed || line <= fmEnd || !t || t.target === undefined || !isNotePath(t.target)) continue;
    const heading = headingsUpTo(note.headings, line);
    const blocks = note.blockIds.filter((b) => b.startLine <= line && line <= b.endLine).map((b) => b.id);
    parts.push(`${heading}|${blocks.join(' ')}|${t.target}#${partName(t)}`);
  }
  return parts.join('\u0000');
}

/** How many headings start at or before `line` (headings are in document order). */
function headingsUpTo(headings: readonly { line: number }[], line: number): number {
  let lo = 0;
  let hi = headings.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (headings[mid].line <= line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Which part of its target an embed shows, by heading index or block id (not by line). */
function partName(t: LinkTarget): string {
  if (t.status !== 'resolved' || t.target === undefined) return `(${t.status})`;
  if (t.block) return `^${t.block.id}`;
  // By what the heading says, not by object: a target re-parsed with the same headings keeps its embedders'
  // resolutions, whose heading objects are the old model's (an identity lookup would change every key up the chain).
  if (t.heading) return `h${t.heading.level} ${t.heading.text}`;
  return '';
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
  const stack: Array<{ part: Part; inner: Part[]; next: number }> = [];
  /** Visits a part: the private note it embeds directly, if any; else its frame is pushed. */
  const enter = (part: Part): string | undefined => {
    const key = `${part.path}\u0000${partKey(part)}`;
    if (visited.has(key) || remembered(memo, part) === null) return undefined;
    visited.set(key, part);
    const note = index.note(part.path);
    if (!note) return undefined;
    const targets = index.linkTargets(part.path);
    const fmEnd = note.frontmatter ? note.frontmatter.range.end.line : -1;
    const inner: Part[] = [];
    for (let i = 0; i < note.links.length; i++) {
      const link = note.links[i];
      const line = linkRange(link).start.line;
      // Frontmatter is not transcluded with the note.
      if (!link.embed || line <= fmEnd || line < part.from || line > part.to) continue;
      const t = targets[i];
      if (!t || t.target === undefined || !isNotePath(t.target)) continue;
      const target = index.note(t.target);
      if (!target) continue;
      if (noteVisibility(target, memo.fallback) === 'private') return t.target;
      const sub = embeddedPart(t);
      if (sub) inner.push(sub);
    }
    stack.push({ part, inner, next: 0 });
    return undefined;
  };
  let found = enter(start);
  while (!found && stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.inner.length) stack.pop();
    else found = enter(top.inner[top.next++]);
  }
  let result: Chain | null = null;
  if (found !== undefined) {
    // The frames on the stack are the parts that led here; the last part entered (not pushed) embeds the private
    // note, and is the next of the top frame's embeds, or the start itself.
    const through = stack.map((f) => f.part.path);
    const last = stack.length > 0 ? stack[stack.length - 1].inner[stack[stack.length - 1].next - 1].path : start.path;
    result = { through: [...through, last], privateNote: found };
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
          range: linkRange(link),
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
      const notes = [path, ...chain.through, chain.privateNote];
      out.push({
        path,
        range: linkRange(link),
        severity,
        code: PRIVATE_LINK_CODE,
        message:
          `Public note ${name(path)} transcludes private note ${name(chain.privateNote)}${privateWhy(index, chain.privateNote)} through embeds: ` +
          `${notes.map((p) => stem(p)).join(' → ')}. Its text would be published with ${name(path)}.`,
        related: [
          ...chain.through.map((p, k) => ({ path: p, range: NOWHERE, message: `${name(p)} embeds ${name(notes[k + 2])}` })),
          { path: chain.privateNote, range: visibilityKeyRange(index, chain.privateNote), message: `${name(chain.privateNote)} is private` },
        ],
        data: { chain: notes },
      });
    }
    return out;
  },
};
