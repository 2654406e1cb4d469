import type {BenchProgress} from '../bench/sweep.js';

/** A one-line progress display on a terminal; nothing at all when the output is not a TTY. */
export function progressPrinter(stream: NodeJS.WriteStream): {update(progress: BenchProgress): void; clear(): void} {
  if (!stream.isTTY) return {update: () => undefined, clear: () => undefined};
  let shown = false;
  return {
    update(p) {
      const kind = p.warmup ? 'warm-up' : 'run';
      const line = `[${p.combination}/${p.combinations}] ${p.hardware}: ${kind} ${p.run}/${p.runs}, trees ${p.done}/${p.total}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 80) - 1)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
