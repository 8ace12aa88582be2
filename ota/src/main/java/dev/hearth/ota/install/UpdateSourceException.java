package dev.hearth.ota.install;

import java.io.IOException;

/**
 * The source stopped delivering the update bundle (its sender went away, the transfer was
 * abandoned): not the bundle's fault. The installer does not turn it into a refusal or a failed
 * payload but lets it through, so that the caller reports a broken install; the target slot stays
 * marked bad and nothing is switched.
 */
public final class UpdateSourceException extends IOException {

    private static final long serialVersionUID = 1L;

    public UpdateSourceException(String message) {
        super(message);
    }
}
