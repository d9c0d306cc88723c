/**
 * Link resolution: what one link in one note points at. The single place where a parsed link meets the vault;
 * the index, the diagnostics, every language feature and the preview call `resolveLink`.
 */
import type { BlockId, Heading, Link, NoteModel } from '../model';
import type { FileLookup } from './fileLookup';
import { dirname, isNotePath } from './paths';
import { percentDecode } from '../syntax/destinations';
import { dependsOnSourceFolder, findBlockId, matchHeadingChain, matchMarkdownFragment, parseSubpath, resolveLinkpath, type PathResolution } from './resolve';

/** The small seam between resolution and whatever holds the vault (the index, a test's in-memory vault). */
export interface VaultView {
  readonly files: FileLookup;
  note(path: string): NoteModel | undefined;
}

export type LinkStatus =
  /** Target found, and its heading or block when the link names one. */
  | 'resolved'
  /** A URL with a scheme: nothing to resolve in the vault (R6.5). */
  | 'external'
  /** `[[]]`, `![[]]`, `[x]()`. */
  | 'empty'
  /** No file matches the linkpath (R3.8). */
  | 'unresolved'
  /** The linkpath climbs above the vault root. */
  | 'outside-vault'
  /** File found, heading not (R4.3). */
  | 'missing-heading'
  /** File found, block id not (R4.6). */
  | 'missing-block';

export interface LinkTarget {
  status: LinkStatus;
  /**
   * How the linkpath was resolved, kept only when it says more than `target`: several candidates (an ambiguous
   * name) or a path leaving the vault. Most links have neither, and a vault has hundreds of thousands of links.
   */
  resolution?: PathResolution;
  /** Vault path of the target file. */
  target?: string;
  heading?: Heading;
  /** How loosely the heading matched (R4.3), or `github-slug` for a markdown fragment matched as a slug. */
  headingTier?: 'exact' | 'folded' | 'loose' | 'github-slug';
  block?: BlockId;
  /** For missing headings: the segment of a heading chain that was not found. */
  failedSegment?: string;
}

/**
 * What a bulk load has resolved so far, to resolve each distinct thing once: valid only while neither the file
 * set nor any note changes. A vault has far fewer distinct linkpaths than links (an index note links to one name
 * thousands of times, a hundred notes link to `Home`), and most resolutions do not depend on where the link is.
 */
export interface ResolutionMemo {
  /** Linkpath → what is known of it: one map lookup per link for all of it. */
  readonly byPath: Map<string, LinkpathMemo>;
  /** Source folder, NUL, linkpath → its resolution, for the linkpaths whose resolution depends on the folder. */
  readonly byFolder: Map<string, PathResolution>;
  /** A resolution that found a file → subpath → the shared result, one map per link syntax. */
  readonly subpaths: Map<PathResolution, { wiki?: Map<string, LinkTarget>; markdown?: Map<string, LinkTarget> }>;
  /** The linkpath resolved last and its entry: a link's waiting keys are asked for right after its resolution. */
  lastPath?: string;
  lastEntry?: LinkpathMemo;
}

interface LinkpathMemo {
  /** Its resolution, when that is the same from every folder (see dependsOnSourceFolder). */
  resolution?: PathResolution;
  /** The result of a link without subpath, when that is the same from every folder: shared. */
  plain?: LinkTarget;
  /** Its {@link linkNameKey}. */
  nameKey?: string;
}

export function newResolutionMemo(): ResolutionMemo {
  return { byPath: new Map(), byFolder: new Map(), subpaths: new Map() };
}

function linkpathMemo(linkpath: string, memo: ResolutionMemo): LinkpathMemo {
  if (memo.lastPath === linkpath) return memo.lastEntry!;
  let entry = memo.byPath.get(linkpath);
  if (!entry) memo.byPath.set(linkpath, (entry = {}));
  memo.lastPath = linkpath;
  memo.lastEntry = entry;
  return entry;
}

/** The folder of the note being resolved; links come note by note, so one remembered answer serves them all. */
let lastSource = '';
let lastFolder = '';
function folderOf(sourcePath: string): string {
  if (sourcePath !== lastSource) {
    lastSource = sourcePath;
    lastFolder = dirname(sourcePath);
  }
  return lastFolder;
}

/**
 * What `link`, written in the note `sourcePath`, points at. With a `memo` (a bulk load), the result may be an
 * object shared with other links that say the same: results are read, never changed.
 */
export function resolveLink(link: Link, sourcePath: string, vault: VaultView, memo?: ResolutionMemo): LinkTarget {
  if (link.external) return { status: 'external' };
  // `[[]]` or `[x]()`; `[x](#)` and `[[#]]` name this note and are fine (R2.8).
  if (link.path === '' && link.subpath === undefined) return { status: 'empty' };
  if (!memo || link.path === '') return linkResult(link, sourcePath, vault, resolveLinkpath(link.path, sourcePath, vault.files));
  const entry = linkpathMemo(link.path, memo);
  if (link.subpath === undefined && entry.plain) return entry.plain;
  const resolution = entry.resolution ?? folderResolution(link.path, entry, sourcePath, vault, memo);
  if (link.subpath !== undefined && resolution.target !== undefined) {
    // A found file's subpath result reads only the target's headings and block ids and the link's syntax.
    let bySyntax = memo.subpaths.get(resolution);
    if (!bySyntax) memo.subpaths.set(resolution, (bySyntax = {}));
    const bySubpath = link.syntax === 'wiki' ? (bySyntax.wiki ??= new Map()) : (bySyntax.markdown ??= new Map());
    let result = bySubpath.get(link.subpath);
    if (!result) bySubpath.set(link.subpath, (result = linkResult(link, sourcePath, vault, resolution)));
    return result;
  }
  const result = linkResult(link, sourcePath, vault, resolution);
  if (link.subpath === undefined && entry.resolution === resolution) entry.plain = result;
  return result;
}

/** The resolution of a linkpath not known to be the same from every folder: resolved, and remembered where it holds. */
function folderResolution(linkpath: string, entry: LinkpathMemo, sourcePath: string, vault: VaultView, memo: ResolutionMemo): PathResolution {
  const key = `${folderOf(sourcePath)}\u0000${linkpath}`;
  let resolution = memo.byFolder.get(key);
  if (!resolution) {
    resolution = resolveLinkpath(linkpath, sourcePath, vault.files);
    if (dependsOnSourceFolder(linkpath, resolution)) memo.byFolder.set(key, resolution);
    else entry.resolution = resolution;
  }
  return resolution;
}

/** The result of `link` once its linkpath is resolved: the `#` fallback of markdown links, the subpath. */
function linkResult(link: Link, sourcePath: string, vault: VaultView, resolution: PathResolution): LinkTarget {
  // Obsidian writes `#` unencoded in markdown-link paths (`[x](Sub/We!rd%20[x]%20#1.md)`, R6.2): when the text
  // before the `#` names nothing, the whole destination may be the file's name.
  if (resolution.target === undefined && link.syntax !== 'wiki' && link.subpath !== undefined && link.destination !== undefined) {
    const whole = resolveLinkpath(percentDecode(link.destination).trim(), sourcePath, vault.files);
    if (whole.target !== undefined) return { status: 'resolved', target: whole.target };
  }
  if (resolution.target === undefined) {
    return resolution.outsideVault ? { status: 'outside-vault', resolution } : { status: 'unresolved' };
  }
  const target = resolution.target;
  const result: LinkTarget = resolution.candidates.length > 1 ? { status: 'resolved', resolution, target } : { status: 'resolved', target };
  // Fragments on attachments are not headings: `#page=3` on a pdf, `#icon` on an svg (R5.3, R5.4).
  if (link.subpath === undefined || !isNotePath(target)) return result;
  const note = vault.note(target);
  if (!note) return result;
  const sub = parseSubpath(link.subpath);
  if (sub.kind === 'empty') return result;
  if (sub.kind === 'block') {
    const block = findBlockId(sub.id, note.blockIds);
    if (block) result.block = block;
    else result.status = 'missing-block';
    return result;
  }
  const match = link.syntax === 'wiki' ? matchHeadingChain(link.subpath, note.headings) : matchMarkdownFragment(link.subpath, note.headings);
  if (match.heading) {
    result.heading = match.heading;
    result.headingTier = match.tier;
  } else {
    result.status = 'missing-heading';
    result.failedSegment = match.failedSegment;
  }
  return result;
}

/**
 * The name key under which a link waits for its target: the last path segment, case-folded, without `.md`.
 * A file whose own key (see {@link fileNameKey}) equals it can change what the link resolves to.
 */
export function linkNameKey(linkpath: string): string {
  const trimmed = linkpath.replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1).normalize('NFC').toLowerCase();
  return last.endsWith('.md') ? last.slice(0, -3) : last;
}

/** The name key of a file: notes without `.md`, attachments with their extension (R3.2). */
export function fileNameKey(path: string): string {
  return linkNameKey(path);
}

/**
 * The name keys a link waits under (see VaultIndex): its linkpath's, and for a markdown link with a `#`, also
 * the whole destination's, since that may be a file name with an unencoded `#` (see resolveLink).
 */
export function waitingKeys(link: Link, memo?: ResolutionMemo): string[] {
  const keys = link.path !== '' ? [memo ? memoNameKey(link.path, memo) : linkNameKey(link.path)] : [];
  if (link.syntax !== 'wiki' && link.subpath !== undefined && link.destination !== undefined && !link.external) {
    keys.push(linkNameKey(percentDecode(link.destination).trim()));
  }
  return keys;
}

function memoNameKey(linkpath: string, memo: ResolutionMemo): string {
  const entry = linkpathMemo(linkpath, memo);
  return (entry.nameKey ??= linkNameKey(linkpath));
}
