import {readlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

/**
 * On a lab host (its sshd sets CLUSTER_LAB_SLOTS to the host's cgroup; see lab/cpu-limits.ts), moves
 * the calling slot thread into its own cgroup, `slot-<index>`, limited to one of the host's cores:
 * the slots then never take the main thread's time, and each runs like one slow core. cgroup v1's
 * `tasks` takes a thread id; /proc/thread-self names the calling thread's. Returns an error to
 * report on every tree, or undefined (also off the lab, where nothing is done).
 */
export function joinLabSlot(index: number | undefined, environment = process.env): string | undefined {
  const dir = environment.CLUSTER_LAB_SLOTS;
  if (!dir || index === undefined) return undefined;
  const tasks = join(dir, `slot-${index}`, 'tasks');
  try {
    const thread = readlinkSync('/proc/thread-self').split('/').at(-1)!;
    writeFileSync(tasks, thread);
    return undefined;
  } catch (error) {
    return `this lab host's slot ${index} cannot join its cgroup (${tasks}): ${(error as Error).message}; take the lab down and up again`;
  }
}
