package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.burrow.protocol.HostnameRules;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The Host header (an HTTP/2 request's {@code :authority}) is what a visitor chose, and routes the request:
 * {@link Hostnames#fromHostHeader} gives null or a name the tunnels' rules allow, the header's own host in lower case
 * without its port and trailing dot, so that a request never reaches a tunnel its Host does not name.
 */
class HostnamesFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void routesOnlyByAValidNameTheHeaderHolds(byte[] input) {
        String header = new String(input, StandardCharsets.ISO_8859_1);
        String name = Hostnames.fromHostHeader(header);
        if (name == null) {
            return;
        }
        assertThat(HostnameRules.isValidHostname(name) || HostnameRules.isValidLabel(name)).isTrue();
        String host = header.toLowerCase(Locale.ROOT);
        assertThat(host.equals(name) || host.equals(name + ".") || host.startsWith(name + ":")
                || host.startsWith(name + ".:")).as("%s from Host %s", name, header).isTrue();
        if (!host.equals(name) && !host.equals(name + ".")) {
            String port = host.substring(host.lastIndexOf(':') + 1);
            assertThat(port).matches("[0-9]{1,5}");
            assertThat(Integer.parseInt(port)).isBetween(0, 65535);
        }
    }
}
