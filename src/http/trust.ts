import proxyAddr from 'proxy-addr';
/** Express's compiled `trust proxy` function: is the address at hop `i` (0 = the socket's peer) trusted? */
export type TrustFn = (address: string, i: number) => boolean;

/** Answers kept; past this the memo starts afresh (a venue's gateways and proxies are a handful). */
export const TRUST_MEMO_SIZE = 1024;

/**
 * Express asks `trust proxy` for every `req.secure`, `req.protocol` and `req.ip`, and each answer
 * parses the address again (proxy-addr with ipaddr.js): on the splash route one `req.secure` cost
 * about as much as all its security headers (docs/PERFORMANCE.md). The answer depends only on the
 * address and the hop, so it is remembered; the memo is bounded because a hop-count setting asks
 * about client addresses too.
 */
export function memoizeTrust(trust: TrustFn, size = TRUST_MEMO_SIZE): TrustFn {
  let answers = new Map<string, boolean>();
  return (address, i) => {
    const key = `${i}|${address}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = trust(address, i);
      if (answers.size >= size) answers = new Map();
      answers.set(key, answer);
    }
    return answer;
  };
}

/** The `trust proxy` setting as the portal takes it (TRUST_PROXY, createPortal's `trustProxy`). */
export type TrustSetting = boolean | number | string | string[];

/**
 * The setting compiled as Express compiles `trust proxy` (express/lib/utils.js `compileTrust`), and
 * remembered: both transports and the admin app resolve client addresses and TLS with this one function.
 */
export function compileTrust(setting: TrustSetting): TrustFn {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_a, i) => i < setting;
  const list = typeof setting === 'string' ? setting.split(',').map((s) => s.trim()) : setting;
  return memoizeTrust(proxyAddr.compile(list));
}
