/** The shell command printing, each once as `cpuinfo=LINE`, the lines that name the CPU on x86 and on ARM. */
export function cpuinfoLines(file = '/proc/cpuinfo'): string {
  return String.raw`grep -i -E "^(model name|model|hardware|cpu implementer|cpu part)[[:space:]]*:" ${file} 2>/dev/null | sort -u | head -n 16 | sed "s/^/cpuinfo=/"`;
}

/**
 * What a host's CPU is, from /proc/cpuinfo, whose lines differ by architecture: x86 has
 * `model name` (and a `model : 2` line that is only a number); a Raspberry Pi has `Model` (the
 * board), 32-bit kernels `Hardware` (the SoC) and `model name` ("ARMv7 Processor rev 4 (v7l)"),
 * and every ARM kernel `CPU implementer` and `CPU part` (the core).
 */
export function cpuModelOf(cpuinfo: string): string | undefined {
  const fields = cpuinfoFields(cpuinfo);
  const core = armCoreOf(fields.get('CPU implementer'), fields.get('CPU part'));
  const board = fields.get('Model');
  if (board) return core ? `${board} (${core})` : board;
  const named = fields.get('model name');
  // ARM's model name names only the architecture: the core says more.
  if (named && !(core && /^ARMv\d/.test(named))) return named;
  const hardware = fields.get('Hardware');
  if (hardware) return core ? `${hardware} (${core})` : hardware;
  return core ?? named ?? fields.get('cpu model');
}

/** The first value of each key, keys as written (`Model` and x86's `model` are not the same line). */
function cpuinfoFields(cpuinfo: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of cpuinfo.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (value && !fields.has(key)) fields.set(key, value);
  }
  return fields;
}

/** Arm Ltd's cores a Raspberry Pi (and most ARM boards) has, by `CPU part` (Linux's arch/arm64/include/asm/cputype.h). */
const ARM_CORES: Record<string, string> = {
  '0xb76': 'ARM1176',
  '0xc07': 'Cortex-A7',
  '0xc08': 'Cortex-A8',
  '0xc09': 'Cortex-A9',
  '0xc0f': 'Cortex-A15',
  '0xd03': 'Cortex-A53',
  '0xd04': 'Cortex-A35',
  '0xd05': 'Cortex-A55',
  '0xd07': 'Cortex-A57',
  '0xd08': 'Cortex-A72',
  '0xd09': 'Cortex-A73',
  '0xd0a': 'Cortex-A75',
  '0xd0b': 'Cortex-A76',
  '0xd0d': 'Cortex-A77',
  '0xd41': 'Cortex-A78',
  '0xd0c': 'Neoverse-N1',
  '0xd40': 'Neoverse-V1',
  '0xd49': 'Neoverse-N2',
};

function armCoreOf(implementer: string | undefined, part: string | undefined): string | undefined {
  if (!part) return undefined;
  const known = implementer === '0x41' ? ARM_CORES[part.toLowerCase()] : undefined;
  return known ?? `CPU part ${part}${implementer ? ` of implementer ${implementer}` : ''}`;
}

/** `uname -m` in Node's naming (process.arch), for a host whose Node.js cannot say it itself. */
export function nodeArchOf(machine: string): string {
  if (machine === 'x86_64' || machine === 'amd64') return 'x64';
  if (machine === 'aarch64' || machine === 'arm64') return 'arm64';
  if (/^armv\d/.test(machine)) return 'arm';
  if (/^i[3-6]86$/.test(machine)) return 'ia32';
  return machine;
}
