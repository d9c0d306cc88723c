/**
 * Drawing the graph on a 2D canvas: the same function draws in the page or, on an OffscreenCanvas, in the layout
 * worker (so that rasterising 50,000 edges without a GPU never holds up the page). Plain data in: the scene (the
 * graph's nodes, edges and positions) and the view (size, camera, focus, theme colours).
 */
import { EDGE_EMBED_BIT, KIND_ATTACHMENT, KIND_UNRESOLVED, STRIDE, VISIBILITY_PRIVATE, type Adjacency } from '../src/views/graphModel';

export type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Below this many nodes every label is drawn; above, only when zoomed in far enough (or highlighted). */
const ALWAYS_LABEL_BELOW = 80;

export interface Scene {
  count: number;
  xs: Float32Array;
  ys: Float32Array;
  radius: Float32Array;
  kinds: ArrayLike<number>;
  visibility: ArrayLike<number>;
  labels: readonly string[];
  edges: ArrayLike<number>;
  /** The local graph's note, or -1. */
  center: number;
  /** Per node: its slot in the theme's palette, or -1 for the "other" colour. */
  colour: Int32Array;
  adj: Adjacency;
}

/** World → screen: screen = world × scale + (tx, ty), in CSS pixels. */
export interface Camera {
  scale: number;
  tx: number;
  ty: number;
}

export interface View extends Camera {
  width: number;
  height: number;
  dpr: number;
  /** The node under the pointer or the list's focus, highlighted with its neighbours; -1 for none. */
  focus: number;
  theme: Theme;
}

export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  accent: string;
  palette: string[];
  other: string;
  font: string;
}

/** The camera that shows the whole scene in a `width` × `height` view, or undefined when nothing has a place yet. */
export function fitCamera(scene: Pick<Scene, 'count' | 'xs' | 'ys' | 'radius'>, w: number, h: number): Camera | undefined {
  const { count, xs, ys, radius } = scene;
  if (count === 0) return undefined;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    const r = radius[i];
    if (xs[i] - r < minX) minX = xs[i] - r;
    if (xs[i] + r > maxX) maxX = xs[i] + r;
    if (ys[i] - r < minY) minY = ys[i] - r;
    if (ys[i] + r > maxY) maxY = ys[i] + r;
  }
  if (!Number.isFinite(minX)) return undefined;
  const pad = 40;
  const scale = Math.min(4, Math.max(0.02, Math.min((w - 2 * pad) / Math.max(1, maxX - minX), (h - 2 * pad) / Math.max(1, maxY - minY))));
  return { scale, tx: w / 2 - ((minX + maxX) / 2) * scale, ty: h / 2 - ((minY + maxY) / 2) * scale };
}

export function drawScene(ctx: Context2D, scene: Scene | undefined, view: View): void {
  const { width: w, height: h, dpr, scale, tx, ty, theme } = view;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, w, h);
  if (!scene || scene.count === 0) return;
  const g = scene;
  const { count, xs, ys, radius, adj } = scene;
  ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * tx, dpr * ty);
  // What is in view, in world units (with a margin for the largest node and its label).
  const margin = 20 / scale + 16;
  const x0 = -tx / scale - margin;
  const y0 = -ty / scale - margin;
  const x1 = (w - tx) / scale + margin;
  const y1 = (h - ty) / scale + margin;
  const inView = (i: number) => xs[i] >= x0 && xs[i] <= x1 && ys[i] >= y0 && ys[i] <= y1;

  const focus = view.focus;
  const lit = focus >= 0 && focus < count ? neighbourSet(adj, focus) : undefined;
  const colourOf = (i: number) => theme.palette[g.colour[i]] ?? theme.other;

  // Edges: plain links solid, embeds dashed; those of the focused node drawn again on top in the accent colour.
  ctx.lineWidth = Math.max(0.5, 1 / scale);
  ctx.strokeStyle = theme.muted;
  ctx.globalAlpha = lit ? 0.12 : 0.35;
  for (const embeds of [false, true]) {
    ctx.setLineDash(embeds ? [4 / scale, 3 / scale] : []);
    ctx.beginPath();
    for (let e = 0; e < g.edges.length; e += STRIDE) {
      if (((g.edges[e + 2] & EDGE_EMBED_BIT) !== 0) !== embeds) continue;
      const a = g.edges[e];
      const b = g.edges[e + 1];
      if (!inView(a) && !inView(b)) continue;
      ctx.moveTo(xs[a], ys[a]);
      ctx.lineTo(xs[b], ys[b]);
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  if (lit) {
    ctx.globalAlpha = 0.9;
    ctx.strokeStyle = theme.accent;
    ctx.lineWidth = Math.max(1, 1.5 / scale);
    ctx.beginPath();
    for (let k = adj.offsets[focus]; k < adj.offsets[focus + 1]; k++) {
      const b = adj.neighbours[k];
      ctx.moveTo(xs[focus], ys[focus]);
      ctx.lineTo(xs[b], ys[b]);
    }
    ctx.stroke();
  }

  // Nodes, batched by colour: one path per colour and shape.
  const drawNodes = (alpha: number, only?: Set<number>) => {
    ctx.globalAlpha = alpha;
    const buckets = new Map<string, number[]>();
    const hollow: number[] = [];
    const ringed: number[] = [];
    for (let i = 0; i < count; i++) {
      if (only && !only.has(i)) continue;
      if (!inView(i)) continue;
      if (g.kinds[i] === KIND_UNRESOLVED) {
        hollow.push(i);
        continue;
      }
      const c = colourOf(i);
      let b = buckets.get(c);
      if (!b) buckets.set(c, (b = []));
      b.push(i);
      if (g.visibility[i] === VISIBILITY_PRIVATE) ringed.push(i);
    }
    for (const [c, members] of buckets) {
      ctx.fillStyle = c;
      ctx.beginPath();
      for (const i of members) {
        const r = radius[i];
        if (g.kinds[i] === KIND_ATTACHMENT) {
          ctx.rect(xs[i] - r * 0.8, ys[i] - r * 0.8, r * 1.6, r * 1.6);
        } else {
          ctx.moveTo(xs[i] + r, ys[i]);
          ctx.arc(xs[i], ys[i], r, 0, 2 * Math.PI);
        }
      }
      ctx.fill();
    }
    // Unresolved targets: hollow circles, the placeholders of notes not written yet.
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = Math.max(1, 1.5 / scale);
    ctx.beginPath();
    for (const i of hollow) {
      ctx.moveTo(xs[i] + radius[i], ys[i]);
      ctx.arc(xs[i], ys[i], radius[i], 0, 2 * Math.PI);
    }
    ctx.stroke();
    // Private notes: a dashed ring around the dot.
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = Math.max(0.75, 1.25 / scale);
    ctx.setLineDash([2.5, 2]);
    ctx.beginPath();
    for (const i of ringed) {
      const r = radius[i] + 2.5;
      ctx.moveTo(xs[i] + r, ys[i]);
      ctx.arc(xs[i], ys[i], r, 0, 2 * Math.PI);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  drawNodes(lit ? 0.25 : 1);
  if (lit) drawNodes(1, lit);

  // The local graph's centre and the focused node: a ring in the accent colour.
  ctx.globalAlpha = 1;
  ctx.strokeStyle = theme.accent;
  ctx.lineWidth = Math.max(1.5, 2 / scale);
  ctx.beginPath();
  for (const i of [g.center, focus]) {
    if (i >= count) continue;
    if (i < 0) continue;
    const r = radius[i] + 5;
    ctx.moveTo(xs[i] + r, ys[i]);
    ctx.arc(xs[i], ys[i], r, 0, 2 * Math.PI);
  }
  ctx.stroke();

  // Labels at a constant screen size; all of them in a small graph, else only once zoomed in (or highlighted).
  const fontPx = 11;
  ctx.font = `${fontPx / scale}px ${theme.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const all = count < ALWAYS_LABEL_BELOW || scale > 1.2;
  for (let i = 0; i < count; i++) {
    const isLit = lit?.has(i) ?? false;
    if (!all && !isLit && i !== g.center) continue;
    if (!inView(i)) continue;
    ctx.globalAlpha = lit && !isLit ? 0.3 : 1;
    ctx.fillStyle = g.kinds[i] === KIND_UNRESOLVED ? theme.muted : theme.foreground;
    ctx.fillText(g.labels[i], xs[i], ys[i] + radius[i] + 4 / scale);
  }
  ctx.globalAlpha = 1;
}

function neighbourSet(adj: Adjacency, node: number): Set<number> {
  const set = new Set<number>([node]);
  for (let k = adj.offsets[node]; k < adj.offsets[node + 1]; k++) set.add(adj.neighbours[k]);
  return set;
}
