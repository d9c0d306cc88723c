/**
 * The Backlinks view in the real editor (code-server + Chromium, the packaged `.vsix`), on the sample vault:
 * `WHO.md` open, the view lists the notes linking to it with their context lines (the link highlighted) under
 * "Linked mentions", and the two plain-text "WHO"s of `OSPO.md` under "Unlinked mentions"; "Link Mention" on one
 * of them turns it into `[[WHO]]` in `OSPO.md`, and the view moves it to the linked mentions. Typed into `WHO.md`, a
 * new acronym's mentions appear in the view before any save.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  collapseViews,
  openFile,
  runCommand,
  screenshot,
  visibleEditorText,
} from './harness';
import { editorSession } from './session';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await sleep(250);
    last = await probe();
  }
  return last;
}

/** The Backlinks view's pane. */
function pane(page: Page) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Backlinks/ }) }).first();
}

interface Row {
  label: string;
  description: string;
  highlighted: string[];
  level: number;
}

/** The rows the view shows, as a person reads them: label, description, highlighted text and depth. */
async function rows(page: Page): Promise<Row[]> {
  return pane(page)
    .locator('.monaco-list-row')
    .evaluateAll((els) =>
      els.map((e) => ({
        label: (e.querySelector('.label-name')?.textContent ?? '').replace(/\u00a0/g, ' '),
        description: (e.querySelector('.label-description')?.textContent ?? '').replace(/\u00a0/g, ' '),
        highlighted: Array.from(e.querySelectorAll('.label-name .highlight')).map((h) => (h as { textContent: string | null }).textContent ?? ''),
        level: Number(e.getAttribute('aria-level') ?? 0),
      })),
    );
}

/** Drags the side bar's edge so that its rows read in full (for the screenshot a person looks at). */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').first().boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
  // Away from the edge, so the picture shows no highlighted sash.
  await page.mouse.move(box.x + width + 400, box.y + box.height - 40);
  await sleep(600);
}

describe('OSPO Notes in code-server: the Backlinks view (DOM)', function () {
  this.timeout(180_000);
  const session = editorSession('backlinks');

  it('shows the notes linking to WHO with their context lines, and links an unlinked mention', async () => {
    const { page, workspace } = await session.open();
    const read = (rel: string): string => fs.readFileSync(path.join(workspace, ...rel.split('/')), 'utf8');
    assert.ok(read('public/tech/OSPO.md').includes('leads the WHO [[OSPO]]'), 'the sample holds an unlinked mention of WHO');

    await openFile(page, 'public/orgs/WHO.md');
    await runCommand(page, /Focus on Backlinks View/);
    await pane(page).waitFor({ state: 'visible', timeout: 15_000 });
    await collapseViews(page, ['Tags', 'Orphans', 'Placeholders']);

    // Linked: the four notes, each with its line in context; the link itself highlighted.
    const shown = await eventually(
      () => rows(page),
      (r) => r.some((x) => x.label === 'Unlinked mentions') && r.some((x) => x.label.includes('runs an OSPO')) && r.some((x) => x.label.includes('leads the WHO')),
      'the linked and unlinked mentions of WHO',
    );
    const labels = shown.map((r) => r.label);
    const linkedAt = labels.indexOf('Linked mentions');
    const unlinkedAt = labels.indexOf('Unlinked mentions');
    assert.ok(linkedAt >= 0 && unlinkedAt > linkedAt, JSON.stringify(labels));
    const linked = shown.slice(linkedAt + 1, unlinkedAt);
    for (const note of ['Samuel Mbuthia', '2023-11-28', 'OSPO', 'OpenSource']) assert.ok(linked.some((r) => r.label === note), `${note} links to WHO: ${JSON.stringify(labels)}`);
    const runs = linked.find((r) => r.label === '[[WHO]] runs an OSPO for global health software.');
    assert.ok(runs, JSON.stringify(labels));
    assert.deepEqual(runs.highlighted, ['[[WHO]]']);
    assert.equal(runs.description, 'Organisations', 'the heading under which the link stands');
    const samuel = linked.find((r) => r.label.startsWith('Leads the [[WHO#OSPO|WHO OSPO]]'));
    assert.ok(samuel, 'the linking line of Samuel Mbuthia');
    assert.deepEqual(samuel.highlighted, ['[[WHO#OSPO|WHO OSPO]]']);
    assert.ok(linked.some((r) => r.label === 'OSPO' && r.level > 2), "a group for the target's heading OSPO");
    assert.equal(shown[linkedAt].description, '4');

    // Unlinked: the two plain "WHO"s of OSPO.md.
    const unlinked = shown.slice(unlinkedAt + 1);
    assert.equal(shown[unlinkedAt].description, '2');
    const mention = unlinked.find((r) => r.label.includes('leads the WHO [[OSPO]]'));
    assert.ok(mention, JSON.stringify(unlinked));
    assert.deepEqual(mention.highlighted, ['WHO']);
    const description = await pane(page).locator('.pane-header .description').first().textContent().catch(() => '');
    assert.match(description ?? '', /4 linked · 2 unlinked/);
    await widenSideBar(page, 560);
    await screenshot(page, 'tour-backlinks');

    // Link Mention on that line (its inline action, shown on hover).
    const row = pane(page).locator('.monaco-list-row', { hasText: 'leads the WHO [[OSPO]]' }).first();
    await row.hover();
    await row.locator('.action-label[aria-label="Link Mention"]').click();

    // OSPO.md now holds the link (an unsaved edit in the editor, then on disk once saved).
    await eventually(
      () => rows(page),
      (r) => r.some((x) => x.label.includes('leads the [[WHO]] [[OSPO]]')) && !r.some((x) => x.label.includes('leads the WHO [[OSPO]]')),
      'the mention moved to the linked mentions',
    );
    await openFile(page, 'public/tech/OSPO.md');
    await page.keyboard.press('Control+G');
    await page.keyboard.type('21');
    await page.keyboard.press('Enter');
    const text = await eventually(() => visibleEditorText(page), (t) => t.includes('leads the [[WHO]] [[OSPO]]'), 'the link in the editor');
    assert.ok(text.includes('OSHWA, WHO OSPO'), 'the other mention is untouched');
    await runCommand(page, 'File: Save All Files');
    await eventually(async () => read('public/tech/OSPO.md'), (t) => t.includes('- [[Samuel Mbuthia]]: leads the [[WHO]] [[OSPO]]'), 'OSPO.md on disk');
    await screenshot(page, 'backlinks-mention-linked');

    // Live as the user types: WHO.md gets a second acronym, and the view lists its mentions without a save.
    await openFile(page, 'public/orgs/WHO.md');
    await page.keyboard.press('Control+G');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('acronym: [WHO, NVIDIA]', { delay: 20 });
    const live = await eventually(
      () => rows(page),
      (r) => r.some((x) => x.highlighted.includes('NVIDIA')),
      'the mentions of the new acronym',
    );
    const nvidia = live.filter((x) => x.highlighted.includes('NVIDIA')).map((x) => x.label);
    assert.ok(nvidia.some((l) => l.startsWith('Presentations by NVIDIA')), JSON.stringify(nvidia));
    assert.equal(await page.locator('.tab.dirty', { hasText: 'WHO.md' }).count(), 1, 'unsaved: the view follows the buffer');
  });
});
