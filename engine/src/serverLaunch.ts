/**
 * How a language server process built on this engine is best started: what every launcher of it (the VS Code
 * client, the benchmarks, the fuzz, another editor's configuration) passes, so that all of them run the server
 * the same way. The process cannot set this itself: the C library sizes its allocation arenas when the process
 * starts. (No node flag is passed: 4 MB semi-spaces cut 24 MB of resident memory under the fuzz storm but doubled
 * the time in the collector there, 8 s to 15 s of a minute, which requests waited behind.)
 */

/**
 * Environment variables. glibc gives each thread that allocates (V8's helper threads, the parse worker) an arena
 * of its own and keeps what was freed in it: two arenas at most kept the server's peak resident memory under the
 * same storm about 50 MB lower. Other C libraries ignore the variable.
 */
export const SERVER_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
