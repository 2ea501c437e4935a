package jdit.profile;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import jdit.attention.AttentionContext;
import jdit.attention.AttentionMethod;
import jdit.attention.AttentionMethods;
import jdit.attention.AttentionPlan;
import jdit.attention.GuidanceBranch;
import jdit.attention.TokenGrid;
import jdit.backend.cpu.CpuBackend;
import jdit.tensor.DType;
import jdit.tensor.Tensor;

/**
 * Every attention method on the structured workload ({@link StructuredAttentionWorkload}) at one grid, one call of
 * one layer in a late step (past every warm-up; LiteAttention is called twice and the second call measured, since
 * its first call computes everything): density, plan-building time and its share of the attention time, the
 * speed-up against dense from the same run, and the relative error of the output against dense.
 */
public final class MethodsBench {
    public record Options(TokenGrid grid, int heads, int headDim, List<String> methods, int reps, int threads) {
    }

    /** One method's figures. */
    public record Row(String method, double density, double planMs, double attentionMs, double speedup, double relativeError) {
    }

    private MethodsBench() {
    }

    public static List<Row> run(Options o) {
        try (CpuBackend cpu = CpuBackend.create(o.threads(), true); Arena arena = Arena.ofShared()) {
            int n = o.grid().tokens();
            Tensor q = Tensor.allocate(arena, DType.F32, 1, n, o.heads(), o.headDim());
            Tensor k = Tensor.allocate(arena, DType.F32, 1, n, o.heads(), o.headDim());
            Tensor v = Tensor.allocate(arena, DType.F32, 1, n, o.heads(), o.headDim());
            StructuredAttentionWorkload.fill(o.grid(), 5, q, k, v);
            float scale = (float) (1 / Math.sqrt(o.headDim()));
            Tensor dense = Tensor.allocate(arena, DType.F32, q.shape());
            double[] denseTimes = KernelBench.time(o.reps(), () -> cpu.backend().attention().attend(q, k, v, AttentionPlan.DENSE, scale, dense));
            double denseMs = denseTimes[denseTimes.length / 2] * 1e3;
            List<Row> rows = new ArrayList<>();
            rows.add(new Row("dense", 1, 0, denseMs, 1, 0));
            AttentionContext ctx = new AttentionContext(40, 50, 200, 10, 30, GuidanceBranch.CONDITIONAL, o.grid(), o.heads(), o.headDim());
            AttentionContext next = new AttentionContext(41, 50, 190, 10, 30, GuidanceBranch.CONDITIONAL, o.grid(), o.heads(), o.headDim());
            Tensor out = Tensor.allocate(arena, DType.F32, q.shape());
            for (String spec : o.methods()) {
                AttentionMethod m = AttentionMethods.create(spec);
                // the method sees the tokens in its own order (NABLA, STA), as inside a model
                int[] order = m.tokenOrder(o.grid()).orElse(null);
                Tensor mq = reorder(q, order, arena);
                Tensor mk = reorder(k, order, arena);
                Tensor mv = reorder(v, order, arena);
                AttentionPlan first = m.plan(ctx, mq, mk, mv);
                cpu.backend().attention().attend(mq, mk, mv, first, scale, out); // LiteAttention decides during this call
                AttentionPlan[] made = new AttentionPlan[1];
                // the median of several builds after 20 warm ones: inside a generation a method plans every layer of
                // every step (1,500 calls for Wan2.1-1.3B at 50 steps), so its code runs compiled
                double[] planTimes = KernelBench.time(20, Math.max(o.reps(), 5), () -> made[0] = m.plan(next, mq, mk, mv));
                double planMs = planTimes[planTimes.length / 2] * 1e3;
                AttentionPlan plan = made[0];
                double[] t = KernelBench.time(o.reps(), () -> cpu.backend().attention().attend(mq, mk, mv, plan, scale, out));
                Tensor natural = restore(out, order, arena);
                double ms = t[t.length / 2] * 1e3;
                rows.add(new Row(m.description(), plan.density(), planMs, ms, denseMs / ms, relativeError(dense, natural)));
            }
            return rows;
        }
    }

    private static Tensor reorder(Tensor x, int[] order, Arena arena) {
        if (order == null) {
            return x;
        }
        Tensor out = Tensor.allocate(arena, DType.F32, x.shape());
        try (jdit.tensor.Workspace ws = new jdit.tensor.Workspace()) {
            jdit.attention.TokenOrders.gather(x.reshape(1, x.dim(1), x.dim(2) * x.dim(3)), order,
                    out.reshape(1, x.dim(1), x.dim(2) * x.dim(3)), new jdit.backend.cpu.CpuMemory(), ws);
        }
        return out;
    }

    private static Tensor restore(Tensor x, int[] order, Arena arena) {
        if (order == null) {
            return x;
        }
        Tensor out = Tensor.allocate(arena, DType.F32, x.shape());
        try (jdit.tensor.Workspace ws = new jdit.tensor.Workspace()) {
            jdit.attention.TokenOrders.scatter(x.reshape(1, x.dim(1), x.dim(2) * x.dim(3)), order,
                    out.reshape(1, x.dim(1), x.dim(2) * x.dim(3)), new jdit.backend.cpu.CpuMemory(), ws);
        }
        return out;
    }

    /** ||got − want|| / ||want|| (Frobenius). */
    static double relativeError(Tensor want, Tensor got) {
        double num = 0;
        double den = 0;
        for (long i = 0; i < want.numel(); i++) {
            double w = want.getDoubleAt(i);
            double dlt = got.getDoubleAt(i) - w;
            num += dlt * dlt;
            den += w * w;
        }
        return Math.sqrt(num / den);
    }

    public static String render(Options o, List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format("structured workload: grid %s (%d tokens), %d heads x %d (frame, "
                + "location and mixed heads), %d threads; a late-step call after one earlier call, plan time the median of the reps after 20 warm builds%n%n", o.grid(),
                o.grid().tokens(), o.heads(), o.headDim(), o.threads()));
        sb.append(String.format("%-44s %8s %9s %10s %8s %10s %9s %10s%n", "method", "density", "plan ms", "attn ms", "speedup",
                "x density", "plan %", "rel. err"));
        for (Row r : rows) {
            sb.append(String.format("%-44s %8.3f %9.1f %10.1f %8.2f %10.2f %8.1f%% %10.2e%n", r.method(), r.density(), r.planMs(),
                    r.attentionMs(), r.speedup(), r.speedup() * r.density(), 100 * r.planMs() / Math.max(r.attentionMs(), 1e-9),
                    r.relativeError()));
        }
        return sb.toString();
    }
}
