import {existsSync, readdirSync, writeFileSync} from 'node:fs';
import type {FieldReader} from '../config/fields.js';
import {printable} from '../text/printable.js';
import {LabError, run, runQuietly} from './system.js';

/** A lab host's architecture other than this machine's: Debian's names, as Raspberry Pi OS 64- and 32-bit are. */
export type LabArch = 'arm64' | 'armhf';

interface Emulation {
  /** The static emulator: with binfmt's F flag the kernel holds it open, so it runs inside a chroot that lacks it. */
  qemu: string;
  /** ELF header bytes and mask of the architecture's executables (qemu's scripts/qemu-binfmt-conf.sh). */
  magic: string;
  mask: string;
}

const ELF_MASK = String.raw`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff`;
export const EMULATIONS: Record<LabArch, Emulation> = {
  arm64: {
    qemu: '/usr/bin/qemu-aarch64-static',
    magic: String.raw`\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00`,
    mask: ELF_MASK,
  },
  armhf: {
    qemu: '/usr/bin/qemu-arm-static',
    magic: String.raw`\x7f\x45\x4c\x46\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00`,
    mask: ELF_MASK,
  },
};

const BINFMT = '/proc/sys/fs/binfmt_misc';

/** `arch:` of a lab host: absent for this machine's own. */
export function readLabArch(read: FieldReader, path: string[], value: unknown): LabArch | undefined {
  if (value === undefined) return undefined;
  if (value === 'arm64' || value === 'armhf') return value;
  throw read.source.error(
    path,
    `'${printable(String(value))}' is not an architecture the lab emulates`,
    "write arm64 (a Pi on 64-bit Raspberry Pi OS) or armhf (32-bit), or leave arch out for this machine's own",
  );
}

/** The emulators and debootstrap, named with their package when missing. */
export function checkEmulation(arches: readonly LabArch[]): void {
  const missing = [...new Set(arches.map((arch) => EMULATIONS[arch].qemu)), '/usr/sbin/debootstrap'].filter(
    (path) => !existsSync(path),
  );
  if (missing.length > 0)
    throw new LabError(
      `lab hosts with arch need ${missing.join(', ')}; install them with: apt-get install qemu-user-static debootstrap`,
    );
}

/** The lab's own binfmt entry for an architecture, per slot: another lab's, or the system's qemu-aarch64, are never touched. */
export function binfmtName(slotTag: string, arch: LabArch): string {
  return `cluster-lab${slotTag}-${arch}`;
}

/** Whether `name` is one of the entries a lab of this slot registers: down removes what its state names. */
export function isLabBinfmt(name: string, slotTag: string): boolean {
  return (['arm64', 'armhf'] as const).some((arch) => binfmtName(slotTag, arch) === name);
}

/**
 * Registers the lab's entries for `arches` (mounting binfmt_misc first if it is not: then `mounted`
 * is true, and down unmounts it once no entry is left). Fails with what the kernel said.
 */
export async function registerBinfmt(slotTag: string, arches: readonly LabArch[]): Promise<{mounted: boolean}> {
  let mounted = false;
  if (!existsSync(`${BINFMT}/register`)) {
    await run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT]).catch((error: Error) => {
      throw new LabError(
        `lab hosts with arch need binfmt_misc, and it cannot be mounted here (${error.message}); run the lab where the kernel has it`,
      );
    });
    mounted = true;
  }
  for (const arch of new Set(arches)) {
    const name = binfmtName(slotTag, arch);
    if (existsSync(`${BINFMT}/${name}`)) continue;
    const {magic, mask, qemu} = EMULATIONS[arch];
    try {
      writeFileSync(`${BINFMT}/register`, `:${name}:M::${magic}:${mask}:${qemu}:F`);
    } catch (error) {
      throw new LabError(
        `cannot register ${qemu} with binfmt_misc (${(error as NodeJS.ErrnoException).code}); the lab's ${arch} hosts need it`,
      );
    }
  }
  return {mounted};
}

/** Removes the entries the lab registered, then binfmt_misc itself if the lab mounted it and nothing else is in it. */
export async function unregisterBinfmt(names: readonly string[], mounted: boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const name of names) {
    if (!existsSync(`${BINFMT}/${name}`)) continue;
    writeFileSync(`${BINFMT}/${name}`, '-1');
    removed.push(`binfmt entry ${name}`);
  }
  if (mounted && existsSync(`${BINFMT}/register`)) {
    const others = readdirSync(BINFMT).filter((entry) => entry !== 'register' && entry !== 'status');
    if (others.length === 0) {
      await runQuietly('umount', [BINFMT]);
      removed.push(`the binfmt_misc mount at ${BINFMT}`);
    }
  }
  return removed;
}
