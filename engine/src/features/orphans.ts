/**
 * The vault's loose ends, for the Orphans and Placeholders views.
 *
 * Orphans: notes that no other note links to or embeds (any link form, any heading or block of it; a link that
 * resolves to the note but misses its heading still names the note). A note's links to itself do not count.
 * Notes that only link out are orphans too: nothing leads to them, which is what the "Find orphaned files"
 * plugins of Obsidian report; each orphan says how many notes it links to, so the ones with no link at all (the
 * orphans of Obsidian's graph view) can be told apart. Notes in the templates folder are not orphans: templates
 * are applied, not linked.
 *
 * Placeholders: links to notes that do not exist yet (Obsidian's unresolved links, drawn as placeholders in its
 * graph): wiki and markdown links whose linkpath finds no file, less links to attachments (nothing to create),
 * Templater placeholders, web addresses and web addresses written without their scheme (`missing-scheme`). Missing headings and blocks of an existing note are not
 * placeholders. They are grouped by the note that creating the target would make (`features/newNote.ts`
 * `newNotePath`, the vault's folder for new notes), compared as a case-insensitive disk would, so `[[Plan]]` and
 * `[[plan]]` wait on one note, and `[[Plan]]` from two folders waits on two when new notes go next to the linking
 * note. A link whose note cannot be created (a path outside the vault, a name no file can have) is grouped by its
 * linkpath and carries the reason.
 *
 * Both read the index's reverse edges and stored resolutions: one pass over the notes, linear in the vault.
 */
import type { Range } from '../model';
import { linkRange } from '../model';
import type { VaultIndex } from '../vault/vault';
import { isAttachmentPath } from '../vault/membership';
import { missesScheme } from '../diagnostics/diagnostics';
import { lookupKey, stem } from '../vault/paths';
import { comparePositions } from '../syntax/text';
import { throwIfCancelled, vaultSettingsOf, type Cancellation, type FeatureContext } from './context';
import { newNoteCreation, type NewNoteOptions, type NoteCreation } from './codeActions';
import { newNotePath } from './newNote';

export interface OrphanNote {
  path: string;
  title?: string;
  /** Distinct other notes and files this note's links reach; 0: no connection at all. */
  linksOut: number;
}

export interface OrphanOptions {
  /** The templates folder (vault settings): its notes are not orphans. `''`: none. */
  templatesFolder?: string;
  cancellation?: Cancellation;
}

/** Notes nothing else links to or embeds, by file name. */
export function findOrphans(index: VaultIndex, options: OrphanOptions = {}): OrphanNote[] {
  const templates = folderPrefix(options.templatesFolder ?? '');
  const out: OrphanNote[] = [];
  let seen = 0;
  for (const note of index.allNotes()) {
    if ((++seen & 1023) === 0) throwIfCancelled(options.cancellation);
    if (templates !== undefined && lookupKey(note.path).startsWith(templates)) continue;
    const sources = index.backlinksOf(note.path);
    if (sources.size > 1 || (sources.size === 1 && !sources.has(note.path))) continue;
    const reached = new Set<string>();
    for (const t of index.linkTargets(note.path)) if (t.target !== undefined && t.target !== note.path) reached.add(t.target);
    out.push({ path: note.path, ...(note.title !== undefined ? { title: note.title } : {}), linksOut: reached.size });
  }
  return out.sort((a, b) => compareNames(a.path, b.path));
}

/** `folder/`, case-folded, or undefined for no folder (the vault root is never a templates folder). */
function folderPrefix(folder: string): string | undefined {
  const f = folder.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '').trim();
  return f === '' ? undefined : lookupKey(f) + '/';
}

/** One link waiting for a missing note. */
export interface WaitingLink {
  /** The note the link is written in. */
  source: string;
  /** The whole link. */
  range: Range;
  /** The linkpath as written (decoded). */
  linkpath: string;
  embed: boolean;
}

/** A missing note and the links waiting on it. */
export interface Placeholder {
  /** What the tree shows: the name of the note to be created (`Plan`), or the linkpath when it cannot be. */
  name: string;
  /** The vault path creating it would make (`Plan.md`, `Projects/Plan.md`); absent when it cannot be created. */
  path?: string;
  /** Why the note cannot be created, when it cannot. */
  reason?: string;
  /** Links waiting on it, by source path then position. */
  links: WaitingLink[];
}

export interface PlaceholderOptions {
  /** The vault's folder for new notes (`VaultSettings.newNoteFolder`). */
  newNoteFolder: string;
  cancellation?: Cancellation;
}

/** Missing notes that links wait on, most-awaited first (then by name). */
export function findPlaceholders(index: VaultIndex, options: PlaceholderOptions): Placeholder[] {
  const groups = new Map<string, Placeholder>();
  let seen = 0;
  for (const note of index.allNotes()) {
    if ((++seen & 1023) === 0) throwIfCancelled(options.cancellation);
    const targets = index.linkTargets(note.path);
    for (let i = 0; i < note.links.length; i++) {
      if (targets[i]?.status !== 'unresolved') continue;
      const link = note.links[i];
      if (link.external || link.placeholder || link.path.trim() === '' || isAttachmentPath(link.path.trim()) || missesScheme(link)) continue;
      const planned = newNotePath(link.path, note.path, options.newNoteFolder);
      const key = planned.ok ? `note:${lookupKey(planned.path)}` : `link:${lookupKey(link.path.trim()).replace(/\.md$/, '')}`;
      let group = groups.get(key);
      if (!group) {
        group = planned.ok ? { name: stem(planned.path), path: planned.path, links: [] } : { name: link.path.trim(), reason: planned.reason, links: [] };
        groups.set(key, group);
      }
      group.links.push({ source: note.path, range: linkRange(link), linkpath: link.path, embed: link.embed });
    }
  }
  const out = [...groups.values()];
  for (const g of out) g.links.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : comparePositions(a.range.start, b.range.start)));
  return out.sort((a, b) => b.links.length - a.links.length || compareText(a.name, b.name) || compareText(a.path ?? '', b.path ?? ''));
}

/**
 * The placeholder whose note `path` (a vault path from {@link findPlaceholders}) would be: what "Create Note" on
 * it creates, checked again against the index of now. Undefined when no link waits on that note any more.
 */
export function placeholderAt(index: VaultIndex, path: string, options: PlaceholderOptions): Placeholder | undefined {
  const key = lookupKey(path);
  return findPlaceholders(index, options).find((p) => p.path !== undefined && lookupKey(p.path) === key);
}

function compareText(a: string, b: string): number {
  const x = lookupKey(a);
  const y = lookupKey(b);
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** By file name, case-insensitively, then by path. */
function compareNames(a: string, b: string): number {
  return compareText(stem(a), stem(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * "Create Note" on a placeholder: the note the links waiting on `path` are missing, planned, placed and filled
 * from the template exactly as the create-note quick fix does (`codeActions.ts` `newNoteCreation`). Refused with
 * a reason when no link waits on that note any more, or it cannot be created.
 */
export function placeholderNoteCreation(
  ctx: FeatureContext,
  path: string,
  options: NewNoteOptions,
): { ok: true; create: NoteCreation; links: WaitingLink[] } | { ok: false; reason: string } {
  const placeholder = placeholderAt(ctx.index, path, { newNoteFolder: vaultSettingsOf(ctx).newNoteFolder, cancellation: ctx.cancellation });
  if (!placeholder?.path) return { ok: false, reason: `No link waits on a note "${path}" any more.` };
  const create = newNoteCreation(ctx, placeholder.path, placeholder.name, options);
  if (!create) return { ok: false, reason: `"${placeholder.path}" cannot be created: a file is there, or the path is not part of the vault.` };
  return { ok: true, create, links: placeholder.links };
}
