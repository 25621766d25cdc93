package org.melanoscreen.imaging;

import java.util.SplittableRandom;

/**
 * Generated frames that show no lesion, for checking that the device refuses them: bare skin, a flat sticker on
 * skin, and pictures that are not dermoscopic at all (flat colour, noise, gradients, a checkerboard, coloured
 * shapes). No patient data.
 */
public final class NonLesionImages {
    public enum Kind { SKIN, STICKER, FLAT, NOISE, GRADIENT, CHECKERBOARD, SHAPES }

    private NonLesionImages() {
    }

    /** An RGB frame of the given kind; the same seed gives the same pixels. */
    public static byte[] generate(Kind kind, int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return switch (kind) {
            case SKIN -> SyntheticLesion.generate(SyntheticLesion.Spec.defaults(width, height, seed).withoutLesion())
                    .rgb();
            case STICKER -> sticker(width, height, seed, random);
            case FLAT -> fill(width, height, (x, y) -> 0, colour(random), colour(random));
            case NOISE -> noise(width, height, random);
            case GRADIENT -> fill(width, height, (x, y) -> (x + y) / (double) (width + height), colour(random),
                    colour(random));
            case CHECKERBOARD -> {
                int cell = 8 + random.nextInt(33);
                yield fill(width, height, (x, y) -> (x / cell + y / cell) % 2, colour(random), colour(random));
            }
            case SHAPES -> shapes(width, height, random);
        };
    }

    /** Share of the second colour at a pixel, 0-1. */
    private interface Blend {
        double at(int x, int y);
    }

    private static byte[] fill(int w, int h, Blend blend, int[] first, int[] second) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i += 3) {
                double t = blend.at(x, y);
                for (int c = 0; c < 3; c++) {
                    rgb[i + c] = (byte) Math.round((1 - t) * first[c] + t * second[c]);
                }
            }
        }
        return rgb;
    }

    private static byte[] noise(int w, int h, SplittableRandom random) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) random.nextInt(256);
        }
        return rgb;
    }

    private static byte[] shapes(int w, int h, SplittableRandom random) {
        byte[] rgb = fill(w, h, (x, y) -> 0, colour(random), colour(random));
        int n = 1 + random.nextInt(6);
        for (int k = 0; k < n; k++) {
            disc(rgb, w, h, random.nextInt(w), random.nextInt(h), 5 + random.nextInt(Math.max(6, h / 3)),
                    colour(random));
        }
        return rgb;
    }

    private static byte[] sticker(int w, int h, long seed, SplittableRandom random) {
        byte[] rgb = generate(Kind.SKIN, w, h, seed);
        int[][] stickers = {{255, 255, 255}, {250, 240, 120}, {120, 180, 255}, {250, 100, 100}, {40, 200, 90}};
        int radius = (int) (Math.min(w, h) * (0.1 + 0.12 * random.nextDouble()));
        disc(rgb, w, h, w / 2 + random.nextInt(-w / 16, w / 16 + 1), h / 2 + random.nextInt(-h / 16, h / 16 + 1),
                radius, stickers[random.nextInt(stickers.length)]);
        return rgb;
    }

    private static void disc(byte[] rgb, int w, int h, int cx, int cy, int r, int[] colour) {
        for (int y = Math.max(0, cy - r); y < Math.min(h, cy + r + 1); y++) {
            for (int x = Math.max(0, cx - r); x < Math.min(w, cx + r + 1); x++) {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) {
                    int i = 3 * (y * w + x);
                    rgb[i] = (byte) colour[0];
                    rgb[i + 1] = (byte) colour[1];
                    rgb[i + 2] = (byte) colour[2];
                }
            }
        }
    }

    private static int[] colour(SplittableRandom random) {
        return new int[]{random.nextInt(256), random.nextInt(256), random.nextInt(256)};
    }
}
