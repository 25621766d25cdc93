package org.melanoscreen.imaging;

/** Reads the orientation tag (0x0112) from a JPEG APP1 Exif segment. */
final class Exif {
    private static final int ORIENTATION_TAG = 0x0112;

    private Exif() {
    }

    /** Orientation 1..8 from the APP1 payload at {@code start}; 1 (as stored) when absent or unreadable. */
    static int orientation(byte[] b, int start, int length) {
        int end = start + length;
        if (length < 14 || b[start] != 'E' || b[start + 1] != 'x' || b[start + 2] != 'i' || b[start + 3] != 'f') {
            return 1;
        }
        int tiff = start + 6;
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        long ifd = tiff + read32(b, tiff + 4, little);
        if (ifd + 2 > end) {
            return 1;
        }
        int entries = read16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int entry = (int) ifd + 2 + i * 12;
            if (entry + 12 > end) {
                return 1;
            }
            if (read16(b, entry, little) == ORIENTATION_TAG) {
                int value = read16(b, entry + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int read16(byte[] b, int i, boolean little) {
        return little ? (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8) : ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static long read32(byte[] b, int i, boolean little) {
        long v = little
                ? (b[i] & 0xFFL) | ((b[i + 1] & 0xFFL) << 8) | ((b[i + 2] & 0xFFL) << 16) | ((b[i + 3] & 0xFFL) << 24)
                : ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFFL) << 16) | ((b[i + 2] & 0xFFL) << 8) | (b[i + 3] & 0xFFL);
        return v;
    }
}
