package dev.burrow.edge.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterAll;

/**
 * A domain's TXT record is written by whoever runs its DNS, and the edge reads it to prove a customer's domain:
 * through a DNS server on loopback, any printable value (split into strings of 255 bytes at most, as DNS hosts split
 * long values) comes back from {@link TxtRecords#of} as the one value it is.
 */
class TxtRecordsFuzzTest {
    private static final String NAME = "_burrow-challenge.customer.test";
    private static final LoopbackDns DNS = startDns();
    private static final TxtRecords RECORDS = TxtRecords.at(new InetSocketAddress("127.0.0.1", DNS.port()));

    private static LoopbackDns startDns() {
        try {
            return new LoopbackDns();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopDns() {
        DNS.close();
    }

    @FuzzTest(maxDuration = "10m")
    void aValueComesBackWhole(FuzzedDataProvider data) throws Exception {
        StringBuilder value = new StringBuilder();
        for (char c : data.consumeRemainingAsAsciiString().toCharArray()) {
            // What a DNS host serves: printable ASCII, including the space, quote and backslash JNDI escapes.
            if (c >= ' ' && c < 0x7f && value.length() < 400) {
                value.append(c);
            }
        }
        DNS.txt(NAME, value.toString());
        assertThat(RECORDS.of(NAME)).containsExactly(value.toString());
    }
}
