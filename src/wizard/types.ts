/**
 * The wizard's vocabulary. The wizard is a front end for the same commands the
 * CLI has: every answer lands in the same typed options object the command's
 * flags produce, and the run is those commands, invoked through the CLI itself.
 */
import type { Inventory } from '../inventory/types.js';

/** The three ways off xend the wizard offers. */
export type WizardPath = 'convert' | 'upgrade' | 'evacuate';

/** A libvirt connection the wizard tried. */
export interface UriProbe {
  uri: string;
  ok: boolean;
  /** Running domains on it (names), when it answered. */
  running: string[];
  /** libvirt's own error text when it did not answer. */
  error?: string;
}

export interface HostFacts {
  hostname: string;
  xendRoot: string;
  xendRootExists: boolean;
  /** pid of a running xend, found in /proc. */
  xendPid?: number;
  uris: UriProbe[];
}

/** One command the wizard will run, as the CLI would get it. */
export interface PlannedCommand {
  command: 'convert' | 'upgrade' | 'migrate' | 'evacuate';
  /** argv after `xend2libxl` (command name first). */
  argv: string[];
  /** Stops guests, switches the toolstack or moves them: needs the typed host name. */
  destructive: boolean;
  /** One line for the plan screen. */
  purpose: string;
}

export interface WizardPlan {
  path: WizardPath;
  commands: PlannedCommand[];
  /** Every warning the admin must see before confirming. */
  warnings: string[];
  /** Where backups/journal/output end up (summary screen). */
  artefacts: string[];
}

export interface WizardState {
  facts: HostFacts;
  inventory?: Inventory;
}
