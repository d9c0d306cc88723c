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

/** A tag of the hierarchy (engine `TagTreeNode`). */
export interface TagTreeNode {
  /** Full name without `#`, in its most common spelling. */
  name: string;
  /** The last segment. */
  label: string;
  /** Notes tagged with exactly this tag. */
  ownCount: number;
  /** Notes tagged with it or a tag nested under it, each once. */
  count: number;
  children: TagTreeNode[];
}

export interface TaggedNote {
  path: string;
  title?: string;
  occurrences: Array<{ range: Range; inFrontmatter: boolean }>;
}

export interface VaultTags extends VaultHeader {
  /** The hierarchy (empty when `tag` was given). */
  tags: TagTreeNode[];
  /** With `tag`: the notes tagged with it, by file name. */
  notes?: TaggedNote[];
}

export interface OrphanNote {
  path: string;
  title?: string;
  /** Distinct other files its links reach; 0: no connection at all. */
  linksOut: number;
}

export interface VaultOrphans extends VaultHeader {
  orphans: OrphanNote[];
}

export interface WaitingLink {
  source: string;
  range: Range;
  linkpath: string;
  embed: boolean;
}

export interface Placeholder {
  /** The name of the note to create, or the linkpath when it cannot be created. */
  name: string;
  /** The vault path "Create Note" makes; absent when it cannot be created (see `reason`). */
  path?: string;
  reason?: string;
  links: WaitingLink[];
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
