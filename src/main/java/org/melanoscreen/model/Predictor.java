package org.melanoscreen.model;

import ai.onnxruntime.OnnxTensor;
import org.melanoscreen.imaging.MatScope;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

import java.util.function.LongSupplier;

/**
 * A model with its translator (DJL's predictor): owns the one model call and times each step of it, returning the
 * times with the result ({@link Prediction}). The input is written straight into the model's input buffer, or
 * prepared ahead (on another thread) with {@link #prepare} and copied in by {@link #predictPrepared}.
 */
public final class Predictor<I, O> {
    private final OnnxModel model;
    private final Translator<I, O> translator;
    private final LongSupplier nanoClock;

    public Predictor(OnnxModel model, Translator<I, O> translator) throws ModelException {
        this(model, translator, System::nanoTime);
    }

    /**
     * With {@code nanoClock} (nanoseconds, as {@link System#nanoTime}) timing the steps. A batch of more than one is
     * run once on zeros here, so that the first screening does not pay for ONNX Runtime's first run of that size.
     */
    Predictor(OnnxModel model, Translator<I, O> translator, LongSupplier nanoClock) throws ModelException {
        if (translator.manifest() != model.manifest()) {
            throw new IllegalArgumentException("translator of " + translator.manifest().id() + " for model "
                    + model.manifest().id());
        }
        this.model = model;
        this.translator = translator;
        this.nanoClock = nanoClock;
        translator.check(model);
        if (translator.batch() > 1) {
            model.run(translator.batch(), planes -> { }, translator.outputs());
        }
    }

    public Manifest manifest() {
        return model.manifest();
    }

    public Translator<I, O> translator() {
        return translator;
    }

    /** Pre-processes {@code input} into the model's buffer, runs the model, post-processes its outputs. */
    public Prediction<O> predict(I input) throws ModelException {
        return run(planes -> translator.prepare(input, planes));
    }

    /**
     * The model's input for {@code input} as an array (every batch item), for preparing it ahead on another thread
     * ({@link #predictPrepared}) or for inspecting it.
     */
    public float[] prepare(I input) {
        Manifest.InputSpec spec = manifest().input();
        try (MatScope scope = new MatScope()) {
            Mat planes = scope.add(new Mat(translator.batch() * 3 * spec.height(), spec.width(), CvType.CV_32FC1));
            translator.prepare(input, planes);
            float[] values = new float[translator.batch() * model.itemLength()];
            planes.get(0, 0, values);
            return values;
        }
    }

    /** As {@link #predict}, on an input made by {@link #prepare} (copied into the model's buffer in one go). */
    public Prediction<O> predictPrepared(float[] prepared) throws ModelException {
        if (prepared.length != translator.batch() * model.itemLength()) {
            throw new IllegalArgumentException("prepared input has " + prepared.length + " floats, the model needs "
                    + translator.batch() * model.itemLength());
        }
        return run(planes -> planes.put(0, 0, prepared));
    }

    private Prediction<O> run(OnnxModel.InputWriter writer) throws ModelException {
        long start = nanoClock.getAsLong();
        long[] written = new long[1];
        float[][] outputs = model.run(translator.batch(), planes -> {
            writer.write(planes);
            written[0] = nanoClock.getAsLong();
        }, translator.outputs());
        long ran = nanoClock.getAsLong();
        O output = translator.process(outputs);
        long done = nanoClock.getAsLong();
        return new Prediction<>(output, millis(written[0] - start), millis(ran - written[0]), millis(done - ran));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** The model alone on {@code input}, prepared once: what a pipeline around it cannot go below. */
    public ModelAlone alone(I input) throws ModelException {
        return new ModelAlone(model.newTensor(prepare(input), translator.batch()));
    }

    /** The model call alone on an input prepared once ({@link #alone}); close it to free the input. */
    public final class ModelAlone implements AutoCloseable {
        private final OnnxTensor input;

        private ModelAlone(OnnxTensor input) {
            this.input = input;
        }

        /** Runs the model on the prepared input; returns the milliseconds the run took. */
        public double run() throws ModelException {
            long start = nanoClock.getAsLong();
            model.run(input, translator.batch(), translator.outputs());
            return millis(nanoClock.getAsLong() - start);
        }

        @Override
        public void close() {
            input.close();
        }
    }
}
