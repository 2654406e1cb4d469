/** What trains the forest: the toolkit's own workers, or scikit-learn through Dask. */
export const ENGINE_NAMES = ['native', 'dask'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
