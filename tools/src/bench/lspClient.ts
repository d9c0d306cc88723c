/**
 * A minimal language-server client over stdio, for benchmarks: spawns the server, counts the bytes in both
 * directions, times each request with a deadline, keeps the text of the documents it opened, and answers the
 * server's own requests (with registered handlers or a harmless default) so that no server ever waits on us.
 *
 * It is used for VS Code's markdown server (see peerServer.ts) and for our own server, so that both are
 * measured by the same code.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { Transform, type TransformCallback } from 'node:stream';
import {
  CancellationTokenSource,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { timed, type Timed } from './stats';

/** Counts the bytes that flow through it (stdin or stdout of the server). */
class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

export interface LspSpawnOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How many characters of the server's stderr to keep for error reports (default 8,000). */
  stderrTailChars?: number;
}

export type ServerRequestHandler = (params: unknown) => unknown;

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** An open document as the client believes the server sees it. */
export interface OpenDocument {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

/**
 * Answers to the standard server-to-client requests that a headless client can safely give: accept
 * registrations and progress tokens, refuse edits and UI. Servers block or log errors when these go unanswered.
 */
const DEFAULT_SERVER_REQUESTS: Record<string, ServerRequestHandler> = {
  'client/registerCapability': () => null,
  'client/unregisterCapability': () => null,
  'window/workDoneProgress/create': () => null,
  'window/showMessageRequest': () => null,
  'window/showDocument': () => ({ success: false }),
  'workspace/applyEdit': () => ({ applied: false, failureReason: 'benchmark client applies no edits' }),
  'workspace/diagnostic/refresh': () => null,
  'workspace/semanticTokens/refresh': () => null,
  'workspace/inlayHint/refresh': () => null,
  'workspace/inlineValue/refresh': () => null,
  'workspace/codeLens/refresh': () => null,
  'workspace/foldingRange/refresh': () => null,
  // One `null` per requested item means "no setting": servers then use their defaults.
  'workspace/configuration': (params) => {
    const items = (params as { items?: unknown[] } | undefined)?.items;
    return Array.isArray(items) ? items.map(() => null) : [];
  },
};

export class StdioLspClient {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcess;
  /** Server-to-client requests received, by method (also those answered by the default handler). */
  readonly serverRequests = new Map<string, number>();
  /** Notifications received from the server, by method. */
  readonly serverNotifications = new Map<string, number>();
  readonly documents = new Map<string, OpenDocument>();
  /** Resolves with the exit code (or signal name) once the server process has ended. */
  readonly exited: Promise<number | string | null>;

  private readonly toServer = new ByteCounter();
  private readonly fromServer = new ByteCounter();
  private readonly handlers = new Map<string, ServerRequestHandler>();
  private readonly notificationListeners = new Map<string, Array<(params: unknown) => void>>();
  private stderr = '';
  private hasExited = false;
  private exitInfo: number | string | null = null;
  private readonly stderrTailChars: number;

  private constructor(options: LspSpawnOptions) {
    this.stderrTailChars = options.stderrTailChars ?? 8000;
    this.process = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const child = this.process;
    if (!child.stdin || !child.stdout || !child.stderr) throw new Error('language server spawned without stdio pipes');
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.hasExited = true;
        this.exitInfo = code ?? signal;
        resolve(this.exitInfo);
      });
      // A command that cannot be started emits 'error' without 'exit'.
      child.once('error', (err) => {
        this.hasExited = true;
        this.stderr += `\n[spawn error] ${err.message}`;
        resolve(null);
      });
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-this.stderrTailChars);
    });
    // Writing to a dead server must surface as a failed request, not as an uncaught EPIPE.
    child.stdin.on('error', () => undefined);
    this.toServer.pipe(child.stdin);
    child.stdout.pipe(this.fromServer);

    this.connection = createProtocolConnection(new StreamMessageReader(this.fromServer), new StreamMessageWriter(this.toServer));
    // The protocol connection is a JSON-RPC message connection; only the latter's typing exposes the catch-all
    // handlers, which let us answer (and count) requests this client never heard of instead of erroring.
    const messages = this.connection as unknown as MessageConnection;
    messages.onRequest((method: string, params: unknown) => this.answer(method, params));
    messages.onNotification((method: string, params: unknown) => {
      this.serverNotifications.set(method, (this.serverNotifications.get(method) ?? 0) + 1);
      for (const listener of this.notificationListeners.get(method) ?? []) listener(params);
    });
    this.connection.onError(() => undefined);
    this.connection.listen();
  }

  /** Starts a language server process that speaks LSP on its stdin/stdout. */
  static spawn(options: LspSpawnOptions): StdioLspClient {
    return new StdioLspClient(options);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Bytes written to the server's stdin so far (headers included). */
  get bytesSent(): number {
    return this.toServer.bytes;
  }

  /** Bytes read from the server's stdout so far (headers included). */
  get bytesReceived(): number {
    return this.fromServer.bytes;
  }

  get isRunning(): boolean {
    return !this.hasExited;
  }

  /** The last few KB of the server's stderr, for error reports. */
  get stderrTail(): string {
    return this.stderr;
  }

  /** Answers the server's `method` requests with `handler` (may return a promise). */
  onServerRequest(method: string, handler: ServerRequestHandler): void {
    this.handlers.set(method, handler);
  }

  onServerNotification(method: string, listener: (params: unknown) => void): void {
    const list = this.notificationListeners.get(method) ?? [];
    list.push(listener);
    this.notificationListeners.set(method, list);
  }

  private answer(method: string, params: unknown): unknown {
    this.serverRequests.set(method, (this.serverRequests.get(method) ?? 0) + 1);
    const handler = this.handlers.get(method) ?? DEFAULT_SERVER_REQUESTS[method];
    return handler ? handler(params) : null;
  }

  /**
   * Sends a request and measures the time to its response. On timeout the request is cancelled
   * (`$/cancelRequest`) and the result says 'timeout'; if the server dies meanwhile, the result is an error
   * instead of a wait for the deadline.
   */
  async request<R>(method: string, params: unknown, timeoutMs: number): Promise<Timed<R>> {
    if (this.hasExited) {
      return { ok: false, ms: 0, reason: 'error', message: `server has exited (${String(this.exitInfo)})` };
    }
    const cancel = new CancellationTokenSource();
    const died = this.exited.then((info) => {
      throw new Error(`server exited (${String(info)}) during ${method}`);
    });
    // Keep the losing branch of the race from reporting an unhandled rejection later.
    died.catch(() => undefined);
    const result = await timed<R>(
      () => Promise.race([this.connection.sendRequest<R>(method, params, cancel.token), died]),
      timeoutMs,
      () => cancel.cancel(),
    );
    cancel.dispose();
    return result;
  }

  async notify(method: string, params: unknown): Promise<void> {
    if (this.hasExited) return;
    await this.connection.sendNotification(method, params);
  }

  /** `initialize` followed by `initialized`. */
  async initialize<R = unknown>(params: unknown, timeoutMs: number): Promise<Timed<R>> {
    const result = await this.request<R>('initialize', params, timeoutMs);
    if (result.ok) await this.notify('initialized', {});
    return result;
  }

  async openDocument(uri: string, text: string, languageId = 'markdown'): Promise<OpenDocument> {
    const doc: OpenDocument = { uri, languageId, version: 1, text };
    this.documents.set(uri, doc);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: doc.version, text } });
    return doc;
  }

  /** Sends one incremental change and applies it to the client's copy of the document. */
  async changeDocument(uri: string, range: LspRange, newText: string): Promise<OpenDocument> {
    const doc = this.documents.get(uri);
    if (!doc) throw new Error(`document not open: ${uri}`);
    doc.text = applyEdit(doc.text, range, newText);
    doc.version++;
    await this.notify('textDocument/didChange', {
      textDocument: { uri, version: doc.version },
      contentChanges: [{ range, text: newText }],
    });
    return doc;
  }

  async closeDocument(uri: string): Promise<void> {
    if (!this.documents.delete(uri)) return;
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /**
   * Polite shutdown (`shutdown` + `exit`) bounded by `timeoutMs`, then SIGKILL if the process still runs.
   * Safe to call more than once and on a server that already died.
   */
  async dispose(timeoutMs = 5000): Promise<void> {
    if (!this.hasExited) {
      const answered = await this.request('shutdown', null, timeoutMs);
      if (answered.ok) await this.notify('exit', null).catch(() => undefined);
      const ended = await timed(() => this.exited, answered.ok ? timeoutMs : 0);
      if (!ended.ok && !this.hasExited) this.process.kill('SIGKILL');
      await timed(() => this.exited, timeoutMs);
    }
    this.connection.dispose();
    this.toServer.destroy();
  }
}

/** Offset in `text` of an LSP position (UTF-16 units; a character past the line end clamps to it). */
export function offsetAt(text: string, position: LspPosition): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  if (lineEnd > offset && text[lineEnd - 1] === '\r') lineEnd--;
  return Math.min(offset + position.character, lineEnd);
}

export function applyEdit(text: string, range: LspRange, newText: string): string {
  return text.slice(0, offsetAt(text, range.start)) + newText + text.slice(offsetAt(text, range.end));
}
