/**
 * The Tags view (`ospoNotes.tags`): the vault's tag hierarchy from `ospo/tags` (engine features/tags.ts), each
 * tag with its count of notes (its own and its nested tags'), under it its nested tags, then the notes tagged with
 * it (asked when the tag is expanded), under each note every place it writes the tag. A note opens at its first
 * occurrence; an occurrence opens there. Sorted by name or by count (the view's title bar toggles it).
 */
import * as vscode from 'vscode';
import { TAGS_REQUEST, type TaggedNote, type TagsParams, type TagTreeNode, type VaultTags } from '../protocol';
import { ask, noteItem, NoteTexts, noteUri, openAt, registerLiveTree, type RefreshableTree, vaultItem, vaultMessage, type ViewHost } from './liveTree';
import { sortTags, type TagOrder } from './vaultLists';

export const TAGS_VIEW = 'ospoNotes.tags';
const ORDER_KEY = 'ospoNotes.tags.order';
const COMMANDS = { sortByName: 'ospo-notes.tags.sortByName', sortByCount: 'ospo-notes.tags.sortByCount' } as const;

type TagElement =
  | { kind: 'vault'; vault: VaultTags }
  | { kind: 'tag'; vaultUri: string; node: TagTreeNode }
  | { kind: 'note'; vaultUri: string; tag: TagTreeNode; note: TaggedNote }
  | { kind: 'occurrence'; vaultUri: string; tag: TagTreeNode; note: TaggedNote; index: number };

class TagsProvider implements RefreshableTree<TagElement> {
  private readonly changed = new vscode.EventEmitter<TagElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  view?: vscode.TreeView<TagElement>;
  private readonly texts = new NoteTexts();

  constructor(
    private readonly host: ViewHost,
    public order: TagOrder,
  ) {}

  refresh(): void {
    this.texts.clear();
    this.changed.fire(undefined);
  }

  async getChildren(element?: TagElement): Promise<TagElement[]> {
    if (!element) {
      const vaults = (await ask<VaultTags[]>(this.host, this.view, TAGS_REQUEST, {} satisfies TagsParams)) ?? [];
      if (this.view) this.view.message = vaultMessage(vaults, vaults.some((v) => v.tags.length > 0) ? '' : vscode.l10n.t('No tags in the vault yet: write #tag in a note or list tags in its frontmatter.')) || undefined;
      if (vaults.length === 1) return this.tagsOf(vaults[0].uri, vaults[0].tags);
      return vaults.map((vault) => ({ kind: 'vault', vault }));
    }
    switch (element.kind) {
      case 'vault':
        return this.tagsOf(element.vault.uri, element.vault.tags);
      case 'tag': {
        const nested = this.tagsOf(element.vaultUri, element.node.children);
        if (element.node.ownCount === 0) return nested;
        const [answer] = (await ask<VaultTags[]>(this.host, this.view, TAGS_REQUEST, { uri: element.vaultUri, tag: element.node.name } satisfies TagsParams)) ?? [];
        const notes = (answer?.notes ?? []).map((note): TagElement => ({ kind: 'note', vaultUri: element.vaultUri, tag: element.node, note }));
        return [...nested, ...notes];
      }
      case 'note':
        return element.note.occurrences.map((_, index) => ({ kind: 'occurrence', vaultUri: element.vaultUri, tag: element.tag, note: element.note, index }));
      default:
        return [];
    }
  }

  private tagsOf(vaultUri: string, nodes: readonly TagTreeNode[]): TagElement[] {
    return sortTags(nodes, this.order).map((node) => ({ kind: 'tag', vaultUri, node }));
  }

  async getTreeItem(element: TagElement): Promise<vscode.TreeItem> {
    switch (element.kind) {
      case 'vault':
        return vaultItem(element.vault, `tags|${element.vault.uri}`);
      case 'tag': {
        const n = element.node;
        const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `tags|${element.vaultUri}|${n.name.toLowerCase()}`;
        item.iconPath = new vscode.ThemeIcon('tag');
        item.description = String(n.count);
        item.tooltip = tagTooltip(n);
        item.contextValue = 'ospoNotes.tag';
        return item;
      }
      case 'note': {
        const { note, vaultUri } = element;
        const item = noteItem(vaultUri, note.path, note.title, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `tags|${vaultUri}|${element.tag.name.toLowerCase()}|${note.path}`;
        item.command = openAt(item.resourceUri!, note.occurrences[0]?.range);
        if (note.occurrences.length > 1) item.description = `${item.description ? `${item.description} · ` : ''}${vscode.l10n.t('{0} times', note.occurrences.length)}`;
        item.contextValue = 'ospoNotes.tag.note';
        return item;
      }
      case 'occurrence': {
        const { note, vaultUri, index } = element;
        const o = note.occurrences[index];
        const uri = noteUri(vaultUri, note.path);
        const text = await this.texts.line(uri, o.range.start.line, o.range.start.character);
        const item = new vscode.TreeItem(text || `#${element.tag.name}`, vscode.TreeItemCollapsibleState.None);
        item.id = `tags|${vaultUri}|${element.tag.name.toLowerCase()}|${note.path}|${index}`;
        item.description = o.inFrontmatter ? vscode.l10n.t('frontmatter, line {0}', o.range.start.line + 1) : vscode.l10n.t('line {0}', o.range.start.line + 1);
        item.iconPath = new vscode.ThemeIcon(o.inFrontmatter ? 'symbol-property' : 'symbol-keyword');
        item.command = openAt(uri, o.range);
        return item;
      }
    }
  }
}

function tagTooltip(n: TagTreeNode): string {
  const nested = n.count - n.ownCount;
  if (n.children.length === 0) return vscode.l10n.t('#{0}: {1} notes', n.name, n.count);
  if (n.ownCount === 0) return vscode.l10n.t('#{0}: {1} notes, all through nested tags', n.name, n.count);
  return vscode.l10n.t('#{0}: {1} notes ({2} tagged #{0} itself, {3} more through nested tags)', n.name, n.count, n.ownCount, nested < 0 ? 0 : nested);
}

export function registerTagsView(context: vscode.ExtensionContext, host: ViewHost): void {
  const stored = context.workspaceState.get<TagOrder>(ORDER_KEY);
  const provider = new TagsProvider(host, stored === 'count' ? 'count' : 'name');
  registerLiveTree(context, host, TAGS_VIEW, provider);
  const setOrder = async (order: TagOrder): Promise<void> => {
    provider.order = order;
    await context.workspaceState.update(ORDER_KEY, order);
    await vscode.commands.executeCommand('setContext', ORDER_KEY, order);
    provider.refresh();
  };
  void vscode.commands.executeCommand('setContext', ORDER_KEY, provider.order);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.sortByName, () => setOrder('name')),
    vscode.commands.registerCommand(COMMANDS.sortByCount, () => setOrder('count')),
  );
}
