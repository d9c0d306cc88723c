import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import realFs = require('node:fs');
import * as os from 'node:os';
import * as path from 'node:path';
import {
  FileLookup,
  loadVault,
  MAX_PARSED_NOTE_BYTES,
  type NoteDiagnostic,
  noteDiagnostics,
  parseBytes,
  type Range,
  readAndParse,
  scanVault,
  type ScanWarning,
  linkRange,
  parseNote,
  VaultIndex,
} from '@ospo-notes/engine';
import { permissionsApply } from './permissions';

const REPO = path.resolve(__dirname, '../../..');

function r(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

const brief = (d: NoteDiagnostic): string => `${r(d.range)} ${d.severity} ${d.code}`;


/**
 * Runs `body` with `hook(file)` called before every file read, through whichever read function the loader uses.
 * A hook that throws makes that read fail with its error.
 */
async function withReadHook<T>(hook: (file: string) => void, body: () => Promise<T>): Promise<T> {
  const sync = realFs.readFileSync;
  const promised = realFs.promises.readFile;
  realFs.readFileSync = ((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    hook(String(file));
    return (sync as (...a: unknown[]) => unknown)(file, ...rest);
  }) as typeof sync;
  realFs.promises.readFile = (async (file: fs.PathLike | fs.promises.FileHandle, ...rest: unknown[]) => {
    hook(String(file));
    return (promised as (...a: unknown[]) => Promise<unknown>)(file, ...rest);
  }) as typeof promised;
  try {
    return await body();
  } finally {
    realFs.readFileSync = sync;
    realFs.promises.readFile = promised;
  }
}

describe('bad input', function () {
  this.timeout(60000);
  let root: string;
  const write = (p: string, content: string | Uint8Array): string => {
    const abs = path.join(root, ...p.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    return abs;
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-bad-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports invalid YAML at its position and still indexes the body', async () => {
    write('Bad.md', '---\ntitle: x\naliases:\n- @name\n---\n# Body\n[[Other]]\n');
    write('Other.md', '');
    const { index } = await loadVault(root);
    const diags = noteDiagnostics(index, 'Bad.md');
    assert.deepEqual(diags.map(brief), ['3:2-3:7 error yaml-syntax']);
    assert.equal(diags[0].message, 'Invalid YAML in frontmatter: Plain value cannot start with reserved character @ (line 4, column 3).');
    assert.deepEqual(index.note('Bad.md')!.headings.map((h) => h.text), ['Body']);
    assert.deepEqual(index.linkTargets('Bad.md').map((t) => t.target), ['Other.md']);
  });

  it('reports a binary file named `.md` without parsing it; links to it still resolve', async () => {
    write('image.md', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x5b, 0x5b, 0x78, 0x5d, 0x5d]));
    write('A.md', '[[image]]');
    const { index, warnings } = await loadVault(root);
    assert.deepEqual(warnings, []);
    const note = index.note('image.md')!;
    assert.deepEqual([note.links, note.headings], [[], []]);
    assert.deepEqual(noteDiagnostics(index, 'image.md').map(brief), ['0:0-0:0 warning binary-file']);
    assert.deepEqual(index.linkTargets('A.md').map((t) => `${t.status} ${t.target}`), ['resolved image.md']);
  });

  it('reports invalid UTF-8 at the first bad byte; the text is otherwise indexed', async () => {
    const bytes = Buffer.concat([Buffer.from('# Caf'), Buffer.from([0xe9]), Buffer.from('\nline [[Target#H]] \u00e9 ok\n'), Buffer.from([0xc3, 0x28]), Buffer.from(' ^blk\n')]);
    write('latin.md', bytes);
    write('Target.md', '# H');
    const { index } = await loadVault(root);
    const note = index.note('latin.md')!;
    assert.deepEqual(noteDiagnostics(index, 'latin.md').map(brief), ['0:5-0:6 warning invalid-utf8']);
    assert.deepEqual(note.headings.map((h) => h.text), ['Caf\uFFFD']);
    assert.deepEqual(note.links.map((l) => [l.path, r(linkRange(l))]), [['Target', '1:5-1:17']]);
    assert.deepEqual(index.linkTargets('latin.md').map((t) => t.status), ['resolved']);
    assert.deepEqual(note.blockIds.map((b) => b.id), ['blk']);
  });

  it('indexes a 50 MB note by name only, with file-too-large, without crashing', async () => {
    const line = 'A long line with a [[Link]] and #tag and ^blk in it.\n';
    const size = 50 * 1024 * 1024;
    const fd = fs.openSync(path.join(root, 'Huge.md'), 'w');
    const chunk = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length)));
    let written = 0;
    while (written < size) written += fs.writeSync(fd, chunk, 0, Math.min(chunk.length, size - written));
    fs.closeSync(fd);
    write('A.md', '[[Huge]]');
    assert.ok(size > MAX_PARSED_NOTE_BYTES);

    const { index, warnings } = await loadVault(root);
    assert.deepEqual(warnings, []);
    const huge = index.note('Huge.md')!;
    assert.deepEqual([huge.links, huge.tags, huge.blockIds, huge.headings], [[], [], [], []]);
    const diags = noteDiagnostics(index, 'Huge.md');
    assert.deepEqual(diags.map(brief), ['0:0-0:0 warning file-too-large']);
    assert.equal(diags[0].message, 'Note is 50.0 MB, over the 10 MB limit: its links, headings and blocks are not indexed.');
    assert.deepEqual(index.linkTargets('A.md').map((t) => t.target), ['Huge.md']);
  });

  it('checks the size before reading: a 1.5 GB (sparse) note costs a stat, not 1.5 GB, in the walk and in single reads', async () => {
    const huge = path.join(root, 'Huge.md');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 1.5 * 1024 * 1024 * 1024);
    write('A.md', '[[Huge]]');
    const message = 'Note is 1536.0 MB, over the 10 MB limit: its links, headings and blocks are not indexed.';
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const { index } = await loadVault(root);
    const single = await readAndParse(root, 'Huge.md');
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().rss - rssBefore;
    assert.deepEqual(noteDiagnostics(index, 'Huge.md').map((d) => `${d.code} ${d.message}`), [`file-too-large ${message}`]);
    assert.deepEqual(single!.readProblems.map((p) => `${p.code} ${p.message}`), [`file-too-large ${message}`]);
    assert.deepEqual(index.linkTargets('A.md').map((t) => t.target), ['Huge.md'], 'still a note by name');
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
    assert.ok(grown < 32 * 1024 * 1024, `RSS grew by ${(grown / 1048576).toFixed(1)} MB`);
  });

  it('parses a note just under the limit', () => {
    const text = '[[x]]\n'.padEnd(1024 * 1024, 'a');
    const note = parseBytes('Big.md', Buffer.from(text));
    assert.deepEqual(note.readProblems, []);
    assert.deepEqual(note.links.map((l) => l.path), ['x']);
  });

  describe('symlinks', () => {
    it('walks a folder loop once and says so in one line', async () => {
      write('a/Note.md', '[[Top]]');
      write('Top.md', '');
      fs.symlinkSync('..', path.join(root, 'a', 'up'));
      const { files, warnings } = await scanVault(root);
      assert.deepEqual(files, ['Top.md', 'a/Note.md']);
      assert.deepEqual(warnings, [{ path: 'a/up', message: 'folder already indexed through another path (symlink loop or duplicate link): skipped' }]);

      const run = spawnSync(process.execPath, [path.join(REPO, 'server/out/cli.js'), 'check', root], { encoding: 'utf8', timeout: 60000 });
      assert.equal(run.status, 0);
      assert.equal(run.stderr, 'ospo-notes: warning: a/up: folder already indexed through another path (symlink loop or duplicate link): skipped\n');
    });

    it('reports a self-referencing and a dangling symlink', async () => {
      write('A.md', '');
      fs.symlinkSync('self', path.join(root, 'self'));
      fs.symlinkSync('nowhere', path.join(root, 'dangling'));
      const { files, warnings } = await scanVault(root);
      assert.deepEqual(files, ['A.md']);
      assert.deepEqual(
        warnings.sort((a, b) => (a.path < b.path ? -1 : 1)),
        [
          { path: 'dangling', message: 'broken symlink: no such file (deleted?)' },
          { path: 'self', message: 'broken symlink: too many levels of symbolic links' },
        ],
      );
    });

    describe('leading outside the vault', () => {
      let outsideDir: string;
      beforeEach(() => {
        outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-foreign-'));
        fs.writeFileSync(path.join(outsideDir, 'secret.md'), 'TOP SECRET\n');
        fs.mkdirSync(path.join(outsideDir, 'etc'));
        for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(outsideDir, 'etc', `system${i}.md`), `# System ${i}\n`);
        write('A.md', '[[passwd]] [[system3]] [[Inside]]');
        write('real/Inside.md', '# Inside');
        fs.symlinkSync(path.join(outsideDir, 'secret.md'), path.join(root, 'passwd.md'));
        fs.symlinkSync(path.join(outsideDir, 'etc'), path.join(root, 'etc'));
        fs.symlinkSync(path.join(root, 'real', 'Inside.md'), path.join(root, 'Alias.md'));
      });
      afterEach(() => fs.rmSync(outsideDir, { recursive: true, force: true }));

      it('the walk neither follows nor reads them, reports each once, and keeps symlinks inside the vault', async () => {
        const { files, warnings, outside } = await scanVault(root);
        assert.deepEqual(files, ['A.md', 'Alias.md', 'real/Inside.md']);
        assert.deepEqual(outside.sort(), ['etc', 'passwd.md']);
        const realOutside = fs.realpathSync(outsideDir);
        assert.deepEqual(
          warnings.map((w) => `${w.path}: ${w.message}`).sort(),
          [
            `etc: symlink leads outside the vault (to ${path.join(realOutside, 'etc')}): not read`,
            `passwd.md: symlink leads outside the vault (to ${path.join(realOutside, 'secret.md')}): not read`,
          ],
        );
      });

      it('links to them are reported as leading outside the vault', async () => {
        const { index, outside } = await loadVault(root);
        assert.deepEqual([...index.files.paths()].sort(), ['A.md', 'Alias.md', 'real/Inside.md']);
        const diags = noteDiagnostics(index, 'A.md', { outside: new FileLookup(outside) });
        assert.deepEqual(diags.map((d) => `${d.code} ${d.message}`), [
          "link-outside-vault Link 'passwd' leads to a symlink that points outside the vault; it is not read.",
          "unresolved-link Note 'system3' not found in the vault.",
        ]);
      });

      it('whether a link leads to one is known across checks until the set of such symlinks changes, per folder for relative links', () => {
        const index = new VaultIndex();
        index.load([parseNote('A.md', '[[out]] [[./out]]'), parseNote('sub/B.md', '[[out]] [[./out]]')], []);
        const outside = new FileLookup(['sub/out.md']);
        const codes = (p: string): string[] => noteDiagnostics(index, p, { outside }).map((d) => d.code);
        // `out` finds sub/out.md from anywhere; `./out` only from sub/.
        assert.deepEqual(codes('A.md'), ['link-outside-vault', 'unresolved-link']);
        assert.deepEqual(codes('sub/B.md'), ['link-outside-vault', 'link-outside-vault']);
        outside.remove('sub/out.md');
        outside.add('out.md');
        assert.deepEqual(codes('A.md'), ['link-outside-vault', 'link-outside-vault']);
        assert.deepEqual(codes('sub/B.md'), ['link-outside-vault', 'unresolved-link']);
      });

      it('the checker warns once per symlink and never prints foreign content or names', () => {
        const run = spawnSync(process.execPath, [path.join(REPO, 'server/out/cli.js'), 'check', root], { encoding: 'utf8', timeout: 60000 });
        const escapes = run.stderr.split('\n').filter((l) => l.includes('symlink leads outside the vault'));
        assert.deepEqual(escapes.map((l) => l.split(':').slice(0, 3).join(':')).sort(), ['ospo-notes: warning: etc', 'ospo-notes: warning: passwd.md']);
        assert.ok(run.stdout.includes("A.md:1:3 warning link-outside-vault Link 'passwd' leads to a symlink that points outside the vault"), run.stdout);
        assert.ok(run.stdout.includes('3 notes and 0 attachments checked'), run.stdout);
        assert.ok(!/TOP SECRET|system\d/.test(run.stdout.replace("'system3'", '')), run.stdout);
      });
    });

    it('follows a symlinked note file', async () => {
      write('real/Note.md', '# H');
      fs.symlinkSync(path.join('real', 'Note.md'), path.join(root, 'Alias.md'));
      write('A.md', '[[Alias#H]]');
      const { index } = await loadVault(root);
      assert.deepEqual(index.linkTargets('A.md').map((t) => `${t.status} ${t.target}`), ['resolved Alias.md']);
    });
  });

  describe('unreadable files', () => {
    it('keeps an unreadable note in the index with an error (chmod 000)', async function () {
      if (!permissionsApply()) this.skip();
      write('A.md', '[[Locked]]');
      const locked = write('Locked.md', '# Secret');
      fs.chmodSync(locked, 0o000);
      try {
        const { index, warnings } = await loadVault(root);
        assert.deepEqual(warnings, []);
        assert.deepEqual(noteDiagnostics(index, 'Locked.md').map((d) => `${brief(d)} ${d.message}`), ['0:0-0:0 error unreadable-file Cannot read this note: permission denied.']);
        assert.deepEqual(index.linkTargets('A.md').map((t) => t.target), ['Locked.md']);
      } finally {
        fs.chmodSync(locked, 0o600);
      }
    });

    it('keeps a note whose read is refused in the index with an error (simulated, works as root too)', async () => {
      write('A.md', '[[Locked]]');
      const locked = write('Locked.md', '# Secret');
      const { index } = await withReadHook(
        (file) => {
          if (file === locked) throw Object.assign(new Error(`EACCES: permission denied, open '${locked}'`), { code: 'EACCES' });
        },
        () => loadVault(root),
      );
      const note = index.note('Locked.md')!;
      assert.deepEqual(note.headings, []);
      assert.deepEqual(noteDiagnostics(index, 'Locked.md').map((d) => `${brief(d)} ${d.message}`), ['0:0-0:0 error unreadable-file Cannot read this note: permission denied.']);
      assert.deepEqual(index.linkTargets('A.md').map((t) => t.target), ['Locked.md']);
    });

    it('reports an unreadable folder in one line and reads the rest', async function () {
      if (!permissionsApply()) this.skip();
      write('A.md', '');
      write('closed/B.md', '');
      fs.chmodSync(path.join(root, 'closed'), 0o000);
      try {
        const { files, warnings } = await scanVault(root);
        assert.deepEqual(files, ['A.md']);
        assert.deepEqual(warnings, [{ path: 'closed', message: 'cannot read folder: permission denied' }]);
      } finally {
        fs.chmodSync(path.join(root, 'closed'), 0o700);
      }
    });
  });

  describe('a file deleted mid-scan', () => {
    it('readAndParse on a vanished path warns and gives nothing', async () => {
      const warnings: ScanWarning[] = [];
      assert.equal(await readAndParse(root, 'gone/Note.md', warnings), undefined);
      assert.deepEqual(warnings, [{ path: 'gone/Note.md', message: 'deleted while the vault was being read: skipped' }]);
    });

    it('loadVault skips a note deleted between the scan and its read, and links to it are unresolved', async () => {
      write('A.md', '[[B]] [[C]]');
      const b = write('B.md', '# B');
      write('C.md', '');
      const scanned = await scanVault(root);
      assert.deepEqual(scanned.files, ['A.md', 'B.md', 'C.md']);
      const { index, warnings } = await withReadHook(
        (file) => {
          // The scan has listed B.md; it disappears just before it is read.
          if (file === b) fs.rmSync(b);
        },
        () => loadVault(root),
      );
      assert.deepEqual(warnings, [{ path: 'B.md', message: 'deleted while the vault was being read: skipped' }]);
      assert.deepEqual([...index.notePaths()].sort(), ['A.md', 'C.md']);
      assert.deepEqual(index.linkTargets('A.md').map((t) => t.status), ['unresolved', 'resolved']);
    });
  });

  it('indexes link cycles (A embeds B embeds A, a note embedding itself) without trouble', async () => {
    write('A.md', '# A\n![[B]]\n![[A]]\n![[A#A]]');
    write('B.md', '# B\n![[A#A]] ![[B#^x]]\n\npara ^x');
    const { index } = await loadVault(root);
    assert.deepEqual(index.linkTargets('A.md').map((t) => `${t.status} ${t.target}`), ['resolved B.md', 'resolved A.md', 'resolved A.md']);
    assert.deepEqual(index.linkTargets('B.md').map((t) => `${t.status} ${t.target}`), ['resolved A.md', 'resolved B.md']);
    assert.deepEqual([...index.backlinksOf('A.md')].sort(), ['A.md', 'B.md']);
    assert.deepEqual([...index.backlinksOf('B.md')].sort(), ['A.md', 'B.md']);
    assert.deepEqual([...index.notePaths()].flatMap((p) => noteDiagnostics(index, p)), []);
  });

  it('reports paths outside the vault and reads nothing outside it', async () => {
    write('notes/S.md', '[x](../../../../etc/passwd) [[../../../../etc/passwd]] ![y](../../../../etc/hostname)');
    const read: string[] = [];
    const { index } = await withReadHook(
      (file) => {
        read.push(file);
      },
      () => loadVault(root),
    );
    // Only the note itself is read (the engine's own modules are the only other files a lazy require may touch).
    assert.deepEqual(
      read.filter((f) => !f.startsWith(REPO + path.sep)),
      [path.join(root, 'notes', 'S.md')],
    );
    assert.deepEqual(
      noteDiagnostics(index, 'notes/S.md').map((d) => `${brief(d)} ${d.message}`),
      [
        "0:30-0:52 warning link-outside-vault Link '../../../../etc/passwd' points outside the vault; only files inside the vault can be linked.",
        "0:4-0:26 warning link-outside-vault Link '../../../../etc/passwd' points outside the vault; only files inside the vault can be linked.",
        "0:60-0:84 warning link-outside-vault Link '../../../../etc/hostname' points outside the vault; only files inside the vault can be linked.",
      ],
    );
  });

  it('reads a UTF-8 BOM as no text and an empty file as an empty note', async () => {
    write('bom.md', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('---\ntitle: T\n---\n[[x]]')]));
    write('empty.md', '');
    const { index } = await loadVault(root);
    assert.equal(index.note('bom.md')!.title, 'T');
    assert.deepEqual(index.note('bom.md')!.links.map((l) => r(linkRange(l))), ['3:0-3:5']);
    assert.deepEqual(index.note('empty.md')!.readProblems, []);
    assert.equal(index.note('empty.md')!.lineCount, 1);
  });
});
