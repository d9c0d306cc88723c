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
 * The URI scheme of a markdown-link destination as written (before percent-decoding), lower-cased, or
 * undefined when it has none (R6.5).
 *
 * A scheme is `[A-Za-z][A-Za-z0-9+.-]*` followed by `:`, with two rules that keep file names internal:
 * - at least two characters, so a Windows drive letter (`C:/x.md`) is a (broken) path, not a scheme;
 * - the `:` must not be followed by whitespace, so `<Note: draft.md>` is a path. URIs never have a blank there,
 *   while file names written outside Obsidian sometimes do. The encoded form `Note:%20draft.md` does count as a
 *   scheme, as it would for any URL parser; Obsidian itself refuses `:` in file names, so this is rare.
 */
export function uriScheme(destination: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]+):(?!\s)/.exec(destination);
  return m ? m[1].toLowerCase() : undefined;
}

/** True when the destination has a URI scheme (`https:`, `mailto:`, `obsidian:`, `file:`…): an external link. */
export function hasUriScheme(destination: string): boolean {
  return uriScheme(destination) !== undefined;
}

/** Number of bytes of a UTF-8 sequence from its first byte, 0 when it cannot start one. */
function utf8SequenceLength(firstByte: number): number {
  if (firstByte < 0x80) return 1;
  if (firstByte >= 0xc2 && firstByte <= 0xdf) return 2;
  if (firstByte >= 0xe0 && firstByte <= 0xef) return 3;
  if (firstByte >= 0xf0 && firstByte <= 0xf4) return 4;
  return 0;
}

/**
 * Percent-decodes UTF-8 escapes (`%20`, `%C3%A9`) and never throws: a `%` that does not start a valid escape,
 * or bytes that are not valid UTF-8, are kept as written. Real notes contain both (`100%`, hand-made links), and
 * a lookup on the literal text is more useful than an exception. `+` is not a space here: these are paths, not
 * form data.
 */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const tokens = run.match(/%[0-9A-Fa-f]{2}/g) ?? [];
    let out = '';
    let i = 0;
    while (i < tokens.length) {
      const n = utf8SequenceLength(parseInt(tokens[i].slice(1), 16));
      if (n > 0 && i + n <= tokens.length) {
        try {
          // decodeURIComponent rejects overlong forms, surrogates and bad continuation bytes for us.
          out += decodeURIComponent(tokens.slice(i, i + n).join(''));
          i += n;
          continue;
        } catch {
          // fall through: keep this byte literally and retry from the next one
        }
      }
      out += tokens[i];
      i += 1;
    }
    return out;
  });
}
