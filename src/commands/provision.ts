import {Flags} from '@oclif/core';
import Table from 'cli-table3';
import {ClusterCommand} from '../cli/cluster-command.js';
import {concurrencyFlag} from '../cli/concurrency-flag.js';
import {type Host, type Inventory, loadInventory, withConcurrency} from '../config/inventory.js';
import {selectHosts} from '../config/select-hosts.js';
import {HostsFailedError} from '../errors.js';
import {colours} from '../report/colour.js';
import {parseEngines} from '../config/engine-names.js';
import {checkDaskHosts, type DaskCheck} from '../engine/dask/check.js';
import {renderDaskChecks} from '../report/dask-checks.js';
import {checkTorchHosts, type TorchCheck} from '../engine/torch/check.js';
import {renderTorchChecks} from '../report/torch-checks.js';
import {provisionHosts, type ProvisionResult} from '../provision/provision.js';
import {printable} from '../text/printable.js';

export default class Provision extends ClusterCommand {
  static override summary = 'Check each host over SSH and install the worker on it.';
  static override examples = [
    '<%= config.bin %> provision',
    '<%= config.bin %> provision --hosts rpi1,rpi2 --accept-new',
    '<%= config.bin %> provision --engine native,dask',
    '<%= config.bin %> provision --engine native,torch',
  ];

  static override flags = {
    inventory: Flags.string({char: 'i', description: 'hosts file', default: 'inventory.yaml'}),
    hosts: Flags.string({
      description: 'only these hosts: names, groups, globs (rpi*), ranges (rpi[1:2]), !exclusions (comma-separated)',
    }),
    'accept-new': Flags.boolean({
      description: 'record the key of a host seen for the first time (a changed key is always refused)',
      default: false,
    }),
    concurrency: concurrencyFlag,
    engine: Flags.string({
      description:
        'what to prepare the hosts for: native (install the worker), dask (check Python, scikit-learn and dask/distributed), torch (check Python and PyTorch with gloo), or several: native,dask',
      default: 'native',
    }),
  };

  async run(): Promise<ProvisionResult[] | {native: ProvisionResult[]; dask?: DaskCheck[]; torch?: TorchCheck[]}> {
    const {flags} = await this.parse(Provision);
    const inventory = withConcurrency(loadInventory(flags.inventory), flags.concurrency);
    const hosts = selectHosts(inventory, flags.hosts);
    const engines = parseEngines(flags.engine);
    if (!engines.includes('native'))
      return {native: [], ...(await this.checkPythons(engines, inventory, hosts, flags['accept-new']))};
    const width = Math.max(...hosts.map((host) => host.name.length));
    const results = await provisionHosts(hosts, {
      acceptNew: flags['accept-new'],
      concurrency: inventory.connectConcurrency,
      onStep: (host, step) => this.jsonEnabled() || process.stderr.write(`${host.padEnd(width)}  ${printable(step)}\n`),
    });
    const {red, green} = colours(process.stdout);
    const table = new Table({
      head: ['Host', 'Result', 'Sent', 'Node.js', 'Arch', 'Cores'],
      style: {head: [], border: []},
    });
    for (const result of results) {
      const outcome = !result.ok
        ? red('FAILED')
        : result.facts
          ? green(result.upToDate ? 'up to date' : 'installed')
          : 'local';
      table.push([
        result.host,
        outcome,
        `${(result.bytesTransferred / 1024).toFixed(0)} KiB`,
        printable(result.facts?.node ?? ''),
        printable(result.facts?.arch ?? ''),
        result.facts ? String(result.facts.nproc) : '',
      ]);
    }
    this.log(table.toString());
    const failed = results.filter((result) => !result.ok);
    for (const result of failed) this.log(`${red('Error:')} ${printable(result.error ?? '')}`);
    const pythons = await this.checkPythons(engines, inventory, hosts, flags['accept-new']);
    if (failed.length > 0)
      throw new HostsFailedError(
        failed.map((result) => result.host),
        `provisioning failed on ${failed.length} of ${results.length} hosts`,
        results,
      );
    if (pythons.dask || pythons.torch) return {native: results, ...pythons};
    return results;
  }

  /** The Python engines' checks the engines named ask for. */
  private async checkPythons(
    engines: string[],
    inventory: Inventory,
    hosts: Host[],
    acceptNew: boolean,
  ): Promise<{dask?: DaskCheck[]; torch?: TorchCheck[]}> {
    const dask = engines.includes('dask') ? await this.checkDask(inventory, hosts, acceptNew) : undefined;
    const torch = engines.includes('torch') ? await this.checkTorch(inventory, hosts, acceptNew) : undefined;
    return {...(dask ? {dask} : {}), ...(torch ? {torch} : {})};
  }

  /** Refuses a host whose Python lacks torch with gloo, or whose torch differs from the others', saying how to install it. */
  private async checkTorch(inventory: Inventory, hosts: Host[], acceptNew: boolean): Promise<TorchCheck[]> {
    const checks = await checkTorchHosts(inventory, hosts, {acceptNew});
    this.log(renderTorchChecks(checks));
    const refused = checks.filter((check) => !check.ok);
    if (refused.length > 0)
      throw new HostsFailedError(
        refused.map((check) => check.host),
        `the torch engine cannot run on ${refused.length} of ${checks.length} hosts`,
        checks,
      );
    return checks;
  }

  /** Refuses a host whose Python lacks scikit-learn or dask/distributed, or differs from the coordinator's, saying how to install them. */
  private async checkDask(inventory: Inventory, hosts: Host[], acceptNew: boolean): Promise<DaskCheck[]> {
    const checks = await checkDaskHosts(inventory, hosts, {acceptNew});
    this.log(renderDaskChecks(checks));
    const refused = checks.filter((check) => !check.ok);
    if (refused.length > 0)
      throw new HostsFailedError(
        refused.map((check) => check.host),
        `the dask engine cannot run on ${refused.length} of ${checks.length} hosts`,
        checks,
      );
    return checks;
  }
}
