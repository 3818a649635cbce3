export { createSfu, type Sfu, type SfuOptions } from './create-sfu.js';
export { resolveConfig, type SfuConfigInput } from './config/resolve-config.js';
export type { SfuConfig, AppConfig, IceServerConfig, TurnKeyConfig } from './config/config-types.js';
export { DEFAULT_CONFIG, DEFAULT_APP_ID, DEFAULT_APP_SECRET } from './config/defaults.js';
export { CallsService } from './service/calls-service.js';
