import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

/** ustar block size (POSIX.1-1988 pax/ustar format). */
const BLOCK = 512;

/** One regular file of an archive. */
export interface TarEntry {
  name: string;
  body: Buffer;
}

/** The archive is not a readable tar. */
export class TarError extends Error {
  override name = 'TarError';
}

const text = (b: Buffer, at: number, len: number) => {
  const raw = b.subarray(at, at + len);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
};

function octal(b: Buffer, at: number, len: number): number {
  if ((b[at]! & 0x80) !== 0) throw new TarError('base-256 sizes are not supported');
  const s = text(b, at, len).trim();
  const n = s === '' ? 0 : parseInt(s, 8);
  if (!Number.isFinite(n) || !/^[0-7]*$/.test(s)) throw new TarError(`bad octal field "${s}"`);
  return n;
}

/** Header checksum: the byte sum with the checksum field read as spaces. */
function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === octal(h, 148, 8);
}

/**
 * Reads the regular files of a tar archive (ustar, with GNU long names). Directories, links and
 * pax headers are skipped. Throws `TarError` on a damaged or truncated archive.
 */
export function readTar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let longName: string | null = null;
  for (let off = 0; off + BLOCK <= buf.length;) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((x) => x === 0)) break;
    if (!checksumOk(h)) throw new TarError(`bad header checksum at byte ${off}`);
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156]!);
    const prefix = text(h, 257, 6) === 'ustar' ? text(h, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    off += BLOCK;
    if (off + size > buf.length) throw new TarError(`"${name}" is truncated`);
    const body = buf.subarray(off, off + size);
    off += Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = text(body, 0, body.length);
      continue;
    }
    longName = null;
    if (type === '0' || type === '\0') out.push({ name, body });
  }
  return out;
}

/** Gunzips and reads a `.tar.gz`, refusing to inflate beyond `maxBytes`. */
export async function readTarGz(gz: Buffer, maxBytes: number): Promise<TarEntry[]> {
  let tar: Buffer;
  try {
    tar = await gunzipAsync(gz, { maxOutputLength: maxBytes });
  } catch (err) {
    throw new TarError(`not a readable gzip stream: ${(err as Error).message}`);
  }
  return readTar(tar);
}
