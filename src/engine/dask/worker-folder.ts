/** What a worker needs of the sweep's certificates, in the order they are sent. */
export const WORKER_CREDENTIALS = ['ca.pem', 'worker.pem', 'worker.key'] as const;

/**
 * Wraps a supervised script so that it runs in a private temporary folder on the host (mode 0700),
 * first filled from its input with the worker's credentials, each ended by a blank line, and
 * removed when the script ends: stopped, its SSH connection dropped, or TERM/HUP/PIPE.
 */
export function privateFolderScript(script: string): string {
  return [
    'umask 077',
    'd=$(mktemp -d "${TMPDIR:-/tmp}/cluster-dask-XXXXXX") || exit 1',
    // The worker's whole group goes first, so that nothing writes into the folder as it is removed;
    // p is the group supervised() starts, emptied first: a p from the login environment is no group of ours.
    'p=',
    'trap \'[ -n "$p" ] && kill -KILL -$p 2>/dev/null; rm -rf "$d"\' EXIT',
    // A PIPE too: once the coordinator is gone, the shell's own "Terminated" line would end it before its EXIT trap.
    "trap 'exit 143' HUP TERM INT PIPE",
    // `read` takes one byte at a time from a pipe: what follows stays for the supervising watcher.
    ...WORKER_CREDENTIALS.map(
      (name) => `while IFS= read -r l && [ -n "$l" ]; do printf '%s\\n' "$l"; done >"$d/${name}"`,
    ),
    'cd "$d" || exit 1',
    script,
  ].join('\n');
}
