/**
 * Runs the in-editor suite (test/src/editor/suite) in a desktop VS Code with `@vscode/test-electron`: the
 * repository is the extension under development and a temp copy of `examples/ospo-vault` the workspace.
 *
 *     node test/out/electron/runTests.js
 *
 * Exit code: the suite's (0 = every check passed), or 3 when no VS Code could be had — the download failed or
 * did not start within the download timeout — with one line saying why. The mocha wrapper
 * (test/src/editor/electron.test.ts) turns 3 into a skip.
 *
 * Environment:
 *   OSPO_VSCODE_EXECUTABLE     a VS Code executable to use instead of downloading one
 *   OSPO_VSCODE_VERSION        version to download (default: the newest that satisfies engines.vscode)
 *   OSPO_VSCODE_CONNECT_MS     how long the download may take to start (default 20000); once bytes arrive it
 *                              runs to the end, with test-electron's idle timeout
 *
 * On Linux without a display, run it under `xvfb-run -a`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProgressReportStage, TestRunFailedError, download, runTests, type ProgressReport } from '@vscode/test-electron';
import { EXAMPLE_VAULT, REPO_ROOT, SUITE_MODULE, ensureBundle } from '../editor/suite/prepare';

/** Exit code for "no VS Code to run": the caller skips rather than fails. */
export const NO_VSCODE = 3;
/** The line printed before exiting with NO_VSCODE starts with this. */
export const NO_VSCODE_PREFIX = 'cannot get VS Code:';

const CACHE = path.join(REPO_ROOT, '.vscode-test');

function envNumber(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function oneLine(e: unknown): string {
  const err = e as { message?: unknown; cause?: { message?: unknown } } | undefined;
  const msg = String(err?.message ?? e);
  const cause = err?.cause?.message ? ` (${String(err.cause.message)})` : '';
  return `${msg}${cause}`.replace(/\s+/g, ' ').trim();
}

function unavailable(reason: string): never {
  process.stdout.write(`${NO_VSCODE_PREFIX} ${reason}\n`);
  // Exit now: a download still pending in the background would otherwise keep the process alive.
  process.exit(NO_VSCODE);
}

/**
 * A VS Code executable: the given one, a cached download, or a new download. Whatever fails before the first
 * bytes arrive — no route, no DNS, a version list that does not answer — ends the run with NO_VSCODE; so does
 * silence for `connectMs`.
 */
async function vscodeExecutable(): Promise<string> {
  const given = process.env.OSPO_VSCODE_EXECUTABLE;
  if (given) {
    if (!fs.existsSync(given)) unavailable(`OSPO_VSCODE_EXECUTABLE ${given} does not exist`);
    return given;
  }
  const connectMs = envNumber('OSPO_VSCODE_CONNECT_MS', 20_000);
  let started = false;
  const timer = setTimeout(() => {
    if (!started) unavailable(`the VS Code download did not start within ${Math.round(connectMs / 1000)} s`);
  }, connectMs);
  let lastShown = -1;
  const reporter = {
    report(r: ProgressReport) {
      if (r.stage === ProgressReportStage.FoundMatchingInstall) started = true;
      if (r.stage !== ProgressReportStage.Downloading) return;
      if (!started) process.stdout.write(`downloading VS Code from ${r.url}\n`);
      started = true;
      const pct = r.totalBytes > 0 ? Math.floor((100 * r.bytesSoFar) / r.totalBytes / 25) * 25 : -1;
      if (pct > lastShown) {
        lastShown = pct;
        process.stdout.write(`  ${pct}%\n`);
      }
    },
    error() {
      /* the rejection below says it in one line */
    },
  };
  try {
    return await download({
      version: process.env.OSPO_VSCODE_VERSION || undefined,
      cachePath: CACHE,
      extensionDevelopmentPath: REPO_ROOT,
      reporter,
      timeout: connectMs,
    });
  } catch (e) {
    unavailable(`the download failed: ${oneLine(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

export async function main(): Promise<number> {
  const executable = await vscodeExecutable();
  // package.json's main is the bundle: the dev extension cannot load without it.
  process.stdout.write(`${ensureBundle()}\n`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-electron-'));
  const workspace = path.join(tmp, path.basename(EXAMPLE_VAULT));
  // The suite edits notes (in memory, reverted), and VS Code may save: never open the sample vault itself.
  fs.cpSync(EXAMPLE_VAULT, workspace, { recursive: true });
  try {
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: SUITE_MODULE,
      launchArgs: [
        workspace,
        // Installed extensions stay out; built-in ones (the markdown preview's `markdown.api.render`) stay in.
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-telemetry',
        `--user-data-dir=${path.join(tmp, 'user-data')}`,
        `--extensions-dir=${path.join(tmp, 'extensions')}`,
      ],
    });
  } catch (e) {
    if (e instanceof TestRunFailedError) return e.code ?? 1;
    process.stderr.write(`running VS Code failed: ${oneLine(e)}\n`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
