/**
 * Cold start: scan a vault folder, read and parse every note, and build the index in one pass.
 * Reading overlaps parsing (a bounded number of reads in flight), so the whole load costs little more than the
 * reads themselves.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { NoteModel, ReadProblem } from './model';
import { parseNote } from './parser';
import { decodeNote } from './reader';
import { errorText, scanVault, type ScanOptions, type ScanWarning } from './scan';
import { isNotePath } from './paths';
import { range } from './text';
import { VaultIndex } from './vault';

export interface LoadOptions extends ScanOptions {
  /** Called now and then with the number of notes read so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface LoadedVault {
  index: VaultIndex;
  /** Problems with the folder itself or files that vanished while it was read: one line each. */
  warnings: ScanWarning[];
}

const READS_IN_FLIGHT = 32;

export async function loadVault(root: string, options: LoadOptions = {}): Promise<LoadedVault> {
  const scan = await scanVault(root, options);
  const warnings = [...scan.warnings];
  const notePaths = scan.files.filter(isNotePath);
  const attachments = scan.files.filter((p) => !isNotePath(p));
  const models: Array<NoteModel | undefined> = new Array(notePaths.length);
  let next = 0;
  let done = 0;
  const total = notePaths.length;

  async function worker(): Promise<void> {
    while (next < total) {
      const i = next++;
      const rel = notePaths[i];
      models[i] = await readAndParse(root, rel, warnings);
      done++;
      if (options.onProgress && (done % 500 === 0 || done === total)) options.onProgress(done, total);
    }
  }
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, total) }, worker));

  const index = new VaultIndex();
  index.load(models.filter((m): m is NoteModel => m !== undefined), attachments);
  return { index, warnings };
}

/** Reads one note; a note that cannot be read is still a note (links to it resolve) that carries the problem. */
export async function readAndParse(root: string, rel: string, warnings?: ScanWarning[]): Promise<NoteModel | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(path.join(root, ...rel.split('/')));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      warnings?.push({ path: rel, message: 'deleted while the vault was being read: skipped' });
      return undefined;
    }
    return unreadableNote(rel, `Cannot read this note: ${errorText(e)}.`);
  }
  return parseBytes(rel, bytes);
}

export function parseBytes(rel: string, bytes: Uint8Array): NoteModel {
  const decoded = decodeNote(bytes);
  const note = parseNote(rel, decoded.text);
  note.readProblems.push(...decoded.problems);
  return note;
}

export function unreadableNote(rel: string, message: string): NoteModel {
  const note = parseNote(rel, '');
  const problem: ReadProblem = { code: 'unreadable-file', message, range: range(0, 0, 0, 0) };
  note.readProblems.push(problem);
  return note;
}
