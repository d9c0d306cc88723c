#!/usr/bin/env node
/**
 * `npm run fuzz [-- --seed N] [--seeds K] [--duration S] [--small] [--keep] [--json FILE] [--latency-ms MS] [--node-flag F …]`: runs K seeds
 * (default 5, or 1 when --seed is given; first seed N, default 1) of S seconds each (default 120) of the
 * hostile-vault storm in storm.ts against the compiled server, prints each seed's checks and a PASS/FAIL line,
 * and exits 1 on any failed check, naming the seed to replay. `--latency-ms` sets the latency check's limit (default
 * 1000: what `npm run fuzz` must pass; the test suite raises it on a machine loaded beyond its cores). `--node-flag` (repeatable) passes a flag to the
 * server's node, e.g. `--node-flag --cpu-prof --node-flag --cpu-prof-dir=/tmp/prof` to profile it under the storm.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Profile } from './hostileVault';
import { LIMITS, runSeed, type SeedResult } from './storm';

const USAGE = 'usage: fuzz [--seed N] [--seeds K] [--duration SECONDS] [--small] [--keep] [--json FILE] [--latency-ms MS] [--node-flag FLAG]...';

class UsageError extends Error {}

interface Args {
  seed: number;
  seeds: number;
  durationS: number;
  profile: Profile;
  keep: boolean;
  json?: string;
  nodeFlags: string[];
  requestLimitMs: number;
}

function parseArgs(argv: string[]): Args {
  let seed: number | undefined;
  let seeds: number | undefined;
  let durationS = 120;
  let profile: Profile = 'full';
  let keep = false;
  let json: string | undefined;
  const nodeFlags: string[] = [];
  let requestLimitMs = LIMITS.requestMs;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const int = (min: number): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < min) throw new UsageError(`${a} needs an integer ≥ ${min}\n${USAGE}`);
      return v;
    };
    if (a === '--seed') seed = int(0);
    else if (a === '--seeds') seeds = int(1);
    else if (a === '--duration') durationS = int(1);
    else if (a === '--small') profile = 'small';
    else if (a === '--keep') keep = true;
    else if (a === '--latency-ms') requestLimitMs = int(1);
    else if (a === '--json') json = argv[++i];
    else if (a === '--node-flag') {
      const flag = argv[++i];
      if (!flag?.startsWith('-')) throw new UsageError(`--node-flag needs a node flag (starting with -)\n${USAGE}`);
      nodeFlags.push(flag);
    }
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown option ${a}\n${USAGE}`);
  }
  return { seed: seed ?? 1, seeds: seeds ?? (seed === undefined ? 5 : 1), durationS, profile, keep, json, nodeFlags, requestLimitMs };
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1048576).toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const serverScript = path.resolve(__dirname, '..', '..', '..', 'server', 'out', 'main.js');
  if (!fs.existsSync(serverScript)) throw new Error(`${serverScript} not found: run npm run build first`);
  const results: SeedResult[] = [];
  for (let s = args.seed; s < args.seed + args.seeds; s++) {
    process.stdout.write(`seed ${s}: ${args.durationS} s storm on the ${args.profile} hostile vault …\n`);
    const r = await runSeed({ seed: s, durationMs: args.durationS * 1000, profile: args.profile, serverScript, keepVault: args.keep, nodeFlags: args.nodeFlags, requestLimitMs: args.requestLimitMs });
    results.push(r);
    for (const c of r.checks) process.stdout.write(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(10)} ${c.detail}\n`);
    const q = r.requests;
    const acts = Object.values(r.actions).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `  ${acts} actions; ${q.sent} requests (${q.cancelled} cancelled), p50 ${q.p50Ms.toFixed(1)} ms, p95 ${q.p95Ms.toFixed(1)} ms, max ${q.maxMs.toFixed(0)} ms; peak RSS ${mb(r.peakRssBytes)}\n`,
    );
    const slow = Object.entries(q.slowByMethod).sort((a, b) => b[1] - a[1]);
    if (slow.length > 0) process.stdout.write(`  over ${r.requestLimitMs} ms: ${slow.map(([m, n]) => `${m} ${n}`).join(', ')}\n`);
    const st = r.fuzzStalls;
    process.stdout.write(`  the fuzz's own event loop: longest stall ${st.longestMs.toFixed(0)} ms, ${(st.totalMs / 1000).toFixed(1)} s stalled; ${st.slowBecauseOfFuzz} of the slow requests were slow only because of it\n`);
    if (r.vault) process.stdout.write(`  vault kept in ${r.vault}\n`);
  }
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(results, null, 2) + '\n');
  const failed = results.filter((r) => !r.ok);
  const opts = `--duration ${args.durationS}${args.profile === 'small' ? ' --small' : ''}${args.requestLimitMs !== LIMITS.requestMs ? ` --latency-ms ${args.requestLimitMs}` : ''}`;
  if (failed.length === 0) {
    process.stdout.write(`fuzz: PASS (${results.length} seeds × ${args.durationS} s)\n`);
    return;
  }
  process.stdout.write(`fuzz: FAIL (${failed.length} of ${results.length} seeds)\n`);
  for (const r of failed) {
    const names = r.checks.filter((c) => !c.ok).map((c) => c.name).join(', ');
    process.stdout.write(`  seed ${r.seed}: ${names}; replay: npm run fuzz -- --seed ${r.seed} ${opts}\n`);
  }
  process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`fuzz: ${e instanceof UsageError ? e.message : ((e as Error).stack ?? e)}\n`);
  process.exitCode = 2;
});
