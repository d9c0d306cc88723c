import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { confineToVault, isStrictlyInside } from '@ospo-notes/engine';

describe('confining a client-named file to its vault', () => {
  let root: string;
  let outside: string;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-confine-unit-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-confine-out-'));
    fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a', 'b', 'Note.md'), 'x');
    fs.writeFileSync(path.join(outside, 'secret.md'), 'secret');
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'leak.md'));
    fs.symlinkSync(path.join(root, 'a'), path.join(root, 'alias'));
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const reason = (given: unknown): string => {
    const r = confineToVault(root, given);
    assert.equal(r.ok, false, `${JSON.stringify(given)} was accepted`);
    return (r as { reason: string }).reason;
  };

  it('accepts a vault path however it is spelt, and gives its canonical form and real path', () => {
    for (const given of ['a/b/Note.md', './a//b/./Note.md', 'a/x/../b/Note.md', 'a\\b\\Note.md']) {
      const r = confineToVault(root, given);
      assert.ok(r.ok, given);
      assert.equal(r.path, 'a/b/Note.md');
      assert.equal(r.real, fs.realpathSync.native(path.join(root, 'a', 'b', 'Note.md')));
    }
    // A symlink that stays inside the vault is fine.
    assert.ok(confineToVault(root, 'alias/b/Note.md').ok);
  });

  it('refuses what is not a relative vault path, with the reason', () => {
    assert.match(reason(undefined), /no file path/);
    assert.match(reason(42), /no file path/);
    assert.match(reason('  '), /no file path/);
    assert.match(reason('a\u0000.md'), /NUL/);
    assert.match(reason('/etc/hostname'), /absolute path/);
    assert.match(reason('C:/Windows/win.ini'), /absolute path/);
    assert.match(reason('c:\\Windows\\win.ini'), /absolute path/);
    assert.match(reason('\\\\server\\share\\x.md'), /absolute path/);
    assert.match(reason('../x.md'), /climbs out/);
    assert.match(reason('a/../../x.md'), /climbs out/);
    assert.match(reason('.'), /names the vault itself/);
    assert.match(reason('a/.git/config'), /not part of the vault/);
    assert.match(reason('node_modules/x.md'), /not part of the vault/);
    assert.match(reason('a/Missing.md'), /does not exist/);
    assert.match(reason('leak.md'), /leads outside the vault through a symbolic link/);
  });

  it('tells strict containment', () => {
    assert.equal(isStrictlyInside('/v', '/v/a'), true);
    assert.equal(isStrictlyInside('/v', '/v'), false);
    assert.equal(isStrictlyInside('/v', '/vault/a'), false);
    assert.equal(isStrictlyInside('/v', '/v/../x'), false);
  });
});
