/**
 * Preloaded (`node --require`) into a benchmark's child process: at exit, writes the process's CPU time (user +
 * system, milliseconds) to stderr as one last line `@cpu N`. On a machine shared with other work, CPU time is far
 * steadier than wall time, so the benchmark reports both.
 */
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\n@cpu ${Math.round((u.user + u.system) / 1000)}\n`);
});
