/**
 * Turning a note file's bytes into text, and saying what was wrong with them.
 *
 * Notes are UTF-8 (Obsidian reads and writes nothing else). Text is never re-encoded here: a file with invalid
 * UTF-8 is decoded with U+FFFD in place of the bad bytes for *reading* only, and flagged, so that no edit the
 * server proposes is ever computed against text that differs from the file without the user being told.
 */
import type { ReadProblem } from '../model';
import { range } from '../syntax/text';

/** Notes above this size are indexed by name only: their content is not parsed. */
export const MAX_PARSED_NOTE_BYTES = 10 * 1024 * 1024;

/** How many leading bytes are sniffed for NUL bytes to tell a binary file. */
const BINARY_SNIFF_BYTES = 8000;

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

export interface DecodedNote {
  /** The text to parse; `''` for files that are not parsed (binary, too large). */
  text: string;
  problems: ReadProblem[];
}

export function decodeNote(bytes: Uint8Array): DecodedNote {
  if (bytes.length > MAX_PARSED_NOTE_BYTES) return { text: '', problems: [tooLarge(bytes.length)] };
  const sniff = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < sniff; i++) {
    if (bytes[i] === 0) {
      return {
        text: '',
        problems: [{ code: 'binary-file', message: 'File looks binary (it contains NUL bytes), not like a markdown note: it is not parsed.', range: range(0, 0, 0, 0) }],
      };
    }
  }
  try {
    return { text: strictDecoder.decode(bytes), problems: [] };
  } catch {
    const text = lenientDecoder.decode(bytes);
    return { text, problems: [invalidUtf8Problem(text)] };
  }
}

/** The problem of a note over {@link MAX_PARSED_NOTE_BYTES}, whether it was read or only measured. */
export function tooLarge(size: number): ReadProblem {
  return {
    code: 'file-too-large',
    message: `Note is ${(size / 1048576).toFixed(1)} MB, over the ${MAX_PARSED_NOTE_BYTES / 1048576} MB limit: its links, headings and blocks are not indexed.`,
    range: range(0, 0, 0, 0),
  };
}

/**
 * An editor buffer (already text) held to the same size limit as files on disk: a huge note open in the editor
 * must not be re-parsed on every keystroke. Measured in UTF-16 code units, at least the UTF-8 size of ASCII.
 */
export function checkTextSize(text: string): DecodedNote {
  return text.length > MAX_PARSED_NOTE_BYTES ? { text: '', problems: [tooLarge(text.length)] } : { text, problems: [] };
}

function invalidUtf8Problem(text: string): ReadProblem {
  const at = text.indexOf('\uFFFD');
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const character = Math.max(0, at - lineStart);
  return {
    code: 'invalid-utf8',
    message: 'Invalid UTF-8: the file is not valid UTF-8 text (shown here with U+FFFD in place of the bad bytes); save it as UTF-8 before editing, or text may be lost.',
    range: range(line, character, line, character + 1),
  };
}
