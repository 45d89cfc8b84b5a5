// PinDesk cannot start for a reason its operator has to fix where PinDesk runs: a path that cannot be
// created or written, a damaged file, a key that does not match the data. The message names the path
// (or the variable) and the cause; `npm start` says "PinDesk cannot start: …" and exits 2, like a bad
// setting (ConfigError), rather than "failed to start" with a bare library message.
export class StartupError extends Error {}
