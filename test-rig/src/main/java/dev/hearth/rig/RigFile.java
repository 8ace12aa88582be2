package dev.hearth.rig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a rig file: JSON, strict. Unknown keys, missing keys, wrong types and bad values are
 * refused with the file, the key's path ({@code boards[0].power.line}) and the reason. Relative
 * paths (a virtual board's image) are resolved against the file's folder. The format is in
 * test-rig/README.md.
 */
public final class RigFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private RigFile() {
    }

    public static Rig read(Path file) throws RigFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new RigFileException("rig file " + file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /** Parses a rig file's text; {@code source} names it in errors, relative paths resolve against {@code folder}. */
    public static Rig parse(String text, String source, Path folder) throws RigFileException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RigFileException("rig file " + source + ": not JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return rig(new Node(root, ""), folder);
        } catch (IllegalArgumentException e) {
            throw new RigFileException("rig file " + source + ": " + e.getMessage(), e);
        }
    }

    private static Rig rig(Node root, Path folder) {
        root.only("hub", "boards");
        Node hub = root.object("hub");
        hub.only("broker", "account", "clientId");
        HubResource hubResource = new HubResource(hub.string("broker"),
                hub.optionalString("account").orElse(HubResource.DEFAULT_ACCOUNT),
                hub.optionalString("clientId").orElse(HubResource.DEFAULT_CLIENT_ID));
        List<BoardSpec> boards = new ArrayList<>();
        for (Node b : root.array("boards")) {
            boards.add(board(b, folder));
        }
        return new Rig(hubResource, boards);
    }

    private static BoardSpec board(Node b, Path folder) {
        b.only("name", "boardSupport", "device", "console", "power", "bootMedium", "qemu", "timeouts");
        String name = b.string("name");
        Node c = b.object("console");
        ConsoleResource console = switch (c.type("qemu", "serial")) {
            case "qemu" -> { c.only("type"); yield new ConsoleResource.Qemu(); }
            default -> { c.only("type", "device", "baud"); yield c.wrap(() -> new ConsoleResource.Serial(Path.of(c.string("device")), c.integer("baud"))); }
        };
        Node p = b.object("power");
        PowerResource power = switch (p.type("qemu", "gpio", "pdu")) {
            case "qemu" -> { p.only("type"); yield new PowerResource.Qemu(); }
            case "gpio" -> {
                p.only("type", "chip", "line", "activeLow");
                yield p.wrap(() -> new PowerResource.Gpio(p.string("chip"), p.integer("line"), p.optionalBoolean("activeLow").orElse(false)));
            }
            default -> { p.only("type", "url", "outlet"); yield p.wrap(() -> new PowerResource.Pdu(p.uri("url"), p.integer("outlet"))); }
        };
        Node m = b.object("bootMedium");
        BootMediumResource medium = switch (m.type("qemu", "sdmux")) {
            case "qemu" -> { m.only("type"); yield new BootMediumResource.Qemu(); }
            default -> {
                m.only("type", "control", "blockDevice");
                yield m.wrap(() -> new BootMediumResource.SdMux(Path.of(m.string("control")), Path.of(m.string("blockDevice"))));
            }
        };
        QemuMachine qemu = QemuMachine.bootloaderOnly();
        if (b.has("qemu")) {
            Node q = b.object("qemu");
            q.only("image", "firmware", "memoryMib", "cpus", "forwards");
            List<QemuMachine.Forward> forwards = new ArrayList<>();
            if (q.has("forwards")) {
                for (Node f : q.array("forwards")) {
                    forwards.add(f.wrap(() -> forward(f)));
                }
            }
            qemu = q.wrap(() -> new QemuMachine(q.optionalString("image").map(i -> folder.resolve(i).normalize()),
                    q.optionalString("firmware").map(Path::of).orElse(QemuMachine.DEBIAN_UBOOT),
                    q.optionalInteger("memoryMib").orElse(QemuMachine.DEFAULT_MEMORY_MIB),
                    q.optionalInteger("cpus").orElse(QemuMachine.DEFAULT_CPUS), forwards));
        }
        BootTimeouts timeouts = BootTimeouts.DEFAULTS;
        if (b.has("timeouts")) {
            Node t = b.object("timeouts");
            t.only("bootloaderSeconds", "shellSeconds", "onlineSeconds");
            timeouts = t.wrap(() -> new BootTimeouts(
                    t.optionalInteger("bootloaderSeconds").map(Duration::ofSeconds).orElse(BootTimeouts.DEFAULTS.bootloader()),
                    t.optionalInteger("shellSeconds").map(Duration::ofSeconds).orElse(BootTimeouts.DEFAULTS.shell()),
                    t.optionalInteger("onlineSeconds").map(Duration::ofSeconds).orElse(BootTimeouts.DEFAULTS.online())));
        }
        String boardSupport = b.string("boardSupport");
        String device = b.string("device");
        QemuMachine machine = qemu;
        BootTimeouts bootTimeouts = timeouts;
        return b.wrap(() -> new BoardSpec(name, boardSupport, device, console, power, medium, machine, bootTimeouts));
    }

    private static QemuMachine.Forward forward(Node f) {
        String s = f.text();
        String[] parts = s.split(":", -1);
        if (parts.length != 2 || !parts[0].matches("\\d{1,5}") || !parts[1].matches("\\d{1,5}")) {
            throw new IllegalArgumentException("must be HOSTPORT:GUESTPORT, was '" + s + "'");
        }
        return new QemuMachine.Forward(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    /** A JSON value and where it is in the file; every error names that place. */
    private record Node(JsonNode value, String path) {

        interface Build<T> {
            T build();
        }

        /** Builds a record from this node; a refused value is reported at this node's path. */
        <T> T wrap(Build<T> build) {
            try {
                return build.build();
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("'")) {
                    throw e; // already names its key
                }
                throw new IllegalArgumentException("'" + (path.isEmpty() ? "(top)" : path) + "': " + e.getMessage(), e);
            }
        }

        private String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        void only(String... keys) {
            if (!value.isObject()) {
                throw new IllegalArgumentException("'" + (path.isEmpty() ? "(top)" : path) + "' must be an object");
            }
            Set<String> known = Set.of(keys);
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("'" + at(k) + "': unknown key (known here: " + new TreeSet<>(known) + ")");
                }
            }
        }

        boolean has(String key) {
            return value.has(key);
        }

        private JsonNode required(String key) {
            JsonNode v = value.get(key);
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException("'" + at(key) + "': missing key");
            }
            return v;
        }

        Node object(String key) {
            JsonNode v = required(key);
            if (!v.isObject()) {
                throw new IllegalArgumentException("'" + at(key) + "' must be an object");
            }
            return new Node(v, at(key));
        }

        List<Node> array(String key) {
            JsonNode v = required(key);
            if (!v.isArray()) {
                throw new IllegalArgumentException("'" + at(key) + "' must be an array");
            }
            List<Node> items = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                items.add(new Node(v.get(i), at(key) + "[" + i + "]"));
            }
            return items;
        }

        String text() {
            if (!value.isTextual()) {
                throw new IllegalArgumentException("'" + path + "' must be a string");
            }
            return value.asText();
        }

        String string(String key) {
            JsonNode v = required(key);
            if (!v.isTextual() || v.asText().isBlank()) {
                throw new IllegalArgumentException("'" + at(key) + "' must be a non-empty string");
            }
            return v.asText();
        }

        Optional<String> optionalString(String key) {
            return has(key) ? Optional.of(string(key)) : Optional.empty();
        }

        int integer(String key) {
            JsonNode v = required(key);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new IllegalArgumentException("'" + at(key) + "' must be a whole number, was " + v);
            }
            return v.intValue();
        }

        Optional<Integer> optionalInteger(String key) {
            return has(key) ? Optional.of(integer(key)) : Optional.empty();
        }

        Optional<Boolean> optionalBoolean(String key) {
            if (!has(key)) {
                return Optional.empty();
            }
            JsonNode v = value.get(key);
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("'" + at(key) + "' must be true or false, was " + v);
            }
            return Optional.of(v.booleanValue());
        }

        URI uri(String key) {
            try {
                return new URI(string(key));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + at(key) + "' is not a URL: " + e.getMessage(), e);
            }
        }

        /** The {@code type} key, one of {@code types}. */
        String type(String... types) {
            String t = string("type");
            if (!List.of(types).contains(t)) {
                throw new IllegalArgumentException("'" + at("type") + "' must be one of " + List.of(types) + ", was '" + t + "'");
            }
            return t;
        }
    }
}
