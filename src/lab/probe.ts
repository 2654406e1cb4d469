import {connect} from 'node:net';

/** True when something there speaks SSH: its banner comes back through the relay. */
export function speaksSsh(address: string, port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = connect(port, address);
    const done = (ok: boolean) => (socket.destroy(), resolveAnswer(ok));
    socket.setTimeout(2000, () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('SSH-')));
    socket.once('error', () => done(false));
    // The relay accepts, then closes without a byte while sshd is not listening yet: no error
    // comes, and a promise left pending here ended lab up with Node's exit 13 (nothing awaited).
    socket.once('close', () => done(false));
  });
}

/** True while something listens there: a relay that was killed lets go of its port. */
export function portTaken(address: string, port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = connect(port, address);
    socket.once('connect', () => (socket.destroy(), resolvePort(true)));
    socket.once('error', () => resolvePort(false));
    socket.once('close', () => resolvePort(false));
  });
}
