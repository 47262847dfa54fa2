package org.vecformer.model.tl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.transformer.BlockPath;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Normalization;
import org.vecformer.model.transformer.ParamName;
import org.vecformer.model.transformer.ParamName.Param;
import org.vecformer.model.transformer.Weights;

/**
 * Builds our weights from a TransformerLens state dict and its config, checking one against the other: every
 * parameter of the config present with the config's shape (absent biases are zero, as TransformerLens fills them),
 * TransformerLens' buffers {@code blocks.{l}.attn.mask|IGNORE} ignored, and any other entry refused with a message
 * that names it, its shape and why (an MLP, a layer norm the config does not have, a layer beyond {@code n_layers}).
 */
public final class TlImport {
    private TlImport() {}

    /**
     * The imported weights.
     *
     * @param ignored      names of the buffers that were dropped (mask, IGNORE)
     * @param zeroBiases   names of biases the file did not have, set to zero
     */
    public record Result(Weights weights, List<String> ignored, List<String> zeroBiases) {
        public Result {
            ignored = List.copyOf(ignored);
            zeroBiases = List.copyOf(zeroBiases);
        }
    }

    /**
     * Checks {@code dict} against {@code config} and builds the weights (tensors used as read, not copied).
     *
     * @throws IllegalArgumentException one line naming the first offending tensor, with its shape and the config's
     */
    public static Result weights(Config config, TlStateDict dict) {
        Map<String, int[]> shapes = Weights.shapes(config);
        List<String> ignored = new ArrayList<>();
        for (String name : dict.skipped()) {
            if (!ParamName.isBuffer(name)) {
                throw new IllegalArgumentException("unexpected tensor " + name + ": not floating point, and not one of"
                        + " TransformerLens' " + ParamName.BUFFERS + " buffers");
            }
            ignored.add(name);
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : dict.tensors().entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue().shape();
            if (ParamName.isBuffer(name)) {
                ignored.add(name);
            } else if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException(unexpected(config, name, shape));
            } else if (!Arrays.equals(shape, shapes.get(name))) {
                throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                        + " but the config needs " + Arrays.toString(shapes.get(name)));
            } else {
                params.put(name, e.getValue());
            }
        }
        List<String> zeroBiases = new ArrayList<>();
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            if (params.containsKey(e.getKey())) continue;
            if (!Weights.isBias(e.getKey())) {
                throw new IllegalArgumentException("missing tensor " + e.getKey() + ": the config needs it with shape "
                        + Arrays.toString(e.getValue()));
            }
            zeroBiases.add(e.getKey());
        }
        return new Result(Weights.fromStateDict(config, params), ignored, zeroBiases);
    }

    /** Why {@code name} does not belong to a model of {@code c}. */
    private static String unexpected(Config c, String name, int[] shape) {
        String it = "tensor " + name + " " + Arrays.toString(shape);
        Param param = ParamName.parse(name).map(ParamName::param).orElse(null);
        if (param != null && param.isMlp()) {
            return it + " belongs to an MLP layer; only attention-only models are supported";
        }
        // BlockPath reads a layer of at most nine digits; a longer one is beyond any n_layers: the generic message then.
        int layer = BlockPath.parse(name).layer();
        if (layer >= c.nLayers()) {
            return it + " belongs to layer " + layer + " but the config has n_layers " + c.nLayers();
        }
        if (c.normalization() != Normalization.LN && param != null && param.isNorm()) {
            return it + " is a layer-norm parameter but the config's normalization is "
                    + (c.normalization() == Normalization.NONE ? "none" : c.normalization().tlName()) + ", which has none";
        }
        return "unexpected " + it + ": not a parameter of an attention-only TransformerLens model";
    }
}
