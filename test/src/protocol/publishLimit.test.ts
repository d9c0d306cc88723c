/**
 * A note with hundreds of thousands of broken links must not make every publish a message of tens of MB: the
 * server sends at most 2,000 problems per note and one more that says how many it left out, while
 * "Check vault" still counts them all.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspTestClient } from './lspTestClient';

const LIMIT = 2000;
const BROKEN = LIMIT + 1500;

describe('language server: problems published per note are bounded', function () {
  this.timeout(60000);
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-publish-limit-'));
    fs.mkdirSync(path.join(root, '.obsidian'));
    fs.writeFileSync(path.join(root, 'Dense.md'), Array.from({ length: BROKEN }, (_, i) => `- [[nope ${i}]]\n`).join(''));
    fs.writeFileSync(path.join(root, 'Few.md'), '[[gone]] [[also gone]]\n');
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('sends the first 2,000 problems of a note and a summary of the rest; a small note gets all of its own', async () => {
    await client.waitFor(() => client.diagnosticsOf('Dense.md').length > 0 && client.diagnosticsOf('Few.md').length > 0, 'the first diagnostics', 30000);
    const dense = client.diagnosticsOf('Dense.md');
    assert.strictEqual(dense.length, LIMIT + 1);
    assert.ok(dense.slice(0, LIMIT).every((d) => d.code === 'unresolved-link'));
    assert.deepStrictEqual(dense[LIMIT - 1].range.start, { line: LIMIT - 1, character: 4 });
    const summary = dense[LIMIT];
    assert.strictEqual(summary.code, 'more-problems');
    assert.match(String(summary.message), /^1500 more problems/);
    assert.deepStrictEqual(summary.range.start, { line: LIMIT, character: 4 });
    assert.strictEqual(client.diagnosticsOf('Few.md').length, 2);
  });

  it('"Check vault" still counts every problem', async () => {
    const [result] = await client.request<Array<{ warnings: number; notesWithProblems: number }>>('ospo/checkVault', {});
    assert.strictEqual(result.warnings, BROKEN + 2);
    assert.strictEqual(result.notesWithProblems, 2);
  });
});
