#!/usr/bin/env node
/**
 * `npm run bench [-- --notes N] [--runs R] [--no-peer] [--only ROWS]`: generates a deterministic vault (10,000
 * notes by default; cached in the temp folder), then prints
 *  1. `engine`: the engine's cold index time against the floor (walk + read of the same files, same process) and
 *     the peak RSS of that process; then the engine's `[[` completion alone (completionProbe.ts);
 *  2. `server`: our language server over stdio: spawn → indexed, p50/p95 of completion, definition, hover,
 *     references, edit → diagnostics, peak RSS;
 *  3. `peer`: VS Code's own markdown server on the same vault for what both do, and the ratios;
 *  4. `typing`: a definition request on a small note while typing into a 10,000-line note (typing.ts);
 *  5. `brackets`: the time to check a note of `[a](` × 32,000 and its relatives (brackets.ts);
 *  6. `cache`: the warm start from the model cache, server and checker, against the same run's floor (warmStart.ts).
 * `--only typing,brackets` runs only the named rows. Targets are printed beside the figures; nothing here fails
 * a build.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateVault, GENERATOR_VERSION, loadVaultSamples } from './generateVault';
import { BRACKET_REPEATS, runBracketBenchmark } from './brackets';
import { TYPED_QUERIES } from './completionProbe';
import { runOurBenchmark, type OurFigures } from './ourServer';
import { runPeerBenchmark, type PeerFigures } from './peerServer';
import { formatBytes, formatMs, type Summary } from './stats';
import { INDEX_LINES, runTypingBenchmark } from './typing';
import { median as medianOf, runWarmStartBenchmark } from './warmStart';

const ROWS = ['engine', 'server', 'peer', 'cache', 'typing', 'brackets'] as const;
type Row = (typeof ROWS)[number];

interface Args {
  notes: number;
  peer: boolean;
  runs: number;
  dir?: string;
  only: Set<Row>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { notes: 10000, peer: true, runs: 3, only: new Set(ROWS) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--notes') args.notes = Number(argv[++i]);
    else if (a === '--no-peer') args.peer = false;
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--vault') args.dir = argv[++i];
    else if (a === '--only') {
      const names = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = names.filter((n) => !(ROWS as readonly string[]).includes(n));
      if (names.length === 0 || bad.length) throw new Error(`--only takes a comma-separated list of ${ROWS.join(', ')}`);
      args.only = new Set(names as Row[]);
    } else throw new Error(`unknown option ${a}; usage: bench [--notes N] [--runs R] [--no-peer] [--vault DIR] [--only ${ROWS.join(',')}]`);
  }
  if (!Number.isInteger(args.notes) || args.notes < 1) throw new Error('--notes must be a positive integer');
  if (!args.peer) args.only.delete('peer');
  return args;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function ms(v: number | 'timeout' | 'error' | 'skipped' | undefined): string {
  return typeof v === 'number' ? formatMs(v) : String(v ?? 'n/a');
}

function p(s: Summary | 'timeout' | 'error' | 'skipped' | undefined, which: 'p50' | 'p95'): string {
  return s && typeof s === 'object' ? formatMs(s[which]) : String(s ?? 'n/a');
}

function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || !(ours > 0) || !(theirs > 0)) return 'n/a';
  return theirs >= ours ? `${(theirs / ours).toFixed(1)}× faster` : `${(ours / theirs).toFixed(1)}× slower`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.only.has('engine') || args.only.has('server') || args.only.has('peer') || args.only.has('cache')) await vaultRows(args);
  if (args.only.has('typing')) await typingRow();
  if (args.only.has('brackets')) await bracketRows();
}

async function typingRow(): Promise<void> {
  const t = await runTypingBenchmark({ log: (m) => process.stderr.write(m + '\n') });
  const o: string[] = ['', `## Typing into a ${INDEX_LINES.toLocaleString('en')}-line note, our server over stdio`, ''];
  o.push('| measure | p50 | p95 | max | target (p95) |', '|---|---|---|---|---|');
  o.push(`| floor: definition on another small note, nobody typing | ${p(t.idle, 'p50')} | ${p(t.idle, 'p95')} | ${t.idle ? formatMs(t.idle.max) : 'n/a'} | |`);
  o.push(`| definition on another small note, ${t.keystrokes} characters typed at 30 ms | ${p(t.typing, 'p50')} | ${p(t.typing, 'p95')} | ${t.typing ? formatMs(t.typing.max) : 'n/a'} | ≤ 50 ms |`);
  o.push(`| server peak RSS | ${t.peakRssBytes ? formatBytes(t.peakRssBytes) : 'n/a'} | | | |`);
  if (t.typingMs > t.keystrokes * 30 * 1.2) o.push('', `! the keystrokes took ${formatMs(t.typingMs)} to send (the client was held up)`);
  for (const n of [...new Set(t.notes)]) o.push(`! ${n}`);
  process.stdout.write(o.join('\n') + '\n');
}

async function bracketRows(): Promise<void> {
  const figures = await runBracketBenchmark({ log: (m) => process.stderr.write(m + '\n') });
  const o: string[] = ['', '## Checking one bracket-heavy note (engine: load + diagnostics, fresh process per run)', ''];
  o.push('| note | size | time | target |', '|---|---|---|---|');
  for (const f of figures) {
    const label = f.unit === 'floor' ? 'floor: plain text of the same size' : `\`${f.unit}\` × ${BRACKET_REPEATS.toLocaleString('en')}`;
    o.push(`| ${label} | ${formatBytes(f.bytes)} | ${ms(f.ms)}${f.runs > 1 ? ` (median of ${f.runs})` : ''} | ${f.unit === 'floor' ? '' : '≤ 200 ms'} |`);
  }
  process.stdout.write(o.join('\n') + '\n');
}

async function vaultRows(args: Args): Promise<void> {
  const dir = args.dir ?? path.join(os.tmpdir(), `ospo-notes-bench-${args.notes}-v${GENERATOR_VERSION}`);
  if (!fs.existsSync(path.join(dir, '.ospo-bench-vault.json'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    process.stdout.write(`generating ${args.notes} notes in ${dir} …\n`);
    const g = generateVault(dir, { notes: args.notes });
    process.stdout.write(`  ${g.notes} notes, ${g.attachments} attachments, ${formatBytes(g.bytes)}, ${g.brokenLinks} broken links\n`);
  }

  // 1. Engine: cold index vs floor, each run in a fresh process.
  if (args.only.has('engine')) engineRows(args, dir);
  if (args.only.has('cache')) await cacheRows(args, dir);
  // The side-by-side table needs our figures: `peer` runs `server` too.
  if (!args.only.has('server') && !args.only.has('peer')) return;
  await serverAndPeerRows(args, dir);
}

function engineRows(args: Args, dir: string): void {
  const probe = path.join(__dirname, 'indexProbe.js');
  const runs: Array<{ floorMs: number; indexMs: number; notes: number; peakRssBytes: number }> = [];
  for (let r = 0; r < args.runs; r++) runs.push(JSON.parse(execFileSync(process.execPath, [probe, dir], { encoding: 'utf8', maxBuffer: 1 << 20 })));
  const floorMs = median(runs.map((r) => r.floorMs));
  const indexMs = median(runs.map((r) => r.indexMs));
  const rss = Math.max(...runs.map((r) => r.peakRssBytes));
  const big = args.notes >= 100000;
  const out: string[] = [];
  out.push('', `## Engine: cold index of ${runs[0].notes} notes (median of ${args.runs} fresh processes)`, '');
  out.push('| measure | value | target |', '|---|---|---|');
  out.push(`| floor: walk + read every note | ${formatMs(floorMs)} | |`);
  out.push(`| cold index (walk, read, parse, resolve) | ${formatMs(indexMs)} | ${big ? '≤ 7 s' : '≤ 2× floor'} |`);
  out.push(`| index / floor | ${(indexMs / floorMs).toFixed(2)}× | ${big ? '' : '≤ 2×'} |`);
  out.push(`| peak RSS | ${formatBytes(rss)} | ${big ? '≤ 1 GB' : '≤ 200 MB'} |`);
  process.stdout.write(out.join('\n') + '\n');
  completionRows(dir);
}

/** The engine's `[[` completion alone (no LSP, no JSON), in a fresh process: what the server's figure is made of. */
function completionRows(dir: string): void {
  const probe = path.join(__dirname, 'completionProbe.js');
  const c = JSON.parse(execFileSync(process.execPath, [probe, dir], { encoding: 'utf8', maxBuffer: 1 << 20 })) as { notes: number; prepareMs: number; atSamples?: Summary; typed?: Summary; bytesPerList: number };
  const out: string[] = ['', `## Engine: \`[[\` completion on the ${c.notes}-note index (one process, no LSP)`, ''];
  out.push('| measure | p50 | p95 | target (p95) |', '|---|---|---|---|');
  out.push(`| name index built (once, after the load) | ${formatMs(c.prepareMs)} | | |`);
  out.push(`| at the bench's completion samples (${formatBytes(c.bytesPerList)} of JSON per list) | ${p(c.atSamples, 'p50')} | ${p(c.atSamples, 'p95')} | ≤ 5 ms |`);
  out.push(`| queries typed after \`[[\` (${TYPED_QUERIES.map((q) => `\`${q}\``).join(', ')}) | ${p(c.typed, 'p50')} | ${p(c.typed, 'p95')} | ≤ 5 ms |`);
  process.stdout.write(out.join('\n') + '\n');
}

async function serverAndPeerRows(args: Args, dir: string): Promise<void> {
  // 2. Our server over stdio.
  const samples = loadVaultSamples(dir);
  const ours: OurFigures = await runOurBenchmark(dir, { samples, log: (m) => process.stderr.write(m + '\n') });
  const o: string[] = ['', `## Language server over stdio (${args.notes} notes)`, ''];
  o.push('| measure | p50 | p95 | target (p95) |', '|---|---|---|---|');
  o.push(`| spawn → indexed, diagnostics published | ${ms(ours.spawnToIndexedMs)} | | |`);
  o.push(`| completion | ${p(ours.completion, 'p50')} | ${p(ours.completion, 'p95')} | ≤ 5 ms |`);
  o.push(`| definition | ${p(ours.definition, 'p50')} | ${p(ours.definition, 'p95')} | ≤ 5 ms |`);
  o.push(`| hover | ${p(ours.hover, 'p50')} | ${p(ours.hover, 'p95')} | ≤ 5 ms |`);
  o.push(`| references | ${p(ours.references, 'p50')} | ${p(ours.references, 'p95')} | ≤ 5 ms |`);
  o.push(`| workspace symbols | ${p(ours.workspaceSymbol, 'p50')} | ${p(ours.workspaceSymbol, 'p95')} | |`);
  o.push(`| completion \`[[\` typed at a paragraph's end (the note re-indexed first) | ${p(ours.typedLinkCompletion, 'p50')} | ${p(ours.typedLinkCompletion, 'p95')} | |`);
  o.push(`| completion \`[[##\` (every heading), typed the same way | ${p(ours.headingSearch, 'p50')} | ${p(ours.headingSearch, 'p95')} | ≤ 20 ms |`);
  o.push(`| completion \`[[^^\` (block search), typed the same way | ${p(ours.blockSearch, 'p50')} | ${p(ours.blockSearch, 'p95')} | |`);
  o.push(`| edit → diagnostics | ${p(ours.editToDiagnostics, 'p50')} | ${p(ours.editToDiagnostics, 'p95')} | ≤ 20 ms |`);
  o.push(`| definition requests while the vault is indexed (${ours.duringIndexing?.n ?? 0} answered) | ${p(ours.duringIndexing, 'p50')} | ${p(ours.duringIndexing, 'p95')} | ≤ 50 ms |`);
  o.push(`| definition requests while every note's diagnostics are pushed (${ours.duringPush?.n ?? 0} answered) | ${p(ours.duringPush, 'p50')} | ${p(ours.duringPush, 'p95')} | ≤ 50 ms |`);
  o.push(`| definition requests while the completion names and symbols are prepared (${ours.duringPreparation?.n ?? 0} answered) | ${p(ours.duringPreparation, 'p50')} | ${p(ours.duringPreparation, 'p95')} | ≤ 50 ms |`);
  o.push(`| server peak RSS | ${typeof ours.peakRssBytes === 'number' ? formatBytes(ours.peakRssBytes) : ours.peakRssBytes} | | ≤ 200 MB |`);
  for (const n of [...new Set(ours.notes)]) o.push(`\n! ${n}`);
  process.stdout.write(o.join('\n') + '\n');

  // 3. VS Code's markdown server on the same vault.
  if (!args.only.has('peer')) return;
  let peer: PeerFigures;
  try {
    peer = await runPeerBenchmark(dir, { samples, log: (m) => process.stderr.write(m + '\n') });
  } catch (e) {
    process.stdout.write(`\nVS Code markdown server: not measured (${(e as Error).message})\n`);
    return;
  }
  const num = (f: unknown): number | undefined => (typeof f === 'number' ? f : undefined);
  const p95 = (s: unknown): number | undefined => (s && typeof s === 'object' ? (s as Summary).p95 : undefined);
  const ourRss = num(ours.peakRssBytes);
  const peerRss = num(peer.peakRssBytes);
  const c: string[] = ['', `## Side by side with VS Code's markdown server ${peer.server.version} (same vault, same client code)`, ''];
  c.push('| operation | OSPO Notes | VS Code markdown server | ratio |', '|---|---|---|---|');
  c.push(`| whole-vault index (ours: spawn → indexed; theirs: cold \`workspace/symbol ""\`) | ${ms(ours.spawnToIndexedMs)} | ${ms(peer.coldWorkspaceSymbolMs)} | ${ratio(num(ours.spawnToIndexedMs), num(peer.coldWorkspaceSymbolMs))} |`);
  c.push(`| first references call | ${ms(ours.referencesFirstMs)} | ${ms(peer.referencesFirstMs)} | ${ratio(ours.referencesFirstMs, num(peer.referencesFirstMs))} |`);
  c.push(`| references, p95 | ${p(ours.references, 'p95')} | ${p(peer.referencesLater, 'p95')} | ${ratio(ours.references?.p95, p95(peer.referencesLater))} |`);
  c.push(`| edit → diagnostics, p95 | ${p(ours.editToDiagnostics, 'p95')} | ${p(peer.editToDiagnostics, 'p95')} | ${ratio(ours.editToDiagnostics?.p95, p95(peer.editToDiagnostics))} |`);
  c.push(`| peak RSS | ${ourRss ? formatBytes(ourRss) : 'n/a'} | ${peerRss ? formatBytes(peerRss) : 'n/a'} | ${ourRss && peerRss ? `${(peerRss / ourRss).toFixed(1)}× ${peerRss >= ourRss ? 'less' : 'more'} memory` : 'n/a'} |`);
  c.push(`| bytes client → server | ${formatBytes(ours.bytesClientToServer)} | ${formatBytes(peer.bytesClientToServer)} | |`);
  c.push('', 'VS Code\'s server has no wiki-link support and resolves markdown links relative to the file, so its references');
  c.push('find fewer results on these notes; its times are its cost of scanning, not equal work.');
  for (const n of peer.notes) c.push(`! ${n}`);
  process.stdout.write(c.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).message ?? e}\n`);
  process.exitCode = 1;
});

/** The warm start from the model cache (nothing changed since it was written), beside the same run's floor. */
async function cacheRows(args: Args, dir: string): Promise<void> {
  const w = await runWarmStartBenchmark(dir, { runs: args.runs, log: (m) => process.stderr.write(m + '\n') });
  const big = args.notes >= 100000;
  const target = big ? '≤ 3 s' : '≤ 1.5× floor';
  const row = (label: string, values: number[], cpu: number[]): string => {
    if (values.length === 0) return `| ${label} | n/a | | | | ${target} |`;
    const m = medianOf(values);
    const c = cpu.length > 0 ? medianOf(cpu) : NaN;
    const cpuCells = Number.isNaN(c) ? '| n/a | |' : `| ${formatMs(c)} | ${(c / w.floorCpuMs).toFixed(2)}× |`;
    return `| ${label} | ${formatMs(m)} (${values.map((v) => formatMs(v)).join(', ')}) | ${(m / w.floorMs).toFixed(2)}× ${cpuCells} ${target} |`;
  };
  const o: string[] = ['', `## Warm start from the model cache, nothing changed (${w.notes} notes; median of ${args.runs} fresh processes, all runs in brackets)`, ''];
  o.push('| measure | wall | / floor | CPU (user + system) | / floor CPU | target |', '|---|---|---|---|---|---|');
  o.push(`| floor: spawn node → walk + read + one regex pass over every note (${formatMs(w.floorInProcessMs)} of it in-process) | ${formatMs(w.floorMs)} | 1.00× | ${formatMs(w.floorCpuMs)} | 1.00× | |`);
  o.push(row('warm start, server: spawn → index built', w.serverIndexedMs, w.serverIndexedCpuMs));
  o.push(row('warm start, server: spawn → every diagnostic published', w.serverPublishedMs, w.serverPublishedCpuMs));
  o.push(row('warm start, `ospo-notes check --cache`: spawn → exit', w.checkMs, w.checkCpuMs));
  o.push(`| for comparison: the priming (cold) server start, spawn → every diagnostic published | ${ms(w.primeMs)} | ${typeof w.primeMs === 'number' ? (w.primeMs / w.floorMs).toFixed(2) + '×' : ''} | | | |`);
  o.push(`| for comparison: the first \`check --cache\` (cold, writes the cache) | ${formatMs(w.checkColdMs)} | ${(w.checkColdMs / w.floorMs).toFixed(2)}× | ${formatMs(w.checkColdCpuMs)} | ${(w.checkColdCpuMs / w.floorCpuMs).toFixed(2)}× | |`);
  o.push(`| cache file | ${formatBytes(w.cacheBytes)} | | | | |`);
  o.push('', 'CPU time is the steadier figure on a machine shared with other work; the targets are for wall time on an idle one.');
  o.push('', `Notes taken from the cache in the last server run: ${w.notesFromCache}.`);
  for (const m of w.messages) o.push(`! ${m}`);
  process.stdout.write(o.join('\n') + '\n');
}
