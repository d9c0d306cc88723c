import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { FileLookup } from '@ospo-notes/engine';
import { obsidianPreviewPlugin, type PreviewOptions } from '../../../client/out/preview/plugin';

const NOTES: Record<string, string> = {
  'Mid.md': '---\nvisibility: public\n---\nMIDDLE TEXT\n\n![[Secret]]\n\n![[Site]]\n',
  'Secret.md': '---\nvisibility: private\n---\nSECRET TEXT\n',
  'Site.md': '---\nvisibility: public\n---\nSITE TEXT\n',
  'Unmarked.md': 'UNMARKED TEXT\n',
};

const PUBLIC = '---\nvisibility: public\n---\n';
const PRIVATE = '---\nvisibility: private\n---\n';

describe('preview plugin: visibility', () => {
  let root: string;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-preview-visibility-'));
    for (const [rel, text] of Object.entries(NOTES)) fs.writeFileSync(path.join(root, rel), text);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  function render(text: string, overrides: Partial<PreviewOptions> = {}): string {
    const md = new MarkdownIt({ html: true });
    obsidianPreviewPlugin(md, {
      vaultFor: (doc) => (doc.startsWith(root + path.sep) ? { root, files: new FileLookup([...Object.keys(NOTES), 'Top.md']) } : undefined),
      readFile: (abs) => fs.readFileSync(abs),
      toHref: (abs) => `vault:/${path.basename(abs)}`,
      resourceUri: (abs) => `res:/${path.basename(abs)}`,
      ...overrides,
    });
    return md.render(text, { currentDocument: path.join(root, 'Top.md') });
  }

  const privateBoxes = (html: string): string[] => [...html.matchAll(/<(div|span) class="ospo-embed ospo-embed-private"[^>]*>(.*?)<\/\1>/g)].map((m) => m[2]);

  it('shows a private note embedded in a public one as a box naming it, not its text', () => {
    const html = render(`${PUBLIC}![[Secret]]\n`);
    assert.ok(!html.includes('SECRET TEXT'), html);
    assert.deepEqual(privateBoxes(html), [
      '<span class="ospo-embed-reason">Private note, not shown in a public note:</span> <a class="ospo-embed-link" href="vault:/Secret.md">Secret</a>',
    ]);
  });

  it('withholds a private note two embeds down, and shows the public notes around it', () => {
    const html = render(`${PUBLIC}TOP TEXT\n\n![[Mid]]\n`);
    assert.match(html, /TOP TEXT/);
    assert.match(html, /MIDDLE TEXT/);
    assert.match(html, /SITE TEXT/);
    assert.ok(!html.includes('SECRET TEXT'), html);
    assert.equal(privateBoxes(html).length, 1);
    // The box sits inside the middle note's embed.
    assert.ok(html.indexOf('MIDDLE TEXT') < html.indexOf('ospo-embed-private'));
  });

  it('withholds a private note embedded inside a paragraph too, keeping the text around it', () => {
    const html = render(`${PUBLIC}\nBefore ![[Secret]] after.\n`);
    assert.match(html, /Before <div class="ospo-embed ospo-embed-private" role="note">/);
    assert.match(html, / after\.<\/p>/);
    assert.ok(!html.includes('SECRET TEXT'));
  });

  it('a private note, or one without a visibility under the private default, shows every embed', () => {
    for (const top of [PRIVATE, '']) {
      const html = render(`${top}![[Secret]]\n\n![[Mid]]\n`);
      assert.equal(html.split('SECRET TEXT').length - 1, 2, html);
      assert.deepEqual(privateBoxes(html), []);
    }
  });

  it('follows ospoNotes.visibility.default for notes without a visibility', () => {
    // Private by default: an unmarked note embedded in a public one is withheld.
    const byDefault = render(`${PUBLIC}![[Unmarked]]\n`);
    assert.ok(!byDefault.includes('UNMARKED TEXT'));
    assert.equal(privateBoxes(byDefault).length, 1);
    // Public by default: it is shown, and an unmarked previewed note is public, so Secret is withheld.
    const publicDefault = { defaultVisibility: () => 'public' as const };
    assert.match(render(`${PUBLIC}![[Unmarked]]\n`, publicDefault), /UNMARKED TEXT/);
    const unmarkedTop = render('![[Secret]]\n', publicDefault);
    assert.ok(!unmarkedTop.includes('SECRET TEXT'));
    assert.equal(privateBoxes(unmarkedTop).length, 1);
  });
});
