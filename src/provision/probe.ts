import {SshError, type SshSession} from '../ssh/session.js';
import {cpuinfoLines, cpuModelOf, nodeArchOf} from './cpuinfo.js';

/** What a host is: read with one fixed command, no inventory text in it. */
export interface HostFacts {
  os: string;
  /** The architecture the worker runs on, in Node's naming (x64, arm64, arm): its Node.js's own, not the login shell's. */
  arch: string;
  /** `uname -m`: an arm64 kernel may run 32-bit Node.js (Raspberry Pi OS 32-bit on a Pi 4), an x86 one an emulated node. */
  machine: string;
  cpu: string;
  nproc: number;
  memoryBytes: number;
  /** e.g. v20.11.1, or undefined when Node.js is missing. */
  node: string | undefined;
  /** Absolute path of the user's cache folder. */
  cacheDir: string;
}

const PROBE = [
  'printf "os=%s\\n" "$(uname -s)"',
  'printf "machine=%s\\n" "$(uname -m)"',
  'printf "nproc=%s\\n" "$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"',
  cpuinfoLines(),
  'printf "mem=%s\\n" "$(grep -m1 MemTotal /proc/meminfo 2>/dev/null | tr -dc 0-9)"',
  'printf "node=%s\\n" "$(node --version 2>/dev/null)"',
  'printf "arch=%s\\n" "$(node -p process.arch 2>/dev/null)"',
  'printf "cache=%s\\n" "${XDG_CACHE_HOME:-$HOME/.cache}"',
].join('; ');

/** The oldest Node.js the bundle runs on (it is built for node18). */
export const MIN_NODE_MAJOR = 18;

export async function probeHost(session: SshSession): Promise<HostFacts> {
  // The cache line comes last: without it the answer was cut short, so ask once more.
  for (let attempt = 1; ; attempt++) {
    const {stdout, stderr, code} = await session.exec(PROBE);
    if (/^cache=/m.test(stdout)) return parseProbe(stdout);
    if (attempt === 2)
      throw new SshError(
        session.target.name,
        'probe',
        `cannot read what the host is (exit ${code}: ${stderr.trim().split('\n').at(-1) ?? ''})`,
      );
  }
}

export function parseProbe(text: string): HostFacts {
  const values = new Map<string, string>();
  const cpuinfo: string[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    if (line.startsWith('cpuinfo=')) cpuinfo.push(line.slice(at + 1));
    else values.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  const node = values.get('node');
  const machine = values.get('machine') || 'unknown';
  return {
    os: values.get('os') || 'unknown',
    // A host whose node cannot start (or is missing) is named by its kernel, in the same naming.
    arch: values.get('arch') || nodeArchOf(machine),
    machine,
    cpu: cpuModelOf(cpuinfo.join('\n')) ?? 'unknown',
    nproc: Number(values.get('nproc')) || 0,
    memoryBytes: (Number(values.get('mem')) || 0) * 1024,
    node: node && /^v\d+/.test(node) ? node : undefined,
    cacheDir: values.get('cache') || '.cache',
  };
}

/** Why this host's Node.js cannot run the worker, with how to fix it; undefined when it can. */
export function nodeProblem(facts: HostFacts): {reason: string; problem: string} | undefined {
  const fix = 'install it with: sudo apt-get install nodejs (Debian, Raspberry Pi OS), or from nodejs.org';
  if (!facts.node) return {reason: 'node-missing', problem: `Node.js is not installed (no node on the PATH); ${fix}`};
  const major = Number(/^v(\d+)/.exec(facts.node)![1]);
  if (major < MIN_NODE_MAJOR)
    return {
      reason: 'node-too-old',
      problem: `Node.js ${facts.node} is older than ${MIN_NODE_MAJOR}, which the worker needs; ${fix}`,
    };
  return undefined;
}
