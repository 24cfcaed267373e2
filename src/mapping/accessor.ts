import { parsePath, type PathSegment } from './path.ts';

type Rec = Record<string, unknown>;

/** Reads a value at a precompiled path; `undefined` when any step is missing. */
export type Getter = (record: unknown) => unknown;
/** Writes a value at a precompiled path, creating objects, arrays and filtered elements. */
export type Setter = (record: Rec, value: unknown) => void;

const isObj = (v: unknown): v is Rec => v !== null && typeof v === 'object';

function step(seg: PathSegment): Getter {
  switch (seg.kind) {
    case 'key': {
      const k = seg.key;
      return (v) => (isObj(v) ? v[k] : undefined);
    }
    case 'index': {
      const n = seg.index;
      return (v) => (Array.isArray(v) ? v[n] : undefined);
    }
    case 'filter': {
      const { key, value } = seg;
      return (v) => {
        if (!Array.isArray(v)) return undefined;
        for (const el of v) if (isObj(el) && String(el[key]) === value) return el;
        return undefined;
      };
    }
  }
}

// Dotted key paths (most of them) read without a closure per step.
function keyGetter(keys: string[]): Getter {
  const [a, b] = keys as [string, string];
  if (keys.length === 1) return (r) => (isObj(r) ? r[a] : undefined);
  if (keys.length === 2)
    return (r) => {
      if (!isObj(r)) return undefined;
      const v = r[a];
      return isObj(v) ? v[b] : undefined;
    };
  return (r) => {
    let v = r;
    for (let i = 0; i < keys.length; i++) {
      if (!isObj(v)) return undefined;
      v = v[keys[i]!];
    }
    return v;
  };
}

/**
 * Compiles a path once into a reading closure.
 * @example compileGetter('field_data[name=email].values[0]')(lead) // 'a@b.com'
 */
export function compileGetter(path: string): Getter {
  const segs = parsePath(path);
  if (segs.every((s) => s.kind === 'key')) return keyGetter(segs.map((s) => s.key));
  const steps = segs.map(step);
  if (steps.length === 1) return steps[0]!;
  if (steps.length === 2) {
    const [a, b] = steps as [Getter, Getter];
    return (r) => b(a(r));
  }
  return (r) => {
    let v = r;
    for (let i = 0; i < steps.length && v !== undefined; i++) v = steps[i]!(v);
    return v;
  };
}

// No closures are created per call here: this runs for every nested field of every record.
function child(container: unknown, seg: PathSegment, next: PathSegment | undefined): unknown {
  const wantsObject = next === undefined || next.kind === 'key';
  if (seg.kind === 'key') {
    const o = container as Rec;
    const cur = o[seg.key];
    if (isObj(cur)) return cur;
    return (o[seg.key] = wantsObject ? {} : []);
  }
  const arr = container as unknown[];
  if (seg.kind === 'index') {
    const cur = arr[seg.index];
    if (isObj(cur)) return cur;
    return (arr[seg.index] = wantsObject ? {} : []);
  }
  for (const e of arr) if (isObj(e) && String(e[seg.key]) === seg.value) return e;
  const el = { [seg.key]: seg.value };
  arr.push(el);
  return el;
}

/**
 * Compiles a path once into a writing closure. A filter segment finds the matching element or
 * appends `{ key: value }`, so `field_data[name=email].values[0]` writes Meta's shape.
 */
export function compileSetter(path: string): Setter {
  const segs = parsePath(path);
  const last = segs[segs.length - 1]!;
  const parents = segs.slice(0, -1);
  if (last.kind === 'filter') throw new Error(`cannot write to a filter: ${path}`);
  const leaf = last.kind === 'key' ? last.key : last.index;
  if (parents.length === 0) return (r, v) => void (r[leaf] = v);
  if (segs.every((s) => s.kind === 'key')) {
    // Dotted keys (most paths): find or create each parent object, no per-step dispatch.
    const keys = parents.map((s) => (s as { key: string }).key);
    return (r, v) => {
      let cur = r;
      for (let i = 0; i < keys.length; i++) {
        const next = cur[keys[i]!];
        cur = isObj(next) ? next : (cur[keys[i]!] = {});
      }
      cur[leaf] = v;
    };
  }
  return (r, v) => {
    let cur: unknown = r;
    for (let i = 0; i < parents.length; i++) cur = child(cur, parents[i]!, segs[i + 1]);
    (cur as Rec)[leaf] = v;
  };
}
