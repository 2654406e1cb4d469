/** Test rows counted by their true class (rows) and the class predicted (columns). */
export interface Confusion {
  /** The training classes, in the order of the rows and the columns. */
  classes: string[];
  /** classes x classes: counts[actual][predicted]. */
  counts: number[][];
  /** Per predicted class: test rows whose label was never among the training rows (always wrong). */
  unseen: number[] | null;
}

/** The confusion matrix of `predicted` against `actual`; an actual of -1 is a label never trained on. */
export function confusionOf(classes: string[], actual: ArrayLike<number>, predicted: ArrayLike<number>): Confusion {
  const counts = classes.map(() => classes.map(() => 0));
  const unseen = classes.map(() => 0);
  let anyUnseen = false;
  for (let row = 0; row < actual.length; row++) {
    if (actual[row] < 0) {
      unseen[predicted[row]]++;
      anyUnseen = true;
    } else counts[actual[row]][predicted[row]]++;
  }
  return {classes, counts, unseen: anyUnseen ? unseen : null};
}

/** The share of rows on the diagonal: the accuracy the matrix shows. */
export function accuracyOf(confusion: Confusion): number {
  let [right, all] = [0, 0];
  confusion.counts.forEach((row, actual) =>
    row.forEach((count, predicted) => {
      all += count;
      if (actual === predicted) right += count;
    }),
  );
  for (const count of confusion.unseen ?? []) all += count;
  return all === 0 ? 0 : right / all;
}
