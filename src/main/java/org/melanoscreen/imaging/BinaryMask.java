package org.melanoscreen.imaging;

/** A lesion mask: one byte per pixel, 1 = lesion, row-major. */
public record BinaryMask(int width, int height, byte[] pixels) {

    public BinaryMask {
        if (pixels.length != width * height) {
            throw new IllegalArgumentException("mask has " + pixels.length + " pixels, expected " + width * height);
        }
    }

    public static BinaryMask empty(int width, int height) {
        return new BinaryMask(width, height, new byte[width * height]);
    }

    public boolean get(int x, int y) {
        return pixels[y * width + x] != 0;
    }

    public int area() {
        int n = 0;
        for (byte p : pixels) {
            n += p;
        }
        return n;
    }

    public boolean isEmpty() {
        for (byte p : pixels) {
            if (p != 0) {
                return false;
            }
        }
        return true;
    }

    /** Bounding box as {x0, y0, x1, y1} with exclusive ends, or {@code null} for an empty mask. */
    public int[] bbox() {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++, i++) {
                if (pixels[i] != 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = y;
                }
            }
        }
        return x1 < 0 ? null : new int[]{x0, y0, x1 + 1, y1 + 1};
    }

    /** Whether any lesion pixel lies on the outermost row or column. */
    public boolean touchesBorder() {
        for (int x = 0; x < width; x++) {
            if (pixels[x] != 0 || pixels[(height - 1) * width + x] != 0) {
                return true;
            }
        }
        for (int y = 0; y < height; y++) {
            if (pixels[y * width] != 0 || pixels[y * width + width - 1] != 0) {
                return true;
            }
        }
        return false;
    }
}
