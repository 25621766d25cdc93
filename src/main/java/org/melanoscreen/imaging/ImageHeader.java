package org.melanoscreen.imaging;

/**
 * What the first bytes of a JPEG or PNG file say about it, read before decoding so that unsuitable
 * inputs are refused with a precise reason and huge images are never decoded.
 */
record ImageHeader(Format format, int width, int height, int bitsPerSample, int channels, boolean alpha,
                   int exifOrientation) {

    enum Format { JPEG, PNG }

    static ImageHeader parse(byte[] b, String name) throws ImageException {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return parseJpeg(b, name);
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return parsePng(b, name);
        }
        throw new ImageException(name + ": not a JPEG or PNG image");
    }

    private static ImageHeader parsePng(byte[] b, String name) throws ImageException {
        if (b.length < 33 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            throw new ImageException(name + ": corrupt PNG (no IHDR header)");
        }
        int width = int32(b, 16);
        int height = int32(b, 20);
        int depth = b[24] & 0xFF;
        int colourType = b[25] & 0xFF;
        int channels = switch (colourType) {
            case 0 -> 1;
            case 2, 3 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new ImageException(name + ": corrupt PNG (colour type " + colourType + ")");
        };
        if (!endsWithPngEnd(b)) {
            throw new ImageException(name + ": truncated PNG (no IEND chunk)");
        }
        return new ImageHeader(Format.PNG, width, height, colourType == 3 ? 8 : depth, channels,
                colourType == 4 || colourType == 6, 1);
    }

    private static boolean endsWithPngEnd(byte[] b) {
        for (int i = b.length - 8; i >= Math.max(8, b.length - 64); i--) {
            if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
                return true;
            }
        }
        return false;
    }

    private static ImageHeader parseJpeg(byte[] b, String name) throws ImageException {
        int orientation = 1;
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                throw new ImageException(name + ": corrupt JPEG (bad marker at byte " + pos + ")");
            }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++;
                continue;
            }
            int length = uint16(b, pos + 2);
            if (length < 2 || pos + 2 + length > b.length) {
                throw new ImageException(name + ": truncated JPEG (segment runs past the end of the file)");
            }
            if (marker == 0xE1) {
                orientation = Exif.orientation(b, pos + 4, length - 2);
            }
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (startOfFrame) {
                if (length < 8) {
                    throw new ImageException(name + ": corrupt JPEG (short frame header)");
                }
                if (!endsWithJpegEnd(b)) {
                    throw new ImageException(name + ": truncated JPEG (no end-of-image marker)");
                }
                return new ImageHeader(Format.JPEG, uint16(b, pos + 7), uint16(b, pos + 5), b[pos + 4] & 0xFF,
                        b[pos + 9] & 0xFF, false, orientation);
            }
            pos += 2 + length;
        }
        throw new ImageException(name + ": truncated JPEG (no frame header)");
    }

    private static boolean endsWithJpegEnd(byte[] b) {
        for (int i = b.length - 2; i >= Math.max(2, b.length - 1024); i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static int int32(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    private static int uint16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
