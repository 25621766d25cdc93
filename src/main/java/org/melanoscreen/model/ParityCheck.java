package org.melanoscreen.model;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;
import org.melanoscreen.imaging.ImageException;
import org.melanoscreen.imaging.MaskFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Proves, on the machine that screens, that the loaded models prepare their inputs and read their outputs exactly
 * as the recipe did: every image of a model's parity fixtures ({@code fixtures/expected.json}, made by the recipe
 * with what PyTorch computed from it) goes through the model's predictor by both input paths screening uses (an
 * input prepared ahead as an array, and the input written into the model's own buffer), and the input tensor's sums,
 * the probabilities (of every test-time view too), the mask and the classifier region must agree with the recipe
 * within the fixtures' tolerance. A changed mean, std, scale, colour constancy, region or view, or an ONNX Runtime
 * that computes differently, fails it with the fixture named.
 */
public final class ParityCheck {
    /** The loosest tolerance a fixture file may declare: any real drift in pre-processing is far larger. */
    public static final double MAX_TOLERANCE = 1e-4;
    /** Input sums run over tens of thousands of floats, so they are compared relative to their size. */
    private static final double RELATIVE_SUM_TOLERANCE = 1e-5;
    /** The contract's tolerance for the out-of-distribution score, relative to the recipe's. */
    private static final double RELATIVE_OOD_TOLERANCE = 1e-3;

    private ParityCheck() {
    }

    /** Checks both models of the set; returns what was checked, or throws naming the first mismatch. */
    public static String verify(ModelSet models) throws ModelException {
        OnnxModel classifier = models.model(Manifest.Task.CLASSIFICATION);
        int segmenterFixtures = verifySegmenter(Segmenter.predictor(models.model(Manifest.Task.SEGMENTATION)));
        int classifierFixtures = verifyClassifier(Classifier.predictor(classifier, true),
                Classifier.predictor(classifier, false));
        return String.format(Locale.ROOT, "%d segmenter and %d classifier parity fixtures match the recipe",
                segmenterFixtures, classifierFixtures);
    }

    /** Checks the segmenter's fixtures; returns how many were checked. */
    static int verifySegmenter(Predictor<Frame, Segmenter.Output> segmenter) throws ModelException {
        return verify(segmenter.manifest().folder(), (fixture, frame) -> check(segmenter, fixture, frame));
    }

    /**
     * Checks the classifier's fixtures with its test-time views ({@code views}) and with the identity view alone
     * ({@code single}, as with {@code models.tta} off); returns how many were checked.
     */
    static int verifyClassifier(Predictor<Classifier.Input, Classifier.Output> views,
                                Predictor<Classifier.Input, Classifier.Output> single) throws ModelException {
        return verify(views.manifest().folder(), (fixture, frame) -> check(views, single, fixture, frame));
    }

    /** What one model's check does with one decoded fixture image. */
    @FunctionalInterface
    private interface FixtureCheck {
        void check(Fixture fixture, Frame frame) throws ModelException;
    }

    private static int verify(Path folder, FixtureCheck check) throws ModelException {
        List<Fixture> fixtures = fixtures(folder);
        for (Fixture fixture : fixtures) {
            try (Frame frame = fixture.decode()) {
                check.check(fixture, frame);
            }
        }
        return fixtures.size();
    }

    private static void check(Predictor<Frame, Segmenter.Output> segmenter, Fixture fixture, Frame frame)
            throws ModelException {
        float[] input = segmenter.prepare(frame);
        fixture.inputSums(input, input.length);
        Segmenter.Output out = segmenter.predictPrepared(input).output();
        float[] p = new float[out.logits().length];
        double mean = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Activations.sigmoid(out.logits()[i]);
            mean += p[i];
        }
        fixture.near("mean lesion probability", fixture.number("prob_mean"), mean / p.length);
        int width = segmenter.manifest().input().width();
        for (JsonNode sample : fixture.array("prob_samples")) {
            int y = sample.path(0).asInt();
            int x = sample.path(1).asInt();
            if (y < 0 || x < 0 || y * width + x >= p.length) {
                throw fixture.problem("probability sample at y=" + y + " x=" + x + " lies outside the map");
            }
            fixture.near("lesion probability at y=" + y + " x=" + x, sample.path(2).asDouble(Double.NaN),
                    p[y * width + x]);
        }
        BinaryMask mask = out.segmentation().mask();
        fixture.same("mask area", new int[]{(int) fixture.number("mask_area")}, new int[]{mask.area()});
        if (fixture.image().hasNonNull("mask_bbox")) {
            fixture.same("mask bounding box", fixture.ints("mask_bbox"), mask.bbox());
        }
        float[] inPlace = segmenter.predict(frame).output().logits();
        int worst = 0;
        double worstDifference = -1;
        for (int i = 0; i < inPlace.length; i++) {
            double difference = Math.abs(p[i] - Activations.sigmoid(inPlace[i]));
            if (!(difference <= worstDifference)) {
                worst = i;
                worstDifference = difference;
                if (Double.isNaN(difference)) {
                    break;
                }
            }
        }
        fixture.near("lesion probability at y=" + worst / width + " x=" + worst % width
                + " with the input written in place", p[worst], Activations.sigmoid(inPlace[worst]));
    }

    private static void check(Predictor<Classifier.Input, Classifier.Output> views,
                              Predictor<Classifier.Input, Classifier.Output> single, Fixture fixture, Frame frame)
            throws ModelException {
        BinaryMask mask;
        Path maskFile = fixture.file().resolveSibling(fixture.text("mask_file"));
        try {
            mask = MaskFiles.read(maskFile, (int) fixture.number("mask_width"), (int) fixture.number("mask_height"));
        } catch (IOException e) {
            throw new ModelException(e.getMessage(), e);
        }
        Classifier classifier = (Classifier) views.translator();
        int[] region = classifier.region(frame, mask);
        fixture.same("classifier region", fixture.ints("crop_rect"), region);
        Classifier.Input in = new Classifier.Input(frame, region, mask);
        float[] input = views.prepare(in);
        fixture.inputSums(input, input.length / classifier.batch());
        Classifier.Output out = views.predictPrepared(input).output();
        JsonNode expected = fixture.array("probabilities");
        if (expected.size() != out.probabilities().length) {
            throw fixture.problem(out.probabilities().length + " class probabilities, the recipe had "
                    + expected.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            fixture.near("probability of class " + i, expected.get(i).asDouble(Double.NaN), out.probabilities()[i]);
        }
        fixture.near("melanoma probability", fixture.number("melanoma_probability"), out.melanomaProbability());
        if (fixture.image().has("view_melanoma_probabilities") || classifier.manifest().input().hasTta()) {
            JsonNode perView = fixture.array("view_melanoma_probabilities");
            if (perView.size() != classifier.batch()) {
                throw fixture.problem(classifier.batch() + " test-time views, the recipe had " + perView.size());
            }
            for (int k = 0; k < perView.size(); k++) {
                fixture.near("melanoma probability of view " + classifier.views().get(k).manifestName(),
                        perView.get(k).asDouble(Double.NaN), out.viewMelanomaProbabilities()[k]);
            }
            fixture.near("melanoma probability of the identity view alone (test-time augmentation off)",
                    perView.get(0).asDouble(Double.NaN), single.predict(in).output().melanomaProbability());
        }
        if (!Double.isNaN(classifier.oodThreshold())) {
            double expectedOod = fixture.number("ood_score");
            fixture.within("out-of-distribution score", expectedOod, out.oodScore(),
                    RELATIVE_OOD_TOLERANCE * Math.abs(expectedOod));
        }
        Classifier.Output inPlace = views.predict(in).output();
        fixture.near("melanoma probability with the input written in place", out.melanomaProbability(),
                inPlace.melanomaProbability());
    }

    private static List<Fixture> fixtures(Path folder) throws ModelException {
        Path file = folder.resolve(ModelFolderDigest.FIXTURES).resolve("expected.json");
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelException(file + ": parity fixtures missing or unreadable (" + e.getMessage() + ")", e);
        }
        double tolerance = root.path("tolerance").asDouble(MAX_TOLERANCE);
        if (!(tolerance > 0 && tolerance <= MAX_TOLERANCE)) {
            throw new ModelException(file + ": tolerance " + tolerance + " is not in (0, " + MAX_TOLERANCE + "]");
        }
        JsonNode images = root.path("images");
        if (!images.isArray() || images.isEmpty()) {
            throw new ModelException(file + ": no parity fixture images");
        }
        List<Fixture> fixtures = new ArrayList<>();
        for (JsonNode image : images) {
            fixtures.add(new Fixture(file, image, tolerance));
        }
        return fixtures;
    }

    /** One fixture image and what the recipe computed from it; its problems name the image and the value. */
    private record Fixture(Path file, JsonNode image, double tolerance) {

        Frame decode() throws ModelException {
            Path png = file.resolveSibling(text("file"));
            Frame frame;
            try {
                frame = new ImageDecoder().decode(png);
            } catch (ImageException e) {
                throw new ModelException(png + ": parity fixture cannot be decoded (" + e.getMessage() + ")", e);
            }
            if (frame.width() != (int) number("width") || frame.height() != (int) number("height")) {
                frame.close();
                throw problem("decoded as " + frame.width() + "x" + frame.height() + ", the recipe's was "
                        + (int) number("width") + "x" + (int) number("height"));
            }
            return frame;
        }

        /** The sums of the first {@code length} floats of {@code input}: the identity view's, with test-time views. */
        void inputSums(float[] input, int length) throws ModelException {
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < length; i++) {
                sum += input[i];
                sumSq += (double) input[i] * input[i];
            }
            double expectedSq = number("input_sum_sq");
            within("input sum of squares", expectedSq, sumSq, RELATIVE_SUM_TOLERANCE * expectedSq);
            within("input sum", number("input_sum"), sum, RELATIVE_SUM_TOLERANCE * expectedSq);
        }

        void near(String what, double expected, double actual) throws ModelException {
            within(what, expected, actual, tolerance);
        }

        void within(String what, double expected, double actual, double allowed) throws ModelException {
            if (!(Math.abs(expected - actual) <= allowed)) {
                throw problem(String.format(Locale.ROOT, "%s is %.6g, the recipe's %.6g (allowed difference %.2g): "
                        + "this device does not prepare or run the model as the recipe did", what, actual, expected,
                        allowed));
            }
        }

        void same(String what, int[] expected, int[] actual) throws ModelException {
            if (!Arrays.equals(expected, actual)) {
                throw problem(what + " is " + Arrays.toString(actual) + ", the recipe's " + Arrays.toString(expected)
                        + ": this device does not prepare or run the model as the recipe did");
            }
        }

        double number(String key) throws ModelException {
            JsonNode v = image.get(key);
            if (v == null || !v.isNumber()) {
                throw problem(key + " is missing or not a number");
            }
            return v.asDouble();
        }

        String text(String key) throws ModelException {
            JsonNode v = image.get(key);
            if (v == null || !v.isTextual()) {
                throw problem(key + " is missing or not a string");
            }
            return v.asText();
        }

        JsonNode array(String key) throws ModelException {
            JsonNode v = image.get(key);
            if (v == null || !v.isArray()) {
                throw problem(key + " is missing or not an array");
            }
            return v;
        }

        int[] ints(String key) throws ModelException {
            JsonNode v = array(key);
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = v.get(i).asInt();
            }
            return out;
        }

        ModelException problem(String what) {
            return new ModelException(file + ", " + image.path("file").asText("image ?") + ": " + what);
        }
    }
}
