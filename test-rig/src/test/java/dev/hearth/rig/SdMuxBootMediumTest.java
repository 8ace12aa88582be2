package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SD-mux boot medium as far as a machine without the mux allows: the usbsdmux commands, the
 * real tool's refusal reported, and the image copy onto a file standing in for the card.
 */
class SdMuxBootMediumTest {

    @TempDir
    Path tmp;

    @Test
    void theMuxIsSwitchedWithUsbsdmuxOnItsControlDevice() {
        BootMediumResource.SdMux mux = new BootMediumResource.SdMux(Path.of("/dev/sg1"), Path.of("/dev/sda"));
        assertEquals("usbsdmux /dev/sg1 host", SdMuxBootMedium.switchCommand(mux, SdMuxBootMedium.Mode.HOST).toString());
        assertEquals("usbsdmux /dev/sg1 dut", SdMuxBootMedium.switchCommand(mux, SdMuxBootMedium.Mode.DUT).toString());
    }

    @Test
    void aMissingMuxIsReportedWithItsControlDeviceAndTheToolsMessage() throws Exception {
        Path image = Files.write(tmp.resolve("hearth.img"), new byte[4096]);
        SdMuxBootMedium medium = new SdMuxBootMedium(new BootMediumResource.SdMux(tmp.resolve("sg9"), tmp.resolve("card")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> medium.write(image));
        assertTrue(e.getMessage().startsWith("sd-mux " + tmp.resolve("sg9") + ": cannot switch to HOST"), e.getMessage());
        assertTrue(e.getMessage().contains("exited with"), e.getMessage());
    }

    @Test
    void theImageIsCopiedWholeOntoTheCardFromItsFirstByte() throws Exception {
        byte[] bytes = new byte[3 << 20];
        new Random(7).nextBytes(bytes);
        Path image = Files.write(tmp.resolve("hearth.img"), bytes);
        Path card = Files.write(tmp.resolve("card"), new byte[4 << 20]); // a bigger card, as a file
        SdMuxBootMedium.copy(image, card);
        byte[] written = Files.readAllBytes(card);
        assertArrayEquals(bytes, java.util.Arrays.copyOf(written, bytes.length));
        assertEquals(4 << 20, written.length, "the card keeps its size");
    }
}
