#!/usr/bin/env node
/**
 * Writes a benchmark vault: `node tools/out/bench/generate-cli.js <dir> [--notes N] [--seed S] [--samples FILE]`.
 * `--samples FILE` also writes the sample request positions as JSON (for inspection or other tools).
 */

import * as fs from 'node:fs';
import { generateVault, vaultSamples } from './generateVault';
import { formatBytes } from './stats';

const USAGE = 'usage: generate-cli <dir> [--notes N] [--seed S] [--samples FILE]';

function parseArgs(argv: string[]): { dir: string; notes: number; seed: number; samples?: string } {
  let dir: string | undefined;
  let notes = 1000;
  let seed = 1;
  let samples: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--notes') notes = Number(value());
    else if (a === '--seed') seed = Number(value());
    else if (a === '--samples') samples = value();
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (dir === undefined) dir = a;
    else throw new Error(`unexpected argument ${a}\n${USAGE}`);
  }
  if (!dir) throw new Error(USAGE);
  if (!Number.isInteger(notes) || notes < 1) throw new Error(`--notes must be a positive integer`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer`);
  return { dir, notes, seed, samples };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const start = performance.now();
  const result = generateVault(args.dir, { notes: args.notes, seed: args.seed });
  const ms = performance.now() - start;
  console.log(
    `${args.dir}: ${result.notes} notes, ${result.attachments} attachments, ${formatBytes(result.bytes)}, ` +
      `${result.brokenLinks} broken links (seed ${args.seed}, ${(ms / 1000).toFixed(1)} s)`,
  );
  if (args.samples) {
    const samples = vaultSamples({ notes: args.notes, seed: args.seed });
    fs.writeFileSync(args.samples, JSON.stringify(samples) + '\n');
    console.log(`${args.samples}: ${samples.length} sample positions`);
  }
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
