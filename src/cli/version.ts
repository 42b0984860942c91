// The version of rampart, as package.json declares it (printed by `rampart --version`, written into
// SARIF reports).
import packageJson from '../../package.json' with { type: 'json' };

/** The package version, e.g. `0.1.0`. */
export const VERSION: string = packageJson.version;
