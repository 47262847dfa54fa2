/**
 * Output formats of the CLI. {@link org.vecformer.cli.render.Json} writes JSON. A report is plain data
 * ({@link org.vecformer.cli.render.Report} of {@link org.vecformer.cli.render.Section}s: text, loss curves, attention
 * patterns, tables, labelled matrices) that {@link org.vecformer.cli.render.HtmlReport} turns into one self-contained
 * HTML page (inline CSS, script and JSON data, nothing fetched) and {@link org.vecformer.cli.render.PngHeatmap} into
 * PNG heatmaps. Commands fill in the data; the look lives here and in report.css / report.js beside this package's
 * classes. Tokens are shown with visible whitespace ({@link org.vecformer.cli.render.Tokens}).
 */
package org.vecformer.cli.render;
