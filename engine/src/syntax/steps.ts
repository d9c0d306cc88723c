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
