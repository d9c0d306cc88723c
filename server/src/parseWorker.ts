/**
 * Parsing big edited notes on a worker thread. A note's parse is sliced between its inline units, but one unit
 * (a paragraph, or a single line of 2 MB pasted in) is scanned in one go: seconds of a blocked server, and the
 * hundreds of megabytes of garbage a big parse makes land in the main thread's heap, whose collections block it
 * too. On a worker the main thread only receives the finished model (a structured clone of plain data).
 *
 * The worker runs the server's own entry script (main.ts starts {@link runParseWorker} when it is started as
 * this worker), so the compiled server and the single-file bundle both carry it. The server hands it every parse
 * the engine would do in slices (`setBigNoteParser`): notes loaded, read after a file event, and edited. Without a
 * script (a server created in-process) or when the worker fails, {@link BackgroundParser.parse} answers undefined
 * and the engine parses in slices on the main thread as before.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseNote, type NoteModel } from '@ospo-notes/engine';

/** What the server's entry script is started with when it is to be the parse worker. */
export const PARSE_WORKER_DATA = { ospoNotesParseWorker: true } as const;

/** Whether this thread was started as the parse worker. */
export function isParseWorker(): boolean {
  return !isMainThread && (workerData as Partial<typeof PARSE_WORKER_DATA> | undefined)?.ospoNotesParseWorker === true;
}

interface ParseRequest {
  id: number;
  path: string;
  text: string;
}

type ParseAnswer = { id: number; model: NoteModel; ms: number } | { id: number; error: string };

/** The worker's side: parses each text it is sent and posts the model back. */
export function runParseWorker(): void {
  const collect = fullCollection();
  parentPort?.on('message', (request: ParseRequest) => {
    const started = performance.now();
    let answer: ParseAnswer;
    try {
      answer = { id: request.id, model: parseNote(request.path, request.text), ms: performance.now() - started };
    } catch (e) {
      answer = { id: request.id, error: (e as Error).stack ?? String(e) };
    }
    parentPort?.postMessage(answer);
    // The heap is now mostly this parse's garbage (tens of megabytes after a big text): given back at once, so
    // the worker can stay for the next parse instead of being ended and started again (about 0.1-0.2 s of CPU
    // per start, which a storm of big edits paid every second).
    if (request.text.length >= WORKER_COLLECTS_AFTER_CHARACTERS) collect?.();
  });
}

/**
 * A function running a full garbage collection on this thread, or undefined where the runtime does not offer
 * one. `--expose-gc` set at run time gives the `gc` function to contexts created after it, such as this one.
 */
function fullCollection(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The worker's heap limits. A parse up to {@link PARSE_WORKER_MAX_CHARACTERS} needs well under these; a worker
 * that runs out is ended (its parse falls back to the main thread) instead of taking the process's memory.
 */
const WORKER_OLD_HEAP_MB = 96;
const WORKER_YOUNG_HEAP_MB = 8;
/**
 * Texts longer than this are parsed on the main thread, in slices: the worker's heap comes on top of the main
 * thread's, and a note near the 10 MB limit would put the process over 400 MB (a 4 MB one adds 170 MB). Such texts are notes read from disk
 * (typed into, they are over the limit and not parsed), whose units are lines and paragraphs: short slices.
 */
export const PARSE_WORKER_MAX_CHARACTERS = 2 * 1024 * 1024;
/**
 * Texts from this long on go to the worker: a note of 32 KB parses in a few milliseconds, but one of 100 KB of
 * brackets (a hostile or a pasted note) blocks for 100 ms and more on a busy machine.
 */
export const PARSE_WORKER_MIN_CHARACTERS = 32 * 1024;
/** An idle worker is ended after this long: what it holds (some 30 MB) is given back. */
const WORKER_IDLE_MS = 5000;
/** After parsing a text this long the worker collects its garbage at once (the parse's garbage is most of its heap). */
const WORKER_COLLECTS_AFTER_CHARACTERS = 256 * 1024;

export class BackgroundParser {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: ParseAnswer | undefined) => void>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set once the worker failed to start or died: no second try, the main thread parses. */
  private broken = false;
  /** How many workers were started so far (one serves parse after parse until it idles). */
  starts = 0;

  constructor(
    private readonly script: string | undefined,
    private readonly onFailure: (message: string) => void = () => undefined,
  ) {}

  /** The {@link parseNote} model of `text`, parsed on the worker, with its parse time; undefined when no worker can. */
  async parse(path: string, text: string): Promise<{ model: NoteModel; ms: number } | undefined> {
    if (text.length > PARSE_WORKER_MAX_CHARACTERS) return undefined;
    const worker = this.ensureWorker();
    if (!worker) return undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const id = this.nextId++;
    const answer = await new Promise<ParseAnswer | undefined>((resolve) => {
      this.waiting.set(id, resolve);
      worker.postMessage({ id, path, text } satisfies ParseRequest);
    });
    if (this.waiting.size === 0 && this.worker) this.idleTimer = setTimeout(() => this.stop(), WORKER_IDLE_MS).unref();
    if (!answer) return undefined;
    if ('error' in answer) {
      this.onFailure(`parsing ${path} on the worker failed: ${answer.error}`);
      return undefined;
    }
    return answer;
  }

  /** Ends the worker (idle, or the server is shutting down); pending parses answer undefined. */
  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    this.settleAll();
    if (worker) void worker.terminate();
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.broken || !this.script) return this.worker;
    try {
      const worker = new Worker(this.script, { workerData: PARSE_WORKER_DATA, resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_HEAP_MB }, stdout: false, stderr: false });
      worker.unref();
      this.starts++;
      worker.on('message', (answer: ParseAnswer) => {
        const resolve = this.waiting.get(answer.id);
        this.waiting.delete(answer.id);
        resolve?.(answer);
      });
      worker.on('error', (e) => {
        // Out of memory on one enormous text is that text's problem: the next parse gets a fresh worker.
        const outOfMemory = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        if (!outOfMemory) {
          this.broken = true;
          this.onFailure(`the parse worker failed: ${(e as Error).stack ?? e}`);
        }
      });
      worker.on('exit', () => {
        if (this.worker === worker) this.worker = undefined;
        this.settleAll();
      });
      this.worker = worker;
      return worker;
    } catch (e) {
      this.broken = true;
      this.onFailure(`the parse worker could not start: ${(e as Error).message}`);
      return undefined;
    }
  }

  private settleAll(): void {
    const pending = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of pending) resolve(undefined);
  }
}
