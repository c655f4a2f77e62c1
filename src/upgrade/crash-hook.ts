/**
 * TEST-ONLY crash injection. When the environment has
 * `XEND2LIBXL_TEST_CRASH_AFTER=<step>` (or `<step>@<domain name>`), the process
 * kills itself with SIGKILL right after the journal write that recorded that
 * step — exactly what a power cut or `kill -9` at that moment does. The
 * integration tests use it to prove `--resume` loses and duplicates nothing.
 * It is not a feature: never set it on a real host.
 */
export type CrashHook = (event: string, domain?: string) => void;

export function crashHookFromEnv(value: string | undefined): CrashHook {
  if (!value) return () => {};
  const [step, who] = value.split('@', 2);
  return (event, domain) => {
    if (event !== step) return;
    if (who !== undefined && who !== domain) return;
    process.kill(process.pid, 'SIGKILL');
  };
}
