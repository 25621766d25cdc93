package org.melanoscreen.panel;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * An SSD1306 128x64 or 128x32 OLED on I2C (SSD1306 datasheet rev 1.1). Every I2C write starts with a control
 * byte: 0x00 for a command stream, 0x40 for display RAM data. Initialised on the first frame (and again after
 * any failed write, so a display that was unplugged or lost power comes back); frames go out page by page in
 * page addressing mode, only the pages that changed.
 */
public final class Ssd1306Display implements StatusDisplay {
    static final byte COMMANDS = 0x00;
    static final byte DATA = 0x40;

    private final I2C i2c;
    private final ScreenRenderer renderer;
    private final int contrast;
    private MonoFrame written;
    private boolean initialised;

    public Ssd1306Display(I2C i2c, ScreenRenderer renderer, int contrast) {
        if (contrast < 0 || contrast > 255) {
            throw new IllegalArgumentException("SSD1306 contrast must be 0-255, not " + contrast);
        }
        this.i2c = i2c;
        this.renderer = renderer;
        this.contrast = contrast;
    }

    /** Opens the display at {@code address} on /dev/i2c-{@code bus} through the context's I2C provider. */
    public static Ssd1306Display open(Context pi4j, int bus, int address, ScreenRenderer renderer, int contrast) {
        I2C i2c = pi4j.create(I2C.newConfigBuilder(pi4j)
                .id("oled").name("SSD1306 status display")
                .bus(bus).device(address));
        return new Ssd1306Display(i2c, renderer, contrast);
    }

    /**
     * The datasheet's software initialisation flow (section "Application example": mux ratio, offset, start
     * line, segment remap, COM scan direction, COM pins, contrast, resume from RAM, normal display, oscillator,
     * charge pump, display on), with the display off first, page addressing, pre-charge and VCOMH set.
     */
    byte[] initSequence() {
        int height = renderer.height();
        return new byte[]{
                (byte) 0xAE,                         // display off
                (byte) 0xA8, (byte) (height - 1),   // multiplex ratio: height - 1
                (byte) 0xD3, 0x00,                   // display offset 0
                0x40,                                // display start line 0
                (byte) 0xA1,                         // segment remap: column 127 on SEG0 (module's left is x = 0)
                (byte) 0xC8,                         // COM scan from COM[N-1] to COM0 (module's top is y = 0)
                (byte) 0xDA, (byte) (height == 64 ? 0x12 : 0x02), // COM pins: alternative (64) / sequential (32)
                (byte) 0x81, (byte) contrast,        // contrast
                (byte) 0xA4,                         // display follows RAM
                (byte) 0xA6,                         // normal display (a set bit is a lit pixel)
                (byte) 0xD5, (byte) 0x80,            // oscillator frequency / clock divide: reset value
                (byte) 0x20, 0x02,                   // memory addressing: page mode
                (byte) 0xD9, (byte) 0xF1,            // pre-charge: 15 DCLK phase 2, 1 DCLK phase 1 (charge pump)
                (byte) 0xDB, 0x20,                   // VCOMH deselect level ~0.77 Vcc (reset value)
                0x2E,                                // scrolling off
                (byte) 0x8D, 0x14,                   // charge pump on (the module has no external VCC)
                (byte) 0xAF                          // display on
        };
    }

    @Override
    public synchronized void show(DisplayScreen screen) {
        write(renderer.render(screen));
    }

    /** Sends the frame's changed pages (all of them after initialising); a failed write forces a fresh start. */
    synchronized void write(MonoFrame frame) {
        try {
            if (!initialised) {
                commands(initSequence());
                initialised = true;
                written = null;
            }
            for (int p = 0; p < frame.pages(); p++) {
                byte[] page = frame.page(p);
                if (written != null && Arrays.equals(page, written.page(p))) {
                    continue;
                }
                commands((byte) (0xB0 | p), (byte) 0x00, (byte) 0x10); // page p, column 0 (low, high nibble)
                ByteArrayOutputStream data = new ByteArrayOutputStream(page.length + 1);
                data.write(DATA);
                data.writeBytes(page);
                i2c.write(data.toByteArray());
            }
            written = frame;
        } catch (RuntimeException e) {
            initialised = false;
            written = null;
            throw e;
        }
    }

    private void commands(byte... bytes) {
        byte[] out = new byte[bytes.length + 1];
        out[0] = COMMANDS;
        System.arraycopy(bytes, 0, out, 1, bytes.length);
        i2c.write(out);
    }

    /** Display off and charge pump off (the datasheet's power-down order), then releases the bus. */
    @Override
    public synchronized void close() {
        try {
            commands((byte) 0xAE, (byte) 0x8D, (byte) 0x10);
        } finally {
            i2c.close();
        }
    }
}
