/**
 * The Backlinks view (`ospoNotes.backlinks`): for the active markdown note, the notes linking to it and the
 * notes mentioning it without a link, from the server's `ospo/backlinks`; "Link Mention" and "Link All Mentions
 * in Note" ask the server (`ospo/linkMentions`), which writes the links with the vault's link writer and applies
 * the edit. Follows the active editor; refreshes, debounced and only while visible, when the server says notes or
 * files changed or a vault finished indexing. The tree's shape is built in backlinksModel.ts.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import {
  BACKLINKS_REQUEST,
  LINK_MENTIONS_REQUEST,
  type BacklinksAnswer,
  type BacklinksParams,
  type LinkMentionsParams,
  type LinkMentionsResult,
} from '../protocol';
import { backlinksSummary, backlinksTree, type BacklinkNode, noteName, RefreshScheduler } from './backlinksModel';
import type { ServerEvents } from './serverEvents';

export const BACKLINKS_VIEW = 'ospoNotes.backlinks';
const COMMANDS = {
  linkMention: 'ospo-notes.backlinks.linkMention',
  linkAllMentions: 'ospo-notes.backlinks.linkAllMentions',
  refresh: 'ospo-notes.backlinks.refresh',
} as const;
/** Typing sends a notification every 150 ms or so; the view redraws once typing pauses. */
const REFRESH_DELAY_MS = 300;

class BacklinksProvider implements vscode.TreeDataProvider<BacklinkNode> {
  private readonly changed = new vscode.EventEmitter<BacklinkNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  roots: BacklinkNode[] = [];

  set(roots: BacklinkNode[]): void {
    this.roots = roots;
    this.changed.fire(undefined);
  }

  getChildren(node?: BacklinkNode): BacklinkNode[] {
    return node ? node.children : this.roots;
  }

  getTreeItem(node: BacklinkNode): vscode.TreeItem {
    const state =
      node.children.length === 0 ? vscode.TreeItemCollapsibleState.None : node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.highlights ? { label: node.label, highlights: node.highlights } : node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    if (node.kind === 'note' && node.uri) item.resourceUri = vscode.Uri.parse(node.uri);
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
    else if (node.kind === 'note') item.iconPath = vscode.ThemeIcon.File;
    if (node.open) {
      const r = node.open.range;
      const selection = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [vscode.Uri.parse(node.open.uri), { selection, preview: true } satisfies vscode.TextDocumentShowOptions] };
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Registers the view and its commands; `lc` is the language client, `events` the server's notifications. */
export function registerBacklinksView(context: vscode.ExtensionContext, lc: LanguageClient, events: ServerEvents): void {
  const provider = new BacklinksProvider();
  const view = vscode.window.createTreeView(BACKLINKS_VIEW, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(view, provider);

  /** The note the view shows: the active markdown editor's, kept while the focus is elsewhere (the view itself). */
  let note: vscode.Uri | undefined;
  /** The vault of the last answer: notifications about other vaults leave the view alone. */
  let shownVault: string | undefined;
  let request = 0;
  let cancel: vscode.CancellationTokenSource | undefined;

  const show = (roots: BacklinkNode[], message: string | undefined, description: string | undefined): void => {
    provider.set(roots);
    view.message = message;
    view.description = description;
  };

  const refresh = async (): Promise<void> => {
    const n = ++request;
    cancel?.cancel();
    cancel?.dispose();
    cancel = undefined;
    if (!note) {
      show([], vscode.l10n.t('Open a markdown note to see the notes that link to it and mention it.'), undefined);
      return;
    }
    if (lc.state !== State.Running && lc.state !== State.Starting) {
      show([], vscode.l10n.t('The OSPO Notes language server is not running.'), undefined);
      return;
    }
    const uri = note;
    const source = new vscode.CancellationTokenSource();
    cancel = source;
    try {
      const answer = await lc.sendRequest<BacklinksAnswer | null>(BACKLINKS_REQUEST, { uri: uri.toString() } satisfies BacklinksParams, source.token);
      // An older answer must not overwrite a newer one.
      if (n !== request) return;
      const name = noteName(uri.path);
      shownVault = answer?.vaultUri;
      if (!answer) {
        show([], vscode.l10n.t('“{0}” is not a note of an indexed vault (yet).', name), undefined);
        return;
      }
      const roots = backlinksTree(answer);
      show(roots, roots.length === 0 ? vscode.l10n.t('Nothing links to or mentions “{0}” yet.', name) : undefined, `${name} · ${backlinksSummary(answer)}`);
    } catch (e) {
      if (n !== request || source.token.isCancellationRequested) return;
      show([], vscode.l10n.t('Could not list the backlinks: {0}', errorText(e)), undefined);
    }
  };

  const scheduler = new RefreshScheduler(() => void refresh(), REFRESH_DELAY_MS, () => view.visible);
  context.subscriptions.push({ dispose: () => (scheduler.dispose(), cancel?.cancel()) });

  const follow = (editor: vscode.TextEditor | undefined): void => {
    if (!editor || editor.document.languageId !== 'markdown' || editor.document.uri.scheme !== 'file') {
      // A non-note editor (output, settings) leaves the last note shown; no editor at all clears the view.
      if (vscode.window.visibleTextEditors.some((e) => e.document.languageId === 'markdown')) return;
      if (note === undefined) return;
      note = undefined;
    } else {
      if (note?.toString() === editor.document.uri.toString()) return;
      note = editor.document.uri;
    }
    scheduler.trigger();
  };

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(follow),
    view.onDidChangeVisibility((e) => e.visible && scheduler.shown()),
    // Any note of the shown note's vault can start or stop linking or mentioning it; other vaults cannot.
    events.onNotesChanged((c) => (shownVault === undefined || c.uri === shownVault) && scheduler.trigger()),
    events.onFilesChanged((c) => (shownVault === undefined || c.uri === shownVault) && scheduler.trigger()),
    events.onIndexed(() => scheduler.trigger()),
    lc.onDidChangeState(() => scheduler.trigger()),
    vscode.commands.registerCommand(COMMANDS.refresh, () => void refresh()),
    vscode.commands.registerCommand(COMMANDS.linkMention, (node?: BacklinkNode) => {
      if (!node?.mention) return;
      const m = node.mention;
      return linkMentions(lc, { uri: m.target, source: m.source, mention: { range: m.range, text: m.text } }, () => void refresh());
    }),
    vscode.commands.registerCommand(COMMANDS.linkAllMentions, (node?: BacklinkNode) => {
      const target = node?.mentionsIn ?? (node?.mention ? { target: node.mention.target, source: node.mention.source } : undefined);
      if (!target) return;
      return linkMentions(lc, { uri: target.target, source: target.source }, () => void refresh());
    }),
  );
  follow(vscode.window.activeTextEditor);
  if (!note) void refresh();
}

/** Notes whose mentions are being linked: a second click meanwhile does nothing. */
const linking = new Set<string>();

async function linkMentions(lc: LanguageClient, params: LinkMentionsParams, refresh: () => void): Promise<void> {
  if (linking.has(params.source)) return;
  linking.add(params.source);
  try {
    // Open (not shown): the server then edits the buffer at its version, which the editor checks, instead of the
    // file on disk, which carries none.
    await vscode.workspace.openTextDocument(vscode.Uri.parse(params.source));
    const result = await lc.sendRequest<LinkMentionsResult>(LINK_MENTIONS_REQUEST, params);
    if (!result.applied) {
      void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: the mention was not linked: {0}', result.failureReason ?? vscode.l10n.t('the note changed meanwhile; try again.')));
    } else {
      vscode.window.setStatusBarMessage(result.links === 1 ? vscode.l10n.t('$(link) Linked 1 mention') : vscode.l10n.t('$(link) Linked {0} mentions', result.links), 4000);
    }
  } catch (e) {
    void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: {0}', errorText(e)));
  } finally {
    linking.delete(params.source);
  }
  refresh();
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
