/**
 * The Placeholders view (`ospoNotes.placeholders`): notes that links wait on but nobody has written yet, from
 * `ospo/placeholders` (engine features/orphans.ts), each with the links waiting on it (a click opens the link).
 * "Create Note" asks the server to create it (`ospo/createPlaceholderNote`: the folder for new notes and the
 * template, as the create-note quick fix does; the server has the editor apply one workspace edit), then opens it.
 */
import * as vscode from 'vscode';
import {
  CREATE_PLACEHOLDER_NOTE_REQUEST,
  type CreatePlaceholderNoteParams,
  type CreatePlaceholderNoteResult,
  type Placeholder,
  PLACEHOLDERS_REQUEST,
  type VaultPlaceholders,
  type WaitingLink,
} from '../protocol';
import { ask, NoteTexts, noteUri, openAt, registerLiveTree, type RefreshableTree, vaultItem, vaultMessage, type ViewHost } from './liveTree';
import { pathParts } from './vaultLists';

export const PLACEHOLDERS_VIEW = 'ospoNotes.placeholders';
export const CREATE_PLACEHOLDER_NOTE_COMMAND = 'ospo-notes.placeholders.createNote';
/** Above this many placeholders they start collapsed: expanding them all would draw every waiting link. */
const EXPANDED_UP_TO = 50;

type PlaceholderElement =
  | { kind: 'vault'; vault: VaultPlaceholders }
  | { kind: 'placeholder'; vaultUri: string; placeholder: Placeholder; expanded: boolean }
  | { kind: 'link'; vaultUri: string; placeholder: Placeholder; link: WaitingLink };

class PlaceholdersProvider implements RefreshableTree<PlaceholderElement> {
  private readonly changed = new vscode.EventEmitter<PlaceholderElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  view?: vscode.TreeView<PlaceholderElement>;
  private readonly texts = new NoteTexts();

  constructor(private readonly host: ViewHost) {}

  refresh(): void {
    this.texts.clear();
    this.changed.fire(undefined);
  }

  async getChildren(element?: PlaceholderElement): Promise<PlaceholderElement[]> {
    if (!element) {
      const vaults = (await ask<VaultPlaceholders[]>(this.host, this.view, PLACEHOLDERS_REQUEST, {})) ?? [];
      if (this.view) this.view.message = vaultMessage(vaults, vaults.some((v) => v.placeholders.length > 0) ? '' : vscode.l10n.t('No placeholders: every link finds its note.')) || undefined;
      return vaults.length === 1 ? this.placeholdersOf(vaults[0]) : vaults.map((vault) => ({ kind: 'vault', vault }));
    }
    if (element.kind === 'vault') return this.placeholdersOf(element.vault);
    if (element.kind === 'placeholder') return element.placeholder.links.map((link) => ({ kind: 'link', vaultUri: element.vaultUri, placeholder: element.placeholder, link }));
    return [];
  }

  private placeholdersOf(vault: VaultPlaceholders): PlaceholderElement[] {
    const expanded = vault.placeholders.length <= EXPANDED_UP_TO;
    return vault.placeholders.map((placeholder) => ({ kind: 'placeholder', vaultUri: vault.uri, placeholder, expanded }));
  }

  async getTreeItem(element: PlaceholderElement): Promise<vscode.TreeItem> {
    switch (element.kind) {
      case 'vault':
        return vaultItem(element.vault, `placeholders|${element.vault.uri}`);
      case 'placeholder': {
        const p = element.placeholder;
        const item = new vscode.TreeItem(p.name, element.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `placeholders|${element.vaultUri}|${(p.path ?? `?${p.name}`).toLowerCase()}`;
        const waiting = p.links.length === 1 ? vscode.l10n.t('1 link') : vscode.l10n.t('{0} links', p.links.length);
        const notes = new Set(p.links.map((l) => l.source)).size;
        item.description = p.path === undefined ? `${waiting} · ${vscode.l10n.t('cannot be created')}` : waiting;
        item.tooltip =
          p.path === undefined
            ? `${p.name}\n${p.reason ?? ''}`
            : vscode.l10n.t('{0}\nNot written yet: {1} in {2} notes wait on it. "Create Note" creates {3}.', p.name, waiting, notes, p.path);
        item.iconPath = new vscode.ThemeIcon(p.path === undefined ? 'warning' : 'circle-large-outline');
        item.contextValue = p.path === undefined ? 'ospoNotes.placeholder.refused' : 'ospoNotes.placeholder';
        return item;
      }
      case 'link': {
        const { link, vaultUri } = element;
        const uri = noteUri(vaultUri, link.source);
        const { name, folder } = pathParts(link.source);
        const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
        item.id = `placeholders|${vaultUri}|${(element.placeholder.path ?? `?${element.placeholder.name}`).toLowerCase()}|${link.source}|${link.range.start.line}:${link.range.start.character}`;
        item.resourceUri = uri;
        item.iconPath = vscode.ThemeIcon.File;
        item.description = await this.texts.line(uri, link.range.start.line, link.range.start.character);
        item.tooltip = `${folder ? `${folder}/` : ''}${name}, ${vscode.l10n.t('line {0}', link.range.start.line + 1)}`;
        item.command = openAt(uri, link.range);
        item.contextValue = 'ospoNotes.placeholder.link';
        return item;
      }
    }
  }
}

async function createNote(host: ViewHost, element: PlaceholderElement | undefined): Promise<void> {
  const target = element?.kind === 'placeholder' ? element : element?.kind === 'link' ? { vaultUri: element.vaultUri, placeholder: element.placeholder } : undefined;
  const path = target?.placeholder.path;
  if (!target || path === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('OSPO Notes: pick a placeholder in the Placeholders view to create its note.'));
    return;
  }
  let result: CreatePlaceholderNoteResult;
  try {
    result = await host.client.sendRequest<CreatePlaceholderNoteResult>(CREATE_PLACEHOLDER_NOTE_REQUEST, { uri: target.vaultUri, path } satisfies CreatePlaceholderNoteParams);
  } catch (e) {
    void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: {0}', e instanceof Error ? e.message : String(e)));
    return;
  }
  if (!result.applied) {
    void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: "{0}" was not created: {1}', result.path, result.failureReason ?? vscode.l10n.t('the editor did not apply the change')));
    return;
  }
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(result.uri), { preview: false });
  // The editor saves the files of a refactoring unless `files.refactoring.autoSave` is off: the note exists as shown.
  if (editor.document.isDirty) await editor.document.save();
  vscode.window.setStatusBarMessage(`$(new-file) ${vscode.l10n.t('Created {0}', result.path)}`, 4000);
}

export function registerPlaceholdersView(context: vscode.ExtensionContext, host: ViewHost): void {
  registerLiveTree(context, host, PLACEHOLDERS_VIEW, new PlaceholdersProvider(host));
  context.subscriptions.push(vscode.commands.registerCommand(CREATE_PLACEHOLDER_NOTE_COMMAND, (element?: PlaceholderElement) => createNote(host, element)));
}
