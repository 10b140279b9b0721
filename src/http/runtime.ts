import type { PortalConfig } from '../config/load.js';
import { createTranslator, type Translator } from '../i18n/translator.js';

/**
 * What the request handlers read per request. Built once per loaded configuration, so that a
 * reload can swap it in one assignment (no request sees half of an old and half of a new config).
 */
export interface PortalRuntime {
  config: PortalConfig;
  translator: Translator;
}

export function buildRuntime(config: PortalConfig): PortalRuntime {
  return { config, translator: createTranslator(config.campaign) };
}

/** A mutable holder of the current runtime. */
export interface RuntimeRef {
  current: PortalRuntime;
}
