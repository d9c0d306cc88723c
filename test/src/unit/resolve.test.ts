import * as assert from 'node:assert/strict';
import {
  type BlockId,
  FileLookup,
  findBlockId,
  findHeadingByGithubSlug,
  githubSlug,
  type Heading,
  headingKey,
  headingLinkText,
  isValidBlockId,
  matchHeadingChain,
  matchMarkdownFragment,
  parseSubpath,
  percentDecode,
  resolveLinkpath,
} from '@ospo-notes/engine';

/** Builds the headings of a note given as its lines (`'## Text'` lines are headings); indexes count headings only. */
function outline(lines: string[]): Heading[] {
  const found = lines
    .map((l, line) => ({ m: /^(#{1,6}) (.*)$/.exec(l), line }))
    .filter((x): x is { m: RegExpExecArray; line: number } => x.m !== null);
  return found.map(({ m, line }, i) => {
    const level = m[1].length;
    const next = found.slice(i + 1).find((f) => f.m[1].length <= level);
    return {
      level,
      text: m[2],
      line,
      textRange: { start: { line, character: level + 1 }, end: { line, character: m[0].length } },
      sectionEndLine: next ? next.line - 1 : lines.length - 1,
    };
  });
}

function block(id: string, line: number): BlockId {
  return {
    id,
    range: { start: { line, character: 0 }, end: { line, character: id.length + 1 } },
    kind: 'paragraph',
    startLine: line,
    endLine: line,
  };
}

const resolve = (files: FileLookup, link: string, source: string) => resolveLinkpath(link, source, files);

describe('resolve: linkpaths', () => {
  describe('R2.8 empty linkpath is the source note', () => {
    it('resolves `[[#Heading]]` and `[[#^id]]` to the note itself', () => {
      const files = new FileLookup(['a/Self.md', 'Self.md']);
      assert.deepEqual(resolve(files, '', 'a/Self.md'), { target: 'a/Self.md', candidates: ['a/Self.md'], rule: 'self' });
    });
    it('works for a note not (yet) in the lookup', () => {
      assert.equal(resolve(new FileLookup(), '', 'Untitled.md').target, 'Untitled.md');
    });
  });

  describe('R3.1 names are vault-wide', () => {
    it('finds the only `Github.md` from another folder', () => {
      const files = new FileLookup(['public/tech/OSPO.md', 'people/Github.md']);
      const r = resolve(files, 'Github', 'public/tech/OSPO.md');
      assert.deepEqual(r, { target: 'people/Github.md', candidates: ['people/Github.md'], rule: 'unique' });
    });
    it('reports an unknown name as unresolved (R3.8)', () => {
      const files = new FileLookup(['people/Github.md']);
      assert.deepEqual(resolve(files, 'Gitlab', 'x.md'), { candidates: [], rule: 'none' });
    });
    it('treats schemed text as a note name (R2.7)', () => {
      const files = new FileLookup(['Note.md']);
      assert.equal(resolve(files, 'https://example.com', 'Note.md').rule, 'none');
    });
  });

  describe('R3.2 `.md` optional for notes, extension required otherwise', () => {
    const files = new FileLookup([
      'physics/Three laws of motion.md',
      'assets/ospo_infographic.pdf',
      'img/Figure 1.png',
      'My.Note.md',
      'Note.md.md',
      'Note.md',
      'Ext.md',
    ]);
    it('resolves with and without `.md`', () => {
      assert.equal(resolve(files, 'Three laws of motion', 'x.md').target, 'physics/Three laws of motion.md');
      assert.equal(resolve(files, 'Three laws of motion.md', 'x.md').target, 'physics/Three laws of motion.md');
    });
    it('resolves attachments by their full name', () => {
      assert.equal(resolve(files, 'ospo_infographic.pdf', 'public/tech/OSPO.md').target, 'assets/ospo_infographic.pdf');
      assert.equal(resolve(files, 'Figure 1.png', 'x.md').target, 'img/Figure 1.png');
    });
    it('does not find an attachment without its extension', () => {
      assert.equal(resolve(files, 'Figure 1', 'x.md').rule, 'none');
      assert.equal(resolve(files, 'ospo_infographic', 'x.md').rule, 'none');
    });
    it('tries a dotted name as a full file name, then with `.md` (`My.Note`)', () => {
      assert.equal(resolve(files, 'My.Note', 'x.md').target, 'My.Note.md');
      const withBoth = new FileLookup(['My.Note', 'My.Note.md']);
      assert.equal(resolve(withBoth, 'My.Note', 'x.md').target, 'My.Note');
    });
    it('prefers the full name `Note.md` over `Note.md.md`', () => {
      assert.equal(resolve(files, 'Note.md', 'x.md').target, 'Note.md');
    });
  });

  describe('R3.3 case-insensitive', () => {
    const files = new FileLookup(['Log.md', 'Ext.md', 'en/Internal links.md', 'en/Embed files.md']);
    it('resolves `[[log]]` and `[[LOG]]` to `Log.md`', () => {
      assert.equal(resolve(files, 'log', 'x.md').target, 'Log.md');
      assert.equal(resolve(files, 'LOG', 'x.md').target, 'Log.md');
    });
    it('resolves `[[Ext.MD]]` to `Ext.md`', () => {
      assert.equal(resolve(files, 'Ext.MD', 'x.md').target, 'Ext.md');
    });
    it('resolves the help vault spellings', () => {
      assert.equal(resolve(files, 'internal links', 'en/x.md').target, 'en/Internal links.md');
      assert.equal(resolve(files, 'Embed Files', 'en/x.md').target, 'en/Embed files.md');
    });
    it('folds case in folder names too', () => {
      assert.equal(resolve(files, 'EN/internal LINKS', 'x.md').target, 'en/Internal links.md');
    });
  });

  describe('R3.4 vault-root paths and path suffixes', () => {
    const files = new FileLookup([
      'Projects/Three laws of motion.md',
      'public/tech/OpenSource.md',
      'a/b/Note.md',
      'ab/Note.md',
      'x/ab/Note.md',
    ]);
    it('resolves a vault-root folder path', () => {
      const r = resolve(files, 'Projects/Three laws of motion', 'x.md');
      assert.equal(r.target, 'Projects/Three laws of motion.md');
      assert.equal(r.rule, 'exact');
      assert.equal(resolve(files, 'public/tech/OpenSource', 'public/tech/OSPO.md').target, 'public/tech/OpenSource.md');
    });
    it('matches a partial path as a suffix: `[[b/Note]]` finds `a/b/Note.md`', () => {
      const r = resolve(files, 'b/Note', 'x.md');
      assert.deepEqual(r, { target: 'a/b/Note.md', candidates: ['a/b/Note.md'], rule: 'unique' });
    });
    it('requires a `/` boundary: `[[b/Note]]` never matches `ab/Note.md`', () => {
      assert.ok(!resolve(files, 'b/Note', 'x.md').candidates.includes('ab/Note.md'));
      assert.equal(resolve(new FileLookup(['ab/Note.md']), 'b/Note', 'x.md').rule, 'none');
    });
    it('reports every suffix match as a candidate', () => {
      const r = resolve(files, 'ab/Note', 'q.md');
      assert.equal(r.target, 'ab/Note.md');
      assert.equal(r.rule, 'exact');
      assert.deepEqual(r.candidates, ['ab/Note.md', 'x/ab/Note.md']);
    });
    it('does not resolve a folder', () => {
      assert.equal(resolve(files, 'Projects/', 'x.md').rule, 'none');
      assert.equal(resolve(files, 'Projects', 'x.md').rule, 'none');
    });
  });

  describe('R3.5 relative and absolute paths', () => {
    const files = new FileLookup([
      'docs/guide/Intro.md',
      'docs/Overview.md',
      'docs/images/x.png',
      'Folder/Note.md',
      'other/Note.md',
      'other/Lonely.md',
    ]);
    it('resolves `./x` against the source folder', () => {
      const r = resolve(files, './Intro', 'docs/guide/Start.md');
      assert.deepEqual(r, { target: 'docs/guide/Intro.md', candidates: ['docs/guide/Intro.md'], rule: 'relative' });
    });
    it('resolves `../x` and `../images/x.png` against the source folder', () => {
      assert.equal(resolve(files, '../Overview', 'docs/guide/Start.md').target, 'docs/Overview.md');
      assert.equal(resolve(files, '../images/x.png', 'docs/guide/Start.md').target, 'docs/images/x.png');
      assert.equal(resolve(files, '../../Folder/note.md', 'docs/guide/Start.md').target, 'Folder/Note.md');
    });
    it('resolves a leading `/` from the vault root', () => {
      const r = resolve(files, '/Folder/Note', 'docs/guide/Start.md');
      assert.deepEqual(r, { target: 'Folder/Note.md', candidates: ['Folder/Note.md'], rule: 'absolute' });
    });
    it('does not fall back to a name search', () => {
      assert.deepEqual(resolve(files, '/Lonely', 'x.md'), { candidates: [], rule: 'none' });
      assert.deepEqual(resolve(files, './Lonely', 'docs/x.md'), { candidates: [], rule: 'none' });
      assert.deepEqual(resolve(files, '/Note', 'x.md'), { candidates: [], rule: 'none' });
    });
    it('flags paths that escape the vault and name nothing at its root', () => {
      assert.deepEqual(resolve(files, '../../../Overview', 'docs/guide/Start.md'), {
        candidates: [],
        rule: 'none',
        outsideVault: true,
      });
      assert.equal(resolve(files, '../Note', 'Root.md').outsideVault, true);
      assert.equal(resolve(files, '../../../../etc/passwd', 'docs/guide/Start.md').outsideVault, true);
    });
    it('stops a `..` that climbs above the root at the root, as URL resolution does', () => {
      // Docs written two folders deep link `../../images/x.png` to the vault's own `images/` folder.
      assert.deepEqual(resolve(files, '../../../Folder/Note', 'docs/guide/Start.md'), {
        target: 'Folder/Note.md',
        candidates: ['Folder/Note.md'],
        rule: 'relative',
      });
      assert.equal(resolve(files, '/../Folder/Note', 'Root.md').target, 'Folder/Note.md');
    });
    it('still resolves `..` that stays inside the vault', () => {
      assert.equal(resolve(files, '../Folder/Note', 'other/x.md').target, 'Folder/Note.md');
      assert.equal(resolve(files, 'docs/guide/../Overview', 'x.md').target, 'docs/Overview.md');
    });
  });

  describe('R3.6 tie-break', () => {
    it('step 1: an exact vault path wins, even over a file beside the source', () => {
      const files = new FileLookup(['Note.md', 'src/Note.md', 'a/b/Note.md', 'b/Note.md']);
      const r = resolve(files, 'Note', 'src/Source.md');
      assert.equal(r.target, 'Note.md');
      assert.equal(r.rule, 'exact');
      assert.deepEqual(r.candidates, ['Note.md', 'b/Note.md', 'a/b/Note.md', 'src/Note.md']);
      const rb = resolve(files, 'b/Note', 'a/b/Source.md');
      assert.equal(rb.target, 'b/Note.md');
      assert.equal(rb.rule, 'exact');
      assert.deepEqual(rb.candidates, ['b/Note.md', 'a/b/Note.md']);
    });
    it('step 1: prefers the exact spelling among case-only duplicates', () => {
      const files = new FileLookup(['note.md', 'Note.md']);
      assert.equal(resolve(files, 'Note', 'x.md').target, 'Note.md');
      assert.equal(resolve(files, 'note', 'x.md').target, 'note.md');
      assert.equal(resolve(files, 'NOTE', 'x.md').target, 'Note.md');
    });
    it('step 2: a candidate in the source folder wins over a shorter one', () => {
      const files = new FileLookup(['zz/Note.md', 'long/folder/name/Note.md']);
      const r = resolve(files, 'Note', 'long/folder/name/Source.md');
      assert.equal(r.target, 'long/folder/name/Note.md');
      assert.equal(r.rule, 'same-folder');
      assert.deepEqual(r.candidates, ['long/folder/name/Note.md', 'zz/Note.md']);
    });
    it('step 2: the help vault `[[Security and privacy]]` stays in its own folder', () => {
      const files = new FileLookup(['Obsidian Sync/Security and privacy.md', 'Obsidian Publish/Security and privacy.md']);
      assert.equal(
        resolve(files, 'Security and privacy', 'Obsidian Publish/Introduction to Obsidian Publish.md').target,
        'Obsidian Publish/Security and privacy.md',
      );
      assert.equal(
        resolve(files, 'Security and privacy', 'Obsidian Sync/Introduction to Obsidian Sync.md').target,
        'Obsidian Sync/Security and privacy.md',
      );
    });
    it('step 2: neither an ancestor nor a sub-folder of the source folder counts', () => {
      const files = new FileLookup(['a/Note.md', 'a/b/c/Note.md', 'zz/Note.md']);
      const fromChild = resolve(files, 'Note', 'a/b/Source.md');
      assert.equal(fromChild.rule, 'shortest');
      assert.equal(fromChild.target, 'a/Note.md');
      const fromParent = resolve(new FileLookup(['a/b/Note.md', 'zz/Note.md']), 'Note', 'a/Source.md');
      assert.equal(fromParent.rule, 'shortest');
      assert.equal(fromParent.target, 'zz/Note.md');
    });
    it('step 3: the shortest path string wins', () => {
      const files = new FileLookup(['zzzz/Note.md', 'a/b/Note.md']);
      const r = resolve(files, 'Note', 'x/Source.md');
      assert.deepEqual(r, { target: 'a/b/Note.md', candidates: ['a/b/Note.md', 'zzzz/Note.md'], rule: 'shortest' });
      const r2 = resolve(new FileLookup(['a/b/Note.md', 'b/Note.md']), 'Note', 'x/Source.md');
      assert.equal(r2.target, 'b/Note.md');
      const r3 = resolve(new FileLookup(['c/d/Note.md', 'a/b/Note.md']), 'Note', 'x/Source.md');
      assert.equal(r3.target, 'a/b/Note.md', 'equal lengths fall back to alphabetical order');
    });
    it('step 3: equal lengths are ordered alphabetically, ignoring case first', () => {
      const files = new FileLookup(['b/Note.md', 'C/Note.md', 'a/Note.md', 'B/Note.md']);
      const r = resolve(files, 'Note', 'x/Source.md');
      assert.equal(r.target, 'a/Note.md');
      assert.deepEqual(r.candidates, ['a/Note.md', 'B/Note.md', 'b/Note.md', 'C/Note.md']);
    });
    it('is deterministic whatever the insertion order', () => {
      const paths = ['q/r/Note.md', 'p/Note.md', 'o/Note.md', 'n/m/Note.md'];
      const a = resolve(new FileLookup(paths), 'Note', 'x/S.md');
      const b = resolve(new FileLookup([...paths].reverse()), 'Note', 'x/S.md');
      assert.deepEqual(a, b);
      assert.deepEqual(a.candidates, ['o/Note.md', 'p/Note.md', 'n/m/Note.md', 'q/r/Note.md']);
    });
  });

  describe('R3.7 aliases do not resolve links', () => {
    it('leaves `[[AI]]` unresolved although a note has `aliases: [AI]`', () => {
      const files = new FileLookup(['Artificial Intelligence.md']);
      assert.deepEqual(resolve(files, 'AI', 'x.md'), { candidates: [], rule: 'none' });
      assert.equal(resolve(files, 'Artificial Intelligence', 'x.md').target, 'Artificial Intelligence.md');
    });
  });

  describe('R3.9 any accepted file can be a target', () => {
    const files = new FileLookup(['My canvas.canvas', 'data/BaseFile.base', 'media/Excerpt (1968).ogg']);
    it('resolves canvases, bases and audio by full name', () => {
      assert.equal(resolve(files, 'My canvas.canvas', 'x.md').target, 'My canvas.canvas');
      assert.equal(resolve(files, 'BaseFile.base', 'x.md').target, 'data/BaseFile.base');
      assert.equal(resolve(files, 'excerpt (1968).OGG', 'x.md').target, 'media/Excerpt (1968).ogg');
    });
  });

  describe('R3.10 Unicode normalisation', () => {
    it('matches composed links against decomposed file names and back', () => {
      const files = new FileLookup(['Re\u0301sume\u0301.md', 'Caf\u00e9/Menu.md']);
      assert.equal(resolve(files, 'R\u00e9sum\u00e9', 'x.md').target, 'R\u00e9sum\u00e9.md');
      assert.equal(resolve(files, 'cafe\u0301/menu', 'x.md').target, 'Caf\u00e9/Menu.md');
    });
  });

  describe('the OSPO note', () => {
    const files = new FileLookup([
      'public/tech/OSPO.md',
      'public/tech/OpenSource.md',
      'WHO.md',
      'people/Samuel Mbuthia.md',
      'daily/2023-11-28.md',
      'public/tech/ospo_infographic.pdf',
    ]);
    const from = 'public/tech/OSPO.md';
    it('resolves each link of the note', () => {
      assert.equal(resolve(files, 'public/tech/OpenSource', from).rule, 'exact');
      assert.equal(resolve(files, 'WHO', from).target, 'WHO.md');
      assert.equal(resolve(files, 'Samuel Mbuthia', from).target, 'people/Samuel Mbuthia.md');
      assert.equal(resolve(files, 'OSPO', from).target, from);
      assert.equal(resolve(files, '2023-11-28', from).target, 'daily/2023-11-28.md');
      assert.equal(resolve(files, 'OpenSource', from).target, 'public/tech/OpenSource.md');
      assert.equal(resolve(files, 'ospo_infographic.pdf', from).target, 'public/tech/ospo_infographic.pdf');
    });
    it('treats the scheme-less `github.com/…` destination as a broken internal path (R6.5)', () => {
      assert.deepEqual(resolve(files, 'github.com/github/github-ospo', from), { candidates: [], rule: 'none' });
    });
  });

  describe('a 100,000-file vault', () => {
    it('resolves names and suffixes among many files', () => {
      const files = new FileLookup();
      for (let i = 0; i < 100_000; i++) files.add(`f${i % 250}/g${i % 13}/Note ${i % 20_000}.md`);
      assert.equal(files.size, 100_000);
      const r = resolve(files, 'note 123', 'f123/g6/Source.md');
      assert.equal(r.candidates.length, 5);
      assert.equal(r.rule, 'same-folder');
      assert.equal(r.target, 'f123/g6/Note 123.md');
      const s = resolve(files, 'G1/Note 1', 'zzz.md');
      assert.deepEqual(s.candidates, ['f1/g1/Note 1.md']);
      assert.equal(s.rule, 'unique');
    });
  });
});

describe('resolve: subpaths', () => {
  describe('parseSubpath', () => {
    it('recognises block references', () => {
      assert.deepEqual(parseSubpath('^37066d'), { kind: 'block', id: '37066d' });
      assert.deepEqual(parseSubpath('#^quote-of-the-day'), { kind: 'block', id: 'quote-of-the-day' });
      assert.deepEqual(parseSubpath('^'), { kind: 'block', id: '' });
    });
    it('splits heading chains and drops empty segments', () => {
      assert.deepEqual(parseSubpath('Questions and advice#Report bugs'), {
        kind: 'heading',
        segments: ['Questions and advice', 'Report bugs'],
      });
      assert.deepEqual(parseSubpath('#ReplicaSet'), { kind: 'heading', segments: ['ReplicaSet'] });
      assert.deepEqual(parseSubpath('page=3'), { kind: 'heading', segments: ['page=3'] });
    });
    it('treats an empty or `#`-only subpath as empty', () => {
      assert.deepEqual(parseSubpath(''), { kind: 'empty' });
      assert.deepEqual(parseSubpath('##'), { kind: 'empty' });
      assert.deepEqual(parseSubpath(' # '), { kind: 'empty' });
    });
  });

  describe('R4.2 nested heading paths', () => {
    const headings = outline([
      '# Help and support', // 0
      '## Questions and advice', // 1
      '### Report bugs and request features', // 2
      'text',
      '## Other', // 3
      '### Report bugs and request features', // 4
      '#### Deep', // 5
      '## Controllers', // 6
      '### ReplicaSet', // 7
    ]);
    it('resolves a chain from H2 to H3', () => {
      const m = matchHeadingChain('Questions and advice#Report bugs and request features', headings);
      assert.equal(m.heading, headings[2]);
      assert.equal(m.tier, 'exact');
      assert.equal(matchHeadingChain('Other#Report bugs and request features', headings).heading, headings[4]);
    });
    it('allows skipping levels inside the section', () => {
      assert.equal(matchHeadingChain('Other#Deep', headings).heading, headings[5]);
      assert.equal(matchHeadingChain('Help and support#Deep', headings).heading, headings[5]);
    });
    it('ignores empty segments (`[[Controllers##ReplicaSet]]`)', () => {
      assert.equal(matchHeadingChain('Controllers##ReplicaSet', headings).heading, headings[7]);
      assert.equal(matchHeadingChain('#ReplicaSet', headings).heading, headings[7]);
    });
    it('requires later segments inside the earlier section', () => {
      const m = matchHeadingChain('Questions and advice#Deep', headings);
      assert.deepEqual(m, { failedSegment: 'Deep' });
      assert.deepEqual(matchHeadingChain('Controllers#Other', headings), { failedSegment: 'Other' });
      assert.deepEqual(matchHeadingChain('Deep#Other', headings), { failedSegment: 'Other' });
    });
    it('reports the first missing segment', () => {
      assert.deepEqual(matchHeadingChain('Nope#Deep', headings), { failedSegment: 'Nope' });
      assert.deepEqual(matchHeadingChain('Other#Nope#Deep', headings), { failedSegment: 'Nope' });
    });
    it('reports the loosest tier used by any segment', () => {
      assert.equal(matchHeadingChain('questions and advice#Report bugs and request features', headings).tier, 'folded');
      assert.equal(matchHeadingChain('Other#deep!', headings).tier, 'loose');
    });
    it('returns nothing for an empty chain', () => {
      assert.deepEqual(matchHeadingChain('##', headings), {});
    });
  });

  describe('R4.3 loose heading matching', () => {
    it('is case-insensitive: `[[#note]]` → `## Note`, `[[#serious offenses]]` → `### Serious offenses`', () => {
      const hs = outline(['## Note', '### Serious offenses']);
      assert.deepEqual(matchHeadingChain('note', hs), { heading: hs[0], tier: 'folded' });
      assert.deepEqual(matchHeadingChain('serious offenses', hs), { heading: hs[1], tier: 'folded' });
    });
    it('collapses whitespace', () => {
      const hs = outline(['## Two  spaces\there']);
      assert.equal(matchHeadingChain('two spaces here', hs).tier, 'folded');
    });
    it('drops `:` as Obsidian writes it, keeping parens, backticks and `<>`', () => {
      const hs = outline([
        "## 'Tasks: Toggle task done' command",
        '## `editTaskLineModal(taskLine: string): Promise<string>;`',
      ]);
      assert.deepEqual(matchHeadingChain("'Tasks Toggle task done' command", hs), { heading: hs[0], tier: 'folded' });
      assert.deepEqual(matchHeadingChain('`editTaskLineModal(taskLine string) Promise<string>;`', hs), {
        heading: hs[1],
        tier: 'folded',
      });
    });
    it('allows the trailing `?` to be omitted', () => {
      const hs = outline(['### How large can each remote vault be?']);
      assert.deepEqual(matchHeadingChain('How large can each remote vault be', hs), { heading: hs[0], tier: 'loose' });
      assert.equal(matchHeadingChain('How large can each remote vault be?', hs).tier, 'exact');
    });
    it('matches `[[Target]]` in a heading written as `Target`', () => {
      const hs = outline(['### Heading with a wikilink to [[Target]]', '### Aliased [[Target|there]] link']);
      assert.deepEqual(matchHeadingChain('Heading with a wikilink to Target', hs), { heading: hs[0], tier: 'folded' });
      assert.equal(matchHeadingChain('Aliased Target there link', hs).heading, hs[1]);
    });
    it('still resolves older punctuation-stripped forms (`a b` for `a, b`)', () => {
      const hs = outline(['# a, b', '# foo-bar baz', "# Don't panic"]);
      assert.deepEqual(matchHeadingChain('a, b', hs), { heading: hs[0], tier: 'exact' });
      assert.deepEqual(matchHeadingChain('a b', hs), { heading: hs[0], tier: 'loose' });
      assert.deepEqual(matchHeadingChain('foo bar baz', hs), { heading: hs[1], tier: 'loose' });
      assert.deepEqual(matchHeadingChain('don t panic', hs), { heading: hs[2], tier: 'loose' });
    });
    it('turns punctuation into a space, not nothing: `D&D WOTC` ← `D D WOTC`, `CI/CD` ← `CI CD`, not `Draw.io` ← `drawio`', () => {
      const hs = outline(['## D&D WOTC', '## CI/CD', '## Draw.io', "# Don't panic", '# foo-bar baz']);
      assert.deepEqual(matchHeadingChain('D D WOTC', hs), { heading: hs[0], tier: 'loose' });
      assert.deepEqual(matchHeadingChain('CI CD', hs), { heading: hs[1], tier: 'loose' });
      assert.deepEqual(matchHeadingChain('Draw io', hs), { heading: hs[2], tier: 'loose' });
      assert.deepEqual(matchHeadingChain('drawio', hs), { failedSegment: 'drawio' });
      assert.deepEqual(matchHeadingChain('dont panic', hs), { failedSegment: 'dont panic' });
      assert.deepEqual(matchHeadingChain('foobar baz', hs), { failedSegment: 'foobar baz' });
      assert.equal(headingKey('D&D WOTC', 'loose'), 'd d wotc');
      assert.equal(headingKey('Draw.io', 'loose'), 'draw io');
    });
    it('matches inline markdown loosely', () => {
      const hs = outline(['## **Bold** and _em_']);
      assert.equal(matchHeadingChain('Bold and em', hs).tier, 'loose');
    });
    it('NFC-normalises both sides', () => {
      const hs = outline(['## Re\u0301sume\u0301']);
      assert.equal(matchHeadingChain('R\u00e9sum\u00e9', hs).tier, 'folded');
    });
    it('prefers a stricter match later in the note over a looser one earlier', () => {
      const hs = outline(['## a, b', '## A B', '## a b']);
      assert.deepEqual(matchHeadingChain('a b', hs), { heading: hs[2], tier: 'exact' });
      assert.deepEqual(matchHeadingChain('a B', hs), { heading: hs[1], tier: 'folded' });
    });
    it('keeps non-ASCII punctuation and never matches an empty key', () => {
      const hs = outline(['## ???', '## Wait…']);
      assert.deepEqual(matchHeadingChain('!', hs), { failedSegment: '!' });
      assert.deepEqual(matchHeadingChain('Wait', hs), { failedSegment: 'Wait' });
    });
    it('exposes the tier keys', () => {
      assert.equal(headingKey('A:  B', 'exact'), 'A:  B');
      assert.equal(headingKey('A:  B', 'folded'), 'a b');
      assert.equal(headingKey('A:  B?', 'loose'), 'a b');
      assert.equal(headingKey(' (a) - [b]! ', 'loose'), 'a b');
    });
    it('writes heading links like Obsidian: `# | ^ : %% [[ ]]` become spaces', () => {
      assert.equal(headingLinkText("'Tasks: Toggle task done' command"), "'Tasks Toggle task done' command");
      assert.equal(headingLinkText('a wikilink to [[Target]]'), 'a wikilink to Target');
      assert.equal(headingLinkText('C# | F# ^x %%c%%'), 'C F x c');
      assert.equal(headingLinkText('a, b (c) [d] <e> `f` 50% ?'), 'a, b (c) [d] <e> `f` 50% ?');
    });
    it('hands a heading that needs no change back as it is, and changes every other exactly as the full rewrite does', () => {
      const rewrite = (t: string): string => t.replace(/\[\[|\]\]|%%|[#|^:]/g, ' ').replace(/\s+/g, ' ').trim();
      const alphabet = ['a', 'B', ' ', '  ', '\t', '\u00a0', '\u3000', '#', '|', '^', ':', '%', '%%', '[', '[[', ']', ']]', 'é', '\n'];
      let seed = 7;
      const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
      for (let i = 0; i < 5000; i++) {
        let t = '';
        for (let k = next(9); k > 0; k--) t += alphabet[next(alphabet.length)];
        assert.equal(headingLinkText(t), rewrite(t), JSON.stringify(t));
      }
      // Whether the text was copied cannot be seen from JavaScript; that it is the same string value can.
      assert.equal(headingLinkText('Key ideas of the week'), 'Key ideas of the week');
    });
  });

  describe('R4.4 duplicate headings', () => {
    const headings = outline(['## Notes', '### A', '## Notes', '### B', '## notes']);
    it('takes the first of duplicates', () => {
      assert.equal(matchHeadingChain('Notes', headings).heading, headings[0]);
      assert.equal(matchHeadingChain('notes', headings).heading, headings[4], 'an exact match beats folded ones');
    });
    it('continues a chain under a later duplicate when the first has no such sub-heading', () => {
      assert.equal(matchHeadingChain('Notes#B', headings).heading, headings[3]);
      assert.equal(matchHeadingChain('Notes#A', headings).heading, headings[1]);
    });
  });

  describe('R4.5 markdown-link fragments', () => {
    const headings = outline(['# Test Heading With Spaces', '## Getting Started', '## Notes', '## Notes', "## What's new?"]);
    it('matches decoded heading text', () => {
      const m = matchMarkdownFragment(percentDecode('Test%20Heading%20With%20Spaces'), headings);
      assert.deepEqual(m, { heading: headings[0], tier: 'exact' });
    });
    it('falls back to GitHub slugs and says so', () => {
      assert.deepEqual(matchMarkdownFragment('whats-new', headings), { heading: headings[4], tier: 'github-slug' });
      assert.deepEqual(matchMarkdownFragment('notes-1', headings), { heading: headings[3], tier: 'github-slug' });
    });
    it('prefers heading text over slugs', () => {
      assert.deepEqual(matchMarkdownFragment('Getting Started', headings), { heading: headings[1], tier: 'exact' });
      // A slug of words and spaces alone is the loose form of the heading (R4.3: `-` becomes a space).
      assert.deepEqual(matchMarkdownFragment('getting-started', headings), { heading: headings[1], tier: 'loose' });
    });
    it('reports a missing heading', () => {
      assert.deepEqual(matchMarkdownFragment('nowhere', headings), { failedSegment: 'nowhere' });
    });
    it('computes GitHub slugs', () => {
      assert.equal(githubSlug('Getting Started'), 'getting-started');
      assert.equal(githubSlug("What's new? (v2.0)"), 'whats-new-v20');
      assert.equal(githubSlug('Über  Café_x'), 'über--café_x');
      assert.equal(githubSlug('a - b'), 'a---b');
    });
    it('numbers repeated slugs like GitHub, skipping taken ones', () => {
      const hs = outline(['# a', '# a-1', '# a', '# a']);
      assert.equal(findHeadingByGithubSlug('a', hs), hs[0]);
      assert.equal(findHeadingByGithubSlug('a-1', hs), hs[1]);
      assert.equal(findHeadingByGithubSlug('a-2', hs), hs[2]);
      assert.equal(findHeadingByGithubSlug('a-3', hs), hs[3]);
      assert.equal(findHeadingByGithubSlug('', hs), undefined);
    });
  });

  describe('R4.7 block ids', () => {
    const blocks = [block('37066d', 3), block('quote-of-the-day', 7), block('Dup', 9), block('dup', 11)];
    it('accepts Latin letters, digits and dashes only', () => {
      assert.ok(isValidBlockId('37066d'));
      assert.ok(isValidBlockId('quote-of-the-day'));
      assert.ok(isValidBlockId('ABC-1'));
      assert.ok(!isValidBlockId(''));
      assert.ok(!isValidBlockId('under_score'));
      assert.ok(!isValidBlockId('caf\u00e9'));
      assert.ok(!isValidBlockId('a b'));
      assert.ok(!isValidBlockId('^abc'));
    });
    it('finds ids case-insensitively', () => {
      assert.equal(findBlockId('37066d', blocks), blocks[0]);
      assert.equal(findBlockId('37066D', blocks), blocks[0]);
      assert.equal(findBlockId('Quote-Of-The-Day', blocks), blocks[1]);
    });
    it('takes the first of duplicate ids', () => {
      assert.equal(findBlockId('dup', blocks), blocks[2]);
    });
    it('finds nothing for a missing or empty id', () => {
      assert.equal(findBlockId('1a1526', blocks), undefined);
      assert.equal(findBlockId('', blocks), undefined);
    });
  });
});
