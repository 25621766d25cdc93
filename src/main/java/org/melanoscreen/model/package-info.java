/**
 * The models the device screens with: reading a model folder's manifest ({@link org.melanoscreen.model.Manifest}),
 * trusting only folders the build approved ({@link org.melanoscreen.model.ModelFolderDigest},
 * {@link org.melanoscreen.model.ApprovedModels}), verified ONNX Runtime sessions
 * ({@link org.melanoscreen.model.OnnxModel}, {@link org.melanoscreen.model.ModelSet}, one per task), a predictor
 * per model that owns its one call and times it ({@link org.melanoscreen.model.Predictor}), the steps around the
 * calls ({@link org.melanoscreen.model.Translator}: {@link org.melanoscreen.model.Segmenter},
 * {@link org.melanoscreen.model.Classifier} with its test-time views, pre-processing as the manifest says), and the
 * parity check that proves on the device that all of it computes what the recipe computed
 * ({@link org.melanoscreen.model.ParityCheck}). It knows nothing of risk, quality, results or the command line.
 */
package org.melanoscreen.model;
