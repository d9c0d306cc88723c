/**
 * The graph worker (bundled into the webview script as text and started from a blob: URL, the way VS Code
 * webviews allow workers). It ticks the force layout off the page's thread and posts the positions back; given
 * the canvas (an OffscreenCanvas) it also draws there, so that neither the layout nor rasterising 50,000 edges
 * without a GPU holds up the page: panning, hovering and the node list stay responsive while 10,000 notes settle.
 */
import { createLayout, isRunning, readPositions, type FromLayout, type LayoutNode, type SceneData, type ToLayout } from './layout';
import { drawScene, fitCamera, type Scene, type View } from './render';

/** Ticks run for at least this long between two posts (and two drawings). */
const BATCH_MS = 30;
/** How long the last drawing took: the layout gets at least as long again, so drawing never starves it. */
let lastDrawMs = 0;
/** Drawings made, reported with the positions. */
let drawn = 0;

type Layout = ReturnType<typeof createLayout>;
let layout: Layout | undefined;
let generation = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | undefined;
let scene: Scene | undefined;
let view: View | undefined;
let autoFit = true;
let drawTimer: ReturnType<typeof setTimeout> | undefined;

const post = (message: FromLayout, transfer: Transferable[] = []) => (self as unknown as { postMessage(m: FromLayout, t: Transferable[]): void }).postMessage(message, transfer);

self.onmessage = (event: MessageEvent<ToLayout>) => {
  const m = event.data;
  switch (m.type) {
    case 'canvas':
      canvas = m.canvas;
      context = canvas.getContext('2d') ?? undefined;
      return;
    case 'start':
      generation++;
      layout = createLayout(m.count, m.sources, m.targets, m.xs, m.ys, m.alpha);
      scene = m.scene && sceneOf(m.count, m.scene, m.xs, m.ys);
      if (m.scene) {
        view = m.scene.view;
        autoFit = m.scene.autoFit;
      }
      schedule();
      return;
    case 'view':
      view = m.view;
      autoFit = m.autoFit;
      requestDraw();
      return;
    case 'colours':
      if (scene && m.colour.length === scene.count) {
        scene.colour = m.colour;
        requestDraw();
      }
      return;
    case 'pin': {
      const n: LayoutNode | undefined = layout?.nodes[m.node];
      if (!n || !layout) return;
      n.fx = m.x;
      n.fy = m.y;
      if (layout.simulation.alpha() < 0.2) layout.simulation.alpha(0.2);
      schedule();
      return;
    }
    case 'release': {
      const n = layout?.nodes[m.node];
      if (n) n.fx = n.fy = null;
      return;
    }
    case 'stop':
      layout = undefined;
      scene = undefined;
      requestDraw();
      return;
  }
};

function sceneOf(count: number, d: SceneData, xs: Float32Array, ys: Float32Array): Scene {
  return { count, xs, ys, radius: d.radius, kinds: d.kinds, visibility: d.visibility, labels: d.labels, edges: d.edges, center: d.center, colour: d.colour, adj: { offsets: d.offsets, neighbours: d.neighbours } };
}

function schedule(): void {
  timer ??= setTimeout(run, 0);
}

function run(): void {
  timer = undefined;
  const current = layout;
  if (!current) return;
  const start = performance.now();
  do current.simulation.tick();
  while (performance.now() - start < Math.max(BATCH_MS, lastDrawMs) && isRunning(current.simulation));
  const running = isRunning(current.simulation);
  if (scene) readPositions(current.nodes, scene.xs, scene.ys);
  const camera = draw();
  const xs = new Float32Array(current.nodes.length);
  const ys = new Float32Array(current.nodes.length);
  readPositions(current.nodes, xs, ys);
  post({ type: 'positions', generation, xs, ys, running, camera, drawn }, [xs.buffer, ys.buffer]);
  // A turn of the event loop between batches: a new graph, a drag or a camera move gets in.
  if (running) schedule();
}

function requestDraw(): void {
  drawTimer ??= setTimeout(() => {
    drawTimer = undefined;
    draw();
  }, 0);
}

/** Draws the scene when the worker has the canvas; returns the camera it drew with when it keeps the graph in view. */
function draw(): View | undefined {
  if (!canvas || !context || !view) return undefined;
  const width = Math.max(1, Math.round(view.width * view.dpr));
  const height = Math.max(1, Math.round(view.height * view.dpr));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  let v = view;
  if (autoFit && scene) {
    const camera = fitCamera(scene, view.width, view.height);
    if (camera) v = view = { ...view, ...camera };
  }
  const started = performance.now();
  drawScene(context, scene, v);
  lastDrawMs = performance.now() - started;
  drawn++;
  return autoFit ? v : undefined;
}

post({ type: 'hello' });
