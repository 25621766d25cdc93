/**
 * From a decoded frame to a risk result: the screening pipeline and its use cases (screen a frame, gate a frame into a
 * candidate, classify a candidate, evaluate a frame), built by one factory from its settings,
 * the quality gate with its lesion checks (a lesion really in view, only one, clear of the border, of a sane size),
 * the measurements, the risk policy, the burst rule and the result's JSON and overlay. It calls the models through
 * {@code model} and images through {@code imaging}; it knows nothing of cameras, the store, the front panel or the
 * command line.
 */
package org.melanoscreen.analysis;
