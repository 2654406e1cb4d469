import {resolve} from 'node:path';
import {Flags} from '@oclif/core';
import {ClusterCommand} from '../../cli/cluster-command.js';
import {hereOrShipped} from '../../config/shipped.js';
import {labUp} from '../../lab/lab.js';
import {loadLabSpec} from '../../lab/spec.js';
import {printable} from '../../text/printable.js';

export default class LabUp extends ClusterCommand {
  static override summary =
    'Build a virtual cluster on this machine: network namespaces with sshd, CPU limits, link latency and bandwidth (Linux, root).';
  static override examples = ['sudo <%= config.bin %> lab up --spec experiments/lab/paper.yaml'];

  static override flags = {
    spec: Flags.string({
      description: 'a YAML file with a lab: section (the shipped one when not found here)',
      default: 'experiments/lab/paper.yaml',
    }),
    dir: Flags.string({
      description: 'where the lab keeps its keys, configs, inventory and state',
      default: '.cluster-lab',
    }),
  };

  async run() {
    const {flags} = await this.parse(LabUp);
    const spec = loadLabSpec(hereOrShipped(flags.spec));
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
