package org.melanoscreen.capture;

/** The pixel format asked of a V4L2 camera. MJPG gives higher frame rates over USB 2; YUYV avoids JPEG artefacts. */
public enum PixelFormat {
    MJPG, YUYV,
    /** Whatever the driver chooses. */
    ANY;

    /** The V4L2 FOURCC code, as OpenCV's {@code VideoWriter.fourcc} computes it. */
    int fourcc() {
        if (this == ANY) {
            throw new IllegalStateException("ANY has no FOURCC");
        }
        return code(name());
    }

    static int code(String fourcc) {
        return fourcc.charAt(0) | fourcc.charAt(1) << 8 | fourcc.charAt(2) << 16 | fourcc.charAt(3) << 24;
    }

    /** The four characters of a FOURCC code read back from a device ({@code "????"} for none). */
    static String name(int fourcc) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            int ch = (fourcc >> (8 * i)) & 0xFF;
            c[i] = ch >= 32 && ch < 127 ? (char) ch : '?';
        }
        return new String(c);
    }
}
