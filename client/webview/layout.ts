/**
 * The graph's force layout (d3-force), shared by the layout worker and the in-page fallback: one set of forces,
 * positions in two Float32Arrays (x, y per node) so that they cross to and from a worker as plain buffers.
 */
import type { Camera, Scene, View } from './render';
import { forceLink, forceManyBody, forceSimulation, forceX, forceY, type Simulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force';

export interface LayoutNode extends SimulationNodeDatum {
  i: number;
}
type LayoutLink = SimulationLinkDatum<LayoutNode>;

/** Above this many nodes the forces are cheaper and coarser (Barnes–Hut looser, shorter reach). */
const BIG_GRAPH = 2000;

/** What the worker needs to draw the graph itself (when it has the canvas). */
export interface SceneData extends Pick<Scene, 'radius' | 'kinds' | 'visibility' | 'labels' | 'edges' | 'center' | 'colour'> {
  offsets: Uint32Array;
  neighbours: Uint32Array;
  view: View;
  /** Keep the whole graph in view (until the user pans or zooms). */
  autoFit: boolean;
}

/** Page → worker. */
export type ToLayout =
  | { type: 'canvas'; canvas: OffscreenCanvas }
  | { type: 'start'; count: number; sources: Uint32Array; targets: Uint32Array; xs: Float32Array; ys: Float32Array; alpha: number; scene?: SceneData }
  | { type: 'view'; view: View; autoFit: boolean }
  | { type: 'colours'; colour: Int32Array }
  | { type: 'pin'; node: number; x: number; y: number }
  | { type: 'release'; node: number }
  | { type: 'stop' };

/** Worker → page: hello once started; then the positions after some ticks, and whether the layout still moves. */
export type FromLayout =
  | { type: 'hello' }
  | {
      type: 'positions';
      generation: number;
      xs: Float32Array;
      ys: Float32Array;
      running: boolean;
      /** The camera the worker drew with, when it keeps the graph in view. */
      camera?: Camera;
      /** How many times the worker has drawn on the canvas so far. */
      drawn: number;
    };

/**
 * A simulation over `count` nodes and the given edges, stopped (the caller ticks it). Positions that are NaN in
 * `xs`/`ys` are left for d3 to place (its phyllotaxis spiral).
 */
export function createLayout(count: number, sources: ArrayLike<number>, targets: ArrayLike<number>, xs: Float32Array, ys: Float32Array, alpha: number): { simulation: Simulation<LayoutNode, LayoutLink>; nodes: LayoutNode[] } {
  const nodes: LayoutNode[] = new Array(count);
  for (let i = 0; i < count; i++) nodes[i] = Number.isNaN(xs[i]) ? { i } : { i, x: xs[i], y: ys[i], vx: 0, vy: 0 };
  const links: LayoutLink[] = new Array(sources.length);
  for (let e = 0; e < sources.length; e++) links[e] = { source: sources[e], target: targets[e] };
  const big = count > BIG_GRAPH;
  const simulation = forceSimulation<LayoutNode, LayoutLink>(nodes)
    .force('link', forceLink<LayoutNode, LayoutLink>(links).distance(big ? 30 : 50))
    .force('charge', forceManyBody<LayoutNode>().strength(big ? -25 : -120).theta(big ? 1.2 : 0.9).distanceMax(big ? 300 : 600))
    .force('x', forceX<LayoutNode>(0).strength(big ? 0.02 : 0.05))
    .force('y', forceY<LayoutNode>(0).strength(big ? 0.02 : 0.05))
    .alphaDecay(big ? 0.035 : 0.0228)
    .alpha(alpha)
    .stop();
  return { simulation, nodes };
}

export function readPositions(nodes: readonly LayoutNode[], xs: Float32Array, ys: Float32Array): void {
  for (let i = 0; i < nodes.length; i++) {
    xs[i] = nodes[i].x!;
    ys[i] = nodes[i].y!;
  }
}

export function isRunning(simulation: Simulation<LayoutNode, never>): boolean {
  return simulation.alpha() >= simulation.alphaMin();
}
