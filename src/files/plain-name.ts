/** Longest plain name: a sweep id plus `-timeline.svg` or `.jsonl` stays short of NAME_MAX (255). */
export const PLAIN_NAME_MAX = 200;

/**
 * Why `name`, read from a file, may not name a file in a folder, or undefined when it may: a value
 * such as `../../package` would write outside the folder it belongs in (or replace package.json).
 */
export function plainNameProblem(name: string): string | undefined {
  const shown = JSON.stringify(name);
  if (name === '') return 'is empty';
  if (name.length > PLAIN_NAME_MAX) return `is ${name.length} characters long (at most ${PLAIN_NAME_MAX})`;
  if (/[/\\]/.test(name)) return `${shown} holds a '/' or '\\': it would name a file in another folder`;
  if (name.startsWith('.')) return `${shown} starts with '.': it would name a hidden file, or a folder above ('..')`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return `${shown} holds a control character`;
  return undefined;
}
