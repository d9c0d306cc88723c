/**
 * What every language feature gets: the vault index and a way to read a note's current text.
 *
 * Features are editor-free functions (no LSP connection, no `vscode`): they take vault-relative paths and LSP
 * positions and return plain data (`vscode-languageserver-types` values, or {@link PathLocation}s that the server
 * turns into URIs). The server, the checker and tests all call them the same way.
 */
import type { Range } from '../model';
import type { VaultIndex } from '../vault/vault';
import type { FileLookup } from '../vault/fileLookup';
import type { Visibility } from '../vault/visibility';
import { DEFAULT_VAULT_SETTINGS, type VaultSettings } from '../vault/vaultSettings';
import type { FrontmatterSchema } from '../diagnostics/frontmatterSchema';
import type { NoteDiagnostic } from '../diagnostics/diagnostics';

export interface FeatureContext {
  index: VaultIndex;
  /**
   * The current text of a file by vault-relative path: the editor's unsaved buffer when the note is open,
   * otherwise the file on disk; undefined when it cannot be read.
   */
  getText(path: string): string | undefined;
  /** Vault paths of symlinks leading outside the vault (not indexed), so that links to them say so. */
  outside?(): FileLookup;
  /** What a note without a `visibility` counts as (`ospoNotes.visibility.default`); `private` when absent. */
  defaultVisibility?: Visibility;
  /** The vault's frontmatter schema (completion of keys and values, hover on a key); the default one when absent. */
  frontmatterSchema?(): FrontmatterSchema;
  /**
   * The note's problems as last computed for publishing (the server's ProblemCache), so that hover need not run
   * every rule again on a note of 10,000 links; undefined when there is no such record.
   */
  problems?(path: string): readonly NoteDiagnostic[] | undefined;
  /** The request's cancellation (an LSP `CancellationToken` fits): features that loop over the vault check it. */
  cancellation?: Cancellation;
  /**
   * The vault's effective settings (Obsidian's `.obsidian/*.json` with ours over them, `vault/vaultSettings.ts`),
   * asked at each use so that a change applies at once. Absent: Obsidian's defaults. Read it through
   * {@link vaultSettingsOf}.
   */
  settings?(): VaultSettings;
}

/** The settings a feature works with: the context's, or Obsidian's defaults. */
export function vaultSettingsOf(ctx: Pick<FeatureContext, 'settings'>): VaultSettings {
  return ctx.settings?.() ?? DEFAULT_VAULT_SETTINGS;
}

export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

/** Thrown by a feature whose request was cancelled; the server answers `RequestCancelled`. */
export class RequestCancelledError extends Error {
  constructor() {
    super('request cancelled');
  }
}

export function throwIfCancelled(cancellation: Cancellation | undefined): void {
  if (cancellation?.isCancellationRequested) throw new RequestCancelledError();
}

/** A place in the vault, by vault-relative path. */
export interface PathLocation {
  path: string;
  range: Range;
}
