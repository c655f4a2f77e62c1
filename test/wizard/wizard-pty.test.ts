/**
 * The built CLI under a real pseudo-terminal (tmux): what an admin actually
 * sees and types, through the wizard to the plan screen — live output, real
 * raw-mode keypresses, ora and inquirer sharing one terminal.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/run-cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) process.stderr.write('SKIPPED wizard PTY tests: tmux is not installed (apt install tmux)\n');

// One tmux server per test: reusing a socket name right after kill-server races with the old server's exit.
let serial = 0;
let socket = '';
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const root = path.join(repoRoot, 'fixtures/xend-root/var/lib/xend/domains');

function pane(): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', 'wz');
}

async function waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const s = pane();
    if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
    if (Date.now() - started > timeoutMs) throw new Error(`terminal never showed ${String(text)}:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(work: string, extraEnv = ''): void {
  socket = `x2l-wz-${process.pid}-${serial++}`;
  // `; sleep` keeps the pane (and its last screen) alive after the wizard exits.
  const cmd = `cd ${work} && env -u CI ${extraEnv} ${process.execPath} ${binPath} wizard --xend-root ${root} --probe-uri test:///default; echo WIZARD-EXIT=$?; sleep 60`;
  tmux('new-session', '-d', '-s', 'wz', '-x', '160', '-y', '50', cmd);
}

describe.skipIf(!hasTmux)('wizard in a real terminal (tmux)', () => {
  afterEach(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  });

  it('walks to the plan screen with colour, and declining changes nothing', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-pty-'));
    start(work);
    const first = await waitFor('What should happen?');
    expect(first).toContain(`Host ${os.hostname()}`);
    expect(first).toMatch(/libvirt {5}test:\/\/\/default {2}answers, 1 running: test/);
    expect(first).toContain('12 domains in');
    // Colour reaches the terminal (the host line is bold) — checked on the raw pane with escapes.
    expect(tmux('capture-pane', '-p', '-e', '-t', 'wz')).toMatch(/\x1b\[[0-9;]*m/);
    tmux('send-keys', '-t', 'wz', 'Enter');
    await waitFor('Which domains?');
    tmux('send-keys', '-t', 'wz', 'Enter');
    await waitFor('Write the XML files to which directory?');
    tmux('send-keys', '-t', 'wz', '-l', 'xml-out');
    tmux('send-keys', '-t', 'wz', 'Enter');
    await waitFor('warnings as failures');
    tmux('send-keys', '-t', 'wz', 'Enter');
    const plan = await waitFor('Run the plan now?');
    // app01 counts since its broken copy only warns (INV_BROKEN_COPY): 7 domains, 6 warnings.
    expect(plan).toMatch(/Plan\n {2}1\. write 7 libvirt domain XML file\(s\) to xml-out/);
    expect(plan).toContain('Warnings (6)');
    expect(plan).toContain('app01: warning[INV_BROKEN_COPY]');
    expect(plan).toContain('mail01: warning[INV_CHECKPOINT]');
    tmux('send-keys', '-t', 'wz', 'n');
    tmux('send-keys', '-t', 'wz', 'Enter');
    const end = await waitFor('WIZARD-EXIT=');
    expect(end).toContain('Nothing was changed. To run it later without the wizard:\n  xend2libxl convert --out-dir xml-out');
    expect(end).toContain('WIZARD-EXIT=0');
    expect(fs.existsSync(path.join(work, 'xml-out'))).toBe(false);
  });

  it('Ctrl-C at a prompt exits 130 with nothing changed; NO_COLOR leaves no colour', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-pty-'));
    start(work, 'NO_COLOR=1');
    await waitFor('What should happen?');
    expect(tmux('capture-pane', '-p', '-e', '-t', 'wz')).not.toMatch(/\x1b\[(?!0?m)[0-9;]*m/);
    tmux('send-keys', '-t', 'wz', 'C-c');
    const end = await waitFor('WIZARD-EXIT=');
    expect(end).toContain('xend2libxl: cancelled; nothing was changed');
    expect(end).toContain('WIZARD-EXIT=130');
    expect(fs.readdirSync(work)).toEqual([]);
  });
});
