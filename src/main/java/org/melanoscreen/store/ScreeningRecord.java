package org.melanoscreen.store;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One screening to store.
 *
 * @param patientRef          typed in or scanned; {@code null} when not given
 * @param lesionRef           typed in or scanned; {@code null} when not given
 * @param risk                REFER, LOW, RETAKE, ...
 * @param melanomaProbability {@code null} when no probability was computed (RETAKE)
 * @param resultJson          the full result (measurements and quality figures inside), stored verbatim as
 *                            {@code result.json}
 * @param models              model id to the SHA-256 of its ONNX file
 * @param files               file name to content, e.g. frame.png, mask.png, overlay.png
 */
public record ScreeningRecord(Instant time, String deviceId, String patientRef, String lesionRef, String risk,
                              Double melanomaProbability, String resultJson, Map<String, String> models,
                              String softwareVersion, Map<String, byte[]> files) {
    public static final String RESULT_FILE = "result.json";

    static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern RISK = Pattern.compile("[A-Z][A-Z_]{0,31}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_REF_LENGTH = 200;
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    public ScreeningRecord {
        models = models == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(models));
        files = files == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** Rejects what cannot be stored faithfully, naming the field and the reason. */
    void check() throws StoreException {
        if (time == null || time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw invalid("time " + time + " is missing or outside 2000..9999");
        }
        text("device id", deviceId, false);
        text("patient reference", patientRef, true);
        text("lesion reference", lesionRef, true);
        if (risk == null || !RISK.matcher(risk).matches()) {
            throw invalid("risk '" + risk + "' must be an upper-case word such as REFER, LOW or RETAKE");
        }
        if (melanomaProbability != null && !(melanomaProbability >= 0 && melanomaProbability <= 1)) {
            throw invalid("melanoma probability " + melanomaProbability + " is outside 0..1");
        }
        checkResultJson();
        if (models == null) {
            throw invalid("models missing");
        }
        for (Map.Entry<String, String> m : models.entrySet()) {
            text("model id", m.getKey(), false);
            if (m.getValue() == null || !SHA256.matcher(m.getValue()).matches()) {
                throw invalid("model " + m.getKey() + ": sha256 '" + m.getValue()
                        + "' is not 64 lower-case hex digits");
            }
        }
        text("software version", softwareVersion, false);
        if (files == null) {
            throw invalid("files missing");
        }
        Set<String> folded = new HashSet<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String name = f.getKey();
            if (name == null || !FILE_NAME.matcher(name).matches()) {
                throw invalid("file name '" + name + "' must be 1 to 100 letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit (no path separators)");
            }
            if (!folded.add(name.toLowerCase(Locale.ROOT)) || name.equalsIgnoreCase(RESULT_FILE)) {
                // a FAT-formatted USB stick cannot hold names that differ only in case
                throw invalid("file name '" + name + "' clashes with " + RESULT_FILE + " or another file name");
            }
            if (f.getValue() == null) {
                throw invalid("file " + name + ": content missing");
            }
        }
    }

    private void checkResultJson() throws StoreException {
        if (resultJson == null) {
            throw invalid("result JSON missing");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(resultJson);
            if (node == null || !node.isObject()) {
                throw invalid("result JSON is not a JSON object");
            }
        } catch (JsonProcessingException e) {
            throw invalid("result JSON is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static void text(String what, String value, boolean optional) throws StoreException {
        if (value == null) {
            if (optional) {
                return;
            }
            throw invalid(what + " missing");
        }
        if (value.isBlank() || value.length() > MAX_REF_LENGTH) {
            throw invalid(what + " '" + value + "' must be 1 to " + MAX_REF_LENGTH + " characters, not blank");
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            throw invalid(what + " '" + value.replaceAll("\\p{Cntrl}", "?")
                    + "' contains control characters (strip scanner separators before storing)");
        }
    }

    private static StoreException invalid(String reason) {
        return new StoreException("screening record: " + reason);
    }
}
