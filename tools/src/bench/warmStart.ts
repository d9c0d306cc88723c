/**
 * The warm start: our server and the checker on a vault whose model cache is already written and nothing
 * changed since, against the floor measured in the same run (floorProbe.ts: spawn a process that walks, reads
 * and runs one regex pass over every note). Each run is a fresh process:
 *  - server: spawn → index built (the server's `Indexed …` log line) and → every diagnostic published (as many
 *    notes published as the priming start published, and `ospo/indexed`);
 *  - checker: `ospo-notes check --cache DIR`, spawn → exit.
 * The priming start (cold, writing the cache) is reported too, for comparison.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { StdioLspClient } from './lspClient';
import { withDeadline } from './stats';
import { SERVER_ENVIRONMENT } from '@ospo-notes/engine';

export interface WarmFigures {
  notes: number;
  /** Spawn → floor probe exit, median. */
  floorMs: number;
  /** The floor probe's own time (no process start), median. */
  floorInProcessMs: number;
  /** CPU time (user + system) of the floor probe process, median. */
  floorCpuMs: number;
  /** CPU time of the server process until the index was built / every diagnostic was published, and of the checker. */
  serverIndexedCpuMs: number[];
  serverPublishedCpuMs: number[];
  checkCpuMs: number[];
  /** The priming (cold) start: spawn → every diagnostic published, with the cache written after. */
  primeMs: number | 'timeout';
  serverIndexedMs: number[];
  serverPublishedMs: number[];
  checkMs: number[];
  checkColdMs: number;
  checkColdCpuMs: number;
  cacheBytes: number;
  notesFromCache: string;
  messages: string[];
}

const REPO = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(REPO, 'server', 'out', 'main.js');
const CLI = path.join(REPO, 'server', 'out', 'cli.js');

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const CPU_REPORT = path.join(__dirname, 'cpuReport.js');

function floorRun(dir: string): { wallMs: number; ms: number; notes: number; cpuMs: number } {
  const run = spawnTimed([path.join(__dirname, 'floorProbe.js'), dir]);
  const out = JSON.parse(run.stdout) as { ms: number; notes: number };
  return { wallMs: run.ms, ms: out.ms, notes: out.notes, cpuMs: run.cpuMs };
}

/** A process's CPU time so far (user + system) from /proc, in milliseconds; NaN where there is no /proc. */
function cpuOf(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

interface ServerRun {
  indexedMs: number | 'timeout';
  publishedMs: number | 'timeout';
  indexedCpuMs: number;
  publishedCpuMs: number;
  published: number;
  cache?: { state: string; reason?: string; hits: number; misses: number; writes: number };
}

/** One start of our server with `cacheFolder`; `expectPublished`: wait until that many notes have diagnostics. */
async function serverRun(vaultDir: string, cacheFolder: string, expectPublished: number | undefined, waitForWrite: boolean): Promise<ServerRun> {
  const started = performance.now();
  const client = StdioLspClient.spawn({ command: process.execPath, args: [SERVER, '--stdio'], env: { ...process.env, ...SERVER_ENVIRONMENT } });
  // Listed as a vault, so that every note is checked and published (the generated vault has no marker).
  client.onServerRequest('workspace/configuration', (params) => ((params as { items?: Array<{ section?: string }> }).items ?? []).map((i) => (i.section === 'ospoNotes' ? { vaults: [vaultDir] } : null)));
  let indexedAt = 0;
  let indexedCpu = NaN;
  let publishedCpu = NaN;
  let lastPublishAt = 0;
  const published = new Set<string>();
  let allPublished: () => void = () => undefined;
  const everyDiagnostic = new Promise<void>((resolve) => (allPublished = resolve));
  let ospoIndexed = false;
  const check = (): void => {
    if (ospoIndexed && (expectPublished === undefined || published.size >= expectPublished)) {
      if (Number.isNaN(publishedCpu)) publishedCpu = cpuOf(client.pid);
      allPublished();
    }
  };
  const built = new Promise<void>((resolve) =>
    client.onServerNotification('window/logMessage', (p) => {
      if (/^Indexed /.test((p as { message: string }).message)) {
        indexedAt = performance.now();
        indexedCpu = cpuOf(client.pid);
        resolve();
      }
    }),
  );
  client.onServerNotification('textDocument/publishDiagnostics', (p) => {
    const { uri, diagnostics } = p as { uri: string; diagnostics: unknown[] };
    if (diagnostics.length > 0) published.add(uri);
    else published.delete(uri);
    lastPublishAt = performance.now();
    check();
  });
  client.onServerNotification('ospo/indexed', () => {
    ospoIndexed = true;
    if (lastPublishAt === 0) lastPublishAt = performance.now();
    check();
  });
  const root = URI.file(vaultDir).toString();
  await client.initialize(
    {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: path.basename(vaultDir) }],
      initializationOptions: { cacheFolder },
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, window: { workDoneProgress: true } },
    },
    60000,
  );
  const indexedOk = (await withDeadline(built, 600000)) !== 'timeout';
  const publishedOk = (await withDeadline(everyDiagnostic, 600000)) !== 'timeout';
  const run: ServerRun = {
    indexedMs: indexedOk ? indexedAt - started : 'timeout',
    publishedMs: publishedOk ? lastPublishAt - started : 'timeout',
    published: published.size,
    indexedCpuMs: indexedCpu,
    publishedCpuMs: publishedCpu,
  };
  type Status = { vaults: Array<{ cache?: ServerRun['cache'] }> };
  for (let i = 0; i < 1200; i++) {
    const s = await client.request<Status>('ospo/status', {}, 10000);
    run.cache = s.ok ? s.value.vaults[0]?.cache : undefined;
    if (!waitForWrite || (run.cache?.writes ?? 0) > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.dispose(60000);
  return run;
}

export async function runWarmStartBenchmark(vaultDir: string, options: { runs: number; log?: (m: string) => void }): Promise<WarmFigures> {
  const log = options.log ?? (() => undefined);
  const messages: string[] = [];
  const cacheFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-bench-cache-'));
  try {
    floorRun(vaultDir); // warm the page cache: every measure reads from memory
    const prime = await serverRun(vaultDir, cacheFolder, undefined, true);
    log(`warm start: priming start ${typeof prime.publishedMs === 'number' ? Math.round(prime.publishedMs) : prime.publishedMs} ms, ${prime.published} notes with problems, cache ${JSON.stringify(prime.cache)}`);
    const cacheFile = fs.readdirSync(cacheFolder).find((n) => n.endsWith('.notes-cache'));
    const cacheBytes = cacheFile ? fs.statSync(path.join(cacheFolder, cacheFile)).size : 0;
    const floors: Array<{ wallMs: number; ms: number; notes: number; cpuMs: number }> = [];
    const indexed: number[] = [];
    const publishedMs: number[] = [];
    const indexedCpu: number[] = [];
    const publishedCpu: number[] = [];
    let fromCache = '';
    for (let r = 0; r < options.runs; r++) {
      floors.push(floorRun(vaultDir));
      const run = await serverRun(vaultDir, cacheFolder, prime.published, false);
      if (typeof run.indexedMs === 'number') indexed.push(run.indexedMs);
      if (typeof run.publishedMs === 'number') publishedMs.push(run.publishedMs);
      if (!Number.isNaN(run.indexedCpuMs)) indexedCpu.push(run.indexedCpuMs);
      if (!Number.isNaN(run.publishedCpuMs)) publishedCpu.push(run.publishedCpuMs);
      if (run.cache?.state !== 'read' || run.cache.misses !== 0) messages.push(`server run ${r + 1}: the cache was not read whole: ${JSON.stringify(run.cache)}`);
      fromCache = `${run.cache?.hits ?? 0} of ${(run.cache?.hits ?? 0) + (run.cache?.misses ?? 0)}`;
      log(`warm start: server run ${r + 1}: indexed ${Math.round(run.indexedMs as number)} ms, published ${Math.round(run.publishedMs as number)} ms`);
    }
    // The checker, with a cache of its own (the same format; written by its first run).
    const checkCache = path.join(cacheFolder, 'check');
    const cold = spawnTimed([CLI, 'check', vaultDir, '--cache', checkCache]);
    const checkMs: number[] = [];
    const checkCpu: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      floors.push(floorRun(vaultDir));
      const run = spawnTimed([CLI, 'check', vaultDir, '--cache', checkCache]);
      checkMs.push(run.ms);
      if (!Number.isNaN(run.cpuMs)) checkCpu.push(run.cpuMs);
      if (!/cache: (\d+) of \1 notes read from it\n/.test(run.stderr)) messages.push(`check run ${r + 1}: ${run.stderr.trim().split('\n').pop()}`);
    }
    return {
      notes: floors[0].notes,
      floorMs: median(floors.map((f) => f.wallMs)),
      floorInProcessMs: median(floors.map((f) => f.ms)),
      floorCpuMs: median(floors.map((f) => f.cpuMs)),
      serverIndexedCpuMs: indexedCpu,
      serverPublishedCpuMs: publishedCpu,
      checkCpuMs: checkCpu,
      primeMs: prime.publishedMs,
      serverIndexedMs: indexed,
      serverPublishedMs: publishedMs,
      checkMs,
      checkColdMs: cold.ms,
      checkColdCpuMs: cold.cpuMs,
      cacheBytes,
      notesFromCache: fromCache,
      messages,
    };
  } finally {
    fs.rmSync(cacheFolder, { recursive: true, force: true });
  }
}

/** Runs node on `args` with {@link CPU_REPORT} preloaded: wall time, output and the process's CPU time. */
function spawnTimed(args: string[]): { ms: number; stdout: string; stderr: string; cpuMs: number } {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, ['--require', CPU_REPORT, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  const cpu = /\n@cpu (\d+)\n$/.exec(res.stderr);
  if (res.status !== 0 && res.status !== 1) throw new Error(`${args.join(' ')} failed (${res.status}): ${res.stderr.slice(-500)}`);
  return { ms, stdout: res.stdout, stderr: cpu ? res.stderr.slice(0, cpu.index + 1) : res.stderr, cpuMs: cpu ? Number(cpu[1]) : NaN };
}
