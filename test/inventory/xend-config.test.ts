import { describe, expect, it } from 'vitest';
import { loadXendConfig, parseXendConfig } from '../../src/inventory/xend-config.js';
import { xendConfigFixture } from '../batch/fixture-paths.js';

describe('xend-config.sxp reader', () => {
  it('reads the defaults xend applied at start and the domain store path', async () => {
    const c = await loadXendConfig(xendConfigFixture);
    expect(c).toEqual({
      file: xendConfigFixture,
      defaults: { vifScript: 'vif-bridge', vncListen: '0.0.0.0', vncPassword: 'xenvnc-default', keymap: 'de' },
      domainsPath: '/var/lib/xend/domains',
    });
  });

  it('lets a later setting win and treats an empty password as none', () => {
    const c = parseXendConfig("(vncpasswd secret)\n(keymap en-us)\n(keymap 'fr')\n(vncpasswd '')\n", 'x.sxp');
    expect(c.defaults).toEqual({ keymap: 'fr' });
    expect(c.domainsPath).toBeUndefined();
  });

  it('passes syntax errors on with the file and position', () => {
    expect(() => parseXendConfig('(keymap de)\n(vnc-listen "0.0.0.0)\n', '/etc/xen/xend-config.sxp')).toThrow(
      expect.objectContaining({ file: '/etc/xen/xend-config.sxp', position: expect.objectContaining({ line: 2 }) }),
    );
  });

  it('is optional at its default place but required when named', async () => {
    await expect(loadXendConfig('/nonexistent/xend-config.sxp')).rejects.toMatchObject({ code: 'XEND_CONFIG_UNREADABLE', hint: expect.stringContaining('--xend-config') });
  });
});
