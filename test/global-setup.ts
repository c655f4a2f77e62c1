/**
 * Once per test run: build dist/ so that CLI tests run the real `bin/xend2libxl.js`
 * exactly as an admin would. Set XEND2LIBXL_NO_BUILD=1 to skip when iterating on
 * pure unit tests.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The libvirt rig (test/rig) and the Xen rig (test/xen-rig) are started lazily by the integration suites' ensureRig().
 * This run's session id travels to the workers in the environment; the rig script
 * records it as owner when this run is the one that started the daemons, so the
 * teardown stops the rig only then (and only once no other test run still holds a lease).
 */
function registerRigSession(): () => void {
  const session = `vitest-${process.pid}-${Date.now()}`;
  process.env.XEND2LIBXL_RIG_SESSION = session;
  process.env.XEND2LIBXL_RIG_SESSION_PID = String(process.pid);
  const release = (what: string, script: string, skipVar: string) => {
    if (process.env[skipVar] === '1' || process.getuid?.() !== 0) return;
    try {
      execFileSync('/bin/bash', [path.join(root, script), 'release', session], { stdio: 'pipe', timeout: 120_000 });
    } catch (e) {
      process.stderr.write(`${what} teardown failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? String(e)}\n`);
    }
  };
  // Each rig stops only if this run started it (`.ci/run` starts the Xen rig itself and stops it after).
  return () => {
    release('libvirt rig', 'test/rig/libvirt-rig.sh', 'XEND2LIBXL_SKIP_LIBVIRT');
    release('Xen rig', 'test/xen-rig/xen-rig.sh', 'XEND2LIBXL_SKIP_XEN');
  };
}

export default function setup(): () => void {
  // vitest calls a root globalSetup once per project (main, xen): do the work once per run.
  if (process.env.XEND2LIBXL_GLOBAL_SETUP_DONE === '1') return () => {};
  process.env.XEND2LIBXL_GLOBAL_SETUP_DONE = '1';
  const teardown = registerRigSession();
  buildDist();
  return teardown;
}

function buildDist(): void {
  if (process.env.XEND2LIBXL_NO_BUILD === '1') return;
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout ?? String(e);
    throw new Error(`TypeScript build failed:\n${out}`);
  }
}
