import type {Host} from '../config/inventory.js';
import {HostError} from '../errors.js';
import {localTransport} from './local.js';
import type {Transport} from './transport.js';

/** The transport that reaches `host`. */
export function transportFor(host: Host): Transport {
  if (host.transport === 'local') return localTransport;
  throw new HostError(host.name, 'ssh hosts are not supported by this version yet', '');
}
