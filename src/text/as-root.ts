/** A command that needs root, as the user should type it: with sudo, unless they are root already (a root machine may have no sudo). */
export function asRoot(command: string): string {
  return process.getuid?.() === 0 ? command : `sudo ${command}`;
}
