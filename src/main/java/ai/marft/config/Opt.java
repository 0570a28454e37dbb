package ai.marft.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The declaration of one training option, on its {@link TrainConfig} field (as TRL's dataclass
 * fields carry their help): the YAML/JSON loader, the command-line flags, {@code marft train --help}
 * and the validation all read it. The option's name is the field's name in snake_case, the
 * reference's flag name; its type and default are the field's.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Opt {
    /** One line for {@code --help}. */
    String help();

    /** Smallest allowed value of a number (inclusive unless {@link #minExclusive}). */
    double min() default Double.NEGATIVE_INFINITY;

    boolean minExclusive() default false;

    /** Largest allowed value of a number (inclusive). */
    double max() default Double.POSITIVE_INFINITY;

    /** Allowed values of a string, or of each element of a list of strings (empty: any). */
    String[] choices() default {};

    /** How the option relates to the reference's launch flags. */
    Ref ref() default Ref.SAME;

    /** Relation to the reference implementation's flag of the same name. */
    enum Ref {
        /** The reference's flag, same meaning (its sample launch's default unless the help says otherwise). */
        SAME,
        /** The reference's argparse {@code store_false} flag: naming it bare on the command line turns it OFF. */
        STORE_FALSE,
        /** Ours: the reference has no such flag. */
        OURS,
        /** The reference's flag, accepted and without effect here (a warning says so when it is set). */
        UNUSED
    }
}
