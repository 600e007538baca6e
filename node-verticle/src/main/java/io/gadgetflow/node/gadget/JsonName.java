package io.gadgetflow.node.gadget;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A JSON field name encoded once, as {@code "name":}, so writing it is a copy. */
public final class JsonName {
  private static final AtomicInteger CREATED = new AtomicInteger();

  final byte[] quotedWithColon;

  /** In creation order: where a writer caches this field's last string value. */
  final int index;

  private final String name;

  private JsonName(String name) {
    this.name = name;
    this.index = CREATED.getAndIncrement();
    this.quotedWithColon = ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
  }

  /** Names are plain ASCII identifiers, as all of Inspektor Gadget's are; nothing to escape. */
  public static JsonName of(String name) {
    if (name.isEmpty()
        || !name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '"' && c != '\\')) {
      throw new IllegalArgumentException("not a plain JSON field name: " + name);
    }
    return new JsonName(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
