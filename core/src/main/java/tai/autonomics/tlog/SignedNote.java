package tai.autonomics.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signs and opens {@code c2sp.org/signed-note@v1.0.0} notes: the text (ending in a newline), a blank line, and one
 * line per signature, {@code — <key name> <base64(key id || signature)>} with an em dash (U+2014). Opening follows
 * the spec's rules: signatures of unknown keys are ignored, a known key's bad signature rejects the note, and a note
 * with no good signature of a known key is rejected. Go's {@code note.Open} reads what this writes.
 */
public final class SignedNote {
  private static final String SIG_PREFIX = "\u2014 ";
  // the spec asks verifiers to accept at least 16 signatures and to bound them
  private static final int MAX_SIGNATURES = 100;

  /**
   * An opened note.
   *
   * @param text the signed text, with its final newline
   * @param verifiedBy the known keys whose signatures verified
   */
  public record Opened(String text, List<NoteVerifier> verifiedBy) {
    public Opened {
      verifiedBy = List.copyOf(verifiedBy);
    }
  }

  private SignedNote() {}

  /** The note of {@code text} signed by {@code signers}. */
  public static String sign(String text, NoteSigner... signers) {
    checkText(text);
    if (signers.length == 0) {
      throw new IllegalArgumentException("a note needs a signature");
    }
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder note = new StringBuilder(text).append('\n');
    for (NoteSigner signer : signers) {
      byte[] sig = Merkle.concat(ByteBuffer.allocate(4).putInt(signer.keyId()).array(), signer.sign(message));
      note.append(SIG_PREFIX).append(signer.name()).append(' ').append(Base64.getEncoder().encodeToString(sig))
          .append('\n');
    }
    return note.toString();
  }

  /** Opens a note received as bytes; it must be UTF-8. */
  public static Opened open(byte[] note, List<NoteVerifier> known) throws NoteException {
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(note)).toString();
      return open(text, known);
    } catch (CharacterCodingException e) {
      throw new NoteException("the note is not UTF-8");
    }
  }

  /** Opens {@code note}, verifying the signatures of the {@code known} keys. */
  public static Opened open(String note, List<NoteVerifier> known) throws NoteException {
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new NoteException("the note holds a control character at " + i);
      }
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new NoteException("the note has no blank line before its signatures");
    }
    String text = note.substring(0, split + 1);
    String sigs = note.substring(split + 2);
    if (sigs.isEmpty() || !sigs.endsWith("\n")) {
      throw new NoteException("the note's signature lines do not end in a newline");
    }
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    List<NoteVerifier> verified = new ArrayList<>();
    String[] lines = sigs.substring(0, sigs.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw new NoteException("the note has more than " + MAX_SIGNATURES + " signatures");
    }
    for (String line : lines) {
      if (!line.startsWith(SIG_PREFIX)) {
        throw new NoteException("a signature line does not start with an em dash and a space");
      }
      String[] parts = line.substring(SIG_PREFIX.length()).split(" ", -1);
      if (parts.length != 2 || !isKeyName(parts[0])) {
        throw new NoteException("a signature line is not <key name> <signature>");
      }
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(parts[1]);
      } catch (IllegalArgumentException e) {
        throw new NoteException("the signature of " + parts[0] + " is not base64");
      }
      if (sig.length < 5) {
        throw new NoteException("the signature of " + parts[0] + " is too short");
      }
      int keyId = ByteBuffer.wrap(sig, 0, 4).getInt();
      for (NoteVerifier v : known) {
        if (v.name().equals(parts[0]) && v.keyId() == keyId && !verified.contains(v)) {
          if (!v.verify(message, java.util.Arrays.copyOfRange(sig, 4, sig.length))) {
            throw new NoteException("the signature of " + v.vkey() + " does not verify");
          }
          verified.add(v);
        }
      }
    }
    if (verified.isEmpty()) {
      throw new NoteException("the note has no signature of a known key");
    }
    return new Opened(text, verified);
  }

  static void checkKeyName(String name) {
    if (!isKeyName(name)) {
      throw new IllegalArgumentException("a key name is non-empty, without spaces or '+'");
    }
  }

  // non-empty, no Unicode space (as Go's unicode.IsSpace), no plus, no control characters
  static boolean isKeyName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    return name.codePoints().noneMatch(c -> c == '+' || c < 0x20 || Character.isWhitespace(c)
        || Character.isSpaceChar(c) || c == 0x85);
  }

  private static void checkText(String text) {
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("a note's text ends in a newline");
    }
    if (text.chars().anyMatch(c -> c < 0x20 && c != '\n')) {
      throw new IllegalArgumentException("a note's text holds no control characters but newlines");
    }
  }
}
