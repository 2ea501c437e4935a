package jdit.io;

import java.util.List;
import java.util.Optional;
import jdit.model.LayoutMatch;
import jdit.model.LayoutRecognizer;

/** What {@code jdit inspect} reports about a checkpoint: its tensors, totals and recognised layout. */
public record CheckpointSummary(String source, CheckpointFormat format, List<TensorEntry> tensors, long parameters,
                                long bytes, Optional<LayoutMatch> layout) {

    public static CheckpointSummary of(WeightStore store) {
        List<TensorEntry> t = store.entries();
        long params = t.stream().mapToLong(TensorEntry::numel).sum();
        long bytes = t.stream().mapToLong(TensorEntry::byteSize).sum();
        return new CheckpointSummary(store.source().toString(), store.format(), t, params, bytes,
                LayoutRecognizer.recognise(t));
    }
}
