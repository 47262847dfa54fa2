/**
 * Safetensors model files: {@link org.vecformer.engine.io.SafetensorsFile} maps and validates one,
 * {@link org.vecformer.engine.io.SafetensorsWriter} writes F32 tensors atomically.
 *
 * <p>Layout: 8 bytes little-endian unsigned header length N, N bytes of UTF-8 JSON (an object starting with
 * {@code '{'}, possibly padded with spaces) mapping tensor names to {@code {"dtype", "shape", "data_offsets"}}
 * plus an optional {@code "__metadata__"} object of strings, then the data buffer, which the tensors'
 * {@code [begin, end)} offsets cover without overlaps or holes.
 */
package org.vecformer.engine.io;
