/**
 * Temporary folders for tests, removed when the test process exits (a test that fails half-way leaves nothing
 * behind either): the cache and checker tests make dozens per run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];
let hooked = false;

/** A new empty folder in the system's temp folder, named `<prefix>XXXXXX`, removed at exit. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}
