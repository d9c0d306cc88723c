/**
 * Restoring encoding damage (syntax/mojibake.ts) in a note file on disk, for `ospo-notes check --fix-encoding`.
 *
 * The file is read again and the damage found in exactly those bytes, so nothing is computed against older text.
 * Only the damaged runs change: a byte order mark, line endings and every other byte are written back as they
 * were, and the file keeps its mode. A file that is not valid UTF-8 is never rewritten: its text as decoded (U+FFFD in place of the bad bytes)
 * is not the file. (The language server never writes files; it proposes edits.)
 */
import * as fs from 'fs';
import * as path from 'path';
import type { EncodingDamage } from '../model';
import { parseNote } from '../syntax/parser';
import { confineToVault } from './confine';
import { readNoteFileSync } from './load';

export interface EncodingRepair {
  /** Vault path of the note. */
  path: string;
  /** The runs restored (or that would be, in a dry run), in document order. */
  damage: EncodingDamage[];
  /** The file was rewritten. */
  written: boolean;
  /** Why the file is left as it is, when it has damage or could not be checked. */
  skipped?: string;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/**
 * Finds the encoding damage of the note at vault path `rel` in the vault at `root`, and with `write` restores it
 * in the file.
 */
export function repairNoteEncoding(root: string, rel: string, options: { write: boolean }): EncodingRepair {
  const confined = confineToVault(root, rel);
  if (!confined.ok) return { path: rel, damage: [], written: false, skipped: confined.reason };
  let bytes: Uint8Array;
  try {
    const read = readNoteFileSync(confined.real);
    if (!('bytes' in read)) return { path: rel, damage: [], written: false, skipped: 'too large to be checked' };
    bytes = read.bytes;
  } catch (e) {
    return { path: rel, damage: [], written: false, skipped: `cannot be read: ${(e as Error).message}` };
  }
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
  let text: string;
  try {
    text = strictUtf8.decode(bytes.subarray(bom));
  } catch {
    return { path: rel, damage: [], written: false, skipped: 'not valid UTF-8, so it is not rewritten (save it as UTF-8 first)' };
  }
  const damage = parseNote(rel, text).encodingDamage ?? [];
  if (damage.length === 0 || !options.write) return { path: rel, damage, written: false };
  const restored = utf8.encode(applyRepairs(text, damage));
  const out = new Uint8Array(bom + restored.length);
  out.set(bytes.subarray(0, bom));
  out.set(restored, bom);
  try {
    replaceFile(confined.real, out);
  } catch (e) {
    return { path: rel, damage, written: false, skipped: `cannot be written: ${(e as Error).message}` };
  }
  return { path: rel, damage, written: true };
}

/**
 * Writes `bytes` as the file at `abs` (a real path, symlinks resolved) all at once: into a hidden file beside it
 * with the same mode, then renamed over it, so that an interrupted write leaves the note as it was.
 */
function replaceFile(abs: string, bytes: Uint8Array): void {
  const mode = fs.statSync(abs).mode & 0o7777;
  const temp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.ospo-notes-tmp`);
  try {
    const fd = fs.openSync(temp, 'wx', mode);
    try {
      fs.writeFileSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(temp, mode);
    fs.renameSync(temp, abs);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/** `text` with every run replaced; runs lie within one line each, in document order, and never overlap. */
export function applyRepairs(text: string, damage: readonly EncodingDamage[]): string {
  // Line starts with the line breaks splitLines counts (`\r\n`, `\r`, `\n`), so ranges map to the same offsets.
  const starts = [0];
  const breaks = /\r\n|\r|\n/g;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) starts.push(m.index + m[0].length);
  let out = '';
  let at = 0;
  for (const d of damage) {
    const from = starts[d.range.start.line] + d.range.start.character;
    const to = starts[d.range.end.line] + d.range.end.character;
    if (text.slice(from, to) !== d.damaged) throw new Error(`encoding repair out of step with the text at line ${d.range.start.line + 1}`);
    out += text.slice(at, from) + d.replacement;
    at = to;
  }
  return out + text.slice(at);
}
