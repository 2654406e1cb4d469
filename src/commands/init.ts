import {Args, Flags} from '@oclif/core';
import {ClusterCommand} from '../cli/cluster-command.js';
import {initFolder, type InitResult} from '../init/init.js';
import {printable} from '../text/printable.js';

export default class Init extends ClusterCommand {
  static override summary =
    'Write inventory.yaml (this machine as two local hosts) and experiments/local.yaml, to run a first bench.';
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init my-cluster',
    '<%= config.bin %> init --force',
  ];

  static override args = {
    dir: Args.string({description: 'the folder to write into (made if missing)', default: '.'}),
  };

  static override flags = {
    force: Flags.boolean({description: 'overwrite files that already exist', default: false}),
  };

  async run(): Promise<InitResult> {
    const {args, flags} = await this.parse(Init);
    const result = initFolder(args.dir, {force: flags.force});
    for (const name of result.written) this.log(`Wrote ${printable(name)}`);
    for (const name of result.kept)
      this.log(
        `Kept ${printable(name)} (it exists; --force ${name.startsWith('inventory.yaml') || name.includes('/') ? 'overwrites it' : 'writes inventory.yaml, read before it'})`,
      );
    this.log(
      `Next: ${args.dir === '.' ? '' : `cd ${printable(args.dir)} && `}cluster bench   (then: cluster status, cluster help)`,
    );
    return result;
  }
}
