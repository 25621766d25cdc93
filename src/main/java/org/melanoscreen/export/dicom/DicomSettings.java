package org.melanoscreen.export.dicom;

import org.melanoscreen.settings.Key;
import org.melanoscreen.settings.Range;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How screenings become DICOM objects ({@link #KEYS}, part of the service configuration, documented in
 * device/melanoscreen.conf). The optics (contact method, polarization, magnification) and the body site are facts
 * of the installation that the device cannot know: empty by default, and a Dermoscopic Photography Image, which
 * requires the first two, is refused until they are set.
 *
 * @param imageClass    the IOD written
 * @param bodySite      SNOMED CT body site of every image; {@code null} when not configured
 * @param contactMethod DICOM Contact Method term; {@code null} when not configured
 * @param immersion     DICOM Immersion Media term of a contact dermatoscope; {@code null} when not configured
 * @param polarization  DICOM Light Source Polarization term; {@code null} when not configured
 * @param magnification optical magnification of the dermatoscope; {@code null} when not configured
 * @param modelName     the device's model name in the Enhanced General Equipment module
 */
public record DicomSettings(ImageClass imageClass, BodySite bodySite, String contactMethod, String immersion,
                            String polarization, Double magnification, String modelName) {

    /** The IODs this device writes. */
    public enum ImageClass {
        DERMOSCOPIC("dermoscopic", "1.2.840.10008.5.1.4.1.1.77.1.7", "DMS"),
        VL_PHOTOGRAPHIC("vl-photographic", "1.2.840.10008.5.1.4.1.1.77.1.4", "XC");

        final String key;
        final String sopClassUid;
        final String modality;

        ImageClass(String key, String sopClassUid, String modality) {
            this.key = key;
            this.sopClassUid = sopClassUid;
            this.modality = modality;
        }
    }

    /** A SNOMED CT concept: its id and its meaning. */
    public record BodySite(String code, String meaning) {
    }

    /** Contact Method (0016,1003) terms. */
    static final List<String> CONTACT_METHODS = List.of("CONTACT", "NON_CONTACT");
    /** Immersion Media (0016,1004) terms. */
    static final List<String> IMMERSION_MEDIA = List.of("ULTRASOUND_GEL", "ALCOHOL", "MINERAL_OIL", "PLASTIC_CAP");
    /** Light Source Polarization (0016,1001) terms. */
    static final List<String> POLARIZATIONS = List.of("NON_POLARIZED", "POLARIZED");
    /** Optical magnification: above 0, at most 1000. */
    public static final Range MAGNIFICATION = Range.aboveUpTo(0, 1000);

    private static final Pattern BODY_SITE = Pattern.compile("(\\d{6,18})\\s+(\\S.{0,63})");

    private static final Key MAGNIFICATION_KEY = Key.optionalNumber("dicom.magnification", MAGNIFICATION,
            "DICOM export: the dermatoscope's optical magnification (e.g. 10); empty = not stated.");

    public static final List<Key> KEYS = List.of(
            Key.owned("dicom.image_class", "dermoscopic", "DICOM export: dermoscopic (Dermoscopic Photography "
                    + "Image, modality DMS) or vl-photographic (VL Photographic Image, modality XC, for archives "
                    + "that do not know the first)."),
            Key.owned("dicom.body_site", "", "DICOM export: SNOMED CT body site of the images as 'CODE Meaning', "
                    + "e.g. '39937001 Skin structure'; empty = none."),
            Key.owned("dicom.contact_method", "", "DICOM export: whether the dermatoscope touches the skin, one of "
                    + String.join(", ", CONTACT_METHODS) + "; required for dermoscopic."),
            Key.owned("dicom.immersion_media", "", "DICOM export: what lies between a CONTACT dermatoscope and the "
                    + "skin, one of " + String.join(", ", IMMERSION_MEDIA) + "; empty = not stated."),
            Key.owned("dicom.polarization", "", "DICOM export: the dermatoscope's light, one of "
                    + String.join(", ", POLARIZATIONS) + "; required for dermoscopic."),
            MAGNIFICATION_KEY,
            Key.owned("dicom.model_name", "melanoscreen", "DICOM export: the device's model name (Manufacturer's "
                    + "Model Name)."));

    /** Settings from {@code values} (other keys are ignored; missing ones take their defaults). */
    public static DicomSettings parse(Map<String, String> values) {
        Map<String, String> v = Key.withDefaults(KEYS, values);
        ImageClass imageClass = null;
        for (ImageClass c : ImageClass.values()) {
            if (c.key.equals(v.get("dicom.image_class"))) {
                imageClass = c;
            }
        }
        if (imageClass == null) {
            throw bad("dicom.image_class", v, "must be dermoscopic or vl-photographic");
        }
        BodySite site = null;
        if (!v.get("dicom.body_site").isEmpty()) {
            Matcher m = BODY_SITE.matcher(v.get("dicom.body_site"));
            if (!m.matches()) {
                throw bad("dicom.body_site", v, "must be a SNOMED CT concept id (6 to 18 digits), a space and its "
                        + "meaning (at most 64 characters), e.g. '39937001 Skin structure'");
            }
            site = new BodySite(m.group(1), m.group(2));
        }
        String contact = term(v, "dicom.contact_method", CONTACT_METHODS);
        String immersion = term(v, "dicom.immersion_media", IMMERSION_MEDIA);
        if (immersion != null && !"CONTACT".equals(contact)) {
            throw bad("dicom.immersion_media", v, "needs dicom.contact_method = CONTACT");
        }
        String polarization = term(v, "dicom.polarization", POLARIZATIONS);
        String magnification = MAGNIFICATION_KEY.checked(v);
        String model = v.get("dicom.model_name");
        if (model.isEmpty() || model.length() > 64 || model.contains("\\")) {
            throw bad("dicom.model_name", v, "must be 1 to 64 characters without a backslash");
        }
        return new DicomSettings(imageClass, site, contact, immersion, polarization,
                magnification.isEmpty() ? null : Double.valueOf(magnification), model);
    }

    /** Null when these settings can describe a screening as their image class, else what is missing. */
    String missing() {
        if (imageClass == ImageClass.DERMOSCOPIC && (contactMethod == null || polarization == null)) {
            return "a Dermoscopic Photography Image needs dicom.contact_method and dicom.polarization (how this "
                    + "dermatoscope images); set them, or dicom.image_class = vl-photographic";
        }
        return null;
    }

    private static String term(Map<String, String> v, String key, List<String> terms) {
        String value = v.get(key);
        if (value.isEmpty()) {
            return null;
        }
        if (!terms.contains(value)) {
            throw bad(key, v, "must be empty or one of " + String.join(", ", terms));
        }
        return value;
    }

    private static IllegalArgumentException bad(String key, Map<String, String> v, String why) {
        return new IllegalArgumentException(key + " = '" + v.get(key) + "' " + why);
    }
}
