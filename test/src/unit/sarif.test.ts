/**
 * `ospo-notes check --format sarif`, spawned as CI runs it, validated against the official SARIF 2.1.0 JSON Schema
 * (test/fixtures/sarif, see its README), with its rules, regions and relative locations checked value by value.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { DIAGNOSTIC_RULES, diagnosticDoc, diagnosticDocUrl } from '@ospo-notes/engine';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'server/out/cli.js');
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface Location {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Region };
  message?: { text: string };
}
interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Location[];
  relatedLocations?: Location[];
  fixes?: Array<{ artifactChanges: Array<{ replacements: Array<{ deletedRegion: Region; insertedContent: { text: string } }> }> }>;
}
interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: string;
    results: SarifResult[];
  }>;
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(SCHEMA);
}

function sarifOf(folder: string, ...extra: string[]): { status: number | null; log: SarifLog; stderr: string } {
  const res = spawnSync(process.execPath, [CLI, 'check', folder, '--format', 'sarif', ...extra], { cwd: REPO, encoding: 'utf8', timeout: 60000 });
  return { status: res.status, log: JSON.parse(res.stdout) as SarifLog, stderr: res.stderr };
}

function tempVault(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-sarif-'));
  for (const [p, text] of Object.entries(files)) {
    const abs = path.join(root, ...p.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
  return root;
}

describe('cli: --format sarif', function () {
  this.timeout(60000);
  const validate = validator();
  const temps: string[] = [];
  after(() => {
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  it('the schema validator is strict about what it checks (required properties, URI formats)', () => {
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
    const bad = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x', informationUri: 'not a uri' } } }] };
    assert.equal(validate(bad), false);
    assert.match(JSON.stringify(validate.errors), /format/);
  });

  it('the sample vault: a valid SARIF 2.1.0 log with every rule documented, exit code as for text', () => {
    const { status, log, stderr } = sarifOf('examples/ospo-vault');
    assert.equal(status, 0, stderr);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    assert.equal(log.version, '2.1.0');
    const [run] = log.runs;
    assert.equal(run.tool.driver.name, 'ospo-notes');
    assert.equal(run.tool.driver.version, (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version);
    assert.deepEqual(run.originalUriBaseIds, { VAULT: { uri: pathToFileURL(path.join(REPO, 'examples/ospo-vault')).href + '/' } });
    assert.equal(run.columnKind, 'unicodeCodePoints');

    const codes = DIAGNOSTIC_RULES.flatMap((r) => r.codes);
    assert.deepEqual(run.tool.driver.rules.map((r) => r.id), codes);
    for (const rule of run.tool.driver.rules) {
      const doc = diagnosticDoc(rule.id)!;
      assert.ok(doc, rule.id);
      assert.equal(rule.shortDescription.text, doc.title);
      assert.equal(rule.fullDescription.text, doc.summary);
      assert.equal(rule.helpUri, diagnosticDocUrl(rule.id));
      assert.ok(rule.help.text.includes(rule.helpUri) && rule.help.markdown.includes(rule.helpUri));
    }

    assert.deepEqual(
      run.results.map((r) => [r.ruleId, run.tool.driver.rules[r.ruleIndex].id, r.level, r.locations[0].physicalLocation.artifactLocation, r.locations[0].physicalLocation.region]),
      [
        ['unresolved-link', 'unresolved-link', 'warning', { uri: 'public/orgs/CERN.md', uriBaseId: 'VAULT' }, { startLine: 9, startColumn: 93, endLine: 9, endColumn: 119 }],
        ['private-link', 'private-link', 'warning', { uri: 'public/orgs/WHO.md', uriBaseId: 'VAULT' }, { startLine: 15, startColumn: 46, endLine: 15, endColumn: 64 }],
        ['private-link', 'private-link', 'warning', { uri: 'public/tech/OSPO.md', uriBaseId: 'VAULT' }, { startLine: 21, startColumn: 3, endLine: 21, endColumn: 21 }],
        ['mojibake', 'mojibake', 'warning', { uri: 'public/tech/OSPO.md', uriBaseId: 'VAULT' }, { startLine: 42, startColumn: 66, endLine: 42, endColumn: 70 }],
        ['missing-scheme', 'missing-scheme', 'warning', { uri: 'public/tech/OSPO.md', uriBaseId: 'VAULT' }, { startLine: 51, startColumn: 25, endLine: 51, endColumn: 54 }],
        ['unresolved-link', 'unresolved-link', 'warning', { uri: 'public/tech/OpenSource.md', uriBaseId: 'VAULT' }, { startLine: 18, startColumn: 55, endLine: 18, endColumn: 81 }],
      ],
    );
    assert.deepEqual(run.results.find((r) => r.ruleId === 'mojibake')?.fixes?.[0].artifactChanges[0].replacements, [
      { deletedRegion: { startLine: 42, startColumn: 66, endLine: 42, endColumn: 70 }, insertedContent: { text: '📖' } },
    ]);
  });

  it('counts columns in code points after an emoji, encodes paths, lists related locations; exit 1 on errors', () => {
    const root = tempVault({
      'My Notes/Ünïcode #1.md': '📖 [[Missing]] and 👨‍👩‍👧 [[Dup]]\n',
      'x/Dup.md': '',
      'y/Dup.md': '',
    });
    temps.push(root);
    const { status, log } = sarifOf(root, '--unresolved-severity', 'error');
    assert.equal(status, 1);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results;
    assert.deepEqual(
      results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region]),
      [
        // `📖 [[` is 5 UTF-16 units but 4 characters: the name starts at column 5, not 6.
        ['unresolved-link', 'error', 'My%20Notes/%C3%9Cn%C3%AFcode%20%231.md', { startLine: 1, startColumn: 5, endLine: 1, endColumn: 12 }],
        // The family emoji is 5 code points (3 people, 2 joiners) in 8 UTF-16 units: column 27, where UTF-16 says 31.
        ['ambiguous-link', 'note', 'My%20Notes/%C3%9Cn%C3%AFcode%20%231.md', { startLine: 1, startColumn: 27, endLine: 1, endColumn: 30 }],
      ],
    );
    assert.deepEqual(
      results[1].relatedLocations?.map((l) => [l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine, l.message?.text]),
      [['y/Dup.md', 1, 'also matches']],
    );
  });
});
