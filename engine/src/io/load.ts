/**
 * Cold start: scan a vault folder, read and parse every note, and build the index in one pass.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { NoteModel, ReadProblem } from '../model';
import { parseNote, parseNoteInSlices } from '../syntax/parser';
import { checkTextSize, decodeNote, MAX_PARSED_NOTE_BYTES, tooLarge, type DecodedNote } from './reader';
import { errorText, scanVault, type ScanOptions, type ScanWarning } from './scan';
import { dirname, isNotePath } from '../vault/paths';
import { VaultRules } from '../vault/membership';
import { range } from '../syntax/text';
import { emptyChange, mergeChange, VaultIndex, type IndexChange } from '../vault/vault';
import { contentHash, type ModelCache } from './modelCache';

/**
 * The file reads and stats the loader and the server make, as a seam: the io layer implements it on Node's
 * `fs` ({@link nodeVaultFs}); a test or another host can give its own. (The folder walk, scan.ts, still uses
 * `fs` directly.)
 */
export interface VaultFs {
  readFile(absPath: string): Promise<Uint8Array>;
  readFileSync(absPath: string): Uint8Array;
  stat(absPath: string): Promise<FileStat>;
  statSync(absPath: string): FileStat;
}

export interface FileStat {
  size: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

export const nodeVaultFs: VaultFs = {
  readFile: (p) => fs.promises.readFile(p),
  readFileSync: (p) => fs.readFileSync(p),
  stat: (p) => fs.promises.stat(p),
  statSync: (p) => fs.statSync(p),
};

export interface LoadOptions extends ScanOptions {
  /** Called now and then with the number of notes read so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** The longest stretch of work between yields to the event loop, in milliseconds (default 20). */
  sliceMs?: number;
  /** How files are read (default: Node's fs). */
  fs?: VaultFs;
  /** How the loader gives the event loop a turn between slices (default: one turn, `setImmediate`). */
  pause?: () => Promise<void>;
  /** Stored models (modelCache.ts): a note whose bytes hash to its entry's hash is taken from it, not parsed. */
  cache?: ModelCache;
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
  const sliceMs = options.sliceMs ?? SLICE_MS;
  // Synchronous reads in time slices: for many small files they cost a quarter of promise-based reads (no
  // thread-pool round trips for open, stat, read and close), and the slices keep the event loop free.
  let sliceStart = performance.now();
  options.cache?.beginLoad();
  for (let i = 0; i < total; i++) {
    // Only a big note's parse is awaited: the loader's own slices cover the rest without a promise per note.
    const parsed = readAndParseInSlices(root, notePaths[i], warnings, options.fs, sliceMs, options.pause, options.cache);
    const model = parsed instanceof Promise ? await parsed : parsed;
    if (model) models.push(model);
    const done = i + 1;
    if (options.onProgress && (done % 500 === 0 || done === total)) options.onProgress(done, total);
    if (performance.now() - sliceStart > sliceMs) {
      await (options.pause ?? nextTurn)();
      sliceStart = performance.now();
    }
  }
  options.cache?.finishLoad();
  const index = new VaultIndex();
  await index.loadInSlices(models, attachments, sliceMs, options.pause);
  return { index, warnings, outside: scan.outside, rules };
}

/**
 * Notes at least this big are parsed in time slices ({@link parseNoteInSlices}), yielding to the event loop in
 * between: a 10 MB note takes seconds, and the server answers requests meanwhile. Smaller ones, parsed in a few
 * milliseconds, are parsed at once.
 */
export const SLICED_PARSE_CHARACTERS = 256 * 1024;

/** Reads one note as {@link readAndParse} does; a big note is parsed in slices of about `sliceMs` (then: a promise). */
function readAndParseInSlices(
  root: string,
  rel: string,
  warnings: ScanWarning[] | undefined,
  files: VaultFs = nodeVaultFs,
  sliceMs = SLICE_MS,
  pause?: () => Promise<void>,
  cache?: ModelCache,
): NoteModel | undefined | Promise<NoteModel> {
  let read: BoundedRead;
  try {
    read = readNoteFileSync(path.join(root, ...rel.split('/')), files);
  } catch (e) {
    return readFailure(rel, e, warnings);
  }
  if (!('bytes' in read)) return parseRead(rel, read);
  const cached = cachedModel(rel, read.bytes, cache);
  if (cached.model) return cached.model;
  if (read.bytes.length < bigNoteCharacters) return cached.store(parseRead(rel, read));
  return parseDecodedInSlices(rel, decodeNote(read.bytes), sliceMs, pause).then(cached.store);
}

/**
 * The model of a note's bytes from the cache when its entry's content hash matches; else `store`, which records
 * the model parsed from these bytes. Without a cache, nothing is hashed.
 */
function cachedModel(rel: string, bytes: Uint8Array, cache: ModelCache | undefined): { model?: NoteModel; store: (m: NoteModel) => NoteModel } {
  if (!cache) return { store: (m) => m };
  const hash = contentHash(bytes);
  const model = cache.take(rel, hash);
  return {
    model,
    store: (m) => {
      cache.put(rel, hash, m);
      return m;
    },
  };
}

function nextTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** {@link readAndParse} without the promise: for the loader's time slices. */
export function readAndParseSync(root: string, rel: string, warnings?: ScanWarning[], files: VaultFs = nodeVaultFs): NoteModel | undefined {
  let read: BoundedRead;
  try {
    read = readNoteFileSync(path.join(root, ...rel.split('/')), files);
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
export function readNoteFileSync(abs: string, files: VaultFs = nodeVaultFs): BoundedRead {
  const size = files.statSync(abs).size;
  if (size > MAX_PARSED_NOTE_BYTES) return { tooLarge: size };
  return { bytes: files.readFileSync(abs) };
}

async function readNoteFile(abs: string, files: VaultFs): Promise<BoundedRead> {
  const size = (await files.stat(abs)).size;
  if (size > MAX_PARSED_NOTE_BYTES) return { tooLarge: size };
  return { bytes: await files.readFile(abs) };
}

/** The text of a note file as the indexer decodes it (`''` for one over the size limit), never read whole first. */
export function readNoteTextSync(abs: string, files: VaultFs = nodeVaultFs): string {
  const read = readNoteFileSync(abs, files);
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

/**
 * Reads one note; a note that cannot be read is still a note (links to it resolve) that carries the problem.
 * With a `cache`, the model is taken from it when the bytes' hash matches, and recorded in it otherwise.
 */
export async function readAndParse(root: string, rel: string, warnings?: ScanWarning[], files: VaultFs = nodeVaultFs, cache?: ModelCache, pause?: () => Promise<void>): Promise<NoteModel | undefined> {
  let read: BoundedRead;
  try {
    read = await readNoteFile(path.join(root, ...rel.split('/')), files);
  } catch (e) {
    return readFailure(rel, e, warnings);
  }
  if (!('bytes' in read)) return parseRead(rel, read);
  const cached = cachedModel(rel, read.bytes, cache);
  if (cached.model) return cached.model;
  if (read.bytes.length < bigNoteCharacters) return cached.store(parseRead(rel, read));
  return cached.store(await parseDecodedInSlices(rel, decodeNote(read.bytes), SLICE_MS, pause));
}

export function parseBytes(rel: string, bytes: Uint8Array): NoteModel {
  return parseDecoded(rel, decodeNote(bytes));
}

/** An editor buffer's note model, with the same size limit as a file read from disk. */
export function parseBuffer(rel: string, text: string): NoteModel {
  return parseDecoded(rel, checkTextSize(text));
}

/**
 * {@link parseBuffer} in time slices: the same model, with turns of the event loop in between (see
 * {@link SLICED_PARSE_CHARACTERS}). For a buffer that may have changed meanwhile, the caller compares versions.
 */
export function parseBufferInSlices(rel: string, text: string, sliceMs = SLICE_MS, pause?: () => Promise<void>): Promise<NoteModel> {
  return parseDecodedInSlices(rel, checkTextSize(text), sliceMs, pause);
}

/**
 * Parses a big note's text elsewhere (the language server: on a worker thread), giving its {@link parseNote}
 * model, or undefined when it cannot (then the note is parsed here in slices). Slices are cut between a note's
 * inline units, and one unit (a paragraph; a pasted line of megabytes) is scanned at once: only another thread
 * keeps such a parse from blocking the host.
 */
export type BigNoteParser = (rel: string, text: string) => Promise<NoteModel | undefined>;

let bigNoteParser: BigNoteParser | undefined;
let bigNoteCharacters = SLICED_PARSE_CHARACTERS;

/**
 * Sets (or, with undefined, clears) where every parse in slices goes first: notes read, loaded and edited. With a
 * parser, notes from `fromCharacters` on go to it (a 100 KB note of brackets costs a blocking 100 ms here).
 */
export function setBigNoteParser(parser: BigNoteParser | undefined, fromCharacters = SLICED_PARSE_CHARACTERS): void {
  bigNoteParser = parser;
  bigNoteCharacters = parser ? Math.min(fromCharacters, SLICED_PARSE_CHARACTERS) : SLICED_PARSE_CHARACTERS;
}

/** From this many characters on, a note is parsed by the big-note parser or in slices (a promise), not at once. */
export function offTurnParseCharacters(): number {
  return bigNoteCharacters;
}

async function parseDecodedInSlices(rel: string, decoded: DecodedNote, sliceMs = SLICE_MS, pause?: () => Promise<void>): Promise<NoteModel> {
  const note = (decoded.text.length > 0 ? await bigNoteParser?.(rel, decoded.text) : undefined) ?? (await parseNoteInSlices(rel, decoded.text, sliceMs, pause));
  note.readProblems.push(...decoded.problems);
  return note;
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
export interface MembershipOptions {
  /** Notes open in the editor: vault path → text. */
  buffers?: ReadonlyMap<string, string>;
  cache?: ModelCache;
  /** What the work yields to between its slices (default: one turn of the event loop). */
  pause?: () => Promise<void>;
}

export async function applyMembership(root: string, index: VaultIndex, rules: VaultRules, options: MembershipOptions = {}): Promise<MembershipChange> {
  const { buffers = new Map<string, string>(), cache } = options;
  const pause = options.pause ?? nextTurn;
  const scan = await scanVault(root, { rules });
  const onDisk = new Set(scan.files);
  const keeps = (p: string): boolean => onDisk.has(p) || (isNotePath(p) && buffers.has(p) && rules.isMember(p));
  const removed = [...index.files.paths()].filter((p) => !keeps(p));
  const added = scan.files.filter((p) => !index.files.has(p));
  const affected = new Set<string>(removed);
  for (const p of removed) {
    cache?.forget(p);
    for (const a of index.removeFile(p).resolutions) affected.add(a);
  }
  const entered: string[] = [];
  // A folder that comes back (an ignore pattern removed) can hold thousands of notes: read in slices.
  let sliceStart = performance.now();
  for (const p of added) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await pause();
      sliceStart = performance.now();
    }
    let changed: Set<string>;
    if (isNotePath(p)) {
      const text = buffers.get(p);
      // An open buffer of megabytes is parsed in slices (or off the main thread), as an edit of it would be.
      const model = text !== undefined ? await parseBufferInSlices(p, text, SLICE_MS, pause) : await readAndParse(root, p, undefined, nodeVaultFs, cache, pause);
      if (!model) continue;
      changed = index.upsertNote(model).resolutions;
    } else {
      changed = index.addAttachment(p).resolutions;
    }
    entered.push(p);
    for (const a of changed) affected.add(a);
  }
  return { added: entered, removed, affected, outside: scan.outside };
}

/** What a file watcher reports: a vault-relative path (file or folder) and what happened to it. */
export interface FileEvent {
  path: string;
  kind: 'created' | 'changed' | 'deleted';
}

export interface FileEventOptions {
  /** The vault's membership rules: a folder that appeared is walked with them. */
  rules?: VaultRules;
  /** Called with each symlink found leading outside the vault (never read). */
  onOutside?: (path: string) => void;
  /** Notes open in an editor: their buffers, not the disk, are the truth while open (a deletion still counts). */
  isOpen?: (path: string) => boolean;
  /** How files are read (default: Node's fs). */
  fs?: VaultFs;
  /** Stored models: notes read are taken from it or recorded in it, notes removed are dropped from it. */
  cache?: ModelCache;
  /** What a big note's parse yields to between its slices (default: one turn of the event loop). */
  pause?: () => Promise<void>;
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
    options.cache?.forget(p);
    mergeChange(result, index.removeFile(p));
  };
  const addFile = async (p: string): Promise<void> => {
    if (isNotePath(p)) {
      if (options.isOpen?.(p)) return;
      const model = await readAndParse(root, p, undefined, options.fs, options.cache, options.pause);
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
      const inside = await scanVault(root, { rules: options.rules, under: p });
      for (const o of inside.outside) options.onOutside?.(o);
      const found = new Set(inside.files);
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
