package sqlgateway.flink;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns a Throwable and its cause chain into JSON [{"class","message"}, ...] for Python. */
final class Failure {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Failure() {}

    static ArrayNode chain(Throwable t) {
        ArrayNode out = MAPPER.createArrayNode();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable cur = unwrap(t);
        while (cur != null && !seen.containsKey(cur)) {
            seen.put(cur, true);
            ObjectNode n = out.addObject();
            n.put("class", cur.getClass().getName());
            n.put("message", cur.getMessage());
            cur = cur.getCause();
        }
        return out;
    }

    static String json(Throwable t) {
        ObjectNode n = MAPPER.createObjectNode();
        n.set("error", chain(t));
        java.io.StringWriter w = new java.io.StringWriter();
        unwrap(t).printStackTrace(new java.io.PrintWriter(w));
        n.put("stack", w.toString());
        return n.toString();
    }

    /** Executor wrappers carry no meaning for users. */
    static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof ExecutionException || cur instanceof CompletionException)
                && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }
}
