/**
 * A real LSP client for protocol tests: spawns `node server/out/main.js --stdio` and speaks JSON-RPC to it
 * over its stdin/stdout, records what the server pushes (diagnostics, progress, custom notifications) and
 * answers the server's requests (configuration, registrations, applyEdit) the way an editor would.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type MessageConnection,
  type ApplyWorkspaceEditParams,
  WorkDoneProgress,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { tempDir } from '../support/tempDirs';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const SERVER = path.join(REPO, 'server', 'out', 'main.js');

export function copyFixture(name: string): string {
  const src = path.join(REPO, 'test', 'fixtures', name);
  const dest = tempDir(`ospo-${name.replace(/\W/g, '-')}-`);
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}

/** A fresh copy of the bundled sample vault (`examples/ospo-vault`) in a temp folder: tests edit it freely. */
export function copySampleVault(label: string): string {
  const dest = tempDir(`ospo-${label}-`);
  fs.cpSync(path.join(REPO, 'examples', 'ospo-vault'), dest, { recursive: true });
  return dest;
}

/** Where spawned servers keep their model caches by default during a test run (never the user's cache folder). */
export const TEST_CACHE_HOME = tempDir('ospo-test-cache-');

export class LspTestClient {
  readonly connection: MessageConnection;
  readonly process: ChildProcess;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  settings: Record<string, unknown> = {};
  /** What `initialize` sends as `initializationOptions` (none by default). */
  initializationOptions: unknown;
  /** The editor's `files.exclude` setting. */
  filesExclude: Record<string, boolean> = {};
  stderr = '';
  /** What the server answered to `initialize` (its capabilities). */
  initializeResult: { capabilities: Record<string, unknown> } | undefined;
  private waiters: Array<() => void> = [];
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();

  constructor(readonly root: string) {
    // The server's default model cache folder is the user's: tests keep theirs in a temp folder of the run.
    this.process = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: TEST_CACHE_HOME } });
    this.process.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification((method: string, params: unknown) => this.recordNotification(method, params));
    this.connection.onRequest((method: string, params: unknown) => {
      switch (method) {
        case 'workspace/configuration':
          return ((params as { items: Array<{ section?: string }> }).items ?? []).map((i) => (i.section === 'ospoNotes' ? this.settings : i.section === 'files.exclude' ? this.filesExclude : null));
        case 'window/workDoneProgress/create': {
          // `$/progress` is routed by token, not to the catch-all handler: listen on the token the server made.
          const token = (params as { token: string | number }).token;
          this.connection.onProgress(WorkDoneProgress.type, token, (value) => this.recordNotification('$/progress', { token, value }));
          return null;
        }
        case 'workspace/applyEdit':
          this.appliedEdits.push(params as ApplyWorkspaceEditParams);
          return { applied: true };
        default:
          return null;
      }
    });
    this.connection.listen();
  }

  private recordNotification(method: string, params: unknown): void {
    if (method === 'textDocument/publishDiagnostics') {
      const p = params as { uri: string; diagnostics: Diagnostic[] };
      this.diagnostics.set(p.uri, p.diagnostics);
    }
    this.notifications.push({ method, params });
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  uri(rel: string): string {
    return URI.file(path.join(this.root, ...rel.split('/'))).toString();
  }

  async start(): Promise<void> {
    this.initializeResult = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: URI.file(this.root).toString(),
      workspaceFolders: [{ uri: URI.file(this.root).toString(), name: 'vault' }],
      initializationOptions: this.initializationOptions,
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true, applyEdit: true },
        window: { workDoneProgress: true },
        textDocument: { completion: { completionItem: { snippetSupport: true } } },
      },
    });
    await this.connection.sendNotification('initialized', {});
    await this.waitFor(() => this.notifications.some((n) => n.method === 'ospo/indexed'), 'index');
  }

  /** Resolves when `check` holds, re-checking after every notification from the server. */
  waitFor(check: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; server stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      const again = (): void => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.waiters.push(again);
        }
      };
      this.waiters.push(again);
    });
  }

  diagnosticsOf(rel: string): Diagnostic[] {
    return this.diagnostics.get(this.uri(rel)) ?? [];
  }

  async open(rel: string): Promise<string> {
    const uri = this.uri(rel);
    const text = fs.readFileSync(path.join(this.root, ...rel.split('/')), 'utf8');
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    return text;
  }

  /** Replaces the whole text of an open document. */
  async change(rel: string, text: string): Promise<void> {
    const uri = this.uri(rel);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  text(rel: string): string {
    return this.texts.get(this.uri(rel)) ?? '';
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    this.connection.dispose();
    this.process.kill();
  }
}

/** Position of the `nth` occurrence of `needle` in `text` (0-based), plus `offset` characters. */
export function positionOf(text: string, needle: string, offset = 0, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' not found`);
  }
  const before = text.slice(0, at + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}
