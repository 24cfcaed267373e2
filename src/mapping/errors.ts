/** A path inside a mapping document, as keys and array indexes. */
export type DocPath = readonly (string | number)[];

/** Formats a document path as `fields.phone.transform[1]`. */
export function formatDocPath(path: DocPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** One mistake in a mapping file, located to the line and column of the YAML node. */
export class MappingError {
  constructor(
    /** File name as given to the loader. */
    readonly file: string,
    /** 1-based line. */
    readonly line: number,
    /** 1-based column. */
    readonly column: number,
    /** Path of the offending node inside the document. */
    readonly path: DocPath,
    /** Why it is wrong, with a suggestion where one is near. */
    readonly message: string,
  ) {}

  /**
   * The one-line form:
   * `mappings/meta-leads.yaml:14:7 fields.phone.transform[1]: unknown transform "phon" — did you mean "phone"?`
   */
  format(): string {
    const where = this.path.length > 0 ? ` ${formatDocPath(this.path)}:` : '';
    return `${this.file}:${this.line}:${this.column}${where} ${this.message}`;
  }

  /** Plain data for `--json` output. */
  toJSON(): { file: string; line: number; column: number; path: string; message: string } {
    const { file, line, column, message } = this;
    return { file, line, column, path: formatDocPath(this.path), message };
  }
}

/** A problem with one field of one record: the record cannot be mapped cleanly. */
export interface FieldError {
  /** The mapping field (canonical field name) that failed. */
  field: string;
  /** Why, e.g. `required field is missing` or `invalid phone number "555"`. */
  reason: string;
  /** The offending input value, when there is one. */
  value?: unknown;
  /** True when the field is required: the whole record is to be quarantined. */
  fatal: boolean;
}
