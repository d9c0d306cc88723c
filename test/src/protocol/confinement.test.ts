/**
 * Protocol tests: a command argument that names a file is confined to its vault. Escapes by `..`, by an
 * absolute path, by a symlink leading out and by the URI of another folder are refused with a clear error, and
 * nothing is read or edited.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { LspTestClient, REPO } from './lspTestClient';

const CERN = 'public/orgs/CERN.md';

describe('commands stay inside the vault', function () {
  this.timeout(30000);
  let root: string;
  let outside: string;
  let client: LspTestClient;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-confine-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-outside-'));
    fs.cpSync(path.join(REPO, 'examples', 'ospo-vault'), root, { recursive: true });
    // Outside the vault: a note with a paragraph on line 0, and a copy of a vault note under the same path.
    fs.writeFileSync(path.join(outside, 'secret.md'), 'TOP SECRET paragraph\n');
    fs.mkdirSync(path.join(outside, 'public', 'orgs'), { recursive: true });
    fs.copyFileSync(path.join(root, ...CERN.split('/')), path.join(outside, ...CERN.split('/')));
    // A note and a folder inside the vault that are symlinks leading out of it.
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'leak.md'));
    fs.symlinkSync(outside, path.join(root, 'linked'));
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  async function refused(args: Record<string, unknown>, reason: RegExp): Promise<void> {
    const before = client.appliedEdits.length;
    await assert.rejects(
      client.request('workspace/executeCommand', { command: 'ospo-notes.addBlockId', arguments: [{ line: 0, id: 'abc123', ...args }] }),
      (e: unknown) => {
        assert.ok(e instanceof ResponseError, String(e));
        assert.match(e.message, /^ospo-notes\.addBlockId: /);
        assert.match(e.message, reason);
        assert.match(e.message, /nothing was read or changed\.$/);
        return true;
      },
    );
    assert.equal(client.appliedEdits.length, before, 'no edit was asked of the editor');
  }

  it('refuses a path that climbs out with ..', async () => {
    const up = path.relative(root, '/etc/hostname').split(path.sep).join('/');
    await refused({ path: up }, /climbs out of the vault/);
    await refused({ path: '../../../../etc/hostname' }, /climbs out of the vault/);
    await refused({ path: 'public/../../secret.md' }, /climbs out of the vault/);
    await refused({ path: 'public\\..\\..\\secret.md' }, /climbs out of the vault/);
  });

  it('refuses an absolute path, even one inside the vault', async () => {
    await refused({ path: '/etc/hostname' }, /is an absolute path/);
    await refused({ path: path.join(root, ...CERN.split('/')) }, /is an absolute path/);
  });

  it('refuses a note or folder that is a symlink leading out of the vault', async () => {
    await refused({ path: 'leak.md' }, /leads outside the vault through a symbolic link/);
    await refused({ path: 'linked/secret.md' }, /leads outside the vault through a symbolic link/);
  });

  it('refuses the URI of a folder that is not a vault of the workspace', async () => {
    await refused({ vaultUri: URI.file(outside).toString(), path: CERN }, /is not a vault of this workspace/);
    await refused({ vaultUri: 42, path: CERN }, /is not a vault of this workspace/);
  });

  it('refuses hidden files and files that are not notes of the vault', async () => {
    fs.mkdirSync(path.join(root, '.obsidian'), { recursive: true });
    fs.writeFileSync(path.join(root, '.obsidian', 'x.md'), 'hidden\n');
    await refused({ path: '.obsidian/x.md' }, /is not part of the vault/);
    await refused({ path: 'public/orgs/Nowhere.md' }, /does not exist in the vault/);
    await refused({ path: 'public' }, /is not a note of the vault/);
  });

  it('refuses arguments of the wrong shape with what it needs', async () => {
    for (const args of [[], [null], ['CERN.md'], [{ path: CERN, line: '8', id: 'abc123' }], [{ path: CERN, line: 8, id: 123 }]]) {
      await assert.rejects(client.request('workspace/executeCommand', { command: 'ospo-notes.addBlockId', arguments: args }), /needs \{ vaultUri, path, line, id \}/);
    }
    assert.equal(client.appliedEdits.length, 0);
  });

  it('still writes into a note of the vault, however its path is spelt', async () => {
    const result = await client.request<{ applied: boolean }>('workspace/executeCommand', {
      command: 'ospo-notes.addBlockId',
      arguments: [{ vaultUri: URI.file(root).toString(), path: './public//orgs/../orgs/CERN.md', line: 8, id: 'abc123' }],
    });
    assert.equal(result.applied, true);
    const edit = client.appliedEdits.at(-1)!.edit.documentChanges![0] as { textDocument: { uri: string } };
    assert.equal(edit.textDocument.uri, client.uri(CERN));
  });
});
