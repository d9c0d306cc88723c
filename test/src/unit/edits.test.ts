import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentEdit, TextEdit } from 'vscode-languageserver-types';
import { EditConflictError, WorkspaceEditBuilder } from '@ospo-notes/engine';

const A = { uri: 'file:///v/a.md', version: 7 };
const B = { uri: 'file:///v/b.md', version: null };
const at = (line: number, character: number) => ({ line, character });

describe('workspace edit builder', () => {
  it('puts every text edit in documentChanges with the version it was computed for', () => {
    const edit = new WorkspaceEditBuilder().replace(A, { start: at(0, 2), end: at(0, 5) }, 'X').insert(B, at(1, 0), 'new ').build();
    assert.equal(edit.changes, undefined, 'no unversioned `changes`');
    assert.deepEqual(edit.documentChanges, [
      { textDocument: { uri: A.uri, version: 7 }, edits: [{ range: { start: at(0, 2), end: at(0, 5) }, newText: 'X' }] },
      { textDocument: { uri: B.uri, version: null }, edits: [{ range: { start: at(1, 0), end: at(1, 0) }, newText: 'new ' }] },
    ]);
  });

  it('changes exactly the text of each range, in text order, whatever order they were added in', () => {
    const text = 'one [[Ali]] two\nthree [[Bob]] four\nfive';
    const edit = new WorkspaceEditBuilder()
      .replace(A, { start: at(1, 8), end: at(1, 11) }, 'Robert')
      .insert(A, at(0, 6), 'Alice|')
      .insert(A, at(0, 6), '')
      .replace(A, { start: at(2, 0), end: at(2, 4) }, 'FIVE')
      .build();
    const doc = edit.documentChanges![0] as TextDocumentEdit;
    const starts = doc.edits.map((e) => [e.range.start.line, e.range.start.character]);
    assert.deepEqual(starts, [[0, 6], [0, 6], [1, 8], [2, 0]]);
    const after = TextDocument.applyEdits(TextDocument.create(A.uri, 'markdown', 7, text), doc.edits as TextEdit[]);
    assert.equal(after, 'one [[Alice|Ali]] two\nthree [[Robert]] four\nFIVE');
    // Every byte outside the ranges is untouched: the text around each edit is the original text.
    assert.ok(after.startsWith('one [['));
    assert.ok(after.includes(']] two\nthree [['));
  });

  it('keeps the order of inserts at one position', () => {
    const edit = new WorkspaceEditBuilder().insert(A, at(0, 1), 'b').insert(A, at(0, 1), 'c').insert(A, at(0, 0), 'a').build();
    const doc = edit.documentChanges![0] as TextDocumentEdit;
    assert.equal(TextDocument.applyEdits(TextDocument.create(A.uri, 'markdown', 7, 'xy'), doc.edits as TextEdit[]), 'axbcy');
  });

  it('refuses overlapping edits, inverted or invalid ranges, and two versions of one document', () => {
    const overlap = new WorkspaceEditBuilder().replace(A, { start: at(0, 0), end: at(0, 5) }, 'x').replace(A, { start: at(0, 4), end: at(0, 6) }, 'y');
    assert.throws(() => overlap.build(), EditConflictError);
    const inside = new WorkspaceEditBuilder().replace(A, { start: at(0, 0), end: at(2, 0) }, 'x').insert(A, at(1, 3), 'y');
    assert.throws(() => inside.build(), /overlapping edits/);
    // Touching ranges do not overlap.
    new WorkspaceEditBuilder().replace(A, { start: at(0, 0), end: at(0, 5) }, 'x').replace(A, { start: at(0, 5), end: at(0, 6) }, 'y').build();
    assert.throws(() => new WorkspaceEditBuilder().replace(A, { start: at(0, 5), end: at(0, 4) }, 'x'), /invalid range/);
    assert.throws(() => new WorkspaceEditBuilder().insert(A, at(-1, 0), 'x'), /invalid range/);
    assert.throws(() => new WorkspaceEditBuilder().insert(A, at(0, 1.5), 'x'), /invalid range/);
    assert.throws(() => new WorkspaceEditBuilder().insert(A, at(0, 0), 'x').insert({ uri: A.uri, version: 8 }, at(1, 0), 'y'), /versions 7 and 8/);
  });

  it('creates a note before writing its text, never over an existing file, and never for an open document', () => {
    const uri = 'file:///v/New.md';
    const edit = new WorkspaceEditBuilder().insert({ uri, version: null }, at(0, 0), '# New\n').createFile(uri).build();
    assert.deepEqual(edit.documentChanges, [
      { kind: 'create', uri },
      { textDocument: { uri, version: null }, edits: [{ range: { start: at(0, 0), end: at(0, 0) }, newText: '# New\n' }] },
    ]);
    assert.throws(() => new WorkspaceEditBuilder().createFile(uri).insert({ uri, version: 3 }, at(0, 0), 'x'), EditConflictError);
    assert.throws(() => new WorkspaceEditBuilder().insert({ uri, version: 3 }, at(0, 0), 'x').createFile(uri), EditConflictError);
    assert.throws(() => new WorkspaceEditBuilder().createFile(uri).createFile(uri), /created twice/);
    assert.deepEqual(new WorkspaceEditBuilder().createFile(uri, { ignoreIfExists: true }).build().documentChanges, [{ kind: 'create', uri, options: { ignoreIfExists: true } }]);
  });

  it('puts file renames after every text edit, which name the old URI', () => {
    const edit = new WorkspaceEditBuilder()
      .renameFile('file:///v/a.md', 'file:///v/c.md')
      .replace(A, { start: at(0, 0), end: at(0, 1) }, 'x')
      .build();
    assert.deepEqual(edit.documentChanges, [
      { textDocument: { uri: A.uri, version: 7 }, edits: [{ range: { start: at(0, 0), end: at(0, 1) }, newText: 'x' }] },
      { kind: 'rename', oldUri: 'file:///v/a.md', newUri: 'file:///v/c.md' },
    ]);
    assert.throws(() => new WorkspaceEditBuilder().renameFile('file:///v/a.md', 'file:///v/b.md').renameFile('file:///v/a.md', 'file:///v/c.md'), EditConflictError);
    assert.throws(() => new WorkspaceEditBuilder().renameFile('file:///v/a.md', 'file:///v/b.md').renameFile('file:///v/c.md', 'file:///v/b.md'), EditConflictError);
    assert.equal(new WorkspaceEditBuilder().renameFile('file:///v/a.md', 'file:///v/b.md').isEmpty, false);
  });
});
