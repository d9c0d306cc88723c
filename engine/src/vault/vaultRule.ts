/**
 * Which workspace folders are vaults. A vault gets the whole-vault treatment (every note checked, the status
 * item); any other folder (a code repository with READMEs, a vendored dependency) is served quietly: completion,
 * navigation and hover work, and problems are published only for the notes the user has open.
 *
 * A folder is a vault when it holds `.obsidian/` (Obsidian's settings folder, what every Obsidian vault has), an
 * `.ospo-notes` marker (a file or a folder, e.g. `.ospo-notes/settings.json`), or is listed in the
 * `ospoNotes.vaults` setting. Pure: the io layer (`markers.ts`) reports what is on disk, the settings what the
 * user listed; this module decides.
 */

/** Obsidian's per-vault settings folder. */
export const OBSIDIAN_FOLDER = '.obsidian';
/** This extension's own marker: a file or a folder. */
export const OSPO_MARKER = '.ospo-notes';

/** What the io layer found at a folder's root. */
export interface FolderMarkers {
  /** `.obsidian` exists and is a folder. */
  obsidian: boolean;
  /** `.ospo-notes` exists (file or folder). */
  ospoNotes: boolean;
}

export type VaultReason = 'obsidian' | 'marker' | 'setting';

export type VaultDecision = { vault: true; reason: VaultReason } | { vault: false };

export interface PathConventions {
  /** The user's home folder, for `~/…` entries. */
  home?: string;
  /** Compare paths ignoring case (Windows, macOS by default). */
  caseInsensitive?: boolean;
}

/** The one rule: is the folder at `root` (absolute) a vault, and why. */
export function decideVault(root: string, markers: FolderMarkers, listed: readonly string[], conventions: PathConventions = {}): VaultDecision {
  if (markers.obsidian) return { vault: true, reason: 'obsidian' };
  if (markers.ospoNotes) return { vault: true, reason: 'marker' };
  if (isListedFolder(root, listed, conventions)) return { vault: true, reason: 'setting' };
  return { vault: false };
}

/**
 * Whether `root` is one of the `listed` folders. Entries are absolute paths or `~/…`; relative entries name no
 * folder in particular and are ignored. `/a/b/`, `/a/./b` and `/a/c/../b` all name `/a/b`.
 */
export function isListedFolder(root: string, listed: readonly string[], conventions: PathConventions = {}): boolean {
  const key = folderKey(root, conventions);
  if (key === undefined) return false;
  return listed.some((entry) => folderKey(entry, conventions) === key);
}

/** A comparable spelling of an absolute folder path; undefined for relative or empty paths. */
export function folderKey(p: string, conventions: PathConventions = {}): string | undefined {
  if (typeof p !== 'string') return undefined;
  let s = p.trim().replace(/\\/g, '/');
  if (s === '~' || s.startsWith('~/')) {
    if (!conventions.home) return undefined;
    s = conventions.home.replace(/\\/g, '/') + s.slice(1);
  }
  const drive = /^[A-Za-z]:\//.exec(s)?.[0];
  if (!drive && !s.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const seg of s.slice(drive ? drive.length : 1).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  const key = (drive ? drive.toUpperCase() : '/') + parts.join('/');
  return conventions.caseInsensitive ? key.toLowerCase() : key;
}

/**
 * Whether a change at `relPath` (relative to a folder's root, `/`-separated) can change that folder's decision:
 * the marker folders themselves or anything inside them.
 */
export function touchesVaultMarker(relPath: string): boolean {
  const first = relPath.replace(/\\/g, '/').replace(/^\/+/, '').split('/')[0];
  return first === OBSIDIAN_FOLDER || first === OSPO_MARKER;
}
