export {runBench} from './bench/sweep.js';
export {loadExperiment} from './config/experiment.js';
export {loadInventory} from './config/inventory.js';
