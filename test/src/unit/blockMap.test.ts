/**
 * The block map (`NoteModel.blocks`) is the one answer to "which block does a `^id` name": the parser fills it,
 * and block-id completion, block search, the addBlockId command and the client's copy-block-reference use it.
 * Regression tests for ids written into code and HTML, and for a block that already has an id (`]]^abc123`)
 * being given a second one; and a differential test over the corpora: the parser's resolution of ids and the map
 * agree, and an id written where the map says lands on the block the map names (the corpora carry no ids of
 * their own, so the second half is what exercises the first there).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CompletionList, TextEdit } from 'vscode-languageserver-types';
import {
  type AddBlockIdArgs,
  addBlockIdEdit,
  type Block,
  blockIdInsertEdit,
  type FeatureContext,
  IDABLE_BLOCK_KINDS,
  type NoteModel,
  noteBlocks,
  packBlocks,
  blockAt,
  blockCount,
  parseNote,
  provideCompletion,
  VaultIndex,
} from '@ospo-notes/engine';
import { applyEdit, blockAtLine, planBlockReference } from '../../../client/out/blockRef';

const CORPORA = path.resolve(__dirname, '../../../test/fixtures/corpora');

function complete(notes: Record<string, string>, current: string, line: string, seed = 1): CompletionList {
  const index = new VaultIndex();
  const texts = new Map(Object.entries({ ...notes, 'Current.md': current + line }));
  index.load([...texts].map(([p, t]) => parseNote(p, t)), []);
  const ctx: FeatureContext = { index, getText: (p) => texts.get(p) };
  const lines = (current + line).split('\n');
  return provideCompletion(ctx, 'Current.md', { line: lines.length - 1, character: lines[lines.length - 1].length }, { blockIdSeed: seed });
}

const CODE_AND_HTML = [
  'Intro paragraph.',
  '',
  '    indented code with zebra words',
  '',
  '<div>',
  'html block with zebra words',
  '</div>',
  '',
  '```',
  'fenced zebra words',
  '```',
].join('\n');

describe('block map: ids are never written into code or HTML', () => {
  it('the map has no code or HTML block, and the parser names none', () => {
    const note = parseNote('Code.md', CODE_AND_HTML);
    assert.deepEqual(noteBlocks(note).map((b) => `${b.kind} ${b.startLine}-${b.endLine}`), ['paragraph 0-0']);
  });

  it('block-id completion and block search offer no code or HTML block', () => {
    const byId = complete({ 'Code.md': CODE_AND_HTML }, '', '[[Code#^zebra');
    assert.deepEqual(byId.items.map((i) => i.label), []);
    const search = complete({ 'Code.md': CODE_AND_HTML }, '', '[[^^zebra');
    assert.deepEqual(search.items.map((i) => i.label), []);
    assert.deepEqual(complete({ 'Code.md': CODE_AND_HTML }, '', '[[^^intro').items.map((i) => i.label), ['Intro paragraph.']);
  });

  it('addBlockId refuses a line of indented code or HTML', () => {
    for (const line of [2, 5, 9]) {
      assert.equal(addBlockIdEdit(CODE_AND_HTML, { path: 'Code.md', line, id: 'abc123' }), undefined, `line ${line}`);
      assert.equal(addBlockIdEdit(CODE_AND_HTML, { path: 'Code.md', line, id: 'abc123', kind: 'paragraph' }), undefined, `line ${line} as a paragraph`);
    }
    assert.equal(addBlockIdEdit(CODE_AND_HTML, { path: 'Code.md', line: 0, id: 'abc123' })!.newText, ' ^abc123');
  });

  it('copy block reference refuses code and HTML lines', () => {
    for (const line of [2, 5, 9]) assert.equal(planBlockReference('Code.md', CODE_AND_HTML, line, 1).ok, false, `line ${line}`);
  });
});

describe('block map: an id written where the map says names the block the map names', () => {
  for (const [name, text] of Object.entries({
    'paragraphs and a setext heading': 'one\ntwo\n\nHead\n====\n\n## ATX',
    'nested list items': '- a\n  - b\n    - c\n- d\n\nafter',
    'quote and callout': '> q1\n> q2\n\n> [!note] T\n> body\n\ntext',
    'a table, and a table inside a list item': '| a | b |\n| - | - |\n| 1 | 2 |\n\n- item\n\n  | x | y |\n  | - | - |\n  | 3 | 4 |\n',
  })) {
    it(name, () => {
      const note = parseNote('N.md', text);
      for (const block of noteBlocks(note).filter((b) => IDABLE_BLOCK_KINDS.has(b.kind))) {
        const named = parseNote('N.md', applyEdit(text, blockIdInsertEdit(text, block, 'zz9test'))).blockIds.filter((b) => b.id === 'zz9test');
        assert.deepEqual(named.map((b) => [b.kind, b.startLine, b.endLine]), [[block.kind, block.startLine, block.endLine]], JSON.stringify(block));
      }
    });
  }
});

describe('block map: a block that has an id keeps it', () => {
  const IMG = 'Text before.\n\n![[img.png]]^abc123\n\nafter (x)^def456\n';

  it('the map carries the ids the parser reads after `]]` and `)`', () => {
    const note = parseNote('Img.md', IMG);
    assert.deepEqual(
      noteBlocks(note).map((b) => [b.kind, b.startLine, b.idLine, b.id]),
      [
        ['paragraph', 0, 0, undefined],
        ['paragraph', 2, 2, 'abc123'],
        ['paragraph', 4, 4, 'def456'],
      ],
    );
  });

  it('block search links `![[img.png]]^abc123` by its id, with no command to write a new one', () => {
    const list = complete({ 'Img.md': IMG, 'img.png.md': '' }, '', '[[^^img');
    const item = list.items.find((i) => i.label === '![[img.png]]');
    assert.ok(item, JSON.stringify(list.items.map((i) => i.label)));
    assert.equal((item.textEdit as TextEdit).newText, 'Img#^abc123]]');
    assert.equal(item.command, undefined);
    assert.equal(item.additionalTextEdits, undefined);
    assert.match(item.detail ?? '', /\^abc123$/);
  });

  it('block-id completion lists `abc123` once, by id, and offers no new id for its block', () => {
    const list = complete({ 'Img.md': IMG }, '', '[[Img#^');
    assert.deepEqual(list.items.map((i) => i.label).sort(), ['Text before.', 'abc123', 'def456']);
  });

  it('addBlockId refuses a block that already has an id', () => {
    const args: AddBlockIdArgs = { path: 'Img.md', line: 2, id: 'c51981', kind: 'paragraph', lineText: '![[img.png]]^abc123' };
    assert.equal(addBlockIdEdit(IMG, args), undefined);
    assert.equal(addBlockIdEdit(IMG, { path: 'Img.md', line: 4, id: 'c51981' }), undefined);
    assert.equal(addBlockIdEdit(IMG, { path: 'Img.md', line: 0, id: 'c51981' })!.newText, ' ^c51981');
  });

  it('copy block reference uses the existing id', () => {
    const plan = planBlockReference('Img.md', IMG, 2, 1);
    assert.deepEqual(plan, { ok: true, subpath: '^abc123' });
  });
});

describe('block map: agrees with the parser on the corpora', function () {
  this.timeout(60_000);

  function* notes(dir: string): Generator<string> {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) yield* notes(p);
      else if (e.name.endsWith('.md')) yield p;
    }
  }

  const key = (b: { kind: string; startLine: number; endLine: number }): string => `${b.kind} ${b.startLine}-${b.endLine}`;

  for (const corpus of fs.readdirSync(CORPORA).filter((d) => fs.statSync(path.join(CORPORA, d)).isDirectory())) {
    it(`${corpus}: every id the parser reads names a block of the map, and an id written where the map says names that block`, () => {
      let written = 0;
      for (const file of notes(path.join(CORPORA, corpus))) {
        const text = fs.readFileSync(file, 'utf8');
        const note: NoteModel = parseNote(path.relative(CORPORA, file), text);
        const byKey = new Map(noteBlocks(note).map((b) => [key(b), b]));
        const firstIdOf = new Map<string, string>();
        for (const b of note.blockIds) {
          const block = byKey.get(key(b));
          assert.ok(block, `${file}: ^${b.id} names ${key(b)}, which is not in the map`);
          if (!firstIdOf.has(key(b))) firstIdOf.set(key(b), b.id);
          assert.equal(block.id, firstIdOf.get(key(b)), `${file}: the map's id of ${key(b)}`);
        }
        for (const block of noteBlocks(note)) {
          if (block.id !== undefined) assert.ok(firstIdOf.has(key(block)), `${file}: ${key(block)} has ^${block.id} the parser does not read`);
        }
        // Writing an id where the map says (a sample of the id-less blocks per note) names exactly that block.
        const open = noteBlocks(note).filter((b) => b.id === undefined && IDABLE_BLOCK_KINDS.has(b.kind));
        const step = Math.max(1, Math.ceil(open.length / 6));
        for (let i = 0; i < open.length; i += step) {
          const block: Block = open[i];
          const after = applyEdit(text, blockIdInsertEdit(text, block, 'zz9test'));
          const named = parseNote('x.md', after).blockIds.filter((b) => b.id === 'zz9test');
          assert.equal(named.length, 1, `${file}: an id for ${key(block)}`);
          assert.equal(key(named[0]), key(block), `${file}: the id written for ${key(block)} names that block`);
          written++;
        }
        // The client's block under each line is a block of the map.
        for (let line = 0; line < note.lineCount; line += 7) {
          const b = blockAtLine(text, line, note);
          if (b) assert.ok(noteBlocks(note).some((x) => isDeepStrictEqual(x, b)));
        }
      }
      assert.ok(written > 50, `${written} ids written`);
    });
  }
});

describe('block map: the packed form', () => {
  const NOTE = [
    '# Title ^h1', // heading with an id
    '',
    'A paragraph. ^p1',
    '',
    '- item one ^li',
    '- item two',
    '  - nested',
    '',
    '> a quote',
    '> more ^q',
    '',
    '> [!info] Callout',
    '> body',
    '',
    '| a | b |',
    '|---|---|',
    '| 1 | 2 |',
    '',
    '^tbl',
    '',
    '```',
    'code',
    '```',
    '^code',
    '',
    'Again. ^p1',
  ].join('\n');

  it('reads back every kind, line and id as the parser found them', () => {
    const note = parseNote('Packed.md', NOTE);
    const blocks = noteBlocks(note);
    assert.equal(blockCount(note), blocks.length);
    assert.deepEqual([...new Set(blocks.map((b) => b.kind))].sort(), ['callout', 'code', 'heading', 'list', 'list-item', 'paragraph', 'quote', 'table']);
    assert.deepEqual(
      blocks.filter((b) => b.id !== undefined).map((b) => `${b.kind} ${b.startLine}-${b.endLine} ^${b.id}`),
      ['heading 0-0 ^h1', 'paragraph 2-2 ^p1', 'list-item 4-4 ^li', 'quote 8-9 ^q', 'table 14-16 ^tbl', 'code 20-22 ^code', 'paragraph 25-25 ^p1'],
    );
    // Packing what was read back gives the same numbers: nothing is lost either way.
    assert.deepEqual(packBlocks(blocks, note.blockIds), note.packedBlocks);
    for (let i = 0; i < blocks.length; i++) assert.deepEqual(blockAt(note, i), blocks[i]);
  });

  it('refuses a block whose id is not one of the block ids it is packed with', () => {
    assert.throws(() => packBlocks([{ kind: 'paragraph', startLine: 0, endLine: 0, idLine: 0, id: 'gone' }], []), /block id gone/);
  });
});
