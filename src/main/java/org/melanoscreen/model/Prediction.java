package org.melanoscreen.model;

/**
 * One model call's result and what it cost (a per-call context): milliseconds of pre-processing (the input written
 * into the model's buffer), of inference (the model run, its outputs read) and of post-processing.
 */
public record Prediction<O>(O output, double preprocessMs, double inferenceMs, double postprocessMs) {
}
