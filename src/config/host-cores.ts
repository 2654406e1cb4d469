import {availableParallelism} from 'node:os';
import type {Host} from './inventory.js';

/**
 * Local hosts without `cores` share this machine: each gets an equal part of its CPUs (at least one),
 * so together they never train more trees at once than it has CPUs. SSH hosts without `cores` learn
 * theirs when their worker starts (workerCoresArgument, adoptWorkerCores).
 */
export function shareLocalCores(hosts: Iterable<Host>, cpus = availableParallelism()): void {
  const shared = [...hosts].filter((host) => host.coresFrom === 'host' && host.transport === 'local');
  for (const host of shared) host.cores = Math.max(1, Math.floor(cpus / shared.length));
}

/** What the worker is started with: `auto` lets an SSH host without `cores` use all its CPUs. */
export function workerCoresArgument(host: Host): string {
  return host.coresFrom === 'host' && host.transport === 'ssh' ? 'auto' : String(Math.floor(host.cores));
}

/** The worker's slots become the host's cores when the inventory gave none; otherwise the inventory's stand. */
export function adoptWorkerCores(host: Host, ready: {cores: number}): void {
  if (host.coresFrom === 'host' && host.transport === 'ssh' && ready.cores > 0) host.cores = ready.cores;
}

/** A warning when the inventory asks for more slots than the host has CPUs, else null. */
export function coresWarning(host: Host, cpus: number | undefined): string | null {
  if (!cpus || host.coresFrom === 'host' || host.cores <= cpus) return null;
  return `inventory gives ${host.name} ${host.cores} cores but it has ${cpus}: trees will queue; set cores: ${cpus}`;
}

/** How the Cores column and the sweep's header say where a host's cores came from. */
export function coresSource(host: Host): string {
  return host.coresFrom === 'host' ? ' (from the host)' : '';
}

/** The sweep's header line naming the hosts whose cores came from the host, said once; none when the inventory gave them all. */
export function hostCoresLine(hosts: readonly Host[]): string[] {
  const fromHost = hosts.filter((host) => host.coresFrom === 'host');
  if (fromHost.length === 0) return [];
  const local = fromHost.some((host) => host.transport === 'local')
    ? `; local hosts share this machine's ${availableParallelism()} CPUs`
    : '';
  return [
    `Cores from the hosts (the inventory gives none): ${fromHost.map((host) => `${host.name} ${host.cores}`).join(', ')}${local}; set cores: in the inventory to choose`,
  ];
}
