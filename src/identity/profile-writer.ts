/**
 * An identity profile as the resolve script stores it (resolve-script.ts, KEYS[4]): created at `t`
 * (epoch ms), with the emails, phones, first names and weak keys of every record resolved to it.
 */
export interface IdentityProfile {
  t: number;
  e: readonly string[];
  p: readonly string[];
  f: readonly string[];
  w: readonly string[];
}

const LISTS = ['e', 'p', 'f', 'w'] as const;

/**
 * Writes MessagePack by hand, end to end in one growing buffer: arrays, strings, unsigned
 * integers and float64, the subset Redis's cmsgpack reads back. Written for the identity step's
 * two arguments (the contacts and their profiles): a generic packer's per-value cost was most of
 * that step's CPU in Node.
 */
export class MsgpackWriter {
  protected buf = Buffer.allocUnsafe(16 * 1024);
  protected pos = 0;

  /** Everything written, end to end. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** An array header of `n` items (fixarray, array16 or array32). */
  array(n: number): void {
    this.reserve(5);
    if (n < 16) this.buf[this.pos++] = 0x90 | n;
    else if (n < 0x10000) {
      this.buf[this.pos++] = 0xdc;
      this.pos = this.buf.writeUInt16BE(n, this.pos);
    } else {
      this.buf[this.pos++] = 0xdd;
      this.pos = this.buf.writeUInt32BE(n, this.pos);
    }
  }

  /** A non-negative integer below 2^32 (positive fixint, uint8, uint16 or uint32). */
  uint(n: number): void {
    this.reserve(5);
    if (n < 0x80) this.buf[this.pos++] = n;
    else if (n < 0x100) {
      this.buf[this.pos++] = 0xcc;
      this.buf[this.pos++] = n;
    } else if (n < 0x10000) {
      this.buf[this.pos++] = 0xcd;
      this.pos = this.buf.writeUInt16BE(n, this.pos);
    } else {
      this.buf[this.pos++] = 0xce;
      this.pos = this.buf.writeUInt32BE(n, this.pos);
    }
  }

  /** A float64 (exact for epoch ms). */
  float64(n: number): void {
    this.reserve(9);
    this.buf[this.pos++] = 0xcb;
    this.pos = this.buf.writeDoubleBE(n, this.pos);
  }

  /** A UTF-8 string: fixstr, str8, str16 or str32 by its byte length. */
  str(s: string): void {
    const len = s.length;
    this.reserve(5 + 3 * len);
    // Short ASCII (nearly every identity key) is copied code by code: cheaper than measuring and
    // encoding it through Buffer's native calls.
    if (len < 32) {
      const start = this.pos;
      this.buf[this.pos++] = 0xa0 | len;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        this.buf[this.pos++] = c;
      }
      if (i === len) return;
      this.pos = start;
    }
    const n = Buffer.byteLength(s);
    if (n < 32) this.buf[this.pos++] = 0xa0 | n;
    else if (n < 0x100) {
      this.buf[this.pos++] = 0xd9;
      this.buf[this.pos++] = n;
    } else if (n < 0x10000) {
      this.buf[this.pos++] = 0xda;
      this.pos = this.buf.writeUInt16BE(n, this.pos);
    } else {
      this.buf[this.pos++] = 0xdb;
      this.pos = this.buf.writeUInt32BE(n, this.pos);
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Room for `n` more bytes. */
  protected reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/** Writes identity profiles as MessagePack (the map {t, e, p, f, w} that Redis's cmsgpack reads). */
export class ProfileWriter extends MsgpackWriter {
  /** Appends a profile; returns its first and last byte in `bytes()`, counted from 1 (Lua's string.sub). */
  add(p: IdentityProfile): [number, number] {
    const start = this.pos;
    this.reserve(1);
    this.buf[this.pos++] = 0x85; // fixmap of 5
    this.str('t');
    this.float64(p.t);
    for (const l of LISTS) {
      this.str(l);
      this.list(p[l]);
    }
    return [start + 1, this.pos];
  }

  /** An array of strings. */
  list(items: readonly string[]): void {
    this.array(items.length);
    for (const s of items) this.str(s);
  }
}
