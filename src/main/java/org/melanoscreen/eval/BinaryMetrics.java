package org.melanoscreen.eval;

import java.util.Arrays;
import java.util.Random;

/**
 * Melanoma classification metrics, defined as in {@code models/README.md} so that the Java and Python
 * evaluations agree: AUC by Mann-Whitney (ties count one half), percentile bootstrap CI (2000 resamples drawn
 * with {@code java.util.Random(seed).nextInt(n)}, which the recipe reproduces),
 * decisions at {@code p >= threshold}, log-loss with probabilities clipped to [1e-7, 1 - 1e-7], ECE over
 * 10 equal-width bins.
 */
public final class BinaryMetrics {
    public static final int BOOTSTRAP_SAMPLES = 2000;
    private static final double CLIP = 1e-7;

    private BinaryMetrics() {
    }

    /** Area under the ROC curve; NaN when either class is absent. */
    public static double auc(double[] scores, int[] labels) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && scores[order[j]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++) {
                if (labels[order[k]] == 1) {
                    positiveRankSum += midRank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** 95% percentile bootstrap interval of the AUC; resamples with one class only are skipped. */
    public static double[] aucConfidenceInterval(double[] scores, int[] labels, long seed) {
        Random random = new Random(seed);
        int n = scores.length;
        double[] aucs = new double[BOOTSTRAP_SAMPLES];
        int kept = 0;
        double[] s = new double[n];
        int[] l = new int[n];
        for (int b = 0; b < BOOTSTRAP_SAMPLES; b++) {
            for (int i = 0; i < n; i++) {
                int k = random.nextInt(n);
                s[i] = scores[k];
                l[i] = labels[k];
            }
            double a = auc(s, l);
            if (!Double.isNaN(a)) {
                aucs[kept++] = a;
            }
        }
        if (kept == 0) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double[] sorted = Arrays.copyOf(aucs, kept);
        Arrays.sort(sorted);
        return new double[]{percentile(sorted, 2.5), percentile(sorted, 97.5)};
    }

    /** Linear-interpolation percentile of sorted values (numpy's default). */
    public static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Counts at a threshold: {tp, fp, tn, fn}. */
    public static long[] confusion(double[] scores, int[] labels, double threshold) {
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= threshold;
            if (labels[i] == 1) {
                if (predicted) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predicted) {
                fp++;
            } else {
                tn++;
            }
        }
        return new long[]{tp, fp, tn, fn};
    }

    public static double sensitivity(long[] c) {
        return ratio(c[0], c[0] + c[3]);
    }

    public static double specificity(long[] c) {
        return ratio(c[2], c[2] + c[1]);
    }

    public static double f1(long[] c) {
        return ratio(2 * c[0], 2 * c[0] + c[1] + c[3]);
    }

    public static double balancedAccuracy(long[] c) {
        return (sensitivity(c) + specificity(c)) / 2;
    }

    public static double logLoss(double[] scores, int[] labels) {
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            double p = Math.min(1 - CLIP, Math.max(CLIP, scores[i]));
            sum += labels[i] == 1 ? -Math.log(p) : -Math.log(1 - p);
        }
        return sum / scores.length;
    }

    /** Expected calibration error over 10 equal-width bins of the melanoma probability (1.0 in the last bin). */
    public static double expectedCalibrationError(double[] scores, int[] labels) {
        int bins = 10;
        double[] sumP = new double[bins];
        double[] sumY = new double[bins];
        int[] count = new int[bins];
        for (int i = 0; i < scores.length; i++) {
            int b = Math.min(bins - 1, (int) Math.floor(scores[i] * bins));
            sumP[b] += scores[i];
            sumY[b] += labels[i];
            count[b]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += (double) count[b] / scores.length * Math.abs(sumP[b] / count[b] - sumY[b] / count[b]);
            }
        }
        return ece;
    }

    /** ROC curve points {fpr[], tpr[]} from the highest threshold down, starting at (0, 0). */
    public static double[][] rocCurve(double[] scores, int[] labels) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        long negatives = n - positives;
        double[] fpr = new double[n + 1];
        double[] tpr = new double[n + 1];
        int points = 1;
        long tp = 0, fp = 0;
        for (int i = 0; i < n; i++) {
            if (labels[order[i]] == 1) {
                tp++;
            } else {
                fp++;
            }
            if (i == n - 1 || scores[order[i + 1]] != scores[order[i]]) {
                fpr[points] = ratio(fp, negatives);
                tpr[points] = ratio(tp, positives);
                points++;
            }
        }
        return new double[][]{Arrays.copyOf(fpr, points), Arrays.copyOf(tpr, points)};
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
