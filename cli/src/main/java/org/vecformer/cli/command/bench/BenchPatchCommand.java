package org.vecformer.cli.command.bench;

import static org.vecformer.cli.command.bench.BenchOutput.ms;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.diag.BestOf;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.patching.ActivationPatching;
import org.vecformer.model.patching.AttributionPatching;
import org.vecformer.model.patching.Metric;
import org.vecformer.model.patching.PatchRuns;
import org.vecformer.model.patching.Site;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Hooks;
import org.vecformer.model.transformer.Transformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.vecformer.cli.command.ModelOption;
import org.vecformer.cli.command.ThreadsOption;

/**
 * {@code vecformer bench patch}: warm, best-of-N times of a z + resid_pre activation-patching sweep (each patch resuming at
 * its layer, last position unembedded), the same sweep done naively (every patch a whole hooked forward), attribution
 * patching (clean forward, corrupted forward and backward, sums), and one plain forward, on seeded random prompts that
 * differ in one token.
 */
@Command(name = "patch", mixinStandardHelpOptions = true,
        description = "Time an activation-patching sweep (z and resid_pre) against a naive rerun of every patch, and attribution patching, against one forward.")
public final class BenchPatchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--t", paramLabel = "T", defaultValue = "64", description = "Prompt length (default: ${DEFAULT-VALUE}).")
    int t;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "Timed runs after warm-up; the best is kept (default: ${DEFAULT-VALUE}).")
    int runs;

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() throws IOException {
        int nThreads = threads.apply();
        BenchOutput.atLeastOne("--runs", runs);
        ModelFile m = model.load();
        Config c = m.config();
        if (c.nLayers() == 0) throw new UsageException("a zero-layer model has no activations to patch");
        if (t < 2 || t > c.nCtx()) throw new UsageException("--t must be in [2, n_ctx = " + c.nCtx() + "], not " + t);
        int[] clean = new SplittableRandom(t).ints(t, 0, c.dVocab()).toArray(), corrupt = clean.clone();
        corrupt[t / 3] = (clean[t / 3] + 1) % c.dVocab();
        Metric metric = new Metric(Metric.Kind.LOGIT_DIFF, 1 % c.dVocab(), 2 % c.dVocab());
        Transformer transformer = m.transformer();
        PatchRuns runsNoGrad = PatchRuns.of(transformer, clean, corrupt, metric, false);
        ActivationPatching counted = new ActivationPatching(runsNoGrad);
        counted.patch(Site.Z, false);
        counted.patch(Site.RESID_PRE, false);
        int patches = c.nLayers() * c.nHeads() + c.nLayers() * t;

        double forward = BestOf.seconds(() -> transformer.forward(clean), runs, 2000);
        double baseRuns = BestOf.seconds(() -> PatchRuns.of(transformer, clean, corrupt, metric, false), runs, 2000);
        double sweep = BestOf.seconds(() -> {
            ActivationPatching p = new ActivationPatching(runsNoGrad);
            p.patch(Site.Z, false);
            p.patch(Site.RESID_PRE, false);
        }, runs, 2000);
        double naive = BestOf.seconds(() -> naiveSweep(transformer, runsNoGrad, c, corrupt), 1, 0);
        double attribution = BestOf.seconds(() -> {
            AttributionPatching a = new AttributionPatching(PatchRuns.of(transformer, clean, corrupt, metric, true));
            a.estimate(Site.Z, false);
            a.estimate(Site.RESID_PRE, false);
        }, runs, 2000);

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("t", t);
        r.put("threads", nThreads);
        r.put("patches", patches);
        r.put("layer_forwards", counted.layerForwards());
        r.put("naive_layer_forwards", (long) patches * c.nLayers());
        r.put("forward_ms", ms(forward));
        r.put("clean_corrupt_runs_ms", ms(baseRuns));
        r.put("sweep_ms", ms(sweep));
        r.put("naive_sweep_ms", ms(naive));
        r.put("attribution_ms", ms(attribution));
        r.put("attribution_forwards", Math.round(attribution / forward * 100) / 100.0);
        output.print(r, out -> {
            out.printf("T = %d, %d threads: forward %.1f ms; clean + corrupted runs %.1f ms%n", t, nThreads, ms(forward), ms(baseRuns));
            out.printf("z + resid_pre sweep, %d patches: %.1f ms, %d blocks (naive rerun of every patch: %.1f ms, %d blocks)%n", patches,
                    ms(sweep), counted.layerForwards(), ms(naive), (long) patches * c.nLayers());
            out.printf("attribution patching (clean forward, corrupted forward + backward, sums): %.1f ms = %.2f forwards%n",
                    ms(attribution), attribution / forward);
        });
        return 0;
    }

    /** Every patch of the sweep as a whole hooked forward of the corrupted prompt with all logits: what resuming saves. */
    private static void naiveSweep(Transformer model, PatchRuns runs, Config c, int[] corrupt) {
        int dm = c.dModel();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                String name = Site.Z.hookName(l);
                int head = h;
                float[] src = runs.clean(name).data();
                model.run(new int[][] {corrupt}, Hooks.none().with(name, (z, n) -> {
                    for (int p = 0; p < z.dim(1); p++) {
                        System.arraycopy(src, (p * c.nHeads() + head) * c.dHead(), z.data(), z.offset() + (p * c.nHeads() + head) * c.dHead(), c.dHead());
                    }
                    return z;
                }));
            }
            for (int p = 0; p < corrupt.length; p++) {
                String name = Site.RESID_PRE.hookName(l);
                int pos = p;
                float[] src = runs.clean(name).data();
                model.run(new int[][] {corrupt}, Hooks.none().with(name, (resid, n) -> {
                    System.arraycopy(src, pos * dm, resid.data(), resid.offset() + pos * dm, dm);
                    return resid;
                }));
            }
        }
    }
}
