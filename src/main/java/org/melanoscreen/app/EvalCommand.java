package org.melanoscreen.app;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.melanoscreen.analysis.Risk;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.eval.BinaryMetrics;
import org.melanoscreen.eval.Dataset;
import org.melanoscreen.eval.EvalReport;
import org.melanoscreen.eval.Evaluator;
import org.melanoscreen.eval.RocPlot;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate the models on a labelled data set folder (images/, optional masks/, labels.csv): "
                + "what the device would show (REFER / LOW / RETAKE) per true class, melanoma ROC AUC with 95%% CI, "
                + "operating point at the manifest threshold, calibration, and segmentation overlap at the masks' "
                + "resolution where masks exist.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DATASET-DIR")
    Path dataset;

    @Option(names = "--split", paramLabel = "NAME", description = "Keep only labels.csv rows whose split is NAME.")
    String split;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "eval-report",
            description = "Folder for the per-image CSV and the ROC curve PNG (default ${DEFAULT-VALUE}).")
    Path outDir;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        modelOptions.config();
        Dataset data;
        try {
            data = Dataset.read(dataset, split);
        } catch (IOException e) {
            throw new SetupException(e.getMessage(), e);
        }
        if (data.items().isEmpty()) {
            throw new SetupException(dataset + ": no images" + (split == null ? "" : " in split " + split), null);
        }
        data.problems().forEach(p -> output.error(dataset.toString(), p));
        EvalReport report;
        try (ModelSet models = modelOptions.loadModels(); ScreeningPipeline pipeline = modelOptions.pipeline(models)) {
            report = new Evaluator(pipeline).evaluate(data, progress(data.items().size()));
        } catch (ModelException e) {
            throw new SetupException(e.getMessage(), e);
        }
        report.rows().stream().filter(r -> r.error() != null).forEach(r -> output.error(r.id(), r.error()));
        Files.createDirectories(outDir);
        writeCsv(report, outDir.resolve("per_image.csv"));
        Path roc = outDir.resolve("roc.png");
        if (Double.isFinite(report.auc())) {
            double[] scores = report.rows().stream().filter(r -> r.error() == null)
                    .mapToDouble(EvalReport.Row::probability).toArray();
            int[] labels = report.rows().stream().filter(r -> r.error() == null)
                    .mapToInt(EvalReport.Row::melanoma).toArray();
            RocPlot.write(roc, BinaryMetrics.rocCurve(scores, labels), report.auc(), report.aucCi(),
                    report.sensitivity(), report.specificity(), "Melanoma ROC: " + dataset.getFileName()
                            + (split == null ? "" : " (" + split + ")"));
        }
        if (output.json) {
            System.out.println(json(report));
        } else {
            printHuman(report);
        }
        System.err.println("per-image CSV: " + outDir.resolve("per_image.csv")
                + (Double.isFinite(report.auc()) ? ", ROC curve: " + roc : ""));
        return report.failed() == 0 ? 0 : 1;
    }

    private IntConsumer progress(int total) {
        if (System.console() == null || output.json) {
            return done -> { };
        }
        return done -> {
            int width = 30;
            int filled = done * width / total;
            System.err.printf(Locale.ROOT, "\r[%s%s] %d/%d", "#".repeat(filled), " ".repeat(width - filled), done,
                    total);
            if (done == total) {
                System.err.println();
            }
        };
    }

    static ObjectNode json(EvalReport r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("images", r.images());
        o.put("failed", r.failed());
        o.put("melanomas", r.melanomas());
        number(o, "auc", r.auc());
        if (Double.isFinite(r.aucCi()[0])) {
            o.putArray("auc_ci").add(Json.round(r.aucCi()[0], 6)).add(Json.round(r.aucCi()[1], 6));
        } else {
            o.putNull("auc_ci");
        }
        number(o, "threshold", r.threshold());
        number(o, "sensitivity", r.sensitivity());
        number(o, "specificity", r.specificity());
        number(o, "f1", r.f1());
        number(o, "log_loss", r.logLoss());
        number(o, "balanced_accuracy", r.balancedAccuracy());
        number(o, "ece", r.ece());
        o.put("masks", r.masks());
        number(o, "dice", r.dice());
        number(o, "jaccard", r.jaccard());
        number(o, "thresholded_jaccard", r.thresholdedJaccard());
        ObjectNode outcomes = o.putObject("device_outcomes");
        for (boolean melanoma : new boolean[]{true, false}) {
            ObjectNode counts = outcomes.putObject(melanoma ? "melanoma" : "not_melanoma");
            for (Risk risk : Risk.values()) {
                counts.put(risk.name(), r.outcomes().count(melanoma, risk));
            }
        }
        return o;
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, Json.round(v, 6));
        } else {
            o.putNull(key);
        }
    }

    private static void printHuman(EvalReport r) {
        int benign = r.images() - r.failed() - r.melanomas();
        System.out.printf(Locale.ROOT, "images              %d (%d failed, %d melanoma)%n", r.images(), r.failed(),
                r.melanomas());
        System.out.println("device outcome      REFER    LOW RETAKE");
        for (boolean melanoma : new boolean[]{true, false}) {
            System.out.printf(Locale.ROOT, "  %-16s %6d %6d %6d%n", melanoma ? "melanoma" : "not melanoma",
                    r.outcomes().count(melanoma, Risk.REFER), r.outcomes().count(melanoma, Risk.LOW),
                    r.outcomes().count(melanoma, Risk.RETAKE));
        }
        System.out.printf(Locale.ROOT, "melanomas shown LOW %d of %d%n", r.outcomes().count(true, Risk.LOW),
                r.melanomas());
        String missing = r.melanomas() == 0 ? "n/a (no melanomas)" : benign <= 0 ? "n/a (no non-melanomas)" : null;
        if (missing == null) {
            System.out.printf(Locale.ROOT, "melanoma ROC AUC    %.4f (95%% CI %.4f-%.4f)%n", r.auc(), r.aucCi()[0],
                    r.aucCi()[1]);
        } else {
            System.out.println("melanoma ROC AUC    " + missing);
        }
        System.out.printf(Locale.ROOT, "at threshold %.4f  sensitivity %s, specificity %s%n", r.threshold(),
                figure(r.sensitivity()), figure(r.specificity()));
        System.out.println("F1                  " + figure(r.f1()));
        System.out.println("balanced accuracy   " + figure(r.balancedAccuracy()));
        System.out.println("log-loss            " + figure(r.logLoss()));
        System.out.println("calibration (ECE)   " + figure(r.ece()));
        if (r.masks() > 0) {
            System.out.printf(Locale.ROOT, "segmentation        Dice %.4f, Jaccard %.4f, thresholded Jaccard %.4f "
                    + "(%d masks, at their resolution)%n", r.dice(), r.jaccard(), r.thresholdedJaccard(), r.masks());
        } else {
            System.out.println("segmentation        n/a (no ground-truth masks)");
        }
    }

    private static String figure(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    private static void writeCsv(EvalReport report, Path file) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("image_id,melanoma,melanoma_probability,device_outcome,mask_area,dice,jaccard,error");
            for (EvalReport.Row r : report.rows()) {
                w.printf(Locale.ROOT, "%s,%d,%s,%s,%d,%s,%s,%s%n", r.id(), r.melanoma(), csvNumber(r.probability()),
                        r.outcome() == null ? "" : r.outcome().name(), r.maskArea(), csvNumber(r.dice()),
                        csvNumber(r.jaccard()),
                        r.error() == null ? "" : '"' + r.error().replace("\"", "'") + '"');
            }
        }
    }

    private static String csvNumber(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
    }
}
