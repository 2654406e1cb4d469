import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {InputError} from '../errors.js';
import {specialFileKind} from '../files/output-path.js';
import {ioProblem, writeWhole} from '../files/write-whole.js';

/**
 * Saves the trained model to `out`; when that fails after the fit (the disk filled, the folder went
 * away), the model is kept in the temporary folder and the error says where, so the training is
 * not lost. Whole or not at all: a model file that exists is never half written.
 */
export function keepModel(bytes: Uint8Array, out: string): void {
  try {
    writeWhole(out, bytes);
  } catch (error) {
    const problem = `cannot write the model (${ioProblem(error)})`;
    let kept: string;
    try {
      // A folder of our own (mkdtemp, 0700): a name guessed in /tmp could be another user's link.
      kept = join(mkdtempSync(join(tmpdir(), 'cluster-model-')), 'model.bin');
      writeWhole(kept, bytes);
    } catch (again) {
      throw new InputError({
        file: out,
        problem: `${problem}, nor keep it in ${tmpdir()} (${ioProblem(again)}): the trained model is lost`,
        fix: 'make room, then train again',
      });
    }
    throw new InputError({
      file: out,
      problem: `${problem}; the trained model was kept in ${kept}`,
      fix: whereToMove(kept, out),
    });
  }
}

/** How to put the kept model in place: never a `mv` onto a device or a pipe, which would replace it. */
function whereToMove(kept: string, out: string): string {
  const special = specialFileKind(out);
  if (special)
    return `${out} is ${special}, not a file to move it onto: use the kept model as it is, or move it to a file of your choosing, and give train another --out next time`;
  return `make room, then move it: mv ${kept} ${out}`;
}
