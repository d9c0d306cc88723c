/**
 * Big notes: the block parse in windows gives exactly the model of a whole-document parse, the sliced parse
 * the same model as the plain one, a note's links are modelled up to a limit and counted beyond it, and the
 * index compares aliased YAML without expanding it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportChanges, MAX_NOTE_LINKS, noteBlocks, noteDiagnostics, parseNote, parseNoteInSlices, VaultIndex } from '@ospo-notes/engine';
import { prng } from '../support/prng';

const REPO = path.resolve(__dirname, '../../..');
/** A window larger than any note here: one window, the whole-document parse. */
const WHOLE = 1e9;

function notesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...notesUnder(p));
    else if (e.name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** Lines that open, continue, nest and end every kind of block, lists of each marker above all. */
const FRAGMENTS = [
  '- a [[x]]', '* b', '+ c', '1. one', '2) two', '10. ten', '  - nested [[y]]', '    - deep', '   lazy continuation', '', '',
  '> quote [[q]]', '> - quoted item', '> [!note] t', '```', '~~~', '    code', '<div>', '</div>', '# H', '## H2 ^id', 'Setext', '===',
  '---', '| a | b |', '| - | - |', '| c | d |', '^blk', 'text ^abc', '%%', '%% c %%', '[a]: http://x', '[r](y.md)', '$$', '- [ ] task',
  '-', '1.', '  ', '\t- tab', '<!-- c', '-->', '- ```', '  ```', '  code in item', '- > quote in item', '  > more',
];

describe('parser: block windows and big notes', function () {
  this.timeout(120000);

  it('gives every fixture note the model of a whole-document parse, however small the windows', () => {
    const files = notesUnder(path.join(REPO, 'test', 'fixtures'));
    assert.ok(files.length > 100, `${files.length} fixture notes`);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const whole = JSON.stringify(parseNote('N.md', text, WHOLE));
      for (const lines of [1, 2, 3, 5, 8]) assert.equal(JSON.stringify(parseNote('N.md', text, lines)), whole, `${path.relative(REPO, f)}, windows of ${lines} lines`);
    }
  });

  it('gives random mixes of lists, quotes, fences, tables and html the model of a whole-document parse', () => {
    const next = prng(7);
    for (let t = 0; t < 1500; t++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 40) }, () => FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]).join('\n');
      const whole = JSON.stringify(parseNote('N.md', text, WHOLE));
      for (const lines of [1, 2, 3, 4, 6]) assert.equal(JSON.stringify(parseNote('N.md', text, lines)), whole, `case ${t}, windows of ${lines} lines: ${JSON.stringify(text)}`);
    }
  });

  it('keeps a long list one list across windows: an id after it names the whole list', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `- item ${i}`).join('\n') + '\n\n^whole\n';
    const note = parseNote('N.md', text);
    assert.deepEqual(note.blockIds.map((b) => [b.id, b.kind, b.startLine, b.endLine]), [['whole', 'list', 0, 4999]]);
    assert.equal(noteBlocks(note).filter((b) => b.kind === 'list-item').length, 5000);
  });

  it('parses in slices to the same model', async () => {
    const text = Array.from({ length: 30000 }, (_, i) => `- item ${i} [[WHO]] [[nope ${i}]] %%c%% \`x\``).join('\n') + '\n# End\n';
    assert.equal(JSON.stringify(await parseNoteInSlices('N.md', text, 1)), JSON.stringify(parseNote('N.md', text)));
  });

  it(`models at most ${MAX_NOTE_LINKS} links of a note and reports the rest once, at the first left out`, () => {
    const lines = MAX_NOTE_LINKS / 2 + 100;
    const text = Array.from({ length: lines }, (_, i) => `- item ${i} [[WHO]] [[nope ${i}]]`).join('\n') + '\n## Last\n';
    const note = parseNote('Big.md', text);
    assert.equal(note.links.length, MAX_NOTE_LINKS);
    assert.equal(note.omittedLinks, 200);
    assert.equal(note.links[MAX_NOTE_LINKS - 1].path, `nope ${MAX_NOTE_LINKS / 2 - 1}`);
    // What comes after the links is still parsed: the heading, and every list item's block.
    assert.deepEqual(note.headings.map((h) => h.text), ['Last']);
    assert.equal(noteBlocks(note).filter((b) => b.kind === 'list-item').length, lines);
    const index = new VaultIndex();
    index.load([note, parseNote('WHO.md', '# WHO\n')], []);
    const problems = noteDiagnostics(index, 'Big.md').filter((d) => d.code === 'too-many-links');
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0].range.start, { line: MAX_NOTE_LINKS / 2, character: '- item 12500 '.length });
    assert.match(problems[0].message, new RegExp(`${MAX_NOTE_LINKS + 200} links.*the 200 from line ${MAX_NOTE_LINKS / 2 + 1} on`));
    // A note under the limit has no such problem, and no count.
    const small = parseNote('S.md', '[[a]] [[b]]\n');
    assert.equal(small.omittedLinks, undefined);
    assert.equal(small.readProblems.length, 0);
  });

  it('compares frontmatter built of YAML aliases without expanding them', () => {
    // Seven levels of nine aliases each: 4.8 million strings if written out (seconds to serialise).
    const yaml = ['---', 'a0: &a0 ["lol"]', ...Array.from({ length: 7 }, (_, d) => `a${d + 1}: &a${d + 1} [${Array(9).fill(`*a${d}`).join(', ')}]`)];
    const before = parseNote('L.md', [...yaml, 'x: 1', '---', 'text'].join('\n'));
    const same = parseNote('L.md', [...yaml, 'x: 1', '---', 'text, typed'].join('\n'));
    const changed = parseNote('L.md', [...yaml, 'x: 2', '---', 'text'].join('\n'));
    const started = performance.now();
    assert.equal(exportChanges(before, same).frontmatter, false);
    assert.equal(exportChanges(before, changed).frontmatter, true);
    assert.ok(performance.now() - started < 250, `${(performance.now() - started).toFixed(0)} ms`);
  });
});
