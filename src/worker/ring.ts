import {createServer, connect, type TLSSocket} from 'node:tls';
import {FramedConnection} from '../protocol/connection.js';
import {float64Body} from '../protocol/float64-body.js';
import type {RingAddress} from '../protocol/messages.js';

/**
 * TLS with a pre-shared key: the coordinator makes a fresh random key for each run and gives it to
 * each worker over its own channel (an SSH session, a child's pipe), so only the run's workers can
 * join its ring; ECDHE keeps one run's traffic secret even from a later leak of its key. ChaCha20
 * first: a Pi has no AES instructions.
 */
const CIPHERS = 'ECDHE-PSK-CHACHA20-POLY1305:PSK-CHACHA20-POLY1305';
/** A peer that connects but has not authenticated and said who it is within this time is dropped. */
const HELLO_TIMEOUT_MS = 10_000;

/** The frames between ring neighbours: who is connecting, then the segments of each reduction. */
type RingFrame =
  | {type: 'ring-hello'; generation: number; rank: number}
  | {type: 'ring-segment'; generation: number; step: number; phase: number};

interface Link {
  socket: TLSSocket;
  connection: FramedConnection<RingFrame, RingFrame>;
}

interface Waiter {
  resolve: (body: Uint8Array) => void;
  reject: (error: Error) => void;
}

/**
 * One worker's place in a ring all-reduce: a listener on one address (the loopback, or the host's
 * own end of its SSH connection, never every interface), a link to the next host and one from the
 * previous. `reduce` sums a vector over the ring in 2(n-1) exchanges of 1/n of it each, so every
 * host sends and receives 2(n-1)/n of the vector whatever n is. A broken or aborted ring fails the
 * reduction in hand; the coordinator forms a new generation without the host that was lost.
 */
export class RingMember {
  private readonly server;
  private generation = -1;
  private rank = 0;
  private size = 1;
  private next: Link | undefined;
  private previous: Link | undefined;
  private previousArrived: {resolve: () => void; reject: (error: Error) => void} | undefined;
  /** A previous host that said hello for a generation this host has not been told of yet. */
  private early: {generation: number; rank: number; link: Link} | undefined;
  /** Segments that arrived before the reduction asked for them, and reductions waiting for theirs. */
  private readonly arrived = new Map<string, Uint8Array>();
  private readonly waiters = new Map<string, Waiter>();
  private broken: Error | undefined;
  /** The link to the next host while it connects: a broken ring must not wait out a TCP connect. */
  private connecting: TLSSocket | undefined;

  private constructor(
    private readonly run: number,
    private readonly key: Buffer,
  ) {
    this.server = createServer(
      {
        ciphers: CIPHERS,
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.2',
        pskCallback: (_socket, identity) => (identity === this.identity ? this.key : null),
      },
      (socket) => this.accept(socket),
    );
    // A stranger without the key fails the handshake: nothing to do but drop it.
    this.server.on('tlsClientError', () => undefined);
  }

  private get identity(): string {
    return `cluster-ring-${this.run}`;
  }

  static listen(run: number, key: Buffer, bind: string): Promise<RingMember> {
    const member = new RingMember(run, key);
    return new Promise((resolve, reject) => {
      member.server.once('error', reject);
      member.server.listen(0, bind, () => {
        member.server.off('error', reject);
        resolve(member);
      });
    });
  }

  address(): RingAddress {
    const bound = this.server.address();
    if (bound === null || typeof bound === 'string') throw new Error('the ring listener has no address');
    return {address: bound.address, port: bound.port};
  }

  /** Joins generation `generation` as `rank` of `size`: connects to the next host, waits for the previous. */
  async form(generation: number, rank: number, size: number, next: RingAddress): Promise<void> {
    this.dropLinks(new Error(`ring generation ${generation} replaces ${this.generation}`));
    this.forgetBefore(generation);
    this.generation = generation;
    this.rank = rank;
    this.size = size;
    this.broken = undefined;
    if (size === 1) return;
    const arrived = new Promise<void>((resolve, reject) => (this.previousArrived = {resolve, reject}));
    // Settled before it is awaited when the ring breaks while connecting: never an unhandled rejection.
    arrived.catch(() => undefined);
    const early = this.early;
    this.early = undefined;
    if (early?.generation === generation && early.rank === this.expectedPrevious) this.adoptPrevious(early.link);
    else early?.link.socket.destroy();
    this.next = await this.connectTo(next);
    await this.next.connection.send({type: 'ring-hello', generation, rank});
    await arrived;
  }

  private get expectedPrevious(): number {
    return (this.rank - 1 + this.size) % this.size;
  }

  private adoptPrevious(link: Link): void {
    this.previous?.socket.destroy();
    this.previous = link;
    this.watch(link.socket, 'previous');
    if (link.socket.destroyed) this.fail(new Error('the previous host of the ring went away'));
    else this.previousArrived?.resolve();
  }

  /** Sums `vector` in place with the same vector of every host of the ring; `step` names the reduction. */
  async reduce(vector: Float64Array, step: number): Promise<void> {
    const n = this.size;
    if (n === 1) return;
    const bounds = (segment: number) => {
      const s = ((segment % n) + n) % n;
      return [Math.floor((s * vector.length) / n), Math.floor(((s + 1) * vector.length) / n)];
    };
    // Reduce-scatter: after n-1 phases this host holds the whole sum of segment rank+1.
    for (let phase = 0; phase < n - 1; phase++) {
      const [sendFrom, sendTo] = bounds(this.rank - phase);
      const [from, to] = bounds(this.rank - phase - 1);
      const [, incoming] = await Promise.all([
        this.send(step, phase, vector.subarray(sendFrom, sendTo)),
        this.receive(step, phase),
      ]);
      const values = float64Body(incoming);
      for (let i = from; i < to; i++) vector[i] += values[i - from];
    }
    // All-gather: the whole sums go round until every host has all of them.
    for (let phase = n - 1; phase < 2 * (n - 1); phase++) {
      const offset = phase - (n - 1);
      const [sendFrom, sendTo] = bounds(this.rank + 1 - offset);
      const [from] = bounds(this.rank - offset);
      const [, incoming] = await Promise.all([
        this.send(step, phase, vector.subarray(sendFrom, sendTo)),
        this.receive(step, phase),
      ]);
      vector.set(float64Body(incoming), from);
    }
  }

  /** Fails the reduction in hand and drops the links: the coordinator lost a host of this ring. */
  abort(generation: number, reason: string): void {
    if (generation >= this.generation) this.dropLinks(new Error(reason));
  }

  close(): void {
    this.dropLinks(new Error('the run ended'));
    this.server.close();
  }

  private send(step: number, phase: number, values: Float64Array): Promise<void> {
    if (this.broken || !this.next) return Promise.reject(this.broken ?? new Error('the ring is not formed'));
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    return this.next.connection.send({type: 'ring-segment', generation: this.generation, step, phase}, bytes);
  }

  private receive(step: number, phase: number): Promise<Uint8Array> {
    const key = `${this.generation}:${step}:${phase}`;
    const body = this.arrived.get(key);
    if (body) {
      this.arrived.delete(key);
      return Promise.resolve(body);
    }
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => this.waiters.set(key, {resolve, reject}));
  }

  private connectTo(next: RingAddress): Promise<Link> {
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: next.address,
        port: next.port,
        ciphers: CIPHERS,
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.2',
        // The pre-shared key is the authentication: there is no certificate to check.
        checkServerIdentity: () => undefined,
        pskCallback: () => ({psk: this.key, identity: this.identity}),
      });
      this.connecting = socket;
      socket.once('secureConnect', () => {
        this.connecting = undefined;
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(this.link(socket, 'next'));
      });
      socket.once('error', reject);
    });
  }

  /**
   * A connection to the listener: kept only if it says it is the previous host of this generation
   * (or of a later one this host has not been told of yet: its neighbour may hear of it first).
   */
  private accept(socket: TLSSocket): void {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    let link: Link | undefined;
    const connection = new FramedConnection<RingFrame, RingFrame>(
      socket,
      socket,
      ({header, body}) => {
        if (link) return this.arrive(header, body);
        clearTimeout(timer);
        if (header.type !== 'ring-hello') return socket.destroy();
        link = {socket, connection};
        if (header.generation === this.generation && header.rank === this.expectedPrevious) this.adoptPrevious(link);
        else if (header.generation > this.generation) {
          this.early?.link.socket.destroy();
          this.early = {generation: header.generation, rank: header.rank, link};
        } else socket.destroy();
      },
      () => socket.destroy(),
    );
  }

  private link(socket: TLSSocket, side: 'next'): Link {
    const connection = new FramedConnection<RingFrame, RingFrame>(
      socket,
      socket,
      () => this.fail(new Error('the next host of the ring sent data it must not')),
      (error) => this.fail(error),
    );
    this.watch(socket, side);
    return {socket, connection};
  }

  private watch(socket: TLSSocket, side: 'next' | 'previous'): void {
    const lost = () => {
      const current = side === 'next' ? this.next : this.previous;
      if (current?.socket === socket) this.fail(new Error(`the ${side} host of the ring went away`));
    };
    socket.on('close', lost);
    socket.on('error', lost);
  }

  private arrive(header: RingFrame, body: Uint8Array): void {
    // A later generation's segment can come before this host is told of it; an older one is stale.
    if (header.type !== 'ring-segment' || header.generation < this.generation) return;
    const key = `${header.generation}:${header.step}:${header.phase}`;
    const waiter = this.waiters.get(key);
    if (waiter) {
      this.waiters.delete(key);
      waiter.resolve(body);
    } else this.arrived.set(key, body);
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
    this.previousArrived?.reject(error);
    this.connecting?.destroy(error);
    this.connecting = undefined;
  }

  private dropLinks(error: Error): void {
    this.fail(error);
    this.next?.socket.destroy();
    this.previous?.socket.destroy();
    this.next = undefined;
    this.previous = undefined;
    this.previousArrived = undefined;
  }

  /** Forgets segments of generations before `generation`. */
  private forgetBefore(generation: number): void {
    for (const key of this.arrived.keys()) if (Number(key.split(':')[0]) < generation) this.arrived.delete(key);
  }
}
