/**
 * The custom messages between the extension and the language server (see server.ts), as plain types so that the
 * pure client modules and their tests can use them without the `vscode` module.
 */
import type { MembershipSettings, OrphanNote, Placeholder, TaggedNote, TagTreeNode } from '@ospo-notes/engine';

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

/**
 * `ospo/graph`: the local graph of a note (`{ uri, depth }`, the note's document URI, depth 1–3) or a vault's
 * whole graph (`{ vault, whole: true }`, the vault's folder URI, or any document URI inside it). The engine's
 * `VaultGraph` (engine/src/features/graph.ts: parallel arrays per node, one flat edge array) with the vault it
 * belongs to; `graph` is absent while the vault is indexing or when the note is not in a vault.
 */
export const GRAPH_REQUEST = 'ospo/graph';

export type GraphParams = { uri: string; depth?: number } | { vault?: string; whole: true };

export interface GraphResponse {
  /** The vault's folder URI: node paths are relative to it. */
  vault?: string;
  ready: boolean;
  graph?: import('@ospo-notes/engine').VaultGraph;
  /** Why there is no graph, in words for the user (not a vault, still indexing, not a note). */
  reason?: string;
}

// --- The Backlinks view ------------------------------------------------------------------------------------------

/** `ospo/backlinks` `{ uri, limit? }`: the linked and unlinked mentions of the note at `uri`; null when it is no indexed note. */
export const BACKLINKS_REQUEST = 'ospo/backlinks';
/**
 * `ospo/linkMentions` `{ uri, source, mention? }`: turns the unlinked mention `mention` (as `ospo/backlinks` gave
 * it), or every unlinked mention, of the note `uri` in the note `source` into links; the server applies the edit
 * through `workspace/applyEdit`. A mention no longer there is refused with an error saying so.
 */
export const LINK_MENTIONS_REQUEST = 'ospo/linkMentions';

export interface BacklinksParams {
  uri: string;
  /** Unlinked mentions returned at most (the server's default otherwise); the rest are counted in `more`. */
  limit?: number;
}

/** A range as LSP writes it (the same shape as {@link Range}). */
export type TextRange = Range;

/** Text around a link or mention, on one line, with the link or mention at `highlight` (start, end). */
export interface MentionContext {
  text: string;
  highlight: [number, number];
}

export interface BacklinkOccurrenceInfo {
  range: TextRange;
  syntax: 'wiki' | 'markdown' | 'definition';
  embed: boolean;
  context: MentionContext;
  headingPath: string[];
}

export interface BacklinkGroupInfo {
  /** What the links name of the target: the whole note, a heading, a block, or a heading or block it lacks. */
  kind: 'note' | 'heading' | 'block' | 'missing';
  /** The heading's text, `^id`, or `#subpath` as written for a missing one. */
  label?: string;
  line?: number;
  occurrences: BacklinkOccurrenceInfo[];
}

export interface LinkingNoteInfo {
  uri: string;
  path: string;
  title?: string;
  groups: BacklinkGroupInfo[];
  count: number;
}

export interface UnlinkedMentionInfo {
  range: TextRange;
  text: string;
  term: string;
  termKind: 'name' | 'title' | 'alias' | 'acronym';
  context: MentionContext;
  headingPath: string[];
}

export interface MentioningNoteInfo {
  uri: string;
  path: string;
  title?: string;
  mentions: UnlinkedMentionInfo[];
  /** Every mention in the note (more than `mentions` when the limit was reached). */
  count: number;
}

export interface BacklinksAnswer {
  uri: string;
  vaultUri: string;
  path: string;
  linked: { notes: LinkingNoteInfo[]; count: number };
  unlinked: { notes: MentioningNoteInfo[]; count: number; more: number; terms: string[]; skippedTerms: string[] };
}

export interface LinkMentionsParams {
  /** The note mentioned. */
  uri: string;
  /** The note holding the mentions. */
  source: string;
  /** One mention as the view showed it; absent: every unlinked mention in `source`. */
  mention?: { range: TextRange; text: string };
}

export interface LinkMentionsResult {
  applied: boolean;
  links: number;
  failureReason?: string;
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
// ---------------------------------------------------------------------------------------------------------------
// The Tags, Orphans and Placeholders views. Each request takes `{ uri? }` (one vault; absent: every vault of the
// workspace) and answers one entry per vault, with the vault's header (`VaultHeader`).

export const TAGS_REQUEST = 'ospo/tags';
export const ORPHANS_REQUEST = 'ospo/orphans';
export const PLACEHOLDERS_REQUEST = 'ospo/placeholders';
export const CREATE_PLACEHOLDER_NOTE_REQUEST = 'ospo/createPlaceholderNote';

export interface VaultHeader {
  uri: string;
  name: string;
  /** A vault (marker, `.obsidian/`, setting); false for a folder served quietly. */
  vault: boolean;
  ready: boolean;
}

export interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** `ospo/tags` params: with `tag`, the notes tagged with exactly that tag instead of the tree. */
export interface TagsParams {
  uri?: string;
  tag?: string;
}

// The views' data are the engine's own plain types, sent as they are.
export type { OrphanNote, Placeholder, TaggedNote, TagTreeNode, WaitingLink } from '@ospo-notes/engine';

export interface VaultTags extends VaultHeader {
  /** The hierarchy (empty when `tag` was given). */
  tags: TagTreeNode[];
  /** With `tag`: the notes tagged with it, by file name. */
  notes?: TaggedNote[];
}

export interface VaultOrphans extends VaultHeader {
  orphans: OrphanNote[];
}

export interface VaultPlaceholders extends VaultHeader {
  placeholders: Placeholder[];
}

/** `ospo/createPlaceholderNote` params: the vault and the placeholder's `path`. */
export interface CreatePlaceholderNoteParams {
  uri: string;
  path: string;
}

/** The server applied (asked the editor to apply) the note's creation; `uri` is the new note's. */
export interface CreatePlaceholderNoteResult {
  applied: boolean;
  uri: string;
  path: string;
  failureReason?: string;
}
