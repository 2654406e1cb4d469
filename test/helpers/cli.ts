import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `cluster` binary, as a user would, in `cwd`. */
export async function cluster(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const result = await execa(process.execPath, [RUN, ...args], {
    cwd,
    reject: false,
    stripFinalNewline: false,
    env: {NO_COLOR: '1', ...env},
  });
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)};
}
