// Synthetic customers drawn from the BG/NBD and Pareto/NBD processes (seeded, reproducible).

/** Mulberry32 PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u) {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the u^(1/k) boost for shape < 1. */
export function gamma(u, shape, rate) {
  if (shape < 1) return gamma(u, shape + 1, rate) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x;
    let v;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

export function beta(u, a, b) {
  const x = gamma(u, a, 1);
  return x / (x + gamma(u, b, 1));
}

/**
 * Purchase days of one customer over [0, Tdays): first purchase at day 0, then the BG/NBD process
 * (rate λ per week, dropout with probability p after each purchase) or Pareto/NBD (lifetime ~ Exp(μ)).
 */
export function purchaseDays(u, kind, par, Tdays, onGrid = true) {
  const at = (t) => (onGrid ? Math.floor(t * 7) : t * 7);
  const lambda = gamma(u, par.r, par.alpha);
  const Tw = Tdays / 7;
  const days = [0];
  let t = 0;
  if (kind === 'bgnbd') {
    const p = beta(u, par.a, par.b);
    // Dropout only after a repeat purchase (FHL 2005, assumption iii).
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (t >= Tw) break;
      days.push(at(t));
      if (u() < p) break;
    }
  } else {
    const mu = gamma(u, par.s, par.beta);
    const life = -Math.log(1 - u()) / mu;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (t >= Tw || t >= life) break;
      days.push(at(t));
    }
  }
  return days;
}

/**
 * (x, t_x, T) in weeks, T from 27 to 39 weeks. On a day grid (default) purchase times are floored
 * to days and same-day purchases count once, as in real data; otherwise times are exact.
 */
export function syntheticSummary(n, kind, par, seed, onGrid = true) {
  const u = rng(seed);
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const Tdays = 189 + Math.floor(u() * 85);
    const days = purchaseDays(u, kind, par, Tdays, onGrid);
    let distinct = 1;
    for (let k = 1; k < days.length; k++) if (days[k] !== days[k - 1]) distinct++;
    x[i] = distinct - 1;
    tx[i] = distinct > 1 ? days[days.length - 1] / 7 : 0;
    T[i] = Tdays / 7;
  }
  return { x, tx, T };
}
