// Dependency-free, syntax-conservative: this must load and run on a Node too old
// for the rest of xend2libxl, so that the admin reads a message, not a SyntaxError.
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
