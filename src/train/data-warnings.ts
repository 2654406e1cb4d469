import type {Dataset} from '../data/dataset.js';

/** What train fits, as its warnings name it. */
export type Learner = 'forest' | 'network';

// pandas writes its index as 'Unnamed: 0' when a frame is saved without index=False.
const ID_NAMES = new Set(['id', 'index', 'unnamed: 0']);
/** Fewer rows than this are too few to tell a row number from a small integer feature. */
const ID_MIN_ROWS = 10;

/** Why a feature column looks like a row id, or undefined: a model trained on one learns the rows' numbering, nothing that carries to new rows. */
function idReason(data: Dataset, feature: number): string | undefined {
  if (ID_NAMES.has(data.featureNames[feature].toLowerCase())) return 'named like a row index';
  if (data.rows < ID_MIN_ROWS) return undefined;
  const seen = new Set<number>();
  for (let row = 0; row < data.rows; row++) {
    const value = data.values[row * data.features + feature];
    if (!Number.isInteger(value) || seen.has(value)) return undefined;
    seen.add(value);
  }
  return `a different ${data.categories?.[feature] ? 'text' : 'whole number'} in each of its ${data.rows} rows`;
}

/** What train says of the text columns it encoded: the codes are the categories' places in sorted order. */
export function categoriesNote(data: Dataset): string | undefined {
  const text = data.featureNames.flatMap((name, f) => {
    const names = data.categories?.[f];
    if (!names) return [];
    const shown = names.length > 4 ? `${names.slice(0, 3).join(', ')}, ... ${names.at(-1)}` : names.join(', ');
    return [`'${name}' (${names.length}: ${shown})`];
  });
  if (text.length === 0) return undefined;
  return `encoded the text column${text.length === 1 ? '' : 's'} ${text.join(', ')} as ordinal codes, each category its place in sorted order (scikit-learn's OrdinalEncoder); the model keeps the categories, and predict encodes the same`;
}

/** As a shell passes it: plain names bare, others in single quotes. */
const shellWord = (text: string) => (/^[\w.,@%+=-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** The id-like feature columns, each with the flag that trains without them. */
export function idColumnWarnings(
  data: Dataset,
  dropped: readonly string[] = [],
  learner: Learner = 'forest',
): string[] {
  const ids = data.featureNames.flatMap((name, f) => {
    const reason = idReason(data, f);
    return reason ? [{name, reason}] : [];
  });
  if (ids.length === 0) return [];
  const drop = `--drop ${shellWord([...dropped, ...ids.map((id) => id.name)].join(','))}`;
  return ids.map(
    ({name, reason}) =>
      `column '${name}' looks like a row id (${reason}): the ${learner} would learn the rows' numbering, which says nothing about new rows; train without it: pass ${drop}`,
  );
}

/** Test rows whose label the training rows never had: they always count as wrong. */
export function unseenLabelWarning(
  unseen: {label: string; rows: number}[],
  where: string,
  learner: Learner = 'forest',
): string | undefined {
  if (unseen.length === 0) return undefined;
  const rows = unseen.reduce((sum, u) => sum + u.rows, 0);
  const list = unseen.map((u) => `'${u.label}' ${u.rows} row${u.rows === 1 ? '' : 's'}`).join(', ');
  return `${rows} test row${rows === 1 ? ' has a label' : 's have labels'} never seen in ${where} (${list}): a ${learner} can only answer classes it was trained on, so ${rows === 1 ? 'it counts' : 'they count'} as wrong`;
}

/** Labels of a split's test rows that no training row has. */
export function unseenInSplit(train: Dataset, test: {labels: Int32Array}): {label: string; rows: number}[] {
  const trained = new Set(train.labels);
  const counts = new Map<number, number>();
  for (const label of test.labels) if (!trained.has(label)) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([label, rows]) => ({label: train.classes[label], rows}));
}
