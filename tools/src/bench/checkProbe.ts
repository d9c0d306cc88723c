/**
 * Child process of the benchmark: checks one vault as the CLI checker does (load, then every note's
 * diagnostics) and prints the time and counts as one JSON line. A fresh process per run keeps runs independent.
 */
import { loadVault, noteDiagnostics } from '@ospo-notes/engine';

async function main(): Promise<void> {
  const root = process.argv[2];
  const t0 = performance.now();
  const { index } = await loadVault(root);
  let diagnostics = 0;
  for (const p of index.notePaths()) diagnostics += noteDiagnostics(index, p, { unresolvedLinkSeverity: 'warning' }).length;
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, notes: index.noteCount, diagnostics }) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
