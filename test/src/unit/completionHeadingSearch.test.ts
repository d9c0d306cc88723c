import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionList, TextEdit } from 'vscode-languageserver-types';
import { type CompletionOptions, type FeatureContext, parseNote, provideCompletion, searchHeadings, VaultIndex } from '@ospo-notes/engine';

/** Marks the cursor in test texts. */
const CURSOR = '‸';

function vault(notes: Record<string, string>, settings?: FeatureContext['settings']) {
  const texts = new Map(Object.entries(notes));
  const index = new VaultIndex();
  index.load([...texts].map(([p, t]) => parseNote(p, t)), []);
  const ctx: FeatureContext = { index, getText: (p) => texts.get(p), settings };
  return {
    index,
    texts,
    edit(path: string, text: string): void {
      texts.set(path, text);
      index.upsertNote(parseNote(path, text));
    },
    complete(path: string, withCursor: string, options?: CompletionOptions): { list: CompletionList; accept(label: string): string; labels: string[] } {
      const at = withCursor.indexOf(CURSOR);
      const text = withCursor.slice(0, at) + withCursor.slice(at + 1);
      this.edit(path, text);
      const before = text.slice(0, at).split('\n');
      const list = provideCompletion(ctx, path, { line: before.length - 1, character: before[before.length - 1].length }, options);
      return {
        list,
        labels: list.items.map((i) => i.label),
        accept(label: string): string {
          const item = list.items.find((i) => i.label === label);
          assert.ok(item, `no item ${label} among ${list.items.map((i) => i.label).join(', ')}`);
          const doc = TextDocument.create('mem:/x', 'markdown', 1, text);
          return TextDocument.applyEdits(doc, [item.textEdit as TextEdit, ...(item.additionalTextEdits ?? [])]);
        },
      };
    },
  };
}

const NOTES: Record<string, string> = {
  'Current.md': '',
  'people/WHO.md': '# WHO\n\n## Key ideas\n\nText.\n\n## Governance: boards\n\nMore.\n',
  'OSPO.md': '# OSPO\n\n## Ideas for later\n\n## Open source program office\n',
  'projects/Alpha.md': '# Alpha\n\n## Monkey business\n\n### Key ideas\n',
};

describe('completion: vault-wide heading search [[##', () => {
  it('offers headings of every note, with its note and folder, and writes [[Note#Heading]]', () => {
    const v = vault(NOTES);
    const c = v.complete('Current.md', `See [[##key${CURSOR}`);
    // `##` before `###` among equal matches; a substring inside a word (Mon-key) last.
    assert.deepEqual(c.labels, ['Key ideas', 'Key ideas', 'Monkey business']);
    const descriptions = c.list.items.map((i) => i.labelDetails?.description);
    assert.deepEqual(descriptions, ['WHO · people', 'Alpha · projects', 'Alpha · projects']);
    assert.equal(c.list.isIncomplete, true);
    assert.equal(c.accept('Key ideas'), 'See [[WHO#Key ideas]]');
  });

  it('ranks prefix before word start before substring before letters in order', () => {
    const v = vault({
      'Current.md': '',
      'A.md': '# Search tools\n\n# Research notes\n\n# Deep search\n\n# Sea of chairs\n',
    });
    const c = v.complete('Current.md', `[[##sea${CURSOR}`);
    // Both prefixes (the shorter first), a word's prefix, then a substring inside a word.
    assert.deepEqual(c.labels, ['Search tools', 'Sea of chairs', 'Deep search', 'Research notes']);
    const fuzzy = v.complete('Current.md', `[[##rnts${CURSOR}`);
    assert.deepEqual(fuzzy.labels, ['Research notes']);
  });

  it('replaces the whole link, keeps display text and writes the embed form', () => {
    const v = vault(NOTES);
    assert.equal(v.complete('Current.md', `x [[##monk${CURSOR}|shown]] y`).accept('Monkey business'), 'x [[Alpha#Monkey business|shown]] y');
    assert.equal(v.complete('Current.md', `![[##monk${CURSOR}]]`).accept('Monkey business'), '![[Alpha#Monkey business]]');
  });

  it('writes the heading text a link can hold, and a chain for a later duplicate heading', () => {
    const v = vault({
      'Current.md': '',
      'B.md': '# One\n\n## Notes\n\n# Two\n\n## Notes\n\n## Colon: here\n',
    });
    const c = v.complete('Current.md', `[[##note${CURSOR}`);
    const written = c.list.items.map((i) => (i.textEdit as TextEdit).newText).sort();
    assert.deepEqual(written, ['[[B#Notes]]', '[[B#Two#Notes]]']);
    assert.equal(v.complete('Current.md', `[[##colon${CURSOR}`).accept('Colon: here'), '[[B#Colon here]]');
  });

  it("writes the vault's style: a markdown link when the vault writes those", () => {
    const v = vault(NOTES, () => ({ linkFormat: { style: 'markdown', pathForm: 'shortest' } }) as never);
    assert.equal(v.complete('Current.md', `[[##monk${CURSOR}`).accept('Monkey business'), '[Alpha > Monkey business](Alpha.md#Monkey%20business)');
  });

  it('completes ](## in a markdown link with a path and fragment', () => {
    const v = vault(NOTES);
    assert.equal(v.complete('Current.md', `[x](##gover${CURSOR})`).accept('Governance: boards'), '[x](WHO.md#Governance%20boards)');
  });

  it('caps the list and follows heading changes from the index', () => {
    const notes: Record<string, string> = { 'Current.md': '' };
    for (let i = 0; i < 300; i++) notes[`n/${i}.md`] = `# Topic ${i}\n`;
    const v = vault(notes);
    const c = v.complete('Current.md', `[[##topic${CURSOR}`);
    assert.equal(c.list.items.length, 50);
    assert.equal(c.list.isIncomplete, true);
    assert.equal(v.complete('Current.md', `[[##zebra${CURSOR}`).list.items.length, 0);
    v.edit('n/7.md', '# Topic 7\n\n## Zebra crossing\n');
    assert.deepEqual(v.complete('Current.md', `[[##zebra${CURSOR}`).labels, ['Zebra crossing']);
    v.edit('n/7.md', '# Topic 7\n');
    assert.deepEqual(v.complete('Current.md', `[[##zebra${CURSOR}`).labels, []);
  });

  it('finds headings by letters beyond ASCII, digits and punctuation', () => {
    const v = vault({ 'Current.md': '', 'Menu.md': '# Café crème\n\n## 2023 review\n\n## Q&A session\n' });
    assert.deepEqual(v.complete('Current.md', `[[##crè${CURSOR}`).labels, ['Café crème']);
    assert.deepEqual(v.complete('Current.md', `[[##023${CURSOR}`).labels, ['2023 review']);
    assert.deepEqual(v.complete('Current.md', `[[##q&a${CURSOR}`).labels, ['Q&A session']);
  });

  it('searchHeadings keeps the best k and counts every match', () => {
    const notes: Record<string, string> = {};
    for (let i = 0; i < 40; i++) notes[`${i}.md`] = `# Heading ${i}\n\n## Other ${i}\n`;
    const v = vault(notes);
    const { hits, total } = searchHeadings(v.index, (low) => (low.startsWith('heading') ? low.length : -1), { limit: 5 });
    assert.equal(total, 40);
    assert.equal(hits.length, 5);
    // Larger scores first: the two-digit numbers.
    assert.ok(hits.every((h) => h.linkText.length === 'Heading 10'.length));
  });
});
