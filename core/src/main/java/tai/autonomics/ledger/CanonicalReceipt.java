package tai.autonomics.ledger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import org.erdtman.jcs.NumberToJSON;
import tai.autonomics.Json;

/**
 * A receipt's RFC 8785 (JCS) canonical JSON, written by the project's Jackson: {@link Receipt} lists its properties
 * alphabetically (JCS order, all keys being ASCII) and leaves absent ones out, control characters are escaped with
 * lowercase hex as JCS asks, and numbers take JCS's ES6 form through the JCS library's own formatter. The output is
 * the JCS library's, character for character: CanonicalReceiptTest compares both on many randomized receipts.
 */
final class CanonicalReceipt {
  private static final ObjectWriter WRITER = Json.MAPPER.copy()
      .registerModule(new SimpleModule("jcs-numbers")
          .addSerializer(Long.class, new LongForm()).addSerializer(long.class, new LongForm())
          .addSerializer(Double.class, new DoubleForm()).addSerializer(double.class, new DoubleForm()))
      .writer().without(JsonGenerator.Feature.WRITE_HEX_UPPER_CASE);

  private CanonicalReceipt() {}

  /** The canonical JSON of {@code receipt} without its {@code hash}: the text that is hashed. */
  static String write(Receipt receipt) {
    return writeWithHash(receipt.hash() == null ? receipt
        : receipt.sealed(receipt.id(), receipt.seq(), receipt.prevHash(), null));
  }

  /** The canonical JSON of {@code receipt} with its {@code hash} (when sealed): the receipt as the API shows it. */
  static String writeWithHash(Receipt receipt) {
    try {
      return WRITER.writeValueAsString(receipt);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("receipt cannot be written as JSON", e);
    }
  }

  /** Integers up to 2^53 are exact doubles and JCS prints their digits; beyond, they round as doubles do. */
  private static final class LongForm extends StdSerializer<Long> {
    LongForm() {
      super(Long.class);
    }

    @Override
    public void serialize(Long value, JsonGenerator out, SerializerProvider provider) throws IOException {
      if (ReceiptHasher.isExactInJson(value)) {
        out.writeNumber(value);
      } else {
        out.writeNumber(NumberToJSON.serializeNumber(value.doubleValue()));
      }
    }
  }

  /**
   * The ES6 form of a finite double; JCS has no NaN or infinities, so they are written as the strings Jackson gives
   * them ("NaN", "Infinity", "-Infinity").
   */
  private static final class DoubleForm extends StdSerializer<Double> {
    DoubleForm() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
      if (value.isNaN() || value.isInfinite()) {
        out.writeString(value.toString());
      } else if (value == Math.rint(value) && Math.abs(value) < 1L << 53) {
        // ES6 writes an integral double below 2^53 as its digits; most metric values are such, and writing them
        // as a long skips the general formatter, the costliest step of a seal (LedgerBenchmark's seal line)
        out.writeNumber(value.longValue());
      } else {
        out.writeNumber(NumberToJSON.serializeNumber(value));
      }
    }
  }
}
