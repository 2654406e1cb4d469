import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)].filter((page) =>
  page.endsWith('.md'),
);

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading: lower case, spaces as hyphens, punctuation but - and _ dropped. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(page: string): Set<string> {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1].replace(/`/g, ''))));
}

/** Every relative link of a page that leads nowhere: a missing file, or an anchor no heading has. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  for (const [, target] of prose(readFileSync(join(ROOT, page), 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue;
    const [path, anchor] = target.split('#');
    const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), path);
    if (!existsSync(file)) broken.push(`${target} (no such file)`);
    else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(relative(ROOT, file)).has(anchor))
      broken.push(`${target} (no such heading)`);
  }
  return broken;
}

test('every relative link of the README and docs/ leads to a file and a heading that exist', (t) => {
  t.true(PAGES.length > 10);
  for (const page of PAGES) t.deepEqual(brokenLinks(page), [], page);
});

test('the README links every page of docs/, and every page links back to the README', (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const page of PAGES.filter((page) => page.startsWith('docs/'))) {
    t.true(readme.includes(`](${page})`), `README.md does not link ${page}`);
    if (page !== 'docs/commands.md')
      t.true(readFileSync(join(ROOT, page), 'utf8').includes('](../README.md)'), `${page} does not link the README`);
  }
});

test('the README stays short: a newcomer reads it in five minutes', (t) => {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length;
  t.true(lines <= 350, `README.md has ${lines} lines`);
});
