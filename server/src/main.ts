/**
 * The language server's process entry: `node server/out/main.js --stdio` (or `--node-ipc`, which the VS Code
 * client uses). Everything else is in server.ts.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeVaultFs } from '@ospo-notes/engine';
import { createServer } from './server';

createServer(createConnection(ProposedFeatures.all), nodeVaultFs);
