/**
 * The custom messages between the extension and the language server (see server.ts), as plain types so that the
 * pure client modules and their tests can use them without the `vscode` module.
 */
import type { MembershipSettings } from '@ospo-notes/engine';

export const STATUS_REQUEST = 'ospo/status';
export const CHECK_VAULT_REQUEST = 'ospo/checkVault';
export const FILES_REQUEST = 'ospo/files';
export const INDEXED_NOTIFICATION = 'ospo/indexed';
export const INDEX_CHANGED_NOTIFICATION = 'ospo/indexChanged';
export const FILES_CHANGED_NOTIFICATION = 'ospo/filesChanged';

/** One vault (workspace folder) in `ospo/status`, `ospo/indexed` and `ospo/indexChanged`. */
export interface VaultStatus {
  uri: string;
  name: string;
  /** The folder is a vault (whole-vault problems, the status item); otherwise it is served quietly. */
  vault: boolean;
  ready: boolean;
  notes: number;
  files: number;
  /** Notes that currently have published problems. */
  problems: number;
}

export interface IndexStatus {
  vaults: VaultStatus[];
}

/** One vault's answer to `ospo/checkVault` (vaults still indexing are left out). */
export interface VaultCheck {
  uri: string;
  /** False for a folder served quietly: its problems are listed for open notes only. */
  vault: boolean;
  errors: number;
  warnings: number;
  information: number;
  hints: number;
  notesWithProblems: number;
}

/** One vault's answer to `ospo/files`: vault-relative paths of every note and attachment (empty until ready). */
export interface VaultFileList {
  uri: string;
  /** Absolute folder path. */
  root: string;
  ready: boolean;
  files: string[];
  /** What the vault's membership rules are built from, so the client applies the server's rules. */
  rules?: MembershipSettings;
}

/** `ospo/filesChanged`: files that appeared in or left one vault. */
export interface FilesChanged {
  uri: string;
  added: string[];
  removed: string[];
}

/**
 * `ospo/notesChanged`: notes of one vault whose model changed, appeared or left (from the index's change records,
 * coalesced over a short interval). Views of the vault (backlinks, tags, graph…) refresh from it.
 */
export const NOTES_CHANGED_NOTIFICATION = 'ospo/notesChanged';

export interface NotesChanged {
  uri: string;
  /** Vault-relative paths of notes added, changed or removed since the last notification. */
  paths: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Daily notes and templates (server.ts "Daily notes and templates"; the rules are engine/src/features/dailyNotes.ts
// and templates.ts). Every request names the vault by the active note's `uri`, else by `vaultUri` (optional with
// one vault), and sends the user's local wall-clock time as `now` (`YYYY-MM-DDTHH:mm:ss`, no offset), so dates
// are the user's and tests can fix the clock.

export const DAILY_NOTE_REQUEST = 'ospo/dailyNote';
export const TEMPLATES_REQUEST = 'ospo/templates';
export const INSERT_TEMPLATE_REQUEST = 'ospo/insertTemplate';
export const NOTE_FROM_TEMPLATE_REQUEST = 'ospo/noteFromTemplate';

export interface VaultRequestParams {
  /** The active note, if any: its vault, and (previous/next, insert) the note itself. */
  uri?: string;
  vaultUri?: string;
}

export interface DailyNoteParams extends VaultRequestParams {
  which: 'today' | 'previous' | 'next';
  now: string;
}

/** A workspace edit as LSP writes it (`documentChanges`: a `CreateFile`, then the new note's text). */
export type LspWorkspaceEdit = import('vscode-languageserver-types').WorkspaceEdit;

/**
 * `open`: the note exists; `create`: apply `edit` (it creates the note with its text), then open `uri`;
 * `none`: there is no such note (previous/next), `refused`: the settings do not allow it; `message` says why.
 */
export type DailyNoteResult =
  | { kind: 'open'; uri: string; path: string }
  | { kind: 'create'; uri: string; path: string; edit: LspWorkspaceEdit }
  | { kind: 'none' | 'refused'; message: string };

/** The templates folder's notes, or why there are none to pick. */
export type TemplatesResult = { ok: true; folder: string; templates: Array<{ path: string; uri: string }> } | { ok: false; message: string };

export interface InsertTemplateParams extends VaultRequestParams {
  uri: string;
  /** The selection the template replaces (empty: the cursor). */
  range: import('vscode-languageserver-types').Range;
  /** The template's vault path, as `ospo/templates` lists it. */
  template: string;
  now: string;
}

/** The edit of the note (at its buffer's version), or why the template cannot be inserted. */
export type InsertTemplateResult = { ok: true; edit: LspWorkspaceEdit } | { ok: false; message: string };

export interface NoteFromTemplateParams extends VaultRequestParams {
  template: string;
  /** The new note's name (or a path from the vault root, as a link writes it). */
  name: string;
  now: string;
}

export type NoteFromTemplateResult = { ok: true; uri: string; path: string; edit: LspWorkspaceEdit } | { ok: false; message: string };
