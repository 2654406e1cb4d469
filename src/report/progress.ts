import {performance} from 'node:perf_hooks';
import type {BenchProgress, BenchStage} from '../results/progress.js';
import {printable} from '../text/printable.js';
import {RunPace} from './run-pace.js';

export interface ProgressPrinter {
  update(progress: BenchProgress): void;
  /** Something done between runs (a host calibrated): a line of its own. */
  stage(stage: BenchStage): void;
  clear(): void;
}

/**
 * Progress on stderr. On a terminal: one line redrawn in place, with the elapsed time and an
 * estimate, cut to the terminal's width from its least useful end (the hardware). Elsewhere (a log,
 * CI): one line per finished run, so a long sweep is never silent. Nothing when `quiet`. Warm-ups
 * are numbered apart from the measured runs, which are numbered as the table counts them.
 */
export function progressPrinter(
  stream: NodeJS.WriteStream,
  options: {quiet?: boolean; now?: () => number} = {},
): ProgressPrinter {
  if (options.quiet) return {update: () => undefined, stage: () => undefined, clear: () => undefined};
  // Elapsed time on a monotonic clock: a step of the wall clock would show a negative or absurd time.
  const now = options.now ?? (() => performance.now());
  let started = now();
  let pace = new RunPace();
  const finished = new Set<string>();
  let runStarted = started;
  let shown = false;
  let engine: string | undefined;
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    update(p) {
      const key = `${p.engine ?? ''}/${p.combination}/${p.run}`;
      // A finished run starting again is the next sweep (another latency), as is another engine's: its own count, clock and pace.
      if (p.done === 0 && (finished.has(key) || p.engine !== engine)) {
        engine = p.engine;
        finished.clear();
        started = now();
        pace = new RunPace();
      }
      if (p.done === 0) runStarted = now();
      const runSeconds = (now() - runStarted) / 1000;
      if (p.done >= p.total && !finished.has(key)) {
        finished.add(key);
        pace.finished(p, runSeconds);
      } else if (!stream.isTTY) return;
      const left = pace.left(p, runSeconds);
      const elapsed = (now() - started) / 1000;
      const clock = `${formatDuration(elapsed)} elapsed${left === undefined ? '' : `, ~${formatDuration(left)} left`}`;
      const which = p.warmup ? `warm-up ${p.run}/${p.warmups}` : `run ${p.run - p.warmups}/${p.runs}`;
      const where = `${p.engine ? `${p.engine} ` : ''}[${p.combination}/${p.combinations}]`;
      if (!stream.isTTY) {
        stream.write(`${where} ${printable(p.hardware)}: ${which} done in ${runSeconds.toFixed(1)} s; ${clock}\n`);
        return;
      }
      const head = `${where} ${which}, trees ${p.done}/${p.total}, ${clock}`;
      stream.write(`\r\x1b[2K${fit(`${head} · ${printable(p.hardware)}`, (stream.columns || 80) - 1)}`);
      shown = true;
    },
    stage(s) {
      clear();
      stream.write(`${s.engine ? `${s.engine}: ` : ''}${printable(s.doing)}\n`);
    },
    clear,
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
