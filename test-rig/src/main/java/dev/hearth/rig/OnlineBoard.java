package dev.hearth.rig;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The board is ONLINE before the test: booted, its birth certificate on the hub. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@BoardIn(BoardState.ONLINE)
public @interface OnlineBoard {
}
