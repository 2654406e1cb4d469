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
