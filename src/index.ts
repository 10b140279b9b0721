/** Public API of the bluezone-portal package. */
export { createPortal, type PortalOptions, type PortalRouter, type PortalConfigInput } from './plugin.js';
export { createApp, type AppDeps, type PortalApp } from './app.js';
export { startPortal, type RunningPortal } from './server.js';
export { loadEnv, type Env } from './config/env.js';
export {
  loadPortalConfigFile,
  parsePortalConfig,
  validatePortalConfig,
  type PortalConfig,
  type Venue,
} from './config/load.js';
export { ConfigError, type ConfigProblem } from './config/errors.js';
export { createLogger, type Logger } from './log/logger.js';
export type { Gateway, ClientContext, ContinueControl } from './gateways/gateway.js';
export { openStore } from './store/open.js';
export type { Store } from './store/store.js';
