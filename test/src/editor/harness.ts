/**
 * Harness for tests that drive a real VS Code.
 *
 * Two ways of running, both on tools installed by `scripts/editor-tools.sh` into `.tools/`:
 *  - UI tests: code-server (VS Code in the browser) is started on a throwaway state and driven by
 *    Playwright in the system Chromium: `startCodeServer` + `launchBrowser` + `openWorkbench`, then the
 *    UI helpers below (command palette, quick open, typing, suggest widget, Problems, preview webviews).
 *  - In-editor test suites: the VS Code server bundled in code-server runs with the smoke-test driver,
 *    which loads an extension under development and runs a test module's `run()` in the real extension
 *    host, like `@vscode/test-electron`'s `runTests` does with a desktop VS Code
 *    (`runExtensionTestsInServer`).
 *
 * Tools missing: tests skip with a one-line reason, except under CI=true where they fail.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';

// The test project compiles without the DOM lib; this is the little that page-side callbacks use.
interface PageElement {
  textContent: string | null;
  innerText: string;
  outerHTML: string;
  style: { top: string };
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const document: { body: PageElement | null; querySelector(selector: string): PageElement | null };

/** Repository root (this file is compiled to test/out/editor/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Screenshots and logs of editor runs; git-ignored. */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'editor');

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

export interface EditorTools {
  toolsDir: string;
  /** Node 24 binary: code-server and its bundled VS Code server only run under Node 24. */
  node24: string;
  /** The installed `code-server` npm package folder. */
  codeServerPackage: string;
  /** code-server's CLI entry point (run it with `node24`). */
  codeServerEntry: string;
  /** The VS Code server bundled in code-server (accepts --enable-smoke-test-driver). */
  vscodeServerMain: string;
  chromium: string;
}

export type ToolsLookup = { ok: true; tools: EditorTools } | { ok: false; reason: string };

const INSTALL_HINT = 'run `bash scripts/editor-tools.sh`';

/**
 * Finds the editor tools. Never throws: when something is missing, `reason` is one line naming it.
 * Overrides: OSPO_TOOLS_DIR (default `<repo>/.tools`), OSPO_CHROMIUM (default /usr/bin/chromium).
 */
export function locateTools(): ToolsLookup {
  const toolsDir = process.env.OSPO_TOOLS_DIR ? path.resolve(process.env.OSPO_TOOLS_DIR) : path.join(REPO_ROOT, '.tools');
  const node24 = path.join(toolsDir, 'node24', 'node_modules', '.bin', 'node');
  const codeServerPackage = path.join(toolsDir, 'code-server', 'node_modules', 'code-server');
  const tools: EditorTools = {
    toolsDir,
    node24,
    codeServerPackage,
    codeServerEntry: path.join(codeServerPackage, 'out', 'node', 'entry.js'),
    vscodeServerMain: path.join(codeServerPackage, 'lib', 'vscode', 'out', 'server-main.js'),
    chromium: process.env.OSPO_CHROMIUM || '/usr/bin/chromium',
  };
  const required: Array<[string, string]> = [
    ['Node 24', tools.node24],
    ['code-server', tools.codeServerEntry],
    ['VS Code server', tools.vscodeServerMain],
    ['Chromium', tools.chromium],
  ];
  const missing = required.filter(([, p]) => !fs.existsSync(p));
  if (missing.length > 0) {
    const rel = path.relative(REPO_ROOT, toolsDir);
    const where = rel && !rel.startsWith('..') ? rel : toolsDir;
    const what = missing.map(([name, p]) => (name === 'Chromium' ? `Chromium (${p})` : name)).join(', ');
    return { ok: false, reason: `editor tools missing: ${what} (tools dir ${where}); ${INSTALL_HINT}` };
  }
  return { ok: true, tools };
}

/** True when running under CI, where an editor test that cannot run must fail rather than skip. */
export function isCI(): boolean {
  return process.env.CI === 'true';
}

/**
 * For a mocha `before`/`it` (`function` style, so `this` is the context): returns the tools, or skips
 * the suite with a one-line reason. Under CI=true a missing tool throws instead, so a CI machine
 * without the tools cannot pass by skipping everything.
 */
export function toolsOrSkip(ctx: Mocha.Context): EditorTools {
  const found = locateTools();
  if (found.ok) return found.tools;
  if (isCI()) throw new Error(`${found.reason} (CI=true: editor tests must run)`);
  // mocha prints nothing for a skip reason; one line on stderr makes the skip visible.
  process.stderr.write(`      skipped: ${found.reason}\n`);
  ctx.skip();
}

function toolsOrThrow(tools?: EditorTools): EditorTools {
  if (tools) return tools;
  const found = locateTools();
  if (!found.ok) throw new Error(found.reason);
  return found.tools;
}

// ---------------------------------------------------------------------------------------------
// Processes, ports, temp dirs
// ---------------------------------------------------------------------------------------------

/** Process groups started here; killed on exit so an aborted run leaves no server behind. */
const liveGroups = new Set<number>();
let exitHooksInstalled = false;

function killLiveGroups(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  liveGroups.clear();
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', killLiveGroups);
  // The servers run in their own sessions, so a Ctrl+C in the terminal does not reach them.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killLiveGroups();
      process.removeListener(sig, onSignal);
      // Keep the default behaviour (terminate) unless the test runner handles the signal itself.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** A fresh temp folder under os.tmpdir(). */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ospo-editor-${prefix}-`));
}

/** Removes a folder, tolerating files still held by a process that is exiting. */
export function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
  } catch {
    /* best effort: it is in the temp folder */
  }
}

/** Copies a fixture folder to a fresh temp workspace (code-server auto-saves: never open fixtures in place). */
export function copyFixtureToTemp(fixtureDir: string, prefix = 'workspace'): string {
  const dest = path.join(makeTempDir(prefix), path.basename(fixtureDir));
  fs.cpSync(fixtureDir, dest, { recursive: true });
  return dest;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `promise`, or `onTimeout` after `ms`. The timer is cleared either way: a pending timer would keep
 * mocha (which waits for the event loop to drain) alive long after the last test.
 */
async function withTimeout<T, U>(promise: Promise<T>, ms: number, onTimeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<U>((r) => (timer = setTimeout(() => r(onTimeout), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(0);
    });
  });
}

/** A child process started in its own process group (detached = setsid), with its output kept. */
export interface ManagedProcess {
  child: cp.ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  exited(): boolean;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function spawnGroup(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): ManagedProcess {
  // detached makes the child a session and group leader (setsid), so stopping it also stops the
  // extension hosts, language servers and file watchers it forks.
  const child = cp.spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  let size = 0;
  const keep = (b: Buffer) => {
    // Bounded: a chatty server must not grow the test process without limit.
    if (size < 2_000_000) {
      chunks.push(b.toString());
      size += b.length;
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitPromise = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const pgid = child.pid;
  if (pgid) {
    installExitHooks();
    liveGroups.add(pgid);
  }
  const killGroup = (sig: NodeJS.Signals) => {
    if (!pgid) return;
    try {
      process.kill(-pgid, sig);
    } catch {
      /* group already gone */
    }
  };
  return {
    child,
    output: () => chunks.join(''),
    exited: () => exited,
    async stop(graceMs = 5000) {
      killGroup('SIGTERM');
      const timedOut = await withTimeout(exitPromise.then(() => false), graceMs, true);
      // Children of the leader may outlive it: always finish the group off.
      killGroup('SIGKILL');
      if (timedOut) await withTimeout(exitPromise, 2000, undefined);
      if (pgid) liveGroups.delete(pgid);
    },
  };
}

async function waitForHttp(url: string, proc: ManagedProcess, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(`${what} exited before it was ready:\n${tail(proc.output())}`);
    const status = await httpStatus(url);
    if (status >= 200 && status < 400) return;
    await sleep(200);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${tail(proc.output())}`);
}

function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Environment for the editor processes: all XDG state in `stateDir`, never the user's home. */
function isolatedEnv(tools: EditorTools, stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test runner's own Node settings must not leak into Node 24 (e.g. mocha's --require hooks).
  delete env.NODE_OPTIONS;
  for (const key of Object.keys(env)) if (key.startsWith('VSCODE_') || key.startsWith('ELECTRON_')) delete env[key];
  env.PATH = `${path.dirname(tools.node24)}${path.delimiter}${env.PATH ?? ''}`;
  env.XDG_CONFIG_HOME = path.join(stateDir, 'xdg-config');
  env.XDG_DATA_HOME = path.join(stateDir, 'xdg-data');
  env.XDG_CACHE_HOME = path.join(stateDir, 'xdg-cache');
  env.XDG_RUNTIME_DIR = path.join(stateDir, 'xdg-runtime');
  for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR'] as const) {
    fs.mkdirSync(env[k]!, { recursive: true, mode: 0o700 });
  }
  return env;
}

/**
 * Settings every test user starts with: nothing that pops up, checks online or moves focus on its own.
 * Tests add theirs on top (e.g. `"[markdown]": { "editor.quickSuggestions": ... }`).
 */
export const BASE_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
  // The secondary side bar (chat) would take a third of the width for nothing.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function writeUserSettings(userDataDir: string, settings: Record<string, unknown> | undefined): void {
  const userDir = path.join(userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
}

interface ExtensionManifest {
  name: string;
  publisher: string;
  version: string;
}

function readManifest(extensionDir: string): ExtensionManifest {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8')) as Partial<ExtensionManifest>;
  if (!pkg.name || !pkg.publisher || !pkg.version) {
    throw new Error(`${extensionDir}/package.json needs name, publisher and version`);
  }
  return pkg as ExtensionManifest;
}

/**
 * Packages an extension folder into a .vsix with the repo's `@vscode/vsce` (works offline) and
 * returns its path. `outFile` defaults to `<os.tmpdir()>/…/<name>-<version>.vsix`; `withDependencies`
 * lets vsce add the production node_modules (off: for bundled or dependency-free extensions).
 */
export function packageVsix(extensionDir: string, options: { outFile?: string; withDependencies?: boolean } = {}): string {
  const m = readManifest(extensionDir);
  const out = options.outFile ?? path.join(makeTempDir('vsix'), `${m.name}-${m.version}.vsix`);
  const vsce = require.resolve('@vscode/vsce/vsce', { paths: [REPO_ROOT] });
  const res = cp.spawnSync(
    process.execPath,
    [vsce, 'package', '--out', out, '--allow-missing-repository', '--skip-license', options.withDependencies ? '--dependencies' : '--no-dependencies'],
    { cwd: extensionDir, encoding: 'utf8', timeout: 120_000, input: 'y\n' },
  );
  if (res.status !== 0 || !fs.existsSync(out)) {
    throw new Error(`vsce package failed in ${extensionDir} (${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// code-server (UI tests)
// ---------------------------------------------------------------------------------------------

export interface StartCodeServerOptions {
  /** Folder to open; pass a temp copy (see `copyFixtureToTemp`). */
  workspace: string;
  /** A packaged extension installed with `--install-extension` into the fresh extensions dir. */
  extensionVsix?: string;
  /** A built extension folder, linked into the extensions dir as `<publisher>.<name>-<version>`. */
  extensionDevPath?: string;
  /** User settings merged over BASE_SETTINGS. */
  settings?: Record<string, unknown>;
  tools?: EditorTools;
  /** Time allowed for /healthz to answer (default 30 s). */
  readyTimeoutMs?: number;
  /**
   * Workspace trust as users have it (off by default here): the folder is not trusted until someone says so,
   * so it opens in Restricted Mode once the trust prompt is declined (see `declineWorkspaceTrust`).
   */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  workspace: string;
  /** Temp folder holding user data, extensions and XDG dirs; removed by stop(). */
  stateDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** The server's stdout + stderr so far. */
  output(): string;
  /** Kills the server's process group and removes `stateDir` (not the workspace). */
  stop(): Promise<void>;
}

/** Starts code-server on a free loopback port with fresh user data and extensions dirs. */
export async function startCodeServer(options: StartCodeServerOptions): Promise<CodeServer> {
  const tools = toolsOrThrow(options.tools);
  const stateDir = makeTempDir('code-server');
  const userDataDir = path.join(stateDir, 'user-data');
  const extensionsDir = path.join(stateDir, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, options.workspaceTrust ? { ...options.settings, 'security.workspace.trust.enabled': true } : options.settings);
  const env = isolatedEnv(tools, stateDir);
  // An empty config file: otherwise code-server creates one with a password in XDG_CONFIG_HOME.
  const configFile = path.join(stateDir, 'config.yaml');
  fs.writeFileSync(configFile, '');
  const dirArgs = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  try {
    if (options.extensionVsix) {
      const res = cp.spawnSync(tools.node24, [tools.codeServerEntry, ...dirArgs, '--install-extension', path.resolve(options.extensionVsix)], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (res.status !== 0) {
        throw new Error(`installing ${options.extensionVsix} failed (${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
      }
    }
    if (options.extensionDevPath) {
      const dev = path.resolve(options.extensionDevPath);
      const m = readManifest(dev);
      fs.symlinkSync(dev, path.join(extensionsDir, `${m.publisher}.${m.name}-${m.version}`), 'dir');
    }
  } catch (err) {
    removeDir(stateDir);
    throw err;
  }

  const port = await freePort();
  const args = [
    tools.codeServerEntry,
    ...dirArgs,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const proc = spawnGroup(tools.node24, args, env, stateDir);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await proc.stop();
    removeDir(stateDir);
  };
  try {
    await waitForHttp(`${url}/healthz`, proc, options.readyTimeoutMs ?? 30_000, 'code-server');
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, workspace: options.workspace, stateDir, userDataDir, extensionsDir, output: proc.output, stop };
}

// ---------------------------------------------------------------------------------------------
// Browser
// ---------------------------------------------------------------------------------------------

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Browser console lines (`type: text`), for failure messages. */
  console: string[];
  close(): Promise<void>;
}

export interface LaunchBrowserOptions {
  tools?: EditorTools;
  viewport?: { width: number; height: number };
}

/** Headless system Chromium with a fresh, empty profile. */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<BrowserSession> {
  const tools = toolsOrThrow(options.tools);
  const stateDir = makeTempDir('chromium');
  const profileDir = path.join(stateDir, 'profile');
  // Chromium's crash handler keeps its database under XDG_CONFIG_HOME, not the profile: point it
  // at the temp folder so nothing is written into the home folder.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, sub] of [['XDG_CONFIG_HOME', 'xdg-config'], ['XDG_CACHE_HOME', 'xdg-cache'], ['XDG_DATA_HOME', 'xdg-data']] as const) {
    env[k] = path.join(stateDir, sub);
    fs.mkdirSync(env[k], { recursive: true });
  }
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
    executablePath: tools.chromium,
    headless: true,
    env,
    viewport: options.viewport ?? { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-crash-reporter',
      '--disable-breakpad',
    ],
    });
  } catch (err) {
    removeDir(stateDir);
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines: string[] = [];
  page.on('console', (msg) => {
    if (consoleLines.length < 2000) consoleLines.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => {
    if (consoleLines.length < 2000) consoleLines.push(`pageerror: ${err.message}`);
  });
  return {
    context,
    page,
    console: consoleLines,
    async close() {
      await context.close().catch(() => undefined);
      removeDir(stateDir);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Workbench UI helpers
// ---------------------------------------------------------------------------------------------

/** Opens the workbench on `folder` (default: the server's workspace) and waits until it is usable. */
export async function openWorkbench(page: Page, server: Pick<CodeServer, 'url' | 'workspace'>, folder = server.workspace): Promise<void> {
  await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
  await waitForWorkbench(page);
}

/**
 * Waits for the workbench shell, the status bar and the explorer's first row: by then the folder is
 * open and the server's file system answers (so the folder must hold at least one file). Extensions
 * may still be activating: the helpers that depend on them poll.
 */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Keeps an untrusted folder untrusted: answers the workspace trust prompt, when the editor shows one, with
 * "No, I don't trust the authors" (as a careful user opening a downloaded folder would; code-server may open
 * an untrusted folder in Restricted Mode without asking) and waits for the status bar's Restricted Mode
 * indicator. Returns its text.
 */
export async function declineWorkspaceTrust(page: Page, timeoutMs = 30_000): Promise<string> {
  const decline = page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: /don.t trust/i }).first();
  const restricted = page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await decline.isVisible()) await decline.click();
    else if (await restricted.isVisible()) return ((await restricted.textContent()) ?? '').trim();
    await sleep(200);
  }
  throw new Error(`no Restricted Mode indicator after ${timeoutMs} ms`);
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

async function closeQuickInput(page: Page): Promise<void> {
  if (await page.locator(QUICK_INPUT).isVisible()) await page.keyboard.press('Escape');
}

/**
 * Runs a command from the command palette (F1) by its label as shown there: a string must equal the
 * label (e.g. `Markdown: Open Preview to the Side`), a RegExp must match it. `filter` is what is typed
 * into the palette (default: the string, or the RegExp's source stripped of regex syntax).
 */
export async function runCommand(
  page: Page,
  label: string | RegExp,
  options: { filter?: string; timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const filter = options.filter;
  await closeQuickInput(page);
  await page.keyboard.press('F1');
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  const typed = filter ?? (typeof label === 'string' ? label : label.source.replace(/\\b|[\^$\\()[\]?*+{}|]/g, ''));
  await input.fill(`>${typed}`);
  const wanted = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
  const exact = page.locator(QUICK_INPUT_ROWS).filter({ has: page.locator('.label-name', { hasText: wanted }) });
  try {
    await exact.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const rows = await quickInputRows(page);
    await closeQuickInput(page);
    throw new Error(`command ${String(label)} not in the command palette; rows: ${JSON.stringify(rows)}`);
  }
  await exact.first().click();
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** The rows the quick input currently shows (their aria-labels). */
export async function quickInputRows(page: Page): Promise<string[]> {
  return page.locator(QUICK_INPUT_ROWS).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
}

/**
 * Opens a workspace file by quick open (Ctrl+P) and waits for its editor tab to be active.
 * `relativePath` is relative to the workspace folder, with `/`.
 */
export async function openFile(page: Page, relativePath: string, timeoutMs = 20_000): Promise<void> {
  await closeQuickInput(page);
  const base = path.posix.basename(relativePath);
  const dir = path.posix.dirname(relativePath);
  await page.keyboard.press('Control+P');
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(relativePath);
  // The file search runs in the server; the result row names the file and its folder.
  const row = page.locator(QUICK_INPUT_ROWS).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(base)}$`) }) });
  const candidates = dir === '.' ? row : row.filter({ has: page.locator('.label-description', { hasText: dir }) });
  try {
    await candidates.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const rows = await quickInputRows(page);
    await closeQuickInput(page);
    throw new Error(`quick open found no "${relativePath}"; rows: ${JSON.stringify(rows)}`);
  }
  await candidates.first().click();
  await activeTab(page, base).waitFor({ state: 'visible', timeout: timeoutMs });
  await activeEditor(page).waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The active tab of the focused editor group whose label starts with `name`. */
export function activeTab(page: Page, name: string) {
  return page.locator(`.editor-group-container.active .tab.active[aria-label^="${cssString(name)}"]`);
}

/** The text editor of the active editor group. */
export function activeEditor(page: Page) {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

export interface TypeOptions {
  /** Where to put the cursor first: end or start of the document, or leave it where it is (default 'end'). */
  at?: 'end' | 'start' | 'current';
  /** Delay between keystrokes in ms (default 20). */
  delay?: number;
}

/** Focuses the active text editor and types `text` (newlines press Enter, as a person would). */
export async function typeInEditor(page: Page, text: string, options: TypeOptions = {}): Promise<void> {
  const editor = activeEditor(page);
  // A click would move the cursor: only click when the editor does not have focus yet.
  const focused = await editor.evaluate((el) => el.classList.contains('focused'));
  if (!focused) await editor.locator('.view-lines').click();
  if (options.at !== 'current') await page.keyboard.press(options.at === 'start' ? 'Control+Home' : 'Control+End');
  await page.keyboard.type(text, { delay: options.delay ?? 20 });
}

/** The text of the active editor's visible lines (Monaco renders only what is on screen). */
export async function visibleEditorText(page: Page): Promise<string> {
  return activeEditor(page)
    .locator('.view-lines')
    .evaluate((el) =>
      Array.from((el as unknown as PageElement).querySelectorAll('.view-line'))
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
        .join('\n'),
    );
}

const SUGGEST_ROWS = '.editor-widget.suggest-widget.visible .monaco-list-row';

/** The rows of the open suggest widget (their aria-labels, e.g. "note-a, File"); [] when closed. */
export async function readSuggestions(page: Page): Promise<string[]> {
  return page.locator(SUGGEST_ROWS).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
}

/**
 * Waits until the suggest widget shows a row matching `match`, pressing Ctrl+Space now and every
 * `retriggerMs` (a language server may not be ready at the first keystroke). Returns all rows.
 */
export async function waitForSuggestion(
  page: Page,
  match: string | RegExp,
  options: { timeoutMs?: number; retriggerMs?: number } = {},
): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const retriggerMs = options.retriggerMs ?? 2_000;
  const deadline = Date.now() + timeoutMs;
  const matches = (row: string) => (typeof match === 'string' ? row.includes(match) : match.test(row));
  let rows: string[] = [];
  while (Date.now() < deadline) {
    await page.keyboard.press('Control+Space');
    const until = Math.min(deadline, Date.now() + retriggerMs);
    while (Date.now() < until) {
      rows = await readSuggestions(page);
      if (rows.some(matches)) return rows;
      await sleep(150);
    }
  }
  throw new Error(`no suggestion matching ${String(match)} after ${timeoutMs} ms; last rows: ${JSON.stringify(rows)}`);
}

/**
 * Opens the Problems panel and returns its rows (aria-labels: the file rows and, for each diagnostic,
 * its message, severity and position). With `waitFor`, waits until a row matches.
 */
export async function readProblems(page: Page, options: { waitFor?: string | RegExp; timeoutMs?: number } = {}): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const rowsSel = '.markers-panel .monaco-list-row';
  if (!(await page.locator('.markers-panel').isVisible())) {
    // The label has changed across versions ("View: Focus Problems (Errors, Warnings, Infos)").
    await runCommand(page, /^View: Focus Problems\b/, { filter: 'View: Focus Problems', timeoutMs });
  }
  await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: timeoutMs });
  const read = () => page.locator(rowsSel).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
  if (!options.waitFor) return read();
  const m = options.waitFor;
  const matches = (row: string) => (typeof m === 'string' ? row.includes(m) : m.test(row));
  const deadline = Date.now() + timeoutMs;
  let rows: string[] = [];
  while (Date.now() < deadline) {
    rows = await read();
    if (rows.some(matches)) return rows;
    await sleep(250);
  }
  throw new Error(`no problem matching ${String(m)} after ${timeoutMs} ms; rows: ${JSON.stringify(rows)}`);
}

export interface FrameMatch {
  frame: Frame;
  /** innerText of the frame's body. */
  text: string;
  /** Outer HTML of the first element matching `selector`, when one was given. */
  html?: string;
}

/**
 * Searches every frame of the page, including webviews' nested iframes (where the markdown preview
 * renders), for `needle` in the body text, and optionally for an element matching `selector`.
 * Polls until found or `timeoutMs`.
 */
export async function findInFrames(
  page: Page,
  needle: string | RegExp,
  options: { selector?: string; timeoutMs?: number } = {},
): Promise<FrameMatch> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  const matches = (text: string) => (typeof needle === 'string' ? text.includes(needle) : needle.test(text));
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      let found: { text: string; html?: string } | undefined;
      try {
        found = await frame.evaluate((sel) => {
          const body = document.body;
          if (!body) return undefined;
          const el = sel ? document.querySelector(sel) : null;
          return { text: body.innerText, html: el ? el.outerHTML : sel ? '' : undefined };
        }, options.selector ?? '');
      } catch {
        continue; // frame navigated or detached while we looked
      }
      if (found && matches(found.text) && (!options.selector || found.html)) {
        return { frame, text: found.text, html: found.html || undefined };
      }
    }
    await sleep(250);
  }
  const urls = page.frames().map((f) => f.url().slice(0, 120));
  throw new Error(`${String(needle)}${options.selector ? ` with ${options.selector}` : ''} not found in any frame after ${timeoutMs} ms; frames: ${JSON.stringify(urls)}`);
}

/** Waits for a notification toast whose text matches; returns its text. */
export async function waitForNotification(page: Page, match: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: match }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await toast.innerText()).trim();
}

/** Saves a full-page screenshot as test-artifacts/editor/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Writes a text artifact (server output, console log) next to the screenshots; returns its path. */
export function saveArtifact(name: string, text: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name.replace(/[^\w.-]+/g, '_'));
  fs.writeFileSync(file, text);
  return file;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// In-editor test suites (the bundled VS Code server + smoke-test driver)
// ---------------------------------------------------------------------------------------------

export interface ExtensionTestRunOptions {
  /** Folder with the extension's package.json (loaded without being installed). */
  extensionDevelopmentPath: string;
  /** Module exporting `run(): Promise<void>` (a rejection is a failure), as for test-electron. */
  extensionTestsPath: string;
  /** Folder to open; pass a temp copy. */
  workspace: string;
  /** User settings merged over BASE_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Whole-run limit (default 120 s); on expiry the promise rejects with the log so far. */
  timeoutMs?: number;
  /** When set, a screenshot named so is taken just before the browser closes. */
  screenshotName?: string;
  tools?: EditorTools;
}

export interface ExtensionTestRunResult {
  /** What the extension host reported: 0 = run() resolved, 1 = it rejected or failed to load. */
  exitCode: number;
  /** The workbench's log lines via codeAutomationLog ("level: message"); the test module's console output is here. */
  log: string[];
  /** The browser console ("type: text"), for diagnosing a run that never started. */
  console: string[];
  /** The log files the workbench hands over on exit (relative path → contents). */
  logFiles: Record<string, string>;
  /** The server's stdout + stderr. */
  serverOutput: string;
  durationMs: number;
}

/**
 * Runs an extension test module inside a real extension host, the way `@vscode/test-electron`'s
 * runTests does, but on the VS Code server bundled in code-server, driven by a headless browser.
 */
export async function runExtensionTestsInServer(options: ExtensionTestRunOptions): Promise<ExtensionTestRunResult> {
  const tools = toolsOrThrow(options.tools);
  const started = Date.now();
  const stateDir = makeTempDir('vscode-server');
  const serverDataDir = path.join(stateDir, 'server-data');
  const userDataDir = path.join(stateDir, 'user-data');
  const extensionsDir = path.join(stateDir, 'extensions');
  fs.mkdirSync(serverDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // The remote side reads machine settings from the server data dir; the browser keeps user settings
  // in its own storage, so write both.
  writeUserSettings(userDataDir, options.settings);
  const machineDir = path.join(serverDataDir, 'data', 'Machine');
  fs.mkdirSync(machineDir, { recursive: true });
  fs.writeFileSync(path.join(machineDir, 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...options.settings }, null, 2));

  const env = isolatedEnv(tools, stateDir);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const proc = spawnGroup(
    tools.node24,
    [
      tools.vscodeServerMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--telemetry-level', 'off',
      '--enable-smoke-test-driver',
      '--disable-workspace-trust',
      '--server-data-dir', serverDataDir,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
    ],
    env,
    stateDir,
  );

  let browser: BrowserSession | undefined;
  const log: string[] = [];
  try {
    await waitForHttp(`http://${host}/`, proc, 30_000, 'VS Code server');
    browser = await launchBrowser({ tools });
    const page = browser.page;

    let settle!: (r: { code: number; logs: Array<{ relativePath: string; contents: string }> }) => void;
    const exited = new Promise<{ code: number; logs: Array<{ relativePath: string; contents: string }> }>((r) => (settle = r));
    await page.exposeFunction('codeAutomationLog', (level: unknown, message: unknown) => {
      if (log.length < 5000) log.push(`${String(level)}: ${String(message)}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown, logs: unknown) => {
      settle({ code: typeof code === 'number' ? code : Number(code), logs: Array.isArray(logs) ? logs : [] });
    });

    const remote = (p: string) => `vscode-remote://${host}${toPosixAbsolute(p)}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(options.extensionTestsPath)],
    ]);
    const url = `http://${host}/?folder=${encodeURIComponent(toPosixAbsolute(options.workspace))}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url);

    const timeoutMs = options.timeoutMs ?? 120_000;
    const outcome = await withTimeout(exited, timeoutMs, undefined);
    if (options.screenshotName) await screenshot(page, options.screenshotName).catch(() => undefined);
    if (!outcome) {
      throw new Error(
        `extension tests did not finish within ${timeoutMs} ms\n--- log ---\n${tail([...log, ...browser.console].join('\n'), 60)}\n--- server ---\n${tail(proc.output())}`,
      );
    }
    const logFiles: Record<string, string> = {};
    for (const f of outcome.logs) if (f && typeof f.relativePath === 'string') logFiles[f.relativePath] = String(f.contents);
    return {
      exitCode: outcome.code,
      log: [...log],
      console: [...browser.console],
      logFiles,
      serverOutput: proc.output(),
      durationMs: Date.now() - started,
    };
  } finally {
    await browser?.close();
    await proc.stop();
    removeDir(stateDir);
  }
}

function toPosixAbsolute(p: string): string {
  return path.resolve(p).split(path.sep).join('/');
}

/**
 * Folds the side-bar views named (by their header titles) that are expanded: views of one container share its
 * height, and a tree draws only the rows in view, so a test that reads a whole tree folds its neighbours first.
 */
export async function collapseViews(page: Page, titles: readonly string[]): Promise<void> {
  for (const title of titles) {
    const header = page.locator('.pane-header[aria-expanded="true"]', { has: page.locator('h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
    if ((await header.count()) > 0) await header.first().click();
  }
}
