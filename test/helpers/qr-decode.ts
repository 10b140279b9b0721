import { Resvg } from '@resvg/resvg-js';
import jsQRModule from 'jsqr';

// jsqr is CommonJS with `exports.default`; under NodeNext the callable sits on `.default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

/** What a QR code's SVG holds: rasterized with resvg, decoded with jsQR (both independent of `qrcode`). */
export function decodeQr(svg: string): string | undefined {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: 400 }, background: '#ffffff' }).render();
  return jsQR(new Uint8ClampedArray(png.pixels), png.width, png.height)?.data;
}
