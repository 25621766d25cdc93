package org.melanoscreen.model;

/** A model folder, manifest or ONNX file that cannot be used; the message names the file and the problem. */
public class ModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
