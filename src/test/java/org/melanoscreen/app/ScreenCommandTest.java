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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        Files.write(tmp.resolve("g_cut_with_end_marker.jpg"), TestImages.cutWithEndMarker(jpeg, 0.6));
        Files.write(tmp.resolve("h_two_sof.jpg"), TestImages.withSecondFrameHeader(jpeg));

        Cli.Run run = Cli.run("screen", "--json", "--models", MODELS, tmp.toString());
        assertEquals(1, run.exitCode(), run.err());
        List<JsonNode> results = lines(run.out());
        assertEquals(8, results.size(), run.out());
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
        assertError(results.get(6), "g_cut_with_end_marker.jpg", "corrupt JPEG data");
        assertError(results.get(7), "h_two_sof.jpg", "corrupt JPEG data");
    }

    @Test
    void noTtaClassifiesTheIdentityViewAloneAgainstTheSingleViewThreshold() throws Exception {
        Path image = goodImage("a_good.png", 9);
        JsonNode views = lines(Cli.run("screen", "--json", "--models", MODELS, image.toString()).out()).get(0);
        Cli.Run off = Cli.run("screen", "--json", "--no-tta", "--models", MODELS, image.toString());
        assertEquals(0, off.exitCode(), off.err());
        JsonNode single = lines(off.out()).get(0);
        JsonNode thresholds = JSON.readTree(TinyModels.CLS.resolve("manifest.json").toFile()).get("thresholds");
        assertEquals(thresholds.get("referral").asDouble(), views.get("referral_threshold").asDouble(), 1e-6);
        assertEquals(thresholds.get("referral_single_view").asDouble(), single.get("referral_threshold").asDouble(),
                1e-6);
        assertNotEquals(views.get("melanoma_probability").asDouble(), single.get("melanoma_probability").asDouble());
    }

    @Test
    void libpngPrintsNothingOnTheProcessesStderr() throws Exception {
        byte[] png;
        try (Frame f = TestImages.lesion(160, 120, 4).toFrame("x")) {
            png = TestImages.encode(f, ".png");
        }
        int[] idat = TestImages.firstIdat(png);
        byte[] data = Arrays.copyOfRange(png, idat[0], idat[0] + idat[1]);
        Arrays.fill(data, data.length / 3, data.length / 3 + 64, (byte) 0x5A);
        byte[] damaged = TestImages.withPngChunk(Arrays.copyOf(png, 33), "IDAT", data);
        damaged = Arrays.copyOf(damaged, damaged.length + 12);
        System.arraycopy(png, png.length - 12, damaged, damaged.length - 12, 12);
        Files.write(tmp.resolve("a_damaged_zlib.png"), damaged);
        Files.write(tmp.resolve("b_bad_profile.png"), TestImages.withPngChunk(png, "iCCP",
                "bad\0\0not a zlib stream".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        Path err = tmp.resolve("stderr.txt");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "screen", "--json", "--models",
                MODELS, tmp.resolve("a_damaged_zlib.png").toString(), tmp.resolve("b_bad_profile.png").toString())
                .redirectError(err.toFile()).redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
        assertEquals(1, child.waitFor(), Files.readString(err));
        String stderr = Files.readString(err);
        assertTrue(!stderr.contains("libpng"), stderr);
        List<JsonNode> results = lines(Files.readString(tmp.resolve("stdout.txt")));
        assertError(results.get(0), "a_damaged_zlib.png", "corrupt PNG");
        assertEquals("ok", results.get(1).get("status").asText(), results.get(1).toString());
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
