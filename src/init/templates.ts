/** The files `cluster init` writes, as text with comments a new user can edit. */

/** Two local workers sharing this machine's CPUs, so the first bench shows one host against two. */
export function inventoryTemplate(cpus: number, machine: string): string {
  const cores = Math.max(1, Math.floor(cpus / 2));
  return `# The hosts that train trees (written by cluster init; edit freely).
# Each host has:
#   transport     ssh (default) or local (a worker process on this machine)
#   address       IP, name or ~/.ssh/config alias of an ssh host
#   port, user, identityFile, passphraseEnv: how to log in over SSH
#   cores         how many trees it trains at once
#   labels        kinds of machine; the first one names it in the table
# \`defaults\` applies to every host that does not set the field itself.

hosts:
  # This machine (${machine}, ${cpus} CPU${cpus === 1 ? '' : 's'}) as two local workers of ${cores} core${cores === 1 ? '' : 's'} each,
  # so \`cluster bench\` runs here with nothing else to set up.
  local-a: { transport: local, cores: ${cores} }
  local-b: { transport: local, cores: ${cores} }

# The paper's cluster, as an example of SSH hosts: four Raspberry Pis with 4 cores each,
# a desktop and a laptop lending 7 cores each. Uncomment and set the addresses, then run
# \`cluster provision --accept-new\` and \`cluster status\`.
#
# defaults: { user: pi, port: 22, identityFile: ~/.ssh/id_ed25519 }
# hosts:
#   rpi1: { address: 192.168.1.101, cores: 4, labels: [raspberry-pi] }
#   rpi2: { address: 192.168.1.102, cores: 4, labels: [raspberry-pi] }
#   rpi3: { address: 192.168.1.103, cores: 4, labels: [raspberry-pi] }
#   rpi4: { address: 192.168.1.104, cores: 4, labels: [raspberry-pi] }
#   desktop: { address: 192.168.1.10, user: me, cores: 7, labels: [desktop] }
#   laptop: { address: 192.168.1.11, user: me, cores: 7, labels: [laptop] }
`;
}

/** A first experiment small enough for a table in well under a minute on a small machine. */
export const EXPERIMENT_TEMPLATE = `# A first experiment (written by cluster init; edit freely).
# Sized for a first table within a minute: 27 s wall, 34 s of CPU, on a quiet 2-core machine
# (a fresh cluster init folder, load 1.0); a loaded one takes longer.
# A bigger run, about 170 s on a quiet 2-core machine: cluster bench -e local-large
name: local
# A synthetic data set like scikit-learn's make_classification; or a CSV file:
#   dataset: { kind: csv, path: data/iris.csv, target: species }   (path relative to this file)
dataset: { kind: synthetic, samples: 20000, features: 20, informative: 10, classes: 2, seed: 0 }
testFraction: 0.25
forest: { trees: 200, trainer: native, maxFeatures: sqrt, seed: 0 }
# No combinations: the sweep runs on one host of the inventory, then two, ... then all of them,
# in the inventory's order (\`cluster bench --hosts\` picks which). To choose them yourself:
#   combinations:
#     - [local-a]
#     - [local-a, local-b]
#   baseline: [local-a]
runs: 3
warmup: 1
`;
