package org.melanoscreen.app;

import org.melanoscreen.eval.BinaryMetrics;
import org.melanoscreen.workflow.Appliance;
import org.melanoscreen.workflow.ApplianceListener;
import org.melanoscreen.workflow.ApplianceState;
import org.melanoscreen.workflow.CaptureOutcome;
import org.melanoscreen.workflow.StateChange;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code run --captures N}: the service's own benchmark, capture after capture on the running appliance. */
final class CaptureBenchmark {
    private final Appliance appliance;
    private final ResultTap tap = new ResultTap();

    /** Listens to {@code appliance} from now on; add it before the appliance starts, to see it become READY. */
    CaptureBenchmark(Appliance appliance) {
        this.appliance = appliance;
        appliance.addListener(tap);
    }

    /** Collects results and states for the --captures benchmark. */
    private static final class ResultTap implements ApplianceListener {
        final BlockingQueue<CaptureOutcome> outcomes = new LinkedBlockingQueue<>();
        volatile ApplianceState state = ApplianceState.BOOTING;
        volatile long readyAtNanos;

        @Override
        public void stateChanged(StateChange change) {
            state = change.state();
            if (change.state() == ApplianceState.READY && readyAtNanos == 0) {
                readyAtNanos = System.nanoTime();
            }
        }

        @Override
        public void resultReady(CaptureOutcome outcome) {
            outcomes.add(outcome);
        }
    }

    /**
     * Waits for READY, runs {@code captures} captures back to back and prints their latency, memory and open files;
     * 0 when every capture gave a stored result, 1 when some did not, 2 when the appliance never became READY.
     */
    int run(int captures) throws InterruptedException {
        long start = System.nanoTime();
        while (tap.readyAtNanos == 0 && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(2)) {
            Thread.sleep(20);
        }
        if (tap.readyAtNanos == 0) {
            System.err.println("error: the appliance did not become READY within 2 minutes (state " + tap.state + ")");
            return 2;
        }
        double readyWallMs = System.currentTimeMillis() - (System.nanoTime() - tap.readyAtNanos) / 1e6;
        double startupMs = readyWallMs - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        List<Double> latencies = new ArrayList<>();
        int stored = 0;
        int lost = 0;
        long[] rss = new long[2];
        long[] files = new long[2];
        int baseline = Math.min(500, Math.max(1, captures / 20));
        for (int i = 1; i <= captures; i++) {
            appliance.trigger("benchmark", null, null);
            CaptureOutcome o = tap.outcomes.poll(60, TimeUnit.SECONDS);
            if (o == null) {
                lost++;
                System.err.println("error: capture " + i + " gave no result within 60 s (state " + tap.state + ")");
                continue;
            }
            latencies.add(o.triggerToResultMs());
            stored++;
            if (i == baseline) {
                rss[0] = ProcessStats.rssKb();
                files[0] = ProcessStats.openFiles();
            }
            if (i % Math.max(1, captures / 10) == 0) {
                System.out.printf(Locale.ROOT, "benchmark: %d captures, %d stored, RSS %.1f MB, open files %d%n", i,
                        stored, ProcessStats.rssKb() / 1024.0, ProcessStats.openFiles());
            }
        }
        rss[1] = ProcessStats.rssKb();
        files[1] = ProcessStats.openFiles();
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "benchmark: %d captures, %d results, %d stored, %d lost%n", captures,
                latencies.size(), stored, lost);
        System.out.printf(Locale.ROOT, "start-up to READY: %.0f ms%n", startupMs);
        System.out.printf(Locale.ROOT, "trigger to result: p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
                BinaryMetrics.percentile(sorted, 50), BinaryMetrics.percentile(sorted, 95),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
        System.out.printf(Locale.ROOT, "RSS after %d captures %.1f MB, after %d %.1f MB (%+.1f%%)%n", baseline,
                rss[0] / 1024.0, captures, rss[1] / 1024.0, rss[0] > 0 ? 100.0 * (rss[1] - rss[0]) / rss[0] : 0);
        System.out.printf(Locale.ROOT, "open files after %d captures %d, after %d %d%n", baseline, files[0], captures,
                files[1]);
        return lost == 0 && stored == captures ? 0 : 1;
    }
}
