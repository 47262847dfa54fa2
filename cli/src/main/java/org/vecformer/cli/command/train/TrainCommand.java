package org.vecformer.cli.command.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.vecformer.cli.OutputPaths;
import org.vecformer.cli.UsageException;
import org.vecformer.engine.io.SafetensorsFile;
import org.vecformer.model.io.ModelFile;
import org.vecformer.model.io.Snapshots;
import org.vecformer.model.tokenize.BpeTokenizer;
import org.vecformer.model.tokenize.CharTokenizer;
import org.vecformer.model.tokenize.IdTokenizer;
import org.vecformer.model.tokenize.Tokenizer;
import org.vecformer.model.train.Checkpoint;
import org.vecformer.model.train.LossCurve;
import org.vecformer.model.train.MemoryEstimate;
import org.vecformer.model.train.TrainConfig;
import org.vecformer.model.train.Trainer;
import org.vecformer.model.transformer.Config;
import org.vecformer.model.transformer.PositionalEmbedding;
import org.vecformer.model.transformer.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.vecformer.cli.command.ProgressLine;
import org.vecformer.cli.command.ThreadsOption;
import org.vecformer.cli.command.Words;

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

    @Option(names = "--data", arity = "1..*", paramLabel = "PATH", description = {"Data of --task tokens (one file of ids) or text (UTF-8; one file, one token per",
            "character, or with --tokenizer files, directories, .gz and .dz forming one corpus, tokenized once into a cache, see README)."})
    List<Path> data;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer.json (byte-level BPE) for --task text; the model stores it.")
    Path tokenizer;

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

    @Option(names = "--positional", paramLabel = "KIND", description = {"TransformerLens positional_embedding_type: standard (W_pos added to the residual",
            "stream; default) or shortformer (W_pos added to the input of Q and K only, as in the attn-only-Nl models; a",
            "previous-token head then needs no room in the residual stream)."})
    String positional;

    @Option(names = "--vocab", paramLabel = "V", description = "Vocabulary (default: bigram 16, skip-trigram 32, induction 64; files: from the data). Character text: at most V"
                    + " tokens, the V-1 most frequent characters (ties: smaller code point) and U+FFFD for every other character.")
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

    @Option(names = "--save-every", paramLabel = "N",
            description = "Also write the model every N steps (and at step 0 of a fresh run and at the last) as DIR/tokens_<T>.safetensors, T = tokens seen = step × batch × n_ctx.")
    Integer saveEvery;

    @Option(names = "--snapshots", paramLabel = "DIR", description = "Folder of the --save-every snapshots (default MODEL.snapshots beside --out; created).")
    Path snapshots;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Model file to write (.safetensors); the CSV and checkpoint go beside it.")
    Path out;

    @Override
    public Integer call() throws IOException {
        int nThreads = threads.apply();
        OutputPaths.file("--out", out);
        Path base = out.toAbsolutePath();
        String stem = base.getFileName().toString().replaceFirst("\\.safetensors$", "");
        Path csv = base.resolveSibling(stem + ".loss.csv"), ckptPath = base.resolveSibling(stem + ".ckpt.safetensors");
        for (Path beside : List.of(csv, ckptPath)) {
            if (Files.isDirectory(beside)) throw new UsageException("--out " + out + " writes " + beside + ", which is a directory");
        }
        if (trace != null) OutputPaths.file("--trace", trace);
        if (snapshots != null && saveEvery == null) throw new UsageException("--snapshots names the folder of --save-every N; give --save-every too");
        Path snapshotDir = null;
        if (saveEvery != null) {
            positive("--save-every", saveEvery);
            snapshotDir = snapshots != null ? snapshots : base.resolveSibling(stem + ".snapshots");
            OutputPaths.directory(snapshots != null ? "--snapshots" : "--save-every", snapshotDir);
        }
        Trainer trainer;
        TrainTrace recorder = null;
        TrainTask spec;
        TrainTask.Data d;
        Path resumedFrom = null;
        if (resume != null) {
            for (Object given : new Object[] {task, data, tokenizer, layers, dModel, heads, dHead, ctx, positional, vocab, batch, lr, warmup, accumulation, initStd, seed}) {
                if (given != null) {
                    throw new UsageException("--resume takes the model, task and hyper-parameters from the checkpoint; give only --steps, --threads, --out");
                }
            }
            if (trace != null) throw new UsageException("--trace records a run from its initial weights; it does not combine with --resume");
            notOverwritten("--resume", resume, base, csv);
            checkMemoryOfCheckpoint(resume, nThreads);
            Checkpoint ck = Checkpoint.load(resume);
            String taskJson = ck.metadata().get(TrainTask.KEY);
            if (taskJson == null) throw new UsageException(resume + " was not written by vecformer train (no task in its metadata)");
            spec = TrainTask.fromJson(taskJson);
            TrainConfig tc = steps == null ? ck.train() : ck.train().withSteps(positive("--steps", steps));
            if (tc.steps() <= ck.step()) {
                throw new UsageException(steps == null
                        ? "the checkpoint " + resume + " is at step " + ck.step() + ", the end of its run: give --steps > " + ck.step() + " to train further"
                        : "the checkpoint is at step " + ck.step() + "; --steps " + steps + " would train nothing: give --steps > " + ck.step());
            }
            d = spec.open(tc.evalSize(), this.spec.commandLine().getErr());
            trainer = Trainer.resume(ck, tc, d.train(), d.heldOut());
            resumedFrom = resume.toAbsolutePath();
        } else {
            if (task == null) throw new UsageException("give --task (" + String.join(", ", TrainTask.NAMES) + ") or --resume CKPT");
            if (!TrainTask.NAMES.contains(task)) throw new UsageException("--task must be one of " + String.join(", ", TrainTask.NAMES) + ", not '" + task + "'");
            boolean file = task.equals("tokens") || task.equals("text");
            if (file && data == null) throw new UsageException("--task " + task + " needs --data " + (task.equals("text") ? "PATH" : "FILE"));
            if (!file && data != null) throw new UsageException("--data is only for --task tokens or text");
            boolean bpe = tokenizer != null;
            if (bpe && !task.equals("text")) throw new UsageException("--tokenizer is only for --task text");
            List<Path> paths = file ? data : List.of();
            if (!bpe && paths.size() > 1) throw new UsageException(TrainTask.onePath(task, paths.size()));
            for (Path p : paths) {
                if (bpe ? !Files.exists(p) : !Files.isRegularFile(p)) throw new UsageException("--data " + p + ": no such " + (bpe ? "file or directory" : "file"));
            }
            if (bpe && !Files.isRegularFile(tokenizer)) throw new UsageException("--tokenizer " + tokenizer + ": no such file");
            for (Path p : paths) notOverwritten("--data", p, base, csv, ckptPath, trace);
            if (bpe && vocab != null) throw new UsageException("--vocab does not apply to --tokenizer (the vocabulary is the tokenizer's)");
            int n = positive("--ctx", ctx == null ? 64 : ctx);
            int v = vocab == null ? (file ? 0 : TrainTask.defaultVocab(task)) : positive("--vocab", vocab);
            long s = seed == null ? 1 : seed;
            TrainConfig tc = trainConfig(s);
            // a synthetic task's vocabulary is known now: refuse an impossible run before drawing its held-out batch
            if (v > 0) checkMemory(modelConfig(v, n), tc, nThreads, trace != null);
            try {
                d = new TrainTask(task, paths, tokenizer, v, n, s).open(tc.evalSize(), this.spec.commandLine().getErr());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            spec = new TrainTask(task, paths.stream().map(Path::toAbsolutePath).toList(), bpe ? tokenizer.toAbsolutePath() : null, d.train().dVocab(), n, s);
            Config c = modelConfig(d.train().dVocab(), n);
            if (v == 0) {
                warnSparseVocabulary(this.spec.commandLine().getErr(), d);
                checkMemory(c, tc, nThreads, trace != null);
            }
            Weights initial = Weights.init(c, s, tc.initStd());
            if (trace != null) {
                recorder = new TrainTrace(d.train(), initial);
                trainer = new Trainer(initial, tc, recorder, d.heldOut());
            } else {
                trainer = new Trainer(initial, tc, d.train(), d.heldOut());
            }
        }
        Consumer<Trainer.Progress> listener = recorder == null ? p -> {} : recorder::add;
        if (snapshotDir != null) {
            OutputPaths.create(snapshotDir);
            int every = saveEvery;
            listener = listener.andThen(snapshotWriter(trainer, d, snapshotDir, step -> step % every == 0));
        }
        train(this.spec.commandLine().getOut(), this.spec.commandLine().getErr(), trainer, spec, d, csv, ckptPath, base, resumedFrom, nThreads,
                listener);
        if (recorder != null) {
            recorder.save(trace, trainer.config());
            this.spec.commandLine().getOut().println("wrote the trace " + trace.toAbsolutePath());
        }
        return 0;
    }

    /**
     * Writes the model as {@link Snapshots} at the steps {@code at} accepts and at the last, named by tokens seen
     * (step · batch · n_ctx); a fresh run also writes its initial weights (tokens_0) now, before the first step.
     */
    static Consumer<Trainer.Progress> snapshotWriter(Trainer trainer, TrainTask.Data d, Path dir, IntPredicate at) throws IOException {
        long tokensPerStep = (long) trainer.config().batch() * d.train().nCtx();
        Optional<Tokenizer> tokenizer = d.tokenizer();
        if (trainer.stepsDone() == 0) Snapshots.save(dir, 0, new ModelFile(trainer.weights(), tokenizer));
        return p -> {
            if (!at.test(p.step()) && p.step() != trainer.config().steps()) return;
            try {
                Snapshots.save(dir, p.step() * tokensPerStep, new ModelFile(trainer.weights(), tokenizer));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Refuses an input file that an output of the run would replace. */
    private static void notOverwritten(String option, Path input, Path... outputs) throws IOException {
        for (Path o : outputs) {
            if (o != null && Files.exists(o) && Files.isSameFile(input, o)) {
                throw new UsageException(option + " " + input + " would be overwritten by the run's output " + o + "; give another --out");
            }
        }
    }

    /**
     * Refuses a run whose {@link MemoryEstimate} cannot fit: a buffer beyond a Java array's reach (usage error) or a
     * peak beyond the heap left (failure), naming the -Xmx that would do.
     */
    static void checkMemory(Config c, TrainConfig tc, int nThreads, boolean trace) {
        MemoryEstimate e = MemoryEstimate.of(c, tc, nThreads, trace);
        if (e.largestArray() > MemoryEstimate.MAX_ARRAY) {
            throw new UsageException(String.format("one buffer of this run (the attention patterns or logits of a shard) would hold %,d floats,"
                    + " more than a Java array can (%,d): lower --ctx, --batch or --vocab", e.largestArray(), MemoryEstimate.MAX_ARRAY));
        }
        Runtime rt = Runtime.getRuntime();
        long max = rt.maxMemory(), used = rt.totalMemory() - rt.freeMemory();
        if (!e.fits(max - used)) {
            long gb = (long) Math.ceil((e.bytes() / MemoryEstimate.HEADROOM + used) / (1L << 30));
            throw new IllegalStateException("this run needs ~" + MemoryEstimate.human(e.bytes()) + " of memory, the JVM may use "
                    + MemoryEstimate.human(max) + " (raise with VECFORMER_JAVA_OPTS=-Xmx" + gb + "g, or lower --ctx, --batch, --d-model or the vocabulary)");
        }
    }

    /** {@link #checkMemory} for resuming {@code ckpt}, from its header alone (a file it cannot parse is left to {@link Checkpoint#load}). */
    private void checkMemoryOfCheckpoint(Path ckpt, int nThreads) {
        Config c;
        TrainConfig tc;
        try (SafetensorsFile f = SafetensorsFile.open(ckpt)) {
            c = Config.fromJson(f.metadata().get(ModelFile.CONFIG_KEY));
            tc = TrainConfig.fromJson(f.metadata().get(Checkpoint.TRAIN_KEY));
        } catch (IOException | RuntimeException unreadable) {
            return;
        }
        checkMemory(c, steps == null || steps < 1 ? tc : tc.withSteps(steps), nThreads, false);
    }

    /**
     * Warns (one line on {@code err}) when a token file's inferred vocabulary, max id + 1, is far larger than the
     * ids it uses: every unused id still costs a row of W_E and a column of W_U, with their gradients and moments.
     */
    static void warnSparseVocabulary(PrintWriter err, TrainTask.Data d) {
        int vocab = d.train().dVocab(), used = d.distinctIds();
        if (used > 0 && vocab >= 2L * used && vocab - used >= SPARSE_VOCABULARY_GAP) {
            err.printf("vecformer: warning: the largest token id is %,d but only %,d distinct ids occur; d_vocab %,d gives W_E and W_U %,d unused rows"
                    + " (renumber the ids from 0)%n", vocab - 1, used, vocab, vocab - used);
            err.flush();
        }
    }

    /** Unused ids that make an inferred vocabulary worth a warning (and at least as many as are used). */
    static final int SPARSE_VOCABULARY_GAP = 1000;

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
            Config c = Config.of(l, dm, h, e, n, v);
            return positional == null ? c : c.withPositionalEmbedding(positionalKind(positional));
        } catch (IllegalArgumentException ex) {
            throw new UsageException(ex.getMessage());
        }
    }

    /** The kind a {@code --positional} value names (TransformerLens' name), or the usage error that says which names there are. */
    static PositionalEmbedding positionalKind(String positional) {
        try {
            return PositionalEmbedding.fromTl(positional);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--positional must be standard or shortformer, not \"" + positional + "\"");
        }
    }

    private static int positive(String flag, int value) {
        if (value < 1) throw new UsageException(flag + " must be >= 1, not " + value);
        return value;
    }

    /**
     * Runs {@code trainer} to its last step, printing progress to {@code o} (one updating line on a terminal, a line
     * per evaluation otherwise), appending to the loss CSV, checkpointing at each evaluation and handing each step to {@code listener}; then writes the model.
     * Stopped by a signal before its end, it says on {@code err} where the checkpoint stands ({@link TrainInterrupt});
     * {@code resumedFrom} is the checkpoint the run continues (null for a fresh run).
     */
    static void train(PrintWriter o, PrintWriter err, Trainer trainer, TrainTask task, TrainTask.Data d, Path csv, Path ckptPath, Path model,
                      Path resumedFrom, int nThreads, Consumer<Trainer.Progress> listener)
            throws IOException {
        boolean terminal = ProgressLine.onTerminal();
        TrainConfig tc = trainer.config();
        Config c = trainer.weights().config();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(TrainTask.KEY, task.toJson());
        d.tokenizer().ifPresent(t -> meta.put(ModelFile.TOKENIZER_KEY, switch (t) {
            case CharTokenizer chars -> chars.toJson();
            case BpeTokenizer bpe -> bpe.toJson();
            case IdTokenizer ids -> throw new IllegalStateException("raw ids are not a stored tokenizer");
        }));
        o.println(header(trainer, task, nThreads));
        long start = System.nanoTime();
        int first = trainer.stepsDone();
        TrainInterrupt interrupt = new TrainInterrupt(tc.steps(), model, first, resumedFrom, first);
        Thread hook = interrupt.install(err);
        RecentRate rate = new RecentRate(start);
        double tokensPerStep = (double) tc.batch() * d.train().nCtx();
        double smooth = Double.NaN;
        try (LossCurve curve = first == 0 ? LossCurve.create(csv) : LossCurve.resume(csv, first)) {
            while (!trainer.done()) {
                Trainer.Progress p = trainer.step();
                curve.add(p);
                listener.accept(p);
                interrupt.stepDone(p.step());
                if (!Double.isFinite(p.trainLoss())) {
                    throw new IllegalStateException("training diverged at step " + p.step() + ": the loss is " + p.trainLoss()
                            + " (the model file is not written); lower --lr, " + tc.lr() + " now");
                }
                rate.step(System.nanoTime());
                smooth = Double.isNaN(smooth) ? p.trainLoss() : 0.9 * smooth + 0.1 * p.trainLoss();
                String line = String.format("step %d/%d  loss %.4f  %,.0f tokens/s  ETA %s", p.step(), tc.steps(), smooth,
                        rate.perSecond(tokensPerStep), Words.duration(rate.secondsPerStep() * (tc.steps() - p.step())));
                boolean eval = !Double.isNaN(p.heldOutLoss());
                if (eval) {
                    line += String.format("  held-out %.4f", p.heldOutLoss());
                    Checkpoint ck = trainer.checkpoint(meta);
                    interrupt.saving().lock();
                    try {
                        ck.save(ckptPath);
                        interrupt.saved(ckptPath, p.step());
                    } finally {
                        interrupt.saving().unlock();
                    }
                }
                if (terminal) {
                    o.print("\r" + line + (eval ? "\n" : ""));
                    o.flush();
                } else if (eval) {
                    o.println(line);
                }
            }
            interrupt.saving().lock();
            try {
                new ModelFile(trainer.weights(), d.tokenizer()).save(model);
                interrupt.finish();
            } finally {
                interrupt.saving().unlock();
            }
        } catch (IOException | RuntimeException | Error e) {
            // a fresh run that fails before its first checkpoint leaves nothing to resume, so no loss curve either
            if (first == 0 && !interrupt.checkpointed()) Files.deleteIfExists(csv);
            throw e;
        } finally {
            TrainInterrupt.remove(hook);
        }
        double secs = (System.nanoTime() - start) * 1e-9;
        o.printf("done in %s; wrote %s, %s, %s%n", Words.duration(secs), model, csv, ckptPath);
    }

    /** {@link #train(PrintWriter, PrintWriter, Trainer, TrainTask, TrainTask.Data, Path, Path, Path, Path, int, Consumer)} of a fresh run. */
    static void train(PrintWriter o, PrintWriter err, Trainer trainer, TrainTask task, TrainTask.Data d, Path csv, Path ckptPath, Path model,
                      int nThreads, Consumer<Trainer.Progress> listener) throws IOException {
        train(o, err, trainer, task, d, csv, ckptPath, model, null, nThreads, listener);
    }

    /**
     * The run's first line: "training 2-layer d_model 64, 4 heads of 16, n_ctx 64, d_vocab 64 (46,016 parameters) on
     * induction: steps 1..800, batch 32, lr 0.002, warm-up 40, init std 0.02, 2 threads"; a zero-layer model has no
     * heads to name, accumulation adds "(A micro-batches of B/A)", positions kept out of the residual stream add
     * "(shortformer positions)" after n_ctx.
     */
    static String header(Trainer trainer, TrainTask task, int nThreads) {
        TrainConfig tc = trainer.config();
        Config c = trainer.weights().config();
        String heads = c.nLayers() == 0 ? "" : String.format(", %s of %d", Words.plural(c.nHeads(), "head"), c.dHead());
        String micro = tc.accumulation() == 1 ? "" : String.format(" (%d micro-batches of %d)", tc.accumulation(), tc.microBatch());
        String positions = c.positionalEmbedding().addsToResidual() ? "" : " (" + c.positionalEmbedding().tlName() + " positions)";
        return String.format("training %d-layer d_model %d%s, n_ctx %d%s, d_vocab %,d (%,d parameters) on %s: steps %d..%d, batch %d%s, lr %s,"
                        + " warm-up %d, init std %s, %s",
                c.nLayers(), c.dModel(), heads, c.nCtx(), positions, c.dVocab(), trainer.weights().parameterCount(), task.name(),
                trainer.stepsDone() + 1, tc.steps(), tc.batch(), micro, tc.lr(), tc.warmup(), tc.initStd(), Words.plural(nThreads, "thread"));
    }
}
