package dev.burrow.e2e;

import dev.burrow.agent.HttpTunnelOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A tunnel behind one sign-in action, for the sign-in tests: a real edge and agent, a local upstream that echoes
 * what reaches it, and a visitor at {@value #HOST}.
 */
final class SignInTunnel implements AutoCloseable {
    static final String HOST = "app.burrow.test";

    final TestUpstream upstream;
    final TunnelHarness harness;
    final SignInVisitor visitor;

    SignInTunnel(Path dataDir) throws IOException {
        upstream = new TestUpstream();
        harness = new TunnelHarness(dataDir);
        visitor = new SignInVisitor(harness.httpPort(), HOST);
    }

    /** Binds the tunnel with one rule running the action {@code type} with {@code config} (YAML lines). */
    void bind(String type, String config) {
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("app")
                .withTrafficPolicy("on_http_request:\n  - actions:\n      - type: " + type + "\n        config:\n"
                        + config.indent(10)));
    }

    /** The tunnel's URL for {@code target}, as the visitor's browser names it. */
    String url(String target) {
        return "http://" + HOST + ":" + harness.httpPort() + target;
    }

    @Override
    public void close() {
        harness.close();
        upstream.close();
    }
}
