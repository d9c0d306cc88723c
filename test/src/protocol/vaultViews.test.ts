/**
 * Protocol tests of the requests behind the Tags, Orphans and Placeholders views (`ospo/tags`, `ospo/orphans`,
 * `ospo/placeholders`, `ospo/createPlaceholderNote`), on a copy of the sample vault, over JSON-RPC.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { copySampleVault, LspTestClient, positionOf } from './lspTestClient';
import {
  CREATE_PLACEHOLDER_NOTE_REQUEST,
  type CreatePlaceholderNoteResult,
  ORPHANS_REQUEST,
  PLACEHOLDERS_REQUEST,
  TAGS_REQUEST,
  type TagTreeNode,
  type VaultOrphans,
  type VaultPlaceholders,
  type VaultTags,
} from '../../../client/out/protocol';

const CERN = 'public/orgs/CERN.md';
const OPEN_SOURCE = 'public/tech/OpenSource.md';

function outline(nodes: TagTreeNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.label} ${n.ownCount}/${n.count}`, ...outline(n.children, depth + 1)]);
}

describe('the vault views over the protocol', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = copySampleVault('views');
    client = new LspTestClient(root);
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('ospo/tags: the sample vault’s tag tree, body and frontmatter tags, #tech only as a parent', async () => {
    const [vault] = await client.request<VaultTags[]>(TAGS_REQUEST, {});
    assert.equal(vault.uri, URI.file(root).toString());
    assert.equal(vault.ready, true);
    assert.deepStrictEqual(outline(vault.tags), [
      'compliance 1/1',
      // The templates' own tags: notes in the templates folder are notes like any other.
      'daily 1/1',
      'event 1/1',
      'health 1/1',
      'meeting 1/1',
      'opensource 1/1',
      'org 3/3',
      'person 1/1',
      'research 1/1',
      'tech 0/2',
      '  git 1/1',
      '  opensource 1/1',
    ]);
    const tech = vault.tags.find((t) => t.name === 'tech')!;
    assert.deepStrictEqual(tech.children.map((c) => c.name), ['tech/git', 'tech/opensource']);
  });

  it('ospo/tags with a tag: the notes tagged with exactly it, each occurrence located; follows an edit', async () => {
    const [org] = await client.request<VaultTags[]>(TAGS_REQUEST, { tag: 'ORG' });
    assert.deepStrictEqual(
      org.notes!.map((n) => [n.path, n.title, n.occurrences.map((o) => [o.range.start.line, o.range.start.character, o.inFrontmatter])]),
      [
        [CERN, 'CERN', [[4, 7, true]]],
        ['public/orgs/Github.md', 'GitHub', [[3, 7, true]]],
        ['public/orgs/WHO.md', 'World Health Organization', [[6, 7, true]]],
      ],
    );
    const [opensource] = await client.request<VaultTags[]>(TAGS_REQUEST, { tag: 'tech/opensource' });
    assert.deepStrictEqual(opensource.notes!.map((n) => [n.path, n.occurrences.map((o) => o.range.start.line)]), [[OPEN_SOURCE, [7]]]);

    const text = await client.open(CERN);
    await client.change(CERN, text + '\nAlso #Tech/Physics here.\n');
    await client.waitFor(() => client.notifications.some((n) => n.method === 'ospo/notesChanged' && (n.params as { paths: string[] }).paths.includes(CERN)), 'notesChanged');
    const [after] = await client.request<VaultTags[]>(TAGS_REQUEST, {});
    assert.deepStrictEqual(outline(after.tags.filter((t) => t.name === 'tech')), ['tech 0/3', '  git 1/1', '  opensource 1/1', '  Physics 1/1']);
  });

  it('ospo/tags refuses a tag that is not a string with a clear error', async () => {
    await assert.rejects(client.request(TAGS_REQUEST, { tag: 42 }), /tag must be a tag name/);
  });

  it('references on #tech list #tech/opensource and #tech/git', async () => {
    const text = await client.open(CERN);
    await client.change(CERN, text + '\nSee #tech\n');
    const lines = (text + '\nSee #tech\n').split('\n');
    const locations = await client.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/references', {
      textDocument: { uri: client.uri(CERN) },
      position: { line: lines.length - 2, character: 6 },
      context: { includeDeclaration: false },
    });
    assert.deepStrictEqual(
      locations.map((l) => [path.relative(root, URI.parse(l.uri).fsPath).split(path.sep).join('/'), l.range.start.line]),
      [
        [CERN, lines.length - 2],
        ['public/orgs/Github.md', 3],
        [OPEN_SOURCE, 7],
      ],
    );
  });

  it('ospo/orphans: notes nothing links to, and a new one as it appears', async () => {
    const [before] = await client.request<VaultOrphans[]>(ORPHANS_REQUEST, {});
    assert.deepStrictEqual(before.orphans, []);
    fs.writeFileSync(path.join(root, 'Loose.md'), '# Loose\n\nSee [[CERN]] and [[Loose]].\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('Loose.md'), type: 1 }] });
    await client.waitFor(() => client.notifications.some((n) => n.method === 'ospo/notesChanged' && (n.params as { paths: string[] }).paths.includes('Loose.md')), 'notesChanged');
    const [after] = await client.request<VaultOrphans[]>(ORPHANS_REQUEST, { uri: URI.file(root).toString() });
    assert.deepStrictEqual(after.orphans, [{ path: 'Loose.md', linksOut: 1 }]);
    assert.deepStrictEqual(await client.request(ORPHANS_REQUEST, { uri: 'file:///not/a/vault' }), []);
  });

  it('ospo/placeholders: the missing note with the two links waiting on it', async () => {
    const [vault] = await client.request<VaultPlaceholders[]>(PLACEHOLDERS_REQUEST, {});
    const cern = fs.readFileSync(path.join(root, CERN), 'utf8');
    const openSource = fs.readFileSync(path.join(root, OPEN_SOURCE), 'utf8');
    const at = (text: string) => positionOf(text, '[[CERN Open Hardware Licence]]');
    assert.deepStrictEqual(vault.placeholders, [
      {
        name: 'CERN Open Hardware Licence',
        path: 'CERN Open Hardware Licence.md',
        links: [
          { source: CERN, range: { start: at(cern), end: { line: at(cern).line, character: at(cern).character + 30 } }, linkpath: 'CERN Open Hardware Licence', embed: false },
          { source: OPEN_SOURCE, range: { start: at(openSource), end: { line: at(openSource).line, character: at(openSource).character + 30 } }, linkpath: 'CERN Open Hardware Licence', embed: false },
        ],
      },
    ]);
  });

  it('ospo/createPlaceholderNote: one workspace edit creating the note from the template; once applied, the links resolve', async () => {
    client.settings = { newNoteFolder: 'public/tech', newNoteTemplate: '---\ntitle: {{title}}\n---\n# {{title}}\n' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    // The server pulls the settings and applies them asynchronously: ask until the folder for new notes applies.
    let target = '';
    for (let i = 0; i < 50 && target === ''; i++) {
      const [v] = await client.request<VaultPlaceholders[]>(PLACEHOLDERS_REQUEST, {});
      if (v.placeholders[0]?.path?.startsWith('public/tech/')) target = v.placeholders[0].path;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(target, 'public/tech/CERN Open Hardware Licence.md', 'the folder for new notes applies');

    const result = await client.request<CreatePlaceholderNoteResult>(CREATE_PLACEHOLDER_NOTE_REQUEST, { uri: URI.file(root).toString(), path: target });
    assert.deepStrictEqual(result, { applied: true, uri: client.uri(target), path: target });
    assert.equal(client.appliedEdits.length, 1);
    const edit: WorkspaceEdit = client.appliedEdits[0].edit;
    const [create, text] = edit.documentChanges as [CreateFile, TextDocumentEdit];
    assert.deepStrictEqual(create, { kind: 'create', uri: client.uri(target) });
    assert.deepStrictEqual(text.textDocument, { uri: client.uri(target), version: null });
    assert.deepStrictEqual(
      text.edits.map((e) => (e as { newText: string }).newText),
      ['---\ntitle: CERN Open Hardware Licence\n---\n# CERN Open Hardware Licence\n'],
    );
    assert.equal(edit.documentChanges!.length, 2);

    // The editor applies it; the watcher reports the new file; nothing waits any more.
    fs.writeFileSync(path.join(root, target), (text.edits[0] as { newText: string }).newText);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(target), type: 1 }] });
    await client.waitFor(() => !client.diagnosticsOf(CERN).some((d) => d.code === 'unresolved-link'), 'the CERN link resolves');
    const [after] = await client.request<VaultPlaceholders[]>(PLACEHOLDERS_REQUEST, {});
    assert.deepStrictEqual(after.placeholders, []);

    // Asked again, it is refused with the reason, and nothing is applied.
    await assert.rejects(client.request(CREATE_PLACEHOLDER_NOTE_REQUEST, { uri: URI.file(root).toString(), path: target }), /No link waits on a note/);
    await assert.rejects(client.request(CREATE_PLACEHOLDER_NOTE_REQUEST, { uri: 'file:///elsewhere', path: target }), /is not a vault of this workspace/);
    await assert.rejects(client.request(CREATE_PLACEHOLDER_NOTE_REQUEST, {}), /needs \{ uri/);
    assert.equal(client.appliedEdits.length, 1);
  });
});
