/**
 * What the connection has read from the client but not yet handled. A JSON-RPC connection reads a burst of
 * messages at once and then hands them to their handlers one per turn of the event loop; any slice of other work
 * run between two of them delays every message behind it. Under a storm of edits and requests, 30 messages
 * queued behind a few big notes parsed in slices waited over a second each. So work in slices asks
 * {@link MessageQueueGauge.drained} before its next slice, and the messages waiting go first.
 *
 * The gauge counts what the transport's reader delivers and what the connection's message strategy dispatches
 * ({@link watchedTransport}, {@link gaugedConnectionOptions}). Cancellations are left out of both counts: the
 * connection consumes some of them on arrival, without queueing them.
 */
import type { ConnectionOptions, Message, MessageReader } from 'vscode-languageserver/node';

function countsInQueue(message: Message): boolean {
  return (message as { method?: unknown }).method !== '$/cancelRequest';
}

export class MessageQueueGauge {
  /** When the last message arrived (performance.now(); 0 before any). */
  lastArrivalAt = 0;
  private waitingCount = 0;
  private readonly drainWaiters: Array<() => void> = [];

  /** Messages read and not yet handed to their handler. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** The transport's reader delivered `message` (undefined: something arrived, uncounted). */
  arrived(message?: Message): void {
    this.lastArrivalAt = performance.now();
    if (message && countsInQueue(message)) this.waitingCount++;
  }

  /** The connection hands `message` to its handler now. */
  handled(message: Message): void {
    if (!countsInQueue(message) || this.waitingCount === 0) return;
    this.waitingCount--;
    if (this.waitingCount === 0 && this.drainWaiters.length > 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /**
   * Resolves once the messages read so far have been handed to their handlers (at once when none wait), or after
   * `maxMs` at most, so that work in slices goes on however busy the client keeps the server.
   */
  drained(maxMs: number): Promise<void> {
    if (this.waitingCount === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        const i = this.drainWaiters.indexOf(done);
        if (i >= 0) this.drainWaiters.splice(i, 1);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.drainWaiters.push(done);
    });
  }
}

/** The server's gauge: fed by main.ts's transport; it stays at zero for a connection made elsewhere (in-process tests). */
export const clientMessages = new MessageQueueGauge();

/** `reader`, reporting each message it delivers to `gauge` before the connection queues it. */
export function watchedTransport<W>(reader: MessageReader, writer: W, gauge: MessageQueueGauge = clientMessages): [MessageReader, W] {
  const listen = reader.listen.bind(reader);
  reader.listen = (callback) =>
    listen((message) => {
      gauge.arrived(message);
      callback(message);
    });
  return [reader, writer];
}

/** Connection options whose message strategy reports each message to `gauge` as it is dispatched. */
export function gaugedConnectionOptions(gauge: MessageQueueGauge = clientMessages): ConnectionOptions {
  return {
    messageStrategy: {
      handleMessage: (message, next) => {
        gauge.handled(message);
        return next(message);
      },
    },
  };
}
