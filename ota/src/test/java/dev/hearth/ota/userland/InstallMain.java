package dev.hearth.ota.userland;

import dev.hearth.ota.Keyring;
import dev.hearth.ota.UpdatePolicy;
import dev.hearth.ota.install.FileUpdateSource;
import dev.hearth.ota.install.InstallProgress;
import dev.hearth.ota.install.Installer;
import java.nio.file.Path;

/** Installs a userland bundle in a process of its own (run under a file size limit) and prints the result. */
public final class InstallMain {

    private InstallMain() {
    }

    public static void main(String[] args) throws Exception {
        UserlandInstaller installer = new UserlandInstaller(Keyring.fromPem(Path.of(args[2])),
                new UserlandStore(Path.of(args[0])), Installer.Settings.defaults());
        System.out.println(installer.install(new FileUpdateSource(Path.of(args[1])), UpdatePolicy.of(args[3], 0),
                InstallProgress.NONE));
    }
}
