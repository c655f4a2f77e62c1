/**
 * Screen 7: explicit confirmation. Destructive plans need the host name typed
 * out (the GitHub "type the repository name" pattern): a reflexive Enter on the
 * wrong dom0 must not start an upgrade.
 */
export function hostNamePrompt(hostname: string) {
  return {
    message: `This changes ${hostname}. Type the host name to run the plan (Ctrl-C stops with nothing changed):`,
    validate: (v: string) => (v.trim() === hostname ? true : `that is not this host's name (${hostname}); type it exactly, or press Ctrl-C`),
  };
}

export function runPrompt() {
  return { message: 'Run the plan now?', default: true };
}
