package dev.burrow.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --data-dir} for {@code burrow edge} and its token commands, which must agree on one directory. */
final class EdgeDataDir {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The edge's database and certificate"
                    + " (default: burrow/edge under $XDG_DATA_HOME, else under ~/.local/share).")
    Path dir;

    /**
     * This command's {@code --data-dir}, else one given to an enclosing command, so that
     * {@code burrow edge --data-dir D token list} does not quietly list the default directory's tokens.
     */
    Path resolve() {
        for (CommandSpec c = command; c != null; c = c.parent()) {
            for (CommandSpec mixin : c.mixins().values()) {
                if (mixin.userObject() instanceof EdgeDataDir option && option.dir != null) {
                    return option.dir;
                }
            }
        }
        return DataDirs.defaultFor("edge");
    }
}
