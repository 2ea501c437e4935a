package jdit.sparse.flex;

import java.util.ArrayList;
import java.util.List;

/**
 * The schedule of {@link FlexDensity}, spelled {@code layers=A-B,schedule=F@P/F@P...,time=T,semantic=S@P/S}:
 * <ul>
 *   <li>{@code layers=A-B}: the pooled blocks, A to B inclusive (default: the middle half, blocks L/4 to 3L/4 − 1);
 *   <li>{@code schedule}: stages {@code F@P}, each pooling F x F spatially for the steps whose progress (step / steps)
 *       is below P, the first matching stage winning; later steps run dense (default {@code 2@0.5}: 2x2 pooling, a
 *       quarter of the tokens, for the first half of the steps);
 *   <li>{@code time=T}: also pool T frames together in the pooled stages (videos; default 1);
 *   <li>{@code semantic=S@P/.../S}: for SparseDiT models, the side of the sparse token grid per stage, the last one
 *       without {@code @P} for the remaining steps (default: the model's own).
 * </ul>
 */
public record FlexParams(int firstLayer, int lastLayer, List<Stage> schedule, int time, List<Stage> semantic) {
    /** Factor (or side) {@code value} while progress < {@code until}. */
    public record Stage(int value, double until) {
        public Stage {
            if (value < 1 || !(until > 0 && until <= 1)) {
                throw new IllegalArgumentException("a flex stage needs a value >= 1 and an end in (0, 1], got " + value + "@" + until);
            }
        }

        @Override
        public String toString() {
            return until >= 1 ? Integer.toString(value) + "@1" : value + "@" + until;
        }
    }

    /** Layers unset (-1) until the model's depth is known. */
    public static final int MIDDLE = -1;

    public FlexParams {
        schedule = List.copyOf(schedule);
        semantic = List.copyOf(semantic);
        if (firstLayer != MIDDLE && (firstLayer < 0 || lastLayer < firstLayer)) {
            throw new IllegalArgumentException("flex layers must be A-B with 0 <= A <= B, got " + firstLayer + "-" + lastLayer);
        }
        if (time < 1) {
            throw new IllegalArgumentException("flex time must be at least 1, got " + time);
        }
    }

    public static FlexParams parse(String s) {
        int first = MIDDLE;
        int last = MIDDLE;
        List<Stage> schedule = List.of(new Stage(2, 0.5));
        int time = 1;
        List<Stage> semantic = List.of();
        if (!s.isBlank()) {
            for (String part : s.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("flex parameters are layers=A-B, schedule=F@P/..., time=T and "
                            + "semantic=S@P/.../S; got '" + part + "'");
                }
                String v = kv[1].trim();
                switch (kv[0].trim()) {
                    case "layers" -> {
                        String[] ab = v.split("-");
                        if (ab.length != 2) {
                            throw new IllegalArgumentException("flex layers must be A-B, got '" + v + "'");
                        }
                        first = integer(ab[0], "layers");
                        last = integer(ab[1], "layers");
                    }
                    case "schedule" -> schedule = stages(v, false);
                    case "time" -> time = integer(v, "time");
                    case "semantic" -> semantic = stages(v, true);
                    default -> throw new IllegalArgumentException("unknown flex parameter '" + kv[0]
                            + "' (known: layers, schedule, time, semantic)");
                }
            }
        }
        return new FlexParams(first, last, schedule, time, semantic);
    }

    private static List<Stage> stages(String v, boolean lastOpen) {
        List<Stage> out = new ArrayList<>();
        String[] items = v.split("/");
        for (int i = 0; i < items.length; i++) {
            String[] fp = items[i].split("@");
            if (fp.length == 1 && lastOpen && i == items.length - 1) {
                out.add(new Stage(integer(fp[0], "stage"), 1));
            } else if (fp.length == 2) {
                out.add(new Stage(integer(fp[0], "stage"), number(fp[1])));
            } else {
                throw new IllegalArgumentException("a flex stage is F@P (P the end as a fraction of the steps), got '" + items[i] + "'");
            }
        }
        return out;
    }

    private static int integer(String s, String what) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flex " + what + " must be an integer, got '" + s + "'", e);
        }
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a flex stage end must be a number, got '" + s + "'", e);
        }
    }

    /** The stage value at {@code progress}, or {@code otherwise} after the last stage. */
    static int at(List<Stage> stages, double progress, int otherwise) {
        for (Stage st : stages) {
            if (progress < st.until()) {
                return st.value();
            }
        }
        return otherwise;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (firstLayer != MIDDLE) {
            b.append("layers=").append(firstLayer).append('-').append(lastLayer).append(',');
        }
        b.append("schedule=").append(String.join("/", schedule.stream().map(Stage::toString).toList()));
        b.append(",time=").append(time);
        if (!semantic.isEmpty()) {
            b.append(",semantic=").append(String.join("/", semantic.stream().map(Stage::toString).toList()));
        }
        return b.toString();
    }
}
