package dev.portcullis.guard;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a guard does with a finding. */
public enum GuardAction {
    /** Answer with an error in the client's format; the request never reaches the model. */
    @JsonProperty("block") BLOCK,
    /** Let it through and state the finding in a write-once exchange attribute for later policies. */
    @JsonProperty("flag") FLAG,
    /** Let it through; record the audit event and the metric only. */
    @JsonProperty("log") LOG;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
