package org.melanoscreen.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How far a crop lies from the images the classifier was trained on, from the classifier's pooled features and the
 * statistics the recipe fitted ({@code models/CONTRACT.md}, "ood"): with {@code d = f - mean} and
 * {@code z_k = d . c_k}, {@code score = sum z_k^2 / eigenvalue_k + |d - sum z_k c_k|^2 / residual_variance}. A score
 * above the manifest's threshold means the picture is not a dermoscopic lesion image like those.
 */
public final class OodScorer {
    private final String output;
    private final double[] mean;
    private final double[][] components;
    private final double[] eigenvalues;
    private final double residualVariance;
    private final double threshold;

    private OodScorer(String output, double[] mean, double[][] components, double[] eigenvalues,
                      double residualVariance, double threshold) {
        this.output = output;
        this.mean = mean;
        this.components = components;
        this.eigenvalues = eigenvalues;
        this.residualVariance = residualVariance;
        this.threshold = threshold;
    }

    /** The scorer a classifier manifest describes, or null when it has no "ood" section. */
    static OodScorer fromManifest(Manifest manifest) throws ModelException {
        JsonNode ood = manifest.raw().get("ood");
        if (ood == null || ood.isNull()) {
            return null;
        }
        Path file = manifest.folder().resolve("manifest.json");
        if (!"pca_mahalanobis".equals(ood.path("method").asText())) {
            throw new ModelException(file + ": ood.method must be pca_mahalanobis");
        }
        String output = ood.path("output").asText("");
        if (output.isBlank()) {
            throw new ModelException(file + ": ood.output is missing");
        }
        double[] mean = vector(ood.get("mean"), file, "ood.mean");
        double[] eigenvalues = vector(ood.get("eigenvalues"), file, "ood.eigenvalues");
        JsonNode rows = ood.get("components");
        if (rows == null || !rows.isArray() || rows.size() != eigenvalues.length) {
            throw new ModelException(file + ": ood.components must have one row per eigenvalue");
        }
        double[][] components = new double[rows.size()][];
        for (int k = 0; k < components.length; k++) {
            components[k] = vector(rows.get(k), file, "ood.components[" + k + "]");
            if (components[k].length != mean.length) {
                throw new ModelException(file + ": ood.components[" + k + "] has " + components[k].length
                        + " values, ood.mean " + mean.length);
            }
        }
        for (double e : eigenvalues) {
            if (!(e > 0)) {
                throw new ModelException(file + ": ood.eigenvalues must be positive");
            }
        }
        double residual = ood.path("residual_variance").asDouble(Double.NaN);
        double threshold = ood.path("threshold").asDouble(Double.NaN);
        if (!(residual > 0) || !(threshold > 0) || Double.isInfinite(threshold)) {
            throw new ModelException(file + ": ood.residual_variance and ood.threshold must be positive numbers");
        }
        return new OodScorer(output, mean, components, eigenvalues, residual, threshold);
    }

    private static double[] vector(JsonNode node, Path file, String key) throws ModelException {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new ModelException(file + ": " + key + " must be a non-empty array of numbers");
        }
        double[] v = new double[node.size()];
        for (int i = 0; i < v.length; i++) {
            if (!node.get(i).isNumber() || !Double.isFinite(node.get(i).asDouble())) {
                throw new ModelException(file + ": " + key + " must be a non-empty array of numbers");
            }
            v[i] = node.get(i).asDouble();
        }
        return v;
    }

    /** Checks that the model has the features output this scorer reads, of the right length. */
    void checkModel(OnnxModel model) throws ModelException {
        long[] shape = model.outputShape(output);
        if (shape == null) {
            throw new ModelException(model.manifest().modelFile() + ": no output named '" + output
                    + "' for the out-of-distribution check");
        }
        if (shape.length != 2 || (shape[1] >= 0 && shape[1] != mean.length)) {
            throw new ModelException(String.format(Locale.ROOT, "%s: output '%s' has shape %s, ood.mean implies"
                    + " [1, %d]", model.manifest().modelFile(), output, java.util.Arrays.toString(shape),
                    mean.length));
        }
    }

    String output() {
        return output;
    }

    public double threshold() {
        return threshold;
    }

    public double score(float[] features) {
        if (features.length != mean.length) {
            throw new IllegalArgumentException("features have " + features.length + " values, expected "
                    + mean.length);
        }
        double[] d = new double[mean.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = features[i] - mean[i];
        }
        double[] residual = d.clone();
        double score = 0;
        for (int k = 0; k < components.length; k++) {
            double z = 0;
            double[] c = components[k];
            for (int i = 0; i < d.length; i++) {
                z += d[i] * c[i];
            }
            score += z * z / eigenvalues[k];
            for (int i = 0; i < d.length; i++) {
                residual[i] -= z * c[i];
            }
        }
        double norm = 0;
        for (double r : residual) {
            norm += r * r;
        }
        return score + norm / residualVariance;
    }
}
