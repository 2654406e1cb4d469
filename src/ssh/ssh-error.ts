import {HostError} from '../errors.js';

/** Why a host could not be used, for messages and for --json. */
export class SshError extends HostError {
  constructor(host: string, reason: string, problem: string) {
    super(host, problem, '', reason);
  }
}
