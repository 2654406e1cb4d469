import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
} from 'node:fs';
import {join} from 'node:path';
import {replaceWhole} from '../files/write-whole.js';
import {shellQuote} from '../text/shell-quote.js';
import {EMULATIONS, type LabArch} from './arch.js';
import {LabError, run} from './system.js';

/** Where the Debian trees are kept between labs (built once per architecture: about a minute, ~330 MB). */
export const TREE_CACHE = process.env.CLUSTER_LAB_TREES ?? '/var/cache/cluster-lab';
const MIRROR = process.env.CLUSTER_LAB_MIRROR ?? 'http://deb.debian.org/debian';
/** Debian's Node.js 18, as `apt install nodejs` gives a Raspberry Pi on bookworm (it brings node-acorn, node-undici...). */
const PACKAGES = 'nodejs,openssh-server';
const BUILD_TIMEOUT_MS = 10 * 60_000;
/** sshd's privilege separation user, which openssh-server's postinst would have made. */
const SSHD_USER = 'sshd:x:100:65534::/run/sshd:/usr/sbin/nologin';

/** An ARM host's sshd, shell and node chrooted in its tree (binfmt_misc), or only its node, wrapped (`qemu -L`). */
export type Emulation = 'chroot' | 'wrapper';

/** The bookworm tree of `arch`, built if this machine has none yet. A chroot needs the lab's binfmt entry registered. */
export async function ensureTree(arch: LabArch, how: Emulation = 'chroot'): Promise<string> {
  const tree = join(TREE_CACHE, `bookworm-${arch}`);
  // A tree is only ever renamed into place whole: one that is there is complete.
  if (existsSync(join(tree, 'usr/bin/node'))) return tree;
  mkdirSync(TREE_CACHE, {recursive: true, mode: 0o755});
  removeStaleDrafts(arch);
  const draft = mkdtempSync(join(TREE_CACHE, `.bookworm-${arch}-`));
  try {
    await buildTree(arch, draft, how);
    try {
      renameSync(draft, tree);
    } catch (error) {
      // Another lab built it meanwhile: theirs is as good.
      if (!existsSync(join(tree, 'usr/bin/node'))) throw error;
      rmSync(draft, {recursive: true, force: true});
    }
    return tree;
  } catch (error) {
    rmSync(draft, {recursive: true, force: true});
    throw error;
  }
}

/** Drafts of a build that was killed (its clean-up never ran): older than any build can take, none is still being written. */
function removeStaleDrafts(arch: LabArch): void {
  const prefix = `.bookworm-${arch}-`;
  for (const name of readdirSync(TREE_CACHE).filter((entry) => entry.startsWith(prefix))) {
    const draft = join(TREE_CACHE, name);
    if (Date.now() - statSync(draft).mtimeMs > 2 * BUILD_TIMEOUT_MS) rmSync(draft, {recursive: true, force: true});
  }
}

/**
 * debootstrap fetches bookworm's packages for `arch` and unpacks the essential ones; the rest are
 * unpacked here, natively, and the few things their maintainer scripts would do are done by hand.
 * Debian's own second stage runs dpkg emulated: over 9 minutes on a loaded 2-core machine and not
 * half done (its xz decompression is what qemu is slowest at), where this takes seconds.
 */
async function buildTree(arch: LabArch, draft: string, how: Emulation): Promise<void> {
  const args = ['--foreign', `--arch=${arch}`, '--variant=minbase', `--include=${PACKAGES}`, 'bookworm', draft, MIRROR];
  await run('debootstrap', args, BUILD_TIMEOUT_MS).catch((error: Error) => {
    throw new LabError(`cannot fetch Debian bookworm for ${arch} (${error.message})`);
  });
  const archives = join(draft, 'var/cache/apt/archives');
  // Over /bin -> usr/bin and the like (bookworm's merged /usr, which qemu's -L needs too), never replacing them.
  await run(
    'sh',
    [
      '-c',
      'for deb in "$1"/*.deb; do dpkg-deb --fsys-tarfile "$deb" | tar --keep-directory-symlink -xf - -C "$2" || exit 1; done',
      'unpack',
      archives,
      draft,
    ],
    BUILD_TIMEOUT_MS,
  );
  // The first stage links /proc to the outer one (its second stage makes it a folder): a mount there would loop.
  rmSync(join(draft, 'proc'), {force: true});
  mkdirSync(join(draft, 'proc'), {mode: 0o555});
  addUsers(draft);
  // The loader's cache, and a first emulated run: a tree whose node cannot start is not kept.
  if (how === 'chroot') await run('chroot', [draft, '/sbin/ldconfig']);
  const version =
    how === 'chroot'
      ? await run('chroot', [draft, '/usr/bin/node', '--version'])
      : await run(EMULATIONS[arch].qemu, ['-L', draft, join(draft, 'usr/bin/node'), '--version']);
  if (!/^v18\./.test(version.trim())) throw new LabError(`the ${arch} tree's node says ${version.trim()}, not v18`);
  rmSync(archives, {recursive: true, force: true});
  rmSync(join(draft, 'debootstrap'), {recursive: true, force: true});
}

/** What base-passwd's and openssh-server's scripts make: root (no password: keys only), the system users, sshd's. */
function addUsers(draft: string): void {
  const masters = join(draft, 'usr/share/base-passwd');
  const passwd = readFileSync(join(masters, 'passwd.master'), 'utf8').trimEnd();
  replaceWhole(join(draft, 'etc/passwd'), `${passwd}\n${SSHD_USER}\n`, 0o644);
  copyFileSync(join(masters, 'group.master'), join(draft, 'etc/group'));
  const names = passwd.split('\n').map((line) => line.split(':')[0]);
  replaceWhole(join(draft, 'etc/shadow'), names.map((name) => `${name}:*:19700:0:99999:7:::\n`).join(''), 0o640);
  // Debian's node reads the system's CA bundle at every start, and warns on stderr when it is missing (ca-certificates is not in minbase).
  mkdirSync(join(draft, 'etc/ssl/certs'), {recursive: true});
  replaceWhole(join(draft, 'etc/ssl/certs/ca-certificates.crt'), '', 0o644);
  const nsswitch = join(draft, 'usr/share/libc-bin/nsswitch.conf');
  if (existsSync(nsswitch)) copyFileSync(nsswitch, join(draft, 'etc/nsswitch.conf'));
}

/** The host's own layer over the shared tree, and where it is seen: its home, cache and /etc are its own. */
export function hostLayers(hostDir: string): {upper: string; work: string; root: string} {
  return {upper: join(hostDir, 'upper'), work: join(hostDir, 'work'), root: join(hostDir, 'root')};
}

/** Where, inside the host's tree, its sshd's files are: the name is the host's namespace, so down knows its sshd. */
export function chrootConfigDir(netns: string): string {
  return `/etc/cluster-lab/${netns}`;
}

/** The host's layer, with its sshd's config, host key and the lab's user key put in before it is mounted. */
export function prepareLayers(hostDir: string, netns: string, files: Record<string, string>): void {
  const {upper, work, root} = hostLayers(hostDir);
  const config = join(upper, chrootConfigDir(netns));
  mkdirSync(config, {recursive: true, mode: 0o755});
  mkdirSync(work, {recursive: true});
  mkdirSync(root, {recursive: true});
  for (const [name, text] of Object.entries(files)) replaceWhole(join(config, name), text, 0o600);
}

/**
 * What the host's sshd runs in, as shell: in a mount namespace of its own the tree with the host's
 * layer over it, /proc, /sys, /dev and fresh /run and /tmp, then sshd from the tree, chrooted. The
 * mounts end with the namespace's last process: down kills them and nothing is left mounted.
 */
export function chrootSshd(tree: string, hostDir: string, netns: string): string {
  const {upper, work, root} = hostLayers(hostDir);
  const q = shellQuote;
  const steps = [
    `mount -t overlay cluster-lab -o ${q(`lowerdir=${tree},upperdir=${upper},workdir=${work}`)} ${q(root)}`,
    `mount -t proc proc ${q(join(root, 'proc'))}`,
    `mount --rbind /sys ${q(join(root, 'sys'))}`,
    `mount --bind /dev ${q(join(root, 'dev'))}`,
    `mount -t tmpfs -o mode=755 tmpfs ${q(join(root, 'run'))}`,
    `mount -t tmpfs -o mode=1777 tmpfs ${q(join(root, 'tmp'))}`,
    `mkdir -m 755 ${q(join(root, 'run/sshd'))}`,
    `exec chroot ${q(root)} /usr/sbin/sshd -D -e -f ${chrootConfigDir(netns)}/sshd_config`,
  ];
  return `unshare --mount --propagation private sh -c ${q(steps.join(' && '))}`;
}

/**
 * Where the kernel has no binfmt_misc: a `node` that runs the tree's under qemu-user, its libraries
 * and Node's own modules looked up in the tree first (-L; the tree's /usr is merged, as qemu 7.2's
 * statx needs). Returns the PATH that finds it first.
 */
export function writeNodeWrapper(hostDir: string, tree: string, arch: LabArch): string {
  const bin = join(hostDir, 'bin');
  mkdirSync(bin, {recursive: true});
  const node = join(tree, 'usr/bin/node');
  const script = `#!/bin/sh\nexec ${EMULATIONS[arch].qemu} -L ${shellQuote(tree)} ${shellQuote(node)} "$@"\n`;
  replaceWhole(join(bin, 'node'), script, 0o755);
  return `${bin}:/usr/local/bin:/usr/bin:/bin`;
}

/** Removes the host's layer; its mount point only if nothing is mounted there (then it is an empty folder). */
export function removeLayers(hostDir: string): void {
  const {upper, work, root} = hostLayers(hostDir);
  rmSync(join(hostDir, 'bin'), {recursive: true, force: true});
  if (existsSync(root) && statSync(root).dev === statSync(hostDir).dev) {
    try {
      rmdirSync(root);
    } catch {
      // Not empty: something is mounted or was put there; left for a look, not deleted through.
      return;
    }
  }
  rmSync(upper, {recursive: true, force: true});
  rmSync(work, {recursive: true, force: true});
}
