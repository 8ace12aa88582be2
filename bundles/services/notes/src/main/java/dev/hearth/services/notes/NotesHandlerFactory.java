package dev.hearth.services.notes;

import dev.hearth.service.HandlerContext;
import dev.hearth.service.ServiceHandler;
import dev.hearth.service.ServiceHandlerFactory;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;

/**
 * Makes the handler of each {@code notes} instance: a {@link NotesHandler} over the notes in
 * {@code <dataDirectory>/notes/}. Every instance of the service shares that directory.
 */
@Component(service = ServiceHandlerFactory.class,
        property = ServiceHandlerFactory.NAME_PROPERTY + "=" + NotesHandlerFactory.NAME)
public final class NotesHandlerFactory implements ServiceHandlerFactory {

    /** The handler name a service spec puts in its {@code image}. */
    public static final String NAME = "notes";

    /** The folder of the service's data directory that holds the notes. */
    public static final String NOTES_FOLDER = "notes";

    /** Prepares the JSON machinery here, off the cold-start path of the first instance. */
    public NotesHandlerFactory() {
        NoteJson.prepare();
    }

    @Override
    public ServiceHandler create(HandlerContext context) throws IOException {
        return new NotesHandler(NoteStore.open(context.dataDirectory().resolve(NOTES_FOLDER)));
    }
}
