/**
 * `ospo-notes check --cache DIR`: the checker keeps the parsed notes in DIR, the next run takes every unchanged
 * note from it and reports exactly what a run without it reports; a damaged cache is rebuilt; without the flag
 * nothing is written anywhere.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tempDir } from '../support/tempDirs';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'server/out/cli.js');

function check(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [CLI, 'check', ...args, '--format', 'json'], { encoding: 'utf8', timeout: 60000, env });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function tempVault(): string {
  const root = tempDir('ospo-cli-cache-');
  fs.cpSync(path.join(REPO, 'examples', 'ospo-vault'), root, { recursive: true });
  return root;
}

function notesIn(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

describe('cli: check --cache', () => {
  it('a second check reads every note from the cache and reports the same problems; a changed note is parsed again', () => {
    const root = tempVault();
    const dir = tempDir('ospo-cli-cache-dir-');
    const notes = notesIn(root).length;
    const cold = check([root, '--cache', dir]);
    assert.match(cold.stderr, /model cache: .*: no cache yet: rebuilding it\n/);
    assert.match(cold.stderr, new RegExp(`cache: 0 of ${notes} notes read from it, written\\n`));
    assert.equal(fs.readdirSync(dir).filter((n) => n.endsWith('.notes-cache')).length, 1);
    const warm = check([root, '--cache', dir]);
    assert.equal(warm.status, cold.status);
    assert.equal(warm.stdout, cold.stdout);
    assert.match(warm.stderr, new RegExp(`cache: ${notes} of ${notes} notes read from it\\n`));

    // A broken link added in place of text of the same length, with the old modification time.
    const note = notesIn(root)[0];
    const st = fs.statSync(note);
    const text = fs.readFileSync(note, 'utf8');
    const edited = text.slice(0, text.length - 12) + '[[Nowhere1]]';
    assert.equal(Buffer.byteLength(edited), Buffer.byteLength(text));
    fs.writeFileSync(note, edited);
    fs.utimesSync(note, st.atime, st.mtime);
    const after = check([root, '--cache', dir]);
    assert.match(after.stderr, new RegExp(`cache: ${notes - 1} of ${notes} notes read from it, written\\n`));
    assert.equal(after.stdout, check([root]).stdout);
    assert.ok(after.stdout.includes('Nowhere1'));
  });

  it('a damaged cache is rebuilt, with one line saying why, and the report does not change', () => {
    const root = tempVault();
    const dir = tempDir('ospo-cli-cache-dir-');
    const cold = check([root, '--cache', dir]);
    const file = path.join(dir, fs.readdirSync(dir).find((n) => n.endsWith('.notes-cache'))!);
    const data = fs.readFileSync(file);
    data[data.length - 30] ^= 0xff;
    fs.writeFileSync(file, data);
    const again = check([root, '--cache', dir]);
    assert.equal(again.stdout, cold.stdout);
    assert.equal(again.stderr.split('\n').filter((l) => /rebuilding it/.test(l)).length, 1);
    assert.match(again.stderr, /corrupted \(checksum mismatch\): rebuilding it/);
  });

  it('without --cache nothing is written, not even to the user cache folder', () => {
    const root = tempVault();
    const home = tempDir('ospo-cli-xdg-');
    const run = check([root], { ...process.env, XDG_CACHE_HOME: home, HOME: home });
    assert.equal(run.stderr, '');
    assert.deepEqual(fs.readdirSync(home), []);
  });

  it('--cache is in the help and needs a folder', () => {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /--cache DIR/);
    const bad = spawnSync(process.execPath, [CLI, 'check', '.', '--cache'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--cache needs a value/);
  });
});
