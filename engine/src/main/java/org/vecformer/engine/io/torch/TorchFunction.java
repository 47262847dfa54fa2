package org.vecformer.engine.io.torch;

/**
 * The functions and types a state dict's pickle may name besides the storage classes. None is ever run:
 * {@link TorchGlobals#reduce} gives each the meaning it has in PyTorch, on our own values.
 */
enum TorchFunction implements PickleGlobal {
    /** {@code OrderedDict()}: the state dict itself, the (empty) backward hooks, {@code _metadata}. */
    ORDERED_DICT("collections", "OrderedDict"),
    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2"),
    /** {@code _rebuild_parameter(data, requires_grad, backward_hooks)}: an nn.Parameter, i.e. its data. */
    REBUILD_PARAMETER("torch._utils", "_rebuild_parameter"),
    /** {@code _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state)}. */
    REBUILD_PARAMETER_WITH_STATE("torch._utils", "_rebuild_parameter_with_state"),
    /** {@code _rebuild_from_type_v2(func, new_type, args, state)}: {@code func(*args)} viewed as {@code new_type}. */
    REBUILD_FROM_TYPE_V2("torch._tensor", "_rebuild_from_type_v2"),
    /** {@code torch.Size(sizes)}: a tuple of ints. */
    SIZE("torch", "Size"),
    /** A type {@link #REBUILD_FROM_TYPE_V2} may name; never called. */
    TENSOR_TYPE("torch", "Tensor"),
    /** The same type under the module that defines it. */
    TENSOR_TYPE_DEFINED("torch._tensor", "Tensor"),
    /** A type {@link #REBUILD_FROM_TYPE_V2} may name; never called. */
    PARAMETER_TYPE("torch.nn.parameter", "Parameter");

    private final String module;
    private final String name;

    TorchFunction(String module, String name) {
        this.module = module;
        this.name = name;
    }

    @Override
    public String dotted() {
        return module + "." + name;
    }

    /** The allowed function or type {@code module.name}, or null. */
    static TorchFunction named(String module, String name) {
        for (TorchFunction f : values()) {
            if (f.module.equals(module) && f.name.equals(name)) return f;
        }
        return null;
    }
}
