/**
 * A batch whose output device fills up: the built CLI converts into a tiny
 * tmpfs, mounted in a private mount namespace (`unshare --mount`, needs root;
 * CI runs as root). What fits is written whole, every other input fails with
 * a plain reason and what to do, and no temp file stays behind.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath } from '../helpers/run-cli.js';
import { tempDir, writeManyDomains } from './fixture-paths.js';

const COUNT = 200;

function canMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    execFileSync('unshare', ['--mount', 'true'], { stdio: 'ignore', timeout: 10_000 });
    return undefined;
  } catch (e) {
    return `unshare --mount failed (${(e as Error).message.split('\n')[0]})`;
  }
}
const why = canMount();
if (why) console.warn(`disk-full: skipped, a private tmpfs cannot be mounted here: ${why}`);

describe.skipIf(why !== undefined)('a batch and its reports on a file system that fills up', () => {
  let root: { dir: string; cleanup: () => void };
  beforeAll(() => {
    root = tempDir('xend2libxl-full-');
    writeManyDomains(root.dir, COUNT);
    mkdirSync(path.join(root.dir, 'mnt'));
  });
  afterAll(() => root.cleanup());

  it.each([
    ['the main thread', '1'],
    ['the output thread (worker threads convert)', '2'],
  ])('written by %s: what fits is whole, the rest fails with the reason and a hint, no temp file stays', (_label, jobs) => {
    // Inside the namespace: mount 64 KiB, convert, then describe what is in the output directory
    // (the mount and its files vanish with the namespace).
    const inspect =
      "const fs=require('fs'),d=process.argv[1];const n=fs.readdirSync(d);" +
      "console.log('LISTING '+JSON.stringify({names:n,incomplete:n.filter(f=>!/<\\/domain>\\s*$/.test(fs.readFileSync(d+'/'+f,'utf8')))}))";
    const script = [
      'mount -t tmpfs -o size=64k tmpfs mnt',
      `"$NODE" "$BIN" convert domains -o mnt/out --json --jobs ${jobs}; echo "EXIT $?"`,
      `"$NODE" -e "$INSPECT" mnt/out`,
    ].join('; ');
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', script], {
      cwd: root.dir,
      env: { PATH: process.env.PATH, NODE: process.execPath, BIN: binPath, INSPECT: inspect },
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 << 20,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/EXIT 1\n/);
    const report = JSON.parse(r.stdout.slice(0, r.stdout.indexOf('EXIT ')));
    const listing = JSON.parse(/LISTING (.*)/.exec(r.stdout)![1]) as { names: string[]; incomplete: string[] };

    const failed = report.results.filter((x: { ok: boolean }) => !x.ok);
    expect(report.summary.inputs).toBe(COUNT);
    expect(report.summary.written).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    expect(report.summary.written + failed.length).toBe(COUNT);
    for (const f of failed) {
      expect(f.error.code).toBe('OUTPUT_WRITE_FAILED');
      // The file the admin asked for, not our temp name; the reason in words; what to do.
      expect(f.error.message).toMatch(/^cannot write \/.*\/mnt\/out\/[^/]+\.xml: no space left on the output device \(ENOSPC\)$/);
      expect(f.error.hint).toMatch(/free some space.*--force/);
    }
    expect(listing.names.length).toBe(report.summary.written);
    expect(listing.names.every((n) => n.endsWith('.xml'))).toBe(true);
    expect(listing.incomplete).toEqual([]);
  });

  // Issue 13 item 7: the report writers on a full file system.
  it('--junit and --json: a clear error with what to do, no stack trace, nothing half-written, no temp file; the outputs are all written', () => {
    // Inside the namespace: a tiny tmpfs, a stale side file of a killed run, then fill it up completely.
    const script = [
      'mount -t tmpfs -o size=64k tmpfs mnt',
      'mkdir mnt/reports',
      ': > mnt/reports/.xend2libxl-999999-1-0.tmp',
      'dd if=/dev/zero of=mnt/fill bs=4k 2>/dev/null',
      `"$NODE" "$BIN" convert domains -o out1 --junit mnt/reports/junit.xml -q 2>err1; echo "EXIT1 $?"`,
      `"$NODE" "$BIN" convert domains -o out2 --json > mnt/report.json 2>err2; echo "EXIT2 $?"`,
      'echo "REPORTS $(ls -A mnt/reports | tr "\\n" " ")"',
      'echo "OUT1 $(ls out1 | wc -l) OUT2 $(ls out2 | wc -l)"',
    ].join('; ');
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', script], {
      cwd: root.dir,
      env: { PATH: process.env.PATH, NODE: process.execPath, BIN: binPath },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const err1 = readFileSync(path.join(root.dir, 'err1'), 'utf8');
    const err2 = readFileSync(path.join(root.dir, 'err2'), 'utf8');
    expect(r.stdout).toContain('EXIT1 1\n');
    expect(err1).toBe(
      `xend2libxl: error: cannot write the JUnit report ${root.dir}/mnt/reports/junit.xml: no space left on the output device (ENOSPC); no report was written (${root.dir}/mnt/reports/junit.xml)\n` +
        'hint: free some space or choose another path for --junit, then run again (the XML outputs are not affected)\n',
    );
    // No report, no side file, and the stale one of the killed run is gone too.
    expect(r.stdout).toMatch(/REPORTS \n/);
    expect(r.stdout).toContain('EXIT2 1\n');
    expect(err2).toMatch(/^xend2libxl: error: cannot write to standard output: no space left on the output device \(ENOSPC\); what it received is incomplete\nhint: free some space where standard output goes, then run again \(files written with -o are complete\)\n$/);
    expect(r.stdout).toContain(`OUT1 ${COUNT} OUT2 ${COUNT}`);
  });
});
