package io.gadgetflow.kafka;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.CloudEventHeaders;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.NodeRegistration;
import io.gadgetflow.api.kafka.NodeReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The contract's records read as untrusted input: anybody who may write a topic can write any bytes
 * to it. Each method answers with the record, checked to carry what its readers rely on, or with
 * the {@link RecordFault kind of fault} that makes it unusable; none throws, whatever the bytes.
 */
public final class ContractRecords {
  /** How much of a bad value a fault's detail quotes. */
  private static final int QUOTED_CHARACTERS = 120;

  private ContractRecords() {}

  /** A record read: the value a reader can use, or why it must skip the record. */
  public sealed interface Read<T> {
    /** A usable record. */
    record Valid<T>(T value) implements Read<T> {}

    /**
     * @param detail what was wrong, for the log; quotes at most a little of the value
     */
    record Skipped<T>(RecordFault fault, String detail) implements Read<T> {}
  }

  /**
   * A value of {@code gadget.control} that is not a tombstone: a desired state a node can act on,
   * naming the trace of its key.
   */
  public static Read<ControlRecord> controlRecord(String key, byte[] value) {
    Read<ControlRecord> read = decode(key, value, ControlRecord.class);
    if (!(read instanceof Read.Valid<ControlRecord>(ControlRecord record))) {
      return read;
    }
    String missing =
        firstBlank(
            "traceUid", record.traceUid(),
            "traceNamespace", record.traceNamespace(),
            "traceName", record.traceName(),
            "node", record.node(),
            "gadget", record.gadget(),
            "operationId", record.operationId());
    if (missing == null && record.operation() == null) {
      missing = "operation";
    }
    return checked(key, record.traceUid(), missing, read);
  }

  /** A value of {@code gadget.status}: a node's report on the trace of its key. */
  public static Read<NodeReport> nodeReport(String key, byte[] value) {
    Read<NodeReport> read = decode(key, value, NodeReport.class);
    if (!(read instanceof Read.Valid<NodeReport>(NodeReport report))) {
      return read;
    }
    if (report.counters().events() < 0 || report.counters().lost() < 0) {
      return skipped(RecordFault.WRONG_SHAPE, "negative counters " + report.counters());
    }
    String missing =
        firstBlank(
            "node", report.node(),
            "traceUid", report.traceUid(),
            "operationId", report.operationId());
    return checked(key, report.traceUid(), missing, read);
  }

  /**
   * A value of {@code gadget.nodes}: a node agent's registration of its status key, keyed by its
   * node. A fault's detail never quotes the value: it holds a secret and a token.
   */
  public static Read<NodeRegistration> nodeRegistration(String key, byte[] value) {
    Read<NodeRegistration> read = decode(key, value, NodeRegistration.class);
    if (read instanceof Read.Skipped<NodeRegistration>(RecordFault fault, String detail)) {
      return skipped(fault, "not a usable NodeRegistration");
    }
    NodeRegistration registration = ((Read.Valid<NodeRegistration>) read).value();
    String missing =
        firstBlank(
            "node", registration.node(),
            "key", registration.key(),
            "token", registration.token());
    return checked(key, registration.node(), missing, read);
  }

  /**
   * A value of {@code gadget.events}: one JSON object of at most {@code maxBytes}, returned as the
   * text the node agent wrote, to be passed on unparsed.
   */
  public static Read<String> event(String key, byte[] value, int maxBytes) {
    if (key == null) {
      return skipped(RecordFault.NO_KEY, "no trace uid");
    }
    if (value == null) {
      return skipped(RecordFault.WRONG_SHAPE, "no value");
    }
    if (value.length > maxBytes) {
      return skipped(
          RecordFault.TOO_LARGE, "%d bytes, more than %d".formatted(value.length, maxBytes));
    }
    try (JsonParser parser = Json.mapper().getFactory().createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return skipped(RecordFault.WRONG_SHAPE, "not a JSON object: " + quote(value));
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        return skipped(RecordFault.WRONG_SHAPE, "more than one JSON value: " + quote(value));
      }
    } catch (IOException e) {
      return skipped(fault(e), firstLine(e) + ": " + quote(value));
    }
    return new Read.Valid<>(new String(value, StandardCharsets.UTF_8));
  }

  /**
   * The events of a record of {@code gadget.events} in either form (docs/events.md): one event, or
   * a batch record ({@code content-type: application/x-ndjson}) of several events of one trace, one
   * JSON object a line, each checked as {@link #event} checks a record's and of at most {@code
   * maxEventBytes}. A batch with one bad line is skipped whole: a node agent writes none, so it is
   * not one of its.
   */
  public static Read<List<String>> events(
      String key, byte[] value, Headers headers, int maxEventBytes) {
    if (!isBatch(headers) || value == null) {
      return switch (event(key, value, maxEventBytes)) {
        case Read.Valid<String>(String json) -> new Read.Valid<>(List.of(json));
        case Read.Skipped<String>(RecordFault fault, String detail) -> skipped(fault, detail);
      };
    }
    List<String> events = new ArrayList<>();
    int start = 0;
    // A newline after the last line ends it, as NDJSON allows; an empty value is one empty line.
    do {
      int end = indexOfNewline(value, start);
      switch (event(key, Arrays.copyOfRange(value, start, end), maxEventBytes)) {
        case Read.Valid<String>(String json) -> events.add(json);
        case Read.Skipped<String>(RecordFault fault, String detail) -> {
          return skipped(fault, "batch line " + (events.size() + 1) + ": " + detail);
        }
      }
      start = end + 1;
    } while (start < value.length);
    return new Read.Valid<>(events);
  }

  private static boolean isBatch(Headers headers) {
    Header contentType =
        headers == null ? null : headers.lastHeader(CloudEventHeaders.CONTENT_TYPE);
    return contentType != null
        && contentType.value() != null
        && CloudEventHeaders.NDJSON_CONTENT_TYPE.equals(
            new String(contentType.value(), StandardCharsets.UTF_8));
  }

  private static int indexOfNewline(byte[] value, int from) {
    for (int i = from; i < value.length; i++) {
      if (value[i] == '\n') {
        return i;
      }
    }
    return value.length;
  }

  private static <T> Read<T> decode(String key, byte[] value, Class<T> type) {
    if (key == null) {
      return skipped(RecordFault.NO_KEY, "no trace uid");
    }
    if (value == null || value.length == 0) {
      return skipped(RecordFault.NOT_JSON, "no value");
    }
    T decoded;
    try {
      decoded = Json.mapper().readValue(value, type);
    } catch (IOException e) {
      return skipped(fault(e), type.getSimpleName() + ": " + firstLine(e) + ": " + quote(value));
    } catch (RuntimeException e) {
      // A record's own checks (its compact constructor) refusing what Jackson handed it.
      return skipped(RecordFault.WRONG_SHAPE, type.getSimpleName() + ": " + e);
    }
    if (decoded == null) {
      return skipped(RecordFault.WRONG_SHAPE, type.getSimpleName() + ": null");
    }
    return new Read.Valid<>(decoded);
  }

  /** {@code subject}: the trace uid, or node, that the record's key must be. */
  private static <T> Read<T> checked(String key, String subject, String missing, Read<T> valid) {
    if (missing != null) {
      return skipped(RecordFault.INCOMPLETE, "no " + missing);
    }
    if (!key.equals(subject)) {
      return skipped(
          RecordFault.KEY_MISMATCH, "key %s, record of %s".formatted(quote(key), quote(subject)));
    }
    return valid;
  }

  /** The name of the first of (name, value) pairs whose value is null or blank, or null. */
  private static String firstBlank(String... namesAndValues) {
    for (int i = 0; i < namesAndValues.length; i += 2) {
      String value = namesAndValues[i + 1];
      if (value == null || value.isBlank()) {
        return namesAndValues[i];
      }
    }
    return null;
  }

  private static RecordFault fault(IOException e) {
    return e instanceof JsonParseException || e instanceof StreamConstraintsException
        ? RecordFault.NOT_JSON
        : RecordFault.WRONG_SHAPE;
  }

  private static <T> Read<T> skipped(RecordFault fault, String detail) {
    return new Read.Skipped<>(fault, detail);
  }

  /** Jackson's messages go on with the source's location over several lines. */
  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String quote(byte[] value) {
    return quote(
        new String(
            value, 0, Math.min(value.length, QUOTED_CHARACTERS * 4), StandardCharsets.UTF_8));
  }

  private static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String shown =
        value.length() <= QUOTED_CHARACTERS ? value : value.substring(0, QUOTED_CHARACTERS) + "...";
    return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
  }
}
