/**
 * Encoding damage ("mojibake"): UTF-8 text that was once decoded as Windows-1252 or Latin-1 and saved again, so
 * that every multi-byte character became two to four characters of those code pages: `café` → `cafÃ©`,
 * `“x”` → `â€œxâ€`, `📖` → `ðŸ“–`.
 *
 * Detection re-encodes candidate characters to the single bytes Windows-1252 / Latin-1 gave them and keeps only
 * runs whose bytes form valid multi-byte UTF-8 (shortest form, no surrogates) decoding to assigned characters.
 * Correct text almost never does that; the one shape that real text can take is a single two- or three-byte
 * sequence made of an accented letter ending a word followed by punctuation (`Straße“`, `CAFÉ…`,
 * `l'été »` with a no-break space). Such an ambiguous run is reported only when the note is damaged as a
 * whole: it has an unambiguous run and no other non-ASCII character, which is what text decoded wrongly once
 * and saved again looks like.
 *
 * Lives in `syntax` because the note model keeps no text: the parser records the runs, the `mojibake`
 * diagnostic rule (diagnostics/encoding.ts), its quick fix and `ospo-notes check --fix-encoding` read them.
 */
import type { EncodingDamage, Range } from '../model';
import { range, splitLines } from './text';

/**
 * Windows-1252's bytes 0x80–0x9F (the rest of the code page is Latin-1). Bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D
 * are undefined: decoders keep them as the C1 control of the same number, or drop them.
 */
const CP1252_HIGH: ReadonlyArray<number | undefined> = [
  0x20ac, undefined, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, undefined, 0x017d, undefined,
  undefined, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, undefined, 0x017e, 0x0178,
];

/** Character → the byte Windows-1252 (or Latin-1, for U+0080–U+009F) decodes to it. */
const BYTE_OF_SPECIAL = new Map<number, number>();
CP1252_HIGH.forEach((cp, i) => {
  if (cp !== undefined) BYTE_OF_SPECIAL.set(cp, 0x80 + i);
});

/** The single byte that Windows-1252 or Latin-1 decodes to the UTF-16 unit `c`, or -1. */
export function cp1252Byte(c: number): number {
  if (c <= 0xff) return c;
  return BYTE_OF_SPECIAL.get(c) ?? -1;
}

/** The character Windows-1252 decodes `byte` to (Latin-1's C1 control for its five undefined bytes). */
export function cp1252Char(byte: number): string {
  return String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? (CP1252_HIGH[byte - 0x80] ?? byte) : byte);
}

/** One decoded character: `[start, end)` in the line, the UTF-8 bytes it spelled, the character they spell. */
interface Sequence {
  start: number;
  end: number;
  bytes: number[];
  char: string;
  /** A `â€` whose third byte the first decoding dropped (an undefined Windows-1252 byte): guessed from context. */
  guessed: boolean;
}

/**
 * Where damage can start: a lead (`Â`…`ô`, a UTF-8 lead byte read as Windows-1252) right before a character
 * that reads back as a continuation byte (0x80–0xBF). Every sequence needs both, so a note without the pair (most
 * notes with accents: `señal`, `café`) is not scanned line by line.
 */
const LEAD_CANDIDATE = new RegExp(
  `[\\u00C2-\\u00F4][\\u0080-\\u00BF${CP1252_HIGH.flatMap((cp) => (cp === undefined ? [] : [`\\u${cp.toString(16).padStart(4, '0')}`])).join('')}]`,
);
const UNASSIGNED_OR_CONTROL = /^[\p{Cn}\p{Cc}\p{Cs}\p{Co}]$/u;
/** What may follow a letter at the end of a word: punctuation, symbols, spaces (a no-break space), digits. */
const CLOSING = /^[\p{P}\p{S}\p{Z}\p{N}]$/u;
const LETTER = /^\p{L}$/u;
const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const LATIN_LETTER = /^\p{Script=Latin}$/u;
const LATIN_OR_COMMON = /^[\p{Script_Extensions=Latin}\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]$/u;

/** The valid range of the second byte after a lead byte (RFC 3629: no overlong forms, surrogates or > U+10FFFF). */
function secondByteOk(lead: number, b: number): boolean {
  if (lead === 0xe0) return b >= 0xa0 && b <= 0xbf;
  if (lead === 0xed) return b >= 0x80 && b <= 0x9f;
  if (lead === 0xf0) return b >= 0x90 && b <= 0xbf;
  if (lead === 0xf4) return b >= 0x80 && b <= 0x8f;
  return b >= 0x80 && b <= 0xbf;
}

function isContinuation(b: number): boolean {
  return b >= 0x80 && b <= 0xbf;
}

/**
 * The sequence whose lead character stands at `i` of `line`, or undefined. `guess` allows a dropped byte to be
 * guessed (see below); the look-ahead that decides the guess does not guess again, so a line of `â€` costs one
 * step per character, not a recursion through the line.
 */
function sequenceAt(line: string, i: number, guess = true): Sequence | undefined {
  const lead = line.charCodeAt(i);
  if (lead < 0xc2 || lead > 0xf4) return undefined;
  const need = lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : 3;
  const bytes = [lead];
  for (let k = 1; k <= need; k++) {
    const j = i + k;
    const b = j < line.length ? cp1252Byte(line.charCodeAt(j)) : -1;
    const ok = k === 1 ? secondByteOk(lead, b) : isContinuation(b);
    if (!ok) {
      // `â€` + a dropped byte: U+2001, U+200D, U+200F, U+2010 or U+201D. Between two damaged characters it is the
      // zero-width joiner of an emoji sequence; otherwise the closing quote of `â€œ…â€`.
      if (guess && lead === 0xe2 && k === 2 && bytes[1] === 0x80) {
        const next = i + 2;
        const dropped = line.charCodeAt(next) === 0xfffd ? 1 : 0;
        const joins = sequenceAt(line, next + dropped, false) !== undefined;
        return { start: i, end: next + dropped, bytes: [0xe2, 0x80, joins ? 0x8d : 0x9d], char: joins ? '\u200D' : '\u201D', guessed: true };
      }
      return undefined;
    }
    bytes.push(b);
  }
  // The lead and second-byte checks leave only shortest forms of scalar values: the arithmetic is the decoding.
  let cp = lead & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  for (let k = 1; k <= need; k++) cp = (cp << 6) | (bytes[k] & 0x3f);
  const char = String.fromCodePoint(cp);
  if (UNASSIGNED_OR_CONTROL.test(char)) return undefined;
  return { start: i, end: i + 1 + need, bytes, char, guessed: false };
}

/**
 * Whether a run of one sequence is the shape correct text can take: a letter ending a word (continuing the
 * word's case), followed by punctuation, symbols or a no-break space, then the end of the word. `Â`, `â` and `ï`
 * leads never are: `Â©`, `â€™`, `ï»¿` are damage in any language.
 */
function ambiguous(line: string, s: Sequence): boolean {
  if (s.guessed || s.bytes.length > 3) return false;
  const lead = line.charCodeAt(s.start);
  if (lead === 0xc2 || lead === 0xe2 || lead === 0xef) return false;
  const before = s.start > 0 ? line[s.start - 1] : '';
  const after = s.end < line.length ? line[s.end] : '';
  // One letter of another script inside Latin text (`T•Ø•R•Ü•S` would be Arabic and Syriac): a spelling, not the
  // damage of a word, which leaves runs of several characters.
  if (s.bytes.length === 2 && !LATIN_OR_COMMON.test(s.char) && (LATIN_LETTER.test(before) || LATIN_LETTER.test(after))) return true;
  for (let j = s.start + 1; j < s.end; j++) if (!CLOSING.test(line[j])) return false;
  if (LETTER.test(after)) return false;
  // An upper-case letter right after a lower-case one (`cafÃ©`, `sÄ…`) is not how words are written.
  return !(UPPER.test(line[s.start]) && LOWER.test(before));
}

/**
 * The text a run of damaged characters stood for. Text damaged twice (`Ã¢â‚¬â„¢` for `’`) is restored as far as
 * the result still decodes whole.
 */
export function restoreDamagedText(damaged: string, before = '', after = ''): string | undefined {
  const text = restoreOnce(damaged);
  return text === undefined ? undefined : restoreAgain(text, before, after);
}

/** `once`, restored from one decoding, restored again as long as it is damage itself. */
function restoreAgain(once: string, before: string, after: string): string {
  let text = once;
  // Restored again only while the result is itself unmistakable damage: `â€™` is, `à »` (what `Ã Â Â»` stands
  // for) is French.
  for (let pass = 0; pass < 3; pass++) {
    const again = restoreOnce(text);
    if (again === undefined || !unmistakable(before, text, after)) break;
    text = again;
  }
  return text;
}

/** `text`, between the characters `before` and `after`, is one run of damage that is not {@link ambiguous}. */
function unmistakable(before: string, text: string, after: string): boolean {
  const line = before + text + after;
  const s = sequenceAt(line, before.length);
  return s !== undefined && (s.end < before.length + text.length || !ambiguous(line, s));
}

/** `text` restored when it is wholly a run of damaged characters, else undefined. */
function restoreOnce(text: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const s = sequenceAt(text, i);
    if (!s) return undefined;
    out += s.char;
    i = s.end;
  }
  return i > 0 ? out : undefined;
}

/** The replacement of a restored run: a byte order mark that was read as `ï»¿` has no place inside text. */
function replacementOf(restored: string): string {
  return restored.replace(/\uFEFF/g, '');
}

/**
 * The runs of encoding damage in `text`, outside the `skip` ranges (code, math, HTML and comments, where text
 * is quoted verbatim: a note about this very problem shows `cafÃ©` in code). `skip` is in document order.
 */
export function findEncodingDamage(text: string, skip: readonly Range[] = []): EncodingDamage[] {
  if (!LEAD_CANDIDATE.test(text)) return [];
  const lines = splitLines(text);
  const found: Array<{ line: number; start: number; end: number; restored: string; ambiguous: boolean }> = [];
  let nonAscii = 0;
  let covered = 0;
  let next = 0; // first skip range not yet behind the scan
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    let i = 0;
    let run: Sequence[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      const start = run[0].start;
      const end = run[run.length - 1].end;
      let once = '';
      for (const s of run) once += s.char;
      const restored = restoreAgain(once, line.slice(Math.max(0, start - 1), start), line.slice(end, end + 1));
      found.push({ line: ln, start, end, restored, ambiguous: run.length === 1 && ambiguous(line, run[0]) });
      covered += end - start;
      run = [];
    };
    while (i < line.length) {
      const c = line.charCodeAt(i);
      if (c < 0x80) {
        flush();
        i++;
        continue;
      }
      while (next < skip.length && (skip[next].end.line < ln || (skip[next].end.line === ln && skip[next].end.character <= i))) next++;
      const s = skip[next];
      if (s && (s.start.line < ln || (s.start.line === ln && s.start.character <= i))) {
        flush();
        i = s.end.line === ln ? s.end.character : line.length;
        continue;
      }
      nonAscii++;
      const seq = sequenceAt(line, i);
      if (!seq) {
        flush();
        i++;
        continue;
      }
      // Counted once per character: the lead was counted above.
      nonAscii += seq.end - seq.start - 1;
      if (run.length > 0 && run[run.length - 1].end !== seq.start) flush();
      run.push(seq);
      i = seq.end;
    }
    flush();
  }
  // Ambiguous runs count only in a note damaged as a whole: one unambiguous run, and every non-ASCII character
  // part of some run.
  const wholeNote = covered === nonAscii && found.some((f) => !f.ambiguous);
  return found
    .filter((f) => wholeNote || !f.ambiguous)
    .map((f) => {
      const damaged = lines[f.line].slice(f.start, f.end);
      return { range: range(f.line, f.start, f.line, f.end), damaged, restored: f.restored, replacement: replacementOf(f.restored) };
    });
}
