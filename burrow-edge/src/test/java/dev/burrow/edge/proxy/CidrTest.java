package dev.burrow.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    private static InetAddress ip(String literal) {
        return NetUtil.createInetAddressFromIpAddressString(literal);
    }

    @Test
    void anIpv4BlockHoldsExactlyItsAddresses() {
        Cidr block = Cidr.parse("10.0.0.0/8");

        assertThat(block.contains(ip("10.0.0.0"))).isTrue();
        assertThat(block.contains(ip("10.255.255.255"))).isTrue();
        assertThat(block.contains(ip("11.0.0.0"))).isFalse();
        assertThat(block.contains(ip("9.255.255.255"))).isFalse();
    }

    @Test
    void aPrefixInsideAByteCountsOnlyItsBits() {
        Cidr block = Cidr.parse("192.168.16.0/20");

        assertThat(block.contains(ip("192.168.16.1"))).isTrue();
        assertThat(block.contains(ip("192.168.31.255"))).isTrue();
        assertThat(block.contains(ip("192.168.32.0"))).isFalse();
        assertThat(block.contains(ip("192.168.15.255"))).isFalse();
    }

    @Test
    void aBareAddressIsABlockOfOne() {
        Cidr block = Cidr.parse(" 203.0.113.7 ");

        assertThat(block.prefixLength()).isEqualTo(32);
        assertThat(block.contains(ip("203.0.113.7"))).isTrue();
        assertThat(block.contains(ip("203.0.113.8"))).isFalse();
        assertThat(Cidr.parse("::1").contains(ip("::1"))).isTrue();
        assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
    }

    @Test
    void anIpv6BlockHoldsExactlyItsAddresses() {
        Cidr block = Cidr.parse("2001:db8::/33");

        assertThat(block.contains(ip("2001:db8::1"))).isTrue();
        assertThat(block.contains(ip("2001:db8:7fff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(block.contains(ip("2001:db8:8000::"))).isFalse();
        assertThat(block.contains(ip("2001:db9::"))).isFalse();
    }

    @Test
    void familiesNeverMatchEachOther() {
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
    }

    @Test
    void anyContainsLooksAtEveryBlock() {
        List<Cidr> blocks = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));

        assertThat(Cidr.anyContains(blocks, ip("fd12::1"))).isTrue();
        assertThat(Cidr.anyContains(blocks, ip("10.1.2.3"))).isTrue();
        assertThat(Cidr.anyContains(blocks, ip("192.0.2.1"))).isFalse();
        assertThat(Cidr.anyContains(List.of(), ip("10.1.2.3"))).isFalse();
    }

    @Test
    void printsAsWritten() {
        assertThat(Cidr.parse("10.0.0.0/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("2001:0db8:0:0::/32")).hasToString("2001:db8::/32");
    }

    @Test
    void hostBitsAfterThePrefixAreAMistakeWithASuggestion() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8"))
                .hasMessage("'10.1.2.3/8' has bits set after its /8 prefix; did you mean 10.0.0.0/8?");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::1/64"))
                .hasMessageContaining("did you mean 2001:db8::/64?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "10.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8",
            "::/129", "fe80::1%eth0", "10.0.0.0/ 8"})
    void whatIsNotABlockIsRefused(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void anIpv4MappedBlockIsRefusedWithAHint() {
        assertThatThrownBy(() -> Cidr.parse("::ffff:10.0.0.0/104")).hasMessageContaining("write an IPv4 block as IPv4");
    }
}
