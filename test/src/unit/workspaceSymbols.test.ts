import * as assert from 'node:assert/strict';
import { SymbolKind } from 'vscode-languageserver-types';
import { parseNote, provideWorkspaceSymbols, provideWorkspaceSymbolsAcross, VaultIndex } from '@ospo-notes/engine';

function vault(notes: Record<string, string>) {
  const texts = new Map(Object.entries(notes));
  const index = new VaultIndex();
  index.load([...texts].map(([p, t]) => parseNote(p, t)), []);
  return {
    index,
    getText: (p: string) => texts.get(p),
    edit(p: string, t: string): void {
      texts.set(p, t);
      index.upsertNote(parseNote(p, t));
    },
  };
}

describe('workspace symbols: block ids', () => {
  const NOTES = {
    'people/WHO.md': '# WHO\n\nThe World Health Organization runs an open source programme office since 2023. ^who-ospo\n\n- [ ] call the board about licences ^call\n',
    'Other.md': '> quoted wisdom here\n> more\n\n^wisdom\n',
  };

  it("lists `^id` with the block's first words, located at the id, after notes and headings", () => {
    const v = vault(NOTES);
    const found = provideWorkspaceSymbols(v.index, 'who', 10, undefined, v.getText);
    // The substring matches, best first; a mere subsequence (w…h…o in `^wisdom…`) after them.
    assert.deepEqual(
      found.slice(0, 3).map((s) => [s.name, s.kind, s.containerName]),
      [
        ['WHO', SymbolKind.File, 'people'],
        ['WHO', SymbolKind.String, 'WHO'],
        ['^who-ospo The World Health Organization runs an open source…', SymbolKind.Key, 'WHO'],
      ],
    );
    assert.deepEqual(found.slice(3).map((s) => s.name), ['^wisdom quoted wisdom here more']);
    assert.deepEqual(found[2].location, { path: 'people/WHO.md', range: { start: { line: 2, character: 79 }, end: { line: 2, character: 88 } } });
  });

  it('finds a block by its words, list and quote markers left out', () => {
    const v = vault(NOTES);
    assert.deepEqual(provideWorkspaceSymbols(v.index, 'board licences', 10, undefined, v.getText).map((s) => s.name), ['^call call the board about licences']);
    assert.deepEqual(provideWorkspaceSymbols(v.index, 'wisdom', 10, undefined, v.getText).map((s) => s.name), ['^wisdom quoted wisdom here more']);
  });

  it("follows edits of a block's text and of its id", () => {
    const v = vault(NOTES);
    assert.equal(provideWorkspaceSymbols(v.index, 'zebra', 10, undefined, v.getText).length, 0);
    v.edit('Other.md', '> a zebra crossing\n\n^wisdom\n');
    assert.deepEqual(provideWorkspaceSymbols(v.index, 'zebra', 10, undefined, v.getText).map((s) => s.name), ['^wisdom a zebra crossing']);
    v.edit('Other.md', '> a zebra crossing\n\n^stripes\n');
    assert.deepEqual(provideWorkspaceSymbols(v.index, 'zebra', 10, undefined, v.getText).map((s) => s.name), ['^stripes a zebra crossing']);
  });

  it('caps the results of all vaults together, best first', () => {
    const a: Record<string, string> = {};
    const b: Record<string, string> = {};
    for (let i = 0; i < 400; i++) a[`a${i}.md`] = `# Topic number ${i}\n`;
    for (let i = 0; i < 400; i++) b[`b${i}.md`] = `# Topic ${i}\n`;
    b['topic.md'] = '';
    const va = vault(a);
    const vb = vault(b);
    const found = provideWorkspaceSymbolsAcross([va, vb], 'topic', 500);
    assert.equal(found.length, 500);
    // The note named exactly `topic` first, then the shorter headings of the second vault.
    assert.deepEqual([found[0].source, found[0].symbol.name], [1, 'topic']);
    assert.ok(found.slice(1, 401).every((f) => f.source === 1), 'the closer matches of vault b come before vault a');
    assert.ok(found.slice(401).every((f) => f.source === 0));
  });
});
