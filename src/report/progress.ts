import {performance} from 'node:perf_hooks';
import type {BenchProgress} from '../results/progress.js';
import {printable} from '../text/printable.js';

export interface ProgressPrinter {
  update(progress: BenchProgress): void;
  clear(): void;
}

/**
 * Progress on stderr. On a terminal: one line redrawn in place, with the elapsed time and an
 * estimate, cut to the terminal's width from its least useful end (the hardware). Elsewhere (a log,
 * CI): one line per finished run, so a long sweep is never silent. Nothing when `quiet`.
 */
export function progressPrinter(
  stream: NodeJS.WriteStream,
  options: {quiet?: boolean; now?: () => number} = {},
): ProgressPrinter {
  if (options.quiet) return {update: () => undefined, clear: () => undefined};
  // Elapsed time on a monotonic clock: a step of the wall clock would show a negative or absurd time.
  const now = options.now ?? (() => performance.now());
  let started = now();
  const finished = new Set<string>();
  let runStarted = started;
  let shown = false;
  return {
    update(p) {
      const key = `${p.combination}/${p.run}`;
      // A finished run starting again is the next sweep (another engine, another latency): its own count and clock.
      if (p.done === 0 && finished.has(key)) {
        finished.clear();
        started = now();
      }
      if (p.done === 0) runStarted = now();
      if (p.done >= p.total && !finished.has(key)) finished.add(key);
      else if (!stream.isTTY) return;
      const elapsed = (now() - started) / 1000;
      const done = (finished.size - (finished.has(key) ? 1 : 0)) * p.total + p.done;
      const all = p.combinations * p.runs * p.total;
      const left = done > 0 ? (elapsed / done) * Math.max(0, all - done) : undefined;
      const clock = `${formatDuration(elapsed)} elapsed${left === undefined ? '' : `, ~${formatDuration(left)} left`}`;
      const kind = p.warmup ? 'warm-up' : 'run';
      if (!stream.isTTY) {
        stream.write(
          `[${p.combination}/${p.combinations}] ${printable(p.hardware)}: ${kind} ${p.run}/${p.runs} done in ${((now() - runStarted) / 1000).toFixed(1)} s; ${clock}\n`,
        );
        return;
      }
      const head = `[${p.combination}/${p.combinations}] ${kind} ${p.run}/${p.runs}, trees ${p.done}/${p.total}, ${clock}`;
      stream.write(`\r\x1b[2K${fit(`${head} · ${printable(p.hardware)}`, (stream.columns || 80) - 1)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** `text` cut to `width` characters, with an ellipsis where it was cut. */
export function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** 42 s, 3:05, 1:02:03. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mmss = `${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(r).padStart(2, '0')}`;
  return mmss;
}
