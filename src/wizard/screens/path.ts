/** Screen 4: the way off xend. */
import type { HostFacts, WizardPath } from '../types.js';

export function pathPrompt(f: HostFacts) {
  const anyUri = f.uris.some((u) => u.ok && u.running.length > 0);
  return {
    message: 'What should happen?',
    choices: [
      {
        name: 'Convert only',
        value: 'convert' as WizardPath,
        description: 'write libvirt XML for the chosen domains into a directory; nothing on this host changes',
      },
      {
        name: 'In-place upgrade',
        value: 'upgrade' as WizardPath,
        description: 'back up, shut down, switch xend → libvirt/libxl, define, verify and restart every domain (downtime per guest)',
        disabled: f.xendRootExists ? false : '(needs the xend store)',
      },
      {
        name: 'Evacuate, then upgrade',
        value: 'evacuate' as WizardPath,
        description: 'live-migrate running guests to another host of the same toolstack first (xend → xend: no live migration crosses to libxl), then upgrade this host in place',
        disabled: !f.xendRootExists ? '(needs the xend store)' : anyUri ? false : '(no libvirt connection here shows running guests)',
      },
    ],
  };
}
