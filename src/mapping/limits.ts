/**
 * Limits on mapping files and on previews: what a file may cost the hub to load, and how long a
 * preview may run. A file past a limit is refused with a located error, never half loaded.
 */

/**
 * Largest mapping file read, in bytes (8 MiB). A 100,000-entry value map is about 3–4 MB; the
 * limit is checked before the file is read, so an oversized file costs no memory.
 */
export const MAX_MAPPING_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Most values a mapping document may hold once its aliases are expanded (every key, value and
 * list item counts one). Stops alias bombs ("billion laughs"), whose text is small but whose
 * expansion is not. A 100,000-entry value map holds about 200,000.
 */
export const MAX_MAPPING_NODES = 1_000_000;

/** Deepest nesting of YAML collections in a mapping file (shipped mappings use 6). */
export const MAX_MAPPING_DEPTH = 64;

/** Longest regular expression a mapping may contain (`matches`, `replace.pattern`). */
export const MAX_PATTERN_LENGTH = 1_000;

/**
 * A regular expression whose worst-case backtracking score (redos-detector's count of ways a
 * prefix can match) is above this is refused at validation.
 */
export const MAX_PATTERN_BACKTRACKS = 200;

/** How long a preview may map its records before it is stopped (milliseconds). */
export const PREVIEW_TIME_LIMIT_MS = 5_000;
