package jdit.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdit.backend.cuda.CudaProbe;
import jdit.tensor.Device;
import org.junit.jupiter.api.Test;

/** Parsing {@code cpu | cuda[:N]} and resolving it against what the GPU probe found. */
class DeviceChoiceTest {
    private static final CudaProbe.Result NO_GPU = new CudaProbe.Result(0, "no jnicudart in java.library.path");
    private static final CudaProbe.Result TWO_GPUS = new CudaProbe.Result(2, "");

    @Test
    void parsesCpuCudaAndAnIndex() {
        assertEquals(DeviceChoice.CPU, DeviceChoice.parse("cpu"));
        assertEquals(new DeviceChoice(Device.Kind.CUDA, 0), DeviceChoice.parse("cuda"));
        assertEquals(DeviceChoice.cuda(1), DeviceChoice.parse("cuda:1"));
        assertEquals(DeviceChoice.cuda(12), DeviceChoice.parse(" CUDA:12 "));
        assertEquals("cuda:1", DeviceChoice.parse("cuda:1").toString());
        assertEquals("cpu", DeviceChoice.CPU.toString());
    }

    @Test
    void badValuesSayWhatIsAccepted() {
        for (String bad : new String[] {"gpu", "cuda:", "cuda:-1", "cuda:x", "cpu:0", "cuda:1:2", "", "cuda:99999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse(bad), bad);
            assertTrue(e.getMessage().contains("use cpu, cuda or cuda:N"), e.getMessage());
        }
    }

    @Test
    void withoutAChoiceTheGpuIsTakenWhenThereIsOne() {
        assertEquals(DeviceChoice.CPU, DeviceChoice.resolve(null, NO_GPU));
        assertEquals(DeviceChoice.cuda(0), DeviceChoice.resolve(null, TWO_GPUS));
        assertEquals(DeviceChoice.CPU, DeviceChoice.resolve(DeviceChoice.CPU, TWO_GPUS));
        assertEquals(DeviceChoice.cuda(1), DeviceChoice.resolve(DeviceChoice.cuda(1), TWO_GPUS));
    }

    @Test
    void cudaWithoutAUsableGpuNamesTheProbesReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceChoice.resolve(DeviceChoice.cuda(0), NO_GPU));
        assertEquals("device cuda:0 is not usable: no jnicudart in java.library.path", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DeviceChoice.resolve(DeviceChoice.cuda(2), TWO_GPUS));
        assertTrue(missing.getMessage().contains("cuda:0 to cuda:1"), missing.getMessage());
    }

    @Test
    void thisMachinesDefaultFollowsTheProbe() {
        CudaProbe.Result probe = CudaProbe.result();
        assertEquals(probe.available() ? DeviceChoice.cuda(0) : DeviceChoice.CPU, DeviceChoice.resolve(null, probe));
    }
}
