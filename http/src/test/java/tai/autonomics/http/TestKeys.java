package tai.autonomics.http;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;

/** RSA keys with self-signed x509 certificates, made by the JDK's keytool (the JDK has no API that makes one). */
final class TestKeys {
  record Key(PrivateKey privateKey, String certificatePem) {}

  private TestKeys() {}

  static Key generate(Path dir, String alias) throws Exception {
    Path file = dir.resolve(alias + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "RSA",
        "-keysize", "2048", "-validity", "2", "-dname", "CN=" + alias, "-storetype", "PKCS12",
        "-keystore", file.toString(), "-storepass", "changeit", "-noprompt")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, "changeit".toCharArray());
    }
    String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(store.getCertificate(alias).getEncoded()) + "\n-----END CERTIFICATE-----\n";
    return new Key((PrivateKey) store.getKey(alias, "changeit".toCharArray()), pem);
  }
}
