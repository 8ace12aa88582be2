package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RigFileTest {

    private static final Path RIGS = Path.of(System.getProperty("basedir", "."), "rigs");

    @Test
    void theRaspberryPi4RigOfTheReadmeReadsIntoItsResources() throws Exception {
        Rig rig = RigFile.read(RIGS.resolve("raspberrypi4.json"));
        assertEquals(new HubResource("tcp://192.168.1.10:1883", "hearth", "hearth-hub"), rig.hub());
        BoardSpec pi = rig.board("pi4-a");
        assertEquals("raspberrypi4", pi.boardSupport());
        assertEquals(new ConsoleResource.Serial(Path.of("/dev/serial/by-id/usb-FTDI_TTL232R-3V3_FT0ABCDE-if00-port0"), 115200), pi.console());
        assertEquals(new PowerResource.Gpio("gpiochip0", 17, true), pi.power());
        assertEquals(new BootMediumResource.SdMux(Path.of("/dev/sg1"),
                Path.of("/dev/disk/by-id/usb-LinuxAut_sdmux_HS-SD_MMC_000000000835-0:0")), pi.bootMedium());
        assertEquals(new BootTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(90), Duration.ofSeconds(180)), pi.timeouts());
        assertTrue(!pi.virtual());
    }

    @Test
    void theVirtualBoardRigResolvesItsImageAgainstTheFilesFolder() throws Exception {
        Rig rig = RigFile.read(RIGS.resolve("virtual.json"));
        BoardSpec b = rig.boards().get(0);
        assertTrue(b.virtual());
        assertEquals(Optional.of(RIGS.toAbsolutePath().resolve("../../firmware/target/firmware/hearth-qemu-virt-arm64-0.0.0-virtual-board.img").normalize()),
                b.qemu().image());
        assertEquals(List.of(new QemuMachine.Forward(18080, 8080)), b.qemu().forwards());
        assertEquals(QemuMachine.DEBIAN_UBOOT, b.qemu().firmware());
        assertEquals(QemuMachine.DEFAULT_CPUS, b.qemu().cpus());
        assertEquals(BootTimeouts.DEFAULTS, b.timeouts());
    }

    @Test
    void anUnknownKeyIsRefusedNamingItsPlace() {
        RigFileException e = assertThrows(RigFileException.class, () -> parse(board(
                "\"power\": {\"type\": \"gpio\", \"chip\": \"gpiochip0\", \"line\": 17, \"invert\": true}")));
        assertTrue(e.getMessage().contains("'boards[0].power.invert': unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("rig file test.json"), e.getMessage());
    }

    @Test
    void anUnknownTopLevelKeyIsRefused() {
        RigFileException e = assertThrows(RigFileException.class, () -> RigFile.parse(
                "{\"hub\": {\"broker\": \"tcp://h:1883\"}, \"boards\": [], \"places\": []}", "test.json", Path.of("/")));
        assertTrue(e.getMessage().contains("'places': unknown key"), e.getMessage());
    }

    @Test
    void aMissingKeyAWrongTypeAndABadValueAreRefusedNamingTheKey() {
        RigFileException missing = assertThrows(RigFileException.class, () -> parse(board(
                "\"power\": {\"type\": \"pdu\", \"url\": \"http://pdu.lab\"}")));
        assertTrue(missing.getMessage().contains("'boards[0].power.outlet': missing key"), missing.getMessage());
        RigFileException type = assertThrows(RigFileException.class, () -> parse(board(
                "\"power\": {\"type\": \"gpio\", \"chip\": \"gpiochip0\", \"line\": \"17\"}")));
        assertTrue(type.getMessage().contains("'boards[0].power.line' must be a whole number"), type.getMessage());
        RigFileException value = assertThrows(RigFileException.class, () -> parse(board(
                "\"power\": {\"type\": \"pdu\", \"url\": \"ftp://pdu.lab\", \"outlet\": 3}")));
        assertTrue(value.getMessage().contains("'boards[0].power'") && value.getMessage().contains("http(s) URL"), value.getMessage());
        RigFileException kind = assertThrows(RigFileException.class, () -> parse(board(
                "\"power\": {\"type\": \"usb-hub\"}")));
        assertTrue(kind.getMessage().contains("'boards[0].power.type' must be one of [qemu, gpio, pdu]"), kind.getMessage());
    }

    @Test
    void aBoardMixingTheVirtualBoardAndHardwareIsRefused() {
        RigFileException e = assertThrows(RigFileException.class, () -> parse(
                "{\"name\": \"b\", \"boardSupport\": \"raspberrypi4\", \"device\": \"d\", \"console\": {\"type\": \"qemu\"},"
                        + " \"power\": {\"type\": \"pdu\", \"url\": \"http://pdu.lab\", \"outlet\": 1},"
                        + " \"bootMedium\": {\"type\": \"qemu\"}}"));
        assertTrue(e.getMessage().contains("either all three are 'qemu' or none is"), e.getMessage());
    }

    @Test
    void aPduBoardReadsItsUrlAndOutlet() throws Exception {
        Rig rig = parse(board("\"power\": {\"type\": \"pdu\", \"url\": \"http://pdu.lab:8080/api\", \"outlet\": 4}"));
        assertEquals(new PowerResource.Pdu(URI.create("http://pdu.lab:8080/api"), 4), rig.boards().get(0).power());
    }

    private static String board(String power) {
        return "{\"name\": \"b\", \"boardSupport\": \"raspberrypi4\", \"device\": \"d\","
                + " \"console\": {\"type\": \"serial\", \"device\": \"/dev/ttyUSB0\", \"baud\": 115200}, " + power + ","
                + " \"bootMedium\": {\"type\": \"sdmux\", \"control\": \"/dev/sg1\", \"blockDevice\": \"/dev/sda\"}}";
    }

    private static Rig parse(String board) throws RigFileException {
        return RigFile.parse("{\"hub\": {\"broker\": \"tcp://127.0.0.1:1883\"}, \"boards\": [" + board + "]}", "test.json", Path.of("/"));
    }
}
