package dev.hearth.rig;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The state {@link RigExtension} brings the board to before each test (on a test method, or on
 * its class for every test). Without it the board is left as the previous test left it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface BoardIn {

    BoardState value();
}
