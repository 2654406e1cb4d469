import type {Host} from '../config/inventory.js';
import {localTransport} from './local.js';
import {sshTransport} from './ssh.js';
import type {Transport} from './transport.js';

/** The transport that reaches `host`. */
export function transportFor(host: Host): Transport {
  return host.transport === 'local' ? localTransport : sshTransport;
}
