package org.melanoscreen.model;

import org.melanoscreen.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The contract between a model folder and the runtime ({@code models/CONTRACT.md}): what the ONNX file is,
 * how its input must be prepared and how its output is read.
 * (Just over 350 lines: the records of every manifest section with their checks, read in one pass, so that a
 * wrong manifest is refused with the field it got wrong.)
 */
public record Manifest(
        Path folder,
        String id,
        String version,
        Task task,
        String fileName,
        String sha256,
        InputSpec input,
        OutputSpec output,
        MaskPostprocess postprocess,
        Referral referral,
        JsonNode raw) {

    /**
     * What a model does, as its manifest names it, the shape of one batch item of its output and its translator. A
     * new kind of model is a new task here and its translator ({@link Translator}).
     */
    public enum Task {
        SEGMENTATION("segmentation") {
            @Override
            long[] outputItemShape(InputSpec input, OutputSpec output) {
                return new long[]{1, input.height(), input.width()};
            }

            @Override
            Translator<?, ?> translator(Manifest manifest) {
                return new Segmenter(manifest);
            }
        },
        CLASSIFICATION("classification") {
            @Override
            long[] outputItemShape(InputSpec input, OutputSpec output) {
                return new long[]{output.classNames().size()};
            }

            @Override
            Translator<?, ?> translator(Manifest manifest) throws ModelException {
                return new Classifier(manifest, true);
            }
        };

        private final String manifestName;

        Task(String manifestName) {
            this.manifestName = manifestName;
        }

        /** The output's shape for one input, without the batch dimension. */
        abstract long[] outputItemShape(InputSpec input, OutputSpec output);

        /** The steps around a model of this task, in full (every test-time view): what loading checks it has. */
        abstract Translator<?, ?> translator(Manifest manifest) throws ModelException;

        public String manifestName() {
            return manifestName;
        }
    }

    public enum Activation { SIGMOID, SOFTMAX }

    public enum RegionType { FULL, CROP, MASKED_CROP }

    /** Classifier input region cut around the segmented lesion. */
    public record Region(RegionType type, double margin, boolean square) {
        public static final Region FULL = new Region(RegionType.FULL, 0, false);
    }

    /** Shades of Gray colour constancy with Minkowski norm {@code p}; {@code null} in {@link InputSpec} when off. */
    public record ColourConstancy(double p) {
    }

    /** @param tta the test-time views of the classifier's input ({@code input.tta}), in batch order; none without it */
    public record InputSpec(String name, int height, int width, float scale, float[] mean, float[] std,
                            ColourConstancy colourConstancy, Region region, List<TtaView> tta) {
        /** Whether the manifest asks for test-time augmentation ({@code input.tta}). */
        public boolean hasTta() {
            return !tta.isEmpty();
        }

        /** The views one model call runs: the test-time views, or the identity alone. */
        public List<TtaView> views() {
            return hasTta() ? tta : List.of(TtaView.IDENTITY);
        }
    }

    public record OutputSpec(String name, Activation activation, List<String> classNames, int melanomaIndex) {
    }

    public record MaskPostprocess(float threshold, boolean largestComponent, boolean fillHoles) {
    }

    /**
     * Melanoma referral threshold and the operating point it gave on data not used for fitting; with test-time
     * augmentation, {@code threshold} applies to the mean over the views and {@code singleViewThreshold} to the
     * identity view alone (NaN without test-time augmentation).
     */
    public record Referral(double threshold, double sensitivity, double specificity, double singleViewThreshold) {
    }

    /** The manifest's name in its model folder. */
    public static final String FILE_NAME = "manifest.json";

    public Path modelFile() {
        return folder.resolve(fileName);
    }

    public static Manifest read(Path folder) throws ModelException {
        return parse(folder, bytes(folder));
    }

    /** The bytes of {@code folder}'s manifest file, for checking them and parsing exactly what was checked. */
    static byte[] bytes(Path folder) throws ModelException {
        Path file = folder.resolve(FILE_NAME);
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": manifest missing");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The manifest of {@code folder} from its bytes ({@link #bytes}). */
    static Manifest parse(Path folder, byte[] json) throws ModelException {
        Path file = folder.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(file + ": not a JSON object");
        }
        return new Parser(file).parse(folder, root);
    }

    private static final class Parser {
        private final Path file;

        Parser(Path file) {
            this.file = file;
        }

        Manifest parse(Path folder, JsonNode root) throws ModelException {
            String id = text(root, "id");
            String taskName = text(root, "task");
            Task task = Arrays.stream(Task.values()).filter(t -> t.manifestName().equals(taskName)).findFirst()
                    .orElseThrow(() -> error("task must be " + String.join(" or ", Arrays.stream(Task.values())
                            .map(Task::manifestName).toList())));
            String sha = text(root, "sha256").toLowerCase(Locale.ROOT);
            if (!sha.matches("[0-9a-f]{64}")) {
                throw error("sha256 is not 64 hex digits");
            }
            InputSpec input = input(object(root, "input"), task);
            OutputSpec output = output(object(root, "output"), task);
            MaskPostprocess post = null;
            Referral referral = null;
            if (task == Task.SEGMENTATION) {
                JsonNode p = object(root, "postprocess");
                post = new MaskPostprocess((float) unit(p, "threshold"),
                        p.path("largest_component").asBoolean(true), p.path("fill_holes").asBoolean(true));
                if (p.has("connectivity") && p.get("connectivity").asInt() != 8) {
                    throw error("postprocess.connectivity must be 8");
                }
            } else {
                JsonNode t = object(root, "thresholds");
                double singleView = Double.NaN;
                if (input.hasTta()) {
                    if (!t.has("referral_single_view")) {
                        throw error("input.tta needs thresholds.referral_single_view (the threshold with test-time "
                                + "augmentation off)");
                    }
                    singleView = unit(t, "referral_single_view");
                }
                referral = new Referral(unit(t, "referral"), t.path("referral_sensitivity").asDouble(Double.NaN),
                        t.path("referral_specificity").asDouble(Double.NaN), singleView);
            }
            return new Manifest(folder, id, root.path("version").asText("?"), task,
                    root.path("file").asText("model.onnx"), sha, input, output, post, referral, root);
        }

        private InputSpec input(JsonNode in, Task task) throws ModelException {
            if (!"NCHW".equals(in.path("layout").asText("NCHW"))) {
                throw error("input.layout must be NCHW");
            }
            if (!"RGB".equals(in.path("channel_order").asText("RGB"))) {
                throw error("input.channel_order must be RGB");
            }
            if (!"bilinear".equals(in.path("resize").asText("bilinear"))) {
                throw error("input.resize must be bilinear");
            }
            int height = positive(in, "height");
            int width = positive(in, "width");
            double scale = number(in, "scale");
            float[] mean = triple(in, "mean");
            float[] std = triple(in, "std");
            for (float s : std) {
                if (s <= 0) {
                    throw error("input.std must be positive");
                }
            }
            ColourConstancy cc = null;
            JsonNode ccNode = in.path("colour_constancy");
            if (!ccNode.isMissingNode() && !ccNode.isNull()) {
                if (!"shades_of_gray".equals(ccNode.path("method").asText())) {
                    throw error("input.colour_constancy.method must be shades_of_gray");
                }
                double p = number(ccNode, "p");
                if (p < 1) {
                    throw error("input.colour_constancy.p must be >= 1");
                }
                cc = new ColourConstancy(p);
            }
            Region region = Region.FULL;
            JsonNode r = in.path("region");
            if (!r.isMissingNode() && !r.isNull()) {
                RegionType type = switch (r.path("type").asText("full")) {
                    case "full" -> RegionType.FULL;
                    case "crop" -> RegionType.CROP;
                    case "masked_crop" -> RegionType.MASKED_CROP;
                    default -> throw error("input.region.type must be full, crop or masked_crop");
                };
                double margin = r.path("margin").asDouble(0);
                if (margin < 0 || margin > 2) {
                    throw error("input.region.margin must be in [0, 2]");
                }
                region = new Region(type, margin, r.path("square").asBoolean(false));
            }
            if (task == Task.SEGMENTATION && region.type() != RegionType.FULL) {
                throw error("a segmenter's input.region must be full");
            }
            List<TtaView> tta = tta(in.path("tta"), task, height, width);
            return new InputSpec(text(in, "name"), height, width, (float) scale, mean, std, cc, region, tta);
        }

        /** The test-time views of {@code input.tta}, or none without that section. */
        private List<TtaView> tta(JsonNode tta, Task task, int height, int width) throws ModelException {
            if (tta.isMissingNode() || tta.isNull()) {
                return List.of();
            }
            if (task != Task.CLASSIFICATION) {
                throw error("input.tta is for classifiers only");
            }
            return TtaView.fromManifest(tta, height, width, this::error);
        }

        private OutputSpec output(JsonNode out, Task task) throws ModelException {
            Activation activation = switch (text(out, "activation")) {
                case "sigmoid" -> Activation.SIGMOID;
                case "softmax" -> Activation.SOFTMAX;
                default -> throw error("output.activation must be sigmoid or softmax");
            };
            List<String> classes = new ArrayList<>();
            out.path("class_names").forEach(n -> classes.add(n.asText()));
            int melanoma = -1;
            if (task == Task.CLASSIFICATION) {
                if (classes.isEmpty()) {
                    throw error("output.class_names is missing or empty");
                }
                melanoma = out.path("melanoma_index").asInt(-1);
                if (melanoma < 0 || melanoma >= classes.size()) {
                    throw error("output.melanoma_index must index output.class_names");
                }
                if (activation == Activation.SOFTMAX && classes.size() < 2) {
                    throw error("softmax needs at least two classes");
                }
            } else if (activation != Activation.SIGMOID) {
                throw error("a segmenter's output.activation must be sigmoid");
            }
            return new OutputSpec(text(out, "name"), activation, List.copyOf(classes), melanoma);
        }

        private JsonNode object(JsonNode node, String key) throws ModelException {
            JsonNode v = node.get(key);
            if (v == null || !v.isObject()) {
                throw error(key + " is missing or not an object");
            }
            return v;
        }

        private String text(JsonNode node, String key) throws ModelException {
            JsonNode v = node.get(key);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw error(key + " is missing or not a string");
            }
            return v.asText();
        }

        private double number(JsonNode node, String key) throws ModelException {
            JsonNode v = node.get(key);
            if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw error(key + " is missing or not a number");
            }
            return v.asDouble();
        }

        private double unit(JsonNode node, String key) throws ModelException {
            double v = number(node, key);
            if (v < 0 || v > 1) {
                throw error(key + " must be in [0, 1]");
            }
            return v;
        }

        private int positive(JsonNode node, String key) throws ModelException {
            JsonNode v = node.get(key);
            if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
                throw error(key + " is missing or not a positive integer");
            }
            return v.asInt();
        }

        private float[] triple(JsonNode node, String key) throws ModelException {
            JsonNode v = node.get(key);
            if (v == null || !v.isArray() || v.size() != 3) {
                throw error(key + " must be an array of 3 numbers");
            }
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                if (!v.get(i).isNumber()) {
                    throw error(key + " must be an array of 3 numbers");
                }
                out[i] = (float) v.get(i).asDouble();
            }
            return out;
        }

        private ModelException error(String problem) {
            return new ModelException(file + ": " + problem);
        }
    }
}
