import {resolve} from 'node:path';
import {Flags} from '@oclif/core';
import Table from 'cli-table3';
import {ClusterCommand} from '../../cli/cluster-command.js';
import {labStatus} from '../../lab/lab.js';

export default class LabStatus extends ClusterCommand {
  static override summary = "List the lab's hosts and whether their sshd and relay are running.";

  static override examples = ['<%= config.bin %> lab status', '<%= config.bin %> lab status --json'];

  static override flags = {
    dir: Flags.string({description: "the lab's folder", default: '.cluster-lab'}),
  };

  async run() {
    const {flags} = await this.parse(LabStatus);
    const hosts = labStatus(resolve(flags.dir));
    if (hosts.length === 0) this.log('No lab is up.');
    else {
      const table = new Table({
        head: ['Host', 'Address', 'Relay', 'sshd', 'Relay up', 'Latency (each way)'],
        style: {head: [], border: []},
      });
      for (const h of hosts)
        table.push([h.host, h.address, h.relay, h.sshd ? 'yes' : 'NO', h.relayUp ? 'yes' : 'NO', `${h.latencyMs} ms`]);
      this.log(table.toString());
    }
    return hosts;
  }
}
