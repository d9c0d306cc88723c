import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  compareDiagnostics,
  type DiagnosticOptions,
  loadVault,
  looksLikeWebAddress,
  type NoteDiagnostic,
  noteDiagnostics,
  type NoteModel,
  parseBytes,
  parseNote,
  type Range,
  unreadableNote,
  VaultIndex,
} from '@ospo-notes/engine';

const REPO = path.resolve(__dirname, '../../..');

function r(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function vault(notes: Record<string, string>, attachments: string[] = [], extra: NoteModel[] = []): VaultIndex {
  const index = new VaultIndex();
  index.load([...Object.entries(notes).map(([p, t]) => parseNote(p, t)), ...extra], attachments);
  return index;
}

interface Brief {
  range: string;
  severity: NoteDiagnostic['severity'];
  code: NoteDiagnostic['code'];
  message: string;
}

function brief(d: NoteDiagnostic): Brief {
  return { range: r(d.range), severity: d.severity, code: d.code, message: d.message };
}

/** Diagnostics of one note written as `text`, in a vault of `others`. */
function check(text: string, others: Record<string, string> = {}, attachments: string[] = [], options?: DiagnosticOptions): NoteDiagnostic[] {
  const index = vault({ 'S.md': text, ...others }, attachments);
  return noteDiagnostics(index, 'S.md', options).sort(compareDiagnostics);
}

describe('diagnostics', () => {
  describe('unresolved-link', () => {
    it('reports a missing note on its linkpath, as a warning by default', () => {
      assert.deepEqual(check('see [[Unknownzz#H|x]]').map(brief), [
        { range: '0:6-0:15', severity: 'warning', code: 'unresolved-link', message: "Note 'Unknownzz' not found in the vault." },
      ]);
    });
    it('says when the text is an alias, which does not resolve links (R3.7)', () => {
      const [d] = check('[[AI]]', { 'people/Artificial Intelligence.md': '---\naliases: [AI]\n---\n' });
      assert.deepEqual(brief(d), {
        range: '0:2-0:4',
        severity: 'warning',
        code: 'unresolved-link',
        message: "Note 'AI' not found in the vault. 'AI' is an alias of 'Artificial Intelligence'; aliases do not resolve links: write [[Artificial Intelligence|AI]].",
      });
      assert.deepEqual(d.data, { aliasOf: 'people/Artificial Intelligence.md', suggestions: ['people/Artificial Intelligence.md'] });
    });
    it('says when the text is a note’s title', () => {
      const [d] = check('[[Big Title]]', { 'Titled.md': '---\ntitle: Big Title\n---\n' });
      assert.equal(d.message, "Note 'Big Title' not found in the vault. 'Big Title' is the title of 'Titled': did you mean [[Titled|Big Title]]?");
      assert.deepEqual(d.data, { suggestions: ['Titled.md'] });
    });
    it('suggests near names: typos, spacing, and attachments by full name', () => {
      const ds = check('[[Gihub]] [[git hub]] [[pic.jpg]]', { 'Github.md': '' }, ['img/pic.png']);
      assert.deepEqual(ds.map(brief), [
        { range: '0:2-0:7', severity: 'warning', code: 'unresolved-link', message: "Note 'Gihub' not found in the vault. Did you mean 'Github'?" },
        { range: '0:12-0:19', severity: 'warning', code: 'unresolved-link', message: "Note 'git hub' not found in the vault. Did you mean 'Github'?" },
        { range: '0:24-0:31', severity: 'warning', code: 'missing-attachment', message: "Attachment 'pic.jpg' not found in the vault. Did you mean 'pic.png'?" },
      ]);
      assert.deepEqual(ds.map((d) => d.data?.suggestions), [['Github.md'], ['Github.md'], ['img/pic.png']]);
    });
    it('does not read a scheme-like wiki-link as a web address (R2.7)', () => {
      assert.deepEqual(check('[[github.com/x]]').map((d) => [d.code, d.message]), [['unresolved-link', "Note 'github.com/x' not found in the vault."]]);
    });
    it('reports nothing for resolved, external and self links', () => {
      assert.deepEqual(check('# H\n[[A]] [[A.md]] [a](A.md) [b](https://x.org) [[#H]] [c](#H) [[#]] [d](#)', { 'A.md': '' }), []);
    });
  });

  describe('missing-attachment and missing-embed', () => {
    it('tells attachments, embeds and notes apart', () => {
      assert.deepEqual(check('![[missing.png]] [[missing.png]] [x](missing.pdf) ![[nothing]] ![](gone.png)').map(brief), [
        { range: '0:3-0:14', severity: 'warning', code: 'missing-embed', message: "Embedded file 'missing.png' not found in the vault." },
        { range: '0:19-0:30', severity: 'warning', code: 'missing-attachment', message: "Attachment 'missing.png' not found in the vault." },
        { range: '0:37-0:48', severity: 'warning', code: 'missing-attachment', message: "Attachment 'missing.pdf' not found in the vault." },
        { range: '0:53-0:60', severity: 'warning', code: 'missing-embed', message: "Embedded file 'nothing' not found in the vault." },
        { range: '0:67-0:75', severity: 'warning', code: 'missing-embed', message: "Embedded file 'gone.png' not found in the vault." },
      ]);
    });
    it('ignores fragments on attachments (R5.3, R5.4)', () => {
      assert.deepEqual(check('![[Doc.pdf#page=3]] ![[pic.png#outline]]', {}, ['Doc.pdf', 'pic.png']), []);
    });
  });

  describe('missing-heading', () => {
    it('reports the subpath, with the target as related information', () => {
      const [d] = check('[[A#Nope]]', { 'A.md': '# Yes' });
      assert.deepEqual(brief(d), { range: '0:4-0:8', severity: 'warning', code: 'missing-heading', message: "No heading 'Nope' in 'A'." });
      assert.deepEqual(d.related, [{ path: 'A.md', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: "'A' has no such heading" }]);
    });
    it('names the failing segment of a heading chain, and checks the note’s own headings', () => {
      assert.deepEqual(check('# Getting started\n[[S#Getting started#Nope]] [[#Missing]]').map(brief), [
        { range: '1:4-1:24', severity: 'warning', code: 'missing-heading', message: "No heading 'Nope' in 'S'." },
        { range: '1:30-1:37', severity: 'warning', code: 'missing-heading', message: "No heading 'Missing' in 'S'." },
      ]);
    });
    it('accepts the loose forms Obsidian accepts (R4.3)', () => {
      assert.deepEqual(check('[[A#what is foam]] [[A#Tasks Toggle]] [x](A.md#What%20is%20Foam%3F)', { 'A.md': '## What is Foam?\n## Tasks: Toggle' }), []);
    });
  });

  describe('missing-block', () => {
    it('reports a block id that is not in the target; ids match case-insensitively', () => {
      assert.deepEqual(check('![[A#^nope]] [[A#^BLK]]', { 'A.md': 'para ^blk' }).map(brief), [
        { range: '0:5-0:10', severity: 'warning', code: 'missing-block', message: "No block '^nope' in 'A'." },
      ]);
    });
  });

  describe('ambiguous-link', () => {
    it('lists the candidates and why the winner won (shortest path)', () => {
      const [d] = check('[[Dup]]', { 'a/Dup.md': '', 'b/Dup.md': '', 'c/d/Dup.md': '' });
      assert.deepEqual(brief(d), {
        range: '0:2-0:5',
        severity: 'information',
        code: 'ambiguous-link',
        message: "'Dup' matches 3 files: a/Dup.md, b/Dup.md, c/d/Dup.md. It resolves to 'a/Dup.md' because it has the shortest path; write a longer path to choose explicitly.",
      });
      assert.deepEqual(d.data, { candidates: ['a/Dup.md', 'b/Dup.md', 'c/d/Dup.md'] });
      assert.deepEqual(
        d.related?.map((x) => [x.path, x.message]),
        [
          ['b/Dup.md', 'also matches'],
          ['c/d/Dup.md', 'also matches'],
        ],
      );
    });
    it('explains a same-folder win', () => {
      const index = vault({ 'b/Src.md': '[[Dup]]', 'a/Dup.md': '', 'b/Dup.md': '' });
      assert.deepEqual(noteDiagnostics(index, 'b/Src.md').map(brief), [
        {
          range: '0:2-0:5',
          severity: 'information',
          code: 'ambiguous-link',
          message: "'Dup' matches 2 files: b/Dup.md, a/Dup.md. It resolves to 'b/Dup.md' because it is in the same folder; write a longer path to choose explicitly.",
        },
      ]);
    });
    it('is quiet when an exact vault path decides', () => {
      assert.deepEqual(check('[[Dup]] [[a/Dup]]', { 'Dup.md': '', 'a/Dup.md': '' }), []);
    });
  });

  describe('missing-scheme', () => {
    it("flags the user's `[github-ospo](github.com/github/github-ospo)`, the public notes' links to the private `[[Samuel Mbuthia]]` and the two links waiting for a note not written yet in the sample vault, and nothing else there", async () => {
      const { index, warnings } = await loadVault(path.join(REPO, 'examples/ospo-vault'));
      assert.deepEqual(warnings, []);
      const all = [...index.notePaths()].sort().flatMap((p) => noteDiagnostics(index, p));
      assert.deepEqual(
        all.map((d) => ({ path: d.path, ...brief(d) })),
        [
          {
            path: 'public/orgs/CERN.md',
            range: '8:92-8:118',
            severity: 'warning',
            code: 'unresolved-link',
            message: "Note 'CERN Open Hardware Licence' not found in the vault.",
          },
          {
            path: 'public/orgs/WHO.md',
            range: '14:45-14:63',
            severity: 'warning',
            code: 'private-link',
            message: "Public note 'WHO' links to private note 'Samuel Mbuthia': the published note would point to a note that is not published.",
          },
          {
            path: 'public/tech/OSPO.md',
            range: '50:24-50:53',
            severity: 'warning',
            code: 'missing-scheme',
            message: "'github.com/github/github-ospo' looks like a web address but has no scheme, so it is read as a vault path that does not exist. Write 'https://github.com/github/github-ospo'.",
          },
          {
            path: 'public/tech/OSPO.md',
            range: '20:2-20:20',
            severity: 'warning',
            code: 'private-link',
            message: "Public note 'OSPO' links to private note 'Samuel Mbuthia': the published note would point to a note that is not published.",
          },
          {
            path: 'public/tech/OSPO.md',
            range: '41:65-41:69',
            severity: 'warning',
            code: 'mojibake',
            message: "Encoding damage: 'ðŸ“–' is UTF-8 text that was read as Windows-1252 (or Latin-1) and saved again; it was '📖'.",
          },
          {
            path: 'public/tech/OpenSource.md',
            range: '17:54-17:80',
            severity: 'warning',
            code: 'unresolved-link',
            message: "Note 'CERN Open Hardware Licence' not found in the vault.",
          },
        ],
      );
    });
    it('tells web addresses from file names', () => {
      assert.deepEqual(
        ['github.com/x', 'www.example.org', 'example.com', 'notes.md', 'image.png', 'My Note', 'a.b', 'docs/setup.md'].map(looksLikeWebAddress),
        [true, true, true, false, false, false, false, false],
      );
    });
    it('is not hidden by turning unresolved links off', () => {
      assert.deepEqual(check('[x](www.example.org/page)', {}, [], { unresolvedLinkSeverity: 'off' }).map((d) => d.code), ['missing-scheme']);
    });
  });

  describe('link-outside-vault', () => {
    it('reports a `..` path that climbs out and names nothing at the root', () => {
      assert.deepEqual(check('[x](../../../../etc/passwd)').map(brief), [
        { range: '0:4-0:26', severity: 'warning', code: 'link-outside-vault', message: "Link '../../../../etc/passwd' points outside the vault; only files inside the vault can be linked." },
      ]);
    });
  });

  describe('duplicate-block-id', () => {
    it('reports every later use, pointing at the first', () => {
      const ds = check('para ^blk\n\nother ^BLK\n\nthird ^blk');
      assert.deepEqual(ds.map(brief), [
        { range: '2:6-2:10', severity: 'warning', code: 'duplicate-block-id', message: "Block id '^BLK' is already used on line 1; links to it reach only the first one." },
        { range: '4:6-4:10', severity: 'warning', code: 'duplicate-block-id', message: "Block id '^blk' is already used on line 1; links to it reach only the first one." },
      ]);
      assert.deepEqual(ds[0].related, [{ path: 'S.md', range: { start: { line: 0, character: 5 }, end: { line: 0, character: 9 } }, message: 'first use' }]);
    });
  });

  describe('yaml-syntax', () => {
    it('reports invalid YAML at its exact line and column, as an error', () => {
      assert.deepEqual(check('---\ntitle: ok\naliases:\n- @name\n---\nbody').map(brief), [
        { range: '3:2-3:7', severity: 'error', code: 'yaml-syntax', message: 'Invalid YAML in frontmatter: Plain value cannot start with reserved character @ (line 4, column 3).' },
      ]);
    });
    it('reports an unclosed flow sequence at its bracket, not on the next line where the parser stopped', () => {
      assert.deepEqual(check('---\ntags: [a, b\nx: 1\n---').map((d) => [d.code, r(d.range), d.message]), [
        ['yaml-syntax', '1:6-1:11', "Invalid YAML in frontmatter: this list is never closed: ']' is missing (line 2, column 7)."],
      ]);
    });
  });

  describe('empty-link', () => {
    it('reports `[[]]`, `![[]]` and `[x]()` on the whole link', () => {
      assert.deepEqual(check('[[]] ![[]] [x]()').map(brief), [
        { range: '0:0-0:4', severity: 'warning', code: 'empty-link', message: 'Empty link: it points nowhere.' },
        { range: '0:5-0:10', severity: 'warning', code: 'empty-link', message: 'Empty link: it points nowhere.' },
        { range: '0:11-0:16', severity: 'warning', code: 'empty-link', message: 'Empty link: it points nowhere.' },
      ]);
    });
  });

  describe('heading-slug-fragment', () => {
    it('accepts a GitHub slug as information, naming the Obsidian form', () => {
      assert.deepEqual(check("# What's new\n[a](#whats-new) [b](S.md#whats-new)").map(brief), [
        {
          range: '1:5-1:14',
          severity: 'information',
          code: 'heading-slug-fragment',
          message: "'#whats-new' matches heading 'What's new' only as a GitHub-style slug; Obsidian matches heading text: '#What's%20new'.",
        },
        {
          range: '1:25-1:34',
          severity: 'information',
          code: 'heading-slug-fragment',
          message: "'#whats-new' matches heading 'What's new' only as a GitHub-style slug; Obsidian matches heading text: '#What's%20new'.",
        },
      ]);
      // `getting-started` is also the loose form of `Getting started` (punctuation becomes a space, R4.3).
      assert.deepEqual(check('# Getting started\n[a](#getting-started) [[#getting-started]]'), []);
    });
    it('never applies slugs to wiki-links', () => {
      assert.deepEqual(check("# What's new\n[[#whats-new]]").map((d) => d.code), ['missing-heading']);
    });
  });

  describe('read problems', () => {
    it('reports invalid UTF-8 at the first bad byte and still indexes the text', () => {
      const bad = parseBytes('bad.md', Buffer.from('a\nb\xffc\n[[S]]', 'latin1'));
      const index = vault({ 'S.md': '' }, [], [bad]);
      assert.deepEqual(noteDiagnostics(index, 'bad.md').map(brief), [
        {
          range: '1:1-1:2',
          severity: 'warning',
          code: 'invalid-utf8',
          message: 'Invalid UTF-8: the file is not valid UTF-8 text (shown here with U+FFFD in place of the bad bytes); save it as UTF-8 before editing, or text may be lost.',
        },
      ]);
      assert.deepEqual(index.linkTargets('bad.md').map((t) => t.target), ['S.md']);
    });
    it('reports binary and unreadable notes with their severities', () => {
      const index = vault({}, [], [parseBytes('bin.md', Uint8Array.from([0x23, 0, 1, 2])), unreadableNote('u.md', 'Cannot read this note: permission denied.')]);
      assert.deepEqual(noteDiagnostics(index, 'bin.md').map(brief), [
        { range: '0:0-0:0', severity: 'warning', code: 'binary-file', message: 'File looks binary (it contains NUL bytes), not like a markdown note: it is not parsed.' },
      ]);
      assert.deepEqual(noteDiagnostics(index, 'u.md').map(brief), [{ range: '0:0-0:0', severity: 'error', code: 'unreadable-file', message: 'Cannot read this note: permission denied.' }]);
    });
  });

  describe('severity option', () => {
    const text = '[[Nope]] [[A#Nope]] [[A#^nope]] ![[gone.png]] [[gone.pdf]] [[]] [[Dup]] [x](../../x.md)';
    const others = { 'A.md': '', 'a/Dup.md': '', 'b/Dup.md': '' };
    const codesAt = (severity: DiagnosticOptions['unresolvedLinkSeverity']) => check(text, others, [], { unresolvedLinkSeverity: severity }).map((d) => `${d.code}:${d.severity}`);

    it('applies to missing notes, headings, blocks, embeds and attachments only', () => {
      for (const severity of ['error', 'warning', 'information', 'hint'] as const) {
        assert.deepEqual(codesAt(severity), [
          `unresolved-link:${severity}`,
          `missing-heading:${severity}`,
          `missing-block:${severity}`,
          `missing-embed:${severity}`,
          `missing-attachment:${severity}`,
          'empty-link:warning',
          'ambiguous-link:information',
          'link-outside-vault:warning',
        ]);
      }
    });
    it('`off` hides them and keeps the rest', () => {
      assert.deepEqual(codesAt('off'), ['empty-link:warning', 'ambiguous-link:information', 'link-outside-vault:warning']);
    });
  });

  describe('templates', () => {
    it('does not report links that hold a Templater tag', () => {
      assert.deepEqual(check('[[<% tp.date.now("YYYY-MM-DD") %>]] ![<%* tR += caption %>](gone.png) [[WHO#<% tp.file.title %>]]'), []);
    });
    it('reports every other link of a note that contains or mentions Templater tags', () => {
      // A note that merely mentions the syntax is no template: its broken links are broken.
      assert.deepEqual(
        check('Templater tags look like `<% … %>` or <% tp.date.now() %>.\n[[nowhere]] ![[gone.png]] [[{{ title }}]] [[{{title}}]]').map((d) => `${d.code} ${r(d.range)}`),
        // `{{ title }}` is no tag of the core Templates plugin (no spaces inside): a name, checked; `{{title}}` is one,
        // and its link a placeholder.
        ['unresolved-link 1:2-1:9', 'missing-embed 1:15-1:23', 'unresolved-link 1:28-1:39'],
      );
      // And in a template itself (here in the templates folder), the links without a tag are checked too.
      const index = vault({ 'templates/Daily.md': '<%* const d = tp.date.now() %>\n[[<% d %>]] [[nowhere]]', 'WHO.md': '' });
      assert.deepEqual(noteDiagnostics(index, 'templates/Daily.md').map((d) => `${d.code} ${r(d.range)}`), ['unresolved-link 1:14-1:21']);
    });
    it('still reports its YAML and duplicate block ids', () => {
      assert.deepEqual(
        check('---\nk: [\n---\n<%* tR += "x" %> [[<% x %>]]\n\na ^id\n\nb ^id').map((d) => d.code),
        ['yaml-syntax', 'duplicate-block-id'],
      );
    });
  });

  describe('ordering', () => {
    it('sorts by file, line, character, then code', () => {
      const mk = (p: string, line: number, character: number, code: NoteDiagnostic['code']): NoteDiagnostic => ({
        path: p,
        range: { start: { line, character }, end: { line, character } },
        severity: 'warning',
        code,
        message: '',
      });
      const ds = [mk('b.md', 0, 0, 'empty-link'), mk('a.md', 2, 0, 'empty-link'), mk('a.md', 1, 5, 'missing-block'), mk('a.md', 1, 5, 'empty-link'), mk('a.md', 1, 2, 'yaml-syntax')];
      assert.deepEqual(
        ds.sort(compareDiagnostics).map((d) => `${d.path}:${d.range.start.line}:${d.range.start.character}:${d.code}`),
        ['a.md:1:2:yaml-syntax', 'a.md:1:5:empty-link', 'a.md:1:5:missing-block', 'a.md:2:0:empty-link', 'b.md:0:0:empty-link'],
      );
    });
    it('gives nothing for a note that is not in the index', () => {
      assert.deepEqual(noteDiagnostics(vault({}), 'missing.md'), []);
    });
  });
});

describe('resolution details found by real vaults', () => {
  it('reads a markdown-link path with an unencoded `#` as a file name when the part before `#` names nothing (R6.2)', () => {
    const index = vault({ 'a.md': '[odd](Sub/We!rd%20(name)%20[x]%20#1.md) [frag](b.md#Top)', 'Sub/We!rd (name) [x] #1.md': 'x', 'b.md': '# Top' });
    assert.deepEqual(noteDiagnostics(index, 'a.md'), []);
    assert.deepEqual(index.linkTargets('a.md').map((t) => [t.status, t.target]), [
      ['resolved', 'Sub/We!rd (name) [x] #1.md'],
      ['resolved', 'b.md'],
    ]);
  });

  it('matches a heading that carries a block id by its text, and indexes the id for the heading', () => {
    const index = vault({ 'a.md': '[[b#Heading]] [[b#^hid]]', 'b.md': '# Top\n## Heading ^hid\ntext' });
    assert.deepEqual(noteDiagnostics(index, 'a.md'), []);
    assert.equal(index.note('b.md')!.headings[1].text, 'Heading');
    assert.deepEqual(index.linkTargets('a.md').map((t) => t.heading?.text ?? t.block?.kind), ['Heading', 'heading']);
  });

  it('tells same-named suggestions apart by their paths', () => {
    const index = vault({ 'a.md': '[[Gihub]]', 'x/Github.md': '', 'y/Github.md': '' });
    const [d] = noteDiagnostics(index, 'a.md');
    assert.equal(d.code, 'unresolved-link');
    assert.match(d.message, /Did you mean 'x\/Github', 'y\/Github'\?$/);
  });
});
