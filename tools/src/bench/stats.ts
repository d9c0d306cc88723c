/**
 * Small measurement helpers shared by every benchmark (ours and the peer server's): percentiles, timeouts and
 * the resident memory of a child process.
 *
 * Kept free of any LSP type so that a benchmark of a plain function (the parser, the index) can use it too.
 */

import * as fs from 'node:fs';

/**
 * The p-th percentile (0–100) of `values`, linearly interpolated between the two nearest ranks.
 *
 * Interpolation rather than nearest-rank because our samples are small (10–20 calls): nearest-rank would make
 * p95 of 20 values simply the maximum, hiding whether one call or several were slow.
 * Returns NaN for an empty list so that a missing figure can never pass for a fast one.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const clamped = Math.min(100, Math.max(0, p));
  const rank = (clamped / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Summary statistics of a series of durations (or any numbers); undefined when the series is empty. */
export function summarize(values: readonly number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { n: values.length, min, p50: percentile(values, 50), p95: percentile(values, 95), max, mean: sum / values.length };
}

/** Outcome of one timed step: the value and its duration, or why there is none. */
export type Timed<T> =
  | { ok: true; ms: number; value: T }
  | { ok: false; ms: number; reason: 'timeout' | 'error'; message: string };

/**
 * Runs `work` with a deadline. On timeout the promise is abandoned (and `onTimeout` may cancel it on the other
 * side); a benchmark step must never be able to hang the whole run.
 */
export async function timed<T>(work: () => Promise<T>, timeoutMs: number, onTimeout?: () => void): Promise<Timed<T>> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([work().then((value) => ({ value })), deadline]);
    const ms = performance.now() - start;
    if (outcome === 'timeout') {
      onTimeout?.();
      return { ok: false, ms, reason: 'timeout', message: `no answer within ${timeoutMs} ms` };
    }
    return { ok: true, ms, value: outcome.value };
  } catch (err) {
    return { ok: false, ms: performance.now() - start, reason: 'error', message: err instanceof Error ? err.message : String(err) };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * `promise`, or 'timeout' after `ms`. The timer is cleared as soon as the promise settles, so a finished run
 * never waits for a deadline it no longer needs.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Memory figures of a process from `/proc/<pid>/status`, in bytes. */
export interface ProcMemory {
  /** Current resident set size (VmRSS). */
  rssBytes?: number;
  /** Peak resident set size as tracked by the kernel (VmHWM): exact, unlike any polling. */
  hwmBytes?: number;
}

/** Reads VmRSS and VmHWM of `pid`; undefined when /proc is not available (not Linux) or the process is gone. */
export function readProcMemory(pid: number): ProcMemory | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  return { rssBytes: field('VmRSS'), hwmBytes: field('VmHWM') };
}

/**
 * Follows the resident memory of a child process until `stop()`.
 *
 * The kernel's VmHWM already is the true peak, but it can only be read while the process exists, and a
 * crashing or killed server takes it along; the periodic VmRSS samples keep a lower bound in that case.
 */
export class RssMonitor {
  private timer: NodeJS.Timeout | undefined;
  private peakRss = 0;
  private peakHwm = 0;
  private samples = 0;

  constructor(private readonly pid: number, private readonly intervalMs = 50) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // Never keep a finished benchmark alive just to poll memory.
    this.timer.unref();
    return this;
  }

  /** Takes one reading now (call it right before stopping the process to catch the final VmHWM). */
  sample(): ProcMemory | undefined {
    const m = readProcMemory(this.pid);
    if (!m) return undefined;
    this.samples++;
    if (m.rssBytes !== undefined && m.rssBytes > this.peakRss) this.peakRss = m.rssBytes;
    if (m.hwmBytes !== undefined && m.hwmBytes > this.peakHwm) this.peakHwm = m.hwmBytes;
    return m;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Peak resident memory seen, in bytes; undefined when the process could never be read. */
  get peakBytes(): number | undefined {
    if (this.samples === 0) return undefined;
    return Math.max(this.peakRss, this.peakHwm);
  }
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
