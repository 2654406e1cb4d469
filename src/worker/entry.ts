/**
 * The worker's single entry point: the process's main thread runs the worker, the slot and network
 * threads it starts run this same file again, so the bundle shipped to hosts is one file.
 */
import {isMainThread, workerData} from 'node:worker_threads';

if (isMainThread) await import('./main.js');
else if ((workerData as {role?: string} | null)?.role === 'network') await import('./network-thread.js');
else await import('./slot-thread.js');
