/** Step "backed-up" for one domain: files + XML saved and listed in the manifest before anything changes. */
import { Xend2LibxlError } from '../errors.js';
import { backupDomain } from './backup.js';
import type { RunContext } from './context.js';
import type { JournalDomain } from './journal.js';
import { HypervisorError, type XendEntry } from './ports.js';

export async function stepBackup(rc: RunContext, d: JournalDomain, entry: XendEntry | undefined): Promise<void> {
  const { hv } = rc.deps;
  const from = rc.opts.from;
  let sourceXml: { uri: string; xml: string } | undefined;
  let defineXml: string | undefined;
  if (d.origin === 'xend') {
    if (!entry?.xml) {
      throw new Xend2LibxlError('SOURCE_ENTRY_GONE', `xend entry ${d.entry} can no longer be read or converted`, { hint: 'it was readable when the upgrade was planned; check the xend root' });
    }
    defineXml = entry.xml;
  }
  if (from && d.fromName) {
    try {
      sourceXml = { uri: from, xml: await (rc.sourceXml?.get(d.fromName) ?? hv.dumpXml(from, d.fromName, { inactive: false })) };
      // Unmanaged domains are defined from the old driver's persistent view (no runtime-only parts).
      if (d.origin === 'unmanaged') defineXml = await hv.dumpXml(from, d.fromName, { inactive: true });
    } catch (e) {
      // A managed domain that vanished from the old driver still has its config.sxp; an unmanaged one has nothing.
      if (!(e instanceof HypervisorError && e.kind === 'not-found' && d.origin === 'xend')) throw e;
    }
  }
  if (!defineXml) throw new Xend2LibxlError('SOURCE_DOMAIN_GONE', `domain ${d.name} is no longer on ${from}; nothing to back up`);
  const b = await backupDomain(rc.opts.backupDir, { domainId: d.id, name: d.name, entry, defineXml, sourceXml });
  await rc.manifest.setDomain(d.id, b.files);
  await rc.store.record(d, 'backed-up', { xmlFile: b.xmlFile, xmlSha256: b.xmlSha256 });
  rc.emit({ level: 'ok', domain: d.name, message: `backed up ${b.files.length} file(s)` });
}
