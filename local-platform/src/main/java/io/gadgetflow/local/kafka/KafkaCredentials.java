package io.gadgetflow.local.kafka;

import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.local.OwnerOnlyFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The embedded broker's users and their passwords, made once with 256 random bits each and kept in
 * a directory only its owner may enter: whoever can read them acts as that role, so a local user
 * who cannot read the directory cannot reach Kafka at all (docs/security.md). For each role a Kafka
 * client properties file, {@code <role>.properties}, is what its clients read ({@code
 * GADGETFLOW_KAFKA_CLIENT_PROPERTIES}); the administrator, who creates topics and ACLs and whom the
 * broker uses to talk to itself, is in {@code admin.properties}.
 */
public final class KafkaCredentials {
  /** SCRAM stores only a salted hash on the broker and never sends the password. */
  static final String MECHANISM = "SCRAM-SHA-512";

  /** The broker's own user, a super user: topics, ACLs, and its listeners' connections. */
  static final String ADMIN_USER = "gadgetflow-admin";

  private static final String PASSWORDS_FILE = "users.properties";
  private static final int PASSWORD_BYTES = 32;

  private final Path directory;
  private final Map<String, String> passwords;

  /** The broker's TLS, or null for a broker on loopback that clients reach without it. */
  private final BrokerCertificates tls;

  private KafkaCredentials(Path directory, Map<String, String> passwords, BrokerCertificates tls) {
    this.directory = directory;
    this.passwords = passwords;
    this.tls = tls;
  }

  /** Whether {@code directory} holds credentials already. */
  static boolean exist(Path directory) {
    return Files.isRegularFile(directory.resolve(PASSWORDS_FILE));
  }

  /**
   * The credentials in {@code directory}, each missing user's made now; the directory is made
   * owner-only (0700) and every file in it readable by its owner only (0600).
   */
  public static KafkaCredentials loadOrCreate(Path directory) {
    return loadOrCreate(directory, null);
  }

  /**
   * As {@link #loadOrCreate(Path)}, and with {@code tlsHost} (null: none) the broker's TLS for that
   * address too: an authority of its own and the broker's certificate, which every client
   * properties file then trusts ({@code SASL_SSL}).
   */
  public static KafkaCredentials loadOrCreate(Path directory, String tlsHost) {
    try {
      Files.createDirectories(directory);
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
      Map<String, String> passwords = new LinkedHashMap<>();
      Path passwordsFile = directory.resolve(PASSWORDS_FILE);
      if (Files.isRegularFile(passwordsFile)) {
        Properties stored = new Properties();
        try (Reader reader = Files.newBufferedReader(passwordsFile)) {
          stored.load(reader);
        }
        stored.forEach((user, password) -> passwords.put((String) user, (String) password));
      }
      List<String> users = new ArrayList<>(List.of(ADMIN_USER));
      for (KafkaRole role : KafkaRole.values()) {
        users.add(role.userName());
      }
      boolean changed = false;
      for (String user : users) {
        if (!passwords.containsKey(user)) {
          passwords.put(user, newPassword());
          changed = true;
        }
      }
      KafkaCredentials credentials =
          new KafkaCredentials(
              directory,
              passwords,
              tlsHost == null ? null : BrokerCertificates.loadOrCreate(directory, tlsHost));
      if (changed) {
        OwnerOnlyFiles.write(passwordsFile, propertiesText(passwords));
      }
      credentials.writeClientFiles();
      return credentials;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep Kafka's credentials in " + directory, e);
    }
  }

  /** The directory the credentials are in. */
  public Path directory() {
    return directory;
  }

  /** The Kafka client properties file that logs in as {@code role}. */
  public Path clientProperties(KafkaRole role) {
    return directory.resolve(role.name().toLowerCase(Locale.ROOT) + ".properties");
  }

  /** The user name and password {@code role} logs in with (SCRAM, {@link #MECHANISM}). */
  public String password(KafkaRole role) {
    return passwords.get(role.userName());
  }

  /** The SASL mechanism every user logs in with. */
  public String mechanism() {
    return MECHANISM;
  }

  /** The certificate (PEM) clients trust the broker by; empty for a broker without TLS. */
  public Optional<Path> caCertificate() {
    return Optional.ofNullable(tls).map(BrokerCertificates::caCertificate);
  }

  /** The broker's TLS; null without it. */
  BrokerCertificates tls() {
    return tls;
  }

  /** The administrator's client properties file. */
  public Path adminProperties() {
    return directory.resolve("admin.properties");
  }

  /** The security settings of an administrator's client (a super user). */
  Map<String, Object> adminClientSettings() {
    return clientSettings(ADMIN_USER);
  }

  String adminPassword() {
    return passwords.get(ADMIN_USER);
  }

  /**
   * The users as {@code kafka-storage format --add-scram} takes them: SCRAM credentials are part of
   * the cluster's first metadata, so they exist before any client connects.
   */
  List<String> scramArguments() {
    List<String> arguments = new ArrayList<>();
    passwords.forEach(
        (user, password) ->
            arguments.add("%s=[name=%s,password=%s]".formatted(MECHANISM, user, password)));
    return arguments;
  }

  static String scramLogin(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"%s\";"
        .formatted(user, password);
  }

  private Map<String, Object> clientSettings(String user) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("security.protocol", tls == null ? "SASL_PLAINTEXT" : "SASL_SSL");
    if (tls != null) {
      settings.put("ssl.truststore.type", "PEM");
      settings.put("ssl.truststore.location", tls.caCertificate().toAbsolutePath().toString());
    }
    settings.put("sasl.mechanism", MECHANISM);
    settings.put("sasl.jaas.config", scramLogin(user, passwords.get(user)));
    return settings;
  }

  private void writeClientFiles() throws IOException {
    OwnerOnlyFiles.write(adminProperties(), propertiesText(clientSettings(ADMIN_USER)));
    for (KafkaRole role : KafkaRole.values()) {
      OwnerOnlyFiles.write(clientProperties(role), propertiesText(clientSettings(role.userName())));
    }
  }

  private static String propertiesText(Map<String, ?> entries) throws IOException {
    Properties properties = new Properties();
    entries.forEach((key, value) -> properties.setProperty(key, value.toString()));
    StringWriter text = new StringWriter();
    properties.store(text, "GadgetFlow's embedded Kafka; readable by its owner only");
    return text.toString();
  }

  /** URL-safe Base64 without padding: no character that SCRAM's argument syntax or JAAS quotes. */
  private static String newPassword() {
    byte[] bytes = new byte[PASSWORD_BYTES];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
