// Process-level guards the entry point installs before it loads anything else.
// Dependency-free and syntax-conservative: this must load and run on a Node too old
// for the rest of xend2libxl, so that the admin reads a message, not a SyntaxError.
// (One module, not two: every module costs start-up time, bench/startup.js.)

// ---------------------------------------------------------------- Node version
export var MINIMUM_NODE = '20.17.0';

/** The message to print when `version` (like process.versions.node) is too old; null when fine. */
export function nodeVersionProblem(version) {
  var have = String(version).split('.').map(Number);
  var need = MINIMUM_NODE.split('.').map(Number);
  for (var i = 0; i < 3; i++) {
    if ((have[i] || 0) > need[i]) return null;
    if ((have[i] || 0) < need[i]) {
      return (
        'xend2libxl: error: Node.js ' + version + ' is too old (need >= ' + MINIMUM_NODE + ')\n' +
        'hint: install a current Node.js LTS (Debian: apt install nodejs from bookworm-backports or nodesource), then re-run\n'
      );
    }
  }
  return null;
}

// ---------------------------------------------------------------- late signals
//
// Commands that can be cancelled (migrate, evacuate, upgrade, convert) listen for
// Ctrl-C/SIGTERM themselves while they work, and remove their listener on the way
// out. A second, impatient press that lands after that — while the command's
// result is already decided and Node winds down — would otherwise kill the process
// by the signal and lose the exit code the command just reported. This listener
// sees every signal and acts only when no command listens:
// - the command has finished: exit at once with its exit code;
// - a command handled an earlier signal (it was cancelling and is done with it): exit 130;
// - otherwise (a read-only command, or before any command started): Node's default,
//   the signal kills the process, which also works while a file operation hangs.
// And once a command has finished after handling a signal, exit at once: when Node
// winds down by itself it restores the default signal action while it tears down,
// and a press landing in those milliseconds kills the process (seen once in ~30 runs
// of test/migrate/rig-cancel.test.ts; a child spammed with SIGINT while it winds down
// died by the signal 40 times in 40, and 0 in 40 with process.exit). Nothing is lost
// by it: stdout/stderr pipes and our log and report files are written synchronously.

/**
 * Install the listener; returns `finish(code)`, to be called with the command's
 * exit code once it has finished.
 */
export function exitOnUnhandledSignals(proc) {
  var p = proc || process;
  var cancelling = false;
  var finished;
  var onSignal = function (signal) {
    if (p.listenerCount(signal) > 1) {
      cancelling = true; // a command is handling it
      return;
    }
    if (finished !== undefined) return p.exit(finished);
    if (cancelling) return p.exit(130);
    p.removeListener('SIGINT', onSignal);
    p.removeListener('SIGTERM', onSignal);
    p.kill(p.pid, signal);
  };
  p.on('SIGINT', onSignal);
  p.on('SIGTERM', onSignal);
  return function finish(code) {
    finished = code;
    p.exitCode = code;
    if (cancelling) p.exit(code);
  };
}
