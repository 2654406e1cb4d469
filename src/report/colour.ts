/** ANSI colours for status words: only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function colours(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env) {
  const on = Boolean(stream.isTTY) && !env.NO_COLOR;
  const paint = (code: number) => (text: string) => (on && text ? `\x1b[${code}m${text}\x1b[39m` : text);
  return {red: paint(31), green: paint(32), yellow: paint(33)};
}
