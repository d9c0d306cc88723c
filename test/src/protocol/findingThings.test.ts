/**
 * Finding things over the protocol, on a copy of the sample vault: vault-wide heading search (`[[##`), block
 * search (`[[^^`), workspace symbols with block ids, and hovers whose previews link and whose problems are left
 * to the diagnostics.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import type { CompletionList, Hover, SymbolInformation, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { copySampleVault, LspTestClient, positionOf } from './lspTestClient';

const OSPO = 'public/tech/OSPO.md';
const WHO = 'public/orgs/WHO.md';

describe('finding things over the protocol: [[##, [[^^, workspace symbols, hovers', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = copySampleVault('finding');
    client = new LspTestClient(root);
    await client.start();
    await client.waitFor(() => client.diagnosticsOf(OSPO).length > 0, 'the vault indexed');
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Types `line` as a new last line of `rel` and asks for completions at its end; returns the list and the text. */
  async function completeAtEnd(rel: string, line: string): Promise<{ list: CompletionList; text: string }> {
    const text = (await client.open(rel)) + `\n${line}`;
    await client.change(rel, text);
    const lines = text.split('\n');
    const list = await client.request<CompletionList>('textDocument/completion', {
      textDocument: { uri: client.uri(rel) },
      position: { line: lines.length - 1, character: lines[lines.length - 1].length },
    });
    return { list, text };
  }

  function accept(text: string, list: CompletionList, label: string): string {
    const item = list.items.find((i) => i.label === label);
    assert.ok(item, `no ${label} among ${JSON.stringify(list.items.map((i) => i.label))}`);
    return TextDocument.applyEdits(TextDocument.create('x:', 'markdown', 1, text), [item.textEdit as TextEdit, ...(item.additionalTextEdits ?? [])]);
  }

  it('[[## searches the headings of every note and writes [[Note#Heading]]', async () => {
    const { list, text } = await completeAtEnd(OSPO, 'See [[##even');
    assert.strictEqual(list.isIncomplete, true);
    // `# 2023-11-28: CERN OSPO Inaugural Event` and OSPO's and CERN's `## Events`.
    assert.deepStrictEqual(
      list.items.map((i) => [i.label, i.labelDetails?.description]),
      [
        ['Events', 'CERN · public/orgs'],
        ['Events', 'OSPO · public/tech'],
        ['2023-11-28: CERN OSPO Inaugural Event', '2023-11-28 · public/events'],
      ],
    );
    const done = accept(text, list, 'Events');
    assert.strictEqual(done.split('\n').pop(), 'See [[CERN#Events]]');
  });

  it('[[^^ finds a block anywhere and links it by its id, naming its note and folder', async () => {
    const { list, text } = await completeAtEnd(WHO, 'See [[^^licence file');
    const item = list.items.find((i) => i.label.startsWith('Every release must carry a licence file'));
    assert.ok(item, JSON.stringify(list.items.map((i) => i.label)));
    assert.strictEqual(item.labelDetails?.description, 'OpenSource · public/tech');
    assert.strictEqual(accept(text, list, item.label).split('\n').pop(), 'See [[OpenSource#^1a1526]]');
  });

  it('workspace/symbol lists block ids with their first words, and notes and headings', async () => {
    const byId = await client.request<SymbolInformation[]>('workspace/symbol', { query: '1a1526' });
    assert.deepStrictEqual(
      byId.map((s) => [s.name, s.containerName, s.location.uri, s.location.range.start.line]),
      [['^1a1526 Every release must carry a licence file, a…', 'OpenSource', client.uri('public/tech/OpenSource.md'), 23]],
    );
    const byWords = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'licence table' });
    assert.ok(byWords.some((s) => s.name === '^licence-table Licence Kind MIT permissive GPL-3.0 copyleft'), JSON.stringify(byWords.map((s) => s.name)));
    const mixed = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'licen' });
    const kinds = mixed.map((s) => s.name.startsWith('^') ? 'block' : s.kind === 15 ? 'heading' : 'note');
    // Headings before block ids when they match as well.
    assert.ok(kinds.indexOf('heading') >= 0 && kinds.indexOf('heading') < kinds.indexOf('block'), JSON.stringify(mixed.map((s) => s.name)));
    const all = await client.request<SymbolInformation[]>('workspace/symbol', { query: '' });
    assert.ok(all.length <= 500);
  });

  it("hover previews a note with working links, and leaves an unresolved link's problem to its diagnostic", async () => {
    const text = await client.open(OSPO);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(text, '[[WHO#OSPO]]', 3) });
    const value = (hover?.contents as { value: string }).value;
    // WHO's OSPO section links Samuel Mbuthia and OSPO: as markdown links to their files.
    assert.ok(value.includes(`[Samuel Mbuthia](${client.uri('private/people/Samuel Mbuthia.md').replace(/ /g, '%20')})`), value);
    assert.ok(value.includes(`[OSPO](${client.uri(OSPO)})`), value);
    assert.ok(!/\[\[/.test(value), value);

    await client.change(OSPO, text + '\nSee [[Nowhere]] here\n');
    await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => d.code === 'unresolved-link'), 'unresolved-link');
    const broken = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(OSPO) }, position: positionOf(client.text(OSPO), '[[Nowhere]]', 3) });
    // The diagnostic (shown by the editor in the same hover, with its quick fix) is the one place.
    assert.strictEqual(broken, null);
    assert.strictEqual(client.diagnosticsOf(OSPO).filter((d) => (typeof d.message === 'string' ? d.message : d.message.value).includes("'Nowhere' not found")).length, 1);
  });
});
