/**
 * The Xen rig as seen from tests: two real Xen 4.17 hosts (dom0 Debian 12, libvirt 9's libxl
 * driver) booted inside QEMU/TCG by `xen-rig.sh`, and the tiny PV guest they run.
 *
 * Suites named `*.xen.test.ts` form vitest's `xen` project: they run one file at a time, after
 * every other suite (the hosts share the machine's two cores with everything else). Each calls
 * {@link ensureXenRig} in `beforeAll`; it builds (first time ~12 min) and boots the hosts when
 * needed and FAILS when it cannot, so a broken machine shows red. Only an explicit
 * `XEND2LIBXL_SKIP_XEN=1` turns the suites into visible skips. Every suite uses its own domain
 * names (prefix `xr-`), and removes them from both hosts when it ends.
 */
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileRunner, type VirshRunner } from '../../src/libvirt/runner.js';
import { parseRigEnv, runRigScript } from '../helpers/rig-script.js';

export interface XenHost {
  name: 'xenrig1' | 'xenrig2';
  /** `xen+tcp://127.0.0.1:1660N/system`: how this machine (our CLI, the tests) reaches the host's libvirtd. */
  uri: string;
  /** `xen+tcp://xenrigN/system`: how the *other* host's libvirtd reaches this one (p2p migration). */
  peerUri: string;
  /** `127.0.0.1:1661N`: the dom0 test agent (one shell command per connection). */
  agent: { host: string; port: number };
}

export interface XenGuestOptions {
  name: string;
  /** Guest RAM in MiB; default 128 (a host has ~1.5 GiB for guests). */
  memoryMiB?: number;
  /** Extra kernel arguments, e.g. `rig.dirty=64` to keep a live migration busy. */
  cmdline?: string;
  uuid?: string;
}

export interface XenRig {
  x1: XenHost;
  x2: XenHost;
  /** Where the tiny guest's kernel and initramfs are *inside dom0* (libxl reads them there). */
  guestKernel: string;
  guestInitrd: string;
  /** Domain XML (type 'xen', PV) of the tiny guest: prints READY on its console, then `alive N`. */
  guestXml(opts: XenGuestOptions): string;
  /** Run one shell command in dom0; resolves with its stdout+stderr. */
  sh(host: XenHost, command: string, timeoutMs?: number): Promise<string>;
  /** The guest's console as xenconsoled logged it in dom0 (empty when there is none yet). */
  console(host: XenHost, name: string): Promise<string>;
  /** Forget the guest's console log on a host (before a start, so READY means "this boot"). */
  clearConsole(host: XenHost, name: string): Promise<void>;
  /** Resolve once the guest printed READY on `host` and runs; reject after timeoutMs. */
  waitForReady(host: XenHost, name: string, timeoutMs: number): Promise<void>;
  /** The runner every test should use for virsh against the rig (timeouts, LC_ALL=C). */
  runner: VirshRunner;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const XEN_RIG_SCRIPT = path.join(here, 'xen-rig.sh');

/** True when the user explicitly opted out of the real-Xen suites. */
export const xenSkipped = process.env.XEND2LIBXL_SKIP_XEN === '1';

/** Print, once per suite, why it is skipped, so a skip never passes unnoticed. */
export function announceXenSkip(suite: string): void {
  if (xenSkipped) process.stderr.write(`SKIPPED ${suite}: XEND2LIBXL_SKIP_XEN=1 (real Xen/libxl integration suite)\n`);
}

let rigPromise: Promise<XenRig> | undefined;

export function ensureXenRig(): Promise<XenRig> {
  rigPromise ??= startXenRig();
  rigPromise.catch(() => (rigPromise = undefined));
  return rigPromise;
}

const SCRIPT = { label: 'Xen rig', path: XEN_RIG_SCRIPT };
const runScript = (args: string[], timeoutMs: number) => runRigScript(SCRIPT, args, timeoutMs);

async function startXenRig(): Promise<XenRig> {
  if (xenSkipped) throw new Error('Xen rig: XEND2LIBXL_SKIP_XEN=1 is set; suites must check xenSkipped before calling ensureXenRig()');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('Xen rig: must run as root (debootstrap, QEMU). Run the tests as root, or set XEND2LIBXL_SKIP_XEN=1 to skip the real-Xen suites.');
  }
  // A machine without the cached image builds it first (~12 min); booting takes ~45 s.
  await runScript(['start', '2'], 40 * 60_000);
  const need = parseRigEnv(SCRIPT, await runScript(['env'], 30_000));
  const host = (n: 1 | 2): XenHost => {
    const [h, p] = need(`XEN_RIG_AGENT${n}`).split(':');
    return { name: `xenrig${n}`, uri: need(`XEN_RIG_URI${n}`), peerUri: need(`XEN_RIG_PEER_URI${n}`), agent: { host: h, port: Number(p) } };
  };
  const runner = execFileRunner();
  const rig: XenRig = {
    x1: host(1),
    x2: host(2),
    guestKernel: need('XEN_RIG_GUEST_KERNEL'),
    guestInitrd: need('XEN_RIG_GUEST_INITRD'),
    guestXml: (opts) => guestXml(rig, opts),
    sh: agentShell,
    console: (h, name) => agentShell(h, `cat /var/log/xen/console/guest-${shellWord(name)}.log 2>/dev/null; true`),
    clearConsole: async (h, name) => void (await agentShell(h, `rm -f /var/log/xen/console/guest-${shellWord(name)}.log`)),
    waitForReady: (h, name, timeoutMs) => waitForReady(rig, h, name, timeoutMs),
    runner,
  };
  return rig;
}

/** Single-quote for dom0's /bin/sh: the agent runs a command line. */
export function shellWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function agentShell(h: XenHost, command: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(h.agent.port, h.agent.host);
    let out = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`Xen rig agent on ${h.name}: no answer within ${timeoutMs} ms to: ${command}`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (out += d));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`Xen rig agent on ${h.name} (${h.agent.host}:${h.agent.port}): ${e.message}`));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    sock.end(`${command}\n`);
  });
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

function guestXml(rig: XenRig, opts: XenGuestOptions): string {
  const memory = opts.memoryMiB ?? 128;
  return `<domain type='xen'>
  <name>${xmlEscape(opts.name)}</name>${opts.uuid ? `\n  <uuid>${xmlEscape(opts.uuid)}</uuid>` : ''}
  <memory unit='MiB'>${memory}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
    <kernel>${xmlEscape(rig.guestKernel)}</kernel>
    <initrd>${xmlEscape(rig.guestInitrd)}</initrd>
    <cmdline>${xmlEscape(`console=hvc0 quiet ${opts.cmdline ?? ''}`.trim())}</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <console type='pty'><target type='xen' port='0'/></console>
  </devices>
</domain>
`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForReady(rig: XenRig, h: XenHost, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  let log = '';
  for (;;) {
    const r = await rig.runner.start({ uri: h.uri, args: ['domstate', '--', name], timeoutMs: 30_000 }).result;
    state = r.exitCode === 0 ? r.stdout.trim() : `error: ${r.stderr.trim()}`;
    log = await rig.console(h, name);
    if (/\bREADY\b/.test(log) && state === 'running') return;
    if (Date.now() > deadline) {
      throw new Error(`tiny PV guest ${JSON.stringify(name)} on ${h.name}: no READY within ${timeoutMs} ms (state "${state}"); console:\n${log}`);
    }
    await sleep(1000);
  }
}
