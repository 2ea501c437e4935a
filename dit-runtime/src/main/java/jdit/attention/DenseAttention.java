package jdit.attention;

import jdit.tensor.Tensor;

/** Full attention in every layer and step: the reference every sparse method is measured against. */
public final class DenseAttention implements AttentionMethod {
    @Override
    public String description() {
        return "dense";
    }

    @Override
    public AttentionPlan plan(AttentionContext ctx, Tensor q, Tensor k, Tensor v) {
        return AttentionPlan.DENSE;
    }

    /** The provider behind the name {@code dense}; it takes no parameters. */
    public static final class Provider implements AttentionMethodProvider {
        @Override
        public String name() {
            return "dense";
        }

        @Override
        public String summary() {
            return "full attention everywhere (no parameters)";
        }

        @Override
        public AttentionMethod create(String parameters) {
            if (!parameters.isEmpty()) {
                throw new IllegalArgumentException("attention method 'dense' takes no parameters, got '" + parameters + "'");
            }
            return new DenseAttention();
        }
    }
}
