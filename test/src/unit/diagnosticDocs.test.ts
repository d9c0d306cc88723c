/**
 * Every diagnostic code has its documentation page, docs/diagnostics/<code>.md, opening with the catalog's title
 * and summary (what SARIF and the editor show), shipped in the extension, and linked at the repository's address.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_DOCS, DIAGNOSTIC_RULES, diagnosticDoc, diagnosticDocUrl, DOCUMENTED_CODES, REPOSITORY_URL } from '@ospo-notes/engine';

const REPO = path.resolve(__dirname, '../../..');
const DOCS = path.join(REPO, 'docs/diagnostics');

describe('diagnostic documentation', () => {
  const ruleCodes = DIAGNOSTIC_RULES.flatMap((r) => r.codes);

  it('documents every code a registered rule can emit, and the server\'s own `more-problems`', () => {
    for (const code of [...ruleCodes, 'more-problems']) assert.ok(diagnosticDoc(code), `no catalog entry for '${code}'`);
    assert.equal(diagnosticDoc('no-such-code'), undefined);
    assert.equal(diagnosticDoc('toString'), undefined);
  });

  it('has a page for every documented code, and no page for a code that does not exist', () => {
    const pages = fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
    assert.deepEqual(pages, [...DOCUMENTED_CODES].sort());
  });

  for (const code of DOCUMENTED_CODES) {
    it(`docs/diagnostics/${code}.md: title and summary of the catalog, why, how to fix, an example`, () => {
      const page = fs.readFileSync(path.join(DOCS, `${code}.md`), 'utf8');
      const doc = DIAGNOSTIC_DOCS[code];
      const [heading, , summary] = page.split('\n');
      assert.equal(heading, `# \`${code}\`: ${doc.title}`);
      assert.equal(summary, doc.summary);
      const sections = page.split('\n').filter((l) => l.startsWith('## '));
      assert.deepEqual(sections, ['## Why it matters', '## How to fix it', '## Example']);
      assert.match(page, /## Example\n\n```markdown\n[^]+\n```\n$/);
    });
  }

  it('links each code to its page in the repository named by package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { repository?: { url?: string } };
    assert.equal(pkg.repository?.url, REPOSITORY_URL);
    assert.equal(diagnosticDocUrl('mojibake'), `${REPOSITORY_URL}/blob/main/docs/diagnostics/mojibake.md`);
  });

  it('ships the pages in the extension (.vscodeignore keeps docs/diagnostics)', () => {
    const rules = fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
    assert.equal(rules[0], '**', 'everything is left out unless kept');
    assert.ok(rules.includes('!docs/diagnostics/**'), rules.join(' '));
  });
});
