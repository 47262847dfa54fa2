package org.vecformer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shell lookup that ./vecformer, ./mvnw and .ci/run share finds a JDK 25 however the caller's environment is set. */
class JdkLookupTest {
    private static final Path SCRIPT = Path.of("..", ".mvn", "jdk.sh").toAbsolutePath().normalize();

    private static String lookup(String javaHome, String path) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", ". \"$0\" && vecformer_jdk_home", SCRIPT.toString());
        pb.environment().put("PATH", path);
        if (javaHome == null) pb.environment().remove("JAVA_HOME");
        else pb.environment().put("JAVA_HOME", javaHome);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    private static int major(String home) throws IOException {
        for (String line : Files.readAllLines(Path.of(home, "release"))) {
            if (line.startsWith("JAVA_VERSION=\"")) return Integer.parseInt(line.substring(14).split("[.\"]")[0]);
        }
        throw new IOException("no JAVA_VERSION in " + home + "/release");
    }

    @Test
    void theRunningJdkIsFoundThroughJavaHome() throws Exception {
        String self = System.getProperty("java.home");
        assertEquals(Path.of(self).toRealPath(), Path.of(lookup(self, "/usr/bin:/bin")).toRealPath());
    }

    @Test
    void aTooOldOrBrokenJavaHomeIsPassedOverForAJdk25() throws Exception {
        String found = lookup("/nonexistent/jdk", "/usr/bin:/bin");
        assertEquals(true, major(found) >= 25, found);
    }
}
