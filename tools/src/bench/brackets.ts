/**
 * Time to check a note made of one unclosed bracket form repeated (`[a](` × 32,000 and its relatives), against
 * the floor of a plain-text note of the same size, each in a fresh process (checkProbe.ts) with a deadline.
 * A linear scanner checks these in about the floor's time; a quadratic one takes seconds.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const BRACKET_UNITS = ['[a](', '![a](', '[](', '[a](#'] as const;
export const BRACKET_REPEATS = 32000;

export interface BracketFigure {
  /** The repeated unit, or 'floor' for plain text of the size of `[a](` × N. */
  unit: string;
  bytes: number;
  /** Median check time in ms, or why there is none. */
  ms: number | 'timeout' | 'error';
  runs: number;
}

function probe(dir: string, timeoutMs: number): Promise<number | 'timeout' | 'error'> {
  const script = path.join(__dirname, 'checkProbe.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [script, dir], { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (err, stdout) => {
      if (err) resolve((err as { killed?: boolean }).killed ? 'timeout' : 'error');
      else resolve((JSON.parse(stdout) as { ms: number }).ms);
    });
  });
}

/** One fresh process per run; a slow case (over a second) is run once, a fast one three times (median). */
export async function runBracketBenchmark(options: { timeoutMs?: number; log?: (m: string) => void } = {}): Promise<BracketFigure[]> {
  const timeoutMs = options.timeoutMs ?? 120000;
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-bench-brackets-'));
  const out: BracketFigure[] = [];
  try {
    const cases: Array<{ unit: string; text: string }> = [{ unit: 'floor', text: 'a b '.repeat(BRACKET_REPEATS) }];
    for (const unit of BRACKET_UNITS) cases.push({ unit, text: unit.repeat(BRACKET_REPEATS) });
    for (const [i, c] of cases.entries()) {
      const dir = path.join(parent, `case-${i}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'note.md'), c.text + '\n');
      options.log?.(`brackets: checking ${c.unit === 'floor' ? 'plain text' : `${c.unit} × ${BRACKET_REPEATS}`} …`);
      const first = await probe(dir, timeoutMs);
      const times = [first];
      if (typeof first === 'number' && first < 1000) times.push(await probe(dir, timeoutMs), await probe(dir, timeoutMs));
      const numbers = times.filter((t): t is number => typeof t === 'number').sort((a, b) => a - b);
      out.push({ unit: c.unit, bytes: Buffer.byteLength(c.text) + 1, ms: numbers.length === times.length ? numbers[Math.floor(numbers.length / 2)] : (times.find((t) => typeof t !== 'number') as 'timeout' | 'error'), runs: times.length });
    }
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
  return out;
}
