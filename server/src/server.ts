/**
 * The language server: adapts LSP to the editor-free engine. It holds no rules of link syntax or resolution;
 * it maps URIs to vault paths, keeps the indexes current as documents and files change, and publishes
 * diagnostics for every note of every vault (not only open ones), recomputed only for the notes an edit affects.
 *
 * `createServer(connection, vaultFs)` wires it to a connection; `main.ts` is the process entry
 * (`node server/out/main.js --stdio`, or `--node-ipc`, which the VS Code client uses), and tests can run it
 * in-process on a pair of streams.
 */
import { createHash } from 'crypto';
import {
  CodeActionKind,
  CompletionList,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  ErrorCodes,
  LSPErrorCodes,
  ProposedFeatures,
  FileChangeType,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type DidChangeWatchedFilesParams,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type Location,
  type TextDocumentChangeEvent,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { noteDiagnostics, type NoteDiagnostic, type Severity } from './core/diagnostics';
import { applyFileEvents, nodeVaultFs, parseBuffer, readAndParse, type FileEvent, type VaultFs } from './core/load';
import type { NoteModel } from './core/model';
import type { IndexChange } from './core/vault';
import { isNotePath } from './core/paths';
import { RequestCancelledError, type PathLocation } from './core/features/context';
import { ADD_BLOCK_ID_COMMAND, COMPLETION_TRIGGER_CHARACTERS, addBlockIdEdit, prepareCompletion, provideCompletion, type AddBlockIdArgs } from './core/features/completion';
import { provideDefinition } from './core/features/definition';
import { provideHover } from './core/features/hover';
import { provideReferences } from './core/features/references';
import { provideDocumentSymbols, provideWorkspaceSymbols } from './core/features/symbols';
import { provideDocumentLinks } from './core/features/documentLinks';
import { provideFoldingRanges } from './core/features/folding';
import { provideQuickFixes } from './core/features/codeActions';
import { Workspace, type Vault } from './workspace';

// The server's state lives in this module: one server per process at a time (createServer resets it).
let connection: Connection;
let documents: TextDocuments<TextDocument>;
let workspace: Workspace;
let vaultFs: VaultFs = nodeVaultFs;

/** The handler type a connection method takes, so that named handlers keep the connection's parameter types. */
type Handler<K extends keyof Connection> = Connection[K] extends (handler: infer H, ...rest: never[]) => unknown ? H : never;

/**
 * Builds the language server on a connection: every handler registered by name below, then listening.
 * `files` is how it reads the vault (the io layer's {@link VaultFs}).
 */
export function createServer(conn: Connection, files: VaultFs = nodeVaultFs): void {
  connection = conn;
  vaultFs = files;
  documents = new TextDocuments(TextDocument);
  workspace = new Workspace(documents, files);
  settings = DEFAULT_SETTINGS;
  clientCanConfigure = clientWatchesDynamically = clientHasFolders = initialized = false;
  publishQueue.clear();
  dirtyDocuments.clear();
  if (reindexTimer) clearTimeout(reindexTimer);
  reindexTimer = undefined;
  fileEventQueues.clear();
  vaultsBusy.clear();
  connection.onInitialize(onInitialize);
  connection.onInitialized(onInitialized);
  connection.onDidChangeConfiguration(onConfigurationChanged);
  documents.onDidChangeContent(onNoteEdited);
  documents.onDidClose(onNoteClosed);
  connection.onDidChangeWatchedFiles(onWatchedFilesChanged);
  connection.onCompletion(onCompletion);
  connection.onDefinition(onDefinition);
  connection.onHover(onHover);
  connection.onReferences(onReferences);
  connection.onDocumentSymbol(onDocumentSymbol);
  connection.onWorkspaceSymbol(onWorkspaceSymbol);
  connection.onDocumentLinks(onDocumentLinks);
  connection.onFoldingRanges(onFoldingRanges);
  connection.onCodeAction(onCodeAction);
  connection.onExecuteCommand(onExecuteCommand);
  connection.onRequest('ospo/status', onStatusRequest);
  connection.onRequest('ospo/checkVault', onCheckVaultRequest);
  connection.onRequest('ospo/files', onFilesRequest);
  documents.listen(connection);
  connection.listen();
}

/** Settings under `ospoNotes.*` (see package.json `contributes.configuration`). */
interface Settings {
  unresolvedLinkSeverity: Severity | 'off';
  ignoredFolders: string[];
}

const DEFAULT_SETTINGS: Settings = { unresolvedLinkSeverity: 'warning', ignoredFolders: [] };
let settings: Settings = DEFAULT_SETTINGS;
let clientCanConfigure = false;
let clientWatchesDynamically = false;
let clientHasFolders = false;

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle

const onInitialize: Handler<'onInitialize'> = (params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  clientCanConfigure = caps.workspace?.configuration === true;
  clientWatchesDynamically = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  clientHasFolders = caps.workspace?.workspaceFolders === true;
  const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
  for (const f of folders) workspace.addFolder(f.uri, f.name);
  const initial = params.initializationOptions as Partial<Settings> | undefined;
  if (initial) settings = normalizeSettings(initial);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
      completionProvider: { triggerCharacters: [...COMPLETION_TRIGGER_CHARACTERS], resolveProvider: false },
      definitionProvider: true,
      hoverProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      documentLinkProvider: { resolveProvider: false },
      foldingRangeProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      executeCommandProvider: { commands: [ADD_BLOCK_ID_COMMAND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'ospo-notes', version: '0.1.0' },
  };
};

let initialized = false;

const onInitialized: Handler<'onInitialized'> = async () => {
  // A client that says `initialized` twice must not get every vault indexed twice.
  if (initialized) return;
  initialized = true;
  if (clientCanConfigure) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'ospoNotes' });
    settings = await fetchSettings();
  }
  if (clientWatchesDynamically) {
    // `**/*`: attachments count too (an image appearing fixes an embed).
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  }
  if (clientHasFolders) {
    connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
      for (const f of e.removed) {
        const v = workspace.removeFolder(f.uri);
        if (v) for (const p of v.published.keys()) void connection.sendDiagnostics({ uri: workspace.uriOf(v, p), diagnostics: [] });
      }
      for (const f of e.added) await indexVault(workspace.addFolder(f.uri, f.name));
    });
  }
  await Promise.all(workspace.vaults.map((v) => indexVault(v)));
};

async function indexVault(vault: Vault): Promise<void> {
  let progress: WorkDoneProgressServerReporter | undefined;
  try {
    progress = await connection.window.createWorkDoneProgress();
    progress.begin(`Indexing ${vault.name}`, 0, 'scanning…', false);
  } catch {
    progress = undefined;
  }
  const started = Date.now();
  vaultsBusy.add(vault);
  try {
    await workspace.index(vault, settings.ignoredFolders, (done, total) => progress?.report(Math.round((done / Math.max(total, 1)) * 100), `${done}/${total} notes`));
  } catch (e) {
    connection.console.error(`Indexing ${vault.root} failed: ${(e as Error).stack ?? e}`);
  } finally {
    vaultsBusy.delete(vault);
  }
  // Files created, changed or deleted while the vault was read.
  await applyQueuedFileEvents(vault);
  progress?.done();
  for (const w of vault.warnings) connection.console.warn(`${vault.name}: ${w.path}: ${w.message}`);
  connection.console.log(`Indexed ${vault.name}: ${vault.index.noteCount} notes, ${vault.index.files.size} files in ${Date.now() - started} ms.`);
  await publishAll(vault);
  // Build the completion names and the workspace symbol list now, so that the user's first `[[` or symbol
  // search does not pay for them.
  prepareCompletion(vault.index);
  provideWorkspaceSymbols(vault.index, '', 1);
  void connection.sendNotification('ospo/indexed', statusOf());
}

// ---------------------------------------------------------------------------------------------------------------
// Settings

function normalizeSettings(raw: Partial<Settings> | null | undefined): Settings {
  const s = raw ?? {};
  const sev = s.unresolvedLinkSeverity;
  const ok = sev === 'error' || sev === 'warning' || sev === 'information' || sev === 'hint' || sev === 'off';
  return {
    unresolvedLinkSeverity: ok ? sev : DEFAULT_SETTINGS.unresolvedLinkSeverity,
    ignoredFolders: Array.isArray(s.ignoredFolders) ? s.ignoredFolders.filter((x): x is string => typeof x === 'string') : [],
  };
}

async function fetchSettings(): Promise<Settings> {
  try {
    const raw = (await connection.workspace.getConfiguration('ospoNotes')) as Partial<Settings> | null;
    return normalizeSettings(raw);
  } catch {
    return settings;
  }
}

const onConfigurationChanged: Handler<'onDidChangeConfiguration'> = async (change) => {
  const before = JSON.stringify(settings);
  settings = clientCanConfigure ? await fetchSettings() : normalizeSettings((change.settings as { ospoNotes?: Partial<Settings> } | undefined)?.ospoNotes);
  if (JSON.stringify(settings) === before) return;
  for (const v of workspace.vaults) {
    if (v.ready) await publishAll(v);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Diagnostics

const SEVERITY: Record<Severity, 1 | 2 | 3 | 4> = { error: 1, warning: 2, information: 3, hint: 4 };

function toLspDiagnostic(vault: Vault, d: NoteDiagnostic): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'ospo-notes',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri: workspace.uriOf(vault, r.path), range: r.range }, message: r.message })),
    data: d.data,
  };
}

/**
 * Sends a note's problems unless the client already has exactly these (typing in a paragraph re-resolves the
 * note, but its problems rarely change: re-sending 10,000 identical diagnostics is most of a keystroke's cost).
 */
function publishNote(vault: Vault, p: string): void {
  const diags = vault.index.note(p) ? noteDiagnostics(vault.index, p, { unresolvedLinkSeverity: settings.unresolvedLinkSeverity }) : [];
  if (diags.length === 0 && !vault.published.has(p)) return;
  const lsp = diags.map((d) => toLspDiagnostic(vault, d));
  const digest = diags.length === 0 ? '' : createHash('sha1').update(JSON.stringify(lsp)).digest('base64');
  if (vault.published.get(p) === digest) return;
  if (diags.length === 0) vault.published.delete(p);
  else vault.published.set(p, digest);
  void connection.sendDiagnostics({ uri: workspace.uriOf(vault, p), diagnostics: lsp });
}

/** Publishes every note's problems, yielding to the event loop between slices so requests stay responsive. */
async function publishAll(vault: Vault): Promise<void> {
  const paths = new Set<string>([...vault.index.notePaths(), ...vault.published.keys()]);
  await inSlices([...paths], (p) => publishNote(vault, p));
}

/**
 * Notes waiting to have their problems re-published, per vault, in the order they were queued (the edited note
 * first). Queued paths coalesce: a note affected by ten edits in a row is published once, after them.
 */
const publishQueue = new Map<Vault, Set<string>>();
let publishing = false;

function queuePublish(vault: Vault, paths: Iterable<string>): void {
  let queued = publishQueue.get(vault);
  if (!queued) publishQueue.set(vault, (queued = new Set()));
  for (const p of paths) queued.add(p);
  if (!publishing) {
    publishing = true;
    setImmediate(() => void drainPublishQueue());
  }
}

/** Publishes the queue in time slices, so requests are answered in between. */
async function drainPublishQueue(): Promise<void> {
  let sliceStart = Date.now();
  try {
    for (;;) {
      const next = publishQueue.entries().next();
      if (next.done) break;
      const [vault, queued] = next.value;
      const p = queued.values().next().value as string;
      queued.delete(p);
      if (queued.size === 0) publishQueue.delete(vault);
      if (workspace.vaults.includes(vault)) publishNote(vault, p);
      if (Date.now() - sliceStart > 10) {
        await new Promise((r) => setImmediate(r));
        sliceStart = Date.now();
      }
    }
  } finally {
    publishing = false;
  }
}

/** Runs `work` over items in slices of at most ~10 ms, yielding in between. */
async function inSlices<T>(items: T[], work: (item: T) => void): Promise<void> {
  let i = 0;
  while (i < items.length) {
    const until = Date.now() + 10;
    while (i < items.length && Date.now() < until) work(items[i++]);
    if (i < items.length) await new Promise((r) => setImmediate(r));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Documents and files

// An edit only marks its note dirty. Dirty notes are re-parsed once typing pauses for EDIT_QUIET_MS (and at
// least every EDIT_MAX_DELAY_MS while it goes on), or at once when a request about that very note needs its
// model. So only a document's latest text is ever parsed, and a request about another note is answered from the
// last models instead of waiting behind a backlog of re-parses.
const EDIT_QUIET_MS = 150;
const EDIT_MAX_DELAY_MS = 1000;
/** Open documents with edits not yet in the index: URI → when the first such edit arrived. */
const dirtyDocuments = new Map<string, number>();
let reindexTimer: NodeJS.Timeout | undefined;

function onNoteEdited(e: TextDocumentChangeEvent<TextDocument>): void {
  if (!dirtyDocuments.has(e.document.uri)) dirtyDocuments.set(e.document.uri, Date.now());
  if (reindexTimer) clearTimeout(reindexTimer);
  let oldest = Infinity;
  for (const since of dirtyDocuments.values()) oldest = Math.min(oldest, since);
  reindexTimer = setTimeout(() => void reindexDirtyDocuments(), Math.max(0, Math.min(EDIT_QUIET_MS, oldest + EDIT_MAX_DELAY_MS - Date.now())));
}

/** The timer's re-parse: each note's parse and its re-indexing run in separate turns, so requests fit between. */
async function reindexDirtyDocuments(): Promise<void> {
  reindexTimer = undefined;
  for (const uri of [...dirtyDocuments.keys()]) {
    const doc = documents.get(uri);
    const loc = workspace.locate(uri);
    if (!doc || !loc || !isNotePath(loc.path) || !loc.vault.ready) {
      dirtyDocuments.delete(uri);
      continue;
    }
    const version = doc.version;
    const model = parseBuffer(loc.path, doc.getText());
    await new Promise((r) => setImmediate(r));
    // Typed on meanwhile (a newer text waits for the next timer), or a request has indexed it already.
    if (documents.get(uri)?.version !== version || !dirtyDocuments.has(uri)) continue;
    dirtyDocuments.delete(uri);
    noteReindexed(loc.vault, model, version);
  }
}

/** Brings an open note's model up to its buffer if it was edited since it was last parsed. */
function reindexIfDirty(uri: string): void {
  if (!dirtyDocuments.delete(uri)) return;
  const doc = documents.get(uri);
  const loc = workspace.locate(uri);
  if (!doc || !loc || !isNotePath(loc.path) || !loc.vault.ready) return;
  noteReindexed(loc.vault, parseBuffer(loc.path, doc.getText()), doc.version);
}

function noteReindexed(vault: Vault, model: NoteModel, version: number): void {
  onIndexChanged(vault, vault.index.upsertNote(model, version));
}

/**
 * What a change record of the index sets off: the problems of the notes it names re-published (a removed
 * note's cleared), the client's file mirror told of files that came and went, the status refreshed.
 */
function onIndexChanged(vault: Vault, change: IndexChange): void {
  queuePublish(vault, change.resolutions);
  queuePublish(vault, change.removed);
  if (change.added.size > 0 || change.removed.size > 0) {
    void connection.sendNotification('ospo/filesChanged', { uri: vault.uri, added: [...change.added], removed: [...change.removed] });
  }
  if (change.resolutions.size > 0 || change.added.size > 0 || change.removed.size > 0) void connection.sendNotification('ospo/indexChanged', statusOf());
}

async function onNoteClosed(e: TextDocumentChangeEvent<TextDocument>): Promise<void> {
  dirtyDocuments.delete(e.document.uri);
  // Unsaved changes were discarded: the file on disk is the truth again.
  const loc = workspace.locate(e.document.uri);
  if (!loc || !isNotePath(loc.path) || !loc.vault.ready) return;
  const model = await readAndParse(loc.vault.root, loc.path, undefined, vaultFs);
  onIndexChanged(loc.vault, model ? loc.vault.index.upsertNote(model) : loc.vault.index.removeFile(loc.path));
}

// File events are queued per vault and applied one batch at a time by `applyFileEvents`, which reads what each
// path is now. While a vault (re-)loads they wait in the queue and are applied to the fresh index after the
// load, so that a file deleted or created meanwhile is neither kept nor missed.
const fileEventQueues = new Map<Vault, FileEvent[]>();
/** Vaults whose index is being (re)built, or whose queue is being applied: nothing else applies to them. */
const vaultsBusy = new Set<Vault>();

function onWatchedFilesChanged(params: DidChangeWatchedFilesParams): void {
  const touched = new Set<Vault>();
  for (const change of params.changes) {
    const loc = workspace.locate(change.uri);
    if (!loc) continue;
    const kind = change.type === FileChangeType.Deleted ? 'deleted' : change.type === FileChangeType.Created ? 'created' : 'changed';
    let queue = fileEventQueues.get(loc.vault);
    if (!queue) fileEventQueues.set(loc.vault, (queue = []));
    queue.push({ path: loc.path, kind });
    touched.add(loc.vault);
  }
  for (const vault of touched) void applyQueuedFileEvents(vault);
}

async function applyQueuedFileEvents(vault: Vault): Promise<void> {
  if (!vault.ready || vaultsBusy.has(vault)) return;
  vaultsBusy.add(vault);
  try {
    for (let queue = fileEventQueues.get(vault); queue && queue.length > 0; queue = fileEventQueues.get(vault)) {
      const events = queue.splice(0);
      const change = await applyFileEvents(vault.index, vault.root, events, { isOpen: (p) => workspace.documentOf(vault, p) !== undefined, fs: vaultFs });
      if (workspace.vaults.includes(vault)) onIndexChanged(vault, change);
    }
  } catch (e) {
    connection.console.error(`Applying file events in ${vault.root} failed: ${(e as Error).stack ?? e}`);
  } finally {
    vaultsBusy.delete(vault);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Requests. Each handler runs the engine inside `guard`: an exception answers this request with an error and
// the server lives on.

function guard<T>(name: string, token: CancellationToken | undefined, work: () => T): T | ResponseError<void> {
  if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  try {
    return work();
  } catch (e) {
    if (e instanceof RequestCancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    connection.console.error(`${name} failed: ${(e as Error).stack ?? e}`);
    return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${(e as Error).message ?? e}`);
  }
}

/** The vault and path of a request's document, its model brought up to the buffer first (the user's view). */
function located(uri: string): { vault: Vault; path: string } | undefined {
  reindexIfDirty(uri);
  const loc = workspace.locate(uri);
  return loc && loc.vault.ready ? loc : undefined;
}

function toLocation(vault: Vault, l: PathLocation): Location {
  return { uri: workspace.uriOf(vault, l.path), range: l.range };
}

const onCompletion: Handler<'onCompletion'> = (params, token) =>
  guard('completion', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return CompletionList.create([], false);
    const list = provideCompletion({ ...loc.vault.ctx, cancellation: token }, loc.path, params.position);
    // The command's path is vault-relative: say which vault, for workspaces with several.
    for (const item of list.items) {
      if (item.command?.command === ADD_BLOCK_ID_COMMAND && item.command.arguments?.[0]) item.command.arguments[0] = { ...item.command.arguments[0], vaultUri: loc.vault.uri };
    }
    return list;
  });

const onDefinition: Handler<'onDefinition'> = (params, token) =>
  guard('definition', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return [];
    return provideDefinition(loc.vault.ctx, loc.path, params.position).map((l) => toLocation(loc.vault, l));
  });

const onHover: Handler<'onHover'> = (params, token) =>
  guard('hover', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return null;
    return provideHover(loc.vault.ctx, loc.path, params.position, { toUri: (p) => workspace.uriOf(loc.vault, p) }) ?? null;
  });

const onReferences: Handler<'onReferences'> = (params, token) =>
  guard('references', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return [];
    return provideReferences({ ...loc.vault.ctx, cancellation: token }, loc.path, params.position, params.context.includeDeclaration).map((l) => toLocation(loc.vault, l));
  });

const onDocumentSymbol: Handler<'onDocumentSymbol'> = (params, token) =>
  guard('documentSymbol', token, () => {
    const loc = located(params.textDocument.uri);
    const note = loc?.vault.index.note(loc.path);
    return note ? provideDocumentSymbols(note) : [];
  });

const onWorkspaceSymbol: Handler<'onWorkspaceSymbol'> = (params, token) =>
  guard('workspaceSymbol', token, () =>
    workspace.vaults.flatMap((v) =>
      v.ready
        ? provideWorkspaceSymbols(v.index, params.query, 500, token).map((s) => ({
            name: s.name,
            kind: s.kind,
            containerName: s.containerName,
            location: toLocation(v, s.location),
          }))
        : [],
    ),
  );

const onDocumentLinks: Handler<'onDocumentLinks'> = (params, token) =>
  guard('documentLinks', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return [];
    return provideDocumentLinks(loc.vault.ctx, loc.path, (p) => workspace.uriOf(loc.vault, p));
  });

const onFoldingRanges: Handler<'onFoldingRanges'> = (params, token) =>
  guard('foldingRanges', token, () => {
    const loc = located(params.textDocument.uri);
    const note = loc?.vault.index.note(loc.path);
    const text = loc ? workspace.textOf(loc.vault, loc.path) : undefined;
    return note && text !== undefined ? provideFoldingRanges(note, text) : [];
  });

const onCodeAction: Handler<'onCodeAction'> = (params, token) =>
  guard('codeAction', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return [];
    const diagnostics = params.context.diagnostics.filter((d) => d.source === 'ospo-notes');
    const uri = params.textDocument.uri;
    return provideQuickFixes(loc.vault.ctx, loc.path, diagnostics as Parameters<typeof provideQuickFixes>[2]).map((f) => ({
      title: f.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostics[f.diagnostic]],
      isPreferred: f.isPreferred,
      edit: { changes: { [uri]: f.edits } },
    }));
  });

const onExecuteCommand: Handler<'onExecuteCommand'> = async (params) => {
  if (params.command !== ADD_BLOCK_ID_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
  const args = (params.arguments?.[0] ?? {}) as AddBlockIdArgs & { vaultUri?: string };
  const vault = workspace.vaults.find((v) => v.uri === args.vaultUri) ?? (workspace.vaults.length === 1 ? workspace.vaults[0] : undefined);
  if (!vault || typeof args.path !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${ADD_BLOCK_ID_COMMAND} needs { vaultUri, path, line, id }`);
  const text = workspace.textOf(vault, args.path);
  if (text === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `cannot read ${args.path}`);
  // Refused (undefined) when the line changed since the completion was offered or the id is taken: never write
  // into text the user did not see.
  const edit = addBlockIdEdit(text, args);
  if (!edit) return { applied: false };
  const doc = workspace.documentOf(vault, args.path);
  const result = await connection.workspace.applyEdit({
    label: 'Add block id',
    edit: doc
      ? { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: [edit] }] }
      : { changes: { [workspace.uriOf(vault, args.path)]: [edit] } },
  });
  return { applied: result.applied, id: args.id };
};

// ---------------------------------------------------------------------------------------------------------------
// Custom requests for the client: status bar, "Check vault", and the file list the preview resolves against.

function statusOf(): { vaults: Array<{ uri: string; name: string; ready: boolean; notes: number; files: number; problems: number }> } {
  return {
    vaults: workspace.vaults.map((v) => ({ uri: v.uri, name: v.name, ready: v.ready, notes: v.index.noteCount, files: v.index.files.size, problems: v.published.size })),
  };
}

const onStatusRequest = () => statusOf();

const onCheckVaultRequest = async () => {
  const result: Array<{ uri: string; errors: number; warnings: number; information: number; hints: number; notesWithProblems: number }> = [];
  for (const v of workspace.vaults) {
    if (!v.ready) continue;
    const counts = { error: 0, warning: 0, information: 0, hint: 0 };
    let notesWithProblems = 0;
    await inSlices([...v.index.notePaths()], (p) => {
      const diags = noteDiagnostics(v.index, p, { unresolvedLinkSeverity: settings.unresolvedLinkSeverity });
      if (diags.length) notesWithProblems++;
      for (const d of diags) counts[d.severity]++;
      publishNote(v, p);
    });
    result.push({ uri: v.uri, errors: counts.error, warnings: counts.warning, information: counts.information, hints: counts.hint, notesWithProblems });
  }
  return result;
};

const onFilesRequest = () =>
  workspace.vaults.map((v) => ({ uri: v.uri, root: v.root, ready: v.ready, files: v.ready ? [...v.index.files.paths()] : [] }));

// Started directly (`node server/out/server.js --stdio`, the entry before main.ts existed), it serves as main.ts does.
if (require.main === module) createServer(createConnection(ProposedFeatures.all), nodeVaultFs);
