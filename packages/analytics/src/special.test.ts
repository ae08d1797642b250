import { describe, expect, it } from 'vitest';
import hyp2f1Stdlib from '@stdlib/math-base-special-hyp2f1';
import { hyp2f1, logAddExp, logHyp2f1, logSubExp } from './special.js';

describe('hyp2f1', () => {
  it('matches closed forms', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 12);
      expect(hyp2f1(2.5, 0.7, 0.7, z)).toBeCloseTo(Math.pow(1 - z, -2.5), 8);
      const s = Math.sqrt(z);
      expect(hyp2f1(0.5, 0.5, 1.5, z)).toBeCloseTo(Math.asin(s) / s, 12);
    }
    // A&S 15.1.3: 2F1(1,1;2;-z) = ln(1+z)/z, exercises the Pfaff branch.
    expect(hyp2f1(1, 1, 2, -3)).toBeCloseTo(Math.log(4) / 3, 12);
  });

  it('agrees with @stdlib on the arguments of BG/NBD and Pareto/NBD, Euler branch included', () => {
    const cases: [number, number, number, number][] = [
      [0.243, 2.426, 2.219, 0.5],
      [5.24, 7.43, 8.0, 0.8], // c − a − b < 0: Euler transform
      [30.2, 31.4, 32.0, 0.95],
      [1.16, 1.61, 2.16, 0.09],
      [12.5, 1.6, 13.5, 0.7],
    ];
    for (const [a, b, c, z] of cases) {
      const ref = hyp2f1Stdlib(a, b, c, z);
      expect(Math.abs(hyp2f1(a, b, c, z) - ref) / ref).toBeLessThan(1e-10);
      expect(logHyp2f1(a, b, c, z)).toBeCloseTo(Math.log(ref), 10);
    }
  });

  it('is 1 at z = 0 and uses Gauss’s theorem at z = 1', () => {
    expect(hyp2f1(3, 4, 5, 0)).toBe(1);
    // 2F1(a,b;c;1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)); for (1,1,3) it is 2.
    expect(hyp2f1(1, 1, 3, 1)).toBeCloseTo(2, 10);
  });
});

describe('log-space helpers', () => {
  it('adds and subtracts exponentials without overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logSubExp(Math.log(5), Math.log(3))).toBeCloseTo(Math.log(2), 12);
    expect(logSubExp(2, 2)).toBe(-Infinity);
  });
});
