/**
 * The server's parse worker (server/src/parseWorker.ts): big edited notes are parsed off the main thread, which
 * keeps answering meanwhile, and the model is the one the main thread's parser makes.
 */
import * as assert from 'assert';
import { parseNote } from '@ospo-notes/engine';
import { BackgroundParser } from '../../../server/out/parseWorker';
import { SERVER } from './lspTestClient';

describe('parse worker: big notes parsed off the main thread', function () {
  this.timeout(60000);

  it('gives the model the main thread would, while the main thread keeps running its timers', async () => {
    // One inline unit of 1.2 MB (a paste on one line): the main thread's sliced parse scans it in one go.
    const text = `# Big\n\n${'[a]('.repeat(300000)}\n\n[[Target]] [[Other#Heading]] ![[img.png]]\n\n- item ^b1\n`;
    const failures: string[] = [];
    const parser = new BackgroundParser(SERVER, (m) => failures.push(m));
    try {
      let maxGap = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
      }, 5);
      const started = performance.now();
      const parsed = await parser.parse('Big.md', text);
      const took = performance.now() - started;
      clearInterval(ticker);
      assert.ok(parsed, `no model from the worker: ${failures.join('; ')}`);
      const inline = performance.now();
      const expected = parseNote('Big.md', text);
      const inlineMs = performance.now() - inline;
      assert.deepStrictEqual(parsed.model, expected);
      assert.deepStrictEqual(
        parsed.model.links.map((l) => l.path),
        ['Target', 'Other', 'img.png'],
      );
      // The same parse on the main thread blocks it for all of its time; here the longest stall is a fraction.
      assert.ok(maxGap < Math.max(100, inlineMs / 3), `the main thread stalled ${maxGap.toFixed(0)} ms during a ${took.toFixed(0)} ms worker parse (${inlineMs.toFixed(0)} ms on the main thread)`);
      // A second parse reuses the worker, even after a big text (the worker collects its garbage itself).
      const again = await parser.parse('Small.md', '# S\n[[x]]\n');
      assert.deepStrictEqual(again?.model.links.map((l) => l.path), ['x']);
      const third = await parser.parse('Big2.md', text.replace('[[Target]]', '[[Third]]'));
      assert.ok(third?.model.links.some((l) => l.path === 'Third'));
      assert.strictEqual(parser.starts, 1, 'one worker served all three parses');
      assert.deepStrictEqual(failures, []);
    } finally {
      parser.stop();
    }
  });

  it('answers undefined without a worker script, and for a parse pending when it stops (the caller parses itself)', async () => {
    assert.strictEqual(await new BackgroundParser(undefined).parse('A.md', '# A\n'), undefined);
    const parser = new BackgroundParser(SERVER);
    const pending = parser.parse('Big.md', '[[x]] '.repeat(200000));
    parser.stop();
    assert.strictEqual(await pending, undefined);
  });
});
