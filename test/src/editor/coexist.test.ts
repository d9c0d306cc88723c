/**
 * OSPO Notes beside VS Code's built-in Markdown support, in the real editor (code-server + Chromium, the packaged
 * `.vsix`, the sample vault): what a person sees is listed once. `[x](` offers each file once and `[x](#` each
 * heading once (the built-in's path completion is off by the default the extension contributes), the Outline
 * shows one group of headings, `[[##` finds a heading of another note and writes the link, and the hover of a
 * link that leads nowhere says so once, with its quick fix.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  openFile,
  readSuggestions,
  runCommand,
  typeInEditor,
  visibleEditorText,
  waitForSuggestion,
  saveArtifact,
  screenshot,
} from './harness';
import { editorSession } from './session';

const OSPO = 'public/tech/OSPO.md';
const NOWHERE = "Note 'Nowhere' not found in the vault.";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A suggest row's label: its aria-label up to the first comma ("WHO.md, File" → "WHO.md"). */
function rowLabel(row: string): string {
  const comma = row.indexOf(',');
  return (comma < 0 ? row : row.slice(0, comma)).trim();
}

/** Labels that appear more than once among the rows. */
function repeated(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  for (const l of labels) seen.set(l, (seen.get(l) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([l]) => l);
}

/** How often `needle` occurs in `text`. */
function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** Where on screen the character `offset` into the first visible occurrence of `needle` in the active editor is. */
async function textPoint(page: Page, needle: string, offset: number): Promise<{ x: number; y: number }> {
  const line = page.locator('.editor-group-container.active .view-lines .view-line', { hasText: needle }).first();
  await line.waitFor({ state: 'visible', timeout: 10_000 });
  return line.evaluate(
    (el, [text, k]) => {
      const walker = (el.ownerDocument as unknown as { createTreeWalker(n: unknown, f: number): { nextNode(): { textContent: string } | null } }).createTreeWalker(el, 4);
      const nodes: Array<{ textContent: string }> = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
      const whole = nodes.map((n) => n.textContent).join('').replace(/\u00a0/g, ' ');
      let at = whole.indexOf(text as string) + (k as number);
      for (const n of nodes) {
        if (at < n.textContent.length) {
          const range = (el.ownerDocument as unknown as { createRange(): { setStart(n: unknown, o: number): void; setEnd(n: unknown, o: number): void; getBoundingClientRect(): { x: number; y: number; width: number; height: number } } }).createRange();
          range.setStart(n, at);
          range.setEnd(n, at + 1);
          const r = range.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
        at -= n.textContent.length;
      }
      throw new Error(`${text as string} not in the line`);
    },
    [needle, offset] as const,
  );
}

/** The suggest widget's focused row (its aria-label). */
async function focusedSuggestion(page: Page): Promise<string> {
  return (await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused').first().getAttribute('aria-label')) ?? '';
}

/** The rows of the Outline view (their aria-labels), once it shows any. */
async function outlineRows(page: Page): Promise<string[]> {
  return page
    .locator('.pane:has(.pane-header[aria-label*="Outline"]) .monaco-list-row')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
}

describe('OSPO Notes in code-server beside the built-in Markdown support (DOM)', function () {
  this.timeout(240_000);

  const session = editorSession('coexist');
  let page: Page;

  before(async function () {
    // OSPO_EDITOR_VSIX runs the same checks on another build (an older one shows what they catch).
    const given = process.env.OSPO_EDITOR_VSIX;
    if (given) process.stdout.write(`      given ${given}\n`);
    ({ page } = await session.open({ vsix: given ? path.resolve(given) : undefined }));
    await openFile(page, OSPO);
  });

  afterEach(async function () {
    // Each test starts from the note as it is on disk, whatever the one before typed.
    await page.keyboard.press('Escape').catch(() => undefined);
    await openFile(page, OSPO).catch(() => undefined);
    await runCommand(page, 'File: Revert File').catch(() => undefined);
  });

  it('[x]( offers each file once, and [x](# each heading once', async function () {
    await openFile(page, OSPO);
    await typeInEditor(page, '\n\n[x](');
    const rows = await waitForSuggestion(page, /^OpenSource\.md\b/, { timeoutMs: 30_000 });
    // Let every provider answer before counting.
    await sleep(1500);
    const files = (await readSuggestions(page)).map(rowLabel);
    saveArtifact('coexist-paths.txt', files.join('\n'));
    assert.deepEqual(repeated(files), [], `rows: ${JSON.stringify(files)}`);
    // The note next door, which VS Code's own path completion lists too, comes once (ours: its file name).
    assert.equal(files.filter((l) => /opensource\.md$/i.test(l)).length, 1, JSON.stringify(rows));

    await page.keyboard.press('Escape');
    await page.keyboard.type('#', { delay: 20 });
    await waitForSuggestion(page, /Organisations/, { timeoutMs: 20_000 });
    await sleep(1500);
    const headings = (await readSuggestions(page)).map(rowLabel);
    saveArtifact('coexist-headings.txt', headings.join('\n'));
    // The built-in would list `#organisations` beside our `Organisations`.
    for (const h of ['organisations', 'people', 'events', 'compliance', 'references']) {
      assert.equal(headings.filter((l) => l.toLowerCase().replace(/^#+\s*/, '') === h).length, 1, `${h} once among ${JSON.stringify(headings)}`);
    }
  });

  it('the Outline shows one group of headings', async function () {
    await openFile(page, OSPO);
    await runCommand(page, 'Explorer: Focus on Outline View');
    const rows = await waitFor(async () => {
      const r = await outlineRows(page);
      return r.some((l) => /Organisations/.test(l)) ? r : undefined;
    }, 'the Outline to list the headings');
    await sleep(1500);
    const final = await outlineRows(page);
    saveArtifact('coexist-outline.txt', final.join('\n'));
    await screenshot(page, 'coexist-outline');
    assert.equal(final.filter((l) => /Organisations/.test(l)).length, 1, JSON.stringify(final));
    // Two providers would show two group rows named after their extensions.
    assert.deepEqual(final.filter((l) => /OSPO Notes|Markdown Language Features/i.test(l)), [], JSON.stringify(rows));
  });

  it('[[## offers a heading of another note and accepting it writes [[OpenSource#Licences]]', async function () {
    await openFile(page, OSPO);
    await typeInEditor(page, '\n\nSee [[##licen');
    const wanted = (row: string) => row.startsWith('Licences');
    const rows = await waitForSuggestion(page, /^Licences/, { timeoutMs: 30_000 });
    saveArtifact('coexist-heading-search.txt', rows.join('\n'));
    // The item names its note and folder.
    const row = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row', { hasText: 'Licences' }).first();
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /OpenSource · public\/tech/);
    await screenshot(page, 'tour-heading-search');
    for (let i = 0; i < 20 && !wanted(await focusedSuggestion(page)); i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'hidden', timeout: 5_000 });
    const last = (await visibleEditorText(page)).split('\n').pop();
    assert.equal(last, 'See [[OpenSource#Licences]]');
  });

  it("the hover of [[WHO#OSPO]] previews WHO's section with working links", async function () {
    await openFile(page, OSPO);
    // Back to the top, where `- [[WHO#OSPO]]` is.
    await typeInEditor(page, '', { at: 'start' });
    const at = await textPoint(page, '[[WHO#OSPO]]', 4);
    const hover = page.locator('.monaco-hover:visible').first();
    await waitFor(async () => {
      await page.mouse.move(at.x, at.y);
      await sleep(1200);
      const t = (await hover.innerText().catch(() => '')).replace(/\s+/g, ' ');
      return t.includes('Samuel Mbuthia') ? t : undefined;
    }, 'the hover of [[WHO#OSPO]]');
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    saveArtifact('coexist-hover-preview.txt', text);
    await screenshot(page, 'coexist-hover-preview');
    assert.ok(!text.includes('[['), `no raw wiki-link in the preview: ${text}`);
    // The preview's wiki-links are links a person can click.
    const link = hover.locator('a', { hasText: 'Samuel Mbuthia' }).first();
    assert.ok(await link.isVisible(), text);
    await link.click();
    await page.locator('.editor-group-container.active .tab.active[aria-label^="Samuel Mbuthia.md"]').waitFor({ state: 'visible', timeout: 15_000 });
  });

  it("the hover of a link that leads nowhere states its problem once, with a quick fix", async function () {
    await openFile(page, OSPO);
    await typeInEditor(page, '\n\nSee Nowhere [[Nowhere]] here');
    // The diagnostic is in: the Problems count of the status bar moves, or simply wait for the squiggle.
    await page.locator('.editor-group-container.active .squiggly-warning').first().waitFor({ state: 'visible', timeout: 30_000 });
    const target = page.locator('.editor-group-container.active .view-lines .view-line span', { hasText: /^Nowhere$/ }).last();
    let text = '';
    text = await waitFor(async () => {
      await target.hover();
      await sleep(1200);
      const hover = page.locator('.monaco-hover:visible').first();
      if (!(await hover.isVisible().catch(() => false))) return undefined;
      const t = (await hover.innerText()).replace(/\s+/g, ' ');
      return t.includes('not found') ? t : undefined;
    }, 'the hover of [[Nowhere]]');
    // Let every hover participant answer.
    await sleep(1000);
    text = (await page.locator('.monaco-hover:visible').first().innerText()).replace(/\s+/g, ' ');
    saveArtifact('coexist-hover.txt', text);
    await screenshot(page, 'coexist-hover');
    assert.equal(occurrences(text, 'not found in the vault'), 1, text);
    assert.ok(text.includes(NOWHERE), text);
    assert.match(text, /Quick Fix/, text);
  });
});
