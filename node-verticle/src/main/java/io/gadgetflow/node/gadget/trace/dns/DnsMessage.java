package io.gadgetflow.node.gadget.trace.dns;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.gadgetflow.node.gadget.IpAddresses;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What trace dns reports of a DNS message (RFC 1035, section 4), read from the bytes the program
 * copied, which may stop before the message does: whatever lies past them, or past a malformed
 * part, is left out rather than guessed.
 *
 * @param name the question's name with a trailing dot, as Inspektor Gadget writes it ({@code
 *     example.com.}); empty when it could not be read
 * @param queryType the question's type, 0 when it could not be read
 * @param answerCount the header's ANCOUNT
 * @param addresses the A and AAAA records of the answer section, in order
 */
public record DnsMessage(
    int id,
    boolean response,
    int responseCode,
    String name,
    int queryType,
    int answerCount,
    List<String> addresses) {
  static final int HEADER_BYTES = 12;
  private static final int TYPE_A = 1;
  private static final int TYPE_AAAA = 28;
  private static final int CLASS_IN = 1;
  private static final int MAX_LABELS = 128;
  private static final int POINTER = 0xC0;

  public DnsMessage {
    addresses = List.copyOf(addresses);
  }

  /** {@code length} bytes at {@code offset}, at least {@link #HEADER_BYTES} of them. */
  static DnsMessage read(MemorySegment memory, long offset, int length) {
    Reader reader = new Reader(memory, offset, length);
    int id = reader.u16(0);
    int flags = reader.u16(2);
    int answerCount = reader.u16(6);
    int position = HEADER_BYTES;
    StringBuilder name = new StringBuilder();
    position = reader.name(position, name);
    int queryType = 0;
    List<String> addresses = new ArrayList<>();
    // The question's type and class follow its name.
    if (position > 0 && reader.has(position, 4)) {
      queryType = reader.u16(position);
      position += 4;
      for (int answer = 0; answer < answerCount && position > 0; answer++) {
        position = reader.skipName(position);
        if (position < 0 || !reader.has(position, 10)) {
          break;
        }
        int type = reader.u16(position);
        int recordClass = reader.u16(position + 2);
        int dataBytes = reader.u16(position + 8);
        position += 10;
        if (!reader.has(position, dataBytes)) {
          break;
        }
        if (recordClass == CLASS_IN
            && ((type == TYPE_A && dataBytes == 4) || (type == TYPE_AAAA && dataBytes == 16))) {
          addresses.add(IpAddresses.text(IpAddresses.of(reader.bytes(position, dataBytes))));
        }
        position += dataBytes;
      }
    } else {
      name.setLength(0);
    }
    return new DnsMessage(
        id,
        (flags & 0x8000) != 0,
        flags & 0x000F,
        name.toString(),
        queryType,
        answerCount,
        addresses);
  }

  /** Bounds-checked reads of the copied message. */
  private record Reader(MemorySegment memory, long offset, int length) {
    boolean has(int position, int bytes) {
      return position >= 0 && bytes >= 0 && position + bytes <= length;
    }

    int u8(int position) {
      return Byte.toUnsignedInt(memory.get(JAVA_BYTE, offset + position));
    }

    int u16(int position) {
      return u8(position) << 8 | u8(position + 1);
    }

    byte[] bytes(int position, int count) {
      return memory.asSlice(offset + position, count).toArray(JAVA_BYTE);
    }

    /**
     * Appends the dotted name at {@code position}, following compression pointers; returns where
     * the name ends in the message, or -1 when it is malformed or cut.
     */
    int name(int position, StringBuilder name) {
      int end = -1;
      int labels = 0;
      while (has(position, 1) && labels++ < MAX_LABELS) {
        int length = u8(position);
        if (length == 0) {
          if (name.isEmpty()) {
            name.append('.');
          }
          return end < 0 ? position + 1 : end;
        }
        if ((length & POINTER) == POINTER) {
          if (!has(position, 2)) {
            return -1;
          }
          if (end < 0) {
            end = position + 2;
          }
          position = (length & ~POINTER) << 8 | u8(position + 1);
          continue;
        }
        if (length > 63 || !has(position + 1, length)) {
          return -1;
        }
        name.append(new String(bytes(position + 1, length), StandardCharsets.ISO_8859_1))
            .append('.');
        position += 1 + length;
      }
      return -1;
    }

    /** Where the name at {@code position} ends, without reading it; -1 when it is cut. */
    int skipName(int position) {
      while (has(position, 1)) {
        int length = u8(position);
        if (length == 0) {
          return position + 1;
        }
        if ((length & POINTER) == POINTER) {
          return has(position, 2) ? position + 2 : -1;
        }
        position += 1 + length;
      }
      return -1;
    }
  }
}
