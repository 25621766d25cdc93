package org.melanoscreen.workflow;

import org.melanoscreen.analysis.BurstCombiner;
import org.melanoscreen.analysis.Candidate;
import org.melanoscreen.analysis.QualityReport;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.model.ModelException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One capture's burst through the pipeline: every frame gated, the sharpest that passed screened (at most
 * {@code screenBest}) and combined by the burst rule ({@link BurstCombiner}); when none passed, RETAKE with every
 * frame's reasons.
 */
final class BurstAnalyser {
    /** A gated frame and where it was in the burst. */
    private record Gated(int index, Candidate candidate) {
        QualityReport quality() {
            return candidate.quality();
        }
    }

    private static final Comparator<Gated> SHARPEST_FIRST = Comparator.comparingDouble(
            (Gated c) -> Double.isNaN(c.quality().sharpness()) ? -1 : c.quality().sharpness()).reversed();

    private BurstAnalyser() {
    }

    /**
     * The burst's outcome, or null when {@code cancelled} turned true during the analysis; {@code progressed} runs
     * after each frame's step (for the watchdog).
     */
    static BurstOutcome analyse(ScreeningPipeline pipeline, List<Frame> frames, int screenBest,
                                BooleanSupplier cancelled, Runnable progressed) throws ModelException {
        List<Gated> gated = new ArrayList<>();
        try {
            for (int i = 0; i < frames.size(); i++) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                gated.add(new Gated(i, pipeline.gate(frames.get(i))));
                progressed.run();
            }
            return decide(pipeline, frames.size(), gated, screenBest, progressed);
        } finally {
            gated.forEach(g -> g.candidate().close());
        }
    }

    private static BurstOutcome decide(ScreeningPipeline pipeline, int taken, List<Gated> gated,
                                       int screenBest, Runnable progressed) throws ModelException {
        List<Gated> passed = gated.stream().filter(c -> c.quality().passed()).sorted(SHARPEST_FIRST).toList();
        if (passed.isEmpty()) {
            Gated closest = gated.stream().sorted(SHARPEST_FIRST).findFirst().orElseThrow();
            ScreeningResult result = BurstCombiner.noUsableFrame(pipeline.retake(closest.candidate()),
                    gated.stream().map(Gated::quality).toList());
            return new BurstOutcome(result, closest.index(), taken, 0, List.of());
        }
        List<Gated> best = passed.subList(0, Math.min(screenBest, passed.size()));
        List<ScreeningResult> results = new ArrayList<>();
        for (Gated c : best) {
            results.add(pipeline.classify(c.candidate()));
            progressed.run();
        }
        BurstCombiner.Combined combined = BurstCombiner.combine(results, pipeline.policy());
        return new BurstOutcome(combined.result(), best.get(combined.shown()).index(), taken, passed.size(),
                combined.probabilities());
    }
}
