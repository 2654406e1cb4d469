import type {WorkerClient} from '../../src/coordinator/worker-client.js';
import {waitFor} from './processes.js';

/**
 * Crashes `victim` with `kill` while the other workers are stopped, and lets them go on once the
 * coordinator has seen the victim lost. Otherwise, on a loaded machine, the others could finish
 * their share and the victim's trees too (as speculative copies) before its loss was seen, and the
 * run would end with no fault to check.
 */
export function crashAlone(workers: readonly WorkerClient[], victim: WorkerClient, kill: () => void): void {
  const others = workers.filter((worker) => worker !== victim).map((worker) => worker.info!.pid);
  for (const pid of others) process.kill(pid, 'SIGSTOP');
  kill();
  void waitFor(() => victim.isLost || undefined).finally(() => {
    for (const pid of others) process.kill(pid, 'SIGCONT');
  });
}
