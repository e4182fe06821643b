package dev.portcullis.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The number-shaped detectors (phone, payment card, US SSN, IPv4) and the IBAN detector jump from
 * digit to digit ({@link Digits}) instead of reading every character. These tests put findings
 * where a jump could miss them: at the very start and end of the text, right after an opener
 * ({@code +}, {@code (}), after long digit-free prose, in UTF-16 strings and in character
 * sequences that are not strings, which take the character-by-character path.
 */
class DigitSkippingTest {

    private static final String PROSE = "We reviewed the account history and compared every invoice with the payments. ";

    /** The findings as text, checking that a String, a StringBuilder and a UTF-16 String agree. */
    private static List<String> found(Detector detector, String text) {
        List<String> asString = scan(detector, text);
        assertThat(scan(detector, new StringBuilder(text))).as("StringBuilder").isEqualTo(asString);
        // a character above Latin-1 at the end makes the JDK store the string as UTF-16
        String utf16 = text + "\u2014";
        assertThat(scan(detector, utf16)).as("UTF-16").isEqualTo(asString);
        return asString;
    }

    private static List<String> scan(Detector detector, CharSequence text) {
        List<Span> spans = new ArrayList<>();
        detector.scan(text, spans);
        return spans.stream().map(s -> text.subSequence(s.start(), s.end()).toString()).toList();
    }

    @Test
    void findingsAtTheVeryStartAndEnd() {
        assertThat(found(new PaymentCardDetector(), "4111 1111 1111 1111")).containsExactly("4111 1111 1111 1111");
        assertThat(found(new PaymentCardDetector(), "4111111111111111 then " + PROSE + "5555555555554444"))
                .containsExactly("4111111111111111", "5555555555554444");
        assertThat(found(new PhoneDetector(), "+14155552671")).containsExactly("+14155552671");
        assertThat(found(new PhoneDetector(), "(415) 555-2671")).containsExactly("(415) 555-2671");
        assertThat(found(new PhoneDetector(), PROSE + "+44 20 7946 0958")).containsExactly("+44 20 7946 0958");
        assertThat(found(new UsSsnDetector(), "536-22-1234")).containsExactly("536-22-1234");
        assertThat(found(new UsSsnDetector(), PROSE + "536-22-1234")).containsExactly("536-22-1234");
        assertThat(found(new IbanDetector(), "DE89370400440532013000")).containsExactly("DE89370400440532013000");
        assertThat(found(new IbanDetector(), PROSE + "GB82 WEST 1234 5698 7654 32")).containsExactly("GB82 WEST 1234 5698 7654 32");
        assertThat(found(new Ipv4Detector(), "10.0.0.1")).containsExactly("10.0.0.1");
    }

    @Test
    void detectorsTakingTurnsOnTextsShareNothingButTheSameString() {
        // Digits remembers the digit positions of the String scanned last: only that very object
        // may reuse them, whatever the detectors and texts scanned in between
        String card = PROSE + "4111 1111 1111 1111";
        String phone = "+44 20 7946 0958 " + PROSE;
        String none = PROSE + PROSE;
        for (int round = 0; round < 3; round++) {
            assertThat(scan(new PaymentCardDetector(), card)).containsExactly("4111 1111 1111 1111");
            assertThat(scan(new PhoneDetector(), phone)).containsExactly("+44 20 7946 0958");
            assertThat(scan(new PhoneDetector(), none)).isEmpty();
            assertThat(scan(new PaymentCardDetector(), card)).containsExactly("4111 1111 1111 1111");
            assertThat(scan(new UsSsnDetector(), card)).isEmpty();
            assertThat(scan(new PhoneDetector(), new String(phone))).containsExactly("+44 20 7946 0958");
            assertThat(scan(new PaymentCardDetector(), new String(none))).isEmpty();
        }
    }

    @Test
    void openersAndPunctuationAroundTheDigits() {
        assertThat(found(new PhoneDetector(), "call:+14155552671, or (+1 415 555 2671); ((415) 555-2671)."))
                .containsExactly("+14155552671", "+1 415 555 2671", "(415) 555-2671");
        assertThat(found(new PhoneDetector(), "x+14155552671 and a+(415) 555-2671")).as("opener inside a word")
                .containsExactly("(415) 555-2671");
        assertThat(found(new PhoneDetector(), "++14155552671 +(415) 555-2671 +")).containsExactly("+14155552671", "(415) 555-2671");
        assertThat(found(new PaymentCardDetector(), "[4111-1111-1111-1111]\"5555555555554444\""))
                .containsExactly("4111-1111-1111-1111", "5555555555554444");
        assertThat(found(new UsSsnDetector(), "(536-22-1234) \"536 22 1234\".")).containsExactly("536-22-1234", "536 22 1234");
        assertThat(found(new IbanDetector(), "IBAN:DE89370400440532013000; (GB82WEST12345698765432)."))
                .containsExactly("DE89370400440532013000", "GB82WEST12345698765432");
    }

    @Test
    void ibanCandidatesNextToOtherDigitsAndShortTails() {
        // digits right at the start, before a candidate can begin, and a country code cut off at the end
        assertThat(found(new IbanDetector(), "12DE89370400440532013000")).as("glued to a number").isEmpty();
        assertThat(found(new IbanDetector(), "1 DE89370400440532013000")).containsExactly("DE89370400440532013000");
        assertThat(found(new IbanDetector(), "DE8")).isEmpty();
        assertThat(found(new IbanDetector(), "ref 7 DE89 3704 0044 0532 0130 00 DE8")).containsExactly("DE89 3704 0044 0532 0130 00");
        assertThat(found(new IbanDetector(), "DE89370400440532013000GB82WEST12345698765432")).as("no boundary between")
                .isEmpty();
    }

    @Test
    void textWithoutDigitsFindsNothingAndTextWithFewFindsThemFarIn() {
        String prose = PROSE.repeat(2_000); // 160 KB
        for (Detector d : DetectorRegistry.builtIn().all()) {
            if (!d.name().equals("secret")) {
                assertThat(found(d, prose)).as(d.name()).isEmpty();
            }
        }
        String far = prose + "card 4111 1111 1111 1111, SSN 536-22-1234, call +1 415 555 2671, IBAN GB82WEST12345698765432, "
                + prose + "10.20.30.40";
        assertThat(found(new PaymentCardDetector(), far)).containsExactly("4111 1111 1111 1111");
        assertThat(found(new UsSsnDetector(), far)).containsExactly("536-22-1234");
        assertThat(found(new PhoneDetector(), far)).containsExactly("+1 415 555 2671");
        assertThat(found(new IbanDetector(), far)).containsExactly("GB82WEST12345698765432");
        assertThat(found(new Ipv4Detector(), far)).containsExactly("10.20.30.40");
    }

    @Test
    void onlyAsciiDigitsCount() {
        // Arabic-Indic and full-width digits were never read as digits; skipping keeps it that way
        assertThat(found(new PaymentCardDetector(), "\u0664\u0661\u0661\u0661 1111 1111 1111 1111")).isEmpty();
        assertThat(found(new PhoneDetector(), "+\uff11\uff14\uff11\uff15\uff15\uff15\uff15\uff12\uff16\uff17\uff11")).isEmpty();
        assertThat(found(new UsSsnDetector(), "\u0665\u0663\u0666-22-1234 and 536-22-1234")).containsExactly("536-22-1234");
    }

    @Test
    void digitsAreFoundInOrderWhateverTheirValue() {
        String text = "a9b0c55d1e--8";
        for (CharSequence cs : List.of(text, new StringBuilder(text), text + "\u2014")) {
            Digits digits = Digits.of(cs);
            List<Integer> at = new ArrayList<>();
            for (int i = digits.next(0); i >= 0; i = digits.next(i + 1)) {
                at.add(i);
            }
            assertThat(at).as(cs.getClass().getSimpleName()).containsExactly(1, 3, 5, 6, 8, 12);
            assertThat(digits.next(13)).isEqualTo(-1);
        }
        for (CharSequence cs : List.of(text, new StringBuilder(text), text + "\u2014")) {
            Digits digits = Digits.of(cs);
            assertThat(digits.next(2)).as("a first question past the start").isEqualTo(3);
            assertThat(digits.next(3)).as("the same answer again").isEqualTo(3);
            assertThat(digits.next(9)).as("a jump over several digits").isEqualTo(12);
            assertThat(digits.next(12)).isEqualTo(12);
        }
        assertThat(Digits.of("no digits here")).isNull();
        assertThat(Digits.of(new StringBuilder("none"))).isNull();
        assertThat(Digits.of("")).isNull();
    }
}
