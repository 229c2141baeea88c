package sqlgateway.flink;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.internal.TableResultInternal;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.utils.print.RowDataToStringConverter;
import org.apache.flink.util.CloseableIterator;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;

/**
 * What one call produced: a JSON description (columns, result kind, query flag, job id, or the
 * error chain) and, for results with rows, the fetcher that streams them.
 */
public final class Outcome {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String meta;
    private final RowFetcher fetcher;

    private Outcome(String meta, RowFetcher fetcher) {
        this.meta = meta;
        this.fetcher = fetcher;
    }

    public String meta() {
        return meta;
    }

    public RowFetcher fetcher() {
        return fetcher;
    }

    void discard() {
        if (fetcher != null) {
            fetcher.close();
        }
    }

    static Outcome failure(Throwable t) {
        return new Outcome(Failure.json(t), null);
    }

    static Outcome fromTable(
            TableResultInternal result, boolean isQuery, TimeZone zone, int bufferRows) {
        ResolvedSchema schema = result.getResolvedSchema();
        String jobId = result.getJobClient().map(j -> j.getJobID().toString()).orElse(null);
        RowEncoder encoder = new RowEncoder(types(schema), result.getRowDataToStringConverter(), zone);
        RowFetcher fetcher;
        if (result.getJobClient().isPresent()) {
            fetcher = new RowFetcher(result.collectInternal(), encoder, result.getJobClient(), bufferRows);
        } else {
            List<RowData> rows = new ArrayList<>();
            try (CloseableIterator<RowData> it = result.collectInternal()) {
                it.forEachRemaining(rows::add);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            fetcher = RowFetcher.ofRows(rows, encoder);
        }
        return new Outcome(meta(schema, result.getResultKind().name(), isQuery, jobId), fetcher);
    }

    /** Rows built by the gateway itself: every column a STRING. */
    static Outcome strings(String[] names, List<String[]> values, String kind, String jobId, TimeZone zone) {
        Column[] cols = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            cols[i] = Column.physical(names[i], DataTypes.STRING());
        }
        ResolvedSchema schema = ResolvedSchema.of(cols);
        List<RowData> rows = new ArrayList<>();
        for (String[] v : values) {
            Object[] fields = new Object[v.length];
            for (int i = 0; i < v.length; i++) {
                fields[i] = StringData.fromString(v[i]);
            }
            rows.add(GenericRowData.of(fields));
        }
        RowEncoder encoder = new RowEncoder(types(schema), SIMPLE, zone);
        return new Outcome(meta(schema, kind, false, jobId), RowFetcher.ofRows(rows, encoder));
    }

    /** Rows built by the gateway itself with an arbitrary schema (SHOW JOBS, DESCRIBE JOB). */
    static Outcome rows(ResolvedSchema schema, List<RowData> rows, TimeZone zone) {
        List<LogicalType> types = types(schema);
        RowDataToStringConverter plain =
                row -> {
                    String[] out = new String[row.getArity()];
                    for (int i = 0; i < out.length; i++) {
                        Object v = RowData.createFieldGetter(types.get(i), i).getFieldOrNull(row);
                        if (v instanceof org.apache.flink.table.data.TimestampData) {
                            out[i] =
                                    ((org.apache.flink.table.data.TimestampData) v)
                                            .toInstant()
                                            .atZone(zone.toZoneId())
                                            .toLocalDateTime()
                                            .toString()
                                            .replace('T', ' ');
                        } else if (v instanceof org.apache.flink.table.data.MapData) {
                            out[i] = mapText((org.apache.flink.table.data.MapData) v);
                        } else {
                            out[i] = v == null ? "NULL" : v.toString();
                        }
                    }
                    return out;
                };
        RowEncoder encoder = new RowEncoder(types, plain, zone);
        return new Outcome(
                meta(schema, "SUCCESS_WITH_CONTENT", false, null), RowFetcher.ofRows(rows, encoder));
    }

    /** A MAP of strings as Flink's CAST to STRING prints it: {k1=v1, k2=v2}. */
    private static String mapText(org.apache.flink.table.data.MapData m) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < m.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(m.keyArray().isNullAt(i) ? "NULL" : m.keyArray().getString(i).toString());
            b.append('=');
            b.append(m.valueArray().isNullAt(i) ? "NULL" : m.valueArray().getString(i).toString());
        }
        return b.append('}').toString();
    }

    static Outcome jobId(String jobId) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {jobId});
        return strings(new String[] {"job id"}, rows, "SUCCESS_WITH_CONTENT", jobId, TimeZone.getDefault());
    }

    static Outcome keyValues(Map<String, String> conf, TimeZone zone) {
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(conf).entrySet()) {
            rows.add(new String[] {e.getKey(), e.getValue()});
        }
        return strings(new String[] {"key", "value"}, rows, "SUCCESS_WITH_CONTENT", null, zone);
    }

    /** A description for Python (no rows): the values under "info" in the meta. */
    static Outcome info(Map<String, Object> values) {
        ObjectNode n = MAPPER.createObjectNode();
        n.set("info", MAPPER.valueToTree(values));
        return new Outcome(n.toString(), null);
    }

    static Outcome candidates(String[] hints) {
        ObjectNode n = MAPPER.createObjectNode();
        var arr = n.putArray("candidates");
        for (String h : hints) {
            arr.add(h);
        }
        return new Outcome(n.toString(), null);
    }

    private static final RowDataToStringConverter SIMPLE =
            row -> {
                String[] out = new String[row.getArity()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = row.isNullAt(i) ? "NULL" : row.getString(i).toString();
                }
                return out;
            };

    private static List<LogicalType> types(ResolvedSchema schema) {
        List<LogicalType> out = new ArrayList<>();
        for (Column c : schema.getColumns()) {
            out.add(c.getDataType().getLogicalType());
        }
        return out;
    }

    private static String meta(ResolvedSchema schema, String kind, boolean isQuery, String jobId) {
        ObjectNode n = MAPPER.createObjectNode();
        n.set("columns", TypeJson.columns(schema));
        n.put("kind", kind);
        n.put("isQuery", isQuery);
        n.put("jobId", jobId);
        return n.toString();
    }
}
