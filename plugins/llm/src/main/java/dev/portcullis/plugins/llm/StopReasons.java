package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.StopReason;

/** Stop reasons on the two wires. */
final class StopReasons {

    private StopReasons() {}

    static String toOpenAi(StopReason r) {
        if (r == null) {
            return "stop";
        }
        return switch (r) {
            case END_TURN, STOP_SEQUENCE -> "stop";
            case MAX_TOKENS -> "length";
            case TOOL_USE -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
        };
    }

    static StopReason fromOpenAi(String s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "length" -> StopReason.MAX_TOKENS;
            case "tool_calls", "function_call" -> StopReason.TOOL_USE;
            case "content_filter" -> StopReason.CONTENT_FILTER;
            default -> StopReason.END_TURN;
        };
    }

    static String toAnthropic(StopReason r) {
        if (r == null) {
            return "end_turn";
        }
        return switch (r) {
            case END_TURN -> "end_turn";
            case STOP_SEQUENCE -> "stop_sequence";
            case MAX_TOKENS -> "max_tokens";
            case TOOL_USE -> "tool_use";
            case CONTENT_FILTER -> "refusal";
        };
    }

    static StopReason fromAnthropic(String s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
            case "tool_use" -> StopReason.TOOL_USE;
            case "stop_sequence" -> StopReason.STOP_SEQUENCE;
            case "refusal" -> StopReason.CONTENT_FILTER;
            default -> StopReason.END_TURN;
        };
    }
}
