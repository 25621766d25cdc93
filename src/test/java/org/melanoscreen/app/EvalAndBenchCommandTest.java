package org.melanoscreen.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertTrue(Files.size(out.resolve("roc.png")) > 1000);
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
        assertTrue(o.get("peak_rss_mb").asDouble() > 0);
    }
}
