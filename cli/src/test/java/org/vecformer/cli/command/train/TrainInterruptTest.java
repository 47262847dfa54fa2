package org.vecformer.cli.command.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecformer.model.train.Checkpoint;

class TrainInterruptTest {
    @TempDir
    Path dir;

    @Test
    void theMessageFollowsTheRunsProgress() {
        Path model = Path.of("/runs/m.safetensors"), ckpt = Path.of("/runs/m.ckpt.safetensors");
        TrainInterrupt fresh = new TrainInterrupt(800, model, 0, null, 0);
        fresh.stepDone(37);
        assertEquals("interrupted after step 37 of 800; no checkpoint was written yet, so there is nothing to resume: start again", fresh.message());
        fresh.saved(ckpt, 80);
        fresh.stepDone(95);
        assertEquals("interrupted after step 95 of 800; the checkpoint holds step 80: resume with"
                + " `vecformer train --resume /runs/m.ckpt.safetensors --out /runs/m.safetensors`", fresh.message());
        // a resumed run points at the checkpoint it came from until it writes its own
        TrainInterrupt resumed = new TrainInterrupt(3000, model, 2000, Path.of("/old/run.ckpt.safetensors"), 2000);
        resumed.stepDone(2001);
        assertTrue(resumed.message().endsWith("the checkpoint holds step 2000: resume with `vecformer train --resume /old/run.ckpt.safetensors"
                + " --out /runs/m.safetensors`"), resumed.message());
    }

    @Test
    void theHookWaitsForACheckpointBeingSavedAndIsQuietAfterTheEnd() throws InterruptedException {
        StringWriter text = new StringWriter();
        TrainInterrupt run = new TrainInterrupt(100, Path.of("m.safetensors"), 0, null, 0);
        run.stepDone(10);
        Thread hook = run.install(new PrintWriter(text, true));
        TrainInterrupt.remove(hook);
        run.saving().lock();
        Thread signal = new Thread(hook::run);
        signal.start();
        signal.join(300);
        assertTrue(signal.isAlive() && text.toString().isEmpty(), "the hook waits while a checkpoint is written");
        run.saved(Path.of("m.ckpt.safetensors"), 10);
        run.saving().unlock();
        signal.join(10_000);
        assertEquals("vecformer: interrupted after step 10 of 100; the checkpoint holds step 10: resume with"
                + " `vecformer train --resume m.ckpt.safetensors --out m.safetensors`\n", text.toString().replace(System.lineSeparator(), "\n"));

        StringWriter quiet = new StringWriter();
        TrainInterrupt done = new TrainInterrupt(100, Path.of("m.safetensors"), 0, null, 0);
        Thread end = done.install(new PrintWriter(quiet, true));
        TrainInterrupt.remove(end);
        done.finish();
        end.run();
        assertEquals("", quiet.toString());
    }

    /** A real SIGINT to a training JVM (SIGTERM if the process was started with SIGINT ignored, as background jobs of a shell are). */
    @Test
    void aSignalLeavesACheckpointToResumeFromAndSaysSo() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")), "needs kill(1)");
        Path model = dir.resolve("m.safetensors");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "org.vecformer.cli.Main", "train", "--task", "induction", "--layers", "1", "--d-model", "8", "--heads", "2", "--ctx", "10",
                "--batch", "4", "--steps", "20000", "--threads", "1", "--out", model.toString())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.contains("held-out")) break;                   // the first checkpoint is written
            }
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            if (!p.waitFor(10, TimeUnit.SECONDS)) new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run stops");
        } finally {
            p.destroyForcibly();
        }
        assertTrue(p.exitValue() == 130 || p.exitValue() == 143, "exit " + p.exitValue());
        List<String> err = Files.readAllLines(dir.resolve("err.txt")).stream().filter(l -> !l.startsWith("WARNING: Using incubator")).toList();
        assertEquals(1, err.size(), err.toString());
        Matcher m = Pattern.compile("vecformer: interrupted after step (\\d+) of 20000; the checkpoint holds step (\\d+): resume with"
                + " `vecformer train --resume (\\S+) --out (\\S+)`").matcher(err.getFirst());
        assertTrue(m.matches(), err.getFirst());
        int checkpointStep = Integer.parseInt(m.group(2));
        assertTrue(checkpointStep >= 2000 && checkpointStep % 2000 == 0 && Integer.parseInt(m.group(1)) >= checkpointStep, err.getFirst());
        assertEquals(checkpointStep, Checkpoint.load(Path.of(m.group(3))).step(), "the checkpoint named holds the step named");
        assertEquals(model.toAbsolutePath().toString(), m.group(4));
        assertFalse(Files.exists(model), "the model is written only at the end");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no temporary file is left");
        }
    }
}
