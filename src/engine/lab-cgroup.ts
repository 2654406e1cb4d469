/**
 * A shell line that, on a lab host, moves the script (and so every process it starts) into the host's
 * `engine` cgroup, limited to the host's cores at its `cpu` (src/lab/cpu-limits.ts): a dask worker or
 * a torch rank gets what the host's cores give, not the share above them the lab keeps for the native
 * worker's main thread. CLUSTER_LAB_SLOTS is set by the lab's sshd only; elsewhere the line does nothing.
 */
export const JOIN_LAB_ENGINE_CGROUP =
  'if [ -n "${CLUSTER_LAB_SLOTS:-}" ] && [ -d "$CLUSTER_LAB_SLOTS/engine" ]; then echo $$ > "$CLUSTER_LAB_SLOTS/engine/cgroup.procs"; fi\n';
