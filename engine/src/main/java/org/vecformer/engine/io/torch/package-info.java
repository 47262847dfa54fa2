/**
 * PyTorch checkpoints ({@code .pth}/{@code .pt} written by {@code torch.save} since 1.6): a safe, pure-Java
 * reader of their state dicts, {@link org.vecformer.engine.io.torch.TorchCheckpoint}.
 *
 * <p>Layout: a zip (entries usually STORED and 64-byte aligned, ZIP64 end records) holding
 * {@code <stem>/data.pkl}, a protocol-2 pickle of an OrderedDict whose tensors are
 * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)} with the
 * storage as a persistent id {@code ('storage', torch.FloatStorage, key, location, numel)};
 * {@code <stem>/data/<key>} the storage's raw elements; {@code <stem>/version}; optionally
 * {@code <stem>/byteorder} ("little" when absent) and {@code <stem>/.data/serialization_id}.
 */
package org.vecformer.engine.io.torch;
