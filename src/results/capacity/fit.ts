import {leastSquares, type Matrix} from './linear.js';

export const FIT_METHODS = ['relative', 'rates'] as const;
export type FitMethod = (typeof FIT_METHODS)[number];

/** Per kind, the rate one host of it adds (combinations per second): rate = sum of count x rate. */
export interface RateFit {
  rates: number[];
  /** The fit's residuals, in its own units (rates, or relative errors of the times). */
  residuals: number[];
  /** Jacobian of the residuals in the rates: with them, the covariance of the rates. */
  jacobian: Matrix;
}

/**
 * Fits time = 1 / (design · rates). `rates`: ordinary least squares on 1 / time, the model's
 * linear form. `relative`: the relative errors of the times, (predicted - measured) / measured,
 * by Gauss-Newton from the first-order solution (least squares on the rates weighted by time²).
 */
export function fitRates(design: Matrix, seconds: number[], method: FitMethod): RateFit {
  const free = freeFit(design, seconds, method);
  // Held only when a rate is not above 0: a table whose times add up keeps the free fit to the last bit.
  if (free.rates.every((rate) => rate > 0)) return free;
  return positiveFit(design, seconds, method, free.rates, helpedFloors(design, seconds));
}

/** The kinds whose free fit was not above 0, which fitRates held up. */
export function heldKinds(design: Matrix, seconds: number[], method: FitMethod): number[] {
  return freeFit(design, seconds, method).rates.flatMap((rate, k) => (rate > 0 ? [] : [k]));
}

/**
 * Per kind, the least rate one more host of it added between two measured rows that differ by
 * that host alone (1/t with it - 1/t without), when every such pair got faster; 0 otherwise. Under
 * the model that gain is the kind's rate: a kind the free fit made negative is held at least there.
 */
export function helpedFloors(design: Matrix, seconds: number[]): number[] {
  const kinds = design[0]?.length ?? 0;
  return Array.from({length: kinds}, (_, k) => {
    const gains: number[] = [];
    design.forEach((without, a) =>
      design.forEach((within, b) => {
        if (within.every((n, j) => n === without[j] + (j === k ? 1 : 0))) gains.push(1 / seconds[b] - 1 / seconds[a]);
      }),
    );
    return gains.length > 0 && gains.every((gain) => gain > 0) ? Math.min(...gains) : 0;
  });
}

function freeFit(design: Matrix, seconds: number[], method: FitMethod): RateFit {
  if (method === 'rates') {
    const observed = seconds.map((t) => 1 / t);
    const {x} = leastSquares(design, observed);
    return {rates: x, residuals: design.map((row, r) => dot(row, x) - observed[r]), jacobian: design};
  }
  let rates = leastSquares(
    design.map((row, r) => row.map((n) => n * seconds[r])),
    seconds.map(() => 1),
  ).x;
  let cost = relativeCost(design, seconds, rates);
  for (let iteration = 0; iteration < 100; iteration++) {
    const {residuals, jacobian} = relativeResiduals(design, seconds, rates);
    const step = leastSquares(
      jacobian,
      residuals.map((e) => -e),
    ).x;
    // Halve the step until it lowers the cost and keeps every predicted time positive.
    let scale = 1;
    let next = rates;
    let nextCost = cost;
    for (; scale > 1e-6; scale /= 2) {
      next = rates.map((v, k) => v + scale * step[k]);
      nextCost = relativeCost(design, seconds, next);
      if (nextCost <= cost) break;
    }
    if (!(nextCost <= cost)) break;
    const change = Math.max(...step.map((s, k) => Math.abs(scale * s) / Math.max(1e-300, Math.abs(rates[k]))));
    [rates, cost] = [next, nextCost];
    if (change < 1e-12) break;
  }
  return {rates, ...relativeResiduals(design, seconds, rates)};
}

/**
 * The same cost with every rate held above its floor (rate = floor + e^θ, Gauss-Newton in θ): where
 * times do not add up (overheads, a straggler), the free fit gave a host that sped the runs up a negative speed.
 */
function positiveFit(
  design: Matrix,
  seconds: number[],
  method: FitMethod,
  start: number[],
  floors: number[],
): RateFit {
  const top = Math.max(...start.filter((rate) => rate > 0), ...seconds.map((t) => 1 / t));
  const ratesOf = (t: number[]) => t.map((v, k) => floors[k] + Math.exp(v));
  let theta = start.map((rate, k) => Math.log(rate - floors[k] > 0 ? rate - floors[k] : top * 1e-3));
  const residualsAt = (t: number[]) => residualsOf(design, seconds, method, ratesOf(t));
  const costOf = (t: number[]) => {
    const {residuals} = residualsAt(t);
    return residuals.every(Number.isFinite) ? residuals.reduce((sum, e) => sum + e * e, 0) : Infinity;
  };
  let cost = costOf(theta);
  for (let iteration = 0; iteration < 200; iteration++) {
    const {residuals, jacobian} = residualsOf(design, seconds, method, ratesOf(theta));
    // Chain rule: d rate / d θ = e^θ; a small ridge keeps a kind driven to its floor solvable.
    const inTheta = jacobian.map((row) => row.map((d, k) => d * Math.exp(theta[k])));
    const ridge = theta.map((_, k) => theta.map((__, j) => (j === k ? 1e-9 : 0)));
    const step = leastSquares([...inTheta, ...ridge], [...residuals.map((e) => -e), ...theta.map(() => 0)]).x;
    let scale = 1;
    let next = theta;
    let nextCost = cost;
    for (; scale > 1e-6; scale /= 2) {
      next = theta.map((v, k) => v + scale * step[k]);
      nextCost = costOf(next);
      if (nextCost <= cost) break;
    }
    if (!(nextCost <= cost)) break;
    const change = Math.max(...step.map((s) => Math.abs(scale * s)));
    [theta, cost] = [next, nextCost];
    if (change < 1e-10) break;
  }
  const rates = ratesOf(theta);
  return {rates, ...residualsOf(design, seconds, method, rates)};
}

function residualsOf(
  design: Matrix,
  seconds: number[],
  method: FitMethod,
  rates: number[],
): {residuals: number[]; jacobian: Matrix} {
  if (method === 'relative') return relativeResiduals(design, seconds, rates);
  return {residuals: design.map((row, r) => dot(row, rates) - 1 / seconds[r]), jacobian: design};
}

function relativeResiduals(
  design: Matrix,
  seconds: number[],
  rates: number[],
): {residuals: number[]; jacobian: Matrix} {
  const residuals: number[] = [];
  const jacobian: Matrix = [];
  design.forEach((row, r) => {
    const rate = dot(row, rates);
    residuals.push(1 / (rate * seconds[r]) - 1);
    jacobian.push(row.map((n) => -n / (rate * rate * seconds[r])));
  });
  return {residuals, jacobian};
}

function relativeCost(design: Matrix, seconds: number[], rates: number[]): number {
  let cost = 0;
  for (let r = 0; r < design.length; r++) {
    const rate = dot(design[r], rates);
    if (!(rate > 0)) return Infinity;
    cost += (1 / (rate * seconds[r]) - 1) ** 2;
  }
  return cost;
}

/** Covariance of the rates from the residuals: s² (JᵀJ)⁻¹, s² = residual sum of squares / (rows - kinds). */
export function residualCovariance(fit: RateFit): Matrix | null {
  const dof = fit.residuals.length - fit.rates.length;
  if (dof < 1) return null;
  const s2 = fit.residuals.reduce((sum, e) => sum + e * e, 0) / dof;
  return leastSquares(fit.jacobian, fit.residuals).inverseNormal.map((row) => row.map((c) => c * s2));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
