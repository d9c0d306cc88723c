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
import { quadtree, type Quadtree } from 'd3-quadtree';
import { createLayout, isRunning, readPositions, type FromLayout, type ToLayout } from './layout';
import { drawScene, fitCamera, type Scene, type Theme, type View } from './render';
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
/** The layout worker's bundled source (layoutWorker.ts), put in by scripts/bundle.mjs. */
declare const LAYOUT_WORKER_SOURCE: string | undefined;

const vscode = acquireVsCodeApi();
const canvas = document.getElementById('graph') as HTMLCanvasElement;
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

let graph: VaultGraph | undefined;
let mode: GraphMode = 'local';
let colourBy: ColourBy = 'folder';
let strings: GraphStrings | undefined;
/** The number of nodes drawn, and where each is (world units). */
let count = 0;
let xs: Float32Array = new Float32Array(0);
let ys: Float32Array = new Float32Array(0);
let adj: Adjacency = { offsets: new Uint32Array(1), neighbours: new Uint32Array(0) };
let groups: Groups = { group: new Int32Array(0), names: [], counts: [] };
/** Per group rank: its palette slot (-1: the "other" colour), stable per name while the panel lives. */
let slotOfRank: Int32Array = new Int32Array(0);
const colourSlots: Record<ColourBy, ColourSlots> = { folder: new ColourSlots(PALETTE_SIZE), tag: new ColourSlots(PALETTE_SIZE) };
let radius = new Float32Array(0);
/** Per node: its palette slot (-1: the "other" colour). */
let colour: Int32Array = new Int32Array(0);
/** The worker draws on the canvas (an OffscreenCanvas); otherwise the page does, on its own context. */
let offscreen = false;
let pageContext: CanvasRenderingContext2D | undefined;
/** The layout runs in a worker; where workers are refused, in the page, a time budget per frame. */
let worker: Worker | undefined;
let workerState: 'starting' | 'ready' | 'none' = 'starting';
/** A layout asked for while the worker was starting. */
let pendingAlpha: number | undefined;
let pageLayout: ReturnType<typeof createLayout> | undefined;
let layoutRunning = false;
/** Counts the layouts started in the worker, as the worker does: positions of an older graph are dropped. */
let layoutGeneration = 0;
let tree: Quadtree<number> | undefined;
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
  const before = new Map<string, number>();
  if (graph) for (let i = 0; i < count; i++) before.set(keyOf(graph, i), i);
  const oldXs = xs;
  const oldYs = ys;
  graph = next;
  hovered = -1;
  listFocus = -1;
  if (!graph) {
    stopLayout();
    count = 0;
    xs = new Float32Array(0);
    ys = new Float32Array(0);
    radius = new Float32Array(0);
    renderList();
    renderLegend();
    requestFrame();
    return;
  }
  const g = graph;
  adj = adjacency(g);
  count = g.paths.length;
  radius = new Float32Array(count);
  for (let i = 0; i < count; i++) radius[i] = nodeRadius(degreeOf(adj, i));
  xs = new Float32Array(count).fill(NaN);
  ys = new Float32Array(count).fill(NaN);
  let known = 0;
  for (let i = 0; i < count; i++) {
    const old = before.get(keyOf(g, i));
    if (old === undefined) continue;
    xs[i] = oldXs[old];
    ys[i] = oldYs[old];
    known++;
  }
  // A new node starts next to a neighbour that already has a place, rather than at a random spot.
  if (known > 0) {
    for (let i = 0; i < count; i++) {
      if (!Number.isNaN(xs[i])) continue;
      for (let k = adj.offsets[i]; k < adj.offsets[i + 1]; k++) {
        const m = adj.neighbours[k];
        if (!Number.isNaN(xs[m])) {
          xs[i] = xs[m] + (Math.random() - 0.5) * 30;
          ys[i] = ys[m] + (Math.random() - 0.5) * 30;
          break;
        }
      }
    }
  }
  if (known === 0) userMoved = false;
  regroup();
  startLayout(g, known === count && count > 0 ? 0.15 : known > 0 ? 0.6 : 1);
  treeStale = true;
  requestFrame();
}

function startLayout(g: VaultGraph, alpha: number): void {
  layoutRunning = true;
  document.body.dataset.layout = 'running';
  if (workerState === 'starting') {
    // The worker has not said hello yet: the layout starts once it has, or in the page if it cannot.
    pendingAlpha = Math.max(pendingAlpha ?? 0, alpha);
    return;
  }
  const edgeCount = g.edges.length / STRIDE;
  const sources = new Uint32Array(edgeCount);
  const targets = new Uint32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    sources[e] = g.edges[e * STRIDE];
    targets[e] = g.edges[e * STRIDE + 1];
  }
  if (worker && workerState === 'ready') {
    pageLayout = undefined;
    const drawn = offscreen
      ? { radius, kinds: g.kinds, visibility: g.visibility, labels: g.labels, edges: g.edges, center: g.center ?? -1, colour, offsets: adj.offsets, neighbours: adj.neighbours, view: view(), autoFit: !userMoved }
      : undefined;
    // Counted as the worker counts its starts: positions from an earlier layout are then told apart.
    layoutGeneration++;
    worker.postMessage({ type: 'start', count, sources, targets, xs: xs.slice(), ys: ys.slice(), alpha, scene: drawn } satisfies ToLayout);
    return;
  }
  // No worker: the same layout in the page. Until it has run, nodes without a place get d3's.
  pageLayout = createLayout(count, sources, targets, xs, ys, alpha);
  readPositions(pageLayout.nodes, xs, ys);
}

function stopLayout(): void {
  layoutRunning = false;
  pageLayout = undefined;
  worker?.postMessage({ type: 'stop' } satisfies ToLayout);
}

/**
 * Starts the worker that lays the graph out and, where the canvas can be handed over (an OffscreenCanvas), draws
 * it too. Until it says hello the page waits; if it cannot start (a policy, an old engine) both run in the page.
 */
function startWorker(): void {
  const fail = () => {
    if (workerState !== 'starting') return;
    worker?.terminate();
    worker = undefined;
    workerState = 'none';
    resumePending();
  };
  try {
    if (typeof LAYOUT_WORKER_SOURCE !== 'string') throw new Error('no worker source');
    const url = URL.createObjectURL(new Blob([LAYOUT_WORKER_SOURCE], { type: 'text/javascript' }));
    const w = new Worker(url);
    worker = w;
    w.onmessage = (event: MessageEvent<FromLayout>) => {
      const m = event.data;
      if (m.type === 'hello') {
        if (workerState !== 'starting') return;
        workerState = 'ready';
        try {
          const off = canvas.transferControlToOffscreen();
          w.postMessage({ type: 'canvas', canvas: off } satisfies ToLayout, [off]);
          offscreen = true;
        } catch {
          // No OffscreenCanvas here: the worker lays out, the page draws.
          offscreen = false;
        }
        resumePending();
      } else onPositions(m);
    };
    w.onerror = fail;
    setTimeout(fail, 3000);
  } catch {
    fail();
  }
}

function resumePending(): void {
  const alpha = pendingAlpha;
  pendingAlpha = undefined;
  if (graph && alpha !== undefined) startLayout(graph, alpha);
  requestFrame();
}

function onPositions(m: FromLayout): void {
  if (m.type !== 'positions') return;
  // The worker counts its layouts as the page does: an answer for a graph since replaced is dropped.
  if (m.generation !== layoutGeneration || m.xs.length !== count) return;
  xs = m.xs;
  ys = m.ys;
  layoutRunning = m.running;
  drawStats.inWorker = m.drawn;
  document.body.dataset.layout = layoutRunning ? 'running' : 'settled';
  treeStale = true;
  if (offscreen) {
    // The worker drew these positions already, with the camera it reports.
    if (m.camera && !userMoved) ({ scale, tx, ty } = m.camera);
    return;
  }
  if (!userMoved) fit();
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
    colour = new Int32Array(count);
    for (let i = 0; i < count; i++) colour[i] = groups.group[i] >= 0 ? slotOfRank[groups.group[i]] : -1;
    if (offscreen) worker?.postMessage({ type: 'colours', colour } satisfies ToLayout);
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
  const local = pageLayout;
  if (local && layoutRunning) {
    const start = performance.now();
    do local.simulation.tick();
    while (performance.now() - start < FRAME_BUDGET_MS && isRunning(local.simulation));
    readPositions(local.nodes, xs, ys);
    treeStale = true;
    layoutRunning = isRunning(local.simulation);
    if (!userMoved) fit();
    if (layoutRunning) requestFrame();
  }
  document.body.dataset.layout = layoutRunning ? 'running' : 'settled';
  const drawStart = performance.now();
  draw();
  const drawMs = performance.now() - drawStart;
  drawStats.last = drawMs;
  drawStats.longest = Math.max(drawStats.longest, drawMs);
  drawStats.frames++;
}

/** How long drawing in the page takes, and how many drawings the worker has made (what the editor tests report). */
const drawStats = { last: 0, longest: 0, frames: 0, inWorker: 0 };

function fit(): void {
  const camera = fitCamera({ count, xs, ys, radius }, canvas.clientWidth, canvas.clientHeight);
  if (camera) ({ scale, tx, ty } = camera);
}

// --- drawing ----------------------------------------------------------------------------------------------------

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
  return theme.palette[colour[node]] ?? theme.other;
}

function scene(): Scene | undefined {
  if (!graph) return undefined;
  return { count, xs, ys, radius, kinds: graph.kinds, visibility: graph.visibility, labels: graph.labels, edges: graph.edges, center: graph.center ?? -1, colour, adj };
}

function view(): View {
  return { width: canvas.clientWidth, height: canvas.clientHeight, dpr, scale, tx, ty, focus: hovered >= 0 ? hovered : listFocus, theme };
}

function draw(): void {
  // Until the worker has started, the canvas is not touched: it may still be handed over.
  if (workerState === 'starting') return;
  if (offscreen) {
    // The worker draws; it hears of every change of size, camera, focus or theme.
    worker?.postMessage({ type: 'view', view: view(), autoFit: !userMoved } satisfies ToLayout);
    return;
  }
  pageContext ??= canvas.getContext('2d')!;
  drawScene(pageContext, scene(), view());
}

// --- pointer, wheel, keyboard -------------------------------------------------------------------------------------

function nodeAt(clientX: number, clientY: number): number {
  if (count === 0) return -1;
  if (treeStale || !tree) {
    const x = xs;
    const y = ys;
    tree = quadtree<number>()
      .x((i) => x[i])
      .y((i) => y[i])
      .addAll(Array.from({ length: count }, (_, i) => i));
    treeStale = false;
  }
  const rect = canvas.getBoundingClientRect();
  const wx = (clientX - rect.left - tx) / scale;
  const wy = (clientY - rect.top - ty) / scale;
  const found = tree.find(wx, wy, 16 + 6 / scale);
  if (found === undefined) return -1;
  const d = Math.hypot(xs[found] - wx, ys[found] - wy);
  return d <= radius[found] + 6 / scale ? found : -1;
}

/** Dragging a node pins it under the pointer and wakes the layout around it. */
function pin(node: number, x: number, y: number): void {
  xs[node] = x;
  ys[node] = y;
  treeStale = true;
  if (pageLayout) {
    const n = pageLayout.nodes[node];
    n.fx = x;
    n.fy = y;
    if (pageLayout.simulation.alpha() < 0.2) pageLayout.simulation.alpha(0.2);
    layoutRunning = true;
  } else if (worker) {
    worker.postMessage({ type: 'pin', node, x, y } satisfies ToLayout);
    layoutRunning = true;
  }
}

function release(node: number): void {
  if (pageLayout) {
    const n = pageLayout.nodes[node];
    n.fx = n.fy = null;
  } else worker?.postMessage({ type: 'release', node } satisfies ToLayout);
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
        const rect = canvas.getBoundingClientRect();
        pin(drag.node, (e.clientX - rect.left - tx) / scale, (e.clientY - rect.top - ty) / scale);
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
  if (d.node >= 0 && d.moved) release(d.node);
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
  // Once handed to the worker the canvas is sized there, from the view it is sent.
  if (!offscreen) {
    canvas.width = Math.max(1, Math.round(w * dpr));
    canvas.height = Math.max(1, Math.round(h * dpr));
  }
  if (!userMoved) fit();
  requestFrame();
}
new ResizeObserver(resize).observe(canvas);

// What the editor tests read: where a node is drawn (CSS pixels from the canvas's top left corner).
(window as unknown as { ospoGraphView: unknown }).ospoGraphView = {
  nodeScreenPosition(path: string): { x: number; y: number } | undefined {
    const i = graph ? graph.paths.indexOf(path) : -1;
    if (i < 0) return undefined;
    return { x: xs[i] * scale + tx, y: ys[i] * scale + ty };
  },
  drawStats(): typeof drawStats {
    return { ...drawStats };
  },
  /** Where the layout runs: `worker`, or `page` where workers are refused. */
  layoutRunsIn(): string {
    return pageLayout ? 'page' : worker && workerState === 'ready' ? (offscreen ? 'worker, drawn in the worker' : 'worker') : 'none';
  },
};

startWorker();
vscode.postMessage({ type: 'ready' });
