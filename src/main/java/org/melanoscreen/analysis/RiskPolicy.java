package org.melanoscreen.analysis;

import org.melanoscreen.model.Classifier;
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

    public record Decision(Risk risk, List<String> reasons) {
    }

    public RiskPolicy(double referralThreshold) {
        String refused = refusedThreshold(referralThreshold);
        if (refused != null) {
            throw new IllegalArgumentException("referral threshold " + refused);
        }
        this.referralThreshold = referralThreshold;
    }

    /**
     * The policy with the classifier's referral threshold for the probability it gives (the mean over its test-time
     * views, or the identity view's alone: {@link Classifier#referralThreshold}); a threshold the policy refuses is a
     * model problem that names the manifest and the threshold (the device then FAULTs instead of screening with it).
     */
    public static RiskPolicy forClassifier(Classifier classifier) throws ModelException {
        double threshold = classifier.referralThreshold();
        String refused = refusedThreshold(threshold);
        if (refused != null) {
            throw new ModelException(classifier.manifest().folder().resolve(Manifest.FILE_NAME) + ": "
                    + classifier.referralThresholdKey() + " " + refused + "; the risk policy cannot screen with it");
        }
        return new RiskPolicy(threshold);
    }

    /** Why the policy refuses a referral threshold, or null: 0 would refer everything, above 1 nothing. */
    private static String refusedThreshold(double threshold) {
        return threshold > 0 && threshold <= 1 ? null : "must be in (0, 1], was " + threshold;
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
