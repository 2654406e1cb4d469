/**
 * The worker's single entry point: the process's main thread runs the worker, the slot threads it
 * starts run this same file again, so the bundle shipped to hosts is one file.
 */
import {isMainThread} from 'node:worker_threads';

if (isMainThread) await import('./main.js');
else await import('./slot-thread.js');
