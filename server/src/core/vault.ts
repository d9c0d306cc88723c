/**
 * The vault index: every note's model, every file's path, every link's resolution, and the reverse edges.
 *
 * Incremental by construction. Each change (a note's new content, a file added or removed) re-resolves only the
 * notes whose results can change, found through two reverse maps:
 *  - `waiting`: link name key → notes with a link of that key. A file with that key appearing or disappearing can
 *    change what those links resolve to (or whether they are ambiguous);
 *  - `backlinks`: target path → notes with a link resolved to it. A target's new headings or block ids can
 *    change those links' subpath results.
 * A change therefore costs O(its neighbours), never O(vault).
 */
import type { NoteModel } from './model';
import { FileLookup } from './fileLookup';
import { fileNameKey, linkNameKey, resolveLink, waitingKeys, type LinkTarget, type ResolutionMemo, type VaultView } from './links';
import { isNotePath, lookupKey, stem } from './paths';

export class VaultIndex implements VaultView {
  readonly files = new FileLookup();
  private readonly notes = new Map<string, NoteModel>();
  /** Per note, the resolution of each of its links (same order as `note.links`). */
  private readonly targets = new Map<string, LinkTarget[]>();
  private readonly backlinks = new Map<string, Set<string>>();
  private readonly waiting = new Map<string, Set<string>>();
  /**
   * The keys of `waiting`, bucketed like {@link NameIndex}: the links whose "did you mean" a file's name can change
   * (a near name appearing or disappearing changes the suggestions even though the link stays unresolved).
   */
  private readonly waitingBuckets = new Map<string, Set<string>>();
  private readonly aliasIndex = new Map<string, Set<string>>();
  private readonly titleIndex = new Map<string, Set<string>>();
  private readonly tagIndex = new Map<string, Map<string, number>>();
  private readonly names = new NameIndex();
  /** Bumped on every change: lets callers cache derived data (completion lists) cheaply. */
  private generationCounter = 0;

  get generation(): number {
    return this.generationCounter;
  }

  note(path: string): NoteModel | undefined {
    return this.notes.get(path);
  }

  get noteCount(): number {
    return this.notes.size;
  }

  allNotes(): IterableIterator<NoteModel> {
    return this.notes.values();
  }

  notePaths(): IterableIterator<string> {
    return this.notes.keys();
  }

  /** Resolutions of a note's links, parallel to `note.links`. */
  linkTargets(path: string): readonly LinkTarget[] {
    return this.targets.get(path) ?? [];
  }

  /** Notes with at least one link resolved to `path` (any subpath). */
  backlinksOf(path: string): ReadonlySet<string> {
    return this.backlinks.get(path) ?? EMPTY;
  }

  /** Notes whose `aliases` contain this text (case-insensitive). Aliases do not resolve links (R3.7). */
  notesWithAlias(alias: string): ReadonlySet<string> {
    return this.aliasIndex.get(lookupKey(alias)) ?? EMPTY;
  }

  notesWithTitle(title: string): ReadonlySet<string> {
    return this.titleIndex.get(lookupKey(title)) ?? EMPTY;
  }

  /** Notes with a link whose last path segment is this name (resolved or not). */
  notesLinkingName(name: string): ReadonlySet<string> {
    return this.waiting.get(linkNameKey(name)) ?? EMPTY;
  }

  /** Every tag (case-folded key → notes using it with their counts). */
  tags(): ReadonlyMap<string, ReadonlyMap<string, number>> {
    return this.tagIndex;
  }

  notesWithTag(tag: string): ReadonlyMap<string, number> {
    return this.tagIndex.get(lookupKey(tag)) ?? new Map();
  }

  /**
   * Loads many files at once (a cold start): models and attachments are added first, then every link is
   * resolved once against the complete file set.
   */
  load(notes: Iterable<NoteModel>, attachments: Iterable<string>): void {
    this.addAll(notes, attachments);
    const memo = new Map();
    for (const path of this.notes.keys()) this.resolveNote(path, memo);
    this.generationCounter++;
  }

  /**
   * {@link load} in time slices: resolution of a large vault takes seconds, and a language server must keep
   * answering (cancellations, progress) meanwhile. `yieldEvery` is the longest slice in milliseconds.
   */
  async loadInSlices(notes: Iterable<NoteModel>, attachments: Iterable<string>, yieldEvery = 20): Promise<void> {
    this.addAll(notes, attachments);
    const memo = new Map();
    let sliceStart = performance.now();
    for (const path of [...this.notes.keys()]) {
      this.resolveNote(path, memo);
      if (performance.now() - sliceStart > yieldEvery) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
    this.generationCounter++;
  }

  /** The first half of a bulk load: every file and note in, nothing resolved yet. */
  private addAll(notes: Iterable<NoteModel>, attachments: Iterable<string>): void {
    for (const path of attachments) if (this.files.add(path)) this.names.add(path);
    for (const note of notes) {
      if (this.files.add(note.path)) this.names.add(note.path);
      this.notes.set(note.path, note);
      this.indexNoteNames(note, +1);
    }
  }

  /**
   * Adds or replaces a note. Returns the notes whose link results may have changed, the note itself included.
   */
  upsertNote(note: NoteModel): Set<string> {
    const path = note.path;
    const previous = this.notes.get(path);
    const affected = new Set<string>([path]);
    // Other notes' results depend on this note's headings and block ids (their subpaths) and on its aliases and
    // title ("did you mean"); typing in a paragraph changes neither, so it re-resolves this note alone.
    const namesChanged = !previous || namesOf(previous) !== namesOf(note);
    if (!previous) {
      if (this.files.add(path)) this.names.add(path);
      this.addNotesWaitingNear(path, affected);
    } else {
      // Drop the old links' edges while the old model is still in place: they are keyed by its links.
      this.unresolveNote(path);
      this.indexNoteNames(previous, -1);
      if (subpathTargetsOf(previous) !== subpathTargetsOf(note)) for (const p of this.backlinks.get(path) ?? EMPTY) affected.add(p);
      if (namesChanged) this.addNotesWaitingOnNames(previous, affected);
    }
    if (namesChanged) this.addNotesWaitingOnNames(note, affected);
    this.notes.set(path, note);
    this.indexNoteNames(note, +1);
    for (const p of affected) this.resolveNote(p);
    this.generationCounter++;
    return affected;
  }

  /** Notes with links waiting under one of the note's aliases or its title: their suggestions name it. */
  private addNotesWaitingOnNames(note: NoteModel, affected: Set<string>): void {
    for (const name of [...note.aliases, note.title ?? '']) for (const p of this.waiting.get(linkNameKey(name)) ?? EMPTY) affected.add(p);
  }

  /** Adds a non-note file (image, pdf…). Returns the notes whose link results may have changed. */
  addAttachment(path: string): Set<string> {
    if (isNotePath(path)) throw new Error(`addAttachment called with a note: ${path}`);
    const affected = new Set<string>();
    if (!this.files.add(path)) return affected;
    this.names.add(path);
    this.addNotesWaitingNear(path, affected);
    for (const p of affected) this.resolveNote(p);
    this.generationCounter++;
    return affected;
  }

  /** Removes a note or attachment. Returns the notes whose link results may have changed. */
  removeFile(path: string): Set<string> {
    const affected = new Set<string>();
    const note = this.notes.get(path);
    if (!this.files.remove(path) && !note) return affected;
    this.names.remove(path);
    this.addNotesWaitingNear(path, affected);
    for (const p of this.backlinks.get(path) ?? EMPTY) affected.add(p);
    if (note) {
      this.addNotesWaitingOnNames(note, affected);
      this.indexNoteNames(note, -1);
      this.unresolveNote(path);
      this.notes.delete(path);
      affected.delete(path);
    }
    for (const p of affected) this.resolveNote(p);
    this.generationCounter++;
    return affected;
  }

  /** Renames a file: a removal and an addition, with the note's model moved to its new path. */
  renameFile(from: string, to: string, model?: NoteModel): Set<string> {
    const note = this.notes.get(from);
    const affected = this.removeFile(from);
    if (isNotePath(to)) {
      const moved = model ?? (note ? { ...note, path: to } : undefined);
      if (moved) for (const p of this.upsertNote(moved)) affected.add(p);
    } else {
      for (const p of this.addAttachment(to)) affected.add(p);
    }
    return affected;
  }

  /**
   * Files whose names are close to a linkpath that resolves to nothing: same name once spaces, dashes,
   * underscores and dots are ignored, or within a small edit distance. Best first, at most `limit`.
   */
  similarNames(linkpath: string, limit = 3): string[] {
    return this.names.similar(linkNameKey(linkpath), limit);
  }

  private resolveNote(path: string, memo?: ResolutionMemo): void {
    const note = this.notes.get(path);
    if (!note) return;
    this.unresolveNote(path);
    const targets: LinkTarget[] = new Array(note.links.length);
    for (let i = 0; i < note.links.length; i++) {
      const link = note.links[i];
      const t = resolveLink(link, path, this, memo);
      targets[i] = t;
      if (t.target !== undefined) addTo(this.backlinks, t.target, path);
      if (t.status !== 'external' && t.status !== 'empty') for (const key of waitingKeys(link)) this.addWaiting(key, path);
    }
    this.targets.set(path, targets);
  }

  private unresolveNote(path: string): void {
    const old = this.targets.get(path);
    const note = this.notes.get(path);
    if (!old || !note) return;
    for (let i = 0; i < old.length; i++) {
      const t = old[i];
      if (t.target !== undefined) removeFrom(this.backlinks, t.target, path);
      const link = note.links[i];
      if (link) for (const key of waitingKeys(link)) this.removeWaiting(key, path);
    }
    this.targets.delete(path);
  }

  private addWaiting(key: string, path: string): void {
    if (!this.waiting.has(key)) {
      const loose = looseName(key);
      if (loose) addTo(this.waitingBuckets, loose.slice(0, 2), key);
    }
    addTo(this.waiting, key, path);
  }

  private removeWaiting(key: string, path: string): void {
    removeFrom(this.waiting, key, path);
    if (!this.waiting.has(key)) {
      const loose = looseName(key);
      if (loose) removeFrom(this.waitingBuckets, loose.slice(0, 2), key);
    }
  }

  /**
   * Adds the notes with a link that the file `path` can resolve (same name key) or whose "did you mean" it can
   * change (a name {@link similarNames} would suggest), to `affected`.
   */
  private addNotesWaitingNear(path: string, affected: Set<string>): void {
    const key = fileNameKey(path);
    for (const p of this.waiting.get(key) ?? EMPTY) affected.add(p);
    const loose = looseName(key);
    if (!loose) return;
    for (const k of this.waitingBuckets.get(loose.slice(0, 2)) ?? EMPTY) {
      if (k !== key && isNearName(looseName(k), loose)) for (const p of this.waiting.get(k) ?? EMPTY) affected.add(p);
    }
  }

  private indexNoteNames(note: NoteModel, delta: 1 | -1): void {
    const op = delta > 0 ? addTo : removeFrom;
    for (const alias of note.aliases) op(this.aliasIndex, lookupKey(alias), note.path);
    if (note.title) op(this.titleIndex, lookupKey(note.title), note.path);
    for (const tag of note.tags) {
      const key = lookupKey(tag.name);
      let m = this.tagIndex.get(key);
      if (!m) {
        if (delta < 0) continue;
        m = new Map();
        this.tagIndex.set(key, m);
      }
      const n = (m.get(note.path) ?? 0) + delta;
      if (n > 0) m.set(note.path, n);
      else m.delete(note.path);
      if (m.size === 0) this.tagIndex.delete(key);
    }
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Everything of a note that links into it can resolve to: its headings (text, level, lines) and block ids
 * (id, kind, lines). Equal signatures mean equal results for every link into the note.
 */
function subpathTargetsOf(note: NoteModel): string {
  let s = '';
  for (const h of note.headings) s += `h${h.level}:${h.line}:${h.sectionEndLine}:${h.text}\u0000`;
  for (const b of note.blockIds) s += `b${b.kind}:${b.startLine}:${b.endLine}:${b.id}\u0000`;
  return s;
}

function namesOf(note: NoteModel): string {
  return [note.title ?? '', ...note.aliases].join('\u0000');
}

/** Squashes the differences people make when typing a name: case, spaces, dashes, underscores, dots. */
function looseName(key: string): string {
  return key.replace(/[\s_.\-]+/g, '');
}

/**
 * Name lookup for "did you mean". Names are bucketed by their first two loose characters so a query compares
 * against a handful of names, not the vault; a typo in the first two characters is not suggested.
 */
class NameIndex {
  private readonly byLoose = new Map<string, Set<string>>();
  private readonly buckets = new Map<string, Set<string>>();

  add(path: string): void {
    const loose = looseName(fileNameKey(path));
    if (!loose) return;
    addTo(this.byLoose, loose, path);
    addTo(this.buckets, loose.slice(0, 2), path);
  }

  remove(path: string): void {
    const loose = looseName(fileNameKey(path));
    removeFrom(this.byLoose, loose, path);
    removeFrom(this.buckets, loose.slice(0, 2), path);
  }

  similar(key: string, limit: number): string[] {
    const loose = looseName(key);
    if (!loose) return [];
    const exact = [...(this.byLoose.get(loose) ?? [])].sort(byLength);
    if (exact.length >= limit) return exact.slice(0, limit);
    const maxDistance = nearDistance(loose);
    const scored: Array<[number, string]> = [];
    for (const path of this.buckets.get(loose.slice(0, 2)) ?? []) {
      const other = looseName(fileNameKey(path));
      if (other === loose || Math.abs(other.length - loose.length) > maxDistance) continue;
      const d = editDistance(loose, other, maxDistance);
      if (d <= maxDistance) scored.push([d, path]);
    }
    scored.sort((a, b) => a[0] - b[0] || byLength(a[1], b[1]));
    return [...exact, ...scored.map(([, p]) => p)].slice(0, limit);
  }
}

/** How many edits a name may be from a looked-up name (its loose form) to be suggested for it. */
function nearDistance(loose: string): number {
  return loose.length <= 4 ? 1 : 2;
}

/** Whether {@link NameIndex.similar} for the loose name `query` can list a file whose loose name is `name`. */
function isNearName(query: string, name: string): boolean {
  if (query === name) return true;
  if (query.slice(0, 2) !== name.slice(0, 2)) return false;
  const max = nearDistance(query);
  return Math.abs(query.length - name.length) <= max && editDistance(query, name, max) <= max;
}

function byLength(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Levenshtein distance, giving up (returning max + 1) as soon as every path exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let s = map.get(key);
  if (!s) {
    s = new Set();
    map.set(key, s);
  }
  s.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const s = map.get(key);
  if (!s) return;
  s.delete(value);
  if (s.size === 0) map.delete(key);
}
