/**
 * Proves the editor-test plumbing end to end with a throwaway extension generated at test time:
 * code-server + Chromium for UI checks, and the bundled VS Code server for an in-editor test suite.
 * The real extension's editor tests reuse the same harness.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT,
  copyFixtureToTemp,
  findInFrames,
  launchBrowser,
  makeTempDir,
  openFile,
  openWorkbench,
  packageVsix,
  readProblems,
  removeDir,
  runCommand,
  runExtensionTestsInServer,
  saveArtifact,
  screenshot,
  startCodeServer,
  toolsOrSkip,
  typeInEditor,
  waitForNotification,
  waitForSuggestion,
  type BrowserSession,
  type CodeServer,
  type EditorTools,
} from './harness';

const FIXTURE_VAULT = path.join(REPO_ROOT, 'test', 'fixtures', 'editor', 'vault');
const MARKER = 'OSPO-SMOKE-MARKER';
const EXT_ID = 'ospo-test.ospo-smoke-ext';

/** Writes the throwaway extension: a markdown-it plugin, a command, a completion provider, a diagnostic. */
function writeSmokeExtension(root: string): string {
  const dir = path.join(root, 'ospo-smoke-ext');
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'ospo-smoke-ext',
    publisher: 'ospo-test',
    version: '0.0.1',
    engines: { vscode: '^1.80.0' },
    main: './extension.js',
    activationEvents: ['onLanguage:markdown'],
    contributes: {
      'markdown.markdownItPlugins': true,
      commands: [{ command: 'ospoSmoke.hello', title: 'OSPO Smoke: Hello' }],
    },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    `'use strict';
const vscode = require('vscode');
const MARKER = ${JSON.stringify(MARKER)};

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('ospoSmoke.hello', () => {
      vscode.window.showInformationMessage('OSPO smoke: hello from the test extension');
      return 'hello';
    }),
  );

  // A warning for every line containing SMOKE-PROBLEM, to exercise the Problems panel.
  const diagnostics = vscode.languages.createDiagnosticCollection('ospo-smoke');
  context.subscriptions.push(diagnostics);
  const check = (doc) => {
    if (doc.languageId !== 'markdown') return;
    const found = [];
    for (let i = 0; i < doc.lineCount; i++) {
      const col = doc.lineAt(i).text.indexOf('SMOKE-PROBLEM');
      if (col >= 0) {
        found.push(new vscode.Diagnostic(new vscode.Range(i, col, i, col + 13), 'ospo-smoke: problem marker found', vscode.DiagnosticSeverity.Warning));
      }
    }
    diagnostics.set(doc.uri, found);
  };
  vscode.workspace.textDocuments.forEach(check);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
  );

  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(
      { language: 'markdown' },
      { provideCompletionItems: () => [new vscode.CompletionItem('ospo-smoke-completion', vscode.CompletionItemKind.Reference)] },
      '[',
    ),
  );

  return {
    // Appends a marker paragraph to every rendered document.
    extendMarkdownIt(md) {
      md.core.ruler.push('ospo_smoke_marker', (state) => {
        const open = new state.Token('paragraph_open', 'p', 1);
        open.attrSet('class', 'ospo-smoke-marker');
        const inline = new state.Token('inline', '', 0);
        inline.content = MARKER;
        const text = new state.Token('text', '', 0);
        text.content = MARKER;
        inline.children = [text];
        const close = new state.Token('paragraph_close', 'p', -1);
        state.tokens.push(open, inline, close);
      });
      return md;
    },
  };
}

module.exports = { activate, deactivate() {} };
`,
  );
  return dir;
}

/** In-editor test modules, in the shape test-electron expects: `run()` resolves or rejects. */
function writeExtensionTestModules(root: string): { passing: string; failing: string } {
  const dir = path.join(root, 'ext-tests');
  fs.mkdirSync(dir, { recursive: true });
  const passing = path.join(dir, 'passing.js');
  fs.writeFileSync(
    passing,
    `'use strict';
const assert = require('assert');
const vscode = require('vscode');

exports.run = async function run() {
  const ext = vscode.extensions.getExtension(${JSON.stringify(EXT_ID)});
  assert.ok(ext, 'the extension under development is loaded');
  await ext.activate();

  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes('ospoSmoke.hello'), 'command registered');
  assert.strictEqual(await vscode.commands.executeCommand('ospoSmoke.hello'), 'hello');

  const folder = (vscode.workspace.workspaceFolders || [])[0];
  assert.ok(folder, 'a workspace folder is open');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'index.md'));
  assert.match(doc.getText(), /Smoke Vault Index/);

  const html = await vscode.commands.executeCommand('markdown.api.render', doc.getText());
  assert.ok(String(html).includes(${JSON.stringify(MARKER)}), 'markdown-it plugin applied: ' + html);

  const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(4, 6), '[');
  const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  assert.ok(labels.includes('ospo-smoke-completion'), 'completion offered: ' + labels.slice(0, 20).join(', '));
  console.log('ospo smoke: in-editor checks passed');
};
`,
  );
  const failing = path.join(dir, 'failing.js');
  fs.writeFileSync(
    failing,
    `'use strict';
const assert = require('assert');
exports.run = async function run() {
  assert.strictEqual(1, 2, 'deliberate failure: the runner must report exit code 1');
};
`,
  );
  return { passing, failing };
}

describe('editor smoke: real VS Code (code-server + Chromium)', function () {
  this.timeout(180_000);

  let tools: EditorTools;
  let tmpRoot: string;
  let extensionDir: string;

  before(function () {
    tools = toolsOrSkip(this);
    tmpRoot = makeTempDir('smoke');
    extensionDir = writeSmokeExtension(tmpRoot);
  });

  after(function () {
    if (tmpRoot) removeDir(tmpRoot);
  });

  describe('UI in code-server', function () {
    let server: CodeServer | undefined;
    let browser: BrowserSession | undefined;
    let workspace: string;

    before(async function () {
      workspace = copyFixtureToTemp(FIXTURE_VAULT);
      server = await startCodeServer({ workspace, extensionDevPath: extensionDir, tools });
      browser = await launchBrowser({ tools });
      await openWorkbench(browser.page, server);
      await screenshot(browser.page, 'smoke-01-workbench');
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && browser) {
        const name = `smoke-failed-${this.currentTest.title}`;
        await screenshot(browser.page, name).catch(() => undefined);
        saveArtifact(`${name}.console.txt`, browser.console.join('\n'));
        if (server) saveArtifact(`${name}.server.txt`, server.output());
      }
    });

    after(async function () {
      await browser?.close();
      await server?.stop();
      if (workspace) removeDir(path.dirname(workspace));
    });

    it('opens vault files by quick open', async function () {
      const page = browser!.page;
      await openFile(page, 'notes/second-note.md');
      await openFile(page, 'index.md');
      await screenshot(page, 'smoke-02-quick-open');
    });

    it('shows an extension completion in the suggest widget and its diagnostic in Problems', async function () {
      const page = browser!.page;
      await openFile(page, 'index.md');
      await typeInEditor(page, '\nSMOKE-PROBLEM here\nospo');
      const rows = await waitForSuggestion(page, 'ospo-smoke-completion');
      await screenshot(page, 'smoke-03-suggest');
      assert.ok(rows.some((r) => r.includes('ospo-smoke-completion')), JSON.stringify(rows));
      await page.keyboard.press('Escape');
      const problems = await readProblems(page, { waitFor: 'ospo-smoke: problem marker found' });
      await screenshot(page, 'smoke-04-problems');
      assert.ok(problems.some((r) => r.includes('problem marker found')), JSON.stringify(problems));
    });

    it("renders the extension's markdown-it plugin in the built-in preview", async function () {
      const page = browser!.page;
      await openFile(page, 'index.md');
      await runCommand(page, 'Markdown: Open Preview to the Side');
      const heading = await findInFrames(page, 'Smoke Vault Index');
      assert.ok(heading.text.includes('Smoke Vault Index'));
      const marker = await findInFrames(page, MARKER, { selector: 'p.ospo-smoke-marker' });
      assert.match(marker.html ?? '', /ospo-smoke-marker/);
      await screenshot(page, 'smoke-05-preview');
    });

    it('runs a contributed command from the command palette', async function () {
      const page = browser!.page;
      await openFile(page, 'index.md');
      await runCommand(page, 'OSPO Smoke: Hello');
      const text = await waitForNotification(page, 'hello from the test extension');
      assert.match(text, /hello from the test extension/);
      await screenshot(page, 'smoke-06-command');
    });
  });

  describe('a packaged extension (.vsix) in code-server', function () {
    it('installs with --install-extension and runs its command', async function () {
      const vsix = packageVsix(extensionDir);
      const workspace = copyFixtureToTemp(FIXTURE_VAULT);
      const server = await startCodeServer({ workspace, extensionVsix: vsix, tools });
      const browser = await launchBrowser({ tools });
      try {
        await openWorkbench(browser.page, server);
        await openFile(browser.page, 'index.md');
        await runCommand(browser.page, 'OSPO Smoke: Hello');
        await waitForNotification(browser.page, 'hello from the test extension');
        assert.ok(fs.readdirSync(server.extensionsDir).some((d) => d.startsWith(`${EXT_ID}-`)), 'installed into the fresh extensions dir');
        await screenshot(browser.page, 'smoke-07-vsix');
      } catch (err) {
        await screenshot(browser.page, 'smoke-failed-vsix').catch(() => undefined);
        saveArtifact('smoke-failed-vsix.server.txt', server.output());
        throw err;
      } finally {
        await browser.close();
        await server.stop();
        removeDir(path.dirname(workspace));
        removeDir(path.dirname(vsix));
      }
    });
  });

  describe('extension test suites in the bundled VS Code server', function () {
    let modules: { passing: string; failing: string };
    const workspaces: string[] = [];

    before(function () {
      modules = writeExtensionTestModules(tmpRoot);
    });

    after(function () {
      for (const w of workspaces) removeDir(path.dirname(w));
    });

    const run = async (testsPath: string, shot: string) => {
      const workspace = copyFixtureToTemp(FIXTURE_VAULT);
      workspaces.push(workspace);
      return runExtensionTestsInServer({
        extensionDevelopmentPath: extensionDir,
        extensionTestsPath: testsPath,
        workspace,
        screenshotName: shot,
        tools,
      });
    };

    it('a passing test module exits with code 0', async function () {
      const result = await run(modules.passing, 'smoke-08-ext-tests-pass');
      saveArtifact('smoke-ext-tests-pass.log.txt', result.log.join('\n'));
      assert.equal(result.exitCode, 0, `exit ${result.exitCode}; log:\n${result.log.slice(-40).join('\n')}`);
      // The module's console output reaches the log: failures of real suites will be readable.
      assert.ok(result.log.some((l) => l.includes('ospo smoke: in-editor checks passed')), result.log.join('\n'));
    });

    it('a failing test module exits with code 1', async function () {
      const result = await run(modules.failing, 'smoke-09-ext-tests-fail');
      saveArtifact('smoke-ext-tests-fail.log.txt', result.log.join('\n'));
      assert.equal(result.exitCode, 1, `exit ${result.exitCode}; log:\n${result.log.slice(-40).join('\n')}`);
      assert.ok(result.log.some((l) => l.includes('deliberate failure')), result.log.join('\n'));
    });
  });
});
