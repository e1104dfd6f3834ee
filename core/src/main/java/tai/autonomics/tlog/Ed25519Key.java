package tai.autonomics.tlog;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair held by the JDK ({@code Signature "Ed25519"}), with the raw forms the note formats use: the
 * 32-byte RFC 8032 public key and the 32-byte private seed. The JDK speaks X.509 and PKCS#8; the public key is the
 * BIT STRING at the end of the fixed 44-byte SubjectPublicKeyInfo of RFC 8410, checked byte for byte rather than
 * assumed. A seed becomes a key pair through the JDK's own generator fed with that seed as its randomness (RFC 8032
 * key generation is exactly "32 random bytes"), checked afterwards, so no curve arithmetic of ours is involved.
 * Signing goes through BouncyCastle's RFC 8032 code (same seed, same deterministic signature) with the key expanded
 * once: 25 µs a signature against 500 µs for the JDK 17's, which at 1,000 tenants' checkpoints a second took half a
 * core from {@code /pubsub} (http-bench.sh; the microbenchmark is in the closing note of issue 16).
 */
public final class Ed25519Key {
  /** RFC 8410 §4: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33 bytes, 0 unused bits) }. */
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  public static final int KEY_SIZE = 32;

  private final Ed25519PrivateKeyParameters signingKey;
  private final byte[] publicKey;
  private final byte[] seed;

  private Ed25519Key(KeyPair pair) {
    this.publicKey = rawPublicKey(pair.getPublic());
    this.seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow(
        () -> new IllegalStateException("the JDK did not expose the Ed25519 seed"));
    this.signingKey = new Ed25519PrivateKeyParameters(seed, 0);
    if (!Arrays.equals(signingKey.generatePublicKey().getEncoded(), publicKey)) {
      throw new IllegalStateException("BouncyCastle and the JDK derive different Ed25519 public keys");
    }
  }

  /** A new key from the platform's strong randomness. */
  public static Ed25519Key generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      // the default SecureRandom: the kernel's CSPRNG, which getInstanceStrong() would read through blocking /dev/random
      generator.initialize(NamedParameterSpec.ED25519, new SecureRandom());
      return new Ed25519Key(generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** The key of the RFC 8032 private key (seed) {@code seed}. */
  public static Ed25519Key fromSeed(byte[] seed) {
    if (seed.length != KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      Ed25519Key key = new Ed25519Key(generator.generateKeyPair());
      if (!Arrays.equals(key.seed, seed)) {
        throw new IllegalStateException("the JDK's Ed25519 generator did not take the seed as its private key");
      }
      return key;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** The 32-byte RFC 8032 public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 32-byte RFC 8032 private key (the seed); secret. */
  public byte[] seed() {
    return seed.clone();
  }

  public byte[] sign(byte[] message) {
    byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
    signingKey.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    return signature;
  }

  /** Whether {@code sig} is a valid Ed25519 signature of {@code message} by the raw public key {@code publicKey}. */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] sig) {
    if (publicKey.length != KEY_SIZE || sig.length != 64) {
      return false;
    }
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initVerify(jdkPublicKey(publicKey));
      signature.update(message);
      return signature.verify(sig);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // a key that is not a curve point, or a malformed signature, is a failed verification
      return false;
    }
  }

  /** The raw 32 bytes of a JDK Ed25519 public key, out of its X.509 encoding. */
  static byte[] rawPublicKey(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (encoded.length != X509_PREFIX.length + KEY_SIZE
        || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 SubjectPublicKeyInfo");
    }
    return Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
  }

  static PublicKey jdkPublicKey(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Merkle.concat(X509_PREFIX, raw)));
  }

  /** Randomness that is the seed: the JDK generator draws exactly the 32 private-key bytes from it. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;
    private boolean used;

    SeedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
      if (used || bytes.length != seed.length) {
        throw new IllegalStateException("the Ed25519 generator asked for other randomness than one seed");
      }
      used = true;
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
