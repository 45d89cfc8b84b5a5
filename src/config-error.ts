// A setting that is missing, malformed or contradictory: the start stops, naming the variable.
export class ConfigError extends Error {}
