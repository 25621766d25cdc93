package org.melanoscreen.panel;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The exact I2C byte stream to the SSD1306, read back from Pi4J's mock I2C, against the datasheet. */
class Ssd1306DisplayTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /**
     * Written out by hand from the SSD1306 datasheet (rev 1.1): control byte 0x00 (Co = 0, D/C# = 0: a stream of
     * commands), then the init flow of its application example in that order, with the extras noted.
     */
    private static final String INIT_128X64 = "00"
            + " ae"       // 0xAE display off (extra: first, so the panel stays dark while set up)
            + " a8 3f"    // set multiplex ratio: 64 rows
            + " d3 00"    // set display offset 0
            + " 40"       // set display start line 0
            + " a1"       // set segment re-map
            + " c8"       // set COM output scan direction: remapped
            + " da 12"    // set COM pins hardware configuration: alternative (128x64)
            + " 81 cf"    // set contrast control
            + " a4"       // entire display on: follow RAM
            + " a6"       // set normal display
            + " d5 80"    // set oscillator frequency
            + " 20 02"    // memory addressing mode: page (extra: the reset value, made explicit)
            + " d9 f1"    // pre-charge period (extra: as for the internal charge pump)
            + " db 20"    // VCOMH deselect level 0.77 Vcc (extra: the reset value, made explicit)
            + " 2e"       // deactivate scroll (extra)
            + " 8d 14"    // charge pump setting: enable
            + " af";      // display on

    private final Context pi4j = MockPi4j.context();

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    private static MonoFrame testFrame(int height) {
        BufferedImage image = new BufferedImage(128, height, BufferedImage.TYPE_BYTE_BINARY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 1, 1);              // top-left pixel: page 0, column 0, bit 0
        g.fillRect(0, 9, 8, 1);              // row 9, columns 0-7: page 1, bit 1
        g.fillRect(127, height - 1, 1, 1);   // bottom-right pixel: last page, column 127, bit 7
        g.dispose();
        return MonoFrame.of(image);
    }

    private static String pageWrite(int page, byte[] columns) {
        return String.format("00 %02x 00 10 40 ", 0xB0 | page) + HEX.formatHex(columns);
    }

    private static String expectedFrame(int pages) {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < pages; p++) {
            byte[] columns = new byte[128];
            if (p == 0) {
                columns[0] = 0x01;
            }
            if (p == 1) {
                for (int x = 0; x < 8; x++) {
                    columns[x] = 0x02;
                }
            }
            if (p == pages - 1) {
                columns[127] = (byte) 0x80;
            }
            sb.append(' ').append(pageWrite(p, columns));
        }
        return sb.toString();
    }

    @Test
    void initThenOneFrameIsTheDatasheetSequenceThenEightPageWrites() {
        Ssd1306Display display = Ssd1306Display.open(pi4j, 1, 0x3C, new ScreenRenderer(64), 0xCF);
        I2C i2c = pi4j.io("oled");
        display.write(testFrame(64));
        assertEquals(INIT_128X64 + expectedFrame(8), HEX.formatHex(MockPi4j.written(i2c)));
    }

    @Test
    void a128x32PanelHas32MuxRowsSequentialComPinsAndFourPages() {
        Ssd1306Display display = Ssd1306Display.open(pi4j, 1, 0x3C, new ScreenRenderer(32), 0x8F);
        I2C i2c = pi4j.io("oled");
        display.write(testFrame(32));
        String expectedInit = INIT_128X64.replace("a8 3f", "a8 1f").replace("da 12", "da 02")
                .replace("81 cf", "81 8f");
        assertEquals(expectedInit + expectedFrame(4), HEX.formatHex(MockPi4j.written(i2c)));
    }

    @Test
    void theNextFrameSendsOnlyThePagesThatChanged() {
        Ssd1306Display display = Ssd1306Display.open(pi4j, 1, 0x3C, new ScreenRenderer(64), 0xCF);
        I2C i2c = pi4j.io("oled");
        display.write(testFrame(64));
        MockPi4j.written(i2c);
        BufferedImage image = new BufferedImage(128, 64, BufferedImage.TYPE_BYTE_BINARY);
        image.setRGB(5, 20, 0xFFFFFF); // page 2, column 5, bit 4; the old pixels are gone from pages 0, 1 and 7
        display.write(MonoFrame.of(image));
        byte[] page2 = new byte[128];
        page2[5] = 0x10;
        String expected = pageWrite(0, new byte[128]) + " " + pageWrite(1, new byte[128]) + " "
                + pageWrite(2, page2) + " " + pageWrite(7, new byte[128]);
        assertEquals(expected, HEX.formatHex(MockPi4j.written(i2c)));
    }

    @Test
    void aShownScreenIsTheRenderersFrame() {
        ScreenRenderer renderer = new ScreenRenderer(64);
        Ssd1306Display display = Ssd1306Display.open(pi4j, 1, 0x3C, renderer, 0xCF);
        I2C i2c = pi4j.io("oled");
        DisplayScreen screen = new DisplayScreen.Ready("melanoscreen-07", "seg-v3 cls-v2");
        display.show(screen);
        MonoFrame frame = renderer.render(screen);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int p = 0; p < 8; p++) {
            expected.writeBytes(new byte[]{0x00, (byte) (0xB0 | p), 0x00, 0x10, 0x40});
            expected.writeBytes(frame.page(p));
        }
        assertEquals(INIT_128X64 + " " + HEX.formatHex(expected.toByteArray()), HEX.formatHex(MockPi4j.written(i2c)));
    }

    @Test
    void afterAFailedWriteTheDisplayIsInitialisedAgainAndGetsTheWholeFrame() {
        I2C mock = pi4j.create(I2C.newConfigBuilder(pi4j).id("oled").bus(1).device(0x3C));
        AtomicBoolean unplugged = new AtomicBoolean();
        I2C flaky = (I2C) Proxy.newProxyInstance(I2C.class.getClassLoader(), new Class<?>[]{I2C.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("write") && unplugged.get()) {
                        throw new IllegalStateException("I2C write failed: Remote I/O error");
                    }
                    try {
                        return method.invoke(mock, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Ssd1306Display display = new Ssd1306Display(flaky, new ScreenRenderer(64), 0xCF);
        display.write(testFrame(64));
        MockPi4j.written(mock);
        unplugged.set(true);
        MonoFrame next = MonoFrame.of(new BufferedImage(128, 64, BufferedImage.TYPE_BYTE_BINARY));
        assertThrows(IllegalStateException.class, () -> display.write(next));
        unplugged.set(false);
        display.write(testFrame(64));
        assertEquals(INIT_128X64 + expectedFrame(8), HEX.formatHex(MockPi4j.written(mock)),
                "the same frame again: sent in full, after a fresh init");
    }

    @Test
    void closingSwitchesTheDisplayAndItsChargePumpOff() {
        Ssd1306Display display = Ssd1306Display.open(pi4j, 1, 0x3C, new ScreenRenderer(64), 0xCF);
        I2C i2c = pi4j.io("oled");
        display.close();
        assertEquals("00 ae 8d 10", HEX.formatHex(MockPi4j.written(i2c)));
    }
}
