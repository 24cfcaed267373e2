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
 * Writes identity profiles as MessagePack (the map {t, e, p, f, w} that Redis's cmsgpack reads),
 * end to end in one buffer. Written by hand for this one shape: a batch packs one profile per
 * contact, and a generic packer's per-call cost was most of the identity step's CPU in Node.
 */
export class ProfileWriter {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private pos = 0;

  /** Appends a profile; returns its first and last byte in `bytes()`, counted from 1 (Lua's string.sub). */
  add(p: IdentityProfile): [number, number] {
    let most = 40; // map, keys, time and list headers
    for (const l of LISTS) for (const s of p[l]) most += 5 + 3 * s.length;
    this.reserve(most);
    const start = this.pos;
    this.byte(0x85); // fixmap of 5
    this.str('t');
    this.byte(0xcb); // float64: exact for epoch ms
    this.pos = this.buf.writeDoubleBE(p.t, this.pos);
    for (const l of LISTS) {
      this.str(l);
      const list = p[l];
      if (list.length < 16) this.byte(0x90 | list.length);
      else {
        this.byte(0xdc);
        this.pos = this.buf.writeUInt16BE(list.length, this.pos);
      }
      for (const s of list) this.str(s);
    }
    return [start + 1, this.pos];
  }

  /** Every profile added, end to end. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** A UTF-8 string: fixstr, str8, str16 or str32 by its byte length. */
  private str(s: string): void {
    const n = Buffer.byteLength(s);
    if (n < 32) this.byte(0xa0 | n);
    else if (n < 0x100) {
      this.byte(0xd9);
      this.byte(n);
    } else if (n < 0x10000) {
      this.byte(0xda);
      this.pos = this.buf.writeUInt16BE(n, this.pos);
    } else {
      this.byte(0xdb);
      this.pos = this.buf.writeUInt32BE(n, this.pos);
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
}
