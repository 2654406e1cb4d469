/**
 * scikit-learn's max_features: `sqrt` and `log2` of the feature count, a whole number of features,
 * or a fraction of them in (0, 1]. As in Python, the decimal point decides: 1 is one feature and
 * 1.0 all of them; a fraction is kept as an object so it stays a fraction through JSON.
 */
export type MaxFeatures = 'sqrt' | 'log2' | number | {fraction: number};

export const MAX_FEATURES_FIX =
  'use sqrt, log2, a whole number of features such as 3, or a fraction with a decimal point in (0, 1] such as 0.5 (1.0 is every feature, 1 is one)';

/** Reads maxFeatures from its text as written; a refused text gives the problem to report. */
export function parseMaxFeatures(text: string): MaxFeatures | {problem: string} {
  const trimmed = text.trim();
  if (trimmed === 'sqrt' || trimmed === 'log2') return trimmed;
  if (/^\+?\d+$/.test(trimmed)) {
    const count = Number(trimmed);
    return count >= 1 ? count : {problem: `maxFeatures ${trimmed} leaves no feature to split on`};
  }
  if (/^\+?(\d+\.\d*|\.\d+)$/.test(trimmed)) {
    const fraction = Number(trimmed);
    if (fraction > 0 && fraction <= 1) return {fraction};
    return {
      problem: `maxFeatures ${trimmed} has a decimal point, so it is a fraction of the features, and fractions must be in (0, 1]`,
    };
  }
  return {problem: `unknown maxFeatures '${text}'`};
}

export function isMaxFeatures(parsed: MaxFeatures | {problem: string}): parsed is MaxFeatures {
  return typeof parsed !== 'object' || 'fraction' in parsed;
}

/** How many features each split (or tree, for trainers that sample per tree) may look at, as scikit-learn counts them. */
export function featureCount(maxFeatures: MaxFeatures, features: number): number {
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(features)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(features)));
  if (typeof maxFeatures === 'number') return Math.min(features, maxFeatures);
  return Math.max(1, Math.floor(maxFeatures.fraction * features));
}

/** As the user wrote it: 1.0 keeps its decimal point. */
export function formatMaxFeatures(maxFeatures: MaxFeatures): string {
  if (typeof maxFeatures !== 'object') return String(maxFeatures);
  return Number.isInteger(maxFeatures.fraction) ? maxFeatures.fraction.toFixed(1) : String(maxFeatures.fraction);
}
