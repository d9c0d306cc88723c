/**
 * Requests about the very note being typed into must not each pay a re-parse of it: in a note whose
 * re-indexing is costly they are answered from its last model, and the note catches up once typing pauses.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Hover } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from './lspTestClient';

const BIG = 'Index.md';
const LINES = 10000;
/** The problems the server lists of one note; the rest are counted in one more (publishLimit.test.ts). */
const LISTED = 2000;

describe('language server: requests about a big note while it is typed into', function () {
  this.timeout(60000);
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-big-requests-'));
    fs.writeFileSync(path.join(root, BIG), Array.from({ length: LINES }, (_, i) => `- item ${i} [[WHO]] [[nope ${i}]]\n`).join(''));
    fs.writeFileSync(path.join(root, 'WHO.md'), '# WHO\n');
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers a request after each keystroke without re-parsing the note, and publishes the final text\'s problems', async () => {
    const big = await client.open(BIG);
    const uri = client.uri(BIG);
    await client.waitFor(() => (client.diagnostics.get(uri)?.length ?? 0) === LISTED + 1, 'the first diagnostics', 30000);
    // Let the open's re-index run, so the server knows what re-indexing this note costs.
    await new Promise((r) => setTimeout(r, 400));
    const lineEnd = big.indexOf('\n');
    const where = { line: 5000, character: '- item 5000 [['.length + 1 };
    const latencies: number[] = [];
    const typed = ' [[typed]]';
    for (let i = 0; i < typed.length; i++) {
      const at = lineEnd + i;
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ range: { start: { line: 0, character: at }, end: { line: 0, character: at } }, text: typed[i] }],
      });
      const started = performance.now();
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: where });
      latencies.push(performance.now() - started);
      assert.ok(hover && JSON.stringify(hover.contents).includes('WHO'), `hover on [[WHO]]: ${JSON.stringify(hover)}`);
      await new Promise((r) => setTimeout(r, 30));
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)];
    // A re-parse and re-index of this note costs well over 100 ms; an answer from the last model a few ms.
    assert.ok(median < 60, `median ${median.toFixed(0)} ms over ${latencies.length} requests: ${latencies.map((l) => l.toFixed(0)).join(', ')}`);
    await client.waitFor(() => (client.diagnostics.get(uri) ?? []).some((d) => String(d.message).includes('typed')), 'the typed link\'s problem', 30000);
    const final = client.diagnostics.get(uri)!;
    assert.strictEqual(final.length, LISTED + 1);
    assert.match(String(final[LISTED].message), new RegExp(`^${LINES + 1 - LISTED} more problems`));
  });
});
