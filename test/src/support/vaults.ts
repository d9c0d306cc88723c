/**
 * Small vaults for engine tests: a feature context over notes given as texts, and the snapshot that compares two
 * indexes by everything a user sees of them.
 */
import { type FeatureContext, noteDiagnostics, parseNote, VaultIndex } from '@ospo-notes/engine';

/** An index of `files` (vault path → note text) and `attachments`, with the texts as the open buffers. */
export function featureContextOf(files: Record<string, string>, attachments: string[] = []): FeatureContext {
  const index = new VaultIndex();
  index.load(
    Object.entries(files).map(([p, t]) => parseNote(p, t)),
    attachments,
  );
  return { index, getText: (p) => files[p] };
}

/** Everything a user sees of an index: its files, each link's resolution, each note's problems. */
export function indexSnapshot(index: VaultIndex): string {
  const out: string[] = [...index.files.paths()].sort();
  for (const p of [...index.notePaths()].sort()) {
    const targets = index.linkTargets(p).map((t) => [t.status, t.target, t.heading?.text, t.block?.id, t.resolution?.candidates]);
    out.push(`${p} ${JSON.stringify(targets)} ${JSON.stringify(noteDiagnostics(index, p))}`);
  }
  return out.join('\n');
}
