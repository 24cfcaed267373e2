/** One sample of a Prometheus text exposition. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;
const COMMENT = new RegExp(`^# (HELP|TYPE) (${NAME})(?: (.*))?$`);
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/**
 * Parses the Prometheus text format (version 0.0.4) strictly: every line is a HELP or TYPE comment
 * or a sample; labels are quoted and escaped; values are numbers, NaN or ±Inf. Throws naming the
 * line that does not parse.
 */
export function parsePromText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const bad = (why: string) => new Error(`line ${i + 1}: ${why}: ${line}`);
    if (line.startsWith('#')) {
      const m = COMMENT.exec(line);
      if (!m) throw bad('not a HELP or TYPE comment');
      if (m[1] === 'TYPE' && !TYPES.includes(m[3] ?? '')) throw bad('unknown type');
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw bad('not a sample');
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const l = LABEL.exec(body);
      if (!l) throw bad('bad labels');
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
    }
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') throw bad('value is not a number');
    samples.push({ name: m[1]!, labels, value });
  });
  return samples;
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sumOf(samples: PromSample[], name: string, match: Record<string, string> = {}) {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}
