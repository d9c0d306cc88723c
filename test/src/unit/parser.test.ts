import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Link, type NoteModel, parseNote, type Range, linkDisplayRange, linkPathRange, linkRange, linkSubpathRange } from '@ospo-notes/engine';

const REPO = path.resolve(__dirname, '../../..');

function parse(text: string, notePath = 'N.md'): NoteModel {
  return parseNote(notePath, text);
}

/** `line:char-line:char`, the compact form every expected range below is written in. */
function r(range: Range | undefined): string | undefined {
  return range && `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

interface BriefLink {
  syntax: Link['syntax'];
  embed: boolean;
  path: string;
  subpath?: string;
  display?: string;
  external?: boolean;
  range: string;
  pathRange: string;
  subpathRange?: string;
  displayRange?: string;
}

/** A link with its ranges as strings and absent fields left out, so `deepEqual` checks every field exactly. */
function brief(l: Link): BriefLink {
  const b: BriefLink = { syntax: l.syntax, embed: l.embed, path: l.path, range: r(linkRange(l))!, pathRange: r(linkPathRange(l))! };
  if (l.subpath !== undefined) b.subpath = l.subpath;
  if (l.display !== undefined) b.display = l.display;
  if (l.external) b.external = true;
  if (linkSubpathRange(l)) b.subpathRange = r(linkSubpathRange(l));
  if (linkDisplayRange(l)) b.displayRange = r(linkDisplayRange(l));
  return b;
}

const linksOf = (text: string): BriefLink[] => parse(text).links.map(brief);
const pathsOf = (text: string): string[] => parse(text).links.map((l) => l.path);
const opaqueOf = (text: string): Array<string | undefined> => parse(text).opaque.map(r);
const tagsOf = (text: string): string[] => parse(text).tags.map((t) => t.name);
const blocksOf = (text: string): string[] => parse(text).blockIds.map((b) => `${b.id} ${b.kind} ${b.startLine}-${b.endLine} @${r(b.range)}`);
const headingsOf = (text: string): string[] => parse(text).headings.map((h) => `${h.level} ${h.text} L${h.line} ${r(h.textRange)} end${h.sectionEndLine}`);

/** The source text a single-line range covers. */
function textAt(lines: string[], range: Range): string {
  assert.equal(range.start.line, range.end.line, 'single-line range expected');
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

// ---------------------------------------------------------------------------------------------------------------

describe('parser: what is opaque (R1)', () => {
  describe('R1.1 fenced code blocks', () => {
    it('hides a link inside a ``` fence', () => {
      const note = parse('```md\n[[Not a link]]\n```\n[[after]]');
      assert.deepEqual(note.links.map((l) => l.path), ['after']);
      assert.deepEqual(note.opaque.map(r), ['0:0-2:3']);
    });
    it('lets a longer fence contain a shorter one', () => {
      const text = '````md\n```\n[[inner]]\n```\n````\n[[after]]';
      assert.deepEqual(pathsOf(text), ['after']);
      assert.deepEqual(opaqueOf(text), ['0:0-4:4']);
    });
    it('closes a `~~~` fence only with `~~~`', () => {
      const text = '~~~\n[[x]]\n```\n[[y]]\n~~~\n[[z]]';
      assert.deepEqual(pathsOf(text), ['z']);
      assert.deepEqual(opaqueOf(text), ['0:0-4:3']);
    });
    it('finds no heading, tag or block id in a fence', () => {
      const note = parse('```\n# not heading #tag ^cid\n```');
      assert.deepEqual([note.headings, note.tags, note.blockIds], [[], [], []]);
    });
    it('keeps fences inside quotes and list items opaque while the rest stays live', () => {
      assert.deepEqual(linksOf('> ```\n> [[inq]]\n> ```\n> [[live]]'), [{ syntax: 'wiki', embed: false, path: 'live', range: '3:2-3:10', pathRange: '3:4-3:8' }]);
      assert.deepEqual(pathsOf('- ```\n  [[inl]]\n  ```\n- [[live]]'), ['live']);
      assert.deepEqual(opaqueOf('- ```\n  [[inl]]\n  ```\n- [[live]]'), ['0:0-2:5']);
    });
  });

  describe('R1.2 indented code blocks, decided by CommonMark', () => {
    it('makes a four-space line right after a heading a code block', () => {
      const note = parse('## Heading\n    four-space text [[x]]');
      assert.deepEqual(note.links, []);
      assert.deepEqual(note.opaque.map(r), ['1:0-1:25']);
      assert.deepEqual(headingsOf('## Heading\n    four-space text [[x]]'), ['2 Heading L0 0:3-0:10 end1']);
    });
    it('makes an indented block after a blank line a code block', () => {
      assert.deepEqual(pathsOf('    code [[c]]\n\npara [[p]]'), ['p']);
      assert.deepEqual(opaqueOf('    code [[c]]\n\npara'), ['0:0-0:14']);
    });
    it('keeps an indented line that continues a paragraph (lazy continuation) live', () => {
      assert.deepEqual(linksOf('text\n    [[lazy]]'), [{ syntax: 'wiki', embed: false, path: 'lazy', range: '1:4-1:12', pathRange: '1:6-1:10' }]);
    });
    it('reads a nested list under `- organisations` as list items, not code', () => {
      const text = '- organisations\n    - [OSPO++](https://x.org): [[Live]]\n        - [gh](github.com/a/b)';
      assert.deepEqual(linksOf(text), [
        { syntax: 'wiki', embed: false, path: 'Live', range: '1:31-1:39', pathRange: '1:33-1:37' },
        { syntax: 'markdown', embed: false, path: 'https://x.org', display: 'OSPO++', external: true, range: '1:6-1:29', pathRange: '1:15-1:28', displayRange: '1:7-1:13' },
        { syntax: 'markdown', embed: false, path: 'github.com/a/b', display: 'gh', range: '2:10-2:30', pathRange: '2:15-2:29', displayRange: '2:11-2:13' },
      ]);
      assert.deepEqual(opaqueOf(text), []);
    });
    it('does make code of a line indented past a list item’s content after a blank line', () => {
      assert.deepEqual(pathsOf('- a\n\n        code? [[x]]'), []);
      assert.deepEqual(opaqueOf('- a\n\n        code? [[x]]'), ['2:0-2:19']);
    });
  });

  describe('R1.3 inline code', () => {
    it('hides links in single and double backtick spans; a lone backtick inside a double span does not close it', () => {
      const text = 'a `[[x]]` b ``a ` [[y]]`` c [[z]]';
      assert.deepEqual(linksOf(text), [{ syntax: 'wiki', embed: false, path: 'z', range: '0:28-0:33', pathRange: '0:30-0:31' }]);
      assert.deepEqual(opaqueOf(text), ['0:2-0:9', '0:12-0:25']);
    });
    it('pairs runs of equal length only', () => {
      const text = '`` ` `` [[a]] ``x`` `y` ```z``` [[b]]';
      assert.deepEqual(pathsOf(text), ['a', 'b']);
      assert.deepEqual(opaqueOf(text), ['0:0-0:7', '0:14-0:19', '0:20-0:23', '0:24-0:31']);
    });
    it('treats an unmatched backtick as text', () => {
      assert.deepEqual(pathsOf('`unclosed [[a]]'), ['a']);
    });
    it('keeps a wiki-link whose text contains backticks a link (help vault usage)', () => {
      assert.deepEqual(linksOf('[[#`move`|move]] [[Functions#hasTag|`hasTag`]]'), [
        { syntax: 'wiki', embed: false, path: '', subpath: '`move`', display: 'move', range: '0:0-0:16', pathRange: '0:2-0:2', subpathRange: '0:3-0:9', displayRange: '0:10-0:14' },
        { syntax: 'wiki', embed: false, path: 'Functions', subpath: 'hasTag', display: '`hasTag`', range: '0:17-0:46', pathRange: '0:19-0:28', subpathRange: '0:29-0:35', displayRange: '0:36-0:44' },
      ]);
    });
  });

  describe('R1.4 math (choice: `$$…$$` and `$…$` with non-space insides, not before a digit)', () => {
    it('hides links in inline and display math but not in dollar amounts', () => {
      const text = '$[[x]]$ and $$[[y]]$$ and $5 and [[z]] $10';
      assert.deepEqual(pathsOf(text), ['z']);
      assert.deepEqual(opaqueOf(text), ['0:0-0:7', '0:12-0:21']);
    });
    it('hides a multi-line `$$` block', () => {
      assert.deepEqual(pathsOf('$$\n[[m]]\n$$\n[[after]]'), ['after']);
      assert.deepEqual(opaqueOf('$$\n[[m]]\n$$\n[[after]]'), ['0:0-2:2']);
    });
    it('needs a non-space after the opening and before the closing `$`', () => {
      assert.deepEqual(pathsOf('$x$ [[a]] $ [[b]] $'), ['a', 'b']);
      assert.deepEqual(opaqueOf('$x$ [[a]] $ [[b]] $'), ['0:0-0:3']);
    });
    it('leaves `$a|b$` free of pipe syntax: no link', () => {
      assert.deepEqual(pathsOf('$[[a|b]]$'), []);
    });
  });

  describe('R1.5 HTML (choice: HTML blocks and comments are opaque)', () => {
    it('hides a one-line HTML block', () => {
      assert.deepEqual(pathsOf('<div>[[x]]</div>\n\n[[y]]'), ['y']);
      assert.deepEqual(opaqueOf('<div>[[x]]</div>\n\n[[y]]'), ['0:0-0:16']);
    });
    it('hides a multi-line HTML block up to the blank line', () => {
      assert.deepEqual(pathsOf('<div>\n[[x]]\n</div>\n\n[[y]]'), ['y']);
      assert.deepEqual(opaqueOf('<div>\n[[x]]\n</div>\n\n[[y]]'), ['0:0-2:6']);
    });
    it('hides inline and block `<!-- -->` comments', () => {
      assert.deepEqual(linksOf('a <!-- [[x]] --> [[y]]'), [{ syntax: 'wiki', embed: false, path: 'y', range: '0:17-0:22', pathRange: '0:19-0:20' }]);
      assert.deepEqual(opaqueOf('a <!-- [[x]] --> [[y]]'), ['0:2-0:16']);
      assert.deepEqual(pathsOf('<!--\n[[x]]\n-->\n[[y]]'), ['y']);
      assert.deepEqual(pathsOf('<!-- a\n\nb [[x]] -->\n[[y]]'), ['y']);
    });
    it('finds no heading inside an HTML block', () => {
      assert.deepEqual(parse('<div>\n# html\n</div>').headings, []);
    });
  });

  describe('R1.6 `%%` comments (choice: paired in document order, code wins, unclosed hides the rest)', () => {
    it('hides an inline comment', () => {
      assert.deepEqual(linksOf('a %%[[x]]%% [[y]]'), [{ syntax: 'wiki', embed: false, path: 'y', range: '0:12-0:17', pathRange: '0:14-0:15' }]);
      assert.deepEqual(opaqueOf('a %%[[x]]%% [[y]]'), ['0:2-0:11']);
    });
    it('hides a block comment spanning paragraphs', () => {
      const text = '%%\n[[x]]\n\n[[x2]]\n%%\n[[y]]';
      assert.deepEqual(pathsOf(text), ['y']);
      assert.deepEqual(opaqueOf(text), ['0:0-4:2']);
    });
    it('ignores `%%` inside code, fenced or inline', () => {
      assert.deepEqual(pathsOf('```\n%%\n```\n[[live]] %%c%% [[live2]]'), ['live', 'live2']);
      assert.deepEqual(opaqueOf('```\n%%\n```\n[[live]] %%c%% [[live2]]'), ['0:0-2:3', '3:9-3:14']);
      assert.deepEqual(pathsOf('a `%%` [[y]]'), ['y']);
    });
    it('lets an unclosed `%%` hide the rest of the note', () => {
      const text = 'text %% unclosed [[x]]\n\nmore [[y]]';
      assert.deepEqual(pathsOf(text), []);
      assert.deepEqual(opaqueOf(text), ['0:5-2:10']);
    });
    it('drops headings, tags and block ids inside comments', () => {
      const note = parse('%%\n# hidden\n#tag\n%%\npara %%^hidden%%');
      assert.deepEqual([note.headings, note.tags, note.blockIds], [[], [], []]);
    });
  });

  describe('R1.7 backslash escapes', () => {
    it('disables `\\[\\[…\\]\\]` and `\\#tag` but not a later real tag', () => {
      const note = parse('\\[\\[double bracket syntax\\]\\] \\#notatag #tag');
      assert.deepEqual(note.links, []);
      assert.deepEqual(note.tags.map((t) => [t.name, r(t.range)]), [['tag', '0:40-0:44']]);
    });
    it('turns an escaped `!` into a plain link, not an embed', () => {
      assert.deepEqual(linksOf('\\![[x]]'), [{ syntax: 'wiki', embed: false, path: 'x', range: '0:2-0:7', pathRange: '0:4-0:5' }]);
    });
    it('disables an escaped opening bracket', () => {
      assert.deepEqual(pathsOf('\\[[y]]'), []);
    });
  });

  describe('R1.8 frontmatter is YAML, not markdown', () => {
    it('finds no links, tags or headings in frontmatter text', () => {
      const note = parse('---\n# comment [[x]] #tag\nk: v\n---\n');
      assert.deepEqual([note.links, note.tags, note.headings], [[], [], []]);
      assert.deepEqual(note.frontmatter?.data, { k: 'v' });
    });
    it('is only a block that starts on the first line', () => {
      assert.equal(parse('text\n---\ntitle: x\n---').frontmatter, undefined);
      assert.equal(parse(' ---\ntitle: x\n---').frontmatter, undefined);
      assert.equal(parse('\n---\ntitle: x\n---').frontmatter, undefined);
    });
    it('needs a closing `---` (or `...`)', () => {
      assert.equal(parse('---\ntitle: x').frontmatter, undefined);
      const dots = parse('---\ntitle: x\n...\nbody [[y]]');
      assert.deepEqual(dots.frontmatter?.data, { title: 'x' });
      assert.deepEqual(r(dots.frontmatter?.range), '0:0-2:3');
      assert.deepEqual(dots.links.map(brief), [{ syntax: 'wiki', embed: false, path: 'y', range: '3:5-3:10', pathRange: '3:7-3:8' }]);
    });
    it('keeps the body’s line numbers those of the file', () => {
      assert.deepEqual(headingsOf('---\na: 1\n---\n# Title'), ['1 Title L3 3:2-3:7 end3']);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: wiki-links (R2)', () => {
  describe('R2.1 shape', () => {
    it('reads `[[Three laws of motion]]` and `[[Three laws of motion.md]]`', () => {
      assert.deepEqual(linksOf('[[Three laws of motion]] [[Three laws of motion.md]]'), [
        { syntax: 'wiki', embed: false, path: 'Three laws of motion', range: '0:0-0:24', pathRange: '0:2-0:22' },
        { syntax: 'wiki', embed: false, path: 'Three laws of motion.md', range: '0:25-0:52', pathRange: '0:27-0:50' },
      ]);
    });
  });

  describe('R2.2 split order', () => {
    it('splits display at the first `|`, subpath at the first `#` before it', () => {
      assert.deepEqual(linksOf('[[note#heading|alias]] [[note|alias#heading]]'), [
        { syntax: 'wiki', embed: false, path: 'note', subpath: 'heading', display: 'alias', range: '0:0-0:22', pathRange: '0:2-0:6', subpathRange: '0:7-0:14', displayRange: '0:15-0:20' },
        { syntax: 'wiki', embed: false, path: 'note', display: 'alias#heading', range: '0:23-0:45', pathRange: '0:25-0:29', displayRange: '0:30-0:43' },
      ]);
    });
    it('keeps later `|` in the display text', () => {
      assert.deepEqual(linksOf('[[x|a|b]]'), [{ syntax: 'wiki', embed: false, path: 'x', display: 'a|b', range: '0:0-0:9', pathRange: '0:2-0:3', displayRange: '0:4-0:7' }]);
    });
    it('reads the spec example with a `:` in the display text', () => {
      assert.deepEqual(linksOf('[[public/tech/OpenSource#Organisations|OpenSource: Organisations]]'), [
        {
          syntax: 'wiki',
          embed: false,
          path: 'public/tech/OpenSource',
          subpath: 'Organisations',
          display: 'OpenSource: Organisations',
          range: '0:0-0:66',
          pathRange: '0:2-0:24',
          subpathRange: '0:25-0:38',
          displayRange: '0:39-0:64',
        },
      ]);
    });
  });

  describe('R2.3 delimiters', () => {
    it('ends at the first `]]`, keeps a single `]`, takes the innermost pair and keeps inner spaces', () => {
      assert.deepEqual(linksOf('[[Sq]uare]] [[a [[Inner]] b]] [[Sp ace]]'), [
        { syntax: 'wiki', embed: false, path: 'Sq]uare', range: '0:0-0:11', pathRange: '0:2-0:9' },
        { syntax: 'wiki', embed: false, path: 'Inner', range: '0:16-0:25', pathRange: '0:18-0:23' },
        { syntax: 'wiki', embed: false, path: 'Sp ace', range: '0:30-0:40', pathRange: '0:32-0:38' },
      ]);
    });
    it('takes the innermost `[[` of a bracket run', () => {
      assert.deepEqual(
        parse('[[x]]] [[[y]]] [[[[z]]]]').links.map((l) => [l.path, r(linkRange(l))]),
        [
          ['x', '0:0-0:5'],
          ['y', '0:8-0:13'],
          ['z', '0:17-0:22'],
        ],
      );
    });
    it('is not a link across a newline (choice)', () => {
      assert.deepEqual(pathsOf('[[a\nb]]'), []);
    });
    it('trims spaces around the linkpath, and the path range follows', () => {
      assert.deepEqual(linksOf('[[ sp ]]'), [{ syntax: 'wiki', embed: false, path: 'sp', range: '0:0-0:8', pathRange: '0:3-0:5' }]);
    });
  });

  describe('R2.4 pipes in tables (and `\\|` outside them, by choice)', () => {
    it('reads `\\|` in a table row as the alias separator and drops the backslash', () => {
      const text = '| a | b |\n|---|---|\n| [[Basic formatting syntax\\|Markdown syntax]] | ![[Engelbart.jpg\\|200]] |';
      assert.deepEqual(linksOf(text), [
        { syntax: 'wiki', embed: false, path: 'Basic formatting syntax', display: 'Markdown syntax', range: '2:2-2:46', pathRange: '2:4-2:27', displayRange: '2:29-2:44' },
        { syntax: 'wiki', embed: true, path: 'Engelbart.jpg', display: '200', range: '2:49-2:72', pathRange: '2:52-2:65', displayRange: '2:67-2:70' },
      ]);
    });
    it('ends the subpath before `\\|`', () => {
      assert.deepEqual(linksOf('a | b\n--|--\n[[Note#H\\|Alias]] | x'), [
        { syntax: 'wiki', embed: false, path: 'Note', subpath: 'H', display: 'Alias', range: '2:0-2:17', pathRange: '2:2-2:6', subpathRange: '2:7-2:8', displayRange: '2:10-2:15' },
      ]);
    });
    it('reads `\\|` outside tables the same way', () => {
      assert.deepEqual(linksOf('[[x\\|y]]'), [{ syntax: 'wiki', embed: false, path: 'x', display: 'y', range: '0:0-0:8', pathRange: '0:2-0:3', displayRange: '0:5-0:6' }]);
    });
  });

  describe('R2.5 display text', () => {
    it('reads an alias and an empty alias', () => {
      assert.deepEqual(linksOf('[[Example|Custom name]] [[link|]]'), [
        { syntax: 'wiki', embed: false, path: 'Example', display: 'Custom name', range: '0:0-0:23', pathRange: '0:2-0:9', displayRange: '0:10-0:21' },
        { syntax: 'wiki', embed: false, path: 'link', display: '', range: '0:24-0:33', pathRange: '0:26-0:30', displayRange: '0:31-0:31' },
      ]);
    });
    it('has no display without `|`', () => {
      assert.equal(parse('[[Example]]').links[0].display, undefined);
    });
  });

  describe('R2.6 characters that cannot be link targets', () => {
    it('splits at `#` and `|`, so such file names cannot be spelled; `:` and `^` stay in the path', () => {
      assert.deepEqual(
        parse('[[OpenSource: Orgs]] [[a^b]] [[C#Sharp]] [[x|y]]').links.map((l) => [l.path, l.subpath, l.display]),
        [
          ['OpenSource: Orgs', undefined, undefined],
          ['a^b', undefined, undefined],
          ['C', 'Sharp', undefined],
          ['x', undefined, 'y'],
        ],
      );
    });
  });

  describe('R2.7 schemed text is still a note link', () => {
    it('never marks a wiki-link external', () => {
      assert.deepEqual(linksOf('[[https://example.com]]'), [{ syntax: 'wiki', embed: false, path: 'https://example.com', range: '0:0-0:23', pathRange: '0:2-0:21' }]);
    });
  });

  describe('R2.8 empty linkpath = this note', () => {
    it('gives `[[#Heading]]` and `[[#^id]]` an empty path with an empty range at the `#`', () => {
      assert.deepEqual(linksOf('[[#Heading]] [[#^id]]'), [
        { syntax: 'wiki', embed: false, path: '', subpath: 'Heading', range: '0:0-0:12', pathRange: '0:2-0:2', subpathRange: '0:3-0:10' },
        { syntax: 'wiki', embed: false, path: '', subpath: '^id', range: '0:13-0:21', pathRange: '0:15-0:15', subpathRange: '0:16-0:19' },
      ]);
    });
    it('keeps `[[x#]]`, `[[#]]` and `[[]]` apart', () => {
      assert.deepEqual(
        parse('[[x#]] [[#]] [[]]').links.map((l) => [l.path, l.subpath, r(linkSubpathRange(l))]),
        [
          ['x', '', '0:4-0:4'],
          ['', '', '0:10-0:10'],
          ['', undefined, undefined],
        ],
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: headings and blocks (R4)', () => {
  describe('R4.2 nested heading paths are kept whole in the subpath', () => {
    it('keeps `#` chains and empty segments for resolution', () => {
      assert.deepEqual(
        parse('[[Help and support#Questions and advice#Report bugs]] [[Controllers##ReplicaSet]]').links.map((l) => [l.path, l.subpath, r(linkSubpathRange(l))]),
        [
          ['Help and support', 'Questions and advice#Report bugs', '0:19-0:51'],
          ['Controllers', '#ReplicaSet', '0:68-0:79'],
        ],
      );
    });
  });

  describe('R4.4 heading text source', () => {
    it('reads ATX levels, text ranges and sections (up to the next heading of the same or higher level)', () => {
      assert.deepEqual(headingsOf('# H1\ntext\n## H2\n### H3\n## H2b\n# H1b\nend'), [
        '1 H1 L0 0:2-0:4 end4',
        '2 H2 L2 2:3-2:5 end3',
        '3 H3 L3 3:4-3:6 end3',
        '2 H2b L4 4:3-4:6 end4',
        '1 H1b L5 5:2-5:5 end6',
      ]);
    });
    it('strips closing `#`s and surrounding spaces; `#tag` is not a heading', () => {
      assert.deepEqual(headingsOf('#tag not heading\n#  Spaces  ##\n### closing ###'), ['1 Spaces L1 1:3-1:9 end2', '3 closing L2 2:4-2:11 end2']);
      assert.deepEqual(tagsOf('#tag not heading'), ['tag']);
    });
    it('counts setext headings (choice), with a range over every text line', () => {
      assert.deepEqual(headingsOf('Title\n=====\n\nSub\n---\npara'), ['1 Title L0 0:0-0:5 end5', '2 Sub L3 3:0-3:3 end5']);
      assert.deepEqual(headingsOf('Multi\nline\n==='), ['1 Multi line L0 0:0-1:4 end2']);
    });
    it('keeps duplicate headings in order (the first match wins at resolution)', () => {
      assert.deepEqual(headingsOf('## A\n## A'), ['2 A L0 0:3-0:4 end0', '2 A L1 1:3-1:4 end1']);
    });
    it('ignores headings in code, HTML and comments', () => {
      assert.deepEqual(parse('```\n# not heading\n```\n%%\n# hidden\n%%\n<div>\n# html\n</div>').headings, []);
    });
    it('keeps links inside a heading live and the heading text as written', () => {
      const note = parse('## Heading `[[x]]` and [[Target]]');
      assert.deepEqual(headingsOf('## Heading `[[x]]` and [[Target]]'), ['2 Heading `[[x]]` and [[Target]] L0 0:3-0:33 end0']);
      assert.deepEqual(note.links.map(brief), [{ syntax: 'wiki', embed: false, path: 'Target', range: '0:23-0:33', pathRange: '0:25-0:31' }]);
    });
  });

  describe('R4.6 block link syntax', () => {
    it('reads `^id` subpaths in links and embeds', () => {
      assert.deepEqual(linksOf('[[2023-01-01#^37066d]] ![[Note#^id]]'), [
        { syntax: 'wiki', embed: false, path: '2023-01-01', subpath: '^37066d', range: '0:0-0:22', pathRange: '0:2-0:12', subpathRange: '0:13-0:20' },
        { syntax: 'wiki', embed: true, path: 'Note', subpath: '^id', range: '0:23-0:36', pathRange: '0:26-0:30', subpathRange: '0:31-0:34' },
      ]);
    });
  });

  describe('R4.7 block id characters', () => {
    it('accepts Latin letters, digits and dashes, as written', () => {
      assert.deepEqual(blocksOf('a quote ^quote-of-the-day\n\npara ^UPPER-id'), ['quote-of-the-day paragraph 0-0 @0:8-0:25', 'UPPER-id paragraph 2-2 @2:5-2:14']);
    });
    it('rejects other characters and ids glued to a word', () => {
      assert.deepEqual(blocksOf('a ^bad_id'), []);
      assert.deepEqual(blocksOf('a^glued'), []);
      assert.deepEqual(blocksOf('café ^id-é'), []);
    });
    it('ignores `^id` in code and comments', () => {
      assert.deepEqual(blocksOf('para `^code`'), []);
      assert.deepEqual(blocksOf('para %%^hidden%%'), []);
    });
  });

  describe('R4.8 where `^id` may stand, and the block it names', () => {
    it('end of a paragraph’s last line → the paragraph', () => {
      assert.deepEqual(blocksOf('Para line one\nhappier place. ^37066d'), ['37066d paragraph 0-1 @1:15-1:22']);
    });
    it('the line right after a paragraph (lazy continuation) → the paragraph', () => {
      assert.deepEqual(blocksOf('Para line\n^discount-then-refund'), ['discount-then-refund paragraph 0-1 @1:0-1:21']);
    });
    it('the line right after a quote or callout → the whole quote or callout', () => {
      assert.deepEqual(blocksOf('> quote\n> more\n^sync-geo-regions'), ['sync-geo-regions quote 0-2 @2:0-2:17']);
      assert.deepEqual(blocksOf('> [!note] T\n> body\n^callout-id'), ['callout-id callout 0-2 @2:0-2:11']);
    });
    it('its own paragraph after a list → the whole list (blank line not included)', () => {
      assert.deepEqual(blocksOf('- list item 1\n- list item 2\n\n^my-list-id\n\nafter'), ['my-list-id list 0-1 @3:0-3:11']);
    });
    it('its own paragraph after a quote, a callout or a table → that block', () => {
      assert.deepEqual(blocksOf('> q1\n> q2\n\n^qid'), ['qid quote 0-1 @3:0-3:4']);
      assert.deepEqual(blocksOf('> [!info] C\n> c\n\n^cid'), ['cid callout 0-1 @3:0-3:4']);
      assert.deepEqual(blocksOf('| a | b |\n|---|---|\n| 1 | 2 |\n\n^tid'), ['tid table 0-2 @4:0-4:4']);
    });
    it('the line right after a table (a row by GFM) → the table', () => {
      assert.deepEqual(blocksOf('| a | b |\n|---|---|\n| 1 | 2 |\n^tid'), ['tid table 0-3 @3:0-3:4']);
    });
    it('its own paragraph after a paragraph → the paragraph before it', () => {
      assert.deepEqual(blocksOf('para one\nline two\n\n^pid'), ['pid paragraph 0-1 @3:0-3:4']);
    });
    it('end of a list item’s text → the list item', () => {
      assert.deepEqual(blocksOf('- GitHub: [x](https://github.com) ^github\n- other ^o2'), ['github list-item 0-0 @0:34-0:41', 'o2 list-item 1-1 @1:8-1:11']);
      assert.deepEqual(blocksOf('- a\n  - nested ^nid\n- b'), ['nid list-item 1-1 @1:11-1:15']);
    });
    it('an indented continuation line of a list item → the list item (`- Gemmy` example)', () => {
      const text = '- Gemmy\n    $$Paperclip / Pen$$\n    ^37006f';
      assert.deepEqual(blocksOf(text), ['37006f list-item 0-2 @2:4-2:11']);
      assert.deepEqual(opaqueOf(text), ['1:4-1:23']);
    });
    it('inside a nested quote → the outermost quote', () => {
      assert.deepEqual(blocksOf('> outer\n> > inner ^inner'), ['inner quote 0-1 @1:10-1:16']);
    });
    it('glued to an embed or a link: `![[image.png]]^id` (choice)', () => {
      const note = parse('![[image.png]]^version-history-image');
      assert.deepEqual(blocksOf('![[image.png]]^version-history-image'), ['version-history-image paragraph 0-0 @0:14-0:36']);
      assert.deepEqual(note.links.map(brief), [{ syntax: 'wiki', embed: true, path: 'image.png', range: '0:0-0:14', pathRange: '0:3-0:12' }]);
      assert.deepEqual(blocksOf('[x](y.md)^paren-id'), ['paren-id paragraph 0-0 @0:9-0:18']);
    });
    it('must be the last token of the block: not mid-line, not on an earlier line', () => {
      assert.deepEqual(blocksOf('x ^a\n^b'), ['b paragraph 0-1 @1:0-1:2']);
      assert.deepEqual(blocksOf('a ^id and more'), []);
      assert.deepEqual(blocksOf('| a | b |\n|---|---|\n| 1 | 2 ^cell |'), []);
    });
  });

  describe('R4.9 block ids should be unique', () => {
    it('keeps every occurrence in document order for the duplicate check', () => {
      assert.deepEqual(blocksOf('one ^dup\n\ntwo ^DUP'), ['dup paragraph 0-0 @0:4-0:8', 'DUP paragraph 2-2 @2:4-2:8']);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: embeds (R5)', () => {
  describe('R5.1 `!` + internal link', () => {
    it('marks whole-note, block and section embeds; the range includes the `!`', () => {
      assert.deepEqual(linksOf('![[Internal links]] ![[Internal links#^b15695]] ![[Internal links#Link to a heading in a note|headings]]'), [
        { syntax: 'wiki', embed: true, path: 'Internal links', range: '0:0-0:19', pathRange: '0:3-0:17' },
        { syntax: 'wiki', embed: true, path: 'Internal links', subpath: '^b15695', range: '0:20-0:47', pathRange: '0:23-0:37', subpathRange: '0:38-0:45' },
        {
          syntax: 'wiki',
          embed: true,
          path: 'Internal links',
          subpath: 'Link to a heading in a note',
          display: 'headings',
          range: '0:48-0:104',
          pathRange: '0:51-0:65',
          subpathRange: '0:66-0:93',
          displayRange: '0:94-0:102',
        },
      ]);
    });
  });

  describe('R5.2 image size', () => {
    it('keeps the size in the display slot (wiki) and in the alt text (markdown)', () => {
      assert.deepEqual(linksOf('![[Engelbart.jpg|100x145]] ![Engelbart|100x145](https://x/e.jpg)'), [
        { syntax: 'wiki', embed: true, path: 'Engelbart.jpg', display: '100x145', range: '0:0-0:26', pathRange: '0:3-0:16', displayRange: '0:17-0:24' },
        { syntax: 'markdown', embed: true, path: 'https://x/e.jpg', display: 'Engelbart|100x145', external: true, range: '0:27-0:64', pathRange: '0:48-0:63', displayRange: '0:29-0:46' },
      ]);
    });
  });

  describe('R5.3 / R5.4 fragments on attachments', () => {
    it('keeps `page=3` and `outline` as plain subpaths (resolution ignores them)', () => {
      assert.deepEqual(
        parse('![[Document.pdf#page=3]] ![[Engelbart.jpg#outline]] ![[lucide-pen-line.svg#icon]]').links.map((l) => [l.path, l.subpath]),
        [
          ['Document.pdf', 'page=3'],
          ['Engelbart.jpg', 'outline'],
          ['lucide-pen-line.svg', 'icon'],
        ],
      );
    });
  });

  describe('R5.5 audio, video, canvas, bases', () => {
    it('reads them as embeds with their extension in the path', () => {
      assert.deepEqual(
        parse('![[Excerpt from Mother of All Demos (1968).ogg]] ![[My canvas.canvas]] ![[BaseFile.base#View Name]]').links.map((l) => [l.embed, l.path, l.subpath]),
        [
          [true, 'Excerpt from Mother of All Demos (1968).ogg', undefined],
          [true, 'My canvas.canvas', undefined],
          [true, 'BaseFile.base', 'View Name'],
        ],
      );
    });
  });

  describe('R5.6 markdown-style embeds', () => {
    it('reads `![](file.pdf)` and `![alt](../images/x.png)` as embeds with an empty or given alt', () => {
      assert.deepEqual(linksOf('![](ospo_infographic.pdf) ![alt](../images/x.png)'), [
        { syntax: 'markdown', embed: true, path: 'ospo_infographic.pdf', display: '', range: '0:0-0:25', pathRange: '0:4-0:24', displayRange: '0:2-0:2' },
        { syntax: 'markdown', embed: true, path: '../images/x.png', display: 'alt', range: '0:26-0:49', pathRange: '0:33-0:48', displayRange: '0:28-0:31' },
      ]);
    });
  });

  describe('R5.7 search embeds are code', () => {
    it('indexes nothing in a ```query block, not even the tag', () => {
      const note = parse('```query\ntag:#project [[x]]\n```');
      assert.deepEqual([note.links, note.tags], [[], []]);
      assert.deepEqual(note.opaque.map(r), ['0:0-2:3']);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: markdown links (R6)', () => {
  describe('R6.1 equivalence', () => {
    it('percent-decodes the path so it reads like the wiki-link', () => {
      assert.deepEqual(linksOf('[Three laws of motion](Three%20laws%20of%20motion) [x](Three%20laws%20of%20motion.md)'), [
        { syntax: 'markdown', embed: false, path: 'Three laws of motion', display: 'Three laws of motion', range: '0:0-0:50', pathRange: '0:23-0:49', displayRange: '0:1-0:21' },
        { syntax: 'markdown', embed: false, path: 'Three laws of motion.md', display: 'x', range: '0:51-0:85', pathRange: '0:55-0:84', displayRange: '0:52-0:53' },
      ]);
    });
  });

  describe('R6.2 percent-encoding, `<…>` and balanced parentheses', () => {
    it('reads `<…>` destinations with spaces; schemes stay external', () => {
      assert.deepEqual(linksOf('[My Note](<obsidian://open?vault=MainVault&file=My Note.md>) [n](<My Note.md>)'), [
        {
          syntax: 'markdown',
          embed: false,
          path: 'obsidian://open?vault=MainVault&file=My Note.md',
          display: 'My Note',
          external: true,
          range: '0:0-0:60',
          pathRange: '0:11-0:58',
          displayRange: '0:1-0:8',
        },
        { syntax: 'markdown', embed: false, path: 'My Note.md', display: 'n', range: '0:61-0:78', pathRange: '0:66-0:76', displayRange: '0:62-0:63' },
      ]);
    });
    it('accepts balanced parentheses and brackets in the destination and the text', () => {
      const link = parse('[We!rd (name) [x]](Sub/We!rd%20(name)%20[x].md)').links[0];
      assert.deepEqual(brief(link), { syntax: 'markdown', embed: false, path: 'Sub/We!rd (name) [x].md', display: 'We!rd (name) [x]', range: '0:0-0:47', pathRange: '0:19-0:46', displayRange: '0:1-0:17' });
    });
    it('is no link with an unencoded space outside `<…>` or with unbalanced parentheses', () => {
      assert.deepEqual(pathsOf('[a](My Note.md) [b](x(y.md)'), []);
    });
    it('keeps the destination as written for diagnostics', () => {
      assert.equal(parse('[a](My%20Note.md)').links[0].destination, 'My%20Note.md');
    });
    it('reads an optional title after the destination', () => {
      assert.deepEqual(
        parse('[a](x.md "Title") [b](y.md \'T\')').links.map((l) => [l.path, r(linkRange(l)), r(linkPathRange(l))]),
        [
          ['x.md', '0:0-0:17', '0:4-0:8'],
          ['y.md', '0:18-0:31', '0:22-0:26'],
        ],
      );
    });
  });

  describe('R6.3 destinations are linkpaths, kept as written for vault-wide lookup', () => {
    it('does not make `Sub/My%20Note.md` relative to the source', () => {
      assert.deepEqual(
        parse('[z](Sub/My%20Note.md) [r](../x/y.md)', 'Sub/Src.md').links.map((l) => l.path),
        ['Sub/My Note.md', '../x/y.md'],
      );
    });
  });

  describe('R6.4 fragments', () => {
    it('decodes heading fragments and reads `#^id`; `(#x)` is the same note', () => {
      assert.deepEqual(linksOf('[x](Example.md#Details) [T](#Test%20Heading%20With%20Spaces) [b](#^id)'), [
        { syntax: 'markdown', embed: false, path: 'Example.md', subpath: 'Details', display: 'x', range: '0:0-0:23', pathRange: '0:4-0:14', subpathRange: '0:15-0:22', displayRange: '0:1-0:2' },
        { syntax: 'markdown', embed: false, path: '', subpath: 'Test Heading With Spaces', display: 'T', range: '0:24-0:60', pathRange: '0:28-0:28', subpathRange: '0:29-0:59', displayRange: '0:25-0:26' },
        { syntax: 'markdown', embed: false, path: '', subpath: '^id', display: 'b', range: '0:61-0:70', pathRange: '0:65-0:65', subpathRange: '0:66-0:69', displayRange: '0:62-0:63' },
      ]);
    });
  });

  describe('R6.5 what is external', () => {
    it('marks schemes external and keeps a scheme-less domain an internal path', () => {
      const note = parse('[a](https://x) [b](mailto:a@b.c) [c](obsidian://open?vault=x) [d](github.com/github/github-ospo)');
      assert.deepEqual(
        note.links.map((l) => [l.path, l.external === true]),
        [
          ['https://x', true],
          ['mailto:a@b.c', true],
          ['obsidian://open?vault=x', true],
          ['github.com/github/github-ospo', false],
        ],
      );
      assert.equal(r(linkPathRange(note.links[3])), '0:66-0:95');
    });
  });

  describe('R6.7 reference definitions', () => {
    it('reads `[label]: dest "title"`, `<…>` destinations and fragments', () => {
      assert.deepEqual(linksOf('[label]: path.md "title"\n\n[label]'), [
        { syntax: 'definition', embed: false, path: 'path.md', display: 'label', range: '0:0-0:24', pathRange: '0:9-0:16', displayRange: '0:1-0:6' },
      ]);
      assert.deepEqual(linksOf("[ref]: <My Note.md>\n[r2]: ../x.md#Head 'T'"), [
        { syntax: 'definition', embed: false, path: 'My Note.md', display: 'ref', range: '0:0-0:19', pathRange: '0:8-0:18', displayRange: '0:1-0:4' },
        { syntax: 'definition', embed: false, path: '../x.md', subpath: 'Head', display: 'r2', range: '1:0-1:22', pathRange: '1:6-1:13', subpathRange: '1:14-1:18', displayRange: '1:1-1:3' },
      ]);
    });
    it('reads definitions inside quotes, never in code or after paragraph text, and never footnotes', () => {
      assert.deepEqual(pathsOf('> [ref]: q.md'), ['q.md']);
      assert.deepEqual(pathsOf('    [ref]: code.md'), []);
      assert.deepEqual(pathsOf('para\n[notref]: x.md'), []);
      assert.deepEqual(pathsOf('[^fn]: not a def'), []);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: frontmatter (R7)', () => {
  describe('R7.1 format and types', () => {
    it('parses text, number, checkbox and date values; keys with their ranges', () => {
      const fm = parse('---\ntitle: T\nn: 3\nb: true\ndate: 2020-08-21\n---\n').frontmatter!;
      assert.equal(r(fm.range), '0:0-5:3');
      assert.deepEqual(
        fm.keys.map((k) => [k.key, r(k.range)]),
        [
          ['title', '1:0-1:5'],
          ['n', '2:0-2:1'],
          ['b', '3:0-3:1'],
          ['date', '4:0-4:4'],
        ],
      );
      assert.equal(fm.data!.title, 'T');
      assert.equal(fm.data!.n, 3);
      assert.equal(fm.data!.b, true);
      // YAML 1.2's core schema has no timestamps: a date is the text typed (js-yaml made a Date of it).
      assert.equal(fm.data!.date, '2020-08-21');
      assert.equal(fm.error, undefined);
    });
    it('degrades gracefully on invalid YAML: the error at its file position, the body still parsed', () => {
      const note = parse('---\naliases:\n- @name\n---\n[[x]]');
      assert.equal(note.frontmatter!.data, undefined);
      assert.deepEqual(note.aliases, []);
      assert.equal(r(note.frontmatter!.error!.range), '2:2-2:7');
      assert.equal(note.frontmatter!.error!.message, 'Invalid YAML in frontmatter: Plain value cannot start with reserved character @ (line 3, column 3).');
      assert.deepEqual(note.links.map(brief), [{ syntax: 'wiki', embed: false, path: 'x', range: '4:0-4:5', pathRange: '4:2-4:3' }]);
    });
    it('reports duplicated names on the line of the second one', () => {
      const fm = parse('---\na: 1\na: 2\nb: 3\nc: 4\n---').frontmatter!;
      assert.equal(fm.error!.message, 'Invalid YAML in frontmatter: Map keys must be unique (line 3, column 1).');
      assert.equal(r(fm.error!.range), '2:0-2:4');
    });
    it('reports an error in the middle of the block on its own line, not the next one', () => {
      const fm = parse('---\naliases:\n- @name\nb: 3\nc: 4\n---').frontmatter!;
      assert.equal(fm.error!.message, 'Invalid YAML in frontmatter: Plain value cannot start with reserved character @ (line 3, column 3).');
      assert.equal(r(fm.error!.range), '2:2-2:7');
    });
    it('reports an unclosed flow list at its bracket, not at the closing `---` where the parser gave up', () => {
      const fm = parse('---\ntitle: [unclosed\n---\nbody').frontmatter!;
      assert.equal(fm.error!.message, "Invalid YAML in frontmatter: this list is never closed: ']' is missing (line 2, column 8).");
      assert.equal(r(fm.error!.range), '1:7-1:16');
    });
    it('reports a frontmatter that is not a mapping', () => {
      const fm = parse('---\n- a\n- b\n---').frontmatter!;
      assert.equal(fm.error!.message, 'Frontmatter is not a list of properties (`name: value` lines).');
      assert.equal(r(fm.error!.range), '1:0-2:3');
    });
    it('accepts an empty block', () => {
      assert.deepEqual(parse('---\n---\nbody').frontmatter!.data, {});
    });
  });

  describe('R7.2 default properties', () => {
    it('reads aliases, cssclasses and tags lists', () => {
      const note = parse('---\naliases:\n  - Doggo\ncssclasses:\n  - red-border\ntags: [a, b/c]\n---\nbody');
      assert.deepEqual(note.aliases, ['Doggo']);
      assert.deepEqual(note.frontmatter!.data, { aliases: ['Doggo'], cssclasses: ['red-border'], tags: ['a', 'b/c'] });
      assert.deepEqual(
        note.tags.map((t) => [t.name, r(t.range), t.inFrontmatter]),
        [
          ['a', '5:7-5:8', true],
          ['b/c', '5:10-5:13', true],
        ],
      );
    });
    it('takes a string `title` as the note title, trimmed', () => {
      assert.equal(parse('---\ntitle: "  Big Title "\n---').title, 'Big Title');
      // The text as typed: a title that YAML reads as a number or a date is still the title the user wrote.
      assert.equal(parse('---\ntitle: 5\n---').title, '5');
      assert.equal(parse('---\ntitle: 2024-01-15\n---').title, '2024-01-15');
      assert.equal(parse('---\ntitle:\n---').title, undefined);
    });
  });

  describe('R7.3 deprecated singular keys', () => {
    it('reads `alias` and a comma-separated `tag`', () => {
      const note = parse('---\nalias: My Note Title\ntag: project, important\n---');
      assert.deepEqual(note.aliases, ['My Note Title']);
      assert.deepEqual(
        note.tags.map((t) => [t.name, r(t.range)]),
        [
          ['project', '2:5-2:12'],
          ['important', '2:14-2:23'],
        ],
      );
    });
  });

  describe('R7.4 aliases as a list (a scalar is read as one alias)', () => {
    it('reads `aliases: "Component"` as one alias', () => {
      assert.deepEqual(parse('---\naliases: "Component"\n---').aliases, ['Component']);
      assert.deepEqual(parse('---\naliases:\n  - A\n  - 3\n  - ""\n---').aliases, ['A', '3']);
    });
  });

  describe('R7.5 links in properties must be quoted', () => {
    it('indexes quoted links and embeds, not an unquoted `[[x]]`', () => {
      const note = parse('---\nlink: "[[Episode IV]]"\nlist:\n  - "[[Link]]"\n  - \'![[Img.png]]\'\nbad: [[Unquoted]]\n---');
      assert.deepEqual(note.links.map(brief), [
        { syntax: 'wiki', embed: false, path: 'Episode IV', range: '1:7-1:21', pathRange: '1:9-1:19' },
        { syntax: 'wiki', embed: false, path: 'Link', range: '3:5-3:13', pathRange: '3:7-3:11' },
        { syntax: 'wiki', embed: true, path: 'Img.png', range: '4:5-4:17', pathRange: '4:8-4:15' },
      ]);
      assert.deepEqual(note.frontmatter!.data!.bad, [['Unquoted']]);
    });
  });

  describe('R7.6 tags property', () => {
    it('reads names without `#`; `tags: #foo` is a YAML comment', () => {
      assert.deepEqual(parse('---\ntags: #foo\n---').tags, []);
      assert.deepEqual(
        parse('---\ntags:\n  - meeting\n  - "#hashed"\n---').tags.map((t) => [t.name, r(t.range)]),
        [
          ['meeting', '2:4-2:11'],
          ['hashed', '3:6-3:12'],
        ],
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: tags (R8)', () => {
  const line = '#meeting #inbox/to-read #1984 #y1984 #TAG #tag/ a#b [[Note#Heading]] http://x.org/#frag #émoji😀 #a.b';
  describe('R8.1 syntax', () => {
    it('reads `#meeting` and nested `#inbox/to-read` with their ranges', () => {
      assert.deepEqual(
        parse('#meeting #inbox/to-read').tags.map((t) => [t.name, r(t.range), t.inFrontmatter]),
        [
          ['meeting', '0:0-0:8', false],
          ['inbox/to-read', '0:9-0:23', false],
        ],
      );
    });
  });
  describe('R8.2 allowed characters (choice: ASCII punctuation but `_ - /` ends a tag)', () => {
    it('keeps letters, digits, `_`, `-`, `/` and emoji; stops at other punctuation', () => {
      assert.deepEqual(tagsOf('#a_b-c/d #émoji😀 #a.b #x,y #q?'), ['a_b-c/d', 'émoji😀', 'a', 'x', 'q']);
    });
    it('stops at general punctuation U+2000–206F', () => {
      assert.deepEqual(tagsOf('#word\u2014dash'), ['word']);
    });
  });
  describe('R8.3 at least one non-digit', () => {
    it('rejects `#1984`, accepts `#y1984`', () => {
      assert.deepEqual(tagsOf('#1984 #y1984 #2024/05'), ['y1984']);
    });
  });
  describe('R8.4 case is kept as written (comparisons fold it)', () => {
    it('reads `#TAG` as `TAG`', () => {
      assert.deepEqual(tagsOf('#TAG #tag'), ['TAG', 'tag']);
    });
  });
  describe('R8.5 hierarchy', () => {
    it('keeps the full path and drops a trailing `/` (choice)', () => {
      assert.deepEqual(parse('#inbox/to-read #tag/').tags.map((t) => [t.name, r(t.range)]), [
        ['inbox/to-read', '0:0-0:14'],
        ['tag', '0:15-0:19'],
      ]);
    });
  });
  describe('R8.6 boundaries', () => {
    it('needs a line start or whitespace before `#`: not `a#b`, URL fragments or link subpaths', () => {
      assert.deepEqual(tagsOf(line), ['meeting', 'inbox/to-read', 'y1984', 'TAG', 'tag', 'émoji😀', 'a']);
    });
    it('finds none in code, comments, math or after an escape', () => {
      assert.deepEqual(parse('`#code` %%#c%% $#m$ \\#esc #ok').tags.map((t) => [t.name, r(t.range)]), [['ok', '0:26-0:29']]);
    });
    it('is not a heading marker: `# Heading` is no tag', () => {
      assert.deepEqual(tagsOf('# Heading'), []);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: callouts (R9)', () => {
  describe('R9.1 syntax', () => {
    it('reads type, title, lines and depth', () => {
      assert.deepEqual(parse('> [!info] Optional title\n> body').callouts, [{ type: 'info', fold: '', title: 'Optional title', line: 0, endLine: 1, depth: 1 }]);
    });
    it('is not a callout when `[!type]` is not on the quote’s first line', () => {
      assert.deepEqual(parse('> text\n> [!info] late').callouts, []);
      assert.deepEqual(parse('[!info] not quoted').callouts, []);
    });
  });
  describe('R9.2 folding', () => {
    it('reads `-` and `+` right after `]`', () => {
      assert.deepEqual(parse('> [!faq]- Are callouts foldable?\n> x').callouts, [{ type: 'faq', fold: '-', title: 'Are callouts foldable?', line: 0, endLine: 1, depth: 1 }]);
      assert.deepEqual(parse('> [!tip]+\n> x').callouts, [{ type: 'tip', fold: '+', title: '', line: 0, endLine: 1, depth: 1 }]);
    });
  });
  describe('R9.3 title', () => {
    it('is empty when absent (the renderer shows the type)', () => {
      assert.deepEqual(parse('> [!NOTE]').callouts, [{ type: 'NOTE', fold: '', title: '', line: 0, endLine: 0, depth: 1 }]);
    });
  });
  describe('R9.4 types', () => {
    it('keeps the type as written, custom types included', () => {
      assert.deepEqual(
        parse('> [!custom-question-type] T\n\n> [!WARNING] W').callouts.map((c) => c.type),
        ['custom-question-type', 'WARNING'],
      );
    });
  });
  describe('R9.5 nesting', () => {
    it('reads `> > [!todo]` at depth 2', () => {
      assert.deepEqual(parse('> > [!todo] nested\n> > x').callouts, [{ type: 'todo', fold: '', title: 'nested', line: 0, endLine: 1, depth: 2 }]);
      assert.deepEqual(parse('> [!note] outer\n> > [!todo] inner\n> > x').callouts, [
        { type: 'note', fold: '', title: 'outer', line: 0, endLine: 2, depth: 1 },
        { type: 'todo', fold: '', title: 'inner', line: 1, endLine: 2, depth: 2 },
      ]);
    });
  });
  describe('R9.6 content is normal markdown', () => {
    it('indexes links and embeds inside a callout', () => {
      assert.deepEqual(linksOf('> [!info] Optional title\n> body [[Live]] ![[Engelbart.jpg]]'), [
        { syntax: 'wiki', embed: false, path: 'Live', range: '1:7-1:15', pathRange: '1:9-1:13' },
        { syntax: 'wiki', embed: true, path: 'Engelbart.jpg', range: '1:16-1:34', pathRange: '1:19-1:32' },
      ]);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: other inline syntax (R10)', () => {
  describe('R10.1 highlight', () => {
    it('keeps links inside `==…==` and `~~…~~` live', () => {
      assert.deepEqual(pathsOf('==Highlighted [[x]]== ~~strike [[y]]~~'), ['x', 'y']);
      assert.deepEqual(opaqueOf('==Highlighted [[x]]== ~~strike [[y]]~~'), []);
    });
  });
  describe('R10.3 footnotes are neither block ids nor links', () => {
    it('reads nothing from `[^1]`, `[^note]`, `^[inline]` and `[^1]:`', () => {
      const note = parse('text[^1] and [^note] and ^[inline note]\n\n[^1]: the note\n[^note]: named');
      assert.deepEqual([note.links, note.blockIds, note.tags], [[], [], []]);
    });
    it('does not take a footnote reference at a line end for a block id', () => {
      assert.deepEqual(blocksOf('text [^1]'), []);
      assert.deepEqual(blocksOf('see ^[inline]'), []);
    });
  });
  describe('R10.4 tasks', () => {
    it('keeps links in task items live', () => {
      assert.deepEqual(pathsOf('- [ ] task [[t1]]\n- [x] done [[t2]]'), ['t1', 't2']);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('parser: positions and line endings', () => {
  it('counts UTF-16 code units: an emoji before a link takes two', () => {
    const note = parse('😀 [[Link]] and [t](x.md) 🎉 #tag');
    assert.deepEqual(note.links.map(brief), [
      { syntax: 'wiki', embed: false, path: 'Link', range: '0:3-0:11', pathRange: '0:5-0:9' },
      { syntax: 'markdown', embed: false, path: 'x.md', display: 't', range: '0:16-0:25', pathRange: '0:20-0:24', displayRange: '0:17-0:18' },
    ]);
    assert.deepEqual(note.tags.map((t) => r(t.range)), ['0:29-0:33']);
  });
  it('reads CRLF files with the same positions as LF files', () => {
    const crlf = 'a\r\n[[x]]\r\n## H\r\n\r\n[[y#H]] ^bid\r\n';
    const lf = crlf.replace(/\r\n/g, '\n');
    const a = parse(crlf);
    const b = parse(lf);
    assert.deepEqual(a.links.map(brief), [
      { syntax: 'wiki', embed: false, path: 'x', range: '1:0-1:5', pathRange: '1:2-1:3' },
      { syntax: 'wiki', embed: false, path: 'y', subpath: 'H', range: '4:0-4:7', pathRange: '4:2-4:3', subpathRange: '4:4-4:5' },
    ]);
    assert.deepEqual(headingsOf(crlf), ['2 H L2 2:3-2:4 end5']);
    assert.deepEqual(blocksOf(crlf), ['bid paragraph 4-4 @4:8-4:12']);
    assert.equal(a.lineCount, 6);
    assert.deepEqual({ ...a, path: '' }, { ...b, path: '' });
  });
  it('reads CRLF frontmatter', () => {
    const note = parse('---\r\ntitle: T\r\n---\r\n[[z]]');
    assert.equal(note.title, 'T');
    assert.equal(r(note.frontmatter!.range), '0:0-2:3');
    assert.deepEqual(note.links.map((l) => [l.path, r(linkRange(l))]), [['z', '3:0-3:5']]);
    const bad = parse('---\r\ntitle: T\r\nk: [a\r\nb: 1\r\n---\r\n').frontmatter!;
    assert.equal(r(bad.error!.range), '2:3-2:5');
    assert.equal(bad.error!.message, "Invalid YAML in frontmatter: this list is never closed: ']' is missing (line 3, column 4).");
  });
  it('counts a trailing newline as a last, empty line', () => {
    assert.equal(parse('a\n').lineCount, 2);
    assert.equal(parse('a').lineCount, 1);
    assert.equal(parse('').lineCount, 1);
  });
});

describe('parser: templates', () => {
  it('marks only links whose own text holds a Templater tag as placeholders', () => {
    const placeholders = (text: string): Array<[string, boolean]> => parse(text).links.map((l) => [l.path, l.placeholder === true]);
    assert.deepEqual(placeholders('<% tp.file.title %>\n[[x]]'), [['x', false]]);
    assert.deepEqual(placeholders('[[<% tp.date.now("YYYY") %>]] [[y]]'), [['<% tp.date.now("YYYY") %>', true], ['y', false]]);
    assert.deepEqual(placeholders('![<%* tR += caption %>](gone.png) [z](z.md)'), [['gone.png', true], ['z.md', false]]);
    assert.deepEqual(placeholders('[[Note#<%tp.file.title%>|x]]'), [['Note', true]]);
    assert.deepEqual(placeholders('a < b and [[c % d > e]]'), [['c % d > e', false]]);
  });

  it("marks links holding a core Templates tag as placeholders, and only those", () => {
    const placeholders = (text: string): Array<[string, boolean]> => parse(text).links.map((l) => [l.path, l.placeholder === true]);
    assert.deepEqual(placeholders('[[{{date}}]] [[{{Date:YYYY-MM}}|month]] [[Log {{title}}]] [[x]]'), [['{{date}}', true], ['{{Date:YYYY-MM}}', true], ['Log {{title}}', true], ['x', false]]);
    assert.deepEqual(placeholders('{{date}} [[y]]'), [['y', false]], 'a tag outside the link leaves it checked');
    assert.deepEqual(placeholders('[[{{ date }}]] [[{{author}}]]'), [['{{ date }}', false], ['{{author}}', false]], 'what the plugin does not expand is a name');
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("parser: the user's OSPO note", () => {
  const fixture = path.join(REPO, 'test/fixtures/ospo-note/OSPO.md');
  const text = fs.readFileSync(fixture, 'utf8');
  const lines = text.split('\n');
  const note = parseNote('public/tech/OSPO.md', text);

  it('is the note of the sample vault, byte for byte', () => {
    assert.equal(fs.readFileSync(path.join(REPO, 'examples/ospo-vault/public/tech/OSPO.md'), 'utf8'), text);
    assert.equal(note.lineCount, 54);
  });

  it('reads the frontmatter keys and values', () => {
    const fm = note.frontmatter!;
    assert.equal(r(fm.range), '0:0-4:3');
    assert.deepEqual(
      fm.keys.map((k) => [k.key, r(k.range)]),
      [
        ['title', '1:0-1:5'],
        ['acronym', '2:0-2:7'],
        ['visibility', '3:0-3:10'],
      ],
    );
    assert.deepEqual(fm.data, { title: 'Open Source Program Office (OSPO)', acronym: 'OSPO', visibility: 'public' });
    assert.equal(fm.error, undefined);
    assert.equal(note.title, 'Open Source Program Office (OSPO)');
    assert.deepEqual(note.aliases, []);
  });

  it('reads the collapsed callout', () => {
    assert.deepEqual(note.callouts, [{ type: 'info', fold: '-', title: 'OSPO infographic', line: 5, endLine: 6, depth: 1 }]);
  });

  it('reads the five headings with their lines and sections', () => {
    assert.deepEqual(
      note.headings.map((h) => [h.level, h.text, h.line, r(h.textRange), h.sectionEndLine]),
      [
        [2, 'Organisations', 9, '9:3-9:16', 17],
        [2, 'People', 18, '18:3-18:9', 22],
        [2, 'Events', 23, '23:3-23:9', 28],
        [2, 'Compliance', 29, '29:3-29:13', 33],
        [2, 'References', 34, '34:3-34:13', 53],
      ],
    );
  });

  it('has no tags, no block ids, no opaque text and no read problems; no placeholder links', () => {
    assert.deepEqual([note.tags, note.blockIds, note.opaque, note.readProblems], [[], [], [], []]);
    assert.ok(note.links.every((l) => l.placeholder === undefined));
  });

  const md = (pathText: string, display: string, range: string, pathRange: string, displayRange: string, external = true): BriefLink => {
    const b: BriefLink = { syntax: 'markdown', embed: false, path: pathText, display, range, pathRange, displayRange };
    if (external) b.external = true;
    return b;
  };
  const expected: BriefLink[] = [
    { syntax: 'markdown', embed: true, path: 'ospo_infographic.pdf', display: '', range: '6:2-6:27', pathRange: '6:6-6:26', displayRange: '6:4-6:4' },
    {
      syntax: 'wiki',
      embed: false,
      path: 'public/tech/OpenSource',
      subpath: 'Organisations',
      display: 'OpenSource: Organisations',
      range: '11:9-11:75',
      pathRange: '11:11-11:33',
      subpathRange: '11:34-11:47',
      displayRange: '11:48-11:73',
    },
    { syntax: 'wiki', embed: false, path: 'WHO', subpath: 'OSPO', range: '13:2-13:14', pathRange: '13:4-13:7', subpathRange: '13:8-13:12' },
    { syntax: 'wiki', embed: false, path: 'Github', range: '14:2-14:12', pathRange: '14:4-14:10' },
    { syntax: 'wiki', embed: false, path: 'CERN', range: '15:2-15:10', pathRange: '15:4-15:8' },
    { syntax: 'wiki', embed: false, path: 'Samuel Mbuthia', range: '20:2-20:20', pathRange: '20:4-20:18' },
    { syntax: 'wiki', embed: false, path: 'OSPO', range: '20:36-20:44', pathRange: '20:38-20:42' },
    { syntax: 'wiki', embed: false, path: '2023-11-28', range: '25:2-25:16', pathRange: '25:4-25:14' },
    md('https://indico.cern.ch/event/1327562/timetable/?view=standard', 'CERN OSPO Inaugural Event', '25:18-25:108', '25:46-25:107', '25:19-25:44'),
    { syntax: 'wiki', embed: true, path: 'OpenSource', subpath: '^1a1526', range: '31:0-31:23', pathRange: '31:3-31:13', subpathRange: '31:14-31:21' },
    md('https://ospoplusplus.org/', 'OSPO++', '37:6-37:41', '37:15-37:40', '37:7-37:13'),
    md('https://todogroup.org/', 'TODO group', '38:6-38:42', '38:19-38:41', '38:7-38:17'),
    md('https://ospomindmap.todogroup.org/', 'Mindmap', '39:10-39:55', '39:20-39:54', '39:11-39:18'),
    md('https://github.com/todogroup/ospodefinition.org', 'OSPO definition @GH', '40:10-40:80', '40:32-40:79', '40:11-40:30'),
    md('https://github.com/todogroup/ospology', 'OSPOlogy @GH', '41:10-41:63', '41:25-41:62', '41:11-41:23'),
    md('https://todogroup.org/resources/training/', 'Training', '42:10-42:63', '42:21-42:62', '42:11-42:19'),
    md('https://todogroup.org/resources/guides/', 'Guides and resources', '43:10-43:73', '43:33-43:72', '43:11-43:31'),
    md('https://ospo-alliance.org/', 'OSPO Alliance', '44:6-44:49', '44:22-44:48', '44:7-44:20'),
    md(
      'https://ospo-alliance.org/resources/onramp_20220318/20220318_OSPO_OnRamp_Establishing_metrics_OSPO_first_steps.pdf',
      'presentation Establishing OSPO Metrics',
      '45:10-45:166',
      '45:51-45:165',
      '45:11-45:49',
    ),
    md(
      'https://www.linuxfoundation.org/research/a-deep-dive-into-open-source-program-offices',
      'A Deep Dive into Open Source Program Offices: Structure, Roles, Responsibilities, and Challenges',
      '47:10-47:195',
      '47:109-47:194',
      '47:11-47:107',
    ),
    md('https://github.com/community/OSPO', 'OSPO community @GitHub', '49:10-49:69', '49:35-49:68', '49:11-49:33'),
    md('github.com/github/github-ospo', 'github-ospo', '50:10-50:54', '50:24-50:53', '50:11-50:22', false),
    md('https://github.blog/2023-03-13-an-open-source-project-to-empower-ospos-everywhere/', 'Blog post', '51:10-51:105', '51:22-51:104', '51:11-51:20'),
    md('https://opensource.com/article/20/5/open-source-program-office', 'RedHat article: guide to setting up your OSPO', '52:2-52:113', '52:50-52:112', '52:3-52:48'),
    md('https://github.com/todogroup/awesome-ospo', 'awesome-ospo @GH', '53:2-53:63', '53:21-53:62', '53:3-53:19'),
  ];

  it('reads every link with its exact ranges', () => {
    assert.deepEqual(note.links.map(brief), expected);
  });

  it('has ranges that cover exactly the written text', () => {
    for (const l of note.links) {
      const whole = textAt(lines, linkRange(l));
      assert.ok(whole.startsWith(l.embed ? '!' : '['), whole);
      assert.ok(whole.endsWith(l.syntax === 'wiki' ? ']]' : ')'), whole);
      assert.equal(textAt(lines, linkPathRange(l)), l.path === '' ? '' : l.destination ?? l.path);
      const subpathRange = linkSubpathRange(l);
      const displayRange = linkDisplayRange(l);
      if (subpathRange) assert.equal(textAt(lines, subpathRange), l.subpath);
      if (displayRange) assert.equal(textAt(lines, displayRange), l.display);
    }
  });

  it('keeps the nested list under `- organisations` live, and `github.com/…` internal', () => {
    const nested = note.links.filter((l) => linkRange(l).start.line >= 37 && linkRange(l).start.line <= 51);
    assert.equal(nested.length, 13);
    const github = note.links.find((l) => l.display === 'github-ospo')!;
    assert.equal(github.external, undefined);
    assert.equal(github.path, 'github.com/github/github-ospo');
    assert.equal(github.destination, 'github.com/github/github-ospo');
  });
});
