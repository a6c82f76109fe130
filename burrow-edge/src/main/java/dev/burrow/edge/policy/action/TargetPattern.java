package dev.burrow.edge.policy.action;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.burrow.edge.policy.PolicyException;

/**
 * A {@code from} pattern and {@code to} replacement over a request target (path and query), as {@code redirect} and
 * {@code url-rewrite} use them: the first match of {@code from} is replaced by {@code to}, where {@code $1}... name
 * its groups. RE2 syntax and time: no backreferences, no lookaround, linear in the target's length.
 */
final class TargetPattern {
    private final Pattern from;
    private final String to;

    private TargetPattern(Pattern from, String to) {
        this.from = from;
        this.to = to;
    }

    /** {@code from} is optional for a redirect (every request), required for a rewrite. */
    static TargetPattern of(ActionConfig config, boolean fromRequired) throws PolicyException {
        String to = config.string("to");
        if (!config.has("from") && !fromRequired) {
            return new TargetPattern(null, to);
        }
        Pattern from;
        try {
            from = Pattern.compile(config.string("from"));
        } catch (PatternSyntaxException e) {
            throw config.problem("'from' is not a regular expression: " + e.getDescription());
        }
        Matcher groups = Pattern.compile("\\$\\{?(\\d+)").matcher(to);
        while (groups.find()) {
            if (Integer.parseInt(groups.group(1)) > from.groupCount()) {
                throw config.problem("'to' names group $" + groups.group(1) + " but 'from' has "
                        + from.groupCount());
            }
        }
        return new TargetPattern(from, to);
    }

    /** The target with its first match replaced, or null if {@code from} does not match it. */
    String apply(String target) {
        if (from == null) {
            return to;
        }
        Matcher matcher = from.matcher(target);
        return matcher.find() ? matcher.replaceFirst(to) : null;
    }
}
