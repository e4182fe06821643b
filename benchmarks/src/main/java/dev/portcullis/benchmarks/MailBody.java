package dev.portcullis.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The JSON body an agent POSTs to a mail API in the design story: sender, recipients, subject, a
 * message of about 3 KB of support prose that quotes one customer record (name, e-mail address,
 * phone number, payment card, IBAN), headers, an attachment descriptor and metadata with nested
 * objects, numbers and an IP address. {@value #SIZE} bytes of UTF-8 whatever the recipient
 * (a trace id in the metadata takes up the rest).
 */
public final class MailBody {

    /** The body's size in bytes. */
    public static final int SIZE = 4096;

    /** The customer record quoted in the message. */
    public static final String CUSTOMER_RECORD = "Customer: Jane Roe, jane.roe@mail.test, +1 415 555 2671, "
            + "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00";

    private static final String[] PROSE = {
        "Thank you for contacting the support team about the billing discrepancy on the last statement.",
        "We reviewed the account history for the past twelve months and compared every invoice with the payments received.",
        "Two charges were applied twice because the renewal job ran again after a timeout in the payment provider.",
        "The duplicate amounts have been reversed and will appear on the next statement as separate credit lines.",
        "No further action is needed on your side, and the subscription stays active without interruption.",
        "If the credit does not show within ten business days, reply to this message and quote the ticket number.",
        "For security reasons we never ask for passwords or one-time codes by e-mail or over the phone.",
        "The summary of the account review is attached for your records, together with the list of affected invoices.",
    };

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MailBody() {}

    /**
     * The message (the {@code body} member, as the JSON parser decodes it): ~3.3 KB of prose with
     * line breaks; with {@code record}, the prose quotes {@link #CUSTOMER_RECORD} after ~1.4 KB,
     * without it a sentence of prose stands there instead, and the message holds no digit, no
     * {@code @} and nothing a PII detector should find (the load test's message).
     */
    public static String message(boolean record) {
        return escapedMessage(record).replace("\\n", "\n");
    }

    /** The message as written in the JSON body: line breaks as {@code \\n} escapes. */
    private static String escapedMessage(boolean record) {
        StringBuilder message = new StringBuilder(3300).append("Hello,\\n\\n");
        for (int i = 0; message.length() < 1400; i++) {
            message.append(PROSE[i % PROSE.length]).append(' ');
        }
        if (record) {
            message.append("\\n\\nFor reference, the record we reviewed: ").append(CUSTOMER_RECORD).append(".\\n\\n");
        } else {
            message.append("\\n\\nFor reference, the review covered every renewal, refund and credit line on the account.\\n\\n");
        }
        for (int i = 3; message.length() < 3300; i++) {
            message.append(PROSE[i % PROSE.length]).append(' ');
        }
        return message.append("\\n\\nKind regards,\\nThe support team").toString();
    }

    /** The body for a message to {@code to}, as UTF-8 bytes. */
    public static byte[] json(String to) {
        String head = "{\"from\":\"support-agent@example.com\",\"to\":[\"" + to + "\"],"
                + "\"cc\":[\"team-lead@example.com\"],\"replyTo\":\"support@example.com\","
                + "\"subject\":\"Account review for ticket CS-48213: duplicate renewal charges\",\"body\":\"";
        String tail = "\",\"headers\":{\"X-Ticket\":\"CS-48213\",\"X-Priority\":\"normal\",\"X-Mailer\":\"support-agent/2.4\"},"
                + "\"attachments\":[{\"name\":\"account-review-CS-48213.txt\",\"contentType\":\"text/plain\",\"size\":1832}],"
                + "\"metadata\":{\"ticketId\":48213,\"createdAt\":\"2026-11-24T09:14:03Z\",\"agent\":{\"id\":\"agent-7\","
                + "\"task\":\"customer-support\",\"model\":\"support-llm-v3\"},\"tags\":[\"billing\",\"refund\",\"renewal\"],"
                + "\"clientIp\":\"10.20.30.40\",\"attempt\":1,\"priority\":3,\"traceId\":\"";
        String end = "\"}}";
        String message = escapedMessage(true);
        String json = head + message + tail;
        int fill = SIZE - json.length() - end.length();
        if (fill < 0) {
            throw new IllegalStateException("the message outgrew " + SIZE + " bytes");
        }
        // a trace id of whatever length keeps the size fixed for any recipient
        StringBuilder trace = new StringBuilder(fill);
        for (int i = 0; i < fill; i++) {
            trace.append(HEX[(i * 7 + 3) % 16]);
        }
        json = json + trace + end;
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
