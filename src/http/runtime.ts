import type { PortalConfig } from '../config/load.js';
import { createTranslator, type Translator } from '../i18n/translator.js';

/**
 * What the request handlers read per request. Built once per loaded configuration, so that a
 * reload can swap it in one assignment (no request sees half of an old and half of a new config).
 */
export interface PortalRuntime {
  config: PortalConfig;
  translator: Translator;
  /** The portal's public base URL (PUBLIC_URL): QR codes encode counted short links. */
  publicUrl?: string;
}

export function buildRuntime(config: PortalConfig, publicUrl?: string): PortalRuntime {
  return { config, translator: createTranslator(config.campaign), publicUrl };
}

/** A mutable holder of the current runtime. */
export interface RuntimeRef {
  current: PortalRuntime;
}
