package org.melanoscreen.analysis;

import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.model.Manifest;
import org.melanoscreen.model.ModelException;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides REFER / LOW / RETAKE. REFER whenever the melanoma probability reaches the referral threshold;
 * LOW only when it is below AND the lesion was found cleanly; everything else is RETAKE with reasons.
 */
public final class RiskPolicy {
    private final double referralThreshold;
    private final double minAreaFraction;
    private final double maxAreaFraction;

    public record Decision(Risk risk, List<String> reasons) {
    }

    public RiskPolicy(double referralThreshold, double minAreaFraction, double maxAreaFraction) {
        String refused = refusedThreshold(referralThreshold);
        if (refused != null) {
            throw new IllegalArgumentException("referral threshold " + refused);
        }
        if (!(minAreaFraction >= 0 && minAreaFraction < maxAreaFraction && maxAreaFraction <= 1)) {
            throw new IllegalArgumentException("lesion area range must satisfy 0 <= min < max <= 1");
        }
        this.referralThreshold = referralThreshold;
        this.minAreaFraction = minAreaFraction;
        this.maxAreaFraction = maxAreaFraction;
    }

    /**
     * The policy with the classifier's referral threshold; a threshold the policy refuses is a model problem that
     * names the manifest (the device then FAULTs instead of screening with it).
     */
    public static RiskPolicy forClassifier(Manifest classifier, double minAreaFraction, double maxAreaFraction)
            throws ModelException {
        double threshold = classifier.referral().threshold();
        String refused = refusedThreshold(threshold);
        if (refused != null) {
            throw new ModelException(classifier.folder().resolve(Manifest.FILE_NAME) + ": thresholds.referral "
                    + refused + "; the risk policy cannot screen with it");
        }
        return new RiskPolicy(threshold, minAreaFraction, maxAreaFraction);
    }

    /** Why the policy refuses a referral threshold, or null: 0 would refer everything, above 1 nothing. */
    private static String refusedThreshold(double threshold) {
        return threshold > 0 && threshold <= 1 ? null : "must be in (0, 1], was " + threshold;
    }

    /** Reasons why the segmented lesion cannot support a LOW result; empty when it was found cleanly. */
    public List<String> lesionDoubts(BinaryMask mask) {
        List<String> doubts = new ArrayList<>();
        if (mask.isEmpty()) {
            doubts.add("no lesion found");
            return doubts;
        }
        double fraction = (double) mask.area() / (mask.width() * mask.height());
        if (mask.touchesBorder()) {
            doubts.add("lesion touches the image border");
        }
        if (fraction < minAreaFraction) {
            doubts.add(String.format(java.util.Locale.ROOT, "lesion too small (%.1f%% of the image, minimum %.1f%%)",
                    100 * fraction, 100 * minAreaFraction));
        }
        if (fraction > maxAreaFraction) {
            doubts.add(String.format(java.util.Locale.ROOT, "lesion too large (%.1f%% of the image, maximum %.1f%%)",
                    100 * fraction, 100 * maxAreaFraction));
        }
        return doubts;
    }

    /**
     * @param melanomaProbability null when the classifier did not run or failed
     * @param doubts              lesion and image-quality doubts gathered so far
     */
    public Decision decide(Float melanomaProbability, List<String> doubts) {
        List<String> reasons = new ArrayList<>(doubts);
        if (melanomaProbability == null || !Float.isFinite(melanomaProbability)) {
            if (reasons.isEmpty()) {
                reasons.add("no melanoma probability");
            }
            return new Decision(Risk.RETAKE, List.copyOf(reasons));
        }
        if (melanomaProbability >= referralThreshold) {
            return new Decision(Risk.REFER, List.copyOf(reasons));
        }
        return new Decision(reasons.isEmpty() ? Risk.LOW : Risk.RETAKE, List.copyOf(reasons));
    }

    public double referralThreshold() {
        return referralThreshold;
    }
}
