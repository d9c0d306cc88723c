import * as assert from 'node:assert/strict';
import { FileLookup, MovedFileLookup } from '@ospo-notes/engine';

const sorted = (xs: string[]): string[] => [...xs].sort();

describe('FileLookup', () => {
  it('adds, finds and removes files', () => {
    const files = new FileLookup();
    assert.equal(files.add('a/Note.md'), true);
    assert.equal(files.add('a/Note.md'), false);
    assert.equal(files.size, 1);
    assert.ok(files.has('a/Note.md'));
    assert.ok(!files.has('a/note.md'), 'has() is exact');
    assert.equal(files.remove('a/Note.md'), true);
    assert.equal(files.remove('a/Note.md'), false);
    assert.equal(files.size, 0);
    assert.deepEqual(files.withName('note.md'), []);
    assert.deepEqual(files.withPath('a/note.md'), []);
  });

  it('canonicalises paths on the way in', () => {
    const files = new FileLookup(['a\\b\\Cafe\u0301.md', '/x.md']);
    assert.ok(files.has('a/b/Caf\u00e9.md'));
    assert.ok(files.has('x.md'));
    assert.deepEqual([...files.paths()], ['a/b/Caf\u00e9.md', 'x.md']);
    assert.equal(files.add(''), false);
  });

  it('looks up by file name case-insensitively, with and without `.md`', () => {
    const files = new FileLookup(['Log.md', 'people/LOG.md', 'img/Log.png', 'Logbook.md']);
    assert.deepEqual(sorted(files.withName('log.md')), ['Log.md', 'people/LOG.md']);
    assert.deepEqual(sorted(files.withNoteName('LOG')), ['Log.md', 'people/LOG.md']);
    assert.deepEqual(files.withName('LOG.PNG'), ['img/Log.png']);
    assert.deepEqual(files.withName('log'), []);
  });

  it('looks up by whole path case-insensitively', () => {
    const files = new FileLookup(['a/Note.md', 'A/note.md', 'b/Note.md']);
    assert.deepEqual(sorted(files.withPath('a/NOTE.md')), ['A/note.md', 'a/Note.md']);
  });

  it('looks up by path suffix on a `/` boundary', () => {
    const files = new FileLookup(['b/Note.md', 'a/b/Note.md', 'ab/Note.md', 'Note.md', 'b/c/Note.md']);
    assert.deepEqual(sorted(files.withPathSuffix('B/note.md')), ['a/b/Note.md', 'b/Note.md']);
    assert.deepEqual(sorted(files.withPathSuffix('note.md')), sorted([...files.paths()]));
    assert.deepEqual(files.withPathSuffix(''), []);
    assert.deepEqual(files.withPathSuffix('x/Note.md'), []);
  });

  it('matches NFC and NFD spellings of the same name (R3.10)', () => {
    const files = new FileLookup(['Re\u0301sume\u0301.md']);
    assert.deepEqual(files.withNoteName('r\u00e9sum\u00e9'), ['R\u00e9sum\u00e9.md']);
  });

  it('keeps the indexes consistent after removals', () => {
    const files = new FileLookup(['a/Note.md', 'b/Note.md']);
    files.remove('a/Note.md');
    assert.deepEqual(files.withNoteName('note'), ['b/Note.md']);
    assert.deepEqual(files.withPathSuffix('a/note.md'), []);
    files.clear();
    assert.equal(files.size, 0);
    assert.deepEqual(files.withNoteName('note'), []);
  });

  it('serves lookups from a 100,000-file vault by candidates only', () => {
    const files = new FileLookup();
    for (let i = 0; i < 100_000; i++) files.add(`folder${i % 100}/sub${i % 7}/Note ${i}.md`);
    files.add('x/y/Note 42.md');
    assert.equal(files.size, 100_001);
    assert.deepEqual(sorted(files.withNoteName('note 42')), ['folder42/sub0/Note 42.md', 'x/y/Note 42.md']);
    assert.deepEqual(files.withPathSuffix('SUB0/note 42.md'), ['folder42/sub0/Note 42.md']);
    assert.deepEqual(files.withPath('folder99/sub4/note 99999.md'), ['folder99/sub4/Note 99999.md']);
    for (let i = 0; i < 100_000; i += 2) files.remove(`folder${i % 100}/sub${i % 7}/Note ${i}.md`);
    assert.equal(files.size, 50_001);
    assert.deepEqual(files.withNoteName('note 42'), ['x/y/Note 42.md']);
    assert.deepEqual(files.withNoteName('note 43'), ['folder43/sub1/Note 43.md']);
  });

  it('MovedFileLookup answers as the moved file set would, without touching the vault\'s', () => {
    const base = new FileLookup(['a/X.md', 'b/Y.md', 'img/p.png']);
    const moved = new MovedFileLookup(base, new Map([['a/X.md', 'a/Y.md'], ['img/p.png', 'pics/p.png']]));
    assert.equal(moved.size, 3);
    assert.deepEqual(sorted(moved.withNoteName('y')), ['a/Y.md', 'b/Y.md']);
    assert.deepEqual(moved.withNoteName('x'), []);
    assert.deepEqual(moved.withPath('PICS/p.png'), ['pics/p.png']);
    assert.deepEqual(moved.withPathSuffix('img/p.png'), []);
    assert.equal(moved.has('a/X.md'), false);
    assert.equal(moved.has('a/Y.md'), true);
    assert.deepEqual(sorted([...moved.paths()]), ['a/Y.md', 'b/Y.md', 'pics/p.png']);
    assert.deepEqual(sorted([...base.paths()]), ['a/X.md', 'b/Y.md', 'img/p.png'], 'the base is untouched');
    assert.throws(() => moved.add('c.md'), /read-only/);
    // A case-only rename of one file: one file, under its new spelling.
    const recased = new MovedFileLookup(base, new Map([['a/X.md', 'a/x.md']]));
    assert.deepEqual(recased.withNoteName('X'), ['a/x.md']);
  });
});
