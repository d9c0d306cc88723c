#!/usr/bin/env node
/**
 * Benchmarks VS Code's markdown server alone: `node tools/out/bench/peer-cli.js <vaultDir> [--json]
 * [--references N] [--edits N] [--quiet]`. Prints the figures; `--json` prints them as JSON instead.
 */

import * as fs from 'node:fs';
import { formatPeerFigures, runPeerBenchmark } from './peerServer';

const USAGE = 'usage: peer-cli <vaultDir> [--json] [--references N] [--edits N] [--quiet]';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let dir: string | undefined;
  let json = false;
  let quiet = false;
  let referenceCalls: number | undefined;
  let edits: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const count = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${a} needs a non-negative integer\n${USAGE}`);
      return n;
    };
    if (a === '--json') json = true;
    else if (a === '--quiet') quiet = true;
    else if (a === '--references') referenceCalls = count();
    else if (a === '--edits') edits = count();
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (dir === undefined) dir = a;
    else throw new Error(`unexpected argument ${a}\n${USAGE}`);
  }
  if (!dir) throw new Error(USAGE);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`not a directory: ${dir}`);

  const figures = await runPeerBenchmark(dir, {
    referenceCalls,
    edits,
    // Progress goes to stderr so that `--json` output stays parseable.
    log: quiet ? undefined : (m) => console.error(`[peer] ${m}`),
  });
  console.log(json ? JSON.stringify(figures, null, 2) : formatPeerFigures(figures));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
