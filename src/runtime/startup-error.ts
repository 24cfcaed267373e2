/** Printed to stderr when start-up fails for a reason the operator must fix. */
export class StartupError extends Error {}
