/**
 * Cold start: scan a vault folder, read and parse every note, and build the index in one pass.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { NoteModel, ReadProblem } from './model';
import { parseNote } from './parser';
import { checkTextSize, decodeNote, type DecodedNote } from './reader';
import { errorText, scanVault, type ScanOptions, type ScanWarning } from './scan';
import { dirname, isNotePath } from './paths';
import { range } from './text';
import { emptyChange, mergeChange, VaultIndex, type IndexChange } from './vault';

/**
 * The file reads the loader and the server make, as a seam: the io layer implements it on Node's `fs`
 * ({@link nodeVaultFs}); a test or another host can give its own. (The folder walk, scan.ts, still uses `fs`.)
 */
export interface VaultFs {
  readFile(absPath: string): Promise<Uint8Array>;
  readFileSync(absPath: string): Uint8Array;
  stat(absPath: string): Promise<{ isFile(): boolean; isDirectory(): boolean }>;
}

export const nodeVaultFs: VaultFs = {
  readFile: (p) => fs.promises.readFile(p),
  readFileSync: (p) => fs.readFileSync(p),
  stat: (p) => fs.promises.stat(p),
};

export interface LoadOptions extends ScanOptions {
  /** How files are read (default: Node's fs). */
  fs?: VaultFs;
  /** Called now and then with the number of notes read so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** The longest stretch of work between yields to the event loop, in milliseconds (default 20). */
  sliceMs?: number;
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
  const sliceMs = options.sliceMs ?? SLICE_MS;
  // Synchronous reads in time slices: for many small files they cost a quarter of promise-based reads (no
  // thread-pool round trips for open, stat, read and close), and the slices keep the event loop free.
  let sliceStart = performance.now();
  for (let i = 0; i < total; i++) {
    const model = readAndParseSync(root, notePaths[i], warnings, options.fs);
    if (model) models.push(model);
    const done = i + 1;
    if (options.onProgress && (done % 500 === 0 || done === total)) options.onProgress(done, total);
    if (performance.now() - sliceStart > sliceMs) {
      await new Promise((r) => setImmediate(r));
      sliceStart = performance.now();
    }
  }
  const index = new VaultIndex();
  await index.loadInSlices(models, attachments, sliceMs);
  return { index, warnings };
}

/** {@link readAndParse} without the promise: for the loader's time slices. */
export function readAndParseSync(root: string, rel: string, warnings?: ScanWarning[], files: VaultFs = nodeVaultFs): NoteModel | undefined {
  let bytes: Uint8Array;
  try {
    bytes = files.readFileSync(path.join(root, ...rel.split('/')));
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
export async function readAndParse(root: string, rel: string, warnings?: ScanWarning[], files: VaultFs = nodeVaultFs): Promise<NoteModel | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await files.readFile(path.join(root, ...rel.split('/')));
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

/** What a file watcher reports: a vault-relative path (file or folder) and what happened to it. */
export interface FileEvent {
  path: string;
  kind: 'created' | 'changed' | 'deleted';
}

export interface FileEventOptions extends ScanOptions {
  /** Notes open in an editor: their buffers, not the disk, are the truth while open (a deletion still counts). */
  isOpen?: (path: string) => boolean;
  /** How files are read (default: Node's fs). */
  fs?: VaultFs;
}

/**
 * Brings the index up to the disk for the paths that file events name. The event's kind is only a hint: what the
 * path is *now* decides (a file is read, a folder is walked, a missing path is removed with everything under it),
 * each path once, in the order of its last event. So events queued while a vault loads, applied after it, give
 * the index a fresh load of the final tree would give, however they interleaved with the load's reads.
 */
export async function applyFileEvents(index: VaultIndex, root: string, events: readonly FileEvent[], options: FileEventOptions = {}): Promise<IndexChange> {
  const result = emptyChange();
  const remove = (p: string): void => {
    mergeChange(result, index.removeFile(p));
  };
  const addFile = async (p: string): Promise<void> => {
    if (isNotePath(p)) {
      if (options.isOpen?.(p)) return;
      const model = await readAndParse(root, p, undefined, options.fs);
      if (model) mergeChange(result, index.upsertNote(model));
    } else if (!index.files.has(p)) {
      mergeChange(result, index.addAttachment(p));
    }
  };
  // Folders that hold indexed files (a superset: only additions are tracked), so that a path event costs a walk
  // of the index only when it names such a folder.
  const folders = new Set<string>();
  const addFolders = (f: string): void => {
    for (let d = dirname(f); d !== '' && !folders.has(d); d = dirname(d)) folders.add(d);
  };
  for (const f of index.files.paths()) addFolders(f);
  const last = new Map<string, FileEvent>();
  for (const e of events) {
    last.delete(e.path);
    last.set(e.path, e);
  }
  for (const p of last.keys()) {
    const abs = path.join(root, ...p.split('/'));
    const kind = await kindOnDisk(abs, options.fs ?? nodeVaultFs);
    const wasFile = index.files.has(p) || index.note(p) !== undefined;
    if (kind !== 'file' && wasFile) remove(p);
    if (kind === 'folder') {
      const inside = await scanVault(abs, options);
      const found = new Set(inside.files.map((f) => `${p}/${f}`));
      if (folders.has(p)) for (const f of filesUnder(index, p)) if (!found.has(f)) remove(f);
      for (const f of found) {
        await addFile(f);
        addFolders(f);
      }
      continue;
    }
    // A file now, or nothing: no folder of that name remains.
    if (!wasFile && folders.has(p)) for (const f of filesUnder(index, p)) remove(f);
    if (kind === 'file') {
      await addFile(p);
      addFolders(p);
    }
  }
  return result;
}

function filesUnder(index: VaultIndex, folder: string): string[] {
  const prefix = folder + '/';
  return [...index.files.paths()].filter((f) => f.startsWith(prefix));
}

async function kindOnDisk(abs: string, files: VaultFs): Promise<'file' | 'folder' | 'missing'> {
  try {
    const st = await files.stat(abs);
    return st.isFile() ? 'file' : st.isDirectory() ? 'folder' : 'missing';
  } catch {
    return 'missing';
  }
}
