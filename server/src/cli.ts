#!/usr/bin/env node
/**
 * `ospo-notes check [folder]`: the engine as a command-line checker for CI.
 *
 * Exit codes: 0 no problem at or above the failing severity, 1 there are (errors by default), 2 bad usage or an
 * unreadable folder.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  compareDiagnostics,
  FileLookup,
  FRONTMATTER_SCHEMA_PATH,
  loadFrontmatterSchema,
  loadVault,
  type NoteDiagnostic,
  noteDiagnostics,
  readSchemaFileSync,
  type Severity,
  VaultRules,
} from '@ospo-notes/engine';

const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint'];

const USAGE = `usage: ospo-notes check [folder] [--format text|json] [--fail-on error|warning|information|hint]
                        [--unresolved-severity error|warning|information|hint|off] [--ignore folder-or-glob]...`;

interface Args {
  folder: string;
  format: 'text' | 'json';
  failOn: Severity;
  unresolved: Severity | 'off';
  ignore: string[];
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  if (command !== 'check') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  const args: Args = { folder: '.', format: 'text', failOn: 'error', unresolved: 'warning', ignore: [] };
  let folderSet = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json, not '${v}'`);
      args.format = v;
    } else if (a === '--fail-on') {
      const v = value() as Severity;
      if (!SEVERITIES.includes(v)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
      args.failOn = v;
    } else if (a === '--unresolved-severity') {
      const v = value() as Severity | 'off';
      if (v !== 'off' && !SEVERITIES.includes(v)) throw new UsageError(`--unresolved-severity must be one of ${SEVERITIES.join(', ')}, off`);
      args.unresolved = v;
    } else if (a === '--ignore') {
      args.ignore.push(value());
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option '${a}'`);
    } else if (!folderSet) {
      args.folder = a;
      folderSet = true;
    } else {
      throw new UsageError(`unexpected argument '${a}'`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ospo-notes: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const root = path.resolve(args.folder);
  try {
    const st = fs.statSync(root);
    if (!st.isDirectory()) throw new Error('not a folder');
    fs.readdirSync(root);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such folder' : err.code === 'EACCES' ? 'permission denied' : err.message;
    process.stderr.write(`ospo-notes: cannot read folder '${args.folder}': ${why}\n`);
    return 2;
  }

  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const { index, warnings, outside } = await loadVault(root, {
    rules: new VaultRules({ ignored: args.ignore }),
    onProgress: (done, total) => {
      if (tty && Date.now() - started > 1000) {
        shown = true;
        process.stderr.write(`\rospo-notes: reading notes ${done}/${total}`);
      }
    },
  });
  if (shown) process.stderr.write('\r\x1b[K');

  const outsideFiles = new FileLookup(outside);
  const diagnostics: NoteDiagnostic[] = [];
  // The vault's frontmatter schema; a broken schema file is a problem of its own (and the default one is used).
  const schemaFile = readSchemaFileSync(root);
  const frontmatter = loadFrontmatterSchema(schemaFile.text, FRONTMATTER_SCHEMA_PATH, schemaFile.problem);
  diagnostics.push(...frontmatter.problems);
  for (const p of index.notePaths()) diagnostics.push(...noteDiagnostics(index, p, { unresolvedLinkSeverity: args.unresolved, outside: outsideFiles, frontmatterSchema: frontmatter.schema }));
  diagnostics.sort(compareDiagnostics);
  for (const w of warnings) process.stderr.write(`ospo-notes: warning: ${w.path}: ${w.message}\n`);

  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  if (args.format === 'json') {
    const rows = diagnostics.map((d) => ({
      file: d.path,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
    }));
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    const lines = diagnostics.map((d) => `${d.path}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}`);
    if (lines.length) process.stdout.write(lines.join('\n') + '\n\n');
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    const attachments = index.files.size - index.noteCount;
    process.stdout.write(
      `${index.noteCount} ${plural(index.noteCount, "note")} and ${attachments} ${plural(attachments, "attachment")} checked in ${seconds} s: ` +
        `${counts.error} ${plural(counts.error, 'error')}, ${counts.warning} ${plural(counts.warning, 'warning')}, ` +
        `${counts.information} information, ${counts.hint} ${plural(counts.hint, 'hint')}.\n`,
    );
  }
  const failAt = SEVERITIES.indexOf(args.failOn);
  return diagnostics.some((d) => SEVERITIES.indexOf(d.severity) <= failAt) ? 1 : 0;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : word + 's';
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ospo-notes: internal error: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 2;
  },
);
