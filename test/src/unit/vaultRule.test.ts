import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decideVault, folderKey, isListedFolder, readFolderMarkers, touchesVaultMarker } from '@ospo-notes/engine';

const NONE = { obsidian: false, ospoNotes: false };

describe('vault rule', () => {
  it('a folder with .obsidian/ or an .ospo-notes marker is a vault, and says why', () => {
    assert.deepEqual(decideVault('/r', { obsidian: true, ospoNotes: false }, []), { vault: true, reason: 'obsidian' });
    assert.deepEqual(decideVault('/r', { obsidian: false, ospoNotes: true }, []), { vault: true, reason: 'marker' });
    assert.deepEqual(decideVault('/r', NONE, []), { vault: false });
  });

  it('a folder listed in the setting is a vault; other entries are not', () => {
    assert.deepEqual(decideVault('/home/u/notes', NONE, ['/home/u/other', '/home/u/notes/']), { vault: true, reason: 'setting' });
    assert.deepEqual(decideVault('/home/u/notes', NONE, ['/home/u/notes/sub', '/home/u', 'notes', '']), { vault: false });
  });

  it('compares listed folders by what they name: dot segments, trailing slashes, ~, backslashes, case where asked', () => {
    assert.ok(isListedFolder('/a/b', ['/a/./c/../b/']));
    assert.ok(isListedFolder('/home/u/notes', ['~/notes'], { home: '/home/u' }));
    assert.ok(!isListedFolder('/home/u/notes', ['~/notes']), 'no home given: ~ names nothing');
    assert.ok(isListedFolder('C:\\Users\\u\\Notes', ['c:/users/u/notes'], { caseInsensitive: true }));
    assert.ok(!isListedFolder('/a/Notes', ['/a/notes']), 'case-sensitive by default');
    assert.equal(folderKey('relative/path'), undefined);
    assert.equal(folderKey(42 as unknown as string), undefined, 'a non-string entry is ignored, not a crash');
  });

  it('knows which paths can change a folder\'s decision', () => {
    for (const p of ['.obsidian', '.obsidian/app.json', '.ospo-notes', '.ospo-notes/settings.json', '/.obsidian']) assert.ok(touchesVaultMarker(p), p);
    for (const p of ['notes/.obsidian', 'README.md', '.obsidianx', '.git/config']) assert.ok(!touchesVaultMarker(p), p);
  });

  it('reads the markers from disk: .obsidian must be a folder, .ospo-notes may be either', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-markers-'));
    try {
      assert.deepEqual(await readFolderMarkers(root), NONE);
      fs.writeFileSync(path.join(root, '.obsidian'), 'not a folder');
      assert.deepEqual(await readFolderMarkers(root), NONE);
      fs.rmSync(path.join(root, '.obsidian'));
      fs.mkdirSync(path.join(root, '.obsidian'));
      assert.deepEqual(await readFolderMarkers(root), { obsidian: true, ospoNotes: false });
      fs.writeFileSync(path.join(root, '.ospo-notes'), '');
      assert.deepEqual(await readFolderMarkers(root), { obsidian: true, ospoNotes: true });
      assert.deepEqual(await readFolderMarkers(path.join(root, 'missing')), NONE);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('the sample vault carries the marker a real Obsidian vault has', async () => {
    const vault = path.resolve(__dirname, '..', '..', '..', 'examples', 'ospo-vault');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(vault, '.obsidian', 'app.json'), 'utf8')), {});
    assert.deepEqual(decideVault(vault, await readFolderMarkers(vault), []), { vault: true, reason: 'obsidian' });
  });
});

describe('extension manifest: where it runs', () => {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const nls = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.nls.json'), 'utf8')) as Record<string, string>;

  it('activates in vaults and for markdown files, not in every folder with a README', () => {
    assert.deepEqual([...manifest.activationEvents].sort(), ['onLanguage:markdown', 'workspaceContains:.obsidian', 'workspaceContains:.ospo-notes']);
  });

  it('declares Restricted Mode support and no virtual workspaces', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(manifest.capabilities.untrustedWorkspaces.description, '%capabilities.untrustedWorkspaces.description%');
    assert.match(nls['capabilities.untrustedWorkspaces.description'], /runs no code from the workspace/);
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
  });

  it('offers "Treat this Folder as a Vault" until every folder is one, and the setting it writes', () => {
    const command = manifest.contributes.commands.find((c: { command: string }) => c.command === 'ospo-notes.treatAsVault');
    assert.deepEqual(command, { command: 'ospo-notes.treatAsVault', title: '%command.treatAsVault.title%', category: 'OSPO Notes' });
    // The title the user sees is the English string of package.nls.json.
    assert.equal(nls['command.treatAsVault.title'], 'Treat this Folder as a Vault');
    const palette = manifest.contributes.menus.commandPalette.find((c: { command: string }) => c.command === 'ospo-notes.treatAsVault');
    assert.equal(palette.when, 'workspaceFolderCount > 0 && !ospoNotes.everyFolderIsAVault');
    const setting = manifest.contributes.configuration.properties['ospoNotes.vaults'];
    assert.deepEqual([setting.type, setting.items.type, setting.default], ['array', 'string', []]);
  });
});
