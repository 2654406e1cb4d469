import {existsSync, readdirSync} from 'node:fs';
import {isAbsolute, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** Where the package is installed: its examples travel with it, wherever the user stands. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const SHIPPED_INVENTORY_EXAMPLE = join(PACKAGE_ROOT, 'inventory.example.yaml');

/** The shipped experiments by name (`local` -> its full path). */
export function shippedExperiments(): Map<string, string> {
  const folder = join(PACKAGE_ROOT, 'experiments');
  const names = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => name.endsWith('.yaml'))
        .sort()
    : [];
  return new Map(names.map((name) => [name.slice(0, -'.yaml'.length), join(folder, name)]));
}

/**
 * An --experiment value: a path as given, or a bare name (`local`) that means experiments/NAME.yaml
 * in the current folder if there is one, else the shipped experiment of that name.
 */
export function resolveExperimentFile(value: string): string {
  if (/[/\\]/.test(value) || value.endsWith('.yaml') || value.endsWith('.yml')) return value;
  const own = join('experiments', `${value}.yaml`);
  if (existsSync(own)) return own;
  return shippedExperiments().get(value) ?? own;
}

/** `path` as given when it exists here, else the shipped file at the same place in the package (experiments/lab/paper.yaml). */
export function hereOrShipped(path: string): string {
  if (existsSync(path) || isAbsolute(path)) return path;
  const shipped = join(PACKAGE_ROOT, path);
  return existsSync(shipped) ? shipped : path;
}
