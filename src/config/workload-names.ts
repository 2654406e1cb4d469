/** What a sweep trains: a random forest (the paper's experiment), or a neural network, data-parallel. */
export const WORKLOAD_NAMES = ['forest', 'network'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];
