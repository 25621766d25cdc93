package org.melanoscreen.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.melanoscreen.eval.MaskFiles;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.imaging.Frame;
import org.melanoscreen.imaging.ImageDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that the Java runtime prepares inputs and reads outputs exactly as the recipe did: for each model's
 * parity fixtures (images the recipe generated, with what PyTorch computed) the input tensor's sums, the
 * probabilities, the mask and the classifier region must agree. Runs on the tiny test models and on every
 * shipped model under models/.
 */
class ParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> modelFolders() throws IOException {
        List<Path> folders = new ArrayList<>(List.of(TinyModels.SEG, TinyModels.CLS, TinyModels.CLS_MASKED));
        try (Stream<Path> shipped = Files.list(Path.of("models"))) {
            shipped.filter(p -> Files.exists(p.resolve("manifest.json"))).sorted().forEach(folders::add);
        }
        return folders;
    }

    @TestFactory
    Stream<DynamicTest> fixturesMatchTheRecipe() throws IOException {
        ImageDecoder decoder = new ImageDecoder();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path folder : modelFolders()) {
            Path expectedFile = folder.resolve("fixtures/expected.json");
            assertTrue(Files.exists(expectedFile), folder + " has parity fixtures");
            JsonNode expected = JSON.readTree(expectedFile.toFile());
            double tolerance = expected.path("tolerance").asDouble(1e-4);
            assertTrue(tolerance <= 1e-4, "tolerance " + tolerance);
            for (JsonNode image : expected.get("images")) {
                String name = folder.getFileName() + "/" + image.get("file").asText();
                tests.add(DynamicTest.dynamicTest(name, () -> check(folder, image, tolerance, decoder)));
            }
        }
        assertFalse(tests.isEmpty());
        return tests.stream();
    }

    private static void check(Path folder, JsonNode image, double tolerance, ImageDecoder decoder) throws Exception {
        try (OnnxModel model = OnnxModel.load(folder, TinyModels.SETTINGS);
             Frame frame = decoder.decode(folder.resolve("fixtures").resolve(image.get("file").asText()))) {
            assertEquals(image.get("width").asInt(), frame.width());
            assertEquals(image.get("height").asInt(), frame.height());
            if (model.manifest().task() == Manifest.Task.SEGMENTATION) {
                checkSegmenter(new Segmenter(model), frame, image, tolerance);
            } else {
                checkClassifier(new Classifier(model), folder, frame, image, tolerance);
            }
        }
    }

    private static void checkSegmenter(Segmenter segmenter, Frame frame, JsonNode image, double tolerance)
            throws ModelException {
        float[] input = segmenter.input(frame);
        checkInputSums(input, image);
        float[] p = segmenter.probabilities(input);
        int width = segmenter.manifest().input().width();
        double mean = 0;
        for (float v : p) {
            mean += v;
        }
        assertEquals(image.get("prob_mean").asDouble(), mean / p.length, tolerance, "mean probability");
        for (JsonNode sample : image.get("prob_samples")) {
            int y = sample.get(0).asInt();
            int x = sample.get(1).asInt();
            assertEquals(sample.get(2).asDouble(), p[y * width + x], tolerance, "probability at y=" + y + " x=" + x);
        }
        BinaryMask mask = segmenter.mask(p);
        assertEquals(image.get("mask_area").asInt(), mask.area(), "mask area");
        AtomicInteger ready = new AtomicInteger();
        float[] logits = segmenter.logits(frame, ready::incrementAndGet);
        assertEquals(1, ready.get());
        float[] fromLogits = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            fromLogits[i] = Activations.sigmoid(logits[i]);
        }
        assertArrayEquals(p, fromLogits, "input written into the model's buffer gives the same probabilities");
        assertArrayEquals(mask.pixels(), segmenter.maskFromLogits(logits).pixels(), "mask from the logits");
        if (image.hasNonNull("mask_bbox")) {
            assertArrayEquals(ints(image.get("mask_bbox")), mask.bbox(), "mask bbox");
        }
    }

    private static void checkClassifier(Classifier classifier, Path folder, Frame frame, JsonNode image,
                                        double tolerance) throws Exception {
        BinaryMask mask = MaskFiles.read(folder.resolve("fixtures").resolve(image.get("mask_file").asText()),
                image.get("mask_width").asInt(), image.get("mask_height").asInt());
        int[] region = classifier.region(frame, mask);
        assertArrayEquals(ints(image.get("crop_rect")), region, "classifier region");
        float[] input = classifier.input(frame, region, mask);
        checkInputSums(input, image);
        Classifier.Output out = classifier.classify(input);
        JsonNode probabilities = image.get("probabilities");
        assertEquals(probabilities.size(), out.probabilities().length);
        for (int i = 0; i < probabilities.size(); i++) {
            assertEquals(probabilities.get(i).asDouble(), out.probabilities()[i], tolerance, "probability " + i);
        }
        assertEquals(image.get("melanoma_probability").asDouble(), out.melanomaProbability(), tolerance);
        AtomicInteger ready = new AtomicInteger();
        assertArrayEquals(out.probabilities(), classifier.classify(frame, region, mask, ready::incrementAndGet)
                .probabilities(), "input written into the model's buffer gives the same probabilities");
        assertEquals(1, ready.get());
    }

    /** Sums over tens of thousands of floats: compared relative to their size, far tighter than any real drift. */
    private static void checkInputSums(float[] input, JsonNode image) {
        double sum = 0, sumSq = 0;
        for (float v : input) {
            sum += v;
            sumSq += (double) v * v;
        }
        double expectedSq = image.get("input_sum_sq").asDouble();
        assertEquals(expectedSq, sumSq, 1e-5 * expectedSq, "input sum of squares");
        assertEquals(image.get("input_sum").asDouble(), sum, 1e-5 * expectedSq, "input sum");
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
