package io.gadgetflow.local;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * What the local platform's certificate authorities share (the control plane's and the local
 * cluster's Kafka): key pairs, a self-signed authority, leaf certificates it signs, and PEM files
 * readable by their owner only.
 */
public final class Certificates {
  /** Long, because these certificates never leave the machine and nothing here renews them. */
  private static final Duration VALIDITY = Duration.ofDays(3650);

  /** Tolerates a clock that moved back a little since the certificates were made. */
  private static final Duration BACKDATING = Duration.ofHours(1);

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private Certificates() {}

  /**
   * ECDSA P-256: as strong as RSA 3072, and generated in a millisecond rather than a tenth of a
   * second.
   */
  public static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  public static KeyPair newRsaKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  public static X509CertificateHolder selfSignedAuthority(X500Name name, KeyPair keyPair)
      throws GeneralSecurityException, CertIOException, OperatorCreationException {
    X509v3CertificateBuilder builder = builder(name, name, keyPair.getPublic());
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
    return builder.build(
        new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keyPair.getPrivate()));
  }

  /** A certificate that is no authority, for the caller to add its usage and names to. */
  public static X509v3CertificateBuilder leaf(
      X500Name issuer, X500Name subject, PublicKey subjectKey, PublicKey issuerKey)
      throws GeneralSecurityException, CertIOException {
    X509v3CertificateBuilder builder = builder(issuer, subject, subjectKey);
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        extensions.createAuthorityKeyIdentifier(issuerKey));
    return builder;
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey subjectKey) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(128, new SecureRandom()),
        Date.from(now.minus(BACKDATING)),
        Date.from(now.plus(VALIDITY)),
        subject,
        subjectKey);
  }

  /** The DER encoding of the certificate {@code builder} describes, signed by the issuer. */
  public static byte[] sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws IOException, OperatorCreationException {
    return builder
        .build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey))
        .getEncoded();
  }

  /** PKCS #8, which kube-apiserver, kubectl, the fabric8 client and Kafka all read. */
  public static String keyPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  public static void writeKey(Path file, PrivateKey key) throws IOException {
    OwnerOnlyFiles.write(file, keyPem(key));
  }

  public static void writePem(Path file, String type, byte[] der) throws IOException {
    OwnerOnlyFiles.write(file, pem(type, der));
  }
}
