/** The trainers an experiment may name; kept apart from the trainers so config loading does not load them. */
export const TRAINER_NAMES = ['native', 'ml-random-forest'] as const;
export type TrainerName = (typeof TRAINER_NAMES)[number];
