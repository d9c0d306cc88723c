/**
 * Rename over stdio: prepareRename (accepted, refused with the reason), textDocument/rename of a note, a heading
 * and a block id, and workspace/willRenameFiles for a note, a folder and an attachment, each applied as an editor
 * applies it (versioned edits to open buffers, the files moved), after which the server's index follows
 * (didRenameFiles) and no link is broken.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range, RenameFile, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { parseNote, linkRange } from '@ospo-notes/engine';
import { tempDir } from '../support/tempDirs';
import { copySampleVault, LspTestClient, positionOf, REPO } from './lspTestClient';

const OSPO = 'public/tech/OSPO.md';
const OPEN_SOURCE = 'public/tech/OpenSource.md';
/** The note the sample vault's CERN and OpenSource link to before anyone writes it (its Placeholders view lists it). */
const PLACEHOLDER = 'CERN Open Hardware Licence';
const WHO = 'public/orgs/WHO.md';
const EVENT = 'public/events/2023-11-28.md';
const PERSON = 'private/people/Samuel Mbuthia.md';
const LINKS = 'public/tech/Links.md';

describe('rename over the protocol', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;
  /** The sample vault's own problems before any rename (a web address without a scheme, encoding damage). */
  let initialCounts: number[][];

  beforeEach(async () => {
    root = copySampleVault('rename');
    // Relative markdown links and a folder path, which a folder move must rewrite.
    fs.writeFileSync(path.join(root, LINKS), '# Links\n\n[CERN](../orgs/CERN.md) and [[public/orgs/Github]] and [[CERN]].\n');
    client = new LspTestClient(root);
    await client.start();
    initialCounts = (await client.request<Array<{ errors: number; warnings: number; information: number }>>('ospo/checkVault', {})).map((c) => [c.errors, c.warnings, c.information]);
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const rel = (uri: string): string => path.relative(root, URI.parse(uri).fsPath).split(path.sep).join('/');
  const read = (p: string): string => fs.readFileSync(path.join(root, ...p.split('/')), 'utf8');

  /**
   * Applies a workspace edit as an editor does: an edit of an open buffer must name its version, and changes the
   * buffer (sent as didChange); a closed file changes on disk; renames move the file and are announced with
   * didRenameFiles. `thenMove` moves files afterwards, as the explorer does after willRenameFiles.
   */
  async function apply(edit: WorkspaceEdit, thenMove: Array<[string, string]> = []): Promise<void> {
    assert.equal(edit.changes, undefined, 'no unversioned changes');
    const moved: Array<[string, string]> = [];
    const written: string[] = [];
    for (const change of edit.documentChanges ?? []) {
      if ('textDocument' in change) {
        const p = rel(change.textDocument.uri);
        const open = client.text(p) !== '';
        if (open) {
          const doc = TextDocument.create(change.textDocument.uri, 'markdown', change.textDocument.version ?? 0, client.text(p));
          await client.change(p, TextDocument.applyEdits(doc, change.edits as TextEdit[]));
          fs.writeFileSync(path.join(root, p), client.text(p));
        } else {
          assert.equal(change.textDocument.version, null, `${p} is not open: its edit names no version`);
          const doc = TextDocument.create(change.textDocument.uri, 'markdown', 0, read(p));
          fs.writeFileSync(path.join(root, p), TextDocument.applyEdits(doc, change.edits as TextEdit[]));
          written.push(p);
        }
      } else if (change.kind === 'rename') {
        moved.push([rel(change.oldUri), rel(change.newUri)]);
      } else {
        assert.fail(`unexpected operation ${change.kind}`);
      }
    }
    for (const [from, to] of [...moved, ...thenMove]) {
      fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
      fs.renameSync(path.join(root, from), path.join(root, to));
    }
    // The editor's file watcher reports the files written on disk.
    if (written.length > 0) await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: written.map((p) => ({ uri: client.uri(p), type: 2 })) });
    const files = [...moved, ...thenMove].map(([from, to]) => ({ oldUri: client.uri(from), newUri: client.uri(to) }));
    if (files.length > 0) await client.connection.sendNotification('workspace/didRenameFiles', { files });
  }

  async function expectFailure(work: Promise<unknown>, message: RegExp): Promise<void> {
    await assert.rejects(work, (e: Error) => {
      assert.match(e.message, message);
      return true;
    });
  }

  /**
   * Waits until the running server resolves every link of these notes (as they are now on disk or in their
   * buffer) to its file, and a link with a heading or block to a place below the file's first line: so the server
   * has followed both the moved files and the edited notes (a broken heading link leads to the top of the file).
   */
  async function linksResolve(notes: string[]): Promise<void> {
    for (const p of notes) {
      const text = client.text(p) || read(p);
      for (const link of parseNote(p, text).links) {
        // The sample vault's broken links: a web address written without its scheme, and its placeholder (links
        // to a note not written yet).
        if (link.external || link.path.startsWith('github.com/') || link.path === PLACEHOLDER) continue;
        const position = { line: linkRange(link).start.line, character: linkRange(link).start.character + (link.embed ? 3 : 2) };
        let answer: Array<{ uri: string; range: Range }> = [];
        for (let i = 0; i < 100; i++) {
          answer = await client.request<Array<{ uri: string; range: Range }>>('textDocument/definition', { textDocument: { uri: client.uri(p) }, position });
          if (answer.length > 0 && (link.subpath === undefined || answer[0].range.start.line > 0)) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(answer.length > 0 && (link.subpath === undefined || answer[0].range.start.line > 0), `${p}: ${text.split(/\r?\n/)[linkRange(link).start.line]} resolves (${JSON.stringify(answer)})`);
      }
    }
  }

  /** The running server reports no broken link anywhere (after {@link linksResolve}: its index is current). */
  async function noBrokenLinks(): Promise<void> {
    const checks = await client.request<Array<{ errors: number; warnings: number; information: number }>>('ospo/checkVault', {});
    const linkProblems = new Set(['unresolved-link', 'missing-attachment', 'missing-embed', 'missing-heading', 'missing-block', 'ambiguous-link', 'empty-link', 'link-outside-vault']);
    const broken = [...client.diagnostics].flatMap(([uri, ds]) =>
      ds.filter((d) => linkProblems.has(String(d.code)) && d.message !== `Note '${PLACEHOLDER}' not found in the vault.`).map((d) => `${rel(uri)}: ${d.message}`),
    );
    assert.deepEqual(broken, []);
    assert.deepEqual(checks.map((c) => [c.errors, c.warnings, c.information]), initialCounts, 'the problems the sample vault had before, no more');
  }

  it('announces rename and the file operations it follows', () => {
    const caps = client.initializeResult!.capabilities as { renameProvider: unknown; workspace: { fileOperations: { willRename: { filters: unknown[] }; didRename: unknown } } };
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.deepEqual(caps.workspace.fileOperations.willRename.filters, [
      { scheme: 'file', pattern: { glob: '**/*', matches: 'file' } },
      { scheme: 'file', pattern: { glob: '**/*', matches: 'folder' } },
    ]);
    assert.ok(caps.workspace.fileOperations.didRename);
  });

  it('prepareRename gives the range and the name, or refuses with the reason', async () => {
    const text = await client.open(OSPO);
    const onLink = await client.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(text, '[[WHO#OSPO]]', 3) });
    const start = positionOf(text, '[[WHO#OSPO]]', 2);
    assert.deepEqual(onLink, { range: { start, end: { line: start.line, character: start.character + 3 } }, placeholder: 'WHO' });
    const onHeading = await client.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(text, '[[WHO#OSPO]]', 8) });
    assert.equal(onHeading.placeholder, 'OSPO');
    await expectFailure(
      client.request('textDocument/prepareRename', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(text, 'presentations', 3) }),
      /Nothing to rename here/,
    );
  });

  it('renames a note from a link: links rewritten (open buffers at their version), then the file', async () => {
    const ospo = await client.open(OSPO);
    await client.change(OSPO, ospo.replace('## People', '## People!'));
    const text = await client.open(OPEN_SOURCE);
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: client.uri(OPEN_SOURCE) }, position: positionOf(text, '[[WHO]]', 3), newName: 'World Health Organization' });
    const ops = edit.documentChanges!;
    assert.deepEqual(ops[ops.length - 1], { kind: 'rename', oldUri: client.uri(WHO), newUri: client.uri('public/orgs/World Health Organization.md') } satisfies RenameFile);
    const versions = Object.fromEntries(ops.filter((o): o is TextDocumentEdit => 'textDocument' in o).map((o) => [rel(o.textDocument.uri), o.textDocument.version]));
    assert.deepEqual(versions, { [OSPO]: 2, [OPEN_SOURCE]: 1, [EVENT]: null, [PERSON]: null });
    await apply(edit);
    assert.ok(client.text(OSPO).includes('- [[World Health Organization#OSPO]]'));
    assert.ok(read(EVENT).includes('[[World Health Organization#OSPO|WHO OSPO]]'));
    await linksResolve([OSPO, OPEN_SOURCE, EVENT, PERSON]);
    await noBrokenLinks();
  });

  it("asked again for the rename's own RenameFile (VS Code runs its participants), there is nothing left to do", async () => {
    const text = await client.open(OPEN_SOURCE);
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: client.uri(OPEN_SOURCE) }, position: positionOf(text, '[[WHO]]', 3), newName: 'World Health Organization' });
    // As VS Code applies it: the text edits land in buffers (closed notes are opened with their new text), then
    // the RenameFile runs the file participants, the server's willRenameFiles among them, before the move.
    for (const change of edit.documentChanges ?? []) {
      if (!('textDocument' in change)) continue;
      const p = rel(change.textDocument.uri);
      const before = client.text(p) || read(p);
      const after = TextDocument.applyEdits(TextDocument.create(change.textDocument.uri, 'markdown', 0, before), change.edits as TextEdit[]);
      if (client.text(p)) await client.change(p, after);
      else {
        fs.writeFileSync(path.join(root, p), after);
        await client.open(p);
      }
    }
    const again = await client.request<WorkspaceEdit | null>('workspace/willRenameFiles', { files: [{ oldUri: client.uri(WHO), newUri: client.uri('public/orgs/World Health Organization.md') }] });
    assert.equal(again, null, JSON.stringify(again));
  });

  it('renames a heading and a block id, with every link to them', async () => {
    const who = await client.open(WHO);
    const heading = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: client.uri(WHO) }, position: positionOf(who, '## OSPO', 4), newName: 'Open Source Programme Office' });
    await apply(heading);
    assert.ok(client.text(WHO).includes('## Open Source Programme Office\n'));
    assert.ok(read(OSPO).includes('- [[WHO#Open Source Programme Office]]'));
    assert.ok(read(PERSON).includes('[[WHO#Open Source Programme Office|WHO OSPO]]'));
    await linksResolve([OSPO, PERSON, EVENT, WHO]);
    await noBrokenLinks();

    const ospo = await client.open(OSPO);
    const block = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(ospo, '^1a1526', 2), newName: 'compliance' });
    await apply(block);
    assert.ok(client.text(OSPO).includes('![[OpenSource#^compliance]]'));
    assert.ok(read(OPEN_SOURCE).includes('before anything is published. ^compliance\n'));
    await linksResolve([OSPO]);
    await noBrokenLinks();

    await expectFailure(
      client.request('textDocument/rename', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(client.text(OSPO), '^compliance', 2), newName: 'licence-table' }),
      /already has the block id \^licence-table/,
    );
  });

  it('willRenameFiles for a note: [[WHO#OSPO]] becomes [[World Health Organization#OSPO]] everywhere', async () => {
    await client.open(OSPO);
    const edit = await client.request<WorkspaceEdit>('workspace/willRenameFiles', { files: [{ oldUri: client.uri(WHO), newUri: client.uri('public/orgs/World Health Organization.md') }] });
    assert.ok(edit.documentChanges!.every((c) => 'textDocument' in c), 'the editor moves the file itself');
    const versions = Object.fromEntries(edit.documentChanges!.map((c) => [rel((c as TextDocumentEdit).textDocument.uri), (c as TextDocumentEdit).textDocument.version]));
    assert.deepEqual(versions, { [OSPO]: 1, [OPEN_SOURCE]: null, [EVENT]: null, [PERSON]: null });
    await apply(edit, [[WHO, 'public/orgs/World Health Organization.md']]);
    assert.ok(client.text(OSPO).includes('- [[World Health Organization#OSPO]]'));
    assert.ok(read(OPEN_SOURCE).includes('- [[World Health Organization]] runs an OSPO'));
    await linksResolve([OSPO, OPEN_SOURCE, EVENT, PERSON]);
    await noBrokenLinks();
  });

  it('willRenameFiles for a folder: path links and relative links into it are rewritten', async () => {
    const edit = await client.request<WorkspaceEdit>('workspace/willRenameFiles', { files: [{ oldUri: client.uri('public/orgs'), newUri: client.uri('public/organisations') }] });
    await apply(edit, [['public/orgs', 'public/organisations']]);
    assert.equal(read(LINKS), '# Links\n\n[CERN](../organisations/CERN.md) and [[public/organisations/Github]] and [[CERN]].\n');
    await linksResolve([LINKS, OSPO, 'public/organisations/WHO.md']);
    await noBrokenLinks();
  });

  it('willRenameFiles for an attachment: its embeds are rewritten', async () => {
    const edit = await client.request<WorkspaceEdit>('workspace/willRenameFiles', {
      files: [{ oldUri: client.uri('attachments/ospo_infographic.pdf'), newUri: client.uri('attachments/infographic.pdf') }],
    });
    await apply(edit, [['attachments/ospo_infographic.pdf', 'attachments/infographic.pdf']]);
    assert.ok(read(OSPO).includes('> ![](infographic.pdf)\n'));
    await linksResolve([OSPO]);
    await noBrokenLinks();
  });

  it('willRenameFiles leaves the links alone when ospoNotes.links.updateOnRename is never', async () => {
    const files = { files: [{ oldUri: client.uri(WHO), newUri: client.uri('public/orgs/World Health Organization.md') }] };
    const first = await client.request<WorkspaceEdit | null>('workspace/willRenameFiles', files);
    assert.ok(first?.documentChanges?.length, 'by default the links follow (the editor confirms)');
    client.settings = { links: { updateOnRename: 'never' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    let never: WorkspaceEdit | null = first;
    for (let i = 0; i < 100 && never; i++) {
      never = await client.request<WorkspaceEdit | null>('workspace/willRenameFiles', files);
      if (never) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(never, null);
    // Not even a refusal: the server stays out of the vault's renames.
    assert.equal(await client.request('workspace/willRenameFiles', { files: [{ oldUri: client.uri(WHO), newUri: client.uri('public/orgs/W#HO.md') }] }), null);
  });

  it('willRenameFiles refuses a name links cannot spell, with the reason', async () => {
    await expectFailure(
      client.request('workspace/willRenameFiles', { files: [{ oldUri: client.uri(WHO), newUri: client.uri('public/orgs/W#HO.md') }] }),
      /holds '#', which a link cannot spell/,
    );
  });
});

describe('rename over the protocol: a big rename is planned in slices', function () {
  this.timeout(60000);

  it('answers a request sent after a rename of a note linked 24,000 times before the rename, and the rename is right', async () => {
    const root = tempDir('ospo-rename-big-');
    fs.mkdirSync(path.join(root, '.obsidian'));
    fs.writeFileSync(path.join(root, 'Hub.md'), '# Hub\n');
    fs.writeFileSync(path.join(root, 'Small.md'), '# Small\n\nSee [[Other]].\n');
    fs.writeFileSync(path.join(root, 'Other.md'), '# Other\n');
    for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(root, `S${i}.md`), Array.from({ length: 2000 }, (_, k) => `- ${k} [[Hub]]\n`).join(''));
    const client = new LspTestClient(root);
    try {
      await client.start();
      const answered: string[] = [];
      const rename = client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: client.uri('S0.md') }, position: { line: 0, character: 6 }, newName: 'Centre' }).then((edit) => {
        answered.push('rename');
        return edit;
      });
      const definition = client.request('textDocument/definition', { textDocument: { uri: client.uri('Small.md') }, position: { line: 2, character: 7 } }).then((d) => {
        answered.push('definition');
        return d;
      });
      const [edit, def] = await Promise.all([rename, definition]);
      assert.deepEqual(answered, ['definition', 'rename'], 'the definition waited for the whole rename');
      assert.equal(([] as Array<{ uri?: string; targetUri?: string }>).concat(def as never).map((l) => l.uri ?? l.targetUri)[0], client.uri('Other.md'));
      const perNote = new Map<string, number>();
      for (const change of edit.documentChanges ?? []) {
        if ('textDocument' in change) perNote.set(change.textDocument.uri, (change as TextDocumentEdit).edits.filter((e) => (e as TextEdit).newText === 'Centre').length);
      }
      for (let i = 0; i < 12; i++) assert.equal(perNote.get(client.uri(`S${i}.md`)), 2000, `S${i}.md`);
      assert.ok((edit.documentChanges ?? []).some((c) => 'kind' in c && (c as RenameFile).kind === 'rename'));
    } finally {
      await client.stop();
    }
  });
});
