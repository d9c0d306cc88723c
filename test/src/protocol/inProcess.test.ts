/**
 * The server built in-process with `createServer(connection, vaultFs)`: the same protocol as over stdio, on a
 * pair of in-memory streams, with the file reads going through the given seam.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type Location, type MessageConnection } from 'vscode-languageserver-protocol/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { createServer } from '../../../server/out/server';
import { nodeVaultFs, type VaultFs } from '@ospo-notes/engine';

describe('language server in-process (createServer)', function () {
  this.timeout(20000);

  it('indexes through the given file-system seam and answers over an in-memory connection', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-in-process-'));
    fs.writeFileSync(path.join(root, 'A.md'), 'See [[B#Part]].\n');
    fs.writeFileSync(path.join(root, 'B.md'), '# B\n\n## Part\n');
    const read: string[] = [];
    const recording: VaultFs = {
      readFile: (p) => (read.push(path.relative(root, p)), nodeVaultFs.readFile(p)),
      readFileSync: (p) => (read.push(path.relative(root, p)), nodeVaultFs.readFileSync(p)),
      stat: (p) => nodeVaultFs.stat(p),
      statSync: (p) => nodeVaultFs.statSync(p),
    };
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    createServer(serverConnection, recording);
    const client: MessageConnection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const indexed = new Promise<void>((resolve) => client.onNotification('ospo/indexed', () => resolve()));
    client.onRequest(() => null);
    client.listen();
    try {
      const uri = (rel: string): string => URI.file(path.join(root, rel)).toString();
      // No processId: with one, the server library polls that process for as long as this one lives.
      await client.sendRequest('initialize', { processId: null, rootUri: uri(''), workspaceFolders: [{ uri: URI.file(root).toString(), name: 'vault' }], initializationOptions: { cacheFolder: path.join(root, '.cache') }, capabilities: {} });
      await client.sendNotification('initialized', {});
      await indexed;
      assert.deepStrictEqual(read.sort(), ['A.md', 'B.md']);
      const found = await client.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: uri('A.md') }, position: { line: 0, character: 7 } });
      assert.deepStrictEqual(found.map((l) => [l.uri, l.range.start.line]), [[uri('B.md'), 2]]);
    } finally {
      client.dispose();
      serverConnection.dispose();
      toServer.end();
      toClient.end();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
