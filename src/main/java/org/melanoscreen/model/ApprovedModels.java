package org.melanoscreen.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The model folders this software may screen with, by {@link ModelFolderDigest}. The build writes the digest of
 * every folder under {@code models/} into the class-path resource {@value #RESOURCE} ({@link #main}), so the jar
 * approves exactly the folders it was built and packaged with, and a copied and edited folder (a referral
 * threshold, a mean, a fixture) is refused. A new model folder from the recipe is approved by rebuilding.
 * Every such resource on the class path counts: the tests' class path adds the tiny test models' list.
 */
public final class ApprovedModels {
    public static final String RESOURCE = "org/melanoscreen/model/approved-model-folders.txt";

    private final Set<String> digests;

    private ApprovedModels(Set<String> digests) {
        this.digests = Set.copyOf(digests);
    }

    /** The folders the build approved: every {@value #RESOURCE} on the class path. */
    public static ApprovedModels builtIn() {
        Set<String> approved = new HashSet<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Enumeration<URL> lists = (loader != null ? loader : ApprovedModels.class.getClassLoader())
                    .getResources(RESOURCE);
            while (lists.hasMoreElements()) {
                try (InputStream in = lists.nextElement().openStream()) {
                    parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), approved);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the approved model list " + RESOURCE + " cannot be read", e);
        }
        return new ApprovedModels(approved);
    }

    /** Each line: a digest, then what it was approved as (model id, version, folder) for the reader. */
    private static void parse(String list, Set<String> into) {
        for (String line : list.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            into.add(trimmed.split("\\s+", 2)[0]);
        }
    }

    /** These approvals and the folder {@code digest} as well, for code that approves a folder explicitly (tests). */
    public ApprovedModels plus(String digest) {
        Set<String> more = new HashSet<>(digests);
        more.add(digest);
        return new ApprovedModels(more);
    }

    /** Refuses {@code folder} unless its digest is approved, with what to do about it. */
    void check(Path folder, String digest) throws ModelException {
        if (!digests.contains(digest)) {
            throw new ModelException(folder + ": not an approved model folder (folder digest " + digest
                    + " matches none of the " + digests.size() + " this software was built with: a folder from "
                    + "elsewhere, or its manifest, model or fixtures were changed); reinstall the software, or put "
                    + "the folder under models/ and rebuild to approve it");
        }
    }

    /** The list the build writes: one line per model folder under the given roots. */
    static String list(List<Path> roots) throws ModelException {
        StringBuilder out = new StringBuilder("# Approved model folders, written by the build: ModelFolderDigest, id, "
                + "version (folder)\n");
        for (Path root : roots) {
            for (Path folder : ModelSet.foldersIn(root)) {
                Manifest manifest = Manifest.read(folder);
                out.append(ModelFolderDigest.of(folder)).append("  ").append(manifest.id()).append(' ')
                        .append(manifest.version()).append(" (").append(folder.getFileName()).append(")\n");
            }
        }
        return out.toString();
    }

    /** Build step: {@code OUTPUT-FILE MODEL-ROOT...} writes the approved list for the model folders under the roots. */
    public static void main(String[] args) throws IOException, ModelException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ApprovedModels OUTPUT-FILE MODEL-ROOT...");
        }
        List<Path> roots = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            roots.add(Path.of(args[i]));
        }
        Path output = Path.of(args[0]);
        Files.createDirectories(output.getParent());
        Files.writeString(output, list(roots));
    }
}
