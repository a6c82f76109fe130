package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
    @TempDir
    Path dataDir;

    private Cli.Result token(String... args) {
        String[] full = new String[args.length + 4];
        full[0] = "edge";
        full[1] = "token";
        System.arraycopy(args, 0, full, 2, args.length);
        full[full.length - 2] = "--data-dir";
        full[full.length - 1] = dataDir.toString();
        return Cli.run(full);
    }

    @Test
    void createPrintsTheTokenOnceAndWarnsItCannotBeShownAgain() {
        Cli.Result created = token("create", "--name", "laptop");

        assertThat(created.exitCode()).isZero();
        assertThat(created.out()).startsWith("brw_").hasLineCount(1);
        assertThat(created.err()).contains("cannot be shown again");

        Cli.Result listed = token("list");
        assertThat(listed.out()).doesNotContain(created.out().strip());
    }

    @Test
    void listShowsNameAndStatus() {
        token("create", "--name", "laptop");
        token("create", "--name", "ci");
        token("revoke", "ci");

        Cli.Result listed = token("list");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out().lines().toList())
                .hasSize(3)
                .first().asString().startsWith("ID").contains("NAME", "CREATED", "LAST USED", "STATUS");
        assertThat(listed.out()).containsPattern("laptop .*never +active")
                .containsPattern("ci .*never +revoked");
    }

    @Test
    void listOfNoTokensSaysHowToCreateOne() {
        Cli.Result listed = token("list");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).isEmpty();
        assertThat(listed.err()).contains("burrow edge token create");
    }

    @Test
    void revokeOfAnUnknownTokenFails() {
        Cli.Result revoked = token("revoke", "nobody");

        assertThat(revoked.exitCode()).isEqualTo(1);
        assertThat(revoked.err()).isEqualTo("burrow: no active token has the id or name 'nobody'"
                + System.lineSeparator());
    }

    @Test
    void dataDirGivenToTheEdgeCommandApplies() {
        token("create", "--name", "laptop");

        Cli.Result listed = Cli.run("edge", "--data-dir", dataDir.toString(), "token", "list");

        assertThat(listed.out()).contains("laptop");
    }

    @Test
    void duplicateActiveNameFails() {
        token("create", "--name", "laptop");

        Cli.Result again = token("create", "--name", "laptop");

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).startsWith("burrow: ").contains("laptop").hasLineCount(1);
        assertThat(again.out()).isEmpty();
    }
}
