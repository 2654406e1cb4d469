import {Flags} from '@oclif/core';
import {ClusterCommand} from '../cli/cluster-command.js';
import {concurrencyFlag} from '../cli/concurrency-flag.js';
import {loadInventory, withConcurrency} from '../config/inventory.js';
import {selectHosts} from '../config/select-hosts.js';
import {HostsFailedError} from '../errors.js';
import {loadExperiment} from '../config/experiment.js';
import {colours} from '../report/colour.js';
import {printable} from '../text/printable.js';
import {renderStatus} from '../status/render.js';
import {addDaskChecks, addTorchChecks, calibrateStatuses, hostStatuses, type HostStatus} from '../status/status.js';

export default class Status extends ClusterCommand {
  static override summary = 'Show what each host is and whether it is ready to train.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  static override flags = {
    inventory: Flags.string({char: 'i', description: 'hosts file', default: 'inventory.yaml'}),
    hosts: Flags.string({
      description: 'only these hosts: names, groups, globs (rpi*), ranges (rpi[1:2]), !exclusions (comma-separated)',
    }),
    'accept-new': Flags.boolean({description: 'record the key of a host seen for the first time', default: false}),
    calibrate: Flags.boolean({
      description: "also measure each ready host's trees per second on the experiment's data set",
      default: false,
    }),
    experiment: Flags.string({
      char: 'e',
      description: 'experiment whose data set and forest --calibrate uses',
      default: 'experiments/local.yaml',
    }),
    concurrency: concurrencyFlag,
  };

  async run(): Promise<HostStatus[]> {
    const {flags} = await this.parse(Status);
    const inventory = withConcurrency(loadInventory(flags.inventory), flags.concurrency);
    const hosts = selectHosts(inventory, flags.hosts);
    const experiment = flags.calibrate ? loadExperiment(flags.experiment) : undefined;
    // SSH hosts take seconds each: on a terminal, say what is being checked on which hosts.
    const names = hosts.map((host) => host.name).join(', ');
    const say = (doing: string) =>
      process.stderr.isTTY && !this.jsonEnabled() && process.stderr.write(`${printable(`${doing}: ${names}`)}\n`);
    say('reaching each host, its Node.js and its worker');
    const statuses = await hostStatuses(hosts, {
      acceptNew: flags['accept-new'],
      concurrency: inventory.connectConcurrency,
    });
    say("checking each host's Python for Dask and PyTorch");
    await addDaskChecks(statuses, inventory, hosts);
    await addTorchChecks(statuses, inventory, hosts);
    if (experiment) say("calibrating each ready host's trees per second");
    if (experiment) await calibrateStatuses(statuses, hosts, experiment, inventory.connectConcurrency);
    this.log(renderStatus(statuses, {calibrated: experiment !== undefined, paint: colours(process.stdout)}));
    const notReady = statuses.filter((s) => !s.ready).map((s) => s.host);
    if (notReady.length > 0)
      throw new HostsFailedError(notReady, `${notReady.length} of ${statuses.length} hosts not ready`, statuses);
    return statuses;
  }
}
