/**
 * The libvirt test rig as seen from tests: two real libvirtd "hosts" (h1, h2)
 * started by `libvirt-rig.sh`, and the tiny guest kernel they boot.
 *
 * Integration suites call {@link ensureRig} in `beforeAll`. It FAILS (throws)
 * when the rig cannot start, so a broken machine shows up red; only an explicit
 * `XEND2LIBXL_SKIP_LIBVIRT=1` turns the suites into visible skips (see
 * {@link libvirtSkipped}). Suites share the daemons with other suites running at
 * the same time, so every suite uses its own domain names.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileRunner } from '../../src/libvirt/runner.js';
import { parseRigEnv, runRigScript } from '../helpers/rig-script.js';

export interface RigHost {
  name: 'h1' | 'h2';
  /** `qemu+unix:///system?socket=…` — the host's QEMU driver over its private socket. */
  uri: string;
  /** `qemu+tcp://127.0.0.1N/system` — what a peer uses for p2p migration. */
  tcpUri: string;
  /** `test+unix:///default?socket=…` — libvirt's test driver inside this daemon (hold a connection!). */
  testUri: string;
}

export interface GuestXmlOptions {
  name: string;
  /** Guest RAM; default 64 MiB. */
  memoryMiB?: number;
  /** Tiny guest options: `acpi=0`, `fill=N`, `dirty=N`. */
  cmdline?: string;
  uuid?: string;
}

export interface TestDriverHolder {
  uri: string;
  close(): Promise<void>;
}

export interface Rig {
  h1: RigHost;
  h2: RigHost;
  /** Path of the tiny guest kernel (multiboot ELF). */
  guestKernel: string;
  /** Domain XML (type 'qemu', TCG) booting the tiny guest, serial console to {@link serialLog}. */
  guestXml(opts: GuestXmlOptions): string;
  /** The file the guest's COM1 is written to; QEMU truncates it at every start. */
  serialLog(name: string): string;
  /** Resolve once the guest printed READY (end of boot); reject after timeoutMs or if it is not running. */
  waitForReady(host: RigHost, name: string, timeoutMs: number): Promise<void>;
  /** Keep one connection to the host's test driver open: its state lives only while one is held. */
  testDriverHolder(host: RigHost): Promise<TestDriverHolder>;
  /** h1's sshd (OpenSSH, keys only, loopback), for the agentless `--host` suites. */
  ssh: RigSsh;
}

export interface RigSsh {
  addr: string;
  port: number;
  /** The host's public key (`ssh-ed25519 AAAA… comment`), for a test's own known_hosts. */
  hostKeyFile: string;
  /** What h1's sshd sessions see as /var/lib/xend and /etc/xen. */
  xendDir: string;
  etcXenDir: string;
  /** Let the public key in `file` log in as root. */
  authorize(file: string): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The rig script; `.ci/run` and humans use it directly. */
export const RIG_SCRIPT = path.join(here, 'libvirt-rig.sh');

/** True when the user explicitly opted out of the real-libvirt suites. */
export const libvirtSkipped = process.env.XEND2LIBXL_SKIP_LIBVIRT === '1';

/** Print, once per suite, why it is skipped, so a skip never passes unnoticed. */
export function announceSkip(suite: string): void {
  if (libvirtSkipped) process.stderr.write(`SKIPPED ${suite}: XEND2LIBXL_SKIP_LIBVIRT=1 (real libvirt integration suite)\n`);
}

let rigPromise: Promise<Rig> | undefined;

/** Install (if needed) and start the rig, once per process; concurrent processes are serialised by the script's flock. */
export function ensureRig(): Promise<Rig> {
  rigPromise ??= startRig();
  // A failed start is not cached: a later suite may retry (e.g. after apt finished elsewhere).
  rigPromise.catch(() => (rigPromise = undefined));
  return rigPromise;
}

const SCRIPT = { label: 'libvirt test rig', path: RIG_SCRIPT };
const runScript = (args: string[], timeoutMs: number) => runRigScript(SCRIPT, args, timeoutMs);

async function startRig(): Promise<Rig> {
  if (libvirtSkipped) throw new Error('libvirt test rig: XEND2LIBXL_SKIP_LIBVIRT=1 is set; suites must check libvirtSkipped before calling ensureRig()');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      'libvirt test rig: must run as root (it starts libvirtd in private mount namespaces). ' +
        'Run the tests as root, or set XEND2LIBXL_SKIP_LIBVIRT=1 to skip the real-libvirt suites.',
    );
  }
  // Installing packages can take minutes on a fresh machine; starting takes ~10 s.
  await runScript(['start'], 15 * 60_000);
  const need = parseRigEnv(SCRIPT, await runScript(['env'], 30_000));
  const host = (n: 1 | 2): RigHost => ({
    name: `h${n}`,
    uri: need(`RIG_H${n}_URI`),
    tcpUri: need(`RIG_H${n}_TCP_URI`),
    testUri: need(`RIG_H${n}_TEST_URI`),
  });
  const rigDir = need('RIG_DIR');
  const serialDir = path.join(rigDir, 'serial');
  mkdirSync(serialDir, { recursive: true, mode: 0o755 });
  const rig: Rig = {
    h1: host(1),
    h2: host(2),
    guestKernel: need('RIG_GUEST_KERNEL'),
    serialLog: (name) => path.join(serialDir, `${fileSafe(name)}.log`),
    guestXml: (opts) => guestXml(rig.guestKernel, rig.serialLog(opts.name), opts),
    waitForReady: (h, name, timeoutMs) => waitForReady(rig.serialLog(name), h, name, timeoutMs),
    testDriverHolder,
    ssh: {
      addr: need('RIG_H1_SSH_ADDR'),
      port: Number(need('RIG_H1_SSH_PORT')),
      hostKeyFile: need('RIG_H1_SSH_HOST_KEY'),
      xendDir: need('RIG_H1_SSH_XEND_DIR'),
      etcXenDir: need('RIG_H1_SSH_ETC_XEN_DIR'),
      authorize: async (file) => void (await runScript(['ssh-authorize', file], 60_000)),
    },
  };
  return rig;
}

/** A file name for any domain name, hostile ones included (`../x`, `$(…)`), still unique per name. */
function fileSafe(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_').slice(0, 40);
  return `${readable}-${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

function guestXml(kernel: string, serial: string, opts: GuestXmlOptions): string {
  const memory = opts.memoryMiB ?? 64;
  if (!Number.isInteger(memory) || memory < 16) throw new Error(`guestXml: memoryMiB must be an integer >= 16 (the guest fills RAM above 8 MiB), got ${memory}`);
  // No append='on': QEMU truncates the log at each start, so READY in it always means "this boot".
  return `<domain type='qemu'>
  <name>${xmlEscape(opts.name)}</name>${opts.uuid ? `\n  <uuid>${xmlEscape(opts.uuid)}</uuid>` : ''}
  <memory unit='MiB'>${memory}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${xmlEscape(kernel)}</kernel>
    <cmdline>${xmlEscape(opts.cmdline ?? '')}</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'><source path='${xmlEscape(serial)}'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForReady(serial: string, host: RigHost, name: string, timeoutMs: number): Promise<void> {
  const runner = execFileRunner();
  const deadline = Date.now() + timeoutMs;
  let lastState = '';
  for (;;) {
    let log = '';
    try {
      log = readFileSync(serial, 'utf8');
    } catch {
      /* not created yet */
    }
    const r = await runner.start({ uri: host.uri, args: ['domstate', '--', name], timeoutMs: 10_000 }).result;
    lastState = r.exitCode === 0 ? r.stdout.trim() : `error: ${r.stderr.trim()}`;
    if (/\bREADY\b/.test(log) && lastState === 'running') return;
    if (lastState !== 'running' && lastState !== 'paused' && log !== '') {
      throw new Error(`tiny guest ${JSON.stringify(name)} on ${host.name} is "${lastState}" before READY; serial log ${serial}:\n${log}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`tiny guest ${JSON.stringify(name)} on ${host.name}: no READY within ${timeoutMs} ms (state "${lastState}"); serial log ${serial}:\n${log}`);
    }
    await sleep(150);
  }
}

const HOLDER_MARK = 'xend2libxl-rig-holder-connected';

/** An interactive `virsh` whose open connection keeps the test driver's state; `echo` tells us it is connected. */
function testDriverHolder(host: RigHost): Promise<TestDriverHolder> {
  return new Promise((resolve, reject) => {
    const child = spawn('virsh', ['-q', '-c', host.testUri], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    let err = '';
    let connected = false;
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    const fail = (why: string) => {
      child.kill('SIGKILL');
      reject(new Error(`test driver holder for ${host.testUri}: ${why}${err ? `\n${err.trim()}` : ''}`));
    };
    const timer = setTimeout(() => fail('not connected after 30 s'), 30_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!connected && out.includes(HOLDER_MARK)) {
        connected = true;
        clearTimeout(timer);
        resolve({
          uri: host.testUri,
          async close() {
            child.stdin.end('quit\n');
            const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(killer);
          },
        });
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`test driver holder: cannot run virsh: ${e.message}`));
    });
    child.once('close', (code) => {
      if (!connected) {
        clearTimeout(timer);
        reject(new Error(`test driver holder for ${host.testUri}: virsh exited (${code}) before connecting${err ? `\n${err.trim()}` : ''}`));
      }
    });
    child.stdin.write(`echo ${HOLDER_MARK}\n`);
  });
}
