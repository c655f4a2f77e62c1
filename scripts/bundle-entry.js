// Entry point of the single-file build (scripts/bundle.mjs). Normally it is the CLI itself,
// bin/xend2libxl.js with its guards. A batch started with worker threads starts this same
// file as each thread (see the thread-script replacement in scripts/bundle.mjs), marked by
// an argv entry; the thread then runs its body instead of the CLI.
// The check is one argv scan: the CLI's start-up pays nothing for it.
var THREAD_ARG = '--xend2libxl-thread=';
var thread = process.argv.find(function (a) { return a.startsWith(THREAD_ARG); });

if (thread === undefined) {
  import('../bin/xend2libxl.js');
} else {
  import('node:worker_threads').then(function (wt) {
    if (wt.isMainThread) throw new Error(thread + ' is for the threads the bundle starts, not for the command line');
    return thread === THREAD_ARG + 'worker' ? import('../dist/batch/worker.js') : import('../dist/batch/writer-worker.js');
  });
}
