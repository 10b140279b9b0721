import { Resvg } from '@resvg/resvg-js';
import jsQRModule from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrSvg } from '../../src/page/qr.js';

// jsqr is CommonJS with `exports.default`; under NodeNext the callable sits on `.default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

/** Rasterizes an SVG with resvg and decodes it with jsQR: both independent of the `qrcode` package. */
function decode(svg: string): string | undefined {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: 400 }, background: '#ffffff' }).render();
  const rgba = new Uint8ClampedArray(png.pixels);
  return jsQR(rgba, png.width, png.height)?.data;
}

describe('qrSvg', () => {
  it.each(['https://www.bluezone.gov.vn', 'https://pccovid.gov.vn/?utm_source=wifi&venue=ga-ha-noi'])(
    'encodes %s so that an independent decoder reads it back',
    (url) => {
      expect(decode(qrSvg(url))).toBe(url);
    },
  );

  it('has a 4-module quiet zone and is hidden from screen readers (the page labels it)', () => {
    const svg = qrSvg('https://www.bluezone.gov.vn');
    const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
    expect(size).toBeGreaterThan(21 + 8 - 1);
    const firstMove = /d="M(\d+) (\d+(?:\.\d+)?)/.exec(svg.slice(svg.indexOf('stroke=')));
    expect(Number(firstMove?.[1])).toBe(4);
    expect(svg).toContain('aria-hidden="true"');
  });

  it('is generated once per URL', () => {
    expect(qrSvg('https://example.com/x')).toBe(qrSvg('https://example.com/x'));
  });

  it('a different URL decodes differently (the check can fail)', () => {
    expect(decode(qrSvg('https://example.com/a'))).not.toBe('https://example.com/b');
  });
});
