/** What a sweep trains: a random forest (the paper's experiment). Each workload has its own engines. */
export const WORKLOAD_NAMES = ['forest'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];
