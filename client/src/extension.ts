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
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';
import { obsidianPreviewPlugin } from './preview/plugin';
import { effectiveVaultSettings, readObsidianConfig, readOwnVaultSettings, type VaultSettings } from '@ospo-notes/engine';
import { blockReferenceText, planBlockReference } from './blockRef';
import { absoluteInside, planCreateNote, renderTemplate, staysInsideReally, vaultNewNoteTemplate } from './newNote';
import { previewOptions, Throttle } from './previewHost';
import { parseVisibility, type Visibility } from '@ospo-notes/engine';
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
import { VaultFiles } from './vaultFiles';
import { ServerNotifications } from './notifications';
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
  const output = vscode.window.createOutputChannel('OSPO Notes', { log: true });
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
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
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
      };
    },
    middleware: {
      handleDiagnostics(uri, diagnostics, next) {
        if (problems.set(uri.toString(), visibleProblemCount(diagnostics, (d) => d.severity === vscode.DiagnosticSeverity.Hint))) scheduleStatus();
        next(uri, diagnostics);
      },
    },
  };
  const lc = new LanguageClient('ospoNotes', 'OSPO Notes', serverOptions, clientOptions);
  lc.registerFeature(new OwnFileWatcher());
  client = lc;
  // The client keeps one handler per notification: the status bar, the file list and the views all listen here.
  const notifications = new ServerNotifications(lc, (method, e) => output.error(`${method} listener failed: ${errorText(e)}`));

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

  notifications.on<IndexStatus>(INDEXED_NOTIFICATION, (s) => {
    status = s;
    renderStatus();
    void refreshFiles();
  });
  notifications.on<IndexStatus>(INDEX_CHANGED_NOTIFICATION, (s) => {
    status = s;
    scheduleStatus();
  });
  notifications.on<FilesChanged>(FILES_CHANGED_NOTIFICATION, (c) => {
    if (files.apply(c)) previewRefresh.trigger();
  });
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

  const views = { client: lc, notifications, output };
  registerTagsView(context, views);
  registerOrphansView(context, views);
  registerPlaceholdersView(context, views);

  lc.start().catch((e) => {
    output.error(`The OSPO Notes language server did not start: ${errorText(e)}`);
    void vscode.window.showErrorMessage('OSPO Notes: the language server did not start. See the "OSPO Notes" output for details.');
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
        void vscode.window.showWarningMessage('OSPO Notes: the language server is not running. Try "OSPO Notes: Restart Server".');
        return;
      }
      try {
        const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Checking the vault' }, () =>
          lc.sendRequest<VaultCheck[]>(CHECK_VAULT_REQUEST),
        );
        const checked = new Set(results.map((r) => r.uri));
        const notes = status?.vaults.filter((v) => checked.has(v.uri)).reduce((n, v) => n + v.notes, 0);
        void vscode.window.showInformationMessage(checkSummary(results, results.length > 0 ? notes : undefined));
        if (results.length > 0) await vscode.commands.executeCommand('workbench.actions.view.problems');
      } catch (e) {
        output.error(`Check vault failed: ${errorText(e)}`);
        void vscode.window.showErrorMessage(`OSPO Notes: checking the vault failed: ${errorText(e)}`);
      }
    }),

    vscode.commands.registerCommand(COMMANDS.treatAsVault, async () => {
      // The folders the server serves quietly; before it has reported, every local folder is a candidate.
      const quiet = new Set(quietFolders(status).map((v) => v.uri));
      const candidates = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file' && (!status || quiet.has(f.uri.toString())));
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage(
          (vscode.workspace.workspaceFolders ?? []).length === 0 ? 'OSPO Notes: open a folder first.' : 'OSPO Notes: every open folder is already a vault.',
        );
        return;
      }
      const editor = vscode.window.activeTextEditor;
      const current = editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined;
      const folder =
        candidates.find((f) => f === current) ??
        (candidates.length === 1
          ? candidates[0]
          : (await vscode.window.showQuickPick(candidates.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })), { placeHolder: 'Folder to treat as a vault' }))?.folder);
      if (!folder) return;
      // Remembered in the user's settings, not as a file in the folder: a code repository stays as it was.
      const config = vscode.workspace.getConfiguration(SECTION);
      const listed = config.inspect<string[]>('vaults')?.globalValue ?? [];
      try {
        await config.update('vaults', [...listed.filter((p) => p !== folder.uri.fsPath), folder.uri.fsPath], vscode.ConfigurationTarget.Global);
      } catch (e) {
        void vscode.window.showErrorMessage(`OSPO Notes: could not save the setting ospoNotes.vaults: ${errorText(e)}`);
        return;
      }
      void vscode.window.showInformationMessage(`OSPO Notes: "${folder.name}" is now a vault: every note is checked. (Saved in your user settings as ospoNotes.vaults.)`);
    }),

    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      try {
        if (lc.state === State.Stopped) await lc.start();
        else await lc.restart();
        output.info('Language server restarted.');
      } catch (e) {
        output.error(`Restart failed: ${errorText(e)}`);
        void vscode.window.showErrorMessage(`OSPO Notes: restarting the language server failed: ${errorText(e)}`);
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
        void vscode.window.showInformationMessage(`OSPO Notes: ${plan.reason}`);
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
          void vscode.window.showWarningMessage('OSPO Notes: could not add the block id; the note changed meanwhile.');
          return;
        }
      }
      const format = loc ? (await vaultSettings(loc.vault.root, doc.uri)).linkFormat : undefined;
      const reference = blockReferenceText(loc?.vault.files, notePath, plan.subpath, format);
      await vscode.env.clipboard.writeText(reference);
      vscode.window.setStatusBarMessage(`$(clippy) Copied ${reference}`, 4000);
    }),

    vscode.commands.registerCommand(COMMANDS.createNote, async () => {
      const editor = markdownEditor();
      if (!editor) return;
      const doc = editor.document;
      const folder = doc.uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(doc.uri) : undefined;
      if (!folder) {
        void vscode.window.showWarningMessage('OSPO Notes: new notes are only created for notes inside an open workspace folder.');
        return;
      }
      const loc = files.locate(doc.uri.fsPath);
      if (!loc) {
        const why = files.all.length === 0 || files.all.some((v) => !v.ready) ? 'the vault is still being indexed; try again in a moment' : 'this note is not part of a vault';
        void vscode.window.showWarningMessage(`OSPO Notes: ${why}.`);
        return;
      }
      const config = vscode.workspace.getConfiguration(SECTION, doc.uri);
      const newNoteFolder = (await vaultSettings(loc.vault.root, doc.uri)).newNoteFolder;
      const plan = planCreateNote(doc.getText(), loc.path, editor.selection.active, loc.vault.files, newNoteFolder);
      if (plan.kind === 'refuse') {
        void vscode.window.showWarningMessage(`OSPO Notes: ${plan.reason}`);
        return;
      }
      const abs = absoluteInside(loc.vault.root, plan.path);
      if (!abs || !(vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === 'file' && staysInsideReally(f.uri.fsPath, abs))) {
        void vscode.window.showWarningMessage(`OSPO Notes: "${plan.path}" would be outside the workspace; no note was created.`);
        return;
      }
      const uri = vscode.Uri.file(abs);
      if (plan.kind === 'create' && !(await exists(uri))) {
        // An empty setting (the default) takes the template from the vault's frontmatter schema.
        const template = config.get<string>('newNoteTemplate', '') || vaultNewNoteTemplate(loc.vault.root);
        try {
          await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(abs)));
          await vscode.workspace.fs.writeFile(uri, Buffer.from(renderTemplate(template, plan.title), 'utf8'));
        } catch (e) {
          void vscode.window.showErrorMessage(`OSPO Notes: could not create "${plan.path}": ${errorText(e)}`);
          return;
        }
        vscode.window.setStatusBarMessage(`$(new-file) Created ${plan.path}`, 4000);
      } else {
        vscode.window.setStatusBarMessage(`$(go-to-file) ${plan.path} already exists`, 4000);
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
    void vscode.window.showInformationMessage('OSPO Notes: open a markdown note first.');
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
