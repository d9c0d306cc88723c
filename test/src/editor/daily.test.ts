/**
 * Daily notes and templates in the real editor (code-server + Chromium, the packaged `.vsix`) on the sample vault,
 * whose `.obsidian/daily-notes.json` puts daily notes in `private/journal` from `templates/Daily` and whose
 * `.obsidian/templates.json` names `templates/`: "OSPO Notes: Open Today's Note" opens a new tab named by today's
 * date with the template expanded (its `{{date:dddd, MMMM Do YYYY}}` heading), and the file is on disk in that
 * folder; "OSPO Notes: Insert Template" in another note inserts the chosen template at the cursor, expanded for
 * that note, its tag merged into the note's frontmatter.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  activeTab,
  openFile,
  quickInputRows,
  runCommand,
  screenshot,
  visibleEditorText,
  type BrowserSession,
} from './harness';
import { editorSession } from './session';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs a command that opens a quick input of its own from the palette: the harness's `runCommand` waits for the
 * quick input to close, which such a command's never does.
 */
async function startCommand(page: BrowserSession['page'], label: string): Promise<void> {
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget .quick-input-box input');
  await palette.waitFor({ state: 'visible', timeout: 15_000 });
  await palette.fill(`>${label}`);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
}

async function eventually<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await sleep(200);
  }
}

/** Today in the machine's local time, written without the date library the extension uses. */
function today(): { iso: string; long: string } {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  const day = d.getDate();
  const suffix = day % 100 >= 11 && day % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][day % 10] ?? 'th');
  const weekday = d.toLocaleDateString('en-US', { weekday: 'long' });
  const month = d.toLocaleDateString('en-US', { month: 'long' });
  return { iso: `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(day)}`, long: `${weekday}, ${month} ${day}${suffix} ${d.getFullYear()}` };
}

describe('OSPO Notes in code-server: daily notes and templates (DOM)', function () {
  this.timeout(180_000);
  const session = editorSession('daily');

  it("\"Open Today's Note\" creates today's note in private/journal from templates/Daily", async () => {
    const { page, workspace } = await session.open();
    const { iso, long } = today();
    const rel = `private/journal/${iso}.md`;
    const abs = path.join(workspace, ...rel.split('/'));
    assert.ok(!fs.existsSync(abs), 'no daily note yet');

    await runCommand(page, "OSPO Notes: Open Today's Note");
    // The tab is named by today's date in the format (YYYY-MM-DD), and shows the template expanded.
    await activeTab(page, `${iso}.md`).waitFor({ state: 'visible', timeout: 30_000 });
    const text = await eventually(() => visibleEditorText(page), (t) => t.includes(`# ${long}`), 'the expanded date heading');
    assert.match(text, /^# .+$/m);
    assert.ok(text.includes(`# ${long}`), text);
    assert.match(text, /Started at \d\d:\d\d\./, 'the {{time}} tag expanded');
    assert.ok(!text.includes('{{'), `no tag left: ${text}`);
    const onDisk = await eventually(() => (fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : ''), (t) => t.includes(`# ${long}`), `${rel} on disk`);
    assert.ok(onDisk.startsWith('---\ntags: [daily]\nvisibility: private\n---\n'), onDisk);
    await screenshot(page, 'tour-daily');

    // Run again: the note exists, it is opened, not created twice.
    await openFile(page, 'public/orgs/CERN.md');
    await runCommand(page, "OSPO Notes: Open Today's Note");
    await activeTab(page, `${iso}.md`).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(fs.readFileSync(abs, 'utf8'), onDisk);
  });

  it('"Insert Template" inserts templates/Meeting at the cursor of CERN.md, expanded, its tag merged', async () => {
    const { page } = session.current;
    const { iso } = today();
    await openFile(page, 'public/orgs/CERN.md');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await startCommand(page, 'OSPO Notes: Insert Template');
    await page.locator('.quick-input-widget .quick-input-box input[placeholder="Template to insert at the cursor"]').waitFor({ state: 'visible', timeout: 15_000 });
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Meeting' });
    await row.first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.deepEqual((await quickInputRows(page)).map((r) => r.split(/[,\s]/)[0]), ['Daily', 'Meeting'], 'the templates folder\'s notes');
    await row.first().click();
    await page.keyboard.press('Control+Home');
    const text = await eventually(() => visibleEditorText(page), (t) => t.includes(`## CERN: meeting of ${iso}`), 'the inserted template');
    assert.match(text.split('\n').slice(0, 6).join('\n'), /^tags: \[.*\bmeeting\]$/m, `the template's tag merged into the note's frontmatter: ${text}`);
    assert.equal(text.split('\n').filter((l) => l === '---').length, 2, 'one frontmatter block');
    await screenshot(page, 'daily-insert-template');
  });

  it('"Open Previous / Next Daily Note" go by date: today\'s note → the 2023-11-28 event note → back', async () => {
    const { page } = session.current;
    const { iso } = today();
    await openFile(page, `private/journal/${iso}.md`);
    await runCommand(page, 'OSPO Notes: Open Previous Daily Note');
    // The only other note named by a date in the format is the sample's event note.
    await activeTab(page, '2023-11-28.md').waitFor({ state: 'visible', timeout: 30_000 });
    await runCommand(page, 'OSPO Notes: Open Previous Daily Note');
    await page.locator('.notification-toast', { hasText: 'There is no earlier daily note than "public/events/2023-11-28.md".' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await runCommand(page, 'OSPO Notes: Open Next Daily Note');
    await activeTab(page, `${iso}.md`).waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('"New Note from Template" asks the name and creates the note from templates/Meeting', async () => {
    const { page } = session.current;
    const { iso } = today();
    await startCommand(page, 'OSPO Notes: New Note from Template');
    await page.locator('.quick-input-widget .quick-input-box input[placeholder="Template of the new note"]').waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Meeting' }).first().click();
    const name = page.locator('.quick-input-widget .quick-input-box input[placeholder="Note name (or folder/name)"]');
    await name.waitFor({ state: 'visible', timeout: 15_000 });
    await name.fill('Board sync');
    await page.keyboard.press('Enter');
    await activeTab(page, 'Board sync.md').waitFor({ state: 'visible', timeout: 30_000 });
    const text = await eventually(() => visibleEditorText(page), (t) => t.includes(`## Board sync: meeting of ${iso}`), 'the new note from its template');
    assert.ok(text.startsWith('---\ntags: [meeting]\n---'), text);
    const abs = path.join(session.current.workspace, 'Board sync.md');
    await eventually(() => (fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : ''), (t) => t.includes(`## Board sync: meeting of ${iso}`), 'Board sync.md on disk at the vault root');
  });
});

describe('OSPO Notes in code-server: "Open daily note on startup" (DOM)', function () {
  this.timeout(180_000);
  const session = editorSession('daily-autorun');

  it('opens today\'s note by itself when .obsidian/daily-notes.json says autorun', async () => {
    const { iso, long } = today();
    const { page, workspace } = await session.open({
      prepare: (copy) => {
        const config = path.join(copy, '.obsidian', 'daily-notes.json');
        fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(fs.readFileSync(config, 'utf8')), autorun: true }));
      },
      // The note opens by itself: waited for below, whatever the status item says by then.
      status: false,
    });
    await activeTab(page, `${iso}.md`).waitFor({ state: 'visible', timeout: 60_000 });
    await eventually(() => visibleEditorText(page), (t) => t.includes(`# ${long}`), 'the expanded template');
    assert.ok(fs.existsSync(path.join(workspace, 'private', 'journal', `${iso}.md`)));
  });
});
