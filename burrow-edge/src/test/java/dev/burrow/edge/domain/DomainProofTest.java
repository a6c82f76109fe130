package dev.burrow.edge.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.store.Domain;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Domain proofs against a real DNS server on loopback, and against servers that do not answer. */
class DomainProofTest {
    private static final Domain APP = new Domain("app.customer.test", "team", "s3cr3t-challenge", Instant.EPOCH,
            Optional.empty());
    private static final Domain WILDCARD = new Domain("*.customer.test", "team", "w1ld", Instant.EPOCH,
            Optional.empty());

    private LoopbackDns dns;
    private DomainProof proof;

    @BeforeEach
    void setUp() throws Exception {
        dns = new LoopbackDns();
        proof = new DomainProof(TxtRecords.at(new InetSocketAddress("127.0.0.1", dns.port())));
    }

    @AfterEach
    void tearDown() {
        dns.close();
    }

    @Test
    void theRightValueProvesTheDomainAmongOtherRecords() {
        dns.txt("_burrow-challenge.app.customer.test", "something else", "burrow-verify=s3cr3t-challenge");

        DomainProof.Result result = proof.check(APP);

        assertThat(result.outcome()).isEqualTo(DomainProof.Outcome.PROVEN);
        assertThat(result.proven()).isTrue();
    }

    @Test
    void aWildcardIsProvenAtItsDomainWithoutTheStar() {
        dns.txt("_burrow-challenge.customer.test", "burrow-verify=w1ld");

        assertThat(proof.check(WILDCARD).proven()).isTrue();
        assertThat(proof.check(APP).proven()).isFalse();
    }

    @Test
    void aMissingRecordSaysWhichRecordAndWhereItWasAskedFor() {
        DomainProof.Result result = proof.check(APP);

        assertThat(result.outcome()).isEqualTo(DomainProof.Outcome.NO_RECORD);
        assertThat(result.reason()).isEqualTo("there is no TXT record _burrow-challenge.app.customer.test (asked DNS"
                + " server 127.0.0.1:" + dns.port() + ")");
    }

    @Test
    void aWrongValueSaysWhatWasFoundAndWhatIsWanted() {
        dns.txt("_burrow-challenge.app.customer.test", "burrow-verify=old-challenge");

        DomainProof.Result result = proof.check(APP);

        assertThat(result.outcome()).isEqualTo(DomainProof.Outcome.WRONG_VALUE);
        assertThat(result.reason()).isEqualTo("the TXT record _burrow-challenge.app.customer.test holds"
                + " \"burrow-verify=old-challenge\", not \"burrow-verify=s3cr3t-challenge\"");
    }

    @Test
    void aClosedPortFailsAtOnceSayingTheServerDidNotAnswer() throws Exception {
        int closed;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            closed = socket.getLocalPort();
        }
        DomainProof nobody = new DomainProof(TxtRecords.at(new InetSocketAddress("127.0.0.1", closed)));

        long start = System.nanoTime();
        DomainProof.Result result = nobody.check(APP);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(result.outcome()).isEqualTo(DomainProof.Outcome.DNS_FAILED);
        assertThat(result.reason()).isEqualTo("could not look up the TXT record _burrow-challenge.app.customer.test:"
                + " DNS server 127.0.0.1:" + closed + " did not answer (2 tries, 3 s at most)");
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpWithinTheBound() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DomainProof unanswered = new DomainProof(TxtRecords.at(new InetSocketAddress("127.0.0.1",
                    silent.getLocalPort())));

            long start = System.nanoTime();
            DomainProof.Result result = unanswered.check(APP);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(result.outcome()).isEqualTo(DomainProof.Outcome.DNS_FAILED);
            assertThat(result.reason()).contains("did not answer");
            // Two tries, waiting 1 s then 2 s.
            assertThat(took).isBetween(Duration.ofMillis(2_900), Duration.ofSeconds(5));
        }
    }
}
