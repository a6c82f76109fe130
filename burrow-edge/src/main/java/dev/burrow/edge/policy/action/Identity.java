package dev.burrow.edge.policy.action;

import java.util.List;
import java.util.Locale;

/**
 * Who signed in, as a provider vouched for it.
 *
 * @param subject the account's stable id at the provider ({@code github:<id>} for GitHub)
 * @param login   the account's user name where the provider has one, else null
 * @param emails  the account's verified email addresses, the provider's preferred first; lower case, and only those
 *                fit for a header (no space or control character)
 */
record Identity(String subject, String login, List<String> emails) {
    Identity {
        if (subject == null || subject.isEmpty() || subject.length() > 255
                || !subject.chars().allMatch(c -> c >= 0x20 && c != 0x7F)) {
            throw new IllegalStateException("the provider's subject is not usable as an id");
        }
        emails = emails.stream().map(email -> email.toLowerCase(Locale.ROOT)).filter(Identity::plain).distinct()
                .toList();
    }

    private static boolean plain(String email) {
        return email.indexOf('@') > 0 && email.length() <= 254 && email.chars().allMatch(c -> c > 0x20 && c < 0x7F);
    }
}
