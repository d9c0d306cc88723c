import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { permissionsApply } from './permissions';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'server/out/cli.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd = REPO): Run {
  const res = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Writes a vault of `files` (path → content) into a new temporary folder. */
function tempVault(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-cli-'));
  for (const [p, text] of Object.entries(files)) {
    const abs = path.join(root, ...p.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
  return root;
}

const SUMMARY = /^(\d+) notes? and (\d+) attachments? checked in \d+\.\d\d s: (\d+) errors?, (\d+) warnings?, (\d+) information, (\d+) hints?\.$/;

const WHO_PRIVATE_LINK =
  "public/orgs/WHO.md:15:46 warning private-link Public note 'WHO' links to private note 'Samuel Mbuthia': the published note would point to a note that is not published.";

const OSPO_PRIVATE_LINK =
  "public/tech/OSPO.md:21:3 warning private-link Public note 'OSPO' links to private note 'Samuel Mbuthia': the published note would point to a note that is not published.";

const OSPO_MOJIBAKE =
  "public/tech/OSPO.md:42:66 warning mojibake Encoding damage: 'ðŸ“–' is UTF-8 text that was read as Windows-1252 (or Latin-1) and saved again; it was '📖'.";

const OSPO_WARNING =
  "public/tech/OSPO.md:51:25 warning missing-scheme 'github.com/github/github-ospo' looks like a web address but has no scheme, so it is read as a vault path that does not exist. Write 'https://github.com/github/github-ospo'.";

/** The sample's two links waiting for a note not written yet (its Placeholders view shows them). */
const CERN_PLACEHOLDER = "public/orgs/CERN.md:9:93 warning unresolved-link Note 'CERN Open Hardware Licence' not found in the vault.";
const OPEN_SOURCE_PLACEHOLDER = "public/tech/OpenSource.md:18:55 warning unresolved-link Note 'CERN Open Hardware Licence' not found in the vault.";


describe('cli: ospo-notes check', function () {
  this.timeout(60000);
  const temps: string[] = [];
  const vaultOf = (files: Record<string, string>): string => {
    const root = tempVault(files);
    temps.push(root);
    return root;
  };
  after(() => {
    for (const t of temps) {
      fs.chmodSync(t, 0o700);
      fs.rmSync(t, { recursive: true, force: true });
    }
  });

  describe('the sample vault', () => {
    it('prints the public → private links, the mojibake and missing-scheme warnings and a summary in text format, exit 0', () => {
      const run = cli(['check', 'examples/ospo-vault']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '');
      const lines = run.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 7), [CERN_PLACEHOLDER, WHO_PRIVATE_LINK, OSPO_PRIVATE_LINK, OSPO_MOJIBAKE, OSPO_WARNING, OPEN_SOURCE_PLACEHOLDER, '']);
      assert.equal(lines.length, 9);
      assert.equal(lines[8], '');
      const m = SUMMARY.exec(lines[7]);
      assert.ok(m, lines[7]);
      assert.deepEqual(m.slice(1).map(Number), [9, 1, 0, 6, 0, 0]);
      assert.match(lines[7], /^9 notes and 1 attachment checked in /);
    });

    it('prints exact JSON objects with 1-based lines and columns', () => {
      const run = cli(['check', 'examples/ospo-vault', '--format', 'json']);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), [
        {
          file: 'public/orgs/CERN.md',
          line: 9,
          column: 93,
          endLine: 9,
          endColumn: 119,
          severity: 'warning',
          code: 'unresolved-link',
          message: "Note 'CERN Open Hardware Licence' not found in the vault.",
        },
        {
          file: 'public/orgs/WHO.md',
          line: 15,
          column: 46,
          endLine: 15,
          endColumn: 64,
          severity: 'warning',
          code: 'private-link',
          message: "Public note 'WHO' links to private note 'Samuel Mbuthia': the published note would point to a note that is not published.",
        },
        {
          file: 'public/tech/OSPO.md',
          line: 21,
          column: 3,
          endLine: 21,
          endColumn: 21,
          severity: 'warning',
          code: 'private-link',
          message: "Public note 'OSPO' links to private note 'Samuel Mbuthia': the published note would point to a note that is not published.",
        },
        {
          file: 'public/tech/OSPO.md',
          line: 42,
          column: 66,
          endLine: 42,
          endColumn: 70,
          severity: 'warning',
          code: 'mojibake',
          message: "Encoding damage: 'ðŸ“–' is UTF-8 text that was read as Windows-1252 (or Latin-1) and saved again; it was '📖'.",
        },
        {
          file: 'public/tech/OSPO.md',
          line: 51,
          column: 25,
          endLine: 51,
          endColumn: 54,
          severity: 'warning',
          code: 'missing-scheme',
          message: "'github.com/github/github-ospo' looks like a web address but has no scheme, so it is read as a vault path that does not exist. Write 'https://github.com/github/github-ospo'.",
        },
        {
          file: 'public/tech/OpenSource.md',
          line: 18,
          column: 55,
          endLine: 18,
          endColumn: 81,
          severity: 'warning',
          code: 'unresolved-link',
          message: "Note 'CERN Open Hardware Licence' not found in the vault.",
        },
      ]);
    });

    it('fails on warnings with `--fail-on warning`', () => {
      assert.equal(cli(['check', 'examples/ospo-vault', '--fail-on', 'warning']).status, 1);
      assert.equal(cli(['check', 'examples/ospo-vault', '--fail-on', 'error']).status, 0);
    });

    it("is what `npm start` runs, and it shows the OSPO note's warnings", () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      const target = pkg.scripts.start.split('&&').pop()!.trim();
      assert.equal(target, 'node server/out/cli.js check examples/ospo-vault');
      const [node, script, ...args] = target.split(/\s+/);
      assert.equal(node, 'node');
      const res = spawnSync(process.execPath, [script, ...args], { cwd: REPO, encoding: 'utf8' });
      assert.equal(res.status, 0);
      assert.ok(res.stdout.split('\n').includes(OSPO_WARNING), res.stdout);
      assert.ok(res.stdout.split('\n').includes(OSPO_MOJIBAKE), res.stdout);
    });
  });

  describe('temporary vaults', () => {
    it('sorts problems by file, line and column, with `/` paths, and counts them', () => {
      const root = vaultOf({
        'b.md': '[[Nope]]\n',
        'a.md': 'line\n[[]] and [[Gone]]\n',
        'sub/c.md': '---\nk: [\n---\n[[a]]\n',
        'sub/d.md': '[[Dup]]',
        'x/Dup.md': '',
        'y/Dup.md': '',
        'pic.png': '',
      });
      const run = cli(['check', root]);
      assert.equal(run.status, 1, run.stderr);
      const lines = run.stdout.trimEnd().split('\n');
      assert.deepEqual(lines.slice(0, -2), [
        'a.md:2:1 warning empty-link Empty link: it points nowhere.',
        "a.md:2:12 warning unresolved-link Note 'Gone' not found in the vault.",
        "b.md:1:3 warning unresolved-link Note 'Nope' not found in the vault.",
        "sub/c.md:2:4 error yaml-syntax Invalid YAML in frontmatter: this list is never closed: ']' is missing (line 2, column 4).",
        "sub/d.md:1:3 information ambiguous-link 'Dup' matches 2 files: x/Dup.md, y/Dup.md. It resolves to 'x/Dup.md' because it has the shortest path; write a longer path to choose explicitly.",
      ]);
      assert.equal(lines[lines.length - 2], '');
      const m = SUMMARY.exec(lines[lines.length - 1]);
      assert.ok(m, lines[lines.length - 1]);
      assert.deepEqual(m.slice(1).map(Number), [6, 1, 1, 3, 1, 0]);
    });

    it('exits 0 for a clean vault and 1 for errors; `--unresolved-severity` changes what fails', () => {
      const clean = vaultOf({ 'A.md': '# H\n[[B#H2]]', 'B.md': '## H2\n[[A#H]]' });
      const cleanRun = cli(['check', clean]);
      assert.equal(cleanRun.status, 0);
      assert.match(cleanRun.stdout.trim(), /^2 notes and 0 attachments checked in \d+\.\d\d s: 0 errors, 0 warnings, 0 information, 0 hints\.$/);

      const broken = vaultOf({ 'A.md': '[[Missing]]' });
      assert.equal(cli(['check', broken]).status, 0);
      const asError = cli(['check', broken, '--unresolved-severity', 'error']);
      assert.equal(asError.status, 1);
      assert.equal(asError.stdout.split('\n')[0], "A.md:1:3 error unresolved-link Note 'Missing' not found in the vault.");
      const off = cli(['check', broken, '--unresolved-severity', 'off', '--fail-on', 'hint']);
      assert.equal(off.status, 0);
      assert.match(off.stdout.trim(), /^1 note and 0 attachments checked/);
      assert.equal(cli(['check', broken, '--fail-on', 'hint']).status, 1);
    });

    it('leaves out `--ignore` folders and dot-folders', () => {
      const root = vaultOf({ 'A.md': '', 'templates/T.md': '[[Missing]]', '.obsidian/x.md': '[[Missing]]' });
      const run = cli(['check', root, '--ignore', 'templates', '--format', 'json']);
      assert.equal(run.status, 0);
      assert.deepEqual(JSON.parse(run.stdout), []);
      assert.equal(JSON.parse(cli(['check', root, '--format', 'json']).stdout)[0].file, 'templates/T.md');
    });

    it('checks the current folder when none is given', () => {
      const root = vaultOf({ 'A.md': '[[Missing]]' });
      const run = cli(['check', '--format', 'json'], root);
      assert.equal(run.status, 0);
      assert.deepEqual(
        (JSON.parse(run.stdout) as Array<{ file: string; code: string }>).map((d) => [d.file, d.code]),
        [['A.md', 'unresolved-link']],
      );
    });
  });

  describe('usage and folder errors (exit 2)', () => {
    const usageCases: Array<[string[], string]> = [
      [[], 'ospo-notes: missing command'],
      [['lint'], "ospo-notes: unknown command 'lint'"],
      [['check', '--format', 'xml'], "ospo-notes: --format must be text, json or sarif, not 'xml'"],
      [['check', '--format'], 'ospo-notes: --format needs a value'],
      [['check', '--fail-on', 'fatal'], 'ospo-notes: --fail-on must be one of error, warning, information, hint'],
      [['check', '--unresolved-severity', 'loud'], 'ospo-notes: --unresolved-severity must be one of error, warning, information, hint, off'],
      [['check', '--verbose'], "ospo-notes: unknown option '--verbose'"],
      [['check', 'a', 'b'], "ospo-notes: unexpected argument 'b'"],
    ];
    for (const [args, reason] of usageCases) {
      it(`exits 2 for \`${args.join(' ') || '(nothing)'}\` with a one-line reason`, () => {
        const run = cli(args);
        assert.equal(run.status, 2);
        assert.equal(run.stdout, '');
        const [first, second] = run.stderr.split('\n');
        assert.equal(first, reason);
        assert.match(second, /^usage: ospo-notes check \[folder\]/);
      });
    }

    it('prints usage with `--help`, exit 0', () => {
      const run = cli(['--help']);
      assert.equal(run.status, 0);
      assert.match(run.stdout, /^usage: ospo-notes check \[folder\] \[--format text\|json\|sarif\]/);
    });

    it('exits 2 for a missing folder or a file', () => {
      const missing = cli(['check', 'no/such/folder']);
      assert.equal(missing.status, 2);
      assert.equal(missing.stdout, '');
      assert.equal(missing.stderr, "ospo-notes: cannot read folder 'no/such/folder': no such folder\n");
      const file = cli(['check', 'package.json']);
      assert.equal(file.status, 2);
      assert.equal(file.stderr, "ospo-notes: cannot read folder 'package.json': not a folder\n");
    });

    it('exits 2 for an unreadable folder', function () {
      if (!permissionsApply()) this.skip();
      const root = vaultOf({ 'A.md': '' });
      fs.chmodSync(root, 0o000);
      try {
        const run = cli(['check', root]);
        assert.equal(run.status, 2);
        assert.equal(run.stderr, `ospo-notes: cannot read folder '${root}': permission denied\n`);
      } finally {
        fs.chmodSync(root, 0o700);
      }
    });
  });
});
