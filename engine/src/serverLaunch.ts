/**
 * How a language server process built on this engine is best started: what every launcher of it (the VS Code
 * client, the benchmarks, the fuzz, another editor's configuration) passes, so that all of them run the server
 * the same way. The process cannot set these itself: V8 sizes its young generation, and the C library its
 * allocation arenas, when the process starts.
 */

/**
 * Node flags. V8's default young generation (two semi-spaces of 16 MB) is sized for throughput; the server's
 * short-lived garbage comes in bursts (a big note's parse), and its resident memory under a storm of edits to
 * big notes was 24 MB lower with 4 MB semi-spaces, at no measured cost in CPU (the 10,000-note check: 6.5–7.4 s
 * of CPU either way).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/**
 * Environment variables. glibc gives each thread that allocates (V8's helper threads, the parse worker) an arena
 * of its own and keeps what was freed in it: two arenas at most kept the server's peak resident memory under the
 * same storm about 50 MB lower. Other C libraries ignore the variable.
 */
export const SERVER_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
