import { createRequire } from 'node:module';

/**
 * `require` for kafkajs' internal modules, for the runtime fixes in this folder: returned only when the installed
 * kafkajs is one of `affected` (the releases a fix was written against and checked on), otherwise null, so a fix never
 * touches internals it does not know.
 */
export function kafkajsInternals(affected: ReadonlySet<string>): { readonly version: string; readonly require: NodeJS.Require } | null {
  const require = createRequire(import.meta.url);
  const { version } = require('kafkajs/package.json') as { version: string };
  return affected.has(version) ? { version, require } : null;
}
