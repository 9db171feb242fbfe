/**
 * The PNG writer: what it writes decodes (CRCs, zlib, filters) to the same
 * pixels, and the Mandelbrot image it writes is black exactly where the
 * float64 reference says the orbit stayed bounded, at the size asked for.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '../../src/render/png.js';
import { escapeColor, mandelbrotReference, mandelbrotRgb } from '../../src/workloads/mandelbrot.js';

describe('encodePng', () => {
  it('writes a valid PNG that decodes to the same pixels, RGB and RGBA', () => {
    const w = 5;
    const h = 3;
    for (const ch of [3, 4] as const) {
      const px = Uint8Array.from({ length: w * h * ch }, (_, i) => (i * 37) & 0xff);
      const png = encodePng(w, h, px, ch);
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.toString('latin1', 12, 16)).toBe('IHDR');
      expect(png.readUInt32BE(16)).toBe(w);
      expect(png.readUInt32BE(20)).toBe(h);
      expect(png[25]).toBe(ch === 4 ? 6 : 2);
      const d = decodePng(png);
      expect(d).toMatchObject({ width: w, height: h, channels: ch });
      expect([...d.pixels]).toEqual([...px]);
      expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
    }
  });

  it('refuses a size that does not match the pixels', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow(RangeError);
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow(RangeError);
  });

  it('the decoder catches a corrupted chunk', () => {
    const png = encodePng(4, 4, new Uint8Array(48).fill(200));
    const bad = Buffer.from(png);
    bad[40] = (bad[40] as number) ^ 0xff;
    expect(() => decodePng(bad)).toThrow(/bad CRC/);
  });

  it('the decoder reads the filters other encoders use (sub, up, average, paeth)', () => {
    // Rows of 2 RGB pixels, each row with another filter, built by hand.
    const w = 2;
    const rows = [
      [1, 10, 20, 30, 5, 5, 5], // sub: second pixel = first + (5,5,5)
      [2, 1, 1, 1, 1, 1, 1], // up: each byte + the row above
      [3, 4, 4, 4, 4, 4, 4], // average of left and up
      [4, 0, 0, 0, 0, 0, 0], // paeth: copies its predictor
    ];
    const raw = Buffer.from(rows.flat());
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(rows.length, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const chunk = (type: string, data: Buffer): Buffer => {
      const b = Buffer.alloc(12 + data.length);
      b.writeUInt32BE(data.length, 0);
      b.write(type, 4, 'latin1');
      data.copy(b, 8);
      b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
      return b;
    };
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
    const d = decodePng(png);
    expect([...d.pixels.subarray(0, 6)]).toEqual([10, 20, 30, 15, 25, 35]);
    expect([...d.pixels.subarray(6, 12)]).toEqual([11, 21, 31, 16, 26, 36]);
    // average: first pixel (0 + up)/2 + 4, second (left + up)/2 + 4
    expect([...d.pixels.subarray(12, 15)]).toEqual([9, 14, 19]);
    expect([...d.pixels.subarray(18, 24)]).toEqual([...d.pixels.subarray(12, 18)]);
    expect(inflateSync(deflateSync(raw)).equals(raw)).toBe(true);
  });
});

describe('the Mandelbrot PNG', () => {
  it('has the size asked for, and is black exactly where the reference orbit stayed bounded', () => {
    const w = 70;
    const h = 50;
    const maxIter = 200;
    const steps = mandelbrotReference(w, h, maxIter);
    const d = decodePng(encodePng(w, h, mandelbrotRgb(steps, w, h, maxIter)));
    expect([d.width, d.height, d.channels]).toEqual([w, h, 3]);
    let black = 0;
    for (let p = 0; p < w * h; p++) {
      const isBlack = d.pixels[3 * p] === 0 && d.pixels[3 * p + 1] === 0 && d.pixels[3 * p + 2] === 0;
      expect(isBlack, `pixel ${p % w},${Math.floor(p / w)}`).toBe(steps[p] === 0);
      if (isBlack) black++;
    }
    // The main cardioid is in the picture, and so is the escaped plane around it.
    expect(black).toBeGreaterThan(w * h * 0.1);
    expect(black).toBeLessThan(w * h * 0.5);
  });

  it('no escape step is coloured black', () => {
    for (const maxIter of [1, 2, 200, 100_000]) for (let k = 1; k <= Math.min(maxIter, 5000); k++) expect(escapeColor(k, maxIter).some((c) => c > 0)).toBe(true);
    expect(escapeColor(0, 200)).toEqual([0, 0, 0]);
  });
});
