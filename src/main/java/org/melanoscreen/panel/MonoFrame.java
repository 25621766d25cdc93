package org.melanoscreen.panel;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * A 1-bit frame for a 128-column OLED, packed as the SSD1306 reads it: page p holds rows 8p..8p+7, one byte per
 * column, least significant bit on top. A set bit is a lit pixel.
 */
public final class MonoFrame {
    public static final int WIDTH = 128;

    private final int height;
    private final byte[] bytes;

    private MonoFrame(int height, byte[] bytes) {
        this.height = height;
        this.bytes = bytes;
    }

    /** Lit where the image is not black; the image must be 128 wide and 32 or 64 high. */
    public static MonoFrame of(BufferedImage image) {
        int h = image.getHeight();
        if (image.getWidth() != WIDTH || h != 32 && h != 64) {
            throw new IllegalArgumentException("a frame is 128x32 or 128x64, not " + image.getWidth() + "x" + h);
        }
        byte[] bytes = new byte[WIDTH * h / 8];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < WIDTH; x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != 0) {
                    bytes[(y / 8) * WIDTH + x] |= (byte) (1 << (y % 8));
                }
            }
        }
        return new MonoFrame(h, bytes);
    }

    public int height() {
        return height;
    }

    public int pages() {
        return height / 8;
    }

    /** Page {@code p}'s 128 column bytes, a copy. */
    public byte[] page(int p) {
        return Arrays.copyOfRange(bytes, p * WIDTH, (p + 1) * WIDTH);
    }

    public boolean lit(int x, int y) {
        return (bytes[(y / 8) * WIDTH + x] & (1 << (y % 8))) != 0;
    }

    /** The frame as an image, each pixel a {@code scale} x {@code scale} square, lit pixels white on black. */
    public BufferedImage toImage(int scale) {
        BufferedImage image = new BufferedImage(WIDTH * scale, height * scale, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < height * scale; y++) {
            for (int x = 0; x < WIDTH * scale; x++) {
                if (lit(x / scale, y / scale)) {
                    image.setRGB(x, y, 0xFFFFFF);
                }
            }
        }
        return image;
    }
}
