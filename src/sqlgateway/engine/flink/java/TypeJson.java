package sqlgateway.flink;

import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BinaryType;
import org.apache.flink.table.types.logical.CharType;
import org.apache.flink.table.types.logical.DayTimeIntervalType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.MultisetType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.YearMonthIntervalType;
import org.apache.flink.table.types.logical.ZonedTimestampType;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Column descriptions for the Python side: [{"name","comment","type":{...}}] where type follows
 * Flink's LogicalTypeJsonSerializer field names (type, nullable, length, precision, ...).
 */
final class TypeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TypeJson() {}

    static ArrayNode columns(ResolvedSchema schema) {
        ArrayNode out = MAPPER.createArrayNode();
        for (Column c : schema.getColumns()) {
            ObjectNode col = out.addObject();
            col.put("name", c.getName());
            col.put("comment", c.getComment().orElse(null));
            col.set("type", type(c.getDataType().getLogicalType()));
        }
        return out;
    }

    static ObjectNode type(LogicalType t) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", t.getTypeRoot().name());
        n.put("nullable", t.isNullable());
        switch (t.getTypeRoot()) {
            case CHAR:
                n.put("length", ((CharType) t).getLength());
                break;
            case VARCHAR:
                n.put("length", ((VarCharType) t).getLength());
                break;
            case BINARY:
                n.put("length", ((BinaryType) t).getLength());
                break;
            case VARBINARY:
                n.put("length", ((VarBinaryType) t).getLength());
                break;
            case DECIMAL:
                n.put("precision", ((DecimalType) t).getPrecision());
                n.put("scale", ((DecimalType) t).getScale());
                break;
            case TIME_WITHOUT_TIME_ZONE:
                n.put("precision", ((TimeType) t).getPrecision());
                break;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                n.put("precision", ((TimestampType) t).getPrecision());
                break;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                n.put("precision", ((LocalZonedTimestampType) t).getPrecision());
                break;
            case TIMESTAMP_WITH_TIME_ZONE:
                n.put("precision", ((ZonedTimestampType) t).getPrecision());
                break;
            case INTERVAL_YEAR_MONTH:
                n.put("precision", ((YearMonthIntervalType) t).getYearPrecision());
                n.put("resolution", ((YearMonthIntervalType) t).getResolution().name());
                break;
            case INTERVAL_DAY_TIME:
                DayTimeIntervalType dt = (DayTimeIntervalType) t;
                n.put("precision", dt.getDayPrecision());
                n.put("fractionalPrecision", dt.getFractionalPrecision());
                n.put("resolution", dt.getResolution().name());
                break;
            case ARRAY:
                n.set("elementType", type(((ArrayType) t).getElementType()));
                break;
            case MULTISET:
                n.set("elementType", type(((MultisetType) t).getElementType()));
                break;
            case MAP:
                n.set("keyType", type(((MapType) t).getKeyType()));
                n.set("valueType", type(((MapType) t).getValueType()));
                break;
            case ROW:
                ArrayNode fields = n.putArray("fields");
                for (RowType.RowField f : ((RowType) t).getFields()) {
                    ObjectNode fn = fields.addObject();
                    fn.put("name", f.getName());
                    fn.set("fieldType", type(f.getType()));
                    f.getDescription().ifPresent(d -> fn.put("description", d));
                }
                break;
            default:
                break;
        }
        return n;
    }
}
