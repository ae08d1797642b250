// The web form's live totals (apps/web/src/features/orders/order-money.ts, BigInt arithmetic on
// the decimal strings) must equal what the database computes when the order is saved. This test
// drives both with the same awkward inputs — odd quantities, half-cent products, extreme rates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestContext, type Session, type TestContext } from '../test/test-app.js';
import { formatDecimal, lineAmounts, orderTotals, percentToRate, rateToPercent } from '../../../web/src/features/orders/order-money.js';

let t: TestContext;
let admin: Session;
let customerId: number;
let productId: number;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.login(ADMIN.email, ADMIN.password);
  customerId = (await t.request(admin, { method: 'POST', url: '/api/v1/customers', payload: { kind: 'organization', relationshipType: 'business', name: '精度测试有限公司' } })).json().id;
  productId = (await t.request(admin, { method: 'POST', url: '/api/v1/products', payload: { sku: 'P-1', name: 'p', listPrice: '1.00' } })).json().id;
});
afterAll(() => t.close());

// A small deterministic generator: the same cases on every run.
function* cases(n: number) {
  let seed = 20260101;
  const next = (mod: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % mod;
  };
  for (let i = 0; i < n; i++) {
    const qty = `${next(1000)}.${String(next(1000)).padStart(3, '0')}`.replace(/^0\.000$/, '0.001');
    const price = `${next(100000)}.${String(next(100)).padStart(2, '0')}`;
    const percent = [`${next(101)}`, `${next(100)}.${String(next(100)).padStart(2, '0')}`, '33.33', '12.5', '0', '100'][next(6)]!;
    const cost = `${next(5000)}.${String(next(100)).padStart(2, '0')}`;
    yield { quantity: qty, unitPrice: price, discountPercent: percent, unitCost: cost };
  }
}

describe('order preview parity', () => {
  it('converts percents to rates and back without floats', () => {
    expect(percentToRate('15')).toBe('0.15');
    expect(percentToRate('12.5')).toBe('0.125');
    expect(percentToRate('33.33')).toBe('0.3333');
    expect(percentToRate('100')).toBe('1');
    expect(percentToRate('100.01')).toBeNull();
    expect(percentToRate('1e2')).toBeNull();
    expect(rateToPercent('0.1500')).toBe('15');
    expect(rateToPercent('0.3333')).toBe('33.33');
  });

  it('computes every line and the totals exactly as the database does', async () => {
    const all = [...cases(60)];
    for (let start = 0; start < all.length; start += 20) {
      const lines = all.slice(start, start + 20);
      const res = await t.request(admin, {
        method: 'POST',
        url: '/api/v1/orders',
        payload: { customerId, lines: lines.map((l) => ({ productId, quantity: l.quantity, unitPrice: l.unitPrice, discountRate: percentToRate(l.discountPercent), unitCost: l.unitCost })) },
      });
      expect(res.statusCode).toBe(201);
      const o = res.json() as { subtotal: string; discountAmount: string; total: string; cost: string; grossMargin: string; lines: Array<{ grossAmount: string; discountAmount: string; amount: string; cost: string }> };
      lines.forEach((l, i) => {
        const a = lineAmounts(l)!;
        const s = o.lines[i]!;
        expect([formatDecimal(a.gross), formatDecimal(a.discount), formatDecimal(a.amount), formatDecimal(a.cost)], JSON.stringify(l)).toEqual([s.grossAmount, s.discountAmount, s.amount, s.cost]);
      });
      const totals = orderTotals(lines);
      expect([totals.subtotal, totals.discount, totals.total, totals.cost, totals.margin].map(formatDecimal)).toEqual([o.subtotal, o.discountAmount, o.total, o.cost, o.grossMargin]);
    }
  });
});
