const SPECIAL = /[.+^${}()|[\]\\]/g;

/**
 * Compiles a file glob into a test of keys: `*` matches within one folder level, `**` across
 * levels (`a/**\/b` also matches `a/b`), `?` one character; case-insensitive, as DMS tools
 * write `.CSV` as often as `.csv`.
 * @example compileGlob('sales/*.csv')('sales/Deals 2026-11.CSV') // true
 */
export function compileGlob(glob: string): (key: string) => boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(SPECIAL, '\\$&');
  }
  const compiled = new RegExp(`^${re}$`, 'i');
  return (key) => compiled.test(key);
}
