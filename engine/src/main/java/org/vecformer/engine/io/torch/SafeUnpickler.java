package org.vecformer.engine.io.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vecformer.engine.io.torch.Pickled.Bytes;
import org.vecformer.engine.io.torch.Pickled.PDict;
import org.vecformer.engine.io.torch.Pickled.PList;
import org.vecformer.engine.io.torch.Pickled.Tuple;

/**
 * A pickle interpreter that never runs code: it knows the opcodes of protocols 2-5 that plain data and
 * state dicts use, builds {@link Pickled} values, and leaves every global, call, BUILD and persistent id
 * to {@link TorchGlobals}, which allows only what builds tensors. Opcodes that construct arbitrary
 * objects (INST, OBJ, NEWOBJ, EXT*), protocol 0's text forms (INT, STRING, GET, PUT, ...) and sets are
 * refused with their name and offset.
 *
 * <p>It loops over the bytes without recursion and bounds what a hostile pickle can make it hold: the
 * stack and the marks at {@link #MAX_STACK} items, memo indices below {@link #MAX_MEMO}, strings and
 * bytes by the bytes that remain.
 */
final class SafeUnpickler {
    static final int MAX_STACK = 1 << 20;
    static final int MAX_MEMO = 1 << 22;
    private static final int MAX_GLOBAL_NAME = 256;

    private final String file;
    private final byte[] p;
    private final TorchGlobals globals = new TorchGlobals();
    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int markCount;
    private Object[] memo = new Object[64];
    private int memoCount;
    private int pos;

    private SafeUnpickler(String file, byte[] pickle) {
        this.file = file;
        this.p = pickle;
    }

    /** The value {@code pickle} builds (the object on the stack at STOP). */
    static Object load(String file, byte[] pickle) throws TorchCheckpointException {
        return new SafeUnpickler(file, pickle).run();
    }

    private Object run() throws TorchCheckpointException {
        int at = 0;
        try {
            while (pos < p.length) {
                at = pos;
                int op = p[pos++] & 0xFF;
                if (op == '.') return peek(); // STOP
                step(op);
            }
            throw new PickleException("data.pkl ends without STOP: truncated or damaged");
        } catch (PickleException e) {
            throw new TorchCheckpointException(file, e.getMessage() + " (data.pkl byte " + at + ")");
        }
    }

    private void step(int op) throws PickleException {
        switch (op) {
            case 0x80 -> { // PROTO
                int v = u8();
                if (v > 5) throw new PickleException("pickle protocol " + v + " is newer than 5");
            }
            case 0x95 -> take(8); // FRAME: a length hint only
            case '(' -> { // MARK
                if (markCount == MAX_STACK) throw new PickleException("more than " + MAX_STACK + " open MARKs: not a state dict");
                if (markCount == marks.length) marks = Arrays.copyOf(marks, 2 * markCount);
                marks[markCount++] = stack.size();
            }
            case '0' -> { // POP: an empty frame pops its MARK instead
                if (stack.size() == floor()) popMark();
                else pop();
            }
            case '1' -> popMark(); // POP_MARK
            case '2' -> push(peek()); // DUP
            case '}' -> push(new PDict()); // EMPTY_DICT
            case ']' -> push(new PList()); // EMPTY_LIST
            case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
            case 't' -> push(new Tuple(popMark())); // TUPLE
            case 0x85, 0x86, 0x87 -> push(new Tuple(popN(op - 0x84))); // TUPLE1..3
            case 'l' -> { // LIST
                PList l = new PList();
                l.items.addAll(popMark());
                push(l);
            }
            case 'd' -> { // DICT
                PDict d = new PDict();
                putAll(d, popMark());
                push(d);
            }
            case 'q' -> memoPut(u8()); // BINPUT
            case 'r' -> memoPut(u32()); // LONG_BINPUT
            case 0x94 -> memoPut(memoCount); // MEMOIZE
            case 'h' -> push(memoGet(u8())); // BINGET
            case 'j' -> push(memoGet(u32())); // LONG_BINGET
            case 'J' -> push((long) ByteBuffer.wrap(take(4)).order(ByteOrder.LITTLE_ENDIAN).getInt()); // BININT
            case 'K' -> push((long) u8()); // BININT1
            case 'M' -> push((long) (u8() | u8() << 8)); // BININT2
            case 0x8a -> push(longBytes(u8())); // LONG1
            case 0x8b -> push(longBytes(u32())); // LONG4
            case 'X' -> push(utf8(take(u32()))); // BINUNICODE
            case 0x8c -> push(utf8(take(u8()))); // SHORT_BINUNICODE
            case 0x8d -> push(utf8(take(u64()))); // BINUNICODE8
            case 'B' -> push(new Bytes(take(u32()))); // BINBYTES
            case 'C' -> push(new Bytes(take(u8()))); // SHORT_BINBYTES
            case 0x8e -> push(new Bytes(take(u64()))); // BINBYTES8
            case 'G' -> push(ByteBuffer.wrap(take(8)).getDouble()); // BINFLOAT, big-endian
            case 'N' -> push(Pickled.None.NONE);
            case 0x88 -> push(Boolean.TRUE); // NEWTRUE
            case 0x89 -> push(Boolean.FALSE); // NEWFALSE
            case 's' -> { // SETITEM
                Object value = pop();
                Object key = pop();
                putAll(dictOnTop(), List.of(key, value));
            }
            case 'u' -> { // SETITEMS
                List<Object> items = popMark();
                putAll(dictOnTop(), items);
            }
            case 'a' -> { // APPEND
                Object value = pop();
                listOnTop().items.add(value);
            }
            case 'e' -> { // APPENDS
                List<Object> items = popMark();
                listOnTop().items.addAll(items);
            }
            case 'c' -> { // GLOBAL
                String module = line();
                push(globals.resolve(module, line()));
            }
            case 0x93 -> { // STACK_GLOBAL
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL of " + Pickled.kind(module) + " and " + Pickled.kind(name));
                }
                push(globals.resolve(m, n));
            }
            case 'R' -> { // REDUCE
                Object args = pop();
                Object callable = pop();
                if (!(args instanceof Tuple t)) throw new PickleException("REDUCE arguments are " + Pickled.kind(args) + ", not a tuple");
                push(globals.reduce(callable, t));
            }
            case 'b' -> { // BUILD
                Object state = pop();
                globals.build(peek(), state);
            }
            case 'Q' -> push(globals.persistentLoad(pop())); // BINPERSID
            default -> throw new PickleException(String.format("unsupported pickle opcode 0x%02x%s: a state dict never needs it",
                    op, opcodeName(op)));
        }
    }

    /** Names of the opcodes refused on purpose, for the message. */
    private static String opcodeName(int op) {
        String name = switch (op) {
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 0x82, 0x83, 0x84 -> "EXT" + (op == 0x84 ? 4 : op - 0x81);
            case 'P' -> "PERSID";
            case 'I' -> "INT";
            case 'L' -> "LONG";
            case 'F' -> "FLOAT";
            case 'S' -> "STRING";
            case 'T' -> "BINSTRING";
            case 'U' -> "SHORT_BINSTRING";
            case 'V' -> "UNICODE";
            case 'g' -> "GET";
            case 'p' -> "PUT";
            case 0x8f -> "EMPTY_SET";
            case 0x90 -> "ADDITEMS";
            case 0x91 -> "FROZENSET";
            case 0x96 -> "BYTEARRAY8";
            case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            default -> null;
        };
        return name == null ? "" : " (" + name + ")";
    }

    private void push(Object o) throws PickleException {
        if (stack.size() == MAX_STACK) throw new PickleException("pickle stack passes " + MAX_STACK + " items: not a state dict");
        stack.add(o);
    }

    private Object pop() throws PickleException {
        if (stack.size() <= floor()) throw new PickleException("pickle pops from an empty stack");
        return stack.removeLast();
    }

    private Object peek() throws PickleException {
        if (stack.size() <= floor()) throw new PickleException("pickle reads an empty stack");
        return stack.getLast();
    }

    /** Stack items below the innermost MARK belong to an outer frame. */
    private int floor() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private List<Object> popN(int n) throws PickleException {
        if (stack.size() - floor() < n) throw new PickleException("TUPLE" + n + " with fewer than " + n + " items on the stack");
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        List<Object> items = List.copyOf(top);
        top.clear();
        return items;
    }

    private List<Object> popMark() throws PickleException {
        if (markCount == 0) throw new PickleException("no MARK to pop to");
        int from = marks[--markCount];
        List<Object> top = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private PDict dictOnTop() throws PickleException {
        Object top = peek();
        if (!(top instanceof PDict d)) throw new PickleException("SETITEM on " + Pickled.kind(top) + ", not a dict");
        return d;
    }

    private PList listOnTop() throws PickleException {
        Object top = peek();
        if (!(top instanceof PList l)) throw new PickleException("APPEND on " + Pickled.kind(top) + ", not a list");
        return l;
    }

    private static void putAll(PDict d, List<Object> keysAndValues) throws PickleException {
        if (keysAndValues.size() % 2 != 0) throw new PickleException("SETITEMS with a key but no value");
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            Object key = keysAndValues.get(i);
            if (!TorchGlobals.hashable(key)) {
                throw new PickleException("a dict key is " + Pickled.kind(key) + ": keys of a checkpoint are strings or numbers");
            }
            d.map.put(key, keysAndValues.get(i + 1));
        }
    }

    private void memoPut(long index) throws PickleException {
        if (index >= MAX_MEMO) throw new PickleException("memo index " + index + " passes the limit of " + MAX_MEMO);
        int i = (int) index;
        if (i >= memo.length) memo = Arrays.copyOf(memo, Math.max(i + 1, 2 * memo.length));
        if (memo[i] == null) memoCount++;
        memo[i] = peek();
    }

    private Object memoGet(long index) throws PickleException {
        Object v = index < memo.length ? memo[(int) index] : null;
        if (v == null) throw new PickleException("memo entry " + index + " is read before it is written");
        return v;
    }

    private int u8() throws PickleException {
        need(1);
        return p[pos++] & 0xFF;
    }

    private long u32() throws PickleException {
        return ByteBuffer.wrap(take(4)).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
    }

    private long u64() throws PickleException {
        long v = ByteBuffer.wrap(take(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (v < 0) throw new PickleException("a length of " + Long.toUnsignedString(v) + " bytes");
        return v;
    }

    /** LONG1/LONG4: a little-endian two's-complement integer of n bytes; at most 8 fit a Java long. */
    private Long longBytes(long n) throws PickleException {
        if (n > 8) throw new PickleException("an integer of " + n + " bytes, beyond 64 bits");
        byte[] b = take(n);
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) v = v << 8 | (b[i] & 0xFF);
        if (n > 0 && n < 8 && b[b.length - 1] < 0) v -= 1L << (8 * n);
        return v;
    }

    private byte[] take(long n) throws PickleException {
        need(n);
        byte[] b = Arrays.copyOfRange(p, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    private void need(long n) throws PickleException {
        if (n > p.length - pos) {
            throw new PickleException("data.pkl ends inside an opcode (" + n + " bytes wanted, " + (p.length - pos) + " left): truncated");
        }
    }

    /** A GLOBAL operand: ASCII up to a newline. */
    private String line() throws PickleException {
        int end = pos;
        while (end < p.length && p[end] != '\n') {
            if (end - pos == MAX_GLOBAL_NAME) throw new PickleException("GLOBAL name longer than " + MAX_GLOBAL_NAME + " bytes");
            end++;
        }
        if (end == p.length) throw new PickleException("data.pkl ends inside a GLOBAL name: truncated");
        String s = new String(p, pos, end - pos, StandardCharsets.ISO_8859_1);
        pos = end + 1;
        return s;
    }

    private static String utf8(byte[] b) throws PickleException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new PickleException("a string that is not valid UTF-8");
        }
    }
}
