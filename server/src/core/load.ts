/**
 * Cold start: scan a vault folder, read and parse every note, and build the index in one pass.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { NoteModel, ReadProblem } from './model';
import { parseNote } from './parser';
import { checkTextSize, decodeNote, type DecodedNote } from './reader';
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

/** How long the loader works before yielding to the event loop, so that a server stays responsive. */
const SLICE_MS = 20;

export async function loadVault(root: string, options: LoadOptions = {}): Promise<LoadedVault> {
  const scan = await scanVault(root, options);
  const warnings = [...scan.warnings];
  const notePaths = scan.files.filter(isNotePath);
  const attachments = scan.files.filter((p) => !isNotePath(p));
  const models: NoteModel[] = [];
  const total = notePaths.length;
  // Synchronous reads in time slices: for many small files they cost a quarter of promise-based reads (no
  // thread-pool round trips for open, stat, read and close), and the slices keep the event loop free.
  let sliceStart = performance.now();
  for (let i = 0; i < total; i++) {
    const model = readAndParseSync(root, notePaths[i], warnings);
    if (model) models.push(model);
    const done = i + 1;
    if (options.onProgress && (done % 500 === 0 || done === total)) options.onProgress(done, total);
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((r) => setImmediate(r));
      sliceStart = performance.now();
    }
  }
  const index = new VaultIndex();
  await index.loadInSlices(models, attachments, SLICE_MS);
  return { index, warnings };
}

/** {@link readAndParse} without the promise: for the loader's time slices. */
export function readAndParseSync(root: string, rel: string, warnings?: ScanWarning[]): NoteModel | undefined {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path.join(root, ...rel.split('/')));
  } catch (e) {
    return readFailure(rel, e, warnings);
  }
  return parseBytes(rel, bytes);
}

function readFailure(rel: string, e: unknown, warnings?: ScanWarning[]): NoteModel | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    warnings?.push({ path: rel, message: 'deleted while the vault was being read: skipped' });
    return undefined;
  }
  return unreadableNote(rel, `Cannot read this note: ${errorText(e)}.`);
}

/** Reads one note; a note that cannot be read is still a note (links to it resolve) that carries the problem. */
export async function readAndParse(root: string, rel: string, warnings?: ScanWarning[]): Promise<NoteModel | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(path.join(root, ...rel.split('/')));
  } catch (e) {
    return readFailure(rel, e, warnings);
  }
  return parseBytes(rel, bytes);
}

export function parseBytes(rel: string, bytes: Uint8Array): NoteModel {
  return parseDecoded(rel, decodeNote(bytes));
}

/** An editor buffer's note model, with the same size limit as a file read from disk. */
export function parseBuffer(rel: string, text: string): NoteModel {
  return parseDecoded(rel, checkTextSize(text));
}

function parseDecoded(rel: string, decoded: DecodedNote): NoteModel {
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
