/**
 * The commands of daily notes and templates: "Open Today's Note", "Open Previous / Next Daily Note", "Insert
 * Template", "New Note from Template". The rules (names, folders, templates, which note is previous) are the
 * engine's and run in the server (`ospo/dailyNote`, `ospo/templates`, `ospo/insertTemplate`,
 * `ospo/noteFromTemplate`); this module only asks, applies the edit the server built and opens the note.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { readObsidianConfig } from '@ospo-notes/engine';
import { localClock } from './localClock';
import {
  DAILY_NOTE_REQUEST,
  INSERT_TEMPLATE_REQUEST,
  NOTE_FROM_TEMPLATE_REQUEST,
  TEMPLATES_REQUEST,
  type DailyNoteParams,
  type DailyNoteResult,
  type InsertTemplateParams,
  type InsertTemplateResult,
  type LspWorkspaceEdit,
  type NoteFromTemplateParams,
  type NoteFromTemplateResult,
  type IndexStatus,
  type TemplatesResult,
  type VaultRequestParams,
} from './protocol';

export const DAILY_NOTE_COMMANDS = {
  openToday: 'ospo-notes.openTodaysNote',
  openPrevious: 'ospo-notes.openPreviousDailyNote',
  openNext: 'ospo-notes.openNextDailyNote',
  insertTemplate: 'ospo-notes.insertTemplate',
  newNoteFromTemplate: 'ospo-notes.newNoteFromTemplate',
} as const;

/** What the extension tells this module: a vault finished indexing (`ospo/indexed`). */
export interface DailyNoteHooks {
  vaultsIndexed(status: IndexStatus): void;
}

export function registerDailyNoteCommands(context: vscode.ExtensionContext, lc: LanguageClient, output: vscode.LogOutputChannel): DailyNoteHooks {
  /** Sends a request once the server runs; a failure is said once and logged. */
  const ask = async <R>(method: string, params: object): Promise<R | undefined> => {
    if (lc.state !== State.Running) {
      void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: the language server is not running. Try "OSPO Notes: Restart Server".'));
      return undefined;
    }
    try {
      return await lc.sendRequest<R>(method, params);
    } catch (e) {
      output.error(`${method} failed: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('OSPO Notes: {0}', e instanceof Error ? e.message : String(e)));
      return undefined;
    }
  };
  const tell = (message: string): void => void vscode.window.showInformationMessage(vscode.l10n.t('OSPO Notes: {0}', message));
  const warn = (message: string): void => void vscode.window.showWarningMessage(vscode.l10n.t('OSPO Notes: {0}', message));

  /** The active note (any markdown file the server can place) and the vault to use without one. */
  const where = (): VaultRequestParams => {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && doc.uri.scheme === 'file') return { uri: doc.uri.toString() };
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    return folders.length === 1 ? { vaultUri: folders[0].uri.toString() } : {};
  };

  /** Applies the server's edit that creates a note (CreateFile, then its text), saves it and shows it. */
  const createAndOpen = async (edit: LspWorkspaceEdit, uri: string, label: string): Promise<void> => {
    const target = vscode.Uri.parse(uri);
    const applied = await vscode.workspace.applyEdit(await lc.protocol2CodeConverter.asWorkspaceEdit(edit));
    if (!applied) {
      warn(vscode.l10n.t('could not create "{0}" (a file of that name may have appeared meanwhile).', label));
      return;
    }
    const doc = await vscode.workspace.openTextDocument(target);
    // Obsidian writes the new note to disk at once; so do we, so the file exists even if the tab is closed.
    if (doc.isDirty) await doc.save();
    await vscode.window.showTextDocument(doc, { preview: false });
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(new-file) Created {0}', label), 4000);
  };

  const openDaily = async (which: DailyNoteParams['which'], at: VaultRequestParams = where()): Promise<void> => {
    const result = await ask<DailyNoteResult>(DAILY_NOTE_REQUEST, { ...at, which, now: localClock() } satisfies DailyNoteParams);
    if (!result) return;
    switch (result.kind) {
      case 'open':
        await vscode.window.showTextDocument(vscode.Uri.parse(result.uri), { preview: false });
        return;
      case 'create':
        await createAndOpen(result.edit, result.uri, result.path);
        return;
      case 'none':
        tell(result.message);
        return;
      case 'refused':
        warn(result.message);
        return;
    }
  };

  /** Asks which template of the templates folder to use; undefined when there is none (said) or the user cancels. */
  const pickTemplate = async (params: VaultRequestParams, placeHolder: string): Promise<string | undefined> => {
    const listed = await ask<TemplatesResult>(TEMPLATES_REQUEST, params);
    if (!listed) return undefined;
    if (!listed.ok) {
      warn(listed.message);
      return undefined;
    }
    const items = listed.templates.map((t) => {
      const rel = t.path.slice(listed.folder.length + 1);
      const slash = rel.lastIndexOf('/');
      return { label: rel.slice(slash + 1).replace(/\.md$/i, ''), description: slash >= 0 ? rel.slice(0, slash) : undefined, path: t.path };
    });
    return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.path;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(DAILY_NOTE_COMMANDS.openToday, () => openDaily('today')),
    vscode.commands.registerCommand(DAILY_NOTE_COMMANDS.openPrevious, () => openDaily('previous')),
    vscode.commands.registerCommand(DAILY_NOTE_COMMANDS.openNext, () => openDaily('next')),

    vscode.commands.registerCommand(DAILY_NOTE_COMMANDS.insertTemplate, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== 'markdown' || editor.document.uri.scheme !== 'file') {
        tell(vscode.l10n.t('open a markdown note to insert a template into.'));
        return;
      }
      const uri = editor.document.uri.toString();
      const template = await pickTemplate({ uri }, vscode.l10n.t('Template to insert at the cursor'));
      if (!template) return;
      const s = editor.selection;
      const range = { start: { line: s.start.line, character: s.start.character }, end: { line: s.end.line, character: s.end.character } };
      const result = await ask<InsertTemplateResult>(INSERT_TEMPLATE_REQUEST, { uri, range, template, now: localClock() } satisfies InsertTemplateParams);
      if (!result) return;
      if (!result.ok) {
        warn(result.message);
        return;
      }
      // The edit names the buffer's version it was computed for: typed over meanwhile, it is not applied.
      const versions = (result.edit.documentChanges ?? []).flatMap((c) => ('textDocument' in c ? [c.textDocument.version] : []));
      if (versions.some((v) => v !== null && v !== editor.document.version)) {
        warn(vscode.l10n.t('the note changed while the template was prepared; nothing was inserted. Try again.'));
        return;
      }
      if (!(await vscode.workspace.applyEdit(await lc.protocol2CodeConverter.asWorkspaceEdit(result.edit)))) {
        warn(vscode.l10n.t('could not insert the template; the note changed meanwhile.'));
      }
    }),

    vscode.commands.registerCommand(DAILY_NOTE_COMMANDS.newNoteFromTemplate, async () => {
      const params = where();
      const template = await pickTemplate(params, vscode.l10n.t('Template of the new note'));
      if (!template) return;
      const name = await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Name of the new note'),
        placeHolder: vscode.l10n.t('Note name (or folder/name)'),
        validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('A note needs a name.') : undefined),
      });
      if (name === undefined) return;
      const result = await ask<NoteFromTemplateResult>(NOTE_FROM_TEMPLATE_REQUEST, { ...params, template, name: name.trim(), now: localClock() } satisfies NoteFromTemplateParams);
      if (!result) return;
      if (!result.ok) {
        warn(result.message);
        return;
      }
      await createAndOpen(result.edit, result.uri, result.path);
    }),
  );

  // Obsidian's "Open daily note on startup" (`autorun` in .obsidian/daily-notes.json): today's note once per
  // vault, when the vault is first ready in this window.
  const startedUp = new Set<string>();
  return {
    vaultsIndexed(status: IndexStatus): void {
      for (const v of status.vaults) {
        if (!v.ready || !v.vault || startedUp.has(v.uri)) continue;
        startedUp.add(v.uri);
        const root = vscode.Uri.parse(v.uri);
        if (root.scheme !== 'file') continue;
        void readObsidianConfig(root.fsPath).then(
          (read) => (read.settings.dailyNotes.autorun ? openDaily('today', { vaultUri: v.uri }) : undefined),
          (e) => output.warn(`Could not read the daily notes settings of ${v.name}: ${e instanceof Error ? e.message : String(e)}`),
        );
      }
    },
  };
}
