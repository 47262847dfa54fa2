package org.vecformer.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vecformer.model.transformer.HookName.Hook;
import org.vecformer.model.transformer.ParamName.Param;

/** ParamName and HookName against TransformerLens' spelling, and parse ∘ print = identity on every name a model has. */
class NamesTest {
    @Test
    void printsTransformerLensSpelling() {
        assertEquals("embed.W_E", ParamName.of(Param.W_E).tl());
        assertEquals("pos_embed.W_pos", ParamName.of(Param.W_POS).tl());
        assertEquals("blocks.3.attn.W_Q", ParamName.of(Param.W_Q, 3).tl());
        assertEquals("blocks.0.ln1.w", ParamName.of(Param.LN1_W, 0).tl());
        assertEquals("blocks.12.mlp.W_in", ParamName.of(Param.W_IN, 12).tl());
        assertEquals("unembed.b_U", ParamName.of(Param.B_U).tl());
        assertEquals("hook_embed", HookName.of(Hook.EMBED).tl());
        assertEquals("blocks.2.attn.hook_pattern", HookName.of(Hook.PATTERN, 2).tl());
        assertEquals("blocks.0.hook_resid_pre", HookName.of(Hook.RESID_PRE, 0).tl());
        assertEquals("ln_final.hook_scale", HookName.of(Hook.LN_FINAL_SCALE).tl());
    }

    @Test
    void everyNameOfEveryVariantParsesBackToItself() {
        for (Normalization n : Normalization.values()) {
            for (PositionalEmbedding p : PositionalEmbedding.values()) {
                Config c = new Config(3, 8, 2, 4, 16, 10, n, p, 1e-5, true);
                for (String name : Weights.shapes(c).keySet()) assertEquals(name, ParamName.parse(name).orElseThrow().tl());
                for (String name : HookPoints.names(c)) assertEquals(name, HookName.parse(name).orElseThrow().tl());
            }
        }
    }

    @Test
    void parsesOnlyNames() {
        for (String notAParam : List.of("blocks.0.attn.mask", "blocks.x.attn.W_Q", "blocks.1234567890.attn.W_Q", "blocks.01.attn.W_Q",
                "blocks.0.embed.W_E", "attn.W_Q", "blocks..attn.W_Q", "blocks.0", "", "hook_embed")) {
            assertEquals(Optional.empty(), ParamName.parse(notAParam), notAParam);
        }
        for (String notAHook : List.of("blocks.0.hook_embed", "hook_resid_pre", "blocks.0.attn.W_Q", "blocks.-1.hook_resid_pre")) {
            assertEquals(Optional.empty(), HookName.parse(notAHook), notAHook);
        }
        assertEquals(ParamName.of(Param.W_O, 7), ParamName.parse("blocks.7.attn.W_O").orElseThrow());
        assertTrue(ParamName.isBuffer("blocks.4.attn.IGNORE"));
        assertFalse(ParamName.isBuffer("attn.mask"));
        assertTrue(Hook.Z.matches("blocks.9.attn.hook_z"));
        assertFalse(Hook.Z.matches("blocks.9.attn.hook_q"));
        assertThrows(IllegalArgumentException.class, () -> ParamName.of(Param.W_Q));
        assertThrows(IllegalArgumentException.class, () -> HookName.of(Hook.EMBED, 0));
    }

    @Test
    void kindsFollowTheLeafName() {
        assertTrue(Param.B_Q.isBias() && Param.LN1_B.isBias() && Param.B_U.isBias() && Param.B_IN.isBias());
        assertFalse(Param.W_Q.isBias() || Param.LN1_W.isBias() || Param.W_POS.isBias());
        assertTrue(Param.W_E.isMatrix() && Param.W_OUT.isMatrix() && !Param.LN_FINAL_W.isMatrix());
        assertTrue(Param.LN_FINAL_W.isNormGain() && Param.LN2_W.isNormGain() && !Param.W_U.isNormGain());
        assertTrue(Param.LN2_B.isMlp() && Param.W_IN.isMlp() && !Param.LN1_W.isMlp());
    }
}
