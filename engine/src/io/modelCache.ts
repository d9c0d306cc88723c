/**
 * The on-disk model cache: a vault's parsed notes, stored so that the next start reads each file, hashes its
 * bytes and takes the stored model instead of parsing it when the hash matches. Resolution and diagnostics run
 * as usual on the models, so a warm index is the index a cold start builds.
 *
 * One file per vault in the cache folder, named by a hash of the vault's real root. Each entry is a vault path,
 * the content hash of the file's bytes (size and modification time alone miss an edit that keeps both) and the
 * model, encoded by modelCodec.ts (which knows no model field). The file is versioned by everything that decides
 * what the parser produces ({@link cacheKey}); a file with another key, truncated, or whose checksum fails is
 * never trusted: it is rebuilt, and the log says why in one line. Writes go to a temporary file renamed over the
 * old one (a reader sees one whole file or the other, whichever of two writers finishes last), in the
 * background, with the encoding in time slices.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { NoteModel } from '../model';
import { MAX_NOTE_LINKS } from '../syntax/parser';
import { CorruptDataError, NotPlainDataError, PlainDecoder, PlainEncoder } from './modelCodec';
import { MAX_PARSED_NOTE_BYTES } from './reader';

/**
 * The version of the stored models' format. Bump it whenever `NoteModel`'s shape (model.ts) or what the parser
 * produces for the same bytes changes: the model cache test fails when the shape changes without a bump.
 */
export const MODEL_CACHE_FORMAT = 4;

/** The engine's version (engine/package.json; a test keeps the two equal). */
export const ENGINE_VERSION = '0.1.0';

/** Cache files are never written bigger than this (the notes beyond it are parsed at the next start). */
export const MAX_MODEL_CACHE_BYTES = 512 * 1024 * 1024;

const MAGIC = Buffer.from('OSPONMC\n', 'latin1');
const FILE_SUFFIX = '.notes-cache';

/**
 * What the parser's output depends on besides a note's path and bytes: its limits. No user setting changes
 * parsing today (membership settings decide which files are read, not what a file parses to; severities and the
 * schema apply after parsing); a setting that does goes into the `settings` of {@link ModelCacheOptions}.
 */
export function parseSettings(): Record<string, unknown> {
  return { maxParsedNoteBytes: MAX_PARSED_NOTE_BYTES, maxNoteLinks: MAX_NOTE_LINKS };
}

/** The content hash entries are keyed by: SHA-1 of the file's bytes (hashing costs a tenth of the reads). */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

let buildId: string | undefined;

/**
 * A hash of the engine code that is running: every module of a compiled engine (`engine/out`), or the bundle that
 * holds it. A changed parser (a fix that keeps the model's shape) then never reads models the old one wrote, even
 * when nobody bumped a version.
 */
export function engineBuildId(): string {
  if (buildId !== undefined) return buildId;
  const hash = createHash('sha1');
  const engineOut = path.resolve(__dirname, '..');
  try {
    if (fs.existsSync(path.join(engineOut, 'syntax', 'parser.js'))) {
      const walk = (dir: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.name.endsWith('.js')) hash.update(p.slice(engineOut.length)).update(fs.readFileSync(p));
        }
      };
      walk(engineOut);
    } else {
      hash.update(fs.readFileSync(__filename));
    }
    buildId = hash.digest('hex').slice(0, 16);
  } catch {
    // The code cannot be read back: no build id, so the engine version and format alone say what wrote a cache.
    buildId = 'unknown';
  }
  return buildId;
}

/** Everything a cache file must agree on to be read; any difference means it is rebuilt. */
export interface CacheKey {
  format: number;
  engine: string;
  build: string;
  parse: Record<string, unknown>;
}

export function cacheKey(settings: Record<string, unknown> = {}): CacheKey {
  return { format: MODEL_CACHE_FORMAT, engine: ENGINE_VERSION, build: engineBuildId(), parse: { ...parseSettings(), ...settings } };
}

/** The cache folder when a client gives none: `$XDG_CACHE_HOME/ospo-notes`, else `~/.cache/ospo-notes`. */
export function defaultCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'ospo-notes');
}

/** The cache file of a vault: named by a hash of its real root, so two spellings of one folder share it. */
export function modelCacheFile(dir: string, root: string): string {
  let real = path.resolve(root);
  try {
    real = fs.realpathSync.native(real);
  } catch {
    // A root that cannot be resolved keeps its spelling.
  }
  return path.join(dir, createHash('sha1').update(real).digest('hex').slice(0, 24) + FILE_SUFFIX);
}

export interface ModelCacheOptions {
  /** The cache folder (created when a file is written). */
  dir: string;
  /** The vault's root folder. */
  root: string;
  /** Settings that change what the parser produces, beyond {@link parseSettings}. */
  settings?: Record<string, unknown>;
  /** Where the one line on what was read, or why the file was rebuilt, goes. */
  log?: (line: string) => void;
  /** Bound of the file's size (default {@link MAX_MODEL_CACHE_BYTES}). */
  maxBytes?: number;
  /** How long an encoding slice runs before it yields (default 10 ms). */
  sliceMs?: number;
}

export interface ModelCacheStatus {
  file: string;
  /** `read`: a valid file was read; `rebuilt`: there was none, or it could not be trusted (see `reason`). */
  state: 'read' | 'rebuilt';
  reason?: string;
  /** Entries in the file read. */
  stored: number;
  /** Models taken from the cache, and notes parsed because no entry matched, since it was opened. */
  hits: number;
  misses: number;
  /** Files written since it was opened. */
  writes: number;
}

interface Entry {
  hash: string;
  model?: NoteModel;
  /** The entry's encoded model, until it is taken. */
  bytes?: Buffer;
  /** A big model as the cache's own encoder wrote it last time (see KEPT_ENCODED_BYTES). */
  encoded?: Buffer;
}

/**
 * Models whose encoding is at least this long keep it between writes, encoded once per version instead of once
 * per write: a 10 MB note of links takes hundreds of milliseconds to encode, and the cache is written again after
 * every burst of file changes. Small ones are encoded again (keeping theirs would hold a second copy of the vault).
 */
const KEPT_ENCODED_BYTES = 32 * 1024;

/** The stored models of one vault. */
export class ModelCache {
  readonly file: string;
  readonly status: ModelCacheStatus;
  private readonly entries = new Map<string, Entry>();
  private decoder?: PlainDecoder;
  /**
   * The encoder of the last writes, whose string table only grows, so the kept encodings stay valid with it; a
   * fresh one once the table holds twice what it held after its first write (strings of models gone since).
   */
  private encoder?: PlainEncoder;
  private encoderStrings = 0;
  private readonly key: CacheKey;
  private readonly log: (line: string) => void;
  private readonly maxBytes: number;
  private readonly sliceMs: number;
  /** Paths taken or put during the current load. */
  private seen?: Set<string>;
  private dirty = false;
  private timer?: ReturnType<typeof setTimeout>;
  private writing?: Promise<void>;
  private writeAgain = false;

  private constructor(readonly options: ModelCacheOptions) {
    this.file = modelCacheFile(options.dir, options.root);
    this.key = cacheKey(options.settings);
    this.log = options.log ?? (() => undefined);
    this.maxBytes = options.maxBytes ?? MAX_MODEL_CACHE_BYTES;
    this.sliceMs = options.sliceMs ?? 10;
    this.status = { file: this.file, state: 'rebuilt', stored: 0, hits: 0, misses: 0, writes: 0 };
  }

  /** Opens a vault's cache: reads and checks its file (one read; a file that fails any check is not used). */
  static open(options: ModelCacheOptions): ModelCache {
    const cache = new ModelCache(options);
    let data: Buffer | undefined;
    let reason: string | undefined;
    try {
      data = fs.readFileSync(cache.file);
    } catch (e) {
      reason = readError(e);
    }
    if (data) {
      const checked = cache.check(data);
      reason = typeof checked === 'string' ? checked : cache.index(checked, createHash('sha1').update(checked.payload).digest('hex'));
    }
    return cache.opened(reason);
  }

  /**
   * {@link open} without blocking: the file is read asynchronously and its checksum computed in slices (a
   * 100,000-note vault's cache is hundreds of megabytes), so a server answers requests meanwhile.
   */
  static async load(options: ModelCacheOptions, pause: () => Promise<void> = nextTurn): Promise<ModelCache> {
    const cache = new ModelCache(options);
    let data: Buffer | undefined;
    let reason: string | undefined;
    try {
      data = await fs.promises.readFile(cache.file);
    } catch (e) {
      reason = readError(e);
    }
    if (data) {
      const checked = cache.check(data);
      if (typeof checked === 'string') reason = checked;
      else {
        const hash = createHash('sha1');
        for (let at = 0; at < checked.payload.length; at += CHECKSUM_SLICE_BYTES) {
          hash.update(checked.payload.subarray(at, at + CHECKSUM_SLICE_BYTES));
          await pause();
        }
        reason = cache.index(checked, hash.digest('hex'));
      }
    }
    return cache.opened(reason);
  }

  private opened(reason: string | undefined): this {
    if (reason === undefined) {
      this.status.state = 'read';
      // Read counts as use: a vault that is opened but never changes keeps its file (see pruneFolder).
      try {
        const now = new Date();
        fs.utimesSync(this.file, now, now);
      } catch {
        // A read-only cache folder still serves reads.
      }
      this.log(`model cache: ${this.status.stored} notes stored in ${this.file}`);
    } else {
      this.status.reason = reason;
      this.dirty = true;
      this.log(`model cache: ${this.file}: ${reason}: rebuilding it`);
    }
    return this;
  }

  /** The file's header and payload, or why it cannot be used (everything but the checksum is checked). */
  private check(data: Buffer): string | { header: CacheHeader; payload: Buffer } {
    if (data.length < MAGIC.length + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) return 'not a model cache file (or truncated)';
    const headerLength = data.readUInt32LE(MAGIC.length);
    const payloadAt = MAGIC.length + 4 + headerLength;
    if (payloadAt > data.length) return 'truncated';
    let header: CacheHeader;
    try {
      header = JSON.parse(data.toString('utf8', MAGIC.length + 4, payloadAt)) as CacheHeader;
    } catch {
      return 'corrupted (unreadable header)';
    }
    const changed = keyDifference(header.key, this.key);
    if (changed) return changed;
    if (header.payloadBytes !== data.length - payloadAt) return data.length - payloadAt < (header.payloadBytes ?? 0) ? 'truncated' : 'corrupted (wrong length)';
    return { header, payload: data.subarray(payloadAt) };
  }

  /** Lists the entries of a checked payload whose checksum is `checksum`; the reason it cannot be used, or undefined. */
  private index({ header, payload }: { header: CacheHeader; payload: Buffer }, checksum: string): string | undefined {
    if (checksum !== header.checksum) return 'corrupted (checksum mismatch)';
    try {
      // Entries first, then the string and shape tables (written last, once every entry has added to them).
      const entriesBytes = header.entriesBytes ?? -1;
      if (!(entriesBytes >= 0 && entriesBytes <= payload.length)) throw new CorruptDataError('tables');
      this.decoder = new PlainDecoder(payload.subarray(entriesBytes));
      let at = 0;
      const varint = (): number => {
        let n = 0;
        let mul = 1;
        for (;;) {
          const b = payload[at++];
          if (b === undefined || at > entriesBytes) throw new CorruptDataError('truncated');
          n += (b & 0x7f) * mul;
          if (b < 0x80) return n;
          mul *= 0x80;
        }
      };
      while (at < entriesBytes) {
        const pathLength = varint();
        const p = payload.toString('utf8', at, at + pathLength);
        at += pathLength;
        const hash = payload.toString('hex', at, at + 20);
        at += 20;
        const modelLength = varint();
        if (at + modelLength > entriesBytes) throw new CorruptDataError('entry');
        this.entries.set(p, { hash, bytes: payload.subarray(at, at + modelLength) });
        at += modelLength;
      }
      if (this.entries.size !== header.entries) throw new CorruptDataError('entry count');
    } catch (e) {
      this.entries.clear();
      this.decoder = undefined;
      return `corrupted (${(e as Error).message})`;
    }
    this.status.stored = this.entries.size;
    return undefined;
  }

  /** Starts a whole-vault load: entries neither taken nor put until {@link finishLoad} are dropped then. */
  beginLoad(): void {
    this.seen = new Set();
  }

  /**
   * After a whole-vault load: drops the entries of files that are gone, releases the file's bytes, and writes
   * the cache in the background if anything changed.
   */
  finishLoad(): void {
    const seen = this.seen;
    this.seen = undefined;
    if (seen) {
      for (const p of this.entries.keys()) {
        if (!seen.has(p)) {
          this.entries.delete(p);
          this.dirty = true;
        }
      }
    }
    for (const e of this.entries.values()) if (e.bytes) this.decodeEntry(e);
    this.decoder = undefined;
  }

  /** The stored model of `path` when the file's content hash is `hash`; undefined (a miss) otherwise. */
  take(p: string, hash: string): NoteModel | undefined {
    this.seen?.add(p);
    const e = this.entries.get(p);
    if (!e || e.hash !== hash) {
      this.status.misses++;
      return undefined;
    }
    const model = e.model ?? this.decodeEntry(e);
    if (!model || model.path !== p) {
      this.status.misses++;
      return undefined;
    }
    this.status.hits++;
    return model;
  }

  private decodeEntry(e: Entry): NoteModel | undefined {
    const bytes = e.bytes;
    e.bytes = undefined;
    if (!bytes || !this.decoder) return undefined;
    try {
      e.model = this.decoder.decode(bytes) as NoteModel;
    } catch (err) {
      // Passed the checksum, yet does not decode: written by a faulty build. Parsed again and stored anew.
      this.log(`model cache: ${this.file}: an entry does not decode (${(err as Error).message}): it is parsed again`);
      this.dirty = true;
    }
    return e.model;
  }

  /** Records the model parsed from bytes with content hash `hash`. */
  put(p: string, hash: string, model: NoteModel): void {
    this.seen?.add(p);
    const e = this.entries.get(p);
    if (e && e.hash === hash && e.model === model) return;
    this.entries.set(p, { hash, model });
    this.dirty = true;
  }

  /** The file is no longer a note of the vault. */
  forget(p: string): void {
    if (this.entries.delete(p)) this.dirty = true;
  }

  /** Whether there are changes not written yet. */
  get pending(): boolean {
    return this.dirty;
  }

  /** Writes the cache `delayMs` after the last call (changes in a burst are written once), in the background. */
  scheduleWrite(delayMs = 2000): void {
    if (!this.dirty) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    // A pending write never keeps a process alive.
    this.timer.unref?.();
  }

  /** Stops a scheduled write (the changes stay pending). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes the cache now if anything changed; resolves when written (a failure is logged, never thrown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.writing) {
      this.writeAgain = true;
      return this.writing;
    }
    if (!this.dirty) return;
    this.writing = (async () => {
      do {
        this.writeAgain = false;
        this.dirty = false;
        try {
          await this.write();
        } catch (e) {
          this.dirty = true;
          this.log(`model cache: ${this.file}: not written: ${(e as Error).message}`);
          return;
        }
      } while (this.writeAgain && this.dirty);
    })();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  /**
   * Deletes the cache files of vaults not written for {@link STALE_CACHE_FILE_MS} and temporary files a writer
   * left behind when it died (a day old), so that a folder shared by many vaults does not grow without bound.
   */
  private async pruneFolder(): Promise<void> {
    const dir = path.dirname(this.file);
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of names) {
      const stale = name.endsWith(FILE_SUFFIX) ? STALE_CACHE_FILE_MS : name.includes(FILE_SUFFIX + '.') && name.endsWith('.tmp') ? 24 * 3600 * 1000 : undefined;
      if (stale === undefined) continue;
      const p = path.join(dir, name);
      try {
        if (now - (await fs.promises.stat(p)).mtimeMs > stale) await fs.promises.rm(p, { force: true });
      } catch {
        // Gone already, or not ours to delete.
      }
    }
  }

  private async write(): Promise<void> {
    let fresh = false;
    if (!this.encoder || this.encoder.stringCount > 2 * this.encoderStrings + 10000) {
      this.encoder = new PlainEncoder();
      for (const e of this.entries.values()) e.encoded = undefined;
      fresh = true;
    }
    const encoder = this.encoder;
    // The payload in chunks of about a megabyte, hashed as it grows: no copy of the whole file, no long pause.
    const chunks: Buffer[] = [];
    const checksum = createHash('sha1');
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let bytes = 0;
    const seal = (): void => {
      if (pending.length === 0) return;
      const chunk = Buffer.concat(pending, pendingBytes);
      checksum.update(chunk);
      chunks.push(chunk);
      pending = [];
      pendingBytes = 0;
    };
    let written = 0;
    let refused = 0;
    let overflow = 0;
    let sliceStart = performance.now();
    // A snapshot: entries put or forgotten while the slices yield are written next time.
    const snapshot = [...this.entries];
    for (const [p, e] of snapshot) {
      const model = e.model ?? this.decodeEntry(e);
      if (!model) continue;
      let encoded = e.encoded;
      try {
        if (!encoded) {
          encoded = await encoder.encodeInSlices(model, nextTurn, this.sliceMs);
          if (encoded.length >= KEPT_ENCODED_BYTES && this.entries.get(p) === e) e.encoded = encoded;
        }
      } catch (err) {
        if (!(err instanceof NotPlainDataError)) throw err;
        refused++;
        continue;
      }
      const pathBytes = Buffer.from(p, 'utf8');
      const head = Buffer.concat([varintBytes(pathBytes.length), pathBytes, Buffer.from(e.hash, 'hex'), varintBytes(encoded.length)]);
      // The bound holds for the entries; the shared string table is what they refer to, a fraction of them.
      if (bytes + head.length + encoded.length > this.maxBytes) {
        overflow++;
        continue;
      }
      pending.push(head, encoded);
      pendingBytes += head.length + encoded.length;
      bytes += head.length + encoded.length;
      if (pendingBytes > CHUNK_BYTES) seal();
      written++;
      if (performance.now() - sliceStart > this.sliceMs) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
    seal();
    if (fresh) this.encoderStrings = encoder.stringCount;
    const tables = encoder.tables();
    checksum.update(tables);
    chunks.push(tables);
    const header = Buffer.from(
      JSON.stringify({ key: this.key, root: this.options.root, entries: written, entriesBytes: bytes, payloadBytes: bytes + tables.length, checksum: checksum.digest('hex') } satisfies CacheHeader),
      'utf8',
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const out = await fs.promises.open(temp, 'w');
      try {
        await out.writev([MAGIC, length, header]);
        for (let i = 0; i < chunks.length; i += 64) await out.writev(chunks.slice(i, i + 64));
      } finally {
        await out.close();
      }
      await fs.promises.rename(temp, this.file);
    } catch (e) {
      await fs.promises.rm(temp, { force: true }).catch(() => undefined);
      throw e;
    }
    this.status.writes++;
    await this.pruneFolder();
    if (refused > 0) this.log(`model cache: ${refused} notes not stored (their models are not plain data)`);
    if (overflow > 0) this.log(`model cache: ${this.file} is bounded at ${Math.round(this.maxBytes / 1048576)} MB: ${overflow} notes not stored (parsed at each start)`);
  }
}

/** The JSON header of a cache file. */
interface CacheHeader {
  key?: CacheKey;
  root?: string;
  entries?: number;
  /** Bytes of the entries, which the payload starts with; the string and shape tables follow. */
  entriesBytes?: number;
  payloadBytes?: number;
  /** SHA-1 of the payload, hex. */
  checksum?: string;
}

/** Bytes of a cache file hashed between two turns of the event loop when it is read without blocking. */
const CHECKSUM_SLICE_BYTES = 8 * 1024 * 1024;
/** The size of the chunks a cache file is written in. */
const CHUNK_BYTES = 1024 * 1024;

function nextTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function readError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no cache yet' : `cannot be read (${code ?? (e as Error).message})`;
}

/** Cache files of vaults not opened for this long are deleted when another is written (the folder stays bounded). */
export const STALE_CACHE_FILE_MS = 30 * 24 * 3600 * 1000;

function varintBytes(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

/** Why a stored key is not the current one, in a few words; undefined when they agree. */
function keyDifference(stored: CacheKey | undefined, current: CacheKey): string | undefined {
  if (!stored || typeof stored !== 'object') return 'corrupted (no version)';
  if (stored.format !== current.format) return `written in model format ${stored.format}, not ${current.format}`;
  if (stored.engine !== current.engine) return `written by engine ${stored.engine}, not ${current.engine}`;
  if (stored.build !== current.build) return 'written by another build of the engine';
  const a = stored.parse ?? {};
  const b = current.parse;
  const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  if (changed.length > 0) return `parse settings changed (${changed.sort().join(', ')})`;
  return undefined;
}
