/**
 * Runs the in-editor suite (suite/index.ts) inside a real extension host: the VS Code server bundled in
 * code-server loads the repository as the extension under development, opens a copy of the sample vault and
 * calls the suite's `run()`, as `@vscode/test-electron` would with a desktop VS Code.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { copyFixtureToTemp, removeDir, runExtensionTestsInServer, saveArtifact, toolsOrSkip, type EditorTools } from './harness';
import { EXAMPLE_VAULT, REPO_ROOT, SUITE_MODULE, ensureBundle } from './suite/prepare';

describe('in-editor suite in the VS Code server (vscode API)', function () {
  this.timeout(240_000);

  let tools: EditorTools;
  let workspace: string | undefined;

  before(function () {
    tools = toolsOrSkip(this);
    // package.json's main is the bundle: the dev extension cannot load without it.
    ensureBundle();
    workspace = copyFixtureToTemp(EXAMPLE_VAULT, 'suite');
  });

  after(function () {
    if (workspace) removeDir(path.dirname(workspace));
  });

  it('passes every check (exit code 0)', async function () {
    const result = await runExtensionTestsInServer({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: SUITE_MODULE,
      workspace: workspace!,
      screenshotName: 'suite-in-editor',
      timeoutMs: 180_000,
      tools,
    });
    const log = result.log.join('\n');
    saveArtifact('suite-in-editor.log.txt', `${log}\n\n--- browser console ---\n${result.console.join('\n')}`);
    const ours = result.log.filter((l) => /ospo-notes in-editor suite|^\w+:\s+(ok|FAIL)\s/.test(l));
    assert.equal(result.exitCode, 0, `in-editor suite exited with ${result.exitCode}:\n${(ours.length > 0 ? ours : result.log.slice(-60)).join('\n')}`);
    // A run that loaded nothing would also "pass": the suite must have reported every check.
    const summary = result.log.find((l) => l.includes('ospo-notes in-editor suite:') && l.includes('passed'));
    assert.ok(summary, `no summary line from the suite in the log:\n${result.log.slice(-40).join('\n')}`);
    assert.match(summary, / 0 failed /);
  });
});
