import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'server/out/cli.js');
const FIXTURE = path.join(REPO, 'test/fixtures/visibility-vault');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

const HANDBOOK =
  "Handbook.md:9:1 error private-link Public note 'Handbook' transcludes private note 'Contacts' through embeds: Handbook → Onboarding → Contacts. Its text would be published with 'Handbook'.";
const ONBOARDING = "Onboarding.md:13:1 error private-link Public note 'Onboarding' embeds private note 'Contacts': its text would be published with 'Onboarding'.";

describe('cli: ospo-notes check --public', function () {
  this.timeout(60000);
  let copy: string;
  before(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-public-'));
    fs.cpSync(FIXTURE, copy, { recursive: true });
  });
  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('fails on a vault whose public notes leak a private one through two embeds, naming the chain', () => {
    const run = cli(['check', FIXTURE, '--public']);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.deepEqual(run.stdout.split('\n').slice(0, 3), [HANDBOOK, ONBOARDING, '']);
    assert.match(run.stdout, /: 2 errors, 0 warnings, /);
  });

  it('reports the same leaks as warnings without --public, and passes', () => {
    const run = cli(['check', FIXTURE]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(run.stdout.split('\n').slice(0, 2), [HANDBOOK.replace(' error ', ' warning '), ONBOARDING.replace(' error ', ' warning ')]);
  });

  it('passes once the leak is fixed', () => {
    const onboarding = path.join(copy, 'Onboarding.md');
    const text = fs.readFileSync(onboarding, 'utf8');
    // Linking the contacts instead of embedding them still leaks their name: still an error.
    fs.writeFileSync(onboarding, text.replace('![[people/Contacts#Office]]', '[[people/Contacts#Office]]'));
    const linked = cli(['check', copy, '--public']);
    assert.equal(linked.status, 1);
    assert.deepEqual(linked.stdout.split('\n').slice(0, 2), [
      "Onboarding.md:13:1 error private-link Public note 'Onboarding' links to private note 'Contacts': the published note would point to a note that is not published.",
      '',
    ]);
    fs.writeFileSync(onboarding, text.replace('![[people/Contacts#Office]]', 'Ask the office.'));
    const fixed = cli(['check', copy, '--public']);
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    assert.doesNotMatch(fixed.stdout, /private-link/);
    assert.match(fixed.stdout, /: 0 errors, 0 warnings, /);
  });

  it('--visibility-default public makes notes without a visibility public, and checks them too', () => {
    const run = cli(['check', FIXTURE, '--public', '--visibility-default', 'public', '--format', 'json']);
    assert.equal(run.status, 1);
    const rows = JSON.parse(run.stdout) as Array<{ file: string; severity: string; code: string }>;
    assert.deepEqual(
      rows.map((r) => `${r.file} ${r.severity} ${r.code}`),
      ['Handbook.md error private-link', 'Onboarding.md error private-link', 'Scratch.md error private-link'],
    );
  });

  it('--format sarif gives the leaks as errors, with the hops of the chain as related locations', () => {
    const run = cli(['check', FIXTURE, '--public', '--format', 'sarif']);
    assert.equal(run.status, 1);
    const log = JSON.parse(run.stdout) as {
      runs: Array<{ results: Array<{ ruleId: string; level: string; relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    assert.deepEqual(
      log.runs[0].results.map((r) => [r.ruleId, r.level, (r.relatedLocations ?? []).map((l) => l.physicalLocation.artifactLocation.uri)]),
      [
        ['private-link', 'error', ['Onboarding.md', 'people/Contacts.md']],
        ['private-link', 'error', ['people/Contacts.md']],
      ],
    );
  });

  it('rejects a visibility default that is neither private nor public', () => {
    const run = cli(['check', FIXTURE, '--visibility-default', 'secret']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--visibility-default must be private or public, not 'secret'/);
  });
});
