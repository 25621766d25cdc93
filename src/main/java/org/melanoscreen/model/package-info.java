/**
 * The models the device screens with: reading a model folder's manifest ({@link org.melanoscreen.model.Manifest}),
 * trusting only folders the build approved ({@link org.melanoscreen.model.ModelFolderDigest},
 * {@link org.melanoscreen.model.ApprovedModels}), verified ONNX Runtime sessions
 * ({@link org.melanoscreen.model.OnnxModel}, {@link org.melanoscreen.model.ModelSet}), pre-processing as the
 * manifest says, the segmenter and classifier steps, and the parity check that proves on the device that all of it
 * computes what the recipe computed ({@link org.melanoscreen.model.ParityCheck}).
 */
package org.melanoscreen.model;
