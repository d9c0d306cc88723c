/**
 * Cold start: scan a vault folder, read and parse every note, and build the index in one pass.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { NoteModel, ReadProblem } from './model';
import { parseNote } from './parser';
import { checkTextSize, decodeNote, MAX_PARSED_NOTE_BYTES, tooLarge, type DecodedNote } from './reader';
import { errorText, scanVault, type ScanOptions, type ScanWarning } from './scan';
import { isNotePath } from './paths';
import { VaultRules } from './membership';
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
  /** Vault paths of symlinks that lead outside the vault: not read, not indexed. */
  outside: string[];
  /** The membership rules the vault was loaded with, with the `.gitignore` files the walk found. */
  rules: VaultRules;
}

/** How long the loader works before yielding to the event loop, so that a server stays responsive. */
const SLICE_MS = 20;

export async function loadVault(root: string, options: LoadOptions = {}): Promise<LoadedVault> {
  const rules = options.rules ?? new VaultRules();
  const scan = await scanVault(root, { ...options, rules });
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
  return { index, warnings, outside: scan.outside, rules };
}

/** {@link readAndParse} without the promise: for the loader's time slices. */
export function readAndParseSync(root: string, rel: string, warnings?: ScanWarning[]): NoteModel | undefined {
  let read: BoundedRead;
  try {
    read = readNoteFileSync(path.join(root, ...rel.split('/')));
  } catch (e) {
    return readFailure(rel, e, warnings);
  }
  return parseRead(rel, read);
}

/** A note file's bytes, or its size when it is over the parse limit (then nothing was read). */
export type BoundedRead = { bytes: Uint8Array } | { tooLarge: number };

/**
 * Reads a note file unless it is over {@link MAX_PARSED_NOTE_BYTES}: the size is checked first, so a huge file
 * costs a `stat`, not its size in memory. A file that grows between the check and the read is still caught by
 * the decoder's own length check.
 */
export function readNoteFileSync(abs: string): BoundedRead {
  const size = fs.statSync(abs).size;
  if (size > MAX_PARSED_NOTE_BYTES) return { tooLarge: size };
  return { bytes: fs.readFileSync(abs) };
}

async function readNoteFile(abs: string): Promise<BoundedRead> {
  const size = (await fs.promises.stat(abs)).size;
  if (size > MAX_PARSED_NOTE_BYTES) return { tooLarge: size };
  return { bytes: await fs.promises.readFile(abs) };
}

/** The text of a note file as the indexer decodes it (`''` for one over the size limit), never read whole first. */
export function readNoteTextSync(abs: string): string {
  const read = readNoteFileSync(abs);
  return 'bytes' in read ? decodeNote(read.bytes).text : '';
}

function parseRead(rel: string, read: BoundedRead): NoteModel {
  return 'bytes' in read ? parseBytes(rel, read.bytes) : parseDecoded(rel, { text: '', problems: [tooLarge(read.tooLarge)] });
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
  let read: BoundedRead;
  try {
    read = await readNoteFile(path.join(root, ...rel.split('/')));
  } catch (e) {
    return readFailure(rel, e, warnings);
  }
  return parseRead(rel, read);
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

export interface MembershipChange {
  /** Files that entered the index. */
  added: string[];
  /** Files that left it. */
  removed: string[];
  /** Notes whose diagnostics may have changed (the removed ones included). */
  affected: Set<string>;
  /** Vault paths of symlinks leading outside the vault, found by the walk. */
  outside: string[];
}

/**
 * Brings a loaded index in line with new membership rules (settings or ignore files changed): walks the vault
 * with `rules`, removes the files no longer members, reads and adds the ones that became members. Notes open in
 * the editor are passed as `buffers` (vault path → text): they are parsed from their text, and one not on disk
 * yet stays while `rules` keep it. The result equals a fresh {@link loadVault} with the same rules.
 */
export async function applyMembership(root: string, index: VaultIndex, rules: VaultRules, buffers: ReadonlyMap<string, string> = new Map()): Promise<MembershipChange> {
  const scan = await scanVault(root, { rules });
  const onDisk = new Set(scan.files);
  const keeps = (p: string): boolean => onDisk.has(p) || (isNotePath(p) && buffers.has(p) && rules.isMember(p));
  const removed = [...index.files.paths()].filter((p) => !keeps(p));
  const added = scan.files.filter((p) => !index.files.has(p));
  const affected = new Set<string>(removed);
  for (const p of removed) for (const a of index.removeFile(p)) affected.add(a);
  const entered: string[] = [];
  for (const p of added) {
    let changed: Set<string>;
    if (isNotePath(p)) {
      const text = buffers.get(p);
      const model = text !== undefined ? parseBuffer(p, text) : await readAndParse(root, p);
      if (!model) continue;
      changed = index.upsertNote(model);
    } else {
      changed = index.addAttachment(p);
    }
    entered.push(p);
    for (const a of changed) affected.add(a);
  }
  return { added: entered, removed, affected, outside: scan.outside };
}
