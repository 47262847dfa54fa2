package org.vecformer.engine.io.torch;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the fixtures written by src/test/resources/torch/make_fixtures.py. */
final class TorchFixtures {
    private TorchFixtures() {
    }

    static Path fixture(String name) {
        try {
            var url = TorchFixtures.class.getResource("/torch/" + name);
            if (url == null) throw new IllegalStateException("missing fixture torch/" + name + ": run make_fixtures.py");
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
