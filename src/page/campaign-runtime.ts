import { configAt } from '../config/current-campaign.js';
import type { PortalConfig } from '../config/load.js';
import { createTranslator, type Translator } from '../i18n/translator.js';

/** The configuration and translator a request renders with. */
export interface PageRuntime {
  config: PortalConfig;
  translator: Translator;
}

const translators = new WeakMap<PortalConfig, Translator>();

/**
 * The runtime as a venue sees it at `epochMs`: its current campaign (schedule.ts) and a translator
 * with that campaign's text overrides, built once per campaign and configuration. With one
 * campaign, or while a venue runs the file's first one, it is `runtime` itself.
 */
export function runtimeAt(runtime: PageRuntime, venueId: string, epochMs: number): PageRuntime {
  const config = configAt(runtime.config, venueId, epochMs);
  if (config === runtime.config) return runtime;
  let translator = translators.get(config);
  if (!translator) translators.set(config, (translator = createTranslator(config.campaign)));
  return { config, translator };
}
