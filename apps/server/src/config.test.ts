import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { loadConfig, testConfig } from './config.js';
import { createTestContext } from './test/test-app.js';

describe('configuration', () => {
  it('trusts no proxy by default, any with true, or the listed proxies', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ GUANXI_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ GUANXI_TRUST_PROXY: '10.0.0.2,192.168.0.0/16' }).trustProxy).toEqual(['10.0.0.2', '192.168.0.0/16']);
    expect(() => loadConfig({ GUANXI_TRUST_PROXY: 'yes please' })).toThrow(/GUANXI_TRUST_PROXY/);
  });

  it('behind a trusted proxy, the client address is the forwarded one', async () => {
    const t = await createTestContext();
    const { database } = t;
    for (const [trustProxy, expected] of [
      [false, '127.0.0.1'],
      [['127.0.0.1'], '203.0.113.7'],
    ] as const) {
      const app = await buildApp({ database, config: testConfig({ trustProxy: trustProxy as boolean | string[], webDist: '/nonexistent' }) });
      app.get('/whoami', { config: { public: true } }, async (req) => ({ ip: req.ip }));
      const res = await app.inject({ method: 'GET', url: '/whoami', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(res.json()).toEqual({ ip: expected });
      await app.close();
    }
    await t.close();
  });
});
