package org.melanoscreen.analysis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.imaging.BinaryMask;
import org.melanoscreen.model.Manifest;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RiskPolicyTest {
    private final RiskPolicy policy = new RiskPolicy(0.3, 0.01, 0.85);

    private static BinaryMask square(int size, int x0, int y0, int side) {
        byte[] p = new byte[size * size];
        for (int y = y0; y < y0 + side; y++) {
            for (int x = x0; x < x0 + side; x++) {
                p[y * size + x] = 1;
            }
        }
        return new BinaryMask(size, size, p);
    }

    @Test
    void probabilityAtThresholdRefers() {
        assertEquals(Risk.REFER, policy.decide(0.3f, List.of()).risk());
    }

    @Test
    void referEvenWhenTheLesionIsCutOff() {
        RiskPolicy.Decision d = policy.decide(0.9f, List.of("lesion touches the image border"));
        assertEquals(Risk.REFER, d.risk());
        assertEquals(List.of("lesion touches the image border"), d.reasons());
    }

    @Test
    void lowOnlyWhenBelowThresholdAndClean() {
        assertEquals(Risk.LOW, policy.decide(0.29f, policy.lesionDoubts(square(100, 40, 40, 20))).risk());
    }

    @Test
    void belowThresholdWithDoubtIsRetake() {
        List<String> doubts = policy.lesionDoubts(square(100, 0, 40, 20));
        RiskPolicy.Decision d = policy.decide(0.01f, doubts);
        assertEquals(Risk.RETAKE, d.risk());
        assertEquals(List.of("lesion touches the image border"), d.reasons());
    }

    @Test
    void missingOrInvalidProbabilityIsRetake() {
        assertEquals(Risk.RETAKE, policy.decide(null, List.of()).risk());
        assertEquals(Risk.RETAKE, policy.decide(Float.NaN, List.of()).risk());
        assertEquals(List.of("no lesion found"), policy.decide(null, policy.lesionDoubts(BinaryMask.empty(10, 10)))
                .reasons());
    }

    @Test
    void lesionSizeRange() {
        assertTrue(policy.lesionDoubts(square(100, 50, 50, 9)).get(0).startsWith("lesion too small"));
        assertEquals(List.of(), policy.lesionDoubts(square(100, 50, 50, 10)));
        List<String> big = policy.lesionDoubts(square(100, 1, 1, 95));
        assertTrue(big.get(0).startsWith("lesion too large"), big.toString());
    }

    @Test
    void rejectsNonsenseConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new RiskPolicy(0, 0.01, 0.8));
        assertThrows(IllegalArgumentException.class, () -> new RiskPolicy(0.5, 0.9, 0.8));
    }

    @Test
    void aClassifierThresholdThePolicyRefusesIsAModelProblemNamingTheManifest(@TempDir Path tmp) throws Exception {
        Path zero = TinyModels.editedCopy(TinyModels.CLS, tmp,
                m -> ((ObjectNode) m.get("thresholds")).put("referral", 0.0));
        ModelException e = assertThrows(ModelException.class,
                () -> RiskPolicy.forClassifier(Manifest.read(zero), 0.01, 0.85));
        assertEquals(zero.resolve("manifest.json") + ": thresholds.referral must be in (0, 1], was 0.0; the risk "
                + "policy cannot screen with it", e.getMessage());
        Manifest shipped = Manifest.read(TinyModels.CLS);
        assertEquals(shipped.referral().threshold(),
                RiskPolicy.forClassifier(shipped, 0.01, 0.85).referralThreshold());
    }
}
