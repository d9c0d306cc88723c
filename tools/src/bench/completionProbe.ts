/**
 * Child process of the benchmark: loads a vault, then times the engine's `[[` completion (no LSP, no JSON) at the
 * bench's completion samples and for queries typed into a link, and prints the figures as one JSON line: what the
 * engine itself costs per request, beside the server row's figure over stdio.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadVault, prepareCompletion, provideCompletion, type FeatureContext } from '@ospo-notes/engine';
import { loadVaultSamples } from './generateVault';
import { summarize } from './stats';

/** Queries typed after `[[`: nothing, one letter, a word, a phrase, a path and a query that matches almost nothing. */
export const TYPED_QUERIES = ['', 'o', 'n', 'key', 'note 1', 'key ideas', 'overview', 'zz', 'a/', 'qxj'];

async function main(): Promise<void> {
  const root = process.argv[2];
  const calls = Number(process.argv[3] ?? 200);
  const { index } = await loadVault(root);
  const overrides = new Map<string, string>();
  const ctx: FeatureContext = {
    index,
    getText: (p) => overrides.get(p) ?? (() => {
      try {
        return fs.readFileSync(path.join(root, ...p.split('/')), 'utf8');
      } catch {
        return undefined;
      }
    })(),
  };
  const t0 = performance.now();
  await prepareCompletion(index);
  const prepareMs = performance.now() - t0;
  const samples = loadVaultSamples(root).filter((s) => s.kind === 'completion').slice(0, calls);
  const atSamples: number[] = [];
  let items = 0;
  let bytes = 0;
  for (const s of samples) {
    const t = performance.now();
    const list = provideCompletion(ctx, s.file, { line: s.line, character: s.character });
    atSamples.push(performance.now() - t);
    items += list.items.length;
    bytes += JSON.stringify(list).length;
  }
  // A one-line note with a link being typed into it, as the server sees it after the keystroke.
  const typed: number[] = [];
  const site = samples[0]?.file ?? index.allNotes().next().value?.path;
  for (let i = 0; i < calls; i++) {
    const q = TYPED_QUERIES[i % TYPED_QUERIES.length];
    const line = `Some text [[${q}`;
    overrides.set(site, line);
    const t = performance.now();
    provideCompletion(ctx, site, { line: 0, character: line.length });
    typed.push(performance.now() - t);
  }
  process.stdout.write(JSON.stringify({ notes: index.noteCount, files: index.files.size, prepareMs, atSamples: summarize(atSamples), typed: summarize(typed), itemsPerList: items / Math.max(1, samples.length), bytesPerList: bytes / Math.max(1, samples.length) }) + '\n');
}

// Run as a child process; imported by bench.ts only for its list of queries.
if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
