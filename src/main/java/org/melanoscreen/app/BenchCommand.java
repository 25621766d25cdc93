package org.melanoscreen.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.melanoscreen.analysis.PreparedFrame;
import org.melanoscreen.analysis.ReadAhead;
import org.melanoscreen.json.Json;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.analysis.StageTimings;
import org.melanoscreen.eval.BinaryMetrics;
import org.melanoscreen.imaging.ImageException;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure start-up, per-stage latency (p50/p95), throughput, the models' own run time on "
                + "ready tensors (the floor), the pipeline/floor ratio and memory; --soak shows memory over a long "
                + "run. Images are decoded and prepared for the segmenter one ahead, as screen and eval do; one image "
                + "alone, without read-ahead, is measured too.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IMAGE|DIR")
    List<String> inputs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "10",
            description = "Screenings before measuring (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "100",
            description = "Measured screenings, cycling through the images (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--soak", paramLabel = "N", defaultValue = "0",
            description = "Afterwards run N more screenings and print resident memory at intervals.")
    int soak;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        Inputs expanded = Inputs.expand(inputs);
        expanded.report(output);
        List<Path> files = expanded.files();
        if (files.isEmpty() || iterations < 1 || warmup < 0 || soak < 0) {
            throw new SetupException("bench needs at least one image, --iterations >= 1, --warmup and --soak >= 0",
                    null);
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        try (ModelSet models = modelOptions.loadModels(); ScreeningPipeline pipeline = modelOptions.pipeline(models);
             ScreeningPipeline otherMode = ScreeningPipeline.create(models,
                     modelOptions.screeningSettings().withTta(pipeline.classifierViews() == 1))) {
            double startupMs = System.currentTimeMillis() - jvmStart;
            for (Path f : files) {
                try (PreparedFrame prepared = pipeline.read(f)) {
                    pipeline.screen(prepared);
                } catch (ImageException e) {
                    throw new SetupException(e.getMessage(), e);
                }
            }
            screenCycling(pipeline, files, warmup, (n, result, ms) -> { });
            Measured m = measure(pipeline, otherMode, files);
            double pipelineP50 = percentile(m.totals(), 50);
            double floorP50 = percentile(m.floor(), 50);
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("startup_ms", Json.round(startupMs, 1));
            o.put("provider", modelOptions.sessionSettings().effectiveProvider().label());
            o.put("cores", Runtime.getRuntime().availableProcessors());
            o.put("model_threads", modelOptions.sessionSettings().effectiveThreads());
            o.put("iterations", iterations);
            ObjectNode stageNode = o.putObject("stages_ms");
            m.stages().forEach((k, v) -> stageNode.putObject(k).put("p50", Json.round(percentile(v, 50), 3))
                    .put("p95", Json.round(percentile(v, 95), 3)));
            o.putObject("pipeline_ms").put("p50", Json.round(pipelineP50, 3))
                    .put("p95", Json.round(percentile(m.totals(), 95), 3));
            o.put("images_per_s", Json.round(iterations / m.screeningS(), 2));
            o.putObject("floor_ms").put("p50", Json.round(floorP50, 3))
                    .put("p95", Json.round(percentile(m.floor(), 95), 3));
            o.put("pipeline_over_floor", Json.round(pipelineP50 / floorP50, 3));
            ObjectNode classifierAlone = o.putObject("classifier_alone_ms");
            putClassifierAlone(classifierAlone, pipeline.classifierViews(), m.classifier());
            if (otherMode.classifierViews() != pipeline.classifierViews()) {
                putClassifierAlone(classifierAlone, otherMode.classifierViews(), m.otherModeClassifier());
            }
            double aloneP50 = percentile(m.alone(), 50);
            o.putObject("alone_ms").put("p50", Json.round(aloneP50, 3))
                    .put("p95", Json.round(percentile(m.alone(), 95), 3));
            o.put("alone_over_floor", Json.round(aloneP50 / percentile(m.aloneFloor(), 50), 3));
            o.put("peak_rss_mb", Json.round(ProcessStats.peakRssKb() / 1024.0, 1));
            if (output.json) {
                System.out.println(o);
            } else {
                printHuman(o, m.stages().keySet());
            }
            if (soak > 0) {
                soak(pipeline, files);
            }
        } catch (ModelException e) {
            throw new SetupException(e.getMessage(), e);
        }
        return expanded.problems().isEmpty() ? 0 : 1;
    }

    /** The classifier's model call alone with {@code views} views (the test-time views, or 1): p50 and p95 ms. */
    private static void putClassifierAlone(ObjectNode node, int views, List<Double> ms) {
        node.putObject(views == 1 ? "single_view" : "views_" + views).put("views", views)
                .put("p50", Json.round(percentile(ms, 50), 3)).put("p95", Json.round(percentile(ms, 95), 3));
    }

    /**
     * Per-stage and whole-screening times (ms), the floor's times (ms) and the seconds spent screening; then the
     * times of images screened one by one without read-ahead (decode included), each followed by a floor run too;
     * the classifier's model call alone in this mode and in the other (with and without test-time views).
     */
    private record Measured(Map<String, List<Double>> stages, List<Double> totals, List<Double> floor,
                            double screeningS, List<Double> alone, List<Double> aloneFloor, List<Double> classifier,
                            List<Double> otherModeClassifier) {
    }

    private Measured measure(ScreeningPipeline pipeline, ScreeningPipeline otherMode, List<Path> files)
            throws Exception {
        Map<String, List<Double>> stages = new LinkedHashMap<>();
        List<Double> totals = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        List<Double> alone = new ArrayList<>();
        List<Double> aloneFloor = new ArrayList<>();
        List<Double> classifier = new ArrayList<>();
        List<Double> otherModeClassifier = new ArrayList<>();
        try (PreparedFrame first = pipeline.read(files.get(0));
             ScreeningPipeline.ModelsAlone ready = pipeline.modelsAlone(first);
             ScreeningPipeline.ModelsAlone otherReady = otherMode.modelsAlone(first)) {
            boolean otherViews = otherMode.classifierViews() != pipeline.classifierViews();
            screenCycling(pipeline, files, iterations, (n, result, ms) -> {
                totals.add(ms);
                result.timingsMs().forEach((k, v) -> {
                    if (!k.equals(StageTimings.TOTAL)) {
                        stages.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
                    }
                });
                double segmenterMs = ready.segmenter().run();
                double classifierMs = ready.classifier().run();
                floor.add(segmenterMs + classifierMs);
                classifier.add(classifierMs);
                if (otherViews) {
                    otherModeClassifier.add(otherReady.classifier().run());
                }
            });
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                try (PreparedFrame prepared = pipeline.read(files.get(i % files.size()))) {
                    pipeline.screen(prepared);
                }
                alone.add((System.nanoTime() - t0) / 1e6);
                aloneFloor.add(ready.segmenter().run() + ready.classifier().run());
            }
        }
        double screeningS = totals.stream().mapToDouble(Double::doubleValue).sum() / 1000;
        return new Measured(stages, totals, floor, screeningS, alone, aloneFloor, classifier, otherModeClassifier);
    }

    /** What to do after each screening: its number (from 1), its result and its wall time in ms. */
    private interface AfterScreening {
        void accept(int n, ScreeningResult result, double ms) throws Exception;
    }

    /**
     * Screens {@code count} images cycling through {@code files}, prepared one ahead as {@code screen} and
     * {@code eval} do; the wall time of a screening runs from asking for its frame to its result.
     */
    private static void screenCycling(ScreeningPipeline pipeline, List<Path> files, int count, AfterScreening after)
            throws Exception {
        List<Path> sequence = new AbstractList<>() {
            @Override
            public Path get(int index) {
                return files.get(index % files.size());
            }

            @Override
            public int size() {
                return count;
            }
        };
        try (ReadAhead frames = pipeline.readAhead(sequence)) {
            for (int i = 1; i <= count; i++) {
                long t0 = System.nanoTime();
                ScreeningResult result;
                try (PreparedFrame prepared = frames.next()) {
                    result = pipeline.screen(prepared);
                }
                after.accept(i, result, (System.nanoTime() - t0) / 1e6);
            }
        }
    }

    private void soak(ScreeningPipeline pipeline, List<Path> files) throws Exception {
        int every = Math.max(1, soak / 20);
        long[] rssAt500 = {-1};
        System.out.printf(Locale.ROOT, "soak: %d screenings%n%10s %10s %10s%n", soak, "screening", "rss_mb",
                "open_files");
        screenCycling(pipeline, files, soak, (i, result, ms) -> {
            if (i == 500) {
                rssAt500[0] = ProcessStats.rssKb();
            }
            if (i % every == 0 || i == 500 || i == soak) {
                System.out.printf(Locale.ROOT, "%10d %10.1f %10d%n", i, ProcessStats.rssKb() / 1024.0,
                        ProcessStats.openFiles());
            }
        });
        if (rssAt500[0] > 0) {
            long end = ProcessStats.rssKb();
            System.out.printf(Locale.ROOT, "soak: rss after 500 %.1f MB, after %d %.1f MB (%+.1f%%)%n",
                    rssAt500[0] / 1024.0, soak, end / 1024.0, 100.0 * (end - rssAt500[0]) / rssAt500[0]);
        }
    }

    private static void printHuman(ObjectNode o, Iterable<String> stageNames) {
        System.out.printf(Locale.ROOT, "start-up (JVM start to models loaded and warmed): %.0f ms%n",
                o.get("startup_ms").asDouble());
        System.out.printf(Locale.ROOT, "provider %s, %d cores, %d threads per model, %d measured screenings%n",
                o.get("provider").asText(), o.get("cores").asInt(), o.get("model_threads").asInt(),
                o.get("iterations").asInt());
        System.out.printf(Locale.ROOT, "%-14s %9s %9s%n", "stage", "p50 ms", "p95 ms");
        for (String s : stageNames) {
            var n = o.get("stages_ms").get(s);
            System.out.printf(Locale.ROOT, "%-14s %9.2f %9.2f%n", s, n.get("p50").asDouble(), n.get("p95").asDouble());
        }
        System.out.printf(Locale.ROOT, "%-14s %9.2f %9.2f%n", "pipeline", o.get("pipeline_ms").get("p50").asDouble(),
                o.get("pipeline_ms").get("p95").asDouble());
        System.out.printf(Locale.ROOT, "%-14s %9.2f %9.2f%n", "floor (models)", o.get("floor_ms").get("p50").asDouble(),
                o.get("floor_ms").get("p95").asDouble());
        System.out.printf(Locale.ROOT, "pipeline / floor (p50): %.3f%n", o.get("pipeline_over_floor").asDouble());
        o.get("classifier_alone_ms").forEach(n -> System.out.printf(Locale.ROOT,
                "classifier alone, %d view%s: p50 %.2f ms, p95 %.2f ms%n", n.get("views").asInt(),
                n.get("views").asInt() == 1 ? " (no test-time augmentation)" : "s (test-time augmentation)",
                n.get("p50").asDouble(), n.get("p95").asDouble()));
        System.out.printf(Locale.ROOT, "throughput: %.2f images/s%n", o.get("images_per_s").asDouble());
        System.out.printf(Locale.ROOT, "one image alone (decode included, no read-ahead): p50 %.2f ms, p95 %.2f ms, "
                        + "over the floor %.3f%n", o.get("alone_ms").get("p50").asDouble(),
                o.get("alone_ms").get("p95").asDouble(), o.get("alone_over_floor").asDouble());
        System.out.printf(Locale.ROOT, "peak RSS: %.1f MB%n", o.get("peak_rss_mb").asDouble());
    }

    private static double percentile(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return BinaryMetrics.percentile(sorted, q);
    }
}
