import type {SyntheticDatasetSpec} from './spec.js';
import {type Dataset, takeRows} from './dataset.js';
import {Random} from './random.js';

const CLASS_SEPARATION = 1;
const FLIPPED_LABELS = 0.01;

/**
 * A seeded data set in the manner of scikit-learn's make_classification: each class is a couple of
 * Gaussian clusters around vertices of a hypercube in the informative features, each cluster with a
 * random covariance; the other features are noise; 1% of labels are flipped; rows are shuffled.
 */
export function makeClassification(spec: Omit<SyntheticDatasetSpec, 'kind'>): Dataset {
  const {samples, features, informative, classes} = spec;
  const random = new Random(spec.seed);
  const clustersPerClass = classes * 2 <= 2 ** Math.min(informative, 30) ? 2 : 1;
  const clusters = classes * clustersPerClass;
  const centroids = pickCentroids(random, clusters, informative);
  const mixing = Array.from({length: clusters}, () =>
    Float64Array.from({length: informative * informative}, () => random.uniform(-1, 1)),
  );

  const values = new Float64Array(samples * features);
  const labels = new Int32Array(samples);
  const point = new Float64Array(informative);
  for (let row = 0; row < samples; row++) {
    // Rows are dealt to clusters in turn, so every class gets its share, as make_classification does.
    const cluster = row % clusters;
    labels[row] = cluster % classes;
    for (let f = 0; f < informative; f++) point[f] = random.normal();
    const base = row * features;
    const a = mixing[cluster];
    for (let f = 0; f < informative; f++) {
      let sum = centroids[cluster * informative + f];
      for (let g = 0; g < informative; g++) sum += point[g] * a[g * informative + f];
      values[base + f] = sum;
    }
    for (let f = informative; f < features; f++) values[base + f] = random.normal();
  }
  for (let row = 0; row < samples; row++) {
    if (random.next() < FLIPPED_LABELS) labels[row] = random.int(classes);
  }
  const data = {
    rows: samples,
    features,
    values,
    labels,
    classes: Array.from({length: classes}, (_, i) => String(i)),
    featureNames: Array.from({length: features}, (_, i) => `x${i}`),
  };
  return takeRows(data, random.shuffle(Uint32Array.from({length: samples}, (_, i) => i)));
}

/** Distinct hypercube vertices while there are enough of them, then random points in the cube. */
function pickCentroids(random: Random, clusters: number, informative: number): Float64Array {
  const centroids = new Float64Array(clusters * informative);
  const used = new Set<string>();
  for (let c = 0; c < clusters; c++) {
    let key = '';
    for (let attempt = 0; attempt < 64; attempt++) {
      for (let f = 0; f < informative; f++)
        centroids[c * informative + f] = random.next() < 0.5 ? -CLASS_SEPARATION : CLASS_SEPARATION;
      key = centroids.subarray(c * informative, (c + 1) * informative).join();
      if (!used.has(key)) break;
    }
    if (used.has(key))
      for (let f = 0; f < informative; f++)
        centroids[c * informative + f] = random.uniform(-CLASS_SEPARATION, CLASS_SEPARATION);
    used.add(key);
  }
  return centroids;
}
