package org.melanoscreen.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OodScorerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A copy of the tiny classifier whose manifest gets {@code ood}. */
    private static Path withOod(Path tmp, String ood) throws Exception {
        Path folder = TinyModels.copy(TinyModels.CLS, tmp);
        ObjectNode manifest = (ObjectNode) JSON.readTree(folder.resolve("manifest.json").toFile());
        manifest.set("ood", JSON.readTree(ood));
        JSON.writeValue(folder.resolve("manifest.json").toFile(), manifest);
        return folder;
    }

    private static final String THREE_D = """
            {"output": "features", "method": "pca_mahalanobis", "mean": [1, 2, 3],
             "components": [[1, 0, 0], [0, 0.6, 0.8]], "eigenvalues": [4, 0.25],
             "residual_variance": 0.5, "threshold": 10}""";

    @Test
    void scoreIsTheContractsFormula(@TempDir Path tmp) throws Exception {
        OodScorer scorer = OodScorer.fromManifest(Manifest.read(withOod(tmp, THREE_D)));
        // d = (2, 1, -1): z1 = 2, z2 = 0.6 - 0.8 = -0.2, residual = d - 2*c1 + 0.2*c2 = (0, 1.12, -0.84)
        double expected = 4.0 / 4 + 0.04 / 0.25 + (1.12 * 1.12 + 0.84 * 0.84) / 0.5;
        assertEquals(expected, scorer.score(new float[]{3, 3, 2}), 1e-6);
        assertEquals(0, scorer.score(new float[]{1, 2, 3}), 1e-12, "the mean itself");
        assertEquals(10, scorer.threshold());
    }

    @Test
    void noSectionNoCheck() throws Exception {
        assertNull(OodScorer.fromManifest(Manifest.read(TinyModels.CLS_MASKED)));
    }

    @Test
    void malformedSectionsAreRefusedWithTheReason(@TempDir Path tmp) throws Exception {
        ModelException e = assertThrows(ModelException.class, () -> OodScorer.fromManifest(Manifest.read(
                withOod(tmp.resolve("a"), THREE_D.replace("[4, 0.25]", "[4, 0]")))));
        assertTrue(e.getMessage().contains("ood.eigenvalues must be positive"), e.getMessage());
        e = assertThrows(ModelException.class, () -> OodScorer.fromManifest(Manifest.read(
                withOod(tmp.resolve("b"), THREE_D.replace("[0, 0.6, 0.8]", "[0, 0.6]")))));
        assertTrue(e.getMessage().contains("ood.components[1] has 2 values"), e.getMessage());
    }

    @Test
    void aManifestAskingForAFeaturesOutputTheModelLacksIsRefused(@TempDir Path tmp) throws Exception {
        Path folder = withOod(tmp, THREE_D.replace("\"features\"", "\"no_such_output\""));
        ModelException e = assertThrows(ModelException.class,
                () -> ModelSet.load(List.of(TinyModels.SEG, folder), TinyModels.SETTINGS,
                        TinyModels.approving(folder)).close());
        assertTrue(e.getMessage().contains("no output named 'no_such_output'"), e.getMessage());
    }
}
