package jdit.model.dit;

import java.util.ArrayList;
import java.util.List;

/** The blocks of a SparseDiT in forward order, named as the published code's {@code module_name} list. */
final class SparseDitModules {
    /** What a block is: Poolingformer, token merge (sparse from dense), recovery (dense from sparse), or a DiT block. */
    enum Kind { POOLING, MERGE, RECOVER, DENSE }

    private SparseDitModules() {
    }

    static List<String> names(SparseDitConfig c) {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < c.poolingformer(); i++) {
            n.add("poolingformer_blocks." + i);
        }
        for (int i = 0; i < c.dumbbells(); i++) {
            String p = "dumbbell_blocks." + i + ".";
            for (int j = 0; j < c.merge(); j++) {
                n.add(p + "token_merge_blocks." + j);
            }
            for (int j = 0; j < c.semantic(); j++) {
                n.add(p + "semantic_blocks." + j);
            }
            for (int j = 0; j < c.recover(); j++) {
                n.add(p + "token_recover_blocks." + j);
            }
            for (int j = 0; j < c.dense(); j++) {
                n.add(p + "normal_blocks." + j);
            }
        }
        for (int i = 0; i < c.normal(); i++) {
            n.add("normal_blocks." + i);
        }
        return n;
    }

    /** The Sparse-Dense Token Module a block belongs to, or -1 outside the modules. */
    static int module(String name) {
        if (!name.startsWith("dumbbell_blocks.")) {
            return -1;
        }
        return Integer.parseInt(name.substring("dumbbell_blocks.".length(), name.indexOf('.', "dumbbell_blocks.".length())));
    }

    static Kind kind(String name) {
        if (name.startsWith("poolingformer_blocks.")) {
            return Kind.POOLING;
        }
        if (name.contains(".token_merge_blocks.")) {
            return Kind.MERGE;
        }
        if (name.contains(".token_recover_blocks.")) {
            return Kind.RECOVER;
        }
        return Kind.DENSE;
    }
}
