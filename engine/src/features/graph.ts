/**
 * The graph of a vault: notes, the attachments they link to and the link targets that do not exist yet, with the
 * links between them. Two views, as Obsidian's graph has them:
 *  - the local graph of a note: everything within `depth` steps (1–3) of it, following links out, backlinks and
 *    embeds both ways, with every edge among those nodes;
 *  - the whole vault: every note and everything a note links to.
 *
 * Read only from the index: each note's stored resolutions (`linkTargets`) are its edges out, `backlinksOf` its
 * edges in, `notesLinkingName` the notes waiting on a missing name. Nothing re-resolves a link, and the local graph
 * costs the links of the notes it shows, never the size of the vault.
 *
 * The answer is sent to a webview, for 10,000 notes and more: parallel arrays per node and one flat number array
 * for the edges, with folders and tags as tables, rather than one object per node or edge with its field names.
 */
import type { NoteModel } from '../model';
import { basename, dirname, isNotePath, lookupKey, stem } from '../vault/paths';
import { noteVisibility } from '../vault/visibility';
import { throwIfCancelled, type FeatureContext } from './context';

/** What a node is; `kinds[i]` is an index into this list. */
export const GRAPH_NODE_KINDS = ['note', 'attachment', 'unresolved'] as const;
export type GraphNodeKind = (typeof GRAPH_NODE_KINDS)[number];
export const NODE_NOTE = 0;
export const NODE_ATTACHMENT = 1;
export const NODE_UNRESOLVED = 2;

/** A note's visibility in `visibility[i]`; attachments and unresolved targets have none. */
export const GRAPH_VISIBILITY_NONE = 0;
export const GRAPH_VISIBILITY_PUBLIC = 1;
export const GRAPH_VISIBILITY_PRIVATE = 2;

/** Bits of an edge's kinds: at least one plain link, at least one embed (`![[…]]`, `![…](…)`). */
export const EDGE_LINK = 1;
export const EDGE_EMBED = 2;
/** Numbers per edge in {@link VaultGraph.edges}: source, target, kinds, count. */
export const EDGE_STRIDE = 4;

export const MIN_GRAPH_DEPTH = 1;
export const MAX_GRAPH_DEPTH = 3;

export interface VaultGraph {
  /** Per node: its vault path; for an unresolved target, the linkpath as first written (no such file exists). */
  paths: string[];
  /** Per node: what the graph writes next to it: a file's name without `.md`, an unresolved target's linkpath. */
  labels: string[];
  /** Per node: the note's frontmatter title, `''` when it has none (and for other nodes). */
  titles: string[];
  /** Per node: index into {@link GRAPH_NODE_KINDS}. */
  kinds: number[];
  /** Distinct folders (`''` is the vault's root). */
  folders: string[];
  /** Per node: index into `folders`; -1 for an unresolved target. */
  folder: number[];
  /** Distinct tags, without `#`, as first written (compared case-insensitively, R8.4). */
  tagNames: string[];
  /** Per node: indexes into `tagNames`, in the note's order (frontmatter and body). */
  tags: number[][];
  /** Per node: `GRAPH_VISIBILITY_*`, from the engine's one visibility rule (`noteVisibility`). */
  visibility: number[];
  /**
   * Edges, deduplicated: one per (source, target) pair, {@link EDGE_STRIDE} numbers each: the linking node's
   * index, the linked node's index, kind bits (`EDGE_LINK | EDGE_EMBED`) and how many links make it.
   */
  edges: number[];
  /** The local graph's note (its index, 0); absent for the whole vault. */
  center?: number;
  /** Local graph: per node, how many steps it lies from the centre. */
  distance?: number[];
}

export interface GraphOptions {
  /** What a note without a `visibility` counts as; the context's setting when absent. */
  defaultVisibility?: FeatureContext['defaultVisibility'];
}

/** Clamps a requested depth to what the local graph offers (1–3); anything not a number is 1. */
export function graphDepth(depth: unknown): number {
  const n = typeof depth === 'number' && Number.isFinite(depth) ? Math.floor(depth) : MIN_GRAPH_DEPTH;
  return Math.min(MAX_GRAPH_DEPTH, Math.max(MIN_GRAPH_DEPTH, n));
}

/** How often the loops over notes look at the request's cancellation. */
const CANCEL_CHECK_EVERY = 256;

/** Map key of an unresolved target: the linkpath case-folded, so `[[Idea]]` and `[[idea]]` wait on one node. */
function unresolvedKey(linkpath: string): string {
  return `\u0000${lookupKey(linkpath)}`;
}

/** Builds the node and edge arrays; nodes are added once by key (a path, or an unresolved target's key). */
class GraphBuilder {
  readonly graph: VaultGraph = { paths: [], labels: [], titles: [], kinds: [], folders: [], folder: [], tagNames: [], tags: [], visibility: [], edges: [] };
  readonly index = new Map<string, number>();
  private readonly folderIndex = new Map<string, number>();
  private readonly tagIndex = new Map<string, number>();
  /** (source, target) → the edge's offset in `graph.edges`. */
  private readonly edgeIndex = new Map<number, number>();

  constructor(
    private readonly ctx: FeatureContext,
    private readonly fallbackVisibility: FeatureContext['defaultVisibility'],
  ) {}

  /** The node of a file (note or attachment) by its path, added when new. */
  file(path: string): number {
    const known = this.index.get(path);
    if (known !== undefined) return known;
    const note = isNotePath(path) ? this.ctx.index.note(path) : undefined;
    const g = this.graph;
    const i = g.paths.length;
    this.index.set(path, i);
    g.paths.push(path);
    g.labels.push(note || isNotePath(path) ? stem(path) : basename(path));
    g.titles.push(note?.title ?? '');
    g.kinds.push(note ? NODE_NOTE : NODE_ATTACHMENT);
    g.folder.push(this.folderOf(dirname(path)));
    g.tags.push(note ? this.tagsOf(note) : []);
    g.visibility.push(note ? (noteVisibility(note, this.fallbackVisibility) === 'public' ? GRAPH_VISIBILITY_PUBLIC : GRAPH_VISIBILITY_PRIVATE) : GRAPH_VISIBILITY_NONE);
    return i;
  }

  /** The node of a link target that does not exist, added when new. */
  unresolved(linkpath: string): number {
    const key = unresolvedKey(linkpath);
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const g = this.graph;
    const i = g.paths.length;
    this.index.set(key, i);
    g.paths.push(linkpath);
    g.labels.push(linkpath);
    g.titles.push('');
    g.kinds.push(NODE_UNRESOLVED);
    g.folder.push(-1);
    g.tags.push([]);
    g.visibility.push(GRAPH_VISIBILITY_NONE);
    return i;
  }

  /** Adds one link from `source` to `target` to their edge (created when it is the pair's first link). */
  link(source: number, target: number, embed: boolean): void {
    if (source === target) return;
    // Node indexes stay far below 2^26 (a vault of 67 million files), so the pair fits one exact number key.
    const key = source * 0x4000000 + target;
    const edges = this.graph.edges;
    const at = this.edgeIndex.get(key);
    const bit = embed ? EDGE_EMBED : EDGE_LINK;
    if (at === undefined) {
      this.edgeIndex.set(key, edges.length);
      edges.push(source, target, bit, 1);
    } else {
      edges[at + 2] |= bit;
      edges[at + 3]++;
    }
  }

  private folderOf(folder: string): number {
    let i = this.folderIndex.get(folder);
    if (i === undefined) {
      i = this.graph.folders.length;
      this.graph.folders.push(folder);
      this.folderIndex.set(folder, i);
    }
    return i;
  }

  private tagsOf(note: NoteModel): number[] {
    if (note.tags.length === 0) return [];
    const out: number[] = [];
    for (const tag of note.tags) {
      const key = lookupKey(tag.name);
      let i = this.tagIndex.get(key);
      if (i === undefined) {
        i = this.graph.tagNames.length;
        this.graph.tagNames.push(tag.name);
        this.tagIndex.set(key, i);
      }
      if (!out.includes(i)) out.push(i);
    }
    return out;
  }
}

/** What one of a note's links points at in the graph: a file, an unresolved linkpath, or nothing (external…). */
type GraphTarget = { file: string } | { unresolved: string } | undefined;

function* linkTargetsOf(ctx: FeatureContext, note: NoteModel): Generator<{ target: NonNullable<GraphTarget>; embed: boolean }> {
  const targets = ctx.index.linkTargets(note.path);
  for (let i = 0; i < note.links.length; i++) {
    const link = note.links[i];
    const t = targets[i];
    if (!t || link.placeholder) continue;
    if (t.target !== undefined) yield { target: { file: t.target }, embed: link.embed };
    else if (t.status === 'unresolved' && link.path !== '') yield { target: { unresolved: link.path }, embed: link.embed };
  }
}

/**
 * The local graph of the note at `path`: the nodes within `depth` steps (clamped to 1–3) through links out,
 * backlinks and embeds, and every edge among them. Node 0 is the note. Undefined when `path` is not an indexed
 * note.
 */
export function localGraph(ctx: FeatureContext, path: string, depth: number, options: GraphOptions = {}): VaultGraph | undefined {
  const start = ctx.index.note(path);
  if (!start) return undefined;
  const b = new GraphBuilder(ctx, options.defaultVisibility ?? ctx.defaultVisibility);
  const distance: number[] = [];
  const keyOfNode: string[] = [];
  const visit = (key: string, node: number, d: number): void => {
    if (distance[node] !== undefined) return;
    distance[node] = d;
    keyOfNode[node] = key;
  };
  visit(path, b.file(path), 0);
  let frontier = [0];
  const maxDepth = graphDepth(depth);
  let steps = 0;
  for (let d = 1; d <= maxDepth && frontier.length > 0; d++) {
    const next: number[] = [];
    const reach = (key: string, node: number): void => {
      if (distance[node] === undefined) {
        visit(key, node, d);
        next.push(node);
      }
    };
    for (const node of frontier) {
      if (++steps % CANCEL_CHECK_EVERY === 0) throwIfCancelled(ctx.cancellation);
      const kind = b.graph.kinds[node];
      if (kind === NODE_UNRESOLVED) {
        // The other notes waiting on the same missing name.
        const linkpath = b.graph.paths[node];
        const key = unresolvedKey(linkpath);
        for (const source of ctx.index.notesLinkingName(linkpath)) {
          const note = ctx.index.note(source);
          if (!note) continue;
          for (const { target } of linkTargetsOf(ctx, note)) {
            if ('unresolved' in target && unresolvedKey(target.unresolved) === key) {
              reach(source, b.file(source));
              break;
            }
          }
        }
        continue;
      }
      const nodePath = b.graph.paths[node];
      const note = kind === NODE_NOTE ? ctx.index.note(nodePath) : undefined;
      if (note) {
        for (const { target } of linkTargetsOf(ctx, note)) {
          if ('file' in target) reach(target.file, b.file(target.file));
          else reach(unresolvedKey(target.unresolved), b.unresolved(target.unresolved));
        }
      }
      for (const source of ctx.index.backlinksOf(nodePath)) reach(source, b.file(source));
    }
    frontier = next;
  }
  // Every edge among the nodes shown: each shown note's links whose target is shown too. (Edges only come out of
  // notes, and every note that links to a shown node at less than the full depth is itself shown.)
  const shown = b.graph.paths.length;
  for (let node = 0; node < shown; node++) {
    if (b.graph.kinds[node] !== NODE_NOTE) continue;
    if (node % CANCEL_CHECK_EVERY === 0) throwIfCancelled(ctx.cancellation);
    const note = ctx.index.note(b.graph.paths[node]);
    if (!note) continue;
    for (const { target, embed } of linkTargetsOf(ctx, note)) {
      const to = b.index.get('file' in target ? target.file : unresolvedKey(target.unresolved));
      if (to !== undefined) b.link(node, to, embed);
    }
  }
  b.graph.center = 0;
  b.graph.distance = distance;
  return b.graph;
}

/**
 * The whole vault's graph: every note (orphans included), every attachment and unresolved target a note links
 * to, and every link among them. Linear in notes and links; checks `ctx.cancellation` as it goes.
 */
export function vaultGraph(ctx: FeatureContext, options: GraphOptions = {}): VaultGraph {
  const b = new GraphBuilder(ctx, options.defaultVisibility ?? ctx.defaultVisibility);
  // Notes first, so that they keep the vault's order and take the low indexes.
  let n = 0;
  for (const path of ctx.index.notePaths()) {
    if (++n % CANCEL_CHECK_EVERY === 0) throwIfCancelled(ctx.cancellation);
    b.file(path);
  }
  n = 0;
  for (const note of ctx.index.allNotes()) {
    if (++n % CANCEL_CHECK_EVERY === 0) throwIfCancelled(ctx.cancellation);
    const from = b.index.get(note.path)!;
    for (const { target, embed } of linkTargetsOf(ctx, note)) {
      b.link(from, 'file' in target ? b.file(target.file) : b.unresolved(target.unresolved), embed);
    }
  }
  return b.graph;
}

/** The number of edges of a graph. */
export function graphEdgeCount(graph: Pick<VaultGraph, 'edges'>): number {
  return graph.edges.length / EDGE_STRIDE;
}

