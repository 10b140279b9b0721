import { execFileSync } from 'node:child_process';
import jsQRModule from 'jsqr';

// jsqr is CommonJS with `exports.default`; under NodeNext the callable sits on `.default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

export interface Raster {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** pdftoppm's default output: binary PPM (P6), 8 bits per channel. */
export function decodePpm(ppm: Buffer): Raster {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write an 8-bit P6 image');
  const width = Number(header[1]);
  const height = Number(header[2]);
  const rgb = ppm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) rgba.set([rgb[j]!, rgb[j + 1]!, rgb[j + 2]!, 255], i * 4);
  return { width, height, rgba };
}

/** A PDF's single page as raw pixels at `dpi`, straight from pdftoppm's standard output. */
export function rasterizePdf(pdfPath: string, dpi: number): Raster {
  return decodePpm(execFileSync('pdftoppm', ['-r', String(dpi), '-singlefile', pdfPath], { maxBuffer: 64 << 20 }));
}

/** The text of the QR code in the image, if one can be read. */
export function scanQr(raster: Raster): string | undefined {
  return jsQR(raster.rgba, raster.width, raster.height)?.data;
}
