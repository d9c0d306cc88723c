/**
 * The client's mirror of each vault's file list, for the preview (which resolves links synchronously, while
 * markdown-it renders) and for link texts the client writes. The language server owns the one index per vault;
 * the client never scans or parses the vault, it only copies the server's list (`ospo/files`) and applies the
 * server's changes to it (`ospo/filesChanged`). Free of the `vscode` module so that it is testable in plain Node.
 */
import * as path from 'path';
import { FileLookup, VaultRules } from '@ospo-notes/engine';
import type { FilesChanged, VaultFileList } from './protocol';

export interface MirroredVault {
  uri: string;
  /** Absolute folder path. */
  root: string;
  ready: boolean;
  files: FileLookup;
  /** The server's membership rules for this vault. */
  rules: VaultRules;
}

export class VaultFiles {
  /** Longest root first, so that a nested workspace folder wins for its files, as in the server. */
  private vaults: MirroredVault[] = [];
  private generation = 0;

  /** Bumped on every change, so that callers can tell whether anything happened. */
  get version(): number {
    return this.generation;
  }

  get all(): readonly MirroredVault[] {
    return this.vaults;
  }

  /** Replaces everything with the server's answer to `ospo/files`. */
  reset(lists: readonly VaultFileList[]): void {
    this.vaults = lists
      .map((l) => ({ uri: l.uri, root: path.resolve(l.root), ready: l.ready, files: new FileLookup(l.files), rules: new VaultRules(l.rules) }))
      .sort((a, b) => b.root.length - a.root.length);
    this.generation++;
  }

  /**
   * Applies `ospo/filesChanged`; returns whether the list changed. Changes for a vault the mirror does not know
   * (the list was not fetched yet) are dropped: the next `reset` brings them.
   */
  apply(change: FilesChanged): boolean {
    const vault = this.vaults.find((v) => v.uri === change.uri);
    if (!vault) return false;
    let changed = false;
    for (const p of change.removed ?? []) if (vault.files.remove(p)) changed = true;
    for (const p of change.added ?? []) if (vault.files.add(p)) changed = true;
    if (changed) this.generation++;
    return changed;
  }

  clear(): void {
    this.vaults = [];
    this.generation++;
  }

  /**
   * The indexed vault holding the file at `absPath` and the file's vault path. Undefined outside every vault,
   * while the vault is still being indexed, and for paths the vault's rules leave out (the server's rules).
   */
  locate(absPath: string): { vault: MirroredVault; path: string } | undefined {
    const abs = path.resolve(absPath);
    for (const vault of this.vaults) {
      const rel = path.relative(vault.root, abs);
      if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
      const p = rel.split(path.sep).join('/');
      if (!vault.ready || !vault.rules.isMember(p)) return undefined;
      return { vault, path: p };
    }
    return undefined;
  }

  /** What the preview plugin asks for: the vault of a document, as its root and file list. */
  vaultFor(documentPath: string): { root: string; files: FileLookup } | undefined {
    const loc = this.locate(documentPath);
    return loc ? { root: loc.vault.root, files: loc.vault.files } : undefined;
  }
}
