/**
 * The graph panels: "Open Local Graph" (the active note's neighbourhood, following the active editor) and "Open
 * Vault Graph" (every note of the vault). Each is a webview in a side column that draws what the server's
 * `ospo/graph` answers (client/webview/graph.ts, bundled into dist/graphView.js) and refreshes from
 * `ospo/notesChanged`, `ospo/filesChanged` and `ospo/indexed` (ServerEvents) while it is visible. The data, the rules and the layout all live elsewhere: this module
 * moves messages between the server, the webview and the editor.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { effectiveVaultSettings, newNotePath, readObsidianConfig, readOwnVaultSettings, type VaultGraph } from '@ospo-notes/engine';
import { GRAPH_REQUEST, type GraphParams, type GraphResponse } from '../protocol';
import { absoluteInside, expandTemplate, staysInsideReally, vaultNewNoteTemplate } from '../newNote';
import { KIND_ATTACHMENT, KIND_UNRESOLVED, STRIDE, type ColourBy, type FromWebview, type GraphMode, type GraphStrings, type ToWebview } from './graphModel';
import { Debouncer, graphHtml, makeNonce } from './graphPanel';
import type { ServerEvents } from './serverEvents';

export const GRAPH_COMMANDS = { openLocal: 'ospo-notes.openLocalGraph', openVault: 'ospo-notes.openVaultGraph' } as const;
const VIEW_TYPE = { local: 'ospoNotes.localGraph', vault: 'ospoNotes.vaultGraph' } as const;
const DEPTH_KEY = 'ospoNotes.graph.depth';
const COLOUR_BY_KEY = 'ospoNotes.graph.colourBy';
/** Typing re-indexes the note on every keystroke; the graph follows a beat later. */
const REFRESH_DEBOUNCE_MS = 300;

export function registerGraphView(context: vscode.ExtensionContext, client: LanguageClient, events: ServerEvents): void {
  const panels = new Map<GraphMode, GraphPanel>();
  const show = (mode: GraphMode) => {
    const existing = panels.get(mode);
    if (existing) return existing.reveal();
    const panel = new GraphPanel(context, client, mode, () => panels.delete(mode));
    panels.set(mode, panel);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(GRAPH_COMMANDS.openLocal, () => show('local')),
    vscode.commands.registerCommand(GRAPH_COMMANDS.openVault, () => show('vault')),
    // Notes changed, files came or went, a vault finished indexing: each can change what the graph shows.
    events.onNotesChanged((c) => panels.forEach((p) => p.vaultChanged(c.uri))),
    events.onFilesChanged((c) => panels.forEach((p) => p.vaultChanged(c.uri))),
    events.onIndexed(() => panels.forEach((p) => p.vaultChanged(undefined))),
    { dispose: () => [...panels.values()].forEach((p) => p.dispose()) },
  );
}

function graphStrings(): GraphStrings {
  return {
    depth: vscode.l10n.t('Depth'),
    colourBy: vscode.l10n.t('Colour by'),
    folder: vscode.l10n.t('Folder'),
    tag: vscode.l10n.t('Tag'),
    search: vscode.l10n.t('Find a note in the graph'),
    nodes: vscode.l10n.t('Nodes'),
    publicNote: vscode.l10n.t('Public note'),
    privateNote: vscode.l10n.t('Private note (dashed ring)'),
    attachment: vscode.l10n.t('Attachment (square)'),
    unresolved: vscode.l10n.t('Not created yet (hollow)'),
    noTag: vscode.l10n.t('No tag'),
    root: vscode.l10n.t('Vault root'),
    more: vscode.l10n.t('{0} more: type to narrow the list'),
    graphLabel: vscode.l10n.t('Graph of the notes and their links'),
  };
}

class GraphPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly refreshSoon = new Debouncer(() => void this.refresh(), REFRESH_DEBOUNCE_MS);
  /** The local graph's note (the last markdown editor that was active). */
  private center: vscode.Uri | undefined;
  /** The column of the last text editor: notes open there, not over the graph. */
  private editorColumn: vscode.ViewColumn | undefined;
  private depth: number;
  private colourBy: ColourBy;
  private last: GraphResponse | undefined;
  /** What was last posted, to skip posting an identical graph again (typing that changes no link). */
  private lastSignature = '';
  private stale = true;
  private request: vscode.CancellationTokenSource | undefined;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly mode: GraphMode,
    private readonly onDispose: () => void,
  ) {
    this.depth = clampDepth(context.workspaceState.get<number>(DEPTH_KEY, 1));
    this.colourBy = context.workspaceState.get<ColourBy>(COLOUR_BY_KEY) === 'tag' ? 'tag' : 'folder';
    const editor = vscode.window.activeTextEditor;
    if (editor && isNote(editor.document)) this.center = editor.document.uri;
    this.editorColumn = editor?.viewColumn;
    const title = mode === 'local' ? vscode.l10n.t('Local Graph') : vscode.l10n.t('Vault Graph');
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE[mode],
      this.center && mode === 'local' ? `${title}: ${path.posix.basename(this.center.path, '.md')}` : title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        // Only the bundle and the stylesheet: no other file of the extension, the workspace or the disk.
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'views.svg');
    const webview = this.panel.webview;
    webview.html = graphHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'graphView.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'graph.css')).toString(),
      strings: graphStrings(),
      language: vscode.env.language,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)),
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible && this.stale) void this.refresh();
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (!e) return;
        this.editorColumn = e.viewColumn ?? this.editorColumn;
        if (this.mode !== 'local' || !isNote(e.document) || e.document.uri.toString() === this.center?.toString()) return;
        this.center = e.document.uri;
        this.panel.title = `${vscode.l10n.t('Local Graph')}: ${path.posix.basename(e.document.uri.path, '.md')}`;
        void this.refresh();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** Something in the vault `uri` changed (undefined: any vault): refresh soon if that is the vault shown. */
  vaultChanged(uri: string | undefined): void {
    if (uri !== undefined && this.last?.vault !== undefined && uri !== this.last.vault) return;
    this.stale = true;
    if (this.panel.visible) this.refreshSoon.trigger();
  }

  private async refresh(): Promise<void> {
    if (this.disposed) return;
    if (!this.panel.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    this.request?.cancel();
    const source = (this.request = new vscode.CancellationTokenSource());
    let answer: GraphResponse;
    const params: GraphParams | undefined =
      this.mode === 'local'
        ? this.center && { uri: this.center.toString(), depth: this.depth }
        : { vault: (vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri)?.toString(), whole: true };
    if (!params) {
      answer = { ready: false, reason: vscode.l10n.t('Open a note to see its local graph.') };
    } else {
      try {
        answer = await this.client.sendRequest<GraphResponse>(GRAPH_REQUEST, params, source.token);
      } catch (e) {
        if (source.token.isCancellationRequested) return;
        answer = { ready: false, reason: vscode.l10n.t('The graph could not be built: {0}', e instanceof Error ? e.message : String(e)) };
      }
    }
    if (source.token.isCancellationRequested || this.disposed) return;
    this.last = answer;
    if (!answer.ready && answer.graph === undefined && params) this.stale = true; // indexing: the next change retries
    const signature = `${this.colourBy}|${this.depth}|${answer.reason ?? ''}|${answer.graph ? graphSignature(answer.graph) : ''}`;
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    const message: ToWebview = { type: 'graph', mode: this.mode, depth: this.depth, colourBy: this.colourBy, graph: answer.graph, reason: answer.reason, strings: graphStrings() };
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        // A new page (first load, or the panel shown again): it has nothing yet.
        this.lastSignature = '';
        return this.refresh();
      case 'depth':
        this.depth = clampDepth(m.depth);
        void this.context.workspaceState.update(DEPTH_KEY, this.depth);
        return this.refresh();
      case 'colourBy':
        this.colourBy = m.colourBy === 'tag' ? 'tag' : 'folder';
        void this.context.workspaceState.update(COLOUR_BY_KEY, this.colourBy);
        this.lastSignature = `${this.colourBy}|${this.lastSignature.slice(this.lastSignature.indexOf('|') + 1)}`;
        return;
      case 'open':
        return this.open(m.path, m.kind);
    }
  }

  private async open(vaultPath: string, kind: number): Promise<void> {
    const vault = this.last?.vault;
    if (!vault) return;
    const column = this.editorColumn && this.editorColumn !== this.panel.viewColumn ? this.editorColumn : vscode.ViewColumn.One;
    if (kind === KIND_UNRESOLVED) return this.offerToCreate(vault, vaultPath, column);
    const uri = vscode.Uri.joinPath(vscode.Uri.parse(vault), ...vaultPath.split('/'));
    if (kind === KIND_ATTACHMENT) {
      await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: column, preview: false });
      return;
    }
    await vscode.window.showTextDocument(uri, { viewColumn: column, preview: false });
  }

  /**
   * An unresolved target: offers to create the note where "Create note for link" would (the engine's
   * `newNotePath`, from a note that links to it), with the same template.
   */
  private async offerToCreate(vault: string, linkpath: string, column: vscode.ViewColumn): Promise<void> {
    const create = vscode.l10n.t('Create Note');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('"{0}" does not exist yet.', linkpath), create);
    if (choice !== create) return;
    const root = vscode.Uri.parse(vault).fsPath;
    const source = this.linkingNote(linkpath) ?? '';
    const rootUri = vscode.Uri.file(root);
    const config = vscode.workspace.getConfiguration('ospoNotes', rootUri);
    const own = readOwnVaultSettings({ links: config.get('links'), newNoteFolder: config.get('newNoteFolder'), templates: config.get('templates') });
    const settings = effectiveVaultSettings((await readObsidianConfig(root)).settings, own);
    const planned = newNotePath(linkpath, source, settings.newNoteFolder);
    if (!planned.ok) {
      void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: {0}', planned.reason));
      return;
    }
    const abs = absoluteInside(root, planned.path);
    if (!abs || !staysInsideReally(root, abs)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: "{0}" would be outside the vault; no note was created.', planned.path));
      return;
    }
    const uri = vscode.Uri.file(abs);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      const template = config.get<string>('newNoteTemplate', '') || vaultNewNoteTemplate(root);
      try {
        await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(abs)));
        await vscode.workspace.fs.writeFile(uri, Buffer.from(expandTemplate(template, { title: planned.title, now: new Date(), ...settings.templates }), 'utf8'));
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('OSPO Notes: could not create "{0}": {1}', planned.path, e instanceof Error ? e.message : String(e)));
        return;
      }
    }
    await vscode.window.showTextDocument(uri, { viewColumn: column, preview: false });
  }

  /** A note of the shown graph that links to the unresolved `linkpath`: the centre when it does. */
  private linkingNote(linkpath: string): string | undefined {
    const g = this.last?.graph;
    if (!g) return undefined;
    const target = g.paths.findIndex((p, i) => g.kinds[i] === KIND_UNRESOLVED && p === linkpath);
    let found: string | undefined;
    for (let e = 0; e < g.edges.length; e += STRIDE) {
      if (g.edges[e + 1] !== target) continue;
      if (g.edges[e] === g.center) return g.paths[g.edges[e]];
      found ??= g.paths[g.edges[e]];
    }
    return found;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.request?.cancel();
    this.refreshSoon.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.onDispose();
  }
}

function isNote(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && doc.languageId === 'markdown';
}

function clampDepth(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(3, Math.max(1, Math.floor(n))) : 1;
}

/** What makes two graphs draw the same: their nodes, kinds, groups, visibility and edges. */
function graphSignature(g: VaultGraph): string {
  return JSON.stringify([g.paths, g.labels, g.kinds, g.folder, g.tags, g.visibility, g.edges, g.center]);
}
