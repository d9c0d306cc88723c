/**
 * Link destinations as written (R6.3–R6.5): which carry a URI scheme (external), and percent-decoding of the
 * rest into vault paths. Syntax, so the parser, resolution and completion read destinations the same way.
 */

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
