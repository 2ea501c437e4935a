package jdit.cli.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import jdit.profile.ProfileReport;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** The profile report's charts, drawn with XChart and encoded as PNG bytes (headless). */
final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;

    private Charts() {
    }

    /** Seconds per op kind over all steps, stacked, one bar per method. */
    static byte[] timePerOp(ProfileReport r) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Time per op")
                .xAxisTitle("method").yAxisTitle("seconds over all steps").build();
        c.getStyler().setStacked(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> methods = r.methods().stream().map(ProfileReport.MethodProfile::spec).toList();
        for (ProfileReport.OpProfile op : r.dense().ops()) {
            List<Double> seconds = r.methods().stream().map(m -> m.ops().stream().filter(o -> o.op().equals(op.op()))
                    .mapToDouble(ProfileReport.OpProfile::seconds).sum()).toList();
            if (seconds.stream().anyMatch(s -> s > 0)) {
                c.addSeries(op.op(), methods, seconds);
            }
        }
        return png(c);
    }

    /** Speed-up against dense: the whole step, the attention kernel, and the ideal 1 / density. */
    static byte[] speedup(ProfileReport r) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Speed-up against dense (same run)")
                .xAxisTitle("method").yAxisTitle("x faster").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<String> methods = r.methods().stream().map(ProfileReport.MethodProfile::spec).toList();
        c.addSeries("whole step", methods, r.methods().stream().map(ProfileReport.MethodProfile::speedup).toList());
        c.addSeries("attention kernel", methods, r.methods().stream().map(ProfileReport.MethodProfile::attentionSpeedup).toList());
        c.addSeries("1 / density", methods, r.methods().stream().map(m -> 1 / Math.max(m.meanDensity(), 1e-6)).toList());
        return png(c);
    }

    /** Mean attention density per step, one line per method. */
    static byte[] densityOverSteps(ProfileReport r) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Attention density over steps")
                .xAxisTitle("step").yAxisTitle("kept fraction of the score matrix").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.05);
        for (ProfileReport.MethodProfile m : r.methods()) {
            double[] steps = m.steps().stream().mapToDouble(ProfileReport.StepProfile::step).toArray();
            double[] density = m.steps().stream().mapToDouble(ProfileReport.StepProfile::density).toArray();
            c.addSeries(m.spec(), steps, density);
        }
        return png(c);
    }

    /** Seconds per step, one line per method. */
    static byte[] secondsPerStep(ProfileReport r) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Seconds per step")
                .xAxisTitle("step").yAxisTitle("seconds").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setYAxisMin(0.0);
        for (ProfileReport.MethodProfile m : r.methods()) {
            c.addSeries(m.spec(), m.steps().stream().mapToDouble(ProfileReport.StepProfile::step).toArray(),
                    m.steps().stream().mapToDouble(ProfileReport.StepProfile::seconds).toArray());
        }
        return png(c);
    }

    /** Density per (layer, head), averaged over the steps. */
    static byte[] densityHeatmap(ProfileReport.MethodProfile m) {
        double[][][] d = m.density();
        int layers = d.length == 0 ? 0 : d[0].length;
        int heads = layers == 0 ? 0 : d[0][0].length;
        HeatMapChart c = new HeatMapChartBuilder().width(Math.max(520, 160 + 44 * heads)).height(Math.max(260, 110 + 26 * layers))
                .title(m.spec()).xAxisTitle("head").yAxisTitle("layer").build();
        c.getStyler().setMin(0);
        c.getStyler().setMax(1);
        c.getStyler().setPlotContentSize(1);
        c.getStyler().setShowValue(heads <= 16 && layers <= 30);
        List<Number[]> cells = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                double sum = 0;
                for (double[][] step : d) {
                    sum += step[l][h];
                }
                cells.add(new Number[] {h, l, Math.round(100 * sum / d.length) / 100.0}); // two decimals in the cells
            }
        }
        c.addSeries("density", IntStream.range(0, heads).mapToObj(Integer::toString).toList(),
                IntStream.range(0, layers).mapToObj(Integer::toString).toList(), cells);
        return png(c);
    }

    private static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a chart", e);
        }
    }
}
