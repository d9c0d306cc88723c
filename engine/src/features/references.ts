/**
 * Find all references to a note, a heading, a block or a tag.
 *
 * Note, heading and block references are read from the index's reverse edges (`backlinksOf`) and stored
 * resolutions (`linkTargets`), so their cost is the number of linking notes, never the size of the vault. Tag
 * references go through the tag index. What the cursor names, in order of precedence:
 *  1. a link: what it resolves to (its block, its heading, or its file); an unresolved link: the other links
 *     waiting for the same missing file;
 *  2. a tag, in the body or in the frontmatter `tags`: every use of that tag and of the tags nested under it,
 *     case-insensitively (R8.4), as Obsidian's tag pane counts them and its search `tag:#a` finds them: `#a`
 *     lists `#a/b` and `#a/b/c`, while `#a/b` lists neither `#a` nor `#ab` (features/tags.ts `isTagOrNested`);
 *  3. a block id marker `^id`: links to that block;
 *  4. a heading line: links to that heading; the note's title heading (its only level-1 heading, when it is
 *     the first heading) stands for the whole note;
 *  5. line 0 or the frontmatter: the note itself.
 */
import type { BlockId, Heading, Link, NoteModel, Position, Range } from '../model';
import { linkRange } from '../model';
import { linkNameKey, type LinkTarget } from '../vault/links';
import { isNotePath, lookupKey } from '../vault/paths';
import { comparePositions, rangeContainsOrTouches } from '../syntax/text';
import { throwIfCancelled, type FeatureContext, type PathLocation } from './context';
import { resolvedLinkAt } from './definition';
import { isTagOrNested, notesUnder, tagAt, tagKey } from './tags';

/** What a references query is about. */
export type ReferenceSubject =
  | { kind: 'note'; path: string }
  | { kind: 'heading'; path: string; heading: Heading }
  | { kind: 'block'; path: string; block: BlockId }
  | { kind: 'tag'; name: string }
  | { kind: 'unresolved'; linkpath: string };

export function provideReferences(ctx: FeatureContext, path: string, position: Position, includeDeclaration: boolean): PathLocation[] {
  const subject = referenceSubjectAt(ctx, path, position);
  if (!subject) return [];
  return referencesTo(ctx, subject, includeDeclaration);
}

/** What the cursor names, by the precedence described at the top of this file. */
export function referenceSubjectAt(ctx: FeatureContext, path: string, position: Position): ReferenceSubject | undefined {
  const note = ctx.index.note(path);
  if (!note) return undefined;

  const at = resolvedLinkAt(ctx, path, position);
  if (at) return subjectOfTarget(at.target, at.link);

  const tag = tagAt(note, position);
  if (tag) return { kind: 'tag', name: tag.name };

  const block = note.blockIds.find((b) => rangeContainsOrTouches(b.range, position));
  if (block) return { kind: 'block', path, block };

  const heading = note.headings.find((h) => position.line >= h.line && position.line <= h.textRange.end.line);
  if (heading) return heading === titleHeading(note) ? { kind: 'note', path } : { kind: 'heading', path, heading };

  if (position.line === 0) return { kind: 'note', path };
  if (note.frontmatter && position.line <= note.frontmatter.range.end.line) return { kind: 'note', path };
  return undefined;
}

function subjectOfTarget(t: LinkTarget, link: Link): ReferenceSubject | undefined {
  if (t.target !== undefined) {
    if (t.block) return { kind: 'block', path: t.target, block: t.block };
    if (t.heading) return { kind: 'heading', path: t.target, heading: t.heading };
    return { kind: 'note', path: t.target };
  }
  if (t.status === 'unresolved' && link.path !== '') return { kind: 'unresolved', linkpath: link.path };
  return undefined;
}

/**
 * The heading that titles the note: the first heading, when it is level 1 and the only level-1 heading. Links to
 * it are links to the note in all but name, so it answers for the note.
 */
export function titleHeading(note: NoteModel): Heading | undefined {
  const first = note.headings[0];
  if (!first || first.level !== 1) return undefined;
  return note.headings.some((h) => h !== first && h.level === 1) ? undefined : first;
}

export function referencesTo(ctx: FeatureContext, subject: ReferenceSubject, includeDeclaration: boolean): PathLocation[] {
  const out: PathLocation[] = [];
  switch (subject.kind) {
    case 'note':
      linksTo(ctx, subject.path, () => true, out);
      break;
    case 'heading': {
      const h = subject.heading;
      linksTo(ctx, subject.path, (t) => t.heading !== undefined && t.heading.line === h.line && t.heading.text === h.text, out);
      break;
    }
    case 'block': {
      const b = subject.block;
      const id = b.id.toLowerCase();
      linksTo(ctx, subject.path, (t) => t.block !== undefined && t.block.id.toLowerCase() === id && t.block.range.start.line === b.range.start.line, out);
      break;
    }
    case 'tag':
      tagUses(ctx, subject.name, out);
      break;
    case 'unresolved':
      waitingLinks(ctx, subject.linkpath, out);
      break;
  }
  sortLocations(out);
  if (includeDeclaration) {
    const declaration = declarationOf(ctx, subject);
    if (declaration) out.unshift(declaration);
  }
  return out;
}

/** Links resolved to `target` whose resolution passes `accept`, from every note with an edge to it. */
function linksTo(ctx: FeatureContext, target: string, accept: (t: LinkTarget) => boolean, out: PathLocation[]): void {
  for (const source of ctx.index.backlinksOf(target)) {
    throwIfCancelled(ctx.cancellation);
    const note = ctx.index.note(source);
    if (!note) continue;
    const targets = ctx.index.linkTargets(source);
    for (let i = 0; i < note.links.length; i++) {
      const t = targets[i];
      if (t && t.target === target && accept(t)) out.push({ path: source, range: linkRange(note.links[i]) });
    }
  }
}

function tagUses(ctx: FeatureContext, name: string, out: PathLocation[]): void {
  for (const path of notesUnder(ctx.index, tagKey(name), true)) {
    throwIfCancelled(ctx.cancellation);
    const note = ctx.index.note(path);
    if (!note) continue;
    for (const tag of note.tags) if (isTagOrNested(tag.name, name)) out.push({ path, range: tag.range });
  }
}

/** Other unresolved links that name the same missing file (same linkpath, case-insensitive, `.md` optional). */
function waitingLinks(ctx: FeatureContext, linkpath: string, out: PathLocation[]): void {
  const key = unresolvedKey(linkpath);
  for (const source of ctx.index.notesLinkingName(linkNameKey(linkpath))) {
    throwIfCancelled(ctx.cancellation);
    const note = ctx.index.note(source);
    if (!note) continue;
    const targets = ctx.index.linkTargets(source);
    for (let i = 0; i < note.links.length; i++) {
      const link = note.links[i];
      if (targets[i]?.status === 'unresolved' && link.path !== '' && unresolvedKey(link.path) === key) out.push({ path: source, range: linkRange(link) });
    }
  }
}

function unresolvedKey(linkpath: string): string {
  const key = lookupKey(linkpath.trim());
  return key.endsWith('.md') ? key.slice(0, -3) : key;
}

/**
 * Where the subject is declared: the top of a note, a heading's text, a block's `^id` marker. Tags have no
 * declaration (every use is a reference), nor do missing files and non-note files (there is no text to show).
 */
function declarationOf(ctx: FeatureContext, subject: ReferenceSubject): PathLocation | undefined {
  switch (subject.kind) {
    case 'note':
      if (!isNotePath(subject.path) || !ctx.index.note(subject.path)) return undefined;
      return { path: subject.path, range: ZERO };
    case 'heading':
      return { path: subject.path, range: subject.heading.textRange };
    case 'block':
      return { path: subject.path, range: subject.block.range };
    default:
      return undefined;
  }
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function sortLocations(locations: PathLocation[]): void {
  locations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : comparePositions(a.range.start, b.range.start)));
}
