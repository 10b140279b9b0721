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
];
