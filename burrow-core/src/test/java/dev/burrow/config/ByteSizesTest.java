package dev.burrow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {
    @Test
    void bytesDecimalAndBinaryUnitsAreRead() {
        assertThat(ByteSizes.parse("1048576")).isEqualTo(1_048_576L);
        assertThat(ByteSizes.parse("500MB")).isEqualTo(500_000_000L);
        assertThat(ByteSizes.parse("10 GB")).isEqualTo(10_000_000_000L);
        assertThat(ByteSizes.parse("1tb")).isEqualTo(1_000_000_000_000L);
        assertThat(ByteSizes.parse("512MiB")).isEqualTo(512L << 20);
        assertThat(ByteSizes.parse("10GiB")).isEqualTo(10L << 30);
    }

    @Test
    void whatIsNotAnAmountSaysWhatWouldBe() {
        assertThatThrownBy(() -> ByteSizes.parse("ten gigs")).hasMessage(
                "'ten gigs' is not an amount of data (try 500MB, 10GB or 1TiB)");
        assertThatThrownBy(() -> ByteSizes.parse("-5GB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSizes.parse("99999999999TB")).hasMessage("'99999999999TB' is too large");
    }

    @Test
    void formattedInTheLargestDecimalUnit() {
        assertThat(ByteSizes.format(800)).isEqualTo("800 B");
        assertThat(ByteSizes.format(1_500_000_000L)).isEqualTo("1.5 GB");
        assertThat(ByteSizes.format(10_000_000_000L)).isEqualTo("10 GB");
    }
}
