package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.AgentListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCommandTest {
    @TempDir
    Path dataDir;

    private DevSession start(String... extraArgs) throws IOException {
        String[] args = new String[extraArgs.length + 5];
        args[0] = "dev";
        args[1] = "--data-dir";
        args[2] = dataDir.toString();
        args[3] = "--http-port";
        args[4] = "0";
        System.arraycopy(extraArgs, 0, args, 5, extraArgs.length);
        return Cli.parse(DevCommand.class, args).start(AgentListener.NONE);
    }

    @Test
    void servesTheDemoPageThroughTheTunnel() throws IOException {
        try (DevSession session = start("--subdomain", "demo")) {
            assertThat(session.url()).isEqualTo("http://demo.localhost:" + session.edge().httpAddress().getPort());
            assertThat(session.upstream().host()).isEqualTo("127.0.0.1");

            assertThat(RawHttp.get(session.edge().httpAddress(), session.url(), "/some/path"))
                    .startsWith("HTTP/1.1 200")
                    .contains("Hello from Burrow", "<code>/some/path</code>");
        }
    }

    @Test
    void reusesItsTokenAcrossRunsAndKeepsItPrivate() throws IOException {
        try (DevSession first = start()) {
            assertThat(first.agent().isConnected()).isTrue();
        }
        Path tokenFile = dataDir.resolve(DevToken.FILE_NAME);
        String token = Files.readString(tokenFile);

        try (DevSession second = start()) {
            assertThat(second.agent().isConnected()).isTrue();
            assertThat(Files.readString(tokenFile)).isEqualTo(token);
            assertThat(second.edge().store().tokens().list()).hasSize(1);
        }
        if (tokenFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void replacesATokenThatNoLongerVerifies() throws IOException {
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve(DevToken.FILE_NAME), "brw_stale_token\n");

        try (DevSession session = start()) {
            assertThat(session.agent().isConnected()).isTrue();
            assertThat(session.edge().store().tokens().list()).singleElement()
                    .satisfies(t -> assertThat(t.name()).startsWith("dev-agent-"));
        }
    }

    @Test
    void takenExplicitPortFailsNamingTheOption() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result result = Cli.run("dev", "--data-dir", dataDir.toString(),
                    "--http-port", String.valueOf(taken.getLocalPort()));

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("(--http-port)").hasLineCount(1);
        }
    }

    @Test
    void demoPageEscapesThePath() {
        assertThat(DemoServer.page("/<script>", Instant.EPOCH))
                .contains("&lt;script&gt;")
                .doesNotContain("<script>");
    }
}
