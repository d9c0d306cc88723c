/**
 * The finished extension in the real editor (code-server + Chromium, the packaged `.vsix` on a copy of the
 * sample vault), read from the workbench's DOM as a user sees it: "OSPO Notes: Show Output" brings up the
 * OSPO Notes output; "OSPO Notes: Open Problems Documentation" offers the open note's problem codes first and
 * opens the chosen code's page (shipped in the .vsix) in the markdown preview; the activity bar shows the
 * OSPO Notes container with its icon once views are contributed to it (VS Code hides an empty container).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { DIAGNOSTIC_DOCS } from '@ospo-notes/engine';
import {
  findInFrames,
  openFile,
  quickInputRows,
  runCommand,
  saveArtifact,
  screenshot,
} from './harness';
import { editorSession } from './session';
import { REPO_ROOT, sampleNoteCount } from './suite/prepare';

const OSPO = 'public/tech/OSPO.md';
const QUICK_INPUT_ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';

describe('OSPO Notes in code-server: Show Output, Open Problems Documentation, the activity bar (DOM)', function () {
  this.timeout(180_000);
  const session = editorSession('polish');
  let page: Page;

  before(async function () {
    // Indexed and checked: the status item counts the vault's notes and problems.
    ({ page } = await session.open({ status: `${sampleNoteCount()} notes · 6 problems` }));
    await openFile(page, OSPO);
  });

  it('"OSPO Notes: Show Output" shows the OSPO Notes output channel in the panel', async () => {
    await runCommand(page, 'OSPO Notes: Show Output');
    const panel = page.locator('.part.panel');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
    // The panel's active view is Output, and its channel picker names our channel.
    await panel.locator('.composite-bar .action-item.checked', { hasText: 'Output' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    const picker = panel.locator('select.monaco-select-box');
    await picker.first().waitFor({ state: 'visible', timeout: 15_000 });
    const channel = await picker.first().evaluate((el) => {
      const select = el as unknown as { selectedIndex: number; options: ArrayLike<{ text: string }> };
      return select.options[select.selectedIndex]?.text ?? '';
    });
    assert.equal(channel, 'OSPO Notes');
    // The log the language client writes into it (its start) is what the user reads there.
    const text = await panel.locator('.output-view .view-lines, .monaco-editor .view-lines').first().innerText();
    saveArtifact('polish-output.txt', text);
    await screenshot(page, 'polish-01-show-output');
  });

  it('"OSPO Notes: Open Problems Documentation" offers the note\'s codes first and opens the page in the preview', async () => {
    await openFile(page, OSPO);
    await runCommand(page, 'OSPO Notes: Open Problems Documentation', { filter: 'OSPO Notes: Open Problems Documentation' }).catch(async (e) => {
      // runCommand waits for the palette to close; our quick pick opens right after it.
      if (!(await page.locator(QUICK_INPUT_ROWS).first().isVisible())) throw e;
    });
    await page.locator(QUICK_INPUT_ROWS).first().waitFor({ state: 'visible', timeout: 15_000 });
    const rows = await quickInputRows(page);
    saveArtifact('polish-problem-codes.txt', rows.join('\n'));
    // OSPO.md has a private-link, encoding damage and a web address without a scheme: those three come first.
    const firstThree = rows.slice(0, 3).map((r) => r.split(/[\s,]/)[0]);
    assert.deepEqual([...firstThree].sort(), ['missing-scheme', 'mojibake', 'private-link'], JSON.stringify(rows));
    assert.ok(rows.slice(0, 3).every((r) => r.includes('in this note') || r.includes('at the cursor')), JSON.stringify(rows));
    // The rest of the catalog follows (the list is virtual: only the rows on screen are in the DOM).
    assert.deepEqual(rows.slice(3, 5).map((r) => r.split(',')[0]), Object.keys(DIAGNOSTIC_DOCS).filter((c) => !firstThree.includes(c)).slice(0, 2));
    await screenshot(page, 'polish-02-problem-codes');

    await page.locator('.quick-input-widget input').fill('private-link');
    const row = page.locator(QUICK_INPUT_ROWS).filter({ has: page.locator('.label-name', { hasText: /^private-link$/ }) });
    await row.first().click();
    // The page shipped in the .vsix, rendered by VS Code's markdown preview.
    const title = DIAGNOSTIC_DOCS['private-link'].title;
    const found = await findInFrames(page, title, { selector: 'h1', timeoutMs: 30_000 });
    assert.match(found.html ?? '', /private-link/);
    assert.ok(found.text.includes('How to fix it'), found.text.slice(0, 300));
    await page.locator('.tab.active', { hasText: /private-link\.md/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'polish-03-problem-page');
  });

  it('shows the OSPO Notes container in the activity bar, with its icon, once it has views', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const container = manifest.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'ospoNotes');
    assert.ok(container, 'package.json contributes the ospoNotes container');
    const item = page.locator('.part.activitybar .action-item a.action-label[aria-label^="OSPO Notes"]');
    const views = (manifest.contributes.views?.ospoNotes ?? []) as unknown[];
    if (views.length === 0) {
      // VS Code shows a view container only when it has a view: none yet, so no item.
      await page.waitForTimeout(1000);
      assert.equal(await item.count(), 0, 'an empty container has no activity bar item');
      return;
    }
    await item.first().waitFor({ state: 'visible', timeout: 15_000 });
    // The icon is drawn as a mask (or background) from the container's SVG.
    const image = await item.first().evaluate((el) => {
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el);
      return `${style.webkitMaskImage ?? ''} ${style.maskImage ?? ''} ${style.backgroundImage ?? ''}`;
    });
    assert.ok(image.includes(path.basename(container.icon)), `activity bar item image: ${image}`);
    await item.first().click();
    await page.locator('.part.sidebar .composite.title', { hasText: /OSPO Notes/i }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'polish-04-activity-bar');
  });
});
