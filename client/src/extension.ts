/**
 * The VS Code extension: starts the language server, shows the index state in the status bar, adds the commands
 * that need the editor (clipboard, new files, the Problems panel), and plugs the Obsidian syntax into VS Code's
 * markdown preview.
 *
 * Everything that can be decided without the editor lives in modules without `vscode` (status.ts, blockRef.ts,
 * newNote.ts, vaultFiles.ts, previewHost.ts) and is unit-tested; this file only wires them to the editor. The
 * server holds the one index per vault; the client mirrors the vault's file list for the preview and never
 * parses the vault itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type MarkdownIt from 'markdown-it';
import {
  LanguageClient,
  State,
  TransportKind,
  type ClientCapabilities,
  type FeatureState,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';
import { obsidianPreviewPlugin } from './preview/plugin';
import { effectiveVaultSettings, readObsidianConfig, readOwnVaultSettings, type VaultSettings } from '@ospo-notes/engine';
import { blockReferenceText, planBlockReference } from './blockRef';
import { absoluteInside, expandTemplate, planCreateNote, staysInsideReally, vaultNewNoteTemplate } from './newNote';
import { previewOptions, Throttle } from './previewHost';
import { parseVisibility, type Visibility } from '@ospo-notes/engine';
import { useTranslator } from './l10n';
import { codeArgument, problemDocItems, problemDocPath, type ShownProblem } from './problemDocs';
import { diagnosticDocUrl, SERVER_ENVIRONMENT } from '@ospo-notes/engine';
import {
  CHECK_VAULT_REQUEST,
  FILES_CHANGED_NOTIFICATION,
  FILES_REQUEST,
  INDEX_CHANGED_NOTIFICATION,
  INDEXED_NOTIFICATION,
  STATUS_REQUEST,
  type FilesChanged,
  type IndexStatus,
  type VaultCheck,
  type VaultFileList,
} from './protocol';
import { checkSummary, ProblemCounter, quietFolders, statusView, visibleProblemCount } from './status';
import { registerDailyNoteCommands } from './dailyNotes';
import { VaultFiles } from './vaultFiles';
import { registerGraphView } from './views/graph';
import { NOTES_CHANGED_NOTIFICATION, type NotesChanged } from './protocol';
import { registerBacklinksView } from './views/backlinks';
import { ServerEvents } from './views/serverEvents';
import { BUILTIN_MARKDOWN_EXTENSION, leaveHeadingsToBuiltin, OWN_OUTLINE_SETTING, withoutHeadingSymbols } from './builtinMarkdown';
import { registerTagsView } from './views/tags';
import { registerOrphansView } from './views/orphans';
import { registerPlaceholdersView } from './views/placeholders';

const SECTION = 'ospoNotes';
const COMMANDS = {
  copyBlockReference: 'ospo-notes.copyBlockReference',
  createNote: 'ospo-notes.createNote',
  checkVault: 'ospo-notes.checkVault',
  restartServer: 'ospo-notes.restartServer',
  treatAsVault: 'ospo-notes.treatAsVault',
  showOutput: 'ospo-notes.showOutput',
  openProblemsDocumentation: 'ospo-notes.openProblemsDocumentation',
} as const;
/** Set once every open folder is a vault: "Treat this Folder as a Vault" leaves the palette (package.json). */
const EVERY_FOLDER_IS_A_VAULT = 'ospoNotes.everyFolderIsAVault';
/** Refreshing every open preview is not free: at most this often. */
const PREVIEW_REFRESH_MS = 500;
const STATUS_COALESCE_MS = 100;

/** A markdown-it instance, named so that it reads the same under either shape of markdown-it's typings. */
type Md = InstanceType<typeof MarkdownIt>;

let client: LanguageClient | undefined;

export interface OspoNotesApi {
  extendMarkdownIt(md: Md): Md;
}

export function activate(context: vscode.ExtensionContext): OspoNotesApi {
  // The vscode-free modules' texts (status bar, messages) in the editor's display language.
  useTranslator(vscode.l10n.t);
  const output = vscode.window.createOutputChannel('OSPO Notes', { log: true });
  context.subscriptions.push(output);
  registerHelpCommands(context, output);
  const files = new VaultFiles();
  const problems = new ProblemCounter();
  let status: IndexStatus | undefined;

  // --- preview -------------------------------------------------------------------------------------------------

  let embedDepth = readEmbedDepth();
  let embedBudget = readEmbedBudget();
  let visibilityDefault = readVisibilityDefault();
  const previewRefresh = new Throttle(() => void vscode.commands.executeCommand('markdown.preview.refresh').then(undefined, () => undefined), PREVIEW_REFRESH_MS);
  context.subscriptions.push({ dispose: () => previewRefresh.dispose() });
  const options = previewOptions({
    files,
    workspaceFolders: () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    embedDepth: () => embedDepth,
    maxEmbeds: () => embedBudget.maxEmbeds,
    maxEmbedKilobytes: () => embedBudget.maxEmbedKilobytes,
    defaultVisibility: () => visibilityDefault,
  });

  // --- status bar ----------------------------------------------------------------------------------------------

  const item = vscode.window.createStatusBarItem('ospoNotes.status', vscode.StatusBarAlignment.Left, 0);
  item.name = 'OSPO Notes';
  item.command = COMMANDS.checkVault;
  context.subscriptions.push(item);
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  let everyFolderIsAVault: boolean | undefined;
  const renderStatus = (): void => {
    statusTimer = undefined;
    const view = statusView(status, problems.total);
    item.text = view.text;
    item.tooltip = view.tooltip;
    // Outside a vault the extension works quietly: no item at all.
    if (view.visible) item.show();
    else item.hide();
    const every = status !== undefined && status.vaults.length > 0 && quietFolders(status).length === 0;
    if (every !== everyFolderIsAVault) {
      everyFolderIsAVault = every;
      void vscode.commands.executeCommand('setContext', EVERY_FOLDER_IS_A_VAULT, every);
    }
  };
  // Diagnostics arrive one note at a time (thousands after indexing): redraw once per burst.
  const scheduleStatus = (): void => {
    statusTimer ??= setTimeout(renderStatus, STATUS_COALESCE_MS);
  };
  context.subscriptions.push({ dispose: () => statusTimer !== undefined && clearTimeout(statusTimer) });
  renderStatus();

  // --- language client -----------------------------------------------------------------------------------------

  const serverModule = serverModulePath(context);
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { env: { ...process.env, ...SERVER_ENVIRONMENT } } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'], env: { ...process.env, ...SERVER_ENVIRONMENT } } },
  };
  // Notes and attachments alike: an image appearing fixes an embed, a note deleted breaks links to it.
  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'markdown' }],
    synchronize: { configurationSection: [SECTION, 'files.exclude'], fileEvents: watcher },
    outputChannel: output,
    initializationOptions: () => {
      const config = vscode.workspace.getConfiguration(SECTION);
      return {
        unresolvedLinkSeverity: config.get('unresolvedLinkSeverity'),
        unknownPropertySeverity: config.get('unknownPropertySeverity'),
        ignoredFolders: config.get('ignoredFolders'),
        vaults: config.get('vaults'),
        filesExclude: vscode.workspace.getConfiguration('files').get('exclude'),
        cache: { enabled: config.get('cache.enabled') },
        // The model cache lives in the extension's storage for this workspace (global storage without one).
        cacheFolder: (context.storageUri ?? context.globalStorageUri).fsPath,
      };
    },
    middleware: {
      handleDiagnostics(uri, diagnostics, next) {
        if (problems.set(uri.toString(), visibleProblemCount(diagnostics, (d) => d.severity === vscode.DiagnosticSeverity.Hint))) scheduleStatus();
        next(uri, diagnostics);
      },
      ...besideBuiltinMarkdown(),
    },
  };
  const lc = new LanguageClient('ospoNotes', 'OSPO Notes', serverOptions, clientOptions);
  lc.registerFeature(new OwnFileWatcher());
  client = lc;
  const dailyNotes = registerDailyNoteCommands(context, lc, output);

  let filesRequest = 0;
  const refreshFiles = async (): Promise<void> => {
    const n = ++filesRequest;
    try {
      const lists = await lc.sendRequest<VaultFileList[]>(FILES_REQUEST);
      // An older answer must not overwrite a newer one.
      if (n !== filesRequest) return;
      files.reset(lists);
      previewRefresh.trigger();
    } catch (e) {
      output.warn(`Could not fetch the vault's file list: ${errorText(e)}`);
    }
  };

  // Views subscribe to the server's notifications through these events (one client handler per method).
  const serverEvents = new ServerEvents();
  context.subscriptions.push(serverEvents);
  lc.onNotification(NOTES_CHANGED_NOTIFICATION, (c: NotesChanged) => serverEvents.notesChanged(c));

  lc.onNotification(INDEXED_NOTIFICATION, (s: IndexStatus) => {
    status = s;
    renderStatus();
    void refreshFiles();
    serverEvents.vaultIndexed(s);
    dailyNotes.vaultsIndexed(s);
  });
  lc.onNotification(INDEX_CHANGED_NOTIFICATION, (s: IndexStatus) => {
    status = s;
    scheduleStatus();
  });
  lc.onNotification(FILES_CHANGED_NOTIFICATION, (c: FilesChanged) => {
    if (files.apply(c)) previewRefresh.trigger();
    serverEvents.filesChanged(c);
  });

  // --- views ---------------------------------------------------------------------------------------------------

  registerBacklinksView(context, lc, serverEvents);
  registerGraphView(context, lc, serverEvents);
  context.subscriptions.push(
    lc.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        void lc.sendRequest<IndexStatus>(STATUS_REQUEST).then(
          (s) => {
            status = s;
            renderStatus();
            if (s.vaults.some((v) => v.ready)) void refreshFiles();
          },
          () => undefined,
        );
      } else {
        // A stopped server's diagnostics and file lists go with it; a restarted one reports afresh.
        status = undefined;
        problems.clear();
        files.clear();
        renderStatus();
      }
    }),
  );
  // Embedded notes changed on disk: the preview shows them again (its cache notices the new bytes).
  context.subscriptions.push(
    watcher.onDidChange((uri) => {
      if (uri.path.toLowerCase().endsWith('.md') && files.locate(uri.fsPath)) previewRefresh.trigger();
    }),
  );

  // --- views of the vault (our activity-bar container) ---------------------------------------------------------

  const views = { client: lc, events: serverEvents, output };
  registerTagsView(context, views);
  registerOrphansView(context, views);
  registerPlaceholdersView(context, views);

  lc.start().catch((e) => {
    output.error(`The OSPO Notes language server did not start: ${errorText(e)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('OSPO Notes: the language server did not start. See the "OSPO Notes" output for details.'));
  });

  // --- settings ------------------------------------------------------------------------------------------------

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.preview.embedDepth`)) {
        embedDepth = readEmbedDepth();
        previewRefresh.trigger();
      }
      if (e.affectsConfiguration(`${SECTION}.preview.maxEmbeds`) || e.affectsConfiguration(`${SECTION}.preview.maxEmbedKilobytes`)) {
        embedBudget = readEmbedBudget();
        previewRefresh.trigger();
      }
      if (e.affectsConfiguration(`${SECTION}.visibility.default`)) {
        visibilityDefault = readVisibilityDefault();
        previewRefresh.trigger();
      }
    }),
  );

  // --- commands ------------------------------------------------------------------------------------------------

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.checkVault, async () => {
      if (lc.state !== State.Running) {
        void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: the language server is not running. Try "OSPO Notes: Restart Server".'));
        return;
      }
      try {
        const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking the vault') }, () =>
          lc.sendRequest<VaultCheck[]>(CHECK_VAULT_REQUEST),
        );
        const checked = new Set(results.map((r) => r.uri));
        const notes = status?.vaults.filter((v) => checked.has(v.uri)).reduce((n, v) => n + v.notes, 0);
        void vscode.window.showInformationMessage(checkSummary(results, results.length > 0 ? notes : undefined));
        if (results.length > 0) await vscode.commands.executeCommand('workbench.actions.view.problems');
      } catch (e) {
        output.error(`Check vault failed: ${errorText(e)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('OSPO Notes: checking the vault failed: {0}', errorText(e)));
      }
    }),

    vscode.commands.registerCommand(COMMANDS.treatAsVault, async () => {
      // The folders the server serves quietly; before it has reported, every local folder is a candidate.
      const quiet = new Set(quietFolders(status).map((v) => v.uri));
      const candidates = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file' && (!status || quiet.has(f.uri.toString())));
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage(
          (vscode.workspace.workspaceFolders ?? []).length === 0 ? vscode.l10n.t('OSPO Notes: open a folder first.') : vscode.l10n.t('OSPO Notes: every open folder is already a vault.'),
        );
        return;
      }
      const editor = vscode.window.activeTextEditor;
      const current = editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined;
      const folder =
        candidates.find((f) => f === current) ??
        (candidates.length === 1
          ? candidates[0]
          : (await vscode.window.showQuickPick(candidates.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })), { placeHolder: vscode.l10n.t('Folder to treat as a vault') }))?.folder);
      if (!folder) return;
      // Remembered in the user's settings, not as a file in the folder: a code repository stays as it was.
      const config = vscode.workspace.getConfiguration(SECTION);
      const listed = config.inspect<string[]>('vaults')?.globalValue ?? [];
      try {
        await config.update('vaults', [...listed.filter((p) => p !== folder.uri.fsPath), folder.uri.fsPath], vscode.ConfigurationTarget.Global);
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('OSPO Notes: could not save the setting ospoNotes.vaults: {0}', errorText(e)));
        return;
      }
      void vscode.window.showInformationMessage(vscode.l10n.t('OSPO Notes: "{0}" is now a vault: every note is checked. (Saved in your user settings as ospoNotes.vaults.)', folder.name));
    }),

    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      try {
        if (lc.state === State.Stopped) await lc.start();
        else await lc.restart();
        output.info('Language server restarted.');
      } catch (e) {
        output.error(`Restart failed: ${errorText(e)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('OSPO Notes: restarting the language server failed: {0}', errorText(e)));
      }
    }),

    vscode.commands.registerCommand(COMMANDS.copyBlockReference, async () => {
      const editor = markdownEditor();
      if (!editor) return;
      const doc = editor.document;
      const loc = doc.uri.scheme === 'file' ? files.locate(doc.uri.fsPath) : undefined;
      const notePath = loc?.path ?? path.basename(doc.uri.path);
      const plan = planBlockReference(notePath, doc.getText(), editor.selection.active.line);
      if (!plan.ok) {
        void vscode.window.showInformationMessage(vscode.l10n.t('OSPO Notes: {0}', plan.reason));
        return;
      }
      if (plan.edit) {
        // Planned from the text just read and applied with no wait in between: VS Code sends the document's
        // version with an extension's edit and refuses it if the buffer moved on, so the id never lands in
        // text it was not planned for.
        const r = plan.edit.range;
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), plan.edit.newText);
        if (!(await vscode.workspace.applyEdit(edit))) {
          void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: could not add the block id; the note changed meanwhile.'));
          return;
        }
      }
      const format = loc ? (await vaultSettings(loc.vault.root, doc.uri)).linkFormat : undefined;
      const reference = blockReferenceText(loc?.vault.files, notePath, plan.subpath, format);
      await vscode.env.clipboard.writeText(reference);
      vscode.window.setStatusBarMessage(`$(clippy) ${vscode.l10n.t('Copied {0}', reference)}`, 4000);
    }),

    vscode.commands.registerCommand(COMMANDS.createNote, async () => {
      const editor = markdownEditor();
      if (!editor) return;
      const doc = editor.document;
      const folder = doc.uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(doc.uri) : undefined;
      if (!folder) {
        void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: new notes are only created for notes inside an open workspace folder.'));
        return;
      }
      const loc = files.locate(doc.uri.fsPath);
      if (!loc) {
        const indexing = files.all.length === 0 || files.all.some((v) => !v.ready);
        void vscode.window.showWarningMessage(
          indexing ? vscode.l10n.t('OSPO Notes: the vault is still being indexed; try again in a moment.') : vscode.l10n.t('OSPO Notes: this note is not part of a vault.'),
        );
        return;
      }
      const config = vscode.workspace.getConfiguration(SECTION, doc.uri);
      const effective = await vaultSettings(loc.vault.root, doc.uri);
      const plan = planCreateNote(doc.getText(), loc.path, editor.selection.active, loc.vault.files, effective.newNoteFolder);
      if (plan.kind === 'refuse') {
        void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: {0}', plan.reason));
        return;
      }
      const abs = absoluteInside(loc.vault.root, plan.path);
      if (!abs || !(vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === 'file' && staysInsideReally(f.uri.fsPath, abs))) {
        void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: "{0}" would be outside the workspace; no note was created.', plan.path));
        return;
      }
      const uri = vscode.Uri.file(abs);
      if (plan.kind === 'create' && !(await exists(uri))) {
        // An empty setting (the default) takes the template from the vault's frontmatter schema.
        const template = config.get<string>('newNoteTemplate', '') || vaultNewNoteTemplate(loc.vault.root);
        try {
          await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(abs)));
          await vscode.workspace.fs.writeFile(uri, Buffer.from(expandTemplate(template, { title: plan.title, now: new Date(), ...effective.templates }), 'utf8'));
        } catch (e) {
          void vscode.window.showErrorMessage(vscode.l10n.t('OSPO Notes: could not create "{0}": {1}', plan.path, errorText(e)));
          return;
        }
        vscode.window.setStatusBarMessage(`$(new-file) ${vscode.l10n.t('Created {0}', plan.path)}`, 4000);
      } else {
        vscode.window.setStatusBarMessage(`$(go-to-file) ${vscode.l10n.t('{0} already exists', plan.path)}`, 4000);
      }
      await vscode.window.showTextDocument(uri, { preview: false });
    }),
  );

  return {
    extendMarkdownIt(md: Md): Md {
      return md.use(obsidianPreviewPlugin, options);
    },
  };
}

export function deactivate(): Thenable<void> | undefined {
  const c = client;
  client = undefined;
  return c?.stop();
}

/**
 * The server's script: the bundle in a packaged extension, or the `tsc` output when running from a source
 * checkout that was built but not bundled.
 */
function serverModulePath(context: vscode.ExtensionContext): string {
  const bundled = context.asAbsolutePath(path.join('dist', 'server.js'));
  if (fs.existsSync(bundled)) return bundled;
  const compiled = context.asAbsolutePath(path.join('server', 'out', 'main.js'));
  return fs.existsSync(compiled) ? compiled : bundled;
}

/**
 * "Show Output" (the extension's log: server start, restarts, failures, and the LSP trace with
 * `ospoNotes.trace.server`) and "Open Problems Documentation" (a problem code's page, shipped in the extension,
 * in the markdown preview; the codes of the active note's problems are offered first).
 */
function registerHelpCommands(context: vscode.ExtensionContext, output: vscode.OutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(COMMANDS.openProblemsDocumentation, async (arg?: unknown) => {
      let code = codeArgument(arg);
      if (code === undefined) {
        const editor = vscode.window.activeTextEditor;
        const shown: ShownProblem[] = editor
          ? vscode.languages.getDiagnostics(editor.document.uri).map((d) => ({
              code: typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code),
              source: d.source,
              atCursor: d.range.contains(editor.selection.active),
            }))
          : [];
        const picked = await vscode.window.showQuickPick(
          problemDocItems(shown).map((item) => ({ label: item.code, description: item.reason, detail: item.title, code: item.code })),
          { placeHolder: vscode.l10n.t('Problem code to read about'), matchOnDetail: true },
        );
        if (!picked) return;
        code = picked.code;
      }
      const page = problemDocPath(context.extensionPath, code);
      if (!page) {
        void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: no documentation for the problem code "{0}".', code));
        return;
      }
      if (fs.existsSync(page)) await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(page));
      // A build without the pages (a source checkout missing docs/) reads them on the web.
      else await vscode.env.openExternal(vscode.Uri.parse(diagnosticDocUrl(code)));
    }),
  );
}

function readEmbedDepth(): number {
  const n = vscode.workspace.getConfiguration(SECTION).get<number>('preview.embedDepth', 3);
  return typeof n === 'number' && Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 3;
}

/** The preview's embed budget; a value that is not a non-negative number falls back to the default. */
function readEmbedBudget(): { maxEmbeds: number; maxEmbedKilobytes: number } {
  const config = vscode.workspace.getConfiguration(SECTION);
  const count = (key: string, fallback: number): number => {
    const n = config.get<number>(key, fallback);
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
  };
  return { maxEmbeds: count('preview.maxEmbeds', 200), maxEmbedKilobytes: count('preview.maxEmbedKilobytes', 2048) };
}

/** `ospoNotes.visibility.default`, read as the engine reads it. */
function readVisibilityDefault(): Visibility {
  return parseVisibility(vscode.workspace.getConfiguration(SECTION).get<string>('visibility.default'));
}

function markdownEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    void vscode.window.showInformationMessage(vscode.l10n.t('OSPO Notes: open a markdown note first.'));
    return undefined;
  }
  return editor;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * The vault's effective settings, as the server has them: its `.obsidian/app.json` and `templates.json` (read
 * now, so a change applies at once) with our `ospoNotes.*` settings for `uri` over them. A broken file gives
 * Obsidian's defaults (the server says so).
 */
async function vaultSettings(root: string, uri: vscode.Uri): Promise<VaultSettings> {
  const config = vscode.workspace.getConfiguration(SECTION, uri);
  const own = readOwnVaultSettings({ links: config.get('links'), newNoteFolder: config.get('newNoteFolder'), templates: config.get('templates') });
  return effectiveVaultSettings((await readObsidianConfig(root)).settings, own);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The client watches every file itself (`synchronize.fileEvents` above) and tells the server so by not offering
 * dynamic registration of file watchers: otherwise the server would register a second `**` watcher and receive
 * every file event twice.
 */
class OwnFileWatcher implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    const watched = capabilities.workspace?.didChangeWatchedFiles;
    if (watched) watched.dynamicRegistration = false;
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}

/**
 * Client middleware that leaves the Outline, breadcrumbs and workspace headings to VS Code's built-in Markdown
 * support when it is enabled, so they are not shown twice (see builtinMarkdown.ts). Read at each request: enabling
 * or disabling either side applies at once.
 */
function besideBuiltinMarkdown(): Pick<Middleware, 'provideDocumentSymbols' | 'provideWorkspaceSymbols'> {
  const leave = (): boolean =>
    leaveHeadingsToBuiltin(vscode.extensions.getExtension(BUILTIN_MARKDOWN_EXTENSION) !== undefined, vscode.workspace.getConfiguration(SECTION).get<boolean>(OWN_OUTLINE_SETTING));
  return {
    provideDocumentSymbols: (document, token, next) => (leave() ? [] : next(document, token)),
    provideWorkspaceSymbols: async (query, token, next) => {
      const found = await next(query, token);
      return found && leave() ? withoutHeadingSymbols(found, vscode.SymbolKind.String) : found;
    },
  };
}
