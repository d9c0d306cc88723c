/**
 * Reading vault files for the preview, safely, and remembering what was parsed.
 *
 * Safety: the preview only ever reads files inside the vault root. A vault path is joined to the root, then both
 * are resolved to real paths (symlinks followed) and the file must still lie inside the root; only that real path
 * is handed to the reader. `..` in link text is already refused by the engine (`outside-vault`), a symlink that
 * leaves the vault is refused here.
 *
 * Caching: rendering is synchronous and happens on every keystroke, so embedded notes are kept parsed in a small
 * LRU keyed by real path and checked against a hash of the file's bytes: a file that did not change is never
 * parsed twice, and a file that did is noticed on the next render without any file watcher. Rendered embed
 * slices (markdown-it tokens) hang off the same entry, so they go when the note changes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import {
  decodeNote,
  isStrictlyInside,
  MAX_PARSED_NOTE_BYTES,
  type NoteModel,
  parseNote,
  type ReadProblem,
  splitLines,
  tooLarge,
} from '@ospo-notes/engine';

/** A parsed note and the source lines its model's positions refer to. */
export interface NoteEntry {
  /** Real absolute path of the file read. */
  readonly real: string;
  readonly hash: string;
  readonly model: NoteModel;
  readonly lines: readonly string[];
  /** Problems that make the note's content unusable (binary, too large); empty when it is fine. */
  readonly problems: readonly ReadProblem[];
  /** What the renderer derives from this version of the note (parsed embed slices, heading slugs), by key. */
  readonly derived: Map<string, unknown>;
}

export type LoadFailure = 'outside-vault' | 'missing' | 'unreadable';

export type Located = { real: string } | { failure: LoadFailure };

export type Loaded = { entry: NoteEntry } | { failure: LoadFailure };

export interface CacheStats {
  /** Files read through the host's `readFile`. */
  reads: number;
  /** Notes parsed (cache misses). */
  parses: number;
}

export class NoteCache {
  private readonly entries = new Map<string, NoteEntry>();
  readonly stats: CacheStats = { reads: 0, parses: 0 };

  constructor(
    private readonly readFile: (absPath: string) => Uint8Array | undefined,
    private readonly capacity = 64,
  ) {}

  clear(): void {
    this.entries.clear();
  }

  /** Reads and parses (or reuses) the note at `vaultPath`, after checking it lies inside the vault. */
  load(vault: VaultRoot, vaultPath: string): Loaded {
    const located = vault.locate(vaultPath);
    if ('failure' in located) return located;
    // The size first: a note over the limit is shown as such without being read (a huge file costs a stat).
    const size = sizeOf(located.real);
    if (size !== undefined && size > MAX_PARSED_NOTE_BYTES) {
      const problem = tooLarge(size);
      const model = parseNote(vaultPath, '');
      model.readProblems.push(problem);
      return { entry: { real: located.real, hash: '', model, lines: [''], problems: [problem], derived: new Map() } };
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = this.readFile(located.real);
    } catch {
      bytes = undefined;
    }
    this.stats.reads++;
    if (bytes === undefined) return { failure: 'unreadable' };
    const hash = createHash('sha1').update(bytes).digest('base64');
    const known = this.entries.get(located.real);
    if (known && known.hash === hash) {
      // Refresh the entry's place in the LRU order.
      this.entries.delete(located.real);
      this.entries.set(located.real, known);
      return { entry: known };
    }
    const decoded = decodeNote(bytes);
    const model = parseNote(vaultPath, decoded.text);
    this.stats.parses++;
    const problems = decoded.problems.filter((p) => p.code !== 'invalid-utf8');
    model.readProblems.push(...decoded.problems);
    const entry: NoteEntry = { real: located.real, hash, model, lines: splitLines(decoded.text), problems, derived: new Map() };
    this.entries.delete(located.real);
    this.entries.set(located.real, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return { entry };
  }
}

/**
 * One vault root for the duration of a render: resolves vault paths to real paths inside the root, remembering
 * the answers (a render asks about the same few files many times).
 */
export class VaultRoot {
  private realRoot: string | undefined | null = null;
  private readonly located = new Map<string, Located>();

  constructor(readonly root: string) {}

  /** Absolute path of a vault path, without following links. */
  absolute(vaultPath: string): string {
    return path.join(this.root, ...vaultPath.split('/'));
  }

  /** The real path of a vault file, or why it cannot be used. */
  locate(vaultPath: string): Located {
    const known = this.located.get(vaultPath);
    if (known) return known;
    const result = this.locateUncached(vaultPath);
    this.located.set(vaultPath, result);
    return result;
  }

  private locateUncached(vaultPath: string): Located {
    const abs = this.absolute(vaultPath);
    if (!isStrictlyInside(this.root, abs)) return { failure: 'outside-vault' };
    if (this.realRoot === null) this.realRoot = realpath(this.root);
    if (this.realRoot === undefined) return { failure: 'missing' };
    const real = realpath(abs);
    if (real === undefined) return { failure: 'missing' };
    if (!isStrictlyInside(this.realRoot, real)) return { failure: 'outside-vault' };
    return { real };
  }
}

function sizeOf(p: string): number | undefined {
  try {
    return fs.statSync(p).size;
  } catch {
    return undefined;
  }
}

function realpath(p: string): string | undefined {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}
