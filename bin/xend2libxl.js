#!/usr/bin/env node
// Entry point. Kept tiny and dependency-free so that an old Node gets a clear
// message instead of a syntax error from a modern dependency.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
  process.stderr.write(
    `xend2libxl: error: Node.js ${process.versions.node} is too old (need >= 20.17)\n` +
      'hint: install a current Node.js LTS, e.g. from your distribution or nodesource\n',
  );
  process.exit(2);
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
