package org.melanoscreen.analysis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.melanoscreen.model.Classifier;
import org.melanoscreen.model.Manifest;
import org.melanoscreen.model.ModelException;
import org.melanoscreen.model.TinyModels;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RiskPolicyTest {
    private final RiskPolicy policy = new RiskPolicy(0.3);

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
        assertEquals(Risk.LOW, policy.decide(0.29f, List.of()).risk());
    }

    @Test
    void belowThresholdWithDoubtIsRetake() {
        RiskPolicy.Decision d = policy.decide(0.01f, List.of("lesion touches the image border"));
        assertEquals(Risk.RETAKE, d.risk());
        assertEquals(List.of("lesion touches the image border"), d.reasons());
    }

    @Test
    void missingOrInvalidProbabilityIsRetake() {
        assertEquals(Risk.RETAKE, policy.decide(null, List.of()).risk());
        assertEquals(Risk.RETAKE, policy.decide(Float.NaN, List.of()).risk());
        assertEquals(List.of("no lesion in view"), policy.decide(null, List.of("no lesion in view")).reasons());
    }

    @Test
    void rejectsThresholdsOutsideTheUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> new RiskPolicy(0));
        assertThrows(IllegalArgumentException.class, () -> new RiskPolicy(1.01));
        assertThrows(IllegalArgumentException.class, () -> new RiskPolicy(Double.NaN));
    }

    @Test
    void aClassifierThresholdThePolicyRefusesIsAModelProblemNamingTheManifest(@TempDir Path tmp) throws Exception {
        Path zero = TinyModels.editedCopy(TinyModels.CLS, tmp,
                m -> ((ObjectNode) m.get("thresholds")).put("referral", 0.0));
        ModelException e = assertThrows(ModelException.class,
                () -> RiskPolicy.forClassifier(new Classifier(Manifest.read(zero), true)));
        assertEquals(zero.resolve("manifest.json") + ": thresholds.referral must be in (0, 1], was 0.0; the risk "
                + "policy cannot screen with it", e.getMessage());
        Manifest shipped = Manifest.read(TinyModels.CLS);
        assertEquals(shipped.referral().threshold(),
                RiskPolicy.forClassifier(new Classifier(shipped, true)).referralThreshold());
    }

    @Test
    void withTestTimeAugmentationOffThePolicyTakesAndChecksTheSingleViewThreshold(@TempDir Path tmp)
            throws Exception {
        Manifest tiny = Manifest.read(TinyModels.CLS);
        assertEquals(tiny.referral().singleViewThreshold(),
                RiskPolicy.forClassifier(new Classifier(tiny, false)).referralThreshold());
        Path zero = TinyModels.editedCopy(TinyModels.CLS, tmp,
                m -> ((ObjectNode) m.get("thresholds")).put("referral_single_view", 0.0));
        assertEquals(tiny.referral().threshold(),
                RiskPolicy.forClassifier(new Classifier(Manifest.read(zero), true)).referralThreshold());
        ModelException e = assertThrows(ModelException.class,
                () -> RiskPolicy.forClassifier(new Classifier(Manifest.read(zero), false)));
        assertEquals(zero.resolve("manifest.json") + ": thresholds.referral_single_view must be in (0, 1], was 0.0; "
                + "the risk policy cannot screen with it", e.getMessage());
    }
}
