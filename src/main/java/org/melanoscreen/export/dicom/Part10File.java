package org.melanoscreen.export.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A DICOM Part 10 file (PS3.10 7.1): 128-byte preamble, "DICM", the file meta information (group 0002, explicit
 * VR little endian, with its group length) and the data set in the transfer syntax the meta information names.
 */
final class Part10File {
    /** JPEG Baseline (Process 1): the pixel data is a baseline JPEG per frame, encapsulated. */
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    /** This writer's implementation class, a UUID-derived UID that does not change between releases. */
    static final String IMPLEMENTATION_CLASS_UID = Uids.derived("melanoscreen", "dicom", "implementation");
    static final String IMPLEMENTATION_VERSION = "MELANOSCREEN_1";

    private Part10File() {
    }

    static byte[] write(String sopClassUid, String sopInstanceUid, String transferSyntax, DicomDataset dataset) {
        DicomDataset meta = new DicomDataset()
                .ob(0x00020001, new byte[] {0, 1})
                .text(0x00020002, DicomDataset.Vr.UI, sopClassUid)
                .text(0x00020003, DicomDataset.Vr.UI, sopInstanceUid)
                .text(0x00020010, DicomDataset.Vr.UI, transferSyntax)
                .text(0x00020012, DicomDataset.Vr.UI, IMPLEMENTATION_CLASS_UID)
                .text(0x00020013, DicomDataset.Vr.SH, IMPLEMENTATION_VERSION);
        byte[] metaBody = meta.encode();
        byte[] groupLength = new DicomDataset().ul(0x00020000, metaBody.length).encode();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(groupLength);
        out.writeBytes(metaBody);
        out.writeBytes(dataset.encode());
        return out.toByteArray();
    }
}
