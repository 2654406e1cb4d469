import {randomUUID} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {ExecutionContext} from 'ava';
import {execa, type ResultPromise} from 'execa';
import {processesTagged, waitFor} from './processes.js';

export const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

/** The real CLI, tagged so every process it starts can be found; `prefix` runs it under e.g. prlimit. */
export function startCluster(
  args: string[],
  cwd: string,
  options: {tag?: string; prefix?: string[]; env?: Record<string, string | undefined>} = {},
): ResultPromise & {tag: string} {
  const tag = options.tag ?? `fault-${randomUUID()}`;
  const [command, ...rest] = [...(options.prefix ?? []), process.execPath, RUN, ...args];
  const child = execa(command, rest, {
    cwd,
    reject: false,
    env: {NO_COLOR: '1', CLUSTER_TEST_TAG: tag, ...options.env},
  }) as ResultPromise & {tag: string};
  child.tag = tag;
  return child;
}

/**
 * What every fault must end with: its exit code, one error line, the last on stderr (progress
 * lines may come before it), no stack trace, and no process of the run left, workers included.
 * Returns the message.
 */
export async function endsCleanly(
  t: ExecutionContext,
  run: ResultPromise & {tag: string},
  exitCode: number,
): Promise<string> {
  const result = await run;
  const stderr = String(result.stderr);
  t.is(result.exitCode, exitCode, stderr);
  const lines = stderr.trimEnd().split('\n');
  const errors = lines.filter((line) => line.startsWith('Error: '));
  t.is(errors.length, 1, stderr);
  t.is(lines.at(-1), errors[0], stderr);
  t.notRegex(stderr, /^\s+at /m, 'no stack trace');
  // The coordinator is gone; its workers end when their input closes.
  await waitFor(() => (processesTagged(run.tag).length === 0 ? true : undefined));
  t.deepEqual(processesTagged(run.tag), [], 'no process left');
  return errors[0].slice('Error: '.length);
}

/** Every line of the sweep's journal is a whole record. */
export function journalRecords(t: ExecutionContext, resultsDir: string): {file: string; records: {kind: string}[]} {
  const files = existsSync(resultsDir) ? readdirSync(resultsDir).filter((name) => name.endsWith('.jsonl')) : [];
  t.is(files.length, 1, `journals in ${resultsDir}: ${files.join(', ')}`);
  const file = join(resultsDir, files[0]);
  const text = readFileSync(file, 'utf8');
  t.true(text.endsWith('\n'), 'the journal ends with a whole record');
  return {
    file,
    records: text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line)),
  };
}

/** A `cluster` on PATH that is this build, so a printed command can be pasted into a shell as is. */
export function clusterOnPath(folder: string): Record<string, string> {
  const bin = join(folder, '.bin');
  mkdirSync(bin, {recursive: true});
  writeFileSync(join(bin, 'cluster'), `#!/bin/sh\nexec ${process.execPath} ${RUN} "$@"\n`);
  chmodSync(join(bin, 'cluster'), 0o755);
  return {PATH: `${bin}:${process.env.PATH}`};
}

/** Runs a command line the CLI printed, through a shell, as a user pasting it would. */
export async function paste(command: string, cwd: string, tag: string) {
  const result = await execa('sh', ['-c', command], {
    cwd,
    reject: false,
    env: {...clusterOnPath(cwd), NO_COLOR: '1', CLUSTER_TEST_TAG: tag},
  });
  return {exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr)};
}

/** The command after "continue with: " or "write them again with: " in a message. */
export function commandIn(message: string): string {
  const command = /(?:continue with|write them again with): (cluster bench .*?)\)?$/.exec(message)?.[1];
  if (!command) throw new Error(`no command in: ${message}`);
  return command;
}
