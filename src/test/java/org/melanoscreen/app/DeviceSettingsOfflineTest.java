package org.melanoscreen.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.json.Json;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code screen}, {@code eval} and {@code bench} read the device's configuration file (--config, --set), so a
 * device's tuned settings are reproduced offline: a stricter focus threshold than the default RETAKEs what the
 * default lets through.
 */
class DeviceSettingsOfflineTest {
    private static final String MODELS = TinyModels.SEG + "," + TinyModels.CLS;

    @TempDir
    Path tmp;

    private Path strictConfig() throws Exception {
        return Files.writeString(tmp.resolve("device.conf"), "# a device tuned for a sharper dermatoscope\n"
                + "quality.min_sharpness = 0.99\n");
    }

    private JsonNode screen(Path image, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("screen", "--json", "--models", MODELS));
        args.addAll(List.of(options));
        args.add(image.toString());
        Cli.Run run = Cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return Json.MAPPER.readTree(run.out().strip());
    }

    @Test
    void screenWithTheDevicesConfigurationRetakesWhatTheDefaultsPass() throws Exception {
        Path image = tmp.resolve("lesion.png");
        try (Frame f = TestImages.lesion(320, 240, 3).toFrame("lesion.png")) {
            Files.write(image, TestImages.encode(f, ".png"));
        }
        JsonNode defaults = screen(image);
        assertTrue(defaults.get("quality").get("passed").asBoolean(), defaults.toString());
        assertEquals("LOW", defaults.get("risk").asText(), defaults.toString());

        for (JsonNode strict : List.of(screen(image, "--config", strictConfig().toString()),
                screen(image, "--set", "quality.min_sharpness=0.99"))) {
            assertEquals("RETAKE", strict.get("risk").asText(), strict.toString());
            assertFalse(strict.get("quality").get("passed").asBoolean());
            assertTrue(strict.get("quality").get("reasons").get(0).asText().startsWith("out of focus"),
                    strict.toString());
            assertEquals(defaults.get("melanoma_probability"), strict.get("melanoma_probability"),
                    "only the gate differs");
        }
    }

    @Test
    void evalWithTheDevicesConfigurationCountsTheRetakesTheDeviceWouldShow() throws Exception {
        Path data = tmp.resolve("synth");
        assertEquals(0, Cli.run("synth", "--out", data.toString(), "--count", "24", "--width", "160", "--height",
                "120").exitCode());
        JsonNode defaults = eval(data, "default");
        JsonNode strict = eval(data, "strict", "--config", strictConfig().toString());
        JsonNode benign = defaults.get("device_outcomes").get("not_melanoma");
        assertTrue(benign.get("LOW").asInt() > 0, defaults.toString());
        JsonNode strictBenign = strict.get("device_outcomes").get("not_melanoma");
        assertEquals(0, strictBenign.get("LOW").asInt(), strict.toString());
        assertEquals(benign.get("RETAKE").asInt() + benign.get("LOW").asInt(), strictBenign.get("RETAKE").asInt(),
                "every LOW became RETAKE");
        assertEquals(benign.get("REFER").asInt(), strictBenign.get("REFER").asInt(),
                "a referral stays a referral whatever the gate says");
        assertEquals(defaults.get("auc"), strict.get("auc"), "the models' figures do not change");
    }

    private JsonNode eval(Path data, String name, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("eval", "--json", "--models", MODELS, "--out",
                tmp.resolve(name).toString()));
        args.addAll(List.of(options));
        args.add(data.toString());
        Cli.Run run = Cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().strip().split("\n");
        return Json.MAPPER.readTree(lines[lines.length - 1]);
    }

    @Test
    void aBadKeyOrValueInTheConfigurationIsASetupError() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.conf"), "quality.min_sharpness = 2\n");
        for (String command : new String[]{"screen", "eval", "bench"}) {
            Cli.Run run = Cli.run(command, "--config", bad.toString(), "--models", MODELS, "no-such-input");
            assertEquals(2, run.exitCode(), command + ": " + run.err());
            assertEquals("error: " + bad + ": quality.min_sharpness = '2' is out of range: it must be above 0 and "
                    + "below 1\n", run.err(), command);
        }
    }
}
