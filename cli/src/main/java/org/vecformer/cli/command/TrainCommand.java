package org.vecformer.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.vecformer.cli.UsageException;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.tokenize.Tokenizer;
import org.vecformer.model.train.Checkpoint;
import org.vecformer.model.train.LossCurve;
import org.vecformer.model.train.TrainConfig;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vecformer train}: trains a model on a task and writes MODEL.safetensors, its loss curve MODEL.loss.csv
 * and a checkpoint MODEL.ckpt.safetensors (model + optimiser + data position; {@code --resume} continues it
 * bit-exactly).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train an attention-only transformer on a task; writes the model, its loss curve (CSV) and a checkpoint.")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--task", paramLabel = "TASK", description = "bigram | skip-trigram | induction | tokens | text.")
    String task;

    @Option(names = "--data", paramLabel = "FILE", description = "Data of --task tokens (ids) or text (UTF-8, one token per character).")
    Path data;

    @Option(names = "--layers", paramLabel = "N", description = "Layers (default: bigram 0, skip-trigram 1, otherwise 2).")
    Integer layers;

    @Option(names = "--d-model", paramLabel = "D", description = "Residual width (default 64).")
    Integer dModel;

    @Option(names = "--heads", paramLabel = "H", description = "Heads per layer (default 4).")
    Integer heads;

    @Option(names = "--d-head", paramLabel = "E", description = "Head width (default d_model / heads).")
    Integer dHead;

    @Option(names = "--ctx", paramLabel = "C", description = "Context n_ctx (default 64).")
    Integer ctx;

    @Option(names = "--vocab", paramLabel = "V", description = "Vocabulary (default: bigram 16, skip-trigram 32, induction 64; files: from the data).")
    Integer vocab;

    @Option(names = "--steps", paramLabel = "S", description = "Total optimisation steps (default: bigram 300, skip-trigram 600, induction 800, files 1000; with --resume: the checkpoint's).")
    Integer steps;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences per step (default 32).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate of the warm-up + cosine schedule (default 2e-3).")
    Double lr;

    @Option(names = "--warmup", paramLabel = "W", description = "Linear warm-up steps before the cosine decay (default --steps / 20, rounded down).")
    Integer warmup;

    @Option(names = "--accumulation", paramLabel = "A", description = "Micro-batches per step whose gradients add up; --batch must be a multiple (default 1).")
    Integer accumulation;

    @Option(names = "--init-std", paramLabel = "X", description = "Standard deviation of the initial weight matrices (default 0.02).")
    Double initStd;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initialisation and the data (default 1).")
    Long seed;

    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue the run saved in this checkpoint (model and task come from it).")
    Path resume;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Also write FILE (safetensors): the initial weights and every step's tokens, loss and lr, to replay the run elsewhere (bench/compare/torch_train.py --check).")
    Path trace;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Model file to write (.safetensors); the CSV and checkpoint go beside it.")
    Path out;

    @Override
    public Integer call() throws IOException {
        int nThreads = threads.apply();
        Path base = out.toAbsolutePath();
        String stem = base.getFileName().toString().replaceFirst("\\.safetensors$", "");
        if (base.getParent() != null && !Files.isDirectory(base.getParent())) {
            throw new UsageException("--out " + out + ": the directory " + base.getParent() + " does not exist");
        }
        Path csv = base.resolveSibling(stem + ".loss.csv"), ckptPath = base.resolveSibling(stem + ".ckpt.safetensors");
        Trainer trainer;
        TrainTrace recorder = null;
        TrainTask spec;
        TrainTask.Data d;
        if (resume != null) {
            for (Object given : new Object[] {task, data, layers, dModel, heads, dHead, ctx, vocab, batch, lr, warmup, accumulation, initStd, seed}) {
                if (given != null) {
                    throw new UsageException("--resume takes the model, task and hyper-parameters from the checkpoint; give only --steps, --threads, --out");
                }
            }
            if (trace != null) throw new UsageException("--trace records a run from its initial weights; it does not combine with --resume");
            Checkpoint ck = Checkpoint.load(resume);
            String taskJson = ck.metadata().get(TrainTask.KEY);
            if (taskJson == null) throw new UsageException(resume + " was not written by vecformer train (no task in its metadata)");
            spec = TrainTask.fromJson(taskJson);
            TrainConfig tc = steps == null ? ck.train() : ck.train().withSteps(positive("--steps", steps));
            d = spec.open(tc.evalSize());
            trainer = Trainer.resume(ck, tc, d.train(), d.heldOut());
        } else {
            if (task == null) throw new UsageException("give --task (" + String.join(", ", TrainTask.NAMES) + ") or --resume CKPT");
            if (!TrainTask.NAMES.contains(task)) throw new UsageException("--task must be one of " + String.join(", ", TrainTask.NAMES) + ", not '" + task + "'");
            boolean file = task.equals("tokens") || task.equals("text");
            if (file && data == null) throw new UsageException("--task " + task + " needs --data FILE");
            if (!file && data != null) throw new UsageException("--data is only for --task tokens or text");
            if (file && !Files.isRegularFile(data)) throw new UsageException("--data " + data + ": no such file");
            if (task.equals("text") && vocab != null) throw new UsageException("--vocab does not apply to --task text (the vocabulary is the file's characters)");
            int n = positive("--ctx", ctx == null ? 64 : ctx);
            int v = vocab == null ? (file ? 0 : TrainTask.defaultVocab(task)) : positive("--vocab", vocab);
            long s = seed == null ? 1 : seed;
            TrainConfig tc = trainConfig(s);
            try {
                d = new TrainTask(task, data, v, n, s).open(tc.evalSize());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            spec = new TrainTask(task, data == null ? null : data.toAbsolutePath(), d.train().dVocab(), n, s);
            Config c = modelConfig(d.train().dVocab(), n);
            Weights initial = Weights.init(c, s, tc.initStd());
            if (trace != null) {
                Path dir = trace.toAbsolutePath().getParent();
                if (!Files.isDirectory(dir)) throw new UsageException("--trace " + trace + ": the directory " + dir + " does not exist");
                recorder = new TrainTrace(d.train(), initial);
                trainer = new Trainer(initial, tc, recorder, d.heldOut());
            } else {
                trainer = new Trainer(initial, tc, d.train(), d.heldOut());
            }
        }
        train(this.spec.commandLine().getOut(), trainer, spec, d, csv, ckptPath, base, nThreads, recorder == null ? p -> {} : recorder::add);
        if (recorder != null) {
            recorder.save(trace, trainer.config());
            this.spec.commandLine().getOut().println("wrote the trace " + trace.toAbsolutePath());
        }
        return 0;
    }

    private TrainConfig trainConfig(long s) {
        int st = positive("--steps", steps == null ? TrainTask.defaultSteps(task) : steps), b = positive("--batch", batch == null ? 32 : batch);
        double rate = lr == null ? 2e-3 : lr;
        if (!(rate > 0) || Double.isInfinite(rate)) throw new UsageException("--lr must be > 0, not " + rate);
        TrainConfig tc = TrainConfig.of(st, b, rate, s);
        if (warmup != null) {
            if (warmup < 0 || warmup > st) throw new UsageException("--warmup must be between 0 and --steps " + st + ", not " + warmup);
            tc = tc.withWarmup(warmup);
        }
        if (accumulation != null) {
            int a = positive("--accumulation", accumulation);
            if (b % a != 0) throw new UsageException("--batch " + b + " is not a multiple of --accumulation " + a + "; pick a divisor of the batch");
            tc = tc.withAccumulation(a);
        }
        if (initStd != null) {
            if (!(initStd >= 0) || Double.isInfinite(initStd)) throw new UsageException("--init-std must be a finite number >= 0, not " + initStd);
            tc = tc.withInitStd(initStd);
        }
        return tc;
    }

    private Config modelConfig(int v, int n) {
        int l = layers == null ? TrainTask.defaultLayers(task) : layers;
        if (l < 0) throw new UsageException("--layers must be >= 0, not " + l);
        int dm = positive("--d-model", dModel == null ? 64 : dModel), h = positive("--heads", heads == null ? 4 : heads);
        if (dHead == null && dm % h != 0) throw new UsageException("--d-model " + dm + " is not a multiple of --heads " + h + "; give --d-head");
        int e = positive("--d-head", dHead == null ? dm / h : dHead);
        try {
            return Config.of(l, dm, h, e, n, v);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(ex.getMessage());
        }
    }

    private static int positive(String flag, int value) {
        if (value < 1) throw new UsageException(flag + " must be >= 1, not " + value);
        return value;
    }

    /**
     * Runs {@code trainer} to its last step, printing progress to {@code o} (one updating line on a terminal, a line
     * per evaluation otherwise), appending to the loss CSV, checkpointing at each evaluation and handing each step to {@code listener}; then writes the model.
     */
    static void train(PrintWriter o, Trainer trainer, TrainTask task, TrainTask.Data d, Path csv, Path ckptPath, Path model, int nThreads,
                      Consumer<Trainer.Progress> listener)
            throws IOException {
        boolean terminal = ProgressLine.onTerminal();
        TrainConfig tc = trainer.config();
        Config c = trainer.weights().config();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(TrainTask.KEY, task.toJson());
        d.chars().ifPresent(t -> meta.put(ModelFile.TOKENIZER_KEY, t.toJson()));
        o.printf("training %d-layer d_model %d, %d heads of %d, n_ctx %d, d_vocab %d (%,d parameters) on %s: steps %d..%d, batch %d"
                        + " (%d micro-batches), lr %s, warm-up %d, init std %s, %d threads%n",
                c.nLayers(), c.dModel(), c.nHeads(), c.dHead(), c.nCtx(), c.dVocab(), trainer.weights().parameterCount(), task.name(),
                trainer.stepsDone() + 1, tc.steps(), tc.batch(), tc.accumulation(), tc.lr(), tc.warmup(), tc.initStd(), nThreads);
        long start = System.nanoTime();
        int first = trainer.stepsDone();
        double smooth = Double.NaN;
        try (LossCurve curve = first == 0 ? LossCurve.create(csv) : LossCurve.resume(csv, first)) {
            while (!trainer.done()) {
                Trainer.Progress p = trainer.step();
                curve.add(p);
                listener.accept(p);
                smooth = Double.isNaN(smooth) ? p.trainLoss() : 0.9 * smooth + 0.1 * p.trainLoss();
                double elapsed = (System.nanoTime() - start) * 1e-9;
                int done = p.step() - first;
                double tokens = (double) done * tc.batch() * d.train().nCtx();
                String line = String.format("step %d/%d  loss %.4f  %,.0f tokens/s  ETA %s", p.step(), tc.steps(), smooth,
                        tokens / elapsed, duration(elapsed / done * (tc.steps() - p.step())));
                boolean eval = !Double.isNaN(p.heldOutLoss());
                if (eval) {
                    line += String.format("  held-out %.4f", p.heldOutLoss());
                    trainer.checkpoint(meta).save(ckptPath);
                }
                if (terminal) {
                    o.print("\r" + line + (eval ? "\n" : ""));
                    o.flush();
                } else if (eval) {
                    o.println(line);
                }
            }
        }
        new ModelFile(trainer.weights(), d.chars().map(Tokenizer.class::cast)).save(model);
        double secs = (System.nanoTime() - start) * 1e-9;
        o.printf("done in %s; wrote %s, %s, %s%n", duration(secs), model, csv, ckptPath);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : s / 60 + "m" + String.format("%02d", s % 60) + "s";
    }
}
