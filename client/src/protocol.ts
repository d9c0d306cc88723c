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
