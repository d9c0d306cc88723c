/**
 * Walking a vault folder on disk. With load.ts, the part of the core that touches the file system; everything
 * after it works on paths and bytes.
 *
 * What is left out is the vault's {@link VaultRules} (hidden names, `node_modules`, ignored globs, excludes,
 * `.gitignore` files, which the walk reads as it meets them). Symlinks are followed once: a directory reached
 * twice (a symlink loop, or two links to one folder) is walked once. A symlink whose real path leaves the vault's
 * real root is neither followed nor read: it is reported once and listed in `outside`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IGNORE_FILE_NAME, VaultRules } from '../vault/membership';
import { isStrictlyInside } from './confine';

export interface ScanWarning {
  /** Vault-relative path, `/`-separated. */
  path: string;
  message: string;
}

export interface ScanResult {
  /** Vault-relative paths of every file, `/`-separated, in a stable (sorted) order. */
  files: string[];
  warnings: ScanWarning[];
  /** Vault paths of symlinks that lead outside the vault (not followed, not read). */
  outside: string[];
}

export interface ScanOptions {
  /** The vault's membership rules; `.gitignore` files met on the walk are added to them. Default: the defaults. */
  rules?: VaultRules;
  /**
   * Start the walk in this vault folder (e.g. a folder that appeared) instead of the root; paths stay relative
   * to the root, and containment is still checked against the root.
   */
  under?: string;
}

export async function scanVault(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const files: string[] = [];
  const warnings: ScanWarning[] = [];
  const outside: string[] = [];
  const seenDirs = new Set<string>();
  const rules = options.rules ?? new VaultRules();
  let realRoot: string;
  try {
    realRoot = await fs.promises.realpath(root);
  } catch (e) {
    warnings.push({ path: '.', message: `cannot resolve folder: ${errorText(e)}` });
    return { files, warnings, outside };
  }
  const leftOut = (rel: string, real: string): boolean => {
    if (real === realRoot || isStrictlyInside(realRoot, real)) return false;
    outside.push(rel);
    warnings.push({ path: rel, message: `symlink leads outside the vault (to ${real}): not read` });
    return true;
  };

  async function walk(abs: string, rel: string): Promise<void> {
    let real: string;
    try {
      real = await fs.promises.realpath(abs);
    } catch (e) {
      warnings.push({ path: rel || '.', message: `cannot resolve folder: ${errorText(e)}` });
      return;
    }
    if (leftOut(rel, real)) return;
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
    // A folder's ignore file applies to its entries, so it is read before they are judged.
    if (entries.some((e) => e.name === IGNORE_FILE_NAME && e.isFile())) {
      try {
        rules.addIgnoreFile(rel, await fs.promises.readFile(path.join(abs, IGNORE_FILE_NAME), 'utf8'));
      } catch (e) {
        warnings.push({ path: rel ? `${rel}/${IGNORE_FILE_NAME}` : IGNORE_FILE_NAME, message: `cannot read ignore file: ${errorText(e)}` });
      }
    }
    const subdirs: Array<[string, string]> = [];
    for (const entry of entries) {
      const name = entry.name;
      const childRel = rel ? `${rel}/${name}` : name;
      const childAbs = path.join(abs, name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        if (rules.excludesEntry(childRel, false) && rules.excludesEntry(childRel, true)) continue;
        try {
          const st = await fs.promises.stat(childAbs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (e) {
          warnings.push({ path: childRel, message: `broken symlink: ${errorText(e)}` });
          continue;
        }
        if (isFile) {
          let childReal: string;
          try {
            childReal = await fs.promises.realpath(childAbs);
          } catch (e) {
            warnings.push({ path: childRel, message: `broken symlink: ${errorText(e)}` });
            continue;
          }
          if (leftOut(childRel, childReal)) continue;
        }
      }
      if (rules.excludesEntry(childRel, isDir)) continue;
      if (isDir) subdirs.push([childAbs, childRel]);
      else if (isFile) files.push(childRel);
    }
    // Folders are walked a few at a time: enough to overlap the kernel's work, few enough to keep memory flat.
    for (let i = 0; i < subdirs.length; i += 8) {
      await Promise.all(subdirs.slice(i, i + 8).map(([a, r]) => walk(a, r)));
    }
  }

  const under = options.under ?? '';
  await walk(under ? path.join(root, ...under.split('/')) : root, under);
  files.sort();
  return { files, warnings, outside };
}

/**
 * The real path of a file or folder of the vault when it stays inside the vault's real root, else undefined. A
 * path that does not exist (yet) is judged by its deepest existing folder, so a file about to be created under a
 * symlinked folder that leads out is caught too.
 */
export function realPathInside(root: string, abs: string): string | undefined {
  let realRoot: string;
  try {
    realRoot = fs.realpathSync.native(root);
  } catch {
    return undefined;
  }
  let probe = abs;
  let rest = '';
  for (;;) {
    try {
      const real = path.join(fs.realpathSync.native(probe), rest);
      return real === realRoot || isStrictlyInside(realRoot, real) ? real : undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = path.dirname(probe);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === probe) return undefined;
      rest = rest ? path.join(path.basename(probe), rest) : path.basename(probe);
      probe = parent;
    }
  }
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
