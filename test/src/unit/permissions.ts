import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Whether this process can be kept out of a file by its permissions (not so for root). */
export function permissionsApply(): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-perm-'));
  const f = path.join(dir, 'probe');
  fs.writeFileSync(f, 'x');
  fs.chmodSync(f, 0o000);
  let blocked = false;
  try {
    fs.readFileSync(f);
  } catch {
    blocked = true;
  }
  fs.chmodSync(f, 0o600);
  fs.rmSync(dir, { recursive: true, force: true });
  return blocked;
}
