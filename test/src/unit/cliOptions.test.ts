/**
 * The checker's command line as node:util's parseArgs reads it (`--format=json`, `check --help`, `--version`), and
 * `--fix-encoding`, spawned as a user runs them.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { permissionsApply } from './permissions';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'server/out/cli.js');
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

function cli(args: string[], cwd = REPO): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('cli: arguments and --fix-encoding', function () {
  this.timeout(60000);
  const temps: string[] = [];
  const vaultOf = (files: Record<string, string | Buffer>): string => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-cli-args-'));
    temps.push(root);
    for (const [p, content] of Object.entries(files)) {
      const abs = path.join(root, ...p.split('/'));
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
    }
    return root;
  };
  after(() => {
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  describe('parsing', () => {
    it('reads `--option=value` as `--option value`, before or after the folder', () => {
      const joined = cli(['check', 'examples/ospo-vault', '--format=json', '--fail-on=warning']);
      const split = cli(['check', '--format', 'json', '--fail-on', 'warning', 'examples/ospo-vault']);
      assert.equal(joined.status, 1);
      assert.equal(split.status, 1);
      assert.deepEqual(JSON.parse(joined.stdout), JSON.parse(split.stdout));
      assert.deepEqual((JSON.parse(joined.stdout) as Array<{ code: string }>).map((d) => d.code), ['unresolved-link', 'private-link', 'private-link', 'mojibake', 'missing-scheme', 'unresolved-link']);
    });

    it('collects every `--ignore`, in either spelling', () => {
      const root = vaultOf({ 'A.md': '', 'drafts/T.md': '[[Missing]]', 'old/U.md': '[[Missing]]' });
      const run = cli(['check', root, '--ignore=drafts', '--ignore', 'old', '--format=json']);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), []);
    });

    for (const args of [['--help'], ['-h'], ['check', '--help'], ['check', 'some/folder', '-h']]) {
      it(`prints usage for \`${args.join(' ')}\`, exit 0`, () => {
        const run = cli(args);
        assert.equal(run.status, 0);
        assert.equal(run.stderr, '');
        assert.match(run.stdout, /^usage: ospo-notes check \[folder\] \[--format text\|json\|sarif\]/);
        assert.match(run.stdout, /--fix-encoding \[--write\]/);
      });
    }

    for (const args of [['--version'], ['check', '--version']]) {
      it(`prints the version for \`${args.join(' ')}\`, exit 0`, () => {
        const run = cli(args);
        assert.equal(run.status, 0);
        assert.equal(run.stdout, `ospo-notes ${VERSION}\n`);
      });
    }

    const usageCases: Array<[string[], string]> = [
      [['check', '--format', '--fail-on', 'error'], 'ospo-notes: --format needs a value'],
      [['check', '--format='], "ospo-notes: --format must be text, json or sarif, not ''"],
      [['check', '--write'], 'ospo-notes: --write applies --fix-encoding: give both'],
      [['check', '--fix-encoding=yes'], 'ospo-notes: --fix-encoding takes no value'],
      [['check', '--fix-encoding', '--format', 'sarif'], 'ospo-notes: --fix-encoding prints text or json, not sarif'],
      [['check', '-x'], "ospo-notes: unknown option '-x'"],
    ];
    for (const [args, reason] of usageCases) {
      it(`exits 2 for \`${args.join(' ')}\` with a one-line reason`, () => {
        const run = cli(args);
        assert.equal(run.status, 2);
        assert.equal(run.stdout, '');
        const [first, second] = run.stderr.split('\n');
        assert.equal(first, reason);
        assert.match(second, /^usage: ospo-notes check \[folder\]/);
      });
    }
  });

  describe('--fix-encoding', () => {
    const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
    const damagedNote = Buffer.concat([BOM, Buffer.from('---\r\ntitle: CafÃ©\r\n---\r\nâ€œQuotedâ€ and `cafÃ©` in code\r\nðŸ“– OSPOlogy\r\n', 'utf8')]);
    const restoredNote = Buffer.concat([BOM, Buffer.from('---\r\ntitle: Café\r\n---\r\n“Quoted” and `cafÃ©` in code\r\n📖 OSPOlogy\r\n', 'utf8')]);

    it('prints what it would change (file:line:column before → after) and changes nothing; exit 1', () => {
      const root = vaultOf({ 'notes/A.md': damagedNote, 'B.md': 'Straße“ and café are fine\n' });
      const run = cli(['check', root, '--fix-encoding']);
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stderr, '');
      assert.equal(
        run.stdout,
        [
          "notes/A.md:2:11 'Ã©' → 'é'",
          "notes/A.md:4:1 'â€œ' → '“'",
          "notes/A.md:4:10 'â€' → '”'",
          "notes/A.md:5:1 'ðŸ“–' → '📖'",
          '',
          '4 damaged runs in 1 note would be restored; run again with --write to restore them.',
          '',
        ].join('\n'),
      );
      assert.deepEqual(fs.readFileSync(path.join(root, 'notes/A.md')), damagedNote);
    });

    it('with --write restores the characters and keeps every other byte (BOM, CRLF, code); exit 0, then nothing left', () => {
      const root = vaultOf({ 'notes/A.md': damagedNote, 'B.md': 'fine\n' });
      const b = fs.readFileSync(path.join(root, 'B.md'));
      const run = cli(['check', root, '--fix-encoding', '--write']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /\nRestored 4 damaged runs in 1 note\.\n$/);
      assert.deepEqual(fs.readFileSync(path.join(root, 'notes/A.md')), restoredNote);
      assert.deepEqual(fs.readFileSync(path.join(root, 'B.md')), b);
      const again = cli(['check', root, '--fix-encoding']);
      assert.equal(again.status, 0);
      assert.equal(again.stdout, 'No encoding damage to restore in 2 notes.\n');
      // The regular check is clean of mojibake too.
      assert.deepEqual(JSON.parse(cli(['check', root, '--format', 'json']).stdout), []);
    });

    it('never rewrites a file that is not valid UTF-8, and says so; exit 1', () => {
      const invalid = Buffer.concat([Buffer.from('cafÃ©\n'), Buffer.from([0xe9]), Buffer.from('t\xe9\n', 'latin1')]);
      const root = vaultOf({ 'Bad.md': invalid, 'Good.md': 'donâ€™t\n' });
      const run = cli(['check', root, '--fix-encoding', '--write', '--format', 'json']);
      assert.equal(run.status, 1);
      assert.equal(run.stderr, 'ospo-notes: warning: Bad.md: not valid UTF-8, so it is not rewritten (save it as UTF-8 first)\n');
      assert.deepEqual(JSON.parse(run.stdout), [{ file: 'Good.md', line: 1, column: 4, before: 'â€™', after: '’', written: true }]);
      assert.deepEqual(fs.readFileSync(path.join(root, 'Bad.md')), invalid);
      assert.equal(fs.readFileSync(path.join(root, 'Good.md'), 'utf8'), 'don’t\n');
      // The invalid bytes keep their own diagnostic, at their line.
      const check = JSON.parse(cli(['check', root, '--format', 'json']).stdout) as Array<{ file: string; code: string; line: number }>;
      assert.deepEqual(check.map((d) => [d.file, d.code, d.line]), [['Bad.md', 'mojibake', 1], ['Bad.md', 'invalid-utf8', 2]]);
    });

    it('keeps the file\'s mode, writes through a symlink to its target, and leaves no temporary file', () => {
      const root = vaultOf({ 'real/A.md': 'cafÃ©\n' });
      fs.chmodSync(path.join(root, 'real/A.md'), 0o640);
      fs.symlinkSync('real/A.md', path.join(root, 'Link.md'));
      const run = cli(['check', root, '--fix-encoding', '--write']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(fs.readFileSync(path.join(root, 'real/A.md'), 'utf8'), 'café\n');
      assert.equal(fs.statSync(path.join(root, 'real/A.md')).mode & 0o777, 0o640);
      assert.ok(fs.lstatSync(path.join(root, 'Link.md')).isSymbolicLink());
      assert.deepEqual(fs.readdirSync(path.join(root, 'real')), ['A.md']);
      assert.deepEqual(fs.readdirSync(root).sort(), ['Link.md', 'real']);
    });

    it('says why a file cannot be rewritten, and leaves it as it was; exit 1', function () {
      if (!permissionsApply()) this.skip();
      const root = vaultOf({ 'locked/A.md': 'cafÃ©\n' });
      fs.chmodSync(path.join(root, 'locked'), 0o555);
      try {
        const run = cli(['check', root, '--fix-encoding', '--write']);
        assert.equal(run.status, 1);
        assert.match(run.stderr, /^ospo-notes: warning: locked\/A\.md: cannot be written: EACCES/);
        assert.equal(fs.readFileSync(path.join(root, 'locked/A.md'), 'utf8'), 'cafÃ©\n');
      } finally {
        fs.chmodSync(path.join(root, 'locked'), 0o755);
      }
    });

    it('removes a byte order mark read as `ï»¿`', () => {
      const root = vaultOf({ 'A.md': 'ï»¿# Title\n' });
      const run = cli(['check', root, '--fix-encoding', '--write']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^A\.md:1:1 'ï»¿' → ''\n/);
      assert.equal(fs.readFileSync(path.join(root, 'A.md'), 'utf8'), '# Title\n');
    });
  });
});
