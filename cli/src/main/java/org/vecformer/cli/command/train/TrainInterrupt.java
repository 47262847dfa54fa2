package org.vecformer.cli.command.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.vecformer.cli.command.ProgressLine;

/**
 * What {@code vecformer train} says when it is stopped (Ctrl-C, SIGINT or SIGTERM): the step it was at, the step the
 * checkpoint holds and the command that resumes from it. The loop reports each finished step and each saved
 * checkpoint here; the JVM's shutdown hook ({@link #install}) prints {@link #message()}. A checkpoint being saved
 * when the signal arrives is finished first (the hook waits for {@link #saving()}, at most {@link #SAVE_WAIT_SECONDS}):
 * the file is written to a temporary name and renamed, so it is always the old or the new checkpoint, and waiting
 * for the rename leaves no temporary file behind.
 */
final class TrainInterrupt {
    /** Longest wait for a checkpoint being saved when the signal comes. */
    static final int SAVE_WAIT_SECONDS = 30;

    private final int totalSteps;
    private final Path model;
    private final ReentrantLock saving = new ReentrantLock();
    private volatile int stepsDone;
    private volatile int checkpointStep;
    private volatile Path checkpoint;
    private volatile boolean finished;

    /**
     * A run to {@code totalSteps} writing {@code model}, {@code stepsDone} steps in, whose latest checkpoint is
     * {@code checkpoint} at {@code checkpointStep} (null and 0 before the first).
     */
    TrainInterrupt(int totalSteps, Path model, int stepsDone, Path checkpoint, int checkpointStep) {
        this.totalSteps = totalSteps;
        this.model = model;
        this.stepsDone = stepsDone;
        this.checkpoint = checkpoint;
        this.checkpointStep = checkpointStep;
    }

    /** A step has finished. */
    void stepDone(int step) {
        stepsDone = step;
    }

    /** Held while a checkpoint is written; {@link #saved} after it. */
    ReentrantLock saving() {
        return saving;
    }

    /** The checkpoint {@code path} now holds step {@code step}. */
    void saved(Path path, int step) {
        checkpoint = path;
        checkpointStep = step;
    }

    /** True once this run (or the one it resumes) has a checkpoint. */
    boolean checkpointed() {
        return checkpoint != null;
    }

    /** The run reached its last step and wrote the model: nothing to say on exit. */
    void finish() {
        finished = true;
    }

    /** The line printed when the run is stopped before its end. */
    String message() {
        String at = "interrupted after step " + stepsDone + " of " + totalSteps + "; ";
        if (checkpoint == null) return at + "no checkpoint was written yet, so there is nothing to resume: start again";
        return at + "the checkpoint holds step " + checkpointStep + ": resume with `vecformer train --resume " + checkpoint + " --out " + model + "`";
    }

    /** Registers the shutdown hook that prints {@link #message()} on {@code err} unless the run {@link #finish}ed; returns it for {@link #remove}. */
    Thread install(PrintWriter err) {
        Thread hook = new Thread(() -> {
            if (finished) return;
            try {
                // kept until the JVM halts, so that no new save starts (and leaves a temporary file) meanwhile
                saving.tryLock(SAVE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (finished) return;
            if (ProgressLine.onTerminal()) err.println();
            err.println("vecformer: " + message());
            err.flush();
        }, "vecformer-train-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Unregisters the hook at the end of the run (in-process callers such as tests keep running). */
    static void remove(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting and runs the hook, which stays quiet for a finished run
        }
    }
}
