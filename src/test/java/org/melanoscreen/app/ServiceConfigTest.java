package org.melanoscreen.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceConfigTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsThenFileThenOverrides() throws Exception {
        Path file = Files.writeString(tmp.resolve("a.conf"), "capture.burst_frames = 7\nsource = simulated\n");
        ServiceConfig c = ServiceConfig.load(file, Map.of("capture.burst_frames", "9"));
        assertEquals(9, c.integer("capture.burst_frames"));
        assertEquals("simulated", c.text("source"));
        assertEquals(0.18, c.number("quality.min_sharpness"));
        assertNull(c.optionalNumber("optics.pixel_pitch_mm"));
    }

    @Test
    void unknownKeyIsNamedWithItsFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("b.conf"), "capture.burst_frame = 7\n");
        ServiceConfig.ConfigException e = assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(file, Map.of()));
        assertTrue(e.getMessage().startsWith(file + ": unknown configuration key 'capture.burst_frame'"),
                e.getMessage());
    }

    @Test
    void badValuesAreNamed() {
        assertTrue(assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("dicom.image_class", "ct"))).getMessage()
                .contains("dicom.image_class = 'ct' must be dermoscopic or vl-photographic"));
        assertTrue(assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("capture.auto", "yes"))).getMessage()
                .contains("capture.auto = 'yes' must be true or false"));
        assertTrue(assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("models.provider", "gpu"))).getMessage()
                .contains("must be cpu, cuda or tensorrt"));
        assertTrue(assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("optics.pixel_pitch_mm", "-1"))).getMessage()
                .contains("optics.pixel_pitch_mm"));
        assertTrue(assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(null, Map.of("capture.screen_best", "9"))).getMessage()
                .contains("capture.screen_best must be between 1 and capture.burst_frames"));
        assertTrue(assertThrows(ServiceConfig.ConfigException.class,
                () -> ServiceConfig.load(tmp.resolve("absent.conf"), Map.of())).getMessage()
                .endsWith("configuration file missing"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "models.threads|999999999|is out of range: it must be from 0 to 64",
            "quality.max_clipped_high|1.5|is out of range: it must be from 0 to 1",
            "quality.min_sharpness|0|is out of range: it must be above 0 and below 1",
            "lesion.max_area|1.2|is out of range: it must be from 0 to 1",
            "capture.fault_retry_s|0|is out of range: it must be from 0.1 to 3600",
            "capture.burst_frames|-3|is out of range: it must be from 1 to 100",
            "store.retention_days|soon|must be a whole number from 0 to 36500"})
    void numbersOutsideTheRangeTheirOwnerAllowsAreNamedWithTheRange(String key, String value, String problem) {
        assertEquals("command line: " + key + " = '" + value + "' " + problem, configError(key, value));
    }

    private static String configError(String key, String value) {
        return assertThrows(ServiceConfig.ConfigException.class, () -> ServiceConfig.load(null, Map.of(key, value)))
                .getMessage();
    }

    @Test
    void aSourceTypoOrAMissingFolderStopsTheStartNamingIt() {
        assertEquals("source: frame source 'camera:/dev/video0?widht=640': unknown option 'widht' for camera; known: "
                + "backoff-max-ms, backoff-ms, format, fps, frozen-frames, height, read-failures, warmup, width",
                assertThrows(ServiceConfig.ConfigException.class, () -> ServiceConfig.load(null,
                        Map.of("source", "camera:/dev/video0?widht=640"))).getMessage());
        assertEquals("source: frame source 'folder:/nonexistent': /nonexistent is not a folder (or it does not "
                + "exist)", assertThrows(ServiceConfig.ConfigException.class, () -> ServiceConfig.load(null,
                Map.of("source", "folder:/nonexistent"))).getMessage());
        Cli.Run run = Cli.run("run", "--demo", "--set", "source=simulated?unplug-after=x");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("error: source: frame source 'simulated?unplug-after=x': unplug-after 'x' is not a whole number\n",
                run.err());
    }

    @Test
    void changesAreListedKeyByKey() throws Exception {
        ServiceConfig c = ServiceConfig.load(null, Map.of("capture.auto", "true"));
        Map<String, String> before = new java.util.HashMap<>(c.effective());
        before.put("capture.auto", "false");
        assertEquals(java.util.List.of("capture.auto: 'false' -> 'true'"), c.changesSince(before));
    }

    @Test
    void shippedConfigurationFileDocumentsEveryKeyAtItsDefault() throws Exception {
        Path shipped = Path.of("device/melanoscreen.conf");
        assertEquals(ServiceConfig.documentedDefaults(), Files.readString(shipped),
                "device/melanoscreen.conf is generated from ServiceConfig.KEYS; regenerate it");
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(shipped)));
        assertEquals(ServiceConfig.KEYS.size(), p.size());
        ServiceConfig.load(shipped, Map.of());
    }

    /** Each record's defaults are read from its keys, so the shipped file, the records and the keys agree. */
    @Test
    void theShippedFileGivesEveryRecordItsDefaults() throws Exception {
        var shipped = ServiceConfig.load(Path.of("device/melanoscreen.conf"), Map.of()).values();
        assertEquals(org.melanoscreen.analysis.ScreeningSettings.DEFAULT,
                org.melanoscreen.analysis.ScreeningSettings.from(shipped));
        assertEquals(org.melanoscreen.analysis.QualitySettings.DEFAULT,
                new org.melanoscreen.analysis.QualitySettings(0.18, 0.15, 0.05, 40, 235, 0.18, 0.25),
                "the documented quality defaults");
        assertEquals(org.melanoscreen.model.SessionSettings.DEFAULT,
                org.melanoscreen.model.SessionSettings.from(shipped));
        assertEquals(org.melanoscreen.store.StoreSettings.defaults(tmp, "melanoscreen"),
                org.melanoscreen.store.StoreSettings.from(shipped, tmp, "melanoscreen"));
        assertEquals(new org.melanoscreen.workflow.ApplianceSettings(5, 3, java.time.Duration.ofSeconds(15),
                java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5), false),
                org.melanoscreen.workflow.ApplianceSettings.from(shipped));
        assertEquals(new ControlSettings(null, true), ControlSettings.from(shipped));
    }

    @Test
    void aRelationBetweenTwoKeysIsCheckedByTheirOwnerAndNamesBoth() {
        assertEquals("lesion.min_area must be below lesion.max_area",
                configError("lesion.min_area", "0.9"));
        assertEquals("quality.min_mean_luma must be below quality.max_mean_luma",
                configError("quality.min_mean_luma", "250"));
        assertEquals("device.id must not be empty", configError("device.id", ""));
    }
}
