package org.vecformer.engine.io.torch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vecformer.engine.io.torch.Pickled.Bytes;
import org.vecformer.engine.io.torch.Pickled.PDict;
import org.vecformer.engine.io.torch.Pickled.StorageRef;
import org.vecformer.engine.io.torch.Pickled.TensorRef;
import org.vecformer.engine.io.torch.Pickled.Tuple;

/**
 * The allow-list and the meaning of the few calls a state dict's pickle makes: which globals may be named
 * ({@link #resolve}), what calling them builds ({@link #reduce}), which BUILD is accepted ({@link #build})
 * and how a persistent id names a storage ({@link #persistentLoad}). Every call builds one of our own
 * values; nothing from the file is ever executed.
 */
final class TorchGlobals {
    private final Map<String, StorageRef> storages = new HashMap<>();

    /**
     * The global {@code module.name} if it is allowed: {@link TorchFunction}s and {@code torch.<Type>Storage}.
     * Anything else (os.system, builtins.eval, a TorchScript class) is refused here, before it can be called.
     */
    PickleGlobal resolve(String module, String name) throws PickleException {
        TorchFunction f = TorchFunction.named(module, name);
        if (f != null) return f;
        // storage classes live in torch; UntypedStorage is defined in (and may be pickled from) torch.storage
        if (module.equals("torch") || module.equals("torch.storage") && name.equals("UntypedStorage")) {
            StorageType s = StorageType.named(name);
            if (s != null) return s;
        }
        String dotted = Pickled.clean(module + "." + name);
        if (module.startsWith("__torch__")) {
            throw new PickleException("refuses global " + dotted + ": this is a TorchScript archive (torch.jit.save),"
                    + " not a state dict; save its state_dict() with torch.save");
        }
        throw new PickleException("refuses global " + dotted + ": a checkpoint may only build tensors");
    }

    /** {@code callable(*args)} for the allowed functions, as PyTorch defines them, on our values. */
    Object reduce(Object callable, Tuple args) throws PickleException {
        if (!(callable instanceof TorchFunction f)) {
            throw new PickleException("cannot call " + Pickled.kind(callable));
        }
        List<Object> a = args.items;
        return switch (f) {
            case ORDERED_DICT -> {
                if (!a.isEmpty()) throw new PickleException("collections.OrderedDict is called with arguments; state dicts build it empty");
                yield new PDict();
            }
            case SIZE -> {
                if (a.size() != 1 || !(a.getFirst() instanceof Tuple sizes)) throw new PickleException("torch.Size takes one tuple");
                ints(f.dotted(), a, 0, "sizes");
                yield sizes;
            }
            case REBUILD_TENSOR_V2 -> rebuildTensor(a);
            case REBUILD_PARAMETER -> parameter(f, a, 3);
            case REBUILD_PARAMETER_WITH_STATE -> parameter(f, a, 4);
            case REBUILD_FROM_TYPE_V2 -> fromType(a);
            case TENSOR_TYPE, TENSOR_TYPE_DEFINED, PARAMETER_TYPE -> throw new PickleException("cannot call " + f.dotted()
                    + ": it is only accepted as the type of torch._tensor._rebuild_from_type_v2");
        };
    }

    private static TensorRef rebuildTensor(List<Object> a) throws PickleException {
        String fn = TorchFunction.REBUILD_TENSOR_V2.dotted();
        if (a.size() != 6 && a.size() != 7) {
            throw new PickleException(fn + " takes 6 or 7 arguments, the pickle gives " + a.size());
        }
        StorageRef storage = arg(fn, a, 0, StorageRef.class, "a storage");
        long offset = arg(fn, a, 1, Long.class, "an int");
        long[] size = ints(fn, a, 2, "size");
        long[] stride = ints(fn, a, 3, "stride");
        arg(fn, a, 4, Boolean.class, "a bool");
        arg(fn, a, 5, PDict.class, "a dict of backward hooks");
        if (size.length != stride.length) {
            throw new PickleException(fn + " gets " + size.length + " sizes but " + stride.length + " strides");
        }
        return new TensorRef(storage, offset, size, stride);
    }

    private static TensorRef parameter(TorchFunction f, List<Object> a, int arity) throws PickleException {
        if (a.size() != arity) throw new PickleException(f.dotted() + " takes " + arity + " arguments, the pickle gives " + a.size());
        arg(f.dotted(), a, 1, Boolean.class, "a bool");
        arg(f.dotted(), a, 2, PDict.class, "a dict of backward hooks");
        return arg(f.dotted(), a, 0, TensorRef.class, "a tensor");
    }

    /** {@code func(*args)} for a tensor-building func and type torch.Tensor or nn.Parameter; the state is dropped. */
    private TensorRef fromType(List<Object> a) throws PickleException {
        String fn = TorchFunction.REBUILD_FROM_TYPE_V2.dotted();
        if (a.size() != 4) throw new PickleException(fn + " takes 4 arguments, the pickle gives " + a.size());
        Object func = a.get(0);
        if (!(func == TorchFunction.REBUILD_TENSOR_V2 || func == TorchFunction.REBUILD_PARAMETER
                || func == TorchFunction.REBUILD_PARAMETER_WITH_STATE)) {
            throw new PickleException(fn + " may only call a tensor rebuild function, not " + Pickled.kind(func));
        }
        Object type = a.get(1);
        if (!(type == TorchFunction.TENSOR_TYPE || type == TorchFunction.TENSOR_TYPE_DEFINED
                || type == TorchFunction.PARAMETER_TYPE)) {
            throw new PickleException(fn + " may only build a torch.Tensor or nn.Parameter, not " + Pickled.kind(type));
        }
        Tuple args = arg(fn, a, 2, Tuple.class, "a tuple of arguments");
        return (TensorRef) reduce(func, args);
    }

    private static <T> T arg(String fn, List<Object> a, int i, Class<T> type, String what) throws PickleException {
        Object v = a.get(i);
        if (!type.isInstance(v)) throw new PickleException(fn + " argument " + i + " is " + Pickled.kind(v) + ", not " + what);
        return type.cast(v);
    }

    private static long[] ints(String fn, List<Object> a, int i, String what) throws PickleException {
        Tuple t = arg(fn, a, i, Tuple.class, "a tuple (the " + what + ")");
        long[] out = new long[t.items.size()];
        for (int d = 0; d < out.length; d++) {
            if (!(t.items.get(d) instanceof Long v)) {
                throw new PickleException(fn + " " + what + " entry " + d + " is " + Pickled.kind(t.items.get(d)) + ", not an int");
            }
            out[d] = v;
        }
        return out;
    }

    /**
     * BUILD (set an object's state): accepted only on a dict, where PyTorch puts a state dict's
     * {@code _metadata} (module versions); the state is ignored.
     */
    void build(Object target, Object state) throws PickleException {
        if (!(target instanceof PDict)) {
            throw new PickleException("BUILD on " + Pickled.kind(target) + ": only a state dict's _metadata may be set");
        }
    }

    /** The storage a persistent id {@code ('storage', torch.<Type>Storage, key, location, numel)} names. */
    StorageRef persistentLoad(Object pid) throws PickleException {
        if (!(pid instanceof Tuple t) || t.items.size() != 5 || !"storage".equals(t.items.get(0))) {
            String tag = pid instanceof Tuple t && !t.items.isEmpty() ? " starting with " + Pickled.kind(t.items.getFirst()) : "";
            throw new PickleException("persistent id is " + Pickled.kind(pid) + tag
                    + ", not ('storage', type, key, location, numel)");
        }
        List<Object> a = t.items;
        if (!(a.get(1) instanceof StorageType type)) {
            throw new PickleException("persistent id names " + Pickled.kind(a.get(1)) + " as its storage type");
        }
        if (!(a.get(2) instanceof String key) || key.isEmpty() || key.contains("/")) {
            throw new PickleException("persistent id key is " + Pickled.kind(a.get(2)) + ", not a storage record name");
        }
        if (!(a.get(3) instanceof String)) {
            throw new PickleException("persistent id location is " + Pickled.kind(a.get(3)) + ", not a string");
        }
        if (!(a.get(4) instanceof Long numel) || numel < 0) {
            throw new PickleException("persistent id of storage " + Pickled.quote(key) + " gives " + Pickled.kind(a.get(4))
                    + " as its element count");
        }
        StorageRef ref = new StorageRef(type, key, numel);
        StorageRef seen = storages.putIfAbsent(key, ref);
        if (seen != null && !seen.equals(ref)) {
            throw new PickleException("storage " + Pickled.quote(key) + " is named as " + describe(seen) + " and as " + describe(ref));
        }
        return seen != null ? seen : ref;
    }

    private static String describe(StorageRef s) {
        return s.type().dotted() + " of " + s.numel() + " elements";
    }

    /** True when {@code key} may be a dict key: Python's hashable scalars (never a container). */
    static boolean hashable(Object key) {
        return key instanceof String || key instanceof Long || key instanceof Double || key instanceof Boolean
                || key instanceof Pickled.None || key instanceof Bytes;
    }
}
