package org.melanoscreen.app;

import org.melanoscreen.analysis.OverlayRenderer;
import org.melanoscreen.analysis.PreparedFrame;
import org.melanoscreen.analysis.ReadAhead;
import org.melanoscreen.analysis.ResultJson;
import org.melanoscreen.analysis.ScreeningPipeline;
import org.melanoscreen.analysis.ScreeningResult;
import org.melanoscreen.imaging.ImageException;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.ModelSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "screen", mixinStandardHelpOptions = true,
        description = "Screen dermoscopic images: risk (REFER / LOW / RETAKE), melanoma probability, lesion "
                + "measurements and per-stage timings, one result per image.")
final class ScreenCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IMAGE|DIR", description = "JPEG or PNG files, or folders of them.")
    List<String> inputs;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    OutputOptions output;

    @Option(names = "--overlay", paramLabel = "DIR",
            description = "Write a PNG per image with the lesion contour, risk and probability drawn on it.")
    Path overlayDir;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        Inputs expanded = Inputs.expand(inputs);
        expanded.report(output);
        List<Path> files = expanded.files();
        int failed = expanded.problems().size();
        try (ModelSet models = modelOptions.loadModels(); ScreeningPipeline pipeline = modelOptions.pipeline(models)) {
            if (overlayDir != null) {
                Files.createDirectories(overlayDir);
            }
            if (!output.json) {
                out.println(TableFormat.header());
            }
            try (ReadAhead frames = pipeline.readAhead(files)) {
                for (Path file : files) {
                    try (PreparedFrame prepared = frames.next()) {
                        ScreeningResult result = pipeline.screen(prepared);
                        if (overlayDir != null) {
                            String base = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                            Files.write(overlayDir.resolve(base + ".overlay.png"),
                                    OverlayRenderer.png(prepared.original(), result));
                        }
                        out.println(output.json ? ResultJson.result(result).toString() : TableFormat.row(result));
                    } catch (ImageException | ModelException e) {
                        failed++;
                        output.error(file.toString(), e.getMessage());
                    } catch (IOException e) {
                        failed++;
                        output.error(file.toString(), file + ": " + e.getMessage());
                    }
                }
            }
        } catch (ModelException e) {
            throw new SetupException(e.getMessage(), e);
        }
        if (!output.json) {
            System.err.printf(Locale.ROOT, "%d image(s), %d failed%n", files.size() + expanded.problems().size(),
                    failed);
        }
        return failed == 0 ? 0 : 1;
    }
}
