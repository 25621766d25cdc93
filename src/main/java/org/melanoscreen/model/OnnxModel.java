package org.melanoscreen.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.melanoscreen.imaging.OpenCvLoader;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A verified ONNX model: its folder is one this build approved, its file matches the manifest's sha256, and the
 * session's input and output names and shapes match the manifest. Runs a batch of one (or, where the graph's batch
 * dimension is dynamic, several) inputs at a time, written straight into the model's own input buffer.
 */
public final class OnnxModel implements AutoCloseable {
    private final Manifest manifest;
    private final OrtEnvironment env;
    private final OrtSession session;
    /** The input's shape as the graph declares it: the batch dimension negative when dynamic. */
    private final long[] inputShape;
    private final long outputItemElements;
    /** Per batch size: the native input memory, made on first use and kept. */
    private final Map<Integer, InputBuffer> buffers = new HashMap<>();

    /**
     * The model's native input memory for one batch size, seen as a (N*C*H) x W float Mat of NCHW planes and as the
     * input tensor; made once over the same memory, so what pre-processing writes there is what the next run reads.
     */
    private record InputBuffer(Mat planes, OnnxTensor tensor) {
        void close() {
            tensor.close();
            planes.release();
        }
    }

    private OnnxModel(Manifest manifest, OrtEnvironment env, OrtSession session, long[] inputShape,
                      long outputItemElements) {
        this.manifest = manifest;
        this.env = env;
        this.session = session;
        this.inputShape = inputShape;
        this.outputItemElements = outputItemElements;
    }

    /** Writes one NCHW input into a (C*H) x W float Mat of planes. */
    @FunctionalInterface
    public interface InputWriter {
        void write(Mat planes);
    }

    /** Reads, verifies and warms up the model in {@code folder}, which this build must have approved. */
    public static OnnxModel load(Path folder, SessionSettings settings) throws ModelException {
        return load(folder, settings, ApprovedModels.builtIn());
    }

    /**
     * Reads, verifies and warms up the model in {@code folder}: the model file must match the manifest's sha256 and
     * the whole folder ({@link ModelFolderDigest}) must be one of {@code approved}, and the graph must have what the
     * task's translator reads (such as the classifier's features output); any problem is a
     * {@link ModelException}.
     */
    public static OnnxModel load(Path folder, SessionSettings settings, ApprovedModels approved)
            throws ModelException {
        byte[] manifestBytes = Manifest.bytes(folder);
        Manifest manifest = Manifest.parse(folder, manifestBytes);
        Path file = manifest.modelFile();
        byte[] bytes = readModel(file);
        String sha = sha256(bytes);
        if (!sha.equals(manifest.sha256())) {
            throw new ModelException(file + ": sha256 " + sha + " does not match the manifest's " + manifest.sha256()
                    + " (corrupt, truncated or replaced file)");
        }
        String digest = ModelFolderDigest.of(folder, manifestBytes, manifest.fileName(), sha);
        approved.check(folder, digest);
        OrtEnvironment env = OrtEnvironments.get();
        OrtSession session;
        try (OrtSession.SessionOptions options = settings.toOptions()) {
            session = env.createSession(bytes, options);
        } catch (OrtException e) {
            throw new ModelException(file + ": ONNX Runtime cannot load it (" + firstLine(e.getMessage()) + ")", e);
        }
        OnnxModel model;
        try {
            model = new OnnxModel(manifest, env, session, checkInput(file, manifest, session),
                    checkOutput(file, manifest, session));
        } catch (ModelException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
        try {
            manifest.task().translator(manifest).check(model);
            model.run(1, planes -> { }, List.of(manifest.output().name()));
        } catch (ModelException | RuntimeException e) {
            model.close();
            throw e;
        }
        Logger.info("Loaded model {} {} ({}) from {}, approved folder digest {}", manifest.id(), manifest.version(),
                manifest.task().name().toLowerCase(java.util.Locale.ROOT), file, digest);
        return model;
    }

    static byte[] readModel(Path file) throws ModelException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": model file missing");
        } catch (IOException e) {
            throw new ModelException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (bytes.length == 0) {
            throw new ModelException(file + ": model file is empty");
        }
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static long[] checkInput(Path file, Manifest manifest, OrtSession session) throws ModelException {
        Manifest.InputSpec spec = manifest.input();
        if (session.getNumInputs() != 1) {
            throw new ModelException(file + ": has " + session.getNumInputs() + " inputs, expected 1");
        }
        NodeInfo info;
        try {
            info = session.getInputInfo().get(spec.name());
        } catch (OrtException e) {
            throw new ModelException(file + ": input metadata unreadable (" + e.getMessage() + ")", e);
        }
        if (info == null) {
            throw new ModelException(file + ": no input named '" + spec.name() + "' (has "
                    + session.getInputNames() + ")");
        }
        long[] expected = {1, 3, spec.height(), spec.width()};
        long[] actual = tensorShape(file, info);
        if (!shapeMatches(actual, expected)) {
            throw new ModelException(file + ": input '" + spec.name() + "' has shape " + Arrays.toString(actual)
                    + ", manifest says " + Arrays.toString(expected));
        }
        return new long[]{actual[0] < 0 ? -1 : 1, 3, spec.height(), spec.width()};
    }

    private static long checkOutput(Path file, Manifest manifest, OrtSession session) throws ModelException {
        Manifest.OutputSpec spec = manifest.output();
        NodeInfo info;
        try {
            info = session.getOutputInfo().get(spec.name());
        } catch (OrtException e) {
            throw new ModelException(file + ": output metadata unreadable (" + e.getMessage() + ")", e);
        }
        if (info == null) {
            throw new ModelException(file + ": no output named '" + spec.name() + "' (has "
                    + session.getOutputNames() + ")");
        }
        long[] item = manifest.task().outputItemShape(manifest.input(), spec);
        long[] expected = new long[item.length + 1];
        expected[0] = 1;
        System.arraycopy(item, 0, expected, 1, item.length);
        long[] actual = tensorShape(file, info);
        if (!shapeMatches(actual, expected)) {
            throw new ModelException(file + ": output '" + spec.name() + "' has shape " + Arrays.toString(actual)
                    + ", manifest implies " + Arrays.toString(expected));
        }
        return Arrays.stream(item).reduce(1, (a, b) -> a * b);
    }

    private static long[] tensorShape(Path file, NodeInfo info) throws ModelException {
        if (!(info.getInfo() instanceof TensorInfo tensor)) {
            throw new ModelException(file + ": '" + info.getName() + "' is not a tensor");
        }
        if (tensor.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new ModelException(file + ": '" + info.getName() + "' is " + tensor.type + ", expected float32");
        }
        return tensor.getShape();
    }

    /** A dynamic dimension (negative) matches anything; the batch dimension must be dynamic or 1. */
    private static boolean shapeMatches(long[] actual, long[] expected) {
        if (actual.length != expected.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] >= 0 && actual[i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Floats of one batch item's input (C * H * W). */
    public int itemLength() {
        return Math.toIntExact(inputShape[1] * inputShape[2] * inputShape[3]);
    }

    /**
     * Runs the model on a batch of {@code batch} inputs that {@code writer} writes straight into this model's native
     * input buffer, which is the input tensor's memory (no allocation and no copy per run), and returns the named
     * outputs' values, the manifest's output first. One caller at a time, as the buffer is shared.
     */
    public synchronized float[][] run(int batch, InputWriter writer, List<String> outputs) throws ModelException {
        InputBuffer buffer = buffer(batch);
        writer.write(buffer.planes());
        return runOutputs(buffer.tensor(), batch, outputs);
    }

    /** A tensor of {@code batch} items with its own copy of {@code input}, for running the model on it again and again. */
    public OnnxTensor newTensor(float[] input, int batch) throws ModelException {
        checkBatch(batch);
        if (input.length != (long) batch * itemLength()) {
            throw new IllegalArgumentException("input has " + input.length + " floats, a batch of " + batch
                    + " needs " + (long) batch * itemLength());
        }
        return tensor(FloatBuffer.wrap(input), batch);
    }

    /** Runs the model on a ready input tensor of {@code batch} items ({@link #newTensor}). */
    public float[][] run(OnnxTensor input, int batch, List<String> outputs) throws ModelException {
        return runOutputs(input, batch, outputs);
    }

    private InputBuffer buffer(int batch) throws ModelException {
        InputBuffer buffer = buffers.get(batch);
        if (buffer == null) {
            checkBatch(batch);
            OpenCvLoader.load();
            ByteBuffer bytes = ByteBuffer.allocateDirect(batch * itemLength() * Float.BYTES)
                    .order(ByteOrder.nativeOrder());
            OnnxTensor tensor = tensor(bytes.asFloatBuffer(), batch);
            buffer = new InputBuffer(new Mat(Math.toIntExact(batch * inputShape[1] * inputShape[2]),
                    Math.toIntExact(inputShape[3]), CvType.CV_32FC1, bytes), tensor);
            buffers.put(batch, buffer);
        }
        return buffer;
    }

    private void checkBatch(int batch) throws ModelException {
        if (batch < 1 || inputShape[0] >= 0 && inputShape[0] != batch) {
            throw new ModelException(manifest.modelFile() + ": the graph's input takes a batch of " + inputShape[0]
                    + ", not " + batch + " (test-time augmentation needs a dynamic batch dimension)");
        }
    }

    /** An input tensor of {@code batch} items on {@code data}: in place for a direct buffer, else on a copy. */
    private OnnxTensor tensor(FloatBuffer data, int batch) throws ModelException {
        try {
            return OnnxTensor.createTensor(env, data, new long[]{batch, inputShape[1], inputShape[2], inputShape[3]});
        } catch (OrtException e) {
            throw new ModelException(manifest.modelFile() + ": input tensor not created (" + firstLine(e.getMessage())
                    + ")", e);
        }
    }

    /** The shape of the named output, or null when the graph has no such output. */
    public long[] outputShape(String name) throws ModelException {
        try {
            NodeInfo info = session.getOutputInfo().get(name);
            return info == null ? null : tensorShape(manifest.modelFile(), info);
        } catch (OrtException e) {
            throw new ModelException(manifest.modelFile() + ": output metadata unreadable (" + e.getMessage() + ")", e);
        }
    }

    private float[][] runOutputs(OnnxTensor input, int batch, List<String> names) throws ModelException {
        try (OrtSession.Result result = session.run(Map.of(manifest.input().name(), input),
                new java.util.LinkedHashSet<>(names))) {
            float[][] values = new float[names.size()][];
            for (int k = 0; k < names.size(); k++) {
                OnnxTensor out = (OnnxTensor) result.get(names.get(k)).orElseThrow();
                FloatBuffer buffer = out.getFloatBuffer();
                if (k == 0 && buffer.remaining() != batch * outputItemElements) {
                    throw new ModelException(manifest.modelFile() + ": produced " + buffer.remaining()
                            + " values, expected " + batch * outputItemElements);
                }
                values[k] = new float[buffer.remaining()];
                buffer.get(values[k]);
            }
            return values;
        } catch (OrtException e) {
            throw new ModelException(manifest.modelFile() + ": inference failed (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            Logger.warn("Closing an ONNX session failed: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly(session);
        buffers.values().forEach(InputBuffer::close);
        buffers.clear();
    }
}
