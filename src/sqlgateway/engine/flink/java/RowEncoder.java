package sqlgateway.flink;

import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.JsonFormatOptions;
import org.apache.flink.formats.json.RowDataToJsonConverters;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.utils.DateTimeUtils;
import org.apache.flink.table.utils.print.RowDataToStringConverter;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonSerializable;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

/**
 * Encodes rows the way Flink's SQL gateway REST layer does: JSON through flink-json's
 * RowDataToJsonConverters (ISO-8601 timestamps, LTZ values shifted to the session time zone),
 * PLAIN_TEXT through the result's own RowDataToStringConverter (CAST to STRING rules).
 * Output: comma-joined {"kind":...,"fields":[...]} objects, no brackets.
 */
final class RowEncoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final RowDataToJsonConverters TO_JSON =
            new RowDataToJsonConverters(
                    TimestampFormat.ISO_8601, JsonFormatOptions.MapNullKeyMode.LITERAL, "null", false);

    private final LogicalType[] types;
    private final RowData.FieldGetter[] getters;
    private volatile RowDataToJsonConverters.RowDataToJsonConverter[] converters;
    private final RowDataToStringConverter plain;
    private final TimeZone zone;
    private final boolean hasLtz;

    RowEncoder(List<LogicalType> columnTypes, RowDataToStringConverter plain, TimeZone zone) {
        int n = columnTypes.size();
        this.types = columnTypes.toArray(new LogicalType[0]);
        this.getters = new RowData.FieldGetter[n];
        boolean ltz = false;
        for (int i = 0; i < n; i++) {
            getters[i] = RowData.createFieldGetter(types[i], i);
            ltz |= containsLtz(types[i]);
        }
        this.plain = plain;
        this.zone = zone;
        this.hasLtz = ltz;
    }

    /**
     * JSON converters are created on first use: some types (MAP with non-string keys) have none,
     * which only fails JSON fetches, as in Flink's gateway (PLAIN_TEXT still works).
     */
    private RowDataToJsonConverters.RowDataToJsonConverter[] converters() {
        RowDataToJsonConverters.RowDataToJsonConverter[] c = converters;
        if (c == null) {
            c = new RowDataToJsonConverters.RowDataToJsonConverter[types.length];
            for (int i = 0; i < types.length; i++) {
                c[i] = TO_JSON.createConverter(types[i]);
            }
            converters = c;
        }
        return c;
    }

    /**
     * Synchronized: the PLAIN_TEXT converter's generated cast executors keep per-instance state,
     * and the gateway may encode one result's batches on two threads at once (read-ahead).
     */
    synchronized String encode(List<RowData> rows, boolean json) {
        RowDataToJsonConverters.RowDataToJsonConverter[] conv = json ? converters() : null;
        StringWriter out = new StringWriter(Math.max(64, rows.size() * 64));
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
            gen.setRootValueSeparator(null);
            // One provider per batch: ObjectMapper.writeTree would build one (and flush) per value.
            SerializerProvider provider = MAPPER.getSerializerProviderInstance();
            boolean first = true;
            for (RowData row : rows) {
                if (!first) {
                    gen.writeRaw(',');
                }
                first = false;
                writeRow(gen, provider, conv, row);
            }
        } catch (IOException e) {
            throw new RuntimeException("Could not map response to JSON.", e);
        }
        return out.toString();
    }

    private void writeRow(
            JsonGenerator gen,
            SerializerProvider provider,
            RowDataToJsonConverters.RowDataToJsonConverter[] conv,
            RowData row)
            throws IOException {
        boolean json = conv != null;
        gen.writeStartObject();
        gen.writeStringField("kind", row.getRowKind().name());
        gen.writeArrayFieldStart("fields");
        if (json) {
            for (int i = 0; i < types.length; i++) {
                Object value = getters[i].getFieldOrNull(row);
                if (hasLtz) {
                    value = shiftLtz(value, types[i]);
                }
                JsonNode node = conv[i].convert(MAPPER, null, value);
                ((JsonSerializable) node).serialize(gen, provider);
            }
        } else {
            String[] text = plain.convert(row);
            for (int i = 0; i < types.length; i++) {
                if (row.isNullAt(i)) {
                    gen.writeNull();
                } else {
                    gen.writeString(text[i]);
                }
            }
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    private static boolean containsLtz(LogicalType t) {
        if (t.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE) {
            return true;
        }
        for (LogicalType child : t.getChildren()) {
            if (containsLtz(child)) {
                return true;
            }
        }
        return false;
    }

    /** The gateway prints LTZ values as session-zone wall-clock time (top level, ARRAY, MAP). */
    private Object shiftLtz(Object value, LogicalType t) {
        if (value == null) {
            return null;
        }
        switch (t.getTypeRoot()) {
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return DateTimeUtils.timestampWithLocalZoneToTimestamp((TimestampData) value, zone);
            case ARRAY:
                {
                    LogicalType et = ((ArrayType) t).getElementType();
                    ArrayData a = (ArrayData) value;
                    ArrayData.ElementGetter g = ArrayData.createElementGetter(et);
                    Object[] out = new Object[a.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = shiftLtz(g.getElementOrNull(a, i), et);
                    }
                    return new GenericArrayData(out);
                }
            case MAP:
                {
                    MapType mt = (MapType) t;
                    MapData m = (MapData) value;
                    ArrayData.ElementGetter kg = ArrayData.createElementGetter(mt.getKeyType());
                    ArrayData.ElementGetter vg = ArrayData.createElementGetter(mt.getValueType());
                    Map<Object, Object> out = new HashMap<>();
                    for (int i = 0; i < m.size(); i++) {
                        out.put(
                                shiftLtz(kg.getElementOrNull(m.keyArray(), i), mt.getKeyType()),
                                shiftLtz(vg.getElementOrNull(m.valueArray(), i), mt.getValueType()));
                    }
                    return new GenericMapData(out);
                }
            default:
                return value;
        }
    }
}
