/**
 * The link writer: the inverse of the parser (R2, R3.6, R6). Every link text the product writes — completion,
 * quick fixes, commands, rename, the client — is built here, so that what is written is what the parser reads
 * back and what `resolveLink` resolves to the intended file, heading or block.
 *
 * - Wiki-links: `[[path#subpath|display]]`; inside a table row the alias separator is `\|` (R2.4) and a `|` in the
 *   display text is written `\|`. A wiki linkpath cannot hold `#`, `|`, `^`, `[[`, `]]` (R2.6): such a target is
 *   written as a markdown link by {@link writeLink}, and refused with a {@link LinkWriteError} where the form
 *   must be kept ({@link rewriteLink}, {@link writeLinkPath}).
 * - Markdown links: `[display](path.md#subpath)` with the destination percent-encoded as Obsidian writes it
 *   (R6.2, {@link encodeMarkdownPath}), or raw inside `<…>`; `[`, `]` (and `|` in tables) escaped in the text.
 * - Path forms (Obsidian's "New link format"): `shortest` (the bare name when it names only this file, else the
 *   shortest unambiguous trailing path), `relative` (from the source note's folder; `./` added only when the
 *   plain form would resolve elsewhere, R3.5/R3.6), `absolute` (the full vault path). Every written path is
 *   checked with the resolver itself; when a form cannot name the file it falls back to a form that does.
 */
import { TextEdit } from 'vscode-languageserver-types';
import type { Link, Position, Range } from '../model';
import { linkPathRange, linkSubpathRange } from '../model';
import { percentDecode } from '../syntax/destinations';
import { FileLookup } from './fileLookup';
import { basename, dirname, extname, isNotePath, lookupKey, NOTE_EXTENSION, normalizeVaultPath, stem } from './paths';
import { dependsOnSourceFolder, parseSubpath, resolveLinkpath } from './resolve';

export type LinkStyle = 'wiki' | 'markdown';
export type LinkPathForm = 'shortest' | 'relative' | 'absolute';

export interface LinkFormat {
  style: LinkStyle;
  pathForm: LinkPathForm;
}

/** Obsidian's defaults: wiki-links, shortest path when possible. */
export const DEFAULT_LINK_FORMAT: LinkFormat = { style: 'wiki', pathForm: 'shortest' };

export interface LinkRequest {
  /** Vault-relative path of the note the link is written in. */
  from: string;
  /** Vault-relative path of the target file; equal to `from` (or `''`) = this note (`[[#H]]`, `[x](#H)`). */
  target: string;
  /** Without the leading `#`: `Heading`, `A#B` (a heading chain), `^blockid`. */
  subpath?: string;
  /** Alias (wiki) or bracketed text (markdown), as the reader should see it. */
  display?: string;
  embed?: boolean;
  /** The link is written inside a table row: the wiki alias separator is `\|`, a `|` in text is escaped. */
  inTable?: boolean;
}

/** A link that cannot be written in the form asked for; the message says why. */
export class LinkWriteError extends Error {}

/** How an existing link is written (see {@link linkFormOf}). */
export interface WrittenForm {
  style: LinkStyle;
  /** `shortest` covers bare names and partial trailing paths. */
  pathForm: LinkPathForm;
  /** The link names its own note (`[[#H]]`, `[x](#H)`). */
  self: boolean;
  /** The written path ends with the target's extension (always true for attachments). */
  keepExtension: boolean;
  /** Relative paths: written with a leading `./`. */
  dotSlash: boolean;
  /** Absolute paths: written with a leading `/`. */
  leadingSlash: boolean;
  /** Markdown destinations: `raw` inside `<…>`, `minimal` (Obsidian's, {@link encodeMarkdownPath}) or `uri` (every non-ASCII byte and reserved character %-encoded, {@link encodeUriPath}). */
  encoding: 'minimal' | 'uri' | 'angle';
  embed: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Paths

/**
 * How a link to `path` is written with Obsidian's "shortest path when possible" (R3.6): the bare name when it
 * names only this file in the vault, else the shortest trailing part of the path that does, else the full vault
 * path. Notes drop `.md` (R3.2) unless `keepExtension`; other files keep their extension.
 */
export function shortestLinkPath(files: FileLookup, path: string, keepExtension = false): string {
  const note = isNotePath(path);
  const ext = note ? path.slice(path.length - NOTE_EXTENSION.length - 1) : '';
  // Most files have a name no other file shares: the bare name is the answer. (A dotted note name is left to
  // the full check: `[[My.Note]]` is first tried as a file named `My.Note`, R3.2.)
  const name = basename(path);
  const bare = note && !keepExtension ? name.slice(0, name.length - ext.length) : name;
  if (bare !== '' && (!note || keepExtension || !bare.includes('.')) && files.withName(name).length === 1) return bare;
  const segments = path.split('/');
  for (let k = 1; k <= segments.length; k++) {
    const suffix = segments.slice(segments.length - k).join('/');
    const text = note && !keepExtension ? suffix.slice(0, suffix.length - ext.length) : suffix;
    if (text === '') continue;
    const r = resolveLinkpath(text, '', files);
    if (r.target === path && r.candidates.length === 1) return text;
  }
  // Every suffix names several files: the full path still wins as an exact vault path (R3.6 step 1). For odd
  // names (`x.png.md` beside `x.png`) only the full path with its extension names the note.
  const full = note && !keepExtension ? path.slice(0, path.length - ext.length) : path;
  return resolveLinkpath(full, '', files).target === path ? full : path;
}

/**
 * Percent-encodes a path or fragment for a markdown-link destination (R6.2): whitespace, `%`, `<`, `>`, `#`
 * (which would start a fragment), `|` (which would split a table row) and `\\` (which would escape what follows), and
 * parentheses only when unbalanced;
 * everything else is kept as Obsidian writes it.
 */
export function encodeMarkdownPath(text: string): string {
  return text.replace(balancedParentheses(text) ? /[\s%<>#|\\]/g : /[\s%<>#|\\()]/g, (c) => (c === '(' ? '%28' : c === ')' ? '%29' : encodeURIComponent(c)));
}

/** The encoding of a URL writer (GitHub, VS Code): every segment through `encodeURIComponent`, unbalanced parentheses too. */
export function encodeUriPath(text: string): string {
  const out = text.split('/').map(encodeURIComponent).join('/');
  // `encodeURIComponent` keeps `( ) ! ' * ~`; parentheses are the only ones a destination cares about.
  return balancedParentheses(text) ? out : out.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
}

/** Inside `<…>` (R6.2) the text is literal but still percent-decoded and split at `#`: only those are escaped. */
function encodeAngled(text: string): string {
  return text.replace(/%(?=[0-9A-Fa-f]{2})|[#<>\n\r\\]/g, (c) => encodeURIComponent(c));
}

function balancedParentheses(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** `to` relative to the folder of `from`: `Note.md`, `sub/Note.md`, `../x/Note.md`. */
export function relativeVaultPath(from: string, to: string): string {
  const base = dirname(normalizeVaultPath(from));
  const a = base === '' ? [] : base.split('/');
  const b = normalizeVaultPath(to).split('/');
  let common = 0;
  // Folder names compare as the file system sees them: exactly (the lookup folds case only for link text).
  while (common < a.length && common < b.length - 1 && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

/**
 * Why `text` cannot be a wiki linkpath (R2.3, R2.6), or undefined when it can: `#` starts the subpath, `|` the
 * display text, `^` is refused by Obsidian, `[[`/`]]` and line breaks end the link, `%%` opens a comment, a
 * trailing `]` or leading `[` merges with the brackets, surrounding spaces are trimmed by the reader.
 */
export function wikiPathProblem(text: string): string | undefined {
  const bad = /[#|^\n\r]|\[\[|\]\]|%%/.exec(text);
  if (bad) return `a wiki-link path cannot contain '${bad[0].replace(/\n|\r/, 'a line break')}'`;
  if (text.endsWith(']') || text.startsWith('[')) return `a wiki-link path cannot start with '[' or end with ']'`;
  if (text.trim() !== text) return 'a link path cannot start or end with a space';
  return undefined;
}

/** Why `text` cannot be a wiki subpath, or undefined when it can. */
function wikiSubpathProblem(subpath: string, inTable: boolean): string | undefined {
  const bad = /[|\n\r]|\]\]|\[\[|%%/.exec(subpath);
  if (bad) return `a wiki-link heading or block cannot contain '${bad[0].replace(/\n|\r/, 'a line break')}'`;
  if (subpath.endsWith(']')) return `a wiki-link heading cannot end with ']'`;
  if (subpath.endsWith('\\') && !inTable) return `a wiki-link heading cannot end with '\\'`;
  return undefined;
}

/** Why `display` cannot be wiki alias text, or undefined when it can. */
function wikiDisplayProblem(display: string): string | undefined {
  // `%%` opens a comment (R1.6) even inside the brackets.
  const bad = /[\n\r]|\]\]|\[\[|%%/.exec(display);
  if (bad) return `wiki-link text cannot contain '${bad[0].replace(/\n|\r/, 'a line break')}'`;
  if (display.endsWith(']')) return `wiki-link text cannot end with ']'`;
  return undefined;
}

/**
 * Runs `fn` with `target` in `files`: a link to a note that does not exist yet (a note about to be created) is
 * written as if it did. The lookup is restored before returning; nothing runs in between (synchronous).
 */
function withFile<T>(files: FileLookup, target: string, fn: () => T): T {
  if (files.has(target)) return fn();
  files.add(target);
  try {
    return fn();
  } finally {
    files.remove(target);
  }
}

function isSelf(from: string, target: string): boolean {
  return target === '' || normalizeVaultPath(target) === normalizeVaultPath(from);
}

/** The link text resolves, from `from`, to `target` (the written form must name exactly that file). */
function names(files: FileLookup, from: string, text: string, target: string): boolean {
  return resolveLinkpath(text, from, files).target === target;
}

interface PathOptions {
  keepExtension?: boolean;
  /** Relative form: always write `./` for the note's own folder. */
  dotSlash?: boolean;
  /** Absolute form: write a leading `/`. */
  leadingSlash?: boolean;
}

/** The linkpath (decoded) naming `target` from `from` in `form`; always one the resolver maps to `target`. */
function plainLinkPath(files: FileLookup, from: string, target: string, form: LinkPathForm, opts: PathOptions): string {
  const note = isNotePath(target);
  const keep = opts.keepExtension ?? !note;
  const drop = (p: string): string => (note && !keep ? p.slice(0, p.length - NOTE_EXTENSION.length - 1) : p);
  const tries: string[] = [];
  if (form === 'shortest') {
    tries.push(shortestPathOf(files, target, keep));
  } else if (form === 'absolute') {
    if (!opts.leadingSlash) tries.push(drop(target), target);
    tries.push(`/${drop(target)}`, `/${target}`);
  } else {
    const rel = relativeVaultPath(from, target);
    const up = rel.startsWith('../');
    if (!opts.dotSlash || up) tries.push(drop(rel), rel);
    if (!up) tries.push(`./${drop(rel)}`, `./${rel}`);
  }
  for (const t of tries) if (names(files, from, t, target)) return t;
  // Only names that differ just in case on a case-sensitive file system get here: the exact path is the best left.
  return `/${target}`;
}

/**
 * Just the linkpath of a link from `from` to `target`, as it appears in the source: percent-encoded for markdown
 * (or raw for `<…>` with `angle`), `''` for the note itself unless `name` asks for its name (a link with no
 * subpath). Notes keep `.md` in markdown links and drop it in wiki-links unless `keepExtension` says otherwise. A
 * target not in `files` (a note about to be created) is written as if it were there. Throws
 * {@link LinkWriteError} when a wiki-link cannot name the target.
 */
export function writeLinkPath(files: FileLookup, from: string, target: string, format: LinkFormat, opts: { keepExtension?: boolean; angle?: boolean; name?: boolean } = {}): string {
  return isSelf(from, target) && !opts.name ? '' : linkPathText(files, from, isSelf(from, target) ? from : target, format, opts);
}

/** Most link paths kept per file set before the memo starts over. */
const LINK_PATH_MEMO_LIMIT = 20000;
const linkPathMemo = new WeakMap<FileLookup, { version: number; paths: Map<string, string> }>();

/**
 * What `compute` works out from `files` alone, under `key`, kept until a file is added or removed: writing a
 * link path resolves the name and its suffixes against the vault, and completion writes the same hundred targets
 * at every keystroke. A derived set ({@link MovedFileLookup}: its answers follow another set's) is not kept.
 */
function memoized(files: FileLookup, key: string, compute: () => string): string {
  const memo = memoOf(files);
  if (!memo) return compute();
  let text = memo.paths.get(key);
  if (text === undefined) {
    text = compute();
    remember(files, memo, key, text);
  }
  return text;
}

/** The memo of `files` as the set is now, or undefined for a derived set. */
function memoOf(files: FileLookup): { version: number; paths: Map<string, string> } | undefined {
  if (Object.getPrototypeOf(files) !== FileLookup.prototype) return undefined;
  let memo = linkPathMemo.get(files);
  if (!memo || memo.version !== files.version) {
    memo = { version: files.version, paths: new Map() };
    linkPathMemo.set(files, memo);
  }
  return memo;
}

function remember(files: FileLookup, memo: { version: number; paths: Map<string, string> }, key: string, text: string): void {
  // What was worked out may have added a file for the while (withFile): it holds for the set as it is again.
  if (memo.version !== files.version) return;
  if (memo.paths.size >= LINK_PATH_MEMO_LIMIT) memo.paths.clear();
  memo.paths.set(key, text);
}

/** {@link plainLinkPath} through {@link memoized}, for a target in the set. */
function memoLinkPath(files: FileLookup, from: string, to: string, form: LinkPathForm, keepExtension: boolean): string {
  const compute = (): string => plainLinkPath(files, from, to, form, { keepExtension });
  if (!files.has(to)) return withFile(files, to, compute);
  // The source note only counts by its folder (relative paths, the same-folder tie-break): every note of a folder
  // shares its answers. The paths tried are never blank, so the source itself never is the answer.
  const inFolder = `${form}\n${keepExtension ? 1 : 0}\n${dirname(normalizeVaultPath(from))}\n${to}`;
  const memo = memoOf(files);
  if (form !== 'shortest' || !memo) return memoized(files, inFolder, compute);
  // The shortest form, when it is the vault-wide shortest path and resolves to the target without looking at the
  // source's folder, is the answer from every folder: kept once.
  const anywhere = `anywhere\n${keepExtension ? 1 : 0}\n${to}`;
  const known = memo.paths.get(anywhere);
  if (known !== undefined) return known;
  return memoized(files, inFolder, () => {
    const text = compute();
    const r = resolveLinkpath(text, from, files);
    if (text === shortestPathOf(files, to, keepExtension) && r.target === to && !dependsOnSourceFolder(text, r)) remember(files, memo, anywhere, text);
    return text;
  });
}

/** {@link shortestLinkPath}, the same from every note (it resolves from the vault root): kept once for all of them. */
function shortestPathOf(files: FileLookup, target: string, keepExtension: boolean): string {
  return memoized(files, `shortest\n${keepExtension ? 1 : 0}\n${target}`, () => shortestLinkPath(files, target, keepExtension));
}

/** {@link writeLinkPath} without the self case: a link to the note itself by its name. */
function linkPathText(files: FileLookup, from: string, target: string, format: LinkFormat, opts: { keepExtension?: boolean; angle?: boolean }): string {
  const to = normalizeVaultPath(target);
  const keepExtension = opts.keepExtension ?? (format.style === 'markdown' || !isNotePath(to));
  const text = memoLinkPath(files, from, to, format.pathForm, keepExtension);
  if (format.style === 'wiki') {
    const problem = wikiPathProblem(text);
    if (problem) throw new LinkWriteError(`cannot link '${to}' with a wiki-link: ${problem}`);
    return text;
  }
  if (text.trim() !== text) throw new LinkWriteError(`cannot link '${to}': ${'a link path cannot start or end with a space'}`);
  return opts.angle ? encodeAngled(text) : encodeMarkdownPath(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Whole links

/** Why `req` cannot be written as a wiki-link (R2.3, R2.6), or undefined when it can. */
export function wikiLinkProblem(files: FileLookup, req: LinkRequest, pathForm: LinkPathForm = 'shortest'): string | undefined {
  if (req.subpath !== undefined) {
    const p = wikiSubpathProblem(req.subpath, req.inTable === true);
    if (p) return p;
  }
  if (req.display !== undefined) {
    const p = wikiDisplayProblem(req.display);
    if (p) return p;
  }
  if (isSelf(req.from, req.target) && req.subpath !== undefined) return undefined;
  try {
    linkPathText(files, req.from, isSelf(req.from, req.target) ? req.from : req.target, { style: 'wiki', pathForm }, {});
    return undefined;
  } catch (e) {
    if (e instanceof LinkWriteError) return e.message;
    throw e;
  }
}

/**
 * The whole link text: `[[Note#H|x]]`, `![[a.png]]`, `[x](../a%20b.md#H)`. A wiki-link that cannot express the
 * target, subpath or text (see {@link wikiLinkProblem}) is written as a markdown link, which can express all of
 * them. A link to this note without a subpath names the note (`[[]]` would be empty). Markdown links without
 * display text get the note's name (`[Note](Note.md)`, `[Note > H](Note.md#H)`, `[H](#H)`), embeds none.
 */
export function writeLink(files: FileLookup, req: LinkRequest, format: LinkFormat): string {
  const self = isSelf(req.from, req.target) && req.subpath !== undefined && req.subpath !== '';
  const target = isSelf(req.from, req.target) ? normalizeVaultPath(req.from) : normalizeVaultPath(req.target);
  const subpath = req.subpath === '' ? undefined : req.subpath;
  const bang = req.embed ? '!' : '';
  if (format.style === 'wiki' && wikiLinkProblem(files, { ...req, subpath }, format.pathForm) === undefined) {
    const path = self ? '' : linkPathText(files, req.from, target, format, {});
    const sub = subpath !== undefined ? `#${subpath}` : '';
    const display = req.display === undefined ? '' : `${req.inTable ? '\\|' : '|'}${req.inTable ? req.display.replace(/\|/g, '\\|') : req.display}`;
    return `${bang}[[${path}${sub}${display}]]`;
  }
  const path = self ? '' : linkPathText(files, req.from, target, { style: 'markdown', pathForm: format.pathForm }, {});
  const fragment = subpath !== undefined ? `#${encodeMarkdownPath(subpath)}` : '';
  const text = req.display ?? (req.embed ? '' : defaultDisplay(target, self, subpath));
  return `${bang}[${escapeLinkText(text, req.inTable === true)}](${path}${fragment})`;
}

/** What a markdown link shows when no text is given: the note's name, then the heading (as Obsidian shows it). */
function defaultDisplay(target: string, self: boolean, subpath: string | undefined): string {
  const name = isNotePath(target) ? stem(target) : basename(target);
  if (subpath === undefined) return name;
  const sub = parseSubpath(subpath);
  const heading = sub.kind === 'heading' ? sub.segments[sub.segments.length - 1] : undefined;
  if (self) return heading ?? name;
  return heading !== undefined ? `${name} > ${heading}` : name;
}

/**
 * Markdown link text (R6), so that it shows as given and the link stays one link: `[` and `]` escaped (balanced
 * brackets), and what binds tighter than link brackets or hides text — a backtick (code span), `$` (math), `<`
 * (HTML), the second `%` of `%%` (comment) — escaped too; a `\` that would escape what follows is doubled; in a
 * table row `|` is escaped so the row is not split. Emphasis and other inline markdown are kept.
 */
export function escapeLinkText(text: string, inTable = false): string {
  const special = inTable ? /[[\]`$<|]/ : /[[\]`$<]/;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && (i + 1 === text.length || ASCII_PUNCT.test(text[i + 1]))) out += '\\\\';
    else if (special.test(c) || (c === '%' && text[i - 1] === '%')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

const ASCII_PUNCT = /[!-/:-@[-`{-~]/;

/**
 * The text a reader sees for a link's display: a markdown link's bracketed text with its backslash escapes
 * removed; a wiki alias with `\|` read as `|` in a table row (GFM unescapes it before the link is read).
 */
export function displayTextOf(link: Link, inTable = false): string | undefined {
  if (link.display === undefined) return undefined;
  if (link.syntax === 'wiki') return inTable ? link.display.replace(/\\\|/g, '|') : link.display;
  return link.display.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

// ---------------------------------------------------------------------------------------------------------------
// Existing links: their form, and rewriting them

/** Whether a markdown destination's path part was written with `encoding`. */
function encodingOf(link: Link): WrittenForm['encoding'] {
  const raw = link.destination ?? '';
  if (/\s/.test(raw)) return 'angle';
  const decoded = percentDecode(raw);
  if (decoded === raw) return 'minimal';
  const path = raw.split('#')[0];
  const plain = percentDecode(path);
  if (encodeMarkdownPath(plain) === path) return 'minimal';
  if (encodeUriPath(plain) === path) return 'uri';
  // Non-ASCII written %-encoded is a URL writer's habit; keep it.
  return /%[89A-Fa-f][0-9A-Fa-f]/.test(path) ? 'uri' : 'minimal';
}

/**
 * How an existing link (in note `from`, resolving to `target`) is written: wiki or markdown, which path form,
 * extension kept, `./` or `/` prefixes, the destination's encoding, embed. A same-folder bare name counts as
 * `shortest`. `files` is the lookup the link resolves in (kept in the signature for forms that need it).
 */
export function linkFormOf(files: FileLookup, from: string, link: Link, target: string): WrittenForm {
  void files;
  const style: LinkStyle = link.syntax === 'wiki' ? 'wiki' : 'markdown';
  const written = wholeDestinationNames(link, target) ? percentDecode(link.destination ?? '').trim() : link.path;
  const self = written === '';
  const dotSlash = /^\.\//.test(written);
  const relative = /^\.\.?\//.test(written);
  const leadingSlash = written.startsWith('/');
  const t = lookupKey(normalizeVaultPath(target));
  const w = lookupKey(normalizeVaultPath(written));
  const ext = extname(target);
  const keepExtension = !isNotePath(target) || (ext !== '' && w.endsWith(`.${ext}`));
  const withoutExt = isNotePath(target) && !keepExtension ? t.slice(0, t.length - NOTE_EXTENSION.length - 1) : t;
  let pathForm: LinkPathForm = 'shortest';
  if (relative) pathForm = 'relative';
  else if (leadingSlash || (w === withoutExt && t.includes('/'))) pathForm = 'absolute';
  else if (w.includes('/') && dirname(from) !== '' && lookupKey(`${dirname(normalizeVaultPath(from))}/${normalizeVaultPath(written)}`) === withoutExt) pathForm = 'relative';
  return {
    style,
    pathForm,
    self,
    keepExtension,
    dotSlash,
    leadingSlash,
    encoding: style === 'markdown' ? encodingOf(link) : 'minimal',
    embed: link.embed,
  };
}

/**
 * A markdown link whose whole destination (`#` included) is the target's file name, as Obsidian writes names
 * with `#` (R6.2): its "subpath" is part of the name.
 */
function wholeDestinationNames(link: Link, target: string): boolean {
  if (link.syntax === 'wiki' || link.subpath === undefined || link.destination === undefined) return false;
  const whole = lookupKey(basename(percentDecode(link.destination).trim()));
  const name = lookupKey(basename(target));
  return whole === name || (isNotePath(target) && whole === lookupKey(stem(target)));
}

export interface LinkChange {
  /** What the link resolves to today. */
  oldTarget: string;
  /** Where it must point (default: `oldTarget`, or `newFrom` for a link into the note itself). */
  newTarget?: string;
  /** The linking note's own new path, when it moves (default: `from`). */
  newFrom?: string;
  /** A new subpath without `#` (`''` removes it); default: kept. */
  newSubpath?: string;
}

/**
 * Text edits that make an existing `link` (in note `from`, resolving today to `change.oldTarget`) point to
 * `change.newTarget` and/or a new subpath, keeping its form (see {@link linkFormOf}): a bare name stays bare
 * unless it would become ambiguous (then the shortest unambiguous path), relative paths are recomputed against
 * `newFrom`, absolute paths stay absolute, the encoding, extension, prefixes and display text are kept. A link
 * whose text would still resolve to the same file from `newFrom` is not touched.
 *
 * `files` is the lookup AFTER the move: `newTarget` (and `newFrom`) in it, the old paths gone. Edits replace
 * only the path and subpath ranges, never other bytes, and are in document order. Throws
 * {@link LinkWriteError} when the link's syntax cannot name the new target (a wiki-link to a name with `#`).
 */
export function rewriteLink(files: FileLookup, from: string, link: Link, change: LinkChange): TextEdit[] {
  if (link.external) return [];
  const oldTarget = normalizeVaultPath(change.oldTarget);
  const newFrom = normalizeVaultPath(change.newFrom ?? from);
  // A link into the note itself follows the note when it moves.
  const newTarget = normalizeVaultPath(change.newTarget ?? (oldTarget === normalizeVaultPath(from) ? newFrom : oldTarget));
  const form = linkFormOf(files, from, link, oldTarget);
  const whole = wholeDestinationNames(link, oldTarget);
  const edits: TextEdit[] = [];

  // The path.
  const written = whole ? percentDecode(link.destination ?? '').trim() : link.path;
  const writtenPath = linkPathRange(link);
  const writtenSubpath = linkSubpathRange(link);
  const pathEnd: Position = whole && writtenSubpath ? writtenSubpath.end : writtenPath.end;
  const pathRange: Range = { start: writtenPath.start, end: pathEnd };
  let newPath: string | undefined;
  const newSubpath = change.newSubpath ?? (whole ? undefined : link.subpath);
  if (newTarget === newFrom && newSubpath !== undefined && newSubpath !== '') {
    // Now a link into the note itself: `[[#H]]`.
    if (!form.self) newPath = '';
  } else if (form.self || !stillNames(files, from, newFrom, written, oldTarget, newTarget) || (form.pathForm === 'relative' && newFrom !== normalizeVaultPath(from))) {
    // The written text no longer names the target from where the link now stands (or it is a relative path of a
    // moved note): write it anew in its own form. Text that still names it (a bare name after a move) stays.
    const plain = withFile(files, newTarget, () => {
      if (form.pathForm === 'shortest' && !form.self) {
        return plainLinkPath(files, newFrom, newTarget, 'shortest', { keepExtension: form.keepExtension });
      }
      return plainLinkPath(files, newFrom, newTarget, form.self ? 'shortest' : form.pathForm, {
        keepExtension: form.keepExtension,
        dotSlash: form.dotSlash,
        leadingSlash: form.leadingSlash,
      });
    });
    if (plain !== written) newPath = plain;
  }
  if (newPath !== undefined) {
    let text: string;
    if (form.style === 'wiki') {
      const problem = newPath === '' ? undefined : wikiPathProblem(newPath);
      if (problem) throw new LinkWriteError(`cannot point ${describe(link)} to '${newTarget}': ${problem}`);
      text = newPath;
    } else {
      text = encodePath(newPath, form.encoding);
    }
    edits.push(TextEdit.replace(pathRange, text));
  }

  // The subpath.
  if (change.newSubpath !== undefined && change.newSubpath !== (whole ? undefined : link.subpath)) {
    const sub = change.newSubpath;
    if (form.style === 'wiki' && sub !== '') {
      const problem = wikiSubpathProblem(sub, false);
      if (problem) throw new LinkWriteError(`cannot point ${describe(link)} to '#${sub}': ${problem}`);
    }
    const text = form.style === 'wiki' ? sub : encodePath(sub, form.encoding);
    if (writtenSubpath && !whole) {
      // `''` removes the `#` too.
      const hash: Position = { line: writtenSubpath.start.line, character: writtenSubpath.start.character - 1 };
      edits.push(sub === '' ? TextEdit.replace({ start: hash, end: writtenSubpath.end }, '') : TextEdit.replace(writtenSubpath, text));
    } else if (sub !== '') {
      const at = edits.length > 0 ? edits.pop()! : undefined;
      // Appended right after the path (merged with a path edit: two edits may not share their boundary).
      if (at) edits.push(TextEdit.replace(at.range, `${at.newText}#${text}`));
      else edits.push(TextEdit.insert(pathRange.end, `#${text}`));
    }
  }
  return edits;
}

/**
 * The link's text still names the target after the change: it resolves to it from the new place, and, when
 * anything moved, it names no other file (a bare name that became ambiguous is written out; one that was
 * ambiguous before and names the same file from the same place is left as its author wrote it).
 */
function stillNames(files: FileLookup, from: string, newFrom: string, written: string, oldTarget: string, newTarget: string): boolean {
  const r = resolveLinkpath(written, newFrom, files);
  if (r.target !== newTarget) return false;
  return (newTarget === oldTarget && newFrom === normalizeVaultPath(from)) || r.candidates.length <= 1;
}

function encodePath(text: string, encoding: WrittenForm['encoding']): string {
  if (encoding === 'angle') return encodeAngled(text);
  if (encoding === 'uri') return encodeUriPath(text);
  return encodeMarkdownPath(text);
}

function describe(link: Link): string {
  return link.syntax === 'wiki' ? `the wiki-link '${link.path}'` : `the link '${link.destination ?? link.path}'`;
}
