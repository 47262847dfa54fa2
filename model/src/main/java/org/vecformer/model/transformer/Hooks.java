package org.vecformer.model.transformer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a forward does at its hook points: which activations to store ({@code cache}, a name filter) and
 * which functions to run ({@code fns}, by hook name). Activations that are costly to form
 * ({@code hook_attn_scores}, {@code hook_result}, {@code hook_q|k|v}) are computed only when cached or hooked.
 */
public record Hooks(Predicate<String> cache, Map<String, HookFn> fns) {
    public Hooks {
        fns = Map.copyOf(fns);
    }

    /** No cache, no functions: the plain forward. */
    public static Hooks none() {
        return new Hooks(name -> false, Map.of());
    }

    /** Caches the activations whose names pass {@code filter}. */
    public static Hooks caching(Predicate<String> filter) {
        return new Hooks(filter, Map.of());
    }

    /** Caches every activation. */
    public static Hooks cachingAll() {
        return caching(name -> true);
    }

    /** Caches exactly the named activations. */
    public static Hooks caching(Set<String> names) {
        Set<String> copy = Set.copyOf(names);
        return caching(copy::contains);
    }

    /** These hooks plus {@code fn} at hook point {@code name} (replacing a function already there). */
    public Hooks with(String name, HookFn fn) {
        Map<String, HookFn> m = new LinkedHashMap<>(fns);
        m.put(name, fn);
        return new Hooks(cache, m);
    }

    /** {@link #with(String, HookFn)} at hook point {@code name}. */
    public Hooks with(HookName name, HookFn fn) {
        return with(name.tl(), fn);
    }

    /** True when the activation named {@code name} must be formed: it is cached or hooked. */
    boolean wants(String name) {
        return fns.containsKey(name) || cache.test(name);
    }
}
