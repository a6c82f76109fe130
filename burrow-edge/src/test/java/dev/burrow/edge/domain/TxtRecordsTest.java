package dev.burrow.edge.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TxtRecordsTest {
    private LoopbackDns dns;
    private TxtRecords records;

    @BeforeEach
    void setUp() throws Exception {
        dns = new LoopbackDns();
        records = TxtRecords.at(new InetSocketAddress("127.0.0.1", dns.port()));
    }

    @AfterEach
    void tearDown() {
        dns.close();
    }

    @Test
    void aValueSplitIntoSeveralStringsComesBackWhole() throws Exception {
        String long300 = "burrow-verify=" + "x".repeat(286);
        dns.txt("long.customer.test", long300);

        assertThat(records.of("long.customer.test")).containsExactly(long300);
    }

    @Test
    void spacesQuotesAndBackslashesInAValueComeBackAsTheyWere() throws Exception {
        dns.txt("odd.customer.test", "v=spf1 include:\"x\" a\\b", "");

        assertThat(records.of("odd.customer.test")).containsExactlyInAnyOrder("v=spf1 include:\"x\" a\\b", "");
    }

    @Test
    void aNameWithoutRecordsHasNone() throws Exception {
        assertThat(records.of("nothing.customer.test")).isEmpty();
    }
}
