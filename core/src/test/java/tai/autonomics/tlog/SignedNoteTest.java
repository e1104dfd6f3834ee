package tai.autonomics.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Signed notes against the vectors of c2sp.org/signed-note and of Go's sumdb/note (key ids, vkeys, signer keys and a
 * signature that Ed25519's determinism makes reproducible byte for byte), and malformed notes refused.
 */
class SignedNoteTest {
  // golang.org/x/mod/sumdb/note example_test.go
  static final String GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  static final String GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  static final String GO_TEXT = "If you think cryptography is the answer to your problem,\n"
      + "then you don't know what your problem is.\n";
  static final String GO_NOTE = GO_TEXT + "\n"
      + "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
  // c2sp.org/signed-note@v1.0.0 §Verifier keys, Example
  static final String SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
  static final String SPEC_NOTE = "This is an example message.\n\n— example.com/foo "
      + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

  @Test
  void goSignerKeyGivesGoVerifierKeyAndGoSignature() throws Exception {
    NoteSigner signer = NoteSigner.parse(GO_SKEY);
    assertEquals(GO_VKEY, signer.verifier().vkey());
    assertEquals(0xc74f20a3, signer.keyId());
    assertEquals(GO_SKEY, signer.signerKey());
    assertEquals(GO_NOTE, SignedNote.sign(GO_TEXT, signer));
    SignedNote.Opened opened = SignedNote.open(GO_NOTE, List.of(NoteVerifier.parse(GO_VKEY)));
    assertEquals(GO_TEXT, opened.text());
    assertEquals(GO_VKEY, opened.verifiedBy().get(0).vkey());
  }

  @Test
  void specExampleVerifies() throws Exception {
    NoteVerifier v = NoteVerifier.parse(SPEC_VKEY);
    assertEquals(SPEC_VKEY, v.vkey());
    assertEquals("This is an example message.\n", SignedNote.open(SPEC_NOTE, List.of(v)).text());
  }

  @Test
  void keyIdIsRecomputedAndTheJdkVerifiesOurSignature() throws Exception {
    NoteSigner signer = NoteSigner.of("autonomics.example/tenant-1", Ed25519Key.generate());
    byte[] pub = signer.key().publicKey();
    byte[] input = ("autonomics.example/tenant-1\n\u0001").getBytes(StandardCharsets.UTF_8);
    byte[] d = Merkle.sha256().digest(Merkle.concat(input, pub));
    assertEquals(((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF),
        signer.keyId());
    String note = SignedNote.sign("hello\n", signer);
    String b64 = note.substring(note.lastIndexOf(' ') + 1, note.length() - 1);
    byte[] sig = Base64.getDecoder().decode(b64);
    assertEquals(68, sig.length);
    assertArrayEquals(java.util.Arrays.copyOf(d, 4), java.util.Arrays.copyOf(sig, 4));
    // a verifier built by the JDK from the standard X.509 encoding of the raw key
    byte[] x509 = Merkle.concat(TestTrees.hex("302a300506032b6570032100"), pub);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509)));
    jdk.update("hello\n".getBytes(StandardCharsets.UTF_8));
    assertTrue(jdk.verify(java.util.Arrays.copyOfRange(sig, 4, 68)));
    // the seed round-trips through the Go signer key form
    assertArrayEquals(pub, NoteSigner.parse(signer.signerKey()).key().publicKey());
  }

  @Test
  void malformedOrUnverifiedNotesAreRefused() {
    NoteVerifier go = NoteVerifier.parse(GO_VKEY);
    String sigLine = GO_NOTE.substring(GO_TEXT.length() + 1);
    List<String> bad = List.of(
        GO_TEXT + sigLine, // no blank line
        GO_NOTE.substring(0, GO_NOTE.length() - 1), // no final newline
        GO_TEXT + "\n" + sigLine.replace("— ", "- "), // a hyphen for the em dash
        GO_TEXT + "\n" + sigLine.replace("— ", "—"), // no space after the dash
        GO_TEXT + "\n" + sigLine.replace("Neumann ", "Neumann  "), // two spaces
        GO_TEXT + "\n" + sigLine.replace("x08go", "x08g!"), // not base64
        GO_TEXT + "\n" + "— PeterNeumann AAAA\n", // too short
        GO_TEXT.replace("answer", "answer\t") + "\n" + sigLine, // a control character
        GO_TEXT.replace("answer", "Answer") + "\n" + sigLine, // text changed: bad signature
        GO_TEXT + "\n" + sigLine.replace("PeterNeumann", "Peter+Neumann"), // a plus in the name
        GO_TEXT + "\n\n"); // no signature
    for (String note : bad) {
      assertThrows(NoteException.class, () -> SignedNote.open(note, List.of(go)), note);
    }
    // only an unknown key's signature: rejected
    NoteVerifier other = NoteSigner.of("PeterNeumann", Ed25519Key.generate()).verifier();
    assertThrows(NoteException.class, () -> SignedNote.open(GO_NOTE, List.of(other)));
    assertThrows(NoteException.class, () -> SignedNote.open(new byte[] {'a', '\n', '\n', (byte) 0xff}, List.of(go)));
  }

  @Test
  void malformedKeysAreRefused() {
    for (String k : List.of(GO_VKEY.replace("c74f20a3", "c74f20a4"), GO_VKEY.replace("+ARpc", "+AhRpc"),
        GO_VKEY.replace("c74f20a3", "C74F20A3"), GO_VKEY + "+x", "PeterNeumann+c74f20a3", GO_VKEY.replace("+ARpc",
        "+ZRpc"), "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")) {
      assertThrows(IllegalArgumentException.class, () -> NoteVerifier.parse(k), k);
    }
    for (String k : List.of(GO_SKEY.replace("c74f20a3", "c74f20a4"), GO_SKEY.replace("PRIVATE+KEY", "PUBLIC+KEY"),
        GO_SKEY.replace("+AYEK", "+AhEK"), GO_VKEY)) {
      assertThrows(IllegalArgumentException.class, () -> NoteSigner.parse(k), k);
    }
  }
}
