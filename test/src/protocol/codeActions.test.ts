/**
 * Protocol tests of the code actions over stdio: each quick fix, fix-all and each refactoring, as an editor asks
 * for them (`textDocument/codeAction` with the published diagnostics and `only`), applied as an editor applies a
 * workspace edit (creations first, versioned document edits), and checked by the server's own diagnostics after.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CreateFile, Diagnostic, Range, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { LspTestClient, positionOf } from './lspTestClient';

const VAULT: Record<string, string> = {
  '.obsidian/app.json': '{}',
  'docs/Guide.md': "# Guide\n\n## Getting started\n\nFirst steps. ^start1\n\n## Usage\n\nUse it. ^usage9\n\n## What's new\n",
  'tech/OpenSource.md': '---\ntitle: Open Source\n---\n# Open Source\n',
  'x/Topic.md': '# X\n',
  'y/Topic.md': '# Y\n',
};

describe('code actions over the protocol', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  /** Starts a server on a fresh copy of VAULT plus `notes`, with these `ospoNotes` settings. */
  async function start(notes: Record<string, string>, settings: Record<string, unknown> = {}): Promise<void> {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-actions-'));
    for (const [rel, text] of Object.entries({ ...VAULT, ...notes })) {
      const abs = path.join(root, ...rel.split('/'));
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
    }
    client = new LspTestClient(root);
    client.settings = settings;
    await client.start();
  }

  afterEach(async () => {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  function rel(uri: string): string {
    return path.relative(root, URI.parse(uri).fsPath).split(path.sep).join('/');
  }

  async function actions(note: string, range: Range, only?: string[], diagnostics: Diagnostic[] = client.diagnosticsOf(note)): Promise<CodeAction[]> {
    return client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri(note) },
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    });
  }

  /** The diagnostics of `note` with this code, once published. */
  async function diagnosed(note: string, code: string, count = 1): Promise<Diagnostic[]> {
    await client.waitFor(() => client.diagnosticsOf(note).filter((d) => d.code === code).length === count, `${count} ${code} in ${note}`);
    return client.diagnosticsOf(note).filter((d) => d.code === code);
  }

  /**
   * The actions once the server has indexed the buffer at `version` (it re-parses on the next turn after an
   * edit): until then its actions name the previous version, which an editor would refuse.
   */
  async function actionsAtVersion(note: string, range: Range, only: string[], version: number): Promise<CodeAction[]> {
    for (let attempt = 0; ; attempt++) {
      const list = await actions(note, range, only, []);
      const versions = list.flatMap((a) => (a.edit?.documentChanges ?? []).filter((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === client.uri(note)).map((c) => c.textDocument.version));
      if (versions.length > 0 && versions.every((v) => v === version)) return list;
      if (attempt > 100) assert.fail(`no actions for version ${version} of ${note}: ${JSON.stringify(versions)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  function named(list: CodeAction[], title: string): CodeAction {
    const a = list.find((x) => x.title === title);
    assert.ok(a, `no ${JSON.stringify(title)} among ${JSON.stringify(list.map((x) => x.title))}`);
    return a;
  }

  /**
   * Applies `edit` as an editor does, to the open buffers (by version) and the files on disk: a creation refuses
   * an existing file; a versioned edit of a buffer at another version refuses the whole edit. The result goes to
   * the server as the editor would send it (didChange for buffers, the file on disk otherwise).
   */
  async function applyAsEditor(edit: WorkspaceEdit, buffers: Map<string, TextDocument> = new Map()): Promise<void> {
    assert.equal(edit.changes, undefined, 'no unversioned changes');
    const creations = (edit.documentChanges ?? []).filter((c): c is CreateFile => 'kind' in c && c.kind === 'create');
    const texts = (edit.documentChanges ?? []).filter((c): c is TextDocumentEdit => 'textDocument' in c);
    for (const c of creations) {
      assert.ok(!fs.existsSync(URI.parse(c.uri).fsPath), `${c.uri} exists: a creation must not overwrite it`);
      assert.equal(c.options?.overwrite, undefined);
    }
    for (const t of texts) {
      const open = buffers.get(t.textDocument.uri);
      if (open) assert.equal(t.textDocument.version, open.version, 'the edit names the buffer’s version');
      else assert.equal(t.textDocument.version, null, 'a file that is not open is edited as the file on disk');
    }
    for (const c of creations) {
      fs.mkdirSync(path.dirname(URI.parse(c.uri).fsPath), { recursive: true });
      fs.writeFileSync(URI.parse(c.uri).fsPath, '');
    }
    const events: Array<{ uri: string; type: number }> = creations.map((c) => ({ uri: c.uri, type: 1 }));
    for (const t of texts) {
      const open = buffers.get(t.textDocument.uri);
      const file = URI.parse(t.textDocument.uri).fsPath;
      const before = open ? open.getText() : fs.readFileSync(file, 'utf8');
      const after = TextDocument.applyEdits(TextDocument.create(t.textDocument.uri, 'markdown', 0, before), t.edits as TextEdit[]);
      if (open) {
        await client.change(rel(t.textDocument.uri), after);
        buffers.set(t.textDocument.uri, TextDocument.create(t.textDocument.uri, 'markdown', open.version + 1, after));
      } else {
        fs.writeFileSync(file, after);
        if (!creations.some((c) => c.uri === t.textDocument.uri)) events.push({ uri: t.textDocument.uri, type: 2 });
      }
    }
    if (events.length > 0) await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: events });
  }

  async function openNote(note: string): Promise<Map<string, TextDocument>> {
    const text = await client.open(note);
    return new Map([[client.uri(note), TextDocument.create(client.uri(note), 'markdown', 1, text)]]);
  }

  const whole: Range = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };

  it('creates the missing note in the folder for new notes, from the template, the link then resolving', async () => {
    await start({ 'notes/today.md': 'See [[New idea]].\n' }, { newNoteFolder: 'inbox', newNoteTemplate: '# {{title}}\n\nFrom a link.\n' });
    const [d] = await diagnosed('notes/today.md', 'unresolved-link');
    const create = named(await actions('notes/today.md', d.range, undefined, [d]), "Create note 'inbox/New idea.md'");
    assert.equal(create.kind, 'quickfix');
    assert.notEqual(create.isPreferred, true);
    const uri = client.uri('inbox/New idea.md');
    assert.deepEqual(create.edit, {
      documentChanges: [
        { kind: 'create', uri },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# New idea\n\nFrom a link.\n' }] },
      ],
    });
    await applyAsEditor(create.edit!);
    assert.equal(fs.readFileSync(path.join(root, 'inbox', 'New idea.md'), 'utf8'), '# New idea\n\nFrom a link.\n');
    await client.waitFor(() => client.diagnosticsOf('notes/today.md').length === 0, 'the link resolves');
  });

  it('offers no note in a folder the vault ignores: the link would still not resolve', async () => {
    await start({ 'notes/today.md': 'See [[New idea]].\n' }, { newNoteFolder: 'archive', ignoredFolders: ['archive'] });
    const [d] = await diagnosed('notes/today.md', 'unresolved-link');
    assert.deepEqual((await actions('notes/today.md', d.range, ['quickfix'], [d])).map((a) => a.title), []);
  });

  it('writes a title used as a link as [[File|Title]] and keeps the display text, at the buffer’s version', async () => {
    await start({ 'a.md': 'x\n' });
    const buffers = await openNote('a.md');
    const text = 'See [[Open Source]] and [[Open Source|the movement]].\n';
    await client.change('a.md', text);
    buffers.set(client.uri('a.md'), TextDocument.create(client.uri('a.md'), 'markdown', 2, text));
    const ds = await diagnosed('a.md', 'unresolved-link', 2);
    const list = await actions('a.md', whole, ['quickfix'], ds);
    const fixes = list.filter((a) => a.title === "Link to 'OpenSource' with 'Open Source' as its text");
    assert.equal(fixes.length, 2);
    assert.ok(fixes.every((f) => f.isPreferred && f.kind === 'quickfix'));
    assert.deepEqual(((fixes[1].edit!.documentChanges![0] as TextDocumentEdit).edits[0] as TextEdit).newText, '[[OpenSource|the movement]]');
    assert.deepEqual(fixes.map((f) => (f.edit!.documentChanges![0] as TextDocumentEdit).textDocument.version), [2, 2]);
    await applyAsEditor(fixes[0].edit!, buffers);
    // The second fix was computed for version 2; the buffer is at version 3 now, so an editor refuses it.
    assert.equal(buffers.get(client.uri('a.md'))!.version, 3);
    assert.equal(buffers.get(client.uri('a.md'))!.getText(), 'See [[OpenSource|Open Source]] and [[Open Source|the movement]].\n');
    await client.waitFor(() => client.diagnosticsOf('a.md').length === 1, 'one link fixed');
  });

  it('picks an existing heading or block for a missing one, closest first', async () => {
    await start({ 'a.md': 'Read [[Guide#Geting started]] and [[Guide#^usage0]].\n' });
    const [h] = await diagnosed('a.md', 'missing-heading');
    const [b] = await diagnosed('a.md', 'missing-block');
    const headingFixes = await actions('a.md', h.range, ['quickfix'], [h]);
    assert.deepEqual(headingFixes.map((a) => a.title).slice(0, 2), ["Link to heading 'Getting started'", "Link to heading 'Guide'"]);
    assert.deepEqual(headingFixes[0].diagnostics, [h]);
    await applyAsEditor(headingFixes[0].edit!);
    await diagnosed('a.md', 'missing-heading', 0);
    const [b2] = await diagnosed('a.md', 'missing-block');
    assert.equal(b2.range.start.character, b.range.start.character + 1, 'the block link moved by the letter added before it');
    const blockFixes = await actions('a.md', b2.range, ['quickfix'], [b2]);
    assert.deepEqual(blockFixes.map((a) => a.title), ["Link to block '^usage9'", "Link to block '^start1'"]);
    await applyAsEditor(blockFixes[0].edit!);
    await client.waitFor(() => client.diagnosticsOf('a.md').length === 0, 'both links resolve');
    assert.equal(fs.readFileSync(path.join(root, 'a.md'), 'utf8'), 'Read [[Guide#Getting started]] and [[Guide#^usage9]].\n');
  });

  it('qualifies an ambiguous link with each candidate', async () => {
    await start({ 'a.md': 'About [[Topic]].\n' });
    const [d] = await diagnosed('a.md', 'ambiguous-link');
    const list = await actions('a.md', d.range, undefined, [d]);
    assert.deepEqual(list.filter((a) => a.kind === 'quickfix').map((a) => a.title), ["Qualify as 'x/Topic'", "Qualify as 'y/Topic'"]);
    await applyAsEditor(named(list, "Qualify as 'y/Topic'").edit!);
    await diagnosed('a.md', 'ambiguous-link', 0);
    assert.equal(fs.readFileSync(path.join(root, 'a.md'), 'utf8'), 'About [[y/Topic]].\n');
  });

  it('gives a duplicate block id a fresh one, and writes a slug fragment as the heading text', async () => {
    await start({ 'a.md': "One. ^dup\n\nTwo. ^dup\n\n[news](docs/Guide.md#whats-new)\n" });
    const [dup] = await diagnosed('a.md', 'duplicate-block-id');
    const [slug] = await diagnosed('a.md', 'heading-slug-fragment');
    const [fresh] = await actions('a.md', dup.range, ['quickfix'], [dup]);
    assert.match(fresh.title, /^Change the block id to '\^[0-9a-f]{6}'$/);
    await applyAsEditor(fresh.edit!);
    await diagnosed('a.md', 'duplicate-block-id', 0);
    const [heading] = await actions('a.md', slug.range, ['quickfix'], [slug]);
    assert.equal(heading.title, "Write the heading as 'What's new'");
    await applyAsEditor(heading.edit!);
    await client.waitFor(() => client.diagnosticsOf('a.md').length === 0, 'no problem left');
    assert.match(fs.readFileSync(path.join(root, 'a.md'), 'utf8'), /^One\. \^dup\n\nTwo\. \^[0-9a-f]{6}\n\n\[news\]\(docs\/Guide\.md#What's%20new\)\n$/);
  });

  it('fixes all unambiguous problems in one edit when asked for source.fixAll, and only then', async () => {
    const text = 'T: [[Open Source]]. W: [o](github.com/x). S: [s](docs/Guide.md#whats-new). Typo: [[Guid]]. Two: [[Topc]].\n';
    await start({ 'a.md': text });
    await client.waitFor(() => client.diagnosticsOf('a.md').length === 5, 'five problems');
    assert.equal((await actions('a.md', whole)).filter((a) => a.kind === 'source.fixAll').length, 0, 'not computed unless asked for');
    for (const only of [['source.fixAll'], ['source']]) {
      const list = await actions('a.md', whole, only, []);
      assert.deepEqual(list.map((a) => [a.kind, a.title]), [['source.fixAll', 'Fix all auto-fixable problems (4)']], JSON.stringify(only));
    }
    const [all] = await actions('a.md', whole, ['source.fixAll'], []);
    await applyAsEditor(all.edit!);
    await client.waitFor(() => client.diagnosticsOf('a.md').length === 1, 'the one that needs a choice is left');
    assert.equal(
      fs.readFileSync(path.join(root, 'a.md'), 'utf8'),
      "T: [[OpenSource|Open Source]]. W: [o](https://github.com/x). S: [s](docs/Guide.md#What's%20new). Typo: [[Guide]]. Two: [[Topc]].\n",
    );
  });

  it('converts a wiki-link to a markdown link and back (refactor.rewrite)', async () => {
    await start({ 'a.md': 'See [[Guide#Usage|how to]].\n' });
    const buffers = await openNote('a.md');
    const at = positionOf('See [[Guide#Usage|how to]].\n', '[[Guide', 3);
    const list = await actionsAtVersion('a.md', { start: at, end: at }, ['refactor'], 1);
    assert.deepEqual(list.map((a) => [a.kind, a.title]), [['refactor.rewrite', 'Convert to markdown link']]);
    assert.deepEqual((list[0].edit!.documentChanges![0] as TextDocumentEdit).textDocument, { uri: client.uri('a.md'), version: 1 });
    await applyAsEditor(list[0].edit!, buffers);
    assert.equal(buffers.get(client.uri('a.md'))!.getText(), 'See [how to](Guide.md#Usage).\n');
    const back = await actionsAtVersion('a.md', { start: at, end: at }, ['refactor.rewrite'], 2);
    assert.deepEqual(back.map((a) => a.title), ['Convert to wiki-link']);
    await applyAsEditor(back[0].edit!, buffers);
    assert.equal(buffers.get(client.uri('a.md'))!.getText(), 'See [[Guide#Usage|how to]].\n');
    assert.deepEqual(await actions('a.md', { start: at, end: at }, ['quickfix']), [], 'only the kinds asked for');
  });

  it('defers an extraction’s edits to codeAction/resolve for a client that resolves them', async () => {
    const text = 'Intro\n\n## Meeting notes\nWe decided X.\n';
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-actions-'));
    for (const [rel, t] of Object.entries({ ...VAULT, 'a.md': text })) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), t);
    }
    client = new LspTestClient(root);
    const init = await client.request<{ capabilities: { codeActionProvider: { resolveProvider?: boolean } } }>('initialize', {
      processId: process.pid,
      rootUri: URI.file(root).toString(),
      workspaceFolders: [{ uri: URI.file(root).toString(), name: 'vault' }],
      capabilities: { textDocument: { codeAction: { resolveSupport: { properties: ['edit'] } } } },
    });
    assert.equal(init.capabilities.codeActionProvider.resolveProvider, true);
    await client.connection.sendNotification('initialized', {});
    await client.waitFor(() => client.notifications.some((n) => n.method === 'ospo/indexed'), 'index');
    const selection: Range = { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } };
    const list = await actions('a.md', selection, ['refactor.extract'], []);
    assert.deepEqual(list.map((a) => [a.title, a.edit]), [
      ["Extract into new note 'Meeting notes.md'", undefined],
      ["Extract into new note 'Meeting notes.md' and embed it", undefined],
    ]);
    const resolved = await client.request<CodeAction>('codeAction/resolve', list[1]);
    assert.equal(resolved.title, list[1].title);
    const uri = client.uri('Meeting notes.md');
    assert.deepEqual(resolved.edit, {
      documentChanges: [
        { kind: 'create', uri },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '## Meeting notes\nWe decided X.\n' }] },
        { textDocument: { uri: client.uri('a.md'), version: null }, edits: [{ range: selection, newText: '![[Meeting notes]]\n' }] },
      ],
    });
    // The selection no longer holds what it did: refused with the reason, nothing written.
    await assert.rejects(client.request('codeAction/resolve', { ...list[0], data: { uri: client.uri('a.md'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } }), /no longer applies/);
  });

  it('extracts the selection into a new note and leaves a link or an embed (refactor.extract)', async () => {
    const text = 'Intro\n\n## Meeting notes\nWe decided X.\n\nOutro\n';
    // Obsidian's settings of the vault: new notes in `inbox`, links written as relative markdown links.
    const app = { newFileLocation: 'folder', newFileFolderPath: 'inbox', useMarkdownLinks: true, newLinkFormat: 'relative' };
    await start({ '.obsidian/app.json': JSON.stringify(app), 'notes/a.md': text, 'B.md': 'Decided in [[a#Meeting notes]].\n' });
    const buffers = await openNote('notes/a.md');
    const selection: Range = { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } };
    const list = await actionsAtVersion('notes/a.md', selection, ['refactor.extract'], 1);
    assert.deepEqual(list.map((a) => a.title), ["Extract into new note 'inbox/Meeting notes.md'", "Extract into new note 'inbox/Meeting notes.md' and embed it"]);
    const embed = list[1];
    const uri = client.uri('inbox/Meeting notes.md');
    assert.deepEqual(embed.edit!.documentChanges!.slice(0, 2), [
      { kind: 'create', uri },
      { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '## Meeting notes\nWe decided X.\n' }] },
    ]);
    // The note linking to the heading that moves is rewritten too: it is not open, so its edit names no version.
    assert.deepEqual(embed.edit!.documentChanges!.slice(2).map((c) => (c as TextDocumentEdit).textDocument), [
      { uri: client.uri('notes/a.md'), version: 1 },
      { uri: client.uri('B.md'), version: null },
    ]);
    await applyAsEditor(embed.edit!, buffers);
    // A rewritten link keeps its own form (a bare wiki name), whatever the vault writes for new links.
    assert.equal(fs.readFileSync(path.join(root, 'B.md'), 'utf8'), 'Decided in [[Meeting notes#Meeting notes]].\n');
    assert.equal(buffers.get(client.uri('notes/a.md'))!.getText(), 'Intro\n\n![](../inbox/Meeting%20notes.md)\n\nOutro\n');
    assert.equal(fs.readFileSync(URI.parse(uri).fsPath, 'utf8'), '## Meeting notes\nWe decided X.\n');
    // Once the server has seen the new file and the buffer (in either order), the embed leads to the new note.
    const reached = async (): Promise<string | undefined> => {
      const def = await client.request<Array<{ uri: string }> | { uri: string } | null>('textDocument/definition', { textDocument: { uri: client.uri('notes/a.md') }, position: { line: 2, character: 5 } });
      return (Array.isArray(def) ? def[0] : def ?? undefined)?.uri;
    };
    for (let attempt = 0; (await reached()) !== uri; attempt++) {
      if (attempt > 200) assert.fail(`the embed does not reach ${uri}: ${await reached()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.deepEqual(client.diagnosticsOf('notes/a.md'), [], 'no problem in the note');
    // B's rewritten link leads to the heading in the new note.
    for (let attempt = 0; ; attempt++) {
      const def = await client.request<Array<{ uri: string; range: Range }> | null>('textDocument/definition', { textDocument: { uri: client.uri('B.md') }, position: { line: 0, character: 14 } });
      if (def?.[0]?.uri === uri) {
        assert.equal(def[0].range.start.line, 0, 'the heading, first line of the new note');
        break;
      }
      if (attempt > 200) assert.fail(`B's link does not reach ${uri}: ${JSON.stringify(def)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  });
});
