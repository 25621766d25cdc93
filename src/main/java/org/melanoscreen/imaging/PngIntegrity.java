package org.melanoscreen.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Checks a PNG before OpenCV's libpng sees it, which prints its warnings and errors on stderr: every chunk's
 * length and CRC, the chunk order, and that the image data inflates to exactly the frame's size (a file cut
 * short or with damaged data is refused, never decoded in part). Returns the file with its critical chunks
 * only (IHDR, PLTE, IDAT, IEND): the ancillary ones (colour profiles, text, gamma) do not change the pixels
 * OpenCV decodes, and are what libpng warns about in files that are otherwise fine.
 */
final class PngIntegrity {
    private static final int SIGNATURE = 8;
    private static final int[][] ADAM7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4},
            {1, 0, 2, 2}, {0, 1, 1, 2}};

    private PngIntegrity() {
    }

    static byte[] criticalChunks(byte[] png, String name) throws ImageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length);
        out.write(png, 0, SIGNATURE);
        Inflater inflater = new Inflater();
        try {
            long expected = -1;
            long inflated = 0;
            boolean idatSeen = false;
            boolean idatEnded = false;
            byte[] scratch = new byte[64 * 1024];
            int pos = SIGNATURE;
            while (true) {
                if (pos + 12 > png.length) {
                    throw corrupt(name, "chunk header runs past the end of the file");
                }
                long length = uint32(png, pos);
                String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
                if (length > png.length - pos - 12) {
                    throw corrupt(name, type + " chunk runs past the end of the file");
                }
                int size = (int) length;
                CRC32 crc = new CRC32();
                crc.update(png, pos + 4, 4 + size);
                if (crc.getValue() != uint32(png, pos + 8 + size)) {
                    throw corrupt(name, type + " chunk fails its CRC check");
                }
                if (pos == SIGNATURE != type.equals("IHDR")) {
                    throw corrupt(name, "IHDR is not the first chunk");
                }
                boolean critical = Character.isUpperCase(type.charAt(0));
                switch (type) {
                    case "IHDR" -> expected = rawSize(png, pos + 8, size, name);
                    case "IDAT" -> {
                        if (idatEnded) {
                            throw corrupt(name, "image data chunks are not consecutive");
                        }
                        idatSeen = true;
                        inflated += inflate(inflater, png, pos + 8, size, scratch, expected, name);
                    }
                    case "PLTE", "IEND" -> {
                    }
                    default -> {
                        if (critical) {
                            throw corrupt(name, "unknown critical chunk " + type);
                        }
                    }
                }
                idatEnded |= idatSeen && !type.equals("IDAT");
                if (critical) {
                    out.write(png, pos, 12 + size);
                }
                pos += 12 + size;
                if (type.equals("IEND")) {
                    break;
                }
            }
            if (!inflater.finished() || inflated != expected) {
                throw corrupt(name, "image data ends early (" + inflated + " of " + expected + " bytes)");
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }

    /** Inflates one IDAT's data, returning the bytes it produced; more than the frame holds is corrupt. */
    private static long inflate(Inflater inflater, byte[] png, int offset, int length, byte[] scratch, long expected,
                                String name) throws ImageException {
        if (inflater.finished()) {
            throw corrupt(name, "data after the end of the compressed image");
        }
        inflater.setInput(png, offset, length);
        long produced = 0;
        try {
            while (!inflater.needsInput() && !inflater.finished()) {
                int n = inflater.inflate(scratch);
                if (n == 0 && !inflater.needsInput() && !inflater.finished()) {
                    throw corrupt(name, "image data cannot be inflated");
                }
                produced += n;
            }
        } catch (DataFormatException e) {
            throw corrupt(name, "image data cannot be inflated (" + e.getMessage() + ")");
        }
        if (inflater.getBytesWritten() > expected) {
            throw corrupt(name, "more image data than the frame holds");
        }
        return produced;
    }

    /** Bytes of filtered scanlines the IHDR's frame needs (ITU PNG spec 7 and 8.2, Adam7 passes). */
    private static long rawSize(byte[] png, int at, int size, String name) throws ImageException {
        if (size != 13) {
            throw corrupt(name, "IHDR of " + size + " bytes");
        }
        long width = uint32(png, at);
        long height = uint32(png, at + 4);
        int depth = png[at + 8] & 0xFF;
        int samples = switch (png[at + 9] & 0xFF) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw corrupt(name, "colour type " + (png[at + 9] & 0xFF));
        };
        int bitsPerPixel = samples * depth;
        if ((png[at + 12] & 0xFF) == 0) {
            return height * (1 + (width * bitsPerPixel + 7) / 8);
        }
        long total = 0;
        for (int[] pass : ADAM7) {
            long w = width > pass[0] ? (width - pass[0] + pass[2] - 1) / pass[2] : 0;
            long h = height > pass[1] ? (height - pass[1] + pass[3] - 1) / pass[3] : 0;
            if (w > 0 && h > 0) {
                total += h * (1 + (w * bitsPerPixel + 7) / 8);
            }
        }
        return total;
    }

    private static ImageException corrupt(String name, String why) {
        return new ImageException(name + ": corrupt PNG (" + why + ")");
    }

    private static long uint32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }
}
