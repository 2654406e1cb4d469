import {execa} from 'execa';

/**
 * A stranger's attempts on a Dask scheduler at HOST:PORT: a plain client, and a TLS client with a
 * certificate of its own (Dask's Security.temporary()). Each tries to run a command on the
 * scheduler that would create `marker`; the answer is how each attempt ended.
 */
const STRANGER = `
import json, os, sys
from distributed import Client
from distributed.security import Security
where, marker = sys.argv[1], sys.argv[2]
results = {}
for name, address, security in (("plain", "tcp://" + where, None), ("own certificate", "tls://" + where, Security.temporary())):
    try:
        client = Client(address, security=security, timeout=8)
        client.run_on_scheduler(lambda: os.system("touch " + marker))
        results[name] = "ran"
        client.close()
    except Exception as error:
        results[name] = "refused: %s: %s" % (type(error).__name__, error)
print(json.dumps(results))
`;

/** Runs the stranger, from network namespace `netns` when given (another machine on the network). */
export async function strangerTries(where: string, marker: string, netns?: string): Promise<Record<string, string>> {
  const command = ['/usr/bin/python3', '-c', STRANGER, where, marker];
  const result = await execa(
    netns ? 'ip' : command[0],
    netns ? ['netns', 'exec', netns, ...command] : command.slice(1),
    {reject: false},
  );
  if (result.exitCode !== 0) throw new Error(`the stranger's script failed: ${result.stderr}`);
  return JSON.parse(String(result.stdout).trim().split('\n').at(-1)!) as Record<string, string>;
}
