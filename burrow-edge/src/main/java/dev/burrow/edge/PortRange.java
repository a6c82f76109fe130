package dev.burrow.edge;

/** The public ports an edge hands to TCP tunnels, both ends included. */
public record PortRange(int first, int last) {
    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range " + first + "-" + last
                    + " must run from a lower to a higher port within 1-65535");
        }
    }

    /** Parses {@code 20000-20999}, or one port. */
    public static PortRange parse(String text) {
        String value = text.strip();
        int dash = value.indexOf('-');
        try {
            if (dash < 0) {
                int port = Integer.parseInt(value);
                return new PortRange(port, port);
            }
            return new PortRange(Integer.parseInt(value.substring(0, dash).strip()),
                    Integer.parseInt(value.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port range such as 20000-20999");
        }
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
