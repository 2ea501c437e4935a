package jdit.io.torch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdit.io.CheckpointException;
import jdit.io.StoredDType;
import jdit.io.torch.PickleValues.Global;
import jdit.io.torch.PickleValues.Mark;
import jdit.io.torch.PickleValues.StorageRef;
import jdit.io.torch.PickleValues.TensorRef;
import jdit.io.torch.PickleValues.Tuple;

/**
 * A pickle reader for PyTorch state dicts that executes nothing: it understands the opcodes torch.save emits
 * (protocols 2 to 5), builds dicts, lists, tuples and scalars itself, and resolves globals only from
 * {@link AllowedGlobals}. A pickle naming anything else is refused with the global's name.
 */
final class RestrictedUnpickler {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final String entry;
    private final MemorySegment data;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private long pos;

    private RestrictedUnpickler(Path file, String entry, MemorySegment data) {
        this.file = file;
        this.entry = entry;
        this.data = data;
    }

    /** Unpickles {@code data} (the bytes of {@code entry} in {@code file}) into plain values. */
    static Object load(Path file, String entry, MemorySegment data) {
        return new RestrictedUnpickler(file, entry, data).run();
    }

    private CheckpointException error(String msg) {
        return new CheckpointException(file, entry + " at byte " + pos + ": " + msg);
    }

    private void need(long n) {
        if (n < 0 || pos + n > data.byteSize()) {
            throw error("pickle ends early (needs " + n + " more bytes)");
        }
    }

    private int u8() {
        need(1);
        return data.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
    }

    private long u32() {
        need(4);
        long v = data.get(I32, pos) & 0xffffffffL;
        pos += 4;
        return v;
    }

    private long i64() {
        need(8);
        long v = data.get(I64, pos);
        pos += 8;
        return v;
    }

    private byte[] bytes(long n) {
        need(n);
        byte[] b = data.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return b;
    }

    private String line() {
        long start = pos;
        while (true) {
            need(1);
            if (data.get(ValueLayout.JAVA_BYTE, pos++) == '\n') {
                return new String(data.asSlice(start, pos - 1 - start).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            }
        }
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw error("stack underflow");
        }
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw error("stack underflow");
        }
        return stack.getLast();
    }

    private List<Object> popToMark() {
        int m = stack.lastIndexOf(Mark.MARK);
        if (m < 0) {
            throw error("no MARK on the stack");
        }
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object run() {
        while (true) {
            long at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v > 5) {
                        throw error("pickle protocol " + v + " is newer than 5");
                    }
                }
                case 0x95 -> i64(); // FRAME: a length hint only
                case '.' -> { // STOP
                    if (stack.size() != 1) {
                        throw error("STOP with " + stack.size() + " values on the stack");
                    }
                    return pop();
                }
                case '(' -> stack.add(Mark.MARK);
                case '}' -> stack.add(new LinkedHashMap<>());
                case ']' -> stack.add(new ArrayList<>());
                case ')' -> stack.add(new Tuple(List.of()));
                case 't' -> stack.add(new Tuple(popToMark()));
                case 0x85 -> stack.add(new Tuple(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    stack.add(new Tuple(List.of(pop(), b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    stack.add(new Tuple(List.of(pop(), b, c)));
                }
                case 'N' -> stack.add(PickleValues.None.NONE);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'K' -> stack.add((long) u8());
                case 'M' -> {
                    need(2);
                    stack.add((long) (data.get(U16, pos) & 0xffff));
                    pos += 2;
                }
                case 'J' -> {
                    need(4);
                    stack.add((long) data.get(I32, pos));
                    pos += 4;
                }
                case 0x8a -> stack.add(longFromBytes(bytes(u8())));
                case 0x8b -> stack.add(longFromBytes(bytes(u32())));
                case 'G' -> {
                    need(8);
                    stack.add(data.get(F64BE, pos));
                    pos += 8;
                }
                case 'X' -> stack.add(new String(bytes(u32()), StandardCharsets.UTF_8));
                case 0x8c -> stack.add(new String(bytes(u8()), StandardCharsets.UTF_8));
                case 0x8d -> stack.add(new String(bytes(i64()), StandardCharsets.UTF_8));
                case 'T' -> stack.add(new String(bytes(u32()), StandardCharsets.ISO_8859_1));
                case 'U' -> stack.add(new String(bytes(u8()), StandardCharsets.ISO_8859_1));
                case 'B' -> stack.add(bytes(u32()));
                case 'C' -> stack.add(bytes(u8()));
                case 'q' -> memo.put((long) u8(), peek());
                case 'r' -> memo.put(u32(), peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> stack.add(memoGet(u8()));
                case 'j' -> stack.add(memoGet(u32()));
                case 'c' -> stack.add(global(line(), line()));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error("STACK_GLOBAL needs two strings");
                    }
                    stack.add(global(m, n));
                }
                case 'Q' -> stack.add(persistent(pop()));
                case 'R' -> {
                    Object args = pop();
                    stack.add(call(pop(), args));
                }
                case 'b' -> build(pop(), peek());
                case 's' -> {
                    Object v = pop();
                    Object k = key(pop());
                    dict(peek()).put(k, v);
                }
                case 'u' -> {
                    List<Object> kv = popToMark();
                    Map<Object, Object> d = dict(peek());
                    for (int i = 0; i + 1 < kv.size(); i += 2) {
                        d.put(key(kv.get(i)), kv.get(i + 1));
                    }
                }
                case 'a' -> {
                    Object v = pop();
                    list(peek()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popToMark();
                    list(peek()).addAll(items);
                }
                default -> {
                    pos = at;
                    throw error(String.format("unsupported pickle opcode 0x%02x", op));
                }
            }
        }
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) {
            throw error("memo key " + key + " was never stored");
        }
        return memo.get(key);
    }

    private static long longFromBytes(byte[] le) {
        byte[] be = new byte[Math.max(le.length, 1)];
        for (int i = 0; i < le.length; i++) {
            be[be.length - 1 - i] = le[i];
        }
        return le.length == 0 ? 0 : new BigInteger(be).longValueExact();
    }

    private Global global(String module, String name) {
        return AllowedGlobals.kindOf(module, name).map(k -> new Global(module, name, k)).orElseThrow(() -> error(
                "refusing global '" + module + "." + name + "': a state dict may only name " + AllowedGlobals.describe()));
    }

    /** State-dict keys are scalars; a container key could even contain itself and hash forever. */
    private Object key(Object k) {
        if (k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean
                || k == PickleValues.None.NONE) {
            return k;
        }
        throw error("dict key of type " + describe(k) + " is not allowed in a state dict");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error("expected a dict, found " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw error("expected a list, found " + describe(o));
    }

    private static String describe(Object o) {
        return o == null ? "nothing" : o instanceof Global g ? g.qualified() : o.getClass().getSimpleName();
    }

    /** BUILD on a dict sets Python attributes (an OrderedDict's {@code _metadata}), not items: ignore it. */
    private void build(Object state, Object target) {
        if (!(target instanceof Map<?, ?>)) {
            throw error("BUILD on " + describe(target) + " is not allowed in a state dict");
        }
    }

    private Object persistent(Object pid) {
        if (!(pid instanceof Tuple(List<Object> t)) || t.size() != 5 || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof Global g) || g.kind() != AllowedGlobals.Kind.STORAGE_TYPE
                || !(t.get(2) instanceof String key) || !(t.get(3) instanceof String location)
                || !(t.get(4) instanceof Long numel)) {
            throw error("unexpected persistent id (" + describe(pid) + ")");
        }
        StoredDType dtype = StoredDType.fromTorchStorage(g.name()).orElseThrow();
        return new StorageRef(dtype, key, location, numel);
    }

    private Object call(Object callable, Object args) {
        if (!(callable instanceof Global g)) {
            throw error("REDUCE on " + describe(callable) + ": only allowed globals can be called");
        }
        if (!(args instanceof Tuple(List<Object> a))) {
            throw error("REDUCE arguments are not a tuple");
        }
        return switch (g.kind()) {
            case ORDERED_DICT -> new LinkedHashMap<>();
            case REBUILD_TENSOR, REBUILD_TENSOR_V2 -> {
                if (a.size() < 4 || !(a.get(0) instanceof StorageRef s) || !(a.get(1) instanceof Long off)
                        || !(a.get(2) instanceof Tuple size) || !(a.get(3) instanceof Tuple stride)) {
                    throw error(g.qualified() + " called with " + a.size() + " unexpected arguments");
                }
                yield new TensorRef(s, off, longs(size), longs(stride));
            }
            case REBUILD_PARAMETER -> {
                if (a.isEmpty() || !(a.get(0) instanceof TensorRef t)) {
                    throw error("torch._utils._rebuild_parameter without a tensor");
                }
                yield t;
            }
            case STORAGE_TYPE -> throw error("storage type " + g.qualified() + " cannot be called");
        };
    }

    private long[] longs(Tuple t) {
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v)) {
                throw error("size or stride holds a " + describe(t.items().get(i)) + ", not an integer");
            }
            out[i] = v;
        }
        return out;
    }
}
