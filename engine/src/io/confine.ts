/**
 * Confining a file named by a client (a command argument, a request parameter) to its vault. The name is
 * untrusted: it is normalised, must be relative, may not climb out with `..`, may not name a hidden file or
 * `node_modules` (not part of the vault), and once symbolic links are followed the file must still lie inside
 * the vault's real root. Anything else is refused with a sentence saying why, before any byte is read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { resolveDotSegments } from '../vault/paths';
import { VaultRules } from '../vault/membership';

/** Hidden names and `node_modules` are never part of a vault, whatever its settings. */
const ALWAYS_LEFT_OUT = new VaultRules();

export type Confined = { ok: true; path: string; real: string } | { ok: false; reason: string };

/**
 * The canonical vault path and real absolute path of `given` (vault-relative, `/`-separated) in the vault at
 * `root`, or why it is refused. A file that does not exist is refused too: there is nothing to confine.
 */
export function confineToVault(root: string, given: unknown, realpath: (p: string) => string = fs.realpathSync.native): Confined {
  if (typeof given !== 'string' || given.trim() === '') return refuse('no file path was given');
  const shown = JSON.stringify(given);
  if (given.includes('\0')) return refuse(`${shown} contains a NUL character`);
  const slashed = given.normalize('NFC').replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed) || path.isAbsolute(given)) return refuse(`${shown} is an absolute path; a path relative to the vault is expected`);
  const segments = resolveDotSegments(slashed.split('/'));
  if (segments === undefined) return refuse(`${shown} climbs out of the vault`);
  if (segments.length === 0) return refuse(`${shown} names the vault itself, not a file`);
  const vaultPath = segments.join('/');
  if (!ALWAYS_LEFT_OUT.isMember(vaultPath)) return refuse(`${shown} is not part of the vault (hidden names and node_modules are left out)`);

  let realRoot: string;
  let real: string;
  try {
    realRoot = realpath(root);
  } catch {
    return refuse(`the vault folder ${root} cannot be read`);
  }
  try {
    real = realpath(path.join(root, ...segments));
  } catch {
    return refuse(`${shown} does not exist in the vault`);
  }
  if (!isStrictlyInside(realRoot, real)) return refuse(`${shown} leads outside the vault through a symbolic link`);
  return { ok: true, path: vaultPath, real };
}

function refuse(reason: string): Confined {
  return { ok: false, reason };
}

/** `abs` lies strictly below `folder` (both absolute, already resolved). */
export function isStrictlyInside(folder: string, abs: string): boolean {
  const rel = path.relative(folder, abs);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
