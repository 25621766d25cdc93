package org.melanoscreen.export.dicom;

import org.melanoscreen.export.dicom.DicomDataset.Vr;
import org.melanoscreen.store.StoredScreening;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stored screening's frame as a Dermoscopic Photography Image (or, configured so, a VL Photographic Image):
 * one study, series and instance per screening, with UIDs derived from the device id, the screening's id and its
 * time, so that the same screening exported twice is the same instance and a new store's screening 1 is not the
 * old store's. The result goes into Image Comments, marked as a screening aid.
 */
final class ScreeningImage {
    static final String MANUFACTURER = "melanoscreen";

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss.SSSSSS", Locale.ROOT);

    /** The baseline JPEG of the frame and its size. */
    record Jpeg(byte[] bytes, int width, int height) {
    }

    private ScreeningImage() {
    }

    /** The SOP instance UID of {@code s}: the same on every export of it. */
    static String instanceUid(StoredScreening s) {
        return uid(s, "instance");
    }

    /** The Part 10 file of the screening {@code s} with its frame {@code jpeg}. */
    static byte[] file(StoredScreening s, Jpeg jpeg, DicomSettings settings) {
        DicomSettings.ImageClass imageClass = settings.imageClass();
        ZonedDateTime time = s.time().atZone(ZoneOffset.UTC);
        String date = DATE.format(time);
        String clock = TIME.format(time);
        DicomDataset d = new DicomDataset()
                .text(0x00080005, Vr.CS, "ISO_IR 192")
                .text(0x00080008, Vr.CS, "ORIGINAL\\PRIMARY")
                .text(0x00080016, Vr.UI, imageClass.sopClassUid)
                .text(0x00080018, Vr.UI, instanceUid(s))
                .text(0x00080020, Vr.DA, date)
                .text(0x00080023, Vr.DA, date)
                .text(0x0008002A, Vr.DT, date + clock)
                .text(0x00080030, Vr.TM, clock)
                .text(0x00080033, Vr.TM, clock)
                .text(0x00080050, Vr.SH, "")
                .text(0x00080060, Vr.CS, imageClass.modality)
                .text(0x00080070, Vr.LO, MANUFACTURER)
                .text(0x00080090, Vr.PN, "")
                .text(0x0008103E, Vr.LO, s.lesionRef() == null ? "" : "Lesion " + single("lesion reference",
                        s.lesionRef()))
                .text(0x00081090, Vr.LO, settings.modelName())
                .text(0x00080201, Vr.SH, "+0000")
                .text(0x00100010, Vr.PN, "")
                .text(0x00100020, Vr.LO, s.patientRef() == null ? "" : single("patient reference", s.patientRef()))
                .text(0x00100030, Vr.DA, "")
                .text(0x00100040, Vr.CS, "")
                .text(0x00181000, Vr.LO, single("device id", s.deviceId()))
                .text(0x00181020, Vr.LO, String.join("\\", softwareVersions(s)))
                .text(0x0020000D, Vr.UI, uid(s, "study"))
                .text(0x0020000E, Vr.UI, uid(s, "series"))
                .text(0x00200010, Vr.SH, Long.toString(s.id()))
                .text(0x00200011, Vr.IS, "1")
                .text(0x00200013, Vr.IS, "1")
                .text(0x00200020, Vr.CS, "")
                .text(0x00200060, Vr.CS, "")
                .text(0x00204000, Vr.LT, comments(s))
                .us(0x00280002, 3)
                .text(0x00280004, Vr.CS, "YBR_FULL_422")
                .us(0x00280006, 0)
                .us(0x00280010, jpeg.height())
                .us(0x00280011, jpeg.width())
                .us(0x00280100, 8)
                .us(0x00280101, 8)
                .us(0x00280102, 7)
                .us(0x00280103, 0)
                .text(0x00282110, Vr.CS, "01")
                .text(0x00282112, Vr.DS, ratio(jpeg))
                .text(0x00282114, Vr.CS, "ISO_10918_1")
                .sequence(0x00400555, List.of())
                .encapsulated(0x7FE00010, List.of(jpeg.bytes()));
        if (settings.bodySite() != null) {
            d.sequence(0x00082218, List.of(new DicomDataset()
                    .text(0x00080100, Vr.SH, settings.bodySite().code())
                    .text(0x00080102, Vr.SH, "SCT")
                    .text(0x00080104, Vr.LO, settings.bodySite().meaning())));
        }
        if (imageClass == DicomSettings.ImageClass.DERMOSCOPIC) {
            // a close-up of a few millimetres of skin does not show who the patient is
            d.text(0x00161001, Vr.CS, settings.polarization())
                    .text(0x00161002, Vr.DS, "")
                    .text(0x00161003, Vr.CS, settings.contactMethod())
                    .text(0x00200052, Vr.UI, uid(s, "frame of reference"))
                    .text(0x00201040, Vr.LO, "")
                    .text(0x00161005, Vr.DS, settings.magnification() == null ? "" : decimal(settings.magnification()))
                    .text(0x00280302, Vr.CS, "NO");
            if (settings.contactMethod().equals("CONTACT")) {
                d.text(0x00161004, Vr.CS, settings.immersion() == null ? "" : settings.immersion());
            }
        }
        return Part10File.write(imageClass.sopClassUid, instanceUid(s), Part10File.JPEG_BASELINE, d);
    }

    /** The software version, then each model with the start of its ONNX file's SHA-256. */
    private static List<String> softwareVersions(StoredScreening s) {
        List<String> versions = new ArrayList<>();
        versions.add(single("software version", s.softwareVersion()));
        for (Map.Entry<String, String> m : new TreeMap<>(s.models()).entrySet()) {
            versions.add(single("model id", m.getKey()) + " sha256:" + m.getValue().substring(0, 16));
        }
        return versions;
    }

    /** {@code value} as one DICOM value: a backslash would split it into several. */
    private static String single(String what, String value) {
        if (value.contains("\\")) {
            throw new IllegalArgumentException(what + " '" + value + "' contains a backslash, which DICOM reads as "
                    + "a separator between values");
        }
        return value;
    }

    private static String comments(StoredScreening s) {
        String probability = s.melanomaProbability() == null ? "none (no probability was computed)"
                : String.format(Locale.ROOT, "%.3f", s.melanomaProbability());
        return "melanoscreen screening aid, not a diagnosis. Result: " + s.risk() + "; melanoma probability: "
                + probability + (s.lesionRef() == null ? "" : "; lesion: " + s.lesionRef())
                + "; screening " + s.id() + " of device " + s.deviceId() + " at " + s.time() + ".";
    }

    /** Uncompressed size over compressed size, as Lossy Image Compression Ratio wants it. */
    private static String ratio(Jpeg jpeg) {
        return decimal(3.0 * jpeg.width() * jpeg.height() / jpeg.bytes().length);
    }

    /** A decimal string of at most 16 characters. */
    private static String decimal(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        return s.length() <= 16 ? s : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String uid(StoredScreening s, String purpose) {
        return DicomReference.uid(s, purpose);
    }
}
