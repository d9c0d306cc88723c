/**
 * The bundled server the extension ships (`dist/server.js`, main.ts and everything it imports in one file) is one
 * language server: each request gets one answer. (A second entry point inside the bundle would start a second
 * server on the same channel: every request answered twice, and every edit the server asks the editor to apply
 * applied twice.)
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBundle, REPO_ROOT } from '../editor/suite/prepare';

function frame(message: unknown): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

/** The JSON bodies of every framed message in `raw`. */
function messages(raw: string): Array<{ id?: number; method?: string; result?: unknown }> {
  const out: Array<{ id?: number; method?: string; result?: unknown }> = [];
  let rest = raw;
  for (;;) {
    const m = /Content-Length: (\d+)\r\n\r\n/.exec(rest);
    if (!m) return out;
    const start = m.index + m[0].length;
    const body = Buffer.from(rest.slice(start), 'utf8').subarray(0, Number(m[1])).toString('utf8');
    if (Buffer.byteLength(body, 'utf8') < Number(m[1])) return out;
    out.push(JSON.parse(body) as { id?: number });
    rest = rest.slice(start + body.length);
  }
}

describe('the bundled server', function () {
  this.timeout(120_000);

  it('answers each request once', async () => {
    process.stdout.write(`      ${ensureBundle()}\n`);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-bundle-'));
    fs.writeFileSync(path.join(root, 'Note.md'), '# Note\n');
    const server = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let raw = '';
    server.stdout.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    try {
      const rootUri = `file://${root}`;
      server.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'v' }], capabilities: {} } }));
      const deadline = Date.now() + 20_000;
      while (!messages(raw).some((m) => m.id === 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      server.stdin.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
      server.stdin.write(frame({ jsonrpc: '2.0', id: 2, method: 'ospo/status', params: {} }));
      // Time for a second server, if there were one, to answer too.
      await new Promise((r) => setTimeout(r, 2000));
      const answers = messages(raw).filter((m) => m.id !== undefined && m.method === undefined);
      assert.deepEqual(
        answers.map((m) => m.id),
        [1, 2],
        `one answer per request: ${JSON.stringify(answers).slice(0, 500)}`,
      );
    } finally {
      server.kill();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
