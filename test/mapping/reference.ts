import type { PathSegment } from '../../src/mapping/path.ts';
import { Invalid, type Step } from '../../src/mapping/transforms/index.ts';

// The straightforward implementations the per-record fast paths replaced, kept as the reference
// the property tests in fast-paths.test.ts compare them with: same input, same answer.

type Rec = Record<string, unknown>;
const isObj = (v: unknown): v is Rec => v !== null && typeof v === 'object';

/** Title case, one character at a time. */
export function titleCase(s: string): string {
  const starts = new Set([' ', '\t', '\n', '-', "'", '’', '(', '/']);
  const lower = s.toLowerCase();
  let out = '';
  let start = true;
  for (const ch of lower.split('')) {
    out += start ? ch.toUpperCase() : ch;
    start = starts.has(ch);
  }
  return out.replace(/\bMc(\p{Ll})/gu, (_, ch: string) => `Mc${ch.toUpperCase()}`);
}

const VIN_VALUE: Record<string, number> = {};
'0123456789'.split('').forEach((d, i) => (VIN_VALUE[d] = i));
'ABCDEFGH'.split('').forEach((c, i) => (VIN_VALUE[c] = i + 1));
'JKLMN'.split('').forEach((c, i) => (VIN_VALUE[c] = i + 1));
VIN_VALUE.P = 7;
VIN_VALUE.R = 9;
'STUVWXYZ'.split('').forEach((c, i) => (VIN_VALUE[c] = i + 2));
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** VIN check digit by an object lookup per character. */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += VIN_VALUE[vin[i]!]! * VIN_WEIGHTS[i]!;
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

/** VIN normalization with regular expressions. */
export function normalizeVin(text: string, checkDigit = true): string | Invalid {
  const v = text.toUpperCase().replace(/[\s-]/g, '');
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(v))
    return new Invalid(`invalid VIN ${JSON.stringify(text)}: need 17 characters, no I, O or Q`);
  if (checkDigit && v[8] !== vinCheckDigit(v)) {
    return new Invalid(
      `invalid VIN ${JSON.stringify(text)}: check digit should be ${vinCheckDigit(v)}`,
    );
  }
  return v;
}

/** Postal codes with regular expressions only. */
export function normalizePostal(
  v: unknown,
  country: 'auto' | 'US' | 'CA' = 'auto',
  zip5 = false,
): string | undefined {
  const s = String(v).trim().toUpperCase().replace(/\s+/g, ' ');
  if (country !== 'CA') {
    if (typeof v === 'number' && /^\d{3,4}$/.test(s)) return s.padStart(5, '0');
    const us = /^(\d{5})(?:-?(\d{4}))?$/.exec(s.replace(/\s/g, ''));
    if (us) return us[2] && !zip5 ? `${us[1]}-${us[2]}` : us[1];
  }
  if (country !== 'US') {
    const ca = /^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPR-TV-Z]) ?(\d[ABCEGHJ-NPR-TV-Z]\d)$/.exec(
      s.replace(/-/g, ' ').replace(/\s+/g, ' '),
    );
    if (ca) return `${ca[1]} ${ca[2]}`;
  }
  return undefined;
}

const ISO_OFFSET =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:(Z)|([+-]\d{2}):?(\d{2})?)$/i;
const toSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * ISO 8601 with an offset by a regular expression and Date.parse: epoch ms, NaN when the pattern
 * matches but Date.parse refuses it, undefined when it does not match (other parsers then try).
 */
export function isoDateTime(text: string): number | undefined {
  const s = text.trim();
  const m = ISO_OFFSET.exec(s);
  if (!m) return undefined;
  const ms =
    m[3] && s[10] === 'T' && m[2]!.length >= 8
      ? Date.parse(s)
      : Date.parse(`${m[1]}T${m[2]}${m[3] ? 'Z' : `${m[4]}:${m[5] ?? '00'}`}`);
  return Number.isNaN(ms) ? NaN : toSeconds(ms);
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** UTC formatting through a Date object. */
export function formatUtc(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 1000 || y > 9999) return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** A pipeline that runs every step on its own, converting and checking between steps. */
export function pipeline(steps: { fn: Step; acceptsMissing: boolean }[]): Step {
  const missing = (v: unknown) => v === undefined || v === null || v === '';
  return (v) => {
    let cur: unknown = missing(v) ? undefined : v;
    for (const s of steps) {
      if (cur === undefined && !s.acceptsMissing) continue;
      cur = s.fn(cur);
      if (cur instanceof Invalid) return cur;
      if (missing(cur)) cur = undefined;
    }
    return cur;
  };
}

/** Reads a path one segment at a time. */
export function get(segs: PathSegment[], record: unknown): unknown {
  let v = record;
  for (const seg of segs) {
    if (v === undefined) return undefined;
    if (seg.kind === 'key') v = isObj(v) ? v[seg.key] : undefined;
    else if (seg.kind === 'index') v = Array.isArray(v) ? v[seg.index] : undefined;
    else if (!Array.isArray(v)) v = undefined;
    else v = v.find((el) => isObj(el) && String(el[seg.key]) === seg.value);
  }
  return v;
}

/** Writes a dotted key path, creating the objects on the way. */
export function setKeys(keys: string[], record: Rec, value: unknown): void {
  let cur = record;
  for (const k of keys.slice(0, -1)) {
    if (!isObj(cur[k])) cur[k] = {};
    cur = cur[k] as Rec;
  }
  cur[keys[keys.length - 1]!] = value;
}
