/**
 * Child process of the benchmark: the floor of a start, in a fresh process: walk the vault with the indexer's
 * walker, read every note with synchronous reads, decode it and run one regex pass over it (the least any
 * indexer must do). Prints the in-process time as one JSON line; the parent also times spawn → exit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isNotePath, scanVault } from '@ospo-notes/engine';

async function main(): Promise<void> {
  const root = process.argv[2];
  const t0 = performance.now();
  const { files } = await scanVault(root);
  const wiki = /\[\[([^\]\n]*)\]\]/g;
  let links = 0;
  let notes = 0;
  for (const rel of files) {
    if (!isNotePath(rel)) continue;
    notes++;
    const text = fs.readFileSync(path.join(root, ...rel.split('/')), 'utf8');
    for (wiki.lastIndex = 0; wiki.exec(text); ) links++;
  }
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, notes, links }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
