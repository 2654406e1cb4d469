import {Flags} from '@oclif/core';
import {LIMITS} from '../limits.js';
import {DEFAULT_CONCURRENCY} from '../transport/fan-out.js';

/** --concurrency, on every command that reaches hosts: it takes the place of the inventory's connectConcurrency. */
export const concurrencyFlag = Flags.integer({
  description: `hosts connected to at once (default: the inventory's connectConcurrency, else ${DEFAULT_CONCURRENCY}); keep it below the hosts' sshd MaxStartups`,
  min: 1,
  max: LIMITS.connectConcurrency,
});
