package jdit.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionPlan;
import jdit.attention.GuidanceBranch;
import jdit.attention.HeadBlocks;
import jdit.attention.TokenGrid;
import jdit.backend.cpu.CpuBackend;
import jdit.io.safetensors.SafetensorsReader;
import jdit.sparse.lite.LiteMethod;
import jdit.sparse.lite.LiteParams;
import jdit.tensor.DType;
import jdit.tensor.Tensor;
import jdit.tensor.Workspace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * LiteAttention against the golden traces (sparse/lite/, a float64 emulation of the v0.2.0 kernel rule and its
 * skip-list bookkeeping, found by name prefix): call by call the computed tiles, every tile's verdict, the written
 * lists (v0.2.0 semantics), the output and the log-sum-exp, under both the reference and the exact semantics.
 */
class LiteGoldenTest {
    private static final Path ROOT = Path.of(System.getProperty("jdit.golden", "../testdata/golden"));

    @TestFactory
    Stream<DynamicTest> everyTraceIsReplayed() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT.resolve("sparse/lite"))) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("lite_trace_")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(f.getFileName() + " v020", () -> replay(f, false)));
                try (SafetensorsReader r = SafetensorsReader.open(f)) {
                    if (r.entry("exact_computed").isPresent()) {
                        tests.add(DynamicTest.dynamicTest(f.getFileName() + " exact", () -> replay(f, true)));
                    }
                }
            }
        }
        assertTrue(tests.size() >= 3);
        return tests.stream();
    }

    private static Tensor tokensMajor(Tensor heads, Workspace ws) { // [H, S, D] -> [1, S, H, D]
        return ws.copy(heads.transpose(0, 1)).unsqueeze(0);
    }

    private static void replay(Path file, boolean exact) {
        try (SafetensorsReader r = SafetensorsReader.open(file); Workspace ws = new Workspace();
             CpuBackend cpu = CpuBackend.create(2, true)) {
            String p = exact ? "exact_" : "";
            double[] thr = r.tensor("thr").toDoubleArray();
            StringBuilder spec = new StringBuilder("thr=");
            for (int c = 0; c < thr.length; c++) {
                spec.append(c == 0 ? "" : ":").append(thr[c]);
            }
            spec.append(",tile=").append(r.metadata().get("tile_n")).append(exact ? ",exact" : "");
            String mustDo = r.metadata().get("must_do_list");
            if (mustDo != null && !mustDo.equals("null")) {
                JsonArray m = JsonParser.parseString(mustDo).getAsJsonArray();
                for (int i = 0; i < m.size(); i += 2) {
                    spec.append(",mustdo=").append(m.get(i).getAsInt()).append('-').append(m.get(i + 1).getAsInt());
                }
            }
            LiteMethod lite = new LiteMethod(LiteParams.parse(spec.toString()));
            Tensor q = r.tensor("q");
            int calls = (int) q.dim(0), heads = (int) q.dim(1), s = (int) q.dim(2), d = (int) q.dim(3);
            Tensor v = tokensMajor(r.tensor("v"), ws);
            Tensor computed = r.tensor(p + "computed");
            for (int c = 0; c <= calls; c++) {
                int call = Math.min(c, calls - 1); // one more plan after the last call applies its verdicts
                AttentionContext ctx = new AttentionContext(call, calls, 1000 - call, 0, 1, GuidanceBranch.UNGUIDED,
                        new TokenGrid(1, 1, s), heads, d);
                Tensor qc = tokensMajor(q.select(0, call), ws);
                Tensor kc = tokensMajor(r.tensor("k").select(0, call), ws);
                AttentionPlan.BlockSparse plan = (AttentionPlan.BlockSparse) lite.plan(ctx, qc, kc, v);
                if (c > 0 && !exact) {
                    Tensor written = r.tensor("write_list").select(0, c - 1); // [H, qt, kt + 1]
                    for (int h = 0; h < heads; h++) {
                        for (int qt = 0; qt < written.dim(1); qt++) {
                            int[] got = lite.listOf(0, h, qt);
                            int[] want = new int[got[0] + 1];
                            for (int i = 0; i < want.length; i++) {
                                want[i] = (int) written.getDouble(h, qt, i);
                            }
                            assertArrayEquals(want, got, file.getFileName() + " list after call " + (c - 1) + " head " + h + " q-tile " + qt);
                        }
                    }
                }
                if (c == calls) {
                    break;
                }
                for (int h = 0; h < heads; h++) {
                    HeadBlocks hb = plan.heads().get(h);
                    for (int qt = 0; qt < hb.queryBlocks(); qt++) {
                        boolean[] got = new boolean[(int) computed.dim(3)];
                        for (int a = hb.start(qt); a < hb.end(qt); a++) {
                            got[hb.col(a)] = true;
                        }
                        for (int kt = 0; kt < got.length; kt++) {
                            assertEquals(computed.getDouble(c, h, qt, kt) != 0, got[kt], "computed, call " + c + " head " + h
                                    + " tile (" + qt + ", " + kt + ")");
                        }
                    }
                }
                Tensor out = ws.allocate(DType.F32, 1, s, heads, d);
                Tensor lse = ws.allocate(DType.F32, 1, heads, s);
                cpu.backend().attention().attend(qc, kc, v, plan, (float) (1 / Math.sqrt(d)), out, lse);
                Tensor decision = r.tensor(p + "decision");
                for (int h = 0; h < heads; h++) {
                    for (int qt = 0; qt < decision.dim(2); qt++) {
                        for (int kt = 0; kt < decision.dim(3); kt++) {
                            assertEquals((int) decision.getDouble(c, h, qt, kt), plan.decisions().get(0, h, qt, kt),
                                    "decision, call " + c + " head " + h + " tile (" + qt + ", " + kt + ")");
                        }
                    }
                }
                assertClose(tokensMajor(r.tensor(p + "out").select(0, c), ws), out, "out call " + c);
                assertClose(r.tensor(p + "lse").select(0, c).unsqueeze(0), lse, "lse call " + c);
            }
        }
    }

    private static void assertClose(Tensor want, Tensor got, String what) {
        assertEquals(want.shape(), got.shape(), what);
        for (long i = 0; i < want.numel(); i++) {
            double w = want.getDoubleAt(i);
            assertTrue(Math.abs(w - got.getDoubleAt(i)) <= 1e-5 * Math.max(1, Math.abs(w)), what + " element " + i + ": "
                    + got.getDoubleAt(i) + " vs " + w);
        }
    }
}
