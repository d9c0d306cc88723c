/**
 * Side-by-side benchmark of VS Code's own markdown language server (npm `vscode-markdown-languageserver`).
 *
 * That server cannot run on its own: it expects VS Code's markdown extension as its client, which pushes the
 * settings, tokenizes documents with markdown-it on request, and serves the file system. This module plays
 * that client part headless, as described in the peer notes, and measures only what both servers do:
 * whole-vault indexing (cold `workspace/symbol ""`), references on a heading, definition on a markdown link,
 * pull diagnostics after an edit, peak memory and the traffic it takes.
 *
 * The markdown-it work done here on the server's behalf is part of the measured times on purpose: in VS Code
 * the extension host does it, so it is part of what a user waits for.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { URI } from 'vscode-uri';
import { listMarkdownFiles, loadVaultSamples, type SamplePosition } from './generateVault';
import { StdioLspClient } from './lspClient';
import { formatBytes, formatMs, RssMonitor, summarize, type Summary, type Timed } from './stats';

export interface PeerTimeouts {
  initialize: number;
  workspaceSymbol: number;
  references: number;
  definition: number;
  diagnostics: number;
  shutdown: number;
}

export interface PeerOptions {
  /** The server's entry script; default: `dist/node/workerMain.js` of the installed package. */
  serverScript?: string;
  /** Node binary that runs the server; default: the one running this benchmark. */
  nodePath?: string;
  /** Request positions; default: recomputed from the vault's manifest, or scanned from its notes. */
  samples?: SamplePosition[];
  /** References calls after the first one (each on a heading of a different note). Default 20. */
  referenceCalls?: number;
  /** Edits, each followed by a diagnostics pull. Default 10. */
  edits?: number;
  /** Definition calls on markdown links. Default 10. */
  definitionCalls?: number;
  /** Per-step deadlines in ms; defaults grow with the number of notes. */
  timeouts?: Partial<PeerTimeouts>;
  /** VmRSS polling interval. Default 50 ms. */
  rssIntervalMs?: number;
  /** Progress messages (one line each). */
  log?: (message: string) => void;
}

/** A single duration in ms, or why there is none. */
export type Figure = number | 'timeout' | 'error' | 'skipped';
/** A series of durations, or why there is none. */
export type SeriesFigure = Summary | 'timeout' | 'error' | 'skipped';

export interface PeerFigures {
  server: { name: string; version: string; node: string };
  vault: { dir: string; markdownFiles: number };
  initializeMs: Figure;
  /** Cold `workspace/symbol ""`: the server reads and tokenizes every note. */
  coldWorkspaceSymbolMs: Figure;
  workspaceSymbols?: number;
  /** First `textDocument/references` on a heading (builds the link index). */
  referencesFirstMs: Figure;
  referencesFirstResults?: number;
  /** Later references calls, each on a heading of another note. */
  referencesLater: SeriesFigure;
  /** Locations returned by all later references calls together (the declarations included). */
  referencesLaterResults?: number;
  /** `textDocument/definition` on markdown links (`[x](file.md#frag)`). */
  definition: SeriesFigure;
  /** Definition calls that returned a location, of those made. */
  definitionsResolved: string;
  /** First diagnostics pull on the edited note, before any edit. */
  firstDiagnosticsMs: Figure;
  /** didChange → `textDocument/diagnostic` answered, per edit. */
  editToDiagnostics: SeriesFigure;
  /** Edits whose inserted broken link showed up in the diagnostics that followed. */
  editsReflected: string;
  /** Peak resident memory of the server process (VmHWM/VmRSS), bytes. */
  peakRssBytes: number | 'unavailable';
  /** Everything written to the server's stdin, JSON-RPC headers included. */
  bytesClientToServer: number;
  bytesServerToClient: number;
  /** Requests the server made to the client, by method. */
  serverRequests: Record<string, number>;
  /** Time this harness spent in markdown-it for the server (part of the times above). */
  clientTokenizeMs: number;
  totalMs: number;
  /** Timeouts, errors and oddities, in order. */
  notes: string[];
}

interface ServerPackage {
  script: string;
  version: string;
}

function locateServer(explicit?: string): ServerPackage {
  const pkgJson = require.resolve('vscode-markdown-languageserver/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version?: string };
  return {
    script: explicit ?? path.join(path.dirname(pkgJson), 'dist', 'node', 'workerMain.js'),
    version: pkg.version ?? 'unknown',
  };
}

/** VS Code's default markdown settings, with validation switched on (its default is off). */
const MARKDOWN_SETTINGS = {
  markdown: {
    server: { log: 'off' },
    preferredMdPathExtensionStyle: 'auto',
    suggest: { paths: { enabled: true, includeWorkspaceHeaderCompletions: 'onDoubleHash' } },
    occurrencesHighlight: { enabled: true },
    validate: {
      enabled: true,
      referenceLinks: { enabled: 'warning' },
      fragmentLinks: { enabled: 'warning' },
      fileLinks: { enabled: 'warning', markdownFragmentLinks: 'inherit' },
      ignoredLinks: [],
      unusedLinkDefinitions: { enabled: 'hint' },
      duplicateLinkDefinitions: { enabled: 'warning' },
    },
  },
};

/**
 * Tokenizes like VS Code's markdown extension: front matter blanked (its lines kept, so token line maps stay
 * true) and announced by a leading `front_matter` token; the body parsed by markdown-it with html and linkify.
 */
class VsCodeLikeTokenizer {
  private readonly md = new MarkdownIt({ html: true, linkify: true, breaks: false, typographer: false });
  /** Total time spent tokenizing, ms. */
  elapsedMs = 0;

  tokenize(text: string): unknown[] {
    const start = performance.now();
    const lines = text.split('\n');
    let fmEnd = -1;
    if (/^---\s*$/.test(lines[0] ?? '')) {
      for (let i = 1; i < lines.length; i++) {
        if (/^(---|\.\.\.)\s*$/.test(lines[i])) {
          fmEnd = i;
          break;
        }
      }
    }
    let tokens: unknown[];
    if (fmEnd < 0) {
      tokens = this.md.parse(text, {});
    } else {
      const frontMatter = lines.slice(1, fmEnd).join('\n');
      const blanked = lines.map((l, i) => (i <= fmEnd ? (l.endsWith('\r') ? '\r' : '') : l)).join('\n');
      tokens = this.md.parse(blanked, {});
      tokens.unshift({
        type: 'front_matter',
        tag: '',
        attrs: null,
        map: [0, fmEnd + 1],
        nesting: 0,
        level: 0,
        children: null,
        content: frontMatter,
        markup: '---',
        info: '',
        meta: frontMatter,
        block: true,
        hidden: true,
      });
    }
    this.elapsedMs += performance.now() - start;
    return tokens;
  }
}

function fsPathOf(uri: string): string {
  return URI.parse(uri).fsPath;
}

/** Answers the server's `markdown/*` requests from disk and from the client's open documents. */
function serveVsCodeClientPart(client: StdioLspClient, vaultDir: string, tokenizer: VsCodeLikeTokenizer): void {
  let markdownFiles: string[] | undefined;

  client.onServerRequest('markdown/parse', async (params) => {
    const { uri, text } = params as { uri: string; text?: string };
    if (typeof text === 'string') return tokenizer.tokenize(text);
    const open = client.documents.get(uri);
    if (open) return tokenizer.tokenize(open.text);
    try {
      return tokenizer.tokenize(await fs.promises.readFile(fsPathOf(uri), 'utf8'));
    } catch {
      return [];
    }
  });
  client.onServerRequest('markdown/fs/readFile', async (params) => {
    // The protocol carries file contents as a JSON array of byte values.
    return Array.from(await fs.promises.readFile(fsPathOf((params as { uri: string }).uri)));
  });
  client.onServerRequest('markdown/fs/stat', async (params) => {
    try {
      const st = await fs.promises.stat(fsPathOf((params as { uri: string }).uri));
      return { isDirectory: st.isDirectory() };
    } catch {
      return null;
    }
  });
  client.onServerRequest('markdown/fs/readDirectory', async (params) => {
    const entries = await fs.promises.readdir(fsPathOf((params as { uri: string }).uri), { withFileTypes: true });
    return entries.map((e) => [e.name, { isDirectory: e.isDirectory() }]);
  });
  client.onServerRequest('markdown/findMarkdownFilesInWorkspace', () => {
    markdownFiles ??= listMarkdownFiles(vaultDir).map((rel) => URI.file(path.join(vaultDir, ...rel.split('/'))).toString());
    return markdownFiles;
  });
  // Watchers only matter when files change on disk behind the server's back, which a benchmark never does.
  client.onServerRequest('markdown/fs/watcher/create', () => null);
  client.onServerRequest('markdown/fs/watcher/delete', () => null);
}

function figureOf<T>(t: Timed<T>): Figure {
  return t.ok ? t.ms : t.reason;
}

/** Picks `count` samples of one kind from different files, spread over the vault, deterministically. */
function spread(samples: SamplePosition[], count: number, accept: (s: SamplePosition) => boolean): SamplePosition[] {
  const seen = new Set<string>();
  const candidates: SamplePosition[] = [];
  for (const s of samples) {
    if (!accept(s) || seen.has(s.file)) continue;
    seen.add(s.file);
    candidates.push(s);
  }
  if (candidates.length <= count) return candidates;
  const step = candidates.length / count;
  const picked: SamplePosition[] = [];
  for (let i = 0; i < count; i++) picked.push(candidates[Math.floor(i * step)]);
  return picked;
}

/** Runs VS Code's markdown server on `vaultDir` and measures it. Never throws for a slow or dead server. */
export async function runPeerBenchmark(vaultDir: string, opts: PeerOptions = {}): Promise<PeerFigures> {
  const started = performance.now();
  const root = path.resolve(vaultDir);
  const log = opts.log ?? (() => undefined);
  const files = listMarkdownFiles(root);
  const fileCount = files.length;
  const timeouts: PeerTimeouts = {
    initialize: 30_000,
    workspaceSymbol: Math.max(60_000, 30 * fileCount),
    references: Math.max(30_000, 10 * fileCount),
    definition: 30_000,
    diagnostics: 30_000,
    shutdown: 5_000,
  };
  for (const [step, ms] of Object.entries(opts.timeouts ?? {})) {
    if (typeof ms === 'number' && ms > 0) timeouts[step as keyof PeerTimeouts] = ms;
  }
  const samples = opts.samples ?? loadVaultSamples(root);
  const server = locateServer(opts.serverScript);
  const notes: string[] = [];
  const uriOf = (rel: string) => URI.file(path.join(root, ...rel.split('/'))).toString();

  const figures: PeerFigures = {
    server: { name: 'vscode-markdown-languageserver', version: server.version, node: process.version },
    vault: { dir: root, markdownFiles: fileCount },
    initializeMs: 'skipped',
    coldWorkspaceSymbolMs: 'skipped',
    referencesFirstMs: 'skipped',
    referencesLater: 'skipped',
    definition: 'skipped',
    firstDiagnosticsMs: 'skipped',
    editToDiagnostics: 'skipped',
    editsReflected: '0/0',
    definitionsResolved: '0/0',
    peakRssBytes: 'unavailable',
    bytesClientToServer: 0,
    bytesServerToClient: 0,
    serverRequests: {},
    clientTokenizeMs: 0,
    totalMs: 0,
    notes,
  };

  const client = StdioLspClient.spawn({ command: opts.nodePath ?? process.execPath, args: [server.script, '--stdio'], cwd: root });
  const rss = client.pid !== undefined ? new RssMonitor(client.pid, opts.rssIntervalMs ?? 50).start() : undefined;
  const tokenizer = new VsCodeLikeTokenizer();
  serveVsCodeClientPart(client, root, tokenizer);

  const note = (step: string, t: Timed<unknown>) => {
    if (!t.ok) {
      const line = `${step}: ${t.reason} after ${formatMs(t.ms)}: ${t.message}`;
      notes.push(line);
      log(line);
    }
  };
  const openFromDisk = async (rel: string) => {
    const uri = uriOf(rel);
    if (!client.documents.has(uri)) await client.openDocument(uri, fs.readFileSync(path.join(root, ...rel.split('/')), 'utf8'));
    return uri;
  };

  try {
    // 1. Handshake, then the settings VS Code pushes (the server never asks for them).
    const rootUri = URI.file(root).toString();
    const init = await client.initialize(
      {
        processId: process.pid,
        clientInfo: { name: 'ospo-notes-bench' },
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
        capabilities: {
          workspace: {
            configuration: true,
            didChangeConfiguration: { dynamicRegistration: true },
            workspaceFolders: true,
            symbol: { dynamicRegistration: false },
            diagnostics: { refreshSupport: true },
            workspaceEdit: { documentChanges: true },
          },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: true },
            completion: { dynamicRegistration: true, completionItem: { snippetSupport: true } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            definition: { linkSupport: true },
            references: {},
            documentSymbol: { hierarchicalDocumentSymbolSupport: true },
            documentHighlight: { dynamicRegistration: true },
            diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
            publishDiagnostics: { relatedInformation: true },
          },
          window: { workDoneProgress: true },
        },
        initializationOptions: { markdownFileExtensions: ['md'] },
      },
      timeouts.initialize,
    );
    note('initialize', init);
    figures.initializeMs = figureOf(init);
    if (!init.ok) return figures;
    await client.notify('workspace/didChangeConfiguration', { settings: MARKDOWN_SETTINGS });
    log(`initialized in ${formatMs(init.ms)}; ${fileCount} markdown files`);

    // 2. Whole-vault index.
    const symbols = await client.request<unknown[] | null>('workspace/symbol', { query: '' }, timeouts.workspaceSymbol);
    note('workspace/symbol', symbols);
    figures.coldWorkspaceSymbolMs = figureOf(symbols);
    if (symbols.ok) figures.workspaceSymbols = symbols.value?.length ?? 0;
    log(`cold workspace/symbol: ${fmtFigure(figures.coldWorkspaceSymbolMs)} (${figures.workspaceSymbols ?? '?'} symbols)`);

    // 3. References on headings: the first call, then one per other note.
    const referenceCalls = opts.referenceCalls ?? 20;
    const headingSamples = spread(samples, referenceCalls + 1, (s) => s.kind === 'references' && s.on === 'heading');
    const laterRefs: number[] = [];
    let laterResults = 0;
    let refTimeouts = 0;
    for (const [i, s] of headingSamples.entries()) {
      if (refTimeouts >= 2) {
        notes.push('references: stopped after 2 timeouts');
        break;
      }
      const uri = await openFromDisk(s.file);
      const t = await client.request<unknown[] | null>(
        'textDocument/references',
        { textDocument: { uri }, position: { line: s.line, character: s.character }, context: { includeDeclaration: true } },
        timeouts.references,
      );
      note(`references #${i} (${s.file}:${s.line})`, t);
      if (!t.ok && t.reason === 'timeout') refTimeouts++;
      if (i === 0) {
        figures.referencesFirstMs = figureOf(t);
        if (t.ok) figures.referencesFirstResults = t.value?.length ?? 0;
      } else if (t.ok) {
        laterRefs.push(t.ms);
        laterResults += t.value?.length ?? 0;
      }
    }
    if (laterRefs.length > 0) figures.referencesLaterResults = laterResults;
    figures.referencesLater =
      summarize(laterRefs) ?? (refTimeouts > 0 ? 'timeout' : headingSamples.length > 1 ? 'error' : 'skipped');
    log(`references: first ${fmtFigure(figures.referencesFirstMs)}, later ${fmtSeries(figures.referencesLater)}`);

    // 4. Definition on markdown links with a fragment when there are some (what VS Code's server resolves).
    const definitionCalls = opts.definitionCalls ?? 10;
    let defSamples = spread(samples, definitionCalls, (s) => s.kind === 'definition' && s.on === 'mdlink-heading');
    if (defSamples.length === 0) defSamples = spread(samples, definitionCalls, (s) => s.kind === 'definition' && s.on === 'mdlink');
    const defTimes: number[] = [];
    let defTimeouts = 0;
    let resolved = 0;
    for (const s of defSamples) {
      if (defTimeouts >= 2) break;
      const uri = await openFromDisk(s.file);
      const t = await client.request<unknown[] | object | null>(
        'textDocument/definition',
        { textDocument: { uri }, position: { line: s.line, character: s.character } },
        timeouts.definition,
      );
      note(`definition (${s.file}:${s.line})`, t);
      if (t.ok) {
        defTimes.push(t.ms);
        if (Array.isArray(t.value) ? t.value.length > 0 : t.value) resolved++;
      } else if (t.reason === 'timeout') defTimeouts++;
    }
    figures.definitionsResolved = `${resolved}/${defSamples.length}`;
    figures.definition =
      summarize(defTimes) ?? (defTimeouts > 0 ? 'timeout' : defSamples.length > 0 ? 'error' : 'skipped');
    log(`definition: ${fmtSeries(figures.definition)}`);

    // 5. Edits: each inserts a link to a missing file, then pulls diagnostics, which must now include it.
    const editSamples = spread(samples, 1, (s) => s.kind === 'edit');
    const edit = editSamples[0];
    if (edit) {
      const uri = await openFromDisk(edit.file);
      const pull = () =>
        client.request<{ items?: unknown[] } | null>(
          'textDocument/diagnostic',
          { textDocument: { uri }, identifier: 'markdown' },
          timeouts.diagnostics,
        );
      const first = await pull();
      note('first diagnostics', first);
      figures.firstDiagnosticsMs = figureOf(first);
      const baseline = first.ok ? (first.value?.items?.length ?? 0) : undefined;
      const editCount = opts.edits ?? 10;
      const editTimes: number[] = [];
      let reflected = 0;
      let editTimeouts = 0;
      let character = edit.character;
      for (let i = 1; i <= editCount && editTimeouts < 2; i++) {
        const inserted = ` [edit ${i}](missing-edit-${i}.md)`;
        const start = performance.now();
        const at = { line: edit.line, character };
        await client.changeDocument(uri, { start: at, end: at }, inserted);
        character += inserted.length;
        const t = await pull();
        const ms = performance.now() - start;
        note(`diagnostics after edit ${i}`, t);
        if (t.ok) {
          editTimes.push(ms);
          if (baseline !== undefined && (t.value?.items?.length ?? 0) === baseline + i) reflected++;
        } else if (t.reason === 'timeout') editTimeouts++;
      }
      figures.editToDiagnostics = summarize(editTimes) ?? (editTimeouts > 0 ? 'timeout' : 'error');
      figures.editsReflected = `${reflected}/${editCount}`;
      log(`edit → diagnostics: ${fmtSeries(figures.editToDiagnostics)}, reflected ${figures.editsReflected}`);
    } else {
      notes.push('no edit position in the samples');
    }
  } catch (err) {
    // Anything unexpected (a file vanished, a protocol error) ends the run with the figures so far.
    const line = `aborted: ${err instanceof Error ? err.message : String(err)}`;
    notes.push(line);
    log(line);
  } finally {
    rss?.sample();
    rss?.stop();
    const peak = rss?.peakBytes;
    if (peak !== undefined) figures.peakRssBytes = peak;
    if (!client.isRunning) notes.push(`server exited early. stderr: ${client.stderrTail.slice(-1000)}`);
    await client.dispose(timeouts.shutdown);
    figures.bytesClientToServer = client.bytesSent;
    figures.bytesServerToClient = client.bytesReceived;
    figures.serverRequests = Object.fromEntries([...client.serverRequests.entries()].sort());
    figures.clientTokenizeMs = tokenizer.elapsedMs;
    figures.totalMs = performance.now() - started;
  }
  return figures;
}

function fmtFigure(f: Figure): string {
  return typeof f === 'number' ? formatMs(f) : f;
}

function fmtSeries(s: SeriesFigure): string {
  return typeof s === 'string' ? s : `p50 ${formatMs(s.p50)} / p95 ${formatMs(s.p95)} (n=${s.n}, max ${formatMs(s.max)})`;
}

/** Human-readable report, one figure per line. */
export function formatPeerFigures(f: PeerFigures): string {
  const lines = [
    `${f.server.name} ${f.server.version} on Node ${f.server.node}: ${f.vault.dir} (${f.vault.markdownFiles} markdown files)`,
    `  initialize                      ${fmtFigure(f.initializeMs)}`,
    `  cold workspace/symbol ""        ${fmtFigure(f.coldWorkspaceSymbolMs)}${f.workspaceSymbols !== undefined ? ` (${f.workspaceSymbols} symbols)` : ''}`,
    `  references on a heading, first  ${fmtFigure(f.referencesFirstMs)}${f.referencesFirstResults !== undefined ? ` (${f.referencesFirstResults} results)` : ''}`,
    `  references, later               ${fmtSeries(f.referencesLater)}${f.referencesLaterResults !== undefined ? ` (${f.referencesLaterResults} results in all)` : ''}`,
    `  definition on [x](file.md#frag) ${fmtSeries(f.definition)}, resolved ${f.definitionsResolved}`,
    `  first diagnostics pull          ${fmtFigure(f.firstDiagnosticsMs)}`,
    `  edit → diagnostics              ${fmtSeries(f.editToDiagnostics)}, reflected ${f.editsReflected}`,
    `  server peak RSS                 ${typeof f.peakRssBytes === 'number' ? formatBytes(f.peakRssBytes) : f.peakRssBytes}`,
    `  bytes client → server           ${formatBytes(f.bytesClientToServer)}`,
    `  bytes server → client           ${formatBytes(f.bytesServerToClient)}`,
    `  harness markdown-it time        ${formatMs(f.clientTokenizeMs)}`,
    `  server → client requests        ${Object.entries(f.serverRequests).map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}`,
    `  total                           ${formatMs(f.totalMs)}`,
  ];
  for (const n of f.notes) lines.push(`  ! ${n}`);
  return lines.join('\n');
}
