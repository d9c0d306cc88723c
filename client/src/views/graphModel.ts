/**
 * The graph view's logic that needs neither the editor nor the DOM: the messages between the extension and the
 * webview, the colour groups, degrees and neighbours of the nodes, and the order of the accessible node list.
 * The webview script (client/webview/graph.ts) and the extension's panel (graph.ts) both use it; it is
 * unit-tested in plain Node.
 *
 * The graph itself is the engine's `VaultGraph` as `ospo/graph` sends it (engine/src/features/graph.ts).
 */
import type { VaultGraph } from '@ospo-notes/engine';

export type GraphMode = 'local' | 'vault';
export type ColourBy = 'folder' | 'tag';

/** Node kinds and visibilities as the engine numbers them (GRAPH_NODE_KINDS, GRAPH_VISIBILITY_*). */
export const KIND_NOTE = 0;
export const KIND_ATTACHMENT = 1;
export const KIND_UNRESOLVED = 2;
export const VISIBILITY_PUBLIC = 1;
export const VISIBILITY_PRIVATE = 2;
export const EDGE_EMBED_BIT = 2;
export const STRIDE = 4;

/** Extension → webview. */
export type ToWebview =
  | {
      type: 'graph';
      mode: GraphMode;
      depth: number;
      colourBy: ColourBy;
      /** The graph, or absent with `reason` (not a vault, still indexing, no note open). */
      graph?: VaultGraph;
      reason?: string;
      /** Strings the webview shows, translated by the extension (vscode.l10n). */
      strings: GraphStrings;
    };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'open'; path: string; kind: number }
  | { type: 'depth'; depth: number }
  | { type: 'colourBy'; colourBy: ColourBy };

export interface GraphStrings {
  depth: string;
  colourBy: string;
  folder: string;
  tag: string;
  search: string;
  nodes: string;
  publicNote: string;
  privateNote: string;
  attachment: string;
  unresolved: string;
  noTag: string;
  root: string;
  more: string;
  graphLabel: string;
}

/** Number of groups that get a colour of their own; the rest share the "other" colour. */
export const PALETTE_SIZE = 10;

export interface Groups {
  /** Per node: its group's rank (0 = the largest group), or -1 for none (no tag, unresolved target). */
  group: Int32Array;
  /** Per rank: the group's name (a folder, `''` for the root; or a tag) and how many nodes it has. */
  names: string[];
  counts: number[];
}

/**
 * The colour groups of the nodes: by folder (an unresolved target has none) or by a note's first tag (notes
 * without tags have none). Ranked by size, so that the largest groups get the palette's colours.
 */
export function nodeGroups(graph: VaultGraph, by: ColourBy): Groups {
  const n = graph.paths.length;
  const raw = new Int32Array(n);
  const tableSize = by === 'folder' ? graph.folders.length : graph.tagNames.length;
  const counts = new Array<number>(tableSize).fill(0);
  for (let i = 0; i < n; i++) {
    const g = by === 'folder' ? graph.folder[i] : (graph.tags[i][0] ?? -1);
    raw[i] = g;
    if (g >= 0) counts[g]++;
  }
  const ranked = counts.map((c, i) => i).filter((i) => counts[i] > 0);
  const names = by === 'folder' ? graph.folders : graph.tagNames;
  ranked.sort((a, b) => counts[b] - counts[a] || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const rankOf = new Int32Array(tableSize).fill(-1);
  ranked.forEach((g, r) => (rankOf[g] = r));
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) group[i] = raw[i] >= 0 ? rankOf[raw[i]] : -1;
  return { group, names: ranked.map((g) => names[g]), counts: ranked.map((g) => counts[g]) };
}

/** Neighbours of each node (both directions), as offsets into one flat array (CSR), and each node's degree. */
export interface Adjacency {
  offsets: Uint32Array;
  neighbours: Uint32Array;
}

export function adjacency(graph: VaultGraph): Adjacency {
  const n = graph.paths.length;
  const e = graph.edges;
  const degree = new Uint32Array(n);
  for (let i = 0; i < e.length; i += STRIDE) {
    degree[e[i]]++;
    degree[e[i + 1]]++;
  }
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + degree[i];
  const fill = offsets.slice(0, n);
  const neighbours = new Uint32Array(offsets[n]);
  for (let i = 0; i < e.length; i += STRIDE) {
    neighbours[fill[e[i]]++] = e[i + 1];
    neighbours[fill[e[i + 1]]++] = e[i];
  }
  return { offsets, neighbours };
}

export function degreeOf(adj: Adjacency, node: number): number {
  return adj.offsets[node + 1] - adj.offsets[node];
}

/** A node's radius in graph units: grows with the square root of its links, as Obsidian's does. */
export function nodeRadius(degree: number): number {
  return 4 + Math.min(12, Math.sqrt(degree) * 1.5);
}

/** What the node list shows for a node: its label, and its title or path beneath. */
export function nodeDescription(graph: VaultGraph, node: number): string {
  if (graph.kinds[node] === KIND_UNRESOLVED) return '';
  const title = graph.titles[node];
  return title && title !== graph.labels[node] ? `${title} · ${graph.paths[node]}` : graph.paths[node];
}

/**
 * The nodes the accessible list shows for `query` (case-insensitive, in label, title or path), at most `limit`:
 * the centre first, then by distance from it, then by label. Returns the nodes and how many matched in all.
 */
export function listNodes(graph: VaultGraph, query: string, limit: number): { nodes: number[]; total: number } {
  const q = query.trim().toLowerCase();
  const matches: number[] = [];
  for (let i = 0; i < graph.paths.length; i++) {
    if (q === '' || graph.labels[i].toLowerCase().includes(q) || graph.titles[i].toLowerCase().includes(q) || graph.paths[i].toLowerCase().includes(q)) matches.push(i);
  }
  const distance = graph.distance;
  matches.sort((a, b) => {
    if (a === graph.center) return -1;
    if (b === graph.center) return 1;
    const d = distance ? distance[a] - distance[b] : 0;
    if (d !== 0) return d;
    const la = graph.labels[a].toLowerCase();
    const lb = graph.labels[b].toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : a - b;
  });
  return { nodes: matches.slice(0, Math.max(0, limit)), total: matches.length };
}

/** The legend's name of a group: the root folder and "no tag" have words of their own. */
export function groupLabel(name: string, by: ColourBy, strings: Pick<GraphStrings, 'root'>): string {
  if (by === 'folder') return name === '' ? strings.root : `${name}/`;
  return `#${name}`;
}

/**
 * Palette slots by group name, kept while the panel lives: a folder or tag keeps its colour when the local graph
 * moves to another note or refreshes, as long as the palette has room. The largest groups are placed first.
 */
export class ColourSlots {
  private readonly slots = new Map<string, number>();

  constructor(private readonly size: number = PALETTE_SIZE) {}

  /** Per rank of `groups`: its palette slot, or -1 when the palette is full (the "other" colour). */
  assign(groups: Pick<Groups, 'names'>): Int32Array {
    const out = new Int32Array(groups.names.length).fill(-1);
    const taken = new Set<number>();
    // Names already placed keep their slot; the others take the free slots, largest group first.
    groups.names.forEach((name, rank) => {
      const slot = this.slots.get(name);
      if (slot !== undefined) {
        out[rank] = slot;
        taken.add(slot);
      }
    });
    groups.names.forEach((name, rank) => {
      if (out[rank] >= 0) return;
      let free = -1;
      for (let s = 0; s < this.size; s++) {
        if (!taken.has(s) && ![...this.slots.values()].includes(s)) {
          free = s;
          break;
        }
      }
      // The palette is full of names not shown now: reuse a slot no shown group has.
      if (free < 0) for (let s = 0; s < this.size && free < 0; s++) if (!taken.has(s)) free = s;
      if (free < 0) return;
      for (const [n, s] of this.slots) if (s === free) this.slots.delete(n);
      this.slots.set(name, free);
      out[rank] = free;
      taken.add(free);
    });
    return out;
  }
}
