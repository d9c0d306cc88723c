/**
 * The language server's process entry: `node server/out/main.js --stdio` (or `--node-ipc`, which the VS Code
 * client uses). Everything else is in server.ts.
 */
import * as v8 from 'v8';
import {
  createConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type MessageReader,
  type MessageWriter,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { nodeVaultFs } from '@ospo-notes/engine';
import { isParseWorker, runParseWorker } from './parseWorker';
import { gaugedConnectionOptions, watchedTransport } from './messageQueue';
import { createServer } from './server';

/**
 * A language server lives for hours next to the editor, and its live heap is small (the models), while parsing
 * a big note makes hundreds of megabytes of garbage in seconds. V8's default lets the heap grow up to four
 * times what was live at the last full collection before it collects again, which puts the process at 500 MB
 * and more for a few megabytes of notes; capping the growth at 1.25 times keeps it near what it holds, for a
 * little more time in the collector. (V8 reads this flag at every collection, so setting it now applies.)
 */
const HEAP_GROWING_PERCENT = 25;
v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

/**
 * The transport the arguments name, its reader reporting each message as it arrives and the connection each as
 * it is dispatched, so that the server knows how many wait (messageQueue.ts).
 */
function transport(): [MessageReader, MessageWriter] | undefined {
  if (process.argv.includes('--stdio')) return watchedTransport(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  if (process.argv.includes('--node-ipc')) return watchedTransport(new IPCMessageReader(process), new IPCMessageWriter(process));
  return undefined;
}

// The same script is the server's parse worker (parseWorker.ts) when started as one: no connection there.
if (isParseWorker()) runParseWorker();
else {
  const io = transport();
  createServer(io ? createConnection(ProposedFeatures.all, io[0], io[1], gaugedConnectionOptions()) : createConnection(ProposedFeatures.all), nodeVaultFs, { parseWorkerScript: __filename });
}
