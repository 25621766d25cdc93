package org.melanoscreen.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One SHA-256 over everything in a model folder that decides what the device computes: {@code manifest.json}
 * (pre-processing, thresholds), the model file it names and every file under {@code fixtures/} (what self-test
 * compares with). It is the SHA-256 of a {@code sha256sum}-style listing, a line {@code <sha256>  <path>} per file,
 * paths relative to the folder and sorted bytewise, so that it can be reproduced with
 * {@code (cd FOLDER && sha256sum manifest.json model.onnx $(find fixtures -type f) | LC_ALL=C sort -k2) | sha256sum}.
 * The model card and other documents are not part of it.
 */
public final class ModelFolderDigest {
    static final String FIXTURES = "fixtures";

    private ModelFolderDigest() {
    }

    /** The digest of {@code folder} as it is on disk. */
    public static String of(Path folder) throws ModelException {
        byte[] manifestBytes = Manifest.bytes(folder);
        Manifest manifest = Manifest.parse(folder, manifestBytes);
        return of(folder, manifestBytes, manifest.fileName(), OnnxModel.sha256(OnnxModel.readModel(manifest.modelFile())));
    }

    /** The digest from the manifest's bytes and the model's SHA-256 as already read; the fixtures are read here. */
    static String of(Path folder, byte[] manifestBytes, String modelFileName, String modelSha256)
            throws ModelException {
        Map<String, String> files = new TreeMap<>();
        files.put(Manifest.FILE_NAME, OnnxModel.sha256(manifestBytes));
        files.put(modelFileName, modelSha256);
        Path fixtures = folder.resolve(FIXTURES);
        if (Files.isDirectory(fixtures)) {
            try (Stream<Path> walk = Files.walk(fixtures)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    files.put(folder.relativize(file).toString().replace('\\', '/'),
                            OnnxModel.sha256(Files.readAllBytes(file)));
                }
            } catch (IOException e) {
                throw new ModelException(fixtures + ": cannot be read (" + e.getMessage() + ")", e);
            }
        }
        StringBuilder listing = new StringBuilder();
        files.forEach((path, sha) -> listing.append(sha).append("  ").append(path).append('\n'));
        return OnnxModel.sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
    }
}
