package io.gadgetflow.node.bpf;

import java.lang.foreign.MemorySegment;

/**
 * A map of a {@link BpfObject}. Size it before load; read and write it after load. Keys and values
 * are passed as memory segments of exactly {@link #keySize()} and {@link #valueSize()} bytes (for
 * per-CPU maps, a value per possible CPU, see {@link PerCpuCounter}).
 */
public final class BpfMap {
  public static final int TYPE_HASH = 1;
  public static final int TYPE_ARRAY = 2;
  public static final int TYPE_PERCPU_ARRAY = 6;
  public static final int TYPE_RINGBUF = 27;

  /** Update flags: create or replace; only create; only replace. */
  public static final long ANY = 0;

  public static final long NO_EXIST = 1;
  public static final long EXIST = 2;

  private final BpfObject owner;
  private final MemorySegment map;
  private final String name;

  BpfMap(BpfObject owner, MemorySegment map, String name) {
    this.owner = owner;
    this.map = map;
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** One of the {@code TYPE_} constants, or another {@code enum bpf_map_type} value. */
  public int type() {
    return Libbpf.mapType(map);
  }

  public int keySize() {
    return Libbpf.mapKeySize(map);
  }

  public int valueSize() {
    return Libbpf.mapValueSize(map);
  }

  /** Entries; for a ring buffer, its data size in bytes. */
  public int maxEntries() {
    return Libbpf.mapMaxEntries(map);
  }

  /** Before load. A ring buffer's size must be a power of two multiple of the page size. */
  public void setMaxEntries(int maxEntries) {
    owner.requireOpened();
    Libbpf.mapSetMaxEntries(map, maxEntries);
  }

  /** The map's file descriptor; owned by the object, valid until it closes. */
  public int fd() {
    owner.requireLoaded();
    return Libbpf.mapFd(map);
  }

  public void update(MemorySegment key, MemorySegment value, long flags) {
    Libbpf.checked(Libbpf.mapUpdateElem(fd(), key, value, flags), "update of map " + name);
  }

  /** Copies the value stored under {@code key} into {@code value}; false when there is none. */
  public boolean lookup(MemorySegment key, MemorySegment value) {
    int result = Libbpf.mapLookupElem(fd(), key, value);
    if (result == -Libbpf.ENOENT) {
      return false;
    }
    Libbpf.checked(result, "lookup in map " + name);
    return true;
  }

  /**
   * Copies the value stored under {@code key} into {@code value} and removes it, in one system
   * call; false when there is none.
   */
  public boolean lookupAndDelete(MemorySegment key, MemorySegment value) {
    int result = Libbpf.mapLookupAndDeleteElem(fd(), key, value);
    if (result == -Libbpf.ENOENT) {
      return false;
    }
    Libbpf.checked(result, "lookup and delete in map " + name);
    return true;
  }

  /** Removes {@code key}; false when it was absent. */
  public boolean delete(MemorySegment key) {
    int result = Libbpf.mapDeleteElem(fd(), key);
    if (result == -Libbpf.ENOENT) {
      return false;
    }
    Libbpf.checked(result, "delete from map " + name);
    return true;
  }

  /**
   * Copies the key after {@code key} into {@code nextKey}, or the first key when {@code key} is
   * {@link MemorySegment#NULL}; false after the last.
   */
  public boolean nextKey(MemorySegment key, MemorySegment nextKey) {
    int result = Libbpf.mapGetNextKey(fd(), key, nextKey);
    if (result == -Libbpf.ENOENT) {
      return false;
    }
    Libbpf.checked(result, "next key of map " + name);
    return true;
  }

  BpfObject owner() {
    return owner;
  }
}
