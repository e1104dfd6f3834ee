package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import org.junit.jupiter.api.Test;

/** Ed25519Key signs through BouncyCastle: its signatures are the JDK's, byte for byte, and the JDK verifies them. */
class Ed25519KeyTest {
  @Test
  void signaturesAreTheJdksAndVerify() throws Exception {
    for (int i = 0; i < 20; i++) {
      Ed25519Key key = Ed25519Key.generate();
      byte[] message = ("autonomics.test/tenant-" + i + "\n" + i + "\nroot\n").getBytes(StandardCharsets.UTF_8);
      Signature jdk = Signature.getInstance("Ed25519");
      jdk.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(
          new EdECPrivateKeySpec(NamedParameterSpec.ED25519, key.seed())));
      jdk.update(message);
      byte[] signature = key.sign(message);
      assertArrayEquals(jdk.sign(), signature);
      assertTrue(Ed25519Key.verify(key.publicKey(), message, signature));
      message[0] ^= 1;
      assertFalse(Ed25519Key.verify(key.publicKey(), message, signature));
    }
  }

  @Test
  void aKeyFromItsSeedIsTheSameKey() {
    Ed25519Key key = Ed25519Key.generate();
    Ed25519Key again = Ed25519Key.fromSeed(key.seed());
    assertArrayEquals(key.publicKey(), again.publicKey());
    assertArrayEquals(key.sign(new byte[] {1, 2, 3}), again.sign(new byte[] {1, 2, 3}));
  }
}
