package org.melanoscreen.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Combines the screenings of the best frames of one capture burst into one result. When all frames fall on the same
 * side of the referral threshold, the median probability decides, reported with the frame nearest to it, so a single
 * odd frame cannot move the value shown. When they disagree across the threshold the result is REFER, reported with
 * the highest frame: a frame that says REFER is never hidden behind a LOW. A frame that was screened but given no
 * probability (no lesion in view, not a dermoscopic image) makes the whole capture RETAKE.
 */
public final class BurstCombiner {
    private BurstCombiner() {
    }

    /**
     * The combined result, the index (into the screened results) of the frame it is reported with, and every
     * screened frame's melanoma probability in the same order (null where a frame was given none).
     */
    public record Combined(ScreeningResult result, int shown, List<Float> probabilities) {
    }

    /** @param screened results of the frames that passed the quality gate, at least one */
    public static Combined combine(List<ScreeningResult> screened, RiskPolicy policy) {
        if (screened.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        List<Float> probabilities = screened.stream().map(ScreeningResult::melanomaProbability).toList();
        List<Integer> unclassified = new ArrayList<>();
        for (int i = 0; i < screened.size(); i++) {
            if (probabilities.get(i) == null) {
                unclassified.add(i);
            }
        }
        if (!unclassified.isEmpty()) {
            ScreeningResult first = screened.get(unclassified.get(0));
            List<String> reasons = new ArrayList<>();
            String count = String.format(Locale.ROOT, " (%d of %d frames)", unclassified.size(), screened.size());
            first.reasons().forEach(r -> reasons.add(r + count));
            return new Combined(withDecision(first, new RiskPolicy.Decision(Risk.RETAKE, List.copyOf(reasons)), null),
                    unclassified.get(0), probabilities);
        }
        double threshold = policy.referralThreshold();
        long above = probabilities.stream().filter(p -> p >= threshold).count();
        float median = median(probabilities);
        if (above > 0 && median < threshold) {
            int highest = indexOfHighest(probabilities);
            ScreeningResult top = screened.get(highest);
            List<String> reasons = new ArrayList<>();
            reasons.add(String.format(Locale.ROOT, "frames disagree: %d of %d at or above the referral threshold",
                    above, screened.size()));
            reasons.addAll(top.reasons());
            return new Combined(withDecision(top, new RiskPolicy.Decision(Risk.REFER, List.copyOf(reasons)),
                    top.melanomaProbability()), highest, probabilities);
        }
        int nearest = indexOfNearest(probabilities, median);
        ScreeningResult reported = screened.get(nearest);
        return new Combined(withDecision(reported, policy.decide(median, reported.quality().reasons()), median),
                nearest, probabilities);
    }

    /** The first index whose value is nearest to {@code target}. */
    private static int indexOfNearest(List<Float> values, float target) {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (Math.abs(values.get(i) - target) < Math.abs(values.get(best) - target)) {
                best = i;
            }
        }
        return best;
    }

    private static int indexOfHighest(List<Float> values) {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) > values.get(best)) {
                best = i;
            }
        }
        return best;
    }

    private static ScreeningResult withDecision(ScreeningResult r, RiskPolicy.Decision decision, Float probability) {
        return new ScreeningResult(r.source(), decision.risk(), decision.reasons(), probability,
                r.referralThreshold(), probability == null ? Map.of() : r.classProbabilities(),
                probability == null ? null : r.measurements(), r.quality(), r.frameWidth(), r.frameHeight(),
                probability == null ? null : r.region(), r.mask(), r.oodScore(), r.timingsMs());
    }

    /**
     * The result when no frame of a burst passed the quality gate: RETAKE with the commonest reasons, reported
     * with the frame that came closest (the given one).
     */
    public static ScreeningResult noUsableFrame(ScreeningResult closest, List<QualityReport> rejected) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (QualityReport q : rejected) {
            for (String reason : q.reasons()) {
                counts.merge(reason.replaceAll(" \\(.*\\)$", "").replaceAll(": .*$", ""), 1, Integer::sum);
            }
        }
        List<String> reasons = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
                .forEach(e -> reasons.add(e.getKey() + " (" + e.getValue() + " of " + rejected.size() + " frames)"));
        return withDecision(closest, new RiskPolicy.Decision(Risk.RETAKE, List.copyOf(reasons)), null);
    }

    static float median(List<Float> values) {
        List<Float> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
