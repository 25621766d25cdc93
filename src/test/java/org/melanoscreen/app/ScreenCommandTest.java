package org.melanoscreen.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.TestImages;
import org.melanoscreen.model.TinyModels;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScreenCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODELS = TinyModels.SEG + "," + TinyModels.CLS;

    @TempDir
    Path tmp;

    private Path goodImage(String name, long seed) throws Exception {
        try (Frame f = TestImages.lesion(320, 240, seed).toFrame(name)) {
            return Files.write(tmp.resolve(name), TestImages.encode(f, name.endsWith(".png") ? ".png" : ".jpg"));
        }
    }

    private static List<JsonNode> lines(String out) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void screensGoodImagesAndReportsEveryBadOneByName() throws Exception {
        goodImage("a_good.png", 1);
        goodImage("b_good.jpg", 2);
        Files.write(tmp.resolve("c_empty.jpg"), new byte[0]);
        byte[] jpeg = TestImages.syntheticJpeg(200, 150, 3);
        Files.write(tmp.resolve("d_truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
        Files.writeString(tmp.resolve("e_text.jpg"), "this is not an image");
        Mat gray = new Mat(64, 64, CvType.CV_8UC1, new Scalar(90));
        Files.write(tmp.resolve("f_gray.png"), TestImages.encodeRaw(gray, ".png"));
        gray.release();

        Cli.Run run = Cli.run("screen", "--json", "--models", MODELS, tmp.toString());
        assertEquals(1, run.exitCode(), run.err());
        List<JsonNode> results = lines(run.out());
        assertEquals(6, results.size(), run.out());
        for (JsonNode r : results.subList(0, 2)) {
            assertEquals("ok", r.get("status").asText());
            assertTrue(List.of("REFER", "LOW", "RETAKE").contains(r.get("risk").asText()));
            assertTrue(r.get("timings_ms").has("decode") && r.get("timings_ms").has("segment"));
            assertTrue(r.has("quality") && r.has("measurements"));
        }
        assertError(results.get(2), "c_empty.jpg", "empty file");
        assertError(results.get(3), "d_truncated.jpg", "truncated JPEG");
        assertError(results.get(4), "e_text.jpg", "not a JPEG or PNG image");
        assertError(results.get(5), "f_gray.png", "grayscale");
    }

    @Test
    void modelFoldersThatCannotBeScreenedWithAreSetupErrorsNotStackTraces() throws Exception {
        Path image = goodImage("a_good.png", 1);
        Path zero = TinyModels.editedCopy(TinyModels.CLS, tmp.resolve("zero"),
                m -> ((ObjectNode) m.get("thresholds")).put("referral", 0.0));
        Cli.Run refused = TinyModels.withApproved(tmp.resolve("approved"),
                () -> Cli.run("screen", "--models", TinyModels.SEG + "," + zero, image.toString()), zero);
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("error: " + zero.resolve("manifest.json") + ": thresholds.referral must be "
                + "in (0, 1], was 0.0; the risk policy cannot screen with it\n"), refused.err());
        assertTrue(!refused.err().contains("Exception") && refused.out().isEmpty(), refused.err());

        Cli.Run unapproved = Cli.run("screen", "--models", TinyModels.SEG + "," + zero, image.toString());
        assertEquals(2, unapproved.exitCode(), unapproved.err());
        assertTrue(unapproved.err().contains("error: " + zero + ": not an approved model folder"), unapproved.err());
    }

    private static void assertError(JsonNode r, String file, String reason) {
        assertEquals("error", r.get("status").asText());
        assertTrue(r.get("source").asText().endsWith(file));
        String message = r.get("error").asText();
        assertTrue(message.contains(file) && message.contains(reason), message);
    }

    @Test
    void tableOutputAndOverlays() throws Exception {
        Path image = goodImage("lesion.png", 4);
        Path overlays = tmp.resolve("overlays");
        Cli.Run run = Cli.run("screen", "--models", MODELS, "--overlay", overlays.toString(),
                "--pixel-pitch-mm", "0.02", image.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("image"), run.out());
        assertTrue(run.out().contains("lesion.png"));
        assertTrue(Files.size(overlays.resolve("lesion.overlay.png")) > 1000);
    }

    @Test
    void missingModelsIsASetupError() throws Exception {
        Path image = goodImage("lesion.png", 5);
        Cli.Run run = Cli.run("screen", "--models", tmp.resolve("nowhere").toString(), image.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("nowhere: model folder missing"), run.err());
    }

    @Test
    void usageErrors() {
        assertEquals(2, Cli.run("screen").exitCode());
        assertEquals(2, Cli.run("frobnicate").exitCode());
        assertEquals(0, Cli.run("--help").exitCode());
    }

    @Test
    void everyCommandsHelpRendersCleanly() {
        for (String command : new picocli.CommandLine(new Main()).getSubcommands().keySet()) {
            Cli.Run help = Cli.run(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: melanoscreen " + command), help.out());
            assertEquals("", help.err(), command + " --help printed warnings");
        }
    }
}
