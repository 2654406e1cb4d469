/**
 * The paper's arithmetic (Table I): the ideal time of a combination assumes every core is worth the
 * same as the baseline's, so ideal(c) = measured(baseline) x cores(baseline) / cores(c), and
 * scalability = ideal / measured (above 1 means better than linear in cores).
 */
export function idealSeconds(baselineSeconds: number, baselineCores: number, cores: number): number {
  return (baselineSeconds * baselineCores) / cores;
}

export function scalability(idealSecondsValue: number, measuredSeconds: number): number {
  return idealSecondsValue / measuredSeconds;
}
