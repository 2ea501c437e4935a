package jdit.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jdit.tensor.Tensor;

/**
 * Methods combined with {@code +} ({@code nabla+lite}): each is asked for its plan and the kernel computes the tiles
 * all of them keep (a dense plan keeps everything). Block sizes must agree; PARTIAL masks are AND-ed; at most one
 * method may set a token order and at most one may ask for tile verdicts (LiteAttention). A tile one method left out
 * this call is not visited, so a verdict-keeping method sees it as untested and keeps it listed.
 */
final class IntersectedMethods implements AttentionMethod {
    private final List<AttentionMethod> methods;

    IntersectedMethods(List<AttentionMethod> methods) {
        if (methods.size() < 2) {
            throw new IllegalArgumentException("an intersection needs two methods or more");
        }
        this.methods = List.copyOf(methods);
    }

    @Override
    public String description() {
        return String.join("+", methods.stream().map(AttentionMethod::description).toList());
    }

    @Override
    public Optional<int[]> tokenOrder(TokenGrid grid) {
        Optional<int[]> order = Optional.empty();
        for (AttentionMethod m : methods) {
            Optional<int[]> o = m.tokenOrder(grid);
            if (o.isPresent() && order.isPresent() && !java.util.Arrays.equals(o.get(), order.get())) {
                throw new IllegalArgumentException(description() + ": two methods ask for different token orders");
            }
            order = order.isPresent() ? order : o;
        }
        return order;
    }

    @Override
    public void reset() {
        methods.forEach(AttentionMethod::reset);
    }

    @Override
    public AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v) {
        AttentionPlan result = AttentionPlan.DENSE;
        for (AttentionMethod m : methods) {
            result = intersect(result, m.plan(ctx, q, k, v));
        }
        return result;
    }

    static AttentionPlan intersect(AttentionPlan a, AttentionPlan b) {
        if (a instanceof AttentionPlan.Dense) {
            return b;
        }
        if (b instanceof AttentionPlan.Dense) {
            return a;
        }
        AttentionPlan.BlockSparse x = (AttentionPlan.BlockSparse) a;
        AttentionPlan.BlockSparse y = (AttentionPlan.BlockSparse) b;
        if (x.queryBlock() != y.queryBlock() || x.keyBlock() != y.keyBlock() || x.queries() != y.queries() || x.keys() != y.keys()
                || x.heads().size() != y.heads().size()) {
            throw new IllegalArgumentException("cannot intersect plans of " + x.queryBlock() + "x" + x.keyBlock() + " and "
                    + y.queryBlock() + "x" + y.keyBlock() + " tiles (give the methods the same tile size)");
        }
        if (x.decisions() != null && y.decisions() != null) {
            throw new IllegalArgumentException("only one combined method may keep tile verdicts");
        }
        if (x.headOrders() != null && y.headOrders() != null) {
            throw new IllegalArgumentException("only one combined method may reorder tokens per head");
        }
        List<HeadBlocks> heads = new ArrayList<>();
        for (int h = 0; h < x.heads().size(); h++) {
            heads.add(intersect(x.heads().get(h), y.heads().get(h)));
        }
        ElementMask mx = x.mask();
        ElementMask my = y.mask();
        ElementMask mask = mx == ElementMask.ALL ? my : my == ElementMask.ALL ? mx : (i, j) -> mx.allowed(i, j) && my.allowed(i, j);
        return new AttentionPlan.BlockSparse(x.queryBlock(), x.keyBlock(), x.queries(), x.keys(), heads, mask,
                x.decisions() != null ? x.decisions() : y.decisions(), x.headOrders() != null ? x.headOrders() : y.headOrders());
    }

    private static HeadBlocks intersect(HeadBlocks a, HeadBlocks b) {
        int rows = a.queryBlocks();
        int[] starts = new int[rows + 1];
        List<Integer> cols = new ArrayList<>();
        List<Boolean> partial = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int i = a.start(r);
            int j = b.start(r);
            while (i < a.end(r) && j < b.end(r)) {
                if (a.col(i) == b.col(j)) {
                    cols.add(a.col(i));
                    partial.add(a.partial(i) || b.partial(j));
                    i++;
                    j++;
                } else if (a.col(i) < b.col(j)) {
                    i++;
                } else {
                    j++;
                }
            }
            starts[r + 1] = cols.size();
        }
        boolean[] p = new boolean[partial.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = partial.get(i);
        }
        return new HeadBlocks(starts, cols.stream().mapToInt(Integer::intValue).toArray(), p);
    }
}
