import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applyMembership,
  ATTACHMENT_EXTENSIONS,
  fileKind,
  isAttachmentPath,
  isHiddenPath,
  loadVault,
  parseBuffer,
  scanVault,
  VaultRules,
} from '@ospo-notes/engine';
import { VaultFiles } from '../../../client/out/vaultFiles';

const REPO = path.resolve(__dirname, '../../..');

describe('vault membership', () => {
  describe('R3.9 accepted file formats and kinds', () => {
    it('lists every accepted attachment format of the help vault', () => {
      const expected = 'base canvas avif bmp gif jpeg jpg png svg webp flac m4a mp3 ogg wav webm 3gp mkv mov mp4 ogv pdf'.split(' ');
      assert.deepEqual([...ATTACHMENT_EXTENSIONS].sort(), [...expected].sort());
      assert.ok(!ATTACHMENT_EXTENSIONS.has('md'));
    });
    it('classifies attachments and other files', () => {
      assert.ok(isAttachmentPath('ospo_infographic.pdf'));
      assert.ok(isAttachmentPath('img/Engelbart.JPG'));
      assert.ok(isAttachmentPath('My canvas.canvas'));
      assert.ok(!isAttachmentPath('script.js'));
    });
    it('gives each file one kind', () => {
      assert.deepEqual(
        ['a/N.md', 'x.PNG', 'y.svg', 's.mp3', 'v.webm', 'm.mov', 'd.pdf', 'c.canvas', 'data.csv'].map(fileKind),
        ['note', 'image', 'image', 'audio', 'video', 'video', 'pdf', 'other', 'other'],
      );
    });
    it('treats any segment starting with `.` as hidden', () => {
      assert.ok(isHiddenPath('.obsidian/app.json'));
      assert.ok(isHiddenPath('notes/.trash/x.md'));
      assert.ok(isHiddenPath('.hidden.md'));
      assert.ok(!isHiddenPath('notes/My.Note.md'));
    });
  });

  describe('VaultRules', () => {
    it('leaves out hidden names and node_modules at any depth', () => {
      const rules = new VaultRules();
      assert.deepEqual(
        ['A.md', '.obsidian/app.json', 'a/.trash/x.md', 'node_modules/p/README.md', 'a/node_modules/x.md', 'a/My.Note.md'].map((p) => rules.isMember(p)),
        [true, false, false, false, false, true],
      );
    });
    it('reads a plain ignored folder as that folder from the root, and globs as globs', () => {
      const rules = new VaultRules({ ignored: ['templates', 'archive/2019/', '**/drafts', 'attic/**', '*.tmp.md'] });
      const member = (p: string): boolean => rules.isMember(p);
      assert.equal(member('templates/T.md'), false);
      assert.equal(member('notes/templates/T.md'), true, 'a plain name is a path from the root');
      assert.equal(member('templatesX.md'), true);
      assert.equal(member('archive/2019/a/b.md'), false);
      assert.equal(member('archive/2020/b.md'), true);
      assert.equal(member('drafts/x.md'), false);
      assert.equal(member('a/b/drafts/c/x.md'), false);
      assert.equal(member('attic/x.md'), false);
      assert.equal(member('x.tmp.md'), false);
      assert.equal(member('x.md'), true);
      assert.equal(rules.isMemberFolder('a/b/drafts'), false);
      assert.equal(rules.isMemberFolder('a/b'), true);
    });
    it('applies files.exclude globs and .gitignore files (nested ones below their folder only)', () => {
      const rules = new VaultRules({
        excludes: ['**/vendor'],
        ignoreFiles: [
          { folder: '', text: 'build/\n*.log.md\n!keep.log.md\n' },
          { folder: 'sub', text: 'private.md\n' },
        ],
      });
      const member = (p: string): boolean => rules.isMember(p);
      assert.equal(member('x/vendor/lib/README.md'), false);
      assert.equal(member('build/out.md'), false);
      assert.equal(member('a/build/out.md'), false, 'gitignore names without a slash match at any depth');
      assert.equal(member('run.log.md'), false);
      assert.equal(member('keep.log.md'), true);
      assert.equal(member('sub/private.md'), false);
      assert.equal(member('private.md'), true);
      assert.equal(member('build.md'), true, 'build/ names a folder only');
    });
    it('survives the trip to the client as plain data', () => {
      const rules = new VaultRules({ ignored: ['**/drafts'], ignoreFiles: [{ folder: '', text: 'out/\n' }] });
      const again = new VaultRules(JSON.parse(JSON.stringify(rules.toSettings())));
      for (const p of ['drafts/a.md', 'out/b.md', 'c.md']) assert.equal(again.isMember(p), rules.isMember(p), p);
    });
    it('takes folder names with parentheses, brackets or `!` literally', () => {
      const rules = new VaultRules({ ignored: ['Notes (old)', '[Archive]', 'Wow!'] });
      assert.deepEqual(
        ['Notes (old)/a.md', 'Notes old/a.md', '[Archive]/b.md', 'Archive/b.md', 'Wow!/c.md', 'Wow/c.md'].map((p) => rules.isMember(p)),
        [false, true, false, true, false, true],
      );
    });
    it('ignores an invalid glob instead of throwing', () => {
      const rules = new VaultRules({ ignored: ['[', 'templates'] });
      assert.equal(rules.isMember('templates/x.md'), false);
      assert.equal(rules.isMember('a.md'), true);
    });
  });

  describe('the walk, the loader, the checker and the client use the rules', () => {
    let root: string;
    const write = (p: string, content: string): void => {
      const abs = path.join(root, ...p.split('/'));
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
    };
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-members-'));
      write('A.md', '[[T]] [[Draft]] [[Built]] [[Vendored]] [[Kept]]');
      write('templates/T.md', '');
      write('notes/drafts/Draft.md', '');
      write('build/Built.md', '');
      write('lib/vendor/Vendored.md', '');
      write('Kept.md', '');
      write('.gitignore', 'build/\n');
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('scanVault leaves out ignored globs, excludes and .gitignore entries', async () => {
      const rules = new VaultRules({ ignored: ['templates', '**/drafts'], excludes: ['**/vendor'] });
      const { files } = await scanVault(root, { rules });
      assert.deepEqual(files, ['A.md', 'Kept.md']);
      assert.deepEqual(rules.toSettings().ignoreFiles, [{ folder: '', text: 'build/\n' }], 'the walk hands the ignore files it read to the rules');
    });

    it('loadVault leaves links to left-out files unresolved', async () => {
      const { index } = await loadVault(root, { rules: new VaultRules({ ignored: ['templates', '**/drafts'] }) });
      assert.deepEqual(
        index.linkTargets('A.md').map((t) => t.status),
        ['unresolved', 'unresolved', 'unresolved', 'resolved', 'resolved'],
      );
    });

    it('the checker accepts globs in --ignore', () => {
      const run = spawnSync(process.execPath, [path.join(REPO, 'server/out/cli.js'), 'check', root, '--format', 'json', '--ignore', '**/drafts', '--ignore', 'templates'], {
        encoding: 'utf8',
        timeout: 60000,
      });
      const rows = JSON.parse(run.stdout) as Array<{ code: string; message: string }>;
      assert.deepEqual(rows.filter((r) => r.code === 'unresolved-link').map((r) => /'([^']+)'/.exec(r.message)![1]), ['T', 'Draft', 'Built']);
    });

    it('the client mirror applies the rules the server sends', () => {
      const files = new VaultFiles();
      const rules = new VaultRules({ ignored: ['**/drafts'], ignoreFiles: [{ folder: '', text: 'build/\n' }] });
      files.reset([{ uri: 'file:///v', root, ready: true, files: ['A.md'], rules: rules.toSettings() }]);
      assert.ok(files.locate(path.join(root, 'A.md')));
      assert.equal(files.locate(path.join(root, 'notes', 'drafts', 'Draft.md')), undefined);
      assert.equal(files.locate(path.join(root, 'build', 'Built.md')), undefined);
      assert.equal(files.locate(path.join(root, '.obsidian', 'x.md')), undefined);
    });
  });
});

describe('membership changes on a loaded vault', () => {
  let root: string;
  const write = (p: string, content: string): void => {
    const abs = path.join(root, ...p.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-members-live-'));
    write('A.md', '[[T]] [[D]] [[img.png]] [[Open]]');
    write('templates/T.md', '[[A]]');
    write('x/drafts/D.md', '');
    write('x/drafts/img.png', '');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const state = (index: import('@ospo-notes/engine').VaultIndex): string[] => [
    ...[...index.files.paths()].sort(),
    ...index.linkTargets('A.md').map((t) => `${t.status} ${t.target ?? ''}`),
  ];

  it('equals a fresh load with the new rules, in both directions', async () => {
    const settings = [{ ignored: ['templates'] }, { ignored: ['**/drafts'] }, {}, { excludes: ['templates/**', 'x'] }, { ignored: ['templates'] }];
    const { index } = await loadVault(root, { rules: new VaultRules(settings[0]) });
    for (const s of settings.slice(1)) {
      const change = await applyMembership(root, index, new VaultRules(s));
      const fresh = await loadVault(root, { rules: new VaultRules(s) });
      assert.deepEqual(state(index), state(fresh.index), JSON.stringify(s));
      assert.ok(change.affected.has('A.md') || (change.added.length === 0 && change.removed.length === 0));
    }
  });

  it('keeps an open buffer not yet on disk while the rules keep it, and parses open buffers from their text', async () => {
    const { index } = await loadVault(root, { rules: new VaultRules({ ignored: ['templates'] }) });
    index.upsertNote(parseBuffer('Open.md', '# Open'));
    const buffers = new Map([['Open.md', '# Open'], ['templates/T.md', 'edited, not saved: [[Nowhere]]']]);
    const change = await applyMembership(root, index, new VaultRules({}), { buffers });
    assert.deepEqual(change.added, ['templates/T.md']);
    assert.deepEqual(change.removed, []);
    assert.deepEqual(index.note('templates/T.md')!.links.map((l) => l.path), ['Nowhere']);
    assert.ok(index.files.has('Open.md'));
    const gone = await applyMembership(root, index, new VaultRules({ ignored: ['Open.md'] }), { buffers });
    assert.deepEqual(gone.removed, ['Open.md']);
  });
});
