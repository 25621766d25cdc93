package org.melanoscreen.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A labelled image folder in the {@code ../shared/data} layout: {@code images/<id>.jpg} (or .png), optional
 * {@code masks/<id>_segmentation.png}, and {@code labels.csv} with at least {@code image_id} and
 * {@code melanoma} (1/0), optionally {@code split}.
 */
public record Dataset(Path folder, List<Item> items, List<String> problems) {

    /** One labelled image; {@code mask} is null when the folder has no ground-truth mask for it. */
    public record Item(String id, Path image, Path mask, int melanoma) {
    }

    public static Dataset read(Path folder, String split) throws IOException {
        Path labels = folder.resolve("labels.csv");
        List<String> lines;
        try {
            lines = Files.readAllLines(labels, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(labels + ": missing (not a data set folder)");
        }
        if (lines.isEmpty()) {
            throw new IOException(labels + ": empty");
        }
        List<String> header = Arrays.asList(fields(lines.get(0)));
        int idCol = header.indexOf("image_id");
        int melCol = header.indexOf("melanoma");
        int splitCol = header.indexOf("split");
        if (idCol < 0 || melCol < 0) {
            throw new IOException(labels + ": header needs image_id and melanoma columns, has " + header);
        }
        if (split != null && splitCol < 0) {
            throw new IOException(labels + ": no split column, so --split " + split + " cannot be applied");
        }
        List<Item> items = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String[] f = fields(line);
            int needed = Math.max(idCol, Math.max(melCol, splitCol)) + 1;
            if (f.length < needed) {
                problems.add(labels + " line " + (n + 1) + ": " + f.length + " fields, expected " + header.size());
                continue;
            }
            if (split != null && !split.equals(f[splitCol])) {
                continue;
            }
            String id = f[idCol];
            int melanoma;
            try {
                melanoma = (int) Double.parseDouble(f[melCol]);
            } catch (NumberFormatException e) {
                problems.add(labels + " line " + (n + 1) + ": melanoma '" + f[melCol] + "' is not 0 or 1");
                continue;
            }
            if (melanoma != 0 && melanoma != 1) {
                problems.add(labels + " line " + (n + 1) + ": melanoma '" + f[melCol] + "' is not 0 or 1");
                continue;
            }
            try {
                Path image = folder.resolve("images").resolve(id + ".jpg");
                if (!Files.exists(image) && Files.exists(folder.resolve("images").resolve(id + ".png"))) {
                    image = folder.resolve("images").resolve(id + ".png");
                }
                Path mask = folder.resolve("masks").resolve(id + "_segmentation.png");
                items.add(new Item(id, image, Files.exists(mask) ? mask : null, melanoma));
            } catch (InvalidPathException e) {
                problems.add(labels + " line " + (n + 1) + ": image id '" + id + "' cannot be a file name on this "
                        + "system (" + e.getReason() + " under " + System.getProperty("sun.jnu.encoding")
                        + "); run under a UTF-8 locale such as LANG=C.UTF-8");
            }
        }
        return new Dataset(folder, List.copyOf(items), List.copyOf(problems));
    }

    private static String[] fields(String line) {
        String[] f = line.split(",", -1);
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i].trim().replaceAll("^\"|\"$", "");
        }
        return f;
    }
}
