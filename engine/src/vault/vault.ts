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
 *
 * Every mutation returns an {@link IndexChange}: what entered, changed and left the index, which exports of each
 * note changed, and the notes whose resolutions may have changed. Derived indexes (completion's names, workspace
 * symbols) subscribe with {@link VaultIndex.onChange}; the server publishes and mirrors from the same records.
 */
import type { BlockId, FrontmatterEntry, FrontmatterValue, Heading, Link, NoteModel } from '../model';
import { FileLookup } from './fileLookup';
import { fileNameKey, linkNameKey, newResolutionMemo, resolveLink, waitingKeys, type LinkTarget, type ResolutionMemo, type VaultView } from './links';
import { isNotePath, lookupKey, stem } from './paths';
import { StringSetMap } from './stringSets';
import { declaredVisibility } from './visibility';

/** Which exports of a note (what other notes and the derived indexes read of it) changed. */
export interface ExportChanges {
  /** Heading texts, levels or lines (subpath targets, document and workspace symbols). */
  headings: boolean;
  /** Block ids, their kinds or lines (subpath targets). */
  blockIds: boolean;
  /** Title or aliases (suggestions, completion, symbols). */
  names: boolean;
  /** The frontmatter's keys or values. */
  frontmatter: boolean;
  /** The declared `visibility` (see vault/visibility.ts): what the notes linking or embedding it are checked against. */
  visibility: boolean;
}

/** What one mutation of the index changed. A note added or removed has all its exports changed. */
export interface IndexChange {
  /** Files (notes and attachments) that entered the index. */
  added: Set<string>;
  /** Notes that were in the index before and after, with a new model. */
  changed: Set<string>;
  /** Files that left the index. */
  removed: Set<string>;
  /** Per added, changed or removed note, which of its exports changed. */
  exports: Map<string, ExportChanges>;
  /** Notes whose link results may have changed (the note itself included): their problems need re-publishing. */
  resolutions: Set<string>;
}

export function emptyChange(): IndexChange {
  return { added: new Set(), changed: new Set(), removed: new Set(), exports: new Map(), resolutions: new Set() };
}

const ALL_EXPORTS: Readonly<ExportChanges> = { headings: true, blockIds: true, names: true, frontmatter: true, visibility: true };

/** Folds `later` into `into`, as if both mutations were one (a file added then removed was never there). */
export function mergeChange(into: IndexChange, later: IndexChange): IndexChange {
  for (const p of later.removed) {
    if (into.added.delete(p)) into.exports.delete(p);
    else into.removed.add(p);
    into.changed.delete(p);
  }
  for (const p of later.added) {
    if (into.removed.delete(p)) into.changed.add(p);
    else into.added.add(p);
  }
  for (const p of later.changed) if (!into.added.has(p)) into.changed.add(p);
  for (const [p, e] of later.exports) {
    if (!into.added.has(p) && !into.removed.has(p) && !into.changed.has(p)) continue;
    const before = into.exports.get(p);
    into.exports.set(
      p,
      before
        ? { headings: before.headings || e.headings, blockIds: before.blockIds || e.blockIds, names: before.names || e.names, frontmatter: before.frontmatter || e.frontmatter, visibility: before.visibility || e.visibility }
        : { ...e },
    );
  }
  for (const p of later.resolutions) into.resolutions.add(p);
  return into;
}

export class VaultIndex implements VaultView {
  readonly files = new FileLookup();
  private readonly notes = new Map<string, NoteModel>();
  /** Per note, the resolution of each of its links (same order as `note.links`). */
  private readonly targets = new Map<string, LinkTarget[]>();
  private readonly backlinks = new StringSetMap();
  /** Target note path → notes with an embed (`![[…]]`, `![…](…)`) resolved to it: who transcludes it. */
  private readonly embedders = new StringSetMap();
  private readonly waiting = new StringSetMap();
  /**
   * The keys of `waiting`, bucketed like {@link NameIndex}: the links whose "did you mean" a file's name can change
   * (a near name appearing or disappearing changes the suggestions even though the link stays unresolved).
   */
  private readonly waitingBuckets = new StringSetMap();
  private readonly aliasIndex = new StringSetMap();
  private readonly titleIndex = new StringSetMap();
  private readonly tagIndex = new Map<string, Map<string, number>>();
  private readonly names = new NameIndex();
  /** The editor's document version of each note last upserted from an open buffer. */
  private readonly versions = new Map<string, number>();
  private readonly listeners: Array<(change: IndexChange) => void> = [];

  /** Calls `listener` with the record of every later mutation. Returns a function that unsubscribes. */
  onChange(listener: (change: IndexChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(change: IndexChange): IndexChange {
    for (const l of this.listeners) l(change);
    return change;
  }

  /**
   * The document version of the buffer a note's model was parsed from, when it came from an open buffer (edits
   * computed from the model carry it); undefined for a model read from disk.
   */
  versionOf(path: string): number | undefined {
    return this.versions.get(path);
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
    return this.backlinks.get(path);
  }

  /** Notes with at least one embed resolved to the note `path` (any subpath): the reverse transclusion edges. */
  embeddersOf(path: string): ReadonlySet<string> {
    return this.embedders.get(path);
  }

  /** Notes whose `aliases` contain this text (case-insensitive). Aliases do not resolve links (R3.7). */
  notesWithAlias(alias: string): ReadonlySet<string> {
    return this.aliasIndex.get(lookupKey(alias));
  }

  notesWithTitle(title: string): ReadonlySet<string> {
    return this.titleIndex.get(lookupKey(title));
  }

  /** Notes with a link whose last path segment is this name (resolved or not). */
  notesLinkingName(name: string): ReadonlySet<string> {
    return this.waiting.get(linkNameKey(name));
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
  load(notes: Iterable<NoteModel>, attachments: Iterable<string>): IndexChange {
    const change = this.addAll(notes, attachments);
    const memo = newResolutionMemo();
    for (const path of this.notes.keys()) this.resolveNote(path, memo);
    return this.emit(change);
  }

  /**
   * {@link load} in time slices: resolution of a large vault takes seconds, and a language server must keep
   * answering (cancellations, progress) meanwhile. `yieldEvery` is the longest slice in milliseconds.
   */
  async loadInSlices(notes: Iterable<NoteModel>, attachments: Iterable<string>, yieldEvery = 20, pause: () => Promise<void> = nextTurn): Promise<IndexChange> {
    const change = this.addAll(notes, attachments);
    const memo = newResolutionMemo();
    let sliceStart = performance.now();
    for (const path of [...this.notes.keys()]) {
      this.resolveNote(path, memo);
      if (performance.now() - sliceStart > yieldEvery) {
        await pause();
        sliceStart = performance.now();
      }
    }
    return this.emit(change);
  }

  /**
   * The first half of a bulk load: every file and note in, nothing resolved yet. Meant for an empty index: the
   * record says every note's links are to be resolved.
   */
  private addAll(notes: Iterable<NoteModel>, attachments: Iterable<string>): IndexChange {
    const change = emptyChange();
    for (const path of attachments) {
      if (!this.files.add(path)) continue;
      this.names.add(path);
      change.added.add(path);
    }
    for (const note of notes) {
      if (this.files.add(note.path)) this.names.add(note.path);
      const previous = this.notes.get(note.path);
      if (previous) this.indexNoteNames(previous, -1);
      this.notes.set(note.path, note);
      this.indexNoteNames(note, +1);
      change.added.add(note.path);
      change.exports.set(note.path, ALL_EXPORTS);
      change.resolutions.add(note.path);
    }
    return change;
  }

  /**
   * Adds or replaces a note; `version` is the editor's document version when the model comes from an open
   * buffer. The record's `resolutions` hold the notes whose link results may have changed, the note included.
   */
  upsertNote(note: NoteModel, version?: number): IndexChange {
    const path = note.path;
    const previous = this.notes.get(path);
    const change = emptyChange();
    const affected = change.resolutions;
    affected.add(path);
    if (version === undefined) this.versions.delete(path);
    else this.versions.set(path, version);
    // Other notes' results depend on this note's headings and block ids (their subpaths) and on its aliases and
    // title ("did you mean"); typing in a paragraph changes neither, so it re-resolves this note alone.
    const exports = previous ? exportChanges(previous, note) : ALL_EXPORTS;
    let reuse: Map<string, LinkTarget> | undefined;
    /** Notes linking into this one, when its headings or block ids changed: only those links can change. */
    let linkers: Set<string> | undefined;
    if (!previous) {
      change.added.add(path);
      if (this.files.add(path)) this.names.add(path);
      this.addNotesWaitingNear(path, affected);
    } else {
      change.changed.add(path);
      reuse = this.reusableTargets(path, previous);
      // Drop the old links' edges while the old model is still in place: they are keyed by its links.
      this.unresolveNote(path);
      this.indexNoteNames(previous, -1);
      if (exports.headings || exports.blockIds) linkers = new Set(this.backlinks.values(path));
      if (exports.names) this.addNotesWaitingOnNames(previous, affected);
    }
    if (exports.headings || exports.blockIds || exports.names || exports.frontmatter || exports.visibility) change.exports.set(path, exports);
    if (exports.names) this.addNotesWaitingOnNames(note, affected);
    this.notes.set(path, note);
    this.indexNoteNames(note, +1);
    for (const p of affected) this.resolveNote(p, undefined, p === path ? reuse : undefined);
    if (linkers) for (const p of linkers) if (!affected.has(p) && this.reresolveLinksInto(p, path)) affected.add(p);
    return this.emit(change);
  }

  /**
   * The note's current link results by what each link says, to be reused for the same links in its new model:
   * stored results are always current (anything that could change one re-resolves the note), so a link that
   * is unchanged resolves as before, unless it points into the note itself, whose headings may just have
   * changed. This keeps a keystroke in a note with 20,000 links from resolving them all again.
   */
  private reusableTargets(path: string, previous: NoteModel): Map<string, LinkTarget> {
    const reuse = new Map<string, LinkTarget>();
    const targets = this.targets.get(path) ?? [];
    for (let i = 0; i < previous.links.length; i++) {
      const t = targets[i];
      if (t && t.target !== path && t.status !== 'empty') reuse.set(resolutionKey(previous.links[i]), t);
    }
    return reuse;
  }

  /**
   * Re-resolves the links of `source` that lead into `target` after the target's headings or block ids changed,
   * and no other: which file a link names does not depend on headings, so the note's other links (an index note's
   * thousands) and its edges stay as they are. Returns whether a result may read differently (the note's problems
   * must be published again): anything but the same heading or block found as before.
   */
  private reresolveLinksInto(source: string, target: string): boolean {
    const note = this.notes.get(source);
    const targets = this.targets.get(source);
    if (!note || !targets) return false;
    let changed = false;
    const said = new Map<string, LinkTarget>();
    for (let i = 0; i < targets.length; i++) {
      const before = targets[i];
      if (before.target !== target) continue;
      const link = note.links[i];
      const key = resolutionKey(link);
      let after = said.get(key);
      if (!after) said.set(key, (after = resolveLink(link, source, this)));
      if (after.target !== target) {
        // Not expected (see above); should it happen, the whole note is resolved again, edges and all.
        this.resolveNote(source);
        return true;
      }
      targets[i] = after;
      if (!sameSubpathResult(before, after)) changed = true;
    }
    return changed;
  }

  /** Notes with links waiting under one of the note's aliases or its title: their suggestions name it. */
  private addNotesWaitingOnNames(note: NoteModel, affected: Set<string>): void {
    for (const name of [...note.aliases, note.title ?? '']) for (const p of this.waiting.values(linkNameKey(name))) affected.add(p);
  }

  /** Adds a non-note file (image, pdf…); the record's `resolutions` hold the notes whose links it may change. */
  addAttachment(path: string): IndexChange {
    if (isNotePath(path)) throw new Error(`addAttachment called with a note: ${path}`);
    const change = emptyChange();
    if (!this.files.add(path)) return change;
    change.added.add(path);
    this.names.add(path);
    this.addNotesWaitingNear(path, change.resolutions);
    for (const p of change.resolutions) this.resolveNote(p);
    return this.emit(change);
  }

  /** Removes a note or attachment; the record's `resolutions` hold the notes whose links it may change. */
  removeFile(path: string): IndexChange {
    const change = emptyChange();
    const affected = change.resolutions;
    const note = this.notes.get(path);
    if (!this.files.remove(path) && !note) return change;
    change.removed.add(path);
    this.versions.delete(path);
    this.names.remove(path);
    this.addNotesWaitingNear(path, affected);
    for (const p of this.backlinks.values(path)) affected.add(p);
    if (note) {
      change.exports.set(path, ALL_EXPORTS);
      this.addNotesWaitingOnNames(note, affected);
      this.indexNoteNames(note, -1);
      this.unresolveNote(path);
      this.notes.delete(path);
      affected.delete(path);
    }
    for (const p of affected) this.resolveNote(p);
    return this.emit(change);
  }

  /** Renames a file: a removal and an addition, with the note's model moved to its new path. */
  renameFile(from: string, to: string, model?: NoteModel): IndexChange {
    const note = this.notes.get(from);
    const change = this.removeFile(from);
    if (isNotePath(to)) {
      const moved = model ?? (note ? { ...note, path: to } : undefined);
      if (moved) mergeChange(change, this.upsertNote(moved));
    } else {
      mergeChange(change, this.addAttachment(to));
    }
    return change;
  }

  /**
   * Files whose names are close to a linkpath that resolves to nothing: same name once spaces, dashes,
   * underscores and dots are ignored, or within a small edit distance. Best first, at most `limit`.
   */
  similarNames(linkpath: string, limit = 3): string[] {
    return this.names.similar(linkNameKey(linkpath), limit);
  }

  private resolveNote(path: string, memo?: ResolutionMemo, reuse?: Map<string, LinkTarget>): void {
    const note = this.notes.get(path);
    if (!note) return;
    this.unresolveNote(path);
    const targets: LinkTarget[] = new Array(note.links.length);
    // Links that say the same thing resolve the same: an index note links to one name thousands of times. (An
    // ordinary note's few links are resolved directly: the key would cost more than it saves.)
    const said = reuse || note.links.length > MANY_LINKS ? new Map<string, LinkTarget>() : undefined;
    for (let i = 0; i < note.links.length; i++) {
      const link = note.links[i];
      let t: LinkTarget | undefined;
      if (said) {
        const key = resolutionKey(link);
        t = said.get(key) ?? reuse?.get(key) ?? resolveLink(link, path, this, memo);
        said.set(key, t);
      } else {
        t = resolveLink(link, path, this, memo);
      }
      targets[i] = t;
      if (t.target !== undefined) {
        this.backlinks.add(t.target, path);
        if (link.embed && isNotePath(t.target)) this.embedders.add(t.target, path);
      }
      if (t.status !== 'external' && t.status !== 'empty') for (const key of waitingKeys(link, memo)) this.addWaiting(key, path);
    }
    this.targets.set(path, targets);
  }

  private unresolveNote(path: string): void {
    const old = this.targets.get(path);
    const note = this.notes.get(path);
    if (!old || !note) return;
    for (let i = 0; i < old.length; i++) {
      const t = old[i];
      const link = note.links[i];
      if (t.target !== undefined) {
        this.backlinks.delete(t.target, path);
        if (link?.embed) this.embedders.delete(t.target, path);
      }
      if (link) for (const key of waitingKeys(link)) this.removeWaiting(key, path);
    }
    this.targets.delete(path);
  }

  private addWaiting(key: string, path: string): void {
    if (this.waiting.add(key, path)) {
      const loose = looseName(key);
      if (loose) this.waitingBuckets.add(bucketOf(loose), key);
    }
  }

  private removeWaiting(key: string, path: string): void {
    this.waiting.delete(key, path);
    if (!this.waiting.has(key)) {
      const loose = looseName(key);
      if (loose) this.waitingBuckets.delete(bucketOf(loose), key);
    }
  }

  /**
   * Adds the notes with a link that the file `path` can resolve (same name key) or whose "did you mean" it can
   * change (a name {@link similarNames} would suggest), to `affected`.
   */
  private addNotesWaitingNear(path: string, affected: Set<string>): void {
    const key = fileNameKey(path);
    for (const p of this.waiting.values(key)) affected.add(p);
    const loose = looseName(key);
    if (!loose) return;
    // A waiting name of length n lists this file when the lengths differ by at most nearDistance (≤ 2).
    for (let n = Math.max(1, loose.length - 2); n <= loose.length + 2; n++) {
      for (const k of this.waitingBuckets.values(bucketOf(loose, n))) {
        if (k !== key && isNearName(looseName(k), loose)) for (const p of this.waiting.values(k)) affected.add(p);
      }
    }
  }

  private indexNoteNames(note: NoteModel, delta: 1 | -1): void {
    for (const alias of note.aliases) {
      if (delta > 0) this.aliasIndex.add(lookupKey(alias), note.path);
      else this.aliasIndex.delete(lookupKey(alias), note.path);
    }
    if (note.title) {
      if (delta > 0) this.titleIndex.add(lookupKey(note.title), note.path);
      else this.titleIndex.delete(lookupKey(note.title), note.path);
    }
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

/** Everything of a link that its resolution reads (see resolveLink), for one source note. */
function resolutionKey(link: Link): string {
  return `${link.syntax}\u0000${link.external ? 1 : 0}\u0000${link.path}\u0000${link.subpath === undefined ? '\u0001' : link.subpath}\u0000${link.destination ?? ''}`;
}

/** Whether two results of one link into one note read the same: resolved to an equal heading or block. */
function sameSubpathResult(a: LinkTarget, b: LinkTarget): boolean {
  if (a.status !== 'resolved' || b.status !== 'resolved' || a.headingTier !== b.headingTier) return false;
  if ((a.heading === undefined) !== (b.heading === undefined) || (a.block === undefined) !== (b.block === undefined)) return false;
  return (!a.heading || sameHeading(a.heading, b.heading!)) && (!a.block || sameBlockId(a.block, b.block!));
}

/**
 * Which exports differ between two models of one note: the one diff every invalidation derives from. Equal
 * headings (text, level, lines) and block ids (id, kind, lines) mean equal results for every link into the note.
 */
function nextTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** From this many links on, a note's links are resolved once per distinct link (see resolveNote). */
const MANY_LINKS = 256;

export function exportChanges(before: NoteModel, after: NoteModel): ExportChanges {
  return {
    headings: before.headings.length !== after.headings.length || before.headings.some((h, i) => !sameHeading(h, after.headings[i])),
    blockIds: before.blockIds.length !== after.blockIds.length || before.blockIds.some((b, i) => !sameBlockId(b, after.blockIds[i])),
    names: before.title !== after.title || before.aliases.length !== after.aliases.length || before.aliases.some((a, i) => a !== after.aliases[i]),
    frontmatter: !sameFrontmatter(before, after),
    visibility: declaredVisibility(before) !== declaredVisibility(after),
  };
}

function sameHeading(a: Heading, b: Heading): boolean {
  return a.level === b.level && a.line === b.line && a.sectionEndLine === b.sectionEndLine && a.text === b.text && a.textRange.end.character === b.textRange.end.character;
}

function sameBlockId(a: BlockId, b: BlockId): boolean {
  return a.id === b.id && a.kind === b.kind && a.startLine === b.startLine && a.endLine === b.endLine;
}

function sameFrontmatter(a: NoteModel, b: NoteModel): boolean {
  const fa = a.frontmatter;
  const fb = b.frontmatter;
  if (!fa || !fb) return fa === fb;
  // The keys hold every value as written (an alias stays `*a`), which is what other notes read even when the YAML
  // has an error and `data` is absent; `data` adds what aliases stand for.
  return fa.keys.length === fb.keys.length && fa.keys.every((k, i) => sameEntry(k, fb.keys[i])) && sameData(fa.data, fb.data, new Map());
}

function sameEntry(a: FrontmatterEntry, b: FrontmatterEntry): boolean {
  return a.key === b.key && sameValue(a.value, b.value);
}

/** Values as written, ranges aside: moving the frontmatter down a line changes nothing another note reads. */
function sameValue(a: FrontmatterValue, b: FrontmatterValue): boolean {
  if (a.kind !== b.kind || a.text !== b.text || a.type !== b.type || a.style !== b.style) return false;
  const ia = a.items ?? [];
  const ib = b.items ?? [];
  const ea = a.entries ?? [];
  const eb = b.entries ?? [];
  return ia.length === ib.length && ea.length === eb.length && ia.every((v, i) => sameValue(v, ib[i])) && ea.every((e, i) => sameEntry(e, eb[i]));
}

/**
 * Deep equality of parsed YAML. YAML aliases share one value between places (`*a` nine times over, seven levels
 * deep, is a "billion laughs": 9^7 leaves, in a few lines of text), so each pair of values is compared once:
 * linear in the size of the YAML text, where writing the values out, or a plain recursive compare, is not.
 */
function sameData(a: unknown, b: unknown, compared: Map<object, Set<object>>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  let withA = compared.get(a);
  if (withA?.has(b)) return true;
  if (!withA) compared.set(a, (withA = new Set()));
  // Assumed equal while the comparison is under way: a cycle (`&a [*a]`) compares as equal to itself.
  withA.add(b);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], compared)) return false;
  }
  return true;
}

/** Squashes the differences people make when typing a name: case, spaces, dashes, underscores, dots. */
function looseName(key: string): string {
  return key.replace(/[\s_.\-]+/g, '');
}

/**
 * The bucket of a loose name for "did you mean": its first two characters and its length (`length`, to look up
 * the neighbouring lengths). A query compares only against names it can list (same start, length within the edit
 * distance), so its cost does not grow with the vault: a vault whose names all start alike (`Note 00001` …
 * `Note 99999`) would otherwise put every name in one bucket. A typo in the first two characters is not suggested.
 */
function bucketOf(loose: string, length = loose.length): string {
  return `${loose.slice(0, 2)}\u0000${length}`;
}

/** Name lookup for "did you mean": each distinct loose name once, bucketed by {@link bucketOf}. */
class NameIndex {
  /** Loose name → the files that have it. */
  private readonly byLoose = new StringSetMap();
  /** Bucket → the distinct loose names in it. */
  private readonly buckets = new StringSetMap();

  add(path: string): void {
    const loose = looseName(fileNameKey(path));
    if (!loose) return;
    this.byLoose.add(loose, path);
    this.buckets.add(bucketOf(loose), loose);
  }

  remove(path: string): void {
    const loose = looseName(fileNameKey(path));
    this.byLoose.delete(loose, path);
    if (loose && !this.byLoose.has(loose)) this.buckets.delete(bucketOf(loose), loose);
  }

  similar(key: string, limit: number): string[] {
    const loose = looseName(key);
    if (!loose) return [];
    const exact = [...this.byLoose.values(loose)].sort(byLength);
    if (exact.length >= limit) return exact.slice(0, limit);
    const maxDistance = nearDistance(loose);
    const scored: Array<[number, string]> = [];
    for (let n = Math.max(1, loose.length - maxDistance); n <= loose.length + maxDistance; n++) {
      for (const other of this.buckets.values(bucketOf(loose, n))) {
        if (other === loose) continue;
        const d = editDistance(loose, other, maxDistance);
        if (d <= maxDistance) for (const path of this.byLoose.values(other)) scored.push([d, path]);
      }
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
