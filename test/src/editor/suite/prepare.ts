/**
 * What the editor runs need from the build, for the test runner's process (not the extension host): the
 * bundle that package.json's `main` points at, and the packaged `.vsix` users install. Each is rebuilt with the
 * project's own npm script when it is missing or older than anything it is made from, so a stale bundle is
 * never what gets tested.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Repository root (this file is compiled to test/out/editor/suite/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The sample vault the editor tests open (always as a temp copy). */
export const EXAMPLE_VAULT = path.join(REPO_ROOT, 'examples', 'ospo-vault');
/** The compiled in-editor suite (index.ts next to this file). */
export const SUITE_MODULE = path.join(__dirname, 'index.js');
/** Where `npm run package` writes the extension. */
export const VSIX = path.join(REPO_ROOT, 'ospo-notes.vsix');

/** What the bundle (`npm run bundle`: dist/extension.js, dist/server.js) is made from. */
const BUNDLE_INPUTS = ['client/src', 'server/src', 'engine/src', 'scripts/bundle.mjs', 'package-lock.json'];
/** What the .vsix is made from: the bundle's inputs and every other file it ships or is described by. */
const VSIX_INPUTS = [...BUNDLE_INPUTS, 'package.json', 'package.nls.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media', 'syntaxes', 'l10n', 'docs/diagnostics', 'scripts/package.mjs', 'scripts/notices.mjs'];

function newestMtime(rel: string): number {
  const abs = path.join(REPO_ROOT, rel);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows only as the folder's mtime
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) newest = Math.max(newest, newestMtime(path.join(rel, e.name)));
  return newest;
}

function mtime(abs: string): number {
  try {
    return fs.statSync(abs).mtimeMs;
  } catch {
    return 0;
  }
}

/** Why `outputs` must be rebuilt from `inputs`, or undefined when they are up to date. */
function staleness(outputs: string[], inputs: string[]): string | undefined {
  const missing = outputs.filter((o) => mtime(o) === 0);
  if (missing.length > 0) return `${missing.map((m) => path.relative(REPO_ROOT, m)).join(', ')} missing`;
  const oldest = Math.min(...outputs.map(mtime));
  const newer = inputs.filter((i) => newestMtime(i) > oldest);
  return newer.length > 0 ? `older than ${newer.join(', ')}` : undefined;
}

function npmRun(script: string, timeoutMs: number): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = cp.spawnSync(npm, ['run', script, '--silent'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs });
  if (res.status !== 0) {
    throw new Error(`npm run ${script} failed (${res.status ?? res.signal ?? res.error?.message}):\n${res.stdout}\n${res.stderr}`);
  }
}

/** Makes sure dist/ holds a bundle of the current sources (the dev extension's `main`); returns what was done. */
export function ensureBundle(): string {
  const outputs = ['dist/extension.js', 'dist/server.js'].map((p) => path.join(REPO_ROOT, p));
  const why = staleness(outputs, BUNDLE_INPUTS);
  if (!why) return 'bundle up to date';
  npmRun('bundle', 120_000);
  return `bundled (dist ${why})`;
}

/** Makes sure ospo-notes.vsix packages the current sources (`npm run package`); returns what was done. */
export function ensureVsix(): string {
  const why = staleness([VSIX], VSIX_INPUTS);
  if (!why) return 'ospo-notes.vsix up to date';
  npmRun('package', 300_000);
  if (mtime(VSIX) === 0) throw new Error(`npm run package did not write ${VSIX}`);
  return `packaged (ospo-notes.vsix ${why})`;
}
