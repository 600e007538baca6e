package io.gadgetflow.node.gadget.profile.blockio;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads that bypass the page cache (O_DIRECT), so each one is a request to the block device. */
final class DirectIo {
  private DirectIo() {}

  /** Writes a file of {@code blocks} blocks of its file system and flushes it to the device. */
  static Path fileOfBlocks(Path directory, int blocks) throws IOException {
    Path file = directory.resolve("gadgetflow-direct-io.bin");
    int blockSize = (int) Files.getFileStore(directory).getBlockSize();
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(blockSize * blocks));
      channel.force(true);
    }
    return file;
  }

  /** Reads the file block by block, each read waiting for the device; returns how many. */
  static int readEveryBlock(Path file) throws IOException {
    int blockSize = (int) Files.getFileStore(file).getBlockSize();
    ByteBuffer buffer = ByteBuffer.allocateDirect(2 * blockSize).alignedSlice(blockSize);
    buffer.limit(blockSize);
    int reads = 0;
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
      for (long position = 0; position < channel.size(); position += blockSize) {
        buffer.clear().limit(blockSize);
        if (channel.read(buffer, position) != blockSize) {
          throw new IOException("short direct read at " + position + " of " + file);
        }
        reads++;
      }
    }
    return reads;
  }
}
