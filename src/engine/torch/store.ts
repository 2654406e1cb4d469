/** One request of a rank's c10d store, as the driver writes it (values base64). */
export interface StoreRequest {
  op: 'set' | 'get' | 'add' | 'compare_set' | 'wait' | 'check' | 'delete' | 'num_keys';
  key?: string;
  keys?: string[];
  value?: string;
  amount?: number;
  expected?: string;
  desired?: string;
}

export type StoreReply = {value?: unknown} | {error: string};

/** Keys and values a run may hold: gloo's rendezvous needs a few per rank; more is a rank gone wrong. */
const MAX_KEYS = 10_000;
const MAX_VALUE_CHARS = 1 << 20;

/**
 * The process group's key-value store, kept by the coordinator for one run and reached by each
 * rank over its own channel (its standard input and output), so no TCPStore listens anywhere.
 * `get` and `wait` answer once their keys are set; a rank's requests are answered in order.
 */
export class RunStore {
  private readonly values = new Map<string, string>();
  private waiting: {keys: string[]; answer: () => void}[] = [];

  /** Answers `request` through `reply`, now or when the keys it waits for are set. */
  handle(request: StoreRequest, reply: (answer: StoreReply) => void): void {
    const problem = this.problemOf(request);
    if (problem) return reply({error: problem});
    const key = request.key ?? '';
    switch (request.op) {
      case 'set':
        return (this.put(key, request.value ?? ''), reply({}));
      case 'get':
        return this.when([key], () => reply({value: this.values.get(key)}));
      case 'wait':
        return this.when(request.keys ?? [], () => reply({}));
      case 'add': {
        const total =
          Number(Buffer.from(this.values.get(key) ?? '', 'base64').toString() || '0') + (request.amount ?? 0);
        this.put(key, Buffer.from(String(total)).toString('base64'));
        return reply({value: total});
      }
      case 'compare_set': {
        const current = this.values.get(key);
        const expectedEmpty = (request.expected ?? '') === '';
        if ((current === undefined && expectedEmpty) || current === request.expected)
          this.put(key, request.desired ?? '');
        return reply({value: this.values.get(key) ?? request.expected ?? ''});
      }
      case 'check':
        return reply({value: (request.keys ?? []).every((k) => this.values.has(k))});
      case 'delete':
        return reply({value: this.values.delete(key)});
      case 'num_keys':
        return reply({value: this.values.size});
    }
  }

  private problemOf(request: StoreRequest): string | undefined {
    if (typeof request !== 'object' || request === null) return 'a store request must be an object';
    const ops = ['set', 'get', 'add', 'compare_set', 'wait', 'check', 'delete', 'num_keys'];
    if (!ops.includes(request.op)) return `unknown store operation ${JSON.stringify(request.op)}`;
    const sizes = [request.key, request.value, request.expected, request.desired, ...(request.keys ?? [])];
    if (sizes.some((text) => text !== undefined && (typeof text !== 'string' || text.length > MAX_VALUE_CHARS)))
      return 'a store key or value is not a string of at most 1 MiB';
    if (request.op === 'set' && !this.values.has(request.key ?? '') && this.values.size >= MAX_KEYS)
      return `the run's store holds ${MAX_KEYS} keys already`;
    return undefined;
  }

  private put(key: string, value: string): void {
    this.values.set(key, value);
    const ready = this.waiting.filter((waiter) => waiter.keys.every((k) => this.values.has(k)));
    this.waiting = this.waiting.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.answer();
  }

  private when(keys: string[], answer: () => void): void {
    if (keys.every((k) => this.values.has(k))) answer();
    else this.waiting.push({keys, answer});
  }
}
