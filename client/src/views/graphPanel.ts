/**
 * The graph panel's pure parts, free of the `vscode` module so that they are testable in plain Node: the
 * webview's HTML with its content security policy, the nonce, and the refresh debouncer.
 */
import { randomBytes } from 'crypto';
import type { GraphStrings } from './graphModel';

export interface GraphHtmlInput {
  /** The webview's `cspSource` (where its own resources come from). */
  cspSource: string;
  /** A fresh nonce per page: the one script runs by it. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  strings: GraphStrings;
  /** The document's language (`vscode.env.language`). */
  language: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/**
 * The content security policy: nothing by default; the stylesheet from the extension; the script by its nonce
 * (no inline script, no eval, nothing from the network); the layout worker from the blob: URL the script makes of
 * its own bundled text (VS Code webviews start workers no other way). Styles set from the script through the
 * CSSOM are not inline styles and need no `unsafe-inline`.
 */
export function graphCsp(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `img-src ${cspSource}`, `font-src ${cspSource}`, `script-src 'nonce-${nonce}'`, `worker-src blob:`].join('; ');
}

export function graphHtml(input: GraphHtmlInput): string {
  const s = input.strings;
  const e = escapeHtml;
  return `<!DOCTYPE html>
<html lang="${e(input.language)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(graphCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${e(input.styleUri)}">
</head>
<body data-layout="waiting">
<div class="toolbar" role="toolbar">
  <label id="depth-control"><span data-string="depth">${e(s.depth)}</span>
    <select id="depth"><option value="1">1</option><option value="2">2</option><option value="3">3</option></select>
  </label>
  <span class="colour-by" role="group" aria-labelledby="colour-by-label"><span id="colour-by-label" data-string="colourBy">${e(s.colourBy)}</span>
    <button type="button" data-colour-by="folder" aria-pressed="true" data-string="folder">${e(s.folder)}</button>
    <button type="button" data-colour-by="tag" aria-pressed="false" data-string="tag">${e(s.tag)}</button>
  </span>
</div>
<div class="main">
  <div class="stage">
    <canvas id="graph" tabindex="0" role="img" aria-label="${e(s.graphLabel)}"></canvas>
    <div id="tooltip" role="tooltip" hidden></div>
    <p id="message" hidden></p>
    <ul id="legend" aria-label="Legend"></ul>
  </div>
  <details id="list-panel" open>
    <summary><span data-string="nodes">${e(s.nodes)}</span> (<span id="node-count">0</span>)</summary>
    <input id="search" type="search" placeholder="${e(s.search)}" aria-label="${e(s.search)}">
    <ul id="node-list" aria-label="${e(s.nodes)}"></ul>
  </details>
</div>
<script nonce="${e(input.nonce)}" src="${e(input.scriptUri)}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Runs `action` once, `delayMs` after the last of a burst of `trigger` calls. */
export class Debouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly action: () => void,
    private readonly delayMs: number,
    private readonly clock: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = { setTimeout, clearTimeout },
  ) {}

  trigger(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.action();
    }, this.delayMs);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
