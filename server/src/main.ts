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
import { createServer, messageArrived } from './server';

/**
 * A language server lives for hours next to the editor, and its live heap is small (the models), while parsing
 * a big note makes hundreds of megabytes of garbage in seconds. V8's default lets the heap grow up to four
 * times what was live at the last full collection before it collects again, which puts the process at 500 MB
 * and more for a few megabytes of notes; capping the growth at 1.25 times keeps it near what it holds, for a
 * little more time in the collector. (V8 reads this flag at every collection, so setting it now applies.)
 */
const HEAP_GROWING_PERCENT = 25;
v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

/** The transport the arguments name, its reader told to report each message as it arrives (see messageArrived). */
function transport(): [MessageReader, MessageWriter] | undefined {
  let pair: [MessageReader, MessageWriter] | undefined;
  if (process.argv.includes('--stdio')) pair = [new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)];
  else if (process.argv.includes('--node-ipc')) pair = [new IPCMessageReader(process), new IPCMessageWriter(process)];
  if (!pair) return undefined;
  const reader = pair[0];
  const listen = reader.listen.bind(reader);
  reader.listen = (callback) =>
    listen((message) => {
      messageArrived();
      callback(message);
    });
  return pair;
}

// The same script is the server's parse worker (parseWorker.ts) when started as one: no connection there.
if (isParseWorker()) runParseWorker();
else {
  const io = transport();
  createServer(io ? createConnection(ProposedFeatures.all, io[0], io[1]) : createConnection(ProposedFeatures.all), nodeVaultFs, { parseWorkerScript: __filename });
}
