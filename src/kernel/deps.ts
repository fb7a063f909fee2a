// The dependencies every request step may use, built once per process by src/gateway/create.ts.
// The kernel names only configuration, logging and the clock; src/gateway/deps.ts adds the domain services by interface
// merging, so the kernel never imports a domain while handlers still see one typed object.
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  /** The time the request path works with (tests inject one instead of waiting). */
  clock: () => number;
}
