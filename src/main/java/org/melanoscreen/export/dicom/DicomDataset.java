package org.melanoscreen.export.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A DICOM data set (attributes by tag) and its explicit VR little endian encoding. Text values are UTF-8 (the
 * data set says so with Specific Character Set ISO_IR 192); a value longer than its VR allows is refused, naming
 * the attribute, rather than cut.
 */
final class DicomDataset {
    /** The value representations this writer uses, with the longest value (in characters) each allows. */
    enum Vr {
        AE(16), CS(16), DA(8), DS(16), DT(26), IS(12), LO(64), LT(10240), PN(64), SH(16), TM(14), UI(64),
        US(0), UL(0), OB(0), SQ(0);

        final int maxLength;

        Vr(int maxLength) {
            this.maxLength = maxLength;
        }

        /** OB and SQ have a reserved field and a 4-byte length; the others a 2-byte length. */
        boolean longLength() {
            return this == OB || this == SQ;
        }
    }

    private record Element(Vr vr, byte[] value, boolean encapsulated) {
    }

    private static final int ITEM = 0xFFFEE000;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
    private static final int UNDEFINED_LENGTH = 0xFFFFFFFF;

    /** Sorted by tag as unsigned numbers, as the encoding requires. */
    private final Map<Integer, Element> elements = new TreeMap<>(Integer::compareUnsigned);

    /** A text value; several values of a multi-valued attribute are joined with backslashes by the caller. */
    DicomDataset text(int tag, Vr vr, String value) {
        String v = value == null ? "" : value;
        for (String part : v.split("\\\\", -1)) {
            if (part.length() > vr.maxLength) {
                throw new IllegalArgumentException(String.format("DICOM attribute (%04X,%04X) %s: '%s' is %d "
                        + "characters, more than the %d it holds", tag >>> 16, tag & 0xFFFF, vr, part, part.length(),
                        vr.maxLength));
            }
        }
        byte[] bytes = v.getBytes(vr == Vr.UI || vr == Vr.CS || vr == Vr.DA || vr == Vr.TM || vr == Vr.DT
                ? StandardCharsets.US_ASCII : StandardCharsets.UTF_8);
        return put(tag, vr, pad(bytes, vr == Vr.UI ? (byte) 0 : (byte) ' '), false);
    }

    DicomDataset us(int tag, int value) {
        return put(tag, Vr.US, new byte[] {(byte) value, (byte) (value >>> 8)}, false);
    }

    DicomDataset ul(int tag, long value) {
        return put(tag, Vr.UL, le32((int) value), false);
    }

    DicomDataset ob(int tag, byte[] value) {
        return put(tag, Vr.OB, pad(value, (byte) 0), false);
    }

    /** A sequence of items, each a data set of its own; an empty list is an empty (type 2) sequence. */
    DicomDataset sequence(int tag, List<DicomDataset> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DicomDataset item : items) {
            byte[] encoded = item.encode();
            write(out, tag(ITEM));
            write(out, le32(encoded.length));
            write(out, encoded);
        }
        return put(tag, Vr.SQ, out.toByteArray(), false);
    }

    /**
     * Encapsulated pixel data (PS3.5 A.4): an empty basic offset table, then each frame as one fragment, then the
     * sequence delimiter; the element's length is undefined.
     */
    DicomDataset encapsulated(int tag, List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, tag(ITEM));
        write(out, le32(0));
        for (byte[] frame : frames) {
            byte[] padded = pad(frame, (byte) 0);
            write(out, tag(ITEM));
            write(out, le32(padded.length));
            write(out, padded);
        }
        write(out, tag(SEQUENCE_DELIMITER));
        write(out, le32(0));
        return put(tag, Vr.OB, out.toByteArray(), true);
    }

    private DicomDataset put(int tag, Vr vr, byte[] value, boolean encapsulated) {
        elements.put(tag, new Element(vr, value, encapsulated));
        return this;
    }

    /** Explicit VR little endian, elements in tag order. */
    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<Integer, Element> e : elements.entrySet()) {
            int tag = e.getKey();
            Element el = e.getValue();
            write(out, tag(tag));
            write(out, el.vr().name().getBytes(StandardCharsets.US_ASCII));
            if (el.vr().longLength()) {
                write(out, new byte[2]);
                write(out, le32(el.encapsulated() ? UNDEFINED_LENGTH : el.value().length));
            } else {
                if (el.value().length > 0xFFFF) {
                    throw new IllegalArgumentException(String.format("DICOM attribute (%04X,%04X): value of %d "
                            + "bytes is too long for %s", tag >>> 16, tag & 0xFFFF, el.value().length, el.vr()));
                }
                write(out, new byte[] {(byte) el.value().length, (byte) (el.value().length >>> 8)});
            }
            write(out, el.value());
        }
        return out.toByteArray();
    }

    private static byte[] pad(byte[] value, byte padding) {
        if (value.length % 2 == 0) {
            return value;
        }
        byte[] padded = Arrays.copyOf(value, value.length + 1);
        padded[value.length] = padding;
        return padded;
    }

    /** A tag in little endian: the group's two bytes, then the element's. */
    private static byte[] tag(int tag) {
        return new byte[] {(byte) (tag >>> 16), (byte) (tag >>> 24), (byte) tag, (byte) (tag >>> 8)};
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static void write(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes, 0, bytes.length);
    }
}
