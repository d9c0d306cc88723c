/**
 * The engine's big-note parser hook (io/load.ts `setBigNoteParser`): the parses it would run in slices, and with a
 * hook every note from the hook's size on, go to the host's parser first (the language server's worker thread).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { offTurnParseCharacters, parseBufferInSlices, parseNote, readAndParse, SLICED_PARSE_CHARACTERS, setBigNoteParser } from '@ospo-notes/engine';

describe('big-note parser hook', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-bignote-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  afterEach(() => setBigNoteParser(undefined));

  it('takes every parse from its size on (read from disk or an edited buffer), and none below', async () => {
    const asked: Array<[string, number]> = [];
    setBigNoteParser(async (rel, text) => {
      asked.push([rel, text.length]);
      return parseNote(rel, text);
    }, 32 * 1024);
    assert.equal(offTurnParseCharacters(), 32 * 1024);
    const big = `# Big\n\n${'[a]('.repeat(10000)}\n\n[[Target]]\n`;
    fs.writeFileSync(path.join(root, 'Big.md'), big);
    fs.writeFileSync(path.join(root, 'Small.md'), '# Small\n[[Target]]\n');
    const fromDisk = await readAndParse(root, 'Big.md');
    assert.deepEqual(fromDisk, parseNote('Big.md', big));
    assert.deepEqual((await readAndParse(root, 'Small.md'))?.links.map((l) => l.path), ['Target']);
    const edited = await parseBufferInSlices('Edited.md', big + 'more [[x]]\n');
    assert.deepEqual(edited.links.map((l) => l.path), ['Target', 'x']);
    assert.deepEqual(asked, [['Big.md', big.length], ['Edited.md', big.length + 'more [[x]]\n'.length]]);
  });

  it('falls back to the parse in slices when the host cannot parse, and is off once cleared', async () => {
    let calls = 0;
    setBigNoteParser(async () => {
      calls++;
      return undefined;
    }, 1024);
    const text = `# T\n\n${'- item [[WHO]]\n'.repeat(200)}`;
    assert.deepEqual(await parseBufferInSlices('T.md', text), parseNote('T.md', text));
    assert.equal(calls, 1);
    setBigNoteParser(undefined);
    assert.equal(offTurnParseCharacters(), SLICED_PARSE_CHARACTERS);
    await parseBufferInSlices('T.md', text);
    assert.equal(calls, 1);
  });
});
