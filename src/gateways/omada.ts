import { z } from 'zod';
import { normalizeMac, safeOriginalUrl } from './client-params.js';
import { GrantError, refuse, type Arrival, type Gateway, type GrantHttp, type GrantState } from './gateway.js';
import { createGrantHttp } from './http-client.js';

/** Guest minutes when the venue sets no `session.minutes`: 8 hours (docs/gateways/omada.md). */
export const OMADA_DEFAULT_MINUTES = 480;

/** Printable text without control characters, for SSID and site values we pass back to the controller. */
// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f]+$/;

const settingsSchema = z
  .object({
    kind: z.literal('omada'),
    /** https://host:8043 (software controller), https://host (OC200/OC300 hardware controller, port 443). */
    controllerUrl: z
      .string()
      .refine(isControllerUrl, {
        error: 'must be the controller address without a path, e.g. https://omada.example.lan:8043',
      })
      .transform((u) => u.replace(/\/+$/, '')),
    /** The controller id, the first path segment of the controller's web UI (`https://host:8043/<id>/…`). */
    controllerId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the id from the controller URL, e.g. 1a2b3c4d5e6f…'),
    /** A hotspot operator (Hotspot Manager > Operators), not the controller admin. */
    operatorUsername: z.string().min(1),
    operatorPassword: z.string().min(1),
    /** Controllers ship self-signed certificates: accept them unless you installed a trusted one. */
    insecureTls: z.boolean().default(true),
    /**
     * Unit of the `time` field. TP-Link FAQ 3231 documents microseconds, the default; some
     * third-party code sends milliseconds, which a controller reading µs would turn into about 29
     * seconds of access, so the default errs long (docs/gateways/omada.md).
     */
    timeUnit: z.enum(['milliseconds', 'microseconds']).default('microseconds'),
    /** Whether `time` is a duration (added to now by the controller) or an absolute expiry since the epoch. */
    timeMode: z.enum(['duration', 'absolute']).default('duration'),
  })
  .strict();
export type OmadaSettings = z.infer<typeof settingsSchema>;

function isControllerUrl(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (value.length > 512 || /[\u0000-\u0020\\@?#]/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname.replace(/\/+$/, '') === '';
  } catch {
    return false;
  }
}

function text(value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length <= max && PRINTABLE.test(value) ? value : undefined;
}

function integer(value: string | undefined, max: number): string | undefined {
  return value !== undefined && /^\d{1,5}$/.test(value) && Number(value) <= max ? String(Number(value)) : undefined;
}

/**
 * What the grant needs, from the arrival. EAP (access point):
 * `clientMac, apMac, ssidName, t, radioId, site, redirectUrl`; gateway:
 * `clientMac, gatewayMac, vid, t, site, redirectUrl` (TP-Link FAQ 3231, https://www.tp-link.com/us/support/faq/3231/). MACs are
 * kept as the controller wrote them (`AA-BB-CC-DD-EE-FF`) and sent back unchanged.
 */
function grantState(query: Readonly<Record<string, string>>): { ok: true; state: GrantState } | Arrival {
  const absent = ['clientMac', 'site'].filter((name) => !query[name]);
  if (!query.apMac && !query.gatewayMac) absent.push('apMac or gatewayMac');
  else if (query.apMac) absent.push(...['ssidName', 'radioId'].filter((name) => !query[name]));
  else if (!query.vid) absent.push('vid');
  if (absent.length > 0)
    return refuse('missing', `the redirect has no ${absent.join(', ')}: is the portal set to External Portal Server?`);
  const clientMac = query.clientMac!;
  const site = text(query.site, 128);
  if (!normalizeMac(clientMac) || !site)
    return refuse('malformed', 'clientMac is not a MAC address or site is unreadable');
  const apMac = query.apMac;
  if (apMac) {
    const ssidName = text(query.ssidName, 64);
    const radioId = integer(query.radioId, 15); // 0 = 2.4 GHz, 1 = 5 GHz (6 GHz radios are higher)
    if (!normalizeMac(apMac) || ssidName === undefined || radioId === undefined)
      return refuse('malformed', 'apMac, ssidName or radioId is not in the controller format');
    return { ok: true, state: { clientMac, apMac, ssidName, radioId, site } };
  }
  const gatewayMac = query.gatewayMac!;
  const vid = integer(query.vid, 4094);
  if (!normalizeMac(gatewayMac) || vid === undefined)
    return refuse('malformed', 'gatewayMac or vid is not in the controller format');
  return { ok: true, state: { clientMac, gatewayMac, vid, site } };
}

/**
 * The `time` field: the session length in the configured unit, or (absolute mode) the expiry
 * since the epoch in that unit. Both stay below 2^53 for any session up to 30 days.
 */
export function omadaTime(minutes: number, settings: Pick<OmadaSettings, 'timeUnit' | 'timeMode'>, nowMs: number) {
  const ms = minutes * 60_000 + (settings.timeMode === 'absolute' ? nowMs : 0);
  return settings.timeUnit === 'microseconds' ? ms * 1000 : ms;
}

type Response = Awaited<ReturnType<GrantHttp['request']>>;

/** Omada answers HTTP 200 with `errorCode` (0 = success); anything else is a refusal. */
function omadaResult(res: Response, what: string): Record<string, unknown> {
  if (res.status >= 500) throw new GrantError('unreachable', `Omada ${what}: HTTP ${res.status}`);
  if (res.status < 200 || res.status > 299) throw new GrantError('rejected', `Omada ${what}: HTTP ${res.status}`);
  const body = res.json<unknown>();
  const record = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  if (record.errorCode !== 0) {
    const code = typeof record.errorCode === 'number' ? record.errorCode : 'none';
    throw new GrantError('rejected', `Omada ${what} refused: errorCode ${code}`);
  }
  return record;
}

/**
 * TP-Link Omada external portal server, controller 5.0.15 or later (https://www.tp-link.com/us/support/faq/3231/; TP-Link FAQ
 * 3231 "API and Code Sample for External Portal Server"). Server-side grant: a hotspot-operator
 * login returns a token (the `Csrf-Token` header) and a session cookie (`TPEAP_SESSIONID`, or
 * `TPOMADA_SESSIONID` from 5.11), then `extPortal/auth` with `authType: 4` authorizes the client.
 */
export const omadaGateway: Gateway<OmadaSettings> = {
  id: 'omada',
  displayName: 'TP-Link Omada external portal',
  settingsSchema,
  serverSide: true,
  controllerClient: (settings, timeoutMs) => createGrantHttp({ timeoutMs, insecureTls: settings.insecureTls }),
  parseArrival(query) {
    const read = grantState(query);
    if (!read.ok) return read;
    const { state } = read;
    return {
      ok: true,
      client: { clientMac: normalizeMac(state.clientMac), originalUrl: safeOriginalUrl(query.redirectUrl) },
      state,
    };
  },
  async grant({ settings, state, landing, session, http }) {
    const base = `${settings.controllerUrl}/${settings.controllerId}/api/v2/hotspot`;
    const login = await http.request({
      method: 'POST',
      url: `${base}/login`,
      body: { name: settings.operatorUsername, password: settings.operatorPassword },
    });
    const result = omadaResult(login, 'hotspot login').result;
    const token = result !== null && typeof result === 'object' ? (result as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || !token || token.length > 512)
      throw new GrantError('rejected', 'Omada hotspot login returned no token');
    const time = omadaTime(session.minutes ?? OMADA_DEFAULT_MINUTES, settings, Date.now());
    const client =
      state.apMac !== undefined
        ? { clientMac: state.clientMac, apMac: state.apMac, ssidName: state.ssidName, radioId: Number(state.radioId) }
        : { clientMac: state.clientMac, gatewayMac: state.gatewayMac, vid: Number(state.vid) };
    // The session cookie from the login goes along through the grant's cookie jar.
    const auth = await http.request({
      method: 'POST',
      url: `${base}/extPortal/auth`,
      headers: { 'Csrf-Token': token },
      body: { ...client, site: state.site, time, authType: 4 },
    });
    omadaResult(auth, 'extPortal/auth');
    return { kind: 'redirect', url: landing };
  },
};
