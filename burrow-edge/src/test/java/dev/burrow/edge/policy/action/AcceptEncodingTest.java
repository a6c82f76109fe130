package dev.burrow.edge.policy.action;

import static dev.burrow.edge.policy.ContentCoding.DEFLATE;
import static dev.burrow.edge.policy.ContentCoding.GZIP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.ContentCoding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which coding a request's Accept-Encoding lets the edge apply, of those it offers in its order. */
class AcceptEncodingTest {
    private static final List<ContentCoding> BOTH = List.of(GZIP, DEFLATE);

    private static ContentCoding choose(String... fields) {
        return AcceptEncoding.choose(List.of(fields), BOTH);
    }

    @Test
    void noFieldOrAnEmptyOneMeansTheBodyGoesAsItIs() {
        assertThat(AcceptEncoding.choose(List.of(), BOTH)).isNull();
        assertThat(choose("")).isNull();
        assertThat(choose("identity")).isNull();
        assertThat(choose("br, zstd")).as("only codings the edge does not offer").isNull();
    }

    @Test
    void equalWeightsGoByTheEdgesOrderAndAHigherWeightWins() {
        assertThat(choose("deflate, gzip")).isEqualTo(GZIP);
        assertThat(AcceptEncoding.choose(List.of("gzip, deflate"), List.of(DEFLATE, GZIP))).isEqualTo(DEFLATE);
        assertThat(choose("gzip;q=0.5, deflate")).isEqualTo(DEFLATE);
        assertThat(choose("gzip;q=0.501", "deflate;q=0.5")).as("two field lines, thousandths count")
                .isEqualTo(GZIP);
        assertThat(choose("br;q=1.0, GZIP ; Q=0.8")).as("names and q in any case, spaces around ;")
                .isEqualTo(GZIP);
        assertThat(choose("x-gzip")).isEqualTo(GZIP);
    }

    @Test
    void zeroRefusesACodingAndTheOtherIsTakenIfAccepted() {
        assertThat(choose("gzip;q=0")).isNull();
        assertThat(choose("gzip;q=0.000, deflate")).isEqualTo(DEFLATE);
        assertThat(AcceptEncoding.choose(List.of("gzip;q=0, deflate"), List.of(GZIP))).isNull();
    }

    @Test
    void aStarStandsForTheCodingsNotNamed() {
        assertThat(choose("*")).isEqualTo(GZIP);
        assertThat(choose("gzip;q=0, *")).isEqualTo(DEFLATE);
        assertThat(choose("*;q=0")).isNull();
        assertThat(choose("*;q=0, deflate;q=0.2")).isEqualTo(DEFLATE);
    }

    @Test
    void aWeightThatIsNotAQvalueLeavesItsElementOut() {
        assertThat(choose("gzip;q=2")).isNull();
        assertThat(choose("gzip;q=abc, deflate;q=0.1")).isEqualTo(DEFLATE);
        assertThat(choose("gzip;q=0.1234")).isNull();
        assertThat(choose("gzip;q=1.001")).isNull();
        assertThat(choose("gzip;level=1")).as("other parameters leave the weight at 1").isEqualTo(GZIP);
    }
}
