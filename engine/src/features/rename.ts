/**
 * Rename: notes, attachments and folders, headings and block ids, with every link to them rewritten so that it
 * still points at the same thing.
 *
 * What can be renamed, and from where (`prepareRename` / `renameAt`, LSP `textDocument/rename`):
 *  - a file (note or attachment): on the linkpath of a link to it; on its title heading (the note's only level-1
 *    heading, when it is the first heading and spells the file name, case aside) — the heading is rewritten too;
 *    on the value of its frontmatter `title` — the title becomes the new name as well. The rename includes the
 *    `RenameFile` operation;
 *  - a heading: on the heading's line, or on its segment of a link (`#Heading`, a chain `#A#B`, a markdown-link
 *    fragment): its text and every link whose subpath passes through it;
 *  - a block id: on `^id`, or on `#^id` in a link: the marker and every link to it.
 * Moves and renames in the explorer (`renameFiles`, LSP `workspace/willRenameFiles`): files and folders (every
 * file under a folder moves with it); links to the moved files and links inside the moved notes.
 *
 * How: the links that can change are found through the index's reverse edges (links resolved to a moved file or
 * to the note whose heading or block is renamed), the moved notes' own links, and the links waiting on a new name
 * (they may now resolve to the moved file: those that resolve to another file are rewritten to keep pointing at
 * it). So the cost is the links affected, never the vault. Each link is resolved in a view of the vault after the
 * rename; a link that no longer resolves as before is rewritten by the link writer (`rewriteLink`), keeping its
 * form. Then every edited note is re-parsed and every affected link resolved once more: a rename is only proposed
 * when each link that resolved before resolves to the same file, heading or block after, and no broken link starts
 * to resolve, except to what was renamed when it asked for exactly that new name (as Obsidian does).
 *
 * Refused, with the reason: a name that is empty, holds a character Obsidian forbids in file names
 * (`* " \ / < > : | ?`) or one links cannot spell (`# ^ [ ]`), starts with `.`, or is already taken (a file,
 * another heading of the note that links could not tell apart, another block id); a move that changes a note into
 * another kind of file or leaves the vault; a position that names nothing renamable.
 */
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { BlockId, Heading, Link, NoteModel, Position, Range } from '../model';
import { linkDisplayRange, linkPathRange, linkRange, linkSubpathRange } from '../model';
import { isValidBlockId } from '../syntax/blockIds';
import { yamlScalar } from '../syntax/frontmatter';
import { parseLinkSource, parseNoteSteps } from '../syntax/parser';
import { runSteps } from '../syntax/steps';
import { comparePositions, rangeContainsOrTouches, splitLines } from '../syntax/text';
import { MovedFileLookup, type FileLookup } from '../vault/fileLookup';
import { LinkWriteError, rewriteLink } from '../vault/linkWriter';
import { resolveLink, type LinkTarget, type VaultView } from '../vault/links';
import { fileNameProblem } from '../vault/membership';
import { basename, dirname, extname, isNotePath, lookupKey, normalizeVaultPath, NOTE_EXTENSION, stem } from '../vault/paths';
import { findHeadingByGithubSlug, githubSlug, headingKey, headingLinkText, matchHeadingChain, matchMarkdownFragment, parseSubpath } from '../vault/resolve';
import { throwIfCancelled, type FeatureContext } from './context';
import { resolvedLinkAt } from './definition';
import { EditConflictError, WorkspaceEditBuilder, type EditTarget } from './edits';
import { titleHeading } from './references';

export interface RenameOptions {
  /** Where an edit of the file at this vault path goes: its open buffer (URI, version), else the file (`null`). */
  targetOf(path: string): EditTarget;
  /** The URI of a vault path, for the `RenameFile` operation. */
  uriOf(path: string): string;
  /** Whether a vault path is part of the vault (its membership rules); a move out of it is refused. */
  isMember?(path: string): boolean;
}

export type PrepareRenameResult = { range: Range; placeholder: string } | { refused: string };
export type RenameResult = { edit: WorkspaceEdit } | { refused: string };

/** One file move: vault paths before and after. A folder's path moves every file under it. */
export interface FileMove {
  oldPath: string;
  newPath: string;
}


// ---------------------------------------------------------------------------------------------------------------
// What the cursor names

type Subject =
  | { kind: 'file'; path: string; range: Range; placeholder: string; sync?: 'heading' | 'title' }
  | { kind: 'heading'; path: string; index: number; range: Range; placeholder: string }
  | { kind: 'block'; path: string; index: number; range: Range; placeholder: string };

class Refusal extends Error {}

function refuse(message: string): never {
  throw new Refusal(message);
}

/** A rename planned in steps met a change of the vault between them. */
function stillTheSame(): never {
  refuse('The vault changed while the rename was planned: try again. Nothing was changed.');
}

/** The range and the current name of what a rename at `position` would rename, or why nothing can be. */
export function prepareRename(ctx: FeatureContext, path: string, position: Position): PrepareRenameResult {
  try {
    const s = subjectAt(ctx, path, position);
    return { range: s.range, placeholder: s.placeholder };
  } catch (e) {
    if (e instanceof Refusal) return { refused: e.message };
    throw e;
  }
}

/** Renames what `position` names (see the top of this file) to `newName`. */
export function renameAt(ctx: FeatureContext, path: string, position: Position, newName: string, options: RenameOptions): RenameResult {
  return runSteps(renameAtSteps(ctx, path, position, newName, options));
}

/**
 * {@link renameAt} as steps, for a caller that answers other requests between them (`runStepsInSlices`): a note
 * linked 25,000 times, or a heading renamed in a note of 10 MB, is seconds of work. The index may change between
 * steps; a rename that read a note, its text or the file list before such a change is refused at the end
 * ("changed while the rename was planned") rather than proposed with edits at shifted places.
 */
export function renameAtSteps(ctx: FeatureContext, path: string, position: Position, newName: string, options: RenameOptions): Generator<void, RenameResult> {
  return refusalsAsResult(function* () {
    const s = subjectAt(ctx, path, position);
    switch (s.kind) {
      case 'file': {
        const newPath = renamedFilePath(s.path, newName);
        const moves = new Map(newPath === s.path ? [] : [[s.path, newPath]]);
        const name = stem(newPath);
        if (s.sync === 'heading') {
          // The title heading spells the file name: it takes the new name, and links to it follow.
          const index = ctx.index.note(s.path)!.headings.indexOf(titleHeading(ctx.index.note(s.path)!)!);
          return yield* plan(ctx, { moves, heading: { path: s.path, index, text: checkedHeadingText(ctx, s.path, index, name) }, renameOperation: true }, options);
        }
        if (s.sync === 'title') return yield* plan(ctx, { moves, sync: { path: s.path, name }, renameOperation: true }, options);
        if (moves.size === 0) return emptyEdit();
        return yield* plan(ctx, { moves, renameOperation: true }, options);
      }
      case 'heading':
        return yield* plan(ctx, { moves: new Map(), heading: { path: s.path, index: s.index, text: checkedHeadingText(ctx, s.path, s.index, newName) }, renameOperation: false }, options);
      case 'block':
        return yield* plan(ctx, { moves: new Map(), block: { path: s.path, index: s.index, id: checkedBlockId(ctx, s.path, s.index, newName) }, renameOperation: false }, options);
    }
  });
}

/**
 * The edits that keep every link working when files and folders move as `moves` says (the explorer's rename, LSP
 * `workspace/willRenameFiles`): text edits only, to be applied before the files move.
 */
export function renameFiles(ctx: FeatureContext, moves: readonly FileMove[], options: RenameOptions): RenameResult {
  return runSteps(renameFilesSteps(ctx, moves, options));
}

/** {@link renameFiles} as steps (see {@link renameAtSteps}). */
export function renameFilesSteps(ctx: FeatureContext, moves: readonly FileMove[], options: RenameOptions): Generator<void, RenameResult> {
  return refusalsAsResult(function* () {
    const files = new Map<string, string>();
    for (const m of moves) {
      const from = normalizeVaultPath(m.oldPath);
      const to = normalizeVaultPath(m.newPath);
      if (from === '' || to === '' || from === to) continue;
      if (ctx.index.files.has(from)) {
        if (basename(from) !== basename(to)) checkFileName(basename(to), isNotePath(to));
        files.set(from, to);
        continue;
      }
      // A folder: every indexed file under it (one pass over the file list, as a folder event costs).
      const prefix = `${from}/`;
      let any = false;
      for (const p of ctx.index.files.paths()) {
        if (!p.startsWith(prefix)) continue;
        if (!any && basename(from) !== basename(to)) checkFileName(basename(to), false, 'folder');
        any = true;
        files.set(p, `${to}/${p.slice(prefix.length)}`);
      }
    }
    if (files.size === 0) return emptyEdit();
    return yield* plan(ctx, { moves: files, renameOperation: false }, options);
  });
}

function* refusalsAsResult(work: () => Generator<void, RenameResult>): Generator<void, RenameResult> {
  try {
    return yield* work();
  } catch (e) {
    if (e instanceof Refusal) return { refused: e.message };
    if (e instanceof EditConflictError) return { refused: `The rename's edits conflict (${e.message}); nothing was changed.` };
    if (e instanceof LinkWriteError) return { refused: `The rename cannot keep every link: ${e.message}. Nothing was changed.` };
    throw e;
  }
}

function emptyEdit(): RenameResult {
  return { edit: new WorkspaceEditBuilder().build() };
}

function subjectAt(ctx: FeatureContext, path: string, position: Position): Subject {
  const note = ctx.index.note(path);
  if (!note) refuse(`${path} is not an indexed note.`);

  const at = resolvedLinkAt(ctx, path, position);
  if (at) return linkSubject(ctx, path, at.link, at.target, position);

  const blockIndex = note.blockIds.findIndex((b) => rangeContainsOrTouches(b.range, position));
  if (blockIndex >= 0) {
    const b = note.blockIds[blockIndex];
    return { kind: 'block', path, index: blockIndex, range: { start: { line: b.range.start.line, character: b.range.start.character + 1 }, end: b.range.end }, placeholder: b.id };
  }

  const headingIndex = note.headings.findIndex((h) => position.line >= h.line && position.line <= h.textRange.end.line);
  if (headingIndex >= 0) {
    const h = note.headings[headingIndex];
    if (h === titleHeading(note) && lookupKey(h.text.trim()) === lookupKey(stem(path))) {
      return { kind: 'file', path, range: h.textRange, placeholder: stem(path), sync: 'heading' };
    }
    return { kind: 'heading', path, index: headingIndex, range: h.textRange, placeholder: h.text };
  }

  const title = titleValueAt(ctx, note, position);
  if (title) return { kind: 'file', path, range: title.range, placeholder: title.value, sync: 'title' };

  refuse('Nothing to rename here: put the cursor on a link, a heading, a block id (^id) or the frontmatter title.');
}

function linkSubject(ctx: FeatureContext, path: string, link: Link, target: LinkTarget, position: Position): Subject {
  if (link.external) refuse('This is a web address, not a file of the vault: there is nothing to rename.');
  const displayRange = linkDisplayRange(link);
  const pathRange = linkPathRange(link);
  const subpathRange = linkSubpathRange(link);
  if (displayRange && rangeContainsOrTouches(displayRange, position) && !rangeContainsOrTouches(pathRange, position)) {
    refuse("This is the link's display text. Rename works on what the link names: put the cursor on its target, heading or block id.");
  }
  const inSubpath = subpathRange !== undefined && rangeContainsOrTouches(subpathRange, position) && !(link.path !== '' && rangeContainsOrTouches(pathRange, position));
  if (target.target === undefined) refuse(`'${link.path}' names no file of the vault: there is nothing to rename (create the note first).`);
  const file = target.target;
  if (subpathRange && inSubpath) {
    const written = textOf(ctx, path, subpathRange);
    if (target.block) {
      const note = ctx.index.note(file)!;
      const caret = written.indexOf('^');
      const r = caret >= 0 ? { start: { line: subpathRange.start.line, character: subpathRange.start.character + caret + 1 }, end: subpathRange.end } : subpathRange;
      return { kind: 'block', path: file, index: blockIndexOf(note, target.block), range: r, placeholder: target.block.id };
    }
    if (target.heading) {
      const note = ctx.index.note(file)!;
      const chain = chainOf(link, note.headings) ?? [target.heading];
      const segment = segmentAt(written, subpathRange, position, chain.length);
      const h = chain[segment.index] ?? target.heading;
      return { kind: 'heading', path: file, index: headingIndexOf(note, h), range: segment.range, placeholder: h.text };
    }
    if (target.status === 'missing-heading') refuse(`'#${link.subpath}' names no heading of ${file}: there is nothing to rename.`);
    if (target.status === 'missing-block') refuse(`'#${link.subpath}' names no block of ${file}: there is nothing to rename.`);
    refuse(`'#${link.subpath}' is a fragment of an attachment, not a heading or block id: there is nothing to rename.`);
  }
  if (link.path === '') refuse('This link points into this note: put the cursor on its heading or block id to rename that.');
  return { kind: 'file', path: file, range: pathRange, placeholder: isNotePath(file) ? stem(file) : basename(file) };
}

/** The non-empty `#` segment of a written subpath under the cursor: its ordinal among the chain and its range. */
function segmentAt(written: string, r: Range, position: Position, segments: number): { index: number; range: Range } {
  if (r.start.line !== r.end.line || position.line !== r.start.line) return { index: segments - 1, range: r };
  const offset = position.character - r.start.character;
  let start = 0;
  let ordinal = 0;
  let last: { index: number; range: Range } = { index: segments - 1, range: r };
  for (const part of written.split('#')) {
    const end = start + part.length;
    if (part.trim() !== '') {
      const lead = part.length - part.trimStart().length;
      const trail = part.length - part.trimEnd().length;
      const seg = { index: ordinal, range: { start: { line: r.start.line, character: r.start.character + start + lead }, end: { line: r.start.line, character: r.start.character + end - trail } } };
      if (offset >= start && offset <= end) return ordinal < segments ? seg : last;
      last = seg;
      ordinal++;
    }
    start = end + 1;
  }
  return last;
}

/** The frontmatter `title` value on the cursor's line: its range (quotes excluded) and the title. */
function titleValueAt(ctx: FeatureContext, note: NoteModel, position: Position): { range: Range; value: string; quote: string } | undefined {
  const t = titleValue(ctx, note);
  return t && t.range.start.line === position.line ? t : undefined;
}

function titleValue(ctx: FeatureContext, note: NoteModel): { range: Range; value: string; quote: string } | undefined {
  const key = note.frontmatter?.keys.find((k) => k.key === 'title');
  if (!key || note.title === undefined) return undefined;
  const line = splitLines(ctx.getText(note.path) ?? '')[key.range.start.line] ?? '';
  const colon = line.indexOf(':', key.range.end.character);
  if (colon < 0) return undefined;
  let start = colon + 1;
  while (line[start] === ' ' || line[start] === '\t') start++;
  let end = line.length;
  while (end > start && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  if (start >= end) return undefined;
  let quote = '';
  if ((line[start] === '"' || line[start] === "'") && line[end - 1] === line[start] && end - start >= 2) quote = line[start];
  const at = (c: number): Position => ({ line: key.range.start.line, character: c });
  const range = quote ? { start: at(start + 1), end: at(end - 1) } : { start: at(start), end: at(end) };
  return { range, value: note.title, quote };
}

// ---------------------------------------------------------------------------------------------------------------
// Names

/** The new path of a file renamed (in place) to `newName`: `.md` added to notes, the extension kept otherwise. */
function renamedFilePath(path: string, newName: string): string {
  let name = newName.trim();
  const note = isNotePath(path);
  if (note && name.toLowerCase().endsWith(`.${NOTE_EXTENSION}`)) name = name.slice(0, -NOTE_EXTENSION.length - 1).trim();
  checkFileName(name, note);
  const file = note ? `${name}.${NOTE_EXTENSION}` : extname(name) === '' ? `${name}.${extname(path)}` : name;
  const folder = dirname(path);
  return folder === '' ? file : `${folder}/${file}`;
}

function checkFileName(name: string, note: boolean, what: 'file' | 'folder' = 'file'): void {
  const bare = note && name.toLowerCase().endsWith(`.${NOTE_EXTENSION}`) ? name.slice(0, -NOTE_EXTENSION.length - 1) : name;
  const problem = fileNameProblem(bare.trim() === '' ? bare : name, what);
  if (problem) refuse(`${problem}.`);
}

function checkedHeadingText(ctx: FeatureContext, path: string, index: number, newName: string): string {
  const text = newName.trim();
  if (text === '') refuse('A heading cannot be empty.');
  if (/[\r\n]/.test(text)) refuse('A heading is one line: the new name holds a line break.');
  // A link in the new text would be a new link of the note, which a rename does not add.
  if (/\[\[|\]\]|\]\(/.test(text)) refuse(`'${text}' holds a link; write a heading with a link by hand.`);
  if (headingLinkText(text) === '') refuse(`'${text}' holds only characters links drop (# | ^ : %% [[ ]]): no link could name it.`);
  const note = ctx.index.note(path)!;
  const key = headingKey(text, 'folded');
  const clash = note.headings.find((h, i) => i !== index && headingKey(h.text, 'folded') === key);
  if (clash) refuse(`${path} already has the heading '${clash.text}' (line ${clash.line + 1}): links could not tell the two apart.`);
  return text;
}

function checkedBlockId(ctx: FeatureContext, path: string, index: number, newName: string): string {
  const id = newName.trim().replace(/^\^/, '');
  if (id === '') refuse('A block id cannot be empty.');
  if (!isValidBlockId(id)) refuse(`'${id}' is not a block id: ids hold only Latin letters, digits and dashes (^my-id).`);
  const note = ctx.index.note(path)!;
  const clash = note.blockIds.find((b, i) => i !== index && b.id.toLowerCase() === id.toLowerCase());
  if (clash) refuse(`${path} already has the block id ^${clash.id} (line ${clash.range.start.line + 1}).`);
  return id;
}

// ---------------------------------------------------------------------------------------------------------------
// Planning

interface Request {
  /** Files: old vault path → new vault path. */
  moves: Map<string, string>;
  heading?: { path: string; index: number; text: string };
  block?: { path: string; index: number; id: string };
  /** A note renamed from its frontmatter title: the title takes the new name too. */
  sync?: { path: string; name: string };
  /** Whether the edit moves the files itself (`textDocument/rename`), or the editor does (`willRenameFiles`). */
  renameOperation: boolean;
}

/** What a link must resolve to after the rename: nothing, or this file and, by their index, this heading or block. */
interface Expected {
  status: 'unresolved' | 'resolved' | 'missing-heading' | 'missing-block';
  target?: string;
  heading?: number;
  block?: number;
}

/** Links planned (or checked) between two steps of a rename. */
const RENAME_STEP_LINKS = 2000;

function* plan(ctx: FeatureContext, req: Request, options: RenameOptions): Generator<void, RenameResult> {
  const index = ctx.index;
  checkMoves(ctx, req.moves, options);
  // What the plan reads, to tell at its end whether the index changed under it (see renameAtSteps).
  const files = index.files;
  const filesVersion = files.version;
  const modelsRead = new Map<string, NoteModel | undefined>();
  const read = (p: string): NoteModel | undefined => {
    const m = index.note(p);
    if (!modelsRead.has(p)) modelsRead.set(p, m);
    return m;
  };
  let linksSinceStep = 0;
  const movedTo = (p: string): string => req.moves.get(p) ?? p;
  const after = req.moves.size > 0 ? new MovedFileLookup(index.files, req.moves) : index.files;
  const cameFrom = new Map<string, string>();
  for (const [from, to] of req.moves) cameFrom.set(to, from);

  // The vault after the rename, before any link is rewritten: moved models, the renamed heading or block.
  const planned = new Map<string, NoteModel | undefined>();
  const plannedNote = (p: string): NoteModel | undefined => {
    if (planned.has(p)) return planned.get(p);
    const old = cameFrom.get(p) ?? (req.moves.has(p) ? undefined : p);
    let model = old === undefined ? undefined : read(old);
    if (model) {
      if (req.heading && req.heading.path === old) {
        const { index: hi, text } = req.heading;
        model = { ...model, headings: model.headings.map((h, i) => (i === hi ? { ...h, text } : h)) };
      }
      if (req.block && req.block.path === old) {
        const { index: bi, id } = req.block;
        model = { ...model, blockIds: model.blockIds.map((b, i) => (i === bi ? { ...b, id } : b)) };
      }
      if (p !== model.path) model = { ...model, path: p };
    }
    planned.set(p, model);
    return model;
  };
  const plannedView: VaultView = { files: after, note: plannedNote };

  // A broken link may start to resolve only to what was renamed, having asked for exactly its new name: a
  // missing file to a moved file, a missing heading or block of a note to the renamed heading or block.
  const movedFiles = new Set(req.moves.values());
  const isCapture = (t: LinkTarget, want: Expected, note: (p: string) => NoteModel | undefined): boolean => {
    if (t.target === undefined) return false;
    // A link naming the new file name, with whatever heading or block it asks for.
    if (want.status === 'unresolved') return movedFiles.has(t.target);
    if (t.status !== 'resolved') return false;
    if (t.target !== want.target) return false;
    const n = note(t.target);
    if (!n) return false;
    if (want.status === 'missing-heading') return req.heading !== undefined && movedTo(req.heading.path) === t.target && t.heading !== undefined && n.headings.indexOf(t.heading) === req.heading.index;
    if (want.status === 'missing-block') return req.block !== undefined && movedTo(req.block.path) === t.target && t.block !== undefined && n.blockIds.indexOf(t.block) === req.block.index;
    return false;
  };

  // The notes whose links can change (old paths).
  const sources = new Set<string>();
  for (const [from, to] of req.moves) {
    for (const s of index.backlinksOf(from)) sources.add(s);
    if (index.note(from)) sources.add(from);
    for (const s of index.notesLinkingName(basename(to))) sources.add(s);
  }
  for (const r of [req.heading, req.block]) {
    if (!r) continue;
    sources.add(r.path);
    for (const s of index.backlinksOf(r.path)) sources.add(s);
  }

  const edits = new Map<string, TextEdit[]>();
  const addEdits = (p: string, list: readonly TextEdit[]): void => {
    if (list.length === 0) return;
    let l = edits.get(p);
    if (!l) edits.set(p, (l = []));
    l.push(...list);
  };
  const expectations = new Map<string, Array<Expected | undefined>>();
  /** Per note, the links that get edits (by index), for the check of each rewritten link. */
  const rewritten = new Map<string, Map<number, TextEdit[]>>();
  const rewrite = (source: string, i: number, list: TextEdit[]): void => {
    if (list.length === 0) return;
    addEdits(source, list);
    let m = rewritten.get(source);
    if (!m) rewritten.set(source, (m = new Map()));
    m.set(i, list);
  };

  for (const source of sources) {
    throwIfCancelled(ctx.cancellation);
    const note = read(source);
    if (!note) continue;
    if (linksSinceStep >= RENAME_STEP_LINKS) {
      yield;
      linksSinceStep = 0;
      throwIfCancelled(ctx.cancellation);
      // A note re-indexed during the pause: its links are not the ones read so far.
      if (index.note(source) !== note) stillTheSame();
    }
    linksSinceStep += note.links.length;
    const from = movedTo(source);
    const targets = index.linkTargets(source);
    const expected: Array<Expected | undefined> = new Array(note.links.length);
    expectations.set(source, expected);
    for (let i = 0; i < note.links.length; i++) {
      const link = note.links[i];
      const before = targets[i] ?? resolveLink(link, source, index);
      if (before.status === 'external' || before.status === 'empty' || link.placeholder) continue;
      const want = expectationOf(before, index, movedTo);
      expected[i] = want;
      const candidates = subpathCandidates(link, before, req, index);
      let done = false;
      for (const subpath of candidates) {
        if (subpath === undefined) {
          const now = resolveLink(link, from, plannedView);
          if (meets(now, want, plannedNote) || isCapture(now, want, plannedNote)) {
            done = true;
            break;
          }
          continue;
        }
        if (!headingSubpathMeets(link, subpath, want, plannedNote)) continue;
        rewrite(source, i, rewriteLink(after, source, link, linkChange(before, from, source, movedTo, subpath)));
        done = true;
        break;
      }
      if (done) continue;
      if (want.status === 'unresolved') {
        refuse(`The rename would make the broken link ${linkText(ctx, source, link)} in ${source} point at an existing file: nothing was changed.`);
      }
      if (candidates.length > 0 && candidates.every((c) => c !== undefined)) {
        refuse(`No link text keeps ${linkText(ctx, source, link)} in ${source} pointing at the same heading after the rename: nothing was changed.`);
      }
      rewrite(source, i, rewriteLink(after, source, link, linkChange(before, from, source, movedTo, undefined)));
    }
  }

  // The renamed things themselves.
  if (req.heading) {
    const h = index.note(req.heading.path)!.headings[req.heading.index];
    addEdits(req.heading.path, [{ range: h.textRange, newText: req.heading.text }]);
  }
  if (req.block) {
    const b = index.note(req.block.path)!.blockIds[req.block.index];
    addEdits(req.block.path, [{ range: { start: { line: b.range.start.line, character: b.range.start.character + 1 }, end: b.range.end }, newText: req.block.id }]);
  }
  if (req.sync) {
    const t = titleValue(ctx, index.note(req.sync.path)!)!;
    const newText = t.quote === '"' ? JSON.stringify(req.sync.name).slice(1, -1) : t.quote === "'" ? req.sync.name.replace(/'/g, "''") : yamlScalar(req.sync.name);
    if (newText !== textOf(ctx, req.sync.path, t.range)) addEdits(req.sync.path, [{ range: t.range, newText }]);
  }

  const texts = yield* verify(ctx, req, edits, rewritten, expectations, { files: after, plannedNote, movedTo, isCapture, modelRead: (path) => (modelsRead.has(path) ? modelsRead.get(path) : read(path)) });

  // After the last step: the notes, texts and files the plan read are those of now, or nothing is proposed.
  if (index.files !== files || files.version !== filesVersion) stillTheSame();
  for (const [p, m] of modelsRead) if (index.note(p) !== m) stillTheSame();
  for (const [p, text] of texts) if (ctx.getText(p) !== text) stillTheSame();
  const builder = new WorkspaceEditBuilder();
  for (const [p, list] of edits) {
    if (texts.get(p) === undefined) continue;
    builder.addEdits(options.targetOf(p), list);
  }
  if (req.renameOperation) for (const [from, to] of req.moves) builder.renameFile(options.uriOf(from), options.uriOf(to));
  return { edit: builder.build() };
}

function checkMoves(ctx: FeatureContext, moves: ReadonlyMap<string, string>, options: RenameOptions): void {
  const targets = new Set<string>();
  for (const [from, to] of moves) {
    if (!ctx.index.files.has(from)) refuse(`${from} is not a file of the vault.`);
    if (isNotePath(from) !== isNotePath(to)) refuse(`Renaming ${from} to ${to} would turn ${isNotePath(from) ? 'a note into another kind of file' : 'a file into a note'}: links to it could not be kept.`);
    if (options.isMember && !options.isMember(to)) refuse(`${to} would be left out of the vault (a hidden or ignored path): links to it could not be kept.`);
    const key = lookupKey(to);
    if (targets.has(key)) refuse(`Two files would be moved to ${to}.`);
    targets.add(key);
    const taken = ctx.index.files.withPath(to).filter((p) => !moves.has(p));
    if (taken.length > 0) refuse(taken[0] === to ? `${to} already exists.` : `${taken[0]} already exists (the names differ only in case, which links do not tell apart).`);
  }
}

function expectationOf(before: LinkTarget, index: VaultView, movedTo: (p: string) => string): Expected {
  if (before.target === undefined) return { status: 'unresolved' };
  const note = index.note(before.target);
  const want: Expected = { status: before.status as Expected['status'], target: movedTo(before.target) };
  if (before.heading && note) want.heading = headingIndexOf(note, before.heading);
  if (before.block && note) want.block = blockIndexOf(note, before.block);
  return want;
}

function meets(t: LinkTarget, want: Expected, note: (p: string) => NoteModel | undefined): boolean {
  if (want.status === 'unresolved') return t.status === 'unresolved' || t.status === 'outside-vault';
  if (t.target === undefined || t.target !== want.target || t.status !== want.status) return false;
  const n = note(t.target);
  const heading = t.heading && n ? n.headings.indexOf(t.heading) : undefined;
  const block = t.block && n ? n.blockIds.indexOf(t.block) : undefined;
  return heading === want.heading && block === want.block;
}

/**
 * The subpaths to try for a link into a note whose heading or block is renamed, in order (`undefined`: the link
 * as written). A link through the renamed heading gets that segment replaced (as a GitHub slug when it was one);
 * if that names another heading, every segment is written out from its heading. Other links keep their
 * subpath, or get it written out when the renamed heading would now capture them.
 */
function subpathCandidates(link: Link, before: LinkTarget, req: Request, index: VaultView): Array<string | undefined> {
  if (link.subpath === undefined || before.target === undefined) return [undefined];
  if (req.block && before.target === req.block.path && before.block) {
    const note = index.note(before.target)!;
    if (blockIndexOf(note, before.block) !== req.block.index) return [undefined];
    const caret = link.subpath.indexOf('^');
    return [`${link.subpath.slice(0, caret + 1)}${req.block.id}`];
  }
  if (!req.heading || before.target !== req.heading.path || !before.heading) return [undefined];
  const note = index.note(before.target)!;
  const chain = chainOf(link, note.headings);
  if (!chain) return [undefined];
  const renamedIndex = req.heading.index;
  const newText = req.heading.text;
  const textOf = (h: Heading): string => (headingIndexOf(note, h) === renamedIndex ? newText : h.text);
  const canonical = replaceSegments(link.subpath, chain, (h) => headingLinkText(textOf(h)));
  const through = chain.some((h) => headingIndexOf(note, h) === renamedIndex);
  if (!through) return [undefined, canonical];
  // A markdown fragment written as the heading's GitHub slug (`#getting-started`) stays a slug.
  const written = link.subpath.trim();
  const slug = link.syntax !== 'wiki' && chain.length === 1 && written === githubSlug(chain[0].text) && written !== chain[0].text;
  const replaced = replaceSegments(link.subpath, chain, (h) => (headingIndexOf(note, h) === renamedIndex ? (slug ? githubSlug(newText) : headingLinkText(newText)) : undefined));
  return replaced === canonical ? [canonical] : [replaced, canonical];
}

/** Whether `subpath` on this link names the expected heading in the planned vault (block subpaths: yes). */
function headingSubpathMeets(link: Link, subpath: string, want: Expected, note: (p: string) => NoteModel | undefined): boolean {
  if (parseSubpath(subpath).kind !== 'heading' || want.target === undefined) return true;
  const n = note(want.target);
  if (!n) return false;
  const match = link.syntax === 'wiki' ? matchHeadingChain(subpath, n.headings) : matchMarkdownFragment(subpath, n.headings);
  const slug = link.syntax !== 'wiki' ? findHeadingByGithubSlug(subpath, n.headings) : undefined;
  const h = match.heading ?? slug;
  return h !== undefined && n.headings.indexOf(h) === want.heading;
}

function linkChange(before: LinkTarget, from: string, source: string, movedTo: (p: string) => string, newSubpath: string | undefined): { oldTarget: string; newTarget?: string; newFrom?: string; newSubpath?: string } {
  const oldTarget = before.target!;
  return {
    oldTarget,
    newTarget: movedTo(oldTarget),
    ...(from !== source ? { newFrom: from } : {}),
    ...(newSubpath !== undefined ? { newSubpath } : {}),
  };
}

/** The headings each non-empty segment of a link's subpath named (the last is the link's heading). */
function chainOf(link: Link, headings: readonly Heading[]): Heading[] | undefined {
  if (link.subpath === undefined) return undefined;
  return (link.syntax === 'wiki' ? matchHeadingChain(link.subpath, headings, true) : matchMarkdownFragment(link.subpath, headings, true)).chain;
}

/** The subpath with each non-empty segment whose heading `replace` answers for replaced (empty segments kept). */
function replaceSegments(subpath: string, chain: readonly Heading[], replace: (h: Heading) => string | undefined): string {
  let k = 0;
  return subpath
    .split('#')
    .map((part) => {
      if (part.trim() === '') return part;
      const h = chain[k++];
      const r = h && replace(h);
      return r === undefined ? part : r;
    })
    .join('#');
}

/** A heading's index in its note; a stored resolution may hold an equal heading of an older model of the note. */
function headingIndexOf(note: NoteModel, h: Heading): number {
  const i = note.headings.indexOf(h);
  return i >= 0 ? i : note.headings.findIndex((x) => x.line === h.line && x.text === h.text);
}

function blockIndexOf(note: NoteModel, b: BlockId): number {
  const i = note.blockIds.indexOf(b);
  return i >= 0 ? i : note.blockIds.findIndex((x) => x.range.start.line === b.range.start.line && x.id === b.id);
}

// ---------------------------------------------------------------------------------------------------------------
// Verification: the edited notes re-parsed, every affected link resolved once more.

interface Planned {
  files: FileLookup;
  plannedNote: (p: string) => NoteModel | undefined;
  movedTo: (p: string) => string;
  isCapture: (t: LinkTarget, want: Expected, note: (p: string) => NoteModel | undefined) => boolean;
  /** The index's model of a note as the plan read it; a different one now means the note changed between steps. */
  modelRead: (p: string) => NoteModel | undefined;
}

/**
 * Checks the planned edits; returns each edited note's current text (the edits were computed from it). A note
 * whose own headings, block ids or title change is re-parsed whole with its edits; in any other note each
 * rewritten link is read back on its own (`parseLinkSource`), so the check costs the links rewritten, not the size
 * of the notes holding them. Then every affected link is resolved in the vault after the rename.
 */
function* verify(
  ctx: FeatureContext,
  req: Request,
  edits: Map<string, TextEdit[]>,
  rewritten: Map<string, Map<number, TextEdit[]>>,
  expectations: Map<string, Array<Expected | undefined>>,
  p: Planned,
): Generator<void, Map<string, string>> {
  const texts = new Map<string, string>();
  const reparsed = new Map<string, NoteModel>();
  /** Per note read link by link: the rewritten links as they read back. */
  const relinked = new Map<string, Map<number, Link>>();
  const subjects = new Set([req.heading?.path, req.block?.path, req.sync?.path].filter((x): x is string => x !== undefined));
  for (const [source, list] of edits) {
    const text = ctx.getText(source);
    if (text === undefined) refuse(`${source} cannot be read: nothing was changed.`);
    texts.set(source, text);
    const model = ctx.index.note(source)!;
    if (model !== p.modelRead(source)) stillTheSame();
    const stale = (): never => refuse(`${source} changed since it was indexed: try again in a moment. Nothing was changed.`);
    const links = subjects.has(source) ? undefined : readBackLinks(text, model, rewritten.get(source) ?? new Map(), stale);
    if (links) {
      relinked.set(source, links);
      continue;
    }
    // The edits were computed from the index's model: the text they apply to must still be the one it was
    // parsed from (a file changed on disk and not yet re-read would get edits at shifted places).
    yield;
    if (!sameLinks(model, yield* parseNoteSteps(source, text))) stale();
    const now = yield* parseNoteSteps(p.movedTo(source), applyTextEdits(text, list));
    if (now.links.length !== model.links.length) refuse(`The rewritten links of ${source} do not read back as the same links: nothing was changed.`);
    reparsed.set(p.movedTo(source), now);
  }
  const note = (path: string): NoteModel | undefined => reparsed.get(path) ?? p.plannedNote(path);
  const view: VaultView = { files: p.files, note };
  let linksSinceStep = 0;
  for (const [source, expected] of expectations) {
    throwIfCancelled(ctx.cancellation);
    if (linksSinceStep >= RENAME_STEP_LINKS) {
      yield;
      linksSinceStep = 0;
      throwIfCancelled(ctx.cancellation);
    }
    linksSinceStep += expected.length;
    const before = ctx.index.note(source)!;
    if (before !== p.modelRead(source)) stillTheSame();
    const from = p.movedTo(source);
    const whole = reparsed.get(from);
    const some = relinked.get(source);
    for (let i = 0; i < expected.length; i++) {
      const want = expected[i];
      if (!want) continue;
      const link = whole ? whole.links[i] : (some?.get(i) ?? before.links[i]);
      const t = resolveLink(link, from, view);
      if (meets(t, want, note) || p.isCapture(t, want, note)) continue;
      refuse(`After the rename, ${linkText(ctx, source, before.links[i])} in ${source} would no longer point at ${describe(want, ctx.index, req)}: nothing was changed.`);
    }
  }
  if (req.heading) {
    const n = note(p.movedTo(req.heading.path));
    if (n?.headings[req.heading.index]?.text !== req.heading.text) refuse(`The heading would not read back as '${req.heading.text}': nothing was changed.`);
  }
  if (req.block) {
    const n = note(p.movedTo(req.block.path));
    if (n?.blockIds[req.block.index]?.id !== req.block.id) refuse(`The block id would not read back as ^${req.block.id}: nothing was changed.`);
  }
  if (req.sync && note(p.movedTo(req.sync.path))?.title !== req.sync.name) refuse(`The title would not read back as '${req.sync.name}': nothing was changed.`);
  return texts;
}

/**
 * Each rewritten link of a note, read back on its own from its text with its edits applied; undefined when one
 * cannot be read that way (a reference definition, a link over several lines), and the note is then re-parsed
 * whole, as it is when the text under a link does not read as the link the model has (the whole-note check then
 * tells a stale model from a link that reads differently alone). A note whose line count changed is `stale`.
 */
function readBackLinks(text: string, model: NoteModel, rewritten: Map<number, TextEdit[]>, stale: () => never): Map<number, Link> | undefined {
  const lines = splitLines(text);
  if (lines.length !== model.lineCount) stale();
  const out = new Map<number, Link>();
  for (const [i, list] of rewritten) {
    const link = model.links[i];
    const r = linkRange(link);
    if (link.syntax === 'definition' || r.start.line !== r.end.line || list.some((e) => e.range.start.line !== r.start.line || e.range.end.line !== r.start.line)) return undefined;
    const line = lines[r.start.line];
    const written = parseLinkSource(line.slice(r.start.character, r.end.character));
    // Read alone, a link may read differently than in its note: then the note is checked whole.
    if (!written || written.path !== link.path || written.subpath !== link.subpath || written.display !== link.display || written.embed !== link.embed) return undefined;
    const shifted = list.map((e) => ({ newText: e.newText, range: { start: { line: 0, character: e.range.start.character - r.start.character }, end: { line: 0, character: e.range.end.character - r.start.character } } }));
    const read = parseLinkSource(applyTextEdits(line.slice(r.start.character, r.end.character), shifted));
    if (!read) return undefined;
    out.set(i, read);
  }
  return out;
}

/** Whether two models of a note have their links, headings and block ids at the same places. */
function sameLinks(a: NoteModel, b: NoteModel): boolean {
  const same = (x: Range, y: Range): boolean => comparePositions(x.start, y.start) === 0 && comparePositions(x.end, y.end) === 0;
  if (a.links.length !== b.links.length || a.lineCount !== b.lineCount || a.headings.length !== b.headings.length || a.blockIds.length !== b.blockIds.length) return false;
  if (a.headings.some((h, i) => h.text !== b.headings[i].text || !same(h.textRange, b.headings[i].textRange))) return false;
  if (a.blockIds.some((x, i) => x.id !== b.blockIds[i].id || !same(x.range, b.blockIds[i].range))) return false;
  return a.links.every((l, i) => {
    const m = b.links[i];
    return l.path === m.path && l.subpath === m.subpath && l.display === m.display && comparePositions(linkRange(l).start, linkRange(m).start) === 0 && comparePositions(linkRange(l).end, linkRange(m).end) === 0;
  });
}

function describe(want: Expected, index: VaultView, req: Request): string {
  if (want.status === 'unresolved') return 'nothing (it is broken now)';
  const old = [...req.moves].find(([, to]) => to === want.target)?.[0] ?? want.target!;
  const n = index.note(old);
  if (want.heading !== undefined && n) return `the heading '${n.headings[want.heading].text}' of ${want.target}`;
  if (want.block !== undefined && n) return `the block ^${n.blockIds[want.block].id} of ${want.target}`;
  return want.target!;
}

/** The link as written, for messages. */
function linkText(ctx: FeatureContext, path: string, link: Link): string {
  const text = textOf(ctx, path, linkRange(link));
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function textOf(ctx: FeatureContext, path: string, r: Range): string {
  const lines = splitLines(ctx.getText(path) ?? '');
  if (r.start.line === r.end.line) return (lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
  return [(lines[r.start.line] ?? '').slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), (lines[r.end.line] ?? '').slice(0, r.end.character)].join('\n');
}

/** Applies non-overlapping text edits to a text (any line endings), as an editor does. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  const offset = (p: Position): number => {
    const line = starts[p.line];
    if (line === undefined) return text.length;
    const next = p.line + 1 < starts.length ? starts[p.line + 1] : text.length + 1;
    return Math.min(line + p.character, next - 1, text.length);
  };
  const sorted = edits.slice().sort((a, b) => comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end));
  let out = '';
  let at = 0;
  for (const e of sorted) {
    const s = offset(e.range.start);
    if (s < at) throw new EditConflictError('overlapping edits');
    out += text.slice(at, s) + e.newText;
    at = offset(e.range.end);
  }
  return out + text.slice(at);
}
