package org.vecformer.cli.render;

import java.util.List;
import java.util.Objects;

/**
 * A report as plain data: a title, a subtitle (may be empty) and its sections in reading order. Rendered by
 * {@link HtmlReport}; the commands that make reports only fill this in.
 */
public record Report(String title, String subtitle, List<Section> sections) {
    public Report {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(subtitle, "subtitle");
        sections = List.copyOf(sections);
    }
}
