#!/usr/bin/env node
// Entry point. Kept tiny and dependency-free (no top-level await either) so that
// an old Node gets a clear message instead of a syntax error from a modern dependency.
import { exitOnUnhandledSignals, nodeVersionProblem } from './guards.js';

var problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem);
  process.exitCode = 2;
} else {
  // `xend2libxl … | head` closes our stdout early: that is the reader's choice, not
  // an error worth a stack trace. Stop quietly, as cat and grep do.
  process.stdout.on('error', function (err) {
    if (err && err.code === 'EPIPE') process.exit(0);
    // A command that watches stdout itself (convert: --json > FILE on a full disk) reports it clearly.
    if (process.stdout.listenerCount('error') > 1) return;
    throw err;
  });
  var finish = exitOnUnhandledSignals();
  import('../dist/cli/main.js').then(function (m) {
    return m.main(process.argv.slice(2)).then(finish);
  });
}
