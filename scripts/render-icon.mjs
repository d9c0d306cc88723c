// Renders media/icon.svg to media/icon.png (256×256, transparent outside the tile) with the headless Chromium
// the editor tests use, through playwright-core. The PNG is committed, so packaging needs no browser; run this
// after changing the SVG:
//
//   node scripts/render-icon.mjs            (OSPO_CHROMIUM overrides /usr/bin/chromium)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = 256;
const svg = fs.readFileSync(path.join(root, 'media', 'icon.svg'), 'utf8');
const executablePath = process.env.OSPO_CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(executablePath)) {
  console.error(`render-icon: no Chromium at ${executablePath} (set OSPO_CHROMIUM, or run bash scripts/editor-tools.sh)`);
  process.exit(2);
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-icon-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: SIZE, height: SIZE },
  deviceScaleFactor: 1,
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  // The SVG inline, at exactly the icon's size, with nothing around it.
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${SIZE}px;height:${SIZE}px" `)}</body></html>`);
  const out = path.join(root, 'media', 'icon.png');
  await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: SIZE, height: SIZE } });
  console.log(`${path.relative(root, out)}  ${SIZE}×${SIZE}  ${fs.statSync(out).size} bytes`);
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
