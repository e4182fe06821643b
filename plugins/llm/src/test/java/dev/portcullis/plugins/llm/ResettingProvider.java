package dev.portcullis.plugins.llm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving OpenAI-style provider on a raw socket: it accepts the request, starts a chunked
 * event stream with a few chunks, then resets the connection (RST) mid-stream.
 */
final class ResettingProvider implements AutoCloseable {

    private final ServerSocket server;
    final AtomicInteger calls = new AtomicInteger();

    ResettingProvider() {
        try {
            server = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::serve);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> answer(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void answer(Socket s) {
        try (s) {
            readRequest(s.getInputStream());
            calls.incrementAndGet();
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 3; i++) {
                String frame = "data: " + MockProviders.OPENAI_TEXT_STREAM.get(i) + "\n\n";
                byte[] b = frame.getBytes(StandardCharsets.UTF_8);
                out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            Thread.sleep(50);
            s.setSoLinger(true, 0); // close with RST: a reset, not a clean end
        } catch (IOException | InterruptedException ignored) {
            // the test only cares what the gateway makes of it
        }
    }

    /** Reads the head and a Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("eof");
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
