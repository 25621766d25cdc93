/**
 * Evaluation of the device pipeline on a labelled data set: what the device would show per true class, ROC AUC
 * with its bootstrap interval, calibration and segmentation overlap at the ground truth's resolution. Read-only:
 * it screens through {@code analysis} and never writes to the results store.
 */
package org.melanoscreen.eval;
