/**
 * Drives our own language server over stdio on a vault, with the same client code that drives VS Code's
 * markdown server (lspClient.ts), and measures what a user feels: spawn → indexed, request latencies, edit →
 * new diagnostics, peak memory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { StdioLspClient } from './lspClient';
import { RssMonitor, summarize, withDeadline, type Summary } from './stats';
import type { SamplePosition } from './generateVault';
import { SERVER_ENVIRONMENT } from '@ospo-notes/engine';

export interface OurFigures {
  /** Spawn → `ospo/indexed` (the whole vault indexed and its diagnostics published). */
  spawnToIndexedMs: number | 'timeout';
  completion?: Summary;
  definition?: Summary;
  hover?: Summary;
  references?: Summary;
  /** The first references call after indexing (nothing is warm yet). */
  referencesFirstMs?: number;
  /** A workspace symbol query on the warm index, for comparison with the peer's cold one. */
  workspaceSymbol?: Summary;
  /** `[[##query` (vault-wide heading search) and `[[^^query` (block search), typed at a paragraph's end. */
  headingSearch?: Summary;
  blockSearch?: Summary;
  /** The same with a plain `[[query`: what typing into a note costs before any search. */
  typedLinkCompletion?: Summary;
  /** didChange → publishDiagnostics for the edited note. */
  editToDiagnostics?: Summary;
  /**
   * Definition requests sent one after another from the spawn until the index is built, then until `ospo/indexed`,
   * then until the server has prepared its completion names and symbols (it logs "Prepared …").
   */
  duringIndexing?: Summary;
  duringPush?: Summary;
  duringPreparation?: Summary;
  peakRssBytes: number | 'unavailable';
  bytesClientToServer: number;
  notes: string[];
}

export interface OurOptions {
  samples: SamplePosition[];
  /** Requests per kind (default 200). */
  calls?: number;
  edits?: number;
  log?: (message: string) => void;
}

export async function runOurBenchmark(vaultDir: string, options: OurOptions): Promise<OurFigures> {
  const log = options.log ?? (() => undefined);
  const calls = options.calls ?? 200;
  const notes: string[] = [];
  const serverScript = path.resolve(__dirname, '..', '..', '..', 'server', 'out', 'main.js');
  const started = performance.now();
  const client = StdioLspClient.spawn({ command: process.execPath, args: [serverScript, '--stdio'], env: { ...process.env, ...SERVER_ENVIRONMENT } });
  // A cold start: no model cache (warmStart.ts measures the warm one).
  client.onServerRequest('workspace/configuration', (params) => ((params as { items?: Array<{ section?: string }> }).items ?? []).map((i) => (i.section === 'ospoNotes' ? { cache: { enabled: false } } : null)));
  const rss = client.pid ? new RssMonitor(client.pid, 25) : undefined;
  rss?.start();
  const uri = (rel: string): string => URI.file(path.join(vaultDir, ...rel.split('/'))).toString();

  /** URI → who waits for its next diagnostics, each with what they must say (all of them when absent). */
  const diagnosticsSeen = new Map<string, Array<{ done: () => void; says?: (messages: string[]) => boolean }>>();
  let lastDiagnosticsAt = performance.now();
  client.onServerNotification('textDocument/publishDiagnostics', (params) => {
    lastDiagnosticsAt = performance.now();
    const { uri: u, diagnostics } = params as { uri: string; diagnostics: Array<{ message: string }> };
    const waiters = diagnosticsSeen.get(u);
    if (!waiters) return;
    const messages = diagnostics.map((d) => d.message);
    const waiting = waiters.filter((w) => {
      if (w.says && !w.says(messages)) return true;
      w.done();
      return false;
    });
    if (waiting.length > 0) diagnosticsSeen.set(u, waiting);
    else diagnosticsSeen.delete(u);
  });
  let indexedAt = 0;
  const indexed = new Promise<void>((resolve) => client.onServerNotification('ospo/indexed', () => {
    indexedAt = performance.now();
    resolve();
  }));

  // Requests while the vault loads: the index is built when the server logs "Indexed …", then it pushes every
  // note's diagnostics until `ospo/indexed`. One definition at a time, 20 ms apart, each timed from send to answer.
  let builtAt = 0;
  let preparedAt = 0;
  client.onServerNotification('window/logMessage', (params) => {
    const message = (params as { message?: string }).message ?? '';
    if (!builtAt && /^Indexed /.test(message)) builtAt = performance.now();
    if (!preparedAt && /^Prepared /.test(message)) preparedAt = performance.now();
  });
  const whileIndexing: number[] = [];
  const whilePushing: number[] = [];
  const whilePreparing: number[] = [];
  const probeSamples = options.samples.filter((s) => s.kind === 'definition').slice(0, 50);
  const probe = async (): Promise<void> => {
    // Until the preparation is logged, or two minutes after `ospo/indexed` at most.
    for (let i = 0; !preparedAt && !(indexedAt && performance.now() - indexedAt > 120000) && probeSamples.length > 0 && client.isRunning; i++) {
      const s = probeSamples[i % probeSamples.length];
      const phase = indexedAt ? whilePreparing : builtAt ? whilePushing : whileIndexing;
      const r = await client.request('textDocument/definition', { textDocument: { uri: uri(s.file) }, position: { line: s.line, character: s.character } }, 30000);
      if (r.ok) phase.push(r.ms);
      else notes.push(`definition while loading: ${r.reason}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const root = URI.file(vaultDir).toString();
  await client.initialize(
    {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: path.basename(vaultDir) }],
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, window: { workDoneProgress: true } },
    },
    60000,
  );
  // `initialize` above has already sent `initialized`.
  const probing = probe();
  const timedOut = (await withDeadline(indexed, 300000)) === 'timeout';
  const figures: OurFigures = {
    spawnToIndexedMs: timedOut ? 'timeout' : indexedAt - started,
    peakRssBytes: 'unavailable',
    bytesClientToServer: 0,
    notes,
  };
  log(`our server: indexed in ${Math.round(indexedAt - started)} ms`);
  await probing;
  figures.duringIndexing = summarize(whileIndexing);
  figures.duringPush = summarize(whilePushing);
  figures.duringPreparation = summarize(whilePreparing);

  const byKind = (k: SamplePosition['kind']): SamplePosition[] => options.samples.filter((s) => s.kind === k);
  const opened = new Set<string>();
  const open = async (file: string): Promise<void> => {
    if (opened.has(file)) return;
    opened.add(file);
    await client.openDocument(uri(file), fs.readFileSync(path.join(vaultDir, ...file.split('/')), 'utf8'));
  };

  async function series(kind: SamplePosition['kind'], method: string, params: (s: SamplePosition) => unknown, all: number[] = []): Promise<Summary | undefined> {
    const samples = byKind(kind).slice(0, calls);
    const times = all;
    for (const s of samples) {
      await open(s.file);
      const r = await client.request(method, params(s), 10000);
      if (r.ok) times.push(r.ms);
      else notes.push(`${method}: ${r.reason}`);
    }
    return summarize(times);
  }

  const at = (s: SamplePosition) => ({ textDocument: { uri: uri(s.file) }, position: { line: s.line, character: s.character } });
  // The notes asked about are open before the series, as the note a user types in is, and the server has caught
  // up with their opening: otherwise the first series (completion) alone paid the parse of every note it opened.
  for (const kind of ['completion', 'definition', 'hover', 'references'] as const) for (const s of byKind(kind).slice(0, calls)) await open(s.file);
  // The server re-parses an opened note after a pause, then publishes it: give it that pause, then quiet.
  const openedAt = performance.now();
  const openedUntil = openedAt + 30_000;
  while ((performance.now() - openedAt < 2000 || performance.now() - lastDiagnosticsAt < 1000) && performance.now() < openedUntil) await new Promise((r) => setTimeout(r, 100));
  figures.completion = await series('completion', 'textDocument/completion', at);
  figures.definition = await series('definition', 'textDocument/definition', at);
  figures.hover = await series('hover', 'textDocument/hover', at);
  const referenceTimes: number[] = [];
  figures.references = await series('references', 'textDocument/references', (s) => ({ ...at(s), context: { includeDeclaration: true } }), referenceTimes);
  figures.referencesFirstMs = referenceTimes[0];
  const symbolTimes: number[] = [];
  for (const q of ['note', 'key ideas', 'zz', 'a', 'overview']) {
    const r = await client.request('workspace/symbol', { query: q }, 10000);
    if (r.ok) symbolTimes.push(r.ms);
  }
  figures.workspaceSymbol = summarize(symbolTimes);

  // Edit → diagnostics is measured on a server that has caught up (no diagnostics for a second), as a user's next
  // edit meets it, and before the searches below: they type and remove hundreds of links, and the re-publishing of
  // the notes those edits reach (chains of embeds) would still be under way (p95 36 ms here, over 110 ms after).
  const settleUntil = performance.now() + 60_000;
  while (performance.now() - lastDiagnosticsAt < 1000 && performance.now() < settleUntil) await new Promise((r) => setTimeout(r, 100));

  // Each edit inserts a broken link at a paragraph end; the time runs until the note's diagnostics report it (one
  // more `No such note zq` than before: a note may be edited several times). The notes are opened, and their
  // opening's diagnostics are out, before the first edit.
  const editTimes: number[] = [];
  const edits = byKind('edit').slice(0, options.edits ?? 50);
  for (const s of edits) await open(s.file);
  const quietUntil = performance.now() + 30_000;
  while (performance.now() - lastDiagnosticsAt < 1000 && performance.now() < quietUntil) await new Promise((r) => setTimeout(r, 100));
  const inserted = new Map<string, number>();
  for (const s of edits) {
    const u = uri(s.file);
    const expected = (inserted.get(u) ?? 0) + 1;
    inserted.set(u, expected);
    const seen = new Promise<void>((resolve) => {
      const list = diagnosticsSeen.get(u) ?? [];
      list.push({ done: resolve, says: (messages) => messages.filter((m) => m.includes("'No such note zq'")).length >= expected });
      diagnosticsSeen.set(u, list);
    });
    const t0 = performance.now();
    await client.changeDocument(u, { start: { line: s.line, character: s.character }, end: { line: s.line, character: s.character } }, ' [[No such note zq]]');
    const ok = (await withDeadline(seen, 5000)) !== 'timeout';
    if (ok) editTimes.push(performance.now() - t0);
    else notes.push('edit: no diagnostics within 5 s');
  }
  figures.editToDiagnostics = summarize(editTimes);
  // Vault-wide searches: the trigger and a query typed at a paragraph's end, completion asked, the text removed.
  async function searchSeries(trigger: string, queries: readonly string[]): Promise<Summary | undefined> {
    const times: number[] = [];
    const sites = byKind('edit').slice(0, 10);
    for (let i = 0; i < sites.length * queries.length && i < calls; i++) {
      const s = sites[i % sites.length];
      await open(s.file);
      const u = uri(s.file);
      const typed = ` ${trigger}${queries[i % queries.length]}`;
      const at = { line: s.line, character: s.character };
      await client.changeDocument(u, { start: at, end: at }, typed);
      const r = await client.request('textDocument/completion', { textDocument: { uri: u }, position: { line: s.line, character: s.character + typed.length } }, 10000);
      if (r.ok) times.push(r.ms);
      else notes.push(`${trigger} completion: ${r.reason}`);
      await client.changeDocument(u, { start: at, end: { line: s.line, character: s.character + typed.length } }, '');
    }
    return summarize(times);
  }
  figures.typedLinkCompletion = await searchSeries('[[', ['', 'o', 'key', 'key ideas', 'overview', 'zz']);
  figures.headingSearch = await searchSeries('[[##', ['', 'o', 'key', 'key ideas', 'overview', 'zz']);
  figures.blockSearch = await searchSeries('[[^^', ['the', 'key ideas', 'zz']);

  rss?.stop();
  figures.peakRssBytes = rss?.peakBytes ?? 'unavailable';
  figures.bytesClientToServer = client.bytesSent;
  await client.dispose();
  return figures;
}
