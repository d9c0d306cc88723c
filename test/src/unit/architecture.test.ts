/**
 * The architecture invariants of ARCHITECTURE.md, checked by reading every import of the sources. A change that
 * breaks one fails here, with the file and the import named.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../../..');
const ENGINE_NAME = '@ospo-notes/engine';

interface Import {
  /** Repository-relative path of the importing file, with `/`. */
  file: string;
  spec: string;
  /** Repository-relative path the spec points to, for relative specs. */
  target?: string;
  /** `import type …`: erased from the compiled code. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(REPO, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'out' && e.name !== 'fixtures') out.push(...sourceFiles(rel));
    } else if (/\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

// Static imports and re-exports, `import('…')` and `require('…')`. Comments are blanked first so that an import
// quoted in a doc comment does not count.
const SPEC = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
function importsOf(file: string): Import[] {
  const text = fs.readFileSync(path.join(REPO, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
  const out: Import[] = [];
  for (const m of text.matchAll(SPEC)) {
    const spec = m[2];
    const target = spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) : undefined;
    const statementStart = text.lastIndexOf('\n', m.index) + 1;
    const typeOnly = /^\s*(import|export)\s+type\s/.test(text.slice(statementStart, m.index + m[0].length)) || /^\s*(import|export)\s+type\s/.test(text.slice(text.lastIndexOf(';', m.index) + 1, m.index));
    out.push({ file, spec, target, typeOnly });
  }
  return out;
}

const FS_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises']);
/** Engine stages, lowest first: a stage imports only stages below it (io may use everything but features and diagnostics). */
const STAGES = ['model', 'syntax', 'vault', 'diagnostics', 'features'];

function engineStage(file: string): string {
  const rest = file.slice('engine/src/'.length);
  const first = rest.split('/')[0].replace(/\.ts$/, '');
  return first;
}

describe('architecture invariants (ARCHITECTURE.md)', () => {
  const engine = sourceFiles('engine/src').flatMap(importsOf);
  const outside = ['server/src', 'client/src', 'test/src', 'tools'].flatMap(sourceFiles).flatMap(importsOf);

  it('finds the sources it checks', () => {
    assert.ok(engine.length > 50, `engine imports found: ${engine.length}`);
    assert.ok(outside.some((i) => i.spec === ENGINE_NAME), 'someone imports the engine by name');
  });

  it('the engine never imports an editor or an LSP connection', () => {
    const editorModules = /^(vscode|vscode-languageserver(\/.*)?|vscode-languageclient(\/.*)?|vscode-jsonrpc(\/.*)?|vscode-languageserver-protocol)$/;
    const bad = engine.filter((i) => editorModules.test(i.spec));
    assert.deepEqual(bad.map((i) => `${i.file}: ${i.spec}`), []);
  });

  it('only the io layer of the engine touches the file system', () => {
    const bad = engine.filter((i) => FS_MODULES.has(i.spec) && !i.file.startsWith('engine/src/io/'));
    assert.deepEqual(bad.map((i) => `${i.file}: ${i.spec}`), []);
  });

  it('the engine stays inside its own folder', () => {
    const bad = engine.filter((i) => i.target !== undefined && !i.target.startsWith('engine/src/'));
    assert.deepEqual(bad.map((i) => `${i.file}: ${i.spec}`), []);
  });

  it('engine stages import only lower stages; features and diagnostics never import io', () => {
    const bad: string[] = [];
    for (const i of engine) {
      if (i.target === undefined || i.file === 'engine/src/index.ts') continue;
      const from = engineStage(i.file);
      const to = engineStage(i.target);
      if (from === to) continue;
      if (to === 'io' || to === 'index') {
        bad.push(`${i.file}: ${i.spec} (${from} → ${to})`);
        continue;
      }
      if (from === 'io') {
        if (to === 'features' || to === 'diagnostics') bad.push(`${i.file}: ${i.spec} (io → ${to})`);
        continue;
      }
      const fi = STAGES.indexOf(from);
      const ti = STAGES.indexOf(to);
      if (fi < 0 || ti < 0 || ti > fi) bad.push(`${i.file}: ${i.spec} (${from} → ${to})`);
    }
    assert.deepEqual(bad, []);
  });

  it('everything outside the engine uses only its public entry, by name', () => {
    const bad = outside.filter(
      (i) => (i.target !== undefined && i.target.startsWith('engine/')) || i.spec.startsWith(`${ENGINE_NAME}/`),
    );
    assert.deepEqual(bad.map((i) => `${i.file}: ${i.spec}`), []);
  });

  it('nothing reaches into the engine or its compiled output by path, and nothing outside the server imports its core', () => {
    const bad = outside.filter((i) => i.target !== undefined && (/^engine\/out(\/|$)/.test(i.target) || /^server\/(out|src)\/core(\/|$)/.test(i.target)));
    assert.deepEqual(bad.map((i) => `${i.file}: ${i.spec}`), []);
  });

  it('the client never imports the server', () => {
    const bad = outside.filter((i) => i.file.startsWith('client/') && i.target !== undefined && i.target.startsWith('server/'));
    assert.deepEqual(bad.map((i) => `${i.file}: ${i.spec}`), []);
  });

  it('the server and the shipped client hold no copy of an engine rule: they never import markdown-it themselves', () => {
    // Parsing markdown is the engine's; the preview plugin is the one place that receives VS Code's own markdown-it
    // instance, and it only adds rules to it.
    const bad = outside.filter((i) => (i.file.startsWith('server/src/') || i.file.startsWith('client/src/')) && i.spec === 'markdown-it' && !i.typeOnly && !i.file.startsWith('client/src/preview/'));
    assert.deepEqual(bad.map((i) => `${i.file}: ${i.spec}`), []);
  });
});
