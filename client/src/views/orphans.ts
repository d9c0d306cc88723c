/**
 * The Orphans view (`ospoNotes.orphans`): notes no other note links to or embeds, from `ospo/orphans` (engine
 * features/orphans.ts). A click opens the note; the description says whether it links anywhere itself.
 */
import * as vscode from 'vscode';
import { ORPHANS_REQUEST, type OrphanNote, type VaultOrphans } from '../protocol';
import { ask, noteItem, openAt, registerLiveTree, type RefreshableTree, vaultItem, vaultMessage, type ViewHost } from './liveTree';

export const ORPHANS_VIEW = 'ospoNotes.orphans';

type OrphanElement = { kind: 'vault'; vault: VaultOrphans } | { kind: 'orphan'; vaultUri: string; orphan: OrphanNote };

class OrphansProvider implements RefreshableTree<OrphanElement> {
  private readonly changed = new vscode.EventEmitter<OrphanElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  view?: vscode.TreeView<OrphanElement>;

  constructor(private readonly host: ViewHost) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: OrphanElement): Promise<OrphanElement[]> {
    if (element?.kind === 'vault') return this.orphansOf(element.vault);
    if (element) return [];
    const vaults = (await ask<VaultOrphans[]>(this.host, this.view, ORPHANS_REQUEST, {})) ?? [];
    if (this.view) this.view.message = vaultMessage(vaults, vaults.some((v) => v.orphans.length > 0) ? '' : vscode.l10n.t('No orphans: every note is linked from another note.')) || undefined;
    return vaults.length === 1 ? this.orphansOf(vaults[0]) : vaults.map((vault) => ({ kind: 'vault', vault }));
  }

  private orphansOf(vault: VaultOrphans): OrphanElement[] {
    return vault.orphans.map((orphan) => ({ kind: 'orphan', vaultUri: vault.uri, orphan }));
  }

  getTreeItem(element: OrphanElement): vscode.TreeItem {
    if (element.kind === 'vault') return vaultItem(element.vault, `orphans|${element.vault.uri}`);
    const { orphan, vaultUri } = element;
    const item = noteItem(vaultUri, orphan.path, orphan.title, vscode.TreeItemCollapsibleState.None);
    item.id = `orphans|${vaultUri}|${orphan.path}`;
    const links = orphan.linksOut === 0 ? vscode.l10n.t('no links at all') : vscode.l10n.t('links to {0}', orphan.linksOut);
    item.description = item.description ? `${item.description} · ${links}` : links;
    item.tooltip = `${item.tooltip}\n${orphan.linksOut === 0 ? vscode.l10n.t('Nothing links to this note, and it links to nothing.') : vscode.l10n.t('Nothing links to this note; it links to {0} other notes or files.', orphan.linksOut)}`;
    item.command = openAt(item.resourceUri!);
    item.contextValue = 'ospoNotes.orphan';
    return item;
  }
}

export function registerOrphansView(context: vscode.ExtensionContext, host: ViewHost): void {
  registerLiveTree(context, host, ORPHANS_VIEW, new OrphansProvider(host));
}
