/**
 * What a user feels while typing into a big note: our server over stdio on a vault with a 10,000-line index note
 * (`- item N [[WHO]] [[nope N]]`, about 318 KB), 200 characters typed into it at 30 ms intervals, and a definition
 * request on another small note after each keystroke. The floor is the same request with nobody typing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { StdioLspClient } from './lspClient';
import { RssMonitor, summarize, withDeadline, type Summary } from './stats';
import { SERVER_ENVIRONMENT } from '@ospo-notes/engine';

export interface TypingFigures {
  /** Definition on the small note with nobody typing (the floor). */
  idle?: Summary;
  /** Definition on the small note, one request per keystroke, while typing. */
  typing?: Summary;
  keystrokes: number;
  /** How long the 200 keystrokes took to send (30 ms × 200 = 6 s when the client is not held up). */
  typingMs: number;
  peakRssBytes?: number;
  notes: string[];
}

export const INDEX_LINES = 10000;
const KEYSTROKES = 200;
const INTERVAL_MS = 30;

export async function runTypingBenchmark(options: { log?: (m: string) => void } = {}): Promise<TypingFigures> {
  const log = options.log ?? (() => undefined);
  const notes: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-bench-typing-'));
  const index = Array.from({ length: INDEX_LINES }, (_, n) => `- item ${n} [[WHO]] [[nope ${n}]]\n`).join('');
  const small = '# Small\n\nSee [[WHO]] here.\n';
  fs.mkdirSync(path.join(dir, '.obsidian'));
  fs.writeFileSync(path.join(dir, 'WHO.md'), '# WHO\n');
  fs.writeFileSync(path.join(dir, 'Index.md'), index);
  fs.writeFileSync(path.join(dir, 'Small.md'), small);
  const uri = (name: string): string => URI.file(path.join(dir, name)).toString();
  const serverScript = path.resolve(__dirname, '..', '..', '..', 'server', 'out', 'main.js');
  // The model cache is not what this measures: it is kept out of the user's cache folder, in a temp folder.
  const client = StdioLspClient.spawn({ command: process.execPath, args: [serverScript, '--stdio'], env: { ...process.env, ...SERVER_ENVIRONMENT, XDG_CACHE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-bench-typing-cache-')) } });
  const rss = client.pid ? new RssMonitor(client.pid, 25).start() : undefined;
  const figures: TypingFigures = { keystrokes: 0, typingMs: 0, notes };
  try {
    const indexed = new Promise<void>((resolve) => client.onServerNotification('ospo/indexed', () => resolve()));
    const root = URI.file(dir).toString();
    const init = await client.initialize({ processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'typing' }], capabilities: {} }, 60000);
    if (!init.ok) throw new Error(`initialize: ${init.message}`);
    if ((await withDeadline(indexed, 120000)) === 'timeout') throw new Error('not indexed within 120 s');
    await client.openDocument(uri('Small.md'), small);
    await client.openDocument(uri('Index.md'), index);
    const definition = { textDocument: { uri: uri('Small.md') }, position: { line: 2, character: small.split('\n')[2].indexOf('[[') + 3 } };
    const want = uri('WHO.md');
    const check = (value: unknown): void => {
      const got = ([] as Array<{ uri?: string; targetUri?: string }>).concat((value as never) ?? []).map((l) => l.uri ?? l.targetUri);
      if (got.length !== 1 || got[0] !== want) notes.push(`definition answered ${JSON.stringify(got)}, want ${want}`);
    };
    // Let the server finish with the open (its diagnostics) before the idle floor.
    await new Promise((r) => setTimeout(r, 1000));
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await client.request(`textDocument/definition`, definition, 10000);
      if (r.ok) {
        idle.push(r.ms);
        check(r.value);
      } else notes.push(`idle definition: ${r.reason}`);
    }
    figures.idle = summarize(idle);

    log(`typing: ${KEYSTROKES} keystrokes at ${INTERVAL_MS} ms into a ${INDEX_LINES}-line note …`);
    const line = Math.floor(INDEX_LINES / 2);
    let character = index.split('\n')[line].length;
    const typed = ' and [[WHO]] again';
    const answers: Array<Promise<void>> = [];
    const during: number[] = [];
    let unanswered = 0;
    const t0 = performance.now();
    for (let i = 0; i < KEYSTROKES; i++) {
      const ch = typed[i % typed.length];
      await client.changeDocument(uri('Index.md'), { start: { line, character }, end: { line, character } }, ch);
      character++;
      figures.keystrokes++;
      answers.push(
        client.request('textDocument/definition', definition, 60000).then((r) => {
          if (r.ok) {
            during.push(r.ms);
            check(r.value);
          } else {
            // A request without an answer is counted at its deadline: the percentiles stay a lower bound
            // instead of leaving out the slowest requests.
            during.push(r.ms);
            unanswered++;
          }
        }),
      );
      // Keystrokes on a fixed schedule: a slow server must not slow the typist down.
      const next = t0 + (i + 1) * INTERVAL_MS;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    figures.typingMs = performance.now() - t0;
    await Promise.all(answers);
    figures.typing = summarize(during);
    if (unanswered) notes.push(`${unanswered} of ${KEYSTROKES} definitions while typing got no answer within 60 s (counted at 60 s)`);
  } catch (e) {
    notes.push(`typing: ${(e as Error).message}`);
  } finally {
    rss?.stop();
    figures.peakRssBytes = rss?.peakBytes;
    await client.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
