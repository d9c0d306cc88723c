import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  attachmentFolderFor,
  DEFAULT_VAULT_SETTINGS,
  effectiveVaultSettings,
  FileLookup,
  isObsidianConfigPath,
  OBSIDIAN_DEFAULTS,
  OWN_DEFAULTS,
  parseObsidianConfig,
  readObsidianConfig,
  readOwnVaultSettings,
  vaultSettingsOf,
} from '@ospo-notes/engine';
import { blockReferenceText } from '../../../client/out/blockRef';

describe('vault settings', () => {
  describe('Obsidian\'s settings files', () => {
    it('reads app.json and templates.json', () => {
      const app = JSON.stringify({
        useMarkdownLinks: true,
        newLinkFormat: 'relative',
        attachmentFolderPath: './assets',
        newFileLocation: 'folder',
        newFileFolderPath: 'Inbox',
        alwaysUpdateLinks: true,
        promptDelete: false,
      });
      const { settings, warnings } = parseObsidianConfig(app, JSON.stringify({ folder: 'Templates', dateFormat: 'DD.MM.YYYY' }));
      assert.deepEqual(warnings, []);
      assert.deepEqual(settings, {
        useMarkdownLinks: true,
        newLinkFormat: 'relative',
        attachmentFolderPath: './assets',
        newFileLocation: 'folder',
        newFileFolderPath: 'Inbox',
        alwaysUpdateLinks: true,
        templates: { folder: 'Templates', dateFormat: 'DD.MM.YYYY', timeFormat: 'HH:mm' },
        dailyNotes: OBSIDIAN_DEFAULTS.dailyNotes,
      });
    });

    it('gives Obsidian\'s defaults for missing files and keys, and for an empty file', () => {
      assert.deepEqual(parseObsidianConfig(undefined, undefined), { settings: OBSIDIAN_DEFAULTS, warnings: [] });
      assert.deepEqual(parseObsidianConfig('', '{}'), { settings: OBSIDIAN_DEFAULTS, warnings: [] });
      assert.deepEqual(parseObsidianConfig('\uFEFF{"useMarkdownLinks": null}', undefined).settings, OBSIDIAN_DEFAULTS);
    });

    it('never throws on a broken file: defaults and one warning naming it', () => {
      const broken = parseObsidianConfig('{ "useMarkdownLinks": tru', '[1, 2]');
      assert.deepEqual(broken.settings, OBSIDIAN_DEFAULTS);
      assert.equal(broken.warnings.length, 2);
      assert.match(broken.warnings[0], /^\.obsidian\/app\.json is not valid JSON/);
      assert.match(broken.warnings[1], /^\.obsidian\/templates\.json does not hold a JSON object/);
      const mistyped = parseObsidianConfig(JSON.stringify({ useMarkdownLinks: 'yes', newLinkFormat: 'longest', newFileFolderPath: 'Inbox' }), undefined);
      assert.equal(mistyped.settings.useMarkdownLinks, false);
      assert.equal(mistyped.settings.newLinkFormat, 'shortest');
      assert.equal(mistyped.settings.newFileFolderPath, 'Inbox');
      assert.deepEqual(mistyped.warnings, ['.obsidian/app.json: ignored "useMarkdownLinks", "newLinkFormat" (unexpected value); Obsidian\'s default is used']);
    });

    it('reads the files from the vault, missing or unreadable ones as defaults', async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-obsidian-config-'));
      try {
        assert.deepEqual(await readObsidianConfig(root), { settings: OBSIDIAN_DEFAULTS, warnings: [] });
        fs.mkdirSync(path.join(root, '.obsidian'));
        fs.writeFileSync(path.join(root, '.obsidian', 'app.json'), '{"useMarkdownLinks": true}');
        // A folder where the file should be is not a settings file.
        fs.mkdirSync(path.join(root, '.obsidian', 'templates.json'));
        const read = await readObsidianConfig(root);
        assert.equal(read.settings.useMarkdownLinks, true);
        assert.deepEqual(read.warnings, []);
        const failing = await readObsidianConfig(root, {
          readFile: () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })),
          readFileSync: () => new Uint8Array(),
          stat: () => Promise.resolve({ size: 10, isFile: () => true, isDirectory: () => false }),
          statSync: () => ({ size: 10, isFile: () => true, isDirectory: () => false }),
        });
        assert.deepEqual(failing.settings, OBSIDIAN_DEFAULTS);
        // One per settings file: app.json, templates.json, daily-notes.json.
        assert.equal(failing.warnings.length, 3);
        assert.match(failing.warnings[0], /app\.json could not be read \(EACCES/);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it('knows which file events are settings changes', () => {
      assert.ok(isObsidianConfigPath('.obsidian/app.json'));
      assert.ok(isObsidianConfigPath('.obsidian\\templates.json'));
      assert.ok(!isObsidianConfigPath('.obsidian/workspace.json'));
      assert.ok(!isObsidianConfigPath('notes/.obsidian/app.json'));
    });
  });

  describe('the effective settings', () => {
    it('follow Obsidian\'s when ours say "obsidian"', () => {
      const s = effectiveVaultSettings({ ...OBSIDIAN_DEFAULTS, useMarkdownLinks: true, newLinkFormat: 'absolute', newFileLocation: 'folder', newFileFolderPath: '/Inbox/', alwaysUpdateLinks: true });
      assert.deepEqual(s.linkFormat, { style: 'markdown', pathForm: 'absolute' });
      assert.equal(s.newNoteFolder, 'Inbox');
      assert.equal(s.updateLinksOnRename, 'always');
      assert.equal(effectiveVaultSettings({ ...OBSIDIAN_DEFAULTS, newFileLocation: 'current' }).newNoteFolder, '.');
      assert.deepEqual(DEFAULT_VAULT_SETTINGS.linkFormat, { style: 'wiki', pathForm: 'shortest' });
      assert.equal(DEFAULT_VAULT_SETTINGS.newNoteFolder, '');
      assert.equal(DEFAULT_VAULT_SETTINGS.updateLinksOnRename, 'ask');
    });

    it('take ours where they are set', () => {
      const own = readOwnVaultSettings({ links: { style: 'wiki', pathForm: 'relative', updateOnRename: 'never' }, newNoteFolder: '/', templates: { folder: 'tpl/' } });
      const s = effectiveVaultSettings({ ...OBSIDIAN_DEFAULTS, useMarkdownLinks: true, newFileLocation: 'folder', newFileFolderPath: 'Inbox' }, own);
      assert.deepEqual(s.linkFormat, { style: 'wiki', pathForm: 'relative' });
      assert.equal(s.newNoteFolder, '', '`/` is the vault root');
      assert.equal(s.updateLinksOnRename, 'never');
      assert.equal(s.templates.folder, 'tpl');
      assert.deepEqual(readOwnVaultSettings({ links: { style: 'fancy' }, newNoteFolder: 3 }), OWN_DEFAULTS);
      assert.deepEqual(readOwnVaultSettings(null), OWN_DEFAULTS);
      assert.equal(vaultSettingsOf({}), DEFAULT_VAULT_SETTINGS);
    });

    it('place attachments as Obsidian does', () => {
      const at = (setting: string, note: string): string => attachmentFolderFor({ attachmentFolder: setting }, note);
      assert.equal(at('/', 'a/b/Note.md'), '');
      assert.equal(at('./', 'a/b/Note.md'), 'a/b');
      assert.equal(at('./assets', 'a/b/Note.md'), 'a/b/assets');
      assert.equal(at('./assets', 'Note.md'), 'assets');
      assert.equal(at('media/img', 'a/Note.md'), 'media/img');
    });
  });

  it('the client\'s block reference is written by the writer in the vault\'s format', () => {
    const files = new FileLookup(['a/Note.md', 'b/Note.md', 'c/My Unique.md']);
    assert.equal(blockReferenceText(files, 'c/My Unique.md', '^abc123', { style: 'markdown', pathForm: 'shortest' }), '[My Unique](My%20Unique.md#^abc123)');
    assert.equal(blockReferenceText(files, 'a/Note.md', 'Heading', { style: 'markdown', pathForm: 'absolute' }), '[Note > Heading](a/Note.md#Heading)');
    assert.equal(blockReferenceText(files, 'c/My Unique.md', '^abc123', { style: 'wiki', pathForm: 'absolute' }), '[[c/My Unique#^abc123]]');
  });
});
