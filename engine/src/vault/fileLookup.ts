/**
 * An incremental index of the vault's file paths (notes and attachments) for link resolution.
 *
 * Link resolution (R3.1–R3.4) only ever asks about files with one particular name, so every file is filed under
 * its lower-cased NFC file name; a name or path-suffix lookup then costs O(files with that name), not O(vault).
 * Paths are stored in their canonical form (see `normalizeVaultPath`) with their original case; which files
 * belong in the vault (hidden folders, accepted extensions, R3.9) is decided by the caller before `add`.
 */

import { basename, lookupKey, NOTE_EXTENSION, normalizeVaultPath } from './paths';
import { StringSetMap } from './stringSets';

export class FileLookup {
  /** Canonical path → its lookup key (cached: suffix tests compare against it on every lookup). */
  private readonly files = new Map<string, string>();
  /** Lookup key of the whole path → canonical paths (several only on case-sensitive file systems). */
  private readonly byKey = new StringSetMap();
  /** Lookup key of the file name → canonical paths. */
  private readonly byName = new StringSetMap();

  /** Counts the changes to the set, so that what is worked out from it can be kept until it changes. */
  private changes = 0;

  constructor(paths: Iterable<string> = []) {
    for (const p of paths) this.add(p);
  }

  /** Changes whenever a file is added or removed (or the set cleared). */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.files.size;
  }

  /** Adds a file; returns false when it was already there (or the path is empty). */
  add(path: string): boolean {
    const p = normalizeVaultPath(path);
    if (p === '' || this.files.has(p)) return false;
    const key = lookupKey(p);
    this.files.set(p, key);
    this.byKey.add(key, p);
    this.byName.add(basename(key), p);
    this.changes++;
    return true;
  }

  /** Removes a file; returns false when it was not there. */
  remove(path: string): boolean {
    const p = normalizeVaultPath(path);
    const key = this.files.get(p);
    if (key === undefined) return false;
    this.files.delete(p);
    this.byKey.delete(key, p);
    this.byName.delete(basename(key), p);
    this.changes++;
    return true;
  }

  /** Exact, case-sensitive membership (after canonicalisation). */
  has(path: string): boolean {
    return this.files.has(normalizeVaultPath(path));
  }

  clear(): void {
    this.changes++;
    this.files.clear();
    this.byKey.clear();
    this.byName.clear();
  }

  /** All stored paths, in insertion order. */
  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  /** Files whose whole vault path equals `path` case-insensitively. */
  withPath(path: string): string[] {
    return [...this.byKey.values(lookupKey(normalizeVaultPath(path)))];
  }

  /** Files whose file name (extension included) equals `name` case-insensitively: `Note.md`, `x.PDF`. */
  withName(name: string): string[] {
    return [...this.byName.values(lookupKey(name))];
  }

  /** Notes named `noteName` + `.md`, case-insensitively: `withNoteName('log')` finds `a/Log.md`. */
  withNoteName(noteName: string): string[] {
    return this.withName(`${noteName}.${NOTE_EXTENSION}`);
  }

  /**
   * Files whose path is `suffix` or ends with `/` + `suffix`, case-insensitively: `b/note.md` finds `b/Note.md`
   * and `a/b/Note.md` but not `ab/Note.md` (the `/` boundary is required, see resolve.ts).
   */
  withPathSuffix(suffix: string): string[] {
    const s = lookupKey(normalizeVaultPath(suffix));
    if (s === '') return [];
    const named = this.byName.values(basename(s));
    const out: string[] = [];
    const tail = `/${s}`;
    for (const p of named) {
      const key = this.files.get(p)!;
      if (key === s || key.endsWith(tail)) out.push(p);
    }
    return out;
  }
}

/**
 * The vault's file set as it will be once some files have moved, without copying it: every lookup asks the
 * current set and corrects the answer for the moved files, so building one costs O(moved files), not O(vault).
 * Rename planning resolves links and writes link text against it. Read-only.
 */
export class MovedFileLookup extends FileLookup {
  private readonly gone = new Set<string>();
  private readonly arrived: FileLookup;

  /** `moves`: old vault path → new vault path, for files of `base`. */
  constructor(
    private readonly base: FileLookup,
    moves: ReadonlyMap<string, string>,
  ) {
    super();
    for (const from of moves.keys()) this.gone.add(normalizeVaultPath(from));
    this.arrived = new FileLookup(moves.values());
  }

  override get size(): number {
    return this.base.size - this.gone.size + this.arrived.size;
  }

  override add(_path: string): boolean {
    throw new Error('MovedFileLookup is read-only');
  }

  override remove(_path: string): boolean {
    throw new Error('MovedFileLookup is read-only');
  }

  override clear(): void {
    throw new Error('MovedFileLookup is read-only');
  }

  override has(path: string): boolean {
    const p = normalizeVaultPath(path);
    return this.arrived.has(p) || (!this.gone.has(p) && this.base.has(p));
  }

  override *paths(): IterableIterator<string> {
    for (const p of this.base.paths()) if (!this.gone.has(p)) yield p;
    yield* this.arrived.paths();
  }

  override withPath(path: string): string[] {
    return this.merge(this.base.withPath(path), this.arrived.withPath(path));
  }

  override withName(name: string): string[] {
    return this.merge(this.base.withName(name), this.arrived.withName(name));
  }

  override withPathSuffix(suffix: string): string[] {
    return this.merge(this.base.withPathSuffix(suffix), this.arrived.withPathSuffix(suffix));
  }

  private merge(before: string[], added: string[]): string[] {
    const kept = before.filter((p) => !this.gone.has(p) && !this.arrived.has(p));
    return kept.length === 0 ? added : [...kept, ...added];
  }
}
