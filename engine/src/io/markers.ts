/**
 * What a folder's root holds that makes it a vault (see `vaultRule.ts` for the rule): an io module, like
 * `scan.ts`, and the only place the vault rule's inputs are read from disk.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OBSIDIAN_FOLDER, OSPO_MARKER, type FolderMarkers } from '../vault/vaultRule';

export async function readFolderMarkers(root: string): Promise<FolderMarkers> {
  const [obsidian, ospoNotes] = await Promise.all([kindOf(path.join(root, OBSIDIAN_FOLDER)), kindOf(path.join(root, OSPO_MARKER))]);
  return { obsidian: obsidian === 'folder', ospoNotes: ospoNotes !== undefined };
}

async function kindOf(abs: string): Promise<'folder' | 'file' | undefined> {
  try {
    return (await fs.promises.stat(abs)).isDirectory() ? 'folder' : 'file';
  } catch {
    // Missing, unreadable, or a broken symlink: no marker.
    return undefined;
  }
}
