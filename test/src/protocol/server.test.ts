/**
 * Protocol tests: the real server (`node server/out/main.js --stdio`) on a copy of the sample vault, spoken to
 * over JSON-RPC exactly as an editor would.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CompletionItem, CompletionList, DocumentLink, DocumentSymbol, FoldingRange, Hover, Location, SymbolInformation, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { LspTestClient, positionOf, REPO } from './lspTestClient';

function copySampleVault(): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-protocol-'));
  fs.cpSync(path.join(REPO, 'examples', 'ospo-vault'), dest, { recursive: true });
  return dest;
}

const OSPO = 'public/tech/OSPO.md';
const WHO = 'public/orgs/WHO.md';

describe('language server over stdio', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = copySampleVault();
    client = new LspTestClient(root);
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports indexing progress and publishes diagnostics for notes that are not open', async () => {
    assert.ok(client.notifications.some((n) => n.method === '$/progress'), 'a $/progress report');
    await client.waitFor(() => client.diagnosticsOf(OSPO).length > 0, 'OSPO diagnostics');
    const diags = client.diagnosticsOf(OSPO);
    assert.deepStrictEqual(
      diags.map((d) => [d.code, d.range.start.line, d.range.start.character, d.severity]),
      // The user's link without a scheme, the public note's link to the private Samuel Mbuthia, the mojibake.
      [
        ['missing-scheme', 50, 24, 2],
        ['private-link', 20, 2, 2],
        ['mojibake', 41, 65, 2],
      ],
    );
    const status = await client.request<{ vaults: Array<{ notes: number; files: number; ready: boolean }> }>('ospo/status', {});
    assert.deepStrictEqual(status.vaults.map((v) => [v.notes, v.files, v.ready]), [[9, 10, true]]);
  });

  it('re-publishes another note\'s diagnostics when a heading it links to changes, and back', async () => {
    const who = await client.open(WHO);
    await client.change(WHO, who.replace('## OSPO', '## Open Source Programme Office'));
    await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => d.code === 'missing-heading'), 'missing-heading in OSPO.md');
    const missing = client.diagnosticsOf(OSPO).find((d) => d.code === 'missing-heading')!;
    assert.strictEqual(missing.message, "No heading 'OSPO' in 'WHO'.");
    assert.deepStrictEqual(missing.range, { start: { line: 13, character: 8 }, end: { line: 13, character: 12 } });
    // Samuel Mbuthia's note links [[WHO#OSPO|WHO OSPO]] too.
    await client.waitFor(() => client.diagnosticsOf('private/people/Samuel Mbuthia.md').some((d) => d.code === 'missing-heading'), 'Samuel');
    await client.change(WHO, who);
    await client.waitFor(() => !client.diagnosticsOf(OSPO).some((d) => d.code === 'missing-heading'), 'heading back');
    assert.deepStrictEqual(client.diagnosticsOf('private/people/Samuel Mbuthia.md'), []);
  });

  it('honours the configured severity of unresolved links', async () => {
    const text = await client.open(OSPO);
    await client.change(OSPO, text + '\n[[Nowhere]]\n');
    await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => d.code === 'unresolved-link'), 'unresolved');
    assert.strictEqual(client.diagnosticsOf(OSPO).find((d) => d.code === 'unresolved-link')!.severity, 2);
    client.settings = { unresolvedLinkSeverity: 'error' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.waitFor(() => client.diagnosticsOf(OSPO).find((d) => d.code === 'unresolved-link')?.severity === 1, 'error severity');
    client.settings = { unresolvedLinkSeverity: 'off' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.waitFor(() => !client.diagnosticsOf(OSPO).some((d) => d.code === 'unresolved-link'), 'off');
  });

  it('completes note names after [[ and replaces the text typed so far', async () => {
    const text = await client.open(OSPO);
    const edited = text.replace('- [[Github]]', '- [[Git');
    await client.change(OSPO, edited);
    const pos = positionOf(edited, '[[Git', 5);
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: client.uri(OSPO) }, position: pos });
    const github = list.items.find((i: CompletionItem) => i.label === 'Github');
    assert.ok(github, `Github among ${list.items.map((i) => i.label).join(', ')}`);
    const edit = github!.textEdit as { newText: string; range?: unknown; insert?: unknown };
    assert.ok(edit.newText.startsWith('Github'), edit.newText);
    assert.ok(edit.newText.endsWith(']]'), 'closes the link when it was open');
  });

  it('completes headings after # inside a link', async () => {
    const text = await client.open(OSPO);
    const edited = text.replace('- [[WHO#OSPO]]', '- [[WHO#]]');
    await client.change(OSPO, edited);
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(edited, '[[WHO#', 6) });
    assert.deepStrictEqual(list.items.map((i) => i.label).sort(), ['OSPO', 'World Health Organization']);
  });

  it('goes to the heading of [[WHO#OSPO]] and the block of ![[OpenSource#^1a1526]]', async () => {
    const text = await client.open(OSPO);
    const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(text, 'WHO#OSPO', 5) });
    assert.deepStrictEqual(defs.map((d) => [d.uri, d.range.start.line]), [[client.uri(WHO), 12]]);
    const block = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(text, '^1a1526', 2) });
    assert.deepStrictEqual(block.map((d) => [d.uri, d.range.start.line]), [[client.uri('public/tech/OpenSource.md'), 22]]);
  });

  it('shows the heading section on hover', async () => {
    const text = await client.open(OSPO);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(text, 'WHO#OSPO', 1) });
    const value = (hover.contents as { value: string }).value;
    assert.ok(value.includes('public/orgs/WHO.md'), value);
    assert.ok(value.includes('The WHO Open Source Programme Office'), value);
  });

  it('finds references to a heading across the vault', async () => {
    const who = await client.open(WHO);
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: client.uri(WHO) },
      position: positionOf(who, '## OSPO', 3),
      context: { includeDeclaration: false },
    });
    assert.deepStrictEqual(
      refs.map((r) => [path.relative(root, URI.parse(r.uri).fsPath).split(path.sep).join('/'), r.range.start.line]).sort(),
      [['private/people/Samuel Mbuthia.md', 7], ['public/events/2023-11-28.md', 7], [OSPO, 13]].sort(),
    );
  });

  it('lists document symbols, workspace symbols, document links and folding ranges', async () => {
    const text = await client.open(OSPO);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri(OSPO) } });
    // The callout opens the note, before the first heading.
    assert.deepStrictEqual(symbols.map((s) => s.name), ['OSPO infographic', 'Organisations', 'People', 'Events', 'Compliance', 'References']);
    const ws = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'mbuth' });
    assert.ok(ws.some((s) => s.name === 'Samuel Mbuthia' && s.location.uri === client.uri('private/people/Samuel Mbuthia.md')), JSON.stringify(ws));
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: client.uri(OSPO) } });
    const github = links.find((l) => l.range.start.line === positionOf(text, '[[Github]]').line);
    assert.strictEqual(github?.target, client.uri('public/orgs/Github.md'));
    const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: client.uri(OSPO) } });
    assert.ok(folds.some((f) => f.startLine === 0 && f.endLine === 4), 'frontmatter folds');
    assert.ok(folds.some((f) => f.startLine === 5 && f.endLine === 6), 'callout folds');
  });

  it('fixes a broken embed when the attachment appears (watched files)', async () => {
    const text = await client.open(OSPO);
    await client.change(OSPO, text + '\n![[diagram.png]]\n');
    await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => d.code === 'missing-embed'), 'missing-embed');
    fs.writeFileSync(path.join(root, 'attachments', 'diagram.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('attachments/diagram.png'), type: 1 }] });
    await client.waitFor(() => !client.diagnosticsOf(OSPO).some((d) => d.code === 'missing-embed'), 'embed fixed');
    assert.ok(client.notifications.some((n) => n.method === 'ospo/filesChanged'));
  });

  it('writes a fresh block id through workspace/applyEdit', async () => {
    const result = await client.request<{ applied: boolean; id: string }>('workspace/executeCommand', {
      command: 'ospo-notes.addBlockId',
      arguments: [{ path: 'public/orgs/CERN.md', line: 8, id: 'abc123' }],
    });
    assert.strictEqual(result.applied, true);
    const change = client.appliedEdits[0].edit.documentChanges![0] as TextDocumentEdit;
    assert.strictEqual(change.textDocument.uri, client.uri('public/orgs/CERN.md'));
    const edit = change.edits[0] as TextEdit;
    assert.strictEqual(edit.newText, ' ^abc123');
    assert.strictEqual(edit.range.start.line, 8);
  });

  it('offers quick fixes for its diagnostics: https:// for the user\'s link, [[File|Alias]] for an alias', async () => {
    const text = await client.open(OSPO);
    await client.change(OSPO, text + '\n[[FOSS]]\n');
    await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => d.code === 'unresolved-link'), 'the [[FOSS]] diagnostic');
    const actions = await client.request<Array<{ title: string; kind: string; edit: { documentChanges: TextDocumentEdit[] } }>>('textDocument/codeAction', {
      textDocument: { uri: client.uri(OSPO) },
      range: { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } },
      context: { diagnostics: client.diagnosticsOf(OSPO) },
    });
    assert.deepStrictEqual(
      actions.map((a) => [a.title, a.kind, a.edit.documentChanges[0].textDocument.uri === client.uri(OSPO) && (a.edit.documentChanges[0].edits[0] as TextEdit).newText]),
      [
        ["Add 'https://'", 'quickfix', 'https://'],
        ["Link to 'OpenSource' with 'FOSS' as its text", 'quickfix', '[[OpenSource|FOSS]]'],
        ["Restore '📖'", 'quickfix', '📖'],
      ],
    );
  });

  it('answers a failing request with an error and lives on', async () => {
    await assert.rejects(client.request('workspace/executeCommand', { command: 'ospo-notes.addBlockId', arguments: [{}] }));
    await assert.rejects(client.request('workspace/executeCommand', { command: 'no-such-command', arguments: [] }));
    const status = await client.request<{ vaults: unknown[] }>('ospo/status', {});
    assert.strictEqual(status.vaults.length, 1);
  });
});

describe('language server: folders arriving through the watcher', function () {
  this.timeout(30000);
  it('indexes the notes of a folder moved into the vault, reported as one event', async () => {
    const root = copySampleVault();
    const client = new LspTestClient(root);
    try {
      await client.start();
      const text = await client.open(OSPO);
      await client.change(OSPO, text + '\n[[Moved note#Part]]\n');
      await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => d.code === 'unresolved-link'), 'unresolved');
      fs.mkdirSync(path.join(root, 'archive', 'deep'), { recursive: true });
      fs.writeFileSync(path.join(root, 'archive', 'deep', 'Moved note.md'), '# Moved note\n\n## Part\n');
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('archive'), type: 1 }] });
      await client.waitFor(() => !client.diagnosticsOf(OSPO).some((d) => d.code === 'unresolved-link' || d.code === 'missing-heading'), 'resolved');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('language server: symlinks leading outside the vault', function () {
  this.timeout(30000);
  let root: string;
  let outsideDir: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = copySampleVault();
    outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-foreign-'));
    fs.writeFileSync(path.join(outsideDir, 'secret.md'), '# TOP SECRET\n\nroot:x:0:0\n');
    fs.mkdirSync(path.join(outsideDir, 'etc'));
    for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(outsideDir, 'etc', `system${i}.conf`), 'x');
    fs.symlinkSync(path.join(outsideDir, 'secret.md'), path.join(root, 'passwd.md'));
    fs.symlinkSync(path.join(outsideDir, 'etc'), path.join(root, 'etc'));
    client = new LspTestClient(root);
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outsideDir, { recursive: true, force: true });
  });

  const fileList = async (): Promise<string[]> =>
    (await client.request<Array<{ files: string[] }>>('ospo/files', {})).flatMap((v) => v.files);

  it('never hovers foreign content, never lists foreign names, and says where the link leads', async () => {
    const text = await client.open(OSPO);
    await client.change(OSPO, text + '\n[[passwd]] [[passwd#TOP SECRET]]\n');
    await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => d.code === 'link-outside-vault'), 'link-outside-vault');
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(client.text(OSPO), '[[passwd]]', 3) });
    const value = hover ? (hover.contents as { value: string }).value : '';
    assert.ok(!/TOP SECRET|root:x/.test(value.replace('passwd#TOP SECRET', '')), value);
    assert.ok(value.includes("Link 'passwd' leads to a symlink that points outside the vault; it is not read."), value);
    const files = await fileList();
    assert.ok(files.includes(OSPO), 'the vault itself is listed');
    assert.deepEqual(files.filter((f) => f === 'passwd.md' || f.startsWith('etc/')), []);
    assert.deepEqual(client.diagnosticsOf(OSPO).filter((d) => d.code === 'link-outside-vault').map((d) => d.message), [
      "Link 'passwd' leads to a symlink that points outside the vault; it is not read.",
      "Link 'passwd' leads to a symlink that points outside the vault; it is not read.",
    ]);
  });

  it('refuses an escaping symlink that appears later, or is opened in the editor', async () => {
    fs.symlinkSync(path.join(outsideDir, 'secret.md'), path.join(root, 'later.md'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('later.md'), type: 1 }] });
    await client.open('passwd.md');
    const text = await client.open(OSPO);
    await client.change(OSPO, text + '\n[[later]] [[passwd]]\n');
    await client.waitFor(() => client.diagnosticsOf(OSPO).filter((d) => d.code === 'link-outside-vault' || d.code === 'unresolved-link').length >= 2, 'both links reported');
    for (const needle of ['[[later]]', '[[passwd]]']) {
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(client.text(OSPO), needle, 3) });
      const value = hover ? (hover.contents as { value: string }).value : '';
      assert.ok(!/TOP SECRET|root:x/.test(value), value);
    }
    const files = await fileList();
    assert.deepEqual(files.filter((f) => f === 'later.md' || f === 'passwd.md'), []);
    const def = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(client.text(OSPO), '[[later]]', 3) });
    assert.deepEqual(def, []);
  });
});

describe('language server: membership settings apply live', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;
  const unresolved = (name: string): boolean =>
    client.diagnosticsOf(OSPO).some((d) => d.code === 'unresolved-link' && String(d.message).startsWith(`Note '${name}' not found`));
  const fileList = async (): Promise<string[]> =>
    (await client.request<Array<{ files: string[] }>>('ospo/files', {})).flatMap((v) => v.files);
  const configurationChanged = (): Promise<void> => client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });

  beforeEach(async () => {
    root = copySampleVault();
    client = new LspTestClient(root);
    client.settings = { ignoredFolders: ['templates'] };
    await client.start();
    const text = await client.open(OSPO);
    await client.change(OSPO, text + '\n[[T]] [[Control]]\n');
    await client.waitFor(() => unresolved('T') && unresolved('Control'), 'both unresolved');
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a file created later in an ignored folder does not become a link target', async () => {
    // The sample vault has a templates folder of its own.
    fs.mkdirSync(path.join(root, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(root, 'templates', 'T.md'), '# T\n');
    fs.writeFileSync(path.join(root, 'Control.md'), '# Control\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: client.uri('templates/T.md'), type: 1 }, { uri: client.uri('Control.md'), type: 1 }],
    });
    // The control note of the same batch resolves, so the batch was applied.
    await client.waitFor(() => !unresolved('Control'), 'control resolved');
    assert.ok(unresolved('T'), 'T stays unresolved');
    assert.ok(!(await fileList()).includes('templates/T.md'));
  });

  it('changing ignoredFolders, files.exclude or .gitignore re-evaluates membership without a restart', async () => {
    // The sample vault has a templates folder of its own.
    fs.mkdirSync(path.join(root, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(root, 'templates', 'T.md'), '# T\n\n[[Nowhere]]\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('templates/T.md'), type: 1 }] });

    client.settings = { ignoredFolders: [] };
    await configurationChanged();
    await client.waitFor(() => !unresolved('T'), 'T enters the index');
    await client.waitFor(() => client.diagnosticsOf('templates/T.md').some((d) => d.code === 'unresolved-link'), 'T is checked');
    assert.ok((await fileList()).includes('templates/T.md'));

    client.settings = { ignoredFolders: ['**/templates'] };
    await configurationChanged();
    await client.waitFor(() => unresolved('T'), 'T leaves the index (glob)');
    await client.waitFor(() => client.diagnosticsOf('templates/T.md').length === 0, "T's problems are cleared");
    assert.ok(!(await fileList()).includes('templates/T.md'));

    client.settings = { ignoredFolders: [] };
    client.filesExclude = { '**/templates': true, '**/other': false };
    const indexed = client.notifications.filter((n) => n.method === 'ospo/indexed').length;
    await configurationChanged();
    // Each membership change ends with `ospo/indexed` (the client refetches the rules on it).
    await client.waitFor(() => client.notifications.filter((n) => n.method === 'ospo/indexed').length > indexed, 'membership re-evaluated');
    assert.ok(unresolved('T'), 'files.exclude keeps it out');
    const rules = (await client.request<Array<{ rules: { ignored: string[]; excludes: string[] } }>>('ospo/files', {}))[0].rules;
    assert.deepEqual([rules.ignored, rules.excludes], [[], ['**/templates']], 'the client gets the rules it applies');

    client.filesExclude = {};
    await configurationChanged();
    await client.waitFor(() => !unresolved('T'), 'back in');

    fs.writeFileSync(path.join(root, '.gitignore'), 'templates/\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.gitignore'), type: 1 }] });
    await client.waitFor(() => unresolved('T'), '.gitignore leaves it out');
    fs.rmSync(path.join(root, '.gitignore'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.gitignore'), type: 3 }] });
    await client.waitFor(() => !unresolved('T'), '.gitignore removed');
  });
});

describe('language server: notes over the size limit', function () {
  this.timeout(30000);
  it('treats an open buffer over the limit as a file over it: nothing of its text reaches a hover', async () => {
    const root = copySampleVault();
    const client = new LspTestClient(root);
    try {
      await client.start();
      const huge = 'public/tech/Huge.md';
      const big = '# BUFFER HEADING\n\nbuffer text\n' + 'x'.repeat(11 * 1024 * 1024);
      fs.writeFileSync(path.join(root, 'public', 'tech', 'Huge.md'), '');
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: client.uri(huge), languageId: 'markdown', version: 1, text: big } });
      await client.waitFor(() => client.diagnosticsOf(huge).some((d) => d.code === 'file-too-large'), 'file-too-large');
      const text = await client.open(OSPO);
      await client.change(OSPO, text + '\n[[Huge]]\n');
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(client.text(OSPO), '[[Huge]]', 3) });
      const value = hover ? (hover.contents as { value: string }).value : '';
      assert.ok(value.includes(huge), value);
      assert.ok(!/BUFFER HEADING|buffer text|xxxx/.test(value), value.slice(0, 300));
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
