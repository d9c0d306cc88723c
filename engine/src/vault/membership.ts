/**
 * Vault membership: which vault paths are part of the vault, and what kind of file each one is. The one home of
 * these rules; the walk, the loader, the server (open buffers, file events, settings changes), the checker and
 * the client's preview all ask a {@link VaultRules} built once from the settings.
 *
 * A path is left out when any of its segments is hidden (starts with `.`: `.obsidian`, `.git`, `.trash`, R3.9) or
 * is `node_modules`, when it or one of its folders matches an ignored pattern (the `ignoredFolders` setting or
 * `--ignore`), a `files.exclude` glob, or a rule of a `.gitignore` file in the vault. Whether a file's *real* path
 * (symlinks followed) stays inside the vault is the other half of membership; it needs the file system, so the
 * io layer answers it (scan.ts `realPathInside`, with confine.ts `isStrictlyInside`).
 *
 * Pure: no file system access, so the client can apply the same rules to the data the server sends it.
 */
import picomatch from 'picomatch';
import ignore, { type Ignore } from 'ignore';
import { extname, hasLoneSurrogate, normalizeVaultPath } from './paths';

/** What a file is, for the features that show or embed it. */
export type FileKind = 'note' | 'image' | 'audio' | 'video' | 'pdf' | 'other';

/**
 * Non-note formats Obsidian accepts as link and embed targets (R3.9), lower case, without the dot, by kind.
 * `webm` is listed by Obsidian as audio and video; a video element plays both, so it is a video here.
 */
const MEDIA: ReadonlyMap<string, FileKind> = new Map<string, FileKind>([
  ...['avif', 'bmp', 'gif', 'jpeg', 'jpg', 'png', 'svg', 'webp'].map((e) => [e, 'image'] as const),
  ...['flac', 'm4a', 'mp3', 'ogg', 'wav', '3gp'].map((e) => [e, 'audio'] as const),
  ...['mkv', 'mov', 'mp4', 'ogv', 'webm'].map((e) => [e, 'video'] as const),
  ['pdf', 'pdf'],
]);

/**
 * Every non-note format Obsidian accepts (R3.9). Other extensions only become linkable with Obsidian's "Show all
 * file types" setting, which the walk emulates by indexing every file: resolution itself never filters by kind.
 */
export const ATTACHMENT_EXTENSIONS: ReadonlySet<string> = new Set(['base', 'canvas', ...MEDIA.keys()]);

/** The kind of a vault file by its extension: `.md` is a note, media by R3.9's lists, anything else `other`. */
export function fileKind(path: string): FileKind {
  const ext = extname(path);
  if (ext === 'md') return 'note';
  return MEDIA.get(ext) ?? 'other';
}

/** A non-note file of an accepted format (R3.9). */
export function isAttachmentPath(path: string): boolean {
  return ATTACHMENT_EXTENSIONS.has(extname(path));
}

/** A hidden file or folder name (`.obsidian`, `.gitignore`): never part of the vault (R3.9). */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.');
}

/** Characters Obsidian refuses in file and folder names (Windows refuses them too). */
const FORBIDDEN_IN_FILE_NAMES = ['*', '"', '\\', '/', '<', '>', ':', '|', '?'];
/** Characters a link cannot spell in a linkpath (`[[a#b]]` reads a heading, `^` a block, `[ ]` brackets). */
const UNLINKABLE_IN_NAMES = ['#', '^', '[', ']'];

/**
 * Why `name` cannot be the name of a file or folder of the vault that links can reach, or undefined when it can:
 * the one rule for every name the engine proposes (a new note, a rename, a daily note, a template's target).
 * The reason is a sentence without its final period.
 */
export function fileNameProblem(name: string, what: 'file' | 'folder' = 'file'): string | undefined {
  if (name.trim() === '') return `A ${what} name cannot be empty`;
  if (/[\u0000-\u001f]/.test(name)) return `'${name}' holds a control character or a line break, which a ${what} name cannot`;
  if (hasLoneSurrogate(name)) return `'${name}' holds half of a character (a cut emoji), which a ${what} name cannot`;
  for (const c of FORBIDDEN_IN_FILE_NAMES) if (name.includes(c)) return `'${name}' holds '${c}', which is not allowed in file names (Obsidian and Windows refuse * " \\ / < > : | ?)`;
  for (const c of UNLINKABLE_IN_NAMES) if (name.includes(c)) return `'${name}' holds '${c}', which a link cannot spell in a ${what} name (# ^ [ ] are link syntax)`;
  if (isHiddenName(name)) return `'${name}' starts with '.': hidden files and folders are not part of the vault`;
  if (name !== name.trim() || name.endsWith('.')) return `'${name}' starts or ends with a space or ends with a dot, which Windows does not allow`;
  return undefined;
}

/** Folder names left out of every vault besides hidden ones: package folders are never notes. */
const SKIPPED_NAMES: ReadonlySet<string> = new Set(['node_modules']);

/** Any segment is hidden (`.obsidian/app.json`, `notes/.trash/x.md`): not part of the vault (R3.9). */
export function isHiddenPath(path: string): boolean {
  return normalizeVaultPath(path).split('/').some(isHiddenName);
}

/** The file name of the ignore files honoured in the vault's folders (git's syntax). */
export const IGNORE_FILE_NAME = '.gitignore';

/** What a vault's membership depends on; plain data, so the server can send it to the client. */
export interface MembershipSettings {
  /**
   * Ignored folders or globs, relative to the vault root: a plain name (`templates`, `archive/2019`) leaves out
   * that folder and all below it; a glob (`archive/**`, `*.tmp`, or `**` then `/drafts` for a name at any depth) leaves
   * out every matching file or folder (and all below a matching folder).
   */
  ignored?: readonly string[];
  /** `files.exclude` globs of the editor (the ones set to `true`), same syntax as globs in `ignored`. */
  excludes?: readonly string[];
  /** `.gitignore` files of the vault: the folder each one is in (vault path, `''` for the root) and its text. */
  ignoreFiles?: ReadonlyArray<{ folder: string; text: string }>;
}

/** What makes an entry a glob; parentheses and `!` alone do not (folder names have them). */
const GLOB_CHARS = /[*?[{]/;

/** The membership rules of one vault. */
export class VaultRules {
  private readonly matchers: Array<(p: string) => boolean>;
  private readonly ignoreFiles = new Map<string, { text: string; rules: Ignore }>();

  constructor(private readonly settings: MembershipSettings = {}) {
    const patterns = [...(settings.ignored ?? []), ...(settings.excludes ?? [])];
    this.matchers = [];
    for (const raw of patterns) {
      const p = raw.replace(/\\/g, '/').replace(/^\.?\/+/, '').replace(/\/+$/, '');
      if (p === '') continue;
      // Always the path as written (that folder or file at that place, as the setting always meant), so that
      // names like `Notes (old)` or `[Archive]` work; and when it has glob characters, the glob as well.
      const key = normalizeVaultPath(p);
      this.matchers.push((q) => q === key);
      if (!GLOB_CHARS.test(p)) continue;
      try {
        this.matchers.push(picomatch(p, { dot: true }));
      } catch {
        // An invalid glob matches nothing; the setting's other entries still apply.
      }
    }
    for (const f of settings.ignoreFiles ?? []) this.addIgnoreFile(f.folder, f.text);
  }

  /** Settings plus the ignore files found so far: what a client needs to rebuild the same rules. */
  toSettings(): MembershipSettings {
    return {
      ignored: this.settings.ignored ?? [],
      excludes: this.settings.excludes ?? [],
      ignoreFiles: [...this.ignoreFiles].map(([folder, f]) => ({ folder, text: f.text })),
    };
  }

  /** Adds (or replaces) the rules of the ignore file in `folder` (a vault path, `''` for the root). */
  addIgnoreFile(folder: string, text: string): void {
    this.ignoreFiles.set(normalizeVaultPath(folder), { text, rules: ignore({ allowRelativePaths: true }).add(text) });
  }

  /**
   * Whether one entry is left out, given that its folder is not: `path` is the entry's vault path, `isFolder`
   * whether it is a folder. The walk asks this for each entry on its way down.
   */
  excludesEntry(path: string, isFolder: boolean): boolean {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (isHiddenName(name) || SKIPPED_NAMES.has(name)) return true;
    for (const m of this.matchers) if (m(path)) return true;
    if (this.ignoreFiles.size === 0) return false;
    // Only the ignore files of the entry's own folders apply: one lookup per folder level, not per ignore file.
    let slash = -1;
    do {
      const f = this.ignoreFiles.get(slash < 0 ? '' : path.slice(0, slash));
      if (f && ignores(f.rules, path.slice(slash + 1) + (isFolder ? '/' : ''))) return true;
      slash = path.indexOf('/', slash + 1);
    } while (slash >= 0);
    return false;
  }

  /** Whether the file at this vault path is part of the vault: neither it nor any folder above it is left out. */
  isMember(path: string): boolean {
    const p = normalizeVaultPath(path);
    if (p === '' || p.split('/').includes('..')) return false;
    let slash = p.indexOf('/');
    while (slash >= 0) {
      if (this.excludesEntry(p.slice(0, slash), true)) return false;
      slash = p.indexOf('/', slash + 1);
    }
    return !this.excludesEntry(p, false);
  }

  /** Whether a folder (vault path) is walked: neither it nor a folder above it is left out. */
  isMemberFolder(path: string): boolean {
    const p = normalizeVaultPath(path);
    if (p === '') return true;
    const segments = p.split('/');
    for (let i = 1; i <= segments.length; i++) if (this.excludesEntry(segments.slice(0, i).join('/'), true)) return false;
    return true;
  }

  kindOf(path: string): FileKind {
    return fileKind(path);
  }
}

/** A path the matcher refuses (it throws on some odd names) is not ignored: the vault keeps the file. */
function ignores(rules: Ignore, rel: string): boolean {
  try {
    return rules.ignores(rel);
  } catch {
    return false;
  }
}
