/**
 * The Tags and Placeholders views in the real editor (code-server + Chromium, the packaged `.vsix`) on the
 * sample vault, read from the DOM as a person sees them: the tag tree with `tech` and its nested `git` and
 * `opensource`, their counts, a tag expanded to its notes and a note to its occurrences; the placeholder
 * `CERN Open Hardware Licence` with the two notes waiting on it, its note created with "Create Note", opened,
 * and the links to it resolved (the placeholder gone; the public notes now warn that they link to the new,
 * private note instead of saying it is missing).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  activeTab,
  collapseViews,
  openFile,
  readProblems,
  runCommand,
  screenshot,
  visibleEditorText,
  saveArtifact,
} from './harness';
import { editorSession } from './session';
import { sampleNoteCount } from './suite/prepare';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One row of a tree view as shown: its depth, label, description and whether it is expanded. */
interface Row {
  level: number;
  label: string;
  description: string;
  expanded: string | null;
}

/** The view pane titled `title` in the side bar. */
function pane(page: Page, title: string): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
}

async function rows(view: Locator): Promise<Row[]> {
  return view.locator('.monaco-list-row').evaluateAll((els) =>
    els.map((e) => ({
      level: Number(e.getAttribute('aria-level')),
      label: (e.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
      expanded: e.getAttribute('aria-expanded'),
    })),
  );
}

/** Waits until the rows satisfy `check`; returns them. */
async function rowsWhen(view: Locator, check: (r: Row[]) => boolean, what: string, timeoutMs = 30_000): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  let last: Row[] = [];
  while (Date.now() < deadline) {
    last = await rows(view);
    if (check(last)) return last;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}; rows: ${JSON.stringify(last)}`);
}

function row(view: Locator, level: number, label: string): Locator {
  return view.locator(`.monaco-list-row[aria-level="${level}"]`, { has: view.page().locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
}

/** The rows between a row and the next row at its level or above: what is under it. */
function under(all: Row[], level: number, label: string): Row[] {
  const i = all.findIndex((r) => r.level === level && r.label === label);
  if (i < 0) return [];
  const out: Row[] = [];
  for (let j = i + 1; j < all.length && all[j].level > level; j++) out.push(all[j]);
  return out;
}

describe('OSPO Notes in code-server: the Tags and Placeholders views (DOM)', function () {
  this.timeout(240_000);
  const session = editorSession('tags');

  it('shows the tag hierarchy with counts; a tag expands to its notes, a note to where it writes the tag', async () => {
    const { page } = await session.open({ status: `${sampleNoteCount()} notes · 6 problems` });
    await openFile(page, 'public/tech/OpenSource.md');

    await runCommand(page, /Focus on Tags View/, { filter: 'Focus on Tags View' });
    const tags = pane(page, 'Tags');
    await tags.waitFor({ state: 'visible', timeout: 15_000 });
    await collapseViews(page, ['Backlinks', 'Orphans', 'Placeholders']);
    const top = await rowsWhen(tags, (r) => r.some((x) => x.label === 'tech'), 'the top-level tags');
    assert.deepEqual(
      top.map((r) => [r.level, r.label, r.description]),
      [
        [1, 'compliance', '1'],
        [1, 'daily', '1'],
        [1, 'event', '1'],
        [1, 'health', '1'],
        [1, 'meeting', '1'],
        [1, 'opensource', '1'],
        [1, 'org', '3'],
        [1, 'person', '1'],
        [1, 'research', '1'],
        [1, 'tech', '2'],
      ],
    );
    assert.ok(top.every((r) => r.expanded === 'false'), 'every tag starts collapsed');

    // `tech` is no note's tag alone: expanded, it holds its nested tags and no note.
    await row(tags, 1, 'tech').click();
    const tech = await rowsWhen(tags, (r) => under(r, 1, 'tech').length === 2, 'the tags nested under tech');
    assert.deepEqual(under(tech, 1, 'tech').map((r) => [r.level, r.label, r.description]), [
      [2, 'git', '1'],
      [2, 'opensource', '1'],
    ]);

    // `org` lists its three notes, with their folders.
    await row(tags, 1, 'org').click();
    const org = await rowsWhen(tags, (r) => under(r, 1, 'org').length === 3, 'the notes tagged org');
    assert.deepEqual(under(org, 1, 'org').map((r) => [r.level, r.label, r.description]), [
      [2, 'CERN', 'public/orgs'],
      [2, 'Github', 'public/orgs'],
      [2, 'WHO', 'public/orgs'],
    ]);

    // tech/opensource → OpenSource → its frontmatter line.
    await row(tags, 2, 'opensource').click();
    await rowsWhen(tags, (r) => under(r, 2, 'opensource').some((x) => x.label === 'OpenSource'), 'OpenSource under tech/opensource');
    await row(tags, 3, 'OpenSource').locator('.monaco-tl-twistie').click();
    const occurrences = await rowsWhen(tags, (r) => under(r, 3, 'OpenSource').length === 1, 'the occurrence of tech/opensource');
    assert.deepEqual(under(occurrences, 3, 'OpenSource').map((r) => [r.level, r.label, r.description]), [[4, '- tech/opensource', 'frontmatter, line 8']]);
    await page.mouse.move(0, 0);
    await sleep(300);
    await screenshot(page, 'tour-tags');

    // A note opens at its first occurrence, the tag selected (`org` of `tags: [org, tech/git]`).
    await row(tags, 2, 'Github').click();
    await activeTab(page, 'Github.md').waitFor({ state: 'visible', timeout: 15_000 });
    const cursor = page.locator('.part.statusbar .statusbar-item', { hasText: /^Ln 4, Col 11 \(3 selected\)/ });
    await cursor.first().waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('lists the placeholder with the notes waiting on it; Create Note makes and opens the note, and the links resolve', async () => {
    const { page, workspace } = session.current;
    await runCommand(page, /Focus on Placeholders View/, { filter: 'Focus on Placeholders View' });
    const view = pane(page, 'Placeholders');
    await view.waitFor({ state: 'visible', timeout: 15_000 });
    const listed = await rowsWhen(view, (r) => under(r, 1, 'CERN Open Hardware Licence').length === 2, 'the placeholder and its waiting links');
    assert.deepEqual(listed.map((r) => [r.level, r.label, r.description]), [
      [1, 'CERN Open Hardware Licence', '2 links'],
      // A long line is quoted around the link.
      [2, 'CERN', '…e European Organization for Nuclear Research, home of an [[OSPO]] since 2023 and of the [[CERN Open Hardware Licence]].'],
      [2, 'OpenSource', '- [[CERN]] publishes its hardware designs under the [[CERN Open Hardware Licence]].'],
    ]);
    await page.mouse.move(0, 0);
    await sleep(300);
    await screenshot(page, 'tour-placeholders');

    // A waiting link opens where it is written.
    await row(view, 2, 'CERN').click();
    await activeTab(page, 'CERN.md').waitFor({ state: 'visible', timeout: 15_000 });

    // "Create Note", the row's inline action.
    const placeholder = row(view, 1, 'CERN Open Hardware Licence');
    await placeholder.hover();
    await placeholder.locator('.action-label[aria-label="Create Note"]').click();
    await activeTab(page, 'CERN Open Hardware Licence.md').waitFor({ state: 'visible', timeout: 20_000 });
    const created = path.join(workspace, 'CERN Open Hardware Licence.md');
    const expected = '---\ntitle: CERN Open Hardware Licence\nvisibility: private\n---\n\n# CERN Open Hardware Licence\n';
    const read = (): string => (fs.existsSync(created) ? fs.readFileSync(created, 'utf8') : '(missing)');
    const deadline = Date.now() + 15_000;
    while (read() !== expected && Date.now() < deadline) await sleep(200);
    assert.equal(read(), expected, 'the note from the template, once, saved');
    const shown = await visibleEditorText(page);
    assert.equal(shown.split('\n').filter((l) => l === '# CERN Open Hardware Licence').length, 1, `the editor shows the template once: ${JSON.stringify(shown)}`);
    assert.equal(await page.locator('.tab.dirty', { hasText: 'CERN Open Hardware Licence.md' }).count(), 0, 'the new note is saved');

    // The links now find the note: nothing waits any more. The new note is private (the default template says
    // so), so the public CERN and OpenSource now warn that they link to a private note: found, not missing.
    await rowsWhen(view, (r) => r.length === 0, 'no placeholder left');
    await page.locator('.part.statusbar .statusbar-item', { hasText: `${sampleNoteCount() + 1} notes · 6 problems` }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const problems = await readProblems(page, { waitFor: "links to private note 'CERN Open Hardware Licence'", timeoutMs: 20_000 });
    saveArtifact('placeholders-problems.txt', problems.join('\n'));
    assert.deepEqual(problems.filter((r) => r.includes("'CERN Open Hardware Licence' not found")), [], 'no link waits for the note any more');
    assert.equal(problems.filter((r) => r.includes("links to private note 'CERN Open Hardware Licence'")).length, 2, JSON.stringify(problems));
    await screenshot(page, 'placeholders-02-created');
  });
});
