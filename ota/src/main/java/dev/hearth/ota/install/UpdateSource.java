package dev.hearth.ota.install;

import java.io.IOException;
import java.io.InputStream;

/** Where an update bundle comes from, read once start to end. */
public interface UpdateSource {

    /** A fresh stream of the whole bundle from its first byte. */
    InputStream open() throws IOException;
}
