import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';

/** A fresh folder for one test, holding the given files (path relative to it -> text). */
export function folderWith(files: Record<string, string | Uint8Array> = {}): string {
  const folder = mkdtempSync(join(tmpdir(), 'cluster-test-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, name)), {recursive: true});
    writeFileSync(join(folder, name), text);
  }
  return folder;
}

export const TWO_LOCAL_HOSTS = `hosts:
  local-a: { transport: local, cores: 1 }
  local-b: { transport: local, cores: 1 }
`;

/** A small experiment that runs in about a second on the two local hosts. */
export function smallExperiment(
  overrides: {dataset?: string; forest?: string; combinations?: string; extra?: string} = {},
): string {
  return `name: small
dataset: ${overrides.dataset ?? '{ kind: synthetic, samples: 300, features: 8, informative: 4, classes: 2, seed: 1 }'}
forest: ${overrides.forest ?? '{ trees: 4, seed: 7 }'}
combinations: ${overrides.combinations ?? '[[local-a], [local-a, local-b]]'}
runs: 1
warmup: 0
${overrides.extra ?? ''}`;
}
