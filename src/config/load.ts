import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { findGateway, GATEWAYS } from '../gateways/registry.js';
import { flattenMessages, loadLocaleResources } from '../i18n/resources.js';
import { SOURCE_LOCALE } from '../i18n/locales.js';
import { demoConfigPath, publicDir } from '../paths.js';
import { ConfigError, formatPath, friendlyErrors, problemsFromZod, type ConfigProblem } from './errors.js';
import { scheduleProblems, venueSchedule, type Campaign, type VenueSchedule } from './schedule.js';
import { portalFileSchema, type PortalFile, type VenueConfig } from './schema.js';

export interface Venue extends Omit<VenueConfig, 'gateway'> {
  /** The venue's gateway settings, validated by that gateway's own schema. */
  gateway: { kind: string } & Record<string, unknown>;
}

/** The validated campaign and venues, with defaults filled in. */
export interface PortalConfig {
  /** The file it came from, for logs. */
  source: string;
  /**
   * The first campaign of the file (the only one in the single-`campaign` format). Pages use the
   * venue's current campaign instead (`configAt` in current-campaign.ts).
   */
  campaign: Campaign;
  /** Every campaign, in file order. */
  campaigns: readonly Campaign[];
  /** Each venue's campaigns and switch instants, computed once (schedule.ts). */
  schedules: ReadonlyMap<string, VenueSchedule>;
  portal: {
    defaultLandingUrl: string;
    reportingTimeZone: string;
    silentVenueMinutes: number;
    /** `GET /` redirects here; unset: it lists the venues. */
    rootRedirect?: string;
    /** Absolute directory of venue logos outside the package; unset: public/ only. */
    logoDir?: string;
  };
  admin: PortalFile['admin'];
  venues: readonly Venue[];
  venueById: ReadonlyMap<string, Venue>;
}

/** Reads, parses and validates a portal file; every problem is reported at once in a ConfigError. */
export function loadPortalConfigFile(file: string | undefined): PortalConfig {
  const source = file ?? demoConfigPath;
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (err) {
    throw new ConfigError(source, [
      {
        where: 'PORTAL_CONFIG',
        message: `cannot read ${source} (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
      },
    ]);
  }
  return parsePortalConfig(text, source);
}

export function parsePortalConfig(text: string, source = '(inline)'): PortalConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({
        where: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'YAML',
        message: `${e.message.split('\n')[0]} (fix the YAML syntax)`,
      })),
    );
  }
  return validatePortalConfig(doc.toJS() ?? {}, source);
}

/** `portal.logoDir` as an absolute path (relative to the file's directory), if it is a directory. */
function logoDirOf(dir: string | undefined, source: string, problems: ConfigProblem[]): string | undefined {
  if (!dir) return undefined;
  const base = source.startsWith('(') ? process.cwd() : path.dirname(path.resolve(source));
  const absolute = path.resolve(base, dir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    problems.push({
      where: 'portal.logoDir',
      message: `${absolute} is not a directory; create it (e.g. /var/lib/bluezone-portal/logos) or remove the setting`,
    });
    return undefined;
  }
  return absolute;
}

/** Where a venue's logo file is: `portal.logoDir` first, then the package's public/. */
export function findLogo(file: string, logoDir: string | undefined): string | undefined {
  for (const dir of logoDir ? [logoDir, publicDir] : [publicDir]) {
    const candidate = path.join(dir, file);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** A campaign's steps and text overrides, checked against the shipped English texts. */
function campaignProblems(campaign: Campaign, at: string, sourceKeys: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  campaign.steps.forEach((step, i) => {
    if (step.text) {
      if (!step.text.en)
        problems.push({
          where: `${at}.steps[${i}].text`,
          message: 'must include "en", the fallback for other languages',
        });
    } else if (!sourceKeys.has(`steps.${step.id}`)) {
      problems.push({
        where: `${at}.steps[${i}].id`,
        message: `"${step.id}" is not a built-in step (${[...sourceKeys]
          .filter((k) => k.startsWith('steps.'))
          .map((k) => k.slice(6))
          .join(', ')}); give its wording in "text"`,
      });
    }
  });
  for (const [locale, overrides] of Object.entries(campaign.text)) {
    for (const key of Object.keys(overrides ?? {})) {
      if (!sourceKeys.has(key))
        problems.push({ where: `${at}.text.${locale}.${key}`, message: 'is not a key of locales/en.json' });
    }
  }
  return problems;
}

export function validatePortalConfig(input: unknown, source = '(object)'): PortalConfig {
  // Neither key is required by the schema (either will do): the missing campaign is reported here.
  const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const noCampaign: ConfigProblem[] =
    raw.campaign === undefined && raw.campaigns === undefined
      ? [
          {
            where: 'campaign',
            message: 'is missing: give the campaign to promote ("campaign"), or a list of "campaigns" with start dates',
          },
        ]
      : [];
  const parsed = portalFileSchema.safeParse(input, friendlyErrors);
  if (!parsed.success)
    throw new ConfigError(source, [
      ...noCampaign,
      ...problemsFromZod(parsed.error, '', { input, schema: portalFileSchema }),
    ]);
  if (noCampaign.length > 0) throw new ConfigError(source, noCampaign);
  const file: PortalFile = parsed.data;
  const problems: ConfigProblem[] = [];
  const logos = logoDirOf(file.portal.logoDir, source, problems);

  const sourceKeys = new Set(flattenMessages(loadLocaleResources().get(SOURCE_LOCALE)!).map(([k]) => k));
  const single = file.campaigns === undefined;
  const campaigns: Campaign[] = (file.campaigns ?? [file.campaign!]).map((c) => ({ ...c, qrUrl: c.qrUrl ?? c.webUrl }));
  campaigns.forEach((campaign, ci) => {
    const at = single ? 'campaign' : `campaigns[${ci}]`;
    if (single && campaign.start) {
      problems.push({
        where: 'campaign.start',
        message: 'a start date needs a list: write "campaigns:" with each campaign and its start',
      });
    }
    const first = campaigns.findIndex((c) => c.id === campaign.id);
    if (first !== ci) {
      problems.push({
        where: `${at}.id`,
        message: `"${campaign.id}" is already used by campaigns[${first}]; campaign ids must be unique`,
      });
    }
    problems.push(...campaignProblems(campaign, at, sourceKeys));
  });

  const venues: Venue[] = file.venues.map((venue, i) => {
    const where = (p: (string | number)[]) => formatPath(['venues', i, ...p]);
    const gateway = findGateway(venue.gateway.kind);
    let settings: Venue['gateway'] = venue.gateway;
    if (!gateway) {
      problems.push({
        where: where(['gateway', 'kind']),
        message: `unknown gateway "${venue.gateway.kind}"; use one of ${GATEWAYS.map((g) => g.id).join(', ')}`,
      });
    } else {
      const result = gateway.settingsSchema.safeParse(venue.gateway, friendlyErrors);
      if (result.success) settings = result.data as Venue['gateway'];
      else
        problems.push(
          ...problemsFromZod(result.error, `${where(['gateway'])}.`, {
            input: venue.gateway,
            schema: gateway.settingsSchema,
          }),
        );
    }
    if (venue.branding.logo && !findLogo(venue.branding.logo, logos)) {
      problems.push({
        where: where(['branding', 'logo']),
        message: logos
          ? `${venue.branding.logo} is neither in ${logos} (portal.logoDir) nor under public/; put the file there or remove the setting`
          : `public/${venue.branding.logo} does not exist; put the file under public/ (or in portal.logoDir) or remove the setting`,
      });
    }
    return { ...venue, gateway: settings };
  });

  file.admin.tokens.forEach((token, i) => {
    if (typeof token.scope !== 'object') return;
    const known = 'venues' in token.scope ? new Set(venues.map((v) => v.id)) : new Set(venues.map((v) => v.province));
    const list = 'venues' in token.scope ? token.scope.venues : token.scope.provinces;
    for (const item of list) {
      if (!known.has(item)) {
        problems.push({
          where: `admin.tokens[${i}].scope`,
          message: `"${item}" is not a configured ${'venues' in token.scope ? 'venue' : 'province'}`,
        });
      }
    }
  });

  const schedules = new Map<string, VenueSchedule>();
  venues.forEach((venue, i) => {
    for (const message of scheduleProblems(venue, campaigns))
      problems.push({ where: formatPath(['venues', i]), message });
    const schedule = venueSchedule(venue, campaigns);
    if (schedule) schedules.set(venue.id, schedule);
  });
  campaigns.forEach((campaign, ci) => {
    for (const province of campaign.provinces ?? []) {
      if (!venues.some((v) => v.province === province)) {
        problems.push({
          where: `campaigns[${ci}].provinces`,
          message: `"${province}" is not the province of any venue`,
        });
      }
    }
  });

  if (problems.length > 0) throw new ConfigError(source, problems);
  return {
    source,
    campaign: campaigns[0]!,
    campaigns,
    schedules,
    portal: {
      defaultLandingUrl: file.portal.defaultLandingUrl ?? campaigns[0]!.webUrl,
      reportingTimeZone: file.portal.reportingTimeZone,
      silentVenueMinutes: file.portal.silentVenueMinutes,
      ...(file.portal.rootRedirect ? { rootRedirect: file.portal.rootRedirect } : {}),
      ...(logos ? { logoDir: logos } : {}),
    },
    admin: file.admin,
    venues,
    venueById: new Map(venues.map((v) => [v.id, v])),
  };
}
