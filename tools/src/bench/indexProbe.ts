/**
 * Child process of the benchmark: measures, in one fresh process, the floor (walk + read of every note,  with the
 * same walker and the same synchronous reads as the indexer) and the cold index of the same vault, then
 * prints them with the process's peak RSS as one JSON line. A fresh process per run keeps the RSS honest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isNotePath, loadVault, scanVault } from '@ospo-notes/engine';

async function floor(root: string): Promise<number> {
  const t0 = performance.now();
  const { files } = await scanVault(root);
  let bytes = 0;
  for (const rel of files.filter(isNotePath)) bytes += fs.readFileSync(path.join(root, ...rel.split('/'))).length;
  if (bytes < 0) throw new Error('unreachable');
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const root = process.argv[2];
  await floor(root); // warm the page cache so that both measures read from memory
  const floorMs = await floor(root);
  const t0 = performance.now();
  const { index } = await loadVault(root);
  const indexMs = performance.now() - t0;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ floorMs, indexMs, notes: index.noteCount, files: index.files.size, peakRssBytes }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
