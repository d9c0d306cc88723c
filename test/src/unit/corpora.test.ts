import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  compareDiagnostics,
  loadVault,
  type NoteDiagnostic,
  noteDiagnostics,
  type Range,
  type VaultIndex,
  linkPathRange,
  linkRange,
  linkSubpathRange,
} from '@ospo-notes/engine';

const CORPORA = path.resolve(__dirname, '../../../test/fixtures/corpora');

const MISSING_CODES = new Set(['unresolved-link', 'missing-embed', 'missing-attachment', 'missing-heading', 'missing-block']);

function allDiagnostics(index: VaultIndex): NoteDiagnostic[] {
  return [...index.notePaths()].flatMap((p) => noteDiagnostics(index, p)).sort(compareDiagnostics);
}

describe('corpora: real vaults', function () {
  this.timeout(60000);

  describe('obsidian-tasks-docs (an Obsidian vault whose links all resolve in Obsidian)', () => {
    const root = path.join(CORPORA, 'obsidian-tasks-docs');

    it('loads every note and attachment without warnings', async () => {
      const { index, warnings } = await loadVault(root);
      assert.deepEqual(warnings, []);
      assert.equal(index.noteCount, 118);
      assert.equal(index.files.size, 240);
    });

    it('reports none of its 1,108 wiki-links, 28 wiki embeds or markdown links missing', async () => {
      const { index } = await loadVault(root);
      const notes = [...index.allNotes()];
      const wiki = notes.flatMap((n) => n.links.filter((l) => l.syntax === 'wiki'));
      assert.equal(wiki.filter((l) => !l.embed).length, 1108);
      assert.equal(wiki.filter((l) => l.embed).length, 28);
      const missing = allDiagnostics(index).filter((d) => MISSING_CODES.has(d.code));
      assert.deepEqual(
        missing.map((d) => `${d.path}:${d.range.start.line + 1} ${d.code} ${d.message}`),
        [],
      );
    });

    it('reports nothing at all, the placeholder in its image template included', async () => {
      const { index } = await loadVault(root);
      assert.deepEqual(allDiagnostics(index), []);
      // The only link that resolves to nothing is a Templater placeholder, which is not reported.
      const unresolved = [...index.allNotes()].flatMap((n) =>
        index
          .linkTargets(n.path)
          .map((t, i) => ({ t, link: n.links[i], note: n }))
          .filter(({ t }) => t.status !== 'resolved' && t.status !== 'external'),
      );
      assert.deepEqual(
        unresolved.map(({ note, link, t }) => [note.path, link.placeholder ?? false, link.path, t.status]),
        [['_meta/templates/image embed.md', true, '../images/insert-filename-here.png', 'unresolved']],
      );
    });
  });

  describe('foam-docs (a Foam workspace)', () => {
    const root = path.join(CORPORA, 'foam-docs');

    /**
     * Every target the checker finds missing, checked by hand against the files: each one truly does not exist.
     * `[path, 1-based line, code, what is written]`.
     */
    const TRULY_MISSING: Array<[string, number, string, string]> = [
      // `docs/` is the vault; CONTRIBUTING.md lives at the repository root, outside it.
      ['dev/contribution-guide.md', 3, 'link-outside-vault', '../../CONTRIBUTING.md'],
      // `user/publishing/` holds publish-to-*.md pages but no publishing.md.
      ['dev/design/static-site-publishing-research.md', 11, 'unresolved-link', '../../user/publishing/publishing.md'],
      // `[[publishing]]`: `publishing` is only a folder name, there is no note of that name.
      ['user/index.md', 69, 'unresolved-link', 'publishing'],
      // `[`foam-capture-action`]()`: the destination is empty.
      ['user/recipes/capture-notes-with-shortcuts-and-github-actions.md', 18, 'empty-link', ''],
      // The note's headings are "Further customise your site" and "Building and publishing your site".
      ['user/recipes/generate-material-for-mkdocs-site.md', 35, 'missing-heading', 'further-customise-material-for-mkdocs'],
      ['user/recipes/generate-material-for-mkdocs-site.md', 39, 'missing-heading', 'publish-your-site'],
      // The CLI grep page is `user/tools/cli/grep.md`; no note is named `cli-grep`.
      ['user/tools/cli/search.md', 11, 'unresolved-link', 'cli-grep'],
    ];

    it('reports exactly the targets that truly do not exist', async () => {
      const { index, warnings } = await loadVault(root);
      assert.deepEqual(warnings, []);
      const problems = allDiagnostics(index).filter((d) => d.severity === 'warning' || d.severity === 'error');
      const written = (d: NoteDiagnostic): string => {
        const note = index.note(d.path)!;
        const same = (r: Range | undefined): boolean => r !== undefined && JSON.stringify(r) === JSON.stringify(d.range);
        const link = note.links.find((l) => same(linkPathRange(l)) || same(linkSubpathRange(l)) || same(linkRange(l)))!;
        return d.code === 'missing-heading' ? link.subpath! : d.code === 'empty-link' ? link.path : link.destination ?? link.path;
      };
      assert.deepEqual(
        problems.map((d) => [d.path, d.range.start.line + 1, d.code, written(d)]),
        TRULY_MISSING,
      );
    });

    it('is right that each of them is missing', () => {
      const exists = (p: string): boolean => fs.existsSync(path.join(root, ...p.split('/')));
      assert.equal(exists('CONTRIBUTING.md'), false);
      assert.equal(fs.existsSync(path.join(root, 'dev/contribution-guide.md')), true);
      assert.equal(exists('user/publishing/publishing.md'), false);
      assert.equal(fs.statSync(path.join(root, 'user/publishing')).isDirectory(), true);
      const names = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? names(path.join(dir, e.name)) : [e.name.toLowerCase()]));
      const all = names(root);
      assert.equal(all.includes('publishing.md'), false);
      assert.equal(all.includes('cli-grep.md'), false);
      assert.equal(exists('user/tools/cli/grep.md'), true);
      const mkdocs = fs.readFileSync(path.join(root, 'user/recipes/generate-material-for-mkdocs-site.md'), 'utf8');
      const headings = mkdocs.split(/\r?\n/).filter((l) => /^#{1,6} /.test(l));
      assert.deepEqual(headings, [
        '# Generate a site using the Material for MkDocs theme',
        '## Requirements',
        '## Instructions',
        '### Install Material for MkDocs and other requirements',
        '### Configure Material for MkDocs for your Foam',
        '### Preview and test your site locally',
        '### Further customise your site',
        '### Building and publishing your site',
      ]);
      const capture = fs.readFileSync(path.join(root, 'user/recipes/capture-notes-with-shortcuts-and-github-actions.md'), 'utf8').split(/\r?\n/)[17];
      assert.match(capture, /\[`foam-capture-action`\]\(\)/);
    });

    it('reports GitHub-slug fragments as information only', async () => {
      const { index } = await loadVault(root);
      const info = allDiagnostics(index).filter((d) => d.severity === 'information');
      // Slugs of plain words (`#getting-started`) are the loose form of their heading (R4.3: `-` becomes a
      // space) and resolve; only the ones that drop characters remain, `#drawio` for `Draw.io` among them.
      assert.deepEqual(info.map((d) => d.message.split(' matches')[0]), [
        "'#whats-in-a-foam'",
        "'#linksgraphsbacklinks-dont-work-how-do-i-enable-them'",
        "'#i-dont-want-foam-enabled-for-all-my-workspaces'",
        "'#drawio'",
        "'#using-drawio'",
      ]);
      assert.deepEqual([...new Set(info.map((d) => d.code))], ['heading-slug-fragment']);
    });
  });
});
