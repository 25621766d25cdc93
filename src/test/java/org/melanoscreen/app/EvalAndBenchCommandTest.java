package org.melanoscreen.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalAndBenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODELS = TinyModels.SEG + "," + TinyModels.CLS;

    @TempDir
    Path tmp;

    /** A data set folder in the shared layout, made by the synth command, with a labels.csv of two splits. */
    private Path dataset() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, Cli.run("synth", "--out", data.toString(), "--count", "8", "--width", "160", "--height", "120")
                .exitCode());
        StringBuilder labels = new StringBuilder("image_id,split,melanoma\n");
        for (int i = 0; i < 8; i++) {
            labels.append(String.format("synthetic_%04d,%s,%d%n", i, i < 6 ? "val" : "train", i % 2));
        }
        labels.append("missing_image,val,1\n");
        labels.append("bad_label,val,maybe\n");
        Files.writeString(data.resolve("labels.csv"), labels);
        return data;
    }

    @Test
    void evalReportsEveryFigureAndNamesFailures() throws Exception {
        Path data = dataset();
        Path out = tmp.resolve("report");
        Cli.Run run = Cli.run("eval", "--json", "--split", "val", "--models", MODELS, "--out", out.toString(),
                data.toString());
        assertEquals(1, run.exitCode(), "one missing image and one bad label: " + run.err());
        String[] lines = run.out().strip().split("\n");
        JsonNode report = JSON.readTree(lines[lines.length - 1]);
        for (String key : List.of("images", "failed", "auc", "auc_ci", "sensitivity", "specificity", "f1", "log_loss",
                "balanced_accuracy", "ece", "dice", "jaccard", "thresholded_jaccard")) {
            assertTrue(report.has(key), key);
        }
        assertEquals(8, report.get("images").asInt(), "6 synthetic + missing + bad label");
        assertEquals(2, report.get("failed").asInt());
        assertTrue(report.get("auc").isNumber() && report.get("dice").isNumber());
        assertTrue(run.out().contains("missing_image") && run.out().contains("no such file"), run.out());
        assertTrue(run.out().contains("maybe"), run.out());
        List<String> csv = Files.readAllLines(out.resolve("per_image.csv"));
        assertEquals(1 + 7, csv.size(), "header + 6 images + the missing one");
        JsonNode outcomes = report.get("device_outcomes");
        int[] counted = new int[2];
        for (String row : csv.subList(1, csv.size())) {
            String[] cells = row.split(",");
            if (!cells[3].isEmpty()) {
                counted[Integer.parseInt(cells[1])]++;
                assertTrue(List.of("REFER", "LOW", "RETAKE").contains(cells[3]), row);
            }
        }
        for (int melanoma = 0; melanoma < 2; melanoma++) {
            JsonNode counts = outcomes.get(melanoma == 1 ? "melanoma" : "not_melanoma");
            assertEquals(counted[melanoma], counts.get("REFER").asInt() + counts.get("LOW").asInt()
                    + counts.get("RETAKE").asInt(), "outcomes of class " + melanoma);
        }
        assertEquals(3 + 3, counted[0] + counted[1], "every evaluated image has a device outcome");
        assertTrue(Files.size(out.resolve("roc.png")) > 1000);
    }

    /** Per-image melanoma probabilities of an eval run's CSV, by image id (6 decimals, as printed). */
    private static Map<String, String> evalProbabilities(Path out) throws Exception {
        Map<String, String> byId = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("per_image.csv")).subList(1, 9)) {
            String[] cells = line.split(",");
            byId.put(cells[0], cells[2]);
        }
        return byId;
    }

    @Test
    void evalWithHairRemovalScoresTheFramesScreenScores() throws Exception {
        Path data = tmp.resolve("hairy");
        assertEquals(0, Cli.run("synth", "--out", data.toString(), "--count", "8", "--width", "160", "--height", "120",
                "--hairs", "12").exitCode());
        StringBuilder labels = new StringBuilder("image_id,split,melanoma\n");
        for (int i = 0; i < 8; i++) {
            labels.append(String.format("synthetic_%04d,val,%d%n", i, i % 2));
        }
        Files.writeString(data.resolve("labels.csv"), labels);
        Path clean = tmp.resolve("clean");
        Path raw = tmp.resolve("raw");
        assertEquals(0, Cli.run("eval", "--hair-removal", "--models", MODELS, "--out", clean.toString(),
                data.toString()).exitCode());
        assertEquals(0, Cli.run("eval", "--models", MODELS, "--out", raw.toString(), data.toString()).exitCode());
        Cli.Run screen = Cli.run("screen", "--json", "--hair-removal", "--models", MODELS,
                data.resolve("images").toString());
        Map<String, String> screened = new TreeMap<>();
        for (String line : screen.out().strip().split("\n")) {
            JsonNode r = JSON.readTree(line);
            if (r.get("melanoma_probability").isNumber()) {
                String id = Path.of(r.get("source").asText()).getFileName().toString().replaceFirst("\\..*", "");
                screened.put(id, String.format(Locale.ROOT, "%.6f", r.get("melanoma_probability").asDouble()));
            }
        }
        assertTrue(screened.size() >= 4, "most synthetic lesions are found: " + screen.out());
        Map<String, String> evaluated = evalProbabilities(clean);
        screened.forEach((id, p) -> assertEquals(p, evaluated.get(id), id));
        assertNotEquals(evalProbabilities(raw), evaluated, "hairs change the tiny classifier's output");
    }

    @Test
    void synthOutputFeedsEvalWhichSaysWhatTheDeviceWouldDo() throws Exception {
        Path data = tmp.resolve("synth");
        assertEquals(0, Cli.run("synth", "--out", data.toString(), "--count", "5", "--width", "160", "--height", "120")
                .exitCode());
        List<String> labels = Files.readAllLines(data.resolve("labels.csv"));
        assertEquals(List.of("image_id,melanoma", "synthetic_0000,0", "synthetic_0001,0", "synthetic_0002,0",
                "synthetic_0003,0", "synthetic_0004,0"), labels);
        Path out = tmp.resolve("synth-report");
        Cli.Run run = Cli.run("eval", "--models", MODELS, "--out", out.toString(), data.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("melanoma ROC AUC    n/a (no melanomas)"), run.out());
        assertTrue(!run.out().contains("NaN"), run.out());
        assertTrue(run.out().contains("device outcome      REFER    LOW RETAKE"), run.out());
        assertTrue(run.out().contains("melanomas shown LOW 0 of 0"), run.out());
        assertTrue(run.out().contains("(5 masks, at their resolution)"), run.out());
        String line = run.out().lines().filter(l -> l.startsWith("  not melanoma")).findFirst().orElseThrow();
        int total = java.util.Arrays.stream(line.substring(16).trim().split("\\s+")).mapToInt(Integer::parseInt).sum();
        assertEquals(5, total, line);
        assertTrue(Files.readAllLines(out.resolve("per_image.csv")).get(0).contains(",device_outcome,"));
    }

    @Test
    void evalRefusesAFolderWithoutLabels() {
        Cli.Run run = Cli.run("eval", "--models", MODELS, tmp.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("labels.csv: missing"), run.err());
    }

    @Test
    void benchPrintsLatencyFloorAndMemory() throws Exception {
        Path data = dataset();
        Cli.Run run = Cli.run("bench", "--json", "--warmup", "1", "--iterations", "4", "--models", MODELS,
                data.resolve("images").toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode o = JSON.readTree(run.out().strip());
        assertTrue(o.get("startup_ms").asDouble() > 0);
        assertTrue(o.get("stages_ms").has("segment") && o.get("stages_ms").has("decode"));
        assertTrue(o.get("floor_ms").get("p50").asDouble() > 0);
        assertTrue(o.get("pipeline_over_floor").asDouble() >= 1.0, "the pipeline includes the models");
        assertTrue(o.get("alone_over_floor").asDouble() >= 1.0, "so does one image alone");
        assertTrue(o.get("alone_ms").get("p95").asDouble() >= o.get("alone_ms").get("p50").asDouble());
        assertTrue(o.get("peak_rss_mb").asDouble() > 0);
        JsonNode classifier = o.get("classifier_alone_ms");
        assertEquals(5, classifier.get("views_5").get("views").asInt(), classifier.toString());
        assertEquals(1, classifier.get("single_view").get("views").asInt(), classifier.toString());
        assertTrue(classifier.get("views_5").get("p50").asDouble() > 0 && classifier.get("single_view").get("p50")
                .asDouble() > 0, classifier.toString());
    }
}
