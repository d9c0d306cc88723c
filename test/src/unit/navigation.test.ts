import * as assert from 'node:assert/strict';
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type MarkupContent } from 'vscode-languageserver-types';
import {
  excerpt,
  type FeatureContext,
  fuzzyScore,
  linkAt,
  openFence,
  parseNote,
  type Position,
  provideDefinition,
  provideDocumentLinks,
  provideDocumentSymbols,
  provideFoldingRanges,
  provideHover,
  provideReferences,
  provideWorkspaceSymbols,
  type Range,
  RequestCancelledError,
  VaultIndex,
} from '@ospo-notes/engine';

// ---------------------------------------------------------------------------------------------------------------
// An in-memory vault. Line numbers are given in the comments because every assertion below depends on them.

const HOME = [
  '---', // 0
  'title: Home Page', // 1
  'tags: [Project, area/work]', // 2
  'aliases:', // 3
  '  - Start', // 4
  '---', // 5
  '# Home', // 6
  '', // 7
  'Intro line one.', // 8
  'See [[Notes/Target#Second Section|the second]] and [[Target#^para1]].', // 9
  'Image ![[pic.png]] and [doc](My%20Doc.md) and [[report.pdf]].', // 10
  'Missing [[Nowhere]] and alias [[TargetAlias]] and [[Target#Nope]].', // 11
  'Tagged #project and #area/work and #area here.', // 12
  '', // 13
].join('\n');

const TARGET = [
  '---', // 0
  'aliases: [TargetAlias]', // 1
  '---', // 2
  '# Target', // 3
  '', // 4
  'Opening paragraph of target.', // 5
  '', // 6
  '## First Section', // 7
  '', // 8
  'A paragraph with an id. ^para1', // 9
  '', // 10
  '## Second Section', // 11
  '', // 12
  'Second body line.', // 13
  '```js', // 14
  'const x = 1;', // 15
  '```', // 16
  '', // 17
  '> [!note]- Folded', // 18
  '> inside callout', // 19
  '', // 20
  '### Deep', // 21
  '', // 22
  'deep text #PROJECT', // 23
  '', // 24
].join('\n');

const OTHER = [
  'Links: [[Target]] and [[Target#Second Section]] and [[Notes/Target#^para1]].', // 0
  'Markdown: [first](Notes/Target.md#First%20Section) and [[nowhere]].', // 1
  'Tags: #Project #project/sub', // 2
  '', // 3
  '[ref]: Notes/Target.md', // 4
  '', // 5
].join('\n');

const DOC = ['# My Doc', '', 'Doc body.', ''].join('\n');

const FILES: Array<[string, string]> = [
  ['Home.md', HOME],
  ['Notes/Target.md', TARGET],
  ['Other.md', OTHER],
  ['My Doc.md', DOC],
];
const ATTACHMENTS = ['pic.png', 'files/report.pdf'];

function makeVault(files: Array<[string, string]> = FILES, attachments: string[] = ATTACHMENTS): FeatureContext {
  const texts = new Map(files);
  const index = new VaultIndex();
  index.load(
    files.map(([p, t]) => parseNote(p, t)),
    attachments,
  );
  return { index, getText: (p) => texts.get(p) };
}

const toUri = (p: string): string => `file:///vault/${p.split('/').map(encodeURIComponent).join('/')}`;

function at(line: number, character: number): Position {
  return { line, character };
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

/** The column of `needle` on a line of `text` (plus `offset`), so positions follow the fixture text. */
function col(text: string, line: number, needle: string, offset = 0): number {
  const c = text.split('\n')[line].indexOf(needle);
  assert.ok(c >= 0, `'${needle}' not on line ${line}`);
  return c + offset;
}

function hoverText(ctx: FeatureContext, path: string, p: Position, opts: { maxLines?: number; maxChars?: number } = {}): string | undefined {
  const h = provideHover(ctx, path, p, { toUri, ...opts });
  return h === undefined ? undefined : (h.contents as MarkupContent).value;
}

const ZERO = r(0, 0, 0, 0);

// ---------------------------------------------------------------------------------------------------------------

describe('navigation: definition', () => {
  const ctx = makeVault();

  it('linkAt finds the link under the cursor, and right after its end', () => {
    const note = ctx.index.note('Home.md')!;
    const inside = linkAt(note, at(9, col(HOME, 9, 'Second')));
    assert.equal(inside?.index, 0);
    assert.equal(inside?.link.subpath, 'Second Section');
    const end = col(HOME, 9, '|the second]]', 13);
    assert.equal(linkAt(note, at(9, end))?.index, 0, 'right after `]]`');
    assert.equal(linkAt(note, at(8, 3)), undefined);
  });

  it('goes to the heading line from the path, the subpath and the alias part of a link', () => {
    const expected = [{ path: 'Notes/Target.md', range: r(11, 0, 11, 17) }];
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(9, col(HOME, 9, 'Notes/'))), expected);
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(9, col(HOME, 9, 'Section'))), expected);
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(9, col(HOME, 9, 'the second'))), expected);
  });

  it("goes to a block's lines", () => {
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(9, col(HOME, 9, '^para1'))), [{ path: 'Notes/Target.md', range: r(9, 0, 9, 30) }]);
  });

  it('follows a markdown link with %20 and a markdown heading fragment', () => {
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(10, col(HOME, 10, 'My%20'))), [{ path: 'My Doc.md', range: ZERO }]);
    assert.deepEqual(provideDefinition(ctx, 'Other.md', at(1, col(OTHER, 1, 'First%20'))), [{ path: 'Notes/Target.md', range: r(7, 0, 7, 16) }]);
  });

  it('follows attachments, embeds and reference definitions', () => {
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(10, col(HOME, 10, 'report'))), [{ path: 'files/report.pdf', range: ZERO }]);
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(10, col(HOME, 10, '![['))), [{ path: 'pic.png', range: ZERO }]);
    assert.deepEqual(provideDefinition(ctx, 'Other.md', at(4, col(OTHER, 4, 'Target'))), [{ path: 'Notes/Target.md', range: ZERO }]);
  });

  it('goes to the note when only its heading is missing, nowhere when the file is missing', () => {
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(11, col(HOME, 11, 'Nope'))), [{ path: 'Notes/Target.md', range: ZERO }]);
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(11, col(HOME, 11, 'Nowhere'))), []);
    assert.deepEqual(provideDefinition(ctx, 'Home.md', at(8, 2)), []);
    assert.deepEqual(provideDefinition(ctx, 'Missing.md', at(0, 0)), []);
  });
});

describe('navigation: hover', () => {
  const ctx = makeVault();

  it("previews a note's opening without its frontmatter, under its vault path", () => {
    const text = hoverText(ctx, 'Other.md', at(0, col(OTHER, 0, '[[Target]]', 3)));
    // Lines 3..22 of the target are 20 lines; the trailing blank line 22 is dropped and the cut is marked.
    const body = TARGET.split('\n').slice(3, 22).join('\n').replace(' ^para1', '');
    assert.equal(text, `\`Notes/Target.md\`\n\n---\n\n${body}\n\n…`);
  });

  it('the hover range is the whole link', () => {
    const h = provideHover(ctx, 'Other.md', at(0, 9), { toUri });
    assert.deepEqual(h?.range, r(0, 7, 0, 17));
  });

  it("previews a heading's section and a block's lines, without block id markers", () => {
    assert.equal(
      hoverText(ctx, 'Other.md', at(1, col(OTHER, 1, 'First'))),
      '`Notes/Target.md` › First Section\n\n---\n\n## First Section\n\nA paragraph with an id.',
    );
    assert.equal(hoverText(ctx, 'Home.md', at(9, col(HOME, 9, '^para1'))), '`Notes/Target.md` › ^para1\n\n---\n\nA paragraph with an id.');
  });

  it('closes a code fence that the cut left open', () => {
    const text = hoverText(ctx, 'Other.md', at(0, 9), { maxLines: 12 });
    const body = TARGET.split('\n').slice(3, 15).join('\n').replace(' ^para1', '');
    assert.ok(body.endsWith('```js'));
    assert.equal(text, `\`Notes/Target.md\`\n\n---\n\n${body}\n\`\`\`\n\n…`);
  });

  it('cuts at a line boundary by characters, and inside a line only when one line is too long', () => {
    const note = parseNote('x.md', 'aaaa\nbbbb\ncccc');
    const lines = ['aaaa', 'bbbb', 'cccc'];
    assert.equal(excerpt(lines, 0, 2, note, 20, 8), 'aaaa\n\n…');
    assert.equal(excerpt(lines, 0, 2, note, 20, 9), 'aaaa\nbbbb\n\n…');
    assert.equal(excerpt(lines, 0, 2, note, 20, 3), 'aaa\n\n…');
    assert.equal(excerpt(lines, 0, 2, note, 20, 1500), 'aaaa\nbbbb\ncccc');
  });

  it('openFence follows CommonMark fence rules, inside quotes too', () => {
    assert.equal(openFence(['````md', '```', 'x']), '````');
    assert.equal(openFence(['~~~', 'x', '~~~~']), undefined);
    assert.equal(openFence(['> ```js', '> x']), '> ```');
    assert.equal(openFence(['``` not `a fence`']), undefined);
  });

  it('shows an image embed as an image and other attachments by path', () => {
    assert.equal(hoverText(ctx, 'Home.md', at(10, col(HOME, 10, 'pic'))), '`pic.png`\n\n---\n\n![pic](file:///vault/pic.png)');
    assert.equal(hoverText(ctx, 'Home.md', at(10, col(HOME, 10, 'report'))), '`files/report.pdf`\n\n---\n\nPDF file');
  });

  it('keeps an image URI with parentheses one markdown destination', () => {
    const ctx2 = makeVault([['a.md', '![[x (1).png]]']], ['x (1).png']);
    assert.equal(hoverText(ctx2, 'a.md', at(0, 4)), '`x (1).png`\n\n---\n\n![x (1)](file:///vault/x%20%281%29.png)');
  });

  it("leaves a link's problem to its diagnostic, shown in the same hover with its quick fixes", () => {
    // The editor shows the diagnostic in the hover: the hover itself adds nothing for a link that leads nowhere.
    assert.equal(provideHover(ctx, 'Home.md', at(11, col(HOME, 11, 'Nowhere')), { toUri }), undefined);
    assert.equal(provideHover(ctx, 'Home.md', at(11, col(HOME, 11, 'TargetAlias')), { toUri }), undefined);
    // A missing heading: where the link leads, and no second copy of the problem.
    assert.equal(hoverText(ctx, 'Home.md', at(11, col(HOME, 11, 'Nope'))), '`Notes/Target.md`');
  });

  it('explains an unresolved link once when no diagnostic reports it (severity off)', () => {
    const quiet = { ...ctx, problems: () => [] };
    assert.equal(hoverText(quiet, 'Home.md', at(11, col(HOME, 11, 'Nowhere'))), "'Nowhere' not found in the vault.");
    assert.equal(hoverText(quiet, 'Home.md', at(11, col(HOME, 11, 'Nope'))), "`Notes/Target.md`\n\n---\n\nNo heading 'Nope' in 'Target'.");
  });

  it('gives no hover off links and on external links', () => {
    assert.equal(provideHover(ctx, 'Home.md', at(8, 2), { toUri }), undefined);
    const ctx2 = makeVault([['a.md', '[site](https://example.com)']], []);
    assert.equal(provideHover(ctx2, 'a.md', at(0, 8), { toUri }), undefined);
  });
});

describe('navigation: references', () => {
  const ctx = makeVault();
  const linksToTarget = [
    { path: 'Home.md', range: r(9, 4, 9, 46) },
    { path: 'Home.md', range: r(9, 51, 9, 68) },
    { path: 'Home.md', range: r(11, 50, 11, 65) },
    { path: 'Other.md', range: r(0, 7, 0, 17) },
    { path: 'Other.md', range: r(0, 22, 0, 47) },
    { path: 'Other.md', range: r(0, 52, 0, 75) },
    { path: 'Other.md', range: r(1, 10, 1, 50) },
    { path: 'Other.md', range: r(4, 0, 4, 22) },
  ];

  it('finds every link to a note from a link to it, with the declaration first when asked', () => {
    assert.deepEqual(provideReferences(ctx, 'Other.md', at(0, 9), false), linksToTarget);
    assert.deepEqual(provideReferences(ctx, 'Other.md', at(0, 9), true), [{ path: 'Notes/Target.md', range: ZERO }, ...linksToTarget]);
  });

  it('finds references to the note from line 0, the frontmatter and the title heading', () => {
    assert.deepEqual(provideReferences(ctx, 'Notes/Target.md', at(0, 1), false), linksToTarget);
    assert.deepEqual(provideReferences(ctx, 'Notes/Target.md', at(1, 3), false), linksToTarget);
    assert.deepEqual(provideReferences(ctx, 'Notes/Target.md', at(3, 4), false), linksToTarget);
  });

  it('finds links to a heading from its line or from a link to it', () => {
    const expected = [
      { path: 'Home.md', range: r(9, 4, 9, 46) },
      { path: 'Other.md', range: r(0, 22, 0, 47) },
    ];
    assert.deepEqual(provideReferences(ctx, 'Notes/Target.md', at(11, 5), false), expected);
    assert.deepEqual(provideReferences(ctx, 'Other.md', at(0, 30), false), expected);
    assert.deepEqual(provideReferences(ctx, 'Other.md', at(0, 30), true), [{ path: 'Notes/Target.md', range: r(11, 3, 11, 17) }, ...expected]);
  });

  it('finds links to a block from its marker or from a link to it', () => {
    const expected = [
      { path: 'Home.md', range: r(9, 51, 9, 68) },
      { path: 'Other.md', range: r(0, 52, 0, 75) },
    ];
    assert.deepEqual(provideReferences(ctx, 'Notes/Target.md', at(9, 26), false), expected);
    assert.deepEqual(provideReferences(ctx, 'Home.md', at(9, 60), true), [{ path: 'Notes/Target.md', range: r(9, 24, 9, 30) }, ...expected]);
  });

  it('finds every use of a tag case-insensitively, in the body and the frontmatter, and of the tags nested under it', () => {
    const expected = [
      { path: 'Home.md', range: r(2, 7, 2, 14) },
      { path: 'Home.md', range: r(12, 7, 12, 15) },
      { path: 'Notes/Target.md', range: r(23, 10, 23, 18) },
      { path: 'Other.md', range: r(2, 6, 2, 14) },
      { path: 'Other.md', range: r(2, 15, 2, 27) },
    ];
    assert.deepEqual(provideReferences(ctx, 'Home.md', at(12, 9), false), expected);
    assert.deepEqual(provideReferences(ctx, 'Home.md', at(2, 9), true), expected);
    assert.deepEqual(provideReferences(ctx, 'Other.md', at(2, 20), false), [{ path: 'Other.md', range: r(2, 15, 2, 27) }]);
  });

  it('lists a nested tag under its parent, never the parent under the nested tag (#area lists #area/work)', () => {
    assert.deepEqual(provideReferences(ctx, 'Home.md', at(12, col(HOME, 12, '#area/work', 2)), false), [
      { path: 'Home.md', range: r(2, 16, 2, 25) },
      { path: 'Home.md', range: r(12, 20, 12, 30) },
    ]);
    assert.deepEqual(provideReferences(ctx, 'Home.md', at(12, col(HOME, 12, '#area ', 2)), false), [
      { path: 'Home.md', range: r(2, 16, 2, 25) },
      { path: 'Home.md', range: r(12, 20, 12, 30) },
      { path: 'Home.md', range: r(12, 35, 12, 40) },
    ]);
  });

  it('groups unresolved links by the missing name', () => {
    assert.deepEqual(provideReferences(ctx, 'Home.md', at(11, col(HOME, 11, 'Nowhere')), true), [
      { path: 'Home.md', range: r(11, 8, 11, 19) },
      { path: 'Other.md', range: r(1, 55, 1, 66) },
    ]);
  });

  it('finds nothing on plain text', () => {
    assert.deepEqual(provideReferences(ctx, 'Home.md', at(8, 3), true), []);
  });

  it('includes same-note links to a heading', () => {
    const ctx2 = makeVault([['a.md', '# A\n\n## B\n\nsee [[#B]]\n']], []);
    assert.deepEqual(provideReferences(ctx2, 'a.md', at(2, 3), false), [{ path: 'a.md', range: r(4, 4, 4, 10) }]);
  });
});

describe('navigation: symbols', () => {
  const ctx = makeVault();

  it('nests headings by level with block ids and callouts in their sections', () => {
    const symbols = provideDocumentSymbols(ctx.index.note('Notes/Target.md')!, TARGET);
    const expected: DocumentSymbol[] = [
      {
        name: 'Target',
        detail: '#',
        kind: SymbolKind.String,
        range: r(3, 0, 24, 0),
        selectionRange: r(3, 2, 3, 8),
        children: [
          {
            name: 'First Section',
            detail: '##',
            kind: SymbolKind.String,
            range: r(7, 0, 10, 0),
            selectionRange: r(7, 3, 7, 16),
            children: [{ name: '^para1', detail: 'paragraph', kind: SymbolKind.Key, range: r(9, 0, 9, 30), selectionRange: r(9, 24, 9, 30) }],
          },
          {
            name: 'Second Section',
            detail: '##',
            kind: SymbolKind.String,
            range: r(11, 0, 24, 0),
            selectionRange: r(11, 3, 11, 17),
            children: [
              { name: 'Folded', detail: '[!note]-', kind: SymbolKind.Object, range: r(18, 0, 19, 16), selectionRange: r(18, 0, 18, 17) },
              { name: 'Deep', detail: '###', kind: SymbolKind.String, range: r(21, 0, 24, 0), selectionRange: r(21, 4, 21, 8) },
            ],
          },
        ],
      },
    ];
    assert.deepEqual(symbols, expected);
  });

  it('puts symbols before the first heading at the top level and block ids inside their callout', () => {
    const text = '> [!tip]\n> body\n^c1\n\n# H\n';
    const symbols = provideDocumentSymbols(parseNote('a.md', text), text);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.children?.map((c) => c.name)]),
      [
        ['Tip', ['^c1']],
        ['H', undefined],
      ],
    );
  });

  it('without the text, ranges run to the end of their last line', () => {
    const symbols = provideDocumentSymbols(ctx.index.note('My Doc.md')!);
    assert.deepEqual(symbols[0].range, r(0, 0, 3, 2147483647));
  });

  it('matches workspace symbols by subsequence, best first', () => {
    const found = provideWorkspaceSymbols(ctx.index, 'scnd sec', 10);
    assert.deepEqual(found, [{ name: 'Second Section', kind: SymbolKind.String, location: { path: 'Notes/Target.md', range: r(11, 0, 11, 17) }, containerName: 'Target' }]);
    assert.deepEqual(
      provideWorkspaceSymbols(ctx.index, 'targ', 10).map((s) => [s.name, s.kind, s.location.path, s.containerName]),
      [
        ['Target', SymbolKind.File, 'Notes/Target.md', 'Notes'],
        ['Target', SymbolKind.String, 'Notes/Target.md', 'Target'],
        ['TargetAlias', SymbolKind.File, 'Notes/Target.md', 'Target'],
      ],
    );
    assert.deepEqual(provideWorkspaceSymbols(ctx.index, 'start', 10).map((s) => [s.name, s.containerName]), [['Start', 'Home']]);
  });

  it('caps results and lists notes first for an empty query', () => {
    const found = provideWorkspaceSymbols(ctx.index, '', 3);
    assert.deepEqual(
      found.map((s) => s.name),
      ['Home', 'Target', 'Other'],
    );
    assert.equal(provideWorkspaceSymbols(ctx.index, 'e', 2).length, 2);
  });

  it('stops a cancelled search: workspace symbols and references throw RequestCancelledError', () => {
    const many = makeVault(
      Array.from({ length: 3000 }, (_, i): [string, string] => [`n${i}.md`, `# H${i}\n[[n0]]\n`]),
      [],
    );
    const cancelled = { isCancellationRequested: true };
    assert.throws(() => provideWorkspaceSymbols(many.index, 'h', 10, cancelled), RequestCancelledError);
    assert.equal(provideWorkspaceSymbols(many.index, 'h', 10, { isCancellationRequested: false }).length, 10);
    const at0 = { line: 1, character: 3 };
    assert.throws(() => provideReferences({ ...many, cancellation: cancelled }, 'n1.md', at0, false), RequestCancelledError);
    assert.equal(provideReferences(many, 'n1.md', at0, false).length, 3000);
  });

  it('sees index changes (the cached list follows the change records)', () => {
    const ctx2 = makeVault([['a.md', '# One\n']], []);
    assert.deepEqual(provideWorkspaceSymbols(ctx2.index, 'two', 10), []);
    ctx2.index.upsertNote(parseNote('a.md', '# Two\n'));
    assert.deepEqual(
      provideWorkspaceSymbols(ctx2.index, 'two', 10).map((s) => s.name),
      ['Two'],
    );
    // A line added above the heading moves it: the symbol must point at its new line.
    ctx2.index.upsertNote(parseNote('a.md', 'intro\n\n# Two\n'));
    assert.deepEqual(provideWorkspaceSymbols(ctx2.index, 'two', 10).map((s) => s.location.range.start.line), [2]);
    ctx2.index.addAttachment('two.png');
    ctx2.index.upsertNote(parseNote('b.md', '---\naliases: [Second Two]\n---\n'));
    assert.deepEqual(provideWorkspaceSymbols(ctx2.index, 'two', 10).map((s) => s.name).sort(), ['Second Two', 'Two']);
    ctx2.index.removeFile('b.md');
    assert.deepEqual(provideWorkspaceSymbols(ctx2.index, 'two', 10).map((s) => s.name), ['Two']);
  });

  it('scores whole names over prefixes over substrings over subsequences', () => {
    const exact = fuzzyScore('ab', 'ab');
    const prefix = fuzzyScore('ab', 'abc');
    const word = fuzzyScore('ab', 'x ab');
    const inner = fuzzyScore('ab', 'xab');
    const subsequence = fuzzyScore('ab', 'axb');
    assert.ok(exact > prefix && prefix > word && word > inner && inner > subsequence && subsequence > 0);
    assert.equal(fuzzyScore('ba', 'ab'), -1);
  });
});

describe('navigation: document links', () => {
  const ctx = makeVault();

  it('gives resolved links their target URI, with a line fragment for headings and blocks', () => {
    const links = provideDocumentLinks(ctx, 'Home.md', toUri);
    assert.deepEqual(links, [
      { range: r(9, 4, 9, 46), target: 'file:///vault/Notes/Target.md#L12', tooltip: "Go to heading 'Second Section' in Notes/Target.md" },
      { range: r(9, 51, 9, 68), target: 'file:///vault/Notes/Target.md#L10', tooltip: 'Go to block ^para1 in Notes/Target.md' },
      { range: r(10, 6, 10, 18), target: 'file:///vault/pic.png', tooltip: 'Open pic.png' },
      { range: r(10, 29, 10, 40), target: 'file:///vault/My%20Doc.md', tooltip: 'Open My Doc.md' },
      { range: r(10, 46, 10, 60), target: 'file:///vault/files/report.pdf', tooltip: 'Open files/report.pdf' },
      { range: r(11, 8, 11, 19), tooltip: "'Nowhere' not found in the vault" },
      { range: r(11, 30, 11, 45), tooltip: "'TargetAlias' not found in the vault" },
      { range: r(11, 50, 11, 65), target: 'file:///vault/Notes/Target.md', tooltip: "Open Notes/Target.md (heading not found in 'Target')" },
    ]);
  });

  it('makes only the destination of markdown links and definitions clickable', () => {
    const links = provideDocumentLinks(ctx, 'Other.md', toUri);
    assert.deepEqual(links[3], { range: r(1, 18, 1, 49), target: 'file:///vault/Notes/Target.md#L8', tooltip: "Go to heading 'First Section' in Notes/Target.md" });
    assert.deepEqual(links[5], { range: r(4, 7, 4, 22), target: 'file:///vault/Notes/Target.md', tooltip: 'Open Notes/Target.md' });
  });

  it('skips external and empty links', () => {
    const ctx2 = makeVault([['a.md', '[w](https://example.com) [[]] [s](#Top)\n# Top\n']], []);
    assert.deepEqual(provideDocumentLinks(ctx2, 'a.md', toUri), [{ range: r(0, 34, 0, 38), target: 'file:///vault/a.md#L2', tooltip: "Go to heading 'Top' in a.md" }]);
  });
});

describe('navigation: folding', () => {
  const ctx = makeVault();

  it('folds the frontmatter, sections before their trailing blank lines, callouts and code', () => {
    assert.deepEqual(provideFoldingRanges(ctx.index.note('Notes/Target.md')!, TARGET), [
      { startLine: 0, endLine: 2 },
      { startLine: 3, endLine: 23 },
      { startLine: 7, endLine: 9 },
      { startLine: 11, endLine: 23 },
      { startLine: 14, endLine: 16 },
      { startLine: 18, endLine: 19 },
      { startLine: 21, endLine: 23 },
    ]);
  });

  it('marks comment blocks as comments and skips one-line ranges', () => {
    const text = ['# A', 'x', '%%', 'hidden', '%%', '', '<!--', 'c', '-->', '', '    code', '    more', '', '## B', ''].join('\n');
    assert.deepEqual(provideFoldingRanges(parseNote('a.md', text), text), [
      { startLine: 0, endLine: 13 },
      { startLine: 2, endLine: 4, kind: FoldingRangeKind.Comment },
      { startLine: 6, endLine: 8, kind: FoldingRangeKind.Comment },
      { startLine: 10, endLine: 11 },
    ]);
  });
});
