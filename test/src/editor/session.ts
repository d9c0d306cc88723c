/**
 * What every real-editor test of the extension does around its checks, once: skip where the editor tools are
 * missing, package the extension, start code-server with it on a fresh copy of a vault, open the workbench in
 * Chromium and wait until the vault is indexed; keep a failed test's screenshot, console and server log; stop
 * everything and remove the copy afterwards.
 *
 * `editorSession(label)` is called inside a `describe` block and registers the hooks there; `open()` starts (or
 * restarts) the editor for one test or for the whole block.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  copyFixtureToTemp,
  launchBrowser,
  openWorkbench,
  removeDir,
  saveArtifact,
  screenshot,
  startCodeServer,
  toolsOrSkip,
  type BrowserSession,
  type CodeServer,
  type EditorTools,
} from './harness';
import { EXAMPLE_VAULT, VSIX, ensureVsix, sampleNoteCount } from './suite/prepare';

export interface OpenEditor {
  page: Page;
  server: CodeServer;
  /** The vault copy the editor has open. */
  workspace: string;
}

export interface OpenOptions {
  /** The folder copied for the editor (default: the sample vault). */
  fixture?: string;
  /** A folder the test made itself, opened as it is (removed with its parent folder afterwards). */
  workspace?: string;
  /** Runs on the copy before the editor starts (a setting written, a file changed). */
  prepare?: (workspace: string) => void;
  /**
   * What the status item shows once the vault is indexed; the default for the sample vault is its note count.
   * `false`: nothing to wait for (a folder that is no vault, or a test that waits for something else).
   */
  status?: string | RegExp | false;
  statusTimeoutMs?: number;
  /** Another build of the extension (default: the one packaged from this checkout). */
  vsix?: string;
}

export interface EditorSession {
  /** Starts the editor on a fresh copy, closing the one before, if any. */
  open(options?: OpenOptions): Promise<OpenEditor>;
  /** The editor `open` started (throws before). */
  readonly current: OpenEditor;
}

export function editorSession(label: string): EditorSession {
  let tools: EditorTools | undefined;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  let workspace: string | undefined;
  let opened: OpenEditor | undefined;

  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
    if (workspace) removeDir(path.dirname(workspace));
    browser = server = workspace = opened = undefined;
  };

  before(function () {
    tools = toolsOrSkip(this);
    process.stdout.write(`      ${ensureVsix()}\n`);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !browser) return;
    const name = `${label}-failed-${(this.currentTest.title ?? '').slice(0, 40).replace(/\W+/g, '-')}`;
    await screenshot(browser.page, name).catch(() => undefined);
    saveArtifact(`${name}.console.txt`, browser.console.join('\n'));
    if (server) saveArtifact(`${name}.server.txt`, server.output());
  });

  after(close);

  return {
    async open(options: OpenOptions = {}): Promise<OpenEditor> {
      if (!tools) throw new Error('editorSession: open() before the tools were found');
      await close();
      const fixture = options.fixture ?? EXAMPLE_VAULT;
      workspace = options.workspace ?? copyFixtureToTemp(fixture, label);
      options.prepare?.(workspace);
      server = await startCodeServer({ workspace, tools, extensionVsix: options.vsix ?? VSIX });
      browser = await launchBrowser({ tools });
      const page = browser.page;
      await openWorkbench(page, server);
      const status = options.status ?? (options.workspace === undefined && fixture === EXAMPLE_VAULT ? `${sampleNoteCount()} notes ·` : false);
      if (status !== false) {
        await page.locator('.part.statusbar .statusbar-item', { hasText: status }).first().waitFor({ state: 'visible', timeout: options.statusTimeoutMs ?? 60_000 });
      }
      opened = { page, server, workspace };
      return opened;
    },
    get current(): OpenEditor {
      if (!opened) throw new Error('editorSession: no editor open');
      return opened;
    },
  };
}
