package dev.hearth.rig.scenario;

import dev.hearth.rig.BoardSpec;
import dev.hearth.rig.HubResource;
import dev.hearth.rig.QemuMachine;
import dev.hearth.rig.Rig;
import dev.hearth.rig.RigExtension;
import dev.hearth.rig.RigFile;
import dev.hearth.rig.RigFileException;
import dev.hearth.testsupport.Mosquitto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the scenario suite needs around a board: the rig and the board, the firmware image to flash
 * (provisioned for the board's device), the broker the hub and the device meet on, a web server
 * for update bundles, and the update bundles the scenarios install. One per run, shared by the
 * scenarios ({@link #shared()}), closed when the run ends.
 *
 * <p>Settings (system properties): {@code hearth.rig} (rig file; default the virtual board of
 * {@code test-rig/rigs/virtual.json}), {@code hearth.rig.board}, {@code hearth.rig.image} (default:
 * the virtual board's image), {@code hearth.rig.keys} (the signer of the image's build; default
 * {@code keys/} beside the image), {@code hearth.rig.work} (scratch space), and for boards on a
 * real rig {@code hearth.rig.hostAddress} (how the board reaches this host: the update server),
 * {@code hearth.rig.gateway} (the board's gateway as this host reaches it) and
 * {@code hearth.rig.deviceConfig} (a directory of the device's *.cfg files, the broker as the
 * board reaches it among them). On the virtual board the lab starts its own Mosquitto on a free
 * port and writes the device's configuration itself.
 */
public final class Lab implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);
    /** QEMU's user-mode network: the host's loopback as the guest sees it. */
    static final String VIRTUAL_HOST = "10.0.2.2";
    private static Lab shared;
    private static final String UPDATER_CONFIGURATION = "/etc/hearth/etc/dev.hearth.updater.cfg";

    private final Rig rig;
    private final BoardSpec board;
    private final Path work;
    private final FirmwareImage image;
    private final FirmwareImage flashed;
    private final Path keys;
    private final Path referenceBundle;
    private final String hostAddress;
    private final URI gateway;
    private final Optional<Mosquitto> broker;
    private final UpdateServer updates;
    private final Map<String, Path> bundles = new LinkedHashMap<>();
    private UpdateBundles bundleMaker;
    private Path rootA;

    private Lab(Rig rig, BoardSpec board, Path work, FirmwareImage image, Path keys, String hostAddress, URI gateway,
                Optional<Mosquitto> broker, Map<String, String> deviceConfiguration) {
        this.rig = rig;
        this.board = board;
        this.work = work;
        this.image = image;
        this.keys = keys;
        this.referenceBundle = sibling(image.file(), ".hup");
        this.hostAddress = hostAddress;
        this.gateway = gateway;
        this.broker = broker;
        this.updates = UpdateServer.start(InetAddress.getLoopbackAddress().equals(address(hostAddress))
                ? InetAddress.getLoopbackAddress() : wildcard(), 0);
        this.flashed = image.provision(work.resolve("flash.img"), deviceConfiguration);
        LOG.info("lab: board {} ({}), image {}, broker {}, update server :{}", board.name(), board.boardSupport(),
                image.file().getFileName(), rig.hub().brokerUrl(), updates.port());
    }

    /** The lab of this run, set up at first use from the system properties. */
    public static synchronized Lab shared() {
        if (shared == null) {
            shared = fromProperties();
            Runtime.getRuntime().addShutdownHook(new Thread(Lab::closeShared, "lab-close"));
        }
        return shared;
    }

    /** Closes the shared lab, if one was set up. */
    public static synchronized void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    private static Lab fromProperties() {
        Path rigFile = Path.of(System.getProperty("hearth.rig", defaultRigFile().toString())).toAbsolutePath();
        Rig fileRig;
        try {
            fileRig = RigFile.read(rigFile);
        } catch (RigFileException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        BoardSpec spec = Optional.ofNullable(System.getProperty("hearth.rig.board")).map(fileRig::board)
                .orElse(fileRig.boards().get(0));
        Path work = Path.of(System.getProperty("hearth.rig.work", "target/rig-work")).toAbsolutePath();
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("lab: cannot make " + work + ": " + e.getMessage(), e);
        }
        Path imageFile = Optional.ofNullable(System.getProperty("hearth.rig.image")).map(Path::of)
                .or(() -> spec.virtual() ? spec.qemu().image() : Optional.empty())
                .orElseThrow(() -> new IllegalStateException("lab: board " + spec.name()
                        + " is on a real rig: name the image to flash with -Dhearth.rig.image=FILE"))
                .toAbsolutePath();
        FirmwareImage image = FirmwareImage.open(imageFile);
        Path keys = Path.of(System.getProperty("hearth.rig.keys", imageFile.resolveSibling("keys").toString()));
        if (spec.virtual()) {
            int gatewayPort = spec.qemu().forwards().stream().filter(f -> f.guestPort() == 8080)
                    .map(QemuMachine.Forward::hostPort).findFirst()
                    .orElseThrow(() -> new IllegalStateException("lab: the virtual board forwards no host port to the gateway (8080)"));
            Mosquitto broker = Mosquitto.anonymous(work.resolve("mosquitto")).start();
            int port = broker.port();
            HubResource hub = new HubResource(broker.url(), fileRig.hub().account(), fileRig.hub().clientId());
            Rig rig = new Rig(hub, java.util.List.of(spec));
            Map<String, String> config = Map.of("dev.hearth.agent.cfg", String.join("\n",
                    "brokerUrl=tcp://" + VIRTUAL_HOST + ":" + port, "account=" + hub.account(), "clientId=" + spec.device(),
                    "allowedRequesters=" + hub.clientId(), "signingRequired=false", "telemetryIntervalSeconds=10",
                    // The emulated JVM needs seconds for what a board does in milliseconds.
                    "connectTimeoutMillis=20000", ""),
                    // A slot whose userland never comes up is rebooted after 4 minutes, not 15.
                    "dev.hearth.firmware.cfg", "watchdogSeconds=240\n");
            return new Lab(rig, spec, work, image, keys, VIRTUAL_HOST, URI.create("http://127.0.0.1:" + gatewayPort),
                    Optional.of(broker), config);
        }
        String host = required("hearth.rig.hostAddress", spec);
        URI gateway = URI.create(required("hearth.rig.gateway", spec));
        return new Lab(fileRig, spec, work, image, keys, host, gateway, Optional.empty(),
                deviceConfiguration(Path.of(required("hearth.rig.deviceConfig", spec))));
    }

    private static String required(String property, BoardSpec spec) {
        String v = System.getProperty(property, "");
        if (v.isBlank()) {
            throw new IllegalStateException("lab: board " + spec.name() + " is on a real rig: set -D" + property);
        }
        return v;
    }

    private static Map<String, String> deviceConfiguration(Path directory) {
        Map<String, String> files = new LinkedHashMap<>();
        try (var list = Files.list(directory)) {
            for (Path f : list.filter(p -> p.getFileName().toString().endsWith(".cfg")).sorted().toList()) {
                files.put(f.getFileName().toString(), Files.readString(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("lab: cannot read the device configuration in " + directory + ": " + e.getMessage(), e);
        }
        return files;
    }

    private static Path defaultRigFile() {
        Path here = Path.of("").toAbsolutePath();
        Path inModule = here.resolve("rigs/virtual.json");
        return Files.isRegularFile(inModule) ? inModule : here.resolve("test-rig/rigs/virtual.json");
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(VIRTUAL_HOST.equals(host) ? "127.0.0.1" : host);
        } catch (IOException e) {
            throw new UncheckedIOException("lab: cannot resolve " + host + ": " + e.getMessage(), e);
        }
    }

    private static InetAddress wildcard() {
        return new InetSocketAddress(0).getAddress();
    }

    private static Path sibling(Path image, String extension) {
        String name = image.getFileName().toString().replaceFirst("\\.img$", "");
        return image.resolveSibling(name + extension);
    }

    /** The extension giving the scenarios this lab's board; one per scenario class. */
    public RigExtension rigExtension() {
        return new RigExtension(rig, board.name());
    }

    public BoardSpec board() {
        return board;
    }

    /** The image provisioned for this board's device: what scenarios flash. */
    public Path flashImage() {
        return flashed.file();
    }

    /** The board's gateway, as this host reaches it. */
    public URI gateway() {
        return gateway;
    }

    /** The version the flashed firmware reports, as its build's update bundle names it. */
    public String firmwareVersion() {
        return bundles().reference().version();
    }

    /** The anti-rollback counter of the flashed firmware. */
    public long firmwareCounter() {
        return bundles().reference().counter();
    }

    private synchronized UpdateBundles bundles() {
        if (bundleMaker == null) {
            bundleMaker = UpdateBundles.of(keys, referenceBundle);
        }
        return bundleMaker;
    }

    private synchronized Path rootA() {
        if (rootA == null) {
            rootA = image.extractRootA(work.resolve("root-a.ext4"));
        }
        return rootA;
    }

    /**
     * The URL (as the board reaches it) of an update bundle named {@code name}, made once per run
     * from root A changed by {@code edits}, with {@code version} and {@code counter}.
     */
    public synchronized URI updateBundle(String name, String version, long counter,
                                         java.util.function.UnaryOperator<RootFileSystem> edits) {
        Path bundle = bundles.get(name);
        if (bundle == null) {
            Path root = edits.apply(RootFileSystem.copyOf(rootA(), work.resolve(name + ".ext4"))
                    .write("/etc/hearth/version", version + "\n")
                    .write("/etc/hearth/counter", counter + "\n")).apply();
            bundle = bundles().make(root, version, counter, work.resolve(name + ".hup"));
            try {
                Files.delete(root);
            } catch (IOException e) {
                throw new UncheckedIOException("lab: cannot remove " + root + ": " + e.getMessage(), e);
            }
            bundles.put(name, bundle);
            updates.publish(name + ".hup", bundle);
        }
        return URI.create("http://" + hostAddress + ":" + updates.port() + "/" + name + ".hup");
    }

    /** The next firmware: the flashed one with a new version and counter. */
    public URI nextFirmware() {
        return updateBundle("next", nextVersion(), firmwareCounter() + 1, root -> root);
    }

    public String nextVersion() {
        return firmwareVersion() + "-next";
    }

    /**
     * A firmware that boots but never becomes healthy: its updater requires a service no one
     * deploys and gives up after 60 s.
     */
    public URI unhealthyFirmware() {
        return updateBundle("unhealthy", firmwareVersion() + "-unhealthy", firmwareCounter() + 1, root -> {
            String kept = FirmwareImage.readFile(rootA(), UPDATER_CONFIGURATION).lines()
                    .filter(l -> !l.matches("\\s*(healthRequiredServices|healthDeadlineSeconds)\\s*[=:].*"))
                    .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
            return root.write(UPDATER_CONFIGURATION, kept + "# The rig's unhealthy firmware.\n"
                    + "healthRequiredServices=no-such-service\nhealthDeadlineSeconds=60\n");
        });
    }

    /** A firmware whose kernel finds no init: the slot never comes up, each attempt ends in a panic. */
    public URI unbootableFirmware() {
        return updateBundle("unbootable", firmwareVersion() + "-unbootable", firmwareCounter() + 1,
                root -> root.remove("/sbin/init"));
    }

    public UpdateServer updateServer() {
        return updates;
    }

    @Override
    public void close() {
        updates.close();
        broker.ifPresent(Mosquitto::close);
    }
}
