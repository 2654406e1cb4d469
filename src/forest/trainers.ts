import {mlRandomForestTrainer} from './ml-random-forest.js';
import {nativeTrainer} from './native/trainer.js';
import type {Trainer} from './trainer.js';
import type {TrainerName} from './trainer-names.js';

const TRAINERS: Record<TrainerName, Trainer> = {
  native: nativeTrainer,
  'ml-random-forest': mlRandomForestTrainer,
};

export function trainerNamed(name: TrainerName): Trainer {
  return TRAINERS[name];
}
