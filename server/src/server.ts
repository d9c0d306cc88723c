/**
 * The language server: adapts LSP to the editor-free engine. It holds no rules of link syntax or resolution;
 * it maps URIs to vault paths, keeps the indexes current as documents and files change, and publishes
 * diagnostics for every note of every vault (not only open ones), recomputed only for the notes an edit affects.
 * A workspace folder that is not a vault (core/vaultRule.ts) is served quietly: problems for open notes only.
 *
 * `node server/out/server.js --stdio` (or `--node-ipc`, which the VS Code client uses).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CodeActionKind,
  CompletionList,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  ErrorCodes,
  LSPErrorCodes,
  FileChangeType,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type Location,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { noteDiagnostics, type NoteDiagnostic, type Severity } from './core/diagnostics';
import { applyMembership, parseBuffer, readAndParse } from './core/load';
import { scanVault } from './core/scan';
import { isNotePath } from './core/paths';
import { readFolderMarkers } from './core/markers';
import { decideVault, touchesVaultMarker, type VaultDecision } from './core/vaultRule';
import { IGNORE_FILE_NAME, VaultRules, type MembershipSettings } from './core/membership';
import { FileLookup } from './core/fileLookup';
import type { PathLocation } from './core/features/context';
import { ADD_BLOCK_ID_COMMAND, COMPLETION_TRIGGER_CHARACTERS, addBlockIdEdit, prepareCompletion, provideCompletion, type AddBlockIdArgs } from './core/features/completion';
import { provideDefinition } from './core/features/definition';
import { provideHover } from './core/features/hover';
import { provideReferences } from './core/features/references';
import { provideDocumentSymbols, provideWorkspaceSymbols } from './core/features/symbols';
import { provideDocumentLinks } from './core/features/documentLinks';
import { provideFoldingRanges } from './core/features/folding';
import { provideQuickFixes } from './core/features/codeActions';
import { WorkspaceEditBuilder, type EditTarget } from './core/edits';
import { confineToVault } from './core/confine';
import { URI } from 'vscode-uri';
import { Workspace, type Vault } from './workspace';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const workspace = new Workspace(documents);

/** Settings under `ospoNotes.*` (see package.json `contributes.configuration`). */
interface Settings {
  unresolvedLinkSeverity: Severity | 'off';
  ignoredFolders: string[];
  /** Folders treated as vaults without a marker (see core/vaultRule.ts). */
  vaults: string[];
  /** The editor's `files.exclude` globs that are on (sent by the client; not an `ospoNotes` setting). */
  filesExclude: string[];
}

const DEFAULT_SETTINGS: Settings = { unresolvedLinkSeverity: 'warning', ignoredFolders: [], vaults: [], filesExclude: [] };
let settings: Settings = DEFAULT_SETTINGS;
let clientCanConfigure = false;
let clientWatchesDynamically = false;
let clientHasFolders = false;

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle

connection.onInitialize((params: InitializeParams): InitializeResult => {
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
});

let initialized = false;

connection.onInitialized(async () => {
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
        if (v) for (const p of v.published) void connection.sendDiagnostics({ uri: workspace.uriOf(v, p), diagnostics: [] });
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
});

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
  try {
    membershipUsed.set(vault, JSON.stringify(membershipOf(settings)));
    await workspace.index(vault, membershipOf(settings), (done, total) => progress?.report(Math.round((done / Math.max(total, 1)) * 100), `${done}/${total} notes`));
  } catch (e) {
    connection.console.error(`Indexing ${vault.root} failed: ${(e as Error).stack ?? e}`);
  }
  progress?.done();
  for (const w of vault.warnings) connection.console.warn(`${vault.name}: ${w.path}: ${w.message}`);
  connection.console.log(`Indexed ${vault.name}: ${vault.index.noteCount} notes, ${vault.index.files.size} files in ${Date.now() - started} ms.`);
  await publishAll(vault);
  // Build the completion names and the workspace symbol list now, so that the user's first `[[` or symbol
  // search does not pay for them.
  prepareCompletion(vault.index);
  provideWorkspaceSymbols(vault.index, '', 1);
  void connection.sendNotification('ospo/indexed', statusOf());
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
    ignoredFolders: Array.isArray(s.ignoredFolders) ? s.ignoredFolders.filter((x): x is string => typeof x === 'string') : [],
    vaults: Array.isArray(s.vaults) ? s.vaults.filter((x): x is string => typeof x === 'string') : [],
    filesExclude: excludeGlobs((s as { filesExclude?: unknown }).filesExclude),
  };
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

connection.onDidChangeConfiguration(async (change) => {
  const before = JSON.stringify(settings);
  const pushed = change.settings as { ospoNotes?: Partial<Settings>; files?: { exclude?: unknown } } | undefined;
  settings = clientCanConfigure ? await fetchSettings() : normalizeSettings({ ...pushed?.ospoNotes, filesExclude: pushed?.files?.exclude } as Partial<Settings>);
  if (JSON.stringify(settings) === before) return;
  await redecideVaults(workspace.vaults); // the loop below publishes in the new scope
  for (const v of workspace.vaults) {
    if (!v.ready) continue;
    if (membershipUsed.get(v) !== JSON.stringify(membershipOf(settings))) await applyMembershipChange(v);
    await publishAll(v);
  }
});

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
  const { added, removed, affected, outside } = await applyMembership(vault.root, vault.index, rules, buffers);
  vault.outside = new FileLookup(outside);
  if (removed.length > 0 || added.length > 0) {
    connection.console.log(`${vault.name}: membership changed: ${added.length} files entered the index, ${removed.length} left it.`);
    await publishAffected(vault, affected);
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
    source: 'ospo-notes',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri: workspace.uriOf(vault, r.path), range: r.range }, message: r.message })),
    data: d.data,
  };
}

function publishNote(vault: Vault, p: string): void {
  const diags = vault.index.note(p) && inPublishScope(vault, p) ? noteDiagnostics(vault.index, p, { unresolvedLinkSeverity: settings.unresolvedLinkSeverity, outside: vault.outside }) : [];
  if (diags.length === 0 && !vault.published.has(p)) return;
  if (diags.length === 0) vault.published.delete(p);
  else vault.published.add(p);
  void connection.sendDiagnostics({ uri: workspace.uriOf(vault, p), diagnostics: diags.map((d) => toLspDiagnostic(vault, d)) });
}

/** Publishes every note's problems, yielding to the event loop between slices so requests stay responsive. */
async function publishAll(vault: Vault): Promise<void> {
  const paths = new Set<string>([...vault.index.notePaths(), ...vault.published]);
  await inSlices([...paths], (p) => publishNote(vault, p));
}

async function publishAffected(vault: Vault, affected: Iterable<string>): Promise<void> {
  const list = [...affected];
  // The edited note first and synchronously: that is the squiggle the user is looking at.
  if (list.length <= 64) {
    for (const p of list) publishNote(vault, p);
    return;
  }
  await inSlices(list, (p) => publishNote(vault, p));
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

documents.onDidChangeContent((e) => {
  const loc = workspace.locate(e.document.uri);
  if (!loc || !isNotePath(loc.path) || !loc.vault.ready) return;
  const affected = loc.vault.index.upsertNote(parseBuffer(loc.path, e.document.getText()));
  void publishAffected(loc.vault, affected);
  void connection.sendNotification('ospo/indexChanged', statusOf());
});

documents.onDidClose(async (e) => {
  // Unsaved changes were discarded: the file on disk is the truth again.
  const loc = workspace.locate(e.document.uri);
  if (!loc || !isNotePath(loc.path) || !loc.vault.ready) return;
  const model = await readAndParse(loc.vault.root, loc.path);
  const affected = model ? loc.vault.index.upsertNote(model) : loc.vault.index.removeFile(loc.path);
  void publishAffected(loc.vault, affected);
});

function isFolderOnDisk(vault: Vault, p: string): boolean {
  try {
    return fs.statSync(workspace.absPath(vault, p)).isDirectory();
  } catch {
    return false;
  }
}

/** Folders (created or changed) come through the watcher too; only files are indexed. */
function isFileOnDisk(vault: Vault, p: string): boolean {
  try {
    return fs.statSync(workspace.absPath(vault, p)).isFile();
  } catch {
    return false;
  }
}

/** A file that appeared as a symlink leading out of its vault: never read, said once in the log. */
function reportEscape(uri: string): void {
  const escaped = workspace.recordEscape(uri);
  if (escaped) connection.console.warn(`${escaped.vault.name}: ${escaped.path}: symlink leads outside the vault: not read`);
}

connection.onDidChangeWatchedFiles(async (params) => {
  await onVaultMarkerEvents(params.changes);
  const ignoreFilesChanged = new Set<Vault>();
  for (const change of params.changes) {
    const v = ignoreFileVault(change.uri);
    if (v?.ready) ignoreFilesChanged.add(v);
  }
  for (const v of ignoreFilesChanged) await applyMembershipChange(v);
  // A folder moved or copied into the vault arrives as one event for the folder: expand it into its files.
  const changes: Array<{ uri: string; type: FileChangeType }> = [];
  for (const change of params.changes) {
    const loc = change.type !== FileChangeType.Deleted ? workspace.locate(change.uri) : undefined;
    if (loc && isFolderOnDisk(loc.vault, loc.path)) {
      const inside = await scanVault(loc.vault.root, { rules: loc.vault.rules, under: loc.path });
      for (const p of inside.outside) if (loc.vault.outside.add(p)) connection.console.warn(`${loc.vault.name}: ${p}: symlink leads outside the vault: not read`);
      for (const f of inside.files) changes.push({ uri: workspace.uriOf(loc.vault, f), type: FileChangeType.Created });
    } else {
      changes.push(change);
    }
  }
  const touched = new Map<Vault, Set<string>>();
  const fileSetChanges = new Map<Vault, { added: string[]; removed: string[] }>();
  const noteFileSet = (v: Vault, kind: 'added' | 'removed', p: string): void => {
    let c = fileSetChanges.get(v);
    if (!c) fileSetChanges.set(v, (c = { added: [], removed: [] }));
    c[kind].push(p);
  };
  for (const change of changes) {
    const loc = workspace.locate(change.uri);
    if (!loc && change.type !== FileChangeType.Deleted) reportEscape(change.uri);
    if (!loc || !loc.vault.ready) continue;
    const { vault, path: p } = loc;
    let affected: Set<string>;
    if (change.type === FileChangeType.Deleted) {
      const wasFile = vault.index.files.has(p);
      if (wasFile) noteFileSet(vault, 'removed', p);
      affected = vault.index.removeFile(p);
      // A deleted folder arrives as one event: drop everything under it (a file needs no such scan).
      const prefix = p + '/';
      for (const f of wasFile ? [] : [...vault.index.files.paths()]) {
        if (!f.startsWith(prefix)) continue;
        noteFileSet(vault, 'removed', f);
        for (const a of vault.index.removeFile(f)) affected.add(a);
      }
      if (vault.published.has(p)) {
        vault.published.delete(p);
        void connection.sendDiagnostics({ uri: workspace.uriOf(vault, p), diagnostics: [] });
      }
    } else if (isNotePath(p)) {
      if (workspace.documentOf(vault, p)) continue; // the buffer is the truth while open
      if (!isFileOnDisk(vault, p)) continue;
      if (!vault.index.files.has(p)) noteFileSet(vault, 'added', p);
      const model = await readAndParse(vault.root, p);
      affected = model ? vault.index.upsertNote(model) : new Set();
    } else {
      if (!isFileOnDisk(vault, p)) continue;
      if (!vault.index.files.has(p)) noteFileSet(vault, 'added', p);
      affected = vault.index.addAttachment(p);
    }
    let set = touched.get(vault);
    if (!set) touched.set(vault, (set = new Set()));
    for (const a of affected) set.add(a);
  }
  for (const [vault, c] of fileSetChanges) void connection.sendNotification('ospo/filesChanged', { uri: vault.uri, ...c });
  for (const [vault, set] of touched) await publishAffected(vault, set);
  if (touched.size > 0) void connection.sendNotification('ospo/indexChanged', statusOf());
});

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
    let fsPath: string;
    try {
      fsPath = URI.parse(change.uri).fsPath;
    } catch {
      continue;
    }
    for (const v of workspace.vaults) {
      const rel = path.relative(v.root, fsPath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel) && touchesVaultMarker(rel.split(path.sep).join('/'))) folders.add(v);
    }
  }
  if (folders.size === 0) return;
  for (const v of await redecideVaults([...folders])) if (v.ready) await publishAll(v);
}

/** Outside a vault a note's problems go when it closes (in a vault they stay: every note is checked). */
documents.onDidClose((e) => {
  const loc = workspace.locate(e.document.uri);
  if (loc && publishScope(loc.vault) === 'open-notes') publishNote(loc.vault, loc.path);
});

// ---------------------------------------------------------------------------------------------------------------
// Requests. Each handler runs the engine inside `guard`: an exception answers this request with an error and
// the server lives on.

function guard<T>(name: string, token: CancellationToken | undefined, work: () => T): T | ResponseError<void> {
  if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  try {
    return work();
  } catch (e) {
    connection.console.error(`${name} failed: ${(e as Error).stack ?? e}`);
    return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${(e as Error).message ?? e}`);
  }
}

function located(uri: string): { vault: Vault; path: string } | undefined {
  const loc = workspace.locate(uri);
  return loc && loc.vault.ready ? loc : undefined;
}

function toLocation(vault: Vault, l: PathLocation): Location {
  return { uri: workspace.uriOf(vault, l.path), range: l.range };
}

connection.onCompletion((params, token) =>
  guard('completion', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return CompletionList.create([], false);
    const list = provideCompletion(loc.vault.ctx, loc.path, params.position);
    // The command's path is vault-relative: say which vault, for workspaces with several.
    for (const item of list.items) {
      if (item.command?.command === ADD_BLOCK_ID_COMMAND && item.command.arguments?.[0]) item.command.arguments[0] = { ...item.command.arguments[0], vaultUri: loc.vault.uri };
    }
    return list;
  }),
);

connection.onDefinition((params, token) =>
  guard('definition', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return [];
    return provideDefinition(loc.vault.ctx, loc.path, params.position).map((l) => toLocation(loc.vault, l));
  }),
);

connection.onHover((params, token) =>
  guard('hover', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return null;
    return provideHover(loc.vault.ctx, loc.path, params.position, { toUri: (p) => workspace.uriOf(loc.vault, p) }) ?? null;
  }),
);

connection.onReferences((params, token) =>
  guard('references', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return [];
    return provideReferences(loc.vault.ctx, loc.path, params.position, params.context.includeDeclaration).map((l) => toLocation(loc.vault, l));
  }),
);

connection.onDocumentSymbol((params, token) =>
  guard('documentSymbol', token, () => {
    const loc = located(params.textDocument.uri);
    const note = loc?.vault.index.note(loc.path);
    return note ? provideDocumentSymbols(note) : [];
  }),
);

connection.onWorkspaceSymbol((params, token) =>
  guard('workspaceSymbol', token, () =>
    workspace.vaults.flatMap((v) =>
      v.ready
        ? provideWorkspaceSymbols(v.index, params.query, 500).map((s) => ({
            name: s.name,
            kind: s.kind,
            containerName: s.containerName,
            location: toLocation(v, s.location),
          }))
        : [],
    ),
  ),
);

connection.onDocumentLinks((params, token) =>
  guard('documentLinks', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return [];
    return provideDocumentLinks(loc.vault.ctx, loc.path, (p) => workspace.uriOf(loc.vault, p));
  }),
);

connection.onFoldingRanges((params, token) =>
  guard('foldingRanges', token, () => {
    const loc = located(params.textDocument.uri);
    const note = loc?.vault.index.note(loc.path);
    const text = loc ? workspace.textOf(loc.vault, loc.path) : undefined;
    return note && text !== undefined ? provideFoldingRanges(note, text) : [];
  }),
);

connection.onCodeAction((params, token) =>
  guard('codeAction', token, () => {
    const loc = located(params.textDocument.uri);
    if (!loc) return [];
    const diagnostics = params.context.diagnostics.filter((d) => d.source === 'ospo-notes');
    // The fixes are computed from the note's model, which is the buffer at its current version: the edit names
    // that version, and an editor refuses it once the user has typed.
    const target = editTarget(loc.vault, loc.path);
    return provideQuickFixes(loc.vault.ctx, loc.path, diagnostics as Parameters<typeof provideQuickFixes>[2]).map((f) => ({
      title: f.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostics[f.diagnostic]],
      isPreferred: f.isPreferred,
      edit: new WorkspaceEditBuilder().addEdits(target, f.edits).build(),
    }));
  }),
);

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
function editTarget(vault: Vault, p: string): EditTarget {
  const doc = workspace.documentOf(vault, p);
  return doc ? { uri: doc.uri, version: doc.version } : { uri: workspace.uriOf(vault, p), version: null };
}

connection.onExecuteCommand(async (params) => {
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
});

// ---------------------------------------------------------------------------------------------------------------
// Custom requests for the client: status bar, "Check vault", and the file list the preview resolves against.

function statusOf(): { vaults: Array<{ uri: string; name: string; vault: boolean; ready: boolean; notes: number; files: number; problems: number }> } {
  return {
    vaults: workspace.vaults.map((v) => ({ uri: v.uri, name: v.name, vault: publishScope(v) === 'vault', ready: v.ready, notes: v.index.noteCount, files: v.index.files.size, problems: v.published.size })),
  };
}

connection.onRequest('ospo/status', () => statusOf());

connection.onRequest('ospo/checkVault', async () => {
  const result: Array<{ uri: string; vault: boolean; errors: number; warnings: number; information: number; hints: number; notesWithProblems: number }> = [];
  for (const v of workspace.vaults) {
    if (!v.ready) continue;
    const counts = { error: 0, warning: 0, information: 0, hint: 0 };
    let notesWithProblems = 0;
    await inSlices([...v.index.notePaths()], (p) => {
      const diags = noteDiagnostics(v.index, p, { unresolvedLinkSeverity: settings.unresolvedLinkSeverity, outside: v.outside });
      if (diags.length) notesWithProblems++;
      for (const d of diags) counts[d.severity]++;
      publishNote(v, p);
    });
    result.push({ uri: v.uri, vault: publishScope(v) === 'vault', errors: counts.error, warnings: counts.warning, information: counts.information, hints: counts.hint, notesWithProblems });
  }
  return result;
});

connection.onRequest('ospo/files', () =>
  workspace.vaults.map((v) => ({ uri: v.uri, root: v.root, ready: v.ready, files: v.ready ? [...v.index.files.paths()] : [], rules: v.rules.toSettings() })),
);

documents.listen(connection);
connection.listen();
