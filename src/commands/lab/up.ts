import {availableParallelism} from 'node:os';
import {resolve} from 'node:path';
import {Flags} from '@oclif/core';
import {ClusterCommand} from '../../cli/cluster-command.js';
import {hereOrShipped} from '../../config/shipped.js';
import {labUp} from '../../lab/lab.js';
import {loadLabSpec} from '../../lab/spec.js';
import {writeTwinSpec} from '../../lab/twin.js';
import {printable} from '../../text/printable.js';

export default class LabUp extends ClusterCommand {
  static override summary =
    'Build a virtual cluster on this machine: network namespaces with sshd, CPU limits, link latency and bandwidth (Linux, root).';
  static override examples = [
    'sudo <%= config.bin %> lab up --spec experiments/lab/paper.yaml',
    'sudo <%= config.bin %> lab up --from experiments/paper-table1-results.csv --save-spec twin.yaml',
  ];

  static override flags = {
    spec: Flags.string({
      description: 'a YAML file with a lab: section (the shipped one when not found here)',
      default: 'experiments/lab/paper.yaml',
      exclusive: ['from'],
    }),
    from: Flags.string({
      description:
        "a twin of a measured cluster: what cluster analyze FILE writes with --json, a results CSV or a bench JSON; its fit's kinds, cores and speeds, scaled to this machine",
    }),
    'save-spec': Flags.string({
      description:
        'with --from: where to write the twin spec it builds, to edit for what-ifs (never overwritten; default twin.yaml)',
      dependsOn: ['from'],
    }),
    cpus: Flags.string({
      description: "with --from: this machine's CPUs the twin's hosts may take in all (default: 3/4 of them)",
      dependsOn: ['from'],
    }),
    dir: Flags.string({
      description: 'where the lab keeps its keys, configs, inventory and state',
      default: '.cluster-lab',
    }),
  };

  async run() {
    const {flags} = await this.parse(LabUp);
    let specFile = hereOrShipped(flags.spec);
    if (flags.from) {
      const saved = flags['save-spec'] ?? 'twin.yaml';
      const plan = writeTwinSpec(hereOrShipped(flags.from), saved, availableParallelism(), flags.cpus);
      this.log(
        `Twin of ${printable(flags.from)}: one ${plan.baseKind} host = ${plan.scale.toPrecision(4)} of a real core, ${plan.cpus} of ${plan.machineCpus} CPUs in all; spec written to ${printable(saved)} (edit it for what-ifs, then lab up --spec it)`,
      );
      specFile = saved;
    }
    const spec = loadLabSpec(specFile);
    const state = await labUp(spec, resolve(flags.dir));
    for (const host of state.hosts)
      this.log(
        `${host.name.padEnd(12)} ${host.address} in namespace ${host.netns}, sshd behind relay ${state.gateway}:${host.relayPort} (+${host.latencyMs} ms each way)${host.arch ? `, ${host.arch} under qemu-user` : ''}`,
      );
    this.log(
      `Inventory: ${printable(resolve(flags.dir, 'lab-inventory.yaml'))}. Next: cluster provision --inventory ${printable(flags.dir)}/lab-inventory.yaml`,
    );
    return state;
  }
}
