package org.melanoscreen.export.dicom;

import org.melanoscreen.export.ScreeningExporter;
import org.melanoscreen.imaging.MatScope;
import org.melanoscreen.imaging.OpenCvLoader;
import org.melanoscreen.store.ExportSummary;
import org.melanoscreen.store.ResultStore;
import org.melanoscreen.store.StoreException;
import org.melanoscreen.store.StoredScreening;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * One DICOM file ({@code <id>.dcm}, JPEG baseline) per stored screening, beside the export's screenings.csv and
 * screenings.json: the stored frame re-encoded as a high-quality baseline JPEG with 4:2:2 chroma, as YBR_FULL_422
 * says.
 */
public final class DicomExporter implements ScreeningExporter {
    /** The stored file holding the frame the result was computed on, as the appliance stores it. */
    static final String FRAME = "frame.png";
    static final int JPEG_QUALITY = 95;

    private final DicomSettings settings;

    /** Refuses settings that cannot describe a screening as their image class, saying what is missing. */
    public DicomExporter(DicomSettings settings) {
        String problem = settings.missing();
        if (problem != null) {
            throw new IllegalArgumentException("DICOM export: " + problem);
        }
        this.settings = settings;
    }

    @Override
    public ExportSummary export(ResultStore store, Path to, Instant since, boolean sameDiskAllowed)
            throws StoreException {
        return store.export(to, since, sameDiskAllowed, (s, stored) -> Map.of(s.id() + ".dcm", file(s,
                stored.read(FRAME))));
    }

    /**
     * The DICOM file of the stored screening {@code s}, from its stored frame (checked against the SHA-256
     * committed with it); the same UIDs every time, so a resend is the same instance.
     */
    public byte[] file(StoredScreening s) throws StoreException {
        return file(s, s.read(FRAME));
    }

    /** The SOP instance UID of {@code s}'s DICOM file. */
    public static String instanceUid(StoredScreening s) {
        return ScreeningImage.instanceUid(s);
    }

    /** The DICOM file of {@code s} whose stored frame is {@code png}. */
    byte[] file(StoredScreening s, byte[] png) {
        return ScreeningImage.file(s, jpeg(png), settings);
    }

    private static ScreeningImage.Jpeg jpeg(byte[] png) {
        OpenCvLoader.load();
        try (MatScope scope = new MatScope()) {
            Mat bgr = scope.add(Imgcodecs.imdecode(scope.add(new MatOfByte(png)),
                    Imgcodecs.IMREAD_COLOR | Imgcodecs.IMREAD_IGNORE_ORIENTATION));
            if (bgr.empty()) {
                throw new IllegalArgumentException(FRAME + " cannot be decoded");
            }
            MatOfByte out = scope.add(new MatOfByte());
            MatOfInt params = scope.add(new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, JPEG_QUALITY,
                    Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR, Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_422));
            if (!Imgcodecs.imencode(".jpg", bgr, out, params)) {
                throw new IllegalStateException("OpenCV could not encode the frame as JPEG");
            }
            return new ScreeningImage.Jpeg(out.toArray(), bgr.cols(), bgr.rows());
        }
    }
}
