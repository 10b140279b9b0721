import { MAX_URL_LENGTH } from '../../src/page/safe-url.js';

/** Open-redirect and scheme-injection attempts a hostile client may put in the original URL. */
export const HOSTILE_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  '//evil.example',
  '\\\\evil.example',
  '/\\evil.example',
  'http:/\\evil.example',
  'http:\\\\evil.example',
  'https:evil.example',
  'http://user:pass@evil.example/',
  'http://evil.example\u0000.good/',
  'http://evil.example/\n',
  'ftp://evil.example/',
  '/relative/path',
  'evil.example',
  '',
  `http://example.com/${'a'.repeat(MAX_URL_LENGTH)}`,
  // Encoded, doubled and mixed-up forms of the same tricks.
  '\tjavascript:alert(1)',
  'javascript%3Aalert(1)',
  '%2F%2Fevil.example',
  '///evil.example',
  '/\\/evil.example',
  '/%2F/evil.example',
  'https:/evil.example',
  'http:evil.example',
  'http:///evil.example',
  // Credentials that hide the real host.
  'https://good.example@evil.example/',
  'http://evil.example%2F@good.example/',
  'https://evil.example\\@good.example/',
  // Header splitting and invisible white space.
  'http://evil.example/\r\nSet-Cookie: a=1',
  'http://evil.example\u2028/',
  '\u00a0http://evil.example/',
  // Other schemes that wrap an http URL, and an impossible port.
  'blob:http://evil.example/x',
  'view-source:http://evil.example/',
  'data:,http://good.example/',
  'http://evil.example:99999/',
];

/**
 * Odd but legitimate http(s) URLs (IDN and full-width hosts, encoded CRLF, quotes, empty userinfo):
 * a traveler may be sent there, but only in normalized, ASCII, percent-encoded form.
 */
export const ODD_SAFE_URLS = [
  'http://еxample.com/',
  'http://ｅｘａｍｐｌｅ.com/path',
  'http://example.com/%0d%0aSet-Cookie:%20a=1',
  "http://example.com/'onmouseover='alert(1)",
  'http://example.com/"><script>alert(1)</script>',
  'HtTpS://Example.COM/',
  'http://:@example.com/',
];

/**
 * Gateway addresses a venue must never accept as the place to send the browser for the grant:
 * public or look-alike hosts, for parameters such as `authaction`, `switch_url` or `base_grant_url`.
 */
export const HOSTILE_GRANT_TARGETS = [
  'http://evil.example/login',
  'https://evil.example:2050/opennds_auth/',
  'http://8.8.8.8:2050/nodogsplash_auth/',
  'https://n1.network-auth.com.evil.example/splash/grant',
  'https://evilnetwork-auth.com/splash/grant',
  'https://evil.example/.network-auth.com/',
  'http://evil.example#@192.168.1.1:2050/',
  'http://192.168.1.1:2050@evil.example/',
];

/** Markup and attribute-breaking payloads for every reflected parameter. */
export const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '" onmouseover="alert(1)',
  '</style><script>alert(1)</script>',
  '<svg/onload=alert(1)>',
  'javascript:alert(1)',
  '&lt;script&gt;',
  '{{constructor.constructor("alert(1)")()}}',
  '<%= process.exit() %>',
  '</title><script>alert(1)</script>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<base href="//evil.example/">',
  '<meta http-equiv="refresh" content="0;url=//evil.example/">',
  '<form action="//evil.example/"><button>x</button></form>',
  "'-alert(1)-'",
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '<img src=x onerror=alert(1)//',
];
