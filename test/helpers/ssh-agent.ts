import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';

/** A real ssh-agent on its own socket, for one test. */
export interface TestAgent {
  socket: string;
  /** ssh-add of a key, its passphrase given as ssh-add asks for it (SSH_ASKPASS), never on a terminal. */
  add(key: string, passphrase?: string): Promise<void>;
  stop(): void;
}

export async function startAgent(): Promise<TestAgent> {
  const folder = mkdtempSync(join(tmpdir(), 'cluster-agent-'));
  const socket = join(folder, 'agent.sock');
  // The agent binds its socket before it forks: once this returns, it listens.
  const {stdout} = await execa('ssh-agent', ['-s', '-a', socket]);
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1]);
  return {
    socket,
    async add(key, passphrase = '') {
      const askpass = join(folder, 'askpass');
      writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${passphrase.replaceAll("'", `'\\''`)}'\n`);
      chmodSync(askpass, 0o700);
      await execa('ssh-add', [key], {
        env: {SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force'},
        stdin: 'ignore',
      });
    },
    stop() {
      process.kill(pid, 'SIGTERM');
    },
  };
}
