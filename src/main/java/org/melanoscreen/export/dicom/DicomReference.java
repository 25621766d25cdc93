package org.melanoscreen.export.dicom;

import org.melanoscreen.store.StoredScreening;

/**
 * The identity of a stored screening's DICOM image, for records elsewhere that point at it (a FHIR ImagingStudy):
 * the same UIDs and SOP class {@link ScreeningImage} writes, so both name one instance.
 */
public record DicomReference(String studyUid, String seriesUid, String instanceUid, String sopClassUid,
                             String modality) {

    public static DicomReference of(StoredScreening s, DicomSettings settings) {
        return new DicomReference(uid(s, "study"), uid(s, "series"), uid(s, "instance"),
                settings.imageClass().sopClassUid, settings.imageClass().modality);
    }

    /** The screening's UID for {@code purpose} ("study", "series", "instance", "frame of reference"). */
    static String uid(StoredScreening s, String purpose) {
        return Uids.derived(s.deviceId(), Long.toString(s.id()), s.time().toString(), purpose);
    }
}
