package org.vecformer.engine.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

/**
 * The checked contents of a safetensors header: metadata strings and the tensor entries in file order.
 * {@link #parse} trusts nothing: every field is type-checked and every byte range is checked against its
 * dtype and shape, the data buffer and the other ranges before a tensor is ever read.
 */
record SafetensorsHeader(Map<String, String> metadata, SequencedMap<String, SafetensorsTensor> tensors) {
    static final String METADATA = "__metadata__";
    private static final JSON JSON_READER = JSON.std.with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");

    /**
     * Parses and validates {@code header} (the N header bytes) of {@code file}, whose data buffer holds
     * {@code bufferSize} bytes.
     */
    static SafetensorsHeader parse(String file, byte[] header, long bufferSize) throws SafetensorsException {
        if (header.length == 0 || header[0] != '{') {
            throw new SafetensorsException(file, "header does not start with '{' — not a safetensors file");
        }
        Map<String, Object> root = json(file, utf8(file, header));
        Map<String, String> metadata = Map.of();
        SequencedMap<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                metadata = metadata(file, e.getValue());
            } else {
                tensors.put(e.getKey(), tensor(file, e.getKey(), e.getValue(), bufferSize));
            }
        }
        checkLayout(file, tensors.values(), bufferSize);
        return new SafetensorsHeader(metadata, Collections.unmodifiableSequencedMap(tensors));
    }

    private static String utf8(String file, byte[] header) throws SafetensorsException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, "header is not valid UTF-8 — the file is corrupt");
        }
    }

    private static Map<String, Object> json(String file, String text) throws SafetensorsException {
        try (JsonParser parser = JSON_READER.createParser(text)) {
            Map<String, Object> root = JSON_READER.mapFrom(parser);
            if (parser.nextToken() != null) {
                throw new SafetensorsException(file, "header has content after its JSON object (only space padding may follow)");
            }
            return root;
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new SafetensorsException(file, "header is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private static Map<String, String> metadata(String file, Object value) throws SafetensorsException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new SafetensorsException(file, "__metadata__ is not an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new SafetensorsException(file, "__metadata__ value of " + quote(e.getKey()) + " is not a string");
            }
            metadata.put((String) e.getKey(), s);
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static SafetensorsTensor tensor(String file, String name, Object value, long bufferSize)
            throws SafetensorsException {
        String where = "tensor " + quote(name) + ": ";
        if (!(value instanceof Map<?, ?> entry)) {
            throw new SafetensorsException(file, where + "entry is not an object");
        }
        for (Object key : entry.keySet()) {
            if (!FIELDS.contains(key)) throw new SafetensorsException(file, where + "unexpected field " + quote(key));
        }
        if (!(entry.get("dtype") instanceof String dtypeName)) {
            throw new SafetensorsException(file, where + "missing or non-string \"dtype\"");
        }
        Dtype dtype = Dtype.parse(dtypeName);
        if (dtype == null) {
            throw new SafetensorsException(file, where + "unknown dtype " + quote(dtypeName)
                    + " — expected one of " + Arrays.toString(Dtype.values()));
        }
        int[] shape = shape(file, where, entry.get("shape"));
        long[] offsets = offsets(file, where, entry.get("data_offsets"));
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (begin > end) throw new SafetensorsException(file, where + range + " are reversed (begin > end)");
        if (end > bufferSize) {
            throw new SafetensorsException(file, where + range + " reach past the data buffer of " + bufferSize
                    + " bytes — the file is truncated or the header is wrong");
        }
        SafetensorsTensor tensor = new SafetensorsTensor(name, dtype, shape, begin, end);
        long numel = tensor.numel();
        long high = Math.multiplyHigh(numel, dtype.size());
        long bytes = numel * dtype.size();
        if (high != 0 || bytes < 0 || bytes != end - begin) {
            throw new SafetensorsException(file, where + "shape " + brief(Arrays.toString(shape)) + " of " + dtype + " needs "
                    + (high != 0 || bytes < 0 ? "more than 2^63" : bytes) + " bytes but " + range + " hold "
                    + (end - begin));
        }
        return tensor;
    }

    private static int[] shape(String file, String where, Object value) throws SafetensorsException {
        if (!(value instanceof List<?> dims)) {
            throw new SafetensorsException(file, where + "missing \"shape\" or it is not an array of integers");
        }
        int[] shape = new int[dims.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            Object d = dims.get(i);
            if (!isInteger(d)) throw new SafetensorsException(file, where + "shape " + brief(dims) + " holds a non-integer");
            BigInteger dim = new BigInteger(d.toString());
            if (dim.signum() < 0) throw new SafetensorsException(file, where + "negative dimension in shape " + brief(dims));
            if (dim.bitLength() > 31) {
                throw new SafetensorsException(file, where + "dimension " + dim + " in shape " + brief(dims)
                        + " exceeds " + Integer.MAX_VALUE);
            }
            shape[i] = dim.intValue();
            long high = Math.multiplyHigh(numel, shape[i]);
            numel *= shape[i];
            if (high != 0 || numel < 0) {
                throw new SafetensorsException(file, where + "shape " + brief(dims) + " has more than 2^63 elements");
            }
        }
        return shape;
    }

    private static long[] offsets(String file, String where, Object value) throws SafetensorsException {
        if (!(value instanceof List<?> list) || list.size() != 2 || !isInteger(list.get(0)) || !isInteger(list.get(1))) {
            throw new SafetensorsException(file, where + "\"data_offsets\" missing or not two integers [begin, end]");
        }
        long[] offsets = new long[2];
        for (int i = 0; i < 2; i++) {
            BigInteger o = new BigInteger(list.get(i).toString());
            if (o.signum() < 0 || o.bitLength() > 63) {
                throw new SafetensorsException(file, where + "data_offsets " + brief(list) + " out of range [0, 2^63)");
            }
            offsets[i] = o.longValue();
        }
        return offsets;
    }

    private static boolean isInteger(Object o) {
        return o instanceof Integer || o instanceof Long || o instanceof BigInteger;
    }

    /** The ranges, sorted by begin, must tile {@code [0, bufferSize)}: no overlap, no hole, nothing left over. */
    private static void checkLayout(String file, Iterable<SafetensorsTensor> tensors, long bufferSize)
            throws SafetensorsException {
        List<SafetensorsTensor> sorted = new ArrayList<>();
        tensors.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(SafetensorsTensor::begin).thenComparingLong(SafetensorsTensor::end));
        long covered = 0;
        SafetensorsTensor previous = null;
        for (SafetensorsTensor t : sorted) {
            if (t.begin() < covered) {
                throw new SafetensorsException(file, "tensors " + quote(previous.name()) + " and " + quote(t.name())
                        + " overlap in the data buffer (bytes " + t.begin() + " to " + covered + ")");
            }
            if (t.begin() > covered) {
                throw new SafetensorsException(file, "hole of " + (t.begin() - covered) + " bytes before tensor "
                        + quote(t.name()) + " — data_offsets must cover the data buffer without gaps");
            }
            covered = t.end();
            previous = t;
        }
        if (covered != bufferSize) {
            throw new SafetensorsException(file, (bufferSize - covered) + " bytes after the last tensor are not described"
                    + " by the header — the file has trailing garbage");
        }
    }

    /** A name in quotes, with control characters escaped so messages stay on one line. */
    static String quote(Object name) {
        StringBuilder s = new StringBuilder("'");
        String text = String.valueOf(name);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) s.append(String.format("\\u%04x", (int) c));
            else s.append(c);
        }
        return s.append('\'').toString();
    }

    /** A value for a message: control characters escaped, at most 60 characters. */
    private static String brief(Object value) {
        String q = quote(value);
        String text = q.substring(1, q.length() - 1);
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int nl = message.indexOf('\n');
        String line = quote(nl < 0 ? message : message.substring(0, nl));
        return line.substring(1, line.length() - 1);
    }
}
