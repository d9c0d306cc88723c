/**
 * The language server: adapts LSP to the editor-free engine. It holds no rules of link syntax or resolution;
 * it maps URIs to vault paths, keeps the indexes current as documents and files change, and publishes
 * diagnostics for every note of every vault (not only open ones), recomputed only for the notes an edit affects.
 * A workspace folder that is not a vault (core/vaultRule.ts) is served quietly: problems for open notes only.
 *
 * `createServer(connection, vaultFs)` wires it to a connection; `main.ts` is the process entry
 * (`node server/out/main.js --stdio`, or `--node-ipc`, which the VS Code client uses), and tests can run it
 * in-process on a pair of streams.
 */
import { createHash } from 'crypto';
import * as os from 'os';
import * as path from 'path';
import {
  CodeActionKind,
  CompletionList,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ShowMessageNotification,
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
  type Range,
  type RenameFilesParams,
  type RenameParams,
  type TextDocumentChangeEvent,
  type WorkspaceEdit,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ADD_BLOCK_ID_COMMAND,
  type AddBlockIdArgs,
  addBlockIdEdit,
  applyFileEvents,
  applyMembership,
  defaultCacheFolder,
  ModelCache,
  COMPLETION_TRIGGER_CHARACTERS,
  confineToVault,
  decideVault,
  effectiveVaultSettings,
  type EditTarget,
  type FileEvent,
  FileLookup,
  forEachInSlices,
  FRONTMATTER_SCHEMA_PATH,
  IGNORE_FILE_NAME,
  type IndexChange,
  isNotePath,
  isObsidianConfigPath,
  loadFrontmatterSchema,
  localGraph,
  MAX_GRAPH_DEPTH,
  MIN_GRAPH_DEPTH,
  vaultGraph,
  type VaultGraph,
  type MembershipSettings,
  nodeVaultFs,
  type NoteDiagnostic,
  DEFAULT_VISIBILITY,
  parseVisibility,
  type Visibility,
  type DiagnosticOptions,
  OBSIDIAN_DEFAULTS,
  type ObsidianSettings,
  type OwnVaultSettings,
  type NoteModel,
  parseBuffer,
  parseBufferInSlices,
  type PathLocation,
  prepareCompletion,
  prepareWorkspaceSymbols,
  provideCompletion,
  provideDefinition,
  provideDocumentLinks,
  provideDocumentSymbols,
  provideFoldingRanges,
  provideFrontmatterFixes,
  provideHover,
  provideFixAll,
  provideQuickFixes,
  provideRefactorings,
  type NewNoteOptions,
  type NoteAction,
  provideReferences,
  provideWorkspaceSymbolsAcross,
  prepareRename,
  readSchemaFile,
  readAndParse,
  renameAtSteps,
  renameFilesSteps,
  runStepsInSlices,
  type RenameOptions,
  readFolderMarkers,
  readObsidianConfig,
  readOwnVaultSettings,
  readNoteTextSync,
  RequestCancelledError,
  offTurnParseCharacters,
  setBigNoteParser,
  SLICED_PARSE_CHARACTERS,
  type Severity,
  touchesVaultMarker,
  type VaultDecision,
  type VaultFs,
  VaultRules,
  WorkspaceEditBuilder,
} from '@ospo-notes/engine';
import { findUnlinkedMentions, MentionCache, planMentionLinks, provideBacklinksInSlices, type MentionRef } from '@ospo-notes/engine';
import { diagnosticDocUrl, type DiagnosticRef, provideEncodingFixes } from '@ospo-notes/engine';
import { adjacentDailyNote, dailyNoteDate, planDailyNote, planNoteFromTemplate, planTemplateInsertion, templateNotes } from '@ospo-notes/engine';
import { findOrphans, findPlaceholders, notesWithTag, placeholderNoteCreation, tagTree, vaultSettingsOf } from '@ospo-notes/engine';
import type { CodeAction } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { clientMessages } from './messageQueue';
import { BackgroundParser, PARSE_WORKER_MIN_CHARACTERS } from './parseWorker';
import { Workspace, type Vault } from './workspace';

// The server's state lives in this module: one server per process at a time (createServer resets it).
let connection: Connection;
let documents: TextDocuments<TextDocument>;
let workspace: Workspace;
let vaultFs: VaultFs = nodeVaultFs;

/** How the process runs the server. */
export interface ServerOptions {
  /** The script a parse worker runs (the server's entry, see parseWorker.ts); without it big notes parse here. */
  parseWorkerScript?: string;
}

/** Parses big edited notes off the main thread (see parseWorker.ts). */
let backgroundParser: BackgroundParser | undefined;

/** The handler type a connection method takes, so that named handlers keep the connection's parameter types. */
type Handler<K extends keyof Connection> = Connection[K] extends (handler: infer H, ...rest: never[]) => unknown ? H : never;

/**
 * Builds the language server on a connection: every handler registered by name below, then listening.
 * `files` is how it reads the vault (the io layer's {@link VaultFs}).
 */
export function createServer(conn: Connection, files: VaultFs = nodeVaultFs, options: ServerOptions = {}): void {
  connection = conn;
  backgroundParser?.stop();
  backgroundParser = new BackgroundParser(options.parseWorkerScript, (message) => connection.console.error(message));
  const parser = backgroundParser;
  setBigNoteParser(options.parseWorkerScript ? async (rel, text) => (await parser.parse(rel, text))?.model : undefined, PARSE_WORKER_MIN_CHARACTERS);
  vaultFs = files;
  documents = new TextDocuments(TextDocument);
  workspace = new Workspace(documents, files);
  workspace.problemsOf = (v, p) => v.problems.problems(v.index, p, diagnosticOptions(v));
  settings = DEFAULT_SETTINGS;
  clientCanConfigure = clientWatchesDynamically = clientHasFolders = clientResolvesActionEdits = initialized = false;
  publishQueue.clear();
  frontPublishQueue.clear();
  dirtyDocuments.clear();
  reindexCost.clear();
  reindexCostCharacters.clear();
  parsingInSlices.clear();
  justOpened.clear();
  backgroundWaiters.length = 0;
  publishCosts.clear();
  deferredPublishes.clear();
  if (deferredPublishTimer) clearTimeout(deferredPublishTimer);
  deferredPublishTimer = undefined;
  if (backgroundTimer) clearTimeout(backgroundTimer);
  backgroundTimer = undefined;
  costlyReindexAllowedAt = 0;
  lastEdits.clear();
  if (reindexTimer) clearTimeout(reindexTimer);
  reindexTimer = undefined;
  fileEventQueues.clear();
  vaultsBusy.clear();
  notesChangedPending.clear();
  if (notesChangedTimer) clearTimeout(notesChangedTimer);
  notesChangedTimer = undefined;
  resetModelCaches();
  connection.onInitialize(onInitialize);
  connection.onInitialized(onInitialized);
  connection.onDidChangeConfiguration(onConfigurationChanged);
  documents.onDidOpen(onNoteOpened);
  documents.onDidChangeContent(onNoteEdited);
  documents.onDidClose(onNoteClosed);
  documents.onDidClose(onNoteClosedOutsideVault);
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
  connection.onCodeActionResolve(onCodeActionResolve);
  connection.onExecuteCommand(onExecuteCommand);
  connection.onPrepareRename(onPrepareRename);
  connection.onRenameRequest(onRenameRequest);
  connection.workspace.onWillRenameFiles(onWillRenameFiles);
  connection.workspace.onDidRenameFiles(onDidRenameFiles);
  connection.onRequest('ospo/status', onStatusRequest);
  connection.onRequest('ospo/checkVault', onCheckVaultRequest);
  connection.onRequest('ospo/files', onFilesRequest);
  connection.onRequest('ospo/graph', onGraphRequest);
  registerBacklinksRequests();
  registerDailyNoteAndTemplateRequests();
  connection.onShutdown(onShutdownWriteCaches);
  connection.onRequest('ospo/tags', onTagsRequest);
  connection.onRequest('ospo/orphans', onOrphansRequest);
  connection.onRequest('ospo/placeholders', onPlaceholdersRequest);
  connection.onRequest('ospo/createPlaceholderNote', onCreatePlaceholderNoteRequest);
  documents.listen(connection);
  connection.listen();
}

/** Settings under `ospoNotes.*` (see package.json `contributes.configuration`). */
interface Settings {
  unresolvedLinkSeverity: Severity | 'off';
  /** Severity of frontmatter keys the vault's schema does not name. */
  unknownPropertySeverity: Severity | 'off';
  ignoredFolders: string[];
  /** Folders treated as vaults without a marker (see core/vaultRule.ts). */
  vaults: string[];
  /** The editor's `files.exclude` globs that are on (sent by the client; not an `ospoNotes` setting). */
  filesExclude: string[];
  /** What a note created by a quick fix starts with (`ospoNotes.newNoteTemplate`; absent: the default). */
  newNoteTemplate?: string;
  /** `ospoNotes.visibility.default`: what a note without a `visibility` counts as. */
  visibility: { default: Visibility };
  /** Ours that override the vault's Obsidian settings (`links.*`, `newNoteFolder`, `templates.folder`). */
  own: OwnVaultSettings;
  /** `ospoNotes.cache.enabled`: parsed notes are stored on disk for the next start. */
  cache: { enabled: boolean };
}

const DEFAULT_SETTINGS: Settings = {
  unresolvedLinkSeverity: 'warning',
  unknownPropertySeverity: 'off',
  ignoredFolders: [],
  vaults: [],
  filesExclude: [],
  visibility: { default: DEFAULT_VISIBILITY },
  own: readOwnVaultSettings(undefined),
  cache: { enabled: true },
};
let settings: Settings = DEFAULT_SETTINGS;
let clientCanConfigure = false;
let clientWatchesDynamically = false;
let clientHasFolders = false;
/** The client resolves a code action's edit later (`codeAction/resolve`): costly edits wait until one is chosen. */
let clientResolvesActionEdits = false;

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle

const onInitialize: Handler<'onInitialize'> = (params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  clientCanConfigure = caps.workspace?.configuration === true;
  clientResolvesActionEdits = caps.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true;
  clientWatchesDynamically = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  clientHasFolders = caps.workspace?.workspaceFolders === true;
  const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
  for (const f of folders) workspace.addFolder(f.uri, f.name);
  const initial = params.initializationOptions as Partial<Settings> | undefined;
  if (initial) settings = normalizeSettings(initial);
  readCacheFolder(params.initializationOptions);
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
      codeActionProvider: {
        codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, CodeActionKind.RefactorExtract, CodeActionKind.SourceFixAll],
        resolveProvider: clientResolvesActionEdits,
      },
      executeCommandProvider: { commands: [ADD_BLOCK_ID_COMMAND] },
      renameProvider: { prepareProvider: true },
      workspace: {
        workspaceFolders: { supported: true, changeNotifications: true },
        // Every file and folder: notes, attachments and the folders holding them all carry links with them.
        fileOperations: { willRename: RENAME_FILTERS, didRename: RENAME_FILTERS },
      },
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
    void connection.client.register(DidChangeConfigurationNotification.type, { section: ['ospoNotes', 'files.exclude'] });
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
        if (v) void releaseModelCache(v);
        if (v) for (const p of v.published.keys()) void connection.sendDiagnostics({ uri: workspace.uriOf(v, p), diagnostics: [] });
        if (v && schemaProblemsPublished.delete(v)) void connection.sendDiagnostics({ uri: schemaFileUri(v), diagnostics: [] });
      }
      for (const f of e.added) {
        const v = workspace.addFolder(f.uri, f.name);
        await redecideVaults([v]);
        await indexVault(v);
      }
    });
  }
  await redecideVaults(workspace.vaults);
  await Promise.all(workspace.vaults.map((v) => indexVault(v)));
};

async function indexVault(vault: Vault): Promise<void> {
  let progress: WorkDoneProgressServerReporter | undefined;
  try {
    // Outside a vault the extension stays out of sight: no progress in the status bar either.
    if (publishScope(vault) === 'vault') {
      progress = await connection.window.createWorkDoneProgress();
      progress.begin(`Indexing ${vault.name}`, 0, 'scanning…', false);
    }
  } catch {
    progress = undefined;
  }
  const started = Date.now();
  await loadObsidianSettings(vault);
  vaultsBusy.add(vault);
  try {
    membershipUsed.set(vault, JSON.stringify(membershipOf(settings)));
    await loadSchema(vault);
    await workspace.index(vault, membershipOf(settings), (done, total) => progress?.report(Math.round((done / Math.max(total, 1)) * 100), `${done}/${total} notes`), backgroundTurn, await openModelCache(vault));
  } catch (e) {
    connection.console.error(`Indexing ${vault.root} failed: ${(e as Error).stack ?? e}`);
  } finally {
    vaultsBusy.delete(vault);
  }
  // Buffers edited after the load took their text: re-indexed like any edit.
  for (const doc of documents.all()) {
    const loc = workspace.locate(doc.uri);
    if (loc?.vault === vault && vault.ready && isNotePath(loc.path) && vault.index.versionOf(loc.path) !== doc.version) onNoteEdited({ document: doc });
  }
  // Files created, changed or deleted while the vault was read.
  await applyQueuedFileEvents(vault);
  progress?.done();
  for (const w of vault.warnings) connection.console.warn(`${vault.name}: ${w.path}: ${w.message}`);
  connection.console.log(`Indexed ${vault.name}: ${vault.index.noteCount} notes, ${vault.index.files.size} files in ${Date.now() - started} ms.`);
  await publishAll(vault);
  // The client refreshes its views on this; it is not held back by the preparation below, which only warms caches.
  void connection.sendNotification('ospo/indexed', statusOf());
  // Build the completion names and the workspace symbol list now, so that the user's first `[[` or symbol
  // search does not pay for them: in slices, so that requests arriving meanwhile wait for one slice at most.
  const preparing = Date.now();
  await prepareCompletion(vault.index, backgroundTurn);
  await backgroundTurn();
  await prepareWorkspaceSymbols(vault.index, vault.ctx.getText, backgroundTurn);
  connection.console.log(`Prepared the completion names and symbols of ${vault.name} in ${Date.now() - preparing} ms.`);
  scheduleCacheWrite(vault);
  // Settings that changed while the vault was being indexed apply now.
  if (membershipUsed.get(vault) !== JSON.stringify(membershipOf(settings))) await applyMembershipChange(vault);
}

// ---------------------------------------------------------------------------------------------------------------
// Settings

function normalizeSettings(raw: Partial<Settings> | null | undefined): Settings {
  const s = raw ?? {};
  const sev = s.unresolvedLinkSeverity;
  const ok = sev === 'error' || sev === 'warning' || sev === 'information' || sev === 'hint' || sev === 'off';
  return {
    unresolvedLinkSeverity: ok ? sev : DEFAULT_SETTINGS.unresolvedLinkSeverity,
    unknownPropertySeverity: severitySetting(s.unknownPropertySeverity, DEFAULT_SETTINGS.unknownPropertySeverity),
    ignoredFolders: Array.isArray(s.ignoredFolders) ? s.ignoredFolders.filter((x): x is string => typeof x === 'string') : [],
    vaults: Array.isArray(s.vaults) ? s.vaults.filter((x): x is string => typeof x === 'string') : [],
    filesExclude: excludeGlobs((s as { filesExclude?: unknown }).filesExclude),
    ...(typeof s.newNoteTemplate === 'string' ? { newNoteTemplate: s.newNoteTemplate } : {}),
    visibility: { default: parseVisibility((s.visibility as { default?: unknown } | undefined)?.default) },
    own: readOwnVaultSettings(s),
    cache: { enabled: (s.cache as { enabled?: unknown } | undefined)?.enabled !== false },
  };
}

function severitySetting(raw: unknown, fallback: Severity | 'off'): Severity | 'off' {
  return raw === 'error' || raw === 'warning' || raw === 'information' || raw === 'hint' || raw === 'off' ? raw : fallback;
}

/** `files.exclude` comes as `{ glob: true | false | { when } }` (or already as a list): the globs that are on. */
function excludeGlobs(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.filter((x): x is string => typeof x === 'string');
  if (!raw || typeof raw !== 'object') return [];
  return Object.entries(raw as Record<string, unknown>)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/** What the vaults' membership rules are built from. */
function membershipOf(s: Settings): MembershipSettings {
  return { ignored: s.ignoredFolders, excludes: s.filesExclude };
}

async function fetchSettings(): Promise<Settings> {
  try {
    const [raw, exclude] = (await connection.workspace.getConfiguration([{ section: 'ospoNotes' }, { section: 'files.exclude' }])) as [
      Partial<Settings> | null,
      unknown,
    ];
    return normalizeSettings({ ...(raw ?? {}), filesExclude: exclude } as Partial<Settings>);
  } catch {
    return settings;
  }
}

const onConfigurationChanged: Handler<'onDidChangeConfiguration'> = async (change) => {
  const before = JSON.stringify(settings);
  const pushed = change.settings as { ospoNotes?: Partial<Settings>; files?: { exclude?: unknown } } | undefined;
  settings = clientCanConfigure ? await fetchSettings() : normalizeSettings({ ...pushed?.ospoNotes, filesExclude: pushed?.files?.exclude } as Partial<Settings>);
  for (const v of workspace.vaults) applyVaultSettings(v);
  if (JSON.stringify(settings) === before) return;
  await redecideVaults(workspace.vaults); // the loop below publishes in the new scope
  for (const v of workspace.vaults) {
    if (!v.ready) continue;
    if (membershipUsed.get(v) !== JSON.stringify(membershipOf(settings))) await applyMembershipChange(v);
    await publishAll(v);
  }
};

// ---------------------------------------------------------------------------------------------------------------
// The vault's Obsidian settings (`.obsidian/app.json`, `templates.json`): read at indexing and whenever one of the
// files changes; the effective settings (ours over them) are what features write links and notes with.

const obsidianSettings = new WeakMap<Vault, { settings: ObsidianSettings; warnings: string }>();

/** Reads the vault's Obsidian settings files; a file that cannot be used is said once (until it changes). */
async function loadObsidianSettings(vault: Vault): Promise<void> {
  const read = await readObsidianConfig(vault.root, vaultFs);
  const warnings = read.warnings.join('\n');
  if (warnings !== '' && obsidianSettings.get(vault)?.warnings !== warnings) {
    for (const w of read.warnings) connection.console.warn(`${vault.name}: ${w}`);
    // A notification, not a request: nothing waits for the user to dismiss it.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `OSPO Notes (${vault.name}): ${read.warnings.join('; ')}` });
  }
  obsidianSettings.set(vault, { settings: read.settings, warnings });
  applyVaultSettings(vault);
}

function applyVaultSettings(vault: Vault): void {
  vault.settings = effectiveVaultSettings(obsidianSettings.get(vault)?.settings ?? OBSIDIAN_DEFAULTS, settings.own);
}

/** `.obsidian/app.json` or `templates.json` created, changed or deleted: the vault's settings are read again. */
async function onObsidianConfigEvents(changes: ReadonlyArray<{ uri: string }>): Promise<void> {
  const vaults = new Set<Vault>();
  for (const change of changes) {
    for (const at of workspace.vaultPathsOf(change.uri)) if (isObsidianConfigPath(at.path)) vaults.add(at.vault);
  }
  for (const v of vaults) await loadObsidianSettings(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Membership changes: the ignored folders, `files.exclude` or a `.gitignore` file changed.

/** The membership settings each vault's rules were last built from, to tell when they are stale. */
const membershipUsed = new Map<Vault, string>();

/**
 * Rebuilds a vault's membership rules from the current settings and the vault's ignore files, and brings the
 * index in line: files newly left out leave it (links to them become unresolved), files no longer left out enter
 * it, the affected notes are re-published and the client refetches the file list and rules. Costs one walk of
 * the vault (no note is re-read but the ones that enter), which a settings change can afford.
 */
async function applyMembershipChange(vault: Vault): Promise<void> {
  const membership = membershipOf(settings);
  membershipUsed.set(vault, JSON.stringify(membership));
  const rules = new VaultRules(membership);
  // Set first, so that open buffers are judged by the new rules (the walk completes them with the ignore files).
  vault.rules = rules;
  const buffers = new Map<string, string>();
  for (const doc of workspace.documents.all()) {
    const loc = workspace.locate(doc.uri);
    if (loc?.vault === vault) buffers.set(loc.path, doc.getText());
  }
  // One writer at a time: file events wait (queued) while the walk applies, and it waits for a batch in flight.
  while (vaultsBusy.has(vault)) await new Promise((r) => setTimeout(r, 5));
  vaultsBusy.add(vault);
  let result: Awaited<ReturnType<typeof applyMembership>>;
  try {
    result = await applyMembership(vault.root, vault.index, rules, { buffers, cache: modelCaches.get(vault), pause: backgroundTurn });
  } finally {
    vaultsBusy.delete(vault);
  }
  void applyQueuedFileEvents(vault);
  const { added, removed, affected, outside } = result;
  scheduleCacheWrite(vault);
  vault.outside = new FileLookup(outside);
  if (removed.length > 0 || added.length > 0) {
    connection.console.log(`${vault.name}: membership changed: ${added.length} files entered the index, ${removed.length} left it.`);
    queuePublish(vault, affected);
    queuePublish(vault, vault.problems.takeStale());
    void connection.sendNotification('ospo/filesChanged', { uri: vault.uri, added, removed });
  }
  // The client rebuilds its rules from `ospo/files`, which it fetches on this notification.
  void connection.sendNotification('ospo/indexed', statusOf());
}

/** Whether a watched-file event touches an ignore file of this vault (which `locate` leaves out: it is hidden). */
function ignoreFileVault(uri: string): Vault | undefined {
  let abs: string;
  try {
    abs = URI.parse(uri).fsPath;
  } catch {
    return undefined;
  }
  for (const v of workspace.vaults) {
    if (path.basename(abs) !== IGNORE_FILE_NAME) continue;
    const rel = path.relative(v.root, path.dirname(abs));
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const folder = rel.split(path.sep).join('/');
    if (folder === '' || v.rules.isMemberFolder(folder)) return v;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Diagnostics

const SEVERITY: Record<Severity, 1 | 2 | 3 | 4> = { error: 1, warning: 2, information: 3, hint: 4 };

function toLspDiagnostic(vault: Vault, d: NoteDiagnostic): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: diagnosticDocUrl(d.code) },
    source: 'ospo-notes',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri: workspace.uriOf(vault, r.path), range: r.range }, message: r.message })),
    data: d.data,
  };
}

/**
 * At most this many problems of one note are sent; the rest are summed up in one more diagnostic. A note with
 * more broken links than this is generated or pasted, and a list that long helps nobody in the Problems panel,
 * while each publish costs about its length: converting, digesting and sending 12,500 problems of a 10 MB note
 * took a tenth of a busy server's time under a storm of edits elsewhere that re-queued it. The checker and
 * `Check vault` still count every problem.
 */
const MAX_PUBLISHED_DIAGNOSTICS = 2000;

/**
 * Sends a note's problems unless the client already has exactly these (typing in a paragraph re-resolves the
 * note, but its problems rarely change: re-sending 10,000 identical diagnostics is most of a keystroke's cost).
 * `computed` is the note's problems when the caller has them already.
 */
function publishNote(vault: Vault, p: string, computed?: NoteDiagnostic[]): void {
  const diags = computed ?? (vault.index.note(p) && inPublishScope(vault, p) ? vault.problems.problems(vault.index, p, diagnosticOptions(vault)) : []);
  if (diags.length === 0 && !vault.published.has(p)) return;
  const lsp = diags.slice(0, MAX_PUBLISHED_DIAGNOSTICS).map((d) => toLspDiagnostic(vault, d));
  if (diags.length > MAX_PUBLISHED_DIAGNOSTICS) lsp.push(moreProblems(diags));
  const digest = diags.length === 0 ? '' : diagnosticsDigest(lsp, diags.length);
  if (vault.published.get(p) === digest) return;
  if (diags.length === 0) vault.published.delete(p);
  else vault.published.set(p, digest);
  void connection.sendDiagnostics({ uri: workspace.uriOf(vault, p), diagnostics: lsp });
}

/** From this many problems on, a note's problems are converted and digested in slices (publishNoteInSlices). */
const SLICED_PUBLISH_DIAGNOSTICS = 500;

/**
 * {@link publishNote} for the publish queue: a note with thousands of problems (an index note, a 10 MB note of
 * links) has them converted and digested in slices with background turns between, so that only computing them
 * and sending the one message block the server. Returns the time it was busy, pauses left out, in ms.
 */
async function publishNoteInSlices(vault: Vault, p: string): Promise<number> {
  let busy = 0;
  let started = performance.now();
  let diags: NoteDiagnostic[] = [];
  if (vault.index.note(p) && inPublishScope(vault, p)) {
    const computed = await vault.problems.problemsInSlices(vault.index, p, diagnosticOptions(vault), async () => {
      busy += performance.now() - started;
      await backgroundTurn();
      started = performance.now();
    }, BACKGROUND_SLICE_MS);
    // The note changed while its problems were computed: the change queued it again.
    if (!computed) return busy + performance.now() - started;
    diags = computed;
  }
  if (!workspace.vaults.includes(vault)) return busy + performance.now() - started;
  if (diags.length < SLICED_PUBLISH_DIAGNOSTICS) {
    publishNote(vault, p, diags);
    return performance.now() - started;
  }
  const listed = Math.min(diags.length, MAX_PUBLISHED_DIAGNOSTICS);
  const lsp: Diagnostic[] = new Array(listed);
  const hash = createHash('sha1');
  for (let i = 0; i < listed; ) {
    const until = performance.now() + BACKGROUND_SLICE_MS;
    for (; i < listed && performance.now() < until; i++) {
      lsp[i] = toLspDiagnostic(vault, diags[i]);
      hash.update(JSON.stringify(lsp[i]));
    }
    busy += performance.now() - started;
    await backgroundTurn();
    started = performance.now();
    // Removed or out of scope meanwhile: the publish queued by that change is the one that counts.
    if (!workspace.vaults.includes(vault) || !vault.index.note(p)) return busy;
  }
  if (diags.length > MAX_PUBLISHED_DIAGNOSTICS) {
    lsp.push(moreProblems(diags));
    hash.update(JSON.stringify(lsp[listed]));
  }
  const digest = hash.update(String(diags.length)).digest('base64');
  if (vault.published.get(p) !== digest) {
    vault.published.set(p, digest);
    void connection.sendDiagnostics({ uri: workspace.uriOf(vault, p), diagnostics: lsp });
  }
  return busy + performance.now() - started;
}

/** The one diagnostic that stands for the problems past MAX_PUBLISHED_DIAGNOSTICS. */
function moreProblems(diags: NoteDiagnostic[]): Diagnostic {
  const more = diags.length - MAX_PUBLISHED_DIAGNOSTICS;
  return {
    range: diags[MAX_PUBLISHED_DIAGNOSTICS].range,
    severity: SEVERITY.information,
    code: 'more-problems',
    codeDescription: { href: diagnosticDocUrl('more-problems') },
    source: 'ospo-notes',
    message: `${more} more problems in this note are not listed (only the first ${MAX_PUBLISHED_DIAGNOSTICS} are); "Check vault" counts them all.`,
  };
}

/** The digest of what a note's publish sends: the same however it was computed (see publishNoteInSlices). */
function diagnosticsDigest(lsp: Diagnostic[], count: number): string {
  const hash = createHash('sha1');
  for (const d of lsp) hash.update(JSON.stringify(d));
  return hash.update(String(count)).digest('base64');
}

/** What the diagnostic rules read of the settings and the vault. */
function diagnosticOptions(vault: Vault): DiagnosticOptions {
  return { unresolvedLinkSeverity: settings.unresolvedLinkSeverity, outside: vault.outside, frontmatterSchema: vault.schema.schema, unknownPropertySeverity: settings.unknownPropertySeverity, defaultVisibility: settings.visibility.default };
}

// ---------------------------------------------------------------------------------------------------------------
// The frontmatter schema: `.ospo-notes/schema.json`, read at indexing and again whenever a file event touches it.

/** Vaults whose schema file has problems published. */
const schemaProblemsPublished = new Set<Vault>();

function schemaFileUri(vault: Vault): string {
  return URI.file(path.join(vault.root, ...FRONTMATTER_SCHEMA_PATH.split('/'))).toString();
}

/** Reads the vault's schema and publishes the schema file's own problems; whether the schema changed. */
async function loadSchema(vault: Vault): Promise<boolean> {
  const read = await readSchemaFile(vault.root);
  const before = vault.schema.schema;
  vault.schema = loadFrontmatterSchema(read.text, FRONTMATTER_SCHEMA_PATH, read.problem);
  const problems = vault.schema.problems;
  if (problems.length > 0 || schemaProblemsPublished.has(vault)) {
    void connection.sendDiagnostics({ uri: schemaFileUri(vault), diagnostics: problems.map((d) => toLspDiagnostic(vault, d)) });
    if (problems.length > 0) schemaProblemsPublished.add(vault);
    else schemaProblemsPublished.delete(vault);
  }
  return vault.schema.schema !== before;
}

/** Whether a file event touches a vault's schema file (or the `.ospo-notes` folder holding it). */
function touchesSchemaFile(vault: Vault, uri: string): boolean {
  const folder = FRONTMATTER_SCHEMA_PATH.slice(0, FRONTMATTER_SCHEMA_PATH.lastIndexOf('/'));
  return workspace.vaultPathsOf(uri).some((at) => at.vault === vault && (at.path === FRONTMATTER_SCHEMA_PATH || at.path === folder));
}

/** A schema file created, changed or deleted applies at once: every note is checked again with the new schema. */
async function onSchemaFileEvents(changes: ReadonlyArray<{ uri: string }>): Promise<void> {
  for (const v of workspace.vaults) {
    if (!v.ready || !changes.some((c) => touchesSchemaFile(v, c.uri))) continue;
    if (await loadSchema(v)) {
      connection.console.log(`${v.name}: frontmatter schema ${v.schema.schema.origin === 'default' ? 'is the default one' : `read from ${FRONTMATTER_SCHEMA_PATH}`}.`);
      await publishAll(v);
    }
  }
}

/** Publishes every note's problems, yielding to the event loop between slices so requests stay responsive. */
async function publishAll(vault: Vault): Promise<void> {
  const paths = new Set<string>([...vault.index.notePaths(), ...vault.published.keys()]);
  let sliceStart = performance.now();
  for (const p of paths) {
    await publishNoteInSlices(vault, p);
    if (performance.now() - sliceStart > BACKGROUND_SLICE_MS) {
      await backgroundTurn();
      sliceStart = performance.now();
    }
  }
}

/**
 * Notes waiting to have their problems re-published, per vault, in the order they were queued. Queued paths
 * coalesce: a note affected by ten edits in a row is published once, after them. The notes an edit or a file
 * event changed go to the front queue: their writer is looking at them, while a change can also queue thousands of
 * notes up a chain of embeds, and the edited note must not wait behind those.
 */
const publishQueue = new Map<Vault, Set<string>>();
const frontPublishQueue = new Map<Vault, Set<string>>();
let publishing = false;

function queuePublish(vault: Vault, paths: Iterable<string>, front = false): void {
  const queues = front ? frontPublishQueue : publishQueue;
  let queued = queues.get(vault);
  if (!queued) queues.set(vault, (queued = new Set()));
  for (const p of paths) queued.add(p);
  if (front && queued.size > 0 && frontQueued) {
    const wake = frontQueued;
    frontQueued = undefined;
    wake();
  }
  if (!publishing) {
    publishing = true;
    setImmediate(() => void drainPublishQueue());
  }
}

/** The next queued note, from the front queue first (and whether it came from there); it leaves the queues. */
function nextToPublish(): [Vault, string, boolean] | undefined {
  for (const queues of [frontPublishQueue, publishQueue]) {
    const next = queues.entries().next();
    if (next.done) continue;
    const [vault, queued] = next.value;
    const p = queued.values().next().value as string;
    queued.delete(p);
    if (queued.size === 0) queues.delete(vault);
    if (queues === frontPublishQueue) publishQueue.get(vault)?.delete(p);
    return [vault, p, queues === frontPublishQueue];
  }
  return undefined;
}

/** Wakes the publish loop from its background turn: a note was queued at the front (see publishTurn). */
let frontQueued: (() => void) | undefined;

/**
 * The publish loop's pause between slices: a background turn, cut short when an edited note is queued at the
 * front (its problems are what the user waits for; the notes behind it, re-published because of it, are not),
 * but always at least one turn of the event loop, so that the messages waiting are handled first.
 */
function publishTurn(): Promise<void> {
  if (frontPublishQueue.size > 0) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    let done = false;
    const go = (): void => {
      if (done) return;
      done = true;
      if (frontQueued === wake) frontQueued = undefined;
      resolve();
    };
    const wake = (): void => void setImmediate(go);
    frontQueued = wake;
    void backgroundTurn().then(go);
  });
}

/** Publishes the queue in time slices, so requests are answered in between. */
async function drainPublishQueue(): Promise<void> {
  let sliceStart = Date.now();
  try {
    for (;;) {
      const next = nextToPublish();
      if (!next) break;
      const [vault, p, front] = next;
      if (workspace.vaults.includes(vault) && !publishLater(vault, p)) notePublishCost(vault, p, await publishNoteInSlices(vault, p));
      // The notes queued behind an edited one (re-published because of it) wait for a background turn, so that
      // the requests that came with the edit are answered first.
      const behindEdit = front && frontPublishQueue.size === 0 && publishQueue.size > 0;
      if (behindEdit || Date.now() - sliceStart > 10) {
        await publishTurn();
        sliceStart = Date.now();
      }
    }
  } finally {
    publishing = false;
  }
}

/**
 * Background work (loading a vault, publishing problems, parsing a big note) runs in slices of ~10 ms, and the
 * slices of all of it take turns: after each one, messages alone are handled for BACKGROUND_PAUSE_MS (the
 * connection handles one message per turn of the event loop). Yielding a single turn instead, as many slices as
 * there are background tasks would run before each message, and a storm of edits and requests queued behind
 * a big parse would wait for most of it.
 */
const BACKGROUND_PAUSE_MS = 5;
const backgroundWaiters: Array<() => void> = [];
let backgroundTimer: NodeJS.Timeout | undefined;

/** Resolves when it is the caller's turn for its next slice of background work. */
function backgroundTurn(): Promise<void> {
  return new Promise((resolve) => {
    backgroundWaiters.push(resolve);
    if (!backgroundTimer) scheduleBackgroundTurn();
  });
}

/**
 * Background work waits until the messages read from the client have been handled (clientMessages, see
 * messageQueue.ts) and none arrived for a moment: edits and requests, cheap each, come first, and a storm of
 * them is not interleaved with a background slice after every one.
 */
let lastBackgroundSliceAt = 0;
const MESSAGE_QUIET_MS = 3;
/** However busy the client keeps the server, background work gets a slice at least this often. */
const BACKGROUND_STARVATION_MS = 200;

function scheduleBackgroundTurn(pause = BACKGROUND_PAUSE_MS): void {
  backgroundTimer = setTimeout(() => {
    const now = performance.now();
    if ((clientMessages.waiting > 0 || now - clientMessages.lastArrivalAt < MESSAGE_QUIET_MS) && now - lastBackgroundSliceAt < BACKGROUND_STARVATION_MS) {
      scheduleBackgroundTurn();
      return;
    }
    lastBackgroundSliceAt = now;
    const next = backgroundWaiters.shift();
    next?.();
    // The slice runs in this turn's microtasks. A slice that ran long (one big note's problems, or its index
    // update) while messages arrived is followed by a pause as long: background work then takes at most half of
    // the time. With no message since the slice began there is nobody to give the time to: the short pause
    // only (a vault's load is otherwise twice its work).
    setImmediate(() => {
      backgroundTimer = undefined;
      const took = performance.now() - now;
      const messagesWaited = clientMessages.lastArrivalAt >= now;
      if (backgroundWaiters.length > 0) scheduleBackgroundTurn(messagesWaited ? Math.max(BACKGROUND_PAUSE_MS, took) : BACKGROUND_PAUSE_MS);
    });
  }, pause);
}

/**
 * Publishing a note's problems costs about its number of links: 20,000 of them take a hundred milliseconds or
 * more (computing, converting, hashing and sending them), and a note linked from everywhere is queued again by
 * every edit elsewhere. A note that costly is published at most once per its cost spread out to this share of
 * the time; in between, its queued publish waits.
 */
const COSTLY_PUBLISH_MS = 20;
const COSTLY_PUBLISH_SHARE = 0.1;
/** Vault → note path → [what its last publish cost in ms, when it ended]. */
const publishCosts = new Map<Vault, Map<string, [number, number]>>();
let deferredPublishTimer: NodeJS.Timeout | undefined;
const deferredPublishes = new Map<Vault, Set<string>>();

function notePublishCost(vault: Vault, p: string, ms: number): void {
  let costs = publishCosts.get(vault);
  if (!costs) publishCosts.set(vault, (costs = new Map()));
  if (ms > COSTLY_PUBLISH_MS) costs.set(p, [ms, Date.now()]);
  else costs.delete(p);
}

/** Defers a costly note's publish that comes too soon after its last one (see COSTLY_PUBLISH_SHARE). */
function publishLater(vault: Vault, p: string): boolean {
  const last = publishCosts.get(vault)?.get(p);
  if (!last) return false;
  const due = last[1] + last[0] / COSTLY_PUBLISH_SHARE;
  if (Date.now() >= due) return false;
  let deferred = deferredPublishes.get(vault);
  if (!deferred) deferredPublishes.set(vault, (deferred = new Set()));
  deferred.add(p);
  if (!deferredPublishTimer) {
    deferredPublishTimer = setTimeout(() => {
      deferredPublishTimer = undefined;
      const all = [...deferredPublishes];
      deferredPublishes.clear();
      for (const [v, paths] of all) queuePublish(v, paths);
    }, Math.max(0, due - Date.now()));
  }
  return true;
}

/**
 * Runs `work` over items in slices of at most ~10 ms, taking background turns in between (or, for work a request
 * waits for, `pause`).
 */
async function inSlices<T>(items: T[], work: (item: T) => void, pause: () => Promise<void> = backgroundTurn): Promise<void> {
  let i = 0;
  while (i < items.length) {
    const until = Date.now() + 10;
    while (i < items.length && Date.now() < until) work(items[i++]);
    if (i < items.length) await pause();
  }
}

/**
 * What a request's own slices yield: one turn of the event loop, and the messages that arrived meanwhile (each
 * handled in a turn of its own) go first, so that the request is answered as soon as it can be without making
 * every message behind it wait one slice longer.
 */
const REQUEST_SLICE_WAIT_MAX_MS = 100;
function nextTurn(): Promise<void> {
  return new Promise<void>((r) => setImmediate(r)).then(() => clientMessages.drained(REQUEST_SLICE_WAIT_MAX_MS));
}

// ---------------------------------------------------------------------------------------------------------------
// Documents and files

// An edit only marks its note dirty. Dirty notes are re-parsed on the next timer turn when that is cheap, else
// once typing pauses for EDIT_QUIET_MS (and, while
// it goes on, at least every EDIT_MAX_DELAY_MS, or less often for a note whose re-indexing is costly), or at
// once when a request about that very note needs its model and re-indexing it is cheap. So only a document's
// latest text is ever parsed, and a request is answered from the last models instead of waiting behind a backlog.
const EDIT_QUIET_MS = 150;
const EDIT_MAX_DELAY_MS = 1000;
/**
 * While typing goes on, re-indexing a note in the background may take about this share of the time: a note
 * whose re-parse, re-index and publishing cost 200 ms is brought up to date every 8 s, not every second.
 */
const BACKGROUND_REINDEX_SHARE = 0.05;
/** Open documents with edits not yet in the index: URI → when the first such edit arrived. */
const dirtyDocuments = new Map<string, number>();
/** URI → what parsing and indexing the note cost last time, in ms (publishing is counted as as much again). */
const reindexCost = new Map<string, number>();
let reindexTimer: NodeJS.Timeout | undefined;

/**
 * A note this cheap to re-index (or, before it has been measured, this small) is brought up to date on the next
 * timer turn instead of after a pause: the edits already queued still collapse into one parse, and its problems
 * follow the typing at once. A pause is only worth waiting for where a re-parse costs something.
 */
const CHEAP_REINDEX_MS = 5;
const CHEAP_NOTE_CHARACTERS = 64 * 1024;

function isCheapToReindex(doc: TextDocument): boolean {
  const cost = reindexCost.get(doc.uri);
  return cost !== undefined ? cost <= CHEAP_REINDEX_MS : doc.getText().length <= CHEAP_NOTE_CHARACTERS;
}

/** URI → the length of the text whose re-indexing `reindexCost` measured. */
const reindexCostCharacters = new Map<string, number>();
/** Open documents being parsed in time slices by the timer: not started again meanwhile. */
const parsingInSlices = new Set<string>();

/** Open document URI → when its latest edit arrived. */
const lastEdits = new Map<string, number>();

/** Open document URI → when its note was last re-indexed from the buffer. */
const lastReindexAt = new Map<string, number>();
/**
 * A note whose re-indexing costs up to this much (a short note linked from hundreds, say) is re-indexed at once on
 * the first edit after a pause, as a cheap one is: only the edits that follow within the pause wait for typing to
 * stop. So a single edit shows its problems at once, while typing still takes no more than its share of the time.
 */
const LEADING_EDGE_MAX_MS = 50;

/** When a dirty note is due for its background re-parse. */
function reindexDue(uri: string, since: number): number {
  const doc = documents.get(uri);
  const last = lastEdits.get(uri) ?? since;
  if (doc && isCheapToReindex(doc)) return last;
  const measured = reindexCost.get(uri);
  const previous = lastReindexAt.get(uri);
  const moderate = measured !== undefined ? measured <= LEADING_EDGE_MAX_MS : (doc?.getText().length ?? Infinity) <= SLICED_PARSE_CHARACTERS;
  // The share of time is kept: the last re-index was at least its cost spread out to the share ago.
  if (moderate && (previous === undefined || since - previous >= (measured ?? 0) / BACKGROUND_REINDEX_SHARE)) return Math.max(since, costlyReindexAllowedAt);
  const cost = measured ?? 0;
  const due = Math.min(last + EDIT_QUIET_MS, since + Math.max(EDIT_MAX_DELAY_MS, (2 * cost) / BACKGROUND_REINDEX_SHARE));
  // However often typing pauses, costly notes are not re-indexed again before their share of time has passed.
  return Math.max(due, costlyReindexAllowedAt);
}

/**
 * Re-indexing costly notes (all of them together) may take at most this share of the time, however often
 * typing pauses: several big notes open and typed into in turn must not keep the server busy with their
 * re-parses, and the requests waiting behind them.
 */
const PAUSED_REINDEX_SHARE = 0.25;
/** When the next costly re-index may start: the last one's cost, spread out to {@link PAUSED_REINDEX_SHARE}. */
let costlyReindexAllowedAt = 0;

/** Whether the note is parsed in slices (see SLICED_PARSE_CHARACTERS): one at a time, each with its pauses. */
function isParsedInSlices(uri: string): boolean {
  return (documents.get(uri)?.getText().length ?? 0) >= offTurnParseCharacters();
}

const BACKGROUND_SLICE_MS = 10;

function scheduleReindex(): void {
  if (reindexTimer) clearTimeout(reindexTimer);
  reindexTimer = undefined;
  if (dirtyDocuments.size === 0) return;
  let due = Infinity;
  for (const [uri, since] of dirtyDocuments) {
    // Rescheduled when the parse under way ends.
    if (parsingInSlices.size > 0 && isParsedInSlices(uri)) continue;
    due = Math.min(due, reindexDue(uri, since));
  }
  if (due === Infinity) return;
  reindexTimer = setTimeout(() => void reindexDirtyDocuments(), Math.max(0, due - Date.now()));
}

/** Documents just opened, whose first content event is their opening. */
const justOpened = new Set<string>();

function onNoteOpened(e: TextDocumentChangeEvent<TextDocument>): void {
  justOpened.add(e.document.uri);
}

/**
 * Whether an opened buffer is exactly what the index already read from disk: then there is nothing to parse.
 * Checked for big notes only (reading the file back costs milliseconds; parsing a 10 MB note, seconds), whose
 * model must be the disk's (no buffer was indexed since).
 */
function openedAsOnDisk(doc: TextDocument): boolean {
  const text = doc.getText();
  if (text.length < SLICED_PARSE_CHARACTERS) return false;
  const loc = workspace.locate(doc.uri);
  if (!loc || !isNotePath(loc.path) || !loc.vault.ready || !loc.vault.index.note(loc.path) || loc.vault.index.versionOf(loc.path) !== undefined) return false;
  try {
    return readNoteTextSync(path.join(loc.vault.root, ...loc.path.split('/')), vaultFs) === text;
  } catch {
    return false;
  }
}

function onNoteEdited(e: TextDocumentChangeEvent<TextDocument>): void {
  if (justOpened.delete(e.document.uri) && openedAsOnDisk(e.document)) {
    // Nothing to parse, but an open note is published even outside a vault.
    const loc = workspace.locate(e.document.uri);
    if (loc) queuePublish(loc.vault, [loc.path]);
    return;
  }
  const now = Date.now();
  if (!dirtyDocuments.has(e.document.uri)) dirtyDocuments.set(e.document.uri, now);
  lastEdits.set(e.document.uri, now);
  scheduleReindex();
}

/** The timer's re-parse: each note's parse and its re-indexing run in separate turns, so requests fit between. */
async function reindexDirtyDocuments(): Promise<void> {
  reindexTimer = undefined;
  for (const [uri, since] of [...dirtyDocuments]) {
    // A costly note typed into waits for its own pause even when a cheap one is due now.
    if (reindexDue(uri, since) > Date.now()) continue;
    const doc = documents.get(uri);
    const loc = workspace.locate(uri);
    if (!doc || !loc || !isNotePath(loc.path) || !loc.vault.ready) {
      dirtyDocuments.delete(uri);
      continue;
    }
    if (parsingInSlices.size > 0 && isParsedInSlices(uri)) continue;
    const version = doc.version;
    const text = doc.getText();
    const parseStart = performance.now();
    let model: NoteModel;
    let parseCost: number;
    if (text.length < offTurnParseCharacters()) {
      model = parseBuffer(loc.path, text);
      parseCost = performance.now() - parseStart;
      await new Promise((r) => setImmediate(r));
    } else {
      // The cost is the parse's own time, without the pauses between its slices.
      let paused = 0;
      const pause = async (): Promise<void> => {
        const t = performance.now();
        await backgroundTurn();
        paused += performance.now() - t;
      };
      parsingInSlices.add(uri);
      try {
        // On the parse worker when there is one (setBigNoteParser): its time counts as the note's cost, so a big
        // note is re-indexed as rarely as when it was parsed here.
        model = await parseBufferInSlices(loc.path, text, BACKGROUND_SLICE_MS, pause);
      } finally {
        parsingInSlices.delete(uri);
      }
      parseCost = performance.now() - parseStart - paused;
    }
    const current = documents.get(uri);
    // Closed meanwhile, or a request has indexed it already.
    if (!current || !dirtyDocuments.has(uri) || workspace.locate(uri)?.vault !== loc.vault) continue;
    if (current.version !== version) {
      // Typed on meanwhile: a costly note's model of a few seconds ago still beats one of minutes ago, and the
      // newer text waits for the next pause. A cheap one waits for its next turn.
      if (text.length < offTurnParseCharacters()) continue;
      dirtyDocuments.set(uri, Date.now());
    } else {
      dirtyDocuments.delete(uri);
    }
    const indexStart = performance.now();
    noteReindexed(loc.vault, model, version);
    lastReindexAt.set(uri, Date.now());
    reindexCost.set(uri, parseCost + performance.now() - indexStart);
    reindexCostCharacters.set(uri, text.length);
    const cost = reindexCost.get(uri)!;
    if (cost > CHEAP_REINDEX_MS) costlyReindexAllowedAt = Date.now() + cost / PAUSED_REINDEX_SHARE;
  }
  // Notes still dirty: not due yet, or typed on meanwhile.
  if (!reindexTimer) scheduleReindex();
}

/**
 * A request about a note whose re-indexing costs more than this is answered from its last model, and the note
 * is left to the timer: otherwise every request between two keystrokes in a big note pays a whole re-parse, so
 * requests interleaved with typing undo the coalescing (seconds of blocked server, and a model of garbage each).
 */
const REQUEST_REINDEX_BUDGET_MS = 50;

/** Brings an open note's model up to its buffer if it was edited since it was last parsed and that is cheap. */
function reindexIfDirty(uri: string): void {
  if (!dirtyDocuments.has(uri) || (reindexCost.get(uri) ?? 0) > REQUEST_REINDEX_BUDGET_MS) return;
  const doc = documents.get(uri);
  // Big, and not measured at about this size (just opened, or pasted into): the timer parses it in slices.
  const measuredAt = reindexCostCharacters.get(uri) ?? 0;
  if (doc && doc.getText().length >= Math.max(offTurnParseCharacters(), 2 * measuredAt)) return;
  dirtyDocuments.delete(uri);
  const loc = workspace.locate(uri);
  if (!doc || !loc || !isNotePath(loc.path) || !loc.vault.ready) return;
  const started = performance.now();
  noteReindexed(loc.vault, parseBuffer(loc.path, doc.getText()), doc.version);
  reindexCost.set(uri, performance.now() - started);
  lastReindexAt.set(uri, Date.now());
  reindexCostCharacters.set(uri, doc.getText().length);
}

function noteReindexed(vault: Vault, model: NoteModel, version: number): void {
  onIndexChanged(vault, vault.index.upsertNote(model, version));
}

/**
 * What a change record of the index sets off: the problems of the notes it names re-published (a removed
 * note's cleared), the client's file mirror told of files that came and went, the status refreshed.
 */
function onIndexChanged(vault: Vault, change: IndexChange): void {
  queuePublish(vault, [...change.changed, ...change.added], true);
  queuePublish(vault, change.resolutions);
  queuePublish(vault, change.removed);
  // And every note a registered rule may now judge differently (rules.ts `rulesToRerun`).
  queuePublish(vault, vault.problems.takeStale());
  if (change.added.size > 0 || change.removed.size > 0) {
    void connection.sendNotification('ospo/filesChanged', { uri: vault.uri, added: [...change.added], removed: [...change.removed] });
  }
  if (change.resolutions.size > 0 || change.added.size > 0 || change.removed.size > 0) void connection.sendNotification('ospo/indexChanged', statusOf());
  tellNotesChanged(vault, change);
}

/** Paths per vault URI that `ospo/notesChanged` has yet to send. */
const notesChangedPending = new Map<string, Set<string>>();
let notesChangedTimer: ReturnType<typeof setTimeout> | undefined;
/** Views refresh from `ospo/notesChanged`; a burst of keystrokes or file events becomes one notification. */
const NOTES_CHANGED_COALESCE_MS = 150;

function tellNotesChanged(vault: Vault, change: IndexChange): void {
  if (change.added.size + change.changed.size + change.removed.size === 0) return;
  let pending = notesChangedPending.get(vault.uri);
  if (!pending) notesChangedPending.set(vault.uri, (pending = new Set()));
  for (const set of [change.added, change.changed, change.removed]) for (const p of set) pending.add(p);
  notesChangedTimer ??= setTimeout(flushNotesChanged, NOTES_CHANGED_COALESCE_MS);
}

function flushNotesChanged(): void {
  notesChangedTimer = undefined;
  for (const [uri, paths] of notesChangedPending) void connection.sendNotification('ospo/notesChanged', { uri, paths: [...paths] });
  notesChangedPending.clear();
}

async function onNoteClosed(e: TextDocumentChangeEvent<TextDocument>): Promise<void> {
  dirtyDocuments.delete(e.document.uri);
  lastEdits.delete(e.document.uri);
  reindexCost.delete(e.document.uri);
  lastReindexAt.delete(e.document.uri);
  reindexCostCharacters.delete(e.document.uri);
  // Unsaved changes were discarded: the file on disk is the truth again.
  const loc = workspace.locate(e.document.uri);
  if (!loc || !isNotePath(loc.path) || !loc.vault.ready) return;
  const cache = modelCaches.get(loc.vault);
  const model = await readAndParse(loc.vault.root, loc.path, undefined, vaultFs, cache, backgroundTurn);
  if (!model) cache?.forget(loc.path);
  scheduleCacheWrite(loc.vault);
  onIndexChanged(loc.vault, model ? loc.vault.index.upsertNote(model) : loc.vault.index.removeFile(loc.path));
}

// File events are queued per vault and applied one batch at a time by `applyFileEvents`, which reads what each
// path is now. While a vault (re-)loads they wait in the queue and are applied to the fresh index after the
// load, so that a file deleted or created meanwhile is neither kept nor missed.
const fileEventQueues = new Map<Vault, FileEvent[]>();
/** Vaults whose index is being (re)built, or whose queue is being applied: nothing else applies to them. */
const vaultsBusy = new Set<Vault>();

/** A file that appeared as a symlink leading out of its vault: never read, said once in the log. */
function reportEscape(uri: string): void {
  const escaped = workspace.recordEscape(uri);
  if (escaped) connection.console.warn(`${escaped.vault.name}: ${escaped.path}: symlink leads outside the vault: not read`);
}

async function onWatchedFilesChanged(params: DidChangeWatchedFilesParams): Promise<void> {
  // Queued before anything is awaited: a load that ends meanwhile applies the queue before it reports the vault
  // indexed, so no event that arrived during the load is left out of what it reports.
  const touched = new Set<Vault>();
  for (const change of params.changes) {
    const loc = workspace.locate(change.uri);
    if (!loc) {
      if (change.type !== FileChangeType.Deleted) reportEscape(change.uri);
      continue;
    }
    const kind = change.type === FileChangeType.Deleted ? 'deleted' : change.type === FileChangeType.Created ? 'created' : 'changed';
    let queue = fileEventQueues.get(loc.vault);
    if (!queue) fileEventQueues.set(loc.vault, (queue = []));
    queue.push({ path: loc.path, kind });
    touched.add(loc.vault);
  }
  await onVaultMarkerEvents(params.changes);
  await onObsidianConfigEvents(params.changes);
  const ignoreFilesChanged = new Set<Vault>();
  for (const change of params.changes) {
    const v = ignoreFileVault(change.uri);
    if (v?.ready) ignoreFilesChanged.add(v);
  }
  for (const v of ignoreFilesChanged) await applyMembershipChange(v);
  await onSchemaFileEvents(params.changes);
  for (const vault of touched) void applyQueuedFileEvents(vault);
}

async function applyQueuedFileEvents(vault: Vault): Promise<void> {
  if (!vault.ready || vaultsBusy.has(vault)) return;
  vaultsBusy.add(vault);
  try {
    for (let queue = fileEventQueues.get(vault); queue && queue.length > 0; queue = fileEventQueues.get(vault)) {
      const events = queue.splice(0);
      const change = await applyFileEvents(vault.index, vault.root, events, {
        rules: vault.rules,
        isOpen: (p) => workspace.documentOf(vault, p) !== undefined,
        onOutside: (p) => {
          if (vault.outside.add(p)) connection.console.warn(`${vault.name}: ${p}: symlink leads outside the vault: not read`);
        },
        fs: vaultFs,
        cache: modelCaches.get(vault),
        pause: backgroundTurn,
      });
      scheduleCacheWrite(vault);
      if (workspace.vaults.includes(vault)) onIndexChanged(vault, change);
    }
  } catch (e) {
    connection.console.error(`Applying file events in ${vault.root} failed: ${(e as Error).stack ?? e}`);
  } finally {
    vaultsBusy.delete(vault);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Vault status. A workspace folder is a vault or is served quietly (core/vaultRule.ts decides); the folder is
// indexed either way, for completion, navigation and hover, but outside a vault only open notes get problems.

const vaultDecisions = new WeakMap<Vault, VaultDecision>();

/** Where a folder's problems go: every note of a vault, or only the notes open in the editor elsewhere. */
function publishScope(vault: Vault): 'vault' | 'open-notes' {
  return vaultDecisions.get(vault)?.vault ? 'vault' : 'open-notes';
}

function inPublishScope(vault: Vault, p: string): boolean {
  return publishScope(vault) === 'vault' || workspace.documentOf(vault, p) !== undefined;
}

/**
 * Applies the vault rule to `vaults` afresh (markers on disk, the `vaults` setting) and tells the client when a
 * decision changed; returns the folders whose decision changed (their problems must be published again).
 */
async function redecideVaults(vaults: readonly Vault[]): Promise<Vault[]> {
  const conventions = { home: os.homedir(), caseInsensitive: process.platform === 'win32' || process.platform === 'darwin' };
  const changed: Vault[] = [];
  for (const v of vaults) {
    const decision = decideVault(v.root, await readFolderMarkers(v.root), settings.vaults, conventions);
    const before = vaultDecisions.get(v);
    vaultDecisions.set(v, decision);
    if (before?.vault !== decision.vault) {
      connection.console.log(decision.vault ? `${v.name} is a vault (${decision.reason}): every note is checked.` : `${v.name} is not a vault: only open notes are checked.`);
      if (before) changed.push(v);
    }
  }
  if (changed.length > 0) void connection.sendNotification('ospo/indexChanged', statusOf());
  return changed;
}

/** A marker (`.obsidian/`, `.ospo-notes`) created or deleted at a folder's root turns it into a vault or back. */
async function onVaultMarkerEvents(changes: ReadonlyArray<{ uri: string }>): Promise<void> {
  const folders = new Set<Vault>();
  for (const change of changes) {
    for (const at of workspace.vaultPathsOf(change.uri)) if (touchesVaultMarker(at.path)) folders.add(at.vault);
  }
  if (folders.size === 0) return;
  for (const v of await redecideVaults([...folders])) if (v.ready) await publishAll(v);
}

/** Outside a vault a note's problems go when it closes (in a vault they stay: every note is checked). */
function onNoteClosedOutsideVault(e: TextDocumentChangeEvent<TextDocument>): void {
  const loc = workspace.locate(e.document.uri);
  if (loc && publishScope(loc.vault) === 'open-notes') publishNote(loc.vault, loc.path);
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
    const list = provideCompletion({ ...loc.vault.ctx, cancellation: token, defaultVisibility: settings.visibility.default }, loc.path, params.position);
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
    return provideHover({ ...loc.vault.ctx, defaultVisibility: settings.visibility.default }, loc.path, params.position, { toUri: (p) => workspace.uriOf(loc.vault, p) }) ?? null;
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

/** Most workspace symbols one query answers, across all vaults: the editor re-filters as the user types. */
const WORKSPACE_SYMBOL_LIMIT = 500;

const onWorkspaceSymbol: Handler<'onWorkspaceSymbol'> = (params, token) =>
  guard('workspaceSymbol', token, () => {
    const vaults = workspace.vaults.filter((v) => v.ready);
    const sources = vaults.map((v) => ({ index: v.index, getText: v.ctx.getText }));
    return provideWorkspaceSymbolsAcross(sources, params.query, WORKSPACE_SYMBOL_LIMIT, token).map(({ source, symbol: s }) => ({
      name: s.name,
      kind: s.kind,
      containerName: s.containerName,
      location: toLocation(vaults[source], s.location),
    }));
  });

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
    // `only` asks for some kinds (a kind includes its sub-kinds: `source` includes `source.fixAll`).
    const only = params.context.only;
    const wants = (kind: string): boolean => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    // The actions are computed from the note's model: the edit names the version that model was parsed from, so an
    // editor refuses it once the user has typed.
    const target = editTarget(loc.vault, loc.path, loc.vault.index.versionOf(loc.path));
    const options = newNoteOptions(loc.vault);
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      const diagnostics = params.context.diagnostics.filter((d) => d.source === 'ospo-notes');
      for (const f of provideQuickFixes(loc.vault.ctx, loc.path, diagnostics as Parameters<typeof provideQuickFixes>[2], options)) {
        actions.push(codeActionOf(loc.vault, target, f, [diagnostics[f.diagnostic]]));
      }
      for (const f of provideFrontmatterFixes(loc.vault.ctx, loc.path, diagnostics as Parameters<typeof provideFrontmatterFixes>[2])) {
        actions.push(codeActionOf(loc.vault, target, f, [diagnostics[f.diagnostic]]));
      }
      actions.push(...encodingActions(loc.vault, loc.path, diagnostics, target));
    }
    if (wants(CodeActionKind.RefactorRewrite) || wants(CodeActionKind.RefactorExtract)) {
      const detail = clientResolvesActionEdits ? 'titles' : 'full';
      for (const a of provideRefactorings(loc.vault.ctx, loc.path, params.range, options, detail)) {
        if (!wants(a.kind ?? CodeActionKind.QuickFix)) continue;
        // Chosen later, it is computed again from the same place: the note, the range and the title.
        const data: DeferredAction = { uri: params.textDocument.uri, range: params.range };
        actions.push(a.deferred ? { title: a.title, kind: a.kind, data } : codeActionOf(loc.vault, target, a));
      }
    }
    // Fix-all is computed only when asked for (on save, or the source action menu): it checks the whole note.
    if (only && wants(CodeActionKind.SourceFixAll)) {
      const all = provideFixAll(loc.vault.ctx, loc.path, diagnosticOptions(loc.vault));
      if (all) actions.push(codeActionOf(loc.vault, target, all));
    }
    return actions;
  });

/** What a deferred action carries to `codeAction/resolve`. */
interface DeferredAction {
  uri: string;
  range: Range;
}

const onCodeActionResolve: Handler<'onCodeActionResolve'> = (action, token) =>
  guard('codeActionResolve', token, () => {
    const data = action.data as Partial<DeferredAction> | undefined;
    if (action.edit || typeof data?.uri !== 'string' || !data.range) return action;
    const loc = located(data.uri);
    const chosen = loc ? provideRefactorings(loc.vault.ctx, loc.path, data.range, newNoteOptions(loc.vault)).find((a) => a.title === action.title) : undefined;
    if (!loc || !chosen) return new ResponseError(ErrorCodes.InvalidParams, `'${action.title}' no longer applies: the note or the selection changed.`);
    const target = editTarget(loc.vault, loc.path, loc.vault.index.versionOf(loc.path));
    return { ...action, edit: codeActionOf(loc.vault, target, chosen).edit };
  });

function newNoteOptions(vault: Vault): NewNoteOptions {
  return { newNoteTemplate: settings.newNoteTemplate, isMember: (p) => vault.rules.isMember(p) };
}

/** An engine action as an LSP code action: the note to create first (never over a file), then the note's edits. */
function codeActionOf(vault: Vault, target: EditTarget, action: NoteAction, diagnostics?: Diagnostic[]): CodeAction {
  const edit = new WorkspaceEditBuilder();
  if (action.create) {
    const uri = workspace.uriOf(vault, action.create.path);
    edit.createFile(uri).insert({ uri, version: null }, { line: 0, character: 0 }, action.create.text);
  }
  if (action.edits.length > 0) edit.addEdits(target, action.edits);
  // Other notes' edits were computed from their indexed models: they name those models' versions.
  for (const o of action.otherEdits ?? []) edit.addEdits(editTarget(vault, o.path, vault.index.versionOf(o.path)), o.edits);
  return {
    title: action.title,
    kind: action.kind ?? CodeActionKind.QuickFix,
    ...(diagnostics ? { diagnostics } : {}),
    ...(action.isPreferred ? { isPreferred: true } : {}),
    edit: edit.build(),
  };
}

/** Restoring encoding damage (`mojibake`): edits of the characters only; the file's encoding is the editor's. */
function encodingActions(vault: Vault, p: string, diagnostics: Diagnostic[], target: EditTarget): CodeAction[] {
  return provideEncodingFixes(vault.ctx, p, diagnostics as DiagnosticRef[]).map((f) => ({
    title: f.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostics[f.diagnostic]],
    isPreferred: f.isPreferred,
    edit: new WorkspaceEditBuilder().addEdits(target, f.edits).build(),
  }));
}

/**
 * The vault and canonical path of a note named by a client's command arguments, confined to that vault: the
 * vault must be one of the workspace's (by URI; optional with a single vault), the path must stay inside it once
 * normalised and once symlinks are followed, and name a note of its index. Anything else is refused with the
 * reason, before the file is read.
 */
function noteArgument(command: string, vaultUri: unknown, given: string): { vault: Vault; path: string } {
  const refuse = (why: string): ResponseError<void> => new ResponseError(ErrorCodes.InvalidParams, `${command}: ${why}; nothing was read or changed.`);
  let vault: Vault | undefined;
  if (vaultUri === undefined) {
    if (workspace.vaults.length !== 1) throw refuse('the workspace has several vaults, and no vaultUri says which');
    vault = workspace.vaults[0];
  } else {
    const root = typeof vaultUri === 'string' ? fsPathOf(vaultUri) : undefined;
    vault = workspace.vaults.find((v) => v.uri === vaultUri || (root !== undefined && v.root === root));
    if (!vault) throw refuse(`${JSON.stringify(vaultUri)} is not a vault of this workspace`);
  }
  if (!vault.ready) throw refuse(`the vault ${vault.name} is still being indexed`);
  const confined = confineToVault(vault.root, given);
  if (!confined.ok) throw refuse(confined.reason);
  if (!isNotePath(confined.path) || !vault.index.note(confined.path)) throw refuse(`${JSON.stringify(given)} is not a note of the vault ${vault.name}`);
  return { vault, path: confined.path };
}

function fsPathOf(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** What an edit of a vault note applies to: the open buffer (as the client spells its URI) at its version, else the file. */
/** Where an edit of note `p` goes: its open buffer at `version` (the buffer's current one by default), else the file. */
function editTarget(vault: Vault, p: string, version?: number): EditTarget {
  const doc = workspace.documentOf(vault, p);
  return doc ? { uri: doc.uri, version: version ?? doc.version } : { uri: workspace.uriOf(vault, p), version: null };
}

const onExecuteCommand: Handler<'onExecuteCommand'> = async (params) => {
  if (params.command !== ADD_BLOCK_ID_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
  const raw = params.arguments?.[0];
  const args = (raw !== null && typeof raw === 'object' ? raw : {}) as AddBlockIdArgs & { vaultUri?: unknown };
  if (typeof args.path !== 'string' || typeof args.id !== 'string' || typeof args.line !== 'number') throw new ResponseError(ErrorCodes.InvalidParams, `${ADD_BLOCK_ID_COMMAND} needs { vaultUri, path, line, id }`);
  const { vault, path: notePath } = noteArgument(ADD_BLOCK_ID_COMMAND, args.vaultUri, args.path);
  // The text and the version are read together, with no wait in between: the edit names the text it was made for.
  const text = workspace.textOf(vault, notePath);
  if (text === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `${ADD_BLOCK_ID_COMMAND}: cannot read ${notePath}`);
  const target = editTarget(vault, notePath);
  // Refused (undefined) when the line changed since the completion was offered or the id is taken: never write
  // into text the user did not see.
  const edit = addBlockIdEdit(text, { ...args, path: notePath });
  if (!edit) return { applied: false };
  const result = await connection.workspace.applyEdit({ label: 'Add block id', edit: new WorkspaceEditBuilder().addEdits(target, [edit]).build() });
  return { applied: result.applied, id: args.id };
};

// ---------------------------------------------------------------------------------------------------------------
// Rename: the engine plans the edits (features/rename.ts); the server maps URIs and versions, and answers a
// refusal with its reason.

const RENAME_FILTERS = {
  filters: [
    { scheme: 'file', pattern: { glob: '**/*', matches: 'file' as const } },
    { scheme: 'file', pattern: { glob: '**/*', matches: 'folder' as const } },
  ],
};

/** How the engine's rename edits name a vault's documents: open buffers at the version their model was parsed from. */
function renameOptions(vault: Vault): RenameOptions {
  return {
    targetOf: (p) => editTarget(vault, p, vault.index.versionOf(p)),
    uriOf: (p) => workspace.uriOf(vault, p),
    isMember: (p) => vault.rules.isMember(p),
  };
}

/**
 * Brings the vault's edited open notes up to their buffers where that is cheap (as any request does for its own
 * note): a rename reads them all. A costly one keeps its last model; its edits name that model's version, and the
 * engine refuses a rename whose edits would land in text that changed since. Note by note, with a turn of the
 * event loop whenever a slice's time is up: a dozen edited notes of up to REQUEST_REINDEX_BUDGET_MS each would
 * otherwise hold every other request for most of a second.
 */
async function reindexDirtyNotes(vault: Vault): Promise<void> {
  const edited = [...dirtyDocuments.keys()].filter((uri) => workspace.locate(uri)?.vault === vault);
  await forEachInSlices(edited, reindexIfDirty, RENAME_SLICE_MS, nextTurn);
}

function refusedRename(reason: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestFailed, reason);
}

const onPrepareRename: Handler<'onPrepareRename'> = (params, token) =>
  guard('prepareRename', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return refusedRename('This file is not a note of an indexed vault.');
    const result = prepareRename(loc.vault.ctx, loc.path, params.position);
    return 'refused' in result ? refusedRename(result.refused) : result;
  });

/**
 * Planned in slices: renaming a note linked 25,000 times, or a heading of a 10 MB note, is seconds of work, and
 * requests are answered between the slices (the engine refuses a plan the index changed under).
 */
const RENAME_SLICE_MS = 20;

const onRenameRequest = (params: RenameParams, token: CancellationToken): Promise<WorkspaceEdit | ResponseError<void>> =>
  guardAsync('rename', token, async () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return refusedRename('This file is not a note of an indexed vault.');
    await reindexDirtyNotes(loc.vault);
    const steps = renameAtSteps({ ...loc.vault.ctx, cancellation: token }, loc.path, params.position, params.newName, renameOptions(loc.vault));
    const result = await runStepsInSlices(steps, RENAME_SLICE_MS, nextTurn);
    return 'refused' in result ? refusedRename(result.refused) : result.edit;
  });

/**
 * The explorer is about to move files or folders: the edits that keep every link to them, and every relative link
 * inside them, working. Applied by the editor before the move, so they name the old URIs.
 */
async function onWillRenameFiles(params: RenameFilesParams, token: CancellationToken): Promise<WorkspaceEdit | null> {
  // Thrown, not returned: the file-operation handlers are typed without an error result.
  const answer = await willRenameEdit(params, token);
  if (answer instanceof ResponseError) throw answer;
  // Obsidian's "Automatically update internal links" off means "ask": the editor asks before it applies a rename's
  // edits (VS Code: OK / Show Preview / Skip Changes), so the edit is proposed either way; only "never" (ours,
  // `ospoNotes.links.updateOnRename`) keeps the server out (see willRenameEdit). Asking here as well would ask
  // twice, and VS Code does not wait for a question the server asks while it runs the rename's participants.
  return answer ? answer.edit : null;
}

/** The edit keeping the links of the moved files (and the vaults it touches); null when no link needs a change. */
const willRenameEdit = (params: RenameFilesParams, token: CancellationToken): Promise<{ edit: WorkspaceEdit; vaults: Vault[] } | null | ResponseError<void>> =>
  guardAsync('willRenameFiles', token, async () => {
    const perVault = new Map<Vault, Array<{ oldPath: string; newPath: string }>>();
    for (const f of params.files) {
      const from = workspace.vaultPathOf(f.oldUri);
      const to = workspace.vaultPathOf(f.newUri);
      // Moves between vaults or out of one: no link of the index can follow them.
      if (!from || !to || from.vault !== to.vault || !from.vault.ready) continue;
      // A vault whose links do not follow renames is left alone (nothing computed, nothing refused).
      if (from.vault.settings.updateLinksOnRename === 'never') continue;
      let moves = perVault.get(from.vault);
      if (!moves) perVault.set(from.vault, (moves = []));
      moves.push({ oldPath: from.path, newPath: to.path });
    }
    const changes: NonNullable<WorkspaceEdit['documentChanges']> = [];
    const vaults: Vault[] = [];
    for (const [vault, moves] of perVault) {
      await reindexDirtyNotes(vault);
      const result = await runStepsInSlices(renameFilesSteps({ ...vault.ctx, cancellation: token }, moves, renameOptions(vault)), RENAME_SLICE_MS, nextTurn);
      if ('refused' in result) return refusedRename(result.refused);
      const vaultChanges = result.edit.documentChanges ?? [];
      if (vaultChanges.length > 0) vaults.push(vault);
      changes.push(...vaultChanges);
    }
    return changes.length > 0 ? { edit: { documentChanges: changes }, vaults } : null;
  });

/** Files moved: the index follows at once, as the file watcher's events would make it (they may come too). */
function onDidRenameFiles(params: RenameFilesParams): void {
  const changes: DidChangeWatchedFilesParams['changes'] = params.files.flatMap((f) => [
    { uri: f.oldUri, type: FileChangeType.Deleted },
    { uri: f.newUri, type: FileChangeType.Created },
  ]);
  void onWatchedFilesChanged({ changes });
}

// ---------------------------------------------------------------------------------------------------------------
// Custom requests for the client: status bar, "Check vault", and the file list the preview resolves against.

function statusOf(): { vaults: Array<{ uri: string; name: string; vault: boolean; ready: boolean; notes: number; files: number; problems: number; cache?: ModelCacheState }> } {
  return {
    vaults: workspace.vaults.map((v) => ({ uri: v.uri, name: v.name, vault: publishScope(v) === 'vault', ready: v.ready, notes: v.index.noteCount, files: v.index.files.size, problems: v.published.size, ...cacheStatusOf(v) })),
  };
}

const onStatusRequest = () => statusOf();

const onCheckVaultRequest = async () => {
  const result: Array<{ uri: string; vault: boolean; errors: number; warnings: number; information: number; hints: number; notesWithProblems: number }> = [];
  for (const v of workspace.vaults) {
    if (!v.ready) continue;
    const counts = { error: 0, warning: 0, information: 0, hint: 0 };
    let notesWithProblems = 0;
    let until = performance.now() + BACKGROUND_SLICE_MS;
    for (const p of [...v.index.notePaths()]) {
      if (!v.index.note(p)) continue;
      // A note of thousands of links is computed in slices too; if it changes meanwhile, computed again.
      let diags: NoteDiagnostic[] | undefined;
      for (let attempt = 0; !diags; attempt++) {
        diags = attempt < 3 ? await v.problems.problemsInSlices(v.index, p, diagnosticOptions(v), nextTurn, BACKGROUND_SLICE_MS) : v.problems.problems(v.index, p, diagnosticOptions(v));
      }
      if (diags.length) notesWithProblems++;
      for (const d of diags) counts[d.severity]++;
      // A note of thousands of problems is sent from the publish queue, in slices, not in this request's turn.
      if (diags.length >= SLICED_PUBLISH_DIAGNOSTICS && inPublishScope(v, p)) queuePublish(v, [p], true);
      else publishNote(v, p, inPublishScope(v, p) ? diags : []);
      if (performance.now() > until) {
        await nextTurn();
        until = performance.now() + BACKGROUND_SLICE_MS;
      }
    }
    // A broken frontmatter schema file counts as a file with a problem.
    for (const d of v.schema.problems) counts[d.severity]++;
    if (v.schema.problems.length > 0) notesWithProblems++;
    result.push({ uri: v.uri, vault: publishScope(v) === 'vault', errors: counts.error, warnings: counts.warning, information: counts.information, hints: counts.hint, notesWithProblems });
  }
  return result;
};

const onFilesRequest = () =>
  workspace.vaults.map((v) => ({ uri: v.uri, root: v.root, ready: v.ready, files: v.ready ? [...v.index.files.paths()] : [], rules: v.rules.toSettings() }));

// ---------------------------------------------------------------------------------------------------------------
// `ospo/graph`: the graph view's data (engine/src/features/graph.ts). `{ uri, depth }` is a note's local graph,
// `{ vault, whole: true }` a vault's whole graph (`vault`: the folder's URI, or any document URI inside it; left
// out when there is one vault). Answers `{ vault, ready, graph?, reason? }`; bad parameters are InvalidParams.

const onGraphRequest = (params: unknown, token: CancellationToken) => guard('graph', token, () => graphAnswer(params, token));

function graphAnswer(params: unknown, token: CancellationToken): { vault?: string; ready: boolean; graph?: VaultGraph; reason?: string } | ResponseError<void> {
  const p = (typeof params === 'object' && params !== null ? params : {}) as { uri?: unknown; depth?: unknown; vault?: unknown; whole?: unknown };
  if (p.whole === true) {
    if (p.vault !== undefined && typeof p.vault !== 'string') return new ResponseError(ErrorCodes.InvalidParams, 'ospo/graph: "vault" must be a URI string');
    const vault = p.vault === undefined ? (workspace.vaults.length === 1 ? workspace.vaults[0] : undefined) : (workspace.vaults.find((v) => v.uri === p.vault) ?? workspace.locate(p.vault)?.vault);
    if (!vault) return { ready: false, reason: p.vault === undefined ? 'Open a note of the vault whose graph you want to see.' : 'That folder is not open as a vault.' };
    if (!vault.ready) return { vault: vault.uri, ready: false, reason: 'The vault is still being indexed.' };
    return { vault: vault.uri, ready: true, graph: vaultGraph({ ...vault.ctx, cancellation: token, defaultVisibility: settings.visibility.default }) };
  }
  if (typeof p.uri !== 'string') return new ResponseError(ErrorCodes.InvalidParams, 'ospo/graph needs { uri, depth } (a note) or { vault, whole: true }');
  if (p.depth !== undefined && !(Number.isInteger(p.depth) && (p.depth as number) >= MIN_GRAPH_DEPTH && (p.depth as number) <= MAX_GRAPH_DEPTH)) {
    return new ResponseError(ErrorCodes.InvalidParams, `ospo/graph: "depth" must be a whole number from ${MIN_GRAPH_DEPTH} to ${MAX_GRAPH_DEPTH}`);
  }
  const where = workspace.locate(p.uri);
  if (!where) return { ready: false, reason: 'This file is not part of a vault.' };
  if (!where.vault.ready) return { vault: where.vault.uri, ready: false, reason: 'The vault is still being indexed.' };
  const loc = located(p.uri) ?? where;
  const graph = localGraph({ ...loc.vault.ctx, cancellation: token, defaultVisibility: settings.visibility.default }, loc.path, (p.depth as number | undefined) ?? MIN_GRAPH_DEPTH);
  if (!graph) return { vault: loc.vault.uri, ready: true, reason: 'This file is not a note of the vault.' };
  return { vault: loc.vault.uri, ready: true, graph };
}

// ---------------------------------------------------------------------------------------------------------------
// The Backlinks view: `ospo/backlinks` (linked and unlinked mentions of a note) and `ospo/linkMentions` (turn
// one mention, or all of a note's, into links). The rules are the engine's (features/backlinks.ts,
// features/unlinkedMentions.ts); here only URIs, versions and the editor's edit.

function registerBacklinksRequests(): void {
  mentionCaches = new WeakMap();
  mentionEditsInFlight.clear();
  connection.onRequest('ospo/backlinks', onBacklinksRequest);
  connection.onRequest('ospo/linkMentions', onLinkMentionsRequest);
}

/** Vault URI and path of the notes whose mention links are being applied (see onLinkMentionsRequest). */
const mentionEditsInFlight = new Set<string>();

/** Per vault, what each note's model was found to mention: a refresh re-reads only the notes that changed. */
let mentionCaches = new WeakMap<Vault, MentionCache>();

function mentionCacheOf(vault: Vault): MentionCache {
  let cache = mentionCaches.get(vault);
  if (!cache) mentionCaches.set(vault, (cache = new MentionCache()));
  return cache;
}

/** {@link guard} for handlers that await: a cancellation or an exception answers the request, the server lives on. */
async function guardAsync<T>(name: string, token: CancellationToken | undefined, work: () => Promise<T>): Promise<T | ResponseError<void>> {
  if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  try {
    return await work();
  } catch (e) {
    if (e instanceof ResponseError) return e as ResponseError<void>;
    if (e instanceof RequestCancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    connection.console.error(`${name} failed: ${(e as Error).stack ?? e}`);
    return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${(e as Error).message ?? e}`);
  }
}

/** The vault and path of a note named by a view's request (by URI), or undefined when it is no indexed note. */
function viewedNote(uri: unknown): { vault: Vault; path: string } | undefined {
  if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'the request needs the note\'s uri');
  const loc = located(uri);
  return loc && isNotePath(loc.path) && loc.vault.index.note(loc.path) ? loc : undefined;
}

const onBacklinksRequest = (params: { uri?: unknown; limit?: unknown }, token: CancellationToken) =>
  guardAsync('backlinks', token, async () => {
    const loc = viewedNote(params?.uri);
    if (!loc) return null;
    const { vault, path: notePath } = loc;
    // Mentions are found in the notes' texts with their models: edited open notes are brought up to their buffers.
    await reindexDirtyNotes(vault);
    const ctx = { ...vault.ctx, cancellation: token };
    // Both read notes' texts (the linking notes', every note's): in slices, answering other requests in between.
    const linked = await provideBacklinksInSlices(ctx, notePath, nextTurn);
    const limit = typeof params.limit === 'number' && Number.isFinite(params.limit) && params.limit >= 0 ? Math.floor(params.limit) : undefined;
    const unlinked = await findUnlinkedMentions(ctx, notePath, { limit, pause: nextTurn, cache: mentionCacheOf(vault) });
    const uriOf = (p: string): string => workspace.uriOf(vault, p);
    return {
      uri: uriOf(notePath),
      vaultUri: vault.uri,
      path: notePath,
      linked: { notes: linked.notes.map((n) => ({ uri: uriOf(n.path), ...n })), count: linked.count },
      unlinked: {
        notes: unlinked.notes.map((n) => ({ uri: uriOf(n.path), ...n })),
        count: unlinked.count,
        more: unlinked.more,
        terms: unlinked.terms.map((t) => t.text),
        skippedTerms: unlinked.skippedTerms.map((t) => t.text),
      },
    };
  });

function mentionArgument(raw: unknown): MentionRef | undefined {
  if (raw === undefined || raw === null) return undefined;
  const m = raw as Partial<MentionRef>;
  const isPos = (p: unknown): boolean => typeof p === 'object' && p !== null && Number.isInteger((p as { line: unknown }).line) && Number.isInteger((p as { character: unknown }).character);
  if (typeof m.text !== 'string' || !m.range || !isPos(m.range.start) || !isPos(m.range.end)) {
    throw new ResponseError(ErrorCodes.InvalidParams, 'ospo/linkMentions: mention must be { range, text }');
  }
  return { range: m.range, text: m.text };
}

const onLinkMentionsRequest = (params: { uri?: unknown; source?: unknown; mention?: unknown }, token: CancellationToken) =>
  guardAsync('linkMentions', token, async () => {
    const target = viewedNote(params?.uri);
    if (typeof params.source !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'ospo/linkMentions needs { uri, source, mention? }');
    const source = workspace.locate(params.source);
    const mention = mentionArgument(params.mention);
    if (!target || !source || source.vault !== target.vault || !source.vault.index.note(source.path)) {
      throw new ResponseError(LSPErrorCodes.RequestFailed, 'Both notes must be notes of the same indexed vault. Nothing was changed.');
    }
    const { vault } = target;
    // One edit of a note's mentions at a time: a second request while the first edit is being applied would be
    // planned from the text before it (a note not open has no version to refuse it by) and link a link again.
    const busy = `${vault.uri}\u0000${source.path}`;
    if (mentionEditsInFlight.has(busy)) throw new ResponseError(LSPErrorCodes.RequestFailed, `Mentions in ${source.path} are being linked already. Nothing more was changed.`);
    // The text and the version are read together, with no wait in between: the edit names the text it was made for.
    const text = workspace.textOf(vault, source.path);
    if (text === undefined) throw new ResponseError(LSPErrorCodes.RequestFailed, `Cannot read ${source.path}. Nothing was changed.`);
    const edited = editTarget(vault, source.path);
    const plan = planMentionLinks(vault.ctx, target.path, source.path, text, mention);
    if ('refused' in plan) throw new ResponseError(LSPErrorCodes.RequestFailed, plan.refused);
    const edit = new WorkspaceEditBuilder().addEdits(edited, plan.edits).build();
    const label = plan.edits.length === 1 ? 'Link mention' : `Link ${plan.edits.length} mentions`;
    mentionEditsInFlight.add(busy);
    try {
      const result = await connection.workspace.applyEdit({ label, edit });
      return { applied: result.applied, links: plan.edits.length, ...(result.failureReason ? { failureReason: result.failureReason } : {}) };
    } finally {
      mentionEditsInFlight.delete(busy);
    }
  });

// ---------------------------------------------------------------------------------------------------------------
// Daily notes and templates (client/src/protocol.ts `ospo/dailyNote`, `ospo/templates`, `ospo/insertTemplate`,
// `ospo/noteFromTemplate`). The rules are the engine's (features/dailyNotes.ts, templates.ts); here the vault is
// found, the user's clock read, and the edits built: a new note is a `CreateFile` and its text, the client applies
// it and opens the note.

function registerDailyNoteAndTemplateRequests(): void {
  connection.onRequest<DailyNoteAnswer, void>('ospo/dailyNote', onDailyNoteRequest);
  connection.onRequest<TemplatesAnswer, void>('ospo/templates', onTemplatesRequest);
  connection.onRequest<EditAnswer, void>('ospo/insertTemplate', onInsertTemplateRequest);
  connection.onRequest<NoteAnswer, void>('ospo/noteFromTemplate', onNoteFromTemplateRequest);
}

/** The answers, as client/src/protocol.ts types them. */
type DailyNoteAnswer = { kind: 'open'; uri: string; path: string } | { kind: 'create'; uri: string; path: string; edit: WorkspaceEdit } | { kind: 'none' | 'refused'; message: string };
type TemplatesAnswer = { ok: true; folder: string; templates: Array<{ path: string; uri: string }> } | { ok: false; message: string };
type EditAnswer = { ok: true; edit: WorkspaceEdit } | { ok: false; message: string };
type NoteAnswer = { ok: true; uri: string; path: string; edit: WorkspaceEdit } | { ok: false; message: string };

interface VaultRequest {
  uri?: unknown;
  vaultUri?: unknown;
  now?: unknown;
}

/**
 * The vault a request is about: the active note's (`uri`), else the one `vaultUri` names, else the only one; and
 * the note's path when `uri` is a note of it; or why there is none (or it is still being indexed).
 */
function requestVault(params: VaultRequest): { vault: Vault; path?: string } | { message: string } {
  const uri = typeof params.uri === 'string' ? params.uri : undefined;
  const loc = uri !== undefined ? located(uri) : undefined;
  let vault = loc?.vault;
  if (!vault && uri !== undefined) vault = workspace.locate(uri)?.vault;
  if (!vault && typeof params.vaultUri === 'string') {
    const root = fsPathOf(params.vaultUri);
    vault = workspace.vaults.find((v) => v.uri === params.vaultUri || (root !== undefined && v.root === root));
  }
  if (!vault && workspace.vaults.length === 1) vault = workspace.vaults[0];
  if (!vault) return { message: workspace.vaults.length === 0 ? 'Open a vault folder first.' : 'Open a note of the vault first: the workspace has several vaults.' };
  if (!vault.ready) return { message: `The vault ${vault.name} is still being indexed; try again in a moment.` };
  return { vault, path: loc && loc.vault === vault && isNotePath(loc.path) ? loc.path : undefined };
}

/** The user's local wall-clock time the client sent (`YYYY-MM-DDTHH:mm:ss`, read as local time); else the server's. */
function requestClock(params: VaultRequest): Date {
  if (typeof params.now === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(params.now)) {
    const d = new Date(params.now);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

/** A new note's edit: created (never over a file), then its text. */
function noteCreationEdit(vault: Vault, p: string, text: string): WorkspaceEdit {
  const uri = workspace.uriOf(vault, p);
  const edit = new WorkspaceEditBuilder().createFile(uri);
  if (text !== '') edit.insert({ uri, version: null }, { line: 0, character: 0 }, text);
  return edit.build();
}

const onDailyNoteRequest = (params: VaultRequest & { which?: unknown }, token?: CancellationToken) =>
  guard('dailyNote', token, (): DailyNoteAnswer | ResponseError<void> => {
    const at = requestVault(params);
    if ('message' in at) return { kind: 'refused', message: at.message };
    const now = requestClock(params);
    if (params.which === 'previous' || params.which === 'next') {
      const found = adjacentDailyNote(at.vault.ctx, params.which, at.path, now);
      if (!found) {
        const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
        return { kind: 'none', message: `There is no ${params.which === 'previous' ? 'earlier' : 'later'} daily note than ${at.path !== undefined && adjacentFrom(at.vault, at.path) ? `"${at.path}"` : `today (${day})`}.` };
      }
      return { kind: 'open', uri: workspace.uriOf(at.vault, found.path), path: found.path };
    }
    if (params.which !== 'today') return new ResponseError(ErrorCodes.InvalidParams, 'ospo/dailyNote needs which: "today", "previous" or "next"');
    const plan = planDailyNote(at.vault.ctx, now);
    if (plan.kind === 'refuse') return { kind: 'refused', message: plan.reason };
    if (plan.kind === 'open') return { kind: 'open', uri: workspace.uriOf(at.vault, plan.path), path: plan.path };
    return { kind: 'create', uri: workspace.uriOf(at.vault, plan.path), path: plan.path, edit: noteCreationEdit(at.vault, plan.path, plan.text) };
  });

/** Whether previous/next counted from the note at `p` (a daily note) rather than from today. */
function adjacentFrom(vault: Vault, p: string): boolean {
  return dailyNoteDate(vault.settings.dailyNotes, p) !== undefined;
}

const onTemplatesRequest = (params: VaultRequest, token?: CancellationToken) =>
  guard('templates', token, (): TemplatesAnswer => {
    const at = requestVault(params ?? {});
    if ('message' in at) return { ok: false, message: at.message };
    const listed = templateNotes(at.vault.ctx);
    if (!listed.ok) return { ok: false, message: listed.reason };
    return { ok: true, folder: listed.folder, templates: listed.paths.map((p) => ({ path: p, uri: workspace.uriOf(at.vault, p) })) };
  });

const onInsertTemplateRequest = (params: VaultRequest & { range?: Range; template?: unknown }, token?: CancellationToken) =>
  guard('insertTemplate', token, (): EditAnswer | ResponseError<void> => {
    if (typeof params.uri !== 'string' || typeof params.template !== 'string' || !isRange(params.range)) {
      return new ResponseError(ErrorCodes.InvalidParams, 'ospo/insertTemplate needs { uri, range, template, now }');
    }
    const at = requestVault(params);
    if ('message' in at) return { ok: false, message: at.message };
    if (at.path === undefined) return { ok: false, message: 'Templates are inserted into notes of a vault: open one first.' };
    // The text and the version are read together, with no wait in between: the edit names the text it was made for.
    const target = editTarget(at.vault, at.path);
    const planned = planTemplateInsertion(at.vault.ctx, at.path, params.range, params.template, requestClock(params));
    if (!planned.ok) return { ok: false, message: planned.reason };
    return { ok: true, edit: new WorkspaceEditBuilder().addEdits(target, planned.edits).build() };
  });

const onNoteFromTemplateRequest = (params: VaultRequest & { template?: unknown; name?: unknown }, token?: CancellationToken) =>
  guard('noteFromTemplate', token, (): NoteAnswer | ResponseError<void> => {
    if (typeof params.template !== 'string' || typeof params.name !== 'string') return new ResponseError(ErrorCodes.InvalidParams, 'ospo/noteFromTemplate needs { template, name, now }');
    const at = requestVault(params);
    if ('message' in at) return { ok: false, message: at.message };
    const planned = planNoteFromTemplate(at.vault.ctx, params.name, params.template, at.path ?? '', requestClock(params));
    if (!planned.ok) return { ok: false, message: planned.reason };
    if (!at.vault.rules.isMember(planned.path)) return { ok: false, message: `"${planned.path}" would be outside the vault's notes (an ignored or hidden folder); choose another name or folder.` };
    return { ok: true, uri: workspace.uriOf(at.vault, planned.path), path: planned.path, edit: noteCreationEdit(at.vault, planned.path, planned.text) };
  });

function isRange(r: unknown): r is Range {
  const pos = (p: unknown): boolean => p !== null && typeof p === 'object' && Number.isInteger((p as Range['start']).line) && Number.isInteger((p as Range['start']).character);
  return r !== null && typeof r === 'object' && pos((r as Range).start) && pos((r as Range).end);
}

// ---------------------------------------------------------------------------------------------------------------
// The model cache (engine io/modelCache.ts): each vault's parsed notes on disk, so that the next start parses only
// the notes that changed. The folder comes from the client (`initializationOptions.cacheFolder`: VS Code's
// storage for the workspace), else the user's cache folder, so that every LSP client gets warm starts.

/** How long after the last change the cache is written (in the background, in slices). */
const CACHE_WRITE_DELAY_MS = 1500;

let cacheFolder = defaultCacheFolder();
const modelCaches = new Map<Vault, ModelCache>();

function resetModelCaches(): void {
  for (const c of modelCaches.values()) c.dispose();
  modelCaches.clear();
  cacheFolder = defaultCacheFolder();
}

function readCacheFolder(options: unknown): void {
  const folder = (options as { cacheFolder?: unknown } | undefined)?.cacheFolder;
  if (typeof folder === 'string' && path.isAbsolute(folder)) cacheFolder = folder;
}

/** A fresh cache for a vault's (re)load, or none when `ospoNotes.cache.enabled` is off. */
async function openModelCache(vault: Vault): Promise<ModelCache | undefined> {
  modelCaches.get(vault)?.dispose();
  modelCaches.delete(vault);
  if (!settings.cache.enabled) return undefined;
  // Read without blocking: requests are answered while a big vault's cache is read and checked.
  const cache = await ModelCache.load({ dir: cacheFolder, root: vault.root, log: (line) => connection.console.log(`${vault.name}: ${line}`) });
  modelCaches.set(vault, cache);
  return cache;
}

/** Changes not written yet are written before the process ends (the client waits for the shutdown answer). */
async function onShutdownWriteCaches(): Promise<void> {
  await Promise.all([...modelCaches.values()].map((c) => c.flush()));
}

/** A vault left the workspace: what is pending is written, and its cache let go. */
async function releaseModelCache(vault: Vault): Promise<void> {
  const cache = modelCaches.get(vault);
  modelCaches.delete(vault);
  await cache?.flush();
}

function scheduleCacheWrite(vault: Vault): void {
  if (workspace.vaults.includes(vault)) modelCaches.get(vault)?.scheduleWrite(CACHE_WRITE_DELAY_MS);
}

/** What `ospo/status` says of a vault's cache: whether it was read, and how many notes came from it. */
interface ModelCacheState {
  state: 'read' | 'rebuilt';
  reason?: string;
  hits: number;
  misses: number;
  writes: number;
}

function cacheStatusOf(vault: Vault): { cache?: ModelCacheState } {
  const c = modelCaches.get(vault)?.status;
  return c ? { cache: { state: c.state, ...(c.reason ? { reason: c.reason } : {}), hits: c.hits, misses: c.misses, writes: c.writes } } : {};
}

// ---------------------------------------------------------------------------------------------------------------
// The Tags, Orphans and Placeholders views (client/src/views/tags.ts, loose.ts): each asks for its vaults' data
// from the index (engine features/tags.ts, features/orphans.ts). Types: client/src/protocol.ts.

/** The vaults a view request is about: the one `uri` names, else every vault of the workspace. */
function viewVaults(params: unknown): Vault[] {
  const uri = params !== null && typeof params === 'object' ? (params as { uri?: unknown }).uri : undefined;
  if (uri === undefined) return workspace.vaults;
  if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'uri must be the URI of a vault of the workspace');
  return workspace.vaults.filter((v) => v.uri === uri);
}

function vaultHeader(v: Vault): { uri: string; name: string; vault: boolean; ready: boolean } {
  return { uri: v.uri, name: v.name, vault: publishScope(v) === 'vault', ready: v.ready };
}

/** `{ uri?, tag? }`: the tag tree of each vault, or with `tag`, the notes tagged with exactly that tag. */
const onTagsRequest = (params: unknown, token: CancellationToken) =>
  guard('tags', token, () => {
    const tag = params !== null && typeof params === 'object' ? (params as { tag?: unknown }).tag : undefined;
    if (tag !== undefined && typeof tag !== 'string') return new ResponseError(ErrorCodes.InvalidParams, 'tag must be a tag name');
    return viewVaults(params).map((v) => {
      if (!v.ready) return { ...vaultHeader(v), tags: [] };
      return tag === undefined ? { ...vaultHeader(v), tags: tagTree(v.index, token) } : { ...vaultHeader(v), tags: [], notes: notesWithTag(v.index, tag, token) };
    });
  });

const onOrphansRequest = (params: unknown, token: CancellationToken) =>
  guard('orphans', token, () =>
    viewVaults(params).map((v) => ({
      ...vaultHeader(v),
      orphans: v.ready ? findOrphans(v.index, { templatesFolder: vaultSettingsOf(v.ctx).templates.folder, cancellation: token }) : [],
    })),
  );

const onPlaceholdersRequest = (params: unknown, token: CancellationToken) =>
  guard('placeholders', token, () =>
    viewVaults(params).map((v) => ({
      ...vaultHeader(v),
      placeholders: v.ready ? findPlaceholders(v.index, { newNoteFolder: vaultSettingsOf(v.ctx).newNoteFolder, cancellation: token }) : [],
    })),
  );

/**
 * `{ uri: vaultUri, path }`: creates the note a placeholder waits on (a vault path from `ospo/placeholders`), as
 * the create-note quick fix does: a `CreateFile` and the template's text, one workspace edit the editor applies.
 * Answers `{ applied, uri, path }`; a refusal is an error with its reason.
 */
const onCreatePlaceholderNoteRequest = async (params: unknown, token: CancellationToken) => {
  const p = (params !== null && typeof params === 'object' ? params : {}) as { uri?: unknown; path?: unknown };
  const refuse = (why: string): ResponseError<void> => new ResponseError(ErrorCodes.InvalidParams, `Create note: ${why}`);
  if (typeof p.uri !== 'string' || typeof p.path !== 'string') return refuse('needs { uri: the vault, path: the note to create }.');
  const vault = workspace.vaults.find((v) => v.uri === p.uri);
  if (!vault) return refuse(`${JSON.stringify(p.uri)} is not a vault of this workspace.`);
  if (!vault.ready) return refuse(`the vault ${vault.name} is still being indexed; try again in a moment.`);
  const planned = guard('createPlaceholderNote', token, () => placeholderNoteCreation({ ...vault.ctx, cancellation: token }, p.path as string, newNoteOptions(vault)));
  if (planned instanceof ResponseError) return planned;
  if (!planned.ok) return refuse(planned.reason);
  const uri = workspace.uriOf(vault, planned.create.path);
  const edit = new WorkspaceEditBuilder().createFile(uri).insert({ uri, version: null }, { line: 0, character: 0 }, planned.create.text).build();
  // As a refactoring, the editor saves the note it creates (`files.refactoring.autoSave`), as it does a quick fix's.
  const result = await connection.workspace.applyEdit({ label: `Create note '${planned.create.path}'`, edit, metadata: { isRefactoring: true } });
  return { applied: result.applied, uri, path: planned.create.path, ...(result.failureReason ? { failureReason: result.failureReason } : {}) };
};
