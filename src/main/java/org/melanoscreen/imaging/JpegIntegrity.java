package org.melanoscreen.imaging;

import java.util.Arrays;

/**
 * Checks that a Huffman-coded JPEG (baseline, extended or progressive) holds every block of its frame, by walking
 * its markers and decoding its entropy-coded data as far as the code lengths (no coefficients are computed).
 * OpenCV's decoder only prints libjpeg's warnings and fills what is missing with grey, so the OpenCV path runs
 * this first and refuses what libjpeg would only warn about: data that ends early ("premature end of data
 * segment"), bytes that do not belong to any block ("extraneous bytes before marker"), bad Huffman codes,
 * restart markers out of order, a second frame header, and progressive scans that never complete a coefficient.
 * (About 470 lines, over the usual 350: it is one walk over the JPEG grammar whose parts share the scan state;
 * split, each part would need all of it.)
 */
final class JpegIntegrity {
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int DHT = 0xC4;
    private static final int DRI = 0xDD;
    private static final int RST0 = 0xD0;
    private static final int NOT_SCANNED = Integer.MAX_VALUE;

    private final byte[] b;
    private final HuffmanTable[] dcTables = new HuffmanTable[4];
    private final HuffmanTable[] acTables = new HuffmanTable[4];
    private Component[] components;
    private boolean progressive;
    private int maxH;
    private int maxV;
    private int width;
    private int height;
    private int restartInterval;
    private int pos = 2;

    private JpegIntegrity(byte[] b) {
        this.b = b;
    }

    /** Throws an ImageException naming {@code name} and the damage when {@code jpeg} is not a complete JPEG. */
    static void check(byte[] jpeg, String name) throws ImageException {
        try {
            new JpegIntegrity(jpeg).walk();
        } catch (Damage d) {
            throw new ImageException(name + ": corrupt JPEG data, not screened (" + d.getMessage() + ")");
        }
    }

    private void walk() throws Damage {
        while (true) {
            int marker = nextMarker();
            if (marker == EOI) {
                checkComplete();
                return;
            }
            if (marker >= RST0 && marker <= RST0 + 7 || marker == 0xD8 || marker == 0x01) {
                throw new Damage(String.format("unexpected marker 0x%02x", marker));
            }
            int length = uint16(pos);
            if (length < 2 || pos + length > b.length) {
                throw new Damage("segment runs past the end of the file");
            }
            int body = pos + 2;
            pos += length;
            if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
                frame(body, marker == 0xC2);
            } else if (marker >= 0xC3 && marker <= 0xCF && marker != DHT && marker != 0xC8 && marker != 0xCC) {
                throw new Damage(components == null ? String.format("unsupported JPEG process (marker 0x%02x)", marker)
                        : "two SOF markers");
            } else if (marker == DHT) {
                huffmanTables(body, pos);
            } else if (marker == DRI) {
                restartInterval = uint16(body);
            } else if (marker == SOS) {
                scan(body);
            }
        }
    }

    /** Skips to the next marker and returns its code, with pos just after it; bytes that are not one are damage. */
    private int nextMarker() throws Damage {
        int start = pos;
        while (pos + 1 < b.length && !((b[pos] & 0xFF) == 0xFF && (b[pos + 1] & 0xFF) != 0 && (b[pos + 1] & 0xFF) != 0xFF)) {
            pos++;
        }
        if (pos + 1 >= b.length) {
            throw new Damage("no end-of-image marker");
        }
        int extraneous = pos - start;
        int fill = start;
        while (fill < pos && (b[fill] & 0xFF) == 0xFF) {
            fill++;
        }
        if (fill < pos) {
            throw new Damage(String.format("%d extraneous bytes before marker 0x%02x", extraneous, b[pos + 1] & 0xFF));
        }
        pos += 2;
        return b[pos - 1] & 0xFF;
    }

    private void frame(int at, boolean progressive) throws Damage {
        if (components != null) {
            throw new Damage("two SOF markers");
        }
        this.progressive = progressive;
        height = uint16(at + 1);
        width = uint16(at + 3);
        int count = b[at + 5] & 0xFF;
        if (count == 0 || at + 6 + 3 * count > pos) {
            throw new Damage("bad frame header");
        }
        components = new Component[count];
        for (int i = 0; i < count; i++) {
            int p = at + 6 + 3 * i;
            int h = (b[p + 1] & 0xFF) >> 4;
            int v = b[p + 1] & 0x0F;
            if (h < 1 || h > 4 || v < 1 || v > 4) {
                throw new Damage("bad sampling factors");
            }
            components[i] = new Component(b[p] & 0xFF, h, v);
            maxH = Math.max(maxH, h);
            maxV = Math.max(maxV, v);
        }
        for (Component c : components) {
            c.blocksWide = ceilDiv(width * c.h, 8 * maxH);
            c.blocksHigh = ceilDiv(height * c.v, 8 * maxV);
            if (progressive) {
                int stride = ceilDiv(c.blocksWide, c.h) * c.h;
                c.nonZero = new long[stride * ceilDiv(c.blocksHigh, c.v) * c.v];
            }
        }
    }

    private void huffmanTables(int at, int end) throws Damage {
        while (at < end) {
            int tableClass = (b[at] & 0xFF) >> 4;
            int id = b[at] & 0x0F;
            if (tableClass > 1 || id > 3 || at + 17 > end) {
                throw new Damage("bad Huffman table");
            }
            int[] counts = new int[17];
            int total = 0;
            for (int len = 1; len <= 16; len++) {
                counts[len] = b[at + len] & 0xFF;
                total += counts[len];
            }
            if (at + 17 + total > end) {
                throw new Damage("bad Huffman table");
            }
            HuffmanTable table = new HuffmanTable(counts, Arrays.copyOfRange(b, at + 17, at + 17 + total));
            (tableClass == 0 ? dcTables : acTables)[id] = table;
            at += 17 + total;
        }
    }

    private void scan(int at) throws Damage {
        if (components == null) {
            throw new Damage("scan before the frame header");
        }
        int count = b[at] & 0xFF;
        if (count < 1 || count > 4 || at + 1 + 2 * count + 3 > pos) {
            throw new Damage("bad scan header");
        }
        ScanComponent[] inScan = new ScanComponent[count];
        for (int i = 0; i < count; i++) {
            int p = at + 1 + 2 * i;
            Component c = component(b[p] & 0xFF);
            inScan[i] = new ScanComponent(c, dcTables[(b[p + 1] & 0xFF) >> 4], acTables[b[p + 1] & 0x0F]);
        }
        int p = at + 1 + 2 * count;
        Spectral s = new Spectral(b[p] & 0xFF, b[p + 1] & 0xFF, (b[p + 2] & 0xF0) >> 4, b[p + 2] & 0x0F);
        if (s.start > s.end || s.end > 63 || progressive && s.start > 0 && count != 1
                || !progressive && (s.start != 0 || s.end != 63)) {
            throw new Damage("bad progression parameters");
        }
        for (ScanComponent sc : inScan) {
            for (int k = s.start; k <= s.end; k++) {
                sc.component.lowestBit[k] = Math.min(sc.component.lowestBit[k], s.low);
            }
        }
        new ScanDecoder(inScan, s).decode();
    }

    private Component component(int id) throws Damage {
        for (Component c : components) {
            if (c.id == id) {
                return c;
            }
        }
        throw new Damage("scan names component " + id + ", which the frame lacks");
    }

    private void checkComplete() throws Damage {
        if (components == null) {
            throw new Damage("no frame header");
        }
        for (Component c : components) {
            for (int k = 0; k < 64; k++) {
                if (c.lowestBit[k] != 0) {
                    throw new Damage(c.lowestBit[k] == NOT_SCANNED ? "scans missing: image data incomplete"
                            : "progressive refinement scans missing");
                }
            }
        }
    }

    private int uint16(int i) throws Damage {
        if (i + 1 >= b.length) {
            throw new Damage("segment runs past the end of the file");
        }
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static int ceilDiv(int a, int d) {
        return (a + d - 1) / d;
    }

    /** One scan's entropy-coded data, read block by block from pos; leaves pos at the marker that ends it. */
    private final class ScanDecoder {
        private final ScanComponent[] inScan;
        private final Spectral s;
        private int bitBuffer;
        private int bitCount;
        private int eobRun;

        ScanDecoder(ScanComponent[] inScan, Spectral s) {
            this.inScan = inScan;
            this.s = s;
        }

        void decode() throws Damage {
            for (ScanComponent sc : inScan) {
                boolean needsDc = s.start == 0 && s.high == 0;
                boolean needsAc = s.end > 0 && s.high == 0 || s.start > 0;
                if (needsDc && sc.dc == null || needsAc && sc.ac == null) {
                    throw new Damage("scan uses a Huffman table that was not defined");
                }
            }
            if (inScan.length == 1) {
                Component c = inScan[0].component;
                int stride = ceilDiv(c.blocksWide, c.h) * c.h;
                for (int unit = 0, total = c.blocksWide * c.blocksHigh; unit < total; unit++) {
                    restartIfDue(unit);
                    block(inScan[0], (unit / c.blocksWide) * stride + unit % c.blocksWide);
                }
            } else {
                int mcusWide = ceilDiv(width, 8 * maxH);
                int mcus = mcusWide * ceilDiv(height, 8 * maxV);
                for (int mcu = 0; mcu < mcus; mcu++) {
                    restartIfDue(mcu);
                    for (ScanComponent sc : inScan) {
                        Component c = sc.component;
                        int stride = mcusWide * c.h;
                        for (int y = 0; y < c.v; y++) {
                            for (int x = 0; x < c.h; x++) {
                                block(sc, ((mcu / mcusWide) * c.v + y) * stride + (mcu % mcusWide) * c.h + x);
                            }
                        }
                    }
                }
            }
        }

        private void restartIfDue(int unit) throws Damage {
            if (restartInterval == 0 || unit == 0 || unit % restartInterval != 0) {
                return;
            }
            bitCount = 0;
            eobRun = 0;
            int expected = RST0 + (unit / restartInterval - 1) % 8;
            int marker = nextMarker();
            if (marker != expected) {
                throw new Damage(String.format("restart marker 0x%02x where 0x%02x was due", marker, expected));
            }
        }

        private void block(ScanComponent sc, int index) throws Damage {
            if (!progressive) {
                receive(decodeSymbol(sc.dc));
                acFirst(sc.ac, 1, 63);
            } else if (s.start == 0) {
                if (s.high == 0) {
                    receive(decodeSymbol(sc.dc));
                } else {
                    bits(1);
                }
            } else if (s.high == 0) {
                sc.component.nonZero[index] |= acFirst(sc.ac, s.start, s.end);
            } else {
                acRefine(sc.ac, sc.component.nonZero, index);
            }
        }

        /** Decodes coefficients start..end (sequential or first progressive pass); returns which became non-zero. */
        private long acFirst(HuffmanTable table, int start, int end) throws Damage {
            if (eobRun > 0) {
                eobRun--;
                return 0;
            }
            long set = 0;
            for (int k = start; k <= end; k++) {
                int rs = decodeSymbol(table);
                int run = rs >> 4;
                int size = rs & 15;
                if (size == 0) {
                    if (run != 15) {
                        if (progressive) {
                            eobRun = (1 << run) + bits(run) - 1;
                        }
                        break;
                    }
                    k += 15;
                } else {
                    k += run;
                    if (k > end) {
                        throw new Damage("coefficient run past the end of a block");
                    }
                    receive(size);
                    set |= 1L << k;
                }
            }
            return set;
        }

        /** jdphuff's decode_mcu_AC_refine, keeping only which coefficients are non-zero. */
        private void acRefine(HuffmanTable table, long[] nonZero, int index) throws Damage {
            long nz = nonZero[index];
            int k = s.start;
            if (eobRun == 0) {
                for (; k <= s.end; k++) {
                    int rs = decodeSymbol(table);
                    int run = rs >> 4;
                    int size = rs & 15;
                    if (size != 0) {
                        if (size != 1) {
                            throw new Damage("bad Huffman code");
                        }
                        bits(1);
                    } else if (run != 15) {
                        eobRun = (1 << run) + bits(run);
                        break;
                    }
                    while (k <= s.end) {
                        if ((nz & (1L << k)) != 0) {
                            bits(1);
                        } else if (--run < 0) {
                            break;
                        }
                        k++;
                    }
                    if (size != 0) {
                        if (k > s.end) {
                            throw new Damage("coefficient run past the end of a block");
                        }
                        nz |= 1L << k;
                    }
                }
            }
            if (eobRun > 0) {
                for (; k <= s.end; k++) {
                    if ((nz & (1L << k)) != 0) {
                        bits(1);
                    }
                }
                eobRun--;
            }
            nonZero[index] = nz;
        }

        private void receive(int size) throws Damage {
            if (size > 16) {
                throw new Damage("bad Huffman code");
            }
            bits(size);
        }

        private int decodeSymbol(HuffmanTable table) throws Damage {
            int code = 0;
            for (int len = 1; len <= 16; len++) {
                code = (code << 1) | bits(1);
                int symbol = table.symbol(len, code);
                if (symbol >= 0) {
                    return symbol;
                }
            }
            throw new Damage("bad Huffman code");
        }

        private int bits(int n) throws Damage {
            int value = 0;
            for (int i = 0; i < n; i++) {
                if (bitCount == 0) {
                    fill();
                }
                bitCount--;
                value = (value << 1) | ((bitBuffer >> bitCount) & 1);
            }
            return value;
        }

        private void fill() throws Damage {
            if (pos >= b.length) {
                throw new Damage("premature end of data segment");
            }
            int next = b[pos] & 0xFF;
            if (next == 0xFF) {
                if (pos + 1 >= b.length || b[pos + 1] != 0) {
                    throw new Damage("premature end of data segment");
                }
                pos++;
            }
            pos++;
            bitBuffer = next;
            bitCount = 8;
        }
    }

    /** A canonical Huffman code (ITU T.81 Annex C), decoded one code length at a time. */
    private static final class HuffmanTable {
        private final int[] maxCode = new int[17];
        private final int[] firstIndex = new int[17];
        private final int[] minCode = new int[17];
        private final byte[] symbols;

        HuffmanTable(int[] counts, byte[] symbols) {
            this.symbols = symbols;
            int code = 0;
            int index = 0;
            for (int len = 1; len <= 16; len++) {
                minCode[len] = code;
                firstIndex[len] = index;
                code += counts[len];
                index += counts[len];
                maxCode[len] = counts[len] == 0 ? -1 : code - 1;
                code <<= 1;
            }
        }

        int symbol(int len, int code) {
            return code <= maxCode[len] ? symbols[firstIndex[len] + code - minCode[len]] & 0xFF : -1;
        }
    }

    private static final class Component {
        final int id;
        final int h;
        final int v;
        final int[] lowestBit = new int[64];
        int blocksWide;
        int blocksHigh;
        long[] nonZero;

        Component(int id, int h, int v) {
            this.id = id;
            this.h = h;
            this.v = v;
            Arrays.fill(lowestBit, NOT_SCANNED);
        }
    }

    private record ScanComponent(Component component, HuffmanTable dc, HuffmanTable ac) {
    }

    private record Spectral(int start, int end, int high, int low) {
    }

    private static final class Damage extends Exception {
        private static final long serialVersionUID = 1L;

        Damage(String message) {
            super(message, null, false, false);
        }
    }
}
