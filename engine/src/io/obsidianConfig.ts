/**
 * Reads a vault's Obsidian settings files (`.obsidian/app.json`, `templates.json`, `daily-notes.json`); what they mean is
 * `vault/vaultSettings.ts`. Tolerant: a missing file is Obsidian's defaults, a broken or unreadable one is the
 * defaults and one warning, never an exception.
 */
import * as path from 'path';
import { OBSIDIAN_APP_CONFIG, OBSIDIAN_DAILY_NOTES_CONFIG, OBSIDIAN_TEMPLATES_CONFIG, parseObsidianConfig, type ObsidianConfigRead } from '../vault/vaultSettings';
import { nodeVaultFs, type VaultFs } from './load';

/** Obsidian writes a few kilobytes here; anything far larger is not a settings file worth parsing. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export async function readObsidianConfig(root: string, files: VaultFs = nodeVaultFs): Promise<ObsidianConfigRead> {
  const warnings: string[] = [];
  const [app, templates, dailyNotes] = await Promise.all([
    readConfigFile(root, OBSIDIAN_APP_CONFIG, files, warnings),
    readConfigFile(root, OBSIDIAN_TEMPLATES_CONFIG, files, warnings),
    readConfigFile(root, OBSIDIAN_DAILY_NOTES_CONFIG, files, warnings),
  ]);
  const read = parseObsidianConfig(app, templates, dailyNotes);
  return { settings: read.settings, warnings: [...warnings, ...read.warnings] };
}

async function readConfigFile(root: string, rel: string, files: VaultFs, warnings: string[]): Promise<string | undefined> {
  const abs = path.join(root, ...rel.split('/'));
  try {
    const stat = await files.stat(abs);
    if (!stat.isFile()) return undefined;
    if (stat.size > MAX_CONFIG_BYTES) {
      warnings.push(`${rel} is ${stat.size} bytes, too large for a settings file; Obsidian's defaults are used`);
      return undefined;
    }
    return new TextDecoder('utf-8').decode(await files.readFile(abs));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    warnings.push(`${rel} could not be read (${(e as Error).message}); Obsidian's defaults are used`);
    return undefined;
  }
}
