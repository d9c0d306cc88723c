/**
 * Vault path helpers. Pure string functions: no file system access, so they behave the same on every platform
 * and inside workers.
 *
 * A vault path is relative to the vault root, uses `/` separators and is NFC-normalised (R3.4, R3.10), e.g.
 * `public/tech/OpenSource.md`. Folder names are returned without a trailing `/`; the root folder is `''`.
 */

/** The extension of notes (R3.2). */
export const NOTE_EXTENSION = 'md';

/**
 * Canonical form of a vault path: NFC, `\` turned into `/` (Windows paths), and empty or `.` segments dropped
 * (so no leading, trailing or doubled `/`). `..` segments are kept: a stored vault path never has them, and
 * resolving them needs a base folder, see {@link resolveDotSegments}.
 */
export function normalizeVaultPath(path: string): string {
  // Almost every path is already canonical (it came from the index); checking is far cheaper than rebuilding.
  if (ASCII_ONLY.test(path) && !NOT_CANONICAL.test(path)) return path;
  const segments = path.normalize('NFC').replace(/\\/g, '/').split('/');
  return segments.filter((s) => s !== '' && s !== '.').join('/');
}

/**
 * Comparison key for case-insensitive lookups (R3.3, R3.10). NFC first so that composed and decomposed
 * spellings of the same name meet; `toLowerCase` is locale-independent, which keeps keys stable across machines.
 */
export function lookupKey(text: string): string {
  // ASCII needs no normalisation; it is most names and the check is far cheaper than `normalize`.
  return ASCII_ONLY.test(text) ? text.toLowerCase() : text.normalize('NFC').toLowerCase();
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
/** A backslash, an empty segment (leading, trailing or doubled `/`) or a `.` segment. */
const NOT_CANONICAL = /\\|^\/|\/$|\/\/|(?:^|\/)\.(?:\/|$)/;

/** The folder of a vault path, `''` for a file at the root. */
export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last segment of a vault path (the file name, extension included). */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Lower-cased extension without the dot, `''` when there is none. A leading dot alone (`.gitignore`) is a hidden
 * name rather than an extension.
 */
export function extname(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The file name without its extension: `Note.md` → `Note`, `My.Note.md` → `My.Note`, `.gitignore` stays. */
export function stem(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

/** A markdown note (`.md`, any case). */
export function isNotePath(path: string): boolean {
  return extname(path) === NOTE_EXTENSION;
}

/**
 * Applies `.` and `..` segments to a list of segments (empty segments are dropped as well). Returns undefined
 * when a `..` would climb above the first segment, i.e. above the vault root when `segments` starts there.
 */
export function resolveDotSegments(segments: readonly string[], clampAtRoot = false): string[] | undefined {
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (out.length === 0) {
        // URL resolution stops at the root (`/a/../../b` is `/b`); callers ask for that explicitly.
        if (clampAtRoot) continue;
        return undefined;
      }
      out.pop();
    } else {
      out.push(s);
    }
  }
  return out;
}


/**
 * Whether `text` holds half of a UTF-16 surrogate pair without the other half (an emoji cut by an edit): no file
 * can be named by it, and a URI of it cannot be written.
 */
export function hasLoneSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}
