/**
 * Walking a vault folder on disk. The only part of the core that touches the file system; everything after it
 * works on paths and bytes.
 *
 * Dot-folders and dot-files are not in the vault (R3.9: `.obsidian`, `.git`, `.trash`…), nor is `node_modules`.
 * Symlinks are followed once: a directory reached twice (a symlink loop, or two links to one folder) is walked once.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface ScanWarning {
  /** Vault-relative path, `/`-separated. */
  path: string;
  message: string;
}

export interface ScanResult {
  /** Vault-relative paths of every file, `/`-separated, in a stable (sorted) order. */
  files: string[];
  warnings: ScanWarning[];
}

export interface ScanOptions {
  /** Vault-relative folder paths (or glob-free prefixes) to leave out, e.g. `templates`, `archive/old`. */
  ignore?: readonly string[];
}

const SKIPPED_NAMES = new Set(['node_modules']);

export async function scanVault(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const files: string[] = [];
  const warnings: ScanWarning[] = [];
  const seenDirs = new Set<string>();
  const ignore = (options.ignore ?? []).map((p) => p.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '')).filter(Boolean);

  async function walk(abs: string, rel: string): Promise<void> {
    let real: string;
    try {
      real = await fs.promises.realpath(abs);
    } catch (e) {
      warnings.push({ path: rel || '.', message: `cannot resolve folder: ${errorText(e)}` });
      return;
    }
    if (seenDirs.has(real)) {
      if (rel) warnings.push({ path: rel, message: 'folder already indexed through another path (symlink loop or duplicate link): skipped' });
      return;
    }
    seenDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(abs, { withFileTypes: true });
    } catch (e) {
      warnings.push({ path: rel || '.', message: `cannot read folder: ${errorText(e)}` });
      return;
    }
    const subdirs: Array<[string, string]> = [];
    for (const entry of entries) {
      const name = entry.name;
      if (name.startsWith('.') || SKIPPED_NAMES.has(name)) continue;
      const childRel = rel ? `${rel}/${name}` : name;
      if (ignore.some((p) => childRel === p || childRel.startsWith(p + '/'))) continue;
      const childAbs = path.join(abs, name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = await fs.promises.stat(childAbs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (e) {
          warnings.push({ path: childRel, message: `broken symlink: ${errorText(e)}` });
          continue;
        }
      }
      if (isDir) subdirs.push([childAbs, childRel]);
      else if (isFile) files.push(childRel);
    }
    // Folders are walked a few at a time: enough to overlap the kernel's work, few enough to keep memory flat.
    for (let i = 0; i < subdirs.length; i += 8) {
      await Promise.all(subdirs.slice(i, i + 8).map(([a, r]) => walk(a, r)));
    }
  }

  await walk(root, '');
  files.sort();
  return { files, warnings };
}

export function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && err.code) {
    switch (err.code) {
      case 'ENOENT':
        return 'no such file (deleted?)';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'ELOOP':
        return 'too many levels of symbolic links';
      case 'EISDIR':
        return 'is a folder';
      default:
        return err.message ?? err.code;
    }
  }
  return String((e as Error)?.message ?? e);
}
