/**
 * Token-level tests for the Obsidian injection grammar
 * (syntaxes/ospo-notes.injection.tmLanguage.json), run through the same
 * engine VS Code uses (vscode-textmate + vscode-oniguruma).
 *
 * An injection only means something relative to its host grammar. VS Code's
 * Markdown grammar is not shipped in any installed package, so the suite runs
 * against a small stand-in host (test/fixtures/grammar/markdown-host.tmLanguage.json)
 * that reproduces the scope names and the block structure the injection relies
 * on. Point OSPO_MARKDOWN_GRAMMAR at a copy of VS Code's
 * `extensions/markdown-basics/syntaxes/markdown.tmLanguage.json` to run the very
 * same assertions against the real host as well.
 *
 * Assertions look at our scopes only (those ending in `.ospo-notes`), with
 * adjacent tokens carrying the same scopes merged, so they are exact about
 * which characters get which scope but do not depend on how the host splits
 * plain text. Where the host matters (code spans, fences) its scope is
 * checked explicitly.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const REPO = path.resolve(__dirname, '..', '..', '..');
const INJECTION_PATH = path.join(REPO, 'syntaxes', 'ospo-notes.injection.tmLanguage.json');
const FIXTURE_HOST_PATH = path.join(REPO, 'test', 'fixtures', 'grammar', 'markdown-host.tmLanguage.json');
const INJECTION_SCOPE = 'ospo-notes.markdown.injection';
const HOST_SCOPE = 'text.html.markdown';

// Scope names, spelled once so an expectation reads like the token it describes.
const LINK = 'meta.link.wiki.ospo-notes';
const EMBED = 'meta.embed.wiki.ospo-notes';
const EMBED_MARK = 'punctuation.definition.embed.ospo-notes';
const OPEN = 'punctuation.definition.link.begin.ospo-notes';
const CLOSE = 'punctuation.definition.link.end.ospo-notes';
const PATH = 'markup.underline.link.path.ospo-notes';
const HEADING_SEP = 'punctuation.separator.heading.ospo-notes';
const HEADING = 'markup.underline.link.heading.ospo-notes';
const BLOCK_SEP = 'punctuation.separator.block.ospo-notes';
const BLOCK = 'markup.underline.link.block.ospo-notes';
const ALIAS_SEP = 'punctuation.separator.alias.ospo-notes';
const ALIAS = 'string.other.link.title.alias.ospo-notes';
const BLOCK_ID = 'meta.block-id.ospo-notes';
const BLOCK_ID_MARK = 'punctuation.definition.block-id.ospo-notes';
const BLOCK_ID_NAME = 'entity.name.label.block-id.ospo-notes';
const CALLOUT = 'meta.callout.header.ospo-notes';
const CALLOUT_OPEN = 'punctuation.definition.callout.begin.ospo-notes';
const CALLOUT_TYPE = 'entity.name.tag.callout.ospo-notes';
const CALLOUT_CLOSE = 'punctuation.definition.callout.end.ospo-notes';
const CALLOUT_FOLD = 'keyword.operator.fold.callout.ospo-notes';
const CALLOUT_TITLE = 'markup.heading.callout.title.ospo-notes';
const HIGHLIGHT = 'markup.inserted.highlight.ospo-notes';
const HIGHLIGHT_OPEN = 'punctuation.definition.highlight.begin.ospo-notes';
const HIGHLIGHT_CLOSE = 'punctuation.definition.highlight.end.ospo-notes';
const COMMENT_INLINE = 'comment.block.inline.ospo-notes';
const COMMENT_BLOCK = 'comment.block.ospo-notes';
const COMMENT_OPEN = 'punctuation.definition.comment.begin.ospo-notes';
const COMMENT_CLOSE = 'punctuation.definition.comment.end.ospo-notes';

const RAW_INLINE = 'markup.inline.raw.string.markdown';
const FENCED = 'markup.fenced_code.block.markdown';
const RAW_BLOCK = 'markup.raw.block.markdown';
const BOLD = 'markup.bold.markdown';
const FRONTMATTER = 'meta.embedded.block.frontmatter';

interface Token {
  text: string;
  scopes: string[];
}

type Line = Token[];

/** [text, our scopes joined by a space] */
type Piece = [string, string];

let onigLib: Promise<vsctm.IOnigLib> | undefined;

function loadOnigLib(): Promise<vsctm.IOnigLib> {
  if (!onigLib) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    // Hand over an ArrayBuffer that holds exactly the file: a Buffer may be a
    // view into a larger shared pool.
    const bytes = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    onigLib = oniguruma.loadWASM(bytes).then(() => ({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }));
  }
  return onigLib;
}

async function loadMarkdown(hostPath: string): Promise<vsctm.IGrammar> {
  const registry = new vsctm.Registry({
    onigLib: loadOnigLib(),
    loadGrammar: async (scopeName) => {
      if (scopeName === HOST_SCOPE) {
        return vsctm.parseRawGrammar(fs.readFileSync(hostPath, 'utf8'), hostPath);
      }
      if (scopeName === INJECTION_SCOPE) {
        return vsctm.parseRawGrammar(fs.readFileSync(INJECTION_PATH, 'utf8'), INJECTION_PATH);
      }
      // Languages the real host embeds (YAML frontmatter, HTML, fenced code)
      // get an empty stand-in: the injection has to stay out of them anyway,
      // and an unresolved include would make the engine drop the host rule
      // that embeds them (frontmatter, language-tagged fences).
      return vsctm.parseRawGrammar(JSON.stringify({ scopeName, patterns: [] }), `${scopeName}.json`);
    },
    // Mirrors `"injectTo": ["text.html.markdown"]` in the extension manifest.
    getInjections: (scopeName) => (scopeName === HOST_SCOPE ? [INJECTION_SCOPE] : undefined),
  });
  const grammar = await registry.loadGrammar(HOST_SCOPE);
  assert.ok(grammar, `could not load ${hostPath}`);
  return grammar;
}

function tokenize(grammar: vsctm.IGrammar, text: string): Line[] {
  let state = vsctm.INITIAL;
  return text.split('\n').map((lineText) => {
    const result = grammar.tokenizeLine(lineText, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({
      text: lineText.substring(t.startIndex, Math.min(t.endIndex, lineText.length)),
      scopes: t.scopes,
    }));
  });
}

function ourScopes(token: Token): string {
  return token.scopes.filter((s) => s.endsWith('.ospo-notes')).join(' ');
}

/** The line as runs of characters that share the same `.ospo-notes` scopes. */
function pieces(line: Line): Piece[] {
  const out: Piece[] = [];
  for (const token of line) {
    if (token.text === '') continue;
    const scopes = ourScopes(token);
    const last = out[out.length - 1];
    if (last && last[1] === scopes) last[0] += token.text;
    else out.push([token.text, scopes]);
  }
  return out;
}

function hasOurScopes(line: Line): boolean {
  return line.some((t) => ourScopes(t) !== '');
}

/** Tokens covering the first occurrence of `needle` in the line (which must exist). */
function tokensCovering(line: Line, needle: string): Token[] {
  const text = line.map((t) => t.text).join('');
  const start = text.indexOf(needle);
  assert.ok(start >= 0, `"${needle}" not found in "${text}"`);
  const end = start + needle.length;
  const covering: Token[] = [];
  let offset = 0;
  for (const token of line) {
    const tokenEnd = offset + token.text.length;
    if (tokenEnd > start && offset < end) covering.push(token);
    offset = tokenEnd;
  }
  return covering;
}

function assertHostScope(line: Line, needle: string, scope: string): void {
  for (const token of tokensCovering(line, needle)) {
    assert.ok(
      token.scopes.includes(scope),
      `"${token.text}" inside "${needle}" should have ${scope}, has ${token.scopes.join(' ')}`,
    );
  }
}

function describeWithHost(label: string, hostPath: string): void {
  describe(`markdown injection grammar (${label})`, function () {
    let grammar: vsctm.IGrammar;

    before(async function () {
      grammar = await loadMarkdown(hostPath);
    });

    const lines = (text: string): Line[] => tokenize(grammar, text);

    describe('wiki-links', function () {
      it('scopes the brackets and the path of [[Github]]', function () {
        const [line] = lines('Maintained on [[Github]].');
        assert.deepEqual(pieces(line), [
          ['Maintained on ', ''],
          ['[[', `${LINK} ${OPEN}`],
          ['Github', `${LINK} ${PATH}`],
          [']]', `${LINK} ${CLOSE}`],
          ['.', ''],
        ]);
      });

      it('splits [[WHO#OSPO]] into path, # and heading inside a list item', function () {
        const [line] = lines('- [[WHO#OSPO]]');
        assert.deepEqual(pieces(line), [
          ['- ', ''],
          ['[[', `${LINK} ${OPEN}`],
          ['WHO', `${LINK} ${PATH}`],
          ['#', `${LINK} ${HEADING_SEP}`],
          ['OSPO', `${LINK} ${HEADING}`],
          [']]', `${LINK} ${CLOSE}`],
        ]);
      });

      it('splits path, heading and alias; a colon stays in the alias', function () {
        const [line] = lines('See also [[public/tech/OpenSource#Organisations|OpenSource: Organisations]]');
        assert.deepEqual(pieces(line), [
          ['See also ', ''],
          ['[[', `${LINK} ${OPEN}`],
          ['public/tech/OpenSource', `${LINK} ${PATH}`],
          ['#', `${LINK} ${HEADING_SEP}`],
          ['Organisations', `${LINK} ${HEADING}`],
          ['|', `${LINK} ${ALIAS_SEP}`],
          ['OpenSource: Organisations', `${LINK} ${ALIAS}`],
          [']]', `${LINK} ${CLOSE}`],
        ]);
      });

      it('marks every # of a nested heading subpath, and ## with an empty segment', function () {
        const [nested, doubled] = lines('[[Help#Questions#Report bugs]]\n[[Controllers##ReplicaSet]]');
        assert.deepEqual(pieces(nested), [
          ['[[', `${LINK} ${OPEN}`],
          ['Help', `${LINK} ${PATH}`],
          ['#', `${LINK} ${HEADING_SEP}`],
          ['Questions', `${LINK} ${HEADING}`],
          ['#', `${LINK} ${HEADING} ${HEADING_SEP}`],
          ['Report bugs', `${LINK} ${HEADING}`],
          [']]', `${LINK} ${CLOSE}`],
        ]);
        assert.deepEqual(pieces(doubled), [
          ['[[', `${LINK} ${OPEN}`],
          ['Controllers', `${LINK} ${PATH}`],
          ['#', `${LINK} ${HEADING_SEP}`],
          ['#', `${LINK} ${HEADING} ${HEADING_SEP}`],
          ['ReplicaSet', `${LINK} ${HEADING}`],
          [']]', `${LINK} ${CLOSE}`],
        ]);
      });

      it('treats \\| in a table row as the alias separator', function () {
        const table = lines('| Note | Why |\n| --- | --- |\n| [[A\\|B]] | x |');
        assert.deepEqual(pieces(table[2]), [
          ['| ', ''],
          ['[[', `${LINK} ${OPEN}`],
          ['A', `${LINK} ${PATH}`],
          ['\\|', `${LINK} ${ALIAS_SEP}`],
          ['B', `${LINK} ${ALIAS}`],
          [']]', `${LINK} ${CLOSE}`],
          [' | x |', ''],
        ]);
      });

      it('keeps a single ] inside the link and picks the innermost of nested links', function () {
        const [bracket, nested] = lines('[[Sq]uare]]\n[[a [[Inner]] b]]');
        assert.deepEqual(pieces(bracket), [
          ['[[', `${LINK} ${OPEN}`],
          ['Sq]uare', `${LINK} ${PATH}`],
          [']]', `${LINK} ${CLOSE}`],
        ]);
        assert.deepEqual(pieces(nested), [
          ['[[a ', ''],
          ['[[', `${LINK} ${OPEN}`],
          ['Inner', `${LINK} ${PATH}`],
          [']]', `${LINK} ${CLOSE}`],
          [' b]]', ''],
        ]);
      });

      it('scopes same-note heading links whose text has backticks', function () {
        const [line] = lines('run [[#`move`|move]] first');
        assert.deepEqual(pieces(line), [
          ['run ', ''],
          ['[[', `${LINK} ${OPEN}`],
          ['#', `${LINK} ${HEADING_SEP}`],
          ['`move`', `${LINK} ${HEADING}`],
          ['|', `${LINK} ${ALIAS_SEP}`],
          ['move', `${LINK} ${ALIAS}`],
          [']]', `${LINK} ${CLOSE}`],
          [' first', ''],
        ]);
      });

      it('ignores escaped and empty brackets', function () {
        for (const line of lines('\\[\\[double bracket syntax\\]\\]\nan empty [[]] pair')) {
          assert.equal(hasOurScopes(line), false, JSON.stringify(pieces(line)));
        }
      });

      it('scopes links inside headings', function () {
        const [line] = lines('## Read [[WHO]] first');
        assert.deepEqual(pieces(line), [
          ['## Read ', ''],
          ['[[', `${LINK} ${OPEN}`],
          ['WHO', `${LINK} ${PATH}`],
          [']]', `${LINK} ${CLOSE}`],
          [' first', ''],
        ]);
      });

      it('leaves the host markup after a link that starts a line intact', function () {
        // A link at the very start of a top-level line must not pre-empt the
        // host's paragraph; otherwise **bold** and code spans later on the
        // line lose their scopes and `[[c]]` would be coloured as a link.
        const [line] = lines('[[a]] then **b** and `[[c]]`');
        assert.deepEqual(pieces(line), [
          ['[[', `${LINK} ${OPEN}`],
          ['a', `${LINK} ${PATH}`],
          [']]', `${LINK} ${CLOSE}`],
          [' then **b** and `[[c]]`', ''],
        ]);
        assertHostScope(line, 'b', BOLD);
        assertHostScope(line, '`[[c]]`', RAW_INLINE);
      });
    });

    describe('embeds', function () {
      it('gives ! its own scope and splits a block subpath', function () {
        const [line] = lines('![[OpenSource#^1a1526]]');
        assert.deepEqual(pieces(line), [
          ['!', `${EMBED} ${EMBED_MARK}`],
          ['[[', `${EMBED} ${OPEN}`],
          ['OpenSource', `${EMBED} ${PATH}`],
          ['#^', `${EMBED} ${BLOCK_SEP}`],
          ['1a1526', `${EMBED} ${BLOCK}`],
          [']]', `${EMBED} ${CLOSE}`],
        ]);
      });

      it('scopes an image size in the alias slot', function () {
        const [line] = lines('Photo: ![[Engelbart.jpg|100x145]]');
        assert.deepEqual(pieces(line), [
          ['Photo: ', ''],
          ['!', `${EMBED} ${EMBED_MARK}`],
          ['[[', `${EMBED} ${OPEN}`],
          ['Engelbart.jpg', `${EMBED} ${PATH}`],
          ['|', `${EMBED} ${ALIAS_SEP}`],
          ['100x145', `${EMBED} ${ALIAS}`],
          [']]', `${EMBED} ${CLOSE}`],
        ]);
      });
    });

    describe('block ids', function () {
      it('scopes ^id at the end of a line', function () {
        const [line] = lines('text ^1a1526');
        assert.deepEqual(pieces(line), [
          ['text ', ''],
          ['^', `${BLOCK_ID} ${BLOCK_ID_MARK}`],
          ['1a1526', `${BLOCK_ID} ${BLOCK_ID_NAME}`],
        ]);
      });

      it('scopes an id alone on its line and at the end of a list item', function () {
        const [alone, , item] = lines('^my-list-id\n\n- GitHub ^github');
        assert.deepEqual(pieces(alone), [
          ['^', `${BLOCK_ID} ${BLOCK_ID_MARK}`],
          ['my-list-id', `${BLOCK_ID} ${BLOCK_ID_NAME}`],
        ]);
        assert.deepEqual(pieces(item), [
          ['- GitHub ', ''],
          ['^', `${BLOCK_ID} ${BLOCK_ID_MARK}`],
          ['github', `${BLOCK_ID} ${BLOCK_ID_NAME}`],
        ]);
      });

      it('does not take footnotes, superscripts or ids that are not last', function () {
        const text = [
          'x^2 and a footnote[^1]',
          'inline footnote ^[text]',
          'glued text^abc',
          'not last ^abc here',
          'bad chars ^a_b',
        ].join('\n');
        for (const line of lines(text)) {
          assert.equal(hasOurScopes(line), false, JSON.stringify(pieces(line)));
        }
      });
    });

    describe('callouts', function () {
      it('scopes type, fold sign and title of > [!info]- OSPO infographic', function () {
        const [header, body] = lines('> [!info]- OSPO infographic\n> ![](ospo_infographic.pdf)');
        assert.deepEqual(pieces(header), [
          ['> ', ''],
          ['[!', `${CALLOUT} ${CALLOUT_OPEN}`],
          ['info', `${CALLOUT} ${CALLOUT_TYPE}`],
          [']', `${CALLOUT} ${CALLOUT_CLOSE}`],
          ['-', `${CALLOUT} ${CALLOUT_FOLD}`],
          [' ', CALLOUT],
          ['OSPO infographic', `${CALLOUT} ${CALLOUT_TITLE}`],
        ]);
        assert.equal(hasOurScopes(body), false, JSON.stringify(pieces(body)));
      });

      it('finds a nested callout and links in its title', function () {
        const [line] = lines('> > [!todo] Read [[WHO]]');
        assert.deepEqual(pieces(line), [
          ['> > ', ''],
          ['[!', `${CALLOUT} ${CALLOUT_OPEN}`],
          ['todo', `${CALLOUT} ${CALLOUT_TYPE}`],
          [']', `${CALLOUT} ${CALLOUT_CLOSE}`],
          [' ', CALLOUT],
          ['Read ', `${CALLOUT} ${CALLOUT_TITLE}`],
          ['[[', `${CALLOUT} ${CALLOUT_TITLE} ${LINK} ${OPEN}`],
          ['WHO', `${CALLOUT} ${CALLOUT_TITLE} ${LINK} ${PATH}`],
          [']]', `${CALLOUT} ${CALLOUT_TITLE} ${LINK} ${CLOSE}`],
        ]);
      });

      it('accepts a title-less callout with + and no space after >', function () {
        const [line] = lines('>[!faq]+');
        assert.deepEqual(pieces(line), [
          ['>', ''],
          ['[!', `${CALLOUT} ${CALLOUT_OPEN}`],
          ['faq', `${CALLOUT} ${CALLOUT_TYPE}`],
          [']', `${CALLOUT} ${CALLOUT_CLOSE}`],
          ['+', `${CALLOUT} ${CALLOUT_FOLD}`],
        ]);
      });

      it('does not treat [!x] outside the start of a quote as a callout', function () {
        for (const line of lines('[!info] not quoted\n\ntext > [!info] mid-line\n\n> quoted [!info] later')) {
          assert.equal(hasOurScopes(line), false, JSON.stringify(pieces(line)));
        }
      });
    });

    describe('highlights', function () {
      it('scopes ==hi== and its delimiters', function () {
        const [line] = lines('say ==hi== twice');
        assert.deepEqual(pieces(line), [
          ['say ', ''],
          ['==', `${HIGHLIGHT} ${HIGHLIGHT_OPEN}`],
          ['hi', HIGHLIGHT],
          ['==', `${HIGHLIGHT} ${HIGHLIGHT_CLOSE}`],
          [' twice', ''],
        ]);
      });

      it('needs text right inside the delimiters', function () {
        const [line] = lines('a == b == c');
        assert.equal(hasOurScopes(line), false, JSON.stringify(pieces(line)));
      });
    });

    describe('comments', function () {
      it('scopes an inline %%c%%', function () {
        const [line] = lines('visible %%c%% visible');
        assert.deepEqual(pieces(line), [
          ['visible ', ''],
          ['%%', `${COMMENT_INLINE} ${COMMENT_OPEN}`],
          ['c', COMMENT_INLINE],
          ['%%', `${COMMENT_INLINE} ${COMMENT_CLOSE}`],
          [' visible', ''],
        ]);
      });

      it('does not scope links inside an inline comment', function () {
        const [line] = lines('a %%[[hidden]]%% b');
        assert.deepEqual(pieces(line), [
          ['a ', ''],
          ['%%', `${COMMENT_INLINE} ${COMMENT_OPEN}`],
          ['[[hidden]]', COMMENT_INLINE],
          ['%%', `${COMMENT_INLINE} ${COMMENT_CLOSE}`],
          [' b', ''],
        ]);
      });

      it('spans lines from a lone %% to the next %%, across a blank line', function () {
        const doc = lines(['Before', '%%', 'hidden [[Link]] ==x==', '', 'still hidden', '%%', 'After [[Link]]'].join('\n'));
        assert.deepEqual(pieces(doc[0]), [['Before', '']]);
        assert.deepEqual(pieces(doc[1]), [['%%', `${COMMENT_BLOCK} ${COMMENT_OPEN}`]]);
        assert.deepEqual(pieces(doc[2]), [['hidden [[Link]] ==x==', COMMENT_BLOCK]]);
        assert.deepEqual(pieces(doc[4]), [['still hidden', COMMENT_BLOCK]]);
        assert.deepEqual(pieces(doc[5]), [['%%', `${COMMENT_BLOCK} ${COMMENT_CLOSE}`]]);
        assert.deepEqual(pieces(doc[6]), [
          ['After ', ''],
          ['[[', `${LINK} ${OPEN}`],
          ['Link', `${LINK} ${PATH}`],
          [']]', `${LINK} ${CLOSE}`],
        ]);
      });
    });

    describe('code and frontmatter stay plain', function () {
      it('fenced code blocks, with and without a markdown info string', function () {
        const doc = lines(
          [
            '```',
            '[[Not a link]] ![[x]] ==hi== %%c%% ^abc',
            '```',
            '',
            '```md',
            '[[Not a link]]',
            '> [!info] not a callout',
            '```',
            '',
            '```js',
            'const s = "[[x]] ==y==";',
            '```',
            '',
            '~~~~',
            '```',
            '[[still code]]',
            '~~~~',
          ].join('\n'),
        );
        for (const [index, needle] of [
          [1, '[[Not a link]] ![[x]] ==hi== %%c%% ^abc'],
          [5, '[[Not a link]]'],
          [6, '[!info] not a callout'],
          [10, 'const s = "[[x]] ==y==";'],
          [15, '[[still code]]'],
        ] as const) {
          assert.equal(hasOurScopes(doc[index]), false, JSON.stringify(pieces(doc[index])));
          assertHostScope(doc[index], needle, FENCED);
        }
      });

      it('inline code spans', function () {
        const [single, double] = lines('use `[[x]]` here\nand ``a ` [[y]] `` too');
        assert.equal(hasOurScopes(single), false, JSON.stringify(pieces(single)));
        assertHostScope(single, '[[x]]', RAW_INLINE);
        assert.equal(hasOurScopes(double), false, JSON.stringify(pieces(double)));
        assertHostScope(double, '[[y]]', RAW_INLINE);
      });

      it('indented code blocks', function () {
        const doc = lines('## Heading\n\n    [[x]] ==y== ^abc');
        assert.equal(hasOurScopes(doc[2]), false, JSON.stringify(pieces(doc[2])));
        assertHostScope(doc[2], '[[x]]', RAW_BLOCK);
      });

      it('frontmatter', function () {
        const doc = lines('---\nup: "[[Parent]]"\nnote: ==x== %%y%% ^abc\n---\nBody [[Parent]]');
        if (!tokensCovering(doc[1], '[[Parent]]').every((t) => t.scopes.includes(FRONTMATTER))) {
          // Some copies of the host grammar leave frontmatter to the editor.
          this.skip();
        }
        assert.equal(hasOurScopes(doc[1]), false, JSON.stringify(pieces(doc[1])));
        assert.equal(hasOurScopes(doc[2]), false, JSON.stringify(pieces(doc[2])));
        assert.equal(ourScopes(tokensCovering(doc[4], 'Parent')[0]), `${LINK} ${PATH}`);
      });
    });
  });
}

describe('injection grammar file', function () {
  const grammar = JSON.parse(fs.readFileSync(INJECTION_PATH, 'utf8')) as {
    scopeName: string;
    injectionSelector: string;
    repository: Record<string, unknown>;
  };

  it('declares the scope name the manifest injects', function () {
    assert.equal(grammar.scopeName, INJECTION_SCOPE);
  });

  it('names every scope with the .ospo-notes suffix', function () {
    const names: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if ((key === 'name' || key === 'contentName') && typeof value === 'string') names.push(value);
          else walk(value);
        }
      }
    };
    walk(grammar.repository);
    assert.ok(names.length > 20, `only ${names.length} scope names found`);
    for (const name of names) {
      for (const scope of name.split(' ')) assert.match(scope, /\.ospo-notes$/, name);
    }
  });
});

describeWithHost('minimal host fixture', FIXTURE_HOST_PATH);

const realHost = process.env.OSPO_MARKDOWN_GRAMMAR;
if (realHost) {
  describeWithHost(`host ${path.basename(realHost)}`, path.resolve(realHost));
}
