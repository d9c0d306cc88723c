/**
 * One seed of the fuzz: builds the hostile vault, starts the real server (`server/out/main.js --stdio`) on it
 * and drives a seeded storm of edits, file events, configuration changes and requests (many at invalid
 * positions or on unknown documents, some cancelled) for a fixed time, then checks what a user would feel:
 *
 *  - alive:       the server process never exits, and writes no unhandled error to stderr;
 *  - no-errors:   no request fails inside the server (an internal error answer or an error logged);
 *  - latency:     no request waits over 1 s for its answer (each is timed from send to answer);
 *  - memory:      the server's resident memory (VmRSS samples and VmHWM) stays under 400 MB;
 *  - known-good:  at the end, the definition of `[[Target]]` in good/Start.md is good/Target.md.
 *
 * The seed fixes the vault and the sequence of actions; the interleaving with the server's answers depends on
 * timing, so a replay repeats the same storm, not the same schedule.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource, type ResponseError } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { SERVER_ENVIRONMENT } from '@ospo-notes/engine';
import { Rng } from '../bench/generateVault';
import { StdioLspClient } from '../bench/lspClient';
import { RssMonitor, percentile, readProcMemory, withDeadline } from '../bench/stats';
import { buildHostileVault, type HostileVault, type Profile } from './hostileVault';

export const LIMITS = { requestMs: 1000, rssBytes: 400 * 1024 * 1024 };

/** What the storm sends, per profile: the small one must finish in seconds even against a slow server. */
const STORM: Record<Profile, { hugeInsertMax: number; answerDeadlineMs: number; indexDeadlineMs: number }> = {
  full: { hugeInsertMax: 2 * 1024 * 1024, answerDeadlineMs: 30000, indexDeadlineMs: 60000 },
  small: { hugeInsertMax: 32 * 1024, answerDeadlineMs: 5000, indexDeadlineMs: 10000 },
};

export interface SeedOptions {
  seed: number;
  durationMs: number;
  profile: Profile;
  serverScript: string;
  keepVault?: boolean;
  /** The latency check's limit in ms (default LIMITS.requestMs). */
  requestLimitMs?: number;
  /** Flags for the server's node (profiling, heap options). */
  nodeFlags?: string[];
  log?: (message: string) => void;
}

export type CheckName = 'alive' | 'no-errors' | 'latency' | 'memory' | 'known-good';

export interface Check {
  name: CheckName;
  ok: boolean;
  detail: string;
}

export interface SeedResult {
  seed: number;
  profile: Profile;
  ok: boolean;
  checks: Check[];
  actions: Record<string, number>;
  /** The latency check's limit this seed ran with. */
  requestLimitMs: number;
  requests: { sent: number; answered: number; cancelled: number; p50Ms: number; p95Ms: number; maxMs: number; slowest: string; over1s: number; unanswered: number; slowByMethod: Record<string, number> };
  /**
   * The fuzz's own event loop: its longest stall, the time it spent stalled (over 100 ms at a time), and how many
   * of the requests over the limit would have been within it without those stalls.
   */
  fuzzStalls: { longestMs: number; totalMs: number; slowBecauseOfFuzz: number };
  peakRssBytes?: number;
  /** Internal errors: error answers and errors the server logged (first few). */
  errors: string[];
  stderrTail: string;
  vault?: string;
}

/** Tries to answer the server's `workspace/configuration` requests with something plausible or broken. */
const SETTINGS_VARIANTS: unknown[] = [
  null,
  {},
  { unresolvedLinkSeverity: 'hint', ignoredFolders: ['nest'] },
  { unresolvedLinkSeverity: 'bogus', ignoredFolders: ['../', '', '/', 'brackets/**'] },
  { unresolvedLinkSeverity: 'off', ignoredFolders: 'not-a-list' },
  { ignoredFolders: [42, null, 'huge'] },
];

const TYPED = ['a', ' ', '[', ']', '[[', ']]', '(', ')', '#', '^', '|', '!', '\n', '`', '$', '%%', '-', '>', '😀', '\r\n', '\t', '\\', '<%', '%>', '---\n'];
const SNIPPETS = ['[[Target]]', '[a](', '![[A]]', '\n---\naliases: [x\n---\n', '- - - - - ', '> > > > ', ' ^abc123', '[[#H0]]', '![[B#^b1]]', '[x](n1.md#H0)', '$$\n', '```\n', '<!--', '%%'];
const HUGE_UNITS = ['[a](', '[[', '- item [[WHO]] [[nope]]\n', '`', '> ', '- ', '![a]('];

interface PendingRequest {
  promise: Promise<void>;
}

export async function runSeed(options: SeedOptions): Promise<SeedResult> {
  const { seed, profile } = options;
  const log = options.log ?? (() => undefined);
  const rng = new Rng(seed);
  const limits = STORM[profile];
  const requestLimitMs = options.requestLimitMs ?? LIMITS.requestMs;
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), `ospo-fuzz-${seed}-`));
  let vault: HostileVault;
  try {
    vault = buildHostileVault(parent, seed, profile);
  } catch (e) {
    fs.rmSync(parent, { recursive: true, force: true });
    throw e;
  }
  const root = vault.root;
  const uriOf = (rel: string): string => URI.file(path.join(root, ...rel.split('/'))).toString();
  log(`seed ${seed}: vault ${root}`);

  // The server's model cache (on, as for users) goes beside the vault, removed with it, not into the user's cache.
  // Started as the extension starts it (SERVER_ENVIRONMENT), with any flags asked for.
  const env = { ...process.env, ...SERVER_ENVIRONMENT, XDG_CACHE_HOME: path.join(parent, '.cache') };
  const client = StdioLspClient.spawn({ command: process.execPath, args: [...(options.nodeFlags ?? []), options.serverScript, '--stdio'], stderrTailChars: 20000, env });
  const rss = client.pid ? new RssMonitor(client.pid, 100).start() : undefined;
  const errors: string[] = [];
  let errorCount = 0;
  const noteError = (message: string): void => {
    errorCount++;
    if (errors.length < 10) errors.push(message.slice(0, 3000));
  };
  client.onServerNotification('window/logMessage', (params) => {
    const p = params as { type: number; message: string };
    if (p.type === 1) noteError(`logged: ${p.message}`);
  });
  let indexed = false;
  const indexedOnce = new Promise<void>((resolve) =>
    client.onServerNotification('ospo/indexed', () => {
      indexed = true;
      resolve();
    }),
  );
  let settingsVariant: unknown = null;
  client.onServerRequest('workspace/configuration', (params) => {
    const items = (params as { items?: unknown[] }).items ?? [];
    return items.map(() => settingsVariant);
  });

  const actions: Record<string, number> = {};
  const count = (name: string): void => {
    actions[name] = (actions[name] ?? 0) + 1;
  };
  const waits: number[] = [];
  // The fuzz's own event loop stalls too (it mirrors every edit of 10 MB buffers and serialises them): a request's
  // answer that arrives during such a stall is timed late. The stalls are recorded so that the report can say how
  // many of the slow requests overlapped one; the check itself counts every slow request.
  const stalls: Array<[number, number]> = [];
  let lastTick = performance.now();
  const stallTimer = setInterval(() => {
    const now = performance.now();
    if (now - lastTick > 100) stalls.push([lastTick, now]);
    lastTick = now;
  }, 20);
  let slowInStall = 0;
  const stalledDuring = (from: number, to: number): number => {
    let ms = 0;
    for (const [a, b] of stalls) if (b > from && a < to) ms += Math.min(b, to) - Math.max(a, from);
    return ms;
  };
  let slowest = { ms: 0, what: '' };
  let over1s = 0;
  /** Requests over the limit, per method (where to look first). */
  const slowByMethod: Record<string, number> = {};
  let unanswered = 0;
  let sent = 0;
  let cancelled = 0;
  const pending = new Set<PendingRequest>();

  /** Sends a request without waiting for it; its answer is timed and classified when it comes. */
  const request = (method: string, params: unknown, cancelAfterMs?: number): void => {
    if (!client.isRunning) return;
    sent++;
    count(`request ${method}`);
    const cancel = new CancellationTokenSource();
    const t0 = performance.now();
    const what = `${method} ${JSON.stringify(params).slice(0, 200)}`;
    const answer = client.connection.sendRequest(method, params, cancel.token).then(
      () => 'ok' as const,
      (e: ResponseError<unknown>) => e,
    );
    if (cancelAfterMs !== undefined) {
      cancelled++;
      setTimeout(() => cancel.cancel(), cancelAfterMs);
    }
    const entry: PendingRequest = {
      promise: withDeadline(answer, limits.answerDeadlineMs).then((outcome) => {
        const ms = performance.now() - t0;
        cancel.dispose();
        pending.delete(entry);
        if (outcome === 'timeout') {
          unanswered++;
          over1s++;
          if (ms > slowest.ms) slowest = { ms, what: `${what} (no answer)` };
          return;
        }
        waits.push(ms);
        if (ms > requestLimitMs) {
          // Slow because of the fuzz itself: without its own stalls the answer would have come in time.
          if (ms - stalledDuring(t0, t0 + ms) <= requestLimitMs) slowInStall++;
          over1s++;
          slowByMethod[method] = (slowByMethod[method] ?? 0) + 1;
        }
        if (ms > slowest.ms) slowest = { ms, what };
        // -32603 InternalError: the handler threw. Method-not-found, invalid params and cancellations are
        // legitimate answers to what the storm sends.
        if (outcome !== 'ok' && (outcome as ResponseError<unknown>).code === -32603) noteError(`${what}: ${(outcome as Error).message}`);
      }),
    };
    pending.add(entry);
  };

  // Documents as the server sees them (same update rules as the server's TextDocuments).
  const open = new Map<string, TextDocument>();
  const files = new Set(vault.notes.filter((n) => !n.startsWith('good/')));
  let created = 0;

  const readText = (rel: string): string | undefined => {
    try {
      const abs = path.join(root, ...rel.split('/'));
      const st = fs.statSync(abs);
      // A buffer of a 1.5 GB sparse file is not something an editor would send; the server reads those itself.
      if (!st.isFile() || st.size > 12 * 1024 * 1024) return undefined;
      return fs.readFileSync(abs).toString('utf8');
    } catch {
      return undefined;
    }
  };
  const unknownUris = (): string[] => [
    uriOf(`nowhere/missing-${rng.int(100)}.md`),
    'file:///etc/hostname',
    URI.file(path.join(parent, 'outside', 'secret.md')).toString(),
    uriOf('links/escape.md'),
    uriOf('links/passwd.md'),
    'untitled:Untitled-1',
    uriOf('nest'),
    'file:///%ZZ.md',
    'not a uri',
  ];

  const randomPosition = (doc: TextDocument | undefined): { line: number; character: number } => {
    const lines = doc?.lineCount ?? 50;
    const r = rng.next();
    if (r < 0.6) {
      const line = rng.int(lines);
      const len = doc ? doc.offsetAt({ line: line + 1, character: 0 }) - doc.offsetAt({ line, character: 0 }) : 40;
      return { line, character: rng.int(Math.max(1, len + 1)) };
    }
    return rng.pick([
      { line: -1, character: 0 },
      { line: 0, character: -5 },
      { line: lines + rng.int(1000), character: 0 },
      { line: rng.int(lines), character: 100000 },
      { line: 2147483647, character: 2147483647 },
      { line: -2147483648, character: -1 },
    ]);
  };

  const openDoc = async (rel?: string): Promise<void> => {
    const pickRel = rel ?? rng.pick([...files, 'good/WHO.md']);
    if (!pickRel) return;
    const text = readText(pickRel);
    if (text === undefined) return;
    const uri = uriOf(pickRel);
    const version = (open.get(uri)?.version ?? 0) + 1;
    open.set(uri, TextDocument.create(uri, 'markdown', version, text));
    count('didOpen');
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version, text } });
  };

  const change = async (): Promise<void> => {
    if (open.size === 0) return openDoc();
    const uri = rng.pick([...open.keys()]);
    let doc = open.get(uri)!;
    const r = rng.next();
    let changeEvent: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };
    if (r < 0.5) {
      const at = randomPosition(doc);
      changeEvent = { range: { start: at, end: at }, text: rng.pick(TYPED) };
      count('didChange type');
    } else if (r < 0.65) {
      const a = randomPosition(doc);
      const b = randomPosition(doc);
      changeEvent = { range: { start: a, end: b }, text: '' };
      count('didChange delete');
    } else if (r < 0.9) {
      const at = randomPosition(doc);
      changeEvent = { range: { start: at, end: at }, text: rng.pick(SNIPPETS) };
      count('didChange snippet');
    } else if (r < 0.97) {
      // Several changes in one notification, some out of order.
      const changes = Array.from({ length: rng.range(2, 6) }, () => {
        const at = randomPosition(doc);
        return { range: { start: at, end: at }, text: rng.pick(TYPED) };
      });
      doc = TextDocument.update(doc, changes, doc.version + 1);
      open.set(uri, doc);
      count('didChange batch');
      await client.notify('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: changes });
      return;
    } else if (r < 0.99) {
      const at = randomPosition(doc);
      const size = rng.range(limits.hugeInsertMax / 32, limits.hugeInsertMax);
      const unit = rng.pick(HUGE_UNITS);
      changeEvent = { range: { start: at, end: at }, text: unit.repeat(Math.ceil(size / unit.length)) };
      count('didChange huge insert');
    } else {
      changeEvent = { text: rng.chance(0.5) ? '' : (readText(rng.pick([...files])) ?? '# replaced\n') };
      count('didChange full');
    }
    // Now and then a stale or repeated version, as a confused client might send.
    const version = rng.chance(0.03) ? Math.max(0, doc.version - 5) : doc.version + 1;
    doc = TextDocument.update(doc, [changeEvent], version);
    open.set(uri, doc);
    await client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [changeEvent] });
  };

  const fileEvent = async (): Promise<void> => {
    const r = rng.next();
    const events: Array<{ uri: string; type: number }> = [];
    const abs = (rel: string): string => path.join(root, ...rel.split('/'));
    // Only regular files the fuzz wrote are changed or removed: never anything through a symlink.
    const own = [...files].filter((f) => {
      try {
        return fs.lstatSync(abs(f)).isFile();
      } catch {
        return false;
      }
    });
    const body = (): string => `# s\n\n${Array.from({ length: rng.range(0, 8) }, () => rng.pick(['[[Target]]', '[[n1#H0]]', '![[A]]', '[[s-' + rng.int(created + 1) + ']]', 'text', '[a](', '- - -'])).join(' ')}\n`;
    if (r < 0.3) {
      const n = rng.chance(0.1) ? rng.range(20, 60) : 1;
      for (let i = 0; i < n; i++) {
        const rel = `storm/s-${created++}.md`;
        fs.mkdirSync(path.dirname(abs(rel)), { recursive: true });
        fs.writeFileSync(abs(rel), body());
        files.add(rel);
        events.push({ uri: uriOf(rel), type: 1 });
      }
      count(n > 1 ? 'files create burst' : 'file create');
    } else if (r < 0.55 && own.length) {
      const rel = rng.pick(own);
      fs.appendFileSync(abs(rel), body());
      events.push({ uri: uriOf(rel), type: 2 });
      count('file change');
    } else if (r < 0.7 && own.length) {
      const rel = rng.pick(own);
      fs.rmSync(abs(rel), { force: true });
      files.delete(rel);
      events.push({ uri: uriOf(rel), type: 3 });
      count('file delete');
    } else if (r < 0.85 && own.length) {
      const from = rng.pick(own);
      const to = `storm/renamed-${created++}.md`;
      fs.mkdirSync(path.dirname(abs(to)), { recursive: true });
      fs.renameSync(abs(from), abs(to));
      files.delete(from);
      files.add(to);
      events.push({ uri: uriOf(from), type: 3 }, { uri: uriOf(to), type: 1 });
      count('file rename');
    } else {
      events.push({ uri: rng.pick(unknownUris()), type: rng.pick([1, 2, 3, 99]) });
      count('file event bogus');
    }
    await client.notify('workspace/didChangeWatchedFiles', { changes: events });
  };

  const randomRequest = (): void => {
    const r = rng.next();
    let uri: string;
    let doc: TextDocument | undefined;
    if (r < 0.6 && open.size > 0) {
      uri = rng.pick([...open.keys()]);
      doc = open.get(uri);
    } else if (r < 0.85 && files.size > 0) uri = uriOf(rng.pick([...files]));
    else uri = rng.pick(unknownUris());
    const at = randomPosition(doc);
    const textDocument = { uri };
    const method = rng.pick([
      'textDocument/completion', 'textDocument/completion', 'textDocument/definition', 'textDocument/definition', 'textDocument/hover',
      'textDocument/hover', 'textDocument/references', 'textDocument/documentSymbol', 'textDocument/documentLink', 'textDocument/foldingRange',
      'textDocument/codeAction', 'workspace/symbol', 'workspace/executeCommand', 'ospo/status', 'ospo/files', 'ospo/checkVault',
      'textDocument/rename', 'textDocument/prepareRename', 'ospo/nonexistent',
    ]);
    let params: unknown;
    switch (method) {
      case 'textDocument/references':
        params = { textDocument, position: at, context: { includeDeclaration: rng.chance(0.5) } };
        break;
      case 'textDocument/documentSymbol':
      case 'textDocument/documentLink':
      case 'textDocument/foldingRange':
        params = { textDocument };
        break;
      case 'textDocument/codeAction':
        params = { textDocument, range: { start: at, end: randomPosition(doc) }, context: { diagnostics: [] } };
        break;
      case 'workspace/symbol':
        params = { query: rng.pick(['', 'n', 'Target', '[[', '.*', 'x'.repeat(10000), '😀', '#', 'After']) };
        break;
      case 'workspace/executeCommand':
        params = {
          command: rng.pick(['ospo-notes.addBlockId', 'ospo-notes.nope']),
          arguments: [rng.pick([{}, { path: 'plain/n1.md', line: at.line, id: 'abc' }, { path: '../../../../etc/hostname', line: 0, id: 'x' }, { path: 42 }, null])],
        };
        break;
      case 'textDocument/rename':
        params = { textDocument, position: at, newName: 'Renamed' };
        break;
      case 'ospo/status':
      case 'ospo/files':
      case 'ospo/checkVault':
      case 'ospo/nonexistent':
        params = {};
        break;
      default:
        params = { textDocument, position: at };
    }
    // The whole-vault check is heavy by design; keep it rare.
    if (method === 'ospo/checkVault' && !rng.chance(0.1)) return;
    request(method, params, rng.chance(0.15) ? rng.int(5) : undefined);
  };

  const storm = async (): Promise<void> => {
    const end = performance.now() + options.durationMs;
    while (performance.now() < end && client.isRunning) {
      // Do not flood: an editor has a handful of requests in flight, not thousands.
      while (pending.size >= 16 && client.isRunning && performance.now() < end) await Promise.race([...pending].map((p) => p.promise));
      const r = rng.next();
      if (r < 0.06) await openDoc();
      else if (r < 0.08 && open.size > 0) {
        const uri = rng.pick([...open.keys()]);
        open.delete(uri);
        count('didClose');
        await client.notify('textDocument/didClose', { textDocument: { uri } });
      } else if (r < 0.5) await change();
      else if (r < 0.58) await fileEvent();
      else if (r < 0.585) {
        settingsVariant = rng.pick(SETTINGS_VARIANTS);
        count('didChangeConfiguration');
        await client.notify('workspace/didChangeConfiguration', { settings: { ospoNotes: settingsVariant } });
      } else randomRequest();
      await new Promise((resolve) => setTimeout(resolve, rng.int(12)));
    }
  };

  const checks: Check[] = [];
  let peakRssBytes: number | undefined;
  try {
    const init = await client.initialize(
      {
        processId: process.pid,
        rootUri: URI.file(root).toString(),
        workspaceFolders: [{ uri: URI.file(root).toString(), name: 'hostile' }],
        capabilities: {
          workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true, applyEdit: true, workspaceEdit: { documentChanges: true } },
          window: { workDoneProgress: true },
          textDocument: { completion: { completionItem: { snippetSupport: true } } },
        },
      },
      30000,
    );
    if (!init.ok) throw new Error(`initialize: ${init.message}`);
    // The storm starts at once, while the vault is still being indexed, as an impatient user would.
    await storm();
    await Promise.all([...pending].map((p) => p.promise));
    if (!indexed && client.isRunning) await withDeadline(indexedOnce, limits.indexDeadlineMs);

    // Known-good: the link in a note the storm never touched, under the default settings, once the server has
    // worked through what the storm left it (how long that takes is the latency check's business, not this one's).
    let knownDetail = 'server not running';
    let knownOk = false;
    if (client.isRunning) {
      settingsVariant = null;
      await client.notify('workspace/didChangeConfiguration', { settings: { ospoNotes: null } });
      await client.request('ospo/status', {}, 30000);
      const source = uriOf(vault.known.source);
      await client.notify('textDocument/didOpen', { textDocument: { uri: source, languageId: 'markdown', version: 1, text: fs.readFileSync(path.join(root, ...vault.known.source.split('/')), 'utf8') } });
      const answer = await client.request<unknown>('textDocument/definition', { textDocument: { uri: source }, position: { line: vault.known.line, character: vault.known.character } }, 5000);
      const want = uriOf(vault.known.target);
      if (!answer.ok) knownDetail = `no answer: ${answer.message}`;
      else {
        const got = ([] as Array<{ uri?: string; targetUri?: string }>).concat((answer.value as never) ?? []).map((l) => l.uri ?? l.targetUri);
        knownOk = got.length === 1 && got[0] === want;
        knownDetail = knownOk ? `answered in ${answer.ms.toFixed(0)} ms` : `got ${JSON.stringify(got)}, want [${want}]`;
        if (answer.ms > requestLimitMs) over1s++;
      }
    }
    checks.push({ name: 'known-good', ok: knownOk, detail: knownDetail });
  } catch (e) {
    checks.push({ name: 'known-good', ok: false, detail: `not reached: ${(e as Error).message}` });
  } finally {
    clearInterval(stallTimer);
    rss?.sample();
    if (client.pid) {
      const m = readProcMemory(client.pid);
      if (m?.hwmBytes) peakRssBytes = m.hwmBytes;
    }
    rss?.stop();
    peakRssBytes = Math.max(peakRssBytes ?? 0, rss?.peakBytes ?? 0) || undefined;
  }

  const stderr = client.stderrTail.trim();
  const alive = client.isRunning;
  await client.dispose(3000);
  checks.unshift(
    {
      name: 'alive',
      ok: alive && stderr === '',
      detail: !alive ? `server exited (${String(await client.exited)})${stderr ? `; stderr: ${stderr.slice(-1500)}` : ''}` : stderr ? `stderr: ${stderr.slice(-1500)}` : 'ran throughout, stderr empty',
    },
    { name: 'no-errors', ok: errorCount === 0, detail: errorCount === 0 ? 'no internal error' : `${errorCount} internal errors; first: ${errors[0]?.slice(0, 300)}` },
    {
      name: 'latency',
      ok: over1s === 0,
      detail: `${over1s} of ${sent} requests waited over ${requestLimitMs} ms (${unanswered} unanswered within ${limits.answerDeadlineMs / 1000} s); slowest ${slowest.ms.toFixed(0)} ms: ${slowest.what.slice(0, 160)}`,
    },
    {
      name: 'memory',
      ok: peakRssBytes !== undefined && peakRssBytes < LIMITS.rssBytes,
      detail: peakRssBytes === undefined ? 'not measured (no /proc)' : `peak RSS ${(peakRssBytes / 1048576).toFixed(0)} MB (limit ${LIMITS.rssBytes / 1048576} MB)`,
    },
  );
  if (!options.keepVault) fs.rmSync(parent, { recursive: true, force: true });
  return {
    seed,
    profile,
    requestLimitMs,
    ok: checks.every((c) => c.ok),
    checks,
    actions,
    requests: {
      sent,
      answered: waits.length,
      cancelled,
      p50Ms: percentile(waits, 50),
      p95Ms: percentile(waits, 95),
      maxMs: slowest.ms,
      slowest: slowest.what.slice(0, 300),
      over1s,
      unanswered,
      slowByMethod,
    },
    fuzzStalls: { longestMs: Math.max(0, ...stalls.map(([a, b]) => b - a)), totalMs: stalls.reduce((t, [a, b]) => t + b - a, 0), slowBecauseOfFuzz: slowInStall },
    peakRssBytes,
    errors,
    stderrTail: stderr.slice(-4000),
    vault: options.keepVault ? parent : undefined,
  };
}
