/**
 * The graph webview's script (bundled by scripts/bundle.mjs into dist/graphView.js; it runs in the webview, not
 * in the extension host). It draws the graph `ospo/graph` answers on a 2D canvas, lays it out with d3-force a
 * few ticks per animation frame (so a vault of 10,000 notes stays responsive while it settles), and keeps an
 * accessible list of the nodes beside it. It posts what the user does (open a node, change the depth or the
 * colouring) to the extension, which owns the data.
 *
 * Canvas 2D rather than WebGL: it renders the same with or without a GPU, and a viewport-culled, batched 2D
 * canvas draws 10,000 nodes within a frame.
 */
import { forceLink, forceManyBody, forceSimulation, forceX, forceY, type Simulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force';
import { quadtree, type Quadtree } from 'd3-quadtree';
import type { VaultGraph } from '@ospo-notes/engine';
import {
  adjacency,
  ColourSlots,
  degreeOf,
  EDGE_EMBED_BIT,
  groupLabel,
  KIND_ATTACHMENT,
  KIND_UNRESOLVED,
  listNodes,
  nodeDescription,
  nodeGroups,
  nodeRadius,
  PALETTE_SIZE,
  STRIDE,
  VISIBILITY_PRIVATE,
  type Adjacency,
  type ColourBy,
  type FromWebview,
  type GraphMode,
  type GraphStrings,
  type Groups,
  type ToWebview,
} from '../src/views/graphModel';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void; getState(): unknown; setState(state: unknown): void };

interface SimNode extends SimulationNodeDatum {
  i: number;
}
type SimLink = SimulationLinkDatum<SimNode>;

const vscode = acquireVsCodeApi();
const canvas = document.getElementById('graph') as HTMLCanvasElement;
const context = canvas.getContext('2d')!;
const depthSelect = document.getElementById('depth') as HTMLSelectElement;
const depthControl = document.getElementById('depth-control') as HTMLElement;
const colourButtons = Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-colour-by]'));
const search = document.getElementById('search') as HTMLInputElement;
const list = document.getElementById('node-list') as HTMLUListElement;
const listSummary = document.getElementById('node-count') as HTMLElement;
const listPanel = document.getElementById('list-panel') as HTMLDetailsElement;
const legend = document.getElementById('legend') as HTMLElement;
const message = document.getElementById('message') as HTMLElement;
const tooltip = document.getElementById('tooltip') as HTMLElement;

/** At most this many rows in the node list; the search box narrows it down. */
const LIST_LIMIT = 300;
/** Layout time per animation frame, in milliseconds (at least one tick is always run). */
const FRAME_BUDGET_MS = 12;
/** Below this many nodes every label is drawn; above, only when zoomed in far enough (or highlighted). */
const ALWAYS_LABEL_BELOW = 80;

let graph: VaultGraph | undefined;
let mode: GraphMode = 'local';
let colourBy: ColourBy = 'folder';
let strings: GraphStrings | undefined;
let nodes: SimNode[] = [];
let adj: Adjacency = { offsets: new Uint32Array(1), neighbours: new Uint32Array(0) };
let groups: Groups = { group: new Int32Array(0), names: [], counts: [] };
/** Per group rank: its palette slot (-1: the "other" colour), stable per name while the panel lives. */
let slotOfRank: Int32Array = new Int32Array(0);
const colourSlots: Record<ColourBy, ColourSlots> = { folder: new ColourSlots(PALETTE_SIZE), tag: new ColourSlots(PALETTE_SIZE) };
let radius = new Float32Array(0);
let simulation: Simulation<SimNode, SimLink> | undefined;
let tree: Quadtree<SimNode> | undefined;
let treeStale = true;
/** World → screen: screen = world × scale + (tx, ty), in CSS pixels. */
let scale = 1;
let tx = 0;
let ty = 0;
/** Until the user pans or zooms, the view keeps the whole graph in sight as it settles. */
let userMoved = false;
let hovered = -1;
/** The node the list's pointer or keyboard focus is on. */
let listFocus = -1;
let frameRequested = false;
let dpr = window.devicePixelRatio || 1;
let theme = readTheme();

// --- messages -------------------------------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m?.type !== 'graph') return;
  strings = m.strings;
  mode = m.mode;
  colourBy = m.colourBy;
  depthSelect.value = String(m.depth);
  depthControl.hidden = mode !== 'local';
  for (const b of colourButtons) b.setAttribute('aria-pressed', String(b.dataset.colourBy === colourBy));
  applyStrings(m.strings);
  if (m.graph) {
    message.hidden = true;
    setGraph(m.graph);
  } else {
    message.textContent = m.reason ?? '';
    message.hidden = false;
    setGraph(undefined);
  }
});

depthSelect.addEventListener('change', () => vscode.postMessage({ type: 'depth', depth: Number(depthSelect.value) }));
for (const b of colourButtons) {
  b.addEventListener('click', () => {
    const by = b.dataset.colourBy as ColourBy;
    if (by === colourBy) return;
    colourBy = by;
    for (const other of colourButtons) other.setAttribute('aria-pressed', String(other === b));
    vscode.postMessage({ type: 'colourBy', colourBy: by });
    regroup();
  });
}
search.addEventListener('input', () => renderList());
listPanel.addEventListener('toggle', () => {
  vscode.setState({ listOpen: listPanel.open });
  resize();
});
const saved = vscode.getState() as { listOpen?: boolean } | undefined;
if (saved?.listOpen === false) listPanel.open = false;

function applyStrings(s: GraphStrings): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-string]'))) {
    const key = el.dataset.string as keyof GraphStrings;
    if (s[key]) el.textContent = s[key];
  }
  search.placeholder = s.search;
  search.setAttribute('aria-label', s.search);
  canvas.setAttribute('aria-label', s.graphLabel);
}

function open(node: number): void {
  if (!graph) return;
  vscode.postMessage({ type: 'open', path: graph.paths[node], kind: graph.kinds[node] });
}

// --- the graph and its layout -----------------------------------------------------------------------------------

function setGraph(next: VaultGraph | undefined): void {
  // Nodes that stay keep their place, so that a live refresh does not throw the picture around.
  const before = new Map<string, SimNode>();
  if (graph) for (const n of nodes) before.set(keyOf(graph, n.i), n);
  simulation?.stop();
  simulation = undefined;
  graph = next;
  hovered = -1;
  listFocus = -1;
  if (!graph) {
    nodes = [];
    radius = new Float32Array(0);
    renderList();
    renderLegend();
    requestFrame();
    return;
  }
  const g = graph;
  adj = adjacency(g);
  const count = g.paths.length;
  radius = new Float32Array(count);
  for (let i = 0; i < count; i++) radius[i] = nodeRadius(degreeOf(adj, i));
  let known = 0;
  nodes = new Array(count);
  for (let i = 0; i < count; i++) {
    const old = before.get(keyOf(g, i));
    nodes[i] = old ? { i, x: old.x, y: old.y, vx: 0, vy: 0 } : { i };
    if (old) known++;
  }
  // A new node starts next to a neighbour that already has a place, rather than at a random spot.
  if (known > 0) {
    for (const n of nodes) {
      if (n.x !== undefined) continue;
      for (let k = adj.offsets[n.i]; k < adj.offsets[n.i + 1]; k++) {
        const m = nodes[adj.neighbours[k]];
        if (m.x !== undefined) {
          n.x = m.x + (Math.random() - 0.5) * 30;
          n.y = m.y! + (Math.random() - 0.5) * 30;
          break;
        }
      }
    }
  }
  const links: SimLink[] = [];
  for (let e = 0; e < g.edges.length; e += STRIDE) links.push({ source: g.edges[e], target: g.edges[e + 1] });
  const big = count > 2000;
  simulation = forceSimulation<SimNode, SimLink>(nodes)
    .force('link', forceLink<SimNode, SimLink>(links).distance(big ? 30 : 50))
    .force('charge', forceManyBody<SimNode>().strength(big ? -25 : -120).theta(big ? 1.2 : 0.9).distanceMax(big ? 300 : 600))
    .force('x', forceX<SimNode>(0).strength(big ? 0.02 : 0.05))
    .force('y', forceY<SimNode>(0).strength(big ? 0.02 : 0.05))
    .alphaDecay(big ? 0.035 : 0.0228)
    .stop();
  // The simulation runs from our frame loop, a time budget per frame, never from its own timer.
  simulation.alpha(known === count && count > 0 ? 0.15 : known > 0 ? 0.6 : 1);
  if (known === 0) userMoved = false;
  treeStale = true;
  document.body.dataset.layout = 'running';
  regroup();
  requestFrame();
}

/** A node's identity across refreshes: its path (an unresolved target's linkpath is no path, hence the mark). */
function keyOf(g: VaultGraph, i: number): string {
  return g.kinds[i] === KIND_UNRESOLVED ? `?${g.paths[i].toLowerCase()}` : g.paths[i];
}

function regroup(): void {
  if (graph) {
    groups = nodeGroups(graph, colourBy);
    slotOfRank = colourSlots[colourBy].assign(groups);
  }
  renderLegend();
  renderList();
  requestFrame();
}

// --- frame loop -------------------------------------------------------------------------------------------------

function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

function frame(): void {
  frameRequested = false;
  const sim = simulation;
  let running = false;
  if (sim && sim.alpha() >= sim.alphaMin()) {
    const start = performance.now();
    do sim.tick();
    while (performance.now() - start < FRAME_BUDGET_MS && sim.alpha() >= sim.alphaMin());
    treeStale = true;
    running = sim.alpha() >= sim.alphaMin();
    if (!userMoved) fit();
  }
  document.body.dataset.layout = running ? 'running' : 'settled';
  draw();
  if (running) requestFrame();
}

function fit(): void {
  if (nodes.length === 0) return;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    const r = radius[n.i];
    if (n.x! - r < minX) minX = n.x! - r;
    if (n.x! + r > maxX) maxX = n.x! + r;
    if (n.y! - r < minY) minY = n.y! - r;
    if (n.y! + r > maxY) maxY = n.y! + r;
  }
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  const pad = 40;
  scale = Math.min(4, Math.max(0.02, Math.min((w - 2 * pad) / Math.max(1, maxX - minX), (h - 2 * pad) / Math.max(1, maxY - minY))));
  tx = w / 2 - ((minX + maxX) / 2) * scale;
  ty = h / 2 - ((minY + maxY) / 2) * scale;
}

// --- drawing ----------------------------------------------------------------------------------------------------

interface Theme {
  background: string;
  foreground: string;
  muted: string;
  accent: string;
  palette: string[];
  other: string;
  font: string;
}

function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--vscode-editor-background', '#1e1e1e'),
    foreground: v('--vscode-editor-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#999999'),
    accent: v('--vscode-focusBorder', '#007fd4'),
    palette: [
      v('--vscode-charts-blue', '#3794ff'),
      v('--vscode-charts-green', '#89d185'),
      v('--vscode-charts-orange', '#d18616'),
      v('--vscode-charts-purple', '#b180d7'),
      v('--vscode-charts-red', '#f14c4c'),
      v('--vscode-charts-yellow', '#cca700'),
      v('--vscode-terminal-ansiCyan', '#11a8cd'),
      v('--vscode-terminal-ansiMagenta', '#bc3fbc'),
      v('--vscode-terminal-ansiBrightGreen', '#23d18b'),
      v('--vscode-terminal-ansiBrightBlue', '#3b8eea'),
    ].slice(0, PALETTE_SIZE),
    other: v('--vscode-disabledForeground', '#808080'),
    font: v('--vscode-font-family', 'sans-serif'),
  };
}

// The theme is the body's class (vscode-light, vscode-dark, vscode-high-contrast) and its variables.
new MutationObserver(() => {
  theme = readTheme();
  renderLegend();
  requestFrame();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });

function colourOf(node: number): string {
  const rank = groups.group[node];
  const slot = rank >= 0 ? slotOfRank[rank] : -1;
  return slot >= 0 && slot < theme.palette.length ? theme.palette[slot] : theme.other;
}

function draw(): void {
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  const ctx = context;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, w, h);
  const g = graph;
  if (!g || nodes.length === 0) return;
  ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * tx, dpr * ty);
  // What is in view, in world units (with a margin for the largest node and its label).
  const margin = 20 / scale + 16;
  const x0 = -tx / scale - margin;
  const y0 = -ty / scale - margin;
  const x1 = (w - tx) / scale + margin;
  const y1 = (h - ty) / scale + margin;
  const inView = (n: SimNode) => n.x! >= x0 && n.x! <= x1 && n.y! >= y0 && n.y! <= y1;

  const focus = hovered >= 0 ? hovered : listFocus;
  const lit = focus >= 0 ? neighbourSet(focus) : undefined;

  // Edges: plain links solid, embeds dashed; those of the focused node drawn again on top in the accent colour.
  ctx.lineWidth = Math.max(0.5, 1 / scale);
  ctx.strokeStyle = theme.muted;
  ctx.globalAlpha = lit ? 0.12 : 0.35;
  for (const embeds of [false, true]) {
    ctx.setLineDash(embeds ? [4 / scale, 3 / scale] : []);
    ctx.beginPath();
    for (let e = 0; e < g.edges.length; e += STRIDE) {
      if (((g.edges[e + 2] & EDGE_EMBED_BIT) !== 0) !== embeds) continue;
      const a = nodes[g.edges[e]];
      const b = nodes[g.edges[e + 1]];
      if (!inView(a) && !inView(b)) continue;
      ctx.moveTo(a.x!, a.y!);
      ctx.lineTo(b.x!, b.y!);
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
      const b = nodes[adj.neighbours[k]];
      ctx.moveTo(nodes[focus].x!, nodes[focus].y!);
      ctx.lineTo(b.x!, b.y!);
    }
    ctx.stroke();
  }

  // Nodes, batched by colour: one path per colour and shape.
  const drawNodes = (alpha: number, only?: Set<number>) => {
    ctx.globalAlpha = alpha;
    const buckets = new Map<string, number[]>();
    const hollow: number[] = [];
    const ringed: number[] = [];
    for (const n of nodes) {
      if (only && !only.has(n.i)) continue;
      if (!inView(n)) continue;
      if (g.kinds[n.i] === KIND_UNRESOLVED) {
        hollow.push(n.i);
        continue;
      }
      const c = colourOf(n.i);
      let b = buckets.get(c);
      if (!b) buckets.set(c, (b = []));
      b.push(n.i);
      if (g.visibility[n.i] === VISIBILITY_PRIVATE) ringed.push(n.i);
    }
    for (const [c, members] of buckets) {
      ctx.fillStyle = c;
      ctx.beginPath();
      for (const i of members) {
        const n = nodes[i];
        const r = radius[i];
        if (g.kinds[i] === KIND_ATTACHMENT) {
          ctx.rect(n.x! - r * 0.8, n.y! - r * 0.8, r * 1.6, r * 1.6);
        } else {
          ctx.moveTo(n.x! + r, n.y!);
          ctx.arc(n.x!, n.y!, r, 0, 2 * Math.PI);
        }
      }
      ctx.fill();
    }
    // Unresolved targets: hollow circles, the placeholders of notes not written yet.
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = Math.max(1, 1.5 / scale);
    ctx.beginPath();
    for (const i of hollow) {
      const n = nodes[i];
      ctx.moveTo(n.x! + radius[i], n.y!);
      ctx.arc(n.x!, n.y!, radius[i], 0, 2 * Math.PI);
    }
    ctx.stroke();
    // Private notes: a dashed ring around the dot.
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = Math.max(0.75, 1.25 / scale);
    ctx.setLineDash([2.5, 2]);
    ctx.beginPath();
    for (const i of ringed) {
      const n = nodes[i];
      const r = radius[i] + 2.5;
      ctx.moveTo(n.x! + r, n.y!);
      ctx.arc(n.x!, n.y!, r, 0, 2 * Math.PI);
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
  for (const i of [g.center ?? -1, focus]) {
    if (i < 0) continue;
    const n = nodes[i];
    const r = radius[i] + 5;
    ctx.moveTo(n.x! + r, n.y!);
    ctx.arc(n.x!, n.y!, r, 0, 2 * Math.PI);
  }
  ctx.stroke();

  // Labels at a constant screen size; all of them in a small graph, else only once zoomed in (or highlighted).
  const fontPx = 11;
  ctx.font = `${fontPx / scale}px ${theme.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const all = nodes.length < ALWAYS_LABEL_BELOW || scale > 1.2;
  for (const n of nodes) {
    const isLit = lit?.has(n.i) ?? false;
    if (!all && !isLit && n.i !== g.center) continue;
    if (!inView(n)) continue;
    ctx.globalAlpha = lit && !isLit ? 0.3 : 1;
    ctx.fillStyle = g.kinds[n.i] === KIND_UNRESOLVED ? theme.muted : theme.foreground;
    ctx.fillText(g.labels[n.i], n.x!, n.y! + radius[n.i] + 4 / scale);
  }
  ctx.globalAlpha = 1;
}

function neighbourSet(node: number): Set<number> {
  const set = new Set<number>([node]);
  for (let k = adj.offsets[node]; k < adj.offsets[node + 1]; k++) set.add(adj.neighbours[k]);
  return set;
}

// --- pointer, wheel, keyboard -------------------------------------------------------------------------------------

function nodeAt(clientX: number, clientY: number): number {
  if (nodes.length === 0) return -1;
  if (treeStale || !tree) {
    tree = quadtree<SimNode>()
      .x((n) => n.x!)
      .y((n) => n.y!)
      .addAll(nodes);
    treeStale = false;
  }
  const rect = canvas.getBoundingClientRect();
  const wx = (clientX - rect.left - tx) / scale;
  const wy = (clientY - rect.top - ty) / scale;
  const found = tree.find(wx, wy, 16 + 6 / scale);
  if (!found) return -1;
  const d = Math.hypot(found.x! - wx, found.y! - wy);
  return d <= radius[found.i] + 6 / scale ? found.i : -1;
}

let drag: { node: number; startX: number; startY: number; lastX: number; lastY: number; moved: boolean; pointer: number } | undefined;

canvas.addEventListener('pointerdown', (e) => {
  if (e.button !== 0) return;
  canvas.setPointerCapture(e.pointerId);
  drag = { node: nodeAt(e.clientX, e.clientY), startX: e.clientX, startY: e.clientY, lastX: e.clientX, lastY: e.clientY, moved: false, pointer: e.pointerId };
});

canvas.addEventListener('pointermove', (e) => {
  if (drag && drag.pointer === e.pointerId) {
    if (!drag.moved && Math.hypot(e.clientX - drag.startX, e.clientY - drag.startY) > 4) drag.moved = true;
    if (drag.moved) {
      if (drag.node >= 0) {
        // Dragging a node pins it under the pointer and wakes the layout around it.
        const n = nodes[drag.node];
        const rect = canvas.getBoundingClientRect();
        n.fx = (e.clientX - rect.left - tx) / scale;
        n.fy = (e.clientY - rect.top - ty) / scale;
        if (simulation && simulation.alpha() < 0.2) simulation.alpha(0.2);
        userMoved = true;
      } else {
        tx += e.clientX - drag.lastX;
        ty += e.clientY - drag.lastY;
        userMoved = true;
      }
      drag.lastX = e.clientX;
      drag.lastY = e.clientY;
      requestFrame();
    }
    return;
  }
  setHovered(nodeAt(e.clientX, e.clientY), e.clientX, e.clientY);
});

canvas.addEventListener('pointerup', (e) => {
  if (!drag || drag.pointer !== e.pointerId) return;
  const d = drag;
  drag = undefined;
  if (d.node >= 0) {
    const n = nodes[d.node];
    n.fx = null;
    n.fy = null;
  }
  if (!d.moved && d.node >= 0) open(d.node);
});

canvas.addEventListener('pointerleave', () => setHovered(-1, 0, 0));

canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    zoomAround(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
  },
  { passive: false },
);

canvas.addEventListener('keydown', (e) => {
  const w = canvas.clientWidth / 2;
  const h = canvas.clientHeight / 2;
  if (e.key === '+' || e.key === '=') zoomAround(1.25, w, h);
  else if (e.key === '-') zoomAround(0.8, w, h);
  else if (e.key === '0') {
    userMoved = false;
    fit();
    requestFrame();
  } else return;
  e.preventDefault();
});

function zoomAround(factor: number, x: number, y: number): void {
  const next = Math.min(12, Math.max(0.01, scale * factor));
  tx = x - ((x - tx) * next) / scale;
  ty = y - ((y - ty) * next) / scale;
  scale = next;
  userMoved = true;
  requestFrame();
}

function setHovered(node: number, clientX: number, clientY: number): void {
  canvas.style.cursor = node >= 0 ? 'pointer' : 'default';
  if (node !== hovered) {
    hovered = node;
    requestFrame();
  }
  if (node < 0 || !graph) {
    tooltip.hidden = true;
    return;
  }
  const description = nodeDescription(graph, node);
  tooltip.textContent = graph.kinds[node] === KIND_UNRESOLVED ? `${graph.labels[node]} — ${strings?.unresolved ?? ''}` : description || graph.labels[node];
  const rect = canvas.getBoundingClientRect();
  tooltip.style.left = `${clientX - rect.left + 12}px`;
  tooltip.style.top = `${clientY - rect.top + 12}px`;
  tooltip.hidden = false;
}

// --- the node list and the legend ---------------------------------------------------------------------------------

function renderList(): void {
  list.replaceChildren();
  if (!graph) {
    listSummary.textContent = '0';
    return;
  }
  const g = graph;
  const { nodes: shown, total } = listNodes(g, search.value, LIST_LIMIT);
  listSummary.textContent = String(total);
  const fragment = document.createDocumentFragment();
  for (const i of shown) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'node-item';
    button.dataset.path = g.paths[i];
    button.dataset.node = String(i);
    button.dataset.kind = String(g.kinds[i]);
    if (i === g.center) button.setAttribute('aria-current', 'page');
    const swatch = document.createElement('span');
    swatch.className = `swatch kind-${g.kinds[i]}${g.visibility[i] === VISIBILITY_PRIVATE ? ' private' : ''}`;
    swatch.style.color = g.kinds[i] === KIND_UNRESOLVED ? theme.muted : colourOf(i);
    swatch.setAttribute('aria-hidden', 'true');
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = g.labels[i];
    const desc = document.createElement('span');
    desc.className = 'description';
    const kindWord = g.kinds[i] === KIND_UNRESOLVED ? strings?.unresolved : g.kinds[i] === KIND_ATTACHMENT ? strings?.attachment : g.visibility[i] === VISIBILITY_PRIVATE ? strings?.privateNote : strings?.publicNote;
    desc.textContent = [nodeDescription(g, i), kindWord].filter(Boolean).join(' · ');
    button.append(swatch, label, desc);
    button.addEventListener('click', () => open(i));
    button.addEventListener('mouseenter', () => focusFromList(i));
    button.addEventListener('focus', () => focusFromList(i));
    button.addEventListener('mouseleave', () => focusFromList(-1));
    button.addEventListener('blur', () => focusFromList(-1));
    li.append(button);
    fragment.append(li);
  }
  if (total > shown.length) {
    const li = document.createElement('li');
    li.className = 'more';
    li.textContent = (strings?.more ?? '{0} more').replace('{0}', String(total - shown.length));
    fragment.append(li);
  }
  list.append(fragment);
}

function focusFromList(node: number): void {
  if (listFocus === node) return;
  listFocus = node;
  requestFrame();
}

function renderLegend(): void {
  legend.replaceChildren();
  if (!graph || !strings) return;
  const s = strings;
  const add = (className: string, text: string, colour?: string) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch ${className}`;
    if (colour) swatch.style.color = colour;
    swatch.setAttribute('aria-hidden', 'true');
    const label = document.createElement('span');
    label.textContent = text;
    item.append(swatch, label);
    legend.append(item);
  };
  let others = false;
  for (let r = 0; r < groups.names.length; r++) {
    const slot = slotOfRank[r];
    if (slot < 0 || slot >= theme.palette.length) others = true;
    else add('kind-0', `${groupLabel(groups.names[r], colourBy, s)} (${groups.counts[r]})`, theme.palette[slot]);
  }
  if (others || (colourBy === 'tag' && groups.group.some((x, i) => x < 0 && graph!.kinds[i] !== KIND_UNRESOLVED))) {
    add('kind-0', colourBy === 'tag' ? s.noTag : '…', theme.other);
  }
  add('kind-0 public', s.publicNote, theme.muted);
  add('kind-0 private', s.privateNote, theme.muted);
  add('kind-1', s.attachment, theme.muted);
  add('kind-2', s.unresolved, theme.muted);
}

// --- size -----------------------------------------------------------------------------------------------------------

function resize(): void {
  dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = Math.max(1, Math.round(w * dpr));
  canvas.height = Math.max(1, Math.round(h * dpr));
  if (!userMoved) fit();
  requestFrame();
}
new ResizeObserver(resize).observe(canvas);

// What the editor tests read: where a node is drawn (CSS pixels from the canvas's top left corner).
(window as unknown as { ospoGraphView: unknown }).ospoGraphView = {
  nodeScreenPosition(path: string): { x: number; y: number } | undefined {
    const i = graph ? graph.paths.indexOf(path) : -1;
    if (i < 0) return undefined;
    return { x: nodes[i].x! * scale + tx, y: nodes[i].y! * scale + ty };
  },
};

vscode.postMessage({ type: 'ready' });
