package jdit.backend;

import jdit.backend.cuda.CudaProbe;
import jdit.tensor.Device;

/**
 * Which device runs a model: {@code cpu}, or CUDA device {@code index} ({@code cuda} is {@code cuda:0}). Without a
 * choice the GPU is taken when {@link CudaProbe} finds one and the CPU otherwise; an explicit {@code cuda} on a machine
 * without a usable GPU is an error naming the probe's reason, never a silent fall back.
 */
public record DeviceChoice(Device.Kind kind, int index) {
    public static final DeviceChoice CPU = new DeviceChoice(Device.Kind.CPU, 0);

    public DeviceChoice {
        if (index < 0 || kind == Device.Kind.CPU && index != 0) {
            throw new IllegalArgumentException("invalid device " + kind + ":" + index);
        }
    }

    public static DeviceChoice cuda(int index) {
        return new DeviceChoice(Device.Kind.CUDA, index);
    }

    /** {@code cpu}, {@code cuda} or {@code cuda:N} (case-insensitive). */
    public static DeviceChoice parse(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda")) {
            return cuda(0);
        }
        if (s.startsWith("cuda:")) {
            String n = s.substring("cuda:".length());
            if (!n.isEmpty() && n.chars().allMatch(Character::isDigit) && n.length() <= 4) {
                return cuda(Integer.parseInt(n));
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "': use cpu, cuda or cuda:N (N the GPU's index, from 0)");
    }

    /**
     * The device to run on: {@code requested} when given (a CUDA one checked against {@code probe}), else cuda:0 when the
     * probe found a GPU and the CPU otherwise.
     */
    public static DeviceChoice resolve(DeviceChoice requested, CudaProbe.Result probe) {
        if (requested == null) {
            return probe.available() ? cuda(0) : CPU;
        }
        if (requested.kind() == Device.Kind.CUDA) {
            if (!probe.available()) {
                throw new IllegalArgumentException("device " + requested + " is not usable: " + probe.reason());
            }
            if (requested.index() >= probe.devices()) {
                throw new IllegalArgumentException("device " + requested + " does not exist: this machine has " + probe.devices()
                        + " GPU(s), cuda:0 to cuda:" + (probe.devices() - 1));
            }
        }
        return requested;
    }

    @Override
    public String toString() {
        return kind == Device.Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
