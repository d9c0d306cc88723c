import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import MarkdownIt from 'markdown-it';
import { FileLookup } from '@ospo-notes/engine';
import { obsidianPreviewPlugin, relativeHref, type PreviewOptions, type PreviewPluginHandle } from '../../../client/out/preview/plugin';

/**
 * The user's OSPO note as they wrote it (mojibake `ðŸ“–` included), the centre of the fixture vault. It lives in
 * `public/tech/` because it links to `public/tech/OpenSource`.
 */
const OSPO = `---
title: Open Source Program Office (OSPO)
acronym: OSPO
visibility: public
---
> [!info]- OSPO infographic
> ![](ospo_infographic.pdf)


## Organisations

See also [[public/tech/OpenSource#Organisations|OpenSource: Organisations]]

- [[WHO#OSPO]]
- [[Github]]
- [[CERN]]

 
## People

- [[Samuel Mbuthia]]: leads the WHO [[OSPO]]


## Events

- [[2023-11-28]]: [CERN OSPO Inaugural Event](https://indico.cern.ch/event/1327562/timetable/?view=standard)
  presentations: drive > tech/opensource: NVIDIA, OSHWA, WHO OSPO


## Compliance

![[OpenSource#^1a1526]]


## References

- organisations
    - [OSPO++](https://ospoplusplus.org/): (US) network and a community of collaborative open source program offices in universities, governments, and civic institutions
    - [TODO group](https://todogroup.org/): extensive resources, mostly industry members
        - [Mindmap](https://ospomindmap.todogroup.org/): roles, ...
        - [OSPO definition @GH](https://github.com/todogroup/ospodefinition.org)
        - [OSPOlogy @GH](https://github.com/todogroup/ospology): \u00f0\u0178\u201c\u2013 OSPOlogy - The Study of OSPOs
        - [Training](https://todogroup.org/resources/training/)
        - [Guides and resources](https://todogroup.org/resources/guides/)
    - [OSPO Alliance](https://ospo-alliance.org/)
    - GitHub
        - [OSPO community @GitHub](https://github.com/community/OSPO)
        - [github-ospo](github.com/github/github-ospo): Helping open source program offices get started
- [RedHat article: guide to setting up your OSPO](https://opensource.com/article/20/5/open-source-program-office)`;

// Line numbers matter: links to blocks (and to headings of the previewed note) carry `#L<line>` (1-based).
const WHO = [
  '# WHO', //                                   L1
  '',
  'World Health Organization.',
  '',
  '## OSPO', //                                 L5
  '',
  'The WHO open source programme office.',
  '',
  '### Team',
  '',
  'Team text.',
  '',
  '## Projects',
  '',
  'Projects text.',
  '',
].join('\n');

const OPEN_SOURCE = [
  '---',
  'title: Open Source',
  'aliases: [OSS]',
  'visibility: public',
  '---',
  '# Open Source',
  '',
  'Open source compliance means knowing every licence you ship. ^1a1526', // L8
  '',
  '## Organisations', //                                                       L10
  '',
  '- foundations',
  '    - Linux Foundation',
  '    - GitHub: [github.com](https://github.com) ^github', //                  L14
  '- companies',
  '',
  '## Licences',
  '',
  'Permissive and copyleft.',
  '',
].join('\n');

const NOTES: Record<string, string> = {
  'public/tech/OSPO.md': OSPO,
  'WHO.md': WHO,
  'public/tech/OpenSource.md': OPEN_SOURCE,
  'CycleA.md': 'A says hi\n\n![[CycleB]]\n',
  'CycleB.md': 'B says hi\n\n![[CycleA]]\n',
  'D1.md': 'text D1\n\n![[D2]]\n',
  'D2.md': 'text D2\n\n![[D3]]\n',
  'D3.md': 'text D3\n\n![[D4]]\n',
  'D4.md': 'text D4\n\n![[D5]]\n',
  'D5.md': 'text D5\n',
  'Html.md': 'Text with <b>bold</b> and <script>alert(1)</script> inline.\n\n<div class="raw">\nblock html\n</div>\n\n<!-- an html comment -->\n',
  'Target.md': '# Target\n\n## Heading\n\nTarget section text.\n',
};

const BINARIES: Record<string, string> = {
  'ospo_infographic.pdf': '%PDF-1.4\n%fake\n',
  'attachments/img.png': '\u0089PNG fake',
};

describe('preview plugin', function () {
  let root: string;
  let realRoot: string;
  let outside: string;
  let files: FileLookup;
  let reads: string[];

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-preview-'));
    realRoot = fs.realpathSync(root);
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-outside-'));
    for (const [rel, text] of [...Object.entries(NOTES), ...Object.entries(BINARIES)]) {
      const abs = path.join(root, ...rel.split('/'));
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
    }
    fs.writeFileSync(path.join(outside, 'secret.md'), 'TOP SECRET\n');
    fs.writeFileSync(path.join(outside, 'secret.png'), 'not an image of ours');
    // A note, an image and a folder that are symlinks leading out of the vault.
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'leak.md'));
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'leak.png'));
    fs.symlinkSync(outside, path.join(root, 'linked'));
    // Notes previewed from a buffer only (Self, Buffer) are in the file list as an open note would be.
    files = new FileLookup([...Object.keys(NOTES), ...Object.keys(BINARIES), 'leak.md', 'leak.png', 'linked/secret.md', 'Self.md', 'Buffer.md']);
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  beforeEach(() => {
    reads = [];
  });

  function vaultRel(abs: string): string {
    return path.relative(root, abs).split(path.sep).join('/');
  }

  function options(overrides: Partial<PreviewOptions> = {}): PreviewOptions {
    return {
      vaultFor: (doc) => (doc.startsWith(root + path.sep) ? { root, files } : undefined),
      readFile: (abs) => {
        reads.push(abs);
        return fs.readFileSync(abs);
      },
      toHref: (abs, fragment) => `vault:/${vaultRel(abs)}${fragment ? `#${fragment}` : ''}`,
      resourceUri: (abs) => `res:/${vaultRel(abs)}`,
      ...overrides,
    };
  }

  function setup(overrides: Partial<PreviewOptions> = {}): { md: MarkdownIt; handle: PreviewPluginHandle } {
    const md = new MarkdownIt({ html: true });
    const handle = obsidianPreviewPlugin(md, options(overrides));
    return { md, handle };
  }

  /** Renders `text` as the note `rel` of the vault (the note's buffer: it need not match the file). */
  function render(rel: string, text: string, overrides: Partial<PreviewOptions> = {}): string {
    const { md } = setup(overrides);
    return md.render(text, { currentDocument: path.join(root, ...rel.split('/')) });
  }

  function assertNoReadsOutside(): void {
    for (const r of reads) assert.ok(r.startsWith(realRoot + path.sep), `read outside the vault: ${r}`);
  }

  describe('deep nesting', () => {
    for (const depth of [10, 100, 10_000]) {
      it(`shows what follows ${depth} nested lists or quotes`, () => {
        for (const deep of ['- '.repeat(depth) + 'x', '> '.repeat(depth) + 'x']) {
          const html = render('Deep.md', `${deep} [[WHO]]\n\n# After\n\n[[WHO#OSPO]]\n`);
          assert.match(html, /href="vault:\/WHO\.md"/, 'the link in the deepest level');
          assert.match(html, /<h1[^>]*>After<\/h1>/);
          assert.match(html, /href="vault:\/WHO\.md#ospo"/, 'the link after the nesting');
        }
      });
    }
  });

  describe('wiki-links', () => {
    it('renders each link form with the target, the fragment and the text Obsidian shows', () => {
      const html = render('Links.md', [
        '[[WHO]] [[WHO#OSPO]] [[public/tech/OpenSource#^1a1526]] [[WHO|World Health]] [[WHO#OSPO|the office]]',
        '',
        '[[Github]] [[WHO#Nowhere]]',
      ].join('\n'));
      assert.match(html, /<a class="ospo-wikilink" href="vault:\/WHO\.md" title="WHO\.md">WHO<\/a>/);
      assert.match(html, /<a class="ospo-wikilink" href="vault:\/WHO\.md#ospo"[^>]*>WHO &gt; OSPO<\/a>/);
      assert.match(html, /href="vault:\/public\/tech\/OpenSource\.md#L8"[^>]*>public\/tech\/OpenSource &gt; \^1a1526<\/a>/);
      assert.match(html, /href="vault:\/WHO\.md"[^>]*>World Health<\/a>/);
      assert.match(html, /href="vault:\/WHO\.md#ospo"[^>]*>the office<\/a>/);
      assert.match(html, /<a class="ospo-wikilink ospo-unresolved" title="[^"]*">Github<\/a>/, 'unresolved: distinct class, text kept, no href');
      assert.match(html, /<a class="ospo-wikilink ospo-missing-subpath" href="vault:\/WHO\.md" title="No heading “Nowhere” in WHO\.">WHO &gt; Nowhere<\/a>/);
    });

    it('resolves the user note’s links as the engine does (vault paths, case-insensitive headings, itself)', () => {
      const html = render('public/tech/OSPO.md', OSPO);
      assert.match(html, /href="vault:\/public\/tech\/OpenSource\.md#organisations"[^>]*>OpenSource: Organisations<\/a>/);
      assert.match(html, /href="vault:\/WHO\.md#ospo"[^>]*>WHO &gt; OSPO<\/a>/);
      assert.match(html, /ospo-unresolved" title="[^"]*">Samuel Mbuthia<\/a>/);
      assert.match(html, /<a class="ospo-wikilink" href="vault:\/public\/tech\/OSPO\.md"[^>]*>OSPO<\/a>/, '[[OSPO]] is this note');
      assert.match(html, /<a href="github\.com\/github\/github-ospo">github-ospo<\/a>/, 'markdown links are left to markdown-it');
      assert.match(html, /OSPOlogy - The Study of OSPOs/);
      assertNoReadsOutside();
    });

    it('links to other notes’ headings by the slug VS Code gives them, numbering repeats', () => {
      const slugs = new FileLookup([...files.paths(), 'Slugs.md']);
      fs.writeFileSync(path.join(root, 'Slugs.md'), [
        '---',
        'title: not a heading',
        '---',
        '# Notes',
        '## Notes',
        '## The *Big* `code()` [[WHO]] day?',
        '## Notes',
        'Setext: `two` lines',
        '---',
      ].join('\n'));
      const html = render('L.md', '[[Slugs#Notes]] [[Slugs#Notes#Notes]] [[Slugs#The Big code() WHO day]] [[Slugs#Setext: two lines]]\n', {
        vaultFor: () => ({ root, files: slugs }),
      });
      assert.match(html, /href="vault:\/Slugs\.md#notes"/);
      assert.match(html, /href="vault:\/Slugs\.md#notes-1"/, 'the second `Notes` (the chain names the `##` under the `#`)');
      assert.match(html, /href="vault:\/Slugs\.md#the-big-code--day"/, 'plain text of the rendered title: the wiki-link adds nothing');
      assert.match(html, /href="vault:\/Slugs\.md#setext-two-lines"/);
    });

    it('links within the previewed note by fragment, to the anchor at the heading', () => {
      const html = render('Self.md', '# Top\n\n## Part two\n\nSee [[#Part two]] and [[Self#part two|again]].\n');
      assert.match(html, /<span id="L3" class="ospo-anchor"><\/span>\n<h2>Part two<\/h2>/);
      assert.match(html, /<a class="ospo-wikilink" href="#L3"[^>]*>Part two<\/a>/);
      assert.match(html, /<a class="ospo-wikilink" href="#L3"[^>]*>again<\/a>/);
    });

    it('reads `\\|` in a table as the alias separator', () => {
      const html = render('Table.md', '| who | link |\n| --- | --- |\n| a | [[WHO\\|World Health]] |\n');
      assert.match(html, /<td><a class="ospo-wikilink" href="vault:\/WHO\.md"[^>]*>World Health<\/a><\/td>/);
    });

    it('escapes aliases and link text', () => {
      const html = render('Esc.md', '[[WHO|<img src=x onerror=alert(1)>]] [[<b>nope</b>]]\n');
      assert.ok(!html.includes('<img src=x'), html);
      assert.ok(!html.includes('<b>nope'), html);
      assert.match(html, />&lt;img src=x onerror=alert\(1\)&gt;<\/a>/);
      assert.match(html, /title="“&lt;b&gt;nope&lt;\/b&gt;” is not in the vault\.">&lt;b&gt;nope&lt;\/b&gt;<\/a>/);
    });

    it('leaves links as written outside any vault, but still renders the vault-free syntax', () => {
      const md = new MarkdownIt({ html: true });
      obsidianPreviewPlugin(md, options({ vaultFor: () => undefined }));
      const html = md.render('[[WHO]] and ==marked==\n\n![[WHO]]\n\n> [!note]\n> body\n', { currentDocument: path.join(root, 'x.md') });
      assert.match(html, /<p>\[\[WHO\]\] and <mark>marked<\/mark><\/p>/);
      assert.match(html, /<p>!\[\[WHO\]\]<\/p>/);
      assert.match(html, /<div class="ospo-callout ospo-callout-note" data-callout="note">/);
      assert.deepEqual(reads, []);
    });
  });

  describe('markdown links to notes', () => {
    it('resolves `[Component](Component)` written in another folder as the language server does (R3, R6)', () => {
      const withComponent = new FileLookup([...files.paths(), 'design/Component.md', 'design/My Note.md']);
      fs.mkdirSync(path.join(root, 'design'), { recursive: true });
      fs.writeFileSync(path.join(root, 'design', 'Component.md'), '# Component\n\n## Usage\n\nText.\n');
      fs.writeFileSync(path.join(root, 'design', 'My Note.md'), 'Mine.\n');
      const html = render('public/tech/Uses.md', [
        '[Component](Component) [usage](Component.md#Usage) [block](public/tech/OpenSource.md#^1a1526) [mine](My%20Note.md)',
        '',
        '[lost](Component.md#Nowhere) [gone](Nothing.md) [web](https://example.org/Component) [here](#Top)',
        '',
        '# Top',
      ].join('\n'), { vaultFor: () => ({ root, files: withComponent }) });
      assert.match(html, /<a href="vault:\/design\/Component\.md">Component<\/a>/, 'no `.md`, other folder: the shortest-path match');
      assert.match(html, /<a href="vault:\/design\/Component\.md#usage">usage<\/a>/, 'a heading: the slug VS Code gives it');
      assert.match(html, /<a href="vault:\/public\/tech\/OpenSource\.md#L8">block<\/a>/);
      assert.match(html, /<a href="vault:\/design\/My Note\.md">mine<\/a>/, 'percent-decoded before resolution');
      assert.match(html, /<a href="vault:\/design\/Component\.md">lost<\/a>/, 'a missing heading still opens the note');
      assert.match(html, /<a href="Nothing\.md">gone<\/a>/, 'not in the vault: left as markdown-it writes it');
      assert.match(html, /<a href="https:\/\/example\.org\/Component">web<\/a>/);
      assert.match(html, /<a href="#L5">here<\/a>/, 'a heading of the previewed note: its line anchor');
    });

    it('resolves markdown links inside embedded content from the embedded note', () => {
      const withEmbed = new FileLookup([...files.paths(), 'design/Component.md', 'design/sub/Part.md', 'design/Holder.md']);
      fs.mkdirSync(path.join(root, 'design', 'sub'), { recursive: true });
      fs.writeFileSync(path.join(root, 'design', 'Component.md'), '# Component\n');
      fs.writeFileSync(path.join(root, 'design', 'sub', 'Part.md'), '# Part\n');
      fs.writeFileSync(path.join(root, 'design', 'Holder.md'), 'Uses [the part](sub/Part.md) and [cmp](Component).\n');
      const html = render('Top.md', '![[Holder]]\n', { vaultFor: () => ({ root, files: withEmbed }) });
      assert.match(html, /<a href="vault:\/design\/sub\/Part\.md">the part<\/a>/, 'relative to the embedded note, not to the previewed one');
      assert.match(html, /<a href="vault:\/design\/Component\.md">cmp<\/a>/);
    });
  });

  describe('note embeds', () => {
    it('embeds a block by id, without its `^id` marker', () => {
      const html = render('public/tech/OSPO.md', OSPO);
      const embed = between(html, '<div class="ospo-embed ospo-embed-note" data-embed-path="public/tech/OpenSource.md">', '</div>\n</div>');
      assert.match(embed, /<div class="ospo-embed-title"><a class="ospo-embed-link" href="vault:\/public\/tech\/OpenSource\.md#L8">OpenSource<\/a><\/div>/);
      assert.match(embed, /<p>Open source compliance means knowing every licence you ship\.\s*<\/p>/);
      assert.ok(!html.includes('1a1526</'), 'the marker is not shown');
      assert.ok(!/\^1a1526/.test(embed), embed);
      assert.ok(!html.includes('<p><div'), 'a lone embed replaces its paragraph');
    });

    it('embeds a list item by id: that item only, dedented out of its nesting', () => {
      const html = render('E.md', '![[OpenSource#^github]]\n');
      const content = between(html, '<div class="ospo-embed-content">', '</div>');
      assert.match(content, /<ul>\n<li>GitHub: <a href="https:\/\/github\.com">github\.com<\/a><\/li>\n<\/ul>/);
      assert.ok(!content.includes('Linux Foundation'));
      assert.ok(!content.includes('<pre>'), 'not read as indented code');
      assert.ok(!content.includes('^github'));
    });

    it('embeds a heading section, up to the next heading of the same level', () => {
      const html = render('E.md', '![[WHO#OSPO]]\n');
      const content = between(html, '<div class="ospo-embed-content">', '</div>');
      assert.match(content, /<h2>OSPO<\/h2>/);
      assert.match(content, /The WHO open source programme office\./);
      assert.match(content, /<h3>Team<\/h3>/, 'deeper headings belong to the section');
      assert.ok(!content.includes('Projects'), content);
      assert.match(html, /<a class="ospo-embed-link" href="vault:\/WHO\.md#ospo">WHO &gt; OSPO<\/a>/);
    });

    it('embeds a whole note without its frontmatter', () => {
      const html = render('E.md', '![[OpenSource]]\n');
      const content = between(html, '<div class="ospo-embed-content">', '</div>\n</div>');
      assert.match(content, /<h1>Open Source<\/h1>/);
      assert.match(content, /Permissive and copyleft\./);
      assert.ok(!content.includes('title:'), content);
      assert.ok(!content.includes('aliases'), content);
      assert.ok(!content.includes('<hr>'), content);
    });

    it('renders links inside embedded content relative to the embedded note', () => {
      const html = render('E.md', '![[OSPO#Organisations]]\n');
      const content = between(html, '<div class="ospo-embed-content">', '\n</div>\n</div>');
      assert.match(content, /href="vault:\/WHO\.md#ospo"[^>]*>WHO &gt; OSPO<\/a>/);
      assert.match(content, /href="vault:\/public\/tech\/OpenSource\.md#organisations"[^>]*>OpenSource: Organisations<\/a>/);
      assert.ok(!content.includes('id="L'), 'no line anchors inside embeds: their lines are another note’s');
    });

    it('shows a box for an embed cycle naming the chain', () => {
      const html = render('CycleA.md', NOTES['CycleA.md']);
      assert.match(html, /B says hi/);
      assert.match(html, /<div class="ospo-embed ospo-embed-cycle" role="note"><span class="ospo-embed-reason">Embed cycle: CycleA → CycleB → CycleA<\/span><\/div>/);
      assert.equal(html.split('A says hi').length, 2, 'A is rendered once');
    });

    it('embeds a section of the previewed note from its buffer, and catches a section embedding itself', () => {
      const html = render('Buffer.md', '# Buffer\n\n## Part\n\nunsaved text\n\n![[#Part]]\n');
      const content = between(html, '<div class="ospo-embed-content">', '</div>\n</div>');
      assert.match(content, /unsaved text/);
      assert.match(content, /Embed cycle: Buffer → Buffer → Buffer/);
    });

    it('stops nesting at maxEmbedDepth with a visible box', () => {
      const html = render('D1.md', NOTES['D1.md']);
      for (const n of ['D1', 'D2', 'D3', 'D4']) assert.match(html, new RegExp(`text ${n}`));
      assert.ok(!html.includes('text D5'), 'D5 is the fourth level');
      assert.match(html, /<div class="ospo-embed ospo-embed-limit" role="note"><span class="ospo-embed-reason">Not embedded: embeds nest deeper than 3 levels\.<\/span> <a class="ospo-embed-link" href="vault:\/D5\.md">D5<\/a><\/div>/);

      const shallow = render('D1.md', NOTES['D1.md'], { maxEmbedDepth: () => 1 });
      assert.match(shallow, /text D2/);
      assert.ok(!shallow.includes('text D3'));
      assert.match(shallow, /deeper than 1 levels/);
    });

    it('shows a box with the reason for a missing note, heading or block', () => {
      const html = render('M.md', '![[Nope]]\n\n![[WHO#Nope]]\n\n![[OpenSource#^zzz]]\n\n![[<b>x</b>]]\n');
      assert.match(html, /<div class="ospo-embed ospo-embed-missing" role="note"><span class="ospo-embed-reason">“Nope” is not in the vault\.<\/span><\/div>/);
      assert.match(html, /ospo-embed-missing" role="note"><span class="ospo-embed-reason">No heading “Nope” in WHO\.<\/span>/);
      assert.match(html, /ospo-embed-missing" role="note"><span class="ospo-embed-reason">No block \^zzz in OpenSource\.<\/span>/);
      assert.match(html, /“&lt;b&gt;x&lt;\/b&gt;” is not in the vault\./);
      assert.ok(!html.includes('<b>x'));
    });

    it('escapes HTML written in an embedded note, and the embed title', () => {
      const html = render('H.md', '<b>top-level html stays html</b>\n\n![[Html|<i>title</i>]]\n');
      assert.match(html, /<b>top-level html stays html<\/b>/);
      const embed = between(html, '<div class="ospo-embed ospo-embed-note"', '\n</div>\n</div>');
      assert.match(embed, /Text with &lt;b&gt;bold&lt;\/b&gt; and &lt;script&gt;alert\(1\)&lt;\/script&gt; inline\./);
      assert.match(embed, /&lt;div class=&quot;raw&quot;&gt;/);
      assert.ok(!embed.includes('<script'), embed);
      assert.ok(!embed.includes('<div class="raw"'), embed);
      assert.ok(!embed.includes('an html comment'), 'HTML comments stay hidden');
      assert.match(embed, /<a class="ospo-embed-link" href="vault:\/Html\.md">&lt;i&gt;title&lt;\/i&gt;<\/a>/);
    });
  });

  describe('attachments', () => {
    it('sizes image embeds from the alias slot', () => {
      const html = render('I.md', '![[img.png]] ![[img.png|100]] ![[img.png|100x200]] ![[img.png|a diagram]]\n');
      assert.match(html, /<img src="res:\/attachments\/img\.png" alt="img\.png" class="ospo-embed-image">/);
      assert.match(html, /<img src="res:\/attachments\/img\.png" alt="img\.png" class="ospo-embed-image" width="100">/);
      assert.match(html, /<img src="res:\/attachments\/img\.png" alt="img\.png" class="ospo-embed-image" width="100" height="200">/);
      assert.match(html, /<img src="res:\/attachments\/img\.png" alt="a diagram" class="ospo-embed-image">/);
    });

    it('resolves markdown image embeds of vault files with the engine (R5.6)', () => {
      const html = render('I.md', '![logo|50](img.png "The logo") ![external](https://example.com/x.png)\n');
      assert.match(html, /<img src="res:\/attachments\/img\.png" alt="logo" class="ospo-embed-image" width="50" title="The logo">/);
      assert.match(html, /<img src="https:\/\/example\.com\/x\.png" alt="external">/);
    });

    it('embeds a PDF page as a frame plus a visible link', () => {
      const html = render('P.md', '![[ospo_infographic.pdf#page=3]]\n');
      assert.match(html, /<div class="ospo-embed ospo-embed-pdf">\n<iframe class="ospo-embed-pdf-frame" src="res:\/ospo_infographic\.pdf#page=3" title="ospo_infographic\.pdf"><\/iframe>/);
      assert.match(html, /<a class="ospo-embed-link" href="vault:\/ospo_infographic\.pdf#page=3">ospo_infographic\.pdf, page 3<\/a>/);
    });

    it('leaves the PDF frame out when the host cannot show frames, keeping the link', () => {
      const html = render('P.md', '> [!info]- OSPO infographic\n> ![](ospo_infographic.pdf)\n', { pdfFrames: () => false });
      assert.ok(!html.includes('<iframe'), html);
      assert.match(html, /<div class="ospo-embed ospo-embed-pdf">\n<div class="ospo-embed-title"><a class="ospo-embed-link" href="vault:\/ospo_infographic\.pdf">ospo_infographic\.pdf<\/a><\/div>\n<\/div>/);
    });

    it('gives a lone markdown embed its paragraph back when it is left to the image rule', () => {
      const html = render('P.md', '![](missing.pdf)\n');
      assert.match(html, /^<p><img src="missing\.pdf" alt=""><\/p>\n$/);
    });

    it('embeds audio and video as players, other files as links', () => {
      const extra = new FileLookup([...files.paths(), 'a.mp3', 'v.mp4', 'board.canvas']);
      for (const f of ['a.mp3', 'v.mp4', 'board.canvas']) fs.writeFileSync(path.join(root, f), 'x');
      const html = render('A.md', '![[a.mp3]] ![[v.mp4]]\n\n![[board.canvas]]\n', { vaultFor: () => ({ root, files: extra }) });
      assert.match(html, /<audio class="ospo-embed-audio" controls src="res:\/a\.mp3" title="a\.mp3"><\/audio>/);
      assert.match(html, /<video class="ospo-embed-video" controls src="res:\/v\.mp4" title="v\.mp4"><\/video>/);
      assert.match(html, /<p><a class="ospo-embed-file" href="vault:\/board\.canvas">board\.canvas<\/a><\/p>/);
    });
  });

  describe('reads stay inside the vault', () => {
    it('refuses paths that climb out of the vault', () => {
      const html = render('Leaks.md', '![](../../etc/passwd)\n\n![[../../etc/passwd]]\n');
      assert.equal(html.split('is outside the vault.').length, 3, html);
      assert.ok(!html.includes('root:'), 'no file content');
      assert.deepEqual(reads, []);
    });

    it('refuses symlinks that lead out of the vault, for notes, folders and attachments', () => {
      const html = render('Leaks.md', '![[leak]]\n\n![[linked/secret]]\n\n![[leak.png]]\n');
      assert.ok(!html.includes('TOP SECRET'), html);
      assert.equal(html.split('leads outside the vault (a link or symlink); it is not read.').length, 4, html);
      assertNoReadsOutside();
      assert.ok(!reads.some((r) => r.includes('secret')), 'the target was never read');
    });
  });

  describe('notes over the size limit', () => {
    it('embeds a 1.5 GB (sparse) note as too large without reading it', () => {
      const huge = path.join(root, 'Huge.md');
      fs.writeFileSync(huge, '');
      fs.truncateSync(huge, 1.5 * 1024 * 1024 * 1024);
      try {
        const rssBefore = process.memoryUsage().rss;
        const html = render('Embeds huge.md', '![[Huge]]\n', { vaultFor: (doc) => (doc.startsWith(root + path.sep) ? { root, files: new FileLookup(['Huge.md']) } : undefined) });
        const grown = process.memoryUsage().rss - rssBefore;
        assert.ok(html.includes('Note is 1536.0 MB, over the 10 MB limit'), html);
        assert.deepEqual(reads, [], 'the file was never read');
        assert.ok(grown < 32 * 1024 * 1024, `RSS grew by ${(grown / 1048576).toFixed(1)} MB`);
      } finally {
        fs.rmSync(huge);
      }
    });
  });

  describe('callouts', () => {
    it('renders the user note’s collapsed callout with the PDF inside', () => {
      const html = render('public/tech/OSPO.md', OSPO);
      const callout = between(html, '<details class="ospo-callout ospo-callout-info" data-callout="info">', '</details>');
      assert.match(callout, /^\n<summary class="ospo-callout-title"><span class="ospo-callout-icon" aria-hidden="true">[^<]+<\/span><span class="ospo-callout-title-inner">OSPO infographic<\/span><\/summary>/);
      assert.match(callout, /<iframe class="ospo-embed-pdf-frame" src="res:\/ospo_infographic\.pdf"/);
      assert.match(callout, /<a class="ospo-embed-link" href="vault:\/ospo_infographic\.pdf">ospo_infographic\.pdf<\/a>/);
    });

    it('folds with `-` closed and `+` open, titles by type, maps aliases, and nests', () => {
      const html = render('C.md', [
        '> [!tip]+ Open tip',
        '> tip body with [[WHO]]',
        '',
        '> [!summary]',
        '> > [!FAQ]- Inner *question*',
        '> > nested body',
        '',
        '> [!custom-thing] Custom',
        '> custom body',
        '',
        '> plain quote',
      ].join('\n'));
      assert.match(html, /<details class="ospo-callout ospo-callout-tip" data-callout="tip" open="">\n<summary class="ospo-callout-title">.*<span class="ospo-callout-title-inner">Open tip<\/span><\/summary>\n<div class="ospo-callout-content">\n<p>tip body with <a class="ospo-wikilink" href="vault:\/WHO\.md"/);
      assert.match(html, /<div class="ospo-callout ospo-callout-abstract" data-callout="summary">\n<div class="ospo-callout-title">.*<span class="ospo-callout-title-inner">Summary<\/span><\/div>\n<div class="ospo-callout-content">\n<details class="ospo-callout ospo-callout-question" data-callout="faq">\n<summary class="ospo-callout-title">.*<span class="ospo-callout-title-inner">Inner <em>question<\/em><\/span><\/summary>\n<div class="ospo-callout-content">\n<p>nested body<\/p>\n<\/div>\n<\/details>\n<\/div>\n<\/div>/);
      assert.match(html, /<div class="ospo-callout ospo-callout-note" data-callout="custom-thing">/, 'unknown types look like note');
      assert.match(html, /<blockquote>\n<p>plain quote<\/p>\n<\/blockquote>/);
    });
  });

  describe('inline syntax', () => {
    it('renders ==highlights== as <mark>', () => {
      const html = render('H.md', 'a ==marked **bold**== b, a == b, \\==not==\n');
      assert.match(html, /a <mark>marked <strong>bold<\/strong><\/mark> b, a == b, ==not==/);
    });

    it('hides %%comments%%, inline and across lines, links inside them included', () => {
      const html = render('C.md', 'Visible %%hidden inline%% text\n\n%%\nsecret block [[WHO]]\n%%\n\nafter\n');
      assert.match(html, /<p>Visible  text<\/p>/);
      assert.ok(!html.includes('hidden'));
      assert.ok(!html.includes('secret'));
      assert.ok(!html.includes('WHO'));
      assert.match(html, /<p>after<\/p>/);
    });

    it('hides ^blockid markers at line ends, and ids standing alone after a list', () => {
      const html = render('B.md', 'Para text ^abc123\n\n- one ^item-1\n- two\n\n^list-id\n\nx `code ^kept`\n');
      assert.match(html, /<p>Para text<\/p>/);
      assert.match(html, /<li>one<\/li>/);
      assert.ok(!html.includes('abc123') && !html.includes('item-1') && !html.includes('list-id'), html);
      assert.ok(!html.includes('<p></p>'));
      assert.match(html, /<code>code \^kept<\/code>/, 'code is not touched');
    });
  });

  describe('inside VS Code’s markdown engine', () => {
    /** What VS Code's engine adds around extension plugins: line data on every block, `data-href`, image `data-src`. */
    function vscodeLike(md: MarkdownIt): void {
      md.core.ruler.push('source_map_data_attribute', (state) => {
        for (const token of state.tokens) {
          if (token.map && token.type !== 'inline') {
            token.attrSet('data-line', String(token.map[0]));
            token.attrJoin('class', 'code-line');
          }
        }
      });
      const image = md.renderer.rules.image!;
      md.renderer.rules.image = (tokens, idx, opts, env, self) => {
        const src = tokens[idx].attrGet('src');
        if (src && !tokens[idx].attrGet('data-src')) tokens[idx].attrSet('data-src', String(src));
        return image(tokens, idx, opts, env, self);
      };
      // Its link renderer: `data-href` (what a click opens) copied from `href`, then the rule it wraps.
      const linkOpen = md.renderer.rules.link_open;
      md.renderer.rules.link_open = (tokens, idx, opts, env, self) => {
        const href = tokens[idx].attrGet('href');
        if (typeof href === 'string') tokens[idx].attrSet('data-href', href);
        return linkOpen ? linkOpen(tokens, idx, opts, env, self) : self.renderToken(tokens, idx, opts);
      };
    }

    it('gives a markdown link to a note the note’s href in data-href too, which VS Code opens on a click', () => {
      const { md } = setup();
      vscodeLike(md);
      const html = md.render('[the office](WHO#OSPO) [web](https://example.org)\n', { currentDocument: path.join(root, 'public', 'V.md') });
      assert.match(html, /<a href="vault:\/WHO\.md#ospo" data-href="vault:\/WHO\.md#ospo">the office<\/a>/);
      assert.match(html, /<a href="https:\/\/example\.org" data-href="https:\/\/example\.org">web<\/a>/);
    });

    it('parses with an empty env, renders cached tokens with the document Uri', () => {
      const { md } = setup();
      vscodeLike(md);
      const text = '## Links\n\n[[WHO#OSPO]]\n\n![[WHO#OSPO]]\n\n![[img.png|10]]\n';
      const tokens = md.parse(text, {});
      const uri = { scheme: 'file', fsPath: path.join(root, 'V.md') };
      const html = md.renderer.render(tokens, md.options, { currentDocument: uri });
      assert.match(html, /<span id="L1" class="ospo-anchor code-line" data-line="0"><\/span>/);
      assert.match(html, /href="vault:\/WHO\.md#ospo"/);
      assert.match(html, /<div class="ospo-embed ospo-embed-note code-line" data-line="4" data-embed-path="WHO\.md">/, 'the hidden paragraph’s line data moves to the embed');
      const content = between(html, '<div class="ospo-embed-content">', '</div>\n</div>');
      assert.ok(!content.includes('data-line') && !content.includes('code-line'), content);
      assert.match(html, /<img src="res:\/attachments\/img\.png" alt="img\.png" class="ospo-embed-image" width="10" data-src="res:\/attachments\/img\.png">/);
      // The same tokens render again, for another env, identically.
      assert.equal(md.renderer.render(tokens, md.options, { currentDocument: uri }), html);
    });

    it('renders embeds with the renderer itself, not with wrappers plugins put on `render`', () => {
      const { md } = setup();
      const render = md.renderer.render;
      md.renderer.render = function (...args: Parameters<typeof render>) {
        return `<span id="page-marker"></span>\n${render.apply(this, args)}`;
      };
      const html = md.render('![[WHO#OSPO]]\n', { currentDocument: path.join(root, 'V.md') });
      assert.equal(html.split('page-marker').length, 2, html);
      assert.match(html, /The WHO open source programme office\./);
    });

    it('ignores documents that are not files', () => {
      const { md } = setup();
      const html = md.render('[[WHO]]\n', { currentDocument: { scheme: 'untitled', fsPath: 'Untitled-1' } });
      assert.match(html, /<p>\[\[WHO\]\]<\/p>/);
    });
  });

  describe('work stays linear', () => {
    it('parses a target of 2,000 links once, and not again while it is unchanged', () => {
      const text = Array.from({ length: 2000 }, (_, i) => `- [[Target#Heading]] item ${i}`).join('\n');
      const { md, handle } = setup();
      const doc = path.join(root, 'Many.md');
      const html = md.render(text, { currentDocument: doc });
      assert.equal(html.split('href="vault:/Target.md#heading"').length, 2001);
      assert.equal(handle.stats.notesParsed, 1, 'the target once');
      assert.equal(handle.stats.reads, 1);

      md.render(text, { currentDocument: doc });
      assert.equal(handle.stats.notesParsed, 1, 'the unchanged target is not parsed again');
      assert.equal(handle.stats.reads, 2, 'but it is read again, to notice changes');
    });

    it('tokenizes an embedded section once for 2,000 embeds of it', () => {
      const { md, handle } = setup({ maxEmbeds: () => 2000 });
      const text = Array.from({ length: 2000 }, () => '![[Target#Heading]]').join('\n\n');
      const html = md.render(text, { currentDocument: path.join(root, 'Many.md') });
      assert.equal(html.split('Target section text.').length, 2001);
      assert.equal(handle.stats.slicesParsed, 1);
      assert.equal(handle.stats.notesParsed, 1);
    });
  });

  describe('embed budget', () => {
    // 100 notes that each embed all 100: at depth 3 that asks for about a million embeds.
    let dense: string;
    let denseFiles: FileLookup;
    const N = 100;
    const noteText = (i: number): string => `Note ${i} text.\n\n${Array.from({ length: N }, (_, j) => `![[N${j}]]`).join('\n\n')}\n`;

    before(() => {
      dense = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-preview-dense-'));
      for (let i = 0; i < N; i++) fs.writeFileSync(path.join(dense, `N${i}.md`), noteText(i));
      denseFiles = new FileLookup(Array.from({ length: N }, (_, i) => `N${i}.md`));
    });

    after(() => fs.rmSync(dense, { recursive: true, force: true }));

    function renderDense(overrides: Partial<PreviewOptions> = {}): { html: string; ms: number; handle: PreviewPluginHandle } {
      const { md, handle } = setup({ vaultFor: () => ({ root: dense, files: denseFiles }), ...overrides });
      const started = Date.now();
      const html = md.render(noteText(0), { currentDocument: path.join(dense, 'N0.md') });
      return { html, ms: Date.now() - started, handle };
    }

    const count = (html: string, needle: string): number => html.split(needle).length - 1;

    it('renders 100 notes embedding 100 notes within the default budget, fast, with a box saying what was left out', () => {
      const { html, ms, handle } = renderDense();
      assert.ok(ms < 2000, `rendered in ${ms} ms`);
      const shown = count(html, '<div class="ospo-embed ospo-embed-note"');
      assert.ok(shown > 0 && shown <= 200, `${shown} embeds shown`);
      // 2 MB of embedded HTML, plus at most one note's worth past it (checked before each embed).
      assert.ok(html.length < 2.5 * 1024 * 1024, `${html.length} characters`);
      const omitted = count(html, 'class="ospo-embed ospo-embed-omitted"');
      assert.ok(omitted > 0);
      const summary = /<div class="ospo-embed ospo-embed-budget" role="note"><span class="ospo-embed-reason">([\d,]+) embeds were not shown: ([^<]*)<\/span>/.exec(html);
      assert.ok(summary, 'the summary box');
      assert.equal(Number(summary[1].replace(/,/g, '')), omitted, 'the box counts the embeds shown as links');
      assert.ok(html.trimEnd().endsWith('</div>') && html.indexOf('ospo-embed-budget') > html.lastIndexOf('ospo-embed-omitted'), 'the box ends the page');
      // An omitted embed is a link to its note, and nothing of it is read or rendered.
      assert.match(html, /<div class="ospo-embed ospo-embed-omitted" role="note"><span class="ospo-embed-reason">Not embedded \(preview budget\):<\/span> <a class="ospo-embed-link" href="vault:[^"]*\/N\d+\.md">N\d+<\/a><\/div>/);
      assert.ok(handle.stats.reads <= N, `${handle.stats.reads} reads`);
      assert.ok(handle.stats.slicesParsed <= N);
    });

    it('says which limit was reached: the number of embeds, or the size of their HTML', () => {
      const few = renderDense({ maxEmbeds: () => 5 }).html;
      assert.equal(count(few, '<div class="ospo-embed ospo-embed-note"'), 5);
      assert.match(few, /embeds were not shown: the page already shows 5 embedded notes, the limit \(setting ospoNotes\.preview\.maxEmbeds\)\./);

      const small = renderDense({ maxEmbeds: () => Infinity, maxEmbedBytes: () => 64 * 1024 });
      // The budget, one note's worth past it, and a short link for each embed left out.
      const links = count(small.html, 'class="ospo-embed ospo-embed-omitted"');
      assert.ok(links > 0 && small.html.length < 64 * 1024 + 30 * 1024 + links * 250, `${small.html.length} characters, ${links} links`);
      assert.match(small.html, /embeds were not shown: the embedded notes already make \d+ KB of the page, past the limit of 64 KB \(setting ospoNotes\.preview\.maxEmbedKilobytes\)\./);

      const none = renderDense({ maxEmbeds: () => 0 }).html;
      assert.equal(count(none, '<div class="ospo-embed ospo-embed-note"'), 0);
      // N0's embed of itself is a cycle, the other 99 are links.
      assert.equal(count(none, 'class="ospo-embed ospo-embed-omitted"'), N - 1);
      assert.match(none, /99 embeds were not shown/);
    });

    it('grows with the budget, not with what the notes ask for', () => {
      // Ten times the budget, about ten times the page (a generous bound: unbounded, it is ~10^4 times more).
      const small = renderDense({ maxEmbeds: () => 20, maxEmbedBytes: () => Infinity });
      const large = renderDense({ maxEmbeds: () => 200, maxEmbedBytes: () => Infinity });
      assert.ok(large.html.length < small.html.length * 30, `${small.html.length} → ${large.html.length}`);
    });

    it('renders a small vault exactly as without a budget, and with no box', () => {
      for (const [rel, text] of Object.entries(NOTES)) {
        if (!rel.endsWith('.md')) continue;
        const bounded = render(rel, text);
        assert.equal(bounded, render(rel, text, { maxEmbeds: () => Infinity, maxEmbedBytes: () => Infinity }), rel);
        assert.ok(!bounded.includes('ospo-embed-budget') && !bounded.includes('ospo-embed-omitted'), rel);
      }
    });

    it('puts the box on the previewed page only, once, also for an inline embed', () => {
      const html = render('Many.md', 'See ![[Target#Heading]] and ![[Target#Heading]] inline.', { maxEmbeds: () => 1 });
      assert.equal(count(html, 'Target section text.'), 1);
      assert.equal(count(html, 'class="ospo-embed ospo-embed-omitted"'), 1);
      assert.equal(count(html, 'ospo-embed-budget"'), 1);
      assert.match(html, /1 embed was not shown: the page already shows 1 embedded note, the limit/);
      const { md } = setup({ maxEmbeds: () => 0 });
      assert.equal(md.renderInline('![[Target]]', { currentDocument: path.join(root, 'Many.md') }).includes('ospo-embed-budget'), false);
    });
  });

  describe('relativeHref', () => {
    it('writes a path relative to the previewed document, encoded per segment', () => {
      const doc = path.join(path.sep, 'v', 'notes', 'a.md');
      assert.equal(relativeHref(doc, path.join(path.sep, 'v', 'att', 'my pic#1.png')), '../att/my%20pic%231.png');
      assert.equal(relativeHref(doc, path.join(path.sep, 'v', 'notes', 'WHO.md'), 'L5'), 'WHO.md#L5');
    });
  });
});

/** The text after the first `start` up to the next `end`. */
function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  assert.ok(from >= 0, `missing ${start} in:\n${text}`);
  const to = text.indexOf(end, from + start.length);
  assert.ok(to >= 0, `missing ${end} after ${start} in:\n${text}`);
  return text.slice(from + start.length, to);
}
