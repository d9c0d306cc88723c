/**
 * Typing into a big note must not stall the server: edits coalesce (only the latest text is parsed), a request
 * about another note is answered from the last model at once, and the big note's diagnostics end up matching
 * its final text.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Location } from 'vscode-languageserver-protocol/node';
import { LspTestClient, positionOf } from './lspTestClient';

const BIG = 'Index.md';
const SMALL = 'Small.md';
const LINES = 10000;
/** The problems the server lists of one note; the rest are counted in one more (publishLimit.test.ts). */
const LISTED = 2000;

describe('language server: typing into a 10,000-line note', function () {
  this.timeout(60000);
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-typing-'));
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) lines.push(`- item ${i} [[WHO]] [[nope ${i}]]`);
    fs.writeFileSync(path.join(root, BIG), lines.join('\n') + '\n');
    fs.writeFileSync(path.join(root, 'WHO.md'), '# WHO\n');
    fs.writeFileSync(path.join(root, SMALL), 'See [[WHO]].\n');
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers requests on another note promptly while the big note is typed into, and publishes its final problems', async () => {
    const big = await client.open(BIG);
    const small = await client.open(SMALL);
    const bigUri = client.uri(BIG);
    await client.waitFor(() => (client.diagnostics.get(bigUri)?.length ?? 0) === LISTED + 1, 'the big note\'s first diagnostics', 30000);

    const where = positionOf(small, '[[WHO', 3);
    const latencies: number[] = [];
    let typing = true;
    const asking = (async () => {
      while (typing) {
        const started = Date.now();
        const result = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: client.uri(SMALL) }, position: where });
        latencies.push(Date.now() - started);
        assert.strictEqual(result.length, 1);
        assert.ok(result[0].uri.endsWith('/WHO.md'), result[0].uri);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    // 200 characters typed at 30 ms: a new unresolved link grows at the end of the first line.
    let text = big;
    const firstLineEnd = text.indexOf('\n');
    const typed = ' [[typed'.padEnd(200, 'x');
    let version = 1;
    for (let i = 0; i < typed.length; i++) {
      const at = firstLineEnd + i;
      text = text.slice(0, at) + typed[i] + text.slice(at);
      version++;
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: bigUri, version },
        contentChanges: [{ range: { start: { line: 0, character: at }, end: { line: 0, character: at } }, text: typed[i] }],
      });
      await new Promise((r) => setTimeout(r, 30));
    }
    // Close the link so the final text has exactly one more unresolved link than the original.
    const at = firstLineEnd + typed.length;
    text = text.slice(0, at) + ']]' + text.slice(at);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: bigUri, version: ++version },
      contentChanges: [{ range: { start: { line: 0, character: at }, end: { line: 0, character: at } }, text: ']]' }],
    });
    typing = false;
    await asking;

    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)];
    const max = latencies[latencies.length - 1];
    assert.ok(latencies.length >= 20, `only ${latencies.length} requests answered while typing`);
    assert.ok(p95 < 300, `p95 ${p95} ms over ${latencies.length} requests (max ${max} ms)`);
    assert.ok(max < 1000, `max ${max} ms over ${latencies.length} requests (p95 ${p95} ms)`);

    // The final problems are those of the final text: the typed link is unresolved, on line 0.
    const typedLink = `typed${'x'.repeat(200 - ' [[typed'.length)}`;
    await client.waitFor(
      () => (client.diagnostics.get(bigUri) ?? []).some((d) => d.code === 'unresolved-link' && String(d.message).includes(typedLink)),
      'diagnostics of the final text',
      30000,
    );
    const diags = client.diagnostics.get(bigUri)!;
    assert.strictEqual(diags.length, LISTED + 1);
    assert.match(String(diags[LISTED].message), new RegExp(`^${LINES + 1 - LISTED} more problems`));
    const typedDiag = diags.find((d) => String(d.message).includes(typedLink))!;
    assert.deepStrictEqual(typedDiag.range.start, { line: 0, character: firstLineEnd + 3 });
  });
});

describe('language server: an edit in an ordinary note', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-small-edit-'));
    fs.writeFileSync(path.join(root, 'WHO.md'), '# WHO\n');
    fs.writeFileSync(path.join(root, 'Note.md'), 'See [[WHO]].\n');
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('gets its problems without waiting for a pause in typing (only costly notes wait for one)', async () => {
    const rel = 'Note.md';
    let text = await client.open(rel);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      text += `[[missing ${i}]]\n`;
      const started = Date.now();
      await client.change(rel, text);
      await client.waitFor(() => client.diagnosticsOf(rel).some((d) => String(d.message).includes(`missing ${i}`)), `problem ${i}`);
      waits.push(Date.now() - started);
    }
    waits.sort((a, b) => a - b);
    // The pause costly notes wait for is 150 ms; a cheap note is re-indexed on the next turn.
    assert.ok(waits[2] < 100, `median wait ${waits[2]} ms (${waits.join(', ')})`);
  });
});

describe('language server: cancellation', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-cancel-'));
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(root, `Note ${i}.md`), `# Heading ${i}\n\n[[Note ${(i + 1) % 200}]]\n`);
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('does not send a note\'s problems again when an edit leaves them unchanged', async () => {
    const rel = 'Note 5.md';
    const text = await client.open(rel);
    await client.change(rel, text + '[[Nowhere]]\n');
    await client.waitFor(() => client.diagnosticsOf(rel).some((d) => d.code === 'unresolved-link'), 'unresolved');
    const sent = (): number => client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === client.uri(rel)).length;
    const before = sent();
    // Typing after the link: nothing before it moves, its problem stays the same.
    for (const tail of [' a', ' ab', ' abc']) {
      await client.change(rel, text + '[[Nowhere]]' + tail + '\n');
      await new Promise((r) => setTimeout(r, 250));
    }
    await client.request('textDocument/documentSymbol', { textDocument: { uri: client.uri(rel) } });
    await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(sent(), before);
    // A change that moves the problem is sent.
    await client.change(rel, '\n' + text + '[[Nowhere]]\n');
    await client.waitFor(() => sent() > before, 'the moved problem');
  });

  it('answers requests cancelled before they ran as cancelled, without running them', async () => {
    // A burst of superseded requests, each cancelled at once, as an editor does while the user types on.
    const { CancellationTokenSource } = await import('vscode-languageserver-protocol/node');
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < 30; i++) {
      const source = new CancellationTokenSource();
      pending.push(client.connection.sendRequest('workspace/symbol', { query: 'note' }, source.token).then(() => 'answered', (e: { code?: number }) => e.code));
      source.cancel();
    }
    const outcomes = await Promise.all(pending);
    const cancelled = outcomes.filter((o) => o === -32800).length;
    assert.ok(cancelled >= 25, `only ${cancelled} of 30 cancelled requests were answered as cancelled: ${outcomes.join(', ')}`);
    // And the server goes on answering.
    const symbols = await client.request<unknown[]>('workspace/symbol', { query: 'Heading 7' });
    assert.ok(symbols.length > 0);
  });
});
