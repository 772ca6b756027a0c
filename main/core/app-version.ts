/** The version shown to users and support: package.json's, baked in at build time. */
import pkg from '../../package.json' with { type: 'json' };

export function appVersion(): string {
  return pkg.version;
}
