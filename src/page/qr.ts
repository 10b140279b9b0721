import { createRequire } from 'node:module';
import QRCode from 'qrcode';

// qrcode's synchronous SVG renderer (the one `QRCode.toString(…, {type: 'svg'})` uses); the
// package has no exports map, so the deep path is part of its public file layout.
const require = createRequire(import.meta.url);
const svgTag = require('qrcode/lib/renderer/svg-tag.js') as {
  render(qr: ReturnType<typeof QRCode.create>, options: QRCode.QRCodeToStringOptions): string;
};

const cache = new Map<string, string>();

/**
 * An inline SVG QR code for `url`, generated once per URL and cached for the process. Error
 * correction M (15%) survives glare and print wear while keeping the code small; the 4-module
 * quiet zone is what ISO/IEC 18004 asks for. The SVG is `aria-hidden`: the page wraps it in an
 * element with a localized accessible name and prints the URL as text next to it.
 */
export function qrSvg(url: string): string {
  const hit = cache.get(url);
  if (hit) return hit;
  const options = { type: 'svg', errorCorrectionLevel: 'M', margin: 4 } as const;
  const svg = svgTag
    .render(QRCode.create(url, options), options)
    .trim()
    .replace('<svg ', '<svg aria-hidden="true" focusable="false" class="qr" ');
  cache.set(url, svg);
  return svg;
}
