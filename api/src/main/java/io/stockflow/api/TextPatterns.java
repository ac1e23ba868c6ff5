package io.stockflow.api;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Regular expressions for text in requests, used both by bean validation ({@code @Pattern}) and, as
 * micronaut-openapi copies them, as the {@code pattern} of the OpenAPI document, so the server
 * accepts exactly what the document promises. They are written to mean the same in Java (which
 * matches the whole value), ECMA-262 and Python (which search in it, hence the anchors), so no
 * {@code \s}, {@code \S} or {@code .} — their sets differ between the engines: whitespace is spelt
 * out as {@link #WHITESPACE}.
 *
 * <p>No text may contain U+0000: PostgreSQL cannot store it (SQLSTATE 22021, also for a mere
 * lookup), so such a value is refused as malformed (400) before it reaches the database, and on
 * CockroachDB the same request gets the same answer.
 *
 * <p>{@link NoNul} and {@link NotBlank} put a pattern and its message on a parameter or field in
 * one annotation. They are Micronaut stereotypes, not Jakarta composed constraints:
 * micronaut-validation and micronaut-openapi both read the {@code @Pattern} they carry as if it
 * were declared on the element (a {@code @Constraint} of their own would make micronaut-validation
 * look for a validator of that annotation, and it has none).
 */
public final class TextPatterns {
  private TextPatterns() {}

  /**
   * Unicode's White_Space characters and the BOM, as one character-class body: U+0009..U+000D, the
   * file/group/record/unit separators and space, NEL, no-break space, the Unicode spaces, line and
   * paragraph separators.
   */
  public static final String WHITESPACE =
      "\\x09-\\x0D\\x1C-\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

  /** Any text without U+0000 (path and query identifiers, free text). */
  public static final String NO_NUL = "^[^\\x00]*$";

  public static final String NO_NUL_MESSAGE = "must not contain U+0000";

  /** Text without U+0000 with at least one character that is not {@link #WHITESPACE}. */
  public static final String NOT_BLANK = "^[^\\x00]*[^\\x00" + WHITESPACE + "][^\\x00]*$";

  /** The message of a {@link #NOT_BLANK} violation (bean validation's own wording). */
  public static final String NOT_BLANK_MESSAGE = "must not be blank";

  /** The value, when present, matches {@link #NO_NUL}. */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, FIELD, PARAMETER, TYPE_USE})
  @Pattern(regexp = NO_NUL, message = NO_NUL_MESSAGE)
  public @interface NoNul {}

  /**
   * The value, when present, matches {@link #NOT_BLANK} (null passes, as with every constraint but
   * {@code @NotNull}).
   */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, FIELD, PARAMETER, TYPE_USE})
  @Pattern(regexp = NOT_BLANK, message = NOT_BLANK_MESSAGE)
  public @interface NotBlank {}
}
