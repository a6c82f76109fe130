package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.ContentCoding;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which of the codings the edge offers a request's {@code Accept-Encoding} lets its answer have (RFC 9110 section
 * 12.5.3): the one with the highest weight, the offer's order breaking ties; {@code q=0} refuses a coding, {@code *}
 * stands for those not named, {@code x-gzip} is gzip. A request without the field gets none: the body goes as it is.
 */
final class AcceptEncoding {
    /** A coding the request did not mention, and no {@code *} either. */
    private static final int UNSAID = -1;

    private AcceptEncoding() {
    }

    /**
     * @param fields the request's {@code Accept-Encoding} values, one per field line
     * @param offered what the edge can apply, most wanted first
     * @return the coding to apply, or null to send the body as it is
     */
    static ContentCoding choose(List<String> fields, List<ContentCoding> offered) {
        int[] weights = new int[ContentCoding.values().length];
        Arrays.fill(weights, UNSAID);
        int anyOther = UNSAID;
        for (String field : fields) {
            for (String element : field.split(",")) {
                int semicolon = element.indexOf(';');
                String name = (semicolon < 0 ? element : element.substring(0, semicolon)).strip()
                        .toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                int weight = semicolon < 0 ? 1000 : weight(element.substring(semicolon + 1));
                if (weight == UNSAID) {
                    continue;
                }
                if (name.equals("*")) {
                    anyOther = Math.max(anyOther, weight);
                    continue;
                }
                ContentCoding coding = ContentCoding.of(name.equals("x-gzip") ? "gzip" : name);
                if (coding != null) {
                    weights[coding.ordinal()] = Math.max(weights[coding.ordinal()], weight);
                }
            }
        }
        ContentCoding best = null;
        int bestWeight = 0;
        for (ContentCoding coding : offered) {
            int weight = weights[coding.ordinal()] != UNSAID ? weights[coding.ordinal()] : anyOther;
            if (weight > bestWeight) {
                best = coding;
                bestWeight = weight;
            }
        }
        return best;
    }

    /**
     * The weight of an element's parameters in thousandths: 1000 without {@code q}; {@link #UNSAID} for a
     * {@code q} that is not a qvalue, so that the element counts as not written.
     */
    private static int weight(String parameters) {
        for (String parameter : parameters.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals < 0 || !parameter.substring(0, equals).strip().equalsIgnoreCase("q")) {
                continue;
            }
            return qvalue(parameter.substring(equals + 1).strip());
        }
        return 1000;
    }

    /** RFC 9110's {@code qvalue}: {@code 0} to {@code 1} with at most three decimals. */
    private static int qvalue(String text) {
        if (!text.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
            return UNSAID;
        }
        int dot = text.indexOf('.');
        if (dot < 0) {
            return Integer.parseInt(text) * 1000;
        }
        String decimals = (text.substring(dot + 1) + "000").substring(0, 3);
        return Integer.parseInt(text.substring(0, dot)) * 1000 + Integer.parseInt(decimals);
    }
}
