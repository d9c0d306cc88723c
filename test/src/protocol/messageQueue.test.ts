/**
 * The message-queue gauge (server/src/messageQueue.ts) on a real JSON-RPC connection: a burst of messages read at
 * once is handed to the handlers before the next slice of work that waits for it, where one turn of the event loop
 * per slice lets one message through per slice.
 */
import * as assert from 'assert';
import { PassThrough } from 'stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver/node';
import { gaugedConnectionOptions, MessageQueueGauge, watchedTransport } from '../../../server/out/messageQueue';

interface Pair {
  client: MessageConnection;
  server: MessageConnection;
  gauge: MessageQueueGauge;
  dispose(): void;
}

function connect(): Pair {
  const up = new PassThrough();
  const down = new PassThrough();
  const gauge = new MessageQueueGauge();
  const [reader, writer] = watchedTransport(new StreamMessageReader(up), new StreamMessageWriter(down), gauge);
  const server = createMessageConnection(reader, writer, undefined, gaugedConnectionOptions(gauge));
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  server.listen();
  client.listen();
  return {
    client,
    server,
    gauge,
    dispose: () => {
      client.dispose();
      server.dispose();
    },
  };
}

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* a slice of work */
  }
}

/**
 * Runs slices of `sliceMs` of work, yielding `turn` between them, while `count` notifications sent in one burst
 * are handled; answers how many slices ran before the last of them was handled.
 */
async function slicesBeforeBurstHandled(pair: Pair, count: number, turn: () => Promise<void>, sliceMs = 4): Promise<number> {
  let handled = 0;
  let slices = 0;
  let allHandled!: () => void;
  const done = new Promise<void>((resolve) => (allHandled = resolve));
  pair.server.onNotification('test/tick', () => {
    if (++handled === count) allHandled();
  });
  for (let i = 0; i < count; i++) void pair.client.sendNotification('test/tick', { i });
  let stop = false;
  const worker = (async () => {
    while (!stop) {
      busy(sliceMs);
      slices++;
      await turn();
    }
  })();
  await done;
  const before = slices;
  stop = true;
  await worker;
  return before;
}

describe('message queue gauge', () => {
  it('counts messages read and dispatched, leaving cancellations out, and drains to zero', async () => {
    const pair = connect();
    try {
      // Five requests sent in one tick are read in one burst; each handler sees the ones still behind it.
      const seen: number[] = [];
      pair.server.onRequest('test/ask', () => {
        seen.push(pair.gauge.waiting);
        return 'ok';
      });
      const answers = await Promise.all(Array.from({ length: 5 }, () => pair.client.sendRequest('test/ask', {})));
      assert.deepEqual(answers, ['ok', 'ok', 'ok', 'ok', 'ok']);
      assert.deepEqual(seen, [4, 3, 2, 1, 0]);
      assert.equal(pair.gauge.waiting, 0);
      // A cancellation of an answered request is read but never counted as waiting.
      await pair.client.sendNotification('$/cancelRequest', { id: 1 });
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(pair.gauge.waiting, 0);
    } finally {
      pair.dispose();
    }
  });

  it('drained() gives up after its limit while messages still wait', async () => {
    const gauge = new MessageQueueGauge();
    gauge.arrived({ jsonrpc: '2.0', method: 'x' } as never);
    const t0 = performance.now();
    await gauge.drained(30);
    assert.ok(performance.now() - t0 >= 25, 'waited for the limit');
    assert.equal(gauge.waiting, 1);
  });

  it('slices that wait for the queue let a burst of 60 messages through before their second slice; one turn per slice lets one through per slice', async () => {
    const count = 60;
    const gauged = connect();
    const plain = connect();
    try {
      const withGauge = await slicesBeforeBurstHandled(gauged, count, () => new Promise<void>((r) => setImmediate(r)).then(() => gauged.gauge.drained(1000)));
      const oneTurn = await slicesBeforeBurstHandled(plain, count, () => new Promise<void>((r) => setImmediate(r)));
      assert.ok(withGauge <= 2, `${withGauge} slices ran before the burst was handled`);
      assert.equal(gauged.gauge.waiting, 0, 'every message dispatched was counted out');
      assert.ok(oneTurn >= count / 2, `one turn per slice: ${oneTurn} slices ran before the burst was handled`);
    } finally {
      gauged.dispose();
      plain.dispose();
    }
  });
});
