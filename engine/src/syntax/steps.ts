/**
 * Work as steps: a generator that yields wherever it may be paused (a parse between block windows, a rule between
 * runs of links, a rename between notes). The same steps run in one go for a caller that waits for the answer
 * (the checker, tests) or in slices for one that must answer other requests meanwhile (the server).
 */

/** Runs `steps` to the end, in one go. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs `steps` to the end, awaiting `pause()` whenever about `sliceMs` have passed since the last pause. */
export async function runStepsInSlices<T>(steps: Generator<void, T>, sliceMs: number, pause: () => Promise<void>): Promise<T> {
  let until = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= until) {
      await pause();
      until = performance.now() + sliceMs;
    }
  }
}

/** Calls `work` on each of `items`, awaiting `pause()` whenever about `sliceMs` have passed since the last pause. */
export async function forEachInSlices<T>(items: Iterable<T>, work: (item: T) => void, sliceMs: number, pause: () => Promise<void>): Promise<void> {
  let until = performance.now() + sliceMs;
  for (const item of items) {
    work(item);
    if (performance.now() >= until) {
      await pause();
      until = performance.now() + sliceMs;
    }
  }
}

/**
 * Sorts `items` in place by `compare` (stable, as `Array.prototype.sort` is), as steps: runs of a few thousand
 * items sorted, then merged pairwise, yielding after each run or few thousand items merged, so that sorting a
 * hundred thousand names never holds the caller for the whole sort.
 */
export function* sortSteps<T>(items: T[], compare: (a: T, b: T) => number): Generator<void, void> {
  const RUN = 2048;
  const n = items.length;
  if (n <= RUN) {
    items.sort(compare);
    return;
  }
  for (let from = 0; from < n; from += RUN) {
    const run = items.slice(from, Math.min(n, from + RUN)).sort(compare);
    for (let i = 0; i < run.length; i++) items[from + i] = run[i];
    yield;
  }
  let source = items;
  let target = new Array<T>(n);
  let moved = 0;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        // `<= 0` takes from the left run on ties: stable.
        target[k] = b >= hi || (a < mid && compare(source[a], source[b]) <= 0) ? source[a++] : source[b++];
        if (++moved % (4 * RUN) === 0) yield;
      }
    }
    [source, target] = [target, source];
  }
  if (source !== items) for (let i = 0; i < n; i++) items[i] = source[i];
}
