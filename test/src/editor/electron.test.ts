/**
 * The in-editor suite in a desktop VS Code through `@vscode/test-electron` (test/src/electron/runTests.ts),
 * for machines that can download VS Code. Where no VS Code can be had — the download fails or does not start
 * within its timeout — the test skips with one line, also under CI=true: the code-server run
 * (suite.test.ts) is the in-editor run that must not skip there.
 *
 * The runner is a child process: Electron's output stays out of mocha's, and a download still pending when
 * the runner gives up dies with it instead of keeping mocha alive.
 */
import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as path from 'node:path';
import { NO_VSCODE, NO_VSCODE_PREFIX } from '../electron/runTests';

const RUNNER = path.join(__dirname, '..', 'electron', 'runTests.js');

function runRunner(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // mocha's own hooks must not load into the runner or into VS Code.
    delete env.NODE_OPTIONS;
    const child = cp.spawn(process.execPath, [RUNNER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      if (output.length < 1_000_000) output += b.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

describe('in-editor suite in a desktop VS Code (@vscode/test-electron)', function () {
  // A first run downloads VS Code (~150 MB) once; later runs use .vscode-test/.
  this.timeout(15 * 60_000);

  it('passes every check, or skips where VS Code cannot be downloaded', async function () {
    const result = await runRunner(14 * 60_000);
    const skipLine = result.output.split('\n').find((l) => l.startsWith(NO_VSCODE_PREFIX));
    if (result.code === NO_VSCODE && skipLine) {
      process.stderr.write(`      skipped: ${skipLine}\n`);
      this.skip();
    }
    const tail = result.output.split('\n').slice(-60).join('\n');
    assert.equal(result.code, 0, `test-electron run exited with ${result.code ?? result.signal}:\n${tail}`);
    // A run that loaded nothing would also exit 0: the suite must have reported every check.
    assert.match(result.output, /ospo-notes in-editor suite: \d+ passed, 0 failed/, tail);
  });
});
