package dev.burrow.edge.proxy;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A block of IP addresses in CIDR notation, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a block
 * of one. An IPv4 block matches IPv4 clients only and an IPv6 block IPv6 ones (the JDK reports an IPv4 client of a
 * dual-stack listener as IPv4). Parsing never looks a name up.
 */
public record Cidr(InetAddress network, int prefixLength) {
    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not between 0 and " + bits);
        }
    }

    public static Cidr parse(String text) {
        String value = text.strip();
        int slash = value.indexOf('/');
        byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? value : value.substring(0, slash));
        if (address == null || value.contains("%")) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or a CIDR block such as"
                    + " 10.0.0.0/8 or 2001:db8::/32");
        }
        if (address.length == 16 && toAddress(address) instanceof Inet4Address) {
            throw new IllegalArgumentException("'" + text + "': write an IPv4 block as IPv4, such as 10.0.0.0/8");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = value.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("'" + text + "': the prefix length after / must be between 0 and "
                        + bits);
            }
            prefix = Integer.parseInt(length);
        }
        Cidr block = new Cidr(toAddress(address), prefix);
        if (!block.equals(block.masked())) {
            // A host address with a prefix (10.1.2.3/8) is most often a typing mistake: say what it would mean.
            throw new IllegalArgumentException("'" + text + "' has bits set after its /" + prefix + " prefix; did"
                    + " you mean " + block.masked() + "?");
        }
        return block;
    }

    /** True if {@code address} lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        byte[] mine = network.getAddress();
        if (candidate.length != mine.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (candidate[i] != mine[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[whole] & mask) == (mine[whole] & mask);
    }

    /** True if any of {@code blocks} contains {@code address}. */
    public static boolean anyContains(List<Cidr> blocks, InetAddress address) {
        for (Cidr block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** This block with every bit after the prefix cleared. */
    private Cidr masked() {
        byte[] bytes = network.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new Cidr(toAddress(bytes), prefixLength);
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length, e);
        }
    }

    /** As written in configuration: {@code 10.0.0.0/8}, {@code 2001:db8::/32}. */
    @Override
    public String toString() {
        return NetUtil.toAddressString(network) + "/" + prefixLength;
    }
}
