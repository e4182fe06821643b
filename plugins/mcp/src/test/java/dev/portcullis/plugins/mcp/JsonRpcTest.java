package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class JsonRpcTest {

    @Test
    void aResponseToTheRequestIsRecognisedWithoutATree() {
        JsonNode seven = IntNode.valueOf(7);
        assertThat(JsonRpc.isResponseTo("{\"result\":{\"content\":[{\"id\":1}]},\"jsonrpc\":\"2.0\",\"id\":7}", seven)).isTrue();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-1,\"message\":\"x\"}}", seven)).isTrue();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}", LongNode.valueOf(7))).isTrue();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}", TextNode.valueOf("a"))).isTrue();
    }

    @Test
    void anythingElseIsNot() {
        JsonNode seven = IntNode.valueOf(7);
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}", seven)).as("another id").isFalse();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"result\":{}}", seven)).as("a string id").isFalse();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}", seven)).as("a request").isFalse();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}", seven)).isFalse();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{},\"error\":{}}", seven)).as("both").isFalse();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":7}", seven)).as("neither").isFalse();
        assertThat(JsonRpc.isResponseTo("{\"id\":7,\"result\":{}}", seven)).as("no version").isFalse();
        assertThat(JsonRpc.isResponseTo("[{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}]", seven)).as("a batch").isFalse();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}} {}", seven)).as("trailing").isFalse();
        assertThat(JsonRpc.isResponseTo("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{", seven)).as("cut").isFalse();
    }
}
