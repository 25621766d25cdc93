package org.melanoscreen.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.model.TinyModels;
import org.melanoscreen.store.IndexDamage;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelftestCommandTest {
    @TempDir
    Path tmp;

    private record Result(int exitCode, String out) {
    }

    /** A folder that exists (and is empty), as the service or the package leaves a data folder. */
    private Path existing(String name) {
        Path folder = tmp.resolve(name);
        return folder.toFile().isDirectory() || folder.toFile().mkdir() ? folder : fail("cannot create " + name);
    }

    private static Result selftest(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new SelftestCommand());
        cli.setOut(new PrintWriter(out, true));
        return new Result(cli.execute(args), out.toString());
    }

    @Test
    void everyCheckPassesOnAWorkingSetUp() {
        Result r = selftest("--set", "models=" + TinyModels.SEG + "," + TinyModels.CLS,
                "--set", "store.data_dir=" + existing("data"), "--set", "store.min_free_mb=0",
                "--set", "source=simulated?width=320&height=240", "--set", "hardware.lights=console",
                "--set", "hardware.button=none", "--set", "hardware.display=png",
                "--set", "hardware.png_dir=" + tmp.resolve("frames"));
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("PASS models: segmenter "), r.out());
        assertTrue(r.out().contains("; 4 segmenter and 4 classifier parity fixtures match the recipe\n"), r.out());
        assertTrue(r.out().contains("PASS store: " + tmp.resolve("data").toAbsolutePath()), r.out());
        assertTrue(r.out().contains("PASS camera: 320x240 frame from "), r.out());
        assertTrue(r.out().contains("PASS lamps: lamp test shown on console lamps"), r.out());
        assertTrue(r.out().contains("PASS display: test pattern shown on the png display"), r.out());
        assertTrue(tmp.resolve("frames").toFile().list().length > 0, "the pattern was written as PNG");
        assertTrue(r.out().endsWith("selftest: 5 passed, 0 failed\n"), r.out());
    }

    @Test
    void failuresAreNamedWithTheirReasonAndTheExitCodeIsOne() {
        Path missing = tmp.resolve("no-models");
        Result r = selftest("--set", "models=" + missing, "--set", "store.data_dir=" + existing("data"),
                "--set", "store.min_free_mb=0", "--set", "source=folder:" + existing("no-frames"),
                "--set", "hardware.button=none", "--set", "hardware.display=none");
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("FAIL models: " + missing + ": model folder missing"), r.out());
        assertTrue(r.out().contains("PASS store: "), r.out());
        assertTrue(r.out().contains("FAIL camera: "), r.out());
        assertTrue(r.out().contains("FAIL lamps: gpio.led_green / gpio.led_amber / gpio.led_red: "),
                "no GPIO chip on this machine: " + r.out());
        assertTrue(r.out().contains("PASS display: no display configured"), r.out());
        assertTrue(r.out().endsWith("selftest: 2 passed, 3 failed\n"), r.out());
    }

    @Test
    void aDamagedResultsIndexFailsTheStoreCheckWithTheRemedy() throws Exception {
        IndexDamage.createStoreOfManyPages(tmp.resolve("data"));
        IndexDamage.overwriteMiddlePages(tmp.resolve("data/results.db"));
        Result r = selftest("--set", "models=" + TinyModels.SEG + "," + TinyModels.CLS,
                "--set", "store.data_dir=" + tmp.resolve("data"), "--set", "store.min_free_mb=0",
                "--set", "source=simulated?width=320&height=240", "--set", "hardware.lights=none",
                "--set", "hardware.button=none", "--set", "hardware.display=none");
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("FAIL store: " + tmp.resolve("data/results.db").toAbsolutePath() + ": damaged, "
                + "the integrity check found: "), r.out());
        assertTrue(r.out().contains("export what can still be read (melanoscreen results export --to DIR)"), r.out());
    }

    @Test
    void eachPartIsCheckedAlone() {
        Result r = selftest("--set", "models=" + TinyModels.SEG + "," + TinyModels.CLS,
                "--set", "store.data_dir=" + existing("data"), "--set", "store.min_free_mb=0",
                "--set", "source=simulated?width=320&height=240", "--set", "hardware.button=none",
                "--set", "hardware.display=png", "--set", "hardware.png_dir=" + tmp.resolve("frames"));
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("FAIL lamps: gpio.led_green / gpio.led_amber / gpio.led_red: "),
                "no GPIO chip on this machine: " + r.out());
        assertTrue(r.out().contains("PASS display: test pattern shown on the png display"),
                "the display does not depend on the lamps: " + r.out());
        Result none = selftest("--set", "models=" + TinyModels.SEG + "," + TinyModels.CLS,
                "--set", "store.data_dir=" + existing("data"), "--set", "store.min_free_mb=0",
                "--set", "source=simulated?width=320&height=240", "--set", "hardware.lights=none",
                "--set", "hardware.button=none", "--set", "hardware.display=none");
        assertTrue(none.out().contains("PASS lamps: no lamps configured"), none.out());
    }

    private Result modelsOnly(Path classifier) {
        try {
            Files.createDirectories(tmp.resolve("data"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return selftest("--set", "models=" + TinyModels.SEG + "," + classifier,
                "--set", "store.data_dir=" + tmp.resolve("data"), "--set", "store.min_free_mb=0",
                "--set", "source=simulated?width=320&height=240", "--set", "hardware.lights=none",
                "--set", "hardware.button=none", "--set", "hardware.display=none");
    }

    @Test
    void anEditedCopyOfAModelFolderFailsTheModelCheck() {
        Path edited = TinyModels.editedCopy(TinyModels.CLS, tmp.resolve("edited"),
                m -> ((ObjectNode) m.get("thresholds")).put("referral", 1.0));
        Result r = modelsOnly(edited);
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("FAIL models: " + edited + ": not an approved model folder"), r.out());
    }

    @Test
    void aPreprocessingThatDiffersFromTheRecipeFailsTheModelCheck() throws Exception {
        Path edited = TinyModels.editedCopy(TinyModels.CLS, tmp.resolve("edited"),
                m -> ((ArrayNode) ((ObjectNode) m.get("input")).get("std")).set(0, 0.2));
        Result r = TinyModels.withApproved(tmp.resolve("approved"), () -> modelsOnly(edited), edited);
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("FAIL models: " + edited.resolve("fixtures/expected.json")
                + ", fixture_0.png: input sum of squares is "), r.out());
        assertTrue(r.out().endsWith("selftest: 4 passed, 1 failed\n"), r.out());
    }
}
