/**
 * What the Tags, Orphans and Placeholders views share in VS Code: a tree view in our `ospoNotes` container that
 * refreshes from the server's change notifications (debounced, only while visible: views/vaultLists.ts
 * `LiveRefresh`), and the few helpers their items use. Each view's data comes from its `ospo/…` request.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Range, VaultHeader } from '../protocol';
import type { ServerEvents } from './serverEvents';
import { LiveRefresh, pathParts, quotedLine } from './vaultLists';

/** What a view needs of the extension. */
export interface ViewHost {
  client: LanguageClient;
  /** The server's notifications, one handler per method for every view (views/serverEvents.ts). */
  events: ServerEvents;
  output: vscode.LogOutputChannel;
}

/** A burst of keystrokes or file events becomes one refresh this long after the last. */
const REFRESH_DELAY_MS = 300;

/** A tree provider whose whole tree is asked again on `refresh()`. */
export interface RefreshableTree<T> extends vscode.TreeDataProvider<T> {
  refresh(): void;
  /** Set by {@link registerLiveTree}: where the provider says why the tree is empty (indexing, no data). */
  view?: vscode.TreeView<T>;
}

export function registerLiveTree<T>(context: vscode.ExtensionContext, host: ViewHost, id: string, provider: RefreshableTree<T>): vscode.TreeView<T> {
  const view = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true });
  provider.view = view;
  const live = new LiveRefresh(() => provider.refresh(), REFRESH_DELAY_MS);
  live.setVisible(view.visible);
  const changed = (): void => live.changed();
  context.subscriptions.push(
    view,
    { dispose: () => live.dispose() },
    view.onDidChangeVisibility((e) => live.setVisible(e.visible)),
    host.events.onNotesChanged(changed),
    host.events.onFilesChanged(changed),
    host.events.onIndexed(changed),
  );
  return view;
}

/** Asks the server, or says in the view why it cannot (server not running, request failed) and answers undefined. */
export async function ask<R>(host: ViewHost, view: vscode.TreeView<unknown> | undefined, method: string, params: unknown): Promise<R | undefined> {
  if (!host.client.isRunning()) {
    if (view) view.message = vscode.l10n.t('The OSPO Notes language server is not running.');
    return undefined;
  }
  try {
    return await host.client.sendRequest<R>(method, params);
  } catch (e) {
    host.output.warn(`${method} failed: ${e instanceof Error ? e.message : String(e)}`);
    if (view) view.message = vscode.l10n.t('Could not get the data from the language server: see the "OSPO Notes" output.');
    return undefined;
  }
}

/**
 * The vaults to show and the view's message: none yet (no folder, or still indexing) says so; one vault shows its
 * items at the top level; several get a level each.
 */
export function vaultMessage(vaults: readonly VaultHeader[], empty: string): string | undefined {
  if (vaults.length === 0) return vscode.l10n.t('Open a folder of notes to see it here.');
  if (vaults.every((v) => !v.ready)) return vscode.l10n.t('Indexing the vault…');
  return empty;
}

export function vaultItem(vault: VaultHeader, id: string): vscode.TreeItem {
  const item = new vscode.TreeItem(vault.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = id;
  item.iconPath = new vscode.ThemeIcon('root-folder');
  if (!vault.ready) item.description = vscode.l10n.t('indexing…');
  item.contextValue = 'ospoNotes.vault';
  return item;
}

export function noteUri(vaultUri: string, path: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.Uri.parse(vaultUri), ...path.split('/'));
}

/** `vscode.open` at `range`: the note opens with the cursor there. */
export function openAt(uri: vscode.Uri, range?: Range, title = vscode.l10n.t('Open')): vscode.Command {
  const selection = range ? new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character) : undefined;
  return { command: 'vscode.open', title, arguments: [uri, selection ? { selection, preview: true } : { preview: true }] };
}

/** A note's item: its name, its folder as description, the file's icon. */
export function noteItem(vaultUri: string, path: string, title: string | undefined, collapsible: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const { name, folder } = pathParts(path);
  const uri = noteUri(vaultUri, path);
  const item = new vscode.TreeItem(name, collapsible);
  item.resourceUri = uri;
  item.iconPath = vscode.ThemeIcon.File;
  item.description = folder;
  item.tooltip = title && title !== name ? `${title}\n${path}` : path;
  return item;
}

/**
 * Notes' texts for items that quote a line: the open buffer when there is one, else the file (read, not opened:
 * opening would hand the note to the language server as an open document). Each file is read once until the
 * tree refreshes.
 */
export class NoteTexts {
  private readonly files = new Map<string, Promise<string>>();

  clear(): void {
    this.files.clear();
  }

  /** The quoted line (views/vaultLists.ts `quotedLine`), kept around character `around` when it is cut. */
  async line(uri: vscode.Uri, line: number, around?: number): Promise<string> {
    const key = uri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return line < open.lineCount ? quotedLine(open.lineAt(line).text, 0, undefined, around) : '';
    let text = this.files.get(key);
    if (!text) {
      text = Promise.resolve(vscode.workspace.fs.readFile(uri)).then(
        (bytes) => new TextDecoder().decode(bytes),
        () => '',
      );
      this.files.set(key, text);
    }
    return quotedLine(await text, line, undefined, around);
  }
}
