import {InputError, type InputProblem} from '../../errors.js';
import {HardwareSyntaxError, parseHardware, type Counts} from '../hardware.js';

export const HARDWARE_FIX =
  "write it as '4 x Raspberry Pi, 1 x Desktop', '1 Pi + desktop' or '2 x raspberry-pi, 1 x desktop'";

/** A hardware cell or flag; a bad one becomes an input error at `at` (file, line, field). */
export function readHardware(text: string, at: Omit<InputProblem, 'problem'>): Counts {
  try {
    return parseHardware(text);
  } catch (error) {
    if (!(error instanceof HardwareSyntaxError)) throw error;
    throw new InputError({...at, problem: error.message, fix: HARDWARE_FIX});
  }
}
