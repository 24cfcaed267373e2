import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const README = join(import.meta.dirname, '../../README.md');

/**
 * The shell code of the README between `<!-- name -->` and `<!-- /name -->` (the fenced blocks
 * inside, fences dropped), so tests run the commands exactly as the README writes them.
 */
export function readmeBlock(name: string): string {
  const text = readFileSync(README, 'utf8');
  const open = `<!-- ${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(`<!-- /${name} -->`);
  if (start < 0 || end < start) throw new Error(`README has no <!-- ${name} --> block`);
  const inner = text.slice(start + open.length, end);
  const blocks = [...inner.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (!blocks.length) throw new Error(`README block ${name} holds no sh code`);
  return blocks.join('\n');
}
