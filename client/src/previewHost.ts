/**
 * What the extension gives the preview plugin (`PreviewOptions`), and the throttle for refreshing previews.
 * Free of the `vscode` module so that it is testable in plain Node: the caller passes in the workspace folders
 * and settings as functions.
 */
import * as fs from 'fs';
import { pathToFileURL } from 'url';
import { relativeHref, type PreviewOptions } from './preview/plugin';
import type { VaultFiles } from './vaultFiles';
import { isStrictlyInside, type Visibility } from '@ospo-notes/engine';

export interface PreviewHost {
  files: VaultFiles;
  /** Absolute paths of the open workspace folders: the only places the preview may read from. */
  workspaceFolders(): readonly string[];
  /** `ospoNotes.preview.embedDepth`. */
  embedDepth(): number;
  /** `ospoNotes.preview.maxEmbeds` and `ospoNotes.preview.maxEmbedKilobytes`; the plugin's defaults when absent. */
  maxEmbeds?(): number;
  maxEmbedKilobytes?(): number;
  /** `ospoNotes.visibility.default`. */
  defaultVisibility?(): Visibility;
  /** Replaceable for tests. */
  readFileSync?: (absPath: string) => Uint8Array;
  realpath?: (p: string) => string;
}

export function previewOptions(host: PreviewHost): PreviewOptions {
  const read = host.readFileSync ?? ((p: string) => fs.readFileSync(p));
  const inWorkspace = workspaceGuard(host.workspaceFolders, host.realpath ?? fs.realpathSync.native);
  return {
    vaultFor: (documentPath) => host.files.vaultFor(documentPath),
    readFile: (absPath) => {
      if (!inWorkspace(absPath)) return undefined;
      try {
        return read(absPath);
      } catch {
        return undefined;
      }
    },
    toHref: (absPath, fragment, fromDocument) => (fromDocument ? relativeHref(fromDocument, absPath, fragment) : fileHref(absPath, fragment)),
    resourceUri: (absPath, fromDocument) => (fromDocument ? relativeHref(fromDocument, absPath) : fileHref(absPath)),
    maxEmbedDepth: () => host.embedDepth(),
    maxEmbeds: host.maxEmbeds && (() => host.maxEmbeds!()),
    maxEmbedBytes: host.maxEmbedKilobytes && (() => host.maxEmbedKilobytes!() * 1024),
    // VS Code's preview blocks frames by its security policy: a pdf shows as its visible link instead.
    pdfFrames: () => false,
    defaultVisibility: host.defaultVisibility && (() => host.defaultVisibility!()),
  };
}

function fileHref(absPath: string, fragment?: string): string {
  const url = pathToFileURL(absPath).href;
  return fragment ? `${url}#${fragment}` : url;
}

/**
 * A test for "this real path lies inside an open workspace folder". The plugin hands over real paths (symlinks
 * resolved), so the folders are compared by their real paths too; those are remembered per folder list, as
 * rendering asks for every embed.
 */
export function workspaceGuard(folders: () => readonly string[], realpath: (p: string) => string): (absPath: string) => boolean {
  let key = '';
  let roots: string[] = [];
  return (absPath) => {
    const current = folders();
    const k = current.join('\0');
    if (k !== key) {
      key = k;
      roots = current.flatMap((f) => {
        try {
          return [realpath(f)];
        } catch {
          return [];
        }
      });
    }
    let real: string;
    try {
      real = realpath(absPath);
    } catch {
      return false;
    }
    return roots.some((r) => isStrictlyInside(r, real));
  };
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Runs `action` at most once per `intervalMs`: the first trigger after a quiet period runs at once, triggers
 * within the interval collapse into one run at its end, so the last change is never left out.
 */
export class Throttle {
  private last = -Infinity;
  private timer: unknown;

  constructor(
    private readonly action: () => void,
    private readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  trigger(): void {
    if (this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.last = this.clock.now();
    this.action();
  }
}
