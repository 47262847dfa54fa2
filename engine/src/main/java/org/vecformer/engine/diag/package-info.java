/**
 * Diagnostics and contenders, not kernels: {@link org.vecformer.engine.diag.BestOf} (the quick timing harness of
 * {@code vecformer bench}, the perf guard and the probe), {@link org.vecformer.engine.diag.SimdProbe} (is the Vector API intrinsified
 * here?), {@link org.vecformer.engine.diag.FmaPeak} (the FMA ceiling behind "% of peak"), and
 * {@link org.vecformer.engine.diag.JdkVectorExp} (the JDK's lanewise exp, measured against our kernel). Nothing on a
 * production path calls them; {@code vecformer info} and the bench commands do.
 */
package org.vecformer.engine.diag;
