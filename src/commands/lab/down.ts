import {resolve} from 'node:path';
import {Flags} from '@oclif/core';
import {ClusterCommand} from '../../cli/cluster-command.js';
import {labDown} from '../../lab/lab.js';
import {checkLabMachine} from '../../lab/system.js';

export default class LabDown extends ClusterCommand {
  static override summary = 'Remove every namespace, link, cgroup, process and file the lab made (safe to run again).';

  static override examples = ['sudo <%= config.bin %> lab down', 'sudo <%= config.bin %> lab down --dir .cluster-lab'];

  static override flags = {
    dir: Flags.string({description: "the lab's folder", default: '.cluster-lab'}),
  };

  async run() {
    const {flags} = await this.parse(LabDown);
    checkLabMachine();
    const {removed, spared} = await labDown(resolve(flags.dir));
    for (const warning of spared) this.logToStderr(`Warning: ${warning}`);
    this.log(removed.length === 0 ? 'No lab is up.' : `Removed ${removed.join(', ')}.`);
    return {removed, spared};
  }
}
