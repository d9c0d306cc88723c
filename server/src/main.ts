/**
 * The language server's process entry: `node server/out/main.js --stdio` (or `--node-ipc`, which the VS Code
 * client uses). Everything else is in server.ts.
 */
import * as v8 from 'v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeVaultFs } from '@ospo-notes/engine';
import { createServer } from './server';

/**
 * A language server lives for hours next to the editor, and its live heap is small (the models), while parsing
 * a big note makes hundreds of megabytes of garbage in seconds. V8's default lets the heap grow up to four
 * times what was live at the last full collection before it collects again, which puts the process at 500 MB
 * and more for a few megabytes of notes; capping the growth at 1.5 times keeps it near what it holds, for a
 * little more time in the collector. (V8 reads this flag at every collection, so setting it now applies.)
 */
const HEAP_GROWING_PERCENT = 50;
v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

createServer(createConnection(ProposedFeatures.all), nodeVaultFs);
